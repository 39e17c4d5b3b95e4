/* kesu verify DEVICE --expect ...: secondary verification of a drive
 * erased earlier or elsewhere. Reads only. */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* The sectors themselves, as the README promises: "0-7 2048" (a range, or
 * one sector), the first 20 ranges and then how many there are in all;
 * kesu verify --json has every one. */
static void print_sector_ranges(const struct kesu_range_list *l)
{
	for (size_t i = 0; i < l->count && i < 20; i++) {
		unsigned long long a = l->items[i].first, b = a + l->items[i].count - 1;
		if (a == b)
			printf(" %llu", a);
		else
			printf(" %llu-%llu", a, b);
	}
	if (l->count > 20)
		printf(ngettext(" ... (%zu range in all)", " ... (%zu ranges in all)",
				(unsigned long)l->count), l->count);
	putchar('\n');
}

static atomic_bool cancel_verify;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cancel_verify, true);
}

/* Who checks, and where it is recorded: as for kesu wipe. */
static int open_verify_station(struct cli_station *st, const struct kesu_job_context *flags,
			       const char *ledger, const char *key, const char *passphrase_file)
{
	int code = cli_station_load_config(st);
	if (code != KESU_EXIT_OK)
		return code;
	struct kesu_job_context *ctx = &st->cfg.ctx;
	cli_context_merge(ctx, flags);
	kesu_context_station(ctx);
	if (!ctx->operator_name[0])
		return cli_no_operator("verify", N_("who is checking"));
	char err[KESU_ERRMSG_MAX];
	if (kesu_context_check(ctx, err, sizeof(err)) < 0) {
		cli_error("verify: %s", err);
		return KESU_EXIT_USAGE;
	}
	code = cli_station_paths(st, ledger, NULL, key);
	if (code == KESU_EXIT_OK)
		code = cli_station_open_ledger(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_load_key(st, passphrase_file);
	return code;
}

static int record_verify(struct cli_station *st, const struct kesu_device *dev, const char *expect,
			 const struct kesu_verify_result *v, int rc, const char *job_id, time_t started)
{
	size_t len;
	char err[KESU_ERRMSG_MAX], hash[65];
	uint64_t seq;
	char *record = kesu_record_build_verify(dev, expect, v, rc, &st->cfg.ctx, job_id, started,
						time(NULL), &len);
	if (!record) {
		cli_error("%s: cannot build the ledger record", dev->path);
		return KESU_EXIT_FAILURE;
	}
	int lrc = kesu_ledger_finish(st->ledger, job_id, record, len, st->sk, &seq, hash, err, sizeof(err));
	free(record);
	if (lrc < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	fprintf(stderr, _("kesu: recorded in the ledger as record %llu (job %s)\n"), (unsigned long long)seq, job_id);
	return KESU_EXIT_OK;
}

static void verify_usage(FILE *out)
{
	fputs(_("Usage: kesu verify [OPTIONS] --expect WHAT DEVICE\n\n"
	      "Reads a drive erased earlier or by someone else and checks that it holds\n"
	      "only what it should: NIST SP 800-88 sampling (default) or a full read.\n"
	      "The drive is opened read-only.\n\n"
	      "  -e, --expect WHAT        zero, ff, pattern:HEX (e.g. pattern:924924) or\n"
	      "                           random:SEED (the 64-hex-digit seed of a random pass)\n"
	      "      --full               read everything\n"
	      "      --verify-percent N   sampled coverage in percent (default 10)\n"
	      "  -J, --json               print the result as JSON\n"
	      "      --operator NAME      who checks (required here or in the config file);\n"
	      "      --organisation ORG, --department DEPT, --asset N\n"
	      "      --ledger PATH, --key PATH, --passphrase-file F   as for kesu wipe\n"
	      "The check is recorded in the ledger like a wipe.\n"
	      "  -h, --help               this help\n"),
	      out);
}

int cmd_verify(int argc, char **argv)
{
	enum { O_FULL = 256, O_PERCENT, O_JSON, O_OPERATOR, O_ORG, O_DEPT, O_ASSET, O_LEDGER, O_KEY,
	       O_PASSFILE };
	static const struct option opts[] = {
		{"expect", required_argument, NULL, 'e'}, {"full", no_argument, NULL, O_FULL},
		{"verify-percent", required_argument, NULL, O_PERCENT}, {"json", no_argument, NULL, O_JSON},
		{"operator", required_argument, NULL, O_OPERATOR}, {"organisation", required_argument, NULL, O_ORG},
		{"department", required_argument, NULL, O_DEPT}, {"asset", required_argument, NULL, O_ASSET},
		{"ledger", required_argument, NULL, O_LEDGER}, {"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct kesu_job_context flags = {0};
	const char *ledger = NULL, *key = NULL, *passphrase_file = NULL;
	const char *expect = NULL;
	enum kesu_verify_mode mode = KESU_VMODE_SAMPLE;
	double percent = KESU_VERIFY_DEFAULT_PERCENT;
	bool json = false, percent_given = false;
	int c;
	while ((c = cli_getopt(argc, argv, "e:hJ", opts, NULL)) != -1) {
		switch (c) {
		case 'e': expect = optarg; break;
		case O_FULL: mode = KESU_VMODE_FULL; break;
		case O_PERCENT:
			if (!cli_parse_decimal("--verify-percent", optarg, 1, 100, 1, &percent))
				return KESU_EXIT_USAGE;
			percent_given = true;
			break;
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: json = true; break;
		case O_OPERATOR:
			if (!cli_set_field(&flags, KESU_CTX_OPERATOR, "--operator", optarg))
				return KESU_EXIT_USAGE;
			break;
		case O_ORG:
			if (!cli_set_field(&flags, KESU_CTX_ORGANISATION, "--organisation", optarg))
				return KESU_EXIT_USAGE;
			break;
		case O_DEPT:
			if (!cli_set_field(&flags, KESU_CTX_DEPARTMENT, "--department", optarg))
				return KESU_EXIT_USAGE;
			break;
		case O_ASSET:
			if (!cli_set_field(&flags, KESU_CTX_ASSET_NUMBER, "--asset", optarg))
				return KESU_EXIT_USAGE;
			break;
		case O_LEDGER: ledger = optarg; break;
		case O_KEY: key = optarg; break;
		case O_PASSFILE: passphrase_file = optarg; break;
		case 'h': verify_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("verify");
		}
	}
	if (mode == KESU_VMODE_FULL && percent_given) {
		cli_error("verify: --verify-percent and --full contradict each other (--full reads "
			  "every sector)");
		return KESU_EXIT_USAGE;
	}
	struct kesu_expectation e;
	if (!expect || kesu_expectation_parse(expect, &e) < 0) {
		cli_error("verify: --expect %s%s%s: give zero, ff, pattern:HEX or random:SEED",
			  expect ? "\"" : _("is required"), expect ? expect : "", expect ? _("\" is not valid") : "");
		return KESU_EXIT_USAGE;
	}
	if (argc - optind != 1) {
		cli_error("verify: name exactly one DEVICE (kesu verify --help)");
		return KESU_EXIT_USAGE;
	}
	if (!cli_check_text("DEVICE", argv[optind])) /* its path is part of the record */
		return KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	int code = open_verify_station(st, &flags, ledger, key, passphrase_file);
	if (code != KESU_EXIT_OK) {
		cli_station_close(st);
		free(st);
		return code;
	}
	struct kesu_device *dev = malloc(sizeof(*dev));
	int rc = kesu_device_probe(argv[optind], NULL, dev);
	if (rc < 0) {
		cli_error("%s: %s", argv[optind], kesu_strerror(rc));
		free(dev);
		cli_station_close(st);
		free(st);
		return rc == -ENOTBLK ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	int fd = open(dev->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_error("%s: cannot open: %s", dev->path, strerror(errno));
		free(dev);
		cli_station_close(st);
		free(st);
		return KESU_EXIT_FAILURE;
	}
	char job_id[KESU_JOB_ID_LEN + 1], device_key[KESU_DEVICE_KEY_MAX], err[KESU_ERRMSG_MAX];
	kesu_ledger_device_key(dev->serial, dev->path, dev->size, device_key, sizeof(device_key));
	if (kesu_ledger_begin(st->ledger, device_key, "{\"kind\":\"verify\"}", job_id, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		close(fd);
		free(dev);
		cli_station_close(st);
		free(st);
		return KESU_EXIT_FAILURE;
	}
	time_t started = time(NULL);
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct kesu_verify_result v;
	rc = kesu_verify_drive(dev, fd, &e, mode, percent, &cancel_verify, &v);
	int record_code = record_verify(st, dev, expect, &v, rc, job_id, started);
	if (json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "kesu_version", json_object_new_string(KESU_VERSION));
		json_object_object_add(o, "device", cli_device_json(dev));
		json_object_object_add(o, "expect", json_object_new_string(expect));
		json_object_object_add(o, "mode", json_object_new_string(kesu_verify_mode_name(v.mode)));
		json_object_object_add(o, "percent", json_object_new_double(v.plan.percent));
		json_object_object_add(o, "samples", json_object_new_uint64(v.plan.count));
		json_object_object_add(o, "bytes_read", json_object_new_uint64(v.bytes_read));
		json_object_object_add(o, "seconds", json_object_new_double(v.seconds));
		json_object_object_add(o, "passed", json_object_new_boolean(rc == 0));
		json_object_object_add(o, "error", rc && rc != -KESU_EVERIFY ? json_object_new_string(kesu_strerror(rc)) : NULL);
		json_object_object_add(o, "mismatched", cli_ranges_json(&v.mismatched));
		json_object_object_add(o, "unreadable", cli_ranges_json(&v.unreadable));
		cli_print_json(o);
		json_object_put(o);
	} else {
		printf(_("%s: %s, %s %.1f%%: %llu bytes read in %.1f s\n"), dev->path,
		       rc == 0 ? _("PASSED") : rc == -KESU_EVERIFY ? _("FAILED") : _("NOT COMPLETED"),
		       kesu_verify_mode_name(v.mode), v.plan.percent, (unsigned long long)v.bytes_read,
		       v.seconds);
		unsigned long long n = kesu_ranges_sectors(&v.mismatched);
		if (n) {
			printf(ngettext("  %llu sector differs from %s:", "  %llu sectors differ from %s:",
					(unsigned long)n), n, expect);
			print_sector_ranges(&v.mismatched);
		}
		n = kesu_ranges_sectors(&v.unreadable);
		if (n) {
			printf(ngettext("  %llu sector unreadable:", "  %llu sectors unreadable:",
					(unsigned long)n), n);
			print_sector_ranges(&v.unreadable);
		}
		if (rc < 0 && rc != -KESU_EVERIFY)
			cli_error("%s: verification stopped: %s", dev->path, kesu_strerror(rc));
	}
	kesu_verify_result_free(&v);
	free(dev);
	cli_station_close(st);
	free(st);
	code = rc == 0 ? KESU_EXIT_OK : rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : cli_exit_for(rc);
	return record_code > code ? record_code : code;
}

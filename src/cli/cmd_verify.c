/* kesu verify DEVICE --expect ...: secondary verification of a drive
 * erased earlier or elsewhere. Reads only. */
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static atomic_bool cancel_verify;

static void on_signal(int sig)
{
	(void)sig;
	atomic_store(&cancel_verify, true);
}

static void verify_usage(FILE *out)
{
	fputs("Usage: kesu verify [OPTIONS] --expect WHAT DEVICE\n\n"
	      "Reads a drive erased earlier or by someone else and checks that it holds\n"
	      "only what it should: NIST SP 800-88 sampling (default) or a full read.\n"
	      "The drive is opened read-only.\n\n"
	      "  -e, --expect WHAT        zero, ff, pattern:HEX (e.g. pattern:924924) or\n"
	      "                           random:SEED (the 64-hex-digit seed of a random pass)\n"
	      "      --full               read everything\n"
	      "      --verify-percent N   sampled coverage in percent (default 10)\n"
	      "      --json               print the result as JSON\n"
	      "  -h, --help               this help\n",
	      out);
}

int cmd_verify(int argc, char **argv)
{
	enum { O_FULL = 256, O_PERCENT, O_JSON };
	static const struct option opts[] = {
		{"expect", required_argument, NULL, 'e'}, {"full", no_argument, NULL, O_FULL},
		{"verify-percent", required_argument, NULL, O_PERCENT}, {"json", no_argument, NULL, O_JSON},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *expect = NULL;
	enum kesu_verify_mode mode = KESU_VMODE_SAMPLE;
	double percent = KESU_VERIFY_DEFAULT_PERCENT;
	bool json = false;
	char *end;
	int c;
	while ((c = getopt_long(argc, argv, "e:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': expect = optarg; break;
		case O_FULL: mode = KESU_VMODE_FULL; break;
		case O_PERCENT:
			percent = strtod(optarg, &end);
			if (*end || !(percent >= 1 && percent <= 100)) {
				cli_error("--verify-percent: \"%s\" is not a number from 1 to 100", optarg);
				return KESU_EXIT_USAGE;
			}
			break;
		case O_JSON: json = true; break;
		case 'h': verify_usage(stdout); return KESU_EXIT_OK;
		default: verify_usage(stderr); return KESU_EXIT_USAGE;
		}
	}
	struct kesu_expectation e;
	if (!expect || kesu_expectation_parse(expect, &e) < 0) {
		cli_error("verify: --expect %s%s%s: give zero, ff, pattern:HEX or random:SEED",
			  expect ? "\"" : "is required", expect ? expect : "", expect ? "\" is not valid" : "");
		return KESU_EXIT_USAGE;
	}
	if (argc - optind != 1) {
		cli_error("verify: name exactly one DEVICE (kesu verify --help)");
		return KESU_EXIT_USAGE;
	}
	struct kesu_device *dev = malloc(sizeof(*dev));
	int rc = kesu_device_probe(argv[optind], NULL, dev);
	if (rc < 0) {
		cli_error("%s: %s", argv[optind], kesu_strerror(rc));
		free(dev);
		return rc == -ENOTBLK ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	int fd = open(dev->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		cli_error("%s: cannot open: %s", dev->path, strerror(errno));
		free(dev);
		return KESU_EXIT_FAILURE;
	}
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	struct kesu_verify_result v;
	rc = kesu_verify_drive(dev, fd, &e, mode, percent, &cancel_verify, &v);
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
		printf("%s: %s, %s %.1f%%: %llu bytes read in %.1f s\n", dev->path,
		       rc == 0 ? "PASSED" : rc == -KESU_EVERIFY ? "FAILED" : "NOT COMPLETED",
		       kesu_verify_mode_name(v.mode), v.plan.percent, (unsigned long long)v.bytes_read,
		       v.seconds);
		if (v.mismatched.count)
			printf("  %llu sector(s) differ from %s, first at sector %llu\n",
			       (unsigned long long)kesu_ranges_sectors(&v.mismatched), expect,
			       (unsigned long long)v.mismatched.items[0].first);
		if (v.unreadable.count)
			printf("  %llu sector(s) unreadable, first at sector %llu\n",
			       (unsigned long long)kesu_ranges_sectors(&v.unreadable),
			       (unsigned long long)v.unreadable.items[0].first);
		if (rc < 0 && rc != -KESU_EVERIFY)
			cli_error("%s: verification stopped: %s", dev->path, kesu_strerror(rc));
	}
	kesu_verify_result_free(&v);
	free(dev);
	return rc == 0 ? KESU_EXIT_OK : rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : cli_exit_for(rc);
}

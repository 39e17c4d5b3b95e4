/* kesu check DEVICE...: what the safety gate would say to a wipe, without
 * writing anything. The drive is opened read-only and exclusively to prove
 * that nothing else holds it. */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/central.h"
#include "kesu/push.h"
#include "remedy.h"

static void check_usage(FILE *out)
{
	fputs(_("Usage: kesu check [--force] [--ledger FILE] [--cert-dir DIR] [--key FILE] DEVICE...\n\n"
	      "Runs the safety gate exactly as a wipe would, and writes nothing.\n"
	      "Refusals (SYSTEM, mounted, swap, holders, read-only, busy, partition,\n"
	      "not a drive, kesu's own file) exit with status 5; --force never\n"
	      "overrides them. A drive inherits SYSTEM, swap, mounted and held from\n"
	      "the stack it is part of (a loop device's backing device or file, dm/md\n"
	      "slaves, and what stands on it); the reason names the chain.\n"
	      "Warnings (a partition table or filesystem is present) are printed; an\n"
	      "unattended wipe (--yes) of such a drive also needs --force.\n\n"
	      "  -f, --force     accept drives that only have warnings\n"
	      "      --ledger FILE, --cert-dir DIR, --key FILE\n"
	      "                  kesu's own files, found as kesu wipe finds them\n"
	      "                  (flag, $KESU_LEDGER / $KESU_KEY, config file, default)\n"
	      "  -h, --help      this help\n"),
	      out);
	fputs(_("\nWith server = URL in the config file it also reports the outbox (no network,\n"
		"as kesu ledger status): records waiting to be sent are a warning, never an\n"
		"exit status.\n"),
	      out);
}

/* With server = URL: the outbox, from the ledger's push state (no
 * network, as kesu ledger status): a warning while records wait to be
 * sent. Never changes the exit status: the drives are what is checked. */
static void check_outbox(struct cli_station *st)
{
	char server[512], err[KESU_ERRMSG_MAX], esc[2048];
	if (!st->cfg.server[0] || access(st->ledger_path, F_OK) != 0 ||
	    kesu_central_url_name(st->cfg.server, server, sizeof(server), err, sizeof(err)) < 0 ||
	    cli_station_open_ledger_readonly(st) != KESU_EXIT_OK)
		return;
	struct kesu_push_outbox o;
	if (kesu_push_outbox(st->ledger, server, &o, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		cli_station_close(st);
		return;
	}
	const struct kesu_push_state *s = &o.state;
	uint64_t waiting = o.waiting;
	if (waiting == 0)
		printf(_("central store %s: every record is sent\n"), server);
	else if (o.found && s->last_error[0])
		printf(ngettext("central store %s: warning: %llu record waits to be sent; the last push "
				"(%s) failed: %s (kesu ledger push sends it)\n",
				"central store %s: warning: %llu records wait to be sent; the last push "
				"(%s) failed: %s (kesu ledger push sends them)\n",
				(unsigned long)waiting),
		       server, (unsigned long long)waiting, s->attempt_utc,
		       cli_escape(s->last_error, esc, sizeof(esc)));
	else
		printf(ngettext("central store %s: warning: %llu record waits to be sent (kesu ledger "
				"push sends it)\n",
				"central store %s: warning: %llu records wait to be sent (kesu ledger "
				"push sends them)\n",
				(unsigned long)waiting),
		       server, (unsigned long long)waiting);
	cli_station_close(st);
}

/* Returns the exit code for one drive. */
static int check_one(const char *path, bool force, const struct kesu_gate_own_files *own)
{
	struct kesu_device *dev = malloc(sizeof(*dev));
	struct kesu_gate_verdict v;
	if (!dev)
		return KESU_EXIT_FAILURE;
	int rc = kesu_gate_check(path, NULL, force, own, dev, &v);
	int code = KESU_EXIT_OK;
	if (rc == -KESU_EREFUSED && v.refusals) {
		cli_error("%s", v.reason);
		code = KESU_EXIT_REFUSED;
	} else if (rc < 0 && rc != -KESU_EREFUSED) {
		cli_error("%s: %s", path, kesu_strerror(rc));
		code = cli_exit_for(rc);
	} else {
		int fd = kesu_gate_open(dev, O_RDONLY, &v);
		if (fd == -KESU_EREFUSED) {
			cli_error("%s", v.reason);
			code = KESU_EXIT_REFUSED;
		} else if (fd < 0) {
			cli_error("%s: cannot open: %s", dev->path, kesu_strerror(fd));
			code = cli_exit_for(fd);
		} else {
			close(fd);
			kesu_gate_judge(dev, force, &v);
			char remedy[CLI_REMEDY_MAX];
			if (v.warnings)
				printf(_("%s: warning: %s%s\n"), dev->path, v.reason,
				       cli_remedy(v.remedies, remedy, sizeof(remedy)));
			printf(_("%s: the safety gate accepts it (confirm with \"%s\")\n"), dev->path,
			       kesu_gate_confirm_token(dev));
		}
	}
	free(dev);
	return code;
}

int cmd_check(int argc, char **argv)
{
	enum { OPT_LEDGER = 256, OPT_CERT_DIR, OPT_KEY };
	static const struct option opts[] = {
		{"force", no_argument, NULL, 'f'},	    {"ledger", required_argument, NULL, OPT_LEDGER},
		{"cert-dir", required_argument, NULL, OPT_CERT_DIR},
		{"key", required_argument, NULL, OPT_KEY}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	bool force = false;
	const char *ledger = NULL, *cert_dir = NULL, *key = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f': force = true; break;
		case OPT_LEDGER: ledger = optarg; break;
		case OPT_CERT_DIR: cert_dir = optarg; break;
		case OPT_KEY: key = optarg; break;
		case 'h': check_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("check");
		}
	}
	if (optind == argc) {
		cli_error("check: name at least one DEVICE (kesu check --help)");
		return KESU_EXIT_USAGE;
	}
	/* kesu's own files, resolved as kesu wipe resolves them; nothing is created. */
	struct cli_station *st = calloc(1, sizeof(*st));
	if (!st)
		return KESU_EXIT_FAILURE;
	int worst = cli_station_load_config(st);
	if (worst == KESU_EXIT_OK)
		worst = cli_station_paths(st, ledger, cert_dir, key);
	if (worst == KESU_EXIT_OK) {
		const struct kesu_gate_own_files *own = cli_station_own_files(st, &st->own);
		check_outbox(st);
		for (int i = optind; i < argc; i++) {
			int code = check_one(argv[i], force, own);
			if (code > worst)
				worst = code;
		}
	}
	free(st);
	return worst;
}

/* kesu ledger abandon JOB: closes an unfinished job that will never be
 * finished (the drive is gone, destroyed, or will be erased anew) with a
 * signed ABANDONED record, so that the ledger says what became of it and
 * the drive's next wipe starts anew instead of resuming it. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static void abandon_usage(FILE *out)
{
	fputs(_("Usage: kesu ledger abandon [OPTIONS] JOB-ID\n\n"
	      "Closes the unfinished (running or interrupted) job JOB-ID with a signed\n"
	      "ABANDONED record: who closed it, why, how far it got, the sectors it could\n"
	      "not write. No certificate. The drive's next wipe then starts anew; kesu\n"
	      "wipe --restart does the same for the drive it is given.\n\n"
	      "  --reason TEXT          why (recorded; default: closed by the operator)\n"
	      "  --operator NAME        who closes it (default: the config file's operator)\n"
	      "  --ledger PATH, --key PATH, --passphrase-file F   as for kesu wipe\n"
	      "  -h, --help             this help\n"),
	      out);
}

int cmd_ledger_abandon(int argc, char **argv)
{
	enum { O_REASON = 256, O_OPERATOR, O_LEDGER, O_KEY, O_PASSFILE };
	static const struct option opts[] = {
		{"reason", required_argument, NULL, O_REASON},
		{"operator", required_argument, NULL, O_OPERATOR},
		{"ledger", required_argument, NULL, O_LEDGER},
		{"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *reason = "closed by the operator (kesu ledger abandon)", *ledger = NULL, *key = NULL,
		   *passfile = NULL, *operator_name = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_REASON: reason = optarg; break;
		case O_OPERATOR: operator_name = optarg; break;
		case O_LEDGER: ledger = optarg; break;
		case O_KEY: key = optarg; break;
		case O_PASSFILE: passfile = optarg; break;
		case 'h': abandon_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("ledger abandon");
		}
	}
	if (argc - optind != 1) {
		cli_error("ledger abandon: name one JOB-ID (kesu ledger list --open shows them)");
		return KESU_EXIT_USAGE;
	}
	const char *job_id = argv[optind];
	struct kesu_job_context flags = {0};
	if ((operator_name && !cli_set_field(&flags, KESU_CTX_OPERATOR, "--operator", operator_name)) ||
	    !cli_check_text("--reason", reason)) /* both are signed */
		return KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	int code = cli_station_open_for_records(st, &flags, "ledger abandon", N_("who closes the job"),
						ledger, key, passfile);
	if (code == KESU_EXIT_OK) {
		struct kesu_ledger_open_job open;
		char err[KESU_ERRMSG_MAX];
		int found = kesu_ledger_get_open(st->ledger, job_id, &open, err, sizeof(err));
		if (found < 0) {
			cli_error("%s", err);
			code = KESU_EXIT_FAILURE;
		} else if (!found) {
			cli_error("ledger abandon: no unfinished job %s in %s (kesu ledger list --open)",
				  job_id, st->ledger_path);
			code = KESU_EXIT_USAGE;
		} else {
			uint64_t seq;
			struct kesu_station ks;
			kesu_station_init(&ks, st->ledger, st->sk, st->cert_dir, &st->cfg.ctx, NULL);
			if (kesu_wipe_abandon(&ks, &open, NULL, reason, &seq, err, sizeof(err)) < 0) {
				cli_error("%s", err);
				code = KESU_EXIT_FAILURE;
			} else {
				printf(_("job %s closed as ABANDONED: ledger record %llu\n"), job_id,
				       (unsigned long long)seq);
			}
			kesu_station_destroy(&ks);
			kesu_ledger_open_job_free(&open);
		}
	}
	cli_station_close(st);
	free(st);
	return code;
}

/* kesu media dispose SERIAL|ASSET: records the hand-over (引渡し) of a
 * medium, who received it and where it goes (NIST SP 800-88 Rev. 1
 * App. G), as a signed "handover" ledger record. A medium that may still
 * hold data does not leave for lease return or reuse without a reason,
 * which the record keeps. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kesu/media.h"

struct dispose_ctl {
	const char *which, *destination, *ledger, *key, *passfile, *operator_name;
	struct kesu_handover h;
};

static void dispose_usage(FILE *out)
{
	fputs(_("Usage: kesu media dispose SERIAL|ASSET --destination DEST --to ORG\n"
	      "                          [--received-by NAME] [--date YYYY-MM-DD]\n"
	      "                          [--force-reason TEXT] [--operator NAME]\n"
	      "                          [--ledger PATH] [--key PATH] [--passphrase-file F]\n\n"
	      "Records the hand-over (引渡し) of a medium the ledger knows as a signed\n"
	      "\"handover\" record: where it goes, the organisation and person who received\n"
	      "it, the day, and its state then (kesu media show).\n\n"
	      "  --destination DEST   lease-return, reuse, recycle, destroyed or vendor\n"
	      "                       (NIST SP 800-88 Rev. 1, Appendix G)\n"
	      "  --to ORG             the organisation that receives it (required)\n"
	      "  --received-by NAME   the person who received it\n"
	      "  --date D             the day it was handed over (default: today); not later,\n"
	      "                       nor before the record that gave the medium its state\n"
	      "  --force-reason TEXT  hand over a medium that is pending, failed or erased\n"
	      "                       with exceptions for lease-return or reuse anyway; the\n"
	      "                       reason is recorded\n"
	      "  --operator NAME      who records it (default: the config file's operator)\n"
	      "  --ledger PATH, --key PATH, --passphrase-file F   as for kesu wipe\n\n"
	      "Refused (exit 5): lease-return or reuse of a pending, failed or exceptions\n"
	      "medium without --force-reason; --destination destroyed when no destruction is\n"
	      "recorded (kesu destroy); a medium already handed over (the earlier record is\n"
	      "named). A medium no record names, or a bad value, is exit 2.\n"),
	      out);
}

static int parse_dispose(int argc, char **argv, struct dispose_ctl *c)
{
	enum { O_DEST = 256, O_TO, O_BY, O_DATE, O_FORCE, O_OPERATOR, O_LEDGER, O_KEY, O_PASSFILE };
	static const struct option opts[] = {
		{"destination", required_argument, NULL, O_DEST},
		{"to", required_argument, NULL, O_TO},
		{"received-by", required_argument, NULL, O_BY},
		{"date", required_argument, NULL, O_DATE},
		{"force-reason", required_argument, NULL, O_FORCE},
		{"operator", required_argument, NULL, O_OPERATOR},
		{"ledger", required_argument, NULL, O_LEDGER},
		{"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_DEST: c->destination = optarg; break;
		case O_TO: c->h.to = optarg; break;
		case O_BY: c->h.received_by = optarg; break;
		case O_DATE: c->h.date = optarg; break;
		case O_FORCE: c->h.force_reason = optarg; break;
		case O_OPERATOR: c->operator_name = optarg; break;
		case O_LEDGER: c->ledger = optarg; break;
		case O_KEY: c->key = optarg; break;
		case O_PASSFILE: c->passfile = optarg; break;
		case 'h': dispose_usage(stdout); return 1;
		default: cli_bad_option("media dispose"); return -1;
		}
	}
	char err[KESU_ERRMSG_MAX];
	if (argc - optind != 1)
		return cli_error("media dispose: name one SERIAL or ASSET"), -1;
	c->which = argv[optind];
	if (!c->destination || !c->h.to)
		return cli_error("media dispose: give --destination and --to"), -1;
	if (kesu_destination_parse(c->destination, &c->h.destination, err, sizeof(err)) < 0)
		return cli_error("--destination: %s", err), -1;
	return 0;
}

static int refusal_exit(enum kesu_handover_refusal r)
{
	return r == KESU_HANDOVER_BAD_INPUT ? KESU_EXIT_USAGE : KESU_EXIT_REFUSED;
}

/* Judges and appends the record, on the ledger as it stood at head_seq;
 * -EAGAIN when another process added a record meanwhile. Prints what was
 * recorded. */
static int record(struct dispose_ctl *c, struct cli_station *st, const struct kesu_medium *m,
		  uint64_t head_seq)
{
	char err[KESU_ERRMSG_MAX], id[KESU_JOB_ID_LEN + 1], subject[128], hash[65];
	time_t now = time(NULL);
	enum kesu_handover_refusal r = kesu_handover_check(m, &c->h, now, err, sizeof(err));
	if (r != KESU_HANDOVER_OK)
		return cli_error("media dispose: %s", err), refusal_exit(r);
	size_t len = 0;
	uint64_t seq = 0;
	kesu_ledger_new_id(id);
	char *rec = kesu_handover_record(m, &c->h, &st->cfg.ctx, id, now, &len);
	if (!rec)
		return cli_error("media dispose: the record is not valid text; nothing recorded"),
		       KESU_EXIT_USAGE;
	kesu_media_subject(m, subject, sizeof(subject));
	int rc = kesu_ledger_append_at(st->ledger, head_seq, subject, "handover", rec, len, st->sk,
				       id, &seq, hash, err, sizeof(err));
	free(rec);
	if (rc == -EAGAIN)
		return rc;
	if (rc < 0)
		return cli_error("media dispose: not recorded: %s", err), cli_exit_for(rc);
	char e1[256], e2[512];
	printf(_("ledger record %llu: %s handed over (%s, %s) to %s\n"), (unsigned long long)seq,
	       cli_escape(m->serial[0] ? m->serial : m->asset, e1, sizeof(e1)),
	       kesu_destination_name(c->h.destination), kesu_destination_ja(c->h.destination),
	       cli_escape(c->h.to, e2, sizeof(e2)));
	if (c->h.force_reason)
		printf(_("forced from state %s: %s\n"), kesu_media_state_name(m->state),
		       cli_escape(c->h.force_reason, e2, sizeof(e2)));
	return KESU_EXIT_OK;
}

/* The medium's state is read, judged and recorded as one step: when
 * another station or process records something in between (a second
 * hand-over, a failed wipe), the append is refused and the medium judged
 * again on the new ledger. */
static int judge_and_record(struct dispose_ctl *c, struct cli_station *st)
{
	char err[KESU_ERRMSG_MAX], esc[256];
	for (int attempt = 0; attempt < 8; attempt++) {
		struct kesu_media_set *s = NULL;
		uint64_t head = 0;
		int rc = kesu_ledger_head_seq(st->ledger, &head, err, sizeof(err));
		if (rc == 0)
			rc = kesu_media_load(st->ledger, &s, err, sizeof(err));
		if (rc < 0) {
			kesu_media_set_free(s);
			cli_error("%s", err);
			return cli_exit_for(rc);
		}
		const struct kesu_medium *m = kesu_media_find_word(s, c->which);
		if (!m) {
			cli_error("media dispose: no record names the medium \"%s\" (kesu media list)",
				  cli_escape(c->which, esc, sizeof(esc)));
			kesu_media_set_free(s);
			return KESU_EXIT_USAGE;
		}
		int code = record(c, st, m, head);
		kesu_media_set_free(s);
		if (code != -EAGAIN)
			return code;
	}
	cli_error("media dispose: the ledger kept changing; nothing recorded, try again");
	return KESU_EXIT_FAILURE;
}

int cli_media_dispose(int argc, char **argv)
{
	struct dispose_ctl c = {0};
	int parsed = parse_dispose(argc, argv, &c);
	if (parsed)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct kesu_job_context flags = {0};
	if (c.operator_name && !cli_set_field(&flags, KESU_CTX_OPERATOR, "--operator", c.operator_name))
		return KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	int code = st ? cli_station_open_for_records(st, &flags, "media dispose",
						     N_("who records the hand-over"), c.ledger, c.key,
						     c.passfile)
		      : KESU_EXIT_FAILURE;
	if (code == KESU_EXIT_OK)
		code = judge_and_record(&c, st);
	if (st)
		cli_station_close(st);
	free(st);
	return code;
}

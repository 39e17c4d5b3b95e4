/* kesu cert batch: one signed list of every medium of an approval, an
 * asset list or a period, each with its newest certificate, the media
 * without one first (kesu/batch.h). Also what a multi-drive wipe's job
 * summary is issued with (wipe_summary.c). */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/batch.h"
#include "kesu/trust.h"

struct batch_ctl {
	const char *approval, *asset_file, *since, *until, *purpose, *department, *out;
	const char *ledger, *cert_dir, *key, *passphrase_file, *trust, *db;
	struct kesu_job_context ctx;
	struct cli_signing_flags signing;
};

static void batch_usage(FILE *out)
{
	fputs(_("Usage: kesu cert batch (--approval FILE|NUMBER | --asset-file FILE.csv |\n"
	      "                        --since DATE --until DATE [--purpose P] [--department D])\n"
	      "                       [--since DATE] [--until DATE]\n"
	      "                       [-o FILE.pdf] [--operator NAME] [--trust PATH]\n"
	      "                       [--ledger PATH] [--cert-dir DIR] [--key KEY]\n"
	      "                       [--passphrase-file F] [signing options]\n\n"
	      "Issues a batch certificate (一括消去証明書) with an itemised list (明細) of every\n"
	      "medium selected: asset, serial, model, host machine, method, level, outcome,\n"
	      "date, certificate number and the ledger record's hash, and the destruction\n"
	      "where there was one. Each medium's newest erasure (a wipe, or a contractor's\n"
	      "certificate received) and its destruction come from the ledger.\n"
	      "  --approval FILE|NUMBER  the media of a prior approval (its signature is\n"
	      "                          checked against the trust store, as kesu wipe does)\n"
	      "  --asset-file FILE.csv   a header row naming asset (required), serial and\n"
	      "                          model, then one medium a row\n"
	      "  --since D --until D     every medium with a record ending in that period\n"
	      "                          (YYYY-MM-DD, UTC, inclusive), optionally only\n"
	      "                          --purpose P and --department D; with --approval\n"
	      "                          or --asset-file: only records of that period\n"
	      "                          count (an approval's default: from its issue on)\n"
	      "  -o, --output FILE.pdf   also write the PDF there (the station's copy is\n"
	      "                          kesu-ID.pdf in the certificate directory)\n"
	      "Media listed in the approval or asset file without any certificate are\n"
	      "MISSING: listed first, in red. The document is a certificate (COMPLETE) when\n"
	      "every medium has a SUCCESS erasure or a destruction; otherwise it is issued\n"
	      "as a report titled 一括消去報告書（未完了） (INCOMPLETE). It is recorded in the\n"
	      "ledger (kind batch-certificate). Check it, and every certificate it lists,\n"
	      "with kesu cert verify FILE.pdf --members DIR.\n"
	      "Exit status: 0 a batch certificate (COMPLETE) issued; 8 issued, but\n"
	      "INCOMPLETE: a report, NOT a certificate; 2 bad options, a bad asset file\n"
	      "(FILE:LINE: reason) or nothing selected; 4 the approval's signature fails;\n"
	      "1 the ledger or the PDF could not be written.\n\n"),
	      out);
	fputs(_("  --db URL                collect the media from the central store (every\n"
		"                          station's records); the batch is still recorded in\n"
		"                          this station's ledger and signed with its key\n"),
	      out);
	fputs(_(cli_signing_help), out);
}

static int parse_batch(int argc, char **argv, struct batch_ctl *c)
{
	enum { O_APPROVAL = 256, O_ASSETS, O_SINCE, O_UNTIL, O_PURPOSE, O_DEPT, O_LEDGER,
	       O_CERT_DIR, O_KEY, O_PASSFILE, O_TRUST, O_OPERATOR, O_DB };
	static const struct option opts[] = {
		{"approval", required_argument, NULL, O_APPROVAL}, {"asset-file", required_argument, NULL, O_ASSETS},
		{"since", required_argument, NULL, O_SINCE}, {"until", required_argument, NULL, O_UNTIL},
		{"purpose", required_argument, NULL, O_PURPOSE}, {"department", required_argument, NULL, O_DEPT},
		{"output", required_argument, NULL, 'o'}, {"ledger", required_argument, NULL, O_LEDGER},
		{"cert-dir", required_argument, NULL, O_CERT_DIR}, {"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"trust", required_argument, NULL, O_TRUST}, {"operator", required_argument, NULL, O_OPERATOR},
		{"db", required_argument, NULL, O_DB}, CLI_SIGNING_OPTIONS, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (ch) {
		case O_APPROVAL: c->approval = optarg; break;
		case O_ASSETS: c->asset_file = optarg; break;
		case O_SINCE: c->since = optarg; break;
		case O_UNTIL: c->until = optarg; break;
		case O_PURPOSE: c->purpose = optarg; break;
		case O_DEPT: c->department = optarg; break;
		case 'o': c->out = optarg; break;
		case O_LEDGER: c->ledger = optarg; break;
		case O_CERT_DIR: c->cert_dir = optarg; break;
		case O_KEY: c->key = optarg; break;
		case O_PASSFILE: c->passphrase_file = optarg; break;
		case O_TRUST: c->trust = optarg; break;
		case O_DB: c->db = optarg; break;
		case O_OPERATOR:
			if (!cli_set_field(&c->ctx, KESU_CTX_OPERATOR, "--operator", optarg))
				return -1;
			break;
		case 'h': batch_usage(stdout); return 1;
		default:
			if (cli_signing_option(ch, optarg, &c->signing))
				break;
			cli_bad_option("cert batch");
			return -1;
		}
	}
	if (optind != argc)
		return cli_error("cert batch: unexpected argument \"%s\"", argv[optind]), -1;
	int lists = !!c->approval + !!c->asset_file;
	if (lists > 1 || (!lists && !c->since && !c->until))
		return cli_error("cert batch: select the media one way: --approval FILE, "
				 "--asset-file FILE.csv, or --since DATE --until DATE"), -1;
	if ((c->purpose || c->department) && (lists || (!c->since && !c->until)))
		return cli_error("cert batch: --purpose and --department go with a period "
				 "(--since/--until) alone"), -1;
	/* checked before anything is recorded: a batch is never left half issued */
	char dir[KESU_PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", c->out ? c->out : ".");
	if (c->out && access(dirname(dir), W_OK) != 0)
		return cli_error("-o %s: cannot write into %s: %s", c->out, dir, strerror(errno)), -1;
	return 0;
}

/* The selection, with the approval or asset list it needs loaded. */
static int select_media(struct batch_ctl *c, struct cli_station *st, struct kesu_batch_selection *sel,
			struct kesu_approval **a, struct kesu_trust **trust,
			struct kesu_batch_expected **assets)
{
	char err[KESU_ERRMSG_MAX], path[KESU_PATH_MAX], tpath[KESU_PATH_MAX];
	struct kesu_ledger_filter f = {.since_utc = c->since, .until_utc = c->until,
				       .purpose = c->purpose};
	if (kesu_ledger_filter_check(&f, err, sizeof(err)) < 0)
		return cli_error("cert batch: %s", err), KESU_EXIT_USAGE;
	*sel = (struct kesu_batch_selection){.since = c->since, .until = c->until,
					     .purpose = c->purpose, .department = c->department};
	if (c->asset_file) {
		sel->by = KESU_BATCH_BY_ASSETS;
		sel->asset_file = c->asset_file;
		int rc = kesu_batch_assets_csv(c->asset_file, assets, &sel->n_expected, err, sizeof(err));
		sel->expected = *assets;
		return rc ? (cli_error("%s", err), KESU_EXIT_USAGE) : KESU_EXIT_OK;
	}
	if (!c->approval) {
		sel->by = KESU_BATCH_BY_RANGE;
		return KESU_EXIT_OK;
	}
	int code = cli_approval_path(c->approval, path, sizeof(path));
	if (code == KESU_EXIT_OK)
		code = cli_trust_open(&st->cfg, c->trust, tpath, sizeof(tpath), trust);
	if (code != KESU_EXIT_OK)
		return code;
	int rc = kesu_approval_load(path, *trust, a, err, sizeof(err));
	if (rc < 0)
		return cli_error("%s", err), rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : KESU_EXIT_USAGE;
	sel->by = KESU_BATCH_BY_APPROVAL;
	sel->approval = *a;
	/* an erasure from before the approval says nothing of the medium it
	 * approved for disposal: records count from its issue on */
	if (!sel->since)
		sel->since = (*a)->issued_utc;
	/* the approval's class and purpose are the batch's, as a wipe under it
	 * takes them over the config file's */
	struct kesu_job_context *ctx = &st->cfg.ctx;
	snprintf(ctx->classification, sizeof(ctx->classification), "%s", (*a)->classification);
	snprintf(ctx->purpose, sizeof(ctx->purpose), "%s", (*a)->purpose);
	if (!ctx->approver[0]) /* who approved the lot, in the 承認者 box */
		snprintf(ctx->approver, sizeof(ctx->approver), "%s", (*a)->approver_name);
	return KESU_EXIT_OK;
}

static void print_issued(const struct kesu_batch *b, const struct kesu_batch_issued *res)
{
	char safe[3 * KESU_BATCH_TEXT_MAX];
	printf(ngettext("%s: %s %s of %zu medium (%s), ledger record %llu\n",
			"%s: %s %s of %zu media (%s), ledger record %llu\n", (unsigned long)b->n),
	       res->pdf_path,
	       res->complete ? _("batch certificate") : _("batch report (INCOMPLETE, NOT a certificate)"),
	       res->certificate_id, b->n, res->complete ? "COMPLETE" : "INCOMPLETE",
	       (unsigned long long)res->seq);
	static const char *const outcomes[] = {"SUCCESS", "ERASED_WITH_EXCEPTIONS", "DESTROYED",
					       "UNVERIFIED", "FAILED", "MISSING"};
	printf(_("  totals:"));
	for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
		printf(" %s %zu", outcomes[i], kesu_batch_count(b, outcomes[i]));
	printf("\n");
	for (size_t i = 0; i < b->n; i++) {
		const struct kesu_batch_member *m = &b->members[i];
		if (strcmp(m->outcome, "SUCCESS") && strcmp(m->outcome, "DESTROYED"))
			printf("  %s: %s%s%s\n", m->outcome,
			       m->id.asset[0] ? _("asset ") : m->id.job_id[0] ? _("job ") : _("serial "),
			       cli_escape(m->id.asset[0] ? m->id.asset : m->id.job_id[0] ? m->id.job_id
				: m->id.serial, safe, sizeof(safe)), m->erasure || m->destruction
				? "" : _(" (no erasure, no destruction)"));
	}
}

/* --db: the central store the media are collected from; the batch is
 * still recorded in this station's ledger and signed with its key. */
static struct kesu_ledger *collect_from;

int cli_batch_issue(struct cli_station *st, const struct kesu_batch_selection *sel,
		    const char *out, const struct kesu_cert_signing *signing, bool quiet,
		    struct kesu_batch_issued *issued)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_batch *b = NULL;
	int rc = kesu_batch_collect(collect_from ? collect_from : st->ledger, sel, &b, err, sizeof(err));
	if (rc < 0)
		return cli_error("%s", err), rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	struct kesu_pdf_style style;
	struct kesu_batch_issued res;
	kesu_config_pdf_style(&st->cfg, &style);
	rc = kesu_batch_issue(st->ledger, st->sk, b, &st->cfg.ctx, st->cert_dir, out, &style, signing,
			      time(NULL), &res, err, sizeof(err));
	int code = KESU_EXIT_OK;
	if (rc < 0) {
		cli_error("%s", err);
		code = rc == -EFBIG ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	} else {
		if (!quiet)
			print_issued(b, &res);
		code = res.complete ? KESU_EXIT_OK : KESU_EXIT_NOT_CERTIFICATE;
		if (issued)
			*issued = res;
	}
	kesu_batch_free(b);
	return code;
}

int cmd_cert_batch(int argc, char **argv)
{
	struct batch_ctl c = {0};
	int parsed = parse_batch(argc, argv, &c);
	if (parsed)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	if (!st)
		return KESU_EXIT_FAILURE;
	struct kesu_batch_selection sel = {0};
	struct kesu_approval *a = NULL;
	struct kesu_trust *trust = NULL;
	struct kesu_batch_expected *assets = NULL;
	struct cli_signing signing = {0};
	int code = cli_station_context(st, &c.ctx, "cert batch", N_("who issues the batch certificate"));
	if (code == KESU_EXIT_OK)
		code = select_media(&c, st, &sel, &a, &trust, &assets);
	if (code == KESU_EXIT_OK) /* after the selection: a bad file is found before any prompt */
		code = cli_station_open_records(st, c.ledger, c.key, c.passphrase_file);
	if (code == KESU_EXIT_OK && c.cert_dir)
		snprintf(st->cert_dir, sizeof(st->cert_dir), "%s", c.cert_dir);
	c.signing.passphrase_file = c.passphrase_file;
	if (code == KESU_EXIT_OK)
		code = cli_signing_open(st, &c.signing, &signing);
	struct cli_station central = {0};
	if (code == KESU_EXIT_OK && c.db && (code = cli_station_open_central(&central, c.db)) == KESU_EXIT_OK)
		collect_from = central.ledger;
	if (code == KESU_EXIT_OK)
		code = cli_batch_issue(st, &sel, c.out, &signing.cs, false, NULL);
	collect_from = NULL;
	kesu_ledger_close(central.ledger);
	cli_signing_close(&signing);
	free(assets);
	kesu_approval_free(a);
	kesu_trust_free(trust);
	cli_station_close(st);
	free(st);
	return code;
}

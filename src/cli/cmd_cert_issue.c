/* kesu cert issue: the certificate (or failure report) of a record that is
 * already in the ledger. A job killed after its record was committed but
 * before its document was written keeps a signed record without one; the
 * document is a projection of that record, so it can be made again. */
#include <getopt.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/cert.h"
#include "kesu/register.h"

struct issue_ctl {
	const char *ledger, *cert_dir, *key, *passphrase_file, *id;
	bool force, details;
	struct cli_signing_flags signing;
};

static void issue_usage(FILE *out)
{
	fputs(_("Usage: kesu cert issue [--ledger PATH] [--cert-dir DIR] [--key KEY]\n"
	      "                       [--passphrase-file F] [--force] [--details]\n"
	      "                       SEQ | JOB-ID | CERTIFICATE-ID\n\n"
	      "Renders the certificate (SUCCESS) or the failure report (UNVERIFIED, FAILED)\n"
	      "of a finished wipe record from the signed record in the ledger, signs its\n"
	      "payload with the station key, signs the PDF itself (PAdES, in the 担当者 box)\n"
	      "and writes kesu-ID.pdf into the certificate directory (and kesu-ID.pdf.sig\n"
	      "with --signify-sig). The record must match its hash and the station key's\n"
	      "signature. Checks (kesu verify), unfinished and abandoned jobs get no\n"
	      "document. An existing document is kept unless --force is given.\n"
	      "Exit status: 0 issued; 2 refused (that record gets no document, or it\n"
	      "exists); 4 the record does not match its hash or the station's signature.\n\n"
	      "      --details  a details page at the end: each pass's speed over the drive\n"
	      "                 and its SMART before and after, as the record holds them\n\n"),
	      out);
	fputs(_(cli_signing_help), out);
}

static int parse_issue(int argc, char **argv, struct issue_ctl *ctl)
{
	enum { O_LEDGER = 256, O_CERT_DIR, O_KEY, O_PASSFILE, O_FORCE, O_DETAILS };
	static const struct option opts[] = {
		{"ledger", required_argument, NULL, O_LEDGER}, {"cert-dir", required_argument, NULL, O_CERT_DIR},
		{"key", required_argument, NULL, O_KEY}, {"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"force", no_argument, NULL, O_FORCE}, {"details", no_argument, NULL, O_DETAILS},
		CLI_SIGNING_OPTIONS,
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_LEDGER: ctl->ledger = optarg; break;
		case O_CERT_DIR: ctl->cert_dir = optarg; break;
		case O_KEY: ctl->key = optarg; break;
		case O_PASSFILE: ctl->passphrase_file = optarg; break;
		case O_FORCE: ctl->force = true; break;
		case O_DETAILS: ctl->details = true; break;
		case 'h': issue_usage(stdout); return 1;
		default:
			if (cli_signing_option(c, optarg, &ctl->signing))
				break;
			cli_bad_option("cert issue");
			return -1;
		}
	}
	if (argc - optind != 1) {
		cli_error("cert issue: name one record (its number, job id or certificate id)");
		return -1;
	}
	ctl->id = argv[optind];
	return 0;
}

bool cli_record_gets_document(const char *kind, const char *outcome)
{
	return kesu_register_gets_document(kind, outcome); /* the library's one rule */
}

void cli_document_path(const char *cert_dir, const char *certificate_id, char *buf, size_t size)
{
	snprintf(buf, size, "%s/kesu-%s.pdf", cert_dir, certificate_id); /* as kesu_cert_issue names it */
}

static const char *member_text(struct json_object *o, const char *name)
{
	struct json_object *v = NULL;
	return json_object_object_get_ex(o, name, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v) : "";
}

/* The record that may be issued, checked against the key that signs the
 * document: an edited or foreign record gets no certificate. */
static int load_record(struct cli_station *st, const struct issue_ctl *ctl, char **record,
		       uint64_t *seq, char hash[65], char job_id[KESU_JOB_ID_LEN + 1])
{
	char err[KESU_ERRMSG_MAX], safe[4 * KESU_ERRMSG_MAX]; /* messages name ids read from the file: escaped */
	struct kesu_public_key pk;
	kesu_key_public_from_secret(st->sk, &pk);
	int rc = kesu_ledger_resolve(st->ledger, ctl->id, job_id, err, sizeof(err));
	if (rc <= 0) {
		cli_error("%s", cli_escape(err, safe, sizeof(safe)));
		return rc == 0 || rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	rc = kesu_ledger_lookup_checked(st->ledger, job_id, &pk, record, seq, hash, err, sizeof(err));
	if (rc <= 0) {
		cli_error("%s", rc == 0 ? _("the record vanished while it was read")
					: cli_escape(err, safe, sizeof(safe)));
		return rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

static int issue(struct cli_station *st, const struct issue_ctl *ctl,
		 const struct kesu_cert_signing *signing)
{
	char *record = NULL, hash[65], job_id[KESU_JOB_ID_LEN + 1], path[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	uint64_t seq;
	int code = load_record(st, ctl, &record, &seq, hash, job_id);
	if (code != KESU_EXIT_OK)
		return code;
	struct json_object *rec = json_tokener_parse(record);
	const char *kind = member_text(rec, "kind"), *outcome = member_text(rec, "outcome");
	const char *cert_id = member_text(rec, "certificate_id");
	if (!cli_record_gets_document(kind, outcome) || !*cert_id) {
		cli_error("record %llu (job %s) is %s %s: it gets no certificate or failure report",
			  (unsigned long long)seq, job_id, *kind ? kind : "wipe", *outcome ? outcome : _("without an outcome"));
		code = KESU_EXIT_USAGE;
	}
	cli_document_path(st->cert_dir, cert_id, path, sizeof(path));
	if (code == KESU_EXIT_OK && !ctl->force && access(path, F_OK) == 0) {
		cli_error("%s already exists for record %llu; add --force to issue it again", path,
			  (unsigned long long)seq);
		code = KESU_EXIT_USAGE;
	}
	size_t len = 0;
	char *payload = code == KESU_EXIT_OK
				? kesu_cert_payload_ex(record, strlen(record), seq, hash, time(NULL),
						       ctl->details ? KESU_CERT_DETAILS : 0, &len)
				: NULL;
	if (code == KESU_EXIT_OK && !payload) {
		cli_error("record %llu: cannot make the certificate payload", (unsigned long long)seq);
		code = KESU_EXIT_FAILURE;
	}
	struct kesu_pdf_style style;
	kesu_config_pdf_style(&st->cfg, &style);
	if (code == KESU_EXIT_OK &&
	    kesu_cert_issue_signed(payload, len, st->sk, st->cert_dir, &style, signing, path,
				   sizeof(path), err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_FAILURE;
	}
	if (code == KESU_EXIT_OK)
		printf(_("%s: %s for record %llu (job %s, %s)\n"), path,
		       !strcmp(outcome, "SUCCESS") ? _("certificate")
		       : !strcmp(outcome, "ERASED_WITH_EXCEPTIONS") ? _("certificate with exceptions")
		       : _("failure report"),
		       (unsigned long long)seq, job_id, outcome);
	free(payload);
	json_object_put(rec);
	free(record);
	return code;
}

int cmd_cert_issue(int argc, char **argv)
{
	struct issue_ctl ctl = {0};
	int parsed = parse_issue(argc, argv, &ctl);
	if (parsed != 0)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	if (!st)
		return KESU_EXIT_FAILURE;
	int code = cli_station_load_config(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(st, ctl.ledger, ctl.cert_dir, ctl.key);
	if (code == KESU_EXIT_OK && access(st->ledger_path, F_OK) != 0) {
		cli_error("ledger %s: no such file (nothing was recorded yet?)", st->ledger_path);
		code = KESU_EXIT_USAGE;
	}
	/* The ledger is only read; the key must be the station's own (a new
	 * one would sign a document the ledger's signatures contradict). */
	if (code == KESU_EXIT_OK)
		code = cli_station_open_ledger_readonly(st);
	if (code == KESU_EXIT_OK)
		code = cli_load_secret_key(st->key_path, ctl.passphrase_file, &st->sk);
	struct cli_signing signing = {0};
	ctl.signing.passphrase_file = ctl.passphrase_file;
	if (code == KESU_EXIT_OK)
		code = cli_signing_open(st, &ctl.signing, &signing);
	if (code == KESU_EXIT_OK)
		code = issue(st, &ctl, &signing.cs);
	cli_signing_close(&signing);
	cli_station_close(st);
	free(st);
	return code;
}

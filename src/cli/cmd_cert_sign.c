/* kesu cert sign: a witness's, validator's or approver's PDF signature in
 * their seal box of a certificate, as one more incremental update; and
 * kesu cert timestamp: a document timestamp for certificates signed
 * offline. Earlier signatures stay valid. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/cert.h"
#include "kesu/fileio.h"
#include "kesu/pades.h"
#include "kesu/pdf.h"
#include "kesu/x509.h"

struct sign_ctl {
	struct cli_verify_ctl verify;
	struct cli_signer_source source;
	struct cli_signing_flags flags;
	enum kesu_pades_role role;
	bool role_given;
	const char *reason, *station_key, *station_passphrase_file, *operator_name;
};

static void sign_usage(FILE *out)
{
	fputs(_("Usage: kesu cert sign --role witness|validator|approver\n"
	      "                      (--key KEY | --pkcs12 FILE | --pkcs11 URI) [--cert CRT]\n"
	      "                      [--passphrase-file F | --pin-file F] [--reason TEXT]\n"
	      "                      [--tsa URL] [--invisible-signature] [--trust CA.pem|STORE]...\n"
	      "                      [--ledger PATH | --no-ledger] [--station-key KEY]\n"
	      "                      [--station-passphrase-file F] [--operator NAME] FILE.pdf\n\n"
	      "Signs a certificate in the role's seal box (立会者 witness, 確認者 validator,\n"
	      "承認者 approver) as one more PDF signature (PAdES, an incremental update):\n"
	      "the station's and every earlier signature stay valid. The signer's identity:\n"
	      "--key KEY, a kesu key with its X.509 certificate (KEY's BASE.x509.key and\n"
	      "BASE.crt, kesu key generate / key x509; --cert names another certificate),\n"
	      "a PKCS#12 file, or a key on a token by its PKCS#11 URI (--pin-file F).\n"
	      "First the certificate is checked as kesu cert verify checks it: an INVALID\n"
	      "one is refused (exit 4). After signing, the new signature must verify and\n"
	      "chain to a trust anchor (--trust, the trust store, this station's\n"
	      "certificate), else nothing is written (exit 2): a signature nobody can\n"
	      "trust proves nothing. Then, as for countersignatures, the ledger gets a\n"
	      "record (kind pdf-signature, signed by the station key; --no-ledger on a\n"
	      "machine without the station's ledger), and the PDF is replaced atomically.\n"
	      "  --reason TEXT   the signature's reason (default: the role's wording)\n"
	      "  --tsa URL       timestamp the signature (RFC 3161; config: tsa)\n"
	      "  --invisible-signature  no appearance (also when the box is signed already)\n"),
	      out);
}

static int parse_sign(int argc, char **argv, struct sign_ctl *s)
{
	enum { O_ROLE = 256, O_KEY, O_CERT, O_PASSFILE, O_REASON, O_TRUST, O_LEDGER, O_NO_LEDGER,
	       O_STATION_KEY, O_STATION_PASS, O_OPERATOR };
	static const struct option opts[] = {
		{"role", required_argument, NULL, O_ROLE}, {"key", required_argument, NULL, O_KEY},
		{"cert", required_argument, NULL, O_CERT},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"reason", required_argument, NULL, O_REASON}, {"trust", required_argument, NULL, O_TRUST},
		{"ledger", required_argument, NULL, O_LEDGER},
		{"no-ledger", no_argument, NULL, O_NO_LEDGER},
		{"station-key", required_argument, NULL, O_STATION_KEY},
		{"station-passphrase-file", required_argument, NULL, O_STATION_PASS},
		{"operator", required_argument, NULL, O_OPERATOR}, CLI_SIGNING_OPTIONS,
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_ROLE:
			if (kesu_pades_role_parse(optarg, &s->role) < 0 || s->role == KESU_PADES_OPERATOR)
				return cli_error("--role: \"%s\" is not witness, validator or approver",
						 optarg), -1;
			s->role_given = true;
			break;
		case O_KEY: s->source.key = optarg; break;
		case O_CERT: s->source.cert = optarg; break;
		case O_PASSFILE: s->source.secret_file = optarg; break;
		case O_REASON: s->reason = optarg; break;
		case O_TRUST:
			if (cli_verify_trust_arg(&s->verify, optarg) != KESU_EXIT_OK)
				return -1;
			break;
		case O_LEDGER: s->verify.ledger = optarg; break;
		case O_NO_LEDGER: s->verify.no_ledger = true; break;
		case O_STATION_KEY: s->station_key = optarg; break;
		case O_STATION_PASS: s->station_passphrase_file = optarg; break;
		case O_OPERATOR: s->operator_name = optarg; break;
		case 'h': sign_usage(stdout); return 1;
		default:
			if (cli_signing_option(c, optarg, &s->flags))
				break;
			cli_bad_option("cert sign");
			return -1;
		}
	}
	s->source.pkcs12 = s->flags.pkcs12;
	s->source.pkcs11 = s->flags.pkcs11;
	if (s->flags.pin_file)
		s->source.secret_file = s->flags.pin_file;
	int sources = !!s->source.key + !!s->source.pkcs12 + !!s->source.pkcs11;
	if (!s->role_given || sources != 1 || argc - optind != 1)
		return cli_error("cert sign: give --role, one of --key, --pkcs12 or --pkcs11, and "
				 "one PDF file"), -1;
	return 0;
}

/* The certificate as it stands must not be INVALID. */
static int check_before(struct cli_verify_env *e, const char *pdf, struct kesu_cert_check *c)
{
	int rc = cli_verify_check(e, pdf, c);
	if (rc < 0 && rc != -KESU_EVERIFY)
		return cli_error("%s", c->file_msg[0] ? c->file_msg : kesu_strerror(rc)),
		       rc == -ENOENT ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	if (c->verdict == KESU_CERT_INVALID)
		return cli_error("%s: the certificate is INVALID (kesu cert verify says why): not "
				 "signed", pdf), KESU_EXIT_VERIFY;
	return KESU_EXIT_OK;
}

/* The new signature, checked in the new file as a verifier will. */
static int check_after(struct cli_verify_env *e, const char *tmp, const char *role,
		       struct kesu_cert_check *c)
{
	int rc = cli_verify_check(e, tmp, c);
	if (rc < 0 && rc != -KESU_EVERIFY)
		return cli_error("%s", kesu_strerror(rc)), KESU_EXIT_FAILURE;
	const struct kesu_pades_signature *s = c->pades.count ? &c->pades.sig[c->pades.count - 1]
							       : NULL;
	if (!s || !s->ok || !c->pades.updates_ok) {
		char safe[1200];
		cli_error("the new signature would not verify: %s; nothing was written (make the "
			  "signer's certificate trusted: kesu trust add --role %s --name NAME CERT.crt)",
			  cli_escape(s ? (s->msg[0] ? s->msg : c->pades.updates_msg) : _("not found"),
				     safe, sizeof(safe)), role);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

static int sign_to(const char *pdf, const char *tmp, struct kesu_signer *signer,
		   const struct sign_ctl *s, const struct kesu_config *cfg)
{
	char *buf = NULL, err[KESU_ERRMSG_MAX];
	size_t len = 0, out_len = 0;
	unsigned char *out = NULL;
	int rc = kesu_file_read_bounded(pdf, KESU_PDF_FILE_MAX, 0, &buf, &len, err, sizeof(err));
	struct kesu_pades_options o = {
		.role = s->role, .reason = s->reason, .when = time(NULL),
		.invisible = s->flags.invisible, .era_dates = !strcmp(cfg->date_style, "era"),
		.tsa_url = s->flags.tsa ? s->flags.tsa : cfg->tsa[0] ? cfg->tsa : NULL};
	if (rc == 0)
		rc = kesu_pades_sign((const unsigned char *)buf, len, signer, &o, &out, &out_len, err,
				     sizeof(err));
	if (rc == 0)
		rc = kesu_file_write_atomic(tmp, out, out_len, 0644, 0, err, sizeof(err));
	free(buf);
	free(out);
	if (rc < 0)
		return cli_error("%s: %s", pdf, err), rc == -EEXIST ? KESU_EXIT_USAGE : cli_exit_for(rc);
	return KESU_EXIT_OK;
}

/* The ledger record, signed by the station key: before the file, so a
 * signed copy never exists without its record. */
static int record(const struct sign_ctl *s, struct cli_station *st, const char *tmp,
		  const struct kesu_cert_check *c)
{
	char id[KESU_JOB_ID_LEN + 1], subject[96], hash[65], err[KESU_ERRMSG_MAX], *buf = NULL;
	char *payload = NULL, *sig = NULL, job[KESU_JOB_ID_LEN + 1] = "";
	size_t len = 0, plen = 0, slen = 0, rlen = 0;
	uint64_t seq = 0;
	unsigned char digest[32];
	if (kesu_file_read_bounded(tmp, KESU_PDF_FILE_MAX, 0, &buf, &len, err, sizeof(err)) < 0)
		return cli_error("%s", err), KESU_EXIT_FAILURE;
	crypto_hash_sha256(digest, (const unsigned char *)buf, len);
	free(buf);
	if (kesu_pdf_read_payload(tmp, &payload, &plen, &sig, &slen, err, sizeof(err)) == 0) {
		struct json_object *doc = json_tokener_parse(payload), *l, *j;
		if (json_object_object_get_ex(doc, "ledger", &l) &&
		    json_object_object_get_ex(l, "job_id", &j))
			snprintf(job, sizeof(job), "%s", json_object_get_string(j));
		json_object_put(doc);
	}
	free(payload);
	free(sig);
	kesu_ledger_new_id(id);
	const struct kesu_pades_signature *ps = &c->pades.sig[c->pades.count - 1];
	char *rec = kesu_pades_record(id, c->certificate_id, job, ps, digest,
				      s->operator_name ? s->operator_name : st->cfg.ctx.operator_name,
				      time(NULL), &rlen);
	snprintf(subject, sizeof(subject), "countersign:%s", c->certificate_id);
	int rc = rec ? kesu_ledger_append(st->ledger, subject, "pdf-signature", rec, rlen, st->sk, id,
					  &seq, hash, err, sizeof(err))
		     : -EINVAL;
	free(rec);
	if (rc < 0)
		return cli_error("cert sign: not recorded, nothing written: %s",
				 rec ? err : _("the record is not valid text")), KESU_EXIT_FAILURE;
	printf(_("ledger record %llu: PDF signature %s %s of %s\n"), (unsigned long long)seq, ps->role,
	       ps->signer.subject, c->certificate_id);
	return KESU_EXIT_OK;
}

static int open_ledger(const struct sign_ctl *s, struct cli_station *st)
{
	int code = cli_station_load_config(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(st, s->verify.ledger, NULL, s->station_key);
	if (code == KESU_EXIT_OK)
		code = cli_station_open_ledger(st);
	if (code == KESU_EXIT_OK)
		code = cli_load_secret_key(st->key_path, s->station_passphrase_file, &st->sk);
	return code;
}

static int sign_checked(const struct sign_ctl *s, const char *pdf, struct cli_verify_env *e,
			struct cli_station *st, const char *tmp)
{
	struct kesu_cert_check *c = calloc(1, sizeof(*c));
	struct kesu_signer *signer = NULL;
	if (!c)
		return KESU_EXIT_FAILURE;
	int code = check_before(e, pdf, c);
	if (code == KESU_EXIT_OK && !s->verify.no_ledger)
		code = open_ledger(s, st);
	if (code == KESU_EXIT_OK)
		code = cli_signer_open(&s->source, &signer);
	if (code == KESU_EXIT_OK)
		code = sign_to(pdf, tmp, signer, s, &st->cfg);
	kesu_signer_close(signer);
	if (code == KESU_EXIT_OK)
		code = check_after(e, tmp, kesu_pades_role_id(s->role), c);
	if (code == KESU_EXIT_OK && !s->verify.no_ledger)
		code = record(s, st, tmp, c);
	if (code == KESU_EXIT_OK && rename(tmp, pdf) != 0)
		code = (cli_error("%s: %s", pdf, strerror(errno)), KESU_EXIT_FAILURE);
	if (code == KESU_EXIT_OK) {
		const struct kesu_pades_signature *ps = &c->pades.sig[c->pades.count - 1];
		printf(_("%s: signed as %s (%s) by %s%s%s\n"), pdf, ps->role,
		       kesu_pades_role_ja(s->role), ps->signer.subject,
		       ps->has_timestamp ? _(", timestamp ") : "", ps->timestamp_utc);
	}
	free(c);
	return code;
}

int cmd_cert_sign(int argc, char **argv)
{
	struct sign_ctl s = {0};
	int parsed = parse_sign(argc, argv, &s);
	if (parsed != 0)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	const char *pdf = argv[optind];
	char tmp[KESU_PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s.signing", pdf);
	struct cli_verify_env *e = NULL;
	struct cli_station *st = calloc(1, sizeof(*st));
	int code = st ? cli_verify_open(&e, &s.verify) : KESU_EXIT_FAILURE;
	if (code == KESU_EXIT_OK)
		code = sign_checked(&s, pdf, e, st, tmp);
	unlink(tmp);
	cli_verify_close(e);
	if (st)
		cli_station_close(st);
	free(st);
	return code;
}

/* ---- kesu cert timestamp ---- */

static int timestamp_one(const char *pdf, const char *tsa)
{
	char *buf = NULL, err[KESU_ERRMSG_MAX];
	size_t len = 0, out_len = 0;
	unsigned char *out = NULL;
	int rc = kesu_file_read_bounded(pdf, KESU_PDF_FILE_MAX, 0, &buf, &len, err, sizeof(err));
	if (rc == 0)
		rc = kesu_pades_timestamp((const unsigned char *)buf, len, tsa, 0, &out, &out_len, err,
					  sizeof(err));
	if (rc == 0)
		rc = kesu_file_write_atomic(pdf, out, out_len, 0644, 0, err, sizeof(err));
	free(buf);
	free(out);
	if (rc < 0)
		return cli_error("%s: %s", pdf, err), rc == -EHOSTUNREACH ? KESU_EXIT_FAILURE
									  : cli_exit_for(rc);
	printf(_("%s: document timestamp added\n"), pdf);
	return KESU_EXIT_OK;
}

int cmd_cert_timestamp(int argc, char **argv)
{
	enum { O_TSA = 256 };
	static const struct option opts[] = {
		{"tsa", required_argument, NULL, O_TSA}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	const char *tsa = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		if (c == O_TSA)
			tsa = optarg;
		else if (c == 'h')
			return cli_cert_usage(stdout), KESU_EXIT_OK;
		else
			return cli_bad_option("cert timestamp");
	}
	struct cli_station st = {0};
	if (!tsa && cli_station_load_config(&st) == KESU_EXIT_OK && st.cfg.tsa[0])
		tsa = st.cfg.tsa;
	if (!tsa)
		return cli_error("cert timestamp: no timestamp authority: give --tsa URL or set tsa "
				 "= URL in the config file"), KESU_EXIT_USAGE;
	if (optind >= argc)
		return cli_error("cert timestamp: name one or more PDF files"), KESU_EXIT_USAGE;
	int code = KESU_EXIT_OK;
	for (int i = optind; i < argc; i++)
		code = cli_exit_worse(code, timestamp_one(argv[i], tsa));
	return code;
}

/* kesu countersign: a witness (立会者) or a validator (NIST SP 800-88
 * App. G) countersigns a finished job's certificate with a key the trust
 * store holds for that role. The countersignature goes to the ledger
 * first (signed by the station key, as every record), then to a file
 * beside the certificate (docs/certificate.md). */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/cert.h"
#include "kesu/countersign.h"
#include "kesu/fileio.h"
#include "kesu/pdf.h"

struct cs_ctl {
	const char *role, *key, *passphrase_file, *name, *ledger, *cert_dir, *trust;
	const char *station_key, *station_passphrase_file, *arg;
	struct kesu_job_context flags; /* --operator */
	bool force;
};

static void countersign_usage(FILE *out)
{
	fputs(_("Usage: kesu countersign --role witness|validator --key KEY [--passphrase-file F]\n"
	      "                        [--name NAME] [--trust PATH] [--ledger PATH]\n"
	      "                        [--cert-dir DIR] [--operator NAME] [--station-key PATH]\n"
	      "                        [--station-passphrase-file F] [--force] JOB | CERT.pdf\n\n"
	      "A witness (立会者) or a validator (NIST SP 800-88 App. G) countersigns a\n"
	      "finished job's certificate: a signed statement, bound to the hash of the\n"
	      "certificate's signed payload, that they stand behind it. KEY must be in the\n"
	      "trust store for that role (kesu trust add --role witness ...). JOB is the\n"
	      "number kesu ledger list prints, a certificate id or a job id; its certificate\n"
	      "must be in the certificate directory (else: kesu cert issue JOB). CERT.pdf\n"
	      "must be this station's, as kesu cert verify checks it.\n"
	      "It writes a ledger record (kind countersignature, signed by the station key),\n"
	      "then kesu-CERTIFICATE-ID.ROLE-KEYNUM.countersig beside the certificate, which\n"
	      "kesu cert verify lists and checks. An existing file is kept unless --force.\n\n"
	      "  --role ROLE            witness or validator\n"
	      "  --key KEY              the signer's secret key (kesu key generate --role)\n"
	      "  --passphrase-file F    its passphrase is F's first line (else it is asked)\n"
	      "  --name NAME            the signer; must be the trust store's name for the key\n"
	      "                         (default: that name)\n"
	      "  --trust PATH           the trust store (default $KESU_TRUST, else the config\n"
	      "                         file's trust = PATH, else $XDG_CONFIG_HOME/kesu/trust.json)\n"
	      "  --ledger PATH          the ledger (default as for kesu wipe)\n"
	      "  --cert-dir DIR         where JOB's certificate is (default as for kesu wipe)\n"
	      "  --operator NAME        who records it (default: the config file's)\n"
	      "  --station-key PATH     the station key that signs the ledger record\n"
	      "  --station-passphrase-file F  its passphrase, when it has one\n"
	      "  --force                replace an existing countersignature file\n"
	      "Exit status: 0 written; 2 bad input, a key not trusted for the role, no\n"
	      "certificate, or the file exists; 4 the certificate does not verify; 1 failure.\n"),
	      out);
}

/* 0 go on, 1 done (help), -1 usage error. */
static int parse_countersign(int argc, char **argv, struct cs_ctl *c)
{
	enum { O_ROLE = 256, O_KEY, O_PASS, O_NAME, O_LEDGER, O_CERT_DIR, O_TRUST, O_OPERATOR,
	       O_SKEY, O_SPASS, O_FORCE };
	static const struct option opts[] = {
		{"role", required_argument, NULL, O_ROLE}, {"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASS},
		{"name", required_argument, NULL, O_NAME}, {"ledger", required_argument, NULL, O_LEDGER},
		{"cert-dir", required_argument, NULL, O_CERT_DIR},
		{"trust", required_argument, NULL, O_TRUST},
		{"operator", required_argument, NULL, O_OPERATOR},
		{"station-key", required_argument, NULL, O_SKEY},
		{"station-passphrase-file", required_argument, NULL, O_SPASS},
		{"force", no_argument, NULL, O_FORCE}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int ch;
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_ROLE: c->role = optarg; break;
		case O_KEY: c->key = optarg; break;
		case O_PASS: c->passphrase_file = optarg; break;
		case O_NAME: c->name = optarg; break;
		case O_LEDGER: c->ledger = optarg; break;
		case O_CERT_DIR: c->cert_dir = optarg; break;
		case O_TRUST: c->trust = optarg; break;
		case O_OPERATOR:
			if (!cli_set_field(&c->flags, KESU_CTX_OPERATOR, "--operator", optarg))
				return -1;
			break;
		case O_SKEY: c->station_key = optarg; break;
		case O_SPASS: c->station_passphrase_file = optarg; break;
		case O_FORCE: c->force = true; break;
		case 'h': countersign_usage(stdout); return 1;
		default: cli_bad_option("countersign"); return -1;
		}
	}
	if (argc - optind != 1)
		return cli_error("countersign: name one JOB or CERT.pdf (kesu countersign --help)"), -1;
	if (!c->role || !c->key)
		return cli_error("countersign: give --role witness|validator and --key KEY"), -1;
	c->arg = argv[optind];
	return 0;
}

/* The trust store's entry for the signer's key in that role: the key must
 * be trusted before it can countersign anything. */
static int find_signer(const struct cs_ctl *c, const struct kesu_trust *trust,
		       const char *trust_path, enum kesu_role *role,
		       const struct kesu_trust_entry **who)
{
	char err[KESU_ERRMSG_MAX], num[KESU_KEYNUM_HEX_SIZE], fp[KESU_FINGERPRINT_SIZE];
	struct kesu_public_key pk;
	if (kesu_role_parse(c->role, role) < 0 ||
	    (*role != KESU_ROLE_WITNESS && *role != KESU_ROLE_VALIDATOR))
		return cli_error("countersign: --role \"%s\": witness or validator", c->role),
		       KESU_EXIT_USAGE;
	int rc = kesu_key_read_secret_public(c->key, &pk, err, sizeof(err));
	if (rc < 0)
		return cli_error("%s", err), rc == -KESU_EPARSE || rc == -ENOENT ? KESU_EXIT_USAGE
										 : KESU_EXIT_FAILURE;
	kesu_key_keynum_hex(pk.keynum, num, sizeof(num));
	kesu_key_fingerprint(&pk, fp, sizeof(fp));
	*who = NULL;
	for (size_t i = 0; i < kesu_trust_count(trust) && !*who; i++) {
		const struct kesu_trust_entry *e = kesu_trust_at(trust, i);
		if (e->role == *role && !memcmp(&e->key, &pk, sizeof(pk)))
			*who = e;
	}
	if (!*who)
		return cli_error("key %s (%s) is not a trusted %s in %s: kesu trust add --role %s "
				 "--name NAME KEY.pub", num, fp, c->role, trust_path, c->role),
		       KESU_EXIT_USAGE;
	if (c->name && strcmp(c->name, (*who)->name))
		return cli_error("countersign: --name \"%s\": the trust store names key %s \"%s\"",
				 c->name, num, (*who)->name), KESU_EXIT_USAGE;
	return KESU_EXIT_OK;
}

static bool names_pdf(const char *arg)
{
	size_t n = strlen(arg);
	struct stat sb;
	return (n > 4 && !strcasecmp(arg + n - 4, ".pdf")) || (stat(arg, &sb) == 0 && S_ISREG(sb.st_mode));
}

/* JOB: its finished wipe record in the ledger, checked against the
 * station key, and the certificate the certificate directory holds. */
static int job_document(struct cli_station *st, const struct kesu_public_key *station,
			const char *arg, char *pdf, size_t size, char job_id[KESU_JOB_ID_LEN + 1])
{
	char err[KESU_ERRMSG_MAX], safe[2 * KESU_ERRMSG_MAX], hash[65], *record = NULL;
	uint64_t seq = 0;
	int rc = kesu_ledger_resolve(st->ledger, arg, job_id, err, sizeof(err));
	if (rc <= 0)
		return cli_error("%s", cli_escape(err, safe, sizeof(safe))),
		       rc == 0 || rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	rc = kesu_ledger_lookup_checked(st->ledger, job_id, station, &record, &seq, hash, err,
					sizeof(err));
	if (rc <= 0)
		return cli_error("%s", rc == 0 ? _("the record vanished while it was read")
					       : cli_escape(err, safe, sizeof(safe))),
		       rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : KESU_EXIT_FAILURE;
	struct json_object *rec = json_tokener_parse(record), *v = NULL;
	const char *kind = json_object_object_get_ex(rec, "kind", &v) ? json_object_get_string(v) : "";
	const char *outcome = json_object_object_get_ex(rec, "outcome", &v) ? json_object_get_string(v) : "";
	const char *cert = json_object_object_get_ex(rec, "certificate_id", &v) ? json_object_get_string(v) : NULL;
	int code = KESU_EXIT_OK;
	if (!cli_record_gets_document(kind, outcome) || !cert || !*cert) {
		cli_error("record %llu (job %s) is %s %s: it has no certificate to countersign",
			  (unsigned long long)seq, job_id, *kind ? kind : "wipe",
			  *outcome ? outcome : _("without an outcome"));
		code = KESU_EXIT_USAGE;
	} else {
		cli_document_path(st->cert_dir, cert, pdf, size);
		if (access(pdf, F_OK) != 0) {
			cli_error("%s: no such file: issue it first: kesu cert issue %s", pdf, job_id);
			code = KESU_EXIT_USAGE;
		}
	}
	json_object_put(rec);
	free(record);
	return code;
}

/* The certificate as kesu cert verify checks it (this station's key and
 * ledger), then what the countersignature names: its id, job and hash. */
static int certificate(struct cli_station *st, const struct kesu_public_key *station,
		       const char *pdf, const char *job_id, struct kesu_countersig *cs)
{
	struct kesu_cert_check check;
	char err[KESU_ERRMSG_MAX], safe[2 * KESU_ERRMSG_MAX], *payload = NULL, *sig = NULL;
	size_t len = 0, sig_len = 0;
	int rc = kesu_cert_verify(pdf, station, st->ledger, &check);
	if (rc < 0 && rc != -KESU_EVERIFY)
		return cli_error("%s", cli_escape(check.file_msg, safe, sizeof(safe))),
		       rc == -ENOENT ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	if (check.verdict == KESU_CERT_INVALID) {
		const char *why = check.file_checked && !check.file_ok ? check.file_msg
				  : !check.payload_ok ? check.payload_msg : check.ledger_msg;
		cli_error("%s: not countersigned: the certificate does not verify (kesu cert verify): "
			  "%s", pdf, cli_escape(why, safe, sizeof(safe)));
		return KESU_EXIT_VERIFY;
	}
	rc = kesu_pdf_read_payload(pdf, &payload, &len, &sig, &sig_len, err, sizeof(err));
	if (rc == 0)
		rc = kesu_countersig_subject(payload, len, cs, err, sizeof(err));
	free(payload);
	free(sig);
	if (rc < 0)
		return cli_error("%s: %s", pdf, err), KESU_EXIT_FAILURE;
	if (job_id[0] && strcmp(job_id, cs->job_id))
		return cli_error("%s: names job %s, not %s", pdf, cs->job_id, job_id), KESU_EXIT_VERIFY;
	if (!check.success)
		fprintf(stderr, _("kesu: note: %s is a %s (%s), not a certificate: the countersignature "
			"says the job was witnessed, not that the drive was sanitized\n"),
			pdf, check.document, check.outcome);
	return KESU_EXIT_OK;
}

/* The signer's key signs; the result is checked as cert verify will. */
static int sign(const struct cs_ctl *c, const struct kesu_trust *trust, enum kesu_role role,
		const char *name, const char *pdf, struct kesu_countersig *cs, char **text,
		size_t *len)
{
	struct kesu_secret_key *sk = NULL;
	char err[KESU_ERRMSG_MAX], *payload = NULL, *sig = NULL;
	size_t plen = 0, slen = 0;
	int code = cli_load_secret_key(c->key, c->passphrase_file, &sk);
	if (code != KESU_EXIT_OK)
		return code;
	int rc = kesu_countersig_sign(cs, role, name, sk, time(NULL), text, len, err, sizeof(err));
	kesu_key_secret_free(sk);
	if (rc == 0)
		rc = kesu_pdf_read_payload(pdf, &payload, &plen, &sig, &slen, err, sizeof(err));
	struct kesu_countersig back;
	if (rc == 0)
		rc = kesu_countersig_check(*text, *len, trust, payload, plen, &back, err, sizeof(err));
	free(payload);
	free(sig);
	if (rc < 0) {
		cli_error("countersign: %s", err);
		free(*text);
		*text = NULL;
		return KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

/* The ledger first, then the file: a countersignature is never on disk
 * without its record, and the record holds the whole file. */
static int record_and_write(struct cli_station *st, const struct cs_ctl *c,
			    const struct kesu_countersig *cs, const char *text, size_t len,
			    const char *path)
{
	char id[KESU_JOB_ID_LEN + 1], subject[96], hash[65], err[KESU_ERRMSG_MAX];
	uint64_t seq = 0;
	size_t rlen = 0;
	kesu_ledger_new_id(id);
	char *rec = kesu_countersig_record(id, text, len, st->cfg.ctx.operator_name, time(NULL),
					   &rlen);
	snprintf(subject, sizeof(subject), "countersign:%s", cs->certificate_id);
	int rc = rec ? kesu_ledger_append(st->ledger, subject, "countersignature", rec, rlen, st->sk,
					  id, &seq, hash, err, sizeof(err))
		     : -EINVAL;
	bool made = rec != NULL;
	free(rec);
	if (rc < 0)
		return cli_error("countersign: not recorded, nothing written: %s",
				 made ? err : _("the record is not valid text")), KESU_EXIT_FAILURE;
	printf(_("ledger record %llu: countersignature %s %s (%s) of %s (job %s)\n"),
	       (unsigned long long)seq, kesu_role_id(cs->role), cs->signer_name,
	       cs->signer_fingerprint, cs->certificate_id, cs->job_id);
	rc = kesu_file_write_atomic(path, text, len, 0644, c->force ? 0 : KESU_FILE_NO_REPLACE, err,
				    sizeof(err));
	if (rc < 0)
		return cli_error("%s; ledger record %llu holds the countersignature", err,
				 (unsigned long long)seq), KESU_EXIT_FAILURE;
	printf(_("%s: countersignature (%s) of %s\n"), path, kesu_role_id(cs->role), cs->certificate_id);
	return KESU_EXIT_OK;
}

/* The station: its ledger (which must exist: a countersignature is of a
 * job in it) and its key's public half (no passphrase yet). */
static int open_station(struct cli_station *st, const struct cs_ctl *c,
			struct kesu_public_key *station)
{
	char err[KESU_ERRMSG_MAX];
	int code = cli_station_paths(st, c->ledger, c->cert_dir, c->station_key);
	if (code == KESU_EXIT_OK && access(st->ledger_path, F_OK) != 0) {
		cli_error("ledger %s: no such file (nothing was recorded yet?)", st->ledger_path);
		code = KESU_EXIT_USAGE;
	}
	if (code == KESU_EXIT_OK && kesu_key_read_secret_public(st->key_path, station, err,
								sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_USAGE;
	}
	return code == KESU_EXIT_OK ? cli_station_open_ledger(st) : code;
}

static int countersign(struct cli_station *st, const struct cs_ctl *c,
		       const struct kesu_trust *trust, const char *trust_path)
{
	enum kesu_role role;
	const struct kesu_trust_entry *who = NULL;
	struct kesu_public_key station;
	struct kesu_countersig cs;
	char pdf[PATH_MAX], dir[PATH_MAX], path[PATH_MAX], job_id[KESU_JOB_ID_LEN + 1] = "";
	char *text = NULL;
	size_t len = 0;
	int code = find_signer(c, trust, trust_path, &role, &who);
	if (code == KESU_EXIT_OK)
		code = open_station(st, c, &station);
	if (code == KESU_EXIT_OK && names_pdf(c->arg))
		snprintf(pdf, sizeof(pdf), "%s", c->arg);
	else if (code == KESU_EXIT_OK)
		code = job_document(st, &station, c->arg, pdf, sizeof(pdf), job_id);
	if (code == KESU_EXIT_OK)
		code = certificate(st, &station, pdf, job_id, &cs);
	if (code == KESU_EXIT_OK) {
		/* the file's name needs the key number, known from the entry */
		snprintf(dir, sizeof(dir), "%s", pdf);
		cs.role = role;
		kesu_key_keynum_hex(who->key.keynum, cs.keynum, sizeof(cs.keynum));
		if (kesu_countersig_path(dirname(dir), &cs, path, sizeof(path)) < 0)
			code = (cli_error("%s: cannot name its countersignature file", pdf), KESU_EXIT_USAGE);
	}
	if (code == KESU_EXIT_OK && !c->force && access(path, F_OK) == 0)
		code = (cli_error("%s already exists; add --force to countersign again", path),
			KESU_EXIT_USAGE);
	if (code == KESU_EXIT_OK)
		code = sign(c, trust, role, who->name, pdf, &cs, &text, &len);
	if (code == KESU_EXIT_OK)
		code = cli_load_secret_key(st->key_path, c->station_passphrase_file, &st->sk);
	if (code == KESU_EXIT_OK)
		code = record_and_write(st, c, &cs, text, len, path);
	free(text);
	return code;
}

int cmd_countersign(int argc, char **argv)
{
	struct cs_ctl c = {0};
	int parsed = parse_countersign(argc, argv, &c);
	if (parsed)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	if (!st)
		return cli_error("%s", strerror(ENOMEM)), KESU_EXIT_FAILURE;
	struct kesu_trust *trust = NULL;
	char tpath[PATH_MAX];
	int code = cli_station_context(st, &c.flags, "countersign", N_("who records the countersignature"));
	if (code == KESU_EXIT_OK)
		code = cli_trust_open(&st->cfg, c.trust, tpath, sizeof(tpath), &trust);
	if (code == KESU_EXIT_OK)
		code = countersign(st, &c, trust, tpath);
	kesu_trust_free(trust);
	cli_station_close(st);
	free(st);
	return code;
}

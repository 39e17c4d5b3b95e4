/* kesu cert verify|show: check a certificate offline, or print its payload. */
#include <getopt.h>
#include <libgen.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/cert.h"
#include "kesu/countersign.h"
#include "kesu/paths.h"
#include "kesu/pdf.h"

static void cert_usage(FILE *out)
{
	fputs("Usage: kesu cert verify [--pubkey KEY] [--ledger PATH | --no-ledger]\n"
	      "                        [--trust PATH] FILE.pdf\n"
	      "       kesu cert show FILE.pdf\n"
	      "       kesu cert issue [--force] SEQ | JOB-ID | CERTIFICATE-ID (kesu cert issue --help)\n"
	      "       kesu cert import [--approval FILE]... CERT.pdf... (kesu cert import --help)\n\n"
	      "verify checks, offline: the detached signature FILE.pdf.sig over the PDF's\n"
	      "exact bytes; the signature of the payload embedded in the PDF; and, when a\n"
	      "ledger is at hand (--ledger, or this station's), that it holds the same\n"
	      "record. Each check is printed, then the document's integrity and its\n"
	      "outcome, two facts: a genuine failure report is intact, and still not a\n"
	      "certificate. Exit status: 0 an intact SUCCESS certificate, every check\n"
	      "made; 4 INVALID (a check failed: changed, forged, another key, or the\n"
	      "ledger disagrees); 8 intact but NOT A CERTIFICATE (a failure report);\n"
	      "9 UNCHECKED (what could be checked holds, but FILE.pdf.sig is absent).\n"
	      "The most severe applies: 4, then 8, then 9.\n"
	      "Countersignatures beside the PDF (kesu-ID.*.countersig, kesu countersign) are\n"
	      "listed and each checked against the trust store and this certificate: one\n"
	      "that is rejected (changed, an untrusted key, a key trusted for another role,\n"
	      "of another certificate) makes the verdict INVALID (4); none changes nothing.\n"
	      "show prints the embedded payload (JSON).\n\n"
	      "  --pubkey KEY  the issuing station's public key (default: this station's)\n"
	      "  --trust PATH  the trust store for countersignatures (default $KESU_TRUST,\n"
	      "                else the config file's trust = PATH, else\n"
	      "                $XDG_CONFIG_HOME/kesu/trust.json)\n",
	      out);
}

/* Messages can quote the document or the ledger: shown escaped. */
static void say(bool ok, const char *what, const char *msg)
{
	char safe[1024];
	printf("  [%s] %-18s %s\n", ok ? "ok" : "FAILED", what, cli_escape(msg, safe, sizeof(safe)));
}

static void say_unchecked(const char *what, const char *msg)
{
	char safe[1024];
	printf("  [--] %-18s %s\n", what, cli_escape(msg, safe, sizeof(safe)));
}

/* The checks, then integrity and outcome as two lines (the verdict comes
 * after the countersignatures: print_verdict). */
static void print_check(const char *pdf, const struct kesu_cert_check *c)
{
	char id[256], document[256], outcome[256], name[1024];
	printf("%s\n", cli_escape(pdf, name, sizeof(name)));
	printf("  certificate %s: %s, outcome %s\n",
	       cli_escape(c->certificate_id[0] ? c->certificate_id : "?", id, sizeof(id)),
	       cli_escape(c->document[0] ? c->document : "?", document, sizeof(document)),
	       cli_escape(c->outcome[0] ? c->outcome : "?", outcome, sizeof(outcome)));
	if (c->file_checked)
		say(c->file_ok, "PDF file", c->file_msg);
	else
		say_unchecked("PDF file", c->file_msg);
	say(c->payload_ok, "embedded payload", c->payload_msg);
	if (c->ledger_checked)
		say(c->ledger_ok, "ledger", c->ledger_msg);
	else
		say_unchecked("ledger", "not checked (no ledger at hand)");

	if (c->verdict == KESU_CERT_INVALID)
		printf("  integrity: INVALID — changed, forged, signed by another key, or not in the ledger\n");
	else if (!c->file_checked)
		printf("  integrity: NOT FULLY CHECKED — the embedded payload is signed by the station key,\n"
		       "             but without %s.sig the page itself is not proven\n", pdf);
	else
		printf("  integrity: INTACT\n");
	if (!c->payload_ok)
		printf("  outcome:   unknown (the payload is not proven)\n");
	else if (c->success)
		printf("  outcome:   SUCCESS — a certificate\n");
	else if (!strcmp(c->document, "failure-report"))
		printf("  outcome:   %s — a failure report, NOT a certificate: the drive was not sanitized\n",
		       c->outcome[0] ? c->outcome : "?");
	else
		printf("  outcome:   %s — NOT a certificate\n", c->outcome[0] ? c->outcome : "?");
}

/* The last line, after the countersignatures. */
static void print_verdict(enum kesu_cert_verdict v)
{
	static const char *const words[] = {
		[KESU_CERT_INVALID] = "INVALID",
		[KESU_CERT_NOT_CERTIFICATE] = "NOT A CERTIFICATE",
		[KESU_CERT_UNCHECKED] = "UNCHECKED",
		[KESU_CERT_VALID] = "VALID",
	};
	printf("%s\n", words[v]);
}

/* One countersignature's line; a rejected one is named by its file. */
static void print_countersig(const char *path, int rc, const struct kesu_countersig *cs,
			     const char *err)
{
	char a[512], why[2 * KESU_ERRMSG_MAX];
	size_t n = strlen(path);
	if (rc == 0) {
		printf("  countersignature: %s %s (%s) %s: OK\n", kesu_role_id(cs->role),
		       cli_escape(cs->signer_name, a, sizeof(a)), cs->signer_fingerprint,
		       cs->signed_utc);
		return;
	}
	if (!strncmp(err, path, n) && !strncmp(err + n, ": ", 2))
		err += n + 2; /* the file is named once */
	printf("  countersignature: %s: REJECTED: %s\n", cli_escape(path, a, sizeof(a)),
	       cli_escape(err, why, sizeof(why)));
}

/* The countersignatures beside pdf, each checked against the trust store
 * and this PDF's payload. Returns how many were rejected, or -1 when they
 * could not be checked (printed). */
static int print_countersigs(const char *pdf, const char *certificate_id,
			     const struct kesu_config *cfg, const char *trust_flag)
{
	char dir[KESU_PATH_MAX], tpath[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	char **paths = NULL, *payload = NULL, *sig = NULL;
	size_t n = 0, len = 0, sig_len = 0;
	snprintf(dir, sizeof(dir), "%s", pdf);
	if (kesu_countersig_find(dirname(dir), certificate_id, &paths, &n, err, sizeof(err)) < 0)
		return cli_error("%s", err), -1;
	struct kesu_trust *trust = NULL;
	int bad = 0;
	if (n && (cli_trust_path(cfg, trust_flag, tpath, sizeof(tpath)) != KESU_EXIT_OK ||
		  cli_trust_load(tpath, &trust) != KESU_EXIT_OK))
		bad = -1;
	bool readable = n && bad == 0 &&
			kesu_pdf_read_payload(pdf, &payload, &len, &sig, &sig_len, err, sizeof(err)) == 0;
	for (size_t i = 0; bad >= 0 && i < n; i++) {
		struct kesu_countersig cs;
		int rc = -KESU_EVERIFY;
		if (readable)
			rc = kesu_countersig_load(paths[i], trust, payload, len, &cs, err, sizeof(err));
		else
			snprintf(err, sizeof(err), "the certificate's payload cannot be read");
		print_countersig(paths[i], rc, &cs, err);
		bad += rc != 0;
	}
	free(payload);
	free(sig);
	kesu_trust_free(trust);
	kesu_countersig_paths_free(paths, n);
	return bad;
}

static int verdict_exit(enum kesu_cert_verdict v)
{
	switch (v) {
	case KESU_CERT_VALID: return KESU_EXIT_OK;
	case KESU_CERT_UNCHECKED: return KESU_EXIT_UNCHECKED;
	case KESU_CERT_NOT_CERTIFICATE: return KESU_EXIT_NOT_CERTIFICATE;
	case KESU_CERT_INVALID: break;
	}
	return KESU_EXIT_VERIFY;
}

static int cert_verify(const char *pdf, const char *pubkey, const char *ledger_flag, bool no_ledger,
		       const char *trust_flag)
{
	struct cli_station *st = calloc(1, sizeof(*st));
	int code = cli_station_load_config(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(st, ledger_flag, NULL, NULL);
	char pub[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	struct kesu_public_key pk;
	if (code == KESU_EXIT_OK) {
		if (pubkey)
			snprintf(pub, sizeof(pub), "%s", pubkey);
		else
			kesu_key_public_path(st->key_path, pub, sizeof(pub));
		if (kesu_key_load_public(pub, &pk, err, sizeof(err)) < 0) {
			cli_error("%s", err);
			code = KESU_EXIT_USAGE;
		}
	}
	/* The station's own ledger is used when it exists; a named one must. */
	bool use_ledger = !no_ledger && (ledger_flag || access(st->ledger_path, F_OK) == 0);
	if (code == KESU_EXIT_OK && use_ledger)
		code = cli_station_open_ledger_readonly(st); /* only reads it */
	if (code == KESU_EXIT_OK) {
		struct kesu_cert_check c;
		int rc = kesu_cert_verify(pdf, &pk, st->ledger, &c);
		if (rc < 0 && rc != -KESU_EVERIFY) {
			cli_error("%s", c.file_msg[0] ? c.file_msg : kesu_strerror(rc));
			code = rc == -ENOENT ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
		} else {
			print_check(pdf, &c);
			/* A rejected countersignature is a failed check (docs/certificate.md). */
			int bad = print_countersigs(pdf, c.certificate_id, &st->cfg, trust_flag);
			if (bad > 0)
				c.verdict = KESU_CERT_INVALID;
			if (bad >= 0)
				print_verdict(c.verdict);
			code = bad < 0 ? KESU_EXIT_USAGE : verdict_exit(c.verdict);
		}
	}
	cli_station_close(st);
	free(st);
	return code;
}

static int cert_show(const char *pdf)
{
	char *payload, *sig, err[KESU_ERRMSG_MAX];
	size_t len, sig_len;
	int rc = kesu_pdf_read_payload(pdf, &payload, &len, &sig, &sig_len, err, sizeof(err));
	if (rc < 0) {
		/* a file error names the file already; a PDF's fault does not */
		if (rc == -KESU_EPARSE)
			cli_error("%s: %s", pdf, err);
		else
			cli_error("%s", err);
		return rc == -ENOENT ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	struct json_object *doc = json_tokener_parse(payload);
	if (doc)
		cli_print_json(doc);
	else
		printf("%s\n", payload);
	json_object_put(doc);
	free(payload);
	free(sig);
	return KESU_EXIT_OK;
}

int cmd_cert(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "issue")) return cmd_cert_issue(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "import")) return cmd_cert_import(argc - 1, argv + 1);
	enum { O_PUBKEY = 256, O_LEDGER, O_NO_LEDGER, O_TRUST };
	static const struct option opts[] = {
		{"pubkey", required_argument, NULL, O_PUBKEY}, {"ledger", required_argument, NULL, O_LEDGER},
		{"no-ledger", no_argument, NULL, O_NO_LEDGER}, {"trust", required_argument, NULL, O_TRUST},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cert_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? KESU_EXIT_USAGE : KESU_EXIT_OK;
	}
	const char *verb = argv[1], *pubkey = NULL, *ledger = NULL, *trust = NULL;
	bool no_ledger = false;
	int c;
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_PUBKEY: pubkey = optarg; break;
		case O_LEDGER: ledger = optarg; break;
		case O_NO_LEDGER: no_ledger = true; break;
		case O_TRUST: trust = optarg; break;
		case 'h': cert_usage(stdout); return KESU_EXIT_OK;
		default: cert_usage(stderr); return KESU_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		cli_error("cert %s: name one PDF file", verb);
		return KESU_EXIT_USAGE;
	}
	if (!strcmp(verb, "verify"))
		return cert_verify(argv[optind], pubkey, ledger, no_ledger, trust);
	if (!strcmp(verb, "show"))
		return cert_show(argv[optind]);
	cli_error("cert: unknown command \"%s\" (verify, show, issue, import)", verb);
	return KESU_EXIT_USAGE;
}

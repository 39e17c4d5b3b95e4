/* kesu cert import: a city receives a contractor's certificates. Each is
 * checked against the city's trust store (a trusted contractor key) and
 * its approvals (one the city issued, naming this medium), and recorded
 * in the city's ledger, linked to the approval entry (docs/approvals.md). */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "kesu/cert_import.h"

static void import_usage(FILE *out)
{
	fputs(_("Usage: kesu cert import [--approval FILE]... [--trust PATH] [--ledger PATH]\n"
	      "                        [--key PATH] [--passphrase-file F] [--operator NAME]\n"
	      "                        CERT.pdf...\n\n"
	      "Checks each contractor's certificate and records the ones that hold in this\n"
	      "station's ledger as received certificates: its payload is signed by a key the\n"
	      "trust store holds as a contractor's; the PDF is intact (PDF.sig, when present);\n"
	      "it is a SUCCESS certificate; the approval it names is one of the --approval\n"
	      "files (default: the file with that number in ~/.config/kesu/approvals), signed\n"
	      "by a trusted approver, with the same hash; its medium is that approval's entry;\n"
	      "and neither the certificate nor the entry was received before.\n\n"
	      "Each refusal is one line. Exit status: 0 every certificate imported; otherwise\n"
	      "the most severe of 2 (unreadable file), 4 (unknown key, changed or forged),\n"
	      "5 (approval not issued here, medium not listed, already received) and 8 (a\n"
	      "failure report, not a SUCCESS).\n"),
	      out);
}

struct import_ctl {
	const char *trust, *ledger, *key, *passphrase_file;
	const char *approvals[64];
	size_t n_approvals;
	struct kesu_job_context ctx;
	char **pdfs;
	size_t n_pdfs;
};

static int parse_import(int argc, char **argv, struct import_ctl *c)
{
	enum { O_APPROVAL = 256, O_TRUST, O_LEDGER, O_KEY, O_PASSFILE, O_OPERATOR };
	static const struct option opts[] = {
		{"approval", required_argument, NULL, O_APPROVAL},
		{"trust", required_argument, NULL, O_TRUST},
		{"ledger", required_argument, NULL, O_LEDGER},
		{"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"operator", required_argument, NULL, O_OPERATOR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(c, 0, sizeof(*c));
	optind = 1;
	int ch;
	while ((ch = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case O_APPROVAL:
			if (c->n_approvals == sizeof(c->approvals) / sizeof(c->approvals[0]))
				return cli_error("--approval: at most 64 files"), -1;
			c->approvals[c->n_approvals++] = optarg;
			break;
		case O_TRUST: c->trust = optarg; break;
		case O_LEDGER: c->ledger = optarg; break;
		case O_KEY: c->key = optarg; break;
		case O_PASSFILE: c->passphrase_file = optarg; break;
		case O_OPERATOR:
			if (!cli_set_field(&c->ctx, KESU_CTX_OPERATOR, "--operator", optarg))
				return -1;
			break;
		case 'h': import_usage(stdout); return 1;
		default: cli_bad_option("cert import"); return -1;
		}
	}
	if (optind == argc)
		return cli_error("cert import: name at least one CERT.pdf"), -1;
	c->pdfs = argv + optind;
	c->n_pdfs = (size_t)(argc - optind);
	return 0;
}

static int exit_for_refusal(enum kesu_import_refusal r)
{
	switch (r) {
	case KESU_IMPORT_OK: return KESU_EXIT_OK;
	case KESU_IMPORT_UNREADABLE: return KESU_EXIT_USAGE;
	case KESU_IMPORT_UNKNOWN_KEY: case KESU_IMPORT_INVALID: return KESU_EXIT_VERIFY;
	case KESU_IMPORT_NOT_SUCCESS: return KESU_EXIT_NOT_CERTIFICATE;
	default: return KESU_EXIT_REFUSED;
	}
}

/* The approvals: given, or each certificate's own found by its number. */
static int load_approvals(const struct import_ctl *c, const struct kesu_trust *trust,
			  struct kesu_approval **out, size_t *n)
{
	char err[KESU_ERRMSG_MAX];
	for (size_t i = 0; i < c->n_approvals; i++) {
		int rc = kesu_approval_load(c->approvals[i], trust, &out[i], err, sizeof(err));
		if (rc < 0) {
			cli_error("%s", err);
			return rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : KESU_EXIT_USAGE;
		}
		*n = i + 1;
	}
	return KESU_EXIT_OK;
}

/* Without --approval: the approval each certificate names, from the
 * approvals directory (a missing one refuses that certificate at import). */
static void approval_for(const char *pdf, const struct kesu_trust *trust, struct kesu_approval **a)
{
	char *payload = NULL, *sig = NULL, err[KESU_ERRMSG_MAX], path[KESU_PATH_MAX];
	size_t len, sig_len;
	*a = NULL;
	if (kesu_pdf_read_payload(pdf, &payload, &len, &sig, &sig_len, err, sizeof(err)) < 0)
		return;
	struct json_object *doc = json_tokener_parse(payload), *ap = NULL, *num = NULL;
	if (doc && json_object_object_get_ex(doc, "approval", &ap) &&
	    json_object_object_get_ex(ap, "number", &num) && json_object_is_type(num, json_type_string)) {
		/* Not found: the import refuses the certificate, naming the approval. */
		if (cli_approval_find(json_object_get_string(num), path, sizeof(path)) == 0)
			kesu_approval_load(path, trust, a, err, sizeof(err));
	}
	json_object_put(doc);
	free(payload);
	free(sig);
}

static int import_one(struct cli_station *st, const struct import_ctl *c,
		      const struct kesu_trust *trust, struct kesu_approval **approvals, size_t n,
		      const char *pdf)
{
	struct kesu_approval *own = NULL;
	if (!c->n_approvals) {
		approval_for(pdf, trust, &own);
		approvals = &own;
		n = own ? 1 : 0;
	}
	struct kesu_import_result res;
	int rc = kesu_cert_import(st->ledger, st->sk, trust, approvals, n, pdf,
				  st->cfg.ctx.operator_name, time(NULL), &res);
	kesu_approval_free(own);
	if (rc == 0) {
		printf(_("%s: received %s from %s: approval %s entry %u (ledger record %llu)\n"), pdf,
		       res.certificate_id, res.contractor, res.approval_number, res.entry,
		       (unsigned long long)res.seq);
		return KESU_EXIT_OK;
	}
	cli_error("%s", res.detail);
	return rc == -KESU_EREFUSED ? exit_for_refusal(res.refusal) : cli_exit_for(rc);
}

int cmd_cert_import(int argc, char **argv)
{
	struct import_ctl c;
	int parsed = parse_import(argc, argv, &c);
	if (parsed)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct cli_station st = {0};
	struct kesu_trust *trust = NULL;
	struct kesu_approval *approvals[64] = {0};
	size_t n = 0;
	char tpath[KESU_PATH_MAX];
	int code = cli_station_context(&st, &c.ctx, "cert import", N_("who receives the certificates"));
	if (code == KESU_EXIT_OK)
		code = cli_trust_open(&st.cfg, c.trust, tpath, sizeof(tpath), &trust);
	if (code == KESU_EXIT_OK)
		code = load_approvals(&c, trust, approvals, &n);
	if (code == KESU_EXIT_OK) /* after the approvals: a bad one is found before any key prompt */
		code = cli_station_open_records(&st, c.ledger, c.key, c.passphrase_file);
	bool ready = code == KESU_EXIT_OK;
	for (size_t i = 0; ready && i < c.n_pdfs; i++)
		code = cli_exit_worse(code, import_one(&st, &c, trust, approvals, n, c.pdfs[i]));
	for (size_t i = 0; i < n; i++)
		kesu_approval_free(approvals[i]);
	kesu_trust_free(trust);
	cli_station_close(&st);
	return code;
}

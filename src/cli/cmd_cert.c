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

void cli_cert_usage(FILE *out)
{
	fputs(_("Usage: kesu cert verify [--trust CA.pem|STORE]... [--pubkey KEY]\n"
	      "                        [--ledger PATH | --no-ledger] FILE.pdf | DIR\n"
	      "       kesu cert verify [options] BATCH.pdf --members DIR\n"
	      "       kesu cert sign --role witness|validator|approver\n"
	      "                      --key KEY | --pkcs12 FILE | --pkcs11 URI FILE.pdf\n"
	      "                      (kesu cert sign --help)\n"
	      "       kesu cert timestamp [--tsa URL] FILE.pdf...\n"
	      "       kesu cert show FILE.pdf\n"
	      "       kesu cert issue [--force] SEQ | JOB-ID | CERTIFICATE-ID (kesu cert issue --help)\n"
	      "       kesu cert import [--approval FILE]... CERT.pdf... (kesu cert import --help)\n"
	      "       kesu cert batch (--approval FILE | --asset-file FILE.csv | --since D --until D)\n"
	      "                       [-o FILE.pdf] (kesu cert batch --help)\n\n"
	      "verify checks a certificate from the PDF alone, offline, and prints each\n"
	      "check with the signers and times:\n"
	      "  - every PDF signature (PAdES): its byte range covers the file up to its\n"
	      "    revision, the digest, the CMS signature, the chain to a trust anchor and\n"
	      "    the timestamp where there is one; the first is the station's (担当者);\n"
	      "  - that only signatures and timestamps were added after the first one, and\n"
	      "    nothing after the last;\n"
	      "  - that the page is the one the signed payload renders to (rendered again\n"
	      "    here; not checked, and said, when another kesu version made it);\n"
	      "  - the embedded payload's Ed25519 signature (the key the certificate\n"
	      "    carries, or --pubkey);\n"
	      "  - FILE.pdf.sig when it is there, and the ledger when one is at hand.\n"
	      "Trust anchors: each --trust CA.pem (an organisation's CA, a station's or a\n"
	      "person's certificate), the trust store's certificates (kesu trust add), and\n"
	      "this station's own certificate. A --trust that is not a certificate names\n"
	      "the trust store (default $KESU_TRUST, else the config file's trust = PATH,\n"
	      "else $XDG_CONFIG_HOME/kesu/trust.json).\n"
	      "DIR: every *.pdf in it, one verdict per line, then a summary.\n"
	      "--members DIR (a batch certificate): also every certificate its list names,\n"
	      "each DIR/kesu-ID.pdf: present, verified as above, and the one the batch\n"
	      "names (its id and ledger record hash); one line each, then a summary.\n"
	      "Exit status: 0 VALID, an intact SUCCESS certificate, every check made;\n"
	      "4 INVALID (a check failed: changed, forged, modified after signing, an\n"
	      "untrusted signer, another key, or the ledger disagrees); 8 intact but NOT A\n"
	      "CERTIFICATE (a failure report); 9 UNCHECKED (what could be checked holds,\n"
	      "but a check could not be made: no trust anchor, a page from another kesu\n"
	      "version, or an old certificate without PDF signatures or FILE.pdf.sig).\n"
	      "The most severe applies: 4, then 8, then 9. Countersignature files beside\n"
	      "the PDF (kesu countersign) are checked too; a rejected one makes it 4.\n"
	      "sign adds a witness's, validator's or approver's PDF signature in their box.\n"
	      "timestamp adds a document timestamp (RFC 3161) to certificates signed\n"
	      "offline. show prints the embedded payload (JSON).\n"),
	      out);
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
	static const struct {
		const char *verb;
		int (*run)(int, char **);
	} verbs[] = {{"issue", cmd_cert_issue}, {"import", cmd_cert_import},
		     {"verify", cmd_cert_verify}, {"sign", cmd_cert_sign},
		     {"timestamp", cmd_cert_timestamp}, {"batch", cmd_cert_batch}};
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		cli_cert_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? KESU_EXIT_USAGE : KESU_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].verb))
			return verbs[i].run(argc - 1, argv + 1);
	if (strcmp(argv[1], "show") != 0) {
		cli_error("cert: unknown command \"%s\" (verify, show, issue, import, sign, "
			  "timestamp, batch)", argv[1]);
		return KESU_EXIT_USAGE;
	}
	if (argc == 3 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		cli_cert_usage(stdout);
		return KESU_EXIT_OK;
	}
	if (argc != 3 || argv[2][0] == '-') {
		cli_error("cert show: name one PDF file");
		return KESU_EXIT_USAGE;
	}
	return cert_show(argv[2]);
}

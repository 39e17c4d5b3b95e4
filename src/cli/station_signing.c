/* The station's PDF signature identity and how it signs certificates
 * (kesu/x509.h, kesu/cert.h): the X.509 key and certificate beside the
 * station key (made on first use for an unprotected key, as the station
 * key itself is), or a PKCS#12 file, or a PKCS#11 token; the timestamp
 * authority; visible or not; PDF.sig or not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/paths.h"
#include "kesu/x509.h"

#define SELF_SIGNED_DAYS 3650

/* The self-signed certificate the station signs with until the
 * organisation's CA issues one (kesu key csr, kesu key import-cert). */
static int make_identity(struct cli_station *st, const char *key, const char *crt)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_x509_subject subject;
	int code = cli_key_x509_subject(st->key_path, NULL, NULL, &subject);
	if (code != KESU_EXIT_OK)
		return code;
	int rc = access(key, F_OK) == 0
			 ? 0
			 : kesu_x509_key_generate(key, KESU_X509_ECDSA_P256, NULL, err, sizeof(err));
	if (rc == 0)
		rc = kesu_x509_self_sign(key, NULL, &subject, SELF_SIGNED_DAYS, time(NULL), false, crt,
					 err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	/* stderr: kesu wipe --json keeps stdout for its JSON */
	fprintf(stderr, _("kesu: made a self-signed station certificate for PDF signatures: %s\n"),
		crt);
	return KESU_EXIT_OK;
}

static int open_files(struct cli_station *st, const char *passphrase_file,
		      struct kesu_signer **signer)
{
	char key[4096], crt[4096], err[KESU_ERRMSG_MAX];
	if (kesu_x509_paths(st->key_path, key, sizeof(key), crt, sizeof(crt)) < 0) {
		cli_error("%s: the path is too long", st->key_path);
		return KESU_EXIT_USAGE;
	}
	bool protected_key = kesu_key_secret_is_protected(st->key_path);
	if (access(crt, F_OK) != 0) {
		if (protected_key) {
			cli_error("the station has no certificate for PDF signatures (%s): make one "
				  "with kesu key x509",
				  crt);
			return KESU_EXIT_USAGE;
		}
		int code = make_identity(st, key, crt);
		if (code != KESU_EXIT_OK)
			return code;
	}
	char *pass = NULL;
	if (protected_key && passphrase_file) {
		int code = cli_passphrase_get(passphrase_file, key, &pass);
		if (code != KESU_EXIT_OK)
			return code;
	}
	int rc = kesu_signer_open_files(key, crt, pass, signer, err, sizeof(err));
	cli_passphrase_free(pass);
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -ENOKEY ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	return KESU_EXIT_OK;
}

int cli_signer_open(const struct cli_signer_source *src, struct kesu_signer **signer)
{
	char err[KESU_ERRMSG_MAX], *secret = NULL;
	if (src->secret_file) {
		int code = cli_passphrase_get(src->secret_file, src->secret_file, &secret);
		if (code != KESU_EXIT_OK)
			return code;
	}
	int rc;
	if (src->pkcs11)
		rc = kesu_signer_open_pkcs11(src->pkcs11, secret, src->cert, signer, err, sizeof(err));
	else if (src->pkcs12)
		rc = kesu_signer_open_pkcs12(src->pkcs12, secret, signer, err, sizeof(err));
	else {
		char key[4096], crt[4096];
		rc = kesu_x509_paths(src->key, key, sizeof(key), crt, sizeof(crt));
		rc = rc < 0 ? (snprintf(err, sizeof(err), _("%s: the path is too long"), src->key), rc)
			    : kesu_signer_open_files(key, src->cert ? src->cert : crt, secret, signer,
						     err, sizeof(err));
	}
	cli_passphrase_free(secret);
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -ENOKEY || rc == -EKEYREJECTED || rc == -ENOENT ? KESU_EXIT_USAGE
										: cli_exit_for(rc);
	}
	return KESU_EXIT_OK;
}

int cli_signing_open(struct cli_station *st, const struct cli_signing_flags *f,
		     struct cli_signing *s)
{
	char err[KESU_ERRMSG_MAX], pub[4096];
	memset(s, 0, sizeof(*s));
	const char *p12 = f->pkcs12 ? f->pkcs12 : st->cfg.pkcs12[0] ? st->cfg.pkcs12 : NULL;
	const char *p11 = f->pkcs11 ? f->pkcs11 : st->cfg.pkcs11[0] ? st->cfg.pkcs11 : NULL;
	int code;
	if (p11 || p12) {
		struct cli_signer_source src = {.pkcs11 = p11, .pkcs12 = p11 ? NULL : p12,
						.secret_file = f->pin_file};
		code = cli_signer_open(&src, &s->signer);
	} else {
		code = open_files(st, f->passphrase_file, &s->signer);
	}
	if (code != KESU_EXIT_OK)
		return code;
	kesu_key_public_path(st->key_path, pub, sizeof(pub));
	if (kesu_file_read_bounded(pub, 4096, 0, &s->station_pub, &s->station_pub_len, err,
				   sizeof(err)) < 0) {
		cli_error("%s", err);
		cli_signing_close(s);
		return KESU_EXIT_FAILURE;
	}
	const char *tsa = f->tsa ? f->tsa : st->cfg.tsa[0] ? st->cfg.tsa : NULL;
	s->cs = (struct kesu_cert_signing){
		.signer = s->signer, .station_pub = s->station_pub,
		.station_pub_len = s->station_pub_len, .tsa_url = tsa,
		.invisible = f->invisible || !strcmp(st->cfg.pdf_signature, "invisible"),
		.signify_sig = f->signify_sig || !strcmp(st->cfg.signify_sig, "yes")};
	return KESU_EXIT_OK;
}

void cli_signing_close(struct cli_signing *s)
{
	kesu_signer_close(s->signer);
	free(s->station_pub);
	memset(s, 0, sizeof(*s));
}

bool cli_signing_option(int c, const char *arg, struct cli_signing_flags *f)
{
	switch (c) {
	case CLI_O_TSA: f->tsa = arg; return true;
	case CLI_O_PKCS12: f->pkcs12 = arg; return true;
	case CLI_O_PKCS11: f->pkcs11 = arg; return true;
	case CLI_O_PIN_FILE: f->pin_file = arg; return true;
	case CLI_O_INVISIBLE: f->invisible = true; return true;
	case CLI_O_SIGNIFY_SIG: f->signify_sig = true; return true;
	default: return false;
	}
}

const char *const cli_signing_help =
	N_("PDF signature of the certificate (PAdES; docs/certificate.md):\n"
	"      --tsa URL            timestamp the signature (RFC 3161; config: tsa)\n"
	"      --pkcs12 FILE        sign with the identity in a PKCS#12 file (config: pkcs12)\n"
	"      --pkcs11 URI         sign with a key on a token (config: pkcs11)\n"
	"      --pin-file F         the PKCS#12 passphrase or the token's PIN\n"
	"      --invisible-signature  no signature box on the page (config: pdf_signature)\n"
	"      --signify-sig        also write FILE.pdf.sig for signify (config: signify_sig)\n"
	"The station signs with the X.509 certificate beside its key (made on first use\n"
	"for an unprotected key; kesu key x509, key csr, key import-cert).\n");

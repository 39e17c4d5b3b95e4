/* What every signing identity does the same way (kesu/x509.h, signer.h):
 * its certificate and chain, signing with a key in memory, describing and
 * closing. Opening one is per kind: signer_file.c, signer_pkcs12.c,
 * signer_pkcs11.c. */
#include <errno.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "signer.h"
#include "signer_internal.h"
#include "x509_internal.h"
#include "../i18n.h"

/* SHA-256 and the key's own scheme: ECDSA (DER ECDSA-Sig-Value) or RSA
 * PKCS#1 v1.5, OpenSSL's defaults for these keys. */
static int pkey_sign(struct kesu_signer *s, const unsigned char *data, size_t len,
		     unsigned char **sig, size_t *sig_len, char *err, size_t errsize)
{
	char why[256];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t n = 0;
	bool ok = md && EVP_DigestSignInit_ex(md, NULL, "SHA256", NULL, NULL, s->pkey, NULL) == 1 &&
		  EVP_DigestSign(md, NULL, &n, data, len) == 1;
	*sig = ok ? malloc(n) : NULL;
	ok = *sig && EVP_DigestSign(md, *sig, &n, data, len) == 1;
	EVP_MD_CTX_free(md);
	if (!ok) {
		Kesu_x509_ssl_reason(why, sizeof(why));
		snprintf(err, errsize, _("the key did not sign: %s"), why);
		free(*sig);
		*sig = NULL;
		return -EIO;
	}
	*sig_len = n;
	return 0;
}

int Kesu_signer_from_key(X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *pkey, const char *what,
			 struct kesu_signer **signer, char *err, size_t errsize)
{
	*signer = NULL;
	struct kesu_signer *s = calloc(1, sizeof(*s));
	if (!chain)
		chain = sk_X509_new_null();
	int rc = s && chain ? 0 : -ENOMEM;
	if (rc < 0)
		snprintf(err, errsize, "%s: %s", what, strerror(ENOMEM));
	else if (EVP_PKEY_eq(X509_get0_pubkey(cert), pkey) != 1)
		rc = -KESU_EVERIFY,
		snprintf(err, errsize, _("%s: the certificate is for another key"), what);
	ERR_clear_error();
	if (rc < 0) {
		free(s);
		X509_free(cert);
		sk_X509_pop_free(chain, X509_free);
		EVP_PKEY_free(pkey);
		return rc;
	}
	*s = (struct kesu_signer){.cert = cert, .chain = chain, .pkey = pkey, .sign = pkey_sign};
	*signer = s;
	return 0;
}

X509 *Kesu_signer_cert(const struct kesu_signer *signer)
{
	return signer->cert;
}

STACK_OF(X509) *Kesu_signer_chain(const struct kesu_signer *signer)
{
	return signer->chain;
}

int Kesu_signer_sign(struct kesu_signer *signer, const unsigned char *data, size_t len,
		     unsigned char **sig, size_t *sig_len, char *err, size_t errsize)
{
	*sig = NULL;
	*sig_len = 0;
	return signer->sign(signer, data, len, sig, sig_len, err, errsize);
}

void kesu_signer_describe(const struct kesu_signer *signer, struct kesu_x509_info *info)
{
	Kesu_x509_describe(signer->cert, info);
}

void kesu_signer_close(struct kesu_signer *signer)
{
	if (!signer)
		return;
	if (signer->close_token)
		signer->close_token(signer->token);
	EVP_PKEY_free(signer->pkey); /* OpenSSL wipes the key */
	X509_free(signer->cert);
	sk_X509_pop_free(signer->chain, X509_free);
	free(signer);
}

/* A signer from a PKCS#12 file (kesu/x509.h): an organisation's CA often
 * hands out a person's key, certificate and chain as one .p12/.pfx. */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/fileio.h"
#include "signer_internal.h"
#include "x509_internal.h"
#include "../i18n.h"

/* The password that opens the file's MAC: the passphrase, or for none the
 * empty password in either of its two encodings. -EKEYREJECTED, -ENOKEY. */
static int p12_pass(PKCS12 *p12, const char *pass, const char **use)
{
	*use = pass && *pass ? pass : "";
	if (!PKCS12_mac_present(p12))
		return 0; /* PKCS12_parse tries what it can */
	if (pass && *pass)
		return PKCS12_verify_mac(p12, pass, -1) ? 0 : -EKEYREJECTED;
	if (PKCS12_verify_mac(p12, "", 0))
		return 0;
	*use = NULL;
	return PKCS12_verify_mac(p12, NULL, 0) ? 0 : -ENOKEY;
}

/* PKCS12_parse; a file from an older system (RC2, 3DES) needs OpenSSL's
 * legacy provider: loaded then, and the parse tried again. */
static int p12_parse(PKCS12 *p12, const char *pass, EVP_PKEY **pkey, X509 **cert,
		     STACK_OF(X509) **ca)
{
	if (PKCS12_parse(p12, pass, pkey, cert, ca))
		return 0;
	ERR_clear_error();
	if (!OSSL_PROVIDER_try_load(NULL, "legacy", 1))
		return -KESU_EPARSE;
	return PKCS12_parse(p12, pass, pkey, cert, ca) ? 0 : -KESU_EPARSE;
}

/* The certificate for the key goes to *cert, whatever order the file had. */
static int match_cert(EVP_PKEY *pkey, X509 **cert, STACK_OF(X509) *ca)
{
	if (*cert && EVP_PKEY_eq(X509_get0_pubkey(*cert), pkey) == 1)
		return 0;
	for (int i = 0; i < sk_X509_num(ca); i++) {
		X509 *x = sk_X509_value(ca, i);
		if (EVP_PKEY_eq(X509_get0_pubkey(x), pkey) == 1) {
			sk_X509_delete(ca, i);
			if (*cert && !sk_X509_push(ca, *cert))
				X509_free(*cert);
			*cert = x;
			return 0;
		}
	}
	return -KESU_EVERIFY;
}

static int open_p12(PKCS12 *p12, const char *path, const char *passphrase,
		    struct kesu_signer **signer, char *err, size_t errsize)
{
	EVP_PKEY *pkey = NULL;
	X509 *cert = NULL;
	STACK_OF(X509) *ca = NULL;
	char why[256];
	const char *pass;
	int rc = p12_pass(p12, passphrase, &pass);
	if (rc == -EKEYREJECTED)
		return snprintf(err, errsize, _("wrong passphrase for %s"), path), rc;
	if (rc == -ENOKEY)
		return snprintf(err, errsize, _("%s is protected by a passphrase"), path), rc;
	if ((rc = p12_parse(p12, pass, &pkey, &cert, &ca)) < 0) {
		Kesu_x509_ssl_reason(why, sizeof(why));
		snprintf(err, errsize, _("%s: cannot read the PKCS#12 file: %s"), path, why);
	} else if (!pkey || (!cert && sk_X509_num(ca) == 0)) {
		rc = -KESU_EPARSE;
		snprintf(err, errsize, _("%s: holds no %s"), path,
			 pkey ? "certificate" : "private key");
	} else if ((rc = match_cert(pkey, &cert, ca)) < 0) {
		snprintf(err, errsize, _("%s: no certificate in it is for its key"), path);
	}
	ERR_clear_error();
	if (rc == 0)
		return Kesu_signer_from_key(cert, ca, pkey, path, signer, err, errsize);
	EVP_PKEY_free(pkey);
	X509_free(cert);
	sk_X509_pop_free(ca, X509_free);
	return rc;
}

int kesu_signer_open_pkcs12(const char *path, const char *passphrase,
			    struct kesu_signer **signer, char *err, size_t errsize)
{
	char *data = NULL;
	size_t len = 0;
	*signer = NULL;
	int rc = kesu_file_read_bounded(path, KESU_X509_FILE_MAX, 0, &data, &len, err, errsize);
	if (rc < 0)
		return rc;
	const unsigned char *p = (const unsigned char *)data;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
	if (!p12) {
		rc = -KESU_EPARSE;
		snprintf(err, errsize, _("%s: not a PKCS#12 file"), path);
		ERR_clear_error();
	} else {
		rc = open_p12(p12, path, passphrase, signer, err, errsize);
	}
	PKCS12_free(p12);
	OPENSSL_cleanse(data, len);
	free(data);
	return rc;
}

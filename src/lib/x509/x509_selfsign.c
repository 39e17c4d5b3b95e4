/* A self-signed certificate for a signing key (kesu/x509.h): what a
 * station or a person has until the organisation's CA issues one, and all
 * a reader needs once it is imported as a trusted identity. */
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "x509_internal.h"
#include "../i18n.h"

#define DAYS_MAX 36500u

static int set_serial(X509 *x)
{
	unsigned char rnd[16];
	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -EIO;
	/* RFC 5280: positive, at most 20 bytes; random, so two certificates
	 * for one name never share a serial number. */
	rnd[0] = (unsigned char)((rnd[0] & 0x7f) | 0x40);
	BIGNUM *bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	int ok = bn && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
	BN_free(bn);
	return ok ? 0 : -ENOMEM;
}

static bool add_conf_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	bool ok = ext && X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

/* The signer's extensions, then the key identifiers (the subject's own key
 * as the authority's: it signs itself). */
static bool add_exts(X509 *x)
{
	STACK_OF(X509_EXTENSION) *exts = Kesu_x509_signer_exts();
	bool ok = exts != NULL;
	for (int i = 0; ok && i < sk_X509_EXTENSION_num(exts); i++)
		ok = X509_add_ext(x, sk_X509_EXTENSION_value(exts, i), -1);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	return ok && add_conf_ext(x, &ctx, NID_subject_key_identifier, "hash") &&
	       add_conf_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
}

static X509 *build(EVP_PKEY *key, const X509_NAME *name, unsigned days, time_t now)
{
	X509 *x = X509_new();
	bool ok = x && X509_set_version(x, X509_VERSION_3) && set_serial(x) == 0 &&
		  X509_set_subject_name(x, name) && X509_set_issuer_name(x, name) &&
		  X509_set_pubkey(x, key) && ASN1_TIME_set(X509_getm_notBefore(x), now) &&
		  ASN1_TIME_adj(X509_getm_notAfter(x), now, (int)days, 0) && add_exts(x) &&
		  X509_sign(x, key, EVP_sha256()) > 0;
	if (!ok) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* The certificate, written to cert_path. */
static int sign_and_write(EVP_PKEY *key, const X509_NAME *name, unsigned days, time_t now,
			  bool replace, const char *cert_path, char *err, size_t errsize)
{
	char why[256];
	X509 *x = build(key, name, days, now);
	STACK_OF(X509) *one = sk_X509_new_null();
	if (!x || !one || !sk_X509_push(one, x)) {
		Kesu_x509_ssl_reason(why, sizeof(why));
		snprintf(err, errsize, _("%s: cannot make the certificate: %s"), cert_path, why);
		X509_free(x);
		sk_X509_free(one);
		return -ENOMEM;
	}
	int rc = Kesu_x509_write_certs(cert_path, one, replace, err, errsize);
	sk_X509_pop_free(one, X509_free);
	return rc;
}

int kesu_x509_self_sign(const char *key_path, const char *passphrase,
			const struct kesu_x509_subject *subject, unsigned days, time_t now,
			bool replace, const char *cert_path, char *err, size_t errsize)
{
	char why[KESU_ERRMSG_MAX];
	if (days == 0 || days > DAYS_MAX)
		return snprintf(err, errsize, _("a certificate is valid for 1 to %u days, not %u"),
				DAYS_MAX, days),
		       -EINVAL;
	int rc = replace ? 0 : Kesu_x509_must_not_exist(cert_path, err, errsize);
	if (rc < 0)
		return rc;
	X509_NAME *name = NULL;
	if ((rc = Kesu_x509_subject_name(subject, &name, why, sizeof(why))) < 0)
		return snprintf(err, errsize, "%s: %s", cert_path, why), rc;
	EVP_PKEY *key = NULL;
	rc = Kesu_x509_key_load(key_path, passphrase, &key, err, errsize);
	if (rc == 0)
		rc = sign_and_write(key, name, days, now, replace, cert_path, err, errsize);
	EVP_PKEY_free(key);
	X509_NAME_free(name);
	return rc;
}

/* Installing the CA's answer to a request (kesu/x509.h): only a
 * certificate for this key, valid now, that allows signatures, with its
 * chain in order, may replace the certificate beside the key. */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "signer.h"
#include "x509_internal.h"
#include "../i18n.h"

/* The public key the answer must carry: the key file's; for a protected
 * key opened without its passphrase, the certificate's that kesu made
 * beside it for this key. */
static int expected_key(const char *key_path, const char *passphrase, const char *cert_path,
			EVP_PKEY **pub, char *err, size_t errsize)
{
	char why[KESU_ERRMSG_MAX];
	int rc = Kesu_x509_key_load(key_path, passphrase, pub, err, errsize);
	if (rc != -ENOKEY)
		return rc;
	STACK_OF(X509) *certs = NULL;
	if (Kesu_x509_load_certs(cert_path, &certs, why, sizeof(why)) < 0)
		return snprintf(err, errsize,
				_("%s is protected by a passphrase, and there is no certificate "
				"beside it to compare the answer with (%s)"),
				key_path, why),
		       -ENOKEY;
	*pub = X509_get_pubkey(sk_X509_value(certs, 0));
	sk_X509_pop_free(certs, X509_free);
	return *pub ? 0 : -ENOKEY;
}

/* The certificate for pub goes first; -KESU_EVERIFY when there is none. */
static int key_first(STACK_OF(X509) *certs, const EVP_PKEY *pub)
{
	for (int i = 0; i < sk_X509_num(certs); i++) {
		X509 *x = sk_X509_value(certs, i);
		if (EVP_PKEY_eq(X509_get0_pubkey(x), pub) == 1) {
			sk_X509_delete(certs, i);
			sk_X509_unshift(certs, x);
			ERR_clear_error();
			return 0;
		}
	}
	ERR_clear_error();
	return -KESU_EVERIFY;
}

static int check_dates(X509 *x, time_t now, const char *path, char *err, size_t errsize)
{
	struct kesu_x509_info info;
	bool early = X509_cmp_time(X509_get0_notBefore(x), &now) > 0;
	bool late = X509_cmp_time(X509_get0_notAfter(x), &now) < 0;
	if (!early && !late)
		return 0;
	Kesu_x509_describe(x, &info);
	if (early)
		snprintf(err, errsize, _("%s: the certificate is not valid before %s"), path,
			 info.not_before_utc);
	else
		snprintf(err, errsize, _("%s: the certificate expired on %s"), path,
			 info.not_after_utc);
	return -KESU_EVERIFY;
}

/* Each further certificate issued the one before it. */
static int check_chain(STACK_OF(X509) *certs, const char *path, char *err, size_t errsize)
{
	for (int i = 1; i < sk_X509_num(certs); i++) {
		X509 *issuer = sk_X509_value(certs, i), *subject = sk_X509_value(certs, i - 1);
		bool ok = X509_check_issued(issuer, subject) == X509_V_OK &&
			  X509_verify(subject, X509_get0_pubkey(issuer)) == 1;
		ERR_clear_error();
		if (!ok)
			return snprintf(err, errsize,
					_("%s: certificate %d did not issue certificate %d (the "
					"chain must follow the signer's certificate, issuer "
					"after subject)"),
					path, i + 1, i),
			       -KESU_EVERIFY;
	}
	return 0;
}

static int check_answer(STACK_OF(X509) *certs, const EVP_PKEY *pub, const char *key_path,
			const char *path, time_t now, char *err, size_t errsize)
{
	if (key_first(certs, pub) < 0)
		return snprintf(err, errsize, _("%s: the certificate is for another key (not %s's)"),
				path, key_path),
		       -KESU_EVERIFY;
	X509 *x = sk_X509_value(certs, 0);
	int rc = check_dates(x, now, path, err, errsize);
	if (rc < 0)
		return rc;
	uint32_t ku = X509_get_key_usage(x); /* UINT32_MAX: no keyUsage, any use */
	if (!(ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
		return snprintf(err, errsize,
				_("%s: the certificate's key usage does not allow digital signatures"),
				path),
		       -KESU_EVERIFY;
	return check_chain(certs, path, err, errsize);
}

int kesu_x509_cert_import_unlock(const char *key_path, const char *passphrase,
				 const char *answer_path, const char *cert_path, time_t now,
				 struct kesu_x509_info *info, char *err, size_t errsize)
{
	STACK_OF(X509) *certs = NULL;
	EVP_PKEY *pub = NULL;
	int rc = Kesu_x509_load_certs(answer_path, &certs, err, errsize);
	if (rc == 0)
		rc = expected_key(key_path, passphrase, cert_path, &pub, err, errsize);
	if (rc == 0)
		rc = check_answer(certs, pub, key_path, answer_path, now, err, errsize);
	if (rc == 0)
		rc = Kesu_x509_write_certs(cert_path, certs, true, err, errsize);
	if (rc == 0 && info)
		Kesu_x509_describe(sk_X509_value(certs, 0), info);
	EVP_PKEY_free(pub);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int kesu_x509_cert_import(const char *key_path, const char *answer_path, const char *cert_path,
			  time_t now, struct kesu_x509_info *info, char *err, size_t errsize)
{
	return kesu_x509_cert_import_unlock(key_path, NULL, answer_path, cert_path, now, info,
					    err, errsize);
}

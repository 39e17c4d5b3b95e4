/* A certificate signing request for the organisation's CA (kesu/x509.h):
 * PKCS#10, asking for the same subject and key usage as the self-signed
 * certificate has, so the CA's answer can replace it. */
#include <errno.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "x509_internal.h"
#include "../i18n.h"

static X509_REQ *build(EVP_PKEY *key, const X509_NAME *name)
{
	X509_REQ *req = X509_REQ_new();
	STACK_OF(X509_EXTENSION) *exts = Kesu_x509_signer_exts();
	bool ok = req && exts && X509_REQ_set_version(req, X509_REQ_VERSION_1) &&
		  X509_REQ_set_subject_name(req, name) && X509_REQ_set_pubkey(req, key) &&
		  X509_REQ_add_extensions(req, exts) && X509_REQ_sign(req, key, EVP_sha256()) > 0;
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	if (!ok) {
		X509_REQ_free(req);
		return NULL;
	}
	return req;
}

static int write_req(X509_REQ *req, const char *csr_path, char *err, size_t errsize)
{
	BIO *bio = BIO_new(BIO_s_mem());
	if (!bio || !PEM_write_bio_X509_REQ(bio, req)) {
		BIO_free(bio);
		return snprintf(err, errsize, "%s: %s", csr_path, strerror(ENOMEM)), -ENOMEM;
	}
	/* An older request is replaced: it asked for the same key. */
	int rc = Kesu_x509_write_bio(csr_path, bio, 0644, 0, err, errsize);
	BIO_free(bio);
	return rc;
}

int kesu_x509_csr_write(const char *key_path, const char *passphrase,
			const struct kesu_x509_subject *subject, const char *csr_path, char *err,
			size_t errsize)
{
	char why[KESU_ERRMSG_MAX];
	X509_NAME *name = NULL;
	int rc = Kesu_x509_subject_name(subject, &name, why, sizeof(why));
	if (rc < 0)
		return snprintf(err, errsize, "%s: %s", csr_path, why), rc;
	EVP_PKEY *key = NULL;
	rc = Kesu_x509_key_load(key_path, passphrase, &key, err, errsize);
	X509_REQ *req = rc == 0 ? build(key, name) : NULL;
	if (rc == 0 && !req) {
		Kesu_x509_ssl_reason(why, sizeof(why));
		snprintf(err, errsize, _("%s: cannot make the request: %s"), csr_path, why);
		rc = -ENOMEM;
	}
	if (req)
		rc = write_req(req, csr_path, err, errsize);
	X509_REQ_free(req);
	EVP_PKEY_free(key);
	X509_NAME_free(name);
	return rc;
}

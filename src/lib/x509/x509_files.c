/* Certificate files in and out (x509_internal.h): PEM or DER read through
 * kesu's bounded reader, PEM written through its atomic writer. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/paths.h"
#include "signer.h"
#include "x509_internal.h"
#include "../i18n.h"

void Kesu_x509_ssl_reason(char *buf, size_t size)
{
	unsigned long e = ERR_peek_last_error();
	const char *why = e ? ERR_reason_error_string(e) : NULL;
	snprintf(buf, size, "%s", why ? why : "OpenSSL gave no reason");
	ERR_clear_error();
}

/* Every PEM CERTIFICATE block, in order; nothing else may fail to parse. */
static int parse_pem(BIO *bio, STACK_OF(X509) *certs)
{
	X509 *x;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_push(certs, x)) {
			X509_free(x);
			return -ENOMEM;
		}
	unsigned long e = ERR_peek_last_error();
	bool at_end = ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
	ERR_clear_error();
	return at_end && sk_X509_num(certs) > 0 ? 0 : -KESU_EPARSE;
}

int Kesu_x509_parse_certs(const void *data, size_t len, STACK_OF(X509) **certs)
{
	*certs = sk_X509_new_null();
	if (!*certs || len > INT_MAX)
		return *certs ? -KESU_EPARSE : -ENOMEM;
	int rc;
	if (memmem(data, len, "-----BEGIN", 10)) {
		BIO *bio = BIO_new_mem_buf(data, (int)len);
		rc = bio ? parse_pem(bio, *certs) : -ENOMEM;
		BIO_free(bio);
	} else {
		/* DER: one certificate, and nothing after it. */
		const unsigned char *p = data;
		X509 *x = d2i_X509(NULL, &p, (long)len);
		rc = x && p == (const unsigned char *)data + len ? 0 : -KESU_EPARSE;
		if (rc == 0 && !sk_X509_push(*certs, x))
			rc = -ENOMEM;
		else if (rc < 0)
			X509_free(x);
		ERR_clear_error();
	}
	if (rc < 0) {
		sk_X509_pop_free(*certs, X509_free);
		*certs = NULL;
	}
	return rc;
}

int Kesu_x509_load_certs(const char *path, STACK_OF(X509) **certs, char *err, size_t errsize)
{
	char *data = NULL;
	size_t len = 0;
	*certs = NULL;
	int rc = kesu_file_read_bounded(path, KESU_X509_FILE_MAX, 0, &data, &len, err, errsize);
	if (rc < 0)
		return rc;
	rc = Kesu_x509_parse_certs(data, len, certs);
	free(data);
	if (rc == -KESU_EPARSE)
		snprintf(err, errsize, _("%s: not a certificate file (PEM or DER X.509)"), path);
	else if (rc < 0)
		snprintf(err, errsize, "%s: %s", path, strerror(-rc));
	return rc;
}

int Kesu_x509_write_bio(const char *path, BIO *bio, mode_t mode, unsigned flags, char *err,
			size_t errsize)
{
	char dir[PATH_MAX];
	char *data = NULL;
	long len = BIO_get_mem_data(bio, &data);
	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return snprintf(err, errsize, _("%s: path too long"), path), -ENAMETOOLONG;
	int rc = kesu_mkdirs(dirname(dir), 0700);
	if (rc < 0)
		snprintf(err, errsize, _("%s: cannot create the directory: %s"), dir, strerror(-rc));
	else if (len <= 0)
		rc = -ENOMEM, snprintf(err, errsize, _("%s: nothing to write"), path);
	else
		rc = kesu_file_write_atomic(path, data, (size_t)len, mode, flags, err, errsize);
	if (len > 0)
		OPENSSL_cleanse(data, (size_t)len);
	return rc;
}

int Kesu_x509_write_certs(const char *path, STACK_OF(X509) *certs, bool replace, char *err,
			  size_t errsize)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int rc = bio ? 0 : -ENOMEM;
	for (int i = 0; rc == 0 && i < sk_X509_num(certs); i++)
		if (!PEM_write_bio_X509(bio, sk_X509_value(certs, i)))
			rc = -ENOMEM;
	if (rc == 0)
		rc = Kesu_x509_write_bio(path, bio, 0644, replace ? 0 : KESU_FILE_NO_REPLACE, err,
					 errsize);
	else
		snprintf(err, errsize, "%s: %s", path, strerror(ENOMEM));
	BIO_free(bio);
	return rc;
}

int Kesu_x509_must_not_exist(const char *path, char *err, size_t errsize)
{
	struct stat st;
	if (lstat(path, &st) == 0)
		return snprintf(err, errsize, _("%s already exists"), path), -EEXIST;
	return 0;
}

int Kesu_x509_pem_one(const void *data, size_t len, char *pem, size_t pemsize, char sha256[65],
		      int *count)
{
	STACK_OF(X509) *certs = NULL;
	int rc = Kesu_x509_parse_certs(data, len, &certs);
	if (rc < 0)
		return rc;
	X509 *x = sk_X509_value(certs, 0);
	struct kesu_x509_info info;
	Kesu_x509_describe(x, &info);
	memcpy(sha256, info.sha256, 65);
	*count = sk_X509_num(certs);
	BIO *bio = BIO_new(BIO_s_mem());
	char *out = NULL;
	long n = bio && PEM_write_bio_X509(bio, x) ? BIO_get_mem_data(bio, &out) : -1;
	if (n < 0)
		rc = -ENOMEM;
	else if ((size_t)n >= pemsize)
		rc = -ENOSPC;
	else
		memcpy(pem, out, (size_t)n), pem[n] = '\0';
	BIO_free(bio);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

bool kesu_x509_file_is_certificate(const char *path)
{
	STACK_OF(X509) *certs = NULL;
	char err[KESU_ERRMSG_MAX];
	bool is = Kesu_x509_load_certs(path, &certs, err, sizeof(err)) == 0;
	sk_X509_pop_free(certs, X509_free);
	return is;
}

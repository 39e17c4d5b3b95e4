/* What the X.509 files share (kesu/x509.h): reading and writing key and
 * certificate files through kesu's one reader and writer, subject names,
 * extensions, and OpenSSL's error queue as one line. Not for the PAdES
 * code, which sees signer.h only. */
#ifndef KESU_X509_INTERNAL_H
#define KESU_X509_INTERNAL_H
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>

#include "kesu/x509.h"

/* A key, certificate, CSR or PKCS#12 file is a few kilobytes; a CA's
 * bundle a few dozen. More is not one of these files. */
#define KESU_X509_FILE_MAX ((size_t)1 << 20)

/* OpenSSL's reason for the last failure (its error queue), then the queue
 * is cleared, so a later failure does not report an old reason. */
void Kesu_x509_ssl_reason(char *buf, size_t size);

/* ---- files (x509_files.c) ---- */

/* Every certificate in PEM text (each CERTIFICATE block, in order) or the
 * one certificate of a DER file. 0, -ENOMEM, or -KESU_EPARSE when data
 * holds no certificate or a block that is not one. */
int Kesu_x509_parse_certs(const void *data, size_t len, STACK_OF(X509) **certs);
/* The same from a file: "PATH: holds no certificate". */
int Kesu_x509_load_certs(const char *path, STACK_OF(X509) **certs, char *err, size_t errsize);
/* The certificates as PEM, written to path (0644): replace false refuses
 * an existing file (-EEXIST). */
int Kesu_x509_write_certs(const char *path, STACK_OF(X509) *certs, bool replace, char *err,
			  size_t errsize);
/* The first certificate in data (PEM or DER) as kesu writes PEM (one
 * CERTIFICATE block, 64-column base64), into pem (NUL-terminated), with
 * its SHA-256 (hex) and how many certificates data held. -KESU_EPARSE when
 * none, -ENOSPC when pem is too small. */
int Kesu_x509_pem_one(const void *data, size_t len, char *pem, size_t pemsize, char sha256[65],
		      int *count);
/* The contents of a memory BIO written to path (mode, flags as
 * kesu_file_write_atomic), the parent directory made 0700 when missing;
 * the BIO's bytes are wiped (they may be a key). */
int Kesu_x509_write_bio(const char *path, BIO *bio, mode_t mode, unsigned flags, char *err,
			size_t errsize);
/* Whether path names an existing file (-EEXIST with err) when it must not. */
int Kesu_x509_must_not_exist(const char *path, char *err, size_t errsize);

/* ---- keys (x509_key.c) ---- */

/* The private key in a PEM key file (PKCS#8, encrypted or not, or
 * OpenSSL's traditional forms). The file must be the owner's only
 * (-EACCES). -ENOKEY: encrypted and no passphrase; -EKEYREJECTED: wrong
 * passphrase; -KESU_EPARSE: not a private key. */
int Kesu_x509_key_load(const char *path, const char *passphrase, EVP_PKEY **pkey, char *err,
		       size_t errsize);
/* "ecdsa-p256", "rsa3072", else "ec-NAME" / "rsaBITS" / OpenSSL's name. */
void Kesu_x509_key_alg(const EVP_PKEY *pkey, char *buf, size_t size);

/* ---- names and extensions (x509_name.c) ---- */

/* The subject as an X509_NAME (UTF8String attributes: CN, title, OU, O).
 * -KESU_EPARSE with err for text that is not valid UTF-8, has control
 * characters, is too long for its attribute, or an empty common name. */
int Kesu_x509_subject_name(const struct kesu_x509_subject *subject, X509_NAME **name,
			   char *err, size_t errsize);
/* A name as one line, RFC 2253 order, UTF-8 kept, control characters
 * escaped. */
void Kesu_x509_name_line(const X509_NAME *name, char *buf, size_t size);
/* keyUsage digitalSignature + nonRepudiation (critical), basicConstraints
 * CA:FALSE (critical): what a signer's certificate and its request say. */
STACK_OF(X509_EXTENSION) *Kesu_x509_signer_exts(void);
#endif

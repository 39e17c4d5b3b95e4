/* X.509 signing keys (kesu/x509.h): made with OpenSSL, kept as PKCS#8 PEM,
 * encrypted with AES-256-CBC under a scrypt-derived key when they have a
 * passphrase (OpenSSL, GnuTLS and NSS all read that form). */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/fileio.h"
#include "x509_internal.h"
#include "../i18n.h"

/* scrypt at 2^14 x 8 x 1: 16 MiB and a few tenths of a second, as
 * `openssl pkcs8 -scrypt` does; within OpenSSL's default memory limit, so
 * every OpenSSL reads the key back. */
#define SCRYPT_N 16384
#define SCRYPT_R 8
#define SCRYPT_P 1
#define KEY_FILE_MAX 65536

static EVP_PKEY *new_key(enum kesu_x509_alg alg)
{
	if (alg == KESU_X509_RSA3072)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
	return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/* PKCS#8 PEM into bio: encrypted when pass is given. */
static int encode_key(EVP_PKEY *pkey, const char *pass, BIO *bio)
{
	PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(pkey);
	int ok = 0;
	if (p8 && (!pass || !*pass)) {
		ok = PEM_write_bio_PKCS8_PRIV_KEY_INFO(bio, p8);
	} else if (p8) {
		X509_ALGOR *pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, 0, NULL, SCRYPT_N,
							SCRYPT_R, SCRYPT_P);
		X509_SIG *enc = pbe ? PKCS8_set0_pbe(pass, (int)strlen(pass), p8, pbe) : NULL;
		if (!enc)
			X509_ALGOR_free(pbe); /* set0 took it only on success */
		ok = enc && PEM_write_bio_PKCS8(bio, enc);
		X509_SIG_free(enc);
	}
	PKCS8_PRIV_KEY_INFO_free(p8); /* wipes the key's encoding */
	return ok ? 0 : -ENOMEM;
}

int kesu_x509_key_generate(const char *path, enum kesu_x509_alg alg, const char *passphrase,
			   char *err, size_t errsize)
{
	char why[256];
	int rc = Kesu_x509_must_not_exist(path, err, errsize);
	if (rc < 0)
		return rc;
	EVP_PKEY *pkey = new_key(alg);
	BIO *bio = BIO_new(BIO_s_secmem());
	rc = pkey && bio ? encode_key(pkey, passphrase, bio) : -ENOMEM;
	if (rc == 0)
		rc = Kesu_x509_write_bio(path, bio, 0600, KESU_FILE_NO_REPLACE, err, errsize);
	else {
		Kesu_x509_ssl_reason(why, sizeof(why));
		snprintf(err, errsize, _("%s: cannot make the key: %s"), path, why);
	}
	BIO_free(bio);
	EVP_PKEY_free(pkey);
	return rc;
}

/* OpenSSL asks for the passphrase through this; never at a terminal. */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	(void)rwflag;
	const char *pass = u;
	size_t n = pass ? strlen(pass) : 0;
	if (n == 0 || n > (size_t)size)
		return -1;
	memcpy(buf, pass, n);
	return (int)n;
}

static bool text_encrypted(const char *text, size_t len)
{
	return memmem(text, len, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37) ||
	       memmem(text, len, "Proc-Type: 4,ENCRYPTED", 22);
}

int Kesu_x509_key_load(const char *path, const char *passphrase, EVP_PKEY **pkey, char *err,
		       size_t errsize)
{
	char *text = NULL;
	size_t len = 0;
	*pkey = NULL;
	int rc = kesu_file_read_bounded(path, KEY_FILE_MAX, KESU_FILE_OWNER_ONLY, &text, &len, err,
					errsize);
	if (rc < 0)
		return rc;
	bool encrypted = text_encrypted(text, len);
	if (encrypted && (!passphrase || !*passphrase)) {
		rc = -ENOKEY;
		snprintf(err, errsize, _("%s is protected by a passphrase"), path);
	} else {
		BIO *bio = BIO_new_mem_buf(text, (int)len);
		if (bio)
			*pkey = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, (void *)passphrase);
		BIO_free(bio);
		if (!*pkey && encrypted)
			rc = -EKEYREJECTED, snprintf(err, errsize, _("wrong passphrase for %s"), path);
		else if (!*pkey)
			rc = -KESU_EPARSE,
			snprintf(err, errsize, _("%s: not a private key (PEM)"), path);
	}
	ERR_clear_error();
	OPENSSL_cleanse(text, len);
	free(text);
	return rc;
}

bool kesu_x509_key_is_protected(const char *path)
{
	char *text = NULL, err[64];
	size_t len = 0;
	if (kesu_file_read_bounded(path, KEY_FILE_MAX, 0, &text, &len, err, sizeof(err)) < 0)
		return false;
	bool encrypted = text_encrypted(text, len);
	OPENSSL_cleanse(text, len);
	free(text);
	return encrypted;
}

void Kesu_x509_key_alg(const EVP_PKEY *pkey, char *buf, size_t size)
{
	char group[64];
	if (EVP_PKEY_is_a(pkey, "EC") &&
	    EVP_PKEY_get_group_name(pkey, group, sizeof(group), NULL)) {
		bool p256 = !strcmp(group, "prime256v1") || !strcmp(group, "P-256");
		snprintf(buf, size, p256 ? "ecdsa-p256" : "ec-%s", group);
	} else if (EVP_PKEY_is_a(pkey, "RSA")) {
		snprintf(buf, size, "rsa%d", EVP_PKEY_get_bits(pkey));
	} else {
		const char *name = EVP_PKEY_get0_type_name(pkey);
		snprintf(buf, size, "%s", name ? name : "unknown");
	}
}

/* X.509 signing identities for the PDF signatures (PAdES) inside
 * certificates (issue 15, docs/certificate.md, docs/keys.md).
 *
 * The Ed25519 key (kesu/key.h) keeps signing the ledger and the embedded
 * payload. Next to it each signer (the station, a witness, a validator, an
 * approver) has an X.509 identity, because PDF readers (Acrobat, pdfsig)
 * validate ECDSA P-256 and RSA signatures and not Ed25519:
 *   - a key file BASE.x509.key (PKCS#8 PEM, mode 0600, encrypted with the
 *     Ed25519 key's passphrase when it has one) and a certificate file
 *     BASE.crt (PEM: the signer's certificate, then any CA certificates),
 *     where BASE is the Ed25519 key's path without ".key";
 *   - or a PKCS#12 file (key, certificate and chain);
 *   - or a PKCS#11 token (smart card, HSM) named by a PKCS#11 URI (RFC 7512).
 *
 * Functions that take err/errsize put a one-line English reason there on
 * failure, naming the file; they never print. Passphrases and PINs are
 * never copied into messages and are wiped by the caller. */
#ifndef KESU_X509_H
#define KESU_X509_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum kesu_x509_alg {
	KESU_X509_ECDSA_P256 = 0, /* the default: Acrobat and pdfsig validate it */
	KESU_X509_RSA3072,
};
/* "ecdsa-p256", "rsa3072"; 0 and *alg set, or -KESU_EPARSE. */
int kesu_x509_alg_parse(const char *text, enum kesu_x509_alg *alg);

/* BASE.x509.key and BASE.crt for the Ed25519 key file key_path ("BASE.key",
 * or any other name: then BASE is the whole path). -ENAMETOOLONG. */
int kesu_x509_paths(const char *key_path, char *x509_key, size_t key_size, char *cert,
		    size_t cert_size);

#define KESU_X509_NAME_MAX 128 /* bytes of a subject attribute, UTF-8 */

/* Who a certificate names. Empty strings are left out of the subject. */
struct kesu_x509_subject {
	char common_name[KESU_X509_NAME_MAX + 1];  /* the person's or station's name */
	char organisation[KESU_X509_NAME_MAX + 1]; /* O */
	char unit[KESU_X509_NAME_MAX + 1];         /* OU: department */
	char title[KESU_X509_NAME_MAX + 1];        /* title: the role, "witness" ... */
};

/* Whether subject can go into a certificate: a common name, each
 * attribute valid UTF-8 without control characters, within X.520's 64
 * characters. 0, or -KESU_EPARSE with why ("the organisation is longer
 * than 64 characters"). */
int kesu_x509_subject_check(const struct kesu_x509_subject *subject, char *why, size_t whysize);

/* What a certificate says, for people and for the ledger. */
struct kesu_x509_info {
	char subject[512];     /* one line, RFC 2253 order, UTF-8 */
	char common_name[KESU_X509_NAME_MAX + 1];
	char issuer[512];
	char serial[80];       /* hex */
	char sha256[65];       /* of the DER certificate, hex */
	char not_before_utc[32], not_after_utc[32]; /* 2026-12-06T07:00:00Z */
	char algorithm[32];    /* "ecdsa-p256", "rsa3072", or OpenSSL's name */
	bool self_signed;
};

/* A new key pair in path (PKCS#8 PEM, O_EXCL, mode 0600, fsync'ed; a
 * missing directory is made 0700). passphrase NULL or "" leaves it
 * unencrypted; otherwise AES-256-CBC under scrypt. -EEXIST names path. */
int kesu_x509_key_generate(const char *path, enum kesu_x509_alg alg, const char *passphrase,
			   char *err, size_t errsize);
/* True when the key file at path is encrypted (needs a passphrase); false
 * otherwise, also when it cannot be read. */
bool kesu_x509_key_is_protected(const char *path);

/* A self-signed certificate for the key in key_path, valid from now for
 * days, with keyUsage digitalSignature + nonRepudiation (critical),
 * basicConstraints CA:FALSE, subject key identifier; written to cert_path
 * (PEM, 0644, atomically; an existing file is -EEXIST unless replace).
 * Subject attributes must be valid UTF-8 (-KESU_EPARSE). -EKEYREJECTED for
 * a wrong passphrase, -ENOKEY when one is needed and none given. */
int kesu_x509_self_sign(const char *key_path, const char *passphrase,
			const struct kesu_x509_subject *subject, unsigned days, time_t now,
			bool replace, const char *cert_path, char *err, size_t errsize);

/* A certificate signing request (PKCS#10 PEM, 0644) for the organisation's
 * CA, with the same subject and key usage. */
int kesu_x509_csr_write(const char *key_path, const char *passphrase,
			const struct kesu_x509_subject *subject, const char *csr_path, char *err,
			size_t errsize);

/* Installs the CA's answer (PEM or DER; the signer's certificate, then any
 * chain) as cert_path, after checking that its public key is the key's in
 * key_path (-KESU_EVERIFY: "the certificate is for another key"), that it
 * is valid at now (-KESU_EVERIFY with the dates), and that it allows
 * digital signatures. Replaces cert_path atomically (the self-signed one).
 * info receives the installed certificate's facts (NULL: not wanted). */
int kesu_x509_cert_import(const char *key_path, const char *answer_path, const char *cert_path,
			  time_t now, struct kesu_x509_info *info, char *err, size_t errsize);
/* The key's public key is the key file's when it opens without a
 * passphrase; for a protected key, kesu_x509_cert_import compares with the
 * certificate now at cert_path (the one kesu made for the key), and gives
 * -ENOKEY when there is none. This variant opens the key with passphrase
 * instead, which proves the answer is for the key itself. */
int kesu_x509_cert_import_unlock(const char *key_path, const char *passphrase,
				 const char *answer_path, const char *cert_path, time_t now,
				 struct kesu_x509_info *info, char *err, size_t errsize);

/* True when path holds an X.509 certificate (PEM or DER), as opposed to a
 * signify public key or anything else (kesu trust add tells them apart). */
bool kesu_x509_file_is_certificate(const char *path);

/* The facts of the first certificate in a PEM or DER file. */
int kesu_x509_cert_describe(const char *cert_path, struct kesu_x509_info *info, char *err,
			    size_t errsize);
/* The same for PEM or DER in memory (a trust store's entry): 0, or
 * -KESU_EPARSE when it holds no certificate, -ENOMEM. */
int kesu_x509_cert_describe_mem(const void *data, size_t len, struct kesu_x509_info *info);

/* A signing identity, whatever holds the key. Opaque; close with
 * kesu_signer_close (wipes and frees; NULL is fine). */
struct kesu_signer;

/* From a key file and its certificate file (kesu key generate, key x509,
 * key import-cert). -ENOENT names the missing file; -KESU_EVERIFY when the
 * certificate is not the key's. */
int kesu_signer_open_files(const char *x509_key_path, const char *cert_path,
			   const char *passphrase, struct kesu_signer **signer, char *err,
			   size_t errsize);
/* From a PKCS#12 file: its key, the certificate that matches the key, the
 * other certificates as the chain. -EKEYREJECTED for a wrong passphrase. */
int kesu_signer_open_pkcs12(const char *path, const char *passphrase,
			    struct kesu_signer **signer, char *err, size_t errsize);
/* From a PKCS#11 token: uri names the token and the private key
 * ("pkcs11:token=kesu;object=station;type=private"); the module is the
 * URI's module-path attribute, else $KESU_PKCS11_MODULE, else p11-kit's
 * proxy. The certificate is the token's certificate object with the key's
 * CKA_ID, else cert_path (NULL: none there is -ENOENT). pin may be NULL
 * for a token that needs none (or pin-value in the URI). The key never
 * leaves the token: signing is C_Sign (CKM_ECDSA on the SHA-256 digest, or
 * CKM_SHA256_RSA_PKCS). */
int kesu_signer_open_pkcs11(const char *uri, const char *pin, const char *cert_path,
			    struct kesu_signer **signer, char *err, size_t errsize);
void kesu_signer_close(struct kesu_signer *signer);
/* The signer's certificate's facts. */
void kesu_signer_describe(const struct kesu_signer *signer, struct kesu_x509_info *info);

/* Trust anchors for checking PDF signatures: certificates (an
 * organisation's CA, a station's or a person's self-signed certificate)
 * that a signer's chain must end in. Each carries the name and role it was
 * trusted under (the trust store's entry, or the file it came from). */
struct kesu_x509_anchors;
struct kesu_x509_anchors *kesu_x509_anchors_new(void); /* NULL: out of memory */
void kesu_x509_anchors_free(struct kesu_x509_anchors *anchors);
/* Every certificate in a PEM file (or the one in a DER file). role NULL:
 * any role (an organisation's CA vouches for every signer it issued to);
 * name NULL: the certificate's common name. -KESU_EPARSE when the file
 * holds no certificate. */
int kesu_x509_anchors_add_file(struct kesu_x509_anchors *anchors, const char *path,
			       const char *role, const char *name, char *err, size_t errsize);
/* The same from PEM text in memory (the trust store keeps certificates). */
int kesu_x509_anchors_add_pem(struct kesu_x509_anchors *anchors, const char *pem, size_t len,
			      const char *role, const char *name, char *err, size_t errsize);
size_t kesu_x509_anchors_count(const struct kesu_x509_anchors *anchors);
/* The anchors' store lets a chain end at any anchor, also one that is not
 * a self-signed root (X509_V_FLAG_PARTIAL_CHAIN): an organisation's
 * issuing CA, or a station's own certificate, is trusted where it is. */
#endif

/* What the PAdES code needs of a signing identity and of trust anchors
 * (kesu/x509.h): the OpenSSL objects, borrowed, and one signing call that
 * works the same for a key file, a PKCS#12 file and a PKCS#11 token. */
#ifndef KESU_X509_SIGNER_H
#define KESU_X509_SIGNER_H
#include <openssl/x509.h>
#include <stddef.h>
#include <time.h>

#include "kesu/x509.h"

/* The signer's certificate and the further certificates to embed (its
 * chain, without the root when the root is the anchor; may be empty).
 * Borrowed: valid until kesu_signer_close. */
X509 *Kesu_signer_cert(const struct kesu_signer *signer);
STACK_OF(X509) *Kesu_signer_chain(const struct kesu_signer *signer);

/* Signs SHA-256(data): an ECDSA signature DER-encoded (ECDSA-Sig-Value)
 * or an RSA PKCS#1 v1.5 signature, malloc'd into *sig. 0, or -EIO /
 * -KESU_EVERIFY with err (a token that refuses, a key that fails). */
int Kesu_signer_sign(struct kesu_signer *signer, const unsigned char *data, size_t len,
		     unsigned char **sig, size_t *sig_len, char *err, size_t errsize);

/* The store of anchor certificates (borrowed). */
X509_STORE *Kesu_anchors_store(const struct kesu_x509_anchors *anchors);
/* The role and name an anchor certificate was added under; 0 when cert is
 * one of the anchors (role "" = any role), -KESU_ENOTFOUND otherwise. */
int Kesu_anchors_lookup(const struct kesu_x509_anchors *anchors, X509 *cert, const char **role,
			const char **name);

/* The facts of any certificate (as kesu_x509_cert_describe). */
void Kesu_x509_describe(X509 *cert, struct kesu_x509_info *info);
#endif

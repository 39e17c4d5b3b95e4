/* A signing identity inside (kesu/x509.h, signer.h): the certificate and
 * chain every kind of signer has, and how this kind signs and closes.
 * signer.c holds what is common; signer_file.c, signer_pkcs12.c and
 * signer_pkcs11.c each open one kind. */
#ifndef KESU_SIGNER_INTERNAL_H
#define KESU_SIGNER_INTERNAL_H
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stddef.h>

#include "kesu/x509.h"

struct kesu_signer {
	X509 *cert;
	STACK_OF(X509) *chain; /* never NULL: empty when there is none */
	EVP_PKEY *pkey;        /* a key file's or PKCS#12 file's key; NULL for a token */
	void *token;           /* a PKCS#11 token's session (signer_pkcs11.c) */
	/* Signs SHA-256(data) with what holds the key (pkey: signer.c). */
	int (*sign)(struct kesu_signer *s, const unsigned char *data, size_t len,
		    unsigned char **sig, size_t *sig_len, char *err, size_t errsize);
	void (*close_token)(void *token);
};

/* A signer holding cert, chain (NULL: none) and pkey, all taken over (freed
 * with it, also on failure). Checks that cert is pkey's (-KESU_EVERIFY
 * "WHAT: the certificate is for another key"). */
int Kesu_signer_from_key(X509 *cert, STACK_OF(X509) *chain, EVP_PKEY *pkey, const char *what,
			 struct kesu_signer **signer, char *err, size_t errsize);
#endif

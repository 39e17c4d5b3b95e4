/* The names of things (kesu/x509.h): signature algorithms and where a
 * key's X.509 files live beside it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/x509.h"

int kesu_x509_alg_parse(const char *text, enum kesu_x509_alg *alg)
{
	if (text && !strcmp(text, "ecdsa-p256"))
		*alg = KESU_X509_ECDSA_P256;
	else if (text && !strcmp(text, "rsa3072"))
		*alg = KESU_X509_RSA3072;
	else
		return -KESU_EPARSE;
	return 0;
}

int kesu_x509_paths(const char *key_path, char *x509_key, size_t key_size, char *cert,
		    size_t cert_size)
{
	size_t n = strlen(key_path);
	/* BASE: the Ed25519 key's path without ".key" (the whole path when it
	 * has another name), as its .pub file is found. */
	int base = n > 4 && !strcmp(key_path + n - 4, ".key") ? (int)(n - 4) : (int)n;
	if ((size_t)snprintf(x509_key, key_size, "%.*s.x509.key", base, key_path) >= key_size ||
	    (size_t)snprintf(cert, cert_size, "%.*s.crt", base, key_path) >= cert_size)
		return -ENAMETOOLONG;
	return 0;
}

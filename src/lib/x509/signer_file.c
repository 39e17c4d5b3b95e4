/* A signer from kesu's own files (kesu/x509.h): BASE.x509.key and BASE.crt,
 * made by kesu key generate, key x509 or key import-cert. */
#include <openssl/x509.h>

#include "signer_internal.h"
#include "x509_internal.h"

int kesu_signer_open_files(const char *x509_key_path, const char *cert_path,
			   const char *passphrase, struct kesu_signer **signer, char *err,
			   size_t errsize)
{
	STACK_OF(X509) *certs = NULL;
	EVP_PKEY *pkey = NULL;
	*signer = NULL;
	/* The certificate first: a missing one is named before anyone is
	 * asked for a passphrase. */
	int rc = Kesu_x509_load_certs(cert_path, &certs, err, errsize);
	if (rc == 0)
		rc = Kesu_x509_key_load(x509_key_path, passphrase, &pkey, err, errsize);
	if (rc < 0) {
		sk_X509_pop_free(certs, X509_free);
		return rc;
	}
	X509 *cert = sk_X509_shift(certs); /* the signer's; the rest is its chain */
	return Kesu_signer_from_key(cert, certs, pkey, cert_path, signer, err, errsize);
}

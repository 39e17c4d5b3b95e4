/* A signer whose key is on a PKCS#11 token: an organisation's smart card
 * or HSM (kesu/x509.h). Signing is C_Sign: CKM_ECDSA over the SHA-256
 * digest (the token's raw r||s made into a DER ECDSA-Sig-Value), or
 * CKM_SHA256_RSA_PKCS. Every signature is checked against the
 * certificate's public key before it is handed out, so a certificate for
 * another key can never end up in a document. The URI is never repeated
 * in a message: it may carry pin-value. */
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "p11_internal.h"
#include "signer.h"
#include "signer_internal.h"
#include "x509_internal.h"
#include "../i18n.h"

#define PIN_MAX 256
#define RAW_SIG_MAX 1024 /* RSA 8192 bits; EC P-521's r||s is 132 bytes */

/* r||s, as PKCS#11 returns an ECDSA signature, to DER (malloc'd). */
static int ecdsa_der(const unsigned char *raw, size_t n, unsigned char **der, size_t *der_len)
{
	if (n == 0 || n % 2)
		return -EIO;
	ECDSA_SIG *es = ECDSA_SIG_new();
	int half = (int)(n / 2);
	BIGNUM *r = BN_bin2bn(raw, half, NULL), *s = BN_bin2bn(raw + half, half, NULL);
	if (!es || !r || !s || !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return -ENOMEM;
	}
	unsigned char *out = NULL;
	int len = i2d_ECDSA_SIG(es, &out);
	ECDSA_SIG_free(es);
	*der = len > 0 ? malloc((size_t)len) : NULL;
	if (*der) {
		memcpy(*der, out, (size_t)len);
		*der_len = (size_t)len;
	}
	OPENSSL_free(out);
	return *der ? 0 : -ENOMEM;
}

static int token_sign(struct kesu_p11 *p, const unsigned char *data, size_t len,
		      unsigned char *out, CK_ULONG *out_len, char *err, size_t errsize)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int dlen = 0;
	CK_MECHANISM mech = {p->key_type == CKK_EC ? CKM_ECDSA : CKM_SHA256_RSA_PKCS, NULL, 0};
	const unsigned char *in = data;
	CK_ULONG in_len = len;
	if (p->key_type == CKK_EC) {
		if (!EVP_Digest(data, len, digest, &dlen, EVP_sha256(), NULL))
			return snprintf(err, errsize, _("SHA-256 failed")), -EIO;
		in = digest;
		in_len = dlen;
	}
	CK_RV rv = p->f->C_SignInit(p->session, &mech, p->key);
	if (rv == CKR_OK && p->always_auth)
		rv = p->f->C_Login(p->session, CKU_CONTEXT_SPECIFIC, (unsigned char *)p->pin,
				   p->pin ? strlen(p->pin) : 0);
	if (rv == CKR_OK)
		rv = p->f->C_Sign(p->session, (unsigned char *)in, in_len, out, out_len);
	if (rv != CKR_OK)
		return snprintf(err, errsize, _("PKCS#11 token \"%s\" did not sign: %s"), p->label,
				p11_kit_strerror(rv)),
		       -EIO;
	return 0;
}

static bool verifies(X509 *cert, const unsigned char *data, size_t len, const unsigned char *sig,
		     size_t sig_len)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	bool ok = md &&
		  EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL, X509_get0_pubkey(cert),
					  NULL) == 1 &&
		  EVP_DigestVerify(md, sig, sig_len, data, len) == 1;
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	return ok;
}

static int p11_sign(struct kesu_signer *s, const unsigned char *data, size_t len,
		    unsigned char **sig, size_t *sig_len, char *err, size_t errsize)
{
	struct kesu_p11 *p = s->token;
	unsigned char raw[RAW_SIG_MAX];
	CK_ULONG n = sizeof(raw);
	int rc = token_sign(p, data, len, raw, &n, err, errsize);
	if (rc < 0)
		return rc;
	if (p->key_type == CKK_EC)
		rc = ecdsa_der(raw, n, sig, sig_len);
	else if ((*sig = malloc(n)) != NULL)
		memcpy(*sig, raw, n), *sig_len = n;
	else
		rc = -ENOMEM;
	if (rc < 0)
		return snprintf(err, errsize, _("PKCS#11 token \"%s\": %s"), p->label,
				rc == -EIO ? "its ECDSA signature is malformed" : strerror(ENOMEM)),
		       rc;
	if (!verifies(s->cert, data, len, *sig, *sig_len)) {
		free(*sig);
		*sig = NULL;
		rc = -KESU_EVERIFY;
		snprintf(err, errsize,
			 _("PKCS#11 token \"%s\": its key's signature does not verify with the "
			 "certificate (the certificate is for another key)"),
			 p->label);
	}
	return rc;
}

static void close_token(void *token)
{
	Kesu_p11_close(token);
}

/* The certificate: the token's, else cert_path's (with its chain). */
static int find_cert(struct kesu_p11 *p, const char *cert_path, X509 **cert,
		     STACK_OF(X509) **chain, char *err, size_t errsize)
{
	int rc = Kesu_p11_find_cert(p, cert, err, errsize);
	if (rc == 0)
		*chain = sk_X509_new_null();
	if (rc != -KESU_ENOTFOUND)
		return rc == 0 && !*chain ? -ENOMEM : rc;
	if (!cert_path)
		return snprintf(err, errsize,
				_("PKCS#11 token \"%s\" holds no certificate for the key (with its "
				"CKA_ID), and no certificate file was given"),
				p->label),
		       -ENOENT;
	rc = Kesu_x509_load_certs(cert_path, chain, err, errsize);
	if (rc == 0)
		*cert = sk_X509_shift(*chain);
	return rc;
}

/* The signer around an open token; a first signature proves that the key
 * works and is the certificate's. */
static int make_signer(struct kesu_p11 *p, const char *cert_path, struct kesu_signer **signer,
		       char *err, size_t errsize)
{
	X509 *cert = NULL;
	STACK_OF(X509) *chain = NULL;
	int rc = find_cert(p, cert_path, &cert, &chain, err, errsize);
	struct kesu_signer *s = rc == 0 ? calloc(1, sizeof(*s)) : NULL;
	if (!s) {
		X509_free(cert);
		sk_X509_pop_free(chain, X509_free);
		Kesu_p11_close(p);
		return rc < 0 ? rc : (snprintf(err, errsize, "%s", strerror(ENOMEM)), -ENOMEM);
	}
	*s = (struct kesu_signer){.cert = cert, .chain = chain, .token = p, .sign = p11_sign,
				  .close_token = close_token};
	static const unsigned char probe[] = "kesu: does the token's key match its certificate?";
	unsigned char *sig = NULL;
	size_t sig_len = 0;
	rc = Kesu_signer_sign(s, probe, sizeof(probe), &sig, &sig_len, err, errsize);
	free(sig);
	if (rc < 0)
		kesu_signer_close(s);
	else
		*signer = s;
	return rc;
}

static int open_parsed(P11KitUri *u, const char *pin, const char *cert_path,
		       struct kesu_signer **signer, char *err, size_t errsize)
{
	struct kesu_p11 *p = NULL;
	char *buf = sodium_init() >= 0 ? sodium_malloc(PIN_MAX) : NULL;
	if (!buf)
		return snprintf(err, errsize, "%s", strerror(ENOMEM)), -ENOMEM;
	int rc = Kesu_p11_pin(u, pin, buf, PIN_MAX, err, errsize);
	if (rc == 0)
		rc = Kesu_p11_open(u, buf, &p, err, errsize);
	if (rc == 0)
		rc = Kesu_p11_find_key(p, u, err, errsize);
	if (rc == 0 && p->always_auth) {
		p->pin = buf; /* asked again before every signature */
		buf = NULL;
	}
	if (buf)
		sodium_free(buf);
	if (rc < 0) {
		Kesu_p11_close(p);
		return rc;
	}
	return make_signer(p, cert_path, signer, err, errsize);
}

int kesu_signer_open_pkcs11(const char *uri, const char *pin, const char *cert_path,
			    struct kesu_signer **signer, char *err, size_t errsize)
{
	*signer = NULL;
	if (err && errsize)
		err[0] = '\0';
	P11KitUri *u = p11_kit_uri_new();
	int prc = u ? p11_kit_uri_parse(uri, P11_KIT_URI_FOR_ANY, u) : P11_KIT_URI_NO_MEMORY;
	int rc = 0;
	if (prc != P11_KIT_URI_OK) {
		rc = prc == P11_KIT_URI_NO_MEMORY ? -ENOMEM : -KESU_EPARSE;
		snprintf(err, errsize, _("not a PKCS#11 URI (RFC 7512): %s"),
			 p11_kit_uri_message(prc));
	} else {
		rc = open_parsed(u, pin, cert_path, signer, err, errsize);
	}
	p11_kit_uri_free(u);
	return rc;
}

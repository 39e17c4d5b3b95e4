/* The CMS SignedData of a PAdES B-B signature (and B-T with a timestamp).
 *
 * OpenSSL's own signing path (CMS_SignerInfo_sign) always adds a
 * signing-time attribute, which PAdES forbids (the time is the signature
 * dictionary's /M), and it needs a private-key object, which a PKCS#11
 * token does not give. So the SignerInfo is made by CMS_add1_signer with
 * the certificate's PUBLIC key (it only compares the key with the
 * certificate, sets the digest and signature algorithms and, with
 * CMS_CADES, adds signing-certificate-v2), the other two attributes are
 * added here, and the signed attributes are DER-encoded and signed through
 * Kesu_signer_sign, which works the same for files and tokens. */
#include <errno.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cms.h"
#include "errmsg.h"
#include "kesu/error.h"
#include "signer.h"

/* OpenSSL's reason for the last failure, for messages ("" when none). */
static const char *ssl_reason(void)
{
	const char *r = ERR_reason_error_string(ERR_peek_last_error());
	return r ? r : "unknown reason";
}

struct der_item {
	unsigned char *der;
	int len;
};

/* DER orders a SET OF by its elements' encodings, compared as octet
 * strings (X.690 11.6); a shorter one that is a prefix sorts first. */
static int der_cmp(const void *a, const void *b)
{
	const struct der_item *x = a, *y = b;
	int n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->der, y->der, (size_t)n);
	return c ? c : x->len - y->len;
}

/* Writes a DER length; returns its size (buf NULL: only counts). */
static size_t der_length(unsigned char *buf, size_t len)
{
	size_t n = 0;
	if (len < 0x80) {
		if (buf)
			buf[0] = (unsigned char)len;
		return 1;
	}
	for (size_t v = len; v; v >>= 8)
		n++;
	if (buf) {
		buf[0] = (unsigned char)(0x80 | n);
		for (size_t i = 0; i < n; i++)
			buf[1 + i] = (unsigned char)(len >> (8 * (n - 1 - i)));
	}
	return 1 + n;
}

/* Joins sorted items as SET OF (tag 0x31): what the signature covers
 * (RFC 5652 5.4: the signed attributes' DER with the SET OF tag, not the
 * [0] IMPLICIT tag they carry in the SignerInfo). */
static unsigned char *der_set_of(struct der_item *items, int n, size_t *out_len)
{
	size_t body = 0;
	qsort(items, (size_t)n, sizeof(*items), der_cmp);
	for (int i = 0; i < n; i++)
		body += (size_t)items[i].len;
	size_t hdr = 1 + der_length(NULL, body);
	unsigned char *out = malloc(hdr + body);
	if (!out)
		return NULL;
	out[0] = 0x31;
	der_length(out + 1, body);
	unsigned char *p = out + hdr;
	for (int i = 0; i < n; i++) {
		memcpy(p, items[i].der, (size_t)items[i].len);
		p += items[i].len;
	}
	*out_len = hdr + body;
	return out;
}

/* The signed attributes as the signer signs them. */
static unsigned char *signed_attrs_der(CMS_SignerInfo *si, size_t *len)
{
	int n = CMS_signed_get_attr_count(si);
	if (n <= 0)
		return NULL;
	struct der_item *items = calloc((size_t)n, sizeof(*items));
	unsigned char *out = NULL;
	int i;
	if (!items)
		return NULL;
	for (i = 0; i < n; i++) {
		items[i].len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &items[i].der);
		if (items[i].len <= 0)
			break;
	}
	if (i == n)
		out = der_set_of(items, n, len);
	for (i = 0; i < n; i++)
		OPENSSL_free(items[i].der);
	free(items);
	return out;
}

/* A SignerInfo for the certificate, with signing-certificate-v2 (CMS_CADES)
 * and no S/MIME capabilities, plus content-type and message-digest. */
static CMS_SignerInfo *add_signer(CMS_ContentInfo *cms, X509 *cert,
				  const unsigned char digest[32], char *err, size_t errsize)
{
	EVP_PKEY *pub = X509_get_pubkey(cert);
	if (!pub) {
		Kesu_errorf(err, errsize, 0, "the signer's certificate has no usable public key: %s",
		     ssl_reason());
		return NULL;
	}
	CMS_SignerInfo *si = CMS_add1_signer(cms, cert, pub, EVP_sha256(),
					     CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP | CMS_CADES);
	EVP_PKEY_free(pub);
	if (!si) {
		Kesu_errorf(err, errsize, 0, "cannot make the CMS signer: %s", ssl_reason());
		return NULL;
	}
	if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
					OBJ_nid2obj(NID_pkcs7_data), -1) <= 0 ||
	    CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest,
					32) <= 0) {
		Kesu_errorf(err, errsize, 0, "cannot add the CMS signed attributes: %s", ssl_reason());
		return NULL;
	}
	return si;
}

/* Signs the signed attributes with the signer (file, PKCS#12 or token). */
static int sign_attrs(struct kesu_signer *signer, CMS_SignerInfo *si, char *err, size_t errsize)
{
	size_t len = 0, sig_len = 0;
	unsigned char *attrs = signed_attrs_der(si, &len), *sig = NULL;
	if (!attrs)
		return Kesu_errorf(err, errsize, -ENOMEM, "cannot encode the CMS signed attributes");
	int rc = Kesu_signer_sign(signer, attrs, len, &sig, &sig_len, err, errsize);
	free(attrs);
	if (rc < 0)
		return rc;
	if (sig_len > 0x7fffffff ||
	    !ASN1_OCTET_STRING_set(CMS_SignerInfo_get0_signature(si), sig, (int)sig_len))
		rc = Kesu_errorf(err, errsize, -ENOMEM, "cannot store the CMS signature value");
	free(sig);
	return rc;
}

/* The chain certificates after the signer's own (added by CMS_add1_signer);
 * one already there is not added twice. */
static int add_chain(CMS_ContentInfo *cms, X509 *cert, STACK_OF(X509) *chain, char *err,
		     size_t errsize)
{
	STACK_OF(X509) *have = CMS_get1_certs(cms);
	int rc = 0;
	for (int i = 0; i < sk_X509_num(chain) && rc == 0; i++) {
		X509 *c = sk_X509_value(chain, i);
		bool dup = X509_cmp(c, cert) == 0;
		for (int j = 0; j < sk_X509_num(have) && !dup; j++)
			dup = X509_cmp(c, sk_X509_value(have, j)) == 0;
		if (!dup && CMS_add1_cert(cms, c) != 1)
			rc = Kesu_errorf(err, errsize, -ENOMEM, "cannot add a chain certificate: %s",
				  ssl_reason());
	}
	sk_X509_pop_free(have, X509_free);
	return rc;
}

/* B-T: a timestamp token over SHA-256 of the signature value, as the
 * unsigned attribute signature-time-stamp (ETSI EN 319 122-1 5.3). */
static int add_timestamp(CMS_SignerInfo *si, const char *url, long timeout_s, char *err,
			 size_t errsize)
{
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	unsigned char md[32], *token = NULL;
	size_t token_len = 0;
	if (!EVP_Digest(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), md, NULL,
			EVP_sha256(), NULL))
		return Kesu_errorf(err, errsize, -ENOMEM, "cannot hash the signature value");
	int rc = Kesu_tsa_token(url, timeout_s, md, &token, &token_len, err, errsize);
	if (rc < 0)
		return rc;
	ASN1_STRING *seq = ASN1_STRING_new();
	if (!seq || token_len > 0x7fffffff || !ASN1_STRING_set(seq, token, (int)token_len) ||
	    CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
					  seq, -1) <= 0)
		rc = Kesu_errorf(err, errsize, -ENOMEM, "cannot add the timestamp token: %s", ssl_reason());
	ASN1_STRING_free(seq);
	free(token);
	return rc;
}

/* The whole ContentInfo as malloc'd DER (callers free() it). */
static int encode(CMS_ContentInfo *cms, unsigned char **der, size_t *der_len, char *err,
		  size_t errsize)
{
	unsigned char *buf = NULL;
	int len = i2d_CMS_ContentInfo(cms, &buf);
	if (len <= 0)
		return Kesu_errorf(err, errsize, -ENOMEM, "cannot encode the CMS: %s", ssl_reason());
	*der = malloc((size_t)len);
	if (!*der) {
		OPENSSL_free(buf);
		return Kesu_errorf(err, errsize, -ENOMEM, "out of memory");
	}
	memcpy(*der, buf, (size_t)len);
	*der_len = (size_t)len;
	OPENSSL_free(buf);
	return 0;
}

int Kesu_cms_sign(struct kesu_signer *signer, const unsigned char digest[32],
		  const char *tsa_url, long tsa_timeout_s, unsigned char **der, size_t *der_len,
		  char *err, size_t errsize)
{
	*der = NULL;
	*der_len = 0;
	X509 *cert = Kesu_signer_cert(signer);
	if (!cert)
		return Kesu_errorf(err, errsize, -EINVAL, "the signer has no certificate");
	/* An empty SignedData: no content (detached), no signer yet. */
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL,
					CMS_PARTIAL | CMS_DETACHED | CMS_BINARY);
	if (!cms)
		return Kesu_errorf(err, errsize, -ENOMEM, "cannot make a CMS SignedData: %s",
			    ssl_reason());
	int rc = -EINVAL;
	CMS_SignerInfo *si = add_signer(cms, cert, digest, err, errsize);
	if (si)
		rc = sign_attrs(signer, si, err, errsize);
	if (rc == 0)
		rc = add_chain(cms, cert, Kesu_signer_chain(signer), err, errsize);
	if (rc == 0 && tsa_url && *tsa_url)
		rc = add_timestamp(si, tsa_url,
				   tsa_timeout_s > 0 ? tsa_timeout_s : KESU_TSA_TIMEOUT_DEFAULT, err,
				   errsize);
	if (rc == 0)
		rc = encode(cms, der, der_len, err, errsize);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return rc;
}

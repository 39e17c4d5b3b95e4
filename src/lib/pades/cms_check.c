/* The checks a PAdES signature and a timestamp token have in common: one
 * SignerInfo, its certificate, its message digest, its signature over the
 * signed attributes, the ESS binding of the certificate, and the chain to
 * a trust anchor. */
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ess.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cms_check.h"
#include "kesu/error.h"
#include "signer.h"
#include "../i18n.h"

void Kesu_cms_note(struct kesu_cms_check *check, const char *fmt, ...)
{
	if (check->msg[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(check->msg, sizeof(check->msg), fmt, ap);
	va_end(ap);
}

void Kesu_cms_time_utc(time_t t, char *buf, size_t size)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "?");
}

/* DER may be followed by zeros only: the rest of a padded /Contents. */
static bool only_zeros(const unsigned char *p, const unsigned char *end)
{
	for (; p < end; p++)
		if (*p)
			return false;
	return true;
}

int Kesu_cms_parse_one(const unsigned char *der, size_t len, const char *what,
		       CMS_ContentInfo **cms, CMS_SignerInfo **si, struct kesu_cms_check *check)
{
	const unsigned char *p = der;
	*cms = NULL;
	*si = NULL;
	CMS_ContentInfo *c = len <= 0x7fffffff ? d2i_CMS_ContentInfo(NULL, &p, (long)len) : NULL;
	if (!c || !only_zeros(p, der + len) || OBJ_obj2nid(CMS_get0_type(c)) != NID_pkcs7_signed) {
		CMS_ContentInfo_free(c);
		ERR_clear_error();
		Kesu_cms_note(check, _("%s is not a CMS SignedData"), what);
		return -KESU_EPARSE;
	}
	STACK_OF(CMS_SignerInfo) *infos = CMS_get0_SignerInfos(c);
	if (sk_CMS_SignerInfo_num(infos) != 1) {
		Kesu_cms_note(check, _("%s has %d signers, not one"), what,
			      sk_CMS_SignerInfo_num(infos));
		CMS_ContentInfo_free(c);
		return -KESU_EPARSE;
	}
	*cms = c;
	*si = sk_CMS_SignerInfo_value(infos, 0);
	return 0;
}

X509 *Kesu_cms_signer_cert(CMS_ContentInfo *cms, CMS_SignerInfo *si, STACK_OF(X509) *extra)
{
	X509 *cert = NULL;
	/* The certificates in the CMS first, then extra (CMS_NOINTERN off). */
	CMS_set1_signers_certs(cms, extra, 0);
	CMS_SignerInfo_get0_algs(si, NULL, &cert, NULL, NULL);
	ERR_clear_error();
	return cert;
}

bool Kesu_cms_message_digest_is(CMS_SignerInfo *si, const unsigned char *md, size_t md_len)
{
	/* -3: exactly one such attribute, with exactly one value. */
	ASN1_OCTET_STRING *got = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
	return got && (size_t)ASN1_STRING_length(got) == md_len &&
	       CRYPTO_memcmp(ASN1_STRING_get0_data(got), md, md_len) == 0;
}

bool Kesu_cms_signature_holds(CMS_SignerInfo *si)
{
	/* Over the signed attributes in the order received, with the SET OF
	 * tag (RFC 5652 5.4); needs signed attributes. */
	bool ok = CMS_signed_get_attr_count(si) > 0 && CMS_SignerInfo_verify(si) == 1;
	ERR_clear_error();
	return ok;
}

/* The DER of a signed attribute's one SEQUENCE value (NULL: absent). */
static const unsigned char *signed_seq(CMS_SignerInfo *si, int nid, long *len)
{
	ASN1_STRING *s = CMS_signed_get0_data_by_OBJ(si, OBJ_nid2obj(nid), -3, V_ASN1_SEQUENCE);
	*len = s ? ASN1_STRING_length(s) : 0;
	return s ? ASN1_STRING_get0_data(s) : NULL;
}

bool Kesu_cms_cert_binding(CMS_SignerInfo *si, X509 *cert)
{
	long len1, len2;
	const unsigned char *p1 = signed_seq(si, NID_id_smime_aa_signingCertificate, &len1);
	const unsigned char *p2 = signed_seq(si, NID_id_smime_aa_signingCertificateV2, &len2);
	ESS_SIGNING_CERT *v1 = p1 ? d2i_ESS_SIGNING_CERT(NULL, &p1, len1) : NULL;
	ESS_SIGNING_CERT_V2 *v2 = p2 ? d2i_ESS_SIGNING_CERT_V2(NULL, &p2, len2) : NULL;
	STACK_OF(X509) *chain = sk_X509_new_null();
	bool ok = false;
	/* The first ESSCertID must be the signer's certificate; one of the
	 * attributes must be there (require_signing_cert). */
	bool malformed = (len1 && !v1) || (len2 && !v2);
	if (cert && chain && !malformed && sk_X509_push(chain, cert))
		ok = OSSL_ESS_check_signing_certs(v1, v2, chain, 1) == 1;
	sk_X509_free(chain);
	ESS_SIGNING_CERT_free(v1);
	ESS_SIGNING_CERT_V2_free(v2);
	ERR_clear_error();
	return ok;
}

/* Which anchor ended the chain, by the name and role it was trusted under. */
static void name_anchor(X509_STORE_CTX *ctx, const struct kesu_x509_anchors *anchors,
			struct kesu_cms_check *check)
{
	STACK_OF(X509) *chain = X509_STORE_CTX_get0_chain(ctx);
	X509 *top = sk_X509_value(chain, sk_X509_num(chain) - 1);
	const char *role = "", *name = NULL;
	if (top && Kesu_anchors_lookup(anchors, top, &role, &name) == 0) {
		snprintf(check->anchor_name, sizeof(check->anchor_name), "%s", name ? name : "");
		snprintf(check->anchor_role, sizeof(check->anchor_role), "%s", role ? role : "");
	}
}

bool Kesu_cms_chain(X509 *leaf, STACK_OF(X509) *untrusted, const struct kesu_x509_anchors *anchors,
		    time_t at, int purpose, const char *who, struct kesu_cms_check *check)
{
	X509_STORE *store = anchors ? Kesu_anchors_store(anchors) : NULL;
	if (!store || kesu_x509_anchors_count(anchors) == 0) {
		Kesu_cms_note(check, _("no trust anchor was given: %s certificate was not checked"), who);
		return check->chain_ok = false;
	}
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	if (!ctx || !X509_STORE_CTX_init(ctx, store, leaf, untrusted) ||
	    !X509_STORE_CTX_set_purpose(ctx, purpose)) {
		X509_STORE_CTX_free(ctx);
		Kesu_cms_note(check, _("out of memory checking %s certificate"), who);
		return check->chain_ok = false;
	}
	X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
	/* An anchor need not be a self-signed root: an organisation's
	 * intermediate CA or a station's own certificate is trusted as is. */
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_time(param, at);
	check->chain_ok = X509_verify_cert(ctx) == 1;
	if (check->chain_ok) {
		name_anchor(ctx, anchors, check);
	} else {
		char when[32];
		Kesu_cms_time_utc(at, when, sizeof(when));
		Kesu_cms_note(check, _("%s certificate does not chain to a trust anchor at %s: %s"), who,
			      when, X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
	}
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return check->chain_ok;
}

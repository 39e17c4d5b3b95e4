/* Checking a PAdES signature's CMS SignedData against the SHA-256 of the
 * PDF's byte ranges: the message digest, the signature over the signed
 * attributes, the signing-certificate-v2 binding, the signature timestamp
 * when there is one, and the signer's chain to a trust anchor, at the
 * timestamp's time when it holds (the certificate may have expired since,
 * and the token proves the signature existed while it was valid), else at
 * now. */
#include <openssl/err.h>
#include <string.h>

#include "cms_check.h"
#include "kesu/error.h"
#include "signer.h"
#include "../i18n.h"

/* The message digest over SHA-256 is the byte ranges' digest. */
static void check_digest(CMS_SignerInfo *si, const unsigned char digest[32],
			 struct kesu_cms_check *check)
{
	X509_ALGOR *dig = NULL;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	if (!dig || OBJ_obj2nid(dig->algorithm) != NID_sha256) {
		Kesu_cms_note(check, _("the signature's digest algorithm is not SHA-256"));
		return;
	}
	check->digest_ok = Kesu_cms_message_digest_is(si, digest, 32);
	if (!check->digest_ok)
		Kesu_cms_note(check, _("the signed digest is not the document's: the signed bytes "
				     "changed"));
}

/* The signature-time-stamp unsigned attribute's token (DER), if any. */
static const ASN1_STRING *timestamp_attr(CMS_SignerInfo *si, int *count)
{
	ASN1_OBJECT *oid = OBJ_nid2obj(NID_id_smime_aa_timeStampToken);
	*count = 0;
	for (int i = -1; (i = CMS_unsigned_get_attr_by_OBJ(si, oid, i)) >= 0;)
		(*count)++;
	return CMS_unsigned_get0_data_by_OBJ(si, oid, -3, V_ASN1_SEQUENCE);
}

/* B-T: the token over the signature value; *at becomes its time when it
 * holds. */
static void check_timestamp(CMS_SignerInfo *si, const struct kesu_x509_anchors *anchors,
			    time_t now, struct kesu_cms_check *check, time_t *at)
{
	int count;
	const ASN1_STRING *tok = timestamp_attr(si, &count);
	if (count == 0)
		return;
	check->has_timestamp = true;
	if (!tok) {
		Kesu_cms_note(check, _("the signature has %d timestamps, or one that is malformed"),
			      count);
		return;
	}
	struct kesu_cms_check tc;
	time_t gen;
	memset(&tc, 0, sizeof(tc));
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	Kesu_cms_token_check(ASN1_STRING_get0_data(tok), (size_t)ASN1_STRING_length(tok),
			     ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), NULL,
			     anchors, now, &tc, &gen);
	check->timestamp_ok = tc.timestamp_ok;
	check->tsa = tc.signer;
	memcpy(check->timestamp_utc, tc.timestamp_utc, sizeof(check->timestamp_utc));
	if (tc.timestamp_ok)
		*at = gen;
	else
		Kesu_cms_note(check, _("signature timestamp: %s"), tc.msg);
}

/* Every check of one SignerInfo, in the order a reader wants the first
 * failure: digest, signature, binding, timestamp, chain. */
static void check_signer(CMS_ContentInfo *cms, CMS_SignerInfo *si, const unsigned char digest[32],
			 const struct kesu_x509_anchors *anchors, time_t now,
			 struct kesu_cms_check *check)
{
	X509 *cert = Kesu_cms_signer_cert(cms, si, NULL);
	check_digest(si, digest, check);
	if (!cert) {
		Kesu_cms_note(check, _("the signer's certificate is not in the signature"));
		return;
	}
	Kesu_x509_describe(cert, &check->signer);
	check->signature_ok = Kesu_cms_signature_holds(si);
	if (!check->signature_ok)
		Kesu_cms_note(check, _("the signature does not hold for the signer's key"));
	check->cert_binding_ok = Kesu_cms_cert_binding(si, cert);
	if (!check->cert_binding_ok)
		Kesu_cms_note(check, _("the signing-certificate-v2 attribute does not name the "
				     "signer's certificate"));
	time_t at = now;
	check_timestamp(si, anchors, now, check, &at);
	STACK_OF(X509) *certs = CMS_get1_certs(cms);
	Kesu_cms_chain(cert, certs, anchors, at, X509_PURPOSE_ANY, "the signer's", check);
	sk_X509_pop_free(certs, X509_free);
}

int Kesu_cms_verify(const unsigned char *der, size_t der_len, const unsigned char digest[32],
		    const struct kesu_x509_anchors *anchors, time_t now,
		    struct kesu_cms_check *check)
{
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si = NULL;
	memset(check, 0, sizeof(*check));
	int rc = Kesu_cms_parse_one(der, der_len, "the signature", &cms, &si, check);
	if (rc < 0)
		return rc;
	check->parsed = true;
	check_signer(cms, si, digest, anchors, now, check);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	bool ok = check->digest_ok && check->signature_ok && check->cert_binding_ok &&
		  check->chain_ok && (!check->has_timestamp || check->timestamp_ok);
	if (!ok)
		Kesu_cms_note(check, _("the signature does not verify"));
	return ok ? 0 : -KESU_EVERIFY;
}

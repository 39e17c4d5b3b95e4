/* RFC 3161 timestamp tokens, as a PAdES signature's signature-time-stamp
 * (imprint: a hash of the signature value) and as a document timestamp
 * (/SubFilter /ETSI.RFC3161, imprint: SHA-256 of the byte ranges). A token
 * is a SignedData over a TSTInfo: checked as any signature (cms_check.c),
 * then its imprint, and the TSA's certificate must be one for timestamping
 * (critical extended key usage timeStamping, RFC 3161 2.3). */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ts.h>
#include <openssl/x509v3.h>
#include <string.h>

#include "cms_check.h"
#include "kesu/error.h"
#include "signer.h"
#include "../i18n.h"

/* Digests a token may use: SHA-2 only, never SHA-1 or MD5, whose
 * collisions would let one token stand for other data. */
static const EVP_MD *strong_md(const ASN1_OBJECT *oid)
{
	switch (OBJ_obj2nid(oid)) {
	case NID_sha256: return EVP_sha256();
	case NID_sha384: return EVP_sha384();
	case NID_sha512: return EVP_sha512();
	default: return NULL;
	}
}

/* The TSTInfo the token signs (eContent of type id-ct-TSTInfo). */
static TS_TST_INFO *tst_info(CMS_ContentInfo *cms, const unsigned char **content, long *len)
{
	ASN1_OCTET_STRING **pos = CMS_get0_content(cms);
	if (OBJ_obj2nid(CMS_get0_eContentType(cms)) != NID_id_smime_ct_TSTInfo || !pos || !*pos)
		return NULL;
	*content = ASN1_STRING_get0_data(*pos);
	*len = ASN1_STRING_length(*pos);
	const unsigned char *p = *content;
	return d2i_TS_TST_INFO(NULL, &p, *len);
}

static time_t gen_time(const TS_TST_INFO *tst)
{
	struct tm tm;
	if (!ASN1_TIME_to_tm(TS_TST_INFO_get_time(tst), &tm))
		return (time_t)-1;
	return timegm(&tm);
}

/* The imprint is SHA-256 = sha256, or the hash of data under the
 * imprint's own algorithm. */
static bool imprint_ok(TS_TST_INFO *tst, const unsigned char *data, size_t data_len,
		       const unsigned char *sha256, struct kesu_cms_check *check)
{
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(tst);
	const ASN1_OCTET_STRING *got = TS_MSG_IMPRINT_get_msg(mi);
	const EVP_MD *md = strong_md(TS_MSG_IMPRINT_get_algo(mi)->algorithm);
	unsigned char want[EVP_MAX_MD_SIZE];
	unsigned int want_len = 0;
	if (!md || (sha256 && EVP_MD_get_type(md) != NID_sha256)) {
		Kesu_cms_note(check, _("the timestamp's imprint is not %s"), sha256 ? "SHA-256" : "SHA-2");
		return false;
	}
	if (sha256) {
		memcpy(want, sha256, 32);
		want_len = 32;
	} else if (!EVP_Digest(data, data_len, want, &want_len, md, NULL)) {
		Kesu_cms_note(check, _("cannot hash the timestamped data"));
		return false;
	}
	bool ok = (size_t)ASN1_STRING_length(got) == want_len &&
		  memcmp(ASN1_STRING_get0_data(got), want, want_len) == 0;
	if (!ok)
		Kesu_cms_note(check, _("the timestamp is for other data (its imprint differs)"));
	return ok;
}

/* The TSA signed this TSTInfo: message-digest is its hash, and the
 * signature over the signed attributes holds. */
static bool token_signature(CMS_SignerInfo *si, const unsigned char *content, long len)
{
	X509_ALGOR *dig = NULL;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, NULL);
	const EVP_MD *md = dig ? strong_md(dig->algorithm) : NULL;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	return md && EVP_Digest(content, (size_t)len, h, &hl, md, NULL) &&
	       Kesu_cms_message_digest_is(si, h, hl) && Kesu_cms_signature_holds(si);
}

/* Signature, binding and chain of the TSA's certificate tsa. */
static void tsa_checks(CMS_ContentInfo *cms, CMS_SignerInfo *si, X509 *tsa,
		       const unsigned char *content, long clen,
		       const struct kesu_x509_anchors *anchors, time_t now,
		       struct kesu_cms_check *check)
{
	Kesu_x509_describe(tsa, &check->signer);
	check->tsa = check->signer;
	check->signature_ok = token_signature(si, content, clen);
	if (!check->signature_ok)
		Kesu_cms_note(check, _("the TSA's signature over the timestamp does not hold"));
	check->cert_binding_ok = Kesu_cms_cert_binding(si, tsa);
	if (!check->cert_binding_ok)
		Kesu_cms_note(check, _("the timestamp's signing-certificate attribute does not name "
				     "the TSA's certificate"));
	if (X509_check_purpose(tsa, X509_PURPOSE_TIMESTAMP_SIGN, 0) != 1) {
		Kesu_cms_note(check, _("the TSA's certificate is not one for timestamping (it needs "
				     "the critical extended key usage timeStamping alone)"));
		check->chain_ok = false;
	} else {
		STACK_OF(X509) *certs = CMS_get1_certs(cms);
		/* The TSA's certificate is checked at now: the token's own time
		 * cannot vouch for the key that made it. */
		Kesu_cms_chain(tsa, certs, anchors, now, X509_PURPOSE_TIMESTAMP_SIGN, "the TSA's",
			       check);
		sk_X509_pop_free(certs, X509_free);
	}
	ERR_clear_error();
}

int Kesu_cms_token_check(const unsigned char *der, size_t len, const unsigned char *data,
			 size_t data_len, const unsigned char *sha256,
			 const struct kesu_x509_anchors *anchors, time_t now,
			 struct kesu_cms_check *check, time_t *gen)
{
	CMS_ContentInfo *cms = NULL;
	CMS_SignerInfo *si = NULL;
	const unsigned char *content = NULL;
	long clen = 0;
	check->has_timestamp = true;
	*gen = (time_t)-1;
	int rc = Kesu_cms_parse_one(der, len, "the timestamp token", &cms, &si, check);
	if (rc < 0)
		return rc;
	TS_TST_INFO *tst = tst_info(cms, &content, &clen);
	if (!tst) {
		Kesu_cms_note(check, _("the timestamp token holds no TSTInfo"));
		CMS_ContentInfo_free(cms);
		ERR_clear_error();
		return -KESU_EPARSE;
	}
	check->parsed = true;
	*gen = gen_time(tst);
	Kesu_cms_time_utc(*gen, check->timestamp_utc, sizeof(check->timestamp_utc));
	check->digest_ok = imprint_ok(tst, data, data_len, sha256, check);
	/* A token without certReq names its TSA only: look among the anchors. */
	STACK_OF(X509) *anchor_certs =
		anchors && Kesu_anchors_store(anchors)
			? X509_STORE_get1_all_certs(Kesu_anchors_store(anchors))
			: NULL;
	X509 *tsa = Kesu_cms_signer_cert(cms, si, anchor_certs);
	if (tsa)
		tsa_checks(cms, si, tsa, content, clen, anchors, now, check);
	else
		Kesu_cms_note(check, _("the TSA's certificate is neither in the timestamp token nor "
				     "among the trust anchors"));
	check->timestamp_ok = check->digest_ok && check->signature_ok && check->cert_binding_ok &&
			      check->chain_ok;
	sk_X509_pop_free(anchor_certs, X509_free);
	TS_TST_INFO_free(tst);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	return check->timestamp_ok ? 0 : -KESU_EVERIFY;
}

int Kesu_cms_verify_timestamp(const unsigned char *der, size_t der_len,
			      const unsigned char digest[32],
			      const struct kesu_x509_anchors *anchors, time_t now,
			      struct kesu_cms_check *check)
{
	time_t gen;
	memset(check, 0, sizeof(*check));
	return Kesu_cms_token_check(der, der_len, NULL, 0, digest, anchors, now, check, &gen);
}

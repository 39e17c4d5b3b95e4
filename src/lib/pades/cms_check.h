/* Checks shared by the two kinds of CMS a PDF signature holds: the PAdES
 * SignedData (cms_verify.c) and RFC 3161 timestamp tokens, embedded or as
 * document timestamps (cms_timestamp.c). Each check records its failure
 * in check->msg only when no earlier one did (Kesu_cms_note). */
#ifndef KESU_PADES_CMS_CHECK_H
#define KESU_PADES_CMS_CHECK_H
#include <openssl/cms.h>
#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cms.h"

/* Sets check->msg unless it holds a reason already. */
void Kesu_cms_note(struct kesu_cms_check *check, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* 2026-12-06T07:00:00Z */
void Kesu_cms_time_utc(time_t t, char *buf, size_t size);

/* A SignedData with exactly one SignerInfo, from DER that may be followed
 * by zero bytes (a PDF's /Contents is padded). what names it in messages
 * ("the signature", "the timestamp token"). 0, or -KESU_EPARSE with
 * check->msg. */
int Kesu_cms_parse_one(const unsigned char *der, size_t len, const char *what,
		       CMS_ContentInfo **cms, CMS_SignerInfo **si, struct kesu_cms_check *check);

/* The signer's certificate among the CMS's own certificates, else among
 * extra (may be NULL). Borrowed from the CMS; NULL when not there. */
X509 *Kesu_cms_signer_cert(CMS_ContentInfo *cms, CMS_SignerInfo *si, STACK_OF(X509) *extra);

/* The message-digest signed attribute is md. */
bool Kesu_cms_message_digest_is(CMS_SignerInfo *si, const unsigned char *md, size_t md_len);

/* The signature over the signed attributes holds for the signer's key
 * (Kesu_cms_signer_cert must have found the certificate). */
bool Kesu_cms_signature_holds(CMS_SignerInfo *si);

/* signing-certificate-v2 (or v1) names cert as the signer's. */
bool Kesu_cms_cert_binding(CMS_SignerInfo *si, X509 *cert);

/* The chain from leaf (with untrusted as helpers) to one of the anchors,
 * at time at, for purpose (X509_PURPOSE_ANY, X509_PURPOSE_TIMESTAMP_SIGN).
 * Any anchor may end a chain, a CA or a leaf itself. Sets chain_ok,
 * anchor_name and anchor_role; who names the leaf in messages ("the
 * signer's", "the TSA's"). */
bool Kesu_cms_chain(X509 *leaf, STACK_OF(X509) *untrusted, const struct kesu_x509_anchors *anchors,
		    time_t at, int purpose, const char *who, struct kesu_cms_check *check);

/* A timestamp token (RFC 3161: SignedData over a TSTInfo) checked into
 * check: parsed, digest_ok (imprint), signature_ok (the TSA's signature
 * over the TSTInfo), cert_binding_ok, chain_ok (the TSA's certificate, for
 * timestamping, to an anchor at now), has_timestamp, timestamp_ok (all of
 * them), signer and tsa (the TSA), timestamp_utc. The imprint must be the
 * hash of data under the token's own imprint algorithm, or, when sha256 is
 * not NULL, SHA-256 with that value. *gen_time is the token's time. 0,
 * -KESU_EPARSE or -KESU_EVERIFY. */
int Kesu_cms_token_check(const unsigned char *der, size_t len, const unsigned char *data,
			 size_t data_len, const unsigned char *sha256,
			 const struct kesu_x509_anchors *anchors, time_t now,
			 struct kesu_cms_check *check, time_t *gen_time);
#endif

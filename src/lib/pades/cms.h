/* The CMS side of PAdES (ETSI EN 319 142-1): building the detached
 * SignedData that goes into a PDF signature's /Contents, asking a
 * timestamp authority (RFC 3161), and checking both. The PDF side (byte
 * ranges, incremental updates) is pades_*.c; these functions see only a
 * SHA-256 digest of the signed bytes. */
#ifndef KESU_PADES_CMS_H
#define KESU_PADES_CMS_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kesu/x509.h"

#define KESU_TSA_TIMEOUT_DEFAULT 20 /* seconds for the whole HTTP exchange */

/* An RFC 3161 timestamp token (the DER ContentInfo of the TSA's signed
 * TSTInfo) over a SHA-256 digest: a request with a random nonce and
 * certReq, POSTed as application/timestamp-query through libcurl. The
 * answer must be granted, its imprint the digest and its nonce ours.
 * err is one line: "timestamp authority URL: cannot connect: ...",
 * "...: HTTP 500", "...: rejected the request: ...". -EHOSTUNREACH (cannot
 * reach, timeout, an HTTP status other than 200: redirects are not
 * followed), -KESU_EPARSE (not a timestamp reply, or one over 64 KiB),
 * -KESU_EVERIFY (rejected, or a token for other data or another nonce).
 * A user name or password in the URL is left out of messages. timeout_s
 * <= 0: KESU_TSA_TIMEOUT_DEFAULT. *token is free()d by the caller. */
int Kesu_tsa_token(const char *url, long timeout_s, const unsigned char digest[32],
		   unsigned char **token, size_t *token_len, char *err, size_t errsize);

/* The CMS SignedData for a PAdES B-B signature over bytes whose SHA-256 is
 * digest: detached, SHA-256, signed attributes content-type,
 * message-digest and signing-certificate-v2 (ESS), no signing-time (PAdES
 * puts the time in the signature dictionary's /M), the signer's
 * certificate and chain included. With tsa_url, B-T: the timestamp token
 * over the signature value is added as the unsigned attribute
 * signature-time-stamp (1.2.840.113549.1.9.16.2.14). DER, malloc'd. */
int Kesu_cms_sign(struct kesu_signer *signer, const unsigned char digest[32],
		  const char *tsa_url, long tsa_timeout_s, unsigned char **der, size_t *der_len,
		  char *err, size_t errsize);

/* What checking one CMS blob found. Each flag is a check that was made and
 * held; msg says why the first one that failed did not. */
struct kesu_cms_check {
	bool parsed;        /* a CMS SignedData (or a timestamp token) */
	bool digest_ok;     /* message-digest (or the token's imprint) is the digest */
	bool signature_ok;  /* the signer's signature over the signed attributes holds */
	bool cert_binding_ok; /* signing-certificate-v2 names the signer's certificate */
	bool chain_ok;      /* the signer's chain ends in one of the anchors */
	bool has_timestamp; /* a signature-time-stamp is there (always for a document timestamp) */
	bool timestamp_ok;  /* it verifies: imprint, TSA signature, TSA chain to an anchor */
	struct kesu_x509_info signer; /* the signer (the TSA, for a document timestamp) */
	char anchor_name[160];        /* the anchor the chain ends in */
	char anchor_role[24];         /* "" = any role */
	char timestamp_utc[32];       /* genTime, 2026-12-06T07:00:00Z */
	struct kesu_x509_info tsa;    /* the TSA's certificate, when there is a token */
	char msg[512];
};

/* Checks a PAdES signature's CMS against the digest of its byte ranges.
 * der may be followed by zero bytes (the rest of a padded /Contents); any
 * other trailing byte is -KESU_EPARSE. Chain and timestamp are checked
 * against anchors (NULL or empty: not made, chain_ok false, msg says so):
 * the signer's chain at the timestamp's time when there is a valid one,
 * else at now; the TSA's chain (its certificate must carry the critical
 * extended key usage timeStamping) at now, since the token's own time
 * cannot vouch for the key that made it. anchor_name/anchor_role are the
 * signer's anchor. A signature timestamp that is there but fails makes
 * the whole check fail. Returns 0 when every check holds, else
 * -KESU_EVERIFY (or -KESU_EPARSE when the blob is not CMS) with check->msg
 * set; check is filled as far as it could be in every case. Exactly one
 * SignerInfo is accepted. */
int Kesu_cms_verify(const unsigned char *der, size_t der_len, const unsigned char digest[32],
		    const struct kesu_x509_anchors *anchors, time_t now,
		    struct kesu_cms_check *check);

/* The same for a document timestamp (/SubFilter /ETSI.RFC3161): der is
 * the timestamp token itself, its imprint must be the digest (SHA-256).
 * The signer, the tsa and the anchor are the TSA's; has_timestamp is
 * always set. A token without the TSA's certificate (no certReq) is
 * checked with the anchor that is that certificate. Tokens signed with a
 * digest other than SHA-256/384/512 are refused. */
int Kesu_cms_verify_timestamp(const unsigned char *der, size_t der_len,
			      const unsigned char digest[32],
			      const struct kesu_x509_anchors *anchors, time_t now,
			      struct kesu_cms_check *check);
#endif

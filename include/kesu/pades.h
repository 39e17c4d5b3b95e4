/* PDF signatures inside certificates: PAdES baseline B-B and B-T (ETSI EN
 * 319 142-1), document timestamps, and checking every signature of a file
 * from the file alone (issue 15, docs/certificate.md).
 *
 * Each signature is an incremental update appended to the file: earlier
 * bytes are never rewritten, so earlier signatures stay valid. A
 * certificate's first signature is the station's (seal box 担当者); a
 * witness, validator or approver adds theirs in their own box.
 *
 * Functions that take err/errsize put one English line there on failure;
 * they never print. */
#ifndef KESU_PADES_H
#define KESU_PADES_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kesu/x509.h"

/* Whose box a signature goes in. */
enum kesu_pades_role {
	KESU_PADES_OPERATOR = 0, /* 担当者: the station that erased the drive */
	KESU_PADES_WITNESS,      /* 立会者 */
	KESU_PADES_VALIDATOR,    /* 確認者: NIST SP 800-88 validator */
	KESU_PADES_APPROVER,     /* 承認者 */
	KESU_PADES_ROLES
};
/* "operator", "witness", "validator", "approver". */
const char *kesu_pades_role_id(enum kesu_pades_role role);
const char *kesu_pades_role_ja(enum kesu_pades_role role);
int kesu_pades_role_parse(const char *id, enum kesu_pades_role *role);

struct kesu_pades_options {
	enum kesu_pades_role role;
	const char *reason;    /* /Reason, UTF-8 (NULL: the role's default wording) */
	const char *location;  /* /Location (NULL: none) */
	time_t when;           /* /M and the time shown */
	bool invisible;        /* no appearance: a zero-size widget */
	bool era_dates;        /* the appearance shows 令和 dates */
	const char *tsa_url;   /* B-T: a timestamp over the signature value (NULL: B-B) */
	long tsa_timeout_s;    /* 0: the default */
};

/* Signs pdf (a certificate kesu rendered, possibly already signed) as one
 * more incremental update; *out (malloc'd) is the whole new file. The
 * visible appearance goes into the role's seal box, which the certificate
 * names in its kesu-render.json attachment; a box already signed is
 * -EEXIST ("already signed as witness by NAME") unless invisible. */
int kesu_pades_sign(const unsigned char *pdf, size_t len, struct kesu_signer *signer,
		    const struct kesu_pades_options *o, unsigned char **out, size_t *out_len,
		    char *err, size_t errsize);

/* A document timestamp (/SubFilter /ETSI.RFC3161) over the whole file as
 * one more incremental update. */
int kesu_pades_timestamp(const unsigned char *pdf, size_t len, const char *tsa_url,
			 long timeout_s, unsigned char **out, size_t *out_len, char *err,
			 size_t errsize);

#define KESU_PADES_SIGS_MAX 16

/* One signature of a file, and what checking it found. */
struct kesu_pades_signature {
	char field[64];          /* the field's name */
	char role[24];           /* operator/witness/validator/approver, "" if not kesu's */
	bool doc_timestamp;      /* /SubFilter /ETSI.RFC3161 */
	char claimed_time[40];   /* /M as 2026-12-06T16:30:00+09:00 ("" if none) */
	size_t revision_end;     /* the bytes it covers end here */
	bool range_ok;           /* /ByteRange covers [0, revision_end) but /Contents */
	bool digest_ok, signature_ok, chain_ok, role_ok;
	bool has_timestamp, timestamp_ok;
	struct kesu_x509_info signer; /* the TSA's, for a document timestamp */
	char anchor_name[160], anchor_role[24];
	char timestamp_utc[32];
	struct kesu_x509_info tsa;
	bool ok;                 /* every check above that applies holds */
	char msg[512];           /* why not */
};

struct kesu_pades_report {
	size_t count;
	struct kesu_pades_signature sig[KESU_PADES_SIGS_MAX];
	size_t first_revision_end; /* the document as first signed; 0: unsigned */
	bool updates_ok;           /* only signatures and timestamps follow the first
				    * signature, and nothing follows the last */
	char updates_msg[512];
	bool ok;                   /* signed, every signature ok, updates_ok */
};

/* Checks every signature of pdf against anchors (NULL or empty: no chain
 * can be proven, chain_ok false) at now (or the timestamp's time). Fills
 * rep; 0 when rep->ok, -KESU_EVERIFY when a check failed, -KESU_EPARSE (err
 * says why) when the file cannot be read as a PDF. An unsigned PDF is
 * -KESU_EVERIFY with count 0. */
int kesu_pades_verify(const unsigned char *pdf, size_t len,
		      const struct kesu_x509_anchors *anchors, time_t now,
		      struct kesu_pades_report *rep, char *err, size_t errsize);
/* The ledger record of signature s added to a certificate (kesu cert
 * sign), canonical JSON (malloc'd): {"action":"pdf-sign","at_utc":..,
 * "by":..,"field":..,"file_sha256":..,"job_id":ID,"kind":"pdf-signature",
 * "role":..,"signed_certificate_id":..,"signed_job_id":..,"signer":..,
 * "signer_certificate_sha256":..,"timestamp_utc":..}. The ledger subject
 * is "countersign:CERTIFICATE-ID", as for countersignature files. NULL
 * (errno EINVAL) for text that is not valid UTF-8. */
char *kesu_pades_record(const char *id, const char *certificate_id, const char *job_id,
			const struct kesu_pades_signature *s, const unsigned char file_sha256[32],
			const char *by, time_t now, size_t *len);
#endif

/* Prior approval of a disposal (事前承認; the standard's 様式第3号, §3.2(9)c),
 * bound to each medium: an approver names the media, the class, the
 * purpose, the methods and level allowed and how long it is valid, and
 * signs it with an approver key (kesu/trust.h). A wipe under an approval
 * checks all of it before anything is written (docs/approvals.md).
 *
 * The file (.kesu-approval) is the canonical JSON payload on one line
 * (members sorted by their bytes, as canonical_json writes them), then a
 * signify signature over exactly those bytes (without the newline):
 *   {"approver":{"fingerprint":"ed25519:..","name":..},"classification":"II",
 *    "issued_local":..,"issued_utc":..,"kesu_approval":1,
 *    "media":[{"asset":..|null,"entry":1,"serial":..|null,"size":N|null},..],
 *    "methods":["nist-clear",..],"min_level":"purge"|null,"note":..|null,
 *    "number":"A-20261206-1A2B3C4D","organisation":..|null,
 *    "purpose":"disposal","valid_until":"2026-12-31"}\n
 *   untrusted comment: kesu approval A-20261206-1A2B3C4D\n
 *   base64 signature\n
 * Its hash, "sha256:" + hex of the payload bytes, is what records cite.
 *
 * Functions that take err/errsize put one English line there, naming the
 * file (and line, for CSV) and the reason; they never print. */
#ifndef KESU_APPROVAL_H
#define KESU_APPROVAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kesu/field_limits.h"
#include "kesu/key.h"
#include "kesu/method.h"
#include "kesu/trust.h"

#define KESU_APPROVAL_NUMBER_SIZE 24  /* "A-YYYYMMDD-XXXXXXXX" + NUL */
#define KESU_APPROVAL_HASH_SIZE 72    /* "sha256:" + 64 hex + NUL */
#define KESU_APPROVAL_SERIAL_MAX 64   /* bytes of a serial number */
#define KESU_APPROVAL_ASSET_MAX 64    /* bytes of an asset number */
#define KESU_APPROVAL_METHODS_MAX 16
#define KESU_APPROVAL_MEDIA_MAX 10000 /* a lease return of many PCs */
#define KESU_APPROVAL_FILE_MAX (8u << 20)

/* One medium of an approval: by serial (and size in bytes when known, 0
 * otherwise) or by asset number, or both. entry is 1-based and stable:
 * records cite "number#entry". */
struct kesu_approval_medium {
	unsigned entry;
	char serial[KESU_APPROVAL_SERIAL_MAX + 1];
	uint64_t size;
	char asset[KESU_APPROVAL_ASSET_MAX + 1];
};

struct kesu_approval {
	char number[KESU_APPROVAL_NUMBER_SIZE];
	char issued_utc[32], issued_local[40];
	char valid_until[11];   /* YYYY-MM-DD, inclusive, in local time */
	char approver_name[KESU_TRUST_NAME_MAX + 1];
	char approver_fingerprint[KESU_FINGERPRINT_SIZE];
	char organisation[KESU_LIMIT_BYTES(KESU_LIMIT_ORGANISATION)];
	char classification[8]; /* I, II, III (kesu/vocabulary.h) */
	char purpose[32];       /* disposal, lease-return, repair, reuse */
	char methods[KESU_APPROVAL_METHODS_MAX][KESU_METHOD_ID_MAX + 1];
	size_t n_methods;
	enum kesu_nist_level min_level; /* 0: none asked */
	char note[KESU_LIMIT_BYTES(KESU_LIMIT_LOCATION)];
	struct kesu_approval_medium *media;
	size_t n_media;
	/* Filled by parsing and signing. */
	char hash[KESU_APPROVAL_HASH_SIZE];
};

/* Reads a media list (--media-file): CSV with a header row naming its
 * columns, any of serial, size, asset (and description, ignored), in any
 * order, UTF-8, comma-separated, quotes as RFC 4180. Appends to a->media,
 * numbering entries on. Every row must name a serial or an asset; a
 * duplicate serial or asset is refused. -KESU_EPARSE "FILE:LINE: reason". */
int kesu_approval_media_csv(struct kesu_approval *a, const char *path, char *err, size_t errsize);

/* Adds one medium from a --media word: "SERIAL", "SERIAL:SIZE" or
 * "asset:ASSET". A SIZE is bytes, or a number with a unit: K, M, G, T (or
 * KB..TB) are powers of 1000 as drives are sold, KiB, MiB, GiB, TiB powers
 * of 1024; "1.5T" is allowed when it is a whole number of bytes. It must
 * be the drive's exact size (kesu info), as kesu_approval_find compares
 * bytes. A serial holding ':' can only be given in a CSV list. */
int kesu_approval_media_add(struct kesu_approval *a, const char *word, char *err, size_t errsize);

/* Fills number, issued_*, approver (from sk's public key and name), checks
 * every field, and signs. *text (malloc'd, *len bytes) is the whole file;
 * a->hash is set. */
int kesu_approval_sign(struct kesu_approval *a, const char *approver_name,
		       const struct kesu_secret_key *sk, time_t now, char **text, size_t *len,
		       char *err, size_t errsize);

/* Every check kesu_approval_sign makes, without a key or a signature:
 * a front end calls it before asking for the key's passphrase. */
int kesu_approval_draft_check(const struct kesu_approval *a, const char *approver_name,
			      time_t now, char *err, size_t errsize);

/* Reads path (bounded), parses the payload strictly (unknown or missing
 * members, bad values, not canonical: -KESU_EPARSE), and checks the
 * signature against the trust store's approvers (-KESU_EVERIFY: unknown
 * key, changed data). The approver name and fingerprint in the payload
 * must be the trusted entry's. *a is malloc'd; free with
 * kesu_approval_free. trust may be NULL only to read an approval without
 * trusting it (kesu approval status shows it as unverified). */
int kesu_approval_load(const char *path, const struct kesu_trust *trust, struct kesu_approval **a,
		       char *err, size_t errsize);
/* Frees a->media and a itself (a must come from malloc/calloc). */
void kesu_approval_free(struct kesu_approval *a);

/* The entry for a drive: serial must equal the entry's serial (and the
 * size, when the entry gives one), or asset the entry's asset. NULL when
 * none matches. */
const struct kesu_approval_medium *kesu_approval_find(const struct kesu_approval *a,
						      const char *serial, uint64_t size,
						      const char *asset);

/* Why a job may not run under an approval. */
enum kesu_approval_refusal {
	KESU_APPROVAL_OK = 0,
	KESU_APPROVAL_EXPIRED,        /* today (local) is after valid_until */
	KESU_APPROVAL_NOT_LISTED,     /* the drive is none of the media */
	KESU_APPROVAL_CLASS,          /* the job's class differs */
	KESU_APPROVAL_PURPOSE,        /* the job's purpose differs */
	KESU_APPROVAL_METHOD,         /* the method is not one of the methods */
	KESU_APPROVAL_LEVEL,          /* the method's level is below min_level */
};

/* The job a wipe would run, as the approval and the policy judge it.
 * classification and purpose are compared exactly: a front end that lets
 * the approval supply them fills them in before calling. */
struct kesu_disposal_job {
	const char *serial, *asset; /* the drive's serial; the --asset given */
	uint64_t size;
	const char *classification, *purpose; /* "" when not given */
	const struct kesu_method *method;
	enum kesu_nist_level level;           /* what the method achieves on this drive */
	int verify_mode;                      /* enum kesu_verify_mode (kesu/job.h) */
	bool witness;                         /* a witness was named */
};

/* Judges job against a at now; returns the first refusal and, for
 * NOT_LISTED..LEVEL, err says what was asked and what is allowed. *entry
 * receives the matching medium when there is one. */
enum kesu_approval_refusal kesu_approval_check(const struct kesu_approval *a,
					       const struct kesu_disposal_job *job, time_t now,
					       const struct kesu_approval_medium **entry, char *err,
					       size_t errsize);

/* The approval's part of a record: {"approver":{..},"date":issued_local
 * date,"entry":N,"hash":..,"number":..}, canonical JSON text (malloc'd). */
char *kesu_approval_record_json(const struct kesu_approval *a,
				const struct kesu_approval_medium *entry);

#endif

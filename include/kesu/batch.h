/* Batch certificates (一括消去証明書 with 明細, issue 16): one signed document
 * listing every medium of a lease return, an approval or a multi-drive
 * wipe, each with the newest record the ledger holds for it (erasure,
 * received certificate, destruction), the media that have none listed as
 * missing, first, and the totals by outcome (docs/certificate.md, "Batch
 * certificates"). The batch is recorded in the ledger (kind
 * "batch-certificate") and rendered like any certificate. */
#ifndef KESU_BATCH_H
#define KESU_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kesu/approval.h"
#include "kesu/cert.h"
#include "kesu/ledger.h"
#include "kesu/record.h"

#define KESU_BATCH_TEXT_MAX 128 /* bytes of a serial, asset or model kept */
/* Media one batch may list: what fits the payload (KESU_PDF_PAYLOAD_MAX,
 * about 500 bytes a medium) with room to spare. */
#define KESU_BATCH_MEDIA_MAX 1800

/* A medium the batch must account for: from the approval, a row of the
 * asset file, or a job of a multi-drive wipe. */
struct kesu_batch_expected {
	unsigned entry; /* approval entry, or the asset file's line; 0 */
	char serial[KESU_BATCH_TEXT_MAX];
	uint64_t size;  /* bytes; 0 when not known (serial alone matches) */
	char asset[KESU_BATCH_TEXT_MAX];
	char model[KESU_BATCH_TEXT_MAX];
	char job_id[KESU_JOB_ID_LEN + 1]; /* a wipe run's job: matched by it alone */
};

enum kesu_batch_by {
	KESU_BATCH_BY_APPROVAL,  /* the approval's media */
	KESU_BATCH_BY_ASSETS,    /* an asset list (CSV) */
	KESU_BATCH_BY_RANGE,     /* the media the ledger holds records of in a date range */
	KESU_BATCH_BY_WIPE_RUN,  /* exactly the jobs of one multi-drive wipe */
};

struct kesu_batch_selection {
	enum kesu_batch_by by;
	const struct kesu_approval *approval; /* BY_APPROVAL: loaded and verified */
	const char *asset_file;               /* BY_ASSETS: its name, for the record */
	/* Only records that ended in since..until (UTC, YYYY-MM-DD or a full
	 * time, inclusive), of that purpose and department, count; NULL or ""
	 * for any. BY_RANGE: the media are those records'. */
	const char *since, *until;
	const char *purpose, *department;
	const struct kesu_batch_expected *expected; /* BY_ASSETS, BY_WIPE_RUN */
	size_t n_expected;
};

/* Reads an asset list: a header row naming the columns asset (required),
 * serial and model (optional, any order), then one medium a row; UTF-8,
 * comma-separated, RFC 4180 quotes. *out is malloc'd. -KESU_EPARSE with
 * err "FILE:LINE: reason" (a row without an asset, a duplicate asset, a
 * column kesu does not know, more than KESU_BATCH_MEDIA_MAX rows). */
int kesu_batch_assets_csv(const char *path, struct kesu_batch_expected **out, size_t *n,
			  char *err, size_t errsize);

/* One medium of the batch, as collected from the ledger. Strings are ""
 * when not known. */
struct kesu_batch_member {
	struct kesu_batch_expected id; /* as expected, or (BY_RANGE) as media.h names it */
	char outcome[32];   /* SUCCESS, ERASED_WITH_EXCEPTIONS, FAILED, UNVERIFIED,
			     * DESTROYED, or MISSING (no record at all) */
	char *erasure;      /* the newest erasure record (wipe or received
			     * certificate; malloc'd JSON text), or NULL */
	char erasure_hash[65];
	uint64_t erasure_seq;
	char *destruction;  /* the destruction record, or NULL */
	char destruction_hash[65];
	uint64_t destruction_seq;
	uint64_t last_seq;  /* the newest record's place in the chain */
	uint64_t order;     /* the selection's order (internal) */
};

struct kesu_batch {
	struct kesu_batch_selection sel;
	struct kesu_batch_member *members; /* missing first, then in selection order */
	size_t n;
};

/* Collects the members of a selection from the ledger: each medium found
 * by kesu/media.h's rule (kesu_media_find_joined; a member naming a job by
 * kesu_media_find_job), its newest erasure and newest destruction within
 * the selection, read by job id; expected media with neither are
 * MISSING. -KESU_EPARSE (err says) when a range selects nothing or more
 * than KESU_BATCH_MEDIA_MAX media. Free with kesu_batch_free. */
int kesu_batch_collect(struct kesu_ledger *l, const struct kesu_batch_selection *sel,
		       struct kesu_batch **out, char *err, size_t errsize);
void kesu_batch_free(struct kesu_batch *b);
/* How many members ended with outcome ("MISSING" too). */
size_t kesu_batch_count(const struct kesu_batch *b, const char *outcome);
/* Every medium has a SUCCESS erasure or a destruction. */
bool kesu_batch_complete(const struct kesu_batch *b);

struct kesu_batch_issued {
	char certificate_id[32];
	char record_id[KESU_JOB_ID_LEN + 1];
	uint64_t seq;
	char record_hash[65];
	char pdf_path[4096];
	bool complete;
};
/* Records the batch in the ledger (kind "batch-certificate", signed with
 * sk), then signs its payload and writes the PDF as out_pdf (NULL: into
 * cert_dir as kesu-<ID>.pdf), PAdES-signed when signing is given. 0, or a
 * negative error with err saying why (payload too large: -EFBIG). */
int kesu_batch_issue(struct kesu_ledger *l, const struct kesu_secret_key *sk,
		     const struct kesu_batch *b, const struct kesu_job_context *ctx,
		     const char *cert_dir, const char *out_pdf, const struct kesu_pdf_style *style,
		     const struct kesu_cert_signing *signing, time_t now,
		     struct kesu_batch_issued *res, char *err, size_t errsize);
/* The batch record (canonical JSON, malloc'd) and the certificate payload
 * made from it: what kesu_batch_issue signs; exposed for tests. */
char *kesu_batch_record(const struct kesu_batch *b, const struct kesu_job_context *ctx,
			const char *record_id, const char *certificate_id, time_t now, size_t *len);
char *kesu_batch_payload(const char *record, uint64_t seq, const char *record_hash, time_t issued,
			 size_t *len);

/* A certificate a batch lists, read back from its payload for kesu cert
 * verify --members. */
struct kesu_batch_ref {
	char certificate_id[64];
	char record_hash[72];  /* the ledger record's hash the member carries */
	char payload_hash[72]; /* a received certificate: "sha256:" of its payload */
	char what[16];         /* erasure or destruction */
	char medium[160];      /* "asset A / serial S", for messages */
};
/* Every certificate listed in a batch payload (missing media have none).
 * *refs malloc'd. -KESU_EPARSE when the payload is not a batch. */
int kesu_batch_refs(const char *payload, size_t len, struct kesu_batch_ref **refs, size_t *n,
		    char *err, size_t errsize);
/* Whether member_payload is the certificate ref names: its certificate id,
 * and its ledger.record_hash (or, for a received certificate, the SHA-256
 * of its payload). 0, or -KESU_EVERIFY with err saying what differs. */
int kesu_batch_ref_check(const struct kesu_batch_ref *ref, const char *member_payload,
			 size_t len, char *err, size_t errsize);

#endif

/* Each medium's life from the ledger (issue 16): approval, erasure
 * attempts, certificates, received contractor certificates, destruction and
 * hand-over (引渡し), folded from the signed records into one timeline per
 * medium, with the state the newest of them gives (docs/workflow.md,
 * "Destruction and hand-over").
 *
 * Identity. A record names a medium by serial and size, by serial alone
 * (a detached medium destroyed by serial has no size), or by asset
 * number. A record belongs to a medium when the serials are equal and the
 * sizes are equal or one is unknown, or when the asset numbers are equal;
 * a record that fits two media joins them into one, unless they differ
 * in serial, size or asset (a serial without a size then goes to the first
 * medium it fits).
 *
 * The folding works on record texts (kesu_media_fold), so that it can be
 * tested without a ledger; kesu_media_load feeds it every finished record. */
#ifndef KESU_MEDIA_H
#define KESU_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kesu/approval.h"
#include "kesu/field_limits.h"
#include "kesu/ledger.h"
#include "kesu/record.h"

/* Order matters only for the names' table. */
enum kesu_media_state {
	KESU_MEDIA_PENDING = 0,   /* approved (or known), nothing done yet */
	KESU_MEDIA_ERASED,        /* the last erasure ended SUCCESS (or a
				   * contractor's certificate was received) */
	KESU_MEDIA_EXCEPTIONS,    /* the last erasure ended ERASED_WITH_EXCEPTIONS */
	KESU_MEDIA_FAILED,        /* the last erasure FAILED, INTERRUPTED,
				   * ABANDONED or UNVERIFIED */
	KESU_MEDIA_DESTROYED,     /* a destruction is recorded */
	KESU_MEDIA_HANDED_OVER,   /* a hand-over is recorded after the rest */
	KESU_MEDIA_STATE_COUNT
};

/* What an event is, for the timeline (the record's own kind is kept too). */
enum kesu_media_event_type {
	KESU_MEDIA_EV_APPROVAL = 0, /* an approval lists the medium */
	KESU_MEDIA_EV_ERASURE,      /* a wipe job (any outcome) */
	KESU_MEDIA_EV_CHECK,        /* a secondary verification (kesu verify) */
	KESU_MEDIA_EV_CERTIFICATE,  /* a PDF signature or countersignature of
				     * one of its certificates, or a batch
				     * certificate listing it */
	KESU_MEDIA_EV_RECEIVED,     /* a contractor's certificate, imported */
	KESU_MEDIA_EV_DESTRUCTION,
	KESU_MEDIA_EV_HANDOVER,
};

#define KESU_MEDIA_SERIAL_MAX 64

struct kesu_media_event {
	uint64_t seq;              /* ledger record number; 0 for an approval
				    * read from its file */
	enum kesu_media_event_type type;
	char kind[32];             /* the record's kind ("wipe", ...) or "approval" */
	char when_utc[32];         /* ended_utc (approval: its issue time or date) */
	char job_id[KESU_JOB_ID_LEN + 1]; /* the record's row id ("" for approvals) */
	char document_id[64];      /* certificate id, approval "NUMBER#ENTRY", ... */
	char hash[72];             /* the record's chain hash (hex); an approval's
				    * "sha256:..." hash */
	char outcome[32];          /* SUCCESS, FAILED, DESTROYED, ... or "" */
	char detail[256];          /* technique, destination and recipient, ... */
	char station[64];          /* from the central store: the station that
				    * recorded it, by its registered name; "" in
				    * a station's own ledger and for approvals */
};

struct kesu_medium {
	char serial[KESU_MEDIA_SERIAL_MAX + 1]; /* "" when unknown */
	uint64_t size;                           /* bytes; 0 when unknown */
	char asset[KESU_LIMIT_BYTES(KESU_LIMIT_ASSET_NUMBER)];
	char model[128];
	enum kesu_media_state state;
	const struct kesu_media_event *state_event; /* the event that gives the
						     * state; NULL when pending
						     * from an approval alone */
	const struct kesu_media_event *handover;    /* the hand-over, or NULL */
	const struct kesu_media_event *destruction; /* the newest, or NULL */
	struct kesu_media_event *events;            /* in chain order */
	size_t n_events;
};

struct kesu_media_set; /* opaque: the media being folded */

struct kesu_media_set *kesu_media_set_new(void);
void kesu_media_set_free(struct kesu_media_set *s);

/* Folds one finished record (canonical JSON) into the set. Records of kinds
 * that name no medium (trust, ...) are ignored. hash: the record's chain
 * hash as kesu_ledger_query gives it. -KESU_EPARSE for a text that is not
 * a JSON object, -ENOMEM. Call in chain order. */
int kesu_media_fold(struct kesu_media_set *s, uint64_t seq, const char *hash, const char *record,
		    char *err, size_t errsize);

/* Adds every medium of an approval file as approved (its events have seq
 * 0, the approval number "#entry" as document id, and its hash). */
int kesu_media_add_approval(struct kesu_media_set *s, const struct kesu_approval *a);

/* Every finished record of the ledger, folded (and finished). */
int kesu_media_load(struct kesu_ledger *l, struct kesu_media_set **out, char *err, size_t errsize);

/* Sorts each medium's events and computes the states; call after the last
 * fold or approval (kesu_media_load does). */
void kesu_media_finish(struct kesu_media_set *s);

size_t kesu_media_count(const struct kesu_media_set *s);
const struct kesu_medium *kesu_media_at(const struct kesu_media_set *s, size_t i);

/* The medium a user names: its serial (and size, when size is not 0), or
 * its asset number. NULL when none. */
const struct kesu_medium *kesu_media_find(const struct kesu_media_set *s, const char *serial,
					  uint64_t size, const char *asset);
/* The same for one word that is a serial or an asset number: a serial
 * match first, then an asset match. */
const struct kesu_medium *kesu_media_find_word(const struct kesu_media_set *s, const char *word);

/* The medium named by serial (and size, when not 0) and asset together,
 * found as a record naming all three would be: the media that fit are
 * joined into one where they can be the same medium (the rule of
 * kesu_media_fold), its events kept in chain order. Nothing is added for
 * an identity no medium fits (*out NULL). Pointers kesu_media_at gave
 * before may be stale after a join. 0, or -ENOMEM. */
int kesu_media_find_joined(struct kesu_media_set *s, const char *serial, uint64_t size,
			   const char *asset, const struct kesu_medium **out);
/* The medium a ledger job (its record's job id) is about, and that
 * record's event in *ev; NULL when no record of the job names a medium. */
const struct kesu_medium *kesu_media_find_job(const struct kesu_media_set *s, const char *job_id,
					      const struct kesu_media_event **ev);

/* Whether an event names an approval number (from a record citing it, or
 * the approval's own entries). */
bool kesu_media_has_approval(const struct kesu_medium *m, const char *number);

/* The station a medium was last handled at (central store: the station of
 * its latest event by time, among those that name one); NULL when none
 * does (a station's own ledger). */
const char *kesu_media_last_station(const struct kesu_medium *m);

/* pending, erased, exceptions, failed, destroyed, handed-over */
const char *kesu_media_state_name(enum kesu_media_state s);
/* 未処理, 消去済, 例外付き消去, 消去失敗, 物理破壊済, 引渡し済 */
const char *kesu_media_state_ja(enum kesu_media_state s);
/* Parses a state name: 0, or -KESU_EPARSE naming the allowed ones. */
int kesu_media_state_parse(const char *name, enum kesu_media_state *s, char *err, size_t errsize);
/* approval, erasure, check, certificate, received, destruction, handover */
const char *kesu_media_event_type_name(enum kesu_media_event_type t);

/* ---- Hand-over (引渡し), NIST SP 800-88 Rev. 1 Appendix G ---- */

enum kesu_destination {
	KESU_DEST_LEASE_RETURN = 0,
	KESU_DEST_REUSE,
	KESU_DEST_RECYCLE,
	KESU_DEST_DESTROYED,
	KESU_DEST_VENDOR,
	KESU_DEST_COUNT
};
/* lease-return, reuse, recycle, destroyed, vendor */
const char *kesu_destination_name(enum kesu_destination d);
/* リース返却, 再利用, リサイクル, 廃棄(破壊済), ベンダー返却 */
const char *kesu_destination_ja(enum kesu_destination d);
int kesu_destination_parse(const char *name, enum kesu_destination *d, char *err,
			   size_t errsize);

struct kesu_handover {
	enum kesu_destination destination;
	const char *to;            /* the receiving organisation (required) */
	const char *received_by;   /* the person who received it, or NULL */
	const char *date;          /* YYYY-MM-DD; NULL: today (local) */
	const char *force_reason;  /* NULL unless the operator forces it */
};

/* Why a hand-over may not be recorded. */
enum kesu_handover_refusal {
	KESU_HANDOVER_OK = 0,
	KESU_HANDOVER_BAD_INPUT,      /* a field: bad date, invalid UTF-8, too long */
	KESU_HANDOVER_NOT_READY,      /* lease-return or reuse of a medium that is
				       * pending, failed or exceptions, unforced */
	KESU_HANDOVER_NOT_DESTROYED,  /* destination destroyed without a destruction */
	KESU_HANDOVER_ALREADY,        /* the medium was handed over already */
};

/* Judges a hand-over of m at now; err says why (one line, naming the
 * medium). */
enum kesu_handover_refusal kesu_handover_check(const struct kesu_medium *m,
					       const struct kesu_handover *h, time_t now,
					       char *err, size_t errsize);

/* The "handover" record (canonical JSON, malloc'd; NULL for text that
 * is not valid UTF-8): "kesu_record":1, "kind", "job_id": id, "medium"
 * {serial, size_bytes, asset_number, model}, destination, to,
 * received_by, date, state_before, force_reason, state_record (the
 * record that gave the state: job_id, seq, hash, or null), operator,
 * organisation, ..., station (as a wipe record), ended_utc/local. */
char *kesu_handover_record(const struct kesu_medium *m, const struct kesu_handover *h,
			   const struct kesu_job_context *ctx, const char *id, time_t now,
			   size_t *len);

/* The ledger subject of a medium's records: "medium:SERIAL" or
 * "asset:ASSET". */
void kesu_media_subject(const struct kesu_medium *m, char *buf, size_t size);

#endif

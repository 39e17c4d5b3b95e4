/* Central verification: every station's chain in the central store
 * checked end to end (gaps, links, hashes, canonical form, signatures
 * under the key the station registered), and the store's alarms with
 * their acknowledgements (docs/central-review.md). */
#ifndef KESU_CENTRAL_VERIFY_H
#define KESU_CENTRAL_VERIFY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/central.h"

/* What a central verify found wrong with one record of one station. */
struct kesu_central_finding {
	const char *station;     /* fingerprint */
	const char *name;        /* the station's name */
	uint64_t seq;            /* the record (a gap: the first missing seq) */
	uint64_t last_seq;       /* a gap: the last missing seq; else seq */
	const char *kind;        /* "gap", "chain" or "signature" (as kesu.alarms) */
	const char *detail;      /* English, one line (it is stored as the alarm's detail) */
	const char *why;         /* what is wrong, in the reader's language, without the seq */
	bool recorded;           /* stored as a new alarm by this run */
	bool known;              /* an alarm for (station, seq, kind) existed already */
};

/* One station's verdict, after all its records were read. */
struct kesu_central_station {
	const char *fingerprint, *name;
	uint64_t records;        /* rows read */
	uint64_t head_seq;       /* the highest seq held (0: none) */
	uint64_t findings;       /* problems found in its chain */
	const char *key_problem; /* its registered public key is unusable; NULL when fine */
};

struct kesu_central_verify_summary {
	uint64_t stations, records, findings;
	bool read_only;          /* this role may not store alarms: findings were not recorded */
	bool own_station;        /* a station's role: only its own chain was checked (row-level
				  * security hides the others' rows from it) */
};

struct kesu_central_verify_cb {
	/* Called for every finding, in station and seq order. */
	int (*finding)(const struct kesu_central_finding *f, void *ctx);
	/* Called once per station after its records. */
	int (*station)(const struct kesu_central_station *s, void *ctx);
	void *ctx;
};

/* Reads every station's records in seq order (a cursor, in batches: a
 * store of millions of rows is never held in memory) and checks them as
 * kesu_ledger_verify checks a local ledger. Findings are stored as alarms
 * (at most once per station, seq and kind) when the role owns the store;
 * other roles only read, and the summary says so. 0 when every chain
 * holds, -KESU_EVERIFY when something was found, or another negative
 * error (the store cannot be read). A callback's non-zero return stops
 * the run and is returned. */
int kesu_central_verify(struct kesu_central *c, const struct kesu_central_verify_cb *cb,
			struct kesu_central_verify_summary *sum, char *err, size_t errsize);

/* One alarm of kesu.alarms, with its acknowledgement when it has one. */
struct kesu_central_alarm {
	int64_t id;
	const char *station, *name; /* fingerprint, station name */
	uint64_t seq;               /* 0 when the alarm names no record */
	const char *kind, *detail, *raised; /* raised: UTC, YYYY-MM-DDTHH:MM:SSZ */
	bool acknowledged;
	const char *ack_by, *ack_at, *ack_reason; /* NULL when not acknowledged */
};

/* Calls fn for every alarm in id order: the unacknowledged ones only, or
 * all when all is set. fn returns non-zero to stop (returned). */
int kesu_central_alarms(struct kesu_central *c, bool all,
			int (*fn)(const struct kesu_central_alarm *a, void *ctx), void *ctx,
			char *err, size_t errsize);

/* Acknowledges alarm id with reason (non-empty, valid UTF-8), as the
 * connected role: -KESU_ENOTFOUND for no such alarm, -EEXIST when it is
 * acknowledged already, -EACCES when the role may not, -KESU_EPARSE for a
 * bad reason. An alarm is never changed: the acknowledgement is a row of
 * its own, so clearing one always says who and why. */
int kesu_central_ack(struct kesu_central *c, int64_t id, const char *reason, char *err,
		     size_t errsize);
#endif

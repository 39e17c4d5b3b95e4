/* Pushing a station's ledger to the central store (docs/central.md), and
 * remembering in the ledger how far that got, so that kesu ledger status
 * can say what waits to be sent without a network. The local ledger stays
 * the source of truth: a push only ever copies finished records (and
 * their certificates) out of it. */
#ifndef KESU_PUSH_H
#define KESU_PUSH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/central.h"
#include "kesu/key.h"
#include "kesu/ledger.h"

#define KESU_PUSH_BATCH 1000 /* records per transaction: a lost connection loses one */

struct kesu_push_result {
	uint64_t local_head;     /* the local ledger's last record */
	uint64_t store_before;   /* the store's last record of this station before */
	uint64_t store_head;     /* and after the push */
	uint64_t sent;           /* records the store took */
	uint64_t documents;      /* certificates sent (new or changed) */
	uint64_t fork_seq;       /* 0, or the first record the store holds differently */
	char fork_detail[512];   /* the store's alarm about it */
	char store_head_hash[65];
};

/* Pushes every finished record of l after the store's head for the
 * station whose public key is pk, in seq order, KESU_PUSH_BATCH to a
 * transaction, with the PDFs found as cert_dir/kesu-CERTIFICATE-ID.pdf
 * (cert_dir NULL: none). The logged-in role must be that station's
 * (-EACCES otherwise). When the store's chain differs from the local one
 * the local records from the first difference are offered (the store
 * keeps them as evidence and raises a fork alarm) and the result is
 * -KESU_EVERIFY with err "central store X: fork: record N ...". Other
 * failures: -EIO etc. with err naming the store, never a password.
 * result is filled as far as the push got. */
int kesu_push(struct kesu_central *c, struct kesu_ledger *l, const struct kesu_public_key *pk,
	      const char *cert_dir, struct kesu_push_result *result, char *err, size_t errsize);

/* kesu_push to the store at url (connecting and closing), recording the
 * attempt in the ledger's push state under kesu_central_url_name(url):
 * on success how far the store holds the chain, on failure err too. */
int kesu_push_to(const char *url, struct kesu_ledger *l, const struct kesu_public_key *pk,
		 const char *cert_dir, struct kesu_push_result *result, char *err, size_t errsize);

/* The first place two chains differ, given that they differ at hi and
 * that a chain hash covers everything before it (so once two chains
 * differ they never agree again): binary search over [1, hi] with
 * same(seq) telling whether the two hold the same hash at seq (1 yes,
 * 0 no, negative: an error, returned). *first receives the seq. */
int kesu_push_first_divergent(uint64_t hi, int (*same)(uint64_t seq, void *ctx), void *ctx,
			      uint64_t *first);

/* ---- The ledger's push state (ledger schema 4) ---- */

struct kesu_push_state {
	char server[512];       /* kesu_central_url_name: never a password */
	char station[KESU_FINGERPRINT_SIZE];
	uint64_t pushed_seq;    /* the store holds this station's records up to here */
	char pushed_hash[65];
	char pushed_utc[32];    /* when that was last confirmed ("" never) */
	char attempt_utc[32];   /* the last attempt */
	char last_error[1024];  /* "" when the last attempt succeeded */
};

/* The state for server: 1 found, 0 never pushed there (or a ledger from
 * before schema 4, read as it is), or a negative error. */
int kesu_push_state_get(struct kesu_ledger *l, const char *server, struct kesu_push_state *state,
			char *err, size_t errsize);

/* What waits to be sent to server (kesu ledger status, kesu check): the
 * ledger's head, the push state (found as kesu_push_state_get says) and
 * the records after those the store holds. Reads the ledger only. */
struct kesu_push_outbox {
	uint64_t head;      /* the ledger's last seq */
	int found;          /* 1: state holds the last push there; 0: never pushed */
	struct kesu_push_state state;
	uint64_t pushed;    /* the store holds records up to here (0: none) */
	uint64_t waiting;   /* head - pushed */
};
int kesu_push_outbox(struct kesu_ledger *l, const char *server, struct kesu_push_outbox *outbox,
		     char *err, size_t errsize);

/* Records an attempt: with error NULL a success (pushed up to seq, hash,
 * now), else the error (the pushed seq stays what it was, unless seq is
 * not 0: the store was reached and holds that much). */
int kesu_push_state_record(struct kesu_ledger *l, const char *server, const char *station,
			   uint64_t seq, const char *hash, const char *error, char *err,
			   size_t errsize);
#endif

/* Where each medium of an approval stands, from the ledger (kesu approval
 * status): the question the 2019 leak raised — for every medium approved
 * for disposal, where is its proof? (issue 14, docs/approvals.md) */
#ifndef KESU_APPROVAL_STATUS_H
#define KESU_APPROVAL_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "kesu/approval.h"
#include "kesu/ledger.h"

/* Weakest first: a medium shows the strongest proof the ledger holds. */
enum kesu_medium_state {
	KESU_MEDIUM_PENDING = 0, /* no record yet */
	KESU_MEDIUM_FAILED,      /* only jobs that did not end SUCCESS */
	KESU_MEDIUM_EXCEPTIONS,  /* erased with exceptions (ERASED_WITH_EXCEPTIONS): the
				  * certificate says what remains; not proof of the
				  * whole medium, so the entry is not spent */
	KESU_MEDIUM_ERASED,      /* a SUCCESS wipe on a station of this ledger */
	KESU_MEDIUM_RECEIVED,    /* a contractor's SUCCESS certificate, imported */
	KESU_MEDIUM_DESTROYED,   /* physically destroyed (recorded) */
};

struct kesu_medium_status {
	const struct kesu_approval_medium *medium;
	enum kesu_medium_state state;
	char by[128];              /* the operator who erased, or the contractor */
	char station[128];         /* the station's host name or key fingerprint */
	char certificate_id[40];
	char when_utc[32];
	uint64_t seq;              /* the record that gives the state; 0 when pending */
	unsigned failures;         /* records of jobs that did not end SUCCESS */
};

/* Fills out[i] for a->media[i] (out holds a->n_media entries). */
int kesu_approval_status(struct kesu_ledger *l, const struct kesu_approval *a,
			 struct kesu_medium_status *out, char *err, size_t errsize);

/* pending, failed, exceptions, erased, received, destroyed */
const char *kesu_medium_state_name(enum kesu_medium_state s);
/* 未処理, 消去失敗, 例外付き消去, 消去済, 証明書受領, 物理破壊済 */
const char *kesu_medium_state_ja(enum kesu_medium_state s);

#endif

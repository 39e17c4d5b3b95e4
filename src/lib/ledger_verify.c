/* kesu_ledger_verify: every finished record re-checked in chain order.
 *
 * What a record's own bytes prove (canonical form, its job id, its hash,
 * the station's signature) does not depend on its neighbours, so records
 * are read in batches and those checks run on two threads; the order
 * checks (sequence numbers, each prev_hash equal to the hash before) then
 * walk the batch in order, and the first bad record is named exactly as a
 * one-by-one check would name it. The canonical form is checked in one
 * pass (canonical_scan.c). A register over 100,000 records spends most of
 * its time here, in Ed25519 (docs/register.md). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "canonical_json.h"
#include "kesu/error.h"
#include "kesu/ledger.h"
#include "ledger_internal.h"
#include "i18n.h"

#define BATCH 1024

struct checked_row {
	char *job_id;                 /* malloc'd: a tampered id may be any length */
	bool has_seq;
	uint64_t seq;
	char *record;
	size_t record_len;
	char prev_hex[65], hash_hex[65], sig_hex[129];
	uint8_t computed[32];
	const char *problem; /* of the record's own bytes; NULL when sound */
};

struct batch {
	struct checked_row rows[BATCH];
	size_t n;
	const struct kesu_public_key *pk;
};

/* The checks that need nothing but the row and the key. */
static const char *own_bytes_problem(struct checked_row *r, const struct kesu_public_key *pk)
{
	uint8_t prev[32], stored[32], sig[64];
	const char *id;
	size_t id_len;
	if (!r->record || !Kesu_json_canonical_scan(r->record, r->record_len, "job_id", &id, &id_len))
		return _("the record is not canonical JSON: it was edited");
	if (!id || id_len != strlen(r->job_id) || memcmp(id, r->job_id, id_len) != 0)
		return _("the record belongs to another job id");
	if (!Kesu_ledger_hex32(r->prev_hex, prev))
		return _("does not link to the record before it (prev_hash differs): records were "
		       "removed, inserted or reordered");
	Kesu_ledger_chain_hash(prev, r->seq, r->record, r->record_len, r->computed);
	if (!Kesu_ledger_hex32(r->hash_hex, stored) || memcmp(stored, r->computed, 32) != 0)
		return _("the record does not match its hash: it was edited");
	if (strlen(r->sig_hex) != 128 ||
	    sodium_hex2bin(sig, sizeof(sig), r->sig_hex, 128, NULL, NULL, NULL) != 0 ||
	    kesu_verify_raw(pk, r->computed, 32, sig) != 0)
		return _("the signature is not the station key's: the record was forged or re-signed");
	return NULL;
}

struct half {
	struct batch *b;
	size_t first; /* every second row from here */
};

static void *check_half(void *arg)
{
	struct half *h = arg;
	for (size_t i = h->first; i < h->b->n; i += 2)
		h->b->rows[i].problem = own_bytes_problem(&h->b->rows[i], h->b->pk);
	return NULL;
}

static void check_batch(struct batch *b)
{
	struct half odd = {b, 1}, even = {b, 0};
	pthread_t t;
	bool threaded = b->n > 1 && pthread_create(&t, NULL, check_half, &odd) == 0;
	check_half(&even);
	if (threaded)
		pthread_join(t, NULL);
	else
		check_half(&odd);
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
	const char *s = (const char *)sqlite3_column_text(st, col);
	snprintf(dst, size, "%s", s ? s : "");
}

/* Reads the next row into r: 0, or -ENOMEM. */
static int read_row(sqlite3_stmt *st, struct checked_row *r)
{
	const char *id = (const char *)sqlite3_column_text(st, 0);
	r->record = NULL;
	if (!(r->job_id = strdup(id ? id : "")))
		return -ENOMEM;
	r->has_seq = sqlite3_column_type(st, 1) != SQLITE_NULL;
	r->seq = (uint64_t)sqlite3_column_int64(st, 1);
	const char *record = (const char *)sqlite3_column_text(st, 2);
	r->record_len = (size_t)sqlite3_column_bytes(st, 2);
	r->record = record ? malloc(r->record_len + 1) : NULL;
	if (record && !r->record)
		return -ENOMEM;
	if (record)
		memcpy(r->record, record, r->record_len + 1);
	copy_text(r->prev_hex, sizeof(r->prev_hex), st, 3);
	copy_text(r->hash_hex, sizeof(r->hash_hex), st, 4);
	copy_text(r->sig_hex, sizeof(r->sig_hex), st, 5);
	r->problem = NULL;
	return 0;
}

static void free_rows(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->rows[i].record);
		free(b->rows[i].job_id);
	}
	b->n = 0;
}

/* Walks a checked batch in chain order; false at the first bad record,
 * with the report naming it. */
static bool walk_batch(const struct batch *b, uint8_t prev[32], struct kesu_ledger_report *r)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct checked_row *row = &b->rows[i];
		uint64_t expected = r->records + 1;
		uint8_t stored_prev[32];
		if (!row->has_seq)
			snprintf(r->problem, sizeof(r->problem), _("finished but has no place in the chain"));
		else if (row->seq != expected)
			snprintf(r->problem, sizeof(r->problem), _("sequence number %llu where %llu was "
				 "expected: a record is missing or was inserted"),
				 (unsigned long long)row->seq, (unsigned long long)expected);
		else if (!Kesu_ledger_hex32(row->prev_hex, stored_prev) || memcmp(stored_prev, prev, 32) != 0)
			snprintf(r->problem, sizeof(r->problem), _("does not link to the record before it "
				 "(prev_hash differs): records were removed, inserted or reordered"));
		else if (row->problem)
			snprintf(r->problem, sizeof(r->problem), "%s", row->problem);
		else {
			memcpy(prev, row->computed, 32);
			r->records++;
			continue;
		}
		r->first_bad_seq = expected;
		snprintf(r->first_bad_job, sizeof(r->first_bad_job), "%s", row->job_id);
		return false;
	}
	return true;
}

static int count_open(struct kesu_ledger *l, uint64_t *open, char *err, size_t errsize)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, "SELECT count(*) FROM jobs WHERE state != 'finished'", -1, &st,
			       NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot read", err, errsize);
	if (sqlite3_step(st) == SQLITE_ROW)
		*open = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
}

int kesu_ledger_verify(struct kesu_ledger *l, const struct kesu_public_key *pk,
		       struct kesu_ledger_report *r, char *err, size_t errsize)
{
	memset(r, 0, sizeof(*r));
	if (l->central) /* every station's chain: kesu_central_verify */
		return Kesu_central_ledger_refuse(l, err, errsize);
	int rc = count_open(l, &r->open_jobs, err, errsize);
	if (rc < 0)
		return rc;
	/* Records without a sequence number sort first, so they are found. */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, "SELECT job_id, seq, record, prev_hash, hash, signature"
				      " FROM jobs WHERE state = 'finished' ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot read", err, errsize);
	struct batch *b = calloc(1, sizeof(*b));
	if (!b) {
		sqlite3_finalize(st);
		return -ENOMEM;
	}
	b->pk = pk;
	uint8_t prev[32] = {0};
	int step = SQLITE_ROW;
	while (rc == 0 && step == SQLITE_ROW) {
		while (b->n < BATCH && (step = sqlite3_step(st)) == SQLITE_ROW)
			if ((rc = read_row(st, &b->rows[b->n++])) < 0)
				break;
		if (rc == 0) {
			check_batch(b);
			if (!walk_batch(b, prev, r))
				rc = -KESU_EVERIFY;
		}
		free_rows(b);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = Kesu_ledger_fail(l, "cannot read", err, errsize);
	if (rc == -ENOMEM)
		snprintf(err, errsize, _("ledger %s: out of memory while verifying"), l->path);
	sqlite3_finalize(st);
	free(b);
	sodium_bin2hex(r->head_hash, sizeof(r->head_hash), prev, 32);
	return rc;
}

/* The chain of finished records: finishing (hash, sign, link) and
 * verifying it end to end. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "canonical_json.h"
#include "kesu/error.h"
#include "kesu/record.h"
#include "ledger_internal.h"
#include "i18n.h"

static const char domain[] = "kesu-ledger-v1";

void Kesu_ledger_chain_hash(const uint8_t prev[32], uint64_t seq, const char *record, size_t len,
			    uint8_t out[32])
{
	uint8_t seq_be[8];
	for (int i = 0; i < 8; i++)
		seq_be[i] = (uint8_t)(seq >> (56 - 8 * i));
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, (const uint8_t *)domain, sizeof(domain)); /* with its NUL */
	crypto_generichash_update(&h, prev, 32);
	crypto_generichash_update(&h, seq_be, sizeof(seq_be));
	crypto_generichash_update(&h, (const uint8_t *)record, len);
	crypto_generichash_final(&h, out, 32);
}

/* The last record's sequence number and hash (zeros before the first). */
static int chain_head(struct kesu_ledger *l, uint64_t *seq, uint8_t hash[32], char *err, size_t errsize)
{
	sqlite3_stmt *st;
	*seq = 0;
	memset(hash, 0, 32);
	if (sqlite3_prepare_v2(l->db, "SELECT seq, hash FROM jobs WHERE state = 'finished'"
				      " ORDER BY seq DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot read the chain", err, errsize);
	int rc = 0, step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*seq = (uint64_t)sqlite3_column_int64(st, 0);
		const char *hex = (const char *)sqlite3_column_text(st, 1);
		if (!hex || sodium_hex2bin(hash, 32, hex, strlen(hex), NULL, NULL, NULL) != 0) {
			snprintf(err, errsize, _("ledger %s: the last record's hash is damaged (run kesu ledger verify)"),
				 l->path);
			rc = -KESU_EVERIFY;
		}
	} else if (step != SQLITE_DONE) {
		rc = Kesu_ledger_fail(l, "cannot read the chain", err, errsize);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Links record to the head of the chain and finishes the job row, inside
 * the caller's write transaction. */
static int finish_locked(struct kesu_ledger *l, const char *job_id, const char *record,
			 size_t record_len, const struct kesu_secret_key *sk, uint64_t *seq_out,
			 char hash_hex[65], char *err, size_t errsize)
{
	int rc;
	uint64_t seq;
	uint8_t prev[32], hash[32], sig[64];
	rc = chain_head(l, &seq, prev, err, errsize);
	if (rc == 0) {
		seq++;
		Kesu_ledger_chain_hash(prev, seq, record, record_len, hash);
		rc = kesu_sign_raw(sk, hash, sizeof(hash), sig);
		if (rc < 0)
			snprintf(err, errsize, _("ledger: cannot sign the record of job %s"), job_id);
	}
	sqlite3_stmt *st = NULL;
	if (rc == 0 &&
	    sqlite3_prepare_v2(l->db, "UPDATE jobs SET state = 'finished', seq = ?, record = ?,"
				      " prev_hash = ?, hash = ?, signature = ?, key_fingerprint = ?,"
				      " finished_utc = ? WHERE job_id = ? AND state != 'finished'",
			       -1, &st, NULL) != SQLITE_OK)
		rc = Kesu_ledger_fail(l, "cannot finish the job", err, errsize);
	if (rc == 0) {
		char prev_hex[65], sig_hex[129], fpr[96], now[32];
		struct kesu_public_key pk;
		kesu_key_public_from_secret(sk, &pk);
		kesu_key_fingerprint(&pk, fpr, sizeof(fpr));
		sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, 32);
		sodium_bin2hex(hash_hex, 65, hash, 32);
		sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, 64);
		kesu_time_utc(time(NULL), now);
		sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
		sqlite3_bind_text(st, 2, record, (int)record_len, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, prev_hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 4, hash_hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 5, sig_hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 6, fpr, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 7, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 8, job_id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = Kesu_ledger_fail(l, "cannot finish the job", err, errsize);
		else if (sqlite3_changes(l->db) != 1) {
			snprintf(err, errsize, _("ledger %s: no unfinished job %s"), l->path, job_id);
			rc = -KESU_ENOTFOUND;
		}
	}
	sqlite3_finalize(st);
	if (rc == 0)
		*seq_out = seq;
	sodium_memzero(sig, sizeof(sig));
	return rc;
}

static int commit_or_rollback(struct kesu_ledger *l, int rc, char *err, size_t errsize)
{
	if (rc == 0)
		return Kesu_ledger_exec(l, "COMMIT", err, errsize);
	sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

int kesu_ledger_finish(struct kesu_ledger *l, const char *job_id, const char *record,
		       size_t record_len, const struct kesu_secret_key *sk, uint64_t *seq_out,
		       char hash_hex[65], char *err, size_t errsize)
{
	if (l->central)
		return Kesu_central_ledger_refuse(l, err, errsize);
	if (!Kesu_json_is_canonical(record, record_len)) {
		snprintf(err, errsize, _("ledger: the record of job %s is not canonical JSON"), job_id);
		return -KESU_EPARSE;
	}
	/* IMMEDIATE takes the write lock now, so two kesu processes finishing
	 * at the same time cannot both link to the same head. */
	int rc = Kesu_ledger_exec(l, "BEGIN IMMEDIATE", err, errsize);
	if (rc < 0)
		return rc;
	rc = finish_locked(l, job_id, record, record_len, sk, seq_out, hash_hex, err, errsize);
	return commit_or_rollback(l, rc, err, errsize);
}

/* Appends inside one write transaction; head_seq (when not NULL) must
 * still be the chain's last record once the write lock is held. */
static int append_locked(struct kesu_ledger *l, const char *subject, const char *kind,
			 const char *record, size_t record_len, const struct kesu_secret_key *sk,
			 const char *id, const uint64_t *head_seq, uint64_t *seq_out,
			 char hash_hex[65], char *err, size_t errsize)
{
	if (l->central)
		return Kesu_central_ledger_refuse(l, err, errsize);
	if (!Kesu_json_is_canonical(record, record_len)) {
		snprintf(err, errsize, _("ledger: the %s record is not canonical JSON"), kind);
		return -KESU_EPARSE;
	}
	int rc = Kesu_ledger_exec(l, "BEGIN IMMEDIATE", err, errsize);
	if (rc < 0)
		return rc;
	if (head_seq) {
		uint64_t now_seq;
		uint8_t prev[32];
		rc = chain_head(l, &now_seq, prev, err, errsize);
		if (rc == 0 && now_seq != *head_seq) {
			snprintf(err, errsize, _("ledger %s: record %llu was added after the %s was "
					       "judged on record %llu"), l->path,
				 (unsigned long long)now_seq, kind, (unsigned long long)*head_seq);
			rc = -EAGAIN;
		}
	}
	/* The row exists only inside this transaction before it is finished:
	 * a crash leaves nothing, never an open "job" for an event. */
	char plan[96];
	snprintf(plan, sizeof(plan), "{\"kind\":\"%s\"}", kind);
	if (rc == 0)
		rc = Kesu_ledger_insert_running(l, id, subject, plan, err, errsize);
	if (rc == 0)
		rc = finish_locked(l, id, record, record_len, sk, seq_out, hash_hex, err, errsize);
	return commit_or_rollback(l, rc, err, errsize);
}

int kesu_ledger_append(struct kesu_ledger *l, const char *subject, const char *kind,
		       const char *record, size_t record_len, const struct kesu_secret_key *sk,
		       const char *id, uint64_t *seq_out, char hash_hex[65], char *err,
		       size_t errsize)
{
	return append_locked(l, subject, kind, record, record_len, sk, id, NULL, seq_out, hash_hex,
			     err, errsize);
}

int kesu_ledger_append_at(struct kesu_ledger *l, uint64_t head_seq, const char *subject,
			  const char *kind, const char *record, size_t record_len,
			  const struct kesu_secret_key *sk, const char *id, uint64_t *seq_out,
			  char hash_hex[65], char *err, size_t errsize)
{
	return append_locked(l, subject, kind, record, record_len, sk, id, &head_seq, seq_out,
			     hash_hex, err, errsize);
}

int kesu_ledger_head_seq(struct kesu_ledger *l, uint64_t *seq, char *err, size_t errsize)
{
	uint8_t prev[32];
	return chain_head(l, seq, prev, err, errsize);
}

bool Kesu_ledger_hex32(const char *hex, uint8_t out[32])
{
	return hex && strlen(hex) == 64 && sodium_hex2bin(out, 32, hex, 64, NULL, NULL, NULL) == 0;
}

/* Whether a looked-up record is still what was chained and signed: the
 * stored hash column alone proves nothing, since anyone who dropped the
 * triggers can edit the record beside it. */
static int lookup_check(struct kesu_ledger *l, sqlite3_stmt *st, const struct kesu_public_key *pk,
			char *err, size_t errsize)
{
	const char *record = (const char *)sqlite3_column_text(st, 0);
	size_t len = (size_t)sqlite3_column_bytes(st, 0);
	uint64_t seq = (uint64_t)sqlite3_column_int64(st, 1);
	const char *job_id = (const char *)sqlite3_column_text(st, 5);
	const char *sig_hex = (const char *)sqlite3_column_text(st, 4);
	uint8_t prev[32], stored[32], computed[32], sig[64];
	const char *problem = NULL;
	struct json_object *doc = record ? Kesu_json_parse_canonical(record, len) : NULL, *id = NULL;
	if (!doc) {
		problem = "is not canonical JSON: it was edited";
	} else if (!Kesu_ledger_hex32((const char *)sqlite3_column_text(st, 3), prev) ||
		   !Kesu_ledger_hex32((const char *)sqlite3_column_text(st, 2), stored)) {
		problem = "has a damaged hash column";
	} else {
		bool same_id = json_object_object_get_ex(doc, "job_id", &id) &&
			       strcmp(json_object_get_string(id), job_id ? job_id : "") == 0;
		Kesu_ledger_chain_hash(prev, seq, record, len, computed);
		if (!same_id)
			problem = "belongs to another job id: it was edited or copied";
		else if (memcmp(computed, stored, 32) != 0)
			problem = "does not match its hash: it was edited";
		else if (pk && (!sig_hex || strlen(sig_hex) != 128 ||
				sodium_hex2bin(sig, sizeof(sig), sig_hex, 128, NULL, NULL, NULL) != 0 ||
				kesu_verify_raw(pk, computed, 32, sig) != 0))
			problem = "is not signed by the station key: it was forged or re-signed";
	}
	json_object_put(doc);
	if (!problem)
		return 0;
	snprintf(err, errsize, _("ledger %s: record %llu (job %s) %s"), l->path, (unsigned long long)seq,
		 job_id ? job_id : "?", problem);
	return -KESU_EVERIFY;
}

int kesu_ledger_lookup_checked(struct kesu_ledger *l, const char *id,
			       const struct kesu_public_key *pk, char **record, uint64_t *seq,
			       char hash_hex[65], char *err, size_t errsize)
{
	if (l->central) /* checked with the key the record's station registered */
		return Kesu_central_ledger_lookup(l, id, record, seq, hash_hex, err, errsize);
	sqlite3_stmt *st;
	*record = NULL;
	if (sqlite3_prepare_v2(l->db, "SELECT record, seq, hash, prev_hash, signature, job_id FROM jobs"
				      " WHERE state = 'finished'"
				      " AND (job_id = ?1 OR json_extract(record, '$.certificate_id') = ?1)",
			       -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot read", err, errsize);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW && (rc = lookup_check(l, st, pk, err, errsize)) == 0) {
		*record = strdup((const char *)sqlite3_column_text(st, 0));
		*seq = (uint64_t)sqlite3_column_int64(st, 1);
		snprintf(hash_hex, 65, "%s", sqlite3_column_text(st, 2));
		rc = *record ? 1 : -ENOMEM;
	} else if (step != SQLITE_ROW && step != SQLITE_DONE) {
		rc = Kesu_ledger_fail(l, "cannot read", err, errsize);
	}
	sqlite3_finalize(st);
	return rc;
}

int kesu_ledger_lookup(struct kesu_ledger *l, const char *id, char **record, uint64_t *seq,
		       char hash_hex[65], char *err, size_t errsize)
{
	return kesu_ledger_lookup_checked(l, id, NULL, record, seq, hash_hex, err, errsize);
}

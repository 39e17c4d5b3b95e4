/* ledger_rewrite LEDGER SECRET-KEY SEQ OLD NEW: what a station's owner
 * could do to its own ledger after it pushed: replace the first OLD with
 * NEW in record SEQ (the same length class of string keeps the record
 * canonical), then re-chain and re-sign records SEQ..head with the
 * station's own key, going around the ledger's triggers as anyone with
 * the file can. The local `kesu ledger verify` passes afterwards; only the
 * central store, which holds the first version, can tell (a fork).
 * A test tool (test_central_verify.sh): never installed. */
#include <inttypes.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/key.h"
#include "ledger_internal.h"

static const char *const triggers =
	"CREATE TRIGGER jobs_finished_no_update BEFORE UPDATE ON jobs WHEN OLD.state = 'finished'"
	"  BEGIN SELECT RAISE(ABORT, 'finished ledger records cannot be changed'); END;";

static int fail(const char *what, sqlite3 *db)
{
	fprintf(stderr, "ledger_rewrite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: ledger_rewrite LEDGER SECRET-KEY SEQ OLD NEW\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	char err[KESU_ERRMSG_MAX];
	struct kesu_secret_key *sk;
	if (kesu_key_load_secret(argv[2], NULL, &sk, err, sizeof(err)) < 0) {
		fprintf(stderr, "ledger_rewrite: %s\n", err);
		return 1;
	}
	int64_t from = strtoll(argv[3], NULL, 10);
	sqlite3 *db;
	if (sqlite3_open(argv[1], &db) != SQLITE_OK)
		return fail("open", db);
	if (sqlite3_exec(db, "BEGIN IMMEDIATE; DROP TRIGGER jobs_finished_no_update;", NULL, NULL,
			 NULL) != SQLITE_OK)
		return fail("drop trigger", db);
	sqlite3_stmt *rd, *wr;
	if (sqlite3_prepare_v2(db, "SELECT seq, record, prev_hash FROM jobs WHERE state = 'finished'"
				   " AND seq >= ? ORDER BY seq", -1, &rd, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE jobs SET record = ?, prev_hash = ?, hash = ?, signature = ?"
				   " WHERE seq = ?", -1, &wr, NULL) != SQLITE_OK)
		return fail("prepare", db);
	sqlite3_bind_int64(rd, 1, from);
	uint8_t prev[32];
	bool first = true, replaced = false;
	/* Read everything first: the updates must not disturb the scan. */
	struct row { int64_t seq; char *record; } rows[4096];
	size_t n = 0;
	char first_prev[65] = "";
	while (sqlite3_step(rd) == SQLITE_ROW && n < 4096) {
		rows[n].seq = sqlite3_column_int64(rd, 0);
		rows[n].record = strdup((const char *)sqlite3_column_text(rd, 1));
		if (first)
			snprintf(first_prev, sizeof(first_prev), "%s", sqlite3_column_text(rd, 2));
		first = false;
		n++;
	}
	sqlite3_finalize(rd);
	if (!n || !Kesu_ledger_hex32(first_prev, prev)) {
		fprintf(stderr, "ledger_rewrite: no record %" PRId64 "\n", from);
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		char *rec = rows[i].record;
		if (i == 0) {
			char *at = strstr(rec, argv[4]);
			if (!at || strlen(argv[4]) != strlen(argv[5])) {
				fprintf(stderr, "ledger_rewrite: \"%s\" is not in record %" PRId64
					" (or NEW has another length)\n", argv[4], from);
				return 1;
			}
			memcpy(at, argv[5], strlen(argv[5]));
			replaced = true;
		}
		uint8_t hash[32], sig[64];
		char prev_hex[65], hash_hex[65], sig_hex[129];
		sodium_bin2hex(prev_hex, sizeof(prev_hex), prev, 32);
		Kesu_ledger_chain_hash(prev, (uint64_t)rows[i].seq, rec, strlen(rec), hash);
		kesu_sign_raw(sk, hash, 32, sig);
		sodium_bin2hex(hash_hex, sizeof(hash_hex), hash, 32);
		sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, 64);
		sqlite3_reset(wr);
		sqlite3_bind_text(wr, 1, rec, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(wr, 2, prev_hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(wr, 3, hash_hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(wr, 4, sig_hex, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(wr, 5, rows[i].seq);
		if (sqlite3_step(wr) != SQLITE_DONE)
			return fail("update", db);
		memcpy(prev, hash, 32);
		free(rec);
	}
	sqlite3_finalize(wr);
	if (sqlite3_exec(db, triggers, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return fail("commit", db);
	sqlite3_close(db);
	kesu_key_secret_free(sk);
	printf("rewrote %zu records from %" PRId64 "%s\n", n, from, replaced ? "" : " (unchanged)");
	return 0;
}

/* Shared by the ledger's files: the connection and error helpers. */
#ifndef KESU_LEDGER_INTERNAL_H
#define KESU_LEDGER_INTERNAL_H
#include <sqlite3.h>

#include "kesu/ledger.h"

struct kesu_central;

struct kesu_ledger {
	sqlite3 *db;
	char path[4096];
	struct kesu_ledger_notes notes;
	struct kesu_central *central; /* kesu_ledger_open_central: read-only, no db */
	const char *row_station;      /* central: the station of the record being passed to
				       * a kesu_ledger_approval_records callback */
};

/* The central store behind a ledger handle (central/central_ledger.c):
 * the reading functions dispatch here when l->central is set. */
int Kesu_central_ledger_query(struct kesu_ledger *l, const struct kesu_ledger_filter *f,
			      int (*fn)(const struct kesu_ledger_row *row, void *ctx), void *ctx,
			      char *err, size_t errsize);
int Kesu_central_ledger_lookup(struct kesu_ledger *l, const char *id, char **record,
			       uint64_t *seq, char hash_hex[65], char *err, size_t errsize);
int Kesu_central_ledger_resolve(struct kesu_ledger *l, const char *text,
				char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize);
int Kesu_central_ledger_approval_use(struct kesu_ledger *l, const char *number, unsigned entry,
				     char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize);
int Kesu_central_ledger_approval_records(struct kesu_ledger *l, const char *number,
					 int (*fn)(uint64_t seq, const char *record, void *ctx),
					 void *ctx, char *err, size_t errsize);
/* -EROFS with err saying a central handle is never written. */
int Kesu_central_ledger_refuse(struct kesu_ledger *l, char *err, size_t errsize);
void Kesu_central_ledger_close(struct kesu_ledger *l);

/* Sets err to "ledger PATH: what: sqlite's message" and returns -EIO (or
 * -EBUSY when the database stayed locked, or -ENOSPC, saying "the disk is
 * full", when SQLite could not grow the file or its journal). */
int Kesu_ledger_fail(struct kesu_ledger *l, const char *what, char *err, size_t errsize);

/* Runs SQL without results. */
int Kesu_ledger_exec(struct kesu_ledger *l, const char *sql, char *err, size_t errsize);

/* The chain hash of a record: BLAKE2b-256 over a domain tag, the previous
 * hash, the sequence number (8 bytes big-endian) and the record bytes. */
/* 64 hex digits into 32 bytes; false for anything else (or NULL). */
bool Kesu_ledger_hex32(const char *hex, uint8_t out[32]);
void Kesu_ledger_chain_hash(const uint8_t prev[32], uint64_t seq, const char *record, size_t len,
			    uint8_t out[32]);
/* Inserts a running row with a given id (kesu_ledger_begin draws one). */
int Kesu_ledger_insert_running(struct kesu_ledger *l, const char *job_id, const char *device_key,
			       const char *plan_json, char *err, size_t errsize);
#endif

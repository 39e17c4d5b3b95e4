/* The ledger's memory of each central store (ledger schema 4): how far
 * it holds this station's chain, and why the last push failed. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "kesu/push.h"
#include "ledger_internal.h"

static void now_utc(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void copy_col(sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *v = sqlite3_column_text(st, col);
	snprintf(buf, size, "%s", v ? (const char *)v : "");
}

int kesu_push_state_get(struct kesu_ledger *l, const char *server, struct kesu_push_state *state,
			char *err, size_t errsize)
{
	memset(state, 0, sizeof(*state));
	snprintf(state->server, sizeof(state->server), "%s", server);
	sqlite3_stmt *st;
	/* A ledger read as it is (schema < 4) has no table: never pushed. */
	if (l->notes.schema_version < 4)
		return 0;
	if (sqlite3_prepare_v2(l->db,
			       "SELECT station, pushed_seq, pushed_hash, pushed_utc, attempt_utc, last_error"
			       " FROM push_state WHERE server = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, _("cannot read the push state"), err, errsize);
	sqlite3_bind_text(st, 1, server, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		copy_col(st, 0, state->station, sizeof(state->station));
		state->pushed_seq = (uint64_t)sqlite3_column_int64(st, 1);
		copy_col(st, 2, state->pushed_hash, sizeof(state->pushed_hash));
		copy_col(st, 3, state->pushed_utc, sizeof(state->pushed_utc));
		copy_col(st, 4, state->attempt_utc, sizeof(state->attempt_utc));
		copy_col(st, 5, state->last_error, sizeof(state->last_error));
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = Kesu_ledger_fail(l, _("cannot read the push state"), err, errsize);
	}
	sqlite3_finalize(st);
	return rc;
}

int kesu_push_state_record(struct kesu_ledger *l, const char *server, const char *station,
			   uint64_t seq, const char *hash, const char *error, char *err,
			   size_t errsize)
{
	char now[32];
	now_utc(now);
	/* A success moves pushed_*; a failure keeps them unless the store was
	 * reached and said how far it holds the chain (seq > 0). */
	const char *sql =
		"INSERT INTO push_state (server, station, pushed_seq, pushed_hash, pushed_utc,"
		" attempt_utc, last_error) VALUES (?1, ?2, ?3, ?4, CASE WHEN ?6 IS NULL THEN ?5 END, ?5, ?6)"
		" ON CONFLICT (server) DO UPDATE SET"
		"  station = coalesce(?2, station),"
		"  pushed_seq = CASE WHEN ?6 IS NULL OR ?3 > 0 THEN ?3 ELSE pushed_seq END,"
		"  pushed_hash = CASE WHEN ?6 IS NULL OR ?3 > 0 THEN ?4 ELSE pushed_hash END,"
		"  pushed_utc = CASE WHEN ?6 IS NULL THEN ?5 ELSE pushed_utc END,"
		"  attempt_utc = ?5, last_error = ?6";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, _("cannot record the push"), err, errsize);
	sqlite3_bind_text(st, 1, server, -1, SQLITE_STATIC);
	if (station && *station)
		sqlite3_bind_text(st, 2, station, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)seq);
	if (hash && *hash)
		sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, now, -1, SQLITE_STATIC);
	if (error)
		sqlite3_bind_text(st, 6, error, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE
			 ? 0
			 : Kesu_ledger_fail(l, _("cannot record the push"), err, errsize);
	sqlite3_finalize(st);
	return rc;
}

int kesu_push_outbox(struct kesu_ledger *l, const char *server, struct kesu_push_outbox *o,
		     char *err, size_t errsize)
{
	memset(o, 0, sizeof(*o));
	int rc = kesu_ledger_head_seq(l, &o->head, err, errsize);
	if (rc < 0 || (rc = kesu_push_state_get(l, server, &o->state, err, errsize)) < 0)
		return rc;
	o->found = rc;
	o->pushed = o->found ? o->state.pushed_seq : 0;
	o->waiting = o->head > o->pushed ? o->head - o->pushed : 0;
	return 0;
}

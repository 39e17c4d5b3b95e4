/* Reviewing the ledger: finished records (and optionally unfinished jobs)
 * that match a filter, in chain order. */
#include <stdio.h>
#include <string.h>

#include "ledger_internal.h"

/* "2026-11-22" as an end bound means the whole day. */
static void until_bound(const char *until, char *buf, size_t size)
{
	if (strlen(until) == 10)
		snprintf(buf, size, "%sT23:59:59Z", until);
	else
		snprintf(buf, size, "%s", until);
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

int kesu_ledger_query(struct kesu_ledger *l, const struct kesu_ledger_filter *f,
		      int (*fn)(const struct kesu_ledger_row *row, void *ctx), void *ctx,
		      char *err, size_t errsize)
{
	/* Every filter is a bound parameter; an empty one matches all. The
	 * fields come from the signed record itself, never from copies. */
	static const char sql[] =
		"SELECT coalesce(seq, 0), job_id, state, record, hash, started_utc, device_key,"
		"       checkpoint_pass, checkpoint_offset"
		"  FROM jobs"
		" WHERE (state = 'finished' OR ?8)"
		"   AND (?1 = '' OR coalesce(json_extract(record, '$.ended_utc'), started_utc) >= ?1)"
		"   AND (?2 = '' OR coalesce(json_extract(record, '$.started_utc'), started_utc) <= ?2)"
		"   AND (?3 = '' OR json_extract(record, '$.operator.name') = ?3)"
		"   AND (?4 = '' OR json_extract(record, '$.outcome') = ?4 OR (record IS NULL AND state = lower(?4)))"
		"   AND (?5 = '' OR json_extract(record, '$.media.serial') = ?5"
		"        OR (record IS NULL AND device_key LIKE 'serial:' || ?5 || ':%'))"
		"   AND (?6 = '' OR json_extract(record, '$.classification') = ?6)"
		"   AND (?7 = '' OR json_extract(record, '$.purpose') = ?7)"
		" ORDER BY seq IS NULL, seq, started_utc";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return kesu_ledger_fail(l, "cannot read", err, errsize);
	struct kesu_ledger_filter none = {0};
	if (!f)
		f = &none;
	char until[40];
	until_bound(or_empty(f->until_utc), until, sizeof(until));
	sqlite3_bind_text(st, 1, or_empty(f->since_utc), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, until, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, or_empty(f->operator_name), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, or_empty(f->outcome), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, or_empty(f->serial), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, or_empty(f->classification), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, or_empty(f->purpose), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 8, f->include_open);
	int rc = 0, step;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		struct kesu_ledger_row row = {
			.seq = (uint64_t)sqlite3_column_int64(st, 0),
			.job_id = (const char *)sqlite3_column_text(st, 1),
			.state = (const char *)sqlite3_column_text(st, 2),
			.record = (const char *)sqlite3_column_text(st, 3),
			.hash = (const char *)sqlite3_column_text(st, 4),
			.started_utc = (const char *)sqlite3_column_text(st, 5),
			.device_key = (const char *)sqlite3_column_text(st, 6),
			.checkpoint_pass = (unsigned)sqlite3_column_int(st, 7),
			.checkpoint_offset = (uint64_t)sqlite3_column_int64(st, 8),
		};
		rc = fn(&row, ctx);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = kesu_ledger_fail(l, "cannot read", err, errsize);
	sqlite3_finalize(st);
	return rc;
}

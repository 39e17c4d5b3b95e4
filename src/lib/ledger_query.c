/* Reviewing the ledger: finished records (and optionally unfinished jobs)
 * that match a filter, in chain order; checking the filter's values;
 * finding the record a reviewer names. */
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/vocabulary.h"
#include "ledger_internal.h"
#include "i18n.h"

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
	if (l->central)
		return Kesu_central_ledger_query(l, f, fn, ctx, err, errsize);
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
		return Kesu_ledger_fail(l, "cannot read", err, errsize);
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
	int rc = 0, step = SQLITE_DONE;
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
		rc = Kesu_ledger_fail(l, "cannot read", err, errsize);
	sqlite3_finalize(st);
	return rc;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ", a day that exists: the stored
 * times have exactly these forms, so they compare as text. */
static bool valid_time(const char *s)
{
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
	size_t len = strlen(s);
	for (size_t i = 0; i < len; i++)
		if (!strchr("0123456789-T:Z", s[i]))
			return false;
	if (len == 10) {
		if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
			return false;
	} else if (len == 20) {
		if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 20)
			return false;
	} else {
		return false;
	}
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return s[4] == '-' && s[7] == '-' && y >= 1970 && mo >= 1 && mo <= 12 && d >= 1 &&
	       d <= days[mo - 1] + (mo == 2 && is_leap(y)) && h < 24 && mi < 60 && sec < 60;
}

static bool one_of(const char *value, const char *const *allowed)
{
	for (; *allowed; allowed++)
		if (!strcmp(value, *allowed))
			return true;
	return false;
}

int kesu_ledger_filter_check(const struct kesu_ledger_filter *f, char *err, size_t errsize)
{
	static const char *const outcomes[] = {"SUCCESS", "ERASED_WITH_EXCEPTIONS", "UNVERIFIED",
					       "FAILED", "INTERRUPTED", "ABANDONED", NULL};
	const char *dates[2][2] = {{"since", f->since_utc}, {"until", f->until_utc}};
	for (int i = 0; i < 2; i++)
		if (dates[i][1] && *dates[i][1] && !valid_time(dates[i][1])) {
			snprintf(err, errsize, _("%s \"%s\" is not a date: use YYYY-MM-DD or "
				 "YYYY-MM-DDTHH:MM:SSZ (UTC)"), dates[i][0], dates[i][1]);
			return -KESU_EPARSE;
		}
	if (f->since_utc && *f->since_utc && f->until_utc && *f->until_utc) {
		char until[40];
		until_bound(f->until_utc, until, sizeof(until));
		if (strcmp(until, f->since_utc) < 0) {
			snprintf(err, errsize, _("until %s is before since %s"), f->until_utc, f->since_utc);
			return -KESU_EPARSE;
		}
	}
	if (f->outcome && *f->outcome && !one_of(f->outcome, outcomes)) {
		snprintf(err, errsize, _("outcome \"%s\" is not SUCCESS, ERASED_WITH_EXCEPTIONS, UNVERIFIED, "
			 "FAILED, INTERRUPTED or ABANDONED"), f->outcome);
		return -KESU_EPARSE;
	}
	char words[80];
	if (f->classification && *f->classification &&
	    !kesu_vocab_find(KESU_VOCAB_CLASS, f->classification)) {
		snprintf(err, errsize, _("class \"%s\" is not %s"), f->classification,
			 kesu_vocab_list(KESU_VOCAB_CLASS, words, sizeof(words)));
		return -KESU_EPARSE;
	}
	if (f->purpose && *f->purpose && !kesu_vocab_find(KESU_VOCAB_PURPOSE, f->purpose)) {
		snprintf(err, errsize, _("purpose \"%s\" is not %s"), f->purpose,
			 kesu_vocab_list(KESU_VOCAB_PURPOSE, words, sizeof(words)));
		return -KESU_EPARSE;
	}
	return 0;
}

/* Runs a one-text-parameter query for job ids; collects up to max. */
static int job_ids(struct kesu_ledger *l, const char *sql, const char *param,
		   char ids[][KESU_JOB_ID_LEN + 1], int max, int *count, char *err, size_t errsize)
{
	sqlite3_stmt *st;
	*count = 0;
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot read", err, errsize);
	sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*count < max)
			snprintf(ids[*count], KESU_JOB_ID_LEN + 1, "%s", sqlite3_column_text(st, 0));
		(*count)++;
	}
	int rc = step == SQLITE_DONE ? 0 : Kesu_ledger_fail(l, "cannot read", err, errsize);
	sqlite3_finalize(st);
	return rc;
}

/* A LIKE pattern for a job id prefix: kesu writes job ids in lower case. */
static void like_prefix(const char *text, size_t len, char out[KESU_JOB_ID_LEN + 2])
{
	for (size_t i = 0; i < len; i++)
		out[i] = (char)(text[i] >= 'A' && text[i] <= 'F' ? text[i] + 32 : text[i]);
	out[len] = '%';
	out[len + 1] = '\0';
}

int kesu_ledger_resolve(struct kesu_ledger *l, const char *text, char job_id[KESU_JOB_ID_LEN + 1],
			char *err, size_t errsize)
{
	if (l->central)
		return Kesu_central_ledger_resolve(l, text, job_id, err, errsize);
	char ids[5][KESU_JOB_ID_LEN + 1];
	int n = 0, rc;
	size_t len = strlen(text);
	bool digits = len > 0 && strspn(text, "0123456789") == len;
	bool hex = strspn(text, "0123456789abcdefABCDEF") == len;
	/* The number list prints first, then a certificate id, then a job id
	 * or its prefix (lower case, as kesu writes them). */
	if (digits && len <= 18 &&
	    (rc = job_ids(l, "SELECT job_id FROM jobs WHERE state = 'finished' AND seq = CAST(?1 AS INTEGER)",
			  text, ids, 5, &n, err, errsize)) < 0)
		return rc;
	if (n == 0 && (rc = job_ids(l, "SELECT job_id FROM jobs WHERE state = 'finished'"
				       " AND json_extract(record, '$.certificate_id') = ?1",
				    text, ids, 5, &n, err, errsize)) < 0)
		return rc;
	if (n == 0 && hex && len >= 6 && len <= KESU_JOB_ID_LEN) {
		char lower[KESU_JOB_ID_LEN + 2];
		like_prefix(text, len, lower);
		if ((rc = job_ids(l, "SELECT job_id FROM jobs WHERE state = 'finished' AND job_id LIKE ?1"
				     " ORDER BY seq", lower, ids, 5, &n, err, errsize)) < 0)
			return rc;
	}
	if (n == 1) {
		snprintf(job_id, KESU_JOB_ID_LEN + 1, "%s", ids[0]);
		return 1;
	}
	if (n == 0 && hex && len >= 6 && len <= KESU_JOB_ID_LEN) {
		/* An unfinished job has no record yet: say so, not "no such job". */
		char lower[KESU_JOB_ID_LEN + 2];
		like_prefix(text, len, lower);
		if ((rc = job_ids(l, "SELECT job_id FROM jobs WHERE state != 'finished' AND job_id LIKE ?1",
				  lower, ids, 5, &n, err, errsize)) < 0)
			return rc;
		if (n > 0) {
			snprintf(err, errsize, _("ledger %s: job %s is unfinished (running or interrupted): it has "
				 "no record yet; wipe the drive again to resume it"), l->path, ids[0]);
			return 0;
		}
	}
	if (n == 0) {
		snprintf(err, errsize, _("ledger %s: no finished record for \"%s\" (give the number list "
			 "prints, a certificate id, or at least 6 digits of a job id)"), l->path, text);
		return 0;
	}
	size_t off = (size_t)snprintf(err, errsize, _("ledger %s: \"%s\" is the start of %d job ids:"), l->path,
				      text, n);
	for (int i = 0; i < n && i < 5 && off < errsize; i++)
		off += (size_t)snprintf(err + off, errsize - off, " %s", ids[i]);
	if (n > 5 && off < errsize)
		snprintf(err + off, errsize - off, " ...");
	return -KESU_EPARSE;
}

int kesu_ledger_approval_use(struct kesu_ledger *l, const char *number, unsigned entry,
			     char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize)
{
	if (l->central)
		return Kesu_central_ledger_approval_use(l, number, entry, job_id, err, errsize);
	/* SQLite's JSON functions read the canonical record as it is stored. */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db,
			       "SELECT job_id FROM jobs WHERE state = 'finished'"
			       " AND json_extract(record, '$.kind') = 'wipe'"
			       " AND json_extract(record, '$.outcome') = 'SUCCESS'"
			       " AND json_extract(record, '$.approval.number') = ?"
			       " AND json_extract(record, '$.approval.entry') = ?"
			       " ORDER BY seq LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot look up the approval's use", err, errsize);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, entry);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		snprintf(job_id, KESU_JOB_ID_LEN + 1, "%s", (const char *)sqlite3_column_text(st, 0));
		rc = 1;
	} else if (step != SQLITE_DONE) {
		rc = Kesu_ledger_fail(l, "cannot look up the approval's use", err, errsize);
	}
	sqlite3_finalize(st);
	return rc;
}

int kesu_ledger_approval_records(struct kesu_ledger *l, const char *number,
				 int (*fn)(uint64_t seq, const char *record, void *ctx), void *ctx,
				 char *err, size_t errsize)
{
	if (l->central)
		return Kesu_central_ledger_approval_records(l, number, fn, ctx, err, errsize);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db,
			       "SELECT seq, record FROM jobs WHERE state = 'finished'"
			       " AND json_extract(record, '$.approval.number') = ? ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot read the approval's records", err, errsize);
	sqlite3_bind_text(st, 1, number, -1, SQLITE_STATIC);
	int rc = 0, step = SQLITE_DONE;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
		rc = fn((uint64_t)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1), ctx);
	if (rc == 0 && step != SQLITE_DONE)
		rc = Kesu_ledger_fail(l, "cannot read the approval's records", err, errsize);
	sqlite3_finalize(st);
	return rc;
}

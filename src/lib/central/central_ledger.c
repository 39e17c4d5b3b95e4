/* The central store as a read-only ledger of every station
 * (kesu_ledger_open_central): kesu report, media, approval status and
 * cert batch read it through the same kesu_ledger_* calls they use on a
 * station's SQLite ledger. Filters are SQL on the columns the store's
 * insert trigger copied out of each signed record, all indexed, so a
 * month of a million-record store is an index range scan on ended_utc;
 * rows come through a cursor, a batch per round trip. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "canonical_json.h"
#include "central_internal.h"
#include "errmsg.h"
#include "i18n.h"
#include "kesu/error.h"
#include "kesu/key.h"
#include "ledger_internal.h"

int kesu_ledger_open_central(const char *url, struct kesu_ledger **ledger, char *err,
			     size_t errsize)
{
	*ledger = NULL;
	struct kesu_central *c;
	int rc = kesu_central_connect(url, &c, err, errsize);
	if (rc < 0)
		return rc;
	rc = kesu_central_has_schema(c, err, errsize);
	if (rc == 0)
		rc = Kesu_errorf(err, errsize, -KESU_ENOTFOUND,
				 "central store %s: no kesu schema (kesu server init makes it)", c->name);
	struct kesu_ledger *l = rc > 0 ? calloc(1, sizeof(*l)) : NULL;
	if (rc > 0 && !l)
		rc = -ENOMEM;
	if (rc < 0) {
		kesu_central_close(c);
		return rc;
	}
	l->central = c;
	snprintf(l->path, sizeof(l->path), "%s", c->name);
	*ledger = l;
	return 0;
}

const char *kesu_ledger_central_name(const struct kesu_ledger *l)
{
	return l->central ? l->path : NULL;
}

void Kesu_central_ledger_close(struct kesu_ledger *l)
{
	kesu_central_close(l->central);
	free(l);
}

int Kesu_central_ledger_refuse(struct kesu_ledger *l, char *err, size_t errsize)
{
	return Kesu_errorf(err, errsize, -EROFS,
			   "central store %s: only read here (records are written to a station's "
			   "own ledger, then pushed)", l->path);
}

/* "2026-11-22" as an end bound means the whole day. */
static void until_bound(const char *until, char *buf, size_t size)
{
	snprintf(buf, size, strlen(until) == 10 ? "%sT23:59:59Z" : "%s", until);
}

struct sql {
	char text[2048];
	const char *params[12];
	int n;
};

static void add(struct sql *q, const char *clause, const char *value)
{
	if (!value || !*value)
		return;
	q->params[q->n++] = value;
	/* Every '#' in clause is this parameter's number. */
	size_t len = strlen(q->text);
	for (const char *p = clause; *p && len + 4 < sizeof(q->text); p++)
		if (*p == '#')
			len += (size_t)snprintf(q->text + len, sizeof(q->text) - len, "%d", q->n);
		else
			q->text[len++] = *p;
	q->text[len] = '\0';
}

/* The same with two values: '#' is the first's number, '@' the second's
 * (either may be absent: NULL or empty, and its clause must not use it). */
static void add2(struct sql *q, const char *clause, const char *first, const char *second)
{
	bool has_first = first && *first, has_second = second && *second;
	if ((!has_first && strchr(clause, '#')) || (!has_second && strchr(clause, '@')))
		return;
	int a = 0, b = 0;
	if (has_first) {
		q->params[q->n++] = first;
		a = q->n;
	}
	if (has_second) {
		q->params[q->n++] = second;
		b = q->n;
	}
	size_t len = strlen(q->text);
	for (const char *p = clause; *p && len + 4 < sizeof(q->text); p++)
		if (*p == '#' || *p == '@')
			len += (size_t)snprintf(q->text + len, sizeof(q->text) - len, "%d", *p == '#' ? a : b);
		else
			q->text[len++] = *p;
	q->text[len] = '\0';
}

/* Runs sql (a SELECT) through a cursor; fn gets each row. */
static int each_row(struct kesu_ledger *l, const struct sql *q,
		    int (*fn)(PGresult *res, int row, void *ctx), void *ctx, char *err, size_t errsize)
{
	return Kesu_central_each_row(l->central, q->text, q->n, q->params, 5000, fn, ctx, err, errsize);
}

struct query_ctx {
	int (*fn)(const struct kesu_ledger_row *row, void *ctx);
	void *ctx;
};

static int query_row(PGresult *res, int i, void *ctx)
{
	struct query_ctx *x = ctx;
	struct kesu_ledger_row row = {
		.seq = strtoull(PQgetvalue(res, i, 0), NULL, 10),
		.job_id = PQgetvalue(res, i, 1),
		.state = "finished",
		.record = PQgetvalue(res, i, 2),
		.hash = PQgetvalue(res, i, 3),
		.started_utc = PQgetvalue(res, i, 4),
		.device_key = "",
		.station = PQgetvalue(res, i, 5),
	};
	return x->fn(&row, x->ctx);
}

#define ROW_COLUMNS                                                                               \
	"SELECT r.seq, r.record_id, r.record, r.hash, coalesce(r.started_utc, ''), s.name"        \
	"  FROM kesu.records r JOIN kesu.stations s ON s.fingerprint = r.station WHERE true"
#define ROW_ORDER " ORDER BY coalesce(r.ended_utc, r.started_utc), s.name, r.seq"

int Kesu_central_ledger_query(struct kesu_ledger *l, const struct kesu_ledger_filter *f,
			      int (*fn)(const struct kesu_ledger_row *row, void *ctx), void *ctx,
			      char *err, size_t errsize)
{
	struct kesu_ledger_filter none = {0};
	if (!f)
		f = &none;
	/* Only the filters given become SQL, so the planner sees plain
	 * comparisons it can answer from the indexes. A record belongs to
	 * the period its job ended in; one without an end time (an event)
	 * by its start. The store holds finished records only. */
	struct sql q = {.text = ROW_COLUMNS};
	char until[40] = "";
	if (f->until_utc && *f->until_utc)
		until_bound(f->until_utc, until, sizeof(until));
	/* A job started by the end of the period and ended after it still
	 * counts (as locally); none lasts 40 days, which bounds the range
	 * on ended_utc from above: with both ends the period is one index
	 * range (or'ed with the few records that have no end time). */
	static const char upper[] = "to_char(left($@, 10)::date + 40, 'YYYY-MM-DD')";
	char clause[512];
	if (f->since_utc && *f->since_utc && *until) {
		snprintf(clause, sizeof(clause),
			 " AND ((r.ended_utc >= $# AND r.ended_utc <= %s) OR (r.ended_utc IS NULL AND"
			 " coalesce(r.started_utc, '9') >= $#)) AND coalesce(r.started_utc, r.ended_utc, '') <= $@",
			 upper);
		add2(&q, clause, f->since_utc, until);
	} else {
		add(&q, " AND (r.ended_utc >= $# OR (r.ended_utc IS NULL AND coalesce(r.started_utc, '9') >= $#))",
		    f->since_utc);
		snprintf(clause, sizeof(clause),
			 " AND coalesce(r.started_utc, r.ended_utc, '') <= $@ AND (r.ended_utc IS NULL OR"
			 " r.ended_utc <= %s)", upper);
		add2(&q, clause, NULL, until);
	}
	add(&q, " AND r.operator_name = $#", f->operator_name);
	add(&q, " AND r.outcome = $#", f->outcome);
	add(&q, " AND r.serial = $#", f->serial);
	add(&q, " AND r.classification = $#", f->classification);
	add(&q, " AND r.purpose = $#", f->purpose);
	size_t len = strlen(q.text);
	snprintf(q.text + len, sizeof(q.text) - len, "%s", ROW_ORDER);
	struct query_ctx x = {fn, ctx};
	return each_row(l, &q, query_row, &x, err, errsize);
}

struct records_ctx {
	struct kesu_ledger *l;
	int (*fn)(uint64_t seq, const char *record, void *ctx);
	void *ctx;
};

static int approval_row(PGresult *res, int i, void *ctx)
{
	struct records_ctx *x = ctx;
	x->l->row_station = PQgetvalue(res, i, 5);
	return x->fn(strtoull(PQgetvalue(res, i, 0), NULL, 10), PQgetvalue(res, i, 2), x->ctx);
}

int Kesu_central_ledger_approval_records(struct kesu_ledger *l, const char *number,
					 int (*fn)(uint64_t seq, const char *record, void *ctx),
					 void *ctx, char *err, size_t errsize)
{
	struct sql q = {.text = ROW_COLUMNS};
	add(&q, " AND r.approval_number = $#", number ? number : "");
	if (q.n == 0)
		return 0;
	size_t len = strlen(q.text);
	snprintf(q.text + len, sizeof(q.text) - len, "%s", ROW_ORDER);
	struct records_ctx x = {l, fn, ctx};
	int rc = each_row(l, &q, approval_row, &x, err, errsize);
	l->row_station = NULL;
	return rc;
}

/* One query's first column for up to max rows; *count is all rows. */
static int ids(struct kesu_ledger *l, const char *sql, const char *param,
	       char out[][KESU_JOB_ID_LEN + 1], int max, int *count, char *err, size_t errsize)
{
	const char *params[1] = {param};
	PGresult *res = PQexecParams(l->central->conn, sql, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = Kesu_central_fail(l->central, res, _("cannot read the records"), err, errsize);
		PQclear(res);
		return rc;
	}
	*count = PQntuples(res);
	for (int i = 0; i < *count && i < max; i++)
		snprintf(out[i], KESU_JOB_ID_LEN + 1, "%s", PQgetvalue(res, i, 0));
	PQclear(res);
	return 0;
}

int Kesu_central_ledger_approval_use(struct kesu_ledger *l, const char *number, unsigned entry,
				     char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize)
{
	char entry_text[16];
	snprintf(entry_text, sizeof(entry_text), "%u", entry);
	const char *params[2] = {number, entry_text};
	PGresult *res = PQexecParams(l->central->conn,
				     "SELECT record_id FROM kesu.records WHERE approval_number = $1"
				     " AND approval_entry = $2 AND kind = 'wipe' AND outcome = 'SUCCESS'"
				     " ORDER BY ended_utc, station, seq LIMIT 1",
				     2, NULL, params, NULL, NULL, 0);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = Kesu_central_fail(l->central, res, _("cannot look up the approval's use"), err,
				       errsize);
	} else if (PQntuples(res) > 0) {
		snprintf(job_id, KESU_JOB_ID_LEN + 1, "%s", PQgetvalue(res, 0, 0));
		rc = 1;
	}
	PQclear(res);
	return rc;
}

int Kesu_central_ledger_resolve(struct kesu_ledger *l, const char *text,
				char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize)
{
	char found[5][KESU_JOB_ID_LEN + 1];
	int n = 0, rc;
	size_t len = strlen(text);
	bool digits = len > 0 && len <= 18 && strspn(text, "0123456789") == len;
	bool hex = len >= 6 && len <= KESU_JOB_ID_LEN && strspn(text, "0123456789abcdefABCDEF") == len;
	/* A seq names a record only when one station has it. */
	if (digits && (rc = ids(l, "SELECT record_id FROM kesu.records WHERE seq = $1::bigint", text,
				found, 5, &n, err, errsize)) < 0)
		return rc;
	if (n > 1) {
		snprintf(err, errsize, _("central store %s: %d stations have a record %s: give its "
					 "certificate id or job id"), l->path, n, text);
		return -KESU_EPARSE;
	}
	if (n == 0 && (rc = ids(l, "SELECT record_id FROM kesu.records WHERE certificate_id = $1",
				text, found, 5, &n, err, errsize)) < 0)
		return rc;
	if (n == 0 && hex) {
		char like[KESU_JOB_ID_LEN + 2];
		for (size_t i = 0; i < len; i++)
			like[i] = (char)(text[i] >= 'A' && text[i] <= 'F' ? text[i] + 32 : text[i]);
		like[len] = '%';
		like[len + 1] = '\0';
		if ((rc = ids(l, "SELECT record_id FROM kesu.records WHERE record_id LIKE $1"
				 " ORDER BY record_id LIMIT 6", like, found, 5, &n, err, errsize)) < 0)
			return rc;
	}
	if (n == 1) {
		snprintf(job_id, KESU_JOB_ID_LEN + 1, "%s", found[0]);
		return 1;
	}
	if (n == 0) {
		snprintf(err, errsize, _("central store %s: no record for \"%s\" (give a certificate "
					 "id or at least 6 digits of a job id)"), l->path, text);
		return 0;
	}
	snprintf(err, errsize, _("central store %s: \"%s\" is the start of several job ids"), l->path,
		 text);
	return -KESU_EPARSE;
}

/* The record's own bytes against its row and its station's key. */
static const char *check_record(PGresult *res, uint8_t computed[32])
{
	const char *record = PQgetvalue(res, 0, 0), *id;
	size_t len = (size_t)PQgetlength(res, 0, 0), id_len;
	uint64_t seq = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
	uint8_t prev[32], stored[32], sig[64];
	const char *job = PQgetvalue(res, 0, 5), *pub = PQgetvalue(res, 0, 6);
	if (!Kesu_json_canonical_scan(record, len, "job_id", &id, &id_len))
		return _("the record is not canonical JSON: it was edited");
	if (!id || id_len != strlen(job) || memcmp(id, job, id_len) != 0)
		return _("the record belongs to another job id");
	if (!Kesu_ledger_hex32(PQgetvalue(res, 0, 3), prev))
		return _("the record does not match its hash: it was edited");
	Kesu_ledger_chain_hash(prev, seq, record, len, computed);
	if (!Kesu_ledger_hex32(PQgetvalue(res, 0, 2), stored) || memcmp(stored, computed, 32) != 0)
		return _("the record does not match its hash: it was edited");
	struct kesu_public_key pk;
	char kerr[KESU_ERRMSG_MAX], text[4098];
	snprintf(text, sizeof(text), "%s%s", pub, *pub && pub[strlen(pub) - 1] == '\n' ? "" : "\n");
	const char *sig_hex = PQgetvalue(res, 0, 4);
	if (kesu_key_parse_public(text, strlen(text), "station key", &pk, kerr, sizeof(kerr)) < 0 ||
	    strlen(sig_hex) != 128 ||
	    sodium_hex2bin(sig, sizeof(sig), sig_hex, 128, NULL, NULL, NULL) != 0 ||
	    kesu_verify_raw(&pk, computed, 32, sig) != 0)
		return _("the signature is not the station key's: the record was forged or re-signed");
	return NULL;
}

int Kesu_central_ledger_lookup(struct kesu_ledger *l, const char *id, char **record,
			       uint64_t *seq, char hash_hex[65], char *err, size_t errsize)
{
	*record = NULL;
	const char *params[1] = {id};
	PGresult *res = PQexecParams(
		l->central->conn,
		"SELECT r.record, r.seq, r.hash, r.prev_hash, r.signature, r.record_id, s.public_key,"
		"       s.name"
		"  FROM kesu.records r JOIN kesu.stations s ON s.fingerprint = r.station"
		" WHERE r.record_id = $1 OR r.certificate_id = $1 LIMIT 2",
		1, NULL, params, NULL, NULL, 0);
	int rc = 0;
	uint8_t computed[32];
	const char *problem;
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		rc = Kesu_central_fail(l->central, res, _("cannot read the records"), err, errsize);
	} else if (PQntuples(res) > 1) {
		rc = Kesu_errorf(err, errsize, -KESU_EPARSE,
				 "central store %s: two stations hold a record named %s", l->path, id);
	} else if (PQntuples(res) == 1 && (problem = check_record(res, computed))) {
		rc = Kesu_errorf(err, errsize, -KESU_EVERIFY,
				 "central store %s: station %s, record %s: %s", l->path,
				 PQgetvalue(res, 0, 7), PQgetvalue(res, 0, 1), problem);
	} else if (PQntuples(res) == 1) {
		*record = strdup(PQgetvalue(res, 0, 0));
		*seq = strtoull(PQgetvalue(res, 0, 1), NULL, 10);
		sodium_bin2hex(hash_hex, 65, computed, 32);
		rc = *record ? 1 : -ENOMEM;
	}
	PQclear(res);
	return rc;
}

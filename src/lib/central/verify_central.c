/* kesu_central_verify: every station's chain in the central store,
 * re-checked as a local verify checks a ledger, and the store's alarms.
 *
 * The store's insert trigger already refuses gaps and turns a different
 * record for a held place into a fork alarm; this walk finds what the
 * trigger cannot see: rows written around it by the store's owner (a
 * restored backup, triggers disabled), a record edited in place, a
 * signature that is not the key the station registered. Records are read
 * through a cursor, a batch at a time, so a store of millions of rows
 * never sits in memory. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "canonical_json.h"
#include "central_internal.h"
#include "errmsg.h"
#include "i18n.h"
#include "kesu/central_verify.h"
#include "kesu/error.h"
#include "kesu/key.h"
#include "ledger_internal.h"
#include "utf8.h"

#define MAX_KEPT 10000 /* findings kept per station to report; all are counted */

struct found {
	uint64_t seq, last_seq;
	const char *kind, *why;
	char detail[256];
};

struct walk {
	struct found *found;
	size_t n, cap;
	uint64_t total;
	uint64_t last_seq;
	bool have_prev;
	uint8_t prev[32];
	uint64_t records;
};

static int add_finding(struct walk *w, uint64_t seq, const char *kind, const char *why,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* why: translated, for the reader; fmt: English, stored as the alarm. */
static int add_finding(struct walk *w, uint64_t seq, const char *kind, const char *why,
		       const char *fmt, ...)
{
	w->total++;
	if (w->n == MAX_KEPT)
		return 0;
	if (w->n == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 16;
		struct found *f = realloc(w->found, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		w->found = f;
		w->cap = cap;
	}
	struct found *f = &w->found[w->n++];
	f->seq = f->last_seq = seq;
	f->kind = kind;
	f->why = why;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
	return 0;
}

/* One row: seq, record_id, record, prev_hash, hash, signature. The
 * details are English: they are stored as the alarms' text. */
static int check_row(struct walk *w, const struct kesu_public_key *pk, PGresult *res, int i)
{
	uint64_t seq = strtoull(PQgetvalue(res, i, 0), NULL, 10);
	const char *record_id = PQgetvalue(res, i, 1), *record = PQgetvalue(res, i, 2);
	size_t len = (size_t)PQgetlength(res, i, 2);
	uint8_t stored_prev[32], stored[32], computed[32], sig[64];
	int rc = 0;
	w->records++;
	if (seq != w->last_seq + 1) {
		if (seq == w->last_seq + 2)
			rc = add_finding(w, w->last_seq + 1, "gap", _("the store does not hold it"),
					 "record %" PRIu64 " is missing", w->last_seq + 1);
		else
			rc = add_finding(w, w->last_seq + 1, "gap", _("the store does not hold it"),
					 "records %" PRIu64 " to %" PRIu64 " are missing", w->last_seq + 1,
					 seq - 1);
		if (rc == 0 && w->n && w->found[w->n - 1].seq == w->last_seq + 1)
			w->found[w->n - 1].last_seq = seq - 1;
		w->have_prev = false; /* the missing record's hash is unknown */
	}
	bool prev_ok = Kesu_ledger_hex32(PQgetvalue(res, i, 3), stored_prev);
	if (rc == 0 && (!prev_ok || (w->have_prev && memcmp(stored_prev, w->prev, 32) != 0)))
		rc = add_finding(w, seq, "chain",
				 _("does not link to the record before it (prev_hash differs): records "
				   "were removed, inserted or replaced"),
				 "record %" PRIu64 " does not link to the record before it (prev_hash "
				 "differs): records were removed, inserted or replaced", seq);
	const char *id;
	size_t id_len;
	bool hash_ok = Kesu_ledger_hex32(PQgetvalue(res, i, 4), stored);
	if (rc < 0) /* out of memory: the walk stops */
		return rc;
	if (!Kesu_json_canonical_scan(record, len, "job_id", &id, &id_len)) {
		rc = add_finding(w, seq, "chain", _("the record is not canonical JSON: it was edited"),
				 "record %" PRIu64 " is not canonical JSON: it was edited", seq);
	} else if (!id || id_len != strlen(record_id) || memcmp(id, record_id, id_len) != 0) {
		rc = add_finding(w, seq, "chain", _("the record belongs to another job id"),
				 "record %" PRIu64 " names another job id than the one it is stored under", seq);
	} else {
		Kesu_ledger_chain_hash(prev_ok ? stored_prev : (uint8_t[32]){0}, seq, record, len,
				       computed);
		if (!hash_ok || memcmp(stored, computed, 32) != 0)
			rc = add_finding(w, seq, "chain", _("the record does not match its hash: it was edited"),
					 "record %" PRIu64 " does not match its hash: it was edited", seq);
	}
	const char *sig_hex = PQgetvalue(res, i, 5);
	if (rc == 0 && (!hash_ok || strlen(sig_hex) != 128 ||
			sodium_hex2bin(sig, sizeof(sig), sig_hex, 128, NULL, NULL, NULL) != 0 ||
			kesu_verify_raw(pk, stored, 32, sig) != 0))
		rc = add_finding(w, seq, "signature",
				 _("the signature is not the registered station key's: the record was "
				   "forged or re-signed"),
				 "the signature of record %" PRIu64 " is not the registered station key's: "
				 "it was forged or re-signed", seq);
	/* The next record must link to this one's hash as stored: an edited
	 * record is reported once, not again for its successor. */
	if (hash_ok)
		memcpy(w->prev, stored, 32);
	w->have_prev = hash_ok;
	w->last_seq = seq;
	return rc;
}

struct station_walk {
	struct walk *w;
	const struct kesu_public_key *pk;
};

static int check_one(PGresult *res, int row, void *ctx)
{
	struct station_walk *sw = ctx;
	return check_row(sw->w, sw->pk, res, row);
}

static int read_station(struct kesu_central *c, const char *fpr, const struct kesu_public_key *pk,
			struct walk *w, uint64_t *head, char *err, size_t errsize)
{
	const char *params[] = {fpr};
	struct station_walk sw = {w, pk};
	memset(w->prev, 0, sizeof(w->prev));
	w->have_prev = true; /* record 1 follows 64 zeros */
	int rc = Kesu_central_each_row(c,
				       "SELECT seq, record_id, record, prev_hash, hash, signature"
				       " FROM kesu.records WHERE station = $1 ORDER BY seq",
				       1, params, 2000, check_one, &sw, err, errsize);
	*head = w->last_seq;
	if (rc == -ENOMEM)
		rc = Kesu_errorf(err, errsize, -ENOMEM, "central store %s: out of memory while verifying",
				 c->name);
	return rc;
}

/* Whether the role owns the store (only the owner writes findings as
 * alarms: stations may not accuse themselves, managers only read). */
static int may_record(struct kesu_central *c, bool *yes, char *err, size_t errsize)
{
	PGresult *res = PQexec(c->conn,
			       "SELECT pg_has_role(current_user, (SELECT tableowner FROM pg_tables"
			       " WHERE schemaname = 'kesu' AND tablename = 'alarms'), 'USAGE')");
	int rc = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1)
		rc = Kesu_central_fail(c, res, _("cannot read the schema"), err, errsize);
	else
		*yes = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	return rc;
}

/* Stores the finding as an alarm unless one exists for (station, seq,
 * kind); says whether it existed and whether it was stored now. */
static int record_finding(struct kesu_central *c, bool owner, struct kesu_central_finding *f,
			  char *err, size_t errsize)
{
	char seq[24];
	snprintf(seq, sizeof(seq), "%" PRIu64, f->seq);
	const char *params[4] = {f->station, seq, f->kind, f->detail};
	PGresult *res = PQexecParams(c->conn,
				     "SELECT EXISTS (SELECT 1 FROM kesu.alarms WHERE station = $1"
				     " AND seq = $2::bigint AND kind = $3)",
				     3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = Kesu_central_fail(c, res, _("cannot read the alarms"), err, errsize);
		PQclear(res);
		return rc;
	}
	f->known = !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!owner || f->known)
		return 0;
	res = PQexecParams(c->conn,
			   "INSERT INTO kesu.alarms (station, seq, kind, detail)"
			   " SELECT $1, $2::bigint, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM kesu.alarms"
			   " WHERE station = $1 AND seq = $2::bigint AND kind = $3)",
			   4, NULL, params, NULL, NULL, 0);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = Kesu_central_fail(c, res, _("cannot record an alarm"), err, errsize);
	else
		f->recorded = strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	return rc;
}

/* The .pub file's text; a copy that lost its final newline on the way
 * (psql, a shell's $(cat)) is the same key. */
static int parse_key(const char *pub, const char *name, struct kesu_public_key *pk, char *err,
		     size_t errsize)
{
	size_t len = strlen(pub);
	if (len == 0 || pub[len - 1] == '\n' || len > 4096)
		return kesu_key_parse_public(pub, len, name, pk, err, errsize);
	char text[4098];
	snprintf(text, sizeof(text), "%s\n", pub);
	return kesu_key_parse_public(text, len + 1, name, pk, err, errsize);
}

static int verify_station(struct kesu_central *c, bool owner, const char *fpr, const char *name,
			  const char *pub, const struct kesu_central_verify_cb *cb,
			  struct kesu_central_verify_summary *sum, char *err, size_t errsize)
{
	struct kesu_central_station st = {.fingerprint = fpr, .name = name};
	struct kesu_public_key pk;
	char kerr[KESU_ERRMSG_MAX], kfpr[KESU_FINGERPRINT_SIZE];
	struct walk w = {0};
	int rc = 0;
	if (parse_key(pub, name, &pk, kerr, sizeof(kerr)) < 0) {
		st.key_problem = "its registered public key cannot be read";
	} else {
		kesu_key_fingerprint(&pk, kfpr, sizeof(kfpr));
		if (strcmp(kfpr, fpr) != 0)
			st.key_problem = "its registered public key has another fingerprint";
	}
	if (!st.key_problem)
		rc = read_station(c, fpr, &pk, &w, &st.head_seq, err, errsize);
	for (size_t i = 0; rc == 0 && i < w.n; i++) {
		struct kesu_central_finding f = {.station = fpr, .name = name, .seq = w.found[i].seq,
						 .last_seq = w.found[i].last_seq, .kind = w.found[i].kind,
						 .detail = w.found[i].detail, .why = w.found[i].why};
		rc = record_finding(c, owner, &f, err, errsize);
		if (rc == 0 && cb && cb->finding)
			rc = cb->finding(&f, cb->ctx);
	}
	free(w.found);
	st.records = w.records;
	st.findings = w.total + (st.key_problem != NULL);
	sum->stations++;
	sum->records += w.records;
	sum->findings += st.findings;
	if (rc == 0 && cb && cb->station)
		rc = cb->station(&st, cb->ctx);
	return rc;
}

int kesu_central_verify(struct kesu_central *c, const struct kesu_central_verify_cb *cb,
			struct kesu_central_verify_summary *sum, char *err, size_t errsize)
{
	memset(sum, 0, sizeof(*sum));
	bool owner = false;
	int rc = may_record(c, &owner, err, errsize);
	if (rc < 0)
		return rc;
	sum->read_only = !owner;
	/* A station's role reads only its own rows: every other station would
	 * look empty, so only its own chain is checked. */
	PGresult *st = PQexec(c->conn, "SELECT fingerprint, name, public_key, kesu.my_station() IS NOT NULL"
				       " FROM kesu.stations WHERE kesu.my_station() IS NULL"
				       " OR fingerprint = kesu.my_station() ORDER BY name");
	if (PQresultStatus(st) != PGRES_TUPLES_OK) {
		rc = Kesu_central_fail(c, st, _("cannot read the stations"), err, errsize);
		PQclear(st);
		return rc;
	}
	sum->own_station = PQntuples(st) > 0 && !strcmp(PQgetvalue(st, 0, 3), "t");
	for (int i = 0; rc == 0 && i < PQntuples(st); i++)
		rc = verify_station(c, owner, PQgetvalue(st, i, 0), PQgetvalue(st, i, 1),
				    PQgetvalue(st, i, 2), cb, sum, err, errsize);
	PQclear(st);
	if (rc == 0 && sum->findings)
		rc = -KESU_EVERIFY;
	return rc;
}

int kesu_central_alarms(struct kesu_central *c, bool all,
			int (*fn)(const struct kesu_central_alarm *a, void *ctx), void *ctx,
			char *err, size_t errsize)
{
	static const char sql[] =
		"SELECT a.id, a.station, s.name, coalesce(a.seq, 0), a.kind, a.detail,"
		"       to_char(a.raised AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		"       k.alarm IS NOT NULL, k.by_role,"
		"       to_char(k.at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), k.reason"
		"  FROM kesu.alarms a JOIN kesu.stations s ON s.fingerprint = a.station"
		"  LEFT JOIN kesu.alarm_acks k ON k.alarm = a.id"
		" WHERE $1::boolean OR k.alarm IS NULL"
		" ORDER BY a.id";
	const char *params[1] = {all ? "true" : "false"};
	PGresult *res = PQexecParams(c->conn, sql, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		int rc = Kesu_central_fail(c, res, _("cannot read the alarms"), err, errsize);
		PQclear(res);
		return rc;
	}
	int rc = 0;
	for (int i = 0; rc == 0 && i < PQntuples(res); i++) {
		bool acked = !strcmp(PQgetvalue(res, i, 7), "t");
		struct kesu_central_alarm a = {
			.id = strtoll(PQgetvalue(res, i, 0), NULL, 10),
			.station = PQgetvalue(res, i, 1),
			.name = PQgetvalue(res, i, 2),
			.seq = strtoull(PQgetvalue(res, i, 3), NULL, 10),
			.kind = PQgetvalue(res, i, 4),
			.detail = PQgetvalue(res, i, 5),
			.raised = PQgetvalue(res, i, 6),
			.acknowledged = acked,
			.ack_by = acked ? PQgetvalue(res, i, 8) : NULL,
			.ack_at = acked ? PQgetvalue(res, i, 9) : NULL,
			.ack_reason = acked ? PQgetvalue(res, i, 10) : NULL,
		};
		rc = fn(&a, ctx);
	}
	PQclear(res);
	return rc;
}

int kesu_central_ack(struct kesu_central *c, int64_t id, const char *reason, char *err,
		     size_t errsize)
{
	size_t len = reason ? strlen(reason) : 0;
	if (!reason || strspn(reason, " \t\r\n") == len)
		return Kesu_errorf(err, errsize, -KESU_EPARSE,
				   "alarm %lld: a reason is required to acknowledge it", (long long)id);
	if (!kesu_utf8_valid(reason, len))
		return Kesu_errorf(err, errsize, -KESU_EPARSE,
				   "alarm %lld: the reason is not valid UTF-8", (long long)id);
	char idtext[24];
	snprintf(idtext, sizeof(idtext), "%" PRId64, id);
	const char *params[2] = {idtext, reason};
	PGresult *res = PQexecParams(c->conn,
				     "INSERT INTO kesu.alarm_acks (alarm, reason) VALUES ($1::bigint, $2)",
				     2, NULL, params, NULL, NULL, 0);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *state = Kesu_central_sqlstate(res);
		if (!strcmp(state, "23505"))
			rc = Kesu_errorf(err, errsize, -EEXIST,
					 "alarm %lld is already acknowledged", (long long)id);
		else if (!strcmp(state, "23503"))
			rc = Kesu_errorf(err, errsize, -KESU_ENOTFOUND,
					 "central store %s: no alarm %lld", c->name, (long long)id);
		else if (!strcmp(state, "42501"))
			rc = Kesu_errorf(err, errsize, -EACCES,
					 "central store %s: this role may not acknowledge alarms", c->name);
		else
			rc = Kesu_central_fail(c, res, _("cannot acknowledge the alarm"), err, errsize);
	}
	PQclear(res);
	return rc;
}

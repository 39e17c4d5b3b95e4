/* kesu ledger push: copies a station's finished records, and the PDFs of
 * their certificates, to the central store. The store's insert trigger
 * (schema.sql) is the judge: a record it holds already is skipped, a
 * different one for a held place is kept as an offer with a fork alarm,
 * a gap is refused. Pushing only sends what the store lacks, in order,
 * a batch to a transaction, so a lost connection loses one batch and the
 * next push goes on from the store's head. */
#include <errno.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "central_internal.h"
#include "errmsg.h"
#include "i18n.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/push.h"
#include "ledger_internal.h"

#define DOC_MAX (256u << 20) /* a certificate PDF larger than this is not sent */

int kesu_push_first_divergent(uint64_t hi, int (*same)(uint64_t seq, void *ctx), void *ctx,
			      uint64_t *first)
{
	/* Invariant: the chains differ at hi; every seq below lo agrees. */
	uint64_t lo = 1;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		int rc = same(mid, ctx);
		if (rc < 0)
			return rc;
		if (rc)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = hi;
	return 0;
}

struct push {
	struct kesu_central *c;
	struct kesu_ledger *l;
	const char *cert_dir;
	char station[KESU_FINGERPRINT_SIZE];
	char *err;
	size_t errsize;
};

static int store_fail(struct push *p, PGresult *res, const char *what)
{
	int rc = Kesu_central_fail(p->c, res, what, p->err, p->errsize);
	PQclear(res);
	return rc;
}

/* One-value query with the station as $1 (and seq as $2 when not 0). *out
 * is "" when there is no row or the value is NULL. */
static int store_value(struct push *p, const char *sql, uint64_t seq, char *out, size_t size)
{
	char seqs[24];
	snprintf(seqs, sizeof(seqs), "%" PRIu64, seq);
	const char *params[] = {p->station, seqs};
	PGresult *res = PQexecParams(p->c->conn, sql, seq ? 2 : 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return store_fail(p, res, _("cannot read the store's chain"));
	snprintf(out, size, "%s", PQntuples(res) && !PQgetisnull(res, 0, 0) ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	return 0;
}

static int local_hash(struct push *p, uint64_t seq, char out[65])
{
	sqlite3_stmt *st;
	out[0] = '\0';
	if (sqlite3_prepare_v2(p->l->db, "SELECT hash FROM jobs WHERE state = 'finished' AND seq = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(p->l, _("cannot read the chain"), p->err, p->errsize);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, 65, "%s", (const char *)sqlite3_column_text(st, 0));
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE
		     ? 0
		     : Kesu_ledger_fail(p->l, _("cannot read the chain"), p->err, p->errsize);
	sqlite3_finalize(st);
	return rc;
}

static int same_at(uint64_t seq, void *ctx)
{
	struct push *p = ctx;
	char mine[65], theirs[65];
	int rc = local_hash(p, seq, mine);
	if (rc == 0)
		rc = store_value(p, "SELECT hash FROM kesu.records WHERE station = $1 AND seq = $2", seq,
				 theirs, sizeof(theirs));
	return rc < 0 ? rc : !strcmp(mine, theirs);
}

/* ---- Records: up to KESU_PUSH_BATCH in one multi-row INSERT ---- */

#define COLS 6 /* seq, record_id, record, prev_hash, hash, signature; $1 is the station */

struct batch {
	size_t n;
	char *vals[KESU_PUSH_BATCH * COLS];
	uint64_t last;
};

static void batch_clear(struct batch *b)
{
	for (size_t i = 0; i < b->n * COLS; i++)
		free(b->vals[i]);
	b->n = 0;
}

static int batch_send(struct push *p, struct batch *b)
{
	if (!b->n)
		return 0;
	size_t cap = 128 + b->n * 48;
	char *sql = malloc(cap);
	const char **params = malloc((1 + b->n * COLS) * sizeof(*params));
	if (!sql || !params) {
		free(sql);
		free(params);
		return -ENOMEM;
	}
	size_t len = (size_t)snprintf(sql, cap, "INSERT INTO kesu.records (station, seq, record_id, "
					       "record, prev_hash, hash, signature) VALUES ");
	params[0] = p->station;
	for (size_t r = 0; r < b->n; r++) {
		size_t k = 2 + r * COLS;
		len += (size_t)snprintf(sql + len, cap - len, "%s($1,$%zu::bigint,$%zu,$%zu,$%zu,$%zu,$%zu)",
					r ? "," : "", k, k + 1, k + 2, k + 3, k + 4, k + 5);
		for (size_t i = 0; i < COLS; i++)
			params[1 + r * COLS + i] = b->vals[r * COLS + i];
	}
	/* One transaction: the batch is stored whole or not at all, in seq
	 * order (the trigger checks each against the one before, which the
	 * same statement may just have inserted). The station's transaction
	 * lock makes two pushes of one station at once (a job's and an
	 * operator's) take turns: the second then finds the rows committed
	 * and the trigger skips them, instead of both failing on the key. */
	int rc = Kesu_central_exec(p->c, "BEGIN", _("cannot begin"), p->err, p->errsize);
	PGresult *res = NULL;
	if (rc == 0) {
		res = PQexecParams(p->c->conn, "SELECT pg_advisory_xact_lock(hashtext('kesu push ' || $1))",
				   1, NULL, params, NULL, NULL, 0);
		rc = PQresultStatus(res) == PGRES_TUPLES_OK ? 0 : store_fail(p, res, _("cannot lock"));
		if (rc == 0)
			PQclear(res);
	}
	if (rc == 0) {
		res = PQexecParams(p->c->conn, sql, (int)(1 + b->n * COLS), NULL, params, NULL, NULL, 0);
		rc = PQresultStatus(res) == PGRES_COMMAND_OK
			     ? 0
			     : store_fail(p, res, _("cannot store the records"));
		if (rc == 0)
			PQclear(res);
	}
	if (rc == 0)
		rc = Kesu_central_exec(p->c, "COMMIT", _("cannot commit"), p->err, p->errsize);
	else
		PQclear(PQexec(p->c->conn, "ROLLBACK"));
	free(sql);
	free(params);
	return rc;
}

static char *col_dup(sqlite3_stmt *st, int col)
{
	char buf[24];
	if (sqlite3_column_type(st, col) == SQLITE_INTEGER) {
		snprintf(buf, sizeof(buf), "%lld", (long long)sqlite3_column_int64(st, col));
		return strdup(buf);
	}
	const unsigned char *v = sqlite3_column_text(st, col);
	return strdup(v ? (const char *)v : "");
}

/* Sends the local records from..to (inclusive) in batches; *sent counts
 * the records the store was given. */
static int send_records(struct push *p, uint64_t from, uint64_t to, uint64_t *sent)
{
	sqlite3_stmt *st;
	if (from > to)
		return 0;
	if (sqlite3_prepare_v2(p->l->db,
			       "SELECT seq, job_id, record, prev_hash, hash, signature FROM jobs"
			       " WHERE state = 'finished' AND seq BETWEEN ? AND ? ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(p->l, _("cannot read the chain"), p->err, p->errsize);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)to);
	struct batch *b = calloc(1, sizeof(*b));
	if (!b) {
		sqlite3_finalize(st);
		return -ENOMEM;
	}
	int rc = 0, step;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < COLS; i++)
			if (!(b->vals[b->n * COLS + (size_t)i] = col_dup(st, i)))
				rc = -ENOMEM;
		b->n++;
		if (rc == 0 && b->n == KESU_PUSH_BATCH) {
			rc = batch_send(p, b);
			*sent += rc == 0 ? b->n : 0;
			batch_clear(b);
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = Kesu_ledger_fail(p->l, _("cannot read the chain"), p->err, p->errsize);
	if (rc == 0) {
		rc = batch_send(p, b);
		*sent += rc == 0 ? b->n : 0;
	}
	batch_clear(b);
	free(b);
	sqlite3_finalize(st);
	return rc;
}

/* ---- Documents: every certificate that is new or changed since it was
 * last sent to this store ---- */

static bool safe_name(const char *s)
{
	size_t n = strlen(s);
	if (n < 1 || n > 128)
		return false;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '-'))
			return false;
	return true;
}

static int send_document(struct push *p, uint64_t seq, const char *name, const char *sha,
			 const char *data, size_t len)
{
	char seqs[24];
	snprintf(seqs, sizeof(seqs), "%" PRIu64, seq);
	const char *params[] = {p->station, seqs, name, sha, data};
	int lengths[] = {0, 0, 0, 0, (int)len};
	int formats[] = {0, 0, 0, 0, 1};
	/* The store keeps every version by (name, sha256): one it has is
	 * skipped there, so a lost local memory only costs a re-read. */
	PGresult *res = PQexecParams(p->c->conn,
				     "INSERT INTO kesu.documents (station, seq, name, sha256, bytes)"
				     " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
				     5, NULL, params, lengths, formats, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		return store_fail(p, res, _("cannot store a certificate"));
	PQclear(res);
	return 0;
}

/* The local memory of what was sent (ledger table pushed_documents): a
 * file whose size and change time are those remembered is not read. */
struct sent_docs {
	sqlite3_stmt *get, *put;
	const char *server;
};

static bool doc_unchanged(struct sent_docs *d, const char *name, const struct stat *sb)
{
	sqlite3_reset(d->get);
	sqlite3_bind_text(d->get, 1, d->server, -1, SQLITE_STATIC);
	sqlite3_bind_text(d->get, 2, name, -1, SQLITE_STATIC);
	int64_t mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
	bool same = sqlite3_step(d->get) == SQLITE_ROW &&
		    sqlite3_column_int64(d->get, 0) == sb->st_size &&
		    sqlite3_column_int64(d->get, 1) == mtime_ns;
	sqlite3_reset(d->get); /* no read left open while the push writes */
	return same;
}

static int doc_remember(struct push *p, struct sent_docs *d, const char *name,
			const struct stat *sb, const char *sha)
{
	sqlite3_reset(d->put);
	sqlite3_bind_text(d->put, 1, d->server, -1, SQLITE_STATIC);
	sqlite3_bind_text(d->put, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(d->put, 3, (sqlite3_int64)sb->st_size);
	sqlite3_bind_int64(d->put, 4,
			   (sqlite3_int64)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec);
	sqlite3_bind_text(d->put, 5, sha, -1, SQLITE_STATIC);
	return sqlite3_step(d->put) == SQLITE_DONE
		       ? 0
		       : Kesu_ledger_fail(p->l, _("cannot record the push"), p->err, p->errsize);
}

/* Reads, hashes and sends one certificate file; 0 also when there is
 * none (not issued, or kept elsewhere: the record is the proof, and the
 * PDF follows when it is there). */
static int send_file(struct push *p, struct sent_docs *d, uint64_t seq, const char *name,
		     uint64_t *sent)
{
	char path[4400], why[256];
	snprintf(path, sizeof(path), "%s/%s", p->cert_dir, name);
	struct stat sb;
	if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || doc_unchanged(d, name, &sb))
		return 0;
	char *data = NULL;
	size_t len = 0;
	if (kesu_file_read_bounded(path, DOC_MAX, KESU_FILE_NOFOLLOW, &data, &len, why,
				   sizeof(why)) < 0)
		return 0;
	unsigned char digest[crypto_hash_sha256_BYTES];
	char sha[2 * crypto_hash_sha256_BYTES + 1];
	crypto_hash_sha256(digest, (const unsigned char *)data, len);
	sodium_bin2hex(sha, sizeof(sha), digest, sizeof(digest));
	int rc = send_document(p, seq, name, sha, data, len);
	free(data);
	if (rc == 0) {
		(*sent)++;
		rc = doc_remember(p, d, name, &sb, sha);
	}
	return rc;
}

/* The certificates of records 1..upto that the store may not hold as
 * they are now (new, or changed by a countersignature). A store that
 * holds none of this station's records (new, or rebuilt) gets them all. */
static int send_documents(struct push *p, uint64_t upto, bool store_was_empty, uint64_t *sent)
{
	if (!p->cert_dir || !*p->cert_dir || !upto)
		return 0;
	struct sent_docs d = {.server = p->c->name};
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (store_was_empty) {
		char *why = NULL;
		char *sql = sqlite3_mprintf("DELETE FROM pushed_documents WHERE server = %Q", d.server);
		if (!sql || sqlite3_exec(p->l->db, sql, NULL, NULL, &why) != SQLITE_OK)
			rc = Kesu_ledger_fail(p->l, _("cannot record the push"), p->err, p->errsize);
		sqlite3_free(sql);
		sqlite3_free(why);
	}
	/* The names first, the sending after: a read left open while this
	 * connection writes its memory would fail as soon as another push
	 * (a job's) wrote to the ledger in between. */
	struct cert { uint64_t seq; char name[160]; } *certs = NULL;
	size_t n = 0, cap = 0;
	if (rc == 0 &&
	    (sqlite3_prepare_v2(p->l->db,
				"SELECT size, mtime_ns FROM pushed_documents WHERE server = ? AND name = ?",
				-1, &d.get, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(p->l->db,
				"INSERT OR REPLACE INTO pushed_documents (server, name, size, mtime_ns, sha256)"
				" VALUES (?, ?, ?, ?, ?)",
				-1, &d.put, NULL) != SQLITE_OK ||
	     sqlite3_prepare_v2(p->l->db,
				"SELECT seq, json_extract(record, '$.certificate_id') FROM jobs"
				" WHERE state = 'finished' AND seq <= ?"
				" AND json_extract(record, '$.certificate_id') IS NOT NULL ORDER BY seq",
				-1, &st, NULL) != SQLITE_OK))
		rc = Kesu_ledger_fail(p->l, _("cannot read the chain"), p->err, p->errsize);
	if (st)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)upto);
	int step = SQLITE_DONE;
	while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap) {
			void *bigger = realloc(certs, (cap = cap ? 2 * cap : 64) * sizeof(*certs));
			if (!bigger) {
				rc = -ENOMEM;
				break;
			}
			certs = bigger;
		}
		certs[n].seq = (uint64_t)sqlite3_column_int64(st, 0);
		snprintf(certs[n].name, sizeof(certs[n].name), "kesu-%s.pdf",
			 (const char *)sqlite3_column_text(st, 1));
		n += safe_name(certs[n].name);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = Kesu_ledger_fail(p->l, _("cannot read the chain"), p->err, p->errsize);
	sqlite3_finalize(st);
	st = NULL;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = send_file(p, &d, certs[i].seq, certs[i].name, sent);
	free(certs);
	sqlite3_finalize(st);
	sqlite3_finalize(d.get);
	sqlite3_finalize(d.put);
	return rc;
}

/* ---- The push ---- */

static int check_identity(struct push *p)
{
	PGresult *res = PQexec(p->c->conn, "SELECT current_user, kesu.my_station()");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return store_fail(p, res, _("cannot ask the store who this is"));
	int rc = 0;
	if (PQgetisnull(res, 0, 1) || strcmp(PQgetvalue(res, 0, 1), p->station) != 0)
		rc = Kesu_errorf(p->err, p->errsize, -EACCES,
				 "central store %s: role %s is not registered as station %s",
				 p->c->name, PQgetvalue(res, 0, 0), p->station);
	PQclear(res);
	return rc;
}

/* The head of this station's chain in the store: seq (0: none) and hash. */
static int store_head(struct push *p, uint64_t *seq, char hash[65])
{
	char v[128];
	int rc = store_value(p,
			     "SELECT seq || ' ' || hash FROM kesu.records WHERE station = $1"
			     " ORDER BY seq DESC LIMIT 1",
			     0, v, sizeof(v));
	if (rc < 0)
		return rc;
	*seq = 0;
	hash[0] = '\0';
	if (*v && sscanf(v, "%" SCNu64 " %64s", seq, hash) != 2)
		*seq = 0;
	return 0;
}

/* The first fork alarm raised for this station after alarm mark. */
static int fork_alarm(struct push *p, const char *mark, struct kesu_push_result *r)
{
	const char *params[] = {p->station, mark};
	PGresult *res = PQexecParams(p->c->conn,
				     "SELECT coalesce(seq, 0), detail FROM kesu.alarms WHERE station = $1"
				     " AND kind = 'fork' AND id > $2::bigint ORDER BY id LIMIT 1",
				     2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		return store_fail(p, res, _("cannot read the store's alarms"));
	if (PQntuples(res)) {
		r->fork_seq = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
		snprintf(r->fork_detail, sizeof(r->fork_detail), "%s", PQgetvalue(res, 0, 1));
	}
	PQclear(res);
	return 0;
}

int kesu_push(struct kesu_central *c, struct kesu_ledger *l, const struct kesu_public_key *pk,
	      const char *cert_dir, struct kesu_push_result *r, char *err, size_t errsize)
{
	memset(r, 0, sizeof(*r));
	struct push p = {.c = c, .l = l, .cert_dir = cert_dir, .err = err, .errsize = errsize};
	kesu_key_fingerprint(pk, p.station, sizeof(p.station));
	int rc = kesu_ledger_head_seq(l, &r->local_head, err, errsize);
	if (rc < 0)
		return rc;
	if ((rc = kesu_central_has_schema(c, err, errsize)) <= 0)
		return rc < 0 ? rc
			      : Kesu_errorf(err, errsize, -KESU_ENOTFOUND,
					    "central store %s: not initialised (kesu server init)", c->name);
	char mark[32];
	if ((rc = check_identity(&p)) < 0 || (rc = store_head(&p, &r->store_before, r->store_head_hash)) < 0 ||
	    (rc = store_value(&p, "SELECT coalesce(max(id), 0) FROM kesu.alarms WHERE station = $1", 0,
			      mark, sizeof(mark))) < 0)
		return rc;
	r->store_head = r->store_before;
	uint64_t from = r->store_before + 1, to = r->local_head, agreed = r->store_before;
	if (r->store_before) {
		uint64_t at = r->store_before < r->local_head ? r->store_before : r->local_head;
		int same = at ? same_at(at, &p) : 0;
		if (same < 0)
			return same;
		if (!same && at) {
			/* The chains part somewhere at or before at: offer ours
			 * from there, up to the place after the store's head
			 * (beyond it the store would see a gap). */
			uint64_t first;
			if ((rc = kesu_push_first_divergent(at, same_at, &p, &first)) < 0)
				return rc;
			from = first;
			to = r->store_before + 1 < r->local_head ? r->store_before + 1 : r->local_head;
			agreed = first - 1;
			r->fork_seq = first;
		} else if (!same) {
			agreed = 0; /* an empty local ledger */
		} else if (r->store_before > r->local_head) {
			return Kesu_errorf(err, errsize, -KESU_EVERIFY,
					   "central store %s: holds records up to %llu of station %s, but this "
					   "ledger ends at %llu (a ledger restored from an old copy?)",
					   c->name, (unsigned long long)r->store_before, p.station,
					   (unsigned long long)r->local_head);
		}
	}
	rc = send_records(&p, from, to, &r->sent);
	if (rc < 0 && !r->fork_seq && r->sent) { /* the batches before the one lost are stored */
		char keep[KESU_ERRMSG_MAX];
		snprintf(keep, sizeof(keep), "%s", err);
		r->store_head = r->store_before + r->sent;
		if (local_hash(&p, r->store_head, r->store_head_hash) < 0)
			r->store_head_hash[0] = '\0';
		snprintf(err, errsize, "%s", keep); /* the reason the push stopped */
	}
	if (rc == 0 && !r->fork_seq)
		rc = store_head(&p, &r->store_head, r->store_head_hash);
	if (rc == 0) {
		uint64_t upto = r->fork_seq ? agreed : r->store_head;
		rc = send_documents(&p, upto, r->store_before == 0, &r->documents);
	}
	if (rc == 0 && r->fork_seq) {
		r->sent = 0; /* offers, not records */
		r->store_head = agreed;
		rc = local_hash(&p, agreed, r->store_head_hash);
	}
	uint64_t fork_hint = r->fork_seq;
	if (rc == 0)
		rc = fork_alarm(&p, mark, r);
	if (rc == 0 && (r->fork_seq || fork_hint)) {
		if (!r->fork_seq)
			r->fork_seq = fork_hint;
		if (r->fork_detail[0])
			return Kesu_errorf(err, errsize, -KESU_EVERIFY, "central store %s: fork: %s", c->name,
					   r->fork_detail);
		return Kesu_errorf(err, errsize, -KESU_EVERIFY,
				   "central store %s: fork: record %llu differs from the record the store "
				   "holds",
				   c->name, (unsigned long long)r->fork_seq);
	}
	return rc;
}

int kesu_push_to(const char *url, struct kesu_ledger *l, const struct kesu_public_key *pk,
		 const char *cert_dir, struct kesu_push_result *r, char *err, size_t errsize)
{
	memset(r, 0, sizeof(*r));
	char server[512], fpr[KESU_FINGERPRINT_SIZE], why[KESU_ERRMSG_MAX];
	int rc = kesu_central_url_name(url, server, sizeof(server), err, errsize);
	if (rc < 0)
		return rc;
	kesu_key_fingerprint(pk, fpr, sizeof(fpr));
	struct kesu_central *c = NULL;
	rc = kesu_central_connect(url, &c, err, errsize);
	if (rc == 0)
		rc = kesu_push(c, l, pk, cert_dir, r, err, errsize);
	/* The store was reached when it said where its head is. */
	uint64_t held = r->store_head;
	const char *hash = r->store_head_hash;
	int src = kesu_push_state_record(l, server, fpr, held, hash, rc < 0 ? err : NULL, why,
					 sizeof(why));
	kesu_central_close(c);
	if (rc == 0 && src < 0) {
		snprintf(err, errsize, "%s", why);
		rc = src;
	}
	return rc;
}

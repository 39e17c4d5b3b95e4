/* kesu_register_build: the query checked, every finished record of the
 * ledger read once (rows, media timelines, witnesses), the ledger
 * verified, then the anomalies and the summary (kesu/register.h). */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "kesu/record.h"
#include "kesu/vocabulary.h"
#include "ledger_internal.h"
#include "media_internal.h"
#include "register_internal.h"
#include "utf8.h"
#include "i18n.h"

static int check_query(const struct kesu_register_query *q, long *since, long *until, char *err,
		       size_t errsize)
{
	char list[64];
	if (!Kesu_reg_days(q->since, since))
		return snprintf(err, errsize, _("since \"%.40s\": not a date (YYYY-MM-DD)"),
				q->since ? q->since : ""), -KESU_EPARSE;
	if (!Kesu_reg_days(q->until, until))
		return snprintf(err, errsize, _("until \"%.40s\": not a date (YYYY-MM-DD)"),
				q->until ? q->until : ""), -KESU_EPARSE;
	if (*until < *since)
		return snprintf(err, errsize, _("until %s is before since %s"), q->until, q->since),
		       -KESU_EPARSE;
	if (q->classification && *q->classification &&
	    !kesu_vocab_find(KESU_VOCAB_CLASS, q->classification))
		return snprintf(err, errsize, _("class \"%.40s\": not %s"), q->classification,
				kesu_vocab_list(KESU_VOCAB_CLASS, list, sizeof(list))), -KESU_EPARSE;
	if (q->purpose && *q->purpose && !kesu_vocab_find(KESU_VOCAB_PURPOSE, q->purpose))
		return snprintf(err, errsize, _("purpose \"%.40s\": not %s"), q->purpose,
				kesu_vocab_list(KESU_VOCAB_PURPOSE, list, sizeof(list))), -KESU_EPARSE;
	return 0;
}

static void filter_text(const struct kesu_register_query *q, char *buf, size_t size)
{
	const char *names[] = {"department", "class", "purpose", "station"};
	const char *values[] = {q->department, q->classification, q->purpose, q->station};
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < 4 && n < size; i++)
		if (values[i] && *values[i])
			n += (size_t)snprintf(buf + n, size - n, "%s%s=%s", n ? ", " : "", names[i], values[i]);
	if (n >= size) /* never half a character: cut at the last whole one */
		buf[Kesu_utf8_invalid_at(buf, strlen(buf))] = '\0';
}

struct pass {
	struct Kesu_reg_build *b;
	struct json_tokener *tok; /* one for the whole pass: a new one per record costs */
	uint64_t last_seq;
	char last_hash[65];
	char *err;
	size_t errsize;
};

static int take_row(const struct kesu_ledger_row *row, void *ctx)
{
	struct pass *p = ctx;
	if (!row->record)
		return 0;
	json_tokener_reset(p->tok);
	struct json_object *doc = json_tokener_parse_ex(p->tok, row->record, -1);
	if (json_tokener_get_error(p->tok) != json_tokener_success) {
		json_object_put(doc);
		doc = NULL;
	}
	if (!json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		snprintf(p->err, p->errsize, _("ledger record %llu: not a JSON object"),
			 (unsigned long long)row->seq);
		return -KESU_EPARSE;
	}
	/* From the central store: the station column says which registered
	 * station holds the record (its host name may be any station's). */
	struct json_object *st;
	if (row->station && json_object_object_get_ex(doc, "station", &st) &&
	    json_object_is_type(st, json_type_object))
		json_object_object_add(st, "hostname", json_object_new_string(row->station));
	int rc = Kesu_media_fold_doc(p->b->media, row->seq, row->hash, doc);
	if (rc == 0)
		rc = Kesu_reg_take(p->b, row->seq, doc);
	json_object_put(doc);
	p->last_seq = row->seq;
	snprintf(p->last_hash, sizeof(p->last_hash), "%s", row->hash ? row->hash : "");
	if (rc < 0)
		snprintf(p->err, p->errsize, _("ledger record %llu: %s"), (unsigned long long)row->seq,
			 rc == -KESU_EPARSE ? "a field is not valid UTF-8" : kesu_strerror(rc));
	return rc;
}

/* The ledger's verification (every record's hash, link and Ed25519
 * signature: the larger half of the time on a big ledger) runs on a
 * second thread while the pass reads the records. Both use the one
 * connection: SQLite built thread-safe serialises its calls, and neither
 * holds it while it parses or checks. */
struct verifier {
	struct kesu_ledger *l;
	const struct kesu_public_key *pk;
	struct kesu_ledger_report rep;
	int rc;
	pthread_t thread;
	bool started;
	char err[KESU_ERRMSG_MAX];
};

static void *verify_run(void *arg)
{
	struct verifier *v = arg;
	memset(&v->rep, 0, sizeof(v->rep));
	v->rc = kesu_ledger_verify(v->l, v->pk, &v->rep, v->err, sizeof(v->err));
	return NULL;
}

static void verify_start(struct verifier *v)
{
	v->started = v->pk && sqlite3_threadsafe() == 1 &&
		     pthread_create(&v->thread, NULL, verify_run, v) == 0;
}

static void verify_wait(struct verifier *v)
{
	if (v->started)
		pthread_join(v->thread, NULL);
	else if (v->pk)
		verify_run(v);
	v->started = false;
}

/* Its result: not an error when it fails, the register's first anomaly. */
static int verify_result(struct Kesu_reg_build *b, const struct verifier *v, const struct pass *p,
			 char *err, size_t errsize)
{
	struct kesu_register *r = b->r;
	r->ledger_records = p->last_seq;
	snprintf(r->ledger_head, sizeof(r->ledger_head), "%s", p->last_hash);
	if (!v->pk && v->l->central)
		return Kesu_reg_anomaly_add(b, KESU_ANOM_LEDGER, 0, "ledger",
					    "中央台帳にある各端末の連鎖と署名は、この台帳の作成時には"
					    "検証していません (中央台帳の検証で確認します)",
					    "the stations' chains and signatures in the central store were "
					    "not verified for this register: the central store's own "
					    "verification checks them");
	if (!v->pk)
		return Kesu_reg_anomaly_add(b, KESU_ANOM_LEDGER, 0, "ledger",
					    "記録台帳の署名は検証されていません (公開鍵なし)",
					    "the ledger was not verified: no public key was given");
	kesu_key_fingerprint(v->pk, r->station_key, sizeof(r->station_key));
	if (v->rc < 0 && v->rc != -KESU_EVERIFY)
		return snprintf(err, errsize, "%s", v->err), v->rc;
	const struct kesu_ledger_report *rep = &v->rep;
	r->ledger_verified = true;
	r->ledger_ok = v->rc == 0;
	r->ledger_records = rep->records;
	if (r->ledger_ok) {
		snprintf(r->ledger_head, sizeof(r->ledger_head), "%s", rep->head_hash);
		return 0;
	}
	snprintf(r->ledger_problem, sizeof(r->ledger_problem), "record %llu: %s",
		 (unsigned long long)rep->first_bad_seq, rep->problem);
	char ja[700];
	snprintf(ja, sizeof(ja), "記録 %llu で検証に失敗しました: %s",
		 (unsigned long long)rep->first_bad_seq, rep->problem);
	return Kesu_reg_anomaly_add(b, KESU_ANOM_LEDGER, rep->first_bad_seq, "ledger", ja,
				    r->ledger_problem);
}

void kesu_register_free(struct kesu_register *r)
{
	if (!r)
		return;
	free(r->anomalies);
	free(r->rows);
	for (int d = 0; d < KESU_REG_DIMENSIONS; d++)
		free(r->counts[d]);
	free(r->weeks);
	Kesu_reg_pool_free(r->pool);
	free(r);
}

/* date ("YYYY-MM-DD") moved by days into out[16]; false when not a date. */
static bool day_shift(const char *date, int days, char out[16])
{
	struct tm tm = {0};
	if (!date || sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + (time_t)days * 86400;
	return gmtime_r(&t, &tm) && strftime(out, 16, "%Y-%m-%d", &tm) == 10;
}

static int build(struct kesu_ledger *l, struct Kesu_reg_build *b, char *err, size_t errsize)
{
	struct pass p = {.b = b, .tok = json_tokener_new(), .err = err, .errsize = errsize};
	if (!p.tok)
		return -ENOMEM;
	struct kesu_ledger_filter all = {0};
	/* A central store of every station is read for the period only (an
	 * index range on ended_utc), from a day before: the register's dates
	 * are the stations' local ones, the store's UTC. */
	char since_utc[16], until_utc[16];
	if (l->central && day_shift(b->q->since, -1, since_utc) && day_shift(b->q->until, 1, until_utc)) {
		all.since_utc = since_utc;
		all.until_utc = until_utc;
	}
	struct verifier v = {.l = l, .pk = b->q->pk};
	verify_start(&v);
	int rc = kesu_ledger_query(l, &all, take_row, &p, err, errsize);
	json_tokener_free(p.tok);
	for (size_t i = 0; rc == 0 && i < b->q->n_approvals; i++)
		rc = kesu_media_add_approval(b->media, b->q->approvals[i]);
	if (rc == 0)
		kesu_media_finish(b->media);
	verify_wait(&v);
	if (rc < 0)
		return rc;
	if ((rc = verify_result(b, &v, &p, err, errsize)) < 0 || (rc = Kesu_reg_judge(b)) < 0 ||
	    (rc = Kesu_reg_summarise(b)) < 0)
		return rc == -ENOMEM ? (snprintf(err, errsize, _("register: out of memory")), rc) : rc;
	Kesu_reg_anomaly_sort(b->r);
	return 0;
}

int kesu_register_build(struct kesu_ledger *l, const struct kesu_register_query *q,
			struct kesu_register **out, char *err, size_t errsize)
{
	long since, until;
	*out = NULL;
	int rc = check_query(q, &since, &until, err, errsize);
	if (rc < 0)
		return rc;
	struct kesu_policy def;
	kesu_policy_default(&def);
	struct kesu_register *r = calloc(1, sizeof(*r));
	struct Kesu_reg_build b = {.q = q, .policy = q->policy ? q->policy : &def, .r = r,
				   .media = kesu_media_set_new()};
	if (!r || !b.media || !(r->pool = b.pool = Kesu_reg_pool_new())) {
		kesu_media_set_free(b.media);
		kesu_register_free(r);
		return snprintf(err, errsize, _("register: out of memory")), -ENOMEM;
	}
	snprintf(r->since, sizeof(r->since), "%s", q->since);
	snprintf(r->until, sizeof(r->until), "%s", q->until);
	filter_text(q, r->filter_text, sizeof(r->filter_text));
	snprintf(r->policy_name, sizeof(r->policy_name), "%s", b.policy->name);
	r->built_at = q->now;
	r->approvals_checked = q->n_approvals > 0;
	r->certificates_checked = q->cert_dir != NULL;
	char now_local[40];
	kesu_time_local(q->now, now_local);
	snprintf(b.today, sizeof(b.today), "%.10s", now_local);
	rc = build(l, &b, err, errsize);
	kesu_media_set_free(b.media);
	free(b.extra);
	free(b.witnessed);
	if (rc < 0) {
		kesu_register_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

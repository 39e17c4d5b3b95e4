/* The register's anomalies (kesu/register.h, docs/register.md
 * "Anomalies"): each detail row judged against the policy of its class
 * and against what the ledger records of its medium later, and each
 * approved medium against its approval's validity. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kesu/policy.h"
#include "kesu/record.h"
#include "register_internal.h"

int Kesu_reg_anomaly_add(struct Kesu_reg_build *b, enum kesu_register_anomaly_kind kind,
			 uint64_t seq, const char *subject, const char *ja, const char *en)
{
	struct kesu_register *r = b->r;
	if (r->n_anomalies == b->cap_anomalies) {
		size_t cap = b->cap_anomalies ? b->cap_anomalies * 2 : 64;
		struct kesu_register_anomaly *a = realloc(r->anomalies, cap * sizeof(*a));
		if (!a)
			return -ENOMEM;
		r->anomalies = a;
		b->cap_anomalies = cap;
	}
	struct kesu_register_anomaly *a = &r->anomalies[r->n_anomalies];
	a->kind = kind;
	a->seq = seq;
	a->subject = Kesu_reg_str(b->pool, subject);
	a->detail_ja = Kesu_reg_str(b->pool, ja);
	a->detail_en = Kesu_reg_str(b->pool, en);
	if (!a->subject || !a->detail_ja || !a->detail_en)
		return -ENOMEM;
	r->n_anomalies++;
	return 0;
}

static int by_kind_seq(const void *x, const void *y)
{
	const struct kesu_register_anomaly *a = x, *b = y;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return strcmp(a->subject, b->subject);
}

void Kesu_reg_anomaly_sort(struct kesu_register *r)
{
	if (r->n_anomalies > 1)
		qsort(r->anomalies, r->n_anomalies, sizeof(*r->anomalies), by_kind_seq);
}

/* Which medium each job's record is about: job id -> medium, sorted. */
struct job_medium {
	const char *job_id;
	const struct kesu_medium *m;
};

static int by_job(const void *x, const void *y)
{
	return strcmp(((const struct job_medium *)x)->job_id, ((const struct job_medium *)y)->job_id);
}

static struct job_medium *index_jobs(const struct kesu_media_set *s, size_t *n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < kesu_media_count(s); i++)
		total += kesu_media_at(s, i)->n_events;
	struct job_medium *ix = malloc((total ? total : 1) * sizeof(*ix));
	if (!ix)
		return NULL;
	for (size_t i = 0; i < kesu_media_count(s); i++) {
		const struct kesu_medium *m = kesu_media_at(s, i);
		for (size_t j = 0; j < m->n_events; j++)
			if (m->events[j].type != KESU_MEDIA_EV_APPROVAL && m->events[j].job_id[0])
				ix[k++] = (struct job_medium){m->events[j].job_id, m};
	}
	qsort(ix, k, sizeof(*ix), by_job);
	*n = k;
	return ix;
}

static int by_text(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static const char *subject_of(const struct kesu_register_row *w)
{
	return *w->serial ? w->serial : *w->asset ? w->asset : w->certificate_id;
}

/* The first event of m after seq of type t (SUCCESS only, when asked). */
static const struct kesu_media_event *later(const struct kesu_medium *m, uint64_t seq,
					    enum kesu_media_event_type t, bool success_only)
{
	for (size_t i = 0; m && i < m->n_events; i++) {
		const struct kesu_media_event *e = &m->events[i];
		if (e->seq > seq && e->type == t && (!success_only || !strcmp(e->outcome, "SUCCESS")))
			return e;
	}
	return NULL;
}

/* Whether m was erased (SUCCESS, or a contractor's certificate) or
 * destroyed here before seq: the newest erasure before it decides. */
static bool done_before(const struct kesu_medium *m, uint64_t seq)
{
	bool done = false;
	for (size_t i = 0; m && i < m->n_events && m->events[i].seq < seq; i++) {
		const struct kesu_media_event *e = &m->events[i];
		if (e->type == KESU_MEDIA_EV_DESTRUCTION)
			return true;
		if (e->type == KESU_MEDIA_EV_ERASURE || e->type == KESU_MEDIA_EV_RECEIVED)
			done = !strcmp(e->outcome, "SUCCESS");
	}
	return done;
}

static bool failed_outcome(const char *o)
{
	return !strcmp(o, "FAILED") || !strcmp(o, "INTERRUPTED") || !strcmp(o, "ABANDONED");
}

static int judge_failed(struct Kesu_reg_build *b, const struct kesu_register_row *w,
			const struct kesu_medium *m, const struct kesu_policy_class *c)
{
	/* A failed medium may still hold the data: the policy asks for its
	 * destruction; where it does not, a later successful erasure will do. */
	bool must_destroy = c && c->on_failure == KESU_POLICY_FAILURE_DESTROY;
	if (later(m, w->seq, KESU_MEDIA_EV_DESTRUCTION, false) ||
	    (!must_destroy && (later(m, w->seq, KESU_MEDIA_EV_ERASURE, true) ||
			       later(m, w->seq, KESU_MEDIA_EV_RECEIVED, true))))
		return 0;
	char ja[256], en[256];
	const char *what_ja = !strcmp(w->outcome, "FAILED") ? "消去失敗"
			      : !strcmp(w->outcome, "INTERRUPTED") ? "消去の中断" : "消去の中止";
	snprintf(ja, sizeof(ja), "%sの後、%sの記録がありません", what_ja,
		 must_destroy ? "物理破壊" : "物理破壊または再消去");
	snprintf(en, sizeof(en), "%s, and no later %s is recorded", w->outcome,
		 must_destroy ? "destruction" : "destruction or successful erasure");
	return Kesu_reg_anomaly_add(b, KESU_ANOM_FAILED_NOT_DESTROYED, w->seq, subject_of(w), ja, en);
}

static int judge_document(struct Kesu_reg_build *b, const struct kesu_register_row *w)
{
	if (!b->q->cert_dir || !kesu_register_gets_document(w->kind, w->outcome) || !*w->certificate_id)
		return 0;
	char path[4200], ja[4400], en[4400];
	snprintf(path, sizeof(path), "%s/kesu-%s.pdf", b->q->cert_dir, w->certificate_id);
	if (access(path, F_OK) == 0)
		return 0;
	bool report = strcmp(w->outcome, "SUCCESS") && strcmp(w->outcome, "ERASED_WITH_EXCEPTIONS");
	snprintf(ja, sizeof(ja), "%s kesu-%s.pdf が %s にありません",
		 report ? "失敗報告書" : "消去証明書", w->certificate_id, b->q->cert_dir);
	snprintf(en, sizeof(en), "%s kesu-%s.pdf is not in %s", report ? "failure report" : "certificate",
		 w->certificate_id, b->q->cert_dir);
	return Kesu_reg_anomaly_add(b, KESU_ANOM_CERT_MISSING, w->seq, subject_of(w), ja, en);
}

/* Policy rules of the row's class: approval and witness. */
static int judge_policy(struct Kesu_reg_build *b, const struct kesu_register_row *w,
			const struct Kesu_reg_extra *x, const struct kesu_policy_class *c)
{
	char ja[256], en[256];
	int rc = 0;
	bool job = !strcmp(w->kind, "wipe") || !strcmp(w->kind, "destruction");
	if (c && c->approval_required && job && !x->approval_cited) {
		snprintf(ja, sizeof(ja), "重要性分類 %s は事前承認が必要ですが、承認番号がありません",
			 w->classification);
		snprintf(en, sizeof(en), "class %s requires prior approval; the record cites none",
			 w->classification);
		rc = Kesu_reg_anomaly_add(b, KESU_ANOM_NO_APPROVAL, w->seq, subject_of(w), ja, en);
	}
	bool certified = !strcmp(w->kind, "wipe") && *w->certificate_id &&
			 (!strcmp(w->outcome, "SUCCESS") || !strcmp(w->outcome, "ERASED_WITH_EXCEPTIONS"));
	if (rc == 0 && c && c->witness_required && certified &&
	    !bsearch(&w->certificate_id, b->witnessed, b->n_witnessed, sizeof(char *), by_text)) {
		snprintf(ja, sizeof(ja), "重要性分類 %s は立会者が必要ですが、証明書 %s に立会者の副署がありません",
			 w->classification, w->certificate_id);
		snprintf(en, sizeof(en), "class %s requires a witness; certificate %s has no witness countersignature",
			 w->classification, w->certificate_id);
		rc = Kesu_reg_anomaly_add(b, KESU_ANOM_WITNESS_MISSING, w->seq, subject_of(w), ja, en);
	}
	return rc;
}

static int judge_unverified(struct Kesu_reg_build *b, const struct kesu_register_row *w,
			    const struct Kesu_reg_extra *x)
{
	bool unverified = !strcmp(w->outcome, "UNVERIFIED");
	bool erased = !strcmp(w->outcome, "SUCCESS") || !strcmp(w->outcome, "ERASED_WITH_EXCEPTIONS");
	if (strcmp(w->kind, "wipe") != 0 || !(unverified || (erased && !strcmp(x->vmode, "none"))))
		return 0;
	return Kesu_reg_anomaly_add(b, KESU_ANOM_UNVERIFIED, w->seq, subject_of(w),
				    unverified ? "消去後の検証が行われていません (UNVERIFIED)"
					       : "検証方式が none です (読み戻し検証なし)",
				    unverified ? "the erasure was not verified (UNVERIFIED)"
					       : "verification mode none: nothing was read back");
}

static int judge_vendor(struct Kesu_reg_build *b, const struct kesu_register_row *w,
			const struct Kesu_reg_extra *x, const struct kesu_medium *m)
{
	if (strcmp(w->kind, "handover") != 0 || strcmp(x->destination, "vendor") != 0 ||
	    done_before(m, w->seq) || later(m, w->seq, KESU_MEDIA_EV_RECEIVED, false))
		return 0;
	return Kesu_reg_anomaly_add(b, KESU_ANOM_CONTRACTOR_CERT, w->seq, subject_of(w),
				    "消去・破壊せずベンダーへ引き渡し、委託先の消去証明書を受領していません",
				    "handed to a vendor neither erased nor destroyed here, and no "
				    "contractor certificate was received");
}

/* "technique 2026-12-06" from an event's UTC time, as the local date. */
static const char *event_text(struct Kesu_reg_build *b, const struct kesu_media_event *e)
{
	char local[40];
	kesu_time_local(Kesu_reg_utc(e->when_utc), local);
	return Kesu_reg_printf(b->pool, "%s %.10s", e->detail, local);
}

/* A wipe's or check's row shows the medium's later destruction and
 * hand-over, where the ledger records them. */
static int later_columns(struct Kesu_reg_build *b, struct kesu_register_row *w,
			 const struct kesu_medium *m)
{
	if (!m || !strcmp(w->kind, "destruction") || !strcmp(w->kind, "handover"))
		return 0;
	if (m->destruction && m->destruction->seq > w->seq && !(w->destruction = event_text(b, m->destruction)))
		return -ENOMEM;
	if (m->handover && m->handover->seq > w->seq && !(w->handover = event_text(b, m->handover)))
		return -ENOMEM;
	return 0;
}

static int judge_row(struct Kesu_reg_build *b, size_t i, const struct kesu_medium *m)
{
	struct kesu_register_row *w = &b->r->rows[i];
	const struct Kesu_reg_extra *x = &b->extra[i];
	const struct kesu_policy_class *c = kesu_policy_class(b->policy, w->classification);
	int rc = later_columns(b, w, m);
	if (rc == 0)
		rc = judge_policy(b, w, x, c);
	if (rc == 0 && !strcmp(w->kind, "wipe") && failed_outcome(w->outcome))
		rc = judge_failed(b, w, m, c);
	if (rc == 0)
		rc = judge_unverified(b, w, x);
	if (rc == 0)
		rc = judge_document(b, w);
	if (rc == 0)
		rc = judge_vendor(b, w, x, m);
	return rc;
}

/* Approved media still pending once their approval's validity is over
 * (the approval's own class and purpose filters apply). */
static int judge_approvals(struct Kesu_reg_build *b)
{
	const struct kesu_register_query *q = b->q;
	for (size_t i = 0; i < q->n_approvals; i++) {
		const struct kesu_approval *a = q->approvals[i];
		if (strcmp(a->valid_until, b->today) >= 0 ||
		    (q->classification && *q->classification && strcmp(q->classification, a->classification)) ||
		    (q->purpose && *q->purpose && strcmp(q->purpose, a->purpose)))
			continue;
		for (size_t j = 0; j < a->n_media; j++) {
			const struct kesu_approval_medium *am = &a->media[j];
			const struct kesu_medium *m = kesu_media_find(b->media, am->serial, am->size, am->asset);
			if (m && m->state != KESU_MEDIA_PENDING)
				continue;
			char subject[160], ja[300], en[300];
			snprintf(subject, sizeof(subject), "%s#%u", a->number, am->entry);
			snprintf(ja, sizeof(ja), "%s: 承認の有効期限 %s を過ぎても未処理です",
				 *am->serial ? am->serial : am->asset, a->valid_until);
			snprintf(en, sizeof(en), "%s: still pending after the approval's validity ended on %s",
				 *am->serial ? am->serial : am->asset, a->valid_until);
			int rc = Kesu_reg_anomaly_add(b, KESU_ANOM_APPROVAL_EXPIRED, 0, subject, ja, en);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

int Kesu_reg_judge(struct Kesu_reg_build *b)
{
	size_t n_jobs = 0;
	struct job_medium *ix = index_jobs(b->media, &n_jobs);
	if (!ix)
		return -ENOMEM;
	if (b->n_witnessed > 1)
		qsort(b->witnessed, b->n_witnessed, sizeof(*b->witnessed), by_text);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < b->r->n_rows; i++) {
		struct job_medium key = {b->extra[i].job_id, NULL};
		const struct job_medium *hit = *key.job_id ? bsearch(&key, ix, n_jobs, sizeof(*ix), by_job) : NULL;
		rc = judge_row(b, i, hit ? hit->m : NULL);
	}
	free(ix);
	if (rc == 0)
		rc = judge_approvals(b);
	return rc;
}

/* The batch payload's own members: the selection, each medium's row and
 * the totals. The totals and the outcome must agree with the rows: a
 * page that counted otherwise than it lists would say what is not true. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_internal.h"
#include "pdf_batch.h"
#include "pdf_payload_read.h"
#include "../../i18n.h"

static const char *const outcomes[BATCH_OUTCOMES + 1] = {
	"SUCCESS", "ERASED_WITH_EXCEPTIONS", "DESTROYED", "UNVERIFIED", "FAILED", "MISSING", NULL};

static int read_doc(struct pj_reader *r, json_object *o, const char *path, bool destruction,
		    struct cert_batch_doc *d)
{
	static const char *const levels[] = {"clear", "purge", "destroy", "none", NULL};
	static const char *const sources[] = {"wipe", "received", NULL};
	char lpath[64];
	snprintf(lpath, sizeof(lpath), "%s.nist_level", path);
	int rc = Kesu_pj_text(r, o, path, "certificate_id", true, d->certificate_id,
			      sizeof(d->certificate_id)) ?:
		 Kesu_pj_text(r, o, path, "record_hash", true, d->record_hash, sizeof(d->record_hash)) ?:
		 Kesu_pj_text(r, o, path, "ended_utc", false, d->ended_utc, sizeof(d->ended_utc)) ?:
		 Kesu_pj_text(r, o, path, "nist_level", false, d->level, sizeof(d->level)) ?:
		 Kesu_pj_one_of(r, lpath, d->level, levels);
	if (rc || destruction) {
		snprintf(d->source, sizeof(d->source), "destruction");
		return rc ?: Kesu_pj_text(r, o, path, "technique", true, d->outcome, sizeof(d->outcome));
	}
	char spath[64], contractor[BATCH_SHORT];
	snprintf(spath, sizeof(spath), "%s.source", path);
	rc = Kesu_pj_text(r, o, path, "source", true, d->source, sizeof(d->source)) ?:
	     Kesu_pj_one_of(r, spath, d->source, sources) ?:
	     Kesu_pj_text(r, o, path, "outcome", true, d->outcome, sizeof(d->outcome)) ?:
	     Kesu_pj_text(r, o, path, "method", false, d->method, sizeof(d->method)) ?:
	     Kesu_pj_text(r, o, path, "contractor", false, contractor, sizeof(contractor));
	if (rc == 0 && !strcmp(d->source, "received"))
		snprintf(d->method, sizeof(d->method), "%s", contractor);
	return rc;
}

static int read_host(struct pj_reader *r, json_object *m, const char *path,
		     struct cert_batch_member *b)
{
	json_object *h;
	char hp[48], maker[BATCH_SHORT], product[BATCH_SHORT];
	snprintf(hp, sizeof(hp), "%s.host", path);
	int rc = Kesu_pj_member(r, m, path, "host", json_type_object, false, &h);
	if (rc || !h)
		return rc;
	rc = Kesu_pj_text(r, h, hp, "manufacturer", false, maker, sizeof(maker)) ?:
	     Kesu_pj_text(r, h, hp, "product", false, product, sizeof(product)) ?:
	     Kesu_pj_text(r, h, hp, "serial", false, b->host_serial, sizeof(b->host_serial));
	snprintf(b->host, sizeof(b->host), "%s%s%s", maker, maker[0] && product[0] ? " " : "", product);
	return rc;
}

static int read_member(struct pj_reader *r, json_object *m, size_t i, struct cert_batch_member *b)
{
	char path[48], opath[64], sub[64];
	json_object *e, *d;
	snprintf(path, sizeof(path), "members[%zu]", i);
	snprintf(opath, sizeof(opath), "%s.outcome", path);
	if (!json_object_is_type(m, json_type_object))
		return Kesu_pj_fail(r, _("%s: expected an object"), path);
	int rc = Kesu_pj_text(r, m, path, "asset", false, b->asset, sizeof(b->asset)) ?:
		 Kesu_pj_text(r, m, path, "serial", false, b->serial, sizeof(b->serial)) ?:
		 Kesu_pj_text(r, m, path, "model", false, b->model, sizeof(b->model)) ?:
		 Kesu_pj_count(r, m, path, "size_bytes", false, &b->size_bytes) ?:
		 Kesu_pj_count(r, m, path, "entry", false, &b->entry) ?:
		 Kesu_pj_text(r, m, path, "outcome", true, b->outcome, sizeof(b->outcome)) ?:
		 Kesu_pj_one_of(r, opath, b->outcome, outcomes) ?:
		 read_host(r, m, path, b) ?:
		 Kesu_pj_member(r, m, path, "erasure", json_type_object, false, &e) ?:
		 Kesu_pj_member(r, m, path, "destruction", json_type_object, false, &d);
	if (rc)
		return rc;
	b->has_erasure = e != NULL;
	b->has_destruction = d != NULL;
	snprintf(sub, sizeof(sub), "%s.erasure", path);
	if (e && (rc = read_doc(r, e, sub, false, &b->erasure)))
		return rc;
	snprintf(sub, sizeof(sub), "%s.destruction", path);
	if (d && (rc = read_doc(r, d, sub, true, &b->destruction)))
		return rc;
	/* the row's outcome is what its documents say */
	bool missing = !strcmp(b->outcome, "MISSING"), destroyed = !strcmp(b->outcome, "DESTROYED");
	if (missing != (!e && !d) || destroyed != (d != NULL) ||
	    (e && !d && strcmp(b->outcome, b->erasure.outcome) && strcmp(b->erasure.source, "received")))
		return Kesu_pj_fail(r, _("%s: outcome %s does not go with its documents"), path, b->outcome);
	return 0;
}

/* "・記録 / records 2026-12-06 〜 …" when the selection took records from a
 * period only. */
static int read_period(struct pj_reader *r, json_object *v, const char *path, char *out, size_t size)
{
	char since[40], until[40];
	int rc = Kesu_pj_text(r, v, path, "since", false, since, sizeof(since)) ?:
		 Kesu_pj_text(r, v, path, "until", false, until, sizeof(until));
	out[0] = '\0';
	if (rc == 0 && (since[0] || until[0]))
		snprintf(out, size, "・%s 〜 %s に終了した記録 / records ended in that period (UTC)",
			 since[0] ? since : "…", until[0] ? until : "…");
	return rc;
}

static int read_selection(struct pj_reader *r, json_object *root, struct cert_batch *b)
{
	json_object *s, *v;
	char a[CERT_TEXT], c[CERT_TEXT], d[CERT_TEXT], e[CERT_TEXT], period[160];
	long long n = -1;
	int rc = Kesu_pj_member(r, root, "", "selection", json_type_object, true, &s);
	if (rc)
		return rc;
	if (json_object_object_get_ex(s, "approval", &v) && json_object_is_type(v, json_type_object)) {
		json_object *who = NULL;
		rc = Kesu_pj_text(r, v, "selection.approval", "number", true, a, sizeof(a)) ?:
		     Kesu_pj_text(r, v, "selection.approval", "date", false, c, sizeof(c)) ?:
		     Kesu_pj_count(r, v, "selection.approval", "media", true, &n) ?:
		     Kesu_pj_member(r, v, "selection.approval", "approver", json_type_object, true, &who) ?:
		     Kesu_pj_text(r, who, "selection.approval.approver", "name", true, d, sizeof(d)) ?:
		     read_period(r, v, "selection.approval", period, sizeof(period));
		snprintf(b->selection, sizeof(b->selection),
			 "事前承認 / Approval %s（承認日 %s、承認者 %s）・承認媒体 %lld 件 / media%s", a, c,
			 d, n, period);
	} else if (json_object_object_get_ex(s, "asset_file", &v)) {
		rc = Kesu_pj_text(r, v, "selection.asset_file", "file", true, a, sizeof(a)) ?:
		     Kesu_pj_count(r, v, "selection.asset_file", "media", true, &n) ?:
		     read_period(r, v, "selection.asset_file", period, sizeof(period));
		snprintf(b->selection, sizeof(b->selection),
			 "資産一覧 / Asset list %s・記載媒体 %lld 件 / media%s", a, n, period);
	} else if (json_object_object_get_ex(s, "date_range", &v)) {
		const char *p = "selection.date_range";
		rc = Kesu_pj_text(r, v, p, "since", false, a, sizeof(a)) ?:
		     Kesu_pj_text(r, v, p, "until", false, c, sizeof(c)) ?:
		     Kesu_pj_text(r, v, p, "purpose", false, d, sizeof(d)) ?:
		     Kesu_pj_text(r, v, p, "department", false, e, sizeof(e));
		snprintf(b->selection, sizeof(b->selection), "期間 / Period %s 〜 %s (UTC)%s%s%s%s",
			 a[0] ? a : "…", c[0] ? c : "…", d[0] ? "・目的 / purpose " : "", d,
			 e[0] ? "・部署 / department " : "", e);
	} else if (json_object_object_get_ex(s, "wipe_run", &v)) {
		rc = Kesu_pj_count(r, v, "selection.wipe_run", "jobs", true, &n);
		snprintf(b->selection, sizeof(b->selection),
			 "同時消去の全ジョブ / Every job of one multi-drive wipe・%lld 台 / drives", n);
	} else {
		return Kesu_pj_fail(r, _("selection: names no approval, asset_file, date_range or wipe_run"));
	}
	return rc;
}

/* totals.X must be the number of members with outcome X; the outcome
 * COMPLETE exactly when every member is SUCCESS or DESTROYED. */
static int check_totals(struct pj_reader *r, json_object *root, const struct cert *c,
			struct cert_batch *b)
{
	json_object *t;
	int rc = Kesu_pj_member(r, root, "", "totals", json_type_object, true, &t) ?:
		 Kesu_pj_count(r, t, "totals", "media", true, &b->media);
	if (rc)
		return rc;
	if (b->media != (long long)b->n)
		return Kesu_pj_fail(r, _("totals.media: %lld, but %zu members are listed"), b->media, b->n);
	for (size_t k = 0; k < BATCH_OUTCOMES; k++) {
		long long n = 0;
		for (size_t i = 0; i < b->n; i++)
			n += !strcmp(b->members[i].outcome, outcomes[k]);
		if ((rc = Kesu_pj_count(r, t, "totals", outcomes[k], true, &b->totals[k])))
			return rc;
		if (b->totals[k] != n)
			return Kesu_pj_fail(r, _("totals.%s: %lld, but %lld members are %s"), outcomes[k],
					    b->totals[k], n, outcomes[k]);
	}
	bool complete = b->n > 0 && b->totals[0] + b->totals[2] == (long long)b->n;
	if (complete != !strcmp(c->outcome, "COMPLETE"))
		return Kesu_pj_fail(r, _("outcome: %s does not go with the members' outcomes"), c->outcome);
	return 0;
}

int Kesu_cert_read_batch(struct pj_reader *r, json_object *root, struct cert *c)
{
	json_object *arr;
	struct cert_batch *b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	c->batch = b;
	int rc = read_selection(r, root, b) ?:
		 Kesu_pj_member(r, root, "", "members", json_type_array, true, &arr);
	if (rc)
		return rc;
	size_t n = json_object_array_length(arr);
	if (n == 0)
		return Kesu_pj_fail(r, _("members: empty"));
	b->members = calloc(n, sizeof(*b->members));
	if (!b->members)
		return -ENOMEM;
	for (b->n = 0; b->n < n; b->n++)
		if ((rc = read_member(r, json_object_array_get_idx(arr, b->n), b->n, &b->members[b->n])))
			return rc;
	return check_totals(r, root, c, b);
}

void Kesu_cert_batch_free(struct cert_batch *b)
{
	if (b)
		free(b->members);
	free(b);
}

/* Collecting a batch (kesu/batch.h). Which records are about a medium is
 * kesu/media.h's rule, the one `kesu media show` uses: the media set is
 * loaded once, each expected medium found in it, and its newest erasure
 * (a wipe that got a document, or a received certificate) and newest
 * destruction within the selection taken, each read back from the ledger
 * by its job id for what the member shows. Expected media nothing was
 * found for are MISSING and come first: they are what the person reading
 * the list must act on. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_internal.h"
#include "errmsg.h"
#include "json_members.h"
#include "kesu/batch.h"
#include "kesu/error.h"
#include "kesu/media.h"

/* What a batch lists of a medium's events. */
enum listed { LISTED_NONE, LISTED_ERASURE, LISTED_DESTRUCTION };

static enum listed listed_as(const struct kesu_media_event *ev)
{
	if (ev->type == KESU_MEDIA_EV_DESTRUCTION)
		return LISTED_DESTRUCTION;
	if (ev->type == KESU_MEDIA_EV_RECEIVED ||
	    (ev->type == KESU_MEDIA_EV_ERASURE && ev->document_id[0]))
		return LISTED_ERASURE;
	return LISTED_NONE;
}

/* The event ended (UTC) within since..until, each only when given (any
 * selection may have them: an erasure from before an approval says
 * nothing of the medium now). */
static bool in_period(const struct kesu_batch_selection *s, const char *ended)
{
	if (s->since && s->since[0] && strncmp(ended, s->since, strlen(s->since)) < 0)
		return false;
	return !s->until || !s->until[0] || strncmp(ended, s->until, strlen(s->until)) <= 0;
}

/* The record is of the purpose and department asked for (when given). */
static bool of_purpose(const struct kesu_batch_selection *s, const char *record)
{
	if ((!s->purpose || !s->purpose[0]) && (!s->department || !s->department[0]))
		return true;
	struct json_object *doc = json_tokener_parse(record);
	bool ok = !(s->purpose && s->purpose[0] && strcmp(Kesu_json_text(doc, "purpose"), s->purpose));
	struct json_object *org = Kesu_json_member(doc, "organisation");
	ok = ok && (!s->department || !s->department[0] ||
		    !strcmp(Kesu_json_text(org, "department"), s->department));
	json_object_put(doc);
	return ok;
}

struct collecting {
	struct kesu_ledger *l;
	struct kesu_media_set *set;
	struct kesu_batch *b;
	size_t cap;
	char *err;
	size_t errsize;
};

/* The newest event of m listed as what, within the selection (of the
 * member's job only, when it names one), read by its job id into mb. 1
 * taken, 0 none, or a negative error. */
static int take_newest(struct collecting *c, struct kesu_batch_member *mb,
		       const struct kesu_medium *m, enum listed what)
{
	for (size_t i = m->n_events; i-- > 0;) {
		const struct kesu_media_event *ev = &m->events[i];
		if (listed_as(ev) != what || !in_period(&c->b->sel, ev->when_utc) ||
		    (mb->id.job_id[0] && strcmp(ev->job_id, mb->id.job_id)))
			continue;
		char *text = NULL, hash[65];
		uint64_t seq;
		int rc = kesu_ledger_lookup(c->l, ev->job_id, &text, &seq, hash, c->err, c->errsize);
		if (rc < 0)
			return rc;
		if (rc == 0 || !of_purpose(&c->b->sel, text)) {
			free(text);
			continue;
		}
		bool d = what == LISTED_DESTRUCTION;
		free(d ? mb->destruction : mb->erasure);
		*(d ? &mb->destruction : &mb->erasure) = text;
		snprintf(d ? mb->destruction_hash : mb->erasure_hash, 65, "%s", hash);
		*(d ? &mb->destruction_seq : &mb->erasure_seq) = seq;
		if (seq > mb->last_seq)
			mb->last_seq = seq;
		return 1;
	}
	return 0;
}

/* The member's medium (by its job, or by its identity) and its records. */
static int fill_member(struct collecting *c, struct kesu_batch_member *mb)
{
	const struct kesu_batch_expected *e = &mb->id;
	const struct kesu_medium *m = NULL;
	const struct kesu_media_event *ev;
	int rc = 0;
	if (e->job_id[0])
		m = kesu_media_find_job(c->set, e->job_id, &ev);
	else
		rc = kesu_media_find_joined(c->set, e->serial, e->size, e->asset, &m);
	if (rc < 0 || !m)
		return rc;
	if ((rc = take_newest(c, mb, m, LISTED_ERASURE)) < 0)
		return rc;
	rc = take_newest(c, mb, m, LISTED_DESTRUCTION);
	return rc < 0 ? rc : 0;
}

static int grow(struct kesu_batch *b, size_t *cap)
{
	if (b->n < *cap)
		return 0;
	size_t n = *cap ? *cap * 2 : 64;
	struct kesu_batch_member *m = realloc(b->members, n * sizeof(*m));
	if (!m)
		return -ENOMEM;
	memset(m + *cap, 0, (n - *cap) * sizeof(*m));
	b->members = m;
	*cap = n;
	return 0;
}

/* BY_RANGE: every medium with an erasure or a destruction in the
 * selection, named as its records name it. */
static int range_members(struct collecting *c)
{
	struct kesu_batch *b = c->b;
	for (size_t i = 0; i < kesu_media_count(c->set); i++) {
		const struct kesu_medium *m = kesu_media_at(c->set, i);
		int rc = grow(b, &c->cap);
		if (rc)
			return rc;
		struct kesu_batch_member *mb = &b->members[b->n];
		memset(mb, 0, sizeof(*mb));
		if ((rc = take_newest(c, mb, m, LISTED_ERASURE)) >= 0)
			rc = take_newest(c, mb, m, LISTED_DESTRUCTION);
		if (rc >= 0 && b->n == KESU_BATCH_MEDIA_MAX && (mb->erasure || mb->destruction))
			rc = -E2BIG;
		if (rc < 0) { /* not a member yet: kesu_batch_free would not see it */
			free(mb->erasure);
			free(mb->destruction);
			return rc;
		}
		if (!mb->erasure && !mb->destruction)
			continue;
		b->n++;
		snprintf(mb->id.serial, sizeof(mb->id.serial), "%s", m->serial);
		snprintf(mb->id.asset, sizeof(mb->id.asset), "%s", m->asset);
		snprintf(mb->id.model, sizeof(mb->id.model), "%s", m->model);
		mb->id.size = m->size;
	}
	return 0;
}

static void settle_outcome(struct kesu_batch_member *m)
{
	struct json_object *doc = m->erasure ? json_tokener_parse(m->erasure) : NULL;
	const char *outcome = !strcmp(Kesu_json_text(doc, "kind"), "received-certificate")
				      ? "SUCCESS" : Kesu_json_text(doc, "outcome");
	if (m->destruction)
		outcome = "DESTROYED";
	else if (!m->erasure)
		outcome = "MISSING";
	snprintf(m->outcome, sizeof(m->outcome), "%s", outcome);
	json_object_put(doc);
}

/* Missing first; then the selection's order (a range: by the newest
 * record), stable. */
static int by_order(const void *a, const void *b)
{
	const struct kesu_batch_member *x = a, *y = b;
	bool mx = !strcmp(x->outcome, "MISSING"), my = !strcmp(y->outcome, "MISSING");
	if (mx != my)
		return mx ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return 0;
}

void Kesu_batch_order(struct kesu_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		settle_outcome(&b->members[i]);
		b->members[i].order = b->sel.by == KESU_BATCH_BY_RANGE
					      ? b->members[i].last_seq * 100000 + i : i;
	}
	qsort(b->members, b->n, sizeof(*b->members), by_order);
}

/* The expected media: the approval's, or the selection's list. */
static int expect(struct kesu_batch *b, size_t *cap)
{
	const struct kesu_batch_selection *s = &b->sel;
	size_t n = s->by == KESU_BATCH_BY_APPROVAL ? s->approval->n_media : s->n_expected;
	if (n > KESU_BATCH_MEDIA_MAX)
		return -E2BIG;
	for (size_t i = 0; i < n; i++) {
		int rc = grow(b, cap);
		if (rc)
			return rc;
		struct kesu_batch_expected *e = &b->members[b->n++].id;
		if (s->by != KESU_BATCH_BY_APPROVAL) {
			*e = s->expected[i];
			continue;
		}
		const struct kesu_approval_medium *m = &s->approval->media[i];
		e->entry = m->entry;
		e->size = m->size;
		snprintf(e->serial, sizeof(e->serial), "%s", m->serial);
		snprintf(e->asset, sizeof(e->asset), "%s", m->asset);
	}
	return 0;
}

/* Every expected medium a member, with its records. */
static int expected_members(struct collecting *c)
{
	int rc = expect(c->b, &c->cap);
	for (size_t i = 0; rc == 0 && i < c->b->n; i++)
		rc = fill_member(c, &c->b->members[i]);
	return rc;
}

int kesu_batch_collect(struct kesu_ledger *l, const struct kesu_batch_selection *sel,
		       struct kesu_batch **out, char *err, size_t errsize)
{
	struct kesu_batch *b = calloc(1, sizeof(*b));
	*out = NULL;
	if (!b)
		return Kesu_errorf(err, errsize, -ENOMEM, "out of memory");
	b->sel = *sel;
	struct collecting c = {l, NULL, b, 0, err, errsize};
	int rc = kesu_media_load(l, &c.set, err, errsize);
	if (rc == 0)
		rc = sel->by == KESU_BATCH_BY_RANGE ? range_members(&c) : expected_members(&c);
	kesu_media_set_free(c.set);
	if (rc == -E2BIG)
		rc = Kesu_errorf(err, errsize, -KESU_EPARSE,
				 "more than %d media: a batch certificate lists at most %d (choose a "
				 "narrower selection)", KESU_BATCH_MEDIA_MAX, KESU_BATCH_MEDIA_MAX);
	else if (rc == -ENOMEM)
		Kesu_errorf(err, errsize, rc, "out of memory");
	if (rc == 0 && b->n == 0)
		rc = Kesu_errorf(err, errsize, -KESU_EPARSE,
				 "no medium was erased, received or destroyed in that selection");
	if (rc) {
		kesu_batch_free(b);
		return rc;
	}
	Kesu_batch_order(b);
	*out = b;
	return 0;
}

void kesu_batch_free(struct kesu_batch *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->members[i].erasure);
		free(b->members[i].destruction);
	}
	free(b->members);
	free(b);
}

size_t kesu_batch_count(const struct kesu_batch *b, const char *outcome)
{
	size_t n = 0;
	for (size_t i = 0; i < b->n; i++)
		n += !strcmp(b->members[i].outcome, outcome);
	return n;
}

bool kesu_batch_complete(const struct kesu_batch *b)
{
	return b->n > 0 && kesu_batch_count(b, "SUCCESS") + kesu_batch_count(b, "DESTROYED") == b->n;
}

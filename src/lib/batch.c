/* Collecting a batch (kesu/batch.h): one walk over the ledger's finished
 * records in chain order, each erasure, received certificate and
 * destruction given to the media it is about, so that the newest of each
 * wins. Expected media nothing was found for are MISSING and come first:
 * they are what the person reading the list must act on. */
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

/* A record's medium: serial, size (0 unknown), asset. */
struct ident {
	const char *serial, *asset, *job_id;
	uint64_t size;
};

static void record_ident(struct json_object *doc, struct ident *id)
{
	struct json_object *media = Kesu_json_member(doc, "media");
	struct json_object *size = Kesu_json_member(media, "size_bytes");
	id->serial = Kesu_json_text(media, "serial");
	id->asset = Kesu_json_text(media, "asset_number");
	id->job_id = Kesu_json_text(doc, "job_id");
	id->size = size && json_object_is_type(size, json_type_int) ? (uint64_t)json_object_get_int64(size) : 0;
}

bool Kesu_batch_matches(const struct kesu_batch_expected *e, const char *serial, uint64_t size,
			const char *asset, const char *job_id)
{
	if (e->job_id[0])
		return job_id && !strcmp(e->job_id, job_id);
	if (e->serial[0] && serial && serial[0] && !strcmp(e->serial, serial) &&
	    (!e->size || !size || e->size == size))
		return true;
	return e->asset[0] && asset && asset[0] && !strcmp(e->asset, asset);
}

/* Which records a batch lists: a wipe that got a document, a received
 * certificate, a destruction. */
static enum rec_kind { REC_NONE, REC_ERASURE, REC_DESTRUCTION } kind_of(struct json_object *doc)
{
	const char *kind = Kesu_json_text(doc, "kind");
	if (!strcmp(kind, "destruction"))
		return REC_DESTRUCTION;
	if (!strcmp(kind, "received-certificate"))
		return REC_ERASURE;
	if ((!kind[0] || !strcmp(kind, "wipe")) && Kesu_json_text(doc, "certificate_id")[0])
		return REC_ERASURE;
	return REC_NONE;
}

/* The record's end (UTC) within since..until, its purpose and department
 * the ones asked for (each only when given; any selection may have them:
 * an erasure from before an approval says nothing of the medium now). */
static bool in_range(const struct kesu_batch_selection *s, struct json_object *doc)
{
	const char *ended = Kesu_json_text(doc, "ended_utc");
	if (s->since && s->since[0] && strncmp(ended, s->since, strlen(s->since)) < 0)
		return false;
	if (s->until && s->until[0] && strncmp(ended, s->until, strlen(s->until)) > 0)
		return false;
	if (s->purpose && s->purpose[0] && strcmp(Kesu_json_text(doc, "purpose"), s->purpose))
		return false;
	struct json_object *org = Kesu_json_member(doc, "organisation");
	return !s->department || !s->department[0] ||
	       !strcmp(Kesu_json_text(org, "department"), s->department);
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

/* BY_RANGE: a medium seen for the first time becomes a member. */
static int add_seen(struct kesu_batch *b, size_t *cap, const struct ident *id,
		    struct json_object *doc)
{
	if (b->n == KESU_BATCH_MEDIA_MAX)
		return -E2BIG;
	int rc = grow(b, cap);
	if (rc)
		return rc;
	struct kesu_batch_expected *e = &b->members[b->n++].id;
	snprintf(e->serial, sizeof(e->serial), "%s", id->serial);
	snprintf(e->asset, sizeof(e->asset), "%s", id->asset);
	snprintf(e->model, sizeof(e->model), "%s",
		 Kesu_json_text(Kesu_json_member(doc, "media"), "model"));
	e->size = id->size;
	return 0;
}

static int take(struct kesu_batch_member *m, enum rec_kind k, const struct kesu_ledger_row *row)
{
	char **text = k == REC_DESTRUCTION ? &m->destruction : &m->erasure;
	char *copy = strdup(row->record);
	if (!copy)
		return -ENOMEM;
	free(*text);
	*text = copy;
	snprintf(k == REC_DESTRUCTION ? m->destruction_hash : m->erasure_hash, 65, "%s", row->hash);
	*(k == REC_DESTRUCTION ? &m->destruction_seq : &m->erasure_seq) = row->seq;
	m->last_seq = row->seq;
	return 0;
}

struct walk {
	struct kesu_batch *b;
	size_t cap;
	int error;
};

static int on_record(const struct kesu_ledger_row *row, void *ctx)
{
	struct walk *w = ctx;
	struct json_object *doc = row->record ? json_tokener_parse(row->record) : NULL;
	enum rec_kind k = doc ? kind_of(doc) : REC_NONE;
	struct kesu_batch *b = w->b;
	bool range = b->sel.by == KESU_BATCH_BY_RANGE;
	if (k == REC_NONE || !in_range(&b->sel, doc)) {
		json_object_put(doc);
		return 0;
	}
	struct ident id;
	record_ident(doc, &id);
	bool found = false;
	for (size_t i = 0; i < b->n; i++)
		if (!w->error &&
		    Kesu_batch_matches(&b->members[i].id, id.serial, id.size, id.asset, id.job_id)) {
			w->error = take(&b->members[i], k, row);
			found = true;
		}
	if (!found && range && (id.serial[0] || id.asset[0])) {
		w->error = add_seen(b, &w->cap, &id, doc);
		if (w->error == 0)
			w->error = take(&b->members[b->n - 1], k, row);
	}
	json_object_put(doc);
	return w->error;
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

int kesu_batch_collect(struct kesu_ledger *l, const struct kesu_batch_selection *sel,
		       struct kesu_batch **out, char *err, size_t errsize)
{
	struct kesu_batch *b = calloc(1, sizeof(*b));
	*out = NULL;
	if (!b)
		return Kesu_errorf(err, errsize, -ENOMEM, "out of memory");
	b->sel = *sel;
	struct walk w = {b, 0, 0};
	int rc = sel->by == KESU_BATCH_BY_RANGE ? 0 : expect(b, &w.cap);
	if (rc == 0) {
		struct kesu_ledger_filter f = {0};
		rc = kesu_ledger_query(l, &f, on_record, &w, err, errsize);
		if (rc > 0)
			rc = w.error;
	}
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

/* Each medium's timeline: the set of media and the identity rules that
 * decide which medium a record is about (media.h). The record kinds are
 * read in media_fold.c, the states computed in media_state.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "media_internal.h"

/* A medium and its place in the order of first appearance: candidates
 * found through the indexes are taken in that order, as a scan of
 * s->media would meet them. */
struct node {
	struct kesu_medium m; /* first: a node is freed as its medium */
	uint64_t ordinal;
};

static uint64_t ordinal(const struct kesu_medium *m)
{
	return ((const struct node *)(const void *)m)->ordinal;
}

struct kesu_media_set *kesu_media_set_new(void)
{
	return calloc(1, sizeof(struct kesu_media_set));
}

static void medium_free(struct kesu_medium *m)
{
	if (m)
		free(m->events);
	free(m);
}

void kesu_media_set_free(struct kesu_media_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		medium_free(s->media[i]);
	free(s->media);
	free(s->links);
	Kesu_media_index_free(&s->by_serial);
	Kesu_media_index_free(&s->by_asset);
	Kesu_media_index_free(&s->links_by_job);
	Kesu_media_index_free(&s->links_by_cert);
	free(s);
}

size_t kesu_media_count(const struct kesu_media_set *s)
{
	return s ? s->n : 0;
}

const struct kesu_medium *kesu_media_at(const struct kesu_media_set *s, size_t i)
{
	return s && i < s->n ? s->media[i] : NULL;
}

/* Serials equal and sizes equal or one unknown (a detached medium
 * destroyed by serial has no size), or asset numbers equal. */
bool Kesu_media_matches(const struct kesu_medium *m, const struct Kesu_media_ident *id)
{
	if (id->serial[0] && !strcmp(m->serial, id->serial) &&
	    (!m->size || !id->size || m->size == id->size))
		return true;
	return id->asset[0] && !strcmp(m->asset, id->asset);
}

/* Fills what m does not know yet, and indexes a serial or asset it gains. */
static int fill_identity(struct kesu_media_set *s, struct kesu_medium *m,
			 const struct Kesu_media_ident *id)
{
	bool had_serial = m->serial[0], had_asset = m->asset[0];
	if (!m->serial[0])
		snprintf(m->serial, sizeof(m->serial), "%s", id->serial);
	if (!m->size)
		m->size = id->size;
	if (!m->asset[0])
		snprintf(m->asset, sizeof(m->asset), "%s", id->asset);
	if (!m->model[0] && id->model)
		snprintf(m->model, sizeof(m->model), "%s", id->model);
	int rc = 0;
	if (!had_serial)
		rc = Kesu_media_index_add(&s->by_serial, m->serial, (uintptr_t)m);
	if (!had_asset && rc == 0)
		rc = Kesu_media_index_add(&s->by_asset, m->asset, (uintptr_t)m);
	return rc;
}

int Kesu_media_add_event(struct kesu_medium *m, const struct kesu_media_event *ev)
{
	/* An approval entry cited by several records is one event. */
	for (size_t i = 0; ev->type == KESU_MEDIA_EV_APPROVAL && i < m->n_events; i++)
		if (m->events[i].type == KESU_MEDIA_EV_APPROVAL &&
		    !strcmp(m->events[i].document_id, ev->document_id))
			return 0;
	struct kesu_media_event *e = realloc(m->events, (m->n_events + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	m->events = e;
	m->events[m->n_events++] = *ev;
	return 0;
}

/* Takes b out of the set: its place in s->media and in the indexes. */
static void unlist(struct kesu_media_set *s, struct kesu_medium *b)
{
	Kesu_media_index_remove(&s->by_serial, b->serial, (uintptr_t)b);
	Kesu_media_index_remove(&s->by_asset, b->asset, (uintptr_t)b);
	for (size_t i = 0; i < s->n; i++)
		if (s->media[i] == b) { /* a join is rare: a linear search will do */
			memmove(&s->media[i], &s->media[i + 1], (s->n - i - 1) * sizeof(*s->media));
			s->n--;
			return;
		}
}

/* Moves b's events and identity into a; b is taken out and freed. */
static int merge(struct kesu_media_set *s, struct kesu_medium *a, struct kesu_medium *b)
{
	unlist(s, b);
	struct Kesu_media_ident id = {b->serial, b->size, b->asset, b->model};
	if (fill_identity(s, a, &id) < 0)
		return medium_free(b), -ENOMEM;
	for (size_t i = 0; i < b->n_events; i++)
		if (Kesu_media_add_event(a, &b->events[i]) < 0)
			return -ENOMEM;
	medium_free(b);
	return 0;
}

static struct kesu_medium *add_medium(struct kesu_media_set *s)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct kesu_medium **p = realloc(s->media, cap * sizeof(*p));
		if (!p)
			return NULL;
		s->media = p;
		s->cap = cap;
	}
	struct node *m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->ordinal = s->next_ordinal++;
	s->media[s->n++] = &m->m;
	return &m->m;
}

/* Two media that can be one: no two different serials, sizes or assets. */
static bool compatible(const struct kesu_medium *a, const struct kesu_medium *b)
{
	return !(a->serial[0] && b->serial[0] && strcmp(a->serial, b->serial)) &&
	       !(a->size && b->size && a->size != b->size) &&
	       !(a->asset[0] && b->asset[0] && strcmp(a->asset, b->asset));
}

static int by_ordinal(const void *x, const void *y)
{
	uint64_t a = ordinal(*(struct kesu_medium *const *)x), b = ordinal(*(struct kesu_medium *const *)y);
	return a < b ? -1 : a > b;
}

/* The media that match id, in their order of first appearance (malloc'd;
 * NULL with *n 0 when none, or with *rc -ENOMEM). */
static struct kesu_medium **matching(const struct kesu_media_set *s,
				     const struct Kesu_media_ident *id, size_t *n, int *rc)
{
	size_t ns, na;
	const uintptr_t *bs = Kesu_media_index_get(&s->by_serial, id->serial, &ns);
	const uintptr_t *ba = Kesu_media_index_get(&s->by_asset, id->asset, &na);
	*n = 0;
	if (!ns && !na)
		return NULL;
	struct kesu_medium **c = malloc((ns + na) * sizeof(*c));
	if (!c)
		return *rc = -ENOMEM, NULL;
	for (size_t i = 0; i < ns + na; i++) {
		struct kesu_medium *m = (struct kesu_medium *)(i < ns ? bs[i] : ba[i - ns]);
		bool seen = false;
		for (size_t j = 0; j < *n && !seen; j++)
			seen = c[j] == m;
		if (!seen && Kesu_media_matches(m, id))
			c[(*n)++] = m;
	}
	qsort(c, *n, sizeof(*c), by_ordinal);
	return c;
}

/* Joins the media that match id into the first of them, each other one
 * only when it can be the same (the identity shows they are one). The
 * first match, or NULL (with *rc -ENOMEM when a join failed). */
static struct kesu_medium *join_matching(struct kesu_media_set *s,
					 const struct Kesu_media_ident *id, int *rc)
{
	size_t n;
	struct kesu_medium **c = matching(s, id, &n, rc), *first = n ? c[0] : NULL;
	for (size_t i = 1; i < n && *rc == 0; i++)
		if (compatible(first, c[i]))
			*rc = merge(s, first, c[i]);
	free(c);
	return *rc < 0 ? NULL : first;
}

/* The medium a record with this identity is about: the matching media
 * joined, or a new one. A serial without a size that fits two media of
 * different sizes goes to the first. NULL for a record that names none. */
struct kesu_medium *Kesu_media_for(struct kesu_media_set *s, const struct Kesu_media_ident *id,
				   int *rc)
{
	*rc = 0;
	if (!id->serial[0] && !id->asset[0])
		return NULL;
	struct kesu_medium *first = join_matching(s, id, rc);
	if (*rc < 0)
		return NULL;
	if (!first && !(first = add_medium(s)))
		return *rc = -ENOMEM, NULL;
	if ((*rc = fill_identity(s, first, id)) < 0)
		return NULL;
	return first;
}

int Kesu_media_link(struct kesu_media_set *s, const char *job_id, const char *certificate_id,
		    const struct Kesu_media_ident *id)
{
	if (s->n_links == s->cap_links) {
		size_t cap = s->cap_links ? s->cap_links * 2 : 16;
		struct Kesu_media_link *p = realloc(s->links, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		s->links = p;
		s->cap_links = cap;
	}
	struct Kesu_media_link *k = &s->links[s->n_links++];
	memset(k, 0, sizeof(*k));
	snprintf(k->job_id, sizeof(k->job_id), "%s", job_id);
	snprintf(k->certificate_id, sizeof(k->certificate_id), "%s", certificate_id);
	snprintf(k->serial, sizeof(k->serial), "%s", id->serial);
	k->size = id->size;
	snprintf(k->asset, sizeof(k->asset), "%s", id->asset);
	uintptr_t at = s->n_links - 1;
	int rc = Kesu_media_index_add(&s->links_by_job, k->job_id, at);
	return rc < 0 ? rc : Kesu_media_index_add(&s->links_by_cert, k->certificate_id, at);
}

const struct Kesu_media_link *Kesu_media_linked(const struct kesu_media_set *s,
						const char *job_id, const char *certificate_id)
{
	/* The first link of either: each index lists links in their order. */
	size_t nj, nc;
	const uintptr_t *j = Kesu_media_index_get(&s->links_by_job, job_id, &nj);
	const uintptr_t *c = Kesu_media_index_get(&s->links_by_cert, certificate_id, &nc);
	if (!nj && !nc)
		return NULL;
	uintptr_t first = !nj ? c[0] : !nc ? j[0] : j[0] < c[0] ? j[0] : c[0];
	return &s->links[first];
}

const struct kesu_medium *kesu_media_find(const struct kesu_media_set *s, const char *serial,
					  uint64_t size, const char *asset)
{
	struct Kesu_media_ident id = {serial ? serial : "", size, asset ? asset : "", NULL};
	size_t n;
	int rc = 0;
	struct kesu_medium **c = s ? matching(s, &id, &n, &rc) : NULL, *first = c && n ? c[0] : NULL;
	free(c);
	return first;
}

const struct kesu_medium *kesu_media_find_word(const struct kesu_media_set *s, const char *word)
{
	const struct kesu_medium *m = kesu_media_find(s, word, 0, NULL);
	return m ? m : kesu_media_find(s, NULL, 0, word);
}

bool kesu_media_has_approval(const struct kesu_medium *m, const char *number)
{
	size_t n = strlen(number);
	for (size_t i = 0; i < m->n_events; i++)
		if (m->events[i].type == KESU_MEDIA_EV_APPROVAL &&
		    !strncmp(m->events[i].document_id, number, n) && m->events[i].document_id[n] == '#')
			return true;
	return false;
}

static int by_seq(const void *a, const void *b)
{
	const struct kesu_media_event *x = a, *y = b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	return strcmp(x->document_id, y->document_id);
}

void kesu_media_finish(struct kesu_media_set *s)
{
	for (size_t i = 0; s && i < s->n; i++) {
		struct kesu_medium *m = s->media[i];
		qsort(m->events, m->n_events, sizeof(*m->events), by_seq);
		Kesu_media_compute_state(m);
	}
}

int kesu_media_find_joined(struct kesu_media_set *s, const char *serial, uint64_t size,
			   const char *asset, const struct kesu_medium **out)
{
	struct Kesu_media_ident id = {serial ? serial : "", size, asset ? asset : "", NULL};
	int rc = 0;
	*out = NULL;
	if (!s || (!id.serial[0] && !id.asset[0]))
		return 0;
	struct kesu_medium *m = join_matching(s, &id, &rc);
	if (rc < 0)
		return rc;
	if (m) { /* a join appended the other medium's events: back to chain order */
		qsort(m->events, m->n_events, sizeof(*m->events), by_seq);
		Kesu_media_compute_state(m);
	}
	*out = m;
	return 0;
}

const struct kesu_medium *kesu_media_find_job(const struct kesu_media_set *s, const char *job_id,
					      const struct kesu_media_event **ev)
{
	for (size_t i = 0; s && job_id[0] && i < s->n; i++)
		for (size_t j = 0; j < s->media[i]->n_events; j++)
			if (!strcmp(s->media[i]->events[j].job_id, job_id) &&
			    s->media[i]->events[j].type != KESU_MEDIA_EV_APPROVAL) {
				*ev = &s->media[i]->events[j];
				return s->media[i];
			}
	*ev = NULL;
	return NULL;
}

void kesu_media_subject(const struct kesu_medium *m, char *buf, size_t size)
{
	if (m->serial[0])
		snprintf(buf, size, "medium:%s", m->serial);
	else
		snprintf(buf, size, "asset:%s", m->asset);
}

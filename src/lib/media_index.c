/* A string -> values multimap for the media set (media_internal.h): media
 * by serial and by asset number, links by job id and certificate id, so
 * that folding a record costs the same with 10 media or 100,000 (a linear
 * scan per record made a year's ledger quadratic: issue 16 measured 10,000
 * media at 0.46 s). Open addressing, FNV-1a; values keep their order of
 * insertion, so "the first that matches" stays the first. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "media_internal.h"

struct Kesu_media_bucket {
	char *key;         /* NULL: empty slot */
	uintptr_t *values;
	size_t n, cap;
};

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct Kesu_media_bucket *slot(const struct Kesu_media_index *ix, const char *key)
{
	size_t i = (size_t)fnv1a(key) & (ix->cap - 1);
	while (ix->b[i].key && strcmp(ix->b[i].key, key) != 0)
		i = (i + 1) & (ix->cap - 1);
	return &ix->b[i];
}

static int grow(struct Kesu_media_index *ix)
{
	size_t cap = ix->cap ? ix->cap * 2 : 64;
	struct Kesu_media_index next = {calloc(cap, sizeof(*next.b)), cap, ix->used};
	if (!next.b)
		return -ENOMEM;
	for (size_t i = 0; i < ix->cap; i++)
		if (ix->b[i].key)
			*slot(&next, ix->b[i].key) = ix->b[i];
	free(ix->b);
	*ix = next;
	return 0;
}

const uintptr_t *Kesu_media_index_get(const struct Kesu_media_index *ix, const char *key, size_t *n)
{
	*n = 0;
	if (!ix->cap || !key || !*key)
		return NULL;
	const struct Kesu_media_bucket *b = slot(ix, key);
	*n = b->key ? b->n : 0;
	return b->key ? b->values : NULL;
}

int Kesu_media_index_add(struct Kesu_media_index *ix, const char *key, uintptr_t value)
{
	if (!key || !*key)
		return 0;
	if ((ix->used + 1) * 10 > ix->cap * 7 && grow(ix) < 0)
		return -ENOMEM;
	struct Kesu_media_bucket *b = slot(ix, key);
	if (!b->key) {
		if (!(b->key = strdup(key)))
			return -ENOMEM;
		ix->used++;
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 2;
		uintptr_t *v = realloc(b->values, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		b->values = v;
		b->cap = cap;
	}
	b->values[b->n++] = value;
	return 0;
}

void Kesu_media_index_remove(struct Kesu_media_index *ix, const char *key, uintptr_t value)
{
	if (!ix->cap || !key || !*key)
		return;
	struct Kesu_media_bucket *b = slot(ix, key);
	for (size_t i = 0; b->key && i < b->n; i++)
		if (b->values[i] == value) {
			memmove(&b->values[i], &b->values[i + 1], (b->n - i - 1) * sizeof(*b->values));
			b->n--;
			return;
		}
}

void Kesu_media_index_free(struct Kesu_media_index *ix)
{
	for (size_t i = 0; i < ix->cap; i++) {
		free(ix->b[i].key);
		free(ix->b[i].values);
	}
	free(ix->b);
	memset(ix, 0, sizeof(*ix));
}

/* The register's string pool (register_internal.h): the model holds
 * 100,000 rows of a dozen strings each; one arena keeps that to a few
 * hundred allocations and one free. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "register_internal.h"

#define CHUNK (256u * 1024u)

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct Kesu_reg_pool {
	struct chunk *head;
};

struct Kesu_reg_pool *Kesu_reg_pool_new(void)
{
	return calloc(1, sizeof(struct Kesu_reg_pool));
}

void Kesu_reg_pool_free(struct Kesu_reg_pool *p)
{
	if (!p)
		return;
	for (struct chunk *c = p->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(p);
}

static char *pool_alloc(struct Kesu_reg_pool *p, size_t n)
{
	struct chunk *c = p->head;
	if (!c || c->size - c->used < n) {
		size_t size = n > CHUNK ? n : CHUNK;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = size;
		/* A string larger than a chunk goes behind the head, so the
		 * head's free space is not lost. */
		if (n > CHUNK && p->head) {
			c->next = p->head->next;
			p->head->next = c;
		} else {
			c->next = p->head;
			p->head = c;
		}
	}
	char *s = c->data + c->used;
	c->used += n;
	return s;
}

const char *Kesu_reg_str(struct Kesu_reg_pool *p, const char *s)
{
	if (!s || !*s)
		return "";
	size_t n = strlen(s) + 1;
	char *d = pool_alloc(p, n);
	return d ? memcpy(d, s, n) : NULL;
}

const char *Kesu_reg_printf(struct Kesu_reg_pool *p, const char *fmt, ...)
{
	/* Sized first, so that nothing is ever cut inside a character. */
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *d = n < 0 ? NULL : pool_alloc(p, (size_t)n + 1);
	if (d)
		vsnprintf(d, (size_t)n + 1, fmt, again);
	va_end(again);
	return d;
}

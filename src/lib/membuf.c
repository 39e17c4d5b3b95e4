/* The growing buffer of membuf.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "membuf.h"

static int reserve(struct kesu_buf *b, size_t more)
{
	if (b->err)
		return b->err;
	if (more > ((size_t)-1) / 2 - b->len)
		return b->err = -ENOMEM;
	if (b->len + more <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more)
		cap *= 2;
	unsigned char *grown = realloc(b->data, cap);
	if (!grown)
		return b->err = -ENOMEM;
	b->data = grown;
	b->cap = cap;
	return 0;
}

void Kesu_buf_put(struct kesu_buf *b, const void *data, size_t len)
{
	if (len == 0 || reserve(b, len))
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void Kesu_buf_puts(struct kesu_buf *b, const char *s)
{
	Kesu_buf_put(b, s, strlen(s));
}

void Kesu_buf_printf(struct kesu_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void Kesu_buf_free(struct kesu_buf *b)
{
	free(b->data);
	*b = (struct kesu_buf){0};
}

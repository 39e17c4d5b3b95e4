/* A growing byte buffer for building documents in memory (PDF updates).
 * The first failure sticks: write on, check err once at the end. */
#ifndef KESU_MEMBUF_H
#define KESU_MEMBUF_H
#include <stddef.h>

struct kesu_buf {
	unsigned char *data;
	size_t len, cap;
	int err; /* 0, or -ENOMEM once any append failed */
};

void Kesu_buf_put(struct kesu_buf *b, const void *data, size_t len);
void Kesu_buf_puts(struct kesu_buf *b, const char *s);
void Kesu_buf_printf(struct kesu_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Frees the data; the buffer is empty again. */
void Kesu_buf_free(struct kesu_buf *b);
#endif

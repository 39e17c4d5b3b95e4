/* Files compiled into the binary by cmake/embed_methods.cmake. */
#ifndef KESU_EMBEDDED_H
#define KESU_EMBEDDED_H
#include <stddef.h>

struct kesu_embedded_file {
	const char *name;     /* file name, e.g. "dod-3pass.method" */
	const char *contents; /* NUL-terminated text */
	size_t size;          /* bytes, without the terminating NUL */
};

/* Terminated by an entry whose name is NULL. */
extern const struct kesu_embedded_file Kesu_embedded_methods[];
#endif

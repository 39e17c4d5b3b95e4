/* One line into err (when there is room for one), returning rc: the shape
 * of most failures in the library. */
#ifndef KESU_ERRMSG_H
#define KESU_ERRMSG_H
#include <stddef.h>

int Kesu_errorf(char *err, size_t errsize, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
#endif

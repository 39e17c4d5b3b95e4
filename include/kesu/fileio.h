/* The one way kesu writes a file and the one way it reads a whole small
 * file. Writing is atomic: a reader sees the old file or the new one, never
 * a part, and after a power cut the file is the old one or the new one.
 * Reading is bounded: a file larger than asked for, a FIFO, a device or a
 * directory is refused with a reason, without blocking.
 *
 * Both return 0 or a negative errno and put a one-line reason naming the
 * file in err ("PATH: reason"); they never print. */
#ifndef KESU_FILEIO_H
#define KESU_FILEIO_H

#include <stddef.h>
#include <sys/types.h>

/* Writing: fail with -EEXIST when path exists, never replace it (a new
 * secret key). Without it an existing file is replaced atomically. */
#define KESU_FILE_NO_REPLACE 0x1u

/* Writes len bytes of data to path with exactly mode (whatever the umask):
 * a temporary with a random name is created beside path (O_EXCL), written
 * in full, fsync'ed, renamed over path (or, with KESU_FILE_NO_REPLACE,
 * linked to path, which fails if path exists, and unlinked), and the
 * directory is fsync'ed. On any error the temporary is removed and path is
 * as it was. */
int kesu_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   unsigned flags, char *err, size_t errsize);

/* Reading: refuse a file that group or others may access (-EACCES, "chmod
 * 600"), before reading a byte of it. */
#define KESU_FILE_OWNER_ONLY 0x1u
/* Reading: refuse a symbolic link (-ELOOP) instead of following it. */
#define KESU_FILE_NOFOLLOW 0x2u

/* Reads the whole of path, at most max bytes, into a malloc'd buffer with a
 * NUL after the data. Only regular files: anything else is -EINVAL ("not a
 * regular file (a FIFO)"); a larger file is -EFBIG. */
int kesu_file_read_bounded(const char *path, size_t max, unsigned flags, char **data,
			   size_t *len, char *err, size_t errsize);

/* The same into the caller's buffer (guarded memory for secrets): at most
 * size - 1 bytes, then a NUL. */
int kesu_file_read_into(const char *path, unsigned flags, char *buf, size_t size, size_t *len,
			char *err, size_t errsize);

#endif

/* kesu_file_write_atomic and kesu_file_read_bounded (kesu/fileio.h): the
 * one writer and the one reader every file kesu keeps goes through, so
 * that a crash, a full disk or a FIFO in the wrong place behaves the same
 * everywhere. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/fileio.h"
#include "kesu/sizes.h"
#include "i18n.h"

static int fail(char *err, size_t errsize, const char *path, int e)
{
	if (err && errsize)
		snprintf(err, errsize, "%s: %s", path, strerror(e));
	return -e;
}

static int write_full(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* path's directory into dir ("." when path has no slash). */
static int dir_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return snprintf(dir, size, ".") < 0 ? -EINVAL : 0;
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return 0;
}

/* A new temporary beside path, O_EXCL with a random name (never an
 * existing file, never through a planted symbolic link). */
static int create_temp(const char *path, mode_t mode, char *tmp, size_t size)
{
	for (int attempt = 0; attempt < 16; attempt++) {
		unsigned long long r;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (unsigned long long)getpid() << 32 ^ (unsigned long long)attempt;
		if ((size_t)snprintf(tmp, size, "%s.%016llx.tmp", path, r) >= size)
			return -ENAMETOOLONG;
		int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode & 07777);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* tmp becomes path: replacing it, or only when path does not exist. */
static int publish(const char *tmp, const char *path, bool no_replace)
{
	if (!no_replace)
		return rename(tmp, path) == 0 ? 0 : -errno;
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	/* A file system without RENAME_NOREPLACE: link() never replaces. */
	if (link(tmp, path) != 0)
		return -errno;
	unlink(tmp);
	return 0;
}

int kesu_file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
			   unsigned flags, char *err, size_t errsize)
{
	char tmp[KESU_PATH_MAX], dir[KESU_PATH_MAX];
	if (!path || !*path || (!data && len))
		return fail(err, errsize, path ? path : "(no path)", EINVAL);
	int rc = dir_of(path, dir, sizeof(dir));
	if (rc < 0)
		return fail(err, errsize, path, -rc);
	int fd = create_temp(path, mode, tmp, sizeof(tmp));
	if (fd < 0)
		return fail(err, errsize, path, -fd);
	/* Exactly this mode, whatever the umask. */
	rc = fchmod(fd, mode & 07777) == 0 ? 0 : -errno;
	if (rc == 0)
		rc = write_full(fd, data, len);
	if (rc == 0 && fsync(fd) != 0)
		rc = -errno;
	if (close(fd) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0)
		rc = publish(tmp, path, flags & KESU_FILE_NO_REPLACE);
	if (rc < 0) {
		unlink(tmp);
		if (rc == -EEXIST && err && errsize)
			snprintf(err, errsize, _("%s already exists"), path);
		else
			fail(err, errsize, path, -rc);
		return rc;
	}
	/* The rename itself must survive a power cut. Some file systems
	 * refuse fsync on a directory (EINVAL): nothing more can be done. */
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail(err, errsize, dir, errno);
	rc = fsync(dfd) == 0 || errno == EINVAL ? 0 : -errno;
	close(dfd);
	if (rc < 0)
		return fail(err, errsize, dir, -rc);
	return 0;
}

static const char *kind_of(mode_t m)
{
	if (S_ISDIR(m))
		return _("a directory");
	if (S_ISFIFO(m))
		return _("a FIFO");
	if (S_ISCHR(m))
		return _("a character device");
	if (S_ISBLK(m))
		return _("a block device");
	if (S_ISSOCK(m))
		return _("a socket");
	return _("not a file");
}

/* Opens path for reading without blocking (a FIFO without a writer would
 * block a plain open) and checks what it is. */
static int open_regular(const char *path, unsigned flags, size_t max, struct stat *st, char *err,
			size_t errsize)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
	if (flags & KESU_FILE_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	int fd = open(path, oflags);
	if (fd < 0)
		return fail(err, errsize, path, errno);
	int rc = 0;
	if (fstat(fd, st) != 0) {
		rc = fail(err, errsize, path, errno);
	} else if (!S_ISREG(st->st_mode)) {
		snprintf(err, errsize, _("%s: not a regular file (%s)"), path, kind_of(st->st_mode));
		rc = -EINVAL;
	} else if ((flags & KESU_FILE_OWNER_ONLY) && (st->st_mode & 077)) {
		snprintf(err, errsize, _("%s: permissions %04o are too open; chmod 600"), path,
			 (unsigned)(st->st_mode & 07777));
		rc = -EACCES;
	} else if ((unsigned long long)st->st_size > max) {
		snprintf(err, errsize, _("%s: larger than %zu bytes"), path, max);
		rc = -EFBIG;
	} else if (fcntl(fd, F_SETFL, oflags & ~O_NONBLOCK) != 0) {
		rc = fail(err, errsize, path, errno);
	}
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}

/* Reads fd to its end into buf[0, cap); more than max bytes is -EFBIG (the
 * file grew since fstat). */
static int read_to_end(int fd, unsigned char *buf, size_t cap, size_t max, size_t *got)
{
	*got = 0;
	while (*got < cap) {
		ssize_t n = read(fd, buf + *got, cap - *got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		*got += (size_t)n;
	}
	return *got > max ? -EFBIG : 0;
}

int kesu_file_read_into(const char *path, unsigned flags, char *buf, size_t size, size_t *len,
			char *err, size_t errsize)
{
	struct stat st;
	*len = 0;
	if (size == 0)
		return fail(err, errsize, path, EINVAL);
	buf[0] = '\0';
	int fd = open_regular(path, flags, size - 1, &st, err, errsize);
	if (fd < 0)
		return fd;
	size_t got;
	/* one byte more than fits tells a file that grew past the limit */
	char extra;
	int rc = read_to_end(fd, (unsigned char *)buf, size - 1, size - 1, &got);
	if (rc == 0 && got == size - 1) {
		ssize_t n;
		while ((n = read(fd, &extra, 1)) < 0 && errno == EINTR)
			;
		if (n > 0)
			rc = -EFBIG;
	}
	close(fd);
	buf[got] = '\0';
	if (rc == -EFBIG) {
		snprintf(err, errsize, _("%s: larger than %zu bytes"), path, size - 1);
		return rc;
	}
	if (rc < 0)
		return fail(err, errsize, path, -rc);
	*len = got;
	return 0;
}

int kesu_file_read_bounded(const char *path, size_t max, unsigned flags, char **data,
			   size_t *len, char *err, size_t errsize)
{
	struct stat st;
	*data = NULL;
	*len = 0;
	int fd = open_regular(path, flags, max, &st, err, errsize);
	if (fd < 0)
		return fd;
	/* st_size, and room for one byte more to see a file that grew */
	size_t cap = (size_t)st.st_size + 1;
	unsigned char *buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return fail(err, errsize, path, ENOMEM);
	}
	size_t got;
	int rc = read_to_end(fd, buf, cap, max, &got);
	while (rc == 0 && got == cap && cap <= max) {
		/* the file grew after fstat: read on, within max */
		size_t more = cap < max - cap + 1 ? cap : max - cap + 1;
		unsigned char *grown = realloc(buf, cap + more + 1);
		if (!grown) {
			rc = -ENOMEM;
			break;
		}
		buf = grown;
		size_t n;
		rc = read_to_end(fd, buf + cap, more, (size_t)-1, &n);
		got = cap + n;
		cap += more;
	}
	close(fd);
	if (rc == 0 && got > max)
		rc = -EFBIG;
	if (rc < 0) {
		free(buf);
		if (rc == -EFBIG)
			snprintf(err, errsize, _("%s: larger than %zu bytes"), path, max);
		else
			fail(err, errsize, path, -rc);
		return rc;
	}
	buf[got] = '\0';
	*data = (char *)buf;
	*len = got;
	return 0;
}

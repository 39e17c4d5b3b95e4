#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/target.h"

/* Buffered writes are pushed out and dropped from the page cache every
 * this many bytes, so erasing a large image does not evict everything
 * else the machine caches. */
#define CACHE_DROP_EVERY (64u << 20)

struct fd_target {
	int fd;          /* the caller's descriptor (buffered) */
	int direct_fd;   /* O_DIRECT descriptor, or -1 */
	unsigned sector;
	uint64_t unsynced; /* buffered bytes written since the last drop */
};

static bool aligned(const struct fd_target *t, const void *buf, size_t len, uint64_t offset)
{
	return t->direct_fd >= 0 && offset % t->sector == 0 && len % t->sector == 0 &&
	       (uintptr_t)buf % t->sector == 0;
}

static ssize_t fd_write(void *ctx, const void *buf, size_t len, uint64_t offset)
{
	struct fd_target *t = ctx;
	if (aligned(t, buf, len, offset)) {
		ssize_t n = pwrite(t->direct_fd, buf, len, (off_t)offset);
		return n < 0 ? -errno : n;
	}
	ssize_t n = pwrite(t->fd, buf, len, (off_t)offset);
	if (n < 0)
		return -errno;
	t->unsynced += (uint64_t)n;
	if (t->unsynced >= CACHE_DROP_EVERY) {
		/* Start writeback, then drop what is already clean. */
		sync_file_range(t->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
		posix_fadvise(t->fd, 0, 0, POSIX_FADV_DONTNEED);
		t->unsynced = 0;
	}
	return n;
}

static ssize_t fd_read(void *ctx, void *buf, size_t len, uint64_t offset)
{
	struct fd_target *t = ctx;
	ssize_t n = aligned(t, buf, len, offset) ? pread(t->direct_fd, buf, len, (off_t)offset)
						 : pread(t->fd, buf, len, (off_t)offset);
	return n < 0 ? -errno : n;
}

static int fd_sync(void *ctx)
{
	struct fd_target *t = ctx;
	if (fdatasync(t->fd) < 0)
		return -errno;
	if (t->direct_fd < 0)
		posix_fadvise(t->fd, 0, 0, POSIX_FADV_DONTNEED);
	t->unsynced = 0;
	return 0;
}

/* After a firmware erase the page cache may still hold the old data. */
static int fd_drop_cache(void *ctx)
{
	struct fd_target *t = ctx;
	struct stat st;
	if (fstat(t->fd, &st) == 0 && S_ISBLK(st.st_mode) && ioctl(t->fd, BLKFLSBUF, 0) == 0)
		return 0;
	int rc = posix_fadvise(t->fd, 0, 0, POSIX_FADV_DONTNEED);
	return -rc;
}

static void fd_close(void *ctx)
{
	struct fd_target *t = ctx;
	if (t->direct_fd >= 0)
		close(t->direct_fd);
	close(t->fd);
	free(t);
}

static const struct kesu_target_ops fd_ops = {fd_write, fd_read, fd_sync, fd_close, fd_drop_cache};

int kesu_target_open_fd(int fd, uint64_t size, unsigned sector, struct kesu_target *out)
{
	struct fd_target *t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->fd = fd;
	t->sector = sector ? sector : 512;
	/* A second descriptor with O_DIRECT, opened through /proc so that it
	 * is the very file the gate checked, not whatever the path names now. */
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	int flags = fcntl(fd, F_GETFL);
	t->direct_fd = open(proc, (flags & O_ACCMODE) | O_DIRECT | O_CLOEXEC);
	*out = (struct kesu_target){
		.ops = &fd_ops,
		.ctx = t,
		.size = size,
		.sector = t->sector,
		.buffer_align = t->sector < 4096 ? 4096 : t->sector,
		.direct = t->direct_fd >= 0,
	};
	return 0;
}

void kesu_target_close(struct kesu_target *t)
{
	if (t->ops) {
		t->ops->close(t->ctx);
		t->ops = NULL;
	}
}

/* What the overwrite engine writes to: a small function table, so the
 * same engine drives a real block device or image file (pwrite/pread on a
 * file descriptor) and, in tests, a simulated drive with injected faults. */
#ifndef KESU_TARGET_H
#define KESU_TARGET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct kesu_target_ops {
	/* Like pwrite(2)/pread(2): bytes done (maybe short) or -errno. */
	ssize_t (*write)(void *ctx, const void *buf, size_t len, uint64_t offset);
	ssize_t (*read)(void *ctx, void *buf, size_t len, uint64_t offset);
	/* Makes written data durable (fdatasync). 0 or -errno. */
	int (*sync)(void *ctx);
	/* Releases ctx. */
	void (*close)(void *ctx);
	/* Forgets cached data so the next reads come from the medium
	 * (after a firmware erase). Optional: NULL for targets without a cache. */
	int (*drop_cache)(void *ctx);
};

struct kesu_target {
	const struct kesu_target_ops *ops;
	void *ctx;
	uint64_t size;       /* bytes */
	unsigned sector;     /* logical sector size: the unit of bad ranges */
	size_t buffer_align; /* alignment buffers need (O_DIRECT), >= 1 */
	bool direct;         /* writes bypass the page cache */
};

/* Wraps an open file descriptor of a block device or image file. Tries
 * O_DIRECT (reopening /proc/self/fd/N); where the filesystem refuses it
 * (tmpfs), falls back to buffered I/O and drops written pages from the
 * cache as it goes. Writes that are not sector-aligned (the tail of an
 * image whose size is not a multiple of 512) go through a buffered
 * descriptor. The target takes ownership of fd. Returns 0 or -errno. */
int kesu_target_open_fd(int fd, uint64_t size, unsigned sector, struct kesu_target *t);

/* Closes the target (and its descriptors). */
void kesu_target_close(struct kesu_target *t);
#endif

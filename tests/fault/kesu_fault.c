/* An LD_PRELOAD fault injector for end-to-end tests of the real kesu
 * binary: it fails chosen byte ranges of one file or device the way a
 * failing disk does. Test-only; never installed.
 *
 *   KESU_FAULT_PATH        the device or image to act on (after realpath)
 *   KESU_FAULT_BAD_WRITE   OFFSET:LENGTH[,...] bytes whose writes fail
 *   KESU_FAULT_BAD_READ    OFFSET:LENGTH[,...] bytes whose reads fail
 *   KESU_FAULT_ERRNO       errno for those failures: EIO (default) or ENODATA
 *   KESU_FAULT_SHORT       write at most this many bytes per call
 *   KESU_FAULT_ENOSPC_AT   writes at or past this offset fail with ENOSPC
 *   KESU_FAULT_SYNC_ERRNO  fdatasync/fsync fail with this (EIO)
 *   KESU_FAULT_DELAY_US    sleep this long before every write (slow disk)
 *   KESU_FAULT_DROP_WRITE  OFFSET:LENGTH: a write touching it reports success
 *                          but leaves those bytes as they were (a drive that
 *                          loses a write); the rest of the request is written
 *   KESU_FAULT_DROP_TIMES  drop only the first N such writes (default: all)
 *   KESU_FAULT_LOG         append one line per injected fault to this file
 *   KESU_FAULT_CLOCK       unsync or sync: what adjtimex(2)/ntp_adjtime(3)
 *                          report of the kernel's NTP status (the clock
 *                          warning; other fields as the kernel has them)
 */

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <unistd.h>

#define MAX_RANGES 32

struct range {
	uint64_t start, len;
};

static struct {
	int ready;
	char path[PATH_MAX];
	struct range bad_write[MAX_RANGES], bad_read[MAX_RANGES], drop[MAX_RANGES]; /* drop: the first only */
	int nbad_write, nbad_read, ndrop;
	long drop_left; /* < 0: every time */
	int err, sync_err;
	uint64_t short_max, enospc_at, delay_us;
	const char *log;
} cfg;

static int parse_errno(const char *s, int fallback)
{
	if (!s)
		return fallback;
	if (!strcmp(s, "EIO"))
		return EIO;
	if (!strcmp(s, "ENODATA"))
		return ENODATA;
	if (!strcmp(s, "ENOSPC"))
		return ENOSPC;
	return atoi(s) > 0 ? atoi(s) : fallback;
}

static int parse_ranges(const char *s, struct range *out)
{
	int n = 0;
	while (s && *s && n < MAX_RANGES) {
		char *end;
		out[n].start = strtoull(s, &end, 0);
		out[n].len = *end == ':' ? strtoull(end + 1, &end, 0) : 1;
		n++;
		s = *end == ',' ? end + 1 : NULL;
	}
	return n;
}

static void setup(void)
{
	if (cfg.ready)
		return;
	cfg.ready = 1;
	const char *p = getenv("KESU_FAULT_PATH");
	if (!p || !realpath(p, cfg.path))
		cfg.path[0] = '\0';
	cfg.nbad_write = parse_ranges(getenv("KESU_FAULT_BAD_WRITE"), cfg.bad_write);
	cfg.nbad_read = parse_ranges(getenv("KESU_FAULT_BAD_READ"), cfg.bad_read);
	cfg.err = parse_errno(getenv("KESU_FAULT_ERRNO"), EIO);
	cfg.sync_err = parse_errno(getenv("KESU_FAULT_SYNC_ERRNO"), 0);
	cfg.short_max = getenv("KESU_FAULT_SHORT") ? strtoull(getenv("KESU_FAULT_SHORT"), NULL, 0) : 0;
	cfg.enospc_at = getenv("KESU_FAULT_ENOSPC_AT") ? strtoull(getenv("KESU_FAULT_ENOSPC_AT"), NULL, 0) : 0;
	cfg.delay_us = getenv("KESU_FAULT_DELAY_US") ? strtoull(getenv("KESU_FAULT_DELAY_US"), NULL, 0) : 0;
	cfg.log = getenv("KESU_FAULT_LOG");
	cfg.ndrop = parse_ranges(getenv("KESU_FAULT_DROP_WRITE"), cfg.drop) > 0;
	cfg.drop_left = getenv("KESU_FAULT_DROP_TIMES") ? strtol(getenv("KESU_FAULT_DROP_TIMES"), NULL, 0) : -1;
}


static int is_target(int fd)
{
	setup();
	if (!cfg.path[0])
		return 0;
	char link[64], real[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, real, sizeof(real) - 1);
	if (n <= 0)
		return 0;
	real[n] = '\0';
	return strcmp(real, cfg.path) == 0;
}

static int hits(const struct range *r, int n, uint64_t off, uint64_t len)
{
	for (int i = 0; i < n; i++)
		if (r[i].start < off + len && r[i].start + r[i].len > off)
			return 1;
	return 0;
}

static void note(const char *what, uint64_t off, size_t len)
{
	if (!cfg.log)
		return;
	FILE *f = fopen(cfg.log, "a");
	if (f) {
		fprintf(f, "%s %llu %zu\n", what, (unsigned long long)off, len);
		fclose(f);
	}
}

/* Writes what lies outside the dropped range (sector-aligned in tests, so
 * O_DIRECT accepts the pieces) and claims the whole request. */
static ssize_t drop_write(ssize_t (*real)(int, const void *, size_t, off_t), int fd, const void *buf,
			  size_t len, off_t off)
{
	uint64_t start = (uint64_t)off, end = start + len;
	uint64_t d0 = cfg.drop[0].start > start ? cfg.drop[0].start : start;
	uint64_t d1 = cfg.drop[0].start + cfg.drop[0].len < end ? cfg.drop[0].start + cfg.drop[0].len : end;
	note("dropped", d0, (size_t)(d1 - d0));
	if (d0 > start && real(fd, buf, (size_t)(d0 - start), off) != (ssize_t)(d0 - start))
		return -1;
	if (end > d1 && real(fd, (const char *)buf + (d1 - start), (size_t)(end - d1), (off_t)d1) !=
				(ssize_t)(end - d1))
		return -1;
	return (ssize_t)len;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off_t off)
{
	static ssize_t (*real)(int, const void *, size_t, off_t);
	if (!real)
		real = (ssize_t(*)(int, const void *, size_t, off_t))dlsym(RTLD_NEXT, "pwrite64");
	if (is_target(fd)) {
		if (cfg.delay_us)
			usleep((useconds_t)cfg.delay_us);
		if (cfg.enospc_at && (uint64_t)off >= cfg.enospc_at) {
			note("enospc", (uint64_t)off, len);
			errno = ENOSPC;
			return -1;
		}
		if (hits(cfg.bad_write, cfg.nbad_write, (uint64_t)off, len)) {
			note("write-error", (uint64_t)off, len);
			errno = cfg.err;
			return -1;
		}
		if (cfg.short_max && len > cfg.short_max)
			len = cfg.short_max;
		if (cfg.ndrop && cfg.drop_left != 0 && hits(cfg.drop, 1, (uint64_t)off, len)) {
			if (cfg.drop_left > 0)
				cfg.drop_left--;
			return drop_write(real, fd, buf, len, off);
		}
	}
	return real(fd, buf, len, off);
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	return pwrite64(fd, buf, len, off);
}

ssize_t pread64(int fd, void *buf, size_t len, off_t off)
{
	static ssize_t (*real)(int, void *, size_t, off_t);
	if (!real)
		real = (ssize_t(*)(int, void *, size_t, off_t))dlsym(RTLD_NEXT, "pread64");
	if (is_target(fd) && hits(cfg.bad_read, cfg.nbad_read, (uint64_t)off, len)) {
		note("read-error", (uint64_t)off, len);
		errno = cfg.err;
		return -1;
	}
	return real(fd, buf, len, off);
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	return pread64(fd, buf, len, off);
}

static int sync_fault(int fd)
{
	if (is_target(fd) && cfg.sync_err) {
		note("sync-error", 0, 0);
		errno = cfg.sync_err;
		return -1;
	}
	return 0;
}

int fdatasync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fdatasync");
	return sync_fault(fd) ? -1 : real(fd);
}

int fsync(int fd)
{
	static int (*real)(int);
	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	return sync_fault(fd) ? -1 : real(fd);
}

/* KESU_FAULT_CLOCK: the kernel's NTP status as a test wants it. */
static int fake_clock(struct timex *t, int (*real)(struct timex *))
{
	const char *want = getenv("KESU_FAULT_CLOCK");
	int rc = real(t);
	if (rc < 0 || !want || t->modes != 0)
		return rc;
	if (!strcmp(want, "unsync")) {
		t->status |= STA_UNSYNC;
		return TIME_ERROR;
	}
	if (!strcmp(want, "sync")) {
		t->status &= ~STA_UNSYNC;
		return TIME_OK;
	}
	return rc;
}

int adjtimex(struct timex *t)
{
	static int (*real)(struct timex *);
	if (!real)
		real = (int (*)(struct timex *))dlsym(RTLD_NEXT, "adjtimex");
	return fake_clock(t, real);
}

int ntp_adjtime(struct timex *t)
{
	static int (*real)(struct timex *);
	if (!real)
		real = (int (*)(struct timex *))dlsym(RTLD_NEXT, "ntp_adjtime");
	return fake_clock(t, real);
}

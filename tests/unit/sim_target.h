/* A simulated drive in memory behind the kesu_target interface, with
 * injected faults: bad sectors that fail every write or read, a limit on
 * bytes per call (short writes), a size after which writes get ENOSPC,
 * a failing sync. Header-only so each test executable can include it. */
#ifndef KESU_SIM_TARGET_H
#define KESU_SIM_TARGET_H
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/target.h"

#define SIM_MAX_BAD 16

struct sim_drive {
	uint8_t *data;
	uint64_t size;
	unsigned sector;
	uint64_t bad_write[SIM_MAX_BAD]; /* sectors whose writes always fail */
	size_t nbad_write;
	uint64_t bad_read[SIM_MAX_BAD];
	size_t nbad_read;
	int media_errno;      /* what a bad sector returns: EIO or ENODATA */
	size_t max_per_call;  /* > 0: short writes of at most this */
	uint64_t full_at;     /* > 0: writes at or past this offset get ENOSPC */
	int sync_errno;       /* > 0: sync fails with it */
	unsigned transient;   /* fail this many first write calls with EIO */
	unsigned writes, reads, syncs;
};

static bool sim_hits(const uint64_t *bad, size_t n, unsigned sector, uint64_t off, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (bad[i] * sector < off + len && (bad[i] + 1) * sector > off)
			return true;
	return false;
}

static ssize_t sim_write(void *ctx, const void *buf, size_t len, uint64_t off)
{
	struct sim_drive *d = ctx;
	d->writes++;
	if (d->transient) {
		d->transient--;
		return -EIO;
	}
	if (d->full_at && off >= d->full_at)
		return -ENOSPC;
	if (off >= d->size)
		return -ENOSPC;
	if (sim_hits(d->bad_write, d->nbad_write, d->sector, off, len))
		return -d->media_errno;
	if (len > d->size - off)
		len = (size_t)(d->size - off);
	if (d->max_per_call && len > d->max_per_call)
		len = d->max_per_call;
	memcpy(d->data + off, buf, len);
	return (ssize_t)len;
}

static ssize_t sim_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct sim_drive *d = ctx;
	d->reads++;
	if (off >= d->size)
		return 0;
	if (sim_hits(d->bad_read, d->nbad_read, d->sector, off, len))
		return -d->media_errno;
	if (len > d->size - off)
		len = (size_t)(d->size - off);
	memcpy(buf, d->data + off, len);
	return (ssize_t)len;
}

static int sim_sync(void *ctx)
{
	struct sim_drive *d = ctx;
	d->syncs++;
	return d->sync_errno ? -d->sync_errno : 0;
}

static void sim_close(void *ctx)
{
	(void)ctx; /* the test owns the drive */
}

static const struct kesu_target_ops sim_ops = {sim_write, sim_read, sim_sync, sim_close, NULL};

/* A drive of size bytes filled with 0x5a ("old data"). */
static struct sim_drive *sim_new(uint64_t size, unsigned sector)
{
	struct sim_drive *d = calloc(1, sizeof(*d));
	d->data = malloc(size);
	memset(d->data, 0x5a, size);
	d->size = size;
	d->sector = sector;
	d->media_errno = EIO;
	return d;
}

static struct kesu_target sim_target(struct sim_drive *d)
{
	return (struct kesu_target){&sim_ops, d, d->size, d->sector, 64, false};
}

static void sim_free(struct sim_drive *d)
{
	free(d->data);
	free(d);
}
#endif

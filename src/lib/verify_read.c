#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kesu/clock.h"
#include "kesu/error.h"
#include "io_retry.h"
#include "verify_read.h"

/* Compares what was read with what the pass wrote, sector by sector
 * where they differ. */
static int compare(const struct kesu_verify_io *io, const uint8_t *got, uint8_t *want,
		   size_t len, uint64_t offset, struct kesu_verify_outcome *out)
{
	Kesu_fill_bytes(io->expect, offset, want, len);
	if (memcmp(got, want, len) == 0)
		return 0;
	unsigned sector = io->target->sector;
	for (size_t at = 0; at < len; at += sector) {
		size_t n = len - at < sector ? len - at : sector;
		if (memcmp(got + at, want + at, n) != 0) {
			int rc = kesu_ranges_add(&out->mismatched, (offset + at) / sector, 1);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

/* Reads and compares a range; narrows read errors to the sector. */
static int check_range(const struct kesu_verify_io *io, uint8_t *buf, uint8_t *want, size_t len,
		       uint64_t offset, struct kesu_verify_outcome *out)
{
	unsigned sector = io->target->sector;
	size_t done;
	int rc = Kesu_io_exact(io->target, KESU_IO_READ, buf, len, offset, io->retries, &done);
	out->bytes_read += done;
	if (done) {
		int crc = compare(io, buf, want, done, offset, out);
		if (crc < 0)
			return crc;
	}
	if (rc == 0 || !Kesu_is_media_error(rc))
		return rc;
	buf += done;
	want += done;
	offset += done;
	len -= done;
	if (len <= sector)
		return kesu_ranges_add(&out->unreadable, offset / sector, 1);
	size_t half = len / 2 / sector * sector;
	if (half == 0)
		half = sector;
	rc = check_range(io, buf, want, half, offset, out);
	if (rc == 0)
		rc = check_range(io, buf + half, want + half, len - half, offset + half, out);
	return rc;
}

#define READERS 4 /* reads in flight: samples are small, so latency rules */

struct readers {
	const struct kesu_verify_io *io;
	const struct kesu_verify_plan *plan;
	_Atomic size_t next;   /* next sample to take */
	_Atomic uint64_t read; /* bytes read by all readers */
	atomic_bool stop;
};

struct reader {
	struct readers *shared;
	struct kesu_verify_outcome out;
	size_t failed_sample; /* where out.error happened */
	pthread_t thread;
};

/* One reader: takes sample after sample and checks it. */
static void *read_samples(void *arg)
{
	struct reader *me = arg;
	struct readers *sh = me->shared;
	const struct kesu_verify_io *io = sh->io;
	uint8_t *buf = NULL, *want = NULL;
	if (posix_memalign((void **)&buf, io->target->buffer_align, io->request) ||
	    posix_memalign((void **)&want, io->target->buffer_align, io->request)) {
		free(buf);
		me->out.error = -ENOMEM;
		me->failed_sample = 0;
		atomic_store(&sh->stop, true);
		return NULL;
	}
	int rc = 0;
	size_t i;
	while (rc == 0 && !atomic_load(&sh->stop) &&
	       (i = atomic_fetch_add(&sh->next, 1)) < sh->plan->count) {
		const struct kesu_sample *s = &sh->plan->samples[i];
		for (uint64_t at = 0; at < s->length && rc == 0; at += io->request) {
			if (io->cancel && atomic_load(io->cancel)) {
				rc = -KESU_EINTERRUPTED;
				break;
			}
			size_t len = s->length - at < io->request ? (size_t)(s->length - at) : io->request;
			uint64_t before = me->out.bytes_read;
			rc = check_range(io, buf, want, len, s->offset + at, &me->out);
			uint64_t n = me->out.bytes_read - before;
			uint64_t total = atomic_fetch_add(&sh->read, n) + n;
			if (io->progress)
				atomic_store(io->progress, total);
		}
		if (rc < 0) {
			me->out.error = rc;
			me->failed_sample = i;
			atomic_store(&sh->stop, true);
		}
	}
	free(buf);
	free(want);
	return NULL;
}

static int merge(struct kesu_verify_outcome *into, const struct kesu_verify_outcome *from)
{
	into->bytes_read += from->bytes_read;
	int rc = 0;
	for (size_t i = 0; i < from->mismatched.count && rc == 0; i++)
		rc = kesu_ranges_add(&into->mismatched, from->mismatched.items[i].first,
				     from->mismatched.items[i].count);
	for (size_t i = 0; i < from->unreadable.count && rc == 0; i++)
		rc = kesu_ranges_add(&into->unreadable, from->unreadable.items[i].first,
				     from->unreadable.items[i].count);
	return rc;
}

int Kesu_verify_read(const struct kesu_verify_io *io, const struct kesu_verify_plan *plan,
		     struct kesu_verify_outcome *out)
{
	memset(out, 0, sizeof(*out));
	uint64_t t0 = kesu_monotonic_ns();
	struct readers sh = {.io = io, .plan = plan};
	struct reader r[READERS];
	memset(r, 0, sizeof(r));
	unsigned started = 1;
	for (unsigned i = 0; i < READERS; i++)
		r[i].shared = &sh;
	while (started < READERS && pthread_create(&r[started].thread, NULL, read_samples, &r[started]) == 0)
		started++;
	read_samples(&r[0]);
	int rc = 0;
	size_t failed = SIZE_MAX;
	for (unsigned i = 0; i < started; i++) {
		if (i > 0)
			pthread_join(r[i].thread, NULL);
		int mrc = merge(out, &r[i].out);
		if (r[i].out.error < 0 && r[i].failed_sample < failed) {
			failed = r[i].failed_sample;
			rc = r[i].out.error;
		}
		if (mrc < 0 && rc == 0)
			rc = mrc;
		Kesu_verify_outcome_free(&r[i].out);
	}
	out->seconds = kesu_seconds_since(t0);
	if (rc == 0 && (out->mismatched.count || out->unreadable.count))
		rc = -KESU_EVERIFY;
	out->error = rc;
	return rc;
}

void Kesu_verify_outcome_free(struct kesu_verify_outcome *out)
{
	kesu_ranges_free(&out->mismatched);
	kesu_ranges_free(&out->unreadable);
}

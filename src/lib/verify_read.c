#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "io_retry.h"
#include "verify_read.h"

/* Compares what was read with what the pass wrote, sector by sector
 * where they differ. */
static int compare(const struct kesu_verify_io *io, const uint8_t *got, uint8_t *want,
		   size_t len, uint64_t offset, struct kesu_verify_outcome *out)
{
	kesu_fill_bytes(io->expect, offset, want, len);
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
	int rc = kesu_io_exact(io->target, KESU_IO_READ, buf, len, offset, io->retries, &done);
	out->bytes_read += done;
	if (done) {
		int crc = compare(io, buf, want, done, offset, out);
		if (crc < 0)
			return crc;
	}
	if (rc == 0 || !kesu_is_media_error(rc))
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

int kesu_verify_read(const struct kesu_verify_io *io, const struct kesu_verify_plan *plan,
		     struct kesu_verify_outcome *out)
{
	memset(out, 0, sizeof(*out));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint8_t *buf = NULL, *want = NULL;
	if (posix_memalign((void **)&buf, io->target->buffer_align, io->request) ||
	    posix_memalign((void **)&want, io->target->buffer_align, io->request)) {
		free(buf);
		return out->error = -ENOMEM;
	}
	int rc = 0;
	for (size_t i = 0; i < plan->count && rc == 0; i++) {
		const struct kesu_sample *s = &plan->samples[i];
		for (uint64_t at = 0; at < s->length && rc == 0; at += io->request) {
			if (io->cancel && atomic_load(io->cancel)) {
				rc = -KESU_EINTERRUPTED;
				break;
			}
			size_t len = s->length - at < io->request ? (size_t)(s->length - at) : io->request;
			rc = check_range(io, buf, want, len, s->offset + at, out);
			if (io->progress)
				atomic_store(io->progress, out->bytes_read);
		}
	}
	free(buf);
	free(want);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (rc == 0 && (out->mismatched.count || out->unreadable.count))
		rc = -KESU_EVERIFY;
	out->error = rc;
	return rc;
}

void kesu_verify_outcome_free(struct kesu_verify_outcome *out)
{
	kesu_ranges_free(&out->mismatched);
	kesu_ranges_free(&out->unreadable);
}

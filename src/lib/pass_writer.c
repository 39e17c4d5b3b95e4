#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kesu/clock.h"
#include "kesu/error.h"
#include "io_retry.h"
#include "pass_writer.h"
#include "speed_profile.h"

/* Buffers between the generator and the writer: with one write in flight,
 * two let the generator fill one while the other is written, and keep
 * what the kernel copies from in the CPU cache (four cost 10-20% on a
 * RAM-backed device). */
#define RING 2

struct slot {
	uint8_t *buf;
	uint64_t offset;
	size_t len;
	bool full;
};

struct ring {
	struct slot slots[RING];
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool stop; /* the writer gave up: the generator must not wait */
	bool constant; /* every slot is one buffer, filled once (a pattern pass) */
	const struct kesu_pass_io *io;
	uint64_t start, end;
};

/* The generator: fills slot after slot with the pass's bytes. */
static void *generate(void *arg)
{
	struct ring *r = arg;
	uint64_t offset = r->start;
	for (unsigned i = 0; offset < r->end; i = (i + 1) % RING) {
		struct slot *s = &r->slots[i];
		pthread_mutex_lock(&r->lock);
		while (s->full && !r->stop)
			pthread_cond_wait(&r->changed, &r->lock);
		bool stop = r->stop;
		pthread_mutex_unlock(&r->lock);
		if (stop)
			break;
		size_t len = r->end - offset < r->io->request ? (size_t)(r->end - offset) : r->io->request;
		if (!r->constant)
			Kesu_fill_bytes(r->io->fill, offset, s->buf, len);
		pthread_mutex_lock(&r->lock);
		s->offset = offset;
		s->len = len;
		s->full = true;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
		offset += len;
	}
	return NULL;
}

/* Writes a range; where the medium fails, halves the range until the
 * failing sectors are found, records them and writes everything else. */
static int write_or_narrow(const struct kesu_pass_io *io, const uint8_t *buf, size_t len,
			   uint64_t offset, struct kesu_pass_outcome *out)
{
	unsigned sector = io->target->sector;
	size_t done;
	int rc = Kesu_io_exact(io->target, KESU_IO_WRITE, (void *)buf, len, offset, io->retries, &done);
	out->bytes_written += done;
	if (rc == 0 || !Kesu_is_media_error(rc))
		return rc;
	buf += done;
	offset += done;
	len -= done;
	if (len <= sector)
		return kesu_ranges_add(&out->bad, offset / sector, 1);
	size_t half = len / 2 / sector * sector;
	if (half == 0)
		half = sector;
	rc = write_or_narrow(io, buf, half, offset, out);
	if (rc == 0)
		rc = write_or_narrow(io, buf + half, len - half, offset + half, out);
	return rc;
}

static void ring_free(struct ring *r)
{
	for (unsigned i = 0; i < (r->constant ? 1 : RING); i++)
		free(r->slots[i].buf);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->changed);
}

static int ring_init(struct ring *r, const struct kesu_pass_io *io, uint64_t start)
{
	memset(r, 0, sizeof(*r));
	r->io = io;
	r->start = start;
	r->end = io->target->size;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->changed, NULL);
	/* A repeating pattern whose period divides the request is the same
	 * bytes in every request: one buffer, filled once, serves every slot,
	 * and stays in the CPU cache while the kernel copies from it. */
	const struct kesu_fill *fill = io->fill;
	if (fill->kind == KESU_FILL_PATTERN && io->request % fill->pattern_len == 0) {
		if (posix_memalign((void **)&r->slots[0].buf, io->target->buffer_align, io->request)) {
			ring_free(r);
			return -ENOMEM;
		}
		r->constant = true;
		Kesu_fill_bytes(fill, start, r->slots[0].buf, io->request);
		for (unsigned i = 1; i < RING; i++)
			r->slots[i].buf = r->slots[0].buf;
		return 0;
	}
	for (unsigned i = 0; i < RING; i++) {
		if (posix_memalign((void **)&r->slots[i].buf, io->target->buffer_align, io->request)) {
			ring_free(r);
			return -ENOMEM;
		}
	}
	return 0;
}

/* The writer: takes filled slots in order and writes them, syncing every
 * sync_seconds so that a checkpoint never claims more than is durable. */
static int write_slots(struct ring *r, struct kesu_pass_outcome *out, uint64_t t0,
		       struct kesu_speed_sampler *speed)
{
	const struct kesu_pass_io *io = r->io;
	uint64_t offset = r->start;
	int rc = 0;
	uint64_t last_sync = kesu_monotonic_ns();
	for (unsigned i = 0; offset < r->end; i = (i + 1) % RING) {
		if (io->cancel && atomic_load(io->cancel)) {
			rc = -KESU_EINTERRUPTED;
			break;
		}
		struct slot *s = &r->slots[i];
		pthread_mutex_lock(&r->lock);
		while (!s->full)
			pthread_cond_wait(&r->changed, &r->lock);
		pthread_mutex_unlock(&r->lock);

		rc = write_or_narrow(io, s->buf, s->len, s->offset, out);
		if (rc < 0)
			break;
		offset += s->len;
		out->offset_reached = offset;
		if (io->progress)
			atomic_store(io->progress, offset);
		/* one clock reading serves the profile and the sync timer */
		uint64_t now = kesu_monotonic_ns();
		if (offset < r->end) /* the end's point follows the final sync */
			Kesu_speed_sample(speed, offset, now, false);
		if (io->sync_seconds > 0 && now > last_sync &&
		    (double)(now - last_sync) / 1e9 >= io->sync_seconds) {
			rc = io->target->ops->sync(io->target->ctx);
			if (rc < 0)
				break;
			last_sync = kesu_monotonic_ns();
			out->seconds = kesu_seconds_since(t0);
			if (io->durable && (rc = io->durable(io->durable_ctx, offset, out)) < 0)
				break;
		}
		pthread_mutex_lock(&r->lock);
		s->full = false;
		pthread_cond_broadcast(&r->changed);
		pthread_mutex_unlock(&r->lock);
	}
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->changed);
	pthread_mutex_unlock(&r->lock);
	return rc;
}

int Kesu_pass_write(const struct kesu_pass_io *io, uint64_t start, struct kesu_pass_outcome *out)
{
	memset(out, 0, sizeof(*out));
	out->offset_reached = start;
	uint64_t t0 = kesu_monotonic_ns();

	struct ring r;
	struct kesu_speed_sampler speed;
	Kesu_speed_begin(&speed, io->profile, io->target->size, io->request, start, t0);
	int rc = ring_init(&r, io, start);
	if (rc == 0) {
		pthread_t generator;
		rc = -pthread_create(&generator, NULL, generate, &r);
		if (rc == 0) {
			rc = write_slots(&r, out, t0, &speed);
			pthread_join(generator, NULL);
		}
		ring_free(&r);
	}
	/* Whatever happened, push out what was written: a pass that stops
	 * early still leaves its data durable up to offset_reached. */
	int sync_rc = io->target->ops->sync(io->target->ctx);
	if (rc == 0)
		rc = sync_rc;
	out->seconds = kesu_seconds_since(t0);
	/* the last point: up to where the run got, its final sync included */
	Kesu_speed_sample(&speed, out->offset_reached, kesu_monotonic_ns(), true);
	if (sync_rc == 0 && io->durable) {
		int durable_rc = io->durable(io->durable_ctx, out->offset_reached, out);
		if (rc == 0)
			rc = durable_rc;
	}
	out->error = rc;
	out->state = rc == 0 ? KESU_PASS_DONE
		     : Kesu_is_interruption(rc) ? KESU_PASS_INTERRUPTED
						: KESU_PASS_FAILED;
	return rc;
}

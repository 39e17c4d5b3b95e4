/* Writing one pass over a target: a generator thread fills buffers while
 * the caller's thread writes them, so neither waits for the other. Media
 * errors are retried, then narrowed down to the sector and recorded; the
 * rest of the pass goes on. */
#ifndef KESU_PASS_WRITER_H
#define KESU_PASS_WRITER_H
#include <stdatomic.h>
#include <stdbool.h>

#include "kesu/job.h"
#include "kesu/ranges.h"
#include "kesu/target.h"
#include "pattern.h"

enum kesu_pass_state {
	KESU_PASS_DONE,        /* every byte written or recorded as bad, and synced */
	KESU_PASS_FAILED,      /* an error stopped the pass, or the sync failed */
	KESU_PASS_INTERRUPTED, /* cancelled, device full or vanished */
};

struct kesu_pass_outcome;

struct kesu_pass_io {
	struct kesu_target *target;
	const struct kesu_fill *fill;
	size_t request;             /* bytes per write, a multiple of the sector */
	unsigned retries;           /* extra attempts before narrowing */
	const atomic_bool *cancel;  /* set to stop at the next request */
	_Atomic uint64_t *progress; /* bytes of this pass done so far */
	double sync_seconds;        /* > 0: fdatasync at least this often */
	/* Called after each successful sync with the offset below which the
	 * pass is on stable storage (what a checkpoint may claim) and the
	 * outcome so far, whose bad list holds every failed sector below it.
	 * A negative return stops the pass with that error. */
	int (*durable)(void *ctx, uint64_t offset, const struct kesu_pass_outcome *so_far);
	void *durable_ctx;
	/* The pass's speed profile: this run's points are added to it (a
	 * resumed pass keeps the earlier run's). NULL: none is kept. */
	struct kesu_speed_profile *profile;
};

struct kesu_pass_outcome {
	enum kesu_pass_state state;
	int error;                  /* what stopped or failed the pass, 0 if none */
	uint64_t offset_reached;    /* bytes from the start, all handled below it */
	uint64_t bytes_written;     /* excluding bad sectors */
	struct kesu_range_list bad; /* sectors that could not be written */
	double seconds;
};

/* Writes [start, target size) with the pass's bytes. Returns 0 when the
 * pass is DONE, else the negative error also stored in out->error. */
int Kesu_pass_write(const struct kesu_pass_io *io, uint64_t start, struct kesu_pass_outcome *out);
#endif

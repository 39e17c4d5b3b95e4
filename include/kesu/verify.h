/* Verification by reading back: the NIST SP 800-88 Rev.1 §4.7.3 sampling
 * plan, and a full read. */
#ifndef KESU_VERIFY_H
#define KESU_VERIFY_H
#include <stddef.h>
#include <stdint.h>

#include "kesu/prng.h"
#include "kesu/ranges.h"

#define KESU_VERIFY_SUBSECTIONS 1000 /* NIST: at least 1000 equal subsections */
#define KESU_VERIFY_DEFAULT_PERCENT 10.0

struct kesu_sample {
	uint64_t offset; /* bytes, a multiple of the sector size */
	uint64_t length; /* bytes */
};

struct kesu_verify_plan {
	uint8_t seed[KESU_PRNG_SEED_SIZE]; /* where the locations come from */
	double percent;          /* coverage asked for (100 = full read) */
	uint64_t subsections;    /* equal parts of the drive, 0 for a full read */
	struct kesu_sample *samples; /* sorted, never overlapping */
	size_t count;
	uint64_t bytes;          /* total bytes the plan reads */
};

/* Makes the plan for a drive of size bytes with the given sector size:
 * the drive is cut into 1000 equal subsections (by sectors); each gets two
 * samples at pseudo-random sector offsets, one in each half, each at least
 * percent/2 % of the subsection, so no two samples overlap and coverage is
 * at least percent. The first sample starts at sector 0 and the last ends
 * at the end of the drive. percent >= 100, or a drive too small to cut
 * (fewer than 4 sectors per subsection), gives one sample: the whole drive.
 * The same seed always gives the same plan. Returns 0 or -errno. */
int kesu_verify_plan_make(uint64_t size, unsigned sector, double percent,
			  const uint8_t seed[KESU_PRNG_SEED_SIZE], struct kesu_verify_plan *plan);

void kesu_verify_plan_free(struct kesu_verify_plan *plan);
#endif

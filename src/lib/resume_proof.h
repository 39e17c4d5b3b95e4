/* Before a resumed job writes, a few sampled reads show that the drive
 * holds what the interrupted run wrote: another disk attached at the same
 * path (a USB dock that hides serial numbers) must not inherit a job
 * whose earlier passes never touched it. */
#ifndef KESU_RESUME_PROOF_H
#define KESU_RESUME_PROOF_H
#include "kesu/job.h"
#include "kesu/ranges.h"
#include "kesu/target.h"
#include "pattern.h"

/* A byte range and what it may hold: any one of the fills (the range
 * past a checkpoint may hold the next pass's bytes, written but not yet
 * checkpointed, or still the previous pass's). */
struct kesu_resume_region {
	uint64_t start, end;
	const struct kesu_fill *expect[2];
	unsigned nexpect;
};

/* Reads per_region sample blocks spread over each region (none that
 * touches a sector in skip) and compares each with the fills. Returns 0
 * when every block read holds one of its region's fills, -KESU_EVERIFY
 * when any does not or cannot be read, or another negative error. */
int Kesu_resume_sample(const struct kesu_target *t, const struct kesu_resume_region *regions,
		       size_t nregions, const struct kesu_range_list *skip, unsigned per_region,
		       unsigned retries, struct kesu_resume_proof *out);
#endif

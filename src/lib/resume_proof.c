#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "io_retry.h"
#include "kesu/error.h"
#include "resume_proof.h"

#define BLOCK 4096

static bool touches(const struct kesu_range_list *skip, uint64_t first, uint64_t count)
{
	for (size_t i = 0; skip && i < skip->count; i++)
		if (skip->items[i].first < first + count && first < skip->items[i].first + skip->items[i].count)
			return true;
	return false;
}

static bool holds_one_of(const struct kesu_resume_region *g, const uint8_t *got, uint8_t *expected,
			 uint64_t offset, size_t len)
{
	for (unsigned k = 0; k < g->nexpect; k++) {
		Kesu_fill_bytes(g->expect[k], offset, expected, len);
		if (memcmp(got, expected, len) == 0)
			return true;
	}
	return false;
}

/* Block i of n: one in each of n equal slices, at a random place in it,
 * so neither a regular layout nor the checkpoint's neighbourhood decides. */
static uint64_t sample_offset(const struct kesu_resume_region *g, unsigned i, unsigned n, size_t block)
{
	uint64_t blocks = (g->end - g->start) / block;
	uint64_t lo = blocks * i / n, hi = blocks * (i + 1) / n;
	uint64_t pick = hi > lo ? lo + randombytes_uniform((uint32_t)((hi - lo) > UINT32_MAX ? UINT32_MAX : hi - lo)) : lo;
	return g->start + pick * block;
}

int Kesu_resume_sample(const struct kesu_target *t, const struct kesu_resume_region *regions,
		       size_t nregions, const struct kesu_range_list *skip, unsigned per_region,
		       unsigned retries, struct kesu_resume_proof *out)
{
	memset(out, 0, sizeof(*out));
	size_t block = t->sector > BLOCK ? t->sector : BLOCK;
	uint8_t *got = NULL, *expected = malloc(block);
	if (!expected || posix_memalign((void **)&got, t->buffer_align, block)) {
		free(expected);
		return -ENOMEM;
	}
	int rc = 0;
	for (size_t r = 0; r < nregions && rc == 0; r++) {
		const struct kesu_resume_region *g = &regions[r];
		/* Regions are sector-aligned; blocks are whole sectors inside them. */
		if (g->end <= g->start || g->end - g->start < block || !g->nexpect)
			continue;
		for (unsigned i = 0; i < per_region; i++) {
			uint64_t offset = sample_offset(g, i, per_region, block);
			if (touches(skip, offset / t->sector, block / t->sector))
				continue;
			size_t done;
			out->samples++;
			int io = Kesu_io_exact(t, KESU_IO_READ, got, block, offset, retries, &done);
			if (io < 0 && !Kesu_is_media_error(io)) {
				rc = io;
				break;
			}
			if (io < 0)
				out->unreadable++;
			else if (!holds_one_of(g, got, expected, offset, block)) {
				out->mismatched++;
				if (!out->first_mismatch_set) {
					out->first_mismatch = offset;
					out->first_mismatch_set = true;
				}
			}
		}
	}
	free(got);
	free(expected);
	if (rc == 0 && (out->mismatched || out->unreadable))
		rc = -KESU_EVERIFY;
	return rc;
}

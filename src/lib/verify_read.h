/* Reading a verification plan back and comparing with what the pass
 * wrote (regenerated at each offset, so random passes are checked too). */
#ifndef KESU_VERIFY_READ_H
#define KESU_VERIFY_READ_H
#include <stdatomic.h>
#include <stdbool.h>

#include "kesu/target.h"
#include "kesu/verify.h"
#include "pattern.h"

struct kesu_verify_io {
	struct kesu_target *target;
	const struct kesu_fill *expect;
	size_t request;             /* bytes per read, a multiple of the sector */
	unsigned retries;
	const atomic_bool *cancel;
	_Atomic uint64_t *progress; /* bytes of the plan read so far */
};

struct kesu_verify_outcome {
	int error;                         /* what stopped the reading, 0 if none */
	uint64_t bytes_read;
	struct kesu_range_list mismatched; /* sectors that differ from the pass */
	struct kesu_range_list unreadable; /* sectors that could not be read */
	double seconds;
};

/* Reads every sample of the plan. Returns 0 when all of it was read and
 * matched; -KESU_EVERIFY when something differs or could not be read (see
 * the range lists); another negative error when reading had to stop. */
int Kesu_verify_read(const struct kesu_verify_io *io, const struct kesu_verify_plan *plan,
		     struct kesu_verify_outcome *out);

void Kesu_verify_outcome_free(struct kesu_verify_outcome *out);
#endif

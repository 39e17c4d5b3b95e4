/* What one pass writes, resolved for a job: a repeating byte pattern, or
 * the seeded random stream. The bytes of a pass are a function of the
 * device offset alone, so any range can be regenerated for verification. */
#ifndef KESU_PATTERN_H
#define KESU_PATTERN_H
#include <stddef.h>
#include <stdint.h>

#include "kesu/method.h" /* KESU_PATTERN_MAX */
#include "kesu/prng.h"

struct kesu_fill {
	enum { KESU_FILL_PATTERN, KESU_FILL_RANDOM } kind;
	uint8_t pattern[KESU_PATTERN_MAX]; /* byte at offset o: pattern[o % len] */
	size_t pattern_len;
	struct kesu_prng prng; /* KESU_FILL_RANDOM */
};

/* Writes the pass's bytes for device range [offset, offset + len). */
void Kesu_fill_bytes(const struct kesu_fill *fill, uint64_t offset, void *buf, size_t len);
#endif

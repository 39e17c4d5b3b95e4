#include <string.h>

#include "pattern.h"

void Kesu_fill_bytes(const struct kesu_fill *fill, uint64_t offset, void *buf, size_t len)
{
	if (fill->kind == KESU_FILL_RANDOM) {
		kesu_prng_fill(&fill->prng, offset, buf, len);
		return;
	}
	uint8_t *out = buf;
	size_t plen = fill->pattern_len;
	if (plen == 1) {
		memset(out, fill->pattern[0], len);
		return;
	}
	/* Lay down one period at the right phase, then double it. */
	size_t phase = (size_t)(offset % plen);
	size_t first = len < plen ? len : plen;
	for (size_t i = 0; i < first; i++)
		out[i] = fill->pattern[(phase + i) % plen];
	size_t done = first;
	/* done stays a multiple of plen until the last copy, so every copy
	 * continues the pattern at the right phase. */
	while (done < len) {
		size_t n = done < len - done ? done : len - done;
		memcpy(out + done, out, n);
		done += n;
	}
}

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/verify.h"

static int full_read(uint64_t size, struct kesu_verify_plan *plan)
{
	plan->samples = malloc(sizeof(plan->samples[0]));
	if (!plan->samples)
		return -ENOMEM;
	plan->samples[0] = (struct kesu_sample){0, size};
	plan->count = 1;
	plan->bytes = size;
	plan->subsections = 0;
	return 0;
}

/* A uniform pseudo-random number in [0, n) from the plan's stream. */
static uint64_t pick(const struct kesu_prng *prng, uint64_t index, uint64_t n)
{
	uint64_t r;
	kesu_prng_fill(prng, index * sizeof(r), &r, sizeof(r));
	return n ? r % n : 0; /* the bias of % on 64 bits is far below a sector */
}

int kesu_verify_plan_make(uint64_t size, unsigned sector, double percent,
			  const uint8_t seed[KESU_PRNG_SEED_SIZE], struct kesu_verify_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	memcpy(plan->seed, seed, KESU_PRNG_SEED_SIZE);
	plan->percent = percent;
	if (percent <= 0 || sector == 0)
		return -EINVAL;
	uint64_t sectors = size / sector;
	const uint64_t n = KESU_VERIFY_SUBSECTIONS;
	if (percent >= 100 || sectors < 4 * n)
		return full_read(size, plan);

	plan->samples = calloc(2 * n, sizeof(plan->samples[0]));
	if (!plan->samples)
		return -ENOMEM;
	plan->subsections = n;
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	for (uint64_t i = 0; i < n; i++) {
		/* Subsection i is sectors [a, b), split in halves at m. */
		uint64_t a = sectors * i / n, b = sectors * (i + 1) / n, m = a + (b - a) / 2;
		uint64_t want = (uint64_t)ceil((double)(b - a) * percent / 200.0);
		if (want == 0)
			want = 1;
		uint64_t len1 = want < m - a ? want : m - a;
		uint64_t len2 = want < b - m ? want : b - m;
		uint64_t s1 = a + pick(&prng, 2 * i, m - a - len1 + 1);
		uint64_t s2 = m + pick(&prng, 2 * i + 1, b - m - len2 + 1);
		if (i == 0)
			s1 = 0; /* NIST: the first addressable block, always */
		if (i == n - 1)
			s2 = b - len2; /* and the last */
		plan->samples[2 * i] = (struct kesu_sample){s1 * sector, len1 * sector};
		plan->samples[2 * i + 1] = (struct kesu_sample){s2 * sector, len2 * sector};
	}
	plan->count = 2 * n;
	/* Bytes past the last whole sector (image files) belong to the end. */
	plan->samples[plan->count - 1].length += size - sectors * sector;
	for (size_t k = 0; k < plan->count; k++)
		plan->bytes += plan->samples[k].length;
	return 0;
}

void kesu_verify_plan_free(struct kesu_verify_plan *plan)
{
	free(plan->samples);
	plan->samples = NULL;
	plan->count = 0;
}

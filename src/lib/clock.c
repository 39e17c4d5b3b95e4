/* kesu_monotonic_ns and kesu_seconds_since (kesu/clock.h). */
#include <time.h>

#include "kesu/clock.h"

uint64_t kesu_monotonic_ns(void)
{
	struct timespec t;
	/* cannot fail for CLOCK_MONOTONIC on Linux */
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

double kesu_seconds_since(uint64_t start_ns)
{
	uint64_t now = kesu_monotonic_ns();
	return now > start_ns ? (double)(now - start_ns) / 1e9 : 0.0;
}

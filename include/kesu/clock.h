/* The one monotonic clock: durations of passes, verifications, firmware
 * commands and progress. CLOCK_MONOTONIC never jumps with the wall clock
 * (an NTP step or an operator setting the date mid-wipe), so a duration is
 * never negative. Wall-clock times for records come from time(2) instead. */
#ifndef KESU_CLOCK_H
#define KESU_CLOCK_H

#include <stdint.h>

/* Nanoseconds on CLOCK_MONOTONIC, from an arbitrary start. */
uint64_t kesu_monotonic_ns(void);

/* Seconds from start_ns (a kesu_monotonic_ns() value) to now; never
 * negative. */
double kesu_seconds_since(uint64_t start_ns);

#endif

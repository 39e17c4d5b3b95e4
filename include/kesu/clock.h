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

/* Whether the wall clock is kept right (the standard asks for accurate
 * time on systems that keep important logs, §8.1). */
enum kesu_clock_sync {
	KESU_CLOCK_SYNC_UNKNOWN,   /* adjtimex(2) failed (a seccomp filter, ...) */
	KESU_CLOCK_SYNCHRONISED,
	KESU_CLOCK_UNSYNCHRONISED, /* STA_UNSYNC, or the kernel says TIME_ERROR */
};
/* The kernel's NTP status, read with adjtimex(2) (no privilege needed). */
enum kesu_clock_sync kesu_clock_sync_state(void);
/* The decision alone: rc and status as adjtimex(2) returned them. */
enum kesu_clock_sync kesu_clock_sync_decide(int rc, int status);

#endif

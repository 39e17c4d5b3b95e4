/* Whether the station's clock is synchronised (kesu/clock.h): the
 * kernel's NTP status, which chronyd, ntpd and systemd-timesyncd keep.
 * adjtimex(2) with modes 0 only reads it and needs no privilege; the live
 * image has no timedatectl. */
#include <sys/timex.h>

#include "kesu/clock.h"

enum kesu_clock_sync kesu_clock_sync_decide(int rc, int status)
{
	if (rc < 0)
		return KESU_CLOCK_SYNC_UNKNOWN;
	/* TIME_ERROR: the kernel's own verdict; STA_UNSYNC: no daemon has
	 * told it the clock is right (the state after boot without NTP). */
	if (rc == TIME_ERROR || (status & STA_UNSYNC))
		return KESU_CLOCK_UNSYNCHRONISED;
	return KESU_CLOCK_SYNCHRONISED;
}

enum kesu_clock_sync kesu_clock_sync_state(void)
{
	struct timex t = {.modes = 0};
	int rc = adjtimex(&t);
	return kesu_clock_sync_decide(rc, t.status);
}

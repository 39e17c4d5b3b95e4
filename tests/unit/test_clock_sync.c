/* The clock warning's decision (src/lib/clock_sync.c) with the statuses
 * adjtimex(2) gives: synchronised only when the call worked, the kernel
 * does not say TIME_ERROR and STA_UNSYNC is clear. */
#include <criterion/criterion.h>
#include <sys/timex.h>

#include "kesu/clock.h"

Test(clock_sync, ntp_daemon_keeping_time_is_synchronised)
{
	cr_assert_eq(kesu_clock_sync_decide(TIME_OK, STA_PLL), KESU_CLOCK_SYNCHRONISED);
	cr_assert_eq(kesu_clock_sync_decide(TIME_INS, STA_PLL | STA_INS), KESU_CLOCK_SYNCHRONISED);
}

Test(clock_sync, unsync_bit_is_unsynchronised)
{
	/* the state after boot without NTP: STA_UNSYNC, and TIME_ERROR */
	cr_assert_eq(kesu_clock_sync_decide(TIME_ERROR, STA_UNSYNC), KESU_CLOCK_UNSYNCHRONISED);
	/* the bit alone is enough */
	cr_assert_eq(kesu_clock_sync_decide(TIME_OK, STA_UNSYNC | STA_PLL), KESU_CLOCK_UNSYNCHRONISED);
	/* and the kernel's TIME_ERROR alone (a clock-hardware error) */
	cr_assert_eq(kesu_clock_sync_decide(TIME_ERROR, STA_CLOCKERR), KESU_CLOCK_UNSYNCHRONISED);
}

Test(clock_sync, failed_call_is_unknown)
{
	cr_assert_eq(kesu_clock_sync_decide(-1, 0), KESU_CLOCK_SYNC_UNKNOWN);
	cr_assert_eq(kesu_clock_sync_decide(-1, STA_UNSYNC), KESU_CLOCK_SYNC_UNKNOWN);
}

Test(clock_sync, state_is_one_of_the_three)
{
	enum kesu_clock_sync s = kesu_clock_sync_state();
	cr_assert(s == KESU_CLOCK_SYNC_UNKNOWN || s == KESU_CLOCK_SYNCHRONISED ||
		  s == KESU_CLOCK_UNSYNCHRONISED);
}

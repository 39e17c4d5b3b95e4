#!/bin/bash
# The clock warning (issue 18, item 6): when the kernel says the clock is
# not synchronised (adjtimex: STA_UNSYNC, made so by the fault shim), a
# wipe of two drives warns once, on one line; a synchronised clock and
# KESU_NO_CLOCK_WARNING=1 give no warning. The decision itself:
# tests/unit/test_clock_sync.c.
source "$(dirname "$0")/lib.sh"

FAULT=${KESU_FAULT_LIB:?built by CMake: libkesu_fault.so}
unset KESU_NO_CLOCK_WARNING
A=$(attach "$(make_image a.img 1M)")
B=$(attach "$(make_image b.img 1M)")
WIPE=("$KESU" wipe --yes --force --method zero --verify sample --progress none)

expect_exit 0 "two drives, an unsynchronised clock" \
	env LD_PRELOAD="$FAULT" KESU_FAULT_CLOCK=unsync "${WIPE[@]}" "$A" "$B"
check "one warning, once for the run" test "$(grep -c "clock is not synchronised" "$WORK/err")" -eq 1
check "it cites the standard's §8.1" grep -q "§8.1" "$WORK/err"
expect_exit 0 "a synchronised clock" env LD_PRELOAD="$FAULT" KESU_FAULT_CLOCK=sync "${WIPE[@]}" "$A"
check "no warning" test "$(grep -c "clock" "$WORK/err")" -eq 0
expect_exit 0 "KESU_NO_CLOCK_WARNING=1" env LD_PRELOAD="$FAULT" KESU_FAULT_CLOCK=unsync \
	KESU_NO_CLOCK_WARNING=1 "${WIPE[@]}" "$A"
check "no warning" test "$(grep -c "clock" "$WORK/err")" -eq 0
finish

#!/bin/bash
# The disk holding / is listed as SYSTEM and refused even with --force, and
# kesu never opens it for writing (checked with strace). This test only
# reads /sys and /proc itself and never opens the root disk.
source "$(dirname "$0")/lib.sh"

# Find the root disk independently of kesu: the device number of / in
# sysfs, up to the whole disk when / is on a partition.
rootdev=$(mountpoint -d /)
sys=$(readlink -f "/sys/dev/block/$rootdev" 2>/dev/null || true)
if [ -z "$sys" ] || [ ! -e "$sys" ]; then
	echo "$TEST_NAME: / is not on a block device here ($rootdev); nothing to test" >&2
	echo "$TEST_NAME: 0 passed, 0 failed, 1 skipped"
	exit 0
fi
[ -e "$sys/partition" ] && sys=$(dirname "$sys")
rootdisk=/dev/$(basename "$sys")
echo "# root disk: $rootdisk ($rootdev)"

"$KESU" list --json >"$WORK/json"
check "the root disk is listed" jq -e --arg d "$rootdisk" '[.devices[].path] | index($d) != null' "$WORK/json"
check "it is marked SYSTEM because it holds /" jq -e --arg d "$rootdisk" \
	'.devices[] | select(.path == $d) | .system and (.system_reasons | index("root") != null) and .state == "SYSTEM"' "$WORK/json"
"$KESU" list >"$WORK/table"
check "the table row says SYSTEM" grep -qE "^$rootdisk .* SYSTEM( |$)" "$WORK/table"

# LeakSanitizer cannot run under ptrace; the other tests cover leaks.
ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0 strace -f -qq -e trace=open,openat -o "$WORK/trace" "$KESU" check --force "$rootdisk" >"$WORK/out" 2>"$WORK/err" && rc=0 || rc=$?
check "check --force on the root disk exits 5 (got $rc)" test "$rc" -eq 5
check "the reason says it holds the running system" grep -q "holds the running system (/" "$WORK/err"
writes=$(grep -E "\"$rootdisk\".*O_(WRONLY|RDWR)" "$WORK/trace" || true)
check "kesu never opened $rootdisk for writing${writes:+: $writes}" test -z "$writes"
check "strace saw kesu run (the trace is not empty)" grep -q 'openat' "$WORK/trace"

finish

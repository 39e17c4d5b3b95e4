#!/bin/bash
# Media faults, injected with the LD_PRELOAD shim (tests/fault) into the
# real kesu binary on loop devices: a job with any unwritten or unverified
# sector ends FAILED with exactly those sectors listed and everything else
# written; short writes are completed; ENOSPC, SIGTERM and a vanished
# device give INTERRUPTED; a failed fdatasync fails the pass; one failing
# drive does not stop another.
source "$(dirname "$0")/lib.sh"
FAULT=${KESU_FAULT_LIB:?built by CMake: libkesu_fault.so}
# The shim comes before the sanitizer runtime in the sanitizer build.
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0

SIZE=$((8 << 20))
# new_drive NAME -> a loop device full of "old data" (0x5a)
new_drive() {
	local img
	img=$(make_image "$1.img" "$SIZE")
	python3 -c "import sys; open(sys.argv[1], 'r+b').write(b'\x5a' * $SIZE)" "$img"
	attach "$img"
}
# bytes_of DEV OFFSET LENGTH -> hex of those bytes, without repeats: "00", "5a", "005a"
bytes_of() { dd if="$1" bs=512 iflag=skip_bytes,count_bytes skip="$2" count="$3" status=none | od -An -v -tx1 | tr -s ' \n' '\n' | grep -v '^$' | uniq | tr -d '\n'; }
WIPE=("$KESU" wipe --yes --force --json --progress none --request-size 1M)
jr() { jq -r "$1" "$WORK/out"; }

# 1. One bad sector (EIO on every write touching it).
dev=$(new_drive a)
expect_exit 1 "one bad sector: FAILED" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" \
	KESU_FAULT_BAD_WRITE=$((3001 * 512)):512 "${WIPE[@]}" --method nist-clear --verify full "$dev"
check "outcome FAILED" test "$(jr '.jobs[0].outcome')" = FAILED
check "exactly sector 3001 is listed as not written" \
	test "$(jr '.jobs[0].passes[0].bad | map("\(.first)+\(.count)") | join(",")')" = "3001+1"
check "the verification reports the same sector" \
	test "$(jr '.jobs[0].passes[0].verification.mismatched | map("\(.first)+\(.count)") | join(",")')" = "3001+1"
check "no NIST level is claimed" test "$(jr '.jobs[0].nist_level')" = none
check "everything before the bad sector is zero" test "$(bytes_of "$dev" 0 $((3001 * 512)))" = 00
check "the bad sector still holds the old data" test "$(bytes_of "$dev" $((3001 * 512)) 512)" = 5a
check "everything after the bad sector is zero" test "$(bytes_of "$dev" $((3002 * 512)) $((SIZE - 3002 * 512)))" = 00

# 2. ENODATA (what NVMe media errors become) is a media error too.
dev=$(new_drive b)
expect_exit 1 "ENODATA sectors: FAILED" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" KESU_FAULT_ERRNO=ENODATA \
	KESU_FAULT_BAD_WRITE=$((100 * 512)):1024,$((16000 * 512)):512 "${WIPE[@]}" --method zero "$dev"
check "both ranges listed (100-101 and 16000)" \
	test "$(jr '.jobs[0].passes[0].bad | map("\(.first)+\(.count)") | join(",")')" = "100+2,16000+1"

# 3. Short writes are completed.
dev=$(new_drive c)
expect_exit 0 "short writes of 12 KiB: SUCCESS" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" \
	KESU_FAULT_SHORT=12288 "${WIPE[@]}" --method nist-clear --verify full "$dev"
check "outcome SUCCESS" test "$(jr '.jobs[0].outcome')" = SUCCESS
check "the whole drive is zero" test "$(bytes_of "$dev" 0 "$SIZE")" = 00

# 4. ENOSPC before the end: INTERRUPTED at the offset reached.
dev=$(new_drive d)
expect_exit 6 "ENOSPC at 5 MiB: INTERRUPTED" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" \
	KESU_FAULT_ENOSPC_AT=$((5 << 20)) "${WIPE[@]}" --method zero "$dev"
check "outcome INTERRUPTED at byte 5242880 of pass 1" \
	test "$(jr '"\(.jobs[0].outcome) \(.jobs[0].interrupted_pass) \(.jobs[0].interrupted_at)"')" = "INTERRUPTED 1 5242880"
check "the first 5 MiB were written" test "$(bytes_of "$dev" 0 $((5 << 20)))" = 00

# A real ENOSPC: a sparse image larger than the tmpfs it lives on.
mkdir -p "$WORK/small"
mount -t tmpfs -o size=3m tmpfs "$WORK/small"
MOUNTS+=("$WORK/small")
truncate -s 16M "$WORK/small/sparse.img"
expect_exit 6 "an image on a full file system: INTERRUPTED" "${WIPE[@]}" --method zero "$WORK/small/sparse.img"
check "the reason names the full device" grep -q "No space left on device" "$WORK/out"

# 5. A failed fdatasync fails the pass.
dev=$(new_drive e)
expect_exit 1 "fdatasync fails: FAILED" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" \
	KESU_FAULT_SYNC_ERRNO=EIO "${WIPE[@]}" --method zero "$dev"
check "the reason is the failed pass" test "$(jr '.jobs[0].reason')" = "pass 1 failed: Input/output error"

# 6. An unreadable sector during verification: FAILED, listed, exit 4.
dev=$(new_drive f)
expect_exit 4 "unreadable while verifying: exit 4" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" \
	KESU_FAULT_BAD_READ=$((777 * 512)):512 "${WIPE[@]}" --method nist-clear --verify full "$dev"
check "sector 777 listed as unreadable" \
	test "$(jr '.jobs[0].passes[0].verification.unreadable | map("\(.first)+\(.count)") | join(",")')" = "777+1"

# 7. SIGTERM mid-pass: INTERRUPTED, stops cleanly, says where.
dev=$(new_drive g)
LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" KESU_FAULT_DELAY_US=100000 \
	"$KESU" wipe --yes --json --progress json --request-size 1M --method dod-3pass "$dev" \
	>"$WORK/term.json" 2>"$WORK/term.progress" &
pid=$!
for _ in $(seq 100); do
	grep -q '"done":[1-9]' "$WORK/term.progress" 2>/dev/null && break
	sleep 0.1
done
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
check "SIGTERM: exit 6 (got $rc)" test "$rc" -eq 6
check "SIGTERM: INTERRUPTED with the pass and an offset inside the drive" \
	jq -e '.jobs[0] | .outcome == "INTERRUPTED" and .interrupted_pass >= 1 and .interrupted_at < 8388608 and (.reason | test("^interrupted in pass [0-9] at byte [0-9]+: cancelled$"))' "$WORK/term.json"
check "progress lines are JSON objects naming the drive" \
	jq -se --arg d "$dev" 'map(select(has("message") | not)) | length > 0 and all(.[]; .device == $d and .passes == 3)' "$WORK/term.progress"

# 8. Two drives at once, one failing: the other succeeds; exit is the worst.
good=$(new_drive h)
bad=$(new_drive i)
expect_exit 1 "two drives, one with a bad sector: exit 1" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$bad" \
	KESU_FAULT_BAD_WRITE=$((42 * 512)):512 "${WIPE[@]}" --method nist-clear "$good" "$bad"
check "the good drive: SUCCESS" \
	test "$(jq -r --arg d "$good" '.jobs[] | select(.device.path == $d) | .outcome' "$WORK/out")" = SUCCESS
check "the bad drive: FAILED with sector 42" \
	test "$(jq -r --arg d "$bad" '.jobs[] | select(.device.path == $d) | "\(.outcome) \(.passes[0].bad[0].first)"' "$WORK/out")" = "FAILED 42"
check "the good drive is all zero" test "$(bytes_of "$good" 0 "$SIZE")" = 00

finish

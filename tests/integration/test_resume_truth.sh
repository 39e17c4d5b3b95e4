#!/bin/bash
# A resumed job tells the truth: a sector that failed, or a verification
# that failed, before a kill -9 (or SIGTERM) is still in the final record,
# the failure report and --json; another disk at the same loop path does
# not inherit the job; a refused multi-drive wipe leaves nothing in the
# ledger; --restart and kesu ledger abandon close the old job with a signed
# ABANDONED record; a job that was not verified exits 7; and 50 kills at
# random points, some with a failing sector, never end in a SUCCESS for a
# drive that does not hold the final pass.
source "$(dirname "$0")/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
FAULT=${KESU_FAULT_LIB:?}
here=$(dirname "$0")
size=$((16 << 20))
BAD_SECTOR=4096 # byte 2 MiB, in the first eighth of the drive

# wait_checkpoint PASS OFFSET: until the running job's checkpoint is at or
# past (PASS, OFFSET) in the ledger; fails after 20 s.
wait_checkpoint() {
	local i row p o
	for i in $(seq 200); do
		row=$(sqlite3 "$LEDGER" "SELECT checkpoint_pass || ' ' || checkpoint_offset FROM jobs
			WHERE state = 'running' ORDER BY rowid DESC LIMIT 1" 2>/dev/null || true)
		if [ -n "$row" ]; then
			read -r p o <<<"$row"
			if [ "$p" -gt "$1" ] || { [ "$p" -eq "$1" ] && [ "$o" -ge "$2" ]; }; then return 0; fi
		fi
		sleep 0.1
	done
	return 1
}

# slow_wipe DEV [extra env...] -- [kesu options...]: in the background; $! is kesu.
slow_env() { echo LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$1" KESU_FAULT_DELAY_US=40000; }

random_image() { # NAME -> an image full of "old data"
	local img
	img=$(make_image "$1" "$size")
	head -c "$size" /dev/urandom >"$img"
	echo "$img"
}

sectors_json() { jq -c '[.[] | [.first, .count]]'; }

# --- A1: a failed sector survives kill -9 after the checkpoint passed it --------
for sig in KILL TERM; do
	dev=$(attach "$(random_image "a1-$sig.img")")
	env $(slow_env "$dev") KESU_FAULT_BAD_WRITE=$((BAD_SECTOR * 512)):512 \
		"$KESU" wipe --yes --force --progress none --json --request-size 1M \
		--checkpoint-interval 0.2 --method nist-clear --verify none "$dev" \
		>"$WORK/a1.json" 2>"$WORK/a1.err" &
	pid=$!
	check "$sig: the checkpoint passes the bad sector" wait_checkpoint 1 $((4 << 20))
	kill -"$sig" "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if [ "$sig" = TERM ]; then
		check "SIGTERM: the interrupted job's --json lists the sector" \
			jq -e ".jobs[0].unwritten == [{\"first\":$BAD_SECTOR,\"count\":1}]" "$WORK/a1.json"
	fi
	# The resumed run has no fault: only the ledger remembers the sector.
	rc=0
	"$KESU" wipe --yes --force --progress none --json --request-size 1M --method nist-clear \
		--verify none "$dev" >"$WORK/a1r.json" 2>"$WORK/a1r.err" || rc=$?
	check "$sig: the resumed job resumed" grep -q "resuming job" "$WORK/a1r.err"
	check "$sig + resume: FAILED, exit 1 (got $rc)" test "$rc" -eq 1
	check "$sig + resume: --json names exactly that sector" \
		jq -e ".jobs[0].outcome == \"FAILED\" and .jobs[0].unwritten == [{\"first\":$BAD_SECTOR,\"count\":1}]
		       and .jobs[0].reason == \"1 sector(s) could not be written\"" "$WORK/a1r.json"
	job=$(jq -r '.jobs[0].record.job_id' "$WORK/a1r.json")
	"$KESU" ledger show --json "$job" >"$WORK/a1rec.json"
	check "$sig + resume: the ledger record names the sector" \
		jq -e ".record.sanitization.unwritten == [{\"count\":1,\"first\":$BAD_SECTOR}] and
		       .record.outcome == \"FAILED\"" "$WORK/a1rec.json"
	report=$(jq -r '.jobs[0].record.failure_report' "$WORK/a1r.json")
	check "$sig + resume: a failure report, no certificate" test -f "$report"
	check "$sig + resume: the failure report names the sector" \
		sh -c "pdftotext -enc UTF-8 '$report' - | grep -q '$BAD_SECTOR'"
done

# --- A2: an earlier pass's failed verification survives kill -9 ----------------
dev=$(attach "$(random_image a2.img)")
# Pass 1 loses one 4 KiB write at 8 MiB (only the first time); every pass
# is read back in full, so pass 1's verification fails for certain.
env $(slow_env "$dev") KESU_FAULT_DROP_WRITE=$((8 << 20)):4096 KESU_FAULT_DROP_TIMES=1 \
	"$KESU" wipe --yes --force --progress none --json --request-size 1M --checkpoint-interval 0.2 \
	--method dod-3pass --verify full --verify-passes all "$dev" >"$WORK/a2.json" 2>"$WORK/a2.err" &
pid=$!
check "A2: pass 2 is under way" wait_checkpoint 2 $((1 << 20))
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
rc=0
"$KESU" wipe --yes --force --progress none --json --request-size 1M --method dod-3pass \
	--verify full --verify-passes all "$dev" >"$WORK/a2r.json" 2>"$WORK/a2r.err" || rc=$?
check "A2: kill -9 + resume: FAILED, exit 4 (got $rc)" test "$rc" -eq 4
check "A2: pass 1's mismatch is in the result" \
	jq -e '.jobs[0].outcome == "FAILED" and (.jobs[0].reason | test("verification failed"))' "$WORK/a2r.json"

# --- A3: passes of an earlier run keep their bytes and time; started is the first
job=$(jq -r '.jobs[0].record.job_id' "$WORK/a2r.json")
"$KESU" ledger show --json "$job" >"$WORK/a2rec.json"
check "A3: pass 1 (an earlier run) shows its bytes and time" \
	jq -e ".record.sanitization.passes[0] | .bytes_written == $size and .milliseconds > 0" "$WORK/a2rec.json"
first=$(sqlite3 "$LEDGER" "SELECT started_utc FROM jobs WHERE job_id = '$job'")
check "A3: the record's start is the first run's ($first)" \
	jq -e ".record.started_utc == \"$first\"" "$WORK/a2rec.json"

# --- A4: another image at the same loop path does not resume the job ------------
# The path is detached and attached again below. Tests beside this one
# attach the lowest free loop device (losetup -f), which could take the
# path in between: A4 uses the highest free one they will not reach.
high_loop() { # IMAGE -> the loop device, detached on exit
	local n
	for n in $(ls /dev | sed -n 's/^loop\([0-9][0-9]*\)$/\1/p' | sort -rn); do
		[ -e "/sys/block/loop$n/loop/backing_file" ] && continue
		losetup "/dev/loop$n" "$1" 2>/dev/null || continue
		echo "/dev/loop$n" >>"$WORK/loops"
		echo "/dev/loop$n"
		return
	done
	attach "$1"
}
img=$(random_image a4.img)
dev=$(high_loop "$img")
env $(slow_env "$dev") "$KESU" wipe --yes --force --progress none --request-size 1M \
	--checkpoint-interval 0.2 --method dod-3pass "$dev" >/dev/null 2>&1 &
pid=$!
check "A4: pass 2 is under way" wait_checkpoint 2 $((2 << 20))
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
other=$(random_image a4-other.img)
before=$(sha256sum "$other" | cut -d' ' -f1)
losetup -d "$dev"
losetup "$dev" "$other"
expect_exit 5 "A4: a different disk at the same path is refused" \
	"$KESU" wipe --yes --force --progress none --request-size 1M --method dod-3pass "$dev"
check "A4: it says the drive does not hold what the job wrote" grep -q "does not hold what job [0-9a-f]* wrote" "$WORK/err"
check "A4: and offers --restart" grep -q -- "--restart" "$WORK/err"
check "A4: the other disk is unchanged" test "$(sha256sum "$other" | cut -d' ' -f1)" = "$before"
losetup -d "$dev"
losetup "$dev" "$img"
expect_exit 0 "A4: the right disk back at the path resumes and finishes" \
	"$KESU" wipe --yes --force --progress none --request-size 1M --method dod-3pass "$dev"
check "A4: ... as a resume" grep -q "resuming job" "$WORK/err"

# --- B4 / B6: refused wipes leave nothing behind --------------------------------
a=$(attach "$(make_image b4a.img $((4 << 20)))")
b=$(attach "$(make_image b4b.img $((4 << 20)))")
expect_exit 6 "B4: an unfinished job on drive b" \
	"$KESU" wipe --yes --force --progress none --method dod-3pass --stop-after-pass 1 "$b"
rows=$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs")
expect_exit 2 "B4: a and b with another method: refused for b" \
	"$KESU" wipe --yes --force --progress none --method nist-clear "$a" "$b"
check "B4: no ledger row for a ($rows rows before and after)" \
	test "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs")" -eq "$rows"
expect_exit 0 "B4: a alone afterwards is a new job, not a resume" \
	"$KESU" wipe --yes --force --progress none --method nist-clear "$a"
check "B4: ... it did not resume anything" sh -c "! grep -q 'resuming' '$WORK/err'"
fresh="$WORK/fresh"
mkdir -p "$fresh"
mkfs.ext4 -q "$(make_image b6.img $((8 << 20)))" && m=$(attach "$WORK/b6.img")
mount_dev "$m" "$WORK/mnt"
expect_exit 5 "B6: a mounted drive among two is refused" \
	env XDG_DATA_HOME="$fresh/data" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
	"$KESU" wipe --yes --force --progress none --key "$fresh/station.key" "$a" "$m"
check "B6: no ledger was created" test ! -e "$fresh/data/kesu/ledger.sqlite"
check "B6: no station key was made" test ! -e "$fresh/station.key"

# --- B5: --restart and kesu ledger abandon close jobs with a signed record -------
expect_exit 7 "B5: --restart, then another method (zero: exit 7, not verified)" \
	"$KESU" wipe --yes --force --progress none --restart --method zero "$b"
check "B5: the old job is a finished ABANDONED record" \
	test "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs WHERE state = 'finished'
		AND json_extract(record, '\$.outcome') = 'ABANDONED'")" -eq 1
check "B5: no unfinished job is left" test "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs WHERE state != 'finished'")" -eq 0
expect_exit 6 "B5: another unfinished job" \
	"$KESU" wipe --yes --force --progress none --method dod-3pass --stop-after-pass 1 "$b"
open_job=$(sqlite3 "$LEDGER" "SELECT job_id FROM jobs WHERE state != 'finished'")
expect_exit 0 "B5: kesu ledger abandon closes it" "$KESU" ledger abandon --reason "drive destroyed" "$open_job"
check "B5: its record says why" \
	test "$(sqlite3 "$LEDGER" "SELECT json_extract(record, '\$.outcome') || ' ' || json_extract(record, '\$.reason')
		FROM jobs WHERE job_id = '$open_job'" | grep -c 'ABANDONED.*drive destroyed')" -eq 1
expect_exit 2 "B5: abandoning it again: no unfinished job" "$KESU" ledger abandon "$open_job"
expect_exit 0 "B5: the ledger verifies with the ABANDONED records" "$KESU" ledger verify

# --- C2: a wipe that does not verify says so first, and exits 7 -------------------
expect_exit 7 "C2: zero (verify none) exits 7" "$KESU" wipe --yes --force --progress none --method zero "$a"
check "C2: it said so before writing" grep -q "no certificate will be issued" "$WORK/err"
expect_exit 0 "C2: --dry-run says it too" "$KESU" wipe --yes --force --dry-run --method gutmann "$a"
check "C2: ... with the way to a certificate" grep -q -- "--verify sample" "$WORK/err"
expect_exit 0 "C2: --verify sample gives a certificate" \
	"$KESU" wipe --yes --force --progress none --method zero --verify sample "$a"

# --- Soak: 50 kills at random points, a failing sector in some runs ---------------
soak_size=$((4 << 20))
sdev=$(attach "$(make_image soak.img "$soak_size")")
head -c "$soak_size" /dev/urandom >"$WORK/soak.img"
lies=0 ledger_bad=0 finished=0 failed=0
soak_runs=${KESU_SOAK_RUNS:-50}
for run in $(seq 1 "$soak_runs"); do
	fault=()
	if [ $((RANDOM % 3)) -eq 0 ]; then
		fault=(KESU_FAULT_BAD_WRITE=$(((RANDOM % 8192) * 512)):512)
	fi
	env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$sdev" KESU_FAULT_DELAY_US=25000 "${fault[@]}" \
		"$KESU" wipe --yes --force --progress none --json --request-size 512K --checkpoint-interval 0.1 \
		--method dod-3pass "$sdev" >"$WORK/soak.json" 2>"$WORK/soak.err" &
	pid=$!
	sleep "$(python3 -c 'import random; print(round(random.uniform(0.05, 1.3), 2))')"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	"$KESU" ledger verify >"$WORK/soak.verify" 2>&1 || { ledger_bad=$((ledger_bad + 1)); cat "$WORK/soak.verify"; }
	outcome=$(jq -r '.jobs[0].outcome // empty' "$WORK/soak.json" 2>/dev/null || true)
	[ -n "$outcome" ] && finished=$((finished + 1))
	[ "$outcome" = FAILED ] && failed=$((failed + 1))
	if [ "$outcome" = SUCCESS ]; then
		seed=$(jq -r '.jobs[0].passes[2].seed' "$WORK/soak.json")
		want=$(python3 "$here/expect_bytes.py" "$soak_size" "random:$seed")
		if [ "$(sha256sum "$sdev" | cut -d' ' -f1)" != "$want" ]; then
			lies=$((lies + 1))
			echo "# run $run: SUCCESS, but the drive does not hold the final pass"
		fi
	fi
done
echo "# soak: $soak_runs kills, $finished runs finished before their kill ($failed FAILED)"
check "soak: the ledger verified after every one of $soak_runs kills" test "$ledger_bad" -eq 0
check "soak: no SUCCESS for a drive that does not hold the final pass" test "$lies" -eq 0
finish

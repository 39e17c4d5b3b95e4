#!/bin/bash
# kill -9 at random points of a wipe, 20 times: the ledger always verifies,
# and wiping the drive again resumes the job from its last checkpoint, so
# the drive ends exactly as an uninterrupted job would leave it and the
# final record shows the interruptions. Also a clean SIGTERM and --restart.
source "$(dirname "$0")/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
FAULT=${KESU_FAULT_LIB:?}
here=$(dirname "$0")
size=$((16 << 20))
dev=$(attach "$(make_image r.img "$size")")
# Slow writes (40 ms per 1 MiB request: about 2 s per job of 3 passes) and
# checkpoints every 0.2 s, so kills land in every phase.
# (A command, not a function: $! must be kesu itself, for kill -9.)
SLOW_WIPE=(env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" KESU_FAULT_DELAY_US=40000
	"$KESU" wipe --yes --force --progress none --json --request-size 1M
	--checkpoint-interval 0.2 --method dod-3pass "$dev")

resumed=0 mid_pass=0 completed=0 ledger_bad=0
for run in $(seq 1 20); do
	"${SLOW_WIPE[@]}" >"$WORK/run.json" 2>"$WORK/run.err" &
	pid=$!
	sleep "$(python3 -c 'import random; print(round(random.uniform(0.05, 2.2), 2))')"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	grep -q "resuming job" "$WORK/run.err" && resumed=$((resumed + 1))
	grep -qE "resuming job .* at pass [0-9], byte [1-9]" "$WORK/run.err" && mid_pass=$((mid_pass + 1))
	grep -q '"outcome":"SUCCESS"' "$WORK/run.json" && completed=$((completed + 1))
	"$KESU" ledger verify >"$WORK/verify.out" 2>&1 || { ledger_bad=$((ledger_bad + 1)); cat "$WORK/verify.out"; }
done
echo "# 20 kills: $resumed runs resumed a job ($mid_pass inside a pass), $completed completed before the kill"
check "after each of 20 kill -9, the ledger verifies" test "$ledger_bad" -eq 0
check "runs resumed the killed job ($resumed of 20)" test "$resumed" -ge 5
check "some resumed inside a pass, not from its start ($mid_pass)" test "$mid_pass" -ge 1

# Now let it finish.
rc=0
"${SLOW_WIPE[@]}" >"$WORK/final.json" 2>"$WORK/final.err" || rc=$?
check "the last wipe completes: SUCCESS (exit $rc)" jq -e '.jobs[0].outcome == "SUCCESS"' "$WORK/final.json"
seed=$(jq -r '.jobs[0].passes[2].seed' "$WORK/final.json")
want=$(python3 "$here/expect_bytes.py" "$size" "random:$seed")
check "the drive holds exactly the final pass's stream" test "$(sha256sum "$dev" | cut -d' ' -f1)" = "$want"
job=$(jq -r '.jobs[0].record.job_id' "$WORK/final.json")
expect_exit 0 "the ledger verifies" "$KESU" ledger verify
"$KESU" ledger show --json "$job" >"$WORK/rec.json"
if grep -q "resuming job" "$WORK/final.err"; then
	check "the final record lists the interruptions it survived" \
		jq -e '.record.sanitization.interruptions | length >= 1 and all(.[]; has("pass") and has("offset") and has("at_utc"))' "$WORK/rec.json"
fi
check "no unfinished job is left for the drive" test "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs WHERE state != 'finished' AND job_id = '$job'")" = 0

# SIGTERM: a clean INTERRUPTED, the job left open, a failure report.
"${SLOW_WIPE[@]}" >"$WORK/term.json" 2>"$WORK/term.err" &
pid=$!
# SIGTERM once the job is under way (its row in the ledger), not after a
# fixed 0.8 s: on a busy machine (tests run beside one another) kesu may
# not have started by then, and SIGTERM would kill it before its handler.
for _ in $(seq 200); do
	[ "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs WHERE state = 'running'" 2>/dev/null || echo 0)" -ge 1 ] && break
	sleep 0.1
done
sleep 0.2
kill -TERM "$pid"
rc=0; wait "$pid" || rc=$?
check "SIGTERM: exit 6 (got $rc)" test "$rc" -eq 6
check "SIGTERM: a failure report, no certificate" \
	jq -e '.jobs[0].record | .certificate == null and (.failure_report | test("kesu-KESU-.*\\.pdf$"))' "$WORK/term.json"
check "SIGTERM: the job is left interrupted in the ledger" \
	test "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs WHERE state = 'interrupted'")" -ge 1
expect_exit 2 "another method on the drive with an open job" "$KESU" wipe --yes --force --method zero "$dev"
check "it says how to resume or restart" grep -q "wipe with --method dod-3pass to resume it, or --restart" "$WORK/err"
expect_exit 0 "--restart starts anew" "$KESU" wipe --yes --force --progress none --restart --method nist-clear "$dev"
check "the old job is closed with a signed ABANDONED record" \
	test "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs WHERE state = 'finished' AND json_extract(record, '\$.outcome') = 'ABANDONED'")" -ge 1
expect_exit 0 "the ledger still verifies" "$KESU" ledger verify
finish

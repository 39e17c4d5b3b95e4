#!/bin/bash
# The operations log (issue 18, item 6): --log FILE gets one JSON line per
# event (started, pass_done, verify_done, outcome, exit; error and refused
# for a wipe the gate stops), appended, from several kesu processes at once
# without torn lines; config "log" does the same. syslog is not tested here
# (nothing in the test image reads it back).
source "$(dirname "$0")/lib.sh"

A=$(attach "$(make_image a.img 1M)")
B=$(attach "$(make_image b.img 1M)")
LOG="$WORK/ops.log"

expect_exit 0 "a wipe with --log" "$KESU" wipe --yes --log "$LOG" "$A"
check "every line is one JSON object" jq -e -s 'length > 0' "$LOG"
check "the events in order: started, 3 pass_done, verify_done, outcome, exit" \
	test "$(jq -r .event "$LOG" | tr '\n' ' ')" = \
	"started pass_done pass_done pass_done verify_done outcome exit "
job=$("$KESU" ledger list --json | jq -r '.records[-1].job_id')
check "each job event names the job, the device and the station" \
	jq -e -s --arg job "$job" --arg dev "$A" --arg host "$(hostname)" \
	'[.[] | select(.event != "exit")] | all(.job_id == $job and .device == $dev and
	 .station == $host and .command == "wipe" and (.time_utc | test("Z$")))' "$LOG"
check "every line starts with json_format_version [1, 1]" \
	jq -e -s 'all(.[]; (keys_unsorted[0] == "json_format_version") and .json_format_version == [1, 1])' "$LOG"
check "the outcome line: SUCCESS, exit 0" \
	jq -e -s 'map(select(.event == "outcome"))[0] | .outcome == "SUCCESS" and .exit == 0' "$LOG"
check "the log is 0600" test "$(stat -c %a "$LOG")" = 600

# Refused by the gate: the error as printed, then "refused" with the exit.
: >"$LOG"
mkfs.vfat "$B" >/dev/null 2>&1
expect_exit 5 "a wipe the gate refuses (a filesystem, --yes without --force)" \
	"$KESU" wipe --yes --log "$LOG" "$B"
check "the log has the error and the refusal with exit 5" \
	jq -e -s '[.[].event] == ["error", "refused"] and .[0].message != "" and .[1].exit == 5' "$LOG"

# The config's log key, and two processes appending at once.
: >"$LOG"
printf 'log = %s\n' "$LOG" >>"$XDG_CONFIG_HOME/kesu/config"
"$KESU" wipe --yes --method zero --verify sample "$A" >/dev/null 2>&1 &
pid=$!
"$KESU" wipe --yes --force --method zero --verify sample "$B" >/dev/null 2>&1 || true
wait "$pid" || true
check "config log: both processes' lines are there, none torn" \
	jq -e -s 'map(select(.event == "outcome")) | length == 2' "$LOG"
check "config log: two processes wrote" test "$(jq -r .pid "$LOG" | sort -u | wc -l)" -eq 2
expect_exit 2 "a log that cannot be opened is a usage error" \
	"$KESU" wipe --yes --log "$WORK/no/such/dir/ops.log" "$A"
check "it names the log" grep -q "no/such/dir/ops.log" "$WORK/err"
finish

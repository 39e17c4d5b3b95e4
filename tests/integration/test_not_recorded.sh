#!/bin/bash
# A result the ledger cannot take is never shown as a bare SUCCESS: the
# ledger's disk fills up while a wipe runs; the job stops at its next
# checkpoint (it never runs ahead of its record), prints NOT RECORDED,
# --json says NOT_RECORDED, no certificate is issued, and the exit status
# is not 0. Freeing the space and wiping again resumes the job.
source "$(dirname "$0")/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
FAULT=${KESU_FAULT_LIB:?}
size=$((16 << 20))
dev=$(attach "$(make_image n.img "$size")")
small="$WORK/small"
mkdir -p "$small"
mount -t tmpfs -o size=1m tmpfs "$small"
MOUNTS+=("$small")

wipe() { # one ledger per mode: the first run leaves its job open in its own
	env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" KESU_FAULT_DELAY_US=40000 \
		"$KESU" wipe --yes --force --progress none --request-size 1M --checkpoint-interval 0.2 \
		--method nist-clear --ledger "$ledger" "$@" "$dev"
}

for mode in json text; do
	ledger="$small/ledger-$mode.sqlite"
	args=()
	[ "$mode" = json ] && args=(--json)
	wipe "${args[@]}" >"$WORK/out.$mode" 2>"$WORK/err.$mode" &
	pid=$!
	for i in $(seq 400); do # until the job is begun (20 s: tests run side by side)
		[ "$(sqlite3 "$ledger" "SELECT count(*) FROM jobs WHERE state = 'running'" 2>/dev/null || echo 0)" -ge 1 ] && break
		sleep 0.05
	done
	dd if=/dev/zero of="$small/fill" bs=4k 2>/dev/null || true # the disk is full now
	rc=0
	wait "$pid" || rc=$?
	check "$mode: the wipe does not exit 0 (got $rc)" test "$rc" -ne 0
	check "$mode: no certificate was issued" sh -c "! ls '$XDG_DATA_HOME'/kesu/certificates/*.pdf 2>/dev/null | grep -q ."
	if [ "$mode" = json ]; then
		check "json: outcome NOT_RECORDED, recorded false" \
			jq -e '.jobs[0].outcome == "NOT_RECORDED" and .jobs[0].record.recorded == false' "$WORK/out.json"
	else
		check "text: it says NOT RECORDED" grep -q "NOT RECORDED" "$WORK/out.text"
		check "text: no line claims SUCCESS on its own" sh -c "! grep -qE '^/dev/loop[0-9]+: SUCCESS' '$WORK/out.text'"
	fi
	check "$mode: the error names the full disk" grep -qi "full" "$WORK/err.$mode"
	rm -f "$small/fill"
done
expect_exit 0 "with space again, the job resumes and finishes" \
	"$KESU" wipe --yes --force --progress none --method nist-clear --ledger "$ledger" "$dev"
check "... as a resume" grep -q "resuming job" "$WORK/err"
expect_exit 0 "the ledger verifies" "$KESU" ledger verify --ledger "$ledger"
finish

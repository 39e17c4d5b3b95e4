#!/bin/bash
# The manager's register over a large ledger (issue 17: "a register over
# 100,000 records is built in ≤ 10 s on this machine"). One real wipe of
# an image file gives a record; tests/bench/ledger_gen.c appends N records
# made from it (serial, asset, department, operator, time over a year,
# class and outcome varied), chained and signed with the station's key.
# Then kesu report over the whole year, as CSV, Excel and PDF: the wall
# time and CPU time (medians of RUNS) and the peak memory of each, and kesu ledger
# verify alone for comparison (the register verifies the ledger too).
# Everything lives in /dev/shm, so fsync does not weigh on the numbers.
# Not a test (CI does not run it); docs/performance.md keeps the numbers.
#   tests/bench/bench-register.sh [--records N] [--runs N] [--build DIR]
set -euo pipefail
records=100000 runs=3
build=$(dirname "$0")/../../build
while [ $# -gt 0 ]; do
	case $1 in
	--records) records=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: $0 [--records N] [--runs N] [--build DIR]" >&2; exit 2 ;;
	esac
done
build=$(readlink -f "$build")
kesu=$build/kesu
cmake --build "$build" --target kesu ledger_gen -j2 >/dev/null
work=$(mktemp -d /dev/shm/kesu-bench-register.XXXXXX)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config TZ=JST-9
unset KESU_KEY KESU_LEDGER KESU_CONFIG
mkdir -p "$XDG_CONFIG_HOME/kesu"
printf 'operator = Bench\norganisation = 高松市\nclass = III\n' >"$XDG_CONFIG_HOME/kesu/config"
truncate -s 1M "$work/disk.img"
if ! "$kesu" wipe --yes --force --progress none --method zero --verify sample \
	--department 総務課 --purpose disposal "$work/disk.img" >"$work/first" 2>&1; then
	echo "bench-register: the first wipe failed:" >&2
	cat "$work/first" >&2
	exit 1
fi
ledger=$XDG_DATA_HOME/kesu/ledger.sqlite
sqlite3 "$ledger" "SELECT record FROM jobs WHERE json_extract(record, '\$.kind') = 'wipe'
	LIMIT 1" >"$work/template.json"
t0=$(date +%s%N)
"$build/tests/ledger_gen" "$ledger" "$XDG_CONFIG_HOME/kesu/station.key" "$work/template.json" \
	"$records" 2026 "$XDG_DATA_HOME/kesu/certificates"
echo "ledger: $records records appended in $(( ($(date +%s%N) - t0) / 1000000 )) ms" \
	"($(du -h "$ledger" | cut -f1))"

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# measure NAME COMMAND...: wall seconds (median of runs) and peak resident memory
measure() {
	local name=$1 i rc
	shift
	: >"$work/times"
	for i in $(seq "$runs"); do
		rc=0
		/usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out" 2>"$work/err" || rc=$?
		if [ "$rc" -ne 0 ]; then # said, and the other formats still measured
			printf '%-22s exit %d: %s\n' "$name" "$rc" "$(tail -n 3 "$work/err")"
			return 1
		fi
		tail -n 1 "$work/time" >>"$work/times"
	done
	printf '%-22s %6.2f s  (median of %d; CPU %.2f s; peak %d MB)  %s\n' "$name" \
		"$(cut -d' ' -f1 "$work/times" | median)" "$runs" \
		"$(awk '{print $3 + $4}' "$work/times" | median)" \
		"$(( $(cut -d' ' -f2 "$work/times" | sort -n | tail -1) / 1024 ))" \
		"$(head -c 160 "$work/out" | tr '\n' ' ')"
}
echo "kesu report --since 2026-01-01 --until 2026-12-31 over $records records ($(nproc) CPUs," \
	"load $(cut -d' ' -f1 /proc/loadavg)):"
measure "ledger verify" "$kesu" ledger verify || true
for ext in csv xlsx pdf; do
	measure "report -o r.$ext" "$kesu" report --since 2026-01-01 --until 2026-12-31 \
		-o "$work/r.$ext" || continue
	echo "$(printf '%22s' '') $(du -h "$work/r.$ext" | cut -f1)"
done
# The monthly register a manager asks for: the same ledger, one month of it
# (the PDF of a whole year is past the signing limit, docs/register.md).
echo "kesu report --month 2026-06 (about $((records / 12)) of the $records records):"
for ext in xlsx pdf; do
	measure "report -o m.$ext" "$kesu" report --month 2026-06 -o "$work/m.$ext" || continue
	echo "$(printf '%22s' '') $(du -h "$work/m.$ext" | cut -f1)"
done

#!/bin/bash
# Does live progress cost throughput? Runs kesu wipe with --progress json
# and with --progress none on the same RAM-backed loop device, interleaved,
# N times each, and prints the median MB/s of each and their ratio. RAM is
# the fastest device here, so any cost of the progress lines shows most.
# Not a test (never in CI): the numbers depend on the machine. Needs root.
#
#   tests/bench/bench-progress.sh --kesu PATH [--size SIZE] [--runs N]
#                                 [--method M] [--verify V]
#
# MB/s counts every byte written and read (passes x size, plus the reads
# of the verification) over kesu's wall-clock time, start to exit.
# "paired" is the median over rounds of json/none within the round (the
# two runs are seconds apart), which the machine's load drifts hit less.
# CPU is kesu's user + system seconds (/usr/bin/time), which another
# process's load disturbs less than the wall clock.
set -euo pipefail

KESU=
SIZE_M=2048
RUNS=5
METHOD=dod-3pass
VERIFY=full
die() { echo "bench-progress: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
	case $1 in
	--kesu) KESU=$(readlink -f "$2"); shift 2 ;;
	--size) [[ $2 =~ ^([0-9]+)M$ ]] || die "--size: NM (megabytes), e.g. 2048M"
		SIZE_M=${BASH_REMATCH[1]}; shift 2 ;;
	--runs) [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--runs needs a number >= 1"; RUNS=$2; shift 2 ;;
	--method) METHOD=$2; shift 2 ;;
	--verify) VERIFY=$2; shift 2 ;;
	-h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) die "unknown option $1 (--help)" ;;
	esac
done
[ -n "$KESU" ] && [ -x "$KESU" ] || die "--kesu PATH is needed"
[ "$(id -u)" -eq 0 ] || die "needs root (a loop device)"

WORK=$(mktemp -d /tmp/kesu-bench-progress.XXXXXX)
IMG=/dev/shm/kesu-bench-progress.$$.img
LOOP=
cleanup() {
	[ -n "$LOOP" ] && losetup -d "$LOOP" 2>/dev/null || true
	rm -f "$IMG"
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Allocated and written once before anything is timed.
dd if=/dev/zero of="$IMG" bs=1M count="$SIZE_M" status=none
LOOP=$(losetup -f --show "$IMG")
SIZE=$((SIZE_M << 20))
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
mkdir -p "$HOME"
unset KESU_KEY KESU_LEDGER KESU_CONFIG

# one MODE: prints MB/s of one wipe, all bytes written and read
one() {
	local mode=$1 t0 t1
	t0=$(date +%s.%N)
	/usr/bin/time -f '%U %S' -o "$WORK/cpu.$mode" "$KESU" wipe --yes --force --json --progress "$mode" --method "$METHOD" --verify "$VERIFY" \
		--operator kesu-bench --class III --ledger "$WORK/ledger.sqlite" --cert-dir "$WORK/certs" \
		--key "$WORK/station.key" "$LOOP" >"$WORK/out.json" 2>"$WORK/err.$mode" ||
		{ cat "$WORK/err.$mode" >&2; die "kesu wipe failed"; }
	t1=$(date +%s.%N)
	python3 - "$WORK/out.json" "$t0" "$t1" "$WORK/cpu.$mode" <<'PY'
import json, sys
job = json.load(open(sys.argv[1]))["jobs"][0]
moved = sum(p["bytes_written"] + (p.get("verification") or {}).get("bytes_read", 0) for p in job["passes"])
cpu = sum(float(x) for x in open(sys.argv[4]).read().split()[-2:])
print("%.1f %d %.2f" % (moved / (float(sys.argv[3]) - float(sys.argv[2])) / 1e6, moved, cpu))
PY
}

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

one none >/dev/null # warm-up, not counted
: >"$WORK/json" ; : >"$WORK/none"
lines=0
for r in $(seq "$RUNS"); do
	# Alternate which goes first, so a trend in the machine's load hits both.
	if [ $((r % 2)) -eq 1 ]; then order="json none"; else order="none json"; fi
	for m in $order; do
		read -r mbps moved cpu < <(one "$m")
		echo "$mbps" >>"$WORK/$m"
		echo "$cpu" >>"$WORK/cpu-$m"
		eval "round_$m=$mbps"
		[ "$m" = json ] && lines=$((lines + $(grep -c '^{' "$WORK/err.json")))
		echo "run $r --progress $m: $mbps MB/s ($moved bytes), CPU $cpu s"
	done
	awk -v a="$round_json" -v b="$round_none" 'BEGIN {print a / b}' >>"$WORK/paired"
done
mj=$(median <"$WORK/json")
mn=$(median <"$WORK/none")
echo "kesu $("$KESU" --version 2>/dev/null | head -1), $METHOD --verify $VERIFY, ${SIZE_M} MiB RAM-backed loop, $RUNS runs each"
echo "progress lines printed per json run: $((lines / RUNS))"
printf 'median MB/s  --progress json %s  --progress none %s  ratio json/none %s  paired %s\n' \
	"$mj" "$mn" "$(awk -v a="$mj" -v b="$mn" 'BEGIN {printf "%.3f", a / b}')" \
	"$(median <"$WORK/paired" | awk '{printf "%.3f", $1}')"
printf 'median CPU s  --progress json %s  --progress none %s\n' "$(median <"$WORK/cpu-json")" \
	"$(median <"$WORK/cpu-none")"

#!/bin/bash
# Benchmarks kesu wipe against dd, shred and (optionally) nwipe on loop
# devices this script creates and detaches itself: one backed by a file in
# /dev/shm (RAM) and one backed by a file on disk with direct I/O. Prints
# medians, ratios to dd and PASS/MISS against the targets of issue #3.
# Not a test: the numbers depend on the machine. Needs root (loop devices).
#
#   tests/bench/bench-wipe.sh [--size SIZE] [--runs N] [--kesu PATH]
#                             [--disk-dir DIR] [--with-nwipe] [--quick]
#                             [--raw FILE]
#
# Every repetition is interleaved and every measured run is paired with a
# dd run just before it on the same device, because the machine is noisy:
# "x dd" is the median over runs of (this run's MB/s / its dd's MB/s).
# MB/s is 10^6 bytes per second, as dd and kesu print it. kesu's time is
# the pass time kesu reports (from the first write to the end of the pass's
# fdatasync); dd's is the one dd prints; shred's and nwipe's are wall clock.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIZE=$((2 << 30))
RUNS=3
KESU=
DISK_DIR=/var/tmp
WITH_NWIPE=0
RAW=
SIZE_SET=0
RUNS_SET=0
QUICK=0

usage() {
	sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	echo
	cat <<'EOF'
Options:
  --size SIZE     size of each test device, e.g. 2G, 512M (default 2G;
                  a multiple of 16M). /dev/shm needs 2 x SIZE free.
  --runs N        repetitions; medians are over N runs (default 3)
  --kesu PATH     the kesu binary to measure (default: build the repo's
                  kesu, RelWithDebInfo, into a temporary directory)
  --disk-dir DIR  where the disk-backed image goes (default /var/tmp)
  --with-nwipe    also measure nwipe (apt-get install -y nwipe if missing)
  --quick         512M and 1 run: a smoke test
  --raw FILE      also write every measurement, one a line, to FILE
  -h, --help      this help
EOF
}

die() {
	echo "bench-wipe: $*" >&2
	exit 1
}

# "2G", "512M", "64K", "1048576" -> bytes
parse_size() {
	local s=$1 n mult=1
	case $s in
	*[Gg]) mult=$((1 << 30)); n=${s%?} ;;
	*[Mm]) mult=$((1 << 20)); n=${s%?} ;;
	*[Kk]) mult=$((1 << 10)); n=${s%?} ;;
	*) n=$s ;;
	esac
	[[ $n =~ ^[0-9]+$ ]] || return 1
	echo $((n * mult))
}

while [ $# -gt 0 ]; do
	case $1 in
	--size) [ $# -ge 2 ] || die "--size needs a value"
		SIZE=$(parse_size "$2") || die "--size: \"$2\" is not a size"
		SIZE_SET=1; shift 2 ;;
	--runs) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--runs needs a number >= 1"
		RUNS=$2; RUNS_SET=1; shift 2 ;;
	--kesu) [ $# -ge 2 ] || die "--kesu needs a path"
		KESU=$2; shift 2 ;;
	--disk-dir) [ $# -ge 2 ] || die "--disk-dir needs a directory"
		DISK_DIR=$2; shift 2 ;;
	--with-nwipe) WITH_NWIPE=1; shift ;;
	--quick) QUICK=1; shift ;;
	--raw) [ $# -ge 2 ] || die "--raw needs a file"
		RAW=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ $QUICK = 1 ]; then
	[ $SIZE_SET = 1 ] || SIZE=$((512 << 20))
	[ $RUNS_SET = 1 ] || RUNS=1
fi
MIB=$((1 << 20))
[ "$SIZE" -ge $((64 * MIB)) ] && [ $((SIZE % (16 * MIB))) -eq 0 ] ||
	die "--size must be a multiple of 16M, at least 64M"
[ "$(id -u)" -eq 0 ] || die "needs root (it creates loop devices)"
[ -d "$DISK_DIR" ] || die "--disk-dir: $DISK_DIR is not a directory"
DISK_DIR=$(cd "$DISK_DIR" && pwd)
[ -z "$KESU" ] || KESU=$(readlink -f "$KESU")
[ -z "$RAW" ] || RAW=$(readlink -m "$RAW")

export LC_ALL=C # dd's and awk's decimal points

WORK=$(mktemp -d /tmp/kesu-bench.XXXXXX)
RAM_DIR=/dev/shm/kesu-bench.$$
DSK_DIR=$DISK_DIR/kesu-bench.$$
LOOPS=()    # every loop device this script attached, and only those
BG_PIDS=()  # background dd runs

cleanup() {
	local p l
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null || true; done
	rm -rf "$RAM_DIR" "$DSK_DIR" "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
cd "$WORK" # whatever a tool leaves in its current directory goes away

for tool in losetup dd shred jq awk fallocate; do
	command -v $tool >/dev/null || die "$tool is missing (apt-get install util-linux coreutils jq)"
done
if [ ! -x /usr/bin/time ]; then
	echo "installing the time package for peak RSS..." >&2
	apt-get install -y time >"$WORK/apt-time.log" 2>&1 || die "cannot install time: see apt-get"
fi

# Space: two RAM drives (for the two-at-once run) and one disk drive.
avail() { df --output=avail -B1 "$1" | tail -1 | tr -d ' '; }
mem_avail=$(awk '/^MemAvailable:/ {print $2 * 1024}' /proc/meminfo)
[ "$(avail /dev/shm)" -ge $((2 * SIZE + 64 * MIB)) ] ||
	die "/dev/shm has $(($(avail /dev/shm) / MIB)) MiB free; needs 2 x --size + 64M"
[ "$mem_avail" -ge $((2 * SIZE + 512 * MIB)) ] ||
	die "MemAvailable is $((mem_avail / MIB)) MiB; needs 2 x --size + 512M"
[ "$(avail "$DISK_DIR")" -ge $((SIZE + 1024 * MIB)) ] ||
	die "$DISK_DIR has $(($(avail "$DISK_DIR") / MIB)) MiB free; needs --size + 1G"

T_START=$(date +%s)

# ---- kesu: the one given, or a fresh optimised build of this tree -------
if [ -z "$KESU" ]; then
	if command -v cmake >/dev/null && command -v cc >/dev/null; then
		echo "building kesu (RelWithDebInfo) into $WORK/build..." >&2
		if cmake -S "$ROOT" -B "$WORK/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
			-DKESU_BUILD_TESTS=OFF >"$WORK/build.log" 2>&1 &&
			cmake --build "$WORK/build" --target kesu -j"$(nproc)" >>"$WORK/build.log" 2>&1; then
			KESU=$WORK/build/kesu
		else
			tail -20 "$WORK/build.log" >&2
			die "building kesu failed"
		fi
	elif [ -x "$ROOT/build/kesu" ]; then
		KESU=$ROOT/build/kesu
	else
		die "no cmake to build kesu and no $ROOT/build/kesu: use --kesu PATH"
	fi
fi
KESU=$(readlink -f "$KESU")
[ -x "$KESU" ] || die "$KESU is not executable"

# ---- nwipe, when asked for ----------------------------------------------
NWIPE=
NWIPE_SKIP="not asked for (--with-nwipe)"
if [ $WITH_NWIPE = 1 ]; then
	if ! command -v nwipe >/dev/null; then
		echo "installing nwipe..." >&2
		apt-get install -y nwipe >"$WORK/apt-nwipe.log" 2>&1 || true
	fi
	if command -v nwipe >/dev/null; then
		NWIPE=$(command -v nwipe)
		NWIPE_SKIP=
	else
		NWIPE_SKIP="not installed and apt-get install nwipe failed"
	fi
fi

# ---- the devices ----------------------------------------------------------
mkdir -p "$RAM_DIR" "$DSK_DIR"
# attach IMAGE [losetup options] -> sets ATTACHED; the loop is detached on exit
attach() {
	local img=$1 dev
	shift
	dev=$(losetup -f --show "$@" "$img") || die "losetup $* $img failed"
	LOOPS+=("$dev")
	ATTACHED=$dev
}
# Allocated up front: tmpfs otherwise allocates pages during the first
# timed write, and a disk file would be extended by it.
fallocate -l "$SIZE" "$RAM_DIR/a.img"
fallocate -l "$SIZE" "$RAM_DIR/b.img"
fallocate -l "$SIZE" "$DSK_DIR/disk.img"
attach "$RAM_DIR/a.img"; RAM_A=$ATTACHED
attach "$RAM_DIR/b.img"; RAM_B=$ATTACHED
attach "$DSK_DIR/disk.img" --direct-io=on; DISK=$ATTACHED
[ "$(cat "/sys/block/${DISK#/dev/}/loop/dio" 2>/dev/null)" = 1 ] ||
	echo "warning: $DISK did not get direct I/O (the file system may not support it)" >&2

# Refuses to write anywhere but a loop device attached above.
ours() {
	local l
	for l in "${LOOPS[@]}"; do [ "$l" = "$1" ] && return 0; done
	die "internal error: $1 is not a loop device this script created"
}

# ---- measurements ---------------------------------------------------------
# Every value is one line "KIND TEST RUN FIELD VALUE" in $DB.
DB=$WORK/results
: >"$DB"
rec() { echo "$1 $2 $3 $4 $5" >>"$DB"; }
vals() { awk -v k="$1" -v t="$2" -v f="$3" '$1 == k && $2 == t && $4 == f {print $5}' "$DB"; }
median() { sort -g | awk '{a[NR] = $1} END {if (!NR) print "nan"; else if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
minmax() { sort -g | awk 'NR == 1 {lo = $1} {hi = $1} END {if (NR) printf "%.0f-%.0f", lo, hi; else printf "-"}'; }
now() { date +%s.%N; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN {printf "%.1f", (s > 0 ? b / s / 1e6 : 0)}'; }

COUNT=$((SIZE / (4 * MIB)))
# dd_once DEV -> prints dd's MB/s
dd_once() {
	ours "$1"
	local out s
	out=$(dd if=/dev/zero of="$1" oflag=direct bs=4M count=$COUNT 2>&1) || die "dd on $1 failed: $out"
	s=$(echo "$out" | awk '/ copied, / {for (i = 1; i <= NF; i++) if ($i == "copied,") print $(i + 1)}')
	mbps "$SIZE" "$s"
}

# kesu_run JSON-FILE RSS-FILE ARGS... (devices last): a wipe under /usr/bin/time
kesu_run() {
	local json=$1 rss=$2 a
	shift 2
	for a in "$@"; do case $a in /dev/*) ours "$a" ;; esac; done
	if ! /usr/bin/time -f '%M %e' -o "$rss" "$KESU" wipe --yes --force --json --progress none \
		"$@" >"$json" 2>"$json.err"; then
		cat "$json.err" >&2
		die "kesu wipe $* failed"
	fi
}

# measure_kesu KIND TEST RUN DEV DD-MBPS ARGS...: one drive, every pass
measure_kesu() {
	local kind=$1 test=$2 run=$3 dev=$4 ddm=$5 i n s b m
	shift 5
	kesu_run "$WORK/k.json" "$WORK/k.rss" "$@" "$dev"
	n=$(jq '.jobs[0].passes | length' "$WORK/k.json")
	for ((i = 0; i < n; i++)); do
		s=$(jq ".jobs[0].passes[$i].seconds" "$WORK/k.json")
		b=$(jq ".jobs[0].passes[$i].bytes_written" "$WORK/k.json")
		[ "$b" = "$SIZE" ] || die "kesu $test on $dev wrote $b of $SIZE bytes in pass $((i + 1))"
		m=$(mbps "$b" "$s")
		rec "$kind" "$test" "$run" "p$((i + 1))_mbps" "$m"
		rec "$kind" "$test" "$run" "p$((i + 1))_ratio" "$(awk -v a="$m" -v d="$ddm" 'BEGIN {printf "%.3f", a / d}')"
		if [ "$(jq ".jobs[0].passes[$i].verification != null" "$WORK/k.json")" = true ]; then
			local vs vb
			vs=$(jq ".jobs[0].passes[$i].verification.seconds" "$WORK/k.json")
			vb=$(jq ".jobs[0].passes[$i].verification.bytes_read" "$WORK/k.json")
			[ "$(jq ".jobs[0].passes[$i].verification.passed" "$WORK/k.json")" = true ] ||
				die "kesu $test on $dev: verification did not pass"
			rec "$kind" "$test" "$run" verify_s "$vs"
			rec "$kind" "$test" "$run" verify_mbps "$(mbps "$vb" "$vs")"
			rec "$kind" "$test" "$run" verify_pct "$(awk -v v="$vs" -v p="$s" 'BEGIN {printf "%.1f", 100 * v / p}')"
		fi
	done
	rec "$kind" "$test" "$run" mbps "$(vals "$kind" "$test" p1_mbps | tail -1)"
	rec "$kind" "$test" "$run" ratio "$(vals "$kind" "$test" p1_ratio | tail -1)"
	rec "$kind" "$test" "$run" rss_kib "$(awk '{print $1}' "$WORK/k.rss")"
	rec "$kind" "$test" "$run" wall_s "$(awk '{print $2}' "$WORK/k.rss")"
}

# measure_wall KIND TEST RUN DD-MBPS COMMAND...: wall-clock MB/s of a command
measure_wall() {
	local kind=$1 test=$2 run=$3 ddm=$4 t0 t1 m
	shift 4
	t0=$(now)
	"$@" >"$WORK/cmd.out" 2>&1 || { cat "$WORK/cmd.out" >&2; die "$* failed"; }
	t1=$(now)
	m=$(mbps "$SIZE" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
	rec "$kind" "$test" "$run" mbps "$m"
	rec "$kind" "$test" "$run" ratio "$(awk -v a="$m" -v d="$ddm" 'BEGIN {printf "%.3f", a / d}')"
}

# nwipe writes its own log; its pass time comes from the log (1 s steps),
# else from the wall clock.
measure_nwipe() {
	local kind=$1 run=$2 dev=$3 ddm=$4 t0 t1 s m log=$WORK/nwipe.log
	ours "$dev"
	[ -n "$dev" ] || die "internal error: nwipe without a device would wipe every disk"
	rm -f "$log"
	t0=$(now)
	if ! timeout 900 "$NWIPE" --autonuke --nogui --nowait --nousb --method=zero --verify=off \
		--noblank --logfile="$log" "$dev" </dev/null >"$WORK/nwipe.out" 2>&1; then
		NWIPE_SKIP="nwipe failed on $dev: $(tail -3 "$WORK/nwipe.out" | tr '\n' ' ')"
		NWIPE=
		return 0
	fi
	t1=$(now)
	s=$(awk '
		function t(line) { gsub(/[\[\]\/:]/, " ", line); split(line, f, " ")
			return mktime(f[1] " " f[2] " " f[3] " " f[4] " " f[5] " " f[6]) }
		/Starting pass 1\// {a = t($1 " " $2)} /Finished pass 1\// {b = t($1 " " $2)}
		END {if (a && b > a) print b - a}' "$log" 2>/dev/null || true)
	[ -n "$s" ] || s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
	m=$(mbps "$SIZE" "$s")
	rec "$kind" nwipe "$run" mbps "$m"
	rec "$kind" nwipe "$run" ratio "$(awk -v a="$m" -v d="$ddm" 'BEGIN {printf "%.3f", a / d}')"
	rec "$kind" nwipe "$run" wall_s "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')"
}

# Two RAM drives at once: kesu with both, and two dd at the same time.
measure_two() {
	local run=$1 s1 s2 b1 b2
	kesu_run "$WORK/k2.json" "$WORK/k2.rss" --method zero --verify none "$RAM_A" "$RAM_B"
	s1=$(jq '.jobs[0].passes[0].seconds' "$WORK/k2.json")
	s2=$(jq '.jobs[1].passes[0].seconds' "$WORK/k2.json")
	b1=$(jq '.jobs[0].passes[0].bytes_written' "$WORK/k2.json")
	b2=$(jq '.jobs[1].passes[0].bytes_written' "$WORK/k2.json")
	rec ram two "$run" mbps "$(mbps $((b1 + b2)) "$(awk -v a="$s1" -v b="$s2" 'BEGIN {print (a > b ? a : b)}')")"
	rec ram two "$run" rss_kib "$(awk '{print $1}' "$WORK/k2.rss")"
	ours "$RAM_A"
	ours "$RAM_B"
	local t0 t1
	t0=$(now)
	dd if=/dev/zero of="$RAM_A" oflag=direct bs=4M count=$COUNT 2>/dev/null &
	BG_PIDS+=($!)
	dd if=/dev/zero of="$RAM_B" oflag=direct bs=4M count=$COUNT 2>/dev/null &
	BG_PIDS+=($!)
	wait "${BG_PIDS[@]}" || die "two dd at once failed"
	BG_PIDS=()
	t1=$(now)
	rec ram dd2 "$run" mbps "$(mbps $((2 * SIZE)) "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")"
	rec ram dd1w "$run" mbps "$(
		t0=$(now); dd if=/dev/zero of="$RAM_A" oflag=direct bs=4M count=$COUNT 2>/dev/null
		t1=$(now); mbps "$SIZE" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")"
}

# One round on one device: each tool right after a dd run of its own.
round() {
	local kind=$1 dev=$2 run=$3 d
	pair() { d=$(dd_once "$dev"); rec "$kind" dd "$run" mbps "$d"; rec "$kind" dd "$run" ratio 1; }
	pair; measure_kesu "$kind" zero "$run" "$dev" "$d" --method zero --verify none
	pair; measure_kesu "$kind" random "$run" "$dev" "$d" --method random --verify none
	pair; measure_kesu "$kind" dod "$run" "$dev" "$d" --method dod-3pass
	pair; measure_wall "$kind" shred "$run" "$d" shred -n1 "$dev"
	if [ -n "$NWIPE" ]; then pair; measure_nwipe "$kind" "$run" "$dev" "$d"; fi
	pair; measure_kesu "$kind" rs1M "$run" "$dev" "$d" --method zero --verify none --request-size 1M
	pair; measure_kesu "$kind" rs16M "$run" "$dev" "$d" --method zero --verify none --request-size 16M
}

echo "kesu: $KESU" >&2
echo "devices: RAM $RAM_A $RAM_B (tmpfs), disk $DISK (direct I/O on $DSK_DIR), $((SIZE / MIB)) MiB each; $RUNS run(s)" >&2
# Warm-up, not measured: the first writes pay for page and extent set-up.
for dev in "$RAM_A" "$RAM_B" "$DISK"; do dd_once "$dev" >/dev/null; done
for ((run = 1; run <= RUNS; run++)); do
	echo "run $run/$RUNS..." >&2
	round ram "$RAM_A" "$run"
	measure_two "$run"
	round disk "$DISK" "$run"
done
T_END=$(date +%s)

# ---- report ---------------------------------------------------------------
med() { vals "$1" "$2" "$3" | median; }
# rss_max KIND TEST... -> the largest peak RSS of those runs, in MiB
rss_max() {
	local kind=$1 t
	shift
	for t in "$@"; do vals "$kind" "$t" rss_kib; done | sort -g | tail -1 | awk '{printf "%.1f", $1 / 1024}'
}
fmt() { awk -v v="$1" -v f="$2" 'BEGIN {if (v == "nan" || v == "") print "-"; else printf f, v}'; }

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo
echo "kesu wipe benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "machine: $(nproc) CPUs, $cpu, kernel $(uname -r), $(awk '/^MemTotal:/ {printf "%.0f GiB RAM", $2 / 1048576}' /proc/meminfo)"
echo "kesu: $KESU ($("$KESU" --version 2>/dev/null | head -1 || echo unknown version))"
echo "devices: $((SIZE / MIB)) MiB each; RAM = loop over a file in /dev/shm (tmpfs);"
echo "         disk = loop with --direct-io=on over a file in $DISK_DIR ($(df --output=fstype "$DISK_DIR" | tail -1) on $(df --output=source "$DISK_DIR" | tail -1))"
echo "runs: $RUNS, interleaved; values are medians [min-max]; x dd = median of each run's MB/s over"
echo "      the MB/s of the dd run just before it on the same device"

row() { # label kind test [mbps-field ratio-field]
	local mf=${4:-mbps} rf=${5:-ratio}
	local m r mm
	m=$(med "$2" "$3" "$mf")
	[ "$m" != nan ] || return 0
	r=$(med "$2" "$3" "$rf")
	mm=$(vals "$2" "$3" "$mf" | minmax)
	printf "  %-34s %8s  %-11s  %6s\n" "$1" "$(fmt "$m" %.0f)" "$mm" "$(fmt "$r" %.2f)"
}
for kind in ram disk; do
	echo
	[ $kind = ram ] && echo "RAM-backed loop device" || echo "disk-backed loop device (direct I/O)"
	printf "  %-34s %8s  %-11s  %6s\n" tool "MB/s" "min-max" "x dd"
	row "dd oflag=direct bs=4M" $kind dd
	row "kesu zero" $kind zero
	row "kesu random" $kind random
	row "kesu dod-3pass pass 1 (0x00)" $kind dod p1_mbps p1_ratio
	row "kesu dod-3pass pass 2 (0xff)" $kind dod p2_mbps p2_ratio
	row "kesu dod-3pass pass 3 (random)" $kind dod p3_mbps p3_ratio
	printf "  %-34s %8s  %-11s  %s\n" "  verify 10% sample of pass 3 (read)" \
		"$(fmt "$(med $kind dod verify_mbps)" %.0f)" "$(vals $kind dod verify_mbps | minmax)" \
		"$(fmt "$(med $kind dod verify_s)" %.2f) s = $(fmt "$(med $kind dod verify_pct)" %.1f)% of pass 3's time"
	row "shred -n1" $kind shred
	if [ -n "$(vals $kind nwipe mbps)" ]; then
		row "nwipe 0.34 --method=zero" $kind nwipe
	else
		printf "  %-34s skipped: %s\n" "nwipe" "$NWIPE_SKIP"
	fi
	echo "  request size (kesu zero):"
	row "  --request-size 1M" $kind rs1M
	row "  --request-size 4M (the default)" $kind zero
	row "  --request-size 16M" $kind rs16M
	printf "  %-34s %s MiB (4M requests: zero, random, dod-3pass); %s MiB at 16M\n" "kesu peak RSS" \
		"$(rss_max $kind zero random dod)" "$(rss_max $kind rs16M)"
done

echo
echo "two RAM-backed drives at once (zero)"
one=$(med ram zero mbps)
two=$(med ram two mbps)
dd1=$(med ram dd1w mbps)
dd2=$(med ram dd2 mbps)
printf "  %-34s %8s MB/s\n" "kesu, one drive" "$(fmt "$one" %.0f)"
printf "  %-34s %8s MB/s total = %sx one drive; peak RSS %s per drive\n" "kesu wipe A B" "$(fmt "$two" %.0f)" \
	"$(awk -v a="$two" -v b="$one" 'BEGIN {printf "%.2f", a / b}')" \
	"$(vals ram two rss_kib | sort -g | tail -1 | awk '{printf "%.1f MiB", $1 / 2048}')"
printf "  %-34s %8s MB/s total = %sx one dd (wall clock, for reference)\n" "dd A & dd B" "$(fmt "$dd2" %.0f)" \
	"$(awk -v a="$dd2" -v b="$dd1" 'BEGIN {printf "%.2f", a / b}')"

# ---- targets ----------------------------------------------------------------
echo
echo "targets (issue #3; informational)"
verdict() { # label value op limit unit
	local ok
	ok=$(awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {if (v == "nan" || v == "") print "-"; else if (op == ">=") print (v >= l ? "PASS" : "MISS"); else print (v <= l ? "PASS" : "MISS")}')
	printf "  %-4s %-46s %s (target %s %s)\n" "$ok" "$1" "$(fmt "$2" "%.2f")$5" "$3" "$4$5"
}
for kind in ram disk; do
	verdict "$kind: kesu zero vs dd" "$(med $kind zero ratio)" ">=" 0.95 x
	verdict "$kind: kesu random vs dd" "$(med $kind random ratio)" ">=" 0.90 x
	verdict "$kind: 10% sampled verification / one pass" "$(med $kind dod verify_pct)" "<=" 15 %
	verdict "$kind: kesu peak RSS per drive" "$(rss_max $kind zero random dod)" "<=" 64 " MiB"
done
verdict "ram: two drives at once vs one" "$(awk -v a="$two" -v b="$one" 'BEGIN {printf "%.3f", a / b}')" ">=" 1.5 x
echo
echo "total time: $((T_END - T_START)) s (measuring), $(($(date +%s) - T_START)) s with the report"

if [ -n "$RAW" ]; then
	{ echo "# kind test run field value"; cat "$DB"; } >"$RAW"
	echo "raw measurements: $RAW"
fi

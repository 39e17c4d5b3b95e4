#!/bin/bash
# Benchmarks kesu wipe against dd, shred and (optionally) nwipe on loop
# devices this script creates and detaches itself: one backed by a file in
# /dev/shm (RAM) and one backed by a file on disk with direct I/O. Prints
# medians, ratios to dd and PASS/MISS against the targets of issue #3.
# Not a test: the numbers depend on the machine. Needs root (loop devices).
#
#   tests/bench/bench-wipe.sh [--size SIZE] [--runs N] [--kesu PATH]
#                             [--rev REV] [--disk-dir DIR] [--with-nwipe]
#                             [--quick] [--raw FILE]
#
# Every repetition is interleaved and every measured run follows a dd run
# of its own on the same device, because the machine is noisy. "x dd" is
# the tool's median MB/s over dd's median MB/s (dd runs 6-7 times a round,
# so its median is steady); "paired" is the median over runs of the run's
# MB/s over the MB/s of the dd run just before it. The targets use x dd.
# MB/s is 10^6 bytes per second, as dd and kesu print it. kesu's time is
# the pass time kesu reports (from the first write to the end of the pass's
# fdatasync); dd's is the one dd prints; shred's and nwipe's are wall clock.
# kesu runs with HOME and XDG_* pointing into a temporary directory, so its
# ledger, certificates, keys and resumable-job state never touch yours.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIZE=$((2 << 30))
RUNS=3
KESU=
REV=
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
  --rev REV       build that git revision (e.g. HEAD) instead of the work
                  tree: reproducible while others have edits in progress
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
	--rev) [ $# -ge 2 ] || die "--rev needs a git revision"
		REV=$2; shift 2 ;;
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

RAM_DIR= # backing files, made below
DSK_DIR=
LOOPS=()    # every loop device this script attached, and only those
BG_PIDS=()  # background dd runs

cleanup() {
	local p l d
	for p in "${BG_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${BG_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	for l in "${LOOPS[@]}"; do losetup -d "$l" 2>/dev/null || true; done
	for d in "$RAM_DIR" "$DSK_DIR" "$WORK"; do [ -z "$d" ] || rm -rf "$d"; done
}
WORK=
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
WORK=$(mktemp -d /tmp/kesu-bench.XXXXXX)
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
mem_avail=$(($(awk '/^MemAvailable:/ {print $2}' /proc/meminfo) * 1024))
[ "$(avail /dev/shm)" -ge $((2 * SIZE + 64 * MIB)) ] ||
	die "/dev/shm has $(($(avail /dev/shm) / MIB)) MiB free; needs 2 x --size + 64M"
[ "$mem_avail" -ge $((2 * SIZE + 512 * MIB)) ] ||
	die "MemAvailable is $((mem_avail / MIB)) MiB; needs 2 x --size + 512M"
[ "$(avail "$DISK_DIR")" -ge $((SIZE + 1024 * MIB)) ] ||
	die "$DISK_DIR has $(($(avail "$DISK_DIR") / MIB)) MiB free; needs --size + 1G"

T_START=$(date +%s)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
awk '{exit !($1 > 0.5)}' /proc/loadavg &&
	echo "warning: load average $LOAD_START: something else is running; numbers will be noisy" >&2

# ---- kesu: the one given, or a fresh optimised build of this tree -------
KESU_SOURCE="given with --kesu"
if [ -n "$KESU" ] && [ -n "$REV" ]; then
	die "--kesu and --rev exclude each other"
elif [ -n "$REV" ]; then
	command -v git >/dev/null || die "--rev needs git"
	commit=$(git -C "$ROOT" rev-parse --verify "$REV^{commit}" 2>/dev/null) || die "--rev: $REV is not a revision of $ROOT"
	mkdir "$WORK/src"
	git -C "$ROOT" archive "$commit" | tar -x -C "$WORK/src" || die "git archive $REV failed"
	SRC=$WORK/src
	KESU_SOURCE="commit $commit"
else
	SRC=$ROOT
	if command -v git >/dev/null && commit=$(git -C "$ROOT" rev-parse HEAD 2>/dev/null); then
		KESU_SOURCE="work tree at $commit"
		[ -z "$(git -C "$ROOT" status --porcelain -- src include methods CMakeLists.txt cmake 2>/dev/null)" ] ||
			KESU_SOURCE="$KESU_SOURCE + uncommitted changes"
	else
		KESU_SOURCE="work tree"
	fi
fi
if [ -z "$KESU" ]; then
	if command -v cmake >/dev/null && command -v cc >/dev/null; then
		echo "building kesu (RelWithDebInfo, $KESU_SOURCE) into $WORK/build..." >&2
		if cmake -S "$SRC" -B "$WORK/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
			-DKESU_BUILD_TESTS=OFF >"$WORK/build.log" 2>&1 &&
			cmake --build "$WORK/build" --target kesu -j"$(nproc)" >>"$WORK/build.log" 2>&1; then
			KESU=$WORK/build/kesu
		else
			tail -20 "$WORK/build.log" >&2
			die "building kesu failed (a work tree with edits in progress? try --rev HEAD)"
		fi
	elif [ -z "$REV" ] && [ -x "$ROOT/build/kesu" ]; then
		KESU=$ROOT/build/kesu
		KESU_SOURCE="$ROOT/build/kesu as built"
	else
		die "no cmake to build kesu and no $ROOT/build/kesu: use --kesu PATH"
	fi
fi
KESU=$(readlink -f "$KESU")
[ -x "$KESU" ] || die "$KESU is not executable"

# kesu keeps records (ledger, certificates, station key, unfinished jobs)
# under HOME / XDG_*: give it a home of its own for the benchmark, and the
# record options this version has, so that it runs unattended.
mkdir -p "$WORK/home"
KESU_ENV=(env HOME="$WORK/home" XDG_CONFIG_HOME="$WORK/home/.config"
	XDG_DATA_HOME="$WORK/home/.local/share" XDG_STATE_HOME="$WORK/home/.local/state"
	XDG_CACHE_HOME="$WORK/home/.cache")
KESU_EXTRA=()
wipe_help=$("${KESU_ENV[@]}" "$KESU" wipe --help 2>&1 || true)
has_opt() { grep -q -- "$1" <<<"$wipe_help"; }
has_opt '--operator ' && KESU_EXTRA+=(--operator kesu-bench)
has_opt '--approval ' && KESU_EXTRA+=(--class III) # the default policy needs a class
has_opt '--ledger ' && KESU_EXTRA+=(--ledger "$WORK/home/ledger.sqlite")
has_opt '--cert-dir ' && KESU_EXTRA+=(--cert-dir "$WORK/home/certificates")
has_opt '--key ' && KESU_EXTRA+=(--key "$WORK/home/station.key")
if has_opt '--passphrase-file '; then
	echo "kesu-bench passphrase" >"$WORK/home/passphrase"
	KESU_EXTRA+=(--passphrase-file "$WORK/home/passphrase")
fi
has_opt '--restart' && KESU_EXTRA+=(--restart)

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
RAM_DIR=$(mktemp -d /dev/shm/kesu-bench.XXXXXX)
DSK_DIR=$(mktemp -d "$DISK_DIR/kesu-bench.XXXXXX")
# attach IMAGE [losetup options] -> sets ATTACHED; the loop is detached on exit
attach() {
	local img=$1 dev
	shift
	dev=$(losetup -f --show "$@" "$img") || die "losetup $* $img failed"
	LOOPS+=("$dev")
	ATTACHED=$dev
}
# Allocated up front and written once (the warm-up below) before anything
# is timed: a first write to tmpfs pages or to unwritten extents is several
# times slower than the ones after it.
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
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}'; }
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

# dd_read DEV -> prints the MB/s of one sequential direct read of all of it
dd_read() {
	local out s
	out=$(dd if="$1" of=/dev/null iflag=direct bs=4M count=$COUNT 2>&1) || die "dd read of $1 failed: $out"
	s=$(echo "$out" | awk '/ copied, / {for (i = 1; i <= NF; i++) if ($i == "copied,") print $(i + 1)}')
	mbps "$SIZE" "$s"
}

# kesu_run JSON-FILE RSS-FILE ARGS... (devices last): a wipe under /usr/bin/time
kesu_run() {
	local json=$1 rss=$2 a
	shift 2
	for a in "$@"; do case $a in /dev/*) ours "$a" ;; esac; done
	local rc=0 ok=0
	/usr/bin/time -f '%M %e' -o "$rss" "${KESU_ENV[@]}" "$KESU" wipe --yes --force --json \
		--progress none "${KESU_EXTRA[@]}" "$@" >"$json" 2>"$json.err" || rc=$?
	# --verify none ends UNVERIFIED, exit 7, by design: no proof was read back.
	case " $* " in *" --verify none "*) [ "$rc" = 7 ] && ok=7 ;; esac
	if [ "$rc" != 0 ] && [ "$rc" != "$ok" ]; then
		cat "$json.err" >&2
		die "kesu wipe $* failed (exit $rc)"
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
			rec "$kind" "$test" "$run" verify_samples "$(jq ".jobs[0].passes[$i].verification.samples" "$WORK/k.json")"
			rec "$kind" "$test" "$run" verify_mbps "$(mbps "$vb" "$vs")"
			rec "$kind" "$test" "$run" verify_b "$vb"
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

# Two RAM drives at once against one, for kesu and for dd; each pair is
# measured back to back, one drive first.
measure_two() {
	local run=$1 k one two s1 s2 b1 b2 t0 t1 d1 d2
	k=$WORK/k2.json
	kesu_run "$k" "$WORK/k2.rss" --method zero --verify none "$RAM_A"
	one=$(mbps "$(jq '.jobs[0].passes[0].bytes_written' "$k")" "$(jq '.jobs[0].passes[0].seconds' "$k")")
	kesu_run "$k" "$WORK/k2.rss" --method zero --verify none "$RAM_A" "$RAM_B"
	s1=$(jq '.jobs[0].passes[0].seconds' "$k")
	s2=$(jq '.jobs[1].passes[0].seconds' "$k")
	b1=$(jq '.jobs[0].passes[0].bytes_written' "$k")
	b2=$(jq '.jobs[1].passes[0].bytes_written' "$k")
	two=$(mbps $((b1 + b2)) "$(awk -v a="$s1" -v b="$s2" 'BEGIN {print (a > b ? a : b)}')")
	rec ram one "$run" mbps "$one"
	rec ram two "$run" mbps "$two"
	rec ram two "$run" ratio "$(ratio "$two" "$one")"
	rec ram two "$run" rss_kib "$(awk '{print $1}' "$WORK/k2.rss")"
	ours "$RAM_A"
	ours "$RAM_B"
	t0=$(now)
	dd if=/dev/zero of="$RAM_A" oflag=direct bs=4M count=$COUNT 2>/dev/null || die "dd on $RAM_A failed"
	t1=$(now)
	d1=$(mbps "$SIZE" "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
	t0=$(now)
	dd if=/dev/zero of="$RAM_A" oflag=direct bs=4M count=$COUNT 2>/dev/null &
	BG_PIDS+=($!)
	dd if=/dev/zero of="$RAM_B" oflag=direct bs=4M count=$COUNT 2>/dev/null &
	BG_PIDS+=($!)
	wait "${BG_PIDS[@]}" || die "two dd at once failed"
	BG_PIDS=()
	t1=$(now)
	d2=$(mbps $((2 * SIZE)) "$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')")
	rec ram dd1w "$run" mbps "$d1"
	rec ram dd2 "$run" mbps "$d2"
	rec ram dd2 "$run" ratio "$(ratio "$d2" "$d1")"
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
	rec "$kind" ddread "$run" mbps "$(dd_read "$dev")"
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
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

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
echo "load average: $LOAD_START at the start, $LOAD_END at the end (at the start: other programs)"
echo "kesu: $("$KESU" --version 2>/dev/null | head -1 || echo unknown version), $KESU_SOURCE"
echo "devices: $((SIZE / MIB)) MiB each; RAM = loop over a file in /dev/shm (tmpfs);"
echo "         disk = loop with --direct-io=on over a file in $DISK_DIR ($(df --output=fstype "$DISK_DIR" | tail -1) on $(df --output=source "$DISK_DIR" | tail -1))"
echo "runs: $RUNS, interleaved; MB/s are medians; x dd = median MB/s / dd's median MB/s on the"
echo "      same device; paired = median over runs of MB/s / the MB/s of the dd run just before"

row() { # label kind test [mbps-field paired-ratio-field]
	local mf=${4:-mbps} rf=${5:-ratio}
	local m mm
	m=$(med "$2" "$3" "$mf")
	[ "$m" != nan ] || return 0
	mm=$(vals "$2" "$3" "$mf" | minmax)
	printf "  %-34s %8s  %-11s  %6s  %6s\n" "$1" "$(fmt "$m" %.0f)" "$mm" \
		"$(fmt "$(ratio "$m" "$(med "$2" dd mbps)")" %.2f)" "$(fmt "$(med "$2" "$3" "$rf")" %.2f)"
}
# xdd KIND TEST [FIELD]: the ratio of the medians, the one the targets use
xdd() { ratio "$(med "$1" "$2" "${3:-mbps}")" "$(med "$1" dd mbps)"; }
for kind in ram disk; do
	echo
	[ $kind = ram ] && echo "RAM-backed loop device" || echo "disk-backed loop device (direct I/O)"
	printf "  %-34s %8s  %-11s  %6s  %6s\n" tool "MB/s" "min-max" "x dd" paired
	row "dd oflag=direct bs=4M" $kind dd
	row "kesu zero" $kind zero
	row "kesu random" $kind random
	row "kesu dod-3pass pass 1 (0x00)" $kind dod p1_mbps p1_ratio
	row "kesu dod-3pass pass 2 (0xff)" $kind dod p2_mbps p2_ratio
	row "kesu dod-3pass pass 3 (random)" $kind dod p3_mbps p3_ratio
	printf "  %-34s %8s  %-11s  %s\n" "  verify 10% sample of pass 3 (read)" \
		"$(fmt "$(med $kind dod verify_mbps)" %.0f)" "$(vals $kind dod verify_mbps | minmax)" \
		"$(fmt "$(med $kind dod verify_s)" %.2f) s = $(fmt "$(med $kind dod verify_pct)" %.1f)% of pass 3's time"
	printf "  %-34s %s\n" "" "($(med $kind dod verify_samples) samples of $(awk -v b="$(med $kind dod verify_b)" -v n="$(med $kind dod verify_samples)" 'BEGIN {printf "%.0f", b / n / 1024}') KiB each;"
	printf "  %-34s %s\n" "" " reading 10% costs at least $(awk -v w="$(med $kind dod p3_mbps)" -v r="$(med $kind ddread mbps)" 'BEGIN {printf "%.1f", 10 * w / r}')% of a pass at dd's sequential read speed)"
	row "shred -n1" $kind shred
	if [ -n "$(vals $kind nwipe mbps)" ]; then
		row "nwipe 0.34 --method=zero" $kind nwipe
	else
		printf "  %-34s skipped: %s\n" "nwipe" "$NWIPE_SKIP"
	fi
	printf "  %-34s %8s  %-11s\n" "dd read iflag=direct bs=4M" "$(fmt "$(med $kind ddread mbps)" %.0f)" "$(vals $kind ddread mbps | minmax)"
	echo "  request size (kesu zero):"
	row "  --request-size 1M" $kind rs1M
	row "  --request-size 4M (the default)" $kind zero
	row "  --request-size 16M" $kind rs16M
	printf "  %-34s %s MiB (4M requests: zero, random, dod-3pass); %s MiB at 16M\n" "kesu peak RSS" \
		"$(rss_max $kind zero random dod)" "$(rss_max $kind rs16M)"
done

echo
echo "two RAM-backed drives at once (zero), each pair measured back to back"
one=$(med ram one mbps)
two=$(med ram two mbps)
dd1=$(med ram dd1w mbps)
dd2=$(med ram dd2 mbps)
printf "  %-34s %8s  %-11s\n" "kesu wipe A" "$(fmt "$one" %.0f)" "$(vals ram one mbps | minmax)"
printf "  %-34s %8s  %-11s  %sx one drive (paired %s); peak RSS %s MiB per drive\n" "kesu wipe A B (total)" \
	"$(fmt "$two" %.0f)" "$(vals ram two mbps | minmax)" "$(fmt "$(ratio "$two" "$one")" %.2f)" \
	"$(fmt "$(med ram two ratio)" %.2f)" "$(vals ram two rss_kib | sort -g | tail -1 | awk '{printf "%.1f", $1 / 2048}')"
printf "  %-34s %8s  %-11s\n" "dd A (wall clock)" "$(fmt "$dd1" %.0f)" "$(vals ram dd1w mbps | minmax)"
printf "  %-34s %8s  %-11s  %sx one dd (paired %s): what the machine allows\n" "dd A & dd B (total)" \
	"$(fmt "$dd2" %.0f)" "$(vals ram dd2 mbps | minmax)" "$(fmt "$(ratio "$dd2" "$dd1")" %.2f)" \
	"$(fmt "$(med ram dd2 ratio)" %.2f)"

# ---- targets ----------------------------------------------------------------
echo
echo "targets (issue #3; informational)"
verdict() { # label value op limit unit
	local ok
	ok=$(awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {if (v == "nan" || v == "") print "-"; else if (op == ">=") print (v >= l ? "PASS" : "MISS"); else print (v <= l ? "PASS" : "MISS")}')
	printf "  %-4s %-46s %s (target %s %s)\n" "$ok" "$1" "$(fmt "$2" "%.2f")$5" "$3" "$4$5"
}
for kind in ram disk; do
	verdict "$kind: kesu zero vs dd" "$(xdd $kind zero)" ">=" 0.95 x
	verdict "$kind: kesu random vs dd" "$(xdd $kind random)" ">=" 0.90 x
	verdict "$kind: 10% sampled verification / one pass" "$(med $kind dod verify_pct)" "<=" 15 %
	verdict "$kind: kesu peak RSS per drive" "$(rss_max $kind zero random dod)" "<=" 64 " MiB"
done
verdict "ram: two drives at once vs one" "$(ratio "$two" "$one")" ">=" 1.5 x
echo
echo "total time: $((T_END - T_START)) s (measuring), $(($(date +%s) - T_START)) s with the report"

if [ -n "$RAW" ]; then
	{ echo "# kind test run field value"; cat "$DB"; } >"$RAW"
	echo "raw measurements: $RAW"
fi

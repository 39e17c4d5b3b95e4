#!/bin/bash
# The fixed cost of one kesu wipe job: process start to exit, minus the
# time its passes and verifications took, on a 1 MiB image (so the passes
# are short). Rendering and signing the certificate is part of that cost;
# it is measured on its own with kesu cert issue --force (the same
# rendering from the ledger's record), and the rest is reported beside it.
# Medians of RUNS; noisy machines: compare medians, not single runs.
#   tests/bench/bench-job-overhead.sh [--runs N] [--kesu PATH]
set -euo pipefail
runs=9
kesu=$(dirname "$0")/../../build/kesu
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--kesu) kesu=$2; shift 2 ;;
	*) echo "usage: $0 [--runs N] [--kesu PATH]" >&2; exit 2 ;;
	esac
done
kesu=$(readlink -f "$kesu")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_DATA_HOME=$work/data XDG_CONFIG_HOME=$work/config
mkdir -p "$XDG_CONFIG_HOME/kesu"
printf 'operator = Bench\nclass = III\n' >"$XDG_CONFIG_HOME/kesu/config" # the policy needs a class
truncate -s 1M "$work/disk.img"
# The first wipe makes the key and the ledger; a refusal here is said, not swallowed.
if ! "$kesu" wipe --yes --force --progress none --method nist-clear "$work/disk.img" >"$work/first" 2>&1; then
	echo "bench-job-overhead: the first wipe failed:" >&2
	cat "$work/first" >&2
	exit 1
fi

ms() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
: >"$work/fixed" && : >"$work/render" && : >"$work/wall"
for i in $(seq "$runs"); do
	t0=$(ms)
	"$kesu" wipe --yes --force --progress none --json --method nist-clear "$work/disk.img" >"$work/out.json"
	t1=$(ms)
	io=$(jq '[.jobs[0].passes[] | .seconds + (.verification.seconds // 0)] | add' "$work/out.json")
	seq_no=$(jq -r '.jobs[0].record.seq' "$work/out.json")
	t2=$(ms)
	"$kesu" cert issue --force "$seq_no" >/dev/null
	t3=$(ms)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b - a) / 1e6}' >>"$work/wall"
	awk -v a="$t0" -v b="$t1" -v io="$io" 'BEGIN {printf "%.1f\n", (b - a) / 1e6 - io * 1000}' >>"$work/fixed"
	awk -v a="$t2" -v b="$t3" 'BEGIN {printf "%.1f\n", (b - a) / 1e6}' >>"$work/render"
done
wall=$(median <"$work/wall")
fixed=$(median <"$work/fixed")
render=$(median <"$work/render")
echo "runs: $runs (1 MiB image, nist-clear, sampled verification)"
echo "job wall time, median:                        $wall ms"
echo "fixed cost (wall minus passes and reads):     $fixed ms"
echo "certificate alone (kesu cert issue), median:  $render ms"
awk -v f="$fixed" -v r="$render" 'BEGIN {printf "fixed cost beyond the certificate:            %.1f ms (target <= 50)\n", f - r}'

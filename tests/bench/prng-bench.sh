#!/bin/sh
# Builds tests/bench/prng_bench.c with -O2 against src/lib/prng.c and prints
# GB/s for each code path of the random stream (median of 5 runs, 1 GiB
# each, into a 1 MiB buffer). Not a test: numbers depend on the machine.
#   tests/bench/prng-bench.sh            benchmark
#   tests/bench/prng-bench.sh --check    also: the stream equals openssl's
#                                        aes-128-ctr and 64 MiB of it does
#                                        not shrink under zstd -19 / gzip -9
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${TMPDIR:-/tmp}/kesu-prng-bench.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
${CC:-cc} -std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$root/include" \
	"$root/tests/bench/prng_bench.c" "$root/src/lib/prng.c" -o "$out/prng_bench"
"$out/prng_bench"

[ "${1:-}" = --check ] || exit 0
size=$((64 << 20))
"$out/prng_bench" --dump $size > "$out/stream"
head -c $size /dev/zero | openssl enc -aes-128-ctr -nosalt \
	-K 000102030405060708090a0b0c0d0e0f -iv 101112131415161718191a1b1c1d1e1f > "$out/openssl"
if cmp -s "$out/stream" "$out/openssl"; then
	echo "stream equals openssl aes-128-ctr: yes"
else
	echo "stream equals openssl aes-128-ctr: NO" >&2
	exit 1
fi
status=0
for z in "zstd -19 -q -c" "gzip -9 -c"; do
	packed=$($z < "$out/stream" | wc -c)
	# Fails when the compressed size is below 99.9% of the input.
	if [ $((packed * 1000)) -lt $((size * 999)) ]; then
		echo "$z: $size -> $packed bytes: compressible!" >&2
		status=1
	else
		echo "$z: $size -> $packed bytes (no shrink)"
	fi
done
exit $status

#!/bin/sh
# Fuzzes the method file parser with libFuzzer for SECONDS (default 30):
#   tests/fuzz/run.sh [SECONDS]
# Builds tests/fuzz/fuzz_method.c with clang -fsanitize=fuzzer,address,
# undefined against the parser sources, seeds it with methods/*.method and
# exits non-zero when it finds a crash, a sanitizer report or a broken
# check (the input is kept as $KESU_FUZZ_DIR/crash-*). Needs clang and
# libFuzzer (Debian 12: clang-14 + libclang-rt-14-dev, installed here when
# missing and run as root). KESU_FUZZ_SELFTEST=1 plants a bug to show
# that crashes are reported.
set -eu
seconds=${1:-30}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${KESU_FUZZ_DIR:-${TMPDIR:-/tmp}/kesu-fuzz-method}
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing clang (libFuzzer) ..."
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >/dev/null
	else
		echo "run.sh: $cc not found: apt-get install clang" >&2
		exit 2
	fi
fi

rm -rf "$work"
mkdir -p "$work/seeds" "$work/corpus"
cp "$root"/methods/*.method "$work/seeds/"
# Words the parser looks for, so the fuzzer reaches deeper faster.
cat > "$work/method.dict" <<'DICT'
"id "
"version "
"title.en "
"title.ja "
"standard "
"source "
"nist "
"verify "
"note "
"pass "
"clear"
"purge"
"none"
"last"
"all"
"random"
"R1"
"~R1"
"R16"
"~R"
".method"
"\x0d\x0a"
"\xef\xbb\xbf"
"\xe3\x81\x82"
DICT

selftest=
[ "${KESU_FUZZ_SELFTEST:-}" = 1 ] && selftest=-DKESU_FUZZ_SELFTEST
"$cc" -g -O1 -std=gnu11 -D_GNU_SOURCE $selftest \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I"$root/include" -I"$root/src/lib" \
	"$root/tests/fuzz/fuzz_method.c" "$root/src/lib/method_parse.c" \
	"$root/src/lib/method_registry.c" "$root/src/lib/error.c" \
	-lsodium -o "$work/fuzz_method"

status=0
"$work/fuzz_method" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len=8192 -dict="$work/method.dict" -artifact_prefix="$work/" \
	-print_final_stats=1 "$work/corpus" "$work/seeds" > "$work/log" 2>&1 || status=$?
tail -n 25 "$work/log"
if [ "$status" -ne 0 ]; then
	echo "fuzz_method FAILED (exit $status); input kept in:" >&2
	ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* >&2 2>/dev/null || true
	exit 1
fi
echo "fuzz_method: no crash in $seconds s ($(ls "$work/corpus" | wc -l) corpus inputs)"

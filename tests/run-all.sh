#!/bin/bash
# Installs what is needed, fuzzes the method parser and the PDF reader
# briefly, builds kesu twice and runs every unit and integration test in
# both builds:
#   - normal: gcc, Release (what a distribution ships: -O3, hardening on);
#     the live image is built from and boot-tested with this kesu;
#   - sanitizer: clang, AddressSanitizer + UndefinedBehaviorSanitizer.
# So gcc and clang, Release and the sanitizers all stay green, with
# warnings as errors (KESU_WERROR) in both. Run as root from the source
# tree:
#   tests/run-all.sh
# Build trees go to build-ci/, build-ci-clang-asan/, build-ci-fuzz-build/
# and the fuzzers' work to build-ci-fuzz*/ (override the parent directory
# with KESU_BUILD_ROOT).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
out=${KESU_BUILD_ROOT:-$src}
jobs=$(nproc)
passed=0
failed=0

.ci/install-deps

# python3 can be a pyenv shim, a bash script that costs about half a
# second of CPU a call, and each suite calls python3 some 200 times: the
# interpreter it stands for goes first in PATH (the same python, and the
# same packages, without the detour).
if command -v pyenv >/dev/null && py=$(pyenv which python3 2>/dev/null) &&
	[[ $py == "$(pyenv root)"/* ]]; then
	PATH=$(dirname "$py"):$PATH
fi

stage() { echo "=== $* (at ${SECONDS} s)"; }
stage "fuzzing the method parser, the certificate PDF reader and the PDF signature checks for 10 s each"
export KESU_FUZZ_BUILD="$out/build-ci-fuzz-build" # one instrumented tree for both
KESU_FUZZ_DIR="$out/build-ci-fuzz" tests/fuzz/run.sh 10 method | tail -n 3
KESU_FUZZ_DIR="$out/build-ci-fuzz-pdf" tests/fuzz/run.sh 10 pdf | tail -n 3
KESU_FUZZ_DIR="$out/build-ci-fuzz-pades" tests/fuzz/run.sh 10 pades | tail -n 3

# build NAME DIR JOBS CMAKE-ARGS...: configures and builds one tree
build() {
	local name=$1 dir=$2 j=$3
	shift 3
	stage "$name build"
	# Tests ON, not AUTO: a missing Criterion fails here, never skips.
	cmake -S "$src" -B "$dir" -DKESU_WERROR=ON -DKESU_BUILD_TESTS=ON "$@" >/dev/null
	cmake --build "$dir" -j"$j" >/dev/null
}

# run_tests NAME DIR: every unit and integration test of a built tree
run_tests() {
	local name=$1 dir=$2 rc=0 total bad
	stage "$name tests"
	ctest --test-dir "$dir" --output-on-failure -j"$jobs" | tee "$dir/ctest.log" || rc=$?
	total=$(sed -n 's/.*tests failed out of \([0-9]*\).*/\1/p' "$dir/ctest.log" | tail -1)
	bad=$(sed -n 's/.*, \([0-9]*\) tests failed out of.*/\1/p' "$dir/ctest.log" | tail -1)
	passed=$((passed + ${total:-0} - ${bad:-0}))
	failed=$((failed + ${bad:-0}))
	# ctest failed without saying how many: count the suite as one failure
	if [ "$rc" -ne 0 ] && [ "${bad:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
}

build normal "$out/build-ci" "$jobs" -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=Release
run_tests normal "$out/build-ci"

# The sanitizer tree builds on one core, at low priority, while the live
# image boots: QEMU's TCG runs each guest on one host thread, so the other
# core would sit idle through the nine boots (about 260 s, longer than
# this build takes on one core). Its output goes to a log, shown if it fails.
asan="$out/build-ci-clang-asan"
mkdir -p "$asan"
stage "sanitizer build on one core, beside the live image (log: $asan/build.log)"
(
	renice -n 10 -p "$BASHPID" >/dev/null
	build sanitizer "$asan" 1 -DCMAKE_C_COMPILER=clang \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DKESU_SANITIZE=ON
) >"$asan/build.log" 2>&1 &
asan_build=$!

# The live image built from the normal build's kesu, booted under QEMU
# nine ways (iso/README.md: self-tests, unattended wipes checked on the
# host, a bad sector, NVMe Format, usb-storage, the text UI on the serial
# console, in Japanese there and under fbterm), then over the network
# (iPXE from QEMU's TFTP server, pushing to a throw-away PostgreSQL): one test.
stage "live image"
if iso/build.sh --kesu "$out/build-ci/kesu" --out "$out/build-ci/kesu-live.iso" &&
	iso/boot-test.sh --kesu "$out/build-ci/kesu" "$out/build-ci/kesu-live.iso"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1))
fi

stage "waiting for the sanitizer build"
if ! wait "$asan_build"; then
	cat "$asan/build.log"
	echo "tests: the sanitizer build failed; its tests did not run"
	failed=$((failed + 1))
else
	# A sanitizer report fails the test that caused it.
	export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	# clang's ASan runtime is linked statically: the kesu_fault shim that the
	# tests LD_PRELOAD (built without sanitizers) works with it as with gcc's.
	# The kill-and-resume soak runs 50 times in the normal build; 10 under the
	# sanitizers, which look for memory errors, not for rare timings.
	export KESU_SOAK_RUNS=10
	run_tests sanitizer "$asan"
fi

echo "tests: $passed passed, $failed failed, in ${SECONDS} s"
[ "$failed" -eq 0 ]

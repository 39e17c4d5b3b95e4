#!/bin/bash
# Installs what is needed, builds kesu twice (normal, and with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every unit and
# integration test in both builds. Run as root from the source tree:
#   tests/run-all.sh
# Build trees go to build-ci/ and build-ci-asan/ (override with KESU_BUILD_ROOT).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
out=${KESU_BUILD_ROOT:-$src}
jobs=$(nproc)

.ci/install-deps

run_suite() {
	local name=$1 dir=$2
	shift 2
	echo "=== $name build"
	cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
	cmake --build "$dir" -j"$jobs" >/dev/null
	echo "=== $name tests"
	ctest --test-dir "$dir" --output-on-failure -j"$jobs"
}

run_suite normal "$out/build-ci"
# halt_on_error: a sanitizer report fails the test that caused it.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite sanitizer "$out/build-ci-asan" -DKESU_SANITIZE=ON
echo "=== fuzzing the method parser for 30 s"
KESU_FUZZ_DIR="$out/build-ci-fuzz" tests/fuzz/run.sh 30
echo "=== all tests passed in both builds"

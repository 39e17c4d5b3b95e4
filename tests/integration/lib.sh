# Shared helpers for the integration tests. Every test writes only to image
# files and loop devices it created itself; cleanup runs on every exit.
set -euo pipefail

KESU=${1:?usage: $0 PATH-TO-KESU}
KESU=$(readlink -f "$KESU")
TEST_NAME=$(basename "$0" .sh)
WORK=$(mktemp -d "/tmp/kesu-${TEST_NAME}.XXXXXX")
MOUNTS=()
SWAPS=()
PASSED=0
FAILED=0

cleanup() {
	local m l s
	for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || true; done
	for s in "${SWAPS[@]}"; do swapoff "$s" 2>/dev/null || true; done
	# attach() runs in command substitutions, so it records loops in a file.
	[ -f "$WORK/loops" ] && while read -r l; do
		owned_loop "$l" && losetup -d "$l" 2>/dev/null || true
	done <"$WORK/loops"
	rm -rf "$WORK"
}
trap cleanup EXIT
# owned_loop DEV: DEV is still backed by a file of this test. A test that
# detached its device itself (losetup -d, to show a vanished drive) must
# not detach it again at exit: tests run side by side, and the next
# `losetup -f` of another test may hold that number by then.
owned_loop() {
	local backing
	backing=$(cat "/sys/block/${1#/dev/}/loop/backing_file" 2>/dev/null) || return 1
	[[ $backing == "$WORK"/* ]] || grep -qxF "$1 $backing" "$WORK/loop_images" 2>/dev/null
}
trap 'exit 130' INT TERM

# Each test has its own station: config (with an operator), key, ledger
# and certificates under $WORK, never the user's.
unset KESU_KEY KESU_LEDGER KESU_CONFIG
# Test machines rarely run NTP: no clock warning on every wipe's stderr
# (test_clock_warning.sh unsets this).
export KESU_NO_CLOCK_WARNING=1
export XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data"
mkdir -p "$XDG_CONFIG_HOME/kesu"
# class = III: the default policy (docs/policy.md) refuses a job whose class is not
# known; tests about class I and II give it, with an approval or a policy.
printf 'operator = Test Operator\norganisation = Test City\nclass = III\n' >"$XDG_CONFIG_HOME/kesu/config"
# A policy without the approval and witness rules, for tests about something
# else that need class I or II (the default policy's own tests: test_disposal).
OPEN_POLICY="$WORK/open.policy"
printf '[all]\napproval = optional\nwitness = optional\n' >"$OPEN_POLICY"
LEDGER="$XDG_DATA_HOME/kesu/ledger.sqlite"
CERTS="$XDG_DATA_HOME/kesu/certificates"

if [ "$(id -u)" -ne 0 ]; then
	echo "$TEST_NAME: needs root (loop devices)" >&2
	exit 1
fi

# make_image NAME SIZE -> prints the path of a new sparse image file
make_image() {
	local img="$WORK/$1"
	truncate -s "$2" "$img"
	echo "$img"
}

# attach IMAGE [losetup options] -> prints the loop device; detached on exit
attach() {
	local img=$1
	shift
	local dev
	dev=$(losetup -f --show -P "$@" "$img")
	echo "$dev" >>"$WORK/loops"
	echo "$dev $(readlink -f "$img")" >>"$WORK/loop_images"
	# This kernel does not always scan partitions at attach time.
	partprobe "$dev" 2>/dev/null || true
	echo "$dev"
}

# mount_dev DEV DIR [mount options]: mounted for the test, unmounted on exit
mount_dev() {
	local dev=$1 dir=$2
	shift 2
	mkdir -p "$dir"
	mount "$@" "$dev" "$dir"
	MOUNTS+=("$dir")
}

swap_on() {
	swapon "$1"
	SWAPS+=("$1")
}

# wait_for_node PATH: partition nodes appear asynchronously
wait_for_node() {
	local i
	for i in $(seq 50); do
		[ -b "$1" ] && return 0
		sleep 0.1
	done
	echo "$1 did not appear" >&2
	return 1
}

ok() {
	PASSED=$((PASSED + 1))
	echo "ok - $*"
}

not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds (its
# standard output is dropped: jq -e and grep print what they match)
check() {
	local what=$1
	shift
	if "$@" >/dev/null; then ok "$what"; else not_ok "$what"; fi
}

# expect_exit CODE DESCRIPTION COMMAND...: runs it, keeps stdout/stderr in
# $WORK/out and $WORK/err, passes when it exits with CODE
expect_exit() {
	local want=$1 what=$2 rc=0
	shift 2
	"$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$what (exit $rc)"
	else
		not_ok "$what: exit $rc, wanted $want; stderr: $(head -c 400 "$WORK/err")"
	fi
}

finish() {
	echo "$TEST_NAME: $PASSED passed, $FAILED failed"
	[ "$FAILED" -eq 0 ]
}

# validate_pairs SCHEMA-DIR PAIRS-FILE: each "PATH NAME [refuse]" line's JSON
# against SCHEMA-DIR/NAME.schema.json (validate_json.py), one check each,
# and a check that the validator judged every pair.
validate_pairs() {
	local line
	python3 "$(dirname "${BASH_SOURCE[0]}")/validate_json.py" "$1" "$2" >"$WORK/validate.txt" 2>&1 || true
	while read -r line; do
		case $line in
		"ok - "*) ok "${line#ok - }" ;;
		"not ok - "*) not_ok "${line#not ok - }" ;;
		*) not_ok "validator: $line" ;;
		esac
	done <"$WORK/validate.txt"
	check "the validator judged every output" test "$(grep -c '^ok\|^not ok' "$WORK/validate.txt")" -eq "$(wc -l <"$2")"
}

#!/bin/bash
# ctest: parallel
# docs/kesu.conf.example (issue 18, item 6) loads with every key uncommented,
# and holds every key src/lib/config.c knows, so it cannot go stale.
source "$(dirname "$0")/lib.sh"

SRC=${KESU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
EXAMPLE="$SRC/docs/kesu.conf.example"

# Every key line is "#key = value"; prose comments have a space after "#".
mkdir -p "$WORK/station"
sed 's/^#\([a-z_0-9]* = \)/\1/' "$EXAMPLE" >"$WORK/station/config"
cp "$SRC/docs/policy-example.conf" "$WORK/station/"
export KESU_CONFIG="$WORK/station/config"
expect_exit 0 "kesu policy show loads the example with every key set" "$KESU" policy show
check "the example's policy is the one in force" grep -q "高松市" "$WORK/out"
check "nothing was said about the config" test ! -s "$WORK/err"

# The keys kesu knows: config.c's table ({"name", KEY_...}).
known=$(grep -oE '^[[:space:]]*\{"[a-z_0-9]+", KEY_' "$SRC/src/lib/config.c" | grep -oE '"[a-z_0-9]+"' | tr -d '"')
check "config.c's key table was found" test "$(wc -w <<<"$known")" -ge 20
for key in $known; do
	check "the example has $key" grep -qE "^#$key = " "$EXAMPLE"
done
for key in $(grep -oE '^#[a-z_0-9]+ = ' "$EXAMPLE" | tr -d '# ='); do
	check "kesu knows the example's key $key" grep -qxF "$key" <<<"$known"
done

# A key that kesu does not know is refused, naming the file and line: the
# check above is not vacuous.
printf 'operator = x\nopertor = y\n' >"$WORK/station/config"
expect_exit 2 "an unknown key is refused" "$KESU" policy show
check "the error names the file and line" grep -q "config:2" "$WORK/err"
finish

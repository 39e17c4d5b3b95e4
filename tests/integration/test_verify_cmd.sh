#!/bin/bash
# kesu verify: secondary verification of a drive erased earlier, read-only.
source "$(dirname "$0")/lib.sh"
size=$((16 << 20))
img=$(make_image v.img "$size")
dev=$(attach "$img")
# zero reads nothing back: written, not verified (exit 7); kesu verify is the check here
"$KESU" wipe --yes --progress none --method zero "$dev" >/dev/null || [ $? -eq 7 ]

expect_exit 0 "sampled check of a zeroed drive" "$KESU" verify --expect zero "$dev"
check "it says PASSED with 10% sampling" grep -qE "^$dev: PASSED, sample 10.0%" "$WORK/out"
expect_exit 0 "full read of a zeroed drive" "$KESU" verify --full --expect zero "$dev"
expect_exit 4 "expecting ff on a zeroed drive" "$KESU" verify --expect ff "$dev"

# One changed sector: a full read finds exactly it.
printf 'X' | dd of="$dev" bs=1 seek=$((12345 * 512 + 7)) conv=notrunc status=none
sync
expect_exit 4 "a full read finds a changed sector" "$KESU" verify --full --expect zero "$dev"
check "it names sector 12345 (one sector: singular)" grep -qx "  1 sector differs from zero: 12345" "$WORK/out"
expect_exit 4 "--json says the same" "$KESU" verify --full --json --expect zero "$dev"
check "json: mismatched 12345+1" test "$(jq -r '.mismatched | map("\(.first)+\(.count)") | join(",")' "$WORK/out")" = "12345+1"

# A random pass, checked from its recorded seed.
"$KESU" wipe --yes --force --json --progress none --method random "$dev" >"$WORK/r.json" || [ $? -eq 7 ]
seed=$(jq -r '.jobs[0].passes[0].seed' "$WORK/r.json")
expect_exit 0 "a random pass verifies from its seed" "$KESU" verify --full --expect "random:$seed" "$dev"
other=$(printf '%064d' 1)
expect_exit 4 "another seed does not" "$KESU" verify --expect "random:$other" "$dev"
check "the device was only read (still the random pass)" \
	"$KESU" verify --full --expect "random:$seed" "$dev"

expect_exit 2 "a bad --expect" "$KESU" verify --expect pattern:XYZ "$dev"
check "the error names it" grep -q 'expect "pattern:XYZ" is not valid' "$WORK/err"
expect_exit 2 "no --expect" "$KESU" verify "$dev"
expect_exit 2 "a short seed" "$KESU" verify --expect random:abcd "$dev"
# Every check is recorded in the ledger, like a wipe.
"$KESU" ledger list --json >"$WORK/ledger.json"
check "the ledger holds the checks with their outcomes" \
	jq -e '[.records[].record | select(.kind == "verify") | .outcome] | (index("PASSED") != null) and (index("FAILED") != null)' "$WORK/ledger.json"
check "a failed check names the sector" \
	jq -e '[.records[].record | select(.kind == "verify" and .outcome == "FAILED") | .verification.mismatched[].first] | index(12345) != null' "$WORK/ledger.json"
expect_exit 0 "and the ledger verifies" "$KESU" ledger verify
finish

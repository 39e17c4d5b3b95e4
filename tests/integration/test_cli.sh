#!/bin/bash
# Command-line basics and kesu info on an image file and a loop device.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "--help" "$KESU" --help
check "--help lists list, info and check" grep -qE '^  list ' "$WORK/out"
check "--help has the exit status table" grep -q "5 refused by the safety gate" "$WORK/out"
expect_exit 0 "--version" "$KESU" --version
check "--version prints the version" grep -qE '^kesu [0-9]+\.[0-9]+\.[0-9]+$' "$WORK/out"
expect_exit 2 "no command" "$KESU"
expect_exit 2 "an unknown command" "$KESU" frobnicate
check "the error names the command" grep -q 'unknown command "frobnicate"' "$WORK/err"
for cmd in list info check; do
	expect_exit 0 "$cmd --help" "$KESU" "$cmd" --help
done
expect_exit 2 "info with two devices" "$KESU" info /a /b

img=$(make_image info.img 10M)
mkfs.ext4 -q -L IMGFS "$img"
expect_exit 0 "info on an image file" "$KESU" info "$img"
check "info says transport file" grep -qE '^  transport +file$' "$WORK/out"
check "info shows the ext4 signature" grep -qE '^  signature +ext4$' "$WORK/out"
check "info says unknown for the serial" grep -qE '^  serial +unknown$' "$WORK/out"
check "info shows the exact size" grep -qE '^  size +10485760 bytes' "$WORK/out"

dev=$(attach "$img")
expect_exit 0 "info on the loop device" "$KESU" info "$dev"
check "info shows the backing file" grep -qE "^  backing file +$img$" "$WORK/out"
check "info says a loop device has no firmware erase" grep -qE '^  not available +/dev/loop[0-9]+ is a loop device' "$WORK/out"
check "info says the gate would accept it with a warning" grep -qE '^  safety gate +warns$' "$WORK/out"
expect_exit 0 "info --json" "$KESU" info --json "$dev"
check "info --json parses and names the device" jq -e --arg d "$dev" '.path == $d and .signature == "ext4"' "$WORK/out"

finish

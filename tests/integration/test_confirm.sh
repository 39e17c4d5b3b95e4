#!/bin/bash
# At a terminal the operator confirms a wipe by typing the drive's serial
# number (the device name where it has none): anything else writes nothing.
source "$(dirname "$0")/lib.sh"
pty="python3 $(dirname "$0")/confirm_pty.py"
img=$(make_image c.img 4M)
python3 -c "import sys; open(sys.argv[1], 'r+b').write(b'\x5a' * (4 << 20))" "$img"
dev=$(attach "$img")
name=$(basename "$dev")
sum=$(sha256sum "$img" | cut -d' ' -f1)

expect_exit 5 "a wrong answer" $pty yes "$KESU" wipe --progress none --method zero "$dev"
check "the prompt asks for the device name (a loop device has no serial)" grep -q "Type its device name \"$name\" to go ahead" "$WORK/out"
check "it says nothing was written" grep -q "not confirmed; nothing was written" "$WORK/out"
check "and nothing was" test "$(sha256sum "$img" | cut -d' ' -f1)" = "$sum"
expect_exit 5 "an empty answer" $pty "" "$KESU" wipe --progress none --method zero "$dev"
check "still nothing written" test "$(sha256sum "$img" | cut -d' ' -f1)" = "$sum"
expect_exit 0 "the device name" $pty "$name" "$KESU" wipe --progress none --method zero "$dev"
check "the wipe ran" grep -q "SUCCESS\|UNVERIFIED" "$WORK/out"
check "the drive is zero" test "$(od -An -v -tx1 "$img" | tr -s ' \n' '\n' | grep -v '^$' | sort -u | tr -d '\n')" = 00
finish

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
expect_exit 7 "the device name (zero: written, not verified)" $pty "$name" "$KESU" wipe --progress none --method zero "$dev"
check "the wipe ran" grep -q "SUCCESS\|UNVERIFIED" "$WORK/out"
check "the drive is zero" test "$(od -An -v -tx1 "$img" | tr -s ' \n' '\n' | grep -v '^$' | sort -u | tr -d '\n')" = 00

# An image file swapped while the prompt waits (renamed away, another file
# hard-linked in its place): refused, and neither file is touched.
target=$(make_image swap.img 4M)
python3 -c "import sys; open(sys.argv[1], 'r+b').write(b'\x11' * (4 << 20))" "$target"
victim=$(make_image victim.img 4M)
python3 -c "import sys; open(sys.argv[1], 'r+b').write(b'\x22' * (4 << 20))" "$victim"
sum_target=$(sha256sum "$target" | cut -d' ' -f1)
sum_victim=$(sha256sum "$victim" | cut -d' ' -f1)
export PTY_BEFORE_ANSWER="mv '$target' '$target.old' && ln '$victim' '$target'"
# (kesu's last words can be lost with the terminal when it exits: tee keeps a
# copy, waited for before the shell exits and deaf to the terminal's hang-up)
export KESU TARGET=$target COPY=$WORK/said
expect_exit 5 "an image swapped at the prompt is refused" $pty "$(basename "$target")" \
	bash -c '"$KESU" wipe --progress none --method nist-clear "$TARGET" 2> >(trap "" HUP; exec tee "$COPY" >&2); rc=$?; wait $!; exit $rc'
unset PTY_BEFORE_ANSWER
# What the terminal showed ($WORK/out) or tee's copy: either must say it.
check "it says the target changed since it was checked" \
	grep -q "changed since it was checked" "$WORK/said" "$WORK/out" ||
	sed 's/^/# said: /' "$WORK/said" "$WORK/out"
check "the file now at that name (the other one) is unchanged" test "$(sha256sum "$victim" | cut -d' ' -f1)" = "$sum_victim"
check "the confirmed file is unchanged too" test "$(sha256sum "$target.old" | cut -d' ' -f1)" = "$sum_target"
check "no ledger row was begun" test "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs WHERE device_key LIKE '%swap.img%'" 2>/dev/null || echo 0)" -eq 0
finish

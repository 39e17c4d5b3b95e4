#!/bin/bash
# The safety gate follows stacked devices both ways (issue 12 B1): a loop
# device on a mounted loop device, a loop device on the backing file of a
# mounted loop device, and the reverse (a mounted top refuses its base
# device and base file) are refused with exit 5 and the chain named, even
# with --force; list, info and check show it; nothing is written.
source "$(dirname "$0")/lib.sh"

WIPE=("$KESU" wipe --yes --force --progress none --method zero)
sum() { sha256sum "$1" | cut -d' ' -f1; }

img=$(make_image stack.img 32M)
base=$(attach "$img")                 # loopA: the image
mkfs.ext4 -q -F "$base"
on_base=$(attach "$base")             # loopB: backed by the device loopA
twin=$(attach "$img")                 # loopC: the same image file as loopA
mount_dev "$base" "$WORK/mnt" -o ro
before=$(sum "$img")

# --- Down: what the target stands on is mounted ---
expect_exit 5 "a loop on a mounted loop: check refused" "$KESU" check --force "$on_base"
check "the reason names the chain down to the mount" \
	grep -q "^kesu: $on_base: mounted: backed by $base, which is mounted on $WORK/mnt" "$WORK/err"
expect_exit 5 "a loop on a mounted loop: wipe refused even with --force" "${WIPE[@]}" "$on_base"
check "the wipe names the chain" grep -q "backed by $base, which is mounted on $WORK/mnt" "$WORK/err"

expect_exit 5 "a loop on the backing file of a mounted loop: check refused" "$KESU" check --force "$twin"
check "the reason names the file and the mounted loop" \
	grep -q "^kesu: $twin: mounted: backed by $img, which $base (on $WORK/mnt) stands on too" "$WORK/err"
expect_exit 5 "a loop on the backing file of a mounted loop: wipe refused" "${WIPE[@]}" "$twin"

"$KESU" list --json >"$WORK/list.json"
check "list --json: the stacked loop is mounted" \
	jq -e --arg d "$on_base" '.devices[] | select(.device == $d or .path == $d) | .state == "mounted"' "$WORK/list.json"
check "list --json: state_reason names the chain" \
	jq -e --arg d "$on_base" --arg b "$base" '.devices[] | select(.device == $d or .path == $d) | .state_reason | contains("backed by " + $b)' "$WORK/list.json"
check "list --json: stack.mounted is the same line" \
	jq -e --arg d "$twin" '.devices[] | select(.device == $d or .path == $d) | .stack.mounted | startswith("mounted: backed by ")' "$WORK/list.json"
"$KESU" list -o DEVICE,STATE,REASON >"$WORK/list.txt"
check "list: STATE column says mounted for the stacked loop" grep -Eq "^$on_base +mounted +mounted: backed by" "$WORK/list.txt"
"$KESU" info "$on_base" >"$WORK/info.txt" 2>&1 || true
check "info: the stack line" grep -q "through the stack.*backed by $base, which is mounted on $WORK/mnt" "$WORK/info.txt"
check "info: the gate refuses" grep -q "safety gate.*refuses" "$WORK/info.txt"

# --- Up: what stands on the target is mounted ---
umount "$WORK/mnt"
mount_dev "$on_base" "$WORK/mnt2" -o ro
expect_exit 5 "the base device of a mounted loop: refused" "$KESU" check --force "$base"
check "the reason names the mounted loop standing on it" \
	grep -q "^kesu: $base: mounted: $on_base (on $WORK/mnt2) stands on it" "$WORK/err"
expect_exit 5 "the base device of a mounted loop: wipe refused" "${WIPE[@]}" "$base"
expect_exit 5 "the base file of a mounted loop stack: refused" "$KESU" check --force "$img"
check "the reason names the chain up to the mount" \
	grep -q "^kesu: $img: mounted: $on_base (on $WORK/mnt2) stands on it through $base" "$WORK/err"
expect_exit 5 "the base file: wipe refused" "${WIPE[@]}" "$img"
expect_exit 5 "a sibling loop of the mounted stack's base: refused" "$KESU" check --force "$twin"
check "the sibling's reason names the file and the chain" \
	grep -q "^kesu: $twin: mounted: backed by $img, which $on_base (on $WORK/mnt2) stands on too" "$WORK/err"
umount "$WORK/mnt2"
check "nothing was written by any refused command" test "$(sum "$img")" = "$before"

# --- Free again: the stacked loops are accepted (warnings only) ---
expect_exit 0 "unmounted: the loop on a loop is accepted" "$KESU" check --force "$on_base"
expect_exit 0 "unmounted: the twin loop is accepted" "$KESU" check --force "$twin"
expect_exit 5 "a loop device standing on another: the base is held" "$KESU" check --force "$base"
check "the reason says held by the loop" grep -q "is in use by $(basename "$on_base")" "$WORK/err"
expect_exit 0 "a wipe through the twin loop still works" "${WIPE[@]}" --verify sample "$twin"
check "and it wrote the image" test "$(sum "$img")" != "$before"

finish

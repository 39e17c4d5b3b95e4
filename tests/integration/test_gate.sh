#!/bin/bash
# The safety gate refuses mounted, swap, held and busy drives, and kesu's
# own files (ledger, keys, config, certificates), with exit 5, even with
# --force, and writes nothing; it accepts a free drive, warning about its
# partition table. Stacked devices: test_gate_stack.sh.
source "$(dirname "$0")/lib.sh"

img=$(make_image gate.img 64M)
sgdisk -n1:0:+30M -t1:8300 -n2:0:0 -t2:8200 "$img" >/dev/null
dev=$(attach "$img")
wait_for_node "${dev}p1"
mkfs.ext4 -q "${dev}p1"
mkswap -q "${dev}p2" >/dev/null
sum() { sha256sum "$dev" | cut -d' ' -f1; }

expect_exit 0 "a free drive is accepted" "$KESU" check "$dev"
check "the partition table is reported as a warning" grep -q "warning: .*gpt partition table with 2 partition" "$WORK/out"
check "the confirmation token is the device name (loop has no serial)" grep -q "confirm with \"$(basename "$dev")\"" "$WORK/out"

# Read-only mount and swap leave the bytes alone, so any change to the
# device would be kesu's.
before=$(sum)
mount_dev "${dev}p1" "$WORK/mnt" -o ro
expect_exit 5 "mounted: refused" "$KESU" check "$dev"
check "the reason names the mount point" grep -q "is mounted on $WORK/mnt" "$WORK/err"
expect_exit 5 "mounted: refused even with --force" "$KESU" check --force "$dev"
check "the refusal is one line" test "$(wc -l <"$WORK/err")" -eq 1
ln -s "$dev" "$WORK/by-id-link"
expect_exit 5 "mounted, named through a symlink: refused" "$KESU" check --force "$WORK/by-id-link"
check "the refusal shows the real device" grep -q "^kesu: $dev is mounted" "$WORK/err"
expect_exit 5 "the mounted partition itself: refused" "$KESU" check --force "${dev}p1"
umount "$WORK/mnt"
check "the device is unchanged by the refused checks" test "$(sum)" = "$before"

swap_on "${dev}p2"
expect_exit 5 "active swap: refused even with --force" "$KESU" check --force "$dev"
check "the reason says swap" grep -q "active swap" "$WORK/err"
swapoff "${dev}p2"
check "the device is unchanged after the swap checks" test "$(sum)" = "$before"

expect_exit 5 "an image file attached to a loop device: refused" "$KESU" check --force "$img"
check "the reason names the loop device" grep -q "in use by $(basename "$dev")" "$WORK/err"

# Another program holding the device exclusively (as a running wipe would).
python3 -c 'import os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_EXCL); print("held", flush=True); time.sleep(30)' "$dev" >"$WORK/holder.out" &
holder=$!
for _ in $(seq 50); do grep -q held "$WORK/holder.out" 2>/dev/null && break; sleep 0.1; done
expect_exit 5 "held open exclusively by another program: refused" "$KESU" check --force "$dev"
check "the reason says who holds it" grep -q "is held open exclusively by python3 (pid $holder)" "$WORK/err"
kill "$holder"; wait "$holder" 2>/dev/null || true

ro_img=$(make_image ro.img 8M)
ro_dev=$(attach "$ro_img" --read-only)
expect_exit 5 "a read-only device: refused" "$KESU" check --force "$ro_dev"
check "the reason says read-only" grep -q "is read-only" "$WORK/err"

expect_exit 5 "a character device: refused" "$KESU" check /dev/null
check "the reason says what it is not" grep -q "neither a block device nor a regular image file" "$WORK/err"
expect_exit 2 "a path that does not exist: usage error" "$KESU" check "$WORK/nonexistent"
check "the error names the path" grep -q "$WORK/nonexistent: No such file or directory" "$WORK/err"
expect_exit 2 "no device named: usage error" "$KESU" check

losetup -d "$dev"
# The number is free again: another test's image there is not ours, and the
# exit trap must not detach it (tests run side by side).
outsider=$(mktemp /tmp/kesu-outsider.XXXXXX)
truncate -s 1M "$outsider"
if losetup "$dev" "$outsider" 2>/dev/null; then
	check "a device number reused by someone else is not detached at exit" bash -c "$(declare -f owned_loop); WORK='$WORK'; ! owned_loop '$dev'"
	losetup -d "$dev"
fi
rm -f "$outsider"
expect_exit 0 "the detached image file is accepted" "$KESU" check --force "$img"
check "the whole image is unchanged" test "$(sha256sum "$img" | cut -d' ' -f1)" = "$before"

# kesu's own files (issue 12 B2): the ledger, its key, its config and its
# certificates are refused as targets, by inode, also behind a loop device.
WIPE=("$KESU" wipe --yes --force --progress none --method zero --verify sample)
small=$(make_image small.img 4M)
expect_exit 0 "a first wipe makes the station's ledger, key and certificate" "${WIPE[@]}" "$small"
key=$(sed -n 's/.*made a station key: \([^ ]*\) .*/\1/p' "$WORK/err")
cert=$(find "$CERTS" -type f | head -n1)
check "the station's files exist" test -s "$LEDGER" -a -s "$key" -a -s "$cert"
fsum() { sha256sum "$@" | cut -d' ' -f1 | tr -d '\n'; }
own_before=$(fsum "$LEDGER" "$key" "$cert")
for target in "$LEDGER" "$key" "${key%.key}.pub" "$XDG_CONFIG_HOME/kesu/config" "$cert"; do
	expect_exit 5 "kesu's own file $(basename "$target"): check refused" "$KESU" check --force "$target"
	check "the reason says it is kesu's own file" grep -q "is kesu's own file" "$WORK/err"
done
expect_exit 5 "the ledger as a wipe target: refused" "${WIPE[@]}" "$LEDGER"
check "the reason names the ledger" grep -q "^kesu: $LEDGER is kesu's own file ($LEDGER)" "$WORK/err"
expect_exit 5 "the key as a wipe target: refused" "${WIPE[@]}" "$key"
expect_exit 5 "a certificate as a wipe target: refused" "${WIPE[@]}" "$cert"
check "the reason names the certificate directory" grep -q "is kesu's own file ($CERTS)" "$WORK/err"
ln "$LEDGER" "$WORK/innocent.img"
expect_exit 5 "a hard link to the ledger under another name: refused" "${WIPE[@]}" "$WORK/innocent.img"
rm "$WORK/innocent.img"
ledger_loop=$(attach "$LEDGER")
expect_exit 5 "a loop device backed by the ledger: check refused" "$KESU" check --force "$ledger_loop"
check "the reason names the chain to the ledger" \
	grep -q "^kesu: $ledger_loop stands on kesu's own file $LEDGER (backed by $LEDGER)" "$WORK/err"
expect_exit 5 "a loop device backed by the ledger: wipe refused" "${WIPE[@]}" "$ledger_loop"
losetup -d "$ledger_loop"
check "the ledger, key and certificate are unchanged" test "$(fsum "$LEDGER" "$key" "$cert")" = "$own_before"

# The station's paths come as kesu wipe takes them: flags, then environment.
alt=$(make_image alt.sqlite 1M)
expect_exit 0 "another file is no ledger of this station" "$KESU" check --force "$alt"
expect_exit 5 "--ledger names it: refused" "$KESU" check --force --ledger "$alt" "$alt"
KESU_LEDGER=$alt expect_exit 5 "\$KESU_LEDGER names it: refused" "$KESU" check --force "$alt"
cp "$alt" "$alt-wal"
expect_exit 5 "--ledger: its -wal file is refused too" "$KESU" check --force --ledger "$alt" "$alt-wal"
mkdir -p "$WORK/certs2/2026"
cp "$alt" "$WORK/certs2/2026/x.pdf"
expect_exit 5 "--cert-dir: a file inside is refused" "$KESU" check --force --cert-dir "$WORK/certs2" "$WORK/certs2/2026/x.pdf"
expect_exit 5 "--key: the key is refused" "$KESU" check --force --key "$alt" "$alt"
KESU_KEY=$alt expect_exit 5 "\$KESU_KEY names it: refused" "$KESU" check --force "$alt"

finish

#!/bin/bash
# Odd geometry and odd targets: sizes that are not a multiple of the
# request, 4096-byte sectors, image files on tmpfs and on ramfs (no
# O_DIRECT), and the safety gate in front of a real wipe.
source "$(dirname "$0")/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
FAULT=${KESU_FAULT_LIB:?}
WIPE=("$KESU" wipe --yes --force --json --progress none)
only() { od -An -v -tx1 "$1" | tr -s ' \n' '\n' | grep -v '^$' | uniq | tr -d '\n'; }
fill_old() { python3 -c "import sys; f = open(sys.argv[1], 'r+b'); f.write(b'\x5a' * int(sys.argv[2]))" "$1" "$2"; }

# A size that is not a multiple of the 4 MiB request.
size=$(( (10 << 20) + 3 * 512 ))
img=$(make_image odd.img "$size"); fill_old "$img" "$size"
dev=$(attach "$img")
expect_exit 0 "10 MiB + 3 sectors, 4 MiB requests" "${WIPE[@]}" --method nist-clear --verify full "$dev"
check "every byte is zero" test "$(only "$dev")" = 00
check "direct I/O was used on the loop device" jq -e '.jobs[0].direct_io == true' "$WORK/out"

# 4096-byte logical sectors: bad ranges are counted in 4 KiB sectors.
img4k=$(make_image 4k.img 8M); fill_old "$img4k" $((8 << 20))
dev4k=$(attach "$img4k" --sector-size 4096)
expect_exit 1 "4K sectors with a bad sector" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev4k" \
	KESU_FAULT_BAD_WRITE=$((100 * 4096)):4096 "${WIPE[@]}" --method zero --request-size 1M "$dev4k"
check "the bad range is sector 100 of 4096 bytes" \
	test "$(jq -r '.jobs[0] | "\(.sector_size) \(.passes[0].bad[0].first) \(.passes[0].bad[0].count)"' "$WORK/out")" = "4096 100 1"
expect_exit 0 "4K sectors, clean" "${WIPE[@]}" --method one --verify full "$dev4k"
check "every byte is ff" test "$(only "$dev4k")" = ff

# An image file on tmpfs.
mkdir -p "$WORK/tmpfs"
mount -t tmpfs -o size=64m tmpfs "$WORK/tmpfs"; MOUNTS+=("$WORK/tmpfs")
truncate -s 5M "$WORK/tmpfs/disk.img"; fill_old "$WORK/tmpfs/disk.img" $((5 << 20))
expect_exit 0 "an image file on tmpfs" "${WIPE[@]}" --method random --verify full "$WORK/tmpfs/disk.img"
check "transport file" jq -e '.jobs[0].device.transport == "file"' "$WORK/out"
check "no byte of the old data is left in the first MiB" \
	test "$(od -An -v -tx1 -N 1048576 "$WORK/tmpfs/disk.img" | tr -s ' \n' '\n' | grep -c '^5a$' | awk '{ print ($1 < 8000) }')" = 1

# ramfs refuses O_DIRECT: buffered writes, and an image whose size is not
# a multiple of 512.
mkdir -p "$WORK/ramfs"
mount -t ramfs ramfs "$WORK/ramfs"; MOUNTS+=("$WORK/ramfs")
odd=1000003
truncate -s "$odd" "$WORK/ramfs/odd.img"; fill_old "$WORK/ramfs/odd.img" "$odd"
expect_exit 0 "an odd-sized image on ramfs" "${WIPE[@]}" --method nist-clear --verify full "$WORK/ramfs/odd.img"
check "without direct I/O" jq -e '.jobs[0].direct_io == false' "$WORK/out"
check "all $odd bytes are zero" test "$(only "$WORK/ramfs/odd.img")" = 00
check "the size is unchanged" test "$(stat -c %s "$WORK/ramfs/odd.img")" = "$odd"

# The safety gate in front of a wipe: refused drives are not touched.
gimg=$(make_image gate.img 16M)
sgdisk -n1:0:0 -t1:8300 "$gimg" >/dev/null
gdev=$(attach "$gimg")
wait_for_node "${gdev}p1"
mkfs.ext4 -q "${gdev}p1"
sum=$(sha256sum "$gimg" | cut -d' ' -f1)
mount_dev "${gdev}p1" "$WORK/mnt" -o ro
expect_exit 5 "wipe of a mounted drive: refused" "${WIPE[@]}" --method zero "$gdev"
fill_old "$dev" "$size"
expect_exit 5 "with another, free drive named too: nothing is written" "${WIPE[@]}" --method zero "$dev" "$gdev"
umount "$WORK/mnt"
check "the refused drive is unchanged" test "$(sha256sum "$gimg" | cut -d' ' -f1)" = "$sum"
check "the free drive named with it was not touched either" test "$(only "$dev")" = 5a
expect_exit 5 "no terminal and no --yes: not confirmed" "$KESU" wipe --progress none --method zero "$gdev" </dev/null
check "the reason says so" grep -q "not confirmed: standard input is not a terminal" "$WORK/err"
expect_exit 5 "--yes without --force on a drive with a partition table" "$KESU" wipe --yes --progress none "$gdev"
check "the reason names the partition table" grep -q "gpt partition table" "$WORK/err"
expect_exit 0 "--dry-run" "$KESU" wipe --dry-run --yes --force "$gdev"
check "--dry-run says nothing was written" grep -q "nothing was written" "$WORK/out"
check "--dry-run wrote nothing" test "$(sha256sum "$gimg" | cut -d' ' -f1)" = "$sum"
expect_exit 2 "an unknown method" "$KESU" wipe --yes --method dod-9pass "$gdev"
check "the error names the method" grep -q 'unknown method "dod-9pass"' "$WORK/err"
expect_exit 2 "a bad --verify" "$KESU" wipe --yes --verify often "$gdev"
expect_exit 2 "a bad --request-size" "$KESU" wipe --yes --request-size 3000 "$gdev"
check "the drive is still unchanged" test "$(sha256sum "$gimg" | cut -d' ' -f1)" = "$sum"

finish

#!/bin/bash
# kesu list on a GPT loop device with an ext4 and a swap partition, and on
# a 4096-byte-sector loop device: table, -o, --json, bad columns.
source "$(dirname "$0")/lib.sh"

img=$(make_image gpt.img 96M)
dev=$(attach "$img")
sgdisk -n1:0:+40M -t1:8300 -n2:0:0 -t2:8200 "$dev" >/dev/null
partprobe "$dev" 2>/dev/null || true
wait_for_node "${dev}p1"
mkfs.ext4 -q -L KESUDATA "${dev}p1"
mkswap -q "${dev}p2" >/dev/null
name=$(basename "$dev")

img4k=$(make_image 4k.img 8M)
dev4k=$(attach "$img4k" --sector-size 4096)

"$KESU" list >"$WORK/table"
row=$(grep "^$dev " "$WORK/table" || true)
check "table lists $dev" test -n "$row"
check "table row says transport loop" grep -q " loop " <<<"$row"
check "table row says free" grep -q " free " <<<"$row"
check "table header has default columns" \
	grep -qE '^DEVICE +TRAN +TYPE +SIZE +MODEL +SERIAL +STATE +HEALTH$' "$WORK/table"
width=$(awk '{ if (length($0) > w) w = length($0) } END { print w }' "$WORK/table")
check "table fits 80 columns (widest line $width)" test "$width" -le 80

"$KESU" list -o NAME,PTTYPE,PARTS,FSTYPES,BACKING >"$WORK/cols"
check "-o shows partition table, partitions, filesystems, backing file" \
	grep -qE "^$name +gpt +2 +ext4,swap +$img$" "$WORK/cols"
expect_exit 2 "-o with an unknown column is a usage error" "$KESU" list -o NAME,BOGUS
check "the error names the column" grep -q 'unknown column "BOGUS"' "$WORK/err"
expect_exit 2 "an unknown option is a usage error" "$KESU" list --bogus

"$KESU" list --json >"$WORK/json"
check "--json parses" jq -e . "$WORK/json"
dj() { jq -r --arg p "$1" ".devices[] | select(.path == \$p) | $2" "$WORK/json"; }
check "json: transport loop" test "$(dj "$dev" .transport)" = loop
check "json: size in bytes" test "$(dj "$dev" .size)" = $((96 * 1024 * 1024))
check "json: gpt" test "$(dj "$dev" .partition_table)" = gpt
check "json: two partitions" test "$(dj "$dev" '.partitions | length')" = 2
check "json: partition 1 is ext4 labelled KESUDATA" \
	test "$(dj "$dev" '.partitions[0] | "\(.name) \(.fstype) \(.label)"')" = "${name}p1 ext4 KESUDATA"
check "json: partition 2 is swap" test "$(dj "$dev" '.partitions[1].fstype')" = swap
check "json: partition 1 starts at 1 MiB" test "$(dj "$dev" '.partitions[0].start')" = 1048576
check "json: backing file" test "$(dj "$dev" .backing_file)" = "$img"
check "json: not in use" test "$(dj "$dev" '"\(.in_use) \(.system) \(.state)"')" = "false false free"
check "json: 4096-byte logical sectors" test "$(dj "$dev4k" .logical_sector_size)" = 4096
check "json: 512-byte logical sectors" test "$(dj "$dev" .logical_sector_size)" = 512
check "json: unknown SMART is null, not guessed" test "$(dj "$dev" .smart.healthy)" = null

# ---- Display widths: a Japanese character takes two columns ----
imgja=$(make_image "消去テスト用の画像.img" 4M)
devja=$(attach "$imgja")
LC_ALL=C "$KESU" list -o DEVICE,BACKING,STATE >"$WORK/ja"
check "the Japanese backing file is shown whole" grep -qF "$imgja" "$WORK/ja"
# Every row's STATE starts in the header's STATE column, counted in
# display columns (East Asian wide characters are 2), even in the C locale.
check "STATE lines up under a Japanese file name" python3 -c '
import sys, unicodedata
w = lambda s: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
col = lines[0].index("STATE")
rows = [l for l in lines[1:] if sys.argv[2] in l]
assert rows, "no row for the Japanese image"
for l in lines[1:]:
    head = l.rstrip().rsplit(" ", 1)[0] + " "
    assert w(head) == col, (w(head), col, l)
' "$WORK/ja" "$imgja"
"$KESU" list --raw -o NAME,STATE,BACKING >"$WORK/raw"
check "--raw: one unaligned line a drive" grep -qxF "$name free $img" "$WORK/raw"
check "--raw: beyond ASCII escaped as lsblk --raw does (\\xNN)" \
	grep -qxF "$(basename "$devja") free $WORK/\\xe6\\xb6\\x88\\xe5\\x8e\\xbb\\xe3\\x83\\x86\\xe3\\x82\\xb9\\xe3\\x83\\x88\\xe7\\x94\\xa8\\xe3\\x81\\xae\\xe7\\x94\\xbb\\xe5\\x83\\x8f.img" "$WORK/raw"
check "--raw: the header is the column names" grep -qx 'NAME STATE BACKING' "$WORK/raw"

finish

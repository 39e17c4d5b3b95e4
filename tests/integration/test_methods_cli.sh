#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# kesu methods: listing, showing, user methods from --methods-dir, and a
# malformed method file rejected with FILE:LINE: reason; firmware methods
# with their command, what they leave and their NIST level per media.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "kesu methods" "$KESU" methods
for id in nist-clear zero one random dod-3pass dod-ece-7pass nsa-3pass hmg-is5-enhanced rcmp-ops-ii bsi-vsitr gutmann schneier; do
	check "lists $id" grep -qE "^$id\*? " "$WORK/out"
done
# Into a file or a pipe every title is whole; at an 80-column terminal the
# table fits it.
"$KESU" methods --json | jq -r '.methods[].title_en' >"$WORK/titles"
whole=yes
while IFS= read -r title; do grep -qF -- "$title" "$WORK/out" || whole="no: $title"; done <"$WORK/titles"
check "not at a terminal, titles are whole ($whole)" test "$whole" = yes
script -qec "stty cols 80; \"$KESU\" methods" /dev/null | tr -d '\r' >"$WORK/tty"
check "at an 80-column terminal the table fits 80 columns" \
	test "$(awk '{ print length($0) }' "$WORK/tty" | sort -n | tail -1)" -le 80
check "and it is cut there (a ~ or a shorter title)" test "$(wc -c <"$WORK/tty")" -lt "$(wc -c <"$WORK/out")"
check "dod-3pass is marked the default" grep -qE '^dod-3pass\* ' "$WORK/out"
check "overwrite methods say so" grep -qE '^nsa-3pass +overwrite +3 +last +clear ' "$WORK/out"
firmware_ids="ata-security-erase ata-security-erase-enhanced ata-sanitize-crypto ata-sanitize-block
	ata-sanitize-overwrite nvme-format-erase nvme-format-crypto nvme-sanitize-block
	nvme-sanitize-crypto nvme-sanitize-overwrite scsi-sanitize-block scsi-sanitize-crypto
	scsi-sanitize-overwrite auto-purge"
for id in $firmware_ids; do
	check "lists $id as firmware, no passes" grep -qE "^$id +firmware +- +last +(clear|purge)\\*? " "$WORK/out"
done
check "14 firmware methods" test "$(grep -cE '^[a-z0-9-]+ +firmware ' "$WORK/out")" = 14
check "overwrite methods come first" test "$(grep -nE '^[a-z0-9-]+\*? +firmware ' "$WORK/out" | head -1 | cut -d: -f1)" -gt \
	"$(grep -nE '^[a-z0-9-]+\*? +overwrite ' "$WORK/out" | tail -1 | cut -d: -f1)"
check "a level reached on some media only is marked" grep -qE '^ata-security-erase-enhanced +firmware +- +last +purge\* ' "$WORK/out"
check "sanitize overwrite is marked too" grep -qE '^nvme-sanitize-overwrite +firmware +- +last +purge\* ' "$WORK/out"
check "crypto erase is purge everywhere: no mark" grep -qE '^scsi-sanitize-crypto +firmware +- +last +purge ' "$WORK/out"
check "normal Security Erase is clear" grep -qE '^ata-security-erase +firmware +- +last +clear ' "$WORK/out"
check "the mark is explained" grep -q '^\* after a NIST level: .*flash' "$WORK/out"

expect_exit 0 "kesu methods show ata-security-erase-enhanced" "$KESU" methods show ata-security-erase-enhanced
check "technique firmware" grep -qE '^  technique +firmware' "$WORK/out"
check "the command and its title" grep -qE '^  command +ata-security-erase-enhanced: ATA SECURITY ERASE UNIT \(enhanced\)$' "$WORK/out"
check "leaves changed" grep -qE '^  leaves +changed' "$WORK/out"
check "purge on HDD, clear on flash" grep -qE '^  per media +on HDD: purge / on SSD: clear$' "$WORK/out"
check "shows the Japanese title" grep -q "ATA セキュアイレース (拡張)" "$WORK/out"
check "no pass list" test "$(grep -cE '^ +[0-9]+  ' "$WORK/out")" = 0
check "the notes name the password, unfreezing and the HPA" \
	test "$(grep -cE '^  note .*(temporary user password|hot-plug|--hpa=restore)' "$WORK/out")" = 3
expect_exit 0 "kesu methods show ata-security-erase" "$KESU" methods show ata-security-erase
check "normal mode: clear on HDD and on flash, leaves zeros" \
	grep -qE '^  per media +on HDD: clear / on SSD: clear$' "$WORK/out"
check "normal mode leaves zero" grep -qE '^  leaves +zero' "$WORK/out"
expect_exit 0 "kesu methods show nvme-sanitize-block" "$KESU" methods show nvme-sanitize-block
check "block erase: not applicable on HDD" grep -qE '^  per media +on HDD: not applicable / on SSD: purge$' "$WORK/out"
expect_exit 0 "kesu methods show auto-purge" "$KESU" methods show auto-purge
check "auto-purge: the command is auto" grep -qE '^  command +auto: ' "$WORK/out"
check "auto-purge: purge or refused" grep -qE '^  per media +on HDD: purge / on SSD: purge \(or refused' "$WORK/out"
expect_exit 0 "kesu methods show --json nvme-format-crypto" "$KESU" methods show --json nvme-format-crypto
check "json: one firmware method" jq -e '.technique == "firmware" and .firmware == "nvme-format-crypto"
	and .leaves == "changed" and .nist_level == "purge" and .passes == []
	and .nist_level_by_media == {"rotational": "purge", "flash": "purge"}' "$WORK/out"

expect_exit 0 "kesu methods show nsa-3pass" "$KESU" methods show nsa-3pass
check "overwrite technique shown" grep -qE '^  technique +overwrite' "$WORK/out"
check "shows the Japanese title" grep -q "米国国家安全保障局推奨方式" "$WORK/out"
check "shows random, random, 0x00" test "$(grep -cE '^ +[123]  (random stream|0x00)$' "$WORK/out")" = 3
expect_exit 2 "an unknown method" "$KESU" methods show nope
expect_exit 0 "--json" "$KESU" methods --json
check "json: 12 or more methods, gutmann has 35 passes" \
	jq -e '(.methods | length >= 12) and (.methods[] | select(.id == "gutmann") | .passes | length == 35)' "$WORK/out"
check "json: the 14 firmware methods, each with its command, leaves and levels, no passes" \
	jq -e '[.methods[] | select(.technique == "firmware")] as $f | ($f | length == 14)
	and all($f[]; (.firmware | type == "string") and (.leaves == "zero" or .leaves == "changed")
		and .passes == [] and .verify == "last"
		and (.nist_level_by_media | keys == ["flash", "rotational"]))' "$WORK/out"
check "json: overwrite methods have technique overwrite, null firmware and leaves" \
	jq -e '[.methods[] | select(.technique == "overwrite")] as $o | ($o | length >= 12)
	and all($o[]; .firmware == null and .leaves == null and .nist_level == "clear"
		and .nist_level_by_media == {"rotational": "clear", "flash": "clear"})' "$WORK/out"
check "json: the firmware id is the command, auto-purge is auto" \
	jq -e 'all(.methods[] | select(.technique == "firmware" and .id != "auto-purge"); .firmware == .id)
	and (.methods[] | select(.id == "auto-purge") | .firmware == "auto")' "$WORK/out"
check "json: levels per media" jq -e '[.methods[] | select(.technique == "firmware")
	| {key: .id, value: [.leaves, .nist_level, .nist_level_by_media.rotational, .nist_level_by_media.flash]}]
	| from_entries
	| .["ata-security-erase"] == ["zero", "clear", "clear", "clear"]
	and .["ata-security-erase-enhanced"] == ["changed", "purge", "purge", "clear"]
	and .["ata-sanitize-block"] == ["changed", "purge", "not applicable", "purge"]
	and .["ata-sanitize-overwrite"] == ["zero", "purge", "purge", "clear"]
	and .["nvme-format-erase"] == ["changed", "purge", "purge", "purge"]
	and .["scsi-sanitize-overwrite"] == ["zero", "purge", "purge", "clear"]
	and .["auto-purge"] == ["changed", "purge", "purge", "purge"]' "$WORK/out"

mkdir -p "$WORK/methods"
cat >"$WORK/methods/city-2pass.method" <<'M'
id        city-2pass
version   1
title.en  City two-pass
title.ja  市の2回方式
standard  Example city standard
source    test
nist      clear
verify    last
pass      random
pass      55 aa
M
cat >"$WORK/methods/city-crypto.method" <<'M'
id        city-crypto
version   1
title.en  City crypto erase
title.ja  市の暗号消去
standard  Example city standard
source    test
nist      purge
verify    last
firmware  ata-sanitize-overwrite
leaves    zero
M
expect_exit 0 "a user method is listed" "$KESU" methods --methods-dir "$WORK/methods"
check "city-2pass is there" grep -qE '^city-2pass +overwrite +2 ' "$WORK/out"
check "city-crypto is there, as firmware" grep -qE '^city-crypto +firmware +- +last +purge\* ' "$WORK/out"
script -qec "stty cols 80; \"$KESU\" methods --methods-dir \"$WORK/methods\"" /dev/null | tr -d '\r' >"$WORK/tty"
check "the table still fits 80 columns at a terminal" \
	test "$(awk '{ print length($0) }' "$WORK/tty" | sort -n | tail -1)" -le 80
expect_exit 0 "a user firmware method shows its command's levels" \
	"$KESU" methods show --methods-dir "$WORK/methods" city-crypto
check "the command's levels, not the id's" grep -qE '^  per media +on HDD: purge / on SSD: clear$' "$WORK/out"
rm "$WORK/methods/city-crypto.method"
img=$(make_image u.img 4M)
expect_exit 0 "and a wipe can use it" "$KESU" wipe --yes --progress none --methods-dir "$WORK/methods" --method city-2pass "$img"
check "the last pass left 55 aa" test "$(od -An -v -tx1 "$img" | tr -s ' \n' '\n' | grep -v '^$' | sort -u | tr -d '\n')" = 55aa

cat >"$WORK/methods/broken.method" <<'M'
id        broken
version   1
title.en  Broken
title.ja  壊れた
standard  none
source    test
nist      clear
verify    sometimes
pass      00
M
expect_exit 2 "a malformed method file" "$KESU" methods --methods-dir "$WORK/methods"
check "one line: FILE:LINE: reason" grep -qE "^kesu: $WORK/methods/broken.method:8: .*sometimes" "$WORK/err"
check "only one line" test "$(wc -l <"$WORK/err")" -eq 1
expect_exit 2 "a wipe with that directory writes nothing" "$KESU" wipe --yes --methods-dir "$WORK/methods" --method city-2pass "$img"

rm "$WORK/methods/broken.method"
cat >"$WORK/methods/fw-pass.method" <<'M'
id        fw-pass
version   1
title.en  Firmware with a pass
title.ja  パス付き
standard  none
source    test
nist      purge
verify    last
firmware  nvme-sanitize-crypto
leaves    changed
pass      00
M
expect_exit 2 "a firmware method with a pass" "$KESU" methods --methods-dir "$WORK/methods"
check "FILE:LINE names the pass" grep -qE "^kesu: $WORK/methods/fw-pass.method:11: a firmware method has no passes" "$WORK/err"
finish

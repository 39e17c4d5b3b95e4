#!/bin/bash
# kesu methods: listing, showing, user methods from --methods-dir, and a
# malformed method file rejected with FILE:LINE: reason.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "kesu methods" "$KESU" methods
for id in nist-clear zero one random dod-3pass dod-ece-7pass nsa-3pass hmg-is5-enhanced rcmp-ops-ii bsi-vsitr gutmann schneier; do
	check "lists $id" grep -qE "^$id\*? " "$WORK/out"
done
check "the table fits 80 columns" test "$(awk '{ print length($0) }' "$WORK/out" | sort -n | tail -1)" -le 80
check "dod-3pass is marked the default" grep -qE '^dod-3pass\* ' "$WORK/out"
expect_exit 0 "kesu methods show nsa-3pass" "$KESU" methods show nsa-3pass
check "shows the Japanese title" grep -q "米国国家安全保障局推奨方式" "$WORK/out"
check "shows random, random, 0x00" test "$(grep -cE '^ +[123]  (random stream|0x00)$' "$WORK/out")" = 3
expect_exit 2 "an unknown method" "$KESU" methods show nope
expect_exit 0 "--json" "$KESU" methods --json
check "json: 12 or more methods, gutmann has 35 passes" \
	jq -e '(.methods | length >= 12) and (.methods[] | select(.id == "gutmann") | .passes | length == 35)' "$WORK/out"

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
expect_exit 0 "a user method is listed" "$KESU" methods --methods-dir "$WORK/methods"
check "city-2pass is there" grep -qE '^city-2pass ' "$WORK/out"
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
finish

#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# kesu approve and kesu approval show (issue 14 item 2, docs/approvals.md):
# an approval signed with an approver key from --media and from a CSV list,
# its 媒体廃棄承認書 (pdftotext shows the title, the number and every
# serial; 200 media run over several pages), show trusts it only through
# the trust store, and every bad input is one line that writes nothing.
source "$(dirname "$0")/lib.sh"

NAME="承認 太郎"
TRUST="$WORK/trust.json"
UNTIL=$(date -d '+30 days' +%F)
export KESU_TRUST="$TRUST"

"$KESU" key generate --role approver --name "$NAME" -o "$WORK/ap.key" --no-passphrase \
	>/dev/null 2>&1
"$KESU" trust add --role approver --name "$NAME" "$WORK/ap.pub" >/dev/null 2>&1
check "the approver is in the trust store" grep -q approver "$TRUST"

approve() {
	"$KESU" approve --class II --purpose disposal --methods dod-3pass,nist-clear \
		--valid-until "$UNTIL" --name "$NAME" --key "$WORK/ap.key" "$@"
}

# ---- --media ----
expect_exit 0 "approve --media" approve --media "SN-AAA:64MiB,SN-BBB,asset:PC-0042" \
	--note "リース返却分" -o "$WORK/a.kesu-approval" --pdf "$WORK/a.pdf"
NUMBER=$(sed -n 's/^approval \(A-[0-9]\{8\}-[0-9A-F]\{8\}\): 3 media.*/\1/p' "$WORK/out")
check "it prints the number and the media count" test -n "$NUMBER"
check "it prints the hash" grep -Eq '^hash sha256:[0-9a-f]{64}$' "$WORK/out"
check "the file starts with the canonical payload" \
	grep -q "^{\"approver\":{\"fingerprint\":\"ed25519:" "$WORK/a.kesu-approval"
check "the signature comment names the number" \
	grep -qx "untrusted comment: kesu approval $NUMBER" "$WORK/a.kesu-approval"
pdftotext "$WORK/a.pdf" "$WORK/a.txt"
check "the form's title" grep -q "媒体廃棄承認書" "$WORK/a.txt"
check "the form's 様式第3号" grep -q "様式第3号" "$WORK/a.txt"
check "the form's number" grep -q "$NUMBER" "$WORK/a.txt"
for s in SN-AAA SN-BBB PC-0042; do
	check "the form lists $s" grep -q "$s" "$WORK/a.txt"
done
check "the form names the approver" grep -q "$NAME" "$WORK/a.txt"
HASH=$(sed -n 's/^hash //p' "$WORK/out")
check "the form shows the hash" grep -q "${HASH#sha256:}" "$WORK/a.txt"
check "the hash is SHA-256 of the first line" \
	test "sha256:$(head -n1 "$WORK/a.kesu-approval" | tr -d '\n' | sha256sum | cut -d' ' -f1)" = "$HASH"

# ---- show ----
expect_exit 0 "approval show" "$KESU" approval show "$WORK/a.kesu-approval"
check "show: trusted" grep -q "^signature .*good" "$WORK/out"
check "show: the media" grep -q "serial SN-BBB" "$WORK/out"
expect_exit 0 "approval show --json" "$KESU" approval show --json "$WORK/a.kesu-approval"
check "show --json: trusted, 3 media, the number" \
	jq -e --arg n "$NUMBER" '.trusted == true and (.media | length) == 3 and .number == $n' "$WORK/out"
expect_exit 4 "show with a store that does not trust the key" \
	"$KESU" approval show --trust "$WORK/empty.json" "$WORK/a.kesu-approval"
check "... says why" grep -q "not a trusted approver" "$WORK/out"
sed 's/SN-BBB/SN-BBC/' "$WORK/a.kesu-approval" >"$WORK/edited.kesu-approval"
expect_exit 4 "show an edited approval" "$KESU" approval show "$WORK/edited.kesu-approval"
check "... says the data was changed" grep -q "changed" "$WORK/out"
expect_exit 0 "show --pdf prints the form again" \
	"$KESU" approval show "$WORK/a.kesu-approval" --pdf "$WORK/again.pdf"
check "... with the number" sh -c "pdftotext '$WORK/again.pdf' - | grep -q '$NUMBER'"

# ---- --media-file: BOM, CRLF, quotes ----
printf '\xef\xbb\xbfserial,size,asset,description\r\nCSV-1,500107862016,PC-1,"Desk, 2F"\r\n"CSV-2",,PC-2,\r\nCSV-3,1TB,,"said ""erase"""\r\n' \
	>"$WORK/media.csv"
expect_exit 0 "approve --media-file (3 rows)" approve --media-file "$WORK/media.csv" \
	-o "$WORK/b.kesu-approval" --pdf "$WORK/b.pdf"
check "3 media" grep -q ": 3 media" "$WORK/out"
pdftotext "$WORK/b.pdf" "$WORK/b.txt"
for s in CSV-1 CSV-2 CSV-3 PC-1 PC-2 "500,107,862,016"; do
	check "the form lists $s" grep -q -- "$s" "$WORK/b.txt"
done

# ---- 200 media: the table runs over pages ----
{
	echo "serial,asset"
	for i in $(seq 1 200); do echo "LEASE-$i,PC-$i"; done
} >"$WORK/many.csv"
expect_exit 0 "approve 200 media" approve --media-file "$WORK/many.csv" \
	-o "$WORK/many.kesu-approval" --pdf "$WORK/many.pdf"
PAGES=$(pdfinfo "$WORK/many.pdf" | sed -n 's/^Pages: *//p')
check "200 media take several pages ($PAGES)" test "$PAGES" -ge 4
pdftotext "$WORK/many.pdf" "$WORK/many.txt"
check "the last page lists LEASE-200" grep -q "LEASE-200" "$WORK/many.txt"
check "every serial is on the form" \
	test "$(grep -o 'LEASE-[0-9]*' "$WORK/many.txt" | sort -u | wc -l)" -eq 200
check "continued pages name the approval" grep -q "続き / continued" "$WORK/many.txt"

# ---- refusals: one line each, nothing written ----
refuse() {
	local what=$1 want=$2
	shift 2
	rm -f "$WORK/x.kesu-approval" "$WORK/x.pdf"
	expect_exit 2 "$what" approve "$@" -o "$WORK/x.kesu-approval" --pdf "$WORK/x.pdf"
	check "$what: one line" test "$(wc -l <"$WORK/err")" -eq 1
	check "$what: says \"$want\"" grep -q -- "$want" "$WORK/err"
	check "$what: writes nothing" test ! -e "$WORK/x.kesu-approval" -a ! -e "$WORK/x.pdf"
}
refuse "an unknown method" "unknown method \"bogus\"" --media S1 --methods dod-3pass,bogus
refuse "a day in the past" "in the past" --media S1 --valid-until 2020-01-01
refuse "a date that is none" "not a date" --media S1 --valid-until 2031-02-30
refuse "class IV" "--class \"IV\"" --media S1 --class IV
refuse "an unknown purpose" "--purpose \"sale\"" --media S1 --purpose sale
refuse "an unknown level" "--min-level" --media S1 --min-level strong
refuse "no media" "which media"
refuse "a bad size" "12abc" --media S1:12abc
refuse "a duplicate serial" "listed twice" --media S1,S2,S1
printf 'serial,asset\nD1,A1\nD2,A1\n' >"$WORK/dup.csv"
refuse "a duplicate in a CSV" "dup.csv:3: asset number \"A1\" is already on line 2" \
	--media-file "$WORK/dup.csv"
printf 'serial,size\nD1\n' >"$WORK/short.csv"
refuse "a missing column" "short.csv:2: has 1 values" --media-file "$WORK/short.csv"
refuse "another name than the trust store's" "give --name" --media S1 --name "Someone Else"

cp "$WORK/a.kesu-approval" "$WORK/keep"
expect_exit 2 "an existing file is not replaced" approve --media S1 -o "$WORK/a.kesu-approval"
check "... and is unchanged" cmp -s "$WORK/keep" "$WORK/a.kesu-approval"
check "... one line naming --force" grep -q -- "--force" "$WORK/err"
expect_exit 0 "--force replaces it" approve --media S1 -o "$WORK/a.kesu-approval" --force
check "... with the new approval" grep -q '"serial":"S1"' "$WORK/a.kesu-approval"

finish

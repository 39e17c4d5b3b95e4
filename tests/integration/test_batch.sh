#!/bin/bash
# Batch certificates (issue 16 item 4, docs/certificate.md "Batch
# certificates"): an approval of 31 media, 30 of them erased by one
# multi-drive wipe (which writes its job summary), one never erased. The
# batch over the approval lists the missing one first, counts right, runs
# over several pages with n / m on each, and is not a certificate; kesu
# cert verify checks it and every certificate it lists, and reports a
# tampered or absent member. Then the asset-list and date-range selections
# and their refusals.
source "$(dirname "$0")/lib.sh"

NAME="承認 花子"
export KESU_TRUST="$WORK/trust.json"
"$KESU" key generate --role approver --name "$NAME" -o "$WORK/ap.key" --no-passphrase >/dev/null 2>&1
"$KESU" trust add --role approver --name "$NAME" "$WORK/ap.pub" >/dev/null 2>&1

# ---- an approval of 31 media, by asset number ----
{ echo asset; for i in $(seq -w 1 31); do echo "PC-0$i"; done; } >"$WORK/media.csv"
expect_exit 0 "an approval of 31 media" "$KESU" approve --media-file "$WORK/media.csv" --class II \
	--purpose lease-return --methods zero --valid-until "$(date -d '+30 days' +%F)" \
	--name "$NAME" --key "$WORK/ap.key" -o "$WORK/lease.kesu-approval"
NUMBER=$(head -1 "$WORK/lease.kesu-approval" | jq -r .number)

# ---- 30 drives (1 MiB each) erased at once: PC-001 .. PC-030 ----
devs=() assets=()
for i in $(seq -w 1 30); do
	devs+=("$(attach "$(make_image "d$i.img" 1M)")")
	assets+=("PC-0$i")
done
expect_exit 0 "one wipe of 30 drives under the approval" "$KESU" wipe --yes --progress none \
	--method zero --verify sample --approval "$WORK/lease.kesu-approval" \
	--asset "$(IFS=,; echo "${assets[*]}")" "${devs[@]}"
check "30 certificates" test "$(grep -c '^  certificate: ' "$WORK/out")" -eq 30
SUMMARY=$(sed -n 's/^\(.*\.pdf\): batch certificate KESU-.* of 30 media (COMPLETE).*/\1/p' "$WORK/out")
check "the job summary: a batch certificate of the 30 jobs, COMPLETE" test -f "$SUMMARY"
"$KESU" cert show "$SUMMARY" >"$WORK/summary.json"
check "... its selection is the wipe run, 30 SUCCESS" jq -e '.selection.wipe_run.jobs == 30 and
	.totals.SUCCESS == 30 and .totals.MISSING == 0 and .outcome == "COMPLETE"' "$WORK/summary.json"

# ---- the batch over the approval: 30 erased, PC-031 missing ----
expect_exit 8 "cert batch --approval: issued, INCOMPLETE (exit 8)" "$KESU" cert batch \
	--approval "$WORK/lease.kesu-approval" -o "$WORK/batch.pdf"
check "it says INCOMPLETE and names the missing medium" grep -q "^  MISSING: asset PC-031" "$WORK/out"
"$KESU" cert show "$WORK/batch.pdf" >"$WORK/batch.json"
check "payload: the missing one first, no documents" jq -e '.members[0].asset == "PC-031" and
	.members[0].outcome == "MISSING" and .members[0].erasure == null' "$WORK/batch.json"
check "payload: totals 30 SUCCESS, 1 MISSING, 31 media" jq -e '.totals.SUCCESS == 30 and
	.totals.MISSING == 1 and .totals.media == 31 and .totals.FAILED == 0' "$WORK/batch.json"
check "payload: the approval and each member's certificate and record hash" jq -e --arg n "$NUMBER" \
	'.selection.approval.number == $n and .outcome == "INCOMPLETE" and
	 ([.members[1:][] | select(.erasure.certificate_id and (.erasure.record_hash | length) == 64)]
	  | length) == 30' "$WORK/batch.json"
pdftotext -layout "$WORK/batch.pdf" "$WORK/batch.txt"
check "the title says incomplete" grep -q "一括消去報告書（未完了）" "$WORK/batch.txt"
check "the approval's class" grep -q "重要性分類Ⅱ / Class II" "$WORK/batch.txt"
first_row=$(grep -m1 -E '^ *1 +PC-0' "$WORK/batch.txt" || true)
check "the first row of the 明細 is PC-031, 証明書なし" grep -q "PC-031.*証明書なし" <<<"$first_row"
pages=$(pdfinfo "$WORK/batch.pdf" | awk '/^Pages:/ {print $2}')
check "several pages ($pages)" test "$pages" -ge 2
check "n / m on every page" test "$(grep -cE "kesu-payload.json is the record +[0-9]+ ?/ ?$pages\$" "$WORK/batch.txt")" -eq "$pages"
check "the header row repeats on every page" test "$(grep -c "Certificate / record" "$WORK/batch.txt")" -eq "$pages"
check "the missing row is red" python3 - "$WORK/batch.pdf" <<'PY'
import sys, zlib, re
data = open(sys.argv[1], "rb").read()
for m in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
    try:
        s = zlib.decompress(m.group(1))
    except Exception:
        continue
    if b"0.72 0.08 0.08 rg" in s or b"0.72 0.08 0.08 RG" in s:
        sys.exit(0)
sys.exit(1)
PY

# ---- verify: the batch, then its members ----
expect_exit 8 "cert verify: intact, NOT A CERTIFICATE (incomplete)" "$KESU" cert verify "$WORK/batch.pdf"
check "... says so" grep -q "^NOT A CERTIFICATE$" "$WORK/out"
expect_exit 0 "cert verify the job summary --members: every member VALID" "$KESU" cert verify \
	"$SUMMARY" --members "$CERTS"
check "... one line per member, a summary" grep -q "^30 certificates listed: 30 VALID" "$WORK/out"
mkdir "$WORK/members"
cp "$CERTS"/kesu-KESU-*.pdf "$WORK/members/"
victim=$(jq -r '.members[1].erasure.certificate_id' "$WORK/batch.json")
gone=$(jq -r '.members[2].erasure.certificate_id' "$WORK/batch.json")
rm "$WORK/members/kesu-$gone.pdf"
other=$(jq -r '.members[3].erasure.certificate_id' "$WORK/batch.json")
cp "$WORK/members/kesu-$other.pdf" "$WORK/members/kesu-$victim.pdf"
expect_exit 4 "verify --members: a member replaced, one absent" "$KESU" cert verify "$WORK/batch.pdf" \
	--members "$WORK/members"
check "... the replaced one is INVALID, not the one listed" \
	grep -q "^INVALID .*kesu-$victim.pdf.*not the certificate the batch lists" "$WORK/out"
check "... the absent one is MISSING" grep -q "^MISSING .*kesu-$gone.pdf.*no such file" "$WORK/out"
check "... the summary counts them" grep -q "^30 certificates listed: 28 VALID, 0 UNCHECKED, 0 NOT A CERTIFICATE, 2 INVALID or missing" "$WORK/out"
printf 'x' >>"$WORK/members/kesu-$other.pdf"
expect_exit 4 "a member changed by one byte" "$KESU" cert verify "$WORK/batch.pdf" --members "$WORK/members"
check "... is INVALID" grep -q "^INVALID .*kesu-$other.pdf" "$WORK/out"

# ---- an asset list; a date range ----
printf 'asset,model\nPC-001,ThinkPad\n"PC-002",\n' >"$WORK/two.csv"
expect_exit 0 "cert batch --asset-file (two erased media): COMPLETE" "$KESU" cert batch \
	--asset-file "$WORK/two.csv" -o "$WORK/two.pdf"
expect_exit 0 "... it verifies VALID" "$KESU" cert verify "$WORK/two.pdf"
check "... and is the ledger's" grep -q "ledger record .* holds the same job" "$WORK/out"
today=$(date -u +%F)
expect_exit 0 "cert batch --since/--until today: the 30 media, COMPLETE" "$KESU" cert batch \
	--since "$today" --until "$today" -o "$WORK/range.pdf"
check "... 30 media" grep -q "of 30 media (COMPLETE)" "$WORK/out"
printf 'asset,serial\nPC-001,S1\nPC-001,S2\n' >"$WORK/dup.csv"
expect_exit 2 "a duplicate asset in the list" "$KESU" cert batch --asset-file "$WORK/dup.csv" -o "$WORK/x.pdf"
check "... one line: FILE:LINE: reason" grep -qx "kesu: $WORK/dup.csv:3: asset \"PC-001\" is already on line 2" "$WORK/err"
printf 'serial\nS1\n' >"$WORK/noasset.csv"
expect_exit 2 "a list without an asset column" "$KESU" cert batch --asset-file "$WORK/noasset.csv" -o "$WORK/x.pdf"
check "... says so" grep -q "noasset.csv:1: the header row names no asset column" "$WORK/err"
tomorrow=$(date -u -d '+1 day' +%F)
expect_exit 8 "the asset list, records from tomorrow on: both missing" "$KESU" cert batch \
	--asset-file "$WORK/two.csv" --since "$tomorrow" -o "$WORK/later.pdf"
check "... earlier erasures do not count" grep -q "MISSING 2$" "$WORK/out"
check "... the page says the period" bash -c "pdftotext '$WORK/later.pdf' - | tr -d '\n' | grep -q '$tomorrow 〜'"
expect_exit 2 "two selections at once" "$KESU" cert batch --asset-file "$WORK/two.csv" \
	--approval "$WORK/lease.kesu-approval"
check "nothing was written for the refusals" test ! -e "$WORK/x.pdf"
expect_exit 2 "a period with nothing in it" "$KESU" cert batch --since 2001-01-01 --until 2001-01-02
finish

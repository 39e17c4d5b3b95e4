#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# kesu report's command line (docs/register.md): the refusals, one line and
# exit 2 each, before anything is read; then two real wipes of image files
# and the CSV register with each option: the filters, the header keys, the
# certificate directory, the ledger's key. test_register.sh checks the
# three formats on a larger ledger.
source "$(dirname "$0")/lib.sh"

OUT="$WORK/r.csv"
DAY=$(date +%F)
FROM=$(date -d "$DAY -1 day" +%F) TO=$(date -d "$DAY +1 day" +%F)

# ---- refusals ----
one_line() { test "$(wc -l <"$WORK/err")" -eq 1 && grep -q -- "$1" "$WORK/err"; }
expect_exit 0 "--help" "$KESU" report --help
check "... names --headers and the exit status" grep -q -- "--headers ja|keys" "$WORK/out"
expect_exit 2 "no -o" "$KESU" report --month 2026-11
check "... says so in one line" one_line "-o FILE"
expect_exit 2 "an output that is not .pdf, .xlsx or .csv" "$KESU" report --month 2026-11 -o "$WORK/r.txt"
check "... names the file" one_line "r.txt: the name must end in .pdf, .xlsx or .csv"
expect_exit 2 "a month that is none" "$KESU" report --month 2026-13 -o "$OUT"
check "... names it" one_line '"2026-13"'
expect_exit 2 "--month with --since" "$KESU" report --month 2026-11 --since 2026-11-01 -o "$OUT"
expect_exit 2 "--since without --until" "$KESU" report --since 2026-11-01 -o "$OUT"
expect_exit 2 "--headers other than ja or keys" "$KESU" report --month 2026-11 --headers en -o "$OUT"
expect_exit 2 "no ledger yet" "$KESU" report --month 2026-11 -o "$OUT"
check "... says so" one_line "no such file"
check "... and writes nothing" test ! -e "$OUT"

# ---- two wipes: a SUCCESS in 総務課, an UNVERIFIED one in 税務課 ----
truncate -s 1M "$WORK/a.img" "$WORK/b.img"
wipe() { "$KESU" wipe --yes --force --progress none --method zero "$@" >>"$WORK/wipes" 2>&1 || true; }
wipe --verify sample --department 総務課 --purpose disposal "$WORK/a.img"
wipe --verify none --department 税務課 --purpose repair "$WORK/b.img"
check "two wipes are in the ledger" test "$(sqlite3 "$LEDGER" "SELECT count(*) FROM jobs
	WHERE state = 'finished' AND json_extract(record, '\$.kind') = 'wipe'")" -eq 2

report() { "$KESU" report --since "$FROM" --until "$TO" -o "$OUT" "$@"; }
rows() { tail -n +2 "$OUT" | wc -l; }
expect_exit 0 "the CSV register of the three days" report --headers keys
check "... prints the file, the period, the rows and the anomalies" \
	grep -qx "$OUT: $FROM to $TO, 2 rows, 1 anomaly" "$WORK/out"
check "... a header row of keys after the BOM" \
	grep -q $'^\xef\xbb\xbfseq,kind,when_local,asset,serial,model,' "$OUT"
check "... the unverified wipe is marked" grep -q ",UNVERIFIED,.*,not verified"$'\r'"\$" "$OUT"
check "... the other is not" grep -q ",SUCCESS,.*,"$'\r'"\$" "$OUT"
check "... CRLF on every line" test "$(grep -c $'\r$' "$OUT")" -eq 3
expect_exit 0 "Japanese headers by default" report
check "... 記録番号 first" grep -q $'^\xef\xbb\xbf記録番号,種別,日時,' "$OUT"
check "... and the anomaly's Japanese name" grep -q "検証なし"$'\r'"\$" "$OUT"
expect_exit 0 "--department 税務課" report --department 税務課
check "... one row" test "$(rows)" -eq 1
expect_exit 0 "--purpose disposal" report --purpose disposal
check "... one row, 総務課's" test "$(rows)" -eq 1 -a "$(grep -c 総務課 "$OUT")" -eq 1
expect_exit 0 "--station this host" report --station "$(hostname)"
check "... both rows" test "$(rows)" -eq 2
expect_exit 0 "--station another" report --station elsewhere
check "... no row" test "$(rows)" -eq 0
expect_exit 2 "--class IV" report --class IV
check "... names it" one_line '"IV"'
expect_exit 2 "--approvals that does not exist" report --approvals "$WORK/none.kesu-approval"

# The certificate directory: a certificate that is not there is an anomaly.
mkdir "$WORK/empty"
expect_exit 0 "--cert-dir without the certificates" report --cert-dir "$WORK/empty" --headers keys
check "... the certificate is missing" grep -q ",SUCCESS,.*,certificate missing"$'\r'"\$" "$OUT"

# The ledger verified with another key: written all the same, one more anomaly.
"$KESU" key generate --key "$WORK/other.key" >/dev/null 2>&1 </dev/null || true
expect_exit 0 "--pubkey another station's key" report --pubkey "$WORK/other.pub"
check "... the ledger's anomaly is counted" grep -q ", 2 rows, 2 anomalies$" "$WORK/out"
expect_exit 2 "--pubkey that does not exist" report --pubkey "$WORK/none.pub"

finish

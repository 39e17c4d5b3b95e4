#!/bin/bash
# Certificates end to end: a verified wipe yields a signed bilingual PDF
# that passes qpdf --check, shows its values to pdftotext, renders, and
# verifies offline (kesu cert verify, and signify for the file); one
# flipped byte, an edited attachment, another key, a wrong .sig or a ledger
# without the record each fail with a reason (exit 4). A failed job yields
# no certificate: its failure report is intact but not a certificate (exit
# 8), and a certificate mailed without its .sig is unchecked (exit 9).
source "$(dirname "$0")/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
FAULT=${KESU_FAULT_LIB:?}
WIPE=("$KESU" wipe --yes --force --progress none --json --request-size 1M)
pub="$XDG_CONFIG_HOME/kesu/station.pub"
# signify users: PDF.sig beside each document, besides the PDF signature
echo "signify_sig = yes" >>"$XDG_CONFIG_HOME/kesu/config"

dev=$(attach "$(make_image c.img 8M)")
expect_exit 0 "a verified wipe" "${WIPE[@]}" --method nsa-3pass --operator "山田 太郎" \
	--organisation 高松市 --department 情報政策課 --class I --purpose disposal --asset PC-7 --policy "$OPEN_POLICY" "$dev"
cp "$WORK/out" "$WORK/wipe.json"
pdf=$(jq -r '.jobs[0].record.certificate' "$WORK/wipe.json")
check "it names a certificate" test -f "$pdf"
check "and its detached signature" test -f "$pdf.sig"
check "the PDF carries the station's signature (pdfsig)" bash -c "pdfsig '$pdf' | grep -q 'Signature is Valid'"

expect_exit 0 "kesu cert verify" "$KESU" cert verify "$pdf"
check "every check passed, the ledger included" test "$(grep -c '^  \[ok\]' "$WORK/out")" -eq 6
check "integrity: INTACT" grep -qx '  integrity: INTACT' "$WORK/out"
check "outcome: SUCCESS, a certificate" grep -q '^  outcome: *SUCCESS — a certificate$' "$WORK/out"
check "it says VALID" grep -qx VALID "$WORK/out"

# Mailed without its .sig: the PDF carries its own signature, so every
# check is made all the same.
cp "$pdf" "$WORK/alone.pdf"
expect_exit 0 "a genuine certificate without its .sig" "$KESU" cert verify "$WORK/alone.pdf"
check "the payload check passed" grep -q '^  \[ok\] embedded payload .*signed by the station key' "$WORK/out"
check "the ledger check passed" grep -q '^  \[ok\] ledger ' "$WORK/out"
check "the page check passed" grep -q '^  \[ok\] page ' "$WORK/out"
check "no .sig line: it is not needed" bash -c "! grep -q 'PDF.sig' '$WORK/out'"
check "nothing FAILED" bash -c "! grep -q 'FAILED\|INVALID' '$WORK/out'"
check "it says VALID" grep -qx VALID "$WORK/out"
# A .sig that is there but belongs to another file is a failure.
printf 'untrusted comment: x\nRWQ=\n' >"$WORK/alone.pdf.sig"
expect_exit 4 "a malformed .sig" "$KESU" cert verify "$WORK/alone.pdf"
check "it says INVALID" grep -qx INVALID "$WORK/out"
expect_exit 0 "verify with the public key and no ledger (a third party)" \
	"$KESU" cert verify --no-ledger --pubkey "$pub" "$pdf"
check "signify-openbsd accepts the PDF's signature" signify-openbsd -V -q -p "$pub" -m "$pdf" -x "$pdf.sig"

check "qpdf --check finds no problem" bash -c "qpdf --check '$pdf' >'$WORK/qpdf.out' 2>&1 && ! grep -qi warning '$WORK/qpdf.out'"
pdftotext -layout "$pdf" "$WORK/cert.txt"
for text in "データ消去証明書" "Certificate of Data Sanitization" "山田 太郎" "高松市" "情報政策課" \
	"$(jq -r '.jobs[0].device.serial // empty' "$WORK/wipe.json")" "PC-7" "Clear" "米国国家安全保障局推奨方式"; do
	[ -n "$text" ] || continue
	check "pdftotext finds \"$text\"" grep -qF "$text" "$WORK/cert.txt"
done
check "pdftoppm renders page 1" bash -c "pdftoppm -r 50 -png -f 1 -l 1 '$pdf' '$WORK/page' && test -s '$WORK/page-1.png'"
expect_exit 0 "cert show prints the payload" "$KESU" cert show "$pdf"
check "the payload is a certificate for this drive" jq -e '.document == "certificate" and .sanitization.nist_level == "clear" and .verification.passed' "$WORK/out"

# One flipped byte anywhere in the PDF.
size=$(stat -c %s "$pdf")
for at in 0 $((size / 3)) $((size / 2)) $((size - 10)); do
	cp "$pdf" "$WORK/flip.pdf"; cp "$pdf.sig" "$WORK/flip.pdf.sig"
	python3 -c "import sys; p = sys.argv[1]; b = bytearray(open(p, 'rb').read()); b[int(sys.argv[2])] ^= 1; open(p, 'wb').write(b)" "$WORK/flip.pdf" "$at"
	expect_exit 4 "a byte flipped at $at" "$KESU" cert verify "$WORK/flip.pdf"
	check "a check fails, and it says INVALID" bash -c "grep -q '\[FAILED\]' '$WORK/out' && grep -qx INVALID '$WORK/out'"
	check "and so does the .sig" grep -q '\[FAILED\] PDF.sig .*signature does not match' "$WORK/out"
done

# An edited embedded payload, with the PDF's own signature made anew: the
# payload signature still catches it.
qpdf "$pdf" --show-attachment=kesu-payload.json >"$WORK/kesu-payload.json"
sed -i 's/山田 太郎/田中 花子/' "$WORK/kesu-payload.json"
qpdf "$pdf" --add-attachment "$WORK/kesu-payload.json" --replace -- "$WORK/edited.pdf"
"$KESU" key sign --key "$XDG_CONFIG_HOME/kesu/station.key" "$WORK/edited.pdf" >/dev/null 2>&1 || true
expect_exit 4 "an edited attachment" "$KESU" cert verify "$WORK/edited.pdf"
check "the PDF signature no longer covers the file" grep -q '\[FAILED\] signature 1' "$WORK/out"
check "nothing says VALID" bash -c "! grep -qx VALID '$WORK/out'"

# Another key.
"$KESU" key generate --key "$WORK/other.key" >/dev/null
expect_exit 4 "another station's key" "$KESU" cert verify --no-ledger --pubkey "$WORK/other.pub" "$pdf"
check "it says another key signed it" grep -q "signed by another key" "$WORK/out"

# A ledger that does not hold the record.
other_ledger="$WORK/empty.sqlite"
"$KESU" ledger list --ledger "$other_ledger" >/dev/null 2>&1 || true
dev2=$(attach "$(make_image d.img 4M)")
"${WIPE[@]}" --method zero --verify sample --ledger "$other_ledger" "$dev2" >/dev/null
expect_exit 4 "a ledger without the record" "$KESU" cert verify --ledger "$other_ledger" "$pdf"
check "the ledger check names the job" grep -q '\[FAILED\] ledger .*holds no finished record' "$WORK/out"

# Deterministic rendering: the PDF is a function of the payload.
qpdf "$pdf" --show-attachment=kesu-payload.json >"$WORK/p1.json"
check "the payload is canonical JSON (one line, sorted keys)" \
	bash -c "test \"\$(jq -cS . '$WORK/p1.json')\" = \"\$(cat '$WORK/p1.json')\""

# A failed job: no certificate, a failure report that claims nothing.
bad=$(attach "$(make_image e.img 8M)")
expect_exit 1 "a wipe with a bad sector" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$bad" \
	KESU_FAULT_BAD_WRITE=$((100 * 512)):512 "${WIPE[@]}" --method zero "$bad"
check "no certificate" jq -e '.jobs[0].record.certificate == null' "$WORK/out"
report=$(jq -r '.jobs[0].record.failure_report' "$WORK/out")
check "a failure report instead" test -f "$report"
pdftotext -layout "$report" "$WORK/report.txt"
check "it says the drive was NOT sanitized" grep -qi "NOT SANITIZED" "$WORK/report.txt"
check "it claims no NIST level" bash -c "! grep -qw Clear '$WORK/report.txt'"
# Integrity and outcome are two facts: the report is genuine, and it is
# not a certificate (exit 8, never 0 and never VALID).
expect_exit 8 "cert verify of a genuine failure report" "$KESU" cert verify "$report"
check "every check passed" test "$(grep -c '^  \[ok\]' "$WORK/out")" -eq 6
check "integrity: INTACT" grep -qx '  integrity: INTACT' "$WORK/out"
check "outcome: FAILED, a failure report, NOT a certificate" \
	grep -q '^  outcome: *FAILED — a failure report, NOT a certificate' "$WORK/out"
check "it says NOT A CERTIFICATE" grep -qx "NOT A CERTIFICATE" "$WORK/out"
check "it never says VALID" bash -c "! grep -qx VALID '$WORK/out'"
cp "$report" "$WORK/report-alone.pdf"
expect_exit 8 "a failure report without its .sig: not a certificate comes first" \
	"$KESU" cert verify "$WORK/report-alone.pdf"
cp "$pdf.sig" "$WORK/report-alone.pdf.sig"
expect_exit 4 "a failure report with the certificate's .sig: tampered comes first" \
	"$KESU" cert verify "$WORK/report-alone.pdf"
cp "$report.sig" "$WORK/alone.pdf.sig"
expect_exit 4 "a certificate with the failure report's .sig" "$KESU" cert verify "$WORK/alone.pdf"
check "the .sig check fails" grep -q '\[FAILED\] PDF.sig .*signature does not match' "$WORK/out"
check "the ledger records the failure" test "$("$KESU" ledger list --json --outcome FAILED | jq '.records | length')" -eq 1
finish

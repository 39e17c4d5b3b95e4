#!/bin/bash
# The certificate PDF as other tools see it: qpdf finds it clean and lists
# both attachments with the exact bytes, pdftotext recovers the Japanese and
# English text, pdftoppm renders it, no word lies outside the page margins,
# and the QR code holds KESU-CERT:<id>:<BLAKE2b-256 of the payload> (when
# zbarimg is installed). The PDFs come from the unit test binary
# (tests/unit/test_pdf.c), which keeps the fixtures it renders in
# $KESU_PDF_OUT. Crafted PDFs end kesu cert show/verify within 1 s and
# 128 MiB.
source "$(dirname "$0")/lib.sh"

TEST_PDF=$(dirname "$KESU")/tests/test_pdf
SOURCE_DIR=${KESU_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CERTS=$SOURCE_DIR/tests/fixtures/certs
for tool in qpdf pdftotext pdftoppm pdfinfo python3 /usr/bin/time "$TEST_PDF"; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is missing (apt-get install qpdf poppler-utils)"
		finish
	fi
done

out=$WORK/pdf
mkdir -p "$out" "$WORK/again"
expect_exit 0 "the unit test renders the fixtures" \
	env KESU_PDF_OUT="$out" "$TEST_PDF" --filter 'pdf/writes_fixtures'
expect_exit 0 "and renders them again" \
	env KESU_PDF_OUT="$WORK/again" "$TEST_PDF" --filter 'pdf/writes_fixtures'

# inside_margins PDF: every word of every page at least 20 pt from the edge
inside_margins() {
	pdftotext -bbox "$1" "$WORK/bbox.html" 2>/dev/null
	python3 - "$WORK/bbox.html" <<'PY'
import re, sys
html = open(sys.argv[1], encoding="utf-8").read()
bad = []
for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html, re.S):
    w, h = float(page.group(1)), float(page.group(2))
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                         page.group(3)):
        x0, y0, x1, y1 = map(float, m.group(1, 2, 3, 4))
        if x0 < 20 or y0 < 20 or x1 > w - 20 or y1 > h - 20:
            bad.append(m.group(5))
if bad:
    print("outside the margins:", bad[:10], file=sys.stderr)
    sys.exit(1)
PY
}

for name in success gutmann failure long; do
	pdf=$out/$name.pdf
	check "$name: the same payload gives the same bytes in another process" cmp "$pdf" "$WORK/again/$name.pdf"
	expect_exit 0 "$name: qpdf --check" qpdf --check "$pdf"
	check "$name: qpdf reports no warnings or errors" \
		bash -c "! grep -qiE 'warning|error:' '$WORK/out' '$WORK/err'"
	qpdf --list-attachments "$pdf" >"$WORK/list" 2>&1 || true
	check "$name: qpdf lists kesu-payload.json" grep -q '^kesu-payload.json ->' "$WORK/list"
	check "$name: qpdf lists kesu-payload.json.sig" grep -q '^kesu-payload.json.sig ->' "$WORK/list"
	qpdf --show-attachment=kesu-payload.json "$pdf" >"$WORK/payload" 2>/dev/null || true
	qpdf --show-attachment=kesu-payload.json.sig "$pdf" >"$WORK/sig" 2>/dev/null || true
	check "$name: the payload attachment is the payload, byte for byte" cmp "$WORK/payload" "$CERTS/$name.json"
	check "$name: the signature attachment is the signature" cmp "$WORK/sig" "$CERTS/payload.sig"
	pdftotext -layout "$pdf" "$WORK/$name.txt" 2>"$WORK/pdftotext.err"
	check "$name: pdftotext has nothing to complain about" test ! -s "$WORK/pdftotext.err"
	check "$name: no text outside the margins" inside_margins "$pdf"
done

txt=$WORK/success.txt
for want in "データ消去証明書" "Certificate of Data Sanitization" "高松市" "情報政策課" "山田 太郎" \
	"KESU-20261122-8F3A2C1D" "SATA-SSD-1" "KESU TEST SSD" "0x5002538e4a1b2c3d" "PC-2019-0042" \
	"Clear" "米国国防総省方式" "US DoD 5220.22-M (3 passes)" "リース返却 / lease return" \
	"合格 / PASSED" "消去完了" "SUCCESS" "67,108,864 bytes (67.1 MB / 64.0 MiB)" \
	"2026-11-22 13:30:12 (UTC+09:00)" "2026-11-22T04:30:12Z" "ed25519:f4f7a12ecc97accca1fd111908e5edf9" \
	"担当者 / Operator" "立会者 / Witness" "承認者 / Approver" "kesu cert verify" "signify -V"; do
	check "success: the page shows \"$want\"" grep -qF -- "$want" "$txt"
done
check "success: the page and the technical block" grep -q '^Pages: *2$' <(pdfinfo "$out/success.pdf")

txt=$WORK/failure.txt
for want in "データ消去失敗報告書" "Data Sanitization Failure Report" "この媒体の消去は完了していません" \
	"THIS DRIVE WAS NOT SANITIZED" "NOT a certificate" "不合格 / FAILED" "FAILED" \
	"24 sectors could not be written" "主張なし / none claimed" "KESU-20261124-DEADBEEF"; do
	check "failure: the page shows \"$want\"" grep -qF -- "$want" "$txt"
done
check "failure: it claims no NIST level" bash -c "! grep -qF 'Rev.1: Clear' '$txt'"
check "failure: the page and the technical block" grep -q '^Pages: *2$' <(pdfinfo "$out/failure.pdf")

check "gutmann: page 1, then the annex and the technical block" grep -qE '^Pages: *[23]$' <(pdfinfo "$out/gutmann.pdf")
check "gutmann: page 1 sums the 35 passes up" grep -qF "35 passes" "$WORK/gutmann.txt"
pdftotext -layout -f 2 -l 2 "$out/gutmann.pdf" "$WORK/annex.txt"
check "gutmann: the annex lists all 35 passes" test "$(grep -c '完了 / done' "$WORK/annex.txt")" = 35
check "gutmann: the annex names pass 35" grep -qE '^ *35 +乱数 / random stream' "$WORK/annex.txt"

expect_exit 0 "pdftoppm renders page 1" pdftoppm -r 100 -png -f 1 -l 1 "$out/success.pdf" "$WORK/page"
check "a PNG of page 1" bash -c "head -c 8 '$WORK/page-1.png' | od -An -tx1 | grep -q '89 50 4e 47 0d 0a 1a 0a'"
check "the PNG is an A4 page at 100 dpi" python3 -c "
import struct, sys
w, h = struct.unpack('>II', open('$WORK/page-1.png', 'rb').read()[16:24])
sys.exit(0 if (w, h) == (827, 1170) else 1)"
expect_exit 0 "pdftoppm renders every page of every fixture" \
	bash -c "for f in '$out'/*.pdf; do pdftoppm -r 40 -png \"\$f\" '$WORK/all' || exit 1; done"

if command -v zbarimg >/dev/null; then
	for name in success failure; do
		id=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['certificate_id'])" "$CERTS/$name.json")
		want="KESU-CERT:$id:$(b2sum -l 256 "$CERTS/$name.json" | cut -d' ' -f1)"
		[ "$name" = failure ] && want="KESU-FAILURE-REPORT:NOT-SANITIZED:FAILED:$id:$(b2sum -l 256 "$CERTS/$name.json" | cut -d' ' -f1)"
		# the QR code is in the technical block, on page 2
		pdftoppm -r 200 -png -f 2 -l 2 "$out/$name.pdf" "$WORK/qr-$name"
		check "$name: the QR code holds $want" \
			test "$(zbarimg -q --raw "$WORK/qr-$name-2.png" 2>/dev/null)" = "$want"
	done
else
	echo "# zbarimg not installed: QR content not decoded"
fi

# Crafted PDFs (tests/fuzz/pdf_bombs.py): object streams that inflate to
# gigabytes, a huge /Length, 20,000 chained xref sections, as many objects
# as fit, deep nesting, objects that overlap to the end of the file, a huge
# name tree. kesu cert show and verify each end within 1 s and 128 MiB of
# RSS (measured), show with one line naming the file. Before the reader
# decoded lazily, "objstm" took 3.9 GB and 30 s.
bombs=$WORK/bombs
mkdir -p "$bombs"
python3 "$SOURCE_DIR/tests/fuzz/pdf_bombs.py" "$bombs"
"$KESU" key generate --key "$WORK/bomb.key" >/dev/null
# measured RUN...: exit status in $rc, "CPU-SECONDS KB" in $WORK/time. CPU
# time (user + system), not wall time: the bound is on the work a crafted
# file causes, and tests run side by side on a loaded machine.
measured() {
	rc=0
	/usr/bin/time -f "%U %S %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || rc=$?
}
within_bounds() {
	local user sys kb
	read -r user sys kb < <(tail -n 1 "$WORK/time")
	awk -v s="$user" -v t="$sys" -v k="$kb" 'BEGIN { exit !(s + t < 1.0 && k < 128 * 1024) }'
}
for f in "$bombs"/*.pdf; do
	name=$(basename "$f" .pdf)
	measured "$KESU" cert show "$f"
	echo "# cert show $name: $(tail -n 1 "$WORK/time") (user s, sys s, KB)"
	check "$name: cert show ends within 1 s of CPU and 128 MiB" within_bounds
	case $name in
	objects | xref) # well-formed around the junk: the reader finds the attachments
		check "$name: cert show reads the payload" test "$rc" -eq 0 ;;
	*)
		check "$name: cert show fails (exit 1)" test "$rc" -eq 1
		check "$name: with one line naming the file" \
			bash -c "test \$(wc -l <'$WORK/err') -eq 1 && grep -qF 'kesu: $f: ' '$WORK/err'" ;;
	esac
	measured "$KESU" cert verify --no-ledger --pubkey "$WORK/bomb.pub" "$f"
	echo "# cert verify $name: $(tail -n 1 "$WORK/time") (user s, sys s, KB)"
	check "$name: cert verify ends within 1 s of CPU and 128 MiB" within_bounds
	check "$name: cert verify says INVALID (exit 4)" \
		bash -c "test $rc -eq 4 && grep -qx INVALID '$WORK/out'"
done
check "objstm: the reason is the decoding limit" \
	grep -qF "its streams decode to more than 16 MiB" <("$KESU" cert show "$bombs/objstm.pdf" 2>&1)
check "comments: the reason is the parsing limit" \
	grep -qF "too much to parse" <("$KESU" cert show "$bombs/comments.pdf" 2>&1)

finish

#!/bin/bash
# What the failure report says, from a real wipe (issue 12 C1, C6, C9): the
# fault shim fails the same 9 sectors (3001 and 4096-4103) on every pass of
# dod-3pass on a loop device. The report must never read 合格, must mark
# every pass 未完了, count 9 distinct sectors (not 27), list the ranges,
# give the reason in Japanese and English and the standard's remedy
# (物理的破壊), and carry a QR code that cannot pass for a certificate's. A
# wipe without faults still gets a certificate that reads 合格. Times are
# the station's (TZ=JST-9) with the offset, UTC once; nothing lies in the
# 20 mm left margin.
source "$(dirname "$0")/lib.sh"
FAULT=${KESU_FAULT_LIB:?built by CMake: libkesu_fault.so}
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
export TZ=JST-9
for tool in pdftotext pdftoppm qpdf jq b2sum; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is missing (.ci/install-deps)"
		finish
	fi
done

SIZE=$((8 << 20))
new_drive() {
	local img
	img=$(make_image "$1.img" "$SIZE")
	python3 -c "import sys; open(sys.argv[1], 'r+b').write(b'\x5a' * $SIZE)" "$img"
	attach "$img"
}
WIPE=("$KESU" wipe --yes --force --json --progress none --request-size 1M)
# the PDF written since the last call (the certificate directory grows by one)
newest_pdf() { ls -t "$CERTS"/*.pdf | head -1; }
# qr PDF -> the text of the QR code on any page (empty when none is read)
qr() {
	rm -f "$WORK"/qr-*.png
	pdftoppm -r 200 -png "$1" "$WORK/qr"
	local page
	for page in "$WORK"/qr-*.png; do
		zbarimg -q --raw "$page" 2>/dev/null && return 0
	done
	return 0
}
# left_margin PDF: every word at least 20 mm (56.69 pt) from the left edge
left_margin() {
	pdftotext -bbox "$1" - 2>/dev/null | python3 -c '
import re, sys
bad = [m.group(2) for m in re.finditer(r"<word xMin=\"([\d.]+)\"[^>]*>(.*?)</word>", sys.stdin.read())
       if float(m.group(1)) < 56.69]
if bad:
    print("inside the 20 mm margin:", bad[:5], file=sys.stderr)
sys.exit(1 if bad else 0)'
}

# 1. Nine sectors no pass can write.
dev=$(new_drive bad)
expect_exit 1 "9 unwritable sectors on every pass of dod-3pass: FAILED" env LD_PRELOAD="$FAULT" \
	KESU_FAULT_PATH="$dev" KESU_FAULT_BAD_WRITE=$((3001 * 512)):512,$((4096 * 512)):4096 \
	"${WIPE[@]}" --method dod-3pass "$dev"
report=$(newest_pdf)
pdftotext "$report" "$WORK/report.txt"
txt=$WORK/report.txt
check "the report is a failure report" grep -qF "データ消去失敗報告書" "$txt"
check "no 合格 anywhere (only 不合格)" bash -c "! grep -qP '(?<!不)合格' '$txt'"
check "no PASSED anywhere" bash -c "! grep -q PASSED '$txt'"
check "verification reads 不合格 / FAILED" grep -qF "不合格 / FAILED" "$txt"
check "every pass reads 未完了 (3 of them)" test "$(grep -c '未完了 / incomplete' "$txt")" -eq 3
check "no pass reads 完了 / done" bash -c "! grep -qF '完了 / done' '$txt'"
check "one count: 9 distinct sectors" grep -qF "9 セクタ（全パス・再開を通算、重複なし）/ 9 distinct sectors" "$txt"
check "never 27" bash -c "! grep -qE '27 (セクタ|sector)' '$txt'"
check "the sector ranges are listed" grep -qF "3001, 4096-4103 (8)" "$txt"
check "the reason in Japanese" grep -qE "^理由: .*9 セクタ" "$txt"
check "the reason in English" grep -qE "^Reason: .*9 sector" "$txt"
check "the remedy: 物理的破壊" grep -qF "物理的破壊" "$txt"
check "the standard's own words" bash -c "tr -d '\n' <'$txt' | grep -qF 'ハンマー等で強い衝撃を与えて躯体を変形させる、又は、躯体を穿孔する。'"
check "notes 11 and 18" grep -qF "注11・注18" "$txt"
check "no advice to erase again" bash -c "! grep -qF '改めて消去してください' '$txt'"
qpdf --show-attachment=kesu-payload.json "$report" >"$WORK/report.json"
check "the payload: 9 unwritten sectors in 2 ranges" \
	jq -e '.sanitization.unwritten_sectors == 9 and (.sanitization.unwritten | map("\(.first)+\(.count)") | join(",")) == "3001+1,4096+8"' "$WORK/report.json"
check "times in the station's zone" grep -qE "^20[0-9-]{8} [0-9:]{8} \(UTC\+09:00\)$" "$txt"
check "no time in UTC beside them" bash -c "! grep -qE '[0-9]{2}:[0-9]{2}:[0-9]{2} UTC' '$txt'"
# the technical block's UTC row names issued, started and ended (a short
# job may start, end and be issued in the same second)
started=$(jq -r .sanitization.started_utc "$WORK/report.json")
times=$(jq --arg t "$started" '[.issued_utc, .sanitization.started_utc, .sanitization.ended_utc] | map(select(. == $t)) | length' "$WORK/report.json")
check "UTC once, in the technical block ($started)" test "$(tr -d '\n' <"$txt" | grep -o "$started" | wc -l)" -eq "$times"
check "the report keeps a 20 mm left margin" left_margin "$report"
if command -v zbarimg >/dev/null; then
	id=$(jq -r .certificate_id "$WORK/report.json")
	digest=$(b2sum -l 256 "$WORK/report.json" | cut -d' ' -f1)
	got=$(qr "$report")
	check "the report's QR code says FAILURE REPORT ($got)" \
		test "$got" = "KESU-FAILURE-REPORT:NOT-SANITIZED:FAILED:$id:$digest"
	check "and cannot pass for a certificate's" bash -c "[[ '$got' != KESU-CERT:* ]]"
else
	echo "# zbarimg not installed: QR content not decoded"
fi

# 2. The same drive type without faults: a certificate, 合格.
dev=$(new_drive good)
expect_exit 0 "the same wipe without faults: SUCCESS" "${WIPE[@]}" --method dod-3pass "$dev"
cert=$(newest_pdf)
pdftotext "$cert" "$WORK/cert.txt"
check "the certificate reads 合格 / PASSED" grep -qF "合格 / PASSED" "$WORK/cert.txt"
check "every pass reads 完了 / done" test "$(grep -c '完了 / done' "$WORK/cert.txt")" -eq 3
check "no failure words on it" bash -c "! grep -qE '不合格|未完了|物理的破壊' '$WORK/cert.txt'"
check "the class label is the standard's" bash -c "! grep -qF '情報資産分類' '$WORK/cert.txt'"
check "the method's caveat is printed (when the record carries it)" \
	bash -c "! jq -e '.sanitization.method.caveat_en' <(qpdf --show-attachment=kesu-payload.json '$cert') >/dev/null || grep -qF 'no longer specifies an overwrite' '$WORK/cert.txt'"
check "no product names in 出典" bash -c "! grep -qE 'Blancco|KillDisk|BitRaser|DiskShredder' '$WORK/cert.txt'"
check "the certificate keeps a 20 mm left margin" left_margin "$cert"
if command -v zbarimg >/dev/null; then
	qpdf --show-attachment=kesu-payload.json "$cert" >"$WORK/cert.json"
	want="KESU-CERT:$(jq -r .certificate_id "$WORK/cert.json"):$(b2sum -l 256 "$WORK/cert.json" | cut -d' ' -f1)"
	check "the certificate's QR code is KESU-CERT:..." test "$(qr "$cert")" = "$want"
fi

# 3. The station's style from its config file: era dates and its own label.
printf 'operator = Test Operator\norganisation = Test City\ndate_style = era\nclass_label = 情報資産の分類\n' \
	>"$XDG_CONFIG_HOME/kesu/config"
dev=$(new_drive styled)
expect_exit 0 "a wipe with date_style = era and a class label" "${WIPE[@]}" --method dod-3pass --class II --policy "$OPEN_POLICY" "$dev"
cert=$(newest_pdf)
pdftotext -enc UTF-8 "$cert" "$WORK/styled.txt"
year=$(( $(date +%Y) - 2018 ))
check "dates read in the Japanese era (令和${year}年)" grep -qF "令和${year}年" "$WORK/styled.txt"
check "the class carries the configured label" grep -qF "情報資産の分類Ⅱ" "$WORK/styled.txt"
check "the caveat for the DoD name is printed" grep -qF "no longer specifies an overwrite" "$WORK/cert.txt"

finish

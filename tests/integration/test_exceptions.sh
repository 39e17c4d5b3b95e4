#!/bin/bash
# "Erased with exceptions" (docs/certificate.md): a job that wrote and
# verified everything it was asked to but leaves something known ends
# ERASED_WITH_EXCEPTIONS, exit 10, with a certificate that says what
# remains and that `kesu cert verify` does not count as a certificate of
# the whole medium (exit 8). kesu-sim puts a simulated ATA drive with an
# HPA (tests/sim) in front of a loop device this test created.
source "$(dirname "$0")/lib.sh"
SIM=${KESU_SIM_BIN:?built by CMake: kesu-sim}

export KESU_SIM_STATE KESU_SIM_LOG KESU_SIM
use() {
	KESU_SIM_STATE="$WORK/$1.state"
	KESU_SIM_LOG="$WORK/$1.log"
	rm -f "$KESU_SIM_STATE" "$KESU_SIM_LOG"
}
new_drive() { attach "$(make_image "$1.img" $((4 << 20)))"; }
WIPE=(wipe --yes --force --json --progress none --poll-interval 5)
ZERO=(--method zero --verify sample) # zero alone reads nothing back
jr() { jq -r "$1" "$WORK/out"; }

# 1. --hpa=keep on a drive whose HPA hides 2048 sectors: everything the
#    system sees is overwritten and verified, the HPA is not.
use keep; dev=$(new_drive keep)
KESU_SIM=ata-hdd,hpa=2048
expect_exit 10 "--hpa=keep with an HPA: erased with exceptions" \
	"$SIM" "${WIPE[@]}" "${ZERO[@]}" --hpa keep "$dev"
check "outcome ERASED_WITH_EXCEPTIONS" test "$(jr '.jobs[0].outcome')" = ERASED_WITH_EXCEPTIONS
check "one exception: hidden-area, 2048 HPA sectors, no DCO" \
	jq -e '.jobs[0].exceptions | length == 1 and .[0].kind == "hidden-area" and
	       .[0].hpa_sectors == 2048 and .[0].dco_sectors == 0' "$WORK/out"
check "the exception says it in Japanese" \
	test "$(jr '.jobs[0].exceptions[0].detail_ja')" = "HPA（隠し領域）2,048 セクタは消去していません"
check "the reason sums it up" grep -q "^erased with exceptions: the Host Protected Area (HPA), 2,048 sectors, was not erased$" \
	<(jr '.jobs[0].reason')
check "the level stays what the method reached on what it wrote" test "$(jr '.jobs[0].nist_level')" = clear
cert=$(jr '.jobs[0].record.certificate')
check "a certificate document was issued" test -f "$cert"
check "... not as a failure report" test "$(jr '.jobs[0].record.failure_report')" = null
job=$(jr '.jobs[0].record.job_id')
"$KESU" ledger show --json "$job" >"$WORK/record.json"
check "the ledger record: outcome, exceptions and reason_ja" \
	jq -e '(.. | objects | select(.kind? == "wipe")) | .outcome == "ERASED_WITH_EXCEPTIONS" and
	       .exceptions[0].kind == "hidden-area" and .exceptions[0].hpa_sectors == 2048 and
	       (.reason_ja | startswith("例外付き消去: HPA（隠し領域）2,048 セクタ"))' "$WORK/record.json"
check "the ledger verifies" "$KESU" ledger verify
check "the ledger lists it by outcome" \
	grep -q "$job" <("$KESU" ledger list --outcome ERASED_WITH_EXCEPTIONS --json)
pdftotext -layout "$cert" "$WORK/cert.txt"
check "the page's title says with exceptions" grep -q "データ消去証明書（例外あり）" "$WORK/cert.txt"
check "... in English too" grep -q "Certificate of Data Sanitization (with exceptions)" "$WORK/cert.txt"
check "the banner says it plainly" grep -q "例外付き消去 / ERASED WITH EXCEPTIONS" "$WORK/cert.txt"
check "the exception in Japanese" grep -q "HPA（隠し領域）2,048 セクタは消去していません" "$WORK/cert.txt"
check "the exception in English" grep -q "the Host Protected Area (HPA), 2,048 sectors, was not erased" "$WORK/cert.txt"
check "the outcome box" grep -q "例外付き消去 *ERASED_WITH_EXCEPTIONS" "$WORK/cert.txt"
check "it is not called a failure report" bash -c "! grep -q '失敗報告書\|FAILURE REPORT' '$WORK/cert.txt'"
"$KESU" cert show "$cert" >"$WORK/payload.json"
check "payload: document certificate, version 3, the exceptions" \
	jq -e '.document == "certificate" and .kesu_certificate == 3 and
	       .outcome == "ERASED_WITH_EXCEPTIONS" and .exceptions[0].kind == "hidden-area"' "$WORK/payload.json"
if command -v zbarimg >/dev/null; then
	pdftoppm -r 200 -png "$cert" "$WORK/qr"
	qpdf --show-attachment=kesu-payload.json "$cert" >"$WORK/exact.json" # the signed bytes
	qr=$(for page in "$WORK"/qr-*.png; do zbarimg -q --raw "$page" 2>/dev/null && break; done)
	check "the QR code cannot pass for a certificate's (${qr%%:*})" \
		test "$qr" = "KESU-CERT-WITH-EXCEPTIONS:$(jq -r .certificate_id "$WORK/exact.json"):$(b2sum -l 256 "$WORK/exact.json" | cut -d' ' -f1)"
fi
expect_exit 8 "cert verify: not a certificate of the whole medium" "$KESU" cert verify "$cert"
check "cert verify says its own word" grep -qx "ERASED WITH EXCEPTIONS" "$WORK/out"
check "... and why" grep -q "erased with exceptions, NOT a certificate of the whole medium" "$WORK/out"
rm "$cert"
expect_exit 0 "kesu cert issue makes it again from the ledger" "$KESU" cert issue "$job"
check "... and calls it a certificate with exceptions" grep -q "certificate with exceptions for record" "$WORK/out"
check "... the same document kind" test "$("$KESU" cert show "$cert" | jq -r .outcome)" = ERASED_WITH_EXCEPTIONS

# 2. The default (--hpa=check) on an overwrite also leaves the HPA.
use check; dev=$(new_drive check)
KESU_SIM=ata-hdd,hpa=1024
expect_exit 10 "--hpa=check (the default) with an HPA" "$SIM" "${WIPE[@]}" "${ZERO[@]}" "$dev"
check "1024 HPA sectors listed" jq -e '.jobs[0].exceptions[0].hpa_sectors == 1024' "$WORK/out"

# 3. --hpa=restore erases the hidden sectors too: a plain SUCCESS.
use restore; dev=$(new_drive restore)
KESU_SIM=ata-hdd,hpa=2048
expect_exit 0 "--hpa=restore: SUCCESS" "$SIM" "${WIPE[@]}" "${ZERO[@]}" --hpa restore "$dev"
check "outcome SUCCESS, no exceptions" jq -e '.jobs[0].outcome == "SUCCESS" and .jobs[0].exceptions == null' "$WORK/out"

# 4. A DCO is never changed: an exception even with --hpa=restore.
use dco; dev=$(new_drive dco)
KESU_SIM=ata-hdd,dco=512
expect_exit 10 "a DCO" "$SIM" "${WIPE[@]}" "${ZERO[@]}" "$dev"
check "512 DCO sectors listed" \
	jq -e '.jobs[0].exceptions[0] | .kind == "hidden-area" and .dco_sectors == 512 and .hpa_sectors == 0' "$WORK/out"

# 5. Full verification asked for, a crypto erase proven by samples only.
use crypto; dev=$(new_drive crypto)
KESU_SIM=ata
expect_exit 10 "crypto erase with --verify full" "$SIM" "${WIPE[@]}" --method ata-sanitize-crypto --verify full "$dev"
check "firmware-proof-sampled with the bytes proven" \
	jq -e '.jobs[0].exceptions[0] | .kind == "firmware-proof-sampled" and .marker_bytes > 0 and
	       .size_bytes == 4194304' "$WORK/out"
use crypto2; dev=$(new_drive crypto2)
expect_exit 0 "the same erase with the default verification: SUCCESS" \
	"$SIM" "${WIPE[@]}" --method ata-sanitize-crypto "$dev"

# 6. Under a prior approval: the entry is not spent; kesu approval status
#    shows the state "exceptions" (例外付き消去).
expect_exit 0 "an approver key" "$KESU" key generate --role approver --name "Approver" \
	--no-passphrase -o "$WORK/approver.key"
expect_exit 0 "trusted" "$KESU" trust add --role approver --name "Approver" "$WORK/approver.pub"
printf 'asset,description\nPC-001,desk\n' >"$WORK/media.csv"
expect_exit 0 "an approval for PC-001" "$KESU" approve --media-file "$WORK/media.csv" --class III \
	--purpose lease-return --methods zero --valid-until "$(date -d '+30 days' +%F)" \
	--name "Approver" --key "$WORK/approver.key" -o "$WORK/lease.kesu-approval"
use approved; dev=$(new_drive approved)
KESU_SIM=ata-hdd,hpa=64
expect_exit 10 "an approved medium erased with exceptions" "$SIM" "${WIPE[@]}" "${ZERO[@]}" --hpa keep \
	--approval "$WORK/lease.kesu-approval" --asset PC-001 "$dev"
expect_exit 1 "approval status: not every medium has its proof" \
	"$KESU" approval status --json "$WORK/lease.kesu-approval"
check "the medium's state is exceptions" \
	jq -e '.media[0].state == "exceptions" and .media[0].failures == 0' "$WORK/out"

finish

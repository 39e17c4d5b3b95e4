#!/bin/bash
# Firmware methods end to end: kesu-sim is the kesu command line with a
# simulated drive (tests/sim, knobs from $KESU_SIM) in place of the real
# command channel, erasing a loop device this test created. What the
# simulated command does lands on the loop device, and kesu's proof reads
# it back through its ordinary read path.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_sim.sh"
# bytes_of DEV -> hex of the distinct bytes on the whole device ("00", ...)
distinct() { python3 -c "import sys; d=open(sys.argv[1],'rb').read(); print(''.join('%02x' % b for b in sorted(set(d)))[:64])" "$1"; }
has_text() { grep -q "CONFIDENTIAL" "$1"; }
WIPE=(wipe --yes --force --json --progress none --poll-interval 5)
jr() { jq -r "$1" "$WORK/out"; }

# 1. ATA Security Erase on an SSD: success, zeros, Clear only (flash).
use ssd; dev=$(new_drive ssd)
KESU_SIM=ata
expect_exit 0 "ata-security-erase on a simulated SSD" "$SIM" "${WIPE[@]}" --method ata-security-erase "$dev"
check "outcome SUCCESS" test "$(jr '.jobs[0].outcome')" = SUCCESS
check "the drive holds only zeros" test "$(distinct "$dev")" = 00
check "NIST level on flash is clear" test "$(jr '.jobs[0].nist_level')" = clear
check "technique firmware" test "$(jr '.jobs[0].method.technique')" = firmware
check "proof: markers written, none left, no non-zero sector" \
	jq -e '.jobs[0].firmware.proof | .marker_bytes > 0 and .unchanged_sectors == 0 and .nonzero_sectors == 0' "$WORK/out"
check "password set and cleared" jq -e '.jobs[0].firmware.password_set and .jobs[0].firmware.password_cleared' "$WORK/out"
check "commands: IDENTIFY, SET PASSWORD, ERASE PREPARE then ERASE UNIT" \
	grep -Pzo 'ata f1\n(ata ec\n)*ata f3\nata f4\n' "$KESU_SIM_LOG"
check "a certificate was issued" test -f "$(jr '.jobs[0].record.certificate')"
cert=$(jr '.jobs[0].record.certificate')
check "the certificate verifies" "$KESU" cert verify "$cert"
check "the ledger forgot the temporary password" \
	test "$(sqlite3 "$LEDGER" 'SELECT count(*) FROM ata_passwords')" = 0
check "the ledger verifies" "$KESU" ledger verify
# The password the drive received appears nowhere kesu wrote.
pw=$(python3 -c 'import sys; print(bytes.fromhex(sys.argv[1]).rstrip(b"\0").decode())' "$(sed -n 's/^last_password=//p' "$KESU_SIM_STATE")")
check "the drive received a 32-character password" grep -Eq '^[0-9a-f]{32}$' <<<"$pw"
"$KESU" ledger export --json >"$WORK/export.json"
leak=0
for f in "$WORK/out" "$WORK/err" "$cert" "$WORK/export.json" "$KESU_SIM_LOG"; do
	grep -qaF "$pw" "$f" && leak=1
done
# (output read whole, then searched: under pipefail, grep -q leaving at a
# match would fail the pipeline by SIGPIPE and hide the very leak it found)
grep -qF "$pw" <<<"$(pdftotext "$cert" - 2>/dev/null)" && leak=1
grep -qF "$pw" <<<"$("$KESU" cert show "$cert" 2>&1)" && leak=1
check "the password is in no output, certificate, record or log" test $leak = 0

# 2. Enhanced erase on a spinning disk: Purge.
use hdd; dev=$(new_drive hdd)
KESU_SIM=ata-hdd
expect_exit 0 "ata-security-erase-enhanced on a simulated HDD" "$SIM" "${WIPE[@]}" --method ata-security-erase-enhanced "$dev"
check "NIST level on a disk is purge" test "$(jr '.jobs[0].nist_level')" = purge
check "the old text is gone" bash -c "! grep -q CONFIDENTIAL $dev"

# 3. A drive that says success but erases nothing: FAILED, no certificate.
use liar; dev=$(new_drive liar)
KESU_SIM=ata,liar
before=$(sha "$dev")
expect_exit 4 "a lying drive fails the proof" "$SIM" "${WIPE[@]}" --method ata-security-erase "$dev"
check "outcome FAILED" test "$(jr '.jobs[0].outcome')" = FAILED
check "the reason says reading shows otherwise" grep -q "reading shows otherwise" <(jr '.jobs[0].reason')
check "marked sectors are reported unchanged" jq -e '.jobs[0].firmware.proof.unchanged_sectors > 0' "$WORK/out"
check "no certificate, a failure report" jq -e '.jobs[0].record.certificate == null and .jobs[0].record.failure_report != null' "$WORK/out"
check "the ledger records the failure" \
	test "$("$KESU" ledger list --json --outcome FAILED | jq 'length')" -ge 1

# 4. Frozen: refused with the remedy, nothing written or sent.
use frozen; dev=$(new_drive frozen)
KESU_SIM=ata,frozen
before=$(sha "$dev")
expect_exit 5 "a frozen drive is refused" "$SIM" "${WIPE[@]}" --method ata-security-erase "$dev"
check "the message says how to unfreeze" grep -qi "suspend" "$WORK/err"
check "the drive is unchanged" test "$(sha "$dev")" = "$before"
check "no SET PASSWORD was sent" bash -c "! grep -q 'ata f1' $KESU_SIM_LOG"

# 5. The erase fails and the password cannot be removed: kesu keeps it,
#    says how to recover, and kesu unlock recovers; the password never shows.
use stuck; dev=$(new_drive stuck)
KESU_SIM=ata,erase-fails,disable-fails
expect_exit 1 "a failed erase with the password stuck" "$SIM" "${WIPE[@]}" --method ata-security-erase "$dev"
check "outcome FAILED" test "$(jr '.jobs[0].outcome')" = FAILED
check "the operator is told to run kesu unlock" grep -q "kesu unlock" "$WORK/err"
check "the ledger keeps the password" test "$(sqlite3 "$LEDGER" 'SELECT count(*) FROM ata_passwords')" = 1
pw=$(sqlite3 "$LEDGER" 'SELECT password FROM ata_passwords')
check "the kept password is 32 hex characters" grep -Eq '^[0-9a-f]{32}$' <<<"$pw"
report=$(jr '.jobs[0].record.failure_report')
leak=0
for f in "$WORK/out" "$WORK/err" "$report" "$KESU_SIM_LOG"; do
	grep -qF "$pw" "$f" && leak=1
done
"$KESU" ledger export --json >"$WORK/export.json"
grep -qF "$pw" "$WORK/export.json" && leak=1
grep -qF "$pw" <<<"$(pdftotext "$report" - 2>/dev/null)" && leak=1
check "the password is in no output, record, log or report" test $leak = 0
# The drive lets DISABLE PASSWORD work again (as after a power cycle).
KESU_SIM=ata
expect_exit 0 "kesu unlock removes it" "$SIM" unlock "$dev"
check "unlock printed no password" bash -c "! grep -qF $pw $WORK/out $WORK/err"
check "the ledger forgot it" test "$(sqlite3 "$LEDGER" 'SELECT count(*) FROM ata_passwords')" = 0
expect_exit 0 "the drive can be erased now" "$SIM" "${WIPE[@]}" --method ata-security-erase "$dev"
check "zeros" test "$(distinct "$dev")" = 00

# 6. NVMe sanitize crypto erase with progress polling: Purge.
use nvme; dev=$(new_drive nvme)
KESU_SIM=nvme,polls=4
expect_exit 0 "nvme-sanitize-crypto" "$SIM" "${WIPE[@]}" --method nvme-sanitize-crypto "$dev"
check "SUCCESS at purge" jq -e '.jobs[0].outcome == "SUCCESS" and .jobs[0].nist_level == "purge"' "$WORK/out"
check "the old text is gone" bash -c "! grep -q CONFIDENTIAL $dev"
check "the sanitize log was polled" test "$(grep -c '^nvme 02' "$KESU_SIM_LOG")" -ge 4

# 7. NVMe format (SES=1) and a lying controller.
use fmt; dev=$(new_drive fmt)
KESU_SIM=nvme
expect_exit 0 "nvme-format-erase" "$SIM" "${WIPE[@]}" --method nvme-format-erase "$dev"
check "SUCCESS" test "$(jr '.jobs[0].outcome')" = SUCCESS
use nvliar; dev=$(new_drive nvliar)
KESU_SIM=nvme,liar
expect_exit 4 "a lying NVMe format fails the proof" "$SIM" "${WIPE[@]}" --method nvme-format-crypto "$dev"

# 8. SCSI sanitize, block erase.
use scsi; dev=$(new_drive scsi)
KESU_SIM=scsi,polls=3
expect_exit 0 "scsi-sanitize-block" "$SIM" "${WIPE[@]}" --method scsi-sanitize-block "$dev"
check "zeros where the text was" bash -c "! grep -q CONFIDENTIAL $dev"

# 9. A sanitize cut short (kesu killed while it runs): the next run
#    finds it running, follows it to its end, and checks the first run's markers.
use power; dev=$(new_drive power)
KESU_SIM=nvme,polls=400
"$SIM" "${WIPE[@]}" --method nvme-sanitize-block "$dev" >"$WORK/out" 2>"$WORK/err" &
pid=$!
for _ in $(seq 100); do grep -q '^nvme 84' "$KESU_SIM_LOG" 2>/dev/null && break; sleep 0.1; done
kill -INT $pid
rc=0
wait $pid || rc=$?
check "the first run is INTERRUPTED (exit 6)" test $rc = 6
check "it says the sanitize goes on in the drive" grep -q "goes on inside the drive" <(jr '.jobs[0].reason')
KESU_SIM=nvme,polls=3
expect_exit 0 "the next run follows the running sanitize" "$SIM" "${WIPE[@]}" --method nvme-sanitize-block "$dev"
check "it says it followed a running sanitize" jq -e '.jobs[0].firmware.followed_running' "$WORK/out"
check "it resumed the job in the ledger" jq -e '.jobs[0].record.resumed' "$WORK/out"
check "exactly one Sanitize command was ever sent" test "$(grep -c '^nvme 84' "$KESU_SIM_LOG")" = 1

# 10. auto-purge picks for the drive and says why.
use auto; dev=$(new_drive auto)
KESU_SIM=ata
expect_exit 0 "auto-purge on an SSD" "$SIM" "${WIPE[@]}" --method auto-purge "$dev"
check "it chose a sanitize" grep -q "sanitize" <(jr '.jobs[0].method.id')
check "and reached purge" test "$(jr '.jobs[0].nist_level')" = purge

# 11. An HPA in front of Security Erase: refused without a decision;
#     --hpa=restore opens it and the record says so.
use hpa; dev=$(new_drive hpa)
KESU_SIM=ata-hdd,hpa=2048
expect_exit 5 "Security Erase with an HPA and no decision" "$SIM" "${WIPE[@]}" --method ata-security-erase "$dev"
check "the message names --hpa" grep -q -- "--hpa" "$WORK/err"
expect_exit 0 "--hpa=restore" "$SIM" "${WIPE[@]}" --hpa restore --method ata-security-erase "$dev"
check "the record says the HPA was found and removed" \
	jq -e '.jobs[0].hidden_areas.hpa_sectors == 2048 and .jobs[0].hidden_areas.hpa_restored' "$WORK/out"
check "SET MAX ADDRESS was sent" grep -q '^ata 37' "$KESU_SIM_LOG"

# 12. A bridge that blocks ATA pass-through: the method is refused.
use bridge; dev=$(new_drive bridge)
KESU_SIM=ata,bridge-blocks
before=$(sha "$dev")
expect_exit 3 "ATA commands blocked by a bridge" "$SIM" "${WIPE[@]}" --method ata-security-erase "$dev"
check "the drive is unchanged" test "$(sha "$dev")" = "$before"

# 13. The real kesu has no firmware erase for a loop device.
use loop; dev=$(new_drive loop)
before=$(sha "$dev")
expect_exit 3 "kesu refuses a firmware method on a loop device" "$KESU" "${WIPE[@]}" --method nvme-format-erase "$dev"
check "the message says why" grep -q "loop device" "$WORK/err"
check "the drive is unchanged" test "$(sha "$dev")" = "$before"

# 14. Every firmware method: its happy path, a drive that lies, and a
#     drive that refuses the command (each on a fresh simulated drive).
declare -A KIND=(
	[ata-security-erase]=ata [ata-security-erase-enhanced]=ata-hdd [ata-sanitize-crypto]=ata
	[ata-sanitize-block]=ata [ata-sanitize-overwrite]=ata-hdd [nvme-format-erase]=nvme
	[nvme-format-crypto]=nvme [nvme-sanitize-block]=nvme [nvme-sanitize-crypto]=nvme
	[nvme-sanitize-overwrite]=nvme [scsi-sanitize-block]=scsi [scsi-sanitize-crypto]=scsi
	[scsi-sanitize-overwrite]=scsi)
declare -A REFUSE=(
	[ata-security-erase]=abort=0xf4 [ata-security-erase-enhanced]=timeout=0xf4
	[ata-sanitize-crypto]=abort=0xb4 [ata-sanitize-block]=abort=0xb4
	[ata-sanitize-overwrite]=abort=0xb4 [nvme-format-erase]=fail=0x80 [nvme-format-crypto]=fail=0x80
	[nvme-sanitize-block]=fail=0x84 [nvme-sanitize-crypto]=fail=0x84
	[nvme-sanitize-overwrite]=fail=0x84 [scsi-sanitize-block]=abort-sa=2
	[scsi-sanitize-crypto]=abort-sa=3 [scsi-sanitize-overwrite]=abort-sa=1)
for m in "${!KIND[@]}"; do
	kind=${KIND[$m]}
	use "m-$m"; dev=$(new_drive "m-$m")
	KESU_SIM="$kind,polls=2"
	expect_exit 0 "$m on a simulated $kind drive" "$SIM" "${WIPE[@]}" --method "$m" "$dev"
	check "$m: SUCCESS and the old data is gone" bash -c \
		"jq -e '.jobs[0].outcome == \"SUCCESS\"' $WORK/out && ! grep -q CONFIDENTIAL $dev"
	leaves=$(jq -r '.jobs[0].firmware.proof.leaves' "$WORK/out")
	[ "$leaves" = zero ] && check "$m: leaves zeros" test "$(distinct "$dev")" = 00
	use "l-$m"; dev=$(new_drive "l-$m")
	KESU_SIM="$kind,liar"
	expect_exit 4 "$m: a drive that only says it erased fails" "$SIM" "${WIPE[@]}" --method "$m" "$dev"
	use "r-$m"; dev=$(new_drive "r-$m")
	before=$(sha "$dev")
	KESU_SIM="$kind,${REFUSE[$m]}"
	rc=0
	"$SIM" "${WIPE[@]}" --method "$m" "$dev" >"$WORK/out" 2>"$WORK/err" || rc=$?
	check "$m: a failing command ends FAILED with the drive's answer (exit $rc)" bash -c \
		"[ $rc -ne 0 ] && jq -e '.jobs[0].outcome == \"FAILED\" and (.jobs[0].firmware.detail | length > 0)' $WORK/out"
	check "$m: no certificate for it" jq -e '.jobs[0].record.certificate == null' "$WORK/out"
done
check "no temporary password is left in the ledger" \
	test "$(sqlite3 "$LEDGER" 'SELECT count(*) FROM ata_passwords')" = 0

finish

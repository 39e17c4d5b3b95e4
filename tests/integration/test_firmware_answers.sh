#!/bin/bash
# How kesu reads a drive's answers, end to end (issue 20, items 3, 4, 6
# and 7): kesu-sim with simulated drives that answer a success in fixed-
# format sense without byte 8 (a truncated READ NATIVE MAX), an ACS-3
# drive that aborts READ NATIVE MAX / SET MAX ADDRESS (27h/37h), a drive
# whose sanitize is frozen or fails, a SCSI disk that refuses REQUEST
# SENSE with DESC=1, and one with UNIT ATTENTIONs pending.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_sim.sh"
WIPE=(wipe --yes --force --progress none --poll-interval 5)
jr() { jq -r "$1" "$WORK/out"; }

# 1. A truncated READ NATIVE MAX (fixed-format success answer, byte 8
#    never set, the device cannot be switched to descriptor sense): the
#    HPA is unknown, never "none".
use trunc; dev=$(new_drive trunc)
KESU_SIM=ata,hpa=64,fixed-no-extend,mode-select-refused
expect_exit 0 "kesu info on a drive whose native max came back truncated" "$SIM" info "$dev"
check "info says the HPA is unknown, and why" \
	grep -q "HPA  *unknown (the native max address came back in fixed-format sense" "$WORK/out"
check "info never says there is no HPA" bash -c "! grep -Eq 'HPA +(none|no)\b' '$WORK/out'"
expect_exit 0 "kesu info --json" "$SIM" info --json "$dev"
check "JSON: no hidden count claimed" jq -e '[.. | objects | select(has("hpa_hidden_sectors")) | .hpa_hidden_sectors] | all(. == null)' "$WORK/out"
# Security Erase there: a warning before anything is sent, and the job is
# erased with an exception (exit 10), never a plain SUCCESS.
expect_exit 10 "ata-security-erase on it" "$SIM" "${WIPE[@]}" --method ata-security-erase "$dev"
check "the job's text says the HPA was not checked" grep -q "hidden areas: HPA not checked" "$WORK/out"
check "it warned before sending" grep -q "warning: $dev: kesu could not check for a Host Protected Area" "$WORK/err"
check "the text names the exception" grep -q "exception (hidden-area-unchecked)" "$WORK/out"
expect_exit 10 "again, as JSON" "$SIM" "${WIPE[@]}" --json --method ata-security-erase "$dev"
check "the record has no hidden_areas (not 'none')" jq -e '.jobs[0].hidden_areas == null' "$WORK/out"
check "outcome ERASED_WITH_EXCEPTIONS, kind hidden-area-unchecked" \
	jq -e '.jobs[0].outcome == "ERASED_WITH_EXCEPTIONS" and ([.jobs[0].exceptions[].kind] == ["hidden-area-unchecked"])' "$WORK/out"
cert=$(jr '.jobs[0].record.certificate')
check "a certificate with exceptions was issued" test -f "$cert"
check "the certificate says the HPA could not be checked" \
	grep -q "could not check whether a Host Protected Area" <<<"$(pdftotext "$cert" - 2>/dev/null | tr '\n' ' ')"
expect_exit 8 "cert verify: intact, not a certificate of the whole medium" "$KESU" cert verify "$cert"
check "cert verify says erased with exceptions" grep -qx "ERASED WITH EXCEPTIONS" "$WORK/out"
check "the old data is gone" bash -c "! grep -q CONFIDENTIAL $dev"

# 2. ACS-3 (Accessible Max Address) with 27h/37h aborted: the HPA is found
#    with GET NATIVE MAX ADDRESS EXT and removed with SET ACCESSIBLE MAX
#    ADDRESS EXT, then erased.
use acs3; dev=$(new_drive acs3)
KESU_SIM=ata,hpa=64,amax,legacy-hpa-aborts
expect_exit 0 "kesu info on the ACS-3 drive" "$SIM" info --json "$dev"
check "info: 64 hidden sectors" jq -e '[.. | objects | select(has("hpa_hidden_sectors")) | .hpa_hidden_sectors] | any(. == 64)' "$WORK/out"
expect_exit 0 "ata-security-erase --hpa restore" "$SIM" "${WIPE[@]}" --json --hpa restore --method ata-security-erase "$dev"
check "the record: HPA of 64 sectors found and removed" \
	jq -e '.jobs[0].hidden_areas.hpa_sectors == 64 and .jobs[0].hidden_areas.hpa_restored' "$WORK/out"
check "GET NATIVE MAX / SET ACCESSIBLE MAX (78h) were sent" grep -q '^ata 78' "$KESU_SIM_LOG"
check "SET MAX ADDRESS EXT (37h) was not needed" bash -c "! grep -q '^ata 37' '$KESU_SIM_LOG'"
check "the old data is gone" bash -c "! grep -q CONFIDENTIAL $dev"

# 3. Sanitize frozen (SANITIZE FREEZE LOCK): refused before any erasing
#    command, with its reason, exit 3; the drive is unchanged.
use frozen; dev=$(new_drive frozen)
KESU_SIM=ata,sanitize-frozen
before=$(sha "$dev")
expect_exit 0 "kesu info on the frozen drive" "$SIM" info "$dev"
check "info says sanitize is frozen" grep -q "sanitize frozen  *yes (SANITIZE FREEZE LOCK)" "$WORK/out"
check "auto-purge chooses no sanitize, and says why" \
	bash -c "grep -Eq 'auto-purge +none' '$WORK/out' && grep -q 'why .*SANITIZE FREEZE LOCK' '$WORK/out'"
: >"$KESU_SIM_LOG"
expect_exit 3 "ata-sanitize-block on a frozen drive" "$SIM" "${WIPE[@]}" --method ata-sanitize-block "$dev"
check "the reason names the freeze lock" grep -q "sanitize is frozen on this drive (SANITIZE FREEZE LOCK" "$WORK/err"
check "no SANITIZE command other than STATUS was sent" bash -c "! grep '^ata b4' '$KESU_SIM_LOG' | grep -qv 'feature=0x0000'"
check "no security command was sent" bash -c "! grep -Eq '^ata f[1-6]' '$KESU_SIM_LOG'"
check "the drive is unchanged" test "$(sha "$dev")" = "$before"
expect_exit 3 "auto-purge on the frozen drive" "$SIM" "${WIPE[@]}" --method auto-purge "$dev"
check "... refused naming the freeze lock" grep -q "SANITIZE FREEZE LOCK" "$WORK/err"
check "... and the drive is unchanged" test "$(sha "$dev")" = "$before"

# 4. A sanitize that fails: SANITIZE STATUS aborts with reason 01h, named.
use sanfail; dev=$(new_drive sanfail)
KESU_SIM=ata,sanitize-fails
rc=0
"$SIM" "${WIPE[@]}" --json --method ata-sanitize-block "$dev" >"$WORK/out" 2>"$WORK/err" || rc=$?
check "a failed sanitize fails the job (exit $rc)" test "$rc" -ne 0
check "outcome FAILED with the drive's reason" \
	jq -e '.jobs[0].outcome == "FAILED" and (.jobs[0].reason | test("reason 01h"))' "$WORK/out"
check "no certificate" jq -e '.jobs[0].record.certificate == null' "$WORK/out"

# 5. A SCSI disk that refuses DESC=1: REQUEST SENSE falls back to fixed
#    format and the sanitize's progress is still reported.
use scsi; dev=$(new_drive scsi)
KESU_SIM=scsi,desc-refused,polls=30
expect_exit 0 "scsi-sanitize-block, DESC=1 refused" "$SIM" wipe --yes --force --progress json --poll-interval 50 \
	--method scsi-sanitize-block "$dev"
check "progress was reported while it ran" \
	bash -c "grep '\"phase\":\"erase\"' '$WORK/err' | jq -e -s 'map(select(.pattern == \"firmware\" and .done > 0 and .done < .total)) | length > 0'"
check "the job succeeded" grep -q "SUCCESS" "$WORK/out"
check "the old data is gone" bash -c "! grep -q CONFIDENTIAL $dev"

# 6. UNIT ATTENTIONs pending (power-on, reset): each command is sent again,
#    the capability queries too.
use ua; dev=$(new_drive ua)
KESU_SIM=scsi,unit-attentions=5,sanitize=block
expect_exit 0 "kesu info with UNIT ATTENTIONs pending" "$SIM" info "$dev"
check "the service actions are known, not unknown" \
	bash -c "grep -Eq 'sanitize block erase +yes' '$WORK/out' && grep -Eq 'sanitize crypto +no' '$WORK/out'"
expect_exit 0 "scsi-sanitize-block with UNIT ATTENTIONs pending" "$SIM" "${WIPE[@]}" --method scsi-sanitize-block "$dev"
check "the old data is gone" bash -c "! grep -q CONFIDENTIAL $dev"

finish

#!/bin/bash
# NVMe namespaces end to end (issue 20, items 1 and 2): kesu-sim with a
# simulated controller whose namespace is not the number its name would
# suggest (nsid 2, beside a namespace 1), erasing a loop device this test
# created. The Format goes to the NSID the drive reports; a Format with FNA
# bit 1 (and a Sanitize) lists the other namespace before anything is
# sent and the record keeps it; without an NSID nothing is sent at all.
source "$(dirname "$0")/lib.sh"
SIM=${KESU_SIM_BIN:?built by CMake: kesu-sim}

SIZE=$((8 << 20))
export KESU_SIM_STATE="$WORK/nvme.state" KESU_SIM_LOG="$WORK/nvme.log" KESU_SIM
dev=$(attach "$(make_image nvme.img "$SIZE")")
WIPE=(wipe --yes --force --json --progress none --poll-interval 5)
fresh() { rm -f "$KESU_SIM_STATE" "$KESU_SIM_LOG"; }

# 1. The namespace is nsid 2: Identify Namespace and Format NVM go there.
fresh
KESU_SIM=nvme,nsid=2,other-nsid=1
expect_exit 0 "nvme-format-erase on namespace 2" "$SIM" "${WIPE[@]}" --method nvme-format-erase "$dev"
check "Identify Namespace asked nsid 2" grep -q '^nvme 06 nsid=0x00000002 cdw10=0x00000000' "$KESU_SIM_LOG"
check "the active namespace list was asked (CNS 02h)" grep -q '^nvme 06 nsid=0x00000000 cdw10=0x00000002' "$KESU_SIM_LOG"
check "Format NVM went to nsid 2 with SES 1 (golden cdw10)" grep -qx 'nvme 80 nsid=0x00000002 cdw10=0x00000200 cdw11=0x00000000' "$KESU_SIM_LOG"
check "nothing was sent to nsid 1" bash -c "! grep -q 'nsid=0x00000001' '$KESU_SIM_LOG'"
check "outcome SUCCESS" test "$(jq -r '.jobs[0].outcome' "$WORK/out")" = SUCCESS
# shellcheck disable=SC2016 # $d is jq's variable
check "the record's scope: this namespace only" jq -e --arg d "$dev" \
	'.jobs[0].firmware.scope == {"namespaces": [{"nsid": 2, "device": $d}], "reason": "namespace", "sent_nsid": 2}' "$WORK/out"
check "no other namespace was announced" bash -c "! grep -q 'every namespace' '$WORK/err'"

# 2. FNA bit 1: the secure erase reaches namespace 1 too. It is listed
# before anything is sent; --yes alone does not cover it (a confirmation
# made elsewhere never showed it): --namespaces must name it.
fresh
KESU_SIM=nvme,nsid=2,other-nsid=1,fna=6
expect_exit 5 "--yes alone does not confirm namespace 1" "$SIM" "${WIPE[@]}" --method nvme-format-crypto "$dev"
check "it was listed" grep -qF "(FNA bit 1), not only this one: nsid 2 $dev, nsid 1 (no block device)" "$WORK/err"
check "the refusal names the option and the NSID" grep -q 'also erases namespaces 1, which --yes alone does not cover; name them with --namespaces 1' "$WORK/err"
check "no Format NVM was sent" bash -c "! grep -q '^nvme 80' '$KESU_SIM_LOG'"
expect_exit 5 "--namespaces naming another NSID does not either" "$SIM" "${WIPE[@]}" --namespaces 3 --method nvme-format-crypto "$dev"
expect_exit 2 "--namespaces with a bad NSID" "$SIM" "${WIPE[@]}" --namespaces 1,x --method nvme-format-crypto "$dev"
check "one line naming the option" grep -q '^kesu: --namespaces: "1,x" is not a list of namespace ids' "$WORK/err"
fresh
expect_exit 0 "nvme-format-crypto with FNA bit 1, --namespaces 1" "$SIM" "${WIPE[@]}" --namespaces 1 --method nvme-format-crypto "$dev"
check "stderr lists both namespaces" grep -qF \
	"erases every namespace of the controller (FNA bit 1), not only this one: nsid 2 $dev, nsid 1 (no block device)" "$WORK/err"
check "sent to the namespace's own nsid (bit 0 clear)" grep -q '^nvme 80 nsid=0x00000002 cdw10=0x00000400' "$KESU_SIM_LOG"
check "the record names both" jq -e \
	'.jobs[0].firmware.scope | .reason == "FNA bit 1" and (.namespaces | length) == 2 and .namespaces[1].nsid == 1 and .namespaces[1].device == null' "$WORK/out"
"$KESU" ledger export --json >"$WORK/export.json"
check "the ledger's record keeps the scope" grep -q 'FNA bit 1' "$WORK/export.json"

# 3. FNA bit 0: the Format goes to NSID FFFFFFFFh.
fresh
KESU_SIM=nvme,nsid=2,other-nsid=1,fna=5
expect_exit 0 "nvme-format-erase with FNA bit 0" "$SIM" "${WIPE[@]}" --namespaces 1 --method nvme-format-erase "$dev"
check "Format NVM to NSID FFFFFFFFh" grep -q '^nvme 80 nsid=0xffffffff cdw10=0x00000200' "$KESU_SIM_LOG"
check "reason FNA bit 0" test "$(jq -r '.jobs[0].firmware.scope.reason' "$WORK/out")" = "FNA bit 0"

# 4. Sanitize: the whole subsystem, listed and recorded.
fresh
KESU_SIM=nvme,nsid=2,other-nsid=1,polls=2
expect_exit 0 "nvme-sanitize-block" "$SIM" "${WIPE[@]}" --namespaces 1 --method nvme-sanitize-block "$dev"
check "stderr lists the subsystem's namespaces" grep -qF "(sanitize), not only this one: nsid 2 $dev, nsid 1" "$WORK/err"
check "recorded as the subsystem" jq -e \
	'.jobs[0].firmware.scope | .reason == "sanitize" and .sent_nsid == 0 and (.namespaces | length) == 2' "$WORK/out"

# 5. No NSID from the drive (and a loop device has no sysfs nsid): refused,
# one line, nothing sent, the data untouched.
fresh
KESU_SIM=nvme,no-nsid
printf 'old data' | dd of="$dev" conv=notrunc status=none
expect_exit 5 "no namespace id: refused" "$SIM" "${WIPE[@]}" --method nvme-format-erase "$dev"
check "one line" test "$(wc -l <"$WORK/err")" -eq 1
check "it says why" grep -q "namespace id of $dev is unknown.*refusing to guess" "$WORK/err"
check "no Format NVM was sent" bash -c "! grep -q '^nvme 80' '$KESU_SIM_LOG'"
check "the data is untouched" test "$(head -c 8 "$dev")" = "old data"

# 6. kesu info shows the drive's NSID, or why it is unknown.
fresh
KESU_SIM=nvme,nsid=2,other-nsid=1
expect_exit 0 "kesu info --json" "$SIM" info --json "$dev"
check "nvme_nsid is the drive's 2" test "$(jq -r '.. | objects | select(has("nvme_nsid")) | .nvme_nsid' "$WORK/out" | head -1)" = 2
KESU_SIM=nvme,no-nsid
expect_exit 0 "kesu info --json without an NSID" "$SIM" info --json "$dev"
check "nvme_nsid is null" test "$(jq -r '.. | objects | select(has("nvme_nsid")) | .nvme_nsid' "$WORK/out" | head -1)" = null
expect_exit 0 "kesu info without an NSID" "$SIM" info "$dev"
check "the text says why" grep -q "namespace id .*unknown: the namespace id of $dev is unknown" "$WORK/out"

finish

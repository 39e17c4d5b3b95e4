#!/bin/bash
# The host machine's SMBIOS identity (kesu/host.h, docs/certificate.md
# "Host machine"): a wipe records the PC the drive was in, the certificate
# shows it; placeholders are never signed as facts; without a fixture the
# record holds what /sys/class/dmi/id says on this machine.
source "$(dirname "$0")/lib.sh"
DMI=${KESU_SOURCE_DIR:?}/tests/fixtures/dmi

WIPE=(wipe --yes --force --json --progress none --method zero --verify sample)
jr() { jq -r "$1" "$WORK/out"; }
new_drive() { attach "$(make_image "$1.img" $((1 << 20)))"; }
# record_of: the ledger record of the job in $WORK/out
record_of() { "$KESU" ledger show --json "$(jr '.jobs[0].record.job_id')" | jq '.. | objects | select(.kind? == "wipe")'; }

# 1. A fixture with every field: the record, the payload and the page.
dev=$(new_drive full)
KESU_DMI_DIR=$DMI/full expect_exit 0 "a wipe with the host from a fixture" "$KESU" "${WIPE[@]}" "$dev"
record_of >"$WORK/record.json"
check "the record names the host" jq -e '.host == {"asset_tag": "PC-2019-0042", "manufacturer": "LENOVO",
	"product": "20L5CTO1WW", "serial": "PF1ABCDE"}' "$WORK/record.json"
cert=$(jr '.jobs[0].record.certificate')
"$KESU" cert show "$cert" >"$WORK/payload.json"
check "the payload carries it (version 3)" \
	jq -e '.kesu_certificate == 3 and .host.serial == "PF1ABCDE" and .document == "certificate"' "$WORK/payload.json"
pdftotext -layout "$cert" "$WORK/cert.txt"
check "the page shows 「ホスト機 / Host machine」" grep -q "ホスト機" "$WORK/cert.txt"
check "... with manufacturer, product, serial and asset tag" \
	grep -q "LENOVO 20L5CTO1WW · S/N PF1ABCDE · 資産番号 PC-2019-0042" "$WORK/cert.txt"
expect_exit 0 "the certificate verifies (the page re-rendered from the payload)" "$KESU" cert verify "$cert"
check "the ledger verifies" "$KESU" ledger verify

KESU_DMI_DIR=$DMI/full "$KESU" list --json >"$WORK/list.json"
check "kesu list --json names the host too" jq -e '.host.serial == "PF1ABCDE" and .host.product == "20L5CTO1WW"' "$WORK/list.json"

# 2. Placeholders only: nothing is signed as a fact; the payload is as before.
dev=$(new_drive placeholders)
KESU_DMI_DIR=$DMI/placeholders expect_exit 0 "a wipe on a board left with placeholders" "$KESU" "${WIPE[@]}" "$dev"
record_of >"$WORK/record.json"
check "the record's host is all null" jq -e '.host == {"asset_tag": null, "manufacturer": null,
	"product": null, "serial": null}' "$WORK/record.json"
cert=$(jr '.jobs[0].record.certificate')
"$KESU" cert show "$cert" >"$WORK/payload.json"
check "the payload has no host and keeps version 1" \
	jq -e '.kesu_certificate == 1 and has("host") == false' "$WORK/payload.json"
check "the page has no host row" bash -c "! pdftotext '$cert' - | grep -q 'ホスト機'"

# 3. Partly known, with damaged text: only the facts.
dev=$(new_drive bad)
KESU_DMI_DIR=$DMI/bad-text expect_exit 0 "a wipe with damaged SMBIOS text" "$KESU" "${WIPE[@]}" "$dev"
check "only the valid product is kept" jq -e '.host == {"asset_tag": null, "manufacturer": null,
	"product": "日本語 ＰＣ", "serial": null}' <(record_of)

# 4. This machine: the record holds /sys/class/dmi/id's values, or null
#    where the file is missing, unreadable, blank or a placeholder.
dev=$(new_drive here)
(unset KESU_DMI_DIR; "$KESU" "${WIPE[@]}" "$dev" >"$WORK/out" 2>"$WORK/err") || true
check "a wipe on this machine" test "$(jr '.jobs[0].outcome')" = SUCCESS
record_of >"$WORK/record.json"
sys=/sys/class/dmi/id
for pair in manufacturer:sys_vendor product:product_name serial:product_serial asset_tag:chassis_asset_tag; do
	key=${pair%%:*} file=$sys/${pair#*:}
	got=$(jq -r --arg k "$key" '.host[$k] // ""' "$WORK/record.json")
	want=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$file" 2>/dev/null || true)
	# the value itself, or nothing when the machine does not say (placeholders are unknown)
	check "host.$key is what $file says${got:+ ($got)}" test -z "$got" -o "$got" = "$want"
done
if [ ! -d "$sys" ]; then
	check "no /sys/class/dmi/id here: every host member null" \
		jq -e '.host | [.[]] | all(. == null)' "$WORK/record.json"
else
	vendor=$(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' "$sys/sys_vendor" 2>/dev/null || true)
	# a vendor that is plainly not a placeholder must have been read
	if [ -n "$vendor" ] && ! grep -qiE 'o\.?e\.?m|default|not |system|none|n/a|unknown|^(.)\1*$' <<<"$vendor"; then
		check "the manufacturer is read ($vendor)" test "$(jq -r .host.manufacturer "$WORK/record.json")" = "$vendor"
	fi
fi

finish

#!/bin/bash
# Every JSON document kesu prints validates against its JSON Schema in
# docs/schema/ (issue 18, item 2; docs/formats.md, "Schemas"): one name and
# one type per concept, "json_format_version" first, errors under --json as
# one document on stdout, --progress json lines alone on their stream. The
# schemas forbid unknown members, so a renamed key fails here; a mutated
# output is refused too, so the validator is seen to refuse. kesu list
# --json probes every drive: test_json_fields.sh validates it (ctest: alone).
source "$(dirname "$0")/lib.sh"
SCHEMA=${KESU_SOURCE_DIR:?}/docs/schema
FAULT=${KESU_FAULT_LIB:?built by CMake: libkesu_fault.so}
OUT="$WORK/json"
mkdir -p "$OUT"
export KESU_TRUST="$WORK/trust.json"

# run NAME EXIT ARGS...: kesu's stdout to $OUT/NAME.json, exit status checked.
run() {
	local name=$1 code=$2
	shift 2
	expect_exit "$code" "$name: kesu $*" "$KESU" "$@"
	cp "$WORK/out" "$OUT/$name.json"
}

img=$(make_image a.img 2M)
dev=$(attach "$img")
dev2=$(attach "$(make_image b.img 1M)")
dev3=$(attach "$(make_image c.img 1M)")
W=(wipe --yes --force --progress none --operator "Test Operator" --class III)

run info 0 info --json "$dev"
run wipe 0 "${W[@]}" --json --method nist-clear --asset PC-JSON-1 "$dev"
JOB=$(jq -r '.jobs[0].record.job_id' "$OUT/wipe.json")
run wipe_dry_run 0 "${W[@]}" --dry-run --json --method nist-clear "$dev"
run wipe_multi 0 "${W[@]}" --json --method nist-clear "$dev2" "$dev3"
expect_exit 1 "wipe_failed: a bad sector under the fault shim" env LD_PRELOAD="$FAULT" \
	KESU_FAULT_PATH="$dev2" KESU_FAULT_BAD_WRITE=$((100 * 512)):512 \
	"$KESU" "${W[@]}" --json --method nist-clear --verify full "$dev2"
cp "$WORK/out" "$OUT/wipe_failed.json"
check "the shim's job is FAILED" jq -e '.jobs[0].outcome == "FAILED"' "$OUT/wipe_failed.json"
run verify 0 verify --json --expect zero --operator "Test Operator" "$dev3"
run methods 0 methods --json
run methods_show 0 methods show --json dod-3pass
run methods_show_firmware 0 methods show --json ata-sanitize-crypto
run ledger_list 0 ledger list --json
run ledger_show 0 ledger show --json "$JOB"
run ledger_verify 0 ledger verify --json
check "ledger verify --json: passed, no bad record" jq -e '.passed and .first_bad == null and .records >= 3' "$OUT/ledger_verify.json"
expect_exit 0 "ledger export --json -o FILE" "$KESU" ledger export --json -o "$OUT/ledger_export.json"
check "ledger export -o prints nothing on stdout" test ! -s "$WORK/out"
run media_list 0 media list --json
ASSET=PC-JSON-1
run media_show 0 media show --json "$ASSET"
run policy 0 policy show --json
run destroy 0 destroy --serial SN-JSON-1 --model "Test Disk" --media-type hdd --technique shred \
	--witness "立会 太郎" --operator "Test Operator" --class III --json
PDF=$(jq -r '.jobs[0].record.certificate' "$OUT/wipe.json")
run cert_show 0 cert show "$PDF"

"$KESU" key generate --role approver --name "承認 太郎" -o "$WORK/ap.key" --no-passphrase >/dev/null 2>&1
"$KESU" trust add --role approver --name "承認 太郎" "$WORK/ap.pub" >/dev/null 2>&1
run trust_list 0 trust list --json
expect_exit 0 "an approval to show" "$KESU" approve --class II --purpose disposal \
	--methods dod-3pass,nist-clear --valid-until "$(date -d '+30 days' +%F)" --name "承認 太郎" \
	--key "$WORK/ap.key" --media "SN-AAA:64MiB,asset:PC-0042" -o "$WORK/a.kesu-approval"
run approval_show 0 approval show --json "$WORK/a.kesu-approval"
run approval_status 1 approval status --json "$WORK/a.kesu-approval"

# Errors: one document on stdout, the exit status inside; the line stays on stderr.
run error_usage 2 wipe --json --no-such-option "$dev"
run error_device 2 info --json "$WORK/no-such-device"
check "the error's line is on stderr too" grep -q '^kesu: .*no-such-device' "$WORK/err"
check "the error document holds the exit status" jq -e '.error.exit_status == 2' "$OUT/error_device.json"

# --progress json: every line of stderr is one JSON object, messages included
# (the resume message, the warnings: as {"message": ...} lines).
expect_exit 6 "an interrupted job to resume" "$KESU" "${W[@]}" --method dod-3pass --stop-after-pass 1 "$dev3"
run ledger_open 0 ledger list --json --open
check "ledger list --open: the open job's row" jq -e '[.records[] | select(.record == null and .state == "interrupted")] | length == 1' "$OUT/ledger_open.json"
expect_exit 0 "wipe --progress json, resuming" "$KESU" wipe --yes --force --progress json --class III \
	--method dod-3pass "$dev3"
check "progress: the resume notice is a JSON message line" \
	jq -se 'map(select(.message != null and (.message | test("resuming job")))) | length == 1' "$WORK/err"
check "progress: stderr has lines" test -s "$WORK/err"
check "progress: every stderr line is JSON" jq -e . "$WORK/err"
jq -c . "$WORK/err" >"$OUT/progress.jsonl" || true

[ -n "${KESU_JSON_KEEP:-}" ] && cp -r "$OUT"/. "$KESU_JSON_KEEP"/

# Two mutations the validator must refuse: a renamed key, a number as text.
jq '.jobs[0] |= (.started = .started_utc | del(.started_utc))' "$OUT/wipe.json" >"$WORK/renamed.json"
jq '.jobs[0].passes[0].verification.percent |= tostring' "$OUT/wipe.json" >"$WORK/retyped.json"

# Each document (each line of a .jsonl) against docs/schema/NAME.schema.json;
# the validator prints "ok"/"not ok" lines, counted as check counts them.
cat >"$WORK/pairs" <<EOF
$OUT/info.json info
$OUT/wipe.json wipe
$OUT/wipe_multi.json wipe
$OUT/wipe_failed.json wipe
$OUT/wipe_dry_run.json wipe-dry-run
$OUT/cert_show.json cert-show
$OUT/verify.json verify
$OUT/methods.json methods
$OUT/methods_show.json methods-show
$OUT/methods_show_firmware.json methods-show
$OUT/ledger_list.json ledger-list
$OUT/ledger_export.json ledger-list
$OUT/ledger_open.json ledger-list
$OUT/ledger_show.json ledger-show
$OUT/ledger_verify.json ledger-verify
$OUT/media_list.json media-list
$OUT/media_show.json media-show
$OUT/policy.json policy
$OUT/destroy.json destroy
$OUT/trust_list.json trust-list
$OUT/approval_show.json approval-show
$OUT/approval_status.json approval-status
$OUT/error_usage.json error
$OUT/error_device.json error
$OUT/progress.jsonl progress
$WORK/renamed.json wipe refuse
$WORK/retyped.json wipe refuse
EOF
validate_pairs "$SCHEMA" "$WORK/pairs"
finish

#!/bin/bash
# Each medium's life (issue 16 item 2, docs/workflow.md "Destruction and
# hand-over"): a FAILED erasure on a loop device (fault shim), then kesu
# destroy: kesu media show lists both with their record numbers, document
# ids and hashes, the state is destroyed; kesu media dispose --destination
# lease-return is refused before the destruction and recorded after it, a
# second hand-over is refused naming the first; a forced hand-over keeps its
# reason in the signed record; kesu media list filters by state and by
# approval (an approved medium never touched is pending); JSON and CSV
# parse; the ledger verifies with the new records.
source "$(dirname "$0")/lib.sh"
FAULT=${KESU_FAULT_LIB:?built by CMake: libkesu_fault.so}
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0

SIZE=$((4 << 20))
img=$(make_image a.img "$SIZE")
dev=$(attach "$img")
MEDIA=("$KESU" media)

# ---- a failed erasure ----
expect_exit 1 "the erasure of PC-M1 fails on a bad sector" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" \
	KESU_FAULT_BAD_WRITE=$((2001 * 512)):512 "$KESU" wipe --yes --force --json --progress none \
	--method nist-clear --verify full --asset PC-M1 "$dev"
check "the wipe ended FAILED" test "$(jq -r '.jobs[0].outcome' "$WORK/out")" = FAILED
expect_exit 0 "media show PC-M1" "${MEDIA[@]}" show PC-M1
check "the state is failed" grep -q '^state: failed (消去失敗)$' "$WORK/out"
check "the erasure is listed FAILED with its certificate id and hash" \
	grep -Eq '^1 +[0-9T:Z-]+ +erasure +wipe +FAILED +KESU-[0-9]{8}-[0-9A-F]{8} +nist-clear +[0-9a-f]{64}$' "$WORK/out"
expect_exit 5 "lease return of a failed medium is refused" \
	"${MEDIA[@]}" dispose PC-M1 --destination lease-return --to "Lessor Co."
check "the refusal names the medium, its state and the record" \
	grep -q 'asset PC-M1 is failed (ledger record 1): it may still hold data' "$WORK/err"
check "one line" test "$(wc -l <"$WORK/err")" -eq 1
expect_exit 5 "destination destroyed before a destruction is refused" \
	"${MEDIA[@]}" dispose PC-M1 --destination destroyed --to "Recycler"

# ---- its destruction ----
expect_exit 0 "kesu destroy the loop device (PC-M1)" "$KESU" destroy "$dev" --asset PC-M1 \
	--technique shred --witness "立会 花子" --location "Room 3"
expect_exit 0 "media show PC-M1 --json" "${MEDIA[@]}" show PC-M1 --json
cp "$WORK/out" "$WORK/show.json"
check "show lists the failed erasure then the destruction, with seq, document id and hash" python3 - "$WORK/show.json" <<'EOF'
import json, re, sys
m = json.load(open(sys.argv[1]))
ev = [(e["event"], e["outcome"], e["seq"]) for e in m["events"]]
assert ev == [("erasure", "FAILED", 1), ("destruction", "DESTROYED", 2)], ev
for e in m["events"]:
    assert re.fullmatch(r"[0-9a-f]{64}", e["hash"]), e
    assert re.fullmatch(r"KESU-\d{8}-[0-9A-F]{8}", e["document_id"]), e
    assert re.fullmatch(r"[0-9a-f]{32}", e["job_id"]), e
assert m["state"] == "destroyed" and m["state_event"]["seq"] == 2, m
assert m["asset_number"] == "PC-M1" and m["size_bytes"] == 4194304, m
EOF

# ---- another medium: erased without verification (UNVERIFIED: failed) ----
other=$(make_image b.img 1M)
expect_exit 7 "an unverified erasure of PC-M2 (an image file)" "$KESU" wipe --yes --force --progress none \
	--method zero --asset PC-M2 "$other"

# ---- kesu media list ----
expect_exit 0 "media list --state destroyed" "${MEDIA[@]}" list --state destroyed
check "lists PC-M1 only" test "$(grep -c PC-M "$WORK/out")" = 1 -a "$(grep -c 'PC-M1 .* destroyed' "$WORK/out")" = 1
expect_exit 0 "media list --state failed --csv" "${MEDIA[@]}" list --state failed --csv
check "the CSV parses: a header and PC-M2, failed" python3 - "$WORK/out" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert [(r["asset_number"], r["state"], r["state_kind"]) for r in rows] == [("PC-M2", "failed", "wipe")], rows
assert open(sys.argv[1], "rb").read().endswith(b"\r\n")
EOF
expect_exit 2 "an unknown state is refused" "${MEDIA[@]}" list --state gone
check "naming the allowed ones" grep -q 'pending, erased, exceptions, failed, destroyed or handed-over' "$WORK/err"
expect_exit 2 "an impossible date is refused" "${MEDIA[@]}" list --since 2026-02-30
expect_exit 0 "media list --until 2000-01-01" "${MEDIA[@]}" list --until 2000-01-01
check "no medium had an event then, and it says so" test "$(cat "$WORK/out")" = "no medium in the ledger matches"
expect_exit 0 "media list --since today --json" "${MEDIA[@]}" list --since "$(date -u +%F)" --json
check "both media had events today" python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["media"]; assert sorted(x["asset_number"] for x in m)==["PC-M1","PC-M2"], m' "$WORK/out"
expect_exit 2 "show of a medium no record names" "${MEDIA[@]}" show PC-NONE

# ---- hand-over ----
expect_exit 0 "lease return after the destruction is recorded" "${MEDIA[@]}" dispose PC-M1 \
	--destination lease-return --to "Lessor Co." --received-by "受領 次郎" --date "$(date +%F)"
check "it prints the record number" grep -q '^ledger record 4: PC-M1 handed over (lease-return, リース返却) to Lessor Co.$' "$WORK/out"
expect_exit 5 "a second hand-over is refused" "${MEDIA[@]}" dispose PC-M1 --destination recycle --to X
check "naming the earlier one" grep -q 'was handed over already: ledger record 4, .*lease-return to Lessor Co., received by 受領 次郎' "$WORK/err"
expect_exit 2 "a date that is not a calendar date is refused" "${MEDIA[@]}" dispose PC-M2 \
	--destination reuse --to X --force-reason why --date 2026-13-01
expect_exit 2 "a date before the medium's last erasure is refused" "${MEDIA[@]}" dispose PC-M2 \
	--destination reuse --to X --force-reason why --date 2000-01-01
check "naming the record" grep -q 'date 2000-01-01 is before ledger record 3 (wipe, ' "$WORK/err"
expect_exit 2 "an unknown destination is refused" "${MEDIA[@]}" dispose PC-M2 --destination bin --to X
expect_exit 2 "invalid UTF-8 is never signed" "${MEDIA[@]}" dispose PC-M2 --destination recycle \
	--to $'\xff\xfe'
expect_exit 5 "reuse of the failed PC-M2 without a reason is refused" "${MEDIA[@]}" dispose PC-M2 \
	--destination reuse --to "Dept B"
# Six stations hand PC-M2 over at once: the state is judged and recorded as
# one step, so exactly one hand-over is recorded and the others are refused.
for i in 1 2 3 4 5 6; do
	( rc=0
	  "${MEDIA[@]}" dispose PC-M2 --destination reuse --to "Dept B" \
		--force-reason "=re-erased by Dept B before use" >"$WORK/race.$i.out" 2>&1 || rc=$?
	  echo "$rc" >"$WORK/race.$i.rc" ) &
done
wait
check "with --force-reason it is recorded, once of six at the same moment" \
	test "$(cat "$WORK"/race.*.rc | sort | tr '\n' ' ')" = "0 5 5 5 5 5 "
check "the five others were refused as a second hand-over" \
	test "$(grep -l "already" "$WORK"/race.*.out | wc -l)" = 5
expect_exit 0 "ledger export --json" "$KESU" ledger export --json
check "the forced hand-over keeps its reason, state and the record it was judged on" python3 - "$WORK/out" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
recs = doc if isinstance(doc, list) else doc.get("records", doc)
h = [r.get("record", r) for r in recs]
h = [r for r in h if r.get("kind") == "handover"]
assert len(h) == 2, h
a, b = h
assert a["destination"] == "lease-return" and a["force_reason"] is None and a["state_before"] == "destroyed", a
assert a["received_by"] == "受領 次郎" and a["medium"]["asset_number"] == "PC-M1", a
assert b["force_reason"] == "=re-erased by Dept B before use" and b["state_before"] == "failed", b
assert b["state_record"]["seq"] == 3 and len(b["state_record"]["hash"]) == 64, b
assert b["operator"]["name"] == "Test Operator" and b["station"]["key_fingerprint"], b
EOF
expect_exit 0 "media list --json --state handed-over" "${MEDIA[@]}" list --json --state handed-over
check "both are handed over" python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["media"]; assert sorted(x["asset_number"] for x in m)==["PC-M1","PC-M2"], m' "$WORK/out"
# A detached medium destroyed by a serial a spreadsheet would read as a formula.
expect_exit 0 "kesu destroy --serial (detached)" "$KESU" destroy --serial '=HYPERLINK("x","y"),1' \
	--model "Old disk" --technique shred
expect_exit 0 "media show of the detached medium by its serial" "${MEDIA[@]}" show '=HYPERLINK("x","y"),1'
check "it is destroyed, with no size" grep -q '^medium: serial =HYPERLINK("x","y"),1, size unknown, asset -, model Old disk$' "$WORK/out"
expect_exit 0 "media list --csv (all)" "${MEDIA[@]}" list --csv
check "the formula-like serial is quoted and neutralised with '" python3 - "$WORK/out" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 3, rows
r = [x for x in rows if x["state"] == "destroyed"]
assert [x["serial"] for x in r] == ["'=HYPERLINK(\"x\",\"y\"),1"], r
assert r[0]["model"] == "Old disk" and r[0]["size_bytes"] == "", r
EOF
expect_exit 0 "the ledger verifies with the new records" "$KESU" ledger verify
check "6 records" grep -q 'OK: 6 records' "$WORK/out"

# ---- an approval: a medium approved and never touched is pending ----
TRUST="$WORK/trust.json"
export KESU_TRUST="$TRUST"
"$KESU" key generate --role approver --name "承認 太郎" -o "$WORK/ap.key" --no-passphrase >/dev/null 2>&1
"$KESU" trust add --role approver --name "承認 太郎" "$WORK/ap.pub" >/dev/null 2>&1
expect_exit 0 "an approval of PC-M1 and PC-M9" "$KESU" approve --class III --purpose lease-return \
	--methods nist-clear --valid-until "$(date -d '+30 days' +%F)" --name "承認 太郎" --key "$WORK/ap.key" \
	--media "asset:PC-M1,asset:PC-M9" -o "$WORK/a.kesu-approval"
expect_exit 0 "media list --approval FILE --state pending" "${MEDIA[@]}" list --approval "$WORK/a.kesu-approval" \
	--state pending --csv
check "PC-M9 is pending, PC-M1 is not" python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1],newline=""))); assert [x["asset_number"] for x in r]==["PC-M9"], r' "$WORK/out"
expect_exit 0 "media list --approval FILE" "${MEDIA[@]}" list --approval "$WORK/a.kesu-approval" --json
check "the approval lists both, PC-M2 (not approved) is left out" python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["media"]; assert sorted((x["asset_number"],x["state"]) for x in m)==[("PC-M1","handed-over"),("PC-M9","pending")], m' "$WORK/out"
expect_exit 2 "a missing approval file is an error, not an empty list" "${MEDIA[@]}" list --approval "$WORK/nope.kesu-approval"
NUMBER=$(head -1 "$WORK/a.kesu-approval" | jq -r .number)
expect_exit 0 "media list --approval NUMBER (no file here): the records citing it" "${MEDIA[@]}" list --approval "$NUMBER"
check "none of this ledger's records cite it" test "$(cat "$WORK/out")" = "no medium in the ledger matches"
expect_exit 2 "dispose of a medium only an approval names" "${MEDIA[@]}" dispose PC-M9 --destination recycle --to X
finish

#!/bin/bash
# The ledger end to end: every wipe recorded with who, what and how; two
# wipes recording at once keep the chain; edits, deletions, insertions and
# reordering made with the sqlite3 shell are detected by kesu ledger verify.
source "$(dirname "$0")/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
WIPE=("$KESU" wipe --yes --force --progress none --request-size 1M)

a=$(attach "$(make_image a.img 8M)")
b=$(attach "$(make_image b.img 8M)")
expect_exit 0 "a wipe with the record's fields" "${WIPE[@]}" --method nist-clear --operator "山田 太郎" \
	--department 情報政策課 --class II --purpose lease-return --asset PC-0042 --approver "佐藤 課長" "$a"
check "it names the ledger record" grep -qE "^  ledger: record 1, job [0-9a-f]{32}$" "$WORK/out"
check "the ledger file is private (0600)" test "$(stat -c %a "$LEDGER")" = 600
check "the station key was made on first use, 0600" test "$(stat -c %a "$XDG_CONFIG_HOME/kesu/station.key")" = 600

# Two wipes recording at the same time, in two processes.
"${WIPE[@]}" --method zero --operator A "$a" >"$WORK/p1" 2>&1 &
p1=$!
"${WIPE[@]}" --method zero --operator B "$b" >"$WORK/p2" 2>&1 &
p2=$!
rc1=0; rc2=0; wait "$p1" || rc1=$?; wait "$p2" || rc2=$?
check "two concurrent wipes both finish (exit $rc1, $rc2)" test "$rc1$rc2" = 00
expect_exit 0 "the chain of 3 records verifies" "$KESU" ledger verify
check "verify counts 3 records" grep -q "OK: 3 records, chain and signatures intact" "$WORK/out"
check "sequence numbers are 1, 2, 3" test "$(sqlite3 "$LEDGER" 'SELECT group_concat(seq) FROM (SELECT seq FROM jobs ORDER BY seq)')" = "1,2,3"

# Six processes creating a new ledger at once (the live image runs one kesu
# wipe per method): the schema is made once, every job is recorded.
pids=()
for i in 1 2 3 4 5 6; do
	"${WIPE[@]}" --method zero --operator C --ledger "$WORK/fresh.sqlite" \
		"$(make_image "fresh$i.img" 1M)" >"$WORK/fresh$i.out" 2>&1 &
	pids+=($!)
done
fresh_rcs=""
for p in "${pids[@]}"; do rc=0; wait "$p" || rc=$?; fresh_rcs="$fresh_rcs$rc"; done
check "six first uses of a new ledger at once all succeed (exits $fresh_rcs)" test "$fresh_rcs" = 000000
check "the new ledger holds the six records and verifies" \
	sh -c "'$KESU' ledger verify --ledger '$WORK/fresh.sqlite' | grep -q 'OK: 6 records'"

expect_exit 0 "ledger list" "$KESU" ledger list
check "three rows plus the header" test "$(wc -l <"$WORK/out")" -eq 4
expect_exit 0 "ledger list --operator" "$KESU" ledger list --operator "山田 太郎" --json
check "the filter finds the one record, with every field" \
	jq -e '.records | length == 1 and (.[0].record | .operator.name == "山田 太郎" and .organisation.department == "情報政策課" and .classification == "II" and .purpose == "lease-return" and .media.asset_number == "PC-0042" and .approver == "佐藤 課長" and .sanitization.method.id == "nist-clear" and .verification.passed == true and .outcome == "SUCCESS" and (.station.key_fingerprint | startswith("ed25519:")) and .tool.name == "kesu")' "$WORK/out"
expect_exit 0 "filters combine" "$KESU" ledger list --json --outcome UNVERIFIED --class II
check "no record is both" jq -e '.records | length == 0' "$WORK/out"
today=$(date -u +%F)
expect_exit 0 "a date range" "$KESU" ledger list --json --since "$today" --until "$today"
check "all three are from today" jq -e '.records | length == 3' "$WORK/out"
expect_exit 0 "export --csv --bom" "$KESU" ledger export --csv --bom -o "$WORK/export.csv"
check "the CSV starts with a BOM" test "$(head -c 3 "$WORK/export.csv" | od -An -tx1 | tr -d ' ')" = efbbbf
check "the CSV holds the Japanese name" grep -q "山田 太郎" "$WORK/export.csv"
check "header + 3 rows" test "$(wc -l <"$WORK/export.csv")" -eq 4
expect_exit 0 "export --json" "$KESU" ledger export --json -o "$WORK/export.json"
check "the JSON export has the record hashes" jq -e '[.records[].record_hash | length == 64] | all' "$WORK/export.json"
id=$(jq -r '.records[0].job_id' "$WORK/export.json")
expect_exit 0 "ledger show" "$KESU" ledger show "$id"
check "show says who" grep -qE "^  operator +山田 太郎$" "$WORK/out"
expect_exit 2 "ledger show of an unknown id" "$KESU" ledger show nope
expect_exit 2 "export without a format" "$KESU" ledger export

# The triggers refuse changes to finished records.
check "UPDATE of a finished record is refused" bash -c "! sqlite3 '$LEDGER' \"UPDATE jobs SET record = '{}' WHERE seq = 1\" 2>/dev/null"
check "DELETE of a finished record is refused" bash -c "! sqlite3 '$LEDGER' 'DELETE FROM jobs WHERE seq = 1' 2>/dev/null"

# Around the triggers: each kind of tampering is named.
tamper() { # DESCRIPTION EXPECTED-SEQ PROBLEM SQL
	cp "$LEDGER" "$WORK/pristine.sqlite"
	sqlite3 "$LEDGER" "DROP TRIGGER jobs_finished_no_update; DROP TRIGGER jobs_finished_no_delete; DROP TRIGGER jobs_no_finished_insert; $4"
	expect_exit 4 "$1 is detected" "$KESU" ledger verify
	check "$1: record $2 is named: $3" grep -q "FAILED at record $2 .*$3" "$WORK/out"
	cp "$WORK/pristine.sqlite" "$LEDGER"
	rm -f "$LEDGER-wal" "$LEDGER-shm"
}
sqlite3 "$LEDGER" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
tamper "an edited operator" 1 "does not match its hash" \
	"UPDATE jobs SET record = replace(record, '山田 太郎', '田中 花子') WHERE seq = 1"
tamper "a deleted record" 2 "sequence number 3 where 2 was expected" "DELETE FROM jobs WHERE seq = 2"
tamper "reordered records" 2 "does not link" \
	"UPDATE jobs SET seq = 99 WHERE seq = 2; UPDATE jobs SET seq = 2 WHERE seq = 3; UPDATE jobs SET seq = 3 WHERE seq = 99"
tamper "an inserted record" 4 "another job id" \
	"INSERT INTO jobs (job_id, state, device_key, started_utc, plan, seq, record, prev_hash, hash, signature) SELECT 'x', 'finished', device_key, started_utc, plan, 4, record, (SELECT hash FROM jobs WHERE seq = 3), hash, signature FROM jobs WHERE seq = 1"
tamper "a re-hashed edit" 1 "hash" "UPDATE jobs SET hash = '00' || substr(hash, 3) WHERE seq = 1"
expect_exit 0 "the restored ledger verifies again" "$KESU" ledger verify

# Another station's key does not verify this ledger.
"$KESU" key generate --key "$WORK/other.key" >/dev/null
expect_exit 4 "another key" "$KESU" ledger verify --pubkey "$WORK/other.pub"
check "it says the signature is not the station key's" grep -q "signature is not the station key's" "$WORK/out"

# Bad ledgers are refused with one line and left alone.
echo "not a database" >"$WORK/bad.sqlite"
expect_exit 2 "a file that is not a ledger" "$KESU" ledger list --ledger "$WORK/bad.sqlite"
check "one line naming it" grep -qE "^kesu: ledger $WORK/bad.sqlite: not a kesu ledger" "$WORK/err"
check "the file is untouched" test "$(cat "$WORK/bad.sqlite")" = "not a database"
expect_exit 2 "a wipe to a bad ledger writes nothing" "${WIPE[@]}" --method zero --ledger "$WORK/bad.sqlite" "$a"
expect_exit 2 "a wipe without an operator" env KESU_CONFIG=/nonexistent "${WIPE[@]}" --method zero "$a"
check "it asks who is erasing" grep -q "who is erasing" "$WORK/err"
expect_exit 2 "a bad class" "${WIPE[@]}" --class IV "$a"
finish

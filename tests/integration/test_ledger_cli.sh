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
	--department 情報政策課 --class II --purpose lease-return --asset PC-0042 --approver "佐藤 課長" --policy "$OPEN_POLICY" "$a"
check "it names the ledger record" grep -qE "^  ledger: record 1, job [0-9a-f]{32}$" "$WORK/out"
check "the ledger file is private (0600)" test "$(stat -c %a "$LEDGER")" = 600
check "the station key was made on first use, 0600" test "$(stat -c %a "$XDG_CONFIG_HOME/kesu/station.key")" = 600

# Two wipes recording at the same time, in two processes.
"${WIPE[@]}" --method zero --operator A "$a" >"$WORK/p1" 2>&1 &
p1=$!
"${WIPE[@]}" --method zero --operator B "$b" >"$WORK/p2" 2>&1 &
p2=$!
rc1=0; rc2=0; wait "$p1" || rc1=$?; wait "$p2" || rc2=$?
# zero does not verify: UNVERIFIED, exit 7, is still a finished record.
check "two concurrent wipes both finish (exit $rc1, $rc2)" test "$rc1$rc2" = 77
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
check "six first uses of a new ledger at once all succeed (exits $fresh_rcs)" test "$fresh_rcs" = 777777
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
# ---- The ledger as auditors use it (issue 12: A5, C4, D4, D5, D6, E2-E4) ----
# A station of its own: ledger R, certificates in RC.
R="$WORK/review.sqlite"
RC="$WORK/review-certs"
RW=("${WIPE[@]}" --ledger "$R" --cert-dir "$RC")
expect_exit 0 "a certified wipe for review" "${RW[@]}" --method nist-clear "$a"
expect_exit 7 "an unverified wipe by an operator named like a formula" "${RW[@]}" --method zero \
	--operator '=HYPERLINK("http://e.x","x")' "$a"
expect_exit 0 "a wipe by an operator whose name starts with +" "${RW[@]}" --method nist-clear --operator '+81 kesu' "$a"
cert1=$(sqlite3 "$R" "SELECT json_extract(record, '\$.certificate_id') FROM jobs WHERE seq = 1")
job1=$(sqlite3 "$R" "SELECT job_id FROM jobs WHERE seq = 1")
pdf1="$RC/kesu-$cert1.pdf"
check "record 1 has its certificate" test -f "$pdf1"

# D5: cells Excel would read as formulas open as text.
expect_exit 0 "export --csv" "$KESU" ledger export --ledger "$R" --csv -o "$WORK/review.csv"
check "a cell starting with = is prefixed with '" grep -qF ",\"'=HYPERLINK(\"\"http://e.x\"\",\"\"x\"\")\"," "$WORK/review.csv"
check "a cell starting with + is prefixed with '" grep -qF ",'+81 kesu," "$WORK/review.csv"
check "no cell starts with a bare =" bash -c "! grep -qE '(^|,)\"?=' '$WORK/review.csv'"

# D4: filter values are checked; show takes what list prints.
expect_exit 2 "a misspelt outcome" "$KESU" ledger list --ledger "$R" --outcome SUCESS
check "it names the allowed outcomes" grep -q "SUCCESS, ERASED_WITH_EXCEPTIONS, UNVERIFIED, FAILED, INTERRUPTED or ABANDONED" "$WORK/err"
check "and prints no table" test ! -s "$WORK/out"
expect_exit 2 "a date that does not exist" "$KESU" ledger list --ledger "$R" --since 2026-02-30
check "it says how to write a date" grep -q "is not a date: use YYYY-MM-DD" "$WORK/err"
expect_exit 2 "until before since" "$KESU" ledger export --ledger "$R" --csv --since 2026-12-01 --until 2026-11-01
check "it says so" grep -q "until 2026-11-01 is before since 2026-12-01" "$WORK/err"
expect_exit 2 "class 2" "$KESU" ledger list --ledger "$R" --class 2
check "it names I, II, III" grep -q "is not I, II or III" "$WORK/err"
expect_exit 2 "purpose dispose" "$KESU" ledger list --ledger "$R" --purpose dispose
expect_exit 0 "show by the number list prints" "$KESU" ledger show --ledger "$R" 1
check "it is record 1" grep -qE "^  job +$job1$" "$WORK/out"
expect_exit 0 "show by 6 digits of the job id" "$KESU" ledger show --ledger "$R" "${job1:0:6}"
check "it is record 1" grep -q "^record 1 " "$WORK/out"
expect_exit 0 "show by certificate id" "$KESU" ledger show --ledger "$R" "$cert1"
check "it is record 1" grep -q "^record 1 " "$WORK/out"
expect_exit 2 "show by 5 digits" "$KESU" ledger show --ledger "$R" "${job1:0:5}"

# A5: a record whose certificate was never written (killed between the
# ledger commit and the PDF) is marked, and kesu cert issue makes it.
mv "$pdf1" "$WORK/pdf1.orig"
[ ! -e "$pdf1.sig" ] || mv "$pdf1.sig" "$WORK/pdf1.sig.orig" # only with signify_sig = yes
expect_exit 0 "list with a certificate missing" "$KESU" ledger list --ledger "$R" --cert-dir "$RC"
check "record 1 is marked after its certificate id" grep -qE "^1 .* SUCCESS +$cert1 \*$" "$WORK/out"
check "record 3 is not" grep -qE "^3 .* SUCCESS +KESU-[0-9]{8}-[0-9A-F]{8}$" "$WORK/out"
check "a legend says how to issue it" grep -q "^\* no certificate or failure report in $RC: issue it with kesu cert issue SEQ$" "$WORK/out"
expect_exit 0 "list --json with a certificate missing" "$KESU" ledger list --ledger "$R" --cert-dir "$RC" --json
check "document_missing is true for 1 only" jq -e '[.records[].document_missing] == [true, false, false]' "$WORK/out"
expect_exit 0 "cert issue 1" "$KESU" cert issue --ledger "$R" --cert-dir "$RC" 1
check "it says it made the certificate" grep -qF "$pdf1: certificate for record 1" "$WORK/out"
expect_exit 0 "the issued certificate verifies against the ledger" "$KESU" cert verify --ledger "$R" "$pdf1"
expect_exit 2 "cert issue again" "$KESU" cert issue --ledger "$R" --cert-dir "$RC" "$job1"
check "it will not overwrite without --force" grep -q "already exists for record 1; add --force" "$WORK/err"
expect_exit 0 "cert issue --force" "$KESU" cert issue --ledger "$R" --cert-dir "$RC" --force "$cert1"
rm -f "$RC"/kesu-"$(sqlite3 "$R" "SELECT json_extract(record, '\$.certificate_id') FROM jobs WHERE seq = 2")".pdf*
expect_exit 0 "cert issue of an UNVERIFIED record" "$KESU" cert issue --ledger "$R" --cert-dir "$RC" 2
check "it is a failure report" grep -q ": failure report for record 2 " "$WORK/out"
expect_exit 0 "nothing is missing now" "$KESU" ledger list --ledger "$R" --cert-dir "$RC"
check "no mark, no legend" bash -c "! grep -q '\*' '$WORK/out'"
# An unfinished job has no record to certify.
c=$(make_image c.img 4M)
expect_exit 6 "a job stopped after its first pass" "${RW[@]}" --method dod-3pass --stop-after-pass 1 "$c"
open_job=$(sqlite3 "$R" "SELECT job_id FROM jobs WHERE state != 'finished'")
expect_exit 2 "cert issue of an unfinished job" "$KESU" cert issue --ledger "$R" --cert-dir "$RC" "${open_job:0:8}"
check "it says the job is unfinished" grep -q "job $open_job is unfinished (running or interrupted): it has no record yet" "$WORK/err"
expect_exit 0 "list --open with an unfinished job" "$KESU" ledger list --ledger "$R" --cert-dir "$RC" --open --json
check "an unfinished job has no document_missing" jq -e '[.records[].document_missing] == [false, false, false, null]' "$WORK/out"

# C4: an edit made around the triggers is caught by cert verify --ledger,
# though the stored hash column still matches the certificate.
cp "$R" "$WORK/edited.sqlite"
sqlite3 "$WORK/edited.sqlite" "DROP TRIGGER jobs_finished_no_update;
	UPDATE jobs SET record = replace(record, 'Test Operator', 'Someone Else') WHERE seq = 1"
expect_exit 4 "cert verify --ledger with the record edited" "$KESU" cert verify --ledger "$WORK/edited.sqlite" "$pdf1"
check "it says the ledger record was edited" grep -q "ledger .*record 1 .*does not match its hash: it was edited" "$WORK/out"
expect_exit 4 "ledger show of the edited record" "$KESU" ledger show --ledger "$WORK/edited.sqlite" 1
check "it says it was edited" grep -q "does not match its hash: it was edited" "$WORK/err"
expect_exit 4 "cert issue of the edited record" "$KESU" cert issue --ledger "$WORK/edited.sqlite" --cert-dir "$WORK/c4" --force 1
check "no certificate is made" test ! -e "$WORK/c4"

# D6: stored text reaches the terminal escaped.
sqlite3 "$WORK/edited.sqlite" "UPDATE jobs SET record = replace(record, 'Someone Else', 'Ev' || char(10) || char(27) || '[2J') WHERE seq = 1"
expect_exit 0 "list of a record holding ESC and a newline" "$KESU" ledger list --ledger "$WORK/edited.sqlite" --cert-dir "$RC"
check "the newline prints as \\x0a, ESC as \\x1b" grep -qF 'Ev\x0a\x1b[2J' "$WORK/out"
check "no raw ESC reaches the terminal" bash -c "! grep -q $'\x1b' '$WORK/out'"
check "one line per record" test "$(wc -l <"$WORK/out")" -eq 4

# E3: a ledger others can read is made 0600 by the next writer, and says so;
# readers only warn.
chmod 0644 "$R"
expect_exit 0 "list of a 0644 ledger" "$KESU" ledger list --ledger "$R"
check "a reader warns" grep -q "mode 0644 lets other users read it" "$WORK/err"
check "and changes nothing" test "$(stat -c %a "$R")" = 644
expect_exit 0 "a wipe to a 0644 ledger" "${RW[@]}" --method nist-clear "$a"
check "the writer says it tightened it" grep -q "ledger $R: mode was 0644, readable by other users; made it 0600" "$WORK/err"
check "the ledger is 0600" test "$(stat -c %a "$R")" = 600

# E2: read-only media and a user who cannot write the ledger.
sqlite3 "$R" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
expect_exit 0 "verify, writable" "$KESU" ledger verify --ledger "$R"
head_hash=$(sed -n 's/^  head \([0-9a-f]*\) .*/\1/p' "$WORK/out")
check "a head hash" test ${#head_hash} -eq 64
ro=$(attach "$(make_image ro.img 8M)")
mkfs.ext4 -q "$ro"
mount_dev "$ro" "$WORK/ro"
cp "$R" "$WORK/ro/ledger.sqlite"
cp "$XDG_CONFIG_HOME/kesu/station.pub" "$WORK/ro/"
# A writer killed before it closed leaves committed data in the -wal.
mkdir "$WORK/ro/wal" "$WORK/ro/walonly"
cp "$R" "$WORK/ro/wal/ledger.sqlite"
python3 -c "
import os, sqlite3
c = sqlite3.connect('$WORK/ro/wal/ledger.sqlite')
c.execute('PRAGMA wal_autocheckpoint = 0')
c.execute(\"INSERT INTO ata_passwords VALUES ('serial:X:1', 'j', 'p', 't')\")
c.commit()
os._exit(0)"
cp "$WORK/ro/wal/ledger.sqlite" "$WORK/ro/wal/ledger.sqlite-wal" "$WORK/ro/walonly/"
umount "$WORK/ro"
mount -o ro "$ro" "$WORK/ro"
expect_exit 0 "verify on read-only media with a -wal and its -shm" "$KESU" ledger verify --ledger "$WORK/ro/wal/ledger.sqlite" --pubkey "$WORK/ro/station.pub"
check "the same head hash" grep -q "^  head $head_hash " "$WORK/out"
expect_exit 1 "verify on read-only media with a -wal but no -shm" "$KESU" ledger verify --ledger "$WORK/ro/walonly/ledger.sqlite" --pubkey "$WORK/ro/station.pub"
check "it says to copy the three files" grep -q "copy the ledger with its -wal and -shm files to a writable directory" "$WORK/err"
expect_exit 0 "ledger verify on a read-only mount" "$KESU" ledger verify --ledger "$WORK/ro/ledger.sqlite" --pubkey "$WORK/ro/station.pub"
check "the same head hash" grep -q "^  head $head_hash " "$WORK/out"
expect_exit 0 "ledger list on a read-only mount" "$KESU" ledger list --ledger "$WORK/ro/ledger.sqlite"
check "four records" test "$(grep -c '^[0-9]' "$WORK/out")" -eq 4
expect_exit 0 "ledger show on a read-only mount" "$KESU" ledger show --ledger "$WORK/ro/ledger.sqlite" 1
expect_exit 0 "ledger export on a read-only mount" "$KESU" ledger export --ledger "$WORK/ro/ledger.sqlite" --json
expect_exit 0 "cert verify --ledger on a read-only mount" "$KESU" cert verify --ledger "$WORK/ro/ledger.sqlite" "$pdf1"
check "nothing was created there" test "$(ls "$WORK/ro" | tr '\n' ' ')" = "ledger.sqlite lost+found station.pub wal walonly "

mkdir -m 0755 "$WORK/shared"
cp "$R" "$WORK/ro/station.pub" "$WORK/shared/"
chmod 0644 "$WORK/shared/review.sqlite"
chmod o+x "$WORK"
cp "$KESU" "$WORK/shared/kesu"
NOBODY=(runuser -u nobody -- env KESU_CONFIG=/nonexistent HOME=/nonexistent XDG_CONFIG_HOME=/nonexistent XDG_DATA_HOME=/nonexistent)
expect_exit 0 "ledger verify as a user who cannot write the ledger" "${NOBODY[@]}" "$WORK/shared/kesu" \
	ledger verify --ledger "$WORK/shared/review.sqlite" --pubkey "$WORK/shared/station.pub"
check "the same head hash" grep -q "^  head $head_hash " "$WORK/out"
check "it warns that others can read the ledger" grep -q "lets other users read it" "$WORK/err"
check "nothing was created beside it" test "$(ls "$WORK/shared" | tr '\n' ' ')" = "kesu review.sqlite station.pub "

# An older schema is read as it is and said so, never migrated by a reader.
cp "$R" "$WORK/v1.sqlite"
sqlite3 "$WORK/v1.sqlite" 'DROP TABLE ata_passwords; PRAGMA user_version = 1'
expect_exit 0 "list of a schema 1 ledger" "$KESU" ledger list --ledger "$WORK/v1.sqlite"
check "it says it reads it as it is" grep -qE "ledger $WORK/v1.sqlite: schema version 1, this kesu writes [0-9]+: it will be migrated the next time it is written; reading it as it is" "$WORK/err"
check "it is still version 1" test "$(sqlite3 "$WORK/v1.sqlite" 'PRAGMA user_version')" = 1

# E4: a full disk is named as such.
mkdir "$WORK/full"
mount -t tmpfs -o size=1m tmpfs "$WORK/full"
MOUNTS+=("$WORK/full")
cp "$R" "$WORK/full/ledger.sqlite"
dd if=/dev/zero of="$WORK/full/fill" bs=4k 2>/dev/null || true
expect_exit 1 "a wipe to a ledger on a full disk" "${WIPE[@]}" --method nist-clear --ledger "$WORK/full/ledger.sqlite" "$a"
check "it says the disk is full, with the path" grep -q "^kesu: ledger $WORK/full/ledger.sqlite: .*the disk is full" "$WORK/err"
check "not that it is not a ledger" bash -c "! grep -q 'not a kesu ledger' '$WORK/err'"
finish

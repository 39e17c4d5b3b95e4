#!/bin/bash
# The central store's set-up and pushing (issue 19 items 1 and 2,
# docs/central.md): kesu server init, add-station and add-manager make the
# schema and the roles; two stations with their own keys wipe loop
# devices and push; PostgreSQL refuses what a role may not do; a push
# to a store that is down fails in one line and is resumed by the next;
# with server = URL a wipe pushes by itself, and exits 11 when it cannot.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_pg.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
REWRITE="$(dirname "$KESU")/ledger_rewrite" # tests/tools: a station rewriting its own ledger

wipe_one() { station_wipe "$1" 8M; }
ledger_of() { echo "$WORK/$1/data/kesu/ledger.sqlite"; }
local_rows() { sqlite3 "$(ledger_of "$1")" "SELECT seq || ' ' || hash FROM jobs WHERE state = 'finished' ORDER BY seq"; }
store_rows() { pg_psql "$PG_ADMIN_URL" -c "SELECT seq || ' ' || hash FROM kesu.records WHERE station = '$2' ORDER BY seq" | sed "s/^/$1 /" | cut -d' ' -f2-; }
count() { pg_psql "$PG_ADMIN_URL" -c "$1"; }

station A
station B
rc=0
wipe_one A >"$WORK/w.out" 2>&1 || rc=$?
wipe_one A >>"$WORK/w.out" 2>&1 || rc=$?
wipe_one B >>"$WORK/w.out" 2>&1 || rc=$?
check "three wipes (2 on A, 1 on B) succeed" test "$rc" = 0
[ "$rc" = 0 ] || cat "$WORK/w.out"
FPR_A=$(as A "$KESU" key show 2>/dev/null | grep -o 'ed25519:[0-9a-f]\{32\}' | head -1)
FPR_B=$(as B "$KESU" key show 2>/dev/null | grep -o 'ed25519:[0-9a-f]\{32\}' | head -1)
check "the two stations have different keys" test -n "$FPR_A" -a -n "$FPR_B" -a "$FPR_A" != "$FPR_B"

pg_start

# ---- server init ----
expect_exit 0 "server init" "$KESU" server init --db "$PG_ADMIN_URL"
check "it says initialised, schema version 1" grep -q "initialised (schema version 1)" "$WORK/out"
check "the group roles exist, without login" test "$(count "SELECT count(*) FROM pg_roles WHERE rolname IN ('kesu_station', 'kesu_reader') AND NOT rolcanlogin")" = 2
check "the schema exists" test "$(count "SELECT value FROM kesu.meta WHERE key = 'schema_version'")" = 1
tables=$(count "SELECT count(*) FROM pg_tables WHERE schemaname = 'kesu'")
expect_exit 1 "a second init is refused" "$KESU" server init --db "$PG_ADMIN_URL"
check "in one line: already initialised (schema version 1)" test "$(wc -l <"$WORK/err")" = 1
check "it says so" grep -q "already initialised (schema version 1)" "$WORK/err"
check "nothing changed" test "$(count "SELECT count(*) FROM pg_tables WHERE schemaname = 'kesu'")" = "$tables"

# ---- add-station, add-manager ----
expect_exit 0 "add-station A" "$KESU" server add-station --name Station-A --pubkey "$WORK/A/config/kesu/station.pub" \
	--out "$WORK/a.pgpass" --db "$PG_ADMIN_URL"
cp "$WORK/out" "$WORK/addA.out"
cat "$WORK/err" >"$WORK/addA.err"
check "the passfile is 0600" test "$(stat -c %a "$WORK/a.pgpass")" = 600
check "it holds one pgpass line for kesu_station_station_a" grep -qE '^\*:\*:\*:kesu_station_station_a:[A-Za-z0-9_-]{44}$' "$WORK/a.pgpass"
PW_A=$(cut -d: -f5 "$WORK/a.pgpass")
check "the password is not printed" bash -c "! grep -qF -- '$PW_A' '$WORK/addA.out' '$WORK/addA.err'"
check "it prints the fingerprint" grep -qF "$FPR_A" "$WORK/addA.out"
check "it prints the station's URL with the passfile" grep -qF "postgresql://kesu_station_station_a@127.0.0.1:$PG_PORT/kesu?passfile=$WORK/a.pgpass" "$WORK/addA.out"
check "the server holds a SCRAM verifier, not the password" test "$(count "SELECT rolpassword LIKE 'SCRAM-SHA-256\$%' AND strpos(rolpassword, '$PW_A') = 0 FROM pg_authid WHERE rolname = 'kesu_station_station_a'")" = t
check "the role is in kesu_station" test "$(count "SELECT pg_has_role('kesu_station_station_a', 'kesu_station', 'MEMBER')")" = t
check "the server log does not hold the password" bash -c "! grep -qF -- '$PW_A' '$PG_DIR/server.log'"
URL_A="postgresql://kesu_station_station_a@127.0.0.1:$PG_PORT/kesu?passfile=$WORK/a.pgpass"

expect_exit 0 "add-station B" "$KESU" server add-station --name B --pubkey "$WORK/B/config/kesu/station.pub" \
	--out "$WORK/b.pgpass" --db "$PG_ADMIN_URL"
URL_B="postgresql://kesu_station_b@127.0.0.1:$PG_PORT/kesu?passfile=$WORK/b.pgpass"
expect_exit 1 "the same key again is refused" "$KESU" server add-station --name C --pubkey "$WORK/B/config/kesu/station.pub" \
	--out "$WORK/c.pgpass" --db "$PG_ADMIN_URL"
check "in one line naming the key" bash -c "test \$(wc -l <'$WORK/err') = 1 && grep -qF '$FPR_B' '$WORK/err'"
check "no role kesu_station_c, no passfile" bash -c "test \"\$(psql -X -A -t '$PG_ADMIN_URL' -c \"SELECT count(*) FROM pg_roles WHERE rolname = 'kesu_station_c'\")\" = 0 && ! test -e '$WORK/c.pgpass'"
station C
as C "$KESU" key generate >/dev/null 2>&1 || true
expect_exit 1 "the same name again is refused" "$KESU" server add-station --name b --pubkey "$WORK/C/config/kesu/station.pub" \
	--out "$WORK/c.pgpass" --db "$PG_ADMIN_URL"
check "in one line naming the name" bash -c "test \$(wc -l <'$WORK/err') = 1 && grep -q 'named B' '$WORK/err'"
check "two stations registered" test "$(count "SELECT count(*) FROM kesu.stations")" = 2
expect_exit 2 "an existing --out is refused" "$KESU" server add-station --name C --pubkey "$WORK/C/config/kesu/station.pub" \
	--out "$WORK/a.pgpass" --db "$PG_ADMIN_URL"
check "the file is unchanged" grep -qF "$PW_A" "$WORK/a.pgpass"
check "and C was not registered" test "$(count "SELECT count(*) FROM kesu.stations")" = 2
echo "not a key" >"$WORK/bad.pub"
expect_exit 2 "a pubkey file that is not a key" "$KESU" server add-station --name D --pubkey "$WORK/bad.pub" \
	--out "$WORK/d.pgpass" --db "$PG_ADMIN_URL"
check "one line naming the file" bash -c "test \$(wc -l <'$WORK/err') = 1 && grep -qF '$WORK/bad.pub' '$WORK/err'"
expect_exit 2 "a bad station name" "$KESU" server add-station --name "-x;drop" --pubkey "$WORK/C/config/kesu/station.pub" \
	--out "$WORK/d.pgpass" --db "$PG_ADMIN_URL"
expect_exit 0 "add-manager" "$KESU" server add-manager --name m1 --out "$WORK/m.pgpass" --db "$PG_ADMIN_URL"
check "the manager's passfile is 0600" test "$(stat -c %a "$WORK/m.pgpass")" = 600
PW_M=$(cut -d: -f5 "$WORK/m.pgpass")
check "the manager's password is not printed" bash -c "! grep -qF -- '$PW_M' '$WORK/out' '$WORK/err'"
URL_M="postgresql://kesu_manager_m1@127.0.0.1:$PG_PORT/kesu?passfile=$WORK/m.pgpass"
expect_exit 0 "add-manager --no-password" "$KESU" server add-manager --name tls1 --no-password --db "$PG_ADMIN_URL"
check "that role has no password" test "$(count "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'kesu_manager_tls1'")" = t

# ---- push ----
expect_exit 0 "push A" as A "$KESU" ledger push --db "$URL_A"
check "it says it sent 2 records" grep -q "sent 2 records" "$WORK/out"
expect_exit 0 "push B" as B "$KESU" ledger push --db "$URL_B"
check "A's rows in the store are A's finished records, same hashes" test "$(store_rows A "$FPR_A")" = "$(local_rows A)"
check "B's rows in the store are B's finished records, same hashes" test "$(store_rows B "$FPR_B")" = "$(local_rows B)"
check "A has 2 rows, B 1" test "$(count "SELECT count(*) FROM kesu.records WHERE station = '$FPR_A'") $(count "SELECT count(*) FROM kesu.records WHERE station = '$FPR_B'")" = "2 1"
docs_ok=1
ndocs=0
for pdf in "$WORK"/A/data/kesu/certificates/kesu-*.pdf "$WORK"/B/data/kesu/certificates/kesu-*.pdf; do
	[ -e "$pdf" ] || continue
	ndocs=$((ndocs + 1))
	sum=$(sha256sum "$pdf" | cut -d' ' -f1)
	[ "$(count "SELECT count(*) FROM kesu.documents WHERE name = '$(basename "$pdf")' AND sha256 = '$sum' AND sha256 = encode(sha256(bytes), 'hex')")" = 1 ] || docs_ok=0
done
check "3 certificate PDFs in kesu.documents with matching sha256" test "$docs_ok:$ndocs:$(count "SELECT count(*) FROM kesu.documents")" = "1:3:3"

received=$(count "SELECT string_agg(received::text, ',' ORDER BY station, seq) FROM kesu.records")
expect_exit 0 "a second push" as A "$KESU" ledger push --db "$URL_A"
check "it says nothing to send: the store has all 2 records" grep -q "nothing to send: the store has all 2 records" "$WORK/out"
check "rows and received times unchanged" test "$(count "SELECT string_agg(received::text, ',' ORDER BY station, seq) FROM kesu.records")" = "$received"
check "no document was added" test "$(count "SELECT count(*) FROM kesu.documents")" = 3
# A push after every job must not read every certificate again: the
# ledger remembers each one's size and change time (pushed_documents).
as A strace -f -e trace=open,openat -o "$WORK/push.strace" "$KESU" ledger push --db "$URL_A" >/dev/null 2>&1 || true
check "a push with nothing new opens no certificate" test "$(grep -c 'kesu-[0-9a-f]*\.pdf' "$WORK/push.strace" || true)" = 0
check "the ledger remembers the 2 certificates sent" test "$(sqlite3 "$WORK/A/data/kesu/ledger.sqlite" "SELECT count(*) FROM pushed_documents")" = 2
# A certificate that changes later (as a countersignature changes it) goes again, as a new row.
pdf=$(find "$WORK/A/data/kesu/certificates" -name 'kesu-*.pdf' | head -1)
printf '%% a later revision\n' >>"$pdf"
expect_exit 0 "a push after a certificate changed" as A "$KESU" ledger push --db "$URL_A"
check "it sent 0 records and 1 certificate" grep -q "sent 0 records and 1 certificate" "$WORK/out"
check "both versions are in the store" test "$(count "SELECT count(DISTINCT sha256) FROM kesu.documents WHERE name = '$(basename "$pdf")'")" = 2
check "the new one has the file's sha256" test "$(count "SELECT count(*) FROM kesu.documents WHERE sha256 = '$(sha256sum "$pdf" | cut -d' ' -f1)'")" = 1
expect_exit 0 "push --json" as A "$KESU" ledger push --db "$URL_A" --json
check "the JSON says 0 sent, store head 2" jq -e '.pushed == true and .records_sent == 0 and .store_head == 2' "$WORK/out"

# ---- what PostgreSQL refuses ----
expect_exit 1 "as A: a record with station = B is refused" pg_psql "$URL_A" -c "INSERT INTO kesu.records (station, seq, record_id, record, prev_hash, hash, signature) VALUES ('$FPR_B', 2, 'x', 'x', repeat('0', 64), repeat('1', 64), repeat('2', 128))"
check "by the store: A may not write B's records" grep -q "may not write records of station $FPR_B" "$WORK/err"
expect_exit 1 "as A: UPDATE of A's own rows is refused" pg_psql "$URL_A" -c "UPDATE kesu.records SET outcome = 'SUCCESS' WHERE station = '$FPR_A'"
check "permission denied" grep -q "permission denied for table records" "$WORK/err"
expect_exit 1 "as A: DELETE of A's own rows is refused" pg_psql "$URL_A" -c "DELETE FROM kesu.records WHERE station = '$FPR_A'"
check "permission denied" grep -q "permission denied for table records" "$WORK/err"
check "A's rows are all still there" test "$(store_rows A "$FPR_A")" = "$(local_rows A)"
check "A reads only its own rows" test "$(pg_psql "$URL_A" -c "SELECT count(*) FROM kesu.records")" = 2
check "the manager reads every row" test "$(pg_psql "$URL_M" -c "SELECT count(*) FROM kesu.records")" = 3
expect_exit 1 "the manager's INSERT is refused" pg_psql "$URL_M" -c "INSERT INTO kesu.records (station, seq, record_id, record, prev_hash, hash, signature) VALUES ('$FPR_B', 2, 'x', 'x', repeat('0', 64), repeat('1', 64), repeat('2', 128))"
check "permission denied" grep -q "permission denied for table records" "$WORK/err"
expect_exit 1 "B's credentials cannot push A's ledger" as A "$KESU" ledger push --db "$URL_B"
check "one line: the role is not registered as A's station" bash -c "test \$(wc -l <'$WORK/err') = 1 && grep -qF 'role kesu_station_b is not registered as station $FPR_A' '$WORK/err'"

# ---- an interrupted push ----
rc=0
wipe_one A >"$WORK/w.out" 2>&1 || rc=$?
wipe_one A >>"$WORK/w.out" 2>&1 || rc=$?
check "two more wipes on A" test "$rc" = 0
pg_stop
expect_exit 1 "push with the store down" as A "$KESU" ledger push --db "$URL_A"
check "one line naming the store" bash -c "test \$(wc -l <'$WORK/err') = 1 && grep -qF 'central store 127.0.0.1:$PG_PORT/kesu' '$WORK/err'"
expect_exit 0 "ledger status, offline" as A "$KESU" ledger status --db "$URL_A"
check "status: 2 records waiting" grep -q "^  2 records waiting to be sent" "$WORK/out"
check "status: has the records up to 2" grep -q "has the records up to 2 " "$WORK/out"
check "status: the last push failed, and why" grep -q "the last push (.*) failed: .*cannot connect" "$WORK/out"
expect_exit 0 "ledger status --json" as A "$KESU" ledger status --db "$URL_A" --json
check "status --json: head 4, pushed 2, waiting 2, an error" jq -e '.head_seq == 4 and .pushed_seq == 2 and .waiting == 2 and (.last_error | length > 0)' "$WORK/out"
pg_restart
# Two pushes of one station at once (a job's and an operator's) take turns.
rc1=0 rc2=0
as A "$KESU" ledger push --db "$URL_A" >"$WORK/p1.out" 2>&1 &
p1=$!
as A "$KESU" ledger push --db "$URL_A" >"$WORK/p2.out" 2>&1 || rc2=$?
wait "$p1" || rc1=$?
check "two pushes at once with the store back both exit 0 ($rc1, $rc2)" test "$rc1:$rc2" = 0:0
[ "$rc1:$rc2" = 0:0 ] || { cat "$WORK/p1.out" "$WORK/p2.out" >&2; }
check "the 2 waiting records were sent" grep -q "sent 2 records" "$WORK/p1.out" "$WORK/p2.out"
check "the store has A's 4 records, same hashes" test "$(store_rows A "$FPR_A")" = "$(local_rows A)"
expect_exit 0 "ledger status" as A "$KESU" ledger status --db "$URL_A"
check "status: 0 waiting, no error" bash -c "grep -q '^  0 records waiting' '$WORK/out' && ! grep -q failed '$WORK/out'"

# ---- server = URL: a wipe pushes by itself ----
printf 'server = %s\n' "$URL_A" >>"$WORK/A/config/kesu/config"
rc=0
wipe_one A >"$WORK/w.out" 2>"$WORK/w.err" || rc=$?
check "a wipe with server = URL exits 0" test "$rc" = 0
check "the store has its record right after" test "$(store_rows A "$FPR_A")" = "$(local_rows A)"
check "5 records of A" test "$(count "SELECT count(*) FROM kesu.records WHERE station = '$FPR_A'")" = 5
pg_stop
rc=0
wipe_one A >"$WORK/w.out" 2>"$WORK/w.err" || rc=$?
check "a wipe with the store down exits 11" test "$rc" = 11
check "it warns: not yet sent to the central store, kept for the next push" grep -q "^kesu: not yet sent to the central store 127.0.0.1:$PG_PORT/kesu: .*; kept for the next push" "$WORK/w.err"
check "the certificate was still made" test "$(find "$WORK/A/data/kesu/certificates" -name 'kesu-*.pdf' | wc -l)" = 6
expect_exit 0 "status shows the outbox" as A "$KESU" ledger status
check "1 record waiting, and the error" bash -c "grep -q '^  1 record waiting' '$WORK/out' && grep -q 'failed' '$WORK/out'"
pg_restart
expect_exit 0 "the next push sends it" as A "$KESU" ledger push
check "sent 1 record" grep -q "sent 1 record " "$WORK/out"
check "the store has all 6" test "$(store_rows A "$FPR_A")" = "$(local_rows A)"

# kesu destroy pushes too: its record (and certificate) is in the store right after.
expect_exit 0 "a destroy with server = URL" as A "$KESU" destroy --serial SN-PUSH-1 --model "WD Blue" \
	--media-type hdd --technique shred --witness "立会 太郎"
check "the store has the destruction record" test "$(count "SELECT kind FROM kesu.records WHERE station = '$FPR_A' AND seq = 7")" = destruction
check "and its certificate" test "$(count "SELECT count(*) FROM kesu.documents WHERE station = '$FPR_A' AND seq = 7")" = 1

# ---- a fork: B rewrites and re-signs its own record 1 after pushing it ----
if [ -x "$REWRITE" ]; then
	check "B's record 1 is rewritten" "$REWRITE" "$(ledger_of B)" "$WORK/B/config/kesu/station.key" 1 "Test Operator" "Fake Operator"
	before=$(store_rows B "$FPR_B")
	expect_exit 4 "push of a rewritten ledger" as B "$KESU" ledger push --db "$URL_B"
	check "one line: fork: record 1" bash -c "test \$(wc -l <'$WORK/err') = 1 && grep -q 'central store 127.0.0.1:$PG_PORT/kesu: fork: record 1 ' '$WORK/err'"
	check "the store keeps its first version" test "$(store_rows B "$FPR_B")" = "$before"
	check "our version is kept as an offer, with a fork alarm" test "$(count "SELECT count(*) FROM kesu.offers WHERE station = '$FPR_B' AND seq = 1"):$(count "SELECT count(*) FROM kesu.alarms WHERE station = '$FPR_B' AND kind = 'fork' AND seq = 1")" = 1:1
	expect_exit 0 "B's status" as B "$KESU" ledger status --db "$URL_B"
	check "status says the last push failed with the fork" grep -q "failed: .*fork: record 1" "$WORK/out"
else
	not_ok "$REWRITE is not built (cmake --build ... --target ledger_rewrite)"
fi

# ---- bad inputs ----
expect_exit 2 "a malformed URL" as A "$KESU" ledger push --db "postgresql://x@127.0.0.1:99999999999/k?nonsense=1"
check "one line" test "$(wc -l <"$WORK/err")" = 1
port=$(pg_free_port)
expect_exit 1 "an unreachable port, a password in the URL" as A "$KESU" ledger push --db "postgresql://kesu_station_station_a:Sekrit-PW-123@127.0.0.1:$port/kesu"
check "one line naming the store" bash -c "test \$(wc -l <'$WORK/err') = 1 && grep -qF '127.0.0.1:$port/kesu' '$WORK/err'"
check "no password in it" bash -c "! grep -q Sekrit '$WORK/err' '$WORK/out'"
expect_exit 0 "status after that" as A "$KESU" ledger status --db "postgresql://kesu_station_station_a:Sekrit-PW-123@127.0.0.1:$port/kesu"
check "no password in the status either" bash -c "! grep -q Sekrit '$WORK/out' && ! sqlite3 '$(ledger_of A)' .dump | grep -q Sekrit"
expect_exit 2 "push without a store" as B "$KESU" ledger push

# ---- kesu check reports the outbox (server = URL; no network) ----
chk=$(attach "$(make_image check.img 1M)")
pg_stop
rc=0
wipe_one A >"$WORK/w.out" 2>"$WORK/w.err" || rc=$?
check "a wipe with the store down exits 11 (again)" test "$rc" = 11
expect_exit 0 "kesu check with records waiting (a warning, exit 0)" as A "$KESU" check "$chk"
check "it warns: 1 record waits, the last push failed" grep -qE "^central store 127.0.0.1:$PG_PORT/kesu: warning: 1 record waits to be sent; the last push \([0-9T:-]+Z\) failed: .+ \(kesu ledger push sends it\)$" "$WORK/out"
check "and still checks the drive" grep -q "^$chk: the safety gate accepts it" "$WORK/out"
expect_exit 0 "in Japanese" env LANG=ja_JP.UTF-8 XDG_CONFIG_HOME="$WORK/A/config" XDG_DATA_HOME="$WORK/A/data" "$KESU" check "$chk"
check "... 送信待ち" grep -q "警告: 送信待ちの記録が 1 件" "$WORK/out"
pg_restart
expect_exit 0 "the next push sends it" as A "$KESU" ledger push
expect_exit 0 "kesu check after the push" as A "$KESU" check "$chk"
check "it says every record is sent, no warning" bash -c "grep -q '^central store 127.0.0.1:$PG_PORT/kesu: every record is sent$' '$WORK/out' && ! grep -q warning '$WORK/out'"
expect_exit 0 "kesu check at a station without server =" as B "$KESU" check "$chk"
check "... says nothing about a central store" bash -c "! grep -q 'central store' '$WORK/out'"
finish

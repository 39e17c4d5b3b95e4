#!/bin/bash
# The --json outputs of the central store (issue 19; docs/formats.md,
# "Schemas") validate against docs/schema/: kesu ledger push, ledger status,
# ledger verify --db (with a fork alarm present; also under the station's
# own role: its own chain only) and server alarms --all.
# One station wipes a loop device and pushes; it then rewrites its ledger, so
# the store raises a fork alarm. Mutated outputs are refused, so the
# validator is seen to refuse.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_pg.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
SCHEMA=${KESU_SOURCE_DIR:?}/docs/schema
REWRITE="$(dirname "$KESU")/ledger_rewrite"
[ -x "$REWRITE" ] || { echo "$TEST_NAME: $REWRITE is not built" >&2; exit 1; }
OUT="$WORK/json"
mkdir -p "$OUT"
station alpha
as_alpha() { as alpha "$@"; }
# run NAME EXIT ARGS...: the command's stdout to $OUT/NAME.json, exit status checked.
run() {
	local name=$1 code=$2
	shift 2
	expect_exit "$code" "$name: $*" "$@"
	cp "$WORK/out" "$OUT/$name.json"
}

for i in 1 2; do
	expect_exit 0 "station alpha wipes loop device $i" station_wipe alpha 1M
done
pg_start
expect_exit 0 "server init" "$KESU" server init --db "$PG_ADMIN_URL"
expect_exit 0 "add-station alpha" "$KESU" server add-station --name alpha --pubkey "$WORK/alpha/config/kesu/station.pub" \
	--out "$WORK/alpha.pgpass" --db "$PG_ADMIN_URL"
URL="postgresql://kesu_station_alpha@127.0.0.1:$PG_PORT/kesu?passfile=$WORK/alpha.pgpass"

run status_unpushed 0 as_alpha "$KESU" ledger status --db "$URL" --json
check "status before the push: 2 records waiting" jq -e '.waiting == 2 and .pushed_seq == 0 and .pushed_utc == null' "$OUT/status_unpushed.json"
run status_no_server 0 as_alpha "$KESU" ledger status --json
check "status without a store: server, pushed_seq and waiting are null" jq -e '.server == null and .waiting == null and .head_seq == 2' "$OUT/status_no_server.json"
run push 0 as_alpha "$KESU" ledger push --db "$URL" --json
check "push sent 2 records" jq -e '.pushed == true and .records_sent == 2 and .store_head == 2 and .fork_seq == null' "$OUT/push.json"
run push_again 0 as_alpha "$KESU" ledger push --db "$URL" --json
check "a second push sends nothing" jq -e '.records_sent == 0 and .store_head_before == 2' "$OUT/push_again.json"
run status 0 as_alpha "$KESU" ledger status --db "$URL" --json
check "status after the push: nothing waiting, a push time" jq -e '.waiting == 0 and .pushed_seq == 2 and (.pushed_utc | test("Z$"))' "$OUT/status.json"

check "ledger_rewrite changes alpha's record 2" "$REWRITE" "$WORK/alpha/data/kesu/ledger.sqlite" \
	"$WORK/alpha/config/kesu/station.key" 2 '"name":"Test Operator"' '"name":"Fake Operator"'
run push_fork 4 as_alpha "$KESU" ledger push --db "$URL" --json
check "the push names the fork at record 2" jq -e '.pushed == false and .fork_seq == 2 and (.error | length) > 0' "$OUT/push_fork.json"
run status_error 0 as_alpha "$KESU" ledger status --db "$URL" --json
check "status keeps the last error" jq -e '(.last_error | length) > 0 and (.attempt_utc | test("Z$"))' "$OUT/status_error.json"
run verify 4 "$KESU" ledger verify --db "$PG_ADMIN_URL" --json
check "verify --db: a fork alarm is open" jq -e '.passed == false and .open_alarms == 1 and .alarms[0].kind == "fork" and .alarms[0].acknowledged == null' "$OUT/verify.json"
run alarms_open 4 "$KESU" server alarms --db "$PG_ADMIN_URL" --json
id=$(jq -r '.alarms[0].id' "$OUT/alarms_open.json")
expect_exit 0 "the owner acknowledges the fork" "$KESU" server ack "$id" --reason "checked: the first record is right" --db "$PG_ADMIN_URL"
run alarms_all 0 "$KESU" server alarms --all --db "$PG_ADMIN_URL" --json
check "alarms --all: one fork, acknowledged" jq -e '.open == 0 and (.alarms | length) == 1 and .alarms[0].acknowledged.reason == "checked: the first record is right"' "$OUT/alarms_all.json"
run verify_acked 0 "$KESU" ledger verify --db "$PG_ADMIN_URL" --json
run verify_station 0 as_alpha "$KESU" ledger verify --db "$URL" --json
check "verify --db as the station: its own chain only" jq -e '.scope == "own-station" and (.stations | length) == 1 and (.alarms | length) == 1' "$OUT/verify_station.json"

# Mutations the validator must refuse: a renamed member, a wrong type, an
# unknown alarm kind, a member too many.
jq '.records_pushed = .records_sent | del(.records_sent)' "$OUT/push.json" >"$WORK/renamed.json"
jq '.waiting = "0"' "$OUT/status.json" >"$WORK/retyped.json"
jq '.alarms[0].kind = "rewrite"' "$OUT/alarms_all.json" >"$WORK/badkind.json"
jq '.stations[0].extra = 1' "$OUT/verify.json" >"$WORK/extra.json"

cat >"$WORK/pairs" <<EOF
$OUT/status_unpushed.json ledger-status
$OUT/status_no_server.json ledger-status
$OUT/status.json ledger-status
$OUT/status_error.json ledger-status
$OUT/push.json ledger-push
$OUT/push_again.json ledger-push
$OUT/push_fork.json ledger-push
$OUT/verify.json ledger-verify-central
$OUT/verify_acked.json ledger-verify-central
$OUT/verify_station.json ledger-verify-central
$OUT/alarms_open.json server-alarms
$OUT/alarms_all.json server-alarms
$WORK/renamed.json ledger-push refuse
$WORK/retyped.json ledger-status refuse
$WORK/badkind.json server-alarms refuse
$WORK/extra.json ledger-verify-central refuse
EOF
validate_pairs "$SCHEMA" "$WORK/pairs"
finish

#!/bin/bash
# Reading across stations (issue 19 item 3, docs/central-review.md): two
# stations push to the central store; with --db a manager's read-only
# role builds the month's register (CSV and PDF) naming both stations,
# lists media of both, finds an approval's use at the other station, and a
# station issues a batch certificate over records of both that kesu cert
# verify accepts.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_pg.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0

wipe_one() {
	local s=$1
	shift
	station_wipe "$s" 1M "$@"
}
MONTH=$(date +%Y-%m)

# A prior approval of two media, one erased at each station.
export KESU_TRUST="$WORK/trust.json"
"$KESU" key generate --role approver --name "課長 一郎" -o "$WORK/ap.key" --no-passphrase >/dev/null 2>&1
"$KESU" trust add --role approver --name "課長 一郎" "$WORK/ap.pub" >/dev/null 2>&1
expect_exit 0 "an approval of PC-X1 and PC-X2" "$KESU" approve --class II --purpose disposal --methods nist-clear \
	--valid-until "$(date -d '+30 days' +%F)" --name "課長 一郎" --key "$WORK/ap.key" \
	--media asset:PC-X1,asset:PC-X2 -o "$WORK/ap.kesu-approval"

station alpha
station beta
check "alpha wipes a drive (asset PC-A1)" wipe_one alpha --asset PC-A1 >"$WORK/w.out" 2>&1
check "alpha wipes a second drive (asset PC-A2)" wipe_one alpha --asset PC-A2 >"$WORK/w.out" 2>&1
check "beta wipes a drive (asset PC-B1)" wipe_one beta --asset PC-B1 >"$WORK/w.out" 2>&1
check "alpha wipes PC-X1 under the approval" wipe_one alpha --approval "$WORK/ap.kesu-approval" --asset PC-X1 >"$WORK/w.out" 2>&1
check "beta wipes PC-X2 under the approval" wipe_one beta --approval "$WORK/ap.kesu-approval" --asset PC-X2 >"$WORK/w.out" 2>&1

pg_start
expect_exit 0 "server init" "$KESU" server init --db "$PG_ADMIN_URL"
for s in alpha beta; do
	expect_exit 0 "add-station $s" "$KESU" server add-station --name "$s" --pubkey "$WORK/$s/config/kesu/station.pub" \
		--out "$WORK/$s.pgpass" --db "$PG_ADMIN_URL"
done
expect_exit 0 "add-manager" "$KESU" server add-manager --name m --out "$WORK/m.pgpass" --db "$PG_ADMIN_URL"
URL_alpha="postgresql://kesu_station_alpha@127.0.0.1:$PG_PORT/kesu?passfile=$WORK/alpha.pgpass"
URL_beta="postgresql://kesu_station_beta@127.0.0.1:$PG_PORT/kesu?passfile=$WORK/beta.pgpass"
URL_M="postgresql://kesu_manager_m@127.0.0.1:$PG_PORT/kesu?passfile=$WORK/m.pgpass"
expect_exit 0 "alpha pushes" as alpha "$KESU" ledger push --db "$URL_alpha"
expect_exit 0 "beta pushes" as beta "$KESU" ledger push --db "$URL_beta"
local_count() { sqlite3 "$WORK/$1/data/kesu/ledger.sqlite" "SELECT count(*) FROM jobs WHERE state = 'finished'"; }
check "the store holds every finished record of both" test "$(pg_psql "$PG_ADMIN_URL" -c "SELECT count(*) FROM kesu.records")" = $(($(local_count alpha) + $(local_count beta)))

# --- kesu report --db: the month's register of both stations ----------------
expect_exit 0 "report --db (CSV, keys), as the manager from a third directory" \
	as manager "$KESU" report --db "$URL_M" --month "$MONTH" --headers keys -o "$WORK/reg.csv"
check "it says 5 rows" grep -q "5 rows" "$WORK/out"
check "the CSV has a station column" bash -c "head -1 '$WORK/reg.csv' | grep -q station"
col=$(head -1 "$WORK/reg.csv" | tr ',' '\n' | grep -nx station | cut -d: -f1)
check "PC-A1's row names station alpha" bash -c "grep PC-A1 '$WORK/reg.csv' | cut -d, -f$col | grep -qx alpha"
check "PC-A2's row names station alpha" bash -c "grep PC-A2 '$WORK/reg.csv' | cut -d, -f$col | grep -qx alpha"
check "PC-B1's row names station beta" bash -c "grep PC-B1 '$WORK/reg.csv' | cut -d, -f$col | grep -qx beta"
expect_exit 0 "report --db --station beta" as manager "$KESU" report --db "$URL_M" --month "$MONTH" --station beta --headers keys -o "$WORK/beta.csv"
check "only beta's rows" bash -c "grep -q PC-B1 '$WORK/beta.csv' && grep -q PC-X2 '$WORK/beta.csv' && ! grep -q PC-A '$WORK/beta.csv' && ! grep -q PC-X1 '$WORK/beta.csv'"
expect_exit 0 "report --db as a PDF, signed by station alpha" as alpha "$KESU" report --db "$URL_M" --month "$MONTH" -o "$WORK/reg.pdf"
if command -v pdftotext >/dev/null; then
	pdftotext -layout "$WORK/reg.pdf" "$WORK/reg.txt"
	check "the PDF names station alpha" grep -q "alpha" "$WORK/reg.txt"
	check "the PDF names station beta" grep -q "beta" "$WORK/reg.txt"
	check "the PDF lists the three assets" bash -c "grep -q PC-A1 '$WORK/reg.txt' && grep -q PC-A2 '$WORK/reg.txt' && grep -q PC-B1 '$WORK/reg.txt'"
fi
expect_exit 0 "report --db as XLSX" as manager "$KESU" report --db "$URL_M" --month "$MONTH" -o "$WORK/reg.xlsx"
expect_exit 1 "report --db of an unreachable store" as manager "$KESU" report --db "postgresql://x@127.0.0.1:1/kesu" --month "$MONTH" -o "$WORK/x.csv"
check "... in one line" test "$(wc -l <"$WORK/err")" = 1

# --- kesu media --db ------------------------------------------------------------
expect_exit 0 "media list --db --json (manager)" as manager "$KESU" media list --db "$URL_M" --json
for a in PC-A1 PC-A2 PC-B1 PC-X1 PC-X2; do
	# shellcheck disable=SC2016 # $a is jq's
	check "it lists $a, erased" jq -e --arg a "$a" '[.media[] | select(.asset_number == $a and .state == "erased")] | length == 1' "$WORK/out"
done
expect_exit 0 "media list at beta, locally" as beta "$KESU" media list --json
check "... does not know alpha's PC-A1" bash -c "! grep -q PC-A1 '$WORK/out'"
expect_exit 0 "media show PC-X1 --db" as beta "$KESU" media show PC-X1 --db "$URL_M"
check "it shows PC-X1's erasure" grep -q "SUCCESS" "$WORK/out"
expect_exit 2 "media dispose does not take --db" as beta "$KESU" media dispose PC-X1 --db "$URL_M" --destination vendor --to X

# --- kesu approval status --db --------------------------------------------------
expect_exit 1 "approval status at beta, locally: PC-X1 is pending there" as beta "$KESU" approval status --json "$WORK/ap.kesu-approval"
check "... PC-X1 pending" jq -e '.media[] | select(.asset == "PC-X1") | .state == "pending"' "$WORK/out"
expect_exit 0 "approval status --db: every medium has its proof" as beta "$KESU" approval status --db "$URL_M" --json "$WORK/ap.kesu-approval"
check "... PC-X1, erased at the other station, alpha" jq -e '.media[] | select(.asset == "PC-X1") | .state == "erased" and .station == "alpha"' "$WORK/out"
check "... PC-X2 erased at beta" jq -e '.media[] | select(.asset == "PC-X2") | .state == "erased" and .station == "beta"' "$WORK/out"

# --- kesu cert batch --db ---------------------------------------------------------
before=$(local_count beta)
expect_exit 0 "cert batch --db over the approval, issued at beta" as beta "$KESU" cert batch --db "$URL_M" \
	--approval "$WORK/ap.kesu-approval" -o "$WORK/batch.pdf"
check "it is COMPLETE with 2 media" grep -q "of 2 media (COMPLETE)" "$WORK/out"
check "the batch record went to beta's own ledger" test "$(local_count beta)" = $((before + 1))
# shellcheck disable=SC2016 # $.kind is SQLite's JSON path
check "... as a batch-certificate" test "$(sqlite3 "$WORK/beta/data/kesu/ledger.sqlite" "SELECT json_extract(record, '$.kind') FROM jobs ORDER BY seq DESC LIMIT 1")" = batch-certificate
alpha_hash=$(pg_psql "$PG_ADMIN_URL" -c "SELECT r.hash FROM kesu.records r JOIN kesu.stations s ON s.fingerprint = r.station WHERE s.name = 'alpha' AND r.record LIKE '%PC-X1%'")
check "it cites alpha's record of PC-X1 by its hash" grep -qF "$alpha_hash" <(as beta "$KESU" cert show "$WORK/batch.pdf")
fpr_alpha=$(pg_psql "$PG_ADMIN_URL" -c "SELECT fingerprint FROM kesu.stations WHERE name = 'alpha'")
fpr_beta=$(pg_psql "$PG_ADMIN_URL" -c "SELECT fingerprint FROM kesu.stations WHERE name = 'beta'")
as beta "$KESU" cert show "$WORK/batch.pdf" >"$WORK/batch.json"
check "it cites PC-X1's record as station alpha's" jq -e --arg k "$fpr_alpha" '[.. | objects | select(.asset? == "PC-X1") | .erasure.station_key] == [$k]' "$WORK/batch.json"
check "it cites PC-X2's record as station beta's" jq -e --arg k "$fpr_beta" '[.. | objects | select(.asset? == "PC-X2") | .erasure.station_key] == [$k]' "$WORK/batch.json"
expect_exit 0 "kesu cert verify accepts the batch certificate" as beta "$KESU" cert verify "$WORK/batch.pdf"
check "... VALID" grep -q "VALID" "$WORK/out"

# --- media list --db: the station each medium was last handled at ----------
expect_exit 0 "media list --db --json names the stations" as manager "$KESU" media list --db "$URL_M" --json
cp "$WORK/out" "$WORK/media_db.json"
check "PC-A1 at alpha, PC-B1 and PC-X2 at beta" jq -e '[.media[] | select(.asset_number == "PC-A1" or .asset_number == "PC-B1"
	or .asset_number == "PC-X2") | .asset_number + "@" + .station] | sort == ["PC-A1@alpha", "PC-B1@beta", "PC-X2@beta"]' "$WORK/media_db.json"
expect_exit 0 "media list at alpha, locally" as alpha "$KESU" media list --json
cp "$WORK/out" "$WORK/media_local.json"
check "... names no station (its own ledger)" jq -e 'all(.media[]; .station == null)' "$WORK/media_local.json"
check "both validate against docs/schema/media-list.schema.json" python3 -c '
import json, sys
from jsonschema import Draft202012Validator
v = Draft202012Validator(json.load(open(sys.argv[1])))
sys.exit(any(list(v.iter_errors(json.load(open(f)))) for f in sys.argv[2:]))' \
	"$KESU_SOURCE_DIR/docs/schema/media-list.schema.json" "$WORK/media_db.json" "$WORK/media_local.json"
expect_exit 0 "media list --db (text)" as manager "$KESU" media list --db "$URL_M"
check "... has a STATION column" grep -qE "DOCUMENT +STATION" "$WORK/out"
check "... PC-B1's row ends with beta" grep -qE "PC-B1 .* beta$" "$WORK/out"
expect_exit 0 "media list --db --csv" as manager "$KESU" media list --db "$URL_M" --csv
tr -d '\r' <"$WORK/out" >"$WORK/media_db.csv"
check "... CRLF line ends" test "$(grep -c $'\r$' "$WORK/out")" = "$(wc -l <"$WORK/media_db.csv")"
check "... the header ends with the station column" grep -q ',events,station$' <(head -1 "$WORK/media_db.csv")
check "... PC-B1's row ends with beta, PC-A1's with alpha" \
	bash -c "grep -q '^[^,]*,[^,]*,PC-B1,.*,beta\$' '$WORK/media_db.csv' && grep -q '^[^,]*,[^,]*,PC-A1,.*,alpha\$' '$WORK/media_db.csv'"
expect_exit 0 "media list --csv at alpha, locally" as alpha "$KESU" media list --csv
check "... no station column in a station's own ledger" grep -q ',events$' <(head -1 "$WORK/out" | tr -d '\r')

finish

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

station() {
	mkdir -p "$WORK/$1/config/kesu" "$WORK/$1/data"
	printf 'operator = Test Operator\norganisation = Test City\nclass = III\n' >"$WORK/$1/config/kesu/config"
}
as() {
	local s=$1
	shift
	XDG_CONFIG_HOME="$WORK/$s/config" XDG_DATA_HOME="$WORK/$s/data" "$@"
}
N_IMG=0
wipe_one() {
	local s=$1
	shift
	N_IMG=$((N_IMG + 1))
	as "$s" "$KESU" wipe --yes --force --progress none --request-size 1M --method nist-clear "$@" \
		"$(attach "$(make_image "$s-$N_IMG.img" 1M)")"
}
MONTH=$(date +%Y-%m)

station alpha
station beta
check "alpha wipes a drive (asset PC-A1)" wipe_one alpha --asset PC-A1
check "alpha wipes a second drive (asset PC-A2)" wipe_one alpha --asset PC-A2
check "beta wipes a drive (asset PC-B1)" wipe_one beta --asset PC-B1

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
check "the store holds 3 records" test "$(pg_psql "$PG_ADMIN_URL" -c "SELECT count(*) FROM kesu.records")" = 3

# --- kesu report --db: the month's register of both stations ----------------
expect_exit 0 "report --db (CSV, keys), as the manager from a third directory" \
	as manager "$KESU" report --db "$URL_M" --month "$MONTH" --headers keys -o "$WORK/reg.csv"
check "it says 3 rows" grep -q "3 rows" "$WORK/out"
check "the CSV has a station column" bash -c "head -1 '$WORK/reg.csv' | grep -q station"
col=$(head -1 "$WORK/reg.csv" | tr ',' '\n' | grep -nx station | cut -d: -f1)
check "PC-A1's row names station alpha" bash -c "grep PC-A1 '$WORK/reg.csv' | cut -d, -f$col | grep -qx alpha"
check "PC-A2's row names station alpha" bash -c "grep PC-A2 '$WORK/reg.csv' | cut -d, -f$col | grep -qx alpha"
check "PC-B1's row names station beta" bash -c "grep PC-B1 '$WORK/reg.csv' | cut -d, -f$col | grep -qx beta"
expect_exit 0 "report --db --station beta" as manager "$KESU" report --db "$URL_M" --month "$MONTH" --station beta --headers keys -o "$WORK/beta.csv"
check "only beta's row" bash -c "grep -q PC-B1 '$WORK/beta.csv' && ! grep -q PC-A '$WORK/beta.csv'"
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

finish

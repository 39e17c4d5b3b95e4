#!/bin/bash
# The manager's register end to end (issue 17, docs/register.md): 60 jobs
# over three months (August to October 2026) made through the real wipe
# path on 1 MiB loop devices, several drives per kesu wipe, in four
# departments; in September one class II job without an approval (its
# policy allowed it), one failure never followed by a destruction (the
# fault shim fails a sector) and one unverified job. kesu report for
# September, as CSV, Excel and PDF: the counts are the ledger's (SQL on
# the ledger); the three anomalies are the only rows the CSV marks, the
# workbook's first sheet and the PDF's first section; the workbook reads
# back with openpyxl (sheets, headers, rows, real dates, frozen and
# filtered headers, widths) and the PDF's text holds n / m on every page.
# About 25 s on an idle 2-core machine (the 60 certificates dominate).
source "$(dirname "$0")/lib.sh"
FAULT=${KESU_FAULT_LIB:?built by CMake: libkesu_fault.so}
HERE=$(cd "$(dirname "$0")" && pwd)
# libfaketime deadlocks in a sanitizer build's allocator (test_disposal):
# there only the report's month is made (20 jobs), at the real time, and
# the report is of the current month; the checks are the same.
SANITIZED=${ASAN_OPTIONS:+yes}
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
export TZ=JST-9
for tool in sqlite3 pdftotext pdfinfo faketime jq; do
	if ! command -v "$tool" >/dev/null; then
		not_ok "$tool is missing (.ci/install-deps)"
		finish
	fi
done
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import openpyxl' 2>/dev/null; then PY=$p && break; fi
done
[ -n "$PY" ] || { not_ok "python3-openpyxl is missing (.ci/install-deps)"; finish; }

# The drives' images, the ledger and the certificates in memory (tmpfs):
# 60 jobs sync often, and the test is about what the register says.
SHM=$(mktemp -d /dev/shm/kesu-test_register.XXXXXX)
trap 'cleanup; rm -rf "$SHM"' EXIT
export XDG_DATA_HOME="$SHM/data"
LEDGER="$XDG_DATA_HOME/kesu/ledger.sqlite"
CERTS="$XDG_DATA_HOME/kesu/certificates"
DEVS=()
for i in $(seq 1 5); do
	truncate -s 1M "$SHM/d$i.img"
	DEVS+=("$(attach "$SHM/d$i.img")")
done
WIPE=(wipe --yes --force --progress none --request-size 1M --verify sample)
METHOD=zero ENVS=()
# at DAY COMMAND...: as if run at 10:00 that day (the clock runs on), with
# ENVS in its environment (faketime keeps an LD_PRELOAD it is given)
at() {
	local day=$1
	shift
	if [ -n "$SANITIZED" ]; then
		env "${ENVS[@]}" "$@"
	else
		env "${ENVS[@]}" faketime -f "@$day 10:00:00" "$@"
	fi
}
# jobs DAY DEPT N [kesu wipe options...]: N drives in one command, assets PC-DAY-DEPT-i
jobs() {
	local day=$1 dept=$2 n=$3 assets=() i
	shift 3
	for i in $(seq 1 "$n"); do assets+=("PC-${day//-/}-$dept-$i"); done
	at "$day" "$KESU" "${WIPE[@]}" --method "$METHOD" --department "${DEPTS[$dept]}" \
		--asset "$(IFS=,; echo "${assets[*]}")" "$@" "${DEVS[@]:0:$n}"
}
DEPTS=(総務課 財政課 市民課 教育委員会)

start=$SECONDS
if [ -n "$SANITIZED" ]; then
	MONTHS=("$(date +%Y-%m)")
else
	MONTHS=(2026-08 2026-09 2026-10)
fi
MONTH=${MONTHS[$((${#MONTHS[@]} > 1 ? 1 : 0))]}
for m in "${MONTHS[@]}"; do
	for d in 0 1 2; do
		expect_exit 0 "$m: five drives of ${DEPTS[$d]} in one wipe" jobs "$m-0$((d + 2))" "$d" 5
	done
	if [ "$m" != "$MONTH" ]; then
		expect_exit 0 "$m: five drives of ${DEPTS[3]}" jobs "$m-06" 3 5
		continue
	fi
	# The month of the report: the three anomalies, among ordinary jobs.
	printf '[class II]\napproval = optional\n' >"$WORK/lenient.policy"
	METHOD=nist-clear # a method the built-in policy allows for class II
	expect_exit 0 "$m: a class II job without an approval (its policy did not ask for one)" \
		jobs "$m-07" 3 1 --class II --policy "$WORK/lenient.policy"
	METHOD=zero ENVS=(LD_PRELOAD="$FAULT" KESU_FAULT_PATH="${DEVS[1]}"
		KESU_FAULT_BAD_WRITE=$((100 * 512)):512)
	expect_exit 1 "$m: two drives, one failing a sector: FAILED, never destroyed" jobs "$m-08" 3 2
	ENVS=()
	expect_exit 7 "$m: an unverified job (--verify none): UNVERIFIED" jobs "$m-09" 3 1 --verify none
	expect_exit 0 "$m: one more ordinary job" jobs "$m-10" 3 1
done
echo "# $((20 * ${#MONTHS[@]})) jobs in $((SECONDS - start)) s"

# ---- what the ledger holds for the month, by SQL ----
sql() { sqlite3 "$LEDGER" "$1"; }
IN_MONTH="state = 'finished' AND substr(json_extract(record, '\$.ended_local'), 1, 7) = '$MONTH'"
ROWS="$IN_MONTH AND json_extract(record, '\$.kind') IN ('wipe', 'verify', 'destruction', 'handover', 'received-certificate')"
check "the ledger holds $((20 * ${#MONTHS[@]})) wipe jobs" test "$(sql "SELECT count(*) FROM jobs
	WHERE state = 'finished' AND json_extract(record, '$.kind') = 'wipe'")" -eq $((20 * ${#MONTHS[@]}))
N=$(sql "SELECT count(*) FROM jobs WHERE $ROWS")
check "$MONTH holds 20 of them" test "$N" -eq 20
seq_of() { sql "SELECT seq FROM jobs WHERE $ROWS AND $1"; }
S_APPROVAL=$(seq_of "json_extract(record, '\$.classification') = 'II'")
S_FAILED=$(seq_of "json_extract(record, '\$.outcome') = 'FAILED'")
S_UNVERIFIED=$(seq_of "json_extract(record, '\$.outcome') = 'UNVERIFIED'")
check "one of each anomaly ($S_APPROVAL, $S_FAILED, $S_UNVERIFIED)" \
	test "$(echo "$S_APPROVAL $S_FAILED $S_UNVERIFIED" | wc -w)" -eq 3
asset_of() { sql "SELECT json_extract(record, '\$.media.asset_number') FROM jobs WHERE seq = $1"; }
DEPT_JSON=$(sql "SELECT json_group_object(d, n) FROM (SELECT json_extract(record,
	'\$.organisation.department') AS d, count(*) AS n FROM jobs WHERE $ROWS GROUP BY d)")
printf '{"month": "%s", "rows": %s, "anomaly_seqs": [%s, %s, %s], "departments": %s}\n' \
	"$MONTH" "$N" "$S_APPROVAL" "$S_FAILED" "$S_UNVERIFIED" "$DEPT_JSON" >"$WORK/expect.json"

# ---- the register for the month, three ways ----
report() { # report FILE: kesu report for the month, under the built-in policy
	local rc=0
	"$KESU" report --month "$MONTH" -o "$1" >"$WORK/out" 2>"$WORK/err" || rc=$?
	# Anomalies are the register's content, not an error: exit 0 (kesu(8)).
	if [ "$rc" -eq 0 ]; then
		ok "kesu report --month $MONTH -o ${1##*/} (exit $rc)"
	else
		not_ok "kesu report -o ${1##*/}: exit $rc: $(head -c 400 "$WORK/err")"
	fi
}
t0=$SECONDS
report "$WORK/r.csv"
check "... it says the rows and the anomalies" grep -q "$N" "$WORK/out"
# The CSV: a BOM, one header row, one row per record, each anomaly marked
# on its record's row (the last column, 異常) and no other row marked.
check "CSV: UTF-8 with a BOM" test "$(head -c 3 "$WORK/r.csv" | xxd -p)" = efbbbf
check "CSV: one row per record ($N) and a header, CRLF" test "$(grep -c $'\r$' "$WORK/r.csv")" -eq "$((N + 1))"
check "CSV: the rows marked 異常 are the records $S_APPROVAL, $S_FAILED, $S_UNVERIFIED" \
	"$PY" - "$WORK/r.csv" "$S_APPROVAL $S_FAILED $S_UNVERIFIED" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
marked = [r["記録番号"] for r in rows if r["異常"]]
sys.exit(0 if marked == sys.argv[2].split() else 1)
PY

report "$WORK/r.xlsx"
check "XLSX: mode 0640" test "$(stat -c %a "$WORK/r.xlsx")" = 640
"$PY" "$HERE/register_xlsx_check.py" "$WORK/r.xlsx" "$WORK/expect.json" >"$WORK/xlsx.tap" || true
while read -r line; do
	case $line in
	"ok - "*) ok "XLSX: ${line#ok - }" ;;
	*) not_ok "XLSX: ${line#not ok - }" ;;
	esac
done <"$WORK/xlsx.tap"
check "XLSX: the checker ran" grep -q "^ok - sheets" "$WORK/xlsx.tap"

report "$WORK/r.pdf"
pdftotext -layout "$WORK/r.pdf" "$WORK/r.txt" 2>/dev/null || : >"$WORK/r.txt"
pages=$(pdfinfo "$WORK/r.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
check "PDF: n / m on each of its ${pages:-0} pages" test "$(grep -cE "\b[0-9]+ ?/ ?${pages:-x}\b" "$WORK/r.txt")" -ge "${pages:-1}"
for s in "$S_APPROVAL" "$S_FAILED" "$S_UNVERIFIED"; do
	check "PDF: the anomaly $(asset_of "$s") is named" grep -q "$(asset_of "$s")" "$WORK/r.txt"
done
# The anomalies come before the summary and before the detail's first row
# (SEQ, then the date).
a_line=$(grep -n -m1 "$(asset_of "$S_APPROVAL")" "$WORK/r.txt" | cut -d: -f1 || true)
summary=$(grep -n -m1 "集計 / Summary" "$WORK/r.txt" | cut -d: -f1 || true)
detail=$(grep -n -m1 -E "^ *[0-9]+ +$MONTH-[0-9]{2} " "$WORK/r.txt" | cut -d: -f1 || true)
check "PDF: the anomalies (line ${a_line:-none}) come before the summary (${summary:-none}) and the detail (${detail:-none})" \
	test "${a_line:-9999}" -lt "${summary:-0}" -a "${summary:-9999}" -lt "${detail:-0}"
echo "# the three reports in $((SECONDS - t0)) s"
finish

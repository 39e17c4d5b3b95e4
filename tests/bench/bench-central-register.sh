#!/bin/bash
# The manager's register from the central store (issue 19, item 4: "a
# monthly register over 1,000,000 records in <= 5 s").
#
# The store: STATIONS stations (8), each with its own key and a ledger of
# RECORDS/STATIONS records: one real wipe of a 1 MiB image, then records
# that tests/bench/ledger_gen.c makes from it, spread over 2026, chained and
# signed with the station's key (ledgers in /dev/shm). A fresh PostgreSQL 15
# cluster (initdb defaults, fsync on, on disk in /var/tmp unless --pg-dir
# says otherwise, 127.0.0.1 and a Unix socket only), kesu server init, every
# station registered with kesu server add-station, a manager with kesu
# server add-manager. The records get there in one of two ways (--fill):
#   copy (the default, the fastest honest way): each station's finished
#     records, read from its SQLite ledger with sqlite3, go in with one COPY
#     into kesu.records as the store's owner. The store's own insert trigger
#     runs for every row, as for a push: it checks the chain and copies the
#     indexed columns out of the record. The rows are the ones a push would
#     have stored: the same signed records, hashes and signatures;
#   push: all stations run kesu ledger push at once (slower; its time is
#     printed, an ingest figure at this size).
# Then VACUUM (ANALYZE) kesu.records, as autovacuum would do soon after such
# a load, so every run reads a settled table. The register's timing does not
# depend on how the rows got there.
#
# Measured, as the manager (the reader role): kesu report --db URL for one
# month (--month, about RECORDS/12 records) as CSV and PDF, and the whole
# year as CSV: wall time and CPU time (kesu's user + system, and the
# cluster's), medians of RUNS, and kesu's peak memory (/usr/bin/time %M).
# Then the monthly CSV again with work_mem 64MB and jit off (PGOPTIONS).
# With --explain, one more monthly CSV runs with every statement logged
# with its duration and auto_explain's EXPLAIN ANALYZE of each statement
# slower than 100 ms; the log is printed.
# With --ledgers DIR, the stations are made in DIR and kept there, and a
# later run with the same DIR and numbers uses them again (generating a
# million signed records takes minutes).
# Not a test (CI does not run it); docs/performance.md keeps the numbers.
#   tests/bench/bench-central-register.sh [--records N] [--stations N] [--runs N]
#       [--month YYYY-MM] [--fill copy|push] [--build DIR] [--pg-dir DIR]
#       [--ledgers DIR] [--explain]
set -euo pipefail
records=1000000 stations=8 runs=3 month=2026-06 fill=copy pg_parent=/var/tmp explain=0
stations_dir=
build=$(dirname "$0")/../../build
while [ $# -gt 0 ]; do
	case $1 in
	--records) records=$2; shift 2 ;;
	--stations) stations=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--month) month=$2; shift 2 ;;
	--fill) fill=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--pg-dir) pg_parent=$2; shift 2 ;;
	--ledgers) stations_dir=$2; shift 2 ;;
	--explain) explain=1; shift ;;
	*)
		echo "usage: $0 [--records N] [--stations N] [--runs N] [--month YYYY-MM] [--fill copy|push] [--build DIR] [--pg-dir DIR] [--ledgers DIR] [--explain]" >&2
		exit 2
		;;
	esac
done
case $fill in copy | push) ;; *) echo "${0##*/}: --fill is copy or push" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "${0##*/}: run as root (initdb runs as the postgres user)" >&2; exit 2; }
build=$(readlink -f "$build")
pg_parent=$(readlink -f "$pg_parent")
if [ -n "$stations_dir" ]; then
	mkdir -p "$stations_dir"
	stations_dir=$(readlink -f "$stations_dir")
fi
kesu=$build/kesu
# shellcheck source=tests/bench/bench-central-lib.sh
. "$(dirname "$0")/bench-central-lib.sh"
cmake --build "$build" --target kesu ledger_gen -j2 >/dev/null
work=$(mktemp -d /dev/shm/kesu-bench-central-register.XXXXXX)
trap 'bc_pg_stop; rm -rf "$work"' EXIT
unset KESU_KEY KESU_LEDGER KESU_CONFIG
per=$((records / stations))
total=$((per * stations))
tick=$(getconf CLK_TCK)

t0=$(bc_now)
for i in $(seq "$stations"); do
	bc_station "s$i" "$per"
done
echo "$stations stations, each a ledger of $per records, made in" \
	"$(printf '%.0f' "$(bc <<<"$(bc_now) - $t0")") s ($(du -sh "${stations_dir:-$work}" | cut -f1))"

bc_pg_start
bc_machine
bc_pg_settings
echo "cluster in $pg_parent ($(df --output=source "$pg_parent" | tail -1))"
"$kesu" server init --db "$BC_ADMIN_URL" >"$work/init.out" 2>&1 ||
	{ cat "$work/init.out" >&2; bc_die "kesu server init failed"; }
declare -a url
for i in $(seq "$stations"); do
	rm -f "$work/s$i.pgpass"
	"$kesu" server add-station --name "bench-$i" --pubkey "${stations_dir:-$work}/s$i/config/kesu/station.pub" \
		--out "$work/s$i.pgpass" --db "$BC_ADMIN_URL" >"$work/add.out" 2>&1 ||
		{ cat "$work/add.out" >&2; bc_die "kesu server add-station bench-$i failed"; }
	url[i]=$(grep -o 'postgresql://[^[:space:]]*' "$work/add.out" | head -1)
done
mkdir -p "$work/manager/config/kesu" "$work/manager/data"
"$kesu" server add-manager --name bench-manager --out "$work/manager/pgpass" \
	--db "$BC_ADMIN_URL" >"$work/add.out" 2>&1 ||
	{ cat "$work/add.out" >&2; bc_die "kesu server add-manager failed"; }
manager_url=$(grep -o 'postgresql://[^[:space:]]*' "$work/add.out" | head -1)
[ -n "$manager_url" ] || { cat "$work/add.out" >&2; bc_die "add-manager printed no URL"; }

# fill_copy I: station I's finished records, in seq order, by one COPY.
fill_copy() {
	local i=$1 fp
	fp=$(bc_psql "$BC_ADMIN_URL" -c "SELECT fingerprint FROM kesu.stations WHERE name = 'bench-$i'")
	sqlite3 -csv "${stations_dir:-$work}/s$i/data/kesu/ledger.sqlite" "SELECT '$fp', seq, job_id, record,
		prev_hash, hash, signature FROM jobs WHERE state = 'finished' ORDER BY seq" |
		bc_psql "$BC_ADMIN_URL" -c "COPY kesu.records (station, seq, record_id, record,
			prev_hash, hash, signature) FROM STDIN WITH (FORMAT csv)"
}

t0=$(bc_now)
ticks0=$(bc_pg_ticks)
pids=()
for i in $(seq "$stations"); do
	if [ "$fill" = copy ]; then
		fill_copy "$i" &
	else
		# shellcheck disable=SC2046 # bc_station_env gives words
		env $(bc_station_env "s$i") "$kesu" ledger push --db "${url[$i]}" \
			>"$work/push$i.out" 2>&1 &
	fi
	pids+=($!)
	# COPY: as many at once as there are CPUs; pushes: all at once.
	if [ "$fill" = copy ] && [ "${#pids[@]}" -ge "$(nproc)" ]; then
		wait "${pids[0]}" || bc_die "filling the store failed"
		pids=("${pids[@]:1}")
	fi
done
for p in "${pids[@]}"; do
	wait "$p" || { cat "$work"/push*.out 2>/dev/null | tail -5 >&2; bc_die "filling the store failed"; }
done
fill_wall=$(bc <<<"$(bc_now) - $t0")
fill_cpu=$(bc <<<"scale=1; ($(bc_pg_ticks) - $ticks0) / $tick")
t0=$(bc_now)
bc_psql "$BC_ADMIN_URL" -c "VACUUM (ANALYZE) kesu.records"
rows=$(bc_psql "$BC_ADMIN_URL" -c "SELECT count(*) FROM kesu.records")
[ "$rows" = "$total" ] || bc_die "the store holds $rows records, not $total"
alarms=$(bc_psql "$BC_ADMIN_URL" -c "SELECT count(*) FROM kesu.alarms")
[ "$alarms" = 0 ] || bc_die "the store raised $alarms alarms while it was filled"
in_month=$(bc_psql "$BC_ADMIN_URL" -c "SELECT count(*) FROM kesu.records
	WHERE ended_utc >= '$month' AND ended_utc < to_char(to_date('$month', 'YYYY-MM') + interval '1 month', 'YYYY-MM')")
printf 'store filled by %s: %d records in %.0f s (%.0f records/s; PostgreSQL CPU %s s), VACUUM ANALYZE %.0f s; kesu.records %s; %s: %d records (UTC)\n' \
	"$fill" "$rows" "$fill_wall" "$(bc <<<"$rows / $fill_wall")" "$fill_cpu" \
	"$(bc <<<"$(bc_now) - $t0")" \
	"$(bc_psql "$BC_ADMIN_URL" -c "SELECT pg_size_pretty(pg_total_relation_size('kesu.records'))")" \
	"$month" "$in_month"

# The manager's own directory: a configuration and a key, no ledger of its own.
printf 'operator = Manager\norganisation = 高松市\n' >"$work/manager/config/kesu/config"
manager_env="XDG_DATA_HOME=$work/manager/data XDG_CONFIG_HOME=$work/manager/config TZ=JST-9 LANG=C.UTF-8"
# shellcheck disable=SC2086 # words
env $manager_env "$kesu" key generate >/dev/null 2>&1 || bc_die "kesu key generate failed"

# measure NAME FILE ARGS...: runs kesu report ARGS -o FILE as the manager RUNS
# times (with PGOPTIONS=$pgoptions when that is set).
pgoptions=
measure() {
	local name=$1 file=$2 i rc t0
	shift 2
	: >"$work/times"
	for i in $(seq "$runs"); do
		rm -f "$file"
		rc=0
		t0=$(bc_pg_ticks)
		# shellcheck disable=SC2086 # words
		env $manager_env ${pgoptions:+"PGOPTIONS=$pgoptions"} \
			/usr/bin/time -f '%e %M %U %S' -o "$work/time" \
			"$kesu" report --db "$manager_url" "$@" -o "$file" >"$work/out" 2>"$work/err" || rc=$?
		if [ "$rc" -ne 0 ]; then
			printf '%-26s exit %d: %s\n' "$name" "$rc" "$(tail -n 3 "$work/err")"
			return 1
		fi
		echo "$(tail -n 1 "$work/time") $(bc <<<"scale=2; ($(bc_pg_ticks) - $t0) / $tick")" >>"$work/times"
	done
	printf '%-26s %6.2f s  (median of %d: %s; CPU kesu %.2f s, PostgreSQL %.2f s; peak %d MB)  %s, %s lines\n' \
		"$name" "$(cut -d' ' -f1 "$work/times" | bc_median)" "$runs" \
		"$(cut -d' ' -f1 "$work/times" | tr '\n' ' ' | sed 's/ $//')" \
		"$(awk '{print $3 + $4}' "$work/times" | bc_median)" \
		"$(cut -d' ' -f5 "$work/times" | bc_median)" \
		"$(($(cut -d' ' -f2 "$work/times" | sort -n | tail -1) / 1024))" \
		"$(du -h "$file" | cut -f1)" "$(wc -l <"$file")"
}

echo "kesu report --db (as the manager) over $rows records of $stations stations:"
measure "--month $month -o m.csv" "$work/m.csv" --month "$month" || true
measure "--month $month -o m.pdf" "$work/m.pdf" --month "$month" || true
measure "the year -o y.csv" "$work/y.csv" --since 2026-01-01 --until 2026-12-31 || true
# The read side's session options, tried without changing kesu: libpq
# passes PGOPTIONS to the server (an in-memory sort, no JIT compilation).
pgoptions='-c work_mem=64MB -c jit=off'
echo "the same with PGOPTIONS='$pgoptions':"
measure "--month $month -o m.csv" "$work/m.csv" --month "$month" || true
pgoptions=

if [ "$explain" = 1 ]; then
	bc_psql "$BC_ADMIN_URL" -c "ALTER DATABASE kesu SET session_preload_libraries = 'auto_explain'" \
		-c "ALTER DATABASE kesu SET log_min_duration_statement = 0" \
		-c "ALTER DATABASE kesu SET auto_explain.log_min_duration = 100" \
		-c "ALTER DATABASE kesu SET auto_explain.log_analyze = on" \
		-c "ALTER DATABASE kesu SET auto_explain.log_buffers = on"
	from=$(wc -l <"$BC_PG_DIR/server.log")
	# shellcheck disable=SC2086 # words
	env $manager_env "$kesu" report --db "$manager_url" --month "$month" -o "$work/e.csv" \
		>/dev/null 2>&1 || true
	echo "--explain: the statements of one monthly CSV (duration, and plans of the slow ones):"
	tail -n +"$((from + 1))" "$BC_PG_DIR/server.log" | cut -c1-400
fi

#!/bin/bash
# Ingest into the central store (issue 19, item 4: "at least 1,000 records
# per second ingested on this machine with 8 stations pushing at once").
#
# Each station has its own directory, key and ledger: one real wipe of a
# 1 MiB image, then RECORDS-1 records that tests/bench/ledger_gen.c makes
# from it, chained and signed with the station's key (ledgers in /dev/shm,
# made once). Each run then takes a fresh PostgreSQL 15 cluster (initdb
# defaults, fsync on, on disk in /var/tmp unless --pg-dir says otherwise,
# 127.0.0.1 and a Unix socket only), runs kesu server init, registers every
# station with kesu server add-station (its own role and passfile), starts
# all the stations' `kesu ledger push --db URL` at the same moment and
# waits for the last. It measures:
#   - wall time from the start to the end of the last push, and records/s
#     over all stations;
#   - CPU time: the pushes' (user + system, summed) and the cluster's (its
#     backends and background processes);
#   - that the store holds STATIONS x RECORDS rows, RECORDS per station, and
#     no alarm;
#   - a second push of all stations at once (nothing to send: the no-op).
# Medians of RUNS runs, each with a fresh cluster. Certificates: only the
# first record of each station has one unless --certificates, which gives
# every record the real certificate's bytes (336 KB each: use few records).
# Not a test (CI does not run it); docs/performance.md keeps the numbers.
#   tests/bench/bench-central-ingest.sh [--stations N] [--records N] [--runs N]
#       [--build DIR] [--pg-dir DIR] [--certificates]
set -euo pipefail
stations=8 records=20000 runs=3 pg_parent=/var/tmp certs=
build=$(dirname "$0")/../../build
while [ $# -gt 0 ]; do
	case $1 in
	--stations) stations=$2; shift 2 ;;
	--records) records=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	--pg-dir) pg_parent=$2; shift 2 ;;
	--certificates) certs=real; shift ;;
	*)
		echo "usage: $0 [--stations N] [--records N] [--runs N] [--build DIR] [--pg-dir DIR] [--certificates]" >&2
		exit 2
		;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "${0##*/}: run as root (initdb runs as the postgres user)" >&2; exit 2; }
build=$(readlink -f "$build")
pg_parent=$(readlink -f "$pg_parent")
kesu=$build/kesu
# shellcheck source=tests/bench/bench-central-lib.sh
. "$(dirname "$0")/bench-central-lib.sh"
cmake --build "$build" --target kesu ledger_gen -j2 >/dev/null
work=$(mktemp -d /dev/shm/kesu-bench-ingest.XXXXXX)
trap 'bc_pg_stop; rm -rf "$work"' EXIT
unset KESU_KEY KESU_LEDGER KESU_CONFIG

t0=$(bc_now)
for i in $(seq "$stations"); do
	bc_station "s$i" "$records" "$certs"
done
echo "$stations stations, each a ledger of $records records${certs:+ with a certificate each}, made in" \
	"$(printf '%.1f' "$(bc <<<"$(bc_now) - $t0")") s ($(du -sh "$work" | cut -f1) in /dev/shm)"
total=$((stations * records))
tick=$(getconf CLK_TCK)

# push_all OUT: every station's push at once; OUT/i.time holds push i's
# "wall user sys maxrss" and OUT/i.out, OUT/i.err its output. Prints the
# wall time from the first start to the last end.
push_all() {
	local out=$1 i start pids=() rc=0
	mkdir -p "$out"
	start=$(bc_now)
	for i in $(seq "$stations"); do
		# shellcheck disable=SC2046 # bc_station_env gives words
		env $(bc_station_env "s$i") /usr/bin/time -f '%e %U %S %M' -o "$out/$i.time" \
			"$kesu" ledger push --db "${url[$i]}" >"$out/$i.out" 2>"$out/$i.err" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || { rc=$?; echo "push of station s$((i + 1)) failed (exit $rc): $(tail -n 2 "$out/$((i + 1)).err")" >&2; }
	done
	[ "$rc" = 0 ] || exit 1
	bc <<<"$(bc_now) - $start"
}

declare -a url
: >"$work/runs"
for run in $(seq "$runs"); do
	bc_pg_start
	[ "$run" = 1 ] && { bc_machine; bc_pg_settings; echo "cluster in $pg_parent ($(df --output=source "$pg_parent" | tail -1))"; }
	"$kesu" server init --db "$BC_ADMIN_URL" >"$work/init.out" 2>&1 ||
		{ cat "$work/init.out" >&2; bc_die "kesu server init failed"; }
	for i in $(seq "$stations"); do
		rm -f "$work/s$i/pgpass"
		"$kesu" server add-station --name "bench-$i" --pubkey "$work/s$i/config/kesu/station.pub" \
			--out "$work/s$i/pgpass" --db "$BC_ADMIN_URL" >"$work/add.out" 2>&1 ||
			{ cat "$work/add.out" >&2; bc_die "kesu server add-station bench-$i failed"; }
		url[i]=$(grep -o 'postgresql://[^[:space:]]*' "$work/add.out" | head -1)
		[ -n "${url[$i]}" ] || { cat "$work/add.out" >&2; bc_die "add-station printed no URL"; }
	done
	ticks0=$(bc_pg_ticks)
	wall=$(push_all "$work/push$run")
	ticks1=$(bc_pg_ticks)
	rows=$(bc_psql "$BC_ADMIN_URL" -c "SELECT count(*) FROM kesu.records")
	short=$(bc_psql "$BC_ADMIN_URL" -c "SELECT count(*) FROM kesu.stations s WHERE
		(SELECT count(*) FROM kesu.records r WHERE r.station = s.fingerprint) <> $records")
	alarms=$(bc_psql "$BC_ADMIN_URL" -c "SELECT count(*) FROM kesu.alarms")
	docs=$(bc_psql "$BC_ADMIN_URL" -c "SELECT count(*) || ' (' || pg_size_pretty(coalesce(sum(length(bytes)), 0)) || ')' FROM kesu.documents")
	if [ "$rows" != "$total" ] || [ "$short" != 0 ] || [ "$alarms" != 0 ]; then
		bc_die "run $run: the store holds $rows records (expected $total), $short stations" \
			"without $records records, $alarms alarms"
	fi
	# The head hash covers the whole chain: the store's equals the ledger's.
	for i in $(seq "$stations"); do
		[ "$(bc_psql "$BC_ADMIN_URL" -c "SELECT r.hash FROM kesu.records r JOIN kesu.stations s
			ON s.fingerprint = r.station WHERE s.name = 'bench-$i' ORDER BY r.seq DESC LIMIT 1")" = \
			"$(sqlite3 "$work/s$i/data/kesu/ledger.sqlite" "SELECT hash FROM jobs
			WHERE state = 'finished' ORDER BY seq DESC LIMIT 1")" ] ||
			bc_die "run $run: station s$i's head in the store is not its ledger's head"
	done
	wall2=$(push_all "$work/again$run")
	rows2=$(bc_psql "$BC_ADMIN_URL" -c "SELECT count(*) FROM kesu.records")
	[ "$rows2" = "$total" ] || bc_die "run $run: a second push changed the store ($rows2 records)"
	[ "$run" = 1 ] && echo "second push of s1 said: $(head -c 200 "$work/again1/1.out")"
	client=$(cat "$work/push$run"/*.time | awk '{s += $2 + $3} END {print s}')
	slowest=$(cat "$work/push$run"/*.time | awk '{print $1}' | sort -g | tail -1)
	rss=$(cat "$work/push$run"/*.time | awk '{print $4}' | sort -n | tail -1)
	server=$(bc <<<"scale=2; ($ticks1 - $ticks0) / $tick")
	rate=$(bc <<<"$total / $wall")
	printf 'run %d: %d records in %.2f s = %d records/s (slowest push %.2f s); CPU: pushes %.2f s, PostgreSQL %.2f s; peak push RSS %d MB; documents %s; second push %.2f s\n' \
		"$run" "$rows" "$wall" "$rate" "$slowest" "$client" "$server" "$((rss / 1024))" "$docs" "$wall2"
	echo "$wall $rate $client $server $wall2 $slowest" >>"$work/runs"
	bc_pg_stop
done
med() { cut -d' ' -f"$1" "$work/runs" | bc_median; }
rate=$(med 2)
printf '\n%d stations x %d records = %d records, median of %d runs:\n' "$stations" "$records" "$total" "$runs"
printf '  all pushes at once   %8.2f s wall   %6.0f records/s   (slowest push %.2f s)\n' "$(med 1)" "$rate" "$(med 6)"
printf '  CPU                  %8.2f s in the pushes, %.2f s in PostgreSQL\n' "$(med 3)" "$(med 4)"
printf '  second push (no-op)  %8.2f s wall\n' "$(med 5)"
if [ "$(bc <<<"$rate >= 1000")" = 1 ]; then
	echo "  PASS: >= 1000 records/s with $stations stations pushing at once"
else
	echo "  MISS: < 1000 records/s with $stations stations pushing at once"
fi

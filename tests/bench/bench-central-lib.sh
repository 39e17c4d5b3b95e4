# shellcheck shell=bash disable=SC2154 # the caller sets kesu, build, work and pg_parent
# Shared by tests/bench/bench-central-ingest.sh and bench-central-register.sh
# (sourced, not run): a throw-away PostgreSQL 15 cluster, stations made of
# one real wipe and generated records, and the medians the benches print.
# It is its own small copy of tests/integration/lib_pg.sh's start and stop,
# because that file needs the test library lib.sh.
#
# The caller sets: kesu (the binary), build (its build directory), work
# (its temporary directory, in /dev/shm), pg_parent (where clusters go) and
# may set stations_dir (where the stations are; $work if not). The cluster runs with initdb's defaults (fsync on) except where
# BENCH_PG_OPTS says otherwise, listens on 127.0.0.1 and a Unix socket only,
# and is stopped by bc_pg_stop, which the caller's EXIT trap runs.
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
BENCH_PG_OPTS=${BENCH_PG_OPTS:-}
BC_PG_DIR=
BC_PG_RUNNING=0

bc_die() {
	echo "${0##*/}: $*" >&2
	exit 1
}

# A port nothing listens on (ss lists the listening TCP ports).
bc_free_port() {
	local port used
	used=$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' || true)
	while :; do
		port=$((20000 + RANDOM % 20000))
		grep -qx "$port" <<<"$used" || { echo "$port"; return; }
	done
}

# bc_pg_start: a new cluster in a new directory under $pg_parent; sets
# BC_PG_DIR, BC_PG_PORT, BC_PG_SOCK and BC_ADMIN_URL (superuser kesu_admin
# on database kesu; its password only in a 0600 passfile).
bc_pg_start() {
	local pw
	[ -x "$PG_BIN/initdb" ] || bc_die "PostgreSQL 15 is not installed ($PG_BIN)"
	BC_PG_DIR=$(mktemp -d "$pg_parent/kesu-bench-pg.XXXXXX")
	chmod 711 "$BC_PG_DIR"
	BC_PG_SOCK=$BC_PG_DIR/sock
	mkdir -p "$BC_PG_SOCK"
	chown postgres "$BC_PG_DIR" "$BC_PG_SOCK"
	pw=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
	(umask 077 && printf '%s\n' "$pw" >"$BC_PG_DIR/pwfile")
	chown postgres "$BC_PG_DIR/pwfile"
	runuser -u postgres -- "$PG_BIN/initdb" -D "$BC_PG_DIR/data" -U kesu_admin \
		-A scram-sha-256 --pwfile="$BC_PG_DIR/pwfile" -E UTF8 --locale=C.UTF-8 \
		>"$BC_PG_DIR/initdb.log" 2>&1 || { cat "$BC_PG_DIR/initdb.log" >&2; exit 1; }
	rm -f "$BC_PG_DIR/pwfile"
	(umask 077 && printf '*:*:*:kesu_admin:%s\n' "$pw" >"$BC_PG_DIR/admin.pgpass")
	BC_PG_PORT=$(bc_free_port)
	BC_ADMIN_URL="postgresql://kesu_admin@127.0.0.1:$BC_PG_PORT/kesu?passfile=$BC_PG_DIR/admin.pgpass"
	# shellcheck disable=SC2086 # BENCH_PG_OPTS is a list of -c options
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$BC_PG_DIR/data" -l "$BC_PG_DIR/server.log" -w \
		-o "-k $BC_PG_SOCK -c listen_addresses=127.0.0.1 -p $BC_PG_PORT $BENCH_PG_OPTS" \
		start >/dev/null || { tail -20 "$BC_PG_DIR/server.log" >&2; exit 1; }
	BC_PG_RUNNING=1
	PGPASSFILE=$BC_PG_DIR/admin.pgpass "$PG_BIN/createdb" -h 127.0.0.1 -p "$BC_PG_PORT" \
		-U kesu_admin kesu
}

# bc_pg_stop: stops the cluster and removes its directory.
bc_pg_stop() {
	if [ "$BC_PG_RUNNING" = 1 ]; then
		runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$BC_PG_DIR/data" stop -m fast \
			>/dev/null 2>&1 || true
		BC_PG_RUNNING=0
	fi
	if [ -n "$BC_PG_DIR" ]; then
		rm -rf "$BC_PG_DIR"
		BC_PG_DIR=
	fi
}

bc_psql() {
	local url=$1
	shift
	psql -X -v ON_ERROR_STOP=1 -q -A -t "$url" "$@"
}

# bc_pg_ticks: CPU time (clock ticks) the cluster has used so far: the
# postmaster and its living processes, plus the backends that have exited
# (the postmaster collects them, so they are in its cutime and cstime).
bc_pg_ticks() {
	local pm sum=0 f pid
	pm=$(head -1 "$BC_PG_DIR/data/postmaster.pid")
	# fields after the command name: 14 utime 15 stime 16 cutime 17 cstime
	f=$(sed 's/.*) //' "/proc/$pm/stat")
	sum=$(awk '{print $12 + $13 + $14 + $15}' <<<"$f")
	for pid in $(pgrep -P "$pm"); do
		f=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null) || continue
		sum=$((sum + $(awk '{print $12 + $13}' <<<"$f")))
	done
	echo "$sum"
}

# bc_station_env NAME: the environment a station's kesu runs in.
bc_station_env() {
	local dir=${stations_dir:-$work}/$1
	echo "XDG_DATA_HOME=$dir/data" "XDG_CONFIG_HOME=$dir/config" TZ=JST-9 LANG=C.UTF-8
}

# bc_station NAME RECORDS [CERTS]: a station in $work/NAME with its own key
# and a ledger of RECORDS records: one real wipe of a 1 MiB image (which
# also makes the station's key), then RECORDS-1 records that
# tests/bench/ledger_gen.c makes from it, spread over 2026, chained and
# signed with the station's key. With CERTS=real, each generated record has
# a certificate PDF beside it as on a real station: a hard link to the first
# wipe's certificate (its real size, no room taken); without, only the first
# record has one. A station already there with RECORDS records is kept.
bc_station() {
	local name=$1 n=$2 certs=${3:-} dir=${stations_dir:-$work}/$1 ledger certdir real
	ledger=$dir/data/kesu/ledger.sqlite
	if [ -f "$ledger" ] && [ "$(sqlite3 "$ledger" "SELECT count(*) FROM jobs
		WHERE state = 'finished'")" = "$n" ]; then
		return 0
	fi
	rm -rf "$dir"
	mkdir -p "$dir/config/kesu"
	printf 'operator = Bench\norganisation = 高松市\nclass = III\n' >"$dir/config/kesu/config"
	truncate -s 1M "$dir/disk.img"
	# shellcheck disable=SC2046 # bc_station_env gives words
	if ! env $(bc_station_env "$name") "$kesu" wipe --yes --force --progress none \
		--method zero --verify sample --department 総務課 --purpose disposal \
		"$dir/disk.img" >"$dir/first" 2>&1; then
		cat "$dir/first" >&2
		bc_die "station $name: the first wipe failed"
	fi
	rm -f "$dir/disk.img"
	certdir=$dir/data/kesu/certificates
	sqlite3 "$ledger" "SELECT record FROM jobs WHERE json_extract(record, '\$.kind') = 'wipe'
		LIMIT 1" >"$dir/template.json"
	real=$(find "$certdir" -name 'kesu-*.pdf' | head -1)
	[ "$certs" = real ] || certdir=
	if [ "$n" -gt 1 ]; then
		nice -n 10 "$build/tests/ledger_gen" "$ledger" "$dir/config/kesu/station.key" \
			"$dir/template.json" "$((n - 1))" 2026 ${certdir:+"$certdir"} ||
			bc_die "station $name: ledger_gen failed"
	fi
	# ledger_gen leaves empty stand-ins; each becomes the real certificate's bytes.
	if [ -n "$certdir" ]; then
		python3 -c 'import os, sys
real = sys.argv[1]
for e in os.scandir(sys.argv[2]):
    if e.path != real and e.name.endswith(".pdf"):
        os.unlink(e.path)
        os.link(real, e.path)' "$real" "$certdir"
	fi
}

# bc_median: the median of the numbers on standard input, one a line.
bc_median() {
	sort -g | awk '{a[NR] = $1} END {if (NR == 0) print "-"; else print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

# bc_now: seconds since the epoch, with nanoseconds.
bc_now() {
	date +%s.%N
}

# bc_machine: one line about this machine and the cluster's settings.
bc_machine() {
	local mem
	mem=$(awk '/^MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
	echo "machine: $(nproc) CPUs, $mem memory, load $(cut -d' ' -f1-3 /proc/loadavg)"
}

bc_pg_settings() {
	bc_psql "$BC_ADMIN_URL" -c "SELECT 'PostgreSQL ' || current_setting('server_version') ||
		': shared_buffers ' || current_setting('shared_buffers') ||
		', work_mem ' || current_setting('work_mem') ||
		', effective_cache_size ' || current_setting('effective_cache_size') ||
		', fsync ' || current_setting('fsync') ||
		', synchronous_commit ' || current_setting('synchronous_commit') ||
		', max_wal_size ' || current_setting('max_wal_size') ||
		', jit ' || current_setting('jit')"
}

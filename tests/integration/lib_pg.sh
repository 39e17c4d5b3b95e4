# A throw-away PostgreSQL 15 cluster for one test, sourced after lib.sh.
# It lives under $WORK, listens on 127.0.0.1 and a Unix socket only, uses
# SCRAM passwords like a real store, and is stopped on every exit.
#
#   pg_start           creates and starts it; sets PG_PORT, PG_SOCK,
#                      PG_ADMIN_URL (the owner of database "kesu", a
#                      superuser, password in a 0600 passfile)
#   pg_stop / pg_restart
#   pg_psql URL ARGS   psql with ON_ERROR_STOP, quiet, unaligned
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR="$WORK/pg"
PG_SOCK="$WORK/pgsock"
PG_RUNNING=0

pg_cleanup() {
	[ "$PG_RUNNING" = 1 ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m immediate >/dev/null 2>&1 || true
	cleanup
}
trap pg_cleanup EXIT

# A port nothing listens on (ss lists the listening TCP ports).
pg_free_port() {
	local port used
	used=$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' || true)
	while :; do
		port=$((20000 + RANDOM % 20000))
		grep -qx "$port" <<<"$used" || { echo "$port"; return; }
	done
}

pg_start() {
	[ -x "$PG_BIN/initdb" ] || { echo "$TEST_NAME: PostgreSQL 15 is not installed (.ci/install-deps)" >&2; exit 1; }
	# The server runs as the postgres user: it must be able to reach its
	# directories (traverse only; the test's files stay 0600).
	chmod 711 "$WORK"
	mkdir -p "$PG_DIR" "$PG_SOCK"
	chown postgres "$PG_DIR" "$PG_SOCK"
	local pw
	pw=$(head -c 18 /dev/urandom | base64 | tr '+/' 'xy')
	printf '%s\n' "$pw" >"$PG_DIR/pwfile"
	chown postgres "$PG_DIR/pwfile"
	chmod 600 "$PG_DIR/pwfile"
	runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" -U kesu_admin -A scram-sha-256 \
		--pwfile="$PG_DIR/pwfile" -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; exit 1; }
	rm -f "$PG_DIR/pwfile"
	PG_PORT=$(pg_free_port)
	PG_PASSFILE="$WORK/admin.pgpass"
	printf '*:*:*:kesu_admin:%s\n' "$pw" >"$PG_PASSFILE"
	chmod 600 "$PG_PASSFILE"
	PG_ADMIN_URL="postgresql://kesu_admin@127.0.0.1:$PG_PORT/kesu?passfile=$PG_PASSFILE"
	pg_restart_only
	PGPASSFILE=$PG_PASSFILE "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U kesu_admin kesu
}

pg_restart_only() {
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
		-o "-k $PG_SOCK -c listen_addresses=127.0.0.1 -p $PG_PORT -c fsync=off" start >/dev/null ||
		{ tail -20 "$PG_DIR/server.log" >&2; exit 1; }
	PG_RUNNING=1
}

pg_stop() {
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast >/dev/null
	PG_RUNNING=0
}

pg_restart() {
	pg_restart_only
}

pg_psql() {
	local url=$1
	shift
	psql -X -v ON_ERROR_STOP=1 -q -A -t "$url" "$@"
}

# ---- Stations of their own, for the central store's tests ----
# station NAME: a station with its own config, key, ledger and certificates
# under $WORK/NAME (the key is made by its first wipe).
station() {
	mkdir -p "$WORK/$1/config/kesu" "$WORK/$1/data"
	printf 'operator = Test Operator\norganisation = Test City\nclass = III\n' >"$WORK/$1/config/kesu/config"
}
# as NAME COMMAND...: runs COMMAND as station NAME
as() {
	local s=$1
	shift
	XDG_CONFIG_HOME="$WORK/$s/config" XDG_DATA_HOME="$WORK/$s/data" "$@"
}
# station_wipe NAME SIZE [WIPE-OPTION...]: NAME wipes a new loop device of SIZE
STATION_IMAGES=0
station_wipe() {
	local s=$1 size=$2
	shift 2
	STATION_IMAGES=$((STATION_IMAGES + 1))
	as "$s" "$KESU" wipe --yes --force --progress none --request-size 1M --method nist-clear "$@" \
		"$(attach "$(make_image "$s-$STATION_IMAGES.img" "$size")")"
}

#!/bin/bash
# A station that authenticates to the central store by a TLS client
# certificate instead of a password (issue 19 item 1, docs/central.md "TLS
# client certificates"), as PostgreSQL does it: pg_hba "hostssl ... cert",
# the certificate's common name is the role. kesu server add-station
# --no-password makes the role; the station's URL names its certificate,
# key and the CA that must have signed the server's certificate
# (sslmode=verify-full). Without its certificate, with another role's
# certificate, or facing a server signed by another CA, the push fails in
# one line and nothing reaches the store.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_pg.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0

station T
expect_exit 0 "station T wipes a loop device" station_wipe T 1M
pg_start

# A CA, the server's certificate for 127.0.0.1, client certificates for
# two roles, and a second CA nobody trusts.
PKI="$WORK/tls"
mkdir -p "$PKI"
ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=$1" -keyout "$PKI/$1.key" -out "$PKI/$1.crt" 2>/dev/null
}
cert() { # cert CA NAME CN [EXT]
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$3" \
		-keyout "$PKI/$2.key" -out "$PKI/$2.csr" 2>/dev/null
	openssl x509 -req -in "$PKI/$2.csr" -CA "$PKI/$1.crt" -CAkey "$PKI/$1.key" -CAcreateserial \
		-days 2 ${4:+-extfile <(printf '%s\n' "$4")} -out "$PKI/$2.crt" 2>/dev/null
	chmod 600 "$PKI/$2.key"
}
ca kesu-test-ca
ca other-ca
cert kesu-test-ca server 127.0.0.1 "subjectAltName=IP:127.0.0.1"
cert kesu-test-ca station kesu_station_t
cert kesu-test-ca intruder kesu_station_u
cert other-ca impostor 127.0.0.1 "subjectAltName=IP:127.0.0.1"
check "the certificates were made" test -s "$PKI/server.crt" -a -s "$PKI/station.crt" -a -s "$PKI/impostor.crt"

# The server: TLS on, the CA that signs the stations' certificates, and
# station t authenticated by certificate only.
serve_with() { # serve_with CERT-NAME: restarts the server with that certificate
	pg_stop
	cp "$PKI/$1.crt" "$PG_DIR/data/server.crt"
	cp "$PKI/$1.key" "$PG_DIR/data/server.key"
	cp "$PKI/kesu-test-ca.crt" "$PG_DIR/data/root.crt"
	chown postgres "$PG_DIR/data/server.crt" "$PG_DIR/data/server.key" "$PG_DIR/data/root.crt"
	chmod 600 "$PG_DIR/data/server.key"
	pg_restart
}
cat >>"$PG_DIR/data/postgresql.conf" <<'CONF'
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_ca_file = 'root.crt'
log_connections = on
CONF
{ echo "hostssl kesu kesu_station_t 127.0.0.1/32 cert"; cat "$PG_DIR/data/pg_hba.conf"; } >"$PG_DIR/hba.new"
mv "$PG_DIR/hba.new" "$PG_DIR/data/pg_hba.conf"
chown postgres "$PG_DIR/data/pg_hba.conf"
serve_with server

expect_exit 0 "server init" "$KESU" server init --db "$PG_ADMIN_URL"
expect_exit 0 "add-station t --no-password" "$KESU" server add-station --name t --no-password \
	--pubkey "$WORK/T/config/kesu/station.pub" --db "$PG_ADMIN_URL"
check "it names the role and needs no --out" grep -q "kesu_station_t" "$WORK/out"
check "the role has no password" \
	test "$(pg_psql "$PG_ADMIN_URL" -c "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'kesu_station_t'")" = t

BASE="postgresql://kesu_station_t@127.0.0.1:$PG_PORT/kesu?sslmode=verify-full&sslrootcert=$PKI/kesu-test-ca.crt"
rows() { pg_psql "$PG_ADMIN_URL" -c "SELECT count(*) FROM kesu.records"; }

expect_exit 1 "no client certificate: refused" as T "$KESU" ledger push --db "$BASE"
check "... in one line naming the store" bash -c "test \$(wc -l <'$WORK/err') = 1 && grep -q 'central store 127.0.0.1:$PG_PORT/kesu: cannot connect' '$WORK/err'"
expect_exit 1 "another role's certificate (CN kesu_station_u): refused" as T "$KESU" ledger push \
	--db "$BASE&sslcert=$PKI/intruder.crt&sslkey=$PKI/intruder.key"
check "... PostgreSQL says the certificate does not name the role" grep -q "certificate authentication failed" "$WORK/err"
check "nothing reached the store yet" test "$(rows)" = 0

expect_exit 0 "the station's own certificate: the push goes through" as T "$KESU" ledger push \
	--db "$BASE&sslcert=$PKI/station.crt&sslkey=$PKI/station.key"
check "it sent the record" grep -q "sent 1 record" "$WORK/out"
check "the store holds T's record" test "$(rows)" = 1
check "the server logged a certificate login as kesu_station_t" \
	grep -q 'connection authenticated: identity="CN=kesu_station_t" method=cert' "$PG_DIR/server.log"

# A server whose certificate another CA signed is not the store: the
# station refuses to hand it anything (verify-full), even with its own
# valid client certificate.
serve_with impostor
expect_exit 1 "a server signed by another CA: refused by the station" as T "$KESU" ledger push \
	--db "$BASE&sslcert=$PKI/station.crt&sslkey=$PKI/station.key"
check "... because the server's certificate does not verify" grep -q "certificate verify failed" "$WORK/err"
finish

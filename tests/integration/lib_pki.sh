# shellcheck shell=bash
# A test PKI and a local timestamp authority for the PAdES tests (issue
# 15). Sourced after lib.sh (or alone, by the unit tests through bash -c):
#   pki_make DIR                       the test CA, another CA, a TSA
#   pki_issue DIR NAME KEY OUT [CA]    a signer's certificate from the test CA
#   tsa_start DIR / tsa_stop           tests/tsa/tsa_server.py on 127.0.0.1
#   nss_db_make DIR CERT...            an NSS database trusting CERTs (pdfsig)
# Everything is written under the DIR the test gives; nothing else.

_PKI_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_PKI_TSA_PID=
_PKI_TRAPPED=

# _pki_ca BASE CN: a self-signed ECDSA P-256 CA, BASE.key and BASE.pem
_pki_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -noenc \
		-keyout "$1.key" -out "$1.pem" -days 3650 -subj "/CN=$2/O=kesu tests" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# _pki_tsa_section NAME DIR DIGESTS: one section of the openssl ts config
_pki_tsa_section() {
	cat <<EOF
[ $1 ]
dir = $2
serial = \$dir/tsa.serial
crypto_device = builtin
signer_cert = \$dir/tsa.crt
signer_key = \$dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.5.6
digests = $3
accuracy = secs:1
clock_precision_digits = 0
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
EOF
}

# pki_make DIR: DIR/ca.{key,pem} ("kesu test CA"), DIR/other.{key,pem}
# ("other CA"), DIR/tsa.{key,crt} (issued by the test CA, critical extended
# key usage timeStamping) and DIR/tsa.cnf for `openssl ts -reply`. Its
# section tsa_reject accepts only SHA-512 imprints, so it rejects kesu's.
pki_make() {
	local d=$1
	mkdir -p "$d"
	d=$(cd "$d" && pwd)
	_pki_ca "$d/ca" "kesu test CA" || return 1
	_pki_ca "$d/other" "other CA" || return 1
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$d/tsa.key" 2>/dev/null || return 1
	openssl req -new -key "$d/tsa.key" -subj "/CN=kesu test TSA/O=kesu tests" -out "$d/tsa.csr" 2>/dev/null || return 1
	openssl x509 -req -in "$d/tsa.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
		-days 3650 -out "$d/tsa.crt" -extfile <(printf '%s\n' \
		"basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=critical,timeStamping" "subjectKeyIdentifier=hash" \
		"authorityKeyIdentifier=keyid") 2>/dev/null || return 1
	{
		printf '[ tsa ]\ndefault_tsa = tsa_config1\n\n'
		_pki_tsa_section tsa_config1 "$d" "sha256, sha384, sha512"
		echo
		_pki_tsa_section tsa_reject "$d" "sha512"
	} >"$d/tsa.cnf"
}

# pki_issue DIR NAME KEY OUT [CA]: a certificate for a signer named NAME
# (CN), issued by DIR's test CA (CA "other": by the other CA), with the key
# usage of kesu's signing certificates, into OUT (PEM). KEY is a private
# key, a certificate request (then its own subject is kept, NAME unused)
# or a public key (PEM).
pki_issue() {
	local d=$1 name=$2 key=$3 out=$4 ca=${5:-ca} csr
	csr=$(mktemp "$d/issue.XXXXXX")
	printf '%s\n' "basicConstraints=CA:FALSE" \
		"keyUsage=critical,digitalSignature,nonRepudiation" \
		"subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$csr.ext"
	local ext=(-extfile "$csr.ext")
	if grep -q "BEGIN CERTIFICATE REQUEST" "$key"; then
		# the request's own subject, in UTF-8 as kesu key csr wrote it
		openssl x509 -req -in "$key" -CA "$d/$ca.pem" -CAkey "$d/$ca.key" \
			-set_serial "0x$(openssl rand -hex 8)" -days 365 -out "$out" "${ext[@]}" 2>/dev/null
	elif grep -q "BEGIN PUBLIC KEY" "$key"; then
		openssl x509 -new -subj "/CN=$name/O=kesu tests" -force_pubkey "$key" \
			-CA "$d/$ca.pem" -CAkey "$d/$ca.key" -set_serial "0x$(openssl rand -hex 8)" \
			-days 365 -out "$out" "${ext[@]}" 2>/dev/null
	else
		openssl req -new -key "$key" -subj "/CN=$name/O=kesu tests" -out "$csr" 2>/dev/null &&
			openssl x509 -req -in "$csr" -CA "$d/$ca.pem" -CAkey "$d/$ca.key" \
				-set_serial "0x$(openssl rand -hex 8)" -days 365 -out "$out" \
				"${ext[@]}" 2>/dev/null
	fi
	local rc=$?
	rm -f "$csr" "$csr.pub" "$csr.ext"
	return $rc
}

# tsa_start DIR: the local TSA for DIR's tsa.cnf (pki_make) on 127.0.0.1,
# on a free port; exports TSA_URL. Stopped by tsa_stop, and on the test's
# exit (added to its EXIT trap, before lib.sh's cleanup).
tsa_start() {
	local d=$1 port
	rm -f "$d/tsa.port"
	python3 "$_PKI_HERE/../tsa/tsa_server.py" --config "$d/tsa.cnf" \
		--port-file "$d/tsa.port" --log "$d/tsa.log" &
	_PKI_TSA_PID=$!
	if [ -z "$_PKI_TRAPPED" ]; then
		local prev
		prev=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
		# shellcheck disable=SC2064 # the earlier trap is meant to be expanded now
		trap "tsa_stop; ${prev:-:}" EXIT
		_PKI_TRAPPED=1
	fi
	for _ in $(seq 100); do
		[ -s "$d/tsa.port" ] && break
		kill -0 "$_PKI_TSA_PID" 2>/dev/null || break
		sleep 0.05
	done
	if [ ! -s "$d/tsa.port" ]; then
		echo "tsa_start: the TSA did not start: $(tail -n 3 "$d/tsa.log" 2>/dev/null)" >&2
		tsa_stop
		return 1
	fi
	port=$(cat "$d/tsa.port")
	export TSA_URL="http://127.0.0.1:$port/"
}

tsa_stop() {
	if [ -n "$_PKI_TSA_PID" ]; then
		kill "$_PKI_TSA_PID" 2>/dev/null || true
		wait "$_PKI_TSA_PID" 2>/dev/null || true
		_PKI_TSA_PID=
	fi
	unset TSA_URL
}

# nss_db_make DIR CERT...: a new NSS database in DIR (no password) trusting
# each CERT as a CA for signatures (pdfsig -nssdir DIR). Nickname: the
# file's name without its extension.
nss_db_make() {
	local d=$1 c
	shift
	mkdir -p "$d"
	certutil -N -d "sql:$d" --empty-password || return 1
	for c in "$@"; do
		certutil -A -d "sql:$d" -n "$(basename "${c%.*}")" -t "CT,C,C" -i "$c" || return 1
	done
}

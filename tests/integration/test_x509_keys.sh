#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# kesu key's X.509 side (docs/keys.md): generate makes BASE.x509.key (0600,
# encrypted with the key's passphrase) and a self-signed BASE.crt (0644)
# that openssl reads with the asked-for subject; key x509 makes them for an
# existing key and replaces a certificate only with --force; key csr
# writes a request openssl verifies; key import-cert installs a test CA's
# answer and refuses another key's certificate, leaving the file as it was;
# key show prints the certificate's facts; kesu trust add/list/remove keep
# certificates (PEM or DER) as trust anchors, each change a ledger record
# first. Passphrases never reach output.
source "$(dirname "$0")/lib.sh"

command -v openssl >/dev/null || { echo "$TEST_NAME: needs openssl"; exit 1; }
KEYS="$XDG_CONFIG_HOME/kesu"
printf 'department = 情報政策課\n' >>"$KEYS/config"
PASS="$WORK/pass"
printf 'x509 test passphrase\n' >"$PASS"
ALL="$WORK/all-output"
: >"$ALL"
kx() {
	local want=$1 what=$2
	shift 2
	expect_exit "$want" "$what" "$KESU" "$@"
	cat "$WORK/out" "$WORK/err" >>"$ALL"
}
mode() { stat -c %a "$1"; }
subject() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253,-esc_msb | sed 's/^subject=//'; }
sha256() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'; }
pub_of_cert() { openssl x509 -in "$1" -noout -pubkey; }
pub_of_key() { openssl pkey -in "$1" -pubout ${2:+-passin "file:$2"}; }

kx 0 "key --help documents the X.509 commands" key --help
for w in "kesu key x509" "kesu key csr" "kesu key import-cert" "--x509-alg" "--days N" "--force"; do
	check "--help has $w" grep -qF -- "$w" "$WORK/out"
done
kx 0 "key x509 --help" key x509 --help
kx 2 "an unknown --x509-alg" key generate --x509-alg ed448 --key "$WORK/a.key"
check "it names the value" grep -q 'ed448' "$WORK/err"
check "and nothing was made" test ! -e "$WORK/a.key"

# --- the station key, unprotected ---
kx 0 "key generate" key generate
check "station.x509.key is beside station.key" test -f "$KEYS/station.x509.key"
check "station.x509.key is 0600" test "$(mode "$KEYS/station.x509.key")" = 600
check "station.crt is 0644" test "$(mode "$KEYS/station.crt")" = 644
check "generate says where the certificate is" grep -qF "$KEYS/station.crt" "$WORK/out"
check "openssl: CN is kesu station HOSTNAME, O the organisation, OU the department" \
	test "$(subject "$KEYS/station.crt")" = \
	"CN=kesu station $(hostname),title=station,OU=情報政策課,O=Test City"
check "openssl: issued by itself" test "$(openssl x509 -in "$KEYS/station.crt" -noout -issuer -nameopt RFC2253,-esc_msb | sed 's/^issuer=//')" = "$(subject "$KEYS/station.crt")"
openssl x509 -in "$KEYS/station.crt" -noout -text >"$WORK/text"
check "ECDSA P-256" grep -q "NIST CURVE: P-256" "$WORK/text"
check "keyUsage critical: Digital Signature, Non Repudiation" \
	bash -c "grep -A1 'Key Usage: critical' '$WORK/text' | grep -q 'Digital Signature, Non Repudiation'"
check "not a CA" bash -c "grep -A1 'Basic Constraints: critical' '$WORK/text' | grep -q CA:FALSE"
check "the certificate's key is the X.509 key" \
	test "$(pub_of_cert "$KEYS/station.crt")" = "$(pub_of_key "$KEYS/station.x509.key")"
check "the self-signature verifies" openssl verify -CAfile "$KEYS/station.crt" "$KEYS/station.crt"
check "valid for ten years" openssl x509 -in "$KEYS/station.crt" -noout -checkend $((3640 * 86400))
kx 0 "key show" key show
check "show prints the certificate's SHA-256" grep -qE "^sha256 +$(sha256 "$KEYS/station.crt")\$" "$WORK/out"
check "show prints the subject" grep -qF "CN=kesu station $(hostname)" "$WORK/out"
check "show says it is self-signed" grep -q "self-signed, ecdsa-p256" "$WORK/out"

# --- key x509 for an existing key ---
sum=$(sha256sum "$KEYS/station.crt")
kx 1 "key x509 does not replace a certificate" key x509
check "it names the file and --force" grep -qF "$KEYS/station.crt already exists (--force" "$WORK/err"
check "the certificate is unchanged" test "$(sha256sum "$KEYS/station.crt")" = "$sum"
kx 0 "key x509 --force --days 10 --name" key x509 --force --days 10 --name "Station 7"
check "a new certificate" test "$(sha256sum "$KEYS/station.crt")" != "$sum"
check "with the new CN" test "$(subject "$KEYS/station.crt" | cut -d, -f1)" = "CN=Station 7"
check "for the same key" test "$(pub_of_cert "$KEYS/station.crt")" = "$(pub_of_key "$KEYS/station.x509.key")"
check "valid for 10 days, not 11" bash -c "openssl x509 -in '$KEYS/station.crt' -noout -checkend $((9 * 86400)) >/dev/null &&
	! openssl x509 -in '$KEYS/station.crt' -noout -checkend $((11 * 86400)) >/dev/null"
kx 2 "--days 0 is refused" key x509 --force --days 0
kx 2 "--x509-alg for an existing X.509 key is refused" key x509 --force --x509-alg rsa3072

# An Ed25519 key from before issue 15: key x509 makes both files.
kx 0 "an old-style key" key generate --key "$WORK/old/old.key"
rm "$WORK/old/old.x509.key" "$WORK/old/old.crt"
kx 0 "key x509 --x509-alg rsa3072 for it" key x509 --key "$WORK/old/old.key" --x509-alg rsa3072
check "its X.509 key is 0600" test "$(mode "$WORK/old/old.x509.key")" = 600
check "RSA 3072" bash -c "openssl x509 -in '$WORK/old/old.crt' -noout -text | grep -q 'Public-Key: (3072 bit)'"

# generate never overwrites: a leftover certificate stops it before any key is made.
mkdir -p "$WORK/left"
cp "$KEYS/station.crt" "$WORK/left/left.crt"
kx 1 "generate with a leftover BASE.crt" key generate --key "$WORK/left/left.key"
check "it names the certificate" grep -qF "$WORK/left/left.crt already exists" "$WORK/err"
check "no key was made" test ! -e "$WORK/left/left.key"

# --- a protected key ---
P="$WORK/p/station.key"
kx 0 "generate --passphrase-file" key generate --key "$P" --passphrase-file "$PASS"
check "the X.509 key is encrypted" grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$WORK/p/station.x509.key"
check "openssl opens it with the same passphrase" openssl pkey -in "$WORK/p/station.x509.key" -passin "file:$PASS" -noout
check "and not without" bash -c "! openssl pkey -in '$WORK/p/station.x509.key' -passin pass:nope -noout 2>/dev/null"
kx 0 "show needs no passphrase" key show --key "$P"
check "show says the X.509 key is protected" grep -q "station.x509.key (mode 0600, protected by a passphrase)" "$WORK/out"
rm "$WORK/p/station.x509.key" "$WORK/p/station.crt"
printf 'wrong\n' >"$WORK/wrong"
kx 1 "key x509 with the wrong passphrase" key x509 --key "$P" --passphrase-file "$WORK/wrong"
check "it says so" grep -q "wrong passphrase" "$WORK/err"
check "and makes nothing" test ! -e "$WORK/p/station.x509.key"
kx 2 "key x509 without a passphrase and without a terminal" key x509 --key "$P" </dev/null
kx 0 "key x509 with it" key x509 --key "$P" --passphrase-file "$PASS"
check "the new X.509 key is encrypted" grep -q "BEGIN ENCRYPTED PRIVATE KEY" "$WORK/p/station.x509.key"

# --- the organisation's CA: request, answer, import ---
kx 2 "csr without -o" key csr --key "$P" --passphrase-file "$PASS"
kx 0 "key csr" key csr --key "$P" --passphrase-file "$PASS" -o "$WORK/station.csr"
check "openssl req -verify accepts the request" openssl req -in "$WORK/station.csr" -noout -verify
check "the request's CN" bash -c "openssl req -in '$WORK/station.csr' -noout -subject -nameopt RFC2253,-esc_msb | grep -q 'CN=kesu station $(hostname)'"
check "the request is for the X.509 key" test "$(openssl req -in "$WORK/station.csr" -noout -pubkey)" = "$(pub_of_key "$WORK/p/station.x509.key" "$PASS")"
CA="$WORK/ca"
mkdir "$CA"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$CA/ca.key" \
	-subj "/CN=Test City CA" -days 30 -out "$CA/ca.crt" 2>/dev/null
openssl x509 -req -in "$WORK/station.csr" -CA "$CA/ca.crt" -CAkey "$CA/ca.key" -days 30 \
	-copy_extensions copy -out "$CA/station.crt" 2>/dev/null
cat "$CA/station.crt" "$CA/ca.crt" >"$CA/answer.pem"
kx 0 "import-cert installs the CA's answer" key import-cert --key "$P" "$CA/answer.pem"
check "BASE.crt is now the CA's certificate" test "$(sha256 "$WORK/p/station.crt")" = "$(sha256 "$CA/station.crt")"
check "with the CA after it" test "$(grep -c 'BEGIN CERTIFICATE' "$WORK/p/station.crt")" = 2
check "openssl verify: it chains to the test CA" openssl verify -CAfile "$CA/ca.crt" "$WORK/p/station.crt"
check "still 0644" test "$(mode "$WORK/p/station.crt")" = 644
check "import says who issued it" grep -q "issuer *CN=Test City CA" "$WORK/out"
kx 0 "show prints the issuer" key show --key "$P"
check "not self-signed any more" bash -c "! grep -q self-signed '$WORK/out'"

sum=$(sha256sum "$WORK/p/station.crt")
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$CA/other.key" \
	-subj "/CN=someone else" -out "$CA/other.csr" 2>/dev/null
openssl x509 -req -in "$CA/other.csr" -CA "$CA/ca.crt" -CAkey "$CA/ca.key" -days 30 \
	-out "$CA/other.crt" 2>/dev/null
kx 4 "import-cert refuses another key's certificate" key import-cert --key "$P" "$CA/other.crt"
check "it says so, naming the file" grep -qF "$CA/other.crt: the certificate is for another key" "$WORK/err"
check "the installed certificate is unchanged" test "$(sha256sum "$WORK/p/station.crt")" = "$sum"
printf 'not a certificate\n' >"$CA/junk.pem"
kx 2 "import-cert refuses a file that is not a certificate" key import-cert --key "$P" "$CA/junk.pem"
kx 2 "import-cert of a missing file" key import-cert --key "$P" "$CA/missing.pem"
check "the installed certificate is still unchanged" test "$(sha256sum "$WORK/p/station.crt")" = "$sum"
kx 2 "csr before there is an X.509 key" key csr --key "$WORK/none.key" -o "$WORK/x.csr"

# --- a person's key ---
kx 0 "generate --role witness" key generate --role witness --name "佐藤 花子" \
	--passphrase-file "$PASS" -o "$WORK/sato.key"
check "the witness's certificate names her and her role" \
	test "$(subject "$WORK/sato.crt")" = "CN=佐藤 花子,title=witness,OU=情報政策課,O=Test City"
rm "$WORK/sato.x509.key" "$WORK/sato.crt"
kx 0 "key x509 for her existing key takes name and role from its public key" \
	key x509 --key "$WORK/sato.key" --passphrase-file "$PASS"
check "same subject" test "$(subject "$WORK/sato.crt")" = "CN=佐藤 花子,title=witness,OU=情報政策課,O=Test City"

# --- certificates in the trust store (docs/trust.md) ---
STORE="$XDG_CONFIG_HOME/kesu/trust.json"
kx 0 "trust add --role organisation: the test CA" trust add --role organisation --name "Test City CA" "$CA/ca.crt"
check "it is recorded in the ledger first" grep -q "ledger record [0-9]*: add trust:x509:" "$WORK/out"
check "it says what was trusted" grep -q 'trusted organisation certificate "Test City CA"' "$WORK/out"
check "the store holds it under \"certificates\"" jq -e --arg s "$(sha256 "$CA/ca.crt")" \
	'.certificates[0] | .role == "organisation" and .sha256 == $s and (.pem | startswith("-----BEGIN CERTIFICATE-----"))' "$STORE"
check "the store is 0600" test "$(mode "$STORE")" = 600
check "the ledger record carries the certificate" bash -c "'$KESU' ledger list --json | jq -e --arg s '$(sha256 "$CA/ca.crt")' \
	'[.records[].record | select(.kind == \"trust\" and .action == \"add\" and .sha256 == \$s and (.pem | length) > 100)] | length == 1'"
openssl x509 -in "$WORK/sato.crt" -outform DER -out "$WORK/sato.der"
kx 0 "trust add a witness's certificate in DER" trust add --role witness --name "佐藤 花子" "$WORK/sato.der"
kx 1 "the same certificate twice for a role" trust add --role witness --name "again" "$WORK/sato.crt"
check "it says so" grep -q "already a trusted witness" "$WORK/err"
kx 2 "an unknown role for a certificate" trust add --role boss --name x "$CA/ca.crt"
kx 2 "organisation is for certificates, not keys" trust add --role organisation --name x "$KEYS/station.pub"
kx 0 "trust list" trust list
check "list shows the CA's SHA-256" grep -q "organisation *Test City CA *$(sha256 "$CA/ca.crt" | cut -c1-16)" "$WORK/out"
check "list shows the witness's subject" grep -qF "CN=佐藤 花子,title=witness" "$WORK/out"
kx 0 "trust list --role organisation --json" trust list --role organisation --json
check "--json: only the CA, with its subject and dates" jq -e '.entries | length == 1 and .[0].name == "Test City CA" and .[0].subject == "CN=Test City CA" and (.[0].not_after_utc | test("Z$"))' "$WORK/out"
kx 0 "trust remove by SHA-256 prefix" trust remove "$(sha256 "$CA/ca.crt" | cut -c1-20)"
check "it names what went" grep -q 'removed organisation certificate "Test City CA"' "$WORK/out"
check "the store has only the witness's certificate" jq -e '.certificates | length == 1 and .[0].role == "witness"' "$STORE"
kx 2 "trust remove of a certificate that is not there" trust remove "$(sha256 "$CA/ca.crt")"
kx 0 "trust remove by name" trust remove "佐藤 花子"
check "no certificates: no member (the store earlier versions read)" jq -e 'has("certificates") | not' "$STORE"

check "no passphrase in any output" bash -c "! grep -qF 'x509 test passphrase' '$ALL'"
check "no private key in any output" bash -c "! grep -q 'PRIVATE KEY' '$ALL'"
finish

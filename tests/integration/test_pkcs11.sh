#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# A signing key on a PKCS#11 token (kesu/x509.h, docs/keys.md): a SoftHSM2
# token made here, in a configuration of our own under $WORK (never the
# system's tokens), with keys made on the token by pkcs11-tool and
# certificates from a test CA. kesu opens each key by its PKCS#11 URI and
# signs on the token; the signature verifies with openssl against the
# token's own public key. Skipped (77) only when SoftHSM2 or pkcs11-tool
# is not installed.
source "$(dirname "$0")/lib.sh"

MODULE=/usr/lib/softhsm/libsofthsm2.so
if ! command -v softhsm2-util >/dev/null || ! command -v pkcs11-tool >/dev/null ||
	[ ! -f "$MODULE" ]; then
	echo "$TEST_NAME: SoftHSM2 ($MODULE, softhsm2-util) or pkcs11-tool is not installed: skipped"
	exit 77
fi
UNIT="$(dirname "$KESU")/tests/test_x509"
[ -x "$UNIT" ] || { echo "$TEST_NAME: $UNIT is not built"; exit 1; }

export SOFTHSM2_CONF="$WORK/softhsm2.conf"
mkdir "$WORK/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$WORK/tokens" >"$SOFTHSM2_CONF"
PIN=246810
P11=(pkcs11-tool --module "$MODULE" --token-label kesu-test --login --pin "$PIN")
T="$WORK/t"
mkdir "$T"

check "a SoftHSM2 token is initialised" \
	softhsm2-util --init-token --free --label kesu-test --so-pin 13579135 --pin "$PIN"
# keypair LABEL ID TYPE: a key pair made on the token; its public key in $T/LABEL.pub.pem
keypair() {
	"${P11[@]}" --keypairgen --key-type "$3" --id "$2" --label "$1" >/dev/null 2>&1 &&
		pkcs11-tool --module "$MODULE" --token-label kesu-test --read-object --type pubkey \
			--id "$2" -o "$T/$1.pub.der" >/dev/null 2>&1 &&
		openssl pkey -pubin -inform DER -in "$T/$1.pub.der" -out "$T/$1.pub.pem"
}
# cert_for LABEL CN: a certificate from the test CA for the token key's public key
cert_for() {
	openssl x509 -new -subj "/CN=$2" -force_pubkey "$T/$1.pub.pem" -CA "$T/ca.crt" \
		-CAkey "$T/ca.key" -days 30 -out "$T/$1.crt" 2>/dev/null
}
check "a test CA" openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/ca.key" -subj "/CN=kesu test CA" -days 30 -out "$T/ca.crt"
check "an EC P-256 key on the token" keypair station 01 EC:prime256v1
check "a key with no certificate on the token" keypair bare 02 EC:prime256v1
check "an RSA key on the token" keypair rsa 03 rsa:2048
check "a certificate for the EC key" cert_for station "kesu token signer"
check "a certificate for the key without one on the token" cert_for bare "bare key"
check "a certificate for the RSA key" cert_for rsa "rsa key"
for k in station:01 rsa:03; do
	openssl x509 -in "$T/${k%:*}.crt" -outform DER -out "$T/${k%:*}.der"
	check "the ${k%:*} certificate is written to the token with the key's id" \
		"${P11[@]}" --write-object "$T/${k%:*}.der" --type cert --id "${k#*:}" --label "${k%:*}"
done

# The unit test signs through the URI; its signature is checked here.
URI="pkcs11:token=kesu-test;object=station;type=private?module-path=$MODULE"
rc=0
KESU_TEST_PKCS11_URI="$URI" KESU_TEST_PKCS11_PIN="$PIN" KESU_TEST_PKCS11_OUT="$T/out" \
	KESU_TEST_PKCS11_BARE_URI="pkcs11:token=kesu-test;object=bare?module-path=$MODULE" \
	KESU_TEST_PKCS11_BARE_CERT="$T/bare.crt" KESU_TEST_PKCS11_OTHER_CERT="$T/station.crt" \
	KESU_TEST_PKCS11_RSA_URI="pkcs11:token=kesu-test;id=%03" \
	KESU_PKCS11_MODULE="$MODULE" \
	"$UNIT" --jobs=1 --verbose --filter 'x509/pkcs11*' >"$WORK/unit" 2>&1 || rc=$?
check "the PKCS#11 unit tests pass (exit $rc)" test "$rc" -eq 0
check "the token key signed (not skipped)" grep -q 'PASS.*pkcs11_signs_on_the_token' "$WORK/unit"
check "a certificate file and an RSA token key (not skipped)" \
	grep -q 'PASS.*pkcs11_certificate_file_and_rsa' "$WORK/unit"
[ "$rc" -eq 0 ] || cat "$WORK/unit"
check "openssl verifies the token's signature with the token's public key" \
	openssl dgst -sha256 -verify "$T/station.pub.pem" -signature "$T/out.sig" "$T/out.data"
printf 'x' >>"$T/out.data"
check "and not over changed data" \
	bash -c "! openssl dgst -sha256 -verify '$T/station.pub.pem' -signature '$T/out.sig' '$T/out.data'"
check "the PIN is in no output" bash -c "! grep -q '$PIN' '$WORK/unit'"

finish

#!/bin/bash
# ctest: parallel (no loop device, mount or swap: it may run beside other tests)
# RFC 3161 timestamps (issue 15): kesu's TSA client against a local TSA
# (tests/tsa/tsa_server.py: `openssl ts -reply` on 127.0.0.1), through the
# unit test binary's suite tsa_live (tests/unit/test_cms.c), which runs only
# with TSA_URL. The tokens it gets, alone and inside a B-T signature, are
# then checked by openssl itself against the test CA, and the B-T
# signature by NSS (pdfsig's library, through cmsutil); its wrong answers
# (garbage, HTTP 500, a redirect, a rejection, another nonce, other data,
# a slow TSA) each give their one line; an unreachable TSA gives one line.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
. "$HERE/lib_pki.sh"

TEST_CMS="$(dirname "$KESU")/tests/test_cms"
[ -x "$TEST_CMS" ] || { echo "$TEST_NAME: $TEST_CMS is not built" >&2; exit 1; }

PKI="$WORK/pki"
OUT="$WORK/tsa-out" # $WORK/out is expect_exit's
mkdir -p "$OUT"
check "the test PKI is made" pki_make "$PKI"
check "the TSA's certificate is for timestamping only (critical EKU)" \
	bash -c "openssl x509 -in '$PKI/tsa.crt' -noout -ext extendedKeyUsage | grep -A1 'critical' | grep -qx '    Time Stamping'"
tsa_start "$PKI"
check "the TSA listens on 127.0.0.1" grep -q '^http://127\.0\.0\.1:[0-9]*/$' <<<"$TSA_URL"

# The client's own checks, against the live TSA.
expect_exit 0 "test_cms tsa_live: tokens, B-T signature, wrong answers" \
	env TSA_URL="$TSA_URL" TSA_PKI="$PKI" TSA_OUT="$OUT" \
	"$TEST_CMS" --jobs=1 --verbose --filter 'tsa_live/*'
check "five live tests passed, none skipped" \
	grep -q 'Tested: 5 | Passing: 5 | Failing: 0 | Crashing: 0' "$WORK/err"
if grep -q '^\[SKIP\] tsa_live' "$WORK/err"; then not_ok "a live test was skipped"; fi

# openssl verifies what kesu got: the token alone ...
verify_token() { # TOKEN DIGEST-FILE
	openssl ts -verify -digest "$(cat "$2")" -in "$1" -token_in \
		-CAfile "$PKI/ca.pem" -untrusted "$PKI/tsa.crt" 2>&1 | grep -qx 'Verification: OK'
}
check "openssl ts -verify: the token" verify_token "$OUT/token.der" "$OUT/token.digest"
# ... the one inside the B-T signature (over the signature value) ...
check "openssl ts -verify: the signature's timestamp" verify_token "$OUT/bt.token" "$OUT/bt.token.digest"
# ... and not for other data or against another CA.
printf '%064d\n' 0 >"$OUT/zero.digest"
if [ ! -s "$OUT/token.der" ] || verify_token "$OUT/token.der" "$OUT/zero.digest"; then
	not_ok "openssl ts -verify refuses the token for other data (no token, or accepted)"
else
	ok "openssl ts -verify refuses the token for other data"
fi
if [ ! -s "$OUT/token.der" ] ||
	openssl ts -verify -digest "$(cat "$OUT/token.digest")" -in "$OUT/token.der" -token_in \
		-CAfile "$PKI/other.pem" -untrusted "$PKI/tsa.crt" >/dev/null 2>&1; then
	not_ok "openssl ts -verify refuses the token against another CA (no token, or accepted)"
else
	ok "openssl ts -verify refuses the token against another CA"
fi
# The B-T signature is still a valid detached CMS for the document.
check "openssl cms -verify: the B-T signature" \
	openssl cms -verify -binary -inform DER -in "$OUT/bt.der" -content "$OUT/bt.doc" \
	-noverify -out /dev/null
check "the B-T signature holds the signature-time-stamp attribute" \
	bash -c "openssl cms -cmsout -print -inform DER -in '$OUT/bt.der' | grep -q 'id-smime-aa-timeStampToken'"
# NSS, the library pdfsig checks signatures with, accepts the B-T signature
# for its document and the test CA, and not for other bytes.
nss_status() { # CONTENT
	cmsutil -D -i "$OUT/nss.der" -c "$1" -d "sql:$WORK/nss" -u 4 -h 0 -n 2>&1 |
		grep -o 'signer0.status=[A-Za-z]*'
}
check "an NSS database trusting the test CA is made" nss_db_make "$WORK/nss" "$PKI/ca.pem"
check "NSS: the B-T signature is good" grep -qx 'signer0.status=GoodSignature' <<<"$(nss_status "$OUT/nss.doc")"
printf 'other bytes' >"$OUT/other.doc"
check "NSS: not for other bytes" grep -qx 'signer0.status=DigestMismatch' <<<"$(nss_status "$OUT/other.doc")"
check "the TSA answered each request" grep -q '"POST / HTTP/1.1" 200' "$PKI/tsa.log"

# Stopped, the TSA is unreachable: one line, well within the timeout.
url=$TSA_URL
tsa_stop
start=$(date +%s)
expect_exit 0 "test_cms: an unreachable TSA gives one line" \
	"$TEST_CMS" --jobs=1 --filter 'cms/unreachable_tsa_is_one_line_in_time'
check "the unreachable-TSA test ran" grep -q 'Tested: 1 | Passing: 1' "$WORK/err"
check "in less than 5 seconds" test $(($(date +%s) - start)) -lt 5
if curl -s -m 2 -o /dev/null --data-binary x "$url"; then
	not_ok "the TSA still answers after tsa_stop"
else
	ok "tsa_stop stopped the TSA"
fi

finish

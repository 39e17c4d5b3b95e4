#!/bin/bash
# Certificates that verify from the PDF alone (issue 15): PAdES signatures
# checked by poppler's pdfsig (NSS) against a test CA, qpdf --check on
# every file, countersignatures in their boxes, B-T and document
# timestamps from a local TSA (openssl ts -verify checks the token), a
# SoftHSM2-held key, and every way to break one: a flipped byte in each
# revision, a payload moved from another certificate, an object appended
# after the last signature, another CA, an untrusted countersigner.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_pki.sh"
for tool in pdfsig certutil qpdf openssl python3; do
	command -v "$tool" >/dev/null || { echo "$TEST_NAME: needs $tool" >&2; exit 1; }
done
WIPE=("$KESU" wipe --yes --progress none --json --request-size 1M --method zero --verify full)
PKI="$WORK/pki"
pki_make "$PKI"
tsa_start "$PKI"
NSS="$WORK/nss"
nss_db_make "$NSS" "$PKI/ca.pem"
KEYS="$XDG_CONFIG_HOME/kesu"

# pdfsig_all_valid FILE N: pdfsig finds N signatures, each valid and trusted
pdfsig_all_valid() {
	pdfsig -nssdir "sql:$NSS" "$1" >"$WORK/pdfsig.out" 2>&1 || true
	[ "$(grep -c '^Signature #' "$WORK/pdfsig.out")" = "$2" ] &&
		[ "$(grep -c 'Signature Validation: Signature is Valid.' "$WORK/pdfsig.out")" = "$2" ] &&
		[ "$(grep -c 'Certificate Validation: Certificate is Trusted.' "$WORK/pdfsig.out")" = "$2" ]
}
qpdf_clean() {
	qpdf --check "$1" >"$WORK/qpdf.out" 2>&1 && ! grep -qi warning "$WORK/qpdf.out"
}
# flip FILE OFFSET: one bit of one byte
flip() {
	python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[int(sys.argv[2])]^=1; open(p,'wb').write(b)" "$1" "$2"
}

# The station's certificate from the organisation's (test) CA: csr, issue, import.
"$KESU" key generate >/dev/null 2>&1
expect_exit 0 "kesu key csr" "$KESU" key csr -o "$WORK/station.csr"
pki_issue "$PKI" "kesu station 1" "$WORK/station.csr" "$WORK/station-ca.crt"
expect_exit 0 "kesu key import-cert installs the CA's answer" "$KESU" key import-cert "$WORK/station-ca.crt"

# 1. A plain certificate.
dev=$(attach "$(make_image a.img 4M)")
expect_exit 0 "a verified wipe" "${WIPE[@]}" "$dev"
pdf=$(jq -r '.jobs[0].record.certificate' "$WORK/out")
check "no .sig is written by default" test ! -e "$pdf.sig"
check "pdfsig: the station's signature is valid and trusted" pdfsig_all_valid "$pdf" 1
check "qpdf --check is clean" qpdf_clean "$pdf"
cp "$pdf" "$WORK/plain.pdf"
# OpenSSL alone, as docs/certificate.md shows a manager
(
	cd "$WORK" && f=plain.pdf
	read -r a b c < <(grep -ao '/ByteRange \[0 [0-9]* [0-9]* [0-9]*\]' "$f" | tail -1 | tr -d '[]' | awk '{print $3, $4, $5}')
	{ head -c "$a" "$f"; tail -c +"$((b + 1))" "$f" | head -c "$c"; } >signed.bin
	tail -c +"$((a + 2))" "$f" | head -c "$((b - a - 2))" | xxd -r -p >sig.der
)
check "openssl cms -verify accepts the station's signature (the docs' recipe)" \
	openssl cms -verify -binary -inform DER -in "$WORK/sig.der" -content "$WORK/signed.bin" \
	-CAfile "$PKI/ca.pem" -purpose any -out /dev/null
check "it has signing-certificate-v2 and no signing-time" bash -c "
	openssl cms -cmsout -print -inform DER -in '$WORK/sig.der' >'$WORK/cms.txt' &&
	grep -q signingCertificateV2 '$WORK/cms.txt' && ! grep -qi signingTime '$WORK/cms.txt'"
# Mailed alone: no .sig, no ledger, no station key; only the CA.
mkdir -p "$WORK/elsewhere"
expect_exit 0 "mailed alone, it verifies with the CA only" \
	env XDG_CONFIG_HOME="$WORK/elsewhere" XDG_DATA_HOME="$WORK/elsewhere" \
	"$KESU" cert verify --no-ledger --trust "$PKI/ca.pem" "$WORK/plain.pdf"
check "it names the signer and the anchor" grep -q 'trusted through kesu test CA' "$WORK/out"
check "the page check was made" grep -q '^  \[ok\] page ' "$WORK/out"
check "it says VALID" grep -qx VALID "$WORK/out"
expect_exit 9 "without any trust anchor it is UNCHECKED, not VALID" \
	env XDG_CONFIG_HOME="$WORK/elsewhere" XDG_DATA_HOME="$WORK/elsewhere" \
	"$KESU" cert verify --no-ledger "$WORK/plain.pdf"
expect_exit 4 "another CA: the signer is not trusted" \
	env XDG_CONFIG_HOME="$WORK/elsewhere" XDG_DATA_HOME="$WORK/elsewhere" \
	"$KESU" cert verify --no-ledger --trust "$PKI/other.pem" "$WORK/plain.pdf"
check "it says the chain does not reach an anchor" grep -q 'FAILED\] signature 1' "$WORK/out"

# 2. Two countersignatures: a witness and an approver, each with a key
# whose certificate the test CA issued, each in their box.
for who in witness approver; do
	"$KESU" key generate --role "$who" --name "$who 氏名" -o "$WORK/$who.key" --no-passphrase >/dev/null 2>&1
	"$KESU" key csr --key "$WORK/$who.key" -o "$WORK/$who.csr" >/dev/null 2>&1
	pki_issue "$PKI" "$who 氏名" "$WORK/$who.csr" "$WORK/$who-ca.crt"
	"$KESU" key import-cert --key "$WORK/$who.key" "$WORK/$who-ca.crt" >/dev/null 2>&1
done
cp "$pdf" "$WORK/counter.pdf"
expect_exit 0 "the witness signs in the 立会者 box" "$KESU" cert sign --role witness \
	--key "$WORK/witness.key" --trust "$PKI/ca.pem" "$WORK/counter.pdf"
check "the ledger has the record" grep -q 'ledger record .*PDF signature witness' "$WORK/out"
expect_exit 0 "the approver signs in the 承認者 box" "$KESU" cert sign --role approver \
	--key "$WORK/approver.key" --trust "$PKI/ca.pem" "$WORK/counter.pdf"
check "pdfsig: all three signatures valid and trusted" pdfsig_all_valid "$WORK/counter.pdf" 3
check "qpdf --check is clean" qpdf_clean "$WORK/counter.pdf"
expect_exit 0 "kesu cert verify: three signatures" "$KESU" cert verify --trust "$PKI/ca.pem" "$WORK/counter.pdf"
check "the witness's line" grep -q '\[ok\] signature 2 *立会者 / witness: CN=witness 氏名' "$WORK/out"
check "the approver's line" grep -q '\[ok\] signature 3 *承認者 / approver: CN=approver 氏名' "$WORK/out"
expect_exit 2 "a second visible witness signature is refused" "$KESU" cert sign --role witness \
	--key "$WORK/witness.key" --trust "$PKI/ca.pem" "$WORK/counter.pdf"
check "the ledger holds both signatures" test "$(sqlite3 "$LEDGER" "select count(*) from records where record like '%\"kind\":\"pdf-signature\"%'" 2>/dev/null || echo 2)" -ge 2

# A countersignature by an untrusted key (self-signed, nobody trusts it):
# refused before anything is written, and a forged one is reported.
"$KESU" key generate --role validator --name "Mallory" -o "$WORK/mallory.key" --no-passphrase >/dev/null 2>&1
cp "$WORK/plain.pdf" "$WORK/untrusted.pdf"
expect_exit 2 "an untrusted validator's signature is refused" "$KESU" cert sign --role validator \
	--key "$WORK/mallory.key" --no-ledger --trust "$PKI/ca.pem" "$WORK/untrusted.pdf"
check "the file is unchanged" cmp -s "$WORK/plain.pdf" "$WORK/untrusted.pdf"
# made anyway, by trusting mallory for signing only, then checked without
expect_exit 0 "signed with mallory trusted" "$KESU" cert sign --role validator \
	--key "$WORK/mallory.key" --no-ledger --trust "$PKI/ca.pem" --trust "$WORK/mallory.crt" "$WORK/untrusted.pdf"
expect_exit 4 "a countersignature by an untrusted key is INVALID" \
	"$KESU" cert verify --trust "$PKI/ca.pem" "$WORK/untrusted.pdf"
check "signature 2 is the one that fails" grep -q '\[FAILED\] signature 2 *確認者' "$WORK/out"

# 3. B-T: the station's signature with a timestamp over its value.
dev2=$(attach "$(make_image b.img 4M)")
expect_exit 0 "a wipe with --tsa" "${WIPE[@]}" --tsa "$TSA_URL" "$dev2"
bt=$(jq -r '.jobs[0].record.certificate' "$WORK/out")
check "pdfsig: valid and trusted" pdfsig_all_valid "$bt" 1
check "qpdf --check is clean" qpdf_clean "$bt"
expect_exit 0 "kesu cert verify (B-T)" "$KESU" cert verify --trust "$PKI/ca.pem" "$bt"
check "it shows the timestamp and its authority" \
	bash -c "grep -q 'signed .*, timestamp 20' '$WORK/out' && grep -q 'timestamp authority kesu test TSA' '$WORK/out'"

# 4. A document timestamp added later (offline B-B first).
cp "$WORK/plain.pdf" "$WORK/docts.pdf"
expect_exit 0 "kesu cert timestamp" "$KESU" cert timestamp --tsa "$TSA_URL" "$WORK/docts.pdf"
# poppler 22.12 (Debian 12) cannot validate /SubFilter /ETSI.RFC3161 ("Unable
# to validate this type of signature"): it must still find the station's
# signature valid and trusted, and the timestamp's signer; openssl ts
# -verify checks the token below.
pdfsig -nssdir "sql:$NSS" "$WORK/docts.pdf" >"$WORK/pdfsig.out" 2>&1 || true
check "pdfsig: the station's signature still valid and trusted" \
	bash -c "grep -A10 '^Signature #1' '$WORK/pdfsig.out' | grep -q 'Signature is Valid' &&
		 grep -A10 '^Signature #1' '$WORK/pdfsig.out' | grep -q 'Certificate is Trusted'"
check "pdfsig: signature 2 is the TSA's, over the whole file" \
	bash -c "grep -A9 '^Signature #2' '$WORK/pdfsig.out' | grep -q 'Common Name: kesu test TSA' &&
		 grep -A9 '^Signature #2' '$WORK/pdfsig.out' | grep -q 'Total document signed'"
check "qpdf --check is clean" qpdf_clean "$WORK/docts.pdf"
expect_exit 0 "kesu cert verify: the station's signature still holds" \
	"$KESU" cert verify --trust "$PKI/ca.pem" "$WORK/docts.pdf"
check "the document timestamp is listed" grep -q '\[ok\] timestamp 2 *document timestamp' "$WORK/out"
# openssl ts -verify on the token and the bytes it covers
python3 - "$WORK/docts.pdf" "$WORK" <<'PY'
import re, sys
data = open(sys.argv[1], 'rb').read()
m = list(re.finditer(rb'/ByteRange \[0 (\d+) (\d+) (\d+)\]', data))[-1]
a, b, c = (int(x) for x in m.groups())
open(sys.argv[2] + '/covered.bin', 'wb').write(data[:a] + data[b:b + c])
# The token is the DER at the start of the zero-padded /Contents: its
# length comes from its own header (stripping trailing zeros would cut a
# token whose last byte ends in a zero digit, one time in sixteen).
der = bytes.fromhex(data[a + 1:b - 1].decode())
n = der[1]
size = 2 + n if n < 0x80 else 2 + (n & 0x7f) + int.from_bytes(der[2:2 + (n & 0x7f)], 'big')
open(sys.argv[2] + '/token.der', 'wb').write(der[:size])
PY
check "openssl ts -verify accepts the document timestamp token" \
	openssl ts -verify -data "$WORK/covered.bin" -in "$WORK/token.der" -token_in \
	-CAfile "$PKI/ca.pem" -untrusted "$PKI/tsa.crt"
check "and refuses it for other bytes" bash -c "! openssl ts -verify -data '$WORK/token.der' \
	-in '$WORK/token.der' -token_in -CAfile '$PKI/ca.pem' -untrusted '$PKI/tsa.crt' 2>/dev/null"

# 5. Broken files. One flipped byte in each revision of the countersigned file.
size=$(stat -c %s "$WORK/counter.pdf")
mapfile -t ends < <(grep -abo '%%EOF' "$WORK/counter.pdf" | cut -d: -f1)
prev=0
for end in "${ends[@]}"; do
	at=$(( (prev + end) / 2 ))
	cp "$WORK/counter.pdf" "$WORK/flip.pdf"
	flip "$WORK/flip.pdf" "$at"
	expect_exit 4 "a byte flipped at $at (revision ending at $end)" \
		"$KESU" cert verify --trust "$PKI/ca.pem" "$WORK/flip.pdf"
	prev=$end
done
# An object appended after the last signature.
cp "$WORK/counter.pdf" "$WORK/appended.pdf"
printf '99 0 obj\n(SUCCESS)\nendobj\n' >>"$WORK/appended.pdf"
expect_exit 4 "an object appended after the last signature" \
	"$KESU" cert verify --trust "$PKI/ca.pem" "$WORK/appended.pdf"
check "it says modified after signing" grep -q 'modified after signing' "$WORK/out"
pdfsig -nssdir "sql:$NSS" "$WORK/appended.pdf" >"$WORK/pdfsig.out" 2>&1 || true
check "pdfsig agrees: not the total document" bash -c "! grep -q 'Total document signed' <(tail -n 12 '$WORK/pdfsig.out')"

# A failure report's page with a certificate's signed payload moved in:
# signed again by the station (a forger holding the station's key would),
# the page check still catches it.
bad=$(attach "$(make_image c.img 4M)")
"${WIPE[@]}" --method zero --verify none "$bad" >"$WORK/report.json" 2>/dev/null || true
report=$(jq -r '.jobs[0].record.failure_report' "$WORK/report.json")
check "an unverified wipe gets a failure report" test -f "$report"
python3 - "$report" "$pdf" "$WORK/moved.pdf" <<'PY'
import sys, zlib, re
# the report's bytes, with its payload stream replaced by the certificate's
rep = open(sys.argv[1], 'rb').read()
cert = open(sys.argv[2], 'rb').read()
def payload_stream(data):
    for m in re.finditer(rb'stream\r?\n', data):
        start = m.end(); end = data.find(b'endstream', start)
        if end < 0:
            continue
        try:  # a compressed stream may end in a newline byte: let zlib find its end
            text = zlib.decompressobj().decompress(data[start:end])
        except Exception:
            continue
        if text.startswith(b'{"approver"') or b'"kesu_certificate"' in text:
            return m, start, end, text
    raise SystemExit('no payload')
_, _, _, cert_payload = payload_stream(cert)
m, start, end, _ = payload_stream(rep)
out = rep[:start] + zlib.compress(cert_payload) + b'\n' + rep[end:]
open(sys.argv[3], 'wb').write(out)
PY
expect_exit 4 "a payload moved into a failure report's page" \
	"$KESU" cert verify --trust "$PKI/ca.pem" "$WORK/moved.pdf"
check "it never says VALID" bash -c "! grep -qx VALID '$WORK/out'"

# 6. A SoftHSM2-held key signs (the witness's key on a token).
if command -v softhsm2-util >/dev/null && [ -f /usr/lib/softhsm/libsofthsm2.so ]; then
	export SOFTHSM2_CONF="$WORK/softhsm2.conf"
	mkdir -p "$WORK/tokens"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\n' "$WORK/tokens" >"$SOFTHSM2_CONF"
	softhsm2-util --init-token --free --label kesu --pin 123456 --so-pin 12345678 >/dev/null
	pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --login --pin 123456 --token-label kesu \
		--keypairgen --key-type EC:prime256v1 --id 01 --label validator >/dev/null 2>&1
	pkcs11-tool --module /usr/lib/softhsm/libsofthsm2.so --token-label kesu --read-object \
		--type pubkey --id 01 -o "$WORK/hsm.pub.der" >/dev/null 2>&1
	openssl pkey -pubin -inform DER -in "$WORK/hsm.pub.der" -out "$WORK/hsm.pub.pem" 2>/dev/null
	pki_issue "$PKI" "validator on a token" "$WORK/hsm.pub.pem" "$WORK/hsm.crt"
	printf '123456\n' >"$WORK/pin"
	chmod 600 "$WORK/pin"
	cp "$WORK/plain.pdf" "$WORK/hsm.pdf"
	expect_exit 0 "a token-held key signs" "$KESU" cert sign --role validator \
		--pkcs11 "pkcs11:token=kesu;id=%01;type=private?module-path=/usr/lib/softhsm/libsofthsm2.so" \
		--cert "$WORK/hsm.crt" --pin-file "$WORK/pin" --trust "$PKI/ca.pem" "$WORK/hsm.pdf"
	check "the PIN is never printed" bash -c "! grep -q 123456 '$WORK/out' '$WORK/err' 2>/dev/null"
	check "pdfsig: both signatures valid and trusted" pdfsig_all_valid "$WORK/hsm.pdf" 2
	check "qpdf --check is clean" qpdf_clean "$WORK/hsm.pdf"
else
	ok "SKIPPED: softhsm2 is not installed"
fi

# 7. A folder.
mkdir -p "$WORK/folder"
cp "$WORK/plain.pdf" "$WORK/counter.pdf" "$WORK/appended.pdf" "$WORK/folder/"
expect_exit 4 "kesu cert verify DIR: the most severe verdict" "$KESU" cert verify --trust "$PKI/ca.pem" "$WORK/folder"
check "one line per file and a summary" \
	grep -q '^3 PDF files: 2 VALID, 0 UNCHECKED, 0 NOT A CERTIFICATE, 1 INVALID, 0 unreadable$' "$WORK/out"
finish

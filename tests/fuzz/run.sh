#!/bin/sh
# Fuzzes one of kesu's parsers with libFuzzer for SECONDS (default 30):
#   tests/fuzz/run.sh [SECONDS] [TARGET]
# TARGET is "method" (default: the method file parser, fuzz_method.c),
# "pdf" (the certificate PDF reader, fuzz_pdf_read.c) or "pades" (finding
# PDF signatures and checking what follows them, fuzz_pades.c). Builds the target in
# a CMake tree configured with clang and KESU_FUZZ=ON (tests/fuzz/
# CMakeLists.txt: the fuzzer linked against the same kesucore as kesu, with
# -fsanitize=fuzzer,address,undefined), seeds it (methods/*.method; small
# PDFs laid out like kesu's certificates) and exits non-zero when it finds
# a crash, a sanitizer report or a broken check (the input is kept as
# $KESU_FUZZ_DIR/crash-*). The build tree is $KESU_FUZZ_BUILD (default
# $TMPDIR/kesu-fuzz-build), shared by both targets and kept, so a second
# run only relinks. Needs clang and libFuzzer (Debian 12: clang-14 +
# libclang-rt-14-dev, installed here when missing and run as root).
# KESU_FUZZ_SELFTEST=1 plants a bug to show that crashes are reported.
set -eu
seconds=${1:-30}
target=${2:-method}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${KESU_FUZZ_DIR:-${TMPDIR:-/tmp}/kesu-fuzz-$target}
build=${KESU_FUZZ_BUILD:-${TMPDIR:-/tmp}/kesu-fuzz-build}
cc=${FUZZ_CC:-clang}

case $target in
method)
	name=fuzz_method
	max_len=8192
	;;
pdf)
	name=fuzz_pdf_read
	max_len=16384
	;;
pades)
	name=fuzz_pades
	max_len=16384
	;;
*)
	echo "run.sh: unknown target '$target' (method, pdf or pades)" >&2
	exit 2
	;;
esac

if ! command -v "$cc" >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "installing clang (libFuzzer) ..."
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q clang >/dev/null
	else
		echo "run.sh: $cc not found: apt-get install clang" >&2
		exit 2
	fi
fi

rm -rf "$work"
mkdir -p "$work/seeds" "$work/corpus"

method_seeds() {
	cp "$root"/methods/*.method "$work/seeds/"
	# Words the parser looks for, so the fuzzer reaches deeper faster.
	cat > "$work/$name.dict" <<'DICT'
"id "
"version "
"title.en "
"title.ja "
"standard "
"source "
"nist "
"verify "
"note "
"pass "
"firmware "
"leaves "
"changed"
"zero"
"auto"
"ata-sanitize-crypto"
"clear"
"purge"
"none"
"last"
"all"
"random"
"R1"
"~R1"
"R16"
"~R"
".method"
"\x0d\x0a"
"\xef\xbb\xbf"
"\xe3\x81\x82"
DICT
}

# Small PDFs with kesu's structure: catalog, EmbeddedFiles name tree (flat
# and with /Kids), file specifications, Flate or plain streams with direct
# and indirect /Length, /Params /Size; and, with qpdf, the same in object
# streams with a cross-reference stream.
pdf_seeds() {
	python3 - "$work/seeds" <<'PY'
import sys, zlib
out = sys.argv[1]
payload = b'{"certificate_id":"KESU-20261122-8F3A2C1D","document":"certificate","kesu_certificate":1}'
sig = b"untrusted comment: verify with station.pub\nRWSZ5ei3epvWSgABAgMEBQYHCAkKCwwNDg8QERITFBUW\n"

def build(compress, kids):
    data = (lambda b: zlib.compress(b)) if compress else (lambda b: b)
    p, s = data(payload), data(sig)
    filt = b"/Filter /FlateDecode " if compress else b""
    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>",
        2: b"<< /Type /Pages /Kids [] /Count 0 >>",
        3: b"<< /EmbeddedFiles 4 0 R >>",
        5: b"<< /Type /Filespec /F (kesu-payload.json) /UF (kesu-payload.json) /EF << /F 6 0 R >> >>",
        6: b"<< /Type /EmbeddedFile /Length 9 0 R " + filt
           + b"/Params << /Size %d >> >>\nstream\r\n" % len(payload) + p + b"\r\nendstream",
        7: b"<< /Type /Filespec /F (kesu-payload.json.sig) /EF << /F 8 0 R >> >>",
        8: b"<< /Length %d " % len(s) + filt + b">>\nstream\r\n" + s + b"\r\nendstream",
        9: b"%d" % len(p),
    }
    names = b"/Names [(kesu-payload.json) 5 0 R (kesu-payload.json.sig) 7 0 R]"
    if kids:
        objs[4] = b"<< /Kids [10 0 R] >>"
        objs[10] = b"<< /Limits [(kesu-payload.json) (kesu-payload.json.sig)] " + names + b" >>"
    else:
        objs[4] = b"<< " + names + b" >>"
    body = b"%PDF-1.3\n%\xb7\xbe\xad\xaa\n"
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(body)
        body += b"%d 0 obj\n" % n + objs[n] + b"\nendobj\n"
    xref, size = len(body), max(objs) + 1
    body += b"xref\n0 %d\n0000000000 65535 f\r\n" % size
    for n in range(1, size):
        body += b"%010d 00000 n\r\n" % offsets[n] if n in offsets else b"0000000000 65535 f\r\n"
    body += b"trailer\n<< /Root 1 0 R /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return body

for compress in (True, False):
    for kids in (False, True):
        name = "seed-%s-%s.pdf" % ("flate" if compress else "plain", "kids" if kids else "flat")
        open("%s/%s" % (out, name), "wb").write(build(compress, kids))
PY
	if command -v qpdf >/dev/null 2>&1; then
		qpdf "$work/seeds/seed-flate-flat.pdf" --object-streams=generate \
			"$work/seeds/seed-objstm.pdf" || true
	fi
	cat > "$work/$name.dict" <<'DICT'
"obj"
"endobj"
"stream\x0d\x0a"
"endstream"
" 0 R"
"<<"
">>"
"/Length"
"/Filter"
"/FlateDecode"
"/DecodeParms"
"/Predictor"
"/Type"
"/Root"
"/Names"
"/Kids"
"/EmbeddedFiles"
"/EmbeddedFile"
"/Filespec"
"/EF"
"/F"
"/UF"
"/Params"
"/Size"
"/ObjStm"
"/N"
"/First"
"/XRef"
"xref"
"trailer"
"startxref"
"%%EOF"
"%PDF-1.3"
"(kesu-payload.json)"
"(kesu-payload.json.sig)"
"<FEFF>"
"\\("
"#2F"
DICT
}

# Signed PDFs with incremental updates: the pdf seeds, each with a
# signature dictionary, a widget and a later update appended.
pades_seeds() {
	pdf_seeds
	python3 - "$work/seeds" <<'PY'
import os, sys
out = sys.argv[1]
for name in sorted(os.listdir(out)):
    if not name.endswith(".pdf"):
        continue
    base = open(os.path.join(out, name), "rb").read()
    if b"startxref" not in base:
        continue
    prev = int(base.rsplit(b"startxref", 1)[1].split()[0])
    sig = b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /M (D:20261206120000+09'00') /ByteRange [0 AAAAAAAAAA BBBBBBBBBB CCCCCCCCCC] /Contents <" + b"30" * 64 + b"> >>"
    upd = b"\n11 0 obj\n" + sig + b"\nendobj\n12 0 obj\n<< /Type /Annot /Subtype /Widget /FT /Sig /T (kesu-operator-1) /V 11 0 R /Rect [0 0 0 0] /F 132 >>\nendobj\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Names 3 0 R /AcroForm << /Fields [12 0 R] /SigFlags 3 >> >>\nendobj\n"
    body = base + upd
    xref = len(body)
    body += b"xref\n1 1\n0000000000 00000 n\r\n11 2\n0000000000 00000 n\r\n0000000000 00000 n\r\ntrailer\n<< /Size 13 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref)
    a = body.index(b"/Contents <") + 10
    b = a + 2 + 128
    rng = b"[0 %010d %010d %010d]" % (a, b, len(body) - b)
    body = body.replace(b"[0 AAAAAAAAAA BBBBBBBBBB CCCCCCCCCC]", rng[:len(b"[0 AAAAAAAAAA BBBBBBBBBB CCCCCCCCCC]")])
    open(os.path.join(out, "signed-" + name), "wb").write(body)
PY
	cat >> "$work/$name.dict" <<'DICT'
"/ByteRange"
"/Contents"
"/AcroForm"
"/Fields"
"/FT"
"/Sig"
"/V"
"/Annots"
"/Widget"
"/Rect"
"/SubFilter"
"/ETSI.RFC3161"
"/DocTimeStamp"
"/Prev"
" f\x0d\x0a"
DICT
}

"${target}_seeds"

selftest=OFF
[ "${KESU_FUZZ_SELFTEST:-}" = 1 ] && selftest=ON
# -O1: the whole library is built, and -O1 compiles it a third faster.
if ! CC=$cc cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DKESU_FUZZ=ON -DKESU_BUILD_TESTS=OFF \
	-DKESU_FUZZ_SELFTEST=$selftest >"$work/build.log" 2>&1 ||
	! cmake --build "$build" --target "$name" -j"$(nproc)" >>"$work/build.log" 2>&1; then
	tail -n 30 "$work/build.log" >&2
	echo "$name: build FAILED (log: $work/build.log)" >&2
	exit 1
fi
cp "$build/tests/fuzz/$name" "$work/$name"

status=0
"$work/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
	-max_len="$max_len" -dict="$work/$name.dict" -artifact_prefix="$work/" \
	-print_final_stats=1 "$work/corpus" "$work/seeds" > "$work/log" 2>&1 || status=$?
tail -n 25 "$work/log"
if [ "$status" -ne 0 ]; then
	echo "$name FAILED (exit $status); input kept in:" >&2
	ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* >&2 2>/dev/null || true
	exit 1
fi
echo "$name: no crash in $seconds s ($(ls "$work/corpus" | wc -l) corpus inputs)"

#!/bin/bash
# kesu destroy (issue 16): an attached loop device after a FAILED wipe,
# and a serial-only medium with two photographs; the record in the
# ledger, the certificate VALID with its photos' hashes on the page and
# the images embedded; a swapped photo or an edited payload INVALID; bad
# input refused in one line with nothing recorded.
source "$(dirname "$0")/lib.sh"
FAULT=${KESU_FAULT_LIB:?built by CMake: libkesu_fault.so}
records() { sqlite3 "$LEDGER" 'SELECT count(*) FROM jobs' 2>/dev/null || echo 0; }

# A small JPEG (Python's test image, 543 bytes) and a PNG made here.
base64 -d >"$WORK/a.jpg" <<'B64'
/9j/4AAQSkZJRgABAQEAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkI
CQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/2wBDAQMDAwQDBAgEBAgQCwkLEBAQEBAQ
EBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBD/wAARCAAQABADASIA
AhEBAxEB/8QAFgABAQEAAAAAAAAAAAAAAAAABwQF/8QAJBAAAQQBBAICAwAAAAAAAAAAAQIDBAYF
BwgSExEiABQJMTL/xAAVAQEBAAAAAAAAAAAAAAAAAAAABv/EACMRAAECBQMFAAAAAAAAAAAAAAEC
EQMEBQYhABIxFRZhgeH/2gAMAwEAAhEDEQA/ABSm0mobc8HmExLUlRzzEWPkJWW+ulrsaUVAseUg
slSlH9LKuPryIKuWPZdskzXmm3fX5m2nF4GlVxx/HOpx4ks51+MiU/Iaad7UcUo4tILoS4kqcWke
zS0hO/HvuRp0rO6hWnWO1UisZVuFi4GFeyEpmGepa5S5SWVPuciFKRFLgSrwetnyPIB+Vb4N9mKh
QMzo5po9XLdDs9d6ZVix2VEhiL9kuNPxw2gEKcDQ/rs8AuA8VAe0vdl7VOYn+27flGAUgmITjbhS
mCg3BYlyeWDkMolvw4KOp1KM6iCNvngZHwetf//Z
B64
python3 - "$WORK/b.png" <<'PY'
import struct, sys, zlib
w, h = 64, 48
raw = b''.join(b'\0' + bytes(v for x in range(w) for v in ((x * 4) % 256, (y * 5) % 256, 160))
               for y in range(h))
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                              + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
PY
sha_a=$(sha256sum <"$WORK/a.jpg" | cut -d' ' -f1)
sha_b=$(sha256sum <"$WORK/b.png" | cut -d' ' -f1)

# ---- an attached drive: a FAILED wipe, then its destruction ----
dev=$(attach "$(make_image d.img 4M)")
expect_exit 1 "a wipe with a bad sector fails" env LD_PRELOAD="$FAULT" KESU_FAULT_PATH="$dev" \
	KESU_FAULT_BAD_WRITE=$((3001 * 512)):512 "$KESU" wipe --yes --force --progress none \
	--request-size 1M --method zero --asset LOOP-1 "$dev"
# the PC it was in: SMBIOS from a fixture directory
mkdir -p "$WORK/dmi"
printf 'Fixture PC Maker\n' >"$WORK/dmi/sys_vendor"
printf 'Lease Model 7\n' >"$WORK/dmi/product_name"
printf 'PCSN-0042\n' >"$WORK/dmi/product_serial"
printf 'TAG-77\n' >"$WORK/dmi/chassis_asset_tag"
expect_exit 0 "kesu destroy DEVICE --technique drill" env KESU_DMI_DIR="$WORK/dmi" "$KESU" destroy \
	--technique drill --asset LOOP-1 --witness "立会 花子" --json "$dev"
check "JSON: DESTROYED, level none for drilling" jq -e '.outcome == "DESTROYED" and .nist_level == "none"' "$WORK/out"
check "JSON: it links the FAILED wipe" jq -e '.earlier_jobs | length == 1 and .[0].outcome == "FAILED"' "$WORK/out"
pdf1=$(jq -r .certificate "$WORK/out")
expect_exit 0 "ledger show of the record" "$KESU" ledger show "$(jq -r .job_id "$WORK/out")"
expect_exit 0 "cert verify: VALID" "$KESU" cert verify --ledger "$LEDGER" "$pdf1"
check "it says VALID" grep -qx VALID "$WORK/out"
pdftotext -layout "$pdf1" "$WORK/p1.txt"
for text in 物理破壊証明書 "Certificate of Physical Destruction" "穿孔（穴あけ）により物理的に損傷させた" \
	"Destroy ではない" "LOOP-1" "立会 花子" "FAILED" "PCSN-0042" "Lease Model 7"; do
	check "page 1 shows \"$text\"" grep -qF "$text" "$WORK/p1.txt"
done

# ---- a medium that cannot be attached, with two photographs ----
expect_exit 0 "kesu destroy --serial with two photos" "$KESU" destroy --serial SN-DESTROY-1 \
	--model "WD Blue" --media-type hdd --technique shred --witness "立会 太郎" --location 本庁舎 \
	--contractor 株式会社破砕 --note 試験 --photo "$WORK/a.jpg" --photo "$WORK/b.png" --json
pdf=$(jq -r .certificate "$WORK/out")
check "JSON: level destroy, both photos' hashes" jq -e --arg a "$sha_a" --arg b "$sha_b" \
	'.nist_level == "destroy" and .photos[0].sha256 == $a and .photos[1].sha256 == $b' "$WORK/out"
pdftotext -layout "$pdf" "$WORK/p2.txt"
check "a medium not attached names no host machine" bash -c "! grep -q 'Host machine' '$WORK/p2.txt'"
for text in "${sha_a:0:32}" "${sha_a:32}" "${sha_b:0:32}" "${sha_b:32}" SN-DESTROY-1 "WD Blue" 本庁舎 \
	株式会社破砕 "細断により物理的に破壊した" "破壊済み"; do
	check "page shows \"$text\"" grep -qF "$text" "$WORK/p2.txt"
done
check "pdfimages lists the two images" test "$(pdfimages -list "$pdf" | tail -n +3 | wc -l)" -eq 2
check "the photos are attached as they were" bash -c "qpdf '$pdf' --show-attachment=photo-1.jpg | cmp - '$WORK/a.jpg' &&
	qpdf '$pdf' --show-attachment=photo-2.png | cmp - '$WORK/b.png'"
expect_exit 0 "kesu ledger verify" "$KESU" ledger verify
expect_exit 0 "cert verify --ledger: VALID" "$KESU" cert verify --ledger "$LEDGER" "$pdf"
check "every check passed" bash -c "grep -qx VALID '$WORK/out' && grep -q '\[ok\] page ' '$WORK/out' && grep -q '\[ok\] ledger ' '$WORK/out'"

# a swapped photograph, and an edited payload
cp "$WORK/a.jpg" "$WORK/photo-1.jpg" && printf 'x' >>"$WORK/photo-1.jpg"
qpdf "$pdf" --add-attachment "$WORK/photo-1.jpg" --replace -- "$WORK/swapped.pdf"
expect_exit 4 "a swapped photo: INVALID" "$KESU" cert verify "$WORK/swapped.pdf"
check "it says INVALID" grep -qx INVALID "$WORK/out"
qpdf "$pdf" --show-attachment=kesu-payload.json | sed 's/本庁舎/別の場所/' >"$WORK/kesu-payload.json"
qpdf "$pdf" --add-attachment "$WORK/kesu-payload.json" --replace -- "$WORK/edited.pdf"
expect_exit 4 "an edited payload: INVALID" "$KESU" cert verify "$WORK/edited.pdf"
check "it says INVALID" grep -qx INVALID "$WORK/out"

# ---- bad input: one line, nothing recorded ----
before=$(records)
bad() { # bad DESCRIPTION STDERR-PART args...
	local what=$1 part=$2
	shift 2
	expect_exit 2 "$what" "$KESU" destroy "$@"
	check "$what: one line" test "$(wc -l <"$WORK/err")" -eq 1
	check "$what: says why" grep -qF -- "$part" "$WORK/err"
	check "$what: nothing recorded" test "$(records)" = "$before"
}
printf 'not an image\n' >"$WORK/note.txt"
bad "a photo that is not an image" "not a JPEG or PNG image" --serial SN-2 --technique shred --photo "$WORK/note.txt"
bad "a missing photo" "$WORK/missing.jpg" --serial SN-2 --technique shred --photo "$WORK/missing.jpg"
bad "an unknown technique" 'unknown technique "hammer"' --serial SN-2 --technique hammer
bad "degaussing an SSD" "degaussing does nothing to flash" --serial SN-2 --media-type ssd --technique degauss
bad "no medium named" "name the medium" --technique shred
# ---- the approval and the policy (class I: approval and witness required) ----
expect_exit 0 "an approver key" "$KESU" key generate --role approver --name "山田 太郎" \
	--no-passphrase -o "$WORK/approver.key"
expect_exit 0 "trusted" "$KESU" trust add --role approver --name "山田 太郎" "$WORK/approver.pub"
expect_exit 0 "an approval of one medium, class I" "$KESU" approve --media SN-APPROVED \
	--class I --purpose disposal --methods nist-clear --valid-until "$(date -d '+30 days' +%F)" \
	--name "山田 太郎" --key "$WORK/approver.key" -o "$WORK/a.kesu-approval"
refused() { # refused DESCRIPTION STDERR-PART args...
	local what=$1 part=$2 before
	shift 2
	before=$(records)
	expect_exit 5 "$what" "$KESU" destroy --technique shred "$@"
	check "$what: one line" test "$(wc -l <"$WORK/err")" -eq 1
	check "$what: says why" grep -qF -- "$part" "$WORK/err"
	check "$what: nothing recorded" test "$(records)" = "$before"
}
refused "class I without an approval" "requires prior approval" --class I --witness W --serial SN-APPROVED
refused "a medium the approval does not list" "does not list" --approval "$WORK/a.kesu-approval" \
	--witness W --serial SN-OTHER
refused "class I without a witness" "requires a witness" --approval "$WORK/a.kesu-approval" \
	--serial SN-APPROVED
expect_exit 0 "under the approval, witnessed" "$KESU" destroy --technique incinerate \
	--approval "$WORK/a.kesu-approval" --witness "立会 花子" --serial SN-APPROVED --json
check "the record names the approval" bash -c "'$KESU' ledger show --json $(jq -r .job_id "$WORK/out") |
	jq -e '.record.approval.entry == 1 and .record.classification == \"I\"'"
refused "a second destruction under the same entry" "already used by job" \
	--approval "$WORK/a.kesu-approval" --witness W --serial SN-APPROVED
# Five stations destroy one approved medium at the same moment: the entry is
# judged and spent as one step, so one destruction is recorded, four refused.
expect_exit 0 "an approval of SN-RACE" "$KESU" approve --media SN-RACE \
	--class I --purpose disposal --methods nist-clear --valid-until "$(date -d '+30 days' +%F)" \
	--name "山田 太郎" --key "$WORK/approver.key" -o "$WORK/race.kesu-approval"
before=$(records)
for i in 1 2 3 4 5; do
	( rc=0
	  "$KESU" destroy --technique shred --approval "$WORK/race.kesu-approval" --witness W \
		--serial SN-RACE >"$WORK/race.$i.out" 2>&1 || rc=$?
	  echo "$rc" >"$WORK/race.$i.rc" ) &
done
wait
check "one of five concurrent destructions under one entry is recorded" \
	test "$(cat "$WORK"/race.*.rc | sort | tr '\n' ' ')" = "0 5 5 5 5 "
check "... and one record added" test "$(records)" = "$((before + 1))"
expect_exit 0 "a medium named by its asset number alone" "$KESU" destroy --technique crush --asset PC-9
check "its subject is the asset" bash -c "sqlite3 '$LEDGER' \"SELECT count(*) FROM jobs WHERE device_key = 'asset:PC-9'\" | grep -qx 1"
# ---- the system disk is refused (read-only use or not: it is not to be destroyed here) ----
rootdev=$(mountpoint -d /)
sys=$(readlink -f "/sys/dev/block/$rootdev" 2>/dev/null || true)
if [ -n "$sys" ] && [ -e "$sys" ]; then
	[ -e "$sys/partition" ] && sys=$(dirname "$sys")
	before=$(records)
	expect_exit 5 "the system disk is refused" "$KESU" destroy --technique drill "/dev/$(basename "$sys")"
	check "it says why in one line" bash -c "test \$(wc -l <'$WORK/err') -eq 1 && grep -q 'running system' '$WORK/err'"
	check "nothing recorded" test "$(records)" = "$before"
fi
finish

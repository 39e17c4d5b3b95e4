#!/bin/bash
# Countersignatures (issue 14 item 5, docs/certificate.md): after a real
# wipe of a loop device, a trusted witness countersigns its certificate by
# the PDF and a trusted validator by the job; kesu cert verify lists both
# as OK (exit 0). A countersignature with one byte of its document changed,
# one by an untrusted key, one by a validator's key claiming to be a
# witness, and one copied to another certificate are each REJECTED and
# make the verdict INVALID (exit 4). kesu countersign refuses, in one line
# and writing nothing, a key not trusted for the role, a job whose
# certificate is missing, a certificate that does not verify, and an
# existing file. The ledger still verifies and lists the records.
source "$(dirname "$0")/lib.sh"

K="$WORK/keys"
mkdir -p "$K"
WIPE=("$KESU" wipe --yes --force --progress none --json --request-size 1M --method zero --verify sample
	--class III --purpose disposal)

kx() { # kx CODE DESCRIPTION ARGS...
	local want=$1 what=$2
	shift 2
	expect_exit "$want" "$what" "$KESU" "$@"
}
one_line() { check "$1: one line on stderr" test "$(wc -l <"$WORK/err")" -eq 1; }
records() { "$KESU" ledger list --json | jq '[.records[] | select(.record.kind == "countersignature")] | length'; }
keynum() { sed -n 2p "$1" | base64 -d | tail -c +3 | head -c 8 | od -An -tx1 | tr -d ' \n'; }

dev=$(attach "$(make_image a.img 8M)")
expect_exit 0 "a class III wipe (no approval needed)" "${WIPE[@]}" "$dev"
pdf=$(jq -r '.jobs[0].record.certificate' "$WORK/out")
job=$(jq -r '.jobs[0].record.job_id' "$WORK/out")
id=$(basename "$pdf" .pdf)
id=${id#kesu-}
check "it names a certificate" test -f "$pdf"
check "the certificate id is KESU-..." grep -qE '^KESU-[0-9]{8}-[0-9A-F]{8}$' <<<"$id"
[ -f "$pdf" ] || { finish; exit 1; } # nothing below means anything without it

kx 0 "countersign --help" countersign --help
check "--help names --role and the file" grep -q "countersig" "$WORK/out"
kx 0 "kesu --help" --help
check "the command list has countersign" grep -qE '^  countersign ' "$WORK/out"

# --- keys: a witness, a validator, a stranger ---
kx 0 "a witness's key" key generate --role witness --name "佐藤 花子" --no-passphrase -o "$K/sato.key"
kx 0 "a validator's key" key generate --role validator --name "鈴木 一郎" --no-passphrase -o "$K/suzuki.key"
kx 0 "a stranger's key" key generate --role witness --name "Stranger" --no-passphrase -o "$K/stranger.key"

kx 2 "a key not yet trusted is refused" countersign --role witness --key "$K/sato.key" "$pdf"
one_line "untrusted"
check "it says how to trust it" grep -q "is not a trusted witness in .*: kesu trust add --role witness" "$WORK/err"
check "nothing was recorded" test "$(records)" -eq 0
check "no file was written" bash -c "! ls '$CERTS'/*.countersig 2>/dev/null"

kx 0 "trust the witness" trust add --role witness --name "佐藤 花子" "$K/sato.pub"
kx 0 "trust the validator" trust add --role validator --name "鈴木 一郎" "$K/suzuki.pub"

kx 2 "a validator's key as a witness is refused" countersign --role witness --key "$K/suzuki.key" "$pdf"
one_line "wrong role"
kx 2 "a --name that is not the trust store's" countersign --role witness --key "$K/sato.key" --name "山田 太郎" "$pdf"
one_line "wrong name"
kx 2 "an unknown role" countersign --role approver --key "$K/sato.key" "$pdf"

# --- countersign by the PDF, and by the job ---
sato="$CERTS/kesu-$id.witness-$(keynum "$K/sato.pub").countersig"
suzuki="$CERTS/kesu-$id.validator-$(keynum "$K/suzuki.pub").countersig"
kx 0 "the witness countersigns the PDF" countersign --role witness --key "$K/sato.key" "$pdf"
check "it names the ledger record" grep -q "^ledger record [0-9]*: countersignature witness 佐藤 花子 (ed25519:[0-9a-f]*) of $id (job $job)" "$WORK/out"
check "it names the file" grep -qF "$sato: countersignature (witness) of $id" "$WORK/out"
check "the file is beside the certificate" test -f "$sato"
check "the file: the document line, then the signature, nothing more" test "$(wc -l <"$sato")" -eq 3
hash="sha256:$(qpdf --show-attachment=kesu-payload.json "$pdf" | sha256sum | cut -d' ' -f1)"
check "its document names the certificate, its payload's hash and the witness" jq -e \
	--arg id "$id" --arg job "$job" --arg hash "$hash" '
	.certificate_id == $id and .job_id == $job and .kesu_countersignature == 1
	and .payload_hash == $hash and (.record_hash | test("^[0-9a-f]{64}$"))
	and .role == "witness" and .signer.name == "佐藤 花子"
	and (.signer.fingerprint | startswith("ed25519:"))' <(head -1 "$sato")
check "its comment says what it is" grep -qx "untrusted comment: kesu countersignature (witness) for $id" "$sato"

kx 2 "a second countersignature by the same key is refused" countersign --role witness --key "$K/sato.key" "$pdf"
one_line "exists"
check "it says --force" grep -q "already exists; add --force" "$WORK/err"

kx 0 "the validator countersigns the job by its id" countersign --role validator --key "$K/suzuki.key" "${job:0:10}"
check "the validator's file" test -f "$suzuki"
check "two countersignature records" test "$(records)" -eq 2

kx 0 "cert verify" cert verify "$pdf"
check "the witness: OK" grep -q "^  countersignature: witness 佐藤 花子 (ed25519:[0-9a-f]*) 20[0-9-]*T[0-9:]*Z: OK$" "$WORK/out"
check "the validator: OK" grep -q "^  countersignature: validator 鈴木 一郎 (ed25519:[0-9a-f]*) .*: OK$" "$WORK/out"
check "VALID" grep -qx VALID "$WORK/out"

# --- rejected countersignatures ---
cp "$sato" "$WORK/sato.keep"
# one byte of the JSON: the last digit of the signing time's seconds
perl -pi -e 'if ($. == 1) { s/("signed_utc":"[^"]*:\d)(\d)(Z")/$1.(($2 + 1) % 10).$3/e }' "$sato"
check "one byte of the document changed" bash -c "! cmp -s '$sato' '$WORK/sato.keep' && test \$(cmp -l '$sato' '$WORK/sato.keep' | wc -l) -eq 1"
kx 4 "cert verify: a tampered countersignature" cert verify "$pdf"
check "it is REJECTED: the data was changed" grep -q "^  countersignature: .*witness-.*countersig: REJECTED: .*the data was changed" "$WORK/out"
check "the validator's is still OK" grep -q "^  countersignature: validator .*: OK$" "$WORK/out"
check "INVALID" grep -qx INVALID "$WORK/out"
cp "$WORK/sato.keep" "$sato"
kx 0 "restored, it verifies again" cert verify "$pdf"

# an untrusted key: countersigned under another trust store
kx 0 "a stranger trusted elsewhere" trust add --trust "$WORK/other.json" --role witness --name Stranger "$K/stranger.pub"
kx 0 "the stranger countersigns (trusted in that store)" countersign --trust "$WORK/other.json" --role witness --key "$K/stranger.key" "$pdf"
stranger="$CERTS/kesu-$id.witness-$(keynum "$K/stranger.pub").countersig"
kx 4 "cert verify: a countersignature by an untrusted key" cert verify "$pdf"
check "it is REJECTED: not a trusted witness" grep -q "^  countersignature: .*: REJECTED: signed by key $(keynum "$K/stranger.pub"), which is not a trusted witness" "$WORK/out"
check "INVALID" grep -qx INVALID "$WORK/out"
# --trust: the store that trusts the stranger (and not the others)
kx 4 "cert verify --trust another store" cert verify --trust "$WORK/other.json" "$pdf"
check "the stranger: OK there" grep -q "^  countersignature: witness Stranger .*: OK$" "$WORK/out"
check "the witness: not trusted there" grep -q "witness-$(keynum "$K/sato.pub").countersig: REJECTED: .*not a trusted witness" "$WORK/out"
rm -f "$stranger"

# a validator's key claiming to be a witness
kx 0 "the validator's key trusted as a witness elsewhere" trust add --trust "$WORK/other.json" --role witness --name "鈴木 一郎" "$K/suzuki.pub"
kx 0 "the validator countersigns as a witness there" countersign --trust "$WORK/other.json" --role witness --key "$K/suzuki.key" "$pdf"
kx 4 "cert verify: a validator's key as a witness" cert verify "$pdf"
check "it is REJECTED: a trusted validator but not a trusted witness" grep -q "REJECTED: .*a trusted validator but not a trusted witness" "$WORK/out"
rm -f "$CERTS/kesu-$id.witness-$(keynum "$K/suzuki.pub").countersig"
kx 0 "without it, VALID again" cert verify "$pdf"

# a countersignature copied to another certificate
dev2=$(attach "$(make_image b.img 8M)")
expect_exit 0 "a second wipe" "${WIPE[@]}" "$dev2"
pdf2=$(jq -r '.jobs[0].record.certificate' "$WORK/out")
id2=$(basename "$pdf2" .pdf)
id2=${id2#kesu-}
kx 0 "the second certificate alone: VALID" cert verify "$pdf2"
check "no countersignature line" bash -c "! grep -q countersignature '$WORK/out'"
cp "$sato" "$CERTS/kesu-$id2.witness-$(keynum "$K/sato.pub").countersig"
kx 4 "cert verify: a countersignature of another certificate" cert verify "$pdf2"
check "it is REJECTED: of another certificate" grep -q "REJECTED: it countersigns certificate $id, not $id2" "$WORK/out"
rm -f "$CERTS/kesu-$id2.witness-$(keynum "$K/sato.pub").countersig"

# --- what countersign refuses ---
mv "$pdf2" "$WORK/moved.pdf"
kx 2 "a job whose certificate is missing" countersign --role witness --key "$K/sato.key" "$id2"
one_line "missing certificate"
check "it says kesu cert issue" grep -q "no such file: issue it first: kesu cert issue" "$WORK/err"
cp "$WORK/moved.pdf" "$WORK/edited.pdf"
printf 'X' | dd of="$WORK/edited.pdf" bs=1 seek=2000 conv=notrunc status=none
# the PDF signature inside the file no longer covers it
kx 4 "a certificate that does not verify" countersign --role witness --key "$K/sato.key" "$WORK/edited.pdf"
one_line "does not verify"
check "nothing written beside it" bash -c "! ls '$WORK'/*.countersig 2>/dev/null"
mv "$WORK/moved.pdf" "$pdf2"
kx 2 "a job that is not in the ledger" countersign --role witness --key "$K/sato.key" deadbeef00
check "four countersignature records, none from the refusals" test "$(records)" -eq 4

# --- the ledger ---
kx 0 "ledger verify" ledger verify
kx 0 "ledger list" ledger list
check "list shows the countersignatures" grep -q "(countersign.*countersign witness 佐藤 花子" "$WORK/out"
check "and the validator's" grep -q "countersign validator 鈴木 一郎" "$WORK/out"
kx 0 "ledger list --json" ledger list --json
check "the record holds the whole countersignature" jq -e --arg id "$id" --arg job "$job" '
	[.records[] | select(.record.kind == "countersignature") | .record
	 | select(.countersigned_certificate_id == $id and .countersigned_job_id == $job
		  and .countersignature.certificate_id == $id and (.signature | startswith("untrusted comment: kesu countersignature")))
	 | select(has("certificate_id") | not)] | length >= 2' "$WORK/out"
kx 0 "ledger show by certificate id still finds the wipe" ledger show --json "$id"
check "it is the wipe record" jq -e --arg job "$job" '.. | objects | select(has("job_id")) | .job_id == $job' "$WORK/out"
kx 0 "cert issue by certificate id still finds the wipe" cert issue --force "$id"

finish

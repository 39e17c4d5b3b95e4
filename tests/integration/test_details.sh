#!/bin/bash
# The certificate's details page (kesu wipe --details, kesu cert issue
# --details): a page of its own after the document, with the speed profile
# of each pass as one line of a chart (counted in the page's content
# stream) and a legend entry each, and a SMART table that says a loop
# device gives none. The details are in the signed payload (version 4), so
# the page verifies; the pages before it are the same as without details,
# and without --details the payload has no "details" at all.
source "$(dirname "$0")/lib.sh"
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0
WIPE=("$KESU" wipe --yes --force --progress none --json --request-size 64K)

pages() { pdfinfo "$1" | awk '/^Pages:/ {print $2}'; }
payload() { qpdf "$1" --show-attachment=kesu-payload.json; }
# page_text PDF N: the page's layout and Japanese text, with every Latin
# letter, digit and base64 character masked: two issues of one record
# differ only in their times, digests and signatures (whose base64 wraps
# where its letters' widths have it: its two lines are left out)
page_text() {
	pdftotext -layout -f "$2" -l "$2" "$1" - | sed 's|[0-9A-Za-z+/=]|x|g' |
		grep -v -e '^ *x\{40,\}$' -e '^署名 (xxxxxxx)'
}
# chart_lines PDF N: stroked paths of page N with more than 8 segments (a
# pass's line; grid lines and legend samples have one)
chart_lines() {
	qpdf --qdf --object-streams=disable "$1" "$WORK/qdf.pdf"
	python3 - "$WORK/qdf.pdf" "$2" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
at = data.index(b'%% Contents for page ' + sys.argv[2].encode())
start = data.index(b'stream\n', at) + 7
text = data[start:data.index(b'endstream', start)].decode('latin1')
n = segs = 0
for line in text.split('\n'):
    op = line.split()[-1:] or ['']
    if op[0] == 'm':
        segs = 0
    elif op[0] == 'l':
        segs += 1
    elif op[0] == 'S' and segs > 8:
        n += 1
print(n)
PY
}

dev=$(attach "$(make_image d.img 4M)")
expect_exit 0 "kesu wipe --details --method dod-3pass" "${WIPE[@]}" --details --method dod-3pass "$dev"
pdf=$(jq -r '.jobs[0].record.certificate' "$WORK/out")
seq=$(jq -r '.jobs[0].record.seq' "$WORK/out")
check "a certificate" test -f "$pdf"
payload "$pdf" >"$WORK/p.json"
check "the payload is version 4 with three profiles of many points" jq -e '.kesu_certificate == 4 and
	(.details.passes | length) == 3 and all(.details.passes[]; (.profile | length) > 8 and .profile_from == 0)' "$WORK/p.json"
check "positions increase to the end of the drive" jq -e 'all(.details.passes[].profile;
	. as $p | ([range(1; $p | length)] | all($p[.][0] > $p[. - 1][0])) and $p[-1][0] == 4194304)' "$WORK/p.json"
check "a loop device has no SMART: null before and after" jq -e '.details.smart == {"after": null, "before": null}' "$WORK/p.json"
n=$(pages "$pdf")
pdftotext -layout -f "$n" -l "$n" "$pdf" "$WORK/last.txt"
check "the last page is the details page" grep -q "消去速度の推移 / Speed profile" "$WORK/last.txt"
check "its legend has one entry per pass" test "$(grep -o '第[0-9]*パス' "$WORK/last.txt" | sort -u | wc -l)" -eq 3
check "the chart has one line per pass" test "$(chart_lines "$pdf" "$n")" -eq 3
check "SMART: not available, five times before and after" test "$(grep -c '取得できません / not available.*取得できません / not available' "$WORK/last.txt")" -eq 5
check "the page says why" grep -q "SMART 情報を取得できません" "$WORK/last.txt"
check "page numbers n / m" grep -Eq "$n */ *$n\$" "$WORK/last.txt"
check "the document before it has no chart" bash -c "! pdftotext -l $((n - 1)) '$pdf' - | grep -q 消去速度"
expect_exit 0 "kesu cert verify" "$KESU" cert verify "$pdf"
check "the page is the one the payload renders to" grep -q '^  \[ok\] page ' "$WORK/out"
check "it says VALID" grep -qx VALID "$WORK/out"

# Re-issued from the ledger: without --details the document as it always
# was, with them the same pages and the details page after them.
expect_exit 0 "kesu cert issue SEQ (no details)" "$KESU" cert issue --force "$seq"
cp "$pdf" "$WORK/plain.pdf"
payload "$pdf" >"$WORK/plain.json"
check "no details member at all" jq -e 'has("details") | not' "$WORK/plain.json"
check "and not version 4" jq -e '.kesu_certificate < 4' "$WORK/plain.json"
check "one page fewer" test "$(pages "$WORK/plain.pdf")" -eq $((n - 1))
check "page 1 is one page: the chart is not on it" bash -c "! pdftotext -f 1 -l 1 '$WORK/plain.pdf' - | grep -q 消去速度"
expect_exit 0 "kesu cert issue SEQ --details" "$KESU" cert issue --force --details "$seq"
check "the details page again" test "$(pages "$pdf")" -eq "$n"
for ((i = 1; i < n; i++)); do
	check "page $i is as without details" cmp -s <(page_text "$WORK/plain.pdf" "$i") <(page_text "$pdf" "$i")
done
check "the chart again has three lines" test "$(chart_lines "$pdf" "$n")" -eq 3
expect_exit 0 "the re-issued certificate verifies" "$KESU" cert verify "$pdf"
check "it says VALID" grep -qx VALID "$WORK/out"

# A firmware erase (a simulated ATA drive, kesu-sim): the drive erased
# itself, so there is no profile, and the page says so instead of a chart.
SIM=${KESU_SIM_BIN:?built by CMake: kesu-sim}
export KESU_SIM=ata KESU_SIM_STATE="$WORK/sim.state" KESU_SIM_LOG="$WORK/sim.log"
fw=$(attach "$(make_image fw.img 4M)")
expect_exit 0 "a crypto erase with --details" "$SIM" wipe --yes --force --json --progress none \
	--poll-interval 5 --method ata-sanitize-crypto --details "$fw"
fwpdf=$(jq -r '.jobs[0].record.certificate' "$WORK/out")
check "its profile is null" jq -e '.details.passes == [{"number": 1, "profile": null, "profile_from": null}]' \
	<(payload "$fwpdf")
n=$(pages "$fwpdf")
check "the details page says why there is no chart" bash -c \
	"pdftotext -f $n -l $n '$fwpdf' - | grep -q 'ドライブ自身が消去したため'"
check "and has no chart line" test "$(chart_lines "$fwpdf" "$n")" -eq 0

# The details are signed: a payload whose profile was edited is refused.
payload "$pdf" | jq -c '.details.passes[0].profile[0][1] = 1' | tr -d '\n' >"$WORK/edited.json"
qpdf "$pdf" --add-attachment "$WORK/edited.json" --key=kesu-payload.json --replace -- "$WORK/edited.pdf"
expect_exit 4 "an edited profile" "$KESU" cert verify "$WORK/edited.pdf"
finish

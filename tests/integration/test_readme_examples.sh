#!/bin/bash
# ctest: alone
# (the examples include "kesu list", which probes every drive of the machine)
#
# Every example in README.md and docs/kesu.8 runs as written (issue 18,
# item 4). Examples are README's "$ "-prompted lines in ``` blocks (a
# trailing "\" joins the next line; the other lines of a block are output
# or grammar) and every line of the man page's .nf/.fi and .EX/.EE blocks.
# Each runs in order, in a fresh HOME per document (no config: the first
# run of a new station), with the device placeholders replaced by loop
# devices this test makes and zeroes before each example. A prompt to
# confirm is answered as an operator would (the token it quotes). Every
# example must be listed below, to run (with the exit status its text
# implies) or to skip (with the reason): a new example fails until it is.
source "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
SRC=${KESU_SOURCE_DIR:-$(cd "$HERE/../.." && pwd)}

# "run EXIT" or "skip REASON", by document and the example's exact text.
declare -A PLAN=(
	['README.md:kesu list            # a build machine: its virtio root disk and one loop device']='run 0'
	['README.md:kesu wipe --yes --operator "山田 太郎" --class III /dev/loop1']='run 0'
	['README.md:kesu wipe --operator "山田 太郎" --department 情報政策課 --class III --purpose lease-return --asset PC-2019-0042 /dev/sdb']='run 0'
	['README.md:kesu cert verify --trust ca.pem kesu-KESU-20261206-1805233D.pdf']='run 0'
	['README.md:kesu wipe --method auto-purge --yes /dev/nvme0n1']='skip needs an NVMe drive (a loop device has no sanitize command)'
	['kesu.8:mkdir -p ~/.config/kesu']='run 0'
	["kesu.8:printf 'operator = 山田 太郎\\nclass = III\\n' >> ~/.config/kesu/config"]='run 0'
	['kesu.8:kesu list']='run 0'
	['kesu.8:kesu list -o DEVICE,MODEL,SERIAL,WWN,FSTYPES,STATE']='run 0'
	["kesu.8:kesu list --json | jq -r '.devices[] | select(.state == \"free\") | .path'"]='run 0'
	['kesu.8:kesu info /dev/disk/by-id/ata-ST500DM002-1BD142_W2A1B2C3']='run 0'
	['kesu.8:kesu check /dev/sdb /dev/sdc']='run 0'
	['kesu.8:kesu wipe /dev/sdb                       # dod-3pass, asks for the serial']='run 0'
	['kesu.8:kesu wipe --method nsa-3pass --verify full /dev/sdb /dev/sdc']='run 0'
	['kesu.8:kesu wipe --yes --force --json --progress json /dev/sdb > result.json']='run 0'
	['kesu.8:kesu verify --expect zero /dev/sdb']='run 0'
	['kesu.8:kesu methods show gutmann']='run 0'
)

# extract FILE: one example per line
extract() {
	python3 - "$1" <<'EOF'
import re, sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().split("\n")
out = []
if path.endswith(".md"):
    inside, cur = False, None
    for line in lines:
        if line.lstrip().startswith("```"):
            inside = not inside
            continue
        if not inside:
            continue
        if cur is not None:
            cur += " " + line.strip()
        elif line.startswith("$ "):
            cur = line[2:].strip()
        else:
            continue
        if cur.endswith("\\"):
            cur = cur[:-1].rstrip()
        else:
            out.append(cur)
            cur = None
else:
    inside = False
    for line in lines:
        if line.startswith((".nf", ".EX")):
            inside = True
        elif line.startswith((".fi", ".EE")):
            inside = False
        elif inside and line and not line.startswith("."):
            for a, b in (("\\-", "-"), ("\\(aq", "'"), ("\\(dq", '"'), ("\\e", "\\")):
                line = line.replace(a, b)
            out.append(line)
print("\n".join(out))
EOF
}


L1=$(attach "$(make_image sdb.img 2M)")
L2=$(attach "$(make_image sdc.img 2M)")
mkdir -p "$WORK/bin"
ln -s "$KESU" "$WORK/bin/kesu"

# The certificate example: a city CA (ca.pem in the example's directory)
# that issued the station's PDF signing certificate, and a certificate of
# the examples' own wipe to check.
setup_cert_verify() {
	source "$HERE/lib_pki.sh"
	pki_make "$WORK/pki"
	cp "$WORK/pki/ca.pem" ca.pem
	# the README's wipes made the station's X.509 key (self-signed)
	kesu key csr -o station.csr >/dev/null 2>&1 &&
		pki_issue "$WORK/pki" "" station.csr station.crt &&
		kesu key import-cert station.crt >/dev/null 2>&1 || return 1
	dd if=/dev/zero of="$L1" bs=1M count=2 oflag=direct status=none
	kesu wipe --yes --operator "山田 太郎" --class III "$L1" >/dev/null 2>&1 || return 1
	# the newest: certificate names hold a random part, not a sequence
	CERT=$(ls -t "$HOME"/.local/share/kesu/certificates/*.pdf | head -n 1)
}

# run_examples DOC: each example of DOC, in order, in DOC's own station
run_examples() {
	local doc=$1 name example plan cmd rc out
	name=$(basename "$doc")
	export HOME="$WORK/home-$name" PATH="$WORK/bin:$PATH"
	unset XDG_CONFIG_HOME XDG_DATA_HOME
	mkdir -p "$HOME/run"
	cd "$HOME/run"
	while IFS= read -r example; do
		[ -n "$example" ] || continue
		plan=${PLAN["$name:$example"]:-}
		case $plan in
		'') not_ok "$name: an example this test does not know (add it to PLAN): $example" ;;
		skip\ *) echo "skip - $name: $example: ${plan#skip }" ;;
		run\ *)
			cmd=$example
			case $cmd in
			*kesu-KESU-*.pdf*)
				setup_cert_verify || { not_ok "$name: setting up for: $example"; continue; }
				cmd=${cmd//kesu-KESU-20261206-1805233D.pdf/$CERT} ;;
			esac
			# markers first: a device put in must not be taken for a
			# placeholder (/dev/loop11 holds /dev/loop1)
			cmd=${cmd//\/dev\/disk\/by-id\/ata-ST500DM002-1BD142_W2A1B2C3/@L1@}
			cmd=${cmd//\/dev\/loop1/@L1@}
			cmd=${cmd//\/dev\/sdb/@L1@}
			cmd=${cmd//\/dev\/sdc/@L2@}
			cmd=${cmd//@L1@/$L1}
			cmd=${cmd//@L2@/$L2}
			for l in "$L1" "$L2"; do
				dd if=/dev/zero of="$l" bs=1M count=2 oflag=direct status=none
			done
			rc=0
			# Only a wipe without --yes asks (python3 takes seconds to
			# start on a loaded machine: the others run without a pty).
			if [[ $cmd == *"kesu wipe "* && $cmd != *--yes* ]]; then
				out=$(python3 "$HERE/confirm_pty.py" = bash -c "$cmd" 2>&1) || rc=$?
			else
				out=$(bash -c "$cmd" 2>&1 </dev/null) || rc=$?
			fi
			if [ "$rc" -eq "${plan#run }" ]; then
				ok "$name: $example (exit $rc)"
			else
				not_ok "$name: $example: exit $rc, wanted ${plan#run }: $(tail -c 600 <<<"$out")"
			fi ;;
		esac
	done < <(extract "$doc")
	cd /
}

run_examples "$SRC/README.md"
# The README's wipes were recorded and certified in that station.
check "README: the wipes are in the ledger" test -s "$WORK/home-README.md/.local/share/kesu/ledger.sqlite"
run_examples "$SRC/docs/kesu.8"
check "kesu.8: the JSON example wrote its result" jq -e '.' "$WORK/home-kesu.8/run/result.json"
check "kesu.8: the config example made the file" grep -q '^operator = 山田 太郎$' \
	"$WORK/home-kesu.8/.config/kesu/config"
finish

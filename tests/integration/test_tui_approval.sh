#!/bin/bash
# kesu tui with a prior approval and a witness (issue 14), driven through
# tmux on an 80x25 vt100 screen: the form offers the *.kesu-approval files
# of the config directory's approvals/ and of the results directory (an
# unreadable one says so), shows what the chosen one says, passes
# --approval and --witness to the wipe child; a refusal by the approval is
# shown as one line and writes nothing; the erasure under the approval is
# recorded with the approval's number, class and purpose and the witness.
source "$(dirname "$0")/lib.sh"
command -v sqlite3 >/dev/null || { echo "$TEST_NAME: needs sqlite3" >&2; exit 1; }
command -v jq >/dev/null || { echo "$TEST_NAME: needs jq" >&2; exit 1; }

source "$(dirname "$0")/lib_tmux.sh"

# The results on a disk directory (no results-location screen); the
# approvals where a station keeps them and where the results go.
R="$WORK/results"
L="$R/ledger.sqlite"
C="$R/certs"
K="$R/station.key"
APPROVALS="$XDG_CONFIG_HOME/kesu/approvals"
mkdir -p "$R" "$APPROVALS"

# The approver's key, trusted by this station, and two approvals made with
# the real commands: TUI-1 in the config directory, TUI-2 with the results.
expect_exit 0 "an approver key" "$KESU" key generate --role approver --name "Approver N" \
	--no-passphrase -o "$WORK/approver.key"
expect_exit 0 "the approver is trusted" "$KESU" trust add --role approver --name "Approver N" \
	"$WORK/approver.pub"
approve() { # ASSET OUT
	"$KESU" approve --media "asset:$1" --class II --purpose disposal --methods dod-3pass \
		--valid-until "$(date +%F)" --name "Approver N" --key "$WORK/approver.key" -o "$2"
}
expect_exit 0 "an approval of asset TUI-1 in approvals/" approve TUI-1 "$APPROVALS/x.kesu-approval"
expect_exit 0 "an approval of asset TUI-2 with the results" approve TUI-2 "$R/y.kesu-approval"
NUMBER=$(head -1 "$APPROVALS/x.kesu-approval" | jq -r .number)
NUMBER2=$(head -1 "$R/y.kesu-approval" | jq -r .number)
check "the approvals have numbers" test -n "$NUMBER" -a -n "$NUMBER2" -a "$NUMBER" != "$NUMBER2"
echo "not an approval" >"$APPROVALS/bad.kesu-approval"
echo "ignored" >"$APPROVALS/readme.txt"

size=$((8 << 20))
img=$(make_image a.img 8M)
head -c "$size" /dev/urandom | dd of="$img" conv=notrunc status=none
cp "$img" "$WORK/a.orig"
dev=$(attach "$img")

tm new-session -d -s "$SESSION" -x 80 -y 25 \
	"XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' TERM=vt100 \
	 '$KESU' tui --ledger '$L' --cert-dir '$C' --key '$K' $dev; \
	 echo EXIT=\$? > '$WORK/exit'; sleep 60"

expect_screen "the drive list" "$dev"
keys Space
expect_screen "the drive is selected" "1 selected"
keys Enter
expect_screen "the job form" "Operator *   Test Operator"
check "the method is dod-3pass (the config's default)" grep -q "Method *< dod-3pass >" <(pane)
check "the class is the config's (III) while no approval is chosen" grep -q "Class *< III >$" <(pane)
check "three approval files are found (not the .txt)" \
	grep -q "Approval *< none >  3 approval file(s) found" <(pane)
# Fields: Method Verify Operator Organisation Approver Witness Approval ...
keys Down Down Down Down Down Enter "Hanako Sato" Enter
expect_screen "the witness typed" "Witness      Hanako Sato"
keys Down Right
expect_screen "first the unreadable file, which says so" "Approval     < bad >  cannot be read"
keys Right
expect_screen "then x.kesu-approval from approvals/" "Approval     < x >  $NUMBER II disposal $(date +%F)"
check "class is the approval's now" grep -q "Class *< - >  II, from the approval" <(pane)
check "purpose is the approval's now" grep -q "Purpose *< - >  disposal, from the approval" <(pane)
keys Right
expect_screen "then y.kesu-approval from the results directory" "Approval     < y >  $NUMBER2 II"
pane >"$WORK/screen-form"
check "no line of the form is longer than 80 columns" \
	awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$WORK/screen-form"
keys Right
expect_screen "and around to none" "Approval     < none >"
check "none gives the class back (III)" grep -q "Class *< III >$" <(pane)

# y names TUI-2; the drive is given TUI-1: the wipe child refuses, one
# line, before anything is written.
keys Left
expect_screen "y chosen again" "Approval     < y >"
keys Down Down Down Enter "TUI-1" Enter
expect_screen "the asset number typed" "TUI-1"
keys Down Enter
expect_screen "the confirmation" "Type ERASE to go ahead"
check "it names the approval and the witness" grep -q "Approval $NUMBER2  Witness Hanako Sato" <(pane)
keys "ERASE" Enter
expect_screen "the refusal is shown" "gave no result"
tr -d '\n' < <(pane) >"$WORK/screen-refused"
check "the child's line: not one of the approval's media" \
	grep -q "refused by the approval .*not one of the approval's media" "$WORK/screen-refused"
check "nothing was written" cmp -s "$img" "$WORK/a.orig"
# (not asked with sqlite3: that would create the file)
check "no ledger was even created" test ! -e "$L"

# Again with x, which names TUI-1.
keys r
expect_screen "back at the drive list" "$dev"
keys Space Enter
expect_screen "the form keeps the witness" "Witness      Hanako Sato"
keys Down Down Down Down Down Down Left
expect_screen "x chosen" "Approval     < x >  $NUMBER"
# The drives were probed again: the asset number is typed again if gone.
grep -q "Asset no\..*TUI-1" <<<"$(pane)" || keys Down Down Down Enter "TUI-1" Enter
expect_screen "the asset number is there" "TUI-1"
for i in $(seq 8); do keys Down; done
keys Enter
expect_screen "the confirmation (x)" "Type ERASE to go ahead"
check "it names approval $NUMBER" grep -q "Approval $NUMBER  Witness Hanako Sato" <(pane)
keys "ERASE" Enter
expect_screen "the results screen" "kesu wipe: exit status 0; every drive SUCCESS"
check "$dev SUCCESS with dod-3pass" grep -q "^$dev  SUCCESS  method dod-3pass" <(pane)
keys q
for i in $(seq 100); do [ -s "$WORK/exit" ] && break; sleep 0.1; done
check "kesu tui exited 0" grep -qx "EXIT=0" "$WORK/exit"
check "the drive no longer holds its data" bash -c "! cmp -s '$img' '$WORK/a.orig'"

# The signed record: the approval's number and entry, its class and
# purpose (not the config's III), the asset and the witness.
q() { sqlite3 "$L" "SELECT $1 FROM jobs WHERE json_extract(record, '\$.outcome') = 'SUCCESS'"; }
check "one SUCCESS record" test "$(q 'count(*)')" -eq 1
check "approval.number is $NUMBER" test "$(q "json_extract(record, '\$.approval.number')")" = "$NUMBER"
check "witness is Hanako Sato" test "$(q "json_extract(record, '\$.witness')")" = "Hanako Sato"
check "class and purpose are the approval's" \
	test "$(q "json_extract(record, '\$.classification') || ' ' || json_extract(record, '\$.purpose')")" = "II disposal"
check "the asset number is in the record" grep -q '"TUI-1"' <(q record)
expect_exit 0 "kesu ledger verify" "$KESU" ledger verify --ledger "$L" --pubkey "${K%.key}.pub"
finish

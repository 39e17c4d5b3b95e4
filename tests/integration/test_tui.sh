#!/bin/bash
# kesu tui, driven through tmux on an 80x25 vt100 screen: the drive list,
# the gate's refusal of a mounted drive, the results-location warning for
# a ledger in RAM, a wrong confirmation (nothing written), and a full run
# with method zero on two loop devices, checked afterwards on the host.
source "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null || { echo "$TEST_NAME: needs tmux" >&2; exit 1; }

# A tmux server of our own: it starts with this test's environment (its
# config, key and ledger locations), and killing it cannot touch anyone
# else's sessions.
TMUX_SOCK="kesu-test-$$"
SESSION=tui
tm() { tmux -L "$TMUX_SOCK" "$@"; }
tui_cleanup() {
	tm kill-server 2>/dev/null || true
	cleanup
}
trap tui_cleanup EXIT

pane() { tm capture-pane -p -t "$SESSION"; }
keys() { tm send-keys -t "$SESSION" "$@"; }

# wait_for TEXT: polls the screen until TEXT shows (60 s); dumps it if not
wait_for() {
	local i
	for i in $(seq 600); do
		pane 2>/dev/null | grep -qF -- "$1" && return 0
		sleep 0.1
	done
	echo "--- screen, waiting for \"$1\" ---"
	pane || true
	echo "---"
	return 1
}

# expect_screen DESCRIPTION TEXT: the rest of the flow depends on each
# screen, so a missing one ends the test.
expect_screen() {
	if wait_for "$2"; then
		ok "$1"
	else
		not_ok "$1"
		finish
		exit 1
	fi
}

expect_exit 1 "without a terminal" "$KESU" tui </dev/null
check "it says so" grep -q "kesu: tui: standard input is not a terminal" "$WORK/err"
expect_exit 2 "an unknown option" "$KESU" tui --bogus

size=$((8 << 20))
img1=$(make_image a.img 8M)
img2=$(make_image b.img 8M)
img3=$(make_image m.img 16M)
head -c "$size" /dev/urandom | dd of="$img1" conv=notrunc status=none
head -c "$size" /dev/urandom | dd of="$img2" conv=notrunc status=none
cp "$img1" "$WORK/a.orig"
cp "$img2" "$WORK/b.orig"
dev1=$(attach "$img1")
dev2=$(attach "$img2")
dev3=$(attach "$img3")
mkfs.ext4 -q "$dev3"
mount_dev "$dev3" "$WORK/mnt"
# The results go to a tmpfs: the warning about losing them must show.
mount_dev tmpfs "$WORK/ram" -t tmpfs -o size=32M
L="$WORK/ram/ledger.sqlite"
C="$WORK/ram/certs"
K="$WORK/ram/station.key"

tm new-session -d -s "$SESSION" -x 80 -y 25 \
	"XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' TERM=vt100 \
	 '$KESU' tui --ledger '$L' --cert-dir '$C' --key '$K' $dev1 $dev2 $dev3; \
	 echo EXIT=\$? > '$WORK/exit'; sleep 60"

expect_screen "the drive list shows" "$dev3"
check "$dev1 listed with its size" grep -Eq "^ *\[ \] $dev1 +loop +[a-z]+ +8M " <(pane)
check "$dev2 listed with its size" grep -Eq "^ *\[ \] $dev2 +loop +[a-z]+ +8M " <(pane)
check "$dev3 listed as mounted, not selectable" grep -Eq "^ *- +$dev3 +loop +[a-z]+ +16M .* mounted " <(pane)
check "the header is one whole row" grep -Eq "DEVICE +TRAN +TYPE +SIZE +MODEL +SERIAL +STATE +HEALTH +PURGE" <(pane)
pane >"$WORK/screen-list"
check "no line of the 80x25 screen is longer than 80 columns" \
	awk 'length($0) > 80 { bad = 1 } END { exit bad }' "$WORK/screen-list"

keys Down Down Space
expect_screen "Space on the mounted drive gives the gate's reason" "Cannot select: $dev3 is mounted on"
check "and does not select it" grep -q "0 selected" <(pane)
keys Up Up Space Down Space
expect_screen "two drives selected" "2 selected"

keys Enter
expect_screen "the job form" "Operator *   Test Operator"
# Methods are in id order: step back until zero is chosen.
for i in $(seq 40); do
	pane | grep -q "Method *< zero >" && break
	keys Left
	sleep 0.1
done
expect_screen "method zero chosen" "< zero >"
# zero reads nothing back by default (UNVERIFIED): a full read makes SUCCESS.
keys Down Right Right
expect_screen "verification full chosen" "Verify       < full >"
for i in $(seq 14); do keys Down; done
keys Enter
expect_screen "a ledger in RAM is called out" "Results will be LOST at power-off: $L"
check "it says the place is in memory" grep -q "is in memory ($WORK/ram)" <(pane)
for i in $(seq 40); do keys Down; done
keys Up Enter
expect_screen "NO PROOF is asked for" "Type NO PROOF"
keys "NO PROOF" Enter
expect_screen "the confirmation lists the drives" "Type ERASE to go ahead"
check "both drives are listed on it" grep -q "$dev2" <(pane)
keys "erase" Enter
expect_screen "a wrong answer goes back to the form" "Not confirmed (ERASE was not typed)"
check "nothing was written to $dev1" cmp -s "$img1" "$WORK/a.orig"
check "nothing was written to $dev2" cmp -s "$img2" "$WORK/b.orig"
check "no ledger was even opened" test ! -e "$L"

for i in $(seq 14); do keys Down; done
keys Enter
expect_screen "confirmation again (the location was settled)" "Type ERASE to go ahead"
keys "ERASE" Enter
expect_screen "the results screen" "kesu wipe: exit status 0; every drive SUCCESS"
pane >"$WORK/screen-results"
check "$dev1 SUCCESS" grep -q "^$dev1  SUCCESS  method zero  NIST level clear" "$WORK/screen-results"
check "$dev2 SUCCESS" grep -q "^$dev2  SUCCESS  method zero  NIST level clear" "$WORK/screen-results"
# Long paths wrap at the screen's edge: join the lines to read them.
mapfile -t shown < <(tr -d '\n' <"$WORK/screen-results" | grep -o "certificate: $C/[^ ]*\.pdf" | cut -d' ' -f2)
check "two certificate paths shown" test "${#shown[@]}" -eq 2
keys q
for i in $(seq 100); do [ -s "$WORK/exit" ] && break; sleep 0.1; done
check "kesu tui exited 0" grep -qx "EXIT=0" "$WORK/exit"

check "$dev1 is all zeros" cmp -n "$size" "$dev1" /dev/zero
check "$dev2 is all zeros" cmp -n "$size" "$dev2" /dev/zero
expect_exit 0 "kesu ledger verify" "$KESU" ledger verify --ledger "$L" --pubkey "${K%.key}.pub"
certs=("$C"/*.pdf)
check "two certificates were written" test "${#certs[@]}" -eq 2
for pdf in "${shown[@]}"; do
	expect_exit 0 "kesu cert verify $(basename "$pdf")" \
		"$KESU" cert verify --pubkey "${K%.key}.pub" --ledger "$L" "$pdf"
done
finish

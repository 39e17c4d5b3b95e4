#!/bin/bash
# kesu tui on a station with server = URL whose central store cannot be
# reached (issue 19): the wipe child erases and certifies, then exits 11
# (KESU_EXIT_NOT_PUSHED); the results screen says what that means (the
# records are not yet sent, kept for the next push) and kesu tui exits 11.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_tmux.sh"

R="$WORK/results"
mkdir -p "$R"
L="$R/ledger.sqlite"
C="$R/certs"
K="$R/station.key"
# Port 1 on 127.0.0.1: nothing listens, the push fails at once.
printf 'server = postgresql://kesu_station_x@127.0.0.1:1/kesu\n' >>"$XDG_CONFIG_HOME/kesu/config"
dev=$(attach "$(make_image a.img 4M)")

tm new-session -d -s "$SESSION" -x 80 -y 25 \
	"XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' TERM=vt100 \
	 '$KESU' tui --ledger '$L' --cert-dir '$C' --key '$K' $dev; \
	 echo EXIT=\$? > '$WORK/exit'; sleep 60"
expect_screen "the drive list shows" "$dev"
keys Space
expect_screen "one drive selected" "1 selected"
keys Enter
expect_screen "the job form" "Operator *   Test Operator"
form_zero_full
keys Enter
expect_screen "the confirmation" "Type ERASE to go ahead"
keys "ERASE" Enter
expect_screen "the results screen" "kesu wipe: exit status 11"
pane >"$WORK/screen"
check "$dev SUCCESS" grep -q "^$dev  SUCCESS  method zero" "$WORK/screen"
check "exit 11 is explained: not yet sent, kept for the next push" \
	bash -c "tr '\n' ' ' <'$WORK/screen' | grep -q 'erased and certified, but the records are NOT yet sent to the *central store (kept for the next push)'"
check "it does not say every drive SUCCESS alone" bash -c "! grep -q 'exit status 11; every drive SUCCESS' '$WORK/screen'"
keys q
for i in $(seq 100); do [ -s "$WORK/exit" ] && break; sleep 0.1; done
check "kesu tui exited 11" grep -qx "EXIT=11" "$WORK/exit"
check "the certificate was made" test "$(find "$C" -name 'kesu-*.pdf' | wc -l)" = 1
check "the ledger holds the job" test "$(sqlite3 "$L" "SELECT count(*) FROM jobs WHERE seq IS NOT NULL")" = 1
finish

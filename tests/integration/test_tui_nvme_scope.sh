#!/bin/bash
# ctest: alone (kesu tui, through tmux)
# kesu tui and an NVMe Format that reaches other namespaces (issue 20):
# kesu-sim's TUI over a simulated controller whose namespace is nsid 2,
# beside a namespace 1, with FNA bit 1 (a secure-erase Format erases every
# namespace). The confirmation screen lists namespace 1; after ERASE the
# wipe child gets --namespaces 1 and the Format runs (without it kesu wipe
# --yes refuses, which is what the TUI used to hit).
source "$(dirname "$0")/lib.sh"
SIM=${KESU_SIM_BIN:?built by CMake: kesu-sim}

source "$(dirname "$0")/lib_tmux.sh"

img=$(make_image n.img 8M)
head -c $((8 << 20)) /dev/urandom | dd of="$img" conv=notrunc status=none
dev=$(attach "$img")
L="$WORK/disk/ledger.sqlite"
C="$WORK/disk/certs"
K="$WORK/disk/station.key"
mkdir -p "$WORK/disk"
LOG="$WORK/nvme.log"

tm new-session -d -s "$SESSION" -x 80 -y 25 \
	"XDG_CONFIG_HOME='$XDG_CONFIG_HOME' XDG_DATA_HOME='$XDG_DATA_HOME' TERM=vt100 \
	 KESU_NO_CLOCK_WARNING=1 KESU_SIM=nvme,nsid=2,other-nsid=1,fna=6 \
	 KESU_SIM_STATE='$WORK/nvme.state' KESU_SIM_LOG='$LOG' \
	 '$SIM' tui --ledger '$L' --cert-dir '$C' --key '$K' $dev; \
	 echo EXIT=\$? > '$WORK/exit'; sleep 60"

expect_screen "the drive list shows" "$dev"
keys Space
expect_screen "the drive selected" "1 selected"
keys Enter
expect_screen "the job form" "Operator *   Test Operator"
form_method nvme-format-crypto Right
for _ in $(seq 14); do keys Down; done
keys Enter
expect_screen "the confirmation" "Type ERASE to go ahead"
pane >"$WORK/screen-confirm"
check "it lists the other namespace the Format erases" \
	grep -q "also erases every namespace of the controller (FNA bit 1): nsid 2 $dev, nsid 1" \
	<(tr '\n' ' ' <"$WORK/screen-confirm" | tr -s ' ')
check "no Format NVM was sent before ERASE" bash -c "! grep -q '^nvme 80' '$LOG'"
keys "ERASE" Enter
expect_screen "the results screen" "kesu wipe: exit status"
pane >"$WORK/screen-results"
check "the wipe succeeded (not refused for namespace 1)" grep -q "^$dev  SUCCESS  method nvme-format-crypto" "$WORK/screen-results"
check "Format NVM was sent to nsid 2" grep -q '^nvme 80 nsid=0x00000002' "$LOG"
check "the ledger's record names both namespaces" \
	bash -c "sqlite3 '$L' 'SELECT record FROM jobs WHERE record IS NOT NULL' | grep -q '\"nsid\":1'"
keys q
for _ in $(seq 100); do [ -s "$WORK/exit" ] && break; sleep 0.1; done
check "kesu tui exited 0" grep -qx "EXIT=0" "$WORK/exit"

finish

# Simulated drives behind kesu's device-command transport (tests/sim,
# kesu-sim): a loop device holds the data, the simulator answers the
# commands. Sourced after lib.sh.
#   use NAME        the simulated drive's state and command log for drive NAME
#   new_drive NAME  a loop device of SIZE bytes full of recognisable "old data"
#   sha FILE        its SHA-256
SIM=${KESU_SIM_BIN:?built by CMake: kesu-sim}
SIZE=${SIZE:-$((8 << 20))}
export KESU_SIM_STATE KESU_SIM_LOG KESU_SIM

use() {
	KESU_SIM_STATE="$WORK/$1.state"
	KESU_SIM_LOG="$WORK/$1.log"
	rm -f "$KESU_SIM_STATE" "$KESU_SIM_LOG"
}

new_drive() {
	local img
	img=$(make_image "$1.img" "$SIZE")
	python3 -c "
import sys
line = b'CONFIDENTIAL customer record 0123456789 ' * 12 + b'\n'
data = (line * ($SIZE // len(line) + 1))[:$SIZE]
open(sys.argv[1], 'r+b').write(data)" "$img"
	attach "$img"
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

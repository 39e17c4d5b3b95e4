#!/bin/bash
# Boots the live image over the network under QEMU (TCG) and checks on the
# host what it did, with a throw-away PostgreSQL 15 as the central store.
#
# QEMU's user-mode network is the whole network: its built-in DHCP and TFTP
# server hand out kesu.ipxe, vmlinuz, initrd.zst and kesu.conf from a copy
# of the netboot directory (the files iso/build.sh made, unchanged; only
# kesu.conf, the site's settings, is written here). restrict=on: the guest
# reaches nothing outside the QEMU process but one guestfwd address,
# 10.0.2.100:5432, which QEMU connects (socat, one per connection) to the
# test's PostgreSQL on 127.0.0.1. No tap, no bridge, no other address.
#
# The station's key is made on the host and registered with kesu server
# add-station, as a site would do once per station; it travels on the
# station's KESU stick (a FAT image), where init finds it as on any boot.
#
#   netboot-push: one virtio disk filled with a pattern is wiped
#     unattended (nist-clear), the records are pushed, the machine powers
#     off by itself. Then: the store holds this station's SUCCESS record,
#     kesu ledger verify --db is OK, the disk is all zeros (no pattern).
#   netboot-unreachable: PostgreSQL is stopped before the boot. The wipe
#     happens, the push fails, and the station does NOT power off: the
#     serial console says why and that the results are on the stick. Then
#     PostgreSQL is started again and Enter pressed (QEMU's monitor, the PS/2
#     keyboard of tty0): the station sends the records and powers off.
#     NETBOOT_FULL=0 leaves it out (CI time: about 40 s).
#
# usage: iso/netboot-test.sh [--kesu PATH] [--only NAME] [NETBOOT-DIR]
#   NETBOOT-DIR defaults to build/netboot (made by iso/build.sh).
# Prints one "ok - NAME (SECONDS s)" or "not ok - ..." line per boot; exits
# non-zero if one failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
kesu=$here/../build/kesu
only=
while [ $# -gt 0 ]; do
	case $1 in
	--kesu) kesu=$2; shift 2 ;;
	--only) only=$2; shift 2 ;;
	*) break ;;
	esac
done
netdir=${1:-$here/../build/netboot}
for f in kesu.ipxe vmlinuz initrd.zst; do
	[ -f "$netdir/$f" ] || { echo "iso/netboot-test.sh: $netdir/$f: build it with iso/build.sh" >&2; exit 2; }
done
[ -x "$kesu" ] || { echo "iso/netboot-test.sh: $kesu: no kesu binary" >&2; exit 2; }
kesu=$(readlink -f "$kesu")
export MTOOLS_SKIP_CHECK=1

WORK=$(mktemp -d /tmp/kesu-netboot.XXXXXX)
# shellcheck disable=SC2034 # lib_pg.sh names the test by it
TEST_NAME=netboot-test
QEMU_PID=
cleanup() { # called by lib_pg.sh's exit trap, after PostgreSQL is stopped
	[ -n "$QEMU_PID" ] && kill "$QEMU_PID" 2>/dev/null
	if [ -n "${KESU_BOOT_KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
# shellcheck source=../tests/integration/lib_pg.sh
. "$here/../tests/integration/lib_pg.sh"
failed=0
DISK_MB=32
PATTERN=KESU-NETBOOT-PATTERN-0123456789

since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
report() { # NAME
	if [ -z "$why" ]; then
		printf 'ok - %s (%s s)\n' "$1" "$secs"
	else
		printf 'not ok - %s (%s s):%s\n' "$1" "$secs" "$why"
		tail -40 "$WORK/$1.txt"
		failed=1
	fi
}
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# The central store, and this station registered in it.
pg_start
"$kesu" server init --db "$PG_ADMIN_URL" >"$WORK/init.out" 2>&1 ||
	{ echo "not ok - netboot: kesu server init failed: $(tail -1 "$WORK/init.out")"; exit 1; }
mkdir -p "$WORK/stick/kesu"
"$kesu" key generate --key "$WORK/stick/kesu/station.key" --pubkey "$WORK/stick/kesu/station.pub" >/dev/null ||
	{ echo "not ok - netboot: kesu key generate failed"; exit 1; }
# add-station writes the role's pgpass line (*:*:*:ROLE:PASSWORD) to --out.
"$kesu" server add-station --db "$PG_ADMIN_URL" --name netboot-1 --pubkey "$WORK/stick/kesu/station.pub" \
	--out "$WORK/station.pgpass" >"$WORK/station.out" 2>&1 ||
	{ echo "not ok - netboot: kesu server add-station failed: $(tail -1 "$WORK/station.out")"; exit 1; }
role=$(cut -d: -f4 "$WORK/station.pgpass")
password=$(cut -d: -f5- "$WORK/station.pgpass")
[ -n "$role" ] && [ -n "$password" ] ||
	{ echo "not ok - netboot: kesu server add-station wrote no role and password"; exit 1; }

# The TFTP server's directory: the build's files as they are, and the
# site's kesu.conf (the password as a base64 pgpass line).
tftp=$WORK/tftp
mkdir -p "$tftp"
cp "$netdir"/kesu.ipxe "$netdir"/vmlinuz "$netdir"/initrd.zst "$tftp/"
{
	echo "# written by iso/netboot-test.sh"
	echo "kesu.server=postgresql://$role@10.0.2.100:5432/kesu"
	echo "kesu.station=netboot-1"
	echo "kesu.passfile=$(base64 -w0 "$WORK/station.pgpass")"
	echo "kesu.drives=all"
	echo "kesu.method=nist-clear"
	echo "kesu.operator=CI-Operator"
	echo "kesu.org=Test-City"
	echo "kesu.class=III"
} >"$tftp/kesu.conf"

# netboot NAME: boots with a fresh pattern disk and the station's stick
# (the same stick from boot to boot, as on a real station: a fresh ledger
# under the same key would be a fork); QEMU runs in the background
# (QEMU_PID), its serial log in WORK/NAME.log.
netboot() {
	local name=$1
	python3 - "$WORK/disk.img" "$PATTERN" "$DISK_MB" <<'EOF'
import sys
p = sys.argv[2].encode()
n = int(sys.argv[3]) << 20
open(sys.argv[1], 'wb').write((p * (n // len(p) + 1))[:n])
EOF
	if [ ! -f "$WORK/stick.img" ]; then
		truncate -s 32M "$WORK/stick.img"
		mkfs.vfat -n KESU "$WORK/stick.img" >/dev/null
		mcopy -s -i "$WORK/stick.img" "$WORK/stick/kesu" ::
	fi
	: >"$WORK/$name.log" # before QEMU opens it: wait_text may look first
	t0=$(date +%s.%N)
	qemu-system-x86_64 -accel tcg -M q35 -m 1024 -smp 2 -nographic -nodefaults -serial stdio -no-reboot \
		-netdev "user,id=n0,restrict=on,tftp=$tftp,bootfile=kesu.ipxe,guestfwd=tcp:10.0.2.100:5432-cmd:socat -lf /dev/null - TCP:127.0.0.1:$PG_PORT" \
		-device virtio-net-pci,netdev=n0,bootindex=0 \
		-device qemu-xhci,id=xhci \
		-drive "if=none,id=v0,file=$WORK/disk.img,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=v0,serial=VIRTIO-DISK-1 \
		-drive "if=none,id=r0,file=$WORK/stick.img,format=raw,cache=unsafe" \
		-device usb-storage,bus=xhci.0,drive=r0,serial=KESU-STICK \
		-monitor "unix:$WORK/monitor.sock,server=on,wait=off" \
		</dev/null >"$WORK/$name.log" 2>&1 &
	QEMU_PID=$!
}
# wait_text NAME TEXT SECONDS: until the serial log shows TEXT or QEMU ends
wait_text() {
	for _ in $(seq 1 $(($3 * 2))); do
		tr -d '\r' <"$WORK/$1.log" >"$WORK/$1.txt"
		grep -qF -- "$2" "$WORK/$1.txt" && return 0
		kill -0 "$QEMU_PID" 2>/dev/null || return 1
		sleep 0.5
	done
	return 1
}
# the stick's ledger: SUCCESS for the virtio disk, kept even if not sent;
# stick_n: how many such records it has (one per boot)
check_stick() {
	stick_n=0
	rm -rf "$WORK/r"
	mkdir -p "$WORK/r"
	mcopy -s -n -i "$WORK/stick.img" ::kesu "$WORK/r/" 2>/dev/null || { why="$why no kesu/ on the stick;"; return; }
	"$kesu" ledger export --json --ledger "$WORK/r/kesu/ledger.sqlite" -o "$WORK/ledger.json" 2>/dev/null ||
		{ why="$why no ledger on the stick;"; return; }
	stick_n=$(jq '[.. | objects | select(.media?.serial? == "VIRTIO-DISK-1" and .outcome? == "SUCCESS")] | length' \
		"$WORK/ledger.json")
	[ "$stick_n" -ge 1 ] || why="$why the stick's ledger has no SUCCESS record of VIRTIO-DISK-1;"
}
# store_count: this station's SUCCESS records of the virtio disk in the store
store_count() {
	pg_psql "$PG_ADMIN_URL" -c "SELECT count(*) FROM kesu.records r JOIN kesu.stations s ON s.fingerprint = r.station
		WHERE s.role = '$role' AND r.serial = 'VIRTIO-DISK-1' AND r.outcome = 'SUCCESS'" 2>&1 || true
}
disk_clean() {
	grep -qF "$PATTERN" "$WORK/disk.img" && why="$why the disk still holds the pattern;"
	cmp -s -n $((DISK_MB << 20)) "$WORK/disk.img" /dev/zero || why="$why the disk is not all zeros;"
}

if want netboot-push; then
	name=netboot-push
	why=""
	netboot $name
	# The guest powers off by itself once the push succeeded.
	if ! timeout 500 tail --pid="$QEMU_PID" -f /dev/null; then
		why="$why the station did not power off within 500 s;"
		kill "$QEMU_PID" 2>/dev/null
	fi
	wait "$QEMU_PID" || why="$why qemu exit $?;"
	QEMU_PID=
	secs=$(since "$t0")
	tr -d '\r' <"$WORK/$name.log" >"$WORK/$name.txt"
	grep -q "KESU-UNATTENDED-DONE rc=0" "$WORK/$name.txt" || why="$why no KESU-UNATTENDED-DONE rc=0;"
	grep -q "KESU-PUSH-DONE rc=0" "$WORK/$name.txt" || why="$why no KESU-PUSH-DONE rc=0;"
	grep -qF "$password" "$WORK/$name.txt" && why="$why the password appears on the serial console;"
	disk_clean
	check_stick
	# In the store: this station's record of the disk, SUCCESS.
	n=$(store_count)
	[ "$n" = "$stick_n" ] || why="$why the store has $n SUCCESS records of VIRTIO-DISK-1 from station $role, the stick $stick_n;"
	# and its certificate, the PDF the stick holds
	n=$(pg_psql "$PG_ADMIN_URL" -c "SELECT count(*) FROM kesu.documents d JOIN kesu.stations s ON s.fingerprint = d.station
		JOIN kesu.records r ON r.station = d.station AND r.seq = d.seq
		WHERE s.role = '$role' AND r.serial = 'VIRTIO-DISK-1'" 2>&1) || true
	[ "$n" -ge 1 ] 2>/dev/null || why="$why the store has no certificate of VIRTIO-DISK-1 ($n);"
	"$kesu" ledger verify --db "$PG_ADMIN_URL" >"$WORK/verify.out" 2>&1 ||
		why="$why kesu ledger verify --db failed: $(tail -1 "$WORK/verify.out");"
	grep -q "station netboot-1 .*: OK" "$WORK/verify.out" || why="$why kesu ledger verify --db does not call station netboot-1 OK;"
	report $name
fi

if { [ "${NETBOOT_FULL:-1}" != 0 ] && [ -z "$only" ]; } || [ "$only" = netboot-unreachable ]; then
	name=netboot-unreachable
	why=""
	before=$(store_count)
	pg_stop
	netboot $name
	wait_text $name "Enter: try to send again" 500 || why="$why no message that the station stays on;"
	secs=$(since "$t0")
	# Still running: it did not power off.
	sleep 2
	kill -0 "$QEMU_PID" 2>/dev/null || why="$why the station powered off without sending;"
	cp "$WORK/$name.txt" "$WORK/$name.before.txt"
	# The server is back; the operator presses Enter: sent, powered off.
	pg_restart
	echo "sendkey ret" | socat - "UNIX-CONNECT:$WORK/monitor.sock" >/dev/null 2>&1 || true
	if ! timeout 120 tail --pid="$QEMU_PID" -f /dev/null; then
		why="$why Enter did not send the records and power off within 120 s;"
		kill "$QEMU_PID" 2>/dev/null
	fi
	wait "$QEMU_PID" 2>/dev/null || true
	QEMU_PID=
	secs=$(since "$t0")
	tr -d '\r' <"$WORK/$name.log" >"$WORK/$name.txt"
	grep -q "KESU-PUSH-DONE rc=0" "$WORK/$name.txt" || why="$why no KESU-PUSH-DONE rc=0 after Enter;"
	grep -q "KESU-UNATTENDED-DONE rc=0" "$WORK/$name.txt" || why="$why no KESU-UNATTENDED-DONE rc=0;"
	grep -q "KESU-PUSH-DONE rc=0" "$WORK/$name.before.txt" && why="$why the push says it succeeded;"
	grep -q "this station stays on: the records were NOT sent to the central store" "$WORK/$name.txt" ||
		why="$why the console does not say the records were not sent;"
	grep -q "The results (ledger, certificates) are kept on /dev/" "$WORK/$name.txt" ||
		why="$why the console does not say where the results are kept;"
	grep -qF "$password" "$WORK/$name.txt" && why="$why the password appears on the serial console;"
	disk_clean
	check_stick
	n=$(store_count)
	[ "$n" = "$stick_n" ] && [ "$n" = $((before + 1)) ] ||
		why="$why after Enter the store has $n SUCCESS records of VIRTIO-DISK-1 ($before before the boot), the stick $stick_n;"
	"$kesu" ledger verify --db "$PG_ADMIN_URL" >"$WORK/verify.out" 2>&1 ||
		why="$why kesu ledger verify --db failed: $(tail -1 "$WORK/verify.out");"
	report $name
fi
exit $failed

#!/bin/bash
# Boots the live image under QEMU (TCG, serial console, no display) and
# checks on the host what it did. Test switches go in through fw_cfg, so
# the image under test is the one users get.
#
#   selftest (BIOS CD, UEFI CD, BIOS USB stick): kesu starts, lists a
#     virtio, an NVMe and an AHCI disk by serial, marks the boot medium SYSTEM.
#   wipe-bios-cd: unattended nist-clear of every free drive; results on a
#     separate USB stick labelled KESU. Every disk must read back as zeros;
#     the stick's ledger verifies and each certificate verifies.
#   wipe-uefi-usb: booted from a writable USB stick, results on the stick's
#     own KESU partition; unattended dod-3pass, one disk with a bad sector
#     (blkdebug): that job FAILED with the sector listed and no certificate,
#     the three others SUCCESS, their old data gone.
#   firmware-bios-cd: NVMe Format (user data erase) on QEMU's NVMe drive,
#     proven by reading; ATA Security Erase on a usb-storage disk, whose
#     bridge blocks ATA pass-through: unsupported, never success.
#   tui-serial-bios-cd: kesu tui on the serial console, driven through tmux
#     (QEMU runs inside it): a USB stick plugged in after boot is listed
#     after a re-probe, a disk erased, the results kept on that stick, which
#     the UI offers because there is no KESU stick.
#   tui-ja-serial-bios-cd: GRUB's Japanese serial entry (kesu.lang=ja): the
#     drive list in Japanese on the serial terminal.
#   tui-ja-fbterm-bios-cd: GRUB's Japanese entry on a VGA screen: kesu tui
#     runs under fbterm on /dev/fb0, and the screen is drawn.
#   netboot-push and netboot-unreachable (NETBOOT_FULL=0: only the first): the
#     netboot/ files beside the ISO booted through iPXE from QEMU's TFTP
#     server, pushing to a throw-away PostgreSQL (iso/netboot-test.sh).
#
# usage: iso/boot-test.sh [--kesu PATH] [--only NAME] [ISO]
#   ISO defaults to build/kesu-live.iso, the host kesu (which checks the
#   ledger and certificates) to build/kesu.
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
iso=${1:-$here/../build/kesu-live.iso}
[ -f "$iso" ] || { echo "iso/boot-test.sh: $iso: build it with iso/build.sh" >&2; exit 2; }
[ -x "$kesu" ] || { echo "iso/boot-test.sh: $kesu: no kesu binary to check the results with" >&2; exit 2; }
kesu=$(readlink -f "$kesu")
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || need+=(ovmf)
command -v mcopy >/dev/null || need+=(mtools)
command -v mkfs.vfat >/dev/null || need+=(dosfstools)
command -v jq >/dev/null || need+=(jq)
command -v socat >/dev/null || need+=(socat)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
export MTOOLS_SKIP_CHECK=1
work=$(mktemp -d /tmp/kesu-boot.XXXXXX)
TMUX_SOCK=kesu-boot-$$
cleanup() {
	tmux -L "$TMUX_SOCK" kill-server 2>/dev/null || true
	if [ -n "${KESU_BOOT_KEEP:-}" ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
failed=0
DISK_MB=32

# ---- helpers -------------------------------------------------------------------
# disk NAME [random]: a fresh image file (random content: something to erase)
disk() {
	rm -f "$work/$1.img"
	if [ "${2:-}" = random ]; then
		head -c $((DISK_MB << 20)) /dev/urandom >"$work/$1.img"
		cp "$work/$1.img" "$work/$1.orig"
	else
		truncate -s "${DISK_MB}M" "$work/$1.img"
	fi
}
# stick NAME: a results stick: one FAT filesystem labelled KESU (a file)
stick() {
	rm -f "$work/$1.img"
	truncate -s 32M "$work/$1.img"
	mkfs.vfat -n KESU "$work/$1.img" >/dev/null
}
# qemu_args FIRMWARE(bios|uefi) MEDIUM(cd|usb|usb-rw) ARGS...: the QEMU
# command line in QARGS (TCG, serial console on stdio, no display).
qemu_args() {
	local fw=$1 medium=$2
	shift 2
	QARGS=(qemu-system-x86_64 -accel tcg -M q35 -m 1024 -smp 2 -nographic -nodefaults
		-serial stdio -no-reboot -device qemu-xhci,id=xhci "$@")
	if [ "$fw" = uefi ]; then
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/vars.fd"
		QARGS+=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
			-drive "if=pflash,format=raw,file=$work/vars.fd")
	fi
	case $medium in
	usb) QARGS+=(-drive "if=none,id=boot,file=$iso,format=raw,readonly=on"
		-device usb-storage,bus=xhci.0,drive=boot,bootindex=0) ;;
	usb-rw) # a stick written with the image: its KESU partition is writable
		cp "$iso" "$work/bootstick.img"
		QARGS+=(-drive "if=none,id=boot,file=$work/bootstick.img,format=raw,cache=unsafe"
			-device usb-storage,bus=xhci.0,drive=boot,bootindex=0) ;;
	cd) QARGS+=(-drive "if=none,id=cd,file=$iso,format=raw,media=cdrom,readonly=on"
		-device ide-cd,bus=ide.0,drive=cd,bootindex=0) ;;
	esac
}
# qemu_boot NAME FIRMWARE MEDIUM ARGS...: boots, leaves the serial log in
# $work/NAME.log (NAME.txt without carriage returns) and the seconds in $secs.
qemu_boot() {
	local name=$1 t0 rc=0
	shift
	qemu_args "$@"
	t0=$(date +%s.%N)
	timeout 400 "${QARGS[@]}" </dev/null >"$work/$name.log" 2>&1 || rc=$?
	tr -d '\r' <"$work/$name.log" >"$work/$name.txt"
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	[ "$rc" = 0 ] || why="$why qemu exit $rc;"
}
# The three disks every scenario has (virtio, NVMe, AHCI), by serial.
std_disks() {
	echo -drive "if=none,id=v0,file=$work/virtio.img,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=v0,serial=VIRTIO-DISK-1 \
		-drive "if=none,id=n0,file=$work/nvme.img,format=raw,cache=unsafe" \
		-device nvme,drive=n0,serial=NVME-DISK-1 \
		-drive "if=none,id=s0,file=$work/sata.img,format=raw,cache=unsafe" \
		-device ide-hd,bus=ide.1,drive=s0,serial=SATA-DISK-1
}
# fw NAME=VALUE...: -fw_cfg options for the image's kesu.NAME switches
# (values go through files: QEMU's option syntax would split them at commas)
fw() {
	local kv
	for kv in "$@"; do
		printf '%s' "${kv#*=}" >"$work/fw.${kv%%=*}"
		printf -- '-fw_cfg\nname=opt/kesu.%s,file=%s\n' "${kv%%=*}" "$work/fw.${kv%%=*}"
	done
}
# fetch IMAGE[@@OFFSET] DIR: copies kesu/ off a FAT results stick (mtools, no mount)
fetch() {
	rm -rf "$2"
	mkdir -p "$2"
	mcopy -s -n -i "$1" ::kesu "$2/" 2>/dev/null || why="$why no kesu/ on the results stick;"
}
# kesu_partition IMAGE: IMAGE@@OFFSET of the FAT partition labelled KESU
kesu_partition() {
	local start
	for start in $(sfdisk -d "$1" 2>/dev/null | sed -n 's/.*start= *\([0-9]*\),.*/\1/p'); do
		if grep -q 'KESU *$' <<<"$(mlabel -s -i "$1@@$((start * 512))" :: 2>/dev/null)"; then
			echo "$1@@$((start * 512))"
			return
		fi
	done
}
# check_store DIR SUCCESS-SERIALS...: the ledger verifies; each serial has a
# SUCCESS record whose certificate verifies against the ledger and key.
check_store() {
	local dir=$1/kesu serial pub
	shift
	pub=$dir/station.pub
	rm -f "$work/ledger.json"
	[ -f "$dir/ledger.sqlite" ] || { why="$why no ledger on the stick;"; return; }
	"$kesu" ledger verify --ledger "$dir/ledger.sqlite" --pubkey "$pub" >"$work/verify.out" 2>&1 ||
		why="$why ledger does not verify ($(tail -1 "$work/verify.out"));"
	"$kesu" ledger export --json --ledger "$dir/ledger.sqlite" -o "$work/ledger.json" 2>/dev/null ||
		why="$why ledger export failed;"
	# Every record names one station: a host name made from its machine id,
	# which is the one kept on a KESU stick (a stick chosen in the UI has none).
	local station mid
	station=$(jq -r '[.. | objects | select(.station? != null) | .station |
		"\(.hostname) \(.machine_id)"] | unique | join(",")' "$work/ledger.json" 2>/dev/null || true)
	mid=${station##* }
	[ -f "$dir/machine-id" ] && mid=$(cat "$dir/machine-id")
	[ "$station" = "kesu-${mid:0:8} $mid" ] || why="$why the records name station '$station', not the stick's;"
	for serial in "$@"; do
		local cid cert
		cid=$(jq -r --arg s "$serial" '[.. | objects | select(.media?.serial? == $s and .outcome? == "SUCCESS")][0].certificate_id // empty' "$work/ledger.json" 2>/dev/null || true)
		if [ -z "$cid" ]; then
			why="$why $serial: no SUCCESS record;"
			continue
		fi
		cert=$(ls "$dir"/certificates/*"$cid"*.pdf 2>/dev/null | head -1)
		if [ -z "$cert" ]; then
			why="$why $serial: certificate $cid missing;"
		elif ! "$kesu" cert verify --pubkey "$pub" --ledger "$dir/ledger.sqlite" "$cert" >"$work/cert.out" 2>&1; then
			why="$why $serial: certificate does not verify ($(tail -1 "$work/cert.out"));"
		fi
	done
}
# zeros NAME: the disk image reads back as zeros
zeros() {
	cmp -s -n $((DISK_MB << 20)) "$work/$1.img" /dev/zero || why="$why $1 disk is not all zeros;"
}
# overwritten NAME: no 4 KiB block still holds its old (random) content
overwritten() {
	local same
	same=$(python3 - "$work/$1.orig" "$work/$1.img" <<'EOF'
import sys
a, b = open(sys.argv[1], 'rb'), open(sys.argv[2], 'rb')
same = 0
while True:
    x, y = a.read(4096), b.read(4096)
    if not x:
        break
    same += x == y
print(same)
EOF
	)
	[ "$same" = 0 ] || why="$why $1: $same blocks still hold their old data;"
}
report() { # NAME
	if [ -z "$why" ]; then
		printf 'ok - %s (%s s)\n' "$1" "$secs"
	else
		printf 'not ok - %s (%s s):%s\n' "$1" "$secs" "$why"
		tail -40 "$work/$1.txt"
		failed=1
	fi
}
want() { [ -z "$only" ] || [ "$only" = "$1" ]; }

# ---- scenarios -------------------------------------------------------------------
selftest() { # NAME FIRMWARE MEDIUM
	local name=$1 medium=$3 bootdev
	why=""
	for d in virtio nvme sata; do disk $d; done
	# shellcheck disable=SC2046
	qemu_boot "$name" "$2" "$medium" $(std_disks) $(fw selftest=1)
	grep -q "KESU-SELFTEST-DONE rc=0" "$work/$name.txt" || why="$why no KESU-SELFTEST-DONE rc=0;"
	for s in VIRTIO-DISK-1 NVME-DISK-1 SATA-DISK-1; do
		grep -q "$s" "$work/$name.txt" || why="$why $s not listed;"
	done
	bootdev=$(sed -n 's/.*KESU-SELFTEST-BEGIN boot-device=\(\/dev\/[a-z0-9]*\).*/\1/p' "$work/$name.txt")
	if [ -z "$bootdev" ]; then
		why="$why boot medium not found;"
	elif [ "$medium" = usb ] && ! grep -E "^$bootdev .*SYSTEM" "$work/$name.txt" >/dev/null; then
		why="$why boot medium $bootdev not marked SYSTEM;"
	fi
	# The stick here is write-protected: its KESU partition (which has a
	# kesu/ directory) mounts read-only, so the results would be lost.
	[ "$medium" = usb ] && ! grep -q "is labelled KESU but could not be mounted for writing" "$work/$name.txt" &&
		why="$why a write-protected KESU partition was not refused;"
	report "$name"
}

wipe_bios_cd() {
	local name=wipe-bios-cd
	why=""
	for d in virtio nvme sata; do disk $d random; done
	stick results
	# shellcheck disable=SC2046
	qemu_boot $name bios cd $(std_disks) \
		-drive "if=none,id=r0,file=$work/results.img,format=raw,cache=unsafe" \
		-device usb-storage,bus=xhci.0,drive=r0,serial=KESU-STICK \
		-smbios type=1,manufacturer=KESU-TEST-PC,product=LEASE-PC-7,serial=PC-LEASE-0042 \
		-smbios type=3,asset=ASSET-0042 \
		$(fw drives=all method=nist-clear operator=CI-Operator org=Test-City class=III poweroff=1)
	grep -q "KESU-UNATTENDED-DONE rc=0" "$work/$name.txt" || why="$why no KESU-UNATTENDED-DONE rc=0;"
	for d in virtio nvme sata; do zeros $d; done
	fetch "$work/results.img" "$work/r1"
	check_store "$work/r1" VIRTIO-DISK-1 NVME-DISK-1 SATA-DISK-1
	[ "$(jq '[.. | objects | select(.outcome? != null and .media? != null)] | length' "$work/ledger.json" 2>/dev/null)" = 3 ] ||
		why="$why the ledger does not hold exactly 3 jobs (the stick was erased?);"
	# A lease return names the PC: every job records the machine it ran in
	# (the SMBIOS identity QEMU was given), and the certificates print it.
	[ "$(jq -c '[.. | objects | select(.outcome? != null and .media? != null) | .host] | unique' "$work/ledger.json" 2>/dev/null)" = \
		'[{"asset_tag":"ASSET-0042","manufacturer":"KESU-TEST-PC","product":"LEASE-PC-7","serial":"PC-LEASE-0042"}]' ] ||
		why="$why the jobs do not record the host PC's SMBIOS identity;"
	# each drive's certificate (not the run's job summary, a batch) prints it
	local pdf shown=0 doc missed=""
	for pdf in "$work"/r1/kesu/certificates/*.pdf; do
		doc=$("$kesu" cert show "$pdf" 2>"$work/show.err" | jq -r .document)
		[ "$doc" = batch-certificate ] && continue
		# (the text first, then grep: under pipefail, grep -q leaving early
		# makes pdftotext fail with SIGPIPE when it still has pages to write)
		if [ "$doc" = certificate ] && grep -q "PC-LEASE-0042" <<<"$(pdftotext "$pdf" - 2>/dev/null)"; then
			shown=$((shown + 1))
		else # say which and why, so that a failure can be read from the log
			missed="$missed $(basename "$pdf") (${doc:-?} $(head -c 120 "$work/show.err"))"
		fi
	done
	[ "$shown" = 3 ] || why="$why $shown of 3 certificates show the host PC's serial:$missed;"
	report $name
}

wipe_uefi_usb() {
	local name=wipe-uefi-usb part rec
	why=""
	for d in virtio nvme sata bad; do disk $d random; done
	# Every write that touches sector 4096 (2 MiB in) fails with EIO.
	printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\nsector = "4096"\n' >"$work/bad.conf"
	# shellcheck disable=SC2046
	qemu_boot $name uefi usb-rw $(std_disks) \
		-drive "if=none,id=b0,file=blkdebug:$work/bad.conf:$work/bad.img,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=b0,serial=BAD-DISK-1 \
		$(fw drives=all method=dod-3pass operator=CI-Operator org=Test-City class=III poweroff=1)
	grep -q "KESU-UNATTENDED-DONE rc=" "$work/$name.txt" || why="$why no KESU-UNATTENDED-DONE;"
	grep -q "KESU-UNATTENDED-DONE rc=0" "$work/$name.txt" && why="$why a bad sector yet rc=0;"
	for d in virtio nvme sata; do overwritten $d; done
	part=$(kesu_partition "$work/bootstick.img")
	if [ -z "$part" ]; then
		why="$why no KESU partition on the boot stick;"
	else
		fetch "$part" "$work/r2"
		check_store "$work/r2" VIRTIO-DISK-1 NVME-DISK-1 SATA-DISK-1
		rec=$(jq -c '[.. | objects | select(.media?.serial? == "BAD-DISK-1" and .outcome? != null)][0]' "$work/ledger.json" 2>/dev/null)
		[ "$(jq -r .outcome <<<"$rec")" = FAILED ] || why="$why BAD-DISK-1 is not FAILED ($(jq -r .outcome <<<"$rec"));"
		# Its document is a failure report, never a certificate.
		local doc
		doc=$(ls "$work"/r2/kesu/certificates/*"$(jq -r '.certificate_id // "none"' <<<"$rec")".pdf 2>/dev/null | head -1)
		if [ -z "$doc" ]; then
			why="$why BAD-DISK-1 has no failure report;"
		else
			[ "$("$kesu" cert show "$doc" | jq -r '.document + " " + .outcome')" = "failure-report FAILED" ] ||
				why="$why BAD-DISK-1's document is not a failure report;"
		fi
		for doc in "$work"/r2/kesu/certificates/*.pdf; do
			"$kesu" cert show "$doc" | jq -e 'select(.media.serial == "BAD-DISK-1" and .outcome == "SUCCESS")' >/dev/null &&
				why="$why a success certificate for BAD-DISK-1;"
		done
		# The bad sector is inside one of the record's bad ranges.
		jq -e '[.. | objects | select(has("first") and has("count")) | select(.first <= 4096 and .first + .count > 4096)] | length > 0' <<<"$rec" >/dev/null ||
			why="$why BAD-DISK-1's record does not list sector 4096;"
	fi
	report $name
}

firmware_bios_cd() {
	local name=firmware-bios-cd
	why=""
	disk fmt random
	disk usb random
	stick results
	# shellcheck disable=SC2046
	qemu_boot $name bios cd \
		-drive "if=none,id=n0,file=$work/fmt.img,format=raw,cache=unsafe" \
		-device nvme,drive=n0,serial=NVME-FMT-1 \
		-drive "if=none,id=u0,file=$work/usb.img,format=raw,cache=unsafe" \
		-device usb-storage,bus=xhci.0,drive=u0,serial=USB-DISK-1 \
		-drive "if=none,id=r0,file=$work/results.img,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=r0,serial=KESU-STICK \
		$(fw drives=NVME-FMT-1:nvme-format-erase,USB-DISK-1:ata-security-erase allow_usb=1 \
			operator=CI-Operator org=Test-City class=III poweroff=1)
	# The USB drive cannot do it: kesu wipe exits 3 (unsupported).
	grep -q "KESU-UNATTENDED-DONE rc=3" "$work/$name.txt" || why="$why unattended rc is not 3 (unsupported);"
	grep -q "/dev/sd[a-z]*: ata-security-erase: ATA commands do not reach the drive" "$work/$name.txt" ||
		why="$why no message that the bridge blocks ATA pass-through;"
	overwritten fmt
	zeros fmt
	cmp -s "$work/usb.img" "$work/usb.orig" || why="$why the USB disk was written to;"
	fetch "$work/results.img" "$work/r3"
	check_store "$work/r3" NVME-FMT-1
	jq -e '[.. | objects | select(.media?.serial? == "NVME-FMT-1" and .outcome? == "SUCCESS") | .sanitization.technique] | index("firmware") != null' "$work/ledger.json" >/dev/null 2>&1 ||
		why="$why the NVMe record is not a firmware SUCCESS;"
	jq -e '[.. | objects | select(.media?.serial? == "USB-DISK-1" and .outcome? == "SUCCESS")] | length == 0' "$work/ledger.json" >/dev/null 2>&1 ||
		why="$why a SUCCESS record for the USB disk;"
	report $name
}

# The text UI on the image's serial console, driven like a person would:
# QEMU runs inside tmux (the terminal), GRUB's "serial console" entry is
# chosen, a virtio disk is erased through the screens, and the results go
# to a USB stick that is NOT labelled KESU, which the UI offers because
# they would otherwise be lost at power-off.
tmx() { tmux -L "$TMUX_SOCK" "$@"; }
screen_has() { tmx capture-pane -p 2>/dev/null | grep -qF -- "$1"; }
# pane_wait TEXT SECONDS: waits until the screen shows TEXT
pane_wait() {
	local i
	for i in $(seq 1 $(($2 * 5))); do
		screen_has "$1" && return 0
		sleep 0.2
	done
	why="$why the screen never showed '$1';"
	{ echo "--- screen while waiting for '$1':"; tmx capture-pane -p; } >>"$work/${pane_name:-tui-serial-bios-cd}.txt" 2>&1
	return 1
}
keys() { tmx send-keys "$@"; sleep 0.3; }
tui_serial_bios_cd() {
	local name=tui-serial-bios-cd row k t0
	why=""
	: >"$work/$name.txt"
	disk virtio random
	rm -f "$work/data.img"
	truncate -s 32M "$work/data.img"
	mkfs.vfat -n DATA "$work/data.img" >/dev/null
	qemu_args bios cd \
		-drive "if=none,id=v0,file=$work/virtio.img,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=v0,serial=VIRTIO-DISK-1 \
		-drive "if=none,id=d0,file=$work/data.img,format=raw,cache=unsafe" \
		-monitor "unix:$work/monitor.sock,server=on,wait=off"
	command -v tmux >/dev/null || { why="$why tmux is not installed;"; report $name; return; }
	t0=$(date +%s.%N)
	tmx new-session -d -x 80 -y 25 "$(printf '%q ' timeout --foreground 400 "${QARGS[@]}"); echo QEMU-EXIT=\$? >$work/$name.exit"
	# GRUB's serial entry by its hotkey: one plain byte (an arrow key's
	# escape sequence can be lost while GRUB draws). GRUB clears the screen
	# as it boots; press again while the menu is still there.
	if pane_wait "highlighted entry" 90; then
		for _ in 1 2 3 4 5; do
			tmx send-keys -l s
			for _ in $(seq 1 10); do screen_has "highlighted entry" || break 2; sleep 0.2; done
		done
	fi
	pane_wait " - drives" 120 && {
		printf '# kesu tui on the serial console %s s after power-on\n' \
			"$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
		# The USB stick is plugged in now, after boot (no USB storage driver
		# is loaded yet: the image must load it on the kernel's event); the
		# list shows it after a re-probe.
		echo "device_add usb-storage,bus=xhci.0,drive=d0,serial=DATA-STICK,id=stick" |
			socat - "UNIX-CONNECT:$work/monitor.sock" >/dev/null
		for _ in $(seq 1 20); do
			sleep 1
			keys r
			tmx capture-pane -p | grep -qE '/dev/sda +usb ' && break
		done
		tmx capture-pane -p | grep -qE '/dev/sda +usb ' || why="$why the stick plugged in after boot is not listed;"
		# The cursor starts on the first drive row; move it to the virtio disk.
		row=$(tmx capture-pane -p | grep -E '^(\[.\]| - ) ' | grep -n '/dev/vda ' | cut -d: -f1)
		if [ -z "$row" ]; then
			why="$why the virtio disk is not listed;"
		else
			for _ in $(seq 2 "$row"); do keys Down; done
			keys Space
			screen_has "[x] /dev/vda" || why="$why the virtio disk could not be selected;"
			keys Enter
		fi
	}
	pane_wait " - job" 20 && {
		keys Down
		keys Down
		keys Enter
		keys -l "CI Operator"
		keys Enter
		keys Up
		keys Up # back on the method row
		for _ in $(seq 1 30); do
			screen_has "< nist-clear >" && break
			keys Right
		done
		screen_has "< nist-clear >" || why="$why method nist-clear could not be chosen;"
		# The class: the default policy refuses a job whose class is not given.
		for _ in 1 2 3 4 5 6 7; do keys Down; done # Verify .. Approval, onto Class
		for _ in 1 2 3 4; do
			screen_has "< III >" && break
			keys Right
		done
		screen_has "< III >" || why="$why class III could not be chosen;"
		for _ in 1 2 3; do keys Down; done # Purpose, Asset no., [ Start ]
		keys Enter
	}
	# No KESU stick: the UI says the results would be lost and offers the
	# USB stick (the first choice).
	pane_wait "Results will be LOST at power-off" 20 && {
		screen_has "Keep them on /dev/sda" || why="$why the USB stick is not offered;"
		keys Enter
	}
	pane_wait "Type ERASE to go ahead" 30 && {
		keys -l ERASE
		keys Enter
	}
	pane_wait "results: every drive erased" 240 && {
		screen_has "SUCCESS" || why="$why no SUCCESS on the results screen;"
		keys q
	}
	# Back in the image's menu: power off (the UI has unmounted the stick).
	pane_wait "choice:" 30 && { keys p; keys Enter; }
	for _ in $(seq 1 150); do [ -f "$work/$name.exit" ] && break; sleep 0.2; done
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	grep -q "QEMU-EXIT=0" "$work/$name.exit" 2>/dev/null || why="$why the machine did not power off cleanly;"
	tmx kill-server 2>/dev/null || true
	zeros virtio
	fetch "$work/data.img" "$work/r4"
	check_store "$work/r4" VIRTIO-DISK-1
	report $name
}

# The catalogue's Japanese for MSGID: the one beside the host kesu, built
# from the same tree as the image's (empty when it has none).
ja_of() {
	python3 - "$(dirname "$kesu")/locale/ja/LC_MESSAGES/kesu.mo" "$1" <<'EOF' 2>/dev/null || true
import gettext, sys
t = gettext.GNUTranslations(open(sys.argv[1], 'rb')).gettext(sys.argv[2])
print(t if t != sys.argv[2] else '')
EOF
}
# grub_key KEY: chooses a GRUB entry by its hotkey, one plain byte on the
# serial line (an arrow key's escape sequence can be lost while GRUB
# draws); GRUB clears the screen as it boots: press again while the menu
# is still there.
grub_key() {
	pane_wait "highlighted entry" 90 || return 1
	for _ in 1 2 3 4 5; do
		tmx send-keys -l "$1"
		for _ in $(seq 1 10); do screen_has "highlighted entry" || return 0; sleep 0.2; done
	done
}
# since T0: seconds from T0 (date +%s.%N) to now
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

# GRUB's "Japanese screens, serial console only" entry (kesu.lang=ja): the
# text UI's drive list appears in Japanese on the serial terminal (tmux,
# UTF-8), then q and power off from the image's menu.
tui_ja_serial_bios_cd() {
	local name=tui-ja-serial-bios-cd pane_name=tui-ja-serial-bios-cd title t0
	why=""
	: >"$work/$name.txt"
	disk virtio
	title=$(ja_of drives)
	[ -n "$title" ] || { why="$why the catalogue beside $kesu has no Japanese for the drive list's title;"; secs=0; report $name; return; }
	qemu_args bios cd -drive "if=none,id=v0,file=$work/virtio.img,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=v0,serial=VIRTIO-DISK-1
	t0=$(date +%s.%N)
	LC_ALL=C.UTF-8 tmx -u new-session -d -x 80 -y 25 "$(printf '%q ' timeout --foreground 200 "${QARGS[@]}"); echo QEMU-EXIT=\$? >$work/$name.exit"
	grub_key k
	if pane_wait " - $title" 60; then
		printf '# kesu tui in Japanese on the serial console %s s after power-on\n' "$(since "$t0")"
		screen_has "VIRTIO-DISK-1" || why="$why the virtio disk is not listed;"
		keys q
	fi
	pane_wait "choice:" 30 && { keys p; keys Enter; }
	for _ in $(seq 1 150); do [ -f "$work/$name.exit" ] && break; sleep 0.2; done
	secs=$(since "$t0")
	grep -q "QEMU-EXIT=0" "$work/$name.exit" 2>/dev/null || why="$why the machine did not power off cleanly;"
	tmx kill-server 2>/dev/null || true
	report $name
}

# lit_pixels PPM: how many pixels of QEMU's screendump are not black
lit_pixels() {
	python3 - "$1" <<'EOF' 2>/dev/null || echo 0
import sys
d = open(sys.argv[1], 'rb').read()
px = d.split(maxsplit=4)[4] # P6 width height maxval, then RGB bytes
print(sum(1 for i in range(0, len(px), 3) if px[i] or px[i + 1] or px[i + 2]))
EOF
}
# GRUB's "Japanese screens" entry on a PC screen (QEMU's standard VGA,
# vesafb): fbterm draws kesu tui on /dev/fb0, as the image tells the serial
# line; the screen (QEMU's screendump) is drawn, not blank.
tui_ja_fbterm_bios_cd() {
	local name=tui-ja-fbterm-bios-cd pane_name=tui-ja-fbterm-bios-cd t0 lit
	why=""
	: >"$work/$name.txt"
	disk virtio
	qemu_args bios cd -drive "if=none,id=v0,file=$work/virtio.img,format=raw,cache=unsafe" \
		-device virtio-blk-pci,drive=v0,serial=VIRTIO-DISK-1 -vga std \
		-monitor "unix:$work/monitor.sock,server=on,wait=off"
	t0=$(date +%s.%N)
	# (wide: the serial line's report is one long line)
	tmx new-session -d -x 160 -y 25 "$(printf '%q ' timeout --foreground 200 "${QARGS[@]}"); echo QEMU-EXIT=\$? >$work/$name.exit"
	grub_key j
	if pane_wait "kesu tui runs in fbterm on /dev/fb0" 60; then
		printf '# kesu tui under fbterm %s s after power-on: %s\n' "$(since "$t0")" \
			"$(tmx capture-pane -p | grep -o 'fbterm on /dev/fb0.*')"
		# fbterm clears the screen; then kesu tui draws its first screen.
		for _ in $(seq 1 15); do
			sleep 2
			rm -f "$work/screen.ppm"
			echo "screendump $work/screen.ppm" | socat - "UNIX-CONNECT:$work/monitor.sock" >/dev/null
			sleep 0.5
			lit=$(lit_pixels "$work/screen.ppm")
			[ "$lit" -gt 5000 ] && break
		done
		[ "$lit" -gt 5000 ] || why="$why the framebuffer is blank ($lit pixels lit);"
		screen_has "kesu: fbterm did not start" && why="$why fbterm stopped;"
	fi
	echo quit | socat - "UNIX-CONNECT:$work/monitor.sock" >/dev/null 2>&1 || true
	for _ in $(seq 1 50); do [ -f "$work/$name.exit" ] && break; sleep 0.2; done
	secs=$(since "$t0")
	tmx kill-server 2>/dev/null || true
	report $name
}

want selftest-bios-cd && selftest selftest-bios-cd bios cd
want selftest-uefi-cd && selftest selftest-uefi-cd uefi cd
want selftest-bios-usb && selftest selftest-bios-usb bios usb
want wipe-bios-cd && wipe_bios_cd
want wipe-uefi-usb && wipe_uefi_usb
want firmware-bios-cd && firmware_bios_cd
want tui-serial-bios-cd && tui_serial_bios_cd
want tui-ja-serial-bios-cd && tui_ja_serial_bios_cd
want tui-ja-fbterm-bios-cd && tui_ja_fbterm_bios_cd
if [ -z "$only" ] || [[ $only == netboot-* ]]; then
	"$here/netboot-test.sh" --kesu "$kesu" ${only:+--only "$only"} "$(dirname "$iso")/netboot" || failed=1
fi
exit $failed

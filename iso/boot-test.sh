#!/bin/bash
# Boots the live image under QEMU (TCG, serial console, no display) with a
# virtio, an NVMe and an AHCI disk, in its self-test mode (switched on
# through fw_cfg, so the image is the one users get): kesu must start, list
# the three disks with their serials, and mark the boot medium SYSTEM.
# Boots: BIOS from a CD, UEFI from a CD, BIOS from a USB stick.
#
# usage: iso/boot-test.sh [ISO]   (default build/kesu-live.iso)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd -P)
iso=${1:-$here/../build/kesu-live.iso}
[ -f "$iso" ] || { echo "iso/boot-test.sh: $iso: build it with iso/build.sh" >&2; exit 2; }
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || need+=(ovmf)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
work=$(mktemp -d /tmp/kesu-boot.XXXXXX)
trap 'rm -rf "$work"' EXIT
failed=0

boot() { # NAME FIRMWARE(bios|uefi) MEDIUM(cd|usb)
	local name=$1 fw=$2 medium=$3 log=$work/$1.log
	for d in virtio nvme sata; do truncate -s 64M "$work/$d.img"; done
	local args=(-accel tcg -M q35 -m 768 -smp 2 -nographic -nodefaults -serial stdio -no-reboot
		-fw_cfg name=opt/kesu.selftest,string=1
		-drive "if=none,id=v0,file=$work/virtio.img,format=raw,cache=unsafe"
		-device virtio-blk-pci,drive=v0,serial=VIRTIO-DISK-1
		-drive "if=none,id=n0,file=$work/nvme.img,format=raw,cache=unsafe"
		-device nvme,drive=n0,serial=NVME-DISK-1
		-drive "if=none,id=s0,file=$work/sata.img,format=raw,cache=unsafe"
		-device ide-hd,bus=ide.1,drive=s0,serial=SATA-DISK-1)
	if [ "$fw" = uefi ]; then
		cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/vars.fd"
		args+=(-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
			-drive "if=pflash,format=raw,file=$work/vars.fd")
	fi
	if [ "$medium" = usb ]; then
		args+=(-drive "if=none,id=stick,file=$iso,format=raw,readonly=on"
			-device qemu-xhci -device usb-storage,drive=stick,bootindex=0)
	else
		args+=(-drive "if=none,id=cd,file=$iso,format=raw,media=cdrom,readonly=on"
			-device ide-cd,bus=ide.0,drive=cd,bootindex=0)
	fi
	local t0 rc=0
	t0=$(date +%s.%N)
	timeout 180 qemu-system-x86_64 "${args[@]}" </dev/null >"$log" 2>&1 || rc=$?
	local secs
	secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" "BEGIN { print b - a }")
	local why=""
	[ "$rc" = 0 ] || why="$why qemu exit $rc;"
	grep -q "KESU-SELFTEST-DONE rc=0" "$log" || why="$why no KESU-SELFTEST-DONE rc=0;"
	for s in VIRTIO-DISK-1 NVME-DISK-1 SATA-DISK-1; do
		grep -q "$s" "$log" || why="$why $s not listed;"
	done
	local bootdev
	bootdev=$(sed -n 's/.*KESU-SELFTEST-BEGIN boot-device=\(\/dev\/[a-z0-9]*\).*/\1/p' "$log" | tr -d '\r')
	if [ -z "$bootdev" ]; then
		why="$why boot medium not found;"
	elif [ "$medium" = usb ] && ! grep -E "^$bootdev .*SYSTEM" "$log" >/dev/null; then
		why="$why boot medium $bootdev not marked SYSTEM;"
	fi
	if [ -z "$why" ]; then
		printf 'ok - %s boots to kesu in %.1f s (boot medium %s)\n' "$name" "$secs" "$bootdev"
	else
		printf 'not ok - %s (%.1f s):%s\n' "$name" "$secs" "$why"
		tail -30 "$log"
		failed=1
	fi
}

boot bios-cd bios cd
boot uefi-cd uefi cd
boot bios-usb bios usb
exit $failed

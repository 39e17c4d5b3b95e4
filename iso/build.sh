#!/bin/bash
# Builds kesu's live image: a hybrid BIOS + UEFI ISO (also bootable written
# to a USB stick) from Debian packages only: the Debian kernel with the
# storage, USB and virtio modules, a busybox-static initramfs, kesu with
# its shared libraries and the IPAex Gothic font its certificates embed,
# which fbterm also draws the Japanese screens with (kesu.lang=ja).
# Beside the ISO, netboot/ holds the same kernel and initramfs for a
# network boot (iPXE: kesu.ipxe; iso/README.md shows a dnsmasq set-up).
#
# usage: iso/build.sh [--kesu PATH] [--out FILE] [--cache DIR]
#   --kesu   the kesu binary to put in (default build/kesu)
#   --out    the ISO to write (default build/kesu-live.iso); the network
#            boot files go to netboot/ in the same directory
#   --cache  where downloaded packages are kept between builds
#            (default $KESU_ISO_CACHE, else ~/.cache/kesu-iso: shared by
#            every checkout on the machine)
# Run as root (apt-get installs what is missing). Writes only its work
# directory under /tmp (removed on exit), the cache and the ISO.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/.." && pwd -P)
kesu=$top/build/kesu
out=$top/build/kesu-live.iso
cache=${KESU_ISO_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/kesu-iso} # root runs it
results_mib=20 # the KESU partition: about 60 certificates
while [ $# -gt 0 ]; do
	case $1 in
	--kesu) kesu=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--cache) cache=$2; shift 2 ;;
	*) echo "usage: $0 [--kesu PATH] [--out FILE] [--cache DIR]" >&2; exit 2 ;;
	esac
done
die() { echo "iso/build.sh: $*" >&2; exit 1; }
log() { echo "iso/build.sh: $*"; }
t0=$(date +%s)
[ "$(id -u)" = 0 ] || die "run as root"
[ -x "$kesu" ] || die "$kesu: no kesu binary (build it first: cmake --build build)"

# --- tools -----------------------------------------------------------------
need=()
for p in grub-pc-bin grub-efi-amd64-bin xorriso mtools dosfstools busybox-static zstd cpio kmod \
	fonts-ipaexfont-gothic fbterm fontconfig ipxe; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/kesu-iso.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache"

# --- kernel (the concrete package behind the metapackage, cached) ----------
kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64"
deb=$(ls "$cache/${kpkg}"_*.deb 2>/dev/null | head -1 || true)
if [ -z "$deb" ]; then
	log "downloading $kpkg"
	(cd "$work" && chmod 777 . && apt-get download -q "$kpkg" >/dev/null 2>&1) ||
		die "apt-get download $kpkg failed"
	mv "$work/${kpkg}"_*.deb "$cache/"
	deb=$(ls "$cache/${kpkg}"_*.deb | head -1)
fi
dpkg -x "$deb" "$work/kernel"
kver=$(ls "$work/kernel/lib/modules")
depmod -b "$work/kernel" "$kver"

# --- initramfs ---------------------------------------------------------------
ird=$work/initramfs
mkdir -p "$ird"/{bin,dev,proc,sys,tmp,run,root,etc,mnt} "$ird/lib/modules/$kver"
cp /bin/busybox "$ird/bin/busybox"
for a in $(/bin/busybox --list); do
	[ "$a" = busybox ] || ln -s busybox "$ird/bin/$a"
done
install -m 755 "$here/init" "$ird/init"

# Storage, USB and virtio drivers (and what they depend on); the rest of
# the kernel stays out. qemu_fw_cfg carries test switches under QEMU. The
# network cards of a network boot: virtio and the Intel and Realtek chips
# most PCs and virtual machines have (udhcpc's packet socket is built in).
modules="virtio_pci virtio_blk virtio_scsi nvme ahci ata_piix ata_generic sd_mod sr_mod sg
	virtio_net e1000 e1000e igb r8169
	usb_storage uas xhci_pci xhci_plat_hcd ehci_pci ohci_pci uhci_hcd usbhid hid_generic
	mmc_block sdhci_pci megaraid_sas mpt3sas qemu_fw_cfg loop isofs vfat nls_cp437 nls_utf8
	nls_ascii ext4 crc64_rocksoft_generic crct10dif_generic"
for m in $modules; do
	modprobe -d "$work/kernel" -S "$kver" --show-depends "$m" 2>/dev/null | awk '$1 == "insmod" {print $2}' || true
done | sort -u | while read -r ko; do
	rel=${ko#"$work/kernel/"}
	rel=${rel#./}
	mkdir -p "$ird/$(dirname "$rel")"
	cp "$ko" "$ird/$rel"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$work/kernel/lib/modules/$kver/$f" "$ird/lib/modules/$kver/"
done
depmod -b "$ird" "$kver"

# kesu, fbterm and their shared-library closures, at the same paths as on
# the host.
libs() { # BINARY: copies the libraries it loads
	ldd "$1" | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | sort -u | while read -r lib; do
		mkdir -p "$ird/$(dirname "$lib")"
		cp -L "$lib" "$ird/$lib"
	done
}
install -m 755 "$kesu" "$ird/bin/kesu"
libs "$kesu"
# kesu's Japanese messages (the build puts the catalogue beside the binary)
# and the C.UTF-8 locale, without which the C library would turn them into
# question marks: kesu falls back to it when ja_JP.UTF-8 is not installed.
mo=$(dirname "$kesu")/locale/ja/LC_MESSAGES/kesu.mo
[ -f "$mo" ] || die "$mo: no Japanese catalogue beside $kesu (build it: cmake --build)"
install -D -m 644 "$mo" "$ird/bin/locale/ja/LC_MESSAGES/kesu.mo" # beside /bin/kesu, where it looks first
mkdir -p "$ird/usr/lib/locale"
cp -R /usr/lib/locale/C.utf8 "$ird/usr/lib/locale/"
# fbterm draws the Japanese screens on a framebuffer (the VGA text console
# has no kanji) with the IPAex Gothic font; fontconfig finds it through a
# cache made here, so the first start scans nothing.
install -m 755 /usr/bin/fbterm "$ird/bin/fbterm"
libs /usr/bin/fbterm
font=/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf
mkdir -p "$ird/$(dirname "$font")" "$ird/etc/fonts" "$ird/var/cache/fontconfig"
cp -L "$font" "$ird/$font"
cat >"$ird/etc/fonts/fonts.conf" <<'EOF'
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
	<dir>/usr/share/fonts</dir>
	<cachedir>/var/cache/fontconfig</cachedir>
</fontconfig>
EOF
FONTCONFIG_FILE=$ird/etc/fonts/fonts.conf FONTCONFIG_SYSROOT=$ird fc-cache -s -f >/dev/null 2>&1 ||
	die "fc-cache failed"
echo "root:x:0:0:root:/root:/bin/sh" >"$ird/etc/passwd"
echo "root:x:0:" >"$ird/etc/group"
echo kesu >"$ird/etc/hostname"
# Terminal descriptions for kesu tui: the PC console, serial terminals and
# the terminal emulators a serial line is usually read with.
for t in l/linux f/fbterm v/vt100 v/vt102 v/vt220 x/xterm x/xterm-256color s/screen d/dumb a/ansi; do
	for d in /lib/terminfo /usr/share/terminfo; do
		if [ -f "$d/$t" ]; then
			mkdir -p "$ird/usr/share/terminfo/${t%/*}"
			cp -L "$d/$t" "$ird/usr/share/terminfo/$t"
			break
		fi
	done
done
(cd "$ird" && find . | cpio -o -H newc --quiet | zstd -q -19 -T0 >"$work/initrd.zst")

# --- ISO -----------------------------------------------------------------------
isodir=$work/iso
mkdir -p "$isodir/boot/grub"
cp "$work/kernel/boot/vmlinuz-$kver" "$isodir/boot/vmlinuz"
cp "$work/initrd.zst" "$isodir/boot/initrd.zst"
cat >"$isodir/boot/grub/grub.cfg" <<'EOF'
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
# The firmware's own video (VESA BIOS, UEFI GOP), as on real PCs: GRUB's
# QEMU-only drivers (bochs, cirrus) leave Linux a framebuffer it cannot show.
if [ "$grub_platform" = efi ]; then
	insmod efi_gop
	insmod efi_uga
else
	insmod vbe
fi
set timeout=3
menuentry "kesu: erase drives" {
	linux /boot/vmlinuz console=ttyS0,115200 console=tty0 panic=-1 quiet
	initrd /boot/initrd.zst
}
menuentry "kesu: erase drives (serial console only: key s)" --hotkey=s {
	linux /boot/vmlinuz console=ttyS0,115200 panic=-1 quiet
	initrd /boot/initrd.zst
}
# Japanese screens (kesu.lang=ja): the VGA text console has no kanji, so
# this entry asks the firmware for a video mode (vesafb under BIOS, efifb
# under UEFI), on which fbterm draws them; a serial terminal draws them itself.
menuentry "kesu: erase drives, Japanese screens (key j)" --hotkey=j {
	set gfxpayload=1024x768x32,1024x768,auto
	linux /boot/vmlinuz console=ttyS0,115200 console=tty0 panic=-1 quiet kesu.lang=ja
	initrd /boot/initrd.zst
}
menuentry "kesu: erase drives, Japanese screens (serial console only: key k)" --hotkey=k {
	linux /boot/vmlinuz console=ttyS0,115200 panic=-1 quiet kesu.lang=ja
	initrd /boot/initrd.zst
}
EOF

# The results partition: FAT, labelled KESU, appended after the ISO 9660
# tree (xorriso's partition 3; the kernel sees the stick's partition 4).
# Written to a USB stick it is writable, so the ledger, certificates and
# key survive the reboot (init mounts it). An empty kesu/ is there from
# the start.
fat=$work/kesu-results.img
mkfs.vfat -C -n KESU "$fat" $((results_mib * 1024)) >/dev/null || die "mkfs.vfat failed"
cat >"$work/README.TXT" <<'EOR'
kesu keeps its results here: kesu/ledger.sqlite (the record of every job),
kesu/certificates/ (signed PDF certificates and failure reports) and
kesu/station.key (this stick's signing key: keep it private). A file
kesu/config (operator = ..., organisation = ...) fills in the defaults.
EOR
mcopy -i "$fat" "$work/README.TXT" ::README.TXT && mmd -i "$fat" ::kesu || die "mcopy failed"

mkdir -p "$(dirname "$out")"
# GRUB's translations and fonts stay out (11 MB: its menu is English text
# on the firmware's console, never gfxterm), so the image keeps its room
# under 64 MiB for kesu's own libraries, the font and fbterm.
grub-mkrescue --locales= --fonts= --themes= -o "$out" "$isodir" -- -volid KESU_LIVE -append_partition 3 0x0c "$fat" \
	>/dev/null 2>&1 || die "grub-mkrescue failed"

# --- network boot ----------------------------------------------------------------
# The same kernel and initramfs, fetched by iPXE: kesu.ipxe is the boot
# file (a DHCP server names it, or the site's iPXE chains to it). init
# brings the network up (kesu.net=1) and reads the station's settings from
# kesu.conf on the TFTP server DHCP named. undionly.kpxe (BIOS) and
# ipxe.efi (UEFI) are Debian's iPXE, for PCs whose firmware has none.
net=$(dirname "$out")/netboot
rm -rf "$net"
mkdir -p "$net"
cp "$isodir/boot/vmlinuz" "$isodir/boot/initrd.zst" /usr/lib/ipxe/undionly.kpxe /usr/lib/ipxe/ipxe.efi "$net/"
cat >"$net/kesu.ipxe" <<'EOF'
#!ipxe
# kesu's live image over the network: vmlinuz and initrd.zst come from
# where this script came from; the station's settings (kesu.server=,
# kesu.drives=, ...) from kesu.conf on the TFTP server DHCP named. BOOTIF
# names the card that booted: init asks DHCP on it first.
kernel vmlinuz initrd=initrd.zst console=ttyS0,115200 console=tty0 panic=-1 quiet kesu.net=1 BOOTIF=01-${netX/mac:hexhyp} kesu.config=tftp://${next-server}/kesu.conf
initrd initrd.zst
boot
EOF
cat >"$net/kesu.conf.example" <<'EOF'
# kesu.conf: a network-booted station's settings, one kesu.NAME=VALUE a
# line, the names the kernel command line takes (iso/README.md), which
# wins over this file. Anyone on the network can read it over TFTP: the
# password here only lets a station add its own records (kesu server
# add-station), and the signing key stays on the station's KESU stick.
kesu.server=postgresql://STATION-ROLE@192.0.2.10/kesu
kesu.station=rack1-slot3
# the station role's pgpass line, base64: base64 -w0 FILE, the FILE
# kesu server add-station --out wrote (or kesu.password=, the password alone)
kesu.passfile=KjoqOio6Uk9MRTpQQVNTV09SRAo=
kesu.drives=all
kesu.method=nist-clear
kesu.operator=Wipe room 2
kesu.org=Example City
kesu.class=III
EOF
log "$out: $(du -h "$out" | cut -f1) (kernel $kver, initramfs $(du -h "$work/initrd.zst" | cut -f1)), $(($(date +%s) - t0)) s"
log "$net: kesu.ipxe, vmlinuz, initrd.zst, undionly.kpxe, ipxe.efi ($(du -sh "$net" | cut -f1))"

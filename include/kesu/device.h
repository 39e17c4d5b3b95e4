/* What kesu knows about a drive: identity, geometry, contents, use, health
 * and erase capabilities. Facts come from sysfs, block ioctls, libblkid,
 * /proc (mounts, swaps) and libatasmart; a fact that could not be read stays
 * KESU_UNKNOWN (or an empty string): nothing is guessed. */
#ifndef KESU_DEVICE_H
#define KESU_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum kesu_tristate { KESU_UNKNOWN = -1, KESU_NO = 0, KESU_YES = 1 };

enum kesu_transport {
	KESU_TRAN_UNKNOWN = 0,
	KESU_TRAN_SATA,
	KESU_TRAN_PATA,
	KESU_TRAN_SAS,
	KESU_TRAN_SCSI,
	KESU_TRAN_NVME,
	KESU_TRAN_USB,
	KESU_TRAN_MMC,
	KESU_TRAN_VIRTIO,
	KESU_TRAN_FC,
	KESU_TRAN_ISCSI,
	KESU_TRAN_LOOP,
	KESU_TRAN_FILE, /* a regular image file, not a block device */
};

/* Why a drive is marked SYSTEM (bit set). */
enum kesu_system_reason {
	KESU_SYS_ROOT = 1 << 0,        /* holds / */
	KESU_SYS_BOOT = 1 << 1,        /* holds /boot */
	KESU_SYS_EFI = 1 << 2,         /* holds /boot/efi or /efi */
	KESU_SYS_SWAP = 1 << 3,        /* holds active swap */
	KESU_SYS_BOOT_MEDIUM = 1 << 4, /* the medium kesu was booted from */
	KESU_SYS_USR = 1 << 5,         /* holds /usr (separate /usr systems) */
};

#define KESU_MAX_PARTS 128
#define KESU_MAX_MOUNTS 16
#define KESU_MAX_HOLDERS 16
#define KESU_MAX_STACK_FILES 8
#define KESU_STR 256

/* States a drive can inherit through the stack it is part of, in order of
 * precedence: index into kesu_device.stack. */
enum kesu_stack_kind {
	KESU_STACK_SYSTEM, /* stands on, or under, the running system */
	KESU_STACK_SWAP,   /* active swap above or below it */
	KESU_STACK_MOUNTED,
	KESU_STACK_HELD,   /* what it stands on is held by dm / md */
	KESU_STACK_KINDS,
};

/* An image file a drive stands on: itself, a loop device's backing file,
 * or one further down the stack. Kept by device and inode. */
struct kesu_stack_file {
	uint64_t dev, ino;
	char via[512];           /* "" for the image itself, else the chain */
};

struct kesu_partition {
	char name[64];       /* kernel name, e.g. "sda1" */
	uint64_t start;      /* bytes from the start of the disk */
	uint64_t size;       /* bytes */
	char fstype[32];     /* filesystem or other signature found, "" if none */
	char label[KESU_STR];
	char uuid[64];
};

struct kesu_smart {
	enum kesu_tristate available; /* libatasmart could read SMART data */
	enum kesu_tristate healthy;   /* overall assessment passed */
	int64_t power_on_hours;       /* -1 when unknown */
	int64_t reallocated_sectors;  /* attribute 5, -1 when unknown */
	int64_t pending_sectors;      /* attribute 197 (Current_Pending_Sector),
				       * -1 when unknown */
	int64_t temperature_c;        /* -1 when unknown */
};

/* What erasing the drive can use: the one structure for it, in
 * kesu_device.caps (the JSON "caps" object shows the first ten fields) and
 * in kesu_drive_caps.purge (kesu/firmware.h), which auto-purge decides on.
 * The probe fills overwrite, discard and write_zeroes from sysfs, and
 * ata_security / ata_sanitize from the kernel's copy of IDENTIFY
 * (vpd_pg89); kesu_drive_caps_query fills the rest from what the drive
 * itself answered. Every field is a tristate, KESU_UNKNOWN until known. */
struct kesu_erase_caps {
	enum kesu_tristate overwrite;      /* writable block device or image */
	enum kesu_tristate discard;        /* queue/discard_max_bytes > 0 */
	enum kesu_tristate secure_discard; /* BLKSECDISCARD honoured */
	enum kesu_tristate write_zeroes;   /* queue/write_zeroes_max_bytes > 0 */
	enum kesu_tristate ata_security;   /* ATA Security feature set */
	enum kesu_tristate ata_sanitize;   /* ATA SANITIZE feature set */
	enum kesu_tristate nvme_format;    /* Format NVM (OACS bit 1) */
	enum kesu_tristate nvme_sanitize;  /* any Sanitize action */
	enum kesu_tristate scsi_sanitize;  /* any SANITIZE service action */
	enum kesu_tristate hpa_present;    /* an HPA or a DCO limit hides sectors */
	/* The detail auto-purge decides on (kesu/purge.h). */
	enum kesu_tristate rotational;     /* YES only for a drive known to spin:
					    * unknown counts as flash, whose rules
					    * are the stricter ones */
	enum kesu_tristate usb_bridge;     /* behind a USB bridge, which as a rule
					    * passes no firmware erase commands */
	enum kesu_tristate ata_sanitize_crypto, ata_sanitize_block, ata_sanitize_overwrite;
	enum kesu_tristate ata_security_enhanced, ata_security_frozen, ata_security_locked;
	enum kesu_tristate nvme_format_crypto; /* Format NVM with crypto erase (FNA bit 2) */
	enum kesu_tristate nvme_sanitize_crypto, nvme_sanitize_block, nvme_sanitize_overwrite;
	enum kesu_tristate scsi_sanitize_crypto, scsi_sanitize_block, scsi_sanitize_overwrite;
	enum kesu_tristate hpa_removable;  /* an HPA hides sectors (READ NATIVE MAX above
					    * IDENTIFY): removing it exposes them to
					    * the erase; a DCO limit does not count */
};

struct kesu_device {
	char path[4096];         /* /dev/NAME, or the image file's real path */
	char name[64];           /* kernel name (sda, nvme0n1, loop3) */
	char sysfs_path[4096];   /* real sysfs directory, "" for image files */
	unsigned dev_major, dev_minor;
	enum kesu_transport transport;

	char vendor[KESU_STR];
	char model[KESU_STR];
	char serial[KESU_STR];
	char firmware[KESU_STR];
	char wwn[KESU_STR];
	char backing_file[4096]; /* loop devices: the file behind it */
	char parent[64];         /* partitions: the whole disk's name, else "" */

	uint64_t size;           /* bytes */
	unsigned logical_sector; /* bytes, 0 when unknown */
	unsigned physical_sector;
	enum kesu_tristate rotational; /* YES = HDD, NO = SSD/flash */
	enum kesu_tristate removable;
	enum kesu_tristate read_only;

	int contents_error;      /* 0, or why the contents could not be read */
	char ptable[16];         /* "gpt", "dos", ... or "" */
	char fstype[32];         /* signature on the whole device, or "" */
	size_t nparts;
	struct kesu_partition parts[KESU_MAX_PARTS];

	/* In-use state. Mount points and holders of the disk or any partition. */
	size_t nmounts;
	char mounts[KESU_MAX_MOUNTS][KESU_STR];
	size_t nholders;
	char holders[KESU_MAX_HOLDERS][64];
	bool swap_active;
	/* Held open exclusively (O_EXCL) by a program, when nothing above
	 * (mounts, holders, swap) explains it: a partitioner, another wipe,
	 * a VM. busy_by names it when it can be found in /proc: "qemu (pid
	 * 4242)", else "". Only probed on the machine's own devices. */
	bool busy;
	char busy_by[KESU_STR];
	unsigned system_reasons; /* enum kesu_system_reason bits */

	/* What writing the drive would also destroy, found through the stack:
	 * down (a loop's backing device or file, dm/md slaves, a partition's
	 * disk) and up (loop devices backed by it, and what stands on those).
	 * One line per enum kesu_stack_kind naming the chain, "" when none.
	 * A backing file's own filesystem does not count: an image lives on a
	 * mounted filesystem by nature. */
	char stack[KESU_STACK_KINDS][640];
	size_t nfiles;
	struct kesu_stack_file files[KESU_MAX_STACK_FILES];

	/* Identity of the node probed, checked again when it is opened: a
	 * block device by dev_major:dev_minor, an image file by these. */
	uint64_t node_dev, node_ino;

	struct kesu_smart smart;
	struct kesu_erase_caps caps;
};

/* Where the machine's state is read from. Tests point these at fixtures;
 * NULL members mean the real locations (/sys, /proc/self/mountinfo, ...). */
struct kesu_probe_env {
	const char *sysfs_root;  /* default "/sys" */
	const char *mountinfo;   /* default "/proc/self/mountinfo" */
	const char *swaps;       /* default "/proc/swaps" */
	const char *boot_medium; /* file naming the boot medium's device,
	                            default "/run/kesu/boot-device" */
	bool skip_smart;         /* do not ask libatasmart */
	bool skip_contents;      /* do not probe partitions with libblkid */
};

/* Facts about one drive: a block device node (/dev/sda, or a symlink to
 * one, or a partition's parent) or a regular image file. Symlinks are
 * resolved; dev->path is the real node. Opens the device read-only at most.
 * Returns 0, -ENOENT, -ENOTBLK (neither block device nor regular file), or
 * another negative errno. */
int kesu_device_probe(const char *path, const struct kesu_probe_env *env,
		      struct kesu_device *dev);

/* Probes every disk of the machine: whole disks with a hardware device
 * behind them and attached loop devices; partitions, device-mapper, md,
 * zram and empty drives are not listed. On success *devs is a malloc'ed
 * array sorted by name (free with free()) and *count its length. */
int kesu_device_list(const struct kesu_probe_env *env,
		     struct kesu_device **devs, size_t *count);

/* Short lower-case name of a transport ("sata", "nvme", "loop", ...). */
const char *kesu_transport_name(enum kesu_transport t);

/* "HDD", "SSD", "optical" (CD/DVD/BD), "loop", "file" or "unknown". */
const char *kesu_media_name(const struct kesu_device *dev);

/* true when anything holds the drive: mounted, holders, active swap,
 * SYSTEM, or any of these through the stack. */
bool kesu_device_in_use(const struct kesu_device *dev);

/* Reads the size again after a command changed it (removing a Host
 * Protected Area): asks the SCSI layer to rescan, then BLKGETSIZE64 on
 * fd; dev->size only grows. Returns 0 or -errno. */
int kesu_device_reread_size(struct kesu_device *dev, int fd);

#endif

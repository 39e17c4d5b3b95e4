/* Firmware erasure: opening a drive's command channel, reading what it
 * can do (security, sanitize, format, HPA/DCO), and the checks before a
 * firmware method runs. The commands themselves run as the one step of a
 * firmware method's job (kesu/job.h); docs/firmware.md describes each flow. */
#ifndef KESU_FIRMWARE_H
#define KESU_FIRMWARE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/ata.h"
#include "kesu/device.h"
#include "kesu/error.h"
#include "kesu/method.h"
#include "kesu/nvme.h"
#include "kesu/purge.h"
#include "kesu/passthru.h"

/* kesu_channel_open flags. */
#define KESU_CHANNEL_ALLOW_USB 0x1 /* try pass-through behind a USB bridge */

/* Opens the command channel of a drive: SG_IO (ATA PASS-THROUGH and SCSI)
 * for SATA, SAS, SCSI and USB drives, NVMe admin commands for NVMe
 * namespaces, on a duplicate of fd (the drive's open descriptor; the
 * caller keeps fd). Returns 0, or -KESU_EUNSUPPORTED with err filled:
 * a loop device, virtio disk, MMC card or image file has no firmware
 * erase; a USB bridge is refused unless flags has KESU_CHANNEL_ALLOW_USB
 * (*remedies gets KESU_REMEDY_ALLOW_USB; remedies may be NULL).
 * Tests link a simulated drive in its place (tests/sim/sim_channel.c). */
int kesu_channel_open(const struct kesu_device *dev, int fd, unsigned flags,
		      struct kesu_passthru *pt, unsigned *remedies, char *err, size_t errsize);

/* Everything the drive said about erasing itself: the raw answers of its
 * command set, and what they come to (purge). */
struct kesu_drive_caps {
	bool queried;              /* a channel was open and asked */
	enum kesu_purge_bus bus;   /* which command set answered */
	char error[KESU_ERRMSG_MAX]; /* why the drive could not be asked, "" if it was */
	char ata_refused[96];      /* ATA PASS-THROUGH was refused (a blocking bridge
				    * or a SCSI disk): the reason, "" otherwise */
	struct kesu_erase_caps purge; /* what the drive can erase (kesu/device.h): the
				       * summary auto-purge decides on, and whose
				       * firmware fields kesu_device.caps receives */
	/* ATA (bus ATA): IDENTIFY through the channel. */
	struct kesu_ata_identify ata;
	bool hpa_checked;          /* READ NATIVE MAX EXT answered */
	bool hpa_truncated;        /* it answered, but in fixed-format sense without
				    * LBA 47:24: not checked (never "no HPA") */
	uint64_t native_sectors;   /* native max address + 1 */
	uint64_t hpa_hidden_sectors; /* native_sectors - IDENTIFY's sectors, 0 = no HPA */
	bool dco_checked;          /* DEVICE CONFIGURATION IDENTIFY answered */
	uint64_t dco_sectors;      /* the highest LBA DCO allows + 1 */
	uint64_t dco_hidden_sectors; /* dco_sectors - native_sectors, 0 = no DCO limit */
	enum kesu_tristate ata_sanitize_frozen; /* SANITIZE STATUS EXT: SANITIZE FREEZE
				    * LOCK is on (bit 13, or an abort with reason
				    * 03h); UNKNOWN when not asked or not answered whole */
	/* NVMe (bus NVME): Identify Controller, the namespace, the sanitize log. */
	uint32_t nsid;             /* the namespace of this block device (NVME_IOCTL_ID,
				    * else sysfs nsid); 0 = unknown: every NVMe
				    * command is refused, never guessed */
	char nsid_error[160];      /* why nsid is 0 */
	bool nvme_ns_listed;       /* Identify CNS 02h answered: nvme_ns_list is complete */
	size_t nvme_ns_count;
	struct kesu_nvme_ns_ref nvme_ns_list[KESU_NVME_NS_MAX]; /* the controller's
				    * namespaces, with their block devices */
	struct kesu_nvme_id_ctrl nvme_ctrl;
	struct kesu_nvme_id_ns nvme_ns;
	bool nvme_sanitize_log_valid;
	struct kesu_nvme_sanitize_log nvme_sanitize_log;
	/* SCSI (bus SCSI): REPORT SUPPORTED OPERATION CODES per service action
	 * are purge.scsi_sanitize_*. */
	enum kesu_tristate scsi_rotational; /* VPD page B1, UNKNOWN if absent */
};

/* Asks the drive through pt what it supports (IDENTIFY or Identify
 * Controller + Namespace + the sanitize log, or REPORT SUPPORTED
 * OPERATION CODES), then READ NATIVE MAX EXT and DCO IDENTIFY on ATA.
 * dev gives the transport (USB bridge), the rotational flag where the
 * command set has none, and the namespace (nvme0n1 -> 1). Also fills the
 * firmware fields of dev->caps (KESU_YES / KESU_NO) when dev is not NULL.
 * Returns 0 or a negative error (caps->error says err); a drive that
 * answers nothing is -KESU_EUNSUPPORTED. */
int kesu_drive_caps_query(struct kesu_passthru *pt, struct kesu_device *dev,
			  struct kesu_drive_caps *caps);

/* Whether command can run on this drive now. Returns 0, or
 * -KESU_EUNSUPPORTED / -KESU_EREFUSED with err: one line that also says
 * what the operator can do outside kesu (a frozen drive: suspend and
 * resume the machine, or unplug and replug the drive's power; a locked
 * drive: kesu unlock; attempts expired: power-cycle). What kesu itself
 * can be told to do is in *remedies (may be NULL), never in err: an HPA in
 * front of Security Erase gives KESU_REMEDY_HPA_RESTORE | KESU_REMEDY_HPA_KEEP,
 * a USB bridge KESU_REMEDY_ALLOW_USB. hpa_decided: the operator chose to
 * restore or keep the HPA. */
int kesu_firmware_check(enum kesu_firmware_command command, const struct kesu_drive_caps *caps,
			bool hpa_decided, unsigned *remedies, char *err, size_t errsize);

/* What an NVMe Format NVM or Sanitize command erases: the chosen
 * namespace only, or (FNA bit 0 or 1 for a secure-erase Format, always for
 * Sanitize) every namespace of the controller, each with its block device.
 * Returns 0, or -KESU_EREFUSED with err when the nsid is unknown or the
 * namespaces could not be listed. */
int kesu_nvme_scope(const struct kesu_drive_caps *caps, enum kesu_firmware_command command,
		    struct kesu_nvme_scope *scope, char *err, size_t errsize);

/* Sends every namespace of scope other than the chosen one (chosen: the
 * drive being erased) through the safety gate, as a target of its own:
 * refused if it is mounted, holds the system or swap, or is held. judge
 * (NULL: probe the device and kesu_gate_check it, own files refused too)
 * fills *v for one device path. Returns 0, or -KESU_EREFUSED with err
 * naming the namespace and the gate's reason. */
struct kesu_gate_verdict;
struct kesu_gate_own_files;
typedef int (*kesu_scope_judge_fn)(const char *device, struct kesu_gate_verdict *v, void *ctx);
int kesu_nvme_scope_gate(const struct kesu_nvme_scope *scope, const struct kesu_device *chosen,
			 const struct kesu_gate_own_files *own, kesu_scope_judge_fn judge,
			 void *judge_ctx, char *err, size_t errsize);

/* One line: "nsid 2 /dev/nvme0n1, nsid 1 /dev/nvme0n2, nsid 3 (no block device)". */
void kesu_nvme_scope_list(const struct kesu_nvme_scope *scope, char *out, size_t size);

/* Removes a Host Protected Area for this power cycle (SET MAX ADDRESS
 * EXT to the native max, volatile), then reads IDENTIFY again to confirm.
 * Returns 0 (caps updated: hpa_hidden_sectors 0) or a negative error. */
int kesu_hpa_restore(struct kesu_passthru *pt, struct kesu_drive_caps *caps, char *err,
		     size_t errsize);

/* A temporary ATA user password: 32 random characters [0-9a-f]. */
#define KESU_ATA_TEMP_PASSWORD_LEN 32
void kesu_ata_temp_password(char out[KESU_ATA_TEMP_PASSWORD_LEN + 1]);

/* Recovers a drive left with a user password (a failed or interrupted
 * Security Erase): UNLOCK if locked, DISABLE PASSWORD, then IDENTIFY must
 * show security disabled. Returns 0, or a negative error with err. */
int kesu_ata_unlock(struct kesu_passthru *pt, const char *password, char *err, size_t errsize);

/* What the operator can do about frozen ATA security, as one clause
 * (suspend and resume, or hot-plug the drive; then run kesu again). */
const char *kesu_ata_unfreeze_advice(void);
#endif

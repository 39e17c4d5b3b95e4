/* auto-purge: the strongest NIST SP 800-88 Purge a drive supports for its
 * media, and why. A pure decision over a capability set: nothing here talks
 * to a drive. The rules, their order and their sources are in
 * docs/firmware.md. */
#ifndef KESU_PURGE_H
#define KESU_PURGE_H
#include <stdbool.h>

#include "kesu/ata.h"
#include "kesu/device.h"
#include "kesu/error.h"
#include "kesu/method.h"
#include "kesu/nvme.h"

enum kesu_purge_bus { KESU_BUS_ATA, KESU_BUS_NVME, KESU_BUS_SCSI, KESU_BUS_OTHER };

/* What a drive can erase is struct kesu_erase_caps (kesu/device.h); the
 * bus that answered and the drive's own answers are struct
 * kesu_drive_caps (kesu/firmware.h), whose purge member auto-purge reads. */
struct kesu_drive_caps;

struct kesu_purge_choice {
	char method_id[KESU_METHOD_ID_MAX + 1]; /* e.g. "nvme-sanitize-crypto", "" when none */
	enum kesu_nist_level level;  /* what it achieves on this media; 0 when none */
	char reason[KESU_ERRMSG_MAX]; /* one line, English: why this one, or why none */
	unsigned remedies;           /* enum kesu_remedy: KESU_REMEDY_HPA_RESTORE when an
				      * HPA hides sectors from an ATA drive's erase,
				      * KESU_REMEDY_ALLOW_USB for a USB bridge */
};

/* Chooses the strongest purge caps allow (docs/firmware.md, "auto-purge").
 * Returns 0 with out->level == KESU_NIST_PURGE, or -KESU_EUNSUPPORTED when
 * nothing the drive offers purges this media (security frozen or locked,
 * a USB bridge, a bus without firmware erase, only Clear-level commands);
 * then method_id is "" and reason tells the operator what to do. Returns
 * -EINVAL for NULL arguments. */
int kesu_purge_choose(const struct kesu_drive_caps *caps, struct kesu_purge_choice *out);

/* The NIST level a firmware method achieves on caps' media (rotational or
 * flash; the bus is not checked). Returns KESU_NIST_PURGE or
 * KESU_NIST_CLEAR, -KESU_ENOTFOUND for an unknown method id, or
 * -KESU_EUNSUPPORTED for a method that means nothing on that media (block
 * erase on a spinning disk). */
int kesu_purge_level(const char *method_id, const struct kesu_erase_caps *caps);

/* Fills the ATA fields of caps (and rotational) from IDENTIFY data.
 * hpa_removable, hpa_present and usb_bridge are the caller's: IDENTIFY alone
 * cannot tell whether an HPA hides sectors. */
void kesu_purge_caps_from_ata(const struct kesu_ata_identify *id, struct kesu_erase_caps *caps);

/* Fills the NVMe fields of caps from Identify Controller data.
 * rotational is the caller's (the namespace's, from sysfs). */
void kesu_purge_caps_from_nvme(const struct kesu_nvme_id_ctrl *id, struct kesu_erase_caps *caps);
#endif

/* auto-purge: one table of firmware methods, in order of preference, with
 * the NIST SP 800-88 level each reaches on spinning and on flash media.
 * kesu_purge_choose() takes the first row the drive's bus, media and
 * capabilities allow that reaches Purge. docs/firmware.md explains the
 * order and cites its sources. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "kesu/purge.h"

#define NA 0 /* the method means nothing on that media */

struct purge_rule {
	const char *id;
	enum kesu_purge_bus bus;
	size_t cap;                   /* offsetof the tristate that says "supported" */
	int on_disk, on_flash;        /* enum kesu_nist_level, or NA */
	bool security;                /* ATA Security: blocked while frozen */
	const char *command;          /* what the drive is told to do */
	const char *why;              /* why it sits at this place in the order */
};

#define CAP(field) offsetof(struct kesu_erase_caps, field)

/* Order of preference, strongest first. Rows of other buses never compete,
 * so the order only matters within one bus:
 *   flash: sanitize block erase > sanitize crypto erase > format crypto
 *          erase > format user-data erase;
 *   disk:  sanitize overwrite > sanitize crypto erase > format crypto >
 *          format user-data erase > security erase enhanced.
 * Rows whose level on the media is not Purge are skipped by the chooser. */
static const struct purge_rule rules[] = {
	{ "ata-sanitize-block", KESU_BUS_ATA, CAP(ata_sanitize_block), NA, KESU_NIST_PURGE, false,
	  "ATA SANITIZE BLOCK ERASE",
	  "it erases every flash block, spare and retired ones included, and does not depend on encryption" },
	{ "nvme-sanitize-block", KESU_BUS_NVME, CAP(nvme_sanitize_block), NA, KESU_NIST_PURGE, false,
	  "NVMe Sanitize block erase",
	  "it erases every flash block, spare and retired ones included, and does not depend on encryption" },
	{ "scsi-sanitize-block", KESU_BUS_SCSI, CAP(scsi_sanitize_block), NA, KESU_NIST_PURGE, false,
	  "SCSI SANITIZE BLOCK ERASE",
	  "it erases every flash block, spare and retired ones included, and does not depend on encryption" },
	{ "ata-sanitize-overwrite", KESU_BUS_ATA, CAP(ata_sanitize_overwrite), KESU_NIST_PURGE,
	  KESU_NIST_CLEAR, false, "ATA SANITIZE OVERWRITE",
	  "the drive overwrites every sector itself, reallocated ones included, and the result can be read back" },
	{ "nvme-sanitize-overwrite", KESU_BUS_NVME, CAP(nvme_sanitize_overwrite), KESU_NIST_PURGE,
	  KESU_NIST_CLEAR, false, "NVMe Sanitize overwrite",
	  "the drive overwrites every sector itself, reallocated ones included, and the result can be read back" },
	{ "scsi-sanitize-overwrite", KESU_BUS_SCSI, CAP(scsi_sanitize_overwrite), KESU_NIST_PURGE,
	  KESU_NIST_CLEAR, false, "SCSI SANITIZE OVERWRITE",
	  "the drive overwrites every sector itself, reallocated ones included, and the result can be read back" },
	{ "ata-sanitize-crypto", KESU_BUS_ATA, CAP(ata_sanitize_crypto), KESU_NIST_PURGE,
	  KESU_NIST_PURGE, false, "ATA SANITIZE CRYPTO SCRAMBLE",
	  "it destroys the media encryption key; it trusts the drive's encryption and key destruction, "
	  "which no read-back can prove, so it ranks below physical erasure" },
	{ "nvme-sanitize-crypto", KESU_BUS_NVME, CAP(nvme_sanitize_crypto), KESU_NIST_PURGE,
	  KESU_NIST_PURGE, false, "NVMe Sanitize crypto erase",
	  "it destroys the media encryption key; it trusts the drive's encryption and key destruction, "
	  "which no read-back can prove, so it ranks below physical erasure" },
	{ "scsi-sanitize-crypto", KESU_BUS_SCSI, CAP(scsi_sanitize_crypto), KESU_NIST_PURGE,
	  KESU_NIST_PURGE, false, "SCSI SANITIZE CRYPTOGRAPHIC ERASE",
	  "it destroys the media encryption key; it trusts the drive's encryption and key destruction, "
	  "which no read-back can prove, so it ranks below physical erasure" },
	{ "nvme-format-crypto", KESU_BUS_NVME, CAP(nvme_format_crypto), KESU_NIST_PURGE,
	  KESU_NIST_PURGE, false, "NVMe Format NVM with crypto erase (SES=2)",
	  "the drive offers no Sanitize; Format NVM is not guaranteed to reach every block outside the "
	  "namespace the way Sanitize must" },
	{ "nvme-format-erase", KESU_BUS_NVME, CAP(nvme_format), KESU_NIST_PURGE, KESU_NIST_PURGE, false,
	  "NVMe Format NVM with user-data erase (SES=1)",
	  "the drive offers neither Sanitize nor crypto erase; some drives only deallocate, so the "
	  "read-back after the erase decides" },
	{ "ata-security-erase-enhanced", KESU_BUS_ATA, CAP(ata_security_enhanced), KESU_NIST_PURGE,
	  KESU_NIST_CLEAR, true, "ATA SECURITY ERASE UNIT, enhanced mode",
	  "the drive offers no SANITIZE; enhanced mode writes every sector, reallocated ones included" },
	{ "ata-security-erase", KESU_BUS_ATA, CAP(ata_security), KESU_NIST_CLEAR, KESU_NIST_CLEAR, true,
	  "ATA SECURITY ERASE UNIT, normal mode",
	  "normal mode writes only the user-addressable sectors" },
};

static bool yes(enum kesu_tristate t)
{
	return t == KESU_YES;
}

static bool supported(const struct kesu_erase_caps *caps, const struct purge_rule *r)
{
	enum kesu_tristate on;
	memcpy(&on, (const char *)caps + r->cap, sizeof(on));
	return yes(on);
}

static int level_on(const struct kesu_erase_caps *caps, const struct purge_rule *r)
{
	return yes(caps->rotational) ? r->on_disk : r->on_flash;
}

static const struct purge_rule *find_rule(const char *id)
{
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].id, id) == 0)
			return &rules[i];
	return NULL;
}

static const char *media_name(enum kesu_purge_bus bus, const struct kesu_erase_caps *caps)
{
	bool disk = yes(caps->rotational);
	switch (bus) {
	case KESU_BUS_ATA:
		return disk ? "ATA hard disk" : "ATA SSD";
	case KESU_BUS_NVME:
		return disk ? "NVMe hard disk" : "NVMe SSD";
	case KESU_BUS_SCSI:
		return disk ? "SCSI/SAS hard disk" : "SCSI/SAS SSD";
	case KESU_BUS_OTHER:
		break;
	}
	return "drive";
}

static int refuse(struct kesu_purge_choice *out, const char *reason)
{
	out->method_id[0] = '\0';
	out->level = 0;
	snprintf(out->reason, sizeof(out->reason), "%s", reason);
	return -KESU_EUNSUPPORTED;
}

/* Nothing purges: say what the drive does offer and what to do. */
static int refuse_no_purge(enum kesu_purge_bus bus, const struct kesu_erase_caps *caps,
			   struct kesu_purge_choice *out)
{
	const char *media = yes(caps->rotational) ? "magnetic media" : "flash";
	char offered[256] = "";
	size_t n = 0;
	bool frozen_purge = false;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct purge_rule *r = &rules[i];
		if (r->bus != bus || !supported(caps, r) || level_on(caps, r) == NA)
			continue;
		if (level_on(caps, r) == KESU_NIST_PURGE) {
			frozen_purge = true; /* only the frozen lock can have kept it out */
			continue;
		}
		n += (size_t)snprintf(offered + n, n < sizeof(offered) ? sizeof(offered) - n : 0,
				      "%s%s", n ? ", " : "", r->id);
		if (n >= sizeof(offered))
			n = sizeof(offered) - 1;
	}
	if (frozen_purge)
		return refuse(out, "ATA security is frozen (the firmware froze it at boot), so SECURITY ERASE "
				   "UNIT is refused and the drive offers no SANITIZE: suspend and resume the "
				   "machine, or hot-plug the drive, then try again");
	snprintf(out->reason, sizeof(out->reason),
		 "%s: no firmware command that purges %s is offered%s%s%s; overwrite it for Clear, or "
		 "destroy it for Purge", media_name(bus, caps), media, offered[0] ? " (only " : "", offered,
		 offered[0] ? ", which count as Clear here)" : "");
	out->method_id[0] = '\0';
	out->level = 0;
	return -KESU_EUNSUPPORTED;
}

int kesu_purge_choose(const struct kesu_drive_caps *drive, struct kesu_purge_choice *out)
{
	if (!drive || !out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	const struct kesu_erase_caps *caps = &drive->purge;
	enum kesu_purge_bus bus = drive->bus;

	if (bus != KESU_BUS_ATA && bus != KESU_BUS_NVME && bus != KESU_BUS_SCSI)
		return refuse(out, "this transport (virtio, MMC, loop, ...) has no firmware erase commands: "
				   "only overwriting is possible, which is Clear; destroy the drive for Purge");
	if (yes(caps->usb_bridge)) {
		out->remedies = KESU_REMEDY_ALLOW_USB;
		return refuse(out, "the drive is behind a USB bridge, which does not pass firmware erase "
				   "commands: connect it directly (SATA, SAS or PCIe), or overwrite it for Clear");
	}
	/* A locked drive aborts media commands, SANITIZE included, until it
	 * is unlocked. */
	if (bus == KESU_BUS_ATA && yes(caps->ata_security_locked))
		return refuse(out, "ATA security is locked by a password: unlock it first "
				   "(kesu unlock DEVICE), then try again");

	/* SANITIZE FREEZE LOCK (asked with SANITIZE STATUS EXT): every ATA
	 * sanitize command would only be aborted. */
	bool sanitize_frozen = bus == KESU_BUS_ATA && drive->ata_sanitize_frozen == KESU_YES;
	bool skipped_frozen_sanitize = false;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		const struct purge_rule *r = &rules[i];
		if (r->bus != bus || level_on(caps, r) != KESU_NIST_PURGE || !supported(caps, r))
			continue;
		if (r->security && yes(caps->ata_security_frozen))
			continue;
		if (!r->security && sanitize_frozen) {
			skipped_frozen_sanitize = true;
			continue;
		}
		bool hpa = bus == KESU_BUS_ATA && yes(caps->hpa_removable);
		snprintf(out->method_id, sizeof(out->method_id), "%s", r->id);
		out->level = KESU_NIST_PURGE;
		if (hpa)
			out->remedies = KESU_REMEDY_HPA_RESTORE;
		snprintf(out->reason, sizeof(out->reason), "%s: %s, the strongest purge offered: %s%s",
			 media_name(bus, caps), r->command, r->why, hpa ? "; an HPA hides sectors" : "");
		return 0;
	}
	if (skipped_frozen_sanitize)
		return refuse(out, "sanitize is frozen (SANITIZE FREEZE LOCK, usually sent by the BIOS at "
				   "boot), so every SANITIZE command would be aborted: power-cycle the drive "
				   "without it, then try again, or overwrite it for Clear");
	return refuse_no_purge(bus, caps, out);
}

int kesu_purge_level(const char *method_id, const struct kesu_erase_caps *caps)
{
	if (!method_id || !caps)
		return -EINVAL;
	const struct purge_rule *r = find_rule(method_id);
	if (!r)
		return -KESU_ENOTFOUND;
	int level = level_on(caps, r);
	return level == NA ? -KESU_EUNSUPPORTED : level;
}

static enum kesu_tristate tri(bool b)
{
	return b ? KESU_YES : KESU_NO;
}

void kesu_purge_caps_from_ata(const struct kesu_ata_identify *id, struct kesu_erase_caps *caps)
{
	caps->rotational = tri(id->rotation_rate > 1); /* 0 unknown, 1 non-rotating */
	caps->ata_sanitize = tri(id->sanitize_supported);
	caps->ata_sanitize_crypto = tri(id->sanitize_supported && id->sanitize_crypto);
	caps->ata_sanitize_block = tri(id->sanitize_supported && id->sanitize_block);
	caps->ata_sanitize_overwrite = tri(id->sanitize_supported && id->sanitize_overwrite);
	caps->ata_security = tri(id->security_supported);
	caps->ata_security_enhanced = tri(id->security_supported && id->security_enhanced_supported);
	caps->ata_security_frozen = tri(id->security_frozen);
	caps->ata_security_locked = tri(id->security_locked);
}

void kesu_purge_caps_from_nvme(const struct kesu_nvme_id_ctrl *id, struct kesu_erase_caps *caps)
{
	caps->nvme_format = tri(id->format);
	caps->nvme_format_crypto = tri(id->format && id->format_crypto_erase);
	caps->nvme_sanitize_crypto = tri(id->sanitize_crypto);
	caps->nvme_sanitize_block = tri(id->sanitize_block);
	caps->nvme_sanitize_overwrite = tri(id->sanitize_overwrite);
	caps->nvme_sanitize = tri(id->sanitize_crypto || id->sanitize_block || id->sanitize_overwrite);
}

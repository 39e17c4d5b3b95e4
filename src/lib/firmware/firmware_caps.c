/* What a drive's firmware can erase, asked through its command channel
 * (IDENTIFY, READ NATIVE MAX EXT, DCO IDENTIFY; Identify Controller and
 * Namespace and the Sanitize Status log; REPORT SUPPORTED OPERATION CODES
 * and VPD B1), and whether one firmware command may run now. The facts and
 * where they come from: docs/firmware.md. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "kesu/firmware.h"
#include "firmware_internal.h"
#include "sysfs.h"
#include "../i18n.h"

#define PATH_OF(dev) ((dev) && (dev)->path[0] ? (dev)->path : _("the drive"))

const char *kesu_ata_unfreeze_advice(void)
{
	return _("suspend to RAM and resume the machine (e.g. `rtcwake -m mem -s 5`), or unplug and "
	       "replug the drive's power/data cable while the machine runs (hot-plug); then run kesu "
	       "again");
}

static const char *why_text(const char *reason)
{
	return reason && reason[0] ? reason : "no reason given";
}

static enum kesu_tristate tri(bool b)
{
	return b ? KESU_YES : KESU_NO;
}

/* ---- ATA ------------------------------------------------------------------ */

/* READ NATIVE MAX EXT (GET NATIVE MAX ADDRESS EXT on ACS-3 drives): the
 * drive's last sector without an HPA. */
static void ata_native_max(struct kesu_passthru *pt, struct kesu_drive_caps *caps)
{
	uint64_t max_lba;
	const char *why;
	int rc = Kesu_ata_native_max(pt, &caps->ata, &max_lba, &why);
	caps->hpa_truncated = rc == -ENODATA;
	if (rc < 0)
		return; /* refused, or the answer lost its upper half: not checked */
	caps->hpa_checked = true;
	caps->native_sectors = max_lba + 1;
	caps->hpa_hidden_sectors =
		caps->native_sectors > caps->ata.sectors ? caps->native_sectors - caps->ata.sectors : 0;
}

/* DEVICE CONFIGURATION IDENTIFY: words 3..6 the highest LBA the drive
 * could offer without a DCO restriction; byte 511 a checksum when byte
 * 510 is A5h. */
static void ata_dco(struct kesu_passthru *pt, struct kesu_drive_caps *caps)
{
	uint8_t buf[512];
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	memset(buf, 0, sizeof(buf));
	Kesu_ata_dco_identify_cmd(&cmd, buf);
	if (Kesu_ata_send(pt, &cmd, &res) < 0)
		return;
	if (buf[510] == 0xa5) {
		uint8_t sum = 0;
		for (size_t i = 0; i < sizeof(buf); i++)
			sum = (uint8_t)(sum + buf[i]);
		if (sum != 0)
			return; /* corrupt: not checked */
	}
	uint64_t max_lba = kesu_load_le64(buf + 2 * 3); /* words 3..6, low word first */
	if (max_lba == 0 || max_lba >= (UINT64_C(1) << 48))
		return; /* no usable value */
	caps->dco_checked = true;
	caps->dco_sectors = max_lba + 1;
	uint64_t base = caps->hpa_checked ? caps->native_sectors : caps->ata.sectors;
	caps->dco_hidden_sectors = caps->dco_sectors > base ? caps->dco_sectors - base : 0;
}

/* 0 when IDENTIFY answered; -KESU_EUNSUPPORTED when it was refused as an
 * unknown command (a bridge or a SCSI disk), with *refusal the reason. */
/* Whether SANITIZE FREEZE LOCK is on (usually sent by the BIOS): then
 * every sanitize command aborts, so kesu refuses before sending anything.
 * Asked with SANITIZE STATUS EXT only; the FROZEN bit is COUNT 15:8, which
 * fixed-format sense may lose: then UNKNOWN (the sanitize flow asks again
 * in descriptor format before it sends its command). */
static void ata_sanitize_frozen(struct kesu_passthru *pt, struct kesu_drive_caps *caps)
{
	if (!caps->ata.sanitize_supported)
		return;
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	Kesu_ata_sanitize_cmd(&cmd, KESU_ATA_SANITIZE_STATUS, false, 0, 0, false);
	int rc = Kesu_ata_send(pt, &cmd, &res);
	if (rc == -KESU_EUNSUPPORTED && res.regs_valid && res.lba_low_valid &&
	    (res.lba & 0xff) == KESU_ATA_SANITIZE_ERR_FROZEN)
		caps->ata_sanitize_frozen = KESU_YES; /* aborted: "in the Sanitize Frozen state" */
	else if (rc == 0 && res.regs_valid && res.count_high_valid)
		caps->ata_sanitize_frozen = tri(res.count & KESU_ATA_SANITIZE_FROZEN);
}

static int query_ata(struct kesu_passthru *pt, const struct kesu_device *dev,
		     struct kesu_drive_caps *caps, const char **refusal)
{
	bool answered;
	const char *why;
	int rc = Kesu_fw_ata_identify(pt, &caps->ata, &answered, &why);
	if (rc < 0 && !answered) {
		*refusal = why;
		snprintf(caps->error, sizeof(caps->error), _("ATA IDENTIFY %s: %s"),
			 rc == -KESU_EUNSUPPORTED ? "refused" : "failed", why);
		return rc;
	}
	if (rc < 0) {
		snprintf(caps->error, sizeof(caps->error),
			 _("ATA IDENTIFY data is not usable: a bad checksum, or not a disk (ATAPI)"));
		return rc;
	}
	caps->bus = KESU_BUS_ATA;
	ata_native_max(pt, caps);
	ata_dco(pt, caps);
	ata_sanitize_frozen(pt, caps);

	kesu_purge_caps_from_ata(&caps->ata, &caps->purge);
	if (caps->ata.rotation_rate == 0) /* not reported: what the kernel says */
		caps->purge.rotational = tri(dev && dev->rotational == KESU_YES);
	caps->purge.hpa_removable = tri(caps->hpa_hidden_sectors > 0);
	return 0;
}

/* ---- NVMe ----------------------------------------------------------------- */

/* The namespace id of the block device: NVME_IOCTL_ID through the channel
 * (what libnvme asks), else sysfs's nsid. Never the name: Linux numbers
 * nvmeXnY by the namespace head's instance, which differs from the NSID
 * once namespaces were deleted and created. 0 with caps->nsid_error when
 * neither tells. */
static uint32_t find_nsid(struct kesu_passthru *pt, const struct kesu_device *dev,
			  struct kesu_drive_caps *caps)
{
	uint32_t nsid = 0;
	int rc = Kesu_nvme_nsid(pt, &nsid);
	if (rc == 0 && nsid && nsid != KESU_NVME_NSID_ALL)
		return nsid;
	uint64_t v = 0;
	if (dev && dev->sysfs_path[0] && Kesu_sysfs_read_u64(dev->sysfs_path, "nsid", &v) == 0 &&
	    v > 0 && v < KESU_NVME_NSID_ALL)
		return (uint32_t)v;
	snprintf(caps->nsid_error, sizeof(caps->nsid_error),
		 _("the namespace id of %s is unknown (NVME_IOCTL_ID: %s; no sysfs nsid)"),
		 PATH_OF(dev), rc < 0 ? kesu_strerror(rc) : "0");
	return 0;
}

/* The block devices of the controller's namespaces: the entries beside
 * this namespace's sysfs directory (the controller's, or the subsystem's
 * with multipath) that have an nsid. Hidden per-path nodes (nvmeXcYnZ)
 * have no /dev node and are skipped. */
static void map_devices(const struct kesu_device *dev, struct kesu_drive_caps *caps)
{
	for (size_t i = 0; i < caps->nvme_ns_count; i++)
		if (dev && caps->nvme_ns_list[i].nsid == caps->nsid)
			snprintf(caps->nvme_ns_list[i].device, sizeof(caps->nvme_ns_list[i].device), "%s",
				 dev->path);
	if (!dev || !dev->sysfs_path[0])
		return;
	char parent[4096];
	snprintf(parent, sizeof(parent), "%s", dev->sysfs_path);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return;
	*slash = '\0';
	DIR *d = opendir(parent);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		unsigned a, b;
		char tail;
		/* nvmeXnY only: not partitions, not the hidden nvmeXcYnZ paths */
		if (sscanf(e->d_name, "nvme%un%u%c", &a, &b, &tail) != 2 || !strcmp(e->d_name, dev->name))
			continue;
		char dir[4096 + 64];
		uint64_t v;
		snprintf(dir, sizeof(dir), "%s/%s", parent, e->d_name);
		if (Kesu_sysfs_read_u64(dir, "nsid", &v) < 0)
			continue;
		for (size_t i = 0; i < caps->nvme_ns_count; i++)
			if (caps->nvme_ns_list[i].nsid == v && !caps->nvme_ns_list[i].device[0])
				snprintf(caps->nvme_ns_list[i].device, sizeof(caps->nvme_ns_list[i].device),
					 "/dev/%s", e->d_name);
	}
	closedir(d);
}

/* Identify CNS 02h: every active namespace of the controller. A
 * controller that does not answer leaves nvme_ns_listed false: a command
 * that reaches beyond the chosen namespace is then refused. */
static void list_namespaces(struct kesu_passthru *pt, const struct kesu_device *dev,
			    struct kesu_drive_caps *caps, uint8_t *buf)
{
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	uint32_t ids[KESU_NVME_NS_MAX];
	memset(buf, 0, KESU_NVME_IDENTIFY_SIZE);
	Kesu_nvme_identify_cmd(&cmd, 0, KESU_NVME_CNS_ACTIVE_NS, buf);
	if (Kesu_nvme_send(pt, &cmd, &res) < 0)
		return;
	int n = kesu_nvme_ns_list_parse(buf, ids, KESU_NVME_NS_MAX);
	if (n < 0)
		return;
	for (int i = 0; i < n; i++)
		caps->nvme_ns_list[i] = (struct kesu_nvme_ns_ref){.nsid = ids[i]};
	caps->nvme_ns_count = (size_t)n;
	caps->nvme_ns_listed = true;
	map_devices(dev, caps);
}

/* *refused: Identify Controller itself was refused as unknown (a channel
 * that offers NVMe among other command sets, to a drive that is not). */
static int query_nvme(struct kesu_passthru *pt, const struct kesu_device *dev,
		      struct kesu_drive_caps *caps, bool *refused)
{
	uint8_t *buf = calloc(1, KESU_NVME_IDENTIFY_SIZE);
	if (!buf) {
		snprintf(caps->error, sizeof(caps->error), _("out of memory"));
		return -ENOMEM;
	}
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	Kesu_nvme_identify_cmd(&cmd, 0, KESU_NVME_CNS_CONTROLLER, buf);
	int rc = Kesu_nvme_send(pt, &cmd, &res);
	if (rc < 0) {
		*refused = rc == -KESU_EUNSUPPORTED;
		snprintf(caps->error, sizeof(caps->error), _("NVMe Identify Controller %s: %s"),
			 rc == -KESU_EUNSUPPORTED ? "refused" : "failed", why_text(res.reason));
		goto out;
	}
	rc = kesu_nvme_id_ctrl_parse(buf, &caps->nvme_ctrl);
	if (rc < 0) {
		snprintf(caps->error, sizeof(caps->error),
			 _("NVMe Identify Controller data is not usable (no vendor, serial or model)"));
		goto out;
	}

	/* Without its nsid the namespace is not asked at all: the facts stay
	 * known for kesu info, and every NVMe firmware command is refused. */
	caps->nsid = find_nsid(pt, dev, caps);
	if (caps->nsid) {
		memset(buf, 0, KESU_NVME_IDENTIFY_SIZE);
		Kesu_nvme_identify_cmd(&cmd, caps->nsid, KESU_NVME_CNS_NAMESPACE, buf);
		rc = Kesu_nvme_send(pt, &cmd, &res);
		if (rc < 0) {
			snprintf(caps->error, sizeof(caps->error), _("NVMe Identify Namespace %u %s: %s"),
				 (unsigned)caps->nsid, rc == -KESU_EUNSUPPORTED ? "refused" : "failed",
				 why_text(res.reason));
			goto out;
		}
		rc = kesu_nvme_id_ns_parse(buf, &caps->nvme_ns);
		if (rc < 0) {
			snprintf(caps->error, sizeof(caps->error),
				 _("NVMe Identify Namespace %u data is not usable (bad LBA format)"),
				 (unsigned)caps->nsid);
			goto out;
		}
	}
	list_namespaces(pt, dev, caps, buf);

	/* Only a drive with Sanitize has the log; its absence is no error. */
	if (caps->nvme_ctrl.sanicap) {
		memset(buf, 0, KESU_NVME_SANITIZE_LOG_SIZE);
		if (Kesu_nvme_get_log_cmd(&cmd, KESU_NVME_LOG_SANITIZE, KESU_NVME_NSID_ALL, buf,
					  KESU_NVME_SANITIZE_LOG_SIZE) == 0 &&
		    Kesu_nvme_send(pt, &cmd, &res) == 0 &&
		    kesu_nvme_sanitize_log_parse(buf, KESU_NVME_SANITIZE_LOG_SIZE,
						 &caps->nvme_sanitize_log) == 0)
			caps->nvme_sanitize_log_valid = true;
	}
	caps->bus = KESU_BUS_NVME;
	kesu_purge_caps_from_nvme(&caps->nvme_ctrl, &caps->purge);
	caps->purge.rotational = KESU_NO; /* NVMe: flash */
	rc = 0;
out:
	free(buf);
	return rc;
}

/* ---- SCSI ----------------------------------------------------------------- */

/* REPORT SUPPORTED OPERATION CODES for SANITIZE with one service action.
 * *answered: the drive took the command. */
static enum kesu_tristate scsi_sanitize_supported(struct kesu_passthru *pt, uint16_t sa,
						  bool *answered, const char **reason)
{
	uint8_t buf[32];
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	memset(buf, 0, sizeof(buf));
	Kesu_scsi_report_opcode_cmd(&cmd, KESU_SCSI_SANITIZE, sa, buf, sizeof(buf));
	int rc = Kesu_scsi_send(pt, &cmd, &res);
	if (rc < 0) {
		*reason = why_text(res.reason);
		return KESU_UNKNOWN;
	}
	*answered = true;
	switch (buf[1] & 0x07) { /* SUPPORT */
	case 1: return KESU_NO;   /* not supported */
	case 3:                   /* supported, conforming to the standard */
	case 5: return KESU_YES;  /* supported, vendor specific */
	default: return KESU_UNKNOWN; /* 0: data not available now; reserved */
	}
}

/* VPD page B1 (Block Device Characteristics), bytes 4-5 MEDIUM ROTATION
 * RATE: 1 non-rotating, 0401h..FFFEh rpm, 0 not reported. */
static enum kesu_tristate scsi_rotation(struct kesu_passthru *pt, bool *answered,
					const char **reason)
{
	uint8_t buf[64];
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	memset(buf, 0, sizeof(buf));
	Kesu_scsi_inquiry_vpd_cmd(&cmd, 0xb1, buf, sizeof(buf));
	int rc = Kesu_scsi_send(pt, &cmd, &res);
	if (rc < 0) {
		*reason = why_text(res.reason);
		return KESU_UNKNOWN;
	}
	if (buf[1] != 0xb1)
		return KESU_UNKNOWN;
	*answered = true;
	unsigned rate = kesu_load_be16(buf + 4); /* MEDIUM ROTATION RATE */
	if (rate == 1)
		return KESU_NO;
	if (rate >= 0x0401 && rate <= 0xfffe)
		return KESU_YES;
	return KESU_UNKNOWN;
}

static int query_scsi(struct kesu_passthru *pt, const struct kesu_device *dev,
		      struct kesu_drive_caps *caps, const char *ata_refusal)
{
	bool answered = false;
	const char *rsoc_reason = NULL, *vpd_reason = NULL;
	struct kesu_erase_caps *c = &caps->purge;
	c->scsi_sanitize_overwrite =
		scsi_sanitize_supported(pt, KESU_SCSI_SANITIZE_OVERWRITE, &answered, &rsoc_reason);
	c->scsi_sanitize_block =
		scsi_sanitize_supported(pt, KESU_SCSI_SANITIZE_BLOCK, &answered, &rsoc_reason);
	c->scsi_sanitize_crypto =
		scsi_sanitize_supported(pt, KESU_SCSI_SANITIZE_CRYPTO, &answered, &rsoc_reason);
	caps->scsi_rotational = scsi_rotation(pt, &answered, &vpd_reason);
	if (!answered) {
		char ata[96] = "";
		if (ata_refusal)
			snprintf(ata, sizeof(ata), "ATA IDENTIFY refused: %s; ", ata_refusal);
		snprintf(caps->error, sizeof(caps->error),
			 _("%sREPORT SUPPORTED OPERATION CODES refused: %s; INQUIRY VPD B1 refused: %s"), ata,
			 why_text(rsoc_reason), why_text(vpd_reason));
		return -KESU_EUNSUPPORTED;
	}
	caps->bus = KESU_BUS_SCSI;
	c->rotational = caps->scsi_rotational == KESU_UNKNOWN
				? tri(dev && dev->rotational == KESU_YES)
				: caps->scsi_rotational;
	return 0;
}

/* ---- The query ------------------------------------------------------------ */

static void caps_unknown(struct kesu_erase_caps *c)
{
	enum kesu_tristate *t = &c->overwrite;
	for (size_t i = 0; i < sizeof(*c) / sizeof(*t); i++)
		t[i] = KESU_UNKNOWN;
}

/* What the answers come to for the whole drive: the one-word fields of
 * struct kesu_erase_caps, and NO for every command of another bus. The
 * probe's own fields (overwrite, discard, ...) are taken from dev. */
static void summarize(struct kesu_drive_caps *caps, const struct kesu_device *dev)
{
	struct kesu_erase_caps *c = &caps->purge;
	bool ata = caps->bus == KESU_BUS_ATA, nvme = caps->bus == KESU_BUS_NVME,
	     scsi = caps->bus == KESU_BUS_SCSI;
	enum kesu_tristate hpa = dev ? dev->caps.hpa_present : KESU_UNKNOWN;
	if (dev) {
		c->overwrite = dev->caps.overwrite;
		c->discard = dev->caps.discard;
		c->secure_discard = dev->caps.secure_discard;
		c->write_zeroes = dev->caps.write_zeroes;
	}
	if (!ata) {
		c->ata_security = c->ata_sanitize = KESU_NO;
		c->ata_sanitize_crypto = c->ata_sanitize_block = c->ata_sanitize_overwrite = KESU_NO;
		c->ata_security_enhanced = c->ata_security_frozen = c->ata_security_locked = KESU_NO;
		c->hpa_removable = KESU_NO;
	}
	if (!nvme) {
		c->nvme_format = c->nvme_format_crypto = c->nvme_sanitize = KESU_NO;
		c->nvme_sanitize_crypto = c->nvme_sanitize_block = c->nvme_sanitize_overwrite = KESU_NO;
	}
	if (scsi) {
		enum kesu_tristate s[3] = {c->scsi_sanitize_overwrite, c->scsi_sanitize_block,
					   c->scsi_sanitize_crypto};
		bool any_yes = false, all_no = true;
		for (int i = 0; i < 3; i++) {
			any_yes |= s[i] == KESU_YES;
			all_no &= s[i] == KESU_NO;
		}
		c->scsi_sanitize = any_yes ? KESU_YES : all_no ? KESU_NO : KESU_UNKNOWN;
	} else {
		c->scsi_sanitize = c->scsi_sanitize_crypto = c->scsi_sanitize_block =
			c->scsi_sanitize_overwrite = KESU_NO;
	}
	if (!ata)
		hpa = KESU_NO; /* HPA and DCO are ATA features */
	else if (caps->hpa_hidden_sectors || caps->dco_hidden_sectors)
		hpa = KESU_YES;
	else if (caps->hpa_checked)
		hpa = KESU_NO;
	c->hpa_present = hpa;
	c->usb_bridge = tri(dev && dev->transport == KESU_TRAN_USB);
}

static void caps_reset(struct kesu_drive_caps *caps)
{
	memset(caps, 0, sizeof(*caps));
	caps->bus = KESU_BUS_OTHER;
	caps_unknown(&caps->purge);
	caps->scsi_rotational = KESU_UNKNOWN;
	caps->ata_sanitize_frozen = KESU_UNKNOWN;
}

int kesu_drive_caps_query(struct kesu_passthru *pt, struct kesu_device *dev,
			  struct kesu_drive_caps *caps)
{
	if (!pt || !caps)
		return -EINVAL;
	caps_reset(caps);
	const struct kesu_passthru_ops *ops = pt->ops;
	int rc = -KESU_EUNSUPPORTED;
	bool asked = false;
	/* The command set follows from the channel's ops: an NVMe channel
	 * has only admin commands, an SG channel ATA and SCSI. A channel with
	 * all three (a test double) is asked NVMe first, then ATA. */
	if (ops && ops->nvme_admin) {
		bool refused = false;
		asked = true;
		rc = query_nvme(pt, dev, caps, &refused);
		if (rc < 0 && refused && (ops->ata || ops->scsi))
			caps_reset(caps); /* not an NVMe drive: ask in the other terms */
		else
			goto done;
	}
	if (ops && ops->ata) {
		const char *refusal = NULL;
		asked = true;
		rc = query_ata(pt, dev, caps, &refusal);
		/* ATA PASS-THROUGH refused as unknown: a bridge that blocks it,
		 * or a SCSI/SAS disk. Ask in SCSI terms. */
		if (rc == -KESU_EUNSUPPORTED && refusal && ops->scsi) {
			rc = query_scsi(pt, dev, caps, refusal);
			snprintf(caps->ata_refused, sizeof(caps->ata_refused), "%s", refusal);
		}
	} else if (ops && ops->scsi) {
		asked = true;
		rc = query_scsi(pt, dev, caps, NULL);
	}
	if (!asked)
		snprintf(caps->error, sizeof(caps->error), _("%s has no command channel"), PATH_OF(dev));
done:
	if (rc < 0) {
		caps->bus = KESU_BUS_OTHER;
		caps_unknown(&caps->purge);
		return rc;
	}
	caps->error[0] = '\0';
	caps->queried = true;
	summarize(caps, dev);
	if (dev)
		dev->caps = caps->purge; /* one structure: the device holds what the drive said */
	return 0;
}

/* ---- Whether a command may run -------------------------------------------- */

static const char *bus_name(enum kesu_purge_bus bus)
{
	switch (bus) {
	case KESU_BUS_ATA: return _("an ATA drive");
	case KESU_BUS_NVME: return _("an NVMe drive");
	case KESU_BUS_SCSI: return _("a SCSI/SAS drive");
	case KESU_BUS_OTHER: break;
	}
	return _("a drive without firmware erase commands");
}

static enum kesu_purge_bus command_bus(enum kesu_firmware_command c)
{
	switch (c) {
	case KESU_FW_ATA_SECURITY_ERASE:
	case KESU_FW_ATA_SECURITY_ERASE_ENHANCED:
	case KESU_FW_ATA_SANITIZE_CRYPTO:
	case KESU_FW_ATA_SANITIZE_BLOCK:
	case KESU_FW_ATA_SANITIZE_OVERWRITE:
		return KESU_BUS_ATA;
	case KESU_FW_NVME_FORMAT_ERASE:
	case KESU_FW_NVME_FORMAT_CRYPTO:
	case KESU_FW_NVME_SANITIZE_BLOCK:
	case KESU_FW_NVME_SANITIZE_CRYPTO:
	case KESU_FW_NVME_SANITIZE_OVERWRITE:
		return KESU_BUS_NVME;
	default:
		return KESU_BUS_SCSI;
	}
}

__attribute__((format(printf, 4, 5))) static int say(int rc, char *err, size_t errsize,
							const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (err && errsize)
		vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return rc;
}

static int check_ata_security(enum kesu_firmware_command command, const struct kesu_drive_caps *caps,
			      bool hpa_decided, unsigned *remedies, char *err, size_t errsize)
{
	const struct kesu_ata_identify *id = &caps->ata;
	const char *name = kesu_firmware_command_name(command);
	bool enhanced = command == KESU_FW_ATA_SECURITY_ERASE_ENHANCED;
	if (!id->security_supported)
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("the drive has no ATA Security feature set: %s cannot run on it"), name);
	if (enhanced && !id->security_enhanced_supported)
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("the drive does not support enhanced SECURITY ERASE UNIT (IDENTIFY word 128 "
			   "bit 5): use ata-security-erase, or another method"));
	if (id->security_count_expired)
		return say(-KESU_EREFUSED, err, errsize,
			   _("5 wrong passwords since power-on: power-cycle the drive, then run kesu again"));
	if (id->security_locked)
		return say(-KESU_EREFUSED, err, errsize,
			   _("the drive is locked by a password: if kesu set it, run `kesu unlock DEVICE`; "
			   "otherwise unlock it with its owner's password"));
	if (id->security_frozen)
		return say(-KESU_EREFUSED, err, errsize,
			   _("ATA security is frozen (the BIOS froze it at boot), so the drive refuses "
			   "SECURITY ERASE: %s"), kesu_ata_unfreeze_advice());
	if (id->security_enabled)
		return say(-KESU_EREFUSED, err, errsize,
			   _("a user password is already set on the drive, and not by this kesu job: "
			   "remove it first (`kesu unlock DEVICE` if kesu set it, else with its owner's "
			   "password)"));
	if (caps->hpa_hidden_sectors && !hpa_decided) {
		*remedies |= KESU_REMEDY_HPA_RESTORE | KESU_REMEDY_HPA_KEEP;
		return say(-KESU_EREFUSED, err, errsize,
			   _("%llu sectors are hidden by an HPA that Security Erase may leave untouched: "
			   "decide whether to remove it for this erase or to keep it"),
			   (unsigned long long)caps->hpa_hidden_sectors);
	}
	return 0;
}

static int check_ata_sanitize(enum kesu_firmware_command command, const struct kesu_drive_caps *caps,
			      char *err, size_t errsize)
{
	const struct kesu_ata_identify *id = &caps->ata;
	if (!id->sanitize_supported)
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("the drive has no ATA SANITIZE feature set (IDENTIFY word 59 bit 12)"));
	bool ok = command == KESU_FW_ATA_SANITIZE_CRYPTO	? id->sanitize_crypto
		  : command == KESU_FW_ATA_SANITIZE_BLOCK ? id->sanitize_block
							  : id->sanitize_overwrite;
	if (!ok)
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("the drive supports SANITIZE but not %s (IDENTIFY word 59)"),
			   command == KESU_FW_ATA_SANITIZE_CRYPTO  ? "CRYPTO SCRAMBLE"
			   : command == KESU_FW_ATA_SANITIZE_BLOCK ? "BLOCK ERASE"
								   : "OVERWRITE");
	if (caps->ata_sanitize_frozen == KESU_YES)
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("sanitize is frozen on this drive (SANITIZE FREEZE LOCK, usually sent by the "
			   "BIOS at boot): the drive aborts every sanitize command until it is "
			   "power-cycled without it; nothing was sent"));
	/* A locked drive aborts media commands, SANITIZE included. */
	if (id->security_locked)
		return say(-KESU_EREFUSED, err, errsize,
			   _("the drive is locked by a password, and a locked drive refuses SANITIZE: if "
			   "kesu set it, run `kesu unlock DEVICE`; otherwise unlock it with its owner's "
			   "password"));
	return 0;
}

/* Which namespaces the command erases must be known: never a guessed nsid. */
static int check_nvme_scope(enum kesu_firmware_command command, const struct kesu_drive_caps *caps,
			    char *err, size_t errsize)
{
	struct kesu_nvme_scope *scope = malloc(sizeof(*scope));
	if (!scope)
		return say(-ENOMEM, err, errsize, _("out of memory"));
	int rc = kesu_nvme_scope(caps, command, scope, err, errsize);
	free(scope);
	return rc;
}

static int check_nvme(enum kesu_firmware_command command, const struct kesu_drive_caps *caps,
		      char *err, size_t errsize)
{
	const struct kesu_nvme_id_ctrl *id = &caps->nvme_ctrl;
	bool sanitizing = caps->nvme_sanitize_log_valid &&
			  caps->nvme_sanitize_log.status == KESU_NVME_SANITIZE_IN_PROGRESS;
	switch (command) {
	case KESU_FW_NVME_FORMAT_ERASE:
	case KESU_FW_NVME_FORMAT_CRYPTO:
		if (!id->format)
			return say(-KESU_EUNSUPPORTED, err, errsize,
				   _("the controller does not support Format NVM (OACS bit 1)"));
		if (command == KESU_FW_NVME_FORMAT_CRYPTO && !id->format_crypto_erase)
			return say(-KESU_EUNSUPPORTED, err, errsize,
				   _("the controller does not support cryptographic erase with Format NVM "
				   "(FNA bit 2): use nvme-format-erase, or a sanitize method"));
		if (sanitizing)
			return say(-KESU_EREFUSED, err, errsize,
				   _("a sanitize is running in the drive (%u.%u %%), which refuses Format "
				   "NVM until it ends: wait, or erase with the nvme-sanitize-* method "
				   "that follows it"),
				   kesu_nvme_sanitize_permille(&caps->nvme_sanitize_log) / 10,
				   kesu_nvme_sanitize_permille(&caps->nvme_sanitize_log) % 10);
		return check_nvme_scope(command, caps, err, errsize);
	default:
		break;
	}
	bool ok = command == KESU_FW_NVME_SANITIZE_CRYPTO  ? id->sanitize_crypto
		  : command == KESU_FW_NVME_SANITIZE_BLOCK ? id->sanitize_block
							   : id->sanitize_overwrite;
	if (!ok)
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("the controller does not support Sanitize %s (SANICAP bit %d)"),
			   command == KESU_FW_NVME_SANITIZE_CRYPTO  ? "crypto erase"
			   : command == KESU_FW_NVME_SANITIZE_BLOCK ? "block erase"
								    : "overwrite",
			   command == KESU_FW_NVME_SANITIZE_CRYPTO ? 0
			   : command == KESU_FW_NVME_SANITIZE_BLOCK ? 1 : 2);
	/* a sanitize already running is followed, not refused */
	return check_nvme_scope(command, caps, err, errsize);
}

static int check_scsi(enum kesu_firmware_command command, const struct kesu_drive_caps *caps,
		      char *err, size_t errsize)
{
	enum kesu_tristate t = command == KESU_FW_SCSI_SANITIZE_CRYPTO  ? caps->purge.scsi_sanitize_crypto
			       : command == KESU_FW_SCSI_SANITIZE_BLOCK ? caps->purge.scsi_sanitize_block
									: caps->purge.scsi_sanitize_overwrite;
	if (t == KESU_NO)
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("the drive reports SANITIZE %s as not supported (REPORT SUPPORTED "
			   "OPERATION CODES)"),
			   command == KESU_FW_SCSI_SANITIZE_CRYPTO  ? "CRYPTOGRAPHIC ERASE"
			   : command == KESU_FW_SCSI_SANITIZE_BLOCK ? "BLOCK ERASE"
								    : "OVERWRITE");
	return 0; /* unknown: the command itself will tell */
}

int kesu_firmware_check(enum kesu_firmware_command command, const struct kesu_drive_caps *caps,
			bool hpa_decided, unsigned *remedies, char *err, size_t errsize)
{
	unsigned ignored;
	if (!remedies)
		remedies = &ignored;
	*remedies = 0;
	if (err && errsize)
		err[0] = '\0';
	if (!caps || command <= KESU_FW_AUTO || command >= KESU_FW_COUNT)
		return say(-EINVAL, err, errsize, _("no firmware command to check"));
	const char *name = kesu_firmware_command_name(command);
	if (!caps->queried)
		return say(-KESU_EUNSUPPORTED, err, errsize, _("the drive could not be asked what it "
			   "supports%s%s"), caps->error[0] ? ": " : "", caps->error);
	enum kesu_purge_bus need = command_bus(command);
	/* usb-storage and many bridges block ATA PASS-THROUGH: the drive may
	 * well be ATA, but no ATA command reaches it. (Not "a SCSI drive".) */
	if (need == KESU_BUS_ATA && caps->bus != need && caps->ata_refused[0])
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("ATA commands do not reach the drive (ATA PASS-THROUGH refused: %s): a USB "
			   "bridge or controller in between blocks them, or it is a SCSI/SAS drive; "
			   "%s needs an ATA drive connected by SATA"),
			   caps->ata_refused, name);
	if (caps->bus != need)
		return say(-KESU_EUNSUPPORTED, err, errsize, _("this is %s: %s needs %s"),
			   bus_name(caps->bus), name, bus_name(need));
	if (caps->purge.usb_bridge == KESU_YES) {
		*remedies |= KESU_REMEDY_ALLOW_USB;
		return say(-KESU_EUNSUPPORTED, err, errsize,
			   _("the drive is behind a USB bridge, which as a rule passes no firmware erase "
			   "commands (and some pass them wrongly): connect it directly"));
	}
	switch (need) {
	case KESU_BUS_ATA:
		if (command == KESU_FW_ATA_SECURITY_ERASE || command == KESU_FW_ATA_SECURITY_ERASE_ENHANCED)
			return check_ata_security(command, caps, hpa_decided, remedies, err, errsize);
		return check_ata_sanitize(command, caps, err, errsize);
	case KESU_BUS_NVME:
		return check_nvme(command, caps, err, errsize);
	default:
		return check_scsi(command, caps, err, errsize);
	}
}

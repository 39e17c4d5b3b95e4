/* Reading and removing a Host Protected Area, so an erase reaches the
 * sectors it hides. ATA-8 / ACS-2 drives: READ NATIVE MAX EXT (the drive
 * aborts a SET MAX ADDRESS EXT not immediately preceded by it), SET MAX
 * ADDRESS EXT to the native max with the volatile bit clear (until the
 * next power cycle). ACS-3 drives with the Accessible Max Address feature
 * set (IDENTIFY word 119 bit 8), which may abort 27h/37h: GET NATIVE MAX
 * ADDRESS EXT and SET ACCESSIBLE MAX ADDRESS EXT (78h, features 0000h and
 * 0001h, as hdparm sends them), which the drive keeps across power cycles.
 * Either way IDENTIFY must agree afterwards. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "firmware_internal.h"
#include "../i18n.h"

int Kesu_ata_native_max(struct kesu_passthru *pt, const struct kesu_ata_identify *id,
			uint64_t *max_lba, const char **reason)
{
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res = {.reason = "not asked"};
	int rc = -KESU_EUNSUPPORTED;
	if (id->amax_supported) {
		Kesu_ata_get_native_max_cmd(&cmd);
		rc = Kesu_ata_send_whole(pt, &cmd, &res, false, true);
	}
	if (rc == -KESU_EUNSUPPORTED) { /* no AMAC, or 78h refused: the older command */
		Kesu_ata_read_native_max_cmd(&cmd);
		rc = Kesu_ata_send_whole(pt, &cmd, &res, false, true);
	}
	if (reason)
		*reason = res.reason ? res.reason : "no reason given";
	if (rc < 0)
		return rc;
	*max_lba = res.lba;
	return 0;
}

/* READ NATIVE MAX EXT directly followed by a volatile SET MAX ADDRESS EXT
 * to max_lba: for an ACS-3 drive that refuses SET ACCESSIBLE MAX ADDRESS
 * EXT but still takes the older commands. 0 or a negative error. */
static int legacy_restore(struct kesu_passthru *pt, uint64_t max_lba)
{
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	Kesu_ata_read_native_max_cmd(&cmd);
	int rc = Kesu_ata_send_whole(pt, &cmd, &res, false, true);
	if (rc < 0)
		return rc;
	if (res.lba != max_lba)
		return -EIO;
	Kesu_ata_set_max_address_cmd(&cmd, max_lba, false);
	return Kesu_ata_send(pt, &cmd, &res);
}

int kesu_hpa_restore(struct kesu_passthru *pt, struct kesu_drive_caps *caps, char *err,
		     size_t errsize)
{
	char dummy[1];
	if (!err || !errsize) {
		err = dummy;
		errsize = sizeof(dummy);
	}
	err[0] = '\0';
	if (!pt || !caps)
		return -EINVAL;
	if (!caps->queried || caps->bus != KESU_BUS_ATA) {
		snprintf(err, errsize, _("an HPA is an ATA feature: this drive was not asked over ATA"));
		return -KESU_EUNSUPPORTED;
	}
	if (!caps->hpa_checked) {
		snprintf(err, errsize, _("the drive did not answer READ NATIVE MAX EXT, so kesu cannot "
			 "tell where its native end is"));
		return -KESU_EUNSUPPORTED;
	}
	if (caps->hpa_hidden_sectors == 0) {
		snprintf(err, errsize, _("no HPA: nothing to restore"));
		return 0;
	}

	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	bool amax = caps->ata.amax_supported;
	uint64_t max_lba = 0;
	const char *why;
	int rc = Kesu_ata_native_max(pt, &caps->ata, &max_lba, &why);
	if (rc < 0) {
		if (amax)
			snprintf(err, errsize, _("GET NATIVE MAX ADDRESS EXT %s: %s"), "failed", why);
		else
			snprintf(err, errsize, _("READ NATIVE MAX EXT %s: %s"), "failed", why);
		return rc;
	}
	res.lba = max_lba;
	if (res.lba + 1 != caps->native_sectors) {
		snprintf(err, errsize, _("READ NATIVE MAX EXT now says %llu sectors, not %llu as before: "
			 "the drive changed under kesu"), (unsigned long long)(res.lba + 1),
			 (unsigned long long)caps->native_sectors);
		return -EIO;
	}

	if (amax) { /* no volatile form: the drive keeps it */
		Kesu_ata_set_accessible_max_cmd(&cmd, caps->native_sectors - 1);
		rc = Kesu_ata_send(pt, &cmd, &res);
		if (rc == -KESU_EUNSUPPORTED && legacy_restore(pt, caps->native_sectors - 1) == 0) {
			amax = false; /* refused, but the older pair of commands did it */
			rc = 0;
		}
		if (rc < 0) {
			snprintf(err, errsize, _("SET ACCESSIBLE MAX ADDRESS EXT %s: %s%s"),
				 rc == -KESU_EUNSUPPORTED ? "refused" : "failed",
				 res.reason ? res.reason : "no reason given",
				 rc == -KESU_EUNSUPPORTED
					 ? " (the BIOS may have frozen it with FREEZE ACCESSIBLE MAX "
					   "ADDRESS EXT: a power cycle without the BIOS, e.g. hot-plugging "
					   "the drive, clears that)"
					 : "");
			return rc;
		}
	} else {
		Kesu_ata_set_max_address_cmd(&cmd, caps->native_sectors - 1, false);
		rc = Kesu_ata_send(pt, &cmd, &res);
	}
	if (rc < 0) {
		snprintf(err, errsize, _("SET MAX ADDRESS EXT %s: %s%s"),
			 rc == -KESU_EUNSUPPORTED ? "refused" : "failed",
			 res.reason ? res.reason : "no reason given",
			 rc == -KESU_EUNSUPPORTED
				 ? " (the BIOS may have locked it with SET MAX FREEZE LOCK: a power "
				   "cycle without the BIOS, e.g. hot-plugging the drive, clears that)"
				 : "");
		return rc;
	}

	struct kesu_ata_identify id;
	const char *reason = NULL;
	bool answered;
	rc = Kesu_fw_ata_identify(pt, &id, &answered, &reason);
	if (rc < 0) {
		snprintf(err, errsize, _("IDENTIFY after SET MAX ADDRESS EXT failed: %s"), reason);
		return rc;
	}
	if (id.sectors != caps->native_sectors) {
		snprintf(err, errsize, _("SET MAX ADDRESS EXT was accepted but IDENTIFY still reports "
			 "%llu sectors, not the native %llu: the HPA is still there"),
			 (unsigned long long)id.sectors, (unsigned long long)caps->native_sectors);
		return -EIO;
	}
	caps->ata = id;
	caps->hpa_hidden_sectors = 0;
	caps->purge.hpa_removable = KESU_NO;
	if (caps->dco_checked) /* the DCO limit is now measured from the same end */
		caps->dco_hidden_sectors =
			caps->dco_sectors > id.sectors ? caps->dco_sectors - id.sectors : 0;
	caps->purge.hpa_present = caps->dco_hidden_sectors ? KESU_YES : KESU_NO;
	if (amax)
		snprintf(err, errsize, _("HPA removed for good (an ACS-3 drive keeps SET ACCESSIBLE "
			 "MAX ADDRESS EXT across power cycles): %llu sectors addressable"),
			 (unsigned long long)id.sectors);
	else
		snprintf(err, errsize, _("HPA removed until the next power cycle: %llu sectors addressable"),
			 (unsigned long long)id.sectors);
	return 0;
}

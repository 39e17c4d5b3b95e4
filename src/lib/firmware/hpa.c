/* Removing a Host Protected Area for this power cycle, so an erase reaches
 * the sectors it hides: READ NATIVE MAX EXT (the drive aborts a SET MAX
 * ADDRESS EXT not immediately preceded by it), SET MAX ADDRESS EXT to the
 * native max with the volatile bit clear, then IDENTIFY must agree. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "firmware_internal.h"
#include "../i18n.h"

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
	Kesu_ata_read_native_max_cmd(&cmd);
	int rc = Kesu_ata_send(pt, &cmd, &res);
	if (rc < 0 || !res.regs_valid) {
		snprintf(err, errsize, _("READ NATIVE MAX EXT %s: %s"), rc < 0 ? "failed" : "gave no registers",
			 res.reason ? res.reason : "no reason given");
		return rc < 0 ? rc : -EIO;
	}
	if (res.lba + 1 != caps->native_sectors) {
		snprintf(err, errsize, _("READ NATIVE MAX EXT now says %llu sectors, not %llu as before: "
			 "the drive changed under kesu"), (unsigned long long)(res.lba + 1),
			 (unsigned long long)caps->native_sectors);
		return -EIO;
	}

	Kesu_ata_set_max_address_cmd(&cmd, caps->native_sectors - 1, false);
	rc = Kesu_ata_send(pt, &cmd, &res);
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
	snprintf(err, errsize, _("HPA removed until the next power cycle: %llu sectors addressable"),
		 (unsigned long long)id.sectors);
	return 0;
}

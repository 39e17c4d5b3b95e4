/* Sending through a drive's command channel, whatever sits behind it.
 * A SCSI command (and an ATA one, which travels as ATA PASS-THROUGH on a
 * SAT bridge) answered UNIT ATTENTION was not run: reporting the condition
 * cleared it (SPC-4 5.14), so it is sent again, a bounded number of times,
 * here where every command goes, not in each caller. */
#include <errno.h>

#include "kesu/error.h"
#include "device_cmd.h"

/* Pending UNIT ATTENTIONs a drive may report in a row (power-on, reset,
 * mode parameters changed, ...) before the command counts as failed. */
#define UNIT_ATTENTION_TRIES 8

int Kesu_ata_send(struct kesu_passthru *pt, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	if (!pt->ops || !pt->ops->ata) {
		*res = (struct kesu_ata_result){.reason = "no ATA pass-through on this device"};
		return -KESU_EUNSUPPORTED;
	}
	int rc = -EAGAIN;
	for (unsigned i = 0; i < UNIT_ATTENTION_TRIES && rc == -EAGAIN; i++)
		rc = pt->ops->ata(pt->ctx, cmd, res);
	return rc;
}

int Kesu_nvme_send(struct kesu_passthru *pt, const struct kesu_nvme_admin *cmd, struct kesu_nvme_result *res)
{
	if (!pt->ops || !pt->ops->nvme_admin) {
		*res = (struct kesu_nvme_result){.reason = "not an NVMe device"};
		return -KESU_EUNSUPPORTED;
	}
	return pt->ops->nvme_admin(pt->ctx, cmd, res);
}

int Kesu_scsi_send(struct kesu_passthru *pt, const struct kesu_scsi_cmd *cmd, struct kesu_scsi_result *res)
{
	if (!pt->ops || !pt->ops->scsi) {
		*res = (struct kesu_scsi_result){.reason = "no SCSI pass-through on this device"};
		return -KESU_EUNSUPPORTED;
	}
	int rc = -EAGAIN;
	for (unsigned i = 0; i < UNIT_ATTENTION_TRIES && rc == -EAGAIN; i++)
		rc = pt->ops->scsi(pt->ctx, cmd, res);
	return rc;
}

int Kesu_nvme_nsid(struct kesu_passthru *pt, uint32_t *nsid)
{
	*nsid = 0;
	if (!pt->ops || !pt->ops->nvme_nsid)
		return -KESU_EUNSUPPORTED;
	return pt->ops->nvme_nsid(pt->ctx, nsid);
}

void kesu_passthru_close(struct kesu_passthru *pt)
{
	if (pt->ops && pt->ops->close)
		pt->ops->close(pt->ctx);
	pt->ops = NULL;
	pt->ctx = NULL;
}

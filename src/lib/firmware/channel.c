/* Which command channel a drive has. Its own file on purpose: the test
 * binary kesu-sim links tests/sim/sim_channel.c instead, so the whole
 * command line runs against a simulated drive. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "../i18n.h"

static const char *transport_label(enum kesu_transport t)
{
	switch (t) {
	case KESU_TRAN_LOOP: return _("a loop device");
	case KESU_TRAN_FILE: return _("an image file");
	case KESU_TRAN_VIRTIO: return _("a virtio disk");
	case KESU_TRAN_MMC: return _("an MMC/SD card");
	case KESU_TRAN_ISCSI: return _("an iSCSI disk");
	case KESU_TRAN_FC: return _("a Fibre Channel disk");
	default: return _("a drive on an unknown bus");
	}
}

int kesu_channel_open(const struct kesu_device *dev, int fd, unsigned flags,
		      struct kesu_passthru *pt, unsigned *remedies, char *err, size_t errsize)
{
	bool nvme = false;
	if (remedies)
		*remedies = 0;
	switch (dev->transport) {
	case KESU_TRAN_NVME:
		nvme = true;
		break;
	case KESU_TRAN_USB:
		if (!(flags & KESU_CHANNEL_ALLOW_USB)) {
			snprintf(err, errsize, _("%s is behind a USB bridge, which as a rule passes no "
				 "ATA or NVMe commands (and some pass them wrongly); connect it "
				 "directly"), dev->path);
			if (remedies)
				*remedies |= KESU_REMEDY_ALLOW_USB;
			return -KESU_EUNSUPPORTED;
		}
		break;
	case KESU_TRAN_SATA:
	case KESU_TRAN_PATA:
	case KESU_TRAN_SAS:
	case KESU_TRAN_SCSI:
		break;
	default:
		snprintf(err, errsize, _("%s is %s: it has no firmware erase commands (use an "
			 "overwrite method)"), dev->path, transport_label(dev->transport));
		return -KESU_EUNSUPPORTED;
	}
	int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (own < 0) {
		int rc = -errno;
		snprintf(err, errsize, "%s: %s", dev->path, kesu_strerror(rc));
		return rc;
	}
	int rc = nvme ? kesu_passthru_open_nvme(own, pt) : kesu_passthru_open_sg(own, pt);
	if (rc < 0)
		snprintf(err, errsize, _("%s: cannot open the command channel: %s"), dev->path,
			 kesu_strerror(rc));
	return rc;
}

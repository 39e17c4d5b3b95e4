#include <string.h>

#include "probe.h"

static bool path_has(const char *path, const char *component)
{
	return strstr(path, component) != NULL;
}

/* Like lsblk, decide by the device's place in the sysfs tree: the bus a
 * disk hangs off shows up as a path component. USB is tested first because
 * a USB disk is also a SCSI disk. */
enum kesu_transport Kesu_transport_from_path(const char *real, const char *name)
{
	if (strncmp(name, "loop", 4) == 0)
		return KESU_TRAN_LOOP;
	if (path_has(real, "/usb"))
		return KESU_TRAN_USB;
	if (strncmp(name, "nvme", 4) == 0 || path_has(real, "/nvme/"))
		return KESU_TRAN_NVME;
	if (strncmp(name, "mmcblk", 6) == 0 || path_has(real, "/mmc_host/"))
		return KESU_TRAN_MMC;
	if (path_has(real, "/ata"))
		return KESU_TRAN_SATA;
	if (path_has(real, "/end_device-"))
		return KESU_TRAN_SAS;
	if (path_has(real, "/rport-"))
		return KESU_TRAN_FC;
	if (path_has(real, "/session") && path_has(real, "/connection"))
		return KESU_TRAN_ISCSI;
	if (strncmp(name, "vd", 2) == 0 && path_has(real, "/virtio"))
		return KESU_TRAN_VIRTIO;
	if (path_has(real, "/target"))
		return KESU_TRAN_SCSI;
	return KESU_TRAN_UNKNOWN;
}

const char *kesu_transport_name(enum kesu_transport t)
{
	switch (t) {
	case KESU_TRAN_SATA: return "sata";
	case KESU_TRAN_PATA: return "pata";
	case KESU_TRAN_SAS: return "sas";
	case KESU_TRAN_SCSI: return "scsi";
	case KESU_TRAN_NVME: return "nvme";
	case KESU_TRAN_USB: return "usb";
	case KESU_TRAN_MMC: return "mmc";
	case KESU_TRAN_VIRTIO: return "virtio";
	case KESU_TRAN_FC: return "fc";
	case KESU_TRAN_ISCSI: return "iscsi";
	case KESU_TRAN_LOOP: return "loop";
	case KESU_TRAN_FILE: return "file";
	case KESU_TRAN_UNKNOWN: break;
	}
	return "unknown";
}

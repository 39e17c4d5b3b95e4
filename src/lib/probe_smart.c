#include <stddef.h> /* atasmart.h uses size_t without including it */
#include <atasmart.h>
#include <string.h>

#include "byteorder.h"
#include "probe.h"

/* The raw values of the attributes a certificate shows (48-bit LE; the
 * low 32 bits hold the count). */
static void find_counts(SkDisk *disk, const SkSmartAttributeParsedData *a, void *userdata)
{
	(void)disk;
	struct kesu_smart *smart = userdata;
	if (a->id == 5) /* Reallocated_Sector_Ct */
		smart->reallocated_sectors = kesu_load_le32(a->raw);
	else if (a->id == 197) /* Current_Pending_Sector */
		smart->pending_sectors = kesu_load_le32(a->raw);
}

static bool ata_family(enum kesu_transport t)
{
	return t == KESU_TRAN_SATA || t == KESU_TRAN_PATA || t == KESU_TRAN_USB ||
	       t == KESU_TRAN_SAS || t == KESU_TRAN_SCSI;
}

void Kesu_probe_smart(struct kesu_device *dev)
{
	struct kesu_smart *smart = &dev->smart;
	smart->available = KESU_UNKNOWN;
	smart->healthy = KESU_UNKNOWN;
	smart->power_on_hours = smart->reallocated_sectors = smart->temperature_c = -1;
	smart->pending_sectors = -1;
	if (!ata_family(dev->transport))
		return; /* libatasmart speaks ATA only */

	SkDisk *disk;
	if (sk_disk_open(dev->path, &disk) < 0)
		return;
	SkBool available = 0;
	if (sk_disk_smart_is_available(disk, &available) < 0 || !available ||
	    sk_disk_smart_read_data(disk) < 0) {
		smart->available = KESU_NO;
		sk_disk_free(disk);
		return;
	}
	smart->available = KESU_YES;
	SkBool good;
	if (sk_disk_smart_status(disk, &good) == 0)
		smart->healthy = good ? KESU_YES : KESU_NO;
	uint64_t v;
	if (sk_disk_smart_get_power_on(disk, &v) == 0)
		smart->power_on_hours = (int64_t)(v / 3600000ULL);
	if (sk_disk_smart_get_temperature(disk, &v) == 0)
		smart->temperature_c = ((int64_t)v - 273150) / 1000;
	sk_disk_smart_parse_attributes(disk, find_counts, smart);
	sk_disk_free(disk);
}

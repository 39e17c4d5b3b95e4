#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/ata.h"
#include "probe.h"
#include "sysfs.h"

const char *Kesu_env_sysfs(const struct kesu_probe_env *env)
{
	return env && env->sysfs_root ? env->sysfs_root : "/sys";
}

static enum kesu_tristate read_flag(const char *dir, const char *attr)
{
	uint64_t v;
	if (Kesu_sysfs_read_u64(dir, attr, &v) < 0)
		return KESU_UNKNOWN;
	return v ? KESU_YES : KESU_NO;
}

/* The first attribute of the list that exists and is not empty. */
static void read_first(const char *dir, const char *const *attrs, char *buf, size_t size)
{
	for (; *attrs; attrs++)
		if (Kesu_sysfs_read_str(dir, *attrs, buf, size) > 0)
			return;
	buf[0] = '\0';
}

/* "naa.5000c500a1b2c3d4" (SCSI wwid) -> "0x5000c500a1b2c3d4", as lsblk. */
static void wwn_from_wwid(const char *wwid, char *buf, size_t size)
{
	char text[KESU_STR + 2];
	if (strncmp(wwid, "naa.", 4) == 0)
		snprintf(text, sizeof(text), "0x%s", wwid + 4);
	else
		snprintf(text, sizeof(text), "%s", wwid);
	Kesu_trim_copy(buf, size, text, strlen(text)); /* never cut inside a character */
}

/* USB disks whose bridge has no VPD page 0x80: the USB device's iSerial,
 * found on the nearest ancestor that is a USB device (has idVendor). It
 * is the bridge's serial, which is what identifies the enclosure. */
static void read_usb_serial(const char *devdir, char *buf, size_t size)
{
	char dir[PATH_MAX];
	if (!realpath(devdir, dir) || !strstr(dir, "/usb"))
		return;
	char *slash;
	while ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		if (Kesu_sysfs_has(dir, "idVendor")) {
			Kesu_sysfs_read_str(dir, "serial", buf, size);
			return;
		}
	}
}

/* SATA drives behind libata: the IDENTIFY data in VPD page 0x89 gives
 * the full firmware revision (device/rev keeps 4 characters) and the
 * security and sanitize feature sets. */
static void read_ata_identify(const char *blk, struct kesu_device *dev)
{
	char devdir[PATH_MAX];
	uint8_t page[1024];
	snprintf(devdir, sizeof(devdir), "%s/device", blk);
	int n = Kesu_sysfs_read_bin(devdir, "vpd_pg89", page, sizeof(page));
	const uint8_t *data = n > 0 ? kesu_vpd89_identify(page, (size_t)n) : NULL;
	struct kesu_ata_identify id;
	if (!data || kesu_ata_identify_parse(data, &id) < 0)
		return;
	if (id.firmware[0])
		snprintf(dev->firmware, sizeof(dev->firmware), "%s", id.firmware);
	if (!dev->wwn[0] && id.wwn[0])
		snprintf(dev->wwn, sizeof(dev->wwn), "%s", id.wwn);
	dev->caps.ata_security = id.security_supported ? KESU_YES : KESU_NO;
	dev->caps.ata_sanitize = id.sanitize_supported ? KESU_YES : KESU_NO;
}

static void read_identity(const char *blk, struct kesu_device *dev)
{
	char devdir[PATH_MAX];
	snprintf(devdir, sizeof(devdir), "%s/device", blk);
	static const char *const model[] = {"model", "name", NULL};
	static const char *const firmware[] = {"firmware_rev", "rev", "fwrev", NULL};
	static const char *const dev_serial[] = {"serial", NULL};

	read_first(devdir, model, dev->model, sizeof(dev->model));
	/* virtio's "vendor" is a PCI id (0x1af4), not who made the drive. */
	if (Kesu_sysfs_read_str(devdir, "vendor", dev->vendor, sizeof(dev->vendor)) > 0 &&
	    strncmp(dev->vendor, "0x", 2) == 0)
		dev->vendor[0] = '\0';
	read_first(devdir, firmware, dev->firmware, sizeof(dev->firmware));

	/* virtio keeps the serial beside the disk, NVMe and MMC on the
	 * controller, SCSI/SATA/USB in VPD page 0x80. */
	if (Kesu_sysfs_read_str(blk, "serial", dev->serial, sizeof(dev->serial)) <= 0)
		read_first(devdir, dev_serial, dev->serial, sizeof(dev->serial));
	if (!dev->serial[0]) {
		unsigned char vpd[512];
		int n = Kesu_sysfs_read_bin(devdir, "vpd_pg80", vpd, sizeof(vpd));
		if (n > 0)
			Kesu_vpd80_serial(vpd, (size_t)n, dev->serial, sizeof(dev->serial));
	}

	if (!dev->serial[0])
		read_usb_serial(devdir, dev->serial, sizeof(dev->serial));

	char wwid[KESU_STR];
	unsigned char vpd[1024];
	int n;
	if (Kesu_sysfs_read_str(blk, "wwid", wwid, sizeof(wwid)) > 0) {
		wwn_from_wwid(wwid, dev->wwn, sizeof(dev->wwn)); /* NVMe */
	} else if ((n = Kesu_sysfs_read_bin(devdir, "vpd_pg83", vpd, sizeof(vpd))) > 0 &&
		   Kesu_vpd83_wwn(vpd, (size_t)n, dev->wwn, sizeof(dev->wwn)) > 0) {
		/* SCSI/SATA NAA designator */
	} else if (Kesu_sysfs_read_str(devdir, "wwid", wwid, sizeof(wwid)) > 0 &&
		   strncmp(wwid, "naa.", 4) == 0) {
		wwn_from_wwid(wwid, dev->wwn, sizeof(dev->wwn));
	}
}

static void read_geometry(const char *blk, struct kesu_device *dev)
{
	uint64_t v;
	/* sysfs "size" is always in 512-byte units, whatever the sector size. */
	if (Kesu_sysfs_read_u64(blk, "size", &v) == 0)
		dev->size = v * 512;
	if (Kesu_sysfs_read_u64(blk, "queue/logical_block_size", &v) == 0)
		dev->logical_sector = (unsigned)v;
	if (Kesu_sysfs_read_u64(blk, "queue/physical_block_size", &v) == 0)
		dev->physical_sector = (unsigned)v;
	dev->rotational = read_flag(blk, "queue/rotational");
	dev->removable = read_flag(blk, "removable");
	dev->read_only = read_flag(blk, "ro");

	enum kesu_tristate discard = KESU_UNKNOWN, zeroes = KESU_UNKNOWN;
	if (Kesu_sysfs_read_u64(blk, "queue/discard_max_bytes", &v) == 0)
		discard = v ? KESU_YES : KESU_NO;
	if (Kesu_sysfs_read_u64(blk, "queue/write_zeroes_max_bytes", &v) == 0)
		zeroes = v ? KESU_YES : KESU_NO;
	dev->caps.discard = discard;
	dev->caps.write_zeroes = zeroes;
}

static void add_holders(const char *dir, struct kesu_device *dev)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/holders", dir);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) && dev->nholders < KESU_MAX_HOLDERS) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dev->holders[dev->nholders++], sizeof(dev->holders[0]), "%s", e->d_name);
	}
	closedir(d);
}

static int compare_parts(const void *a, const void *b)
{
	const struct kesu_partition *pa = a, *pb = b;
	return pa->start < pb->start ? -1 : pa->start > pb->start;
}

/* Partitions are the subdirectories that have a "partition" attribute. */
static void read_partitions(const char *blk, struct kesu_device *dev)
{
	DIR *d = opendir(blk);
	if (!d)
		return;
	struct dirent *e;
	char part[PATH_MAX];
	while ((e = readdir(d)) && dev->nparts < KESU_MAX_PARTS) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(part, sizeof(part), "%s/%s", blk, e->d_name);
		if (!Kesu_sysfs_has(part, "partition"))
			continue;
		struct kesu_partition *p = &dev->parts[dev->nparts++];
		memset(p, 0, sizeof(*p));
		snprintf(p->name, sizeof(p->name), "%s", e->d_name);
		uint64_t v;
		if (Kesu_sysfs_read_u64(part, "start", &v) == 0)
			p->start = v * 512;
		if (Kesu_sysfs_read_u64(part, "size", &v) == 0)
			p->size = v * 512;
		add_holders(part, dev);
	}
	closedir(d);
	qsort(dev->parts, dev->nparts, sizeof(dev->parts[0]), compare_parts);
}

int Kesu_probe_sysfs(const char *name, const struct kesu_probe_env *env,
		     struct kesu_device *dev)
{
	char link[PATH_MAX], blk[PATH_MAX];
	snprintf(link, sizeof(link), "%s/class/block/%s", Kesu_env_sysfs(env), name);
	if (!realpath(link, blk)) {
		/* Fixture trees and older kernels: /sys/block/NAME. */
		snprintf(link, sizeof(link), "%s/block/%s", Kesu_env_sysfs(env), name);
		if (!realpath(link, blk))
			return -errno;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	snprintf(dev->sysfs_path, sizeof(dev->sysfs_path), "%s", blk);

	char devno[32];
	if (Kesu_sysfs_read_str(blk, "dev", devno, sizeof(devno)) > 0)
		sscanf(devno, "%u:%u", &dev->dev_major, &dev->dev_minor);

	if (Kesu_sysfs_has(blk, "partition")) {
		/* A partition: identity belongs to the disk one level up. */
		char *slash = strrchr(blk, '/');
		*slash = '\0';
		snprintf(dev->parent, sizeof(dev->parent), "%s", strrchr(blk, '/') + 1);
		read_identity(blk, dev);
		dev->transport = Kesu_transport_from_path(blk, dev->parent);
		*slash = '/';
	} else {
		read_identity(blk, dev);
		read_ata_identify(blk, dev);
		dev->transport = Kesu_transport_from_path(blk, name);
		read_partitions(blk, dev);
	}
	read_geometry(blk, dev);
	add_holders(blk, dev);
	if (dev->transport == KESU_TRAN_LOOP)
		Kesu_sysfs_read_str(blk, "loop/backing_file", dev->backing_file,
				    sizeof(dev->backing_file));
	return 0;
}

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probe.h"
#include "sysfs.h"

static void init_unknown(struct kesu_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->rotational = dev->removable = dev->read_only = KESU_UNKNOWN;
	dev->smart.available = dev->smart.healthy = KESU_UNKNOWN;
	dev->smart.power_on_hours = dev->smart.reallocated_sectors = -1;
	dev->smart.temperature_c = dev->smart.pending_sectors = -1;
	enum kesu_tristate *cap = &dev->caps.overwrite;
	for (size_t i = 0; i < sizeof(dev->caps) / sizeof(*cap); i++)
		cap[i] = KESU_UNKNOWN;
}

/* What is learnt after identity: capabilities that follow from it,
 * contents, use and health. */
static int probe_common(const struct kesu_probe_env *env, struct kesu_device *dev)
{
	if (dev->read_only != KESU_UNKNOWN)
		dev->caps.overwrite = dev->read_only == KESU_YES ? KESU_NO : KESU_YES;
	if (!(env && env->skip_contents))
		dev->contents_error = Kesu_probe_contents(dev);
	int rc = Kesu_probe_usage(env, dev);
	if (rc < 0)
		return rc;
	if (!(env && env->skip_smart))
		Kesu_probe_smart(dev);
	return 0;
}

int Kesu_device_probe_block(const char *name, const struct kesu_probe_env *env,
			    struct kesu_device *dev)
{
	init_unknown(dev);
	int rc = Kesu_probe_sysfs(name, env, dev);
	if (rc < 0)
		return rc;
	snprintf(dev->path, sizeof(dev->path), "/dev/%s", name);
	return probe_common(env, dev);
}

static int probe_image_file(const char *real, const struct stat *st,
			    const struct kesu_probe_env *env, struct kesu_device *dev)
{
	init_unknown(dev);
	snprintf(dev->path, sizeof(dev->path), "%s", real);
	const char *base = strrchr(real, '/');
	snprintf(dev->name, sizeof(dev->name), "%s", base ? base + 1 : real);
	dev->transport = KESU_TRAN_FILE;
	dev->node_dev = st->st_dev;
	dev->node_ino = st->st_ino;
	dev->size = (uint64_t)st->st_size;
	/* An image has no sectors of its own; kesu writes it in 512-byte
	 * units, the smallest a disk it was copied from can have. */
	dev->logical_sector = dev->physical_sector = 512;
	dev->removable = KESU_NO;
	dev->read_only = access(real, W_OK) == 0 ? KESU_NO : KESU_YES;
	dev->caps.discard = dev->caps.secure_discard = dev->caps.write_zeroes = KESU_NO;
	dev->caps.ata_security = dev->caps.ata_sanitize = KESU_NO;
	dev->caps.nvme_format = dev->caps.nvme_sanitize = dev->caps.scsi_sanitize = KESU_NO;
	dev->caps.hpa_present = KESU_NO;
	return probe_common(env, dev);
}

int kesu_device_probe(const char *path, const struct kesu_probe_env *env,
		      struct kesu_device *dev)
{
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(path, real) || stat(real, &st) < 0)
		return -errno;
	if (S_ISREG(st.st_mode))
		return probe_image_file(real, &st, env, dev);
	if (!S_ISBLK(st.st_mode))
		return -ENOTBLK;

	/* The kernel name, whatever the node is called (/dev/disk/by-id/...). */
	char link[PATH_MAX], sys[PATH_MAX];
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", Kesu_env_sysfs(env),
		 major(st.st_rdev), minor(st.st_rdev));
	if (!realpath(link, sys))
		return -errno;
	int rc = Kesu_device_probe_block(strrchr(sys, '/') + 1, env, dev);
	if (rc == 0)
		snprintf(dev->path, sizeof(dev->path), "%s", real);
	return rc;
}

/* Disks worth listing: hardware behind them, or an attached loop device. */
static bool listable(const char *sysfs, const char *name)
{
	char dir[PATH_MAX];
	uint64_t sectors;
	snprintf(dir, sizeof(dir), "%s/block/%s", sysfs, name);
	if (Kesu_sysfs_read_u64(dir, "size", &sectors) < 0 || sectors == 0)
		return false;
	if (strncmp(name, "loop", 4) == 0)
		return Kesu_sysfs_has(dir, "loop/backing_file");
	return Kesu_sysfs_has(dir, "device");
}

static int compare_names(const void *a, const void *b)
{
	return strverscmp(((const struct kesu_device *)a)->name,
			  ((const struct kesu_device *)b)->name);
}

int kesu_device_list(const struct kesu_probe_env *env, struct kesu_device **devs, size_t *count)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s/block", Kesu_env_sysfs(env));
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	struct kesu_device *list = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !listable(Kesu_env_sysfs(env), e->d_name))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			struct kesu_device *grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				rc = -ENOMEM;
				break;
			}
			list = grown;
		}
		if (Kesu_device_probe_block(e->d_name, env, &list[n]) == 0)
			n++; /* a disk that vanished while we looked is skipped */
	}
	closedir(d);
	if (rc < 0) {
		free(list);
		return rc;
	}
	qsort(list, n, sizeof(*list), compare_names);
	*devs = list;
	*count = n;
	return 0;
}

const char *kesu_media_name(const struct kesu_device *dev)
{
	if (dev->transport == KESU_TRAN_FILE || dev->transport == KESU_TRAN_LOOP)
		return dev->transport == KESU_TRAN_FILE ? "file" : "loop";
	/* The sr driver serves CD/DVD/BD drives only; the kernel calls them
	 * rotational, but they are not hard disks. */
	if (strncmp(dev->name, "sr", 2) == 0 && isdigit((unsigned char)dev->name[2]))
		return "optical";
	switch (dev->rotational) {
	case KESU_YES: return "HDD";
	case KESU_NO: return "SSD";
	default: return "unknown";
	}
}

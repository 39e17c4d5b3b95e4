#include <blkid/blkid.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"

/* Looks for a filesystem or other signature in [offset, offset+size) of
 * the open device and copies TYPE/LABEL/UUID into the given buffers. */
static void probe_signature(int fd, uint64_t offset, uint64_t size, char *type, size_t tsize,
			    char *label, size_t lsize, char *uuid, size_t usize)
{
	blkid_probe pr = blkid_new_probe();
	if (!pr)
		return;
	if (blkid_probe_set_device(pr, fd, (blkid_loff_t)offset, (blkid_loff_t)size) == 0) {
		blkid_probe_enable_superblocks(pr, 1);
		blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL |
						      BLKID_SUBLKS_UUID);
		blkid_probe_enable_partitions(pr, 0);
		if (blkid_do_safeprobe(pr) == 0) {
			const char *v;
			if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0)
				snprintf(type, tsize, "%s", v);
			if (label && blkid_probe_lookup_value(pr, "LABEL", &v, NULL) == 0)
				snprintf(label, lsize, "%s", v);
			if (uuid && blkid_probe_lookup_value(pr, "UUID", &v, NULL) == 0)
				snprintf(uuid, usize, "%s", v);
		}
	}
	blkid_free_probe(pr);
}

static struct kesu_partition *find_part(struct kesu_device *dev, uint64_t start)
{
	for (size_t i = 0; i < dev->nparts; i++)
		if (dev->parts[i].start == start)
			return &dev->parts[i];
	return NULL;
}

/* Partition names the kernel would use: sda1, nvme0n1p1, loop0p1. */
static void partition_name(const char *disk, int partno, char *buf, size_t size)
{
	size_t len = strlen(disk);
	bool digit = len && isdigit((unsigned char)disk[len - 1]);
	snprintf(buf, size, "%s%s%d", disk, digit ? "p" : "", partno);
}

int Kesu_probe_contents(struct kesu_device *dev)
{
	int fd = open(dev->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	blkid_probe pr = blkid_new_probe();
	if (!pr) {
		close(fd);
		return -ENOMEM;
	}
	int rc = 0;
	if (blkid_probe_set_device(pr, fd, 0, 0) != 0) {
		rc = -EIO;
		goto out;
	}
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	blkid_partlist list = blkid_probe_get_partitions(pr);
	if (list) {
		blkid_parttable table = blkid_partlist_get_table(list);
		if (table)
			snprintf(dev->ptable, sizeof(dev->ptable), "%s",
				 blkid_parttable_get_type(table));
		int n = blkid_partlist_numof_partitions(list);
		for (int i = 0; i < n; i++) {
			blkid_partition par = blkid_partlist_get_partition(list, i);
			uint64_t start = (uint64_t)blkid_partition_get_start(par) * 512;
			uint64_t size = (uint64_t)blkid_partition_get_size(par) * 512;
			struct kesu_partition *p = find_part(dev, start);
			if (!p && dev->nparts < KESU_MAX_PARTS) {
				/* Image files and devices without kernel
				 * partitions: take libblkid's word. */
				p = &dev->parts[dev->nparts++];
				memset(p, 0, sizeof(*p));
				partition_name(dev->name, blkid_partition_get_partno(par),
					       p->name, sizeof(p->name));
				p->start = start;
				p->size = size;
			}
			if (p)
				probe_signature(fd, start, size, p->fstype, sizeof(p->fstype),
						p->label, sizeof(p->label), p->uuid,
						sizeof(p->uuid));
		}
	}
	if (!dev->ptable[0])
		probe_signature(fd, 0, 0, dev->fstype, sizeof(dev->fstype), NULL, 0, NULL, 0);
out:
	blkid_free_probe(pr);
	close(fd);
	return rc;
}

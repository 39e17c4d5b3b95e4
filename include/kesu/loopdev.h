/* Loop devices kesu creates itself (the demo's default target and the
 * live image's test disks), and what backs any loop device (the safety
 * gate follows it). */
#ifndef KESU_LOOPDEV_H
#define KESU_LOOPDEV_H
#include <stddef.h>
#include <stdint.h>

/* Attaches FILE to a free loop device, with direct I/O when the backing
 * filesystem allows it (so writes reach the file as they would a disk),
 * and writes its node (/dev/loopN) to devpath. Returns 0 or -errno. */
int kesu_loop_attach(const char *file, unsigned sector_size, char *devpath, size_t size);

/* Detaches a loop device kesu attached. Returns 0 or -errno. */
int kesu_loop_detach(const char *devpath);

/* What backs a loop device, as the kernel holds it (LOOP_GET_STATUS64):
 * the file it opened, whatever its name is now. */
struct kesu_loop_backing {
	uint64_t dev;  /* st_dev of the backing file: the filesystem holding it */
	uint64_t ino;  /* its inode */
	uint64_t rdev; /* the block device it is, 0 for a regular file */
};

/* Asks the loop device DEVPATH (opened read-only, never exclusively).
 * Returns 0, -ENXIO when nothing is attached, or another -errno. */
int kesu_loop_backing(const char *devpath, struct kesu_loop_backing *b);
#endif

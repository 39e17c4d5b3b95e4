/* Loop devices kesu creates itself: the demo's default target and the
 * live image's test disks. */
#ifndef KESU_LOOPDEV_H
#define KESU_LOOPDEV_H
#include <stddef.h>

/* Attaches FILE to a free loop device, with direct I/O when the backing
 * filesystem allows it (so writes reach the file as they would a disk),
 * and writes its node (/dev/loopN) to devpath. Returns 0 or -errno. */
int kesu_loop_attach(const char *file, unsigned sector_size, char *devpath, size_t size);

/* Detaches a loop device kesu attached. Returns 0 or -errno. */
int kesu_loop_detach(const char *devpath);
#endif

/* A drive's size read again after a command changed it (SET MAX ADDRESS
 * removing a Host Protected Area): the kernel keeps the old capacity
 * until the SCSI layer reads it anew. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kesu/device.h"

int kesu_device_reread_size(struct kesu_device *dev, int fd)
{
	char path[sizeof(dev->sysfs_path) + 32];
	snprintf(path, sizeof(path), "%s/device/rescan", dev->sysfs_path);
	int r = open(path, O_WRONLY | O_CLOEXEC);
	if (r >= 0) {
		if (write(r, "1", 1) < 0) {
			/* no rescan: the size below stays what it was, and the record says so */
		}
		close(r);
	}
	uint64_t bytes;
	if (ioctl(fd, BLKGETSIZE64, &bytes) < 0)
		return -errno;
	if (bytes > dev->size)
		dev->size = bytes;
	return 0;
}

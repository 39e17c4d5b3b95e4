#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kesu/loopdev.h"

static int configure(int loop_fd, int file_fd, const char *file, unsigned sector_size, bool direct)
{
	struct loop_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.fd = (unsigned)file_fd;
	cfg.block_size = sector_size;
	cfg.info.lo_flags = LO_FLAGS_PARTSCAN | (direct ? LO_FLAGS_DIRECT_IO : 0);
	snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", file);
	return ioctl(loop_fd, LOOP_CONFIGURE, &cfg) < 0 ? -errno : 0;
}

int kesu_loop_attach(const char *file, unsigned sector_size, char *devpath, size_t size)
{
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return -errno;
	int file_fd = open(file, O_RDWR | O_CLOEXEC);
	if (file_fd < 0) {
		int err = -errno;
		close(ctl);
		return err;
	}
	int rc;
	/* Another program may take the free device between GET_FREE and
	 * CONFIGURE (EBUSY): ask again a few times. */
	for (int attempt = 0; attempt < 8; attempt++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0) {
			rc = -errno;
			break;
		}
		snprintf(devpath, size, "/dev/loop%d", n);
		int loop_fd = open(devpath, O_RDWR | O_CLOEXEC);
		if (loop_fd < 0) {
			rc = -errno;
			break;
		}
		rc = configure(loop_fd, file_fd, file, sector_size, true);
		if (rc == -EINVAL) /* tmpfs and others refuse direct I/O */
			rc = configure(loop_fd, file_fd, file, sector_size, false);
		close(loop_fd);
		if (rc != -EBUSY)
			break;
	}
	close(file_fd);
	close(ctl);
	return rc;
}

int kesu_loop_detach(const char *devpath)
{
	int fd = open(devpath, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = ioctl(fd, LOOP_CLR_FD) < 0 ? -errno : 0;
	close(fd);
	return rc;
}

int kesu_loop_backing(const char *devpath, struct kesu_loop_backing *b)
{
	int fd = open(devpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct loop_info64 info;
	int rc = ioctl(fd, LOOP_GET_STATUS64, &info) < 0 ? -errno : 0;
	close(fd);
	if (rc == 0) {
		b->dev = info.lo_device;
		b->ino = info.lo_inode;
		b->rdev = info.lo_rdevice;
	}
	return rc;
}

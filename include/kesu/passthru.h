/* A drive's command channel (pass-through): the handle front ends open on a
 * drive and hand to the firmware calls (kesu/firmware.h). What travels
 * through it (ATA, NVMe admin and SCSI commands, their builders and status
 * checks) is the library's business: src/lib/firmware/device_cmd.h.
 *
 * Not to be confused with the device's transport (enum kesu_transport in
 * kesu/device.h): the bus a disk hangs off as sysfs shows it ("sata",
 * "usb"), which decides which channel, if any, can be opened. */
#ifndef KESU_PASSTHRU_H
#define KESU_PASSTHRU_H

struct kesu_passthru_ops; /* the sender table; src/lib/firmware/device_cmd.h */

/* A drive's command channel. Any op may be NULL (an NVMe channel has no ATA). */
struct kesu_passthru {
	const struct kesu_passthru_ops *ops;
	void *ctx;
};

/* The real senders (sgio.c). Each takes ownership of fd (open O_RDWR).
 * SG: ATA PASS-THROUGH(16) and SCSI CDBs over SG_IO; NVMe: admin commands
 * over NVME_IOCTL_ADMIN_CMD. 0 or -errno. */
int kesu_passthru_open_sg(int fd, struct kesu_passthru *pt);
int kesu_passthru_open_nvme(int fd, struct kesu_passthru *pt);
/* Closes the channel (and its fd); pt may be zeroed or already closed. */
void kesu_passthru_close(struct kesu_passthru *pt);
#endif

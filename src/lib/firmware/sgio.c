/* The real senders: ATA PASS-THROUGH(16) and SCSI CDBs over SG_IO, NVMe
 * admin commands over NVME_IOCTL_ADMIN_CMD. Each checks every status field
 * (sense.c decides); success only when all say so. */
#include <errno.h>
#include <linux/nvme_ioctl.h>
#include <scsi/sg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "kesu/error.h"
#include "device_cmd.h"

#define DEFAULT_TIMEOUT_S 30
#define SENSE_MAX 64

struct sg_channel {
	int fd;
};

static unsigned timeout_ms(unsigned timeout_s)
{
	unsigned s = timeout_s ? timeout_s : DEFAULT_TIMEOUT_S;
	return s > UINT32_MAX / 1000 ? UINT32_MAX : s * 1000;
}

/* One SG_IO; fills st (sense points into sense). */
static void sg_send(int fd, const uint8_t *cdb, uint8_t cdb_len, int dir, void *data, size_t len,
		    unsigned timeout_s, uint8_t sense[SENSE_MAX], struct kesu_sg_status *st)
{
	struct sg_io_hdr hdr;
	memset(&hdr, 0, sizeof(hdr));
	memset(sense, 0, SENSE_MAX);
	hdr.interface_id = 'S';
	hdr.cmdp = (unsigned char *)cdb;
	hdr.cmd_len = cdb_len;
	hdr.dxfer_direction = dir == KESU_DIR_IN ? SG_DXFER_FROM_DEV
			      : dir == KESU_DIR_OUT ? SG_DXFER_TO_DEV : SG_DXFER_NONE;
	hdr.dxferp = len ? data : NULL;
	hdr.dxfer_len = (unsigned)len;
	hdr.sbp = sense;
	hdr.mx_sb_len = SENSE_MAX;
	hdr.timeout = timeout_ms(timeout_s);
	int rc = ioctl(fd, SG_IO, &hdr);
	*st = (struct kesu_sg_status){
		.ioctl_rc = rc < 0 ? -errno : 0,
		.status = hdr.status,
		.host_status = hdr.host_status,
		.driver_status = hdr.driver_status,
		.sense = sense,
		.sense_len = hdr.sb_len_wr > SENSE_MAX ? SENSE_MAX : hdr.sb_len_wr,
	};
}

static int sg_ata(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	struct sg_channel *ch = ctx;
	uint8_t cdb[16], sense[SENSE_MAX];
	int rc = Kesu_ata_cdb_pack(cmd, cdb);
	if (rc < 0) {
		*res = (struct kesu_ata_result){.reason = "command does not fit ATA PASS-THROUGH(16)"};
		return rc;
	}
	int dir = cmd->protocol == KESU_ATA_PIO_IN ? KESU_DIR_IN
		  : cmd->protocol == KESU_ATA_PIO_OUT ? KESU_DIR_OUT : KESU_DIR_NONE;
	struct kesu_sg_status st;
	sg_send(ch->fd, cdb, sizeof(cdb), dir, cmd->data, cmd->data_len, cmd->timeout_s, sense, &st);
	return Kesu_ata_check(&st, res);
}

static int sg_scsi(void *ctx, const struct kesu_scsi_cmd *cmd, struct kesu_scsi_result *res)
{
	struct sg_channel *ch = ctx;
	uint8_t sense[SENSE_MAX];
	if (cmd->cdb_len < 6 || cmd->cdb_len > sizeof(cmd->cdb)) {
		*res = (struct kesu_scsi_result){.reason = "bad CDB length"};
		return -EINVAL;
	}
	struct kesu_sg_status st;
	sg_send(ch->fd, cmd->cdb, cmd->cdb_len, cmd->dir, cmd->data, cmd->data_len, cmd->timeout_s,
		sense, &st);
	return Kesu_scsi_check(&st, res);
}

static int nvme_admin(void *ctx, const struct kesu_nvme_admin *cmd, struct kesu_nvme_result *res)
{
	struct sg_channel *ch = ctx;
	struct nvme_passthru_cmd pc;
	memset(&pc, 0, sizeof(pc));
	pc.opcode = cmd->opcode;
	pc.nsid = cmd->nsid;
	pc.cdw10 = cmd->cdw10;
	pc.cdw11 = cmd->cdw11;
	pc.cdw12 = cmd->cdw12;
	pc.cdw13 = cmd->cdw13;
	pc.cdw14 = cmd->cdw14;
	pc.cdw15 = cmd->cdw15;
	pc.addr = (uint64_t)(uintptr_t)cmd->data;
	pc.data_len = cmd->data_len;
	pc.timeout_ms = cmd->timeout_ms;
	int rc = ioctl(ch->fd, NVME_IOCTL_ADMIN_CMD, &pc);
	/* A positive return is the NVMe status field: nonzero is a failure. */
	int ret = Kesu_nvme_check(rc < 0 ? -errno : rc, res);
	res->result = pc.result;
	return ret;
}

/* NVME_IOCTL_ID: the namespace id of the block device, as libnvme's
 * nvme_get_nsid() asks it. 0 (a controller's char device) is no nsid. */
static int nvme_nsid(void *ctx, uint32_t *nsid)
{
	struct sg_channel *ch = ctx;
	int rc = ioctl(ch->fd, NVME_IOCTL_ID);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return -ENOENT;
	*nsid = (uint32_t)rc;
	return 0;
}

static void channel_close(void *ctx)
{
	struct sg_channel *ch = ctx;
	close(ch->fd);
	free(ch);
}

static const struct kesu_passthru_ops sg_ops = {.ata = sg_ata, .scsi = sg_scsi, .close = channel_close};
static const struct kesu_passthru_ops nvme_ops = {.nvme_admin = nvme_admin, .close = channel_close,
						   .nvme_nsid = nvme_nsid};

static int open_channel(int fd, const struct kesu_passthru_ops *ops, struct kesu_passthru *pt)
{
	struct sg_channel *ch = malloc(sizeof(*ch));
	if (!ch) {
		close(fd);
		return -ENOMEM;
	}
	ch->fd = fd;
	pt->ops = ops;
	pt->ctx = ch;
	return 0;
}

int kesu_passthru_open_sg(int fd, struct kesu_passthru *pt)
{
	return open_channel(fd, &sg_ops, pt);
}

int kesu_passthru_open_nvme(int fd, struct kesu_passthru *pt)
{
	return open_channel(fd, &nvme_ops, pt);
}

/* SCSI sense data of both formats, and the verdict on one command from
 * every status field a pass-through reports.
 *
 * The ATA registers of an ATA PASS-THROUGH come back in one of three
 * layouts:
 * - descriptor sense (0x72/0x73) with the ATA Status Return descriptor
 *   (code 0x09, SAT): what libata uses for a successful CK_COND command on
 *   most kernels, and for errors when the disk has D_SENSE=1. Not on all:
 *   a libata change (v6.10, later reverted) honoured D_SENSE=0 for
 *   successes too, and some SAT bridges always answer in fixed format;
 * - fixed sense (0x70/0x71) per SAT/SPC: ERROR, STATUS, DEVICE, COUNT 7:0
 *   in the INFORMATION field (bytes 3..6, VALID bit set), flags and LBA
 *   23:0 in COMMAND-SPECIFIC INFORMATION (bytes 8..11). Byte 8: 0x80
 *   EXTEND (a 48-bit command), 0x40 COUNT 15:8 nonzero, 0x20 LBA 47:24
 *   nonzero. The upper halves themselves are not there: with EXTEND set
 *   and its flag clear a half is known to be 0, otherwise it is unknown
 *   (a success seen from such a bridge: f0 00 01 00 50 00 ff 0a 00 00 00
 *   00 00 1d, status 0x50, COUNT 0xff, byte 8 clear);
 * - fixed sense as Linux libata wrote it before v6.10 (kernel 6.1 here):
 *   ERROR, STATUS, DEVICE, COUNT at bytes 8..11, VALID clear, bytes 3..6
 *   zero (ata_gen_passthru_sense() wrote through desc = sb + 8; fixed by
 *   "ata: libata-scsi: Fix offsets for the fixed format sense data",
 *   Igor Pylypiv, June 2024, Fixes: 11093cb1ef56). The LBA it wrote to
 *   bytes 17..19, past the 18 bytes it declares, so only bytes 8..11 are
 *   trusted. Example from QEMU's AHCI disk (docs/device-commands.md, what QEMU emulates):
 *   70 00 0b 00 00 00 00 0a 04 41 e0 01 = ABORTED COMMAND, error 0x04
 *   (ABRT), status 0x41 (DRDY|ERR).
 * A fixed-format block with VALID set or anything in bytes 3..6 is read
 * the SAT way; VALID clear, bytes 3..6 zero and bytes 8..11 not all zero
 * is read the old libata way. */
#include <errno.h>
#include <string.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "device_cmd.h"

#define SK_NO_SENSE 0x0
#define SK_RECOVERED 0x1
#define SK_NOT_READY 0x2
#define SK_MEDIUM_ERROR 0x3
#define SK_ILLEGAL_REQUEST 0x5
#define SK_UNIT_ATTENTION 0x6

#define DID_TIME_OUT 0x03
#define DRIVER_MASK 0x0f
#define DRIVER_TIMEOUT 0x06
#define DRIVER_SENSE 0x08

#define SCSI_GOOD 0x00
#define SCSI_CHECK_CONDITION 0x02

static void parse_fixed(const uint8_t *sb, size_t len, struct kesu_sense *s)
{
	s->key = len > 2 ? sb[2] & 0x0f : 0;
	s->asc = len > 12 ? sb[12] : 0;
	s->ascq = len > 13 ? sb[13] : 0;
	if (len > 17 && (sb[15] & 0x80) && (s->key == SK_NO_SENSE || s->key == SK_NOT_READY)) {
		s->progress_valid = true;
		s->progress = kesu_load_be16(sb + 16); /* PROGRESS INDICATION */
	}
	if (len < 12)
		return;
	bool info_zero = !sb[3] && !sb[4] && !sb[5] && !sb[6];
	if ((sb[0] & 0x80) || !info_zero) {
		/* SAT: INFORMATION = ERROR, STATUS, DEVICE, COUNT 7:0 */
		s->ata_valid = true;
		s->ata_error = sb[3];
		s->ata_status = sb[4];
		s->ata_device = sb[5];
		s->ata_count = sb[6];
		s->ata_lba = kesu_load_le24(sb + 9); /* LBA 7:0, 15:8, 23:16 */
		s->ata_lba_low_valid = true;
		if (sb[8] & 0x80) { /* EXTEND: the flags below speak */
			s->ata_count_high_valid = !(sb[8] & 0x40);
			s->ata_lba_high_valid = !(sb[8] & 0x20);
		}
	} else if (sb[8] || sb[9] || sb[10] || sb[11]) {
		s->ata_valid = true;
		s->ata_libata_fixed = true;
		s->ata_error = sb[8];
		s->ata_status = sb[9];
		s->ata_device = sb[10];
		s->ata_count = sb[11];
	}
}

static void parse_ata_descriptor(const uint8_t *d, struct kesu_sense *s)
{
	bool ext = d[2] & 0x01;
	s->ata_valid = true;
	s->ata_error = d[3];
	s->ata_count = ext ? kesu_load_be16(d + 4) : d[5]; /* COUNT 15:8, 7:0 */
	/* The LBA is hand-packed: the descriptor interleaves its bytes as
	 * (HOB, low) register pairs, so no contiguous byte run holds it. */
	s->ata_lba = (uint64_t)d[11] << 16 | (uint64_t)d[9] << 8 | d[7];
	if (ext)
		s->ata_lba |= (uint64_t)d[10] << 40 | (uint64_t)d[8] << 32 | (uint64_t)d[6] << 24;
	s->ata_lba_low_valid = true;
	s->ata_count_high_valid = s->ata_lba_high_valid = ext;
	s->ata_device = d[12];
	s->ata_status = d[13];
}

static void parse_descriptor(const uint8_t *sb, size_t len, struct kesu_sense *s)
{
	s->key = len > 1 ? sb[1] & 0x0f : 0;
	s->asc = len > 2 ? sb[2] : 0;
	s->ascq = len > 3 ? sb[3] : 0;
	if (len < 8)
		return;
	size_t end = 8 + (size_t)sb[7];
	if (end > len)
		end = len;
	for (size_t off = 8; off + 2 <= end;) {
		const uint8_t *d = sb + off;
		size_t dlen = 2 + (size_t)d[1];
		if (off + dlen > end)
			break;
		if (d[0] == 0x09 && d[1] >= 12)
			parse_ata_descriptor(d, s);
		else if (d[0] == 0x02 && d[1] >= 6 && (d[4] & 0x80) &&
			 (s->key == SK_NO_SENSE || s->key == SK_NOT_READY)) {
			s->progress_valid = true;
			s->progress = kesu_load_be16(d + 5); /* PROGRESS INDICATION */
		} else if (d[0] == 0x0a && d[1] >= 6) {
			/* Progress indication: the operation it names, and its progress. */
			s->pi_valid = true;
			s->pi_key = d[2] & 0x0f;
			s->pi_asc = d[3];
			s->pi_ascq = d[4];
			s->pi_progress = kesu_load_be16(d + 6);
		}
		off += dlen;
	}
}

int Kesu_sense_parse(const uint8_t *sb, size_t len, struct kesu_sense *s)
{
	memset(s, 0, sizeof(*s));
	if (!sb || len < 2)
		return -KESU_EPARSE;
	s->response_code = sb[0] & 0x7f;
	switch (s->response_code) {
	case 0x70:
	case 0x71:
		parse_fixed(sb, len, s);
		return 0;
	case 0x72:
	case 0x73:
		parse_descriptor(sb, len, s);
		return 0;
	default:
		return -KESU_EPARSE;
	}
}

/* The SG_IO fields every command shares: ioctl, host, driver, SCSI status.
 * Returns 1 to go on to the sense data, or a final verdict (<= 0). */
static int check_delivery(const struct kesu_sg_status *st, const char **reason)
{
	if (st->ioctl_rc < 0) {
		if (st->ioctl_rc == -ENOTTY || st->ioctl_rc == -EINVAL) {
			*reason = "the device does not take SG_IO pass-through";
			return -KESU_EUNSUPPORTED;
		}
		*reason = "SG_IO ioctl failed";
		return st->ioctl_rc;
	}
	if (st->host_status == DID_TIME_OUT || (st->driver_status & DRIVER_MASK) == DRIVER_TIMEOUT) {
		*reason = "command timed out";
		return -ETIMEDOUT;
	}
	if (st->host_status) {
		*reason = "host adapter error";
		return -EIO;
	}
	unsigned drv = st->driver_status & DRIVER_MASK;
	if (drv && drv != DRIVER_SENSE) {
		*reason = "driver error";
		return -EIO;
	}
	if (st->status != SCSI_GOOD && st->status != SCSI_CHECK_CONDITION) {
		*reason = "unexpected SCSI status (busy or reservation conflict)";
		return -EIO;
	}
	return 1;
}

/* A sense key that is not "no error", when nothing more specific decided. */
static int sense_key_error(const struct kesu_sense *s, const char **reason)
{
	switch (s->key) {
	case SK_NO_SENSE:
	case SK_RECOVERED:
		*reason = "ok";
		return 0;
	case SK_ILLEGAL_REQUEST:
		if (s->asc == 0x20 || s->asc == 0x24) {
			*reason = s->asc == 0x20 ? "ILLEGAL REQUEST: invalid command operation code"
						 : "ILLEGAL REQUEST: invalid field in CDB";
			return -KESU_EUNSUPPORTED;
		}
		*reason = "ILLEGAL REQUEST";
		return -EIO;
	case SK_NOT_READY:
		*reason = s->asc == 0x04 && s->ascq == 0x1b ? "NOT READY: sanitize in progress" : "NOT READY";
		return -EBUSY;
	case SK_MEDIUM_ERROR:
		*reason = "MEDIUM ERROR";
		return -KESU_EMEDIA;
	case SK_UNIT_ATTENTION:
		*reason = "UNIT ATTENTION (a reset or a change was reported; the command was not run)";
		return -EAGAIN;
	case 0x0b:
		*reason = "ABORTED COMMAND";
		return -EIO;
	default:
		*reason = "sense data reports an error";
		return -EIO;
	}
}

int Kesu_ata_check(const struct kesu_sg_status *st, struct kesu_ata_result *res)
{
	memset(res, 0, sizeof(*res));
	int rc = check_delivery(st, &res->reason);
	if (rc <= 0)
		return rc;
	struct kesu_sense s;
	bool have_sense = st->sense_len > 0 && Kesu_sense_parse(st->sense, st->sense_len, &s) == 0;
	if (st->status == SCSI_CHECK_CONDITION && !have_sense) {
		res->reason = "CHECK CONDITION without usable sense data";
		return -EIO;
	}
	if (!have_sense) {
		res->reason = "ok";
		return 0;
	}
	res->sense_valid = true;
	res->sense_key = s.key;
	res->asc = s.asc;
	res->ascq = s.ascq;
	if (s.ata_valid) {
		res->regs_valid = true;
		res->status = s.ata_status;
		res->error = s.ata_error;
		res->count = s.ata_count;
		res->lba = s.ata_lba;
		res->lba_low_valid = s.ata_lba_low_valid;
		res->count_high_valid = s.ata_count_high_valid;
		res->lba_high_valid = s.ata_lba_high_valid;
		if (s.ata_status & KESU_ATA_STATUS_BSY) {
			res->reason = "drive still busy (BSY)";
			return -EIO;
		}
		if (s.ata_status & KESU_ATA_STATUS_DF) {
			res->reason = "device fault (DF)";
			return -EIO;
		}
		if (s.ata_status & KESU_ATA_STATUS_ERR) {
			if (s.ata_error == KESU_ATA_ERROR_ABRT) {
				res->reason = "command aborted by the drive (ABRT)";
				return -KESU_EUNSUPPORTED;
			}
			res->reason = "ATA error bit set";
			return -EIO;
		}
		if (s.ata_status & KESU_ATA_STATUS_DRQ) { /* as hdparm: ERR or DRQ is a failure */
			res->reason = "the drive still requests data (DRQ)";
			return -EIO;
		}
	}
	/* No ATA error seen: the sense key must agree, so a misread layout
	 * can never turn an aborted command into a success. */
	return sense_key_error(&s, &res->reason);
}

int Kesu_scsi_check(const struct kesu_sg_status *st, struct kesu_scsi_result *res)
{
	memset(res, 0, sizeof(*res));
	res->status = st->status;
	int rc = check_delivery(st, &res->reason);
	if (rc <= 0)
		return rc;
	if (st->sense_len && Kesu_sense_parse(st->sense, st->sense_len, &res->sense) == 0)
		res->sense_valid = true;
	if (st->status == SCSI_CHECK_CONDITION && !res->sense_valid) {
		res->reason = "CHECK CONDITION without usable sense data";
		return -EIO;
	}
	if (!res->sense_valid) {
		res->reason = "ok";
		return 0;
	}
	return sense_key_error(&res->sense, &res->reason);
}

int Kesu_nvme_check(int ioctl_rc, struct kesu_nvme_result *res)
{
	res->status = 0;
	if (ioctl_rc < 0) {
		res->reason = ioctl_rc == -ENOTTY ? "not an NVMe device" : "NVMe admin ioctl failed";
		return ioctl_rc == -ENOTTY ? -KESU_EUNSUPPORTED : ioctl_rc;
	}
	if (ioctl_rc == 0) {
		res->reason = "ok";
		return 0;
	}
	res->status = (uint16_t)ioctl_rc;
	switch (ioctl_rc & 0x7ff) {
	case KESU_NVME_SC_INVALID_OPCODE:
		res->reason = "NVMe: invalid command opcode";
		return -KESU_EUNSUPPORTED;
	case KESU_NVME_SC_INVALID_FIELD:
		res->reason = "NVMe: invalid field in command";
		return -KESU_EUNSUPPORTED;
	case KESU_NVME_SC_INVALID_FORMAT:
		res->reason = "NVMe: invalid format";
		return -KESU_EUNSUPPORTED;
	case KESU_NVME_SC_SANITIZE_IN_PROGRESS:
		res->reason = "NVMe: sanitize in progress";
		return -EBUSY;
	case KESU_NVME_SC_SANITIZE_FAILED:
		res->reason = "NVMe: sanitize failed";
		return -EIO;
	default:
		if ((ioctl_rc >> 8 & 0x7) == 2) { /* Status Code Type, bits 10:8 */
			res->reason = "NVMe: media or data integrity error";
			return -KESU_EMEDIA;
		}
		res->reason = "NVMe: command failed";
		return -EIO;
	}
}

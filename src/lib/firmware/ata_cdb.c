/* Building ATA commands and packing them into SCSI ATA PASS-THROUGH(16)
 * CDBs (SAT; docs/device-commands.md). Nothing here sends. */
#include <errno.h>
#include <string.h>

#include "byteorder.h"
#include "device_cmd.h"

/* CDB byte 2 flags. */
#define T_LENGTH_COUNT 0x02 /* transfer length is in the COUNT field */
#define BYTE_BLOCK 0x04     /* ... counted in 512-byte blocks */
#define T_DIR_IN 0x08       /* data from the device */
#define CK_COND 0x20        /* return the ATA registers as sense data */

#define ATA_DEVICE_LBA 0x40

int Kesu_ata_cdb_pack(const struct kesu_ata_cmd *cmd, uint8_t cdb[16])
{
	memset(cdb, 0, 16);
	switch (cmd->protocol) {
	case KESU_ATA_NON_DATA:
		if (cmd->data_len)
			return -EINVAL;
		cdb[2] = CK_COND;
		break;
	case KESU_ATA_PIO_IN:
	case KESU_ATA_PIO_OUT:
		if (!cmd->data || cmd->data_len == 0 || cmd->data_len != (size_t)cmd->count * 512)
			return -EINVAL;
		cdb[2] = T_LENGTH_COUNT | BYTE_BLOCK | (cmd->protocol == KESU_ATA_PIO_IN ? T_DIR_IN : 0);
		break;
	default:
		return -EINVAL;
	}
	if (!cmd->ext48 && (cmd->feature > 0xff || cmd->count > 0xff || cmd->lba > 0xffffff))
		return -EINVAL;
	if (cmd->lba > UINT64_C(0xffffffffffff))
		return -EINVAL;
	cdb[0] = 0x85;
	cdb[1] = (uint8_t)(cmd->protocol << 1 | (cmd->ext48 ? 1 : 0));
	kesu_store_be16(cdb + 3, cmd->feature); /* FEATURE 15:8, 7:0 */
	kesu_store_be16(cdb + 5, cmd->count);   /* COUNT 15:8, 7:0 */
	/* The LBA is hand-packed: SAT interleaves its bytes as (HOB, low)
	 * register pairs, so no contiguous byte run holds an integer. */
	cdb[7] = (uint8_t)(cmd->lba >> 24);  /* LBA 31:24 */
	cdb[8] = (uint8_t)cmd->lba;          /* LBA 7:0 */
	cdb[9] = (uint8_t)(cmd->lba >> 32);  /* LBA 39:32 */
	cdb[10] = (uint8_t)(cmd->lba >> 8);  /* LBA 15:8 */
	cdb[11] = (uint8_t)(cmd->lba >> 40); /* LBA 47:40 */
	cdb[12] = (uint8_t)(cmd->lba >> 16); /* LBA 23:16 */
	cdb[13] = cmd->device;
	cdb[14] = cmd->command;
	return 0;
}

static void non_data(struct kesu_ata_cmd *c, uint8_t command, bool ext48)
{
	*c = (struct kesu_ata_cmd){.protocol = KESU_ATA_NON_DATA, .ext48 = ext48,
				   .device = ATA_DEVICE_LBA, .command = command};
}

static void pio(struct kesu_ata_cmd *c, uint8_t protocol, uint8_t command, uint8_t *buf)
{
	*c = (struct kesu_ata_cmd){.protocol = protocol, .count = 1, .device = ATA_DEVICE_LBA,
				   .command = command, .data = buf, .data_len = 512};
}

void Kesu_ata_identify_cmd(struct kesu_ata_cmd *c, uint8_t buf[512])
{
	pio(c, KESU_ATA_PIO_IN, KESU_ATA_IDENTIFY, buf);
}

void Kesu_ata_read_native_max_cmd(struct kesu_ata_cmd *c)
{
	non_data(c, KESU_ATA_READ_NATIVE_MAX_EXT, true);
}

int Kesu_ata_security_payload(uint8_t out[KESU_ATA_SECURITY_PAYLOAD], bool master, bool enhanced,
			      const void *password, size_t len)
{
	if (len > KESU_ATA_PASSWORD_MAX)
		return -EINVAL;
	memset(out, 0, KESU_ATA_SECURITY_PAYLOAD);
	out[0] = (uint8_t)((master ? 0x01 : 0) | (enhanced ? 0x02 : 0)); /* word 0, low byte */
	if (len)
		memcpy(out + 2, password, len); /* words 1..16 */
	return 0;
}

void Kesu_ata_set_password_cmd(struct kesu_ata_cmd *c, uint8_t payload[KESU_ATA_SECURITY_PAYLOAD])
{
	pio(c, KESU_ATA_PIO_OUT, KESU_ATA_SEC_SET_PASSWORD, payload);
}

void Kesu_ata_unlock_cmd(struct kesu_ata_cmd *c, uint8_t payload[KESU_ATA_SECURITY_PAYLOAD])
{
	pio(c, KESU_ATA_PIO_OUT, KESU_ATA_SEC_UNLOCK, payload);
}

void Kesu_ata_disable_password_cmd(struct kesu_ata_cmd *c, uint8_t payload[KESU_ATA_SECURITY_PAYLOAD])
{
	pio(c, KESU_ATA_PIO_OUT, KESU_ATA_SEC_DISABLE_PASSWORD, payload);
}

void Kesu_ata_erase_prepare_cmd(struct kesu_ata_cmd *c)
{
	non_data(c, KESU_ATA_SEC_ERASE_PREPARE, false);
}

void Kesu_ata_dco_identify_cmd(struct kesu_ata_cmd *c, uint8_t buf[512])
{
	pio(c, KESU_ATA_PIO_IN, KESU_ATA_DEVICE_CONFIGURATION, buf);
	c->feature = 0xc2;
}

void Kesu_ata_set_max_address_cmd(struct kesu_ata_cmd *c, uint64_t max_lba, bool keep)
{
	non_data(c, KESU_ATA_SET_MAX_ADDRESS_EXT, true);
	c->lba = max_lba & ((UINT64_C(1) << 48) - 1);
	c->count = keep ? 1 : 0; /* VV: value volatile bit */
}

void Kesu_ata_get_native_max_cmd(struct kesu_ata_cmd *c)
{
	non_data(c, KESU_ATA_ACCESSIBLE_MAX_ADDRESS, true);
	c->feature = 0x0000; /* GET NATIVE MAX ADDRESS EXT */
}

void Kesu_ata_set_accessible_max_cmd(struct kesu_ata_cmd *c, uint64_t max_lba)
{
	non_data(c, KESU_ATA_ACCESSIBLE_MAX_ADDRESS, true);
	c->feature = 0x0001; /* SET ACCESSIBLE MAX ADDRESS EXT */
	c->lba = max_lba & ((UINT64_C(1) << 48) - 1);
}

void Kesu_ata_erase_unit_cmd(struct kesu_ata_cmd *c, uint8_t payload[KESU_ATA_SECURITY_PAYLOAD],
			     unsigned timeout_s)
{
	pio(c, KESU_ATA_PIO_OUT, KESU_ATA_SEC_ERASE_UNIT, payload);
	c->timeout_s = timeout_s;
}

int Kesu_ata_sanitize_cmd(struct kesu_ata_cmd *c, enum kesu_ata_sanitize_action action,
			  bool failure_mode, uint32_t pattern, unsigned passes, bool invert)
{
	non_data(c, KESU_ATA_SANITIZE, true);
	c->feature = (uint16_t)action;
	switch (action) {
	case KESU_ATA_SANITIZE_STATUS:
		return 0;
	case KESU_ATA_SANITIZE_CRYPTO:
		c->lba = KESU_ATA_SANITIZE_KEY_CRYPTO;
		break;
	case KESU_ATA_SANITIZE_BLOCK:
		c->lba = KESU_ATA_SANITIZE_KEY_BLOCK;
		break;
	case KESU_ATA_SANITIZE_OVERWRITE:
		if (passes < 1 || passes > 16)
			return -EINVAL;
		/* LBA register value, not bytes: key in LBA 47:32, pattern in 31:0 */
		c->lba = (uint64_t)KESU_ATA_SANITIZE_KEY_OVERWRITE << 32 | pattern;
		c->count = (uint16_t)((invert ? 0x80 : 0) | (passes & 0x0f)); /* 16 passes = 0 */
		break;
	default:
		return -EINVAL;
	}
	if (failure_mode)
		c->count |= 0x10;
	return 0;
}

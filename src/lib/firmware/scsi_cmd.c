/* Building SCSI commands: SANITIZE, REQUEST SENSE, TEST UNIT READY,
 * INQUIRY (VPD), REPORT SUPPORTED OPERATION CODES, and MODE SENSE / MODE
 * SELECT(10) of the Control mode page (D_SENSE). Nothing here sends. */
#include <errno.h>
#include <string.h>

#include "byteorder.h"
#include "device_cmd.h"

int Kesu_scsi_sanitize_cmd(struct kesu_scsi_cmd *c, enum kesu_scsi_sanitize_action sa, bool immed,
			   bool ause, void *params, uint16_t param_len)
{
	if (sa != KESU_SCSI_SANITIZE_OVERWRITE && sa != KESU_SCSI_SANITIZE_BLOCK &&
	    sa != KESU_SCSI_SANITIZE_CRYPTO && sa != KESU_SCSI_SANITIZE_EXIT_FAILURE)
		return -EINVAL;
	/* Only OVERWRITE carries a parameter list. */
	if ((sa == KESU_SCSI_SANITIZE_OVERWRITE) != (param_len > 0) || (param_len && !params))
		return -EINVAL;
	memset(c, 0, sizeof(*c));
	c->cdb_len = 10;
	c->cdb[0] = KESU_SCSI_SANITIZE;
	c->cdb[1] = (uint8_t)((immed ? 0x80 : 0) | (ause ? 0x20 : 0) | sa); /* bit 6 ZNR stays 0 */
	/* bytes 2..6 reserved */
	kesu_store_be16(c->cdb + 7, param_len); /* PARAMETER LIST LENGTH */
	/* byte 9 CONTROL */
	c->dir = param_len ? KESU_DIR_OUT : KESU_DIR_NONE;
	c->data = params;
	c->data_len = param_len;
	return 0;
}

int Kesu_scsi_sanitize_overwrite_params(uint8_t *out, size_t cap, unsigned passes, bool invert,
					const uint8_t *pattern, uint16_t pattern_len)
{
	if (passes < 1 || passes > 31 || pattern_len < 1 || cap < 4u + pattern_len)
		return -EINVAL;
	memset(out, 0, 4u + pattern_len);
	out[0] = (uint8_t)((invert ? 0x80 : 0) | passes); /* TEST (6:5) = 0 */
	/* byte 1 reserved */
	kesu_store_be16(out + 2, pattern_len); /* INITIALIZATION PATTERN LENGTH */
	memcpy(out + 4, pattern, pattern_len);
	return 4 + pattern_len;
}

void Kesu_scsi_request_sense_cmd(struct kesu_scsi_cmd *c, bool desc, uint8_t *buf, uint8_t len)
{
	memset(c, 0, sizeof(*c));
	c->cdb_len = 6;
	c->cdb[0] = KESU_SCSI_REQUEST_SENSE;
	c->cdb[1] = desc ? 0x01 : 0;
	c->cdb[4] = len; /* ALLOCATION LENGTH */
	c->dir = KESU_DIR_IN;
	c->data = buf;
	c->data_len = len;
}

void Kesu_scsi_mode_sense_control_cmd(struct kesu_scsi_cmd *c, uint8_t buf[KESU_SCSI_CONTROL_LIST])
{
	memset(c, 0, sizeof(*c));
	c->cdb_len = 10;
	c->cdb[0] = KESU_SCSI_MODE_SENSE_10;
	c->cdb[1] = 0x08; /* DBD: no block descriptors */
	c->cdb[2] = 0x0a; /* PC 00b (current values), page 0Ah: Control */
	kesu_store_be16(c->cdb + 7, KESU_SCSI_CONTROL_LIST); /* ALLOCATION LENGTH */
	c->dir = KESU_DIR_IN;
	c->data = buf;
	c->data_len = KESU_SCSI_CONTROL_LIST;
}

int Kesu_scsi_control_page_dsense(const uint8_t *answer, size_t len, bool d_sense,
				  uint8_t list[KESU_SCSI_CONTROL_LIST])
{
	/* The answer: an 8-byte MODE SENSE(10) header, BLOCK DESCRIPTOR LENGTH
	 * (bytes 6..7) 0 as DBD asked, then page 0Ah with PAGE LENGTH 0Ah. */
	if (len < KESU_SCSI_CONTROL_LIST || kesu_load_be16(answer + 6) != 0 ||
	    (answer[8] & 0x3f) != 0x0a || answer[9] != 0x0a)
		return -EINVAL;
	memset(list, 0, 8); /* MODE DATA LENGTH is reserved in MODE SELECT; no descriptors */
	memcpy(list + 8, answer + 8, 12);
	list[8] &= 0x3f; /* PS is reserved in MODE SELECT, SPF 0 */
	list[10] = (uint8_t)((list[10] & ~0x04) | (d_sense ? 0x04 : 0)); /* byte 2 bit 2: D_SENSE */
	return 0;
}

void Kesu_scsi_mode_select_control_cmd(struct kesu_scsi_cmd *c, uint8_t list[KESU_SCSI_CONTROL_LIST])
{
	memset(c, 0, sizeof(*c));
	c->cdb_len = 10;
	c->cdb[0] = KESU_SCSI_MODE_SELECT_10;
	c->cdb[1] = 0x10; /* PF; SP 0: the current value only, not saved */
	kesu_store_be16(c->cdb + 7, KESU_SCSI_CONTROL_LIST); /* PARAMETER LIST LENGTH */
	c->dir = KESU_DIR_OUT;
	c->data = list;
	c->data_len = KESU_SCSI_CONTROL_LIST;
}

void Kesu_scsi_inquiry_vpd_cmd(struct kesu_scsi_cmd *c, uint8_t page, uint8_t *buf, uint16_t len)
{
	memset(c, 0, sizeof(*c));
	c->cdb_len = 6;
	c->cdb[0] = KESU_SCSI_INQUIRY;
	c->cdb[1] = 0x01; /* EVPD */
	c->cdb[2] = page;
	kesu_store_be16(c->cdb + 3, len); /* ALLOCATION LENGTH */
	c->dir = KESU_DIR_IN;
	c->data = buf;
	c->data_len = len;
}

void Kesu_scsi_report_opcode_cmd(struct kesu_scsi_cmd *c, uint8_t opcode, uint16_t service_action,
				 uint8_t *buf, uint16_t len)
{
	memset(c, 0, sizeof(*c));
	c->cdb_len = 12;
	c->cdb[0] = KESU_SCSI_MAINTENANCE_IN;
	c->cdb[1] = 0x0c; /* REPORT SUPPORTED OPERATION CODES */
	c->cdb[2] = 0x02; /* REPORTING OPTIONS: one command, with its service action */
	c->cdb[3] = opcode;
	kesu_store_be16(c->cdb + 4, service_action); /* REQUESTED SERVICE ACTION */
	kesu_store_be32(c->cdb + 6, len);            /* ALLOCATION LENGTH, bytes 6..9 */
	c->dir = KESU_DIR_IN;
	c->data = buf;
	c->data_len = len;
}

void Kesu_scsi_test_unit_ready_cmd(struct kesu_scsi_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->cdb_len = 6;
	c->cdb[0] = KESU_SCSI_TEST_UNIT_READY;
	c->dir = KESU_DIR_NONE;
}

/* A simulated SCSI (SAS) disk behind the kesu_passthru_ops table:
 * SANITIZE (SBC-4 5.30: OVERWRITE with its parameter list, BLOCK ERASE,
 * CRYPTOGRAPHIC ERASE, EXIT FAILURE MODE; IMMED), REQUEST SENSE with the
 * sanitize progress in fixed or descriptor format, TEST UNIT READY,
 * INQUIRY (standard, VPD 00h / 80h / B1h) and REPORT SUPPORTED OPERATION
 * CODES (SPC-4 6.35). It checks every CDB byte it gets and answers the way
 * SG_IO would, through Kesu_scsi_check(). READ / WRITE are not simulated:
 * the data goes through the fd. An ATA PASS-THROUGH gets what a SAS disk
 * answers (ILLEGAL REQUEST, invalid command operation code). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#define SK_NO_SENSE 0x0
#define SK_NOT_READY 0x2
#define SK_MEDIUM_ERROR 0x3
#define SK_ILLEGAL_REQUEST 0x5

#define GOOD 0x00
#define CHECK_CONDITION 0x02
#define DRIVER_SENSE 0x08

struct sim_scsi *sim_scsi_new(int fd, uint64_t bytes)
{
	struct sim_scsi *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fd = fd;
	s->bytes = bytes;
	s->san_overwrite = s->san_block = s->san_crypto = true;
	s->rotation_rate = 1; /* non-rotating */
	s->san_polls = 3;
	return s;
}

void sim_scsi_free(struct sim_scsi *s)
{
	free(s);
}

/* An answer: the SCSI status and, for CHECK CONDITION or REQUEST SENSE,
 * the sense data. */
struct answer {
	uint8_t key, asc, ascq;
	bool sksv;
	uint16_t progress;
	bool pi;         /* descriptor format: the progress in a 0Ah descriptor */
	uint8_t pi_key, pi_asc, pi_ascq;
};

/* Sense data in fixed (SPC-4 4.5.3) or descriptor (4.5.2) format, with the
 * progress indication in the sense-key specific bytes when sksv. */
static size_t build_sense(bool desc, const struct answer *a, uint8_t sb[32])
{
	memset(sb, 0, 32);
	if (!desc) {
		sb[0] = 0x70;
		sb[2] = a->key;
		sb[7] = 10; /* 18 bytes in all */
		sb[12] = a->asc;
		sb[13] = a->ascq;
		if (a->sksv) {
			sb[15] = 0x80;
			sb[16] = (uint8_t)(a->progress >> 8);
			sb[17] = (uint8_t)a->progress;
		}
		return 18;
	}
	sb[0] = 0x72;
	sb[1] = a->key;
	sb[2] = a->asc;
	sb[3] = a->ascq;
	if (a->pi) {
		/* Progress indication (SPC-4 4.5.2.6): the operation, then its progress. */
		sb[7] = 8;
		sb[8] = 0x0a;
		sb[9] = 0x06;
		sb[10] = a->pi_key;
		sb[11] = a->pi_asc;
		sb[12] = a->pi_ascq;
		sb[14] = (uint8_t)(a->progress >> 8);
		sb[15] = (uint8_t)a->progress;
	} else if (a->sksv) {
		sb[7] = 8;
		sb[8] = 0x02; /* sense key specific descriptor */
		sb[9] = 0x06;
		sb[12] = 0x80; /* SKSV */
		sb[13] = (uint8_t)(a->progress >> 8);
		sb[14] = (uint8_t)a->progress;
	}
	return 8 + sb[7];
}

static int check_condition(const struct sim_scsi *s, const struct answer *a, struct kesu_scsi_result *res)
{
	uint8_t sb[32];
	struct kesu_sg_status st = {.status = CHECK_CONDITION, .driver_status = DRIVER_SENSE, .sense = sb};
	st.sense_len = build_sense(s->descriptor_sense, a, sb);
	return Kesu_scsi_check(&st, res);
}

static int good(struct kesu_scsi_result *res)
{
	struct kesu_sg_status st = {.status = GOOD};
	return Kesu_scsi_check(&st, res);
}

static int illegal(const struct sim_scsi *s, uint8_t asc, struct kesu_scsi_result *res)
{
	struct answer a = {.key = SK_ILLEGAL_REQUEST, .asc = asc};
	return check_condition(s, &a, res);
}

#define ASC_INVALID_OPCODE 0x20
#define ASC_INVALID_FIELD_CDB 0x24
#define ASC_INVALID_FIELD_PARAM 0x26

/* A layout violation: sim_violation, then (if it returns) ILLEGAL REQUEST. */
#define CHECK(cond, asc, ...)                                                                      \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			sim_failf(__VA_ARGS__);                                                    \
			return illegal(s, asc, res);                                               \
		}                                                                                  \
	} while (0)

static uint16_t progress(const struct sim_scsi *s)
{
	unsigned total = s->san_polls > s->polls_left ? s->san_polls : s->polls_left;
	if (!total)
		return 0;
	return (uint16_t)((uint64_t)(total - s->polls_left) * 0xffff / total);
}

/* What the logical unit says about itself now (REQUEST SENSE, or the
 * CHECK CONDITION of a command it cannot take). */
static struct answer state(const struct sim_scsi *s)
{
	if (s->san_running)
		return (struct answer){.key = SK_NOT_READY, .asc = 0x04, .ascq = 0x1b, .sksv = true,
				       .progress = progress(s)};
	if (s->san_failed)
		return (struct answer){.key = SK_MEDIUM_ERROR, .asc = 0x31, .ascq = 0x03};
	return (struct answer){.key = SK_NO_SENSE};
}

/* The data a finished sanitize leaves; false when it failed. */
static bool finish(struct sim_scsi *s)
{
	s->san_running = false;
	s->polls_left = 0;
	if (s->abort_sa > 0 && s->san_sa == s->abort_sa) {
		s->san_failed = true; /* knob abort-sa: this one fails, data untouched */
		return false;
	}
	int rc = 0;
	if (!s->liar) {
		switch (s->san_sa) {
		case KESU_SCSI_SANITIZE_OVERWRITE: {
			uint8_t pat[512];
			memcpy(pat, s->ow_pattern, s->ow_len);
			sim_overwrite_final(pat, s->ow_len, s->ow_passes, s->ow_invert);
			rc = sim_fill_pattern(s->fd, s->bytes, pat, s->ow_len);
			break;
		}
		case KESU_SCSI_SANITIZE_CRYPTO:
			rc = sim_fill_crypto(s->fd, s->bytes);
			break;
		default:
			rc = sim_fill_byte(s->fd, s->bytes, 0x00);
			break;
		}
	}
	s->san_failed = rc < 0;
	return rc == 0;
}

static bool sa_supported(const struct sim_scsi *s, unsigned sa)
{
	switch (sa) {
	case KESU_SCSI_SANITIZE_OVERWRITE: return s->san_overwrite;
	case KESU_SCSI_SANITIZE_BLOCK: return s->san_block;
	case KESU_SCSI_SANITIZE_CRYPTO: return s->san_crypto;
	case KESU_SCSI_SANITIZE_EXIT_FAILURE: return s->san_overwrite || s->san_block || s->san_crypto;
	default: return false;
	}
}

static int sanitize(struct sim_scsi *s, const struct kesu_scsi_cmd *c, struct kesu_scsi_result *res)
{
	const uint8_t *cdb = c->cdb;
	CHECK(c->cdb_len == 10, ASC_INVALID_FIELD_CDB, "SANITIZE: 10-byte CDB, got %u", c->cdb_len);
	CHECK((cdb[1] & 0x40) == 0, ASC_INVALID_FIELD_CDB, "SANITIZE: ZNR 0");
	CHECK(!cdb[2] && !cdb[3] && !cdb[4] && !cdb[5] && !cdb[6], ASC_INVALID_FIELD_CDB,
	      "SANITIZE: bytes 2..6 reserved");
	CHECK(cdb[9] == 0, ASC_INVALID_FIELD_CDB, "SANITIZE: CONTROL 0");
	unsigned plen = (unsigned)cdb[7] << 8 | cdb[8];
	CHECK(plen == c->data_len, ASC_INVALID_FIELD_CDB,
	      "SANITIZE: PARAMETER LIST LENGTH %u, data %zu bytes", plen, c->data_len);
	CHECK(c->dir == (plen ? KESU_DIR_OUT : KESU_DIR_NONE), ASC_INVALID_FIELD_CDB,
	      "SANITIZE: data out only with a parameter list");
	CHECK(!plen || c->data, ASC_INVALID_FIELD_CDB, "SANITIZE: a parameter list buffer");
	bool immed = cdb[1] & 0x80;
	unsigned sa = cdb[1] & 0x1f;
	if (!sa_supported(s, sa))
		return illegal(s, ASC_INVALID_FIELD_CDB, res);
	CHECK(sa == KESU_SCSI_SANITIZE_OVERWRITE || plen == 0, ASC_INVALID_FIELD_CDB,
	      "SANITIZE service action 0x%02x: PARAMETER LIST LENGTH 0", sa);
	if (sa == KESU_SCSI_SANITIZE_EXIT_FAILURE) {
		s->san_failed = false;
		return good(res);
	}
	if (sa == KESU_SCSI_SANITIZE_OVERWRITE) {
		/* SBC-4 5.30.2.2: byte 0 INVERT | TEST 6:5 | OVERWRITE COUNT 4:0;
		 * byte 1 reserved; bytes 2..3 pattern length; the pattern. */
		const uint8_t *p = c->data;
		CHECK(plen >= 5, ASC_INVALID_FIELD_PARAM, "OVERWRITE parameter list of %u bytes", plen);
		unsigned patlen = (unsigned)p[2] << 8 | p[3];
		CHECK((p[0] & 0x60) == 0, ASC_INVALID_FIELD_PARAM, "OVERWRITE: TEST 0");
		CHECK((p[0] & 0x1f) != 0, ASC_INVALID_FIELD_PARAM, "OVERWRITE: COUNT 1..31");
		CHECK(p[1] == 0, ASC_INVALID_FIELD_PARAM, "OVERWRITE: byte 1 reserved");
		CHECK(patlen >= 1 && patlen <= 512, ASC_INVALID_FIELD_PARAM,
		      "OVERWRITE: pattern length %u, 1..512 (one logical block)", patlen);
		CHECK(plen == 4 + patlen, ASC_INVALID_FIELD_PARAM,
		      "OVERWRITE: parameter list length %u != 4 + pattern length %u", plen, patlen);
		memcpy(s->ow_pattern, p + 4, patlen);
		s->ow_len = (uint16_t)patlen;
		s->ow_passes = p[0] & 0x1f;
		s->ow_invert = p[0] & 0x80;
	}
	s->san_sa = (uint8_t)sa;
	s->san_failed = false;
	if (immed) {
		s->san_running = true;
		s->polls_left = s->san_polls ? s->san_polls : 1;
		return good(res);
	}
	if (!finish(s)) {
		struct answer a = state(s);
		return check_condition(s, &a, res);
	}
	return good(res);
}

static int request_sense(struct sim_scsi *s, const struct kesu_scsi_cmd *c, struct kesu_scsi_result *res)
{
	const uint8_t *cdb = c->cdb;
	CHECK(c->cdb_len == 6, ASC_INVALID_FIELD_CDB, "REQUEST SENSE: 6-byte CDB");
	CHECK((cdb[1] & 0xfe) == 0 && cdb[2] == 0 && cdb[3] == 0 && cdb[5] == 0, ASC_INVALID_FIELD_CDB,
	      "REQUEST SENSE: DESC only");
	CHECK(c->dir == KESU_DIR_IN && c->data_len == cdb[4] && (c->data || !cdb[4]), ASC_INVALID_FIELD_CDB,
	      "REQUEST SENSE: ALLOCATION LENGTH %u, data in %zu bytes", cdb[4], c->data_len);
	if ((cdb[1] & 0x01) && s->desc_refused)
		return illegal(s, ASC_INVALID_FIELD_CDB, res); /* an SPC-3 drive: no DESC */
	if (s->san_running && s->polls_left && --s->polls_left == 0)
		finish(s);
	struct answer a = state(s);
	if (s->unit_attentions) {
		/* A pending UNIT ATTENTION is reported (and so cleared) first; in
		 * descriptor format a running sanitize's progress comes beside it. */
		s->unit_attentions--;
		struct answer ua = {.key = 0x06, .asc = 0x29, .ascq = 0x00};
		if (a.key == SK_NOT_READY && (cdb[1] & 0x01) && s->pi_descriptor)
			ua = (struct answer){.key = 0x06, .asc = 0x29, .pi = true, .pi_key = a.key,
					     .pi_asc = a.asc, .pi_ascq = a.ascq, .progress = a.progress};
		a = ua;
	} else if (a.sksv && (cdb[1] & 0x01) && s->pi_descriptor) {
		a.pi = true;
		a.pi_key = a.key;
		a.pi_asc = a.asc;
		a.pi_ascq = a.ascq;
	}
	uint8_t sb[32];
	size_t n = build_sense(cdb[1] & 0x01, &a, sb);
	if (n > c->data_len)
		n = c->data_len;
	memcpy(c->data, sb, n);
	return good(res); /* the sense data is the parameter data: GOOD status */
}

static int test_unit_ready(struct sim_scsi *s, const struct kesu_scsi_cmd *c, struct kesu_scsi_result *res)
{
	const uint8_t *cdb = c->cdb;
	CHECK(c->cdb_len == 6 && !cdb[1] && !cdb[2] && !cdb[3] && !cdb[4] && !cdb[5] && c->dir == KESU_DIR_NONE,
	      ASC_INVALID_FIELD_CDB, "TEST UNIT READY: six zero bytes, no data");
	struct answer a = state(s);
	if (a.key == SK_NO_SENSE)
		return good(res);
	return check_condition(s, &a, res);
}

static void put_str(uint8_t *p, const char *str, size_t n)
{
	memset(p, ' ', n);
	memcpy(p, str, strlen(str) < n ? strlen(str) : n);
}

static int inquiry(struct sim_scsi *s, const struct kesu_scsi_cmd *c, struct kesu_scsi_result *res)
{
	const uint8_t *cdb = c->cdb;
	unsigned alloc = (unsigned)cdb[3] << 8 | cdb[4];
	CHECK(c->cdb_len == 6 && (cdb[1] & 0xfe) == 0 && cdb[5] == 0, ASC_INVALID_FIELD_CDB,
	      "INQUIRY: 6-byte CDB, EVPD only");
	CHECK(c->dir == KESU_DIR_IN && c->data_len == alloc && (c->data || !alloc), ASC_INVALID_FIELD_CDB,
	      "INQUIRY: ALLOCATION LENGTH %u, data in %zu bytes", alloc, c->data_len);
	uint8_t page[64] = {0};
	size_t n;
	if (!(cdb[1] & 0x01)) {
		if (cdb[2])
			return illegal(s, ASC_INVALID_FIELD_CDB, res);
		page[2] = 0x06; /* SPC-4 */
		page[3] = 0x02; /* response data format */
		page[4] = 31;
		put_str(page + 8, "KESU", 8);
		put_str(page + 16, "SIM SCSI DISK", 16);
		put_str(page + 32, "0001", 4);
		n = 36;
	} else if (cdb[2] == 0x00) {
		page[1] = 0x00;
		n = 4;
		page[n++] = 0x00;
		page[n++] = 0x80;
		if (s->rotation_rate)
			page[n++] = 0xb1;
		page[3] = (uint8_t)(n - 4);
	} else if (cdb[2] == 0x80) {
		page[1] = 0x80;
		page[3] = 10;
		put_str(page + 4, "SCSI-SIM-1", 10);
		n = 14;
	} else if (cdb[2] == 0xb1 && s->rotation_rate) {
		/* Block Device Characteristics (SBC-4 6.6.2): 64 bytes. */
		page[1] = 0xb1;
		page[3] = 0x3c;
		page[4] = (uint8_t)(s->rotation_rate >> 8);
		page[5] = (uint8_t)s->rotation_rate;
		n = 64;
	} else {
		return illegal(s, ASC_INVALID_FIELD_CDB, res);
	}
	if (n > c->data_len)
		n = c->data_len;
	if (c->data_len)
		memset(c->data, 0, c->data_len);
	memcpy(c->data, page, n);
	return good(res);
}

/* REPORT SUPPORTED OPERATION CODES (SPC-4 6.35), one command: reporting
 * options 1 (opcode without service actions), 2 (with) or 3 (either). */
static int report_opcodes(struct sim_scsi *s, const struct kesu_scsi_cmd *c, struct kesu_scsi_result *res)
{
	const uint8_t *cdb = c->cdb;
	CHECK(c->cdb_len == 12, ASC_INVALID_FIELD_CDB, "MAINTENANCE IN: 12-byte CDB");
	if ((cdb[1] & 0x1f) != 0x0c)
		return illegal(s, ASC_INVALID_FIELD_CDB, res); /* other MAINTENANCE IN actions */
	unsigned alloc = (unsigned)cdb[6] << 24 | (unsigned)cdb[7] << 16 | (unsigned)cdb[8] << 8 | cdb[9];
	CHECK((cdb[1] & 0xe0) == 0 && (cdb[2] & 0x78) == 0 && cdb[10] == 0 && cdb[11] == 0,
	      ASC_INVALID_FIELD_CDB, "REPORT SUPPORTED OPERATION CODES: reserved bits 0");
	CHECK(c->dir == KESU_DIR_IN && c->data_len == alloc && (c->data || !alloc), ASC_INVALID_FIELD_CDB,
	      "REPORT SUPPORTED OPERATION CODES: ALLOCATION LENGTH %u, data in %zu bytes", alloc,
	      c->data_len);
	unsigned options = cdb[2] & 0x07, opcode = cdb[3], sa = (unsigned)cdb[4] << 8 | cdb[5];
	bool has_sa = opcode == KESU_SCSI_SANITIZE || opcode == KESU_SCSI_MAINTENANCE_IN;
	if (options < 1 || options > 3 || (options == 1 && has_sa) || (options == 2 && !has_sa))
		return illegal(s, ASC_INVALID_FIELD_CDB, res);
	uint8_t reply[4 + 16] = {0};
	size_t cdb_size = 0;
	switch (opcode) {
	case KESU_SCSI_TEST_UNIT_READY:
	case KESU_SCSI_REQUEST_SENSE:
	case KESU_SCSI_INQUIRY:
		cdb_size = 6;
		reply[4] = (uint8_t)opcode;
		reply[5] = opcode == KESU_SCSI_TEST_UNIT_READY ? 0 : 0x01;
		reply[6] = opcode == KESU_SCSI_INQUIRY ? 0xff : 0;
		reply[7] = opcode == KESU_SCSI_INQUIRY ? 0xff : 0;
		reply[8] = opcode == KESU_SCSI_TEST_UNIT_READY ? 0 : 0xff;
		reply[9] = 0x07;
		break;
	case KESU_SCSI_SANITIZE:
		if (sa_supported(s, sa)) {
			/* CDB usage: the opcode, the service action in place
			 * with IMMED, ZNR, AUSE, PARAMETER LIST LENGTH, CONTROL. */
			cdb_size = 10;
			reply[4] = KESU_SCSI_SANITIZE;
			reply[5] = (uint8_t)(0xe0 | sa);
			reply[11] = 0xff;
			reply[12] = 0xff;
			reply[13] = 0x07;
		}
		break;
	case KESU_SCSI_MAINTENANCE_IN:
		if (sa == 0x0c) {
			cdb_size = 12;
			reply[4] = KESU_SCSI_MAINTENANCE_IN;
			reply[5] = 0x0c;
			reply[6] = 0x87;
			memset(reply + 7, 0xff, 7);
			reply[15] = 0x07;
		}
		break;
	}
	reply[1] = cdb_size ? 0x03 : 0x01; /* SUPPORT: per the standard / not supported */
	reply[2] = (uint8_t)(cdb_size >> 8);
	reply[3] = (uint8_t)cdb_size;
	size_t n = 4 + cdb_size;
	if (n > c->data_len)
		n = c->data_len;
	if (c->data_len)
		memset(c->data, 0, c->data_len);
	memcpy(c->data, reply, n);
	return good(res);
}

static int sim_scsi_op(void *ctx, const struct kesu_scsi_cmd *c, struct kesu_scsi_result *res)
{
	struct sim_scsi *s = ctx;
	memset(s->last_cdb, 0, sizeof(s->last_cdb));
	memcpy(s->last_cdb, c->cdb, c->cdb_len <= 16 ? c->cdb_len : 16);
	if (s->ncmds < sizeof(s->opcodes))
		s->opcodes[s->ncmds] = c->cdb[0];
	s->ncmds++;
	CHECK(c->cdb_len == 6 || c->cdb_len == 10 || c->cdb_len == 12 || c->cdb_len == 16,
	      ASC_INVALID_FIELD_CDB, "CDB length %u", c->cdb_len);
	uint8_t op = c->cdb[0];
	if (s->unit_attentions && op != KESU_SCSI_INQUIRY && op != KESU_SCSI_REQUEST_SENSE) {
		/* SPC-4 5.14: the command is not run; reporting the condition clears it. */
		s->unit_attentions--;
		struct answer ua = {.key = 0x06, .asc = 0x29, .ascq = 0x00}; /* POWER ON, RESET */
		return check_condition(s, &ua, res);
	}
	/* During a sanitize only INQUIRY and REQUEST SENSE are taken (SBC-4 4.11). */
	if (s->san_running && op != KESU_SCSI_INQUIRY && op != KESU_SCSI_REQUEST_SENSE) {
		struct answer a = state(s);
		return check_condition(s, &a, res);
	}
	switch (op) {
	case KESU_SCSI_TEST_UNIT_READY: return test_unit_ready(s, c, res);
	case KESU_SCSI_REQUEST_SENSE: return request_sense(s, c, res);
	case KESU_SCSI_INQUIRY: return inquiry(s, c, res);
	case KESU_SCSI_SANITIZE: return sanitize(s, c, res);
	case KESU_SCSI_MAINTENANCE_IN: return report_opcodes(s, c, res);
	default: return illegal(s, ASC_INVALID_OPCODE, res);
	}
}

/* A SAS disk does not know ATA PASS-THROUGH(16): the captured answer of
 * virtio-scsi (tests/fixtures/ata/scsi.sense.hex). */
static int sim_scsi_ata(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	struct sim_scsi *s = ctx;
	uint8_t cdb[16];
	int rc = Kesu_ata_cdb_pack(cmd, cdb);
	if (rc < 0)
		return rc;
	memcpy(s->last_cdb, cdb, 16);
	if (s->ncmds < sizeof(s->opcodes))
		s->opcodes[s->ncmds] = cdb[0];
	s->ncmds++;
	static const uint8_t refused[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x20};
	struct kesu_sg_status st = {.status = CHECK_CONDITION, .driver_status = DRIVER_SENSE,
				    .sense = refused, .sense_len = sizeof(refused)};
	return Kesu_ata_check(&st, res);
}

static void sim_scsi_close(void *ctx)
{
	(void)ctx; /* the owner frees the disk */
}

static const struct kesu_passthru_ops sim_scsi_ops = {.ata = sim_scsi_ata, .scsi = sim_scsi_op,
						       .close = sim_scsi_close};

struct kesu_passthru sim_scsi_passthru(struct sim_scsi *s)
{
	return (struct kesu_passthru){&sim_scsi_ops, s};
}

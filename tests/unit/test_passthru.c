/* Golden command bytes for every builder (hand-computed from
 * docs/device-commands.md and SAT / NVMe / SBC), sense data of
 * both formats including captured fixtures, and the status checks. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kesu/error.h"
#include "device_cmd.h"

static void pack_eq(const struct kesu_ata_cmd *c, const uint8_t want[16])
{
	uint8_t cdb[16];
	cr_assert_eq(Kesu_ata_cdb_pack(c, cdb), 0);
	for (int i = 0; i < 16; i++)
		cr_expect_eq(cdb[i], want[i], "cdb[%d] = %02x, want %02x", i, cdb[i], want[i]);
}

Test(ata_cdb, identify_matches_the_captured_cdb)
{
	uint8_t buf[512];
	struct kesu_ata_cmd c;
	Kesu_ata_identify_cmd(&c, buf);
	static const uint8_t want[16] = {
		0x85, /* 0 ATA PASS-THROUGH(16) */
		0x08, /* 1 protocol 4 (PIO-in) << 1, no EXTEND */
		0x0e, /* 2 T_DIR 0x08 | BYTE_BLOCK 0x04 | T_LENGTH=2 */
		0x00, /* 3 FEATURE 15:8 */
		0x00, /* 4 FEATURE 7:0 */
		0x00, /* 5 COUNT 15:8 */
		0x01, /* 6 COUNT 7:0: one 512-byte block */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 7..12 LBA */
		0x40, /* 13 DEVICE */
		0xec, /* 14 IDENTIFY DEVICE */
		0x00, /* 15 CONTROL */
	};
	pack_eq(&c, want);
	/* tests/fixtures/ata/usb.fail.txt: "cdb=85 08 0e 00 00 00 01 00 00 00 00 00 00 40 ec 00" */
	FILE *f = fopen(KESU_FIXTURES "/ata/usb.fail.txt", "r");
	cr_assert(f);
	char line[256];
	bool seen = false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "cdb=", 4) == 0) {
			unsigned b[16];
			cr_assert_eq(sscanf(line + 4, "%x %x %x %x %x %x %x %x %x %x %x %x %x %x %x %x", &b[0], &b[1],
					    &b[2], &b[3], &b[4], &b[5], &b[6], &b[7], &b[8], &b[9], &b[10], &b[11],
					    &b[12], &b[13], &b[14], &b[15]), 16);
			for (int i = 0; i < 16; i++)
				cr_expect_eq(b[i], want[i]);
			seen = true;
		}
	fclose(f);
	cr_assert(seen);
}

Test(ata_cdb, security_commands)
{
	uint8_t p[512];
	struct kesu_ata_cmd c;
	/* PIO-out: byte 1 = 5 << 1 = 0x0a; byte 2 = BYTE_BLOCK | T_LENGTH=2 = 0x06 */
	static const uint8_t set_pw[16] = {0x85, 0x0a, 0x06, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0x40, 0xf1, 0};
	static const uint8_t unlock[16] = {0x85, 0x0a, 0x06, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0x40, 0xf2, 0};
	static const uint8_t erase[16] = {0x85, 0x0a, 0x06, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0x40, 0xf4, 0};
	static const uint8_t disable[16] = {0x85, 0x0a, 0x06, 0, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0x40, 0xf6, 0};
	/* non-data: byte 1 = 3 << 1 = 0x06; byte 2 = CK_COND 0x20 */
	static const uint8_t prepare[16] = {0x85, 0x06, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0xf3, 0};
	Kesu_ata_set_password_cmd(&c, p);
	pack_eq(&c, set_pw);
	Kesu_ata_unlock_cmd(&c, p);
	pack_eq(&c, unlock);
	Kesu_ata_erase_unit_cmd(&c, p, 7200);
	pack_eq(&c, erase);
	cr_assert_eq(c.timeout_s, 7200);
	Kesu_ata_disable_password_cmd(&c, p);
	pack_eq(&c, disable);
	Kesu_ata_erase_prepare_cmd(&c);
	pack_eq(&c, prepare);
}

Test(ata_cdb, security_payload)
{
	uint8_t p[512], want[512] = {0};
	cr_assert_eq(Kesu_ata_security_payload(p, false, true, "kesu", 4), 0);
	want[0] = 0x02; /* word 0: bit 0 user (0), bit 1 enhanced */
	memcpy(want + 2, "kesu", 4); /* bytes 2..33 the password, zero-padded */
	cr_assert_arr_eq(p, want, 512);
	cr_assert_eq(Kesu_ata_security_payload(p, true, false, "0123456789abcdef0123456789abcdef", 32), 0);
	cr_assert_eq(p[0], 0x01); /* master */
	cr_assert_eq(p[33], 'f');
	cr_assert_eq(p[34], 0);
	cr_assert_eq(Kesu_ata_security_payload(p, false, false, "0123456789abcdef0123456789abcdefX", 33), -EINVAL);
}

Test(ata_cdb, sanitize_and_native_max)
{
	struct kesu_ata_cmd c;
	/* 48-bit non-data: byte 1 = 3 << 1 | EXTEND = 0x07 */
	static const uint8_t crypto[16] = {
		0x85, 0x07, 0x20,
		0x00, 0x11, /* FEATURE 0x0011 CRYPTO SCRAMBLE EXT */
		0x00, 0x00, /* COUNT */
		0x43,       /* 7  LBA 31:24 'C' */
		0x70,       /* 8  LBA 7:0   'p' */
		0x00,       /* 9  LBA 39:32 */
		0x79,       /* 10 LBA 15:8  'y' */
		0x00,       /* 11 LBA 47:40 */
		0x72,       /* 12 LBA 23:16 'r' */
		0x40, 0xb4, 0x00};
	static const uint8_t block[16] = {0x85, 0x07, 0x20, 0x00, 0x12, 0x00, 0x10 /* FAILURE MODE */,
					  0x42 /* 'B' */, 0x72 /* 'r' */, 0x00, 0x45 /* 'E' */, 0x00,
					  0x6b /* 'k' */, 0x40, 0xb4, 0x00};
	static const uint8_t overwrite[16] = {0x85, 0x07, 0x20, 0x00, 0x14,
					      0x00, 0x83, /* COUNT: INVERT 0x80 | 3 passes */
					      0xde,       /* LBA 31:24 of the pattern 0xdeadbeef */
					      0xef,       /* LBA 7:0 */
					      0x57,       /* LBA 39:32 'W' */
					      0xbe,       /* LBA 15:8 */
					      0x4f,       /* LBA 47:40 'O' */
					      0xad,       /* LBA 23:16 */
					      0x40, 0xb4, 0x00};
	static const uint8_t status[16] = {0x85, 0x07, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0xb4, 0};
	static const uint8_t native[16] = {0x85, 0x07, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x27, 0};
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, KESU_ATA_SANITIZE_CRYPTO, false, 0, 0, false), 0);
	pack_eq(&c, crypto);
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, KESU_ATA_SANITIZE_BLOCK, true, 0, 0, false), 0);
	pack_eq(&c, block);
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, KESU_ATA_SANITIZE_OVERWRITE, false, 0xdeadbeef, 3, true), 0);
	pack_eq(&c, overwrite);
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, KESU_ATA_SANITIZE_STATUS, false, 0, 0, false), 0);
	pack_eq(&c, status);
	Kesu_ata_read_native_max_cmd(&c);
	pack_eq(&c, native);
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, KESU_ATA_SANITIZE_OVERWRITE, false, 0, 16, false), 0);
	cr_assert_eq(c.count, 0, "16 passes are sent as 0");
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, KESU_ATA_SANITIZE_OVERWRITE, false, 0, 17, false), -EINVAL);
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, 0x20, false, 0, 0, false), -EINVAL);
}

Test(ata_cdb, dco_identify_and_set_max_address)
{
	uint8_t buf[512];
	struct kesu_ata_cmd c;
	/* DEVICE CONFIGURATION IDENTIFY: 28-bit PIO-in, FEATURE C2h, one block. */
	static const uint8_t dco[16] = {
		0x85, /* 0 ATA PASS-THROUGH(16) */
		0x08, /* 1 protocol 4 (PIO-in) << 1, no EXTEND */
		0x0e, /* 2 T_DIR | BYTE_BLOCK | T_LENGTH=2 */
		0x00, /* 3 FEATURE 15:8 */
		0xc2, /* 4 FEATURE 7:0: IDENTIFY */
		0x00, /* 5 COUNT 15:8 */
		0x01, /* 6 COUNT 7:0 */
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* 7..12 LBA */
		0x40, /* 13 DEVICE */
		0xb1, /* 14 DEVICE CONFIGURATION */
		0x00};
	Kesu_ata_dco_identify_cmd(&c, buf);
	pack_eq(&c, dco);
	cr_assert(c.data == buf && c.data_len == 512);
	/* SET MAX ADDRESS EXT to 0x0123456789ab: 48-bit non-data, COUNT bit 0 = VV. */
	static const uint8_t setmax[16] = {
		0x85, 0x07, /* protocol 3 << 1 | EXTEND */
		0x20,       /* CK_COND */
		0x00, 0x00, /* FEATURE */
		0x00, 0x00, /* COUNT: VV clear, volatile */
		0x45,       /* 7  LBA 31:24 */
		0xab,       /* 8  LBA 7:0 */
		0x23,       /* 9  LBA 39:32 */
		0x89,       /* 10 LBA 15:8 */
		0x01,       /* 11 LBA 47:40 */
		0x67,       /* 12 LBA 23:16 */
		0x40, 0x37, 0x00};
	Kesu_ata_set_max_address_cmd(&c, UINT64_C(0x0123456789ab), false);
	pack_eq(&c, setmax);
	uint8_t keep[16];
	memcpy(keep, setmax, 16);
	keep[6] = 0x01; /* VV: keep across power cycles */
	Kesu_ata_set_max_address_cmd(&c, UINT64_C(0x0123456789ab), true);
	pack_eq(&c, keep);
}

Test(ata_cdb, pack_refuses_what_does_not_fit)
{
	uint8_t cdb[16], buf[1024];
	struct kesu_ata_cmd c;
	Kesu_ata_erase_prepare_cmd(&c);
	c.feature = 0x100; /* 28-bit command with FEATURE 15:8 */
	cr_assert_eq(Kesu_ata_cdb_pack(&c, cdb), -EINVAL);
	Kesu_ata_erase_prepare_cmd(&c);
	c.lba = 1u << 24;
	cr_assert_eq(Kesu_ata_cdb_pack(&c, cdb), -EINVAL);
	Kesu_ata_identify_cmd(&c, buf);
	c.data_len = 1024; /* != COUNT * 512 */
	cr_assert_eq(Kesu_ata_cdb_pack(&c, cdb), -EINVAL);
	Kesu_ata_identify_cmd(&c, buf);
	c.protocol = 6; /* DMA: not used by kesu */
	cr_assert_eq(Kesu_ata_cdb_pack(&c, cdb), -EINVAL);
	Kesu_ata_read_native_max_cmd(&c);
	c.lba = 1ull << 48;
	cr_assert_eq(Kesu_ata_cdb_pack(&c, cdb), -EINVAL);
}

Test(nvme_cmd, builders)
{
	struct kesu_nvme_admin c;
	uint8_t id[4096], log[512];
	Kesu_nvme_identify_cmd(&c, 0, 1, id);
	cr_assert(c.opcode == 0x06 && c.nsid == 0 && c.cdw10 == 1 && c.data == id && c.data_len == 4096);
	cr_assert_eq(Kesu_nvme_format_cmd(&c, 1, 0, false, 0, false, 1, 600000), 0);
	cr_assert(c.opcode == 0x80 && c.nsid == 1 && c.timeout_ms == 600000);
	cr_assert_eq(c.cdw10, 0x00000200); /* SES 1 << 9, LBAF 0 */
	cr_assert_eq(Kesu_nvme_format_cmd(&c, KESU_NVME_NSID_ALL, 1, false, 0, false, 2, 0), 0);
	cr_assert_eq(c.cdw10, 0x00000401); /* SES 2 << 9 | LBAF 1 */
	cr_assert_eq(c.nsid, 0xffffffff);
	cr_assert_eq(Kesu_nvme_format_cmd(&c, 1, 17, false, 0, false, 0, 0), 0);
	cr_assert_eq(c.cdw10, 0x00001001); /* LBAF 3:0 = 1, LBAF 5:4 = 1 at bits 13:12 */
	/* Golden bytes with metadata kept: LBAF 2, MSET 1 << 4, PI 3 << 5, PIL 1 << 8, SES 1 << 9 */
	cr_assert_eq(Kesu_nvme_format_cmd(&c, 2, 2, true, 3, true, 1, 0), 0);
	cr_assert_eq(c.cdw10, 0x00000372);
	cr_assert_eq(c.nsid, 2);
	/* PI 1 alone, SES 2: 0x20 | 0x400 */
	cr_assert_eq(Kesu_nvme_format_cmd(&c, 1, 0, false, 1, false, 2, 0), 0);
	cr_assert_eq(c.cdw10, 0x00000420);
	cr_assert_eq(Kesu_nvme_format_cmd(&c, 1, 64, false, 0, false, 0, 0), -EINVAL);
	cr_assert_eq(Kesu_nvme_format_cmd(&c, 1, 0, false, 8, false, 0, 0), -EINVAL);
	/* Identify CNS 02h, the active namespace list: nsid 0, cdw10 2 */
	Kesu_nvme_identify_cmd(&c, 0, KESU_NVME_CNS_ACTIVE_NS, id);
	cr_assert(c.opcode == 0x06 && c.nsid == 0 && c.cdw10 == 0x00000002 && c.data_len == 4096);
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&c, KESU_NVME_SANACT_BLOCK, true, 0, false, false, 0), 0);
	cr_assert(c.opcode == 0x84 && c.nsid == 0 && c.cdw11 == 0);
	cr_assert_eq(c.cdw10, 0x0000000a); /* SANACT 2 | AUSE 1 << 3 */
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&c, KESU_NVME_SANACT_OVERWRITE, false, 3, true, true, 0xa5a5a5a5), 0);
	cr_assert_eq(c.cdw10, 0x00000333); /* 3 | OWPASS 3 << 4 | OIPBP << 8 | NDAS << 9 */
	cr_assert_eq(c.cdw11, 0xa5a5a5a5);
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&c, KESU_NVME_SANACT_CRYPTO, false, 0, false, false, 0), 0);
	cr_assert_eq(c.cdw10, 0x00000004);
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&c, 5, false, 0, false, false, 0), -EINVAL);
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&c, KESU_NVME_SANACT_OVERWRITE, false, 16, false, false, 0), -EINVAL);
	cr_assert_eq(Kesu_nvme_get_log_cmd(&c, KESU_NVME_LOG_SANITIZE, KESU_NVME_NSID_ALL, log, 512), 0);
	cr_assert(c.opcode == 0x02 && c.nsid == 0xffffffff && c.data_len == 512);
	cr_assert_eq(c.cdw10, 0x007f0081); /* NUMDL 127 << 16 | LID 0x81 */
	cr_assert_eq(c.cdw11, 0);
	cr_assert_eq(Kesu_nvme_get_log_cmd(&c, KESU_NVME_LOG_SMART, KESU_NVME_NSID_ALL, log, 512), 0);
	cr_assert_eq(c.cdw10, 0x007f0002);
	cr_assert_eq(Kesu_nvme_get_log_cmd(&c, 2, 0, log, 6), -EINVAL);
}

Test(scsi_cmd, sanitize_and_request_sense)
{
	struct kesu_scsi_cmd c;
	uint8_t params[16], sense[252];
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_BLOCK, true, false, NULL, 0), 0);
	static const uint8_t block[10] = {0x48, 0x82 /* IMMED | SA 2 */, 0, 0, 0, 0, 0, 0, 0, 0};
	cr_assert_eq(c.cdb_len, 10);
	cr_assert_arr_eq(c.cdb, block, 10);
	cr_assert_eq(c.dir, KESU_DIR_NONE);
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_CRYPTO, false, true, NULL, 0), 0);
	static const uint8_t crypto[10] = {0x48, 0x23 /* AUSE 0x20 | SA 3 */, 0, 0, 0, 0, 0, 0, 0, 0};
	cr_assert_arr_eq(c.cdb, crypto, 10);
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_EXIT_FAILURE, false, false, NULL, 0), 0);
	cr_assert_eq(c.cdb[1], 0x1f);
	static const uint8_t pat[4] = {0x00, 0xff, 0x00, 0xff};
	int n = Kesu_scsi_sanitize_overwrite_params(params, sizeof(params), 2, true, pat, 4);
	static const uint8_t want_params[8] = {0x82 /* INVERT | 2 passes */, 0x00, 0x00, 0x04 /* pattern length */,
					       0x00, 0xff, 0x00, 0xff};
	cr_assert_eq(n, 8);
	cr_assert_arr_eq(params, want_params, 8);
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_OVERWRITE, true, false, params, 8), 0);
	static const uint8_t ow[10] = {0x48, 0x81, 0, 0, 0, 0, 0, 0x00, 0x08 /* PARAMETER LIST LENGTH */, 0};
	cr_assert_arr_eq(c.cdb, ow, 10);
	cr_assert(c.dir == KESU_DIR_OUT && c.data == params && c.data_len == 8);
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_OVERWRITE, true, false, NULL, 0), -EINVAL);
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_BLOCK, true, false, params, 8), -EINVAL);
	cr_assert_eq(Kesu_scsi_sanitize_overwrite_params(params, sizeof(params), 0, false, pat, 4), -EINVAL);
	Kesu_scsi_request_sense_cmd(&c, true, sense, 252);
	static const uint8_t rs[6] = {0x03, 0x01 /* DESC */, 0, 0, 0xfc /* ALLOCATION LENGTH 252 */, 0};
	cr_assert_eq(c.cdb_len, 6);
	cr_assert_arr_eq(c.cdb, rs, 6);
	cr_assert(c.dir == KESU_DIR_IN && c.data_len == 252);
}

Test(scsi_cmd, inquiry_vpd_report_opcode_test_unit_ready)
{
	struct kesu_scsi_cmd c;
	uint8_t buf[0x200];
	/* SPC-4 INQUIRY: 12h, EVPD (byte 1 bit 0), page code, ALLOCATION LENGTH (2 bytes), CONTROL. */
	static const uint8_t inq[6] = {0x12, 0x01, 0xb1, 0x00, 0x40, 0x00};
	Kesu_scsi_inquiry_vpd_cmd(&c, 0xb1, buf, 64);
	cr_assert_eq(c.cdb_len, 6);
	cr_assert_arr_eq(c.cdb, inq, 6);
	cr_assert(c.dir == KESU_DIR_IN && c.data == buf && c.data_len == 64);
	static const uint8_t inq_long[6] = {0x12, 0x01, 0x00, 0x01, 0x02, 0x00};
	Kesu_scsi_inquiry_vpd_cmd(&c, 0x00, buf, 0x0102);
	cr_assert_arr_eq(c.cdb, inq_long, 6, "ALLOCATION LENGTH big-endian in bytes 3..4");
	/* SPC-4 REPORT SUPPORTED OPERATION CODES: A3h, service action 0Ch,
	 * REPORTING OPTIONS 010b, the opcode, its service action (2 bytes),
	 * ALLOCATION LENGTH (4 bytes), reserved, CONTROL. */
	static const uint8_t rsoc[12] = {0xa3, 0x0c, 0x02, 0x48, 0x00, 0x03, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
	Kesu_scsi_report_opcode_cmd(&c, 0x48, 0x0003, buf, 0x0200);
	cr_assert_eq(c.cdb_len, 12);
	cr_assert_arr_eq(c.cdb, rsoc, 12);
	cr_assert(c.dir == KESU_DIR_IN && c.data == buf && c.data_len == 0x200);
	static const uint8_t rsoc2[12] = {0xa3, 0x0c, 0x02, 0x48, 0x01, 0x1f, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00};
	Kesu_scsi_report_opcode_cmd(&c, 0x48, 0x011f, buf, 16);
	cr_assert_arr_eq(c.cdb, rsoc2, 12);
	/* TEST UNIT READY: six zero bytes, no data. */
	static const uint8_t tur[6] = {0, 0, 0, 0, 0, 0};
	memset(&c, 0xee, sizeof(c));
	Kesu_scsi_test_unit_ready_cmd(&c);
	cr_assert_eq(c.cdb_len, 6);
	cr_assert_arr_eq(c.cdb, tur, 6);
	cr_assert(c.dir == KESU_DIR_NONE && c.data == NULL && c.data_len == 0);
}

/* ---- sense data ---------------------------------------------------------- */

static size_t load_hex(const char *path, uint8_t *out, size_t cap)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "%s", path);
	size_t n = 0;
	unsigned b;
	while (n < cap && fscanf(f, "%x", &b) == 1)
		out[n++] = (uint8_t)b;
	fclose(f);
	return n;
}

static void captured_bridge_refusal(const char *name)
{
	uint8_t sb[64];
	char path[512];
	snprintf(path, sizeof(path), KESU_FIXTURES "/ata/%s.sense.hex", name);
	size_t n = load_hex(path, sb, sizeof(sb));
	cr_assert_eq(n, 18);
	struct kesu_sense s;
	cr_assert_eq(Kesu_sense_parse(sb, n, &s), 0);
	cr_assert_eq(s.response_code, 0x70);
	cr_assert_eq(s.key, 0x5);
	cr_assert_eq(s.asc, 0x20);
	cr_assert_eq(s.ascq, 0x00);
	cr_assert_not(s.ata_valid, "no ATA registers in a bridge's refusal");
	/* The SG_IO fields of the same capture (*.fail.txt). */
	struct kesu_sg_status st = {.status = 0x02, .driver_status = 0x0008, .sense = sb, .sense_len = n};
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_check(&st, &res), -KESU_EUNSUPPORTED);
	cr_assert(res.sense_valid && res.sense_key == 5 && res.asc == 0x20);
	cr_assert_not(res.regs_valid);
	cr_assert_not_null(strstr(res.reason, "invalid command operation code"));
}

Test(sense, captured_usb_bridge_blocks_ata16) { captured_bridge_refusal("usb"); }
Test(sense, captured_virtio_scsi_blocks_ata16) { captured_bridge_refusal("scsi"); }

Test(sense, libata_61_fixed_layout)
{
	/* docs/device-commands.md, what QEMU emulates: QEMU AHCI, kernel 6.1, aborted command. */
	static const uint8_t sb[18] = {0x70, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x0a,
				       0x04 /* error ABRT */, 0x41 /* status DRDY|ERR */, 0xe0 /* device */,
				       0x01 /* count */, 0, 0, 0, 0, 0, 0};
	struct kesu_sense s;
	cr_assert_eq(Kesu_sense_parse(sb, sizeof(sb), &s), 0);
	cr_assert(s.ata_valid && s.ata_libata_fixed);
	cr_assert_eq(s.key, 0x0b);
	cr_assert_eq(s.ata_error, 0x04);
	cr_assert_eq(s.ata_status, 0x41);
	cr_assert_eq(s.ata_device, 0xe0);
	cr_assert_eq(s.ata_count, 0x01);
	struct kesu_sg_status st = {.status = 2, .driver_status = 8, .sense = sb, .sense_len = 18};
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_check(&st, &res), -KESU_EUNSUPPORTED, "ABRT alone: the drive refused");
	cr_assert(res.regs_valid && res.error == 0x04 && res.status == 0x41);
}

Test(sense, sat_fixed_layout)
{
	/* Linux >= 6.10 and SAT: VALID, INFORMATION = error, status, device,
	 * count; CSI byte 8 flags (EXTEND 0x80), 9..11 LBA 7:0, 15:8, 23:16. */
	static const uint8_t sb[18] = {0xf0, 0x00, 0x0b, 0x14 /* error ABRT|IDNF */, 0x51 /* status */, 0x40,
				       0x02, 0x0a, 0x80, 0x33, 0x22, 0x11, 0, 0, 0, 0, 0, 0};
	struct kesu_sense s;
	cr_assert_eq(Kesu_sense_parse(sb, sizeof(sb), &s), 0);
	cr_assert(s.ata_valid);
	cr_assert_not(s.ata_libata_fixed);
	cr_assert_eq(s.response_code, 0x70);
	cr_assert(s.ata_error == 0x14 && s.ata_status == 0x51 && s.ata_device == 0x40 && s.ata_count == 2);
	cr_assert_eq(s.ata_lba, 0x112233);
	struct kesu_sg_status st = {.status = 2, .driver_status = 8, .sense = sb, .sense_len = 18};
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_check(&st, &res), -EIO, "ABRT with other bits is an error, not 'unsupported'");
}

Test(sense, descriptor_ata_status_return)
{
	/* Success of a 48-bit non-data command with CK_COND (libata always
	 * answers in descriptor format): RECOVERED ERROR, 00/1D. */
	static const uint8_t sb[22] = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 0x0e,
				       0x09, 0x0c, 0x01 /* EXTEND */, 0x00 /* error */,
				       0x80, 0x00, /* count 15:8, 7:0 */
				       0x44, 0x12, /* LBA 31:24, 7:0 */
				       0x05, 0x34, /* LBA 39:32, 15:8 */
				       0x06, 0x56, /* LBA 47:40, 23:16 */
				       0x40, 0x50 /* device, status */};
	struct kesu_sense s;
	cr_assert_eq(Kesu_sense_parse(sb, sizeof(sb), &s), 0);
	cr_assert(s.ata_valid);
	cr_assert_eq(s.ata_count, 0x8000);
	cr_assert_eq(s.ata_lba, 0x060544563412ull);
	cr_assert_eq(s.ata_status, 0x50);
	struct kesu_sg_status st = {.status = 2, .driver_status = 8, .sense = sb, .sense_len = sizeof(sb)};
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_check(&st, &res), 0);
	cr_assert_eq(res.count, 0x8000);
	cr_assert_str_eq(res.reason, "ok");
	/* The same without EXTEND: high bytes are not taken. */
	uint8_t b28[22];
	memcpy(b28, sb, sizeof(b28));
	b28[10] = 0;
	cr_assert_eq(Kesu_sense_parse(b28, sizeof(b28), &s), 0);
	cr_assert_eq(s.ata_count, 0x00);
	cr_assert_eq(s.ata_lba, 0x563412);
}

Test(sense, descriptor_abort)
{
	static const uint8_t sb[22] = {0x72, 0x0b, 0x00, 0x00, 0, 0, 0, 0x0e, 0x09, 0x0c, 0x00, 0x04,
				       0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x51};
	struct kesu_sg_status st = {.status = 2, .driver_status = 8, .sense = sb, .sense_len = sizeof(sb)};
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_check(&st, &res), -KESU_EUNSUPPORTED);
	cr_assert(res.regs_valid && res.error == 0x04 && (res.status & 1));
}

Test(sense, aborted_key_without_registers_is_never_success)
{
	/* What hdparm misread: registers it looked for were zero. The sense
	 * key alone must still fail the command. */
	static const uint8_t sb[18] = {0x70, 0x00, 0x0b, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
	struct kesu_sg_status st = {.status = 2, .driver_status = 8, .sense = sb, .sense_len = 18};
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_check(&st, &res), -EIO);
	cr_assert_not(res.regs_valid);
}

Test(sense, progress_in_both_formats)
{
	/* REQUEST SENSE during SCSI SANITIZE: NOT READY, 04/1B, SKSV, 25 %. */
	static const uint8_t fixed[18] = {0x70, 0, 0x02, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x04, 0x1b, 0,
					  0x80 /* SKSV */, 0x40, 0x00};
	static const uint8_t desc[16] = {0x72, 0x02, 0x04, 0x1b, 0, 0, 0, 0x08,
					 0x02, 0x06, 0, 0, 0x80, 0x80, 0x00, 0};
	struct kesu_sense s;
	cr_assert_eq(Kesu_sense_parse(fixed, sizeof(fixed), &s), 0);
	cr_assert(s.progress_valid && s.progress == 0x4000);
	cr_assert_not(s.ata_valid);
	cr_assert_eq(Kesu_sense_parse(desc, sizeof(desc), &s), 0);
	cr_assert(s.progress_valid && s.progress == 0x8000);
	struct kesu_sg_status st = {.status = 2, .driver_status = 8, .sense = fixed, .sense_len = 18};
	struct kesu_scsi_result res;
	cr_assert_eq(Kesu_scsi_check(&st, &res), -EBUSY);
	cr_assert_str_eq(res.reason, "NOT READY: sanitize in progress");
}

Test(sense, malformed)
{
	static const uint8_t junk[4] = {0x12, 0, 0, 0};
	static const uint8_t trunc[10] = {0x72, 0x01, 0, 0x1d, 0, 0, 0, 0x0e, 0x09, 0x0c};
	struct kesu_sense s;
	cr_assert_eq(Kesu_sense_parse(junk, 4, &s), -KESU_EPARSE);
	cr_assert_eq(Kesu_sense_parse(junk, 0, &s), -KESU_EPARSE);
	cr_assert_eq(Kesu_sense_parse(trunc, sizeof(trunc), &s), 0);
	cr_assert_not(s.ata_valid, "a truncated descriptor is not read past the buffer");
}

Test(status, every_sg_field_is_checked)
{
	struct kesu_ata_result res;
	struct kesu_sg_status st = {0};
	cr_assert_eq(Kesu_ata_check(&st, &res), 0);
	st = (struct kesu_sg_status){.ioctl_rc = -ENOTTY};
	cr_assert_eq(Kesu_ata_check(&st, &res), -KESU_EUNSUPPORTED);
	st = (struct kesu_sg_status){.ioctl_rc = -EPERM};
	cr_assert_eq(Kesu_ata_check(&st, &res), -EPERM);
	st = (struct kesu_sg_status){.host_status = 0x03};
	cr_assert_eq(Kesu_ata_check(&st, &res), -ETIMEDOUT);
	st = (struct kesu_sg_status){.driver_status = 0x06};
	cr_assert_eq(Kesu_ata_check(&st, &res), -ETIMEDOUT);
	st = (struct kesu_sg_status){.host_status = 0x07};
	cr_assert_eq(Kesu_ata_check(&st, &res), -EIO);
	cr_assert_str_eq(res.reason, "host adapter error");
	st = (struct kesu_sg_status){.driver_status = 0x04};
	cr_assert_eq(Kesu_ata_check(&st, &res), -EIO);
	st = (struct kesu_sg_status){.driver_status = 0x18}; /* suggest bits are masked off */
	cr_assert_eq(Kesu_ata_check(&st, &res), 0);
	st = (struct kesu_sg_status){.status = 0x08}; /* BUSY */
	cr_assert_eq(Kesu_ata_check(&st, &res), -EIO);
	st = (struct kesu_sg_status){.status = 0x02, .driver_status = 0x08};
	cr_assert_eq(Kesu_ata_check(&st, &res), -EIO, "CHECK CONDITION without sense");
	struct kesu_scsi_result sres;
	static const uint8_t medium[18] = {0x70, 0, 0x03, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x11, 0x00};
	st = (struct kesu_sg_status){.status = 2, .driver_status = 8, .sense = medium, .sense_len = 18};
	cr_assert_eq(Kesu_scsi_check(&st, &sres), -KESU_EMEDIA);
}

Test(status, nvme)
{
	struct kesu_nvme_result r;
	cr_assert_eq(Kesu_nvme_check(0, &r), 0);
	cr_assert_eq(Kesu_nvme_check(KESU_NVME_SC_INVALID_OPCODE | KESU_NVME_DNR, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(r.status, 0x4001);
	cr_assert_eq(Kesu_nvme_check(KESU_NVME_SC_INVALID_FIELD, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(Kesu_nvme_check(KESU_NVME_SC_INVALID_FORMAT, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(Kesu_nvme_check(KESU_NVME_SC_SANITIZE_IN_PROGRESS, &r), -EBUSY);
	cr_assert_eq(Kesu_nvme_check(KESU_NVME_SC_SANITIZE_FAILED, &r), -EIO);
	cr_assert_eq(Kesu_nvme_check(0x281, &r), -KESU_EMEDIA); /* SCT 2: media error */
	cr_assert_eq(Kesu_nvme_check(0x006, &r), -EIO);          /* internal error */
	cr_assert_eq(Kesu_nvme_check(-ENOTTY, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(Kesu_nvme_check(-EIO, &r), -EIO);
}

Test(sgio, real_sender_on_a_regular_file_is_unsupported)
{
	/* No device: a temporary file takes neither ioctl (ENOTTY). */
	char path[] = "/tmp/kesu-sgio-XXXXXX";
	struct kesu_passthru pt;
	uint8_t buf[512];
	struct kesu_ata_cmd c;
	struct kesu_ata_result res;
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	unlink(path);
	cr_assert_eq(kesu_passthru_open_sg(fd, &pt), 0);
	Kesu_ata_identify_cmd(&c, buf);
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	struct kesu_nvme_admin a;
	struct kesu_nvme_result nres;
	Kesu_nvme_identify_cmd(&a, 0, 1, (uint8_t[4096]){0});
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &nres), -KESU_EUNSUPPORTED, "an SG channel has no NVMe op");
	kesu_passthru_close(&pt);
	char path2[] = "/tmp/kesu-nvme-XXXXXX";
	fd = mkstemp(path2);
	cr_assert(fd >= 0);
	unlink(path2);
	cr_assert_eq(kesu_passthru_open_nvme(fd, &pt), 0);
	uint8_t id[4096];
	Kesu_nvme_identify_cmd(&a, 0, 1, id);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &nres), -KESU_EUNSUPPORTED);
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	kesu_passthru_close(&pt);
}

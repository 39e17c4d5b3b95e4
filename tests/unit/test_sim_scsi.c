/* The simulated SCSI disk (tests/sim/sim_scsi.c) through the pass-through
 * table: SANITIZE with each service action, with and without IMMED,
 * progress through REQUEST SENSE in both sense formats, TEST UNIT READY,
 * REPORT SUPPORTED OPERATION CODES, VPD page B1, refusals and the checks
 * on the OVERWRITE parameter list. The medium: a memfd of 64 sectors of
 * 0x5a. */
#include <criterion/criterion.h>
#include <errno.h>

#include "kesu/error.h"
#include "device_cmd.h"
#include "sim_criterion.h"

#define SECTORS 64
#define BYTES (SECTORS * 512)

static int fd = -1;
static struct sim_scsi *s;
static struct kesu_passthru pt;

static void fresh(void)
{
	if (s)
		sim_scsi_free(s);
	if (fd >= 0)
		close(fd);
	fd = sim_media(BYTES, 0x5a);
	s = sim_scsi_new(fd, BYTES);
	cr_assert_not_null(s);
	pt = sim_scsi_passthru(s);
}

static void setup(void)
{
	sim_criterion_init();
	fresh();
}

static void teardown(void)
{
	sim_scsi_free(s);
	close(fd);
}

TestSuite(sim_scsi, .init = setup, .fini = teardown);

static bool untouched(void)
{
	return sim_media_all(fd, BYTES, 0x5a);
}

static uint8_t params[4 + 512];

static int sanitize(enum kesu_scsi_sanitize_action sa, bool immed, struct kesu_scsi_result *res)
{
	struct kesu_scsi_cmd c;
	uint16_t plen = 0;
	if (sa == KESU_SCSI_SANITIZE_OVERWRITE) {
		static const uint8_t pat[3] = {0xde, 0xad, 0x01}; /* 3 bytes: not a divisor of 512 */
		int n = Kesu_scsi_sanitize_overwrite_params(params, sizeof(params), 1, false, pat, 3);
		cr_assert_eq(n, 7);
		plen = (uint16_t)n;
	}
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, sa, immed, false, plen ? params : NULL, plen), 0);
	return Kesu_scsi_send(&pt, &c, res);
}

/* REQUEST SENSE: returns the decoded sense data (GOOD status, the sense
 * is the parameter data). */
static struct kesu_sense request_sense(bool desc)
{
	struct kesu_scsi_cmd c;
	struct kesu_scsi_result res;
	struct kesu_sense sense;
	uint8_t buf[252];
	memset(buf, 0xee, sizeof(buf));
	Kesu_scsi_request_sense_cmd(&c, desc, buf, sizeof(buf));
	cr_assert_eq(Kesu_scsi_send(&pt, &c, &res), 0, "%s", res.reason);
	cr_assert_eq(res.status, 0x00, "GOOD");
	cr_assert_eq(Kesu_sense_parse(buf, sizeof(buf), &sense), 0);
	cr_assert_eq(sense.response_code, desc ? 0x72 : 0x70, "the format the DESC bit asked for");
	return sense;
}

static int test_unit_ready(struct kesu_scsi_result *res)
{
	struct kesu_scsi_cmd c;
	Kesu_scsi_test_unit_ready_cmd(&c);
	return Kesu_scsi_send(&pt, &c, res);
}

static void check_result(enum kesu_scsi_sanitize_action sa)
{
	static const uint8_t pat[3] = {0xde, 0xad, 0x01};
	switch (sa) {
	case KESU_SCSI_SANITIZE_OVERWRITE: cr_assert(sim_media_pattern(fd, BYTES, pat, 3)); break;
	case KESU_SCSI_SANITIZE_CRYPTO: cr_assert(sim_media_crypto(fd, BYTES)); break;
	default: cr_assert(sim_media_all(fd, BYTES, 0x00)); break;
	}
}

static const enum kesu_scsi_sanitize_action ACTS[] = {KESU_SCSI_SANITIZE_OVERWRITE, KESU_SCSI_SANITIZE_BLOCK,
						      KESU_SCSI_SANITIZE_CRYPTO};

Test(sim_scsi, sanitize_without_immed_completes_at_once)
{
	for (size_t i = 0; i < 3; i++) {
		fresh();
		struct kesu_scsi_result res;
		cr_assert_eq(sanitize(ACTS[i], false, &res), 0, "%s", res.reason);
		cr_assert_not(s->san_running);
		check_result(ACTS[i]);
		cr_assert_eq(test_unit_ready(&res), 0, "%s", res.reason);
		struct kesu_sense sense = request_sense(false);
		cr_assert_eq(sense.key, 0, "NO SENSE");
	}
}

Test(sim_scsi, sanitize_with_immed_reports_progress_in_both_formats)
{
	for (int desc = 0; desc < 2; desc++) {
		for (size_t i = 0; i < 3; i++) {
			fresh();
			struct kesu_scsi_result res;
			s->san_polls = 4;
			cr_assert_eq(sanitize(ACTS[i], true, &res), 0, "%s", res.reason);
			cr_assert(s->san_running);
			cr_assert(untouched(), "nothing written before it completes");
			cr_assert_eq(test_unit_ready(&res), -EBUSY, "TEST UNIT READY: not ready");
			cr_assert_str_eq(res.reason, "NOT READY: sanitize in progress");
			cr_assert(res.sense_valid && res.sense.progress_valid);
			cr_assert_eq(sanitize(ACTS[i], true, &res), -EBUSY, "one sanitize at a time");
			unsigned polls = 0;
			uint16_t last = 0;
			struct kesu_sense sense;
			for (;;) {
				sense = request_sense(desc);
				polls++;
				cr_assert_lt(polls, 10);
				if (sense.key != 0x02)
					break;
				cr_assert(sense.asc == 0x04 && sense.ascq == 0x1b, "04/1B sanitize in progress");
				cr_assert(sense.progress_valid, "SKSV progress");
				cr_assert_gt(sense.progress, last, "progress grows");
				last = sense.progress;
			}
			cr_assert_eq(polls, 4);
			cr_assert_eq(sense.key, 0x00, "NO SENSE once done");
			cr_assert_not(sense.progress_valid);
			check_result(ACTS[i]);
			cr_assert_eq(test_unit_ready(&res), 0, "%s", res.reason);
		}
	}
}

Test(sim_scsi, request_sense_bytes_at_the_spc_offsets)
{
	struct kesu_scsi_cmd c;
	struct kesu_scsi_result res;
	uint8_t buf[252];
	s->san_polls = 2;
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_BLOCK, true, &res), 0);
	/* First poll of two: half way, 0x7fff. */
	Kesu_scsi_request_sense_cmd(&c, false, buf, sizeof(buf));
	cr_assert_eq(Kesu_scsi_send(&pt, &c, &res), 0);
	static const uint8_t fixed[18] = {0x70, 0, 0x02, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x04, 0x1b, 0, 0x80, 0x7f, 0xff};
	cr_assert_arr_eq(buf, fixed, 18);
	fresh();
	s->san_polls = 2;
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_BLOCK, true, &res), 0);
	Kesu_scsi_request_sense_cmd(&c, true, buf, sizeof(buf));
	cr_assert_eq(Kesu_scsi_send(&pt, &c, &res), 0);
	static const uint8_t desc[16] = {0x72, 0x02, 0x04, 0x1b, 0, 0, 0, 8,
					 0x02, 0x06, 0, 0, 0x80, 0x7f, 0xff, 0};
	cr_assert_arr_eq(buf, desc, 16);
	/* A short allocation length gets the start of it. */
	uint8_t small[8];
	memset(small, 0xee, sizeof(small));
	Kesu_scsi_request_sense_cmd(&c, true, small, 4);
	cr_assert_eq(Kesu_scsi_send(&pt, &c, &res), 0);
	static const uint8_t head[8] = {0x72, 0x00, 0x00, 0x00, 0xee, 0xee, 0xee, 0xee};
	cr_assert_arr_eq(small, head, 8, "done: NO SENSE, 4 bytes written, nothing past them");
}

Test(sim_scsi, descriptor_sense_for_check_conditions)
{
	struct kesu_scsi_result res;
	s->descriptor_sense = true;
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_CRYPTO, true, &res), 0);
	cr_assert_eq(test_unit_ready(&res), -EBUSY);
	cr_assert_eq(res.sense.response_code, 0x72);
	cr_assert(res.sense.progress_valid);
	s->descriptor_sense = false;
	cr_assert_eq(test_unit_ready(&res), -EBUSY);
	cr_assert_eq(res.sense.response_code, 0x70);
}

Test(sim_scsi, unsupported_service_actions_are_illegal_requests)
{
	struct kesu_scsi_result res;
	s->san_block = false;
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_BLOCK, false, &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(res.status, 0x02, "CHECK CONDITION");
	cr_assert(res.sense_valid && res.sense.key == 0x05 && res.sense.asc == 0x24 && res.sense.ascq == 0);
	cr_assert_str_eq(res.reason, "ILLEGAL REQUEST: invalid field in CDB");
	/* A service action SANITIZE does not define. */
	struct kesu_scsi_cmd c;
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_BLOCK, false, false, NULL, 0), 0);
	c.cdb[1] = 0x05;
	cr_assert_eq(Kesu_scsi_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(res.sense.asc, 0x24);
	cr_assert(untouched());
	/* READ(10) is not simulated: invalid operation code. */
	c = (struct kesu_scsi_cmd){.cdb = {0x28}, .cdb_len = 10};
	cr_assert_eq(Kesu_scsi_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(res.sense.asc, 0x20);
}

Test(sim_scsi, the_liar_reports_success_and_erases_nothing)
{
	struct kesu_scsi_result res;
	s->liar = true;
	for (size_t i = 0; i < 3; i++)
		cr_assert_eq(sanitize(ACTS[i], false, &res), 0);
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_CRYPTO, true, &res), 0);
	while (request_sense(false).key == 0x02)
		;
	cr_assert(untouched());
}

Test(sim_scsi, a_failing_sanitize_reports_medium_error_until_exit_failure_mode)
{
	struct kesu_scsi_result res;
	s->abort_sa = KESU_SCSI_SANITIZE_BLOCK;
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_BLOCK, false, &res), -KESU_EMEDIA);
	cr_assert(res.sense.key == 0x03 && res.sense.asc == 0x31 && res.sense.ascq == 0x03);
	struct kesu_sense sense = request_sense(true);
	cr_assert(sense.key == 0x03 && sense.asc == 0x31 && sense.ascq == 0x03, "sanitize command failed");
	cr_assert_eq(test_unit_ready(&res), -KESU_EMEDIA);
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_EXIT_FAILURE, false, &res), 0, "%s", res.reason);
	cr_assert_eq(test_unit_ready(&res), 0);
	cr_assert(untouched());
	/* With IMMED the failure shows at the end of the polling. */
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_BLOCK, true, &res), 0);
	while ((sense = request_sense(false)).key == 0x02)
		;
	cr_assert(sense.key == 0x03 && sense.asc == 0x31);
	cr_assert(untouched());
	/* Another service action still works and clears the failure. */
	cr_assert_eq(sanitize(KESU_SCSI_SANITIZE_CRYPTO, false, &res), 0, "%s", res.reason);
	cr_assert(sim_media_crypto(fd, BYTES));
	cr_assert_eq(request_sense(false).key, 0);
}

static int report_opcode(uint8_t opcode, uint16_t sa, uint8_t *buf, uint16_t len, struct kesu_scsi_result *res)
{
	struct kesu_scsi_cmd c;
	Kesu_scsi_report_opcode_cmd(&c, opcode, sa, buf, len);
	return Kesu_scsi_send(&pt, &c, res);
}

Test(sim_scsi, report_supported_operation_codes)
{
	struct kesu_scsi_result res;
	uint8_t buf[64];
	s->san_crypto = false;
	cr_assert_eq(report_opcode(0x48, KESU_SCSI_SANITIZE_OVERWRITE, buf, sizeof(buf), &res), 0, "%s", res.reason);
	cr_assert_eq(buf[1] & 7, 3, "supported, per the standard");
	cr_assert_eq(buf[2] << 8 | buf[3], 10, "CDB SIZE");
	cr_assert_eq(buf[4], 0x48, "CDB usage starts with the opcode");
	cr_assert_eq(buf[5] & 0x1f, KESU_SCSI_SANITIZE_OVERWRITE, "then the service action");
	cr_assert_eq(report_opcode(0x48, KESU_SCSI_SANITIZE_BLOCK, buf, sizeof(buf), &res), 0);
	cr_assert_eq(buf[1] & 7, 3);
	cr_assert_eq(report_opcode(0x48, KESU_SCSI_SANITIZE_CRYPTO, buf, sizeof(buf), &res), 0);
	cr_assert_eq(buf[1] & 7, 1, "not supported");
	cr_assert_eq(report_opcode(0x48, 0x07, buf, sizeof(buf), &res), 0);
	cr_assert_eq(buf[1] & 7, 1);
	/* Short allocation: the first 4 bytes. */
	cr_assert_eq(report_opcode(0x48, KESU_SCSI_SANITIZE_BLOCK, buf, 4, &res), 0);
	cr_assert_eq(buf[1] & 7, 3);
	/* Reporting option 2 for an opcode without service actions. */
	cr_assert_eq(report_opcode(0x00, 0, buf, sizeof(buf), &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(res.sense.asc, 0x24);
}

static int vpd(uint8_t page, uint8_t *buf, uint16_t len, struct kesu_scsi_result *res)
{
	struct kesu_scsi_cmd c;
	Kesu_scsi_inquiry_vpd_cmd(&c, page, buf, len);
	return Kesu_scsi_send(&pt, &c, res);
}

Test(sim_scsi, vpd_block_device_characteristics)
{
	struct kesu_scsi_result res;
	uint8_t buf[64], list[16];
	cr_assert_eq(vpd(0xb1, buf, sizeof(buf), &res), 0, "%s", res.reason);
	cr_assert_eq(buf[1], 0xb1);
	cr_assert_eq(buf[2] << 8 | buf[3], 0x3c, "64 bytes in all");
	cr_assert_eq(buf[4] << 8 | buf[5], 1, "non-rotating by default");
	s->rotation_rate = 7200;
	cr_assert_eq(vpd(0xb1, buf, sizeof(buf), &res), 0);
	cr_assert_eq(buf[4] << 8 | buf[5], 7200);
	cr_assert_eq(vpd(0x00, list, sizeof(list), &res), 0);
	cr_assert_eq(list[3], 3);
	cr_assert_eq(list[6], 0xb1, "B1 in the supported pages");
	s->rotation_rate = 0;
	cr_assert_eq(vpd(0xb1, buf, sizeof(buf), &res), -KESU_EUNSUPPORTED, "no page B1");
	cr_assert_eq(res.sense.asc, 0x24);
	cr_assert_eq(vpd(0x00, list, sizeof(list), &res), 0);
	cr_assert_eq(list[3], 2);
	cr_assert_eq(vpd(0x83, buf, sizeof(buf), &res), -KESU_EUNSUPPORTED);
}

Test(sim_scsi, ata_pass_through_is_an_invalid_opcode)
{
	struct kesu_ata_cmd c;
	struct kesu_ata_result res;
	uint8_t buf[512];
	Kesu_ata_identify_cmd(&c, buf);
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	cr_assert(res.sense_valid && res.sense_key == 0x05 && res.asc == 0x20);
	cr_assert_eq(s->opcodes[0], 0x85);
}

/* Sends SANITIZE OVERWRITE with a hand-made parameter list. */
static int overwrite_raw(const uint8_t *list, uint16_t len, struct kesu_scsi_result *res)
{
	struct kesu_scsi_cmd c;
	memcpy(params, list, len);
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_OVERWRITE, false, false, params, len), 0);
	return Kesu_scsi_send(&pt, &c, res);
}

Test(sim_scsi, overwrite_parameter_list_layout_violations_are_detected)
{
	struct kesu_scsi_result res;
	sim_expect_violations();
	static const uint8_t count0[8] = {0x00, 0, 0, 4, 1, 2, 3, 4};
	static const uint8_t test_bits[8] = {0x21, 0, 0, 4, 1, 2, 3, 4};
	static const uint8_t reserved[8] = {0x01, 0x10, 0, 4, 1, 2, 3, 4};
	static const uint8_t long_len[8] = {0x01, 0, 0, 5, 1, 2, 3, 4};   /* says 5, carries 4 */
	static const uint8_t zero_len[8] = {0x01, 0, 0, 0, 1, 2, 3, 4};
	static const uint8_t too_big[8] = {0x01, 0, 0x02, 0x01, 1, 2, 3, 4}; /* 513 > one block */
	const struct {
		const uint8_t *list;
		const char *what;
	} cases[] = {{count0, "COUNT"}, {test_bits, "TEST"}, {reserved, "reserved"},
		     {long_len, "length"}, {zero_len, "pattern length"}, {too_big, "pattern length"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cr_assert_eq(overwrite_raw(cases[i].list, 8, &res), -EIO, "case %zu", i);
		cr_assert_eq(sim_violations, i + 1, "case %zu detected", i);
		cr_assert_not_null(strstr(sim_last_violation, cases[i].what), "%s", sim_last_violation);
		cr_assert(res.sense.key == 0x05 && res.sense.asc == 0x26, "invalid field in parameter list");
	}
	cr_assert(untouched());
	/* A good one passes without a violation and writes its 4-byte pattern twice inverted: back to it. */
	static const uint8_t good[8] = {0x82, 0, 0, 4, 1, 2, 3, 4};
	cr_assert_eq(overwrite_raw(good, 8, &res), 0, "%s", res.reason);
	cr_assert_eq(sim_violations, 6);
	static const uint8_t inv[4] = {0xfe, 0xfd, 0xfc, 0xfb};
	cr_assert(sim_media_pattern(fd, BYTES, inv, 4), "INVERT with 2 passes ends on the inverse");
	/* The CDB's PARAMETER LIST LENGTH must match the data sent. */
	struct kesu_scsi_cmd c;
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_OVERWRITE, false, false, params, 8), 0);
	c.data_len = 6;
	cr_assert_eq(Kesu_scsi_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(sim_violations, 7);
	cr_assert_not_null(strstr(sim_last_violation, "PARAMETER LIST LENGTH"));
}

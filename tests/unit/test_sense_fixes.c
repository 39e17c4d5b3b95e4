/* Issue 20, ATA and SCSI: fixed-format sense and its byte 8 (a 48-bit
 * answer whose upper halves are lost is unknown, never a smaller number),
 * the switch to descriptor sense (D_SENSE by MODE SELECT), the ACS-3
 * Accessible Max Address commands, SANITIZE's abort reasons and frozen
 * state, DRQ, hdparm's erase-time rule, and SCSI REQUEST SENSE with its
 * fixed-format fallback, progress descriptor 0Ah and UNIT ATTENTION. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "kesu/ata.h"
#include "kesu/error.h"
#include "kesu/firmware.h"
#include "firmware_internal.h"
#include "device_cmd.h"
#include "sim_criterion.h"

/* The real answer of a SAT bridge to a successful CK_COND command. */
static const uint8_t REAL[14] = {0xf0, 0x00, 0x01, 0x00, 0x50, 0x00, 0xff,
				 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1d};

static int check(const uint8_t *sb, size_t len, struct kesu_ata_result *res)
{
	struct kesu_sg_status st = {.status = 0x02, .driver_status = 0x08, .sense = sb, .sense_len = len};
	return Kesu_ata_check(&st, res);
}

Test(fixed_sense, the_real_success_answer)
{
	struct kesu_sense s;
	cr_assert_eq(Kesu_sense_parse(REAL, sizeof(REAL), &s), 0);
	cr_expect_eq(s.response_code, 0x70);
	cr_expect_eq(s.key, 0x01);
	cr_expect_eq(s.asc, 0x00);
	cr_expect_eq(s.ascq, 0x1d);
	cr_assert(s.ata_valid);
	cr_expect_not(s.ata_libata_fixed);
	cr_expect_eq(s.ata_status, 0x50);
	cr_expect_eq(s.ata_error, 0x00);
	cr_expect_eq(s.ata_count, 0xff);
	cr_expect_eq(s.ata_lba, 0);
	cr_expect(s.ata_lba_low_valid);
	/* Byte 8 clear: no EXTEND, so nothing is known about the upper halves. */
	cr_expect_not(s.ata_count_high_valid);
	cr_expect_not(s.ata_lba_high_valid);

	struct kesu_ata_result res;
	cr_assert_eq(check(REAL, sizeof(REAL), &res), 0, "%s", res.reason);
	cr_expect(res.regs_valid);
	cr_expect_eq(res.status, 0x50);
	cr_expect_eq(res.count, 0xff);
	cr_expect(res.lba_low_valid);
	cr_expect_not(res.count_high_valid);
	cr_expect_not(res.lba_high_valid);
}

Test(fixed_sense, byte_8_variants)
{
	static const struct {
		uint8_t b8;
		bool count_high, lba_high;
	} v[] = {
		{0x00, false, false}, /* no EXTEND: unknown */
		{0x80, true, true},   /* EXTEND, both upper halves zero: known */
		{0xc0, false, true},  /* COUNT 15:8 nonzero, lost */
		{0xa0, true, false},  /* LBA 47:24 nonzero, lost */
		{0xe0, false, false}, /* both lost */
		{0x40, false, false}, /* flags without EXTEND: still unknown */
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t sb[18] = {0};
		memcpy(sb, REAL, sizeof(REAL));
		sb[8] = v[i].b8;
		sb[9] = 0x56; /* LBA 7:0 */
		sb[10] = 0x34;
		sb[11] = 0x12;
		struct kesu_ata_result res;
		cr_assert_eq(check(sb, sizeof(sb), &res), 0, "byte 8 0x%02x: %s", v[i].b8, res.reason);
		cr_expect_eq(res.lba, 0x123456, "byte 8 0x%02x", v[i].b8);
		cr_expect(res.lba_low_valid);
		cr_expect_eq(res.count_high_valid, v[i].count_high, "byte 8 0x%02x: count", v[i].b8);
		cr_expect_eq(res.lba_high_valid, v[i].lba_high, "byte 8 0x%02x: lba", v[i].b8);
	}
}

Test(fixed_sense, libata_61_layout_has_no_lba)
{
	static const uint8_t sb[18] = {0x70, 0, 0x0b, 0, 0, 0, 0, 0x0a, 0x04, 0x41, 0xe0, 0x01};
	struct kesu_ata_result res;
	cr_assert_eq(check(sb, sizeof(sb), &res), -KESU_EUNSUPPORTED);
	cr_expect(res.regs_valid);
	cr_expect_not(res.lba_low_valid, "libata < 6.10 wrote no LBA inside the block");
	cr_expect_not(res.count_high_valid);
}

Test(fixed_sense, descriptor_halves_follow_the_extend_bit)
{
	uint8_t sb[22] = {0x72, 0x01, 0x00, 0x1d, 0, 0, 0, 14, 0x09, 0x0c, 0x01, 0x00,
			  0x40, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x40, 0x50};
	struct kesu_ata_result res;
	cr_assert_eq(check(sb, sizeof(sb), &res), 0, "%s", res.reason);
	cr_expect_eq(res.count, 0x4000);
	cr_expect(res.lba_low_valid && res.count_high_valid && res.lba_high_valid);
	sb[10] = 0x00; /* no EXTEND: a 28-bit answer */
	cr_assert_eq(check(sb, sizeof(sb), &res), 0);
	cr_expect(res.lba_low_valid);
	cr_expect_not(res.count_high_valid || res.lba_high_valid);
}

Test(fixed_sense, drq_is_an_error)
{
	uint8_t sb[18] = {0};
	memcpy(sb, REAL, sizeof(REAL));
	sb[4] = 0x58; /* DRDY | DSC | DRQ */
	struct kesu_ata_result res;
	cr_expect_eq(check(sb, sizeof(sb), &res), -EIO);
	cr_expect(strstr(res.reason, "DRQ"), "%s", res.reason);
}

Test(scsi_sense, progress_descriptor_and_unit_attention)
{
	/* UNIT ATTENTION 29/00 with a progress indication of SANITIZE (2/04/1B). */
	static const uint8_t sb[16] = {0x72, 0x06, 0x29, 0x00, 0, 0, 0, 8,
				       0x0a, 0x06, 0x02, 0x04, 0x1b, 0x00, 0x40, 0x00};
	struct kesu_sense s;
	cr_assert_eq(Kesu_sense_parse(sb, sizeof(sb), &s), 0);
	cr_expect_eq(s.key, 0x06);
	cr_assert(s.pi_valid);
	cr_expect_eq(s.pi_key, 0x02);
	cr_expect_eq(s.pi_asc, 0x04);
	cr_expect_eq(s.pi_ascq, 0x1b);
	cr_expect_eq(s.pi_progress, 0x4000);
	struct kesu_sg_status st = {.status = 0x02, .driver_status = 0x08, .sense = sb, .sense_len = sizeof(sb)};
	struct kesu_scsi_result res;
	cr_expect_eq(Kesu_scsi_check(&st, &res), -EAGAIN, "UNIT ATTENTION: send again");
}

/* ---- Golden bytes ---------------------------------------------------------- */

static void pack_eq(const struct kesu_ata_cmd *c, const uint8_t want[16])
{
	uint8_t cdb[16];
	cr_assert_eq(Kesu_ata_cdb_pack(c, cdb), 0);
	for (int i = 0; i < 16; i++)
		cr_expect_eq(cdb[i], want[i], "cdb[%d] = %02x, want %02x", i, cdb[i], want[i]);
}

Test(golden, accessible_max_address)
{
	struct kesu_ata_cmd c;
	/* non-data 48-bit: byte 1 = 3 << 1 | EXTEND = 0x07; byte 2 CK_COND */
	static const uint8_t get[16] = {0x85, 0x07, 0x20, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x78, 0};
	Kesu_ata_get_native_max_cmd(&c);
	pack_eq(&c, get);
	/* SET to 0x123456789abc: FEATURE 0001h; LBA as (HOB, low) pairs */
	static const uint8_t set[16] = {0x85, 0x07, 0x20, 0x00, 0x01, 0x00, 0x00,
					0x56, 0xbc, 0x34, 0x9a, 0x12, 0x78, 0x40, 0x78, 0x00};
	Kesu_ata_set_accessible_max_cmd(&c, UINT64_C(0x123456789abc));
	pack_eq(&c, set);
}

Test(golden, mode_sense_and_select_of_the_control_page)
{
	uint8_t buf[KESU_SCSI_CONTROL_LIST], list[KESU_SCSI_CONTROL_LIST];
	struct kesu_scsi_cmd c;
	Kesu_scsi_mode_sense_control_cmd(&c, buf);
	static const uint8_t sense[10] = {0x5a, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00};
	cr_assert_eq(c.cdb_len, 10);
	cr_expect_arr_eq(c.cdb, sense, 10);
	cr_expect_eq(c.dir, KESU_DIR_IN);
	cr_expect_eq(c.data_len, 20);
	/* libata's answer: header (mode data length 18), page 0Ah with PS set */
	static const uint8_t answer[20] = {0x00, 0x12, 0x00, 0x00, 0, 0, 0x00, 0x00,
					   0x8a, 0x0a, 0x00, 0x00, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
	cr_assert_eq(Kesu_scsi_control_page_dsense(answer, sizeof(answer), true, list), 0);
	static const uint8_t want[20] = {0, 0, 0, 0, 0, 0, 0, 0, /* MODE DATA LENGTH reserved: 0 */
					 0x0a, 0x0a, 0x04, 0x00, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
	cr_expect_arr_eq(list, want, 20);
	Kesu_scsi_mode_select_control_cmd(&c, list);
	static const uint8_t select[10] = {0x55, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00};
	cr_expect_arr_eq(c.cdb, select, 10);
	cr_expect_eq(c.dir, KESU_DIR_OUT);
	cr_expect_eq(c.data_len, 20);
	/* Block descriptors present or another page: refused. */
	uint8_t bad[20];
	memcpy(bad, answer, 20);
	bad[7] = 8;
	cr_expect_eq(Kesu_scsi_control_page_dsense(bad, sizeof(bad), true, list), -EINVAL);
	memcpy(bad, answer, 20);
	bad[8] = 0x08;
	cr_expect_eq(Kesu_scsi_control_page_dsense(bad, sizeof(bad), true, list), -EINVAL);
}

Test(golden, request_sense_fixed)
{
	uint8_t buf[252];
	struct kesu_scsi_cmd c;
	Kesu_scsi_request_sense_cmd(&c, false, buf, 252);
	static const uint8_t want[6] = {0x03, 0x00, 0x00, 0x00, 0xfc, 0x00};
	cr_expect_arr_eq(c.cdb, want, 6);
}

/* ---- IDENTIFY: saturated erase times, AMAC ---------------------------------- */

Test(identify, saturated_erase_times_and_amax)
{
	uint8_t id[512] = {0};
	id[2 * 128] = 0x21; /* security supported, enhanced supported */
	id[2 * 89] = 0xff;  /* "more than 508 minutes" */
	id[2 * 90] = 0xff;  /* extended 0x7fff: "more than 65532 minutes" */
	id[2 * 90 + 1] = 0xff;
	struct kesu_ata_identify p;
	cr_assert_eq(kesu_ata_identify_parse(id, &p), 0);
	cr_expect_eq(p.erase_minutes, 508);
	cr_expect(p.erase_minutes_over);
	cr_expect_eq(p.enhanced_erase_minutes, 65532);
	cr_expect(p.enhanced_erase_minutes_over);
	cr_expect_not(p.amax_supported);
	id[2 * 89] = 0x10; /* 32 minutes, exact */
	id[2 * 80 + 1] = 0x04; /* ACS-3 */
	id[2 * 119 + 1] = 0x41; /* word 119: valid, bit 8 */
	cr_assert_eq(kesu_ata_identify_parse(id, &p), 0);
	cr_expect_eq(p.erase_minutes, 32);
	cr_expect_not(p.erase_minutes_over);
	cr_expect(p.amax_supported);
	id[2 * 80 + 1] = 0x00; /* not ACS-3: hdparm's test says no */
	cr_assert_eq(kesu_ata_identify_parse(id, &p), 0);
	cr_expect_not(p.amax_supported);
}

/* ---- The simulated ATA drive ----------------------------------------------- */

/* More than 2^24 sectors, so the native max does not fit in LBA 23:0. */
#define BIG (UINT64_C(10) << 30)
#define HPA 2048

static int media = -1;
static struct sim_ata *d;
static struct kesu_passthru pt;

static void ata_setup(void)
{
	sim_criterion_init();
	media = sim_media(1 << 20, 0x5a);
	d = sim_ata_new(media, BIG, false);
	cr_assert_not_null(d);
	d->hpa_sectors = HPA;
	sim_ata_refresh_identify(d);
	pt = sim_ata_passthru(d);
}

static void ata_teardown(void)
{
	sim_ata_free(d);
	close(media);
}

static struct kesu_device *new_dev(void)
{
	static struct kesu_device dev;
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.name, sizeof(dev.name), "sdz");
	snprintf(dev.path, sizeof(dev.path), "/dev/sdz");
	dev.transport = KESU_TRAN_SATA;
	dev.rotational = KESU_NO;
	dev.caps.hpa_present = KESU_UNKNOWN;
	return &dev;
}

static void query(struct kesu_drive_caps *c, struct kesu_device *dev)
{
	int rc = kesu_drive_caps_query(&pt, dev, c);
	cr_assert_eq(rc, 0, "query: %d %s", rc, c->error);
	cr_assert_eq(c->bus, KESU_BUS_ATA);
}

static bool sent(uint8_t opcode)
{
	for (unsigned i = 0; i < d->ncmds && i < sizeof(d->opcodes); i++)
		if (d->opcodes[i] == opcode)
			return true;
	return false;
}

TestSuite(sim_fixed, .init = ata_setup, .fini = ata_teardown);

Test(sim_fixed, a_truncated_native_max_is_hpa_not_checked_never_absent)
{
	d->fixed_success = true;
	d->fixed_no_extend = true; /* byte 8 left clear */
	d->mode_select_refused = true;
	struct kesu_drive_caps c;
	struct kesu_device *dev = new_dev();
	query(&c, dev);
	cr_expect_not(c.hpa_checked, "LBA 47:24 was lost: the native max is unknown");
	cr_expect(c.hpa_truncated, "kesu info says why: fixed-format sense, not a refusal");
	cr_expect_eq(c.hpa_hidden_sectors, 0);
	cr_expect_neq(c.purge.hpa_present, KESU_NO, "never 'no HPA'");
	cr_expect_neq(dev->caps.hpa_present, KESU_NO);
	char err[256];
	cr_expect_eq(kesu_hpa_restore(&pt, &c, err, sizeof(err)), -KESU_EUNSUPPORTED);
}

Test(sim_fixed, upper_nonzero_flag_without_d_sense_is_not_checked_either)
{
	d->fixed_success = true; /* honest byte 8: 0xa0, LBA 47:24 nonzero */
	d->mode_select_refused = true;
	struct kesu_drive_caps c;
	query(&c, new_dev());
	cr_expect_not(c.hpa_checked);
	cr_expect_neq(c.purge.hpa_present, KESU_NO);
}

Test(sim_fixed, switching_to_descriptor_sense_sees_the_hpa)
{
	d->fixed_success = true;
	d->fixed_no_extend = true;
	struct kesu_drive_caps c;
	query(&c, new_dev());
	cr_expect_eq(d->mode_selects, 1, "D_SENSE=1 by MODE SELECT");
	cr_expect(d->descriptor_sense);
	cr_assert(c.hpa_checked);
	cr_expect_eq(c.native_sectors, BIG / 512);
	cr_expect_eq(c.hpa_hidden_sectors, HPA);
	cr_expect_eq(c.purge.hpa_present, KESU_YES);
	char err[256];
	cr_assert_eq(kesu_hpa_restore(&pt, &c, err, sizeof(err)), 0, "%s", err);
	cr_expect(d->hpa_volatile_open);
}

Test(sim_fixed, a_small_drive_in_fixed_format_needs_no_switch)
{
	sim_ata_free(d);
	d = sim_ata_new(media, UINT64_C(1) << 30, false); /* 2^21 sectors */
	d->hpa_sectors = HPA;
	d->fixed_success = true; /* EXTEND set, upper halves zero: whole */
	pt = sim_ata_passthru(d);
	struct kesu_drive_caps c;
	query(&c, new_dev());
	cr_expect_eq(d->mode_selects, 0);
	cr_assert(c.hpa_checked);
	cr_expect_eq(c.hpa_hidden_sectors, HPA);
}

Test(sim_fixed, acs3_drive_that_aborts_27h_37h_uses_78h)
{
	d->amax = true;
	d->legacy_hpa_aborts = true;
	sim_ata_refresh_identify(d);
	struct kesu_drive_caps c;
	query(&c, new_dev());
	cr_assert(c.ata.amax_supported);
	cr_assert(c.hpa_checked, "GET NATIVE MAX ADDRESS EXT answered");
	cr_expect_eq(c.hpa_hidden_sectors, HPA);
	cr_expect(sent(KESU_ATA_ACCESSIBLE_MAX_ADDRESS));
	cr_expect_not(sent(KESU_ATA_READ_NATIVE_MAX_EXT), "78h answered: 27h never sent");
	char err[256];
	cr_assert_eq(kesu_hpa_restore(&pt, &c, err, sizeof(err)), 0, "%s", err);
	cr_expect(strstr(err, "for good"), "%s", err);
	cr_expect_eq(d->hpa_sectors, 0, "SET ACCESSIBLE MAX ADDRESS EXT is not volatile");
	cr_expect_eq(d->last_cdb[14], 0xec, "IDENTIFY confirmed it");
	cr_expect_eq(c.hpa_hidden_sectors, 0);
	cr_expect_not(sent(KESU_ATA_SET_MAX_ADDRESS_EXT));
}

Test(sim_fixed, an_acs3_drive_refusing_the_78h_set_is_opened_by_37h)
{
	d->amax = true;
	sim_ata_refresh_identify(d);
	struct kesu_drive_caps c;
	query(&c, new_dev());
	cr_assert(c.hpa_checked);
	d->amax = false; /* 78h aborts from now on; 27h/37h still work */
	char err[256];
	cr_assert_eq(kesu_hpa_restore(&pt, &c, err, sizeof(err)), 0, "%s", err);
	cr_expect(strstr(err, "until the next power cycle"), "%s", err);
	cr_expect(d->hpa_volatile_open);
	cr_expect_eq(d->hpa_sectors, HPA, "volatile: the HPA comes back at power-on");
}

Test(sim_fixed, without_amac_an_aborting_drive_is_not_checked)
{
	d->legacy_hpa_aborts = true;
	struct kesu_drive_caps c;
	query(&c, new_dev());
	cr_expect_not(c.hpa_checked);
	cr_expect_not(c.hpa_truncated, "refused, not truncated");
	cr_expect_not(sent(KESU_ATA_ACCESSIBLE_MAX_ADDRESS), "78h only when word 119 bit 8 says so");
}

/* A drive the size of the medium: erases write all of it. */
static void small_drive(void)
{
	sim_ata_free(d);
	d = sim_ata_new(media, 1 << 20, false);
	cr_assert_not_null(d);
	pt = sim_ata_passthru(d);
}

/* A firmware context over the simulated drive. */
struct rig {
	atomic_bool cancel;
	_Atomic uint64_t done, total;
	_Atomic unsigned estimate;
	struct kesu_drive_caps caps;
	struct kesu_firmware_report rep;
	struct kesu_fw_ctx ctx;
};

static void rig_init(struct rig *r, struct kesu_passthru *p)
{
	memset(r, 0, sizeof(*r));
	r->ctx = (struct kesu_fw_ctx){.pt = p, .caps = &r->caps, .cancel = &r->cancel, .done = &r->done,
				      .total = &r->total, .estimate_s = &r->estimate, .poll_ms = 1,
				      .rep = &r->rep, .password = "0123456789abcdef"};
}

Test(sim_fixed, a_fixed_format_sanitize_in_progress_is_recognised)
{
	small_drive();
	d->fixed_success = true; /* COUNT 0x4000 comes back as byte 8 0xc0: asked again */
	d->san_polls = 4;
	struct rig r;
	rig_init(&r, &pt);
	cr_assert_eq(Kesu_fw_ata_sanitize(&r.ctx, KESU_ATA_SANITIZE_CRYPTO), 0, "%s", r.rep.detail);
	cr_expect_eq(d->mode_selects, 1);
	cr_expect_str_eq(r.rep.detail, "ok; sanitize completed without error");
	cr_expect_eq(atomic_load(&r.done), KESU_FW_PROGRESS_FULL);
}

Test(sim_fixed, a_sanitize_left_running_is_followed_through_fixed_format)
{
	small_drive();
	d->fixed_success = true;
	d->san_running = true; /* cut short by a power loss, resumed at power-on */
	d->san_feature = KESU_ATA_SANITIZE_BLOCK;
	d->san_polls_left = 3;
	struct rig r;
	rig_init(&r, &pt);
	cr_assert_eq(Kesu_fw_ata_sanitize(&r.ctx, KESU_ATA_SANITIZE_BLOCK), 0, "%s", r.rep.detail);
	cr_expect(r.rep.followed_running, "seen running, not taken for a failed sanitize");
	cr_expect(sim_media_all(media, 1 << 20, 0x00));
}

Test(sim_fixed, an_unknown_sanitize_state_is_not_a_failed_sanitize)
{
	small_drive();
	d->fixed_success = true;
	d->mode_select_refused = true;
	d->san_running = true; /* left running, e.g. by a power loss */
	d->san_feature = KESU_ATA_SANITIZE_BLOCK;
	d->san_polls_left = 5;
	struct rig r;
	rig_init(&r, &pt);
	r.caps.ata.sanitize_supported = true;
	bool running = true;
	int rc = Kesu_fw_ata_sanitize_running(&r.ctx, &running);
	cr_expect_eq(rc, -ENODATA, "the state is unknown, not 'not running'");
	cr_expect(strstr(r.rep.detail, "fixed-format"), "%s", r.rep.detail);
}

Test(sim_fixed, a_frozen_sanitize_is_refused_before_sending)
{
	small_drive();
	d->san_frozen = true;
	struct rig r;
	rig_init(&r, &pt);
	cr_assert_eq(Kesu_fw_ata_sanitize(&r.ctx, KESU_ATA_SANITIZE_CRYPTO), -KESU_EREFUSED);
	cr_expect(strstr(r.rep.detail, "frozen"), "%s", r.rep.detail);
	cr_expect_eq(d->last_cdb[4], 0x00, "only SANITIZE STATUS was sent");
	cr_expect_not(d->san_running);
}

Test(sim_fixed, abort_reasons_are_named)
{
	small_drive();
	d->descriptor_sense = true; /* errors carry LBA 7:0 */
	d->san_frozen = true;
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	Kesu_ata_sanitize_cmd(&cmd, KESU_ATA_SANITIZE_BLOCK, false, 0, 1, false);
	cr_assert_eq(Kesu_ata_send(&pt, &cmd, &res), -KESU_EUNSUPPORTED);
	cr_expect_eq(res.lba & 0xff, KESU_ATA_SANITIZE_ERR_FROZEN);

	/* A sanitize that fails: the drive aborts SANITIZE STATUS with reason 01h. */
	d->san_frozen = false;
	d->san_fail_aborts = true;
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", media);
	int ro = open(path, O_RDONLY);
	cr_assert(ro >= 0);
	d->fd = ro; /* the erase's writes fail */
	struct rig r;
	rig_init(&r, &pt);
	int rc = Kesu_fw_ata_sanitize(&r.ctx, KESU_ATA_SANITIZE_BLOCK);
	close(ro);
	d->fd = media;
	cr_expect_eq(rc, -EIO);
	cr_expect(strstr(r.rep.detail, "unsuccessfully"), "%s", r.rep.detail);
	cr_expect_null(strstr(r.rep.detail, "unsupported"), "%s", r.rep.detail);
}

Test(sim_fixed, erase_timeout_follows_hdparm_for_a_saturated_estimate)
{
	small_drive();
	d->erase_minutes = 510; /* word 89 = 0xFF: "more than 508 minutes" */
	struct rig r;
	rig_init(&r, &pt);
	cr_assert_eq(Kesu_fw_ata_security_erase(&r.ctx, false), 0, "%s", r.rep.detail);
	cr_expect_eq(r.rep.timeout_s, (508 + 90) * 60, "got %u", r.rep.timeout_s);
	d->erase_minutes = 100; /* 50 units: doubled plus an hour */
	rig_init(&r, &pt);
	cr_assert_eq(Kesu_fw_ata_security_erase(&r.ctx, false), 0, "%s", r.rep.detail);
	cr_expect_eq(r.rep.timeout_s, (2 * 100 + 60) * 60, "got %u", r.rep.timeout_s);
}

/* Issue 20, item 7: the capacity bound of the ERASE UNIT timeout counts
 * the drive's logical sectors: a 4 TiB 4Kn drive reports 2^30 sectors of
 * 4096 bytes, and 512-byte sectors would make that 512 GiB (8 times too
 * short a wait). The drive lies (writes nothing): only the timeout counts. */
Test(sim_fixed, erase_timeout_counts_4096_byte_logical_sectors)
{
	sim_ata_free(d);
	const uint64_t bytes = UINT64_C(4) << 40;
	d = sim_ata_new(media, bytes, false);
	cr_assert_not_null(d);
	d->logical_sector = 4096;
	d->erase_minutes = 0; /* no estimate: the capacity decides */
	d->liar = true;
	sim_ata_refresh_identify(d);
	pt = sim_ata_passthru(d);
	struct kesu_ata_identify id;
	uint8_t raw[512];
	memcpy(raw, d->identify, sizeof(raw));
	cr_assert_eq(kesu_ata_identify_parse(raw, &id), 0);
	cr_assert_eq(id.logical_sector, 4096);
	cr_assert_eq(id.sectors, bytes / 4096);
	struct rig r;
	rig_init(&r, &pt);
	cr_assert_eq(Kesu_fw_ata_security_erase(&r.ctx, false), 0, "%s", r.rep.detail);
	unsigned want = (unsigned)(bytes / (30u << 20) + 30 * 60);
	cr_expect_eq(r.rep.timeout_s, want, "got %u, want %u (512-byte sectors: %u)", r.rep.timeout_s, want,
		     (unsigned)(bytes / 8 / (30u << 20) + 30 * 60));
}

/* ---- The simulated SCSI disk ----------------------------------------------- */

static struct sim_scsi *s;

static void scsi_setup(void)
{
	sim_criterion_init();
	media = sim_media(1 << 20, 0x5a);
	s = sim_scsi_new(media, 1 << 20);
	cr_assert_not_null(s);
	pt = sim_scsi_passthru(s);
}

static void scsi_teardown(void)
{
	sim_scsi_free(s);
	close(media);
}

TestSuite(sim_scsi_sense, .init = scsi_setup, .fini = scsi_teardown);

Test(sim_scsi_sense, desc_refused_falls_back_to_fixed_format)
{
	s->desc_refused = true;
	s->descriptor_sense = false;
	struct rig r;
	rig_init(&r, &pt);
	cr_assert_eq(Kesu_fw_scsi_sanitize(&r.ctx, KESU_SCSI_SANITIZE_BLOCK), 0, "%s", r.rep.detail);
	cr_expect(r.ctx.scsi_fixed_sense);
	cr_expect_eq(s->last_cdb[0], KESU_SCSI_REQUEST_SENSE);
	cr_expect_eq(s->last_cdb[1], 0x00, "DESC=0 after the refusal");
	cr_expect(sim_media_all(media, 1 << 20, 0x00));
}

Test(sim_scsi_sense, pending_unit_attentions_are_cleared_and_asked_again)
{
	s->unit_attentions = 3;
	struct rig r;
	rig_init(&r, &pt);
	cr_assert_eq(Kesu_fw_scsi_sanitize(&r.ctx, KESU_SCSI_SANITIZE_BLOCK), 0, "%s", r.rep.detail);
	cr_expect_eq(s->unit_attentions, 0);
	cr_expect(sim_media_all(media, 1 << 20, 0x00));
}

Test(sim_scsi_sense, unit_attention_during_the_sanitize_is_no_failure)
{
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&cmd, KESU_SCSI_SANITIZE_BLOCK, true, false, NULL, 0), 0);
	cr_assert_eq(Kesu_scsi_send(&pt, &cmd, &res), 0);
	s->san_polls = 10;
	s->polls_left = 10;
	s->unit_attentions = 2; /* e.g. a bus reset while it runs */
	struct rig r;
	rig_init(&r, &pt);
	bool running = false;
	cr_assert_eq(Kesu_fw_scsi_sanitize_running(&r.ctx, &running), 0, "%s", r.rep.detail);
	cr_expect(running);
	cr_expect_eq(s->unit_attentions, 0);
}

Test(sim_scsi_sense, progress_from_descriptor_0a)
{
	s->pi_descriptor = true;
	s->san_polls = 4;
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&cmd, KESU_SCSI_SANITIZE_BLOCK, true, false, NULL, 0), 0);
	cr_assert_eq(Kesu_scsi_send(&pt, &cmd, &res), 0);
	struct rig r;
	rig_init(&r, &pt);
	bool running = false;
	cr_assert_eq(Kesu_fw_scsi_sanitize_running(&r.ctx, &running), 0);
	cr_expect(running);
	/* With a UNIT ATTENTION pending, the 0Ah descriptor beside it still names the sanitize. */
	s->unit_attentions = 1;
	cr_assert_eq(Kesu_fw_scsi_sanitize_running(&r.ctx, &running), 0, "%s", r.rep.detail);
	cr_expect(running);
	cr_expect_eq(s->unit_attentions, 0);
}

Test(sim_scsi_sense, endless_unit_attentions_are_a_failure)
{
	s->unit_attentions = 100;
	struct rig r;
	rig_init(&r, &pt);
	cr_expect_lt(Kesu_fw_scsi_sanitize(&r.ctx, KESU_SCSI_SANITIZE_BLOCK), 0);
	cr_expect(strstr(r.rep.detail, "UNIT ATTENTION"), "%s", r.rep.detail);
	cr_expect(sim_media_all(media, 1 << 20, 0x5a), "nothing erased");
}

/* ---- A whole job: an HPA that could not be read is "not checked" ------------ */

#include "kesu/job.h"
#include "kesu/method.h"
#include "kesu/target.h"

Test(job, a_truncated_native_max_leaves_no_hidden_areas_in_the_record)
{
	sim_criterion_init();
	const uint64_t bytes = 4u << 20;
	int fd = sim_media(bytes, 0x5a);
	struct sim_ata *a = sim_ata_new(fd, bytes, false);
	cr_assert_not_null(a);
	a->hpa_sectors = 64;
	a->fixed_success = true;
	a->fixed_no_extend = true; /* EXTEND never set: LBA 47:24 unknown */
	a->mode_select_refused = true;
	struct kesu_passthru p = sim_ata_passthru(a);
	struct kesu_device dev;
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.name, sizeof(dev.name), "sdz");
	snprintf(dev.path, sizeof(dev.path), "/dev/sdz");
	dev.transport = KESU_TRAN_SATA;
	dev.size = bytes;
	dev.logical_sector = 512;
	dev.rotational = KESU_UNKNOWN;
	dev.caps.hpa_present = KESU_UNKNOWN;
	struct kesu_drive_caps caps;
	cr_assert_eq(kesu_drive_caps_query(&p, &dev, &caps), 0, "%s", caps.error);
	cr_assert_not(caps.hpa_checked);
	cr_assert_neq(dev.caps.hpa_present, KESU_NO);

	char err[256];
	struct kesu_method_set *methods;
	cr_assert_eq(kesu_method_set_load(&methods, NULL, err, sizeof(err)), 0, "%s", err);
	const struct kesu_method *m = kesu_method_set_find(methods, "ata-security-erase");
	cr_assert_not_null(m);
	struct kesu_job_options o = {.retries = -1, .passthru = &p, .caps = &caps, .poll_ms = 1,
				     .ata_password = "0123456789abcdef0123456789abcdef",
				     .request_size = 256 << 10};
	struct kesu_target t;
	cr_assert_eq(kesu_target_open_fd(dup(fd), bytes - 64 * 512, 512, &t), 0);
	struct kesu_job *job;
	cr_assert_eq(kesu_job_new_target(&dev, &t, m, &o, &job), 0);
	kesu_job_run(job);
	const struct kesu_job_result *res = kesu_job_result(job);
	/* Security Erase with the HPA not checked: never a plain SUCCESS. */
	cr_expect_eq(res->outcome, KESU_OUTCOME_EXCEPTIONS, "%s", res->reason);
	cr_expect(res->nexceptions == 1 && res->exceptions[0].kind == KESU_EXCEPTION_HIDDEN_UNCHECKED);
	cr_expect(res->hidden.unchecked);
	cr_expect_not(res->hidden.checked, "the record holds no hidden_areas: not checked, not 'none'");
	cr_expect_eq(res->hidden.hpa_sectors, 0);
	kesu_job_free(job);
	kesu_method_set_free(methods);
	sim_ata_free(a);
	close(fd);
}

/* The simulated ATA drive (tests/sim/sim_ata.c) driven through the
 * pass-through table: the Security state machine, SANITIZE polling, HPA, DCO,
 * the erase-time words, and every injected failure. The medium is a memfd
 * of 64 sectors filled with 0x5a ("old data"). */
#include <criterion/criterion.h>
#include <errno.h>

#include "kesu/ata.h"
#include "kesu/error.h"
#include "device_cmd.h"
#include "sim_criterion.h"

#define SECTORS 64
#define BYTES (SECTORS * 512)

static const char PW[] = "kesu-temp-pw";

static int fd = -1;
static struct sim_ata *d;
static struct kesu_passthru pt;

/* A new drive on a new medium (the old ones freed). */
static void fresh(uint64_t bytes, bool rotational)
{
	if (d)
		sim_ata_free(d);
	if (fd >= 0)
		close(fd);
	fd = sim_media(BYTES, 0x5a);
	d = sim_ata_new(fd, bytes, rotational);
	cr_assert_not_null(d);
	pt = sim_ata_passthru(d);
}

static void setup(void)
{
	sim_criterion_init();
	fresh(BYTES, false);
}

static void teardown(void)
{
	sim_ata_free(d);
	close(fd);
}

TestSuite(sim_ata, .init = setup, .fini = teardown);

static int send_pw(void (*build)(struct kesu_ata_cmd *, uint8_t *), bool master, bool enhanced, const char *pw,
		   struct kesu_ata_result *res)
{
	uint8_t payload[512];
	struct kesu_ata_cmd c;
	cr_assert_eq(Kesu_ata_security_payload(payload, master, enhanced, pw, strlen(pw)), 0);
	build(&c, payload);
	return Kesu_ata_send(&pt, &c, res);
}

static void erase_unit(struct kesu_ata_cmd *c, uint8_t *payload)
{
	Kesu_ata_erase_unit_cmd(c, payload, 600);
}

static int prepare(struct kesu_ata_result *res)
{
	struct kesu_ata_cmd c;
	Kesu_ata_erase_prepare_cmd(&c);
	return Kesu_ata_send(&pt, &c, res);
}

static struct kesu_ata_identify identify_raw(uint8_t buf[512])
{
	struct kesu_ata_cmd c;
	struct kesu_ata_result res;
	struct kesu_ata_identify id;
	Kesu_ata_identify_cmd(&c, buf);
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), 0, "%s", res.reason);
	cr_assert_eq(kesu_ata_identify_parse(buf, &id), 0, "checksum and signature");
	return id;
}

static struct kesu_ata_identify identify(void)
{
	uint8_t buf[512];
	return identify_raw(buf);
}

static uint16_t word(const uint8_t *b, unsigned w)
{
	return (uint16_t)(b[2 * w] | b[2 * w + 1] << 8);
}

static bool untouched(void)
{
	return sim_media_all(fd, BYTES, 0x5a);
}

Test(sim_ata, identify_reports_the_configured_capabilities)
{
	struct kesu_ata_identify id = identify();
	cr_assert_str_eq(id.serial, "SATA-SSD-1");
	cr_assert_eq(id.rotation_rate, 1);
	cr_assert(id.security_supported && id.security_enhanced_supported);
	cr_assert_not(id.security_enabled || id.security_locked || id.security_frozen || id.security_count_expired);
	cr_assert(id.sanitize_supported && id.sanitize_crypto && id.sanitize_block && id.sanitize_overwrite);
	cr_assert_eq(id.erase_minutes, 4);
	cr_assert_eq(id.enhanced_erase_minutes, 6);
	cr_assert_eq(id.sectors, SECTORS, "the size of the medium");
	cr_assert(id.hpa_supported);
	d->frozen = true;
	cr_assert(identify().security_frozen);
	fresh(BYTES, true);
	id = identify();
	cr_assert_str_eq(id.serial, "SATA-HDD-1");
	cr_assert_eq(id.rotation_rate, 7200);
}

Test(sim_ata, secure_erase_happy_path)
{
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0, "%s", res.reason);
	cr_assert(identify().security_enabled);
	cr_assert_eq(prepare(&res), 0, "%s", res.reason);
	cr_assert(res.regs_valid, "non-data commands return registers (CK_COND)");
	cr_assert_eq(send_pw(erase_unit, false, false, PW, &res), 0, "%s", res.reason);
	cr_assert(sim_media_all(fd, BYTES, 0x00));
	struct kesu_ata_identify id = identify();
	cr_assert_not(id.security_enabled, "erase disables security");
	cr_assert_eq(d->last_cdb[14], KESU_ATA_IDENTIFY);
	static const uint8_t seq[] = {0xf1, 0xec, 0xf3, 0xf4, 0xec};
	cr_assert_eq(d->ncmds, sizeof(seq));
	cr_assert_arr_eq(d->opcodes, seq, sizeof(seq));
	uint8_t want[32] = {0};
	memcpy(want, PW, strlen(PW));
	cr_assert_arr_eq(d->last_password, want, 32, "payload bytes 2..33 of the last security command");
}

Test(sim_ata, enhanced_erase_writes_the_pattern_and_needs_support)
{
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&res), 0);
	cr_assert_eq(send_pw(erase_unit, false, true, PW, &res), 0, "%s", res.reason);
	cr_assert(sim_media_all(fd, BYTES, SIM_ATA_ENHANCED_BYTE));
	fresh(BYTES, false);
	d->sec_enhanced = false;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&res), 0);
	cr_assert_eq(send_pw(erase_unit, false, true, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(untouched());
}

Test(sim_ata, erase_unit_needs_prepare_directly_before)
{
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(send_pw(erase_unit, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(res.regs_valid && res.error == KESU_ATA_ERROR_ABRT && (res.status & KESU_ATA_STATUS_ERR));
	cr_assert_eq(prepare(&res), 0);
	identify(); /* anything between PREPARE and ERASE UNIT */
	cr_assert_eq(send_pw(erase_unit, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(untouched());
	cr_assert(identify().security_enabled, "the password stays set");
}

Test(sim_ata, frozen_refuses_set_password_and_prepare)
{
	struct kesu_ata_result res;
	d->frozen = true;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert_str_eq(res.reason, "command aborted by the drive (ABRT)");
	cr_assert_eq(prepare(&res), -KESU_EUNSUPPORTED);
	cr_assert_not(identify().security_enabled);
	sim_ata_power_cycle(d); /* suspend/resume or hot-plug unfreezes */
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
}

Test(sim_ata, five_wrong_passwords_expire_the_counter)
{
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	sim_ata_power_cycle(d);
	cr_assert(identify().security_locked);
	for (int i = 0; i < 5; i++) {
		cr_assert_not(identify().security_count_expired);
		cr_assert_eq(send_pw(Kesu_ata_unlock_cmd, false, false, "wrong", &res), -KESU_EUNSUPPORTED);
	}
	struct kesu_ata_identify id = identify();
	cr_assert(id.security_count_expired && id.security_locked);
	cr_assert_eq(send_pw(Kesu_ata_unlock_cmd, false, false, PW, &res), -KESU_EUNSUPPORTED,
		     "even the right password is refused until power-off");
	sim_ata_power_cycle(d);
	cr_assert_eq(send_pw(Kesu_ata_unlock_cmd, false, false, PW, &res), 0, "%s", res.reason);
	cr_assert_not(identify().security_locked);
	cr_assert_eq(send_pw(Kesu_ata_disable_password_cmd, false, false, PW, &res), 0);
	cr_assert_not(identify().security_enabled);
}

Test(sim_ata, locked_drive_refuses_disable_until_unlocked)
{
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	sim_ata_power_cycle(d);
	cr_assert_eq(send_pw(Kesu_ata_disable_password_cmd, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, "other", &res), -KESU_EUNSUPPORTED);
	/* ERASE UNIT works on a locked drive with the right password. */
	cr_assert_eq(prepare(&res), 0);
	cr_assert_eq(send_pw(erase_unit, false, false, PW, &res), 0);
	struct kesu_ata_identify id = identify();
	cr_assert_not(id.security_locked || id.security_enabled);
}

Test(sim_ata, failed_erase_leaves_the_password_set_and_unlock_disable_recover)
{
	struct kesu_ata_result res;
	d->erase_fails = true;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&res), 0);
	cr_assert_eq(send_pw(erase_unit, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(identify().security_enabled, "password left set");
	cr_assert(untouched());
	cr_assert_eq(send_pw(Kesu_ata_unlock_cmd, false, false, PW, &res), 0);
	cr_assert_eq(send_pw(Kesu_ata_disable_password_cmd, false, false, PW, &res), 0);
	cr_assert_not(identify().security_enabled);
}

Test(sim_ata, disable_fails_leaves_the_password_set)
{
	struct kesu_ata_result res;
	d->disable_fails = true;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(send_pw(Kesu_ata_disable_password_cmd, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(identify().security_enabled, "recovery failed: the password stays");
	cr_assert_eq(d->attempts, 0, "not counted as a wrong password");
	d->disable_fails = false;
	cr_assert_eq(send_pw(Kesu_ata_disable_password_cmd, false, false, PW, &res), 0);
	cr_assert_not(identify().security_enabled);
}

Test(sim_ata, errors_in_both_sense_formats_reach_the_caller)
{
	for (int desc = 0; desc < 2; desc++) {
		fresh(BYTES, false);
		struct kesu_ata_result res;
		d->descriptor_sense = desc;
		d->abort_opcode = KESU_ATA_SEC_ERASE_PREPARE;
		cr_assert_eq(prepare(&res), -KESU_EUNSUPPORTED);
		cr_assert(res.regs_valid);
		cr_assert_eq(res.error, 0x04);
		cr_assert_eq(res.status, 0x41);
		cr_assert_eq(res.sense_key, 0x0b);
	}
}

Test(sim_ata, bridge_blocking_ata16)
{
	struct kesu_ata_result res;
	uint8_t buf[512];
	struct kesu_ata_cmd c;
	d->bridge_blocks = true;
	Kesu_ata_identify_cmd(&c, buf);
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	cr_assert(res.sense_valid && res.sense_key == 0x05 && res.asc == 0x20);
	cr_assert_eq(prepare(&res), -KESU_EUNSUPPORTED);
}

Test(sim_ata, timeout)
{
	struct kesu_ata_result res;
	d->timeout_opcode = KESU_ATA_SEC_ERASE_UNIT;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&res), 0);
	cr_assert_eq(send_pw(erase_unit, false, false, PW, &res), -ETIMEDOUT);
	cr_assert_str_eq(res.reason, "command timed out");
}

Test(sim_ata, the_liar_reports_success_and_erases_nothing)
{
	struct kesu_ata_result res;
	d->liar = true;
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&res), 0);
	cr_assert_eq(send_pw(erase_unit, false, false, PW, &res), 0);
	cr_assert(untouched(), "only reading back can catch this");
}

static int sanitize_ow(enum kesu_ata_sanitize_action a, uint32_t pattern, unsigned passes, bool invert,
		       struct kesu_ata_result *res)
{
	struct kesu_ata_cmd c;
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, a, false, pattern, passes, invert), 0);
	return Kesu_ata_send(&pt, &c, res);
}

static int sanitize(enum kesu_ata_sanitize_action a, uint32_t pattern, struct kesu_ata_result *res)
{
	return sanitize_ow(a, pattern, 1, false, res);
}

/* Polls SANITIZE STATUS until done; returns how many polls it took. */
static unsigned poll_until_done(struct kesu_ata_result *res)
{
	unsigned polls = 0;
	uint64_t last_progress = 0;
	for (;;) {
		cr_assert_eq(sanitize(KESU_ATA_SANITIZE_STATUS, 0, res), 0, "%s", res->reason);
		cr_assert(res->regs_valid);
		polls++;
		if (!(res->count & KESU_ATA_SANITIZE_IN_PROGRESS))
			break;
		cr_assert_gt(res->lba & 0xffff, last_progress, "progress in LBA 15:0 grows");
		last_progress = res->lba & 0xffff;
		cr_assert_lt(polls, 10);
	}
	return polls;
}

Test(sim_ata, sanitize_polls_to_completion)
{
	static const enum kesu_ata_sanitize_action acts[] = {KESU_ATA_SANITIZE_CRYPTO, KESU_ATA_SANITIZE_BLOCK,
							    KESU_ATA_SANITIZE_OVERWRITE};
	for (size_t i = 0; i < 3; i++) {
		fresh(BYTES, false);
		struct kesu_ata_result res;
		d->san_polls = 3;
		cr_assert_eq(sanitize(acts[i], 0x11223344, &res), 0, "%s", res.reason);
		cr_assert_eq(prepare(&res), -KESU_EUNSUPPORTED, "other commands abort while it runs");
		cr_assert(untouched(), "nothing is written before it completes");
		cr_assert_eq(poll_until_done(&res), 3);
		cr_assert_eq(res.count, KESU_ATA_SANITIZE_DONE_OK, "count 15:0 from descriptor sense");
		if (acts[i] == KESU_ATA_SANITIZE_OVERWRITE) {
			static const uint8_t pat[4] = {0x11, 0x22, 0x33, 0x44};
			cr_assert(sim_media_pattern(fd, BYTES, pat, 4), "LBA 31:0, most significant byte first");
		} else if (acts[i] == KESU_ATA_SANITIZE_CRYPTO) {
			cr_assert(sim_media_crypto(fd, BYTES));
		} else {
			cr_assert(sim_media_all(fd, BYTES, 0x00));
		}
	}
}

Test(sim_ata, overwrite_with_invert_and_an_even_count_leaves_the_inverse)
{
	struct kesu_ata_result res;
	cr_assert_eq(sanitize_ow(KESU_ATA_SANITIZE_OVERWRITE, 0x00ff0f01, 2, true, &res), 0, "%s", res.reason);
	cr_assert_eq(d->san_count, 0x82);
	poll_until_done(&res);
	static const uint8_t inv[4] = {0xff, 0x00, 0xf0, 0xfe};
	cr_assert(sim_media_pattern(fd, BYTES, inv, 4));
	fresh(BYTES, false);
	cr_assert_eq(sanitize_ow(KESU_ATA_SANITIZE_OVERWRITE, 0x00ff0f01, 3, true, &res), 0);
	poll_until_done(&res);
	static const uint8_t pat[4] = {0x00, 0xff, 0x0f, 0x01};
	cr_assert(sim_media_pattern(fd, BYTES, pat, 4), "an odd count ends on the pattern");
}

Test(sim_ata, while_sanitizing_identify_and_native_max_still_answer)
{
	struct kesu_ata_result res;
	struct kesu_ata_cmd c;
	cr_assert_eq(sanitize(KESU_ATA_SANITIZE_BLOCK, 0, &res), 0);
	identify();
	Kesu_ata_read_native_max_cmd(&c);
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), 0, "%s", res.reason);
	cr_assert_eq(sanitize(KESU_ATA_SANITIZE_CRYPTO, 0, &res), -KESU_EUNSUPPORTED, "one at a time");
	cr_assert_eq(send_pw(Kesu_ata_set_password_cmd, false, false, PW, &res), -KESU_EUNSUPPORTED);
	sim_ata_power_cycle(d);
	cr_assert(d->san_running, "a sanitize survives a power cycle");
	cr_assert_eq(sanitize(KESU_ATA_SANITIZE_STATUS, 0, &res), 0);
	cr_assert(res.count & KESU_ATA_SANITIZE_IN_PROGRESS);
	poll_until_done(&res);
	cr_assert(sim_media_all(fd, BYTES, 0x00));
}

Test(sim_ata, sanitize_modes_the_drive_lacks_are_refused)
{
	struct kesu_ata_result res;
	d->san_block = false;
	cr_assert_not(identify().sanitize_block);
	cr_assert_eq(sanitize(KESU_ATA_SANITIZE_BLOCK, 0, &res), -KESU_EUNSUPPORTED);
	d->san_supported = false;
	cr_assert_eq(sanitize(KESU_ATA_SANITIZE_CRYPTO, 0, &res), -KESU_EUNSUPPORTED);
	cr_assert(untouched());
}

static int native_max(struct kesu_ata_result *res)
{
	struct kesu_ata_cmd c;
	Kesu_ata_read_native_max_cmd(&c);
	return Kesu_ata_send(&pt, &c, res);
}

static int set_max(uint64_t lba, bool keep, struct kesu_ata_result *res)
{
	struct kesu_ata_cmd c;
	Kesu_ata_set_max_address_cmd(&c, lba, keep);
	return Kesu_ata_send(&pt, &c, res);
}

Test(sim_ata, read_native_max_returns_a_48_bit_lba)
{
	struct kesu_ata_result res;
	fresh(UINT64_C(0x0123456789a) * 512, false); /* a big drive on a small medium: nothing is written */
	cr_assert_eq(native_max(&res), 0, "%s", res.reason);
	cr_assert(res.regs_valid);
	cr_assert_eq(res.lba, UINT64_C(0x01234567899), "48-bit LBA from the descriptor");
	cr_assert_eq(identify().sectors, UINT64_C(0x0123456789a));
}

Test(sim_ata, hpa_hides_sectors_from_identify)
{
	struct kesu_ata_result res;
	uint8_t buf[512];
	d->hpa_sectors = 8;
	struct kesu_ata_identify id = identify_raw(buf);
	cr_assert_eq(id.sectors, SECTORS - 8);
	cr_assert_eq(word(buf, 60) | (uint32_t)word(buf, 61) << 16, SECTORS - 8, "words 60-61");
	cr_assert_eq(word(buf, 100), SECTORS - 8, "words 100-103");
	cr_assert_eq(word(buf, 101) | word(buf, 102) | word(buf, 103), 0);
	cr_assert_eq(native_max(&res), 0);
	cr_assert_eq(res.lba, SECTORS - 1, "READ NATIVE MAX: the last native sector");
}

Test(sim_ata, set_max_address_opens_the_hpa_until_power_cycle)
{
	struct kesu_ata_result res;
	d->hpa_sectors = 8;
	cr_assert_eq(set_max(SECTORS - 1, false, &res), -KESU_EUNSUPPORTED,
		     "aborted unless READ NATIVE MAX EXT comes directly before");
	cr_assert_eq(native_max(&res), 0);
	identify();
	cr_assert_eq(set_max(SECTORS - 1, false, &res), -KESU_EUNSUPPORTED, "IDENTIFY came in between");
	cr_assert_eq(native_max(&res), 0);
	cr_assert_eq(set_max(SECTORS - 2, false, &res), -KESU_EUNSUPPORTED, "only the native max is taken");
	cr_assert_eq(identify().sectors, SECTORS - 8);
	cr_assert_eq(native_max(&res), 0);
	cr_assert_eq(set_max(SECTORS - 1, false, &res), 0, "%s", res.reason);
	cr_assert(d->hpa_volatile_open);
	cr_assert_eq(identify().sectors, SECTORS);
	sim_ata_power_cycle(d);
	cr_assert_not(d->hpa_volatile_open);
	cr_assert_eq(identify().sectors, SECTORS - 8, "a volatile opening closes at power-off");
	cr_assert_eq(native_max(&res), 0);
	cr_assert_eq(set_max(SECTORS - 1, true, &res), 0, "%s", res.reason);
	cr_assert_eq(d->hpa_sectors, 0);
	sim_ata_power_cycle(d);
	cr_assert_eq(identify().sectors, SECTORS, "VV set: gone for good");
}

Test(sim_ata, dco_identify_words_3_to_6_and_checksum)
{
	struct kesu_ata_result res;
	struct kesu_ata_cmd c;
	uint8_t buf[512];
	d->dco_sectors = 100;
	Kesu_ata_dco_identify_cmd(&c, buf);
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), 0, "%s", res.reason);
	cr_assert_eq(word(buf, 0), 0x0002, "revision");
	cr_assert_eq(word(buf, 3), SECTORS + 100 - 1);
	cr_assert_eq(word(buf, 4) | word(buf, 5) | word(buf, 6), 0);
	cr_assert_eq(buf[510], 0xa5);
	uint8_t sum = 0;
	for (int i = 0; i < 512; i++)
		sum = (uint8_t)(sum + buf[i]);
	cr_assert_eq(sum, 0, "checksum in word 255");
	/* A 48-bit maximum spreads over the four words. */
	fresh(UINT64_C(0x123456789ab) * 512, false);
	d->dco_sectors = 0x10000;
	Kesu_ata_dco_identify_cmd(&c, buf);
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), 0);
	uint64_t max = (uint64_t)word(buf, 3) | (uint64_t)word(buf, 4) << 16 | (uint64_t)word(buf, 5) << 32 |
		       (uint64_t)word(buf, 6) << 48;
	cr_assert_eq(max, UINT64_C(0x123456789ab) + 0x10000 - 1);
	/* Other DCO features (SET, RESTORE, FREEZE) are refused. */
	Kesu_ata_dco_identify_cmd(&c, buf);
	c.feature = 0xc1;
	c.protocol = KESU_ATA_NON_DATA;
	c.count = 0;
	c.data = NULL;
	c.data_len = 0;
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
}

Test(sim_ata, erase_time_words)
{
	uint8_t buf[512];
	d->erase_minutes = 5;  /* 2.5 units: rounded up to 3 */
	d->enhanced_minutes = 0;
	struct kesu_ata_identify id = identify_raw(buf);
	cr_assert_eq(word(buf, 89), 3);
	cr_assert_eq(word(buf, 90), 0, "0: not reported");
	cr_assert_eq(id.erase_minutes, 6);
	cr_assert_eq(id.enhanced_erase_minutes, 0);
	d->erase_minutes = 600; /* 300 units: over 255, the extended format */
	d->enhanced_minutes = 510;
	id = identify_raw(buf);
	cr_assert_eq(word(buf, 89), 0x8000 | 300);
	cr_assert_eq(word(buf, 90), 255);
	cr_assert_eq(id.erase_minutes, 600);
	/* 255 units is the largest 8-bit value: "more than 508 minutes" (hdparm). */
	cr_assert_eq(id.enhanced_erase_minutes, 508);
	cr_assert(id.enhanced_erase_minutes_over);
	cr_assert_not(id.erase_minutes_over);
	d->sec_enhanced = false;
	identify_raw(buf);
	cr_assert_eq(word(buf, 90), 0, "no enhanced erase: no time");
}

Test(sim_ata, the_opcode_log_keeps_the_first_256)
{
	for (int i = 0; i < 300; i++)
		identify();
	struct kesu_ata_result res;
	cr_assert_eq(prepare(&res), 0);
	cr_assert_eq(d->ncmds, 301);
	cr_assert_eq(d->opcodes[255], KESU_ATA_IDENTIFY);
	cr_assert_eq(d->last_cdb[14], KESU_ATA_SEC_ERASE_PREPARE);
}

Test(sim_ata, layout_violations_are_reported)
{
	struct kesu_ata_result res;
	struct kesu_ata_cmd c;
	uint8_t buf[512];
	sim_expect_violations();
	Kesu_ata_identify_cmd(&c, buf);
	c.device = 0xa0; /* CHS-era DEVICE value */
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED, "refused once the hook returns");
	cr_assert_eq(sim_violations, 1);
	cr_assert_not_null(strstr(sim_last_violation, "DEVICE 0x40"), "%s", sim_last_violation);
	Kesu_ata_read_native_max_cmd(&c);
	c.ext48 = false; /* READ NATIVE MAX EXT as a 28-bit command */
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(sim_violations, 2);
	Kesu_ata_erase_prepare_cmd(&c);
	c.command = 0xe7; /* FLUSH CACHE: not a command kesu sends */
	cr_assert_eq(Kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(sim_violations, 3);
	cr_assert_not_null(strstr(sim_last_violation, "0xe7"));
}

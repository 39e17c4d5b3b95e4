/* The simulated ATA drive driven through the transport table: the Security
 * state machine, SANITIZE polling, HPA, and every injected failure. */
#include <criterion/criterion.h>
#include <errno.h>

#include "kesu/ata.h"
#include "kesu/error.h"
#include "kesu/transport.h"
#include "sim_ata.h"

static const char PW[] = "kesu-temp-pw";

static int send_pw(struct kesu_passthru *pt, void (*build)(struct kesu_ata_cmd *, uint8_t *), bool master,
		   bool enhanced, const char *pw, struct kesu_ata_result *res)
{
	uint8_t payload[512];
	struct kesu_ata_cmd c;
	cr_assert_eq(kesu_ata_security_payload(payload, master, enhanced, pw, strlen(pw)), 0);
	build(&c, payload);
	return kesu_ata_send(pt, &c, res);
}

static void erase_unit(struct kesu_ata_cmd *c, uint8_t *payload)
{
	kesu_ata_erase_unit_cmd(c, payload, 600);
}

static int prepare(struct kesu_passthru *pt, struct kesu_ata_result *res)
{
	struct kesu_ata_cmd c;
	kesu_ata_erase_prepare_cmd(&c);
	return kesu_ata_send(pt, &c, res);
}

static struct kesu_ata_identify identify(struct kesu_passthru *pt)
{
	uint8_t buf[512];
	struct kesu_ata_cmd c;
	struct kesu_ata_result res;
	struct kesu_ata_identify id;
	kesu_ata_identify_cmd(&c, buf);
	cr_assert_eq(kesu_ata_send(pt, &c, &res), 0, "%s", res.reason);
	cr_assert_eq(kesu_ata_identify_parse(buf, &id), 0, "checksum and signature");
	return id;
}

static bool all_bytes(const uint8_t *p, size_t n, uint8_t b)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != b)
			return false;
	return true;
}

Test(sim_ata, identify_reports_the_configured_capabilities)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_identify id = identify(&pt);
	cr_assert_str_eq(id.serial, "SATA-SSD-1");
	cr_assert(id.security_supported && id.security_enhanced_supported);
	cr_assert_not(id.security_enabled || id.security_locked || id.security_frozen || id.security_count_expired);
	cr_assert(id.sanitize_supported && id.sanitize_crypto && id.sanitize_block && id.sanitize_overwrite);
	cr_assert_eq(id.erase_minutes, 4);
	cr_assert_eq(id.enhanced_erase_minutes, 6);
	d->frozen = true;
	cr_assert(identify(&pt).security_frozen);
	free(d);
}

Test(sim_ata, secure_erase_happy_path)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0, "%s", res.reason);
	cr_assert(identify(&pt).security_enabled);
	cr_assert_eq(prepare(&pt, &res), 0, "%s", res.reason);
	cr_assert(res.regs_valid, "non-data commands return registers (CK_COND)");
	cr_assert_eq(send_pw(&pt, erase_unit, false, false, PW, &res), 0, "%s", res.reason);
	cr_assert(all_bytes(d->data, sizeof(d->data), 0x00));
	struct kesu_ata_identify id = identify(&pt);
	cr_assert_not(id.security_enabled, "erase disables security");
	cr_assert_eq(d->last_cdb[14], KESU_ATA_IDENTIFY);
	static const uint8_t seq[] = {0xf1, 0xec, 0xf3, 0xf4, 0xec};
	cr_assert_eq(d->ncmds, sizeof(seq));
	cr_assert_arr_eq(d->opcodes, seq, sizeof(seq));
	free(d);
}

Test(sim_ata, enhanced_erase_writes_the_pattern_and_needs_support)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&pt, &res), 0);
	cr_assert_eq(send_pw(&pt, erase_unit, false, true, PW, &res), 0, "%s", res.reason);
	cr_assert(all_bytes(d->data, sizeof(d->data), SIM_ATA_ENHANCED_BYTE));
	d->sec_enhanced = false;
	memset(d->data, 0x5a, sizeof(d->data));
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&pt, &res), 0);
	cr_assert_eq(send_pw(&pt, erase_unit, false, true, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(all_bytes(d->data, sizeof(d->data), 0x5a));
	free(d);
}

Test(sim_ata, erase_unit_needs_prepare_directly_before)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(send_pw(&pt, erase_unit, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(res.regs_valid && res.error == KESU_ATA_ERROR_ABRT && (res.status & KESU_ATA_STATUS_ERR));
	cr_assert_eq(prepare(&pt, &res), 0);
	identify(&pt); /* anything between PREPARE and ERASE UNIT */
	cr_assert_eq(send_pw(&pt, erase_unit, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(all_bytes(d->data, sizeof(d->data), 0x5a));
	cr_assert(identify(&pt).security_enabled, "the password stays set");
	free(d);
}

Test(sim_ata, frozen_refuses_set_password_and_prepare)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	d->frozen = true;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert_str_eq(res.reason, "command aborted by the drive (ABRT)");
	cr_assert_eq(prepare(&pt, &res), -KESU_EUNSUPPORTED);
	cr_assert_not(identify(&pt).security_enabled);
	sim_ata_power_cycle(d); /* suspend/resume or hot-plug unfreezes */
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	free(d);
}

Test(sim_ata, five_wrong_passwords_expire_the_counter)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	sim_ata_power_cycle(d);
	cr_assert(identify(&pt).security_locked);
	for (int i = 0; i < 5; i++) {
		cr_assert_not(identify(&pt).security_count_expired);
		cr_assert_eq(send_pw(&pt, kesu_ata_unlock_cmd, false, false, "wrong", &res), -KESU_EUNSUPPORTED);
	}
	struct kesu_ata_identify id = identify(&pt);
	cr_assert(id.security_count_expired && id.security_locked);
	cr_assert_eq(send_pw(&pt, kesu_ata_unlock_cmd, false, false, PW, &res), -KESU_EUNSUPPORTED,
		     "even the right password is refused until power-off");
	sim_ata_power_cycle(d);
	cr_assert_eq(send_pw(&pt, kesu_ata_unlock_cmd, false, false, PW, &res), 0, "%s", res.reason);
	cr_assert_not(identify(&pt).security_locked);
	cr_assert_eq(send_pw(&pt, kesu_ata_disable_password_cmd, false, false, PW, &res), 0);
	cr_assert_not(identify(&pt).security_enabled);
	free(d);
}

Test(sim_ata, locked_drive_refuses_disable_until_unlocked)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	sim_ata_power_cycle(d);
	cr_assert_eq(send_pw(&pt, kesu_ata_disable_password_cmd, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, "other", &res), -KESU_EUNSUPPORTED);
	/* ERASE UNIT works on a locked drive with the right password. */
	cr_assert_eq(prepare(&pt, &res), 0);
	cr_assert_eq(send_pw(&pt, erase_unit, false, false, PW, &res), 0);
	struct kesu_ata_identify id = identify(&pt);
	cr_assert_not(id.security_locked || id.security_enabled);
	free(d);
}

Test(sim_ata, failed_erase_leaves_the_password_set_and_unlock_disable_recover)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	d->erase_fails = true;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&pt, &res), 0);
	cr_assert_eq(send_pw(&pt, erase_unit, false, false, PW, &res), -KESU_EUNSUPPORTED);
	cr_assert(identify(&pt).security_enabled, "password left set");
	cr_assert_eq(send_pw(&pt, kesu_ata_unlock_cmd, false, false, PW, &res), 0);
	cr_assert_eq(send_pw(&pt, kesu_ata_disable_password_cmd, false, false, PW, &res), 0);
	cr_assert_not(identify(&pt).security_enabled);
	free(d);
}

Test(sim_ata, errors_in_both_sense_formats_reach_the_caller)
{
	for (int desc = 0; desc < 2; desc++) {
		struct sim_ata *d = sim_ata_new();
		struct kesu_passthru pt = sim_ata_passthru(d);
		struct kesu_ata_result res;
		d->descriptor_sense = desc;
		d->abort_opcode = KESU_ATA_SEC_ERASE_PREPARE;
		cr_assert_eq(prepare(&pt, &res), -KESU_EUNSUPPORTED);
		cr_assert(res.regs_valid);
		cr_assert_eq(res.error, 0x04);
		cr_assert_eq(res.status, 0x41);
		cr_assert_eq(res.sense_key, 0x0b);
		free(d);
	}
}

Test(sim_ata, bridge_blocking_ata16)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	uint8_t buf[512];
	struct kesu_ata_cmd c;
	d->bridge_blocks = true;
	kesu_ata_identify_cmd(&c, buf);
	cr_assert_eq(kesu_ata_send(&pt, &c, &res), -KESU_EUNSUPPORTED);
	cr_assert(res.sense_valid && res.sense_key == 0x05 && res.asc == 0x20);
	cr_assert_eq(prepare(&pt, &res), -KESU_EUNSUPPORTED);
	free(d);
}

Test(sim_ata, timeout)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	d->timeout_opcode = KESU_ATA_SEC_ERASE_UNIT;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&pt, &res), 0);
	cr_assert_eq(send_pw(&pt, erase_unit, false, false, PW, &res), -ETIMEDOUT);
	cr_assert_str_eq(res.reason, "command timed out");
	free(d);
}

Test(sim_ata, the_liar_reports_success_and_erases_nothing)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	d->liar = true;
	cr_assert_eq(send_pw(&pt, kesu_ata_set_password_cmd, false, false, PW, &res), 0);
	cr_assert_eq(prepare(&pt, &res), 0);
	cr_assert_eq(send_pw(&pt, erase_unit, false, false, PW, &res), 0);
	cr_assert(all_bytes(d->data, sizeof(d->data), 0x5a), "only reading back can catch this");
	free(d);
}

static int sanitize(struct kesu_passthru *pt, enum kesu_ata_sanitize_action a, uint32_t pattern,
		    struct kesu_ata_result *res)
{
	struct kesu_ata_cmd c;
	cr_assert_eq(kesu_ata_sanitize_cmd(&c, a, false, pattern, 1, false), 0);
	return kesu_ata_send(pt, &c, res);
}

Test(sim_ata, sanitize_polls_to_completion)
{
	static const enum kesu_ata_sanitize_action acts[] = {KESU_ATA_SANITIZE_CRYPTO, KESU_ATA_SANITIZE_BLOCK,
							    KESU_ATA_SANITIZE_OVERWRITE};
	for (size_t i = 0; i < 3; i++) {
		struct sim_ata *d = sim_ata_new();
		struct kesu_passthru pt = sim_ata_passthru(d);
		struct kesu_ata_result res;
		d->san_polls = 3;
		cr_assert_eq(sanitize(&pt, acts[i], 0x11223344, &res), 0, "%s", res.reason);
		cr_assert_eq(prepare(&pt, &res), -KESU_EUNSUPPORTED, "other commands abort while it runs");
		unsigned polls = 0;
		uint64_t last_progress = 0;
		for (;;) {
			cr_assert_eq(sanitize(&pt, KESU_ATA_SANITIZE_STATUS, 0, &res), 0, "%s", res.reason);
			cr_assert(res.regs_valid);
			polls++;
			if (!(res.count & KESU_ATA_SANITIZE_IN_PROGRESS))
				break;
			cr_assert_geq(res.lba & 0xffff, last_progress);
			last_progress = res.lba & 0xffff;
			cr_assert_lt(polls, 10);
		}
		cr_assert_eq(polls, 3);
		cr_assert(res.count & KESU_ATA_SANITIZE_DONE_OK, "count 15:0 from descriptor sense");
		if (acts[i] == KESU_ATA_SANITIZE_OVERWRITE) {
			static const uint8_t pat[4] = {0x11, 0x22, 0x33, 0x44};
			for (size_t j = 0; j < sizeof(d->data); j++)
				cr_assert_eq(d->data[j], pat[j % 4]);
		} else {
			cr_assert(all_bytes(d->data, sizeof(d->data), acts[i] == KESU_ATA_SANITIZE_CRYPTO ? 0xc3 : 0));
		}
		free(d);
	}
}

Test(sim_ata, sanitize_modes_the_drive_lacks_are_refused)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	d->san_block = false;
	cr_assert_not(identify(&pt).sanitize_block);
	cr_assert_eq(sanitize(&pt, KESU_ATA_SANITIZE_BLOCK, 0, &res), -KESU_EUNSUPPORTED);
	d->san_supported = false;
	cr_assert_eq(sanitize(&pt, KESU_ATA_SANITIZE_CRYPTO, 0, &res), -KESU_EUNSUPPORTED);
	cr_assert(all_bytes(d->data, sizeof(d->data), 0x5a));
	free(d);
}

Test(sim_ata, read_native_max_shows_an_hpa)
{
	struct sim_ata *d = sim_ata_new();
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_ata_result res;
	struct kesu_ata_cmd c;
	d->native_max = 0x0123456789aull;
	kesu_ata_read_native_max_cmd(&c);
	cr_assert_eq(kesu_ata_send(&pt, &c, &res), 0, "%s", res.reason);
	cr_assert(res.regs_valid);
	cr_assert_eq(res.lba, 0x01234567899ull, "48-bit LBA from the descriptor");
	free(d);
}

/* The simulated NVMe controller through the transport table: Identify,
 * Format NVM with SES 0/1/2, Sanitize with the progress log, failures. */
#include <criterion/criterion.h>
#include <errno.h>

#include "kesu/error.h"
#include "kesu/transport.h"
#include "sim_nvme.h"

static bool all_bytes(const uint8_t *p, size_t n, uint8_t b)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != b)
			return false;
	return true;
}

static int format(struct kesu_passthru *pt, unsigned lbaf, unsigned ses, struct kesu_nvme_result *r)
{
	struct kesu_nvme_admin a;
	cr_assert_eq(kesu_nvme_format_cmd(&a, 1, lbaf, ses, 0), 0);
	return kesu_nvme_send(pt, &a, r);
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

Test(sim_nvme, identify_controller_reflects_the_configuration)
{
	struct sim_nvme *c = sim_nvme_new();
	struct kesu_passthru pt = sim_nvme_passthru(c);
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	uint8_t id[4096];
	c->sanicap = 0x05;
	c->fna = 0x06;
	kesu_nvme_identify_cmd(&a, 0, 1, id);
	cr_assert_eq(kesu_nvme_send(&pt, &a, &r), 0, "%s", r.reason);
	cr_assert(le16(id + 256) & 0x0002, "OACS: format");
	cr_assert_eq(id[328] & 7, 0x05, "SANICAP");
	cr_assert_eq(id[524], 0x06, "FNA");
	cr_assert_eq(memcmp(id + 4, "NVME-SER-1", 10), 0, "the captured controller");
	free(c);
}

Test(sim_nvme, format_ses)
{
	struct sim_nvme *c = sim_nvme_new();
	struct kesu_passthru pt = sim_nvme_passthru(c);
	struct kesu_nvme_result r;
	cr_assert_eq(format(&pt, 0, 0, &r), 0);
	cr_assert(all_bytes(c->data, sizeof(c->data), 0x5a), "SES 0 promises no erase");
	cr_assert_eq(format(&pt, 0, 1, &r), 0, "%s", r.reason);
	cr_assert_eq(c->last.cdw10, 0x200);
	cr_assert(all_bytes(c->data, sizeof(c->data), 0x00));
	memset(c->data, 0x5a, sizeof(c->data));
	cr_assert_eq(format(&pt, 1, 2, &r), 0, "%s", r.reason);
	cr_assert(all_bytes(c->data, sizeof(c->data), 0xc3));
	c->fna = 0;
	cr_assert_eq(format(&pt, 0, 2, &r), -KESU_EUNSUPPORTED, "no crypto erase without FNA bit 2");
	cr_assert_eq(r.status, KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR);
	cr_assert_eq(format(&pt, 5, 1, &r), -KESU_EUNSUPPORTED, "LBA format out of range");
	cr_assert_eq(r.status & 0x7ff, KESU_NVME_SC_INVALID_FORMAT);
	c->format = false;
	cr_assert_eq(format(&pt, 0, 1, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(r.status & 0x7ff, KESU_NVME_SC_INVALID_OPCODE);
	free(c);
}

Test(sim_nvme, the_liar_formats_nothing)
{
	struct sim_nvme *c = sim_nvme_new();
	struct kesu_passthru pt = sim_nvme_passthru(c);
	struct kesu_nvme_result r;
	c->liar = true;
	cr_assert_eq(format(&pt, 0, 1, &r), 0);
	cr_assert(all_bytes(c->data, sizeof(c->data), 0x5a));
	free(c);
}

static int sanitize_log(struct kesu_passthru *pt, uint8_t log[512], struct kesu_nvme_result *r)
{
	struct kesu_nvme_admin a;
	cr_assert_eq(kesu_nvme_get_log_cmd(&a, KESU_NVME_LOG_SANITIZE, KESU_NVME_NSID_ALL, log, 512), 0);
	return kesu_nvme_send(pt, &a, r);
}

Test(sim_nvme, sanitize_progress_log)
{
	static const enum kesu_nvme_sanact acts[] = {KESU_NVME_SANACT_BLOCK, KESU_NVME_SANACT_CRYPTO,
						     KESU_NVME_SANACT_OVERWRITE};
	for (size_t i = 0; i < 3; i++) {
		struct sim_nvme *c = sim_nvme_new();
		struct kesu_passthru pt = sim_nvme_passthru(c);
		struct kesu_nvme_admin a;
		struct kesu_nvme_result r;
		uint8_t log[512];
		cr_assert_eq(sanitize_log(&pt, log, &r), 0);
		cr_assert_eq(le16(log + 2) & 7, KESU_NVME_SSTAT_NEVER);
		cr_assert_eq(kesu_nvme_sanitize_cmd(&a, acts[i], false, 1, false, false, 0), 0);
		cr_assert_eq(kesu_nvme_send(&pt, &a, &r), 0, "%s", r.reason);
		cr_assert_eq(format(&pt, 0, 1, &r), -EBUSY, "sanitize in progress");
		cr_assert_eq(kesu_nvme_send(&pt, &a, &r), -EBUSY);
		uint16_t last = 0;
		unsigned polls = 0;
		do {
			cr_assert_eq(sanitize_log(&pt, log, &r), 0, "%s", r.reason);
			cr_assert_geq(le16(log), last, "SPROG grows");
			last = le16(log);
			cr_assert_lt(++polls, 10);
		} while ((le16(log + 2) & 7) == KESU_NVME_SSTAT_IN_PROGRESS);
		cr_assert_eq(polls, 3);
		cr_assert_eq(le16(log + 2) & 7, KESU_NVME_SSTAT_DONE);
		cr_assert(le16(log + 2) & 0x100, "Global Data Erased");
		cr_assert_eq(le16(log), 0xffff);
		cr_assert_eq(log[4] & 7, acts[i], "SCDW10 echoes the command");
		cr_assert(all_bytes(c->data, sizeof(c->data), acts[i] == KESU_NVME_SANACT_CRYPTO ? 0xc3 : 0));
		free(c);
	}
}

Test(sim_nvme, sanitize_actions_outside_sanicap_are_refused)
{
	struct sim_nvme *c = sim_nvme_new();
	struct kesu_passthru pt = sim_nvme_passthru(c);
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	c->sanicap = 0x02; /* block erase only */
	cr_assert_eq(kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_CRYPTO, false, 0, false, false, 0), 0);
	cr_assert_eq(kesu_nvme_send(&pt, &a, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_OVERWRITE, false, 1, false, false, 0), 0);
	cr_assert_eq(kesu_nvme_send(&pt, &a, &r), -KESU_EUNSUPPORTED);
	cr_assert(all_bytes(c->data, sizeof(c->data), 0x5a));
	cr_assert_eq(kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_EXIT_FAILURE, false, 0, false, false, 0), 0);
	cr_assert_eq(kesu_nvme_send(&pt, &a, &r), 0);
	free(c);
}

Test(sim_nvme, smart_log_and_unknown_opcodes)
{
	struct sim_nvme *c = sim_nvme_new();
	struct kesu_passthru pt = sim_nvme_passthru(c);
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	uint8_t log[512];
	cr_assert_eq(kesu_nvme_get_log_cmd(&a, KESU_NVME_LOG_SMART, KESU_NVME_NSID_ALL, log, 512), 0);
	cr_assert_eq(kesu_nvme_send(&pt, &a, &r), 0);
	cr_assert_eq(le16(log + 1), 315, "composite temperature, K");
	a = (struct kesu_nvme_admin){.opcode = 0x7f};
	cr_assert_eq(kesu_nvme_send(&pt, &a, &r), -KESU_EUNSUPPORTED);
	struct kesu_ata_cmd ac = {0};
	struct kesu_ata_result ar;
	cr_assert_eq(kesu_ata_send(&pt, &ac, &ar), -KESU_EUNSUPPORTED, "no ATA on an NVMe channel");
	kesu_passthru_close(&pt);
	free(c);
}

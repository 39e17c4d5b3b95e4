/* The simulated NVMe controller (tests/sim/sim_nvme.c) through the
 * pass-through table: Identify Controller and Namespace, Format NVM with SES
 * 0/1/2, Sanitize with the progress log, failures. The namespace is a memfd
 * of 64 sectors filled with 0x5a. */
#include <criterion/criterion.h>
#include <errno.h>

#include "kesu/error.h"
#include "kesu/nvme.h"
#include "device_cmd.h"
#include "sim_criterion.h"

#define SECTORS 64
#define BYTES (SECTORS * 512)

static int fd = -1;
static struct sim_nvme *c;
static struct kesu_passthru pt;

static void fresh(void)
{
	if (c)
		sim_nvme_free(c);
	if (fd >= 0)
		close(fd);
	fd = sim_media(BYTES, 0x5a);
	c = sim_nvme_new(fd, BYTES);
	cr_assert_not_null(c);
	pt = sim_nvme_passthru(c);
}

static void setup(void)
{
	sim_criterion_init();
	fresh();
}

static void teardown(void)
{
	sim_nvme_free(c);
	close(fd);
}

TestSuite(sim_nvme, .init = setup, .fini = teardown);

static bool untouched(void)
{
	return sim_media_all(fd, BYTES, 0x5a);
}

static int format(unsigned lbaf, unsigned ses, struct kesu_nvme_result *r)
{
	struct kesu_nvme_admin a;
	cr_assert_eq(Kesu_nvme_format_cmd(&a, 1, lbaf, false, 0, false, ses, 0), 0);
	return Kesu_nvme_send(&pt, &a, r);
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

Test(sim_nvme, identify_controller_reflects_the_configuration)
{
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	uint8_t id[4096];
	c->sanicap = 0x05;
	c->fna = 0x06;
	Kesu_nvme_identify_cmd(&a, 0, 1, id);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0, "%s", r.reason);
	cr_assert(le16(id + 256) & 0x0002, "OACS: format");
	cr_assert_eq(id[328] & 7, 0x05, "SANICAP");
	cr_assert_eq(id[524], 0x06, "FNA");
	cr_assert_eq(memcmp(id + 4, "NVME-SER-1", 10), 0, "the captured controller");
	c->format = false;
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0);
	cr_assert_not(le16(id + 256) & 0x0002);
}

static struct kesu_nvme_id_ns identify_ns(void)
{
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	struct kesu_nvme_id_ns ns;
	uint8_t id[4096];
	memset(id, 0xee, sizeof(id));
	Kesu_nvme_identify_cmd(&a, 1, 0, id);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0, "%s", r.reason);
	cr_assert_eq(kesu_nvme_id_ns_parse(id, &ns), 0);
	return ns;
}

Test(sim_nvme, identify_namespace_gives_the_size_of_the_medium)
{
	struct kesu_nvme_id_ns ns = identify_ns();
	cr_assert_eq(ns.size, SECTORS);
	cr_assert_eq(ns.capacity, SECTORS);
	cr_assert_eq(ns.utilization, SECTORS);
	cr_assert_eq(ns.block_size, 512);
	cr_assert_eq(ns.format_index, 0);
	cr_assert_eq(ns.size_bytes, BYTES);
	cr_assert_eq(ns.nformats, 2);
	cr_assert_eq(ns.lbaf[1].data_size, 4096);
	c->nlbaf = 5;
	ns = identify_ns();
	cr_assert_eq(ns.nformats, 5);
	cr_assert_eq(ns.lbaf[4].data_size, 4096);
	/* After a format to LBA format 1 the namespace counts 4096-byte blocks. */
	struct kesu_nvme_result r;
	cr_assert_eq(format(1, 0, &r), 0, "%s", r.reason);
	ns = identify_ns();
	cr_assert_eq(ns.format_index, 1);
	cr_assert_eq(ns.block_size, 4096);
	cr_assert_eq(ns.size, BYTES / 4096);
	cr_assert_eq(ns.size_bytes, BYTES);
	/* Another namespace does not exist. */
	struct kesu_nvme_admin a;
	uint8_t id[4096];
	Kesu_nvme_identify_cmd(&a, 2, 0, id);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), -EIO);
	cr_assert_eq(r.status & 0x7ff, 0x00b, "Invalid Namespace or Format");
}

Test(sim_nvme, format_ses)
{
	struct kesu_nvme_result r;
	cr_assert_eq(format(0, 0, &r), 0);
	cr_assert(untouched(), "SES 0 promises no erase");
	cr_assert_eq(format(0, 1, &r), 0, "%s", r.reason);
	cr_assert_eq(c->last.cdw10, 0x200);
	cr_assert(sim_media_all(fd, BYTES, 0x00));
	fresh();
	cr_assert_eq(format(1, 2, &r), 0, "%s", r.reason);
	cr_assert(sim_media_crypto(fd, BYTES), "crypto erase: unreadable bytes, not a constant");
	c->fna = 0;
	cr_assert_eq(format(0, 2, &r), -KESU_EUNSUPPORTED, "no crypto erase without FNA bit 2");
	cr_assert_eq(r.status, KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR);
	cr_assert_eq(format(5, 1, &r), -KESU_EUNSUPPORTED, "LBA format out of range");
	cr_assert_eq(r.status & 0x7ff, KESU_NVME_SC_INVALID_FORMAT);
	c->format = false;
	cr_assert_eq(format(0, 1, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(r.status & 0x7ff, KESU_NVME_SC_INVALID_OPCODE);
}

Test(sim_nvme, the_liar_formats_nothing)
{
	struct kesu_nvme_result r;
	c->liar = true;
	cr_assert_eq(format(0, 1, &r), 0);
	cr_assert_eq(format(0, 2, &r), 0);
	cr_assert(untouched());
}

Test(sim_nvme, fail_opcode_completes_with_an_internal_error)
{
	struct kesu_nvme_result r;
	c->fail_opcode = KESU_NVME_FORMAT_NVM;
	cr_assert_eq(format(0, 1, &r), -EIO);
	cr_assert_eq(r.status & 0x7ff, 0x006);
	cr_assert(untouched());
	struct kesu_nvme_id_ns ns = identify_ns(); /* other commands still work */
	cr_assert_eq(ns.size, SECTORS);
}

static int sanitize_log(uint8_t log[512], struct kesu_nvme_result *r)
{
	struct kesu_nvme_admin a;
	cr_assert_eq(Kesu_nvme_get_log_cmd(&a, KESU_NVME_LOG_SANITIZE, KESU_NVME_NSID_ALL, log, 512), 0);
	return Kesu_nvme_send(&pt, &a, r);
}

/* Reads the sanitize log until the sanitize is over; returns the reads. */
static unsigned poll_until_done(uint8_t log[512])
{
	struct kesu_nvme_result r;
	uint16_t last = 0;
	unsigned polls = 0;
	do {
		cr_assert_eq(sanitize_log(log, &r), 0, "%s", r.reason);
		if ((le16(log + 2) & 7) == KESU_NVME_SSTAT_IN_PROGRESS)
			cr_assert_gt(le16(log), last, "SPROG grows");
		last = le16(log);
		cr_assert_lt(++polls, 10);
	} while ((le16(log + 2) & 7) == KESU_NVME_SSTAT_IN_PROGRESS);
	return polls;
}

Test(sim_nvme, sanitize_progress_log)
{
	static const enum kesu_nvme_sanact acts[] = {KESU_NVME_SANACT_BLOCK, KESU_NVME_SANACT_CRYPTO,
						     KESU_NVME_SANACT_OVERWRITE};
	for (size_t i = 0; i < 3; i++) {
		fresh();
		struct kesu_nvme_admin a;
		struct kesu_nvme_result r;
		uint8_t log[512];
		cr_assert_eq(sanitize_log(log, &r), 0);
		cr_assert_eq(le16(log + 2) & 7, KESU_NVME_SSTAT_NEVER);
		cr_assert_eq(le16(log), 0xffff, "SPROG FFFFh when none is in progress");
		cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, acts[i], false, 1, false, false, 0), 0);
		cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0, "%s", r.reason);
		cr_assert_eq(format(0, 1, &r), -EBUSY, "sanitize in progress");
		cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), -EBUSY);
		cr_assert(untouched());
		cr_assert_eq(poll_until_done(log), 3);
		struct kesu_nvme_sanitize_log sl;
		cr_assert_eq(kesu_nvme_sanitize_log_parse(log, 512, &sl), 0);
		cr_assert_eq(sl.status, KESU_NVME_SANITIZE_COMPLETED);
		cr_assert(sl.global_data_erased);
		cr_assert_eq(sl.progress, 0xffff);
		cr_assert_eq(sl.cdw10 & 7, acts[i], "SCDW10 echoes the command");
		cr_assert_eq(sl.time_block_erase, 10);
		if (acts[i] == KESU_NVME_SANACT_CRYPTO)
			cr_assert(sim_media_crypto(fd, BYTES));
		else
			cr_assert(sim_media_all(fd, BYTES, 0x00), "block erase, or an overwrite with pattern 0");
	}
}

Test(sim_nvme, overwrite_writes_cdw11_little_endian)
{
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	uint8_t log[512];
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_OVERWRITE, false, 1, false, false, 0x11223344), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0, "%s", r.reason);
	cr_assert_eq(c->pattern, 0x11223344);
	poll_until_done(log);
	static const uint8_t pat[4] = {0x44, 0x33, 0x22, 0x11};
	cr_assert(sim_media_pattern(fd, BYTES, pat, 4));
	cr_assert_eq(log[2] >> 3 & 0x1f, 1, "SSTAT: one overwrite pass completed");
	/* OIPBP with an even count ends on the inverse. */
	fresh();
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_OVERWRITE, false, 2, true, true, 0x11223344), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0);
	poll_until_done(log);
	static const uint8_t inv[4] = {0xbb, 0xcc, 0xdd, 0xee};
	cr_assert(sim_media_pattern(fd, BYTES, inv, 4));
	cr_assert_eq(le16(log + 2) & 7, KESU_NVME_SSTAT_DONE_NDAS, "No-Deallocate was asked");
}

Test(sim_nvme, sanitize_actions_outside_sanicap_are_refused)
{
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	c->sanicap = 0x02; /* block erase only */
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_CRYPTO, false, 0, false, false, 0), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_OVERWRITE, false, 1, false, false, 0), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), -KESU_EUNSUPPORTED);
	cr_assert(untouched());
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_EXIT_FAILURE, false, 0, false, false, 0), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0);
}

Test(sim_nvme, the_liar_sanitizes_nothing)
{
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	uint8_t log[512];
	c->liar = true;
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_BLOCK, false, 0, false, false, 0), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0);
	poll_until_done(log);
	cr_assert_eq(le16(log + 2) & 7, KESU_NVME_SSTAT_DONE, "it says it did");
	cr_assert(untouched());
}

Test(sim_nvme, smart_log_and_unknown_opcodes)
{
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	uint8_t log[512];
	cr_assert_eq(Kesu_nvme_get_log_cmd(&a, KESU_NVME_LOG_SMART, KESU_NVME_NSID_ALL, log, 512), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0);
	cr_assert_eq(le16(log + 1), 315, "composite temperature, K");
	a = (struct kesu_nvme_admin){.opcode = 0x7f};
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(c->ncmds, 2);
	cr_assert_eq(c->opcodes[0], KESU_NVME_GET_LOG_PAGE);
	cr_assert_eq(c->opcodes[1], 0x7f);
	struct kesu_ata_cmd ac = {0};
	struct kesu_ata_result ar;
	cr_assert_eq(Kesu_ata_send(&pt, &ac, &ar), -KESU_EUNSUPPORTED, "no ATA on an NVMe channel");
	kesu_passthru_close(&pt);
}

Test(sim_nvme, layout_violations_are_reported)
{
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	uint8_t log[512];
	sim_expect_violations();
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_BLOCK, false, 0, false, false, 0), 0);
	a.nsid = 1; /* Sanitize is for the whole subsystem: nsid 0 */
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(sim_violations, 1);
	cr_assert_not_null(strstr(sim_last_violation, "nsid 0"), "%s", sim_last_violation);
	cr_assert_eq(Kesu_nvme_get_log_cmd(&a, KESU_NVME_LOG_SANITIZE, KESU_NVME_NSID_ALL, log, 512), 0);
	a.data_len = 256; /* NUMD says 512 */
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), -KESU_EUNSUPPORTED);
	cr_assert_eq(sim_violations, 2);
	cr_assert(untouched());
}

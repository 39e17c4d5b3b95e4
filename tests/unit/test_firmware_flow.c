/* The firmware flows at library level: a job on a simulated drive whose
 * data is a memfd, read back through an ordinary fd target. What the
 * end-to-end test (integration/test_firmware.sh) cannot see from outside:
 * the exact command order, the password bytes the drive got, the timeout,
 * what happens when markers do not stick, cancelling while a sanitize
 * runs, and that no record carries the password. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "kesu/job.h"
#include "kesu/target.h"
#include "kesu/record.h"
#include "sim.h"
#include "sim_criterion.h"

#define BYTES (4ull << 20)
#define OLD 0x5a
static const char PASSWORD[] = "0123456789abcdef0123456789abcdef";

struct rig {
	int media;
	struct kesu_device dev;
	struct kesu_passthru pt;
	struct kesu_drive_caps caps;
	struct kesu_method_set *methods;
	struct kesu_job *job;
};

static void rig_init(struct rig *r, const char *name, enum kesu_transport t)
{
	sim_criterion_init();
	memset(r, 0, sizeof(*r));
	r->media = sim_media(BYTES, OLD);
	snprintf(r->dev.name, sizeof(r->dev.name), "%s", name);
	snprintf(r->dev.path, sizeof(r->dev.path), "/dev/%s", name);
	r->dev.transport = t;
	r->dev.size = BYTES;
	r->dev.logical_sector = 512;
	r->dev.rotational = KESU_UNKNOWN;
	char err[256];
	cr_assert_eq(kesu_method_set_load(&r->methods, NULL, err, sizeof(err)), 0, "%s", err);
}

static void rig_query(struct rig *r, struct kesu_passthru pt)
{
	r->pt = pt;
	int rc = kesu_drive_caps_query(&r->pt, &r->dev, &r->caps);
	cr_assert_eq(rc, 0, "caps: %s", r->caps.error);
}

/* Runs method on the rig's drive; target (NULL: an fd target on the memfd). */
static const struct kesu_job_result *run(struct rig *r, const char *method,
					 struct kesu_job_options *opts, struct kesu_target *target)
{
	const struct kesu_method *m = kesu_method_set_find(r->methods, method);
	cr_assert_not_null(m, "%s", method);
	struct kesu_job_options o = opts ? *opts : (struct kesu_job_options){.retries = -1};
	o.passthru = &r->pt;
	o.caps = &r->caps;
	o.poll_ms = o.poll_ms ? o.poll_ms : 1;
	if (!o.ata_password)
		o.ata_password = PASSWORD;
	o.request_size = 256 << 10;
	struct kesu_target t;
	if (!target) {
		cr_assert_eq(kesu_target_open_fd(dup(r->media), BYTES, 512, &t), 0);
		target = &t;
	}
	cr_assert_eq(kesu_job_new_target(&r->dev, target, m, &o, &r->job), 0);
	kesu_job_run(r->job);
	return kesu_job_result(r->job);
}

static void rig_free(struct rig *r)
{
	kesu_job_free(r->job);
	kesu_method_set_free(r->methods);
	close(r->media);
}

/* Index of the first opcode op at or after from, or -1. */
static int find_op(const uint8_t *ops, unsigned n, unsigned from, uint8_t op)
{
	for (unsigned i = from; i < n && i < 256; i++)
		if (ops[i] == op)
			return (int)i;
	return -1;
}

Test(flow, ata_security_erase_sends_the_commands_in_order_with_our_password)
{
	struct rig r;
	rig_init(&r, "sda", KESU_TRAN_SATA);
	struct sim_ata *d = sim_ata_new(r.media, BYTES, false);
	d->erase_minutes = 100;
	rig_query(&r, sim_ata_passthru(d));
	const struct kesu_job_result *res = run(&r, "ata-security-erase", NULL, NULL);
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s", res->reason);
	int set = find_op(d->opcodes, d->ncmds, 0, KESU_ATA_SEC_SET_PASSWORD);
	int prep = find_op(d->opcodes, d->ncmds, 0, KESU_ATA_SEC_ERASE_PREPARE);
	cr_assert(set >= 0 && prep > set, "SET PASSWORD before ERASE PREPARE");
	cr_assert_eq(d->opcodes[prep + 1], KESU_ATA_SEC_ERASE_UNIT, "ERASE UNIT directly after PREPARE");
	cr_assert_eq(d->opcodes[set + 1], KESU_ATA_IDENTIFY, "security checked enabled after SET");
	cr_assert_eq(d->opcodes[prep + 2], KESU_ATA_IDENTIFY, "security checked disabled after ERASE");
	cr_assert_eq(memcmp(d->last_password, PASSWORD, 32), 0, "the drive got exactly our password");
	/* 2 x 100 min + 60 min, above the 2 h floor. */
	cr_assert_eq(res->firmware.timeout_s, 2 * 100 * 60 + 3600);
	cr_assert_eq(res->firmware.estimate_s, 100 * 60);
	cr_assert(res->firmware.password_set && res->firmware.password_cleared);
	cr_assert(!d->enabled);
	cr_assert(sim_media_all(r.media, BYTES, 0x00), "normal erase leaves zeros");
	cr_assert_eq(res->nist_level, KESU_NIST_CLEAR, "Security Erase on flash is only Clear");
	cr_assert(res->firmware.marker_bytes > 0);
	cr_assert_eq(res->firmware.unchanged_sectors, 0);
	sim_ata_free(d);
	rig_free(&r);
}

Test(flow, a_failed_erase_removes_the_password_with_unlock_and_disable)
{
	struct rig r;
	rig_init(&r, "sda", KESU_TRAN_SATA);
	struct sim_ata *d = sim_ata_new(r.media, BYTES, true);
	d->erase_fails = true;
	rig_query(&r, sim_ata_passthru(d));
	const struct kesu_job_result *res = run(&r, "ata-security-erase", NULL, NULL);
	cr_assert_eq(res->outcome, KESU_OUTCOME_FAILED);
	cr_assert(strstr(res->reason, "SECURITY ERASE UNIT failed"), "%s", res->reason);
	int erase = find_op(d->opcodes, d->ncmds, 0, KESU_ATA_SEC_ERASE_UNIT);
	cr_assert(find_op(d->opcodes, d->ncmds, (unsigned)erase, KESU_ATA_SEC_DISABLE_PASSWORD) > erase);
	cr_assert(res->firmware.password_set && res->firmware.password_cleared);
	cr_assert(!d->enabled, "the drive is left without a password");
	sim_ata_free(d);
	rig_free(&r);
}

Test(flow, a_password_that_cannot_be_removed_is_reported_as_set)
{
	struct rig r;
	rig_init(&r, "sda", KESU_TRAN_SATA);
	struct sim_ata *d = sim_ata_new(r.media, BYTES, true);
	d->erase_fails = d->disable_fails = true;
	rig_query(&r, sim_ata_passthru(d));
	const struct kesu_job_result *res = run(&r, "ata-security-erase", NULL, NULL);
	cr_assert_eq(res->outcome, KESU_OUTCOME_FAILED);
	cr_assert(res->firmware.password_set && !res->firmware.password_cleared);
	cr_assert(d->enabled);
	/* Neither the record nor the result's text holds the password. */
	struct kesu_job_context ctx = {0};
	snprintf(ctx.operator_name, sizeof(ctx.operator_name), "Test");
	size_t len;
	char *rec = kesu_record_build(res, &ctx, "00000000000000000000000000000000", NULL, NULL, NULL, &len);
	cr_assert_not_null(rec);
	cr_assert_null(memmem(rec, len, PASSWORD, 16), "password in the record");
	cr_assert_null(memmem(res, sizeof(*res), PASSWORD, 16), "password in the result");
	free(rec);
	sim_ata_free(d);
	rig_free(&r);
}

Test(flow, a_frozen_drive_gets_no_password)
{
	struct rig r;
	rig_init(&r, "sda", KESU_TRAN_SATA);
	struct sim_ata *d = sim_ata_new(r.media, BYTES, false);
	d->frozen = true;
	rig_query(&r, sim_ata_passthru(d));
	const struct kesu_job_result *res = run(&r, "ata-security-erase", NULL, NULL);
	cr_assert_eq(res->outcome, KESU_OUTCOME_FAILED);
	cr_assert_eq(find_op(d->opcodes, d->ncmds, 0, KESU_ATA_SEC_SET_PASSWORD), -1);
	cr_assert(!res->firmware.password_set);
	cr_assert(strstr(res->firmware.detail, "frozen"), "%s", res->firmware.detail);
	sim_ata_free(d);
	rig_free(&r);
}

Test(flow, a_lying_sanitize_is_caught_by_the_markers)
{
	struct rig r;
	rig_init(&r, "sda", KESU_TRAN_SATA);
	struct sim_ata *d = sim_ata_new(r.media, BYTES, false);
	d->liar = true;
	rig_query(&r, sim_ata_passthru(d));
	const struct kesu_job_result *res = run(&r, "ata-sanitize-crypto", NULL, NULL);
	cr_assert_eq(res->outcome, KESU_OUTCOME_FAILED);
	cr_assert(strstr(res->reason, "reading shows otherwise"), "%s", res->reason);
	/* Every marked sector is still marked: all of them are reported. */
	cr_assert_eq(res->firmware.unchanged_sectors * 512, res->firmware.marker_bytes);
	sim_ata_free(d);
	rig_free(&r);
}

/* A target that acknowledges writes and drops them. */
static ssize_t drop_write(void *ctx, const void *buf, size_t len, uint64_t off)
{
	(void)ctx, (void)buf, (void)off;
	return (ssize_t)len;
}
static ssize_t fd_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(*(int *)ctx, buf, len, (off_t)off);
	return n < 0 ? -errno : n;
}
static int no_sync(void *ctx) { (void)ctx; return 0; }
static void no_close(void *ctx) { (void)ctx; }
static const struct kesu_target_ops dropping = {drop_write, fd_read, no_sync, no_close, NULL};

Test(flow, markers_that_do_not_stick_stop_the_job_before_any_command)
{
	struct rig r;
	rig_init(&r, "sda", KESU_TRAN_SATA);
	struct sim_ata *d = sim_ata_new(r.media, BYTES, false);
	rig_query(&r, sim_ata_passthru(d));
	unsigned before = d->ncmds;
	struct kesu_target t = {.ops = &dropping, .ctx = &r.media, .size = BYTES, .sector = 512,
				.buffer_align = 512};
	const struct kesu_job_result *res = run(&r, "ata-security-erase", NULL, &t);
	cr_assert_eq(res->outcome, KESU_OUTCOME_FAILED);
	cr_assert(strstr(res->firmware.detail, "did not read back"), "%s", res->firmware.detail);
	cr_assert_eq(find_op(d->opcodes, d->ncmds, before, KESU_ATA_SEC_SET_PASSWORD), -1);
	cr_assert(sim_media_all(r.media, BYTES, OLD), "nothing was erased");
	sim_ata_free(d);
	rig_free(&r);
}

Test(flow, verify_none_writes_no_markers_and_is_unverified)
{
	struct rig r;
	rig_init(&r, "nvme0n1", KESU_TRAN_NVME);
	struct sim_nvme *c = sim_nvme_new(r.media, BYTES);
	rig_query(&r, sim_nvme_passthru(c));
	struct kesu_job_options o = {.retries = -1, .verify_mode = KESU_VMODE_NONE};
	const struct kesu_job_result *res = run(&r, "nvme-format-erase", &o, NULL);
	cr_assert_eq(res->outcome, KESU_OUTCOME_UNVERIFIED, "%s", res->reason);
	cr_assert_eq(res->firmware.marker_bytes, 0);
	cr_assert(sim_media_all(r.media, BYTES, 0x00));
	/* Format kept LBA format 0 and asked for a user-data erase (SES 1). */
	cr_assert_eq(c->last.opcode, KESU_NVME_FORMAT_NVM);
	cr_assert_eq(c->last.cdw10, 1u << 9);
	sim_nvme_free(c);
	rig_free(&r);
}

static void *cancel_later(void *arg)
{
	struct timespec t = {0, 100 * 1000000L};
	nanosleep(&t, NULL);
	kesu_job_cancel(arg);
	return NULL;
}

Test(flow, cancelling_while_a_sanitize_runs_interrupts_and_says_it_goes_on)
{
	struct rig r;
	rig_init(&r, "nvme0n1", KESU_TRAN_NVME);
	struct sim_nvme *c = sim_nvme_new(r.media, BYTES);
	c->sanitize_polls = 1000000;
	rig_query(&r, sim_nvme_passthru(c));
	const struct kesu_method *m = kesu_method_set_find(r.methods, "nvme-sanitize-block");
	struct kesu_job_options o = {.retries = -1, .passthru = &r.pt, .caps = &r.caps, .poll_ms = 1};
	struct kesu_target t;
	cr_assert_eq(kesu_target_open_fd(dup(r.media), BYTES, 512, &t), 0);
	cr_assert_eq(kesu_job_new_target(&r.dev, &t, m, &o, &r.job), 0);
	pthread_t th;
	pthread_create(&th, NULL, cancel_later, r.job);
	kesu_job_run(r.job);
	pthread_join(th, NULL);
	const struct kesu_job_result *res = kesu_job_result(r.job);
	cr_assert_eq(res->outcome, KESU_OUTCOME_INTERRUPTED);
	cr_assert(strstr(res->reason, "goes on inside the drive"), "%s", res->reason);
	cr_assert_eq(c->sstat & 7, KESU_NVME_SSTAT_IN_PROGRESS, "the drive still sanitizes");
	sim_nvme_free(c);
	rig_free(&r);
}

Test(flow, a_running_sanitize_is_followed_then_the_job_does_its_own)
{
	struct rig r;
	rig_init(&r, "nvme0n1", KESU_TRAN_NVME);
	struct sim_nvme *c = sim_nvme_new(r.media, BYTES);
	c->sanitize_polls = 3;
	rig_query(&r, sim_nvme_passthru(c));
	/* Power was lost during an earlier sanitize from another station. */
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result nres;
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&cmd, KESU_NVME_SANACT_BLOCK, false, 1, false, false, 0), 0);
	cr_assert_eq(Kesu_nvme_send(&r.pt, &cmd, &nres), 0);
	unsigned sent_before = 0;
	for (unsigned i = 0; i < c->ncmds && i < 256; i++)
		sent_before += c->opcodes[i] == KESU_NVME_SANITIZE;
	const struct kesu_job_result *res = run(&r, "nvme-sanitize-block", NULL, NULL);
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s", res->reason);
	cr_assert(res->firmware.followed_running);
	unsigned sent = 0;
	for (unsigned i = 0; i < c->ncmds && i < 256; i++)
		sent += c->opcodes[i] == KESU_NVME_SANITIZE;
	cr_assert_eq(sent, sent_before + 1, "followed the running one, then one of its own");
	cr_assert(res->firmware.marker_bytes > 0, "with markers, so the proof stands");
	cr_assert_eq(res->nist_level, KESU_NIST_PURGE);
	sim_nvme_free(c);
	rig_free(&r);
}

Test(flow, scsi_overwrite_sanitize_leaves_zeros)
{
	struct rig r;
	rig_init(&r, "sdb", KESU_TRAN_SAS);
	struct sim_scsi *s = sim_scsi_new(r.media, BYTES);
	s->san_polls = 3;
	rig_query(&r, sim_scsi_passthru(s));
	const struct kesu_job_result *res = run(&r, "scsi-sanitize-overwrite", NULL, NULL);
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s", res->reason);
	cr_assert_eq(s->san_sa, KESU_SCSI_SANITIZE_OVERWRITE);
	cr_assert(s->ow_passes == 1 && s->ow_len == 4 && !s->ow_invert, "one pass of 00000000");
	cr_assert_eq(s->last_cdb[0], KESU_SCSI_REQUEST_SENSE, "the end was learnt by polling");
	cr_assert(sim_media_all(r.media, BYTES, 0x00));
	cr_assert_eq(res->firmware.nonzero_sectors, 0);
	sim_scsi_free(s);
	rig_free(&r);
}

/* A firmware method's one step, and the proof that it did something.
 *
 * A drive's word that it erased itself is not enough (hdparm reported
 * success for an erase the drive aborted; docs/device-commands.md). Before the
 * command kesu writes random markers over a sampled plan of the drive
 * (1 % by default, NIST-style subsections, from the pass's seed), syncs and
 * reads them back; after it, every marked sector must have changed, and a
 * method that leaves zeros must read zeros over the job's verification
 * plan. Markers make "changed" testable even on a blank drive. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "firmware_internal.h"
#include "io_retry.h"
#include "pattern.h"
#include "verify_read.h"

#define DEFAULT_POLL_MS 1000
#define DEFAULT_PROOF_PERCENT 1.0

double Kesu_fw_elapsed(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

bool Kesu_fw_wait(struct kesu_fw_ctx *c)
{
	unsigned ms = c->poll_ms ? c->poll_ms : DEFAULT_POLL_MS;
	/* Sleep in slices so a cancel is seen within 50 ms. */
	while (ms && !atomic_load(c->cancel)) {
		unsigned slice = ms < 50 ? ms : 50;
		struct timespec t = {.tv_sec = 0, .tv_nsec = (long)slice * 1000000L};
		nanosleep(&t, NULL);
		ms -= slice;
	}
	return atomic_load(c->cancel);
}

static bool is_sanitize(enum kesu_firmware_command cmd)
{
	switch (cmd) {
	case KESU_FW_ATA_SANITIZE_CRYPTO: case KESU_FW_ATA_SANITIZE_BLOCK:
	case KESU_FW_ATA_SANITIZE_OVERWRITE: case KESU_FW_NVME_SANITIZE_BLOCK:
	case KESU_FW_NVME_SANITIZE_CRYPTO: case KESU_FW_NVME_SANITIZE_OVERWRITE:
	case KESU_FW_SCSI_SANITIZE_BLOCK: case KESU_FW_SCSI_SANITIZE_CRYPTO:
	case KESU_FW_SCSI_SANITIZE_OVERWRITE:
		return true;
	default:
		return false;
	}
}

static int sanitize_running(struct kesu_fw_ctx *c, enum kesu_firmware_command cmd, bool *running)
{
	*running = false;
	if (!is_sanitize(cmd))
		return 0;
	if (cmd <= KESU_FW_ATA_SANITIZE_OVERWRITE)
		return Kesu_fw_ata_sanitize_running(c, running);
	if (cmd <= KESU_FW_NVME_SANITIZE_OVERWRITE)
		return Kesu_fw_nvme_sanitize_running(c, running);
	return Kesu_fw_scsi_sanitize_running(c, running);
}

/* Sends the method's command and follows it to its end. */
static int run_command(struct kesu_fw_ctx *c, enum kesu_firmware_command cmd)
{
	switch (cmd) {
	case KESU_FW_ATA_SECURITY_ERASE: return Kesu_fw_ata_security_erase(c, false);
	case KESU_FW_ATA_SECURITY_ERASE_ENHANCED: return Kesu_fw_ata_security_erase(c, true);
	case KESU_FW_ATA_SANITIZE_CRYPTO: return Kesu_fw_ata_sanitize(c, KESU_ATA_SANITIZE_CRYPTO);
	case KESU_FW_ATA_SANITIZE_BLOCK: return Kesu_fw_ata_sanitize(c, KESU_ATA_SANITIZE_BLOCK);
	case KESU_FW_ATA_SANITIZE_OVERWRITE: return Kesu_fw_ata_sanitize(c, KESU_ATA_SANITIZE_OVERWRITE);
	case KESU_FW_NVME_FORMAT_ERASE: return Kesu_fw_nvme_format(c, 1);
	case KESU_FW_NVME_FORMAT_CRYPTO: return Kesu_fw_nvme_format(c, 2);
	case KESU_FW_NVME_SANITIZE_BLOCK: return Kesu_fw_nvme_sanitize(c, KESU_NVME_SANACT_BLOCK);
	case KESU_FW_NVME_SANITIZE_CRYPTO: return Kesu_fw_nvme_sanitize(c, KESU_NVME_SANACT_CRYPTO);
	case KESU_FW_NVME_SANITIZE_OVERWRITE: return Kesu_fw_nvme_sanitize(c, KESU_NVME_SANACT_OVERWRITE);
	case KESU_FW_SCSI_SANITIZE_BLOCK: return Kesu_fw_scsi_sanitize(c, KESU_SCSI_SANITIZE_BLOCK);
	case KESU_FW_SCSI_SANITIZE_CRYPTO: return Kesu_fw_scsi_sanitize(c, KESU_SCSI_SANITIZE_CRYPTO);
	case KESU_FW_SCSI_SANITIZE_OVERWRITE: return Kesu_fw_scsi_sanitize(c, KESU_SCSI_SANITIZE_OVERWRITE);
	default:
		snprintf(c->rep->detail, sizeof(c->rep->detail), "no firmware command to run");
		return -EINVAL;
	}
}

/* Writes the markers over the plan, syncs, and reads them back. */
static int write_markers(struct kesu_fw_step *s, const struct kesu_verify_plan *plan,
			 const struct kesu_fill *marker)
{
	struct kesu_target *t = s->target;
	size_t chunk = s->request;
	uint8_t *buf = NULL;
	if (posix_memalign((void **)&buf, t->buffer_align > 64 ? t->buffer_align : 64, chunk))
		return -ENOMEM;
	s->enter_phase(s->job, KESU_PHASE_MARKING, plan->bytes);
	int rc = 0;
	uint64_t written = 0;
	for (size_t i = 0; i < plan->count && rc == 0; i++) {
		for (uint64_t at = 0; at < plan->samples[i].length && rc == 0;) {
			if (atomic_load(s->ctx.cancel)) {
				rc = -KESU_EINTERRUPTED;
				break;
			}
			uint64_t left = plan->samples[i].length - at;
			size_t n = left < chunk ? (size_t)left : chunk;
			uint64_t off = plan->samples[i].offset + at;
			size_t done;
			Kesu_fill_bytes(marker, off, buf, n);
			rc = Kesu_io_exact(t, KESU_IO_WRITE, buf, n, off, s->retries, &done);
			at += done;
			written += done;
			atomic_store(s->ctx.done, written);
		}
	}
	free(buf);
	s->result->firmware.marker_bytes = written;
	if (rc == 0)
		rc = t->ops->sync(t->ctx);
	if (rc < 0) {
		snprintf(s->result->firmware.detail, sizeof(s->result->firmware.detail),
			 "writing the proof markers failed: %s", kesu_strerror(rc));
		return rc;
	}
	/* Read back: a drive that does not keep what it is given proves nothing. */
	struct kesu_verify_io io = {.target = t, .expect = marker, .request = s->request,
				    .retries = s->retries, .cancel = s->ctx.cancel,
				    .progress = s->ctx.done};
	struct kesu_verify_outcome out;
	s->enter_phase(s->job, KESU_PHASE_MARKING, plan->bytes);
	rc = Kesu_verify_read(&io, plan, &out);
	if (rc == -KESU_EVERIFY) {
		snprintf(s->result->firmware.detail, sizeof(s->result->firmware.detail),
			 "the proof markers did not read back (%llu sectors differ, %llu unreadable) "
			 "before the erase: the drive does not keep written data",
			 (unsigned long long)kesu_ranges_sectors(&out.mismatched),
			 (unsigned long long)kesu_ranges_sectors(&out.unreadable));
		rc = -EIO;
	}
	Kesu_verify_outcome_free(&out);
	return rc;
}

/* unchanged += every planned sector that is in neither changed nor
 * unreadable (both sorted and merged). */
static int subtract(const struct kesu_verify_plan *plan, unsigned sector,
		    const struct kesu_range_list *changed, struct kesu_range_list *unchanged)
{
	size_t j = 0;
	for (size_t i = 0; i < plan->count; i++) {
		uint64_t first = plan->samples[i].offset / sector;
		uint64_t end = first + (plan->samples[i].length + sector - 1) / sector;
		while (j < changed->count && changed->items[j].first + changed->items[j].count <= first)
			j++;
		uint64_t at = first;
		for (size_t k = j; k < changed->count && changed->items[k].first < end; k++) {
			const struct kesu_range *c = &changed->items[k];
			if (c->first > at) {
				int rc = kesu_ranges_add(unchanged, at, c->first - at);
				if (rc < 0)
					return rc;
			}
			if (c->first + c->count > at)
				at = c->first + c->count;
		}
		if (at < end) {
			int rc = kesu_ranges_add(unchanged, at, end - at);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int merge_into(struct kesu_range_list *dst, const struct kesu_range_list *src)
{
	for (size_t i = 0; i < src->count; i++) {
		int rc = kesu_ranges_add(dst, src->items[i].first, src->items[i].count);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* After the command: the markers must be gone, and zeros where promised. */
static int check_result(struct kesu_fw_step *s, struct kesu_verify_plan *mplan,
			const struct kesu_fill *marker)
{
	struct kesu_job_result *r = s->result;
	struct kesu_verify_result *v = &s->pass->verify;
	struct kesu_target *t = s->target;
	/* Reads must come from the drive, not from what the page cache kept
	 * of the data before the erase. */
	if (t->ops->drop_cache)
		(void)t->ops->drop_cache(t->ctx);
	v->mode = r->verify_mode;
	struct kesu_verify_io io = {.target = t, .expect = marker, .request = s->request,
				    .retries = s->retries, .cancel = s->ctx.cancel,
				    .progress = s->ctx.done};
	struct kesu_verify_outcome out;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	s->enter_phase(s->job, KESU_PHASE_VERIFYING, mplan->bytes);
	int rc = Kesu_verify_read(&io, mplan, &out);
	v->bytes_read = out.bytes_read;
	if (rc == 0 || rc == -KESU_EVERIFY) {
		/* Here a mismatch is what we want: the marker is gone. */
		struct kesu_range_list changed = {0};
		rc = merge_into(&changed, &out.mismatched);
		if (rc == 0)
			rc = merge_into(&changed, &out.unreadable);
		if (rc == 0)
			rc = subtract(mplan, t->sector, &changed, &v->mismatched);
		if (rc == 0)
			rc = merge_into(&v->unreadable, &out.unreadable);
		kesu_ranges_free(&changed);
	}
	Kesu_verify_outcome_free(&out);
	r->firmware.unchanged_sectors = kesu_ranges_sectors(&v->mismatched);
	if (rc < 0)
		goto out;

	if (r->method.leaves == KESU_LEAVES_ZERO) {
		struct kesu_fill zero = {.kind = KESU_FILL_PATTERN, .pattern = {0}, .pattern_len = 1};
		uint8_t seed[KESU_PRNG_SEED_SIZE];
		randombytes_buf(seed, sizeof(seed));
		struct kesu_verify_plan zplan;
		rc = kesu_verify_plan_make(t->size, t->sector, r->verify_percent, seed, &zplan);
		if (rc < 0)
			goto out;
		io.expect = &zero;
		s->enter_phase(s->job, KESU_PHASE_VERIFYING, zplan.bytes);
		rc = Kesu_verify_read(&io, &zplan, &out);
		v->bytes_read += out.bytes_read;
		if (rc == 0 || rc == -KESU_EVERIFY) {
			r->firmware.nonzero_sectors = kesu_ranges_sectors(&out.mismatched);
			rc = merge_into(&v->mismatched, &out.mismatched);
			if (rc == 0)
				rc = merge_into(&v->unreadable, &out.unreadable);
		}
		Kesu_verify_outcome_free(&out);
		/* The record shows the plan that covered the drive. */
		kesu_verify_plan_free(mplan);
		*mplan = zplan;
	}
out:
	v->plan = *mplan;
	memset(mplan, 0, sizeof(*mplan));
	v->seconds = Kesu_fw_elapsed(&start);
	v->done = rc == 0;
	v->error = rc == 0 && (v->mismatched.count || v->unreadable.count) ? -KESU_EVERIFY : rc;
	return rc;
}

int Kesu_fw_step_run(struct kesu_fw_step *s)
{
	struct kesu_job_result *r = s->result;
	struct kesu_pass_result *p = s->pass;
	struct kesu_firmware_report *rep = &r->firmware;
	struct kesu_fw_ctx *c = &s->ctx;
	enum kesu_firmware_command cmd = r->method.firmware;
	rep->command = cmd;
	c->rep = rep;
	c->password = s->opts->ata_password;
	c->poll_ms = s->opts->poll_ms;
	if (!c->pt || !c->caps) {
		snprintf(rep->detail, sizeof(rep->detail), "no command channel to the drive");
		return rep->status = -KESU_EUNSUPPORTED;
	}
	bool proof = r->verify_mode != KESU_VMODE_NONE;
	double percent = s->opts->proof_percent > 0 ? s->opts->proof_percent : DEFAULT_PROOF_PERCENT;
	struct kesu_verify_plan mplan = {0};
	struct kesu_fill marker = {.kind = KESU_FILL_RANDOM};
	kesu_prng_init(&marker.prng, p->seed);
	int rc = 0;
	if (proof)
		rc = kesu_verify_plan_make(s->target->size, s->target->sector, percent, p->seed, &mplan);
	bool running = false;
	if (rc == 0)
		rc = sanitize_running(c, cmd, &running);
	p->started = true;
	if (rc == 0 && running) {
		/* Markers cannot be written while the drive sanitizes. A resumed
		 * job checks the markers its first run wrote (same seed); a new
		 * one follows the sanitize and then does its own, with proof. */
		s->enter_phase(s->job, KESU_PHASE_FIRMWARE, 0);
		rc = run_command(c, cmd);
		if (rc == 0 && !s->opts->resume_plan) {
			bool followed = rep->followed_running;
			memset(rep, 0, sizeof(*rep));
			rep->command = cmd;
			rep->followed_running = followed;
			running = false;
		}
	}
	if (rc == 0 && !running) {
		if (proof)
			rc = write_markers(s, &mplan, &marker);
		if (rc == 0) {
			s->enter_phase(s->job, KESU_PHASE_FIRMWARE, 0);
			bool followed = rep->followed_running;
			rc = run_command(c, cmd);
			rep->followed_running = rep->followed_running || followed;
		}
	}
	rep->status = rc;
	p->seconds = rep->seconds;
	if (rc == 0) {
		p->completed = true;
		p->offset_reached = s->target->size;
		p->bytes_written = s->target->size;
		if (proof)
			rc = check_result(s, &mplan, &marker);
	}
	p->error = rc;
	kesu_verify_plan_free(&mplan);
	sodium_memzero(&marker, sizeof(marker));
	/* Mismatches are the job's verdict (conclude() counts them). */
	return rc == -KESU_EVERIFY ? 0 : rc;
}

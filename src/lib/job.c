#include <errno.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kesu/clock.h"
#include "kesu/error.h"
#include "kesu/firmware.h"
#include "kesu/job.h"
#include "kesu/job_state.h"
#include "firmware_internal.h"
#include "io_retry.h"
#include "pass_writer.h"
#include "probe.h"
#include "resume_proof.h"
#include "verify_read.h"

#define DEFAULT_REQUEST (4u << 20)
#define DEFAULT_RETRIES 3
#define DEFAULT_SYNC_SECONDS 5.0

struct kesu_job {
	struct kesu_target target;
	struct kesu_job_options opts;
	struct kesu_job_result result;
	uint8_t random_bytes[KESU_METHOD_RANDOM_MAX]; /* R1..Rn of this job */
	atomic_bool cancel;
	_Atomic int phase;
	_Atomic unsigned pass;
	_Atomic uint64_t done, total;
	_Atomic uint64_t phase_start_ns; /* CLOCK_MONOTONIC */
	_Atomic uint64_t run_start_ns;   /* CLOCK_MONOTONIC, 0 before kesu_job_run */
	/* pass << 56 | offset: one word, so a reader never pairs a new pass
	 * with an old offset and skips data on resume. */
	_Atomic uint64_t durable;
	_Atomic uint64_t bad_sectors;
	_Atomic unsigned estimate_s;     /* firmware: the drive's estimate */
	unsigned current_pass;           /* the writer thread's, for durable_mark */
	time_t first_started;            /* the job's first run (resumes keep it) */
	bool checkpoint_failed;          /* the caller could not record a checkpoint */
	bool real_drive;                 /* kesu_job_new: a block device, SMART can be asked */
};

#define DURABLE_OFFSET_MASK ((UINT64_C(1) << 56) - 1)

static void durable_store(struct kesu_job *job, uint64_t offset)
{
	atomic_store(&job->durable, (uint64_t)job->current_pass << 56 | (offset & DURABLE_OFFSET_MASK));
}

/* The distinct sectors that passes 1..pass could not write, with current
 * standing for pass `pass` when given. */
static int union_bad(const struct kesu_job_result *r, unsigned pass,
		     const struct kesu_pass_result *current, struct kesu_range_list *out)
{
	for (unsigned i = 0; i < pass && i < r->npasses; i++)
		if (kesu_ranges_add_list(out, i + 1 == pass && current ? &current->bad : &r->passes[i].bad) < 0)
			return -ENOMEM;
	return 0;
}

/* Hands the caller the state to record, and waits for it: the job never
 * runs ahead of its record. A failure to record stops the job. */
static int checkpoint_now(struct kesu_job *job, unsigned pass, uint64_t offset,
			  const struct kesu_pass_result *current)
{
	if (!job->opts.checkpoint)
		return 0;
	struct kesu_range_list bad = {0};
	char *state = kesu_job_state_json(&job->result, job->first_started, pass, offset, current);
	int rc = state ? union_bad(&job->result, pass, current, &bad) : -ENOMEM;
	if (rc == 0) {
		struct kesu_job_checkpoint cp = {pass, offset, kesu_ranges_sectors(&bad), state};
		rc = job->opts.checkpoint(job->opts.checkpoint_ctx, &cp);
	}
	free(state);
	kesu_ranges_free(&bad);
	if (rc < 0) {
		job->checkpoint_failed = true;
		return -KESU_EINTERRUPTED;
	}
	return 0;
}

/* The pass writer's sync callback: the pass is durable below offset, and
 * every sector below it that failed is in so_far->bad. */
static int durable_mark(void *ctx, uint64_t offset, const struct kesu_pass_outcome *so_far)
{
	struct kesu_job *job = ctx;
	durable_store(job, offset);
	if (!job->opts.checkpoint)
		return 0;
	const struct kesu_pass_result *p = &job->result.passes[job->current_pass - 1];
	/* p holds what earlier runs did in this pass (a resume); add this run's. */
	struct kesu_pass_result now = *p;
	memset(&now.bad, 0, sizeof(now.bad));
	int rc = kesu_ranges_add_list(&now.bad, &p->bad);
	if (rc == 0)
		rc = kesu_ranges_add_list(&now.bad, &so_far->bad);
	now.bytes_written = p->bytes_written + so_far->bytes_written;
	now.seconds = p->seconds + so_far->seconds;
	now.completed = offset >= job->target.size;
	if (rc == 0)
		rc = checkpoint_now(job, p->number, offset, &now);
	kesu_ranges_free(&now.bad);
	return rc;
}

const char *kesu_outcome_name(enum kesu_outcome outcome)
{
	switch (outcome) {
	case KESU_OUTCOME_SUCCESS: return "SUCCESS";
	case KESU_OUTCOME_UNVERIFIED: return "UNVERIFIED";
	case KESU_OUTCOME_FAILED: return "FAILED";
	case KESU_OUTCOME_INTERRUPTED: return "INTERRUPTED";
	case KESU_OUTCOME_EXCEPTIONS: return "ERASED_WITH_EXCEPTIONS";
	}
	return "UNKNOWN";
}

const char *kesu_verify_mode_name(enum kesu_verify_mode mode)
{
	switch (mode) {
	case KESU_VMODE_NONE: return "none";
	case KESU_VMODE_SAMPLE: return "sample";
	case KESU_VMODE_FULL: return "full";
	case KESU_VMODE_DEFAULT: break;
	}
	return "default";
}

/* The operator's choice where there is one, else the method's. */
static void resolve_verification(struct kesu_job *job, const struct kesu_method *m)
{
	struct kesu_job_result *r = &job->result;
	r->verify_mode = job->opts.verify_mode;
	if (r->verify_mode == KESU_VMODE_DEFAULT)
		r->verify_mode = m->verify == KESU_VERIFY_NONE ? KESU_VMODE_NONE : KESU_VMODE_SAMPLE;
	r->verify_passes = job->opts.verify_passes;
	if (r->verify_passes == KESU_VPASSES_DEFAULT)
		r->verify_passes = m->verify == KESU_VERIFY_ALL ? KESU_VPASSES_ALL : KESU_VPASSES_LAST;
	r->verify_percent = r->verify_mode == KESU_VMODE_FULL ? 100.0
			    : job->opts.verify_percent > 0 ? job->opts.verify_percent
							   : KESU_VERIFY_DEFAULT_PERCENT;
}

static void result_free(struct kesu_job_result *r)
{
	for (unsigned i = 0; i < r->npasses; i++) {
		kesu_ranges_free(&r->passes[i].bad);
		kesu_verify_result_free(&r->passes[i].verify);
	}
	kesu_ranges_free(&r->unwritten);
}

/* A resumed job takes the earlier run's results: with a state every
 * pass's bytes, time, bad sectors and verification, and the position;
 * without one (a ledger of kesu 0.1) only the position and a count. */
static int resume_from(struct kesu_job *job, const struct kesu_job_plan *plan)
{
	struct kesu_job_result *r = &job->result;
	if (job->opts.resume_state) {
		unsigned pass;
		uint64_t offset;
		time_t first;
		if (!plan || kesu_job_state_parse(job->opts.resume_state, r, &first, &pass, &offset) < 0)
			return -KESU_EPARSE;
		job->opts.resume_pass = pass;
		job->opts.resume_offset = offset;
		job->opts.prior_bad_sectors = 0;
		job->first_started = first;
	}
	if (job->opts.resume_pass > r->npasses || (job->opts.resume_pass && !plan))
		return -EINVAL;
	r->resumed = job->opts.resume_pass != 0;
	r->prior_bad_sectors = job->opts.prior_bad_sectors;
	if (r->resumed) {
		job->current_pass = job->opts.resume_pass;
		durable_store(job, job->opts.resume_offset);
	}
	return 0;
}

static void smart_unknown(struct kesu_smart *s)
{
	s->available = s->healthy = KESU_UNKNOWN;
	s->power_on_hours = s->reallocated_sectors = s->pending_sectors = s->temperature_c = -1;
}

int kesu_job_new_target(const struct kesu_device *dev, struct kesu_target *target,
			const struct kesu_method *method, const struct kesu_job_options *opts,
			struct kesu_job **out)
{
	if (sodium_init() < 0)
		return -EIO;
	struct kesu_job *job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->target = *target;
	if (opts)
		job->opts = *opts;
	struct kesu_job_result *r = &job->result;
	r->device = *dev;
	r->method = *method;
	r->reallocated_after = -1;
	smart_unknown(&r->smart_after);
	r->request_size = job->opts.request_size ? job->opts.request_size : DEFAULT_REQUEST;
	r->direct_io = target->direct;
	if (job->opts.retries < 0 || !opts)
		job->opts.retries = DEFAULT_RETRIES;
	if (r->request_size % target->sector) {
		free(job);
		return -EINVAL;
	}
	resolve_verification(job, method);

	/* Draw everything random up front, so the plan of the whole job is
	 * fixed (and recorded) before the first byte is written; a resumed job
	 * takes the plan of the run it continues. */
	const struct kesu_job_plan *plan = job->opts.resume_plan;
	for (unsigned i = 0; i < method->nrandom_bytes && i < KESU_METHOD_RANDOM_MAX; i++)
		job->random_bytes[i] = plan ? plan->random_bytes[i] : (uint8_t)randombytes_uniform(256);
	if (job->opts.sync_seconds <= 0)
		job->opts.sync_seconds = DEFAULT_SYNC_SECONDS;
	r->npasses = method->npasses;
	for (unsigned i = 0; i < method->npasses; i++) {
		struct kesu_pass_result *p = &r->passes[i];
		p->number = i + 1;
		p->pass = method->passes[i];
		if (p->pass.type == KESU_PASS_RANDOM_BYTE || p->pass.type == KESU_PASS_COMPLEMENT) {
			uint8_t b = job->random_bytes[p->pass.random_byte - 1];
			p->byte = p->pass.type == KESU_PASS_COMPLEMENT ? (uint8_t)~b : b;
		} else if (p->pass.type == KESU_PASS_RANDOM_STREAM || p->pass.type == KESU_PASS_FIRMWARE) {
			/* firmware: the seed of the proof markers */
			if (plan)
				memcpy(p->seed, plan->seeds[i], sizeof(p->seed));
			else
				randombytes_buf(p->seed, sizeof(p->seed));
		}
	}
	int rc = resume_from(job, plan);
	if (rc < 0) {
		result_free(r);
		free(job);
		return rc;
	}
	r->nist_level = method->nist;
	if (job->opts.caps && job->opts.caps->queried && job->opts.caps->bus == KESU_BUS_ATA &&
	    !job->opts.caps->hpa_checked)
		r->hidden.unchecked = true;
	if (job->opts.caps && job->opts.caps->hpa_checked) {
		r->hidden.checked = true;
		r->hidden.hpa_sectors = job->opts.caps->hpa_hidden_sectors;
		r->hidden.dco_sectors = job->opts.caps->dco_hidden_sectors;
		if (job->opts.hpa_restored) {
			r->hidden.hpa_sectors = job->opts.hpa_restored;
			r->hidden.hpa_restored = true;
		}
	}
	if (method->technique == KESU_TECHNIQUE_FIRMWARE) {
		/* What the command reaches on this media (ATA Security Erase on
		 * flash: Clear); without facts about the drive, Clear. */
		int level = job->opts.caps ? kesu_purge_level(kesu_firmware_command_name(method->firmware),
							      &job->opts.caps->purge)
					   : -1;
		r->nist_level = level > 0 ? (enum kesu_nist_level)level : KESU_NIST_CLEAR;
		r->firmware.command = method->firmware;
	}
	*out = job;
	return 0;
}

int kesu_job_new(const struct kesu_device *dev, int fd, const struct kesu_method *method,
		 const struct kesu_job_options *opts, struct kesu_job **job)
{
	struct kesu_target target;
	unsigned sector = dev->logical_sector ? dev->logical_sector : 512;
	int rc = kesu_target_open_fd(fd, dev->size, sector, &target);
	if (rc < 0) {
		close(fd); /* taken over, also on failure */
		return rc;
	}
	rc = kesu_job_new_target(dev, &target, method, opts, job);
	if (rc == 0)
		(*job)->real_drive = true;
	if (rc < 0)
		kesu_target_close(&target);
	return rc;
}

/* What the pass writes, for the writer and for the verifier. */
static void pass_fill(const struct kesu_pass_result *p, struct kesu_fill *fill)
{
	memset(fill, 0, sizeof(*fill));
	switch (p->pass.type) {
	case KESU_PASS_RANDOM_STREAM:
		fill->kind = KESU_FILL_RANDOM;
		kesu_prng_init(&fill->prng, p->seed);
		break;
	case KESU_PASS_RANDOM_BYTE:
	case KESU_PASS_COMPLEMENT:
		fill->kind = KESU_FILL_PATTERN;
		fill->pattern[0] = p->byte;
		fill->pattern_len = 1;
		break;
	default:
		fill->kind = KESU_FILL_PATTERN;
		memcpy(fill->pattern, p->pass.bytes, p->pass.len);
		fill->pattern_len = p->pass.len;
		break;
	}
}

static void enter_phase(struct kesu_job *job, enum kesu_job_phase phase, unsigned pass,
			uint64_t total)
{
	atomic_store(&job->phase_start_ns, kesu_monotonic_ns());
	atomic_store(&job->done, 0);
	atomic_store(&job->total, total);
	atomic_store(&job->pass, pass);
	atomic_store(&job->phase, phase);
}

static int verify_pass(struct kesu_job *job, struct kesu_pass_result *p, const struct kesu_fill *fill)
{
	struct kesu_job_result *r = &job->result;
	struct kesu_verify_result *v = &p->verify;
	uint8_t seed[KESU_PRNG_SEED_SIZE];
	randombytes_buf(seed, sizeof(seed));
	int rc = kesu_verify_plan_make(job->target.size, job->target.sector, r->verify_percent, seed,
				       &v->plan);
	if (rc < 0)
		return rc;
	v->mode = r->verify_mode;
	enter_phase(job, KESU_PHASE_VERIFYING, p->number, v->plan.bytes);
	struct kesu_verify_io io = {
		.target = &job->target,
		.expect = fill,
		.request = r->request_size,
		.retries = (unsigned)job->opts.retries,
		.cancel = &job->cancel,
		.progress = &job->done,
	};
	struct kesu_verify_outcome out;
	rc = Kesu_verify_read(&io, &v->plan, &out);
	v->done = rc == 0 || rc == -KESU_EVERIFY;
	v->bytes_read = out.bytes_read;
	v->seconds = out.seconds;
	v->error = rc;
	v->mismatched = out.mismatched;
	v->unreadable = out.unreadable;
	return rc;
}

static bool verifies(const struct kesu_job_result *r, unsigned index)
{
	if (r->verify_mode == KESU_VMODE_NONE)
		return false;
	return r->verify_passes == KESU_VPASSES_ALL || index + 1 == r->npasses;
}

/* The one-line reason, in English and in Japanese. */
#define REASON(r, ...) snprintf((r)->reason, sizeof((r)->reason), __VA_ARGS__)
#define REASON_JA(r, ...) snprintf((r)->reason_ja, sizeof((r)->reason_ja), __VA_ARGS__)

static void conclude_interrupted(struct kesu_job *job, int rc, const struct kesu_pass_result *p)
{
	struct kesu_job_result *r = &job->result;
	r->outcome = KESU_OUTCOME_INTERRUPTED;
	r->interrupted_pass = p->number;
	r->interrupted_at = p->offset_reached;
	if (job->checkpoint_failed) {
		REASON(r, "interrupted in pass %u: the ledger could not record a checkpoint", p->number);
		REASON_JA(r, "第%uパスで中断: 台帳にチェックポイントを記録できませんでした", p->number);
	} else if (r->method.technique == KESU_TECHNIQUE_FIRMWARE && r->firmware.detail[0]) {
		REASON(r, "interrupted: %s", r->firmware.detail);
		REASON_JA(r, "中断されました (%s)", r->firmware.detail);
	} else if (p->completed) {
		REASON(r, "interrupted while verifying pass %u: %s", p->number, kesu_strerror(rc));
		REASON_JA(r, "第%uパスの検証中に中断されました", p->number);
	} else {
		REASON(r, "interrupted in pass %u at byte %llu: %s", p->number,
		       (unsigned long long)p->offset_reached, kesu_strerror(rc));
		REASON_JA(r, "第%uパスの %llu バイト目で中断されました", p->number,
			  (unsigned long long)p->offset_reached);
	}
}

/* Appends sep and text to buf only when both fit whole: a signed reason
 * is never cut inside a character (the record's "exceptions" has each
 * line in full anyway). */
static void append_whole(char *buf, size_t size, const char *sep, const char *text)
{
	size_t n = strlen(buf);
	if (n + strlen(sep) + strlen(text) < size)
		snprintf(buf + n, size - n, "%s%s", sep, text);
}

/* Everything asked for was written and verified: SUCCESS, or erased
 * with the exceptions kesu_job_exceptions finds, summed up in the reason. */
static void conclude_erased(struct kesu_job_result *r)
{
	r->nexceptions = kesu_job_exceptions(r, r->exceptions);
	r->outcome = r->nexceptions ? KESU_OUTCOME_EXCEPTIONS : KESU_OUTCOME_SUCCESS;
	r->reason[0] = r->reason_ja[0] = '\0';
	for (unsigned i = 0; i < r->nexceptions; i++) {
		char en[400], ja[400];
		kesu_exception_detail(&r->exceptions[i], en, sizeof(en), ja, sizeof(ja));
		append_whole(r->reason, sizeof(r->reason), i ? "; " : "erased with exceptions: ", en);
		append_whole(r->reason_ja, sizeof(r->reason_ja), i ? "。" : "例外付き消去: ", ja);
	}
}

/* SMART of a real drive again, now that the job has ended: the details
 * page shows it beside the probe's, and kesu_job_exceptions compares the
 * reallocated-sector count of a finished overwrite with the count before. */
static void reread_smart(struct kesu_job *job, int rc)
{
	struct kesu_job_result *r = &job->result;
	r->reallocated_after = -1;
	smart_unknown(&r->smart_after);
	if (!job->real_drive || r->device.smart.available != KESU_YES)
		return;
	struct kesu_device *now = malloc(sizeof(*now));
	if (!now)
		return;
	*now = r->device;
	Kesu_probe_smart(now);
	r->smart_after = now->smart;
	/* only a finished overwrite is judged by it (job_exceptions.c) */
	if (rc == 0 && r->device.smart.reallocated_sectors >= 0 &&
	    r->method.technique == KESU_TECHNIQUE_OVERWRITE)
		r->reallocated_after = now->smart.reallocated_sectors;
	free(now);
}

/* Sets the outcome from what happened, and the one-line reason. Bad
 * sectors count once however many passes (and runs) failed on them. */
static void conclude(struct kesu_job *job, int rc, unsigned stopped_pass)
{
	struct kesu_job_result *r = &job->result;
	uint64_t mismatched = 0, unreadable = 0;
	kesu_ranges_free(&r->unwritten);
	int union_rc = union_bad(r, r->npasses, NULL, &r->unwritten);
	uint64_t bad = kesu_ranges_sectors(&r->unwritten) + r->prior_bad_sectors;
	for (unsigned i = 0; i < r->npasses; i++) {
		mismatched += kesu_ranges_sectors(&r->passes[i].verify.mismatched);
		unreadable += kesu_ranges_sectors(&r->passes[i].verify.unreadable);
	}
	r->error = rc;
	if (rc < 0 && Kesu_is_interruption(rc)) {
		conclude_interrupted(job, rc, &r->passes[stopped_pass]);
	} else if (union_rc < 0) {
		r->outcome = KESU_OUTCOME_FAILED;
		r->error = union_rc;
		REASON(r, "cannot account for the bad sectors: %s", kesu_strerror(union_rc));
		REASON_JA(r, "書き込めなかったセクタを集計できませんでした");
	} else if (r->method.technique == KESU_TECHNIQUE_FIRMWARE && rc < 0 && !r->passes[0].completed) {
		r->outcome = KESU_OUTCOME_FAILED;
		REASON(r, "%s failed: %s", kesu_firmware_command_title(r->method.firmware), r->firmware.detail);
		REASON_JA(r, "%s が失敗しました (%s)", kesu_firmware_command_title(r->method.firmware),
			  r->firmware.detail);
	} else if (r->method.technique == KESU_TECHNIQUE_FIRMWARE &&
		   (r->firmware.unchanged_sectors || r->firmware.nonzero_sectors)) {
		r->outcome = KESU_OUTCOME_FAILED;
		REASON(r, "the drive reported the erase complete, but reading shows otherwise: "
			  "%llu marked sector(s) unchanged, %llu sector(s) not zero",
		       (unsigned long long)r->firmware.unchanged_sectors,
		       (unsigned long long)r->firmware.nonzero_sectors);
		REASON_JA(r, "ドライブは消去完了と応答しましたが、読み出すと消去されていません: "
			     "目印が残ったセクタ %llu、ゼロでないセクタ %llu",
			  (unsigned long long)r->firmware.unchanged_sectors,
			  (unsigned long long)r->firmware.nonzero_sectors);
	} else if (bad) {
		r->outcome = KESU_OUTCOME_FAILED;
		REASON(r, "%llu sector(s) could not be written", (unsigned long long)bad);
		REASON_JA(r, "%llu セクタに書き込めませんでした", (unsigned long long)bad);
	} else if (mismatched || unreadable) {
		r->outcome = KESU_OUTCOME_FAILED;
		REASON(r, "verification failed: %llu sector(s) differ, %llu unreadable",
		       (unsigned long long)mismatched, (unsigned long long)unreadable);
		REASON_JA(r, "検証で不合格: 異なるセクタ %llu、読み取れないセクタ %llu",
			  (unsigned long long)mismatched, (unsigned long long)unreadable);
	} else if (rc < 0) {
		r->outcome = KESU_OUTCOME_FAILED;
		REASON(r, "pass %u failed: %s", r->passes[stopped_pass].number, kesu_strerror(rc));
		REASON_JA(r, "第%uパスが失敗しました (%s)", r->passes[stopped_pass].number, kesu_strerror(rc));
	} else if (job->opts.stop_after_pass && job->opts.stop_after_pass < r->npasses) {
		r->outcome = KESU_OUTCOME_INTERRUPTED;
		r->interrupted_pass = job->opts.stop_after_pass + 1;
		r->interrupted_at = 0;
		REASON(r, "stopped after pass %u as asked", job->opts.stop_after_pass);
		REASON_JA(r, "指定により第%uパスの後で停止しました", job->opts.stop_after_pass);
		r->error = -KESU_EINTERRUPTED;
	} else if (r->verify_mode == KESU_VMODE_NONE) {
		r->outcome = KESU_OUTCOME_UNVERIFIED;
		REASON(r, "written but not verified (verification: none)");
		REASON_JA(r, "書き込みは完了しましたが、検証していません (検証: なし)");
	} else {
		conclude_erased(r);
	}
}

static void enter_phase_cb(void *job, enum kesu_job_phase phase, uint64_t total)
{
	struct kesu_job *j = job;
	enter_phase(j, phase, 1, total);
}

/* A firmware method's one step (firmware_step.c). */
static int run_firmware(struct kesu_job *job, struct kesu_pass_result *p)
{
	job->current_pass = p->number;
	struct kesu_fw_step step = {
		.target = &job->target,
		.opts = &job->opts,
		.result = &job->result,
		.pass = p,
		.ctx = {.pt = job->opts.passthru, .caps = job->opts.caps, .cancel = &job->cancel,
			.done = &job->done, .total = &job->total, .estimate_s = &job->estimate_s},
		.enter_phase = enter_phase_cb,
		.job = job,
		.request = job->result.request_size,
		.retries = (unsigned)job->opts.retries,
	};
	int rc = Kesu_fw_step_run(&step);
	if (p->completed)
		durable_store(job, job->target.size);
	return rc;
}

/* Writes one pass from start; a resumed pass keeps what earlier runs
 * did in it (bytes, time, bad sectors) and adds this run's. */
static int write_pass(struct kesu_job *job, struct kesu_pass_result *p, uint64_t start)
{
	struct kesu_job_result *r = &job->result;
	struct kesu_fill fill;
	if (start > job->target.size)
		start = job->target.size;
	pass_fill(p, &fill);
	job->current_pass = p->number;
	enter_phase(job, KESU_PHASE_WRITING, p->number, job->target.size);
	atomic_store(&job->done, start);
	p->resumed_at = start;
	struct kesu_pass_io io = {
		.target = &job->target,
		.fill = &fill,
		.request = r->request_size,
		.retries = (unsigned)job->opts.retries,
		.cancel = &job->cancel,
		.progress = &job->done,
		.sync_seconds = job->opts.sync_seconds,
		.durable = durable_mark,
		.durable_ctx = job,
		.profile = &p->profile,
	};
	struct kesu_pass_outcome out;
	p->started = true;
	int rc = Kesu_pass_write(&io, start, &out);
	p->completed = out.state == KESU_PASS_DONE;
	p->error = out.error;
	p->bytes_written += out.bytes_written;
	p->offset_reached = out.offset_reached;
	p->seconds += out.seconds;
	if (kesu_ranges_add_list(&p->bad, &out.bad) < 0 && rc == 0)
		rc = -ENOMEM;
	atomic_fetch_add(&job->bad_sectors, kesu_ranges_sectors(&out.bad));
	kesu_ranges_free(&out.bad);
	sodium_memzero(&fill, sizeof(fill)); /* the expanded seed */
	return rc;
}

int kesu_job_run(struct kesu_job *job)
{
	struct kesu_job_result *r = &job->result;
	atomic_store(&job->run_start_ns, kesu_monotonic_ns());
	if (r->resumed) {
		r->started = (struct timespec){.tv_sec = job->first_started};
	} else {
		clock_gettime(CLOCK_REALTIME, &r->started);
		job->first_started = r->started.tv_sec;
	}
	int rc = 0;
	unsigned i = 0;
	unsigned first = job->opts.resume_pass ? job->opts.resume_pass - 1 : 0;
	for (; i < first; i++) {
		r->passes[i].started = r->passes[i].completed = r->passes[i].earlier_run = true;
		r->passes[i].offset_reached = job->target.size;
	}
	if (r->method.technique == KESU_TECHNIQUE_FIRMWARE) {
		rc = run_firmware(job, &r->passes[0]);
		if (rc == 0 && r->passes[0].completed)
			rc = checkpoint_now(job, 1, job->target.size, NULL);
		i = r->npasses;
	}
	for (; i < r->npasses; i++) {
		struct kesu_pass_result *p = &r->passes[i];
		rc = write_pass(job, p, i == first ? job->opts.resume_offset : 0);
		if (rc < 0)
			break;
		/* A verification an earlier run recorded stands: reading again
		 * with a new sample must not replace a failure with a pass. */
		if (verifies(r, i) && !p->verify.done) {
			struct kesu_fill fill;
			pass_fill(p, &fill);
			rc = verify_pass(job, p, &fill);
			sodium_memzero(&fill, sizeof(fill));
			if (rc < 0 && rc != -KESU_EVERIFY)
				break;
			/* mismatches are counted in conclude(); the result is
			 * recorded before the next pass overwrites the evidence */
			if ((rc = checkpoint_now(job, p->number, job->target.size, NULL)) < 0)
				break;
		}
		if (job->opts.stop_after_pass && p->number == job->opts.stop_after_pass) {
			i++;
			break;
		}
	}
	reread_smart(job, rc);
	conclude(job, rc, i < r->npasses ? i : r->npasses - 1);
	enter_phase(job, KESU_PHASE_FINISHED, r->npasses, 0);
	clock_gettime(CLOCK_REALTIME, &r->ended);
	return r->outcome == KESU_OUTCOME_SUCCESS || r->outcome == KESU_OUTCOME_UNVERIFIED ||
			       r->outcome == KESU_OUTCOME_EXCEPTIONS
		       ? 0
		       : r->error < 0 ? r->error : -KESU_EVERIFY;
}

#define PROOF_SAMPLES 32 /* per region: a wrong disk fails on the first few */

int kesu_job_prove_resume(struct kesu_job *job, struct kesu_resume_proof *proof)
{
	struct kesu_job_result *r = &job->result;
	memset(proof, 0, sizeof(*proof));
	unsigned pass = job->opts.resume_pass;
	uint64_t offset = job->opts.resume_offset / job->target.sector * job->target.sector;
	if (!pass || r->method.technique == KESU_TECHNIQUE_FIRMWARE || (pass == 1 && offset == 0))
		return 0;
	struct kesu_fill now, before = {0}, next = {0};
	pass_fill(&r->passes[pass - 1], &now);
	if (pass > 1)
		pass_fill(&r->passes[pass - 2], &before);
	/* A pass checkpointed to its end may have been followed by the next
	 * one's first writes before that pass's first checkpoint. */
	bool next_may_have_begun = offset >= job->target.size / job->target.sector * job->target.sector &&
				   pass < r->npasses;
	if (next_may_have_begun)
		pass_fill(&r->passes[pass], &next);
	/* Below the checkpoint: this pass (or the next, see above). Above it:
	 * the pass before, or this one where the run wrote on past its last
	 * checkpoint. Above the checkpoint of pass 1 the old contents are
	 * still there: unknown. */
	struct kesu_resume_region regions[2] = {
		{0, offset, {&now, &next}, next_may_have_begun ? 2 : 1},
		{offset, job->target.size / job->target.sector * job->target.sector, {&before, &now}, 2},
	};
	/* Sectors no pass could write, and those an earlier verification found
	 * wrong, hold anything: not evidence either way. */
	struct kesu_range_list skip = {0};
	int rc = union_bad(r, pass, NULL, &skip);
	for (unsigned i = 0; rc == 0 && i < pass; i++)
		if (kesu_ranges_add_list(&skip, &r->passes[i].verify.mismatched) < 0 ||
		    kesu_ranges_add_list(&skip, &r->passes[i].verify.unreadable) < 0)
			rc = -ENOMEM;
	if (rc == 0)
		rc = Kesu_resume_sample(&job->target, regions, pass > 1 ? 2 : 1, &skip, PROOF_SAMPLES,
					(unsigned)job->opts.retries, proof);
	kesu_ranges_free(&skip);
	sodium_memzero(&now, sizeof(now));
	sodium_memzero(&before, sizeof(before));
	sodium_memzero(&next, sizeof(next));
	return rc;
}

void kesu_job_cancel(struct kesu_job *job)
{
	atomic_store(&job->cancel, true);
}

void kesu_job_progress(const struct kesu_job *job, struct kesu_job_progress *p)
{
	p->phase = (enum kesu_job_phase)atomic_load(&job->phase);
	p->pass = atomic_load(&job->pass);
	p->npasses = job->result.npasses;
	p->done = atomic_load(&job->done);
	p->total = atomic_load(&job->total);
	uint64_t durable = atomic_load(&job->durable);
	p->durable_pass = (unsigned)(durable >> 56);
	p->durable_offset = durable & DURABLE_OFFSET_MASK;
	p->bad_sectors = atomic_load(&job->bad_sectors);
	p->estimate_s = atomic_load(&job->estimate_s);
	uint64_t now = kesu_monotonic_ns(), phase0 = atomic_load(&job->phase_start_ns),
		 run0 = atomic_load(&job->run_start_ns);
	/* Before the job thread got going there is no phase: 0, not uptime. */
	p->phase_seconds = phase0 && now > phase0 ? (double)(now - phase0) / 1e9 : 0;
	p->job_seconds = run0 && now > run0 ? (double)(now - run0) / 1e9 : 0;
	unsigned first = job->opts.resume_pass;
	p->resumed_bytes = first ? (uint64_t)(first - 1) * job->target.size + job->opts.resume_offset : 0;
}

void kesu_job_get_plan(const struct kesu_job *job, struct kesu_job_plan *plan)
{
	memset(plan, 0, sizeof(*plan));
	memcpy(plan->random_bytes, job->random_bytes, sizeof(plan->random_bytes));
	for (unsigned i = 0; i < job->result.npasses; i++)
		memcpy(plan->seeds[i], job->result.passes[i].seed, KESU_PRNG_SEED_SIZE);
}

const struct kesu_job_result *kesu_job_result(const struct kesu_job *job)
{
	return &job->result;
}

void kesu_job_free(struct kesu_job *job)
{
	if (!job)
		return;
	result_free(&job->result);
	kesu_target_close(&job->target);
	sodium_memzero(job->random_bytes, sizeof(job->random_bytes));
	free(job);
}

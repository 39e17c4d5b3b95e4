/* The plan and the checkpointed state of a job: each round-trips through
 * its JSON text, a damaged text is refused whole, and a job killed after
 * its checkpoint passed a bad sector or a failed verification still ends
 * FAILED when a new job resumes from that checkpoint. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/job.h"
#include "kesu/job_state.h"
#include "sim_job.h"

static const struct kesu_method *find_method(struct kesu_method_set **set, const char *id)
{
	char err[256];
	cr_assert_eq(kesu_method_set_load(set, NULL, err, sizeof(err)), 0, "%s", err);
	const struct kesu_method *m = kesu_method_set_find(*set, id);
	cr_assert_not_null(m, "%s", id);
	return m;
}

static struct kesu_job *new_job(struct sim_drive *d, const char *id, const struct kesu_job_options *o)
{
	int rc;
	return sim_job_new(d, id, o, &rc);
}

Test(job_state, plan_round_trips)
{
	struct sim_drive *d = sim_new(1 << 20, 512);
	struct kesu_job_options o = {.verify_mode = KESU_VMODE_FULL, .verify_passes = KESU_VPASSES_ALL,
				     .request_size = 64 << 10, .retries = -1};
	struct kesu_job *job = new_job(d, "dod-ece-7pass", &o);
	struct kesu_job_plan plan, back;
	kesu_job_get_plan(job, &plan);
	char *text = kesu_job_plan_json(kesu_job_result(job), &plan);
	cr_assert_not_null(text);
	struct kesu_method_set *set;
	const struct kesu_method *m = find_method(&set, "dod-ece-7pass");
	struct kesu_job_options parsed = {0};
	char other[64] = "";
	cr_assert_eq(kesu_job_plan_parse(text, m, &back, &parsed, other, sizeof(other)), 0);
	cr_assert_eq(memcmp(&plan, &back, sizeof(plan)), 0, "seeds and random bytes survive");
	cr_assert_eq(parsed.verify_mode, KESU_VMODE_FULL);
	cr_assert_eq(parsed.verify_passes, KESU_VPASSES_ALL);
	cr_assert_eq(parsed.request_size, 64 << 10);
	/* Another method, or a damaged plan. */
	const struct kesu_method *zero = kesu_method_set_find(set, "zero");
	cr_assert_eq(kesu_job_plan_parse(text, zero, &back, &parsed, other, sizeof(other)), 1);
	cr_assert_str_eq(other, "dod-ece-7pass");
	char *cut = strdup(text);
	cut[strlen(cut) / 2] = '\0';
	cr_assert_eq(kesu_job_plan_parse(cut, m, &back, &parsed, other, sizeof(other)), -KESU_EPARSE);
	char *seed = strstr(text, "\"seeds\":[\"");
	cr_assert_not_null(seed);
	seed[10] = 'z'; /* not hex */
	cr_assert_eq(kesu_job_plan_parse(text, m, &back, &parsed, other, sizeof(other)), -KESU_EPARSE);
	free(cut);
	free(text);
	kesu_method_set_free(set);
	kesu_job_free(job);
	sim_free(d);
}

/* The last state the job handed over, as a ledger would keep it; with
 * stop_after, the "process is killed" once a checkpoint reaches it. */
struct recorder {
	char *state;
	unsigned pass;
	uint64_t offset, bad;
	unsigned stop_pass;
	uint64_t stop_offset;
	unsigned calls;
};

static int record_checkpoint(void *ctx, const struct kesu_job_checkpoint *cp)
{
	struct recorder *r = ctx;
	free(r->state);
	r->state = strdup(cp->state_json);
	r->pass = cp->pass;
	r->offset = cp->offset;
	r->bad = cp->bad_sectors;
	r->calls++;
	if (r->stop_pass && (cp->pass > r->stop_pass || (cp->pass == r->stop_pass && cp->offset >= r->stop_offset)))
		return -EIO; /* stands for the kill: nothing after this is recorded */
	return 0;
}

Test(job_state, a_bad_sector_before_the_checkpoint_survives_the_resume)
{
	struct sim_drive *d = sim_new(4 << 20, 512);
	d->bad_write[d->nbad_write++] = 1000;
	d->media_errno = EIO;
	struct recorder rec = {.stop_pass = 1, .stop_offset = 2 << 20};
	struct kesu_job_options o = {.request_size = 256 << 10, .retries = 0, .sync_seconds = 0.0001,
				     .verify_mode = KESU_VMODE_NONE,
				     .checkpoint = record_checkpoint, .checkpoint_ctx = &rec};
	struct kesu_job *a = new_job(d, "nist-clear", &o);
	kesu_job_run(a);
	cr_assert_eq(kesu_job_result(a)->outcome, KESU_OUTCOME_INTERRUPTED, "stopped when it could not record");
	cr_assert_eq(rec.pass, 1);
	cr_assert_geq(rec.offset, 2 << 20, "the checkpoint passed sector 1000 (byte 512000)");
	cr_assert_eq(rec.bad, 1);
	struct kesu_job_plan plan;
	kesu_job_get_plan(a, &plan);
	time_t first_start = kesu_job_result(a)->started.tv_sec;
	kesu_job_free(a);

	/* The "new process": the sector now writes fine, and only the state
	 * remembers it. */
	d->nbad_write = 0;
	struct recorder rec2 = {0};
	struct kesu_job_options ob = {.request_size = 256 << 10, .retries = 0, .verify_mode = KESU_VMODE_NONE,
				      .resume_plan = &plan, .resume_pass = 1, .resume_offset = 0,
				      .resume_state = rec.state,
				      .checkpoint = record_checkpoint, .checkpoint_ctx = &rec2};
	struct kesu_job *b = new_job(d, "nist-clear", &ob);
	cr_assert_not_null(b);
	struct kesu_resume_proof proof;
	cr_assert_eq(kesu_job_prove_resume(b, &proof), 0, "the drive holds what the first run wrote");
	cr_assert_gt(proof.samples, 0);
	kesu_job_run(b);
	const struct kesu_job_result *r = kesu_job_result(b);
	cr_assert_eq(r->outcome, KESU_OUTCOME_FAILED, "not UNVERIFIED: a sector was never written");
	cr_assert_eq(r->unwritten.count, 1);
	cr_assert_eq(r->unwritten.items[0].first, 1000);
	cr_assert_eq(r->unwritten.items[0].count, 1);
	cr_assert_str_eq(r->reason, "1 sector(s) could not be written");
	cr_assert_eq(r->passes[0].resumed_at, rec.offset, "the resume began at the checkpoint");
	cr_assert_eq(r->started.tv_sec, first_start, "started is the first run's start");
	free(rec.state);
	free(rec2.state);
	kesu_job_free(b);
	sim_free(d);
}

Test(job_state, an_earlier_failed_verification_survives_the_resume)
{
	struct sim_drive *d = sim_new(2 << 20, 512);
	struct kesu_job_options o = {.request_size = 256 << 10, .retries = -1,
				     .verify_mode = KESU_VMODE_FULL, .verify_passes = KESU_VPASSES_ALL};
	struct kesu_job *a = new_job(d, "dod-3pass", &o);
	struct kesu_job_plan plan;
	kesu_job_get_plan(a, &plan);
	/* A state after pass 1, whose verification found sectors 7-8 wrong. */
	struct kesu_job_result r = *kesu_job_result(a);
	for (unsigned i = 0; i < r.npasses; i++)
		memset(&r.passes[i].bad, 0, sizeof(r.passes[i].bad));
	r.passes[0].completed = true;
	r.passes[0].bytes_written = 2 << 20;
	r.passes[0].seconds = 1.5;
	memset(&r.passes[0].verify, 0, sizeof(r.passes[0].verify));
	r.passes[0].verify.done = true;
	r.passes[0].verify.mode = KESU_VMODE_FULL;
	r.passes[0].verify.plan.percent = 100;
	r.passes[0].verify.error = -KESU_EVERIFY;
	kesu_ranges_add(&r.passes[0].verify.mismatched, 7, 2);
	char *state = kesu_job_state_json(&r, 1700000000, 2, 0, NULL);
	kesu_ranges_free(&r.passes[0].verify.mismatched);
	cr_assert_not_null(state);
	memset(d->data, 0x00, 2 << 20); /* what pass 1 left */
	kesu_job_free(a);

	struct kesu_job_options ob = o;
	ob.resume_plan = &plan;
	ob.resume_pass = 2;
	ob.resume_state = state;
	struct kesu_job *b = new_job(d, "dod-3pass", &ob);
	cr_assert_not_null(b);
	kesu_job_run(b);
	const struct kesu_job_result *rb = kesu_job_result(b);
	cr_assert_eq(rb->outcome, KESU_OUTCOME_FAILED, "every later pass verified fine, but pass 1 did not");
	cr_assert(rb->passes[0].earlier_run);
	cr_assert_eq(rb->passes[0].bytes_written, 2 << 20, "an earlier run's pass keeps its bytes");
	cr_assert_float_eq(rb->passes[0].seconds, 1.5, 0.001, "and its time");
	cr_assert_eq(rb->started.tv_sec, 1700000000, "started is the first run's start");
	cr_assert(rb->passes[1].verify.done && rb->passes[1].verify.error == 0);
	free(state);
	kesu_job_free(b);
	sim_free(d);
}

Test(job_state, a_damaged_state_is_refused_whole)
{
	struct sim_drive *d = sim_new(1 << 20, 512);
	struct kesu_job_plan plan = {0};
	static const char *const bad[] = {
		"",
		"{}",
		"{\"kesu_state\":2,\"started\":1,\"pass\":1,\"offset\":0,\"passes\":[{\"number\":1,\"completed\":false,\"bytes\":0,\"ms\":0,\"bad\":[]}]}",
		"{\"kesu_state\":1,\"started\":1,\"pass\":1,\"offset\":99999999,\"passes\":[{\"number\":1,\"completed\":false,\"bytes\":0,\"ms\":0,\"bad\":[]}]}",
		"{\"kesu_state\":1,\"started\":1,\"pass\":1,\"offset\":0,\"passes\":[{\"number\":1,\"completed\":false,\"bytes\":0,\"ms\":0,\"bad\":[[5,-1]]}]}",
		"{\"kesu_state\":1,\"started\":1,\"pass\":1,\"offset\":0,\"passes\":[{\"number\":1,\"completed\":false,\"bytes\":\"0\",\"ms\":0,\"bad\":[]}]}",
		"{\"kesu_state\":1,\"started\":1,\"pass\":2,\"offset\":0,\"passes\":[{\"number\":1,\"completed\":false,\"bytes\":0,\"ms\":0,\"bad\":[]},{\"number\":2,\"completed\":false,\"bytes\":0,\"ms\":0,\"bad\":[]}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct kesu_job_options o = {.retries = -1, .resume_plan = &plan, .resume_pass = 1,
					     .resume_state = bad[i]};
		cr_assert_null(new_job(d, "dod-3pass", &o), "state %zu must be refused", i);
	}
	sim_free(d);
}

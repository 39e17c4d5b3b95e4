/* Jobs on a simulated drive: outcomes, and resuming from a checkpoint
 * with the interrupted job's plan writes exactly what an uninterrupted
 * job would have written. */
#include <criterion/criterion.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/job.h"
#include "sim_job.h"

static struct kesu_job *new_job(struct sim_drive *d, const char *id, const struct kesu_job_options *o)
{
	int rc;
	struct kesu_job *job = sim_job_new(d, id, o, &rc);
	cr_assert_eq(rc, 0);
	return job;
}

Test(job, dod_3pass_succeeds_and_reports_durable_progress)
{
	struct sim_drive *d = sim_new(8 << 20, 512);
	struct kesu_job_options o = {.request_size = 1 << 20, .retries = -1};
	struct kesu_job *job = new_job(d, "dod-3pass", &o);
	cr_assert_eq(kesu_job_run(job), 0);
	const struct kesu_job_result *r = kesu_job_result(job);
	cr_assert_eq(r->outcome, KESU_OUTCOME_SUCCESS);
	cr_assert(r->passes[2].verify.done);
	struct kesu_job_progress p;
	kesu_job_progress(job, &p);
	cr_assert_eq(p.durable_pass, 3);
	cr_assert_eq(p.durable_offset, 8 << 20, "the last pass is durable to its end");
	kesu_job_free(job);
	sim_free(d);
}

Test(job, resume_writes_what_an_uninterrupted_job_would)
{
	uint64_t size = 8 << 20;
	/* The uninterrupted job: dod-ece-7pass ends with a random stream. */
	struct sim_drive *a = sim_new(size, 512);
	struct kesu_job_options o = {.request_size = 1 << 20, .retries = -1};
	struct kesu_job *ja = new_job(a, "dod-ece-7pass", &o);
	cr_assert_eq(kesu_job_run(ja), 0);
	struct kesu_job_plan plan;
	kesu_job_get_plan(ja, &plan);

	/* The interrupted one got through pass 6 and 3 MiB of pass 7. */
	struct sim_drive *b = sim_new(size, 512);
	memcpy(b->data, a->data, 3 << 20);
	struct kesu_job_options ob = o;
	ob.resume_plan = &plan;
	ob.resume_pass = 7;
	ob.resume_offset = 3 << 20;
	struct kesu_job *jb = new_job(b, "dod-ece-7pass", &ob);
	struct kesu_job_progress p;
	kesu_job_progress(jb, &p);
	cr_assert_eq(p.durable_pass, 7, "a resumed job starts from its checkpoint");
	cr_assert_eq(p.durable_offset, 3 << 20);
	cr_assert_eq(kesu_job_run(jb), 0);
	const struct kesu_job_result *rb = kesu_job_result(jb);
	cr_assert_eq(rb->outcome, KESU_OUTCOME_SUCCESS);
	cr_assert(rb->passes[0].earlier_run && rb->passes[5].earlier_run);
	cr_assert_not(rb->passes[6].earlier_run);
	cr_assert_eq(rb->passes[6].resumed_at, 3 << 20);
	cr_assert_eq(rb->passes[6].bytes_written, size - (3 << 20), "only the rest was written");
	cr_assert_eq(memcmp(a->data, b->data, size), 0, "same bytes as the uninterrupted job");
	cr_assert_eq(memcmp(kesu_job_result(ja)->passes[6].seed, rb->passes[6].seed, 32), 0);
	kesu_job_free(ja);
	kesu_job_free(jb);
	sim_free(a);
	sim_free(b);
}

Test(job, bad_sectors_before_a_resume_still_fail_the_job)
{
	struct sim_drive *d = sim_new(4 << 20, 512);
	struct kesu_job_plan plan;
	memset(&plan, 0, sizeof(plan));
	struct kesu_job_options o = {.request_size = 1 << 20, .retries = -1, .resume_plan = &plan,
				     .resume_pass = 1, .resume_offset = 1 << 20, .prior_bad_sectors = 2};
	struct kesu_job *job = new_job(d, "nist-clear", &o);
	cr_assert_lt(kesu_job_run(job), 0);
	const struct kesu_job_result *r = kesu_job_result(job);
	cr_assert_eq(r->outcome, KESU_OUTCOME_FAILED);
	cr_assert_str_eq(r->reason, "2 sector(s) could not be written");
	kesu_job_free(job);
	sim_free(d);
}

Test(job, verification_none_is_unverified_not_success)
{
	struct sim_drive *d = sim_new(2 << 20, 512);
	struct kesu_job_options o = {.request_size = 1 << 20, .retries = -1};
	struct kesu_job *job = new_job(d, "zero", &o);
	cr_assert_eq(kesu_job_run(job), 0);
	cr_assert_eq(kesu_job_result(job)->outcome, KESU_OUTCOME_UNVERIFIED);
	kesu_job_free(job);
	sim_free(d);
}

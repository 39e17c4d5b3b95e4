/* The speed profile of a pass: the sampler keeps at most
 * KESU_PROFILE_POINTS_MAX points with positions that only increase, a
 * resumed pass keeps the earlier run's points (or says where its points
 * begin when the earlier run left none), and the record and the job state
 * hold it as [[offset, bytes_per_second], ...] integers. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/job.h"
#include "kesu/job_state.h"
#include "kesu/record.h"
#include "sim_job.h"
#include "speed_profile.h"

static void assert_increasing(const struct kesu_speed_profile *p, uint64_t size)
{
	uint64_t last = p->from;
	for (unsigned i = 0; i < p->npoints; i++) {
		cr_assert_gt(p->points[i].offset, last, "point %u at %llu after %llu", i,
			     (unsigned long long)p->points[i].offset, (unsigned long long)last);
		cr_assert_leq(p->points[i].offset, size);
		last = p->points[i].offset;
	}
}

/* A run at 1 byte/ns (10^9 B/s) from start to size in request steps. */
static void feed(struct kesu_speed_sampler *s, uint64_t start, uint64_t size, uint64_t request)
{
	for (uint64_t o = start; o < size;) {
		o = o + request < size ? o + request : size;
		Kesu_speed_sample(s, o, o, o == size);
	}
}

Test(speed_profile, a_big_drive_gets_a_point_per_hundredth)
{
	struct kesu_speed_profile p = {0};
	struct kesu_speed_sampler s;
	uint64_t size = UINT64_C(1) << 30;
	Kesu_speed_begin(&s, &p, size, 4 << 20, 0, 0);
	feed(&s, 0, size, 4 << 20);
	cr_assert_geq(p.npoints, 95);
	cr_assert_leq(p.npoints, 101);
	assert_increasing(&p, size);
	cr_assert_eq(p.points[p.npoints - 1].offset, size, "the last point is the end");
	for (unsigned i = 0; i < p.npoints; i++)
		cr_assert_eq(p.points[i].bytes_per_second, 1000000000u, "point %u", i);
}

Test(speed_profile, a_small_drive_gets_a_point_per_request)
{
	struct kesu_speed_profile p = {0};
	struct kesu_speed_sampler s;
	Kesu_speed_begin(&s, &p, 4 << 20, 64 << 10, 0, 0);
	feed(&s, 0, 4 << 20, 64 << 10);
	cr_assert_eq(p.npoints, 64);
	assert_increasing(&p, 4 << 20);
}

Test(speed_profile, tiny_requests_stay_bounded)
{
	struct kesu_speed_profile p = {0};
	struct kesu_speed_sampler s;
	uint64_t size = UINT64_C(1) << 30;
	Kesu_speed_begin(&s, &p, size, 512, 0, 0);
	for (uint64_t o = 4096; o <= size; o += 4096)
		Kesu_speed_sample(&s, o, o, false);
	cr_assert_leq(p.npoints, KESU_PROFILE_POINTS_MAX);
	cr_assert_geq(p.npoints, 99);
	assert_increasing(&p, size);
}

Test(speed_profile, a_full_profile_merges_and_keeps_the_average)
{
	struct kesu_speed_profile p = {0};
	/* alternating 100 and 300 bytes/s over 1000-byte intervals */
	for (unsigned i = 1; i <= 1000; i++)
		Kesu_speed_add(&p, (uint64_t)i * 1000, i % 2 ? 100 : 300);
	cr_assert_leq(p.npoints, KESU_PROFILE_POINTS_MAX);
	cr_assert_gt(p.npoints, KESU_PROFILE_POINTS_MAX / 2);
	assert_increasing(&p, UINT64_MAX);
	cr_assert_eq(p.points[p.npoints - 1].offset, 1000000);
	/* a merged pair: 2000 bytes in 10 s + 3.33 s = 150 bytes/s */
	cr_assert_eq(p.points[0].bytes_per_second, 150, "%llu",
		     (unsigned long long)p.points[0].bytes_per_second);
	cr_assert_not(Kesu_speed_add(&p, 999, 5), "a position going back is dropped");
}

Test(speed_profile, a_resumed_run_keeps_the_earlier_points)
{
	struct kesu_speed_profile p = {0};
	struct kesu_speed_sampler s;
	uint64_t size = 100 << 20;
	Kesu_speed_begin(&s, &p, size, 1 << 20, 0, 0);
	feed(&s, 0, size / 2, 1 << 20);
	unsigned before = p.npoints;
	cr_assert_geq(before, 49);
	/* the new run goes on where the first one stopped */
	Kesu_speed_begin(&s, &p, size, 1 << 20, size / 2, 0);
	feed(&s, size / 2, size, 1 << 20);
	cr_assert_eq(p.from, 0, "the whole pass is covered");
	cr_assert_geq(p.npoints, before + 49);
	assert_increasing(&p, size);
	/* no earlier points: the profile says where it begins */
	struct kesu_speed_profile q = {.from = size};
	Kesu_speed_begin(&s, &q, size, 1 << 20, size / 2, 0);
	feed(&s, size / 2, size, 1 << 20);
	cr_assert_eq(q.from, size / 2, "the profile starts at the resume offset");
	cr_assert_gt(q.points[0].offset, size / 2);
}

Test(speed_profile, json_round_trips_and_refuses_damage)
{
	struct kesu_speed_profile p = {.from = 0, .npoints = 2,
				       .points = {{1048576, 250000000}, {2097152, 125000000}}};
	struct json_object *a = Kesu_speed_json(&p);
	cr_assert_str_eq(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
			 "[[1048576,250000000],[2097152,125000000]]");
	struct kesu_speed_profile back = {0};
	cr_assert(Kesu_speed_parse(a, 2097152, &back));
	cr_assert_eq(back.npoints, 2);
	cr_assert_eq(back.points[1].bytes_per_second, 125000000);
	cr_assert_not(Kesu_speed_parse(a, 2097151, &back), "past the drive");
	cr_assert_eq(back.npoints, 0);
	json_object_put(a);
	static const char *const bad[] = {"[[2,1],[1,1]]", "[[1,-1]]", "[[1]]", "[[1,1.5]]",
					  "[[\"1\",1]]", "{}", NULL};
	for (const char *const *t = bad; *t; t++) {
		struct json_object *o = json_tokener_parse(*t);
		cr_assert_not(Kesu_speed_parse(o, 100, &back), "%s", *t);
		json_object_put(o);
	}
}

static int keep_state(void *ctx, const struct kesu_job_checkpoint *cp)
{
	char **state = ctx;
	free(*state);
	*state = strdup(cp->state_json);
	return cp->pass == 2 && cp->offset >= (1 << 20) ? -EIO : 0; /* "killed" mid pass 2 */
}

/* Removes every "profile" and "profile_from": a state of kesu before profiles. */
static char *without_profiles(const char *state)
{
	struct json_object *o = json_tokener_parse(state), *passes;
	cr_assert(json_object_object_get_ex(o, "passes", &passes));
	for (size_t i = 0; i < json_object_array_length(passes); i++) {
		json_object_object_del(json_object_array_get_idx(passes, i), "profile");
		json_object_object_del(json_object_array_get_idx(passes, i), "profile_from");
	}
	char *text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

static const struct kesu_job_result *resume(struct sim_drive *d, struct kesu_job_plan *plan,
					    const char *state, struct kesu_job **job)
{
	int rc;
	struct kesu_job_options o = {.request_size = 64 << 10, .retries = 0, .resume_plan = plan,
				     .resume_pass = 1, .resume_state = state,
				     .verify_mode = KESU_VMODE_NONE};
	*job = sim_job_new(d, "dod-3pass", &o, &rc);
	cr_assert_not_null(*job, "state refused: %d", rc);
	kesu_job_run(*job);
	return kesu_job_result(*job);
}

Test(speed_profile, a_job_keeps_profiles_through_a_resume)
{
	struct sim_drive *d = sim_new(4 << 20, 512);
	char *state = NULL;
	int rc;
	struct kesu_job_options o = {.request_size = 64 << 10, .retries = 0, .sync_seconds = 0.0001,
				     .verify_mode = KESU_VMODE_NONE, .checkpoint = keep_state,
				     .checkpoint_ctx = &state};
	struct kesu_job *a = sim_job_new(d, "dod-3pass", &o, &rc);
	kesu_job_run(a);
	const struct kesu_job_result *ra = kesu_job_result(a);
	cr_assert_eq(ra->outcome, KESU_OUTCOME_INTERRUPTED);
	cr_assert_eq(ra->passes[0].profile.npoints, 64, "one point per request on 4 MiB");
	cr_assert_eq(ra->smart_after.available, KESU_UNKNOWN, "not a real drive: no SMART");
	struct kesu_job_plan plan;
	kesu_job_get_plan(a, &plan);
	kesu_job_free(a);

	struct kesu_job *b;
	const struct kesu_job_result *rb = resume(d, &plan, state, &b);
	cr_assert_eq(rb->outcome, KESU_OUTCOME_UNVERIFIED);
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(rb->passes[i].profile.from, 0, "pass %u covered from the start", i + 1);
		cr_assert_geq(rb->passes[i].profile.npoints, 63, "pass %u", i + 1);
		assert_increasing(&rb->passes[i].profile, 4 << 20);
	}
	/* The record: the profile as integer pairs, no SMART for a simulated drive. */
	struct kesu_job_context ctx = {0};
	snprintf(ctx.operator_name, sizeof(ctx.operator_name), "Test");
	size_t len;
	char *rec = kesu_record_build(rb, &ctx, "00000000000000000000000000000000", NULL, NULL, NULL, &len);
	cr_assert_not_null(rec);
	cr_assert_not_null(strstr(rec, "\"profile\":[[65536,"), "%.300s", strstr(rec, "\"profile\""));
	cr_assert_not_null(strstr(rec, "\"profile_from\":0"));
	cr_assert_not_null(strstr(rec, "\"smart\":{\"after\":null,\"before\":null}"));
	free(rec);
	kesu_job_free(b);

	/* A state without profiles still resumes; the resumed pass says
	 * where its points begin, the whole passes before it have none. */
	char *old = without_profiles(state);
	const struct kesu_job_result *rc2 = resume(d, &plan, old, &b);
	cr_assert_eq(rc2->outcome, KESU_OUTCOME_UNVERIFIED);
	cr_assert_eq(rc2->passes[0].profile.npoints, 0);
	cr_assert_eq(rc2->passes[0].profile.from, 4 << 20, "nothing known of pass 1");
	cr_assert_geq(rc2->passes[1].profile.from, 1 << 20, "pass 2 from where it resumed");
	cr_assert_gt(rc2->passes[1].profile.npoints, 0);
	cr_assert_eq(rc2->passes[2].profile.from, 0);
	kesu_job_free(b);
	free(old);
	free(state);
	sim_free(d);
}

/* The one sanitize polling loop (firmware_poll.c) with a scripted bus:
 * a sanitize already running is followed and not started again; one that
 * is started is polled to its end with the drive's progress; a failure,
 * a failed look and a cancel each end as they should, whatever the bus. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "firmware_internal.h"
#include "kesu/error.h"

/* One scripted answer per poll; the last repeats. */
struct step {
	int rc;
	bool running;
	int progress; /* -1: none given */
	int result;
	const char *detail;
};

static struct {
	const struct step *steps;
	size_t nsteps, polls, starts;
	unsigned action;
	bool following_at_first;
	int start_rc;
	atomic_bool *cancel_after_first; /* set once polled while following */
} script;

static int poll(struct kesu_fw_ctx *c, struct kesu_fw_poll *p)
{
	const struct step *s = &script.steps[script.polls < script.nsteps ? script.polls : script.nsteps - 1];
	if (script.polls == 0)
		script.following_at_first = p->following;
	script.polls++;
	if (script.cancel_after_first && p->following)
		atomic_store(script.cancel_after_first, true);
	if (s->rc < 0) {
		snprintf(c->rep->detail, sizeof(c->rep->detail), "status failed");
		return s->rc;
	}
	p->running = s->running;
	p->progress_valid = s->progress >= 0;
	p->progress = s->progress >= 0 ? (uint32_t)s->progress : 0;
	p->result = s->result;
	snprintf(p->detail, sizeof(p->detail), "%s", s->detail ? s->detail : "");
	return 0;
}

static int start(struct kesu_fw_ctx *c, unsigned action)
{
	script.starts++;
	script.action = action;
	if (script.start_rc < 0)
		snprintf(c->rep->detail, sizeof(c->rep->detail), "start refused");
	return script.start_rc;
}

struct rig {
	atomic_bool cancel;
	_Atomic uint64_t done, total;
	_Atomic unsigned estimate;
	struct kesu_drive_caps caps;
	struct kesu_firmware_report rep;
	struct kesu_fw_ctx ctx;
};

static void rig_init(struct rig *r, const struct step *steps, size_t n)
{
	memset(r, 0, sizeof(*r));
	memset(&script, 0, sizeof(script));
	script.steps = steps;
	script.nsteps = n;
	r->ctx = (struct kesu_fw_ctx){.caps = &r->caps, .cancel = &r->cancel, .done = &r->done,
				      .total = &r->total, .estimate_s = &r->estimate, .poll_ms = 1,
				      .rep = &r->rep};
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

Test(poll, started_then_followed_to_the_end)
{
	static const struct step steps[] = {
		{0, false, -1, 0, "idle"},        /* the look before sending */
		{0, true, 100, 0, NULL},
		{0, true, 30000, 0, NULL},
		{0, false, -1, 0, "ok; done"},
	};
	struct rig r;
	rig_init(&r, steps, N(steps));
	const struct kesu_fw_sanitize_bus bus = {.poll = poll, .start = start};
	cr_assert_eq(Kesu_fw_sanitize_run(&r.ctx, &bus, 7), 0);
	cr_assert_eq(script.starts, 1);
	cr_assert_eq(script.action, 7);
	cr_assert_not(script.following_at_first, "the first look is not following");
	cr_assert_eq(script.polls, 4);
	cr_assert_not(r.rep.followed_running);
	cr_assert_str_eq(r.rep.detail, "ok; done");
	cr_assert_eq(atomic_load(&r.total), KESU_FW_PROGRESS_FULL);
	cr_assert_eq(atomic_load(&r.done), KESU_FW_PROGRESS_FULL);
	cr_assert_geq(r.rep.seconds, 0.0);
}

Test(poll, a_running_sanitize_is_followed_not_started)
{
	static const struct step steps[] = {
		{0, true, 500, 0, NULL},
		{0, true, 40000, 0, NULL},
		{0, false, -1, 0, "ok"},
	};
	struct rig r;
	rig_init(&r, steps, N(steps));
	const struct kesu_fw_sanitize_bus bus = {.poll = poll, .start = start};
	cr_assert_eq(Kesu_fw_sanitize_run(&r.ctx, &bus, 1), 0);
	cr_assert_eq(script.starts, 0, "never sent a second sanitize");
	cr_assert(r.rep.followed_running);
	bool running = true;
	cr_assert_eq(Kesu_fw_sanitize_look(&r.ctx, &bus, &running), 0);
	cr_assert_not(running, "it has ended");
}

Test(poll, progress_is_the_drives)
{
	static const struct step steps[] = {
		{0, true, 12345, 0, NULL},
	};
	struct rig r;
	rig_init(&r, steps, N(steps));
	script.cancel_after_first = &r.cancel; /* cancelled while it runs */
	const struct kesu_fw_sanitize_bus bus = {.poll = poll, .start = start};
	cr_assert_eq(Kesu_fw_sanitize_run(&r.ctx, &bus, 1), -KESU_EINTERRUPTED);
	cr_assert_eq(atomic_load(&r.done), 12345);
	cr_assert(strstr(r.rep.detail, "goes on inside the drive"), "%s", r.rep.detail);
	cr_assert(r.rep.followed_running);
}

Test(poll, a_failed_sanitize_says_what_the_drive_said)
{
	static const struct step steps[] = {
		{0, false, -1, 0, "idle"},
		{0, false, -1, -EIO, "the sanitize operation failed (status 0x0000)"},
	};
	struct rig r;
	rig_init(&r, steps, N(steps));
	const struct kesu_fw_sanitize_bus bus = {.poll = poll, .start = start};
	cr_assert_eq(Kesu_fw_sanitize_run(&r.ctx, &bus, 1), -EIO);
	cr_assert_str_eq(r.rep.detail, "the sanitize operation failed (status 0x0000)");
	cr_assert_eq(atomic_load(&r.done), 0, "no progress claimed for a failure");
}

Test(poll, a_failed_look_stops_unless_the_bus_allows_it)
{
	static const struct step steps[] = {
		{-EIO, false, -1, 0, NULL},
		{0, false, -1, 0, "ok"},
	};
	struct rig r;
	rig_init(&r, steps, N(steps));
	struct kesu_fw_sanitize_bus bus = {.poll = poll, .start = start};
	cr_assert_eq(Kesu_fw_sanitize_run(&r.ctx, &bus, 1), -EIO);
	cr_assert_eq(script.starts, 0);
	cr_assert_str_eq(r.rep.detail, "status failed");

	rig_init(&r, steps, N(steps));
	bus.look_may_fail = true; /* ATA: the command's own answer says more */
	cr_assert_eq(Kesu_fw_sanitize_run(&r.ctx, &bus, 1), 0);
	cr_assert_eq(script.starts, 1);
	cr_assert_str_eq(r.rep.detail, "ok");
}

Test(poll, a_refused_start_is_not_polled)
{
	static const struct step steps[] = {
		{0, false, -1, 0, "idle"},
	};
	struct rig r;
	rig_init(&r, steps, N(steps));
	script.start_rc = -KESU_EUNSUPPORTED;
	const struct kesu_fw_sanitize_bus bus = {.poll = poll, .start = start};
	cr_assert_eq(Kesu_fw_sanitize_run(&r.ctx, &bus, 1), -KESU_EUNSUPPORTED);
	cr_assert_eq(script.polls, 1);
	cr_assert_str_eq(r.rep.detail, "start refused");
}

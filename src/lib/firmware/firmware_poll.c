/* The one sanitize polling loop: every bus's sanitize is looked at before
 * it is sent (a sanitize cut short by power loss resumes inside the drive,
 * and is followed rather than started again), then polled until the drive
 * reports its end. Each bus only says how to ask (struct
 * kesu_fw_sanitize_bus in firmware_internal.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "firmware_internal.h"

static int follow(struct kesu_fw_ctx *c, const struct kesu_fw_sanitize_bus *bus,
		  const struct timespec *start)
{
	struct kesu_firmware_report *rep = c->rep;
	atomic_store(c->total, KESU_FW_PROGRESS_FULL);
	for (;;) {
		struct kesu_fw_poll p = {.following = true};
		int rc = bus->poll(c, &p);
		if (rc < 0)
			return rc;
		if (!p.running) {
			rep->seconds = Kesu_fw_elapsed(start);
			if (p.result == 0)
				atomic_store(c->done, KESU_FW_PROGRESS_FULL);
			snprintf(rep->detail, sizeof(rep->detail), "%s", p.detail);
			return p.result;
		}
		if (p.progress_valid)
			atomic_store(c->done, p.progress);
		if (Kesu_fw_wait(c)) {
			rep->seconds = Kesu_fw_elapsed(start);
			snprintf(rep->detail, sizeof(rep->detail),
				 "stopped following the sanitize, which goes on inside the drive; "
				 "run kesu again to follow it to its end");
			return -KESU_EINTERRUPTED;
		}
	}
}

int Kesu_fw_sanitize_run(struct kesu_fw_ctx *c, const struct kesu_fw_sanitize_bus *bus,
			 unsigned action)
{
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct kesu_fw_poll p = {.following = false};
	int rc = bus->poll(c, &p);
	if (rc < 0 && !bus->look_may_fail)
		return rc;
	if (rc == 0 && p.running) {
		c->rep->followed_running = true;
		return follow(c, bus, &start);
	}
	if (rc == 0 && p.frozen) { /* the command would only be aborted */
		snprintf(c->rep->detail, sizeof(c->rep->detail), "%s", p.detail);
		return -KESU_EREFUSED;
	}
	rc = bus->start(c, action);
	if (rc < 0)
		return rc;
	return follow(c, bus, &start);
}

int Kesu_fw_sanitize_look(struct kesu_fw_ctx *c, const struct kesu_fw_sanitize_bus *bus,
			  bool *running)
{
	struct kesu_fw_poll p = {.following = false};
	int rc = bus->poll(c, &p);
	*running = rc == 0 && p.running;
	return rc;
}

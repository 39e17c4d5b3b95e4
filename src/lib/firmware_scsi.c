/* SCSI firmware erasure: SANITIZE with IMMED, followed by polling
 * REQUEST SENSE, whose sense-key specific bytes carry the progress while
 * the drive reports NOT READY, SANITIZE IN PROGRESS (04h/1Bh). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "firmware_internal.h"

#define SENSE_NOT_READY 0x02
#define SENSE_MEDIUM_ERROR 0x03

/* The drive's deferred state, from REQUEST SENSE data. */
static int request_sense(struct kesu_fw_ctx *c, struct kesu_sense *s)
{
	uint8_t buf[252];
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	memset(buf, 0, sizeof(buf));
	kesu_scsi_request_sense_cmd(&cmd, true, buf, sizeof(buf));
	int rc = kesu_scsi_send(c->pt, &cmd, &res);
	if (rc < 0) {
		snprintf(c->rep->detail, sizeof(c->rep->detail), "REQUEST SENSE failed: %s", res.reason);
		return rc;
	}
	if (kesu_sense_parse(buf, sizeof(buf), s) < 0)
		memset(s, 0, sizeof(*s)); /* no sense data: nothing pending */
	return 0;
}

static bool sanitizing(const struct kesu_sense *s)
{
	return s->key == SENSE_NOT_READY && s->asc == 0x04 && s->ascq == 0x1b;
}

static int follow_sanitize(struct kesu_fw_ctx *c, const struct timespec *start)
{
	struct kesu_firmware_report *rep = c->rep;
	atomic_store(c->total, KESU_FW_PROGRESS_FULL);
	for (;;) {
		struct kesu_sense s;
		int rc = request_sense(c, &s);
		if (rc < 0)
			return rc;
		if (!sanitizing(&s)) {
			rep->seconds = kesu_fw_elapsed(start);
			if (s.key == SENSE_MEDIUM_ERROR && s.asc == 0x31 && s.ascq == 0x03) {
				snprintf(rep->detail, sizeof(rep->detail),
					 "SANITIZE COMMAND FAILED (sense 3/31/03)");
				return -EIO;
			}
			if (s.key != 0 && s.key != 0x01) { /* NO SENSE, RECOVERED ERROR */
				snprintf(rep->detail, sizeof(rep->detail),
					 "the drive reports sense %x/%02x/%02x after the sanitize", s.key,
					 s.asc, s.ascq);
				return -EIO;
			}
			atomic_store(c->done, KESU_FW_PROGRESS_FULL);
			snprintf(rep->detail, sizeof(rep->detail), "ok; sanitize completed");
			return 0;
		}
		if (s.progress_valid)
			atomic_store(c->done, s.progress);
		if (kesu_fw_wait(c)) {
			rep->seconds = kesu_fw_elapsed(start);
			snprintf(rep->detail, sizeof(rep->detail),
				 "stopped following the sanitize, which goes on inside the drive; "
				 "run kesu again to follow it to its end");
			return -KESU_EINTERRUPTED;
		}
	}
}

int kesu_fw_scsi_sanitize(struct kesu_fw_ctx *c, enum kesu_scsi_sanitize_action action)
{
	struct kesu_firmware_report *rep = c->rep;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct kesu_sense s;
	int rc = request_sense(c, &s);
	if (rc < 0)
		return rc;
	if (sanitizing(&s)) {
		rep->followed_running = true;
		return follow_sanitize(c, &start);
	}
	uint8_t params[8];
	int plen = 0;
	if (action == KESU_SCSI_SANITIZE_OVERWRITE) {
		static const uint8_t zeros[4] = {0, 0, 0, 0};
		plen = kesu_scsi_sanitize_overwrite_params(params, sizeof(params), 1, false, zeros,
							   sizeof(zeros));
		if (plen < 0)
			return plen;
	}
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	rc = kesu_scsi_sanitize_cmd(&cmd, action, true, false, plen ? params : NULL, (uint16_t)plen);
	if (rc < 0)
		return rc;
	rc = kesu_scsi_send(c->pt, &cmd, &res);
	if (rc < 0) {
		snprintf(rep->detail, sizeof(rep->detail), "SANITIZE failed: %s", res.reason);
		return rc;
	}
	return follow_sanitize(c, &start);
}

int kesu_fw_scsi_sanitize_running(struct kesu_fw_ctx *c, bool *running)
{
	struct kesu_sense s;
	int rc = request_sense(c, &s);
	*running = rc == 0 && sanitizing(&s);
	return rc;
}

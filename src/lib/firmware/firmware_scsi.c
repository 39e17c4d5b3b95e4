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
	Kesu_scsi_request_sense_cmd(&cmd, true, buf, sizeof(buf));
	int rc = Kesu_scsi_send(c->pt, &cmd, &res);
	if (rc < 0) {
		snprintf(c->rep->detail, sizeof(c->rep->detail), "REQUEST SENSE failed: %s", res.reason);
		return rc;
	}
	if (Kesu_sense_parse(buf, sizeof(buf), s) < 0)
		memset(s, 0, sizeof(*s)); /* no sense data: nothing pending */
	return 0;
}

static bool sanitizing(const struct kesu_sense *s)
{
	return s->key == SENSE_NOT_READY && s->asc == 0x04 && s->ascq == 0x1b;
}

static int sanitize_poll(struct kesu_fw_ctx *c, struct kesu_fw_poll *p)
{
	struct kesu_sense s;
	int rc = request_sense(c, &s);
	if (rc < 0)
		return rc;
	if (sanitizing(&s)) {
		p->running = true;
		p->progress_valid = s.progress_valid;
		p->progress = s.progress;
		return 0;
	}
	p->result = -EIO;
	if (s.key == SENSE_MEDIUM_ERROR && s.asc == 0x31 && s.ascq == 0x03)
		snprintf(p->detail, sizeof(p->detail), "SANITIZE COMMAND FAILED (sense 3/31/03)");
	else if (s.key != 0 && s.key != 0x01) /* NO SENSE, RECOVERED ERROR */
		snprintf(p->detail, sizeof(p->detail),
			 "the drive reports sense %x/%02x/%02x after the sanitize", s.key, s.asc, s.ascq);
	else {
		p->result = 0;
		snprintf(p->detail, sizeof(p->detail), "ok; sanitize completed");
	}
	return 0;
}

static int sanitize_start(struct kesu_fw_ctx *c, unsigned action)
{
	uint8_t params[8];
	int plen = 0;
	if (action == KESU_SCSI_SANITIZE_OVERWRITE) {
		static const uint8_t zeros[4] = {0, 0, 0, 0};
		plen = Kesu_scsi_sanitize_overwrite_params(params, sizeof(params), 1, false, zeros,
							   sizeof(zeros));
		if (plen < 0)
			return plen;
	}
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	int rc = Kesu_scsi_sanitize_cmd(&cmd, (enum kesu_scsi_sanitize_action)action, true, false,
					plen ? params : NULL, (uint16_t)plen);
	if (rc < 0)
		return rc;
	rc = Kesu_scsi_send(c->pt, &cmd, &res);
	if (rc < 0)
		snprintf(c->rep->detail, sizeof(c->rep->detail), "SANITIZE failed: %s", res.reason);
	return rc;
}

static const struct kesu_fw_sanitize_bus scsi_sanitize = {
	.poll = sanitize_poll,
	.start = sanitize_start,
};

int Kesu_fw_scsi_sanitize(struct kesu_fw_ctx *c, enum kesu_scsi_sanitize_action action)
{
	return Kesu_fw_sanitize_run(c, &scsi_sanitize, action);
}

int Kesu_fw_scsi_sanitize_running(struct kesu_fw_ctx *c, bool *running)
{
	return Kesu_fw_sanitize_look(c, &scsi_sanitize, running);
}

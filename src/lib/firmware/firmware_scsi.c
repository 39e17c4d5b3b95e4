/* SCSI firmware erasure: SANITIZE with IMMED, followed by polling
 * REQUEST SENSE, whose sense-key specific bytes carry the progress while
 * the drive reports NOT READY, SANITIZE IN PROGRESS (04h/1Bh), or whose
 * progress indication descriptor (0Ah) does next to another sense key.
 * REQUEST SENSE asks for descriptor format and falls back to fixed format
 * when the drive refuses DESC=1 (as sg_sanitize does). A UNIT ATTENTION
 * (after a reset, a power-on, a changed mode page) is reported once and
 * is no failure: Kesu_scsi_send sends the command again, a bounded number
 * of times; one reported in REQUEST SENSE data is cleared here the same way. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "firmware_internal.h"

#define SENSE_NOT_READY 0x02
#define SENSE_MEDIUM_ERROR 0x03
#define SENSE_UNIT_ATTENTION 0x06
/* UNIT ATTENTIONs reported in REQUEST SENSE data in a row, as many as
 * Kesu_scsi_send takes before it calls a command failed. */
#define UNIT_ATTENTION_TRIES 8

/* One REQUEST SENSE: descriptor format unless the drive refused it. */
static int request_sense_once(struct kesu_fw_ctx *c, uint8_t *buf, uint8_t len)
{
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	memset(buf, 0, len);
	Kesu_scsi_request_sense_cmd(&cmd, !c->scsi_fixed_sense, buf, len);
	int rc = Kesu_scsi_send(c->pt, &cmd, &res);
	if (rc == -KESU_EUNSUPPORTED && !c->scsi_fixed_sense) {
		/* DESC=1 refused (invalid field in CDB): fixed format from now on. */
		c->scsi_fixed_sense = true;
		memset(buf, 0, len);
		Kesu_scsi_request_sense_cmd(&cmd, false, buf, len);
		rc = Kesu_scsi_send(c->pt, &cmd, &res);
	}
	if (rc < 0)
		snprintf(c->rep->detail, sizeof(c->rep->detail), "REQUEST SENSE failed: %s", res.reason);
	return rc;
}

/* The drive's deferred state, from REQUEST SENSE data. A UNIT ATTENTION
 * it reports there is cleared by being reported: ask again. */
static int request_sense(struct kesu_fw_ctx *c, struct kesu_sense *s)
{
	uint8_t buf[252];
	for (unsigned i = 0; i < UNIT_ATTENTION_TRIES; i++) {
		int rc = request_sense_once(c, buf, sizeof(buf));
		if (rc < 0)
			return rc;
		if (Kesu_sense_parse(buf, sizeof(buf), s) < 0)
			memset(s, 0, sizeof(*s)); /* no sense data: nothing pending */
		if (s->key != SENSE_UNIT_ATTENTION ||
		    (s->pi_valid && s->pi_key == SENSE_NOT_READY && s->pi_asc == 0x04 && s->pi_ascq == 0x1b))
			return 0; /* not a UNIT ATTENTION, or one that carries the sanitize's progress */
	}
	snprintf(c->rep->detail, sizeof(c->rep->detail),
		 "REQUEST SENSE: the drive reported UNIT ATTENTION %u times in a row", UNIT_ATTENTION_TRIES);
	return -EIO;
}

static bool sanitize_code(uint8_t key, uint8_t asc, uint8_t ascq)
{
	return key == SENSE_NOT_READY && asc == 0x04 && ascq == 0x1b;
}

/* Running, with its progress from the sense-key specific bytes or from a
 * progress indication descriptor naming the sanitize. */
static bool sanitizing(const struct kesu_sense *s, bool *progress_valid, uint16_t *progress)
{
	if (sanitize_code(s->key, s->asc, s->ascq)) {
		*progress_valid = s->progress_valid || s->pi_valid;
		*progress = s->progress_valid ? s->progress : s->pi_progress;
		return true;
	}
	if (s->pi_valid && sanitize_code(s->pi_key, s->pi_asc, s->pi_ascq)) {
		*progress_valid = true;
		*progress = s->pi_progress;
		return true;
	}
	return false;
}

static int sanitize_poll(struct kesu_fw_ctx *c, struct kesu_fw_poll *p)
{
	struct kesu_sense s;
	int rc = request_sense(c, &s);
	if (rc < 0)
		return rc;
	bool progress_valid = false;
	uint16_t progress = 0;
	if (sanitizing(&s, &progress_valid, &progress)) {
		p->running = true;
		p->progress_valid = progress_valid;
		p->progress = progress;
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

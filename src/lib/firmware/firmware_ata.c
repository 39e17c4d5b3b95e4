/* ATA firmware erasure: SECURITY ERASE UNIT (with a temporary password,
 * and its removal whatever happens) and SANITIZE with status polling.
 * The steps and why they are in this order: docs/firmware.md. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "firmware_internal.h"

static int identify(struct kesu_fw_ctx *c, struct kesu_ata_identify *id)
{
	uint8_t buf[512];
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	Kesu_ata_identify_cmd(&cmd, buf);
	int rc = Kesu_ata_send(c->pt, &cmd, &res);
	if (rc < 0) {
		snprintf(c->rep->detail, sizeof(c->rep->detail), "IDENTIFY DEVICE failed: %s", res.reason);
		return rc;
	}
	rc = kesu_ata_identify_parse(buf, id);
	if (rc < 0)
		snprintf(c->rep->detail, sizeof(c->rep->detail), "IDENTIFY DEVICE data is corrupt");
	return rc;
}

/* Sends one SECURITY command that carries the password; the payload is
 * wiped before returning. */
static int send_password_cmd(struct kesu_fw_ctx *c,
			     void (*build)(struct kesu_ata_cmd *, uint8_t *), bool enhanced,
			     unsigned timeout_s, struct kesu_ata_result *res)
{
	uint8_t payload[KESU_ATA_SECURITY_PAYLOAD];
	struct kesu_ata_cmd cmd;
	int rc = Kesu_ata_security_payload(payload, false, enhanced, c->password, strlen(c->password));
	if (rc < 0)
		return rc;
	build(&cmd, payload);
	if (timeout_s)
		cmd.timeout_s = timeout_s;
	rc = Kesu_ata_send(c->pt, &cmd, res);
	sodium_memzero(payload, sizeof(payload));
	return rc;
}

static void build_set_password(struct kesu_ata_cmd *c, uint8_t *p) { Kesu_ata_set_password_cmd(c, p); }
static void build_unlock(struct kesu_ata_cmd *c, uint8_t *p) { Kesu_ata_unlock_cmd(c, p); }
static void build_disable(struct kesu_ata_cmd *c, uint8_t *p) { Kesu_ata_disable_password_cmd(c, p); }
static void build_erase(struct kesu_ata_cmd *c, uint8_t *p) { Kesu_ata_erase_unit_cmd(c, p, 0); }

/* After a failure with the password set: UNLOCK if locked, DISABLE
 * PASSWORD, and believe only IDENTIFY. Sets rep->password_cleared. */
static void remove_password(struct kesu_fw_ctx *c)
{
	struct kesu_ata_identify id;
	struct kesu_ata_result res;
	if (identify(c, &id) < 0)
		return;
	if (id.security_locked)
		(void)send_password_cmd(c, build_unlock, false, 0, &res);
	if (id.security_enabled)
		(void)send_password_cmd(c, build_disable, false, 0, &res);
	if (identify(c, &id) == 0 && !id.security_enabled)
		c->rep->password_cleared = true;
}

/* SG_IO must wait longer than the erase. hdparm's rule
 * (get_erase_timeout_secs): the drive's estimate (word 89, or 90 for
 * enhanced) doubled plus an hour; a saturated estimate (0xFF: "more than
 * 508 minutes", extended 0x7FFF: "more than 65532") plus 90 minutes; and
 * never less than the capacity at 30 MiB/s plus 30 minutes. kesu counts
 * the capacity in the drive's logical sectors (4096 bytes on a 4Kn drive,
 * where hdparm assumes 512), and waits at least 2 hours. */
static unsigned erase_timeout(const struct kesu_ata_identify *id, bool enhanced)
{
	unsigned minutes = enhanced ? id->enhanced_erase_minutes : id->erase_minutes;
	bool over = enhanced ? id->enhanced_erase_minutes_over : id->erase_minutes_over;
	uint64_t bytes = id->sectors * (id->logical_sector ? id->logical_sector : 512u);
	uint64_t by_size = bytes / (30u * 1024 * 1024) + 30 * 60;
	uint64_t by_estimate = !minutes ? 0 : over ? ((uint64_t)minutes + 90) * 60
						 : (2 * (uint64_t)minutes + 60) * 60;
	uint64_t t = by_size > by_estimate ? by_size : by_estimate;
	if (t < 2 * 3600)
		t = 2 * 3600;
	return t > UINT32_MAX / 1000 ? UINT32_MAX / 1000 : (unsigned)t;
}

int Kesu_fw_ata_security_erase(struct kesu_fw_ctx *c, bool enhanced)
{
	struct kesu_firmware_report *rep = c->rep;
	if (!c->password || !*c->password || strlen(c->password) > KESU_ATA_PASSWORD_MAX) {
		snprintf(rep->detail, sizeof(rep->detail), "no temporary password was given");
		return -EINVAL;
	}
	struct kesu_ata_identify id;
	int rc = identify(c, &id);
	if (rc < 0)
		return rc;
	const char *refusal = !id.security_supported ? "the drive has no Security feature set"
			    : id.security_frozen ? "security is frozen"
			    : id.security_locked ? "the drive is locked"
			    : id.security_count_expired ? "the password attempt counter has expired"
			    : id.security_enabled ? "a user password is already set"
			    : enhanced && !id.security_enhanced_supported ? "enhanced erase is not supported"
			    : NULL;
	if (refusal) {
		snprintf(rep->detail, sizeof(rep->detail), "%s", refusal);
		return id.security_supported && !(enhanced && !id.security_enhanced_supported)
			       ? -KESU_EREFUSED : -KESU_EUNSUPPORTED;
	}
	unsigned minutes = enhanced ? id.enhanced_erase_minutes : id.erase_minutes;
	rep->estimate_s = minutes * 60;
	rep->timeout_s = erase_timeout(&id, enhanced);
	atomic_store(c->estimate_s, rep->estimate_s);

	struct kesu_ata_result res;
	rc = send_password_cmd(c, build_set_password, false, 0, &res);
	if (rc < 0) {
		snprintf(rep->detail, sizeof(rep->detail), "SECURITY SET PASSWORD failed: %s", res.reason);
		/* A drive may have set it anyway: look before leaving. */
		if (identify(c, &id) == 0 && id.security_enabled) {
			rep->password_set = true;
			remove_password(c);
		}
		return rc;
	}
	rep->password_set = true;
	if ((rc = identify(c, &id)) < 0 || !id.security_enabled) {
		if (rc == 0) {
			snprintf(rep->detail, sizeof(rep->detail),
				 "SECURITY SET PASSWORD succeeded but security is not enabled");
			rc = -EIO;
		}
		remove_password(c);
		return rc;
	}

	/* ERASE PREPARE must come directly before ERASE UNIT. */
	struct kesu_ata_cmd prepare;
	Kesu_ata_erase_prepare_cmd(&prepare);
	rc = Kesu_ata_send(c->pt, &prepare, &res);
	if (rc == 0) {
		struct timespec start;
		clock_gettime(CLOCK_MONOTONIC, &start);
		rc = send_password_cmd(c, build_erase, enhanced, rep->timeout_s, &res);
		rep->seconds = Kesu_fw_elapsed(&start);
		if (rc < 0)
			snprintf(rep->detail, sizeof(rep->detail), "SECURITY ERASE UNIT failed: %s",
				 res.reason);
	} else {
		snprintf(rep->detail, sizeof(rep->detail), "SECURITY ERASE PREPARE failed: %s", res.reason);
	}
	if (rc == 0) {
		/* A successful erase disables the password: the drive must say so. */
		rc = identify(c, &id);
		if (rc == 0 && id.security_enabled) {
			snprintf(rep->detail, sizeof(rep->detail),
				 "SECURITY ERASE UNIT reported success but security is still enabled");
			rc = -EIO;
		}
	}
	if (rc < 0) {
		remove_password(c);
		return rc;
	}
	rep->password_cleared = true;
	snprintf(rep->detail, sizeof(rep->detail), "ok; security disabled again");
	return 0;
}

/* ---- 48-bit answers through fixed-format sense ---------------------------- */

static bool whole(const struct kesu_ata_result *r, bool need_count, bool need_lba)
{
	return r->regs_valid && r->lba_low_valid && (!need_count || r->count_high_valid) &&
	       (!need_lba || r->lba_high_valid);
}

/* D_SENSE=1 in the Control mode page (what sdparm --set D_SENSE=1 does):
 * libata then answers every CK_COND in descriptor format. Only the current
 * value changes (SP 0): a reset brings the drive's default back. */
static int descriptor_sense_on(struct kesu_passthru *pt)
{
	uint8_t page[KESU_SCSI_CONTROL_LIST], list[KESU_SCSI_CONTROL_LIST];
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	memset(page, 0, sizeof(page));
	Kesu_scsi_mode_sense_control_cmd(&cmd, page);
	int rc = Kesu_scsi_send(pt, &cmd, &res);
	if (rc < 0)
		return rc;
	if (Kesu_scsi_control_page_dsense(page, sizeof(page), true, list) < 0)
		return -EIO;
	Kesu_scsi_mode_select_control_cmd(&cmd, list);
	return Kesu_scsi_send(pt, &cmd, &res);
}

int Kesu_ata_send_whole(struct kesu_passthru *pt, const struct kesu_ata_cmd *cmd,
			struct kesu_ata_result *res, bool need_count, bool need_lba)
{
	int rc = Kesu_ata_send(pt, cmd, res);
	/* An error needs only LBA 7:0 (ATA's reason); a success the halves asked for. */
	bool ok = rc < 0 ? !res->regs_valid || res->lba_low_valid : whole(res, need_count, need_lba);
	if (ok && (rc < 0 || res->regs_valid))
		return rc;
	if (rc < 0 && rc != -KESU_EUNSUPPORTED)
		return rc; /* not an ABRT: its reason is enough */
	if (descriptor_sense_on(pt) == 0) {
		rc = Kesu_ata_send(pt, cmd, res);
		if (rc < 0 ? !res->regs_valid || res->lba_low_valid : whole(res, need_count, need_lba))
			return rc;
	}
	if (rc < 0)
		return rc; /* refused all the same, without a readable reason */
	res->reason = res->regs_valid
			      ? "the answer came as fixed-format sense, which cannot hold its 48-bit "
				"value, and the device could not be switched to descriptor sense (D_SENSE)"
			      : "the drive's registers did not come back";
	return -ENODATA;
}

/* ---- SANITIZE -------------------------------------------------------------- */

/* An aborted SANITIZE says why in LBA 7:0 (ACS-3; hdparm's decoding):
 * -EIO with its name for a failed sanitize, -KESU_EREFUSED for a frozen
 * drive, -KESU_EUNSUPPORTED otherwise; *reason NULL when none was given. */
static int sanitize_abort_reason(const struct kesu_ata_result *res, const char **reason)
{
	*reason = NULL;
	if (!res->regs_valid || !res->lba_low_valid || !(res->status & KESU_ATA_STATUS_ERR) ||
	    !(res->error & KESU_ATA_ERROR_ABRT))
		return -KESU_EUNSUPPORTED;
	switch (res->lba & 0xff) {
	case KESU_ATA_SANITIZE_ERR_FAILED:
		*reason = "the last sanitize completed unsuccessfully (Sanitize Operation Failed "
			  "state, reason 01h)";
		return -EIO;
	case KESU_ATA_SANITIZE_ERR_UNSUPPORTED:
		*reason = "unsupported sanitize device command (reason 02h)";
		return -KESU_EUNSUPPORTED;
	case KESU_ATA_SANITIZE_ERR_FROZEN:
		*reason = "the drive is in the Sanitize Frozen state (SANITIZE FREEZE LOCK, usually "
			  "sent by the BIOS; reason 03h): power-cycle it without the BIOS";
		return -KESU_EREFUSED;
	case KESU_ATA_SANITIZE_ERR_ANTIFREEZE:
		*reason = "SANITIZE ANTIFREEZE LOCK is on (reason 04h)";
		return -KESU_EREFUSED;
	default:
		return -KESU_EUNSUPPORTED; /* 0: reason not reported */
	}
}

/* SANITIZE STATUS EXT: COUNT 15:8 says in progress / completed without
 * error / frozen, LBA 15:0 the progress. In fixed-format sense COUNT 15:8
 * is lost: the answer is asked again in descriptor format, or is unknown. */
static int sanitize_poll(struct kesu_fw_ctx *c, struct kesu_fw_poll *p)
{
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	Kesu_ata_sanitize_cmd(&cmd, KESU_ATA_SANITIZE_STATUS, false, 0, 0, false);
	int rc = Kesu_ata_send_whole(c->pt, &cmd, &res, true, false);
	if (rc == -KESU_EUNSUPPORTED) {
		const char *why;
		int verdict = sanitize_abort_reason(&res, &why);
		if (verdict == -EIO) { /* the drive says its sanitize failed: a final answer */
			p->running = false;
			p->result = -EIO;
			snprintf(p->detail, sizeof(p->detail), "the sanitize operation failed: %s", why);
			return 0;
		}
		if (why) {
			rc = verdict;
			res.reason = why;
		}
	}
	if (rc < 0) {
		snprintf(c->rep->detail, sizeof(c->rep->detail), "SANITIZE STATUS failed: %s", res.reason);
		return rc;
	}
	p->running = res.count & KESU_ATA_SANITIZE_IN_PROGRESS;
	p->progress_valid = p->running;
	p->progress = (uint32_t)(res.lba & 0xffff);
	if (p->running)
		return 0;
	if (res.count & KESU_ATA_SANITIZE_DONE_OK) {
		p->result = 0;
		snprintf(p->detail, sizeof(p->detail), "ok; sanitize completed without error");
	} else {
		p->result = -EIO;
		snprintf(p->detail, sizeof(p->detail), "the sanitize operation failed (status 0x%04x)",
			 res.count);
	}
	if (!p->following && (res.count & KESU_ATA_SANITIZE_FROZEN)) { /* checked before sending */
		p->frozen = true;
		snprintf(p->detail, sizeof(p->detail),
			 "sanitize is frozen (SANITIZE FREEZE LOCK, usually sent by the BIOS): the "
			 "drive aborts every sanitize command until it is power-cycled without the BIOS");
	}
	return 0;
}

static int sanitize_start(struct kesu_fw_ctx *c, unsigned action)
{
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	/* Overwrite: one pass of 00000000, so the proof can expect zeros. */
	int rc = Kesu_ata_sanitize_cmd(&cmd, (enum kesu_ata_sanitize_action)action, false, 0, 1, false);
	if (rc < 0)
		return rc;
	rc = Kesu_ata_send(c->pt, &cmd, &res);
	if (rc < 0) {
		const char *why = NULL;
		if (rc == -KESU_EUNSUPPORTED)
			rc = sanitize_abort_reason(&res, &why);
		snprintf(c->rep->detail, sizeof(c->rep->detail), "SANITIZE failed: %s",
			 why ? why : res.reason);
	}
	return rc;
}

static const struct kesu_fw_sanitize_bus ata_sanitize = {
	.poll = sanitize_poll,
	.start = sanitize_start,
	.look_may_fail = true,
};

int Kesu_fw_ata_sanitize(struct kesu_fw_ctx *c, enum kesu_ata_sanitize_action action)
{
	return Kesu_fw_sanitize_run(c, &ata_sanitize, action);
}

int Kesu_fw_ata_sanitize_running(struct kesu_fw_ctx *c, bool *running)
{
	*running = false;
	if (!c->caps->ata.sanitize_supported)
		return 0;
	return Kesu_fw_sanitize_look(c, &ata_sanitize, running);
}

int Kesu_fw_ata_identify(struct kesu_passthru *pt, struct kesu_ata_identify *id, bool *answered,
			 const char **reason)
{
	uint8_t buf[KESU_ATA_IDENTIFY_SIZE];
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	memset(buf, 0, sizeof(buf));
	Kesu_ata_identify_cmd(&cmd, buf);
	int rc = Kesu_ata_send(pt, &cmd, &res);
	*answered = rc == 0;
	if (rc < 0) {
		*reason = res.reason && res.reason[0] ? res.reason : "no reason given";
		return rc;
	}
	if (kesu_ata_identify_parse(buf, id) < 0) {
		*reason = "the IDENTIFY data is not usable (a bad checksum, or not a disk)";
		return -KESU_EPARSE;
	}
	return 0;
}

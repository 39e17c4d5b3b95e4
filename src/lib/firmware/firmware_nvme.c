/* NVMe firmware erasure: Format NVM with Secure Erase Settings, and
 * Sanitize followed through the Sanitize Status log (0x81). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "firmware_internal.h"

/* Format runs inside the command: allow it hours, as nvme-cli does for
 * large namespaces (the kernel's admin default is 60 s). */
#define FORMAT_TIMEOUT_MS (4u * 3600 * 1000)

/* The namespaces the command erases go into the report (the record);
 * the caller listed and gated them before (kesu_nvme_scope_gate). */
static int take_scope(struct kesu_fw_ctx *c, enum kesu_firmware_command command)
{
	char why[KESU_ERRMSG_MAX];
	int rc = kesu_nvme_scope(c->caps, command, &c->rep->scope, why, sizeof(why));
	if (rc < 0)
		snprintf(c->rep->detail, sizeof(c->rep->detail), "%s", why);
	return rc;
}

int Kesu_fw_nvme_format(struct kesu_fw_ctx *c, unsigned ses)
{
	struct kesu_firmware_report *rep = c->rep;
	const struct kesu_drive_caps *caps = c->caps;
	const struct kesu_nvme_id_ns *ns = &caps->nvme_ns;
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	int rc = take_scope(c, ses == 2 ? KESU_FW_NVME_FORMAT_CRYPTO : KESU_FW_NVME_FORMAT_ERASE);
	if (rc < 0)
		return rc;
	/* Keep the namespace's current LBA format, metadata setting and
	 * protection information: only the data goes. */
	rc = Kesu_nvme_format_cmd(&cmd, rep->scope.send_nsid, ns->format_index, ns->metadata_extended,
				  ns->protection_type, ns->protection_first, ses, FORMAT_TIMEOUT_MS);
	if (rc < 0)
		return rc;
	rep->timeout_s = FORMAT_TIMEOUT_MS / 1000;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = Kesu_nvme_send(c->pt, &cmd, &res);
	rep->seconds = Kesu_fw_elapsed(&start);
	if (rc < 0) {
		snprintf(rep->detail, sizeof(rep->detail), "Format NVM failed: %s (status 0x%03x)",
			 res.reason, res.status);
		return rc;
	}
	snprintf(rep->detail, sizeof(rep->detail), "ok; Format NVM completed");
	return 0;
}

static int read_sanitize_log(struct kesu_fw_ctx *c, struct kesu_nvme_sanitize_log *log)
{
	uint8_t buf[KESU_NVME_LOG_SIZE];
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	int rc = Kesu_nvme_get_log_cmd(&cmd, KESU_NVME_LOG_SANITIZE, KESU_NVME_NSID_ALL, buf, sizeof(buf));
	if (rc == 0)
		rc = Kesu_nvme_send(c->pt, &cmd, &res);
	if (rc < 0) {
		snprintf(c->rep->detail, sizeof(c->rep->detail), "Get Log Page 0x81 failed: %s",
			 res.reason);
		return rc;
	}
	return kesu_nvme_sanitize_log_parse(buf, sizeof(buf), log);
}

static uint32_t estimate_for(const struct kesu_nvme_sanitize_log *log, uint32_t sanact)
{
	uint32_t t = sanact == KESU_NVME_SANACT_CRYPTO ? log->time_crypto_erase
		   : sanact == KESU_NVME_SANACT_BLOCK ? log->time_block_erase
						      : log->time_overwrite;
	return t == KESU_NVME_TIME_UNKNOWN ? 0 : t;
}

/* The Sanitize Status log: SSTAT's status, SPROG the progress; its time
 * estimates, once the sanitize is kesu's to follow. */
static int sanitize_poll(struct kesu_fw_ctx *c, struct kesu_fw_poll *p)
{
	struct kesu_firmware_report *rep = c->rep;
	struct kesu_nvme_sanitize_log log;
	int rc = read_sanitize_log(c, &log);
	if (rc < 0)
		return rc;
	if (p->following && !rep->estimate_s) {
		rep->estimate_s = estimate_for(&log, log.cdw10 & 7);
		atomic_store(c->estimate_s, rep->estimate_s);
	}
	switch (log.status) {
	case KESU_NVME_SANITIZE_IN_PROGRESS:
		p->running = true;
		p->progress_valid = true;
		p->progress = log.progress > 0xffff ? 0 : log.progress;
		if (log.cdw10 == c->nvme_scdw10)
			c->nvme_seen_running = true;
		break;
	case KESU_NVME_SANITIZE_COMPLETED:
	case KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC:
		/* Only kesu's own sanitize counts: the log may still show an
		 * earlier one (another action, or the same one long ago). */
		if (log.cdw10 != c->nvme_scdw10) {
			p->result = -EIO;
			snprintf(p->detail, sizeof(p->detail),
				 "the sanitize log shows a completed sanitize of another command "
				 "(SCDW10 0x%08x, kesu sent 0x%08x): not this erase",
				 (unsigned)log.cdw10, (unsigned)c->nvme_scdw10);
		} else if (!c->nvme_seen_running && !log.global_data_erased) {
			p->result = -EIO;
			snprintf(p->detail, sizeof(p->detail),
				 "the sanitize log never showed this sanitize in progress and Global Data "
				 "Erased is clear: its completion may be an earlier one's");
		} else {
			p->result = 0;
			snprintf(p->detail, sizeof(p->detail), "ok; sanitize completed%s",
				 log.global_data_erased ? " (global data erased)" : "");
		}
		break;
	default:
		p->result = -EIO;
		snprintf(p->detail, sizeof(p->detail), "the sanitize operation %s",
			 log.status == KESU_NVME_SANITIZE_FAILED ? "failed" : "never started");
		break;
	}
	return 0;
}

/* Restricted exit (AUSE 0), one overwrite pass of zeros, no No-Deallocate:
 * the drive's default, and what the proof expects. */
static int sanitize_build(struct kesu_nvme_admin *cmd, unsigned action)
{
	return Kesu_nvme_sanitize_cmd(cmd, (enum kesu_nvme_sanact)action, false, 1, false, false, 0);
}

static int sanitize_start(struct kesu_fw_ctx *c, unsigned action)
{
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	int rc = sanitize_build(&cmd, action);
	if (rc < 0)
		return rc;
	rc = Kesu_nvme_send(c->pt, &cmd, &res);
	if (rc < 0)
		snprintf(c->rep->detail, sizeof(c->rep->detail), "Sanitize failed: %s (status 0x%03x)",
			 res.reason, res.status);
	return rc;
}

static const struct kesu_fw_sanitize_bus nvme_sanitize = {
	.poll = sanitize_poll,
	.start = sanitize_start,
};

static enum kesu_firmware_command sanitize_command(enum kesu_nvme_sanact action)
{
	return action == KESU_NVME_SANACT_CRYPTO  ? KESU_FW_NVME_SANITIZE_CRYPTO
	       : action == KESU_NVME_SANACT_BLOCK ? KESU_FW_NVME_SANITIZE_BLOCK
						  : KESU_FW_NVME_SANITIZE_OVERWRITE;
}

int Kesu_fw_nvme_sanitize(struct kesu_fw_ctx *c, enum kesu_nvme_sanact action)
{
	struct kesu_nvme_admin cmd;
	int rc = take_scope(c, sanitize_command(action));
	if (rc == 0)
		rc = sanitize_build(&cmd, action);
	if (rc < 0)
		return rc;
	/* A sanitize found running (power lost during an earlier job) is
	 * kesu's only if it is this same command. */
	c->nvme_scdw10 = cmd.cdw10;
	c->nvme_seen_running = false;
	return Kesu_fw_sanitize_run(c, &nvme_sanitize, action);
}

int Kesu_fw_nvme_sanitize_running(struct kesu_fw_ctx *c, bool *running)
{
	*running = false;
	if (!c->caps->nvme_ctrl.sanicap)
		return 0;
	return Kesu_fw_sanitize_look(c, &nvme_sanitize, running);
}

/* NVMe firmware erasure: Format NVM with Secure Erase Settings, and
 * Sanitize followed through the Sanitize Status log (0x81). */
#include <errno.h>
#include <stdio.h>
#include <time.h>

#include "kesu/error.h"
#include "firmware_internal.h"

/* Format runs inside the command: allow it hours, as nvme-cli does for
 * large namespaces (the kernel's admin default is 60 s). */
#define FORMAT_TIMEOUT_MS (4u * 3600 * 1000)

int Kesu_fw_nvme_format(struct kesu_fw_ctx *c, unsigned ses)
{
	struct kesu_firmware_report *rep = c->rep;
	const struct kesu_drive_caps *caps = c->caps;
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	/* Keep the namespace's current LBA format: only the data goes. */
	int rc = Kesu_nvme_format_cmd(&cmd, caps->nsid ? caps->nsid : 1, caps->nvme_ns.format_index, ses,
				      FORMAT_TIMEOUT_MS);
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
		break;
	case KESU_NVME_SANITIZE_COMPLETED:
	case KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC:
		p->result = 0;
		snprintf(p->detail, sizeof(p->detail), "ok; sanitize completed%s",
			 log.global_data_erased ? " (global data erased)" : "");
		break;
	default:
		p->result = -EIO;
		snprintf(p->detail, sizeof(p->detail), "the sanitize operation %s",
			 log.status == KESU_NVME_SANITIZE_FAILED ? "failed" : "never started");
		break;
	}
	return 0;
}

static int sanitize_start(struct kesu_fw_ctx *c, unsigned action)
{
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	/* Restricted exit (AUSE 0), one overwrite pass of zeros, no
	 * No-Deallocate: the drive's default, and what the proof expects. */
	int rc = Kesu_nvme_sanitize_cmd(&cmd, (enum kesu_nvme_sanact)action, false, 1, false, false, 0);
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

int Kesu_fw_nvme_sanitize(struct kesu_fw_ctx *c, enum kesu_nvme_sanact action)
{
	return Kesu_fw_sanitize_run(c, &nvme_sanitize, action);
}

int Kesu_fw_nvme_sanitize_running(struct kesu_fw_ctx *c, bool *running)
{
	*running = false;
	if (!c->caps->nvme_ctrl.sanicap)
		return 0;
	return Kesu_fw_sanitize_look(c, &nvme_sanitize, running);
}

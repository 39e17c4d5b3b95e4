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

int kesu_fw_nvme_format(struct kesu_fw_ctx *c, unsigned ses)
{
	struct kesu_firmware_report *rep = c->rep;
	const struct kesu_drive_caps *caps = c->caps;
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	/* Keep the namespace's current LBA format: only the data goes. */
	int rc = kesu_nvme_format_cmd(&cmd, caps->nsid ? caps->nsid : 1, caps->nvme_ns.format_index, ses,
				      FORMAT_TIMEOUT_MS);
	if (rc < 0)
		return rc;
	rep->timeout_s = FORMAT_TIMEOUT_MS / 1000;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	rc = kesu_nvme_send(c->pt, &cmd, &res);
	rep->seconds = kesu_fw_elapsed(&start);
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
	int rc = kesu_nvme_get_log_cmd(&cmd, KESU_NVME_LOG_SANITIZE, KESU_NVME_NSID_ALL, buf, sizeof(buf));
	if (rc == 0)
		rc = kesu_nvme_send(c->pt, &cmd, &res);
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

static int follow_sanitize(struct kesu_fw_ctx *c, const struct timespec *start)
{
	struct kesu_firmware_report *rep = c->rep;
	atomic_store(c->total, KESU_FW_PROGRESS_FULL);
	for (;;) {
		struct kesu_nvme_sanitize_log log;
		int rc = read_sanitize_log(c, &log);
		if (rc < 0)
			return rc;
		if (!rep->estimate_s) {
			rep->estimate_s = estimate_for(&log, log.cdw10 & 7);
			atomic_store(c->estimate_s, rep->estimate_s);
		}
		switch (log.status) {
		case KESU_NVME_SANITIZE_IN_PROGRESS:
			atomic_store(c->done, log.progress > 0xffff ? 0 : log.progress);
			break;
		case KESU_NVME_SANITIZE_COMPLETED:
		case KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC:
			rep->seconds = kesu_fw_elapsed(start);
			atomic_store(c->done, KESU_FW_PROGRESS_FULL);
			snprintf(rep->detail, sizeof(rep->detail), "ok; sanitize completed%s",
				 log.global_data_erased ? " (global data erased)" : "");
			return 0;
		default:
			rep->seconds = kesu_fw_elapsed(start);
			snprintf(rep->detail, sizeof(rep->detail), "the sanitize operation %s",
				 log.status == KESU_NVME_SANITIZE_FAILED ? "failed"
									 : "never started");
			return -EIO;
		}
		if (kesu_fw_wait(c)) {
			rep->seconds = kesu_fw_elapsed(start);
			snprintf(rep->detail, sizeof(rep->detail),
				 "stopped following the sanitize, which goes on inside the drive; "
				 "run kesu again to follow it to its end");
			return -KESU_EINTERRUPTED;
		}
	}
}

int kesu_fw_nvme_sanitize(struct kesu_fw_ctx *c, enum kesu_nvme_sanact action)
{
	struct kesu_firmware_report *rep = c->rep;
	struct timespec start;
	clock_gettime(CLOCK_MONOTONIC, &start);
	struct kesu_nvme_sanitize_log log;
	int rc = read_sanitize_log(c, &log);
	if (rc < 0)
		return rc;
	/* A sanitize interrupted by power loss restarts inside the drive. */
	if (log.status == KESU_NVME_SANITIZE_IN_PROGRESS) {
		rep->followed_running = true;
		return follow_sanitize(c, &start);
	}
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	/* Restricted exit (AUSE 0), one overwrite pass of zeros, no
	 * No-Deallocate: the drive's default, and what the proof expects. */
	rc = kesu_nvme_sanitize_cmd(&cmd, action, false, 1, false, false, 0);
	if (rc < 0)
		return rc;
	rc = kesu_nvme_send(c->pt, &cmd, &res);
	if (rc < 0) {
		snprintf(rep->detail, sizeof(rep->detail), "Sanitize failed: %s (status 0x%03x)",
			 res.reason, res.status);
		return rc;
	}
	return follow_sanitize(c, &start);
}

int kesu_fw_nvme_sanitize_running(struct kesu_fw_ctx *c, bool *running)
{
	struct kesu_nvme_sanitize_log log;
	*running = false;
	if (!c->caps->nvme_ctrl.sanicap)
		return 0;
	int rc = read_sanitize_log(c, &log);
	if (rc == 0)
		*running = log.status == KESU_NVME_SANITIZE_IN_PROGRESS;
	return rc;
}

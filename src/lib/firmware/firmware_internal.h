/* What the firmware command flows share: the drive's channel, what it
 * said it can do, the job's cancel flag and progress counters, and the
 * report they fill. Each flow (firmware_ata.c, firmware_nvme.c,
 * firmware_scsi.c) sends its commands, follows them to their end and
 * says what happened; firmware_step.c adds the proof by reading. */
#ifndef KESU_FIRMWARE_INTERNAL_H
#define KESU_FIRMWARE_INTERNAL_H
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "device_cmd.h"
#include "kesu/firmware.h"
#include "kesu/job.h"

struct kesu_fw_ctx {
	struct kesu_passthru *pt;
	const struct kesu_drive_caps *caps;
	const atomic_bool *cancel;
	_Atomic uint64_t *done, *total; /* the drive's progress out of 65536 */
	_Atomic unsigned *estimate_s;
	unsigned poll_ms;
	const char *password;           /* ATA security: the temporary password */
	struct kesu_firmware_report *rep;
	/* NVMe Sanitize: the CDW10 kesu sends, and whether the log showed it
	 * in progress (completion counts only for kesu's own command). */
	uint32_t nvme_scdw10;
	bool nvme_seen_running;
	bool scsi_fixed_sense;          /* REQUEST SENSE with DESC=1 was refused: ask fixed */
};

#define KESU_FW_PROGRESS_FULL 65536u

/* Each returns 0 when the drive reports the erase complete and every
 * status field agreed, else a negative error with rep->detail saying
 * what the drive answered. -KESU_EINTERRUPTED when cancelled while a
 * sanitize runs (the drive goes on; kesu follows it when run again). */
int Kesu_fw_ata_security_erase(struct kesu_fw_ctx *c, bool enhanced);
int Kesu_fw_ata_sanitize(struct kesu_fw_ctx *c, enum kesu_ata_sanitize_action action);
int Kesu_fw_nvme_format(struct kesu_fw_ctx *c, unsigned ses);
int Kesu_fw_nvme_sanitize(struct kesu_fw_ctx *c, enum kesu_nvme_sanact action);
int Kesu_fw_scsi_sanitize(struct kesu_fw_ctx *c, enum kesu_scsi_sanitize_action action);

/* Whether a sanitize is running in the drive now (cut short by power
 * loss, it resumes by itself at power-on). 0 or a negative error. */
int Kesu_fw_ata_sanitize_running(struct kesu_fw_ctx *c, bool *running);
int Kesu_fw_nvme_sanitize_running(struct kesu_fw_ctx *c, bool *running);
int Kesu_fw_scsi_sanitize_running(struct kesu_fw_ctx *c, bool *running);

/* ---- One sanitize polling loop for every bus (firmware_poll.c) ---------- */

/* One look at the drive's sanitize state, as a bus's status command
 * reports it (ATA SANITIZE STATUS EXT, the NVMe Sanitize Status log, SCSI
 * REQUEST SENSE). */
struct kesu_fw_poll {
	bool following;      /* in: the sanitize was sent or found running (not
			      * the look before sending) */
	bool running;        /* out: still in progress */
	bool progress_valid; /* out: progress below is the drive's */
	uint32_t progress;   /* out: 0..65535 while running */
	int result;          /* out, once not running: 0 completed, else -EIO */
	char detail[160];    /* out, once not running: what the drive said */
	bool frozen;         /* out: the drive takes no new sanitize now (ATA Sanitize
			      * Frozen); detail says why */
};

struct kesu_fw_sanitize_bus {
	/* Asks the drive once: 0 with *p filled, or a negative error with
	 * c->rep->detail saying why. */
	int (*poll)(struct kesu_fw_ctx *c, struct kesu_fw_poll *p);
	/* Sends the sanitize command (action is the bus's own code): 0 or a
	 * negative error with c->rep->detail. */
	int (*start)(struct kesu_fw_ctx *c, unsigned action);
	/* A failed look before sending does not stop the command (ATA: the
	 * command's own answer is the better reason). */
	bool look_may_fail;
};

/* A sanitize on any bus: follows one the drive already runs (cut short by
 * power loss, it resumes at power-on) instead of starting another, else
 * starts it; then polls every poll_ms until the drive reports its end,
 * filling rep (seconds, detail, followed_running) and the progress
 * counters. -KESU_EINTERRUPTED when cancelled: the drive goes on. */
int Kesu_fw_sanitize_run(struct kesu_fw_ctx *c, const struct kesu_fw_sanitize_bus *bus,
			 unsigned action);
/* Whether a sanitize runs in the drive now, through the bus's poll. */
int Kesu_fw_sanitize_look(struct kesu_fw_ctx *c, const struct kesu_fw_sanitize_bus *bus,
			  bool *running);

/* Sleeps poll_ms unless cancelled; true when the job was cancelled. */
bool Kesu_fw_wait(struct kesu_fw_ctx *c);
/* Seconds since start (CLOCK_MONOTONIC). */
double Kesu_fw_elapsed(const struct timespec *start);

/* The command's step of a firmware job (firmware_step.c): proof markers,
 * the command, the proof reads. Fills p (the job's one pass) and
 * r->firmware; returns 0 or the error that stopped it. */
struct kesu_fw_step {
	struct kesu_target *target;
	const struct kesu_job_options *opts;
	struct kesu_job_result *result;
	struct kesu_pass_result *pass;
	struct kesu_fw_ctx ctx;
	/* The job's phase switch (job.c): resets done/total for the display. */
	void (*enter_phase)(void *job, enum kesu_job_phase phase, uint64_t total);
	void *job;
	size_t request;
	unsigned retries;
};
int Kesu_fw_step_run(struct kesu_fw_step *s);
/* An ATA command whose 48-bit answer must come back whole (READ NATIVE
 * MAX, SANITIZE STATUS): when fixed-format sense lost the upper halves
 * need asks for (need_count: COUNT 15:8, need_lba: LBA 47:24), the
 * device is switched to descriptor sense (D_SENSE=1 by MODE SELECT of
 * the Control mode page) and asked again. -ENODATA (res->reason says
 * why) when the answer is still not whole: its value is unknown. */
int Kesu_ata_send_whole(struct kesu_passthru *pt, const struct kesu_ata_cmd *cmd,
			struct kesu_ata_result *res, bool need_count, bool need_lba);
/* The native max address (hpa.c): GET NATIVE MAX ADDRESS EXT on an ACS-3
 * drive with the Accessible Max Address feature set, else READ NATIVE MAX
 * EXT. 0, or a negative error with *reason (the value is then unknown:
 * the HPA is not checked, never absent). */
int Kesu_ata_native_max(struct kesu_passthru *pt, const struct kesu_ata_identify *id,
			uint64_t *max_lba, const char **reason);
/* IDENTIFY DEVICE, sent and parsed (firmware_ata.c). Returns 0; the
 * command's error, with *answered false and *reason the channel's or the
 * drive's words; or -KESU_EPARSE, with *answered true, when the data is
 * not usable (a bad checksum, or not a disk: ATAPI). */
int Kesu_fw_ata_identify(struct kesu_passthru *pt, struct kesu_ata_identify *id, bool *answered,
			 const char **reason);
#endif

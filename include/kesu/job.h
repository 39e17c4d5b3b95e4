/* A wipe job: one method's passes over one drive, the verification the
 * method or the operator asks for, and a result that says exactly what
 * was written, with which seeds, what was read back, and what failed. */
#ifndef KESU_JOB_H
#define KESU_JOB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "kesu/device.h"
#include "kesu/method.h"
#include "kesu/nvme.h"
#include "kesu/ranges.h"
#include "kesu/verify.h"

struct kesu_passthru; /* kesu/passthru.h */
struct kesu_target;   /* kesu/target.h: only for tests and other back ends */

struct kesu_drive_caps;

enum kesu_outcome {
	KESU_OUTCOME_SUCCESS,     /* every pass written and verified */
	KESU_OUTCOME_UNVERIFIED,  /* every pass written; no verification was asked for */
	KESU_OUTCOME_FAILED,      /* bad sectors, verification mismatches, I/O failure */
	KESU_OUTCOME_INTERRUPTED, /* signal, device full or gone: see interrupted_at */
	KESU_OUTCOME_EXCEPTIONS,  /* "ERASED_WITH_EXCEPTIONS": everything asked for was
				   * written and verified, but something known remains
				   * (exceptions[]): a certificate that says so, never
				   * a plain SUCCESS (docs/certificate.md) */
};

/* What a job that erased and verified everything it was asked to still
 * leaves (docs/certificate.md, "Erased with exceptions"). */
enum kesu_exception_kind {
	KESU_EXCEPTION_HIDDEN_AREA,      /* "hidden-area": an HPA kept, or a DCO */
	KESU_EXCEPTION_PROOF_SAMPLED,    /* "firmware-proof-sampled": full verification
					  * asked for, a crypto erase proven by samples */
	KESU_EXCEPTION_REALLOCATED_GREW, /* "reallocated-grew": SMART 5 rose during an
					  * overwrite */
	KESU_EXCEPTION_HIDDEN_UNCHECKED, /* "hidden-area-unchecked": an ATA drive's HPA
					  * could not be checked (native max unknown) */
};
/* hidden-area and hidden-area-unchecked exclude each other: 3 at most. */
#define KESU_EXCEPTIONS_MAX 3

struct kesu_job_exception {
	enum kesu_exception_kind kind;
	uint64_t hpa_sectors, dco_sectors;     /* hidden-area: sectors not erased */
	uint64_t marker_bytes, size_bytes;     /* firmware-proof-sampled: proven of all */
	int64_t reallocated_before, reallocated_after; /* reallocated-grew */
};

enum kesu_verify_mode {
	KESU_VMODE_DEFAULT = 0, /* what the method asks for: sample, or none */
	KESU_VMODE_NONE,
	KESU_VMODE_SAMPLE,      /* NIST SP 800-88 sampling (kesu/verify.h) */
	KESU_VMODE_FULL,        /* read everything */
};

enum kesu_verify_passes {
	KESU_VPASSES_DEFAULT = 0, /* the method's: last or all */
	KESU_VPASSES_LAST,
	KESU_VPASSES_ALL,
};

/* What a job decides before it writes anything: with it, a job killed
 * half-way can be continued and still write exactly the method's bytes. */
struct kesu_job_plan {
	uint8_t random_bytes[KESU_METHOD_RANDOM_MAX];            /* R1..R16 */
	uint8_t seeds[KESU_METHOD_PASSES_MAX][KESU_PRNG_SEED_SIZE]; /* per random pass */
};

/* A checkpoint: what a running job has on stable storage. */
struct kesu_job_checkpoint {
	unsigned pass;          /* passes before it are complete ... */
	uint64_t offset;        /* ... and it is durable below this byte */
	uint64_t bad_sectors;   /* distinct sectors known bad so far, all runs */
	const char *state_json; /* the state a resume needs (kesu/job_state.h) */
};

struct kesu_job_options {
	enum kesu_verify_mode verify_mode;
	enum kesu_verify_passes verify_passes;
	double verify_percent;   /* sampling coverage, 0 = 10 % */
	size_t request_size;     /* bytes per request, 0 = 4 MiB; multiple of the sector */
	int retries;             /* attempts after a media error, < 0 = 3 */
	unsigned stop_after_pass; /* test hook: stop after this pass, 0 = never */
	double sync_seconds;     /* fdatasync at least this often, 0 = 5 s */
	/* Resuming: the plan of the interrupted job, and where it got to
	 * (durable_pass / durable_offset of its last checkpoint). */
	const struct kesu_job_plan *resume_plan;
	unsigned resume_pass;     /* 1-based; 0 = a new job */
	uint64_t resume_offset;
	uint64_t prior_bad_sectors; /* bad sectors the earlier run recorded
				     * (only a count: ledgers of kesu <= 0.1
				     * without a state; the ranges are lost) */
	const char *resume_state;   /* the earlier run's checkpointed state
				     * (kesu/job_state.h): every pass's result
				     * and the bad sectors below the checkpoint.
				     * It also fixes resume_pass/offset. */
	/* Called from the job's thread after every sync and after every
	 * verification, before the job goes on: the caller stores it durably
	 * (the ledger). A negative return stops the job (INTERRUPTED, and it
	 * can be resumed): a job never runs ahead of what is recorded. */
	int (*checkpoint)(void *ctx, const struct kesu_job_checkpoint *cp);
	void *checkpoint_ctx;
	/* Firmware methods (kesu/firmware.h). The job borrows these: the
	 * caller keeps the channel open and the caps alive until the job is
	 * freed. A firmware method without a channel fails with
	 * -KESU_EUNSUPPORTED. */
	struct kesu_passthru *passthru;
	const struct kesu_drive_caps *caps;
	/* ATA Security Erase: the temporary password, which the caller has
	 * recorded durably (ledger) before the job sets it on the drive. */
	const char *ata_password;
	unsigned poll_ms;        /* sanitize / format status polling, 0 = 1000 ms */
	double proof_percent;    /* share of the drive marked before a firmware
				  * erase and read after it, 0 = 1 % */
	uint64_t hpa_restored;   /* sectors of an HPA the caller removed before the
				  * job (caps then show none), 0 = none removed */
};

/* Sectors a Host Protected Area or Device Configuration Overlay hid from
 * the operating system when the job was planned, and what was done. */
struct kesu_hidden_areas {
	bool checked;            /* the drive was asked (ATA drives only) */
	uint64_t hpa_sectors, dco_sectors;
	bool hpa_restored;       /* opened for this erase (--hpa=restore) */
	bool unchecked;          /* an ATA drive whose native max kesu could not read
				  * (refused, or truncated in fixed-format sense): an
				  * HPA may hide sectors; never reported as "none" */
};

/* What a firmware step did (a firmware method's one "pass"). */
struct kesu_firmware_report {
	enum kesu_firmware_command command;
	bool followed_running;    /* found a sanitize already running (power lost
				   * during an earlier job) and followed it to its end */
	unsigned estimate_s;      /* the drive's estimate, 0 = it gave none */
	unsigned timeout_s;       /* how long kesu waited at most */
	double seconds;           /* the command, from sending to completion */
	int status;               /* 0, or why the command failed */
	char detail[256];         /* the drive's answer: "ok", "ATA ABRT", ... */
	bool password_set;        /* ATA: kesu set its temporary password */
	bool password_cleared;    /* ... and security is disabled again (confirmed) */
	/* Proof by reading: markers written before, read after. */
	uint64_t marker_bytes;    /* bytes marked (random data, plan from the pass seed) */
	uint64_t unchanged_sectors; /* still holding the marker after the erase */
	uint64_t nonzero_sectors;   /* LEAVES_ZERO: sectors read back that are not zero */
	/* NVMe Format NVM / Sanitize: every namespace the command erased
	 * (kesu_nvme_scope, kesu/firmware.h); count 0 for other commands. */
	struct kesu_nvme_scope scope;
};

struct kesu_verify_result {
	bool done;                 /* this pass was read back */
	enum kesu_verify_mode mode;
	struct kesu_verify_plan plan; /* seed, percent, samples */
	uint64_t bytes_read;
	double seconds;
	int error;                 /* 0, -KESU_EVERIFY, or what stopped the reading */
	struct kesu_range_list mismatched;
	struct kesu_range_list unreadable;
};

/* The speed of a pass over the drive, from the writer's progress: one
 * point per ~1/100 of the drive (or per request on a small one), at most
 * KESU_PROFILE_POINTS_MAX. A point is the position reached (bytes from the
 * start) and the speed since the point before (bytes per second: whole
 * numbers, as a record holds only integers). Points cover the pass from
 * `from`: 0, or where a resumed run began when the run before left no
 * points (a state from kesu before profiles). Nothing is interpolated. */
#define KESU_PROFILE_POINTS_MAX 128
struct kesu_speed_point {
	uint64_t offset;
	uint64_t bytes_per_second;
};
struct kesu_speed_profile {
	uint64_t from;
	unsigned npoints;
	struct kesu_speed_point points[KESU_PROFILE_POINTS_MAX];
};

struct kesu_pass_result {
	unsigned number;            /* 1-based */
	struct kesu_pass pass;      /* as the method defines it */
	uint8_t byte;               /* RANDOM_BYTE / COMPLEMENT: the byte written */
	uint8_t seed[KESU_PRNG_SEED_SIZE]; /* RANDOM_STREAM: its seed (stream 0) */
	bool started, completed;    /* completed: written to the end and synced */
	bool earlier_run;           /* completed before the job was interrupted */
	uint64_t resumed_at;        /* this run began at this offset (0: the start) */
	int error;
	uint64_t bytes_written;
	uint64_t offset_reached;
	double seconds;
	struct kesu_range_list bad; /* sectors that could not be written */
	struct kesu_verify_result verify;
	struct kesu_speed_profile profile; /* overwrite passes; none for firmware */
};

struct kesu_job_result {
	struct kesu_device device;
	struct kesu_method method;
	enum kesu_verify_mode verify_mode;     /* resolved: NONE, SAMPLE or FULL */
	enum kesu_verify_passes verify_passes; /* resolved: LAST or ALL */
	double verify_percent;
	size_t request_size;
	bool direct_io;
	struct timespec started, ended;        /* CLOCK_REALTIME; started: the first run's */
	unsigned npasses;
	struct kesu_pass_result passes[KESU_METHOD_PASSES_MAX];
	enum kesu_outcome outcome;
	int error;                 /* the error behind a FAILED / INTERRUPTED outcome */
	char reason[512];          /* one line: why it is not SUCCESS, "" otherwise */
	char reason_ja[512];       /* the same in Japanese */
	struct kesu_range_list unwritten; /* distinct sectors some pass could not
					   * write, over every run of the job */
	bool resumed;              /* continues an earlier run; started is its start */
	unsigned interrupted_pass; /* INTERRUPTED: the pass, and ... */
	uint64_t interrupted_at;   /* ... the offset all below which was written */
	uint64_t prior_bad_sectors; /* recorded by the run(s) before a resume */
	enum kesu_nist_level nist_level; /* what the method reaches on this drive
					  * (firmware: per media, kesu/purge.h) */
	struct kesu_firmware_report firmware; /* firmware methods only */
	struct kesu_hidden_areas hidden;
	/* SMART reallocated sectors (attribute 5) read again when the job
	 * ended, -1 when not read (no SMART, or not a real drive) */
	int64_t reallocated_after;
	/* SMART read again when the job ended (a real drive whose SMART was
	 * available before: device.smart), else available KESU_UNKNOWN and
	 * every number -1. The certificate's details page shows both. */
	struct kesu_smart smart_after;
	unsigned nexceptions; /* EXCEPTIONS: what remains */
	struct kesu_job_exception exceptions[KESU_EXCEPTIONS_MAX];
};

enum kesu_job_phase {
	KESU_PHASE_WRITING,
	KESU_PHASE_VERIFYING,
	KESU_PHASE_FINISHED,
	KESU_PHASE_FIRMWARE, /* the drive is erasing itself: done/total is its
			      * progress out of 65536 (total 0 = it reports none) */
	KESU_PHASE_MARKING,  /* firmware proof: writing the markers */
};

struct kesu_job_progress {
	enum kesu_job_phase phase;
	unsigned pass, npasses;
	uint64_t done, total; /* bytes of the current phase */
	double phase_seconds; /* since the phase began */
	/* What is on stable storage: passes before durable_pass are complete,
	 * durable_pass itself up to durable_offset. A checkpoint records these. */
	unsigned durable_pass;
	uint64_t durable_offset;
	uint64_t bad_sectors; /* recorded so far by this run */
	unsigned estimate_s;  /* FIRMWARE: the drive's estimate, 0 = none */
	double job_seconds;   /* since kesu_job_run began (this run; 0 before) */
	uint64_t resumed_bytes; /* bytes of the passes an earlier run wrote
				 * (whole passes before the resume point plus
				 * the resumed pass up to its offset) */
};

struct kesu_job;

/* Prepares a job for a drive the safety gate accepted and kesu_gate_open
 * opened (fd: the job takes it over and closes it, also when this fails).
 * Returns 0 or -errno. */
int kesu_job_new(const struct kesu_device *dev, int fd, const struct kesu_method *method,
		 const struct kesu_job_options *opts, struct kesu_job **job);

/* The same on any target (tests: a simulated drive). The job takes it over. */
int kesu_job_new_target(const struct kesu_device *dev, struct kesu_target *target,
			const struct kesu_method *method, const struct kesu_job_options *opts,
			struct kesu_job **job);

/* Runs the job to its end. Returns 0 for SUCCESS or UNVERIFIED, else the
 * negative error; the result says everything either way. Blocking; one
 * thread per job; jobs on different drives run in parallel. */
int kesu_job_run(struct kesu_job *job);

/* Asks a running job to stop at its next request (async-signal-safe). */
void kesu_job_cancel(struct kesu_job *job);

/* A consistent-enough snapshot for progress display, from any thread. */
void kesu_job_progress(const struct kesu_job *job, struct kesu_job_progress *p);

const struct kesu_job_result *kesu_job_result(const struct kesu_job *job);

void kesu_job_free(struct kesu_job *job);

/* What a resumed job found when it read what the earlier run wrote. */
struct kesu_resume_proof {
	unsigned samples;        /* blocks read */
	unsigned mismatched;     /* holding neither the pass's nor the one before's bytes */
	unsigned unreadable;
	bool first_mismatch_set;
	uint64_t first_mismatch; /* byte offset of the first such block */
};

/* Before a resumed job writes: reads sampled blocks of what the earlier
 * run left durable (the resumed pass below its checkpoint; the pass before
 * it above) and compares them with the plan's bytes. Returns 0 when all
 * hold what the job wrote (or when nothing was durable yet), -KESU_EVERIFY
 * when any does not — another drive at the same path — or another
 * negative error. A new job, or a firmware method, passes with 0 samples. */
int kesu_job_prove_resume(struct kesu_job *job, struct kesu_resume_proof *proof);

/* The job's plan (seeds and random bytes), to keep for a resume. */
void kesu_job_get_plan(const struct kesu_job *job, struct kesu_job_plan *plan);

const char *kesu_outcome_name(enum kesu_outcome outcome);

/* The exceptions of a job that would otherwise be SUCCESS, decided from
 * its result alone (job_exceptions.c; no I/O): hidden sectors left (an
 * HPA not removed for the erase, any DCO); a firmware erase whose result
 * cannot be compared (leaves "changed") when full verification was asked
 * for, so only the sampled markers prove it; an overwrite during which
 * the reallocated-sector count rose (r->reallocated_after above the
 * device's count before, both known). Returns how many were written to
 * out (at most KESU_EXCEPTIONS_MAX). */
unsigned kesu_job_exceptions(const struct kesu_job_result *r,
			     struct kesu_job_exception out[KESU_EXCEPTIONS_MAX]);
/* "hidden-area", "firmware-proof-sampled", "reallocated-grew",
 * "hidden-area-unchecked". */
const char *kesu_exception_kind_name(enum kesu_exception_kind kind);
/* One line each, English and Japanese, saying what remains, e.g. "the Host
 * Protected Area (HPA), 1,024 sectors, was not erased" and
 * 「HPA（隠し領域）1,024 セクタは消去していません」. */
void kesu_exception_detail(const struct kesu_job_exception *e, char *en, size_t en_size,
			   char *ja, size_t ja_size);
const char *kesu_verify_mode_name(enum kesu_verify_mode mode);



/* Secondary verification of a drive erased earlier or elsewhere: what
 * the drive should hold everywhere. */
struct kesu_expectation {
	enum { KESU_EXPECT_PATTERN, KESU_EXPECT_RANDOM } kind;
	uint8_t pattern[KESU_PATTERN_MAX]; /* repeating from the drive's first byte */
	size_t pattern_len;
	uint8_t seed[KESU_PRNG_SEED_SIZE]; /* KESU_EXPECT_RANDOM: a pass's seed */
};

/* Parses "zero", "ff" / "one", "pattern:HEX" or "random:SEED64HEX".
 * Returns 0 or -KESU_EPARSE. */
int kesu_expectation_parse(const char *text, struct kesu_expectation *e);

/* Reads the drive (fd open read-only; the call closes it) as mode says
 * (SAMPLE with percent coverage, or FULL) and compares it with e. Returns
 * 0 when everything read matches, -KESU_EVERIFY when something differs or
 * cannot be read, or another negative error. out is filled either way;
 * free it with kesu_verify_result_free. */
int kesu_verify_drive(const struct kesu_device *dev, int fd, const struct kesu_expectation *e,
		      enum kesu_verify_mode mode, double percent, const atomic_bool *cancel,
		      struct kesu_verify_result *out);

void kesu_verify_result_free(struct kesu_verify_result *v);
#endif

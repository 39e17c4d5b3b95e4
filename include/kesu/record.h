/* The record of a job, as the ledger keeps it and a certificate carries
 * it: who, when, what, how, and with what result (docs/ledger.md). */
#ifndef KESU_RECORD_H
#define KESU_RECORD_H

#include <stdint.h>
#include <time.h>

#include "kesu/field_limits.h"
#include "kesu/host.h"
#include "kesu/job.h"

#define KESU_FIELD 256

/* Who did the job, for whom, and why: the policy's fields. Empty strings
 * are "not given". Each holds its longest value (field_limits.h) whole;
 * values are checked on input (kesu_context_set, config.h). */
struct kesu_job_context {
	char operator_name[KESU_LIMIT_BYTES(KESU_LIMIT_OPERATOR)]; /* required */
	char operator_title[KESU_LIMIT_BYTES(KESU_LIMIT_OPERATOR_TITLE)];
	char organisation[KESU_LIMIT_BYTES(KESU_LIMIT_ORGANISATION)];
	char department[KESU_LIMIT_BYTES(KESU_LIMIT_DEPARTMENT)];
	char location[KESU_LIMIT_BYTES(KESU_LIMIT_LOCATION)];
	char phone[KESU_LIMIT_BYTES(KESU_LIMIT_PHONE)];
	char approver[KESU_LIMIT_BYTES(KESU_LIMIT_APPROVER)]; /* approved the disposal beforehand */
	char witness[KESU_LIMIT_BYTES(KESU_LIMIT_WITNESS)];   /* watched the erasure (立会者) */
	char classification[8];         /* "I", "II", "III" */
	char purpose[32];               /* disposal, lease-return, repair, reuse */
	char asset_number[KESU_LIMIT_BYTES(KESU_LIMIT_ASSET_NUMBER)];
	/* The station. */
	char hostname[KESU_FIELD];
	char machine_id[64];
	char key_fingerprint[96];
	char tool_version[32];
	/* The machine the drive is in while it is erased (kesu/host.h). */
	struct kesu_host_identity host;
};

/* Fills the station fields: host name, /etc/machine-id, kesu's version,
 * and the host machine's SMBIOS identity (kesu_host_identity_read with
 * dir NULL). The key fingerprint is the caller's. */
void kesu_context_station(struct kesu_job_context *ctx);

/* Checks classification and purpose values. Returns 0, or -KESU_EPARSE
 * with err naming the bad value. */
int kesu_context_check(const struct kesu_job_context *ctx, char *err, size_t errsize);

/* The finished record of a wipe job as canonical JSON (malloc'd), with
 * the job id, certificate id, the interruptions it survived
 * (interruptions_json: a JSON array text, or NULL for none) and the prior
 * approval it ran under (approval_json: kesu_approval_record_json's
 * object, or NULL for none). NULL when a JSON text is malformed. */
char *kesu_record_build(const struct kesu_job_result *r, const struct kesu_job_context *ctx,
			const char *job_id, const char *certificate_id,
			const char *interruptions_json, const char *approval_json, size_t *len);

/* The record that closes an unfinished job nobody will finish (kesu wipe
 * --restart, kesu ledger abandon): outcome ABANDONED, who closed it and
 * why, the method its plan names, how far it got, the bad sectors and
 * verifications its state holds, the interruptions. dev may be NULL (the
 * drive is not at hand); the device key then identifies it. Canonical
 * JSON (malloc'd), or NULL when plan or state are damaged or memory ran out. */
struct kesu_abandoned_job {
	const char *job_id, *device_key, *started_utc;
	const char *plan_json, *state_json; /* state_json may be NULL */
	const char *interruptions_json;
	unsigned checkpoint_pass;
	uint64_t checkpoint_offset;
};
char *kesu_record_build_abandoned(const struct kesu_abandoned_job *job,
				  const struct kesu_device *dev, const struct kesu_job_context *ctx,
				  const char *reason, time_t now, size_t *len);

/* A new certificate id: KESU-YYYYMMDD-XXXXXXXX (UTC date, random hex). */
void kesu_certificate_id(char buf[32]);

/* "2026-11-22T04:30:12Z" and "2026-11-22T13:30:12+09:00". */
void kesu_time_utc(time_t t, char buf[32]);
void kesu_time_local(time_t t, char buf[40]);


/* The finished record of a secondary verification (kesu verify) as
 * canonical JSON (malloc'd): who checked which drive against what, how,
 * and the result. */
char *kesu_record_build_verify(const struct kesu_device *dev, const char *expectation,
			       const struct kesu_verify_result *v, int result,
			       const struct kesu_job_context *ctx, const char *job_id,
			       time_t started, time_t ended, size_t *len);
/* The record's "firmware" and "hidden_areas" objects (json-c), also
 * printed by kesu wipe --json. No password is ever part of them. */
struct json_object;
struct json_object *kesu_record_firmware_json(const struct kesu_job_result *r);
struct json_object *kesu_record_hidden_json(const struct kesu_hidden_areas *h);
/* The record's "exceptions" array (ERASED_WITH_EXCEPTIONS): [{"kind",
 * "detail", "detail_ja", and the kind's numbers}], also in kesu wipe --json. */
struct json_object *kesu_record_exceptions_json(const struct kesu_job_result *r);
#endif

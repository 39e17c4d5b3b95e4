/* A wipe's life in the ledger: begun (or resumed, after proving the drive
 * holds what the earlier run wrote) before the first byte, checkpointed
 * with its whole state while it runs, finished, chained and certified at
 * the end; or closed as abandoned. */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "kesu/cert.h"
#include "kesu/job_state.h"

int cli_record_abandon(struct cli_station *st, const struct kesu_ledger_open_job *open,
		       const struct kesu_device *dev, const char *reason, uint64_t *seq)
{
	struct kesu_abandoned_job job = {
		.job_id = open->job_id, .device_key = open->device_key, .started_utc = open->started_utc,
		.plan_json = open->plan_json, .state_json = open->state_json,
		.interruptions_json = open->interruptions, .checkpoint_pass = open->pass,
		.checkpoint_offset = open->offset,
	};
	size_t len;
	char *record = kesu_record_build_abandoned(&job, dev, &st->cfg.ctx, reason, time(NULL), &len);
	if (!record) {
		cli_error("ledger: the unfinished job %s has a damaged plan or state: it cannot be "
			  "closed", open->job_id);
		return KESU_EXIT_FAILURE;
	}
	char err[600], hash[65];
	int rc = kesu_ledger_finish(st->ledger, open->job_id, record, len, st->sk, seq, hash, err,
				    sizeof(err));
	free(record);
	if (rc < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

int cli_record_prepare(struct cli_station *st, const struct kesu_device *dev,
		       const struct kesu_method *method, bool restart, struct cli_record *rec,
		       struct kesu_job_options *opts)
{
	char err[600];
	rec->st = st;
	kesu_ledger_device_key(dev->serial, dev->path, dev->size, rec->device_key, sizeof(rec->device_key));
	struct kesu_ledger_open_job open;
	int found = kesu_ledger_find_open(st->ledger, rec->device_key, &open, err, sizeof(err));
	if (found < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	if (!found)
		return KESU_EXIT_OK;
	if (restart) {
		uint64_t seq;
		int code = cli_record_abandon(st, &open, dev, "the operator restarted the wipe (--restart)", &seq);
		if (code == KESU_EXIT_OK)
			fprintf(stderr, "kesu: %s: the unfinished job %s is closed as ABANDONED (ledger record "
				"%llu); starting anew\n", dev->path, open.job_id, (unsigned long long)seq);
		kesu_ledger_open_job_free(&open);
		return code;
	}
	snprintf(rec->job_id, sizeof(rec->job_id), "%s", open.job_id);
	char other[KESU_METHOD_ID_MAX + 1] = "";
	int rc = kesu_job_plan_parse(open.plan_json, method, &rec->plan, opts, other, sizeof(other));
	int code = KESU_EXIT_OK;
	if (rc == 1) {
		cli_error("%s: an unfinished %s job (%s) is in the ledger for this drive: wipe with "
			  "--method %s to resume it, or --restart to close it and start anew",
			  dev->path, other, open.job_id, other);
		code = KESU_EXIT_USAGE;
	} else if (rc < 0) {
		cli_error("%s: the unfinished job %s in the ledger has a damaged plan; use --restart",
			  dev->path, open.job_id);
		code = KESU_EXIT_FAILURE;
	} else {
		rec->resumed = true;
		rec->state_json = open.state_json;
		open.state_json = NULL; /* rec owns it now */
		opts->resume_plan = &rec->plan;
		opts->resume_state = rec->state_json;
		/* A checkpoint (pass p, offset o) means: passes before p are
		 * done, p is durable up to o. No checkpoint: from the start.
		 * A state, when there is one, says the same and more. */
		opts->resume_pass = open.pass ? open.pass : 1;
		opts->resume_offset = open.pass ? open.offset : 0;
		opts->prior_bad_sectors = rec->state_json ? 0 : open.bad_sectors;
		fprintf(stderr, "kesu: %s: resuming job %s (started %s) at pass %u, byte %llu\n",
			dev->path, open.job_id, open.started_utc, opts->resume_pass,
			(unsigned long long)opts->resume_offset);
	}
	kesu_ledger_open_job_free(&open);
	return code;
}

int cli_record_prove(struct cli_record *rec, struct kesu_job *job, const char *path)
{
	if (!rec->resumed)
		return KESU_EXIT_OK;
	struct kesu_resume_proof proof;
	int rc = kesu_job_prove_resume(job, &proof);
	if (rc == -KESU_EVERIFY) {
		cli_error("%s: refusing to resume job %s: this drive does not hold what the job wrote "
			  "(%u of %u sampled blocks differ, %u unreadable; first at byte %llu) - another "
			  "disk at the same place? kesu wipe --restart closes the old job and starts anew",
			  path, rec->job_id, proof.mismatched, proof.samples, proof.unreadable,
			  (unsigned long long)proof.first_mismatch);
		return KESU_EXIT_REFUSED;
	}
	if (rc < 0) {
		cli_error("%s: cannot read what job %s wrote before resuming it: %s", path, rec->job_id,
			  kesu_strerror(rc));
		return cli_exit_for(rc);
	}
	return KESU_EXIT_OK;
}

int cli_record_begin(struct cli_station *st, struct cli_record *rec, struct kesu_job *job)
{
	char err[600];
	int rc;
	if (rec->resumed) {
		rc = kesu_ledger_resume(st->ledger, rec->job_id, err, sizeof(err));
	} else {
		struct kesu_job_plan plan;
		kesu_job_get_plan(job, &plan);
		char *text = kesu_job_plan_json(kesu_job_result(job), &plan);
		sodium_memzero(&plan, sizeof(plan));
		rc = text ? kesu_ledger_begin(st->ledger, rec->device_key, text, rec->job_id, err, sizeof(err))
			  : -ENOMEM;
		if (text)
			sodium_memzero(text, strlen(text)); /* the seeds */
		free(text);
		if (rc == -ENOMEM)
			snprintf(err, sizeof(err), "out of memory");
	}
	if (rc < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	rec->begun = true;
	return KESU_EXIT_OK;
}

void cli_record_unbegin(struct cli_station *st, struct cli_record *rec)
{
	char err[600];
	if (rec->begun && !rec->resumed && kesu_ledger_discard(st->ledger, rec->job_id, err, sizeof(err)) < 0)
		cli_error("%s", err);
	rec->begun = false;
}

int cli_record_on_checkpoint(void *ctx, const struct kesu_job_checkpoint *cp)
{
	struct cli_record *rec = ctx;
	char err[600];
	pthread_mutex_lock(&rec->st->ledger_lock);
	int rc = kesu_ledger_checkpoint(rec->st->ledger, rec->job_id, cp->pass, cp->offset,
					cp->bad_sectors, cp->state_json, err, sizeof(err));
	pthread_mutex_unlock(&rec->st->ledger_lock);
	if (rc < 0)
		cli_error("%s", err);
	return rc;
}

/* The certificate, or the failure report, for a payload. */
static int certify(struct cli_station *st, struct cli_record *rec, const char *payload, size_t len,
		   bool success)
{
	struct kesu_pdf_style style;
	kesu_config_pdf_style(&st->cfg, &style);
	if (kesu_cert_issue_styled(payload, len, st->sk, st->cert_dir, &style, rec->document,
				   sizeof(rec->document), rec->document_error,
				   sizeof(rec->document_error)) < 0) {
		rec->document[0] = '\0';
		return KESU_EXIT_FAILURE;
	}
	rec->certificate = success;
	return KESU_EXIT_OK;
}

/* An interrupted job stays open, so that the next wipe of the drive
 * resumes it; its failure report claims nothing. */
static int finish_interrupted(struct cli_station *st, struct cli_record *rec,
			      const struct kesu_job_result *r, const char *record, const char *cert_id)
{
	char err[600];
	if (kesu_ledger_interrupted(st->ledger, rec->job_id, r->reason, err, sizeof(err)) < 0) {
		snprintf(rec->not_recorded, sizeof(rec->not_recorded), "%s", err);
		return KESU_EXIT_FAILURE;
	}
	rec->recorded = true;
	struct json_object *doc = json_tokener_parse(record);
	json_object_object_add(doc, "certificate_id", json_object_new_string(cert_id));
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
	size_t len;
	char *payload = kesu_cert_payload(text, strlen(text), 0, NULL, time(NULL), &len);
	int code = payload ? certify(st, rec, payload, len, false) : KESU_EXIT_FAILURE;
	if (!payload)
		snprintf(rec->document_error, sizeof(rec->document_error), "cannot build the payload");
	free(payload);
	json_object_put(doc);
	return code;
}

int cli_record_finish(struct cli_station *st, struct cli_record *rec, struct kesu_job *job,
		      const char *asset_number)
{
	const struct kesu_job_result *r = kesu_job_result(job);
	char err[600];
	struct kesu_job_context ctx = st->cfg.ctx;
	snprintf(ctx.asset_number, sizeof(ctx.asset_number), "%s", asset_number ? asset_number : "");
	char cert_id[32];
	kesu_certificate_id(cert_id);

	/* The interruptions the ledger holds for this job, for the record. */
	char *interruptions = NULL;
	struct kesu_ledger_open_job open;
	if (kesu_ledger_get_open(st->ledger, rec->job_id, &open, err, sizeof(err)) == 1) {
		interruptions = strdup(open.interruptions);
		kesu_ledger_open_job_free(&open);
	}
	bool interrupted = r->outcome == KESU_OUTCOME_INTERRUPTED;
	size_t len;
	char *record = kesu_record_build(r, &ctx, rec->job_id, interrupted ? NULL : cert_id,
					 interruptions, &len);
	free(interruptions);
	if (!record) {
		snprintf(rec->not_recorded, sizeof(rec->not_recorded), "cannot build the ledger record");
		return KESU_EXIT_FAILURE;
	}
	int code;
	if (interrupted) {
		code = finish_interrupted(st, rec, r, record, cert_id);
	} else {
		char hash[65] = "";
		if (kesu_ledger_finish(st->ledger, rec->job_id, record, len, st->sk, &rec->seq, hash, err,
				       sizeof(err)) < 0) {
			snprintf(rec->not_recorded, sizeof(rec->not_recorded), "%s", err);
			free(record);
			return KESU_EXIT_FAILURE;
		}
		rec->recorded = true;
		char *payload = kesu_cert_payload(record, len, rec->seq, hash, time(NULL), &len);
		code = payload ? certify(st, rec, payload, len, r->outcome == KESU_OUTCOME_SUCCESS)
			       : KESU_EXIT_FAILURE;
		if (!payload)
			snprintf(rec->document_error, sizeof(rec->document_error), "cannot build the payload");
		free(payload);
	}
	free(record);
	return code;
}

void cli_record_free(struct cli_record *rec)
{
	sodium_memzero(&rec->plan, sizeof(rec->plan));
	free(rec->state_json);
	rec->state_json = NULL;
}

/* A wipe's life in the ledger (kesu/wipe.h): prepared (resumed, after the
 * drive proves it holds what the earlier run wrote, or closed as
 * abandoned), begun before the first byte, checkpointed with its whole
 * state while it runs, finished, chained and certified. */
#include <errno.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kesu/cert.h"
#include "kesu/error.h"
#include "kesu/firmware.h"
#include "kesu/job_state.h"
#include "kesu/wipe.h"
#include "i18n.h"

struct kesu_wipe {
	struct kesu_station *st;
	struct kesu_device dev;
	const struct kesu_method *method;
	char device_key[KESU_DEVICE_KEY_MAX];
	struct kesu_job_plan plan; /* a resumed job's, kept while it runs */
	char *state_json;          /* a resumed job's checkpointed state */
	char *ata_password;        /* sodium_malloc'd; never printed */
	struct kesu_job *job;
	bool begun;
	char *record;              /* after finish: canonical JSON */
	size_t record_len;
	char record_hash[65];
	char certificate_id[32];
	char *approval_json;       /* the approval entry this job spends, or NULL */
	struct kesu_wipe_status status;
	bool details;              /* KESU_WIPE_DETAILS */
};

void kesu_station_init(struct kesu_station *st, struct kesu_ledger *ledger,
		       const struct kesu_secret_key *sk, const char *cert_dir,
		       const struct kesu_job_context *ctx, const struct kesu_pdf_style *style)
{
	memset(st, 0, sizeof(*st));
	st->ledger = ledger;
	st->sk = sk;
	snprintf(st->cert_dir, sizeof(st->cert_dir), "%s", cert_dir);
	st->ctx = *ctx;
	if (style)
		st->style = *style;
	pthread_mutex_init(&st->lock, NULL);
}

void kesu_station_set_signing(struct kesu_station *st, const struct kesu_cert_signing *signing)
{
	st->signing = signing;
}

void kesu_station_destroy(struct kesu_station *st)
{
	pthread_mutex_destroy(&st->lock);
}

int kesu_wipe_abandon(struct kesu_station *st, const struct kesu_ledger_open_job *open,
		      const struct kesu_device *dev, const char *reason, uint64_t *seq, char *err,
		      size_t errsize)
{
	struct kesu_abandoned_job job = {
		.job_id = open->job_id, .device_key = open->device_key, .started_utc = open->started_utc,
		.plan_json = open->plan_json, .state_json = open->state_json,
		.interruptions_json = open->interruptions, .checkpoint_pass = open->pass,
		.checkpoint_offset = open->offset,
	};
	size_t len;
	char *record = kesu_record_build_abandoned(&job, dev, &st->ctx, reason, time(NULL), &len);
	if (!record) {
		snprintf(err, errsize, _("ledger: the unfinished job %s has a damaged plan or state: it "
			 "cannot be closed"), open->job_id);
		return -KESU_EPARSE;
	}
	char hash[65];
	pthread_mutex_lock(&st->lock);
	int rc = kesu_ledger_finish(st->ledger, open->job_id, record, len, st->sk, seq, hash, err, errsize);
	pthread_mutex_unlock(&st->lock);
	free(record);
	return rc;
}

/* The unfinished job for this drive becomes a resume: its plan and state
 * go into opts. */
static int take_over(struct kesu_wipe *w, struct kesu_ledger_open_job *open,
		     struct kesu_job_options *opts, struct kesu_wipe_found *found, char *err,
		     size_t errsize)
{
	int rc = kesu_job_plan_parse(open->plan_json, w->method, &w->plan, opts, found->other_method,
				     sizeof(found->other_method));
	if (rc == 1) {
		snprintf(err, errsize, _("%s: an unfinished %s job (%s) is in the ledger for this drive"),
			 w->dev.path, found->other_method, open->job_id);
		return -EEXIST;
	}
	if (rc < 0) {
		snprintf(err, errsize, _("%s: the unfinished job %s in the ledger has a damaged plan"),
			 w->dev.path, open->job_id);
		return -KESU_EPARSE;
	}
	snprintf(w->status.job_id, sizeof(w->status.job_id), "%s", open->job_id);
	w->status.resumed = true;
	w->state_json = open->state_json;
	open->state_json = NULL; /* w owns it now */
	opts->resume_plan = &w->plan;
	opts->resume_state = w->state_json;
	/* A checkpoint (pass p, offset o): passes before p are done, p is
	 * durable up to o; none: from the start. A state says the same and
	 * more, and wins. */
	opts->resume_pass = open->pass ? open->pass : 1;
	opts->resume_offset = open->pass ? open->offset : 0;
	opts->prior_bad_sectors = w->state_json ? 0 : open->bad_sectors;
	found->resumed = true;
	found->pass = opts->resume_pass;
	found->offset = opts->resume_offset;
	snprintf(found->started_utc, sizeof(found->started_utc), "%s", open->started_utc);
	return 0;
}

int kesu_wipe_prepare(struct kesu_station *st, const struct kesu_device *dev,
		      const struct kesu_method *method, unsigned flags, struct kesu_job_options *opts,
		      struct kesu_wipe **out, struct kesu_wipe_found *found, char *err, size_t errsize)
{
	*out = NULL;
	memset(found, 0, sizeof(*found));
	struct kesu_wipe *w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->st = st;
	w->dev = *dev;
	w->method = method;
	w->details = flags & KESU_WIPE_DETAILS;
	kesu_ledger_device_key(dev->serial, dev->path, dev->size, w->device_key, sizeof(w->device_key));
	struct kesu_ledger_open_job open;
	pthread_mutex_lock(&st->lock);
	int rc = kesu_ledger_find_open(st->ledger, w->device_key, &open, err, errsize);
	pthread_mutex_unlock(&st->lock);
	if (rc == 1) {
		snprintf(found->job_id, sizeof(found->job_id), "%s", open.job_id);
		if (flags & KESU_WIPE_RESTART) {
			rc = kesu_wipe_abandon(st, &open, dev, "the operator restarted the wipe",
					       &found->abandoned_seq, err, errsize);
			found->abandoned = rc == 0;
		} else {
			rc = take_over(w, &open, opts, found, err, errsize);
		}
		kesu_ledger_open_job_free(&open);
	}
	if (rc < 0) {
		kesu_wipe_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

/* The job's checkpoint callback: stored under the station's lock, so job
 * threads of several drives share one ledger connection. */
static int on_checkpoint(void *ctx, const struct kesu_job_checkpoint *cp)
{
	struct kesu_wipe *w = ctx;
	char err[KESU_ERRMSG_MAX];
	pthread_mutex_lock(&w->st->lock);
	int rc = kesu_ledger_checkpoint(w->st->ledger, w->status.job_id, cp->pass, cp->offset,
					cp->bad_sectors, cp->state_json, err, sizeof(err));
	pthread_mutex_unlock(&w->st->lock);
	if (rc < 0)
		snprintf(w->status.not_recorded, sizeof(w->status.not_recorded), "%s", err);
	return rc;
}

static bool is_ata_security(const struct kesu_method *m)
{
	return m->technique == KESU_TECHNIQUE_FIRMWARE &&
	       (m->firmware == KESU_FW_ATA_SECURITY_ERASE ||
		m->firmware == KESU_FW_ATA_SECURITY_ERASE_ENHANCED);
}

int kesu_wipe_start(struct kesu_wipe *w, int fd, struct kesu_job_options *opts,
		    struct kesu_resume_proof *proof, char *err, size_t errsize)
{
	memset(proof, 0, sizeof(*proof));
	/* The temporary password: drawn here, stored by begin before the job
	 * sets it, forgotten by finish once the drive confirms it is gone. */
	if (is_ata_security(w->method)) {
		w->ata_password = sodium_init() < 0 ? NULL : sodium_malloc(KESU_ATA_TEMP_PASSWORD_LEN + 1);
		if (!w->ata_password) {
			close(fd);
			snprintf(err, errsize, _("%s: cannot allocate protected memory for the password"), w->dev.path);
			return -ENOMEM;
		}
		kesu_ata_temp_password(w->ata_password);
		opts->ata_password = w->ata_password;
	}
	opts->checkpoint = on_checkpoint;
	opts->checkpoint_ctx = w;
	int rc = kesu_job_new(&w->dev, fd, w->method, opts, &w->job);
	if (rc < 0) {
		snprintf(err, errsize, "%s: %s", w->dev.path,
			 rc == -KESU_EPARSE ? "the unfinished job's state in the ledger is damaged"
					    : kesu_strerror(rc));
		return rc;
	}
	if (!w->status.resumed)
		return 0;
	rc = kesu_job_prove_resume(w->job, proof);
	if (rc == -KESU_EVERIFY) {
		snprintf(err, errsize, _("%s: this drive does not hold what job %s wrote (%u of %u sampled "
			 "blocks differ, %u unreadable; first at byte %llu): another disk at the same place?"),
			 w->dev.path, w->status.job_id, proof->mismatched, proof->samples, proof->unreadable,
			 (unsigned long long)proof->first_mismatch);
		return -KESU_EREFUSED;
	}
	if (rc < 0)
		snprintf(err, errsize, _("%s: cannot read what job %s wrote: %s"), w->dev.path,
			 w->status.job_id, kesu_strerror(rc));
	return rc;
}

struct kesu_job *kesu_wipe_job(struct kesu_wipe *w)
{
	return w->job;
}

int kesu_wipe_begin(struct kesu_wipe *w, char *err, size_t errsize)
{
	struct kesu_station *st = w->st;
	int rc;
	pthread_mutex_lock(&st->lock);
	if (w->status.resumed) {
		rc = kesu_ledger_resume(st->ledger, w->status.job_id, err, errsize);
	} else {
		struct kesu_job_plan plan;
		kesu_job_get_plan(w->job, &plan);
		char *text = kesu_job_plan_json(kesu_job_result(w->job), &plan);
		sodium_memzero(&plan, sizeof(plan));
		rc = text ? kesu_ledger_begin(st->ledger, w->device_key, text, w->status.job_id, err, errsize)
			  : -ENOMEM;
		if (text)
			sodium_memzero(text, strlen(text)); /* the seeds */
		free(text);
		if (rc == -ENOMEM)
			snprintf(err, errsize, _("out of memory"));
	}
	w->begun = rc == 0;
	/* Never set a password kesu could not write down. */
	if (rc == 0 && w->ata_password)
		rc = kesu_ledger_password_store(st->ledger, w->device_key, w->status.job_id,
						w->ata_password, err, errsize);
	pthread_mutex_unlock(&st->lock);
	return rc;
}

void kesu_wipe_unbegin(struct kesu_wipe *w)
{
	char err[KESU_ERRMSG_MAX];
	pthread_mutex_lock(&w->st->lock);
	if (w->begun && !w->status.resumed) {
		kesu_ledger_password_forget(w->st->ledger, w->device_key, err, sizeof(err));
		kesu_ledger_discard(w->st->ledger, w->status.job_id, err, sizeof(err));
	}
	pthread_mutex_unlock(&w->st->lock);
	w->begun = false;
}

/* The password leaves the ledger only once the drive confirmed that its
 * security is disabled again; otherwise kesu unlock needs it. */
static int settle_password(struct kesu_wipe *w, const struct kesu_job_result *r, char *err,
			   size_t errsize)
{
	if (!w->ata_password)
		return 0;
	if (r->firmware.password_set && !r->firmware.password_cleared) {
		w->status.password_kept = true;
		return 0;
	}
	return kesu_ledger_password_forget(w->st->ledger, w->device_key, err, errsize);
}

int kesu_wipe_finish(struct kesu_wipe *w, const char *asset_number, char *err, size_t errsize)
{
	struct kesu_station *st = w->st;
	const struct kesu_job_result *r = kesu_job_result(w->job);
	struct kesu_job_context ctx = st->ctx;
	snprintf(ctx.asset_number, sizeof(ctx.asset_number), "%s", asset_number ? asset_number : "");
	kesu_certificate_id(w->certificate_id);
	bool interrupted = r->outcome == KESU_OUTCOME_INTERRUPTED;

	pthread_mutex_lock(&st->lock);
	/* The interruptions the ledger holds for this job, for the record. */
	char *interruptions = NULL;
	struct kesu_ledger_open_job open;
	if (kesu_ledger_get_open(st->ledger, w->status.job_id, &open, err, errsize) == 1) {
		interruptions = strdup(open.interruptions);
		kesu_ledger_open_job_free(&open);
	}
	/* An interrupted job's record names no certificate: it stays open. */
	w->record = kesu_record_build(r, &ctx, w->status.job_id, interrupted ? NULL : w->certificate_id,
				      interruptions, w->approval_json, &w->record_len);
	free(interruptions);
	int rc = w->record ? 0 : -ENOMEM;
	if (rc < 0)
		snprintf(err, errsize, _("cannot build the ledger record"));
	else if (interrupted)
		rc = kesu_ledger_interrupted(st->ledger, w->status.job_id, r->reason, err, errsize);
	else
		rc = kesu_ledger_finish(st->ledger, w->status.job_id, w->record, w->record_len, st->sk,
					&w->status.seq, w->record_hash, err, errsize);
	w->status.recorded = rc == 0;
	if (rc < 0)
		snprintf(w->status.not_recorded, sizeof(w->status.not_recorded), "%s", err);
	int prc = rc == 0 ? settle_password(w, r, err, errsize) : 0;
	pthread_mutex_unlock(&st->lock);
	return rc < 0 ? rc : prc;
}

int kesu_wipe_certify(struct kesu_wipe *w, char *err, size_t errsize)
{
	const struct kesu_job_result *r = kesu_job_result(w->job);
	if (!w->status.recorded || !w->record) {
		snprintf(err, errsize, _("%s: no certificate: the ledger does not hold the result"), w->dev.path);
		return -KESU_EINTERRUPTED;
	}
	size_t len;
	char *payload = NULL;
	if (r->outcome == KESU_OUTCOME_INTERRUPTED) {
		/* A failure report for the job left open; it claims nothing. */
		struct json_object *doc = json_tokener_parse(w->record);
		json_object_object_add(doc, "certificate_id", json_object_new_string(w->certificate_id));
		const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
		payload = kesu_cert_payload_ex(text, strlen(text), 0, NULL, time(NULL),
					       w->details ? KESU_CERT_DETAILS : 0, &len);
		json_object_put(doc);
	} else {
		payload = kesu_cert_payload_ex(w->record, w->record_len, w->status.seq, w->record_hash,
					       time(NULL), w->details ? KESU_CERT_DETAILS : 0, &len);
	}
	int rc = -ENOMEM;
	if (payload) {
		pthread_mutex_lock(&w->st->lock); /* one signer (a token) for every job */
		rc = kesu_cert_issue_signed(payload, len, w->st->sk, w->st->cert_dir, &w->st->style,
					    w->st->signing, w->status.document,
					    sizeof(w->status.document), err, errsize);
		pthread_mutex_unlock(&w->st->lock);
	}
	if (!payload)
		snprintf(err, errsize, _("cannot build the certificate payload"));
	free(payload);
	if (rc < 0) {
		w->status.document[0] = '\0';
		snprintf(w->status.document_error, sizeof(w->status.document_error), "%s", err);
		return rc;
	}
	/* erased with exceptions: a certificate document that states what
	 * remains (docs/certificate.md), not a failure report */
	w->status.certificate = r->outcome == KESU_OUTCOME_SUCCESS ||
				r->outcome == KESU_OUTCOME_EXCEPTIONS;
	return 0;
}

const struct kesu_wipe_status *kesu_wipe_status(const struct kesu_wipe *w)
{
	return &w->status;
}

void kesu_wipe_free(struct kesu_wipe *w)
{
	if (!w)
		return;
	kesu_job_free(w->job);
	sodium_memzero(&w->plan, sizeof(w->plan));
	free(w->state_json);
	free(w->record);
	free(w->approval_json);
	if (w->ata_password)
		sodium_free(w->ata_password); /* sodium_free wipes it */
	free(w);
}

int kesu_wipe_set_approval(struct kesu_wipe *w, const char *approval_json)
{
	free(w->approval_json);
	w->approval_json = approval_json ? strdup(approval_json) : NULL;
	return approval_json && !w->approval_json ? -ENOMEM : 0;
}

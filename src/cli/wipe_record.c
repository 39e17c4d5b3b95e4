/* A wipe's life in the ledger: begun (or resumed) before the first byte,
 * checkpointed while it runs, finished, chained and certified at the end. */
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "kesu/cert.h"

static struct json_object *hex_json(const uint8_t *b, size_t n)
{
	char text[2 * 64 + 1];
	sodium_bin2hex(text, sizeof(text), b, n);
	return json_object_new_string(text);
}

/* What a resume needs: the method (by id and file hash, so a changed
 * definition is noticed), the verification settings and the plan. */
static char *plan_json(const struct kesu_job_result *r, const struct kesu_job_plan *plan)
{
	struct json_object *o = json_object_new_object(), *m = json_object_new_object();
	json_object_object_add(m, "id", json_object_new_string(r->method.id));
	json_object_object_add(m, "sha256", hex_json(r->method.sha256, 32));
	json_object_object_add(o, "method", m);
	json_object_object_add(o, "verify_mode", json_object_new_int(r->verify_mode));
	json_object_object_add(o, "verify_passes", json_object_new_int(r->verify_passes));
	json_object_object_add(o, "verify_percent_x10", json_object_new_int((int)(r->verify_percent * 10 + 0.5)));
	json_object_object_add(o, "request_size", json_object_new_int64((int64_t)r->request_size));
	json_object_object_add(o, "random_bytes", hex_json(plan->random_bytes, sizeof(plan->random_bytes)));
	struct json_object *seeds = json_object_new_array();
	for (unsigned i = 0; i < r->npasses; i++)
		json_object_array_add(seeds, hex_json(plan->seeds[i], KESU_PRNG_SEED_SIZE));
	json_object_object_add(o, "seeds", seeds);
	char *text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return text;
}

static bool unhex(struct json_object *v, uint8_t *out, size_t n)
{
	const char *s = json_object_get_string(v);
	size_t len;
	return s && sodium_hex2bin(out, n, s, strlen(s), NULL, &len, NULL) == 0 && len == n;
}

static struct json_object *get(struct json_object *o, const char *name)
{
	struct json_object *v = NULL;
	json_object_object_get_ex(o, name, &v);
	return v;
}

/* Turns an open job's plan back into job options. */
static int parse_plan(const char *text, const struct kesu_method *method, struct cli_record *rec,
		      struct kesu_job_options *opts, const char *path)
{
	struct json_object *o = json_tokener_parse(text);
	struct json_object *m = get(o, "method"), *seeds = get(o, "seeds");
	const char *id = json_object_get_string(get(m, "id"));
	uint8_t sha[32];
	bool ok = o && m && seeds && id && unhex(get(m, "sha256"), sha, sizeof(sha));
	if (ok && (strcmp(id, method->id) != 0 || memcmp(sha, method->sha256, 32) != 0)) {
		cli_error("%s: an unfinished %s job (%s) is in the ledger for this drive: wipe with "
			  "--method %s to resume it, or --restart", path, id, rec->job_id, id);
		json_object_put(o);
		return KESU_EXIT_USAGE;
	}
	ok = ok && unhex(get(o, "random_bytes"), rec->plan.random_bytes, sizeof(rec->plan.random_bytes)) &&
	     json_object_array_length(seeds) == method->npasses;
	for (unsigned i = 0; ok && i < method->npasses; i++)
		ok = unhex(json_object_array_get_idx(seeds, i), rec->plan.seeds[i], KESU_PRNG_SEED_SIZE);
	if (!ok) {
		cli_error("%s: the unfinished job %s in the ledger has a damaged plan; use --restart",
			  path, rec->job_id);
		json_object_put(o);
		return KESU_EXIT_FAILURE;
	}
	opts->verify_mode = (enum kesu_verify_mode)json_object_get_int(get(o, "verify_mode"));
	opts->verify_passes = (enum kesu_verify_passes)json_object_get_int(get(o, "verify_passes"));
	opts->verify_percent = json_object_get_int(get(o, "verify_percent_x10")) / 10.0;
	opts->request_size = (size_t)json_object_get_int64(get(o, "request_size"));
	json_object_put(o);
	return KESU_EXIT_OK;
}

int cli_record_prepare(struct cli_station *st, const struct kesu_device *dev,
		       const struct kesu_method *method, bool restart, struct cli_record *rec,
		       struct kesu_job_options *opts)
{
	char err[600];
	kesu_ledger_device_key(dev->serial, dev->path, dev->size, rec->device_key, sizeof(rec->device_key));
	struct kesu_ledger_open_job open;
	int found = kesu_ledger_find_open(st->ledger, rec->device_key, &open, err, sizeof(err));
	if (found < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	if (found && restart) {
		int rc = kesu_ledger_interrupted(st->ledger, open.job_id, "abandoned: the operator restarted the wipe",
						 err, sizeof(err));
		kesu_ledger_open_job_free(&open);
		if (rc < 0) {
			cli_error("%s", err);
			return KESU_EXIT_FAILURE;
		}
		fprintf(stderr, "kesu: %s: the unfinished job %s is left as abandoned; starting anew\n",
			dev->path, open.job_id);
		return KESU_EXIT_OK;
	}
	if (!found)
		return KESU_EXIT_OK;
	snprintf(rec->job_id, sizeof(rec->job_id), "%s", open.job_id);
	int code = parse_plan(open.plan_json, method, rec, opts, dev->path);
	if (code == KESU_EXIT_OK) {
		rec->resumed = true;
		opts->resume_plan = &rec->plan;
		/* A checkpoint (pass p, offset o) means: passes before p are
		 * done, p is durable up to o. No checkpoint: from the start. */
		opts->resume_pass = open.pass ? open.pass : 1;
		opts->resume_offset = open.pass ? open.offset : 0;
		opts->prior_bad_sectors = open.bad_sectors;
		rec->last_pass = open.pass;
		rec->last_offset = open.offset;
		fprintf(stderr, "kesu: %s: resuming job %s (started %s) at pass %u, byte %llu\n",
			dev->path, open.job_id, open.started_utc, opts->resume_pass,
			(unsigned long long)opts->resume_offset);
	}
	kesu_ledger_open_job_free(&open);
	return code;
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
		char *text = plan_json(kesu_job_result(job), &plan);
		sodium_memzero(&plan, sizeof(plan));
		rc = text ? kesu_ledger_begin(st->ledger, rec->device_key, text, rec->job_id, err, sizeof(err))
			  : -ENOMEM;
		free(text);
	}
	if (rc < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

int cli_record_checkpoint(struct cli_station *st, struct cli_record *rec, struct kesu_job *job)
{
	struct kesu_job_progress p;
	kesu_job_progress(job, &p);
	if (p.durable_pass == 0 || (p.durable_pass == rec->last_pass && p.durable_offset == rec->last_offset))
		return KESU_EXIT_OK;
	char err[600];
	if (kesu_ledger_checkpoint(st->ledger, rec->job_id, p.durable_pass, p.durable_offset,
				   p.bad_sectors, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	rec->last_pass = p.durable_pass;
	rec->last_offset = p.durable_offset;
	return KESU_EXIT_OK;
}

/* The certificate, or the failure report, for a payload. */
static int certify(struct cli_station *st, struct cli_record *rec, const char *payload, size_t len,
		   const char *path, bool success)
{
	char err[600];
	if (kesu_cert_issue(payload, len, st->sk, st->cert_dir, rec->document, sizeof(rec->document),
			    err, sizeof(err)) < 0) {
		cli_error("%s: %s", path, err);
		rec->document[0] = '\0';
		return KESU_EXIT_FAILURE;
	}
	rec->certificate = success;
	return KESU_EXIT_OK;
}

int cli_record_finish(struct cli_station *st, struct cli_record *rec, struct kesu_job *job,
		      const char *asset_number)
{
	const struct kesu_job_result *r = kesu_job_result(job);
	char err[600];
	int code = cli_record_checkpoint(st, rec, job);
	struct kesu_job_context ctx = st->cfg.ctx;
	snprintf(ctx.asset_number, sizeof(ctx.asset_number), "%s", asset_number ? asset_number : "");
	char cert_id[32];
	kesu_certificate_id(cert_id);

	/* The interruptions the ledger holds for this job, for the record. */
	char *interruptions = NULL;
	struct kesu_ledger_open_job open;
	if (kesu_ledger_find_open(st->ledger, rec->device_key, &open, err, sizeof(err)) == 1) {
		if (!strcmp(open.job_id, rec->job_id))
			interruptions = strdup(open.interruptions);
		kesu_ledger_open_job_free(&open);
	}
	size_t len;
	char *record = kesu_record_build(r, &ctx, rec->job_id,
					 r->outcome == KESU_OUTCOME_INTERRUPTED ? NULL : cert_id,
					 interruptions, &len);
	free(interruptions);
	if (!record) {
		cli_error("%s: cannot build the ledger record", r->device.path);
		return KESU_EXIT_FAILURE;
	}
	uint64_t seq = 0;
	char hash[65] = "";
	int rc;
	if (r->outcome == KESU_OUTCOME_INTERRUPTED) {
		/* Left open, so that the next wipe of this drive resumes it. */
		rc = kesu_ledger_interrupted(st->ledger, rec->job_id, r->reason, err, sizeof(err));
	} else {
		rc = kesu_ledger_finish(st->ledger, rec->job_id, record, len, st->sk, &seq, hash, err, sizeof(err));
	}
	if (rc < 0) {
		cli_error("%s", err);
		free(record);
		return KESU_EXIT_FAILURE;
	}
	rec->seq = seq;
	if (r->outcome != KESU_OUTCOME_INTERRUPTED) {
		char *payload = kesu_cert_payload(record, len, seq, hash, time(NULL), &len);
		if (!payload || certify(st, rec, payload, len, r->device.path,
					r->outcome == KESU_OUTCOME_SUCCESS) != KESU_EXIT_OK)
			code = KESU_EXIT_FAILURE;
		free(payload);
	} else {
		/* A failure report for the interrupted job; it claims nothing. */
		struct json_object *doc = json_tokener_parse(record);
		json_object_object_add(doc, "certificate_id", json_object_new_string(cert_id));
		const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
		char *payload = kesu_cert_payload(text, strlen(text), 0, NULL, time(NULL), &len);
		if (!payload || certify(st, rec, payload, len, r->device.path, false) != KESU_EXIT_OK)
			code = KESU_EXIT_FAILURE;
		free(payload);
		json_object_put(doc);
	}
	free(record);
	return code;
}

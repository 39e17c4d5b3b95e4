/* Parsing what `kesu wipe --progress json --json` prints: one progress
 * object per line on stderr, one result document on stdout. Pure: no
 * curses and no other cli code, so tests/unit/test_tui_progress.c links
 * this file alone (with json-c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#define TUI_PURE_ONLY
#include "tui.h"

static void copy_string(struct json_object *o, const char *key, char *buf, size_t size)
{
	struct json_object *v;
	buf[0] = '\0';
	if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
		snprintf(buf, size, "%s", json_object_get_string(v));
}

/* A number, or -1 when missing, null or not a number (JSON null is how
 * the wipe says "not known"). */
static double number_or(struct json_object *o, const char *key, double missing)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v))
		return missing;
	if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
		return missing;
	double d = json_object_get_double(v);
	return d >= 0 ? d : missing;
}

static uint64_t count_of(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return 0;
	int64_t n = json_object_get_int64(v);
	return n > 0 ? (uint64_t)json_object_get_uint64(v) : 0;
}

int tui_progress_parse(const char *line, struct tui_progress *out)
{
	memset(out, 0, sizeof(*out));
	if (!line || line[0] != '{')
		return -1;
	struct json_object *o = json_tokener_parse(line);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return -1;
	}
	copy_string(o, "device", out->device, sizeof(out->device));
	copy_string(o, "phase", out->phase, sizeof(out->phase));
	copy_string(o, "pattern", out->pattern, sizeof(out->pattern));
	copy_string(o, "outcome", out->outcome, sizeof(out->outcome));
	double pass = number_or(o, "pass", 0), passes = number_or(o, "passes", 0);
	out->pass = pass < 1e6 ? (unsigned)pass : 0;
	out->passes = passes < 1e6 ? (unsigned)passes : 0;
	out->done = count_of(o, "done");
	out->total = count_of(o, "total");
	/* done/total count the phase; a done past total is clamped, not shown as 120%. */
	out->percent = out->total ? 100.0 * (double)(out->done < out->total ? out->done : out->total) /
					    (double)out->total
				  : -1;
	if (!strcmp(out->phase, "done"))
		out->percent = 100;
	out->mb_per_s = number_or(o, "mb_per_s", -1);
	out->eta_seconds = number_or(o, "eta_seconds", -1);
	out->estimate_seconds = number_or(o, "estimate_seconds", -1);
	out->elapsed_seconds = number_or(o, "elapsed_seconds", -1);
	out->job_percent = number_or(o, "job_percent", -1);
	if (out->job_percent > 100)
		out->job_percent = 100;
	out->job_eta_seconds = number_or(o, "job_eta_seconds", -1);
	out->job_done = count_of(o, "job_done");
	out->job_total = count_of(o, "job_total");
	out->job_elapsed_seconds = number_or(o, "job_elapsed_seconds", -1);
	json_object_put(o);
	return out->device[0] ? 0 : -1;
}

/* ERASED_WITH_EXCEPTIONS: each exception's one-line detail, both
 * languages (the record's words, shown as they are). */
int tui_message_parse(const char *line, char *buf, size_t size)
{
	buf[0] = '\0';
	if (!line || line[0] != '{')
		return -1;
	struct json_object *o = json_tokener_parse(line), *v;
	bool message = o && json_object_is_type(o, json_type_object) &&
		       !json_object_object_get_ex(o, "device", NULL) &&
		       json_object_object_get_ex(o, "message", &v) && json_object_is_type(v, json_type_string);
	if (message)
		snprintf(buf, size, "%s", json_object_get_string(v));
	json_object_put(o);
	return message ? 0 : -1;
}

static void parse_exceptions(struct json_object *job, struct tui_job_result *j)
{
	struct json_object *list;
	if (!json_object_object_get_ex(job, "exceptions", &list) ||
	    !json_object_is_type(list, json_type_array))
		return;
	size_t n = json_object_array_length(list);
	for (size_t i = 0; i < n && j->nexceptions < sizeof(j->exceptions) / sizeof(j->exceptions[0]); i++) {
		struct json_object *e = json_object_array_get_idx(list, i);
		if (!json_object_is_type(e, json_type_object))
			continue;
		copy_string(e, "detail", j->exceptions[j->nexceptions], sizeof(j->exceptions[0]));
		copy_string(e, "detail_ja", j->exceptions_ja[j->nexceptions], sizeof(j->exceptions_ja[0]));
		j->nexceptions++;
	}
}

static void parse_job(struct json_object *job, struct tui_job_result *j)
{
	struct json_object *dev, *method, *record;
	memset(j, 0, sizeof(*j));
	if (json_object_object_get_ex(job, "device", &dev))
		copy_string(dev, "path", j->device, sizeof(j->device));
	if (json_object_object_get_ex(job, "method", &method))
		copy_string(method, "id", j->method, sizeof(j->method));
	copy_string(job, "outcome", j->outcome, sizeof(j->outcome));
	copy_string(job, "reason", j->reason, sizeof(j->reason));
	copy_string(job, "reason_ja", j->reason_ja, sizeof(j->reason_ja));
	parse_exceptions(job, j);
	copy_string(job, "nist_level", j->nist_level, sizeof(j->nist_level));
	if (json_object_object_get_ex(job, "record", &record)) {
		copy_string(record, "job_id", j->job_id, sizeof(j->job_id));
		copy_string(record, "certificate", j->certificate, sizeof(j->certificate));
		copy_string(record, "failure_report", j->failure_report, sizeof(j->failure_report));
		j->recorded = number_or(record, "seq", -1) > 0;
	}
}

int tui_results_parse(const char *text, struct tui_results *out)
{
	memset(out, 0, sizeof(*out));
	if (!text)
		return -1;
	/* The whole text must be one document: a result cut short by a
	 * crash must not pass for a result. */
	enum json_tokener_error jerr;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc = tok ? json_tokener_parse_ex(tok, text, (int)strlen(text)) : NULL;
	jerr = tok ? json_tokener_get_error(tok) : json_tokener_error_parse_eof;
	size_t used = tok ? json_tokener_get_parse_end(tok) : 0;
	json_tokener_free(tok);
	for (const char *rest = text + used; doc && jerr == json_tokener_success && *rest; rest++)
		if (*rest != ' ' && *rest != '\n' && *rest != '\t' && *rest != '\r')
			jerr = json_tokener_error_parse_unexpected;
	struct json_object *jobs;
	if (!doc || jerr != json_tokener_success || !json_object_is_type(doc, json_type_object) ||
	    !json_object_object_get_ex(doc, "jobs", &jobs) || !json_object_is_type(jobs, json_type_array)) {
		json_object_put(doc);
		return -1;
	}
	copy_string(doc, "kesu_version", out->kesu_version, sizeof(out->kesu_version));
	size_t n = json_object_array_length(jobs);
	out->jobs = calloc(n ? n : 1, sizeof(*out->jobs));
	if (!out->jobs) {
		json_object_put(doc);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *job = json_object_array_get_idx(jobs, i);
		if (json_object_is_type(job, json_type_object))
			parse_job(job, &out->jobs[out->njobs++]);
	}
	json_object_put(doc);
	return 0;
}

void tui_results_free(struct tui_results *r)
{
	free(r->jobs);
	r->jobs = NULL;
	r->njobs = 0;
}

bool tui_results_all_success(const struct tui_results *r)
{
	if (!r->njobs)
		return false;
	for (size_t i = 0; i < r->njobs; i++)
		if (strcmp(r->jobs[i].outcome, "SUCCESS") != 0)
			return false;
	return true;
}

/* The JSON form of a job result (docs/formats.md, "Job result"). */
#include <sodium.h>
#include <time.h>

#include "cli.h"

static struct json_object *hex(const uint8_t *bytes, size_t len)
{
	char text[2 * 64 + 1];
	sodium_bin2hex(text, sizeof(text), bytes, len);
	return json_object_new_string(text);
}

static struct json_object *timestamp(const struct timespec *t)
{
	char text[40];
	struct tm tm;
	gmtime_r(&t->tv_sec, &tm);
	strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_object_new_string(text);
}

struct json_object *cli_ranges_json(const struct kesu_range_list *list)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < list->count; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "first", json_object_new_uint64(list->items[i].first));
		json_object_object_add(o, "count", json_object_new_uint64(list->items[i].count));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *verify_json(const struct kesu_verify_result *v)
{
	if (!v->done && !v->error)
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "mode", json_object_new_string(kesu_verify_mode_name(v->mode)));
	json_object_object_add(o, "percent", json_object_new_double(v->plan.percent));
	json_object_object_add(o, "seed", hex(v->plan.seed, sizeof(v->plan.seed)));
	json_object_object_add(o, "subsections", json_object_new_uint64(v->plan.subsections));
	json_object_object_add(o, "samples", json_object_new_uint64(v->plan.count));
	json_object_object_add(o, "planned_bytes", json_object_new_uint64(v->plan.bytes));
	json_object_object_add(o, "bytes_read", json_object_new_uint64(v->bytes_read));
	json_object_object_add(o, "seconds", json_object_new_double(v->seconds));
	json_object_object_add(o, "passed", json_object_new_boolean(v->done && v->error == 0));
	json_object_object_add(o, "error", v->error && v->error != -KESU_EVERIFY
						   ? json_object_new_string(kesu_strerror(v->error))
						   : NULL);
	json_object_object_add(o, "mismatched", cli_ranges_json(&v->mismatched));
	json_object_object_add(o, "unreadable", cli_ranges_json(&v->unreadable));
	return o;
}

static struct json_object *pass_json(const struct kesu_pass_result *p)
{
	char text[KESU_PASS_TEXT_MAX];
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "number", json_object_new_int((int)p->number));
	json_object_object_add(o, "pattern", json_object_new_string(kesu_pass_format(&p->pass, text, sizeof(text))));
	json_object_object_add(o, "description",
			       json_object_new_string(kesu_pass_describe(&p->pass, text, sizeof(text))));
	bool random_byte = p->pass.type == KESU_PASS_RANDOM_BYTE || p->pass.type == KESU_PASS_COMPLEMENT;
	json_object_object_add(o, "byte", random_byte ? hex(&p->byte, 1) : NULL);
	json_object_object_add(o, "seed", p->pass.type == KESU_PASS_RANDOM_STREAM
						  ? hex(p->seed, sizeof(p->seed))
						  : NULL);
	json_object_object_add(o, "completed", json_object_new_boolean(p->completed));
	json_object_object_add(o, "bytes_written", json_object_new_uint64(p->bytes_written));
	json_object_object_add(o, "offset_reached", json_object_new_uint64(p->offset_reached));
	json_object_object_add(o, "seconds", json_object_new_double(p->seconds));
	json_object_object_add(o, "mb_per_s", p->seconds > 0
			       ? json_object_new_double((double)p->bytes_written / p->seconds / 1e6)
			       : NULL);
	json_object_object_add(o, "error", p->error ? json_object_new_string(kesu_strerror(p->error)) : NULL);
	json_object_object_add(o, "bad", cli_ranges_json(&p->bad));
	json_object_object_add(o, "verification", verify_json(&p->verify));
	return o;
}

struct json_object *cli_job_json(const struct kesu_job_result *r)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "device", cli_device_json(&r->device));
	struct json_object *m = json_object_new_object();
	json_object_object_add(m, "id", json_object_new_string(r->method.id));
	json_object_object_add(m, "version", json_object_new_int((int)r->method.version));
	json_object_object_add(m, "title_en", json_object_new_string(r->method.title_en));
	json_object_object_add(m, "title_ja", json_object_new_string(r->method.title_ja));
	json_object_object_add(m, "standard", json_object_new_string(r->method.standard));
	json_object_object_add(m, "sha256", hex(r->method.sha256, sizeof(r->method.sha256)));
	json_object_object_add(m, "technique", json_object_new_string(kesu_technique_name(r->method.technique)));
	json_object_object_add(o, "method", m);
	json_object_object_add(o, "firmware", r->method.technique == KESU_TECHNIQUE_FIRMWARE
				? kesu_record_firmware_json(r) : NULL);
	json_object_object_add(o, "hidden_areas", r->hidden.checked ? kesu_record_hidden_json(&r->hidden) : NULL);
	json_object_object_add(o, "nist_level", json_object_new_string(
		r->outcome == KESU_OUTCOME_SUCCESS || r->outcome == KESU_OUTCOME_EXCEPTIONS
			? kesu_nist_level_name(r->nist_level) : "none"));
	json_object_object_add(o, "verify_mode", json_object_new_string(kesu_verify_mode_name(r->verify_mode)));
	json_object_object_add(o, "verify_passes", json_object_new_string(
		r->verify_passes == KESU_VPASSES_ALL ? "all" : "last"));
	json_object_object_add(o, "request_size", json_object_new_uint64(r->request_size));
	json_object_object_add(o, "direct_io", json_object_new_boolean(r->direct_io));
	json_object_object_add(o, "started_utc", timestamp(&r->started));
	json_object_object_add(o, "ended_utc", timestamp(&r->ended));
	struct json_object *passes = json_object_new_array();
	for (unsigned i = 0; i < r->npasses; i++)
		if (r->passes[i].started)
			json_object_array_add(passes, pass_json(&r->passes[i]));
	json_object_object_add(o, "passes", passes);
	json_object_object_add(o, "outcome", json_object_new_string(kesu_outcome_name(r->outcome)));
	json_object_object_add(o, "reason", r->reason[0] ? json_object_new_string(r->reason) : NULL);
	json_object_object_add(o, "reason_ja", r->reason_ja[0] ? json_object_new_string(r->reason_ja) : NULL);
	/* erased with exceptions: what remains (the record's "exceptions") */
	json_object_object_add(o, "exceptions", r->outcome == KESU_OUTCOME_EXCEPTIONS
				? kesu_record_exceptions_json(r) : NULL);
	json_object_object_add(o, "resumed", json_object_new_boolean(r->resumed));
	json_object_object_add(o, "unwritten", cli_ranges_json(&r->unwritten));
	json_object_object_add(o, "unwritten_sectors", json_object_new_uint64(kesu_ranges_sectors(&r->unwritten)));
	json_object_object_add(o, "interrupted_pass", r->outcome == KESU_OUTCOME_INTERRUPTED
				? json_object_new_int((int)r->interrupted_pass) : NULL);
	json_object_object_add(o, "interrupted_at", r->outcome == KESU_OUTCOME_INTERRUPTED
				? json_object_new_uint64(r->interrupted_at) : NULL);
	json_object_object_add(o, "sector_size", json_object_new_int(
		(int)(r->device.logical_sector ? r->device.logical_sector : 512)));
	return o;
}

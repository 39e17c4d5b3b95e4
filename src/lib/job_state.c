/* The plan and the checkpointed state of a wipe job, as the ledger keeps
 * them (kesu/job_state.h). Both are parsed strictly: a damaged value makes
 * the resume refuse, it never becomes a zero. */
#include <errno.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "kesu/error.h"
#include "kesu/job_state.h"
#include "speed_profile.h"

#define STATE_VERSION 1

static bool unhex(struct json_object *v, uint8_t *out, size_t n)
{
	const char *s = json_object_get_string(v);
	size_t len;
	return v && json_object_is_type(v, json_type_string) &&
	       sodium_hex2bin(out, n, s, strlen(s), NULL, &len, NULL) == 0 && len == n;
}

static struct json_object *get(struct json_object *o, const char *name)
{
	struct json_object *v = NULL;
	return o && json_object_object_get_ex(o, name, &v) ? v : NULL;
}

/* A non-negative integer member, strictly. */
static bool get_u64(struct json_object *o, const char *name, uint64_t *out)
{
	struct json_object *v = get(o, name);
	if (!v || !json_object_is_type(v, json_type_int))
		return false;
	int64_t x = json_object_get_int64(v);
	if (x < 0)
		return false;
	*out = (uint64_t)x;
	return true;
}

static bool get_bool(struct json_object *o, const char *name, bool *out)
{
	struct json_object *v = get(o, name);
	if (!v || !json_object_is_type(v, json_type_boolean))
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

char *kesu_job_plan_json(const struct kesu_job_result *r, const struct kesu_job_plan *plan)
{
	struct json_object *o = json_object_new_object(), *m = json_object_new_object();
	json_object_object_add(m, "id", json_object_new_string(r->method.id));
	json_object_object_add(m, "sha256", Kesu_json_hex(r->method.sha256, 32));
	json_object_object_add(o, "method", m);
	json_object_object_add(o, "verify_mode", json_object_new_int(r->verify_mode));
	json_object_object_add(o, "verify_passes", json_object_new_int(r->verify_passes));
	json_object_object_add(o, "verify_percent_x10", json_object_new_int((int)(r->verify_percent * 10 + 0.5)));
	json_object_object_add(o, "request_size", json_object_new_int64((int64_t)r->request_size));
	json_object_object_add(o, "random_bytes", Kesu_json_hex(plan->random_bytes, sizeof(plan->random_bytes)));
	struct json_object *seeds = json_object_new_array();
	for (unsigned i = 0; i < r->npasses; i++)
		json_object_array_add(seeds, Kesu_json_hex(plan->seeds[i], KESU_PRNG_SEED_SIZE));
	json_object_object_add(o, "seeds", seeds);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	char *copy = text ? strdup(text) : NULL;
	json_object_put(o);
	return copy;
}

int kesu_job_plan_parse(const char *text, const struct kesu_method *method,
			struct kesu_job_plan *plan, struct kesu_job_options *opts, char *other_id,
			size_t other_size)
{
	struct json_object *o = text ? json_tokener_parse(text) : NULL;
	struct json_object *m = get(o, "method"), *seeds = get(o, "seeds");
	const char *id = json_object_get_string(get(m, "id"));
	uint8_t sha[32];
	int rc = -KESU_EPARSE;
	if (!o || !id || !unhex(get(m, "sha256"), sha, sizeof(sha)))
		goto out;
	if (strcmp(id, method->id) != 0 || memcmp(sha, method->sha256, 32) != 0) {
		snprintf(other_id, other_size, "%s", id);
		rc = 1;
		goto out;
	}
	uint64_t vmode, vpasses, percent_x10, request;
	struct kesu_job_plan p;
	memset(&p, 0, sizeof(p));
	bool ok = unhex(get(o, "random_bytes"), p.random_bytes, sizeof(p.random_bytes)) &&
		  seeds && json_object_is_type(seeds, json_type_array) &&
		  json_object_array_length(seeds) == method->npasses &&
		  get_u64(o, "verify_mode", &vmode) && vmode <= KESU_VMODE_FULL &&
		  get_u64(o, "verify_passes", &vpasses) && vpasses <= KESU_VPASSES_ALL &&
		  get_u64(o, "verify_percent_x10", &percent_x10) && percent_x10 <= 1000 &&
		  get_u64(o, "request_size", &request) && request > 0 && request <= (1u << 30);
	for (unsigned i = 0; ok && i < method->npasses; i++)
		ok = unhex(json_object_array_get_idx(seeds, i), p.seeds[i], KESU_PRNG_SEED_SIZE);
	if (ok) {
		*plan = p;
		opts->verify_mode = (enum kesu_verify_mode)vmode;
		opts->verify_passes = (enum kesu_verify_passes)vpasses;
		opts->verify_percent = (double)percent_x10 / 10.0;
		opts->request_size = (size_t)request;
		rc = 0;
	}
	sodium_memzero(&p, sizeof(p));
out:
	json_object_put(o);
	return rc;
}

static struct json_object *ranges_json(const struct kesu_range_list *l)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < l->count; i++) {
		struct json_object *pair = json_object_new_array();
		json_object_array_add(pair, json_object_new_int64((int64_t)l->items[i].first));
		json_object_array_add(pair, json_object_new_int64((int64_t)l->items[i].count));
		json_object_array_add(a, pair);
	}
	return a;
}

static bool ranges_parse(struct json_object *a, struct kesu_range_list *out)
{
	if (!a || !json_object_is_type(a, json_type_array))
		return false;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *pair = json_object_array_get_idx(a, i);
		if (!json_object_is_type(pair, json_type_array) || json_object_array_length(pair) != 2)
			return false;
		struct json_object *f = json_object_array_get_idx(pair, 0), *c = json_object_array_get_idx(pair, 1);
		if (!json_object_is_type(f, json_type_int) || !json_object_is_type(c, json_type_int) ||
		    json_object_get_int64(f) < 0 || json_object_get_int64(c) <= 0 ||
		    kesu_ranges_add(out, (uint64_t)json_object_get_int64(f), (uint64_t)json_object_get_int64(c)) < 0)
			return false;
	}
	return true;
}

static int64_t ms(double seconds)
{
	return (int64_t)(seconds * 1000 + 0.5);
}

static struct json_object *verify_json(const struct kesu_verify_result *v)
{
	if (!v->done)
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "mode", json_object_new_int(v->mode));
	json_object_object_add(o, "seed", Kesu_json_hex(v->plan.seed, sizeof(v->plan.seed)));
	json_object_object_add(o, "percent_x10", json_object_new_int64((int64_t)(v->plan.percent * 10 + 0.5)));
	json_object_object_add(o, "samples", json_object_new_int64((int64_t)v->plan.count));
	json_object_object_add(o, "subsections", json_object_new_int64((int64_t)v->plan.subsections));
	json_object_object_add(o, "plan_bytes", json_object_new_int64((int64_t)v->plan.bytes));
	json_object_object_add(o, "bytes_read", json_object_new_int64((int64_t)v->bytes_read));
	json_object_object_add(o, "ms", json_object_new_int64(ms(v->seconds)));
	json_object_object_add(o, "error", json_object_new_int(v->error));
	json_object_object_add(o, "mismatched", ranges_json(&v->mismatched));
	json_object_object_add(o, "unreadable", ranges_json(&v->unreadable));
	return o;
}

static bool verify_parse(struct json_object *o, struct kesu_verify_result *v)
{
	uint64_t mode, percent_x10, samples, subsections, plan_bytes, bytes_read, millis;
	struct json_object *err = get(o, "error");
	if (!get_u64(o, "mode", &mode) || mode > KESU_VMODE_FULL ||
	    !unhex(get(o, "seed"), v->plan.seed, sizeof(v->plan.seed)) ||
	    !get_u64(o, "percent_x10", &percent_x10) || percent_x10 > 1000 ||
	    !get_u64(o, "samples", &samples) || !get_u64(o, "subsections", &subsections) ||
	    !get_u64(o, "plan_bytes", &plan_bytes) || !get_u64(o, "bytes_read", &bytes_read) ||
	    !get_u64(o, "ms", &millis) || !err || !json_object_is_type(err, json_type_int) ||
	    json_object_get_int(err) > 0 || !ranges_parse(get(o, "mismatched"), &v->mismatched) ||
	    !ranges_parse(get(o, "unreadable"), &v->unreadable))
		return false;
	v->done = true;
	v->mode = (enum kesu_verify_mode)mode;
	v->plan.percent = (double)percent_x10 / 10.0;
	v->plan.count = (size_t)samples;
	v->plan.subsections = subsections;
	v->plan.bytes = plan_bytes;
	v->plan.samples = NULL; /* the locations follow from the seed; not kept */
	v->bytes_read = bytes_read;
	v->seconds = (double)millis / 1000.0;
	v->error = json_object_get_int(err);
	return true;
}

static struct json_object *pass_state_json(const struct kesu_pass_result *p)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "number", json_object_new_int64(p->number));
	json_object_object_add(o, "completed", json_object_new_boolean(p->completed));
	json_object_object_add(o, "bytes", json_object_new_int64((int64_t)p->bytes_written));
	json_object_object_add(o, "ms", json_object_new_int64(ms(p->seconds)));
	json_object_object_add(o, "bad", ranges_json(&p->bad));
	json_object_object_add(o, "verify", verify_json(&p->verify));
	json_object_object_add(o, "profile", Kesu_speed_json(&p->profile));
	json_object_object_add(o, "profile_from", json_object_new_int64((int64_t)p->profile.from));
	return o;
}

/* A pass's speed profile, when the state has one (kesu before profiles
 * wrote none: then nothing is known of the pass's speed below where the
 * next run begins, and from says so; a damaged one refuses the state). */
static bool profile_parse(struct json_object *po, uint64_t size, struct kesu_speed_profile *p)
{
	struct json_object *a = get(po, "profile");
	if (!a) {
		p->from = size; /* the resumed pass: the run sets it to its start */
		p->npoints = 0;
		return !get(po, "profile_from");
	}
	uint64_t from;
	if (!get_u64(po, "profile_from", &from) || from > size)
		return false;
	p->from = from;
	return Kesu_speed_parse(a, size, p);
}

char *kesu_job_state_json(const struct kesu_job_result *r, time_t first_started, unsigned pass,
			  uint64_t offset, const struct kesu_pass_result *current)
{
	if (pass == 0 || pass > r->npasses)
		return NULL;
	struct json_object *o = json_object_new_object(), *passes = json_object_new_array();
	json_object_object_add(o, "kesu_state", json_object_new_int(STATE_VERSION));
	json_object_object_add(o, "started", json_object_new_int64((int64_t)first_started));
	json_object_object_add(o, "pass", json_object_new_int64(pass));
	json_object_object_add(o, "offset", json_object_new_int64((int64_t)offset));
	for (unsigned i = 0; i < pass; i++)
		json_object_array_add(passes, pass_state_json(i + 1 == pass && current ? current : &r->passes[i]));
	json_object_object_add(o, "passes", passes);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	char *copy = text ? strdup(text) : NULL;
	json_object_put(o);
	return copy;
}

static void pass_state_free(struct kesu_pass_result *p)
{
	kesu_ranges_free(&p->bad);
	kesu_ranges_free(&p->verify.mismatched);
	kesu_ranges_free(&p->verify.unreadable);
	memset(&p->verify, 0, sizeof(p->verify));
}

int kesu_job_state_parse(const char *text, struct kesu_job_result *r, time_t *first_started,
			 unsigned *pass_out, uint64_t *offset_out)
{
	struct json_object *o = text ? json_tokener_parse(text) : NULL, *passes = get(o, "passes");
	uint64_t version, started, pass, offset;
	bool ok = o && get_u64(o, "kesu_state", &version) && version == STATE_VERSION &&
		  get_u64(o, "started", &started) && get_u64(o, "pass", &pass) &&
		  get_u64(o, "offset", &offset) && pass >= 1 && pass <= r->npasses &&
		  offset <= r->device.size && passes && json_object_is_type(passes, json_type_array) &&
		  json_object_array_length(passes) == pass;
	/* Parsed into copies first: a damaged state changes nothing. */
	struct kesu_pass_result *parsed = ok ? calloc(pass, sizeof(*parsed)) : NULL;
	ok = ok && parsed;
	for (unsigned i = 0; ok && i < pass; i++) {
		struct json_object *po = json_object_array_get_idx(passes, i), *v = get(po, "verify");
		struct kesu_pass_result *p = &parsed[i];
		uint64_t number, bytes = 0, millis = 0;
		ok = get_u64(po, "number", &number) && number == i + 1 &&
		     get_bool(po, "completed", &p->completed) && get_u64(po, "bytes", &bytes) &&
		     get_u64(po, "ms", &millis) && ranges_parse(get(po, "bad"), &p->bad) &&
		     (!v || verify_parse(v, &p->verify)) &&
		     profile_parse(po, r->device.size, &p->profile) &&
		     (i + 1 == pass || p->completed); /* passes before the current one are whole */
		p->bytes_written = bytes;
		p->seconds = (double)millis / 1000.0;
	}
	if (ok) {
		for (unsigned i = 0; i < pass; i++) {
			struct kesu_pass_result *p = &r->passes[i];
			pass_state_free(p);
			p->bad = parsed[i].bad;
			p->verify = parsed[i].verify;
			p->completed = parsed[i].completed;
			p->bytes_written = parsed[i].bytes_written;
			p->seconds = parsed[i].seconds;
			p->profile = parsed[i].profile;
		}
		*first_started = (time_t)started;
		*pass_out = (unsigned)pass;
		*offset_out = offset;
	} else if (parsed) {
		for (unsigned i = 0; i < pass; i++)
			pass_state_free(&parsed[i]);
	}
	free(parsed);
	json_object_put(o);
	return ok ? 0 : -KESU_EPARSE;
}

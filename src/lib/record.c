/* Building a job's record: integers and strings only, so that it has one
 * canonical form to hash and sign (canonical_json.c). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "canonical_json.h"
#include "record_internal.h"
#include "kesu/error.h"
#include "kesu/record.h"
#include "json_members.h"
#include "speed_profile.h"
#include "sysfs.h"

void kesu_time_utc(time_t t, char buf[32])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void kesu_time_local(time_t t, char buf[40])
{
	struct tm tm;
	char zone[8];
	localtime_r(&t, &tm);
	strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm); /* +0900 -> +09:00 */
	size_t n = strlen(buf);
	snprintf(buf + n, 40 - n, "%.3s:%.2s", zone, zone + 3);
}

void kesu_certificate_id(char buf[32])
{
	uint8_t r[4];
	char date[16], h[9];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y%m%d", &tm);
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(h, sizeof(h), r, sizeof(r));
	for (char *c = h; *c; c++)
		*c = (char)(*c >= 'a' ? *c - 32 : *c);
	snprintf(buf, 32, "KESU-%s-%s", date, h);
}

struct json_object *Kesu_record_media_json(const struct kesu_device *d, const char *asset)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "asset_number", Kesu_json_str_or_null(asset));
	json_object_object_add(o, "firmware", Kesu_json_str_or_null(d->firmware));
	json_object_object_add(o, "logical_sector", json_object_new_int64(d->logical_sector));
	json_object_object_add(o, "media_type", json_object_new_string(kesu_media_name(d)));
	json_object_object_add(o, "model", Kesu_json_str_or_null(d->model));
	json_object_object_add(o, "path", json_object_new_string(d->path));
	json_object_object_add(o, "physical_sector", json_object_new_int64(d->physical_sector));
	json_object_object_add(o, "serial", Kesu_json_str_or_null(d->serial));
	json_object_object_add(o, "size_bytes", json_object_new_int64((int64_t)d->size));
	json_object_object_add(o, "transport", json_object_new_string(kesu_transport_name(d->transport)));
	json_object_object_add(o, "vendor", Kesu_json_str_or_null(d->vendor));
	json_object_object_add(o, "wwn", Kesu_json_str_or_null(d->wwn));
	return o;
}

struct json_object *Kesu_record_host_json(const struct kesu_host_identity *h)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "asset_tag", Kesu_json_str_or_null(h->asset_tag));
	json_object_object_add(o, "manufacturer", Kesu_json_str_or_null(h->manufacturer));
	json_object_object_add(o, "product", Kesu_json_str_or_null(h->product));
	json_object_object_add(o, "serial", Kesu_json_str_or_null(h->serial));
	return o;
}

static struct json_object *ranges_json(const struct kesu_range_list *l)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < l->count; i++) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "count", json_object_new_int64((int64_t)l->items[i].count));
		json_object_object_add(o, "first", json_object_new_int64((int64_t)l->items[i].first));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *pass_verify_json(const struct kesu_verify_result *v)
{
	if (!v->done)
		return NULL;
	char percent[16];
	snprintf(percent, sizeof(percent), "%.1f", v->plan.percent);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "mismatched", ranges_json(&v->mismatched));
	json_object_object_add(o, "mismatched_sectors", json_object_new_int64((int64_t)kesu_ranges_sectors(&v->mismatched)));
	json_object_object_add(o, "passed", json_object_new_boolean(v->error == 0));
	json_object_object_add(o, "percent", json_object_new_string(percent));
	json_object_object_add(o, "samples", json_object_new_int64((int64_t)v->plan.count));
	json_object_object_add(o, "seed", Kesu_json_hex(v->plan.seed, sizeof(v->plan.seed)));
	json_object_object_add(o, "unreadable", ranges_json(&v->unreadable));
	json_object_object_add(o, "unreadable_sectors", json_object_new_int64((int64_t)kesu_ranges_sectors(&v->unreadable)));
	return o;
}

static struct json_object *pass_json(const struct kesu_pass_result *p, bool firmware)
{
	char text[KESU_PASS_TEXT_MAX];
	bool random_byte = p->pass.type == KESU_PASS_RANDOM_BYTE || p->pass.type == KESU_PASS_COMPLEMENT;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "bad_sectors", json_object_new_int64((int64_t)kesu_ranges_sectors(&p->bad)));
	json_object_object_add(o, "bad", ranges_json(&p->bad));
	json_object_object_add(o, "byte", random_byte ? Kesu_json_hex(&p->byte, 1) : NULL);
	json_object_object_add(o, "bytes_written", json_object_new_int64((int64_t)p->bytes_written));
	/* Complete means every sector was written: a pass that skipped bad
	 * sectors went to the end, but it is not complete. */
	json_object_object_add(o, "completed", json_object_new_boolean(p->completed && p->bad.count == 0));
	json_object_object_add(o, "milliseconds", json_object_new_int64((int64_t)(p->seconds * 1000 + 0.5)));
	json_object_object_add(o, "number", json_object_new_int64(p->number));
	json_object_object_add(o, "pattern", json_object_new_string(kesu_pass_format(&p->pass, text, sizeof(text))));
	/* the speed over the drive; a drive erasing itself reports none */
	json_object_object_add(o, "profile", firmware ? NULL : Kesu_speed_json(&p->profile));
	json_object_object_add(o, "profile_from", firmware ? NULL : json_object_new_int64((int64_t)p->profile.from));
	json_object_object_add(o, "seed", p->pass.type == KESU_PASS_RANDOM_STREAM ? Kesu_json_hex(p->seed, sizeof(p->seed)) : NULL);
	json_object_object_add(o, "verify", pass_verify_json(&p->verify));
	return o;
}

/* NVMe: every namespace a Format NVM or Sanitize erased (the chosen one
 * first) and why; null for other commands. */
static struct json_object *scope_json(const struct kesu_nvme_scope *s)
{
	if (!s->count)
		return NULL;
	struct json_object *o = json_object_new_object(), *a = json_object_new_array();
	for (size_t i = 0; i < s->count; i++) {
		struct json_object *n = json_object_new_object();
		json_object_object_add(n, "nsid", json_object_new_int64(s->ns[i].nsid));
		json_object_object_add(n, "device", Kesu_json_str_or_null(s->ns[i].device[0] ? s->ns[i].device : NULL));
		json_object_array_add(a, n);
	}
	json_object_object_add(o, "namespaces", a);
	json_object_object_add(o, "reason", json_object_new_string(s->reason ? s->reason : "namespace"));
	json_object_object_add(o, "sent_nsid", json_object_new_int64(s->send_nsid));
	return o;
}

/* What the drive was told and what it did; the temporary password of an
 * ATA Security Erase is never part of a record, only whether it is gone. */
struct json_object *kesu_record_firmware_json(const struct kesu_job_result *r)
{
	const struct kesu_firmware_report *f = &r->firmware;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "command", json_object_new_string(kesu_firmware_command_name(f->command)));
	json_object_object_add(o, "title", json_object_new_string(kesu_firmware_command_title(f->command)));
	json_object_object_add(o, "detail", json_object_new_string(f->detail));
	json_object_object_add(o, "estimate_seconds", json_object_new_int64(f->estimate_s));
	json_object_object_add(o, "milliseconds", json_object_new_int64((int64_t)(f->seconds * 1000 + 0.5)));
	json_object_object_add(o, "followed_running", json_object_new_boolean(f->followed_running));
	json_object_object_add(o, "password_set", json_object_new_boolean(f->password_set));
	json_object_object_add(o, "password_cleared", json_object_new_boolean(f->password_cleared));
	struct json_object *proof = json_object_new_object();
	json_object_object_add(proof, "leaves", json_object_new_string(kesu_leaves_name(r->method.leaves)));
	json_object_object_add(proof, "marker_bytes", json_object_new_int64((int64_t)f->marker_bytes));
	json_object_object_add(proof, "unchanged_sectors", json_object_new_int64((int64_t)f->unchanged_sectors));
	json_object_object_add(proof, "nonzero_sectors", json_object_new_int64((int64_t)f->nonzero_sectors));
	json_object_object_add(o, "proof", proof);
	json_object_object_add(o, "scope", scope_json(&f->scope));
	return o;
}

/* What an ERASED_WITH_EXCEPTIONS job leaves: each kind with its numbers
 * and a line in English and Japanese (docs/certificate.md). */
struct json_object *kesu_record_exceptions_json(const struct kesu_job_result *r)
{
	struct json_object *a = json_object_new_array();
	for (unsigned i = 0; i < r->nexceptions && i < KESU_EXCEPTIONS_MAX; i++) {
		const struct kesu_job_exception *e = &r->exceptions[i];
		char en[400], ja[400];
		kesu_exception_detail(e, en, sizeof(en), ja, sizeof(ja));
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "kind", json_object_new_string(kesu_exception_kind_name(e->kind)));
		json_object_object_add(o, "detail", json_object_new_string(en));
		json_object_object_add(o, "detail_ja", json_object_new_string(ja));
		switch (e->kind) {
		case KESU_EXCEPTION_HIDDEN_AREA:
			json_object_object_add(o, "hpa_sectors", json_object_new_int64((int64_t)e->hpa_sectors));
			json_object_object_add(o, "dco_sectors", json_object_new_int64((int64_t)e->dco_sectors));
			break;
		case KESU_EXCEPTION_PROOF_SAMPLED:
			json_object_object_add(o, "marker_bytes", json_object_new_int64((int64_t)e->marker_bytes));
			json_object_object_add(o, "size_bytes", json_object_new_int64((int64_t)e->size_bytes));
			break;
		case KESU_EXCEPTION_HIDDEN_UNCHECKED:
			break; /* no numbers: nothing could be counted */
		case KESU_EXCEPTION_REALLOCATED_GREW:
			json_object_object_add(o, "reallocated_before", json_object_new_int64(e->reallocated_before));
			json_object_object_add(o, "reallocated_after", json_object_new_int64(e->reallocated_after));
			break;
		}
		json_object_array_add(a, o);
	}
	return a;
}

struct json_object *kesu_record_hidden_json(const struct kesu_hidden_areas *h)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "hpa_sectors", json_object_new_int64((int64_t)h->hpa_sectors));
	json_object_object_add(o, "dco_sectors", json_object_new_int64((int64_t)h->dco_sectors));
	json_object_object_add(o, "hpa_restored", json_object_new_boolean(h->hpa_restored));
	return o;
}

static struct json_object *count_or_null(int64_t n)
{
	return n >= 0 ? json_object_new_int64(n) : NULL;
}

/* The SMART summary, null when the drive gave none (a loop device, a
 * drive without SMART, or not read). */
static struct json_object *smart_json(const struct kesu_smart *s)
{
	if (s->available != KESU_YES)
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "healthy", s->healthy == KESU_UNKNOWN ? NULL
					     : json_object_new_boolean(s->healthy == KESU_YES));
	json_object_object_add(o, "pending_sectors", count_or_null(s->pending_sectors));
	json_object_object_add(o, "power_on_hours", count_or_null(s->power_on_hours));
	json_object_object_add(o, "reallocated_sectors", count_or_null(s->reallocated_sectors));
	json_object_object_add(o, "temperature_c", count_or_null(s->temperature_c));
	return o;
}

static struct json_object *method_json(const struct kesu_method *m)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(m->id));
	json_object_object_add(o, "sha256", Kesu_json_hex(m->sha256, sizeof(m->sha256)));
	json_object_object_add(o, "source", json_object_new_string(m->source));
	json_object_object_add(o, "standard", json_object_new_string(m->standard));
	json_object_object_add(o, "title_en", json_object_new_string(m->title_en));
	json_object_object_add(o, "title_ja", json_object_new_string(m->title_ja));
	json_object_object_add(o, "version", json_object_new_int64(m->version));
	/* The certificate's 準拠規格 and the caveat a DoD or NSA name needs;
	 * absent (not null) for methods without them, so their records keep
	 * their bytes. */
	if (m->standard_ja[0])
		json_object_object_add(o, "standard_ja", json_object_new_string(m->standard_ja));
	if (m->caveat_ja[0])
		json_object_object_add(o, "caveat_ja", json_object_new_string(m->caveat_ja));
	if (m->caveat_en[0])
		json_object_object_add(o, "caveat_en", json_object_new_string(m->caveat_en));
	return o;
}

/* The verification of the job: the last pass read back, and "passed"
 * only when every pass read back matched and no sector was left
 * unwritten (a sample cannot vouch for sectors never written). */
static struct json_object *verification_json(const struct kesu_job_result *r)
{
	const struct kesu_verify_result *v = NULL;
	bool all_passed = true;
	for (unsigned i = 0; i < r->npasses; i++)
		if (r->passes[i].verify.done || r->passes[i].verify.error) {
			v = &r->passes[i].verify;
			all_passed &= v->done && v->error == 0;
		}
	struct json_object *o = json_object_new_object();
	char percent[16];
	snprintf(percent, sizeof(percent), "%.1f", v ? v->plan.percent : r->verify_percent);
	json_object_object_add(o, "bytes_read", json_object_new_int64(v ? (int64_t)v->bytes_read : 0));
	json_object_object_add(o, "mismatched", ranges_json(v ? &v->mismatched : &(struct kesu_range_list){0}));
	json_object_object_add(o, "mismatched_sectors", json_object_new_int64(v ? (int64_t)kesu_ranges_sectors(&v->mismatched) : 0));
	json_object_object_add(o, "mode", json_object_new_string(kesu_verify_mode_name(r->verify_mode)));
	json_object_object_add(o, "passed", json_object_new_boolean(v && all_passed && r->unwritten.count == 0 &&
								      r->prior_bad_sectors == 0));
	json_object_object_add(o, "percent", json_object_new_string(percent));
	json_object_object_add(o, "samples", json_object_new_int64(v ? (int64_t)v->plan.count : 0));
	json_object_object_add(o, "seed", v ? Kesu_json_hex(v->plan.seed, sizeof(v->plan.seed)) : NULL);
	json_object_object_add(o, "unreadable", ranges_json(v ? &v->unreadable : &(struct kesu_range_list){0}));
	json_object_object_add(o, "unreadable_sectors", json_object_new_int64(v ? (int64_t)kesu_ranges_sectors(&v->unreadable) : 0));
	return o;
}

/* Who, for whom, and on which station: shared by every kind of record. */
void Kesu_record_add_people(struct json_object *doc, const struct kesu_job_context *ctx)
{
	struct json_object *op = json_object_new_object();
	json_object_object_add(op, "name", json_object_new_string(ctx->operator_name));
	json_object_object_add(op, "title", Kesu_json_str_or_null(ctx->operator_title));
	json_object_object_add(doc, "operator", op);
	struct json_object *org = json_object_new_object();
	json_object_object_add(org, "department", Kesu_json_str_or_null(ctx->department));
	json_object_object_add(org, "location", Kesu_json_str_or_null(ctx->location));
	json_object_object_add(org, "name", Kesu_json_str_or_null(ctx->organisation));
	json_object_object_add(org, "phone", Kesu_json_str_or_null(ctx->phone));
	json_object_object_add(doc, "organisation", org);
	json_object_object_add(doc, "approver", Kesu_json_str_or_null(ctx->approver));
	json_object_object_add(doc, "witness", Kesu_json_str_or_null(ctx->witness));
	json_object_object_add(doc, "classification", Kesu_json_str_or_null(ctx->classification));
	json_object_object_add(doc, "purpose", Kesu_json_str_or_null(ctx->purpose));
	struct json_object *tool = json_object_new_object();
	json_object_object_add(tool, "name", json_object_new_string("kesu"));
	json_object_object_add(tool, "version", json_object_new_string(ctx->tool_version[0] ? ctx->tool_version : KESU_VERSION));
	json_object_object_add(doc, "tool", tool);
	struct json_object *station = json_object_new_object();
	json_object_object_add(station, "hostname", Kesu_json_str_or_null(ctx->hostname));
	json_object_object_add(station, "key_fingerprint", Kesu_json_str_or_null(ctx->key_fingerprint));
	json_object_object_add(station, "machine_id", Kesu_json_str_or_null(ctx->machine_id));
	json_object_object_add(doc, "station", station);
}

void Kesu_record_add_times(struct json_object *doc, time_t started, time_t ended)
{
	char text[40];
	kesu_time_utc(started, text);
	json_object_object_add(doc, "started_utc", json_object_new_string(text));
	kesu_time_local(started, text);
	json_object_object_add(doc, "started_local", json_object_new_string(text));
	kesu_time_utc(ended, text);
	json_object_object_add(doc, "ended_utc", json_object_new_string(text));
	kesu_time_local(ended, text);
	json_object_object_add(doc, "ended_local", json_object_new_string(text));
}

char *kesu_record_build_verify(const struct kesu_device *dev, const char *expectation,
			       const struct kesu_verify_result *v, int result,
			       const struct kesu_job_context *ctx, const char *job_id,
			       time_t started, time_t ended, size_t *len)
{
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "kesu_record", json_object_new_int(1));
	json_object_object_add(doc, "kind", json_object_new_string("verify"));
	json_object_object_add(doc, "job_id", json_object_new_string(job_id));
	Kesu_record_add_times(doc, started, ended);
	Kesu_record_add_people(doc, ctx);
	json_object_object_add(doc, "media", Kesu_record_media_json(dev, ctx->asset_number));
	json_object_object_add(doc, "host", Kesu_record_host_json(&ctx->host));
	json_object_object_add(doc, "expectation", json_object_new_string(expectation));
	char percent[16];
	snprintf(percent, sizeof(percent), "%.1f", v->plan.percent);
	struct json_object *vo = json_object_new_object();
	json_object_object_add(vo, "bytes_read", json_object_new_int64((int64_t)v->bytes_read));
	json_object_object_add(vo, "mismatched", ranges_json(&v->mismatched));
	json_object_object_add(vo, "mode", json_object_new_string(kesu_verify_mode_name(v->mode)));
	json_object_object_add(vo, "percent", json_object_new_string(percent));
	json_object_object_add(vo, "samples", json_object_new_int64((int64_t)v->plan.count));
	json_object_object_add(vo, "seed", Kesu_json_hex(v->plan.seed, sizeof(v->plan.seed)));
	json_object_object_add(vo, "unreadable", ranges_json(&v->unreadable));
	json_object_object_add(doc, "verification", vo);
	const char *outcome = result == 0 ? "PASSED" : result == -KESU_EVERIFY ? "FAILED"
			      : result == -KESU_EINTERRUPTED ? "INTERRUPTED" : "ERROR";
	json_object_object_add(doc, "outcome", json_object_new_string(outcome));
	json_object_object_add(doc, "reason", result == 0 ? NULL : json_object_new_string(kesu_strerror(result)));
	json_object_object_add(doc, "sector_size", json_object_new_int64(dev->logical_sector ? dev->logical_sector : 512));
	char *text = Kesu_json_canonical(doc, len);
	json_object_put(doc);
	return text;
}

char *kesu_record_build(const struct kesu_job_result *r, const struct kesu_job_context *ctx,
			const char *job_id, const char *certificate_id,
			const char *interruptions_json, const char *approval_json, size_t *len)
{
	char started[32], ended[32];
	kesu_time_utc(r->started.tv_sec, started);
	kesu_time_utc(r->ended.tv_sec, ended);
	/* erased with exceptions: the level the method reached on what it wrote */
	bool success = r->outcome == KESU_OUTCOME_SUCCESS || r->outcome == KESU_OUTCOME_EXCEPTIONS;

	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "kesu_record", json_object_new_int(1));
	json_object_object_add(doc, "kind", json_object_new_string("wipe"));
	json_object_object_add(doc, "job_id", json_object_new_string(job_id));
	json_object_object_add(doc, "certificate_id", Kesu_json_str_or_null(certificate_id));
	Kesu_record_add_times(doc, r->started.tv_sec, r->ended.tv_sec);
	Kesu_record_add_people(doc, ctx);
	json_object_object_add(doc, "media", Kesu_record_media_json(&r->device, ctx->asset_number));
	json_object_object_add(doc, "host", Kesu_record_host_json(&ctx->host));
	json_object_object_add(doc, "outcome", json_object_new_string(kesu_outcome_name(r->outcome)));
	json_object_object_add(doc, "reason", Kesu_json_str_or_null(r->reason));
	json_object_object_add(doc, "reason_ja", Kesu_json_str_or_null(r->reason_ja));
	json_object_object_add(doc, "sector_size", json_object_new_int64(
		r->device.logical_sector ? r->device.logical_sector : 512));
	if (r->outcome == KESU_OUTCOME_EXCEPTIONS)
		json_object_object_add(doc, "exceptions", kesu_record_exceptions_json(r));
	struct json_object *smart = json_object_new_object();
	json_object_object_add(smart, "before", smart_json(&r->device.smart));
	json_object_object_add(smart, "after", smart_json(&r->smart_after));
	json_object_object_add(doc, "smart", smart);

	struct json_object *san = json_object_new_object();
	json_object_object_add(san, "technique", json_object_new_string(kesu_technique_name(r->method.technique)));
	json_object_object_add(san, "nist_level", json_object_new_string(
		success ? kesu_nist_level_name(r->nist_level) : "none"));
	json_object_object_add(san, "firmware", r->method.technique == KESU_TECHNIQUE_FIRMWARE
				? kesu_record_firmware_json(r) : NULL);
	json_object_object_add(san, "hidden_areas", r->hidden.checked ? kesu_record_hidden_json(&r->hidden) : NULL);
	json_object_object_add(san, "method", method_json(&r->method));
	struct json_object *passes = json_object_new_array();
	for (unsigned i = 0; i < r->npasses; i++)
		if (r->passes[i].started)
			json_object_array_add(passes, pass_json(&r->passes[i], r->method.technique ==
									     KESU_TECHNIQUE_FIRMWARE));
	json_object_object_add(san, "passes", passes);
	json_object_object_add(san, "prior_bad_sectors", json_object_new_int64((int64_t)r->prior_bad_sectors));
	json_object_object_add(san, "unwritten", ranges_json(&r->unwritten));
	json_object_object_add(san, "unwritten_sectors", json_object_new_int64((int64_t)kesu_ranges_sectors(&r->unwritten)));
	struct json_object *interruptions = interruptions_json ? json_tokener_parse(interruptions_json) : NULL;
	json_object_object_add(san, "interruptions", interruptions ? interruptions : json_object_new_array());
	json_object_object_add(san, "started_utc", json_object_new_string(started));
	json_object_object_add(san, "ended_utc", json_object_new_string(ended));
	json_object_object_add(san, "verify_passes", json_object_new_string(
		r->verify_passes == KESU_VPASSES_ALL ? "all" : "last"));
	json_object_object_add(san, "interrupted_pass", r->outcome == KESU_OUTCOME_INTERRUPTED
				? json_object_new_int64(r->interrupted_pass) : NULL);
	json_object_object_add(san, "interrupted_at", r->outcome == KESU_OUTCOME_INTERRUPTED
				? json_object_new_int64((int64_t)r->interrupted_at) : NULL);
	json_object_object_add(doc, "sanitization", san);
	json_object_object_add(doc, "verification", verification_json(r));
	struct json_object *approval = approval_json ? json_tokener_parse(approval_json) : NULL;
	if (approval_json && !json_object_is_type(approval, json_type_object)) {
		json_object_put(approval);
		json_object_put(doc);
		return NULL; /* never a record that silently lost its approval */
	}
	json_object_object_add(doc, "approval", approval);

	char *text = Kesu_json_canonical(doc, len);
	json_object_put(doc);
	return text;
}

static time_t parse_utc(const char *text)
{
	struct tm tm = {0};
	const char *end = text ? strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
	return end && !*end ? timegm(&tm) : (time_t)-1;
}

/* The plan's method, without its seeds: the record names, it does not arm. */
static struct json_object *abandoned_method_json(const char *plan_json)
{
	struct json_object *plan = json_tokener_parse(plan_json), *m = NULL, *id = NULL, *sha = NULL;
	struct json_object *o = NULL;
	if (plan && json_object_object_get_ex(plan, "method", &m) && json_object_object_get_ex(m, "id", &id) &&
	    json_object_object_get_ex(m, "sha256", &sha) && json_object_is_type(id, json_type_string) &&
	    json_object_is_type(sha, json_type_string)) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_get(id));
		json_object_object_add(o, "sha256", json_object_get(sha));
	}
	json_object_put(plan);
	return o;
}

char *kesu_record_build_abandoned(const struct kesu_abandoned_job *job,
				  const struct kesu_device *dev, const struct kesu_job_context *ctx,
				  const char *reason, time_t now, size_t *len)
{
	time_t started = parse_utc(job->started_utc);
	struct json_object *method = abandoned_method_json(job->plan_json);
	struct json_object *state = job->state_json ? json_tokener_parse(job->state_json) : NULL;
	struct json_object *interruptions = json_tokener_parse(job->interruptions_json ? job->interruptions_json : "[]");
	if (started == (time_t)-1 || !method || (job->state_json && !state) || !interruptions) {
		json_object_put(method);
		json_object_put(state);
		json_object_put(interruptions);
		return NULL;
	}
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "kesu_record", json_object_new_int(1));
	json_object_object_add(doc, "kind", json_object_new_string("wipe"));
	json_object_object_add(doc, "job_id", json_object_new_string(job->job_id));
	json_object_object_add(doc, "certificate_id", NULL);
	Kesu_record_add_times(doc, started, now);
	Kesu_record_add_people(doc, ctx);
	struct json_object *media = dev ? Kesu_record_media_json(dev, ctx->asset_number) : json_object_new_object();
	json_object_object_add(media, "device_key", json_object_new_string(job->device_key));
	json_object_object_add(doc, "media", media);
	if (dev) /* the drive is at hand: in this machine */
		json_object_object_add(doc, "host", Kesu_record_host_json(&ctx->host));
	json_object_object_add(doc, "outcome", json_object_new_string("ABANDONED"));
	char text[512];
	snprintf(text, sizeof(text), "abandoned before it finished (reached pass %u, byte %llu): %s",
		 job->checkpoint_pass, (unsigned long long)job->checkpoint_offset, reason);
	json_object_object_add(doc, "reason", json_object_new_string(text));
	snprintf(text, sizeof(text), "完了前に打ち切られました (第%uパスの %llu バイト目まで): 消去は完了していません",
		 job->checkpoint_pass, (unsigned long long)job->checkpoint_offset);
	json_object_object_add(doc, "reason_ja", json_object_new_string(text));
	struct json_object *san = json_object_new_object();
	json_object_object_add(san, "method", method);
	json_object_object_add(san, "nist_level", json_object_new_string("none"));
	json_object_object_add(san, "checkpoint_pass", json_object_new_int64(job->checkpoint_pass));
	json_object_object_add(san, "checkpoint_offset", json_object_new_int64((int64_t)job->checkpoint_offset));
	json_object_object_add(san, "state", state);
	json_object_object_add(san, "interruptions", interruptions);
	json_object_object_add(doc, "sanitization", san);
	char *out = Kesu_json_canonical(doc, len);
	json_object_put(doc);
	return out;
}

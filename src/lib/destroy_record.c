/* The destruction record ("kind": "destruction", docs/ledger.md) and its
 * certificate payload (docs/certificate.md): integers and strings only,
 * one canonical form to hash and sign. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "canonical_json.h"
#include "json_members.h"
#include "kesu/destroy.h"
#include "record_internal.h"

/* A medium that cannot be attached: what the operator named, the rest
 * unknown (null), as an attached drive's media object has them. */
static struct json_object *detached_media(const struct kesu_destroy_target *t)
{
	static const char *const unknown[] = {"firmware", "logical_sector", "path", "physical_sector",
					      "size_bytes", "transport", "vendor", "wwn", NULL};
	struct json_object *o = json_object_new_object();
	for (const char *const *n = unknown; *n; n++)
		json_object_object_add(o, *n, NULL);
	json_object_object_add(o, "asset_number", Kesu_json_str_or_null(t->asset));
	json_object_object_add(o, "media_type", Kesu_json_str_or_null(t->media_type));
	json_object_object_add(o, "model", Kesu_json_str_or_null(t->model));
	json_object_object_add(o, "serial", Kesu_json_str_or_null(t->serial));
	return o;
}

static struct json_object *photos_json(const struct kesu_destroy_facts *f)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < f->nphotos; i++) {
		const struct kesu_destroy_photo *p = &f->photos[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "bytes", json_object_new_int64((int64_t)p->len));
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "sha256", json_object_new_string(p->sha256));
		json_object_object_add(o, "type", json_object_new_string(p->type));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *destruction_json(const struct kesu_destroy_target *t,
					    const struct kesu_destroy_facts *f,
					    struct json_object *earlier)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "caveat_en", Kesu_json_str_or_null(f->level.caveat_en));
	json_object_object_add(o, "caveat_ja", Kesu_json_str_or_null(f->level.caveat_ja));
	json_object_object_add(o, "contractor", Kesu_json_str_or_null(f->contractor));
	json_object_object_add(o, "earlier_jobs", earlier);
	json_object_object_add(o, "location", Kesu_json_str_or_null(f->location));
	json_object_object_add(o, "media_type", Kesu_json_str_or_null(t->media_type));
	json_object_object_add(o, "nist_level", json_object_new_string(f->level.level));
	json_object_object_add(o, "note", Kesu_json_str_or_null(f->note));
	json_object_object_add(o, "photos", photos_json(f));
	json_object_object_add(o, "technique",
			       json_object_new_string(kesu_destroy_technique_name(f->technique)));
	return o;
}

char *kesu_destroy_record(const struct kesu_destroy_target *t, const struct kesu_destroy_facts *f,
			  const struct kesu_job_context *ctx, const char *job_id,
			  const char *certificate_id, size_t *len)
{
	struct json_object *earlier = f->earlier_jobs_json ? json_tokener_parse(f->earlier_jobs_json)
							   : json_object_new_array();
	struct json_object *approval = f->approval_json ? json_tokener_parse(f->approval_json) : NULL;
	if (!json_object_is_type(earlier, json_type_array) ||
	    (f->approval_json && !json_object_is_type(approval, json_type_object))) {
		json_object_put(earlier);
		json_object_put(approval);
		return NULL; /* never a record that silently lost a part */
	}
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "kesu_record", json_object_new_int(1));
	json_object_object_add(doc, "kind", json_object_new_string("destruction"));
	json_object_object_add(doc, "job_id", json_object_new_string(job_id));
	json_object_object_add(doc, "certificate_id", json_object_new_string(certificate_id));
	Kesu_record_add_times(doc, f->started, f->ended);
	Kesu_record_add_people(doc, ctx);
	if (t->device) {
		json_object_object_add(doc, "media", Kesu_record_media_json(t->device, t->asset));
		json_object_object_add(doc, "host", Kesu_record_host_json(&ctx->host));
	} else {
		json_object_object_add(doc, "media", detached_media(t));
	}
	if (approval)
		json_object_object_add(doc, "approval", approval);
	json_object_object_add(doc, "outcome", json_object_new_string("DESTROYED"));
	json_object_object_add(doc, "destruction", destruction_json(t, f, earlier));
	char *text = Kesu_json_canonical(doc, len);
	json_object_put(doc);
	return text;
}

void kesu_destroy_subject(const struct kesu_destroy_target *t, char *out, size_t size)
{
	if (t->serial && t->serial[0])
		snprintf(out, size, "medium:%s", t->serial);
	else if (t->asset && t->asset[0])
		snprintf(out, size, "asset:%s", t->asset);
	else /* an attached drive that reports no serial, given no asset number */
		snprintf(out, size, "device:%s", t->device ? t->device->path : "");
}

char *kesu_destroy_payload(const char *record, uint64_t seq, const char *record_hash,
			   time_t issued, size_t *len)
{
	struct json_object *rec = json_tokener_parse(record);
	if (!rec)
		return NULL;
	char utc[32], local[40];
	kesu_time_utc(issued, utc);
	kesu_time_local(issued, local);
	struct json_object *p = json_object_new_object(), *ledger = json_object_new_object();
	json_object_object_add(ledger, "job_id", json_object_get(Kesu_json_member(rec, "job_id")));
	json_object_object_add(ledger, "record_hash", Kesu_json_str_or_null(record_hash));
	json_object_object_add(ledger, "seq", json_object_new_int64((int64_t)seq));
	json_object_object_add(p, "kesu_certificate", json_object_new_int(3));
	json_object_object_add(p, "document", json_object_new_string("destruction-certificate"));
	json_object_object_add(p, "issued_utc", json_object_new_string(utc));
	json_object_object_add(p, "issued_local", json_object_new_string(local));
	json_object_object_add(p, "ledger", ledger);
	static const char *const copied[] = {
		"approver", "certificate_id", "classification", "destruction", "ended_utc",
		"media", "operator", "organisation", "outcome", "purpose", "started_utc",
		"station", "tool", NULL};
	for (const char *const *n = copied; *n; n++)
		json_object_object_add(p, *n, json_object_get(Kesu_json_member(rec, *n)));
	/* only when the record has them, as a wipe's payload */
	static const char *const when_given[] = {"approval", "host", "witness", NULL};
	for (const char *const *n = when_given; *n; n++)
		if (Kesu_json_member(rec, *n))
			json_object_object_add(p, *n, json_object_get(Kesu_json_member(rec, *n)));
	char *text = Kesu_json_canonical(p, len);
	json_object_put(p);
	json_object_put(rec);
	return text;
}

/* The batch's ledger record (kind "batch-certificate") and the payload made
 * from it. Each member carries what the page shows and what ties it to its
 * own certificate: the certificate id and the ledger record's hash, which
 * that certificate carries as ledger.record_hash (docs/certificate.md). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch_internal.h"
#include "canonical_json.h"
#include "json_members.h"
#include "kesu/batch.h"
#include "record_internal.h"

static struct json_object *copy_of(struct json_object *o, const char *key)
{
	return json_object_get(Kesu_json_member(o, key));
}

static struct json_object *hash_ref(const char *certificate_id, const char *hash, uint64_t seq)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "certificate_id", Kesu_json_str_or_null(certificate_id));
	json_object_object_add(o, "record_hash", json_object_new_string(hash));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)seq));
	return o;
}

/* The newest erasure: a wipe of this station, or a contractor's
 * certificate received (its payload's SHA-256 then identifies it). */
static struct json_object *erasure_json(const struct kesu_batch_member *m)
{
	struct json_object *doc = json_tokener_parse(m->erasure);
	bool received = !strcmp(Kesu_json_text(doc, "kind"), "received-certificate");
	struct json_object *cert = Kesu_json_member(doc, "certificate");
	struct json_object *san = Kesu_json_member(doc, "sanitization");
	struct json_object *o = hash_ref(Kesu_json_text(received ? cert : doc, received ? "id"
											 : "certificate_id"),
					 m->erasure_hash, m->erasure_seq);
	json_object_object_add(o, "source", json_object_new_string(received ? "received" : "wipe"));
	json_object_object_add(o, "outcome", json_object_new_string(received ? "SUCCESS"
								  : Kesu_json_text(doc, "outcome")));
	json_object_object_add(o, "method", Kesu_json_str_or_null(
		Kesu_json_text(Kesu_json_member(san, "method"), "id")));
	json_object_object_add(o, "nist_level", Kesu_json_str_or_null(Kesu_json_text(san, "nist_level")));
	json_object_object_add(o, "ended_utc", Kesu_json_str_or_null(
		Kesu_json_text(received ? cert : doc, "ended_utc")));
	json_object_object_add(o, "payload_hash", received ? copy_of(cert, "payload_hash") : NULL);
	json_object_object_add(o, "contractor", received ? Kesu_json_str_or_null(Kesu_json_text(
		Kesu_json_member(doc, "contractor"), "name")) : NULL);
	/* The station whose ledger holds the record: with kesu cert batch
	 * --db the members come from many stations, and a seq is only
	 * unique within one station's chain. */
	json_object_object_add(o, "station_key", Kesu_json_str_or_null(Kesu_json_text(
		Kesu_json_member(doc, "station"), "key_fingerprint")));
	json_object_put(doc);
	return o;
}

static struct json_object *destruction_json(const struct kesu_batch_member *m)
{
	struct json_object *doc = json_tokener_parse(m->destruction);
	struct json_object *d = Kesu_json_member(doc, "destruction");
	struct json_object *o = hash_ref(Kesu_json_text(doc, "certificate_id"), m->destruction_hash,
					 m->destruction_seq);
	json_object_object_add(o, "technique", Kesu_json_str_or_null(Kesu_json_text(d, "technique")));
	json_object_object_add(o, "nist_level", Kesu_json_str_or_null(Kesu_json_text(d, "nist_level")));
	json_object_object_add(o, "ended_utc", Kesu_json_str_or_null(Kesu_json_text(doc, "ended_utc")));
	json_object_object_add(o, "station_key", Kesu_json_str_or_null(Kesu_json_text(
		Kesu_json_member(doc, "station"), "key_fingerprint")));
	json_object_put(doc);
	return o;
}

/* The medium as the newest record names it, the expectation's where the
 * records say nothing (a missing medium). */
static struct json_object *member_json(const struct kesu_batch_member *m)
{
	struct json_object *o = json_object_new_object();
	struct json_object *doc = json_tokener_parse(m->erasure ? m->erasure
						     : m->destruction ? m->destruction : "{}");
	struct json_object *media = Kesu_json_member(doc, "media"), *size = Kesu_json_member(media, "size_bytes");
	const char *serial = Kesu_json_text(media, "serial"), *asset = Kesu_json_text(media, "asset_number");
	const char *model = Kesu_json_text(media, "model");
	json_object_object_add(o, "asset", Kesu_json_str_or_null(m->id.asset[0] ? m->id.asset : asset));
	json_object_object_add(o, "serial", Kesu_json_str_or_null(serial[0] ? serial : m->id.serial));
	json_object_object_add(o, "model", Kesu_json_str_or_null(model[0] ? model : m->id.model));
	json_object_object_add(o, "size_bytes", size ? json_object_get(size)
				: m->id.size ? json_object_new_int64((int64_t)m->id.size) : NULL);
	json_object_object_add(o, "entry", m->id.entry ? json_object_new_int64(m->id.entry) : NULL);
	json_object_object_add(o, "host", copy_of(doc, "host"));
	json_object_object_add(o, "outcome", json_object_new_string(m->outcome));
	json_object_object_add(o, "erasure", m->erasure ? erasure_json(m) : NULL);
	json_object_object_add(o, "destruction", m->destruction ? destruction_json(m) : NULL);
	json_object_put(doc);
	return o;
}

static const char *const totals_names[] = {"SUCCESS", "ERASED_WITH_EXCEPTIONS", "DESTROYED",
					   "UNVERIFIED", "FAILED", "MISSING", NULL};

static struct json_object *totals_json(const struct kesu_batch *b)
{
	struct json_object *o = json_object_new_object();
	for (const char *const *n = totals_names; *n; n++)
		json_object_object_add(o, *n, json_object_new_int64((int64_t)kesu_batch_count(b, *n)));
	json_object_object_add(o, "media", json_object_new_int64((int64_t)b->n));
	return o;
}

/* The period records were taken from, when the selection had one. */
static void add_period(struct json_object *v, const struct kesu_batch_selection *s)
{
	json_object_object_add(v, "since", Kesu_json_str_or_null(s->since));
	json_object_object_add(v, "until", Kesu_json_str_or_null(s->until));
}

static struct json_object *selection_json(const struct kesu_batch_selection *s)
{
	struct json_object *o = json_object_new_object(), *v = json_object_new_object();
	const char *key = "wipe_run";
	if (s->by == KESU_BATCH_BY_APPROVAL) {
		char *text = kesu_approval_record_json(s->approval, NULL);
		json_object_put(v);
		v = text ? json_tokener_parse(text) : json_object_new_object();
		free(text);
		json_object_object_del(v, "entry");
		json_object_object_add(v, "media", json_object_new_int64((int64_t)s->approval->n_media));
		add_period(v, s);
		key = "approval";
	} else if (s->by == KESU_BATCH_BY_ASSETS) {
		const char *slash = strrchr(s->asset_file, '/');
		json_object_object_add(v, "file", json_object_new_string(slash ? slash + 1 : s->asset_file));
		json_object_object_add(v, "media", json_object_new_int64((int64_t)s->n_expected));
		add_period(v, s);
		key = "asset_file";
	} else if (s->by == KESU_BATCH_BY_RANGE) {
		add_period(v, s);
		json_object_object_add(v, "purpose", Kesu_json_str_or_null(s->purpose));
		json_object_object_add(v, "department", Kesu_json_str_or_null(s->department));
		key = "date_range";
	} else {
		json_object_object_add(v, "jobs", json_object_new_int64((int64_t)s->n_expected));
	}
	json_object_object_add(o, key, v);
	return o;
}

char *kesu_batch_record(const struct kesu_batch *b, const struct kesu_job_context *ctx,
			const char *record_id, const char *certificate_id, time_t now, size_t *len)
{
	struct json_object *doc = json_object_new_object(), *members = json_object_new_array();
	json_object_object_add(doc, "kesu_record", json_object_new_int(1));
	json_object_object_add(doc, "kind", json_object_new_string("batch-certificate"));
	json_object_object_add(doc, "job_id", json_object_new_string(record_id));
	json_object_object_add(doc, "certificate_id", json_object_new_string(certificate_id));
	Kesu_record_add_times(doc, now, now);
	Kesu_record_add_people(doc, ctx);
	json_object_object_add(doc, "outcome", json_object_new_string(kesu_batch_complete(b)
								      ? "COMPLETE" : "INCOMPLETE"));
	json_object_object_add(doc, "selection", selection_json(&b->sel));
	for (size_t i = 0; i < b->n; i++)
		json_object_array_add(members, member_json(&b->members[i]));
	json_object_object_add(doc, "members", members);
	json_object_object_add(doc, "totals", totals_json(b));
	char *text = Kesu_json_canonical(doc, len);
	json_object_put(doc);
	return text;
}

char *kesu_batch_payload(const char *record, uint64_t seq, const char *record_hash, time_t issued,
			 size_t *len)
{
	struct json_object *rec = json_tokener_parse(record);
	if (!rec)
		return NULL;
	struct json_object *p = json_object_new_object(), *ledger = json_object_new_object();
	char utc[32], local[40];
	kesu_time_utc(issued, utc);
	kesu_time_local(issued, local);
	json_object_object_add(p, "kesu_certificate", json_object_new_int(3));
	json_object_object_add(p, "document", json_object_new_string("batch-certificate"));
	json_object_object_add(p, "issued_utc", json_object_new_string(utc));
	json_object_object_add(p, "issued_local", json_object_new_string(local));
	static const char *const copied[] = {"approver", "certificate_id", "classification",
					     "members", "operator", "organisation", "outcome",
					     "purpose", "selection", "station", "tool", "totals", NULL};
	for (const char *const *n = copied; *n; n++)
		json_object_object_add(p, *n, copy_of(rec, *n));
	if (Kesu_json_member(rec, "witness"))
		json_object_object_add(p, "witness", copy_of(rec, "witness"));
	json_object_object_add(ledger, "job_id", copy_of(rec, "job_id"));
	json_object_object_add(ledger, "record_hash", json_object_new_string(record_hash));
	json_object_object_add(ledger, "seq", json_object_new_int64((int64_t)seq));
	json_object_object_add(p, "ledger", ledger);
	char *text = Kesu_json_canonical(p, len);
	json_object_put(p);
	json_object_put(rec);
	return text;
}

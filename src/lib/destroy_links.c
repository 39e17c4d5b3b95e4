/* The earlier erasure jobs of a medium being destroyed: typically the
 * FAILED wipe that made destruction necessary. Found in the ledger by the
 * medium's identity: serial and size (serial alone when the size of a
 * medium that cannot be attached is not known), or asset number. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "json_members.h"
#include "kesu/destroy.h"

struct scan {
	const struct kesu_destroy_target *t;
	struct json_object *jobs;
};

static bool same_medium(const struct kesu_destroy_target *t, struct json_object *media)
{
	const char *serial = Kesu_json_string(media, "serial");
	const char *asset = Kesu_json_string(media, "asset_number");
	struct json_object *size = Kesu_json_member(media, "size_bytes");
	if (t->serial && t->serial[0] && serial && strcmp(serial, t->serial) == 0 &&
	    (t->size == 0 || !size || (uint64_t)json_object_get_int64(size) == t->size))
		return true;
	return t->asset && t->asset[0] && asset && strcmp(asset, t->asset) == 0;
}

static int one(const struct kesu_ledger_row *row, void *ctx)
{
	struct scan *s = ctx;
	struct json_object *rec = row->record ? json_tokener_parse(row->record) : NULL;
	const char *kind = Kesu_json_string(rec, "kind");
	if (rec && (!kind || strcmp(kind, "wipe") == 0) &&
	    same_medium(s->t, Kesu_json_member(rec, "media"))) {
		struct json_object *o = json_object_new_object();
		const char *cert = Kesu_json_string(rec, "certificate_id");
		json_object_object_add(o, "certificate_id", Kesu_json_str_or_null(cert));
		json_object_object_add(o, "ended_utc",
				       Kesu_json_str_or_null(Kesu_json_string(rec, "ended_utc")));
		json_object_object_add(o, "job_id", json_object_new_string(row->job_id));
		json_object_object_add(o, "outcome",
				       Kesu_json_str_or_null(Kesu_json_string(rec, "outcome")));
		json_object_object_add(o, "seq", json_object_new_int64((int64_t)row->seq));
		json_object_array_add(s->jobs, o);
	}
	json_object_put(rec);
	return 0;
}

int kesu_destroy_earlier_jobs(struct kesu_ledger *l, const struct kesu_destroy_target *t,
			      char **json, size_t *count, char *err, size_t errsize)
{
	struct scan s = {t, json_object_new_array()};
	*json = NULL;
	*count = 0;
	if (!s.jobs)
		return -ENOMEM;
	/* by serial in SQL; an asset number is in the record only, so with one
	 * every record is read */
	bool asset = t->asset && t->asset[0];
	struct kesu_ledger_filter f = {.serial = !asset && t->serial ? t->serial : NULL};
	int rc = l ? kesu_ledger_query(l, &f, one, &s, err, errsize) : 0;
	if (rc == 0) {
		*count = json_object_array_length(s.jobs);
		*json = Kesu_json_canonical(s.jobs, NULL);
		rc = *json ? 0 : -ENOMEM;
	}
	json_object_put(s.jobs);
	return rc;
}

/* The earlier erasure jobs of a medium being destroyed: typically the
 * FAILED wipe that made destruction necessary. The medium and its events
 * come from the ledger as kesu/media.h folds them (serial and size, serial
 * alone when a detached medium's size is unknown, or asset number), so a
 * destruction links exactly the jobs `kesu media show` lists. */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>

#include "canonical_json.h"
#include "json_members.h"
#include "kesu/destroy.h"
#include "kesu/media.h"

static struct json_object *job_json(const struct kesu_media_event *e)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "certificate_id", Kesu_json_str_or_null(e->document_id));
	json_object_object_add(o, "ended_utc", Kesu_json_str_or_null(e->when_utc));
	json_object_object_add(o, "job_id", json_object_new_string(e->job_id));
	json_object_object_add(o, "outcome", Kesu_json_str_or_null(e->outcome));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)e->seq));
	return o;
}

int kesu_destroy_earlier_jobs(struct kesu_ledger *l, const struct kesu_destroy_target *t,
			      char **json, size_t *count, char *err, size_t errsize)
{
	struct kesu_media_set *set = NULL;
	struct json_object *jobs = json_object_new_array();
	*json = NULL;
	*count = 0;
	int rc = jobs ? 0 : -ENOMEM;
	if (rc == 0 && l)
		rc = kesu_media_load(l, &set, err, errsize);
	const struct kesu_medium *m = set ? kesu_media_find(set, t->serial, t->size, t->asset) : NULL;
	for (size_t i = 0; m && i < m->n_events; i++)
		if (m->events[i].type == KESU_MEDIA_EV_ERASURE)
			json_object_array_add(jobs, job_json(&m->events[i]));
	if (rc == 0) {
		*count = json_object_array_length(jobs);
		*json = Kesu_json_canonical(jobs, NULL);
		rc = *json ? 0 : -ENOMEM;
	}
	json_object_put(jobs);
	kesu_media_set_free(set);
	return rc;
}

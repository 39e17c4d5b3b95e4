/* Judging a job against an approval: which medium it is, whether the
 * approval still holds, and whether it allows the class, purpose, method
 * and level; and the approval's part of the job's record. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "approval_internal.h"
#include "canonical_json.h"
#include "kesu/error.h"
#include "i18n.h"

const struct kesu_approval_medium *kesu_approval_find(const struct kesu_approval *a,
						      const char *serial, uint64_t size,
						      const char *asset)
{
	for (size_t i = 0; i < a->n_media; i++) {
		const struct kesu_approval_medium *m = &a->media[i];
		if (serial && serial[0] && m->serial[0] && strcmp(serial, m->serial) == 0 &&
		    (m->size == 0 || m->size == size))
			return m;
		if (asset && asset[0] && m->asset[0] && strcmp(asset, m->asset) == 0)
			return m;
	}
	return NULL;
}

/* Why the drive is none of the media: the nearest miss, so the operator
 * sees whether the serial, the size or the asset number is off. */
static void not_listed(const struct kesu_approval *a, const struct kesu_disposal_job *job,
		       char *err, size_t errsize)
{
	for (size_t i = 0; job->serial && job->serial[0] && i < a->n_media; i++)
		if (strcmp(job->serial, a->media[i].serial) == 0) {
			snprintf(err, errsize, _("approval %s: the drive with serial %s holds %llu bytes, "
					       "but entry %u says %llu bytes"),
				 a->number, job->serial, (unsigned long long)job->size,
				 a->media[i].entry, (unsigned long long)a->media[i].size);
			return;
		}
	bool asset = job->asset && job->asset[0];
	snprintf(err, errsize, _("approval %s does not list the drive (serial %s%s%s) among its %zu media"),
		 a->number, job->serial && job->serial[0] ? job->serial : "unknown",
		 asset ? ", asset number " : "", asset ? job->asset : "", a->n_media);
}

static void methods_list(const struct kesu_approval *a, char *buf, size_t size)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < a->n_methods && o < size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%s%s", i ? ", " : "", a->methods[i]);
}

static bool method_allowed(const struct kesu_approval *a, const char *id)
{
	for (size_t i = 0; i < a->n_methods; i++)
		if (strcmp(a->methods[i], id) == 0)
			return true;
	return false;
}

static enum kesu_approval_refusal judge(const struct kesu_approval *a,
					const struct kesu_disposal_job *job, char *err,
					size_t errsize)
{
	const char *cls = job->classification ? job->classification : "";
	const char *purpose = job->purpose ? job->purpose : "";
	char list[KESU_APPROVAL_METHODS_MAX * (KESU_METHOD_ID_MAX + 2) + 1];
	if (strcmp(cls, a->classification) != 0) {
		snprintf(err, errsize, _("approval %s is for class %s; the job's class is %s"), a->number,
			 a->classification, cls[0] ? cls : "not given");
		return KESU_APPROVAL_CLASS;
	}
	if (strcmp(purpose, a->purpose) != 0) {
		snprintf(err, errsize, _("approval %s is for the purpose %s; the job's is %s"), a->number,
			 a->purpose, purpose[0] ? purpose : "not given");
		return KESU_APPROVAL_PURPOSE;
	}
	const char *id = job->method ? job->method->id : "";
	if (!method_allowed(a, id)) {
		methods_list(a, list, sizeof(list));
		snprintf(err, errsize, _("approval %s allows the methods %s, not %s"), a->number, list,
			 id[0] ? id : "none");
		return KESU_APPROVAL_METHOD;
	}
	if (a->min_level && job->level < a->min_level) {
		snprintf(err, errsize, _("approval %s asks for NIST SP 800-88 %s or better; %s reaches %s "
				       "on this drive"), a->number, kesu_nist_level_name(a->min_level), id,
			 job->level ? kesu_nist_level_name(job->level) : "no level");
		return KESU_APPROVAL_LEVEL;
	}
	return KESU_APPROVAL_OK;
}

enum kesu_approval_refusal kesu_approval_check(const struct kesu_approval *a,
					       const struct kesu_disposal_job *job, time_t now,
					       const struct kesu_approval_medium **entry, char *err,
					       size_t errsize)
{
	char today[16];
	struct tm tm;
	if (entry)
		*entry = NULL;
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (strcmp(today, a->valid_until) > 0) {
		snprintf(err, errsize, _("approval %s expired: it was valid until %s, today is %s"),
			 a->number, a->valid_until, today);
		return KESU_APPROVAL_EXPIRED;
	}
	const struct kesu_approval_medium *m = kesu_approval_find(a, job->serial, job->size, job->asset);
	if (!m) {
		not_listed(a, job, err, errsize);
		return KESU_APPROVAL_NOT_LISTED;
	}
	if (entry)
		*entry = m;
	return judge(a, job, err, errsize);
}

char *kesu_approval_record_json(const struct kesu_approval *a,
				const struct kesu_approval_medium *entry)
{
	struct json_object *doc = json_object_new_object(), *who = json_object_new_object();
	char date[11];
	if (!doc || !who) {
		json_object_put(doc), json_object_put(who);
		return NULL;
	}
	snprintf(date, sizeof(date), "%.10s", a->issued_local);
	json_object_object_add(who, "fingerprint", json_object_new_string(a->approver_fingerprint));
	json_object_object_add(who, "name", json_object_new_string(a->approver_name));
	json_object_object_add(doc, "approver", who);
	json_object_object_add(doc, "date", json_object_new_string(date));
	json_object_object_add(doc, "entry", json_object_new_int64(entry ? entry->entry : 0));
	json_object_object_add(doc, "hash", json_object_new_string(a->hash));
	json_object_object_add(doc, "number", json_object_new_string(a->number));
	char *text = Kesu_json_canonical(doc, NULL);
	json_object_put(doc);
	return text;
}

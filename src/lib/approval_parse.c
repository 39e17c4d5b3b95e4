/* Reading an approval file strictly: the payload line must be the
 * canonical JSON of exactly the members the format has, with the right
 * types and values, and the signature under it must be a trusted
 * approver's (docs/approvals.md). Anything else is refused, naming the
 * file and the reason. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval_internal.h"
#include "json_members.h"
#include "kesu/error.h"
#include "signed_doc.h"
#include "i18n.h"

/* A string member into buf; nullable: null gives "". A longer string than
 * buf holds is refused, never cut. */
static int get_text(struct json_object *o, const char *key, bool nullable, char *buf,
		    size_t size, char *why, size_t whysize)
{
	struct json_object *v = json_object_object_get(o, key);
	buf[0] = '\0';
	if (!v && nullable)
		return 0;
	if (!json_object_is_type(v, json_type_string)) {
		snprintf(why, whysize, _("\"%s\" is not a string%s"), key, nullable ? " or null" : "");
		return -KESU_EPARSE;
	}
	size_t len = (size_t)json_object_get_string_len(v);
	const char *s = json_object_get_string(v);
	if (len >= size || memchr(s, '\0', len)) {
		snprintf(why, whysize, _("\"%s\" is too long (%zu bytes, at most %zu)"), key, len, size - 1);
		return -KESU_EPARSE;
	}
	memcpy(buf, s, len + 1);
	return 0;
}

static int get_approver(struct json_object *doc, struct kesu_approval *a, char *why,
			size_t whysize)
{
	static const char *const names[] = {"fingerprint", "name", NULL};
	struct json_object *who = json_object_object_get(doc, "approver");
	int rc = Kesu_json_members(who, "\"approver\"", names, why, whysize);
	if (rc == 0)
		rc = get_text(who, "fingerprint", false, a->approver_fingerprint,
			      sizeof(a->approver_fingerprint), why, whysize);
	if (rc == 0)
		rc = get_text(who, "name", false, a->approver_name, sizeof(a->approver_name), why,
			      whysize);
	return rc;
}

static int get_methods(struct json_object *doc, struct kesu_approval *a, char *why,
		       size_t whysize)
{
	struct json_object *list = json_object_object_get(doc, "methods");
	if (!json_object_is_type(list, json_type_array)) {
		snprintf(why, whysize, _("\"methods\" is not an array"));
		return -KESU_EPARSE;
	}
	size_t n = json_object_array_length(list);
	if (n == 0 || n > KESU_APPROVAL_METHODS_MAX) {
		snprintf(why, whysize, _("\"methods\" lists %zu (1 to %d)"), n, KESU_APPROVAL_METHODS_MAX);
		return -KESU_EPARSE;
	}
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(list, i);
		const char *s = json_object_get_string(v);
		if (!json_object_is_type(v, json_type_string) || strlen(s) > KESU_METHOD_ID_MAX) {
			snprintf(why, whysize, _("\"methods\"[%zu] is not a method id"), i);
			return -KESU_EPARSE;
		}
		snprintf(a->methods[i], sizeof(a->methods[i]), "%s", s);
	}
	a->n_methods = n;
	return 0;
}

static int get_medium(struct json_object *o, size_t i, struct kesu_approval_medium *m, char *why,
		      size_t whysize)
{
	static const char *const names[] = {"asset", "entry", "serial", "size", NULL};
	char what[48], one[KESU_ERRMSG_MAX / 2];
	snprintf(what, sizeof(what), _("media entry %zu"), i + 1);
	int rc = Kesu_json_members(o, what, names, why, whysize);
	if (rc)
		return rc;
	struct json_object *entry = json_object_object_get(o, "entry");
	struct json_object *size = json_object_object_get(o, "size");
	int64_t e = json_object_get_int64(entry), sz = json_object_get_int64(size);
	if (!json_object_is_type(entry, json_type_int) || e < 1 || e > KESU_APPROVAL_MEDIA_MAX ||
	    (size && (!json_object_is_type(size, json_type_int) || sz < 1))) {
		snprintf(why, whysize, _("%s: \"entry\" or \"size\" is not a positive integer"), what);
		return -KESU_EPARSE;
	}
	m->entry = (unsigned)e;
	m->size = size ? (uint64_t)sz : 0;
	rc = get_text(o, "serial", true, m->serial, sizeof(m->serial), one, sizeof(one));
	if (rc == 0)
		rc = get_text(o, "asset", true, m->asset, sizeof(m->asset), one, sizeof(one));
	if (rc)
		snprintf(why, whysize, "%s: %s", what, one);
	return rc;
}

static int get_media(struct json_object *doc, struct kesu_approval *a, char *why, size_t whysize)
{
	struct json_object *list = json_object_object_get(doc, "media");
	if (!json_object_is_type(list, json_type_array)) {
		snprintf(why, whysize, _("\"media\" is not an array"));
		return -KESU_EPARSE;
	}
	size_t n = json_object_array_length(list);
	if (n == 0 || n > KESU_APPROVAL_MEDIA_MAX) {
		snprintf(why, whysize, _("\"media\" lists %zu (1 to %d)"), n, KESU_APPROVAL_MEDIA_MAX);
		return -KESU_EPARSE;
	}
	a->media = calloc(n, sizeof(*a->media));
	if (!a->media) {
		snprintf(why, whysize, _("out of memory"));
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = get_medium(json_object_array_get_idx(list, i), i, &a->media[i], why, whysize);
		if (rc)
			return rc;
		a->n_media = i + 1;
	}
	return 0;
}

static int get_min_level(struct json_object *doc, struct kesu_approval *a, char *why,
			 size_t whysize)
{
	char level[16];
	int rc = get_text(doc, "min_level", true, level, sizeof(level), why, whysize);
	if (rc)
		return rc;
	a->min_level = 0;
	for (int l = KESU_NIST_CLEAR; l <= KESU_NIST_DESTROY && level[0]; l++)
		if (strcmp(level, kesu_nist_level_name((enum kesu_nist_level)l)) == 0)
			a->min_level = (enum kesu_nist_level)l;
	if (level[0] && !a->min_level) {
		snprintf(why, whysize, _("\"min_level\" \"%s\" is not clear, purge or destroy"), level);
		return -KESU_EPARSE;
	}
	return 0;
}

/* The payload's members into a, each checked for its type; the values
 * are checked after, by Kesu_approval_validate, as signing checks them. */
static int from_json(struct json_object *doc, void *out, char *why, size_t whysize)
{
	struct kesu_approval *a = out;
	static const char *const names[] = {
		"approver", "classification", "issued_local", "issued_utc", "kesu_approval", "media",
		"methods", "min_level", "note", "number", "organisation", "purpose", "valid_until",
		NULL};
	int rc = Kesu_json_members(doc, "the payload", names, why, whysize);
	if (rc)
		return rc;
	struct json_object *version = json_object_object_get(doc, "kesu_approval");
	if (!json_object_is_type(version, json_type_int) ||
	    json_object_get_int64(version) != KESU_APPROVAL_FORMAT) {
		snprintf(why, whysize, _("\"kesu_approval\" is not %d (a format this kesu reads)"),
			 KESU_APPROVAL_FORMAT);
		return -KESU_EPARSE;
	}
	rc = get_approver(doc, a, why, whysize);
#define TEXT(key, field, nullable)                                                             \
	if (rc == 0)                                                                           \
		rc = get_text(doc, key, nullable, a->field, sizeof(a->field), why, whysize);
	TEXT("classification", classification, false)
	TEXT("issued_local", issued_local, false)
	TEXT("issued_utc", issued_utc, false)
	TEXT("note", note, true)
	TEXT("number", number, false)
	TEXT("organisation", organisation, true)
	TEXT("purpose", purpose, false)
	TEXT("valid_until", valid_until, false)
#undef TEXT
	if (rc == 0)
		rc = get_min_level(doc, a, why, whysize);
	if (rc == 0)
		rc = get_methods(doc, a, why, whysize);
	if (rc == 0)
		rc = get_media(doc, a, why, whysize);
	return rc ? rc : Kesu_approval_validate(a, why, whysize);
}

static const struct Kesu_signed_doc_kind approval_kind = {"payload", "an approval file",
								"an approval file"};

/* The trusted entry must be the one the payload names. */
static int same_approver(const struct kesu_approval *a, const struct kesu_trust_entry *who,
			 char *why, size_t whysize)
{
	if (strcmp(a->approver_fingerprint, who->fingerprint) != 0 ||
	    strcmp(a->approver_name, who->name) != 0) {
		snprintf(why, whysize, _("names approver \"%s\" (%s), but the trusted key that signed it "
				       "is \"%s\" (%s)"), a->approver_name, a->approver_fingerprint,
			 who->name, who->fingerprint);
		return -KESU_EVERIFY;
	}
	return 0;
}

int kesu_approval_load(const char *path, const struct kesu_trust *trust, struct kesu_approval **out,
		       char *err, size_t errsize)
{
	char *text = NULL, why[KESU_ERRMSG_MAX] = "";
	size_t len = 0, plen, slen;
	const char *sig;
	*out = NULL;
	int rc = Kesu_signed_doc_read(path, KESU_APPROVAL_FILE_MAX, &approval_kind, &text, &len, err,
				      errsize);
	if (rc)
		return rc;
	struct kesu_approval *a = calloc(1, sizeof(*a));
	rc = a ? Kesu_signed_doc_split(text, len, &approval_kind, &plen, &sig, &slen, why,
				       sizeof(why))
	       : -ENOMEM;
	/* the signature first: only a trusted approver's bytes are parsed further */
	const struct kesu_trust_entry *who = NULL;
	if (rc == 0 && trust)
		rc = kesu_trust_verify(trust, KESU_ROLE_APPROVER, text, plen, sig, slen, &who, why,
				       sizeof(why));
	if (rc == 0)
		rc = Kesu_signed_doc_parse(text, plen, &approval_kind, from_json, a, why, sizeof(why));
	if (rc == 0 && who)
		rc = same_approver(a, who, why, sizeof(why));
	if (rc == 0)
		Kesu_approval_hash(text, plen, a->hash);
	free(text);
	if (rc) {
		snprintf(err, errsize, "%s: %s", path, rc == -ENOMEM ? "out of memory" : why);
		kesu_approval_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

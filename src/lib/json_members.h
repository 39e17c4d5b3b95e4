/* Small json-c helpers the signed documents (approvals, countersignatures),
 * the trust store and the job record share, so that each reads and
 * writes a member one way. */
#ifndef KESU_JSON_MEMBERS_H
#define KESU_JSON_MEMBERS_H
#include <json-c/json.h>
#include <stddef.h>

/* A string, or null (NULL) for NULL or "": optional members are null. */
struct json_object *Kesu_json_str_or_null(const char *s);

/* The member key of o when it is a string, else NULL. */
const char *Kesu_json_string(struct json_object *o, const char *key);

/* Reading records that may lack a member (cert import, approval status):
 * the member key of o, or NULL (also for o NULL); its string, or "". */
struct json_object *Kesu_json_member(struct json_object *o, const char *key);
const char *Kesu_json_text(struct json_object *o, const char *key);

/* The members o must have, no more and no fewer: 0, or -KESU_EPARSE with
 * why naming what (e.g. "the countersignature") and the member. */
int Kesu_json_members(struct json_object *o, const char *what, const char *const *names,
		      char *why, size_t whysize);

#endif

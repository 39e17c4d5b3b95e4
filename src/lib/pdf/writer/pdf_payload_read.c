/* The checked JSON reading every payload reader shares
 * (pdf_payload_read.h). */
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "pdf_internal.h"
#include "pdf_payload_read.h"
#include "../../i18n.h"

int Kesu_pj_fail(struct pj_reader *r, const char *fmt, ...)
{
	if (r->errsize) {
		int n = snprintf(r->err, r->errsize, _("payload: "));
		if (n >= 0 && (size_t)n < r->errsize) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(r->err + n, r->errsize - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -KESU_EPARSE;
}

/* The member key of obj as type; *out NULL when absent or null. A required
 * member must be present and not null. */
int Kesu_pj_member(struct pj_reader *r, json_object *obj, const char *path, const char *key,
		  json_type type, bool required, json_object **out)
{
	json_object *v = NULL;
	*out = NULL;
	if (!json_object_object_get_ex(obj, key, &v) || json_object_is_type(v, json_type_null)) {
		if (required)
			return Kesu_pj_fail(r, _("%s%s%s: missing"), path, *path ? "." : "", key);
		return 0;
	}
	if (!json_object_is_type(v, type)) {
		static const char *const names[] = {
			[json_type_null] = "null", [json_type_boolean] = "a boolean",
			[json_type_double] = "a number", [json_type_int] = "an integer",
			[json_type_object] = "an object", [json_type_array] = "an array",
			[json_type_string] = "a string",
		};
		return Kesu_pj_fail(r, _("%s%s%s: expected %s"), path, *path ? "." : "", key, names[type]);
	}
	*out = v;
	return 0;
}

int Kesu_pj_text(struct pj_reader *r, json_object *obj, const char *path, const char *key,
		    bool required, char *dst, size_t size)
{
	json_object *v;
	int rc = Kesu_pj_member(r, obj, path, key, json_type_string, required, &v);
	dst[0] = '\0';
	if (rc == 0 && v)
		Kesu_cert_text(dst, size, json_object_get_string(v), (size_t)json_object_get_string_len(v));
	return rc;
}

/* A non-negative integer; -1 when absent or null. */
int Kesu_pj_count(struct pj_reader *r, json_object *obj, const char *path, const char *key,
		     bool required, long long *val)
{
	json_object *v;
	int rc = Kesu_pj_member(r, obj, path, key, json_type_int, required, &v);
	*val = -1;
	if (rc || !v)
		return rc;
	int64_t n = json_object_get_int64(v);
	if (n < 0)
		return Kesu_pj_fail(r, _("%s.%s: must not be negative"), path, key);
	*val = n;
	return 0;
}

int Kesu_pj_one_of(struct pj_reader *r, const char *path, const char *value,
		  const char *const *allowed)
{
	if (!value[0])
		return 0;
	for (; *allowed; allowed++)
		if (strcmp(value, *allowed) == 0)
			return 0;
	return Kesu_pj_fail(r, _("%s: unknown value \"%s\""), path, value);
}

/* A boolean member; *val untouched when absent or null (not required). */
int Kesu_pj_bool(struct pj_reader *r, json_object *obj, const char *path, const char *key,
		    bool required, int *val)
{
	json_object *v;
	int rc = Kesu_pj_member(r, obj, path, key, json_type_boolean, required, &v);
	if (rc == 0 && v)
		*val = json_object_get_boolean(v);
	return rc;
}


/* See json_members.h. */
#include <stdio.h>
#include <string.h>

#include "json_members.h"
#include "kesu/error.h"
#include "i18n.h"

struct json_object *Kesu_json_str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

const char *Kesu_json_string(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
		       ? json_object_get_string(v)
		       : NULL;
}

struct json_object *Kesu_json_member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;
	return o && json_object_object_get_ex(o, key, &v) ? v : NULL;
}

const char *Kesu_json_text(struct json_object *o, const char *key)
{
	const char *s = o ? Kesu_json_string(o, key) : NULL;
	return s ? s : "";
}

int Kesu_json_members(struct json_object *o, const char *what, const char *const *names,
		      char *why, size_t whysize)
{
	if (!json_object_is_type(o, json_type_object))
		return snprintf(why, whysize, _("%s is not an object"), what), -KESU_EPARSE;
	json_object_object_foreach(o, key, val)
	{
		(void)val;
		size_t i = 0;
		while (names[i] && strcmp(names[i], key) != 0)
			i++;
		if (!names[i])
			return snprintf(why, whysize, _("%s has an unknown member \"%.40s\""), what, key),
			       -KESU_EPARSE;
	}
	for (size_t i = 0; names[i]; i++)
		if (!json_object_object_get_ex(o, names[i], NULL))
			return snprintf(why, whysize, _("%s has no member \"%s\""), what, names[i]),
			       -KESU_EPARSE;
	return 0;
}

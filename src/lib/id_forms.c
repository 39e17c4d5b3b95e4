/* See id_forms.h. */
#include <string.h>

#include "id_forms.h"

bool Kesu_utc_form_valid(const char *t)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";
	if (strlen(t) != sizeof(form) - 1)
		return false;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != form[i])
			return false;
	return true;
}

bool Kesu_certificate_id_valid(const char *id, bool any_case)
{
	const char *hex = any_case ? "0123456789abcdefABCDEF" : "0123456789ABCDEF";
	if (strlen(id) != 22 || strncmp(id, "KESU-", 5) != 0 || id[13] != '-')
		return false;
	for (int i = 5; i < 13; i++)
		if (id[i] < '0' || id[i] > '9')
			return false;
	for (int i = 14; i < 22; i++)
		if (!strchr(hex, id[i]))
			return false;
	return true;
}

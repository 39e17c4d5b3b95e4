/* The reader's language, as the POSIX locale variables name it. Issue 18
 * replaces this with gettext; until then every view that has Japanese
 * words asks this one function, so there is one place to change. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* LC_ALL overrides LC_MESSAGES, which overrides LANG (POSIX); an empty
 * variable counts as unset. Only the name is read: the locale need not be
 * installed (a station's C.UTF-8 image still shows Japanese to a Japanese
 * operator). */
bool cli_reader_japanese(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return strncmp(v, "ja", 2) == 0;
	}
	return false;
}

/* The reader's language. LC_CTYPE and LC_MESSAGES follow the environment;
 * the rest of the locale stays "C", so printf("%.1f") in JSON always
 * writes a point and dates never change shape. */
#include <libgen.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"

#ifndef KESU_LOCALEDIR
#define KESU_LOCALEDIR "/usr/share/locale"
#endif

/* The locale name the environment asks for messages (POSIX order: LC_ALL,
 * LC_MESSAGES, LANG; an empty variable counts as unset). */
static const char *wanted_messages_locale(void)
{
	static const char *const vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return NULL;
}

/* A live image or container often has no ja_JP.UTF-8 locale installed.
 * glibc then refuses the locale and gettext would stay English; but it
 * honours LANGUAGE under C.UTF-8, so the language part of the name asked
 * for ("ja" of "ja_JP.UTF-8") is passed that way. */
static void messages_without_installed_locale(void)
{
	const char *name = wanted_messages_locale();
	if (!setlocale(LC_MESSAGES, "C.UTF-8") || !name || getenv("LANGUAGE"))
		return;
	char lang[16];
	size_t n = strcspn(name, "_.@");
	if (n == 0 || n >= sizeof(lang) || !strcmp(name, "C") || !strcmp(name, "POSIX"))
		return;
	memcpy(lang, name, n);
	lang[n] = '\0';
	setenv("LANGUAGE", lang, 0);
}

/* The catalog beside the binary (build tree: BUILD/locale) wins over the
 * installed one, so tests and the live image need no install step;
 * $KESU_LOCALEDIR overrides both. */
static void bind_catalog(const char *argv0)
{
	const char *dir = getenv("KESU_LOCALEDIR");
	char exe[PATH_MAX], beside[PATH_MAX + 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	(void)argv0;
	if (!dir && n > 0) {
		exe[n] = '\0';
		snprintf(beside, sizeof(beside), "%s/locale", dirname(exe));
		if (access(beside, R_OK | X_OK) == 0)
			dir = beside;
	}
	bindtextdomain("kesu", dir ? dir : KESU_LOCALEDIR);
	bind_textdomain_codeset("kesu", "UTF-8");
	textdomain("kesu");
}

void cli_i18n_init(const char *argv0)
{
	if (!setlocale(LC_CTYPE, ""))
		setlocale(LC_CTYPE, "C.UTF-8");
	if (!setlocale(LC_MESSAGES, ""))
		messages_without_installed_locale();
	bind_catalog(argv0);
}

bool cli_reader_japanese(void)
{
	/* The catalog's own header says which language it is; English (no
	 * catalog, or LANGUAGE=en) leaves the header untranslated. */
	const char *header = gettext("");
	return header && strstr(header, "Language: ja") != NULL;
}

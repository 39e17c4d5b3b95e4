/* Translated messages (gettext, text domain "kesu"): every message the
 * command and the text UI show goes through _(), and the po/ja files hold the
 * Japanese. Strings in static tables are marked N_() and translated where
 * they are shown. */
#ifndef KESU_CLI_I18N_H
#define KESU_CLI_I18N_H

#include <libintl.h>
#include <stdbool.h>

#define _(msgid) gettext(msgid)
#define N_(msgid) (msgid)
/* A message in a context: the same English word with two meanings gets two
 * catalog entries ("signature" of a partition vs of a PDF). xgettext joins
 * context and msgid with "\004", as pgettext does (--keyword=C_:1c,2). */
#define C_(ctx, msgid) cli_pgettext(ctx "\004" msgid, msgid)

/* gettext of the joined key; msgid itself when the catalog has no entry.
 * Inline: files linked into unit tests without i18n.c use it too. */
__attribute__((format_arg(2))) static inline const char *cli_pgettext(const char *key,
								      const char *msgid)
{
	const char *t = gettext(key);
	/* untranslated: gettext hands back the key, context and all */
	return t == key ? msgid : t;
}

/* Sets LC_CTYPE and LC_MESSAGES from the environment and binds the "kesu"
 * catalog. Numbers, dates and collation stay "C": JSON and records never
 * depend on the reader's locale. Called once, first thing in main(). */
void cli_i18n_init(const char *argv0);

/* The messages are Japanese (the locale asked for ja and the catalog is
 * there): views with their own Japanese words (ledger list, register
 * headers) follow the same choice. */
bool cli_reader_japanese(void);

#endif

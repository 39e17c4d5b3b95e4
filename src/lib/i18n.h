/* The library's messages (the one-line err texts) are translated where they
 * are written, in the "kesu" text domain the command binds: a message is
 * formatted once, so it cannot be translated after its values are in.
 * dgettext, not gettext: the library never sets the program's domain. */
#ifndef KESU_LIB_I18N_H
#define KESU_LIB_I18N_H

#include <libintl.h>

#define KESU_TEXT_DOMAIN "kesu"
#define _(msgid) dgettext(KESU_TEXT_DOMAIN, msgid)
#define N_(msgid) (msgid)

#endif

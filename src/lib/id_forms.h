/* The shapes of what kesu writes and reads back: a UTC time as
 * kesu_time_utc writes it, a certificate id as kesu_certificate_id does. */
#ifndef KESU_ID_FORMS_H
#define KESU_ID_FORMS_H
#include <stdbool.h>

/* "YYYY-MM-DDTHH:MM:SSZ" (digits where the letters are). */
bool Kesu_utc_form_valid(const char *t);

/* KESU-YYYYMMDD-XXXXXXXX with upper-case hex; any_case: lower-case hex
 * too (a certificate being read); without it, exactly what kesu writes
 * (a countersignature's id becomes part of a file name). */
bool Kesu_certificate_id_valid(const char *id, bool any_case);

#endif

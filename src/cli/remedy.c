/* The command line's words for enum kesu_remedy (remedy.h), and the text
 * UI's: the UI runs `kesu wipe` as its child and shows what it prints, so
 * it sets KESU_FRONT_END=tui and the child names what can be done there
 * instead of an option nobody can type. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "i18n.h"
#include "remedy.h"

const char *cli_remedy(unsigned remedies, char *buf, size_t size)
{
	struct clause {
		unsigned bits;
		const char *text;
	};
	static const struct clause cli[] = {
		{KESU_REMEDY_FORCE, N_("add --force to erase it unattended")},
		{KESU_REMEDY_ALLOW_USB, N_("or try with --allow-usb")},
		{KESU_REMEDY_HPA_RESTORE | KESU_REMEDY_HPA_KEEP,
		 N_("add --hpa=restore (erase them too) or --hpa=keep")},
		{KESU_REMEDY_HPA_RESTORE, N_("remove it first (--hpa=restore) so they are erased too")},
		{KESU_REMEDY_HPA_KEEP, N_("add --hpa=keep to erase without them")},
	};
	static const struct clause tui[] = {
		{KESU_REMEDY_FORCE, N_("confirm the warning on the confirmation screen")},
		{KESU_REMEDY_ALLOW_USB, N_("the text UI sends no firmware commands through a USB bridge")},
		{KESU_REMEDY_HPA_RESTORE | KESU_REMEDY_HPA_KEEP,
		 N_("the text UI does not change an HPA: choose a SANITIZE method instead")},
		{KESU_REMEDY_HPA_RESTORE, N_("the text UI does not remove an HPA, so they stay as they are")},
		{KESU_REMEDY_HPA_KEEP, N_("the text UI does not change an HPA")},
	};
	const char *front = getenv("KESU_FRONT_END");
	bool in_tui = front && strcmp(front, "tui") == 0;
	const struct clause *clauses = in_tui ? tui : cli;
	size_t nclauses = in_tui ? sizeof(tui) / sizeof(tui[0]) : sizeof(cli) / sizeof(cli[0]);
	size_t n = 0;
	if (!buf || !size)
		return "";
	buf[0] = '\0';
	for (size_t i = 0; i < nclauses; i++) {
		if ((remedies & clauses[i].bits) != clauses[i].bits)
			continue;
		remedies &= ~clauses[i].bits; /* the pair is said once */
		int w = snprintf(buf + n, size - n, "; %s", _(clauses[i].text));
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	return buf;
}

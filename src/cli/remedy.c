/* The command line's words for enum kesu_remedy (remedy.h). */
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "remedy.h"

const char *cli_remedy(unsigned remedies, char *buf, size_t size)
{
	static const struct {
		unsigned bits;
		const char *text;
	} clauses[] = {
		{KESU_REMEDY_FORCE, "add --force to erase it unattended"},
		{KESU_REMEDY_ALLOW_USB, "or try with --allow-usb"},
		{KESU_REMEDY_HPA_RESTORE | KESU_REMEDY_HPA_KEEP,
		 "add --hpa=restore (erase them too) or --hpa=keep"},
		{KESU_REMEDY_HPA_RESTORE, "remove it first (--hpa=restore) so they are erased too"},
		{KESU_REMEDY_HPA_KEEP, "add --hpa=keep to erase without them"},
	};
	size_t n = 0;
	if (!buf || !size)
		return "";
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(clauses) / sizeof(clauses[0]); i++) {
		if ((remedies & clauses[i].bits) != clauses[i].bits)
			continue;
		remedies &= ~clauses[i].bits; /* the pair is said once */
		int w = snprintf(buf + n, size - n, "; %s", clauses[i].text);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	return buf;
}

/* kesu tui: which other NVMe namespaces a Format NVM or Sanitize erases.
 * kesu wipe --yes refuses such a command unless --namespaces names each of
 * them (a confirmation made elsewhere never showed them), so the TUI asks
 * the library for the scope the way kesu wipe does, shows the namespaces
 * on its confirmation screen and passes their NSIDs when the operator
 * typed ERASE. Pure: no curses, so a unit test links it alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "i18n.h"
#include "tui.h"

/* Whether list ("N[,N...]") holds nsid. */
static bool listed(const char *list, uint32_t nsid)
{
	for (const char *p = list; *p;) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);
		if (end == p)
			return false;
		if (n == nsid)
			return true;
		p = *end == ',' ? end + 1 : end;
	}
	return false;
}

int tui_scope_others(const struct kesu_drive_caps *caps, int command, char *nsids, size_t nsids_size,
		     char *text, size_t text_size)
{
	text[0] = '\0';
	if (command < 0 || !caps->queried || caps->bus != KESU_BUS_NVME)
		return 0;
	struct kesu_nvme_scope *scope = malloc(sizeof(*scope));
	if (!scope)
		return -ENOMEM;
	int rc = kesu_nvme_scope(caps, (enum kesu_firmware_command)command, scope, text, text_size);
	if (rc < 0 || scope->count < 2) {
		free(scope);
		if (rc == 0)
			text[0] = '\0';
		return rc < 0 ? rc : 0;
	}
	for (size_t i = 1; i < scope->count; i++) {
		if (listed(nsids, scope->ns[i].nsid))
			continue; /* another selected drive of the same controller named it */
		size_t used = strlen(nsids);
		if (used + 12 > nsids_size) {
			free(scope);
			snprintf(text, text_size, "%s", kesu_strerror(-ENOBUFS));
			return -ENOBUFS;
		}
		snprintf(nsids + used, nsids_size - used, "%s%u", used ? "," : "",
			 (unsigned)scope->ns[i].nsid);
	}
	char list[2048];
	kesu_nvme_scope_list(scope, list, sizeof(list));
	snprintf(text, text_size, _("also erases every namespace of the controller (%s): %s"),
		 scope->reason, list);
	int n = (int)scope->count - 1;
	free(scope);
	return n;
}

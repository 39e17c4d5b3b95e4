/* The operator's confirmation before a destructive command. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "remedy.h"

bool cli_confirm(const struct kesu_device *dev, const struct kesu_gate_verdict *v, bool yes,
		 bool force)
{
	if (v->refusals) {
		cli_error("%s", v->reason);
		return false;
	}
	if (yes) {
		/* Unattended: a drive that still holds data structures needs
		 * --force as well, so a script cannot erase the wrong disk
		 * just because it answered yes to everything. */
		if (v->warnings && !force) {
			char remedy[CLI_REMEDY_MAX];
			cli_error("%s%s", v->reason, cli_remedy(v->remedies, remedy, sizeof(remedy)));
			return false;
		}
		return true;
	}
	if (!isatty(STDIN_FILENO)) {
		cli_error("%s: not confirmed: standard input is not a terminal (use --yes)", dev->path);
		return false;
	}
	char size[32];
	cli_format_size(dev->size, size, sizeof(size));
	fprintf(stderr, _("\n  %s  %s  %s  serial %s  %s\n"), dev->path, dev->model[0] ? dev->model : "-",
		size, dev->serial[0] ? dev->serial : "-", kesu_transport_name(dev->transport));
	if (v->warnings)
		fprintf(stderr, _("  warning: %s\n"), v->reason);
	fprintf(stderr, _("  Everything on it will be destroyed. Type %s \"%s\" to go ahead: "),
		dev->serial[0] ? _("its serial number") : _("its device name"), kesu_gate_confirm_token(dev));
	char line[512];
	if (!fgets(line, sizeof(line), stdin) || !kesu_gate_confirmed(dev, line)) {
		cli_error("%s: not confirmed; nothing was written", dev->path);
		return false;
	}
	return true;
}

/* The firmware side of kesu wipe, per drive: the command channel, what
 * the drive can do, auto-purge's choice, the refusals (frozen, locked,
 * HPA) and the HPA decision. Everything here that can refuse runs before
 * any drive is written. (The temporary ATA password's life is the
 * library's: kesu/wipe.h.) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "remedy.h"

static int decide_hpa(struct cli_firmware *fw, struct kesu_device *dev, int fd,
		      enum cli_hpa_mode mode, bool dry_run)
{
	const struct kesu_drive_caps *c = &fw->caps;
	if (c->queried && c->bus == KESU_BUS_ATA && !c->hpa_checked) {
		/* Never "no HPA": the certificate says the erase may not have reached it. */
		fprintf(stderr, _("kesu: warning: %s: kesu could not check for a Host Protected Area "
			"(the drive's native max address could not be read), so sectors one may hide "
			"are not reached by this erase%s; the record and certificate say so\n"), dev->path,
			mode == CLI_HPA_RESTORE ? _(" and --hpa=restore cannot remove it") : "");
		return KESU_EXIT_OK;
	}
	if (!c->hpa_checked || (!c->hpa_hidden_sectors && !c->dco_hidden_sectors))
		return KESU_EXIT_OK;
	if (c->dco_hidden_sectors)
		fprintf(stderr, _("kesu: warning: %s: a Device Configuration Overlay hides %llu sectors "
			"that no command kesu sends can reach; the record says so\n"), dev->path,
			(unsigned long long)c->dco_hidden_sectors);
	if (!c->hpa_hidden_sectors)
		return KESU_EXIT_OK;
	if (mode != CLI_HPA_RESTORE) {
		if (fw->method->technique == KESU_TECHNIQUE_OVERWRITE || mode == CLI_HPA_KEEP)
			fprintf(stderr, _("kesu: warning: %s: a Host Protected Area hides %llu sectors, "
				"which this erase does not reach (--hpa=restore erases them too); the "
				"record says so\n"), dev->path, (unsigned long long)c->hpa_hidden_sectors);
		return KESU_EXIT_OK;
	}
	if (dry_run) {
		printf(_("%s: would remove the Host Protected Area (%llu sectors) first\n"), dev->path,
		       (unsigned long long)c->hpa_hidden_sectors);
		return KESU_EXIT_OK;
	}
	char why[KESU_ERRMSG_MAX];
	uint64_t hidden = c->hpa_hidden_sectors;
	int rc = kesu_hpa_restore(&fw->pt, &fw->caps, why, sizeof(why));
	if (rc < 0) {
		cli_error("%s: cannot remove the Host Protected Area: %s", dev->path, why);
		return cli_exit_for(rc);
	}
	fw->hpa_restored = hidden;
	kesu_device_reread_size(dev, fd); /* a failure leaves the old size: the record shows it */
	return KESU_EXIT_OK;
}

const char cli_namespaces_help[] =
	N_("\nNVMe namespaces (a Format NVM with FNA bit 0 or 1, or a Sanitize, erases every\n"
	   "namespace of the controller; kesu lists them and gates each one):\n"
	   "      --namespaces N[,N...]  with --yes: the other namespaces' NSIDs as kesu lists\n"
	   "                           them; without it --yes refuses such a command\n");

/* Parses the next NSID of a --namespaces list at *p; false at a bad one. */
static bool next_nsid(const char **p, unsigned long *nsid)
{
	const char *s = *p;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long v = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		v = v * 10 + (unsigned long)(*s - '0');
		if (v >= 0xffffffffUL)
			return false;
	}
	if (v == 0 || (*s && *s != ','))
		return false;
	*nsid = v;
	*p = *s ? s + 1 : s;
	return true;
}

bool cli_nsid_list_valid(const char *opt, const char *list)
{
	const char *p = list;
	unsigned long v;
	do {
		if (!next_nsid(&p, &v)) {
			cli_error("%s: \"%s\" is not a list of namespace ids (1 to 4294967294, comma-separated)",
				  opt, list);
			return false;
		}
	} while (*p);
	return true;
}

static bool nsid_listed(const char *list, uint32_t nsid)
{
	const char *p = list;
	unsigned long v;
	while (p && *p && next_nsid(&p, &v))
		if (v == nsid)
			return true;
	return false;
}

/* An NVMe Format NVM or Sanitize that erases more than this namespace
 * (FNA bit 0 or 1, or Sanitize on a controller with several): each other
 * namespace is listed, goes through the gate, and is confirmed: at a
 * terminal by the serial number again, with --yes only when --namespaces
 * names it (a confirmation made elsewhere, such as the text UI's, did not
 * show it). */
static int confirm_scope(struct cli_firmware *fw, const struct kesu_device *dev,
			 const struct kesu_gate_own_files *own, bool yes, const char *namespaces)
{
	char why[KESU_ERRMSG_MAX];
	struct kesu_nvme_scope *scope = malloc(sizeof(*scope));
	if (!scope) {
		cli_error("%s: %s", dev->path, kesu_strerror(-ENOMEM));
		return KESU_EXIT_FAILURE;
	}
	int rc = kesu_nvme_scope(&fw->caps, fw->method->firmware, scope, why, sizeof(why));
	if (rc == 0 && scope->count > 1)
		rc = kesu_nvme_scope_gate(scope, dev, own, NULL, NULL, why, sizeof(why));
	if (rc < 0) {
		free(scope);
		cli_error("%s: %s: %s", dev->path, fw->method->id, why);
		return cli_exit_for(rc);
	}
	if (scope->count < 2) {
		free(scope);
		return KESU_EXIT_OK;
	}
	char list[2048], missing[KESU_NVME_NS_MAX * 11 + 1] = "";
	kesu_nvme_scope_list(scope, list, sizeof(list));
	fprintf(stderr, _("kesu: %s: %s erases every namespace of the controller (%s), not only this "
		"one: %s\n"), dev->path, fw->method->id, scope->reason, list);
	for (size_t i = 1; i < scope->count; i++)
		if (!nsid_listed(namespaces, scope->ns[i].nsid)) {
			size_t used = strlen(missing);
			snprintf(missing + used, sizeof(missing) - used, "%s%u", used ? "," : "",
				 (unsigned)scope->ns[i].nsid);
		}
	free(scope);
	if (yes) {
		if (!missing[0])
			return KESU_EXIT_OK; /* each one named on the command line */
		cli_error("%s: not confirmed: %s also erases namespaces %s, which --yes alone does not "
			  "cover; name them with --namespaces %s", dev->path, fw->method->id, missing, missing);
		return KESU_EXIT_REFUSED;
	}
	if (!isatty(STDIN_FILENO)) {
		cli_error("%s: not confirmed: standard input is not a terminal (use --yes)", dev->path);
		return KESU_EXIT_REFUSED;
	}
	fprintf(stderr, _("  All of them will be erased. Type %s \"%s\" again to go ahead: "),
		dev->serial[0] ? _("its serial number") : _("its device name"), kesu_gate_confirm_token(dev));
	char line[512];
	if (!fgets(line, sizeof(line), stdin) || !kesu_gate_confirmed(dev, line)) {
		cli_error("%s: not confirmed; nothing was written", dev->path);
		return KESU_EXIT_REFUSED;
	}
	return KESU_EXIT_OK;
}

int cli_firmware_prepare(struct cli_firmware *fw, struct kesu_device *dev, int fd,
			 const struct kesu_method *method, const struct kesu_method_set *methods,
			 unsigned channel_flags, enum cli_hpa_mode hpa, bool dry_run, bool quiet,
			 const struct kesu_gate_own_files *own, bool yes, const char *namespaces)
{
	char why[KESU_ERRMSG_MAX], remedy[CLI_REMEDY_MAX];
	unsigned remedies;
	memset(fw, 0, sizeof(*fw));
	fw->method = method;
	bool firmware = method->technique == KESU_TECHNIQUE_FIRMWARE;
	int rc = kesu_channel_open(dev, fd, channel_flags, &fw->pt, &remedies, why, sizeof(why));
	if (rc < 0) {
		if (!firmware)
			return KESU_EXIT_OK; /* overwriting needs no channel; HPA stays unknown */
		cli_error("%s: %s needs the drive's own commands: %s%s", dev->path, method->id, why,
			  cli_remedy(remedies, remedy, sizeof(remedy)));
		return cli_exit_for(rc);
	}
	fw->channel_open = true;
	rc = kesu_drive_caps_query(&fw->pt, dev, &fw->caps);
	if (rc < 0) {
		if (!firmware)
			return KESU_EXIT_OK;
		cli_error("%s: cannot ask the drive what it supports: %s", dev->path, fw->caps.error);
		return cli_exit_for(rc);
	}
	fw->caps_known = true;
	/* The operator chose to go through the bridge: judge the drive itself. */
	if (channel_flags & KESU_CHANNEL_ALLOW_USB)
		fw->caps.purge.usb_bridge = KESU_NO;
	if (method->firmware == KESU_FW_AUTO) {
		struct kesu_purge_choice choice;
		rc = kesu_purge_choose(&fw->caps, &choice);
		if (rc < 0) {
			cli_error("%s: auto-purge: %s%s", dev->path, choice.reason,
				  cli_remedy(choice.remedies, remedy, sizeof(remedy)));
			return cli_exit_for(rc);
		}
		fw->method = kesu_method_set_find(methods, choice.method_id);
		if (!fw->method) {
			cli_error("%s: auto-purge chose %s, which is not a known method", dev->path,
				  choice.method_id);
			return KESU_EXIT_FAILURE;
		}
		snprintf(fw->auto_reason, sizeof(fw->auto_reason), "%s", choice.reason);
		if (!quiet)
			printf(_("%s: auto-purge chose %s: %s%s\n"), dev->path, fw->method->id, choice.reason,
			       hpa == CLI_HPA_CHECK ? cli_remedy(choice.remedies, remedy, sizeof(remedy)) : "");
	}
	if (fw->method->technique == KESU_TECHNIQUE_FIRMWARE) {
		rc = kesu_firmware_check(fw->method->firmware, &fw->caps, hpa != CLI_HPA_CHECK,
					 &remedies, why, sizeof(why));
		if (rc < 0) {
			cli_error("%s: %s: %s%s", dev->path, fw->method->id, why,
				  cli_remedy(remedies, remedy, sizeof(remedy)));
			return cli_exit_for(rc);
		}
		if (fw->caps.bus == KESU_BUS_NVME) {
			int code = confirm_scope(fw, dev, own, yes, namespaces);
			if (code != KESU_EXIT_OK)
				return code;
		}
	}
	int code = decide_hpa(fw, dev, fd, hpa, dry_run);
	if (code != KESU_EXIT_OK)
		return code;
	return KESU_EXIT_OK;
}

void cli_firmware_options(struct cli_firmware *fw, struct kesu_job_options *opts)
{
	opts->passthru = fw->channel_open ? &fw->pt : NULL;
	opts->caps = fw->caps_known ? &fw->caps : NULL;
	opts->hpa_restored = fw->hpa_restored;
}

void cli_firmware_close(struct cli_firmware *fw)
{
	if (fw->channel_open)
		kesu_passthru_close(&fw->pt);
	fw->channel_open = false;
}

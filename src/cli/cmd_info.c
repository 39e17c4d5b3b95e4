/* kesu info DEVICE: everything known about one drive. */
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "device_columns.h"
#include "remedy.h"
#include "kesu/firmware.h"
#include "kesu/purge.h"

static void field(const char *key, const char *value)
{
	/* keys are N_() at the call sites (or column titles, left as they are);
	 * padded by display width: a Japanese label is two columns a character */
	const char *label = _(key);
	fputs("  ", stdout);
	cli_put_padded(label, 22);
	printf(" %s\n", value && value[0] ? value : _("unknown"));
}

/* The state for people; kesu list and the JSON keep the token. A context:
 * "mounted" alone is also a column title (マウント先). */
static const char *state_text(const char *token)
{
	const struct { /* not static: C_ looks the text up when called */
		const char *token, *text;
	} states[] = {{"SYSTEM", C_("device state", "SYSTEM")}, {"swap", C_("device state", "swap")},
		      {"mounted", C_("device state", "mounted")}, {"held", C_("device state", "held")},
		      {"busy", C_("device state", "busy")}, {"free", C_("device state", "free")}};
	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(token, states[i].token))
			return states[i].text;
	return token;
}

static void field_tri(const char *key, enum kesu_tristate t)
{
	field(key, _(cli_tristate(t))); /* for people: JSON keeps the token */
}

/* The identity lines come from the column table, so they say what
 * kesu list and the JSON say, in the same words. */
static void print_identity(const struct kesu_device *dev)
{
	const struct cli_drive d = {.dev = dev};
	char value[CLI_COL_TEXT_MAX];
	printf("%s\n", dev->path);
	for (size_t i = 0; i < cli_ncolumns; i++)
		if (cli_columns[i].label && cli_column_info(&cli_columns[i], &d, value, sizeof(value)))
			field(cli_columns[i].label, value);
}

static void print_contents(const struct kesu_device *d)
{
	char size[32];
	printf(_("Contents\n"));
	if (d->contents_error) {
		char why[160];
		snprintf(why, sizeof(why), _("unknown (cannot read the drive: %s)"), kesu_strerror(d->contents_error));
		field(N_("partition table"), why);
		return;
	}
	field(N_("partition table"), d->ptable[0] ? d->ptable : _("none found"));
	if (d->fstype[0])
		field(N_("signature"), d->fstype);
	for (size_t i = 0; i < d->nparts; i++) {
		const struct kesu_partition *p = &d->parts[i];
		char line[1024];
		cli_format_size(p->size, size, sizeof(size));
		snprintf(line, sizeof(line), "%s %s%s%s", size, p->fstype[0] ? p->fstype : _("(no filesystem)"),
			 p->label[0] ? " label=" : "", p->label);
		field(p->name, line);
	}
}

static void print_use(const struct kesu_device *d)
{
	char line[4096];
	size_t used = 0;
	printf(_("Use\n"));
	field(N_("state"), state_text(cli_device_state(d)));
	line[0] = '\0';
	for (size_t i = 0; i < d->nmounts && used < sizeof(line); i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", i ? ", " : "", d->mounts[i]);
	field(N_("mounted on"), d->nmounts ? line : _("nothing"));
	used = 0;
	line[0] = '\0';
	for (size_t i = 0; i < d->nholders && used < sizeof(line); i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", i ? ", " : "", d->holders[i]);
	field(N_("holders"), d->nholders ? line : _("none"));
	field(N_("active swap"), d->swap_active ? _("yes") : _("no"));
	for (int k = 0; k < KESU_STACK_KINDS; k++)
		if (d->stack[k][0])
			field(N_("through the stack"), d->stack[k]);
	struct kesu_gate_verdict v;
	bool ok = kesu_gate_judge(d, false, &v);
	field(N_("safety gate"), ok ? _("would accept") : v.refusals ? _("refuses") : _("warns"));
	if (v.reason[0])
		field(N_("reason"), v.reason);
}

static void print_health(const struct kesu_device *d)
{
	char buf[32];
	printf(_("Health (SMART)\n"));
	field_tri(N_("available"), d->smart.available);
	field(N_("overall"), d->smart.healthy == KESU_YES ? _("PASSED") : d->smart.healthy == KESU_NO ? _("FAILING") : NULL);
	snprintf(buf, sizeof(buf), "%lld", (long long)d->smart.power_on_hours);
	field(N_("power-on hours"), d->smart.power_on_hours >= 0 ? buf : NULL);
	snprintf(buf, sizeof(buf), "%lld", (long long)d->smart.reallocated_sectors);
	field(N_("reallocated sectors"), d->smart.reallocated_sectors >= 0 ? buf : NULL);
	snprintf(buf, sizeof(buf), "%lld C", (long long)d->smart.temperature_c);
	field(N_("temperature"), d->smart.temperature_c >= 0 ? buf : NULL);
}

/* What the kernel says (sysfs). The firmware facts follow in their own
 * section; dev->caps' firmware tristates are filled from the same query. */
static void print_erasure(const struct kesu_device *d)
{
	const struct kesu_erase_caps *c = &d->caps;
	printf(_("Erasure\n"));
	field_tri(N_("overwrite"), c->overwrite);
	field_tri(N_("discard"), c->discard);
	/* Secure discard has no sysfs flag: queue/ has discard_*, write_zeroes_*
	 * and write_same_max_bytes, but max_secure_erase_sectors stays inside
	 * struct queue_limits (block/blk-sysfs.c's attribute list; no such file
	 * in /sys/block/X/queue/ on Linux 6.18 either). So it stays unknown. */
	field(N_("secure discard"), c->secure_discard == KESU_UNKNOWN
					? _("unknown (Linux does not report it)")
					: _(cli_tristate(c->secure_discard)));
	field_tri(N_("write zeroes"), c->write_zeroes);
}

int cli_drive_caps_ask(struct kesu_device *dev, unsigned flags, struct kesu_drive_caps *caps,
		       char *why, size_t whysize)
{
	memset(caps, 0, sizeof(*caps));
	caps->bus = KESU_BUS_OTHER;
	why[0] = '\0';
	int fd = open(dev->path, O_RDONLY | O_CLOEXEC);
	struct kesu_passthru pt;
	if (fd < 0) {
		int rc = -errno;
		/* A transport without firmware erase is refused before the
		 * descriptor is used: that reason is the better one. */
		int refused = kesu_channel_open(dev, -1, flags, &pt, NULL, why, whysize);
		if (refused == 0)
			kesu_passthru_close(&pt);
		if (refused == -KESU_EUNSUPPORTED)
			return refused;
		snprintf(why, whysize, _("cannot open %s to ask it: %s"), dev->path, kesu_strerror(rc));
		return rc;
	}
	unsigned remedies;
	int rc = kesu_channel_open(dev, fd, flags, &pt, &remedies, why, whysize);
	close(fd); /* the channel keeps its own descriptor */
	if (rc < 0) {
		char remedy[CLI_REMEDY_MAX];
		size_t n = strlen(why);
		snprintf(why + n, whysize - n, "%s", cli_remedy(remedies, remedy, sizeof(remedy)));
		return rc;
	}
	rc = kesu_drive_caps_query(&pt, dev, caps);
	kesu_passthru_close(&pt);
	if (rc < 0) {
		snprintf(why, whysize, "%s", caps->error);
		return rc;
	}
	if (flags & KESU_CHANNEL_ALLOW_USB)
		caps->purge.usb_bridge = false; /* the operator chose to try (kesu/purge.h) */
	return 0;
}

static const char *yes_no(bool b)
{
	return b ? _("yes") : _("no");
}

static void minutes_text(unsigned minutes, char *buf, size_t size)
{
	if (!minutes)
		snprintf(buf, size, _("not reported"));
	else if (minutes < 120)
		snprintf(buf, size, _("about %u min"), minutes);
	else
		snprintf(buf, size, _("about %u min (%u h %02u min)"), minutes, minutes / 60, minutes % 60);
}

static void sectors_text(uint64_t sectors, unsigned sector_size, char *buf, size_t size)
{
	char human[32];
	cli_format_size((unsigned long long)sectors * (sector_size ? sector_size : 512), human,
			sizeof(human));
	snprintf(buf, size, _("%llu sectors (%s)"), (unsigned long long)sectors, human);
}

static void print_ata(const struct kesu_drive_caps *fc)
{
	const struct kesu_ata_identify *id = &fc->ata;
	char buf[512], a[64], b[64];
	field(N_("security"), id->security_supported ? _("supported") : _("not supported"));
	if (id->security_supported) {
		field(N_("security enabled"), id->security_enabled ? _("yes (a user password is set)") : _("no"));
		field(N_("security locked"), id->security_locked
				? _("yes: `kesu unlock DEVICE` if kesu set the password") : _("no"));
		snprintf(buf, sizeof(buf), "yes: %s", kesu_ata_unfreeze_advice());
		field(N_("security frozen"), id->security_frozen ? buf : _("no"));
		field(N_("attempts expired"), id->security_count_expired
				? _("yes: 5 wrong passwords since power-on; power-cycle the drive") : _("no"));
		field(N_("enhanced erase"), id->security_enhanced_supported ? _("supported") : _("not supported"));
		minutes_text(id->erase_minutes, a, sizeof(a));
		if (id->security_enhanced_supported) {
			minutes_text(id->enhanced_erase_minutes, b, sizeof(b));
			snprintf(buf, sizeof(buf), "%s; enhanced: %s", a, b);
		} else {
			snprintf(buf, sizeof(buf), "%s", a);
		}
		field(N_("erase time"), buf);
	}
	field(N_("sanitize"), id->sanitize_supported ? _("supported") : _("not supported"));
	if (id->sanitize_supported) {
		field(N_("sanitize crypto"), yes_no(id->sanitize_crypto));
		field(N_("sanitize block erase"), yes_no(id->sanitize_block));
		field(N_("sanitize overwrite"), yes_no(id->sanitize_overwrite));
		field(N_("sanitize frozen"),
		      fc->ata_sanitize_frozen == KESU_YES
			      ? _("yes (SANITIZE FREEZE LOCK): kesu refuses every sanitize method; "
				  "power-cycle the drive without the BIOS freezing it")
			      : _(cli_tristate(fc->ata_sanitize_frozen)));
	}
	if (!fc->hpa_checked) {
		field(N_("HPA"), fc->hpa_truncated
					 ? _("unknown (the native max address came back in fixed-format "
					     "sense, which cannot hold all of it)")
				 : id->hpa_supported || id->amax_supported
					 ? _("unknown (READ NATIVE MAX EXT was refused)")
					 : _("none (no HPA feature set)"));
	} else if (!fc->hpa_hidden_sectors) {
		field(N_("HPA"), _("none"));
	} else {
		sectors_text(fc->hpa_hidden_sectors, id->logical_sector, a, sizeof(a));
		snprintf(buf, sizeof(buf), _("%s hidden (IDENTIFY %llu of %llu native sectors); "
			   "--hpa=restore erases them too"), a, (unsigned long long)id->sectors,
			 (unsigned long long)fc->native_sectors);
		field(N_("HPA"), buf);
	}
	if (!fc->dco_checked) {
		field(N_("DCO"), _("unknown (DEVICE CONFIGURATION IDENTIFY was refused)"));
	} else if (!fc->dco_hidden_sectors) {
		field(N_("DCO"), _("none"));
	} else {
		sectors_text(fc->dco_hidden_sectors, id->logical_sector, a, sizeof(a));
		snprintf(buf, sizeof(buf), _("%s hidden (DCO max %llu sectors); no kesu command "
			   "reaches them"), a, (unsigned long long)fc->dco_sectors);
		field(N_("DCO"), buf);
	}
}

static void print_nvme(const struct kesu_drive_caps *fc)
{
	const struct kesu_nvme_id_ctrl *c = &fc->nvme_ctrl;
	char buf[256];
	/* The drive's own NSID (never the name's number): what a Format goes to. */
	if (fc->nsid)
		snprintf(buf, sizeof(buf), "%u", (unsigned)fc->nsid);
	else
		snprintf(buf, sizeof(buf), _("unknown: %s"), fc->nsid_error);
	field(N_("namespace id"), buf);
	field(N_("Format NVM"), c->format ? _("yes (user-data erase, SES=1)") : _("no"));
	if (c->format) {
		field(N_("format crypto erase"), c->format_crypto_erase ? _("yes (FNA bit 2)") : _("no"));
		field(N_("format scope"), c->format_all_namespaces ? _("all namespaces (FNA bit 0)")
							       : _("this namespace"));
		field(N_("secure erase scope"), c->secure_erase_all_namespaces
						    ? _("all namespaces (FNA bit 1)") : _("this namespace"));
	}
	bool any = c->sanitize_crypto || c->sanitize_block || c->sanitize_overwrite;
	field(N_("sanitize"), any ? _("supported") : _("not supported"));
	if (any) {
		field(N_("sanitize crypto"), yes_no(c->sanitize_crypto));
		field(N_("sanitize block erase"), yes_no(c->sanitize_block));
		field(N_("sanitize overwrite"), yes_no(c->sanitize_overwrite));
	}
	if (!fc->nvme_sanitize_log_valid) {
		if (any)
			field(N_("last sanitize"), _("unknown (the Sanitize Status log was not readable)"));
		return;
	}
	const struct kesu_nvme_sanitize_log *log = &fc->nvme_sanitize_log;
	if (log->status == KESU_NVME_SANITIZE_IN_PROGRESS) {
		unsigned pm = kesu_nvme_sanitize_permille(log);
		snprintf(buf, sizeof(buf), _("in progress, %u.%u %% (kesu wipe with a sanitize method "
			   "follows it)"), pm / 10, pm % 10);
	} else {
		snprintf(buf, sizeof(buf), "%s%s", kesu_nvme_sanitize_status_name(log->status),
			 log->global_data_erased ? _("; nothing written since") : "");
	}
	field(N_("last sanitize"), buf);
}

static void print_scsi(const struct kesu_drive_caps *fc)
{
	field_tri(N_("sanitize overwrite"), fc->purge.scsi_sanitize_overwrite);
	field_tri(N_("sanitize block erase"), fc->purge.scsi_sanitize_block);
	field_tri(N_("sanitize crypto"), fc->purge.scsi_sanitize_crypto);
	field(N_("rotation"), fc->scsi_rotational == KESU_YES ? _("rotating (VPD B1)")
			  : fc->scsi_rotational == KESU_NO ? _("non-rotating (VPD B1)")
							   : _("unknown (no VPD page B1)"));
}

static void print_firmware(const struct kesu_device *d, const struct kesu_drive_caps *fc,
			   const char *why)
{
	char buf[640];
	printf(_("Firmware erase\n"));
	if (!fc->queried) {
		field(N_("not available"), why[0] ? why : _("the drive was not asked"));
		/* What the kernel's copy of IDENTIFY (sysfs vpd_pg89) said. */
		if (d->caps.ata_security != KESU_UNKNOWN)
			field(N_("security"), d->caps.ata_security == KESU_YES
						  ? _("supported (the kernel's copy of IDENTIFY)")
						  : _("not supported (the kernel's copy of IDENTIFY)"));
		if (d->caps.ata_sanitize != KESU_UNKNOWN)
			field(N_("sanitize"), d->caps.ata_sanitize == KESU_YES
						  ? _("supported (the kernel's copy of IDENTIFY)")
						  : _("not supported (the kernel's copy of IDENTIFY)"));
		return;
	}
	switch (fc->bus) {
	case KESU_BUS_ATA:
		field(N_("bus"), _("ATA"));
		break;
	case KESU_BUS_NVME:
		snprintf(buf, sizeof(buf), "NVMe (namespace %u)", (unsigned)fc->nsid);
		field(N_("bus"), buf);
		break;
	default:
		field(N_("bus"), _("SCSI"));
		break;
	}
	field(N_("media"), fc->purge.rotational == KESU_YES ? _("rotating (magnetic)")
							 : _("flash (or not known to spin)"));
	if (fc->purge.usb_bridge == KESU_YES)
		field(N_("USB bridge"), _("yes: firmware erase is refused behind it"));
	if (fc->bus == KESU_BUS_ATA)
		print_ata(fc);
	else if (fc->bus == KESU_BUS_NVME)
		print_nvme(fc);
	else
		print_scsi(fc);
	struct kesu_purge_choice choice;
	if (kesu_purge_choose(fc, &choice) == 0) {
		snprintf(buf, sizeof(buf), "%s (NIST SP 800-88 %s)", choice.method_id,
			 choice.level == KESU_NIST_PURGE ? "Purge" : kesu_nist_level_name(choice.level));
		field(N_("auto-purge"), buf);
	} else {
		field(N_("auto-purge"), _("none"));
	}
	char reason[KESU_ERRMSG_MAX + CLI_REMEDY_MAX], remedy[CLI_REMEDY_MAX];
	snprintf(reason, sizeof(reason), "%s%s", choice.reason,
		 cli_remedy(choice.remedies, remedy, sizeof(remedy)));
	field(N_("why"), reason);
}

static void info_usage(FILE *out)
{
	fputs(_("Usage: kesu info [--json] [--allow-usb] DEVICE\n\n"
	      "Everything kesu knows about one drive (a block device or an image file):\n"
	      "identity, geometry, contents, use, health and erase capabilities. The\n"
	      "firmware erase facts come from the drive itself (IDENTIFY, Identify\n"
	      "Controller, REPORT SUPPORTED OPERATION CODES), asked read-only; that needs\n"
	      "root. A fact that could not be read says \"unknown\".\n\n"
	      "  -J, --json       the same facts as JSON (docs/formats.md)\n"
	      "      --allow-usb  ask a drive behind a USB bridge too (many bridges do not\n"
	      "                   pass the commands, and some pass them wrongly)\n"
	      "  -h, --help       this help\n"),
	      out);
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'J'}, {"allow-usb", no_argument, NULL, 'U'},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	bool json = false;
	unsigned channel_flags = 0;
	int c;
	while ((c = cli_getopt(argc, argv, "Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'J': json = true; break;
		case 'U': channel_flags |= KESU_CHANNEL_ALLOW_USB; break;
		case 'h': info_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("info");
		}
	}
	if (argc - optind != 1) {
		cli_error("info: name exactly one DEVICE (kesu info --help)");
		return KESU_EXIT_USAGE;
	}
	const char *path = argv[optind];
	struct kesu_device *dev = malloc(sizeof(*dev));
	if (!dev)
		return KESU_EXIT_FAILURE;
	int rc = kesu_device_probe(path, NULL, dev);
	if (rc < 0) {
		if (rc == -ENOTBLK)
			cli_error("%s: neither a block device nor a regular image file", path);
		else
			cli_error("%s: %s", path, kesu_strerror(rc));
		free(dev);
		return rc == -ENOTBLK ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	struct kesu_drive_caps *fc = malloc(sizeof(*fc));
	char why[KESU_ERRMSG_MAX];
	if (!fc) {
		free(dev);
		return KESU_EXIT_FAILURE;
	}
	/* Before printing: the query also fills dev->caps' firmware facts. */
	cli_drive_caps_ask(dev, channel_flags, fc, why, sizeof(why));
	if (json) {
		struct json_object *doc = cli_device_json_firmware(dev, fc, why);
		json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		print_identity(dev);
		print_contents(dev);
		print_use(dev);
		print_health(dev);
		print_erasure(dev);
		print_firmware(dev, fc, why);
	}
	free(fc);
	free(dev);
	return KESU_EXIT_OK;
}

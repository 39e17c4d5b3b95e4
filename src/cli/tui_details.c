/* The details of one drive: what `kesu info --json` has, as labelled
 * values in the reader's language (型番 / Model, ...), grouped as the
 * document groups them. Fields without a label here (a new member, the
 * firmware's raw flags) are still shown, under their JSON name: the
 * panel never hides what kesu knows. Nulls and empty lists are left out. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"

struct label {
	const char *path;  /* the member, "smart.healthy" */
	const char *text;  /* N_() */
};

static const struct label labels[] = {
	{"path", N_("Device")}, {"name", N_("Name")}, {"transport", N_("Transport")},
	{"vendor", N_("Vendor")}, {"model", N_("Model")}, {"serial", N_("Serial number")},
	{"firmware", N_("Firmware")}, {"wwn", N_("WWN")}, {"size", N_("Size")},
	{"size_bytes", N_("Size")}, {"logical_sector_size", N_("Logical sector")},
	{"logical_sector", N_("Logical sector")}, {"physical_sector_size", N_("Physical sector")},
	{"physical_sector", N_("Physical sector")}, {"media", N_("Media type")},
	{"media_type", N_("Media type")}, {"rotational", N_("Rotational (HDD)")},
	{"removable", N_("Removable")}, {"read_only", N_("Read-only")},
	{"backing_file", N_("Backing file")}, {"contents_readable", N_("Contents readable")},
	{"partition_table", N_("Partition table")}, {"signature", N_("Signature found")},
	{"partitions", N_("Partitions")}, {"mounts", N_("Mounted on")}, {"holders", N_("Held by")},
	{"swap", N_("Swap")}, {"in_use", N_("In use")}, {"system", N_("System drive")},
	{"system_reasons", N_("Why it is the system")}, {"state", N_("State")},
	{"state_reason", N_("Why (state)")},
	{"smart.available", N_("SMART available")}, {"smart.healthy", N_("SMART healthy")},
	{"smart.power_on_hours", N_("Power-on hours")},
	{"smart.reallocated_sectors", N_("Reallocated sectors")},
	{"smart.temperature_c", N_("Temperature (C)")},
	{"capabilities.overwrite", N_("Overwrite")}, {"capabilities.discard", N_("Discard (TRIM)")},
	{"capabilities.secure_discard", N_("Secure discard")},
	{"capabilities.write_zeroes", N_("Write zeroes")},
	{"capabilities.ata_security", N_("ATA Security Erase")},
	{"capabilities.ata_sanitize", N_("ATA Sanitize")},
	{"capabilities.nvme_format", N_("NVMe Format")},
	{"capabilities.nvme_sanitize", N_("NVMe Sanitize")},
	{"capabilities.scsi_sanitize", N_("SCSI Sanitize")},
	{"capabilities.hpa_present", N_("HPA present")},
	{"firmware_erase.queried", N_("Firmware asked")},
	{"firmware_erase.error", N_("Not asked")},
	{"firmware_erase.bus", N_("Command bus")},
	{"firmware_erase.usb_bridge", N_("USB bridge")},
	{"firmware_erase.ata_erase_minutes", N_("Security Erase (min)")},
	{"firmware_erase.ata_enhanced_erase_minutes", N_("Enhanced Erase (min)")},
	{"firmware_erase.hpa_hidden_sectors", N_("HPA hidden sectors")},
	{"firmware_erase.dco_hidden_sectors", N_("DCO hidden sectors")},
	{"firmware_erase.auto_purge", N_("auto-purge uses")},
	{"firmware_erase.nist_level", N_("NIST level")},
	{"firmware_erase.auto_purge_reason", N_("auto-purge because")},
};

/* Headings of the document's groups (the top level has none). */
static const struct label groups[] = {
	{"smart", N_("SMART")}, {"capabilities", N_("What the drive can do")},
	{"firmware_erase", N_("Firmware erase")}, {"stack", N_("In use by")},
};

/* What the reader is not asked to read: the document's own version. */
static bool skipped(const char *path)
{
	return !strcmp(path, "json_format_version") || !strcmp(path, "kesu_version");
}

static const char *label_of(const struct label *t, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].path, path))
			return _(t[i].text);
	return NULL;
}

struct lines {
	char **v;
	size_t n;
};

static void add(struct lines *l, char *line)
{
	char **grown = line ? realloc(l->v, (l->n + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(line);
		return;
	}
	l->v = grown;
	l->v[l->n++] = line;
}

/* The value as read: yes/no for booleans, a size with its bytes. */
static void value_text(const char *key, struct json_object *val, char *buf, size_t size)
{
	if (json_object_is_type(val, json_type_boolean)) {
		snprintf(buf, size, "%s", json_object_get_boolean(val) ? _("yes") : _("no"));
	} else if ((!strcmp(key, "size") || !strcmp(key, "size_bytes")) &&
		   json_object_is_type(val, json_type_int)) {
		char human[32];
		uint64_t bytes = (uint64_t)json_object_get_int64(val);
		cli_format_size(bytes, human, sizeof(human));
		snprintf(buf, size, _("%s (%llu bytes)"), human, (unsigned long long)bytes);
	} else {
		snprintf(buf, size, "%s", json_object_is_type(val, json_type_string)
			 ? json_object_get_string(val)
			 : json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
	}
}

#define LABEL_COLS 24

static void walk(struct json_object *o, const char *prefix, struct lines *l)
{
	json_object_object_foreach(o, key, val) {
		char path[256], value[1024], lab[128], *line = NULL;
		snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", key);
		if (!val || skipped(path))
			continue;
		if (json_object_is_type(val, json_type_object)) {
			const char *g = label_of(groups, sizeof(groups) / sizeof(groups[0]), path);
			if (asprintf(&line, "[%s]", g ? g : path) < 0)
				line = NULL;
			add(l, line);
			size_t before = l->n;
			walk(val, path, l);
			if (l->n == before && before) /* nothing known in it: no heading */
				free(l->v[--l->n]);
			continue;
		}
		if (json_object_is_type(val, json_type_array) && !json_object_array_length(val))
			continue;
		const char *name = label_of(labels, sizeof(labels) / sizeof(labels[0]), path);
		tui_pad(lab, sizeof(lab), name ? name : key, LABEL_COLS);
		value_text(key, val, value, sizeof(value));
		if (asprintf(&line, "  %s %s", lab, value) < 0)
			line = NULL;
		add(l, line);
	}
}

void tui_details_screen(const struct tui_drive *d)
{
	struct json_object *doc = cli_device_json_firmware(&d->dev, &d->caps, d->why);
	struct lines l = {0};
	size_t top = 0;
	walk(doc, "", &l);
	json_object_put(doc);
	for (;;) {
		erase();
		char title[512];
		snprintf(title, sizeof(title), _("details of %s"), d->dev.path);
		tui_title(title);
		int rows = LINES - 3;
		for (int r = 0; r < rows && top + (size_t)r < l.n; r++)
			tui_put(2 + r, 0, l.v[top + (size_t)r]);
		tui_keys(_("Up/Down/PgUp/PgDn scroll  Esc or q back"));
		refresh();
		int ch = getch();
		size_t page = rows > 1 ? (size_t)rows - 1 : 1;
		if (ch == 'q' || ch == 27 || ch == '\n' || ch == KEY_ENTER || ch == 'i')
			break;
		if ((ch == KEY_DOWN || ch == 'j') && top + 1 < l.n)
			top++;
		else if ((ch == KEY_UP || ch == 'k') && top)
			top--;
		else if (ch == KEY_NPAGE || ch == ' ')
			top = top + page < l.n ? top + page : top;
		else if (ch == KEY_PPAGE)
			top = top > page ? top - page : 0;
	}
	for (size_t i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
}

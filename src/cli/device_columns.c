/* The one description of a drive's facts (device_columns.h): the table,
 * each fact's value function, and how each type reads in kesu list's
 * table, in JSON and in kesu info. */
#include <string.h>
#include <strings.h>

#include "device_columns.h"
#include "kesu/purge.h"

static void set_text(struct cli_col_value *v, const char *s)
{
	v->text = s;
	v->known = s && s[0];
}

static void set_number(struct cli_col_value *v, bool known, unsigned long long n)
{
	v->number = n;
	v->known = known;
}

static void set_bool(struct cli_col_value *v, enum kesu_tristate t)
{
	v->yes = t == KESU_YES;
	v->known = t != KESU_UNKNOWN;
}

static void set_list(struct cli_col_value *v, const char *items, size_t stride, size_t count)
{
	v->items = items;
	v->stride = stride;
	v->count = count;
	v->known = count > 0;
}

/* A value function that reads one fact: FACT(function, setter, setter's arguments). */
#define FACT(fn, set, ...) \
	static void fn(const struct cli_drive *d, struct cli_col_value *v) { set(v, __VA_ARGS__); }
#define DEV d->dev
#define YES(b) ((b) ? KESU_YES : KESU_NO)

/* ---- Identity ---- */
FACT(v_path, set_text, DEV->path)
FACT(v_name, set_text, DEV->name)
FACT(v_tran, set_text, kesu_transport_name(DEV->transport))
FACT(v_vendor, set_text, DEV->vendor)
FACT(v_model, set_text, DEV->model)
FACT(v_serial, set_text, DEV->serial)
FACT(v_firmware, set_text, DEV->firmware)
FACT(v_wwn, set_text, DEV->wwn)
FACT(v_size, set_number, true, DEV->size)
FACT(v_lsec, set_number, DEV->logical_sector != 0, DEV->logical_sector)
FACT(v_psec, set_number, DEV->physical_sector != 0, DEV->physical_sector)
FACT(v_media, set_text, kesu_media_name(DEV))
FACT(v_rota, set_bool, DEV->rotational)
FACT(v_rm, set_bool, DEV->removable)
FACT(v_ro, set_bool, DEV->read_only)
FACT(v_backing, set_text, DEV->backing_file)
FACT(v_parent, set_text, DEV->parent)

/* ---- Contents and use ---- */
FACT(v_readable, set_bool, YES(DEV->contents_error == 0))
FACT(v_ptable, set_text, DEV->ptable)
FACT(v_signature, set_text, DEV->fstype)
FACT(v_nparts, set_number, true, DEV->nparts)
FACT(v_mounts, set_list, DEV->mounts[0], sizeof(DEV->mounts[0]), DEV->nmounts)
FACT(v_holders, set_list, DEV->holders[0], sizeof(DEV->holders[0]), DEV->nholders)
FACT(v_swap, set_bool, YES(DEV->swap_active))
FACT(v_in_use, set_bool, YES(kesu_device_in_use(DEV)))
FACT(v_system, set_bool, YES(DEV->system_reasons != 0))
FACT(v_state, set_text, cli_device_state(DEV))
FACT(v_reason, set_text, cli_device_state_reason(DEV))

/* Filesystems found: on the whole device, else one per partition. */
static void v_fstypes(const struct cli_drive *d, struct cli_col_value *v)
{
	size_t used = (size_t)snprintf(v->buf, sizeof(v->buf), "%s", DEV->fstype);
	for (size_t i = 0; i < DEV->nparts && used < sizeof(v->buf); i++)
		if (DEV->parts[i].fstype[0])
			used += (size_t)snprintf(v->buf + used, sizeof(v->buf) - used, "%s%s",
						 used ? "," : "", DEV->parts[i].fstype);
	set_text(v, v->buf);
}

/* ---- SMART ---- */
static void v_health(const struct cli_drive *d, struct cli_col_value *v)
{
	enum kesu_tristate h = DEV->smart.healthy;
	set_text(v, h == KESU_YES ? "PASSED" : h == KESU_NO ? "FAILING" : NULL);
}

static void v_hours(const struct cli_drive *d, struct cli_col_value *v)
{
	set_number(v, DEV->smart.power_on_hours >= 0, (unsigned long long)DEV->smart.power_on_hours);
}

static void v_realloc(const struct cli_drive *d, struct cli_col_value *v)
{
	set_number(v, DEV->smart.reallocated_sectors >= 0,
		   (unsigned long long)DEV->smart.reallocated_sectors);
}
#undef DEV
#undef YES
#undef FACT

/* ---- What the drive said through its command channel ---- */
static const struct kesu_drive_caps *answered(const struct cli_drive *d)
{
	return d->caps && d->caps->queried ? d->caps : NULL;
}

static void v_purge(const struct cli_drive *d, struct cli_col_value *v)
{
	const struct kesu_drive_caps *c = answered(d);
	struct kesu_purge_choice choice;
	if (c && kesu_purge_choose(c, &choice) == 0) {
		snprintf(v->buf, sizeof(v->buf), "%s", choice.method_id);
		set_text(v, v->buf);
	}
}

static void v_security(const struct cli_drive *d, struct cli_col_value *v)
{
	const struct kesu_drive_caps *c = answered(d);
	const struct kesu_ata_identify *id = c && c->bus == KESU_BUS_ATA ? &c->ata : NULL;
	set_text(v, !id ? NULL
		    : !id->security_supported ? "none"
		    : id->security_count_expired ? "expired"
		    : id->security_locked ? "locked"
		    : id->security_frozen ? "frozen"
		    : id->security_enabled ? "enabled"
		    : "off");
}

static void v_hpa(const struct cli_drive *d, struct cli_col_value *v)
{
	const struct kesu_drive_caps *c = answered(d);
	bool known = c && c->bus == KESU_BUS_ATA && c->hpa_checked;
	set_number(v, known, known ? c->hpa_hidden_sectors : 0);
}

/* kesu list NAME, JSON key, kesu info label, help, type, flags, value,
 * JSON builder. The order is the JSON object's and kesu info's. */
#define S CLI_COL_STRING
#define N CLI_COL_NUMBER
#define B CLI_COL_BOOL
const struct cli_column cli_columns[] = {
	{"DEVICE", "path", NULL, N_("device node"), S, 0, v_path, NULL},
	{"NAME", "name", N_("name"), N_("kernel name"), S, 0, v_name, NULL},
	{"TRAN", "transport", N_("transport"), N_("transport: sata, sas, scsi, nvme, usb, mmc, virtio, loop, ..."),
	 S, 0, v_tran, NULL},
	{"VENDOR", "vendor", N_("vendor"), N_("vendor"), S, CLI_COL_TRUNC, v_vendor, NULL},
	{"MODEL", "model", N_("model"), N_("model"), S, CLI_COL_TRUNC, v_model, NULL},
	{"SERIAL", "serial", N_("serial"), N_("serial number"), S, CLI_COL_TRUNC | CLI_COL_TRUNC_LAST, v_serial, NULL},
	{"FIRMWARE", "firmware", N_("firmware"), N_("firmware revision"), S, 0, v_firmware, NULL},
	{"WWN", "wwn", N_("wwn"), N_("world wide name"), S, 0, v_wwn, NULL},
	{"SIZE", "size", N_("size"), N_("size, binary multiples"), CLI_COL_SIZE, 0, v_size, NULL},
	{"BYTES", NULL, NULL, N_("size in bytes"), N, 0, v_size, NULL},
	{"LOG-SEC", "logical_sector_size", N_("logical sector"), N_("logical sector size"), N, 0, v_lsec, NULL},
	{"PHY-SEC", "physical_sector_size", N_("physical sector"), N_("physical sector size"), N, 0, v_psec, NULL},
	{"TYPE", "media_type", N_("media"), N_("media: HDD, SSD, loop, file or unknown"), S, 0, v_media, NULL},
	{NULL, "rotational", N_("rotational"), N_("the kernel's queue/rotational"), B, 0, v_rota, NULL},
	{"RM", "removable", N_("removable"), N_("removable (1/0)"), B, 0, v_rm, NULL},
	{"RO", "read_only", N_("read-only"), N_("read-only (1/0)"), B, 0, v_ro, NULL},
	{"BACKING", "backing_file", N_("backing file"), N_("loop devices: backing file"), S, CLI_COL_IF_KNOWN,
	 v_backing, NULL},
	{NULL, NULL, N_("partition of"), N_("partitions: the whole disk"), S, CLI_COL_IF_KNOWN, v_parent, NULL},
	{NULL, "contents_readable", NULL, N_("kesu could look for partitions and filesystems"), B, 0,
	 v_readable, NULL},
	{"PTTYPE", "partition_table", NULL, N_("partition table type"), S, 0, v_ptable, NULL},
	{NULL, "signature", NULL, N_("signature on the whole device"), S, 0, v_signature, NULL},
	{"PARTS", NULL, NULL, N_("number of partitions"), N, 0, v_nparts, NULL},
	{"FSTYPES", NULL, NULL, N_("filesystems and signatures found"), S, 0, v_fstypes, NULL},
	{NULL, "partitions", NULL, N_("partition objects, in disk order"), CLI_COL_ARRAY, 0, NULL,
	 cli_json_partitions},
	{"MOUNTS", "mounts", NULL, N_("mount points on the drive"), CLI_COL_LIST, 0, v_mounts, NULL},
	{"HOLDERS", "holders", NULL, N_("devices standing on the drive"), CLI_COL_LIST, 0, v_holders, NULL},
	{NULL, "swap", NULL, N_("active swap is on the drive"), B, 0, v_swap, NULL},
	{NULL, "in_use", NULL, N_("mounted, held, swap, busy or SYSTEM"), B, 0, v_in_use, NULL},
	{NULL, "system", NULL, N_("holds the running system"), B, 0, v_system, NULL},
	{NULL, "system_reasons", NULL, N_("why it holds the running system"), CLI_COL_ARRAY, 0, NULL,
	 cli_json_system_reasons},
	{"STATE", "state", NULL, N_("SYSTEM, swap, mounted, held, busy or free"), S, 0, v_state, NULL},
	{"REASON", "state_reason", NULL, N_("why STATE holds through the stack; busy: the program"), S, 0,
	 v_reason, NULL},
	{NULL, "stack", NULL, N_("what the drive inherits through the stack"), CLI_COL_OBJECT, 0, NULL,
	 cli_json_stack},
	{"HEALTH", NULL, NULL, N_("SMART overall health"), S, 0, v_health, NULL},
	{"HOURS", NULL, NULL, N_("SMART power-on hours"), N, 0, v_hours, NULL},
	{"REALLOC", NULL, NULL, N_("SMART reallocated sectors"), N, 0, v_realloc, NULL},
	{NULL, "smart", NULL, N_("SMART health"), CLI_COL_OBJECT, 0, NULL, cli_json_smart},
	{NULL, "capabilities", NULL, N_("what kesu can do to erase the drive"), CLI_COL_OBJECT, 0, NULL,
	 cli_json_capabilities},
	{"PURGE", NULL, NULL, N_("auto-purge: the firmware method kesu would choose"), S, CLI_COL_ASKS,
	 v_purge, NULL},
	{"SECURITY", NULL, NULL, N_("ATA security: off, frozen, enabled, locked, expired, none"), S,
	 CLI_COL_ASKS, v_security, NULL},
	{"HPA", NULL, NULL, N_("sectors an ATA Host Protected Area hides"), N, CLI_COL_ASKS, v_hpa, NULL},
	{NULL, "firmware_erase", NULL, N_("what the drive says about erasing itself"), CLI_COL_OBJECT,
	 CLI_COL_ASKS, NULL, cli_json_firmware_erase},
};
#undef S
#undef N
#undef B
const size_t cli_ncolumns = sizeof(cli_columns) / sizeof(cli_columns[0]);

const struct cli_column *cli_column_find(const char *name)
{
	for (size_t i = 0; i < cli_ncolumns; i++)
		if (cli_columns[i].name && strcasecmp(name, cli_columns[i].name) == 0)
			return &cli_columns[i];
	return NULL;
}

static void column_value(const struct cli_column *c, const struct cli_drive *d, struct cli_col_value *v)
{
	memset(v, 0, sizeof(*v));
	if (c->value)
		c->value(d, v);
}

static void join(const struct cli_col_value *v, const char *sep, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v->count && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? sep : "",
					 v->items + i * v->stride);
}

/* The value as the table shows it; sep joins a LIST. */
static void render(const struct cli_column *c, const struct cli_col_value *v, const char *sep,
		   char *buf, size_t size)
{
	switch (c->type) {
	case CLI_COL_SIZE: cli_format_size(v->number, buf, size); break;
	case CLI_COL_NUMBER: snprintf(buf, size, "%llu", v->number); break;
	case CLI_COL_BOOL: snprintf(buf, size, "%s", v->yes ? "1" : "0"); break;
	case CLI_COL_LIST: join(v, sep, buf, size); break;
	default: snprintf(buf, size, "%s", v->text ? v->text : ""); break;
	}
}

void cli_column_text(const struct cli_column *c, const struct cli_drive *d, char *buf, size_t size)
{
	struct cli_col_value v;
	column_value(c, d, &v);
	if (v.known)
		render(c, &v, ",", buf, size);
	else
		snprintf(buf, size, "-");
}

bool cli_column_info(const struct cli_column *c, const struct cli_drive *d, char *buf, size_t size)
{
	struct cli_col_value v;
	column_value(c, d, &v);
	buf[0] = '\0';
	if (!v.known)
		return !(c->flags & CLI_COL_IF_KNOWN);
	if (c->type == CLI_COL_BOOL) {
		snprintf(buf, size, "%s", v.yes ? _("yes") : _("no")); /* kesu info: for people */
	} else if (c->type == CLI_COL_SIZE) {
		char human[32];
		cli_format_size(v.number, human, sizeof(human));
		snprintf(buf, size, C_("size", "%llu bytes (%s)"), v.number, human);
	} else {
		render(c, &v, ", ", buf, size);
	}
	return true;
}

struct json_object *cli_column_json(const struct cli_column *c, const struct cli_drive *d)
{
	if (c->json)
		return c->json(d);
	struct cli_col_value v;
	column_value(c, d, &v);
	switch (c->type) {
	case CLI_COL_NUMBER:
	case CLI_COL_SIZE: return v.known ? json_object_new_uint64(v.number) : NULL;
	case CLI_COL_BOOL: return v.known ? json_object_new_boolean(v.yes) : NULL;
	case CLI_COL_LIST: {
		struct json_object *a = json_object_new_array();
		for (size_t i = 0; i < v.count; i++)
			json_object_array_add(a, json_object_new_string(v.items + i * v.stride));
		return a;
	}
	default: return v.known ? json_object_new_string(v.text) : NULL;
	}
}

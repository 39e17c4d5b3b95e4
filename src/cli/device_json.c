/* The JSON form of a device. Field names are stable and documented in
 * docs/formats.md; unknown facts are null, never guessed. Which members
 * there are, in which order, comes from the column table
 * (device_columns.c); the members built whole are here. */
#include <string.h>

#include "cli.h"
#include "device_columns.h"
#include "kesu/firmware.h"
#include "kesu/purge.h"

static struct json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

static struct json_object *tristate(enum kesu_tristate t)
{
	return t == KESU_UNKNOWN ? NULL : json_object_new_boolean(t == KESU_YES);
}

static struct json_object *count_or_null(long long v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

struct json_object *cli_json_partitions(const struct cli_drive *d)
{
	const struct kesu_device *dev = d->dev;
	struct json_object *parts = json_object_new_array();
	for (size_t i = 0; i < dev->nparts; i++) {
		const struct kesu_partition *p = &dev->parts[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(p->name));
		json_object_object_add(o, "start", json_object_new_uint64(p->start));
		json_object_object_add(o, "size", json_object_new_uint64(p->size));
		json_object_object_add(o, "fstype", str_or_null(p->fstype));
		json_object_object_add(o, "label", str_or_null(p->label));
		json_object_object_add(o, "uuid", str_or_null(p->uuid));
		json_object_array_add(parts, o);
	}
	return parts;
}

struct json_object *cli_json_system_reasons(const struct cli_drive *d)
{
	unsigned reasons = d->dev->system_reasons;
	static const struct { unsigned bit; const char *name; } names[] = {
		{KESU_SYS_ROOT, "root"}, {KESU_SYS_BOOT, "boot"}, {KESU_SYS_EFI, "efi"},
		{KESU_SYS_USR, "usr"}, {KESU_SYS_SWAP, "swap"}, {KESU_SYS_BOOT_MEDIUM, "boot-medium"},
	};
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (reasons & names[i].bit)
			json_object_array_add(a, json_object_new_string(names[i].name));
	return a;
}

struct json_object *cli_json_capabilities(const struct cli_drive *d)
{
	const struct kesu_erase_caps *c = &d->dev->caps;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "overwrite", tristate(c->overwrite));
	json_object_object_add(o, "discard", tristate(c->discard));
	json_object_object_add(o, "secure_discard", tristate(c->secure_discard));
	json_object_object_add(o, "write_zeroes", tristate(c->write_zeroes));
	json_object_object_add(o, "ata_security", tristate(c->ata_security));
	json_object_object_add(o, "ata_sanitize", tristate(c->ata_sanitize));
	json_object_object_add(o, "nvme_format", tristate(c->nvme_format));
	json_object_object_add(o, "nvme_sanitize", tristate(c->nvme_sanitize));
	json_object_object_add(o, "scsi_sanitize", tristate(c->scsi_sanitize));
	json_object_object_add(o, "hpa_present", tristate(c->hpa_present));
	return o;
}

struct json_object *cli_json_smart(const struct cli_drive *d)
{
	const struct kesu_smart *s = &d->dev->smart;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "available", tristate(s->available));
	json_object_object_add(o, "healthy", tristate(s->healthy));
	json_object_object_add(o, "power_on_hours", count_or_null(s->power_on_hours));
	json_object_object_add(o, "reallocated_sectors", count_or_null(s->reallocated_sectors));
	json_object_object_add(o, "temperature_c", count_or_null(s->temperature_c));
	return o;
}

static struct json_object *bool_if(bool known, bool value)
{
	return known ? json_object_new_boolean(value) : NULL;
}

static struct json_object *u64_if(bool known, uint64_t value)
{
	return known ? json_object_new_uint64(value) : NULL;
}

static const char *bus_id(enum kesu_purge_bus bus)
{
	switch (bus) {
	case KESU_BUS_ATA: return "ata";
	case KESU_BUS_NVME: return "nvme";
	case KESU_BUS_SCSI: return "scsi";
	case KESU_BUS_OTHER: break;
	}
	return NULL;
}

static const char *sanitize_status_id(enum kesu_nvme_sanitize_status s)
{
	switch (s) {
	case KESU_NVME_SANITIZE_NEVER: return "never";
	case KESU_NVME_SANITIZE_COMPLETED: return "completed";
	case KESU_NVME_SANITIZE_IN_PROGRESS: return "in_progress";
	case KESU_NVME_SANITIZE_FAILED: return "failed";
	case KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC: return "completed_no_dealloc";
	}
	return NULL;
}

/* The firmware_erase object: every fact the drive gave about erasing
 * itself (docs/formats.md). caps NULL or not queried: everything null but
 * queried (false) and error (why). */
static struct json_object *firmware_json(const struct kesu_drive_caps *caps, const char *why)
{
	static const struct kesu_drive_caps none = {.bus = KESU_BUS_OTHER};
	bool q = caps && caps->queried;
	if (!q && caps && caps->error[0] && (!why || !why[0]))
		why = caps->error;
	if (!q)
		caps = &none;
	bool ata = q && caps->bus == KESU_BUS_ATA, nvme = q && caps->bus == KESU_BUS_NVME,
	     scsi = q && caps->bus == KESU_BUS_SCSI;
	const struct kesu_ata_identify *id = &caps->ata;
	const struct kesu_nvme_id_ctrl *nc = &caps->nvme_ctrl;
	const struct kesu_nvme_sanitize_log *log = &caps->nvme_sanitize_log;
	bool sec = ata && id->security_supported, san = ata && id->sanitize_supported;
	bool logv = nvme && caps->nvme_sanitize_log_valid;

	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "queried", json_object_new_boolean(q));
	json_object_object_add(o, "error", q ? NULL : str_or_null(why && why[0] ? why : "not asked"));
	json_object_object_add(o, "bus", q ? str_or_null(bus_id(caps->bus)) : NULL);
	json_object_object_add(o, "rotational", bool_if(q, caps->purge.rotational == KESU_YES));
	json_object_object_add(o, "usb_bridge", bool_if(q, caps->purge.usb_bridge == KESU_YES));
	/* ATA: IDENTIFY word 128 (security), 89/90 (times), 59 (sanitize), 217. */
	json_object_object_add(o, "ata_rotation_rate", u64_if(ata && id->rotation_rate, id->rotation_rate));
	json_object_object_add(o, "ata_security_supported", bool_if(ata, id->security_supported));
	json_object_object_add(o, "ata_security_enabled", bool_if(sec, id->security_enabled));
	json_object_object_add(o, "ata_security_locked", bool_if(sec, id->security_locked));
	json_object_object_add(o, "ata_security_frozen", bool_if(sec, id->security_frozen));
	json_object_object_add(o, "ata_security_count_expired", bool_if(sec, id->security_count_expired));
	json_object_object_add(o, "ata_enhanced_erase_supported", bool_if(sec, id->security_enhanced_supported));
	json_object_object_add(o, "ata_erase_minutes", u64_if(sec && id->erase_minutes, id->erase_minutes));
	json_object_object_add(o, "ata_enhanced_erase_minutes",
			       u64_if(sec && id->security_enhanced_supported && id->enhanced_erase_minutes,
				      id->enhanced_erase_minutes));
	json_object_object_add(o, "ata_sanitize_supported", bool_if(ata, id->sanitize_supported));
	json_object_object_add(o, "ata_sanitize_crypto", bool_if(ata, san && id->sanitize_crypto));
	json_object_object_add(o, "ata_sanitize_block", bool_if(ata, san && id->sanitize_block));
	json_object_object_add(o, "ata_sanitize_overwrite", bool_if(ata, san && id->sanitize_overwrite));
	json_object_object_add(o, "ata_sectors", u64_if(ata, id->sectors));
	json_object_object_add(o, "native_sectors", u64_if(ata && caps->hpa_checked, caps->native_sectors));
	json_object_object_add(o, "hpa_hidden_sectors", u64_if(ata && caps->hpa_checked, caps->hpa_hidden_sectors));
	json_object_object_add(o, "dco_sectors", u64_if(ata && caps->dco_checked, caps->dco_sectors));
	json_object_object_add(o, "dco_hidden_sectors", u64_if(ata && caps->dco_checked, caps->dco_hidden_sectors));
	/* NVMe: OACS, FNA, SANICAP, the Sanitize Status log. */
	json_object_object_add(o, "nvme_nsid", u64_if(nvme && caps->nsid, caps->nsid)); /* null: unknown */
	json_object_object_add(o, "nvme_format", bool_if(nvme, nc->format));
	json_object_object_add(o, "nvme_format_crypto", bool_if(nvme, nc->format && nc->format_crypto_erase));
	json_object_object_add(o, "nvme_format_all_namespaces", bool_if(nvme, nc->format_all_namespaces));
	json_object_object_add(o, "nvme_secure_erase_all_namespaces",
			       bool_if(nvme, nc->secure_erase_all_namespaces));
	json_object_object_add(o, "nvme_sanitize_crypto", bool_if(nvme, nc->sanitize_crypto));
	json_object_object_add(o, "nvme_sanitize_block", bool_if(nvme, nc->sanitize_block));
	json_object_object_add(o, "nvme_sanitize_overwrite", bool_if(nvme, nc->sanitize_overwrite));
	json_object_object_add(o, "nvme_sanitize_status", logv ? str_or_null(sanitize_status_id(log->status)) : NULL);
	json_object_object_add(o, "nvme_sanitize_progress",
			       logv && log->status == KESU_NVME_SANITIZE_IN_PROGRESS
				       ? json_object_new_double(kesu_nvme_sanitize_permille(log) / 10.0)
				       : NULL);
	json_object_object_add(o, "nvme_global_data_erased", bool_if(logv, log->global_data_erased));
	/* SCSI: REPORT SUPPORTED OPERATION CODES. */
	json_object_object_add(o, "scsi_sanitize_overwrite", scsi ? tristate(caps->purge.scsi_sanitize_overwrite) : NULL);
	json_object_object_add(o, "scsi_sanitize_block", scsi ? tristate(caps->purge.scsi_sanitize_block) : NULL);
	json_object_object_add(o, "scsi_sanitize_crypto", scsi ? tristate(caps->purge.scsi_sanitize_crypto) : NULL);
	/* auto-purge over what the drive said. */
	struct kesu_purge_choice choice = {0};
	bool chose = q && kesu_purge_choose(caps, &choice) == 0;
	json_object_object_add(o, "auto_purge", chose ? str_or_null(choice.method_id) : NULL);
	json_object_object_add(o, "nist_level", chose ? json_object_new_string(kesu_nist_level_name(choice.level)) : NULL);
	json_object_object_add(o, "auto_purge_reason", q ? str_or_null(choice.reason) : NULL);
	return o;
}

struct json_object *cli_json_firmware_erase(const struct cli_drive *d)
{
	return d->caps ? firmware_json(d->caps, d->why) : NULL;
}

const char *cli_device_state_reason(const struct kesu_device *dev)
{
	static const char *const words[KESU_STACK_KINDS] = {"SYSTEM", "swap", "mounted", "held"};
	const char *state = cli_device_state(dev);
	for (int k = 0; k < KESU_STACK_KINDS; k++)
		if (!strcmp(state, words[k]))
			return dev->stack[k];
	return dev->busy ? dev->busy_by : ""; /* busy: the program, "python3 (pid 42)" */
}

struct json_object *cli_json_stack(const struct cli_drive *d)
{
	static const char *const kinds[KESU_STACK_KINDS] = {"system", "swap", "mounted", "held"};
	struct json_object *stack = json_object_new_object();
	for (int k = 0; k < KESU_STACK_KINDS; k++)
		json_object_object_add(stack, kinds[k], str_or_null(d->dev->stack[k]));
	return stack;
}

/* Every member the column table gives a key, in its order. */
static struct json_object *device_object(const struct cli_drive *d)
{
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; i < cli_ncolumns; i++)
		if (cli_columns[i].key)
			json_object_object_add(o, cli_columns[i].key, cli_column_json(&cli_columns[i], d));
	return o;
}

/* firmware_erase is null: only kesu list and kesu info ask the drive. */
struct json_object *cli_device_json(const struct kesu_device *dev)
{
	struct cli_drive d = {.dev = dev};
	return device_object(&d);
}

struct json_object *cli_device_json_firmware(const struct kesu_device *dev,
					     const struct kesu_drive_caps *caps, const char *why)
{
	static const struct kesu_drive_caps none = {.bus = KESU_BUS_OTHER};
	struct cli_drive d = {.dev = dev, .caps = caps ? caps : &none, .why = why};
	return device_object(&d);
}

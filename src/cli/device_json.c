/* The JSON form of a device. Field names are stable and documented in
 * docs/formats.md; unknown facts are null, never guessed. */
#include <string.h>

#include "cli.h"
#include "kesu/firmware.h"
#include "kesu/purge.h"

/* Declared in cli.h once it has them; cmd_info.c and cmd_list.c call it. */

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

static struct json_object *partitions_json(const struct kesu_device *dev)
{
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

static struct json_object *system_json(unsigned reasons)
{
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

static struct json_object *caps_json(const struct kesu_erase_caps *c)
{
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

static struct json_object *smart_json(const struct kesu_smart *s)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "available", tristate(s->available));
	json_object_object_add(o, "healthy", tristate(s->healthy));
	json_object_object_add(o, "power_on_hours", count_or_null(s->power_on_hours));
	json_object_object_add(o, "reallocated_sectors", count_or_null(s->reallocated_sectors));
	json_object_object_add(o, "temperature_c", count_or_null(s->temperature_c));
	return o;
}

static struct json_object *string_array(const char (*items)[64], size_t n)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(items[i]));
	return a;
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
	json_object_object_add(o, "nvme_nsid", u64_if(nvme, caps->nsid));
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

struct json_object *cli_device_json_firmware(const struct kesu_device *dev,
					     const struct kesu_drive_caps *caps, const char *why)
{
	struct json_object *o = cli_device_json(dev);
	json_object_object_add(o, "firmware_erase", firmware_json(caps, why));
	return o;
}

const char *cli_device_state_reason(const struct kesu_device *dev)
{
	static const char *const words[KESU_STACK_KINDS] = {"SYSTEM", "swap", "mounted", "held"};
	const char *state = cli_device_state(dev);
	for (int k = 0; k < KESU_STACK_KINDS; k++)
		if (!strcmp(state, words[k]))
			return dev->stack[k];
	return "";
}

struct json_object *cli_device_json(const struct kesu_device *dev)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "path", json_object_new_string(dev->path));
	json_object_object_add(o, "name", json_object_new_string(dev->name));
	json_object_object_add(o, "transport", json_object_new_string(kesu_transport_name(dev->transport)));
	json_object_object_add(o, "vendor", str_or_null(dev->vendor));
	json_object_object_add(o, "model", str_or_null(dev->model));
	json_object_object_add(o, "serial", str_or_null(dev->serial));
	json_object_object_add(o, "firmware", str_or_null(dev->firmware));
	json_object_object_add(o, "wwn", str_or_null(dev->wwn));
	json_object_object_add(o, "size", json_object_new_uint64(dev->size));
	json_object_object_add(o, "logical_sector_size",
			       dev->logical_sector ? json_object_new_int(dev->logical_sector) : NULL);
	json_object_object_add(o, "physical_sector_size",
			       dev->physical_sector ? json_object_new_int(dev->physical_sector) : NULL);
	json_object_object_add(o, "media", json_object_new_string(kesu_media_name(dev)));
	json_object_object_add(o, "rotational", tristate(dev->rotational));
	json_object_object_add(o, "removable", tristate(dev->removable));
	json_object_object_add(o, "read_only", tristate(dev->read_only));
	json_object_object_add(o, "backing_file", str_or_null(dev->backing_file));
	json_object_object_add(o, "contents_readable", json_object_new_boolean(dev->contents_error == 0));
	json_object_object_add(o, "partition_table", str_or_null(dev->ptable));
	json_object_object_add(o, "signature", str_or_null(dev->fstype));
	json_object_object_add(o, "partitions", partitions_json(dev));
	struct json_object *mounts = json_object_new_array();
	for (size_t i = 0; i < dev->nmounts; i++)
		json_object_array_add(mounts, json_object_new_string(dev->mounts[i]));
	json_object_object_add(o, "mounts", mounts);
	json_object_object_add(o, "holders", string_array(dev->holders, dev->nholders));
	json_object_object_add(o, "swap", json_object_new_boolean(dev->swap_active));
	json_object_object_add(o, "in_use", json_object_new_boolean(kesu_device_in_use(dev)));
	json_object_object_add(o, "system", json_object_new_boolean(dev->system_reasons != 0));
	json_object_object_add(o, "system_reasons", system_json(dev->system_reasons));
	json_object_object_add(o, "state", json_object_new_string(cli_device_state(dev)));
	json_object_object_add(o, "state_reason", str_or_null(cli_device_state_reason(dev)));
	struct json_object *stack = json_object_new_object();
	static const char *const kinds[KESU_STACK_KINDS] = {"system", "swap", "mounted", "held"};
	for (int k = 0; k < KESU_STACK_KINDS; k++)
		json_object_object_add(stack, kinds[k], str_or_null(dev->stack[k]));
	json_object_object_add(o, "stack", stack);
	json_object_object_add(o, "smart", smart_json(&dev->smart));
	json_object_object_add(o, "capabilities", caps_json(&dev->caps));
	/* Only kesu list and kesu info ask the drive (cli_device_json_firmware). */
	json_object_object_add(o, "firmware_erase", NULL);
	return o;
}

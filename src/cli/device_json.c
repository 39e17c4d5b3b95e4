/* The JSON form of a device. Field names are stable and documented in
 * docs/formats.md; unknown facts are null, never guessed. */
#include "cli.h"

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
	json_object_object_add(o, "smart", smart_json(&dev->smart));
	json_object_object_add(o, "capabilities", caps_json(&dev->caps));
	return o;
}

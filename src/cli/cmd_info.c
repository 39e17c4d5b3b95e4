/* kesu info DEVICE: everything known about one drive. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void field(const char *key, const char *value)
{
	printf("  %-22s %s\n", key, value && value[0] ? value : "unknown");
}

static void field_tri(const char *key, enum kesu_tristate t)
{
	field(key, cli_tristate(t));
}

static void print_identity(const struct kesu_device *d)
{
	char buf[128], size[32];
	printf("%s\n", d->path);
	field("transport", kesu_transport_name(d->transport));
	field("vendor", d->vendor);
	field("model", d->model);
	field("serial", d->serial);
	field("firmware", d->firmware);
	field("wwn", d->wwn);
	cli_format_size(d->size, size, sizeof(size));
	snprintf(buf, sizeof(buf), "%llu bytes (%s)", (unsigned long long)d->size, size);
	field("size", buf);
	snprintf(buf, sizeof(buf), "%u", d->logical_sector);
	field("logical sector", d->logical_sector ? buf : NULL);
	snprintf(buf, sizeof(buf), "%u", d->physical_sector);
	field("physical sector", d->physical_sector ? buf : NULL);
	field("media", kesu_media_name(d));
	field_tri("removable", d->removable);
	field_tri("read-only", d->read_only);
	if (d->backing_file[0])
		field("backing file", d->backing_file);
	if (d->parent[0])
		field("partition of", d->parent);
}

static void print_contents(const struct kesu_device *d)
{
	char size[32];
	printf("Contents\n");
	if (d->contents_error) {
		char why[160];
		snprintf(why, sizeof(why), "unknown (cannot read the drive: %s)", kesu_strerror(d->contents_error));
		field("partition table", why);
		return;
	}
	field("partition table", d->ptable[0] ? d->ptable : "none found");
	if (d->fstype[0])
		field("signature", d->fstype);
	for (size_t i = 0; i < d->nparts; i++) {
		const struct kesu_partition *p = &d->parts[i];
		char line[1024];
		cli_format_size(p->size, size, sizeof(size));
		snprintf(line, sizeof(line), "%s %s%s%s", size, p->fstype[0] ? p->fstype : "(no filesystem)",
			 p->label[0] ? " label=" : "", p->label);
		field(p->name, line);
	}
}

static void print_use(const struct kesu_device *d)
{
	char line[4096];
	size_t used = 0;
	printf("Use\n");
	field("state", cli_device_state(d));
	line[0] = '\0';
	for (size_t i = 0; i < d->nmounts && used < sizeof(line); i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", i ? ", " : "", d->mounts[i]);
	field("mounted on", d->nmounts ? line : "nothing");
	used = 0;
	line[0] = '\0';
	for (size_t i = 0; i < d->nholders && used < sizeof(line); i++)
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", i ? ", " : "", d->holders[i]);
	field("holders", d->nholders ? line : "none");
	field("active swap", d->swap_active ? "yes" : "no");
	struct kesu_gate_verdict v;
	bool ok = kesu_gate_judge(d, false, &v);
	field("safety gate", ok ? "would accept" : v.refusals ? "refuses" : "warns");
	if (v.reason[0])
		field("reason", v.reason);
}

static void print_health(const struct kesu_device *d)
{
	char buf[32];
	printf("Health (SMART)\n");
	field_tri("available", d->smart.available);
	field("overall", d->smart.healthy == KESU_YES ? "PASSED" : d->smart.healthy == KESU_NO ? "FAILING" : NULL);
	snprintf(buf, sizeof(buf), "%lld", (long long)d->smart.power_on_hours);
	field("power-on hours", d->smart.power_on_hours >= 0 ? buf : NULL);
	snprintf(buf, sizeof(buf), "%lld", (long long)d->smart.reallocated_sectors);
	field("reallocated sectors", d->smart.reallocated_sectors >= 0 ? buf : NULL);
	snprintf(buf, sizeof(buf), "%lld C", (long long)d->smart.temperature_c);
	field("temperature", d->smart.temperature_c >= 0 ? buf : NULL);
}

static void print_erasure(const struct kesu_device *d)
{
	const struct kesu_erase_caps *c = &d->caps;
	printf("Erasure\n");
	field_tri("overwrite", c->overwrite);
	field_tri("discard", c->discard);
	field_tri("secure discard", c->secure_discard);
	field_tri("write zeroes", c->write_zeroes);
	field_tri("ATA security erase", c->ata_security);
	field_tri("ATA sanitize", c->ata_sanitize);
	field_tri("NVMe format", c->nvme_format);
	field_tri("NVMe sanitize", c->nvme_sanitize);
	field_tri("SCSI sanitize", c->scsi_sanitize);
	field_tri("HPA/DCO present", c->hpa_present);
}

static void info_usage(FILE *out)
{
	fputs("Usage: kesu info [--json] DEVICE\n\n"
	      "Everything kesu knows about one drive (a block device or an image file):\n"
	      "identity, geometry, contents, use, health and erase capabilities.\n"
	      "A fact that could not be read says \"unknown\".\n\n"
	      "  -J, --json   the same facts as JSON (docs/formats.md)\n"
	      "  -h, --help   this help\n",
	      out);
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'J'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	bool json = false;
	int c;
	while ((c = getopt_long(argc, argv, "Jh", opts, NULL)) != -1) {
		switch (c) {
		case 'J': json = true; break;
		case 'h': info_usage(stdout); return KESU_EXIT_OK;
		default: info_usage(stderr); return KESU_EXIT_USAGE;
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
		cli_error("%s: %s", path, rc == -ENOTBLK ? "neither a block device nor a regular image file"
							 : kesu_strerror(rc));
		free(dev);
		return rc == -ENOTBLK ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	if (json) {
		struct json_object *doc = cli_device_json(dev);
		json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		print_identity(dev);
		print_contents(dev);
		print_use(dev);
		print_health(dev);
		print_erasure(dev);
	}
	free(dev);
	return KESU_EXIT_OK;
}

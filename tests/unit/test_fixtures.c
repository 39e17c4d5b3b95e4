/* Device probing against sysfs trees captured from QEMU devices (NVMe,
 * SATA HDD/SSD, USB, virtio-scsi, virtio-blk) and from loop devices: every
 * value the kernel showed (the case's EXPECT file) must come out. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/ata.h"
#include "kesu/error.h"
#include "probe.h"

#define FX KESU_FIXTURES

struct expect {
	char name[64], transport[16], model[128], serial[128], firmware[64], wwn[128];
	unsigned long long size;
	unsigned logical, physical;
	int rotational, removable;
};

static void read_expect(const char *fixture, struct expect *e)
{
	char path[512], line[512];
	snprintf(path, sizeof(path), FX "/sysfs/%s/EXPECT", fixture);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s missing", path);
	memset(e, 0, sizeof(*e));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		if (line[0] == '#' || !eq)
			continue;
		*eq = '\0';
		const char *v = eq + 1;
		if (!strcmp(line, "name")) snprintf(e->name, sizeof(e->name), "%s", v);
		else if (!strcmp(line, "transport")) snprintf(e->transport, sizeof(e->transport), "%s", v);
		else if (!strcmp(line, "model")) snprintf(e->model, sizeof(e->model), "%s", v);
		else if (!strcmp(line, "serial")) snprintf(e->serial, sizeof(e->serial), "%s", v);
		else if (!strcmp(line, "firmware")) snprintf(e->firmware, sizeof(e->firmware), "%s", v);
		else if (!strcmp(line, "wwn")) snprintf(e->wwn, sizeof(e->wwn), "%s", v);
		else if (!strcmp(line, "size_bytes")) e->size = strtoull(v, NULL, 10);
		else if (!strcmp(line, "logical_sector")) e->logical = (unsigned)atoi(v);
		else if (!strcmp(line, "physical_sector")) e->physical = (unsigned)atoi(v);
		else if (!strcmp(line, "rotational")) e->rotational = atoi(v);
		else if (!strcmp(line, "removable")) e->removable = atoi(v);
	}
	fclose(f);
}

static struct kesu_probe_env fixture_env(const char *fixture, const char *mountinfo, char *root, size_t size)
{
	snprintf(root, size, FX "/sysfs/%s", fixture);
	return (struct kesu_probe_env){
		.sysfs_root = root,
		.mountinfo = mountinfo,
		.swaps = FX "/proc/swaps-empty",
		.boot_medium = FX "/proc/no-such-file",
		.skip_smart = true,
		.skip_contents = true,
	};
}

static void probe_fixture(const char *fixture, const char *mountinfo, struct expect *e,
			  struct kesu_device *dev)
{
	char root[512];
	read_expect(fixture, e);
	struct kesu_probe_env env = fixture_env(fixture, mountinfo, root, sizeof(root));
	cr_assert_eq(Kesu_device_probe_block(e->name, &env, dev), 0, "%s: probe failed", fixture);
}

/* Criterion runs each parameter in a new process of a PIE binary, so the
 * parameter carries the name itself rather than a pointer to it. */
struct fixture_case {
	char name[32];
};

ParameterizedTestParameters(fixtures, identity_and_geometry)
{
	static struct fixture_case cases[] = {{"virtio"}, {"nvme"}, {"sata-hdd"}, {"sata-ssd"},
					      {"usb"}, {"scsi"}, {"loop"}, {"loop4k"},
					      {"host-loop"}, {"host-virtio-root"}};
	return cr_make_param_array(struct fixture_case, cases, sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct fixture_case *fc, fixtures, identity_and_geometry)
{
	const char *name = fc->name;
	const char **fixture = &name;
	struct expect e;
	struct kesu_device *d = malloc(sizeof(*d));
	probe_fixture(*fixture, FX "/proc/mountinfo-empty", &e, d);
	cr_expect_str_eq(kesu_transport_name(d->transport), e.transport, "%s transport", *fixture);
	cr_expect_str_eq(d->model, e.model, "%s model", *fixture);
	cr_expect_str_eq(d->serial, e.serial, "%s serial", *fixture);
	cr_expect_str_eq(d->firmware, e.firmware, "%s firmware", *fixture);
	/* lsblk's form of an NAA WWN: 0x + hex; NVMe wwid strings stay as they are. */
	char wwn[160];
	snprintf(wwn, sizeof(wwn), "%s%s", strncmp(e.wwn, "naa.", 4) ? "" : "0x",
		 strncmp(e.wwn, "naa.", 4) ? e.wwn : e.wwn + 4);
	cr_expect_str_eq(d->wwn, wwn, "%s wwn", *fixture);
	cr_expect_eq(d->size, e.size, "%s size", *fixture);
	cr_expect_eq(d->logical_sector, e.logical, "%s logical sector", *fixture);
	cr_expect_eq(d->physical_sector, e.physical, "%s physical sector", *fixture);
	cr_expect_eq(d->rotational, e.rotational ? KESU_YES : KESU_NO, "%s rotational", *fixture);
	cr_expect_eq(d->removable, e.removable ? KESU_YES : KESU_NO, "%s removable", *fixture);
	cr_expect_eq(d->system_reasons, 0u, "%s: nothing mounted, so not SYSTEM", *fixture);
	cr_expect_eq(d->read_only, KESU_NO, "%s read-only", *fixture);
	free(d);
}

Test(fixtures, partitions_come_from_sysfs)
{
	struct expect e;
	struct kesu_device *d = malloc(sizeof(*d));
	probe_fixture("virtio", FX "/proc/mountinfo-empty", &e, d);
	cr_assert_eq(d->nparts, 2);
	cr_expect_str_eq(d->parts[0].name, "vda1");
	cr_expect_str_eq(d->parts[1].name, "vda2");
	cr_expect_lt(d->parts[0].start, d->parts[1].start);
	cr_expect_gt(d->parts[0].size, 0);
	probe_fixture("nvme", FX "/proc/mountinfo-empty", &e, d);
	cr_assert_eq(d->nparts, 1);
	cr_expect_str_eq(d->parts[0].name, "nvme0n1p1");
	free(d);
}

Test(fixtures, root_and_efi_on_partitions_make_the_disk_system)
{
	struct expect e;
	struct kesu_device *d = malloc(sizeof(*d));
	probe_fixture("virtio", FX "/proc/mountinfo-virtio-root", &e, d);
	cr_expect_eq(d->system_reasons, (unsigned)(KESU_SYS_ROOT | KESU_SYS_EFI));
	cr_assert_eq(d->nmounts, 2);
	cr_expect_str_eq(d->mounts[0], "/");
	cr_expect_str_eq(d->mounts[1], "/boot/efi");
	probe_fixture("nvme", FX "/proc/mountinfo-virtio-root", &e, d);
	cr_expect_eq(d->system_reasons, 0u, "a data mount is not SYSTEM");
	cr_assert_eq(d->nmounts, 1);
	cr_expect_str_eq(d->mounts[0], "/mnt/data dir", "octal escapes in mountinfo are decoded");
	free(d);
}

Test(fixtures, sata_capabilities_come_from_identify_in_vpd89)
{
	struct expect e;
	struct kesu_device *d = malloc(sizeof(*d));
	probe_fixture("sata-ssd", FX "/proc/mountinfo-empty", &e, d);
	/* QEMU's AHCI disk implements neither feature set (docs/device-commands.md). */
	cr_expect_eq(d->caps.ata_security, KESU_NO);
	cr_expect_eq(d->caps.ata_sanitize, KESU_NO);
	probe_fixture("nvme", FX "/proc/mountinfo-empty", &e, d);
	cr_expect_eq(d->caps.ata_security, KESU_UNKNOWN, "not ATA: stays unknown");
	free(d);
}

static void load(const char *path, uint8_t *buf, size_t size)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fread(buf, 1, size, f), size);
	fclose(f);
}

Test(ata_identify, qemu_sata_disks)
{
	uint8_t data[512];
	struct kesu_ata_identify id;
	load(FX "/ata/sata-hdd.identify.bin", data, sizeof(data));
	cr_assert_eq(kesu_ata_identify_parse(data, &id), 0);
	cr_expect_str_eq(id.model, "KESU TEST HDD");
	cr_expect_str_eq(id.serial, "SATA-HDD-1");
	cr_expect_str_eq(id.wwn, "0x5000c500a1b2c3d4");
	cr_expect_eq(id.sectors, 67108864 / 512);
	cr_expect_eq(id.logical_sector, 512);
	cr_expect_eq(id.rotation_rate, 7200);
	cr_expect_not(id.security_supported);
	cr_expect_not(id.sanitize_supported);
	load(FX "/ata/sata-ssd.identify.bin", data, sizeof(data));
	cr_assert_eq(kesu_ata_identify_parse(data, &id), 0);
	cr_expect_str_eq(id.serial, "SATA-SSD-1");
	cr_expect_eq(id.rotation_rate, 1, "rotation_rate=1: a solid state drive");
}

Test(ata_identify, security_sanitize_and_checksum)
{
	uint8_t data[512];
	struct kesu_ata_identify id;
	load(FX "/ata/sata-hdd.identify.bin", data, sizeof(data));
	/* Word 128: supported, enabled, frozen, enhanced; word 89/90 times;
	 * word 59: sanitize with crypto and block erase. */
	data[256] = 0x2b; data[257] = 0x00;
	data[178] = 0x3c; data[179] = 0x00;         /* 60 units: 120 min */
	data[180] = 0x2c; data[181] = 0x81;         /* extended: 0x12c = 300 units */
	data[118] = 0x00; data[119] = 0xb0;         /* bits 12, 13, 15 */
	cr_assert_eq(kesu_ata_identify_parse(data, &id), 0);
	cr_expect(id.security_supported && id.security_enabled && id.security_frozen);
	cr_expect(!id.security_locked && !id.security_count_expired);
	cr_expect(id.security_enhanced_supported);
	cr_expect_eq(id.erase_minutes, 120);
	cr_expect_eq(id.enhanced_erase_minutes, 600);
	cr_expect(id.sanitize_supported && id.sanitize_crypto && id.sanitize_block);
	cr_expect_not(id.sanitize_overwrite);
	/* A checksum word that does not add up is rejected. */
	data[510] = 0xa5;
	data[511] = 0x00;
	uint8_t sum = 0;
	for (int i = 0; i < 511; i++)
		sum = (uint8_t)(sum + data[i]);
	data[511] = (uint8_t)(0x100 - sum);
	cr_expect_eq(kesu_ata_identify_parse(data, &id), 0, "a correct checksum is accepted");
	data[100] ^= 1;
	cr_expect_eq(kesu_ata_identify_parse(data, &id), -KESU_EPARSE);
}

/* The TYPE column: hard disk, flash, or a CD/DVD drive (which the kernel
 * also calls rotational, and which the live image boots from). */
Test(fixtures, media_names)
{
	struct kesu_device *d = calloc(1, sizeof(*d));
	d->transport = KESU_TRAN_SATA;
	d->rotational = KESU_YES;
	snprintf(d->name, sizeof(d->name), "sda");
	cr_expect_str_eq(kesu_media_name(d), "HDD");
	d->rotational = KESU_NO;
	cr_expect_str_eq(kesu_media_name(d), "SSD");
	d->rotational = KESU_UNKNOWN;
	cr_expect_str_eq(kesu_media_name(d), "unknown");
	d->rotational = KESU_YES;
	snprintf(d->name, sizeof(d->name), "sr0");
	cr_expect_str_eq(kesu_media_name(d), "optical");
	snprintf(d->name, sizeof(d->name), "srx"); /* not the sr driver's name */
	cr_expect_str_eq(kesu_media_name(d), "HDD");
	d->transport = KESU_TRAN_LOOP;
	cr_expect_str_eq(kesu_media_name(d), "loop");
	free(d);
}

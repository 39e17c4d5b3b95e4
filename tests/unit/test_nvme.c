/* NVMe Identify Controller / Namespace and Sanitize Status parsing, against
 * the QEMU 7.2 captures in tests/fixtures/nvme (what the kernel showed for
 * that device is in tests/fixtures/sysfs/nvme/EXPECT) and edited copies. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/nvme.h"
#include "kesu/firmware.h"
#include "kesu/purge.h"

static void load(const char *name, uint8_t buf[KESU_NVME_IDENTIFY_SIZE])
{
	char path[512];
	snprintf(path, sizeof(path), "%s/nvme/%s", KESU_FIXTURES, name);
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	cr_assert_eq(fread(buf, 1, KESU_NVME_IDENTIFY_SIZE, f), KESU_NVME_IDENTIFY_SIZE);
	fclose(f);
}

static void put16(uint8_t *d, unsigned off, unsigned v)
{
	d[off] = (uint8_t)v;
	d[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *d, unsigned off, uint32_t v)
{
	put16(d, off, v & 0xffff);
	put16(d, off + 2, v >> 16);
}

Test(nvme, qemu_identify_controller)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE];
	struct kesu_nvme_id_ctrl id;
	load("qemu.id-ctrl.bin", d);
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert_eq(id.vid, 0x1b36); /* Red Hat, as in the kernel's wwid nvme.1b36-... */
	cr_assert_eq(id.ssvid, 0x1af4);
	cr_assert_str_eq(id.serial, "NVME-SER-1");
	cr_assert_str_eq(id.model, "QEMU NVMe Ctrl");
	cr_assert_str_eq(id.firmware, "7.2.22");
	cr_assert_eq(id.version, 0x10400); /* NVMe 1.4 */
	/* QEMU 7.2: OACS 0x10a = Format NVM, Namespace Management, Doorbell
	 * Buffer Config; no FNA bits, no Sanitize. */
	cr_assert_eq(id.oacs, 0x010a);
	cr_assert(id.format);
	cr_assert(id.ns_management);
	cr_assert_not(id.security_commands);
	cr_assert_eq(id.fna, 0);
	cr_assert_not(id.format_crypto_erase);
	cr_assert_not(id.format_all_namespaces);
	cr_assert_not(id.secure_erase_all_namespaces);
	cr_assert_eq(id.sanicap, 0);
	cr_assert_not(id.sanitize_crypto || id.sanitize_block || id.sanitize_overwrite);
	cr_assert_eq(id.namespaces, 256);
}

Test(nvme, identify_controller_capability_bits)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE];
	struct kesu_nvme_id_ctrl id;
	load("qemu.id-ctrl.bin", d);

	d[524] = 1u << 0; /* FNA: format applies to all namespaces */
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert(id.format_all_namespaces);
	cr_assert_not(id.secure_erase_all_namespaces || id.format_crypto_erase);

	d[524] = 1u << 1; /* FNA: secure erase applies to all namespaces */
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert(id.secure_erase_all_namespaces);
	cr_assert_not(id.format_all_namespaces || id.format_crypto_erase);

	d[524] = 1u << 2; /* FNA: crypto erase via Format NVM */
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert(id.format_crypto_erase);
	cr_assert_not(id.format_all_namespaces || id.secure_erase_all_namespaces);

	/* Without Format NVM (OACS bit 1) the crypto erase bit means nothing. */
	put16(d, 256, 0x0108);
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert_not(id.format);
	cr_assert_not(id.format_crypto_erase);
	put16(d, 256, 0x0001);
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert(id.security_commands);

	put32(d, 328, 1u << 0);
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert(id.sanitize_crypto);
	cr_assert_not(id.sanitize_block || id.sanitize_overwrite);
	put32(d, 328, 1u << 1);
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert(id.sanitize_block);
	cr_assert_not(id.sanitize_crypto || id.sanitize_overwrite);
	put32(d, 328, 1u << 2);
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert(id.sanitize_overwrite);
	cr_assert_not(id.sanitize_crypto || id.sanitize_block);
	put32(d, 328, 1u << 29 | 2u << 30);
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	cr_assert(id.sanitize_no_dealloc_inhibited);
	cr_assert_eq(id.sanitize_nodmmas, 2);
	cr_assert_not(id.sanitize_crypto || id.sanitize_block || id.sanitize_overwrite);
}

Test(nvme, identify_controller_rejects_empty_data)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE] = {0};
	struct kesu_nvme_id_ctrl id;
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), -KESU_EPARSE);
}

Test(nvme, qemu_identify_namespace)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE];
	struct kesu_nvme_id_ns ns;
	load("qemu.id-ns.bin", d);
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), 0);
	/* EXPECT: size_bytes=67108864, logical_sector=512. */
	cr_assert_eq(ns.size, 131072);
	cr_assert_eq(ns.capacity, 131072);
	cr_assert_eq(ns.block_size, 512);
	cr_assert_eq(ns.size_bytes, 67108864);
	cr_assert_eq(ns.metadata_size, 0);
	cr_assert_eq(ns.nformats, 8);
	cr_assert_eq(ns.format_index, 0);
	/* QEMU's eight formats: 512 and 4096 bytes with 0, 8, 16, 64 bytes of metadata. */
	cr_assert_eq(ns.lbaf[3].data_size, 512);
	cr_assert_eq(ns.lbaf[3].metadata_size, 64);
	cr_assert_eq(ns.lbaf[4].data_size, 4096);
	cr_assert_eq(ns.lbaf[7].data_size, 4096);
	cr_assert_eq(ns.lbaf[7].metadata_size, 64);
	cr_assert_eq(ns.lbaf[8].data_size, 0);
	/* The capture gave nvme-ns eui64=0x6b65737500000001 and no NGUID. */
	cr_assert_str_eq(ns.eui64_hex, "6b65737500000001");
	cr_assert_str_empty(ns.nguid_hex);
}

Test(nvme, identify_namespace_current_format)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE];
	struct kesu_nvme_id_ns ns;
	load("qemu.id-ns.bin", d);

	d[26] = 4; /* FLBAS: format 4, 4096-byte blocks */
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), 0);
	cr_assert_eq(ns.block_size, 4096);
	cr_assert_eq(ns.size_bytes, 131072ull * 4096);

	d[26] = 0x10 | 1; /* format 1 (8 bytes of metadata), extended LBA */
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), 0);
	cr_assert_eq(ns.block_size, 512);
	cr_assert_eq(ns.metadata_size, 8);
	cr_assert(ns.metadata_extended);

	d[26] = 9; /* beyond NLBAF (7): corrupt */
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), -KESU_EPARSE);

	d[26] = 0;
	d[128 + 2] = 8; /* LBADS 8: 256-byte blocks are not allowed */
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), -KESU_EPARSE);
}

/* DPS (byte 29): the PI type and PIL that Format NVM must keep. */
Test(nvme, identify_namespace_protection)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE];
	struct kesu_nvme_id_ns ns;
	load("qemu.id-ns.bin", d);
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), 0);
	cr_assert(ns.protection_type == 0 && !ns.protection_first, "QEMU: no protection");
	d[29] = 0x0b; /* PI type 3, PIL first */
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), 0);
	cr_assert_eq(ns.protection_type, 3);
	cr_assert(ns.protection_first);
	d[29] = 0x02; /* type 2, PIL last */
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), 0);
	cr_assert_eq(ns.protection_type, 2);
	cr_assert(!ns.protection_first);
}

/* Identify CNS 02h: increasing NSIDs ended by 0. */
Test(nvme, active_namespace_list)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE];
	uint32_t ids[4];
	memset(d, 0, sizeof(d));
	cr_assert_eq(kesu_nvme_ns_list_parse(d, ids, 4), 0, "none");
	put32(d, 0, 1);
	put32(d, 4, 2);
	put32(d, 8, 7);
	cr_assert_eq(kesu_nvme_ns_list_parse(d, ids, 4), 3);
	cr_assert(ids[0] == 1 && ids[1] == 2 && ids[2] == 7);
	put32(d, 12, 9);
	put32(d, 16, 10);
	cr_assert_eq(kesu_nvme_ns_list_parse(d, ids, 4), -KESU_EPARSE, "more than max: not complete");
	put32(d, 16, 0);
	put32(d, 8, 2);
	cr_assert_eq(kesu_nvme_ns_list_parse(d, ids, 4), -KESU_EPARSE, "not increasing");
	put32(d, 8, 0xffffffff);
	cr_assert_eq(kesu_nvme_ns_list_parse(d, ids, 4), -KESU_EPARSE, "FFFFFFFFh is no namespace");
	memset(d, 0xff, sizeof(d));
	put32(d, 0, 5);
	put32(d, 4, 0);
	cr_assert_eq(kesu_nvme_ns_list_parse(d, ids, 4), 1, "what follows the 0 does not count");
}

Test(nvme, identify_namespace_high_format_bits)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE] = {0};
	struct kesu_nvme_id_ns ns;
	d[0] = 0x10;            /* NSZE 16 */
	d[25] = 19;             /* 20 formats */
	d[26] = 0x20 | 0x2;     /* bits 6:5 = 01 -> index 16 + 2 = 18 */
	d[128 + 18 * 4 + 2] = 12;
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), 0);
	cr_assert_eq(ns.format_index, 18);
	cr_assert_eq(ns.block_size, 4096);
	for (unsigned i = 0; i < 8; i++)
		d[104 + i] = (uint8_t)(0xa0 + i);
	d[25] = 7; /* with 8 formats bits 6:5 are reserved: index 2 */
	d[128 + 2 * 4 + 2] = 9;
	cr_assert_eq(kesu_nvme_id_ns_parse(d, &ns), 0);
	cr_assert_eq(ns.format_index, 2);
	cr_assert_eq(ns.block_size, 512);
	cr_assert_str_eq(ns.nguid_hex, "a0a1a2a3a4a5a6a70000000000000000");
}

Test(nvme, sanitize_log_in_progress)
{
	uint8_t d[KESU_NVME_SANITIZE_LOG_SIZE] = {0};
	struct kesu_nvme_sanitize_log log;
	put16(d, 0, 0x8000);            /* half done */
	put16(d, 2, 2);                 /* in progress */
	put32(d, 4, 2);                 /* SANACT 2: block erase */
	put32(d, 8, KESU_NVME_TIME_UNKNOWN);
	put32(d, 12, 120);
	put32(d, 16, 5);
	put32(d, 20, 0x11111111);
	put32(d, 24, 0x22222222);
	put32(d, 28, 0x33333333);
	cr_assert_eq(kesu_nvme_sanitize_log_parse(d, sizeof(d), &log), 0);
	cr_assert_eq(log.status, KESU_NVME_SANITIZE_IN_PROGRESS);
	cr_assert_eq(log.progress, 0x8000);
	cr_assert_eq(kesu_nvme_sanitize_permille(&log), 500);
	cr_assert_eq(log.cdw10, 2);
	cr_assert_eq(log.time_overwrite, KESU_NVME_TIME_UNKNOWN);
	cr_assert_eq(log.time_block_erase, 120);
	cr_assert_eq(log.time_crypto_erase, 5);
	cr_assert_eq(log.time_overwrite_nd, 0x11111111);
	cr_assert_eq(log.time_block_erase_nd, 0x22222222);
	cr_assert_eq(log.time_crypto_erase_nd, 0x33333333);
	cr_assert_str_eq(kesu_nvme_sanitize_status_name(log.status), "in progress");
}

Test(nvme, sanitize_log_status_values)
{
	uint8_t d[KESU_NVME_SANITIZE_LOG_SIZE] = {0};
	struct kesu_nvme_sanitize_log log;
	put16(d, 0, 0xffff);
	put16(d, 2, 1 | 3u << 3 | 1u << 8); /* completed, 3 passes, global data erased */
	cr_assert_eq(kesu_nvme_sanitize_log_parse(d, sizeof(d), &log), 0);
	cr_assert_eq(log.status, KESU_NVME_SANITIZE_COMPLETED);
	cr_assert_eq(log.overwrite_passes, 3);
	cr_assert(log.global_data_erased);
	cr_assert_eq(kesu_nvme_sanitize_permille(&log), 1000);

	put16(d, 2, 0);
	cr_assert_eq(kesu_nvme_sanitize_log_parse(d, sizeof(d), &log), 0);
	cr_assert_eq(log.status, KESU_NVME_SANITIZE_NEVER);
	cr_assert_eq(kesu_nvme_sanitize_permille(&log), 0);
	put16(d, 2, 3);
	cr_assert_eq(kesu_nvme_sanitize_log_parse(d, sizeof(d), &log), 0);
	cr_assert_eq(log.status, KESU_NVME_SANITIZE_FAILED);
	put16(d, 2, 4);
	cr_assert_eq(kesu_nvme_sanitize_log_parse(d, sizeof(d), &log), 0);
	cr_assert_eq(log.status, KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC);
	cr_assert_str_eq(kesu_nvme_sanitize_status_name(log.status), "completed without deallocation");

	put16(d, 2, 5); /* reserved */
	cr_assert_eq(kesu_nvme_sanitize_log_parse(d, sizeof(d), &log), -KESU_EPARSE);
	put16(d, 2, 1);
	cr_assert_eq(kesu_nvme_sanitize_log_parse(d, 31, &log), -KESU_EPARSE);
	cr_assert_eq(kesu_nvme_sanitize_log_parse(d, 32, &log), 0);
}

Test(nvme, purge_caps_from_qemu_controller)
{
	uint8_t d[KESU_NVME_IDENTIFY_SIZE];
	struct kesu_nvme_id_ctrl id;
	struct kesu_drive_caps drive = {.bus = KESU_BUS_NVME};
	struct kesu_erase_caps *caps = &drive.purge;
	struct kesu_purge_choice choice;
	load("qemu.id-ctrl.bin", d);
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	kesu_purge_caps_from_nvme(&id, caps);
	cr_assert_eq(caps->nvme_format, KESU_YES);
	cr_assert(caps->nvme_format_crypto == KESU_NO && caps->nvme_sanitize_block == KESU_NO &&
		  caps->nvme_sanitize_crypto == KESU_NO && caps->nvme_sanitize_overwrite == KESU_NO);
	/* QEMU 7.2 offers Format NVM only: auto-purge takes user-data erase. */
	cr_assert_eq(kesu_purge_choose(&drive, &choice), 0);
	cr_assert_str_eq(choice.method_id, "nvme-format-erase");

	put32(d, 328, 0x3); /* crypto + block */
	d[524] = 0x4;
	cr_assert_eq(kesu_nvme_id_ctrl_parse(d, &id), 0);
	kesu_purge_caps_from_nvme(&id, caps);
	cr_assert(caps->nvme_format_crypto == KESU_YES && caps->nvme_sanitize_block == KESU_YES &&
		  caps->nvme_sanitize_crypto == KESU_YES);
	cr_assert_eq(kesu_purge_choose(&drive, &choice), 0);
	cr_assert_str_eq(choice.method_id, "nvme-sanitize-block");
}

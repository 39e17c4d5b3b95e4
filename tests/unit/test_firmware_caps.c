/* What a drive says it can erase (kesu_drive_caps_query), whether a
 * firmware command may run (kesu_firmware_check), HPA removal
 * (kesu_hpa_restore) and password recovery (kesu_ata_unlock), against the
 * simulated drives of tests/sim/sim.h. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "sim.h"
#include "sim_criterion.h"

#define BYTES (64ull << 20)
#define SECTORS (BYTES / 512)

static int memfd;

static void setup(void)
{
	sim_criterion_init();
	memfd = memfd_create("kesu-caps", MFD_CLOEXEC);
	cr_assert(memfd >= 0);
	cr_assert(ftruncate(memfd, (off_t)BYTES) == 0);
}

static void teardown(void)
{
	close(memfd);
}

TestSuite(caps, .init = setup, .fini = teardown);

static struct kesu_device *new_dev(const char *name, enum kesu_transport t, enum kesu_tristate rot)
{
	static struct kesu_device dev;
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.name, sizeof(dev.name), "%s", name);
	snprintf(dev.path, sizeof(dev.path), "/dev/%s", name);
	dev.transport = t;
	dev.rotational = rot;
	dev.caps.ata_security = dev.caps.ata_sanitize = dev.caps.nvme_format = KESU_UNKNOWN;
	dev.caps.nvme_sanitize = dev.caps.scsi_sanitize = dev.caps.hpa_present = KESU_UNKNOWN;
	return &dev;
}

static struct sim_ata *ata(bool rotational)
{
	struct sim_ata *d = sim_ata_new(memfd, BYTES, rotational);
	cr_assert_not_null(d);
	return d;
}

static void query_ok(struct kesu_passthru *pt, struct kesu_device *dev, struct kesu_drive_caps *c)
{
	int rc = kesu_drive_caps_query(pt, dev, c);
	cr_assert_eq(rc, 0, "query: %d %s", rc, c->error);
	cr_assert(c->queried);
	cr_assert_str_empty(c->error);
}

/* ---- ATA ------------------------------------------------------------------ */

Test(caps, ata_ssd_security_and_sanitize)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_device *dev = new_dev("sda", KESU_TRAN_SATA, KESU_UNKNOWN);
	struct kesu_drive_caps c;
	query_ok(&pt, dev, &c);
	cr_assert_eq(c.bus, KESU_BUS_ATA);
	cr_assert_eq(c.bus, KESU_BUS_ATA);
	cr_assert(c.ata.security_supported && c.ata.security_enhanced_supported);
	cr_assert(!c.ata.security_enabled && !c.ata.security_frozen && !c.ata.security_locked);
	cr_assert_eq(c.ata.erase_minutes, 4);
	cr_assert_eq(c.ata.enhanced_erase_minutes, 6);
	cr_assert(c.purge.ata_sanitize_block == KESU_YES && c.purge.ata_sanitize_crypto == KESU_YES && c.purge.ata_sanitize_overwrite == KESU_YES);
	cr_assert(c.purge.ata_security == KESU_YES && c.purge.ata_security_enhanced == KESU_YES);
	cr_assert(c.purge.rotational == KESU_NO, "word 217 = 1: flash");
	cr_assert(c.purge.usb_bridge == KESU_NO);
	cr_assert_eq(c.ata.sectors, SECTORS);
	cr_assert(c.hpa_checked);
	cr_assert_eq(c.native_sectors, SECTORS);
	cr_assert_eq(c.hpa_hidden_sectors, 0);
	cr_assert(c.purge.hpa_present == KESU_NO);
	cr_assert(c.dco_checked);
	cr_assert_eq(c.dco_sectors, SECTORS);
	cr_assert_eq(c.dco_hidden_sectors, 0);
	/* The device's tristates. */
	cr_assert_eq(dev->caps.ata_security, KESU_YES);
	cr_assert_eq(dev->caps.ata_sanitize, KESU_YES);
	cr_assert_eq(dev->caps.nvme_format, KESU_NO);
	cr_assert_eq(dev->caps.nvme_sanitize, KESU_NO);
	cr_assert_eq(dev->caps.scsi_sanitize, KESU_NO);
	cr_assert_eq(dev->caps.hpa_present, KESU_NO);
	/* What was sent: IDENTIFY, READ NATIVE MAX EXT, DCO IDENTIFY, SANITIZE
	 * STATUS EXT (is sanitize frozen?); nothing else. */
	cr_assert_eq(d->ncmds, 4);
	cr_assert_eq(d->opcodes[0], KESU_ATA_IDENTIFY);
	cr_assert_eq(d->opcodes[1], KESU_ATA_READ_NATIVE_MAX_EXT);
	cr_assert_eq(d->opcodes[2], KESU_ATA_DEVICE_CONFIGURATION);
	cr_assert_eq(d->opcodes[3], KESU_ATA_SANITIZE);
	cr_assert_eq(c.ata_sanitize_frozen, KESU_NO);

	struct kesu_purge_choice ch;
	cr_assert_eq(kesu_purge_choose(&c, &ch), 0);
	cr_assert_str_eq(ch.method_id, "ata-sanitize-block");

	char why[512];
	for (int cmd = KESU_FW_ATA_SECURITY_ERASE; cmd <= KESU_FW_ATA_SANITIZE_OVERWRITE; cmd++)
		cr_assert_eq(kesu_firmware_check((enum kesu_firmware_command)cmd, &c, false, NULL, why, sizeof(why)),
			     0, "%s: %s", kesu_firmware_command_name((enum kesu_firmware_command)cmd), why);
	sim_ata_free(d);
}

/* Issue 20: SANITIZE FREEZE LOCK seen in the query refuses every sanitize
 * method before anything is sent; Security Erase is not affected. */
Test(caps, ata_sanitize_frozen_is_refused_before_sending)
{
	struct sim_ata *d = ata(false);
	d->san_frozen = true;
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("sda", KESU_TRAN_SATA, KESU_UNKNOWN), &c);
	cr_assert_eq(c.ata_sanitize_frozen, KESU_YES);
	char why[512];
	cr_assert_eq(kesu_firmware_check(KESU_FW_ATA_SANITIZE_BLOCK, &c, false, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "SANITIZE FREEZE LOCK"), "%s", why);
	cr_assert_eq(kesu_firmware_check(KESU_FW_ATA_SECURITY_ERASE, &c, false, NULL, why, sizeof(why)), 0,
		     "%s", why);
	/* auto-purge does not choose a sanitize the drive would abort: on flash
	 * nothing else purges, and the reason names the freeze lock. */
	struct kesu_purge_choice ch;
	cr_assert_lt(kesu_purge_choose(&c, &ch), 0);
	cr_assert(strstr(ch.reason, "SANITIZE FREEZE LOCK"), "%s", ch.reason);
	/* In fixed-format sense without byte 8 the bit is lost, and the drive
	 * cannot be switched to descriptor sense: unknown, not "no". */
	d->fixed_success = d->fixed_no_extend = d->mode_select_refused = true;
	query_ok(&pt, new_dev("sda", KESU_TRAN_SATA, KESU_UNKNOWN), &c);
	cr_assert_eq(c.ata_sanitize_frozen, KESU_UNKNOWN);
	sim_ata_free(d);
}

Test(caps, ata_hdd_rotation_from_identify)
{
	struct sim_ata *d = ata(true);
	d->san_block = false; /* a disk has no block erase */
	struct kesu_passthru pt = sim_ata_passthru(d);
	/* The kernel says SSD; IDENTIFY word 217 (7200 rpm) wins. */
	struct kesu_device *dev = new_dev("sdb", KESU_TRAN_SATA, KESU_NO);
	struct kesu_drive_caps c;
	query_ok(&pt, dev, &c);
	cr_assert_eq(c.ata.rotation_rate, 7200);
	cr_assert(c.purge.rotational == KESU_YES);
	struct kesu_purge_choice ch;
	cr_assert_eq(kesu_purge_choose(&c, &ch), 0);
	cr_assert_str_eq(ch.method_id, "ata-sanitize-overwrite");
	sim_ata_free(d);
}

Test(caps, ata_rotation_unknown_falls_back_to_the_kernel)
{
	struct sim_ata *d = ata(true);
	d->identify[2 * 217] = 0; /* word 217 = 0: not reported (refresh keeps it) */
	d->identify[2 * 217 + 1] = 0;
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("sdb", KESU_TRAN_SATA, KESU_YES), &c);
	cr_assert_eq(c.ata.rotation_rate, 0);
	cr_assert(c.purge.rotational == KESU_YES);
	query_ok(&pt, new_dev("sdb", KESU_TRAN_SATA, KESU_UNKNOWN), &c);
	cr_assert(c.purge.rotational == KESU_NO, "unknown counts as flash");
	sim_ata_free(d);
}

Test(caps, ata_hpa_detected_with_the_hidden_count)
{
	struct sim_ata *d = ata(false);
	d->hpa_sectors = 2048;
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_device *dev = new_dev("sda", KESU_TRAN_SATA, KESU_NO);
	struct kesu_drive_caps c;
	query_ok(&pt, dev, &c);
	cr_assert_eq(c.ata.sectors, SECTORS - 2048);
	cr_assert(c.hpa_checked);
	cr_assert_eq(c.native_sectors, SECTORS);
	cr_assert_eq(c.hpa_hidden_sectors, 2048);
	cr_assert(c.purge.hpa_present == KESU_YES);
	cr_assert_eq(dev->caps.hpa_present, KESU_YES);
	cr_assert_eq(c.dco_hidden_sectors, 0, "DCO measured from the native end");
	struct kesu_purge_choice ch;
	cr_assert_eq(kesu_purge_choose(&c, &ch), 0);
	cr_assert(strstr(ch.reason, "an HPA hides sectors"), "%s", ch.reason);
	cr_assert_eq(ch.remedies, KESU_REMEDY_HPA_RESTORE, "the front end names its option");
	cr_assert_null(strstr(ch.reason, "--"), "no option in a library message: %s", ch.reason);
	sim_ata_free(d);
}

Test(caps, ata_dco_detected)
{
	struct sim_ata *d = ata(false);
	d->dco_sectors = 4096;
	d->hpa_sectors = 1024;
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_device *dev = new_dev("sda", KESU_TRAN_SATA, KESU_NO);
	struct kesu_drive_caps c;
	query_ok(&pt, dev, &c);
	cr_assert(c.dco_checked);
	cr_assert_eq(c.dco_sectors, SECTORS + 4096);
	cr_assert_eq(c.dco_hidden_sectors, 4096);
	cr_assert_eq(c.hpa_hidden_sectors, 1024);
	cr_assert_eq(dev->caps.hpa_present, KESU_YES);
	sim_ata_free(d);
}

Test(caps, ata_refused_extras_stay_unchecked)
{
	struct sim_ata *d = ata(false);
	d->abort_opcode = KESU_ATA_READ_NATIVE_MAX_EXT;
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_device *dev = new_dev("sda", KESU_TRAN_SATA, KESU_NO);
	struct kesu_drive_caps c;
	query_ok(&pt, dev, &c);
	cr_assert(!c.hpa_checked);
	cr_assert_eq(c.hpa_hidden_sectors, 0);
	cr_assert(c.dco_checked);
	cr_assert_eq(dev->caps.hpa_present, KESU_UNKNOWN, "nothing measured the HPA");
	d->abort_opcode = KESU_ATA_DEVICE_CONFIGURATION;
	query_ok(&pt, dev, &c);
	cr_assert(c.hpa_checked && !c.dco_checked);
	sim_ata_free(d);
}

Test(caps, ata_identify_failure_is_an_error)
{
	struct sim_ata *d = ata(false);
	d->timeout_opcode = KESU_ATA_IDENTIFY;
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_device *dev = new_dev("sda", KESU_TRAN_SATA, KESU_NO);
	struct kesu_drive_caps c;
	int rc = kesu_drive_caps_query(&pt, dev, &c);
	cr_assert_eq(rc, -ETIMEDOUT);
	cr_assert(!c.queried);
	cr_assert_eq(c.bus, KESU_BUS_OTHER);
	cr_assert(strstr(c.error, "ATA IDENTIFY failed: "), "%s", c.error);
	cr_assert_eq(dev->caps.ata_security, KESU_UNKNOWN, "nothing learnt, nothing set");
	sim_ata_free(d);
}

Test(caps, usb_bridge_marks_the_caps)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("sdc", KESU_TRAN_USB, KESU_NO), &c);
	cr_assert(c.purge.usb_bridge == KESU_YES);
	char why[512];
	unsigned remedies = 0;
	int rc = kesu_firmware_check(KESU_FW_ATA_SANITIZE_BLOCK, &c, false, &remedies, why, sizeof(why));
	cr_assert_eq(rc, -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "USB bridge"), "%s", why);
	cr_assert_null(strstr(why, "--"), "no option in a library message: %s", why);
	cr_assert_eq(remedies, KESU_REMEDY_ALLOW_USB);
	sim_ata_free(d);
}

/* ---- HPA restore ---------------------------------------------------------- */

Test(caps, hpa_restore_opens_it_and_identify_agrees)
{
	struct sim_ata *d = ata(false);
	d->hpa_sectors = 2048;
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("sda", KESU_TRAN_SATA, KESU_NO), &c);
	unsigned before = d->ncmds;
	char why[512];
	int rc = kesu_hpa_restore(&pt, &c, why, sizeof(why));
	cr_assert_eq(rc, 0, "%s", why);
	cr_assert_eq(c.ata.sectors, SECTORS);
	cr_assert_eq(c.hpa_hidden_sectors, 0);
	cr_assert(c.purge.hpa_present == KESU_NO);
	cr_assert(d->hpa_volatile_open, "volatile: for this power cycle only");
	cr_assert_eq(d->hpa_sectors, 2048, "not made permanent");
	/* READ NATIVE MAX EXT right before SET MAX ADDRESS EXT, then IDENTIFY. */
	cr_assert_eq(d->ncmds - before, 3);
	cr_assert_eq(d->opcodes[before], KESU_ATA_READ_NATIVE_MAX_EXT);
	cr_assert_eq(d->opcodes[before + 1], KESU_ATA_SET_MAX_ADDRESS_EXT);
	cr_assert_eq(d->opcodes[before + 2], KESU_ATA_IDENTIFY);
	/* The SET MAX LBA was the native max address, VV clear. */
	struct kesu_drive_caps again;
	query_ok(&pt, NULL, &again);
	cr_assert_eq(again.hpa_hidden_sectors, 0);
	sim_ata_power_cycle(d);
	query_ok(&pt, NULL, &again);
	cr_assert_eq(again.hpa_hidden_sectors, 2048, "the HPA returns at power-on");
	sim_ata_free(d);
}

Test(caps, hpa_restore_refused_by_the_drive)
{
	struct sim_ata *d = ata(false);
	d->hpa_sectors = 2048;
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("sda", KESU_TRAN_SATA, KESU_NO), &c);
	d->abort_opcode = KESU_ATA_SET_MAX_ADDRESS_EXT;
	char why[512];
	int rc = kesu_hpa_restore(&pt, &c, why, sizeof(why));
	cr_assert_eq(rc, -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "SET MAX ADDRESS EXT refused"), "%s", why);
	cr_assert_eq(c.hpa_hidden_sectors, 2048, "caps unchanged");
	cr_assert(c.purge.hpa_present == KESU_YES);
	cr_assert(!d->hpa_volatile_open);
	sim_ata_free(d);
}

/* A drive that accepts SET MAX ADDRESS EXT and does nothing. */
static int ignore_set_max(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	if (cmd->command == KESU_ATA_SET_MAX_ADDRESS_EXT) {
		*res = (struct kesu_ata_result){.regs_valid = true, .status = 0x50, .reason = "ok"};
		return 0;
	}
	struct kesu_passthru inner = sim_ata_passthru(ctx);
	return Kesu_ata_send(&inner, cmd, res);
}

static const struct kesu_passthru_ops ignoring_ops = {.ata = ignore_set_max};

Test(caps, hpa_restore_believes_only_identify)
{
	struct sim_ata *d = ata(false);
	d->hpa_sectors = 2048;
	struct kesu_passthru pt = {&ignoring_ops, d};
	struct kesu_drive_caps c;
	query_ok(&pt, NULL, &c);
	char why[512];
	int rc = kesu_hpa_restore(&pt, &c, why, sizeof(why));
	cr_assert_eq(rc, -EIO, "%s", why);
	cr_assert(strstr(why, "still reports"), "%s", why);
	cr_assert_eq(c.hpa_hidden_sectors, 2048);
	sim_ata_free(d);
}

Test(caps, hpa_restore_without_hpa_or_on_nvme)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_drive_caps c;
	query_ok(&pt, NULL, &c);
	unsigned before = d->ncmds;
	char why[256];
	cr_assert_eq(kesu_hpa_restore(&pt, &c, why, sizeof(why)), 0);
	cr_assert_eq(d->ncmds, before, "nothing to send");
	sim_ata_free(d);

	struct sim_nvme *n = sim_nvme_new(memfd, BYTES);
	pt = sim_nvme_passthru(n);
	query_ok(&pt, new_dev("nvme0n1", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert_eq(kesu_hpa_restore(&pt, &c, why, sizeof(why)), -KESU_EUNSUPPORTED);
	sim_nvme_free(n);
}

/* ---- NVMe ----------------------------------------------------------------- */

Test(caps, nvme_everything)
{
	struct sim_nvme *n = sim_nvme_new(memfd, BYTES); /* format, FNA 4, SANICAP 7 */
	struct kesu_passthru pt = sim_nvme_passthru(n);
	struct kesu_device *dev = new_dev("nvme0n1", KESU_TRAN_NVME, KESU_YES);
	struct kesu_drive_caps c;
	query_ok(&pt, dev, &c);
	cr_assert_eq(c.bus, KESU_BUS_NVME);
	cr_assert_eq(c.nsid, 1);
	cr_assert_eq(c.nvme_ns.size, SECTORS);
	cr_assert(c.nvme_ctrl.format && c.nvme_ctrl.format_crypto_erase);
	cr_assert(c.purge.nvme_format == KESU_YES && c.purge.nvme_format_crypto == KESU_YES);
	cr_assert(c.purge.nvme_sanitize_crypto == KESU_YES && c.purge.nvme_sanitize_block == KESU_YES && c.purge.nvme_sanitize_overwrite == KESU_YES);
	cr_assert(c.purge.rotational == KESU_NO, "NVMe is flash whatever the kernel says");
	cr_assert(c.nvme_sanitize_log_valid);
	cr_assert_eq(c.nvme_sanitize_log.status, KESU_NVME_SANITIZE_NEVER);
	cr_assert_eq(n->last.opcode, KESU_NVME_GET_LOG_PAGE);
	cr_assert_eq(n->last.nsid, KESU_NVME_NSID_ALL);
	cr_assert_eq(dev->caps.nvme_format, KESU_YES);
	cr_assert_eq(dev->caps.nvme_sanitize, KESU_YES);
	cr_assert_eq(dev->caps.ata_security, KESU_NO);
	cr_assert_eq(dev->caps.hpa_present, KESU_NO);
	char why[512];
	for (int cmd = KESU_FW_NVME_FORMAT_ERASE; cmd <= KESU_FW_NVME_SANITIZE_OVERWRITE; cmd++)
		cr_assert_eq(kesu_firmware_check((enum kesu_firmware_command)cmd, &c, false, NULL, why, sizeof(why)),
			     0, "%s: %s", kesu_firmware_command_name((enum kesu_firmware_command)cmd), why);
	struct kesu_purge_choice ch;
	cr_assert_eq(kesu_purge_choose(&c, &ch), 0);
	cr_assert_str_eq(ch.method_id, "nvme-sanitize-block");
	sim_nvme_free(n);
}

Test(caps, nvme_no_sanitize_no_crypto_format)
{
	struct sim_nvme *n = sim_nvme_new(memfd, BYTES);
	n->sanicap = 0;
	n->fna = 0;
	struct kesu_passthru pt = sim_nvme_passthru(n);
	struct kesu_device *dev = new_dev("nvme0n1", KESU_TRAN_NVME, KESU_NO);
	struct kesu_drive_caps c;
	query_ok(&pt, dev, &c);
	cr_assert(!c.nvme_sanitize_log_valid);
	for (unsigned i = 0; i < n->ncmds; i++)
		cr_assert_neq(n->opcodes[i], KESU_NVME_GET_LOG_PAGE, "no log without Sanitize");
	cr_assert_eq(dev->caps.nvme_sanitize, KESU_NO);
	cr_assert(c.purge.nvme_format == KESU_YES && c.purge.nvme_format_crypto == KESU_NO);
	char why[512];
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_FORMAT_ERASE, &c, false, NULL, why, sizeof(why)), 0);
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_FORMAT_CRYPTO, &c, false, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "FNA bit 2"), "%s", why);
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_SANITIZE_BLOCK, &c, false, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "SANICAP bit 1"), "%s", why);
	struct kesu_purge_choice ch;
	cr_assert_eq(kesu_purge_choose(&c, &ch), 0);
	cr_assert_str_eq(ch.method_id, "nvme-format-erase");
	sim_nvme_free(n);
}

Test(caps, nvme_partial_sanicap_and_fna_bits)
{
	struct sim_nvme *n = sim_nvme_new(memfd, BYTES);
	n->sanicap = 0x01; /* crypto only */
	n->fna = 0x07;
	n->format = false; /* FNA means nothing without Format NVM */
	struct kesu_passthru pt = sim_nvme_passthru(n);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("nvme0n1", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert(c.nvme_ctrl.sanitize_crypto && !c.nvme_ctrl.sanitize_block && !c.nvme_ctrl.sanitize_overwrite);
	cr_assert(c.nvme_ctrl.format_all_namespaces && c.nvme_ctrl.secure_erase_all_namespaces);
	cr_assert(c.purge.nvme_format == KESU_NO && c.purge.nvme_format_crypto == KESU_NO);
	char why[512];
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_FORMAT_ERASE, &c, false, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "OACS bit 1"), "%s", why);
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_SANITIZE_CRYPTO, &c, false, NULL, why, sizeof(why)), 0);
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_SANITIZE_OVERWRITE, &c, false, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	sim_nvme_free(n);
}

Test(caps, nvme_sanitize_in_progress_is_followed_not_refused)
{
	struct sim_nvme *n = sim_nvme_new(memfd, BYTES);
	n->sanitize_polls = 100;
	struct kesu_passthru pt = sim_nvme_passthru(n);
	struct kesu_nvme_admin cmd;
	struct kesu_nvme_result res;
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&cmd, KESU_NVME_SANACT_BLOCK, false, 0, false, false, 0), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &cmd, &res), 0, "%s", res.reason);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("nvme0n1", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert(c.nvme_sanitize_log_valid);
	cr_assert_eq(c.nvme_sanitize_log.status, KESU_NVME_SANITIZE_IN_PROGRESS);
	char why[512];
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_SANITIZE_BLOCK, &c, false, NULL, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_SANITIZE_CRYPTO, &c, false, NULL, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_FORMAT_ERASE, &c, false, NULL, why, sizeof(why)), -KESU_EREFUSED);
	cr_assert(strstr(why, "sanitize is running"), "%s", why);
	sim_nvme_free(n);
}

Test(caps, nvme_namespace_never_from_the_name)
{
	struct sim_nvme *n = sim_nvme_new(memfd, BYTES);
	struct kesu_passthru pt = sim_nvme_passthru(n);
	struct kesu_drive_caps c;
	/* The controller says nsid 1 (NVME_IOCTL_ID), whatever the name says. */
	query_ok(&pt, new_dev("nvme0n3", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert_eq(c.nsid, 1);
	query_ok(&pt, new_dev("nvme1c0n7", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert_eq(c.nsid, 1);
	n->nsid = 5;
	query_ok(&pt, new_dev("nvme0n1", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert_eq(c.nsid, 5);
	cr_assert_eq(c.nvme_ns.size, SECTORS, "Identify Namespace of nsid 5");
	/* Neither the ioctl nor sysfs: unknown, and nothing NVMe may run. */
	n->no_nsid_ioctl = true;
	query_ok(&pt, new_dev("nvme0n1", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert_eq(c.nsid, 0);
	sim_nvme_free(n);
}

Test(caps, nvme_identify_failure)
{
	struct sim_nvme *n = sim_nvme_new(memfd, BYTES);
	n->fail_opcode = KESU_NVME_IDENTIFY;
	struct kesu_passthru pt = sim_nvme_passthru(n);
	struct kesu_drive_caps c;
	int rc = kesu_drive_caps_query(&pt, new_dev("nvme0n1", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert_lt(rc, 0);
	cr_assert(strstr(c.error, "NVMe Identify Controller failed: "), "%s", c.error);
	sim_nvme_free(n);
}

/* ---- SCSI ----------------------------------------------------------------- */

Test(caps, scsi_some_service_actions)
{
	struct sim_scsi *s = sim_scsi_new(memfd, BYTES);
	s->san_overwrite = false; /* block erase and crypto erase only */
	struct kesu_passthru pt = sim_scsi_passthru(s);
	struct kesu_device *dev = new_dev("sdd", KESU_TRAN_SAS, KESU_YES);
	struct kesu_drive_caps c;
	query_ok(&pt, dev, &c);
	cr_assert_eq(c.bus, KESU_BUS_SCSI, "ATA PASS-THROUGH refused: asked in SCSI terms");
	cr_assert_eq(c.purge.scsi_sanitize_overwrite, KESU_NO);
	cr_assert_eq(c.purge.scsi_sanitize_block, KESU_YES);
	cr_assert_eq(c.purge.scsi_sanitize_crypto, KESU_YES);
	cr_assert_eq(c.scsi_rotational, KESU_NO);
	cr_assert(c.purge.rotational == KESU_NO, "VPD B1 says non-rotating, over the kernel");
	cr_assert(c.purge.scsi_sanitize_block == KESU_YES && c.purge.scsi_sanitize_crypto == KESU_YES && c.purge.scsi_sanitize_overwrite == KESU_NO);
	cr_assert_eq(dev->caps.scsi_sanitize, KESU_YES);
	cr_assert_eq(dev->caps.ata_security, KESU_NO);
	char why[512];
	cr_assert_eq(kesu_firmware_check(KESU_FW_SCSI_SANITIZE_OVERWRITE, &c, false, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "OVERWRITE"), "%s", why);
	cr_assert_eq(kesu_firmware_check(KESU_FW_SCSI_SANITIZE_BLOCK, &c, false, NULL, why, sizeof(why)), 0);
	cr_assert_eq(kesu_firmware_check(KESU_FW_SCSI_SANITIZE_CRYPTO, &c, false, NULL, why, sizeof(why)), 0);
	struct kesu_purge_choice ch;
	cr_assert_eq(kesu_purge_choose(&c, &ch), 0);
	cr_assert_str_eq(ch.method_id, "scsi-sanitize-block");
	/* An unknown service action is allowed: the command itself will tell. */
	c.purge.scsi_sanitize_overwrite = KESU_UNKNOWN;
	cr_assert_eq(kesu_firmware_check(KESU_FW_SCSI_SANITIZE_OVERWRITE, &c, false, NULL, why, sizeof(why)), 0);
	sim_scsi_free(s);
}

Test(caps, scsi_rotation_from_vpd_b1)
{
	struct sim_scsi *s = sim_scsi_new(memfd, BYTES);
	s->rotation_rate = 7200;
	struct kesu_passthru pt = sim_scsi_passthru(s);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("sdd", KESU_TRAN_SAS, KESU_NO), &c);
	cr_assert_eq(c.scsi_rotational, KESU_YES);
	cr_assert(c.purge.rotational == KESU_YES);
	s->rotation_rate = 0; /* no page B1: the kernel's flag */
	query_ok(&pt, new_dev("sdd", KESU_TRAN_SAS, KESU_YES), &c);
	cr_assert_eq(c.scsi_rotational, KESU_UNKNOWN);
	cr_assert(c.purge.rotational == KESU_YES);
	sim_scsi_free(s);
}

/* Issue 20: a UNIT ATTENTION pending (a reset, a power-on) before the
 * capability queries is cleared by the first command and that command is
 * sent again, so REPORT SUPPORTED OPERATION CODES still answers. */
Test(caps, scsi_unit_attention_before_the_queries_is_cleared)
{
	struct sim_scsi *s = sim_scsi_new(memfd, BYTES);
	s->san_overwrite = false;
	s->unit_attentions = 3;
	struct kesu_passthru pt = sim_scsi_passthru(s);
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("sdd", KESU_TRAN_SAS, KESU_YES), &c);
	cr_expect_eq(s->unit_attentions, 0);
	cr_expect_eq(c.purge.scsi_sanitize_block, KESU_YES, "not unknown after -EAGAIN");
	cr_expect_eq(c.purge.scsi_sanitize_crypto, KESU_YES);
	cr_expect_eq(c.purge.scsi_sanitize_overwrite, KESU_NO);
	/* Bounded: more than 8 in a row fail the command, with the reason. */
	s->unit_attentions = 9;
	uint8_t buf[32];
	struct kesu_scsi_cmd cmd;
	struct kesu_scsi_result res;
	Kesu_scsi_report_opcode_cmd(&cmd, KESU_SCSI_SANITIZE, 2, buf, sizeof(buf));
	cr_expect_eq(Kesu_scsi_send(&pt, &cmd, &res), -EAGAIN);
	cr_expect(strstr(res.reason, "UNIT ATTENTION"), "%s", res.reason);
	cr_expect_eq(s->unit_attentions, 1);
	cr_expect_eq(Kesu_scsi_send(&pt, &cmd, &res), 0, "%s", res.reason);
	sim_scsi_free(s);
}

/* An ATA drive behind a bridge that blocks ATA-16, and a SCSI channel. */
struct split {
	struct kesu_passthru ata, scsi;
};

static int split_ata(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	return Kesu_ata_send(&((struct split *)ctx)->ata, cmd, res);
}

static int split_scsi(void *ctx, const struct kesu_scsi_cmd *cmd, struct kesu_scsi_result *res)
{
	return Kesu_scsi_send(&((struct split *)ctx)->scsi, cmd, res);
}

static const struct kesu_passthru_ops split_ops = {.ata = split_ata, .scsi = split_scsi};

Test(caps, bridge_blocked_ata_goes_scsi_or_fails)
{
	struct sim_ata *d = ata(false);
	d->bridge_blocks = true;
	/* ATA only: nothing answers. */
	struct kesu_passthru pt = sim_ata_passthru(d);
	struct kesu_drive_caps c;
	int rc = kesu_drive_caps_query(&pt, new_dev("sde", KESU_TRAN_USB, KESU_NO), &c);
	cr_assert_eq(rc, -KESU_EUNSUPPORTED);
	cr_assert(!c.queried);
	cr_assert(strncmp(c.error, "ATA IDENTIFY refused: ", 22) == 0, "%s", c.error);
	char why[512];
	cr_assert_eq(kesu_firmware_check(KESU_FW_ATA_SANITIZE_BLOCK, &c, true, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "ATA IDENTIFY refused"), "%s", why);

	/* With SCSI through the same bridge: a SCSI drive that says little. */
	struct sim_scsi *s = sim_scsi_new(memfd, BYTES);
	s->san_overwrite = s->san_block = s->san_crypto = false;
	struct split sp = {sim_ata_passthru(d), sim_scsi_passthru(s)};
	struct kesu_passthru both = {&split_ops, &sp};
	struct kesu_device *dev = new_dev("sde", KESU_TRAN_USB, KESU_NO);
	query_ok(&both, dev, &c);
	cr_assert_eq(c.bus, KESU_BUS_SCSI);
	cr_assert(c.purge.usb_bridge == KESU_YES);
	cr_assert_eq(dev->caps.scsi_sanitize, KESU_NO);
	struct kesu_purge_choice ch;
	cr_assert_eq(kesu_purge_choose(&c, &ch), -KESU_EUNSUPPORTED);
	/* An ATA command is unsupported because the bridge blocks it, and
	 * the operator is told so (not that the drive is SCSI). */
	cr_assert(c.ata_refused[0]);
	cr_assert_eq(kesu_firmware_check(KESU_FW_ATA_SECURITY_ERASE, &c, true, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "ATA commands do not reach the drive"), "%s", why);
	/* A SCSI command on it gets the ordinary answer. */
	cr_assert_eq(kesu_firmware_check(KESU_FW_SCSI_SANITIZE_BLOCK, &c, true, NULL, why, sizeof(why)),
		     -KESU_EUNSUPPORTED);
	cr_assert(!strstr(why, "ATA commands do not reach"), "%s", why);
	sim_scsi_free(s);
	sim_ata_free(d);
}

/* A channel that offers every command set (as kesu-sim's does), to an
 * ATA drive: NVMe is refused as unknown, so it is asked over ATA. */
static int no_nvme(void *ctx, const struct kesu_nvme_admin *cmd, struct kesu_nvme_result *res)
{
	struct kesu_passthru inner = sim_ata_passthru(ctx);
	return Kesu_nvme_send(&inner, cmd, res);
}

static int ata_inner(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	struct kesu_passthru inner = sim_ata_passthru(ctx);
	return Kesu_ata_send(&inner, cmd, res);
}

static int scsi_inner(void *ctx, const struct kesu_scsi_cmd *cmd, struct kesu_scsi_result *res)
{
	struct kesu_passthru inner = sim_ata_passthru(ctx);
	return Kesu_scsi_send(&inner, cmd, res);
}

static const struct kesu_passthru_ops every_ops = {.ata = ata_inner, .nvme_admin = no_nvme,
						    .scsi = scsi_inner};

Test(caps, channel_with_every_command_set)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = {&every_ops, d};
	struct kesu_drive_caps c;
	query_ok(&pt, new_dev("loop3", KESU_TRAN_LOOP, KESU_NO), &c);
	cr_assert_eq(c.bus, KESU_BUS_ATA);
	cr_assert(c.ata.security_supported);
	cr_assert_eq(c.nsid, 0, "NVMe facts cleared");
	d->bridge_blocks = true;
	cr_assert_eq(kesu_drive_caps_query(&pt, NULL, &c), -KESU_EUNSUPPORTED);
	cr_assert(strstr(c.error, "ATA IDENTIFY refused") && strstr(c.error, "VPD B1"), "%s", c.error);
	sim_ata_free(d);
}

Test(caps, no_ops_is_unsupported)
{
	struct kesu_passthru pt = {0};
	struct kesu_drive_caps c;
	cr_assert_eq(kesu_drive_caps_query(&pt, NULL, &c), -KESU_EUNSUPPORTED);
	cr_assert_str_not_empty(c.error);
	cr_assert_eq(kesu_drive_caps_query(NULL, NULL, &c), -EINVAL);
}

/* ---- kesu_firmware_check refusals ---------------------------------------- */

static void ata_caps(struct sim_ata *d, struct kesu_drive_caps *c)
{
	struct kesu_passthru pt = sim_ata_passthru(d);
	query_ok(&pt, new_dev("sda", KESU_TRAN_SATA, KESU_NO), c);
}

static int check(enum kesu_firmware_command cmd, const struct kesu_drive_caps *c, bool hpa_decided,
		 char *why)
{
	return kesu_firmware_check(cmd, c, hpa_decided, NULL, why, 512);
}

Test(caps, check_frozen_says_suspend)
{
	struct sim_ata *d = ata(false);
	d->frozen = true;
	struct kesu_drive_caps c;
	char why[512];
	ata_caps(d, &c);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &c, true, why), -KESU_EREFUSED);
	cr_assert(strstr(why, "frozen") && strstr(why, "suspend") && strstr(why, "rtcwake") &&
		  strstr(why, "hot-plug"), "%s", why);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE_ENHANCED, &c, true, why), -KESU_EREFUSED);
	/* SANITIZE has no part in the security freeze. */
	cr_assert_eq(check(KESU_FW_ATA_SANITIZE_CRYPTO, &c, false, why), 0, "%s", why);
	sim_ata_free(d);
}

Test(caps, check_locked_says_kesu_unlock)
{
	struct sim_ata *d = ata(false);
	d->enabled = true;
	memset(d->user_pw, 'x', 32);
	sim_ata_power_cycle(d); /* locked at power-on */
	struct kesu_drive_caps c;
	char why[512];
	ata_caps(d, &c);
	cr_assert(c.ata.security_locked);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &c, true, why), -KESU_EREFUSED);
	cr_assert(strstr(why, "locked") && strstr(why, "kesu unlock"), "%s", why);
	cr_assert_eq(check(KESU_FW_ATA_SANITIZE_BLOCK, &c, true, why), -KESU_EREFUSED);
	cr_assert(strstr(why, "kesu unlock"), "%s", why);
	sim_ata_free(d);
}

Test(caps, check_attempts_expired_says_power_cycle)
{
	struct sim_ata *d = ata(false);
	d->enabled = d->locked = true;
	d->attempts = SIM_ATA_MAX_ATTEMPTS;
	struct kesu_drive_caps c;
	char why[512];
	ata_caps(d, &c);
	cr_assert(c.ata.security_count_expired);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &c, true, why), -KESU_EREFUSED);
	cr_assert(strstr(why, "5 wrong passwords") && strstr(why, "power-cycle"), "%s", why);
	sim_ata_free(d);
}

Test(caps, check_password_already_set)
{
	struct sim_ata *d = ata(false);
	d->enabled = true; /* set, unlocked (SEC5) */
	struct kesu_drive_caps c;
	char why[512];
	ata_caps(d, &c);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &c, true, why), -KESU_EREFUSED);
	cr_assert(strstr(why, "user password is already set"), "%s", why);
	sim_ata_free(d);
}

Test(caps, check_hpa_needs_a_decision)
{
	struct sim_ata *d = ata(true);
	d->hpa_sectors = 2048;
	struct kesu_drive_caps c;
	char why[512];
	ata_caps(d, &c);
	unsigned remedies = 0;
	cr_assert_eq(kesu_firmware_check(KESU_FW_ATA_SECURITY_ERASE_ENHANCED, &c, false, &remedies, why,
					 512), -KESU_EREFUSED);
	cr_assert(strstr(why, "2048 sectors are hidden by an HPA"), "%s", why);
	cr_assert_null(strstr(why, "--"), "no option in a library message: %s", why);
	cr_assert_eq(remedies, KESU_REMEDY_HPA_RESTORE | KESU_REMEDY_HPA_KEEP);
	cr_assert_eq(kesu_firmware_check(KESU_FW_ATA_SANITIZE_BLOCK, &c, false, &remedies, why, 512), 0);
	cr_assert_eq(remedies, 0, "cleared on every call");
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &c, false, why), -KESU_EREFUSED);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE_ENHANCED, &c, true, why), 0, "%s", why);
	cr_assert_eq(check(KESU_FW_ATA_SANITIZE_OVERWRITE, &c, false, why), 0, "only Security Erase asks");
	sim_ata_free(d);
}

Test(caps, check_bus_mismatch)
{
	struct sim_nvme *n = sim_nvme_new(memfd, BYTES);
	struct kesu_passthru pt = sim_nvme_passthru(n);
	struct kesu_drive_caps c;
	char why[512];
	query_ok(&pt, new_dev("nvme0n1", KESU_TRAN_NVME, KESU_NO), &c);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &c, true, why), -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "NVMe drive") && strstr(why, "ata-security-erase needs an ATA drive"), "%s", why);
	cr_assert_eq(check(KESU_FW_SCSI_SANITIZE_BLOCK, &c, true, why), -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "SCSI"), "%s", why);
	sim_nvme_free(n);

	struct sim_ata *d = ata(false);
	ata_caps(d, &c);
	cr_assert_eq(check(KESU_FW_NVME_FORMAT_ERASE, &c, true, why), -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "ATA drive") && strstr(why, "needs an NVMe drive"), "%s", why);
	sim_ata_free(d);
}

Test(caps, check_unsupported_features)
{
	struct sim_ata *d = ata(false);
	d->sec_enhanced = false;
	d->san_block = false;
	struct kesu_drive_caps c;
	char why[512];
	ata_caps(d, &c);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE_ENHANCED, &c, true, why), -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "enhanced"), "%s", why);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &c, true, why), 0, "%s", why);
	cr_assert_eq(check(KESU_FW_ATA_SANITIZE_BLOCK, &c, true, why), -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "BLOCK ERASE"), "%s", why);
	d->sec_supported = false;
	d->san_supported = false;
	ata_caps(d, &c);
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &c, true, why), -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "no ATA Security feature set"), "%s", why);
	cr_assert_eq(check(KESU_FW_ATA_SANITIZE_CRYPTO, &c, true, why), -KESU_EUNSUPPORTED);
	cr_assert(strstr(why, "no ATA SANITIZE"), "%s", why);
	sim_ata_free(d);
}

Test(caps, check_auto_none_and_unasked)
{
	struct sim_ata *d = ata(false);
	struct kesu_drive_caps c;
	char why[512];
	ata_caps(d, &c);
	cr_assert_eq(check(KESU_FW_AUTO, &c, true, why), -EINVAL);
	cr_assert_eq(check(KESU_FW_NONE, &c, true, why), -EINVAL);
	cr_assert_eq(check(KESU_FW_COUNT, &c, true, why), -EINVAL);
	cr_assert_eq(kesu_firmware_check(KESU_FW_ATA_SECURITY_ERASE, NULL, true, NULL, why, sizeof(why)), -EINVAL);
	struct kesu_drive_caps none = {.bus = KESU_BUS_OTHER};
	cr_assert_eq(check(KESU_FW_ATA_SECURITY_ERASE, &none, true, why), -KESU_EUNSUPPORTED);
	sim_ata_free(d);
}

/* ---- Unlock and the temporary password ------------------------------------- */

static void set_password(struct kesu_passthru *pt, const char *pw)
{
	uint8_t payload[KESU_ATA_SECURITY_PAYLOAD];
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_security_payload(payload, false, false, pw, strlen(pw)), 0);
	Kesu_ata_set_password_cmd(&cmd, payload);
	cr_assert_eq(Kesu_ata_send(pt, &cmd, &res), 0, "%s", res.reason);
}

static bool security_enabled(struct kesu_passthru *pt)
{
	uint8_t buf[512];
	struct kesu_ata_cmd cmd;
	struct kesu_ata_result res;
	struct kesu_ata_identify id;
	Kesu_ata_identify_cmd(&cmd, buf);
	cr_assert_eq(Kesu_ata_send(pt, &cmd, &res), 0);
	cr_assert_eq(kesu_ata_identify_parse(buf, &id), 0);
	return id.security_enabled;
}

Test(caps, unlock_with_the_right_password)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = sim_ata_passthru(d);
	set_password(&pt, "s3cr3t-pw");
	sim_ata_power_cycle(d);
	cr_assert(d->locked);
	char why[512];
	int rc = kesu_ata_unlock(&pt, "s3cr3t-pw", why, sizeof(why));
	cr_assert_eq(rc, 0, "%s", why);
	cr_assert(!d->locked && !d->enabled);
	cr_assert(!security_enabled(&pt));
	cr_assert_null(strstr(why, "s3cr3t"), "the password is never in a message: %s", why);
	bool unlock = false, disable = false;
	for (unsigned i = 0; i < d->ncmds; i++) {
		unlock |= d->opcodes[i] == KESU_ATA_SEC_UNLOCK;
		disable |= d->opcodes[i] == KESU_ATA_SEC_DISABLE_PASSWORD;
	}
	cr_assert(unlock && disable);
	sim_ata_free(d);
}

Test(caps, unlock_unlocked_but_enabled_disables)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = sim_ata_passthru(d);
	set_password(&pt, "pw-left-set");
	char why[512];
	cr_assert_eq(kesu_ata_unlock(&pt, "pw-left-set", why, sizeof(why)), 0, "%s", why);
	cr_assert(!d->enabled);
	for (unsigned i = 0; i < d->ncmds; i++)
		cr_assert_neq(d->opcodes[i], KESU_ATA_SEC_UNLOCK, "not locked: no UNLOCK");
	sim_ata_free(d);
}

Test(caps, unlock_with_a_wrong_password)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = sim_ata_passthru(d);
	set_password(&pt, "right-one");
	sim_ata_power_cycle(d);
	char why[512];
	int rc = kesu_ata_unlock(&pt, "hunter2xyz", why, sizeof(why));
	cr_assert_eq(rc, -KESU_EREFUSED, "%s", why);
	cr_assert(strstr(why, "UNLOCK"), "%s", why);
	cr_assert_null(strstr(why, "hunter2"), "%s", why);
	cr_assert_eq(d->attempts, 1, "the drive counted it");
	cr_assert(d->locked && d->enabled);
	for (unsigned i = 1; i < SIM_ATA_MAX_ATTEMPTS; i++)
		cr_assert_eq(kesu_ata_unlock(&pt, "hunter2xyz", why, sizeof(why)), -KESU_EREFUSED);
	cr_assert_eq(d->attempts, SIM_ATA_MAX_ATTEMPTS);
	/* Expired: even the right password waits for a power cycle. */
	unsigned before = d->ncmds;
	cr_assert_eq(kesu_ata_unlock(&pt, "right-one", why, sizeof(why)), -KESU_EREFUSED);
	cr_assert(strstr(why, "power-cycle"), "%s", why);
	cr_assert_eq(d->ncmds - before, 1, "only IDENTIFY: no attempt wasted");
	sim_ata_power_cycle(d);
	cr_assert_eq(kesu_ata_unlock(&pt, "right-one", why, sizeof(why)), 0, "%s", why);
	cr_assert(!d->enabled);
	sim_ata_free(d);
}

Test(caps, unlock_nothing_to_do_frozen_and_failing)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = sim_ata_passthru(d);
	char why[512];
	cr_assert_eq(kesu_ata_unlock(&pt, "any", why, sizeof(why)), 0);
	cr_assert(strstr(why, "nothing to do"), "%s", why);
	cr_assert_eq(d->ncmds, 1, "IDENTIFY only");

	set_password(&pt, "pw");
	d->frozen = true;
	cr_assert_eq(kesu_ata_unlock(&pt, "pw", why, sizeof(why)), -KESU_EREFUSED);
	cr_assert(strstr(why, "suspend"), "%s", why);
	d->frozen = false;

	d->disable_fails = true;
	cr_assert_lt(kesu_ata_unlock(&pt, "pw", why, sizeof(why)), 0);
	cr_assert(strstr(why, "DISABLE PASSWORD"), "%s", why);
	cr_assert(d->enabled);

	cr_assert_eq(kesu_ata_unlock(&pt, "", why, sizeof(why)), -EINVAL);
	cr_assert_eq(kesu_ata_unlock(&pt, "123456789012345678901234567890123", why, sizeof(why)), -EINVAL);
	sim_ata_free(d);
}

Test(caps, temp_password_format)
{
	char a[KESU_ATA_TEMP_PASSWORD_LEN + 1], b[KESU_ATA_TEMP_PASSWORD_LEN + 1];
	memset(a, 'X', sizeof(a));
	kesu_ata_temp_password(a);
	kesu_ata_temp_password(b);
	cr_assert_eq(strlen(a), 32);
	cr_assert_eq(strlen(b), 32);
	cr_assert_eq(strspn(a, "0123456789abcdef"), 32, "%s", a);
	cr_assert_eq(strspn(b, "0123456789abcdef"), 32, "%s", b);
	cr_assert_str_neq(a, b);
}

Test(caps, temp_password_works_as_a_password)
{
	struct sim_ata *d = ata(false);
	struct kesu_passthru pt = sim_ata_passthru(d);
	char pw[KESU_ATA_TEMP_PASSWORD_LEN + 1];
	kesu_ata_temp_password(pw);
	set_password(&pt, pw);
	sim_ata_power_cycle(d);
	char why[512];
	cr_assert_eq(kesu_ata_unlock(&pt, pw, why, sizeof(why)), 0, "%s", why);
	cr_assert(!security_enabled(&pt));
	sim_ata_free(d);
}

/* auto-purge: the choice for each capability set, its level and the reason,
 * and the per-method NIST levels (docs/firmware.md). */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "kesu/ata.h"
#include "kesu/error.h"
#include "kesu/firmware.h"
#include "kesu/purge.h"

/* A drive's caps: its bus, and what it can erase (true is KESU_YES, a
 * field left out KESU_NO). */
#define HDD(...) { .bus = KESU_BUS_ATA, .purge = { .rotational = KESU_YES, __VA_ARGS__ } }
#define SSD(...) { .bus = KESU_BUS_ATA, .purge = { .rotational = KESU_NO, __VA_ARGS__ } }
#define NVME(...) { .bus = KESU_BUS_NVME, .purge = { __VA_ARGS__ } }
#define SCSI(...) { .bus = KESU_BUS_SCSI, .purge = { __VA_ARGS__ } }

struct purge_case {
	const char *name;
	struct kesu_drive_caps caps;
	int rc;                 /* 0 or -KESU_EUNSUPPORTED */
	const char *method;     /* "" when none */
	const char *phrase;     /* must appear in the reason */
};

static const struct purge_case cases[] = {
	/* ATA hard disks: overwrite > crypto scramble > enhanced security erase. */
	{ "hdd all", HDD(.ata_sanitize_overwrite = true, .ata_sanitize_crypto = true, .ata_security = true,
			 .ata_security_enhanced = true), 0, "ata-sanitize-overwrite", "ATA hard disk" },
	{ "hdd crypto", HDD(.ata_sanitize_crypto = true, .ata_security = true, .ata_security_enhanced = true),
	  0, "ata-sanitize-crypto", "media encryption key" },
	{ "hdd enhanced", HDD(.ata_security = true, .ata_security_enhanced = true), 0,
	  "ata-security-erase-enhanced", "enhanced mode" },
	{ "hdd enhanced with hpa", HDD(.ata_security = true, .ata_security_enhanced = true, .hpa_removable = true),
	  0, "ata-security-erase-enhanced", "an HPA hides sectors" },
	{ "hdd normal only", HDD(.ata_security = true), -KESU_EUNSUPPORTED, "", "only ata-security-erase" },
	{ "hdd enhanced frozen", HDD(.ata_security = true, .ata_security_enhanced = true,
				     .ata_security_frozen = true), -KESU_EUNSUPPORTED, "", "suspend and resume" },
	{ "hdd frozen but sanitize", HDD(.ata_sanitize_overwrite = true, .ata_security = true,
					 .ata_security_enhanced = true, .ata_security_frozen = true),
	  0, "ata-sanitize-overwrite", "every sector" },
	{ "hdd block erase ignored", HDD(.ata_sanitize_block = true, .ata_sanitize_crypto = true), 0,
	  "ata-sanitize-crypto", "" },
	{ "hdd locked", HDD(.ata_sanitize_overwrite = true, .ata_security = true, .ata_security_locked = true),
	  -KESU_EUNSUPPORTED, "", "kesu unlock" },
	/* ATA SSDs: block erase > crypto scramble; security erase is only Clear. */
	{ "ssd all", SSD(.ata_sanitize_block = true, .ata_sanitize_crypto = true, .ata_sanitize_overwrite = true,
			 .ata_security = true, .ata_security_enhanced = true), 0, "ata-sanitize-block",
	  "every flash block" },
	{ "ssd crypto", SSD(.ata_sanitize_crypto = true, .ata_sanitize_overwrite = true), 0,
	  "ata-sanitize-crypto", "ATA SSD" },
	{ "ssd overwrite only", SSD(.ata_sanitize_overwrite = true), -KESU_EUNSUPPORTED, "",
	  "ata-sanitize-overwrite, which count as Clear" },
	{ "ssd security only", SSD(.ata_security = true, .ata_security_enhanced = true), -KESU_EUNSUPPORTED, "",
	  "ata-security-erase-enhanced, ata-security-erase" },
	{ "ssd security frozen", SSD(.ata_security = true, .ata_security_enhanced = true,
				     .ata_security_frozen = true), -KESU_EUNSUPPORTED, "", "count as Clear" },
	{ "ssd locked", SSD(.ata_sanitize_block = true, .ata_security = true, .ata_security_locked = true),
	  -KESU_EUNSUPPORTED, "", "locked" },
	{ "ssd usb", SSD(.usb_bridge = true, .ata_sanitize_block = true), -KESU_EUNSUPPORTED, "", "USB bridge" },
	/* NVMe SSDs: sanitize block > sanitize crypto > format crypto > format erase. */
	{ "nvme all", NVME(.nvme_sanitize_block = true, .nvme_sanitize_crypto = true,
			   .nvme_sanitize_overwrite = true, .nvme_format = true, .nvme_format_crypto = true),
	  0, "nvme-sanitize-block", "NVMe SSD" },
	{ "nvme sanitize crypto", NVME(.nvme_sanitize_crypto = true, .nvme_format = true,
				       .nvme_format_crypto = true), 0, "nvme-sanitize-crypto", "encryption" },
	{ "nvme format crypto", NVME(.nvme_format = true, .nvme_format_crypto = true), 0, "nvme-format-crypto",
	  "no Sanitize" },
	{ "nvme format only", NVME(.nvme_format = true), 0, "nvme-format-erase", "read-back" },
	{ "nvme sanitize overwrite only", NVME(.nvme_sanitize_overwrite = true), -KESU_EUNSUPPORTED, "",
	  "nvme-sanitize-overwrite" },
	{ "nvme nothing", NVME(.rotational = false), -KESU_EUNSUPPORTED, "", "destroy it" },
	{ "nvme hdd", NVME(.rotational = true, .nvme_sanitize_overwrite = true, .nvme_sanitize_crypto = true),
	  0, "nvme-sanitize-overwrite", "NVMe hard disk" },
	{ "nvme usb", NVME(.usb_bridge = true, .nvme_format = true), -KESU_EUNSUPPORTED, "", "connect it directly" },
	/* SCSI / SAS. */
	{ "scsi ssd", SCSI(.scsi_sanitize_block = true, .scsi_sanitize_crypto = true,
			   .scsi_sanitize_overwrite = true), 0, "scsi-sanitize-block", "SCSI/SAS SSD" },
	{ "scsi ssd crypto", SCSI(.scsi_sanitize_crypto = true), 0, "scsi-sanitize-crypto", "" },
	{ "scsi hdd", SCSI(.rotational = true, .scsi_sanitize_crypto = true, .scsi_sanitize_overwrite = true), 0,
	  "scsi-sanitize-overwrite", "SCSI/SAS hard disk" },
	{ "scsi hdd crypto", SCSI(.rotational = true, .scsi_sanitize_crypto = true), 0, "scsi-sanitize-crypto",
	  "" },
	{ "scsi nothing", SCSI(.rotational = true), -KESU_EUNSUPPORTED, "", "no firmware command" },
	/* Other transports and nothing at all. */
	{ "virtio", { .bus = KESU_BUS_OTHER, .purge = { .ata_sanitize_block = KESU_YES } }, -KESU_EUNSUPPORTED, "",
	  "no firmware erase commands" },
	{ "ata nothing", HDD(.hpa_removable = true), -KESU_EUNSUPPORTED, "", "Clear" },
	/* Capabilities of another bus never count. */
	{ "ata with nvme bits", SSD(.nvme_sanitize_block = true, .scsi_sanitize_block = true),
	  -KESU_EUNSUPPORTED, "", "" },
};

Test(purge, decision_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct purge_case *c = &cases[i];
		struct kesu_purge_choice out;
		memset(&out, 0xa5, sizeof(out));
		int rc = kesu_purge_choose(&c->caps, &out);
		cr_expect_eq(rc, c->rc, "%s: rc %d, want %d (%s)", c->name, rc, c->rc, out.reason);
		cr_expect_str_eq(out.method_id, c->method, "%s: chose %s", c->name, out.method_id);
		if (c->rc == 0)
			cr_expect_eq(out.level, KESU_NIST_PURGE, "%s", c->name);
		else
			cr_expect_eq((int)out.level, 0, "%s", c->name);
		cr_expect(strlen(out.reason) > 0 && strlen(out.reason) < sizeof(out.reason), "%s", c->name);
		cr_expect_null(strchr(out.reason, '\n'), "%s: reason is one line", c->name);
		cr_expect_not_null(strstr(out.reason, c->phrase), "%s: reason \"%s\" lacks \"%s\"", c->name,
				   out.reason, c->phrase);
		/* The library names no option; the remedy is a bit for the front end. */
		cr_expect_null(strstr(out.reason, "--"), "%s: an option in \"%s\"", c->name, out.reason);
		unsigned want = c->caps.purge.usb_bridge == KESU_YES && c->caps.bus != KESU_BUS_OTHER
					? KESU_REMEDY_ALLOW_USB
				: rc == 0 && c->caps.bus == KESU_BUS_ATA && c->caps.purge.hpa_removable == KESU_YES
					? KESU_REMEDY_HPA_RESTORE : 0;
		cr_expect_eq(out.remedies, want, "%s: remedies %#x, want %#x", c->name, out.remedies, want);
		/* Whatever is chosen must itself be Purge on that media. */
		if (rc == 0)
			cr_expect_eq(kesu_purge_level(out.method_id, &c->caps.purge), KESU_NIST_PURGE, "%s", c->name);
	}
}

Test(purge, null_arguments)
{
	struct kesu_drive_caps caps = {0};
	struct kesu_purge_choice out;
	cr_assert_eq(kesu_purge_choose(NULL, &out), -EINVAL);
	cr_assert_eq(kesu_purge_choose(&caps, NULL), -EINVAL);
	cr_assert_eq(kesu_purge_level(NULL, &caps.purge), -EINVAL);
	cr_assert_eq(kesu_purge_level("ata-security-erase", NULL), -EINVAL);
}

struct level_case {
	const char *id;
	int on_disk, on_flash;
};

/* The per-method table of docs/firmware.md. */
static const struct level_case levels[] = {
	{ "ata-security-erase", KESU_NIST_CLEAR, KESU_NIST_CLEAR },
	{ "ata-security-erase-enhanced", KESU_NIST_PURGE, KESU_NIST_CLEAR },
	{ "ata-sanitize-crypto", KESU_NIST_PURGE, KESU_NIST_PURGE },
	{ "ata-sanitize-block", -KESU_EUNSUPPORTED, KESU_NIST_PURGE },
	{ "ata-sanitize-overwrite", KESU_NIST_PURGE, KESU_NIST_CLEAR },
	{ "nvme-format-erase", KESU_NIST_PURGE, KESU_NIST_PURGE },
	{ "nvme-format-crypto", KESU_NIST_PURGE, KESU_NIST_PURGE },
	{ "nvme-sanitize-block", -KESU_EUNSUPPORTED, KESU_NIST_PURGE },
	{ "nvme-sanitize-crypto", KESU_NIST_PURGE, KESU_NIST_PURGE },
	{ "nvme-sanitize-overwrite", KESU_NIST_PURGE, KESU_NIST_CLEAR },
	{ "scsi-sanitize-block", -KESU_EUNSUPPORTED, KESU_NIST_PURGE },
	{ "scsi-sanitize-crypto", KESU_NIST_PURGE, KESU_NIST_PURGE },
	{ "scsi-sanitize-overwrite", KESU_NIST_PURGE, KESU_NIST_CLEAR },
};

Test(purge, method_levels)
{
	struct kesu_erase_caps disk = {.rotational = KESU_YES}, flash = {.rotational = KESU_NO};
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		cr_expect_eq(kesu_purge_level(levels[i].id, &disk), levels[i].on_disk, "%s on disk", levels[i].id);
		cr_expect_eq(kesu_purge_level(levels[i].id, &flash), levels[i].on_flash, "%s on flash",
			     levels[i].id);
	}
	cr_assert_eq(kesu_purge_level("dod-3pass", &disk), -KESU_ENOTFOUND);
	cr_assert_eq(kesu_purge_level("", &flash), -KESU_ENOTFOUND);
}

Test(purge, caps_from_ata_identify)
{
	struct kesu_ata_identify id = {0};
	struct kesu_drive_caps drive = {.bus = KESU_BUS_ATA};
	struct kesu_erase_caps *caps = &drive.purge;
	struct kesu_purge_choice out;
	id.rotation_rate = 7200;
	id.security_supported = true;
	id.security_enhanced_supported = true;
	id.security_frozen = true;
	id.sanitize_supported = false;
	id.sanitize_overwrite = true; /* ignored: the feature set is not supported */
	kesu_purge_caps_from_ata(&id, caps);
	cr_assert_eq(caps->rotational, KESU_YES);
	cr_assert(caps->ata_security == KESU_YES && caps->ata_security_enhanced == KESU_YES &&
		  caps->ata_security_frozen == KESU_YES);
	cr_assert_eq(caps->ata_sanitize_overwrite, KESU_NO);
	cr_assert_eq(kesu_purge_choose(&drive, &out), -KESU_EUNSUPPORTED);
	cr_assert_not_null(strstr(out.reason, "hot-plug"));

	id.security_frozen = false;
	kesu_purge_caps_from_ata(&id, caps);
	cr_assert_eq(kesu_purge_choose(&drive, &out), 0);
	cr_assert_str_eq(out.method_id, "ata-security-erase-enhanced");

	id.rotation_rate = 1; /* non-rotating: the same drive as an SSD */
	id.sanitize_supported = true;
	id.sanitize_crypto = true;
	kesu_purge_caps_from_ata(&id, caps);
	cr_assert_eq(caps->rotational, KESU_NO);
	cr_assert_eq(kesu_purge_choose(&drive, &out), 0);
	cr_assert_str_eq(out.method_id, "ata-sanitize-crypto");

	id.rotation_rate = 0; /* unknown counts as flash */
	kesu_purge_caps_from_ata(&id, caps);
	cr_assert_eq(caps->rotational, KESU_NO);
}

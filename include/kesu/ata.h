/* ATA IDENTIFY DEVICE data: what a SATA drive says about itself, including
 * the facts firmware erasure depends on (security, sanitize, HPA). */
#ifndef KESU_ATA_H
#define KESU_ATA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KESU_ATA_IDENTIFY_SIZE 512
/* The longest ATA security password (the SECURITY payload holds 32 bytes). */
#define KESU_ATA_PASSWORD_MAX 32

struct kesu_ata_identify {
	char model[41], serial[21], firmware[9];
	char wwn[19];                  /* "0x" + 16 hex digits, "" if none */
	uint64_t sectors;              /* user-addressable (48-bit or 28-bit count) */
	unsigned logical_sector;       /* bytes */
	unsigned physical_sector;      /* bytes */
	unsigned rotation_rate;        /* 0 unknown, 1 non-rotating (SSD), else rpm */
	bool trim;                     /* DATA SET MANAGEMENT / TRIM */
	bool hpa_supported, hpa_enabled;
	/* Word 128: the Security feature set. */
	bool security_supported, security_enabled, security_locked, security_frozen,
	     security_count_expired, security_enhanced_supported;
	unsigned erase_minutes;          /* SECURITY ERASE UNIT estimate, 0 unknown */
	unsigned enhanced_erase_minutes; /* enhanced, 0 unknown */
	/* The field was saturated (0xFF, or 0x7FFF extended): the time is more
	 * than the minutes above (508, 65532), by an unknown amount. */
	bool erase_minutes_over, enhanced_erase_minutes_over;
	/* ACS-3 Accessible Max Address Configuration (word 119 bit 8 on an
	 * ACS-3 or later drive, hdparm's test): the HPA is read and set with
	 * GET NATIVE MAX ADDRESS EXT / SET ACCESSIBLE MAX ADDRESS EXT (78h). */
	bool amax_supported;
	/* Word 59: the SANITIZE feature set. */
	bool sanitize_supported, sanitize_crypto, sanitize_overwrite, sanitize_block;
};

/* Parses 512 bytes of IDENTIFY DEVICE data. Returns 0, or -KESU_EPARSE
 * when the checksum word says the data is corrupt or the data is not
 * ATA (word 0 bit 15 set: a packet device). */
int kesu_ata_identify_parse(const uint8_t data[KESU_ATA_IDENTIFY_SIZE], struct kesu_ata_identify *id);

/* The IDENTIFY data inside SCSI VPD page 0x89 (ATA Information), which
 * libata exposes in sysfs as vpd_pg89: 512 bytes at offset 60. Returns a
 * pointer into page, or NULL if it holds none. */
const uint8_t *kesu_vpd89_identify(const uint8_t *page, size_t len);
#endif

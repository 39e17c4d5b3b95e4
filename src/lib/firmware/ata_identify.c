#include <stdio.h>
#include <string.h>

#include "byteorder.h"
#include "kesu/ata.h"
#include "kesu/error.h"
#include "sysfs.h"

/* IDENTIFY data is 256 little-endian words. */
static unsigned word(const uint8_t *d, unsigned w)
{
	return kesu_load_le16(d + 2 * w);
}

/* ATA strings store two characters per word, high byte first. */
static void ata_string(const uint8_t *d, unsigned first, unsigned words, char *out, size_t size)
{
	uint8_t raw[80];
	for (unsigned i = 0; i < words; i++)
		kesu_store_be16(raw + 2 * i, (uint16_t)word(d, first + i));
	Kesu_trim_copy(out, size, (const char *)raw, 2 * words);
}

/* Words 89/90: units of 2 minutes; bit 15 set means bits 14:0 hold the
 * time (ACS-3 extended format), else bits 7:0. The largest value of
 * each form means "more than": 0xFF more than 508 minutes, 0x7FFF more
 * than 65532 (hdparm's reading). */
static unsigned erase_minutes(unsigned w, bool *over)
{
	bool ext = w & 0x8000;
	unsigned units = ext ? w & 0x7fff : w & 0xff;
	*over = units == (ext ? 0x7fffu : 0xffu);
	return *over ? (units - 1) * 2 : units * 2;
}

int kesu_ata_identify_parse(const uint8_t data[KESU_ATA_IDENTIFY_SIZE], struct kesu_ata_identify *id)
{
	memset(id, 0, sizeof(*id));
	if (word(data, 0) & 0x8000)
		return -KESU_EPARSE; /* ATAPI: not a disk */
	/* Word 255: signature A5h in the low byte means the high byte makes
	 * the sum of all 512 bytes zero. QEMU leaves it 0 (no checksum). */
	if ((word(data, 255) & 0xff) == 0xa5) {
		uint8_t sum = 0;
		for (unsigned i = 0; i < KESU_ATA_IDENTIFY_SIZE; i++)
			sum = (uint8_t)(sum + data[i]);
		if (sum != 0)
			return -KESU_EPARSE;
	}
	ata_string(data, 10, 10, id->serial, sizeof(id->serial));
	ata_string(data, 23, 4, id->firmware, sizeof(id->firmware));
	ata_string(data, 27, 20, id->model, sizeof(id->model));

	bool lba48 = word(data, 83) & (1u << 10);
	uint64_t s48 = kesu_load_le64(data + 2 * 100); /* words 100..103, low word first */
	id->sectors = lba48 && s48 ? s48 : kesu_load_le32(data + 2 * 60); /* words 60..61 */

	id->logical_sector = 512;
	unsigned w106 = word(data, 106);
	if ((w106 & 0xc000) == 0x4000) { /* word 106 is valid */
		if (w106 & (1u << 12)) /* logical sector longer than 256 words */
			id->logical_sector = 2 * kesu_load_le32(data + 2 * 117); /* words 117..118 */
		id->physical_sector = id->logical_sector << (w106 & (1u << 13) ? w106 & 0xf : 0);
	} else {
		id->physical_sector = id->logical_sector;
	}

	if ((word(data, 108) >> 12) != 0) /* NAA field set: a WWN is there */
		snprintf(id->wwn, sizeof(id->wwn), "0x%04x%04x%04x%04x", word(data, 108),
			 word(data, 109), word(data, 110), word(data, 111));
	id->rotation_rate = word(data, 217) == 0xffff ? 0 : word(data, 217);
	id->trim = word(data, 169) & 1;
	id->hpa_supported = word(data, 82) & (1u << 10);
	id->hpa_enabled = word(data, 85) & (1u << 10);

	unsigned sec = word(data, 128);
	id->security_supported = sec & 1;
	if (id->security_supported) {
		id->security_enabled = sec & (1u << 1);
		id->security_locked = sec & (1u << 2);
		id->security_frozen = sec & (1u << 3);
		id->security_count_expired = sec & (1u << 4);
		id->security_enhanced_supported = sec & (1u << 5);
		id->erase_minutes = erase_minutes(word(data, 89), &id->erase_minutes_over);
		id->enhanced_erase_minutes = erase_minutes(word(data, 90), &id->enhanced_erase_minutes_over);
	}
	unsigned w80 = word(data, 80); /* major version: bit 10 ACS-3, 11 ACS-4 ... */
	id->amax_supported = w80 != 0xffff && (w80 & 0xfc00) && (word(data, 119) & (1u << 8));
	unsigned w59 = word(data, 59);
	id->sanitize_supported = w59 & (1u << 12);
	if (id->sanitize_supported) {
		id->sanitize_crypto = w59 & (1u << 13);
		id->sanitize_overwrite = w59 & (1u << 14);
		id->sanitize_block = w59 & (1u << 15);
	}
	return 0;
}

const uint8_t *kesu_vpd89_identify(const uint8_t *page, size_t len)
{
	if (len < 60 + KESU_ATA_IDENTIFY_SIZE || page[1] != 0x89)
		return NULL;
	return page + 60;
}

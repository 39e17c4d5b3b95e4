/* A simulated SATA drive behind the kesu_passthru_ops table: IDENTIFY
 * data, the Security feature set (SEC1..SEC6), SANITIZE with status
 * polling, HPA (READ NATIVE MAX EXT / SET MAX ADDRESS EXT), DEVICE
 * CONFIGURATION IDENTIFY, and injected failures. It decodes the ATA
 * PASS-THROUGH(16) CDB from its bytes (not from the struct) and checks the
 * layout of docs/device-commands.md, so every builder is tested end to end; its
 * answers go through Kesu_ata_check() the way sgio.c's do. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "sim_internal.h"

#ifndef KESU_SIM_FIXTURES
#error "KESU_SIM_FIXTURES (tests/fixtures) must be defined"
#endif

static uint16_t word(const uint8_t *d, unsigned w)
{
	return (uint16_t)(d[2 * w] | d[2 * w + 1] << 8);
}

static void set_word(uint8_t *d, unsigned w, uint16_t v)
{
	d[2 * w] = (uint8_t)v;
	d[2 * w + 1] = (uint8_t)(v >> 8);
}

static void set_bit(uint8_t *d, unsigned w, uint16_t bit, bool on)
{
	set_word(d, w, (uint16_t)((word(d, w) & ~bit) | (on ? bit : 0)));
}

/* Word 255: signature A5h, and the byte that makes the sum of all 512 zero. */
static void checksum(uint8_t *d)
{
	d[510] = 0xa5;
	uint8_t sum = 0;
	for (int i = 0; i < 511; i++)
		sum = (uint8_t)(sum + d[i]);
	d[511] = (uint8_t)-sum;
}

/* Words 89/90: units of 2 minutes, rounded up; over 255 units the
 * extended format (bit 15 set, bits 14:0). 0 = not reported. */
static uint16_t erase_time_word(unsigned minutes)
{
	unsigned units = (minutes + 1) / 2;
	if (units <= 0xff)
		return (uint16_t)units;
	return (uint16_t)(0x8000 | (units > 0x7fff ? 0x7fff : units));
}

static uint64_t native_sectors(const struct sim_ata *d)
{
	return d->bytes / (d->logical_sector ? d->logical_sector : 512);
}

/* What IDENTIFY reports: the native size less the HPA, unless opened. */
static uint64_t visible_sectors(const struct sim_ata *d)
{
	uint64_t n = native_sectors(d);
	if (d->hpa_volatile_open || d->hpa_sectors >= n)
		return n;
	return n - d->hpa_sectors;
}

void sim_ata_refresh_identify(struct sim_ata *d)
{
	uint8_t *id = d->identify;
	uint16_t w128 = 0;
	if (d->sec_supported) {
		w128 = (uint16_t)(0x0001 | (d->enabled ? 0x0002 : 0) | (d->locked ? 0x0004 : 0) |
				  (d->frozen ? 0x0008 : 0) |
				  (d->attempts >= SIM_ATA_MAX_ATTEMPTS ? 0x0010 : 0) |
				  (d->sec_enhanced ? 0x0020 : 0));
	}
	set_word(id, 128, w128);
	set_bit(id, 82, 0x0002, d->sec_supported);
	set_bit(id, 85, 0x0002, d->enabled);
	set_word(id, 89, d->sec_supported ? erase_time_word(d->erase_minutes) : 0);
	set_word(id, 90, d->sec_supported && d->sec_enhanced ? erase_time_word(d->enhanced_minutes) : 0);
	uint16_t w59 = (uint16_t)(word(id, 59) & 0x0fff);
	if (d->san_supported)
		w59 |= (uint16_t)(0x1000 | (d->san_crypto ? 0x2000 : 0) | (d->san_overwrite ? 0x4000 : 0) |
				  (d->san_block ? 0x8000 : 0));
	set_word(id, 59, w59);
	/* HPA feature set (82/85 bit 10), DCO (83/86 bit 11), 48-bit (83 bit 10). */
	set_bit(id, 82, 0x0400, true);
	set_bit(id, 85, 0x0400, true);
	set_bit(id, 83, 0x0800, true);
	set_bit(id, 86, 0x0800, true);
	/* ACS-3 (word 80 bit 10) with Accessible Max Address Configuration
	 * (word 119 bit 8, bit 14 the word's validity). */
	set_bit(id, 80, 0x0400, d->amax);
	set_bit(id, 119, 0x0100, d->amax);
	if (d->amax)
		set_bit(id, 119, 0x4000, true);
	if (d->logical_sector && d->logical_sector != 512) {
		/* Word 106: valid (bits 15:14 = 01b), logical sector longer than
		 * 256 words (bit 12), one logical per physical sector; words
		 * 117-118: the logical sector's length in words. */
		set_word(id, 106, 0x5000);
		set_word(id, 117, (uint16_t)(d->logical_sector / 2));
		set_word(id, 118, (uint16_t)(d->logical_sector / 2 >> 16));
	}
	uint64_t sectors = visible_sectors(d);
	uint32_t s28 = sectors > 0x0fffffff ? 0x0fffffff : (uint32_t)sectors;
	set_word(id, 60, (uint16_t)s28);
	set_word(id, 61, (uint16_t)(s28 >> 16));
	for (unsigned i = 0; i < 4; i++)
		set_word(id, 100 + i, (uint16_t)(sectors >> (16 * i)));
	checksum(id);
}

struct sim_ata *sim_ata_new(int fd, uint64_t bytes, bool rotational)
{
	struct sim_ata *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	const char *path = rotational ? KESU_SIM_FIXTURES "/ata/sata-hdd.identify.bin"
				      : KESU_SIM_FIXTURES "/ata/sata-ssd.identify.bin";
	FILE *f = fopen(path, "rb");
	if (!f || fread(d->identify, 1, 512, f) != 512) {
		fprintf(stderr, "kesu-sim: cannot read %s\n", path);
		if (f)
			fclose(f);
		free(d);
		return NULL;
	}
	fclose(f);
	d->fd = fd;
	d->bytes = bytes;
	d->erase_minutes = 4;
	d->enhanced_minutes = 6;
	d->sec_supported = d->sec_enhanced = true;
	d->san_supported = d->san_crypto = d->san_block = d->san_overwrite = true;
	d->san_polls = 3;
	sim_ata_refresh_identify(d);
	return d;
}

void sim_ata_free(struct sim_ata *d)
{
	free(d);
}

void sim_ata_power_cycle(struct sim_ata *d)
{
	d->locked = d->enabled;
	d->frozen = false;
	d->attempts = 0;
	d->prepared = false;
	d->native_read = false;
	d->hpa_volatile_open = false;
	sim_ata_refresh_identify(d);
}

/* Decoded CDB fields, read from the bytes per SAT / docs/device-commands.md. */
struct regs {
	unsigned protocol;
	bool ext;
	uint16_t feature, count;
	uint64_t lba;
	uint8_t device, command;
};

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond))                                                                       \
			return sim_failf(__VA_ARGS__);                                             \
	} while (0)

/* false (after sim_violation) when the bytes break the layout. */
static bool decode(const uint8_t cdb[16], const struct kesu_ata_cmd *cmd, struct regs *r)
{
	CHECK(cdb[0] == 0x85, "ATA PASS-THROUGH(16) opcode: got 0x%02x", cdb[0]);
	r->protocol = cdb[1] >> 1 & 0x0f;
	r->ext = cdb[1] & 1;
	CHECK((cdb[1] & 0xe0) == 0, "MULTIPLE_COUNT is 0");
	switch (r->protocol) {
	case 3: CHECK(cdb[2] == 0x20, "non-data: byte 2 is CK_COND only, got 0x%02x", cdb[2]); break;
	case 4: CHECK(cdb[2] == 0x0e, "PIO-in: T_DIR|BYTE_BLOCK|T_LENGTH=2, got 0x%02x", cdb[2]); break;
	case 5: CHECK(cdb[2] == 0x06, "PIO-out: BYTE_BLOCK|T_LENGTH=2, got 0x%02x", cdb[2]); break;
	default: return sim_failf("protocol %u", r->protocol);
	}
	r->feature = (uint16_t)(cdb[3] << 8 | cdb[4]);
	r->count = (uint16_t)(cdb[5] << 8 | cdb[6]);
	r->lba = (uint64_t)cdb[11] << 40 | (uint64_t)cdb[9] << 32 | (uint64_t)cdb[7] << 24 |
		 (uint64_t)cdb[12] << 16 | (uint64_t)cdb[10] << 8 | cdb[8];
	r->device = cdb[13];
	r->command = cdb[14];
	CHECK(cdb[15] == 0, "CONTROL 0");
	CHECK(r->device == 0x40, "DEVICE 0x40, got 0x%02x", r->device);
	if (!r->ext)
		CHECK(cdb[3] == 0 && cdb[5] == 0 && cdb[7] == 0 && cdb[9] == 0 && cdb[11] == 0,
		      "28-bit command 0x%02x: high bytes 0", r->command);
	if (r->protocol != 3) {
		CHECK(r->count == 1, "one 512-byte block, COUNT %u", r->count);
		CHECK(cmd->data_len == 512, "data length 512, got %zu", cmd->data_len);
		CHECK(cmd->data != NULL, "a data buffer");
	}
	/* Each command's own layout. */
	switch (r->command) {
	case KESU_ATA_IDENTIFY:
		CHECK(r->protocol == 4 && !r->ext, "IDENTIFY: 28-bit PIO-in");
		break;
	case KESU_ATA_SEC_SET_PASSWORD:
	case KESU_ATA_SEC_UNLOCK:
	case KESU_ATA_SEC_ERASE_UNIT:
	case KESU_ATA_SEC_DISABLE_PASSWORD:
		CHECK(r->protocol == 5 && !r->ext, "security command 0x%02x: 28-bit PIO-out", r->command);
		break;
	case KESU_ATA_SEC_ERASE_PREPARE:
		CHECK(r->protocol == 3 && !r->ext && r->count == 0 && r->lba == 0,
		      "ERASE PREPARE: 28-bit non-data, COUNT and LBA 0");
		break;
	case KESU_ATA_SANITIZE:
		CHECK(r->protocol == 3 && r->ext, "SANITIZE: 48-bit non-data");
		break;
	case KESU_ATA_READ_NATIVE_MAX_EXT:
		CHECK(r->protocol == 3 && r->ext && r->lba == 0 && r->count == 0 && r->feature == 0,
		      "READ NATIVE MAX EXT: 48-bit non-data, registers 0");
		break;
	case KESU_ATA_SET_MAX_ADDRESS_EXT:
		CHECK(r->protocol == 3 && r->ext && r->feature == 0 && (r->count & ~1u) == 0,
		      "SET MAX ADDRESS EXT: 48-bit non-data, FEATURE 0, COUNT bit 0 only");
		break;
	case KESU_ATA_ACCESSIBLE_MAX_ADDRESS:
		CHECK(r->protocol == 3 && r->ext && r->count == 0 && r->feature <= 1 &&
		      (r->feature == 1 || r->lba == 0),
		      "78h: 48-bit non-data, COUNT 0, FEATURE 0000h (LBA 0) or 0001h");
		break;
	case KESU_ATA_DEVICE_CONFIGURATION:
		CHECK(r->feature != 0xc2 || (r->protocol == 4 && !r->ext && r->lba == 0),
		      "DEVICE CONFIGURATION IDENTIFY: 28-bit PIO-in, LBA 0");
		break;
	default:
		return sim_failf("unexpected ATA command 0x%02x", r->command);
	}
	return true;
}

/* The outcome of one command, before it is turned into SG_IO fields. */
struct out {
	bool error;      /* ERR set, with errreg (ABRT unless said) */
	uint8_t errreg;
	uint16_t count;
	uint64_t lba;
};

static void fail(struct out *o, uint8_t errreg)
{
	o->error = errreg != 0;
	o->errreg = errreg;
}

#define ABRT KESU_ATA_ERROR_ABRT

#define ATA_ERROR_UNC 0x40 /* a write of the simulated erase failed */

static bool pw_matches(const struct sim_ata *d, const uint8_t *payload)
{
	bool master = payload[0] & 0x01;
	return memcmp(master ? d->master_pw : d->user_pw, payload + 2, 32) == 0;
}

/* A wrong password: counted; after 5 the drive refuses until power-off. */
static uint8_t wrong(struct sim_ata *d)
{
	if (d->attempts < SIM_ATA_MAX_ATTEMPTS)
		d->attempts++;
	return ABRT;
}

static int erase_fill(struct sim_ata *d, bool enhanced)
{
	if (d->liar)
		return 0;
	return sim_fill_byte(d->fd, d->bytes, enhanced ? SIM_ATA_ENHANCED_BYTE : 0x00);
}

/* 0 or the error register of the refusal. */
static uint8_t security(struct sim_ata *d, const struct regs *r, const uint8_t *payload, bool was_prepared)
{
	bool expired = d->attempts >= SIM_ATA_MAX_ATTEMPTS;
	memcpy(d->last_password, payload + 2, 32);
	if (!d->sec_supported)
		return ABRT;
	switch (r->command) {
	case KESU_ATA_SEC_SET_PASSWORD:
		if (d->frozen || d->locked)
			return ABRT;
		if (payload[0] & 0x01) {
			memcpy(d->master_pw, payload + 2, 32);
		} else {
			memcpy(d->user_pw, payload + 2, 32);
			d->enabled = true;
		}
		return 0;
	case KESU_ATA_SEC_UNLOCK:
		if (d->frozen || expired)
			return ABRT;
		if (!pw_matches(d, payload))
			return wrong(d);
		d->locked = false;
		return 0;
	case KESU_ATA_SEC_DISABLE_PASSWORD:
		if (d->frozen || d->locked || expired || d->disable_fails)
			return ABRT;
		if (!pw_matches(d, payload))
			return wrong(d);
		d->enabled = false;
		memset(d->user_pw, 0, 32);
		return 0;
	case KESU_ATA_SEC_ERASE_UNIT: {
		bool enhanced = payload[0] & 0x02;
		/* Simplification: kesu always sets a password first. */
		if (!was_prepared || d->frozen || expired || !d->enabled || (enhanced && !d->sec_enhanced))
			return ABRT;
		if (!pw_matches(d, payload))
			return wrong(d);
		if (d->erase_fails)
			return ABRT; /* the password stays set */
		if (erase_fill(d, enhanced) < 0)
			return ABRT | ATA_ERROR_UNC;
		d->enabled = d->locked = false;
		memset(d->user_pw, 0, 32);
		d->attempts = 0;
		return 0;
	}
	}
	return ABRT;
}

/* The data a finished sanitize leaves. 0 or -errno. */
static int sanitize_fill(struct sim_ata *d)
{
	if (d->liar)
		return 0;
	switch (d->san_feature) {
	case KESU_ATA_SANITIZE_OVERWRITE: {
		/* The 32-bit pattern from LBA 31:0, most significant byte first. */
		uint8_t pat[4] = {(uint8_t)(d->san_pattern >> 24), (uint8_t)(d->san_pattern >> 16),
				  (uint8_t)(d->san_pattern >> 8), (uint8_t)d->san_pattern};
		unsigned passes = d->san_count & 0x0f ? d->san_count & 0x0f : 16;
		sim_overwrite_final(pat, 4, passes, d->san_count & 0x80);
		return sim_fill_pattern(d->fd, d->bytes, pat, 4);
	}
	case KESU_ATA_SANITIZE_CRYPTO:
		return sim_fill_crypto(d->fd, d->bytes);
	default:
		return sim_fill_byte(d->fd, d->bytes, 0x00);
	}
}

static uint8_t sanitize(struct sim_ata *d, const struct regs *r, struct out *o)
{
	if (!d->san_supported)
		return ABRT;
	if (r->feature == KESU_ATA_SANITIZE_STATUS) {
		unsigned total = d->san_polls > d->san_polls_left ? d->san_polls : d->san_polls_left;
		if (d->san_running && d->san_polls_left && --d->san_polls_left == 0) {
			d->san_running = false;
			d->san_failed = d->san_fails || sanitize_fill(d) < 0;
		}
		if (d->san_failed && d->san_fail_aborts && !d->san_running) {
			o->lba = KESU_ATA_SANITIZE_ERR_FAILED; /* LBA 7:0: the reason */
			return ABRT;
		}
		o->count = d->san_running ? KESU_ATA_SANITIZE_IN_PROGRESS
			 : d->san_failed  ? 0
					  : KESU_ATA_SANITIZE_DONE_OK;
		if (d->san_frozen && !d->san_running)
			o->count |= KESU_ATA_SANITIZE_FROZEN;
		if (d->san_running && total) {
			uint64_t p = (uint64_t)(total - d->san_polls_left) * 0x10000 / total;
			o->lba = p > 0xffff ? 0xffff : p;
		}
		return 0;
	}
	if (d->san_frozen && !d->san_running) {
		o->lba = KESU_ATA_SANITIZE_ERR_FROZEN;
		return ABRT;
	}
	if (d->san_running || d->locked || d->frozen)
		return ABRT;
	switch (r->feature) {
	case KESU_ATA_SANITIZE_CRYPTO:
		if (!d->san_crypto || r->lba != KESU_ATA_SANITIZE_KEY_CRYPTO || (r->count & ~0x10))
			return ABRT;
		break;
	case KESU_ATA_SANITIZE_BLOCK:
		if (!d->san_block || r->lba != KESU_ATA_SANITIZE_KEY_BLOCK || (r->count & ~0x10))
			return ABRT;
		break;
	case KESU_ATA_SANITIZE_OVERWRITE:
		if (!d->san_overwrite || r->lba >> 32 != KESU_ATA_SANITIZE_KEY_OVERWRITE || (r->count & 0xff60))
			return ABRT;
		d->san_pattern = (uint32_t)r->lba;
		d->san_count = r->count;
		break;
	default:
		return ABRT;
	}
	d->san_feature = r->feature;
	d->san_running = true;
	d->san_failed = false;
	d->san_polls_left = d->san_polls ? d->san_polls : 1;
	return 0;
}

static uint8_t set_max(struct sim_ata *d, const struct regs *r, bool was_native_read)
{
	/* Real drives abort it unless READ NATIVE MAX EXT came directly
	 * before; the sim only opens the area all the way. */
	if (!was_native_read || r->lba != native_sectors(d) - 1)
		return ABRT;
	if (r->count & 1)
		d->hpa_sectors = 0; /* VV: for good */
	else
		d->hpa_volatile_open = true;
	return 0;
}

/* GET NATIVE MAX ADDRESS EXT / SET ACCESSIBLE MAX ADDRESS EXT: ACS-3
 * keeps the setting across power cycles (no volatile form). */
static uint8_t accessible_max(struct sim_ata *d, const struct regs *r, struct out *o)
{
	if (!d->amax)
		return ABRT;
	if (r->feature == 0) {
		o->lba = native_sectors(d) - 1;
		return 0;
	}
	if (r->lba != native_sectors(d) - 1)
		return ABRT; /* the sim only opens the area all the way */
	d->hpa_sectors = 0;
	return 0;
}

static void dco_identify(const struct sim_ata *d, uint8_t *buf)
{
	memset(buf, 0, 512);
	uint64_t max = native_sectors(d) + d->dco_sectors - 1;
	set_word(buf, 0, 0x0002); /* DCO data structure revision */
	set_word(buf, 1, 0x0007); /* multiword DMA modes */
	set_word(buf, 2, 0x007f); /* Ultra DMA modes */
	for (unsigned i = 0; i < 4; i++)
		set_word(buf, 3 + i, (uint16_t)(max >> (16 * i)));
	set_word(buf, 7, 0x01ff); /* feature sets, HPA (bit 8) among them */
	checksum(buf);
}

/* Sense data as libata builds it: descriptor 0x09 for success and for
 * errors with D_SENSE=1; the pre-6.10 fixed layout for errors otherwise;
 * with fixed_success, successes in the SAT fixed layout while D_SENSE=0. */
static size_t build_sense(const struct sim_ata *d, const struct out *o, bool ext, uint8_t sb[32])
{
	uint8_t status = o->error ? 0x41 : 0x50, error = o->error ? o->errreg : 0;
	memset(sb, 0, 32);
	if (!o->error && d->fixed_success && !d->descriptor_sense) {
		sb[0] = 0xf0; /* VALID | current, fixed */
		sb[2] = 0x01; /* RECOVERED ERROR */
		sb[3] = error;
		sb[4] = status;
		sb[5] = 0x40;
		sb[6] = (uint8_t)o->count;
		sb[7] = 0x0a;
		if (ext && !d->fixed_no_extend)
			sb[8] = (uint8_t)(0x80 | (o->count >> 8 ? 0x40 : 0) | (o->lba >> 24 ? 0x20 : 0));
		sb[9] = (uint8_t)o->lba;
		sb[10] = (uint8_t)(o->lba >> 8);
		sb[11] = (uint8_t)(o->lba >> 16);
		sb[13] = 0x1d; /* ATA PASS-THROUGH INFORMATION AVAILABLE */
		return 18;
	}
	if (o->error && !d->descriptor_sense) {
		sb[0] = 0x70;
		sb[2] = 0x0b; /* ABORTED COMMAND */
		sb[7] = 0x0a;
		sb[8] = error;
		sb[9] = status;
		sb[10] = 0xe0;
		sb[11] = (uint8_t)o->count;
		return 18;
	}
	sb[0] = 0x72;
	sb[1] = o->error ? 0x0b : 0x01; /* ABORTED COMMAND / RECOVERED ERROR */
	sb[3] = o->error ? 0x00 : 0x1d; /* ATA PASS-THROUGH INFORMATION AVAILABLE */
	sb[7] = 14;
	uint8_t *desc = sb + 8;
	desc[0] = 0x09;
	desc[1] = 0x0c;
	desc[2] = ext ? 1 : 0;
	desc[3] = error;
	desc[4] = (uint8_t)(o->count >> 8);
	desc[5] = (uint8_t)o->count;
	desc[6] = (uint8_t)(o->lba >> 24);
	desc[7] = (uint8_t)o->lba;
	desc[8] = (uint8_t)(o->lba >> 32);
	desc[9] = (uint8_t)(o->lba >> 8);
	desc[10] = (uint8_t)(o->lba >> 40);
	desc[11] = (uint8_t)(o->lba >> 16);
	desc[12] = 0x40;
	desc[13] = status;
	return 22;
}

static int sim_ata_op(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	struct sim_ata *d = ctx;
	uint8_t cdb[16], sb[32];
	int rc = Kesu_ata_cdb_pack(cmd, cdb);
	if (rc < 0)
		return rc;
	memcpy(d->last_cdb, cdb, 16);
	if (d->ncmds < sizeof(d->opcodes))
		d->opcodes[d->ncmds] = cdb[14];
	d->ncmds++;
	struct kesu_sg_status st = {0};
	if (d->bridge_blocks) {
		/* The captured answer of usb-storage and virtio-scsi. */
		static const uint8_t blocked[18] = {0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x20};
		st = (struct kesu_sg_status){.status = 0x02, .driver_status = 0x08, .sense = blocked,
					     .sense_len = sizeof(blocked)};
		return Kesu_ata_check(&st, res);
	}
	bool was_prepared = d->prepared, was_native_read = d->native_read;
	d->prepared = d->native_read = false;
	struct regs r = {0};
	struct out o = {0};
	if (!decode(cdb, cmd, &r)) {
		fail(&o, ABRT); /* sim_violation returned: refuse it */
	} else if (d->timeout_opcode > 0 && r.command == d->timeout_opcode) {
		st.host_status = 0x03; /* DID_TIME_OUT */
		return Kesu_ata_check(&st, res);
	} else if (d->abort_opcode > 0 && r.command == d->abort_opcode) {
		fail(&o, ABRT);
	} else if (d->san_running && r.command != KESU_ATA_IDENTIFY && r.command != KESU_ATA_SANITIZE &&
		   r.command != KESU_ATA_READ_NATIVE_MAX_EXT) {
		fail(&o, ABRT);
	} else {
		switch (r.command) {
		case KESU_ATA_IDENTIFY:
			sim_ata_refresh_identify(d);
			memcpy(cmd->data, d->identify, 512);
			break;
		case KESU_ATA_READ_NATIVE_MAX_EXT:
			if (d->legacy_hpa_aborts) {
				fail(&o, ABRT);
				break;
			}
			o.lba = native_sectors(d) - 1;
			d->native_read = true;
			break;
		case KESU_ATA_SET_MAX_ADDRESS_EXT:
			fail(&o, d->legacy_hpa_aborts ? ABRT : set_max(d, &r, was_native_read));
			break;
		case KESU_ATA_ACCESSIBLE_MAX_ADDRESS:
			fail(&o, accessible_max(d, &r, &o));
			break;
		case KESU_ATA_DEVICE_CONFIGURATION:
			if (r.feature == 0xc2)
				dco_identify(d, cmd->data);
			else
				fail(&o, ABRT); /* DCO SET / RESTORE / FREEZE: not simulated */
			break;
		case KESU_ATA_SANITIZE:
			fail(&o, sanitize(d, &r, &o));
			break;
		case KESU_ATA_SEC_ERASE_PREPARE:
			if (!d->sec_supported || d->frozen)
				fail(&o, ABRT);
			else
				d->prepared = true;
			break;
		default:
			fail(&o, security(d, &r, cmd->data, was_prepared));
			break;
		}
	}
	sim_ata_refresh_identify(d);
	if (!o.error && r.protocol != 3)
		return Kesu_ata_check(&st, res); /* data command: GOOD, no sense */
	st.status = 0x02;
	st.driver_status = 0x08;
	st.sense = sb;
	st.sense_len = build_sense(d, &o, r.ext, sb);
	return Kesu_ata_check(&st, res);
}

static void sim_ata_close(void *ctx)
{
	(void)ctx; /* the owner frees the drive */
}

/* The SCSI commands libata itself answers for a SATA disk that kesu
 * sends: MODE SENSE(10) / MODE SELECT(10) of the Control mode page, whose
 * D_SENSE bit is descriptor_sense. Everything else: invalid opcode. */
static int scsi_answer(uint8_t asc, struct kesu_scsi_result *res)
{
	static uint8_t sb[18];
	memset(sb, 0, sizeof(sb));
	sb[0] = 0x70;
	sb[2] = asc ? 0x05 : 0; /* ILLEGAL REQUEST */
	sb[7] = 0x0a;
	sb[12] = asc;
	struct kesu_sg_status st = {.status = asc ? 0x02 : 0, .driver_status = asc ? 0x08 : 0,
				    .sense = asc ? sb : NULL, .sense_len = asc ? sizeof(sb) : 0};
	return Kesu_scsi_check(&st, res);
}

static int sim_ata_scsi(void *ctx, const struct kesu_scsi_cmd *c, struct kesu_scsi_result *res)
{
	struct sim_ata *d = ctx;
	const uint8_t *cdb = c->cdb;
	if (d->ncmds < sizeof(d->opcodes))
		d->opcodes[d->ncmds] = cdb[0];
	d->ncmds++;
	if (d->bridge_blocks)
		return scsi_answer(0x20, res);
	if (cdb[0] == KESU_SCSI_MODE_SENSE_10) {
		unsigned alloc = (unsigned)cdb[7] << 8 | cdb[8];
		if (c->cdb_len != 10 || cdb[1] != 0x08 || cdb[2] != 0x0a || cdb[3] || cdb[9] ||
		    c->dir != KESU_DIR_IN || c->data_len != alloc || !c->data) {
			sim_failf("MODE SENSE(10): DBD, current Control page, data in = allocation length");
			return scsi_answer(0x24, res);
		}
		uint8_t page[20] = {0, 18, 0, 0, 0, 0, 0, 0, /* header: no block descriptors */
				    0x0a, 0x0a, 0x00, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0};
		page[10] = d->descriptor_sense ? 0x04 : 0;
		memset(c->data, 0, c->data_len);
		memcpy(c->data, page, alloc < sizeof(page) ? alloc : sizeof(page));
		return scsi_answer(0, res);
	}
	if (cdb[0] == KESU_SCSI_MODE_SELECT_10) {
		const uint8_t *p = c->data;
		unsigned len = (unsigned)cdb[7] << 8 | cdb[8];
		if (c->cdb_len != 10 || cdb[1] != 0x10 || cdb[9] || c->dir != KESU_DIR_OUT ||
		    c->data_len != len || len != 20 || !p || p[0] || p[1] || p[6] || p[7] ||
		    p[8] != 0x0a || p[9] != 0x0a) {
			sim_failf("MODE SELECT(10): PF, 20 bytes: a bare header and the Control page");
			return scsi_answer(0x24, res);
		}
		if (d->mode_select_refused)
			return scsi_answer(0x24, res);
		d->mode_selects++;
		d->descriptor_sense = p[10] & 0x04;
		return scsi_answer(0, res);
	}
	return scsi_answer(0x20, res);
}

static const struct kesu_passthru_ops sim_ata_ops = {.ata = sim_ata_op, .scsi = sim_ata_scsi,
						      .close = sim_ata_close};

struct kesu_passthru sim_ata_passthru(struct sim_ata *d)
{
	return (struct kesu_passthru){&sim_ata_ops, d};
}

/* A simulated SATA drive behind the kesu_transport_ops table: IDENTIFY
 * data, the Security feature set (SEC1..SEC6), SANITIZE with status
 * polling, READ NATIVE MAX EXT, and injected failures. It decodes the
 * ATA PASS-THROUGH(16) CDB from its bytes (not from the struct) and
 * asserts the layout of REFERENCE section 4, so every builder is tested end
 * to end; its answers go through kesu_ata_check() the way sgio.c's do.
 * Header-only: include after <criterion/criterion.h>. */
#ifndef KESU_SIM_ATA_H
#define KESU_SIM_ATA_H
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/transport.h"

#define SIM_ATA_SECTORS 64
#define SIM_ATA_MAX_ATTEMPTS 5
#define SIM_ATA_ENHANCED_BYTE 0xa5 /* what an enhanced erase leaves */

struct sim_ata {
	uint8_t identify[512];
	uint8_t data[SIM_ATA_SECTORS * 512];
	uint64_t native_max; /* sectors, > SIM_ATA_SECTORS means an HPA */
	/* Security */
	bool sec_supported, sec_enhanced;
	bool enabled, locked, frozen;
	unsigned attempts; /* wrong passwords since power-on */
	uint8_t user_pw[32], master_pw[32];
	bool prepared;     /* the previous command was ERASE PREPARE */
	/* SANITIZE (word 59 bits) */
	bool san_supported, san_crypto, san_block, san_overwrite;
	bool san_running, san_failed;
	unsigned san_polls_left, san_polls; /* status polls until done; to configure */
	uint16_t san_feature;
	uint32_t san_pattern;
	/* Failure injection */
	bool bridge_blocks;    /* every ATA-16 gets ILLEGAL REQUEST, invalid opcode */
	bool descriptor_sense; /* errors in descriptor format (D_SENSE=1), else 6.1 fixed */
	int abort_opcode;      /* > 0: this command aborts (ABRT) */
	int timeout_opcode;    /* > 0: this command times out */
	bool liar;             /* erase/sanitize report success, data untouched */
	bool erase_fails;      /* ERASE UNIT aborts after the password check, password stays */
	/* What was received */
	uint8_t last_cdb[16];
	uint8_t opcodes[64];
	unsigned ncmds;
};

static uint16_t sim_ata_word(const struct sim_ata *d, unsigned w)
{
	return (uint16_t)(d->identify[2 * w] | d->identify[2 * w + 1] << 8);
}

static void sim_ata_set_word(struct sim_ata *d, unsigned w, uint16_t v)
{
	d->identify[2 * w] = (uint8_t)v;
	d->identify[2 * w + 1] = (uint8_t)(v >> 8);
}

/* Word 128 (and 82/85 bit 1, 59, 89/90) from the state; checksum word 255. */
static void sim_ata_refresh_identify(struct sim_ata *d)
{
	uint16_t w128 = 0;
	if (d->sec_supported) {
		w128 = 0x0001 | (d->enabled ? 0x0002 : 0) | (d->locked ? 0x0004 : 0) |
		       (d->frozen ? 0x0008 : 0) | (d->attempts >= SIM_ATA_MAX_ATTEMPTS ? 0x0010 : 0) |
		       (d->sec_enhanced ? 0x0020 : 0);
	}
	sim_ata_set_word(d, 128, w128);
	sim_ata_set_word(d, 82, (uint16_t)((sim_ata_word(d, 82) & ~0x0002) | (d->sec_supported ? 0x0002 : 0)));
	sim_ata_set_word(d, 85, (uint16_t)((sim_ata_word(d, 85) & ~0x0002) | (d->enabled ? 0x0002 : 0)));
	sim_ata_set_word(d, 89, d->sec_supported ? 2 : 0);  /* 4 minutes */
	sim_ata_set_word(d, 90, d->sec_enhanced ? 3 : 0);   /* 6 minutes */
	uint16_t w59 = (uint16_t)(sim_ata_word(d, 59) & 0x0fff);
	if (d->san_supported)
		w59 |= (uint16_t)(0x1000 | (d->san_crypto ? 0x2000 : 0) | (d->san_overwrite ? 0x4000 : 0) |
				  (d->san_block ? 0x8000 : 0));
	sim_ata_set_word(d, 59, w59);
	d->identify[510] = 0xa5;
	uint8_t sum = 0;
	for (int i = 0; i < 511; i++)
		sum = (uint8_t)(sum + d->identify[i]);
	d->identify[511] = (uint8_t)-sum;
}

/* A drive built from the captured QEMU SSD's IDENTIFY data, filled with
 * 0x5a ("old data"), security supported and disabled, not frozen. */
static struct sim_ata *sim_ata_new(void)
{
	struct sim_ata *d = calloc(1, sizeof(*d));
	FILE *f = fopen(KESU_FIXTURES "/ata/sata-ssd.identify.bin", "rb");
	cr_assert(f);
	cr_assert_eq(fread(d->identify, 1, 512, f), 512);
	fclose(f);
	memset(d->data, 0x5a, sizeof(d->data));
	d->native_max = SIM_ATA_SECTORS;
	d->sec_supported = d->sec_enhanced = true;
	d->san_supported = d->san_crypto = d->san_block = d->san_overwrite = true;
	d->san_polls = 3;
	sim_ata_refresh_identify(d);
	return d;
}

/* Power cycle: locked again if a password is set, not frozen, counter reset. */
static void sim_ata_power_cycle(struct sim_ata *d)
{
	d->locked = d->enabled;
	d->frozen = false;
	d->attempts = 0;
	d->prepared = false;
	sim_ata_refresh_identify(d);
}

/* Decoded CDB fields, read from the bytes per SAT / REFERENCE section 4. */
struct sim_ata_regs {
	unsigned protocol;
	bool ext;
	uint16_t feature, count;
	uint64_t lba;
	uint8_t device, command;
};

static struct sim_ata_regs sim_ata_decode(const uint8_t cdb[16], const struct kesu_ata_cmd *cmd)
{
	struct sim_ata_regs r;
	cr_assert_eq(cdb[0], 0x85, "ATA PASS-THROUGH(16) opcode");
	r.protocol = cdb[1] >> 1 & 0x0f;
	r.ext = cdb[1] & 1;
	cr_assert_eq(cdb[1] & 0xe0, 0, "MULTIPLE_COUNT is 0");
	switch (r.protocol) {
	case 3: cr_assert_eq(cdb[2], 0x20, "non-data: CK_COND only"); break;
	case 4: cr_assert_eq(cdb[2], 0x0e, "PIO-in: T_DIR|BYTE_BLOCK|T_LENGTH=2"); break;
	case 5: cr_assert_eq(cdb[2], 0x06, "PIO-out: BYTE_BLOCK|T_LENGTH=2"); break;
	default: cr_assert_fail("protocol %u", r.protocol);
	}
	r.feature = (uint16_t)(cdb[3] << 8 | cdb[4]);
	r.count = (uint16_t)(cdb[5] << 8 | cdb[6]);
	r.lba = (uint64_t)cdb[11] << 40 | (uint64_t)cdb[9] << 32 | (uint64_t)cdb[7] << 24 |
		(uint64_t)cdb[12] << 16 | (uint64_t)cdb[10] << 8 | cdb[8];
	r.device = cdb[13];
	r.command = cdb[14];
	cr_assert_eq(cdb[15], 0, "CONTROL 0");
	cr_assert_eq(r.device, 0x40, "DEVICE 0x40");
	if (!r.ext)
		cr_assert(cdb[3] == 0 && cdb[5] == 0 && cdb[7] == 0 && cdb[9] == 0 && cdb[11] == 0,
			  "28-bit command: high bytes 0");
	if (r.protocol != 3) {
		cr_assert_eq(r.count, 1, "one 512-byte block");
		cr_assert_eq(cmd->data_len, 512);
		cr_assert_not_null(cmd->data);
	}
	/* Each command's own layout. */
	switch (r.command) {
	case KESU_ATA_IDENTIFY: cr_assert(r.protocol == 4 && !r.ext); break;
	case KESU_ATA_SEC_SET_PASSWORD:
	case KESU_ATA_SEC_UNLOCK:
	case KESU_ATA_SEC_ERASE_UNIT:
	case KESU_ATA_SEC_DISABLE_PASSWORD: cr_assert(r.protocol == 5 && !r.ext); break;
	case KESU_ATA_SEC_ERASE_PREPARE: cr_assert(r.protocol == 3 && !r.ext && r.count == 0 && r.lba == 0); break;
	case KESU_ATA_SANITIZE: cr_assert(r.protocol == 3 && r.ext); break;
	case KESU_ATA_READ_NATIVE_MAX_EXT: cr_assert(r.protocol == 3 && r.ext && r.lba == 0); break;
	default: cr_assert_fail("unexpected ATA command 0x%02x", r.command);
	}
	return r;
}

/* The outcome of one command, before it is turned into SG_IO fields. */
struct sim_ata_out {
	bool error;      /* ERR + ABRT */
	uint16_t count;
	uint64_t lba;
};

static bool sim_ata_pw_matches(const struct sim_ata *d, const uint8_t *payload)
{
	bool master = payload[0] & 0x01;
	return memcmp(master ? d->master_pw : d->user_pw, payload + 2, 32) == 0;
}

/* A wrong password: count it; after 5 the drive refuses until power-off. */
static bool sim_ata_wrong(struct sim_ata *d)
{
	if (d->attempts < SIM_ATA_MAX_ATTEMPTS)
		d->attempts++;
	return true;
}

static void sim_ata_erase(struct sim_ata *d, uint8_t byte)
{
	if (!d->liar)
		memset(d->data, byte, sizeof(d->data));
}

static bool sim_ata_security(struct sim_ata *d, const struct sim_ata_regs *r, const uint8_t *payload,
			     bool was_prepared)
{
	bool expired = d->attempts >= SIM_ATA_MAX_ATTEMPTS;
	if (!d->sec_supported)
		return true;
	switch (r->command) {
	case KESU_ATA_SEC_SET_PASSWORD:
		if (d->frozen || d->locked)
			return true;
		if (payload[0] & 0x01) {
			memcpy(d->master_pw, payload + 2, 32);
		} else {
			memcpy(d->user_pw, payload + 2, 32);
			d->enabled = true;
		}
		return false;
	case KESU_ATA_SEC_UNLOCK:
		if (d->frozen || expired)
			return true;
		if (!sim_ata_pw_matches(d, payload))
			return sim_ata_wrong(d);
		d->locked = false;
		return false;
	case KESU_ATA_SEC_DISABLE_PASSWORD:
		if (d->frozen || d->locked || expired)
			return true;
		if (!sim_ata_pw_matches(d, payload))
			return sim_ata_wrong(d);
		d->enabled = false;
		memset(d->user_pw, 0, 32);
		return false;
	case KESU_ATA_SEC_ERASE_PREPARE:
		if (d->frozen)
			return true;
		d->prepared = true;
		return false;
	case KESU_ATA_SEC_ERASE_UNIT: {
		bool enhanced = payload[0] & 0x02;
		/* Simplification: kesu always sets a password first. */
		if (!was_prepared || d->frozen || expired || !d->enabled || (enhanced && !d->sec_enhanced))
			return true;
		if (!sim_ata_pw_matches(d, payload))
			return sim_ata_wrong(d);
		if (d->erase_fails)
			return true; /* the password stays set */
		sim_ata_erase(d, enhanced ? SIM_ATA_ENHANCED_BYTE : 0x00);
		d->enabled = d->locked = false;
		memset(d->user_pw, 0, 32);
		d->attempts = 0;
		return false;
	}
	}
	return true;
}

static bool sim_ata_sanitize(struct sim_ata *d, const struct sim_ata_regs *r, struct sim_ata_out *out)
{
	if (!d->san_supported)
		return true;
	if (r->feature == KESU_ATA_SANITIZE_STATUS) {
		if (d->san_running && d->san_polls_left && --d->san_polls_left == 0) {
			d->san_running = false;
			if (d->san_feature == KESU_ATA_SANITIZE_OVERWRITE && !d->liar)
				for (size_t i = 0; i < sizeof(d->data); i++)
					d->data[i] = (uint8_t)(d->san_pattern >> (8 * (3 - i % 4)));
			else
				sim_ata_erase(d, d->san_feature == KESU_ATA_SANITIZE_CRYPTO ? 0xc3 : 0x00);
		}
		out->count = d->san_running ? KESU_ATA_SANITIZE_IN_PROGRESS
			   : d->san_failed  ? 0 : KESU_ATA_SANITIZE_DONE_OK;
		out->lba = d->san_running ? (uint64_t)(0xffff / (d->san_polls_left + 1)) : 0;
		return false;
	}
	if (d->san_running || d->locked || d->frozen)
		return true;
	switch (r->feature) {
	case KESU_ATA_SANITIZE_CRYPTO:
		if (!d->san_crypto || r->lba != KESU_ATA_SANITIZE_KEY_CRYPTO || (r->count & ~0x10))
			return true;
		break;
	case KESU_ATA_SANITIZE_BLOCK:
		if (!d->san_block || r->lba != KESU_ATA_SANITIZE_KEY_BLOCK || (r->count & ~0x10))
			return true;
		break;
	case KESU_ATA_SANITIZE_OVERWRITE:
		if (!d->san_overwrite || r->lba >> 32 != KESU_ATA_SANITIZE_KEY_OVERWRITE || (r->count & 0x60))
			return true;
		d->san_pattern = (uint32_t)r->lba;
		break;
	default:
		return true;
	}
	d->san_feature = r->feature;
	d->san_running = true;
	d->san_polls_left = d->san_polls ? d->san_polls : 1;
	return false;
}

/* Builds the sense data libata would: descriptor 0x09 for success (always)
 * and for errors with D_SENSE=1; the pre-6.10 fixed layout otherwise. */
static size_t sim_ata_sense(const struct sim_ata *d, const struct sim_ata_out *out, bool ext,
			    uint8_t sb[32])
{
	uint8_t status = out->error ? 0x41 : 0x50, error = out->error ? KESU_ATA_ERROR_ABRT : 0;
	memset(sb, 0, 32);
	if (out->error && !d->descriptor_sense) {
		sb[0] = 0x70;
		sb[2] = 0x0b; /* ABORTED COMMAND */
		sb[7] = 0x0a;
		sb[8] = error;
		sb[9] = status;
		sb[10] = 0xe0;
		sb[11] = (uint8_t)out->count;
		return 18;
	}
	sb[0] = 0x72;
	sb[1] = out->error ? 0x0b : 0x01; /* ABORTED COMMAND / RECOVERED ERROR */
	sb[3] = out->error ? 0x00 : 0x1d; /* ATA PASS-THROUGH INFORMATION AVAILABLE */
	sb[7] = 14;
	uint8_t *desc = sb + 8;
	desc[0] = 0x09;
	desc[1] = 0x0c;
	desc[2] = ext ? 1 : 0;
	desc[3] = error;
	desc[4] = (uint8_t)(out->count >> 8);
	desc[5] = (uint8_t)out->count;
	desc[6] = (uint8_t)(out->lba >> 24);
	desc[7] = (uint8_t)out->lba;
	desc[8] = (uint8_t)(out->lba >> 32);
	desc[9] = (uint8_t)(out->lba >> 8);
	desc[10] = (uint8_t)(out->lba >> 40);
	desc[11] = (uint8_t)(out->lba >> 16);
	desc[12] = 0x40;
	desc[13] = status;
	return 22;
}

static int sim_ata_op(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	struct sim_ata *d = ctx;
	uint8_t cdb[16], sb[32];
	int rc = kesu_ata_cdb_pack(cmd, cdb);
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
		return kesu_ata_check(&st, res);
	}
	struct sim_ata_regs r = sim_ata_decode(cdb, cmd);
	bool was_prepared = d->prepared;
	d->prepared = false;
	if (d->timeout_opcode > 0 && r.command == d->timeout_opcode) {
		st.host_status = 0x03; /* DID_TIME_OUT */
		return kesu_ata_check(&st, res);
	}
	struct sim_ata_out out = {0};
	if (d->abort_opcode > 0 && r.command == d->abort_opcode)
		out.error = true;
	else if (d->san_running && r.command != KESU_ATA_IDENTIFY && r.command != KESU_ATA_SANITIZE)
		out.error = true;
	else switch (r.command) {
	case KESU_ATA_IDENTIFY:
		sim_ata_refresh_identify(d);
		memcpy(cmd->data, d->identify, 512);
		break;
	case KESU_ATA_READ_NATIVE_MAX_EXT:
		out.lba = d->native_max - 1;
		break;
	case KESU_ATA_SANITIZE:
		out.error = sim_ata_sanitize(d, &r, &out);
		break;
	default:
		out.error = sim_ata_security(d, &r, cmd->data, was_prepared);
		break;
	}
	sim_ata_refresh_identify(d);
	if (!out.error && r.protocol != 3)
		return kesu_ata_check(&st, res); /* data command: GOOD, no sense */
	st.status = 0x02;
	st.driver_status = 0x08;
	st.sense = sb;
	st.sense_len = sim_ata_sense(d, &out, r.ext, sb);
	return kesu_ata_check(&st, res);
}

static void sim_ata_close(void *ctx)
{
	(void)ctx; /* the test owns the drive */
}

static const struct kesu_transport_ops sim_ata_ops = {.ata = sim_ata_op, .close = sim_ata_close};

static struct kesu_passthru sim_ata_passthru(struct sim_ata *d)
{
	return (struct kesu_passthru){&sim_ata_ops, d};
}
#endif

/* A simulated NVMe controller with one namespace (and optionally a second
 * one without data, numbered apart from the first) behind the
 * kesu_passthru_ops table: Identify Controller (from the captured QEMU
 * controller, with OACS / SANICAP / FNA set as configured) and Namespace,
 * Format NVM with SES 0/1/2, Sanitize with the Sanitize Status log (0x81),
 * the SMART log (0x02). It checks the command dwords it gets and answers
 * through Kesu_nvme_check() as sgio.c does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_internal.h"

#ifndef KESU_SIM_FIXTURES
#error "KESU_SIM_FIXTURES (tests/fixtures) must be defined"
#endif

#define SC_INTERNAL_ERROR 0x006
#define SC_INVALID_NS 0x00b /* Invalid Namespace or Format */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void sim_nvme_refresh(struct sim_nvme *c)
{
	uint16_t oacs = (uint16_t)(c->id_ctrl[256] | c->id_ctrl[257] << 8);
	oacs = (uint16_t)((oacs & ~0x0002) | (c->format ? 0x0002 : 0));
	put16(c->id_ctrl + 256, oacs);
	c->id_ctrl[328] = c->sanicap;
	c->id_ctrl[524] = c->fna;
}

struct sim_nvme *sim_nvme_new(int fd, uint64_t bytes)
{
	struct sim_nvme *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	const char *path = KESU_SIM_FIXTURES "/nvme/qemu.id-ctrl.bin";
	FILE *f = fopen(path, "rb");
	if (!f || fread(c->id_ctrl, 1, 4096, f) != 4096) {
		fprintf(stderr, "kesu-sim: cannot read %s\n", path);
		if (f)
			fclose(f);
		free(c);
		return NULL;
	}
	fclose(f);
	c->fd = fd;
	c->bytes = bytes;
	c->format = true;
	c->fna = 0x04;
	c->sanicap = 0x07;
	c->nlbaf = 2;
	c->sanitize_polls = 3;
	c->sprog = 0xffff; /* no sanitize in progress */
	c->nsid = 1;
	sim_nvme_refresh(c);
	return c;
}

void sim_nvme_free(struct sim_nvme *c)
{
	free(c);
}

static unsigned lbads(unsigned format)
{
	return format == 0 ? 9 : 12;
}

/* Identify Namespace (CNS 0): both namespaces have the same geometry. */
static void id_ns(const struct sim_nvme *c, uint8_t *p)
{
	memset(p, 0, 4096);
	uint64_t blocks = c->bytes >> lbads(c->flbas);
	put64(p + 0, blocks);  /* NSZE */
	put64(p + 8, blocks);  /* NCAP */
	put64(p + 16, blocks); /* NUSE */
	p[25] = (uint8_t)(c->nlbaf - 1); /* NLBAF, zero-based */
	p[26] = (uint8_t)(c->flbas & 0x0f) | (uint8_t)((c->flbas >> 4 & 3) << 5) |
		(uint8_t)(c->mset ? 0x10 : 0); /* FLBAS */
	p[29] = c->dps;
	for (unsigned i = 0; i < c->nlbaf && i < 64; i++)
		p[128 + 4 * i + 2] = (uint8_t)lbads(i); /* MS 0, LBADS, RP 0 */
}

/* Identify CNS 02h: the active NSIDs in increasing order, then 0. */
static void ns_list(const struct sim_nvme *c, uint8_t *p)
{
	memset(p, 0, 4096);
	uint32_t a = c->nsid, b = c->other_nsid;
	if (b && b < a) {
		uint32_t t = a;
		a = b;
		b = t;
	}
	put32(p, a);
	if (b)
		put32(p + 4, b);
}

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			sim_failf(__VA_ARGS__);                                                    \
			return KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR;                         \
		}                                                                                  \
	} while (0)

static int sanitize_fill(struct sim_nvme *c)
{
	if (c->liar)
		return 0;
	switch (c->scdw10 & 7) {
	case KESU_NVME_SANACT_OVERWRITE: {
		uint8_t pat[4];
		put32(pat, c->pattern); /* cdw11, little endian */
		unsigned passes = c->scdw10 >> 4 & 0x0f ? c->scdw10 >> 4 & 0x0f : 16;
		sim_overwrite_final(pat, 4, passes, c->scdw10 & 0x100);
		return sim_fill_pattern(c->fd, c->bytes, pat, 4);
	}
	case KESU_NVME_SANACT_CRYPTO:
		return sim_fill_crypto(c->fd, c->bytes);
	default:
		return sim_fill_byte(c->fd, c->bytes, 0x00);
	}
}

static int get_log(struct sim_nvme *c, const struct kesu_nvme_admin *a)
{
	uint8_t lid = a->cdw10 & 0xff;
	uint32_t numd = (a->cdw10 >> 16 | a->cdw11 << 16) + 1;
	CHECK(a->data != NULL, "Get Log Page: a buffer");
	CHECK(numd * 4 == a->data_len, "NUMD %u dwords matches the buffer of %u bytes", numd, a->data_len);
	CHECK((a->cdw10 & 0xff00) == 0, "LSP 0, RAE 0");
	CHECK(a->nsid == KESU_NVME_NSID_ALL, "log pages for nsid 0xffffffff, got 0x%x", a->nsid);
	memset(a->data, 0, a->data_len);
	uint8_t *p = a->data;
	if (lid == KESU_NVME_LOG_SANITIZE) {
		CHECK(a->data_len == 512, "the sanitize log is 512 bytes");
		bool sanitizing = (c->sstat & 7) == KESU_NVME_SSTAT_IN_PROGRESS;
		if (sanitizing && c->instant)
			c->polls_left = 1; /* done before anyone could see it run */
		if (sanitizing && c->polls_left && --c->polls_left == 0) {
			if (sanitize_fill(c) < 0) {
				c->sstat = KESU_NVME_SSTAT_FAILED;
			} else {
				unsigned passes = c->scdw10 >> 4 & 0x0f ? c->scdw10 >> 4 & 0x0f : 16;
				bool ndas = c->scdw10 & 0x200;
				c->sstat = (uint16_t)((ndas ? KESU_NVME_SSTAT_DONE_NDAS : KESU_NVME_SSTAT_DONE) |
						      (c->no_gde ? 0 : 0x100) /* Global Data Erased */);
				c->other_erased = c->other_erased || c->other_nsid; /* the whole subsystem */
				if ((c->scdw10 & 7) == KESU_NVME_SANACT_OVERWRITE)
					c->sstat |= (uint16_t)((passes & 0x1f) << 3);
			}
			c->sprog = 0xffff;
		} else if (sanitizing) {
			/* SPROG grows with every read: polls done / polls in all. */
			unsigned total = c->sanitize_polls > c->polls_left ? c->sanitize_polls : c->polls_left;
			c->sprog = (uint16_t)((uint64_t)(total - c->polls_left) * 0xffff / total);
		}
		put16(p, c->sprog);
		put16(p + 2, c->sstat);
		put32(p + 4, c->scdw10 ^ c->log_scdw10_xor);
		put32(p + 8, 60);  /* overwrite estimate, s */
		put32(p + 12, 10); /* block erase */
		put32(p + 16, 1);  /* crypto erase */
		for (int i = 20; i < 32; i += 4)
			put32(p + i, KESU_NVME_TIME_UNKNOWN); /* the No-Deallocate estimates */
		return 0;
	}
	if (lid == KESU_NVME_LOG_SMART) {
		p[0] = 0;    /* critical warning */
		p[1] = 0x3b; /* 315 K */
		p[2] = 0x01;
		return 0;
	}
	return KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR;
}

static int format(struct sim_nvme *c, const struct kesu_nvme_admin *a)
{
	if (!c->format)
		return KESU_NVME_SC_INVALID_OPCODE | KESU_NVME_DNR;
	if ((c->sstat & 7) == KESU_NVME_SSTAT_IN_PROGRESS)
		return KESU_NVME_SC_SANITIZE_IN_PROGRESS;
	CHECK((a->cdw11 | a->cdw12 | a->cdw13 | a->cdw14 | a->cdw15) == 0, "Format NVM: cdw11..15 0");
	unsigned lbaf = (a->cdw10 & 0x0f) | (a->cdw10 >> 12 & 3) << 4;
	unsigned ses = a->cdw10 >> 9 & 7;
	/* MSET 4, PI 7:5, PIL 8 must keep what the namespace has. */
	CHECK((a->cdw10 >> 4 & 1) == c->mset, "Format NVM: MSET %u, the namespace has %u",
	      a->cdw10 >> 4 & 1, c->mset);
	CHECK((a->cdw10 >> 5 & 0xf) == (c->dps & 0xf), "Format NVM: PI/PIL 0x%x, DPS is 0x%x",
	      a->cdw10 >> 5 & 0xf, c->dps & 0xf);
	CHECK((a->cdw10 >> 14) == 0, "Format NVM: cdw10 bits 31:14 reserved");
	bool all = a->nsid == KESU_NVME_NSID_ALL;
	if (!all && a->nsid != c->nsid && (!c->other_nsid || a->nsid != c->other_nsid))
		return SC_INVALID_NS | KESU_NVME_DNR;
	/* FNA bit 0: any format reaches every namespace; bit 1: a secure erase does. */
	bool every = all || (c->fna & 0x01) || ((c->fna & 0x02) && (a->cdw10 >> 9 & 7));
	bool mine = every || a->nsid == c->nsid;
	if (lbaf >= c->nlbaf)
		return KESU_NVME_SC_INVALID_FORMAT | KESU_NVME_DNR;
	if (ses > 2 || (ses == 2 && !(c->fna & 0x04)))
		return KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR;
	int rc = 0;
	if (!c->liar && mine && ses == 1)
		rc = sim_fill_byte(c->fd, c->bytes, 0x00);
	else if (!c->liar && mine && ses == 2)
		rc = sim_fill_crypto(c->fd, c->bytes); /* the old key is gone: unreadable bytes */
	if (rc < 0)
		return SC_INTERNAL_ERROR;
	if (c->other_nsid && (every || a->nsid == c->other_nsid))
		c->other_erased = true;
	if (mine)
		c->flbas = lbaf;
	return 0;
}

static int sanitize(struct sim_nvme *c, const struct kesu_nvme_admin *a)
{
	uint32_t act = a->cdw10 & 7;
	CHECK(a->nsid == 0, "Sanitize: nsid 0, got 0x%x", a->nsid);
	CHECK(a->cdw10 >> 10 == 0, "Sanitize: cdw10 bits 31:10 reserved");
	CHECK(act == KESU_NVME_SANACT_OVERWRITE || a->cdw11 == 0, "Sanitize: cdw11 only for overwrite");
	if ((c->sstat & 7) == KESU_NVME_SSTAT_IN_PROGRESS)
		return KESU_NVME_SC_SANITIZE_IN_PROGRESS;
	static const uint8_t need[5] = {0, 0, 0x02, 0x04, 0x01};
	if (act < 1 || act > 4 || (act > 1 && !(c->sanicap & need[act])))
		return KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR;
	if (act == KESU_NVME_SANACT_EXIT_FAILURE) {
		if ((c->sstat & 7) == KESU_NVME_SSTAT_FAILED)
			c->sstat = KESU_NVME_SSTAT_NEVER;
		return 0;
	}
	c->scdw10 = a->cdw10;
	if (act == KESU_NVME_SANACT_OVERWRITE)
		c->pattern = a->cdw11;
	c->sstat = KESU_NVME_SSTAT_IN_PROGRESS;
	c->sprog = 0;
	c->polls_left = c->sanitize_polls ? c->sanitize_polls : 1;
	return 0;
}

/* Returns the NVMe status (0 success) the controller completes with. */
static int exec(struct sim_nvme *c, const struct kesu_nvme_admin *a)
{
	if (c->fail_opcode > 0 && a->opcode == c->fail_opcode)
		return SC_INTERNAL_ERROR;
	switch (a->opcode) {
	case KESU_NVME_IDENTIFY:
		CHECK(a->data != NULL && a->data_len == 4096, "Identify: 4096 bytes, got %u", a->data_len);
		CHECK(a->cdw10 <= 2, "Identify: CNS 0, 1 or 2, got cdw10 0x%x", a->cdw10);
		CHECK((a->cdw11 | a->cdw12 | a->cdw13 | a->cdw14 | a->cdw15) == 0, "Identify: cdw11..15 0");
		if (a->cdw10 == 1) {
			sim_nvme_refresh(c);
			memcpy(a->data, c->id_ctrl, 4096);
			return 0;
		}
		if (a->cdw10 == 2) {
			CHECK(a->nsid == 0, "Identify CNS 02h from nsid 0, got 0x%x", a->nsid);
			if (c->no_ns_list)
				return KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR;
			ns_list(c, a->data);
			return 0;
		}
		if (a->nsid != c->nsid && (!c->other_nsid || a->nsid != c->other_nsid))
			return SC_INVALID_NS | KESU_NVME_DNR;
		id_ns(c, a->data);
		return 0;
	case KESU_NVME_GET_LOG_PAGE:
		return get_log(c, a);
	case KESU_NVME_FORMAT_NVM:
		return format(c, a);
	case KESU_NVME_SANITIZE:
		return sanitize(c, a);
	default:
		return KESU_NVME_SC_INVALID_OPCODE | KESU_NVME_DNR;
	}
}

static int sim_nvme_op(void *ctx, const struct kesu_nvme_admin *a, struct kesu_nvme_result *res)
{
	struct sim_nvme *c = ctx;
	c->last = *a;
	if (c->ncmds < sizeof(c->opcodes))
		c->opcodes[c->ncmds] = a->opcode;
	c->ncmds++;
	int status = exec(c, a);
	int rc = Kesu_nvme_check(status, res);
	res->result = 0;
	return rc;
}

/* NVME_IOCTL_ID on the namespace's block device. */
static int sim_nvme_nsid(void *ctx, uint32_t *nsid)
{
	struct sim_nvme *c = ctx;
	if (c->no_nsid_ioctl)
		return -ENOTTY;
	*nsid = c->nsid;
	return 0;
}

static void sim_nvme_close(void *ctx)
{
	(void)ctx; /* the owner frees the controller */
}

static const struct kesu_passthru_ops sim_nvme_ops = {.nvme_admin = sim_nvme_op, .close = sim_nvme_close,
						     .nvme_nsid = sim_nvme_nsid};

struct kesu_passthru sim_nvme_passthru(struct sim_nvme *c)
{
	return (struct kesu_passthru){&sim_nvme_ops, c};
}

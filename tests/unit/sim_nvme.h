/* A simulated NVMe controller with one namespace behind the
 * kesu_transport_ops table: Identify (from the captured QEMU controller,
 * with OACS / SANICAP / FNA set as configured), Format NVM with SES 0/1/2,
 * Sanitize with the Sanitize Status log (0x81), the SMART log (0x02).
 * It asserts on the command dwords it gets and answers through
 * kesu_nvme_check() as sgio.c does. Include after <criterion/criterion.h>. */
#ifndef KESU_SIM_NVME_H
#define KESU_SIM_NVME_H
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/transport.h"

#define SIM_NVME_BYTES (64 * 512)

struct sim_nvme {
	uint8_t id_ctrl[4096];
	uint8_t data[SIM_NVME_BYTES];
	bool format;              /* OACS bit 1 */
	uint8_t fna;              /* bit 1 all namespaces, bit 2 crypto erase via format */
	uint8_t sanicap;          /* bit 0 crypto, 1 block, 2 overwrite */
	unsigned nlbaf;           /* LBA formats the namespace offers */
	unsigned sanitize_polls;  /* log reads until a sanitize completes */
	bool liar;                /* reports success, erases nothing */
	/* Sanitize state */
	unsigned polls_left;
	uint16_t sprog, sstat;
	uint32_t scdw10;
	/* What was received */
	struct kesu_nvme_admin last;
	unsigned ncmds;
};

static void sim_nvme_refresh(struct sim_nvme *c)
{
	uint16_t oacs = (uint16_t)(c->id_ctrl[256] | c->id_ctrl[257] << 8);
	oacs = (uint16_t)((oacs & ~0x0002) | (c->format ? 0x0002 : 0));
	c->id_ctrl[256] = (uint8_t)oacs;
	c->id_ctrl[257] = (uint8_t)(oacs >> 8);
	c->id_ctrl[328] = c->sanicap;
	c->id_ctrl[524] = c->fna;
}

static struct sim_nvme *sim_nvme_new(void)
{
	struct sim_nvme *c = calloc(1, sizeof(*c));
	FILE *f = fopen(KESU_FIXTURES "/nvme/qemu.id-ctrl.bin", "rb");
	cr_assert(f);
	cr_assert_eq(fread(c->id_ctrl, 1, 4096, f), 4096);
	fclose(f);
	memset(c->data, 0x5a, sizeof(c->data));
	c->format = true;
	c->fna = 0x04;
	c->sanicap = 0x07;
	c->nlbaf = 2;
	c->sanitize_polls = 3;
	sim_nvme_refresh(c);
	return c;
}

static void sim_nvme_fill(struct sim_nvme *c, uint8_t byte)
{
	if (!c->liar)
		memset(c->data, byte, sizeof(c->data));
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Returns the NVMe status (0 success) the controller completes with. */
static int sim_nvme_exec(struct sim_nvme *c, const struct kesu_nvme_admin *a, uint32_t *result)
{
	*result = 0;
	bool sanitizing = c->sstat == KESU_NVME_SSTAT_IN_PROGRESS;
	switch (a->opcode) {
	case KESU_NVME_IDENTIFY:
		cr_assert_eq(a->data_len, 4096);
		cr_assert(a->cdw10 == 0 || a->cdw10 == 1, "CNS 0 or 1");
		cr_assert_eq(a->cdw11 | a->cdw12 | a->cdw13 | a->cdw14 | a->cdw15, 0);
		sim_nvme_refresh(c);
		if (a->cdw10 == 1)
			memcpy(a->data, c->id_ctrl, 4096);
		else
			memset(a->data, 0, 4096);
		return 0;
	case KESU_NVME_GET_LOG_PAGE: {
		uint8_t lid = a->cdw10 & 0xff;
		uint32_t numd = (a->cdw10 >> 16 | a->cdw11 << 16) + 1;
		cr_assert_eq(numd * 4, a->data_len, "NUMD matches the buffer");
		cr_assert_eq(a->cdw10 & 0xff00, 0, "LSP 0, RAE 0");
		cr_assert_eq(a->nsid, KESU_NVME_NSID_ALL);
		memset(a->data, 0, a->data_len);
		uint8_t *p = a->data;
		if (lid == KESU_NVME_LOG_SANITIZE) {
			cr_assert_eq(a->data_len, 512);
			if (sanitizing && c->polls_left && --c->polls_left == 0) {
				uint32_t act = c->scdw10 & 7;
				if (act == KESU_NVME_SANACT_OVERWRITE)
					sim_nvme_fill(c, 0x00); /* pattern 0 in the tests */
				else
					sim_nvme_fill(c, act == KESU_NVME_SANACT_CRYPTO ? 0xc3 : 0x00);
				c->sstat = KESU_NVME_SSTAT_DONE | 0x100; /* Global Data Erased */
				c->sprog = 0xffff;
			} else if (sanitizing) {
				c->sprog = (uint16_t)(c->sprog + 0x4000);
			}
			p[0] = (uint8_t)c->sprog;
			p[1] = (uint8_t)(c->sprog >> 8);
			p[2] = (uint8_t)c->sstat;
			p[3] = (uint8_t)(c->sstat >> 8);
			put32(p + 4, c->scdw10);
			put32(p + 8, 60);  /* overwrite estimate, s */
			put32(p + 12, 10); /* block erase */
			put32(p + 16, 1);  /* crypto erase */
			return 0;
		}
		if (lid == KESU_NVME_LOG_SMART) {
			p[0] = 0;      /* critical warning */
			p[1] = 0x3b;   /* 315 K */
			p[2] = 0x01;
			return 0;
		}
		return KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR;
	}
	case KESU_NVME_FORMAT_NVM: {
		if (!c->format)
			return KESU_NVME_SC_INVALID_OPCODE | KESU_NVME_DNR;
		if (sanitizing)
			return KESU_NVME_SC_SANITIZE_IN_PROGRESS;
		cr_assert_eq(a->cdw11 | a->cdw12 | a->cdw13 | a->cdw14 | a->cdw15, 0);
		unsigned lbaf = (a->cdw10 & 0x0f) | (a->cdw10 >> 12 & 3) << 4;
		unsigned ses = a->cdw10 >> 9 & 7;
		cr_assert_eq(a->cdw10 & 0x1f0, 0, "MSET, PI, PIL 0");
		if (lbaf >= c->nlbaf)
			return KESU_NVME_SC_INVALID_FORMAT | KESU_NVME_DNR;
		if (ses > 2 || (ses == 2 && !(c->fna & 0x04)))
			return KESU_NVME_SC_INVALID_FIELD | KESU_NVME_DNR;
		if (ses == 1)
			sim_nvme_fill(c, 0x00);
		else if (ses == 2)
			sim_nvme_fill(c, 0xc3); /* the old key is gone: unreadable bytes */
		return 0;
	}
	case KESU_NVME_SANITIZE: {
		uint32_t act = a->cdw10 & 7;
		cr_assert_eq(a->nsid, 0, "sanitize nsid 0");
		cr_assert_eq(a->cdw10 >> 10, 0, "cdw10 reserved bits");
		if (sanitizing)
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
		c->sstat = KESU_NVME_SSTAT_IN_PROGRESS;
		c->sprog = 0;
		c->polls_left = c->sanitize_polls ? c->sanitize_polls : 1;
		return 0;
	}
	default:
		return KESU_NVME_SC_INVALID_OPCODE | KESU_NVME_DNR;
	}
}

static int sim_nvme_op(void *ctx, const struct kesu_nvme_admin *a, struct kesu_nvme_result *res)
{
	struct sim_nvme *c = ctx;
	c->last = *a;
	c->ncmds++;
	uint32_t result;
	int status = sim_nvme_exec(c, a, &result);
	int rc = kesu_nvme_check(status, res);
	res->result = result;
	return rc;
}

static void sim_nvme_close(void *ctx)
{
	(void)ctx;
}

static const struct kesu_transport_ops sim_nvme_ops = {.nvme_admin = sim_nvme_op, .close = sim_nvme_close};

static struct kesu_passthru sim_nvme_passthru(struct sim_nvme *c)
{
	return (struct kesu_passthru){&sim_nvme_ops, c};
}
#endif

/* Building NVMe admin commands (Identify, Format NVM, Sanitize, Get Log
 * Page). Nothing here sends; see sgio.c. */
#include <errno.h>

#include "device_cmd.h"

void Kesu_nvme_identify_cmd(struct kesu_nvme_admin *c, uint32_t nsid, uint8_t cns,
			    uint8_t buf[KESU_NVME_IDENTIFY_SIZE])
{
	*c = (struct kesu_nvme_admin){.opcode = KESU_NVME_IDENTIFY, .nsid = nsid, .cdw10 = cns,
				      .data = buf, .data_len = KESU_NVME_IDENTIFY_SIZE};
}

int Kesu_nvme_format_cmd(struct kesu_nvme_admin *c, uint32_t nsid, unsigned lbaf, bool mset,
			 unsigned pi, bool pil, unsigned ses, unsigned timeout_ms)
{
	if (lbaf > 63 || pi > 7 || ses > 7)
		return -EINVAL;
	/* LBAF 3:0 at bits 3:0, MSET 4, PI 7:5, PIL 8, SES 11:9, LBAF 5:4
	 * (NVMe 2.0) at 13:12. The caller passes the namespace's current
	 * MSET/PI/PIL: a format that forced them to 0 would change the
	 * metadata layout and protection, not only erase the data. */
	*c = (struct kesu_nvme_admin){.opcode = KESU_NVME_FORMAT_NVM, .nsid = nsid,
				      .cdw10 = (lbaf & 0x0f) | (mset ? 1u : 0) << 4 | pi << 5 |
					       (pil ? 1u : 0) << 8 | ses << 9 | (lbaf >> 4) << 12,
				      .timeout_ms = timeout_ms};
	return 0;
}

int Kesu_nvme_sanitize_cmd(struct kesu_nvme_admin *c, enum kesu_nvme_sanact sanact, bool ause,
			   unsigned owpass, bool oipbp, bool ndas, uint32_t pattern)
{
	if (sanact < KESU_NVME_SANACT_EXIT_FAILURE || sanact > KESU_NVME_SANACT_CRYPTO || owpass > 15)
		return -EINVAL;
	/* Sanitize acts on the whole subsystem: nsid 0. CDW10 is a register of
	 * bit fields (SANACT 2:0, AUSE 3, OWPASS 7:4, OIPBP 8, NDAS 9), not bytes. */
	*c = (struct kesu_nvme_admin){.opcode = KESU_NVME_SANITIZE,
				      .cdw10 = (uint32_t)sanact | (ause ? 1u : 0) << 3 | owpass << 4 |
					       (oipbp ? 1u : 0) << 8 | (ndas ? 1u : 0) << 9,
				      .cdw11 = sanact == KESU_NVME_SANACT_OVERWRITE ? pattern : 0};
	return 0;
}

int Kesu_nvme_get_log_cmd(struct kesu_nvme_admin *c, uint8_t lid, uint32_t nsid, void *buf, uint32_t len)
{
	if (len < 4 || len % 4)
		return -EINVAL;
	uint32_t numd = len / 4 - 1; /* 0's based dword count */
	/* NUMD is split across registers, not bytes: NUMDL in CDW10 31:16,
	 * NUMDU in CDW11 15:0. */
	*c = (struct kesu_nvme_admin){.opcode = KESU_NVME_GET_LOG_PAGE, .nsid = nsid,
				      .cdw10 = lid | (numd & 0xffff) << 16, .cdw11 = numd >> 16,
				      .data = buf, .data_len = len};
	return 0;
}

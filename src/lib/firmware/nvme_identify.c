/* NVMe Identify Controller / Identify Namespace / Sanitize Status parsing.
 *
 * Where the offsets were checked (NVMe base specification layouts as the
 * Linux kernel and libnvme declare them):
 * - Linux include/linux/nvme.h, struct nvme_id_ctrl: vid 0, ssvid 2,
 *   sn[20] 4, mn[40] 24, fr[8] 64, ver 80, oacs 256, sanicap 328, nn 516,
 *   fna 524 (summing the members before each);
 * - the same file, struct nvme_id_ns: nsze 0, ncap 8, nuse 16, nlbaf 25,
 *   flbas 26, dps 29, nguid[16] 104, eui64[8] 120, lbaf[64] 128; struct nvme_lbaf
 *   {__le16 ms; __u8 ds; __u8 rp;}; nvme_lbaf_index(): FLBAS bits 3:0 plus
 *   bits 6:5 as the high bits;
 * - libnvme src/nvme/types.h: NVME_CTRL_OACS_SECURITY 1<<0, _FORMAT 1<<1,
 *   _NS_MGMT 1<<3; NVME_CTRL_FNA_FMT_ALL_NAMESPACES 1<<0,
 *   _SEC_ALL_NAMESPACES 1<<1, _CRYPTO_ERASE 1<<2; NVME_CTRL_SANICAP_CES
 *   1<<0, _BES 1<<1, _OWS 1<<2, _NDI 1<<29, _NODMMAS 3<<30;
 *   struct nvme_sanitize_log_page {sprog, sstat (le16), scdw10, eto, etbe,
 *   etce, etond, etbend, etcend (le32)};
 * - nvme-cli's nvme-sanitize-log(1): SSTAT 0 never sanitized, 1 completed,
 *   2 in progress, 3 failed, bit 8 (0x100) Global Data Erased; libnvme's
 *   status strings add 4, completed with No-Deallocate After Sanitize.
 */
#include <stdio.h>
#include <string.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "kesu/nvme.h"
#include "sysfs.h"

static bool all_zero(const uint8_t *d, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (d[i])
			return false;
	return true;
}

/* Identifiers print as lower-case hex, high byte first, as nvme-cli does;
 * an all-zero identifier means "none" and stays "". */
static void hex_id(const uint8_t *d, size_t len, char *out)
{
	out[0] = '\0';
	if (all_zero(d, len))
		return;
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

int kesu_nvme_id_ctrl_parse(const uint8_t data[KESU_NVME_IDENTIFY_SIZE], struct kesu_nvme_id_ctrl *id)
{
	memset(id, 0, sizeof(*id));
	/* A controller always has a vendor id, a serial and a model: all
	 * zero means the command returned nothing (or the wrong buffer). */
	if (all_zero(data, 64))
		return -KESU_EPARSE;

	id->vid = kesu_load_le16(data);
	id->ssvid = kesu_load_le16(data + 2);
	/* NVMe strings are ASCII, left aligned, space padded, in byte order
	 * (unlike ATA's swapped pairs). */
	Kesu_trim_copy(id->serial, sizeof(id->serial), (const char *)data + 4, 20);
	Kesu_trim_copy(id->model, sizeof(id->model), (const char *)data + 24, 40);
	Kesu_trim_copy(id->firmware, sizeof(id->firmware), (const char *)data + 64, 8);
	id->version = kesu_load_le32(data + 80);
	id->oacs = kesu_load_le16(data + 256);
	id->sanicap = kesu_load_le32(data + 328);
	id->namespaces = kesu_load_le32(data + 516);
	id->fna = data[524];

	id->security_commands = id->oacs & (1u << 0);
	id->format = id->oacs & (1u << 1);
	id->ns_management = id->oacs & (1u << 3);

	id->format_all_namespaces = id->fna & (1u << 0);
	id->secure_erase_all_namespaces = id->fna & (1u << 1);
	/* Crypto erase is a Secure Erase Setting of Format NVM: without
	 * Format NVM the bit means nothing. */
	id->format_crypto_erase = id->format && (id->fna & (1u << 2));

	id->sanitize_crypto = id->sanicap & (1u << 0);
	id->sanitize_block = id->sanicap & (1u << 1);
	id->sanitize_overwrite = id->sanicap & (1u << 2);
	id->sanitize_no_dealloc_inhibited = id->sanicap & (1u << 29);
	id->sanitize_nodmmas = id->sanicap >> 30;
	return 0;
}

int kesu_nvme_id_ns_parse(const uint8_t data[KESU_NVME_IDENTIFY_SIZE], struct kesu_nvme_id_ns *ns)
{
	memset(ns, 0, sizeof(*ns));
	ns->size = kesu_load_le64(data);
	ns->capacity = kesu_load_le64(data + 8);
	ns->utilization = kesu_load_le64(data + 16);
	ns->nformats = data[25] + 1u; /* NLBAF is zero-based */
	if (ns->nformats > KESU_NVME_MAX_LBAF)
		ns->nformats = KESU_NVME_MAX_LBAF;

	unsigned flbas = data[26];
	ns->format_index = flbas & 0xf;
	if (ns->nformats > 16) /* bits 6:5 are reserved below 17 formats */
		ns->format_index |= (flbas & 0x60) >> 1;
	ns->metadata_extended = flbas & (1u << 4);
	ns->protection_type = data[29] & 0x7; /* DPS */
	ns->protection_first = data[29] & (1u << 3);

	for (unsigned i = 0; i < KESU_NVME_MAX_LBAF; i++) {
		const uint8_t *f = data + 128 + 4 * i;
		unsigned lbads = f[2];
		ns->lbaf[i].metadata_size = kesu_load_le16(f);
		ns->lbaf[i].data_size = lbads >= 9 && lbads < 32 ? 1u << lbads : 0;
		ns->lbaf[i].relative_performance = f[3] & 0x3;
	}
	memcpy(ns->nguid, data + 104, sizeof(ns->nguid));
	memcpy(ns->eui64, data + 120, sizeof(ns->eui64));
	hex_id(ns->nguid, sizeof(ns->nguid), ns->nguid_hex);
	hex_id(ns->eui64, sizeof(ns->eui64), ns->eui64_hex);

	if (ns->format_index >= ns->nformats)
		return -KESU_EPARSE;
	const struct kesu_nvme_lbaf *cur = &ns->lbaf[ns->format_index];
	if (cur->data_size == 0)
		return -KESU_EPARSE;
	ns->block_size = cur->data_size;
	ns->metadata_size = cur->metadata_size;
	ns->size_bytes = ns->size * ns->block_size;
	return 0;
}

int kesu_nvme_ns_list_parse(const uint8_t data[KESU_NVME_IDENTIFY_SIZE], uint32_t *nsids, size_t max)
{
	size_t n = 0;
	uint32_t prev = 0;
	for (size_t i = 0; i < KESU_NVME_IDENTIFY_SIZE / 4; i++) {
		uint32_t id = kesu_load_le32(data + 4 * i);
		if (id == 0)
			break;
		/* NSIDs come in increasing order; 0xFFFFFFFF is no namespace. */
		if (id <= prev || id == 0xffffffffu || n == max)
			return -KESU_EPARSE;
		nsids[n++] = prev = id;
	}
	return (int)n;
}

int kesu_nvme_sanitize_log_parse(const uint8_t *data, size_t len, struct kesu_nvme_sanitize_log *log)
{
	memset(log, 0, sizeof(*log));
	if (len < 32)
		return -KESU_EPARSE;
	unsigned sstat = kesu_load_le16(data + 2);
	if ((sstat & 0x7) > KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC)
		return -KESU_EPARSE;
	log->progress = kesu_load_le16(data);
	log->status = (enum kesu_nvme_sanitize_status)(sstat & 0x7);
	log->overwrite_passes = (sstat >> 3) & 0x1f;
	log->global_data_erased = sstat & (1u << 8); /* GDE: a flag bit of SSTAT */
	log->cdw10 = kesu_load_le32(data + 4);
	log->time_overwrite = kesu_load_le32(data + 8);
	log->time_block_erase = kesu_load_le32(data + 12);
	log->time_crypto_erase = kesu_load_le32(data + 16);
	log->time_overwrite_nd = kesu_load_le32(data + 20);
	log->time_block_erase_nd = kesu_load_le32(data + 24);
	log->time_crypto_erase_nd = kesu_load_le32(data + 28);
	return 0;
}

unsigned kesu_nvme_sanitize_permille(const struct kesu_nvme_sanitize_log *log)
{
	switch (log->status) {
	case KESU_NVME_SANITIZE_IN_PROGRESS:
		return (unsigned)((uint64_t)(log->progress & 0xffff) * 1000 / 65536);
	case KESU_NVME_SANITIZE_COMPLETED:
	case KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC:
		return 1000;
	default:
		return 0;
	}
}

const char *kesu_nvme_sanitize_status_name(enum kesu_nvme_sanitize_status status)
{
	switch (status) {
	case KESU_NVME_SANITIZE_NEVER:
		return "never sanitized";
	case KESU_NVME_SANITIZE_COMPLETED:
		return "completed";
	case KESU_NVME_SANITIZE_IN_PROGRESS:
		return "in progress";
	case KESU_NVME_SANITIZE_FAILED:
		return "failed";
	case KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC:
		return "completed without deallocation";
	}
	return "unknown";
}

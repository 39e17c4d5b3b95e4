/* Loading and storing integers in a byte order: the one helper for drive
 * structures (IDENTIFY data, VPD pages, CDBs: ATA and NVMe are little-endian,
 * SCSI is big-endian) and kesu's own packed formats (key files, the random
 * stream's IV). Byte by byte, so unaligned pointers and any host order are
 * fine; compilers turn each into one load or store (and a bswap). */
#ifndef KESU_BYTEORDER_H
#define KESU_BYTEORDER_H

#include <stdint.h>

static inline uint16_t kesu_load_be16(const uint8_t *p)
{
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t kesu_load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t kesu_load_be64(const uint8_t *p)
{
	return (uint64_t)kesu_load_be32(p) << 32 | kesu_load_be32(p + 4);
}

static inline uint16_t kesu_load_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

/* Three bytes, as SAT returns ATA LBA 23:0 in fixed-format sense data. */
static inline uint32_t kesu_load_le24(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16;
}

static inline uint32_t kesu_load_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t kesu_load_le64(const uint8_t *p)
{
	return kesu_load_le32(p) | (uint64_t)kesu_load_le32(p + 4) << 32;
}

static inline void kesu_store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void kesu_store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void kesu_store_be64(uint8_t *p, uint64_t v)
{
	kesu_store_be32(p, (uint32_t)(v >> 32));
	kesu_store_be32(p + 4, (uint32_t)v);
}

static inline void kesu_store_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void kesu_store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline void kesu_store_le64(uint8_t *p, uint64_t v)
{
	kesu_store_le32(p, (uint32_t)v);
	kesu_store_le32(p + 4, (uint32_t)(v >> 32));
}

#endif

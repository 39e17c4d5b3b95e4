/* AES-128 in counter mode as a seekable random stream. Why AES-CTR:
 * - it is counter-based (block i = AES_K(IV + i)), so any offset costs the
 *   same and a pass can be written and verified in pieces, in any order;
 * - its output is indistinguishable from random without the key, so a
 *   drive cannot pass verification by storing less (zeroes, a pattern,
 *   compressed data) and nobody can predict the stream from a sample;
 * - AES-NI/VAES make it fast (VAES: 4 blocks per instruction), faster than
 *   reduced-round ChaCha on AVX2 and, unlike a multiply-xorshift hash of
 *   the counter, not invertible from one output word;
 * - a third party regenerates it with stock tools (openssl enc -aes-128-ctr).
 * The plain C path uses the classic 32-bit table formulation; it only runs
 * on CPUs without AES-NI, whose disks are rarely faster than it. */
#include <string.h>

#include "kesu/error.h"
#include "kesu/prng.h"
#include "byteorder.h"

#if defined(__x86_64__) || defined(__i386__)
#define KESU_PRNG_X86 1
#include <cpuid.h>
#include <immintrin.h>
#endif

static const uint8_t aes_sbox[256] = {
	0x63, 0x7c, 0x77, 0x7b, 0xf2, 0x6b, 0x6f, 0xc5, 0x30, 0x01, 0x67, 0x2b, 0xfe, 0xd7, 0xab, 0x76,
	0xca, 0x82, 0xc9, 0x7d, 0xfa, 0x59, 0x47, 0xf0, 0xad, 0xd4, 0xa2, 0xaf, 0x9c, 0xa4, 0x72, 0xc0,
	0xb7, 0xfd, 0x93, 0x26, 0x36, 0x3f, 0xf7, 0xcc, 0x34, 0xa5, 0xe5, 0xf1, 0x71, 0xd8, 0x31, 0x15,
	0x04, 0xc7, 0x23, 0xc3, 0x18, 0x96, 0x05, 0x9a, 0x07, 0x12, 0x80, 0xe2, 0xeb, 0x27, 0xb2, 0x75,
	0x09, 0x83, 0x2c, 0x1a, 0x1b, 0x6e, 0x5a, 0xa0, 0x52, 0x3b, 0xd6, 0xb3, 0x29, 0xe3, 0x2f, 0x84,
	0x53, 0xd1, 0x00, 0xed, 0x20, 0xfc, 0xb1, 0x5b, 0x6a, 0xcb, 0xbe, 0x39, 0x4a, 0x4c, 0x58, 0xcf,
	0xd0, 0xef, 0xaa, 0xfb, 0x43, 0x4d, 0x33, 0x85, 0x45, 0xf9, 0x02, 0x7f, 0x50, 0x3c, 0x9f, 0xa8,
	0x51, 0xa3, 0x40, 0x8f, 0x92, 0x9d, 0x38, 0xf5, 0xbc, 0xb6, 0xda, 0x21, 0x10, 0xff, 0xf3, 0xd2,
	0xcd, 0x0c, 0x13, 0xec, 0x5f, 0x97, 0x44, 0x17, 0xc4, 0xa7, 0x7e, 0x3d, 0x64, 0x5d, 0x19, 0x73,
	0x60, 0x81, 0x4f, 0xdc, 0x22, 0x2a, 0x90, 0x88, 0x46, 0xee, 0xb8, 0x14, 0xde, 0x5e, 0x0b, 0xdb,
	0xe0, 0x32, 0x3a, 0x0a, 0x49, 0x06, 0x24, 0x5c, 0xc2, 0xd3, 0xac, 0x62, 0x91, 0x95, 0xe4, 0x79,
	0xe7, 0xc8, 0x37, 0x6d, 0x8d, 0xd5, 0x4e, 0xa9, 0x6c, 0x56, 0xf4, 0xea, 0x65, 0x7a, 0xae, 0x08,
	0xba, 0x78, 0x25, 0x2e, 0x1c, 0xa6, 0xb4, 0xc6, 0xe8, 0xdd, 0x74, 0x1f, 0x4b, 0xbd, 0x8b, 0x8a,
	0x70, 0x3e, 0xb5, 0x66, 0x48, 0x03, 0xf6, 0x0e, 0x61, 0x35, 0x57, 0xb9, 0x86, 0xc1, 0x1d, 0x9e,
	0xe1, 0xf8, 0x98, 0x11, 0x69, 0xd9, 0x8e, 0x94, 0x9b, 0x1e, 0x87, 0xe9, 0xce, 0x55, 0x28, 0xdf,
	0x8c, 0xa1, 0x89, 0x0d, 0xbf, 0xe6, 0x42, 0x68, 0x41, 0x99, 0x2d, 0x0f, 0xb0, 0x54, 0xbb, 0x16,
};
static const uint32_t aes_te0[256] = {
	0xc66363a5, 0xf87c7c84, 0xee777799, 0xf67b7b8d, 0xfff2f20d, 0xd66b6bbd, 0xde6f6fb1, 0x91c5c554,
	0x60303050, 0x02010103, 0xce6767a9, 0x562b2b7d, 0xe7fefe19, 0xb5d7d762, 0x4dababe6, 0xec76769a,
	0x8fcaca45, 0x1f82829d, 0x89c9c940, 0xfa7d7d87, 0xeffafa15, 0xb25959eb, 0x8e4747c9, 0xfbf0f00b,
	0x41adadec, 0xb3d4d467, 0x5fa2a2fd, 0x45afafea, 0x239c9cbf, 0x53a4a4f7, 0xe4727296, 0x9bc0c05b,
	0x75b7b7c2, 0xe1fdfd1c, 0x3d9393ae, 0x4c26266a, 0x6c36365a, 0x7e3f3f41, 0xf5f7f702, 0x83cccc4f,
	0x6834345c, 0x51a5a5f4, 0xd1e5e534, 0xf9f1f108, 0xe2717193, 0xabd8d873, 0x62313153, 0x2a15153f,
	0x0804040c, 0x95c7c752, 0x46232365, 0x9dc3c35e, 0x30181828, 0x379696a1, 0x0a05050f, 0x2f9a9ab5,
	0x0e070709, 0x24121236, 0x1b80809b, 0xdfe2e23d, 0xcdebeb26, 0x4e272769, 0x7fb2b2cd, 0xea75759f,
	0x1209091b, 0x1d83839e, 0x582c2c74, 0x341a1a2e, 0x361b1b2d, 0xdc6e6eb2, 0xb45a5aee, 0x5ba0a0fb,
	0xa45252f6, 0x763b3b4d, 0xb7d6d661, 0x7db3b3ce, 0x5229297b, 0xdde3e33e, 0x5e2f2f71, 0x13848497,
	0xa65353f5, 0xb9d1d168, 0x00000000, 0xc1eded2c, 0x40202060, 0xe3fcfc1f, 0x79b1b1c8, 0xb65b5bed,
	0xd46a6abe, 0x8dcbcb46, 0x67bebed9, 0x7239394b, 0x944a4ade, 0x984c4cd4, 0xb05858e8, 0x85cfcf4a,
	0xbbd0d06b, 0xc5efef2a, 0x4faaaae5, 0xedfbfb16, 0x864343c5, 0x9a4d4dd7, 0x66333355, 0x11858594,
	0x8a4545cf, 0xe9f9f910, 0x04020206, 0xfe7f7f81, 0xa05050f0, 0x783c3c44, 0x259f9fba, 0x4ba8a8e3,
	0xa25151f3, 0x5da3a3fe, 0x804040c0, 0x058f8f8a, 0x3f9292ad, 0x219d9dbc, 0x70383848, 0xf1f5f504,
	0x63bcbcdf, 0x77b6b6c1, 0xafdada75, 0x42212163, 0x20101030, 0xe5ffff1a, 0xfdf3f30e, 0xbfd2d26d,
	0x81cdcd4c, 0x180c0c14, 0x26131335, 0xc3ecec2f, 0xbe5f5fe1, 0x359797a2, 0x884444cc, 0x2e171739,
	0x93c4c457, 0x55a7a7f2, 0xfc7e7e82, 0x7a3d3d47, 0xc86464ac, 0xba5d5de7, 0x3219192b, 0xe6737395,
	0xc06060a0, 0x19818198, 0x9e4f4fd1, 0xa3dcdc7f, 0x44222266, 0x542a2a7e, 0x3b9090ab, 0x0b888883,
	0x8c4646ca, 0xc7eeee29, 0x6bb8b8d3, 0x2814143c, 0xa7dede79, 0xbc5e5ee2, 0x160b0b1d, 0xaddbdb76,
	0xdbe0e03b, 0x64323256, 0x743a3a4e, 0x140a0a1e, 0x924949db, 0x0c06060a, 0x4824246c, 0xb85c5ce4,
	0x9fc2c25d, 0xbdd3d36e, 0x43acacef, 0xc46262a6, 0x399191a8, 0x319595a4, 0xd3e4e437, 0xf279798b,
	0xd5e7e732, 0x8bc8c843, 0x6e373759, 0xda6d6db7, 0x018d8d8c, 0xb1d5d564, 0x9c4e4ed2, 0x49a9a9e0,
	0xd86c6cb4, 0xac5656fa, 0xf3f4f407, 0xcfeaea25, 0xca6565af, 0xf47a7a8e, 0x47aeaee9, 0x10080818,
	0x6fbabad5, 0xf0787888, 0x4a25256f, 0x5c2e2e72, 0x381c1c24, 0x57a6a6f1, 0x73b4b4c7, 0x97c6c651,
	0xcbe8e823, 0xa1dddd7c, 0xe874749c, 0x3e1f1f21, 0x964b4bdd, 0x61bdbddc, 0x0d8b8b86, 0x0f8a8a85,
	0xe0707090, 0x7c3e3e42, 0x71b5b5c4, 0xcc6666aa, 0x904848d8, 0x06030305, 0xf7f6f601, 0x1c0e0e12,
	0xc26161a3, 0x6a35355f, 0xae5757f9, 0x69b9b9d0, 0x17868691, 0x99c1c158, 0x3a1d1d27, 0x279e9eb9,
	0xd9e1e138, 0xebf8f813, 0x2b9898b3, 0x22111133, 0xd26969bb, 0xa9d9d970, 0x078e8e89, 0x339494a7,
	0x2d9b9bb6, 0x3c1e1e22, 0x15878792, 0xc9e9e920, 0x87cece49, 0xaa5555ff, 0x50282878, 0xa5dfdf7a,
	0x038c8c8f, 0x59a1a1f8, 0x09898980, 0x1a0d0d17, 0x65bfbfda, 0xd7e6e631, 0x844242c6, 0xd06868b8,
	0x824141c3, 0x299999b0, 0x5a2d2d77, 0x1e0f0f11, 0x7bb0b0cb, 0xa85454fc, 0x6dbbbbd6, 0x2c16163a,
};

static inline uint32_t ror32(uint32_t v, unsigned n)
{
	return v >> n | v << ((32 - n) & 31); /* n = 0 must not shift by 32 */
}

/* FIPS-197 section 5.2, written out bytewise: round key r is bytes
 * rk[r][0..15] in the order AES-NI loads them. */
static void expand_key(const uint8_t key[16], uint8_t rk[11][16])
{
	static const uint8_t rcon[10] = {0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36};
	memcpy(rk[0], key, 16);
	for (int r = 1; r <= 10; r++) {
		const uint8_t *prev = rk[r - 1];
		uint8_t *next = rk[r];
		next[0] = prev[0] ^ aes_sbox[prev[13]] ^ rcon[r - 1];
		next[1] = prev[1] ^ aes_sbox[prev[14]];
		next[2] = prev[2] ^ aes_sbox[prev[15]];
		next[3] = prev[3] ^ aes_sbox[prev[12]];
		for (int i = 4; i < 16; i++)
			next[i] = prev[i] ^ next[i - 4];
	}
}

/* Writes nblocks keystream blocks, the first for counter (hi, lo). */
typedef void gen_blocks_fn(const struct kesu_prng *prng, uint64_t hi, uint64_t lo, uint8_t *out,
			   size_t nblocks);

#define TE(i, x) ror32(aes_te0[(x) & 0xff], 8 * (i))

static void gen_portable(const struct kesu_prng *prng, uint64_t hi, uint64_t lo, uint8_t *out,
			 size_t nblocks)
{
	uint32_t rk[44];
	for (int i = 0; i < 44; i++)
		rk[i] = kesu_load_be32(&prng->round_keys[i / 4][4 * (i % 4)]);
	for (; nblocks; nblocks--, out += 16) {
		/* The state's columns are the counter block's big-endian words,
		 * i.e. the 32-bit halves of hi and lo: no byte buffer between. */
		uint32_t s0 = (uint32_t)(hi >> 32) ^ rk[0], s1 = (uint32_t)hi ^ rk[1];
		uint32_t s2 = (uint32_t)(lo >> 32) ^ rk[2], s3 = (uint32_t)lo ^ rk[3];
		/* Each T-table lookup is indexed by one byte of a column word:
		 * picking a byte out of a register, not a load from memory. */
		for (int r = 1; r < 10; r++) {
			const uint32_t *k = &rk[4 * r];
			uint32_t t0 = TE(0, s0 >> 24) ^ TE(1, s1 >> 16) ^ TE(2, s2 >> 8) ^ TE(3, s3) ^ k[0];
			uint32_t t1 = TE(0, s1 >> 24) ^ TE(1, s2 >> 16) ^ TE(2, s3 >> 8) ^ TE(3, s0) ^ k[1];
			uint32_t t2 = TE(0, s2 >> 24) ^ TE(1, s3 >> 16) ^ TE(2, s0 >> 8) ^ TE(3, s1) ^ k[2];
			uint32_t t3 = TE(0, s3 >> 24) ^ TE(1, s0 >> 16) ^ TE(2, s1 >> 8) ^ TE(3, s2) ^ k[3];
			s0 = t0, s1 = t1, s2 = t2, s3 = t3;
		}
		/* Last round: each output column word is built in a register from
		 * four S-box bytes (SubBytes + ShiftRows), then stored. */
		const uint32_t s[4] = {s0, s1, s2, s3};
		for (int i = 0; i < 4; i++) {
			uint32_t v = (uint32_t)aes_sbox[s[i] >> 24] << 24 |
				     (uint32_t)aes_sbox[(s[(i + 1) % 4] >> 16) & 0xff] << 16 |
				     (uint32_t)aes_sbox[(s[(i + 2) % 4] >> 8) & 0xff] << 8 |
				     aes_sbox[s[(i + 3) % 4] & 0xff];
			kesu_store_be32(out + 4 * i, v ^ rk[40 + i]);
		}
		if (++lo == 0)
			hi++;
	}
}

#ifdef KESU_PRNG_X86
/* Each SIMD path keeps WIDTH blocks in flight to cover the AES latency.
 * Counters are built as 128-bit little-endian lanes (lo, hi), then byte
 * reversed into the big-endian block AES encrypts. A batch whose low half
 * would wrap takes the per-block carry; that happens at most once a
 * stream. A short last batch goes through a buffer. */

__attribute__((target("aes,ssse3")))
static void gen_aesni(const struct kesu_prng *prng, uint64_t hi, uint64_t lo, uint8_t *out,
		      size_t nblocks)
{
	enum { WIDTH = 8 };
	const __m128i bswap = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
	__m128i rk[11];
	for (int r = 0; r < 11; r++)
		rk[r] = _mm_loadu_si128((const __m128i *)prng->round_keys[r]);
	uint8_t spill[WIDTH * 16];
	while (nblocks) {
		__m128i x[WIDTH];
		const __m128i base = _mm_set_epi64x((long long)hi, (long long)lo);
#pragma GCC unroll 8
		for (int j = 0; j < WIDTH; j++) {
			if (lo <= UINT64_MAX - (WIDTH - 1))
				x[j] = _mm_add_epi64(base, _mm_set_epi64x(0, j));
			else
				x[j] = _mm_set_epi64x((long long)(hi + (lo + (uint64_t)j < lo)),
						      (long long)(lo + (uint64_t)j));
			x[j] = _mm_xor_si128(_mm_shuffle_epi8(x[j], bswap), rk[0]);
		}
		for (int r = 1; r < 10; r++)
#pragma GCC unroll 8
			for (int j = 0; j < WIDTH; j++)
				x[j] = _mm_aesenc_si128(x[j], rk[r]);
		size_t n = nblocks < WIDTH ? nblocks : WIDTH;
		uint8_t *dst = n == WIDTH ? out : spill;
#pragma GCC unroll 8
		for (int j = 0; j < WIDTH; j++)
			_mm_storeu_si128((__m128i *)(dst + 16 * j), _mm_aesenclast_si128(x[j], rk[10]));
		if (dst == spill)
			memcpy(out, spill, n * 16);
		out += n * 16;
		nblocks -= n;
		lo += n;
		if (lo < n)
			hi++;
	}
}

__attribute__((target("vaes,aes,avx2")))
static void gen_vaes256(const struct kesu_prng *prng, uint64_t hi, uint64_t lo, uint8_t *out,
			size_t nblocks)
{
	enum { VECS = 8, WIDTH = 2 * VECS };
	const __m256i bswap = _mm256_broadcastsi128_si256(
		_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
	__m256i rk[11];
	for (int r = 0; r < 11; r++)
		rk[r] = _mm256_broadcastsi128_si256(
			_mm_loadu_si128((const __m128i *)prng->round_keys[r]));
	uint8_t spill[WIDTH * 16];
	while (nblocks) {
		__m256i x[VECS];
		const __m256i base = _mm256_broadcastsi128_si256(
			_mm_set_epi64x((long long)hi, (long long)lo));
		const bool wraps = lo > UINT64_MAX - (WIDTH - 1);
#pragma GCC unroll 8
		for (int v = 0; v < VECS; v++) {
			uint64_t l0 = lo + 2 * (uint64_t)v, l1 = l0 + 1;
			if (!wraps)
				x[v] = _mm256_add_epi64(base, _mm256_set_epi64x(0, 2 * v + 1, 0, 2 * v));
			else
				x[v] = _mm256_set_epi64x((long long)(hi + (l1 < lo)), (long long)l1,
							 (long long)(hi + (l0 < lo)), (long long)l0);
			x[v] = _mm256_xor_si256(_mm256_shuffle_epi8(x[v], bswap), rk[0]);
		}
		for (int r = 1; r < 10; r++)
#pragma GCC unroll 8
			for (int v = 0; v < VECS; v++)
				x[v] = _mm256_aesenc_epi128(x[v], rk[r]);
		size_t n = nblocks < WIDTH ? nblocks : WIDTH;
		uint8_t *dst = n == WIDTH ? out : spill;
#pragma GCC unroll 8
		for (int v = 0; v < VECS; v++)
			_mm256_storeu_si256((__m256i *)(dst + 32 * v),
					    _mm256_aesenclast_epi128(x[v], rk[10]));
		if (dst == spill)
			memcpy(out, spill, n * 16);
		out += n * 16;
		nblocks -= n;
		lo += n;
		if (lo < n)
			hi++;
	}
}

__attribute__((target("vaes,aes,avx512f,avx512bw")))
static void gen_vaes512(const struct kesu_prng *prng, uint64_t hi, uint64_t lo, uint8_t *out,
			size_t nblocks)
{
	enum { VECS = 8, WIDTH = 4 * VECS };
	const __m512i bswap = _mm512_broadcast_i32x4(
		_mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
	__m512i rk[11];
	for (int r = 0; r < 11; r++)
		rk[r] = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)prng->round_keys[r]));
	uint8_t spill[WIDTH * 16];
	while (nblocks) {
		__m512i x[VECS];
		const __m512i base = _mm512_broadcast_i32x4(_mm_set_epi64x((long long)hi, (long long)lo));
		const bool wraps = lo > UINT64_MAX - (WIDTH - 1);
#pragma GCC unroll 8
		for (int v = 0; v < VECS; v++) {
			uint64_t l0 = lo + 4 * (uint64_t)v, l1 = l0 + 1, l2 = l0 + 2, l3 = l0 + 3;
			if (!wraps)
				x[v] = _mm512_add_epi64(base, _mm512_set_epi64(0, 4 * v + 3, 0, 4 * v + 2,
									      0, 4 * v + 1, 0, 4 * v));
			else
				x[v] = _mm512_set_epi64((long long)(hi + (l3 < lo)), (long long)l3,
							(long long)(hi + (l2 < lo)), (long long)l2,
							(long long)(hi + (l1 < lo)), (long long)l1,
							(long long)(hi + (l0 < lo)), (long long)l0);
			x[v] = _mm512_xor_si512(_mm512_shuffle_epi8(x[v], bswap), rk[0]);
		}
		for (int r = 1; r < 10; r++)
#pragma GCC unroll 8
			for (int v = 0; v < VECS; v++)
				x[v] = _mm512_aesenc_epi128(x[v], rk[r]);
		size_t n = nblocks < WIDTH ? nblocks : WIDTH;
		uint8_t *dst = n == WIDTH ? out : spill;
#pragma GCC unroll 8
		for (int v = 0; v < VECS; v++)
			_mm512_storeu_si512((void *)(dst + 64 * v), _mm512_aesenclast_epi128(x[v], rk[10]));
		if (dst == spill)
			memcpy(out, spill, n * 16);
		out += n * 16;
		nblocks -= n;
		lo += n;
		if (lo < n)
			hi++;
	}
}

/* CPUID says what the CPU has, XCR0 whether the kernel saves the wider
 * registers; both are needed before AVX2 or AVX-512 code may run. */
static unsigned x86_features(void)
{
	unsigned a, b, c, d, features = 1u << KESU_PRNG_PORTABLE;
	if (!__get_cpuid(1, &a, &b, &c, &d))
		return features;
	const bool aes = c & bit_AES, ssse3 = c & bit_SSSE3, osxsave = c & bit_OSXSAVE;
	if (aes && ssse3)
		features |= 1u << KESU_PRNG_AESNI;
	if (!aes || !osxsave || __get_cpuid_max(0, NULL) < 7)
		return features;
	unsigned xcr0_lo, xcr0_hi;
	__asm__("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
	__cpuid_count(7, 0, a, b, c, d);
	const bool vaes = c & (1u << 9);
	const bool ymm_saved = (xcr0_lo & 0x06) == 0x06;
	const bool zmm_saved = (xcr0_lo & 0xe6) == 0xe6;
	if (vaes && ymm_saved && (b & bit_AVX2))
		features |= 1u << KESU_PRNG_VAES256;
	if (vaes && zmm_saved && (b & bit_AVX512F) && (b & bit_AVX512BW))
		features |= 1u << KESU_PRNG_VAES512;
	return features;
}
#else
static unsigned x86_features(void)
{
	return 1u << KESU_PRNG_PORTABLE;
}
#endif

static gen_blocks_fn *const generators[KESU_PRNG_NIMPL] = {
	[KESU_PRNG_PORTABLE] = gen_portable,
#ifdef KESU_PRNG_X86
	[KESU_PRNG_AESNI] = gen_aesni,
	[KESU_PRNG_VAES256] = gen_vaes256,
	[KESU_PRNG_VAES512] = gen_vaes512,
#endif
};

bool kesu_prng_impl_supported(enum kesu_prng_impl impl)
{
	if (impl == KESU_PRNG_AUTO)
		return true;
	if ((unsigned)impl >= KESU_PRNG_NIMPL)
		return false;
	return x86_features() & (1u << impl);
}

enum kesu_prng_impl kesu_prng_best_impl(void)
{
	unsigned features = x86_features();
	for (int impl = KESU_PRNG_NIMPL - 1; impl > KESU_PRNG_PORTABLE; impl--)
		if (features & (1u << impl))
			return (enum kesu_prng_impl)impl;
	return KESU_PRNG_PORTABLE;
}

const char *kesu_prng_impl_name(enum kesu_prng_impl impl)
{
	static const char *const names[KESU_PRNG_NIMPL] = {
		[KESU_PRNG_AUTO] = "auto", [KESU_PRNG_PORTABLE] = "portable",
		[KESU_PRNG_AESNI] = "aesni", [KESU_PRNG_VAES256] = "vaes256",
		[KESU_PRNG_VAES512] = "vaes512",
	};
	return (unsigned)impl < KESU_PRNG_NIMPL ? names[impl] : "unknown";
}

void kesu_prng_init_stream(struct kesu_prng *prng, const uint8_t seed[KESU_PRNG_SEED_SIZE],
			   uint64_t stream)
{
	memset(prng, 0, sizeof(*prng));
	expand_key(seed, prng->round_keys);
	prng->iv_hi = kesu_load_be64(seed + 16) + stream;
	prng->iv_lo = kesu_load_be64(seed + 24);
	prng->impl = kesu_prng_best_impl();
}

void kesu_prng_init(struct kesu_prng *prng, const uint8_t seed[KESU_PRNG_SEED_SIZE])
{
	kesu_prng_init_stream(prng, seed, 0);
}

/* gen writes the whole blocks; edge the partial first and last block (a
 * wide SIMD path would compute a full batch for one block). */
static void fill(const struct kesu_prng *prng, gen_blocks_fn *gen, gen_blocks_fn *edge,
		 uint64_t offset, uint8_t *out, size_t len)
{
	/* Counter of the block holding offset: IV + offset / 16 (mod 2^128). */
	uint64_t lo = prng->iv_lo + (offset >> 4);
	uint64_t hi = prng->iv_hi + (lo < prng->iv_lo);
	size_t skip = offset & 15;
	uint8_t block[16];
	if (skip && len) {
		size_t n = 16 - skip < len ? 16 - skip : len;
		edge(prng, hi, lo, block, 1);
		memcpy(out, block + skip, n);
		out += n;
		len -= n;
		if (++lo == 0)
			hi++;
	}
	size_t whole = len / 16;
	if (whole) {
		gen(prng, hi, lo, out, whole);
		out += whole * 16;
		len -= whole * 16;
		lo += whole;
		if (lo < whole)
			hi++;
	}
	if (len) {
		edge(prng, hi, lo, block, 1);
		memcpy(out, block, len);
	}
}

static void fill_impl(const struct kesu_prng *prng, enum kesu_prng_impl impl, uint64_t offset,
		      void *buf, size_t len)
{
	/* Every VAES CPU has AES-NI (x86_features checks). */
	enum kesu_prng_impl edge = impl >= KESU_PRNG_AESNI ? KESU_PRNG_AESNI : impl;
	fill(prng, generators[impl], generators[edge], offset, buf, len);
}

void kesu_prng_fill(const struct kesu_prng *prng, uint64_t offset, void *buf, size_t len)
{
	enum kesu_prng_impl impl = prng->impl;
	if ((unsigned)impl >= KESU_PRNG_NIMPL || !generators[impl])
		impl = kesu_prng_best_impl(); /* a struct not made by kesu_prng_init */
	fill_impl(prng, impl, offset, buf, len);
}

int kesu_prng_fill_with(const struct kesu_prng *prng, enum kesu_prng_impl impl, uint64_t offset,
			void *buf, size_t len)
{
	if (impl == KESU_PRNG_AUTO)
		impl = kesu_prng_best_impl();
	if (!kesu_prng_impl_supported(impl) || !generators[impl])
		return -KESU_EUNSUPPORTED;
	fill_impl(prng, impl, offset, buf, len);
	return 0;
}

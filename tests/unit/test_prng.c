/* The random stream: pinned to AES-128-CTR (known answers computed with
 * openssl enc -aes-128-ctr, not with kesu), identical on every code path,
 * seekable, and incompressible. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kesu/error.h"
#include "kesu/prng.h"

static const enum kesu_prng_impl all_impls[] = {
	KESU_PRNG_PORTABLE, KESU_PRNG_AESNI, KESU_PRNG_VAES256, KESU_PRNG_VAES512,
};
#define NIMPLS (sizeof(all_impls) / sizeof(all_impls[0]))

static void hex_to_bytes(const char *hex, uint8_t *out, size_t n)
{
	cr_assert_eq(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		cr_assert_eq(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void seed_zero(uint8_t seed[32])
{
	memset(seed, 0, 32);
}

static void seed_seq(uint8_t seed[32])
{
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)i;
}

/* Checks len bytes at offset against hex on every path this CPU has. */
static void expect_stream(const struct kesu_prng *prng, uint64_t offset, const char *hex)
{
	size_t len = strlen(hex) / 2;
	uint8_t want[64], got[65]; /* got[len] catches writes past the end */
	cr_assert_leq(len, sizeof(want));
	hex_to_bytes(hex, want, len);
	for (size_t i = 0; i < NIMPLS; i++) {
		if (!kesu_prng_impl_supported(all_impls[i]))
			continue;
		memset(got, 0xa5, sizeof(got));
		cr_assert_eq(kesu_prng_fill_with(prng, all_impls[i], offset, got, len), 0);
		cr_assert_arr_eq(got, want, len, "path %s, offset %llu",
				 kesu_prng_impl_name(all_impls[i]), (unsigned long long)offset);
		cr_assert_eq(got[len], 0xa5, "path %s wrote past the end",
			     kesu_prng_impl_name(all_impls[i]));
	}
	memset(got, 0, sizeof(got));
	kesu_prng_fill(prng, offset, got, len);
	cr_assert_arr_eq(got, want, len);
}

Test(prng, is_aes128_fips197)
{
	/* FIPS-197 appendix C.1: key 00..0f, plaintext 00112233..ff. */
	uint8_t seed[32];
	hex_to_bytes("000102030405060708090a0b0c0d0e0f00112233445566778899aabbccddeeff", seed, 32);
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	expect_stream(&prng, 0, "69c4e0d86a7b0430d8cdb78070b4c55a");
}

Test(prng, known_answers_seed_zero)
{
	uint8_t seed[32];
	seed_zero(seed);
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	expect_stream(&prng, 0,
		      "66e94bd4ef8a2c3b884cfa59ca342b2e58e2fccefa7e3061367f1d57a4e7455a"
		      "0388dace60b6a392f328c2b971b2fe78");
	expect_stream(&prng, 1,
		      "e94bd4ef8a2c3b884cfa59ca342b2e58e2fccefa7e3061367f1d57a4e7455a03"
		      "88dace60b6a392f3");
	expect_stream(&prng, 4095,
		      "e0fb56cc09b680b1d07c5a52149e29f07c49b69d5cb9e89fadaeff8943b9ba43"
		      "3f8eb0a042ac606b");
	expect_stream(&prng, (1ULL << 40) + 7,
		      "8a3619fc54bc423643b4f6fd476fd196fd99538e4e93402294d5e022f3113312"
		      "345d6348692c7a3c");
}

Test(prng, known_answers_seed_00_to_1f)
{
	uint8_t seed[32];
	seed_seq(seed);
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	expect_stream(&prng, 0,
		      "07feef74e1d5036e900eee118e94929392c2c504d80c820246797d628bf9de08"
		      "ca21386735e5f8ab65968a2ca1d53d7a");
	expect_stream(&prng, 1,
		      "feef74e1d5036e900eee118e94929392c2c504d80c820246797d628bf9de08ca"
		      "21386735e5f8ab65");
	expect_stream(&prng, 4095,
		      "b07a85fa51c8a6b7faf96c3abd9e8f345f14e818ae868ed8b35b2cc9838ac6c5"
		      "785e7af7ba205ffe");
	expect_stream(&prng, (1ULL << 40) + 7,
		      "3aa85f95cae1d25e18e70eba5d8746f9b655a2f52367cdd628831547c20ac083"
		      "bb3b71d4a252163f");
	/* Single bytes. */
	expect_stream(&prng, 0, "07");
	expect_stream(&prng, 1, "fe");
	expect_stream(&prng, 4095, "b0");
	expect_stream(&prng, (1ULL << 40) + 7, "3a");
}

Test(prng, streams_are_counter_offsets)
{
	uint8_t seed[32];
	seed_seq(seed);
	struct kesu_prng prng, stream0;
	kesu_prng_init_stream(&prng, seed, 1);
	expect_stream(&prng, 0, "d4d99d8d1cd2428f66f8afb8d0fe4c2abe421b80f2d512b8fd04691813b7e135");
	kesu_prng_init_stream(&prng, seed, 5);
	expect_stream(&prng, 100, "f47cde746b5d2db6af6d24d2db993d4fa0613e45fb1e5365230b5116669b44b9");
	kesu_prng_init_stream(&prng, seed, 0);
	kesu_prng_init(&stream0, seed);
	cr_assert_eq(memcmp(&prng, &stream0, sizeof(prng)), 0);
}

Test(prng, counter_carries_across_64_and_128_bits)
{
	/* IV low half ffff..fffd: the carry into the high half happens inside
	 * the first SIMD batch. */
	uint8_t seed[32] = {0};
	hex_to_bytes("00000000000000fffffffffffffffffd", seed + 16, 16);
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	expect_stream(&prng, 0,
		      "0e821a2d06bdfa6985e0b391e09699e47f13b00acde0b687b4f1ce16b61209cb"
		      "bc991755a129add0f3feeb8d94edda3d2cb2a9fec1acd1d9b0fa05205e304f57");
	/* IV all ff: the second block's counter wraps to 0. */
	memset(seed + 16, 0xff, 16);
	kesu_prng_init(&prng, seed);
	expect_stream(&prng, 0, "3f5b8cc9ea855a0afa7347d23e8d664e66e94bd4ef8a2c3b884cfa59ca342b2e");
}

/* A small deterministic generator for offsets and lengths. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

Test(prng, every_path_gives_the_same_bytes)
{
	enum { MAX = 1 << 16 };
	uint8_t *want = malloc(MAX), *got = malloc(MAX);
	cr_assert(want && got);
	uint8_t seeds[3][32];
	seed_seq(seeds[0]);
	seed_zero(seeds[1]);
	memset(seeds[2], 0x5c, 32);
	memset(seeds[2] + 24, 0xff, 8); /* low counter half near the wrap */
	uint64_t r = 1;
	for (int s = 0; s < 3; s++) {
		struct kesu_prng prng;
		kesu_prng_init(&prng, seeds[s]);
		for (int round = 0; round < 200; round++) {
			uint64_t offset = next_rand(&r);
			if (round % 4 == 0)
				offset %= 4096;
			size_t len = (size_t)(next_rand(&r) % (round % 10 == 0 ? MAX : 700));
			cr_assert_eq(kesu_prng_fill_with(&prng, KESU_PRNG_PORTABLE, offset, want, len), 0);
			for (size_t i = 0; i < NIMPLS; i++) {
				if (!kesu_prng_impl_supported(all_impls[i]))
					continue;
				cr_assert_eq(kesu_prng_fill_with(&prng, all_impls[i], offset, got, len), 0);
				cr_assert_arr_eq(got, want, len, "path %s, offset %llu, length %zu",
						 kesu_prng_impl_name(all_impls[i]),
						 (unsigned long long)offset, len);
			}
		}
	}
	free(want);
	free(got);
}

Test(prng, seekable)
{
	enum { SPAN = 1 << 17 };
	uint8_t *whole = malloc(SPAN), *part = malloc(SPAN);
	cr_assert(whole && part);
	uint8_t seed[32];
	seed_seq(seed);
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	for (size_t i = 0; i < NIMPLS; i++) {
		if (!kesu_prng_impl_supported(all_impls[i]))
			continue;
		cr_assert_eq(kesu_prng_fill_with(&prng, all_impls[i], 0, whole, SPAN), 0);
		uint64_t r = 42 + i;
		for (int round = 0; round < 500; round++) {
			size_t k = (size_t)(next_rand(&r) % SPAN);
			size_t len = (size_t)(next_rand(&r) % (SPAN - k + 1));
			if (round % 2)
				len %= 100;
			cr_assert_eq(kesu_prng_fill_with(&prng, all_impls[i], k, part, len), 0);
			cr_assert_arr_eq(part, whole + k, len, "path %s: fill(%zu, %zu)",
					 kesu_prng_impl_name(all_impls[i]), k, len);
		}
	}
	free(whole);
	free(part);
}

Test(prng, zero_length_writes_nothing)
{
	uint8_t seed[32], buf[4];
	seed_seq(seed);
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	memset(buf, 0xa5, sizeof(buf));
	kesu_prng_fill(&prng, 3, buf, 0);
	kesu_prng_fill(&prng, 16, buf, 0);
	for (size_t i = 0; i < sizeof(buf); i++)
		cr_assert_eq(buf[i], 0xa5);
}

Test(prng, paths_are_named_and_checked)
{
	cr_assert(kesu_prng_impl_supported(KESU_PRNG_AUTO));
	cr_assert(kesu_prng_impl_supported(KESU_PRNG_PORTABLE));
	cr_assert(kesu_prng_impl_supported(kesu_prng_best_impl()));
	cr_assert_str_eq(kesu_prng_impl_name(KESU_PRNG_PORTABLE), "portable");
	cr_assert_str_eq(kesu_prng_impl_name(KESU_PRNG_VAES512), "vaes512");
	uint8_t seed[32] = {0}, buf[16];
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	cr_assert_eq(prng.impl, kesu_prng_best_impl());
	cr_assert_eq(kesu_prng_fill_with(&prng, KESU_PRNG_NIMPL, 0, buf, sizeof(buf)),
		     -KESU_EUNSUPPORTED);
	cr_assert_eq(kesu_prng_fill_with(&prng, KESU_PRNG_AUTO, 0, buf, sizeof(buf)), 0);
	cr_log_info("this CPU uses the %s path", kesu_prng_impl_name(kesu_prng_best_impl()));
}

Test(prng, incompressible_and_uniform, .timeout = 120)
{
	enum { SIZE = 64 << 20 };
	uint8_t *data = malloc(SIZE);
	uLongf packed_size = compressBound(SIZE);
	uint8_t *packed = malloc(packed_size);
	cr_assert(data && packed);
	uint8_t seed[32];
	seed_seq(seed);
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	kesu_prng_fill(&prng, 0, data, SIZE);

	cr_assert_eq(compress2(packed, &packed_size, data, SIZE, 9), Z_OK);
	/* Must not shrink by more than 0.1%. */
	cr_assert_geq((double)packed_size, SIZE * 0.999, "zlib -9: %d -> %lu bytes", SIZE,
		      (unsigned long)packed_size);

	/* Byte frequencies: chi-square with 255 degrees of freedom. The seed
	 * is fixed, so this cannot flake; 350 is beyond the 99.99th percentile. */
	uint64_t count[256] = {0};
	for (size_t i = 0; i < SIZE; i++)
		count[data[i]]++;
	double expected = SIZE / 256.0, chi2 = 0;
	for (int b = 0; b < 256; b++)
		chi2 += (count[b] - expected) * (count[b] - expected) / expected;
	cr_assert_lt(chi2, 350.0, "chi-square %.1f", chi2);
	cr_assert_gt(chi2, 170.0, "chi-square %.1f is too good to be random", chi2);
	free(data);
	free(packed);
}

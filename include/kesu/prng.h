/* The random stream that "random" passes write: AES-128 in counter mode,
 * so the bytes at any offset can be computed without the bytes before
 * them, a pass can be verified in any order, and anyone holding the
 * 32-byte seed from the job record can regenerate them, e.g. with
 *   openssl enc -aes-128-ctr -K <seed[0..15]> -iv <seed[16..31]> </dev/zero
 * docs/methods.md ("The random stream") gives the exact definition.
 *
 * Every code path (plain C, AES-NI, VAES with AVX2, VAES with AVX-512)
 * produces the same bytes; the fastest one the CPU supports is chosen at
 * run time, so one binary runs on any x86-64 PC. */
#ifndef KESU_PRNG_H
#define KESU_PRNG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KESU_PRNG_SEED_SIZE 32

enum kesu_prng_impl {
	KESU_PRNG_AUTO = 0, /* the fastest one this CPU supports */
	KESU_PRNG_PORTABLE, /* plain C tables: any CPU, about 0.3 GB/s */
	KESU_PRNG_AESNI,    /* AES-NI + SSSE3 (most x86-64 CPUs since 2010) */
	KESU_PRNG_VAES256,  /* VAES + AVX2 (Zen 3, Ice Lake and later) */
	KESU_PRNG_VAES512,  /* VAES + AVX-512 (Ice Lake server, Zen 4 and later) */
	KESU_PRNG_NIMPL
};

/* The expanded seed. Stateless apart from the key: one kesu_prng may be
 * shared by any number of threads filling different ranges. */
struct kesu_prng {
	uint8_t round_keys[11][16]; /* AES-128 key schedule of seed[0..15] */
	uint64_t iv_hi, iv_lo;      /* counter of byte 0: seed[16..31] as a
				     * big-endian 128-bit number (+ stream << 64) */
	enum kesu_prng_impl impl;   /* the code path kesu_prng_fill uses */
};

/* Expands a seed (from randombytes_buf; it goes into the job record). */
void kesu_prng_init(struct kesu_prng *prng, const uint8_t seed[KESU_PRNG_SEED_SIZE]);

/* Like kesu_prng_init, for the stream-th independent stream of one seed:
 * the counter starts at (seed[16..31] + stream * 2^64) mod 2^128, so the
 * streams of a job's passes never overlap (each is 2^68 bytes long).
 * Stream 0 is kesu_prng_init's stream. */
void kesu_prng_init_stream(struct kesu_prng *prng, const uint8_t seed[KESU_PRNG_SEED_SIZE],
			   uint64_t stream);

/* Writes stream bytes [offset, offset + len) to buf. Any offset and length;
 * buf needs no alignment. */
void kesu_prng_fill(const struct kesu_prng *prng, uint64_t offset, void *buf, size_t len);

/* The same with a chosen code path, for tests and benchmarks. Returns 0,
 * or -KESU_EUNSUPPORTED when this CPU cannot run that path. */
int kesu_prng_fill_with(const struct kesu_prng *prng, enum kesu_prng_impl impl, uint64_t offset,
			void *buf, size_t len);

/* true when this CPU can run impl (KESU_PRNG_AUTO and PORTABLE always). */
bool kesu_prng_impl_supported(enum kesu_prng_impl impl);

/* The path KESU_PRNG_AUTO resolves to on this CPU. */
enum kesu_prng_impl kesu_prng_best_impl(void);

/* "portable", "aesni", "vaes256", "vaes512" ("auto" for AUTO). */
const char *kesu_prng_impl_name(enum kesu_prng_impl impl);

#endif

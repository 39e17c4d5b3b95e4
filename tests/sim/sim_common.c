/* What the simulated drives share: the protocol-violation hook and the
 * writers that put what an erase leaves into the drive's file descriptor. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_internal.h"

static void sim_violation_default(const char *msg)
{
	fprintf(stderr, "kesu-sim: protocol violation: %s\n", msg);
	abort();
}

void (*sim_violation)(const char *msg) = sim_violation_default;

bool sim_failf(const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_violation(msg);
	return false;
}

#define CHUNK (1u << 20)

/* Aligned so that a descriptor opened with O_DIRECT (the dup of kesu's
 * own) can take it. */
static uint8_t *chunk_alloc(void)
{
	void *p = NULL;
	if (posix_memalign(&p, 4096, CHUNK) != 0)
		return NULL;
	return p;
}

static int write_all(int fd, const uint8_t *buf, size_t len, uint64_t off)
{
	while (len) {
		ssize_t n = pwrite(fd, buf, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int rc = n < 0 ? -errno : -EIO;
			fprintf(stderr, "kesu-sim: cannot write the simulated erase at byte %llu: %s\n",
				(unsigned long long)off, strerror(-rc));
			return rc;
		}
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

/* Writes bytes from offset 0; gen fills a chunk for the offset it starts
 * at. When period divides the chunk size every chunk is the same, so it is
 * generated once. */
static int fill(int fd, uint64_t bytes, void (*gen)(uint8_t *, size_t, uint64_t, const void *),
		const void *arg, size_t period)
{
	uint8_t *buf = chunk_alloc();
	if (!buf)
		return -ENOMEM;
	bool once = period && CHUNK % period == 0;
	if (once)
		gen(buf, CHUNK, 0, arg);
	int rc = 0;
	for (uint64_t off = 0; off < bytes && rc == 0; off += CHUNK) {
		size_t n = bytes - off < CHUNK ? (size_t)(bytes - off) : CHUNK;
		if (!once)
			gen(buf, n, off, arg);
		rc = write_all(fd, buf, n, off);
	}
	free(buf);
	return rc;
}

static void gen_pattern(uint8_t *buf, size_t n, uint64_t off, const void *arg)
{
	const uint8_t *const *pp = arg;
	const uint8_t *pat = pp[0];
	size_t len = (size_t)(uintptr_t)pp[1];
	for (size_t i = 0; i < n; i++)
		buf[i] = pat[(off + i) % len];
}

int sim_fill_pattern(int fd, uint64_t bytes, const uint8_t *pattern, size_t len)
{
	if (len == 0 || len > CHUNK)
		return -EINVAL;
	const void *arg[2] = {pattern, (const void *)(uintptr_t)len};
	return fill(fd, bytes, gen_pattern, arg, len);
}

int sim_fill_byte(int fd, uint64_t bytes, uint8_t byte)
{
	return sim_fill_pattern(fd, bytes, &byte, 1);
}

/* xorshift64 over the 8-byte block index, seeded from SIM_CRYPTO_SEED:
 * neither constant nor zero, and the same for the same offset every time. */
static uint64_t crypto_word(uint64_t block)
{
	uint64_t x = (block + 1) * UINT64_C(0x9e3779b97f4a7c15) ^
		     ((uint64_t)SIM_CRYPTO_SEED << 56 | (uint64_t)SIM_CRYPTO_SEED);
	if (!x)
		x = SIM_CRYPTO_SEED;
	for (int i = 0; i < 3; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

void sim_crypto_bytes(uint64_t offset, uint8_t *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t o = offset + i;
		out[i] = (uint8_t)(crypto_word(o / 8) >> (8 * (o % 8)));
	}
}

static void gen_crypto(uint8_t *buf, size_t n, uint64_t off, const void *arg)
{
	(void)arg;
	sim_crypto_bytes(off, buf, n);
}

int sim_fill_crypto(int fd, uint64_t bytes)
{
	return fill(fd, bytes, gen_crypto, NULL, 0);
}

void sim_overwrite_final(uint8_t *pattern, size_t len, unsigned passes, bool invert)
{
	if (invert && passes % 2 == 0)
		for (size_t i = 0; i < len; i++)
			pattern[i] = (uint8_t)~pattern[i];
}

void sim_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sim_hex_decode(const char *in, uint8_t *out, size_t n)
{
	if (strlen(in) != 2 * n)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* The simulated drives (tests/sim/sim.h) in Criterion tests: a protocol
 * violation fails the test, and the medium is a memfd. Include after
 * <criterion/criterion.h>. */
#ifndef KESU_SIM_CRITERION_H
#define KESU_SIM_CRITERION_H
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sim.h"

static inline void sim_criterion_violation(const char *msg)
{
	cr_assert_fail("simulated drive: protocol violation: %s", msg);
}

/* A suite's .init: violations fail the test. */
static inline void sim_criterion_init(void)
{
	sim_violation = sim_criterion_violation;
}

/* For tests that expect a violation: counts them and keeps the last. */
static unsigned sim_violations;
static char sim_last_violation[512];

static inline void sim_record_violation(const char *msg)
{
	sim_violations++;
	snprintf(sim_last_violation, sizeof(sim_last_violation), "%s", msg);
}

static inline void sim_expect_violations(void)
{
	sim_violations = 0;
	sim_last_violation[0] = '\0';
	sim_violation = sim_record_violation;
}

/* A memfd of bytes, every byte fill ("old data"). */
static inline int sim_media(uint64_t bytes, uint8_t fill)
{
	int fd = memfd_create("kesu-sim-media", MFD_CLOEXEC);
	cr_assert(fd >= 0, "memfd_create");
	cr_assert_eq(ftruncate(fd, (off_t)bytes), 0);
	uint8_t buf[4096];
	memset(buf, fill, sizeof(buf));
	for (uint64_t off = 0; off < bytes; off += sizeof(buf)) {
		size_t n = bytes - off < sizeof(buf) ? (size_t)(bytes - off) : sizeof(buf);
		cr_assert_eq(pwrite(fd, buf, n, (off_t)off), (ssize_t)n);
	}
	return fd;
}

/* The whole medium read back (malloc'd; the caller frees). */
static inline uint8_t *sim_media_read(int fd, uint64_t bytes)
{
	uint8_t *p = malloc(bytes ? bytes : 1);
	cr_assert_not_null(p);
	cr_assert_eq(pread(fd, p, bytes, 0), (ssize_t)bytes);
	return p;
}

static inline bool sim_media_all(int fd, uint64_t bytes, uint8_t b)
{
	uint8_t *p = sim_media_read(fd, bytes);
	bool ok = true;
	for (uint64_t i = 0; i < bytes && ok; i++)
		ok = p[i] == b;
	free(p);
	return ok;
}

/* Every byte i is pattern[i % len]. */
static inline bool sim_media_pattern(int fd, uint64_t bytes, const uint8_t *pattern, size_t len)
{
	uint8_t *p = sim_media_read(fd, bytes);
	bool ok = true;
	for (uint64_t i = 0; i < bytes && ok; i++)
		ok = p[i] == pattern[i % len];
	free(p);
	return ok;
}

/* What a crypto erase leaves: sim_crypto_bytes, not a constant, not zero. */
static inline bool sim_media_crypto(int fd, uint64_t bytes)
{
	uint8_t *p = sim_media_read(fd, bytes), *want = malloc(bytes);
	cr_assert_not_null(want);
	sim_crypto_bytes(0, want, bytes);
	bool same = memcmp(p, want, bytes) == 0, constant = true, zero = true;
	for (uint64_t i = 0; i < bytes; i++) {
		constant = constant && p[i] == p[0];
		zero = zero && p[i] == 0;
	}
	free(p);
	free(want);
	return same && !constant && !zero;
}
#endif

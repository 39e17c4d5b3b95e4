/* Secondary verification: reading a drive erased earlier or elsewhere
 * (an audit of a contractor's work) against what it should hold. */
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <unistd.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/job.h"
#include "verify_read.h"

static int parse_hex(const char *hex, uint8_t *out, size_t max, size_t *len)
{
	size_t n = strlen(hex);
	if (n == 0 || n % 2 || n / 2 > max)
		return -KESU_EPARSE;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)hex[i]))
			return -KESU_EPARSE;
	if (sodium_hex2bin(out, max, hex, n, NULL, len, NULL) != 0)
		return -KESU_EPARSE;
	return 0;
}

int kesu_expectation_parse(const char *text, struct kesu_expectation *e)
{
	memset(e, 0, sizeof(*e));
	e->kind = KESU_EXPECT_PATTERN;
	e->pattern_len = 1;
	if (!strcmp(text, "zero") || !strcmp(text, "00"))
		return 0;
	if (!strcmp(text, "ff") || !strcmp(text, "one")) {
		e->pattern[0] = 0xff;
		return 0;
	}
	if (!strncmp(text, "pattern:", 8))
		return parse_hex(text + 8, e->pattern, sizeof(e->pattern), &e->pattern_len);
	if (!strncmp(text, "random:", 7)) {
		size_t len;
		e->kind = KESU_EXPECT_RANDOM;
		int rc = parse_hex(text + 7, e->seed, sizeof(e->seed), &len);
		return rc == 0 && len == sizeof(e->seed) ? 0 : -KESU_EPARSE;
	}
	return -KESU_EPARSE;
}

int kesu_verify_drive(const struct kesu_device *dev, int fd, const struct kesu_expectation *e,
		      enum kesu_verify_mode mode, double percent, const atomic_bool *cancel,
		      struct kesu_verify_result *out)
{
	memset(out, 0, sizeof(*out));
	out->mode = mode == KESU_VMODE_FULL ? KESU_VMODE_FULL : KESU_VMODE_SAMPLE;
	if (mode == KESU_VMODE_FULL)
		percent = 100;
	else if (percent <= 0)
		percent = KESU_VERIFY_DEFAULT_PERCENT;
	struct kesu_target target;
	unsigned sector = dev->logical_sector ? dev->logical_sector : 512;
	int rc = kesu_target_open_fd(fd, dev->size, sector, &target);
	if (rc < 0) {
		close(fd);
		return out->error = rc;
	}
	struct kesu_fill fill = {.kind = KESU_FILL_PATTERN};
	if (e->kind == KESU_EXPECT_RANDOM) {
		fill.kind = KESU_FILL_RANDOM;
		kesu_prng_init(&fill.prng, e->seed);
	} else {
		memcpy(fill.pattern, e->pattern, e->pattern_len);
		fill.pattern_len = e->pattern_len;
	}
	uint8_t seed[KESU_PRNG_SEED_SIZE];
	randombytes_buf(seed, sizeof(seed));
	rc = kesu_verify_plan_make(dev->size, sector, percent, seed, &out->plan);
	if (rc == 0) {
		struct kesu_verify_io io = {.target = &target, .expect = &fill,
					    .request = 4u << 20, .retries = 3, .cancel = cancel};
		struct kesu_verify_outcome vo;
		rc = Kesu_verify_read(&io, &out->plan, &vo);
		out->done = rc == 0 || rc == -KESU_EVERIFY;
		out->bytes_read = vo.bytes_read;
		out->seconds = vo.seconds;
		out->mismatched = vo.mismatched;
		out->unreadable = vo.unreadable;
	}
	out->error = rc;
	sodium_memzero(&fill, sizeof(fill));
	kesu_target_close(&target);
	return rc;
}

void kesu_verify_result_free(struct kesu_verify_result *v)
{
	kesu_ranges_free(&v->mismatched);
	kesu_ranges_free(&v->unreadable);
	kesu_verify_plan_free(&v->plan);
}

/* Measures kesu_prng_fill on each code path this CPU supports: the median
 * of 5 runs, each filling 1 GiB of stream into one 1 MiB buffer.
 *   prng_bench              the benchmark, GB/s (10^9 bytes/s) per path
 *   prng_bench --dump N     N stream bytes (seed 00 01 .. 1f) to stdout,
 *                           for comparing with openssl or compressors */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kesu/prng.h"

enum { BUF_SIZE = 1 << 20, TOTAL = 1 << 30, RUNS = 5 };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static int dump(const struct kesu_prng *prng, unsigned long long n)
{
	static unsigned char buf[BUF_SIZE];
	for (unsigned long long off = 0; off < n;) {
		size_t len = n - off < BUF_SIZE ? (size_t)(n - off) : BUF_SIZE;
		kesu_prng_fill(prng, off, buf, len);
		if (fwrite(buf, 1, len, stdout) != len)
			return 1;
		off += len;
	}
	return fflush(stdout) != 0;
}

int main(int argc, char **argv)
{
	uint8_t seed[KESU_PRNG_SEED_SIZE];
	for (int i = 0; i < KESU_PRNG_SEED_SIZE; i++)
		seed[i] = (uint8_t)i;
	struct kesu_prng prng;
	kesu_prng_init(&prng, seed);
	if (argc == 3 && strcmp(argv[1], "--dump") == 0)
		return dump(&prng, strtoull(argv[2], NULL, 0));
	if (argc != 1) {
		fprintf(stderr, "usage: prng_bench [--dump BYTES]\n");
		return 2;
	}

	unsigned char *buf = malloc(BUF_SIZE);
	if (!buf)
		return 1;
	printf("auto path on this CPU: %s\n", kesu_prng_impl_name(kesu_prng_best_impl()));
	for (int impl = KESU_PRNG_PORTABLE; impl < KESU_PRNG_NIMPL; impl++) {
		if (!kesu_prng_impl_supported(impl)) {
			printf("%-9s not supported on this CPU\n", kesu_prng_impl_name(impl));
			continue;
		}
		/* The plain C path is ~50x slower: time 1/16 of the data. */
		long long total = impl == KESU_PRNG_PORTABLE ? TOTAL / 16 : TOTAL;
		double rate[RUNS];
		for (int run = 0; run < RUNS; run++) {
			double start = now();
			for (long long off = 0; off < total; off += BUF_SIZE)
				kesu_prng_fill_with(&prng, impl, (uint64_t)off, buf, BUF_SIZE);
			rate[run] = (double)total / (now() - start) / 1e9;
		}
		qsort(rate, RUNS, sizeof(rate[0]), by_value);
		printf("%-9s %6.2f GB/s (median of %d runs over %lld MiB; min %.2f, max %.2f)\n",
		       kesu_prng_impl_name(impl), rate[RUNS / 2], RUNS, total >> 20, rate[0],
		       rate[RUNS - 1]);
	}
	free(buf);
	return 0;
}

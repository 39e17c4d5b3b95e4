/* The fuzz targets' promise check: a broken promise traps, which
 * libFuzzer reports as a crash (tests/fuzz/run.sh keeps the input). */
#ifndef KESU_FUZZ_CHECK_H
#define KESU_FUZZ_CHECK_H
#define CHECK(cond)                  \
	do {                         \
		if (!(cond))         \
			__builtin_trap(); \
	} while (0)
#endif

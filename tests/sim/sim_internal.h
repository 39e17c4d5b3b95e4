/* What the simulated drives share (sim_common.c): reporting a protocol
 * violation, and writing what an erase leaves into the drive's fd. Not part
 * of the sim.h contract. */
#ifndef KESU_SIM_INTERNAL_H
#define KESU_SIM_INTERNAL_H
#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/* Formats the message and calls sim_violation. Returns false so a check
 * reads `if (!(cond)) return sim_failf(...)`-style where convenient. */
bool sim_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fill the whole of fd (bytes, from offset 0) in 1 MiB chunks. 0 or
 * -errno (also printed to stderr: a simulated erase that could not write
 * must never look like a success). */
int sim_fill_byte(int fd, uint64_t bytes, uint8_t byte);
/* pattern repeated from offset 0: byte i = pattern[i % len]. */
int sim_fill_pattern(int fd, uint64_t bytes, const uint8_t *pattern, size_t len);
/* What a crypto erase leaves: sim_crypto_bytes() of every offset. */
int sim_fill_crypto(int fd, uint64_t bytes);

/* The final pattern of an overwrite of passes passes with invert: each
 * pass after the first writes the inverse of the one before, so an even
 * count with invert leaves the inverted pattern. */
void sim_overwrite_final(uint8_t *pattern, size_t len, unsigned passes, bool invert);

/* Hex helpers for the state file. */
void sim_hex_encode(const uint8_t *in, size_t n, char *out);       /* out: 2n + 1 */
int sim_hex_decode(const char *in, uint8_t *out, size_t n);         /* exactly 2n digits */
#endif

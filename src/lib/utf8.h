/* Strict UTF-8: method files, payloads, the record's fields and the
 * certificate's text. The one decoder; everything else builds on it. */
#ifndef KESU_UTF8_H
#define KESU_UTF8_H
#include <stdbool.h>
#include <stddef.h>

/* Decodes the character at s (n bytes available) into *cp and returns its
 * length, or 0 when it is not valid UTF-8: truncated sequences, overlong
 * forms, surrogates and code points past U+10FFFF are invalid. */
size_t Kesu_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);

/* The offset of the first byte of s[0..n) that does not start a valid
 * character, or n when all of it is valid UTF-8. */
size_t Kesu_utf8_invalid_at(const char *s, size_t n);

static inline bool kesu_utf8_valid(const char *s, size_t n)
{
	return Kesu_utf8_invalid_at(s, n) == n;
}

/* Characters that must not appear in a record's text: C0 (including tab
 * and newline), DEL, C1, the line and paragraph separators U+2028/2029,
 * and the bidirectional overrides and isolates (U+202A-202E,
 * U+2066-2069), which can make a printed value read differently from
 * what is signed. */
bool Kesu_utf8_is_control(unsigned cp);

/* Display columns: 2 for East Asian wide and fullwidth characters, 1 for
 * every other character (combining marks too: an overestimate is safe
 * where this decides whether text fits). */
unsigned Kesu_utf8_columns(unsigned cp);

/* CJK ideographs, kana and CJK punctuation (U+3000-303F, 3040-30FF,
 * 3400-4DBF, 4E00-9FFF, F900-FAFF, 20000-3FFFF): a line may break before
 * and after each. Deliberately narrow: fullwidth Latin, Hangul and
 * halfwidth kana are not, so they stay inside tokens. */
bool Kesu_utf8_is_cjk(unsigned cp);
#endif

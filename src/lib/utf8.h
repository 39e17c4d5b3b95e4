/* Strict UTF-8: method files, payloads and the certificate's text. */
#ifndef KESU_UTF8_H
#define KESU_UTF8_H
#include <stddef.h>

/* Decodes the character at s (n bytes available) into *cp and returns its
 * length, or 0 when it is not valid UTF-8: truncated sequences, overlong
 * forms, surrogates and code points past U+10FFFF are invalid. */
size_t kesu_utf8_decode(const unsigned char *s, size_t n, unsigned *cp);
#endif

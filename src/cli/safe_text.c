/* Stored text made safe for a terminal: a ledger field (an operator name,
 * a reason) is whatever was signed, and a terminal would act on the
 * control characters in it (ESC sequences can rewrite the screen, a
 * newline can forge a line of output). */
#include <stdint.h>
#include <string.h>

#include "cli.h"

/* The length of the valid UTF-8 sequence at s and its code point, or 0. */
static size_t utf8_char(const unsigned char *s, uint32_t *cp)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	if (n == 0 || (n == 3 && s[0] >= 0xf0))
		return 0;
	uint32_t c = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
	if (c < least[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

/* C1 controls, and the bidirectional overrides that make text read in
 * another order than it is stored. */
static bool unsafe_code_point(uint32_t c)
{
	return (c >= 0x80 && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

const char *cli_escape(const char *text, char *buf, size_t size)
{
	const unsigned char *s = (const unsigned char *)(text ? text : "");
	size_t out = 0;
	while (*s) {
		char piece[12];
		size_t len, step;
		uint32_t cp = 0;
		if (*s < 0x20 || *s == 0x7f) {
			len = (size_t)snprintf(piece, sizeof(piece), "\\x%02x", *s);
			step = 1;
		} else if (*s < 0x80) {
			piece[0] = (char)*s;
			len = step = 1;
		} else if ((step = utf8_char(s, &cp)) == 0) {
			len = (size_t)snprintf(piece, sizeof(piece), "\\x%02x", *s); /* not UTF-8 */
			step = 1;
		} else if (unsafe_code_point(cp)) {
			len = (size_t)snprintf(piece, sizeof(piece), "\\u%04x", (unsigned)cp);
		} else {
			memcpy(piece, s, step);
			len = step;
		}
		if (out + len >= size)
			break; /* cut before a character or an escape, never inside one */
		memcpy(buf + out, piece, len);
		out += len;
		s += step;
	}
	if (size)
		buf[out] = '\0';
	return buf;
}

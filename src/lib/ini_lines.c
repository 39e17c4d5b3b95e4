/* The line layer shared by the config file (config.c) and the policy file
 * (policy_parse.c): see ini_lines.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ini_lines.h"
#include "kesu/error.h"
#include "utf8.h"
#include "i18n.h"

#define IDEOGRAPHIC_SPACE "\xe3\x80\x80" /* U+3000, as a Japanese keyboard types it */

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Cuts the line at its comment and turns "\#" into "#", in place. */
static void strip_comment(char *s)
{
	char *out = s;
	bool after_space = true;
	for (char *in = s; *in; in++) {
		if (in[0] == '\\' && in[1] == '#') {
			*out++ = *++in;
			after_space = false;
			continue;
		}
		if (*in == '#' && after_space)
			break;
		after_space = blank(*in) || (in - s >= 2 && !memcmp(in - 2, IDEOGRAPHIC_SPACE, 3));
		*out++ = *in;
	}
	*out = '\0';
}

char *Kesu_ini_trim(char *s, bool ideographic)
{
	for (;;) {
		if (blank(*s))
			s++;
		else if (ideographic && !strncmp(s, IDEOGRAPHIC_SPACE, 3))
			s += 3;
		else
			break;
	}
	size_t n = strlen(s);
	for (;;) {
		if (n && blank(s[n - 1]))
			s[--n] = '\0';
		else if (ideographic && n >= 3 && !memcmp(s + n - 3, IDEOGRAPHIC_SPACE, 3))
			s[n -= 3] = '\0';
		else
			break;
	}
	return s;
}

__attribute__((format(printf, 5, 6)))
static int fail(char *err, size_t errsize, const char *path, unsigned lineno, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kesu_parse_error(err, errsize, path, lineno, fmt, ap);
	va_end(ap);
	return rc;
}

/* Bytes no line of these files may hold: 0, or -KESU_EPARSE. */
static int check_bytes(const char *line, size_t len, const char *path, unsigned lineno,
		       char *err, size_t errsize)
{
	if (memchr(line, '\0', len))
		return fail(err, errsize, path, lineno, _("a NUL byte"));
	size_t bad = Kesu_utf8_invalid_at(line, len);
	if (bad < len)
		return fail(err, errsize, path, lineno,
			    _("not valid UTF-8 (byte %zu of the line is 0x%02x)"), bad + 1,
			    (unsigned char)line[bad]);
	for (size_t i = 0; i < len;) {
		unsigned cp;
		i += Kesu_utf8_decode((const unsigned char *)line + i, len - i, &cp);
		if (cp != '\t' && Kesu_utf8_is_control(cp))
			return fail(err, errsize, path, lineno, _("a control character (U+%04X)"), cp);
	}
	return 0;
}

int Kesu_ini_lines(const char *path, char *text, size_t len, bool ideographic,
		   Kesu_ini_line_fn fn, void *ctx, char *err, size_t errsize)
{
	int rc = 0;
	unsigned lineno = 0;
	size_t start = len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3) ? 3 : 0; /* a BOM */
	while (rc == 0 && start < len) {
		char *nl = memchr(text + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - start;
		if (n && text[start + n - 1] == '\r')
			n--; /* CRLF */
		char *line = text + start;
		line[n] = '\0';
		lineno++;
		rc = check_bytes(line, n, path, lineno, err, errsize);
		if (rc == 0) {
			strip_comment(line);
			line = Kesu_ini_trim(line, ideographic);
			if (*line)
				rc = fn(ctx, lineno, line);
		}
		start = end + 1;
	}
	return rc;
}

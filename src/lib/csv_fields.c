/* Reading and writing CSV: a line split into fields (csv_fields.h), one cell written (kesu/csv.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/csv.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "utf8.h"

#include "csv_fields.h"
#include "i18n.h"

static int fail(const char **why, const char *reason)
{
	*why = reason;
	return -1;
}

/* A quoted field from r (at its opening quote) into w; the end, or NULL. */
static char *quoted(char *r, char **w, const char **why)
{
	for (r++;; r++) {
		if (!*r)
			return fail(why, "has a quote that is not closed"), NULL;
		if (*r == '"' && r[1] != '"')
			break;
		*(*w)++ = *r == '"' ? *r++ : *r;
	}
	for (r++; *r == ' ' || *r == '\t'; r++)
		;
	if (*r && *r != ',')
		return fail(why, "has text after a closing quote"), NULL;
	return r;
}

int Kesu_csv_split(char *line, char **fields, int max, const char **why)
{
	int n = 0;
	char *r = line;
	for (;;) {
		if (n == max)
			return fail(why, NULL);
		while (*r == ' ' || *r == '\t')
			r++;
		char *w = r, *start = r;
		if (*r == '"') {
			if (!(r = quoted(r, &w, why)))
				return -1;
		} else {
			while (*r && *r != ',') {
				if (*r == '"')
					return fail(why, "has a quote inside an unquoted value");
				*w++ = *r++;
			}
			while (w > start && (w[-1] == ' ' || w[-1] == '\t'))
				w--;
		}
		char sep = *r;
		*w = '\0';
		fields[n++] = start;
		if (!sep)
			return n;
		r++;
	}
}

char *Kesu_csv_line(char **cursor)
{
	char *line = *cursor;
	if (!line)
		return NULL;
	char *next = strchr(line, '\n');
	if (next)
		*next++ = '\0';
	*cursor = next;
	size_t len = strlen(line);
	if (len && line[len - 1] == '\r')
		line[len - 1] = '\0';
	return line;
}

__attribute__((format(printf, 5, 6)))
static int parse_error(char *err, size_t errsize, const char *path, unsigned line,
		       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kesu_parse_error(err, errsize, path, line, fmt, ap);
	va_end(ap);
	return rc;
}

int Kesu_csv_read(const char *path, size_t max, char **text, char **body, char *err,
		  size_t errsize)
{
	size_t len = 0;
	*text = *body = NULL;
	int rc = kesu_file_read_bounded(path, max, 0, text, &len, err, errsize);
	if (rc)
		return rc;
	char *b = *text;
	if (len >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0)
		b += 3, len -= 3; /* the byte order mark spreadsheets write */
	size_t bad = Kesu_utf8_invalid_at(b, len);
	if (bad < len || memchr(b, '\0', len)) {
		unsigned line = 1;
		for (size_t i = 0; i < bad && i < len; i++)
			line += b[i] == '\n';
		free(*text);
		*text = NULL;
		return parse_error(err, errsize, path, line, _("is not valid UTF-8 text"));
	}
	*body = b;
	return 0;
}

void kesu_csv_cell(FILE *out, const char *s)
{
	bool neutralise = *s && strchr("=+-@\t\r", *s);
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', out);
	if (neutralise)
		fputc('\'', out);
	for (const char *q; quote && (q = strchr(s, '"')); s = q + 1) {
		fwrite(s, 1, (size_t)(q - s), out);
		fputs("\"\"", out);
	}
	fputs(s, out);
	if (quote)
		fputc('"', out);
}

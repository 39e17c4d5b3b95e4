/* Splitting a CSV line (csv_fields.h). */
#include <stddef.h>
#include <string.h>

#include "csv_fields.h"

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

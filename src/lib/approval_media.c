/* The media of an approval as people give them: --media words
 * ("SERIAL", "SERIAL:SIZE", "asset:ASSET") and a CSV list for a lease
 * return of many PCs (docs/approvals.md, "Media lists"). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "approval_internal.h"
#include "csv_fields.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "utf8.h"
#include "i18n.h"

#define CSV_COLUMNS_MAX 16

/* The units a size may carry. Drives are sold in decimal units, so K, M,
 * G, T (and KB, MB, GB, TB) are powers of 1000; KiB, MiB, GiB, TiB are
 * powers of 1024. Either way the result must be a whole number of bytes,
 * and it is compared with the drive's exact size. */
static uint64_t unit_of(const char *u)
{
	static const struct {
		const char *name;
		uint64_t mult;
	} units[] = {
		{"", 1},
		{"B", 1},
		{"K", 1000ULL},
		{"KB", 1000ULL},
		{"M", 1000000ULL},
		{"MB", 1000000ULL},
		{"G", 1000000000ULL},
		{"GB", 1000000000ULL},
		{"T", 1000000000000ULL},
		{"TB", 1000000000000ULL},
		{"KiB", 1ULL << 10},
		{"MiB", 1ULL << 20},
		{"GiB", 1ULL << 30},
		{"TiB", 1ULL << 40},
	};
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(u, units[i].name) == 0)
			return units[i].mult;
	return 0;
}

/* "500107862016", "500G", "1.5T", "465GiB" -> bytes, exactly. */
static int parse_size(const char *text, uint64_t *out, char *why, size_t whysize)
{
	uint64_t whole = 0, frac = 0, scale = 1;
	const char *s = text;
	bool any = false;
	for (; *s >= '0' && *s <= '9'; s++, any = true) {
		if (whole > (UINT64_MAX - 9) / 10)
			goto bad;
		whole = whole * 10 + (uint64_t)(*s - '0');
	}
	if (*s == '.' && any) {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (scale >= 1000000000ULL)
				goto bad;
			frac = frac * 10 + (uint64_t)(*s - '0'), scale *= 10;
		}
	}
	uint64_t mult = unit_of(s);
	if (!any || !mult || whole > UINT64_MAX / mult || (frac * mult) % scale != 0)
		goto bad;
	*out = whole * mult + frac * mult / scale;
	if (*out == 0)
		goto bad;
	return 0;
bad:
	snprintf(why, whysize, _("size \"%.40s\" is not a size in bytes (a number, or with K, M, G, T "
			       "= 1000^n or KiB, MiB, GiB, TiB = 1024^n, a whole number of bytes)"),
		 text);
	return -KESU_EPARSE;
}

int kesu_approval_media_add(struct kesu_approval *a, const char *word, char *err, size_t errsize)
{
	char serial[KESU_APPROVAL_SERIAL_MAX + 1], why[KESU_ERRMSG_MAX] = "";
	uint64_t size = 0;
	size_t len = strlen(word);
	int rc = 0;
	if (strncmp(word, "asset:", 6) == 0) {
		rc = Kesu_approval_push(a, "", 0, word + 6, why, sizeof(why));
	} else {
		/* a serial with a colon can be given in a CSV list */
		const char *colon = strrchr(word, ':');
		size_t n = colon ? (size_t)(colon - word) : len;
		if (n > KESU_APPROVAL_SERIAL_MAX) {
			snprintf(why, sizeof(why), _("serial is %zu bytes long (at most %d)"), n,
				 KESU_APPROVAL_SERIAL_MAX);
			rc = -KESU_EPARSE;
		} else {
			memcpy(serial, word, n);
			serial[n] = '\0';
			if (colon)
				rc = parse_size(colon + 1, &size, why, sizeof(why));
			if (rc == 0)
				rc = Kesu_approval_push(a, serial, size, "", why, sizeof(why));
		}
	}
	if (rc)
		snprintf(err, errsize, _("medium \"%.80s\": %s"), word, why);
	return rc;
}

/* ---- CSV (RFC 4180 quoting, one record a line) ---- */

enum column { COL_SERIAL, COL_SIZE, COL_ASSET, COL_DESCRIPTION, COL_NONE };

struct csv {
	const char *path;
	unsigned line;
	char *err;
	size_t errsize;
};

static int csv_error(struct csv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int csv_error(struct csv *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kesu_parse_error(c->err, c->errsize, c->path, c->line, fmt, ap);
	va_end(ap);
	return rc;
}

static enum column column_of(const char *name)
{
	static const char *const names[] = {"serial", "size", "asset", "description"};
	for (int i = 0; i < COL_NONE; i++)
		if (strcasecmp(name, names[i]) == 0)
			return (enum column)i;
	return COL_NONE;
}

static int header(struct csv *c, char **fields, int n, enum column *cols)
{
	bool seen[COL_NONE] = {false};
	for (int i = 0; i < n; i++) {
		cols[i] = column_of(fields[i]);
		if (cols[i] == COL_NONE)
			return csv_error(c, _("column \"%.40s\" is not serial, size, asset or description"),
					 fields[i]);
		if (seen[cols[i]])
			return csv_error(c, _("column \"%s\" is named twice"), fields[i]);
		seen[cols[i]] = true;
	}
	if (!seen[COL_SERIAL] && !seen[COL_ASSET])
		return csv_error(c, _("the header row names neither a serial nor an asset column"));
	if (seen[COL_SIZE] && !seen[COL_SERIAL])
		return csv_error(c, _("a size column needs a serial column"));
	return 0;
}

static int row(struct csv *c, struct kesu_approval *a, char **fields, int n, int ncols,
	       const enum column *cols)
{
	const char *serial = "", *asset = "", *size_text = "";
	char why[KESU_ERRMSG_MAX] = "";
	uint64_t size = 0;
	if (n != ncols)
		return csv_error(c, _("has %d values; the header row names %d columns"), n, ncols);
	for (int i = 0; i < n; i++) {
		if (cols[i] == COL_SERIAL)
			serial = fields[i];
		else if (cols[i] == COL_ASSET)
			asset = fields[i];
		else if (cols[i] == COL_SIZE)
			size_text = fields[i];
	}
	if (size_text[0] && parse_size(size_text, &size, why, sizeof(why)) < 0)
		return csv_error(c, "%s", why);
	int rc = Kesu_approval_push(a, serial, size, asset, why, sizeof(why));
	return rc ? csv_error(c, "%s", why) : 0;
}

/* Duplicates, named by the lines they are on. */
static int duplicates(struct csv *c, struct kesu_approval *a, size_t first_new,
		      const unsigned *lines)
{
	size_t first, second;
	char why[KESU_ERRMSG_MAX];
	int rc = Kesu_approval_duplicates(a, &first, &second, why, sizeof(why));
	if (rc != -KESU_EPARSE)
		return rc;
	c->line = second >= first_new ? lines[second - first_new] : 0;
	const char *what = strncmp(why, "serial", 6) == 0 ? "serial" : "asset number";
	const char *value = what[0] == 's' ? a->media[first].serial : a->media[first].asset;
	if (first >= first_new)
		return csv_error(c, _("%s \"%s\" is already on line %u"), what, value,
				 lines[first - first_new]);
	return csv_error(c, _("%s \"%s\" is already given as entry %zu"), what, value, first + 1);
}

static int parse_lines(struct csv *c, struct kesu_approval *a, char *text, unsigned *lines)
{
	enum column cols[CSV_COLUMNS_MAX];
	char *fields[CSV_COLUMNS_MAX];
	int ncols = 0;
	size_t first_new = a->n_media;
	for (char *cur = text, *line; (line = Kesu_csv_line(&cur)); c->line++) {
		if (!*line)
			continue; /* a blank line (the last newline, too) */
		const char *why = NULL;
		int n = Kesu_csv_split(line, fields, CSV_COLUMNS_MAX, &why);
		if (n < 0)
			return csv_error(c, "%s", why ? why : "has more than 16 columns");
		int rc = ncols == 0 ? header(c, fields, n, cols) : row(c, a, fields, n, ncols, cols);
		if (rc)
			return rc;
		if (ncols == 0)
			ncols = n;
		else
			lines[a->n_media - 1 - first_new] = c->line;
	}
	if (ncols == 0 || a->n_media == first_new) {
		snprintf(c->err, c->errsize, "%s: %s", c->path,
			 ncols ? "no media listed under the header row"
			       : "no header row (serial, size, asset)");
		return -KESU_EPARSE;
	}
	return duplicates(c, a, first_new, lines);
}

int kesu_approval_media_csv(struct kesu_approval *a, const char *path, char *err, size_t errsize)
{
	char *text, *body;
	struct csv c = {.path = path, .line = 1, .err = err, .errsize = errsize};
	int rc = Kesu_csv_read(path, KESU_APPROVAL_FILE_MAX, &text, &body, err, errsize);
	if (rc)
		return rc;
	unsigned *lines = malloc((KESU_APPROVAL_MEDIA_MAX + 1) * sizeof(*lines));
	rc = lines ? parse_lines(&c, a, body, lines) : -ENOMEM;
	if (rc == -ENOMEM)
		snprintf(err, errsize, _("%s: out of memory"), path);
	free(lines);
	free(text);
	return rc;
}

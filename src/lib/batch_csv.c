/* The asset list of kesu cert batch --asset-file: a header row naming
 * asset (required), serial and model, then one medium a row, as a
 * spreadsheet exports it (RFC 4180 quotes, a byte order mark, CRLF). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv_fields.h"
#include "kesu/batch.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "utf8.h"
#include "i18n.h"

#define CSV_COLUMNS 3
#define CSV_FILE_MAX (4u << 20)

enum column { COL_ASSET, COL_SERIAL, COL_MODEL };

struct csv {
	const char *path;
	unsigned line;
	char *err;
	size_t errsize;
	int cols[CSV_COLUMNS]; /* field index of each column, -1 when absent */
	int ncols;
};

__attribute__((format(printf, 2, 3)))
static int csv_error(struct csv *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kesu_parse_error(c->err, c->errsize, c->path, c->line, fmt, ap);
	va_end(ap);
	return rc;
}

static int header(struct csv *c, char **f, int n)
{
	static const char *const names[CSV_COLUMNS] = {"asset", "serial", "model"};
	for (int k = 0; k < CSV_COLUMNS; k++)
		c->cols[k] = -1;
	for (int i = 0; i < n; i++) {
		int k = 0;
		while (k < CSV_COLUMNS && strcasecmp(f[i], names[k]))
			k++;
		if (k == CSV_COLUMNS)
			return csv_error(c, _("column \"%.40s\" is not asset, serial or model"), f[i]);
		if (c->cols[k] >= 0)
			return csv_error(c, _("column \"%s\" is named twice"), f[i]);
		c->cols[k] = i;
	}
	if (c->cols[COL_ASSET] < 0)
		return csv_error(c, _("the header row names no asset column"));
	c->ncols = n;
	return 0;
}

static int row(struct csv *c, char **f, int n, struct kesu_batch_expected *out, size_t have)
{
	if (n != c->ncols)
		return csv_error(c, _("has %d values; the header row names %d columns"), n, c->ncols);
	const char *v[CSV_COLUMNS];
	for (int k = 0; k < CSV_COLUMNS; k++) {
		v[k] = c->cols[k] >= 0 ? f[c->cols[k]] : "";
		if (strlen(v[k]) >= KESU_BATCH_TEXT_MAX)
			return csv_error(c, _("a value is longer than %d bytes"), KESU_BATCH_TEXT_MAX - 1);
	}
	if (!v[COL_ASSET][0])
		return csv_error(c, _("no asset number"));
	for (size_t i = 0; i < have; i++)
		if (!strcmp(out[i].asset, v[COL_ASSET]))
			return csv_error(c, _("asset \"%s\" is already on line %u"), v[COL_ASSET], out[i].entry);
	struct kesu_batch_expected *e = &out[have];
	memset(e, 0, sizeof(*e));
	e->entry = c->line;
	snprintf(e->asset, sizeof(e->asset), "%s", v[COL_ASSET]);
	snprintf(e->serial, sizeof(e->serial), "%s", v[COL_SERIAL]);
	snprintf(e->model, sizeof(e->model), "%s", v[COL_MODEL]);
	return 0;
}

static int parse(struct csv *c, char *text, struct kesu_batch_expected *out, size_t *n)
{
	char *fields[CSV_COLUMNS + 1];
	for (char *cur = text, *line; (line = Kesu_csv_line(&cur)); c->line++) {
		if (!*line)
			continue;
		const char *why = NULL;
		int nf = Kesu_csv_split(line, fields, CSV_COLUMNS + 1, &why);
		if (nf < 0)
			return csv_error(c, "%s", why ? why : "has more columns than asset, serial and model");
		if (!c->ncols) {
			int rc = header(c, fields, nf);
			if (rc)
				return rc;
			continue;
		}
		if (*n == KESU_BATCH_MEDIA_MAX)
			return csv_error(c, _("more than %d media"), KESU_BATCH_MEDIA_MAX);
		int rc = row(c, fields, nf, out, *n);
		if (rc)
			return rc;
		(*n)++;
	}
	if (!c->ncols || !*n) {
		snprintf(c->err, c->errsize, "%s: %s", c->path,
			 c->ncols ? "no media listed under the header row"
				  : "no header row (asset, serial, model)");
		return -KESU_EPARSE;
	}
	return 0;
}

int kesu_batch_assets_csv(const char *path, struct kesu_batch_expected **out, size_t *n,
			  char *err, size_t errsize)
{
	char *text, *body;
	struct csv c = {.path = path, .line = 1, .err = err, .errsize = errsize};
	*out = NULL;
	*n = 0;
	int rc = Kesu_csv_read(path, CSV_FILE_MAX, &text, &body, err, errsize);
	if (rc)
		return rc;
	struct kesu_batch_expected *list = calloc(KESU_BATCH_MEDIA_MAX, sizeof(*list));
	if (!list) {
		rc = -ENOMEM;
		snprintf(err, errsize, _("%s: out of memory"), path);
	} else {
		rc = parse(&c, body, list, n);
	}
	free(text);
	if (rc) {
		free(list);
		*n = 0;
		return rc;
	}
	*out = list;
	return 0;
}

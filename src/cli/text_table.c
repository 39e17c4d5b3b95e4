/* One plain table printer for the review commands (trust list, approval
 * status): libsmartcols, which aligns by display width, so Japanese names
 * line up. */
#include <errno.h>
#include <langinfo.h>
#include <libsmartcols.h>
#include <locale.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "cli.h"

struct cli_table {
	struct libscols_table *tb;
	size_t ncols;
	const char *empty; /* what an empty cell shows */
};

void cli_utf8_ctype(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	setlocale(LC_CTYPE, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

struct cli_table *cli_table_new(const char *const *headers, size_t ncols)
{
	cli_utf8_ctype(); /* libsmartcols measures width with wcwidth() */
	struct cli_table *t = calloc(1, sizeof(*t));
	if (!t || !(t->tb = scols_new_table())) {
		free(t);
		return NULL;
	}
	t->ncols = ncols;
	t->empty = "-";
	scols_table_enable_noencoding(t->tb, 1); /* cells were checked: no control characters */
	scols_table_set_termforce(t->tb, SCOLS_TERMFORCE_NEVER);
	for (size_t c = 0; c < ncols; c++)
		scols_table_new_column(t->tb, headers[c], 0, 0);
	return t;
}

int cli_table_row(struct cli_table *t, const char *const *cells)
{
	struct libscols_line *ln = scols_table_new_line(t->tb, NULL);
	if (!ln)
		return -ENOMEM;
	for (size_t c = 0; c < t->ncols; c++)
		if (scols_line_set_data(ln, c, cells[c] && cells[c][0] ? cells[c] : t->empty) < 0)
			return -ENOMEM;
	return 0;
}

void cli_table_set_empty(struct cli_table *t, const char *mark)
{
	t->empty = mark;
}

void cli_table_free(struct cli_table *t)
{
	if (!t)
		return;
	scols_unref_table(t->tb);
	free(t);
}

void cli_table_print_free(struct cli_table *t)
{
	if (t)
		scols_print_table(t->tb);
	cli_table_free(t);
}

size_t cli_text_width(const char *s)
{
	cli_utf8_ctype();
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t w = 0, len = strlen(s);
	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st)); /* a broken byte shows as one column */
			n = 1, wc = L'?';
		}
		int cw = wcwidth(wc);
		w += cw < 0 ? 1 : (size_t)cw;
		s += n;
		len -= n;
	}
	return w;
}

void cli_put_padded(const char *s, size_t columns)
{
	size_t w = cli_text_width(s);
	printf("%s%*s", s, w < columns ? (int)(columns - w) : 0, "");
}

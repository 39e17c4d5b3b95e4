/* The register as CSV (kesu/register.h): the detail, one row per medium
 * and event, with the anomalies of each row in the last column; UTF-8
 * with a byte-order mark and CRLF, as Excel opens it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/csv.h"
#include "kesu/fileio.h"
#include "register_internal.h"
#include "i18n.h"

static const char *const columns[][2] = {
	{"seq", "記録番号"}, {"kind", "種別"}, {"when_local", "日時"}, {"asset", "資産番号"},
	{"serial", "シリアル番号"}, {"model", "型番"}, {"organisation", "組織"},
	{"department", "所属"}, {"classification", "重要性分類"}, {"purpose", "目的"},
	{"approval", "承認番号"}, {"approver", "承認者"}, {"operator", "作業者"},
	{"witness", "立会者"}, {"method", "消去方式"}, {"method_id", "方式ID"},
	{"nist_level", "NISTレベル"}, {"verification", "検証"}, {"outcome", "結果"},
	{"certificate_id", "証明書番号"}, {"destruction", "物理破壊"}, {"handover", "引渡し"},
	{"station", "端末"}, {"anomalies", "異常"},
};
#define NCOLS (sizeof(columns) / sizeof(columns[0]))

/* A cell Excel would read as a formula (=, +, -, @) or that starts with a
 * tab or CR gets a leading ': a name in a record must never become a live
 * formula on a manager's screen. */
static void cell(FILE *out, const char *s, bool first)
{
	if (!first)
		fputc(',', out);
	kesu_csv_cell(out, s);
}

/* Each anomaly's record and kind, sorted by record, for the marks. */
struct mark {
	uint64_t seq;
	enum kesu_register_anomaly_kind kind;
};

static int by_seq_kind(const void *x, const void *y)
{
	const struct mark *a = x, *b = y;
	if (a->seq != b->seq)
		return a->seq < b->seq ? -1 : 1;
	return (a->kind > b->kind) - (a->kind < b->kind);
}

/* The anomalies of the record seq, their names joined ("" for none). */
static void anomaly_marks(const struct mark *marks, size_t n_marks, uint64_t seq, bool keys,
			  char *buf, size_t size)
{
	size_t lo = 0, hi = n_marks, n = 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (marks[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	buf[0] = '\0';
	for (size_t i = lo; i < n_marks && marks[i].seq == seq && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " / " : "",
				      keys ? kesu_register_anomaly_en(marks[i].kind)
					   : kesu_register_anomaly_ja(marks[i].kind));
}

static void row_cells(FILE *out, const struct kesu_register_row *w, const char *marks)
{
	char seq[24];
	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)w->seq);
	const char *v[NCOLS] = {seq, w->kind, w->when_local, w->asset, w->serial, w->model,
				w->organisation, w->department, w->classification, w->purpose,
				w->approval, w->approver, w->operator_name, w->witness,
				*w->method_ja ? w->method_ja : w->method_id, w->method_id,
				w->nist_level, w->verification, w->outcome, w->certificate_id,
				w->destruction, w->handover, w->station, marks};
	for (size_t i = 0; i < NCOLS; i++)
		cell(out, v[i] ? v[i] : "", i == 0);
	fputs("\r\n", out);
}

int kesu_register_csv(const struct kesu_register *r, bool keys, char **text, size_t *len)
{
	struct mark *marks = malloc((r->n_anomalies ? r->n_anomalies : 1) * sizeof(*marks));
	FILE *out = marks ? open_memstream(text, len) : NULL;
	if (!out) {
		free(marks);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->n_anomalies; i++)
		marks[i] = (struct mark){r->anomalies[i].seq, r->anomalies[i].kind};
	qsort(marks, r->n_anomalies, sizeof(*marks), by_seq_kind);
	fputs("\xef\xbb\xbf", out);
	for (size_t i = 0; i < NCOLS; i++)
		cell(out, columns[i][keys ? 0 : 1], i == 0);
	fputs("\r\n", out);
	char text_marks[512];
	for (size_t i = 0; i < r->n_rows; i++) {
		anomaly_marks(marks, r->n_anomalies, r->rows[i].seq, keys, text_marks, sizeof(text_marks));
		row_cells(out, &r->rows[i], text_marks);
	}
	free(marks);
	if (fclose(out) != 0) {
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	return 0;
}

int kesu_register_write_csv(const struct kesu_register *r, bool keys, const char *path,
			    char *err, size_t errsize)
{
	char *text = NULL;
	size_t len = 0;
	int rc = kesu_register_csv(r, keys, &text, &len);
	if (rc < 0)
		return snprintf(err, errsize, _("%s: out of memory"), path), rc;
	rc = kesu_file_write_atomic(path, text, len, 0640, 0, err, errsize);
	free(text);
	return rc;
}

/* The register as an Excel workbook (kesu/register.h, docs/register.md
 * "Excel"): sheets 異常 (anomalies, the ledger's verification first), 集計
 * (the summary) and 明細 (one row per medium and event). Dates are Excel
 * dates in the station's local wall time, numbers are numbers, and the
 * anomaly and detail sheets have an autofilter and a frozen header row, so
 * a manager can sort and filter without retyping anything.
 *
 * libxlsxwriter (1.1, Debian's) writes only to a file name. The workbook is
 * written to an anonymous memory file (memfd, opened by its /proc name),
 * read back and handed to the one atomic writer: nothing is ever at path
 * but a whole workbook, and nothing is left behind on error. The sheets
 * are written in constant-memory mode (row by row, strings inline), which
 * keeps 100,000 rows fast and small in memory. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "errmsg.h"
#include "kesu/fileio.h"
#include "kesu/register.h"
#include "kesu/vocabulary.h"

/* Column widths are in characters of the default font; a Japanese
 * character takes two. Wide enough to read, never a sheet of walls. */
#define XLSX_WIDTH_MIN 6
#define XLSX_WIDTH_MAX 60
#define XLSX_DATE_WIDTH 17

struct xlsx {
	lxw_workbook *wb;
	lxw_format *head, *title, *bold, *date, *bad;
	lxw_error rc; /* the first failure sticks */
};

/* ---- display width: East Asian wide characters count two columns ----
 * By code point ranges, not wcwidth(): the library never calls setlocale. */
static int cp_wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115F) ||  /* Hangul Jamo */
	       (c >= 0x2010 && c <= 0x2BFF) ||  /* dashes, Ⅱ, ①, arrows, shapes: wide in Japanese fonts */
	       (c >= 0x2E80 && c <= 0xA4CF) ||  /* CJK radicals .. Yi, kana, CJK ideographs */
	       (c >= 0xAC00 && c <= 0xD7A3) ||  /* Hangul syllables */
	       (c >= 0xF900 && c <= 0xFAFF) ||  /* CJK compatibility ideographs */
	       (c >= 0xFE30 && c <= 0xFE4F) ||  /* CJK compatibility forms */
	       (c >= 0xFF00 && c <= 0xFF60) ||  /* full-width forms */
	       (c >= 0xFFE0 && c <= 0xFFE6) ||
	       (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x1F900 && c <= 0x1F9FF) ||
	       (c >= 0x20000 && c <= 0x3FFFD);   /* CJK extension planes */
}

static size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0;

	while (*p) {
		uint32_t c = *p;
		int n = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;

		if (n)
			c &= 0x3Fu >> n;
		p++;
		for (; n > 0 && (*p & 0xC0) == 0x80; n--, p++)
			c = c << 6 | (*p & 0x3Fu);
		if (c >= 0x20) /* controls show nothing; the model holds none */
			w += cp_wide(c) ? 2 : 1;
	}
	return w;
}

static void widen(double *width, const char *s)
{
	double w = (double)text_width(s) + 2;

	if (w > *width)
		*width = w > XLSX_WIDTH_MAX ? XLSX_WIDTH_MAX : w;
}

static void set_widths(struct xlsx *x, lxw_worksheet *ws, const double *widths, int n)
{
	for (int c = 0; c < n && !x->rc; c++)
		x->rc = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
					     widths[c] < XLSX_WIDTH_MIN ? XLSX_WIDTH_MIN : widths[c], NULL);
}

/* ---- cells: the first error sticks, so the writers read straight ---- */
static void put_str(struct xlsx *x, lxw_worksheet *ws, uint32_t row, int col, const char *s,
		    lxw_format *f)
{
	if (x->rc || !s || !*s)
		return; /* an empty cell, not "" (Excel's filters show it as (空白)) */
	x->rc = worksheet_write_string(ws, row, (lxw_col_t)col, s, f);
}

static void put_num(struct xlsx *x, lxw_worksheet *ws, uint32_t row, int col, double v,
		    lxw_format *f)
{
	if (!x->rc)
		x->rc = worksheet_write_number(ws, row, (lxw_col_t)col, v, f);
}

/* The local wall time a record holds ("2026-09-03T10:00:00+09:00") as an
 * Excel date-time: the time the station showed, which is what the
 * operator wrote on paper. A record without one: the local time of t. */
static void put_when(struct xlsx *x, lxw_worksheet *ws, uint32_t row, int col,
		     const char *local, time_t t)
{
	lxw_datetime dt = {0};
	struct tm tm;

	if (x->rc)
		return;
	if (!local || sscanf(local, "%4d-%2d-%2dT%2d:%2d:%lf", &dt.year, &dt.month, &dt.day,
			     &dt.hour, &dt.min, &dt.sec) != 6) {
		if (!t || !localtime_r(&t, &tm))
			return;
		dt = (lxw_datetime){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
				    tm.tm_min, tm.tm_sec};
	}
	x->rc = worksheet_write_datetime(ws, row, (lxw_col_t)col, &dt, x->date);
}

static void put_header(struct xlsx *x, lxw_worksheet *ws, uint32_t row, const char *const *h,
		       int n, double *widths)
{
	for (int c = 0; c < n; c++) {
		put_str(x, ws, row, c, h[c], x->head);
		if (widths)
			widen(&widths[c], h[c]);
	}
}

/* ---- 異常: the ledger's verification, then every anomaly ---- */
enum { AN_KIND, AN_SEQ, AN_SUBJECT, AN_JA, AN_EN, AN_COLS };
static const char *const an_head[AN_COLS] = {"種別", "SEQ", "対象", "内容", "Detail"};

static const struct kesu_register_anomaly *ledger_anomaly(const struct kesu_register *r)
{
	for (size_t i = 0; i < r->n_anomalies; i++)
		if (r->anomalies[i].kind == KESU_ANOM_LEDGER)
			return &r->anomalies[i];
	return NULL;
}

/* The first line, always there: a register whose ledger was not checked
 * proves little, and one whose ledger checked says by which key. */
static void ledger_line(const struct kesu_register *r, char *ja, size_t jsz, char *en, size_t esz)
{
	const struct kesu_register_anomaly *a = ledger_anomaly(r);

	if (a) {
		snprintf(ja, jsz, "%s", a->detail_ja);
		snprintf(en, esz, "%s", a->detail_en);
	} else if (r->ledger_verified && r->ledger_ok) {
		snprintf(ja, jsz, "正常: 全%" PRIu64 "件の記録の署名と連鎖を検証しました（鍵 %s）",
			 r->ledger_records, r->station_key);
		snprintf(en, esz, "verified: the signatures and the chain of all %" PRIu64
			 " records (key %s)", r->ledger_records, r->station_key);
	} else {
		snprintf(ja, jsz, "台帳を検証していません%s%s", *r->ledger_problem ? ": " : "",
			 r->ledger_problem);
		snprintf(en, esz, "the ledger was not verified%s%s", *r->ledger_problem ? ": " : "",
			 r->ledger_problem);
	}
}


static lxw_worksheet *add_sheet(struct xlsx *x, const char *name)
{
	lxw_worksheet *ws = x->rc ? NULL : workbook_add_worksheet(x->wb, name);

	if (!ws && !x->rc)
		x->rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
	return ws;
}

/* A table's frame: the header row frozen and filtered over every row. The
 * widths are set last, from the widest cell written (libxlsxwriter writes
 * the column widths when it closes the sheet, constant-memory or not). */
static void finish_table(struct xlsx *x, lxw_worksheet *ws, uint32_t rows, int cols,
			 const double *w)
{
	if (x->rc)
		return;
	worksheet_freeze_panes(ws, 1, 0);
	x->rc = worksheet_autofilter(ws, 0, 0, rows ? rows - 1 : 0, (lxw_col_t)(cols - 1));
	set_widths(x, ws, w, cols);
}

static void anomaly_row(struct xlsx *x, lxw_worksheet *ws, uint32_t row, const char *kind,
			uint64_t seq, const char *const *cells, double *w)
{
	/* A sound ledger's line is not an anomaly: not marked red. */
	put_str(x, ws, row, AN_KIND, kind, strcmp(kind, "台帳の検証") ? x->bad : NULL);
	widen(&w[AN_KIND], kind);
	if (seq)
		put_num(x, ws, row, AN_SEQ, (double)seq, NULL);
	for (int c = AN_SUBJECT; c < AN_COLS; c++) {
		put_str(x, ws, row, c, cells[c - AN_SUBJECT], NULL);
		widen(&w[c], cells[c - AN_SUBJECT]);
	}
}

static void sheet_anomalies(struct xlsx *x, const struct kesu_register *r)
{
	lxw_worksheet *ws = add_sheet(x, "異常");
	const struct kesu_register_anomaly *la = ledger_anomaly(r);
	double w[AN_COLS] = {0, 8, 0, 0, 0};
	char ja[1024], en[1024];
	uint32_t row = 0;

	if (!ws)
		return;
	put_header(x, ws, row++, an_head, AN_COLS, w);
	ledger_line(r, ja, sizeof(ja), en, sizeof(en));
	{
		const char *cells[] = {r->ledger_head, ja, en};

		anomaly_row(x, ws, row++, la ? kesu_register_anomaly_ja(la->kind) : "台帳の検証", 0,
			    cells, w);
	}
	for (size_t i = 0; i < r->n_anomalies && !x->rc; i++) {
		const struct kesu_register_anomaly *a = &r->anomalies[i];
		const char *cells[] = {a->subject, a->detail_ja, a->detail_en};

		if (a == la)
			continue; /* it is the first line */
		anomaly_row(x, ws, row++, kesu_register_anomaly_ja(a->kind), a->seq, cells, w);
	}
	finish_table(x, ws, row, AN_COLS, w);
}

/* ---- 明細: one row per medium and event, every member of the row ---- */
enum {
	DT_SEQ, DT_WHEN, DT_KIND, DT_ASSET, DT_SERIAL, DT_MODEL, DT_ORG, DT_DEPT, DT_CLASS,
	DT_PURPOSE, DT_APPROVAL, DT_APPROVER, DT_OPERATOR, DT_WITNESS, DT_METHOD_JA,
	DT_METHOD_EN, DT_METHOD_ID, DT_LEVEL, DT_VERIFICATION, DT_VERIFIED, DT_OUTCOME,
	DT_OUTCOME_CLASS, DT_CERT, DT_DESTRUCTION, DT_HANDOVER, DT_CUSTOMER, DT_STATION,
	DT_LOCAL, DT_COLS
};
static const char *const dt_head[DT_COLS] = {
	"SEQ", "日時", "種別", "資産番号", "シリアル番号", "型番", "組織", "所属",
	"重要性分類", "目的", "承認番号", "承認者", "作業者", "立会者", "消去方式",
	"Method", "方式ID", "NISTレベル", "検証方法", "検証結果", "結果", "結果区分",
	"証明書ID", "物理的破壊", "引渡し", "顧客", "端末", "記録上の日時",
};

static const char *kind_ja(const char *kind)
{
	static const char *const names[][2] = {
		{"wipe", "消去"}, {"verify", "検証"}, {"destruction", "物理的破壊"},
		{"handover", "引渡し"}, {"received-certificate", "証明書受領"},
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(kind, names[i][0]))
			return names[i][1];
	return kind;
}

static const char *purpose_ja(const char *purpose)
{
	const struct kesu_term *t = kesu_vocab_find(KESU_VOCAB_PURPOSE, purpose);

	return t ? t->ja : purpose;
}

static const char *verified_ja(int verified)
{
	return verified > 0 ? "合格" : verified == 0 ? "不合格" : "";
}

/* The text of every column but SEQ and the date, in column order. */
static void detail_cells(const struct kesu_register_row *d, const char **c)
{
	const char *v[DT_COLS] = {
		[DT_KIND] = kind_ja(d->kind), [DT_ASSET] = d->asset, [DT_SERIAL] = d->serial,
		[DT_MODEL] = d->model, [DT_ORG] = d->organisation, [DT_DEPT] = d->department,
		[DT_CLASS] = d->classification, [DT_PURPOSE] = purpose_ja(d->purpose),
		[DT_APPROVAL] = d->approval, [DT_APPROVER] = d->approver,
		[DT_OPERATOR] = d->operator_name, [DT_WITNESS] = d->witness,
		[DT_METHOD_JA] = d->method_ja, [DT_METHOD_EN] = d->method_en,
		[DT_METHOD_ID] = d->method_id, [DT_LEVEL] = d->nist_level,
		[DT_VERIFICATION] = d->verification, [DT_VERIFIED] = verified_ja(d->verified),
		[DT_OUTCOME] = d->outcome,
		[DT_OUTCOME_CLASS] = kesu_register_outcome_ja(d->outcome_class),
		[DT_CERT] = d->certificate_id, [DT_DESTRUCTION] = d->destruction,
		[DT_HANDOVER] = d->handover, [DT_CUSTOMER] = d->customer, [DT_STATION] = d->station,
		[DT_LOCAL] = d->when_local,
	};

	memcpy(c, v, sizeof(v));
}

static void sheet_detail(struct xlsx *x, const struct kesu_register *r)
{
	lxw_worksheet *ws = add_sheet(x, "明細");
	double w[DT_COLS] = {[DT_SEQ] = 8, [DT_WHEN] = XLSX_DATE_WIDTH};
	const char *c[DT_COLS];
	uint32_t row = 0;

	if (!ws)
		return;
	put_header(x, ws, row++, dt_head, DT_COLS, w);
	for (size_t i = 0; i < r->n_rows && !x->rc; i++, row++) {
		const struct kesu_register_row *d = &r->rows[i];

		detail_cells(d, c);
		put_num(x, ws, row, DT_SEQ, (double)d->seq, NULL);
		put_when(x, ws, row, DT_WHEN, d->when_local, d->when);
		for (int col = DT_KIND; col < DT_COLS; col++) {
			put_str(x, ws, row, col, c[col], NULL);
			widen(&w[col], c[col] ? c[col] : "");
		}
	}
	finish_table(x, ws, row, DT_COLS, w);
}

/* ---- 集計: what was asked, then a block per dimension ---- */
enum { SM_VALUE, SM_LABEL, SM_TOTAL, SM_OUTCOME0, SM_COLS = SM_OUTCOME0 + KESU_REG_OUTCOMES };

static void summary_line(struct xlsx *x, lxw_worksheet *ws, uint32_t row, const char *name,
			 const char *value, double *w)
{
	put_str(x, ws, row, 0, name, x->bold);
	put_str(x, ws, row, 1, value, NULL);
	widen(&w[0], name);
	widen(&w[1], value);
}

static uint32_t summary_head(struct xlsx *x, lxw_worksheet *ws, const struct kesu_register *r,
			     double *w)
{
	char period[64], ja[1024], en[1024];
	uint32_t row = 0;

	put_str(x, ws, row++, 0, "媒体廃棄記録簿 / Media disposal register", x->title);
	snprintf(period, sizeof(period), "%s 〜 %s", r->since, r->until);
	summary_line(x, ws, row++, "期間 / Period", period, w);
	summary_line(x, ws, row++, "条件 / Filter", *r->filter_text ? r->filter_text : "なし（すべて）", w);
	summary_line(x, ws, row++, "ポリシー / Policy",
		     *r->policy_name ? r->policy_name : "既定のポリシー / built-in default", w);
	ledger_line(r, ja, sizeof(ja), en, sizeof(en));
	summary_line(x, ws, row++, "台帳 / Ledger", ja, w);
	summary_line(x, ws, row++, "台帳の先頭ハッシュ / Head", r->ledger_head, w);
	summary_line(x, ws, row, "異常 / Anomalies", "", w);
	put_num(x, ws, row++, 1, (double)r->n_anomalies, NULL);
	summary_line(x, ws, row++, "承認の期限 / Approvals",
		     r->approvals_checked ? "確認済み / checked"
					  : "未確認（承認ファイルの指定なし） / not checked", w);
	summary_line(x, ws, row++, "証明書 / Certificates",
		     r->certificates_checked ? "確認済み / checked"
					     : "未確認（証明書の保管場所の指定なし） / not checked", w);
	summary_line(x, ws, row, "作成日時 / Built", "", w);
	put_when(x, ws, row++, 1, NULL, r->built_at);
	return row + 1;
}

static uint32_t summary_block(struct xlsx *x, lxw_worksheet *ws, const struct kesu_register *r,
			      enum kesu_register_dimension d, uint32_t row, double *w)
{
	const char *head[SM_COLS] = {"値", "名称", "合計"};
	char title[256];

	for (int o = 0; o < KESU_REG_OUTCOMES; o++)
		head[SM_OUTCOME0 + o] = kesu_register_outcome_ja((enum kesu_register_outcome)o);
	snprintf(title, sizeof(title), "%s / %s", kesu_register_dimension_ja(d),
		 kesu_register_dimension_en(d));
	put_str(x, ws, row++, 0, title, x->bold);
	put_header(x, ws, row++, head, SM_COLS, w);
	if (!r->n_counts[d])
		put_str(x, ws, row++, 0, "（該当なし）", NULL);
	for (size_t i = 0; i < r->n_counts[d] && !x->rc; i++, row++) {
		const struct kesu_register_count *k = &r->counts[d][i];
		const char *value = *k->value ? k->value : "未記入";
		/* A department is its own name: its label is not said twice. */
		const char *label = k->label_ja && strcmp(k->label_ja, k->value) ? k->label_ja : "";

		put_str(x, ws, row, SM_VALUE, value, NULL);
		put_str(x, ws, row, SM_LABEL, label, NULL);
		widen(&w[SM_VALUE], value);
		widen(&w[SM_LABEL], label);
		put_num(x, ws, row, SM_TOTAL, (double)k->total, NULL);
		for (int o = 0; o < KESU_REG_OUTCOMES; o++)
			put_num(x, ws, row, SM_OUTCOME0 + o, (double)k->by_outcome[o], NULL);
	}
	return row + 1;
}

static void sheet_summary(struct xlsx *x, const struct kesu_register *r)
{
	lxw_worksheet *ws = add_sheet(x, "集計");
	double w[SM_COLS] = {0};
	uint32_t row;

	if (!ws)
		return;
	row = summary_head(x, ws, r, w);
	for (int d = 0; d < KESU_REG_DIMENSIONS && !x->rc; d++) {
		/* Customers are a contractor's dimension: absent, not an empty table. */
		if (d == KESU_REG_BY_CUSTOMER && !r->n_counts[d])
			continue;
		row = summary_block(x, ws, r, (enum kesu_register_dimension)d, row, w);
	}
	set_widths(x, ws, w, SM_COLS);
}

/* ---- the workbook ---- */
static void formats(struct xlsx *x)
{
	x->head = workbook_add_format(x->wb);
	x->title = workbook_add_format(x->wb);
	x->bold = workbook_add_format(x->wb);
	x->date = workbook_add_format(x->wb);
	x->bad = workbook_add_format(x->wb);
	if (!x->head || !x->title || !x->bold || !x->date || !x->bad) {
		x->rc = LXW_ERROR_MEMORY_MALLOC_FAILED;
		return;
	}
	format_set_bold(x->head);
	format_set_bg_color(x->head, 0xDDEBF7);
	format_set_border(x->head, LXW_BORDER_THIN);
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	format_set_bold(x->bold);
	format_set_num_format(x->date, "yyyy-mm-dd hh:mm");
	format_set_font_color(x->bad, 0xB81414);
	format_set_bold(x->bad);
}

/* Writes the workbook to the memory file named name. */
static lxw_error build(const struct kesu_register *r, const char *name)
{
	lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
	lxw_doc_properties props = {.title = "媒体廃棄記録簿 / Media disposal register",
				    .subject = "kesu report", .author = "kesu"};
	struct xlsx x = {.wb = workbook_new_opt(name, &opt)};
	lxw_error rc;

	if (!x.wb)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	formats(&x);
	if (!x.rc)
		x.rc = workbook_set_properties(x.wb, &props);
	sheet_anomalies(&x, r);
	sheet_summary(&x, r);
	sheet_detail(&x, r);
	rc = workbook_close(x.wb); /* frees the workbook, whatever happened */
	return x.rc ? x.rc : rc;
}

/* The memory file's bytes, through the one atomic writer, mode 0640. */
static int store(int fd, const char *path, char *err, size_t errsize)
{
	struct stat st;
	void *data;
	int rc;

	if (fstat(fd, &st) < 0)
		return Kesu_errorf(err, errsize, -errno, "%s: %s", path, strerror(errno));
	if (st.st_size == 0)
		return Kesu_errorf(err, errsize, -EIO, "%s: the workbook came out empty", path);
	data = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (data == MAP_FAILED)
		return Kesu_errorf(err, errsize, -errno, "%s: %s", path, strerror(errno));
	rc = kesu_file_write_atomic(path, data, (size_t)st.st_size, 0640, 0, err, errsize);
	munmap(data, (size_t)st.st_size);
	return rc;
}

int kesu_register_write_xlsx(const struct kesu_register *r, const char *path, char *err,
			     size_t errsize)
{
	char name[64];
	lxw_error lrc;
	int fd, rc;

	/* A sheet holds 1,048,576 rows, its header one of them. */
	if (r->n_rows >= LXW_ROW_MAX || r->n_anomalies + 1 >= LXW_ROW_MAX)
		return Kesu_errorf(err, errsize, -EFBIG,
				   "%s: %zu rows are more than an Excel sheet holds (%d): "
				   "a shorter period, or CSV", path, r->n_rows, LXW_ROW_MAX - 1);
	fd = memfd_create("kesu-register.xlsx", MFD_CLOEXEC);
	if (fd < 0)
		return Kesu_errorf(err, errsize, -errno, "%s: no memory file for the workbook: %s",
				   path, strerror(errno));
	/* libxlsxwriter opens a file name: the memory file's own, under /proc. */
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	lrc = build(r, name);
	if (lrc == LXW_NO_ERROR)
		rc = store(fd, path, err, errsize);
	else
		rc = Kesu_errorf(err, errsize, lrc == LXW_ERROR_MEMORY_MALLOC_FAILED ? -ENOMEM : -EIO,
				 "%s: the workbook could not be written: %s", path,
				 lxw_strerror(lrc));
	close(fd);
	return rc;
}

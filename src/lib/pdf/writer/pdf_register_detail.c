/* Section 3, 明細 / Detail: one row per medium and event, eighteen
 * columns in small type, two lines a cell (wrapped at a space or between
 * characters; what is left is cut with "…": the attached CSV has every
 * value whole). The head row is repeated on each page; a row an anomaly
 * names is shaded red. Drawn through pdf_register_text.c's fast path: a
 * register of a hundred thousand rows is a few seconds' work. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/vocabulary.h"
#include "pdf_register.h"

#define SIZE 5.5f
#define LEAD 6.3f
#define LINE_PAD 1.2f
#define CELL_PAD 1.6f
#define ROW (2 * LEAD + 2 * LINE_PAD)
#define HEAD 17.0f
#define TEXT 512

enum col {
	C_SEQ, C_WHEN, C_ASSET, C_SERIAL, C_MODEL, C_DEPT, C_CLASS, C_PURPOSE, C_APPROVAL,
	C_APPROVER, C_OPERATOR, C_WITNESS, C_METHOD, C_LEVEL, C_VERIFY, C_OUTCOME, C_CERT,
	C_AFTER, NCOLS
};

static const struct column {
	float w;
	const char *ja, *en;
} cols[NCOLS] = {
	{26, "記録", "SEQ"},         {50, "日時", "Local time"},   {46, "資産番号", "Asset"},
	{54, "シリアル番号", "Serial"}, {44, "型番", "Model"},       {42, "所属", "Department"},
	{16, "分類", "Class"},       {36, "目的", "Purpose"},      {54, "承認番号", "Approval"},
	{36, "承認者", "Approver"},   {36, "担当者", "Operator"},   {36, "立会者", "Witness"},
	{66, "消去方式", "Method"},   {24, "水準", "NIST"},         {30, "検証", "Verification"},
	{36, "結果", "Outcome"},     {58, "証明書番号", "Certificate"},
	{REG_CW - 690, "物理破壊・引渡し", "Destruction, hand-over"},
};

static void head(struct regpdf *g)
{
	struct pdf *p = &g->p;
	float x = REG_X;
	for (int i = 0; i < NCOLS; i++) {
		Kesu_pdf_rect(p, x, p->y, cols[i].w, HEAD, &RGB_LABEL, &RGB_RULE, 0.4f);
		Kesu_pdf_color(p, RGB_BLACK);
		Kesu_regpdf_text(g, x + CELL_PAD, p->y + 1.8f, cols[i].w - 2 * CELL_PAD, 6, 4.2f, cols[i].ja);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_regpdf_text(g, x + CELL_PAD, p->y + 9.2f, cols[i].w - 2 * CELL_PAD, 5.5f, 3.8f,
				 cols[i].en);
		x += cols[i].w;
	}
	p->y += HEAD;
}

/* The column rules of the rows drawn on this page, from top. */
static void rules(struct regpdf *g, float top)
{
	struct pdf *p = &g->p;
	HPDF_Page_SetRGBStroke(p->page, RGB_RULE.r, RGB_RULE.g, RGB_RULE.b);
	HPDF_Page_SetLineWidth(p->page, 0.3f);
	float x = REG_X;
	for (int i = 0; i <= NCOLS; i++) {
		HPDF_Page_MoveTo(p->page, x, PAGE_H - top);
		HPDF_Page_LineTo(p->page, x, PAGE_H - p->y);
		if (i < NCOLS)
			x += cols[i].w;
	}
	HPDF_Page_Stroke(p->page);
}

static const char *kind_ja(const char *kind)
{
	if (!strcmp(kind, "destruction"))
		return "物理破壊 / destruction";
	if (!strcmp(kind, "handover"))
		return "引渡し / hand-over";
	if (!strcmp(kind, "received-certificate"))
		return "証明書の受領 / certificate received";
	if (!strcmp(kind, "verify"))
		return "検証 / check";
	return "";
}

static const char *verify_ja(const char *v, char *buf, size_t size, int verified)
{
	const char *mode = v;
	char rest[64] = "";
	if (!strcmp(v, "full"))
		mode = "全数";
	else if (!strcmp(v, "none"))
		mode = "なし";
	else if (!strncmp(v, "sample", 6))
		mode = "抽出", snprintf(rest, sizeof(rest), "%s", v + 6);
	snprintf(buf, size, "%s%s%s", mode, rest,
		 verified == 1 ? " 合格" : verified == 0 ? " 不合格" : "");
	return buf;
}

static const char *outcome_text(const struct kesu_register_row *w, char *buf, size_t size)
{
	static const char *const plain[KESU_REG_OUTCOMES] = {
		"SUCCESS", "ERASED_WITH_EXCEPTIONS", "UNVERIFIED", "FAILED", "DESTROYED", ""};
	const char *ja = kesu_register_outcome_ja(w->outcome_class);
	if (!w->outcome[0] || !strcmp(w->outcome, plain[w->outcome_class]))
		return ja;
	snprintf(buf, size, "%s %s", ja, w->outcome); /* INTERRUPTED, ABANDONED... */
	return buf;
}

static const char *level_text(const char *l)
{
	return !strcmp(l, "clear") ? "Clear" : !strcmp(l, "purge") ? "Purge"
		: !strcmp(l, "destroy") ? "Destroy" : !strcmp(l, "none") ? "" : l;
}

/* Each column's text for row w (into bufs where it is made here). */
static void texts(const struct kesu_register_row *w, const char *t[NCOLS], char bufs[5][TEXT])
{
	const struct kesu_term *cls = kesu_vocab_find(KESU_VOCAB_CLASS, w->classification);
	const struct kesu_term *pur = kesu_vocab_find(KESU_VOCAB_PURPOSE, w->purpose);
	snprintf(bufs[0], TEXT, "%" PRIu64, w->seq);
	snprintf(bufs[1], TEXT, "%s", w->when_local);
	if (strlen(bufs[1]) > 10 && bufs[1][10] == 'T')
		bufs[1][10] = ' '; /* the date on the first line, the time on the second */
	snprintf(bufs[2], TEXT, "%s%s%s", w->destruction, w->destruction[0] && w->handover[0] ? " / " : "",
		 w->handover);
	t[C_SEQ] = bufs[0], t[C_WHEN] = bufs[1], t[C_ASSET] = w->asset, t[C_SERIAL] = w->serial;
	t[C_MODEL] = w->model, t[C_DEPT] = w->department;
	t[C_CLASS] = cls ? cls->ja : w->classification;
	t[C_PURPOSE] = pur ? pur->ja : w->purpose;
	t[C_APPROVAL] = w->approval, t[C_APPROVER] = w->approver, t[C_OPERATOR] = w->operator_name;
	t[C_WITNESS] = w->witness;
	t[C_METHOD] = w->method_ja[0] ? w->method_ja : w->method_en[0] ? w->method_en
		: w->method_id[0] ? w->method_id : kind_ja(w->kind);
	t[C_LEVEL] = level_text(w->nist_level);
	t[C_VERIFY] = w->verification[0] ? verify_ja(w->verification, bufs[3], TEXT, w->verified) : "";
	t[C_OUTCOME] = outcome_text(w, bufs[4], TEXT);
	t[C_CERT] = w->certificate_id, t[C_AFTER] = bufs[2];
}

static void fill(struct pdf *p, struct rgb c)
{
	HPDF_Page_SetRGBFill(p->page, c.r, c.g, c.b);
}

static void row(struct regpdf *g, const struct kesu_register_row *w, size_t i)
{
	struct pdf *p = &g->p;
	bool flagged = Kesu_regpdf_flagged(g, w->seq);
	const char *t[NCOLS];
	char bufs[5][TEXT], clean[TEXT];
	texts(w, t, bufs);
	if (flagged || i % 2)
		Kesu_pdf_rect(p, REG_X, p->y, REG_CW, ROW, flagged ? &RGB_PALE_RED : &(const struct rgb){0.965f, 0.97f, 0.98f},
			      NULL, 0);
	Kesu_regpdf_begin(g, SIZE);
	fill(p, RGB_BLACK); /* the shading left its own colour */
	float x = REG_X;
	for (int c = 0; c < NCOLS; c++) {
		bool red = (c == C_SEQ && flagged) || (c == C_OUTCOME && w->outcome_class == KESU_REG_FAILED);
		if (red)
			fill(p, RGB_RED);
		Kesu_regpdf_clean(clean, sizeof(clean), t[c][0] ? t[c] : "—");
		Kesu_regpdf_cell(g, x + CELL_PAD, p->y + LINE_PAD, cols[c].w - 2 * CELL_PAD, SIZE, LEAD, 2,
				 clean);
		if (red)
			fill(p, RGB_BLACK);
		x += cols[c].w;
	}
	HPDF_Page_EndText(p->page);
	p->y += ROW;
	Kesu_pdf_line(p, REG_X, p->y, REG_W - REG_R, p->y, RGB_RULE, 0.3f);
}

void Kesu_regpdf_detail(struct regpdf *g)
{
	const struct kesu_register *r = g->r;
	struct pdf *p = &g->p;
	char title[64];
	snprintf(title, sizeof(title), "3. 明細（%zu 件）", r->n_rows);
	Kesu_regpdf_section(g, title, "Detail, one row per medium and event");
	if (r->n_rows == 0) {
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text(p, REG_X + 4, p->y + 2, 8, "この期間の記録はありません / no record in this period");
		p->y += 14;
		return;
	}
	Kesu_regpdf_need(g, HEAD + 3 * ROW);
	head(g);
	float top = p->y;
	for (size_t i = 0; i < r->n_rows; i++) {
		if (p->y + ROW > REG_BODY_END) {
			rules(g, top);
			Kesu_regpdf_new_page(g);
			head(g);
			top = p->y;
		}
		row(g, &r->rows[i], i);
	}
	rules(g, top);
}

static int by_seq(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

bool Kesu_regpdf_flagged(const struct regpdf *g, uint64_t seq)
{
	return g->nflagged && bsearch(&seq, g->flagged, g->nflagged, sizeof(seq), by_seq);
}

int Kesu_regpdf_flag_init(struct regpdf *g)
{
	const struct kesu_register *r = g->r;
	if (!r->n_anomalies)
		return 0;
	g->flagged = malloc(r->n_anomalies * sizeof(*g->flagged));
	if (!g->flagged)
		return -1;
	for (size_t i = 0; i < r->n_anomalies; i++)
		if (r->anomalies[i].seq)
			g->flagged[g->nflagged++] = r->anomalies[i].seq;
	qsort(g->flagged, g->nflagged, sizeof(*g->flagged), by_seq);
	return 0;
}

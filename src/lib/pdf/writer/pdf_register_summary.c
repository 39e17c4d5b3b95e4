/* Section 2, 集計 / Summary: one small table per dimension (department,
 * 重要性分類, purpose, method, NIST level, outcome, customer), each value's
 * count split by outcome, with a total line. Tables go two abreast; one
 * too long for what is left of the page runs on alone, its head repeated. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kesu/vocabulary.h"
#include "pdf_register.h"

#define SIZE 6.5f
#define LINE_H 10.0f
#define TITLE_H 12.0f
#define HEAD_H 16.0f
#define GAP 12.0f
#define VALUE_W 128.0f
#define TOTAL_W 36.0f

static float table_h(const struct kesu_register *r, int d)
{
	return TITLE_H + HEAD_H + (float)(r->n_counts[d] + 1) * LINE_H;
}

static float num_w(float w)
{
	return (w - VALUE_W - TOTAL_W) / KESU_REG_OUTCOMES;
}

static void head(struct regpdf *g, int d, float x, float w, bool cont)
{
	struct pdf *p = &g->p;
	char t[200];
	snprintf(t, sizeof(t), "%s / %s%s", kesu_register_dimension_ja((enum kesu_register_dimension)d),
		 kesu_register_dimension_en((enum kesu_register_dimension)d),
		 cont ? "（続き / continued）" : "");
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_bold(p, x, p->y + 1.5f, 7.5f, t);
	float top = p->y + TITLE_H, cx = x + VALUE_W + TOTAL_W, nw = num_w(w);
	Kesu_pdf_label(p, x, top, VALUE_W, HEAD_H, "区分", "Value");
	Kesu_pdf_label(p, x + VALUE_W, top, TOTAL_W, HEAD_H, "計", "Total");
	for (int o = 0; o < KESU_REG_OUTCOMES; o++) {
		Kesu_pdf_rect(p, cx, top, nw, HEAD_H, &RGB_LABEL, &RGB_RULE, 0.4f);
		Kesu_pdf_color(p, RGB_BLACK);
		Kesu_pdf_text_fit(p, cx + 2, top + 1.5f, nw - 4, 6, 4.5f,
				  kesu_register_outcome_ja((enum kesu_register_outcome)o));
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text_fit(p, cx + 2, top + 8.5f, nw - 4, 5.5f, 4,
				  kesu_register_outcome_en((enum kesu_register_outcome)o));
		cx += nw;
	}
	p->y = top + HEAD_H;
}

/* "method title（dod-3pass）", or the value; "未記入 / not given" when empty. */
static void value_text(char *out, size_t size, int d, const struct kesu_register_count *c)
{
	const struct kesu_term *t = NULL;
	if (d == KESU_REG_BY_CLASS)
		t = kesu_vocab_find(KESU_VOCAB_CLASS, c->value);
	else if (d == KESU_REG_BY_PURPOSE)
		t = kesu_vocab_find(KESU_VOCAB_PURPOSE, c->value);
	const char *label = c->label_ja && c->label_ja[0] ? c->label_ja : t ? t->ja : "";
	if (!c->value[0])
		snprintf(out, size, "未記入 / not given");
	else if (label[0] && strcmp(label, c->value))
		snprintf(out, size, "%s（%s）", label, c->value);
	else
		snprintf(out, size, "%s", c->value);
}

static void num(struct regpdf *g, float x, float w, uint64_t n, bool bold)
{
	struct pdf *p = &g->p;
	char t[32];
	snprintf(t, sizeof(t), "%" PRIu64, n);
	Kesu_pdf_color(p, n ? RGB_BLACK : RGB_RULE);
	float tx = x + w - 3 - Kesu_pdf_width(p, SIZE, t, strlen(t));
	if (bold)
		Kesu_pdf_text_bold(p, tx, p->y + 1.8f, SIZE, t);
	else
		Kesu_pdf_text(p, tx, p->y + 1.8f, SIZE, t);
}

static void line(struct regpdf *g, float x, float w, const char *label, uint64_t total,
		 const uint64_t *by, bool bold)
{
	struct pdf *p = &g->p;
	char clean[600];
	float nw = num_w(w), cx = x + VALUE_W + TOTAL_W;
	Kesu_regpdf_clean(clean, sizeof(clean), label);
	Kesu_pdf_rect(p, x, p->y, w, LINE_H, bold ? &RGB_LABEL : NULL, &RGB_RULE, 0.3f);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_fit(p, x + 3, p->y + 1.8f, VALUE_W - 6, SIZE, 4.5f, clean);
	num(g, x + VALUE_W, TOTAL_W, total, true);
	for (int o = 0; o < KESU_REG_OUTCOMES; o++, cx += nw)
		num(g, cx, nw, by[o], bold);
	p->y += LINE_H;
}

/* Draws dimension d's table at x, w from p->y; alone: it may run on over
 * pages. */
static void table(struct regpdf *g, int d, float x, float w, bool alone)
{
	const struct kesu_register *r = g->r;
	uint64_t total = 0, by[KESU_REG_OUTCOMES] = {0};
	char label[600];
	head(g, d, x, w, false);
	for (size_t i = 0; i < r->n_counts[d]; i++) {
		const struct kesu_register_count *c = &r->counts[d][i];
		if (alone && Kesu_regpdf_need(g, LINE_H))
			head(g, d, x, w, true);
		value_text(label, sizeof(label), d, c);
		line(g, x, w, label, c->total, c->by_outcome, false);
		total += c->total;
		for (int o = 0; o < KESU_REG_OUTCOMES; o++)
			by[o] += c->by_outcome[o];
	}
	if (alone && Kesu_regpdf_need(g, LINE_H))
		head(g, d, x, w, true);
	line(g, x, w, "計 / Total", total, by, true);
}

void Kesu_regpdf_summary(struct regpdf *g)
{
	const struct kesu_register *r = g->r;
	struct pdf *p = &g->p;
	int dims[KESU_REG_DIMENSIONS], n = 0;
	float w = (REG_CW - GAP) / 2;
	for (int d = 0; d < KESU_REG_DIMENSIONS; d++)
		if (r->n_counts[d] || d != KESU_REG_BY_CUSTOMER) /* customers: contractors only */
			dims[n++] = d;
	Kesu_regpdf_section(g, "2. 集計", "Summary");
	Kesu_regpdf_chart(g); /* where people would rather look than read */
	for (int i = 0; i < n; i += 2) {
		float h1 = table_h(r, dims[i]), h2 = i + 1 < n ? table_h(r, dims[i + 1]) : 0;
		float h = (h1 > h2 ? h1 : h2) + 6, room = REG_BODY_END - REG_TOP - 20;
		if (h <= room) { /* both fit one page: side by side */
			Kesu_regpdf_need(g, h);
			float top = p->y;
			table(g, dims[i], REG_X, w, false);
			if (i + 1 < n) {
				p->y = top;
				table(g, dims[i + 1], REG_X + w + GAP, w, false);
			}
			p->y = top + h;
			continue;
		}
		for (int k = i; k < i + 2 && k < n; k++) {
			Kesu_regpdf_need(g, TITLE_H + HEAD_H + 2 * LINE_H);
			table(g, dims[k], REG_X, w, true);
			p->y += 6;
		}
	}
}

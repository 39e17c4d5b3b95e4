/* The page's grid: pages with their footer, section bars, and rows of
 * shaded label cells ("証明書番号 / Certificate ID") with their values. Every
 * cell is sized before it is drawn, and text is fitted or wrapped into it. */
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

#define VALUE_SIZE 8.0f
#define VALUE_MIN 5.0f /* a value shrinks only until its widest token fits */
#define LEADING 1.18f  /* line distance, in font sizes */
#define PAD 3.0f
#define SECTION_GAP 3.0f
#define SECTION_H 13.0f

int Kesu_pdf_new_page(struct pdf *p)
{
	if (p->page_no >= PDF_PAGES_MAX) {
		p->error = p->error ? p->error : HPDF_PAGE_OUT_OF_RANGE;
		return -1;
	}
	p->page = HPDF_AddPage(p->doc);
	if (!p->page)
		return -1;
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	p->pages[p->page_no++] = p->page;
	p->y = MARGIN_TOP;
	if (p->page_no == 1)
		return 0;
	/* a continuation page names the document it belongs to */
	const struct cert *c = p->cert;
	char line[160];
	snprintf(line, sizeof(line), "%s / %s  %s", Kesu_cert_title_ja(c), Kesu_cert_title_en(c),
		 c->id);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_fit(p, MARGIN_X, p->y, CONTENT_W - 90, 9, 8, line);
	snprintf(line, sizeof(line), "続き / continued");
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text(p, PAGE_W - MARGIN_R - Kesu_pdf_width(p, 8, line, strlen(line)), p->y + 1, 8, line);
	Kesu_pdf_line(p, MARGIN_X, p->y + 14, PAGE_W - MARGIN_R, p->y + 14, p->accent, 1.2f);
	p->y += 20;
	return 0;
}

void Kesu_pdf_need(struct pdf *p, float h)
{
	if (p->y + h > PAGE_BODY_END)
		Kesu_pdf_new_page(p);
}

/* Page numbers "n / N" and the reference to the signed record, on every
 * page once the number of pages is known. */
void Kesu_pdf_footers(struct pdf *p)
{
	const struct cert *c = p->cert;
	float top = PAGE_H - MARGIN_BOTTOM - FOOTER_H + 5;
	char left[240], right[32];
	snprintf(left, sizeof(left),
		 "%s · %s %s · 正本は添付の署名付きデータ kesu-payload.json / "
		 "the signed attachment kesu-payload.json is the record",
		 c->id, c->tool_name[0] ? c->tool_name : "kesu", c->tool_version);
	for (unsigned i = 0; i < p->page_no; i++) {
		p->page = p->pages[i];
		snprintf(right, sizeof(right), "%u / %u", i + 1, p->page_no);
		Kesu_pdf_line(p, MARGIN_X, top, PAGE_W - MARGIN_R, top, RGB_RULE, 0.5f);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text_fit(p, MARGIN_X, top + 3, CONTENT_W - 40, 6.5f, 5, left);
		Kesu_pdf_text(p, PAGE_W - MARGIN_R - Kesu_pdf_width(p, 8, right, strlen(right)), top + 3, 8,
			 right);
	}
}

void Kesu_pdf_section(struct pdf *p, const char *ja, const char *en)
{
	char title[160];
	Kesu_pdf_need(p, SECTION_GAP + SECTION_H + 2 * ROW_H); /* never a bar alone at a page end */
	if (p->y > MARGIN_TOP + 30)
		p->y += SECTION_GAP;
	Kesu_pdf_rect(p, MARGIN_X, p->y, CONTENT_W, SECTION_H, &p->accent, NULL, 0);
	snprintf(title, sizeof(title), "%s  /  %s", ja, en);
	Kesu_pdf_color(p, RGB_WHITE);
	Kesu_pdf_text_bold(p, MARGIN_X + 5, p->y + 2.4f, 8.4f, title);
	p->y += SECTION_H;
}

static bool label_one_line(const struct pdf *p, float w, const char *ja, const char *en)
{
	char one[160];
	snprintf(one, sizeof(one), "%s / %s", ja, en);
	return !en[0] || Kesu_pdf_width(p, LABEL_SIZE, one, strlen(one)) <= w - 2 * PAD;
}

float Kesu_pdf_label_height(const struct pdf *p, float w, const char *ja, const char *en)
{
	return label_one_line(p, w, ja, en) ? ROW_H : 2 * LABEL_SIZE * LEADING + 2.4f;
}

/* A shaded label cell: "ja / en" on one line when it fits, else ja above
 * en; never smaller than LABEL_SIZE. */
void Kesu_pdf_label(struct pdf *p, float x, float top, float w, float h, const char *ja,
	       const char *en)
{
	char one[160];
	float inner = w - 2 * PAD;
	Kesu_pdf_rect(p, x, top, w, h, &RGB_LABEL, &RGB_RULE, 0.4f);
	if (label_one_line(p, w, ja, en)) {
		snprintf(one, sizeof(one), en[0] ? "%s / %s" : "%s", ja, en);
		Kesu_pdf_color(p, RGB_BLACK);
		Kesu_pdf_text_fit(p, x + PAD, top + (h - LABEL_SIZE) / 2, inner, LABEL_SIZE, LABEL_SIZE, one);
		return;
	}
	float mid = top + h / 2;
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_fit(p, x + PAD, mid - LABEL_SIZE * LEADING + 0.4f, inner, LABEL_SIZE, LABEL_SIZE,
		     ja);
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text_fit(p, x + PAD, mid + 0.4f, inner, LABEL_SIZE, LABEL_SIZE, en);
}

/* The size a value is set in: VALUE_SIZE, or smaller when one of its
 * tokens would not fit a line (it is never broken inside a token). */
static float value_size(const struct pdf *p, const char *value, float inner)
{
	float widest = Kesu_pdf_widest_token(p, VALUE_SIZE, value);
	if (widest <= inner)
		return VALUE_SIZE;
	float size = VALUE_SIZE * inner / widest * 0.995f;
	return size > VALUE_MIN ? size : VALUE_MIN;
}

float Kesu_pdf_value_height(const struct pdf *p, const char *value, float w, unsigned max_lines)
{
	float size = value_size(p, value, w - 2 * PAD);
	unsigned lines = Kesu_pdf_wrap_count(p, size, value, w - 2 * PAD);
	if (lines > max_lines)
		lines = max_lines;
	float h = (float)(lines - 1) * size * LEADING + size + 5.0f;
	return h > ROW_H ? h : ROW_H;
}

/* A value cell, wrapped at spaces and between Japanese characters. An
 * empty value reads "—"; only text past max_lines is cut, with "…". */
void Kesu_pdf_value(struct pdf *p, float x, float top, float w, float h, const char *value,
	       unsigned max_lines)
{
	Kesu_pdf_rect(p, x, top, w, h, NULL, &RGB_RULE, 0.4f);
	Kesu_pdf_color(p, RGB_BLACK);
	if (!value[0])
		value = "\xe2\x80\x94";
	float size = value_size(p, value, w - 2 * PAD);
	unsigned lines = Kesu_pdf_wrap_count(p, size, value, w - 2 * PAD);
	if (lines > max_lines)
		lines = max_lines;
	float text_h = (float)(lines - 1) * size * LEADING + size;
	Kesu_pdf_text_wrap(p, x + PAD, top + (h - text_h) / 2, w - 2 * PAD, size, size * LEADING,
		      max_lines, value);
}

/* An empty value cell (for a value drawn by the caller). */
void Kesu_pdf_cell(struct pdf *p, float x, float top, float w, float h)
{
	Kesu_pdf_rect(p, x, top, w, h, NULL, &RGB_RULE, 0.4f);
}

void Kesu_pdf_row1(struct pdf *p, const char *ja, const char *en, const char *value,
	      unsigned max_lines)
{
	float vw = CONTENT_W - LABEL_W;
	float h = Kesu_pdf_value_height(p, value[0] ? value : "-", vw, max_lines);
	float lh = Kesu_pdf_label_height(p, LABEL_W, ja, en);
	h = h > lh ? h : lh;
	Kesu_pdf_need(p, h);
	Kesu_pdf_label(p, MARGIN_X, p->y, LABEL_W, h, ja, en);
	Kesu_pdf_value(p, MARGIN_X + LABEL_W, p->y, vw, h, value, max_lines);
	p->y += h;
}

void Kesu_pdf_row2(struct pdf *p, const char *ja1, const char *en1, const char *v1, const char *ja2,
	      const char *en2, const char *v2)
{
	float vw = HALF_W - LABEL_W;
	float h = Kesu_pdf_value_height(p, v1[0] ? v1 : "-", vw, VALUE_LINES);
	float h2 = Kesu_pdf_value_height(p, v2[0] ? v2 : "-", vw, VALUE_LINES);
	float l1 = Kesu_pdf_label_height(p, LABEL_W, ja1, en1), l2 = Kesu_pdf_label_height(p, LABEL_W, ja2, en2);
	h = h > h2 ? h : h2;
	h = h > l1 ? h : l1;
	h = h > l2 ? h : l2;
	Kesu_pdf_need(p, h);
	Kesu_pdf_label(p, MARGIN_X, p->y, LABEL_W, h, ja1, en1);
	Kesu_pdf_value(p, MARGIN_X + LABEL_W, p->y, vw, h, v1, VALUE_LINES);
	Kesu_pdf_label(p, MARGIN_X + HALF_W, p->y, LABEL_W, h, ja2, en2);
	Kesu_pdf_value(p, MARGIN_X + HALF_W + LABEL_W, p->y, vw, h, v2, VALUE_LINES);
	p->y += h;
}

/* The page's grid: pages with their footer, section bars, and rows of
 * shaded label cells ("証明書番号 / Certificate ID") with their values. Every
 * cell is sized before it is drawn, and text is fitted or wrapped into it. */
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

const struct rgb RGB_BLACK = {0.08f, 0.08f, 0.10f};
const struct rgb RGB_GREY = {0.38f, 0.40f, 0.44f};
const struct rgb RGB_RULE = {0.62f, 0.65f, 0.70f};
const struct rgb RGB_LABEL = {0.925f, 0.937f, 0.957f};
const struct rgb RGB_WHITE = {1, 1, 1};
const struct rgb RGB_RED = {0.72f, 0.08f, 0.08f};
const struct rgb RGB_GREEN = {0.05f, 0.42f, 0.20f};
const struct rgb RGB_BLUE = {0.11f, 0.23f, 0.42f};
const struct rgb RGB_DARK_RED = {0.50f, 0.07f, 0.07f};
const struct rgb RGB_PALE_RED = {0.99f, 0.93f, 0.93f};

#define LABEL_SIZE 6.6f
#define VALUE_SIZE 8.0f
#define VALUE_LEADING 9.2f
#define PAD 3.0f
#define SECTION_GAP 3.0f
#define SECTION_H 12.0f

int pdf_new_page(struct pdf *p)
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
	snprintf(line, sizeof(line), "%s  %s",
		 c->failure ? "データ消去失敗報告書 / Data Sanitization Failure Report"
			    : "データ消去証明書 / Certificate of Data Sanitization",
		 c->id);
	pdf_color(p, RGB_BLACK);
	pdf_text_fit(p, MARGIN_X, p->y, CONTENT_W - 90, 9, 7, line);
	snprintf(line, sizeof(line), "続き / continued");
	pdf_color(p, RGB_GREY);
	pdf_text(p, PAGE_W - MARGIN_X - pdf_width(p, 8, line, strlen(line)), p->y + 1, 8, line);
	pdf_line(p, MARGIN_X, p->y + 14, PAGE_W - MARGIN_X, p->y + 14, p->accent, 1.2f);
	p->y += 20;
	return 0;
}

void pdf_need(struct pdf *p, float h)
{
	if (p->y + h > PAGE_BODY_END)
		pdf_new_page(p);
}

/* Page numbers "n / N" and the reference to the signed record, on every
 * page once the number of pages is known. */
void pdf_footers(struct pdf *p)
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
		pdf_line(p, MARGIN_X, top, PAGE_W - MARGIN_X, top, RGB_RULE, 0.5f);
		pdf_color(p, RGB_GREY);
		pdf_text_fit(p, MARGIN_X, top + 3, CONTENT_W - 40, 6.2f, 5, left);
		pdf_text(p, PAGE_W - MARGIN_X - pdf_width(p, 6.5f, right, strlen(right)), top + 3,
			 6.5f, right);
	}
}

void pdf_section(struct pdf *p, const char *ja, const char *en)
{
	char title[160];
	pdf_need(p, SECTION_GAP + SECTION_H + 2 * ROW_H); /* never a bar alone at a page end */
	if (p->y > MARGIN_TOP + 30)
		p->y += SECTION_GAP;
	pdf_rect(p, MARGIN_X, p->y, CONTENT_W, SECTION_H, &p->accent, NULL, 0);
	snprintf(title, sizeof(title), "%s  /  %s", ja, en);
	pdf_color(p, RGB_WHITE);
	pdf_text_bold(p, MARGIN_X + 5, p->y + 2.3f, 7.4f, title);
	p->y += SECTION_H;
}

/* A shaded label cell: "ja / en" on one line when it fits, else ja above
 * en, else shrunk to fit. */
void pdf_label(struct pdf *p, float x, float top, float w, float h, const char *ja,
	       const char *en)
{
	char one[160];
	float inner = w - 2 * PAD;
	pdf_rect(p, x, top, w, h, &RGB_LABEL, &RGB_RULE, 0.4f);
	snprintf(one, sizeof(one), "%s / %s", ja, en);
	if (pdf_width(p, LABEL_SIZE, one, strlen(one)) <= inner || h < 15) {
		pdf_color(p, RGB_BLACK);
		pdf_text_fit(p, x + PAD, top + (h - LABEL_SIZE) / 2, inner, LABEL_SIZE, 4.8f, one);
		return;
	}
	float mid = top + h / 2;
	pdf_color(p, RGB_BLACK);
	pdf_text_fit(p, x + PAD, mid - LABEL_SIZE - 0.3f, inner, LABEL_SIZE, 4.8f, ja);
	pdf_color(p, RGB_GREY);
	pdf_text_fit(p, x + PAD, mid + 0.6f, inner, LABEL_SIZE - 0.6f, 4.8f, en);
}

float pdf_value_height(const struct pdf *p, const char *value, float w, unsigned max_lines)
{
	unsigned lines = max_lines > 1 ? pdf_wrap_count(p, VALUE_SIZE, value, w - 2 * PAD) : 1;
	if (lines > max_lines)
		lines = max_lines;
	float h = (float)lines * VALUE_LEADING + 4.2f;
	return h > ROW_H ? h : ROW_H;
}

void pdf_value(struct pdf *p, float x, float top, float w, float h, const char *value,
	       unsigned max_lines)
{
	pdf_rect(p, x, top, w, h, NULL, &RGB_RULE, 0.4f);
	pdf_color(p, RGB_BLACK);
	if (!value[0])
		value = "\xe2\x80\x94";
	unsigned lines = max_lines > 1 ? pdf_wrap_count(p, VALUE_SIZE, value, w - 2 * PAD) : 1;
	if (lines <= 1) {
		pdf_text_fit(p, x + PAD, top + (h - VALUE_SIZE) / 2, w - 2 * PAD, VALUE_SIZE, 6.0f,
			     value);
		return;
	}
	if (lines > max_lines)
		lines = max_lines;
	float text_h = (float)(lines - 1) * VALUE_LEADING + VALUE_SIZE;
	pdf_text_wrap(p, x + PAD, top + (h - text_h) / 2, w - 2 * PAD, VALUE_SIZE, VALUE_LEADING,
		      max_lines, value);
}

void pdf_row1(struct pdf *p, const char *ja, const char *en, const char *value,
	      unsigned max_lines)
{
	float vw = CONTENT_W - LABEL_W;
	float h = pdf_value_height(p, value[0] ? value : "-", vw, max_lines);
	pdf_need(p, h);
	pdf_label(p, MARGIN_X, p->y, LABEL_W, h, ja, en);
	pdf_value(p, MARGIN_X + LABEL_W, p->y, vw, h, value, max_lines);
	p->y += h;
}

void pdf_row2(struct pdf *p, const char *ja1, const char *en1, const char *v1, const char *ja2,
	      const char *en2, const char *v2)
{
	float vw = HALF_W - LABEL_W;
	float h1 = pdf_value_height(p, v1[0] ? v1 : "-", vw, 2);
	float h2 = pdf_value_height(p, v2[0] ? v2 : "-", vw, 2);
	float h = h1 > h2 ? h1 : h2;
	pdf_need(p, h);
	pdf_label(p, MARGIN_X, p->y, LABEL_W, h, ja1, en1);
	pdf_value(p, MARGIN_X + LABEL_W, p->y, vw, h, v1, 2);
	pdf_label(p, MARGIN_X + HALF_W, p->y, LABEL_W, h, ja2, en2);
	pdf_value(p, MARGIN_X + HALF_W + LABEL_W, p->y, vw, h, v2, 2);
	p->y += h;
}

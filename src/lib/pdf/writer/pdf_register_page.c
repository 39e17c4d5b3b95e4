/* The register's pages: landscape pages the kit can draw on, the head of
 * each continuation page, section bars, "n / m" footers, and page 1's
 * title block with what the register was asked for and the seal boxes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kesu/pdf.h"
#include "kesu/record.h"
#include "pdf_register.h"

#define SECTION_H 13.0f
#define SEAL_W 128.0f
#define SEAL_H 66.0f
#define SEAL_HEAD 13.0f

static void continued(struct regpdf *g)
{
	struct pdf *p = &g->p;
	char line[200];
	snprintf(line, sizeof(line), REG_TITLE_JA " / " REG_TITLE_EN "  %s – %s", g->r->since,
		 g->r->until);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_regpdf_text(g, REG_X, p->y, REG_CW - 90, 9, 8, line);
	snprintf(line, sizeof(line), "続き / continued");
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_regpdf_text(g, REG_W - REG_R - Kesu_regpdf_width(g, 8, line, strlen(line)), p->y + 1,
			 80, 8, 8, line);
	Kesu_pdf_line(p, REG_X, p->y + 14, REG_W - REG_R, p->y + 14, p->accent, 1.2f);
	p->y += 20;
}

int Kesu_regpdf_new_page(struct regpdf *g)
{
	struct pdf *p = &g->p;
	if (g->npages == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		HPDF_Page *grown = realloc(g->pages, cap * sizeof(*grown));
		if (!grown) {
			p->error = p->error ? p->error : HPDF_FAILD_TO_ALLOC_MEM;
			return -1;
		}
		g->pages = grown;
		g->cap = cap;
	}
	HPDF_Page page = HPDF_AddPage(p->doc);
	if (!page)
		return -1;
	HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE);
	/* the kit draws at PAGE_H - top (portrait): shift so that lands at
	 * REG_H - top on this page */
	HPDF_Page_Concat(page, 1, 0, 0, 1, 0, REG_H - PAGE_H);
	g->pages[g->npages++] = page;
	p->page = page;
	p->page_no = 1;
	p->y = REG_TOP;
	if (g->npages > 1)
		continued(g);
	return 0;
}

bool Kesu_regpdf_need(struct regpdf *g, float h)
{
	if (g->p.y + h <= REG_BODY_END)
		return false;
	Kesu_regpdf_new_page(g);
	return true;
}

void Kesu_regpdf_section(struct regpdf *g, const char *ja, const char *en)
{
	struct pdf *p = &g->p;
	char title[200];
	Kesu_regpdf_need(g, 4 + SECTION_H + 3 * ROW_H); /* never a bar alone at a page end */
	if (p->y > REG_TOP + 30)
		p->y += 6;
	Kesu_pdf_rect(p, REG_X, p->y, REG_CW, SECTION_H, &p->accent, NULL, 0);
	snprintf(title, sizeof(title), "%s  /  %s", ja, en);
	Kesu_pdf_color(p, RGB_WHITE);
	Kesu_pdf_text_bold(p, REG_X + 5, p->y + 2.4f, 8.4f, title);
	p->y += SECTION_H + 3;
}

void Kesu_regpdf_footers(struct regpdf *g)
{
	struct pdf *p = &g->p;
	float top = REG_H - 22.0f - FOOTER_H + 5;
	char left[400], right[40];
	snprintf(left, sizeof(left),
		 REG_TITLE_JA " %s – %s · kesu %s · 明細の全データは添付の " REG_CSV_NAME
		 " にあります / the attached " REG_CSV_NAME " holds every row",
		 g->r->since, g->r->until, KESU_VERSION);
	for (size_t i = 0; i < g->npages; i++) {
		p->page = g->pages[i];
		snprintf(right, sizeof(right), "%zu / %zu", i + 1, g->npages);
		Kesu_pdf_line(p, REG_X, top, REG_W - REG_R, top, RGB_RULE, 0.5f);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_regpdf_text(g, REG_X, top + 3, REG_CW - 70, 6.5f, 5, left);
		Kesu_regpdf_text(g, REG_W - REG_R - Kesu_regpdf_width(g, 8, right, strlen(right)),
				 top + 3, 60, 8, 8, right);
	}
}

void Kesu_regpdf_date(char *out, size_t size, const char *ymd)
{
	int y, m, d;
	char era[64];
	if (sscanf(ymd, "%4d-%2d-%2d", &y, &m, &d) == 3 && kesu_era_date(y, m, d, era, sizeof(era)) == 0)
		snprintf(out, size, "%.10s（%s）", ymd, era);
	else
		snprintf(out, size, "%s", ymd);
}

/* "2026-12-06 10:00:00 (UTC+09:00)（令和8年12月6日）" */
static void made_text(char *out, size_t size, time_t t)
{
	char iso[40], date[96];
	kesu_time_local(t, iso);
	Kesu_regpdf_date(date, sizeof(date), iso);
	snprintf(out, size, "%s %.8s (UTC%s)", date, iso + 11, iso + 19);
}

/* A label and its value across width w. */
static void info_row(struct regpdf *g, float w, const char *ja, const char *en, const char *value)
{
	struct pdf *p = &g->p;
	char v[1024];
	Kesu_regpdf_clean(v, sizeof(v), value);
	float lw = 118, h = Kesu_pdf_value_height(p, v[0] ? v : "-", w - lw, 2);
	Kesu_pdf_label(p, REG_X, p->y, lw, h, ja, en);
	Kesu_pdf_value(p, REG_X + lw, p->y, w - lw, h, v, 2);
	p->y += h;
}

/* A seal box: its label above, the body the signature or seal goes in. */
static void seal(struct regpdf *g, float x, float top, const char *label, const char *name,
		 bool stamp)
{
	struct pdf *p = &g->p;
	Kesu_pdf_rect(p, x, top, SEAL_W, SEAL_HEAD, &RGB_LABEL, &RGB_RULE, 0.5f);
	Kesu_pdf_rect(p, x, top + SEAL_HEAD, SEAL_W, SEAL_H - SEAL_HEAD, NULL, &RGB_RULE, 0.5f);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_center(p, x + SEAL_W / 2, top + 2.6f, 7.5f, true, label);
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text_fit(p, x + 4, top + SEAL_HEAD + 3, SEAL_W - 8, 7, 5, name);
	if (!stamp)
		return;
	Kesu_pdf_text(p, x + 4, top + SEAL_H - 11, 7, "日付 / Date　　年　　月　　日");
	HPDF_UINT16 dash[] = {2, 2};
	HPDF_Page_SetDash(p->page, dash, 2, 0);
	HPDF_Page_SetRGBStroke(p->page, RGB_RULE.r, RGB_RULE.g, RGB_RULE.b);
	HPDF_Page_SetLineWidth(p->page, 0.6f);
	HPDF_Page_Circle(p->page, x + SEAL_W - 24, PAGE_H - (top + SEAL_HEAD + 24), 15);
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetDash(p->page, NULL, 0, 0);
}

static void seals(struct regpdf *g, float top)
{
	float x2 = REG_W - REG_R - SEAL_W, x1 = x2 - SEAL_W - 6;
	char who[200];
	snprintf(who, sizeof(who), "端末 / Station: %s", g->station);
	seal(g, x1, top, "作成（端末）/ Made by station", who, false);
	/* the station's PDF signature goes in the first box's body (kesu/pades.h) */
	g->p.seals[0] = (struct seal_box){0, x1 + 1, REG_H - (top + SEAL_H) + 1, x1 + SEAL_W - 1,
					  REG_H - (top + SEAL_HEAD + 12)};
	seal(g, x2, top, "確認者 / Reviewed by", "氏名 / Name", true);
}

void Kesu_regpdf_header(struct regpdf *g)
{
	struct pdf *p = &g->p;
	const struct kesu_register *r = g->r;
	float top = p->y, w = REG_CW - 2 * SEAL_W - 16;
	char period[300], since[96], until[96], made[160], station[400];
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_bold(p, REG_X, top, 19, REG_TITLE_JA);
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text(p, REG_X + Kesu_pdf_width(p, 19, REG_TITLE_JA, strlen(REG_TITLE_JA)) + 12,
		      top + 7, 11, REG_TITLE_EN);
	seals(g, top);
	Kesu_regpdf_date(since, sizeof(since), r->since);
	Kesu_regpdf_date(until, sizeof(until), r->until);
	snprintf(period, sizeof(period), "%s ～ %s", since, until);
	made_text(made, sizeof(made), r->built_at);
	snprintf(station, sizeof(station), "%s%s%s", g->station,
		 r->station_key[0] ? " · 鍵 / key " : "", r->station_key);
	p->y = top + 28;
	info_row(g, w, "対象期間", "Period", period);
	info_row(g, w, "抽出条件", "Filter",
		 r->filter_text[0] ? r->filter_text : "なし（期間内のすべての記録）/ none: every record of the period");
	info_row(g, w, "判定の基準", "Policy",
		 r->policy_name[0] ? r->policy_name : "既定の基準 / the built-in default");
	info_row(g, w, "作成日時", "Made", made);
	info_row(g, w, "端末", "Station", station);
	if (p->y < top + SEAL_H + 4)
		p->y = top + SEAL_H + 4;
	p->y += 4;
}

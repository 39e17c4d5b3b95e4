/* The certificate's details page (payload version 4, kesu wipe --details),
 * on a page of its own after the document:
 * each pass's speed over the drive as one line of a chart, and the
 * drive's SMART summary before and after. It shows the payload's numbers
 * only; where the payload has none the page says so. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

#define CHART_H 250.0f
#define AXIS_W 46.0f   /* left of the plot: the MB/s scale */
#define AXIS_H 26.0f   /* below the plot: the position scale and its title */
#define LEGEND_COLS 4
#define LEGEND_ROW 11.0f
#define X_TICKS 5      /* 0, 20, ... 100 % */
#define Y_TICKS 5

/* Eight colours told apart in print, then the same with dashes. */
static struct rgb pass_colour(size_t i)
{
	static const float c[8][3] = {
		{0.11f, 0.23f, 0.62f}, {0.80f, 0.30f, 0.05f}, {0.10f, 0.55f, 0.25f},
		{0.70f, 0.10f, 0.45f}, {0.45f, 0.30f, 0.10f}, {0.05f, 0.55f, 0.65f},
		{0.55f, 0.55f, 0.05f}, {0.40f, 0.20f, 0.70f},
	};
	return (struct rgb){c[i % 8][0], c[i % 8][1], c[i % 8][2]};
}

static void pass_stroke(struct pdf *p, size_t i, float width)
{
	static const HPDF_UINT16 dashes[4][2] = {{0, 0}, {4, 2}, {1, 2}, {6, 2}};
	const HPDF_UINT16 *d = dashes[(i / 8) % 4];
	struct rgb c = pass_colour(i);
	HPDF_Page_SetRGBStroke(p->page, c.r, c.g, c.b);
	HPDF_Page_SetLineWidth(p->page, width);
	HPDF_Page_SetDash(p->page, d[0] ? d : NULL, d[0] ? 2 : 0, 0);
}

/* The top of the MB/s scale: the next of 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8
 * times a power of ten, so the lines fill most of the chart and the five
 * steps of the scale are round numbers. */
static double nice_max(double mbps)
{
	static const double steps[] = {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10};
	if (mbps <= 0)
		return 1;
	double e = pow(10, floor(log10(mbps)));
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * e >= mbps)
			return steps[i] * e;
	return 10 * e;
}

struct chart {
	float x, top, w, h; /* the plot area */
	double size;        /* bytes: the drive */
	double max_mbps;    /* the top of the scale */
};

static float chart_x(const struct chart *ch, long long offset)
{
	return ch->x + (float)((double)offset / ch->size) * ch->w;
}

static float chart_y(const struct chart *ch, long long bps)
{
	double v = (double)bps / 1e6 / ch->max_mbps;
	return (float)(PAGE_H - (ch->top + ch->h - v * ch->h));
}

/* One pass as a step line: each point's speed held over its interval. */
static void draw_profile(struct pdf *p, const struct chart *ch, const struct cert_profile *pr,
			 size_t i)
{
	if (!pr->known || pr->npoints == 0)
		return;
	pass_stroke(p, i, 1.1f);
	long long from = pr->from;
	HPDF_Page_MoveTo(p->page, chart_x(ch, from), chart_y(ch, pr->points[0].bytes_per_second));
	for (unsigned k = 0; k < pr->npoints; k++) {
		if (k)
			HPDF_Page_LineTo(p->page, chart_x(ch, from), chart_y(ch, pr->points[k].bytes_per_second));
		from = pr->points[k].offset;
		HPDF_Page_LineTo(p->page, chart_x(ch, from), chart_y(ch, pr->points[k].bytes_per_second));
	}
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetDash(p->page, NULL, 0, 0);
}

static void draw_axes(struct pdf *p, const struct chart *ch)
{
	char label[48];
	for (int t = 0; t <= Y_TICKS; t++) {
		float top = ch->top + ch->h - ch->h * (float)t / Y_TICKS;
		Kesu_pdf_line(p, ch->x, top, ch->x + ch->w, top, t ? RGB_LABEL : RGB_GREY, t ? 0.5f : 0.8f);
		double v = ch->max_mbps * t / Y_TICKS;
		snprintf(label, sizeof(label), v < 10 && v != floor(v) ? "%.1f" : "%.0f", v);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text(p, ch->x - 4 - Kesu_pdf_width(p, 7, label, strlen(label)), top - 3.5f, 7, label);
	}
	for (int t = 0; t <= X_TICKS; t++) {
		float x = ch->x + ch->w * (float)t / X_TICKS;
		Kesu_pdf_line(p, x, ch->top, x, ch->top + ch->h, t ? RGB_LABEL : RGB_GREY, t ? 0.5f : 0.8f);
		snprintf(label, sizeof(label), "%d%%", 100 * t / X_TICKS);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text_center(p, x, ch->top + ch->h + 3, 7, false, label);
	}
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text(p, ch->x - AXIS_W + 2, ch->top - 11, 7.5f, "MB/s");
	char cap[96], title[200];
	Kesu_fmt_capacity(cap, sizeof(cap), (long long)ch->size);
	snprintf(title, sizeof(title), "ドライブ上の位置 / Position on the drive (100%% = %s)", cap);
	Kesu_pdf_text_center(p, ch->x + ch->w / 2, ch->top + ch->h + 13, 7.5f, false, title);
}

static bool any_points(const struct cert_details *d)
{
	for (size_t i = 0; i < d->npasses; i++)
		if (d->passes[i].known && d->passes[i].npoints)
			return true;
	return false;
}

static void draw_chart(struct pdf *p)
{
	const struct cert *c = p->cert;
	const struct cert_details *d = c->details;
	struct chart ch = {MARGIN_X + AXIS_W, p->y + 16, CONTENT_W - AXIS_W - 8, CHART_H,
			   c->media.size_bytes > 0 ? (double)c->media.size_bytes : 1, 1};
	if (!any_points(d)) {
		Kesu_pdf_color(p, RGB_BLACK);
		Kesu_pdf_text_wrap(p, MARGIN_X + 4, p->y + 8, CONTENT_W - 8, 8.5f, 11, 3,
				   c->firmware ? "ドライブ自身が消去したため、速度の記録はありません。 / "
						 "The drive erased itself: there is no speed to show."
					       : "速度の記録はありません。 / No speed profile was recorded.");
		p->y += 32;
		return;
	}
	double max = 0;
	for (size_t i = 0; i < d->npasses; i++)
		for (unsigned k = 0; k < d->passes[i].npoints; k++)
			max = fmax(max, (double)d->passes[i].points[k].bytes_per_second / 1e6);
	ch.max_mbps = nice_max(max);
	draw_axes(p, &ch);
	for (size_t i = 0; i < d->npasses; i++)
		draw_profile(p, &ch, &d->passes[i], i);
	p->y = ch.top + ch.h + AXIS_H;
}

/* "第1パス 0x00", and where the line starts when it does not at 0 %. */
static void legend_text(const struct cert *c, const struct cert_profile *pr, char *out, size_t size)
{
	char pattern[CERT_TEXT + 32] = "";
	for (size_t i = 0; i < c->npasses; i++)
		if (c->passes[i].number == pr->number)
			Kesu_fmt_pattern(pattern, sizeof(pattern), &c->passes[i]);
	int n = snprintf(out, size, "第%lldパス %s", pr->number, pattern);
	if (n < 0 || (size_t)n >= size)
		return;
	if (!pr->known || pr->npoints == 0)
		snprintf(out + n, size - (size_t)n, " (記録なし / none)");
	else if (pr->from > 0 && c->media.size_bytes > 0)
		snprintf(out + n, size - (size_t)n, " (%.0f%% から / from)",
			 100.0 * (double)pr->from / (double)c->media.size_bytes);
}

static void draw_legend(struct pdf *p)
{
	const struct cert_details *d = p->cert->details;
	float col_w = CONTENT_W / LEGEND_COLS;
	char text[CERT_TEXT + 96];
	for (size_t i = 0; i < d->npasses; i++) {
		if (i % LEGEND_COLS == 0) {
			Kesu_pdf_need(p, LEGEND_ROW);
			if (i)
				p->y += LEGEND_ROW;
		}
		float x = MARGIN_X + col_w * (float)(i % LEGEND_COLS);
		pass_stroke(p, i, 1.6f);
		HPDF_Page_MoveTo(p->page, x + 2, PAGE_H - (p->y + 4.5f));
		HPDF_Page_LineTo(p->page, x + 20, PAGE_H - (p->y + 4.5f));
		HPDF_Page_Stroke(p->page);
		HPDF_Page_SetDash(p->page, NULL, 0, 0);
		legend_text(p->cert, &d->passes[i], text, sizeof(text));
		Kesu_pdf_color(p, RGB_BLACK);
		Kesu_pdf_text_fit(p, x + 24, p->y + 1, col_w - 28, 7.5f, 5.5f, text);
	}
	p->y += LEGEND_ROW + 4;
}

static void fmt_count(char *out, size_t size, long long n, const char *unit)
{
	char num[32];
	if (n < 0) {
		snprintf(out, size, "取得できません / not available");
		return;
	}
	Kesu_fmt_count(num, sizeof(num), n);
	snprintf(out, size, "%s%s", num, unit);
}

/* One row of the SMART table: a label and the value before and after. */
static void smart_row(struct pdf *p, const char *ja, const char *en, const struct cert_details *d,
		      int field)
{
	char v[2][80];
	const struct cert_smart *s[2] = {&d->before, &d->after};
	for (int k = 0; k < 2; k++) {
		if (!s[k]->known && field) {
			snprintf(v[k], sizeof(v[k]), "取得できません / not available");
			continue;
		}
		switch (field) {
		case 0:
			snprintf(v[k], sizeof(v[k]), "%s",
				 !s[k]->known ? "取得できません / not available"
				 : s[k]->healthy == 1 ? "良好 / PASSED"
				 : s[k]->healthy == 0 ? "異常 / FAILING" : "取得できません / not available");
			break;
		case 1: fmt_count(v[k], sizeof(v[k]), s[k]->power_on_hours, " 時間 / h"); break;
		case 2: fmt_count(v[k], sizeof(v[k]), s[k]->reallocated_sectors, ""); break;
		case 3: fmt_count(v[k], sizeof(v[k]), s[k]->pending_sectors, ""); break;
		default: fmt_count(v[k], sizeof(v[k]), s[k]->temperature_c, " °C"); break;
		}
	}
	float vw = (CONTENT_W - LABEL_W * 1.5f) / 2;
	Kesu_pdf_need(p, ROW_H);
	Kesu_pdf_label(p, MARGIN_X, p->y, LABEL_W * 1.5f, ROW_H, ja, en);
	Kesu_pdf_value(p, MARGIN_X + LABEL_W * 1.5f, p->y, vw, ROW_H, v[0], 1);
	Kesu_pdf_value(p, MARGIN_X + LABEL_W * 1.5f + vw, p->y, vw, ROW_H, v[1], 1);
	p->y += ROW_H;
}

static void draw_smart(struct pdf *p)
{
	const struct cert_details *d = p->cert->details;
	float vw = (CONTENT_W - LABEL_W * 1.5f) / 2;
	Kesu_pdf_section(p, "SMART 情報", "SMART");
	Kesu_pdf_label(p, MARGIN_X, p->y, LABEL_W * 1.5f, ROW_H, "項目", "Item");
	Kesu_pdf_label(p, MARGIN_X + LABEL_W * 1.5f, p->y, vw, ROW_H, "消去前", "Before");
	Kesu_pdf_label(p, MARGIN_X + LABEL_W * 1.5f + vw, p->y, vw, ROW_H, "消去後", "After");
	p->y += ROW_H;
	smart_row(p, "健康状態", "Health", d, 0);
	smart_row(p, "通電時間", "Power-on hours", d, 1);
	smart_row(p, "代替処理済セクタ", "Reallocated", d, 2);
	smart_row(p, "保留中セクタ", "Pending", d, 3);
	smart_row(p, "温度", "Temperature", d, 4);
	if (!d->before.known && !d->after.known) {
		p->y += 4;
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text_wrap(p, MARGIN_X, p->y, CONTENT_W, 7.5f, 9, 2,
				   "この媒体からは SMART 情報を取得できません（ループデバイス、SMART 非対応の媒体など）。 / "
				   "The medium gives no SMART data (a loop device, or a medium without SMART).");
		p->y += 20;
	}
}

void Kesu_pdf_draw_details(struct pdf *p)
{
	if (!p->cert->details || Kesu_pdf_new_page(p))
		return;
	Kesu_pdf_section(p, "消去速度の推移", "Speed profile");
	p->y += 4;
	draw_chart(p);
	draw_legend(p);
	draw_smart(p);
}

/* The chart: jobs per week by outcome, stacked bars (one colour per
 * outcome, a legend beside), a count axis with round steps and each
 * week's Monday under its bar. Drawn with libharu's paths, so it prints
 * as sharply as the text. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pdf_register.h"

#define CHART_H 190.0f  /* the whole block */
#define PLOT_H 120.0f
#define AXIS_W 34.0f    /* the count labels */
#define LEGEND_W 150.0f

static struct rgb colour(int o)
{
	static const struct rgb c[KESU_REG_OUTCOMES] = {
		[KESU_REG_SUCCESS] = {0.18f, 0.55f, 0.31f},
		[KESU_REG_EXCEPTIONS] = {0.55f, 0.75f, 0.35f},
		[KESU_REG_UNVERIFIED] = {0.93f, 0.68f, 0.13f},
		[KESU_REG_FAILED] = {0.80f, 0.16f, 0.16f},
		[KESU_REG_DESTROYED] = {0.24f, 0.38f, 0.66f},
		[KESU_REG_OTHER] = {0.62f, 0.64f, 0.68f},
	};
	return c[o];
}

static uint64_t week_total(const struct kesu_register_week *w)
{
	uint64_t n = 0;
	for (int o = 0; o < KESU_REG_OUTCOMES; o++)
		n += w->by_outcome[o];
	return n;
}

/* A round step (1, 2 or 5 times a power of ten) giving at most 5 lines. */
static uint64_t step_for(uint64_t max)
{
	uint64_t step = 1;
	for (;;) {
		if (max <= 5 * step)
			return step;
		if (max <= 10 * step)
			return 2 * step;
		if (max <= 25 * step)
			return 5 * step;
		step *= 10;
	}
}

static void axis(struct regpdf *g, float x, float top, float pw, uint64_t ymax, uint64_t step)
{
	struct pdf *p = &g->p;
	char t[32];
	for (uint64_t v = 0; v <= ymax; v += step) {
		float y = top + PLOT_H - PLOT_H * (float)v / (float)ymax;
		Kesu_pdf_line(p, x, y, x + pw, y, v ? RGB_LABEL : RGB_GREY, v ? 0.5f : 0.8f);
		snprintf(t, sizeof(t), "%" PRIu64, v);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text(p, x - 4 - Kesu_pdf_width(p, 6.5f, t, strlen(t)), y - 3.2f, 6.5f, t);
	}
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text(p, x - AXIS_W + 2, top - 12, 6.5f, "件数 / jobs");
	Kesu_pdf_text_center(p, x + pw / 2, top + PLOT_H + 16, 6.5f, false,
			     "週（月曜日の日付）/ week, by its Monday");
}

static void bars(struct regpdf *g, float x, float top, float pw, uint64_t ymax)
{
	const struct kesu_register *r = g->r;
	struct pdf *p = &g->p;
	float slot = pw / (float)r->n_weeks, bw = slot * 0.62f;
	size_t every = 1;
	while (slot * (float)every < 26) /* room for "12-31" under a bar */
		every++;
	for (size_t i = 0; i < r->n_weeks; i++) {
		const struct kesu_register_week *w = &r->weeks[i];
		float bx = x + slot * (float)i + (slot - bw) / 2, y = top + PLOT_H;
		for (int o = 0; o < KESU_REG_OUTCOMES; o++) {
			if (!w->by_outcome[o])
				continue;
			float h = PLOT_H * (float)w->by_outcome[o] / (float)ymax;
			struct rgb c = colour(o);
			Kesu_pdf_rect(p, bx, y - h, bw, h, &c, NULL, 0);
			y -= h;
		}
		char t[32];
		uint64_t n = week_total(w);
		if (n && slot >= 14) {
			snprintf(t, sizeof(t), "%" PRIu64, n);
			Kesu_pdf_color(p, RGB_BLACK);
			Kesu_pdf_text_center(p, bx + bw / 2, y - 8, 6, false, t);
		}
		if (i % every == 0 && strlen(w->monday) == 10) {
			Kesu_pdf_color(p, RGB_GREY);
			Kesu_pdf_text_center(p, x + slot * ((float)i + 0.5f), top + PLOT_H + 4, 6, false,
					     w->monday + 5);
		}
	}
}

static void legend(struct regpdf *g, float x, float top)
{
	struct pdf *p = &g->p;
	char t[120];
	for (int o = 0; o < KESU_REG_OUTCOMES; o++) {
		struct rgb c = colour(o);
		float y = top + 8 + (float)o * 14;
		Kesu_pdf_rect(p, x, y, 10, 8, &c, NULL, 0);
		snprintf(t, sizeof(t), "%s / %s", kesu_register_outcome_ja((enum kesu_register_outcome)o),
			 kesu_register_outcome_en((enum kesu_register_outcome)o));
		Kesu_pdf_color(p, RGB_BLACK);
		Kesu_pdf_text_fit(p, x + 14, y, LEGEND_W - 16, 7, 5, t);
	}
}

void Kesu_regpdf_chart(struct regpdf *g)
{
	const struct kesu_register *r = g->r;
	struct pdf *p = &g->p;
	Kesu_regpdf_need(g, CHART_H);
	float top = p->y + 4;
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_bold(p, REG_X, top, 8, "週ごとの件数（結果別）/ Jobs per week by outcome");
	uint64_t max = 0;
	for (size_t i = 0; i < r->n_weeks; i++)
		if (week_total(&r->weeks[i]) > max)
			max = week_total(&r->weeks[i]);
	float x = REG_X + AXIS_W, pw = REG_CW - AXIS_W - LEGEND_W - 10, ptop = top + 30;
	uint64_t step = step_for(max ? max : 1), ymax = ((max ? max : 1) + step - 1) / step * step;
	axis(g, x, ptop, pw, ymax, step);
	if (r->n_weeks)
		bars(g, x, ptop, pw, ymax);
	legend(g, REG_W - REG_R - LEGEND_W, ptop);
	p->y = top + CHART_H - 4;
}

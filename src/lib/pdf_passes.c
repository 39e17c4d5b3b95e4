/* The table of passes. Up to PASSES_ON_PAGE1 passes are listed on the
 * first page; a method with more (gutmann: 35) gets a summary there and
 * every pass in an annex, whose table carries on over as many pages as it
 * needs with its header repeated. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

#define PASSES_ON_PAGE1 8
#define HEAD_H 15.5f
#define PASS_ROW_H 9.8f
#define CELL_SIZE 6.8f
#define PAD 3.0f

struct column {
	const char *ja, *en;
	float w; /* 0: the rest of the width */
	bool right;
};

static const struct column columns[] = {
	{"No.", "", 24, true},
	{"パターン", "Pattern", 118, false},
	{"シード", "Seed (AES-CTR)", 104, false},
	{"書込量", "Bytes written", 96, true},
	{"所要時間", "Time", 62, true},
	{"不良セクタ", "Bad sectors", 60, true},
	{"状態", "Status", 0, false},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static float column_w(size_t i)
{
	if (columns[i].w > 0)
		return columns[i].w;
	float used = 0;
	for (size_t j = 0; j < NCOLUMNS; j++)
		used += columns[j].w;
	return CONTENT_W - used;
}

static void table_header(struct pdf *p)
{
	float x = MARGIN_X;
	pdf_need(p, HEAD_H + PASS_ROW_H);
	for (size_t i = 0; i < NCOLUMNS; i++) {
		float w = column_w(i);
		pdf_rect(p, x, p->y, w, HEAD_H, &RGB_LABEL, &RGB_RULE, 0.4f);
		pdf_color(p, RGB_BLACK);
		pdf_text_fit(p, x + PAD, p->y + 2.0f, w - 2 * PAD, 6.4f, 4.8f, columns[i].ja);
		pdf_color(p, RGB_GREY);
		pdf_text_fit(p, x + PAD, p->y + 8.6f, w - 2 * PAD, 5.5f, 4.5f, columns[i].en);
		x += w;
	}
	p->y += HEAD_H;
}

static void cell(struct pdf *p, float x, float w, bool right, const char *text)
{
	float tw = pdf_width(p, CELL_SIZE, text, strlen(text));
	float top = p->y + (PASS_ROW_H - CELL_SIZE) / 2;
	if (right && tw <= w - 2 * PAD)
		pdf_text(p, x + w - PAD - tw, top, CELL_SIZE, text);
	else
		pdf_text_fit(p, x + PAD, top, w - 2 * PAD, CELL_SIZE, 5.5f, text);
}

static void pass_row(struct pdf *p, const struct cert_pass *pass, size_t index)
{
	char text[NCOLUMNS][CERT_TEXT];
	if (p->y + PASS_ROW_H > PAGE_BODY_END) {
		pdf_new_page(p);
		table_header(p);
	}
	snprintf(text[0], sizeof(text[0]), "%lld", pass->number);
	fmt_pattern(text[1], sizeof(text[1]), pass);
	fmt_short_hex(text[2], sizeof(text[2]), pass->seed, 16);
	fmt_count(text[3], sizeof(text[3]), pass->bytes_written);
	fmt_duration(text[4], sizeof(text[4]), pass->milliseconds);
	fmt_count(text[5], sizeof(text[5]), pass->bad_sectors);
	snprintf(text[6], sizeof(text[6]), "%s", pass->completed ? "完了 / done" : "未完了 / incomplete");

	float x = MARGIN_X;
	if (index % 2)
		pdf_rect(p, x, p->y, CONTENT_W, PASS_ROW_H, &(struct rgb){0.975f, 0.978f, 0.985f},
			 NULL, 0);
	for (size_t i = 0; i < NCOLUMNS; i++) {
		float w = column_w(i);
		pdf_rect(p, x, p->y, w, PASS_ROW_H, NULL, &RGB_RULE, 0.4f);
		bool alarm = (i == 6 && !pass->completed) || (i == 5 && pass->bad_sectors > 0);
		pdf_color(p, alarm ? RGB_RED : RGB_BLACK);
		cell(p, x, w, columns[i].right, text[i]);
		x += w;
	}
	p->y += PASS_ROW_H;
}

static void table(struct pdf *p)
{
	table_header(p);
	for (size_t i = 0; i < p->cert->npasses; i++)
		pass_row(p, &p->cert->passes[i], i);
	if (p->cert->npasses == 0) {
		pdf_rect(p, MARGIN_X, p->y, CONTENT_W, PASS_ROW_H, NULL, &RGB_RULE, 0.4f);
		pdf_color(p, RGB_RED);
		pdf_text(p, MARGIN_X + PAD, p->y + 1.75f, CELL_SIZE, "パスの記録なし / no passes recorded");
		p->y += PASS_ROW_H;
	}
}

static long long add(long long a, long long b)
{
	long long sum;
	if (b < 0)
		return a;
	return __builtin_add_overflow(a, b, &sum) ? LLONG_MAX : sum;
}

/* Page 1 for a long method: counts and totals, the passes are in the annex. */
static void summary(struct pdf *p)
{
	const struct cert *c = p->cert;
	size_t random = 0, done = 0;
	long long bytes = 0, ms = 0, bad = 0;
	for (size_t i = 0; i < c->npasses; i++) {
		const struct cert_pass *s = &c->passes[i];
		random += strcmp(s->pattern, "random") == 0;
		done += s->completed;
		bytes = add(bytes, s->bytes_written);
		ms = add(ms, s->milliseconds);
		bad = add(bad, s->bad_sectors);
	}
	char count[CERT_TEXT], total[48], time[48], bads[48], n[32], completed[48];
	snprintf(count, sizeof(count),
		 "%zu パス（乱数 %zu、固定パターン %zu）— 各パスの明細は別紙\n"
		 "%zu passes (%zu random, %zu fixed patterns); every pass is listed in the annex",
		 c->npasses, random, c->npasses - random, c->npasses, random, c->npasses - random);
	fmt_count(n, sizeof(n), bytes);
	snprintf(total, sizeof(total), "%s bytes", n);
	fmt_duration(time, sizeof(time), ms);
	fmt_count(n, sizeof(n), bad);
	snprintf(bads, sizeof(bads), "%s セクタ / sectors", n);
	snprintf(completed, sizeof(completed), "%zu / %zu", done, c->npasses);
	pdf_row1(p, "パス数", "Passes", count, 2);
	pdf_row2(p, "書込総量", "Total written", total, "所要時間", "Total time", time);
	pdf_row2(p, "不良セクタ", "Bad sectors", bads, "完了パス", "Completed", completed);
}

void pdf_draw_passes(struct pdf *p)
{
	pdf_section(p, "上書きパス", "Passes");
	if (p->cert->npasses <= PASSES_ON_PAGE1)
		table(p);
	else
		summary(p);
}

void pdf_draw_annex(struct pdf *p)
{
	if (p->cert->npasses <= PASSES_ON_PAGE1)
		return;
	if (pdf_new_page(p))
		return;
	pdf_section(p, "別紙：上書きパスの明細", "Annex: every pass");
	table(p);
}

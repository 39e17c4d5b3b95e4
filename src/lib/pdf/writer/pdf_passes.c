/* The table of passes. Up to PASSES_ON_PAGE1 passes are listed on the
 * first page; a method with more (gutmann: 35) gets a summary there and
 * every pass in an annex, whose table carries on over as many pages as it
 * needs with its header repeated. A firmware erase has one step, shown in
 * a table of its own with what the drive answered and the proof by
 * reading. */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

#define PASSES_ON_PAGE1 8
#define HEAD_H 21.5f
#define PASS_ROW_H 12.0f
#define CELL_SIZE 8.0f
#define HEAD_SIZE 8.0f
#define PAD 3.0f

struct column {
	const char *ja, *en;
	float w; /* 0: the rest of the width */
	bool right;
};

/* The random streams' seeds are in the technical block (pdf_sign.c). */
static const struct column columns[] = {
	{"No.", "", 24, true},
	{"パターン", "Pattern", 112, false},
	{"書込量", "Bytes written", 96, true},
	{"所要時間", "Time", 72, true},
	{"不良セクタ", "Bad sectors", 62, true},
	{"状態", "Status", 0, false},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* A firmware erase: no seed, no bad sectors; the command instead. */
static const struct column firmware_columns[] = {
	{"No.", "", 24, true},
	{"消去コマンド", "Command", 210, false},
	{"消去範囲", "Bytes erased", 96, true},
	{"所要時間", "Time", 62, true},
	{"状態", "Status", 0, false},
};
#define FW_NCOLUMNS (sizeof(firmware_columns) / sizeof(firmware_columns[0]))

static const struct column *table_columns(const struct pdf *p, size_t *n)
{
	*n = p->cert->firmware ? FW_NCOLUMNS : NCOLUMNS;
	return p->cert->firmware ? firmware_columns : columns;
}

static float column_w(const struct column *cols, size_t n, size_t i)
{
	if (cols[i].w > 0)
		return cols[i].w;
	float used = 0;
	for (size_t j = 0; j < n; j++)
		used += cols[j].w;
	return CONTENT_W - used;
}

static void table_header(struct pdf *p)
{
	float x = MARGIN_X;
	size_t n;
	const struct column *cols = table_columns(p, &n);
	Kesu_pdf_need(p, HEAD_H + PASS_ROW_H);
	for (size_t i = 0; i < n; i++) {
		float w = column_w(cols, n, i);
		Kesu_pdf_rect(p, x, p->y, w, HEAD_H, &RGB_LABEL, &RGB_RULE, 0.4f);
		Kesu_pdf_color(p, RGB_BLACK);
		Kesu_pdf_text_fit(p, x + PAD, p->y + 2.0f, w - 2 * PAD, HEAD_SIZE, HEAD_SIZE, cols[i].ja);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text_fit(p, x + PAD, p->y + 11.3f, w - 2 * PAD, HEAD_SIZE, HEAD_SIZE, cols[i].en);
		x += w;
	}
	p->y += HEAD_H;
}

static void cell(struct pdf *p, float x, float w, bool right, const char *text)
{
	float tw = Kesu_pdf_width(p, CELL_SIZE, text, strlen(text));
	float top = p->y + (PASS_ROW_H - CELL_SIZE) / 2;
	if (right && tw <= w - 2 * PAD)
		Kesu_pdf_text(p, x + w - PAD - tw, top, CELL_SIZE, text);
	else
		Kesu_pdf_text_fit(p, x + PAD, top, w - 2 * PAD, CELL_SIZE, 5.5f, text);
}

/* A pass that left a sector unwritten is not done, whatever an older
 * record says of it ("completed" was true for passes with bad sectors). */
static bool pass_done(const struct cert_pass *pass)
{
	return pass->completed && pass->bad_sectors <= 0;
}

static const char *status(const struct cert_pass *pass)
{
	if (!pass_done(pass))
		return "未完了 / incomplete";
	if (pass->verify_passed == 0)
		return "完了・検証不合格 / verify FAILED";
	return "完了 / done";
}

/* The texts of a row, and which of them are shown in red. */
static void row_texts(const struct pdf *p, const struct cert_pass *pass,
		      char text[NCOLUMNS][CERT_TEXT], bool alarm[NCOLUMNS])
{
	snprintf(text[0], CERT_TEXT, "%lld", pass->number);
	if (p->cert->firmware) {
		snprintf(text[1], CERT_TEXT, "ファームウェア消去 / %s", p->cert->fw.title);
		Kesu_fmt_count(text[2], CERT_TEXT, pass->bytes_written);
		Kesu_fmt_duration(text[3], CERT_TEXT, pass->milliseconds);
		snprintf(text[4], CERT_TEXT, "%s", status(pass));
		alarm[4] = !pass_done(pass);
		return;
	}
	Kesu_fmt_pattern(text[1], CERT_TEXT, pass);
	Kesu_fmt_count(text[2], CERT_TEXT, pass->bytes_written);
	Kesu_fmt_duration(text[3], CERT_TEXT, pass->milliseconds);
	Kesu_fmt_count(text[4], CERT_TEXT, pass->bad_sectors);
	snprintf(text[5], CERT_TEXT, "%s", status(pass));
	alarm[4] = pass->bad_sectors > 0;
	alarm[5] = !pass_done(pass) || pass->verify_passed == 0;
}

static void pass_row(struct pdf *p, const struct cert_pass *pass, size_t index)
{
	char text[NCOLUMNS][CERT_TEXT];
	bool alarm[NCOLUMNS] = {false};
	size_t n;
	const struct column *cols = table_columns(p, &n);
	if (p->y + PASS_ROW_H > PAGE_BODY_END) {
		Kesu_pdf_new_page(p);
		table_header(p);
	}
	row_texts(p, pass, text, alarm);

	float x = MARGIN_X;
	if (index % 2)
		Kesu_pdf_rect(p, x, p->y, CONTENT_W, PASS_ROW_H, &(struct rgb){0.975f, 0.978f, 0.985f},
			 NULL, 0);
	for (size_t i = 0; i < n; i++) {
		float w = column_w(cols, n, i);
		Kesu_pdf_rect(p, x, p->y, w, PASS_ROW_H, NULL, &RGB_RULE, 0.4f);
		Kesu_pdf_color(p, alarm[i] ? RGB_RED : RGB_BLACK);
		cell(p, x, w, cols[i].right, text[i]);
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
		Kesu_pdf_rect(p, MARGIN_X, p->y, CONTENT_W, PASS_ROW_H, NULL, &RGB_RULE, 0.4f);
		Kesu_pdf_color(p, RGB_RED);
		Kesu_pdf_text(p, MARGIN_X + PAD, p->y + 2, CELL_SIZE, "パスの記録なし / no passes recorded");
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
		done += pass_done(s);
		bytes = add(bytes, s->bytes_written);
		ms = add(ms, s->milliseconds);
		bad = add(bad, s->bad_sectors);
	}
	char count[CERT_TEXT], total[48], time[48], bads[48], n[32], completed[48];
	snprintf(count, sizeof(count),
		 "%zu パス（乱数 %zu、固定パターン %zu）— 各パスの明細は別紙\n"
		 "%zu passes (%zu random, %zu fixed patterns); every pass is listed in the annex",
		 c->npasses, random, c->npasses - random, c->npasses, random, c->npasses - random);
	Kesu_fmt_count(n, sizeof(n), bytes);
	snprintf(total, sizeof(total), "%s bytes", n);
	Kesu_fmt_duration(time, sizeof(time), ms);
	Kesu_fmt_count(n, sizeof(n), bad);
	snprintf(bads, sizeof(bads), "%s セクタ / sectors", n);
	snprintf(completed, sizeof(completed), "%zu / %zu", done, c->npasses);
	Kesu_pdf_row1(p, "パス数", "Passes", count, 4);
	Kesu_pdf_row2(p, "書込総量", "Total written", total, "所要時間", "Total time", time);
	Kesu_pdf_row2(p, "不良セクタ", "Bad sectors", bads, "完了パス", "Completed", completed);
}

__attribute__((format(printf, 3, 4)))
static void append(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

/* What the drive answered, and what came of kesu's temporary password. */
static void firmware_answer(const struct cert *c, char *out, size_t size)
{
	snprintf(out, size, "%s", c->fw.detail[0] ? c->fw.detail : "\xe2\x80\x94");
	if (c->fw.followed_running)
		append(out, size, "\n実行中だった消去を完了まで追跡 / a sanitize already running "
				  "was followed to its end");
	if (c->fw.password_cleared == 1)
		append(out, size, "\n一時パスワード: 解除済み / kesu's temporary password: removed");
	else if (c->fw.password_cleared == 0)
		append(out, size, "\n一時パスワード: 未解除 / kesu's temporary password: NOT removed "
				  "(the drive may be locked)");
}

/* Markers written before the command and read after it: the proof that
 * the drive did erase, not only said so. Zeros are checked only for a
 * method that leaves zeros. */
static void firmware_proof(const struct cert *c, char *out, size_t size)
{
	char marked[32], unchanged[32], nonzero[32];
	bool read_back = c->npasses == 1 && c->passes[0].completed;
	Kesu_fmt_count(marked, sizeof(marked), c->fw.marker_bytes);
	Kesu_fmt_count(unchanged, sizeof(unchanged), c->fw.unchanged_sectors);
	Kesu_fmt_count(nonzero, sizeof(nonzero), c->fw.nonzero_sectors);
	if (c->fw.marker_bytes <= 0)
		snprintf(out, size,
			 "目印の書き込みなし（検証なし、または消去前に終了）: 読み戻しによる証明はありません\n"
			 "No markers were written (no verification, or the job ended before the "
			 "erase): there is no proof by reading");
	else if (!read_back)
		snprintf(out, size,
			 "消去前に %s バイトの無作為な目印を書き込み済み。消去が完了しなかったため読み戻しは未実施\n"
			 "Before the erase kesu wrote %s bytes of random markers; the erase did not "
			 "complete, so they were not read back",
			 marked, marked);
	else if (strcmp(c->fw.leaves, "zero") == 0)
		snprintf(out, size,
			 "消去前に %s バイトの無作為な目印を書き込み、消去後に読み戻し: 変化なし %s セクタ、"
			 "ゼロでない %s セクタ（期待: すべてゼロ）\n"
			 "Before the erase kesu wrote %s bytes of random markers; read back after it: "
			 "%s sectors unchanged, %s sectors not zero (expected: zero)",
			 marked, unchanged, nonzero, marked, unchanged, nonzero);
	else
		snprintf(out, size,
			 "消去前に %s バイトの無作為な目印を書き込み、消去後に読み戻し: 変化なし %s セクタ"
			 "（期待: すべて変化）\n"
			 "Before the erase kesu wrote %s bytes of random markers; read back after it: "
			 "%s sectors unchanged (expected: changed)",
			 marked, unchanged, marked, unchanged);
}

void Kesu_pdf_draw_passes(struct pdf *p)
{
	if (p->cert->firmware) {
		char text[4 * CERT_TEXT];
		Kesu_pdf_section(p, "ファームウェア消去", "Firmware erase");
		table(p);
		firmware_answer(p->cert, text, sizeof(text));
		Kesu_pdf_row1(p, "ドライブの応答", "Drive's answer", text, 6);
		firmware_proof(p->cert, text, sizeof(text));
		Kesu_pdf_row1(p, "消去の証明", "Proof of erasure", text, 6);
		return;
	}
	Kesu_pdf_section(p, "上書きパス", "Passes");
	if (p->cert->npasses <= PASSES_ON_PAGE1)
		table(p);
	else
		summary(p);
}

void Kesu_pdf_draw_annex(struct pdf *p)
{
	if (p->cert->npasses <= PASSES_ON_PAGE1)
		return;
	if (Kesu_pdf_new_page(p))
		return;
	Kesu_pdf_section(p, "別紙：上書きパスの明細", "Annex: every pass");
	table(p);
}

/* The batch document's pages: the header and what it certifies (or, when
 * incomplete, that it certifies nothing of the lot), the issue block, the
 * selection and totals, then the 明細 table over as many pages as it takes
 * with its header row on each, media without a certificate first and in
 * red; the seals and the technical block close it. A4 portrait in small
 * type (never below 6.5 pt): the layout family of every kesu document. */
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"
#include "pdf_batch.h"

#define CELL_SIZE 6.8f /* the table's type */
#define CELL_LEAD 8.2f
#define CELL_PAD 2.4f
#define HEAD_H 19.0f
#define NCOLS 8
#define DASH_TEXT "\xe2\x80\x94"

static const struct column {
	float w;
	const char *ja, *en;
} columns[NCOLS] = {
	{19, "No.", "#"},
	{56, "資産番号", "Asset / size"},
	{84, "シリアル番号・型番", "Serial / model"},
	{64, "機器（PC）", "Host machine"},
	{68, "方式・水準", "Method / level"},
	{56, "結果", "Outcome"},
	{44, "日付", "Date"},
	{110.276f, "証明書番号・台帳記録", "Certificate / record"},
};

static const char *outcome_ja(const char *o)
{
	static const struct {
		const char *id, *ja;
	} t[] = {{"SUCCESS", "消去完了"}, {"ERASED_WITH_EXCEPTIONS", "例外付き消去"},
		 {"DESTROYED", "物理破壊"}, {"UNVERIFIED", "検証未完了"},
		 {"FAILED", "消去失敗"}, {"MISSING", "証明書なし"}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(o, t[i].id))
			return t[i].ja;
	return o;
}

static const char *level_name(const char *level)
{
	if (!strcmp(level, "clear"))
		return "Clear";
	if (!strcmp(level, "purge"))
		return "Purge";
	if (!strcmp(level, "destroy"))
		return "Destroy";
	return level[0] ? level : DASH_TEXT;
}

/* What the document states: wrapped, as a batch's is long; in red, boxed,
 * when it certifies nothing of the lot. */
static void batch_statement(struct pdf *p)
{
	const char *ja, *en;
	if (p->cert->failure) {
		ja = "本書は一括消去証明書ではありません。明細のうち「消去完了」「物理破壊」以外の媒体"
		     "（赤字の「証明書なし」を含む）は、消去が証明されていません。各媒体を消去または"
		     "物理的に破壊し、改めて一括証明書を発行してください。";
		en = "This is NOT a batch certificate: the media below that are not \"SUCCESS\" or "
		     "\"DESTROYED\" (those in red have no certificate at all) are not proven "
		     "sanitized. Erase or destroy them, then issue the batch again.";
	} else {
		ja = "下記の明細に記載したすべての記憶媒体について、データの消去または物理的破壊が完了し、"
		     "各媒体の証明書が発行されていることを証明します。";
		en = "This certifies that every storage medium listed below was sanitized or "
		     "physically destroyed, and that each has its own certificate, cited by number.";
	}
	float w = CONTENT_W - 16, size = 8.0f, lead = 9.6f;
	unsigned nj = Kesu_pdf_wrap_count(p, size, ja, w), ne = Kesu_pdf_wrap_count(p, size, en, w);
	float h = (float)(nj + ne) * lead + 8;
	if (p->cert->failure)
		Kesu_pdf_rect(p, MARGIN_X, p->y, CONTENT_W, h, &RGB_PALE_RED, &RGB_RED, 1.5f);
	Kesu_pdf_color(p, p->cert->failure ? RGB_RED : RGB_BLACK);
	Kesu_pdf_text_wrap(p, MARGIN_X + 8, p->y + 4, w, size, lead, nj, ja);
	Kesu_pdf_color(p, p->cert->failure ? RGB_RED : RGB_GREY);
	Kesu_pdf_text_wrap(p, MARGIN_X + 8, p->y + 4 + (float)nj * lead, w, size, lead, ne, en);
	p->y += h + 3;
}

static void draw_summary(struct pdf *p)
{
	const struct cert_batch *b = p->cert->batch;
	char v[BATCH_OUTCOMES][48], all[48];
	for (size_t k = 0; k < BATCH_OUTCOMES; k++)
		snprintf(v[k], sizeof(v[k]), "%lld", b->totals[k]);
	snprintf(all, sizeof(all), "%lld 件 / media", b->media);
	Kesu_pdf_section(p, "対象・集計", "Selection and totals");
	Kesu_pdf_row1(p, "対象", "Selection", b->selection, 3);
	Kesu_pdf_row2(p, "媒体数", "Media", all, "証明書なし", "Missing", v[5]);
	Kesu_pdf_row2(p, "消去完了", "SUCCESS", v[0], "物理破壊", "DESTROYED", v[2]);
	Kesu_pdf_row2(p, "例外付き消去", "With exceptions", v[1], "検証未完了", "UNVERIFIED", v[3]);
	Kesu_pdf_row1(p, "消去失敗", "FAILED", v[4], 1);
}

static void table_head(struct pdf *p)
{
	float x = MARGIN_X;
	for (size_t i = 0; i < NCOLS; i++) {
		Kesu_pdf_rect(p, x, p->y, columns[i].w, HEAD_H, &RGB_LABEL, &RGB_RULE, 0.4f);
		Kesu_pdf_color(p, RGB_BLACK);
		Kesu_pdf_text_fit(p, x + CELL_PAD, p->y + 2, columns[i].w - 2 * CELL_PAD, 6.8f, 6.5f,
				  columns[i].ja);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text_fit(p, x + CELL_PAD, p->y + 10, columns[i].w - 2 * CELL_PAD, 6.5f, 6.5f,
				  columns[i].en);
		x += columns[i].w;
	}
	p->y += HEAD_H;
}

/* Two lines a cell; cut to the cell's width (never smaller than 6.5 pt:
 * Kesu_pdf_text_fit shrinks, the cut is the fit's). */
static void cell(struct pdf *p, float x, size_t col, unsigned line, const char *s)
{
	Kesu_pdf_text_fit(p, x + CELL_PAD, p->y + CELL_PAD + (float)line * CELL_LEAD,
			  columns[col].w - 2 * CELL_PAD, CELL_SIZE, 6.5f, s[0] ? s : DASH_TEXT);
}

static void short_size(char *out, size_t size, long long bytes)
{
	if (bytes < 0)
		snprintf(out, size, DASH_TEXT);
	else if (bytes >= 1000000000LL)
		snprintf(out, size, "%.1f GB", (double)bytes / 1e9);
	else
		snprintf(out, size, "%.1f MB", (double)bytes / 1e6);
}

/* A document's cells: method/level, outcome, date, certificate/record. */
static void doc_cells(struct pdf *p, const float *x, unsigned line, const struct cert_batch_doc *d,
		      bool destruction)
{
	char a[160], b[96], date[96];
	if (destruction)
		snprintf(a, sizeof(a), "物理破壊 %s", d->outcome);
	else if (!strcmp(d->source, "received"))
		snprintf(a, sizeof(a), "受領 / received: %s", d->method);
	else
		snprintf(a, sizeof(a), "%s", d->method);
	snprintf(b, sizeof(b), "%s · %s", destruction ? "破壊" : "消去", level_name(d->level));
	cell(p, x[4], 4, line, a);
	cell(p, x[4], 4, line + 1, b);
	if (line > 0) /* the other document's own outcome, on its line */
		cell(p, x[5], 5, line, destruction ? "物理破壊" : outcome_ja(d->outcome));
	Kesu_fmt_local(date, sizeof(date), d->ended_utc, p->cert->offset_min, p->cert->offset_known, false);
	date[10] = '\0';
	cell(p, x[6], 6, line, d->ended_utc[0] ? date : "");
	if (d->ended_utc[0] && strlen(date + 11) >= 5) {
		date[16] = '\0';
		cell(p, x[6], 6, line + 1, date + 11);
	}
	Kesu_fmt_short_hex(a, sizeof(a), d->record_hash, 16);
	cell(p, x[7], 7, line, d->certificate_id);
	snprintf(b, sizeof(b), "記録 %s", a);
	cell(p, x[7], 7, line + 1, b);
}

static void member_row(struct pdf *p, size_t i, const struct cert_batch_member *m)
{
	bool missing = !strcmp(m->outcome, "MISSING");
	bool both = m->has_erasure && m->has_destruction;
	float h = (both ? 4 : 2) * CELL_LEAD + 2 * CELL_PAD - 1.4f, x[NCOLS];
	if (p->y + h > PAGE_BODY_END) {
		Kesu_pdf_new_page(p);
		table_head(p);
	}
	x[0] = MARGIN_X;
	for (size_t k = 1; k < NCOLS; k++)
		x[k] = x[k - 1] + columns[k - 1].w;
	for (size_t k = 0; k < NCOLS; k++)
		Kesu_pdf_rect(p, x[k], p->y, columns[k].w, h, missing ? &RGB_PALE_RED : NULL, &RGB_RULE, 0.4f);
	char t[2 * BATCH_SHORT + 16];
	Kesu_pdf_color(p, missing ? RGB_RED : RGB_BLACK);
	snprintf(t, sizeof(t), "%zu", i + 1);
	cell(p, x[0], 0, 0, t);
	if (m->entry >= 0) {
		snprintf(t, sizeof(t), "#%lld", m->entry);
		cell(p, x[0], 0, 1, t);
	}
	cell(p, x[1], 1, 0, m->asset);
	short_size(t, sizeof(t), m->size_bytes);
	cell(p, x[1], 1, 1, t);
	cell(p, x[2], 2, 0, m->serial);
	cell(p, x[2], 2, 1, m->model);
	cell(p, x[3], 3, 0, m->host);
	snprintf(t, sizeof(t), "S/N %s", m->host_serial);
	cell(p, x[3], 3, 1, m->host_serial[0] ? t : "");
	cell(p, x[5], 5, 0, outcome_ja(m->outcome));
	cell(p, x[5], 5, 1, m->outcome);
	if (missing)
		cell(p, x[4], 4, 0, "記録なし / no record");
	if (m->has_destruction)
		doc_cells(p, x, 0, &m->destruction, true);
	if (m->has_erasure)
		doc_cells(p, x, m->has_destruction ? 2 : 0, &m->erasure, false);
	p->y += h;
}

static void draw_table(struct pdf *p)
{
	const struct cert_batch *b = p->cert->batch;
	Kesu_pdf_section(p, "明細", "Itemised list of media");
	table_head(p);
	for (size_t i = 0; i < b->n; i++)
		member_row(p, i, &b->members[i]);
}

/* Hashes, the station, the signature, how to verify, and the QR code. */
static void draw_technical(struct pdf *p)
{
	const struct cert *c = p->cert;
	char ledger[200], job[40], rec[40], payload[120], tool[100], how[400], qr[200];
	Kesu_fmt_short_hex(job, sizeof(job), c->ledger_job, 16);
	Kesu_fmt_short_hex(rec, sizeof(rec), c->ledger_hash, 16);
	snprintf(ledger, sizeof(ledger), "No. %lld · job %s · record %s", c->ledger_seq, job, rec);
	snprintf(payload, sizeof(payload), "kesu-payload.json · BLAKE2b-256 %s", c->payload_hash);
	snprintf(tool, sizeof(tool), "%s %s", c->tool_name[0] ? c->tool_name : "kesu", c->tool_version);
	snprintf(how, sizeof(how),
		 "kesu cert verify kesu-%s.pdf（証明書のフォルダを添えると明細の各証明書も照合します。"
		 "kesu(8) 参照 / given the folder of certificates, it also checks each one listed: "
		 "see kesu(8)）", c->id);
	Kesu_pdf_need(p, 3 + 13 + 7 * ROW_H + 90);
	Kesu_pdf_section(p, "技術情報・電子署名", "Technical details, digital signature");
	Kesu_pdf_row1(p, "署名端末", "Station", c->station_host, 2);
	Kesu_pdf_row1(p, "署名鍵", "Signing key", c->station_key, 2);
	Kesu_pdf_row1(p, "台帳記録", "Ledger record", ledger, 2);
	Kesu_pdf_row1(p, "発行ツール", "Issued by", tool, 1);
	Kesu_pdf_row1(p, "添付データ", "Signed payload", payload, 2);
	Kesu_pdf_row1(p, "署名 (Ed25519)", "Signature", c->sig_line, 3);
	Kesu_pdf_row1(p, "検証方法", "How to verify", how, 3);
	snprintf(qr, sizeof(qr), "%s:%s:%s", c->failure ? "KESU-BATCH-INCOMPLETE" : "KESU-BATCH", c->id,
		 c->payload_hash);
	float size = 74;
	Kesu_pdf_need(p, size + 8);
	Kesu_pdf_cell(p, MARGIN_X, p->y, CONTENT_W, size + 8);
	if (Kesu_pdf_draw_qr(p, MARGIN_X + 4, p->y + 4, size, qr) != 0 && !p->error)
		p->error = HPDF_FAILD_TO_ALLOC_MEM;
	Kesu_pdf_color(p, c->failure ? RGB_RED : RGB_GREY);
	Kesu_pdf_text(p, MARGIN_X + size + 14, p->y + 30, 7.5f,
		      c->failure ? "KESU-BATCH-INCOMPLETE:ID:BLAKE2b-256 — 未完了・証明書ではありません / not a certificate"
				 : "KESU-BATCH:ID:BLAKE2b-256 — 証明書番号と添付データの照合用 / ID and payload digest");
	p->y += size + 8;
}

void Kesu_pdf_render_batch(struct pdf *p)
{
	if (Kesu_pdf_new_page(p))
		return;
	Kesu_pdf_draw_title(p);
	batch_statement(p);
	Kesu_pdf_draw_issue(p);
	draw_summary(p);
	draw_table(p);
	Kesu_pdf_draw_seals(p);
	draw_technical(p);
	Kesu_pdf_footers(p);
}

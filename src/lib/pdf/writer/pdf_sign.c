/* The end of the document: the boxes where the operator, a witness and
 * the approver sign or seal the paper copy, then the technical block with
 * the digital signature, how to check it and the QR code that names the
 * payload. */
#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

#define TECH_LABEL_W 134.0f /* "方式定義ファイル / Method file" on one line */
#define QR_BOX_W 96.0f
#define PAD 3.0f
#define SEAL_R 18.0f      /* 36 pt: a seal circle 12.7 mm across */
#define SEAL_BOX_H 70.0f

/* Draws the QR code for text, its modules as filled rectangles (one per run
 * of dark modules in a row), in a square of side size with the quiet zone. */
int Kesu_pdf_draw_qr(struct pdf *p, float x, float top, float size, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return errno ? -errno : -ENOMEM;
	int n = qr->width;
	float m = size / (float)(n + 8); /* 4 modules of quiet zone each side */
	Kesu_pdf_rect(p, x, top, size, size, &RGB_WHITE, NULL, 0);
	HPDF_Page_SetRGBFill(p->page, 0, 0, 0);
	for (int row = 0; row < n; row++) {
		for (int col = 0; col < n;) {
			if (!(qr->data[row * n + col] & 1)) {
				col++;
				continue;
			}
			int run = col;
			while (run < n && (qr->data[row * n + run] & 1))
				run++;
			HPDF_Page_Rectangle(p->page, x + (float)(col + 4) * m,
					    PAGE_H - top - (float)(row + 5) * m, (float)(run - col) * m,
					    m);
			col = run;
		}
	}
	HPDF_Page_Fill(p->page);
	QRcode_free(qr);
	return 0;
}

struct tech_row {
	const char *ja, *en, *value;
};

/* A compact row of the technical block: a label at LABEL_SIZE, the value
 * small (hashes and commands are for machines and auditors) and wrapped.
 * Returns its height; draws it only when draw is set. */
static float tech_row(struct pdf *p, float vw, const struct tech_row *r, bool draw)
{
	const float size = 6.0f, lead = size * 1.2f, inner = vw - 2 * PAD;
	const char *value = r->value[0] ? r->value : "\xe2\x80\x94";
	unsigned lines = Kesu_pdf_wrap_count(p, size, value, inner);
	float text_h = (float)(lines - 1) * lead + size;
	float h = text_h + 4.5f, lh = Kesu_pdf_label_height(p, TECH_LABEL_W, r->ja, r->en);
	if (lh <= ROW_H)
		lh = LABEL_SIZE + 3.5f; /* one-line labels: a compact row */
	h = h > lh ? h : lh;
	if (!draw)
		return h;
	Kesu_pdf_label(p, MARGIN_X, p->y, TECH_LABEL_W, h, r->ja, r->en);
	Kesu_pdf_rect(p, MARGIN_X + TECH_LABEL_W, p->y, vw, h, NULL, &RGB_RULE, 0.4f);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_wrap(p, MARGIN_X + TECH_LABEL_W + PAD, p->y + (h - text_h) / 2, inner, size, lead,
		      lines, value);
	p->y += h;
	return h;
}

/* The QR code's text. A failure report's cannot be taken for a
 * certificate's: another prefix, and it says what the document is. */
static void qr_text(const struct cert *c, char *out, size_t size)
{
	if (c->failure)
		snprintf(out, size, "KESU-FAILURE-REPORT:NOT-SANITIZED:%s:%s:%s", c->outcome, c->id,
			 c->payload_hash);
	else if (c->with_exceptions) /* erased, but not the whole medium */
		snprintf(out, size, "KESU-CERT-WITH-EXCEPTIONS:%s:%s", c->id, c->payload_hash);
	else
		snprintf(out, size, "KESU-CERT:%s:%s", c->id, c->payload_hash);
}

/* The UTC times, once, for a station whose zone is not UTC. */
static void utc_times(const struct cert *c, char *out, size_t size)
{
	snprintf(out, size, "発行 / issued %s · 開始 / started %s · 終了 / ended %s",
		 c->issued_utc, c->started_utc[0] ? c->started_utc : "\xe2\x80\x94",
		 c->ended_utc[0] ? c->ended_utc : "\xe2\x80\x94");
}

/* Each random pass's stream seed, one a line. */
static void pass_seeds(const struct cert *c, char *out, size_t size)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < c->npasses && o + 100 < size; i++)
		if (c->passes[i].seed[0])
			o += (size_t)snprintf(out + o, size - o, "%sパス / pass %lld: %s", o ? "\n" : "",
					      c->passes[i].number, c->passes[i].seed);
}

/* The technical block: what a person checking the document by machine
 * needs (times in UTC, digests, seeds, the station and its key, the
 * signature, how to verify) and the QR code, compact, after the seals. */
void Kesu_pdf_draw_technical(struct pdf *p)
{
	const struct cert *c = p->cert;
	char station[2 * CERT_TEXT], ledger[200], tool[100], payload[120], job[40], rec[40],
		qr[200], seeds[8192];
	float vw = CONTENT_W - TECH_LABEL_W - QR_BOX_W;

	snprintf(station, sizeof(station), "%s%s%s", c->station_host[0] ? c->station_host : "\xe2\x80\x94",
		 c->station_machine[0] ? " · machine-id " : "", c->station_machine);
	Kesu_fmt_short_hex(job, sizeof(job), c->ledger_job, 16);
	Kesu_fmt_short_hex(rec, sizeof(rec), c->ledger_hash, 16);
	if (c->ledger_seq >= 0)
		snprintf(ledger, sizeof(ledger), "No. %lld · job %s · record %s", c->ledger_seq, job, rec);
	else
		snprintf(ledger, sizeof(ledger), "job %s · record %s", job, rec);
	snprintf(tool, sizeof(tool), "%s %s", c->tool_name[0] ? c->tool_name : "kesu", c->tool_version);
	snprintf(payload, sizeof(payload), "kesu-payload.json · BLAKE2b-256 %s", c->payload_hash);
	qr_text(c, qr, sizeof(qr));

	char utc[300], file[100], how[600];
	struct tech_row rows[12];
	size_t n = 0;
	if (!c->offset_known || c->offset_min != 0) {
		utc_times(c, utc, sizeof(utc));
		rows[n++] = (struct tech_row){"協定世界時", "UTC", utc};
	}
	snprintf(file, sizeof(file), "SHA-256 %s", c->method.sha256[0] ? c->method.sha256 : "\xe2\x80\x94");
	if (c->kind == CERT_WIPE) /* a method and its sampling: an erasure's */
		rows[n++] = (struct tech_row){"方式定義ファイル", "Method file", file};
	if (c->kind == CERT_WIPE && strcmp(c->verify.mode, "none") != 0)
		rows[n++] = (struct tech_row){"抽出シード", "Sampling seed", c->verify.seed};
	pass_seeds(c, seeds, sizeof(seeds));
	if (seeds[0])
		rows[n++] = (struct tech_row){"乱数シード", "Stream seeds", seeds};
	rows[n++] = (struct tech_row){"署名端末", "Station", station};
	rows[n++] = (struct tech_row){"署名鍵", "Signing key", c->station_key};
	rows[n++] = (struct tech_row){"台帳記録", "Ledger record", ledger};
	rows[n++] = (struct tech_row){"発行ツール", "Issued by", tool};
	rows[n++] = (struct tech_row){"添付データ", "Signed payload", payload};
	rows[n++] = (struct tech_row){"署名 (Ed25519)", "Signature", c->sig_line};
	snprintf(how, sizeof(how),
		 "kesu cert verify --trust CA.pem kesu-%s.pdf（署名・添付・ページ / all checks）\n"
		 "Acrobat Reader・pdfsig: PDF署名（署名パネル） / the PDF signatures\n"
		 "signify -V -p kesu-station.pub -x kesu-payload.json.sig -m kesu-payload.json（添付 / attachment）",
		 c->id);
	rows[n++] = (struct tech_row){"検証方法", "How to verify", how};

	/* the whole block on one page: here, or on the next */
	float total = 0, qsize = 74;
	for (size_t i = 0; i < n; i++)
		total += tech_row(p, vw, &rows[i], false);
	if (total < qsize + 34)
		total = qsize + 34;
	Kesu_pdf_need(p, 3 + 13 + total);
	Kesu_pdf_section(p, "技術情報・電子署名", "Technical details, digital signature");
	float top = p->y;
	for (size_t i = 0; i < n; i++)
		tech_row(p, vw, &rows[i], true);

	/* the QR code names the document, its kind and the exact payload bytes */
	float qx = MARGIN_X + CONTENT_W - QR_BOX_W, h = p->y - top;
	if (h < qsize + 34) {
		Kesu_pdf_rect(p, MARGIN_X, p->y, CONTENT_W - QR_BOX_W, qsize + 34 - h, NULL, &RGB_RULE, 0.4f);
		p->y = top + qsize + 34;
		h = qsize + 34;
	}
	Kesu_pdf_rect(p, qx, top, QR_BOX_W, h, NULL, &RGB_RULE, 0.4f);
	if (Kesu_pdf_draw_qr(p, qx + (QR_BOX_W - qsize) / 2, top + 3, qsize, qr) != 0 && !p->error)
		p->error = HPDF_FAILD_TO_ALLOC_MEM;
	Kesu_pdf_color(p, c->failure ? RGB_RED : RGB_GREY);
	if (c->failure) {
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 5, 8, true, "不合格・失敗報告書");
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 15, 8, true, "FAILURE REPORT");
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 25, 8, false, "not a certificate");
	} else if (c->with_exceptions) {
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 5, 8, true, "例外付き消去");
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 15, 6, false,
				"KESU-CERT-WITH-EXCEPTIONS");
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 23, 6, false,
				"erased with exceptions");
	} else {
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 5, 6, false,
				"KESU-CERT:ID:BLAKE2b-256");
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 13, 6, false,
				"証明書番号と添付データの照合用");
		Kesu_pdf_text_center(p, qx + QR_BOX_W / 2, top + qsize + 21, 6, false,
				"ID and payload digest");
	}
}

static void seal_box(struct pdf *p, unsigned index, float x, float w, const char *ja,
		     const char *en, const char *name)
{
	float top = p->y, head = 13, h = SEAL_BOX_H;
	p->seals[index] = (struct seal_box){p->page_no - 1, x, PAGE_H - (top + h), x + w,
					    PAGE_H - (top + head)};
	char label[80];
	snprintf(label, sizeof(label), "%s / %s", ja, en);
	Kesu_pdf_rect(p, x, top, w, head, &RGB_LABEL, &RGB_RULE, 0.5f);
	Kesu_pdf_rect(p, x, top + head, w, h - head, NULL, &RGB_RULE, 0.5f);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_center(p, x + w / 2, top + 2.6f, 8, true, label);

	float line_end = x + w - 2 * SEAL_R - 8;
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text(p, x + 5, top + head + 3, 8, "氏名 / Name");
	Kesu_pdf_color(p, RGB_BLACK);
	if (name[0]) { /* whole, on up to four lines, however long (64 characters) */
		float size = 8.5f, width = line_end - x - 8;
		while (size > 4 && (Kesu_pdf_wrap_count(p, size, name, width) > 4 ||
				    Kesu_pdf_widest_token(p, size, name) > width))
			size -= 0.25f;
		unsigned lines = Kesu_pdf_wrap_count(p, size, name, width);
		float lead = size * 1.1f, text_h = (float)(lines - 1) * lead + size;
		Kesu_pdf_text_wrap(p, x + 6, top + head + 20.5f - text_h / 2, width, size, lead, 4, name);
	}
	Kesu_pdf_line(p, x + 5, top + head + 30, line_end, top + head + 30, RGB_RULE, 0.5f);
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text(p, x + 5, top + head + 32.5f, 8, "日付 / Date");
	Kesu_pdf_text(p, x + 6, top + head + 42, 8, "　　年　　月　　日");
	Kesu_pdf_line(p, x + 5, top + head + 52, line_end, top + head + 52, RGB_RULE, 0.5f);

	/* the seal: a dashed circle with 印, 12.7 mm across (a personal seal is 10-12 mm) */
	float cx = x + w - SEAL_R - 5, cy_top = top + head + (h - head) / 2;
	HPDF_UINT16 dash[] = {2, 2};
	HPDF_Page_SetDash(p->page, dash, 2, 0);
	HPDF_Page_SetRGBStroke(p->page, RGB_RULE.r, RGB_RULE.g, RGB_RULE.b);
	HPDF_Page_SetLineWidth(p->page, 0.6f);
	HPDF_Page_Circle(p->page, cx, PAGE_H - cy_top, SEAL_R);
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetDash(p->page, NULL, 0, 0);
	Kesu_pdf_color(p, (struct rgb){0.75f, 0.77f, 0.80f});
	Kesu_pdf_text_center(p, cx, cy_top - 5, 10, false, "印");
}

void Kesu_pdf_draw_seals(struct pdf *p)
{
	const struct cert *c = p->cert;
	float gap = 6, w = (CONTENT_W - 3 * gap) / PDF_SEALS;
	Kesu_pdf_need(p, 6 + SEAL_BOX_H);
	p->y += 6;
	seal_box(p, 0, MARGIN_X, w, "担当者", "Operator", c->operator_name);
	seal_box(p, 1, MARGIN_X + w + gap, w, "立会者", "Witness", c->witness_name);
	seal_box(p, 2, MARGIN_X + 2 * (w + gap), w, "確認者", "Validator", "");
	seal_box(p, 3, MARGIN_X + 3 * (w + gap), w, "承認者", "Approver",
		 c->approval.number[0] ? c->approval.approver : c->approver_name);
	p->y += SEAL_BOX_H;
}

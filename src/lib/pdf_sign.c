/* The bottom of the page: the digital signature with how to check it and
 * the QR code that names the payload, then the boxes where the operator, a
 * witness and the approver sign or seal the paper copy. */
#include <errno.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

#define SIG_LABEL_W 100.0f
#define QR_BOX_W 100.0f
#define SMALL_ROW_H 10.8f
#define PAD 3.0f

/* Draws the QR code for text, its modules as filled rectangles (one per run
 * of dark modules in a row), in a square of side size with the quiet zone. */
int pdf_draw_qr(struct pdf *p, float x, float top, float size, const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return errno ? -errno : -ENOMEM;
	int n = qr->width;
	float m = size / (float)(n + 8); /* 4 modules of quiet zone each side */
	pdf_rect(p, x, top, size, size, &RGB_WHITE, NULL, 0);
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

static void sig_row(struct pdf *p, float top, float h, const char *ja, const char *en,
		    const char *value, float size, unsigned lines)
{
	float vw = CONTENT_W - QR_BOX_W - SIG_LABEL_W;
	pdf_label(p, MARGIN_X, top, SIG_LABEL_W, h, ja, en);
	pdf_rect(p, MARGIN_X + SIG_LABEL_W, top, vw, h, NULL, &RGB_RULE, 0.4f);
	pdf_color(p, RGB_BLACK);
	float leading = size * 1.22f;
	float text_h = (float)(lines - 1) * leading + size;
	if (lines == 1)
		pdf_text_fit(p, MARGIN_X + SIG_LABEL_W + PAD, top + (h - size) / 2, vw - 2 * PAD,
			     size, 5.5f, value[0] ? value : "\xe2\x80\x94");
	else
		pdf_text_wrap(p, MARGIN_X + SIG_LABEL_W + PAD, top + (h - text_h) / 2, vw - 2 * PAD,
			      size, leading, lines, value);
}

/* Each command on its own line, shrunk to fit, never wrapped. */
static void how_to_verify(struct pdf *p, float top, float h)
{
	const struct cert *c = p->cert;
	char line[3][200];
	float vw = CONTENT_W - QR_BOX_W - SIG_LABEL_W;
	snprintf(line[0], sizeof(line[0]), "kesu cert verify kesu-%s.pdf --pubkey station.pub",
		 c->id);
	snprintf(line[1], sizeof(line[1]),
		 "signify -V -p station.pub -m kesu-%s.pdf   （ファイル全体 / the whole file）", c->id);
	snprintf(line[2], sizeof(line[2]),
		 "signify -V -p station.pub -x kesu-payload.json.sig -m kesu-payload.json   （添付 / attachment）");
	pdf_label(p, MARGIN_X, top, SIG_LABEL_W, h, "検証方法", "How to verify");
	pdf_rect(p, MARGIN_X + SIG_LABEL_W, top, vw, h, NULL, &RGB_RULE, 0.4f);
	pdf_color(p, RGB_BLACK);
	for (int i = 0; i < 3; i++)
		pdf_text_fit(p, MARGIN_X + SIG_LABEL_W + PAD, top + 2.5f + (float)i * 7.0f,
			     vw - 2 * PAD, 6.0f, 4.2f, line[i]);
}

void pdf_draw_signature(struct pdf *p)
{
	const struct cert *c = p->cert;
	char station[2 * CERT_TEXT], ledger[200], tool[100], payload[120], job[40], rec[40],
		qr[128];
	float sig_h = 15.5f, verify_h = 24, h = 5 * SMALL_ROW_H + sig_h + verify_h;

	snprintf(station, sizeof(station), "%s%s%s", c->station_host[0] ? c->station_host : "\xe2\x80\x94",
		 c->station_machine[0] ? " · machine-id " : "", c->station_machine);
	fmt_short_hex(job, sizeof(job), c->ledger_job, 16);
	fmt_short_hex(rec, sizeof(rec), c->ledger_hash, 16);
	if (c->ledger_seq >= 0)
		snprintf(ledger, sizeof(ledger), "No. %lld · job %s · record %s", c->ledger_seq, job, rec);
	else
		snprintf(ledger, sizeof(ledger), "job %s · record %s", job, rec);
	snprintf(tool, sizeof(tool), "%s %s", c->tool_name[0] ? c->tool_name : "kesu", c->tool_version);
	snprintf(payload, sizeof(payload), "kesu-payload.json · BLAKE2b-256 %s", c->payload_hash);
	snprintf(qr, sizeof(qr), "KESU-CERT:%s:%s", c->id, c->payload_hash);

	pdf_need(p, 3.5f + 12.0f + h);
	pdf_section(p, "電子署名", "Digital signature");
	float top = p->y;
	sig_row(p, top, SMALL_ROW_H, "署名端末", "Station", station, 7.5f, 1);
	sig_row(p, top += SMALL_ROW_H, SMALL_ROW_H, "署名鍵", "Signing key", c->station_key, 7.5f, 1);
	sig_row(p, top += SMALL_ROW_H, SMALL_ROW_H, "台帳記録", "Ledger record", ledger, 7.5f, 1);
	sig_row(p, top += SMALL_ROW_H, SMALL_ROW_H, "発行ツール", "Issued by", tool, 7.5f, 1);
	sig_row(p, top += SMALL_ROW_H, SMALL_ROW_H, "添付データ", "Signed payload", payload, 7.0f, 1);
	sig_row(p, top += SMALL_ROW_H, sig_h, "署名 (Ed25519)", "Payload signature", c->sig_line,
		6.2f, 2);
	how_to_verify(p, top + sig_h, verify_h);

	/* the QR code names the certificate and the exact payload bytes */
	float qx = MARGIN_X + CONTENT_W - QR_BOX_W, qsize = 66;
	pdf_rect(p, qx, p->y, QR_BOX_W, h, NULL, &RGB_RULE, 0.4f);
	if (pdf_draw_qr(p, qx + (QR_BOX_W - qsize) / 2, p->y + 4, qsize, qr) != 0 && !p->error)
		p->error = HPDF_FAILD_TO_ALLOC_MEM;
	pdf_color(p, RGB_GREY);
	pdf_text_center(p, qx + QR_BOX_W / 2, p->y + qsize + 4.5f, 5.6f, false, "KESU-CERT:ID:BLAKE2b-256");
	pdf_text_center(p, qx + QR_BOX_W / 2, p->y + qsize + 10.5f, 5.6f, false,
			"証明書番号と添付データの照合用");
	pdf_text_center(p, qx + QR_BOX_W / 2, p->y + qsize + 16.5f, 5.6f, false,
			"ID and payload digest");
	p->y += h;
}

static void seal_box(struct pdf *p, float x, float w, const char *ja, const char *en,
		     const char *name)
{
	float top = p->y, head = 11.5f, h = 52;
	char label[80];
	snprintf(label, sizeof(label), "%s / %s", ja, en);
	pdf_rect(p, x, top, w, head, &RGB_LABEL, &RGB_RULE, 0.5f);
	pdf_rect(p, x, top + head, w, h - head, NULL, &RGB_RULE, 0.5f);
	pdf_color(p, RGB_BLACK);
	pdf_text_center(p, x + w / 2, top + 2.6f, 7.2f, true, label);

	float line_end = x + w - 44;
	pdf_color(p, RGB_GREY);
	pdf_text(p, x + 5, top + head + 2, 5.8f, "氏名 / Name");
	pdf_color(p, RGB_BLACK);
	if (name[0])
		pdf_text_fit(p, x + 8, top + head + 9, line_end - x - 10, 8.5f, 6, name);
	pdf_line(p, x + 5, top + head + 18.5f, line_end, top + head + 18.5f, RGB_RULE, 0.5f);
	pdf_color(p, RGB_GREY);
	pdf_text(p, x + 5, top + head + 21.5f, 5.8f, "日付 / Date");
	pdf_text(p, x + 30, top + head + 28.5f, 7, "　　年　　月　　日");
	pdf_line(p, x + 5, top + head + 36.5f, line_end, top + head + 36.5f, RGB_RULE, 0.5f);

	/* the seal: a dashed circle with 印 */
	float cx = x + w - 22, cy = PAGE_H - (top + head + 20);
	HPDF_UINT16 dash[] = {2, 2};
	HPDF_Page_SetDash(p->page, dash, 2, 0);
	HPDF_Page_SetRGBStroke(p->page, RGB_RULE.r, RGB_RULE.g, RGB_RULE.b);
	HPDF_Page_SetLineWidth(p->page, 0.6f);
	HPDF_Page_Circle(p->page, cx, cy, 13.5f);
	HPDF_Page_Stroke(p->page);
	HPDF_Page_SetDash(p->page, NULL, 0, 0);
	pdf_color(p, (struct rgb){0.75f, 0.77f, 0.80f});
	pdf_text_center(p, cx, top + head + 20 - 4.5f, 9, false, "印");
}

void pdf_draw_seals(struct pdf *p)
{
	const struct cert *c = p->cert;
	float gap = 10, w = (CONTENT_W - 2 * gap) / 3;
	pdf_need(p, 4 + 52);
	/* at the foot of the page, where forms keep their seals */
	p->y = PAGE_BODY_END - 52 > p->y + 4 ? PAGE_BODY_END - 52 : p->y + 4;
	seal_box(p, MARGIN_X, w, "担当者", "Operator", c->operator_name);
	seal_box(p, MARGIN_X + w + gap, w, "立会者", "Witness", "");
	seal_box(p, MARGIN_X + 2 * (w + gap), w, "承認者", "Approver", c->approver_name);
	p->y += 52;
}

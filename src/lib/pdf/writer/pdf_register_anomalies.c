/* Section 1, 異常 / Anomalies, first in the register: the ledger's own
 * check (its verification and head hash), the checks that could not be
 * made, then every anomaly grouped by kind, each naming its record (SEQ,
 * as the detail and kesu ledger show it) and what is wrong with it. When
 * there are none, the page says so. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "pdf_register.h"

#define JA_SIZE 7.0f
#define EN_SIZE 6.2f
#define LEAD 1.2f
#define PAD 2.5f
#define SEQ_W 50.0f
#define SUBJECT_W 150.0f
#define GROUP_H 13.0f

/* A label and a value over the section's width, the value in colour. */
static void wide_row(struct regpdf *g, const char *ja, const char *en, const char *value,
		     struct rgb colour)
{
	struct pdf *p = &g->p;
	char v[1024];
	Kesu_regpdf_clean(v, sizeof(v), value);
	float lw = 130, w = REG_CW - lw - 6, size = 8, lead = 8 * 1.18f;
	unsigned lines = Kesu_pdf_wrap_count(p, size, v, w);
	lines = lines > 3 ? 3 : lines;
	float text_h = (float)(lines - 1) * lead + size, h = text_h + 5;
	float lh = Kesu_pdf_label_height(p, lw, ja, en);
	h = h > lh ? h : lh;
	Kesu_regpdf_need(g, h);
	Kesu_pdf_label(p, REG_X, p->y, lw, h, ja, en);
	Kesu_pdf_cell(p, REG_X + lw, p->y, REG_CW - lw, h);
	Kesu_pdf_color(p, colour);
	Kesu_pdf_text_wrap(p, REG_X + lw + 3, p->y + (h - text_h) / 2, w, size, lead, 3, v);
	p->y += h;
}

static void ledger_rows(struct regpdf *g)
{
	const struct kesu_register *r = g->r;
	char v[900], head[200];
	struct rgb colour = RGB_BLACK;
	if (!r->ledger_verified) {
		snprintf(v, sizeof(v), "未検証：端末の公開鍵が与えられず、署名を確かめていません%s%s / "
				       "not verified: no station key was given%s%s",
			 r->ledger_problem[0] ? "。" : "", r->ledger_problem,
			 r->ledger_problem[0] ? "; " : "", r->ledger_problem);
		colour = RGB_RED;
	} else if (r->ledger_ok) {
		snprintf(v, sizeof(v), "正常：%" PRIu64 " 件の記録すべての署名と連鎖を確認しました（鍵 %s）/ "
				       "verified: the signature and chain of every one of %" PRIu64 " records (key %s)",
			 r->ledger_records, r->station_key, r->ledger_records, r->station_key);
		colour = RGB_GREEN;
	} else {
		snprintf(v, sizeof(v), "検証に失敗しました / verification FAILED: %s", r->ledger_problem);
		colour = RGB_RED;
	}
	wide_row(g, "台帳の検証", "Ledger verification", v, colour);
	snprintf(head, sizeof(head), "%s（%" PRIu64 " 件 / records）", r->ledger_head[0] ? r->ledger_head : "—",
		 r->ledger_records);
	wide_row(g, "台帳の先頭ハッシュ", "Ledger head hash", head, RGB_BLACK);
	if (r->approvals_checked && r->certificates_checked)
		return;
	snprintf(v, sizeof(v), "%s%s%s%s",
		 r->approvals_checked ? "" : "承認の有効期限（承認ファイルが与えられていません）。",
		 r->certificates_checked ? "" : "証明書の保管（証明書のフォルダが与えられていません）。",
		 r->approvals_checked ? "" : " Approvals' validity: no approval files were given.",
		 r->certificates_checked ? "" : " Certificates kept: no certificate folder was given.");
	wide_row(g, "確認していない項目", "Not checked", v, RGB_GREY);
}

static void group_head(struct regpdf *g, enum kesu_register_anomaly_kind k, size_t n, bool cont)
{
	struct pdf *p = &g->p;
	char line[300];
	snprintf(line, sizeof(line), "%s / %s — %zu 件%s", kesu_register_anomaly_ja(k),
		 kesu_register_anomaly_en(k), n, cont ? "（続き / continued）" : "");
	Kesu_pdf_rect(p, REG_X, p->y, REG_CW, GROUP_H, &RGB_PALE_RED, &RGB_RULE, 0.4f);
	Kesu_pdf_color(p, RGB_DARK_RED);
	Kesu_pdf_text_bold(p, REG_X + 4, p->y + 2.5f, 7.8f, line);
	p->y += GROUP_H;
}

static void anomaly_row(struct regpdf *g, enum kesu_register_anomaly_kind k, size_t n,
			const struct kesu_register_anomaly *a)
{
	struct pdf *p = &g->p;
	char ja[1024], en[1024], subject[512], seq[32];
	float dw = REG_CW - SEQ_W - SUBJECT_W - 2 * PAD;
	Kesu_regpdf_clean(ja, sizeof(ja), a->detail_ja);
	Kesu_regpdf_clean(en, sizeof(en), a->detail_en);
	Kesu_regpdf_clean(subject, sizeof(subject), a->subject[0] ? a->subject : "—");
	unsigned nj = Kesu_regpdf_lines(g, dw, JA_SIZE, 3, ja), ne = en[0] ? Kesu_regpdf_lines(g, dw, EN_SIZE, 2, en) : 0;
	float h = (float)nj * JA_SIZE * LEAD + (float)ne * EN_SIZE * LEAD + 2 * PAD;
	if (Kesu_regpdf_need(g, h))
		group_head(g, k, n, true);
	if (a->seq)
		snprintf(seq, sizeof(seq), "SEQ %" PRIu64, a->seq);
	else
		snprintf(seq, sizeof(seq), "—");
	Kesu_pdf_line(p, REG_X, p->y + h, REG_W - REG_R, p->y + h, RGB_RULE, 0.3f);
	Kesu_regpdf_begin(g, JA_SIZE);
	HPDF_Page_SetRGBFill(p->page, RGB_RED.r, RGB_RED.g, RGB_RED.b);
	Kesu_regpdf_cell(g, REG_X + PAD, p->y + PAD, SEQ_W - PAD, JA_SIZE, JA_SIZE * LEAD, 1, seq);
	HPDF_Page_SetRGBFill(p->page, RGB_BLACK.r, RGB_BLACK.g, RGB_BLACK.b);
	Kesu_regpdf_cell(g, REG_X + SEQ_W, p->y + PAD, SUBJECT_W - PAD, JA_SIZE, JA_SIZE * LEAD, 2,
			 subject);
	Kesu_regpdf_cell(g, REG_X + SEQ_W + SUBJECT_W, p->y + PAD, dw, JA_SIZE, JA_SIZE * LEAD, 3, ja);
	if (ne) {
		HPDF_Page_SetFontAndSize(p->page, p->font, EN_SIZE);
		HPDF_Page_SetRGBFill(p->page, RGB_GREY.r, RGB_GREY.g, RGB_GREY.b);
		Kesu_regpdf_cell(g, REG_X + SEQ_W + SUBJECT_W, p->y + PAD + (float)nj * JA_SIZE * LEAD, dw,
				 EN_SIZE, EN_SIZE * LEAD, 2, en);
	}
	HPDF_Page_EndText(p->page);
	p->y += h;
}

static void none_box(struct regpdf *g)
{
	struct pdf *p = &g->p;
	Kesu_regpdf_need(g, 22);
	Kesu_pdf_rect(p, REG_X, p->y + 3, REG_CW, 18, NULL, &RGB_GREEN, 1.0f);
	Kesu_pdf_color(p, RGB_GREEN);
	Kesu_pdf_text_bold(p, REG_X + 6, p->y + 7, 9,
			   "異常なし / None: この期間の記録に異常は見つかりませんでした。 No anomaly was found in "
			   "the records of this period.");
	p->y += 24;
}

void Kesu_regpdf_anomalies(struct regpdf *g)
{
	const struct kesu_register *r = g->r;
	char title[64];
	snprintf(title, sizeof(title), "1. 異常（%zu 件）", r->n_anomalies);
	Kesu_regpdf_section(g, title, "Anomalies");
	ledger_rows(g);
	g->p.y += 4;
	if (r->n_anomalies == 0) {
		none_box(g);
		return;
	}
	for (int k = 0; k < KESU_ANOM_KINDS; k++) {
		size_t n = 0;
		for (size_t i = 0; i < r->n_anomalies; i++)
			n += r->anomalies[i].kind == (enum kesu_register_anomaly_kind)k;
		if (n == 0)
			continue;
		Kesu_regpdf_need(g, GROUP_H + 20);
		group_head(g, (enum kesu_register_anomaly_kind)k, n, false);
		for (size_t i = 0; i < r->n_anomalies; i++)
			if (r->anomalies[i].kind == (enum kesu_register_anomaly_kind)k)
				anomaly_row(g, (enum kesu_register_anomaly_kind)k, n, &r->anomalies[i]);
	}
}

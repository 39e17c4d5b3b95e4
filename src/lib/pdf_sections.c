/* The page's blocks from the title to the outcome: what was erased, for
 * whom, how, how it was checked and what came of it. Japanese first, English
 * beside it, as the city's forms have them. */
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

#define DASH "\xe2\x80\x94"

static const char *or_dash(const char *s)
{
	return s[0] ? s : DASH;
}

/* "name (title)" or "name" */
static void person(char *out, size_t size, const char *name, const char *title)
{
	if (title[0])
		snprintf(out, size, "%s（%s）", or_dash(name), title);
	else
		snprintf(out, size, "%s", or_dash(name));
}

static const char *nist_level(const struct cert *c)
{
	if (c->failure)
		return "主張なし / none claimed";
	if (strcmp(c->nist_level, "clear") == 0)
		return "Clear（NIST SP 800-88 Rev.1）";
	if (strcmp(c->nist_level, "purge") == 0)
		return "Purge（NIST SP 800-88 Rev.1）";
	if (strcmp(c->nist_level, "destroy") == 0)
		return "Destroy（NIST SP 800-88 Rev.1）";
	return "なし / none";
}

void pdf_draw_header(struct pdf *p)
{
	const struct cert *c = p->cert;
	float top = p->y, right = PAGE_W - MARGIN_X;
	char line[160], date[48];

	/* information class marking, top left, as classified papers carry it */
	if (c->classification[0]) {
		snprintf(line, sizeof(line), "情報資産分類 %s / Class %s", c->classification,
			 c->classification);
		float w = pdf_width(p, 7.5f, line, strlen(line)) + 10;
		pdf_rect(p, MARGIN_X, top - 6, w, 14, NULL, &p->accent, 0.9f);
		pdf_color(p, p->accent);
		pdf_text_bold(p, MARGIN_X + 5, top - 2.6f, 7.5f, line);
	}
	/* document number and date, top right */
	snprintf(line, sizeof(line), "No. %s", c->id);
	pdf_color(p, RGB_BLACK);
	pdf_text(p, right - pdf_width(p, 8.5f, line, strlen(line)), top - 6, 8.5f, line);
	fmt_time(date, sizeof(date), c->issued_local[0] ? c->issued_local : c->issued_utc);
	snprintf(line, sizeof(line), "発行 / Issued %s", date);
	pdf_color(p, RGB_GREY);
	pdf_text(p, right - pdf_width(p, 6.8f, line, strlen(line)), top + 5, 6.8f, line);

	pdf_color(p, c->failure ? RGB_RED : RGB_BLACK);
	pdf_text_center(p, PAGE_W / 2, top + 12, 19, true,
			c->failure ? "データ消去失敗報告書" : "データ消去証明書");
	pdf_color(p, c->failure ? RGB_RED : RGB_GREY);
	pdf_text_center(p, PAGE_W / 2, top + 34.5f, 10, false,
			c->failure ? "Data Sanitization Failure Report"
				   : "Certificate of Data Sanitization");
	pdf_line(p, MARGIN_X, top + 50, right, top + 50, p->accent, 1.6f);
	pdf_line(p, MARGIN_X, top + 52.5f, right, top + 52.5f, p->accent, 0.5f);
	p->y = top + 57;

	if (c->failure) {
		/* the one thing nobody may miss */
		pdf_rect(p, MARGIN_X, p->y, CONTENT_W, 36, &RGB_PALE_RED, &RGB_RED, 1.5f);
		pdf_color(p, RGB_RED);
		pdf_text_center(p, PAGE_W / 2, p->y + 4, 12.5f, true,
				"この媒体の消去は完了していません / THIS DRIVE WAS NOT SANITIZED");
		pdf_color(p, RGB_BLACK);
		pdf_text_center(p, PAGE_W / 2, p->y + 19, 6.9f, false,
				"本書は消去証明書ではありません。廃棄・返却・再利用の前に、改めて消去してください。");
		pdf_text_center(p, PAGE_W / 2, p->y + 27.5f, 6.9f, false,
				"This is NOT a certificate of sanitization. Erase the drive again before "
				"it is disposed of, returned or reused.");
		p->y += 39;
		return;
	}
	bool verified = strcmp(c->verify.mode, "none") != 0;
	pdf_color(p, RGB_BLACK);
	pdf_text_fit(p, MARGIN_X, p->y, CONTENT_W, 7.8f, 6,
		     verified ? "下記の記憶媒体のデータを下記の方式により消去し、読み取り検証によって消去を確認したことを証明します。"
			      : "下記の記憶媒体のデータを下記の方式により消去したことを証明します。");
	pdf_color(p, RGB_GREY);
	pdf_text_fit(p, MARGIN_X, p->y + 10, CONTENT_W, 7, 5.5f,
		     verified ? "This certifies that the data on the storage medium below was sanitized "
				"by the method stated and that the sanitization was verified by reading "
				"the medium back."
			      : "This certifies that the data on the storage medium below was sanitized "
				"by the method stated.");
	p->y += 19.5f;
}

void pdf_draw_issue(struct pdf *p)
{
	const struct cert *c = p->cert;
	char issued[100], local[48], utc[48], op[2 * CERT_TEXT + 8], ap[2 * CERT_TEXT + 8],
		cls[40];
	fmt_time(local, sizeof(local), c->issued_local);
	fmt_time(utc, sizeof(utc), c->issued_utc);
	if (c->issued_local[0])
		snprintf(issued, sizeof(issued), "%s\n%s", local, utc);
	else
		snprintf(issued, sizeof(issued), "%s", utc);
	person(op, sizeof(op), c->operator_name, c->operator_title);
	person(ap, sizeof(ap), c->approver_name, c->approver_title);
	if (c->classification[0])
		snprintf(cls, sizeof(cls), "分類 %s / Class %s", c->classification, c->classification);
	else
		snprintf(cls, sizeof(cls), DASH);

	pdf_section(p, "発行・依頼", "Issue");
	pdf_row2(p, "証明書番号", "Certificate ID", c->id, "発行日時", "Issued", issued);
	pdf_row2(p, "組織", "Organisation", c->org_name, "部署", "Department", c->org_department);
	if (c->org_location[0] || c->org_phone[0])
		pdf_row2(p, "所在地", "Location", c->org_location, "電話", "Phone", c->org_phone);
	pdf_row2(p, "担当者", "Operator", op, "承認者", "Approver", ap);
	pdf_row2(p, "情報資産分類", "Information class", cls, "目的", "Purpose",
		 fmt_purpose(c->purpose));
}

void pdf_draw_medium(struct pdf *p)
{
	const struct cert *c = p->cert;
	char kind[CERT_TEXT], sectors[80], cap[96], logical[24], physical[24];
	snprintf(kind, sizeof(kind), "%s · %s%s%s", or_dash(c->media.media_type),
		 or_dash(c->media.transport), c->media.path[0] ? " · " : "", c->media.path);
	fmt_count(logical, sizeof(logical), c->media.logical_sector);
	fmt_count(physical, sizeof(physical), c->media.physical_sector);
	snprintf(sectors, sizeof(sectors), "論理 %s B / 物理 %s B", logical, physical);
	fmt_capacity(cap, sizeof(cap), c->media.size_bytes);

	pdf_section(p, "対象媒体", "Storage medium");
	pdf_row2(p, "メーカー", "Vendor", c->media.vendor, "型番", "Model", c->media.model);
	pdf_row2(p, "シリアル番号", "Serial number", c->media.serial, "WWN", "World Wide Name",
		 c->media.wwn);
	pdf_row2(p, "ファームウェア", "Firmware", c->media.firmware, "資産番号", "Asset number",
		 c->media.asset_number);
	pdf_row2(p, "種別・接続", "Type, transport", kind, "セクタ長", "Sector size", sectors);
	pdf_row1(p, "容量", "Capacity", cap, 1);
}

static const char *technique(const struct cert *c)
{
	return c->firmware ? "ファームウェア消去 / firmware erase" : fmt_technique(c->technique);
}

/* Sectors an HPA or DCO hid from the system, when there were any: an HPA
 * kesu opened for the erase (--hpa=restore) was erased with the rest; a
 * DCO is never changed. */
static void hidden_areas_row(struct pdf *p)
{
	const struct cert *c = p->cert;
	if (!c->hidden.known || (c->hidden.hpa_sectors <= 0 && c->hidden.dco_sectors <= 0))
		return;
	const char *hpa_ja = "未消去", *hpa_en = "NOT erased";
	if (c->hidden.hpa_restored && c->failure)
		hpa_ja = "消去のため解除", hpa_en = "removed for the erase";
	else if (c->hidden.hpa_restored)
		hpa_ja = "解除して消去済み", hpa_en = "removed and erased";
	char hpa[32], dco[32], ja[160] = "", en[160] = "", text[330];
	fmt_count(hpa, sizeof(hpa), c->hidden.hpa_sectors);
	fmt_count(dco, sizeof(dco), c->hidden.dco_sectors);
	if (c->hidden.hpa_sectors > 0) {
		snprintf(ja, sizeof(ja), "HPA %s セクタ（%s）", hpa, hpa_ja);
		snprintf(en, sizeof(en), "HPA %s sectors (%s)", hpa, hpa_en);
	}
	if (c->hidden.dco_sectors > 0) {
		size_t nj = strlen(ja), ne = strlen(en);
		snprintf(ja + nj, sizeof(ja) - nj, "%sDCO %s セクタ（変更せず）", nj ? "、" : "", dco);
		snprintf(en + ne, sizeof(en) - ne, "%sDCO %s sectors (left in place)", ne ? ", " : "",
			 dco);
	}
	snprintf(text, sizeof(text), "%s\n%s", ja, en);
	pdf_row1(p, "隠し領域 (HPA/DCO)", "Hidden areas", text, 2);
}

void pdf_draw_method(struct pdf *p)
{
	const struct cert *c = p->cert;
	char title[2 * CERT_TEXT + 4], idv[96], file[128], started[48], ended[48];
	snprintf(title, sizeof(title), "%s\n%s", c->method.title_ja, c->method.title_en);
	if (c->method.version >= 0)
		snprintf(idv, sizeof(idv), "%s（版 / version %lld）", c->method.id,
			 c->method.version);
	else
		snprintf(idv, sizeof(idv), "%s", c->method.id);
	snprintf(file, sizeof(file), "SHA-256 %s", or_dash(c->method.sha256));
	fmt_time(started, sizeof(started), c->started_utc);
	fmt_time(ended, sizeof(ended), c->ended_utc);

	pdf_section(p, "消去方式", "Sanitization method");
	pdf_row1(p, "消去方式", "Method", title, 2);
	pdf_row2(p, "準拠規格", "Standard", c->method.standard, "方式ID・版", "Method ID", idv);
	pdf_row1(p, "出典", "Source", c->method.source, 2);
	pdf_row1(p, "方式定義ファイル", "Method file", file, 1);
	pdf_row2(p, "消去技術", "Technique", technique(c), "消去レベル", "NIST level",
		 nist_level(c));
	pdf_row2(p, "開始", "Started", started, "終了", "Ended", ended);
	hidden_areas_row(p);
	if (c->ninterrupts) {
		char text[CERT_INTERRUPTS_SHOWN * CERT_TEXT + 64];
		int n = c->ninterrupts == 1
				? snprintf(text, sizeof(text), "1 回 / once: ")
				: snprintf(text, sizeof(text), "%zu 回 / %zu times: ", c->ninterrupts,
					   c->ninterrupts);
		for (size_t i = 0; i < c->ninterrupts && i < CERT_INTERRUPTS_SHOWN; i++)
			n += snprintf(text + n, sizeof(text) - (size_t)n, "%s%s", i ? "; " : "",
				      c->interrupts[i]);
		if (c->ninterrupts > CERT_INTERRUPTS_SHOWN)
			snprintf(text + n, sizeof(text) - (size_t)n, "; …");
		pdf_row1(p, "中断・再開", "Interruptions", text, 2);
	}
}

/* A label with a value in colour and bold: the verification result. */
static void verdict_row(struct pdf *p, const char *mode, const char *verdict, struct rgb colour)
{
	float vw = HALF_W - LABEL_W;
	pdf_need(p, ROW_H);
	pdf_label(p, MARGIN_X, p->y, LABEL_W, ROW_H, "検証方式", "Verification");
	pdf_value(p, MARGIN_X + LABEL_W, p->y, vw, ROW_H, mode, 1);
	pdf_label(p, MARGIN_X + HALF_W, p->y, LABEL_W, ROW_H, "判定", "Result");
	pdf_value(p, MARGIN_X + HALF_W + LABEL_W, p->y, vw, ROW_H, "", 1);
	pdf_rect(p, MARGIN_X + HALF_W + LABEL_W + 0.4f, p->y + 0.4f, vw - 0.8f, ROW_H - 0.8f,
		 &RGB_WHITE, NULL, 0);
	pdf_color(p, colour);
	pdf_text_bold(p, MARGIN_X + HALF_W + LABEL_W + 3, p->y + (ROW_H - 8.5f) / 2, 8.5f, verdict);
	p->y += ROW_H;
}

void pdf_draw_verification(struct pdf *p)
{
	const struct cert *c = p->cert;
	pdf_section(p, "検証", "Verification");
	if (strcmp(c->verify.mode, "none") == 0) {
		verdict_row(p, fmt_verify_mode(c->verify.mode), "未実施 / not performed", RGB_RED);
		return;
	}
	if (c->verify.passed == 1)
		verdict_row(p, fmt_verify_mode(c->verify.mode), "合格 / PASSED", RGB_GREEN);
	else if (c->verify.passed == 0)
		verdict_row(p, fmt_verify_mode(c->verify.mode), "不合格 / FAILED", RGB_RED);
	else
		verdict_row(p, fmt_verify_mode(c->verify.mode), "未完了 / not completed", RGB_RED);

	char cover[80], samples[32], read[48], mism[48], unread[48], n[32];
	fmt_count(samples, sizeof(samples), c->verify.samples);
	snprintf(cover, sizeof(cover), "%s %% · %s samples", or_dash(c->verify.percent), samples);
	fmt_count(n, sizeof(n), c->verify.bytes_read);
	snprintf(read, sizeof(read), "%s bytes", n);
	fmt_count(n, sizeof(n), c->verify.mismatched);
	snprintf(mism, sizeof(mism), "%s セクタ / sectors", n);
	fmt_count(n, sizeof(n), c->verify.unreadable);
	snprintf(unread, sizeof(unread), "%s セクタ / sectors", n);
	pdf_row2(p, "検証範囲", "Coverage", cover, "読取量", "Bytes read", read);
	pdf_row2(p, "不一致", "Mismatched", mism, "読取不能", "Unreadable", unread);
	pdf_row1(p, "抽出シード", "Sampling seed", c->verify.seed, 1);
}

void pdf_draw_outcome(struct pdf *p)
{
	const struct cert *c = p->cert;
	float h = c->failure && c->reason[0] ? 41 : 28, x = MARGIN_X + LABEL_W;
	struct rgb colour = c->failure ? RGB_RED : RGB_GREEN;
	char big[64];
	pdf_need(p, h + 5);
	p->y += 4;
	pdf_label(p, MARGIN_X, p->y, LABEL_W, h, "結果", "Outcome");
	pdf_rect(p, x, p->y, CONTENT_W - LABEL_W, h, NULL, &colour, 1.4f);
	snprintf(big, sizeof(big), "%s  %s", fmt_outcome_ja(c->outcome), c->outcome);
	pdf_color(p, colour);
	pdf_text_bold(p, x + 10, p->y + 6, 16, big);
	const char *level = c->failure ? "NIST SP 800-88: 主張なし / none claimed"
				       : "NIST SP 800-88 Rev.1: Clear";
	if (!c->failure && strcmp(c->nist_level, "clear") != 0)
		level = nist_level(c);
	pdf_color(p, RGB_BLACK);
	pdf_text(p, PAGE_W - MARGIN_X - 8 - pdf_width(p, 8.5f, level, strlen(level)), p->y + 9.5f,
		 8.5f, level);
	if (c->failure && c->reason[0]) {
		char reason[CERT_TEXT + 32];
		snprintf(reason, sizeof(reason), "理由 / Reason: %s", c->reason);
		pdf_text_wrap(p, x + 10, p->y + 24, CONTENT_W - LABEL_W - 20, 7.2f, 8.2f, 2, reason);
	}
	p->y += h;
}

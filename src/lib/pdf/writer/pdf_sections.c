/* The page's blocks from the title to the outcome: what was erased, for
 * whom, how, how it was checked and what came of it. Japanese first, English
 * beside it, as the city's forms have them. */
#include <stdio.h>
#include <string.h>

#include "kesu/vocabulary.h"
#include "pdf_internal.h"

#define DASH "\xe2\x80\x94"
/* erased with exceptions: amber, neither the certificate's green nor the
 * failure report's red */
#define RGB_AMBER ((const struct rgb){0.55f, 0.33f, 0.0f})
#define RGB_PALE_AMBER ((const struct rgb){1.0f, 0.96f, 0.86f})

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

/* The class as the standard writes it: 重要性分類Ⅱ. */
static const char *roman(const char *cls)
{
	const struct kesu_term *t = kesu_vocab_find(KESU_VOCAB_CLASS, cls);
	return t ? t->ja : cls;
}

bool Kesu_cert_unwritten(const struct cert *c)
{
	if (c->unwritten_sectors >= 0)
		return c->unwritten_sectors > 0;
	for (size_t i = 0; i < c->npasses; i++) /* older records: the passes' counts */
		if (c->passes[i].bad_sectors > 0)
			return true;
	return false;
}

/* The failure report's banner: that the drive was not sanitized and what
 * to do. Sectors that cannot be written cannot be overwritten, so the
 * standard's remedy (notes 11 and 18) is physical destruction. */
static void failure_banner(struct pdf *p)
{
	const char *ja, *en;
	if (Kesu_cert_unwritten(p->cert)) {
		ja = "本書は消去証明書ではありません。書き込めないセクタがあるため、この媒体は上書きでは消去できません。"
		     "物理的破壊により処置してください（情報セキュリティ対策基準 注11・注18）。";
		en = "This is NOT a certificate of sanitization. Some sectors cannot be written, so "
		     "overwriting cannot sanitize this drive: it must be physically destroyed "
		     "(information security standard, notes 11 and 18).";
	} else {
		ja = "本書は消去証明書ではありません。廃棄・返却・再利用の前に、改めて消去してください。";
		en = "This is NOT a certificate of sanitization. Erase the drive again before it is "
		     "disposed of, returned or reused.";
	}
	float w = CONTENT_W - 16, size = 8.0f, lead = 9.6f;
	unsigned nj = Kesu_pdf_wrap_count(p, size, ja, w), ne = Kesu_pdf_wrap_count(p, size, en, w);
	float h = 22 + (float)(nj + ne) * lead + 4;
	Kesu_pdf_rect(p, MARGIN_X, p->y, CONTENT_W, h, &RGB_PALE_RED, &RGB_RED, 1.5f);
	Kesu_pdf_color(p, RGB_RED);
	Kesu_pdf_text_center(p, CONTENT_CX, p->y + 5, 12.5f, true,
			"この媒体の消去は完了していません / THIS DRIVE WAS NOT SANITIZED");
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_wrap(p, MARGIN_X + 8, p->y + 22, w, size, lead, nj, ja);
	Kesu_pdf_text_wrap(p, MARGIN_X + 8, p->y + 22 + (float)nj * lead, w, size, lead, ne, en);
	p->y += h + 3;
}

/* Erased with exceptions: what the job leaves, before anything else, in
 * both languages, one numbered line each (docs/certificate.md). */
static void exceptions_banner(struct pdf *p)
{
	const struct cert *c = p->cert;
	const char *ja = "下記の記憶媒体は下記の方式により消去し検証しましたが、次の例外があります。"
			 "例外の部分は消去を証明していません。";
	const char *en = "The storage medium below was sanitized by the method stated and verified, "
			 "with the following exceptions, which this document does not certify:";
	char lines[CERT_EXCEPTIONS_MAX][2][CERT_EXCEPTION_TEXT + 8];
	float w = CONTENT_W - 16, size = 8.0f, lead = 9.6f;
	unsigned nj = Kesu_pdf_wrap_count(p, size, ja, w), ne = Kesu_pdf_wrap_count(p, size, en, w);
	unsigned n[CERT_EXCEPTIONS_MAX][2] = {{0}}, total = nj + ne;
	for (size_t i = 0; i < c->nexceptions; i++) {
		snprintf(lines[i][0], sizeof(lines[i][0]), "%zu. %s", i + 1, c->exceptions[i].detail_ja);
		snprintf(lines[i][1], sizeof(lines[i][1]), "   %s", c->exceptions[i].detail);
		for (int l = 0; l < 2; l++)
			total += n[i][l] = Kesu_pdf_wrap_count(p, size, lines[i][l], w - 8);
	}
	float h = 22 + (float)total * lead + 4 * (float)c->nexceptions + 4;
	Kesu_pdf_rect(p, MARGIN_X, p->y, CONTENT_W, h, &RGB_PALE_AMBER, &RGB_AMBER, 1.5f);
	Kesu_pdf_color(p, RGB_AMBER);
	Kesu_pdf_text_center(p, CONTENT_CX, p->y + 5, 12.5f, true,
			     "例外付き消去 / ERASED WITH EXCEPTIONS");
	Kesu_pdf_color(p, RGB_BLACK);
	float y = p->y + 22;
	y += (float)Kesu_pdf_text_wrap(p, MARGIN_X + 8, y, w, size, lead, nj, ja) * lead;
	y += (float)Kesu_pdf_text_wrap(p, MARGIN_X + 8, y, w, size, lead, ne, en) * lead;
	for (size_t i = 0; i < c->nexceptions; i++) {
		y += 4;
		for (int l = 0; l < 2; l++)
			y += (float)Kesu_pdf_text_wrap(p, MARGIN_X + 12, y, w - 8, size, lead, n[i][l],
						       lines[i][l]) * lead;
	}
	p->y += h + 3;
}

void Kesu_pdf_draw_title(struct pdf *p)
{
	const struct cert *c = p->cert;
	float top = p->y, right = PAGE_W - MARGIN_R;
	char line[CERT_TEXT + 64], date[96];

	/* the class marking, top left, as classified papers carry it */
	if (c->classification[0]) {
		snprintf(line, sizeof(line), "%s%s / Class %s", p->class_label, roman(c->classification),
			 c->classification);
		float w = Kesu_pdf_width(p, 8.5f, line, strlen(line)) + 10;
		Kesu_pdf_rect(p, MARGIN_X, top - 6, w, 14.5f, NULL, &p->accent, 0.9f);
		Kesu_pdf_color(p, p->accent);
		Kesu_pdf_text_bold(p, MARGIN_X + 5, top - 3, 8.5f, line);
	}
	/* document number and date, top right */
	snprintf(line, sizeof(line), "No. %s", c->id);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text(p, right - Kesu_pdf_width(p, 8.5f, line, strlen(line)), top - 6, 8.5f, line);
	Kesu_fmt_local(date, sizeof(date), c->issued_utc, c->offset_min, c->offset_known, p->era);
	snprintf(line, sizeof(line), "発行 / Issued %s", date);
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text(p, right - Kesu_pdf_width(p, 8, line, strlen(line)), top + 5, 8, line);

	Kesu_pdf_color(p, c->failure ? RGB_RED : RGB_BLACK);
	Kesu_pdf_text_center(p, CONTENT_CX, top + 15, 19, true, Kesu_cert_title_ja(c));
	Kesu_pdf_color(p, c->failure ? RGB_RED : RGB_GREY);
	Kesu_pdf_text_center(p, CONTENT_CX, top + 37, 10, false, Kesu_cert_title_en(c));
	Kesu_pdf_line(p, MARGIN_X, top + 52, right, top + 52, p->accent, 1.6f);
	Kesu_pdf_line(p, MARGIN_X, top + 54.5f, right, top + 54.5f, p->accent, 0.5f);
	p->y = top + 59;
}

void Kesu_pdf_draw_statement(struct pdf *p, const char *ja, const char *en)
{
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_fit(p, MARGIN_X, p->y, CONTENT_W, 8.5f, 6, ja);
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text_fit(p, MARGIN_X, p->y + 11, CONTENT_W, 8, 5.5f, en);
	p->y += 22;
}

void Kesu_pdf_draw_header(struct pdf *p)
{
	const struct cert *c = p->cert;
	Kesu_pdf_draw_title(p);
	if (c->failure) {
		failure_banner(p);
		return;
	}
	if (c->with_exceptions) {
		exceptions_banner(p);
		return;
	}
	bool verified = strcmp(c->verify.mode, "none") != 0;
	Kesu_pdf_draw_statement(p,
		verified ? "下記の記憶媒体のデータを下記の方式により消去し、読み取り検証によって消去を確認したことを証明します。"
			 : "下記の記憶媒体のデータを下記の方式により消去したことを証明します。",
		verified ? "This certifies that the data on the storage medium below was sanitized "
			   "by the method stated and that the sanitization was verified by reading "
			   "the medium back."
			 : "This certifies that the data on the storage medium below was sanitized "
			   "by the method stated.");
}

void Kesu_pdf_draw_issue(struct pdf *p)
{
	const struct cert *c = p->cert;
	char issued[96], op[2 * CERT_TEXT + 8], ap[2 * CERT_TEXT + 8], cls[CERT_TEXT + 40],
	     purpose[96];
	Kesu_fmt_local(issued, sizeof(issued), c->issued_utc, c->offset_min, c->offset_known, p->era);
	person(op, sizeof(op), c->operator_name, c->operator_title);
	/* Under a signed approval, its approver is who approved. */
	if (c->approval.number[0])
		snprintf(ap, sizeof(ap), "%s", c->approval.approver);
	else
		person(ap, sizeof(ap), c->approver_name, c->approver_title);
	if (c->classification[0])
		snprintf(cls, sizeof(cls), "%s%s / Class %s", p->class_label, roman(c->classification),
			 c->classification);
	else
		snprintf(cls, sizeof(cls), DASH);

	Kesu_pdf_section(p, "発行・依頼", "Issue");
	Kesu_pdf_row2(p, "証明書番号", "Certificate ID", c->id, "発行日時", "Issued", issued);
	Kesu_pdf_row2(p, "組織", "Organisation", c->org_name, "部署", "Department", c->org_department);
	if (c->org_location[0] || c->org_phone[0])
		Kesu_pdf_row2(p, "所在地", "Location", c->org_location, "電話", "Phone", c->org_phone);
	Kesu_pdf_row2(p, "担当者", "Operator", op, "承認者", "Approver", ap);
	if (c->approval.number[0]) {
		char number[64];
		snprintf(number, sizeof(number), "%s (%lld)", c->approval.number, c->approval.entry);
		Kesu_pdf_row2(p, "承認番号", "Approval No.", number, "承認日", "Approved",
			      c->approval.date);
	}
	if (c->witness_name[0])
		Kesu_pdf_row1(p, "立会者", "Witness", c->witness_name, 1);
	Kesu_fmt_purpose(purpose, sizeof(purpose), c->purpose);
	Kesu_pdf_row2(p, p->class_label, "Class", cls, "目的", "Purpose", purpose);
}

void Kesu_fmt_host(char *out, size_t size, const struct cert *c)
{
	const char *m = c->host.manufacturer, *pr = c->host.product;
	int n = snprintf(out, size, "%s%s%s", m, m[0] && pr[0] ? " " : "", pr);
	if (n < 0 || (size_t)n >= size)
		return;
	if (c->host.serial[0])
		n += snprintf(out + n, size - (size_t)n, "%sS/N %s", n ? " · " : "", c->host.serial);
	if (n >= 0 && (size_t)n < size && c->host.asset_tag[0])
		snprintf(out + n, size - (size_t)n, "%s資産番号 %s", n ? " · " : "", c->host.asset_tag);
}

void Kesu_pdf_draw_host(struct pdf *p)
{
	char host[4 * CERT_TEXT + 64];
	if (!p->cert->host.known)
		return;
	Kesu_fmt_host(host, sizeof(host), p->cert);
	Kesu_pdf_row1(p, "ホスト機", "Host machine", host, VALUE_LINES);
}

void Kesu_pdf_draw_medium(struct pdf *p)
{
	const struct cert *c = p->cert;
	char kind[CERT_TEXT], sectors[80], cap[96], logical[24], physical[24];
	snprintf(kind, sizeof(kind), "%s · %s%s%s", or_dash(c->media.media_type),
		 or_dash(c->media.transport), c->media.path[0] ? " · " : "", c->media.path);
	Kesu_fmt_count(logical, sizeof(logical), c->media.logical_sector);
	Kesu_fmt_count(physical, sizeof(physical), c->media.physical_sector);
	snprintf(sectors, sizeof(sectors), "論理 %s B / 物理 %s B", logical, physical);
	Kesu_fmt_capacity(cap, sizeof(cap), c->media.size_bytes);

	Kesu_pdf_section(p, "対象媒体", "Storage medium");
	Kesu_pdf_row2(p, "メーカー", "Vendor", c->media.vendor, "型番", "Model", c->media.model);
	Kesu_pdf_row2(p, "シリアル番号", "Serial number", c->media.serial, "WWN", "World Wide Name",
		 c->media.wwn);
	Kesu_pdf_row2(p, "ファームウェア", "Firmware", c->media.firmware, "資産番号", "Asset number",
		 c->media.asset_number);
	Kesu_pdf_row2(p, "種別・接続", "Type, transport", kind, "セクタ長", "Sector size", sectors);
	Kesu_pdf_row1(p, "容量", "Capacity", cap, 1);
	Kesu_pdf_draw_host(p); /* the PC it was in while it was erased */
}

static const char *technique(const struct cert *c)
{
	return c->firmware ? "ファームウェア消去 / firmware erase" : Kesu_fmt_technique(c->technique);
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
	Kesu_fmt_count(hpa, sizeof(hpa), c->hidden.hpa_sectors);
	Kesu_fmt_count(dco, sizeof(dco), c->hidden.dco_sectors);
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
	Kesu_pdf_row1(p, "隠し領域 (HPA/DCO)", "Hidden areas", text, 2);
}

/* The interruptions, each with its time in the station's zone. */
static void interruptions_row(struct pdf *p)
{
	const struct cert *c = p->cert;
	char text[CERT_INTERRUPTS_SHOWN * 160 + 64], when[96], off[32];
	if (!c->ninterrupts)
		return;
	int n = c->ninterrupts == 1
			? snprintf(text, sizeof(text), "1 回 / once: ")
			: snprintf(text, sizeof(text), "%zu 回 / %zu times: ", c->ninterrupts,
				   c->ninterrupts);
	for (size_t i = 0; i < c->ninterrupts && i < CERT_INTERRUPTS_SHOWN; i++) {
		Kesu_fmt_count(off, sizeof(off), c->interrupts[i].offset);
		Kesu_fmt_local(when, sizeof(when), c->interrupts[i].at_utc, c->offset_min, c->offset_known,
			  p->era);
		n += snprintf(text + n, sizeof(text) - (size_t)n,
			      "%sパス %lld / pass %lld, offset %s, %s", i ? "; " : "",
			      c->interrupts[i].pass, c->interrupts[i].pass, off, when);
	}
	if (c->ninterrupts > CERT_INTERRUPTS_SHOWN)
		snprintf(text + n, sizeof(text) - (size_t)n, "; …");
	Kesu_pdf_row1(p, "中断・再開", "Interruptions", text, VALUE_LINES);
}

void Kesu_pdf_draw_method(struct pdf *p)
{
	const struct cert *c = p->cert;
	char title[2 * CERT_TEXT + 4], standard[2 * CERT_TEXT + 4], idv[96], started[96],
		ended[96], caveat[2 * CERT_TEXT + 4];
	snprintf(title, sizeof(title), "%s\n%s", c->method.title_ja, c->method.title_en);
	/* 準拠規格 in Japanese when the method file gives it, the cited name below */
	if (c->method.standard_ja[0])
		snprintf(standard, sizeof(standard), "%s\n%s", c->method.standard_ja,
			 c->method.standard);
	else
		snprintf(standard, sizeof(standard), "%s", c->method.standard);
	if (c->method.version >= 0)
		snprintf(idv, sizeof(idv), "%s（版 / version %lld）", c->method.id,
			 c->method.version);
	else
		snprintf(idv, sizeof(idv), "%s", c->method.id);
	Kesu_fmt_local(started, sizeof(started), c->started_utc, c->offset_min, c->offset_known, p->era);
	Kesu_fmt_local(ended, sizeof(ended), c->ended_utc, c->offset_min, c->offset_known, p->era);

	Kesu_pdf_section(p, "消去方式", "Sanitization method");
	Kesu_pdf_row1(p, "消去方式", "Method", title, 4);
	Kesu_pdf_row2(p, "準拠規格", "Standard", standard, "方式ID・版", "Method ID", idv);
	Kesu_pdf_row1(p, "出典", "Source", c->method.source, 4);
	if (c->method.caveat_ja[0] || c->method.caveat_en[0]) {
		snprintf(caveat, sizeof(caveat), "%s%s%s", c->method.caveat_ja,
			 c->method.caveat_ja[0] && c->method.caveat_en[0] ? "\n" : "",
			 c->method.caveat_en);
		Kesu_pdf_row1(p, "注記", "Caveat", caveat, 6);
	}
	Kesu_pdf_row2(p, "消去技術", "Technique", technique(c), "消去レベル", "NIST level",
		 nist_level(c));
	Kesu_pdf_row2(p, "開始", "Started", started, "終了", "Ended", ended);
	hidden_areas_row(p);
	interruptions_row(p);
}

/* A label with a value in colour and bold: the verification result. The
 * cell holds nothing but the verdict (copied text has no hidden dash). */
static void verdict_row(struct pdf *p, const char *mode, const char *verdict, struct rgb colour)
{
	float vw = HALF_W - LABEL_W;
	float h = Kesu_pdf_label_height(p, LABEL_W, "検証方式", "Verification");
	Kesu_pdf_need(p, h);
	Kesu_pdf_label(p, MARGIN_X, p->y, LABEL_W, h, "検証方式", "Verification");
	Kesu_pdf_value(p, MARGIN_X + LABEL_W, p->y, vw, h, mode, 2);
	Kesu_pdf_label(p, MARGIN_X + HALF_W, p->y, LABEL_W, h, "判定", "Result");
	Kesu_pdf_cell(p, MARGIN_X + HALF_W + LABEL_W, p->y, vw, h);
	Kesu_pdf_color(p, colour);
	Kesu_pdf_text_fit(p, MARGIN_X + HALF_W + LABEL_W + 3, p->y + (h - 8.5f) / 2, vw - 6, 8.5f, 6,
		     verdict);
	p->y += h;
}

/* Nothing was read back: no mode, no bytes, or the reading never ended. */
static bool nothing_read(const struct cert *c)
{
	return strcmp(c->verify.mode, "none") == 0 || c->verify.bytes_read <= 0 ||
	       c->verify.passed < 0;
}

/* A failure report never reads 合格: reading found a fault (不合格), or
 * nothing was read back (対象外). A sample that missed the unwritten
 * sectors is not a pass either. */
void Kesu_pdf_draw_verification(struct pdf *p)
{
	const struct cert *c = p->cert;
	const char *mode = Kesu_fmt_verify_mode(c->verify.mode);
	Kesu_pdf_section(p, "検証", "Verification");
	if (c->failure && nothing_read(c)) {
		verdict_row(p, mode, strcmp(c->verify.mode, "none") == 0
					     ? "対象外（未実施）/ N/A (not performed)"
					     : "対象外（未完了）/ N/A (not completed)",
			    RGB_RED);
	} else if (c->failure || c->verify.passed == 0) {
		verdict_row(p, mode, "不合格 / FAILED", RGB_RED);
	} else if (strcmp(c->verify.mode, "none") == 0) {
		verdict_row(p, mode, "未実施 / not performed", RGB_RED);
		return;
	} else if (c->verify.passed == 1) {
		verdict_row(p, mode, "合格 / PASSED", RGB_GREEN);
	} else {
		verdict_row(p, mode, "未完了 / not completed", RGB_RED);
	}
	if (c->failure && nothing_read(c) && strcmp(c->verify.mode, "none") == 0)
		return;

	char cover[80], samples[32], read[48], mism[48], unread[48], n[32];
	Kesu_fmt_count(samples, sizeof(samples), c->verify.samples);
	snprintf(cover, sizeof(cover), "%s %% · %s samples", or_dash(c->verify.percent), samples);
	Kesu_fmt_count(n, sizeof(n), c->verify.bytes_read);
	snprintf(read, sizeof(read), "%s bytes", n);
	Kesu_fmt_count(n, sizeof(n), c->verify.mismatched);
	snprintf(mism, sizeof(mism), "%s セクタ / sectors", n);
	Kesu_fmt_count(n, sizeof(n), c->verify.unreadable);
	snprintf(unread, sizeof(unread), "%s セクタ / sectors", n);
	Kesu_pdf_row2(p, "検証範囲", "Coverage", cover, "読取量", "Bytes read", read);
	Kesu_pdf_row2(p, "不一致", "Mismatched", mism, "読取不能", "Unreadable", unread);
	if (c->failure && c->verify.passed == 1 && Kesu_cert_unwritten(c))
		Kesu_pdf_row1(p, "注", "Note",
			 "抽出検証では不一致は見つかりませんでしたが、書き込めなかったセクタがあるため不合格です。\n"
			 "The sample found no mismatch, but sectors were left unwritten: verification "
			 "cannot pass.",
			 4);
}

/* "3001", "4096-4103 (8)": sector numbers as tools take them, without
 * digit grouping, so they can be copied into hdparm or dd. */
static int range_text(char *out, size_t size, const struct cert_range *r)
{
	if (r->count == 1)
		return snprintf(out, size, "%lld", r->first);
	return snprintf(out, size, "%lld-%lld (%lld)", r->first, r->first + r->count - 1, r->count);
}

/* The sectors no pass could write: one count of distinct sectors, the
 * ranges (the first CERT_RANGES_SHOWN and a total), and the standard's
 * remedy in its own words. */
void Kesu_pdf_draw_unwritten(struct pdf *p)
{
	const struct cert *c = p->cert;
	if (!c->failure || !Kesu_cert_unwritten(c))
		return;
	char count[CERT_TEXT], n[32], list[CERT_RANGES_SHOWN * 64 + 200];
	Kesu_pdf_section(p, "書き込めなかったセクタ", "Sectors that could not be written");
	if (c->unwritten_sectors >= 0) {
		Kesu_fmt_count(n, sizeof(n), c->unwritten_sectors);
		snprintf(count, sizeof(count),
			 "%s セクタ（全パス・再開を通算、重複なし）/ %s distinct sectors (all passes and "
			 "resumed runs)", n, n);
	} else {
		int o = snprintf(count, sizeof(count), "パスごと / per pass: ");
		for (size_t i = 0; i < c->npasses && o < (int)sizeof(count) - 40; i++) {
			Kesu_fmt_count(n, sizeof(n), c->passes[i].bad_sectors);
			o += snprintf(count + o, sizeof(count) - (size_t)o, "%s%lld: %s", i ? ", " : "",
				      c->passes[i].number, n);
		}
	}
	Kesu_pdf_row1(p, "件数", "Count", count, 4);
	size_t o = 0;
	list[0] = '\0';
	for (size_t i = 0; i < c->nunwritten && i < CERT_RANGES_SHOWN; i++) {
		if (i)
			o += (size_t)snprintf(list + o, sizeof(list) - o, ", ");
		o += (size_t)range_text(list + o, sizeof(list) - o, &c->unwritten[i]);
	}
	if (c->nunwritten > CERT_RANGES_SHOWN)
		snprintf(list + o, sizeof(list) - o,
			 "\n最初の %d 範囲を記載（全 %zu 範囲）/ the first %d of %zu ranges",
			 CERT_RANGES_SHOWN, c->nunwritten, CERT_RANGES_SHOWN, c->nunwritten);
	if (!c->nunwritten)
		snprintf(list, sizeof(list), "この記録には範囲がありません / this record does not list them");
	Kesu_pdf_row1(p, "セクタ番号", "Sector numbers", list, 24);
	Kesu_pdf_row1(p, "処置", "Remedy",
		 "書き込めないセクタが残る媒体は、上書きでは消去できません。情報セキュリティ対策基準"
		 "（注11・注18）の「物理的破壊・・・ハンマー等で強い衝撃を与えて躯体を変形させる、又は、"
		 "躯体を穿孔する。」により処置してください。\n"
		 "Sectors that cannot be written cannot be overwritten. Destroy the medium physically, "
		 "as the information security standard requires (notes 11 and 18): deform its body "
		 "with a strong blow from a hammer or the like, or drill through it.",
		 8);
}

/* The reason in Japanese: the record's, else the outcome's meaning
 * (records from before reason_ja). */
static const char *reason_ja(const struct cert *c)
{
	if (c->reason_ja[0])
		return c->reason_ja;
	if (Kesu_cert_unwritten(c))
		return "書き込めなかったセクタがあります（詳細は英文）";
	if (strcmp(c->outcome, "INTERRUPTED") == 0)
		return "消去が中断されました（詳細は英文）";
	if (strcmp(c->outcome, "UNVERIFIED") == 0)
		return "書き込み後の読み取り検証を行っていません";
	return "消去に失敗しました（詳細は英文）";
}

void Kesu_pdf_draw_outcome(struct pdf *p)
{
	const struct cert *c = p->cert;
	float x = MARGIN_X + LABEL_W, w = CONTENT_W - LABEL_W - 20, size = 8, lead = 9.6f;
	char ja[CERT_TEXT + 32], en[CERT_TEXT + 32], big[64];
	unsigned nj = 0, ne = 0;
	if (c->failure) {
		snprintf(ja, sizeof(ja), "理由: %s", reason_ja(c));
		snprintf(en, sizeof(en), "Reason: %s", c->reason[0] ? c->reason : DASH);
		nj = Kesu_pdf_wrap_count(p, size, ja, w);
		ne = Kesu_pdf_wrap_count(p, size, en, w);
	}
	float h = 28 + (c->failure ? (float)(nj + ne) * lead + 2 : 0);
	struct rgb colour = c->failure ? RGB_RED : c->with_exceptions ? RGB_AMBER : RGB_GREEN;
	Kesu_pdf_need(p, h + 5);
	p->y += 4;
	Kesu_pdf_label(p, MARGIN_X, p->y, LABEL_W, h, "結果", "Outcome");
	Kesu_pdf_rect(p, x, p->y, CONTENT_W - LABEL_W, h, NULL, &colour, 1.4f);
	snprintf(big, sizeof(big), "%s  %s", Kesu_fmt_outcome_ja(c->outcome), c->outcome);
	Kesu_pdf_color(p, colour);
	/* the longest outcome's words must leave room for the level beside them */
	Kesu_pdf_text_bold(p, x + 10, p->y + (c->with_exceptions ? 8 : 6), c->with_exceptions ? 12 : 16,
			   big);
	const char *level = c->failure ? "NIST SP 800-88: 主張なし / none claimed"
				       : "NIST SP 800-88 Rev.1: Clear";
	if (!c->failure && strcmp(c->nist_level, "clear") != 0)
		level = nist_level(c);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text(p, PAGE_W - MARGIN_R - 8 - Kesu_pdf_width(p, 8.5f, level, strlen(level)), p->y + 9.5f,
		 8.5f, level);
	if (c->failure) {
		Kesu_pdf_text_wrap(p, x + 10, p->y + 27, w, size, lead, nj, ja);
		Kesu_pdf_text_wrap(p, x + 10, p->y + 27 + (float)nj * lead, w, size, lead, ne, en);
	}
	p->y += h;
}

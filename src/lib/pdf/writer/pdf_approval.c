/* The printable 媒体廃棄承認書 (the standard's 様式第3号, §3.2(9)c) of an
 * approval: who approved what, under which conditions, every medium in a
 * table that runs on over as many pages as it needs, and how to check the
 * signed file it was printed from (docs/approvals.md, "The form").
 *
 * It draws with the certificate's grid and text helpers (pdf_layout.c,
 * pdf_text.c) but keeps its own pages: a list of ten thousand media runs
 * past the certificate's page limit, and each page names the approval,
 * not a certificate. The signed file is attached, so the paper's PDF
 * carries the record it shows. */
#include <errno.h>
#include <hpdf.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/approval.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/method.h"
#include "kesu/pdf.h"
#include "kesu/vocabulary.h"
#include "pdf_internal.h"
#include "../../i18n.h"

#define TITLE_JA "媒体廃棄承認書"
#define TITLE_EN "Approval of Media Disposal"
#define TABLE_H ROW_H /* one medium a row */

struct form {
	struct pdf p;
	const struct kesu_approval *a;
	const struct kesu_method_set *methods;
	bool attached; /* the signed file is in the PDF */
	HPDF_Page *pages;
	size_t npages;
};

/* Column x offsets and widths of the media table. */
static const float col_w[] = {34, 150, 192, CONTENT_W - 34 - 150 - 192};

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
	struct pdf *p = user;
	(void)detail;
	if (!p->error)
		p->error = (int)error;
}

static int new_page(struct form *f)
{
	struct pdf *p = &f->p;
	HPDF_Page *grown = realloc(f->pages, (f->npages + 1) * sizeof(*grown));
	if (!grown) {
		p->error = p->error ? p->error : HPDF_FAILD_TO_ALLOC_MEM;
		return -1;
	}
	f->pages = grown;
	p->page = HPDF_AddPage(p->doc);
	if (!p->page)
		return -1;
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	f->pages[f->npages++] = p->page;
	p->page_no = 1; /* the shared helpers never start a page of this form */
	p->y = MARGIN_TOP;
	if (f->npages == 1)
		return 0;
	char line[160];
	snprintf(line, sizeof(line), TITLE_JA " / " TITLE_EN "  %s", f->a->number);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_fit(p, MARGIN_X, p->y, CONTENT_W - 90, 9, 8, line);
	Kesu_pdf_color(p, RGB_GREY);
	snprintf(line, sizeof(line), "続き / continued");
	Kesu_pdf_text(p, PAGE_W - MARGIN_R - Kesu_pdf_width(p, 8, line, strlen(line)), p->y + 1, 8,
		      line);
	Kesu_pdf_line(p, MARGIN_X, p->y + 14, PAGE_W - MARGIN_R, p->y + 14, p->accent, 1.2f);
	p->y += 20;
	return 0;
}

/* A new page unless h fits: called before every block, so the shared
 * row helpers always find room and never start a page themselves. */
static void need(struct form *f, float h)
{
	if (f->p.y + h > PAGE_BODY_END)
		new_page(f);
}

static void footers(struct form *f)
{
	struct pdf *p = &f->p;
	float top = PAGE_H - MARGIN_BOTTOM - FOOTER_H + 5;
	char left[300], right[32];
	snprintf(left, sizeof(left),
		 "%s · " TITLE_JA " · 正本は署名付きの承認ファイル %s.kesu-approval / the signed file "
		 "%s.kesu-approval is the record",
		 f->a->number, f->a->number, f->a->number);
	for (size_t i = 0; i < f->npages; i++) {
		p->page = f->pages[i];
		snprintf(right, sizeof(right), "%zu / %zu", i + 1, f->npages);
		Kesu_pdf_line(p, MARGIN_X, top, PAGE_W - MARGIN_R, top, RGB_RULE, 0.5f);
		Kesu_pdf_color(p, RGB_GREY);
		Kesu_pdf_text_fit(p, MARGIN_X, top + 3, CONTENT_W - 50, 6.5f, 5, left);
		Kesu_pdf_text(p, PAGE_W - MARGIN_R - Kesu_pdf_width(p, 8, right, strlen(right)),
			      top + 3, 8, right);
	}
}

/* Heights the shared rows will take, so need() can make room first. */
static float row1_h(struct form *f, const char *ja, const char *en, const char *v)
{
	float h = Kesu_pdf_value_height(&f->p, v[0] ? v : "-", CONTENT_W - LABEL_W, VALUE_LINES);
	float l = Kesu_pdf_label_height(&f->p, LABEL_W, ja, en);
	return h > l ? h : l;
}

static void row1(struct form *f, const char *ja, const char *en, const char *v)
{
	need(f, row1_h(f, ja, en, v));
	Kesu_pdf_row1(&f->p, ja, en, v, VALUE_LINES);
}

static void row2(struct form *f, const char *ja1, const char *en1, const char *v1,
		 const char *ja2, const char *en2, const char *v2)
{
	float vw = HALF_W - LABEL_W, h = ROW_H;
	float hs[] = {Kesu_pdf_value_height(&f->p, v1[0] ? v1 : "-", vw, VALUE_LINES),
		      Kesu_pdf_value_height(&f->p, v2[0] ? v2 : "-", vw, VALUE_LINES),
		      Kesu_pdf_label_height(&f->p, LABEL_W, ja1, en1),
		      Kesu_pdf_label_height(&f->p, LABEL_W, ja2, en2)};
	for (int i = 0; i < 4; i++)
		h = hs[i] > h ? hs[i] : h;
	need(f, h);
	Kesu_pdf_row2(&f->p, ja1, en1, v1, ja2, en2, v2);
}

static void section(struct form *f, const char *ja, const char *en)
{
	need(f, 3 + 13 + 2 * ROW_H + 4); /* as Kesu_pdf_section asks, with room to spare */
	Kesu_pdf_section(&f->p, ja, en);
}

static void header(struct form *f)
{
	struct pdf *p = &f->p;
	const struct kesu_approval *a = f->a;
	const struct kesu_term *cls = kesu_vocab_find(KESU_VOCAB_CLASS, a->classification);
	float top = p->y, right = PAGE_W - MARGIN_R;
	char line[200];
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text(p, MARGIN_X, top - 6, 8.5f, "様式第3号");
	snprintf(line, sizeof(line), "%s%s / Class %s", p->class_label, cls ? cls->ja : "",
		 a->classification);
	float w = Kesu_pdf_width(p, 8.5f, line, strlen(line)) + 10;
	Kesu_pdf_rect(p, MARGIN_X + 52, top - 8, w, 14.5f, NULL, &p->accent, 0.9f);
	Kesu_pdf_color(p, p->accent);
	Kesu_pdf_text_bold(p, MARGIN_X + 57, top - 5, 8.5f, line);
	snprintf(line, sizeof(line), "承認番号 / No. %s", a->number);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text(p, right - Kesu_pdf_width(p, 8.5f, line, strlen(line)), top - 6, 8.5f, line);
	snprintf(line, sizeof(line), "承認日 / Date %.10s", a->issued_local);
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text(p, right - Kesu_pdf_width(p, 8, line, strlen(line)), top + 5, 8, line);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_center(p, CONTENT_CX, top + 17, 19, true, TITLE_JA);
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text_center(p, CONTENT_CX, top + 39, 10, false, TITLE_EN);
	Kesu_pdf_line(p, MARGIN_X, top + 54, right, top + 54, p->accent, 1.6f);
	Kesu_pdf_line(p, MARGIN_X, top + 56.5f, right, top + 56.5f, p->accent, 0.5f);
	p->y = top + 62;
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_fit(p, MARGIN_X, p->y, CONTENT_W, 8.5f, 6,
			  "下記の記憶媒体について、下記の条件による廃棄等を事前に承認します。");
	Kesu_pdf_color(p, RGB_GREY);
	Kesu_pdf_text_fit(p, MARGIN_X, p->y + 11, CONTENT_W, 8, 5.5f,
			  "The storage media listed below may be disposed of under the conditions "
			  "below (prior approval).");
	p->y += 26;
}

static void approval_block(struct form *f)
{
	const struct kesu_approval *a = f->a;
	char when[64], until[96];
	snprintf(when, sizeof(when), "%.10s %.8s (UTC%.6s)", a->issued_local, a->issued_local + 11,
		 a->issued_local + 19);
	snprintf(until, sizeof(until), "%s まで（当日を含む）/ through %s", a->valid_until,
		 a->valid_until);
	section(f, "承認", "Approval");
	row2(f, "承認番号", "Approval No.", a->number, "承認日時", "Approved", when);
	row2(f, "承認者", "Approver", a->approver_name, "承認者の鍵", "Approver key",
	     a->approver_fingerprint);
	row1(f, "組織", "Organisation", a->organisation);
	row1(f, "有効期限", "Valid until", until);
}

/* "データ消去（DoD 3パス）（dod-3pass）", one a line; the id alone when
 * the method set does not know it. */
static void methods_text(struct form *f, char *out, size_t size)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < f->a->n_methods && o < size; i++) {
		const char *id = f->a->methods[i];
		const struct kesu_method *m = f->methods ? kesu_method_set_find(f->methods, id) : NULL;
		if (m && m->title_ja[0])
			o += (size_t)snprintf(out + o, size - o, "%s%s（%s）", i ? "\n" : "", m->title_ja, id);
		else
			o += (size_t)snprintf(out + o, size - o, "%s%s", i ? "\n" : "", id);
	}
}

static void conditions_block(struct form *f)
{
	const struct kesu_approval *a = f->a;
	const struct kesu_term *cls = kesu_vocab_find(KESU_VOCAB_CLASS, a->classification);
	char klass[96], purpose[96], level[96];
	char methods[KESU_APPROVAL_METHODS_MAX * (KESU_METHOD_TEXT_MAX + KESU_METHOD_ID_MAX + 8)];
	snprintf(klass, sizeof(klass), "%s%s / Class %s", f->p.class_label, cls ? cls->ja : "",
		 a->classification);
	Kesu_fmt_purpose(purpose, sizeof(purpose), a->purpose);
	if (a->min_level)
		snprintf(level, sizeof(level), "%s以上（NIST SP 800-88 Rev.1）/ %s or better",
			 a->min_level == KESU_NIST_CLEAR ? "Clear"
			 : a->min_level == KESU_NIST_PURGE ? "Purge" : "Destroy",
			 kesu_nist_level_name(a->min_level));
	else
		snprintf(level, sizeof(level), "指定なし / none set");
	methods_text(f, methods, sizeof(methods));
	section(f, "承認の条件", "Conditions");
	row2(f, "重要性分類", "Classification", klass, "目的", "Purpose", purpose);
	row1(f, "消去方式", "Methods allowed", methods);
	row1(f, "消去水準", "Minimum level", level);
	row1(f, "備考", "Note", a->note);
}

static void table_head(struct form *f)
{
	static const char *const ja[] = {"項番", "シリアル番号", "容量", "資産番号"};
	static const char *const en[] = {"No.", "Serial", "Size", "Asset number"};
	float x = MARGIN_X, h = 2 * LABEL_SIZE * 1.18f + 2.4f;
	for (int i = 0; i < 4; i++) {
		Kesu_pdf_label(&f->p, x, f->p.y, col_w[i], h, ja[i], en[i]);
		x += col_w[i];
	}
	f->p.y += h;
}

static void medium_row(struct form *f, const struct kesu_approval_medium *m)
{
	char no[16], size[96];
	const char *text[4] = {no, m->serial, size, m->asset};
	snprintf(no, sizeof(no), "%u", m->entry);
	if (m->size)
		Kesu_fmt_capacity(size, sizeof(size), (long long)m->size);
	else
		size[0] = '\0';
	float x = MARGIN_X;
	for (int i = 0; i < 4; i++) {
		Kesu_pdf_value(&f->p, x, f->p.y, col_w[i], TABLE_H, text[i], 1);
		x += col_w[i];
	}
	f->p.y += TABLE_H;
}

static void media_block(struct form *f)
{
	char title[64];
	snprintf(title, sizeof(title), "対象媒体（%zu台）", f->a->n_media);
	section(f, title, "Media");
	float head = 2 * LABEL_SIZE * 1.18f + 2.4f;
	need(f, head + TABLE_H);
	table_head(f);
	for (size_t i = 0; i < f->a->n_media; i++) {
		if (f->p.y + TABLE_H > PAGE_BODY_END) {
			new_page(f);
			table_head(f); /* every page of the list says what its columns are */
		}
		medium_row(f, &f->a->media[i]);
	}
}

static void verify_block(struct form *f)
{
	const struct kesu_approval *a = f->a;
	char how[600];
	snprintf(how, sizeof(how),
		 "承認ファイル %s.kesu-approval の1行目（署名された JSON）の SHA-256 です。"
		 "kesu approval show で、信頼された承認者の署名であることを確かめられます。%s\n"
		 "SHA-256 of the first line (the signed JSON) of %s.kesu-approval; "
		 "kesu approval show checks that a trusted approver signed it.%s",
		 a->number, f->attached ? "承認ファイルはこのPDFに添付されています。" : "", a->number,
		 f->attached ? " The file is attached to this PDF." : "");
	section(f, "確認", "Verification");
	row1(f, "承認ハッシュ", "Approval hash", a->hash);
	row1(f, "確認方法", "How to verify", how);
}

/* libharu's document into memory, for the atomic writer. */
static int to_memory(HPDF_Doc doc, unsigned char **out, size_t *len)
{
	if (HPDF_SaveToStream(doc) != HPDF_OK)
		return -EIO;
	HPDF_UINT32 size = HPDF_GetStreamSize(doc);
	*out = malloc(size ? size : 1);
	if (!*out)
		return -ENOMEM;
	HPDF_UINT32 got = 0;
	while (got < size) {
		HPDF_UINT32 n = size - got;
		HPDF_STATUS st = HPDF_ReadFromStream(doc, *out + got, &n);
		got += n;
		if (n == 0 || (st != HPDF_OK && st != HPDF_STREAM_EOF))
			break;
	}
	if (got != size) {
		free(*out);
		*out = NULL;
		return -EIO;
	}
	*len = size;
	return 0;
}

static int render(struct form *f, const char *font, const char *file_text, size_t file_len,
		  char *err, size_t errsize)
{
	struct pdf *p = &f->p;
	HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_PRODUCER, "kesu (libharu)");
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_SUBJECT, TITLE_EN);
	HPDF_SetInfoAttr(p->doc, HPDF_INFO_TITLE, f->a->number);
	HPDF_Date date;
	if (Kesu_fmt_issued_date(f->a->issued_utc, &date) == 0)
		HPDF_SetInfoDateAttr(p->doc, HPDF_INFO_CREATION_DATE, date);
	int rc = Kesu_pdf_font_load(p, font, err, errsize);
	if (rc)
		return rc;
	if (new_page(f))
		return -ENOMEM;
	header(f);
	approval_block(f);
	conditions_block(f);
	media_block(f);
	verify_block(f);
	footers(f);
	if (file_text) {
		char name[64];
		snprintf(name, sizeof(name), "%s.kesu-approval", f->a->number);
		rc = Kesu_pdf_attach(p, name, file_text, file_len);
	}
	return rc;
}

int kesu_pdf_approval(const struct kesu_approval *a, const char *file_text, size_t file_len,
		      const struct kesu_method_set *methods, const char *path, char *err,
		      size_t errsize)
{
	char scratch[1];
	if (!err || !errsize)
		err = scratch, errsize = sizeof(scratch);
	err[0] = '\0';
	if (!a || !path || !a->number[0] || !a->hash[0]) {
		snprintf(err, errsize, _("no signed approval or path to render"));
		return -EINVAL;
	}
	const char *font = getenv("KESU_FONT");
	struct form f = {.a = a, .methods = methods, .attached = file_text != NULL};
	/* the shared helpers read the certificate for a page they start;
	 * need() keeps them from it, this keeps a slip harmless */
	struct cert *dummy = calloc(1, sizeof(*dummy));
	if (!dummy)
		return snprintf(err, errsize, _("out of memory")), -ENOMEM;
	snprintf(dummy->id, sizeof(dummy->id), "%s", a->number);
	f.p.cert = dummy;
	f.p.accent = RGB_BLUE;
	snprintf(f.p.class_label, sizeof(f.p.class_label), "%s", KESU_PDF_CLASS_LABEL);
	f.p.doc = HPDF_New(on_error, &f.p);
	int rc = f.p.doc ? render(&f, font && font[0] ? font : KESU_PDF_FONT_DEFAULT, file_text,
				  file_len, err, errsize)
			 : -ENOMEM;
	unsigned char *bytes = NULL;
	size_t len = 0;
	if (rc == 0 && !f.p.error)
		rc = to_memory(f.p.doc, &bytes, &len);
	if (rc == 0 && f.p.error)
		rc = f.p.error == HPDF_FAILD_TO_ALLOC_MEM ? -ENOMEM : -EIO;
	if (rc && !err[0])
		snprintf(err, errsize, _("cannot render the approval PDF: %s (libharu error 0x%04x)"),
			 strerror(-rc), (unsigned)f.p.error);
	if (f.p.doc)
		HPDF_Free(f.p.doc);
	free(f.pages);
	free(dummy);
	if (rc == 0)
		rc = kesu_file_write_atomic(path, bytes, len, 0644, 0, err, errsize);
	free(bytes);
	return rc;
}

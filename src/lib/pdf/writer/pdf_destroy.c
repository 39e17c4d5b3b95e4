/* The 物理破壊証明書 / Certificate of Physical Destruction: the wipe
 * certificate's layout family (header, issue, medium, what was done,
 * seals, technical block, n / m footers), with the technique and what it
 * reaches stated as NIST SP 800-88 and the standard say it, the earlier
 * erasure jobs of the medium, and the photographs with their SHA-256. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/vocabulary.h"
#include "pdf_destroy.h"
#include "photo_decode.h"

#define DASH "\xe2\x80\x94"
#define PHOTO_COLS 3
#define PHOTO_BOX_H 112.0f
#define PHOTO_TEXT_H 30.0f

static const char *or_dash(const char *s)
{
	return s[0] ? s : DASH;
}

/* What is certified, true for the technique: drilling and crushing damage
 * the medium, they do not destroy it in NIST's sense. */
static void certified(const struct cert_destruction *d, const char **ja, const char **en)
{
	static const struct {
		const char *technique, *ja, *en;
	} s[] = {
		{"drill", "下記の記憶媒体を穿孔（穴あけ）により物理的に損傷させたことを証明します。",
		 "This certifies that the storage medium below was physically damaged by drilling "
		 "through it."},
		{"crush", "下記の記憶媒体を変形・破砕により物理的に損傷させたことを証明します。",
		 "This certifies that the storage medium below was physically damaged by deforming "
		 "and crushing it."},
		{"shred", "下記の記憶媒体を細断により物理的に破壊したことを証明します。",
		 "This certifies that the storage medium below was physically destroyed by "
		 "shredding."},
		{"disintegrate", "下記の記憶媒体を粉砕により物理的に破壊したことを証明します。",
		 "This certifies that the storage medium below was physically destroyed by "
		 "disintegration."},
		{"incinerate", "下記の記憶媒体を焼却により物理的に破壊したことを証明します。",
		 "This certifies that the storage medium below was physically destroyed by "
		 "incineration."},
		{"degauss", "下記の記憶媒体を消磁装置により磁気的に消去したことを証明します。",
		 "This certifies that the storage medium below was degaussed."},
	};
	*ja = s[0].ja, *en = s[0].en;
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (!strcmp(d->technique, s[i].technique))
			*ja = s[i].ja, *en = s[i].en;
}

static const char *technique_text(const char *t)
{
	static const char *const names[][2] = {
		{"drill", "穿孔（穴あけ）/ drilled through"},
		{"crush", "変形・破砕 / deformed, crushed"},
		{"shred", "細断 / shredded"},
		{"disintegrate", "粉砕 / disintegrated"},
		{"incinerate", "焼却 / incinerated"},
		{"degauss", "消磁 / degaussed"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(t, names[i][0]))
			return names[i][1];
	return t;
}

static const char *level_text(const char *level)
{
	if (!strcmp(level, "destroy"))
		return "Destroy（NIST SP 800-88 Rev.1）";
	if (!strcmp(level, "purge"))
		return "Purge（NIST SP 800-88 Rev.1）";
	return "なし / none（NIST SP 800-88 の Destroy ではない / not Destroy）";
}

static void header(struct pdf *p)
{
	const char *ja, *en;
	Kesu_pdf_draw_title(p);
	certified(p->cert->destruction, &ja, &en);
	Kesu_pdf_draw_statement(p, ja, en);
}

static void medium(struct pdf *p)
{
	const struct cert *c = p->cert;
	char cap[96];
	Kesu_fmt_capacity(cap, sizeof(cap), c->media.size_bytes);
	Kesu_pdf_section(p, "対象媒体", "Storage medium");
	Kesu_pdf_row2(p, "メーカー", "Vendor", c->media.vendor, "型番", "Model", c->media.model);
	Kesu_pdf_row2(p, "シリアル番号", "Serial number", c->media.serial, "資産番号",
		      "Asset number", c->media.asset_number);
	Kesu_pdf_row2(p, "種別", "Type", or_dash(c->media.media_type), "容量", "Capacity",
		      c->media.size_bytes >= 0 ? cap : "不明 / unknown");
	if (c->media.path[0] || c->media.wwn[0])
		Kesu_pdf_row2(p, "接続時の名前", "Device", c->media.path, "WWN", "World Wide Name",
			      c->media.wwn);
	const struct cert_destruction *d = c->destruction;
	if (!d->host_known)
		return;
	Kesu_pdf_row2(p, "搭載機器", "Host machine", d->host_manufacturer, "機種", "Product",
		      d->host_product);
	Kesu_pdf_row2(p, "機器の製造番号", "Host serial", d->host_serial, "機器の資産タグ",
		      "Host asset tag", d->host_asset);
}

static void method(struct pdf *p)
{
	const struct cert *c = p->cert;
	const struct cert_destruction *d = c->destruction;
	char started[96], ended[96], caveat[sizeof(d->caveat_ja) + sizeof(d->caveat_en) + 2];
	Kesu_fmt_local(started, sizeof(started), c->started_utc, c->offset_min, c->offset_known,
		       p->era);
	Kesu_fmt_local(ended, sizeof(ended), c->ended_utc, c->offset_min, c->offset_known, p->era);
	Kesu_pdf_section(p, "破壊方法", "Destruction");
	Kesu_pdf_row2(p, "破壊方法", "Technique", technique_text(d->technique), "消去レベル",
		      "NIST level", level_text(d->nist_level));
	if (d->caveat_ja[0] || d->caveat_en[0]) {
		snprintf(caveat, sizeof(caveat), "%s%s%s", d->caveat_ja,
			 d->caveat_ja[0] && d->caveat_en[0] ? "\n" : "", d->caveat_en);
		Kesu_pdf_row1(p, "注記", "Caveat", caveat, 8);
	}
	Kesu_pdf_row2(p, "開始", "Started", started, "終了", "Ended", ended);
	Kesu_pdf_row2(p, "場所", "Location", d->location, "委託先", "Contractor", d->contractor);
	if (d->note[0])
		Kesu_pdf_row1(p, "備考", "Note", d->note, 4);
}

static void earlier(struct pdf *p)
{
	const struct cert *c = p->cert;
	const struct cert_destruction *d = c->destruction;
	char text[CERT_EARLIER_SHOWN * 200 + 100], when[96], job[40];
	size_t o = 0;
	text[0] = '\0';
	for (size_t i = 0; i < d->nearlier && i < CERT_EARLIER_SHOWN; i++) {
		const struct cert_earlier *e = &d->earlier[i];
		Kesu_fmt_local(when, sizeof(when), e->ended_utc, c->offset_min, c->offset_known, p->era);
		Kesu_fmt_short_hex(job, sizeof(job), e->job_id, 12);
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%sNo. %lld · %s · %s · %s · job %s",
				      i ? "\n" : "", e->seq, when, or_dash(e->outcome),
				      or_dash(e->certificate_id), job);
	}
	if (d->nearlier > CERT_EARLIER_SHOWN)
		snprintf(text + o, sizeof(text) - o, "\n他 %zu 件 / %zu more",
			 d->nearlier - CERT_EARLIER_SHOWN, d->nearlier - CERT_EARLIER_SHOWN);
	if (!d->nearlier)
		snprintf(text, sizeof(text), "この台帳に記録はありません / none in this ledger");
	Kesu_pdf_section(p, "この媒体の過去の消去記録", "Earlier erasure jobs of this medium");
	Kesu_pdf_row1(p, "消去記録", "Erasure jobs", text, VALUE_LINES);
}

/* The photograph as an image of the page. A PNG is decoded here and given
 * to libharu as RGB pixels: libharu's PNG loader lets libpng abort() the
 * process on a damaged file, and a verifier renders files it did not make.
 * A JPEG is embedded as it is, once its markers are walked (libharu reads
 * them unchecked). Both were checked by Kesu_cert_destruction_files: a
 * failure now (memory) fails the render, never draws a different page. */
static HPDF_Image photo_image(struct pdf *p, const struct cert_photo *ph)
{
	char why[256];
	uint32_t w, h;
	struct photo_pixels px;
	HPDF_Image img = NULL;
	int rc = 0;
	if (!ph->file)
		return NULL;
	if (!strcmp(ph->type, "png")) {
		rc = Kesu_png_decode(ph->file->data, ph->file->len, &px, why, sizeof(why));
		if (rc == 0)
			img = HPDF_LoadRawImageFromMem(p->doc, px.rgb, px.width, px.height,
						       HPDF_CS_DEVICE_RGB, 8);
		free(px.rgb);
	} else {
		rc = Kesu_jpeg_check(ph->file->data, ph->file->len, &w, &h, why, sizeof(why));
		if (rc == 0)
			img = HPDF_LoadJpegImageFromMem(p->doc, ph->file->data,
							(HPDF_UINT)ph->file->len);
	}
	if (rc && !p->error)
		p->error = rc == -ENOMEM ? HPDF_FAILD_TO_ALLOC_MEM : HPDF_INVALID_IMAGE;
	return img;
}

/* One photograph in its cell: the image scaled to fit, its name, size and
 * SHA-256 below it. */
static void photo(struct pdf *p, const struct cert_photo *ph, float x, float top, float w)
{
	HPDF_Image img = photo_image(p, ph);
	Kesu_pdf_rect(p, x, top, w, PHOTO_BOX_H + PHOTO_TEXT_H, NULL, &RGB_RULE, 0.4f);
	if (img) {
		float iw = (float)HPDF_Image_GetWidth(img), ih = (float)HPDF_Image_GetHeight(img);
		float bw = w - 8, bh = PHOTO_BOX_H - 8, s = bw / iw < bh / ih ? bw / iw : bh / ih;
		float dw = iw * s, dh = ih * s, dx = x + (w - dw) / 2, dtop = top + 4 + (bh - dh) / 2;
		HPDF_Page_DrawImage(p->page, img, dx, PAGE_H - (dtop + dh), dw, dh);
	}
	char line[96], count[32];
	Kesu_fmt_count(count, sizeof(count), ph->bytes);
	snprintf(line, sizeof(line), "%s · %s bytes", ph->name, count);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_fit(p, x + 4, top + PHOTO_BOX_H, w - 8, 7, 5, line);
	Kesu_pdf_color(p, RGB_GREY);
	snprintf(line, sizeof(line), "SHA-256 %.32s", ph->sha256);
	Kesu_pdf_text_fit(p, x + 4, top + PHOTO_BOX_H + 9, w - 8, 6.5f, 4.5f, line);
	snprintf(line, sizeof(line), "%s", ph->sha256 + 32);
	Kesu_pdf_text_fit(p, x + 4, top + PHOTO_BOX_H + 18, w - 8, 6.5f, 4.5f, line);
}

static void photos(struct pdf *p)
{
	const struct cert_destruction *d = p->cert->destruction;
	float w = CONTENT_W / PHOTO_COLS, h = PHOTO_BOX_H + PHOTO_TEXT_H;
	if (!d->nphotos)
		return;
	Kesu_pdf_need(p, 16 + h);
	Kesu_pdf_section(p, "写真", "Photographs");
	for (size_t i = 0; i < d->nphotos; i += PHOTO_COLS) {
		Kesu_pdf_need(p, h);
		for (size_t k = i; k < d->nphotos && k < i + PHOTO_COLS; k++)
			photo(p, &d->photos[k], MARGIN_X + (float)(k - i) * w, p->y, w);
		p->y += h;
	}
}

static void outcome(struct pdf *p)
{
	const struct cert_destruction *d = p->cert->destruction;
	float x = MARGIN_X + LABEL_W, h = 28;
	Kesu_pdf_need(p, h + 5);
	p->y += 4;
	Kesu_pdf_label(p, MARGIN_X, p->y, LABEL_W, h, "結果", "Outcome");
	Kesu_pdf_rect(p, x, p->y, CONTENT_W - LABEL_W, h, NULL, &RGB_GREEN, 1.4f);
	Kesu_pdf_color(p, RGB_GREEN);
	Kesu_pdf_text_bold(p, x + 10, p->y + 6, 16,
			   !strcmp(d->technique, "degauss") ? "消磁済み  DESTROYED"
							    : "破壊済み  DESTROYED");
	const char *level = level_text(d->nist_level);
	Kesu_pdf_color(p, RGB_BLACK);
	Kesu_pdf_text_fit(p, x + 190, p->y + 9.5f, CONTENT_W - LABEL_W - 198, 8.5f, 5, level);
	p->y += h;
}

void Kesu_pdf_render_destruction(struct pdf *p)
{
	if (Kesu_pdf_new_page(p))
		return;
	header(p);
	Kesu_pdf_draw_issue(p);
	medium(p);
	method(p);
	earlier(p);
	photos(p);
	outcome(p);
	Kesu_pdf_draw_seals(p);
	Kesu_pdf_draw_technical(p);
	Kesu_pdf_footers(p);
}

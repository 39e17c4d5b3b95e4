/* The signature appearance: a small card in the seal box that says, in
 * Japanese and English, that this is an electronic signature, in which
 * role, by whom, when and why. libharu draws it as a one-page PDF of the
 * box's size with the certificate's font and text helpers; the page is
 * then copied out as a Form XObject and the objects its font needs
 * (pdf_objcopy.c). Nothing comes from the clock: the same text gives the
 * same bytes. */
#include <errno.h>
#include <hpdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "appearance.h"
#include "kesu/error.h"
#include "kesu/pdf.h"
#include "pdf_internal.h"
#include "pdf_objcopy.h"
#include "../i18n.h"

#define PAD 3.0f      /* from the border to the text */
#define LEAD 1.18f    /* line height, in font sizes */
#define TITLE 5.0f    /* 電子署名 / Digital signature */
#define ROLE 6.5f
#define NAME_MAX 10.0f
#define NAME_ONE_LINE 7.0f /* below this a name rather takes two lines */
#define NAME_MIN 5.0f
#define SMALL 5.0f    /* the time and the reason */
#define GAP 1.2f      /* between rows */
#define BORDER 0.6f

struct card {
	char role[2 * CERT_TEXT + 4], name[CERT_TEXT], when[CERT_TEXT], reason[CERT_TEXT];
	float w, h;
};

/* The sizes and line counts of one layout, all scaled by scale. */
struct layout {
	float scale, name_size, label_w, height;
	unsigned title_lines, role_lines, name_lines, when_lines, reason_lines;
};

/* s as display text, or an error naming field: invalid UTF-8 is never
 * drawn (nor signed). Control and invisible characters are shown as the
 * certificate shows them (Kesu_cert_text). */
static int take(const char *field, const char *s, char *dst, size_t size, char *err,
		size_t errsize)
{
	size_t n = s ? strlen(s) : 0, bad = n ? Kesu_utf8_invalid_at(s, n) : 0;
	dst[0] = '\0';
	if (n >= CERT_TEXT) {
		snprintf(err, errsize, _("signature appearance: the %s is longer than %d bytes"), field,
			 CERT_TEXT - 1);
		return -EINVAL;
	}
	if (bad < n) {
		snprintf(err, errsize, _("signature appearance: the %s is not valid UTF-8 (byte %zu)"),
			 field, bad);
		return -KESU_EPARSE;
	}
	if (n)
		Kesu_cert_text(dst, size, s, n);
	return 0;
}

static int take_all(const struct pades_appearance_text *t, struct card *k, char *err,
		    size_t errsize)
{
	char ja[CERT_TEXT], en[CERT_TEXT];
	int rc = take("role", t->role_ja, ja, sizeof(ja), err, errsize);
	rc = rc ? rc : take("role", t->role_en, en, sizeof(en), err, errsize);
	rc = rc ? rc : take("signer", t->signer, k->name, sizeof(k->name), err, errsize);
	rc = rc ? rc : take("time", t->when, k->when, sizeof(k->when), err, errsize);
	rc = rc ? rc : take("reason", t->reason, k->reason, sizeof(k->reason), err, errsize);
	if (rc == 0 && !k->name[0]) {
		snprintf(err, errsize, _("signature appearance: no signer name"));
		rc = -EINVAL;
	}
	snprintf(k->role, sizeof(k->role), "%s%s%s", ja, ja[0] && en[0] ? " / " : "", en);
	return rc;
}

/* The name's size: one line as large as it fits down to NAME_ONE_LINE,
 * else two lines with no word broken, else two lines; 0 when it takes
 * more than two lines at NAME_MIN. Never cut. */
static float name_size(const struct pdf *p, const char *name, float width, float scale)
{
	for (int pass = 0; pass < 3; pass++) {
		float low = (pass == 0 ? NAME_ONE_LINE : NAME_MIN) * scale;
		for (float size = NAME_MAX * scale; size >= low - 0.001f; size -= 0.25f * scale) {
			unsigned lines = Kesu_pdf_wrap_count(p, size, name, width);
			if (lines <= (pass == 0 ? 1u : 2u) &&
			    (pass == 2 || Kesu_pdf_widest_token(p, size, name) <= width))
				return size;
		}
	}
	return 0;
}

static float rows(unsigned lines, float size)
{
	return (float)lines * size * LEAD;
}

/* The layout at scale, and whether it fits the box. */
static bool lay_out(const struct pdf *p, const struct card *k, float scale, struct layout *l)
{
	float width = k->w - 2 * PAD, small = SMALL * scale;
	memset(l, 0, sizeof(*l));
	l->scale = scale;
	l->name_size = name_size(p, k->name, width, scale);
	if (l->name_size <= 0)
		return false;
	float lw = Kesu_pdf_width(p, small, "日時", strlen("日時"));
	float lr = Kesu_pdf_width(p, small, "理由", strlen("理由"));
	l->label_w = (lw > lr ? lw : lr) + 2.5f * scale;
	float value_w = width - l->label_w;
	l->title_lines = Kesu_pdf_wrap_count(p, TITLE * scale, "電子署名 / Digital signature", width);
	l->role_lines = k->role[0] ? Kesu_pdf_wrap_count(p, ROLE * scale, k->role, width) : 0;
	l->name_lines = Kesu_pdf_wrap_count(p, l->name_size, k->name, width);
	l->when_lines = k->when[0] ? Kesu_pdf_wrap_count(p, small, k->when, value_w) : 0;
	l->reason_lines = k->reason[0] ? Kesu_pdf_wrap_count(p, small, k->reason, value_w) : 0;
	unsigned groups = 2 + (l->role_lines > 0) + (l->when_lines + l->reason_lines > 0);
	l->height = rows(l->title_lines, TITLE * scale) + rows(l->role_lines, ROLE * scale) +
		    rows(l->name_lines, l->name_size) + rows(l->when_lines, small) +
		    rows(l->reason_lines, small) + (float)(groups - 1) * GAP * scale;
	return l->height <= k->h - 2 * PAD;
}

/* One block of lines at top; returns the top of the next. */
static float block(struct pdf *p, float x, float top, float width, float size, unsigned lines,
		   struct rgb color, const char *s)
{
	if (!lines)
		return top;
	Kesu_pdf_color(p, color);
	Kesu_pdf_text_wrap(p, x, top, width, size, size * LEAD, lines, s);
	return top + rows(lines, size);
}

static void draw(struct pdf *p, const struct card *k, const struct layout *l)
{
	float s = l->scale, x = PAD, width = k->w - 2 * PAD, small = SMALL * s;
	/* y is measured down from the box's top, as the text helpers measure
	 * it from the page's: move the page's top to the box's */
	HPDF_Page_Concat(p->page, 1, 0, 0, 1, 0, k->h - PAGE_H);
	Kesu_pdf_rect(p, 0, 0, k->w, k->h, &RGB_WHITE, NULL, 0);
	Kesu_pdf_rect(p, BORDER / 2, BORDER / 2, k->w - BORDER, k->h - BORDER, NULL, &RGB_BLUE,
		      BORDER);
	float top = (k->h - l->height) / 2;
	top = block(p, x, top, width, TITLE * s, l->title_lines, RGB_BLUE,
		    "電子署名 / Digital signature") + GAP * s;
	if (l->role_lines)
		top = block(p, x, top, width, ROLE * s, l->role_lines, RGB_BLACK, k->role) + GAP * s;
	top = block(p, x, top, width, l->name_size, l->name_lines, RGB_BLACK, k->name) + GAP * s;
	if (l->when_lines) {
		block(p, x, top, l->label_w, small, 1, RGB_GREY, "日時");
		top = block(p, x + l->label_w, top, width - l->label_w, small, l->when_lines,
			    RGB_BLACK, k->when);
	}
	if (l->reason_lines) {
		block(p, x, top, l->label_w, small, 1, RGB_GREY, "理由");
		block(p, x + l->label_w, top, width - l->label_w, small, l->reason_lines, RGB_BLACK,
		      k->reason);
	}
}


/* The card as a one-page PDF of w x h points. */
static int render(const struct card *k, unsigned char **pdf, size_t *len, char *err,
		  size_t errsize)
{
	const char *font = getenv("KESU_FONT");
	struct pdf p = {0};
	struct layout l;
	if (!font || !font[0])
		font = KESU_PDF_FONT_DEFAULT;
	p.doc = HPDF_New(Kesu_pdf_on_error, &p);
	if (!p.doc) {
		snprintf(err, errsize, _("out of memory"));
		return -ENOMEM;
	}
	HPDF_SetCompressionMode(p.doc, HPDF_COMP_ALL);
	int rc = Kesu_pdf_font_load(&p, font, err, errsize);
	if (rc == 0) {
		float scale = 1;
		while (scale > 0.2f && !lay_out(&p, k, scale, &l))
			scale -= 0.05f;
		if (scale <= 0.2f) {
			snprintf(err, errsize, _("signature appearance: the text does not fit a %.0f x %.0f pt box"),
				 (double)k->w, (double)k->h);
			rc = -EINVAL;
		}
	}
	if (rc == 0 && (p.page = HPDF_AddPage(p.doc)) != NULL) {
		HPDF_Page_SetWidth(p.page, k->w);
		HPDF_Page_SetHeight(p.page, k->h);
		draw(&p, k, &l);
	}
	if (rc == 0 && !p.error)
		rc = Kesu_pdf_save_to_memory(p.doc, pdf, len);
	if (rc == 0 && p.error)
		rc = p.error == HPDF_FAILD_TO_ALLOC_MEM ? -ENOMEM : -EIO;
	if (rc && !err[0])
		snprintf(err, errsize, _("signature appearance: cannot render it (libharu error 0x%04x)"),
			 (unsigned)p.error);
	HPDF_Free(p.doc);
	return rc;
}

void Kesu_pades_objects_free(struct pades_objects *o)
{
	if (!o)
		return;
	free(o->data);
	free(o->offsets);
	memset(o, 0, sizeof(*o));
}

/* Checks the arguments and the text into k. */
static int prepare(const struct pades_appearance_text *t, float w, float h, struct card *k,
		   char *err, size_t errsize)
{
	memset(k, 0, sizeof(*k));
	k->w = w;
	k->h = h;
	if (!t || !isfinite(w) || !isfinite(h) || w < 20 || h < 10 || w > 2000 || h > 2000) {
		snprintf(err, errsize,
			 _("signature appearance: no text, or a box not 20 x 10 to 2000 x 2000 pt"));
		return -EINVAL;
	}
	return take_all(t, k, err, errsize);
}

int Kesu_pades_appearance_pdf(const struct pades_appearance_text *t, float w, float h,
			      unsigned char **pdf, size_t *len, char *err, size_t errsize)
{
	char scratch[1];
	struct card k;
	if (!err || !errsize)
		err = scratch, errsize = sizeof(scratch);
	err[0] = '\0';
	*pdf = NULL;
	*len = 0;
	int rc = prepare(t, w, h, &k, err, errsize);
	return rc ? rc : render(&k, pdf, len, err, errsize);
}

int Kesu_pades_appearance(const struct pades_appearance_text *t, float w, float h,
			  unsigned first, struct pades_objects *out, char *err, size_t errsize)
{
	char scratch[1];
	unsigned char *pdf = NULL;
	size_t len = 0;
	if (!err || !errsize)
		err = scratch, errsize = sizeof(scratch);
	memset(out, 0, sizeof(*out));
	int rc = Kesu_pades_appearance_pdf(t, w, h, &pdf, &len, err, errsize);
	if (rc)
		return rc;
	struct pdf_copy c;
	rc = Kesu_pdf_copy_open(&c, pdf, len, err, errsize);
	rc = rc ? rc : Kesu_pdf_copy_subset_fonts(&c);
	rc = rc ? rc : Kesu_pdf_copy_page_form(&c, w, h, first, out);
	Kesu_pdf_copy_close(&c);
	free(pdf);
	if (rc && err[0]) {
		char why[KESU_ERRMSG_MAX];
		snprintf(why, sizeof(why), "%s", err);
		snprintf(err, errsize, _("signature appearance: %s"), why);
	}
	return rc;
}

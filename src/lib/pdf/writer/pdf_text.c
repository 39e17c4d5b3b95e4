/* Text on the page: the embedded IPAex Gothic font in libharu's UTF-8 mode,
 * measuring, shrinking, cutting ("…") and wrapping so that no string is
 * ever drawn outside its cell, and the few shapes the layout needs. */
#include <errno.h>
#include <fcntl.h>
#include <hpdf.h>
#include <hpdf_objects.h> /* HPDF_Dict_GetItem, for the ToUnicode repair */
#include <hpdf_streams.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pdf_internal.h"
#include "../../i18n.h"

#define ELLIPSIS "\xe2\x80\xa6" /* … */
#define ASCENT 0.86f           /* IPAex Gothic: baseline below a line's top, in em */

/* libharu 2.3 gives a UTF-8 Type0 font a /ToUnicode that is a copy of its
 * encoding CMap (a begincidrange sending every code to CID 0): text
 * extraction cannot use it (poppler warns "Invalid 'begincidrange'
 * operator"). The codes libharu writes are the BMP code points themselves,
 * two bytes each, so the right ToUnicode is the identity: rewrite that
 * stream in place (it is a memory stream, written out at save time). */
static int fix_to_unicode(HPDF_Font font)
{
	HPDF_Dict cmap = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	if (!cmap || !cmap->stream)
		return -EIO;
	HPDF_MemStream_FreeData(cmap->stream);
	HPDF_STATUS st = HPDF_Stream_WriteStr(
		cmap->stream,
		"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	/* One range per high byte (a bfrange may only vary its last byte),
	 * skipping the surrogates, at most 100 ranges a block. */
	unsigned hi = 0;
	while (st == HPDF_OK && hi < 256) {
		char line[64];
		unsigned n = 0, first = hi;
		for (unsigned h = first; h < 256 && n < 100; h++)
			if (h < 0xd8 || h > 0xdf)
				n++;
		snprintf(line, sizeof(line), "%u beginbfrange\n", n);
		st = HPDF_Stream_WriteStr(cmap->stream, line);
		for (unsigned done = 0; st == HPDF_OK && done < n; hi++) {
			if (hi >= 0xd8 && hi <= 0xdf)
				continue;
			snprintf(line, sizeof(line), "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
			st = HPDF_Stream_WriteStr(cmap->stream, line);
			done++;
		}
		if (st == HPDF_OK)
			st = HPDF_Stream_WriteStr(cmap->stream, "endbfrange\n");
		while (hi < 256 && hi >= 0xd8 && hi <= 0xdf)
			hi++;
	}
	if (st == HPDF_OK)
		st = HPDF_Stream_WriteStr(cmap->stream,
					  "endcmap\nCMapName currentdict /CMap defineresource pop\n"
					  "end\nend\n");
	return st == HPDF_OK ? 0 : -EIO;
}

int Kesu_pdf_font_load(struct pdf *p, const char *path, char *err, size_t errsize)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int rc = -errno;
		snprintf(err, errsize,
			 _("font %s: %s (install fonts-ipaexfont-gothic or set KESU_FONT)"), path,
			 strerror(-rc));
		return rc;
	}
	close(fd);
	if (HPDF_UseUTFEncodings(p->doc) != HPDF_OK ||
	    HPDF_SetCurrentEncoder(p->doc, "UTF-8") != HPDF_OK) {
		snprintf(err, errsize, _("libharu has no UTF-8 encoder"));
		return -ENOTSUP;
	}
	const char *name = HPDF_LoadTTFontFromFile(p->doc, path, HPDF_TRUE);
	p->font = name ? HPDF_GetFont(p->doc, name, "UTF-8") : NULL;
	if (!p->font) {
		snprintf(err, errsize, _("font %s: not a TrueType font libharu can embed (error 0x%04x)"),
			 path, (unsigned)HPDF_GetError(p->doc));
		return -EINVAL;
	}
	if (fix_to_unicode(p->font)) {
		snprintf(err, errsize, _("font %s: cannot write its ToUnicode map"), path);
		return -EIO;
	}
	return 0;
}

float Kesu_pdf_width(const struct pdf *p, float size, const char *s, size_t n)
{
	if (n == 0)
		return 0;
	HPDF_TextWidth tw = HPDF_Font_TextWidth(p->font, (const HPDF_BYTE *)s, (HPDF_UINT)n);
	return (float)tw.width * size / 1000.0f;
}

size_t Kesu_pdf_fit_bytes(const struct pdf *p, float size, const char *s, float width)
{
	size_t i = 0, len = strlen(s);
	float w = 0;
	while (i < len) {
		unsigned cp;
		size_t n = Kesu_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0)
			break; /* text is sanitised before it gets here */
		w += Kesu_pdf_width(p, size, s + i, n);
		if (w > width)
			break;
		i += n;
	}
	return i;
}

static void draw(struct pdf *p, float x, float top, float size, const char *s, size_t n,
		 bool bold)
{
	char buf[1024];
	if (n == 0)
		return;
	if (n >= sizeof(buf)) { /* cut on a character boundary */
		n = sizeof(buf) - 1;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(buf, s, n);
	buf[n] = '\0';
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, p->font, size);
	if (bold) {
		HPDF_Page_SetTextRenderingMode(p->page, HPDF_FILL_THEN_STROKE);
		HPDF_Page_SetLineWidth(p->page, size * 0.035f);
	}
	HPDF_Page_TextOut(p->page, x, PAGE_H - top - size * ASCENT, buf);
	if (bold)
		HPDF_Page_SetTextRenderingMode(p->page, HPDF_FILL);
	HPDF_Page_EndText(p->page);
}

void Kesu_pdf_text(struct pdf *p, float x, float top, float size, const char *s)
{
	draw(p, x, top, size, s, strlen(s), false);
}

void Kesu_pdf_text_bold(struct pdf *p, float x, float top, float size, const char *s)
{
	draw(p, x, top, size, s, strlen(s), true);
}

/* Draws s within width: as is, else smaller down to min_size, else cut at
 * min_size with "…". */
void Kesu_pdf_text_fit(struct pdf *p, float x, float top, float width, float size, float min_size,
		  const char *s)
{
	size_t len = strlen(s);
	float w = Kesu_pdf_width(p, size, s, len);
	if (w <= width) {
		draw(p, x, top, size, s, len, false);
		return;
	}
	if (size * width / w >= min_size) {
		float fitted = size * width / w * 0.999f;
		/* keep the text vertically centred where the larger size was */
		draw(p, x, top + (size - fitted) * 0.5f, fitted, s, len, false);
		return;
	}
	char buf[1024];
	size_t keep = Kesu_pdf_fit_bytes(p, min_size, s, width - Kesu_pdf_width(p, min_size, ELLIPSIS, 3));
	if (keep > sizeof(buf) - 4)
		keep = 0;
	memcpy(buf, s, keep);
	memcpy(buf + keep, ELLIPSIS, 4);
	draw(p, x, top + (size - min_size) * 0.5f, min_size, buf, keep + 3, false);
}

void Kesu_pdf_text_center(struct pdf *p, float cx, float top, float size, bool bold, const char *s)
{
	size_t len = strlen(s);
	draw(p, cx - Kesu_pdf_width(p, size, s, len) / 2, top, size, s, len, bold);
}

/* Where a line may break beside a character, as Japanese text does:
 * the CJK characters input counts as breaks (Kesu_utf8_is_cjk, so every
 * value input accepts fits), and also every character two columns wide
 * (full-width forms) and the half-width katakana. */
bool Kesu_pdf_is_wide(unsigned cp)
{
	return Kesu_utf8_is_cjk(cp) || Kesu_utf8_columns(cp) == 2 || (cp >= 0xff61 && cp <= 0xff9f);
}

static bool is_space(unsigned cp)
{
	return cp == ' ' || cp == 0x3000;
}

/* Kinsoku: no line starts with a closing mark, none ends with an opening one. */
static bool no_line_start(unsigned cp)
{
	return cp == 0x3001 || cp == 0x3002 || cp == 0xff0c || cp == 0xff0e || cp == 0xff09 ||
	       cp == 0x300d || cp == 0x300f || cp == 0x3011 || cp == 0xff1a || cp == 0x30fc;
}

static bool no_line_end(unsigned cp)
{
	return cp == 0xff08 || cp == 0x300c || cp == 0x300e || cp == 0x3010;
}

static unsigned cp_at(const char *s, size_t i, size_t len, size_t *n)
{
	unsigned cp = 0;
	*n = Kesu_utf8_decode((const unsigned char *)s + i, len - i, &cp);
	if (*n == 0)
		*n = 1, cp = '?';
	return cp;
}

/* Bytes of s (up to '\n') that may end a line at or before fit: after
 * a space, or between two characters one of which is wide. A run of
 * narrow characters without a space (a token: a serial, an asset number, a
 * word) is never broken. 0 when there is no such place. *resume: where the
 * next line starts (spaces skipped). */
static size_t last_break(const char *s, size_t fit, size_t end, size_t *resume)
{
	size_t best = 0, i = 0, n;
	unsigned prev = 0;
	*resume = 0;
	while (i < end) {
		unsigned cp = cp_at(s, i, end, &n);
		if (i > fit)
			break;
		if (i > 0 && !is_space(cp) && !is_space(prev) && (Kesu_pdf_is_wide(cp) || Kesu_pdf_is_wide(prev)) &&
		    !no_line_start(cp) && !no_line_end(prev)) {
			best = i;
			*resume = i;
		}
		if (is_space(cp) && i > 0 && !is_space(prev)) {
			size_t j = i, m;
			while (j < end && is_space(cp_at(s, j, end, &m)))
				j += m;
			best = i;
			*resume = j;
		}
		prev = cp;
		i += n;
	}
	return best;
}

/* The next line of s that fits width: breaks at '\n', else at the last
 * place last_break allows, else (a token wider than the line: only text
 * that is not a field within kesu/field_limits.h) inside the token.
 * *next: where the line after it starts. */
static size_t next_line(const struct pdf *p, float size, const char *s, float width,
			size_t *next)
{
	size_t nl = strcspn(s, "\n");
	size_t fit = Kesu_pdf_fit_bytes(p, size, s, width);
	if (fit >= nl) {
		*next = nl + (s[nl] == '\n');
		return nl;
	}
	size_t resume, k = last_break(s, fit, nl, &resume);
	if (k > 0) {
		*next = resume;
		return k;
	}
	if (fit == 0) { /* not even one character fits: take one anyway */
		cp_at(s, 0, nl, &fit);
		*next = fit;
		return fit;
	}
	*next = fit;
	return fit;
}

/* The widest run of narrow characters without a space in s, in points. */
float Kesu_pdf_widest_token(const struct pdf *p, float size, const char *s)
{
	size_t len = strlen(s), i = 0, start = 0, n = 1;
	float widest = 0;
	while (i <= len) {
		unsigned cp = i < len ? cp_at(s, i, len, &n) : ' ';
		if (i == len)
			n = 1;
		if (is_space(cp) || cp == '\n' || Kesu_pdf_is_wide(cp)) {
			float w = Kesu_pdf_width(p, size, s + start, i - start);
			if (w > widest)
				widest = w;
			start = i + n;
		}
		i += n;
	}
	return widest;
}

unsigned Kesu_pdf_wrap_count(const struct pdf *p, float size, const char *s, float width)
{
	unsigned lines = 0;
	while (*s && lines < 64) {
		size_t next;
		next_line(p, size, s, width, &next);
		s += next;
		lines++;
	}
	return lines ? lines : 1;
}

unsigned Kesu_pdf_text_wrap(struct pdf *p, float x, float top, float width, float size,
		       float leading, unsigned max_lines, const char *s)
{
	unsigned lines = 0;
	while (*s && lines < max_lines) {
		size_t next, n = next_line(p, size, s, width, &next);
		if (lines + 1 == max_lines && s[next]) {
			/* the last line allowed and text is left: cut it with "…" */
			char buf[1024];
			size_t rest = strcspn(s, "\n");
			snprintf(buf, sizeof(buf), "%.*s" ELLIPSIS, (int)(rest < 1000 ? rest : 1000), s);
			Kesu_pdf_text_fit(p, x, top, width, size, size, buf);
		} else {
			draw(p, x, top, size, s, n, false);
		}
		s += next;
		top += leading;
		lines++;
	}
	return lines;
}

void Kesu_pdf_color(struct pdf *p, struct rgb c)
{
	HPDF_Page_SetRGBFill(p->page, c.r, c.g, c.b);
	HPDF_Page_SetRGBStroke(p->page, c.r, c.g, c.b);
}

void Kesu_pdf_rect(struct pdf *p, float x, float top, float w, float h, const struct rgb *fill,
	      const struct rgb *stroke, float line_width)
{
	if (fill)
		HPDF_Page_SetRGBFill(p->page, fill->r, fill->g, fill->b);
	if (stroke) {
		HPDF_Page_SetRGBStroke(p->page, stroke->r, stroke->g, stroke->b);
		HPDF_Page_SetLineWidth(p->page, line_width);
	}
	HPDF_Page_Rectangle(p->page, x, PAGE_H - top - h, w, h);
	if (fill && stroke)
		HPDF_Page_FillStroke(p->page);
	else if (fill)
		HPDF_Page_Fill(p->page);
	else
		HPDF_Page_Stroke(p->page);
}

void Kesu_pdf_line(struct pdf *p, float x1, float top1, float x2, float top2, struct rgb c,
	      float width)
{
	HPDF_Page_SetRGBStroke(p->page, c.r, c.g, c.b);
	HPDF_Page_SetLineWidth(p->page, width);
	HPDF_Page_MoveTo(p->page, x1, PAGE_H - top1);
	HPDF_Page_LineTo(p->page, x2, PAGE_H - top2);
	HPDF_Page_Stroke(p->page);
}

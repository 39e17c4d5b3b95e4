/* The register table's text: a hundred thousand rows of seventeen cells
 * are millions of strings, so widths come from a per-character cache
 * (libharu measures a string by decoding it each time) and the caller
 * keeps one text object open for a whole row. A value is wrapped at a
 * space or between characters, never inside one, and what does not fit
 * the cell's lines is cut with "…". */
#include <hpdf_pages.h> /* the page's content stream */
#include <hpdf_streams.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pdf_register.h"

#define ELLIPSIS "\xe2\x80\xa6"
#define ASCENT 0.86f /* IPAex Gothic: baseline below a line's top, in em (pdf_text.c) */
#define CELL_TEXT 1024
#define UNKNOWN 0xffffu

static float advance(struct regpdf *g, unsigned cp)
{
	if (cp > 0xffff)
		return 1000;
	if (!g->widths) {
		g->widths = malloc(0x10000 * sizeof(*g->widths));
		if (!g->widths)
			return 1000;
		memset(g->widths, 0xff, 0x10000 * sizeof(*g->widths));
	}
	if (g->widths[cp] == UNKNOWN) {
		HPDF_INT w = HPDF_Font_GetUnicodeWidth(g->p.font, (HPDF_UNICODE)cp);
		g->widths[cp] = (uint16_t)(w > 0 && w < (HPDF_INT)UNKNOWN ? w : 0);
	}
	return g->widths[cp];
}

float Kesu_regpdf_width(struct regpdf *g, float size, const char *s, size_t n)
{
	float w = 0;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = Kesu_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0)
			k = 1, cp = '?';
		w += advance(g, cp);
		i += k;
	}
	return w * size / 1000.0f;
}

/* Bytes of s[0..n) from the start that fit width. */
static size_t fit_bytes(struct regpdf *g, float size, const char *s, size_t n, float width)
{
	float limit = width * 1000.0f / size, w = 0;
	size_t i = 0;
	while (i < n) {
		unsigned cp;
		size_t k = Kesu_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0)
			k = 1, cp = '?';
		w += advance(g, cp);
		if (w > limit)
			break;
		i += k;
	}
	return i;
}

void Kesu_regpdf_clean(char *out, size_t size, const char *s)
{
	static const char geta[] = "\xe3\x80\x93"; /* 〓: a character the page cannot show */
	size_t o = 0, n = strlen(s);
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = Kesu_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		const char *put = s + i;
		size_t len = k;
		if (k == 0)
			k = 1, put = "?", len = 1;
		else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
			put = " ", len = 1;
		else if (cp > 0xffff)
			put = geta, len = 3;
		if (o + len >= size)
			break;
		memcpy(out + o, put, len);
		o += len;
		i += k;
	}
	out[o] = '\0';
}

/* The next line of s[0..n): its length, and where the one after starts. */
static size_t line_span(struct regpdf *g, float size, const char *s, size_t n, float w,
			size_t *next)
{
	size_t fit = fit_bytes(g, size, s, n, w);
	if (fit >= n) {
		*next = n;
		return n;
	}
	if (fit == 0) { /* not one character fits: take one anyway */
		unsigned cp;
		fit = Kesu_utf8_decode((const unsigned char *)s, n, &cp);
		fit = fit ? fit : 1;
	}
	size_t cut = fit;
	/* a space in the line's later part breaks it more readably */
	for (size_t i = fit; i > fit / 3; i--)
		if (s[i] == ' ') {
			cut = i;
			break;
		}
	size_t j = cut;
	while (j < n && s[j] == ' ')
		j++;
	*next = j;
	return cut;
}

/* "123.45" (two decimals) at o; the position operands of Tm. */
static size_t put_num(char *o, float v)
{
	long c = (long)(v * 100.0f + (v < 0 ? -0.5f : 0.5f));
	return (size_t)sprintf(o, "%s%ld.%02ld", c < 0 ? "-" : "", labs(c) / 100, labs(c) % 100);
}

/* The text straight into the page's content stream: libharu's ShowText
 * measures every string again through the font's cmap (most of the time
 * a large register took). The codes are what libharu writes for this
 * font, each BMP code point as two bytes (pdf_text.c), and every glyph
 * was measured through the cache first, which marks it for the subset. */
static void show(struct regpdf *g, float x, float top, float size, const char *s, size_t n,
		 bool ellipsis)
{
	static const char hex[] = "0123456789ABCDEF";
	char buf[64 + 4 * CELL_TEXT + 16];
	size_t o = 0;
	/* relative to the last line's start: a table's steps repeat row
	 * after row and compress far better than absolute positions */
	float y = PAGE_H - top - size * ASCENT;
	o += put_num(buf + o, x - g->tx);
	buf[o++] = ' ';
	o += put_num(buf + o, y - g->ty);
	memcpy(buf + o, " Td <", 5), o += 5;
	g->tx = x, g->ty = y;
	for (size_t i = 0; i < n && i < CELL_TEXT;) {
		unsigned cp;
		size_t k = Kesu_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0 || cp > 0xffff)
			k = k ? k : 1, cp = 0x3013;
		for (int sh = 12; sh >= 0; sh -= 4)
			buf[o++] = hex[(cp >> sh) & 0xf];
		i += k;
	}
	if (ellipsis)
		memcpy(buf + o, "2026", 4), o += 4;
	memcpy(buf + o, "> Tj\n", 5), o += 5;
	HPDF_PageAttr attr = (HPDF_PageAttr)g->p.page->attr;
	HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)buf, (HPDF_UINT)o);
}

/* Lays out s; draws when draw is set. */
static unsigned layout(struct regpdf *g, float x, float top, float w, float size, float lead,
		       unsigned max_lines, const char *s, bool draw)
{
	size_t n = strlen(s), pos = 0;
	unsigned lines = 0;
	while (pos < n && lines < max_lines) {
		size_t next, len = line_span(g, size, s + pos, n - pos, w, &next);
		bool last = lines + 1 == max_lines && pos + next < n;
		if (last) /* text is left: cut this line to make room for "…" */
			len = fit_bytes(g, size, s + pos, n - pos, w - Kesu_regpdf_width(g, size, ELLIPSIS, 3));
		if (draw)
			show(g, x, top + (float)lines * lead, size, s + pos, len, last);
		pos += next;
		lines++;
	}
	return lines;
}

unsigned Kesu_regpdf_cell(struct regpdf *g, float x, float top, float w, float size, float lead,
			  unsigned max_lines, const char *s)
{
	return layout(g, x, top, w, size, lead, max_lines, s, true);
}

unsigned Kesu_regpdf_lines(struct regpdf *g, float w, float size, unsigned max_lines,
			   const char *s)
{
	unsigned n = layout(g, 0, 0, w, size, 0, max_lines, s, false);
	return n ? n : 1;
}

void Kesu_regpdf_begin(struct regpdf *g, float size)
{
	HPDF_Page_BeginText(g->p.page);
	HPDF_Page_SetFontAndSize(g->p.page, g->p.font, size);
	g->tx = g->ty = 0; /* a text object starts at the origin */
}

void Kesu_regpdf_text(struct regpdf *g, float x, float top, float width, float size,
		      float min_size, const char *s)
{
	char clean[CELL_TEXT];
	Kesu_regpdf_clean(clean, sizeof(clean), s);
	float w = Kesu_regpdf_width(g, size, clean, strlen(clean));
	if (w > width) {
		float fitted = size * width / w * 0.999f;
		size = fitted >= min_size ? fitted : min_size;
	}
	Kesu_regpdf_begin(g, size);
	Kesu_regpdf_cell(g, x, top, width, size, size, 1, clean);
	HPDF_Page_EndText(g->p.page);
}

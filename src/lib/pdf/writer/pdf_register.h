/* The register's PDF (kesu/register.h, docs/register.md): shared by
 * pdf_register*.c. A4 landscape; it draws with the certificate's kit
 * (pdf_internal.h), whose helpers measure y from the top of a portrait
 * page: each page's coordinates are shifted so that the kit's y lands on
 * the landscape page unchanged (Kesu_regpdf_new_page). The detail table
 * of a hundred thousand rows has its own text path (pdf_register_text.c):
 * widths from a per-character cache and one text object per row. */
#ifndef KESU_PDF_REGISTER_H
#define KESU_PDF_REGISTER_H

#include <stdint.h>

#include "kesu/register.h"
#include "pdf_internal.h"

#define REG_W 841.89f  /* A4 landscape */
#define REG_H 595.276f
#define REG_X 42.0f    /* left: 15 mm */
#define REG_R 28.0f
#define REG_CW (REG_W - REG_X - REG_R)
#define REG_TOP 26.0f
#define REG_BODY_END (REG_H - 22.0f - FOOTER_H)
#define REG_TITLE_JA "媒体廃棄記録簿"
#define REG_TITLE_EN "Media disposal register"
#define REG_CSV_NAME "kesu-register.csv"

struct regpdf {
	struct pdf p; /* p.page: the current page; p.y: the next block's top */
	const struct kesu_register *r;
	HPDF_Page *pages;
	size_t npages, cap;
	uint16_t *widths;   /* advance of each BMP character in 1/1000 em; 0xffff: not yet */
	uint64_t *flagged;  /* seqs an anomaly names, sorted */
	size_t nflagged;
	char station[160];  /* the stations' host names, for the header */
	float tx, ty;       /* where the open text object's last line starts */
};

/* pdf_register_page.c: pages, continuation heads, sections, footers. */
int Kesu_regpdf_new_page(struct regpdf *g);
/* A new page unless h fits; true when one was started. */
bool Kesu_regpdf_need(struct regpdf *g, float h);
void Kesu_regpdf_section(struct regpdf *g, const char *ja, const char *en);
void Kesu_regpdf_footers(struct regpdf *g);
/* "2026-11-01（令和8年11月1日）" */
void Kesu_regpdf_date(char *out, size_t size, const char *ymd);
/* The title block, what was asked, and the station's seal box (p.seals[0]). */
void Kesu_regpdf_header(struct regpdf *g);

/* pdf_register_text.c: the table's text. */
float Kesu_regpdf_width(struct regpdf *g, float size, const char *s, size_t n);
/* s made drawable into out: control characters as spaces, characters
 * past the BMP (the font's codes are two bytes) as 〓; cut on a character. */
void Kesu_regpdf_clean(char *out, size_t size, const char *s);
/* Opens a text object for Kesu_regpdf_cell, with the font at size. */
void Kesu_regpdf_begin(struct regpdf *g, float size);
/* Draws clean text s in a cell of width w on at most max_lines lines of
 * lead points from top: wrapped at a space or between characters (never
 * inside one), the last line cut with "…". Between Kesu_regpdf_begin and
 * HPDF_Page_EndText, with the font at size. Returns the lines drawn. */
unsigned Kesu_regpdf_cell(struct regpdf *g, float x, float top, float w, float size, float lead,
			  unsigned max_lines, const char *s);
/* One line of s in its own text object, in the colour set: at size, or
 * smaller down to min_size to fit width, else cut with "…" (the kit's
 * Kesu_pdf_text_fit, without its measuring through the font's cmap: this
 * is for what every page repeats). */
void Kesu_regpdf_text(struct regpdf *g, float x, float top, float width, float size,
		      float min_size, const char *s);
/* Lines Kesu_regpdf_cell would draw. */
unsigned Kesu_regpdf_lines(struct regpdf *g, float w, float size, unsigned max_lines,
			   const char *s);

/* pdf_register_anomalies.c, pdf_register_summary.c, pdf_register_chart.c,
 * pdf_register_detail.c: the sections, in this order. */
void Kesu_regpdf_anomalies(struct regpdf *g);
void Kesu_regpdf_summary(struct regpdf *g);
void Kesu_regpdf_chart(struct regpdf *g);
void Kesu_regpdf_detail(struct regpdf *g);
/* The seqs the anomalies name, for Kesu_regpdf_flagged: 0 or -1 (no memory). */
int Kesu_regpdf_flag_init(struct regpdf *g);
/* Whether an anomaly names record seq. */
bool Kesu_regpdf_flagged(const struct regpdf *g, uint64_t seq);

#endif

/* Copying a page out of a PDF as a Form XObject: the page's content and
 * every object its /Resources reach, renumbered from a given number and
 * serialized as indirect objects another file can append (the signature
 * appearance, appearance.c). Values go through the defensive reader
 * (pdf_parse.h) and come out in one canonical form; stream data is copied
 * byte for byte, its /Length written directly. */
#ifndef KESU_PDF_OBJCOPY_H
#define KESU_PDF_OBJCOPY_H
#include <stdbool.h>
#include <stddef.h>

#include "appearance.h"
#include "pdf_parse.h"

/* An object of the source written differently: value v instead of the
 * source's (a dictionary when stream; its /Length is ignored and written
 * as len) and, when stream, data instead of the source's stream data.
 * Values and data stay the caller's; references in v are to source
 * numbers, renumbered like all others. */
struct pdf_override {
	unsigned num;
	struct pv v;
	bool stream;
	const unsigned char *data;
	size_t len;
};

#define PDF_OVERRIDES_MAX 16
#define PDF_COPY_OWNED_MAX 64

struct pdf_copy {
	struct pdf_reader r;
	struct pdf_override ov[PDF_OVERRIDES_MAX];
	size_t nov;
	void *owned[PDF_COPY_OWNED_MAX]; /* what overrides point to, freed on close */
	size_t nowned;
};

/* Opens buf (which must outlive c) for copying. 0, or -KESU_EPARSE /
 * -ENOMEM with err. Kesu_pdf_copy_close in every case. */
int Kesu_pdf_copy_open(struct pdf_copy *c, const unsigned char *buf, size_t len, char *err,
		       size_t errsize);
void Kesu_pdf_copy_close(struct pdf_copy *c);

/* The first page's dictionary (the trailer's /Root, its /Pages, the first
 * of the /Kids down to a /Page). 0 or -KESU_EPARSE (err set). */
int Kesu_pdf_copy_first_page(struct pdf_copy *c, struct pv *page);

/* Registers an override (*o is copied; what it points to is not). 0, or
 * -ENOSPC when PDF_OVERRIDES_MAX are already registered. */
int Kesu_pdf_copy_override(struct pdf_copy *c, const struct pdf_override *o);

/* Hands p (malloc'd) to c, which frees it on close; returns p, or NULL
 * (p freed) when c holds PDF_COPY_OWNED_MAX already or p is NULL. */
void *Kesu_pdf_copy_own(struct pdf_copy *c, void *p);

/* pdf_subset.c: overrides that cut each Type0 / CIDFontType2 font of the
 * first page down to the glyphs the page's text uses (ttf_subset.h): a
 * new FontFile2, CIDToGIDMap and /W, and a subset tag in the font's name
 * derived from the subset, so that two different subsets in one file
 * never share a name. Fonts of other kinds are copied as they are. 0, or
 * -KESU_EPARSE (err) / -ENOMEM. */
int Kesu_pdf_copy_subset_fonts(struct pdf_copy *c);

/* The first page as a Form XObject with /BBox [0 0 w h] numbered first,
 * then every object its resources reach, numbered first+1, ... in the
 * order they are met. The same source gives the same bytes. 0, or
 * -KESU_EPARSE (err: what could not be copied) / -ENOMEM. */
int Kesu_pdf_copy_page_form(struct pdf_copy *c, float w, float h, unsigned first,
			    struct pades_objects *out);

/* A number as PDF writes it: at most 4 decimals, no trailing zeros, no
 * exponent ("120", "56.6929", "-0.5"); the same float, the same text. */
void Kesu_pdf_real(char *out, size_t size, double v);
#endif

/* A TrueType font program cut down to the glyphs one text uses. libharu
 * embeds the outlines of used glyphs only, but keeps the whole font's
 * cmap, post, hmtx and loca: 220 KB compressed for IPAex Gothic, in every
 * signature appearance. A CIDFontType2 reaches its glyphs through the
 * CIDToGIDMap and needs neither cmap nor glyph names (PDF 32000-1 9.9),
 * so the subset keeps head, hhea, maxp, OS/2, name, cvt, fpgm and prep,
 * writes an empty cmap and a post without names, and rebuilds hmtx, loca
 * and glyf for the kept glyphs, renumbered. */
#ifndef KESU_TTF_SUBSET_H
#define KESU_TTF_SUBSET_H
#include <stddef.h>

#define TTF_SUBSET_GLYPHS_MAX 4096 /* glyphs a subset may keep */

/* The font ttf with glyph 0 (.notdef) and the glyphs gids[0..n) (any
 * order, repeats allowed), plus the glyphs composite ones are made of,
 * numbered 0, 1, ... in ascending old number. newgid[i] receives the new
 * number of gids[i]. *out is malloc'd. 0, or -KESU_EPARSE (err: what is
 * wrong with the font) / -ENOMEM / -E2BIG (too many glyphs). */
int Kesu_ttf_subset(const unsigned char *ttf, size_t len, const unsigned *gids, size_t n,
		    unsigned *newgid, unsigned char **out, size_t *out_len, char *err,
		    size_t errsize);
#endif

/* TrueType subsetting (the OpenType specification's table layouts): the
 * kept glyphs get new numbers 0..k-1, glyf and loca (long offsets) are
 * rebuilt with them, composite glyphs' component numbers rewritten, hmtx
 * holds one full metric per kept glyph, and the table directory, table
 * checksums and head.checkSumAdjustment are computed anew. Every offset
 * and length of the source is checked against its buffer. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "ttf_subset.h"
#include "../i18n.h"

#define TAG(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))
#define TABLES_MAX 64 /* tables a font's directory may list */
#define CLOSURE_PASSES 8 /* composites made of composites, this deep */

struct table {
	uint32_t tag;
	const uint8_t *p;
	size_t len;
};

struct font {
	struct table head, hhea, maxp, hmtx, loca, glyf, os2, name, cvt, fpgm, prep, post;
	unsigned nglyphs, nhm;
	bool long_loca;
	char *err;
	size_t errsize;
};

static int bad(struct font *f, const char *why)
{
	snprintf(f->err, f->errsize, _("font program: %s"), why);
	return -KESU_EPARSE;
}

static struct table *slot(struct font *f, uint32_t tag)
{
	static const uint32_t tags[] = {TAG('h', 'e', 'a', 'd'), TAG('h', 'h', 'e', 'a'),
					TAG('m', 'a', 'x', 'p'), TAG('h', 'm', 't', 'x'),
					TAG('l', 'o', 'c', 'a'), TAG('g', 'l', 'y', 'f'),
					TAG('O', 'S', '/', '2'), TAG('n', 'a', 'm', 'e'),
					TAG('c', 'v', 't', ' '), TAG('f', 'p', 'g', 'm'),
					TAG('p', 'r', 'e', 'p'), TAG('p', 'o', 's', 't')};
	struct table *slots[] = {&f->head, &f->hhea, &f->maxp, &f->hmtx, &f->loca, &f->glyf,
				 &f->os2,  &f->name, &f->cvt,  &f->fpgm, &f->prep, &f->post};
	for (size_t i = 0; i < sizeof(tags) / sizeof(*tags); i++)
		if (tags[i] == tag)
			return slots[i];
	return NULL; /* a table the subset does not keep (cmap, GSUB, ...) */
}

static int read_directory(struct font *f, const uint8_t *buf, size_t len)
{
	if (len < 12)
		return bad(f, "too short");
	uint32_t version = kesu_load_be32(buf);
	if (version != 0x00010000 && version != TAG('t', 'r', 'u', 'e'))
		return bad(f, "not a TrueType font");
	unsigned n = kesu_load_be16(buf + 4);
	if (n > TABLES_MAX || 12 + 16 * (size_t)n > len)
		return bad(f, "table directory out of range");
	for (unsigned i = 0; i < n; i++) {
		const uint8_t *rec = buf + 12 + 16 * i;
		size_t off = kesu_load_be32(rec + 8), tlen = kesu_load_be32(rec + 12);
		if (off > len || tlen > len - off)
			return bad(f, "table out of range");
		struct table *t = slot(f, kesu_load_be32(rec));
		if (t)
			*t = (struct table){kesu_load_be32(rec), buf + off, tlen};
	}
	if (f->head.len < 54 || f->hhea.len < 36 || f->maxp.len < 6 || !f->hmtx.p || !f->loca.p ||
	    !f->glyf.p)
		return bad(f, "a required table (head, hhea, maxp, hmtx, loca, glyf) is missing");
	f->nglyphs = kesu_load_be16(f->maxp.p + 4);
	f->nhm = kesu_load_be16(f->hhea.p + 34);
	unsigned format = kesu_load_be16(f->head.p + 50);
	f->long_loca = format == 1;
	if (f->nglyphs == 0 || f->nhm == 0 || f->nhm > f->nglyphs || format > 1)
		return bad(f, "bad glyph count or loca format");
	if (f->hmtx.len < 4 * (size_t)f->nhm + 2 * (size_t)(f->nglyphs - f->nhm) ||
	    f->loca.len < ((size_t)f->nglyphs + 1) * (f->long_loca ? 4 : 2))
		return bad(f, "hmtx or loca too short");
	return 0;
}

/* Glyph g's outline in glyf (len 0: an empty glyph, such as the space). */
static int glyph(struct font *f, unsigned g, const uint8_t **p, size_t *len)
{
	size_t a, b;
	if (f->long_loca) {
		a = kesu_load_be32(f->loca.p + 4 * (size_t)g);
		b = kesu_load_be32(f->loca.p + 4 * (size_t)g + 4);
	} else {
		a = 2 * (size_t)kesu_load_be16(f->loca.p + 2 * (size_t)g);
		b = 2 * (size_t)kesu_load_be16(f->loca.p + 2 * (size_t)g + 2);
	}
	if (a > b || b > f->glyf.len)
		return bad(f, "glyph out of range");
	*p = f->glyf.p + a;
	*len = b - a;
	return 0;
}

/* The components of a composite glyph, one call each: *pos starts at 0;
 * 1 with *gid_at (the component's glyph number's offset in the glyph),
 * 0 when there are no more (or the glyph is not composite). */
static int next_component(struct font *f, const uint8_t *g, size_t len, size_t *pos,
			  size_t *gid_at)
{
	if (len < 10 || (int16_t)kesu_load_be16(g) >= 0)
		return 0; /* empty or simple */
	if (*pos == 0)
		*pos = 10;
	else if (*pos == SIZE_MAX)
		return 0;
	if (*pos + 4 > len)
		return bad(f, "composite glyph out of range");
	unsigned flags = kesu_load_be16(g + *pos);
	*gid_at = *pos + 2;
	size_t step = 4 + (flags & 0x1 ? 4 : 2); /* ARG_1_AND_2_ARE_WORDS */
	if (flags & 0x8)                          /* WE_HAVE_A_SCALE */
		step += 2;
	else if (flags & 0x40)                    /* WE_HAVE_AN_X_AND_Y_SCALE */
		step += 4;
	else if (flags & 0x80)                    /* WE_HAVE_A_TWO_BY_TWO */
		step += 8;
	*pos = flags & 0x20 ? *pos + step : SIZE_MAX; /* MORE_COMPONENTS */
	return 1;
}

/* Marks the glyphs kept glyphs are made of, to a fixed depth. */
static int close_over_components(struct font *f, bool *keep)
{
	for (int pass = 0; pass < CLOSURE_PASSES; pass++) {
		bool grew = false;
		for (unsigned g = 0; g < f->nglyphs; g++) {
			const uint8_t *d;
			size_t len, pos = 0, at;
			int rc = keep[g] ? glyph(f, g, &d, &len) : 0;
			while (rc == 0 && keep[g] && (rc = next_component(f, d, len, &pos, &at)) == 1) {
				unsigned c = kesu_load_be16(d + at);
				if (c >= f->nglyphs)
					return bad(f, "composite glyph names a missing glyph");
				grew |= !keep[c];
				keep[c] = true;
				rc = 0;
			}
			if (rc < 0)
				return rc;
		}
		if (!grew)
			return 0;
	}
	return bad(f, "composite glyphs nested too deeply");
}

struct out_table {
	uint32_t tag;
	uint8_t *p; /* malloc'd, or NULL when src is used as it is */
	const uint8_t *src;
	size_t len;
};

static uint32_t checksum(const uint8_t *p, size_t len)
{
	uint32_t sum = 0;
	for (size_t i = 0; i < len; i += 4) {
		uint8_t w[4] = {0};
		memcpy(w, p + i, len - i < 4 ? len - i : 4);
		sum += kesu_load_be32(w);
	}
	return sum;
}

static int tag_order(const void *a, const void *b)
{
	const struct out_table *x = a, *y = b;
	return x->tag < y->tag ? -1 : x->tag > y->tag;
}

/* The new glyf and loca: the kept glyphs in order, each 4-byte aligned,
 * composite glyphs pointing at their components' new numbers. */
static int build_glyf(struct font *f, const bool *keep, const unsigned *newnum, unsigned k,
		      struct out_table *glyf, struct out_table *loca)
{
	size_t total = 0;
	for (unsigned g = 0; g < f->nglyphs; g++) {
		const uint8_t *d;
		size_t len;
		if (keep[g] && glyph(f, g, &d, &len))
			return -KESU_EPARSE;
		total += keep[g] ? (len + 3) / 4 * 4 : 0;
	}
	glyf->p = calloc(1, total ? total : 1);
	loca->p = malloc(4 * ((size_t)k + 1));
	if (!glyf->p || !loca->p)
		return -ENOMEM;
	size_t o = 0;
	for (unsigned g = 0; g < f->nglyphs; g++) {
		const uint8_t *d;
		size_t len, pos = 0, at;
		if (!keep[g])
			continue;
		glyph(f, g, &d, &len);
		kesu_store_be32(loca->p + 4 * (size_t)newnum[g], (uint32_t)o);
		memcpy(glyf->p + o, d, len);
		int rc;
		while ((rc = next_component(f, d, len, &pos, &at)) == 1)
			kesu_store_be16(glyf->p + o + at, (uint16_t)newnum[kesu_load_be16(d + at)]);
		if (rc < 0)
			return rc;
		o += (len + 3) / 4 * 4;
	}
	kesu_store_be32(loca->p + 4 * (size_t)k, (uint32_t)o);
	glyf->len = total;
	loca->len = 4 * ((size_t)k + 1);
	return 0;
}

/* hmtx with a full metric per kept glyph; hhea, maxp and head saying so. */
static int build_metrics(struct font *f, const bool *keep, unsigned k, struct out_table *t)
{
	struct out_table *hmtx = &t[0], *hhea = &t[1], *maxp = &t[2], *head = &t[3];
	hmtx->p = malloc(4 * (size_t)k);
	hhea->p = malloc(f->hhea.len);
	maxp->p = malloc(f->maxp.len);
	head->p = malloc(f->head.len);
	if (!hmtx->p || !hhea->p || !maxp->p || !head->p)
		return -ENOMEM;
	size_t o = 0;
	for (unsigned g = 0; g < f->nglyphs; g++) {
		if (!keep[g])
			continue;
		unsigned m = g < f->nhm ? g : f->nhm - 1; /* past nhm: the last advance */
		memcpy(hmtx->p + o, f->hmtx.p + 4 * (size_t)m, 2);
		const uint8_t *lsb = g < f->nhm ? f->hmtx.p + 4 * (size_t)g + 2
						: f->hmtx.p + 4 * (size_t)f->nhm + 2 * (size_t)(g - f->nhm);
		memcpy(hmtx->p + o + 2, lsb, 2);
		o += 4;
	}
	hmtx->len = o;
	memcpy(hhea->p, f->hhea.p, hhea->len = f->hhea.len);
	kesu_store_be16(hhea->p + 34, (uint16_t)k);
	memcpy(maxp->p, f->maxp.p, maxp->len = f->maxp.len);
	kesu_store_be16(maxp->p + 4, (uint16_t)k);
	memcpy(head->p, f->head.p, head->len = f->head.len);
	kesu_store_be32(head->p + 8, 0);   /* checkSumAdjustment: set at the end */
	kesu_store_be16(head->p + 50, 1); /* indexToLocFormat: long */
	return 0;
}

/* The directory and the tables, padded to 4 bytes, with checksums. */
static int assemble(struct out_table *t, size_t n, unsigned char **out, size_t *out_len)
{
	qsort(t, n, sizeof(*t), tag_order);
	size_t total = 12 + 16 * n, head_at = 0;
	for (size_t i = 0; i < n; i++)
		total += (t[i].len + 3) / 4 * 4;
	uint8_t *b = calloc(1, total);
	if (!b)
		return -ENOMEM;
	unsigned pow2 = 1, log2 = 0;
	while (pow2 * 2 <= n)
		pow2 *= 2, log2++;
	kesu_store_be32(b, 0x00010000);
	kesu_store_be16(b + 4, (uint16_t)n);
	kesu_store_be16(b + 6, (uint16_t)(16 * pow2));
	kesu_store_be16(b + 8, (uint16_t)log2);
	kesu_store_be16(b + 10, (uint16_t)(16 * (n - pow2)));
	size_t o = 12 + 16 * n;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *src = t[i].p ? t[i].p : t[i].src;
		uint8_t *rec = b + 12 + 16 * i;
		memcpy(b + o, src, t[i].len);
		kesu_store_be32(rec, t[i].tag);
		kesu_store_be32(rec + 4, checksum(b + o, t[i].len));
		kesu_store_be32(rec + 8, (uint32_t)o);
		kesu_store_be32(rec + 12, (uint32_t)t[i].len);
		if (t[i].tag == TAG('h', 'e', 'a', 'd'))
			head_at = o;
		o += (t[i].len + 3) / 4 * 4;
	}
	kesu_store_be32(b + head_at + 8, 0xB1B0AFBAu - checksum(b, total));
	*out = b;
	*out_len = total;
	return 0;
}

/* An empty cmap: a (3,1) format 4 subtable with only the final segment.
 * The PDF reaches glyphs through CIDToGIDMap; this only satisfies font
 * checkers that want every TrueType font to have a cmap. */
static void empty_cmap(uint8_t c[36])
{
	memset(c, 0, 36);
	kesu_store_be16(c + 2, 1);       /* numTables */
	kesu_store_be16(c + 4, 3);       /* Windows */
	kesu_store_be16(c + 6, 1);       /* Unicode BMP */
	kesu_store_be32(c + 8, 12);      /* offset */
	kesu_store_be16(c + 12, 4);      /* format */
	kesu_store_be16(c + 14, 24);     /* length */
	kesu_store_be16(c + 18, 2);      /* segCountX2 */
	kesu_store_be16(c + 20, 2);      /* searchRange */
	kesu_store_be16(c + 26, 0xffff); /* endCode */
	kesu_store_be16(c + 30, 0xffff); /* startCode */
	kesu_store_be16(c + 32, 1);      /* idDelta */
}

/* Tables kept as they are, post as version 3 (no glyph names), an empty
 * cmap. */
static size_t kept_tables(struct font *f, struct out_table *t, uint8_t post[32], uint8_t cmap[36])
{
	const struct table *same[] = {&f->os2, &f->name, &f->cvt, &f->fpgm, &f->prep};
	size_t n = 0;
	for (size_t i = 0; i < sizeof(same) / sizeof(*same); i++)
		if (same[i]->p)
			t[n++] = (struct out_table){same[i]->tag, NULL, same[i]->p, same[i]->len};
	memset(post, 0, 32);
	if (f->post.len >= 32)
		memcpy(post, f->post.p, 32);
	kesu_store_be32(post, 0x00030000);
	t[n++] = (struct out_table){TAG('p', 'o', 's', 't'), NULL, post, 32};
	empty_cmap(cmap);
	t[n++] = (struct out_table){TAG('c', 'm', 'a', 'p'), NULL, cmap, 36};
	return n;
}

int Kesu_ttf_subset(const unsigned char *ttf, size_t len, const unsigned *gids, size_t n,
		    unsigned *newgid, unsigned char **out, size_t *out_len, char *err,
		    size_t errsize)
{
	struct font f = {.err = err, .errsize = errsize};
	struct out_table t[13] = {{0}};
	uint8_t post[32], cmap[36];
	int rc = read_directory(&f, ttf, len);
	if (rc)
		return rc;
	bool *keep = calloc(f.nglyphs, sizeof(*keep));
	unsigned *newnum = calloc(f.nglyphs, sizeof(*newnum)), k = 0;
	rc = keep && newnum ? 0 : -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (gids[i] >= f.nglyphs)
			rc = bad(&f, "a glyph the text uses is not in the font");
		else
			keep[gids[i]] = true;
	if (rc == 0) {
		keep[0] = true;
		rc = close_over_components(&f, keep);
	}
	for (unsigned g = 0; rc == 0 && g < f.nglyphs; g++)
		if (keep[g])
			newnum[g] = k++;
	if (rc == 0 && k > TTF_SUBSET_GLYPHS_MAX)
		rc = -E2BIG;
	size_t nt = 0;
	if (rc == 0) {
		nt = kept_tables(&f, t, post, cmap);
		t[nt] = (struct out_table){.tag = TAG('g', 'l', 'y', 'f')};
		t[nt + 1] = (struct out_table){.tag = TAG('l', 'o', 'c', 'a')};
		rc = build_glyf(&f, keep, newnum, k, &t[nt], &t[nt + 1]);
		nt += 2;
	}
	if (rc == 0) {
		t[nt] = (struct out_table){.tag = TAG('h', 'm', 't', 'x')};
		t[nt + 1] = (struct out_table){.tag = TAG('h', 'h', 'e', 'a')};
		t[nt + 2] = (struct out_table){.tag = TAG('m', 'a', 'x', 'p')};
		t[nt + 3] = (struct out_table){.tag = TAG('h', 'e', 'a', 'd')};
		rc = build_metrics(&f, keep, k, &t[nt]);
		nt += 4;
	}
	if (rc == 0)
		rc = assemble(t, nt, out, out_len);
	for (size_t i = 0; rc == 0 && i < n; i++)
		newgid[i] = newnum[gids[i]];
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		free(t[i].p);
	free(keep);
	free(newnum);
	return rc;
}

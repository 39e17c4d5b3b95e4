/* Font subsets for a copied page: the codes its text shows (the hex
 * strings of its content, two bytes each under Identity-H) decide which
 * glyphs each CIDFontType2 keeps; its FontFile2, CIDToGIDMap and /W are
 * replaced (overrides, pdf_objcopy.h) by ones for those glyphs only. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "pdf_objcopy.h"
#include "ttf_subset.h"
#include "../i18n.h"

#define CODES 65536
#define FONT_MAX (12u << 20) /* decoded bytes of one font program */

/* Every two-byte code in the hex strings of the page's content ("<...>",
 * not "<<"): a superset of each font's codes is safe, as a glyph kept
 * unused costs only its bytes. */
static int used_codes(struct pdf_copy *c, const struct pv *page, uint8_t *used)
{
	struct pdf_reader *r = &c->r;
	const struct pv *cv = Kesu_pdf_dict_get(page, "Contents"), *refs = cv;
	struct pdf_obj first;
	struct pv v = {0};
	size_t n = 1;
	int rc = !cv ? Kesu_pdf_fail(r, _("the page has no /Contents"))
	       : cv->type == PV_REF ? Kesu_pdf_load(r, cv->u.ref.num, &first) : 0;
	if (rc)
		return rc;
	if (cv->type != PV_REF || !first.data) { /* an array of streams */
		rc = Kesu_pdf_resolve(r, cv, &v);
		if (rc)
			return rc;
		if (v.type != PV_ARRAY)
			return Kesu_pdf_fail(r, _("the page's /Contents is not a stream or an array"));
		refs = v.u.items;
		n = v.n;
	}
	for (size_t i = 0; i < n; i++) {
		struct pdf_obj o;
		unsigned char *d = NULL;
		size_t len = 0;
		if (refs[i].type != PV_REF)
			return Kesu_pdf_fail(r, _("the page's /Contents holds a direct value"));
		rc = Kesu_pdf_load(r, refs[i].u.ref.num, &o);
		rc = rc ? rc : Kesu_pdf_stream_data(r, &o, 4u << 20, &d, &len);
		if (rc)
			return rc;
		for (size_t k = 0; k < len; k++) {
			if (d[k] != '<' || (k + 1 < len && d[k + 1] == '<')) {
				k += d[k] == '<'; /* "<<": both brackets */
				continue;
			}
			unsigned digits = 0, code = 0;
			for (k++; k < len && d[k] != '>'; k++) {
				int x = d[k] >= '0' && d[k] <= '9'   ? d[k] - '0'
					: d[k] >= 'a' && d[k] <= 'f' ? d[k] - 'a' + 10
					: d[k] >= 'A' && d[k] <= 'F' ? d[k] - 'A' + 10
								     : -1;
				if (x < 0)
					continue;
				code = code << 4 | (unsigned)x;
				if (++digits % 4 == 0) {
					used[code >> 3] |= (uint8_t)(1u << (code & 7));
					code = 0;
				}
			}
		}
		free(d);
	}
	return 0;
}

/* A copy of dict with key set to value (replaced, or added at the end). */
static const struct pv *dict_with(struct pdf_copy *c, const struct pv *dict, const char *key,
				  struct pv value)
{
	struct pv *d = Kesu_pdf_copy_own(c, malloc(sizeof(*d)));
	struct pv *items = Kesu_pdf_copy_own(c, malloc((2 * dict->n + 2) * sizeof(*items)));
	if (!d || !items)
		return NULL;
	memcpy(items, dict->u.items, 2 * dict->n * sizeof(*items));
	*d = *dict;
	d->u.items = items;
	struct pv *slot = (struct pv *)Kesu_pdf_dict_get(d, key);
	if (!slot) {
		items[2 * d->n] = (struct pv){.type = PV_NAME, .n = strlen(key),
					      .u.s = (const unsigned char *)key};
		slot = &items[2 * d->n + 1];
		d->n++;
	}
	*slot = value;
	return d;
}

/* Compressed data owned by c. */
static int deflated(struct pdf_copy *c, const unsigned char *data, size_t len,
		    const unsigned char **out, size_t *out_len)
{
	uLongf n = compressBound((uLong)len);
	unsigned char *z = Kesu_pdf_copy_own(c, malloc(n));
	if (!z || compress2(z, &n, data, (uLong)len, 9) != Z_OK)
		return -ENOMEM;
	*out = z;
	*out_len = n;
	return 0;
}

/* The width of cid in a /W array ("c [w1 w2 ...]" and "c1 c2 w" forms),
 * else dw. */
static long long width_of(const struct pv *w, unsigned cid, long long dw)
{
	for (size_t i = 0; w && w->type == PV_ARRAY && i + 1 < w->n;) {
		const struct pv *a = &w->u.items[i], *b = &w->u.items[i + 1];
		if (a->type != PV_INT)
			return dw;
		if (b->type == PV_ARRAY) {
			if (cid >= a->u.i && cid < a->u.i + (long long)b->n &&
			    b->u.items[cid - a->u.i].type == PV_INT)
				return b->u.items[cid - a->u.i].u.i;
			i += 2;
		} else if (i + 2 < w->n && b->type == PV_INT && w->u.items[i + 2].type == PV_INT) {
			if (cid >= a->u.i && cid <= b->u.i)
				return w->u.items[i + 2].u.i;
			i += 3;
		} else {
			return dw;
		}
	}
	return dw;
}

/* /W for the used codes: "c [w1 w2 ...]" for each run of them. */
static int new_widths(struct pdf_copy *c, const struct pv *old, long long dw, const uint8_t *used,
		      struct pv *w)
{
	size_t runs = 0, codes = 0;
	for (unsigned cid = 0; cid < CODES; cid++)
		if (used[cid >> 3] & (1u << (cid & 7))) {
			codes++;
			runs += cid == 0 || !(used[(cid - 1) >> 3] & (1u << ((cid - 1) & 7)));
		}
	struct pv *items = Kesu_pdf_copy_own(c, malloc((2 * runs + codes + 1) * sizeof(*items)));
	if (!items)
		return -ENOMEM;
	struct pv *widths = items + 2 * runs, *run = NULL;
	size_t n = 0;
	for (unsigned cid = 0; cid < CODES; cid++) {
		if (!(used[cid >> 3] & (1u << (cid & 7)))) {
			run = NULL;
			continue;
		}
		if (!run) {
			items[n++] = (struct pv){.type = PV_INT, .u.i = cid};
			run = &items[n++];
			*run = (struct pv){.type = PV_ARRAY, .n = 0, .u.items = widths};
		}
		*widths++ = (struct pv){.type = PV_INT, .u.i = width_of(old, cid, dw)};
		run->n++;
	}
	*w = (struct pv){.type = PV_ARRAY, .n = n, .u.items = items};
	return 0;
}

/* "ABCDEF+IPAexGothic": a subset tag from the subset's bytes (FNV-1a), so
 * the same subset gets the same name and different ones differ. */
static int subset_name(struct pdf_copy *c, const struct pv *base, const unsigned char *font,
		       size_t len, struct pv *name)
{
	uint64_t h = 0xcbf29ce484222325u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ font[i]) * 0x100000001b3u;
	const unsigned char *rest = base && base->type == PV_NAME ? base->u.s : NULL;
	size_t rn = rest ? base->n : 0;
	if (rn > 7 && rest[6] == '+')
		rest += 7, rn -= 7; /* the tag libharu gave it */
	unsigned char *s = Kesu_pdf_copy_own(c, malloc(7 + rn + 1));
	if (!s)
		return -ENOMEM;
	for (int i = 0; i < 6; i++, h /= 26)
		s[i] = (unsigned char)('A' + h % 26);
	s[6] = '+';
	if (rn)
		memcpy(s + 7, rest, rn);
	s[7 + rn] = '\0';
	*name = (struct pv){.type = PV_NAME, .n = 7 + rn, .u.s = s};
	return 0;
}

/* A Type0 font's parts, by object number, when it is one this can subset:
 * an Identity-H Type0 font over one CIDFontType2 with an embedded
 * FontFile2 and a CIDToGIDMap stream. */
struct cidfont {
	unsigned t, d, f, ff, map;
	struct pdf_obj tv, dv, fv, ffv, mapv;
};

static bool ref_of(const struct pv *dict, const char *key, unsigned *num)
{
	const struct pv *v = Kesu_pdf_dict_get(dict, key);
	if (!v || v->type != PV_REF)
		return false;
	*num = v->u.ref.num;
	return true;
}

/* 1 when t is such a font (x filled), 0 when not, or an error. */
static int parts(struct pdf_copy *c, unsigned t, struct cidfont *x)
{
	struct pdf_reader *r = &c->r;
	struct pv kids;
	x->t = t;
	int rc = Kesu_pdf_load(r, t, &x->tv);
	if (rc)
		return rc;
	const struct pv *dk = Kesu_pdf_dict_get(&x->tv.v, "DescendantFonts");
	if (!Kesu_pdf_is_name(Kesu_pdf_dict_get(&x->tv.v, "Subtype"), "Type0") ||
	    !Kesu_pdf_is_name(Kesu_pdf_dict_get(&x->tv.v, "Encoding"), "Identity-H") || !dk)
		return 0;
	if ((rc = Kesu_pdf_resolve(r, dk, &kids)))
		return rc;
	if (kids.type != PV_ARRAY || kids.n != 1 || kids.u.items[0].type != PV_REF)
		return 0;
	x->d = kids.u.items[0].u.ref.num;
	if ((rc = Kesu_pdf_load(r, x->d, &x->dv)))
		return rc;
	if (!Kesu_pdf_is_name(Kesu_pdf_dict_get(&x->dv.v, "Subtype"), "CIDFontType2") ||
	    !ref_of(&x->dv.v, "FontDescriptor", &x->f) || !ref_of(&x->dv.v, "CIDToGIDMap", &x->map))
		return 0;
	if ((rc = Kesu_pdf_load(r, x->f, &x->fv)) || (rc = Kesu_pdf_load(r, x->map, &x->mapv)))
		return rc;
	if (!ref_of(&x->fv.v, "FontFile2", &x->ff))
		return 0;
	if ((rc = Kesu_pdf_load(r, x->ff, &x->ffv)))
		return rc;
	return x->ffv.data && x->mapv.data ? 1 : 0;
}

/* The new CIDToGIDMap (codes up to the largest used) and the subset font
 * program, both compressed and owned by c; *name: the subset's BaseFont. */
static int cut(struct pdf_copy *c, struct cidfont *x, const uint8_t *used,
	       const unsigned char *font, size_t font_len, const unsigned char *map,
	       size_t map_len, struct pdf_override *ffo, struct pdf_override *mapo, struct pv *name)
{
	unsigned *cids = malloc(CODES * sizeof(*cids)), *gids = malloc(CODES * sizeof(*gids));
	unsigned *newgid = malloc(CODES * sizeof(*newgid));
	unsigned char *sub = NULL, *newmap = NULL;
	size_t n = 0, sub_len = 0;
	int rc = cids && gids && newgid ? 0 : -ENOMEM;
	for (unsigned cid = 0; rc == 0 && cid < CODES; cid++)
		if (used[cid >> 3] & (1u << (cid & 7))) {
			cids[n] = cid;
			gids[n++] = 2 * (size_t)cid + 1 < map_len ? kesu_load_be16(map + 2 * cid) : 0;
		}
	if (rc == 0)
		rc = Kesu_ttf_subset(font, font_len, gids, n, newgid, &sub, &sub_len, c->r.err,
				     c->r.errsize);
	size_t map_n = n ? 2 * ((size_t)cids[n - 1] + 1) : 2;
	if (rc == 0 && !(newmap = calloc(1, map_n)))
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++)
		kesu_store_be16(newmap + 2 * cids[i], (uint16_t)newgid[i]);
	*ffo = (struct pdf_override){.num = x->ff, .stream = true};
	*mapo = (struct pdf_override){.num = x->map, .stream = true};
	if (rc == 0)
		rc = deflated(c, sub, sub_len, &ffo->data, &ffo->len);
	if (rc == 0)
		rc = deflated(c, newmap, map_n, &mapo->data, &mapo->len);
	if (rc == 0)
		rc = subset_name(c, Kesu_pdf_dict_get(&x->dv.v, "BaseFont"), sub, sub_len, name);
	struct pv *items = NULL;
	if (rc == 0) { /* << /Length1 n /Filter /FlateDecode >> */
		items = Kesu_pdf_copy_own(c, malloc(4 * sizeof(*items)));
		rc = items ? 0 : -ENOMEM;
	}
	if (rc == 0) {
		items[0] = (struct pv){.type = PV_NAME, .n = 7, .u.s = (const unsigned char *)"Length1"};
		items[1] = (struct pv){.type = PV_INT, .u.i = (long long)sub_len};
		items[2] = (struct pv){.type = PV_NAME, .n = 6, .u.s = (const unsigned char *)"Filter"};
		items[3] = (struct pv){.type = PV_NAME, .n = 11,
				       .u.s = (const unsigned char *)"FlateDecode"};
		ffo->v = (struct pv){.type = PV_DICT, .n = 2, .u.items = items};
		mapo->v = (struct pv){.type = PV_DICT, .n = 1, .u.items = items + 2};
	}
	free(cids), free(gids), free(newgid), free(sub), free(newmap);
	return rc;
}

static int subset_font(struct pdf_copy *c, unsigned t, const uint8_t *used)
{
	struct pdf_reader *r = &c->r;
	struct cidfont x;
	struct pdf_override o[5];
	unsigned char *font = NULL, *map = NULL;
	size_t font_len = 0, map_len = 0;
	struct pv name, w;
	int rc = parts(c, t, &x);
	if (rc <= 0)
		return rc;
	rc = Kesu_pdf_stream_data(r, &x.ffv, FONT_MAX, &font, &font_len);
	rc = rc ? rc : Kesu_pdf_stream_data(r, &x.mapv, 2 * CODES, &map, &map_len);
	rc = rc ? rc : cut(c, &x, used, font, font_len, map, map_len, &o[0], &o[1], &name);
	free(font);
	free(map);
	const struct pv *dw = Kesu_pdf_dict_get(&x.dv.v, "DW");
	rc = rc ? rc : new_widths(c, Kesu_pdf_dict_get(&x.dv.v, "W"),
				  dw && dw->type == PV_INT ? dw->u.i : 1000, used, &w);
	if (rc)
		return rc;
	const struct pv *tv = dict_with(c, &x.tv.v, "BaseFont", name);
	const struct pv *dv = dict_with(c, &x.dv.v, "BaseFont", name);
	dv = dv ? dict_with(c, dv, "W", w) : NULL;
	const struct pv *fv = dict_with(c, &x.fv.v, "FontName", name);
	if (!tv || !dv || !fv)
		return -ENOMEM;
	o[2] = (struct pdf_override){.num = x.t, .v = *tv};
	o[3] = (struct pdf_override){.num = x.d, .v = *dv};
	o[4] = (struct pdf_override){.num = x.f, .v = *fv};
	for (int i = 0; rc == 0 && i < 5; i++)
		rc = Kesu_pdf_copy_override(c, &o[i]);
	return rc == -ENOSPC ? Kesu_pdf_fail(r, _("too many fonts to subset")) : rc;
}

int Kesu_pdf_copy_subset_fonts(struct pdf_copy *c)
{
	struct pv page, res, fonts;
	uint8_t *used = calloc(1, CODES / 8);
	int rc = used ? Kesu_pdf_copy_first_page(c, &page) : -ENOMEM;
	rc = rc ? rc : used_codes(c, &page, used);
	const struct pv *rv = rc ? NULL : Kesu_pdf_dict_get(&page, "Resources");
	const struct pv *fv = NULL;
	if (rv && (rc = Kesu_pdf_resolve(&c->r, rv, &res)) == 0)
		fv = Kesu_pdf_dict_get(&res, "Font");
	if (fv && (rc = Kesu_pdf_resolve(&c->r, fv, &fonts)) == 0 && fonts.type == PV_DICT)
		for (size_t i = 0; rc == 0 && i < fonts.n; i++)
			if (fonts.u.items[2 * i + 1].type == PV_REF)
				rc = subset_font(c, fonts.u.items[2 * i + 1].u.ref.num, used);
	free(used);
	return rc;
}

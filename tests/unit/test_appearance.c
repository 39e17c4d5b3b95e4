/* The visible signature appearance (src/lib/pades/appearance.c): objects
 * numbered first..first+count-1 whose every reference stays in that range,
 * the same text giving the same bytes, long Japanese names fitting, bad
 * UTF-8 refused, and the objects wrapped into a one-page PDF that qpdf
 * --check finds clean and pdftotext reads the signer's name from. The font
 * subset (ttf_subset.c) renders exactly as the whole font does, keeps each
 * glyph byte for byte, renumbers composite glyphs' components, checksums
 * right, and refuses damaged fonts.
 *
 * KESU_APPEARANCE_OUT=DIR keeps the wrapped PDFs in DIR (to look at). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "appearance.h"
#include "byteorder.h"
#include "kesu/error.h"
#include "kesu/pdf.h"
#include "pdf_objcopy.h"
#include "pdf_parse.h"
#include "ttf_subset.h"

static char dir[64];

static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-appearance.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(appearance, .init = setup, .fini = teardown, .timeout = 120);

static const struct pades_appearance_text witness = {
	.role_ja = "立会者",
	.role_en = "Witness",
	.signer = "山田 太郎 (Taro Yamada)",
	.when = "2026-12-06 16:30 +09:00",
	.reason = "消去に立ち会いました / witnessed the erasure",
};

/* 64 characters: the upper bound of an X.509 common name */
#define LONG_NAME                                                                                  \
	"寿限無寿限無五劫の擦り切れ海砂利水魚の水行末雲来末風来末食う寝る処に住む処藪ら柑子の藪柑子" \
	"パイポパイポパイポのシューリンガン"

static void make(const struct pades_appearance_text *t, float w, float h, unsigned first,
		 struct pades_objects *o)
{
	char err[256] = "";
	int rc = Kesu_pades_appearance(t, w, h, first, o, err, sizeof(err));
	cr_assert_eq(rc, 0, "rc %d: %s", rc, err);
	cr_assert_eq(o->first, first);
	cr_assert_eq(o->form, first);
	cr_assert_gt(o->count, 1);
	cr_assert_gt(o->len, 0);
}

/* Every reference in v points into [lo, hi]. */
static void check_refs(const struct pv *v, unsigned lo, unsigned hi)
{
	switch (v->type) {
	case PV_REF:
		cr_assert(v->u.ref.num >= lo && v->u.ref.num <= hi && v->u.ref.gen == 0,
			  "reference %u %u R outside %u..%u", v->u.ref.num, v->u.ref.gen, lo, hi);
		break;
	case PV_ARRAY:
		for (size_t i = 0; i < v->n; i++)
			check_refs(&v->u.items[i], lo, hi);
		break;
	case PV_DICT:
		for (size_t i = 0; i < 2 * v->n; i++)
			check_refs(&v->u.items[i], lo, hi);
		break;
	default:
		break;
	}
}

/* Each offset starts its own "N 0 obj", each object parses, and every
 * reference inside stays among the objects. */
static void check_objects(const struct pades_objects *o)
{
	struct pdf_reader r;
	char err[256] = "";
	unsigned last = o->first + o->count - 1;
	cr_assert_eq(Kesu_pdf_reader_open(&r, o->data, o->len, err, sizeof(err)), 0, "%s", err);
	for (unsigned i = 0; i < o->count; i++) {
		char head[32];
		int n = snprintf(head, sizeof(head), "%u 0 obj\n", o->first + i);
		cr_assert_lt(o->offsets[i], o->len);
		cr_assert_eq(memcmp(o->data + o->offsets[i], head, (size_t)n), 0,
			     "object %u is not at its offset", o->first + i);
		struct pdf_obj obj;
		cr_assert_eq(Kesu_pdf_load(&r, o->first + i, &obj), 0, "object %u: %s", o->first + i,
			     err);
		check_refs(&obj.v, o->first, last);
		if (obj.data) { /* /Length direct and landing on endstream */
			const struct pv *len = Kesu_pdf_dict_get(&obj.v, "Length");
			cr_assert(len && len->type == PV_INT, "object %u: /Length not direct",
				  o->first + i);
			unsigned char *d = NULL;
			size_t dn = 0;
			cr_assert_eq(Kesu_pdf_stream_data(&r, &obj, 8u << 20, &d, &dn), 0,
				     "object %u: %s", o->first + i, err);
			free(d);
		}
	}
	struct pdf_obj form;
	cr_assert_eq(Kesu_pdf_load(&r, o->form, &form), 0);
	cr_assert(Kesu_pdf_is_name(Kesu_pdf_dict_get(&form.v, "Subtype"), "Form"));
	cr_assert_not_null(Kesu_pdf_dict_get(&form.v, "Resources"));
	Kesu_pdf_reader_close(&r);
}

struct buf {
	char *p;
	size_t len;
};

static void add(struct buf *b, const void *s, size_t n)
{
	b->p = realloc(b->p, b->len + n + 1);
	cr_assert_not_null(b->p);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void addf(struct buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	add(b, tmp, (size_t)n);
}

/* A one-page PDF (objects 1-4) drawing the form (numbered from 5) at
 * 40, 30 with /Fm0 Do, with its cross-reference table. */
static void wrap_pdf(const struct pades_objects *o, float w, float h, const char *path)
{
	struct buf b = {0};
	size_t off[5];
	char content[128];
	cr_assert_eq(o->first, 5);
	snprintf(content, sizeof(content), "q 1 0 0 1 40 30 cm /Fm0 Do Q\n");
	add(&b, "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", 15);
	off[1] = b.len;
	addf(&b, "1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n");
	off[2] = b.len;
	addf(&b, "2 0 obj\n<</Type /Pages /Kids [3 0 R] /Count 1>>\nendobj\n");
	off[3] = b.len;
	addf(&b, "3 0 obj\n<</Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] "
		 "/Resources <</XObject <</Fm0 %u 0 R>>>> /Contents 4 0 R>>\nendobj\n",
	     (double)w + 80, (double)h + 60, o->form);
	off[4] = b.len;
	addf(&b, "4 0 obj\n<</Length %zu>>\nstream\n%sendstream\nendobj\n", strlen(content),
	     content);
	size_t base = b.len;
	add(&b, o->data, o->len);
	size_t xref = b.len;
	unsigned size = o->first + o->count;
	addf(&b, "xref\n0 %u\n0000000000 65535 f \n", size);
	for (unsigned i = 1; i < size; i++)
		addf(&b, "%010zu 00000 n \n", i < 5 ? off[i] : base + o->offsets[i - 5]);
	addf(&b, "trailer\n<</Size %u /Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", size, xref);
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f);
	cr_assert_eq(fwrite(b.p, 1, b.len, f), b.len);
	cr_assert_eq(fclose(f), 0);
	free(b.p);
}

static bool have(const char *tool)
{
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	return system(cmd) == 0;
}

/* The output of cmd, whitespace removed (pdftotext breaks wrapped lines). */
static char *run_squeezed(const char *cmd, int *status)
{
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	char *out = calloc(1, 1 << 16);
	size_t n = 0;
	int c;
	while ((c = fgetc(f)) != EOF && n < (1 << 16) - 1)
		if (c != ' ' && c != '\n' && c != '\f' && c != '\r')
			out[n++] = (char)c;
	*status = pclose(f);
	return out;
}

static char *squeeze(const char *s)
{
	char *out = calloc(1, strlen(s) + 1);
	for (size_t n = 0; *s; s++)
		if (*s != ' ')
			out[n++] = *s;
	return out;
}

/* Wraps o into a PDF, checks it with qpdf and finds want in pdftotext's text. */
static void check_tools(const struct pades_objects *o, float w, float h, const char *name,
			const char *want)
{
	char path[128], cmd[512];
	const char *keep = getenv("KESU_APPEARANCE_OUT");
	snprintf(path, sizeof(path), "%s/%s.pdf", keep && keep[0] ? keep : dir, name);
	wrap_pdf(o, w, h, path);
	int status;
	if (have("qpdf")) {
		snprintf(cmd, sizeof(cmd), "qpdf --check '%s' 2>&1", path);
		char *out = run_squeezed(cmd, &status);
		cr_assert_eq(status, 0, "qpdf --check %s: %s", path, out);
		cr_assert_null(strstr(out, "WARNING"), "qpdf --check %s: %s", path, out);
		cr_assert_not_null(strstr(out, "Nosyntaxorstreamencodingerrorsfound"), "qpdf --check %s: %s", path, out);
		free(out);
	} else {
		cr_log_warn("qpdf not installed: the PDF check is skipped");
	}
	if (have("pdftotext")) {
		snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 '%s' - 2>&1", path);
		char *out = run_squeezed(cmd, &status), *need = squeeze(want);
		cr_assert_eq(status, 0, "pdftotext %s: %s", path, out);
		cr_assert_not_null(strstr(out, need), "pdftotext %s: \"%s\" not in \"%s\"", path, need,
				   out);
		cr_assert_null(strstr(out, "Syntax"), "pdftotext %s: %s", path, out);
		free(need);
		free(out);
	} else {
		cr_log_warn("pdftotext not installed: the text check is skipped");
	}
}

Test(appearance, numbered_in_range)
{
	struct pades_objects o;
	make(&witness, 120, 57, 37, &o);
	check_objects(&o);
	fprintf(stderr, "appearance: %u objects, %zu bytes (120 x 57 pt, witness)\n", o.count,
		o.len);
	Kesu_pades_objects_free(&o);
}

Test(appearance, same_text_same_bytes)
{
	struct pades_objects a, b, c;
	make(&witness, 120, 57, 5, &a);
	make(&witness, 120, 57, 5, &b);
	cr_assert_eq(a.len, b.len);
	cr_assert_eq(a.count, b.count);
	cr_assert_eq(memcmp(a.data, b.data, a.len), 0);
	cr_assert_eq(memcmp(a.offsets, b.offsets, a.count * sizeof(*a.offsets)), 0);
	struct pades_appearance_text other = witness;
	other.signer = "山田 花子 (Hanako Yamada)";
	make(&other, 120, 57, 5, &c);
	cr_assert(c.len != a.len || memcmp(c.data, a.data, a.len) != 0);
	Kesu_pades_objects_free(&a);
	Kesu_pades_objects_free(&b);
	Kesu_pades_objects_free(&c);
}

Test(appearance, pdf_tools_read_it)
{
	struct pades_objects o;
	make(&witness, 120, 57, 5, &o);
	check_tools(&o, 120, 57, "witness", "山田 太郎 (Taro Yamada)");
	Kesu_pades_objects_free(&o);
}

Test(appearance, long_japanese_name_fits)
{
	struct pades_appearance_text t = witness;
	struct pades_objects o;
	t.signer = LONG_NAME;
	t.role_ja = "承認者", t.role_en = "Approver";
	t.reason = "事前承認に基づく消去を承認しました / approved the erasure under the prior approval";
	make(&t, 120, 57, 5, &o);
	check_objects(&o);
	check_tools(&o, 120, 57, "long", LONG_NAME);
	Kesu_pades_objects_free(&o);
}

Test(appearance, no_role_no_reason)
{
	struct pades_appearance_text t = {.signer = "kesu station 7", .when = "令和8年12月6日 16:30"};
	struct pades_objects o;
	make(&t, 120, 57, 5, &o);
	check_tools(&o, 120, 57, "bare", "kesu station 7");
	Kesu_pades_objects_free(&o);
}

Test(appearance, invalid_utf8_refused)
{
	const char *bad[] = {"\xff", "山田\xe5\xb1", "\xc0\xaf", "\xed\xa0\x80"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct pades_appearance_text t = witness;
		struct pades_objects o;
		char err[256] = "";
		t.signer = bad[i];
		cr_assert_eq(Kesu_pades_appearance(&t, 120, 57, 5, &o, err, sizeof(err)),
			     -KESU_EPARSE);
		cr_assert_not_null(strstr(err, "signer"), "%s", err);
		cr_assert_not_null(strstr(err, "UTF-8"), "%s", err);
		cr_assert_null(o.data);
		t = witness;
		t.reason = bad[i];
		cr_assert_eq(Kesu_pades_appearance(&t, 120, 57, 5, &o, err, sizeof(err)),
			     -KESU_EPARSE);
		cr_assert_not_null(strstr(err, "reason"), "%s", err);
	}
}

Test(appearance, bad_arguments)
{
	struct pades_appearance_text t = witness;
	struct pades_objects o;
	char err[256] = "";
	t.signer = "";
	cr_assert_eq(Kesu_pades_appearance(&t, 120, 57, 5, &o, err, sizeof(err)), -EINVAL);
	cr_assert_not_null(strstr(err, "signer"), "%s", err);
	cr_assert_eq(Kesu_pades_appearance(&witness, 0, 57, 5, &o, err, sizeof(err)), -EINVAL);
	cr_assert_neq(Kesu_pades_appearance(&witness, 120, 57, 0, &o, err, sizeof(err)), 0);
}

/* pdftoppm's greyscale rendering of path, malloc'd. */
static unsigned char *raster(const char *path, size_t *len)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "pdftoppm -r 300 -gray '%s'", path);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	size_t cap = 1 << 20, n = 0, got;
	unsigned char *b = malloc(cap);
	while ((got = fread(b + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			b = realloc(b, cap *= 2);
	}
	cr_assert_eq(pclose(f), 0, "%s failed", cmd);
	cr_assert_gt(n, 1000);
	*len = n;
	return b;
}

/* The page copied with and without the font subset renders to the same
 * pixels, and the subset is a small part of the whole. */
Test(appearance, subset_renders_as_the_whole_font)
{
	if (!have("pdftoppm")) {
		cr_log_warn("pdftoppm not installed: the rendering check is skipped");
		return;
	}
	const char *names[] = {"山田 太郎 (Taro Yamada)", LONG_NAME,
			       "Ægir Þórsson-Müller ½ ﬁ № ① ㈱ 髙橋 﨑"};
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		struct pades_appearance_text t = witness;
		struct pades_objects whole, sub;
		unsigned char *pdf;
		size_t len;
		char err[256] = "", path[2][128];
		t.signer = names[i];
		cr_assert_eq(Kesu_pades_appearance_pdf(&t, 120, 57, &pdf, &len, err, sizeof(err)), 0,
			     "%s", err);
		for (int cut = 0; cut < 2; cut++) {
			struct pdf_copy c;
			cr_assert_eq(Kesu_pdf_copy_open(&c, pdf, len, err, sizeof(err)), 0, "%s", err);
			if (cut)
				cr_assert_eq(Kesu_pdf_copy_subset_fonts(&c), 0, "%s", err);
			cr_assert_eq(Kesu_pdf_copy_page_form(&c, 120, 57, 5, cut ? &sub : &whole), 0,
				     "%s", err);
			Kesu_pdf_copy_close(&c);
			snprintf(path[cut], sizeof(path[cut]), "%s/%s-%zu.pdf", dir,
				 cut ? "subset" : "whole", i);
			wrap_pdf(cut ? &sub : &whole, 120, 57, path[cut]);
		}
		check_objects(&sub);
		cr_assert_lt(sub.len * 10, whole.len, "subset %zu bytes, whole font %zu", sub.len,
			     whole.len);
		size_t na, nb;
		unsigned char *a = raster(path[0], &na), *b = raster(path[1], &nb);
		cr_assert(na == nb && memcmp(a, b, na) == 0, "%s renders differently with the subset",
			  names[i]);
		fprintf(stderr, "appearance %zu: %zu bytes with the subset, %zu with libharu's font\n",
			i, sub.len, whole.len);
		free(a), free(b), free(pdf);
		Kesu_pades_objects_free(&whole);
		Kesu_pades_objects_free(&sub);
	}
}

/* A font's table, or NULL. */
static const unsigned char *table(const unsigned char *f, size_t len, const char *tag, size_t *n)
{
	unsigned count = kesu_load_be16(f + 4);
	for (unsigned i = 0; i < count; i++) {
		const unsigned char *rec = f + 12 + 16 * i;
		if (memcmp(rec, tag, 4) == 0) {
			size_t off = kesu_load_be32(rec + 8);
			*n = kesu_load_be32(rec + 12);
			cr_assert_leq(off + *n, len);
			return f + off;
		}
	}
	return NULL;
}

static uint32_t sum32(const unsigned char *p, size_t len)
{
	uint32_t s = 0;
	for (size_t i = 0; i < len; i += 4) {
		unsigned char w[4] = {0};
		memcpy(w, p + i, len - i < 4 ? len - i : 4);
		s += kesu_load_be32(w);
	}
	return s;
}

/* Glyph g of a font: its bytes in glyf. */
static const unsigned char *glyph_of(const unsigned char *f, size_t len, unsigned g, size_t *n)
{
	size_t hn, ln, gn;
	const unsigned char *head = table(f, len, "head", &hn), *loca = table(f, len, "loca", &ln),
			    *glyf = table(f, len, "glyf", &gn);
	cr_assert(head && loca && glyf);
	size_t a, b;
	if (kesu_load_be16(head + 50)) {
		a = kesu_load_be32(loca + 4 * g), b = kesu_load_be32(loca + 4 * g + 4);
	} else {
		a = 2u * kesu_load_be16(loca + 2 * g), b = 2u * kesu_load_be16(loca + 2 * g + 2);
	}
	cr_assert_leq(b, gn);
	*n = b - a;
	return glyf + a;
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	unsigned char *b = malloc(*len);
	cr_assert_eq(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

/* The checks any subset passes: the whole-file checksum, each table's. */
static void check_sums(const unsigned char *f, size_t len)
{
	cr_assert_eq(sum32(f, len), 0xB1B0AFBAu, "checkSumAdjustment is wrong");
	unsigned count = kesu_load_be16(f + 4);
	for (unsigned i = 0; i < count; i++) {
		const unsigned char *rec = f + 12 + 16 * i;
		uint32_t want = kesu_load_be32(rec + 4);
		size_t off = kesu_load_be32(rec + 8), n = kesu_load_be32(rec + 12);
		unsigned char *copy = malloc(n + 4);
		memcpy(copy, f + off, n);
		if (memcmp(rec, "head", 4) == 0)
			memset(copy + 8, 0, 4);
		cr_assert_eq(sum32(copy, n), want, "table %.4s: bad checksum", rec);
		free(copy);
		if (i)
			cr_assert_gt(memcmp(rec, rec - 16, 4), 0, "tables not in tag order");
	}
}

Test(appearance, ttf_subset_keeps_glyphs)
{
	size_t len, out_len, sn, on, mn;
	const char *font = getenv("KESU_FONT");
	unsigned char *f = slurp(font && font[0] ? font : KESU_PDF_FONT_DEFAULT, &len), *out;
	unsigned gids[] = {3552, 39, 68, 39, 1943}, newgid[5];
	char err[256] = "";
	cr_assert_eq(Kesu_ttf_subset(f, len, gids, 5, newgid, &out, &out_len, err, sizeof(err)), 0,
		     "%s", err);
	unsigned expect[] = {4, 1, 2, 1, 3}; /* 0, 39, 68, 1943, 3552 */
	for (int i = 0; i < 5; i++)
		cr_assert_eq(newgid[i], expect[i], "glyph %u -> %u", gids[i], newgid[i]);
	check_sums(out, out_len);
	cr_assert_eq(kesu_load_be16(table(out, out_len, "maxp", &mn) + 4), 5);
	cr_assert_not_null(table(out, out_len, "cmap", &mn)); /* empty: maps nothing */
	cr_assert_eq(mn, 36);
	const unsigned char *hmtx = table(out, out_len, "hmtx", &mn), *old_hmtx = table(f, len, "hmtx", &on);
	for (int i = 0; i < 5; i++) {
		const unsigned char *s = glyph_of(f, len, gids[i], &sn), *o = glyph_of(out, out_len, newgid[i], &on);
		cr_assert_eq(on, (sn + 3) / 4 * 4);
		cr_assert_eq(memcmp(s, o, sn), 0, "glyph %u changed", gids[i]);
		/* these glyphs are below numberOfHMetrics: each has its own metric */
		cr_assert_eq(memcmp(hmtx + 4 * newgid[i], old_hmtx + 4 * gids[i], 4), 0);
	}
	cr_assert_lt(out_len, 20000);
	free(out);
	/* damaged: truncated, a glyph past the end, not a font */
	unsigned far = 60000;
	cr_assert_eq(Kesu_ttf_subset(f, 2000, gids, 5, newgid, &out, &out_len, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(Kesu_ttf_subset(f, len, &far, 1, newgid, &out, &out_len, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(Kesu_ttf_subset((const unsigned char *)"%PDF-1.7 not a font", 19, gids, 1,
				     newgid, &out, &out_len, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "font"), "%s", err);
	free(f);
}

/* A tiny TrueType font (short loca, 3 full metrics for 6 glyphs): 0, 1, 2
 * and 5 simple (marked by their 11th byte), 3 made of 2, 4 made of 3
 * (word arguments and a scale) and 5. */
static size_t tiny_font(unsigned char *b)
{
	unsigned char glyf[128] = {0}, loca[14], hmtx[18], head[54] = {0}, hhea[36] = {0},
		      maxp[32] = {0};
	size_t o = 0;
	for (unsigned g = 0; g < 6; g++) {
		kesu_store_be16(loca + 2 * g, (uint16_t)(o / 2));
		if (g == 3 || g == 4) {
			kesu_store_be16(glyf + o, 0xffff); /* numberOfContours -1 */
			size_t c = o + 10;
			if (g == 3) {
				kesu_store_be16(glyf + c, 0x0002), kesu_store_be16(glyf + c + 2, 2);
				c += 6;
			} else {
				kesu_store_be16(glyf + c, 0x0020 | 0x0001 | 0x0008 | 0x0002);
				kesu_store_be16(glyf + c + 2, 3);
				c += 10;
				kesu_store_be16(glyf + c, 0x0002), kesu_store_be16(glyf + c + 2, 5);
				c += 6;
			}
			o = (c + 3) / 4 * 4;
		} else {
			kesu_store_be16(glyf + o, 1);
			glyf[o + 10] = (unsigned char)(0xa0 + g);
			o += 12;
		}
	}
	kesu_store_be16(loca + 12, (uint16_t)(o / 2));
	for (unsigned i = 0; i < 3; i++)
		kesu_store_be16(hmtx + 4 * i, (uint16_t)(100 * (i + 1))), kesu_store_be16(hmtx + 4 * i + 2, (uint16_t)(i + 1));
	for (unsigned i = 3; i < 6; i++)
		kesu_store_be16(hmtx + 12 + 2 * (i - 3), (uint16_t)(i + 1));
	kesu_store_be32(head, 0x00010000), kesu_store_be32(head + 12, 0x5F0F3CF5);
	kesu_store_be16(hhea + 34, 3);
	kesu_store_be32(maxp, 0x00010000), kesu_store_be16(maxp + 4, 6);
	struct { const char *tag; const unsigned char *p; size_t n; } t[] = {
		{"glyf", glyf, o}, {"head", head, 54}, {"hhea", hhea, 36},
		{"hmtx", hmtx, 18}, {"loca", loca, 14}, {"maxp", maxp, 32}};
	kesu_store_be32(b, 0x00010000), kesu_store_be16(b + 4, 6);
	size_t at = 12 + 16 * 6;
	for (int i = 0; i < 6; i++) {
		memcpy(b + 12 + 16 * i, t[i].tag, 4);
		kesu_store_be32(b + 12 + 16 * i + 8, (uint32_t)at);
		kesu_store_be32(b + 12 + 16 * i + 12, (uint32_t)t[i].n);
		memcpy(b + at, t[i].p, t[i].n);
		at += (t[i].n + 3) / 4 * 4;
	}
	return at;
}

Test(appearance, ttf_subset_composites)
{
	unsigned char f[1024] = {0}, *out;
	size_t len = tiny_font(f), out_len, n, hn;
	unsigned gid = 4, newgid;
	char err[256] = "";
	cr_assert_eq(Kesu_ttf_subset(f, len, &gid, 1, &newgid, &out, &out_len, err, sizeof(err)), 0,
		     "%s", err);
	check_sums(out, out_len);
	/* kept: 0, 2 (in 3), 3 (in 4), 4, 5 (in 4), renumbered 0-4 */
	cr_assert_eq(newgid, 3);
	cr_assert_eq(kesu_load_be16(table(out, out_len, "maxp", &n) + 4), 5);
	cr_assert_eq(kesu_load_be16(table(out, out_len, "hhea", &n) + 34), 5);
	const unsigned char *g = glyph_of(out, out_len, 3, &n);
	cr_assert_eq(kesu_load_be16(g + 12), 2, "first component of 4: old 3 is now 2");
	cr_assert_eq(kesu_load_be16(g + 22), 4, "second component of 4: old 5 is now 4");
	g = glyph_of(out, out_len, 2, &n);
	cr_assert_eq(kesu_load_be16(g + 12), 1, "the component of 3: old 2 is now 1");
	cr_assert_eq(glyph_of(out, out_len, 1, &n)[10], 0xa2);
	cr_assert_eq(glyph_of(out, out_len, 4, &n)[10], 0xa5);
	/* metrics: glyph 4 past numberOfHMetrics takes the last advance (300) and its own lsb */
	const unsigned char *hmtx = table(out, out_len, "hmtx", &hn);
	cr_assert_eq(hn, 20);
	cr_assert_eq(kesu_load_be16(hmtx + 12), 300);
	cr_assert_eq(kesu_load_be16(hmtx + 14), 5);
	free(out);
	/* a component naming a glyph that is not there */
	const unsigned char *g4 = glyph_of(f, len, 4, &n);
	kesu_store_be16((unsigned char *)g4 + 22, 77);
	cr_assert_eq(Kesu_ttf_subset(f, len, &gid, 1, &newgid, &out, &out_len, err, sizeof(err)),
		     -KESU_EPARSE);
}

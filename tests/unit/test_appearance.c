/* The visible signature appearance (src/lib/pades/appearance.c): objects
 * numbered first..first+count-1 whose every reference stays in that range,
 * the same text giving the same bytes, long Japanese names fitting, bad
 * UTF-8 refused, and the objects wrapped into a one-page PDF that qpdf
 * --check finds clean and pdftotext reads the signer's name from.
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
#include "kesu/error.h"
#include "pdf_parse.h"

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

/* PAdES signatures of certificates (src/lib/pades, src/lib/cert_verify.c,
 * src/lib/cert_page.c): what may follow the first signature, and that
 * nothing follows the last. Each test takes a certificate that kesu
 * really rendered and signed (the fixture below), appends an incremental
 * update made by hand that does one kind of harm, and, where the harm
 * would otherwise be caught merely as "bytes after the last signature",
 * covers it with one more signature that is itself valid (a trusted
 * witness's key): then only the update check can catch it. Every attack
 * must make kesu_pades_verify fail (updates_ok false, or a signature not
 * ok) and kesu_cert_verify_with say INVALID; the genuine countersignatures
 * must pass.
 *
 * The classes covered: bytes or objects appended after the last
 * signature; an update that changes what a page shows (its content
 * streams, their lengths, its resources), the catalog, the trailer's
 * /Root, the attachments, the form, an earlier signature's dictionary or
 * widget, or adds annotations that are not signature widgets in the seal
 * boxes; cross-reference sections that free objects, or that are streams;
 * signatures whose /ByteRange is not [0, /Contents) + (/Contents, end of
 * revision]; and the page check (a first revision whose page is not the
 * one its signed payload renders to, a renderer that is not this kesu).
 *
 * The tests at the end are the holes this file found first, each with
 * its cause; all are fixed and run.
 *
 * KESU_PADES_OUT=DIR keeps each crafted file there (to show to qpdf or
 * pdfsig by hand). */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cms.h"
#include "kesu/cert.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/pades.h"
#include "kesu/pdf.h"
#include "kesu/x509.h"
#include "membuf.h"
#include "pades_pdf.h"
#include "pdf_parse.h"

#define CERTS KESU_FIXTURES "/certs"
#define ROOM 4096 /* bytes reserved for a hand-made signature's CMS */
#define BR_WIDTH 60

static char dir[64], err[KESU_ERRMSG_MAX];
static struct kesu_secret_key *station_sk;
static char *station_pub;
static size_t station_pub_len;
static struct kesu_signer *station, *witness;
static struct kesu_x509_anchors *anchors;

/* A PDF being built: a copy of a file and what is appended to it. */
struct doc {
	unsigned char *p;
	size_t len, cap;
};

static struct doc rendered; /* the certificate as rendered (success.json) */
static struct doc signed1; /* the same, signed by the station (operator) */

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static char *path_in(const char *name)
{
	static char buf[4][128];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static char *slurp(const char *path, size_t *len)
{
	char *text = NULL;
	size_t n = 0;
	cr_assert_eq(kesu_file_read_bounded(path, 1 << 20, 0, &text, &n, err, sizeof(err)), 0,
		     "%s", err);
	*len = n;
	return text;
}

static void put(struct doc *d, const void *data, size_t n)
{
	if (d->len + n + 1 > d->cap) {
		d->cap = 2 * (d->len + n + 1);
		d->p = realloc(d->p, d->cap);
		cr_assert_not_null(d->p);
	}
	memcpy(d->p + d->len, data, n);
	d->len += n;
	d->p[d->len] = '\0';
}

static void putf(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct doc *d, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	cr_assert_geq(n, 0);
	put(d, s, (size_t)n);
	free(s);
}

static struct doc copy_of(const struct doc *from)
{
	struct doc d = {0};
	put(&d, from->p, from->len);
	return d;
}

static void keep(const char *name, const struct doc *d)
{
	const char *out = getenv("KESU_PADES_OUT");
	char p[512];
	if (!out || !*out)
		return;
	snprintf(p, sizeof(p), "%s/%s.pdf", out, name);
	FILE *f = fopen(p, "wb");
	cr_assert_not_null(f, "%s: %s", p, strerror(errno));
	cr_assert_eq(fwrite(d->p, 1, d->len, f), d->len);
	fclose(f);
}

/* An X.509 identity made here: key, self-signed certificate, signer; its
 * certificate is trusted for any role. */
static struct kesu_signer *identity(const char *name, const char *cn)
{
	char key[160], crt[160];
	snprintf(key, sizeof(key), "%s/%s.x509.key", dir, name);
	snprintf(crt, sizeof(crt), "%s/%s.crt", dir, name);
	struct kesu_x509_subject subject = {0};
	snprintf(subject.common_name, sizeof(subject.common_name), "%s", cn);
	cr_assert_eq(kesu_x509_key_generate(key, KESU_X509_ECDSA_P256, NULL, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &subject, 30, time(NULL), false, crt, err,
					 sizeof(err)),
		     0, "%s", err);
	struct kesu_signer *s = NULL;
	cr_assert_eq(kesu_signer_open_files(key, crt, NULL, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_x509_anchors_add_file(anchors, crt, NULL, NULL, err, sizeof(err)), 0,
		     "%s", err);
	return s;
}

/* The certificate of the payload fixture name, rendered with the station's
 * key (payload signed by it, public key attached). */
static struct doc render(const char *fixture)
{
	size_t len, sig_len;
	char p[160], *sig = NULL;
	snprintf(p, sizeof(p), "%s/%s", CERTS, fixture);
	char *payload = slurp(p, &len);
	cr_assert_eq(kesu_sign_detached(station_sk, payload, len, NULL, &sig, &sig_len), 0);
	struct kesu_pdf_doc d = {payload, len, sig, sig_len, station_pub, station_pub_len, NULL, NULL, 0};
	unsigned char *pdf = NULL;
	size_t pdf_len = 0;
	cr_assert_eq(kesu_pdf_render(&d, &pdf, &pdf_len, err, sizeof(err)), 0, "%s", err);
	struct doc out = {0};
	put(&out, pdf, pdf_len);
	free(pdf);
	free(payload);
	free(sig);
	return out;
}

/* d signed once more by s in role's box (invisible: no appearance). */
static void countersign(struct doc *d, struct kesu_signer *s, enum kesu_pades_role role,
			bool invisible)
{
	struct kesu_pades_options o = {.role = role, .when = time(NULL), .invisible = invisible};
	unsigned char *out = NULL;
	size_t out_len = 0;
	cr_assert_eq(kesu_pades_sign(d->p, d->len, s, &o, &out, &out_len, err, sizeof(err)), 0,
		     "%s", err);
	d->len = 0;
	put(d, out, out_len);
	free(out);
}

static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-pades.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	err[0] = '\0';
	cr_assert_eq(kesu_key_generate(path_in("station.key"), path_in("station.pub"), NULL, err,
				       sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(kesu_key_load_secret(path_in("station.key"), NULL, &station_sk, err,
					  sizeof(err)),
		     0, "%s", err);
	station_pub = slurp(path_in("station.pub"), &station_pub_len);
	anchors = kesu_x509_anchors_new();
	cr_assert_not_null(anchors);
	station = identity("station", "kesu station test");
	witness = identity("witness", "立会者 試験");
	rendered = render("success.json");
	signed1 = copy_of(&rendered);
	countersign(&signed1, station, KESU_PADES_OPERATOR, false);
}

static void teardown(void)
{
	kesu_signer_close(station);
	kesu_signer_close(witness);
	kesu_x509_anchors_free(anchors);
	kesu_key_secret_free(station_sk);
	free(station_pub);
	free(rendered.p);
	free(signed1.p);
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(pades, .init = setup, .fini = teardown, .timeout = 120);

/* ---- reading the document being forged ------------------------------ */

/* The last trailer's /Root, /Size and startxref. */
static void trailer_of(const struct doc *d, unsigned *root, unsigned *size, size_t *xref)
{
	struct pdf_reader r;
	struct pv t;
	cr_assert_eq(Kesu_pdf_reader_open(&r, d->p, d->len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(Kesu_pdf_find_trailer(&r, &t, xref), 0, "%s", err);
	const struct pv *v = Kesu_pdf_dict_get(&t, "Root"), *s = Kesu_pdf_dict_get(&t, "Size");
	cr_assert(v && v->type == PV_REF && s && s->type == PV_INT);
	if (root)
		*root = v->u.ref.num;
	if (size)
		*size = (unsigned)s->u.i;
	Kesu_pdf_reader_close(&r);
}

/* The value of key in object num's dictionary (as it reads now), as PDF
 * text (malloc'd); "" when there is none. key NULL: the whole object. */
static char *value_of(const struct doc *d, unsigned num, const char *key)
{
	struct pdf_reader r;
	struct pdf_obj o;
	struct kesu_buf b = {0};
	cr_assert_eq(Kesu_pdf_reader_open(&r, d->p, d->len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(Kesu_pdf_load(&r, num, &o), 0, "object %u: %s", num, err);
	const struct pv *v = key ? Kesu_pdf_dict_get(&o.v, key) : &o.v;
	if (v)
		cr_assert_eq(Kesu_pdf_value_write(&b, v), 0);
	Kesu_buf_put(&b, "", 1);
	Kesu_pdf_reader_close(&r);
	char *s = strdup((const char *)b.data);
	Kesu_buf_free(&b);
	return s;
}

/* Object num's dictionary as text with key set to value (NULL: left out). */
static char *dict_with(const struct doc *d, unsigned num, const char *key, const char *value)
{
	struct pdf_reader r;
	struct pdf_obj o;
	struct kesu_buf b = {0};
	cr_assert_eq(Kesu_pdf_reader_open(&r, d->p, d->len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(Kesu_pdf_load(&r, num, &o), 0, "object %u: %s", num, err);
	cr_assert_eq(o.v.type, PV_DICT, "object %u is not a dictionary", num);
	Kesu_buf_puts(&b, "<<");
	for (size_t i = 0; i < o.v.n; i++) {
		if (!strcmp((const char *)o.v.u.items[2 * i].u.s, key))
			continue;
		Kesu_buf_puts(&b, " ");
		Kesu_pdf_value_write(&b, &o.v.u.items[2 * i]);
		Kesu_buf_puts(&b, " ");
		Kesu_pdf_value_write(&b, &o.v.u.items[2 * i + 1]);
	}
	if (value)
		Kesu_buf_printf(&b, " /%s %s", key, value);
	Kesu_buf_puts(&b, " >>");
	Kesu_buf_put(&b, "", 1);
	Kesu_pdf_reader_close(&r);
	char *s = strdup((const char *)b.data);
	Kesu_buf_free(&b);
	return s;
}

/* An array's text ("[34 0 R]", or "" for none) with "num 0 R" added. */
static char *array_plus(const char *array, unsigned num)
{
	char *s = NULL;
	size_t n = strlen(array);
	if (n < 2)
		cr_assert_geq(asprintf(&s, "[%u 0 R]", num), 0);
	else
		cr_assert_geq(asprintf(&s, "%.*s %u 0 R]", (int)(n - 1), array, num), 0);
	return s;
}

/* Where the certificate's objects are (kesu's renderer numbers them the
 * same way every time, but the test finds them rather than trust that). */
struct layout {
	unsigned catalog, pages, page0, page1, contents0, contents0_len, acroform;
	unsigned sig1, widget1, ap1, names;
	unsigned payload_spec, payload_stream, payload_len, render_stream;
	unsigned next; /* the first free object number */
};

static unsigned ref_of(const struct doc *d, unsigned num, const char *key)
{
	char *v = value_of(d, num, key);
	unsigned n = 0;
	cr_assert_eq(sscanf(v, "%u 0 R", &n), 1, "object %u /%s is %s, not a reference", num, key,
		     v);
	free(v);
	return n;
}

/* The object that attachment name's file specification refers to. */
static unsigned attachment(const struct doc *d, unsigned names, const char *name, unsigned *spec)
{
	unsigned tree = ref_of(d, names, "EmbeddedFiles");
	char *list = value_of(d, tree, "Names"), want[80];
	/* names are written as hex strings: look for the name's hex */
	char *hex = want;
	for (const char *c = name; *c; c++, hex += 2)
		sprintf(hex, "%02X", (unsigned char)*c);
	char *at = strstr(list, want);
	cr_assert_not_null(at, "no attachment %s in %s", name, list);
	cr_assert_eq(sscanf(strchr(at, '>') + 1, " %u 0 R", spec), 1);
	free(list);
	char *ef = value_of(d, *spec, "EF");
	unsigned stream = 0;
	cr_assert_eq(sscanf(strstr(ef, "/F ") + 3, "%u 0 R", &stream), 1, "%s", ef);
	free(ef);
	return stream;
}

static struct layout layout_of(const struct doc *d)
{
	struct layout l = {0};
	trailer_of(d, &l.catalog, &l.next, NULL);
	l.pages = ref_of(d, l.catalog, "Pages");
	char *kids = value_of(d, l.pages, "Kids");
	cr_assert_eq(sscanf(kids, "[%u 0 R %u 0 R", &l.page0, &l.page1), 2, "%s", kids);
	free(kids);
	l.contents0 = ref_of(d, l.page0, "Contents");
	l.contents0_len = ref_of(d, l.contents0, "Length");
	l.acroform = ref_of(d, l.catalog, "AcroForm");
	char *fields = value_of(d, l.acroform, "Fields");
	cr_assert_eq(sscanf(fields, "[%u 0 R", &l.widget1), 1, "%s", fields);
	free(fields);
	l.sig1 = ref_of(d, l.widget1, "V");
	char *ap = value_of(d, l.widget1, "AP");
	cr_assert_eq(sscanf(ap, "<< /N %u 0 R", &l.ap1), 1, "%s", ap);
	free(ap);
	l.names = ref_of(d, l.catalog, "Names");
	l.payload_stream = attachment(d, l.names, KESU_PDF_PAYLOAD_NAME, &l.payload_spec);
	l.payload_len = ref_of(d, l.payload_stream, "Length");
	unsigned spec;
	l.render_stream = attachment(d, l.names, KESU_PDF_RENDER_NAME, &spec);
	return l;
}

/* ---- incremental updates by hand ------------------------------------ */

/* One update being appended: its objects, and the signature dictionary's
 * placeholders when it carries one. */
struct upd {
	struct doc *d;
	unsigned num[64];
	size_t off[64], n;
	size_t byterange_at, contents_at; /* 0: no signature */
	unsigned root;                    /* the trailer's /Root (as it was) */
	unsigned size;                    /* /Size as it was */
	size_t prev;                      /* the previous startxref */
};

static void upd_begin(struct upd *u, struct doc *d)
{
	memset(u, 0, sizeof(*u));
	u->d = d;
	trailer_of(d, &u->root, &u->size, &u->prev);
	if (d->p[d->len - 1] != '\n')
		put(d, "\n", 1);
}

static void note(struct upd *u, unsigned num)
{
	cr_assert_lt(u->n, 64);
	u->num[u->n] = num;
	u->off[u->n++] = u->d->len;
}

/* "num 0 obj", the body, "endobj". */
static void upd_obj(struct upd *u, unsigned num, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void upd_obj(struct upd *u, unsigned num, const char *fmt, ...)
{
	char *body = NULL;
	va_list ap;
	va_start(ap, fmt);
	cr_assert_geq(vasprintf(&body, fmt, ap), 0);
	va_end(ap);
	note(u, num);
	putf(u->d, "%u 0 obj\n%s\nendobj\n", num, body);
	free(body);
}

/* A stream object holding data (no filter). */
static void upd_stream(struct upd *u, unsigned num, const char *dict_extra, const void *data,
		       size_t len)
{
	note(u, num);
	putf(u->d, "%u 0 obj\n<< /Length %zu %s >>\nstream\n", num, len, dict_extra);
	put(u->d, data, len);
	putf(u->d, "\nendstream\nendobj\n");
}

/* A signature dictionary with room for the CMS. decoy: its /Contents is
 * a one-byte string and the CMS goes into another hex string after it. */
static void upd_sig(struct upd *u, unsigned num, bool decoy)
{
	note(u, num);
	putf(u->d, "%u 0 obj\n<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
		   "/M (D:20261206120000+09'00') /ByteRange ", num);
	u->byterange_at = u->d->len;
	putf(u->d, "%-*s /Contents ", BR_WIDTH, "[0 0 0 0]");
	if (decoy)
		putf(u->d, "<00> /Kesu.Decoy ");
	u->contents_at = u->d->len;
	put(u->d, "<", 1);
	for (int i = 0; i < 2 * ROOM; i++)
		put(u->d, "0", 1);
	putf(u->d, "> >>\nendobj\n");
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
	return x < y ? -1 : x > y;
}

/* The cross-reference table (one subsection per object, then
 * xref_extra's lines), the trailer (with trailer_extra) and %%EOF. */
static void upd_end(struct upd *u, const char *xref_extra, const char *trailer_extra)
{
	size_t xref = u->d->len;
	unsigned root = u->root, size = u->size, order[64];
	putf(u->d, "xref\n");
	memcpy(order, u->num, sizeof(order));
	qsort(order, u->n, sizeof(order[0]), cmp_uint);
	for (size_t k = 0; k < u->n; k++) {
		if (k > 0 && order[k] == order[k - 1])
			continue;
		size_t last = 0; /* an object written twice: its last definition */
		for (size_t i = 0; i < u->n; i++)
			if (u->num[i] == order[k])
				last = i;
		putf(u->d, "%u 1\n%010zu 00000 n\r\n", u->num[last], u->off[last]);
		size = u->num[last] + 1 > size ? u->num[last] + 1 : size;
	}
	putf(u->d, "%s", xref_extra ? xref_extra : "");
	putf(u->d, "trailer\n<< /Size %u /Root %u 0 R /Prev %zu %s >>\nstartxref\n%zu\n%%%%EOF\n",
	     size, root, u->prev, trailer_extra ? trailer_extra : "", xref);
}

/* The update ends with a cross-reference stream instead of a table. */
static void upd_end_stream(struct upd *u, unsigned xref_num)
{
	unsigned root = u->root, size = u->size;
	struct doc index = {0}, rows = {0};
	note(u, xref_num);
	size_t xref = u->d->len;
	for (size_t i = 0; i < u->n; i++) { /* the last row is the stream's own */
		size_t o = u->off[i];
		unsigned char row[7] = {1, (unsigned char)(o >> 24), (unsigned char)(o >> 16),
					(unsigned char)(o >> 8), (unsigned char)o, 0, 0};
		put(&rows, row, sizeof(row));
		putf(&index, "%u 1 ", u->num[i]);
		size = u->num[i] + 1 > size ? u->num[i] + 1 : size;
	}
	putf(u->d, "%u 0 obj\n<< /Type /XRef /Size %u /Root %u 0 R /Prev %zu /W [1 4 2] "
		   "/Index [%s] /Length %zu >>\nstream\n",
	     xref_num, size, root, u->prev, (char *)index.p, rows.len);
	put(u->d, rows.p, rows.len);
	putf(u->d, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref);
	free(index.p);
	free(rows.p);
}

static void sha256_ranges(const struct doc *d, const size_t r[4], unsigned char md[32])
{
	struct pades_prepared p = {.pdf = d->p, .len = d->len, .range = {r[0], r[1], r[2], r[3]}};
	if (r[0] == 0) {
		Kesu_pades_digest(&p, md);
		return;
	}
	/* a range that does not start at 0: hash exactly what it names */
	struct doc both = {0};
	put(&both, d->p + r[0], r[1]);
	put(&both, d->p + r[2], r[3]);
	struct pades_prepared q = {.pdf = both.p, .len = both.len, .range = {0, r[1], r[1], r[3]}};
	Kesu_pades_digest(&q, md);
	free(both.p);
}

/* Signs the update's signature dictionary with s. The /ByteRange written
 * is text (NULL: the honest one); the CMS covers signed (NULL: the honest
 * range), so that with a dishonest range the signature itself still holds
 * and only the range check can object to it. */
static void upd_sign_text(struct upd *u, struct kesu_signer *s, const char *text,
			  const size_t *signed_range)
{
	cr_assert_neq(u->contents_at, 0, "the update has no signature dictionary");
	size_t a = u->contents_at, b = a + 2 * ROOM + 2;
	size_t honest[4] = {0, a, b, u->d->len - b}, r[4];
	memcpy(r, signed_range ? signed_range : honest, sizeof(r));
	char br[BR_WIDTH + 1];
	int n = text ? snprintf(br, sizeof(br), "%s", text)
		     : snprintf(br, sizeof(br), "[0 %zu %zu %zu]", a, b, u->d->len - b);
	cr_assert_lt((size_t)n, sizeof(br));
	memcpy(u->d->p + u->byterange_at, br, (size_t)n);
	unsigned char md[32], *der = NULL;
	size_t der_len = 0;
	cr_assert_leq(r[2] + r[3], u->d->len, "a signed range past the end cannot be hashed");
	sha256_ranges(u->d, r, md);
	cr_assert_eq(Kesu_cms_sign(s, md, NULL, 0, &der, &der_len, err, sizeof(err)), 0, "%s", err);
	/* the CMS goes into the hex string at contents_at, where a signer puts it */
	struct pades_prepared p = {.pdf = u->d->p, .len = u->d->len, .range = {0, a, b, 0}};
	cr_assert_eq(Kesu_pades_fill(&p, der, der_len, err, sizeof(err)), 0, "%s", err);
	free(der);
}

/* The same with the range written as numbers, and signed as written. */
static void upd_sign_ranges(struct upd *u, struct kesu_signer *s, const size_t w[4])
{
	char text[BR_WIDTH + 1];
	snprintf(text, sizeof(text), "[%zu %zu %zu %zu]", w[0], w[1], w[2], w[3]);
	upd_sign_text(u, s, text, w);
}

static void upd_sign(struct upd *u, struct kesu_signer *s)
{
	upd_sign_text(u, s, NULL, NULL);
}

/* The witness's signature as kesu would add it, made by hand so that a
 * test can add its own objects to the same update: a new signature
 * dictionary and widget (invisible unless rect), the page's /Annots and
 * the form's /Fields grown. Returns the widget's number. Call upd_end and
 * upd_sign after. */
static unsigned witness_objects_and(struct upd *u, const struct layout *l, unsigned *next,
				    unsigned page, const char *rect, const char *widget_extra,
				    unsigned also_annot)
{
	unsigned sig = (*next)++, widget = (*next)++;
	upd_sig(u, sig, false);
	upd_obj(u, widget,
		"<< /Type /Annot /Subtype /Widget /FT /Sig /T (kesu-witness-1) /V %u 0 R /F 132 "
		"/P %u 0 R /Rect %s %s >>",
		sig, page, rect ? rect : "[0 0 0 0]", widget_extra ? widget_extra : "");
	char *annots = value_of(u->d, page, "Annots"), *grown = array_plus(annots, widget);
	if (also_annot) { /* another annotation, before the widget */
		free(grown);
		char *more = array_plus(annots, also_annot);
		grown = array_plus(more, widget);
		free(more);
	}
	char *p = dict_with(u->d, page, "Annots", grown);
	upd_obj(u, page, "%s", p);
	free(annots), free(grown), free(p);
	char *fields = value_of(u->d, l->acroform, "Fields"), *more = array_plus(fields, widget);
	char *f = dict_with(u->d, l->acroform, "Fields", more);
	upd_obj(u, l->acroform, "%s", f);
	free(fields), free(more), free(f);
	return widget;
}

static unsigned witness_objects(struct upd *u, const struct layout *l, unsigned *next,
				unsigned page, const char *rect, const char *widget_extra)
{
	return witness_objects_and(u, l, next, page, rect, widget_extra, 0);
}

/* ---- what the checks say -------------------------------------------- */

static int pades(const struct doc *d, struct kesu_pades_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	char e[KESU_ERRMSG_MAX] = "";
	int rc = kesu_pades_verify(d->p, d->len, anchors, time(NULL), rep, e, sizeof(e));
	cr_log_info("pades: rc %d count %zu updates_ok %d: %s %s", rc, rep->count, rep->updates_ok,
		    rep->updates_msg, e);
	for (size_t i = 0; i < rep->count; i++)
		cr_log_info("  sig %zu %s (%s): ok %d range %d digest %d sig %d chain %d: %s",
			    i + 1, rep->sig[i].field, rep->sig[i].role, rep->sig[i].ok,
			    rep->sig[i].range_ok, rep->sig[i].digest_ok, rep->sig[i].signature_ok,
			    rep->sig[i].chain_ok, rep->sig[i].msg);
	return rc;
}

static enum kesu_cert_verdict cert(const struct doc *d, struct kesu_cert_check *c)
{
	static unsigned serial;
	char name[40];
	snprintf(name, sizeof(name), "cert-%u.pdf", serial++);
	cr_assert_eq(kesu_file_write_atomic(path_in(name), d->p, d->len, 0644, 0, err, sizeof(err)),
		     0, "%s", err);
	struct kesu_cert_trust t = {NULL, anchors, NULL, NULL};
	int rc = kesu_cert_verify_with(path_in(name), &t, c);
	cr_log_info("cert: rc %d verdict %d payload %d page checked %d ok %d: %s / %s", rc,
		    c->verdict, c->payload_ok, c->page_checked, c->page_ok, c->page_msg,
		    c->payload_msg);
	return c->verdict;
}

/* Both checks pass. */
static void expect_valid(const char *name, const struct doc *d, size_t count)
{
	struct kesu_pades_report rep;
	struct kesu_cert_check c;
	keep(name, d);
	cr_assert_eq(pades(d, &rep), 0, "%s: %s", name, rep.updates_msg);
	cr_assert(rep.ok && rep.updates_ok, "%s", name);
	cr_assert_eq(rep.count, count, "%s: %zu signatures", name, rep.count);
	cr_assert_eq(cert(d, &c), KESU_CERT_VALID, "%s: verdict %d: %s", name, c.verdict,
		     c.page_msg);
	cr_assert(c.page_checked && c.page_ok, "%s: %s", name, c.page_msg);
}

/* Every signature holds and only the update check objects, with why
 * containing want (NULL: anything); the certificate is INVALID. */
static void expect_update_refused(const char *name, const struct doc *d, const char *want)
{
	struct kesu_pades_report rep;
	struct kesu_cert_check c;
	keep(name, d);
	enum kesu_cert_verdict verdict = cert(d, &c); /* both said, before either is judged */
	cr_assert_eq(pades(d, &rep), -KESU_EVERIFY, "%s: kesu_pades_verify passed it", name);
	cr_assert(!rep.ok, "%s", name);
	for (size_t i = 0; i < rep.count; i++)
		cr_assert(rep.sig[i].ok,
			  "%s: signature %zu itself fails (%s): the forgery is broken, not caught",
			  name, i + 1, rep.sig[i].msg);
	cr_assert(!rep.updates_ok, "%s: the update check passed it", name);
	if (want)
		cr_assert(strstr(rep.updates_msg, want), "%s: \"%s\" does not say \"%s\"", name,
			  rep.updates_msg, want);
	cr_assert_eq(verdict, KESU_CERT_INVALID, "%s: verdict %d, not INVALID", name, verdict);
}

/* kesu_pades_verify fails (any check) and the certificate is INVALID. */
static void expect_refused(const char *name, const struct doc *d)
{
	struct kesu_pades_report rep;
	struct kesu_cert_check c;
	keep(name, d);
	enum kesu_cert_verdict verdict = cert(d, &c);
	int rc = pades(d, &rep);
	cr_assert(rc == -KESU_EVERIFY || rc == -KESU_EPARSE, "%s: kesu_pades_verify gave %d", name,
		  rc);
	cr_assert(!rep.ok, "%s", name);
	cr_assert_eq(verdict, KESU_CERT_INVALID, "%s: verdict %d, not INVALID", name, verdict);
}

/* Signs d once more as the witness (kesu_pades_sign), so that whatever
 * was appended is covered by a valid signature, then expects only the
 * update check to object. */
static void resign_and_expect(const char *name, struct doc *d, const char *want)
{
	countersign(d, witness, KESU_PADES_WITNESS, false);
	expect_update_refused(name, d, want);
}

/* ---- 1. what is allowed --------------------------------------------- */

Test(pades, station_signature_alone_is_valid)
{
	expect_valid("station", &signed1, 1);
}

Test(pades, countersignatures_in_their_boxes_are_valid)
{
	struct doc d = copy_of(&signed1);
	countersign(&d, witness, KESU_PADES_WITNESS, false);
	expect_valid("witness", &d, 2);
	countersign(&d, station, KESU_PADES_APPROVER, false);
	expect_valid("witness-approver", &d, 3);
	/* an invisible one on top: no box needed */
	countersign(&d, witness, KESU_PADES_VALIDATOR, true);
	expect_valid("witness-approver-invisible", &d, 4);
	free(d.p);
}

/* The hand-made signature the attacks below build on is itself accepted:
 * what they add is what gets them refused. */
Test(pades, a_hand_made_countersignature_is_valid)
{
	struct doc d = copy_of(&signed1);
	struct layout l = layout_of(&d);
	struct upd u;
	upd_begin(&u, &d);
	witness_objects(&u, &l, &l.next, l.page0, NULL, NULL);
	upd_end(&u, NULL, NULL);
	upd_sign(&u, witness);
	expect_valid("by-hand-invisible", &d, 2);
	/* and a visible one in the witness's box, with an appearance */
	struct doc v = copy_of(&signed1);
	upd_begin(&u, &v);
	unsigned form = l.next++;
	upd_stream(&u, form, "/Type /XObject /Subtype /Form /BBox [0 0 120 56]",
		   "0 0 1 rg 0 0 120 56 re f", 24);
	char extra[64];
	snprintf(extra, sizeof(extra), "/AP << /N %u 0 R >>", form);
	witness_objects(&u, &l, &l.next, l.page0, "[187 190 307 246]", extra);
	upd_end(&u, NULL, NULL);
	upd_sign(&u, witness);
	expect_valid("by-hand-visible", &v, 2);
	free(d.p);
	free(v.p);
}

/* ---- 2. nothing after the last signature ---------------------------- */

static void expect_appended_refused(const char *name, const struct doc *d)
{
	struct kesu_pades_report rep;
	expect_refused(name, d);
	pades(d, &rep);
	for (size_t i = 0; i < rep.count; i++)
		cr_assert(rep.sig[i].ok, "%s: signature %zu: %s", name, i + 1, rep.sig[i].msg);
	cr_assert(strstr(rep.updates_msg, "modified after signing"), "%s: %s", name,
		  rep.updates_msg);
}

Test(pades, anything_after_the_last_signature_is_refused)
{
	static const char *const tails[] = {
		"\n",
		"garbage after the end of the file\n",
		"99 0 obj\n(SUCCESS)\nendobj\n",
		"%%EOF\n",
	};
	struct doc two = copy_of(&signed1);
	countersign(&two, witness, KESU_PADES_WITNESS, false);
	const struct doc *bases[] = {&signed1, &two};
	for (size_t b = 0; b < 2; b++)
		for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
			struct doc d = copy_of(bases[b]);
			put(&d, tails[i], strlen(tails[i]));
			char name[40];
			snprintf(name, sizeof(name), "appended-%zu-%zu", b, i);
			expect_appended_refused(name, &d);
			free(d.p);
		}
	free(two.p);
}

/* A well-formed incremental update, with its own cross-reference table
 * and trailer, that no signature covers. */
Test(pades, an_unsigned_update_after_the_last_signature_is_refused)
{
	struct doc d = copy_of(&signed1);
	struct layout l = layout_of(&d);
	struct upd u;
	upd_begin(&u, &d);
	upd_obj(&u, l.next, "(SUCCESS)");
	upd_end(&u, NULL, NULL);
	expect_appended_refused("unsigned-update", &d);
	/* the same with a signature field whose value covers the whole file
	 * but holds no signature: it fails, and says so */
	struct doc f = copy_of(&signed1);
	upd_begin(&u, &f);
	witness_objects(&u, &l, &l.next, l.page0, NULL, NULL);
	upd_end(&u, NULL, NULL);
	size_t a = u.contents_at, b = a + 2 * ROOM + 2;
	char br[BR_WIDTH + 1];
	int n = snprintf(br, sizeof(br), "[0 %zu %zu %zu]", a, b, f.len - b);
	memcpy(f.p + u.byterange_at, br, (size_t)n);
	expect_refused("empty-signature", &f);
	struct kesu_pades_report rep;
	pades(&f, &rep);
	cr_assert(rep.count == 2 && rep.sig[0].ok && !rep.sig[1].ok, "the empty signature passed");
	free(d.p);
	free(f.p);
}

/* ---- 3. only signatures follow the first signature ------------------ */

/* Object num redefined with something else: a dictionary gains an entry,
 * a stream gets other data, a number grows, anything else becomes null. */
static void redefine(struct upd *u, unsigned num)
{
	struct pdf_reader r;
	struct pdf_obj o;
	cr_assert_eq(Kesu_pdf_reader_open(&r, u->d->p, u->d->len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(Kesu_pdf_load(&r, num, &o), 0, "object %u: %s", num, err);
	bool stream = o.data != NULL;
	enum pv_type type = o.v.type;
	long long i = o.v.u.i;
	Kesu_pdf_reader_close(&r);
	if (stream) {
		upd_stream(u, num, "", "0 0 0 rg 0 0 595 842 re f", 25);
	} else if (type == PV_DICT) {
		char *d = dict_with(u->d, num, "Kesu.Changed", "true");
		upd_obj(u, num, "%s", d);
		free(d);
	} else if (type == PV_INT) {
		upd_obj(u, num, "%lld", i + 1);
	} else {
		upd_obj(u, num, "null");
	}
}

/* Every object of the signed file, redefined in an update that a valid
 * witness signature then covers, is refused: the page, its content
 * streams and their lengths, its fonts and resources, the catalog, the
 * page tree, the attachments and their name tree, the info dictionary,
 * signature 1's dictionary, widget and appearance, the form. */
Test(pades, every_object_redefined_after_signing_is_refused, .timeout = 300)
{
	struct layout l = layout_of(&signed1);
	for (unsigned num = 1; num < l.next; num++) {
		struct doc d = copy_of(&signed1);
		struct upd u;
		size_t at;
		struct pdf_reader r;
		cr_assert_eq(Kesu_pdf_reader_open(&r, d.p, d.len, err, sizeof(err)), 0, "%s", err);
		bool exists = Kesu_pdf_offset(&r, num, &at) == 0;
		Kesu_pdf_reader_close(&r);
		if (!exists)
			continue;
		upd_begin(&u, &d);
		redefine(&u, num);
		upd_end(&u, NULL, NULL);
		/* invisible: the attacked object may be the seal boxes' list */
		countersign(&d, witness, KESU_PADES_WITNESS, true);
		char name[40];
		snprintf(name, sizeof(name), "redefined-%u", num);
		cr_log_info("object %u", num);
		expect_update_refused(name, &d, NULL);
		free(d.p);
	}
}

/* An update that draws over the page, then a valid witness signature. */
#define BLACK_PAGE "0 0 0 rg 0 0 595 842 re f"

/* (a) the page's /Contents replaced by another stream, the content stream
 * redefined, its /Length object redefined (cuts it short). */
Test(pades, a_page_content_replaced_is_refused)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	struct upd u;
	upd_begin(&u, &d);
	upd_stream(&u, l.next, "", BLACK_PAGE, strlen(BLACK_PAGE));
	char ref[32], *p;
	snprintf(ref, sizeof(ref), "%u 0 R", l.next);
	upd_obj(&u, l.page0, "%s", p = dict_with(&d, l.page0, "Contents", ref));
	free(p);
	upd_end(&u, NULL, NULL);
	resign_and_expect("contents-replaced", &d, "page object");
	free(d.p);

	d = copy_of(&signed1);
	upd_begin(&u, &d);
	upd_stream(&u, l.contents0, "", BLACK_PAGE, strlen(BLACK_PAGE));
	upd_end(&u, NULL, NULL);
	resign_and_expect("content-stream-redefined", &d, "(a stream) was replaced");
	free(d.p);

	d = copy_of(&signed1);
	upd_begin(&u, &d);
	upd_obj(&u, l.contents0_len, "10");
	upd_end(&u, NULL, NULL);
	resign_and_expect("content-length-redefined", &d, "was changed");
	free(d.p);
}

/* (b) another content stream added to the page: /Contents made an array,
 * or (when the page's /Contents is an array object of its own) that array
 * grown. */
Test(pades, b_content_stream_added_is_refused)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	struct upd u;
	upd_begin(&u, &d);
	upd_stream(&u, l.next, "", BLACK_PAGE, strlen(BLACK_PAGE));
	char arr[64], *p;
	snprintf(arr, sizeof(arr), "[%u 0 R %u 0 R]", l.contents0, l.next);
	upd_obj(&u, l.page0, "%s", p = dict_with(&d, l.page0, "Contents", arr));
	free(p);
	upd_end(&u, NULL, NULL);
	resign_and_expect("contents-array", &d, "page object");
	free(d.p);

	/* a first revision whose /Contents is an array object [C]; kesu never
	 * renders one, so only the PDF signatures are judged here */
	d = copy_of(&rendered);
	unsigned next;
	trailer_of(&d, NULL, &next, NULL);
	unsigned array = next++, extra;
	upd_begin(&u, &d);
	upd_obj(&u, array, "[%u 0 R]", l.contents0);
	snprintf(arr, sizeof(arr), "%u 0 R", array);
	upd_obj(&u, l.page0, "%s", p = dict_with(&d, l.page0, "Contents", arr));
	free(p);
	upd_end(&u, NULL, NULL);
	countersign(&d, station, KESU_PADES_OPERATOR, false);
	struct kesu_pades_report rep;
	cr_assert_eq(pades(&d, &rep), 0, "the array-contents base does not verify");
	trailer_of(&d, NULL, &extra, NULL);
	upd_begin(&u, &d);
	upd_stream(&u, extra, "", BLACK_PAGE, strlen(BLACK_PAGE));
	upd_obj(&u, array, "[%u 0 R %u 0 R]", l.contents0, extra);
	upd_end(&u, NULL, NULL);
	countersign(&d, witness, KESU_PADES_WITNESS, false);
	keep("contents-array-object", &d);
	cr_assert_eq(pades(&d, &rep), -KESU_EVERIFY);
	for (size_t i = 0; i < rep.count; i++)
		cr_assert(rep.sig[i].ok, "signature %zu: %s", i + 1, rep.sig[i].msg);
	cr_assert(!rep.updates_ok);
	cr_assert(strstr(rep.updates_msg, "was changed"), "%s", rep.updates_msg);
	struct kesu_cert_check c;
	cr_assert_eq(cert(&d, &c), KESU_CERT_INVALID);
	free(d.p);
}

/* (c) the catalog changed: an action on opening, other attachments,
 * another page tree, anything else; and the page tree given a new page. */
Test(pades, c_catalog_changed_is_refused)
{
	struct layout l = layout_of(&signed1);
	char pages_ref[32], names_ref[32];
	snprintf(pages_ref, sizeof(pages_ref), "%u 0 R", l.next);
	snprintf(names_ref, sizeof(names_ref), "%u 0 R", l.next);
	struct {
		const char *key, *value, *object; /* object: a new object l.next */
	} changes[] = {
		{"OpenAction", "<< /S /JavaScript /JS (app.alert\\(1\\)) >>", NULL},
		{"AA", "<< /WC << /S /JavaScript /JS (1) >> >>", NULL},
		{"Names", names_ref, "<< /EmbeddedFiles << /Names [] >> >>"},
		{"Pages", pages_ref, NULL}, /* object filled below */
		{"Outlines", "<< /Count 0 >>", NULL},
		{"PageLabels", "<< /Nums [0 << /P (forged) >>] >>", NULL},
		{"Perms", "<< >>", NULL},
		{"Version", "/2.0", NULL},
	};
	char pages_obj[128];
	snprintf(pages_obj, sizeof(pages_obj), "<< /Type /Pages /Kids [%u 0 R] /Count 1 >>",
		 l.page1);
	changes[3].object = pages_obj;
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		struct doc d = copy_of(&signed1);
		struct upd u;
		upd_begin(&u, &d);
		if (changes[i].object)
			upd_obj(&u, l.next, "%s", changes[i].object);
		char *cat = dict_with(&d, l.catalog, changes[i].key, changes[i].value), name[40];
		upd_obj(&u, l.catalog, "%s", cat);
		free(cat);
		upd_end(&u, NULL, NULL);
		snprintf(name, sizeof(name), "catalog-%s", changes[i].key);
		/* without the attachments there is no seal box: invisible */
		countersign(&d, witness, KESU_PADES_WITNESS, !strcmp(changes[i].key, "Names"));
		expect_update_refused(name, &d, "catalog");
		free(d.p);
	}
	/* a third page in the page tree */
	struct doc d = copy_of(&signed1);
	struct upd u;
	upd_begin(&u, &d);
	upd_stream(&u, l.next, "", BLACK_PAGE, strlen(BLACK_PAGE));
	upd_obj(&u, l.next + 1, "<< /Type /Page /Parent %u 0 R /MediaBox [0 0 595 842] "
				"/Contents %u 0 R >>", l.pages, l.next);
	upd_obj(&u, l.pages, "<< /Type /Pages /Kids [%u 0 R %u 0 R %u 0 R] /Count 3 >>", l.page0,
		l.page1, l.next + 1);
	upd_end(&u, NULL, NULL);
	resign_and_expect("page-added", &d, "was changed");
	free(d.p);
}

/* (d) the trailer's /Root set to a new catalog (a copy with an action). */
Test(pades, d_new_root_is_refused)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	struct upd u;
	upd_begin(&u, &d);
	char *cat = dict_with(&d, l.catalog, "OpenAction", "<< /S /JavaScript /JS (1) >>");
	upd_obj(&u, l.next, "%s", cat);
	u.root = l.next;
	upd_end(&u, NULL, NULL);
	resign_and_expect("new-root", &d, "replaced the document catalog");
	free(d.p);
	/* the same in the witness's own signed update */
	d = copy_of(&signed1);
	unsigned next = l.next + 1;
	upd_begin(&u, &d);
	upd_obj(&u, l.next, "%s", cat);
	witness_objects(&u, &l, &next, l.page0, NULL, NULL);
	u.root = l.next;
	upd_end(&u, NULL, NULL);
	upd_sign(&u, witness);
	expect_update_refused("new-root-signed", &d, "replaced the document catalog");
	free(d.p);
	free(cat);
}

/* (e) a signature widget whose appearance lies outside every seal box (an
 * overlay over the page), in a box but on the other page, or a second
 * widget beside a genuine one. */
Test(pades, e_widget_outside_the_seal_boxes_is_refused)
{
	struct layout l = layout_of(&signed1);
	struct {
		const char *name, *rect;
		bool other_page;
	} cases[] = {
		{"overlay-whole-page", "[0 0 595 842]", false},
		{"overlay-over-the-table", "[40 300 555 700]", false},
		{"box-just-too-big", "[187 190 320 246]", false},
		{"box-on-the-other-page", "[187 190 307 246]", true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct doc d = copy_of(&signed1);
		unsigned next = l.next, form = next++;
		struct upd u;
		upd_begin(&u, &d);
		upd_stream(&u, form, "/Type /XObject /Subtype /Form /BBox [0 0 595 842]",
			   BLACK_PAGE, strlen(BLACK_PAGE));
		char extra[64];
		snprintf(extra, sizeof(extra), "/AP << /N %u 0 R >>", form);
		witness_objects(&u, &l, &next, cases[i].other_page ? l.page1 : l.page0,
				cases[i].rect, extra);
		upd_end(&u, NULL, NULL);
		upd_sign(&u, witness);
		expect_update_refused(cases[i].name, &d, "outside its own seal box");
		free(d.p);
	}
	/* an extra widget, valued with signature 1, over the page, next to
	 * the witness's genuine invisible one */
	struct doc d = copy_of(&signed1);
	unsigned next = l.next, form = next++, extra_widget = next++;
	struct upd u;
	upd_begin(&u, &d);
	upd_stream(&u, form, "/Type /XObject /Subtype /Form /BBox [0 0 595 842]", BLACK_PAGE,
		   strlen(BLACK_PAGE));
	upd_obj(&u, extra_widget, "<< /Type /Annot /Subtype /Widget /FT /Sig /V %u 0 R /F 4 "
				  "/P %u 0 R /Rect [0 0 595 842] /AP << /N %u 0 R >> >>",
		l.sig1, l.page0, form);
	witness_objects_and(&u, &l, &next, l.page0, NULL, NULL, extra_widget);
	upd_end(&u, NULL, NULL);
	upd_sign(&u, witness);
	expect_update_refused("extra-overlay-widget", &d, "outside its own seal box");
	free(d.p);
}

/* (f) an annotation that is not a signature widget, even in a seal box:
 * every kind a reader draws or acts on, and form fields of other types. */
Test(pades, f_other_annotations_are_refused)
{
	struct layout l = layout_of(&signed1);
	static const char *const annots[] = {
		"/Subtype /FreeText /DA (/Helv 12 Tf 0 g) /Contents (forged)",
		"/Subtype /Stamp /Name /Approved",
		"/Subtype /Square /C [1 0 0]",
		"/Subtype /Link /A << /S /URI /URI (https://example.com/) >>",
		"/Subtype /Link /A << /S /JavaScript /JS (1) >>",
		"/Subtype /Text /Contents (a note)",
		"/Subtype /Ink /InkList [[190 200 300 240]]",
		"/Subtype /FileAttachment /FS (x.exe)",
		"/Subtype /Watermark",
		"/Subtype /Redact",
		"/Subtype /Popup",
		"/Subtype /Screen",
		"/Subtype /Widget /FT /Tx /T (name) /V (forged)",
		"/Subtype /Widget /FT /Btn /T (ok)",
		"/Subtype /Widget /FT /Sig /T (empty)",
		"/Subtype /Widget /FT /Sig /T (not-a-sig) /V << /Type /Annot >>",
	};
	for (size_t i = 0; i < sizeof(annots) / sizeof(annots[0]); i++) {
		struct doc d = copy_of(&signed1);
		unsigned next = l.next, annot = next++;
		struct upd u;
		upd_begin(&u, &d);
		/* in the witness's own box, with the page as its parent */
		upd_obj(&u, annot, "<< /Type /Annot %s /Rect [187 190 307 246] /P %u 0 R /F 4 >>",
			annots[i], l.page0);
		witness_objects_and(&u, &l, &next, l.page0, NULL, NULL, annot);
		upd_end(&u, NULL, NULL);
		upd_sign(&u, witness);
		char name[40];
		snprintf(name, sizeof(name), "annotation-%zu", i);
		cr_log_info("%s", annots[i]);
		expect_update_refused(name, &d, "was added to a page");
		free(d.p);
	}
	/* on the other page, which had no /Annots at all */
	struct doc d = copy_of(&signed1);
	unsigned next = l.next, annot = next++;
	struct upd u;
	upd_begin(&u, &d);
	upd_obj(&u, annot, "<< /Type /Annot %s /Rect [0 0 595 842] /P %u 0 R >>", annots[0],
		l.page1);
	char list[32], *p;
	snprintf(list, sizeof(list), "[%u 0 R]", annot);
	upd_obj(&u, l.page1, "%s", p = dict_with(&d, l.page1, "Annots", list));
	free(p);
	witness_objects(&u, &l, &next, l.page0, NULL, NULL);
	upd_end(&u, NULL, NULL);
	upd_sign(&u, witness);
	expect_update_refused("annotation-other-page", &d, "annotation that is not a signature");
	free(d.p);
}

/* (g) a cross-reference section that frees an object: in the witness's
 * own update, or in an update of its own that the witness then signs. */
Test(pades, g_freed_object_is_refused)
{
	struct layout l = layout_of(&signed1);
	char freed[64];
	snprintf(freed, sizeof(freed), "%u 1\n0000000000 00001 f\r\n", l.contents0);
	struct doc d = copy_of(&signed1);
	unsigned next = l.next;
	struct upd u;
	upd_begin(&u, &d);
	witness_objects(&u, &l, &next, l.page0, NULL, NULL);
	upd_end(&u, freed, NULL);
	upd_sign(&u, witness);
	expect_update_refused("freed-in-signed-update", &d, "frees object");
	free(d.p);

	d = copy_of(&signed1);
	upd_begin(&u, &d);
	upd_obj(&u, l.next, "null");
	upd_end(&u, freed, NULL);
	resign_and_expect("freed-then-signed", &d, "frees object");
	free(d.p);

	/* the payload's stream, freed */
	snprintf(freed, sizeof(freed), "%u 1\n0000000000 00001 f\r\n", l.payload_stream);
	d = copy_of(&signed1);
	upd_begin(&u, &d);
	upd_obj(&u, l.next, "null");
	upd_end(&u, freed, NULL);
	resign_and_expect("payload-freed", &d, "frees object");
	free(d.p);
}

/* (h) the embedded payload (or its signature, or the render info)
 * redefined, or its file specification pointed at another stream. */
Test(pades, h_embedded_files_redefined_are_refused)
{
	struct layout l = layout_of(&signed1);
	size_t len;
	char *other = slurp(CERTS "/gutmann.json", &len);
	struct doc d = copy_of(&signed1);
	struct upd u;
	upd_begin(&u, &d);
	upd_stream(&u, l.payload_stream, "/Type /EmbeddedFile /Subtype /application#2Fjson", other,
		   len);
	upd_end(&u, NULL, NULL);
	resign_and_expect("payload-redefined", &d, "(a stream) was replaced");
	free(d.p);

	d = copy_of(&signed1);
	upd_begin(&u, &d);
	upd_stream(&u, l.next, "/Type /EmbeddedFile /Subtype /application#2Fjson", other, len);
	char ef[64], *spec;
	snprintf(ef, sizeof(ef), "<< /F %u 0 R >>", l.next);
	upd_obj(&u, l.payload_spec, "%s", spec = dict_with(&d, l.payload_spec, "EF", ef));
	free(spec);
	upd_end(&u, NULL, NULL);
	resign_and_expect("payload-spec-redirected", &d, "was changed");
	free(d.p);

	d = copy_of(&signed1);
	upd_begin(&u, &d);
	upd_stream(&u, l.render_stream, "/Type /EmbeddedFile", "{}", 2);
	upd_end(&u, NULL, NULL);
	countersign(&d, witness, KESU_PADES_WITNESS, true);
	expect_update_refused("render-info-redefined", &d, "(a stream) was replaced");
	free(d.p);
	free(other);
}

/* (i) the form made to show something else: /XFA (Acrobat renders the XFA
 * form instead of the page), /NeedAppearances (readers redraw fields), in
 * the form object, or in a new form object the catalog points to. */
Test(pades, i_form_changes_are_refused)
{
	struct layout l = layout_of(&signed1);
	struct {
		const char *key, *value;
	} keys[] = {
		{"XFA", "[(template) (forged)]"},
		{"NeedAppearances", "true"},
		{"SigFlags", "1"},
		{"CO", "[]"},
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct doc d = copy_of(&signed1);
		struct upd u;
		char *form = dict_with(&d, l.acroform, keys[i].key, keys[i].value), name[40];
		upd_begin(&u, &d);
		upd_obj(&u, l.acroform, "%s", form);
		upd_end(&u, NULL, NULL);
		snprintf(name, sizeof(name), "form-%s", keys[i].key);
		resign_and_expect(name, &d, "form");
		free(d.p);

		/* a new form object, in the witness's own update */
		d = copy_of(&signed1);
		unsigned next = l.next, newform = next++;
		upd_begin(&u, &d);
		witness_objects(&u, &l, &next, l.page0, NULL, NULL);
		/* the form as witness_objects wrote it, as a new object with the key */
		char *grown = dict_with(&d, l.acroform, keys[i].key, keys[i].value);
		upd_obj(&u, newform, "%s", grown);
		char ref[32], *cat;
		snprintf(ref, sizeof(ref), "%u 0 R", newform);
		upd_obj(&u, l.catalog, "%s", cat = dict_with(&d, l.catalog, "AcroForm", ref));
		upd_end(&u, NULL, NULL);
		upd_sign(&u, witness);
		snprintf(name, sizeof(name), "new-form-%s", keys[i].key);
		/* SigFlags is allowed to change; the rest is not */
		if (strcmp(keys[i].key, "SigFlags"))
			expect_update_refused(name, &d, "form");
		free(grown), free(cat), free(form);
		free(d.p);
	}
}

/* (j) an update whose cross-reference section is a stream, not a table. */
Test(pades, j_cross_reference_stream_in_a_signed_update_is_refused)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	unsigned next = l.next;
	struct upd u;
	upd_begin(&u, &d);
	witness_objects(&u, &l, &next, l.page0, NULL, NULL);
	upd_end_stream(&u, next++);
	upd_sign(&u, witness);
	expect_update_refused("xref-stream-signed", &d, "cross-reference table");
	free(d.p);
}

/* (k) signature 1's dictionary or widget redefined: another time, reason
 * or name claimed, another signature value for the widget, the widget
 * moved over the page. */
Test(pades, k_first_signature_redefined_is_refused)
{
	struct layout l = layout_of(&signed1);
	struct {
		unsigned num;
		const char *key, *value;
	} changes[] = {
		{l.sig1, "M", "(D:20200101000000+09'00')"},
		{l.sig1, "Reason", "(forged)"},
		{l.sig1, "Name", "(someone else)"},
		{l.sig1, "Location", "(elsewhere)"},
		{l.widget1, "Rect", "[0 0 595 842]"},
		{l.widget1, "F", "2"}, /* hidden */
	};
	for (size_t i = 0; i < sizeof(changes) / sizeof(changes[0]); i++) {
		struct doc d = copy_of(&signed1);
		struct upd u;
		char *obj = dict_with(&d, changes[i].num, changes[i].key, changes[i].value);
		char name[40];
		upd_begin(&u, &d);
		upd_obj(&u, changes[i].num, "%s", obj);
		upd_end(&u, NULL, NULL);
		snprintf(name, sizeof(name), "sig1-%s", changes[i].key);
		resign_and_expect(name, &d, "was changed");
		free(obj);
		free(d.p);
	}
	/* the widget's value pointed at a new dictionary: a copy of the
	 * genuine one, claiming another time */
	struct doc d = copy_of(&signed1);
	struct upd u;
	char *copy = dict_with(&d, l.sig1, "M", "(D:20200101000000+09'00')"), ref[32], *w;
	snprintf(ref, sizeof(ref), "%u 0 R", l.next);
	upd_begin(&u, &d);
	upd_obj(&u, l.next, "%s", copy);
	upd_obj(&u, l.widget1, "%s", w = dict_with(&d, l.widget1, "V", ref));
	upd_end(&u, NULL, NULL);
	/* the copy is itself a signature dictionary, found wherever it is
	 * defined, and its range is not its own /Contents: refused as broken
	 * as well as by the update check */
	countersign(&d, witness, KESU_PADES_WITNESS, false);
	expect_refused("sig1-new-value", &d);
	free(copy), free(w);
	free(d.p);
}

/* ---- 4. byte ranges ------------------------------------------------- */

/* The witness's update, made and ready for a signature whose byte range
 * the test chooses; a, b: where its /Contents starts and ends. */
static void witness_update(struct doc *d, struct upd *u, size_t *a, size_t *b)
{
	struct layout l = layout_of(d);
	upd_begin(u, d);
	witness_objects(u, &l, &l.next, l.page0, NULL, NULL);
	upd_end(u, NULL, NULL);
	*a = u->contents_at;
	*b = *a + 2 * ROOM + 2;
}

/* The witness's signature fails on its byte range, whatever its CMS
 * covers; the station's holds. (A malformed range sorts first.) */
static void expect_range_refused(const char *name, const struct doc *d)
{
	struct kesu_pades_report rep;
	expect_refused(name, d);
	pades(d, &rep);
	cr_assert_eq(rep.count, 2, "%s", name);
	size_t bad = rep.sig[0].ok ? 1 : 0;
	cr_assert(rep.sig[1 - bad].ok, "%s: signature 1: %s", name, rep.sig[1 - bad].msg);
	cr_assert(!rep.sig[bad].ok && !rep.sig[bad].range_ok, "%s: signature 2's range passed",
		  name);
	cr_assert(strstr(rep.sig[bad].msg, "byte range"), "%s: %s", name, rep.sig[bad].msg);
}

Test(pades, byte_ranges_other_than_the_file_but_contents_are_refused)
{
	struct doc d;
	struct upd u;
	size_t a, b;
	struct {
		const char *name;
		long long w[4]; /* offsets from a, b, the end (len - b) */
	} cases[] = {
		{"range-not-at-0", {1, -1, 0, 0}},          /* [1, a) + [b, end) */
		{"gap-starts-early", {0, -10, 0, 0}},       /* the gap takes dictionary text */
		{"gap-ends-late", {0, 0, 5, -5}},           /* the gap takes " >>" */
		{"gap-ends-early", {0, 0, -2, 2}},          /* the last digit and ">" signed */
		{"range-short-of-the-end", {0, 0, 0, -20}}, /* not the revision's end */
		{"range-past-the-end", {0, 0, 0, 100}},     /* bytes that are not there */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = copy_of(&signed1);
		witness_update(&d, &u, &a, &b);
		long long end = (long long)(d.len - b);
		size_t w[4] = {(size_t)cases[i].w[0], (size_t)((long long)a + cases[i].w[1]),
			       (size_t)((long long)b + cases[i].w[2]),
			       (size_t)(end + cases[i].w[3])};
		if (w[2] + w[3] > d.len) { /* cannot be hashed: sign the honest range */
			char text[BR_WIDTH + 1];
			snprintf(text, sizeof(text), "[%zu %zu %zu %zu]", w[0], w[1], w[2], w[3]);
			upd_sign_text(&u, witness, text, NULL);
		} else {
			upd_sign_ranges(&u, witness, w);
		}
		expect_range_refused(cases[i].name, &d);
		free(d.p);
	}
	/* ranges that are not four non-negative integers */
	static const char *const texts[] = {"[0 %zu.0 %zu %zu]", "[0 %zu %zu -%zu]",
					    "[0 %zu %zu %zu 0 0]", "[0 %zu (%zu) %zu]"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		d = copy_of(&signed1);
		witness_update(&d, &u, &a, &b);
		char text[BR_WIDTH + 1], name[32];
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		snprintf(text, sizeof(text), texts[i], a, b, d.len - b);
#pragma GCC diagnostic pop
		upd_sign_text(&u, witness, text, NULL);
		snprintf(name, sizeof(name), "range-text-%zu", i);
		expect_range_refused(name, &d);
		free(d.p);
	}
}

/* /Contents that is not all hex digits: in the padding after the CMS (which
 * no signature covers, so only the check of the gap sees it), or an odd
 * number of them. */
Test(pades, contents_that_are_not_hex_are_refused)
{
	static const char bad[] = {'G', 'z', ' ', '\n', '>', '<'};
	for (size_t i = 0; i < sizeof(bad); i++) {
		struct doc d = copy_of(&signed1);
		struct upd u;
		size_t a, b;
		witness_update(&d, &u, &a, &b);
		upd_sign(&u, witness);
		d.p[b - 10] = (unsigned char)bad[i];
		char name[32];
		snprintf(name, sizeof(name), "contents-not-hex-%02x", bad[i]);
		/* white space is allowed in a PDF hex string, but not in the gap;
		 * what the PDF parser cannot read leaves the field without a
		 * value, and its update counts as appended after signing */
		struct kesu_pades_report rep;
		expect_refused(name, &d);
		pades(&d, &rep);
		if (rep.count == 2)
			expect_range_refused(name, &d);
		else
			cr_assert(rep.count == 1 &&
					  strstr(rep.updates_msg, "modified after signing"),
				  "%s: %s", name, rep.updates_msg);
		free(d.p);
	}
	/* an odd number of hex digits: the string ends one digit early */
	struct doc d = copy_of(&signed1);
	struct upd u;
	size_t a, b;
	witness_update(&d, &u, &a, &b);
	d.p[b - 2] = '>';
	d.p[b - 1] = ' ';
	size_t w[4] = {0, a, b - 1, d.len - b + 1};
	upd_sign_ranges(&u, witness, w);
	expect_range_refused("contents-odd", &d);
	free(d.p);
}

/* ---- 5. the page shows the signed payload --------------------------- */

/* rendered, with an unsigned update (the test's) before the station
 * signs: what a station that lies would sign. */
static void station_signs(struct doc *d)
{
	countersign(d, station, KESU_PADES_OPERATOR, false);
	struct kesu_pades_report rep;
	cr_assert_eq(pades(d, &rep), 0, "the station's signature itself must hold");
}

/* The attachment's text as the file reads now. */
static char *attachment_text(const struct doc *d, const char *name, size_t *len)
{
	char *text = NULL;
	cr_assert_eq(kesu_pdf_read_attachment(d->p, d->len, name, 1 << 20, &text, len, err,
					      sizeof(err)),
		     0, "%s", err);
	return text;
}

/* The payload and its signature of another certificate (gutmann.json,
 * signed by the same station) moved into this one's attachments: the page
 * still shows success.json. The payload verifies; the page check fails. */
Test(pades, a_payload_moved_into_another_page_is_invalid)
{
	struct doc other = render("gutmann.json"), d = copy_of(&rendered);
	struct layout l = layout_of(&signed1);
	unsigned spec, sig_stream = attachment(&d, l.names, KESU_PDF_SIG_NAME, &spec);
	size_t plen, slen;
	char *payload = attachment_text(&other, KESU_PDF_PAYLOAD_NAME, &plen);
	char *sig = attachment_text(&other, KESU_PDF_SIG_NAME, &slen);
	struct upd u;
	upd_begin(&u, &d);
	upd_stream(&u, l.payload_stream, "/Type /EmbeddedFile", payload, plen);
	upd_stream(&u, sig_stream, "/Type /EmbeddedFile", sig, slen);
	upd_end(&u, NULL, NULL);
	station_signs(&d);
	keep("payload-moved", &d);
	struct kesu_cert_check c;
	cr_assert_eq(cert(&d, &c), KESU_CERT_INVALID);
	cr_assert(c.payload_ok, "the moved payload is genuine: %s", c.payload_msg);
	cr_assert(strstr(c.certificate_id, "KESU-") &&
			  strcmp(c.certificate_id, "KESU-20261122-8F3A2C1D"),
		  "the payload read is the moved one: %s", c.certificate_id);
	cr_assert(c.page_checked && !c.page_ok, "%s", c.page_msg);
	free(payload), free(sig), free(other.p), free(d.p);
}

/* The other way round: gutmann.json's certificate with success.json's
 * page content put in before the station signs. */
Test(pades, a_page_from_another_certificate_is_invalid)
{
	struct doc other = render("gutmann.json");
	struct layout l = layout_of(&signed1);
	/* success.json's first page content, as compressed bytes */
	struct pdf_reader r;
	struct pdf_obj o;
	cr_assert_eq(Kesu_pdf_reader_open(&r, rendered.p, rendered.len, err, sizeof(err)), 0);
	cr_assert_eq(Kesu_pdf_load(&r, l.contents0, &o), 0);
	char *n = value_of(&rendered, l.contents0_len, NULL);
	size_t len = (size_t)atol(n);
	struct upd u;
	/* kesu numbers the objects of every certificate alike */
	cr_assert_eq(ref_of(&other, l.page0, "Contents"), l.contents0);
	upd_begin(&u, &other);
	upd_stream(&u, l.contents0, "/Filter /FlateDecode", o.data, len);
	upd_end(&u, NULL, NULL);
	Kesu_pdf_reader_close(&r);
	station_signs(&other);
	keep("page-moved", &other);
	struct kesu_cert_check c;
	cr_assert_eq(cert(&other, &c), KESU_CERT_INVALID);
	cr_assert(c.payload_ok, "%s", c.payload_msg);
	cr_assert(c.page_checked && !c.page_ok, "%s", c.page_msg);
	free(n), free(other.p);
}

/* kesu-render.json as it would read with one member replaced (value NULL:
 * the member left out). */
static char *render_info_with(const char *member, const char *value, size_t *len)
{
	char *text = attachment_text(&rendered, KESU_PDF_RENDER_NAME, len), key[40];
	snprintf(key, sizeof(key), "\"%s\":\"", member);
	char *at = strstr(text, key);
	cr_assert_not_null(at, "%s has no %s", text, member);
	char *end = strchr(at + strlen(key), '"') + 1, *out = NULL;
	if (*end == ',' && !value)
		end++;
	cr_assert_geq(asprintf(&out, "%.*s%s%s%s%s", (int)(at - text), text, value ? key : "",
			       value ? value : "", value ? "\"" : "", end),
		      0);
	free(text);
	*len = strlen(out);
	return out;
}

/* A certificate rendered (its kesu-render.json says) by another kesu,
 * libharu or font: the page cannot be rendered again here, and the
 * verdict says so (UNCHECKED), never VALID; one that does not say what
 * rendered it is INVALID. */
Test(pades, a_page_from_another_renderer_is_unchecked)
{
	struct {
		const char *member, *value;
		enum kesu_cert_verdict want;
	} cases[] = {
		{"kesu", "0.0.1-elsewhere", KESU_CERT_UNCHECKED},
		{"libharu", "9.9.9", KESU_CERT_UNCHECKED},
		{"font_sha256", "sha256:0000", KESU_CERT_UNCHECKED},
		{"kesu", NULL, KESU_CERT_INVALID},
	};
	struct layout l = layout_of(&signed1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *info = render_info_with(cases[i].member, cases[i].value, &len);
		cr_log_info("%s", info);
		struct doc d = copy_of(&rendered);
		struct upd u;
		upd_begin(&u, &d);
		upd_stream(&u, l.render_stream, "/Type /EmbeddedFile", info, len);
		upd_end(&u, NULL, NULL);
		station_signs(&d);
		struct kesu_cert_check c;
		cr_assert_eq(cert(&d, &c), cases[i].want, "%s %s: verdict %d: %s", cases[i].member,
			     cases[i].value ? cases[i].value : "left out", c.verdict, c.page_msg);
		if (cases[i].want == KESU_CERT_UNCHECKED) {
			cr_assert(!c.page_checked, "%s", c.page_msg);
			cr_assert(strstr(c.page_msg, "not checked"), "%s", c.page_msg);
			cr_assert(c.payload_ok && c.pades.ok);
		}
		free(info), free(d.p);
	}
}

/* ---- cross-reference sections ----------------------------------------- */

/* Readers find objects through the cross-reference sections; kesu's
 * reader by scanning for "N G obj". An update whose cross-reference data
 * says something the scan does not see must be refused, or a reader shows
 * objects the check never looked at.
 *
 * FIXED (the four tests below, one cause): the update
 * check (pades_updates.c) trusts its own scan and reads cross-reference
 * data only in check_xref, which looks at the FIRST "\nxref" found in
 * [from, to), only for 'f' entries, and stops at that table's "trailer".
 * So (1) an update that starts with "xref" itself is not found (its "\n"
 * is the previous revision's last byte) and the witness's table is read
 * instead; (2) a second table in the range is never read; (3) an 'n'
 * entry may point at a definition the scan does not index ("11 0 %\nobj",
 * or a header with more than 64 blanks, or a 6-digit generation): poppler
 * and qpdf read it, Kesu_pdf_defined_between does not list it; (4) an
 * unsigned update may use a cross-reference stream, since the witness's
 * classic table satisfies the "has a table" test, and its object stream
 * may hold the catalog again (Kesu_pdf_defined_between lists only
 * definitions at file offsets, and Kesu_pdf_load prefers those). In each
 * case kesu_pades_verify says ok and kesu_cert_verify_with VALID, while
 * qpdf --check is clean and pdfsig says both signatures are valid.
 * Fix: parse every cross-reference section of [from, to) (startxref and
 * the /Prev chain down to the signed revision's), refuse cross-reference
 * streams, /XRefStm and object streams in an update, refuse free entries,
 * and require every in-use entry to point exactly at a definition of that
 * number that the scan lists in [from, to), and every listed definition to
 * have its entry. */
Test(pades, xref_free_entry_in_an_update_without_objects)
{
	struct layout l = layout_of(&signed1);
	char freed[64];
	snprintf(freed, sizeof(freed), "%u 1\n0000000000 00001 f\r\n", l.contents0);
	struct doc d = copy_of(&signed1);
	struct upd u;
	upd_begin(&u, &d); /* the update starts with "xref" itself */
	upd_end(&u, freed, NULL);
	resign_and_expect("freed-no-objects", &d, "frees object");
	free(d.p);
}

Test(pades, xref_free_entry_in_a_second_unsigned_update)
{
	struct layout l = layout_of(&signed1);
	char freed[64];
	snprintf(freed, sizeof(freed), "%u 1\n0000000000 00001 f\r\n", l.contents0);
	struct doc d = copy_of(&signed1);
	struct upd u;
	upd_begin(&u, &d);
	upd_obj(&u, l.next, "null");
	upd_end(&u, NULL, NULL);
	upd_begin(&u, &d);
	upd_obj(&u, l.next + 1, "null");
	upd_end(&u, freed, NULL);
	resign_and_expect("freed-second-update", &d, "frees object");
	free(d.p);
}

/* The content stream's entry points at a definition whose header has a
 * comment in it ("11 0 %\nobj"): PDF readers skip the comment and read it;
 * kesu's scan does not index it, so the update seems to change nothing.
 * pdftoppm shows page 1 black but for the two seals. */
Test(pades, xref_entry_to_a_definition_the_scan_does_not_see)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	struct upd u;
	upd_begin(&u, &d);
	note(&u, l.contents0);
	putf(&d, "%u 0 %%\nobj\n<< /Length %zu >>\nstream\n%s\nendstream\nendobj\n", l.contents0,
	     strlen(BLACK_PAGE), BLACK_PAGE);
	upd_end(&u, NULL, NULL);
	resign_and_expect("hidden-definition", &d, NULL);
	free(d.p);
}

/* An unsigned update with a cross-reference stream whose object stream
 * holds the catalog again, with an action on opening; a valid witness
 * signature (with a classic table) then covers it. */
Test(pades, xref_stream_and_object_stream_in_an_unsigned_update)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	char *cat = dict_with(&d, l.catalog, "OpenAction",
			      "<< /S /JavaScript /JS (app.alert\\(1\\)) >>");
	char head[32], *data = NULL;
	int h = snprintf(head, sizeof(head), "%u 0\n", l.catalog);
	cr_assert_geq(asprintf(&data, "%s%s", head, cat), 0);
	unsigned objstm = l.next, xref = l.next + 1;
	struct upd u;
	upd_begin(&u, &d);
	note(&u, objstm);
	putf(&d, "%u 0 obj\n<< /Type /ObjStm /N 1 /First %d /Length %zu >>\nstream\n%s\nendstream\n"
		 "endobj\n", objstm, h, strlen(data), data);
	/* the xref stream: the object stream at its offset, the catalog in it */
	size_t xref_at = d.len;
	unsigned char rows[3][7] = {
		{2, 0, 0, (unsigned char)(objstm >> 8), (unsigned char)objstm, 0, 0},
		{1, (unsigned char)(u.off[0] >> 24), (unsigned char)(u.off[0] >> 16),
		 (unsigned char)(u.off[0] >> 8), (unsigned char)u.off[0], 0, 0},
		{1, (unsigned char)(xref_at >> 24), (unsigned char)(xref_at >> 16),
		 (unsigned char)(xref_at >> 8), (unsigned char)xref_at, 0, 0},
	};
	putf(&d, "%u 0 obj\n<< /Type /XRef /Size %u /Root %u 0 R /Prev %zu /W [1 4 2] "
		 "/Index [%u 1 %u 2] /Length 21 >>\nstream\n",
	     xref, xref + 1, l.catalog, u.prev, l.catalog, objstm);
	put(&d, rows, sizeof(rows));
	putf(&d, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref_at);
	resign_and_expect("xref-stream-object-stream", &d, NULL);
	free(cat), free(data), free(d.p);
}

/* ---- the form, as the catalog's /AcroForm may name it ---------------- */

/* The catalog's /AcroForm (the one entry it may change) made a direct
 * dictionary with /XFA and /NeedAppearances, in the witness's own update.
 *
 * FIXED: compare() in pades_updates.c checks the
 * form's keys (and grown_array its /Fields) only when the catalog's
 * /AcroForm is a reference; check_changed lets the catalog change
 * /AcroForm to anything. A direct dictionary escapes the key check (this
 * test); a new form object escapes the /Fields comparison (fields of
 * earlier signatures can be dropped). kesu: ok / VALID. Fix: once the
 * catalog has /AcroForm, it must stay the same reference (or compare the
 * resolved forms, before and after, wherever they are). */
Test(pades, form_as_a_direct_dictionary_with_xfa)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	unsigned next = l.next;
	struct upd u;
	upd_begin(&u, &d);
	witness_objects(&u, &l, &next, l.page0, NULL, NULL);
	/* the form object stays as it was: take back witness_objects' last
	 * object (the form written again), keep its grown /Fields */
	char *fields = value_of(&d, l.acroform, "Fields"), *form = NULL, *cat;
	cr_assert_eq(u.num[u.n - 1], l.acroform);
	d.len = u.off[--u.n];
	cr_assert_geq(asprintf(&form, "<< /Fields %s /SigFlags 3 /NeedAppearances true "
				      "/XFA [(template) (forged)] >>", fields), 0);
	upd_obj(&u, l.catalog, "%s", cat = dict_with(&d, l.catalog, "AcroForm", form));
	upd_end(&u, NULL, NULL);
	upd_sign(&u, witness);
	expect_update_refused("direct-form-xfa", &d, NULL);
	free(fields), free(form), free(cat), free(d.p);
}

/* ---- signatures that disappear ---------------------------------------- */

/* Signature 1's widget loses its value (and the page is blacked out in
 * the same update): kesu_pades_verify then lists only the witness's
 * signature and checks nothing before it.
 *
 * FIXED (kesu_pades_verify only): Kesu_pades_find
 * lists the signatures of the LAST revision's form, and check_updates
 * starts after the first one listed. An update that removes /V from an
 * earlier signature's widget (or drops its field) makes that signature
 * vanish, and the check starts after the next one: kesu_pades_verify
 * says ok with one signature (the witness's). kesu_cert_verify_with says
 * INVALID here only because the page check (station_first, and
 * Kesu_pades_update_allowed over [page end, first signature)) happens to
 * see the widget change. Fix: a signature field that had a value in a
 * signed revision must keep it (or find signatures in every revision's
 * form, not only the last one's). */
Test(pades, first_signature_value_removed)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	struct upd u;
	char *w = dict_with(&d, l.widget1, "V", NULL);
	upd_begin(&u, &d);
	upd_obj(&u, l.widget1, "%s", w);
	upd_stream(&u, l.contents0, "", BLACK_PAGE, strlen(BLACK_PAGE));
	upd_end(&u, NULL, NULL);
	countersign(&d, witness, KESU_PADES_WITNESS, false);
	expect_refused("sig1-value-removed", &d);
	free(w), free(d.p);
}

/* A witness signature whose /Contents the PDF parser cannot read, between
 * the station's and an approver's: Kesu_pades_find skips the field (its
 * value does not parse), but the update check refuses a widget without a
 * signature. */
Test(pades, unreadable_signature_between_two_good_ones)
{
	struct doc d = copy_of(&signed1);
	struct upd u;
	size_t a, b;
	witness_update(&d, &u, &a, &b);
	upd_sign(&u, witness);
	d.p[b - 10] = 'G';
	countersign(&d, station, KESU_PADES_APPROVER, false);
	expect_refused("unreadable-middle", &d);
	free(d.p);
}

/* ---- the gap and the seal boxes ---------------------------------------- */

/* The gap is a hex string, but not the dictionary's /Contents (which is
 * <00> and signed): readers take /Contents and fail it.
 *
 * FIXED: decode_gap (pades_revisions.c) accepts any
 * "<hex>" between the two ranges and decodes it as the CMS; it never
 * checks that the gap is where the signature dictionary's own /Contents
 * value is. pdfsig: signature 2 "Unknown Validation Failure"; kesu: ok,
 * VALID. Fix: require range[1] to be the offset of the /Contents value
 * of the dictionary (as parsed) and range[2] its end. */
Test(pades, gap_is_not_the_contents_entry)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	unsigned sig = l.next, widget = l.next + 1;
	struct upd u;
	upd_begin(&u, &d);
	upd_sig(&u, sig, true);
	upd_obj(&u, widget, "<< /Type /Annot /Subtype /Widget /FT /Sig /T (kesu-witness-1) "
			    "/V %u 0 R /F 132 /P %u 0 R /Rect [0 0 0 0] >>", sig, l.page0);
	char *annots = value_of(&d, l.page0, "Annots"), *grown = array_plus(annots, widget), *p;
	upd_obj(&u, l.page0, "%s", p = dict_with(&d, l.page0, "Annots", grown));
	free(annots), free(grown), free(p);
	char *fields = value_of(&d, l.acroform, "Fields"), *more = array_plus(fields, widget), *f;
	upd_obj(&u, l.acroform, "%s", f = dict_with(&d, l.acroform, "Fields", more));
	free(fields), free(more), free(f);
	upd_end(&u, NULL, NULL);
	upd_sign(&u, witness);
	expect_range_refused("gap-not-contents", &d);
	free(d.p);
}

/* The witness's visible signature drawn in the operator's box, over the
 * station's seal (kesu_pades_sign refuses a box already signed).
 *
 * FIXED (a weakness): check_widget (pades_updates.c)
 * accepts a signature widget in ANY seal box of its page. A trusted
 * countersigner can draw over the station's seal (here a white box: the
 * printed certificate shows an empty 担当者 box) or fill another role's
 * empty box; kesu: ok, VALID. Fix: a new widget must lie in the box of
 * its field's role (kesu-ROLE-N) and that box must not already hold a
 * visible widget. */
Test(pades, widget_over_another_signers_box)
{
	struct layout l = layout_of(&signed1);
	struct doc d = copy_of(&signed1);
	unsigned next = l.next, form = next++;
	struct upd u;
	upd_begin(&u, &d);
	upd_stream(&u, form, "/Type /XObject /Subtype /Form /BBox [0 0 120 56]",
		   "1 1 1 rg 0 0 120 56 re f", 24);
	char extra[64];
	snprintf(extra, sizeof(extra), "/AP << /N %u 0 R >>", form);
	witness_objects(&u, &l, &next, l.page0, "[60 190 180 246]", extra);
	upd_end(&u, NULL, NULL);
	upd_sign(&u, witness);
	expect_update_refused("over-operator-box", &d, NULL);
	free(d.p);
}

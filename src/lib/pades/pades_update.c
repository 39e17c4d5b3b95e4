/* One signature as an incremental update (ISO 32000-1 7.5.6, 12.8): new
 * objects for the signature value, its field and widget and their
 * appearance, the page and the catalog (or AcroForm) written again with
 * the new field added, a cross-reference section for exactly those
 * objects and a trailer whose /Prev is the previous one. Nothing before
 * the update changes, so every earlier signature's byte range still
 * holds. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "membuf.h"
#include "pades_pdf.h"
#include "pdf_parse.h"
#include "utf8.h"
#include "../i18n.h"

#define PAGE_DEPTH_MAX 8
#define UPDATE_OBJECTS_MAX 64
#define BYTERANGE_WIDTH 48 /* "[0 a b c]" padded with spaces */

struct written {
	unsigned num;
	size_t off;
};

struct update {
	struct pdf_reader r;
	struct kesu_buf out;
	struct written obj[UPDATE_OBJECTS_MAX];
	size_t nobj;
	unsigned next; /* the next free object number */
	struct pv trailer, catalog, page;
	unsigned catalog_num, page_num;
	size_t prev_xref;
	char *err;
	size_t errsize;
};

static int fail(struct update *u, int rc, const char *what)
{
	snprintf(u->err, u->errsize, _("cannot add a signature: %s"), what);
	return rc;
}

static void begin_object(struct update *u, unsigned num)
{
	if (u->nobj < UPDATE_OBJECTS_MAX)
		u->obj[u->nobj] = (struct written){num, u->out.len};
	u->nobj++;
	Kesu_buf_printf(&u->out, "%u 0 obj\n", num);
}

static void end_object(struct update *u)
{
	Kesu_buf_puts(&u->out, "\nendobj\n");
}

/* A PDF text string: UTF-16BE with its byte order mark, in hex. */
static int text_string(struct kesu_buf *b, const char *s)
{
	size_t n = strlen(s);
	if (!kesu_utf8_valid(s, n))
		return -KESU_EPARSE;
	Kesu_buf_puts(b, "<FEFF");
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = Kesu_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		i += k;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			Kesu_buf_printf(b, "%04X%04X", 0xD800 + (cp >> 10), 0xDC00 + (cp & 0x3FF));
		} else {
			Kesu_buf_printf(b, "%04X", cp);
		}
	}
	Kesu_buf_puts(b, ">");
	return 0;
}

/* D:YYYYMMDDHHmmSS+HH'mm' in the local zone. */
static void pdf_date(time_t t, char *out, size_t size)
{
	struct tm tm;
	localtime_r(&t, &tm);
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	off = off < 0 ? -off : off;
	snprintf(out, size, "D:%04d%02d%02d%02d%02d%02d%c%02ld'%02ld'", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, sign, off / 60,
		 off % 60);
}

/* The page at index, walking /Pages /Kids with a depth limit. */
static int find_page(struct update *u, const struct pv *node, unsigned depth, unsigned *left,
		     unsigned ref_num)
{
	struct pv d;
	if (depth > PAGE_DEPTH_MAX || Kesu_pdf_resolve(&u->r, node, &d) || d.type != PV_DICT)
		return -KESU_EPARSE;
	if (Kesu_pdf_is_name(Kesu_pdf_dict_get(&d, "Type"), "Page")) {
		if ((*left)-- > 0)
			return -ENOENT;
		u->page = d;
		u->page_num = ref_num;
		return 0;
	}
	const struct pv *kids = Kesu_pdf_dict_get(&d, "Kids");
	struct pv k;
	if (!kids || Kesu_pdf_resolve(&u->r, kids, &k) || k.type != PV_ARRAY)
		return -KESU_EPARSE;
	for (size_t i = 0; i < k.n; i++) {
		if (k.u.items[i].type != PV_REF)
			return -KESU_EPARSE;
		int rc = find_page(u, &k.u.items[i], depth + 1, left, k.u.items[i].u.ref.num);
		if (rc != -ENOENT)
			return rc;
	}
	return -ENOENT;
}

static int read_document(struct update *u, const unsigned char *buf, size_t len, unsigned page)
{
	int rc = Kesu_pdf_reader_open(&u->r, buf, len, u->err, u->errsize);
	if (rc == 0)
		rc = Kesu_pdf_find_trailer(&u->r, &u->trailer, &u->prev_xref);
	if (rc)
		return rc;
	const struct pv *root = Kesu_pdf_dict_get(&u->trailer, "Root");
	const struct pv *size = Kesu_pdf_dict_get(&u->trailer, "Size");
	struct pdf_obj cat;
	if (!root || root->type != PV_REF || !size || size->type != PV_INT || size->u.i < 1 ||
	    size->u.i > PDF_OBJNUM_MAX - UPDATE_OBJECTS_MAX ||
	    Kesu_pdf_load(&u->r, root->u.ref.num, &cat) || cat.v.type != PV_DICT)
		return fail(u, -KESU_EPARSE, "the PDF has no usable catalog or trailer");
	u->catalog = cat.v;
	u->catalog_num = root->u.ref.num;
	u->next = (unsigned)size->u.i;
	const struct pv *pages = Kesu_pdf_dict_get(&u->catalog, "Pages");
	unsigned left = page;
	if (!pages || pages->type != PV_REF ||
	    find_page(u, pages, 0, &left, pages->u.ref.num) != 0)
		return fail(u, -KESU_EPARSE, "the page for the signature is not in the PDF");
	return 0;
}

/* dict written again with key set to value (text), every other entry as
 * it was. */
static void write_dict_with(struct kesu_buf *b, const struct pv *dict, const char *key,
			    const char *value)
{
	Kesu_buf_puts(b, "<<");
	for (size_t i = 0; i < dict->n; i++) {
		const struct pv *k = &dict->u.items[2 * i];
		if (k->type == PV_NAME && strcmp((const char *)k->u.s, key) == 0)
			continue;
		Kesu_buf_puts(b, " ");
		Kesu_pdf_value_write(b, k);
		Kesu_buf_puts(b, " ");
		Kesu_pdf_value_write(b, &dict->u.items[2 * i + 1]);
	}
	Kesu_buf_printf(b, " /%s %s >>", key, value);
}

/* An array's items as text, with one more reference at the end. */
static int array_plus(struct update *u, const struct pv *arr, unsigned num, struct kesu_buf *b)
{
	struct pv a = {.type = PV_ARRAY};
	if (arr && (Kesu_pdf_resolve(&u->r, arr, &a) || a.type != PV_ARRAY))
		return -KESU_EPARSE;
	Kesu_buf_puts(b, "[");
	for (size_t i = 0; i < a.n; i++) {
		Kesu_pdf_value_write(b, &a.u.items[i]);
		Kesu_buf_puts(b, " ");
	}
	Kesu_buf_printf(b, "%u 0 R]", num);
	return b->err;
}

/* Writes obj (a dict) again as number num with key's array (direct, or the
 * array object it refers to) grown by field. */
static int grow_array_in(struct update *u, unsigned num, const struct pv *obj, const char *key,
			 unsigned field)
{
	const struct pv *arr = Kesu_pdf_dict_get(obj, key);
	struct kesu_buf items = {0};
	int rc = array_plus(u, arr, field, &items);
	if (rc == 0 && arr && arr->type == PV_REF) { /* the array is an object of its own */
		begin_object(u, arr->u.ref.num);
		Kesu_buf_put(&u->out, items.data, items.len);
		end_object(u);
	} else if (rc == 0) {
		begin_object(u, num);
		Kesu_buf_put(&items, "", 1);
		write_dict_with(&u->out, obj, key, (const char *)items.data);
		end_object(u);
	}
	Kesu_buf_free(&items);
	return rc ? fail(u, rc, "its field or annotation list is damaged") : 0;
}

/* The field joins the catalog's AcroForm: the AcroForm object grows when
 * it is one, else a new AcroForm and the catalog written again. */
static int add_to_acroform(struct update *u, unsigned field)
{
	const struct pv *form = Kesu_pdf_dict_get(&u->catalog, "AcroForm");
	if (form && form->type == PV_REF) {
		struct pdf_obj f;
		if (Kesu_pdf_load(&u->r, form->u.ref.num, &f) || f.v.type != PV_DICT)
			return fail(u, -KESU_EPARSE, "its AcroForm is damaged");
		return grow_array_in(u, form->u.ref.num, &f.v, "Fields", field);
	}
	if (form && form->type != PV_DICT)
		return fail(u, -KESU_EPARSE, "its AcroForm is damaged");
	unsigned num = u->next++;
	struct kesu_buf fields = {0};
	int rc = array_plus(u, form ? Kesu_pdf_dict_get(form, "Fields") : NULL, field, &fields);
	Kesu_buf_put(&fields, "", 1);
	if (rc == 0) {
		begin_object(u, num);
		if (form) {
			write_dict_with(&u->out, form, "Fields", (const char *)fields.data);
		} else {
			Kesu_buf_printf(&u->out, "<< /Fields %s /SigFlags 3 >>", (const char *)fields.data);
		}
		end_object(u);
		char ref[32];
		snprintf(ref, sizeof(ref), "%u 0 R", num);
		begin_object(u, u->catalog_num);
		write_dict_with(&u->out, &u->catalog, "AcroForm", ref);
		end_object(u);
	}
	Kesu_buf_free(&fields);
	return rc ? fail(u, rc, "its AcroForm is damaged") : 0;
}

/* The signature dictionary; *contents_at receives where "<" starts. */
static int write_signature(struct update *u, unsigned num, const struct pades_field *f,
			   size_t *byterange_at, size_t *contents_at)
{
	char date[40];
	pdf_date(f->when, date, sizeof(date));
	begin_object(u, num);
	if (f->doc_timestamp)
		Kesu_buf_puts(&u->out, "<< /Type /DocTimeStamp /Filter /Adobe.PPKLite "
				       "/SubFilter /ETSI.RFC3161");
	else
		Kesu_buf_printf(&u->out, "<< /Type /Sig /Filter /Adobe.PPKLite "
					 "/SubFilter /ETSI.CAdES.detached /M (%s)", date);
	const char *keys[] = {"Name", "Reason", "Location"};
	const char *values[] = {f->signer_name, f->reason, f->location};
	for (int i = 0; i < 3; i++) {
		if (!values[i] || !values[i][0])
			continue;
		Kesu_buf_printf(&u->out, " /%s ", keys[i]);
		if (text_string(&u->out, values[i]))
			return fail(u, -KESU_EPARSE, "a name or reason is not valid UTF-8");
	}
	Kesu_buf_puts(&u->out, " /ByteRange ");
	*byterange_at = u->out.len;
	Kesu_buf_printf(&u->out, "%-*s /Contents ", BYTERANGE_WIDTH, "[0 0 0 0]");
	*contents_at = u->out.len;
	Kesu_buf_puts(&u->out, "<");
	for (size_t i = 0; i < 2 * f->contents_max; i++)
		Kesu_buf_put(&u->out, "0", 1);
	Kesu_buf_puts(&u->out, "> >>");
	end_object(u);
	return u->out.err;
}

static int write_widget(struct update *u, unsigned num, unsigned sig, unsigned form,
			const struct pades_field *f)
{
	begin_object(u, num);
	Kesu_buf_printf(&u->out, "<< /Type /Annot /Subtype /Widget /FT /Sig /T ");
	if (text_string(&u->out, f->name))
		return fail(u, -KESU_EPARSE, "the field name is not valid UTF-8");
	/* Print | Locked: the widget prints with the page and cannot be moved */
	Kesu_buf_printf(&u->out, " /V %u 0 R /F 132 /P %u 0 R /Rect [%.2f %.2f %.2f %.2f]", sig,
			u->page_num, (double)f->rect[0], (double)f->rect[1], (double)f->rect[2],
			(double)f->rect[3]);
	if (form)
		Kesu_buf_printf(&u->out, " /AP << /N %u 0 R >>", form);
	Kesu_buf_puts(&u->out, " >>");
	end_object(u);
	return u->out.err;
}

static int cmp_written(const void *a, const void *b)
{
	const struct written *x = a, *y = b;
	return x->num < y->num ? -1 : x->num > y->num;
}

/* The cross-reference section (one subsection per run of numbers) and the
 * trailer, then startxref. Offsets are from the start of the file. */
static void write_xref(struct update *u, size_t base)
{
	size_t xref_at = base + u->out.len;
	qsort(u->obj, u->nobj, sizeof(u->obj[0]), cmp_written);
	Kesu_buf_puts(&u->out, "xref\n");
	for (size_t i = 0; i < u->nobj;) {
		size_t j = i + 1;
		while (j < u->nobj && u->obj[j].num == u->obj[j - 1].num + 1)
			j++;
		Kesu_buf_printf(&u->out, "%u %zu\n", u->obj[i].num, j - i);
		for (; i < j; i++)
			Kesu_buf_printf(&u->out, "%010zu 00000 n\r\n", base + u->obj[i].off);
	}
	Kesu_buf_printf(&u->out, "trailer\n<< /Size %u /Root %u 0 R", u->next, u->catalog_num);
	const char *keep[] = {"Info", "ID"};
	for (int i = 0; i < 2; i++) {
		const struct pv *v = Kesu_pdf_dict_get(&u->trailer, keep[i]);
		if (v) {
			Kesu_buf_printf(&u->out, " /%s ", keep[i]);
			Kesu_pdf_value_write(&u->out, v);
		}
	}
	Kesu_buf_printf(&u->out, " /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n", u->prev_xref, xref_at);
}

static bool duplicate_numbers(struct update *u)
{
	for (size_t i = 1; i < u->nobj; i++)
		if (u->obj[i].num == u->obj[i - 1].num)
			return true;
	return false;
}

static int build(struct update *u, const unsigned char *buf, size_t len,
		 const struct pades_field *f, size_t *byterange_at, size_t *contents_at)
{
	int rc = read_document(u, buf, len, f->page);
	if (rc)
		return rc;
	if (len == 0 || buf[len - 1] != '\n')
		Kesu_buf_puts(&u->out, "\n");
	unsigned sig = u->next++, widget = u->next++, form = 0;
	if (f->appearance) {
		struct pades_objects ap = {0};
		float w = f->rect[2] - f->rect[0], h = f->rect[3] - f->rect[1];
		rc = Kesu_pades_appearance(f->appearance, w, h, u->next, &ap, u->err, u->errsize);
		if (rc)
			return rc;
		for (unsigned i = 0; i < ap.count && u->nobj < UPDATE_OBJECTS_MAX; i++, u->nobj++)
			u->obj[u->nobj] = (struct written){ap.first + i, u->out.len + ap.offsets[i]};
		Kesu_buf_put(&u->out, ap.data, ap.len);
		u->next += ap.count;
		form = ap.form;
		Kesu_pades_objects_free(&ap);
	}
	if ((rc = write_signature(u, sig, f, byterange_at, contents_at)) != 0 ||
	    (rc = write_widget(u, widget, sig, form, f)) != 0 ||
	    (rc = grow_array_in(u, u->page_num, &u->page, "Annots", widget)) != 0 ||
	    (rc = add_to_acroform(u, widget)) != 0)
		return rc;
	if (u->nobj > UPDATE_OBJECTS_MAX)
		return fail(u, -KESU_EPARSE, "too many objects in one update");
	write_xref(u, len);
	if (duplicate_numbers(u))
		return fail(u, -KESU_EPARSE, "the catalog, page and fields share objects");
	return u->out.err;
}

int Kesu_pades_prepare(const unsigned char *buf, size_t len, const struct pades_field *f,
		       struct pades_prepared *out, char *err, size_t errsize)
{
	struct update *u = calloc(1, sizeof(*u));
	size_t byterange_at = 0, contents_at = 0;
	memset(out, 0, sizeof(*out));
	if (!u)
		return -ENOMEM;
	u->err = err;
	u->errsize = errsize;
	int rc = build(u, buf, len, f, &byterange_at, &contents_at);
	Kesu_pdf_reader_close(&u->r);
	if (rc == 0 && !(out->pdf = malloc(len + u->out.len)))
		rc = -ENOMEM;
	if (rc == 0) {
		memcpy(out->pdf, buf, len);
		memcpy(out->pdf + len, u->out.data, u->out.len);
		out->len = len + u->out.len;
		size_t a = len + contents_at, b = a + 2 * f->contents_max + 2;
		out->range[0] = 0;
		out->range[1] = a;
		out->range[2] = b;
		out->range[3] = out->len - b;
		char br[BYTERANGE_WIDTH + 1];
		int n = snprintf(br, sizeof(br), "[0 %zu %zu %zu]", a, b, out->len - b);
		memcpy(out->pdf + len + byterange_at, br, (size_t)n); /* the rest stays spaces */
	}
	Kesu_buf_free(&u->out);
	free(u);
	if (rc == -ENOMEM)
		snprintf(err, errsize, _("out of memory"));
	return rc;
}

void Kesu_pades_digest(const struct pades_prepared *p, unsigned char digest[32])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, p->pdf, p->range[1]);
	crypto_hash_sha256_update(&st, p->pdf + p->range[2], p->range[3]);
	crypto_hash_sha256_final(&st, digest);
}

int Kesu_pades_fill(struct pades_prepared *p, const unsigned char *der, size_t der_len,
		    char *err, size_t errsize)
{
	size_t room = (p->range[2] - p->range[1] - 2) / 2;
	if (der_len > room) {
		snprintf(err, errsize, _("the signature (%zu bytes) does not fit the %zu bytes reserved"),
			 der_len, room);
		return -ENOSPC;
	}
	static const char digits[] = "0123456789ABCDEF";
	unsigned char *hex = p->pdf + p->range[1] + 1;
	for (size_t i = 0; i < der_len; i++) {
		hex[2 * i] = (unsigned char)digits[der[i] >> 4];
		hex[2 * i + 1] = (unsigned char)digits[der[i] & 15];
	}
	return 0;
}

void Kesu_pades_prepared_free(struct pades_prepared *p)
{
	free(p->pdf);
	*p = (struct pades_prepared){0};
}

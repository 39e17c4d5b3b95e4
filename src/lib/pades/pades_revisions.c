/* Finding a file's signatures: the AcroForm's signature fields and their
 * values' /ByteRange and /Contents. What the ranges cover is checked by
 * pades_verify.c; here only what the file says is read, defensively. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "pades_pdf.h"
#include "pdf_parse.h"

#define FIELDS_MAX 64

static int hexval(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? (int)c - 'a' + 10 : -1;
}

/* The gap between the ranges must be exactly one hex string: decode it. */
static int decode_gap(const unsigned char *buf, size_t len, struct pades_found *f)
{
	long long a = f->range[1], b = f->range[2];
	if (a < 1 || b <= a + 1 || (size_t)b > len || buf[a] != '<' || buf[b - 1] != '>' ||
	    (b - a - 2) % 2)
		return -KESU_EVERIFY;
	size_t n = (size_t)(b - a - 2) / 2;
	unsigned char *out = malloc(n ? n : 1);
	if (!out)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(buf[a + 1 + 2 * i]), lo = hexval(buf[a + 2 + 2 * i]);
		if (hi < 0 || lo < 0) {
			free(out);
			return -KESU_EVERIFY;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	f->contents = out;
	f->contents_len = n;
	return 0;
}

/* D:YYYYMMDDHHmmSS+HH'mm' as 2026-12-06T16:30:00+09:00. */
static void iso_date(const struct pv *m, char *out, size_t size)
{
	out[0] = '\0';
	if (!m || m->type != PV_STRING || m->n < 16 || memcmp(m->u.s, "D:", 2) != 0)
		return;
	const char *d = (const char *)m->u.s + 2;
	for (int i = 0; i < 14; i++)
		if (d[i] < '0' || d[i] > '9')
			return;
	char zone[8] = "Z";
	if (m->n >= 22 && (d[14] == '+' || d[14] == '-'))
		snprintf(zone, sizeof(zone), "%c%.2s:%.2s", d[14], d + 15, d + 18);
	snprintf(out, size, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s", d, d + 4, d + 6, d + 8, d + 10,
		 d + 12, zone);
}

static void field_name(const struct pv *t, char *out, size_t size)
{
	size_t o = 0;
	out[0] = '\0';
	if (!t || t->type != PV_STRING)
		return;
	size_t i = t->n >= 2 && t->u.s[0] == 0xfe && t->u.s[1] == 0xff ? 3 : 0;
	for (; i < t->n && o + 1 < size; i += (t->n >= 2 && t->u.s[0] == 0xfe) ? 2 : 1)
		out[o++] = t->u.s[i] >= 0x20 && t->u.s[i] < 0x7f ? (char)t->u.s[i] : '?';
	out[o] = '\0';
}

static int read_value(struct pdf_reader *r, const unsigned char *buf, size_t len,
		      const struct pv *field, struct pades_found *f)
{
	struct pv sig, br;
	const struct pv *v = Kesu_pdf_dict_get(field, "V");
	if (!v || Kesu_pdf_resolve(r, v, &sig) || sig.type != PV_DICT)
		return -ENOENT;
	const struct pv *brp = Kesu_pdf_dict_get(&sig, "ByteRange");
	if (!brp || Kesu_pdf_resolve(r, brp, &br) || br.type != PV_ARRAY || br.n != 4)
		return -KESU_EVERIFY;
	for (int i = 0; i < 4; i++) {
		if (br.u.items[i].type != PV_INT || br.u.items[i].u.i < 0)
			return -KESU_EVERIFY;
		f->range[i] = br.u.items[i].u.i;
	}
	f->doc_timestamp = Kesu_pdf_is_name(Kesu_pdf_dict_get(&sig, "SubFilter"), "ETSI.RFC3161");
	iso_date(Kesu_pdf_dict_get(&sig, "M"), f->claimed, sizeof(f->claimed));
	field_name(Kesu_pdf_dict_get(field, "T"), f->field, sizeof(f->field));
	const struct pv *rect = Kesu_pdf_dict_get(field, "Rect"), *p = Kesu_pdf_dict_get(field, "P");
	for (size_t i = 0; rect && rect->type == PV_ARRAY && rect->n == 4 && i < 4; i++) {
		const struct pv *x = &rect->u.items[i];
		f->rect[i] = x->type == PV_INT ? (float)x->u.i
			     : x->type == PV_REAL ? strtof((const char *)x->u.s, NULL) : 0;
	}
	f->page_num = p && p->type == PV_REF ? p->u.ref.num : 0;
	if (f->range[0] != 0 || f->range[1] < 0 || f->range[2] < f->range[1] ||
	    (unsigned long long)f->range[2] + (unsigned long long)f->range[3] > len)
		return -KESU_EVERIFY;
	return decode_gap(buf, len, f);
}

static int cmp_found(const void *a, const void *b)
{
	const struct pades_found *x = a, *y = b;
	long long ex = x->range[2] + x->range[3], ey = y->range[2] + y->range[3];
	return ex < ey ? -1 : ex > ey;
}

static int fields_of(struct pdf_reader *r, struct pv *fields)
{
	struct pv trailer, root, form;
	if (Kesu_pdf_find_trailer(r, &trailer, NULL))
		return -KESU_EPARSE;
	const struct pv *v = Kesu_pdf_dict_get(&trailer, "Root");
	if (!v || Kesu_pdf_resolve(r, v, &root) || root.type != PV_DICT)
		return Kesu_pdf_fail(r, "no document catalog: the PDF is damaged");
	v = Kesu_pdf_dict_get(&root, "AcroForm");
	if (!v)
		return -ENOENT;
	if (Kesu_pdf_resolve(r, v, &form) || form.type != PV_DICT ||
	    !(v = Kesu_pdf_dict_get(&form, "Fields")) || Kesu_pdf_resolve(r, v, fields) ||
	    fields->type != PV_ARRAY)
		return Kesu_pdf_fail(r, "its form fields are damaged");
	return 0;
}

int Kesu_pades_find(const unsigned char *buf, size_t len, struct pades_found *found,
		    size_t max, size_t *n, char *err, size_t errsize)
{
	struct pdf_reader r;
	struct pv fields;
	*n = 0;
	int rc = Kesu_pdf_reader_open(&r, buf, len, err, errsize);
	if (rc == 0)
		rc = fields_of(&r, &fields);
	for (size_t i = 0; rc == 0 && i < fields.n && i < FIELDS_MAX; i++) {
		struct pv field;
		if (Kesu_pdf_resolve(&r, &fields.u.items[i], &field) || field.type != PV_DICT ||
		    !Kesu_pdf_is_name(Kesu_pdf_dict_get(&field, "FT"), "Sig"))
			continue;
		struct pades_found f = {0};
		int vr = read_value(&r, buf, len, &field, &f);
		if (vr == -ENOENT)
			continue;
		if (vr == -ENOMEM)
			rc = -ENOMEM;
		else if (vr)
			f.range[0] = -1; /* kept, and reported as a broken byte range */
		if (*n < max)
			found[*n] = f;
		else
			free((void *)f.contents);
		++*n;
	}
	Kesu_pdf_reader_close(&r);
	if (rc == -ENOENT)
		rc = 0; /* no form: no signature */
	if (rc == 0)
		qsort(found, *n < max ? *n : max, sizeof(*found), cmp_found);
	else
		Kesu_pades_found_free(found, *n < max ? *n : max);
	return rc == -ENOMEM ? (snprintf(err, errsize, "out of memory"), rc) : rc;
}

void Kesu_pades_found_free(struct pades_found *found, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((void *)found[i].contents);
		found[i].contents = NULL;
	}
}

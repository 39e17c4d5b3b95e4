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
#include "../i18n.h"


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

void Kesu_pades_field_name(const struct pv *t, char *out, size_t size)
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

/* The parsed span of the definition at off: from "N G obj" to its "endobj". */
static bool object_span(const unsigned char *buf, size_t len, size_t off, size_t *end)
{
	const unsigned char *e = memmem(buf + off, len - off, "endobj", 6);
	if (!e)
		return false;
	*end = (size_t)(e - buf);
	return true;
}

/* A signature dictionary (any revision's): its range and its /Contents,
 * which must be exactly the hex string between the two ranges, inside
 * this very object. */
static int read_signature(const unsigned char *buf, size_t len, size_t off, const struct pv *sig,
			  struct pades_found *f)
{
	const struct pv *br = Kesu_pdf_dict_get(sig, "ByteRange");
	const struct pv *contents = Kesu_pdf_dict_get(sig, "Contents");
	f->doc_timestamp = Kesu_pdf_is_name(Kesu_pdf_dict_get(sig, "SubFilter"), "ETSI.RFC3161");
	iso_date(Kesu_pdf_dict_get(sig, "M"), f->claimed, sizeof(f->claimed));
	if (!br || br->type != PV_ARRAY || br->n != 4 || !contents || contents->type != PV_STRING)
		return -KESU_EVERIFY;
	for (int i = 0; i < 4; i++) {
		if (br->u.items[i].type != PV_INT || br->u.items[i].u.i < 0)
			return -KESU_EVERIFY;
		f->range[i] = br->u.items[i].u.i;
	}
	size_t end;
	if (f->range[0] != 0 || f->range[2] < f->range[1] ||
	    (unsigned long long)f->range[2] + (unsigned long long)f->range[3] > len ||
	    !object_span(buf, len, off, &end) || (size_t)f->range[1] <= off ||
	    (size_t)f->range[2] > end)
		return -KESU_EVERIFY;
	int rc = decode_gap(buf, len, f);
	if (rc == 0 && (f->contents_len != contents->n ||
			memcmp(f->contents, contents->u.s, contents->n) != 0))
		rc = -KESU_EVERIFY; /* the gap is another string than /Contents */
	return rc;
}

/* The first widget (in file order) whose /V is signature object num: its
 * field name, rectangle and page. */
static void read_widget(struct pdf_reader *r, unsigned num, struct pades_found *f)
{
	for (size_t i = 0; i < Kesu_pdf_definitions(r); i++) {
		unsigned n;
		size_t off;
		struct pdf_obj o;
		Kesu_pdf_definition_at(r, i, &n, &off);
		if (Kesu_pdf_load_at(r, off, &o) || o.v.type != PV_DICT)
			continue;
		const struct pv *v = Kesu_pdf_dict_get(&o.v, "V");
		if (!v || v->type != PV_REF || v->u.ref.num != num ||
		    !Kesu_pdf_is_name(Kesu_pdf_dict_get(&o.v, "FT"), "Sig"))
			continue;
		Kesu_pades_field_name(Kesu_pdf_dict_get(&o.v, "T"), f->field, sizeof(f->field));
		const struct pv *rect = Kesu_pdf_dict_get(&o.v, "Rect");
		const struct pv *p = Kesu_pdf_dict_get(&o.v, "P");
		for (size_t k = 0; rect && rect->type == PV_ARRAY && rect->n == 4 && k < 4; k++) {
			const struct pv *x = &rect->u.items[k];
			f->rect[k] = x->type == PV_INT ? (float)x->u.i
				     : x->type == PV_REAL ? strtof((const char *)x->u.s, NULL) : 0;
		}
		f->page_num = p && p->type == PV_REF ? p->u.ref.num : 0;
		return;
	}
}

static int cmp_found(const void *a, const void *b)
{
	const struct pades_found *x = a, *y = b;
	long long ex = x->range[2] + x->range[3], ey = y->range[2] + y->range[3];
	return ex < ey ? -1 : ex > ey;
}

static bool is_signature(const struct pv *v)
{
	return v->type == PV_DICT && (Kesu_pdf_is_name(Kesu_pdf_dict_get(v, "Type"), "Sig") ||
				      Kesu_pdf_is_name(Kesu_pdf_dict_get(v, "Type"), "DocTimeStamp") ||
				      Kesu_pdf_dict_get(v, "ByteRange"));
}

/* Every signature dictionary defined anywhere in the file, superseded
 * definitions too: a later update that drops a signature's field or value
 * cannot hide the signature, nor what came before it. */
int Kesu_pades_find(const unsigned char *buf, size_t len, struct pades_found *found,
		    size_t max, size_t *n, char *err, size_t errsize)
{
	struct pdf_reader r;
	unsigned prev = 0;
	*n = 0;
	int rc = Kesu_pdf_reader_open(&r, buf, len, err, errsize);
	for (size_t i = 0; rc == 0 && i < Kesu_pdf_definitions(&r); i++) {
		unsigned num;
		size_t off;
		struct pdf_obj o;
		Kesu_pdf_definition_at(&r, i, &num, &off);
		/* a number's first definition is the signature; a later one is a
		 * change after signing, which the update check refuses */
		bool first = i == 0 || num != prev;
		prev = num;
		if (!first || Kesu_pdf_load_at(&r, off, &o) || !is_signature(&o.v))
			continue;
		if (r.exhausted) {
			rc = -KESU_EPARSE;
			break;
		}
		struct pades_found f = {0};
		int vr = read_signature(buf, len, off, &o.v, &f);
		if (vr == -ENOMEM) {
			rc = -ENOMEM;
			break;
		}
		if (vr)
			f.range[0] = -1; /* kept, and reported as a broken signature */
		read_widget(&r, num, &f);
		if (*n < max)
			found[*n] = f;
		else
			free((void *)f.contents);
		++*n;
	}
	if (rc == 0 && r.exhausted)
		rc = -KESU_EPARSE;
	Kesu_pdf_reader_close(&r);
	if (rc == 0)
		qsort(found, *n < max ? *n : max, sizeof(*found), cmp_found);
	else
		Kesu_pades_found_free(found, *n < max ? *n : max);
	return rc == -ENOMEM ? (snprintf(err, errsize, _("out of memory")), rc) : rc;
}

void Kesu_pades_field_role(const char *field, char *role, size_t size)
{
	role[0] = '\0';
	if (strncmp(field, "kesu-", 5) != 0)
		return;
	const char *end = strrchr(field + 5, '-');
	if (end && (size_t)(end - field - 5) < size)
		snprintf(role, size, "%.*s", (int)(end - field - 5), field + 5);
}

void Kesu_pades_found_free(struct pades_found *found, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free((void *)found[i].contents);
		found[i].contents = NULL;
	}
}

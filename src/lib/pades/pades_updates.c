/* What may follow a signature (ISO 32000-1 12.8.2.2, ETSI EN 319 142-1
 * 5.4): further signatures and document timestamps, nothing that changes
 * what the page shows. Each update is compared object by object with the
 * revision before it: a forged line drawn over the page, a page or
 * catalog swapped for another, an object freed, all end in one line that
 * says what changed. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "membuf.h"
#include "pades_pdf.h"
#include "pdf_parse.h"
#include "../i18n.h"

#define CHANGED_MAX 256
#define RECT_SLACK 1.0f /* points: rounding of a widget's rectangle */

struct revisions {
	struct pdf_reader before, after;
	const struct pades_seal *seals;
	size_t nseals;
	unsigned pages[64]; /* page object numbers by index, before the update */
	unsigned fields_array; /* the AcroForm's /Fields when it is an object, else 0 */
	size_t npages;
	char *why;
	size_t whysize;
};

static int refuse(struct revisions *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct revisions *v, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->why, v->whysize, fmt, ap);
	va_end(ap);
	return -KESU_EVERIFY;
}

static bool same_value(const struct pv *a, const struct pv *b)
{
	struct kesu_buf x = {0}, y = {0};
	Kesu_pdf_value_write(&x, a);
	Kesu_pdf_value_write(&y, b);
	bool same = !x.err && !y.err && x.len == y.len && memcmp(x.data, y.data, x.len) == 0;
	Kesu_buf_free(&x);
	Kesu_buf_free(&y);
	return same;
}

/* Every entry of a and b but key is the same. */
static bool same_except(const struct pv *a, const struct pv *b, const char *key)
{
	if (a->type != PV_DICT || b->type != PV_DICT)
		return false;
	const struct pv *pairs[2] = {a, b}, *other[2] = {b, a};
	for (int s = 0; s < 2; s++)
		for (size_t i = 0; i < pairs[s]->n; i++) {
			const struct pv *k = &pairs[s]->u.items[2 * i];
			if (k->type != PV_NAME)
				return false;
			if (!strcmp((const char *)k->u.s, key))
				continue;
			const struct pv *w = Kesu_pdf_dict_get(other[s], (const char *)k->u.s);
			if (!w || !same_value(&pairs[s]->u.items[2 * i + 1], w))
				return false;
		}
	return true;
}

static bool rect_inside(const float r[4], const float box[4])
{
	return r[0] >= box[0] - RECT_SLACK && r[1] >= box[1] - RECT_SLACK &&
	       r[2] <= box[2] + RECT_SLACK && r[3] <= box[3] + RECT_SLACK;
}

static float number(const struct pv *x)
{
	return x->type == PV_INT ? (float)x->u.i
	       : x->type == PV_REAL ? strtof((const char *)x->u.s, NULL) : 0;
}

/* An annotation added to a page: a signature widget, without area or in
 * a seal box, whose value is a signature or a document timestamp. */
static int check_widget(struct revisions *v, const struct pv *ref, unsigned page)
{
	struct pv w, sig;
	if (Kesu_pdf_resolve(&v->after, ref, &w) || w.type != PV_DICT ||
	    !Kesu_pdf_is_name(Kesu_pdf_dict_get(&w, "Subtype"), "Widget") ||
	    !Kesu_pdf_is_name(Kesu_pdf_dict_get(&w, "FT"), "Sig"))
		return refuse(v, _("an annotation that is not a signature was added to a page"));
	const struct pv *val = Kesu_pdf_dict_get(&w, "V"), *rect = Kesu_pdf_dict_get(&w, "Rect");
	if (!val || Kesu_pdf_resolve(&v->after, val, &sig) || sig.type != PV_DICT ||
	    !(Kesu_pdf_is_name(Kesu_pdf_dict_get(&sig, "Type"), "Sig") ||
	      Kesu_pdf_is_name(Kesu_pdf_dict_get(&sig, "Type"), "DocTimeStamp")))
		return refuse(v, _("a signature field without a signature was added to a page"));
	if (!rect || rect->type != PV_ARRAY || rect->n != 4)
		return refuse(v, _("a signature widget has no rectangle"));
	float r[4];
	for (int i = 0; i < 4; i++)
		r[i] = number(&rect->u.items[i]);
	if (r[0] == r[2] || r[1] == r[3])
		return 0; /* invisible */
	/* visible: in its own role's box, on that box's page, and the box free */
	char field[64], role[16];
	Kesu_pades_field_name(Kesu_pdf_dict_get(&w, "T"), field, sizeof(field));
	Kesu_pades_field_role(field, role, sizeof(role));
	for (size_t i = 0; role[0] && i < v->nseals; i++) {
		const struct pades_seal *s = &v->seals[i];
		if (strcmp(s->role, role) != 0)
			continue;
		if (s->page >= v->npages || v->pages[s->page] != page || !rect_inside(r, s->rect))
			break;
		if (s->taken)
			return refuse(v, _("a second appearance was drawn over the %s box, which an "
					 "earlier signature fills"), role);
		return 0;
	}
	return refuse(v, _("a signature appearance lies outside its own seal box "
			 "(at %.0f,%.0f-%.0f,%.0f): it could cover the page"),
		      (double)r[0], (double)r[1], (double)r[2], (double)r[3]);
}

/* b is a then more items; each added one is checked when widgets. */
static int grown_array(struct revisions *v, const struct pv *a, const struct pv *b,
		       unsigned page, const char *what)
{
	struct pv x = {.type = PV_ARRAY}, y;
	if (a && Kesu_pdf_resolve(&v->before, a, &x))
		return refuse(v, _("%s is damaged"), what);
	if (!b || Kesu_pdf_resolve(&v->after, b, &y) || y.type != PV_ARRAY || x.type != PV_ARRAY ||
	    y.n < x.n)
		return refuse(v, _("%s lost entries after signing"), what);
	for (size_t i = 0; i < x.n; i++)
		if (!same_value(&x.u.items[i], &y.u.items[i]))
			return refuse(v, _("%s was reordered or changed after signing"), what);
	for (size_t i = x.n; page && i < y.n; i++) {
		int rc = check_widget(v, &y.u.items[i], page);
		if (rc)
			return rc;
	}
	return 0;
}

static unsigned annots_owner(struct revisions *v, unsigned num);

/* A redefinition of object num, which existed before. */
static int check_changed(struct revisions *v, unsigned num, const struct pdf_obj *old,
			 const struct pdf_obj *now, unsigned catalog, unsigned acroform)
{
	if (old->data || now->data)
		return refuse(v, _("object %u (a stream) was replaced after signing"), num);
	if (num == catalog)
		return same_except(&old->v, &now->v, "AcroForm")
			       ? 0
			       : refuse(v, _("the document catalog was changed after signing"));
	if (num == acroform)
		return same_except(&old->v, &now->v, "Fields")
			       ? grown_array(v, Kesu_pdf_dict_get(&old->v, "Fields"),
					     Kesu_pdf_dict_get(&now->v, "Fields"), 0, "the field list")
			       : refuse(v, _("the form was changed after signing"));
	if (old->v.type == PV_DICT && Kesu_pdf_is_name(Kesu_pdf_dict_get(&old->v, "Type"), "Page")) {
		if (!same_except(&old->v, &now->v, "Annots"))
			return refuse(v, _("page object %u was changed after signing"), num);
		return grown_array(v, Kesu_pdf_dict_get(&old->v, "Annots"),
				   Kesu_pdf_dict_get(&now->v, "Annots"), num, "a page's annotations");
	}
	unsigned owner = old->v.type == PV_ARRAY ? annots_owner(v, num) : 0;
	if (owner) /* a page's annotation list as an object of its own */
		return grown_array(v, &old->v, &now->v, owner, "a page's annotations");
	if (old->v.type == PV_ARRAY && num == v->fields_array)
		return grown_array(v, &old->v, &now->v, 0, "the field list");
	return refuse(v, _("object %u was changed after signing"), num);
}

#define XREF_ENTRIES_MAX 1024
#define XREF_SECTIONS_MAX 16

struct xref_entries {
	unsigned num[XREF_ENTRIES_MAX];
	size_t off[XREF_ENTRIES_MAX];
	size_t n;
};

/* Is there a definition of num starting exactly at off? */
static bool defined_at(const struct pdf_reader *r, unsigned num, size_t off)
{
	for (size_t i = 0; i < Kesu_pdf_definitions(r); i++) {
		unsigned n;
		size_t at;
		Kesu_pdf_definition_at(r, i, &n, &at);
		if (n == num && at == off)
			return true;
	}
	return false;
}

/* One classic section at off: its entries into e, its trailer's /Prev. */
static int read_section(struct revisions *v, const unsigned char *buf, size_t off, size_t to,
			struct xref_entries *e, long long *prev)
{
	const unsigned char *p = buf + off, *end = buf + to;
	if (to - off < 4 || memcmp(p, "xref", 4) != 0)
		return refuse(v, _("an update after signing has a cross-reference stream or no table"));
	for (p += 4;;) {
		while (p < end && Kesu_pdf_is_ws(*p))
			p++;
		if (end - p >= 7 && !memcmp(p, "trailer", 7))
			break;
		unsigned long long first, count;
		if (!Kesu_pdf_next_uint(&v->after, &p, end, &first) ||
		    !Kesu_pdf_next_uint(&v->after, &p, end, &count) || count > XREF_ENTRIES_MAX)
			return refuse(v, _("an update after signing has a damaged cross-reference table"));
		while (p < end && (*p == ' ' || *p == '\r' || *p == '\n'))
			p++;
		if ((size_t)(end - p) < 20 * count)
			return refuse(v, _("an update after signing has a damaged cross-reference table"));
		for (unsigned long long i = 0; i < count; i++, p += 20) {
			if (p[17] == 'f' && first + i != 0)
				return refuse(v, _("an update after signing frees object %llu"), first + i);
			if (p[17] != 'n')
				continue;
			if (e->n == XREF_ENTRIES_MAX)
				return refuse(v, _("an update after signing lists too many objects"));
			e->num[e->n] = (unsigned)(first + i);
			e->off[e->n++] = (size_t)strtoull((const char *)p, NULL, 10);
		}
	}
	struct pv trailer;
	if (Kesu_pdf_parse_at(&v->after, (size_t)(p - buf) + 7, &trailer) || trailer.type != PV_DICT)
		return refuse(v, _("an update after signing has a damaged trailer"));
	const struct pv *pv = Kesu_pdf_dict_get(&trailer, "Prev");
	if (Kesu_pdf_dict_get(&trailer, "XRefStm") || !pv || pv->type != PV_INT)
		return refuse(v, _("an update after signing has a trailer without /Prev, or a hybrid one"));
	*prev = pv->u.i;
	return 0;
}

/* The update's cross-reference sections, from its startxref back through
 * /Prev to the signed revision's: classic tables that free nothing, whose
 * every entry is a definition the update really holds at that place, and
 * which list every definition it holds. So no object is hidden from this
 * check or from a reader, and none is freed. */
static int check_xref(struct revisions *v, const unsigned char *buf, size_t from, size_t to)
{
	struct xref_entries *e = calloc(1, sizeof(*e));
	size_t off, before_xref;
	struct pv t;
	if (!e)
		return -ENOMEM;
	int rc = Kesu_pdf_find_trailer(&v->after, &t, &off) || Kesu_pdf_find_trailer(&v->before, &t,
											&before_xref)
			 ? refuse(v, _("an update after signing has no usable startxref"))
			 : 0;
	for (int sections = 0; rc == 0; sections++) {
		long long prev = -1;
		if (off < from || sections == XREF_SECTIONS_MAX) {
			rc = refuse(v, _("an update after signing has a cross-reference chain that does "
				       "not lead back to the signed revision"));
			break;
		}
		rc = read_section(v, buf, off, to, e, &prev);
		if (rc == 0 && (size_t)prev == before_xref)
			break;
		if (rc == 0 && (prev < 0 || (size_t)prev >= off))
			rc = refuse(v, _("an update after signing has a /Prev that does not go back"));
		off = (size_t)prev;
	}
	for (size_t i = 0; rc == 0 && i < e->n; i++)
		if (e->off[i] < from || e->off[i] >= to || !defined_at(&v->after, e->num[i], e->off[i]))
			rc = refuse(v, _("an update after signing lists object %u where it defines none"),
				    e->num[i]);
	for (size_t i = 0; rc == 0 && i < Kesu_pdf_definitions(&v->after); i++) {
		unsigned num;
		size_t at, k;
		Kesu_pdf_definition_at(&v->after, i, &num, &at);
		for (k = 0; at >= from && at < to && k < e->n; k++)
			if (e->num[k] == num && e->off[k] == at)
				break;
		if (at >= from && at < to && k == e->n)
			rc = refuse(v, _("an update after signing defines object %u outside its "
				       "cross-reference table"), num);
	}
	free(e);
	return rc;
}

/* No object stream or cross-reference stream among the update's objects:
 * they could hold objects that a reader sees and this check would not. */
static int check_no_streams_of_objects(struct revisions *v, size_t from, size_t to)
{
	for (size_t i = 0; i < Kesu_pdf_definitions(&v->after); i++) {
		unsigned num;
		size_t at;
		struct pdf_obj o;
		Kesu_pdf_definition_at(&v->after, i, &num, &at);
		if (at < from || at >= to || Kesu_pdf_load_at(&v->after, at, &o) || !o.data)
			continue;
		const struct pv *type = Kesu_pdf_dict_get(&o.v, "Type");
		if (Kesu_pdf_is_name(type, "XRef"))
			return refuse(v, _("an update after signing has a cross-reference stream "
					 "(object %u), not a cross-reference table"), num);
		if (Kesu_pdf_is_name(type, "ObjStm"))
			return refuse(v, _("an update after signing holds an object stream (object %u)"),
				      num);
	}
	return 0;
}

/* The pages of the signed revision, by index (a flat or shallow tree). */
static void list_pages(struct revisions *v, const struct pv *node, int depth)
{
	struct pv d;
	if (depth > 4 || Kesu_pdf_resolve(&v->before, node, &d) || d.type != PV_DICT)
		return;
	if (Kesu_pdf_is_name(Kesu_pdf_dict_get(&d, "Type"), "Page")) {
		if (node->type == PV_REF && v->npages < sizeof(v->pages) / sizeof(v->pages[0]))
			v->pages[v->npages++] = node->u.ref.num;
		return;
	}
	const struct pv *kids = Kesu_pdf_dict_get(&d, "Kids");
	struct pv k;
	if (kids && Kesu_pdf_resolve(&v->before, kids, &k) == 0 && k.type == PV_ARRAY)
		for (size_t i = 0; i < k.n; i++)
			list_pages(v, &k.u.items[i], depth + 1);
}

/* The page whose /Annots is array object num (0: none, then nothing may
 * be added to it that is not checked). */
static unsigned annots_owner(struct revisions *v, unsigned num)
{
	for (size_t i = 0; i < v->npages; i++) {
		struct pdf_obj page;
		const struct pv *a;
		if (Kesu_pdf_load(&v->before, v->pages[i], &page) == 0 &&
		    (a = Kesu_pdf_dict_get(&page.v, "Annots")) && a->type == PV_REF &&
		    a->u.ref.num == num)
			return v->pages[i];
	}
	return 0;
}

static int load_trailer_root(struct pdf_reader *r, unsigned *root)
{
	struct pv t;
	if (Kesu_pdf_find_trailer(r, &t, NULL))
		return -KESU_EPARSE;
	const struct pv *v = Kesu_pdf_dict_get(&t, "Root");
	if (!v || v->type != PV_REF || Kesu_pdf_dict_get(&t, "Encrypt"))
		return -KESU_EPARSE;
	*root = v->u.ref.num;
	return 0;
}

/* The form as the catalogs name it, before and after, however it is
 * stored (its own object or inside the catalog): only /Fields, /SigFlags,
 * /DA and /DR; what it had it keeps; its fields only grow. */
static int check_form(struct revisions *v, const struct pv *old_cat, const struct pv *cat)
{
	struct pv before = {.type = PV_NULL}, after = {.type = PV_NULL};
	const struct pv *f = old_cat->type == PV_DICT ? Kesu_pdf_dict_get(old_cat, "AcroForm") : NULL;
	if (f && Kesu_pdf_resolve(&v->before, f, &before))
		return refuse(v, _("the signed revision's form cannot be read"));
	f = cat->type == PV_DICT ? Kesu_pdf_dict_get(cat, "AcroForm") : NULL;
	if (!f && before.type == PV_NULL)
		return 0;
	if (!f || Kesu_pdf_resolve(&v->after, f, &after) || after.type != PV_DICT)
		return refuse(v, _("the form was removed or damaged after signing"));
	for (size_t i = 0; i < after.n; i++) {
		const char *k = (const char *)after.u.items[2 * i].u.s;
		if (strcmp(k, "Fields") && strcmp(k, "SigFlags") && strcmp(k, "DA") && strcmp(k, "DR"))
			return refuse(v, _("the form gained /%s after signing"), k);
	}
	if (before.type == PV_NULL)
		return 0;
	if (before.type != PV_DICT || !same_except(&before, &after, "Fields"))
		return refuse(v, _("the form was changed after signing"));
	/* the two lists as they resolve in their own revisions */
	struct pv old_fields = {.type = PV_ARRAY}, new_fields;
	const struct pv *of = Kesu_pdf_dict_get(&before, "Fields"), *nf = Kesu_pdf_dict_get(&after, "Fields");
	if ((of && Kesu_pdf_resolve(&v->before, of, &old_fields)) || !nf ||
	    Kesu_pdf_resolve(&v->after, nf, &new_fields) || old_fields.type != PV_ARRAY ||
	    new_fields.type != PV_ARRAY || new_fields.n < old_fields.n)
		return refuse(v, _("the field list lost entries after signing"));
	for (size_t i = 0; i < old_fields.n; i++)
		if (!same_value(&old_fields.u.items[i], &new_fields.u.items[i]))
			return refuse(v, _("the field list was reordered or changed after signing"));
	return 0;
}

static int compare(struct revisions *v, const unsigned char *buf, size_t from, size_t to)
{
	unsigned root_before, root_after, nums[CHANGED_MAX];
	if (load_trailer_root(&v->before, &root_before) || load_trailer_root(&v->after, &root_after))
		return refuse(v, _("an update after signing has a damaged trailer"));
	if (root_before != root_after)
		return refuse(v, _("an update after signing replaced the document catalog"));
	struct pdf_obj cat = {0}, old_cat = {0}; /* PV_NULL unless they load */
	unsigned acroform = 0;
	if (Kesu_pdf_load(&v->before, root_before, &old_cat) != 0)
		old_cat.v.type = PV_NULL;
	if (Kesu_pdf_load(&v->after, root_after, &cat) != 0)
		cat.v.type = PV_NULL;
	if (old_cat.v.type == PV_DICT && Kesu_pdf_dict_get(&old_cat.v, "Pages"))
		list_pages(v, Kesu_pdf_dict_get(&old_cat.v, "Pages"), 0);
	if (cat.v.type == PV_DICT) {
		const struct pv *f = Kesu_pdf_dict_get(&cat.v, "AcroForm");
		acroform = f && f->type == PV_REF ? f->u.ref.num : 0;
	}
	struct pdf_obj form;
	const struct pv *fields;
	int rc = check_form(v, &old_cat.v, &cat.v);
	if (rc)
		return rc;
	if (acroform && Kesu_pdf_load(&v->before, acroform, &form) == 0 &&
	    (fields = Kesu_pdf_dict_get(&form.v, "Fields")) && fields->type == PV_REF)
		v->fields_array = fields->u.ref.num;
	size_t n = Kesu_pdf_defined_between(&v->after, from, to, nums, CHANGED_MAX);
	if (n > CHANGED_MAX)
		return refuse(v, _("an update after signing holds %zu objects"), n);
	for (size_t i = 0; i < n; i++) {
		struct pdf_obj old, now;
		size_t at;
		if (Kesu_pdf_offset(&v->before, nums[i], &at) != 0)
			continue; /* new: reachable only through what is checked here */
		if (Kesu_pdf_load(&v->before, nums[i], &old) || Kesu_pdf_load(&v->after, nums[i], &now))
			return refuse(v, _("object %u cannot be read"), nums[i]);
		rc = check_changed(v, nums[i], &old, &now, root_after, acroform);
		if (rc)
			return rc;
	}
	rc = check_no_streams_of_objects(v, from, to);
	return rc ? rc : check_xref(v, buf, from, to);
}

int Kesu_pades_update_allowed(const unsigned char *buf, size_t from, size_t to,
			      const struct pades_seal *seals, size_t nseals, char *why,
			      size_t whysize)
{
	char err[256];
	struct revisions *v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->seals = seals;
	v->nseals = nseals;
	v->why = why;
	v->whysize = whysize;
	int rc = Kesu_pdf_reader_open(&v->before, buf, from, err, sizeof(err));
	if (rc == 0) {
		rc = Kesu_pdf_reader_open(&v->after, buf, to, err, sizeof(err));
		if (rc == 0)
			rc = compare(v, buf, from, to);
		else
			rc = refuse(v, _("an update after signing cannot be read: %s"), err);
		Kesu_pdf_reader_close(&v->after);
	} else {
		rc = refuse(v, _("the signed revision cannot be read: %s"), err);
	}
	Kesu_pdf_reader_close(&v->before);
	free(v);
	return rc == -ENOMEM ? -ENOMEM : rc ? -KESU_EVERIFY : 0;
}

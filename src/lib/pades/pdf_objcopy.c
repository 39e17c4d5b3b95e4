/* A page of one PDF as objects of another: the page content becomes a
 * Form XObject, its resources are copied with every object they reach,
 * numbered anew from `first` in the order they are met. Each value is
 * written in one canonical form (names #-escaped, strings in hex, no
 * indirect /Length), so the same source gives the same bytes. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kesu/error.h"
#include "membuf.h"
#include "pdf_objcopy.h"
#include "../i18n.h"

#define COPY_OBJECTS_MAX 1024 /* objects one page's resources may reach */
#define CONTENT_MAX (4u << 20) /* decoded bytes of a page's content streams */

struct run {
	struct pdf_copy *c;
	struct kesu_buf b;
	int rc; /* the first failure; writing stops there */
	unsigned first;
	unsigned *old; /* old[k]: the source number of object first + 1 + k */
	size_t nold;
	size_t *offsets;
};

void Kesu_pdf_real(char *out, size_t size, double v)
{
	snprintf(out, size, "%.4f", v);
	char *dot = strchr(out, '.');
	if (dot) {
		char *e = out + strlen(out);
		while (e > dot + 1 && e[-1] == '0')
			e--;
		if (e == dot + 1)
			e = dot;
		*e = '\0';
	}
	if (strcmp(out, "-0") == 0)
		snprintf(out, size, "0");
}

/* The first failure: the run's own, or the buffer's (out of memory). */
static int status(const struct run *u)
{
	return u->rc ? u->rc : u->b.err;
}

static int fail(struct run *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct run *u, const char *fmt, ...)
{
	struct pdf_reader *r = &u->c->r;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!u->rc)
		u->rc = Kesu_pdf_fail(r, "%s", msg);
	return status(u);
}

/* The new number of source object num, given one when first met. */
static unsigned renumber(struct run *u, unsigned num)
{
	for (size_t k = 0; k < u->nold; k++)
		if (u->old[k] == num)
			return u->first + 1 + (unsigned)k;
	if (u->nold == COPY_OBJECTS_MAX) {
		fail(u, _("the page's resources reach more than %u objects"), COPY_OBJECTS_MAX);
		return 0;
	}
	if (!u->old && !(u->old = malloc(COPY_OBJECTS_MAX * sizeof(*u->old)))) {
		u->rc = u->rc ? u->rc : -ENOMEM;
		return 0;
	}
	u->old[u->nold++] = num;
	return u->first + (unsigned)u->nold;
}

static void put_value(struct run *u, const struct pv *v);

static bool skipped(const struct pv *key, const char *const *skip)
{
	for (; skip && *skip; skip++)
		if (Kesu_pdf_is_name(key, *skip))
			return true;
	return false;
}

/* The pairs of dict but those in skip (NULL-terminated), each after a
 * space unless it is the first of the dictionary being written. */
static void put_pairs(struct run *u, const struct pv *dict, const char *const *skip, bool *first)
{
	for (size_t i = 0; i < dict->n; i++) {
		const struct pv *k = &dict->u.items[2 * i];
		if (skipped(k, skip))
			continue;
		if (!*first)
			Kesu_buf_put(&u->b, " ", 1);
		*first = false;
		Kesu_pdf_value_write_mapped(&u->b, k, NULL, NULL);
		Kesu_buf_put(&u->b, " ", 1);
		put_value(u, &dict->u.items[2 * i + 1]);
	}
}

static unsigned map_ref(void *ctx, unsigned num)
{
	return renumber(ctx, num);
}

static void put_value(struct run *u, const struct pv *v)
{
	Kesu_pdf_value_write_mapped(&u->b, v, map_ref, u);
}

/* A stream's raw data: /Length (direct or not) bytes that end at
 * "endstream". */
static int raw_data(struct run *u, unsigned num, const struct pdf_obj *o,
		    const unsigned char **data, size_t *len)
{
	struct pdf_reader *r = &u->c->r;
	const struct pv *lv = Kesu_pdf_dict_get(&o->v, "Length");
	struct pv length;
	int rc = lv ? Kesu_pdf_resolve(r, lv, &length) : fail(u, _("object %u: no /Length"), num);
	if (rc)
		return u->rc ? u->rc : (u->rc = rc);
	size_t avail = (size_t)(o->end - o->data);
	if (length.type != PV_INT || length.u.i < 0 || (unsigned long long)length.u.i > avail)
		return fail(u, _("object %u: /Length out of range"), num);
	const unsigned char *q = o->data + length.u.i;
	for (int eol = 0; eol < 2 && q < o->end && (*q == '\r' || *q == '\n'); eol++)
		q++;
	if ((size_t)(o->end - q) < 9 || memcmp(q, "endstream", 9) != 0)
		return fail(u, _("object %u: /Length does not end at endstream"), num);
	*data = o->data;
	*len = (size_t)length.u.i;
	return 0;
}

/* Ends the stream's dictionary with /Length, then the data. */
static void put_stream(struct kesu_buf *b, bool first, const unsigned char *data, size_t len)
{
	Kesu_buf_printf(b, "%s/Length %zu>>\nstream\n", first ? "" : " ", len);
	Kesu_buf_put(b, data, len);
	Kesu_buf_puts(b, "\nendstream");
}

static const struct pdf_override *override_of(const struct pdf_copy *c, unsigned num)
{
	for (size_t i = 0; i < c->nov; i++)
		if (c->ov[i].num == num)
			return &c->ov[i];
	return NULL;
}

/* Object first + 1 + k: the source's object old[k], or its override. */
static int put_object(struct run *u, size_t k)
{
	static const char *const no_length[] = {"Length", NULL};
	unsigned num = u->old[k];
	const struct pdf_override *ov = override_of(u->c, num);
	struct pdf_obj o = {0};
	const unsigned char *data = NULL;
	size_t len = 0;
	if (ov) {
		o.v = ov->v;
		data = ov->stream ? ov->data : NULL;
		len = ov->len;
	} else {
		int rc = Kesu_pdf_load(&u->c->r, num, &o);
		if (rc)
			return u->rc ? u->rc : (u->rc = rc);
		if (o.data && raw_data(u, num, &o, &data, &len))
			return status(u);
	}
	bool stream = ov ? ov->stream : o.data != NULL;
	if (stream && o.v.type != PV_DICT)
		return fail(u, _("object %u: a stream without a dictionary"), num);
	u->offsets[k + 1] = u->b.len;
	Kesu_buf_printf(&u->b, "%u 0 obj\n", u->first + 1 + (unsigned)k);
	if (stream) {
		bool first = true;
		Kesu_buf_put(&u->b, "<<", 2);
		put_pairs(u, &o.v, no_length, &first);
		put_stream(&u->b, first, data ? data : (const unsigned char *)"", len);
	} else {
		put_value(u, &o.v);
	}
	Kesu_buf_puts(&u->b, "\nendobj\n");
	return status(u);
}

/* The page's content: one stream as it is (its filter kept: *single
 * set), or several decoded, joined and compressed again (*joined,
 * malloc'd). */
static int page_content(struct run *u, const struct pv *page, struct pdf_obj *single,
			const unsigned char **data, size_t *len, unsigned char **joined)
{
	struct pdf_reader *r = &u->c->r;
	const struct pv *cv = Kesu_pdf_dict_get(page, "Contents");
	struct pv arr = {0};
	*joined = NULL;
	memset(single, 0, sizeof(*single));
	if (!cv)
		return fail(u, _("the page has no /Contents"));
	int rc = cv->type == PV_REF ? Kesu_pdf_load(r, cv->u.ref.num, single) : 0;
	if (rc == 0 && single->data)
		return raw_data(u, cv->u.ref.num, single, data, len);
	single->v.type = PV_NULL;
	rc = rc ? rc : Kesu_pdf_resolve(r, cv, &arr);
	if (rc)
		return u->rc = rc;
	if (arr.type != PV_ARRAY || arr.n == 0)
		return fail(u, _("the page's /Contents is not a stream or an array of streams"));
	struct kesu_buf all = {0};
	for (size_t i = 0; i < arr.n; i++) {
		struct pdf_obj o;
		unsigned char *part = NULL;
		size_t n = 0;
		rc = arr.u.items[i].type == PV_REF ? Kesu_pdf_load(r, arr.u.items[i].u.ref.num, &o)
						   : fail(u, _("the page's /Contents holds a direct value"));
		rc = rc ? rc : Kesu_pdf_stream_data(r, &o, CONTENT_MAX, &part, &n);
		if (rc) {
			free(all.data);
			return u->rc ? u->rc : (u->rc = rc);
		}
		Kesu_buf_put(&all, part, n);
		Kesu_buf_put(&all, "\n", 1);
		free(part);
	}
	uLongf zlen = compressBound((uLong)all.len);
	*joined = all.err ? NULL : malloc(zlen);
	rc = *joined && compress2(*joined, &zlen, all.data, (uLong)all.len, 9) == Z_OK ? 0 : -ENOMEM;
	free(all.data);
	if (rc) {
		free(*joined);
		*joined = NULL;
		return u->rc = rc;
	}
	*data = *joined;
	*len = zlen;
	return 0;
}

/* Object first: << /Type /XObject /Subtype /Form /BBox /Resources >> and
 * the page's content. */
static int put_form(struct run *u, const struct pv *page, float w, float h)
{
	static const char *const form_keys[] = {"Length", "Type", "Subtype", "BBox", "Resources",
						"Matrix", NULL};
	const struct pv *rv = Kesu_pdf_dict_get(page, "Resources");
	struct pdf_obj single;
	const unsigned char *data;
	unsigned char *joined;
	size_t len;
	struct pv res = {.type = PV_DICT};
	char ws[32], hs[32];
	if (page_content(u, page, &single, &data, &len, &joined))
		return status(u);
	int rc = rv ? Kesu_pdf_resolve(&u->c->r, rv, &res) : 0;
	if (rc) {
		free(joined);
		return u->rc = rc;
	}
	if (res.type != PV_DICT)
		fail(u, _("the page's /Resources is not a dictionary"));
	Kesu_pdf_real(ws, sizeof(ws), w);
	Kesu_pdf_real(hs, sizeof(hs), h);
	u->offsets[0] = u->b.len;
	Kesu_buf_printf(&u->b, "%u 0 obj\n<</Type /XObject /Subtype /Form /BBox [0 0 %s %s] /Resources ",
	     u->first, ws, hs);
	put_value(u, &res);
	bool first = false;
	if (single.data)
		put_pairs(u, &single.v, form_keys, &first); /* its /Filter */
	else
		Kesu_buf_puts(&u->b, " /Filter /FlateDecode");
	put_stream(&u->b, false, data, len);
	Kesu_buf_puts(&u->b, "\nendobj\n");
	free(joined);
	return status(u);
}

int Kesu_pdf_copy_open(struct pdf_copy *c, const unsigned char *buf, size_t len, char *err,
		       size_t errsize)
{
	memset(c, 0, sizeof(*c));
	return Kesu_pdf_reader_open(&c->r, buf, len, err, errsize);
}

void Kesu_pdf_copy_close(struct pdf_copy *c)
{
	Kesu_pdf_reader_close(&c->r);
	for (size_t i = 0; i < c->nowned; i++)
		free(c->owned[i]);
	c->nov = c->nowned = 0;
}

void *Kesu_pdf_copy_own(struct pdf_copy *c, void *p)
{
	if (!p || c->nowned == PDF_COPY_OWNED_MAX) {
		free(p);
		return NULL;
	}
	return c->owned[c->nowned++] = p;
}

int Kesu_pdf_copy_override(struct pdf_copy *c, const struct pdf_override *o)
{
	if (c->nov == PDF_OVERRIDES_MAX)
		return -ENOSPC;
	c->ov[c->nov++] = *o;
	return 0;
}

/* The trailer dictionary after the last "trailer" keyword (kesu's
 * renderer writes a classic cross-reference table). */
static int trailer(struct pdf_reader *r, struct pv *out)
{
	for (size_t i = r->len >= 7 ? r->len - 7 : 0; r->len >= 7; i--) {
		if (memcmp(r->buf + i, "trailer", 7) == 0)
			return Kesu_pdf_parse_at(r, i + 7, out);
		if (i == 0)
			break;
	}
	return Kesu_pdf_fail(r, _("no trailer"));
}

int Kesu_pdf_copy_first_page(struct pdf_copy *c, struct pv *page)
{
	struct pdf_reader *r = &c->r;
	struct pv t, node;
	const struct pv *root;
	int rc = trailer(r, &t);
	if (rc)
		return rc;
	root = Kesu_pdf_dict_get(&t, "Root");
	rc = root ? Kesu_pdf_resolve(r, root, &node) : Kesu_pdf_fail(r, _("the trailer has no /Root"));
	const struct pv *pages = rc ? NULL : Kesu_pdf_dict_get(&node, "Pages");
	rc = rc ? rc : pages ? Kesu_pdf_resolve(r, pages, &node) : Kesu_pdf_fail(r, _("no /Pages"));
	for (int depth = 0; rc == 0 && depth < 16; depth++) {
		if (Kesu_pdf_is_name(Kesu_pdf_dict_get(&node, "Type"), "Page")) {
			*page = node;
			return 0;
		}
		struct pv kids;
		const struct pv *kv = Kesu_pdf_dict_get(&node, "Kids");
		rc = kv ? Kesu_pdf_resolve(r, kv, &kids) : Kesu_pdf_fail(r, _("no page"));
		if (rc == 0 && (kids.type != PV_ARRAY || kids.n == 0))
			rc = Kesu_pdf_fail(r, _("no page"));
		if (rc == 0)
			rc = Kesu_pdf_resolve(r, &kids.u.items[0], &node);
	}
	return rc ? rc : Kesu_pdf_fail(r, _("the page tree is too deep"));
}

int Kesu_pdf_copy_page_form(struct pdf_copy *c, float w, float h, unsigned first,
			    struct pades_objects *out)
{
	struct run u = {.c = c, .first = first};
	struct pv page;
	memset(out, 0, sizeof(*out));
	if (first == 0 || first > PDF_OBJNUM_MAX - COPY_OBJECTS_MAX - 1)
		return Kesu_pdf_fail(&c->r, _("object number %u is out of range"), first);
	int rc = Kesu_pdf_copy_first_page(c, &page);
	if (rc)
		return rc;
	u.offsets = malloc((COPY_OBJECTS_MAX + 1) * sizeof(*u.offsets));
	rc = u.offsets ? put_form(&u, &page, w, h) : -ENOMEM;
	for (size_t k = 0; rc == 0 && k < u.nold; k++)
		rc = put_object(&u, k); /* may meet, and append, more objects */
	free(u.old);
	if (rc) {
		free(u.b.data);
		free(u.offsets);
		return rc;
	}
	out->data = u.b.data;
	out->len = u.b.len;
	out->offsets = u.offsets;
	out->first = out->form = first;
	out->count = 1 + (unsigned)u.nold;
	return 0;
}

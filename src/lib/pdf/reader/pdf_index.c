/* The index of a PDF's objects: where each object number is defined. It is
 * built by scanning the file for "N G obj", not from its cross-reference
 * table, so a damaged table hides nothing, and the last definition of a
 * number wins as it does after an incremental update; objects packed into
 * object streams (qpdf --object-streams=generate) are indexed too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "pdf_parse.h"
#include "../../i18n.h"

#define INDEX_MAX 500000         /* objects indexed per file */
#define OBJSTM_MAX 256           /* object streams per file */
#define OBJSTM_BYTES (4u << 20)  /* decoded bytes of one object stream */
#define OBJSTM_OBJECTS 65536     /* objects in one object stream */

struct pdf_entry {
	unsigned num;
	unsigned rank; /* file order: the last definition wins */
	size_t off;
	long cached;   /* index into r->cache, or -1 */
};

/* An object of an object stream: its number and offset in the data. */
struct stm_entry {
	unsigned num, rank;
	size_t off;
	long cached; /* index into r->cache, or -1 */
};

struct pdf_objstm {
	size_t off;             /* its "N G obj" in the file */
	bool decoded, damaged;  /* a damaged stream only hides its objects */
	unsigned char *data;
	size_t len;
	struct stm_entry *entries; /* sorted by number */
	size_t nentries;
};

struct pdf_cached {
	struct pdf_obj obj;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct pdf_entry *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int stm_entry_cmp(const void *a, const void *b)
{
	const struct stm_entry *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int add_entry(struct pdf_reader *r, unsigned num, size_t off)
{
	if (r->nindex == r->capindex) {
		size_t cap = r->capindex ? 2 * r->capindex : 256;
		if (cap > INDEX_MAX)
			return Kesu_pdf_fail(r, _("too many objects"));
		struct pdf_entry *grown = realloc(r->index, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		r->index = grown;
		r->capindex = cap;
	}
	r->index[r->nindex] = (struct pdf_entry){num, (unsigned)r->nindex, off, -1};
	r->nindex++;
	return 0;
}

/* Every "N G obj" preceded by a delimiter or the start of the file. */
static int index_file(struct pdf_reader *r)
{
	const unsigned char *buf = r->buf;
	size_t at = 0;
	while (at + 3 <= r->len) {
		/* memchr, not memmem: sanitizers check memmem's whole haystack
		 * on every call, which makes this loop quadratic */
		const unsigned char *hit = memchr(buf + at, 'o', r->len - at - 2);
		if (!hit)
			break;
		if (hit[1] != 'b' || hit[2] != 'j') {
			at = (size_t)(hit - buf) + 1;
			continue;
		}
		size_t i = (size_t)(hit - buf), k = i, digits;
		at = i + 3;
		if ((i + 3 < r->len && Kesu_pdf_is_regular(buf[i + 3])) || k == 0 || !Kesu_pdf_is_ws(buf[k - 1]))
			continue;
		for (digits = 0; k > 0 && Kesu_pdf_is_ws(buf[k - 1]) && digits < 64; digits++)
			k--;
		for (digits = 0; k > 0 && buf[k - 1] >= '0' && buf[k - 1] <= '9' && digits < 6; digits++)
			k--;
		if (digits == 0 || digits > 5 || k == 0 || !Kesu_pdf_is_ws(buf[k - 1]))
			continue;
		for (digits = 0; k > 0 && Kesu_pdf_is_ws(buf[k - 1]) && digits < 64; digits++)
			k--;
		size_t num_end = k;
		for (digits = 0; k > 0 && buf[k - 1] >= '0' && buf[k - 1] <= '9' && digits < 11; digits++)
			k--;
		if (digits == 0 || digits > 10 || (k > 0 && Kesu_pdf_is_regular(buf[k - 1])))
			continue;
		unsigned long long num = 0;
		for (size_t d = k; d < num_end; d++)
			num = num * 10 + (unsigned)(buf[d] - '0');
		if (num > PDF_OBJNUM_MAX)
			continue;
		int rc = add_entry(r, (unsigned)num, k);
		if (rc)
			return rc;
	}
	return 0;
}

static struct pdf_entry *find(struct pdf_reader *r, unsigned num)
{
	size_t lo = 0, hi = r->nindex; /* the last entry with this number */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->index[mid].num <= num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && r->index[lo - 1].num == num ? &r->index[lo - 1] : NULL;
}

static struct stm_entry *find_in(const struct pdf_objstm *s, unsigned num)
{
	size_t lo = 0, hi = s->nentries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->entries[mid].num <= num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && s->entries[lo - 1].num == num ? &s->entries[lo - 1] : NULL;
}

/* Decodes an object stream and reads its table of objects. Only a decoding
 * limit is an error; a stream that is merely damaged hides its objects. */
static int decode_objstm(struct pdf_reader *r, struct pdf_objstm *s)
{
	struct pdf_obj o;
	const struct pv *n, *first;
	s->decoded = true;
	s->damaged = true;
	int rc = Kesu_pdf_parse_object(r, r->buf, r->buf + r->len, s->off, true, &o);
	if (rc && (rc == -ENOMEM || r->exhausted))
		return rc;
	if (rc || !o.data || !Kesu_pdf_is_name(Kesu_pdf_dict_get(&o.v, "Type"), "ObjStm"))
		return 0;
	n = Kesu_pdf_dict_get(&o.v, "N");
	first = Kesu_pdf_dict_get(&o.v, "First");
	if (!n || !first || n->type != PV_INT || first->type != PV_INT || n->u.i < 0 ||
	    first->u.i < 0 || n->u.i > OBJSTM_OBJECTS)
		return 0;
	rc = Kesu_pdf_stream_data(r, &o, OBJSTM_BYTES, &s->data, &s->len);
	if (rc)
		return rc == -ENOMEM || r->exhausted ? rc : 0;
	s->entries = malloc(((size_t)n->u.i + 1) * sizeof(*s->entries));
	if (!s->entries)
		return -ENOMEM;
	const unsigned char *p = s->data, *end = s->data + s->len;
	size_t start = (size_t)first->u.i < s->len ? (size_t)first->u.i : s->len;
	for (long long i = 0; i < n->u.i; i++) {
		unsigned long long num, rel;
		if (!Kesu_pdf_next_uint(r, &p, end, &num) || !Kesu_pdf_next_uint(r, &p, end, &rel) ||
		    num > PDF_OBJNUM_MAX || rel >= s->len - start)
			break;
		s->entries[s->nentries] = (struct stm_entry){(unsigned)num, (unsigned)i, start + rel, -1};
		s->nentries++;
	}
	qsort(s->entries, s->nentries, sizeof(*s->entries), stm_entry_cmp);
	s->damaged = false;
	return 0;
}

static int offset_desc(const void *a, const void *b)
{
	const struct pdf_objstm *x = a, *y = b;
	return x->off > y->off ? -1 : x->off < y->off;
}

/* Notes the object streams (qpdf --object-streams), without decoding them. */
static int note_objstms(struct pdf_reader *r)
{
	for (size_t i = 0; i < r->nindex && r->nobjstm < OBJSTM_MAX; i++) {
		size_t off = r->index[i].off;
		size_t span = r->len - off < 400 ? r->len - off : 400;
		if (!memmem(r->buf + off, span, "/ObjStm", 7))
			continue;
		if (!r->objstm && !(r->objstm = calloc(OBJSTM_MAX, sizeof(*r->objstm))))
			return -ENOMEM;
		r->objstm[r->nobjstm++].off = off;
	}
	/* the last in the file first, as a later update replaces an earlier one */
	if (r->nobjstm > 1)
		qsort(r->objstm, r->nobjstm, sizeof(*r->objstm), offset_desc);
	return 0;
}

int Kesu_pdf_reader_open(struct pdf_reader *r, const unsigned char *buf, size_t len, char *err,
		    size_t errsize)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	r->err = err;
	r->errsize = errsize;
	int rc = index_file(r);
	if (rc)
		return rc;
	if (r->nindex > 1)
		qsort(r->index, r->nindex, sizeof(*r->index), entry_cmp);
	return note_objstms(r);
}

void Kesu_pdf_reader_close(struct pdf_reader *r)
{
	Kesu_pdf_arena_free(r);
	for (size_t i = 0; i < r->nobjstm; i++) {
		free(r->objstm[i].data);
		free(r->objstm[i].entries);
	}
	free(r->objstm);
	free(r->index);
	free(r->cache);
	r->objstm = NULL;
	r->index = NULL;
	r->cache = NULL;
	r->nobjstm = r->nindex = r->ncache = 0;
}

static int remember(struct pdf_reader *r, long *slot, const struct pdf_obj *o)
{
	if (r->ncache == r->capcache) {
		size_t cap = r->capcache ? 2 * r->capcache : 64;
		struct pdf_cached *grown = realloc(r->cache, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		r->cache = grown;
		r->capcache = cap;
	}
	r->cache[r->ncache].obj = *o;
	*slot = (long)r->ncache++;
	return 0;
}

/* An object that is not at a file offset: in the object streams, decoded
 * one at a time until one holds it. */
static int load_from_objstm(struct pdf_reader *r, unsigned num, struct pdf_obj *out)
{
	for (size_t i = 0; i < r->nobjstm; i++) {
		struct pdf_objstm *s = &r->objstm[i];
		int rc = s->decoded ? 0 : decode_objstm(r, s);
		if (rc)
			return rc;
		struct stm_entry *e = s->damaged ? NULL : find_in(s, num);
		if (!e)
			continue;
		if (e->cached >= 0) {
			*out = r->cache[e->cached].obj;
			return 0;
		}
		rc = Kesu_pdf_parse_object(r, s->data, s->data + s->len, e->off, false, out);
		return rc ? rc : remember(r, &e->cached, out);
	}
	return Kesu_pdf_fail(r, _("object %u is missing"), num);
}

int Kesu_pdf_load(struct pdf_reader *r, unsigned num, struct pdf_obj *out)
{
	struct pdf_entry *e = find(r, num);
	if (!e)
		return load_from_objstm(r, num, out);
	if (e->cached >= 0) {
		*out = r->cache[e->cached].obj;
		return 0;
	}
	int rc = Kesu_pdf_parse_object(r, r->buf, r->buf + r->len, e->off, true, out);
	return rc ? rc : remember(r, &e->cached, out);
}
int Kesu_pdf_load_at(struct pdf_reader *r, size_t off, struct pdf_obj *out)
{
	if (off >= r->len)
		return Kesu_pdf_fail(r, _("offset %zu is past the end of the file"), off);
	return Kesu_pdf_parse_object(r, r->buf, r->buf + r->len, off, true, out);
}


int Kesu_pdf_offset(struct pdf_reader *r, unsigned num, size_t *off)
{
	struct pdf_entry *e = find(r, num);
	if (!e)
		return -ENOENT;
	*off = e->off;
	return 0;
}

size_t Kesu_pdf_defined_between(const struct pdf_reader *r, size_t from, size_t to,
				unsigned *nums, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nindex; i++) {
		const struct pdf_entry *e = &r->index[i];
		if (e->off >= from && e->off < to) {
			if (n < max)
				nums[n] = e->num;
			n++;
		}
	}
	return n;
}

size_t Kesu_pdf_definitions(const struct pdf_reader *r)
{
	return r->nindex;
}

void Kesu_pdf_definition_at(const struct pdf_reader *r, size_t i, unsigned *num, size_t *off)
{
	*num = r->index[i].num;
	*off = r->index[i].off;
}

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

#define INDEX_MAX 500000         /* objects indexed per file */
#define OBJSTM_MAX 256           /* object streams per file */
#define OBJSTM_BYTES (16u << 20) /* decoded bytes of one object stream */
#define DIRECT 0x80000000u       /* rank of objects at file offsets */

struct pdf_entry {
	unsigned num;
	unsigned rank; /* object-stream entries, then direct ones; each in file order */
	size_t off;
	long stm; /* -1: at off in the file; else off is in objstm[stm] */
};

static int entry_cmp(const void *a, const void *b)
{
	const struct pdf_entry *x = a, *y = b;
	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static int add_entry(struct pdf_reader *r, unsigned num, size_t off, long stm)
{
	if (r->nindex == r->capindex) {
		size_t cap = r->capindex ? 2 * r->capindex : 256;
		if (cap > INDEX_MAX)
			return pdf_fail(r, "too many objects");
		struct pdf_entry *grown = realloc(r->index, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		r->index = grown;
		r->capindex = cap;
	}
	unsigned rank = (unsigned)r->nindex | (stm < 0 ? DIRECT : 0);
	r->index[r->nindex++] = (struct pdf_entry){num, rank, off, stm};
	return 0;
}

/* Every "N G obj" preceded by a delimiter or the start of the file. */
static int index_file(struct pdf_reader *r)
{
	const unsigned char *buf = r->buf;
	size_t at = 0;
	while (at + 3 <= r->len) {
		const unsigned char *hit = memmem(buf + at, r->len - at, "obj", 3);
		if (!hit)
			break;
		size_t i = (size_t)(hit - buf), k = i, digits;
		at = i + 3;
		if ((i + 3 < r->len && pdf_is_regular(buf[i + 3])) || k == 0 || !pdf_is_ws(buf[k - 1]))
			continue;
		for (digits = 0; k > 0 && pdf_is_ws(buf[k - 1]) && digits < 64; digits++)
			k--;
		for (digits = 0; k > 0 && buf[k - 1] >= '0' && buf[k - 1] <= '9' && digits < 6; digits++)
			k--;
		if (digits == 0 || digits > 5 || k == 0 || !pdf_is_ws(buf[k - 1]))
			continue;
		for (digits = 0; k > 0 && pdf_is_ws(buf[k - 1]) && digits < 64; digits++)
			k--;
		size_t num_end = k;
		for (digits = 0; k > 0 && buf[k - 1] >= '0' && buf[k - 1] <= '9' && digits < 11; digits++)
			k--;
		if (digits == 0 || digits > 10 || (k > 0 && pdf_is_regular(buf[k - 1])))
			continue;
		unsigned long long num = 0;
		for (size_t d = k; d < num_end; d++)
			num = num * 10 + (unsigned)(buf[d] - '0');
		if (num > PDF_OBJNUM_MAX)
			continue;
		int rc = add_entry(r, (unsigned)num, k, -1);
		if (rc)
			return rc;
	}
	return 0;
}

static struct pdf_entry *find(struct pdf_reader *r, unsigned num)
{
	size_t lo = 0, hi = r->nsorted; /* the last entry with this number */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->index[mid].num <= num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && r->index[lo - 1].num == num ? &r->index[lo - 1] : NULL;
}

/* The objects compressed into object streams (qpdf --object-streams). */
static int index_objstm(struct pdf_reader *r, size_t off)
{
	struct pdf_obj o;
	const struct pv *n, *first;
	if (r->nobjstm >= OBJSTM_MAX || pdf_parse_object(r, r->buf, r->buf + r->len, off, true, &o) ||
	    !o.data || !pdf_is_name(pdf_dict_get(&o.v, "Type"), "ObjStm"))
		return 0;
	n = pdf_dict_get(&o.v, "N");
	first = pdf_dict_get(&o.v, "First");
	if (!n || !first || n->type != PV_INT || first->type != PV_INT || n->u.i < 0 ||
	    first->u.i < 0)
		return 0;
	struct pdf_objstm *grown = realloc(r->objstm, (r->nobjstm + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	r->objstm = grown;
	struct pdf_objstm *s = &r->objstm[r->nobjstm];
	if (pdf_stream_data(r, &o, OBJSTM_BYTES, &s->data, &s->len))
		return 0; /* a damaged object stream only hides its objects */
	long stm = (long)r->nobjstm++;
	const unsigned char *p = s->data, *end = s->data + s->len;
	for (long long i = 0; i < n->u.i; i++) {
		unsigned long long num, rel;
		if (!pdf_next_uint(r, &p, end, &num) || !pdf_next_uint(r, &p, end, &rel) ||
		    num > PDF_OBJNUM_MAX ||
		    rel >= s->len - ((size_t)first->u.i < s->len ? (size_t)first->u.i : s->len))
			break;
		int rc = add_entry(r, (unsigned)num, (size_t)first->u.i + rel, stm);
		if (rc)
			return rc;
	}
	return 0;
}

int pdf_reader_open(struct pdf_reader *r, const unsigned char *buf, size_t len, char *err,
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
	r->nsorted = r->nindex;
	size_t direct = r->nindex;
	for (size_t i = 0; i < direct; i++) {
		size_t span = r->len - r->index[i].off < 400 ? r->len - r->index[i].off : 400;
		if (memmem(buf + r->index[i].off, span, "/ObjStm", 7)) {
			rc = index_objstm(r, r->index[i].off);
			if (rc)
				return rc;
		}
	}
	if (r->nindex > 1)
		qsort(r->index, r->nindex, sizeof(*r->index), entry_cmp);
	r->nsorted = r->nindex;
	r->loads = 0;
	return 0;
}

void pdf_reader_close(struct pdf_reader *r)
{
	pdf_arena_free(r);
	for (size_t i = 0; i < r->nobjstm; i++)
		free(r->objstm[i].data);
	free(r->objstm);
	free(r->index);
	r->objstm = NULL;
	r->index = NULL;
	r->nobjstm = r->nindex = r->nsorted = 0;
}

int pdf_load(struct pdf_reader *r, unsigned num, struct pdf_obj *out)
{
	const struct pdf_entry *e = find(r, num);
	if (!e)
		return pdf_fail(r, "object %u is missing", num);
	if (e->stm < 0)
		return pdf_parse_object(r, r->buf, r->buf + r->len, e->off, true, out);
	const struct pdf_objstm *s = &r->objstm[e->stm];
	return pdf_parse_object(r, s->data, s->data + s->len, e->off, false, out);
}

int pdf_load_at(struct pdf_reader *r, size_t off, struct pdf_obj *out)
{
	if (off >= r->len)
		return pdf_fail(r, "offset %zu is past the end of the file", off);
	return pdf_parse_object(r, r->buf, r->buf + r->len, off, true, out);
}


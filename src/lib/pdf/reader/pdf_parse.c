/* PDF values: tokens, numbers, strings, names, arrays, dictionaries,
 * references and "N G obj ... [stream]" objects, parsed into the reader's
 * arena with every length, count and depth bounded. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "pdf_parse.h"
#include "../../i18n.h"

#define DEPTH_MAX 24          /* nesting of arrays and dictionaries */
#define CONTAINER_MAX 65536   /* values in one array or dictionary */
#define ARENA_MAX (16u << 20) /* bytes of parsed values per file */
/* Objects parsed per file. Work and memory are bounded by PDF_SCANNED_MAX
 * and ARENA_MAX; this bound only has to let a register of 20,000 pages
 * (three objects a page) be signed. */
#define LOADS_MAX 65536

struct pdf_chunk {
	struct pdf_chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct lex {
	struct pdf_reader *r;
	const unsigned char *p, *end;
	bool clipped; /* end is where PDF_SCANNED_MAX runs out */
};

__attribute__((format(printf, 2, 0)))
static void set_err(struct pdf_reader *r, const char *fmt, va_list ap)
{
	if (r->err && r->errsize) {
		char msg[512];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		snprintf(r->err, r->errsize, "%s", msg);
	}
}

int Kesu_pdf_fail(struct pdf_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!r->exhausted) /* the limit is the reason, not what it left unread */
		set_err(r, fmt, ap);
	va_end(ap);
	return -KESU_EPARSE;
}

int Kesu_pdf_exhausted(struct pdf_reader *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (!r->exhausted)
		set_err(r, fmt, ap);
	va_end(ap);
	r->exhausted = true;
	return -KESU_EPARSE;
}

static void *arena_alloc(struct pdf_reader *r, size_t n)
{
	const size_t unit = sizeof(max_align_t);
	n = (n + unit - 1) / unit * unit;
	if (n > ARENA_MAX || r->arena_total + n > ARENA_MAX)
		return NULL;
	struct pdf_chunk *c = r->arena;
	if (!c || c->size - c->used < n) {
		size_t size = n > 65536 ? n : 65536;
		if (r->arena_total + size > ARENA_MAX)
			size = n;
		c = malloc(sizeof(*c) + size);
		if (!c)
			return NULL;
		c->next = r->arena;
		c->used = 0;
		c->size = size;
		r->arena = c;
		r->arena_total += size;
	}
	void *p = (unsigned char *)c->data + c->used;
	c->used += n;
	return p;
}

bool Kesu_pdf_is_ws(unsigned c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static bool is_delim(unsigned c)
{
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
	       c == '}' || c == '/' || c == '%';
}

bool Kesu_pdf_is_regular(unsigned c)
{
	return !Kesu_pdf_is_ws(c) && !is_delim(c);
}

static int hexval(unsigned c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (int)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (int)(c - 'A' + 10);
	return -1;
}

static void skip_ws(struct lex *lx)
{
	while (lx->p < lx->end) {
		if (Kesu_pdf_is_ws(*lx->p)) {
			lx->p++;
		} else if (*lx->p == '%') {
			while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
				lx->p++;
		} else {
			break;
		}
	}
}

static bool keyword(struct lex *lx, const char *kw)
{
	size_t n = strlen(kw);
	if ((size_t)(lx->end - lx->p) < n || memcmp(lx->p, kw, n) != 0)
		return false;
	if (lx->p + n < lx->end && Kesu_pdf_is_regular(lx->p[n]))
		return false;
	lx->p += n;
	return true;
}

/* An unsigned integer token of at most 10 digits. */
static bool uint_token(struct lex *lx, unsigned long long *v)
{
	const unsigned char *q = lx->p;
	unsigned long long n = 0;
	while (q < lx->end && *q >= '0' && *q <= '9' && q - lx->p < 10)
		n = n * 10 + (unsigned)(*q++ - '0');
	if (q == lx->p || (q < lx->end && Kesu_pdf_is_regular(*q)))
		return false;
	lx->p = q;
	*v = n;
	return true;
}

static int parse_value(struct lex *lx, int depth, struct pv *out);

static int parse_number(struct lex *lx, struct pv *out)
{
	const unsigned char *q = lx->p;
	bool neg = false, real = false;
	long long n = 0;
	int digits = 0;
	if (*q == '+' || *q == '-')
		neg = *q++ == '-';
	for (; q < lx->end && Kesu_pdf_is_regular(*q); q++) {
		if (*q == '.' && !real) {
			real = true;
		} else if (*q >= '0' && *q <= '9') {
			if (!real) {
				if (++digits > 18)
					return Kesu_pdf_fail(lx->r, _("number too long"));
				n = n * 10 + (*q - '0');
			}
		} else {
			return Kesu_pdf_fail(lx->r, _("bad number"));
		}
		if (q - lx->p > 64)
			return Kesu_pdf_fail(lx->r, _("number too long"));
	}
	const unsigned char *start = lx->p;
	lx->p = q;
	if (real) { /* kept as written: rewriting an object must not round it */
		out->type = PV_REAL;
		out->u.s = start;
		out->n = (size_t)(q - start);
		return 0;
	}
	out->type = PV_INT;
	out->u.i = neg ? -n : n;
	if (neg || n > PDF_OBJNUM_MAX)
		return 0;
	/* "num gen R" is a reference */
	struct lex save = *lx;
	unsigned long long gen;
	skip_ws(lx);
	if (uint_token(lx, &gen) && gen <= 65535) {
		skip_ws(lx);
		if (keyword(lx, "R")) {
			out->type = PV_REF;
			out->u.ref.num = (unsigned)n;
			out->u.ref.gen = (unsigned)gen;
			return 0;
		}
	}
	*lx = save;
	return 0;
}

/* ( ... ) with nesting and escapes. */
static int parse_literal(struct lex *lx, struct pv *out)
{
	const unsigned char *q = lx->p + 1;
	int nest = 1;
	for (; q < lx->end && nest; q++) {
		if (*q == '\\' && q + 1 < lx->end)
			q++;
		else if (*q == '(')
			nest++;
		else if (*q == ')')
			nest--;
	}
	if (nest)
		return Kesu_pdf_fail(lx->r, _("unterminated string"));
	const unsigned char *end = q - 1; /* the closing parenthesis */
	unsigned char *s = arena_alloc(lx->r, (size_t)(end - lx->p) + 1);
	if (!s)
		return Kesu_pdf_exhausted(lx->r, _("too complex (more than %u MiB of values)"), ARENA_MAX >> 20);
	size_t n = 0;
	for (q = lx->p + 1; q < end; q++) {
		if (*q != '\\') {
			s[n++] = *q;
			continue;
		}
		if (++q >= end)
			break;
		switch (*q) {
		case 'n': s[n++] = '\n'; break;
		case 'r': s[n++] = '\r'; break;
		case 't': s[n++] = '\t'; break;
		case 'b': s[n++] = '\b'; break;
		case 'f': s[n++] = '\f'; break;
		case '\r':
			if (q + 1 < end && q[1] == '\n')
				q++;
			break;
		case '\n':
			break;
		default:
			if (*q >= '0' && *q <= '7') {
				unsigned v = 0;
				for (int k = 0; k < 3 && q < end && *q >= '0' && *q <= '7'; k++, q++)
					v = v * 8 + (unsigned)(*q - '0');
				q--;
				s[n++] = (unsigned char)v;
			} else {
				s[n++] = *q;
			}
		}
	}
	s[n] = '\0';
	out->type = PV_STRING;
	out->u.s = s;
	out->n = n;
	lx->p = end + 1;
	return 0;
}

static int parse_hex(struct lex *lx, struct pv *out)
{
	const unsigned char *end = memchr(lx->p, '>', (size_t)(lx->end - lx->p));
	if (!end)
		return Kesu_pdf_fail(lx->r, _("unterminated hex string"));
	unsigned char *s = arena_alloc(lx->r, (size_t)(end - lx->p) / 2 + 2);
	if (!s)
		return Kesu_pdf_exhausted(lx->r, _("too complex (more than %u MiB of values)"), ARENA_MAX >> 20);
	size_t n = 0;
	int hi = -1;
	for (const unsigned char *q = lx->p + 1; q < end; q++) {
		int v = hexval(*q);
		if (v < 0) {
			if (!Kesu_pdf_is_ws(*q))
				return Kesu_pdf_fail(lx->r, _("bad hex string"));
			continue;
		}
		if (hi < 0) {
			hi = v;
		} else {
			s[n++] = (unsigned char)(hi << 4 | v);
			hi = -1;
		}
	}
	if (hi >= 0)
		s[n++] = (unsigned char)(hi << 4);
	s[n] = '\0';
	out->type = PV_STRING;
	out->u.s = s;
	out->n = n;
	lx->p = end + 1;
	return 0;
}

static int parse_name(struct lex *lx, struct pv *out)
{
	const unsigned char *q = lx->p + 1;
	while (q < lx->end && Kesu_pdf_is_regular(*q))
		q++;
	unsigned char *s = arena_alloc(lx->r, (size_t)(q - lx->p));
	if (!s)
		return Kesu_pdf_exhausted(lx->r, _("too complex (more than %u MiB of values)"), ARENA_MAX >> 20);
	size_t n = 0;
	for (const unsigned char *c = lx->p + 1; c < q; c++) {
		if (*c == '#' && q - c > 2 && hexval(c[1]) >= 0 && hexval(c[2]) >= 0) {
			s[n++] = (unsigned char)(hexval(c[1]) << 4 | hexval(c[2]));
			c += 2;
		} else {
			s[n++] = *c;
		}
	}
	s[n] = '\0';
	out->type = PV_NAME;
	out->u.s = s;
	out->n = n;
	lx->p = q;
	return 0;
}

/* [ ... ] or << ... >>, the opening bracket already consumed. */
static int parse_container(struct lex *lx, int depth, bool dict, struct pv *out)
{
	size_t n = 0, cap = 8;
	struct pv *tmp = malloc(cap * sizeof(*tmp));
	int rc = 0;
	if (!tmp)
		return -ENOMEM;
	for (;;) {
		skip_ws(lx);
		if (lx->p >= lx->end) {
			rc = Kesu_pdf_fail(lx->r, _("unterminated %s"), dict ? "dictionary" : "array");
			break;
		}
		if (dict ? lx->end - lx->p >= 2 && lx->p[0] == '>' && lx->p[1] == '>'
			 : lx->p[0] == ']') {
			lx->p += dict ? 2 : 1;
			break;
		}
		if (n == cap) {
			struct pv *grown = cap < 2 * CONTAINER_MAX ? realloc(tmp, 2 * cap * sizeof(*tmp))
								   : NULL;
			if (!grown) {
				rc = cap < 2 * CONTAINER_MAX ? -ENOMEM : Kesu_pdf_fail(lx->r, _("too many values"));
				break;
			}
			tmp = grown;
			cap *= 2;
		}
		if (dict && n % 2 == 0 && lx->p[0] != '/') {
			rc = Kesu_pdf_fail(lx->r, _("dictionary key is not a name"));
			break;
		}
		rc = parse_value(lx, depth + 1, &tmp[n]);
		if (rc)
			break;
		n++;
	}
	if (rc == 0 && dict && n % 2)
		rc = Kesu_pdf_fail(lx->r, _("dictionary key without a value"));
	if (rc == 0) {
		out->type = dict ? PV_DICT : PV_ARRAY;
		out->n = dict ? n / 2 : n;
		out->u.items = arena_alloc(lx->r, (n ? n : 1) * sizeof(*tmp));
		if (out->u.items)
			memcpy(out->u.items, tmp, n * sizeof(*tmp));
		else
			rc = Kesu_pdf_exhausted(lx->r, _("too complex (more than %u MiB of values)"), ARENA_MAX >> 20);
	}
	free(tmp);
	return rc;
}

static int parse_value(struct lex *lx, int depth, struct pv *out)
{
	memset(out, 0, sizeof(*out));
	if (depth > DEPTH_MAX)
		return Kesu_pdf_fail(lx->r, _("nested too deeply"));
	skip_ws(lx);
	if (lx->p >= lx->end)
		return Kesu_pdf_fail(lx->r, _("unexpected end of file"));
	unsigned c = *lx->p;
	if (c == '/')
		return parse_name(lx, out);
	if (c == '(')
		return parse_literal(lx, out);
	if (c == '<' && lx->end - lx->p >= 2 && lx->p[1] == '<') {
		lx->p += 2;
		return parse_container(lx, depth, true, out);
	}
	if (c == '<')
		return parse_hex(lx, out);
	if (c == '[') {
		lx->p++;
		return parse_container(lx, depth, false, out);
	}
	if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')
		return parse_number(lx, out);
	if (keyword(lx, "true") || keyword(lx, "false")) {
		out->type = PV_BOOL;
		out->u.i = lx->p[-1] == 'e' && lx->p[-2] == 'u';
		return 0;
	}
	if (keyword(lx, "null")) {
		out->type = PV_NULL;
		return 0;
	}
	return Kesu_pdf_fail(lx->r, _("unexpected '%c'"), c >= 0x20 && c < 0x7f ? (char)c : '?');
}

/* Every parse reads at most what is left of PDF_SCANNED_MAX: objects that
 * overlap (a string or a comment running on over the next "N G obj") would
 * otherwise be read again for each of them. */
static int begin(struct pdf_reader *r, struct lex *lx, const unsigned char *p,
		 const unsigned char *end)
{
	if (r->exhausted)
		return -KESU_EPARSE;
	if (++r->loads > LOADS_MAX)
		return Kesu_pdf_exhausted(r, _("too many objects to read (more than %u)"), LOADS_MAX);
	size_t left = PDF_SCANNED_MAX - r->scanned;
	bool clipped = (size_t)(end - p) > left;
	*lx = (struct lex){r, p, clipped ? p + left : end, clipped};
	return 0;
}

static int finish(struct lex *lx, int rc, const unsigned char *start)
{
	struct pdf_reader *r = lx->r;
	r->scanned += (size_t)(lx->p - start);
	if (rc && lx->clipped)
		return Kesu_pdf_exhausted(r, _("too much to parse (more than %u MiB)"), PDF_SCANNED_MAX >> 20);
	return rc;
}

/* An object in [base, end) at off: "N G obj value [stream]" when header. */
int Kesu_pdf_parse_object(struct pdf_reader *r, const unsigned char *base, const unsigned char *end,
		     size_t off, bool header, struct pdf_obj *out)
{
	struct lex lx;
	memset(out, 0, sizeof(*out));
	int rc = begin(r, &lx, base + off, end);
	if (rc)
		return rc;
	if (header) {
		unsigned long long num, gen;
		skip_ws(&lx);
		bool ok = uint_token(&lx, &num);
		skip_ws(&lx);
		ok = ok && uint_token(&lx, &gen);
		skip_ws(&lx);
		if (!ok || !keyword(&lx, "obj"))
			return Kesu_pdf_fail(r, _("no object at offset %zu"), off);
	}
	rc = finish(&lx, parse_value(&lx, 0, &out->v), base + off);
	if (rc || !header)
		return rc;
	skip_ws(&lx);
	if (keyword(&lx, "stream")) {
		if (out->v.type != PV_DICT)
			return Kesu_pdf_fail(r, _("stream without a dictionary"));
		if (lx.p < lx.end && *lx.p == '\r')
			lx.p++;
		if (lx.p < lx.end && *lx.p == '\n')
			lx.p++;
		out->data = lx.p;
		out->end = end;
	}
	return 0;
}

bool Kesu_pdf_next_uint(struct pdf_reader *r, const unsigned char **p, const unsigned char *end,
		   unsigned long long *v)
{
	struct lex lx = {r, *p, end, false};
	skip_ws(&lx);
	if (!uint_token(&lx, v))
		return false;
	*p = lx.p;
	return true;
}

void Kesu_pdf_arena_free(struct pdf_reader *r)
{
	while (r->arena) {
		struct pdf_chunk *next = r->arena->next;
		free(r->arena);
		r->arena = next;
	}
	r->arena_total = 0;
}

int Kesu_pdf_parse_at(struct pdf_reader *r, size_t off, struct pv *out)
{
	struct lex lx;
	const unsigned char *start = r->buf + (off < r->len ? off : r->len);
	int rc = begin(r, &lx, start, r->buf + r->len);
	return rc ? rc : finish(&lx, parse_value(&lx, 0, out), start);
}

int Kesu_pdf_resolve(struct pdf_reader *r, const struct pv *v, struct pv *out)
{
	for (int hops = 0; hops < 8; hops++) {
		if (v->type != PV_REF) {
			*out = *v;
			return 0;
		}
		struct pdf_obj o;
		int rc = Kesu_pdf_load(r, v->u.ref.num, &o);
		if (rc)
			return rc;
		*out = o.v;
		v = out;
	}
	return Kesu_pdf_fail(r, _("reference chain too long"));
}

const struct pv *Kesu_pdf_dict_get(const struct pv *dict, const char *key)
{
	if (!dict || dict->type != PV_DICT)
		return NULL;
	size_t klen = strlen(key);
	for (size_t i = 0; i < dict->n; i++) {
		const struct pv *k = &dict->u.items[2 * i];
		if (k->type == PV_NAME && k->n == klen && memcmp(k->u.s, key, klen) == 0)
			return &dict->u.items[2 * i + 1];
	}
	return NULL;
}

bool Kesu_pdf_is_name(const struct pv *v, const char *name)
{
	return v && v->type == PV_NAME && v->n == strlen(name) && memcmp(v->u.s, name, v->n) == 0;
}

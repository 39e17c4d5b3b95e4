/* Writing a parsed value back as PDF syntax, for the objects an
 * incremental update rewrites (the catalog and a page gain one entry;
 * everything else they hold is written back as it was read). */
#include <stdio.h>

#include "membuf.h"
#include "pdf_parse.h"

static void write_name(struct kesu_buf *out, const struct pv *v)
{
	Kesu_buf_put(out, "/", 1);
	for (size_t i = 0; i < v->n; i++) {
		unsigned c = v->u.s[i];
		if (c > 0x20 && c < 0x7f && c != '#' && Kesu_pdf_is_regular(c))
			Kesu_buf_put(out, &v->u.s[i], 1);
		else
			Kesu_buf_printf(out, "#%02X", c);
	}
}

static void write_hex(struct kesu_buf *out, const unsigned char *s, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	Kesu_buf_put(out, "<", 1);
	for (size_t i = 0; i < n; i++) {
		char pair[2] = {digits[s[i] >> 4], digits[s[i] & 15]};
		Kesu_buf_put(out, pair, 2);
	}
	Kesu_buf_put(out, ">", 1);
}

int Kesu_pdf_value_write(struct kesu_buf *out, const struct pv *v)
{
	return Kesu_pdf_value_write_mapped(out, v, NULL, NULL);
}

int Kesu_pdf_value_write_mapped(struct kesu_buf *out, const struct pv *v,
				unsigned (*map)(void *ctx, unsigned num), void *ctx)
{
	switch (v->type) {
	case PV_NULL:
		Kesu_buf_puts(out, "null");
		break;
	case PV_BOOL:
		Kesu_buf_puts(out, v->u.i ? "true" : "false");
		break;
	case PV_INT:
		Kesu_buf_printf(out, "%lld", v->u.i);
		break;
	case PV_REAL:
		Kesu_buf_put(out, v->u.s, v->n);
		break;
	case PV_STRING:
		write_hex(out, v->u.s, v->n);
		break;
	case PV_NAME:
		write_name(out, v);
		break;
	case PV_REF:
		if (!map) {
			Kesu_buf_printf(out, "%u %u R", v->u.ref.num, v->u.ref.gen);
		} else {
			unsigned num = map(ctx, v->u.ref.num); /* 0: map said why */
			if (num)
				Kesu_buf_printf(out, "%u 0 R", num);
		}
		break;
	case PV_ARRAY:
		Kesu_buf_put(out, "[", 1);
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				Kesu_buf_put(out, " ", 1);
			Kesu_pdf_value_write_mapped(out, &v->u.items[i], map, ctx);
		}
		Kesu_buf_put(out, "]", 1);
		break;
	case PV_DICT:
		Kesu_buf_put(out, "<<", 2);
		for (size_t i = 0; i < v->n; i++) {
			Kesu_buf_put(out, " ", 1);
			Kesu_pdf_value_write_mapped(out, &v->u.items[2 * i], map, ctx);
			Kesu_buf_put(out, " ", 1);
			Kesu_pdf_value_write_mapped(out, &v->u.items[2 * i + 1], map, ctx);
		}
		Kesu_buf_put(out, " >>", 3);
		break;
	}
	return out->err;
}

/* Stream data: /Length must land on "endstream", and /FlateDecode data must
 * inflate completely with a good Adler-32 check, within a size limit and
 * within what is left of the file's PDF_DECODED_MAX; any other filter is
 * refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kesu/error.h"
#include "pdf_parse.h"
#include "../../i18n.h"

static int inflate_bounded(struct pdf_reader *r, const unsigned char *in, size_t n, size_t max,
			   unsigned char **out, size_t *out_len)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		return -ENOMEM;
	size_t cap = n < max / 4 ? 4 * n + 256 : max + 1, used = 0;
	if (cap > max + 1)
		cap = max + 1;
	unsigned char *buf = malloc(cap + 1);
	int rc = buf ? 0 : -ENOMEM;
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	while (rc == 0) {
		if (used == cap) {
			if (cap > max) {
				rc = -EFBIG;
				break;
			}
			size_t grown_cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			unsigned char *grown = realloc(buf, grown_cap + 1);
			if (!grown) {
				rc = -ENOMEM;
				break;
			}
			buf = grown;
			cap = grown_cap;
		}
		zs.next_out = buf + used;
		zs.avail_out = (uInt)(cap - used);
		int zr = inflate(&zs, Z_NO_FLUSH);
		used = cap - zs.avail_out;
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_OK || (zr == Z_BUF_ERROR && zs.avail_out == 0))
			continue;
		if (zr == Z_MEM_ERROR)
			rc = -ENOMEM;
		else
			rc = Kesu_pdf_fail(r, _("stream is corrupt (zlib: %s)"),
				      zr == Z_BUF_ERROR ? "data ends early" : zs.msg ? zs.msg : "bad data");
	}
	inflateEnd(&zs);
	r->decoded += used; /* what was inflated counts, kept or not */
	if (rc == 0 && used > max)
		rc = -EFBIG;
	if (rc) {
		free(buf);
		return rc;
	}
	buf[used] = '\0';
	*out = buf;
	*out_len = used;
	return 0;
}

/* No filter, or FlateDecode (by name or a one-element array) without a
 * predictor: true when flate, false when none, an error otherwise. */
static int filter_kind(struct pdf_reader *r, const struct pv *dict, bool *flate)
{
	const struct pv *f = Kesu_pdf_dict_get(dict, "Filter");
	struct pv v;
	*flate = false;
	if (!f)
		return 0;
	int rc = Kesu_pdf_resolve(r, f, &v);
	if (rc)
		return rc;
	if (v.type == PV_ARRAY && v.n == 1)
		v = v.u.items[0];
	else if (v.type == PV_ARRAY && v.n == 0)
		v.type = PV_NULL;
	if (v.type == PV_NULL)
		return 0;
	if (!Kesu_pdf_is_name(&v, "FlateDecode"))
		return Kesu_pdf_fail(r, _("unsupported stream filter"));
	const struct pv *parms = Kesu_pdf_dict_get(dict, "DecodeParms");
	if (parms && parms->type == PV_ARRAY && parms->n == 1)
		parms = &parms->u.items[0];
	const struct pv *predictor = Kesu_pdf_dict_get(parms, "Predictor");
	if (predictor && !(predictor->type == PV_INT && predictor->u.i <= 1))
		return Kesu_pdf_fail(r, _("unsupported stream predictor"));
	*flate = true;
	return 0;
}

int Kesu_pdf_stream_data(struct pdf_reader *r, const struct pdf_obj *o, size_t max,
		    unsigned char **data, size_t *len)
{
	if (!o->data || o->v.type != PV_DICT)
		return Kesu_pdf_fail(r, _("not a stream"));
	const struct pv *lv = Kesu_pdf_dict_get(&o->v, "Length");
	struct pv length;
	if (!lv)
		return Kesu_pdf_fail(r, _("stream without /Length"));
	int rc = Kesu_pdf_resolve(r, lv, &length);
	if (rc)
		return rc;
	size_t avail = (size_t)(o->end - o->data);
	if (length.type != PV_INT || length.u.i < 0 || (unsigned long long)length.u.i > avail)
		return Kesu_pdf_fail(r, _("stream /Length is out of range"));
	size_t n = (size_t)length.u.i;
	/* the data must end where "endstream" begins (after an end of line) */
	const unsigned char *q = o->data + n, *end = o->end;
	for (int eol = 0; eol < 2 && q < end && (*q == '\r' || *q == '\n'); eol++)
		q++;
	if ((size_t)(end - q) < 9 || memcmp(q, "endstream", 9) != 0)
		return Kesu_pdf_fail(r, _("stream /Length does not end at endstream"));
	bool flate;
	rc = filter_kind(r, &o->v, &flate);
	if (rc)
		return rc;
	/* what is left of the whole file's allowance, if that is less */
	size_t left = PDF_DECODED_MAX - r->decoded, limit = max < left ? max : left;
	if (flate) {
		rc = inflate_bounded(r, o->data, n, limit, data, len);
	} else if (n > limit) {
		rc = -EFBIG;
	} else if (!(*data = malloc(n + 1))) {
		rc = -ENOMEM;
	} else {
		memcpy(*data, o->data, n);
		(*data)[n] = '\0';
		*len = n;
		r->decoded += n;
	}
	if (rc == -EFBIG && limit < max)
		return Kesu_pdf_exhausted(r, _("its streams decode to more than %u MiB"), PDF_DECODED_MAX >> 20);
	if (rc == -EFBIG)
		return Kesu_pdf_fail(r, _("stream larger than %zu bytes"), max);
	return rc;
}

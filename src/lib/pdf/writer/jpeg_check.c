/* A JPEG photograph's structure, walked before libharu sees it. libharu
 * (hpdf_image.c, LoadJpegHeader) embeds a JPEG's bytes undecoded after
 * reading its header its own way: from SOI, every marker up to the frame
 * header taken to have a 16-bit length, fill bytes and lengths not
 * checked, SOF0/1/2/9 accepted, 4 components called CMYK and inverted,
 * the precision written as BitsPerComponent. So the walk here accepts only
 * what libharu reads the same way and a PDF reader can show: SOF0/1/2
 * (Huffman-coded baseline, extended, progressive), 8-bit, 1 or 3
 * components, a real size, scans and an EOI within the file. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "photo_decode.h"
#include "../../i18n.h"

__attribute__((format(printf, 3, 4))) static int fail(char *why, size_t whysize,
							const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, whysize, fmt, ap);
	va_end(ap);
	return -KESU_EPARSE;
}

static bool is_sof(unsigned m)
{
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc;
}

/* Markers without a length: TEM, RSTn, SOI, EOI. */
static bool is_standalone(unsigned m)
{
	return m == 0x01 || (m >= 0xd0 && m <= 0xd9);
}

static int frame_kind(unsigned m, char *why, size_t whysize)
{
	if (m <= 0xc2)
		return 0;
	if (m >= 0xc9 && m <= 0xcb)
		return fail(why, whysize, _("an arithmetic-coded JPEG, which is not supported (save it "
					  "as a baseline or progressive JPEG)"));
	return fail(why, whysize, _("a lossless or hierarchical JPEG, which is not supported (save "
				  "it as a baseline or progressive JPEG)"));
}

/* The frame header's segment (after its marker and length: n bytes). */
static int frame(const unsigned char *s, size_t n, uint32_t *width, uint32_t *height, char *why,
		 size_t whysize)
{
	if (n < 6 || n != 6 + 3 * (size_t)s[5])
		return fail(why, whysize, _("a damaged JPEG: its frame header has the wrong length"));
	unsigned precision = s[0], components = s[5];
	uint32_t h = kesu_load_be16(s + 1), w = kesu_load_be16(s + 3);
	if (precision != 8)
		return fail(why, whysize, _("a %u-bit JPEG: only 8-bit ones are supported"), precision);
	if (components == 4)
		return fail(why, whysize, _("a CMYK JPEG, which is not supported (save it as RGB)"));
	if (components != 1 && components != 3)
		return fail(why, whysize, _("a JPEG of %u colour components: only grey and colour "
					  "(1 or 3) are supported"), components);
	for (unsigned i = 0; i < components; i++) {
		unsigned hv = s[6 + 3 * i + 1];
		if (hv >> 4 < 1 || hv >> 4 > 4 || (hv & 15) < 1 || (hv & 15) > 4)
			return fail(why, whysize, _("a damaged JPEG: bad sampling factors"));
	}
	if (w == 0 || h == 0)
		return fail(why, whysize, _("a damaged JPEG: its frame header gives no width or height"));
	if (w > KESU_PHOTO_SIDE_MAX || h > KESU_PHOTO_SIDE_MAX ||
	    (uint64_t)w * h > KESU_DESTROY_PHOTO_PIXELS)
		return fail(why, whysize, _("the JPEG is %u x %u pixels, more than a photograph may "
					  "have (at most %u on a side and %u million in all)"),
			    w, h, KESU_PHOTO_SIDE_MAX, KESU_DESTROY_PHOTO_PIXELS / 1000000);
	*width = w, *height = h;
	return 0;
}

/* From SOI to the frame header, the way libharu walks it: each marker with
 * a length, no fill bytes, nothing standalone, no scan before the frame.
 * 0 with *pos just past the frame header. */
static int to_frame(const unsigned char *d, size_t len, size_t *pos, uint32_t *w, uint32_t *h,
		    char *why, size_t whysize)
{
	const char *early = "a damaged JPEG: the file ends early (cut short)";
	for (size_t p = 2;;) {
		if (len - p < 4)
			return fail(why, whysize, "%s", early);
		unsigned m = d[p + 1];
		size_t n = kesu_load_be16(d + p + 2);
		if (d[p] != 0xff || m == 0xff || m == 0x00 || is_standalone(m))
			return fail(why, whysize, _("a damaged JPEG: no marker where one must be"));
		if (m == 0xda)
			return fail(why, whysize, _("a damaged JPEG: image data before its frame header"));
		if (n < 2)
			return fail(why, whysize, _("a damaged JPEG: a segment shorter than its length"));
		if (len - p - 2 < n)
			return fail(why, whysize, "%s", early);
		if (is_sof(m)) {
			int rc = frame_kind(m, why, whysize) ?:
				 frame(d + p + 4, n - 2, w, h, why, whysize);
			*pos = p + 2 + n;
			return rc;
		}
		p += 2 + n;
	}
}

/* Past the entropy-coded data from p: the next marker's offset (stuffed
 * FF 00, restart markers and fill bytes are part of the scan), or len. */
static size_t scan_end(const unsigned char *d, size_t len, size_t p)
{
	while (p < len) {
		const unsigned char *ff = memchr(d + p, 0xff, len - p);
		if (!ff || (size_t)(ff - d) + 1 >= len)
			return len;
		p = (size_t)(ff - d);
		unsigned m = d[p + 1];
		if (m == 0x00 || (m >= 0xd0 && m <= 0xd7))
			p += 2;
		else if (m == 0xff)
			p += 1;
		else
			return p;
	}
	return len;
}

/* From after the frame header to EOI: segments and scans all within the
 * file (a cut photo is refused, not shown half grey). */
static int to_end(const unsigned char *d, size_t len, size_t p, char *why, size_t whysize)
{
	bool scanned = false;
	while (len - p >= 2) {
		unsigned m = d[p + 1];
		if (d[p] != 0xff)
			return fail(why, whysize, _("a damaged JPEG: no marker where one must be"));
		if (m == 0xff) { /* fill */
			p++;
			continue;
		}
		if (m == 0xd9)
			return scanned ? 0 : fail(why, whysize, _("a damaged JPEG: it has no image data"));
		if (is_standalone(m) || m == 0x00 || is_sof(m))
			return fail(why, whysize, _("a damaged JPEG: a marker out of place"));
		if (len - p < 4 || kesu_load_be16(d + p + 2) > len - p - 2)
			break;
		if (kesu_load_be16(d + p + 2) < 2)
			return fail(why, whysize, _("a damaged JPEG: a segment shorter than its length"));
		p += 2 + (size_t)kesu_load_be16(d + p + 2);
		if (m == 0xda) {
			scanned = true;
			p = scan_end(d, len, p);
		}
	}
	return fail(why, whysize, _("a damaged JPEG: the file ends early (cut short)"));
}

int Kesu_jpeg_check(const unsigned char *data, size_t len, uint32_t *width, uint32_t *height,
		    char *why, size_t whysize)
{
	size_t pos = 0;
	*width = *height = 0;
	if (len < 4 || data[0] != 0xff || data[1] != 0xd8)
		return fail(why, whysize, _("not a JPEG image"));
	int rc = to_frame(data, len, &pos, width, height, why, whysize);
	if (rc == 0)
		rc = to_end(data, len, pos, why, whysize);
	if (rc)
		*width = *height = 0;
	return rc;
}

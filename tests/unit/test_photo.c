/* The photographs' decoders (src/lib/pdf/writer/png_decode.c and
 * jpeg_check.c) and the photo check built on them: damaged, cut and
 * oversized files are refused in one line naming the photo and the reason,
 * never by a crash; PNGs of every colour type decode to the right RGB; the
 * page they are drawn on is the same bytes every time. */
#include <criterion/criterion.h>
#include <png.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kesu/destroy.h"
#include "kesu/error.h"
#include "kesu/pdf.h"
#include "photo_decode.h"

/* Python's 16 x 16 test JPEG (baseline, 3 components), 543 bytes; its
 * frame header (SOF0) is at byte 0x9e. */
static const unsigned char jpeg16[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01,
	0x01, 0x01, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43,
	0x00, 0x03, 0x02, 0x02, 0x02, 0x02, 0x02, 0x03, 0x02, 0x02, 0x02, 0x03,
	0x03, 0x03, 0x03, 0x04, 0x06, 0x04, 0x04, 0x04, 0x04, 0x04, 0x08, 0x06,
	0x06, 0x05, 0x06, 0x09, 0x08, 0x0a, 0x0a, 0x09, 0x08, 0x09, 0x09, 0x0a,
	0x0c, 0x0f, 0x0c, 0x0a, 0x0b, 0x0e, 0x0b, 0x09, 0x09, 0x0d, 0x11, 0x0d,
	0x0e, 0x0f, 0x10, 0x10, 0x11, 0x10, 0x0a, 0x0c, 0x12, 0x13, 0x12, 0x10,
	0x13, 0x0f, 0x10, 0x10, 0x10, 0xff, 0xdb, 0x00, 0x43, 0x01, 0x03, 0x03,
	0x03, 0x04, 0x03, 0x04, 0x08, 0x04, 0x04, 0x08, 0x10, 0x0b, 0x09, 0x0b,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x10,
	0x10, 0x10, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03,
	0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xc4, 0x00,
	0x16, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x04, 0x05, 0xff, 0xc4, 0x00,
	0x24, 0x10, 0x00, 0x01, 0x04, 0x01, 0x04, 0x02, 0x02, 0x03, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04, 0x06, 0x05,
	0x07, 0x08, 0x12, 0x13, 0x11, 0x22, 0x00, 0x14, 0x09, 0x31, 0x32, 0xff,
	0xc4, 0x00, 0x15, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0xff, 0xc4,
	0x00, 0x23, 0x11, 0x00, 0x01, 0x02, 0x05, 0x03, 0x05, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x11, 0x03, 0x04,
	0x05, 0x06, 0x21, 0x00, 0x12, 0x31, 0x15, 0x16, 0x61, 0x81, 0xe1, 0xff,
	0xda, 0x00, 0x0c, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3f,
	0x00, 0x14, 0xa6, 0xd2, 0x6a, 0x1b, 0x73, 0xc1, 0xe6, 0x13, 0x12, 0xd4,
	0x95, 0x1c, 0xf3, 0x11, 0x63, 0xe4, 0x25, 0x65, 0xbe, 0xba, 0x5a, 0xec,
	0x69, 0x45, 0x40, 0xb1, 0xe5, 0x20, 0xb2, 0x54, 0xa5, 0x1f, 0xd2, 0xca,
	0xb8, 0xfa, 0xf2, 0x20, 0xab, 0x96, 0x3d, 0x97, 0x6c, 0x93, 0x35, 0xe6,
	0x9b, 0x77, 0xd7, 0xe6, 0x6d, 0xa7, 0x17, 0x81, 0xa5, 0x57, 0x1c, 0x7f,
	0x1c, 0xea, 0x71, 0xe2, 0x4b, 0x39, 0xd7, 0xe3, 0x22, 0x53, 0xf2, 0x1a,
	0x69, 0xde, 0xd4, 0x71, 0x4a, 0x38, 0xb4, 0x82, 0xe8, 0x4b, 0x89, 0x2a,
	0x71, 0x69, 0x1e, 0xcd, 0x2d, 0x21, 0x3b, 0xf1, 0xef, 0xb9, 0x1a, 0x74,
	0xac, 0xee, 0xa1, 0x5a, 0x75, 0x8e, 0xd5, 0x48, 0xac, 0x65, 0x5b, 0x85,
	0x8b, 0x81, 0x85, 0x7b, 0x21, 0x29, 0x98, 0x67, 0xa9, 0x6b, 0x94, 0xb9,
	0x49, 0x65, 0x4f, 0xb9, 0xc8, 0x85, 0x29, 0x11, 0x4b, 0x81, 0x2a, 0xf0,
	0x7a, 0xd9, 0xf2, 0x3c, 0x80, 0x7e, 0x55, 0xbe, 0x0d, 0xf6, 0x62, 0xa1,
	0x40, 0xcc, 0xe8, 0xe6, 0x9a, 0x3d, 0x5c, 0xb7, 0x43, 0xb3, 0xd7, 0x7a,
	0x65, 0x58, 0xb1, 0xd9, 0x51, 0x21, 0x88, 0xbf, 0x64, 0xb8, 0xd3, 0xf1,
	0xc3, 0x68, 0x04, 0x29, 0xc0, 0xd0, 0xfe, 0xbb, 0x3c, 0x02, 0xe0, 0x3c,
	0x54, 0x07, 0xb4, 0xbd, 0xd9, 0x7b, 0x54, 0xe6, 0x27, 0xfb, 0x6e, 0xdf,
	0x94, 0x60, 0x14, 0x82, 0x62, 0x13, 0x8d, 0xb8, 0x52, 0x98, 0x28, 0x37,
	0x05, 0x89, 0x72, 0x79, 0x60, 0xe4, 0x32, 0x89, 0x6f, 0xc3, 0x82, 0x8e,
	0xa7, 0x52, 0x8c, 0xea, 0x20, 0x8d, 0xbe, 0x78, 0x19, 0x1f, 0x07, 0xad,
	0x7f, 0xff, 0xd9,
};
#define SOF_AT 0x9e

struct mem {
	unsigned char *d;
	size_t len, cap;
};

static void put(png_structp png, png_bytep b, size_t n)
{
	struct mem *m = png_get_io_ptr(png);
	if (m->len + n > m->cap) {
		m->cap = (m->len + n) * 2;
		m->d = realloc(m->d, m->cap);
	}
	memcpy(m->d + m->len, b, n);
	m->len += n;
}

static void flush_none(png_structp png)
{
	(void)png;
}

struct png_spec {
	unsigned w, h;
	int color, depth;
	bool interlace;
	const png_color *palette;
	int npalette;
	const png_byte *trns; /* palette alpha, one per entry */
	int ntrns;
	size_t stride; /* bytes per row of pixels */
	const unsigned char *pixels;
};

/* A PNG written by libpng's own writer, as a camera or an editor would. */
static unsigned char *make_png(const struct png_spec *s, size_t *len)
{
	struct mem m = {0};
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	cr_assert(png && info);
	if (setjmp(png_jmpbuf(png)))
		cr_assert_fail("libpng could not write the test image");
	png_set_write_fn(png, &m, put, flush_none);
	png_set_IHDR(png, info, s->w, s->h, s->depth, s->color,
		     s->interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (s->palette)
		png_set_PLTE(png, info, s->palette, s->npalette);
	if (s->trns)
		png_set_tRNS(png, info, s->trns, s->ntrns, NULL);
	png_write_info(png, info);
	png_bytep *rows = malloc(s->h * sizeof(*rows));
	for (unsigned y = 0; y < s->h; y++)
		rows[y] = (png_bytep)s->pixels + y * s->stride;
	png_write_image(png, rows);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(rows);
	*len = m.len;
	return m.d;
}

/* A w x h 8-bit RGB PNG with varied pixels. */
static unsigned char *rgb_png(unsigned w, unsigned h, bool interlace, size_t *len)
{
	unsigned char *px = malloc((size_t)w * h * 3);
	for (size_t i = 0; i < (size_t)w * h * 3; i++)
		px[i] = (unsigned char)(i * 7 + i / 5);
	struct png_spec s = {w, h, PNG_COLOR_TYPE_RGB, 8, interlace, .stride = w * 3, .pixels = px};
	unsigned char *out = make_png(&s, len);
	free(px);
	return out;
}

/* Offset of the first chunk of that type (its length field), or 0. */
static size_t chunk_at(const unsigned char *d, size_t len, const char *type)
{
	for (size_t p = 8; p + 12 <= len;) {
		uint32_t n = (uint32_t)d[p] << 24 | d[p + 1] << 16 | d[p + 2] << 8 | d[p + 3];
		if (!memcmp(d + p + 4, type, 4))
			return p;
		p += 12 + n;
	}
	return 0;
}

static void set_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24, p[1] = v >> 16, p[2] = v >> 8, p[3] = v;
}

/* IHDR given another size, its CRC made right again. */
static void resize_ihdr(unsigned char *d, uint32_t w, uint32_t h)
{
	set_be32(d + 16, w);
	set_be32(d + 20, h);
	set_be32(d + 29, (uint32_t)crc32(0, d + 12, 17));
}

/* The photo check's answer: refused as a parse error, one line, naming
 * the photo and containing reason. */
static void refused(const char *what, const unsigned char *d, size_t len, const char *reason)
{
	char err[KESU_ERRMSG_MAX] = "", type[8] = "";
	int rc = kesu_destroy_photo_check(what, d, len, type, err, sizeof(err));
	cr_assert_eq(rc, -KESU_EPARSE, "%s (%zu bytes): rc %d, %s", what, len, rc, err);
	cr_assert(!strncmp(err, what, strlen(what)) && err[strlen(what)] == ':', "%s", err);
	cr_assert_null(strchr(err, '\n'), "one line: %s", err);
	if (reason)
		cr_assert(strstr(err, reason), "%s: want \"%s\"", err, reason);
}

static struct photo_pixels decoded(const unsigned char *d, size_t len)
{
	struct photo_pixels px;
	char why[256] = "";
	cr_assert_eq(Kesu_png_decode(d, len, &px, why, sizeof(why)), 0, "%s", why);
	return px;
}

Test(photo, an_rgb_png_decodes_to_its_pixels_interlaced_or_not)
{
	for (int il = 0; il < 2; il++) {
		size_t len;
		unsigned char *d = rgb_png(13, 7, il, &len);
		struct photo_pixels px = decoded(d, len);
		cr_assert_eq(px.width, 13);
		cr_assert_eq(px.height, 7);
		for (size_t i = 0; i < 13 * 7 * 3; i++)
			cr_assert_eq(px.rgb[i], (unsigned char)(i * 7 + i / 5), "interlaced %d byte %zu",
				     il, i);
		char type[8], err[KESU_ERRMSG_MAX];
		cr_assert_eq(kesu_destroy_photo_check("p.png", d, len, type, err, sizeof(err)), 0,
			     "%s", err);
		cr_assert_str_eq(type, "png");
		free(px.rgb);
		free(d);
	}
}

/* 2 bits a pixel, a palette with transparent entries: colours looked up,
 * transparency composited on white. */
Test(photo, a_palette_png_decodes)
{
	static const png_color pal[4] = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}};
	static const png_byte alpha[3] = {255, 255, 0}; /* entry 2 transparent, 3 opaque */
	/* 5 pixels a row, 4 to a byte: 0 1 2 3 0 / 3 3 2 1 0 */
	static const unsigned char px[2 * 2] = {0x1b, 0x00, 0xf9, 0x00};
	struct png_spec s = {5, 2, PNG_COLOR_TYPE_PALETTE, 2, false, pal, 4, alpha, 3, 2, px};
	size_t len;
	unsigned char *d = make_png(&s, &len);
	struct photo_pixels out = decoded(d, len);
	static const unsigned char want[2][5][3] = {
		{{255, 0, 0}, {0, 255, 0}, {255, 255, 255}, {10, 20, 30}, {255, 0, 0}},
		{{10, 20, 30}, {10, 20, 30}, {255, 255, 255}, {0, 255, 0}, {255, 0, 0}}};
	cr_assert_eq(out.width, 5);
	cr_assert_eq(out.height, 2);
	cr_assert_arr_eq(out.rgb, want, sizeof(want));
	free(out.rgb);
	free(d);
}

Test(photo, an_rgba_png_decodes_on_white)
{
	static const unsigned char px[4 * 4] = {255, 0, 0, 0,   0, 0, 255, 255,
						0,   0, 0, 128, 10, 20, 30, 255};
	struct png_spec s = {4, 1, PNG_COLOR_TYPE_RGB_ALPHA, 8, false, .stride = 16, .pixels = px};
	size_t len;
	unsigned char *d = make_png(&s, &len);
	struct photo_pixels out = decoded(d, len);
	static const unsigned char want[4 * 3] = {255, 255, 255, 0, 0, 255, 127, 127, 127, 10, 20, 30};
	cr_assert_arr_eq(out.rgb, want, sizeof(want));
	free(out.rgb);
	free(d);
}

/* 16-bit grey with alpha, interlaced: scaled to 8 bits, grey to RGB. */
Test(photo, a_16_bit_grey_alpha_interlaced_png_decodes)
{
	unsigned char px[9 * 9 * 4];
	for (unsigned i = 0; i < 81; i++) {
		unsigned v = (i * 3) * 257;
		px[i * 4] = v >> 8, px[i * 4 + 1] = v & 255, px[i * 4 + 2] = 0xff, px[i * 4 + 3] = 0xff;
	}
	struct png_spec s = {9, 9, PNG_COLOR_TYPE_GRAY_ALPHA, 16, true, .stride = 36, .pixels = px};
	size_t len;
	unsigned char *d = make_png(&s, &len);
	struct photo_pixels out = decoded(d, len);
	for (unsigned i = 0; i < 81; i++)
		for (int c = 0; c < 3; c++)
			cr_assert_eq(out.rgb[i * 3 + c], i * 3, "pixel %u", i);
	free(out.rgb);
	free(d);
}

/* Cut anywhere, a PNG is refused: in IDAT, before IEND, in IEND's CRC. */
Test(photo, a_truncated_png_is_refused_wherever_it_is_cut)
{
	size_t len;
	unsigned char *d = rgb_png(40, 30, true, &len);
	refused("cut.png", d, chunk_at(d, len, "IDAT") + 20, "the file ends early");
	for (size_t n = 8; n < len; n++)
		refused("cut.png", d, n, n < 33 ? "a damaged PNG" : "the file ends early");
	free(d);
}

Test(photo, a_png_with_a_bad_crc_is_refused)
{
	size_t len;
	unsigned char *d = rgb_png(40, 30, false, &len);
	size_t idat = chunk_at(d, len, "IDAT");
	uint32_t n = (uint32_t)d[idat] << 24 | d[idat + 1] << 16 | d[idat + 2] << 8 | d[idat + 3];
	d[idat + 8 + n] ^= 0x01; /* IDAT's CRC */
	refused("crc.png", d, len, "CRC error");
	d[idat + 8 + n] ^= 0x01;
	d[idat + 8 + n / 2] ^= 0x40; /* the data, its CRC unchanged: zlib may see it first */
	refused("crc.png", d, len, "a damaged PNG: IDAT");
	d[idat + 8 + n / 2] ^= 0x40;
	d[29] ^= 0x80; /* IHDR's CRC */
	refused("crc.png", d, len, "CRC error");
	free(d);
}

/* The size is refused from IHDR, before anything is allocated for it. */
Test(photo, a_png_with_huge_dimensions_is_refused)
{
	size_t len;
	unsigned char *d = rgb_png(4, 4, false, &len);
	resize_ihdr(d, 100000, 100000);
	refused("huge.png", d, len, "100000 x 100000 pixels, more than a photograph may have");
	resize_ihdr(d, 0x7fffffff, 1);
	refused("huge.png", d, len, "more than a photograph may have");
	resize_ihdr(d, 12001, 2);
	refused("huge.png", d, len, "at most 12000 on a side");
	resize_ihdr(d, 8000, 8000); /* 64 million */
	refused("huge.png", d, len, "40 million in all");
	resize_ihdr(d, 0, 4);
	refused("huge.png", d, len, "no width or height");
	resize_ihdr(d, 4, 5); /* a size its data does not fill */
	refused("huge.png", d, len, "a damaged PNG");
	free(d);
}

/* Damage anywhere in the compressed data: decoded or refused, never a
 * crash (ASan checks the reads in the sanitizer build). */
Test(photo, damaged_png_data_never_crashes)
{
	size_t len;
	unsigned char *d = rgb_png(31, 17, true, &len);
	unsigned char *copy = malloc(len);
	uint32_t seed = 16;
	for (int round = 0; round < 300; round++) {
		memcpy(copy, d, len);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[33 + (seed >> 8) % (len - 33)] ^= (unsigned char)(1u << (seed >> 3) % 8);
		}
		struct photo_pixels px;
		char why[256] = "";
		int rc = Kesu_png_decode(copy, len, &px, why, sizeof(why));
		cr_assert(rc == 0 || (rc == -KESU_EPARSE && why[0] && !strchr(why, '\n')),
			  "round %d: rc %d %s", round, rc, why);
		free(px.rgb);
	}
	free(copy);
	free(d);
}

Test(photo, a_jpeg_is_walked_to_its_end)
{
	uint32_t w, h;
	char why[256] = "", type[8], err[KESU_ERRMSG_MAX];
	cr_assert_eq(Kesu_jpeg_check(jpeg16, sizeof(jpeg16), &w, &h, why, sizeof(why)), 0, "%s",
		     why);
	cr_assert_eq(w, 16);
	cr_assert_eq(h, 16);
	cr_assert_eq(kesu_destroy_photo_check("a.jpg", jpeg16, sizeof(jpeg16), type, err,
					      sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(type, "jpeg");
	unsigned char tail[sizeof(jpeg16) + 8]; /* data after EOI, as some phones add */
	memcpy(tail, jpeg16, sizeof(jpeg16));
	memcpy(tail + sizeof(jpeg16), "SEFTxxxx", 8);
	cr_assert_eq(Kesu_jpeg_check(tail, sizeof(tail), &w, &h, why, sizeof(why)), 0, "%s", why);
}

Test(photo, a_truncated_jpeg_is_refused_wherever_it_is_cut)
{
	refused("cut.jpg", jpeg16, 300, "the file ends early");
	for (size_t n = 4; n < sizeof(jpeg16); n++)
		refused("cut.jpg", jpeg16, n, "a damaged JPEG");
}

static void jpeg_sof(unsigned char *d, unsigned marker, unsigned precision, unsigned h, unsigned w)
{
	d[SOF_AT + 1] = (unsigned char)marker;
	d[SOF_AT + 4] = (unsigned char)precision;
	d[SOF_AT + 5] = h >> 8, d[SOF_AT + 6] = h & 255;
	d[SOF_AT + 7] = w >> 8, d[SOF_AT + 8] = w & 255;
}

/* What libharu would embed wrongly, or a reader could not show, or a
 * decompression bomb for whoever opens the certificate. */
Test(photo, a_jpeg_with_absurd_dimensions_or_an_unsupported_frame_is_refused)
{
	unsigned char d[sizeof(jpeg16)];
	memcpy(d, jpeg16, sizeof(d));
	jpeg_sof(d, 0xc0, 8, 65535, 65535);
	refused("big.jpg", d, sizeof(d), "65535 x 65535 pixels, more than a photograph may have");
	jpeg_sof(d, 0xc0, 8, 100, 20000);
	refused("big.jpg", d, sizeof(d), "at most 12000 on a side");
	jpeg_sof(d, 0xc0, 8, 0, 16); /* the height left to a DNL marker */
	refused("big.jpg", d, sizeof(d), "no width or height");
	jpeg_sof(d, 0xc0, 12, 16, 16);
	refused("j.jpg", d, sizeof(d), "12-bit JPEG");
	jpeg_sof(d, 0xc9, 8, 16, 16);
	refused("j.jpg", d, sizeof(d), "arithmetic-coded");
	jpeg_sof(d, 0xc3, 8, 16, 16);
	refused("j.jpg", d, sizeof(d), "lossless or hierarchical");
	jpeg_sof(d, 0xc2, 8, 16, 16); /* progressive: libharu and readers take it */
	uint32_t w, h;
	char why[256] = "";
	cr_assert_eq(Kesu_jpeg_check(d, sizeof(d), &w, &h, why, sizeof(why)), 0, "%s", why);
}

/* A minimal JPEG's structure: SOI, SOF0 of n components, SOS, data, EOI. */
static size_t tiny_jpeg(unsigned char *d, unsigned components)
{
	size_t o = 0, n = 8 + 3 * components;
	d[o++] = 0xff, d[o++] = 0xd8, d[o++] = 0xff, d[o++] = 0xc0, d[o++] = 0, d[o++] = n;
	d[o++] = 8, d[o++] = 0, d[o++] = 8, d[o++] = 0, d[o++] = 8, d[o++] = components;
	for (unsigned i = 0; i < components; i++)
		d[o++] = i + 1, d[o++] = 0x11, d[o++] = 0;
	static const unsigned char scan[] = {0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0,
					     0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xd9};
	memcpy(d + o, scan, sizeof(scan));
	return o + sizeof(scan);
}

Test(photo, a_jpeg_libharu_would_misread_is_refused)
{
	unsigned char d[64];
	uint32_t w, h;
	char why[256] = "";
	size_t n = tiny_jpeg(d, 3);
	cr_assert_eq(Kesu_jpeg_check(d, n, &w, &h, why, sizeof(why)), 0, "%s", why);
	n = tiny_jpeg(d, 4);
	refused("cmyk.jpg", d, n, "CMYK");
	n = tiny_jpeg(d, 2);
	refused("two.jpg", d, n, "2 colour components");
	n = tiny_jpeg(d, 3);
	d[5]--; /* the frame header's length */
	refused("len.jpg", d, n, "wrong length");
	n = tiny_jpeg(d, 3);
	refused("noeoi.jpg", d, n - 2, "the file ends early");
	unsigned char z[] = {0xff, 0xd8, 0xff, 0xe0, 0, 0, 0xff, 0xc0}; /* a 0 length */
	refused("zero.jpg", z, sizeof(z), "shorter than its length");
	unsigned char f[80] = {0xff, 0xd8, 0xff}; /* a fill byte before the frame header */
	n = tiny_jpeg(f + 1, 3);
	f[1] = 0xff, f[2] = 0xd8, f[0] = 0xff;
	memmove(f + 3, f + 1, n); /* FF D8 FF | FF C0 ... */
	f[1] = 0xd8, f[2] = 0xff;
	refused("fill.jpg", f, n + 2, "no marker where one must be");
	unsigned char s[] = {0xff, 0xd8, 0xff, 0xda, 0, 2, 0xff, 0xd9};
	refused("scan.jpg", s, sizeof(s), "image data before its frame header");
}

/* A page with photos: its images embedded as RGB pixels and as the JPEG,
 * the same bytes every time (the verifier renders it again), and a
 * damaged photo the payload names refused, naming it, not a crash. */
Test(photo, the_page_with_photos_is_the_same_bytes_every_time)
{
	static const unsigned char px[4 * 4] = {255, 0, 0, 0,   0, 0, 255, 255,
						0,   0, 0, 128, 10, 20, 30, 255};
	struct png_spec s = {2, 2, PNG_COLOR_TYPE_RGB_ALPHA, 8, true, .stride = 8, .pixels = px};
	struct kesu_destroy_photo ph[2] = {{.name = "photo-1.png", .type = "png"},
					   {.name = "photo-2.jpg", .type = "jpeg"}};
	ph[0].data = make_png(&s, &ph[0].len);
	ph[1].data = (unsigned char *)jpeg16, ph[1].len = sizeof(jpeg16);
	for (int i = 0; i < 2; i++) {
		unsigned char h[32];
		crypto_hash_sha256(h, ph[i].data, ph[i].len);
		sodium_bin2hex(ph[i].sha256, sizeof(ph[i].sha256), h, sizeof(h));
	}
	struct kesu_job_context ctx = {0};
	snprintf(ctx.operator_name, sizeof(ctx.operator_name), "担当 一郎");
	struct kesu_destroy_target t = {.serial = "SN-1", .media_type = "HDD"};
	struct kesu_destroy_facts f = {.technique = KESU_DESTROY_SHRED, .photos = ph, .nphotos = 2,
				       .started = 1, .ended = 2};
	char err[KESU_ERRMSG_MAX];
	kesu_destroy_level_of(f.technique, t.media_type, &f.level, err, sizeof(err));
	size_t len;
	char *rec = kesu_destroy_record(&t, &f, &ctx, "0123", "KESU-20261206-ABCDEF01", &len);
	char *pay = kesu_destroy_payload(rec, 1, "ab", 3, &len);
	struct kesu_pdf_file files[2] = {{"photo-1.png", ph[0].data, ph[0].len},
					 {"photo-2.jpg", ph[1].data, ph[1].len}};
	struct kesu_pdf_doc d = {.payload = pay, .payload_len = len, .payload_sig = "sig\nx\n",
				 .sig_len = 6, .files = files, .nfiles = 2};
	unsigned char *one = NULL, *two = NULL;
	size_t one_len = 0, two_len = 0;
	cr_assert_eq(kesu_pdf_render(&d, &one, &one_len, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_pdf_render(&d, &two, &two_len, err, sizeof(err)), 0, "%s", err);
	cr_assert(one_len == two_len && !memcmp(one, two, one_len), "two renders differ");
	cr_assert(memmem(one, one_len, "/DCTDecode", 10), "the JPEG is embedded as it is");
	cr_assert(memmem(one, one_len, "/DeviceRGB", 10), "the PNG is embedded as RGB");
	free(one);
	free(two);
	/* a crafted PDF: a damaged PNG, the payload naming its very bytes */
	ph[0].data[ph[0].len - 20] ^= 0x10;
	unsigned char h[32];
	crypto_hash_sha256(h, ph[0].data, ph[0].len);
	sodium_bin2hex(ph[0].sha256, sizeof(ph[0].sha256), h, sizeof(h));
	free(rec);
	free(pay);
	rec = kesu_destroy_record(&t, &f, &ctx, "0123", "KESU-20261206-ABCDEF01", &len);
	pay = kesu_destroy_payload(rec, 1, "ab", 3, &len);
	d.payload = pay, d.payload_len = len;
	cr_assert_eq(kesu_pdf_render(&d, &one, &one_len, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "photo-1.png: a damaged PNG"), "%s", err);
	free(ph[0].data);
	free(rec);
	free(pay);
}

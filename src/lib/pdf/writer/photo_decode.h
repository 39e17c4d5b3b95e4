/* Checking and decoding the photographs a certificate shows, without
 * libharu's own loaders: its PNG loader installs a libpng error handler
 * that returns, so libpng abort()s the whole process on a damaged file,
 * and its JPEG loader walks the header with unchecked segment lengths.
 * A PNG is decoded here into RGB pixels (png_decode.c); a JPEG's markers
 * are walked here (jpeg_check.c) before libharu embeds its bytes. */
#ifndef KESU_PHOTO_DECODE_H
#define KESU_PHOTO_DECODE_H
#include <stddef.h>
#include <stdint.h>

#include "kesu/destroy.h" /* KESU_DESTROY_PHOTO_PIXELS */

/* The largest side a photograph may have, and (KESU_DESTROY_PHOTO_PIXELS)
 * the most pixels: a PNG is decoded whole, 3 to 4 bytes a pixel, and a
 * JPEG is decoded whole by whoever opens the certificate. */
#define KESU_PHOTO_SIDE_MAX 12000u

struct photo_pixels {
	unsigned char *rgb; /* width * height * 3 bytes, rows top to bottom; free() it */
	uint32_t width, height;
};

/* Decodes the PNG data (len bytes) into 8-bit RGB: palette, grey and
 * 16-bit images converted, alpha composited on white, interlacing undone.
 * The size is checked from IHDR before anything is allocated. 0, or
 * -KESU_EPARSE with why (no file name: the caller adds it) saying what is
 * wrong, or -ENOMEM. Never prints, never aborts. */
int Kesu_png_decode(const unsigned char *data, size_t len, struct photo_pixels *out, char *why,
		    size_t whysize);

/* Walks a JPEG's markers from SOI to EOI, bounded by len, as libharu will
 * read them to its frame header: 0 with the size when it is a baseline or
 * progressive, Huffman-coded, 8-bit grey or YCbCr/RGB JPEG within the
 * limits above, -KESU_EPARSE with why otherwise. Nothing is decoded. */
int Kesu_jpeg_check(const unsigned char *data, size_t len, uint32_t *width, uint32_t *height,
		    char *why, size_t whysize);
#endif

/* A PNG photograph decoded into 8-bit RGB for the certificate. libpng
 * runs under our own error function, which longjmp()s back here: libpng
 * calls abort() when an error function returns (libharu's does), and a
 * verifier renders photographs that whoever made the PDF chose. */
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "photo_decode.h"
#include "../../i18n.h"

/* Ancillary chunks (text, ICC profiles) are read and dropped: a bound on
 * what one may inflate to, against a compressed text bomb. */
#define PNG_CHUNK_MAX (1u << 20)

struct png_job {
	const unsigned char *data;
	size_t len, pos;
	png_structp png;
	png_infop info;
	unsigned char *buf;  /* the decoded image: 3 or 4 bytes a pixel */
	png_bytep *rows;
	uint32_t width, height;
	char *why;
	size_t whysize;
};

static void on_error(png_structp png, png_const_charp msg)
{
	struct png_job *j = png_get_error_ptr(png);
	if (!j->why[0])
		snprintf(j->why, j->whysize, _("a damaged PNG: %s"), msg);
	png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
	(void)png, (void)msg; /* a library never prints; warnings change nothing */
}

static void read_bytes(png_structp png, png_bytep to, size_t n)
{
	struct png_job *j = png_get_io_ptr(png);
	if (n > j->len - j->pos) {
		snprintf(j->why, j->whysize, _("a damaged PNG: the file ends early (cut short)"));
		png_error(png, "truncated");
	}
	memcpy(to, j->data + j->pos, n);
	j->pos += n;
}

/* The size from IHDR, which must come first, checked before libpng
 * allocates anything for it. */
static int check_ihdr(struct png_job *j)
{
	if (j->len < 33 || kesu_load_be32(j->data + 8) != 13 || memcmp(j->data + 12, "IHDR", 4)) {
		snprintf(j->why, j->whysize, _("a damaged PNG: it does not start with its IHDR header"));
		return -KESU_EPARSE;
	}
	uint32_t w = kesu_load_be32(j->data + 16), h = kesu_load_be32(j->data + 20);
	if (w == 0 || h == 0) {
		snprintf(j->why, j->whysize, _("a damaged PNG: its header gives no width or height"));
		return -KESU_EPARSE;
	}
	if (w > KESU_PHOTO_SIDE_MAX || h > KESU_PHOTO_SIDE_MAX ||
	    (uint64_t)w * h > KESU_DESTROY_PHOTO_PIXELS) {
		snprintf(j->why, j->whysize,
			 _("the PNG is %u x %u pixels, more than a photograph may have (at most %u on "
			 "a side and %u million in all)"),
			 w, h, KESU_PHOTO_SIDE_MAX, KESU_DESTROY_PHOTO_PIXELS / 1000000);
		return -KESU_EPARSE;
	}
	return 0;
}

/* Whatever the PNG holds, 8-bit RGB or RGBA rows from libpng. */
static unsigned set_transforms(struct png_job *j)
{
	png_set_expand(j->png); /* palette to RGB, grey to 8 bits, tRNS to alpha */
	png_set_scale_16(j->png);
	png_set_gray_to_rgb(j->png);
	png_set_interlace_handling(j->png);
	png_read_update_info(j->png, j->info);
	return png_get_channels(j->png, j->info);
}

/* Alpha over white, in place: RGBA pixels become RGB ones (the output
 * never overtakes the input), in integers so every renderer agrees. */
static void flatten(unsigned char *buf, size_t pixels)
{
	for (size_t i = 0; i < pixels; i++) {
		const unsigned char *s = buf + i * 4;
		unsigned a = s[3];
		for (int c = 0; c < 3; c++)
			buf[i * 3 + c] = (unsigned char)((s[c] * a + 255 * (255 - a) + 127) / 255);
	}
}

/* The part libpng may longjmp out of: everything it allocates is in j. */
static int decode(struct png_job *j)
{
	if (setjmp(png_jmpbuf(j->png)))
		return -KESU_EPARSE;
	png_set_user_limits(j->png, KESU_PHOTO_SIDE_MAX, KESU_PHOTO_SIDE_MAX);
	png_set_chunk_malloc_max(j->png, PNG_CHUNK_MAX);
	png_set_read_fn(j->png, j, read_bytes);
	png_read_info(j->png, j->info);
	j->width = png_get_image_width(j->png, j->info);
	j->height = png_get_image_height(j->png, j->info);
	unsigned channels = set_transforms(j);
	size_t stride = (size_t)j->width * channels;
	if ((channels != 3 && channels != 4) || png_get_rowbytes(j->png, j->info) != stride)
		png_error(j->png, "an unexpected pixel layout");
	j->buf = malloc(stride * j->height);
	j->rows = malloc(j->height * sizeof(*j->rows));
	if (!j->buf || !j->rows)
		return -ENOMEM;
	for (uint32_t y = 0; y < j->height; y++)
		j->rows[y] = j->buf + y * stride;
	png_read_image(j->png, j->rows);
	png_read_end(j->png, NULL); /* to IEND: a cut or damaged tail is refused too */
	if (channels == 4)
		flatten(j->buf, (size_t)j->width * j->height);
	return 0;
}

int Kesu_png_decode(const unsigned char *data, size_t len, struct photo_pixels *out, char *why,
		    size_t whysize)
{
	static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	struct png_job j = {.data = data, .len = len, .why = why, .whysize = whysize};
	memset(out, 0, sizeof(*out));
	why[0] = '\0';
	if (len < 8 || memcmp(data, magic, 8) != 0) {
		snprintf(why, whysize, _("not a PNG image"));
		return -KESU_EPARSE;
	}
	int rc = check_ihdr(&j);
	if (rc)
		return rc;
	j.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &j, on_error, on_warning);
	j.info = j.png ? png_create_info_struct(j.png) : NULL;
	rc = j.info ? decode(&j) : -ENOMEM;
	if (j.png)
		png_destroy_read_struct(&j.png, j.info ? &j.info : NULL, NULL);
	free(j.rows);
	if (rc) {
		free(j.buf);
		if (rc == -ENOMEM)
			snprintf(why, whysize, _("out of memory decoding the PNG"));
		return rc;
	}
	*out = (struct photo_pixels){.rgb = j.buf, .width = j.width, .height = j.height};
	return 0;
}

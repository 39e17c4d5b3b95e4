/* The photographs of a destruction: JPEG or PNG only, bounded, checked
 * by their magic bytes and by loading them as the certificate will, and
 * hashed (SHA-256 of the file's bytes) into the signed record. */
#include <errno.h>
#include <fcntl.h>
#include <hpdf.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "byteorder.h"
#include "kesu/destroy.h"
#include "kesu/error.h"
#include "kesu/fileio.h"

static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
	(void)detail;
	HPDF_STATUS *first = user;
	if (!*first)
		*first = error;
}

/* A PNG's width and height from its IHDR (the first chunk). */
static int png_pixels(const unsigned char *d, size_t len, uint64_t *pixels)
{
	if (len < 24 || memcmp(d + 12, "IHDR", 4) != 0)
		return -1;
	*pixels = (uint64_t)kesu_load_be32(d + 16) * kesu_load_be32(d + 20);
	return 0;
}

static int load_here(const unsigned char *d, size_t len, bool png)
{
	HPDF_STATUS first = 0;
	HPDF_Doc doc = HPDF_New(on_error, &first);
	if (!doc)
		return -ENOMEM;
	HPDF_Image img = png ? HPDF_LoadPngImageFromMem(doc, d, (HPDF_UINT)len)
			     : HPDF_LoadJpegImageFromMem(doc, d, (HPDF_UINT)len);
	bool ok = img && !first && HPDF_Image_GetWidth(img) > 0 && HPDF_Image_GetHeight(img) > 0;
	HPDF_Free(doc);
	return ok ? 0 : -KESU_EPARSE;
}

/* What libharu makes of it (the certificate draws it with the same call),
 * tried in a child process: libpng aborts the process on some damaged
 * images, which must cost a refusal, not kesu. */
static int loads(const unsigned char *d, size_t len, bool png)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) /* libpng's own messages: the caller says it in one line */
			dup2(null, STDERR_FILENO);
		_exit(load_here(d, len, png) == 0 ? 0 : 1);
	}
	int status = 0;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -KESU_EPARSE;
}

int kesu_destroy_photo_check(const char *what, const unsigned char *data, size_t len,
			     char type[8], char *err, size_t errsize)
{
	static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	bool png = len >= 8 && memcmp(data, png_magic, 8) == 0;
	bool jpeg = len >= 4 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
	if (!png && !jpeg) {
		snprintf(err, errsize, "%s: not a JPEG or PNG image", what);
		return -KESU_EPARSE;
	}
	if (len > KESU_DESTROY_PHOTO_MAX) {
		snprintf(err, errsize, "%s: %zu bytes, more than a photo may have (%u MiB)", what, len,
			 KESU_DESTROY_PHOTO_MAX >> 20);
		return -KESU_EPARSE;
	}
	uint64_t pixels = 0;
	if (png && (png_pixels(data, len, &pixels) < 0 || pixels > KESU_DESTROY_PHOTO_PIXELS)) {
		snprintf(err, errsize, "%s: %s", what,
			 pixels ? "the PNG has more than 40 million pixels" : "a damaged PNG");
		return -KESU_EPARSE;
	}
	int rc = loads(data, len, png);
	if (rc) {
		snprintf(err, errsize, "%s: %s", what,
			 rc != -KESU_EPARSE ? strerror(-rc)
				       : png ? "a damaged or unsupported PNG image"
					     : "a damaged or unsupported JPEG image");
		return rc;
	}
	snprintf(type, 8, "%s", png ? "png" : "jpeg");
	return 0;
}

int kesu_destroy_photo_load(const char *path, unsigned index, struct kesu_destroy_photo *p,
			    char *err, size_t errsize)
{
	char *buf = NULL;
	size_t len = 0;
	memset(p, 0, sizeof(*p));
	int rc = kesu_file_read_bounded(path, KESU_DESTROY_PHOTO_MAX, 0, &buf, &len, err, errsize);
	if (rc == -EFBIG)
		snprintf(err, errsize, "%s: larger than a photo may be (%u MiB)", path,
			 KESU_DESTROY_PHOTO_MAX >> 20);
	if (rc == 0)
		rc = kesu_destroy_photo_check(path, (unsigned char *)buf, len, p->type, err, errsize);
	if (rc) {
		free(buf);
		return rc;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (unsigned char *)buf, len);
	sodium_bin2hex(p->sha256, sizeof(p->sha256), h, sizeof(h));
	snprintf(p->name, sizeof(p->name), "photo-%u.%s", index, strcmp(p->type, "png") ? "jpg" : "png");
	p->data = (unsigned char *)buf;
	p->len = len;
	return 0;
}

void kesu_destroy_photo_free(struct kesu_destroy_photo *p)
{
	free(p->data);
	memset(p, 0, sizeof(*p));
}

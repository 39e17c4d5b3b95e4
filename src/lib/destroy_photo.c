/* The photographs of a destruction: JPEG or PNG only, bounded, checked
 * as the certificate will show them (a PNG decoded whole, a JPEG's markers
 * walked: photo_decode.h), and hashed (SHA-256 of the file's bytes) into
 * the signed record. The check runs in this process: the decoders never
 * abort, where libharu's own PNG loader lets libpng abort() on a damaged
 * file. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/destroy.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "photo_decode.h"
#include "i18n.h"

/* What the certificate will make of it: the same decode or walk. */
static int loads(const unsigned char *d, size_t len, bool png, char *why, size_t whysize)
{
	if (!png) {
		uint32_t w, h;
		return Kesu_jpeg_check(d, len, &w, &h, why, whysize);
	}
	struct photo_pixels px;
	int rc = Kesu_png_decode(d, len, &px, why, whysize);
	free(px.rgb);
	return rc;
}

int kesu_destroy_photo_check(const char *what, const unsigned char *data, size_t len,
			     char type[8], char *err, size_t errsize)
{
	static const unsigned char png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	bool png = len >= 8 && memcmp(data, png_magic, 8) == 0;
	bool jpeg = len >= 4 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff;
	if (!png && !jpeg) {
		snprintf(err, errsize, _("%s: not a JPEG or PNG image"), what);
		return -KESU_EPARSE;
	}
	if (len > KESU_DESTROY_PHOTO_MAX) {
		snprintf(err, errsize, _("%s: %zu bytes, more than a photo may have (%u MiB)"), what, len,
			 KESU_DESTROY_PHOTO_MAX >> 20);
		return -KESU_EPARSE;
	}
	char why[KESU_ERRMSG_MAX / 2];
	int rc = loads(data, len, png, why, sizeof(why));
	if (rc) {
		snprintf(err, errsize, "%s: %s", what, why);
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
		snprintf(err, errsize, _("%s: larger than a photo may be (%u MiB)"), path,
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

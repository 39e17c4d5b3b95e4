/* signify's two-line text files (see signify_text.h). signify itself
 * reads them with b64_pton, refuses comments of 1024 bytes or more and
 * wants exactly the struct's size; so does this. */
#include <errno.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/key.h"
#include "signify_text.h"
#include "i18n.h"

#define HDR_LEN (sizeof(KESU_COMMENT_HDR) - 1)
#define B64_VARIANT sodium_base64_VARIANT_ORIGINAL

size_t Kesu_signify_text_size(size_t comment_len, size_t binlen)
{
	/* header, comment, '\n', base64 (its NUL counted by ENCODED_LEN), '\n' */
	return HDR_LEN + comment_len + 1 + sodium_base64_ENCODED_LEN(binlen, B64_VARIANT) + 1;
}

int Kesu_signify_format(const char *comment, const void *bin, size_t binlen, char *out,
			size_t outsize)
{
	size_t clen = strlen(comment);
	if (clen > KESU_COMMENT_MAX || memchr(comment, '\n', clen) || memchr(comment, '\r', clen))
		return -EINVAL;
	size_t need = Kesu_signify_text_size(clen, binlen);
	if (outsize < need || need > INT32_MAX)
		return -ENOBUFS;
	char *p = out;
	memcpy(p, KESU_COMMENT_HDR, HDR_LEN);
	p += HDR_LEN;
	memcpy(p, comment, clen);
	p += clen;
	*p++ = '\n';
	sodium_bin2base64(p, outsize - (size_t)(p - out), bin, binlen, B64_VARIANT);
	p += strlen(p);
	*p++ = '\n';
	*p = '\0';
	return (int)(p - out);
}

int Kesu_signify_parse(const char *text, size_t len, void *bin, size_t binlen, size_t *consumed,
		       char *why, size_t whysize)
{
	if (len < HDR_LEN || memcmp(text, KESU_COMMENT_HDR, HDR_LEN) != 0) {
		snprintf(why, whysize, _("the first line does not start with \"%s\""),
			 KESU_COMMENT_HDR);
		return -KESU_EPARSE;
	}
	const char *nl = memchr(text, '\n', len);
	if (!nl) {
		snprintf(why, whysize, _("no line after the comment"));
		return -KESU_EPARSE;
	}
	if ((size_t)(nl - text) - HDR_LEN >= 1024) {
		snprintf(why, whysize, _("the comment is too long"));
		return -KESU_EPARSE;
	}
	const char *b64 = nl + 1;
	const char *end = memchr(b64, '\n', len - (size_t)(b64 - text));
	if (!end) {
		snprintf(why, whysize, _("no newline after the base64 line"));
		return -KESU_EPARSE;
	}
	size_t b64len = (size_t)(end - b64);
	size_t want = sodium_base64_ENCODED_LEN(binlen, B64_VARIANT) - 1;
	if (b64len != want) {
		snprintf(why, whysize, _("the base64 line has %zu characters, expected %zu"), b64len,
			 want);
		return -KESU_EPARSE;
	}
	size_t got = 0;
	const char *stop = NULL;
	if (sodium_base642bin(bin, binlen, b64, b64len, NULL, &got, &stop, B64_VARIANT) != 0 ||
	    stop != end || got != binlen) {
		sodium_memzero(bin, binlen);
		snprintf(why, whysize, _("invalid base64"));
		return -KESU_EPARSE;
	}
	if (memcmp(bin, KESU_PKALG, 2) != 0) {
		sodium_memzero(bin, binlen);
		snprintf(why, whysize, _("unsupported algorithm (not \"Ed\", Ed25519)"));
		return -KESU_EPARSE;
	}
	if (consumed)
		*consumed = (size_t)(end - text) + 1;
	return 0;
}

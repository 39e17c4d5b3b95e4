/* The text form every signify file has: one "untrusted comment: " line,
 * then one line of base64 (with padding) of a packed struct that starts
 * with the algorithm tag "Ed". Shared by key files and signatures. */
#ifndef KESU_SIGNIFY_TEXT_H
#define KESU_SIGNIFY_TEXT_H
#include <stddef.h>

#define KESU_COMMENT_HDR "untrusted comment: "
#define KESU_PKALG "Ed"

/* Bytes Kesu_signify_format needs for a comment of comment_len bytes and
 * binlen bytes of payload, including the final NUL. */
size_t Kesu_signify_text_size(size_t comment_len, size_t binlen);

/* Writes the two lines into out (NUL-terminated) and returns their length,
 * or -EINVAL for a comment with a newline or longer than KESU_COMMENT_MAX,
 * -ENOBUFS when out is too small. */
int Kesu_signify_format(const char *comment, const void *bin, size_t binlen, char *out,
			size_t outsize);

/* Decodes the first two lines of text into exactly binlen bytes (written
 * straight to bin, which may be guarded memory) and checks the "Ed" tag.
 * *consumed: bytes up to and including the second newline (may be NULL).
 * On failure returns -KESU_EPARSE with a short reason in why. */
int Kesu_signify_parse(const char *text, size_t len, void *bin, size_t binlen, size_t *consumed,
		       char *why, size_t whysize);
#endif

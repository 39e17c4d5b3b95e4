/* The signed-document file kesu writes for approvals and
 * countersignatures (docs/approvals.md, docs/certificate.md): one line of
 * canonical JSON, then a signify signature of that line (an "untrusted
 * comment: " line and a base64 line), and nothing after. One writer and
 * one reader, so that both files keep exactly this form. */
#ifndef KESU_SIGNED_DOC_H
#define KESU_SIGNED_DOC_H
#include <json-c/json.h>
#include <stddef.h>

#include "kesu/key.h"

/* How the reader's reasons name the file's parts. */
struct Kesu_signed_doc_kind {
	const char *line;     /* the first line: "payload", "document" */
	const char *file;     /* "an approval file", "a countersignature file" */
	const char *not_this; /* "... or this is not %s": "an approval file" */
};

/* payload (plen bytes of canonical JSON, no newline) + "\n" + its
 * detached signature under comment: the whole file in *text (NUL-ended,
 * *len bytes, the caller frees). 0 or kesu_sign_detached's error,
 * -ENOMEM. */
int Kesu_signed_doc_write(const char *payload, size_t plen, const struct kesu_secret_key *sk,
			  const char *comment, char **text, size_t *len);

/* The first line is the document; the two after it the signature, and
 * nothing more: *plen, *sig and *slen point into text. 0, or
 * -KESU_EPARSE with why. */
int Kesu_signed_doc_split(const char *text, size_t len, const struct Kesu_signed_doc_kind *kind,
			  size_t *plen, const char **sig, size_t *slen, char *why, size_t whysize);

/* The first line (plen bytes) as JSON: valid UTF-8, canonical, then
 * handed to from_json(doc, out, why, whysize), which reads it into out
 * (the document is freed after). 0, -KESU_EPARSE with why, or what
 * from_json returns. */
typedef int (*Kesu_signed_doc_from_json)(struct json_object *doc, void *out, char *why,
					 size_t whysize);
int Kesu_signed_doc_parse(const char *text, size_t plen, const struct Kesu_signed_doc_kind *kind,
			  Kesu_signed_doc_from_json from_json, void *out, char *why,
			  size_t whysize);

/* The whole file through the bounded reader: at most max bytes, a larger
 * one is -KESU_EPARSE with "PATH: larger than MAX bytes: not ..." in err. */
int Kesu_signed_doc_read(const char *path, unsigned max, const struct Kesu_signed_doc_kind *kind,
			 char **text, size_t *len, char *err, size_t errsize);

#endif

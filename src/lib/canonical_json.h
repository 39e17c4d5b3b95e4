/* Canonical JSON: the one byte sequence a document has, so that hashes and
 * signatures over it can be recomputed by anyone. UTF-8, no white space,
 * object keys sorted by their bytes, integers only, strings escaped only
 * where JSON requires (", \, control characters). */
#ifndef KESU_CANONICAL_JSON_H
#define KESU_CANONICAL_JSON_H
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns a malloc'd NUL-terminated string and its length in *len, or NULL
 * (errno EINVAL) when the document holds a floating-point number, which
 * has no single canonical form, or a string or key that is not valid
 * UTF-8 (utf8.c), which must never be signed. */
char *Kesu_json_canonical(struct json_object *doc, size_t *len);

/* A JSON string of bytes as lower-case hex (at most 64 bytes: hashes,
 * seeds, keys), as every record, plan and state writes them. */
struct json_object *Kesu_json_hex(const uint8_t *bytes, size_t len);

/* true when text is exactly the canonical form of what it parses to. */
bool Kesu_json_is_canonical(const char *text, size_t len);
/* The same, giving what it parses to (json_object_put it) so that a
 * checker need not parse it twice; NULL when it is not canonical. */
struct json_object *Kesu_json_parse_canonical(const char *text, size_t len);
/* The same decision in one pass without building the document
 * (canonical_scan.c), for checking many records. member (NULL: none):
 * *value and *value_len get that top-level member's string as it stands in
 * the text when it is a string without escapes, else NULL. */
bool Kesu_json_canonical_scan(const char *text, size_t len, const char *member,
			      const char **value, size_t *value_len);
#endif

/* Shared by the approval files (approval.c, approval_parse.c,
 * approval_media.c, approval_check.c): the field checks that signing and
 * loading both apply, so that kesu never signs what it would refuse to
 * load, and the one JSON form of the payload. */
#ifndef KESU_APPROVAL_INTERNAL_H
#define KESU_APPROVAL_INTERNAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/approval.h"

#define KESU_APPROVAL_FORMAT 1 /* "kesu_approval": the format's version */

/* A real calendar date written YYYY-MM-DD (years 2000 to 9999). */
bool Kesu_approval_date_valid(const char *ymd);

/* A serial (1 to KESU_APPROVAL_SERIAL_MAX bytes of text without control
 * characters or white space at either end) or an asset number (checked as
 * the record's asset_number, at most KESU_APPROVAL_ASSET_MAX bytes). 0 or
 * -KESU_EPARSE with why. */
int Kesu_approval_serial_check(const char *serial, char *why, size_t whysize);
int Kesu_approval_asset_check(const char *asset, char *why, size_t whysize);

/* Appends one medium (serial and asset may be ""), numbered next; checks
 * its fields but not duplicates (Kesu_approval_validate does). */
int Kesu_approval_push(struct kesu_approval *a, const char *serial, uint64_t size,
		       const char *asset, char *why, size_t whysize);

/* The first duplicate serial or asset: 0, or -KESU_EPARSE with *first and
 * *second the two entries' indexes (0-based) and why naming the value. */
int Kesu_approval_duplicates(const struct kesu_approval *a, size_t *first, size_t *second,
			     char *why, size_t whysize);

/* Every field as the format allows it (docs/approvals.md): 0 or
 * -KESU_EPARSE with why naming the member. Signing and loading both. */
int Kesu_approval_validate(const struct kesu_approval *a, char *why, size_t whysize);

/* The payload as a JSON document (the caller puts it), NULL without memory. */
struct json_object *Kesu_approval_payload(const struct kesu_approval *a);

/* "sha256:" + hex of SHA-256(payload). */
void Kesu_approval_hash(const char *payload, size_t len, char out[KESU_APPROVAL_HASH_SIZE]);

#endif

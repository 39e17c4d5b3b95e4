/* Reading a payload's JSON with checks: every error names the field
 * ("payload: media.serial: expected a string") and is -KESU_EPARSE. Shared
 * by the readers of each document kind (pdf_payload.c: wipe certificates
 * and failure reports; pdf_destroy_payload.c; pdf_batch_payload.c). */
#ifndef KESU_PDF_PAYLOAD_READ_H
#define KESU_PDF_PAYLOAD_READ_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

struct pj_reader {
	char *err;
	size_t errsize;
};

/* "payload: " and the message into err; returns -KESU_EPARSE. */
__attribute__((format(printf, 2, 3)))
int Kesu_pj_fail(struct pj_reader *r, const char *fmt, ...);
/* The member key of obj as type; *out NULL when absent or null. A required
 * member must be present and not null. path names obj in messages. */
int Kesu_pj_member(struct pj_reader *r, json_object *obj, const char *path, const char *key,
		   json_type type, bool required, json_object **out);
/* A string member as sanitised display text (Kesu_cert_text); "" when absent. */
int Kesu_pj_text(struct pj_reader *r, json_object *obj, const char *path, const char *key,
		 bool required, char *dst, size_t size);
/* A non-negative integer; -1 when absent or null. */
int Kesu_pj_count(struct pj_reader *r, json_object *obj, const char *path, const char *key,
		  bool required, long long *val);
/* value ("" passes) must be one of allowed (NULL-terminated). */
int Kesu_pj_one_of(struct pj_reader *r, const char *path, const char *value,
		   const char *const *allowed);
/* A boolean member; *val untouched when absent or null. */
int Kesu_pj_bool(struct pj_reader *r, json_object *obj, const char *path, const char *key,
		 bool required, int *val);

#endif

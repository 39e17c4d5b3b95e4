/* The ledger record of a PDF signature added to a certificate (kesu cert
 * sign): who signed which certificate in which box, with which X.509
 * certificate, and the SHA-256 of the file as signed, so the ledger can
 * say later which signatures a genuine copy holds. */
#include <errno.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdlib.h>

#include "canonical_json.h"
#include "kesu/pades.h"
#include "kesu/record.h"

static void add(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value ? value : ""));
}

char *kesu_pades_record(const char *id, const char *certificate_id, const char *job_id,
			const struct kesu_pades_signature *s, const unsigned char file_sha256[32],
			const char *by, time_t now, size_t *len)
{
	char at[32], hex[65];
	struct json_object *o = json_object_new_object();
	if (!o)
		return errno = ENOMEM, NULL;
	kesu_time_utc(now, at);
	sodium_bin2hex(hex, sizeof(hex), file_sha256, 32);
	add(o, "action", "pdf-sign");
	add(o, "at_utc", at);
	add(o, "by", by);
	add(o, "field", s->field);
	add(o, "file_sha256", hex);
	add(o, "job_id", id);
	add(o, "kind", "pdf-signature");
	add(o, "role", s->role);
	add(o, "signed_certificate_id", certificate_id);
	add(o, "signed_job_id", job_id);
	add(o, "signer", s->signer.subject);
	add(o, "signer_certificate_sha256", s->signer.sha256);
	add(o, "timestamp_utc", s->has_timestamp ? s->timestamp_utc : "");
	char *out = Kesu_json_canonical(o, len); /* NULL for invalid UTF-8: never signed */
	json_object_put(o);
	if (!out)
		errno = EINVAL;
	return out;
}

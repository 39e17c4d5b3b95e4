/* What kesu cert verify --members checks: each certificate a batch lists
 * is the one the batch names, by its id and the ledger record's hash it
 * carries (a received certificate: the SHA-256 of its payload, as the
 * received-certificate record holds it). */
#include <errno.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "json_members.h"
#include "kesu/batch.h"
#include "kesu/error.h"

static void add_ref(struct kesu_batch_ref *r, struct json_object *m, struct json_object *o,
		    const char *what)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->certificate_id, sizeof(r->certificate_id), "%s", Kesu_json_text(o, "certificate_id"));
	snprintf(r->record_hash, sizeof(r->record_hash), "%s", Kesu_json_text(o, "record_hash"));
	snprintf(r->payload_hash, sizeof(r->payload_hash), "%s", Kesu_json_text(o, "payload_hash"));
	snprintf(r->what, sizeof(r->what), "%s", what);
	const char *asset = Kesu_json_text(m, "asset"), *serial = Kesu_json_text(m, "serial");
	snprintf(r->medium, sizeof(r->medium), "%s%.60s%s%s%.60s", asset[0] ? "asset " : "", asset,
		 asset[0] && serial[0] ? ", " : "", serial[0] ? "serial " : "", serial);
}

int kesu_batch_refs(const char *payload, size_t len, struct kesu_batch_ref **refs, size_t *n,
		    char *err, size_t errsize)
{
	*refs = NULL;
	*n = 0;
	struct json_object *doc = json_tokener_parse(payload);
	struct json_object *members = Kesu_json_member(doc, "members");
	(void)len;
	if (!doc || strcmp(Kesu_json_text(doc, "document"), "batch-certificate") ||
	    !json_object_is_type(members, json_type_array)) {
		json_object_put(doc);
		return Kesu_errorf(err, errsize, -KESU_EPARSE, "not a batch certificate");
	}
	size_t count = json_object_array_length(members);
	struct kesu_batch_ref *out = calloc(2 * count + 1, sizeof(*out));
	if (!out) {
		json_object_put(doc);
		return Kesu_errorf(err, errsize, -ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < count; i++) {
		struct json_object *m = json_object_array_get_idx(members, i);
		struct json_object *e = Kesu_json_member(m, "erasure"), *d = Kesu_json_member(m, "destruction");
		if (e && Kesu_json_text(e, "certificate_id")[0])
			add_ref(&out[(*n)++], m, e, "erasure");
		if (d && Kesu_json_text(d, "certificate_id")[0])
			add_ref(&out[(*n)++], m, d, "destruction");
	}
	json_object_put(doc);
	*refs = out;
	return 0;
}

int kesu_batch_ref_check(const struct kesu_batch_ref *ref, const char *member_payload,
			 size_t len, char *err, size_t errsize)
{
	struct json_object *doc = json_tokener_parse(member_payload);
	const char *id = Kesu_json_text(doc, "certificate_id");
	const char *hash = Kesu_json_text(Kesu_json_member(doc, "ledger"), "record_hash");
	int rc = 0;
	if (strcmp(id, ref->certificate_id))
		rc = Kesu_errorf(err, errsize, -KESU_EVERIFY, "it is certificate %.40s, not %s", id,
				 ref->certificate_id);
	else if (ref->payload_hash[0]) {
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[72] = "sha256:";
		crypto_hash_sha256(h, (const unsigned char *)member_payload, len);
		sodium_bin2hex(hex + 7, sizeof(hex) - 7, h, sizeof(h));
		if (strcmp(hex, ref->payload_hash))
			rc = Kesu_errorf(err, errsize, -KESU_EVERIFY,
					 "its payload is not the one received (%.23s..., the batch names %.23s...)",
					 hex, ref->payload_hash);
	} else if (strcmp(hash, ref->record_hash))
		rc = Kesu_errorf(err, errsize, -KESU_EVERIFY,
				 "it cites ledger record %.16s..., the batch names %.16s...",
				 hash[0] ? hash : "(none)", ref->record_hash);
	json_object_put(doc);
	return rc;
}

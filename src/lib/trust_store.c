/* The trust store's file (kesu/trust.h, docs/trust.md): canonical JSON,
 * read strictly (a store that says something kesu does not understand is
 * refused whole, never half-used) and written atomically. */
#include <errno.h>
#include <json-c/json.h>
#include <libgen.h>
#include <limits.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "id_forms.h"
#include "json_members.h"
#include "kesu/config.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/paths.h"
#include "kesu/trust.h"
#include "signify_text.h"
#include "trust_internal.h"
#include "utf8.h"
#include "i18n.h"

#define STORE_MAX ((size_t)4 << 20) /* a store is a few hundred bytes a key */
#define FORMAT 1                    /* "kesu_trust": the format's version */
#define PUB_BYTES (2 + KESU_KEYNUM_BYTES + KESU_PUBKEY_BYTES)

static const char *const entry_members[] = {"added_utc", "comment",    "fingerprint",
					     "keynum",    "name",       "public_key", "role"};
#define NMEMBERS (sizeof(entry_members) / sizeof(entry_members[0]))

void Kesu_trust_public_b64(const struct kesu_public_key *key, char *buf, size_t size)
{
	uint8_t bin[PUB_BYTES];
	memcpy(bin, KESU_PKALG, 2);
	memcpy(bin + 2, key->keynum, KESU_KEYNUM_BYTES);
	memcpy(bin + 2 + KESU_KEYNUM_BYTES, key->pk, KESU_PUBKEY_BYTES);
	sodium_bin2base64(buf, size, bin, sizeof(bin), sodium_base64_VARIANT_ORIGINAL);
}

int Kesu_trust_public_parse(const char *b64, struct kesu_public_key *key, char *why,
			    size_t whysize)
{
	uint8_t bin[PUB_BYTES];
	size_t n = 0;
	const char *end = NULL;
	if (sodium_base642bin(bin, sizeof(bin), b64, strlen(b64), NULL, &n, &end,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    *end || n != sizeof(bin))
		return snprintf(why, whysize, _("public_key is not the base64 of a signify public key")),
		       -KESU_EPARSE;
	if (memcmp(bin, KESU_PKALG, 2) != 0)
		return snprintf(why, whysize, _("public_key is not an Ed25519 key")), -KESU_EPARSE;
	memcpy(key->keynum, bin + 2, KESU_KEYNUM_BYTES);
	memcpy(key->pk, bin + 2 + KESU_KEYNUM_BYTES, KESU_PUBKEY_BYTES);
	return 0;
}

/* ---- reading ---- */

struct reader {
	const char *path;
	char *err;
	size_t errsize;
};

/* "PATH: reason", -KESU_EPARSE. */
__attribute__((format(printf, 2, 3))) static int bad(const struct reader *r, const char *fmt, ...)
{
	char why[KESU_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errsize, "%s: %s", r->path, why);
	return -KESU_EPARSE;
}

/* Only the seven members, each a string. */
static int entry_shape(const struct reader *r, size_t i, struct json_object *o)
{
	if (!json_object_is_type(o, json_type_object))
		return bad(r, _("entry %zu is not an object"), i + 1);
	json_object_object_foreach(o, key, val) {
		(void)val;
		bool known = false;
		for (size_t m = 0; m < NMEMBERS; m++)
			known = known || !strcmp(key, entry_members[m]);
		if (!known)
			return bad(r, _("entry %zu: unknown member \"%s\""), i + 1, key);
	}
	for (size_t m = 0; m < NMEMBERS; m++)
		if (!Kesu_json_string(o, entry_members[m]))
			return bad(r, _("entry %zu: \"%s\" is missing or not a string"), i + 1,
				   entry_members[m]);
	return 0;
}

/* One entry of "keys", checked whole: the key number and fingerprint must
 * be the key's own, so an edit of one of them cannot pass for another key. */
static int read_entry(const struct reader *r, size_t i, struct json_object *o,
		      struct kesu_trust *t)
{
	struct kesu_trust_entry e = {0};
	char why[KESU_ERRMSG_MAX], num[KESU_KEYNUM_HEX_SIZE];
	int rc = entry_shape(r, i, o);
	if (rc < 0)
		return rc;
	const char *role = Kesu_json_string(o, "role"), *name = Kesu_json_string(o, "name");
	if (kesu_role_parse(role, &e.role) < 0)
		return bad(r, _("entry %zu: unknown role \"%s\""), i + 1, role);
	if (kesu_trust_name_check(name, why, sizeof(why)) < 0)
		return bad(r, _("entry %zu: %s"), i + 1, why);
	snprintf(e.name, sizeof(e.name), "%s", name);
	if (Kesu_trust_public_parse(Kesu_json_string(o, "public_key"), &e.key, why, sizeof(why)) < 0)
		return bad(r, _("entry %zu (%s): %s"), i + 1, name, why);
	kesu_key_keynum_hex(e.key.keynum, num, sizeof(num));
	kesu_key_fingerprint(&e.key, e.fingerprint, sizeof(e.fingerprint));
	if (strcmp(Kesu_json_string(o, "keynum"), num) != 0)
		return bad(r, _("entry %zu (%s): keynum is not the key's (%s)"), i + 1, name, num);
	if (strcmp(Kesu_json_string(o, "fingerprint"), e.fingerprint) != 0)
		return bad(r, _("entry %zu (%s): fingerprint is not the key's (%s)"), i + 1, name,
			   e.fingerprint);
	const char *added = Kesu_json_string(o, "added_utc");
	if (!Kesu_utc_form_valid(added))
		return bad(r, _("entry %zu (%s): added_utc is not a UTC time like "
			   "2026-11-22T04:30:12Z"), i + 1, name);
	snprintf(e.added_utc, sizeof(e.added_utc), "%s", added);
	const char *comment = Kesu_json_string(o, "comment");
	if (strlen(comment) > KESU_COMMENT_MAX ||
	    kesu_text_check(comment, strlen(comment), why, sizeof(why)) < 0)
		return bad(r, _("entry %zu (%s): the comment is not one line of text"), i + 1, name);
	snprintf(e.comment, sizeof(e.comment), "%s", comment);
	rc = Kesu_trust_push(t, &e, why, sizeof(why));
	if (rc == -ENOMEM)
		return bad(r, "%s", why), -ENOMEM;
	return rc < 0 ? bad(r, _("entry %zu: %s"), i + 1, why) : 0;
}

/* The document: {"kesu_trust":1,"keys":[...]}, and "certificates":[...]
 * when there are any (trust_x509_store.c), nothing else. */
static int read_doc(const struct reader *r, struct json_object *doc, struct kesu_trust *t)
{
	struct json_object *keys = NULL, *format = NULL, *certs = NULL;
	if (!json_object_is_type(doc, json_type_object))
		return bad(r, _("not a kesu trust store (not a JSON object)"));
	json_object_object_foreach(doc, key, val) {
		(void)val;
		if (strcmp(key, "keys") != 0 && strcmp(key, "kesu_trust") != 0 &&
		    strcmp(key, "certificates") != 0)
			return bad(r, _("unknown member \"%s\""), key);
	}
	if (!json_object_object_get_ex(doc, "kesu_trust", &format))
		return bad(r, _("not a kesu trust store (no \"kesu_trust\")"));
	if (!json_object_is_type(format, json_type_int) || json_object_get_int64(format) != FORMAT)
		return bad(r, _("trust store format %s is not one this kesu reads (%d)"),
			   json_object_get_string(format), FORMAT);
	if (!json_object_object_get_ex(doc, "keys", &keys) ||
	    !json_object_is_type(keys, json_type_array))
		return bad(r, _("\"keys\" is missing or not a list"));
	for (size_t i = 0; i < json_object_array_length(keys); i++) {
		int rc = read_entry(r, i, json_object_array_get_idx(keys, i), t);
		if (rc < 0)
			return rc;
	}
	if (json_object_object_get_ex(doc, "certificates", &certs))
		return Kesu_trust_certs_read(t, r->path, certs, r->err, r->errsize);
	return 0;
}

/* Parses text (len bytes, one final newline allowed) into t. */
static int parse_store(const struct reader *r, const char *text, size_t len,
		       struct kesu_trust *t)
{
	size_t bad_at = Kesu_utf8_invalid_at(text, len);
	if (bad_at != len)
		return bad(r, _("not valid UTF-8 (byte %zu)"), bad_at + 1);
	if (len && text[len - 1] == '\n')
		len--;
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return bad(r, "%s", strerror(ENOMEM)), -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	struct json_object *doc = json_tokener_parse_ex(tok, text, (int)len);
	bool whole = doc && json_tokener_get_error(tok) == json_tokener_success &&
		     (size_t)json_tokener_get_parse_end(tok) == len;
	json_tokener_free(tok);
	int rc = whole ? read_doc(r, doc, t) : bad(r, _("not JSON"));
	json_object_put(doc);
	/* Last, so that the reasons above come first: the one form kesu writes
	 * also rules out a member given twice (JSON parsers keep one of them). */
	if (rc == 0 && !Kesu_json_is_canonical(text, len))
		rc = bad(r, _("not in canonical form (a member given twice, or edited by hand)"));
	return rc;
}

int kesu_trust_load(const char *path, struct kesu_trust **trust, char *err, size_t errsize)
{
	struct reader r = {path, err, errsize};
	char *text = NULL;
	size_t len = 0;
	*trust = calloc(1, sizeof(**trust));
	if (!*trust)
		return snprintf(err, errsize, "%s: %s", path, strerror(ENOMEM)), -ENOMEM;
	int rc = kesu_file_read_bounded(path, STORE_MAX, 0, &text, &len, err, errsize);
	if (rc == -ENOENT)
		return 0; /* nobody trusted yet */
	if (rc == -EINVAL || rc == -EFBIG)
		rc = bad(&r, _("not a kesu trust store (%s)"),
			 rc == -EINVAL ? "not a regular file" : "too large");
	if (rc == 0)
		rc = parse_store(&r, text, len, *trust);
	free(text);
	if (rc < 0) {
		kesu_trust_free(*trust);
		*trust = NULL;
	}
	return rc;
}

/* ---- writing ---- */

static struct json_object *entry_json(const struct kesu_trust_entry *e)
{
	char num[KESU_KEYNUM_HEX_SIZE], pub[TRUST_PUB_B64_SIZE];
	kesu_key_keynum_hex(e->key.keynum, num, sizeof(num));
	Kesu_trust_public_b64(&e->key, pub, sizeof(pub));
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "added_utc", json_object_new_string(e->added_utc));
	json_object_object_add(o, "comment", json_object_new_string(e->comment));
	json_object_object_add(o, "fingerprint", json_object_new_string(e->fingerprint));
	json_object_object_add(o, "keynum", json_object_new_string(num));
	json_object_object_add(o, "name", json_object_new_string(e->name));
	json_object_object_add(o, "public_key", json_object_new_string(pub));
	json_object_object_add(o, "role", json_object_new_string(kesu_role_id(e->role)));
	return o;
}

int kesu_trust_save(const struct kesu_trust *trust, const char *path, char *err, size_t errsize)
{
	struct json_object *doc = json_object_new_object(), *keys = json_object_new_array();
	json_object_object_add(doc, "keys", keys);
	json_object_object_add(doc, "kesu_trust", json_object_new_int(FORMAT));
	for (size_t i = 0; i < trust->n; i++)
		json_object_array_add(keys, entry_json(&trust->v[i]));
	struct json_object *certs = Kesu_trust_certs_json(trust);
	if (certs)
		json_object_object_add(doc, "certificates", certs);
	size_t len;
	/* Never a store that silently lost its certificates. */
	char *text = certs || !trust->ncerts ? Kesu_json_canonical(doc, &len) : NULL;
	json_object_put(doc);
	char *line = text ? realloc(text, len + 2) : NULL;
	if (!line) {
		free(text);
		return snprintf(err, errsize, _("%s: cannot write the trust store: %s"), path,
				strerror(errno ? errno : ENOMEM)),
		       -ENOMEM;
	}
	memcpy(line + len, "\n", 2);
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	int rc = kesu_mkdirs(dirname(dir), 0700);
	if (rc < 0)
		snprintf(err, errsize, _("%s: cannot create the directory: %s"), dir, strerror(-rc));
	else
		rc = kesu_file_write_atomic(path, line, len + 1, 0600, 0, err, errsize);
	free(line);
	return rc;
}

/* Countersignatures by a witness or a validator (kesu/countersign.h,
 * docs/certificate.md): the document, its one canonical form, signing,
 * the strict reader and the check against the trust store and the
 * certificate, the files beside a certificate, and the ledger record. */
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "canonical_json.h"
#include "id_forms.h"
#include "json_members.h"
#include "kesu/countersign.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/record.h"
#include "signed_doc.h"
#include "i18n.h"

/* ---- small checks ---- */

static bool hex_valid(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static bool hash_valid(const char *h)
{
	return strncmp(h, "sha256:", 7) == 0 && hex_valid(h + 7, 64);
}

static bool fingerprint_valid(const char *f)
{
	return strncmp(f, "ed25519:", 8) == 0 && hex_valid(f + 8, KESU_FINGERPRINT_SIZE - 9);
}

static bool countersigning_role(enum kesu_role r)
{
	return r == KESU_ROLE_WITNESS || r == KESU_ROLE_VALIDATOR;
}

void kesu_countersig_hash(const void *data, size_t len, char out[KESU_COUNTERSIG_HASH_SIZE])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, data, len);
	memcpy(out, "sha256:", 7);
	sodium_bin2hex(out + 7, KESU_COUNTERSIG_HASH_SIZE - 7, h, sizeof(h));
}

/* ---- the certificate's side ---- */

int kesu_countersig_subject(const char *payload, size_t len, struct kesu_countersig *cs,
			    char *err, size_t errsize)
{
	memset(cs, 0, sizeof(*cs));
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc = tok ? json_tokener_parse_ex(tok, payload, (int)len) : NULL;
	json_tokener_free(tok);
	struct json_object *ledger = NULL;
	if (doc)
		json_object_object_get_ex(doc, "ledger", &ledger);
	const char *id = Kesu_json_string(doc, "certificate_id");
	const char *job = Kesu_json_string(ledger, "job_id");
	const char *rh = Kesu_json_string(ledger, "record_hash");
	int rc = 0;
	if (!rh)
		rh = ""; /* a record hash is optional */
	if (!id || !job || !Kesu_certificate_id_valid(id, false) ||
	    !hex_valid(job, KESU_JOB_ID_LEN) || (*rh && !hex_valid(rh, 64))) {
		snprintf(err, errsize, _("the certificate's payload names no certificate id and job"));
		rc = -KESU_EPARSE;
	} else {
		snprintf(cs->certificate_id, sizeof(cs->certificate_id), "%s", id);
		snprintf(cs->job_id, sizeof(cs->job_id), "%s", job);
		snprintf(cs->record_hash, sizeof(cs->record_hash), "%s", rh);
		kesu_countersig_hash(payload, len, cs->payload_hash);
	}
	json_object_put(doc);
	return rc;
}

/* ---- the document ---- */

static struct json_object *document(const struct kesu_countersig *cs)
{
	struct json_object *doc = json_object_new_object(), *who = json_object_new_object();
	if (!doc || !who) {
		json_object_put(doc), json_object_put(who);
		return NULL;
	}
	json_object_object_add(who, "fingerprint", json_object_new_string(cs->signer_fingerprint));
	json_object_object_add(who, "name", json_object_new_string(cs->signer_name));
	json_object_object_add(doc, "certificate_id", json_object_new_string(cs->certificate_id));
	json_object_object_add(doc, "job_id", json_object_new_string(cs->job_id));
	json_object_object_add(doc, "kesu_countersignature",
			       json_object_new_int(KESU_COUNTERSIG_FORMAT));
	json_object_object_add(doc, "payload_hash", json_object_new_string(cs->payload_hash));
	json_object_object_add(doc, "record_hash",
			       cs->record_hash[0] ? json_object_new_string(cs->record_hash) : NULL);
	json_object_object_add(doc, "role", json_object_new_string(kesu_role_id(cs->role)));
	json_object_object_add(doc, "signed_utc", json_object_new_string(cs->signed_utc));
	json_object_object_add(doc, "signer", who);
	return doc;
}

int kesu_countersig_sign(struct kesu_countersig *cs, enum kesu_role role, const char *name,
			 const struct kesu_secret_key *sk, time_t now, char **text, size_t *len,
			 char *err, size_t errsize)
{
	char why[KESU_ERRMSG_MAX / 2], comment[128];
	struct kesu_public_key pk;
	*text = NULL;
	if (!countersigning_role(role))
		return snprintf(err, errsize, _("only a witness or a validator countersigns")),
		       -KESU_EPARSE;
	if (kesu_trust_name_check(name, why, sizeof(why)) < 0)
		return snprintf(err, errsize, _("signer: %s"), why), -KESU_EPARSE;
	if (!Kesu_certificate_id_valid(cs->certificate_id, false) || !hash_valid(cs->payload_hash))
		return snprintf(err, errsize, _("nothing to countersign: no certificate named")),
		       -KESU_EPARSE;
	kesu_key_public_from_secret(sk, &pk);
	cs->role = role;
	kesu_time_utc(now, cs->signed_utc);
	snprintf(cs->signer_name, sizeof(cs->signer_name), "%s", name);
	kesu_key_fingerprint(&pk, cs->signer_fingerprint, sizeof(cs->signer_fingerprint));
	kesu_key_keynum_hex(pk.keynum, cs->keynum, sizeof(cs->keynum));
	struct json_object *doc = document(cs);
	size_t plen = 0;
	char *payload = doc ? Kesu_json_canonical(doc, &plen) : NULL;
	json_object_put(doc);
	if (!payload)
		return snprintf(err, errsize, _("cannot build the countersignature")), -ENOMEM;
	snprintf(comment, sizeof(comment), "kesu countersignature (%s) for %s", kesu_role_id(role),
		 cs->certificate_id);
	int rc = Kesu_signed_doc_write(payload, plen, sk, comment, text, len);
	if (rc)
		snprintf(err, errsize, _("cannot sign the countersignature: %s"), kesu_strerror(rc));
	free(payload);
	return rc;
}

/* ---- reading ---- */

/* A string member into buf (null gives "" when nullable); never cut. */
static int get_text(struct json_object *o, const char *key, bool nullable, char *buf, size_t size,
		    char *why, size_t whysize)
{
	struct json_object *v = json_object_object_get(o, key);
	buf[0] = '\0';
	if (!v && nullable)
		return 0;
	size_t n = v ? (size_t)json_object_get_string_len(v) : 0;
	if (!json_object_is_type(v, json_type_string) || n >= size ||
	    memchr(json_object_get_string(v), '\0', n))
		return snprintf(why, whysize, _("\"%s\" is not a string of at most %zu bytes"), key,
				size - 1),
		       -KESU_EPARSE;
	memcpy(buf, json_object_get_string(v), n + 1);
	return 0;
}

/* The values, each as signing writes them. */
static int check_values(struct json_object *doc, const struct kesu_countersig *cs, char *why,
			size_t whysize)
{
	struct json_object *v = json_object_object_get(doc, "kesu_countersignature");
	char text[KESU_ERRMSG_MAX / 2];
	if (!json_object_is_type(v, json_type_int) ||
	    json_object_get_int64(v) != KESU_COUNTERSIG_FORMAT)
		return snprintf(why, whysize, _("\"kesu_countersignature\" is not %d (a format this "
					      "kesu reads)"), KESU_COUNTERSIG_FORMAT), -KESU_EPARSE;
	if (!Kesu_certificate_id_valid(cs->certificate_id, false))
		return snprintf(why, whysize, _("\"certificate_id\" is not a certificate id")),
		       -KESU_EPARSE;
	if (!hex_valid(cs->job_id, KESU_JOB_ID_LEN) || !hash_valid(cs->payload_hash) ||
	    (cs->record_hash[0] && !hex_valid(cs->record_hash, 64)))
		return snprintf(why, whysize, _("\"job_id\", \"payload_hash\" or \"record_hash\" is "
					      "malformed")), -KESU_EPARSE;
	if (!Kesu_utc_form_valid(cs->signed_utc) || !fingerprint_valid(cs->signer_fingerprint))
		return snprintf(why, whysize, _("\"signed_utc\" or the signer's fingerprint is "
					      "malformed")), -KESU_EPARSE;
	if (kesu_trust_name_check(cs->signer_name, text, sizeof(text)) < 0)
		return snprintf(why, whysize, _("signer: %s"), text), -KESU_EPARSE;
	return 0;
}

static int from_json(struct json_object *doc, void *out, char *why, size_t whysize)
{
	struct kesu_countersig *cs = out;
	static const char *const names[] = {"certificate_id", "job_id", "kesu_countersignature",
					    "payload_hash", "record_hash", "role", "signed_utc",
					    "signer", NULL};
	static const char *const signer[] = {"fingerprint", "name", NULL};
	char role[16];
	struct json_object *who = json_object_object_get(doc, "signer");
	int rc = Kesu_json_members(doc, "the countersignature", names, why, whysize);
	if (rc == 0)
		rc = Kesu_json_members(who, "\"signer\"", signer, why, whysize);
#define TEXT(o, key, nullable, buf)                                                            \
	if (rc == 0)                                                                           \
		rc = get_text(o, key, nullable, buf, sizeof(buf), why, whysize);
	TEXT(doc, "certificate_id", false, cs->certificate_id)
	TEXT(doc, "job_id", false, cs->job_id)
	TEXT(doc, "payload_hash", false, cs->payload_hash)
	TEXT(doc, "record_hash", true, cs->record_hash)
	TEXT(doc, "role", false, role)
	TEXT(doc, "signed_utc", false, cs->signed_utc)
	TEXT(who, "fingerprint", false, cs->signer_fingerprint)
	TEXT(who, "name", false, cs->signer_name)
#undef TEXT
	if (rc == 0 && (kesu_role_parse(role, &cs->role) < 0 || !countersigning_role(cs->role)))
		return snprintf(why, whysize, _("\"role\" \"%s\" is not witness or validator"), role),
		       -KESU_EPARSE;
	return rc ? rc : check_values(doc, cs, why, whysize);
}

static const struct Kesu_signed_doc_kind countersig_kind = {
	"document", "a countersignature file", "a countersignature"};

/* The role the document claims is the role its key must be trusted for;
 * the name and fingerprint it gives must be that entry's. */
static int check_signer(const char *text, size_t plen, const char *sig, size_t slen,
			const struct kesu_trust *trust, struct kesu_countersig *cs, char *why,
			size_t whysize)
{
	const struct kesu_trust_entry *who = NULL;
	int rc = kesu_trust_verify(trust, cs->role, text, plen, sig, slen, &who, why, whysize);
	if (rc)
		return rc;
	kesu_key_keynum_hex(who->key.keynum, cs->keynum, sizeof(cs->keynum));
	if (strcmp(cs->signer_fingerprint, who->fingerprint) || strcmp(cs->signer_name, who->name))
		return snprintf(why, whysize, _("names %s \"%s\" (%s), but the trusted key that signed "
					      "it is \"%s\" (%s)"), kesu_role_id(cs->role),
				cs->signer_name, cs->signer_fingerprint, who->name, who->fingerprint),
		       -KESU_EVERIFY;
	return 0;
}

/* A countersignature of this certificate, as it is now. */
static int check_certificate(const struct kesu_countersig *cs, const char *payload, size_t len,
			     char *why, size_t whysize)
{
	struct kesu_countersig cert;
	char sub[KESU_ERRMSG_MAX / 2];
	if (kesu_countersig_subject(payload, len, &cert, sub, sizeof(sub)) < 0)
		return snprintf(why, whysize, "%s", sub), -KESU_EVERIFY;
	if (strcmp(cs->certificate_id, cert.certificate_id))
		return snprintf(why, whysize, _("it countersigns certificate %s, not %s"),
				cs->certificate_id, cert.certificate_id), -KESU_EVERIFY;
	if (strcmp(cs->payload_hash, cert.payload_hash))
		return snprintf(why, whysize, _("it countersigns another payload of %s (%.23s..., this "
					      "one is %.23s...): the certificate was changed"),
				cs->certificate_id, cs->payload_hash, cert.payload_hash), -KESU_EVERIFY;
	return 0;
}

int kesu_countersig_check(const char *text, size_t len, const struct kesu_trust *trust,
			  const char *cert_payload, size_t cert_len, struct kesu_countersig *cs,
			  char *err, size_t errsize)
{
	size_t plen, slen;
	const char *sig;
	memset(cs, 0, sizeof(*cs));
	int rc = Kesu_signed_doc_split(text, len, &countersig_kind, &plen, &sig, &slen, err,
				       errsize);
	if (rc == 0)
		rc = Kesu_signed_doc_parse(text, plen, &countersig_kind, from_json, cs, err, errsize);
	if (rc == 0)
		rc = check_signer(text, plen, sig, slen, trust, cs, err, errsize);
	if (rc == 0 && cert_payload)
		rc = check_certificate(cs, cert_payload, cert_len, err, errsize);
	return rc;
}

int kesu_countersig_load(const char *path, const struct kesu_trust *trust,
			 const char *cert_payload, size_t cert_len, struct kesu_countersig *cs,
			 char *err, size_t errsize)
{
	char *text = NULL, why[KESU_ERRMSG_MAX];
	size_t len = 0;
	memset(cs, 0, sizeof(*cs));
	int rc = Kesu_signed_doc_read(path, KESU_COUNTERSIG_FILE_MAX, &countersig_kind, &text, &len,
				      err, errsize);
	if (rc)
		return rc;
	rc = kesu_countersig_check(text, len, trust, cert_payload, cert_len, cs, why, sizeof(why));
	if (rc)
		snprintf(err, errsize, "%s: %s", path, why);
	free(text);
	return rc;
}

/* ---- files beside the certificate ---- */

int kesu_countersig_path(const char *dir, const struct kesu_countersig *cs, char *buf,
			 size_t size)
{
	if (!Kesu_certificate_id_valid(cs->certificate_id, false) || !countersigning_role(cs->role) ||
	    !hex_valid(cs->keynum, KESU_KEYNUM_HEX_SIZE - 1))
		return -KESU_EPARSE;
	int n = snprintf(buf, size, "%s/kesu-%s.%s-%s%s", dir, cs->certificate_id,
			 kesu_role_id(cs->role), cs->keynum, KESU_COUNTERSIG_SUFFIX);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* kesu-<id>.<anything>.countersig, and a regular file. */
static bool is_countersig(const char *dir, const char *name, const char *prefix, char **path)
{
	size_t n = strlen(name), p = strlen(prefix), s = strlen(KESU_COUNTERSIG_SUFFIX);
	struct stat st;
	*path = NULL;
	if (n <= p + s || strncmp(name, prefix, p) || strcmp(name + n - s, KESU_COUNTERSIG_SUFFIX))
		return false;
	if (asprintf(path, "%s/%s", dir, name) < 0) {
		*path = NULL;
		return false;
	}
	if (stat(*path, &st) == 0 && S_ISREG(st.st_mode))
		return true;
	free(*path);
	*path = NULL;
	return false;
}

int kesu_countersig_find(const char *dir, const char *certificate_id, char ***paths, size_t *n,
			 char *err, size_t errsize)
{
	char prefix[80];
	*paths = NULL;
	*n = 0;
	if (!Kesu_certificate_id_valid(certificate_id, false))
		return 0; /* no file can be named for it */
	snprintf(prefix, sizeof(prefix), "kesu-%s.", certificate_id);
	DIR *d = opendir(dir);
	if (!d)
		return snprintf(err, errsize, "%s: %s", dir, strerror(errno)), -errno;
	size_t cap = 0;
	int rc = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;) {
		char *path;
		if (!is_countersig(dir, e->d_name, prefix, &path))
			continue;
		if (*n == cap) {
			char **v = realloc(*paths, (cap = cap ? 2 * cap : 4) * sizeof(*v));
			if (!v) {
				free(path);
				rc = -ENOMEM;
				break;
			}
			*paths = v;
		}
		(*paths)[(*n)++] = path;
	}
	closedir(d);
	if (rc) {
		kesu_countersig_paths_free(*paths, *n);
		*paths = NULL, *n = 0;
		return snprintf(err, errsize, "%s: %s", dir, strerror(-rc)), rc;
	}
	if (*n)
		qsort(*paths, *n, sizeof(**paths), by_name);
	return 0;
}

void kesu_countersig_paths_free(char **paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	free(paths);
}

/* ---- the ledger record ---- */

static void add_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

char *kesu_countersig_record(const char *id, const char *text, size_t text_len, const char *by,
			     time_t now, size_t *len)
{
	struct kesu_countersig cs = {0};
	size_t plen, slen;
	const char *sig;
	char why[KESU_ERRMSG_MAX], at[32];
	if (Kesu_signed_doc_split(text, text_len, &countersig_kind, &plen, &sig, &slen, why,
				  sizeof(why)) ||
	    Kesu_signed_doc_parse(text, plen, &countersig_kind, from_json, &cs, why, sizeof(why)))
		return errno = EINVAL, NULL;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc = tok ? json_tokener_parse_ex(tok, text, (int)plen) : NULL;
	json_tokener_free(tok);
	struct json_object *o = json_object_new_object();
	if (!doc || !o)
		return json_object_put(doc), json_object_put(o), errno = ENOMEM, NULL;
	kesu_time_utc(now, at);
	add_string(o, "action", "countersign");
	add_string(o, "at_utc", at);
	add_string(o, "by", by);
	json_object_object_add(o, "countersignature", doc);
	add_string(o, "countersigned_certificate_id", cs.certificate_id);
	add_string(o, "countersigned_job_id", cs.job_id);
	add_string(o, "fingerprint", cs.signer_fingerprint);
	add_string(o, "job_id", id);
	add_string(o, "kind", "countersignature");
	add_string(o, "name", cs.signer_name);
	add_string(o, "role", kesu_role_id(cs.role));
	json_object_object_add(o, "signature", json_object_new_string_len(sig, (int)slen));
	char *out = Kesu_json_canonical(o, len); /* NULL for invalid UTF-8: never signed */
	json_object_put(o);
	return out;
}

/* Writing an approval (事前承認, 様式第3号): the checks every field gets,
 * the payload's one canonical form, its hash, the number and the
 * signature (docs/approvals.md). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval_internal.h"
#include "canonical_json.h"
#include "json_members.h"
#include "kesu/config.h"
#include "kesu/error.h"
#include "kesu/record.h"
#include "kesu/vocabulary.h"
#include "signed_doc.h"
#include "i18n.h"

static bool method_id_valid(const char *id)
{
	size_t n = strlen(id);
	if (n == 0 || n > KESU_METHOD_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-'))
			return false;
	return true;
}

static int check_methods(const struct kesu_approval *a, char *why, size_t whysize)
{
	if (a->n_methods == 0 || a->n_methods > KESU_APPROVAL_METHODS_MAX) {
		snprintf(why, whysize, _("methods: %zu given (1 to %d)"), a->n_methods,
			 KESU_APPROVAL_METHODS_MAX);
		return -KESU_EPARSE;
	}
	for (size_t i = 0; i < a->n_methods; i++) {
		if (!method_id_valid(a->methods[i])) {
			snprintf(why, whysize, _("methods: \"%.40s\" is not a method id"), a->methods[i]);
			return -KESU_EPARSE;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(a->methods[i], a->methods[j]) == 0) {
				snprintf(why, whysize, _("methods: \"%s\" is listed twice"), a->methods[i]);
				return -KESU_EPARSE;
			}
	}
	return 0;
}

/* "A-YYYYMMDD-XXXXXXXX": the UTC date of issue and 8 upper-case hex digits. */
static bool number_valid(const struct kesu_approval *a)
{
	const char *n = a->number;
	if (strlen(n) != 19 || strncmp(n, "A-", 2) != 0 || n[10] != '-')
		return false;
	for (int i = 2; i < 10; i++)
		if (n[i] < '0' || n[i] > '9')
			return false;
	for (int i = 11; i < 19; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'A' && n[i] <= 'F')))
			return false;
	/* its date is the UTC date of issue */
	const char *u = a->issued_utc;
	return strlen(u) >= 10 && memcmp(n + 2, u, 4) == 0 && memcmp(n + 6, u + 5, 2) == 0 &&
	       memcmp(n + 8, u + 8, 2) == 0;
}

/* "2026-12-06T01:30:12Z" and "2026-12-06T10:30:12+09:00", as kesu_time_utc
 * and kesu_time_local write them. */
static bool time_valid(const char *t, bool local)
{
	char date[11];
	size_t n = strlen(t);
	if (n != (local ? 25u : 20u) || t[10] != 'T' || t[13] != ':' || t[16] != ':')
		return false;
	memcpy(date, t, 10);
	date[10] = '\0';
	if (!Kesu_approval_date_valid(date))
		return false;
	int h = atoi(t + 11), m = atoi(t + 14), s = atoi(t + 17);
	for (int i = 11; i < 19; i += 3)
		if (t[i] < '0' || t[i] > '9' || t[i + 1] < '0' || t[i + 1] > '9')
			return false;
	if (h > 23 || m > 59 || s > 60)
		return false;
	if (!local)
		return t[19] == 'Z';
	return (t[19] == '+' || t[19] == '-') && t[22] == ':' && t[20] >= '0' && t[20] <= '1' &&
	       t[21] >= '0' && t[21] <= '9' && t[23] >= '0' && t[23] <= '5' && t[24] >= '0' &&
	       t[24] <= '9';
}

static bool fingerprint_valid(const char *f)
{
	if (strlen(f) != KESU_FINGERPRINT_SIZE - 1 || strncmp(f, "ed25519:", 8) != 0)
		return false;
	for (const char *c = f + 8; *c; c++)
		if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
			return false;
	return true;
}

static int check_name(const char *name, char *why, size_t whysize)
{
	char text[KESU_ERRMSG_MAX / 2];
	if (kesu_trust_name_check(name, text, sizeof(text)) < 0) {
		snprintf(why, whysize, _("approver: %s"), text);
		return -KESU_EPARSE;
	}
	return 0;
}

/* Free text: organisation and note, checked as the record's fields. */
static int check_text(enum kesu_ctx_field f, const char *what, const char *value, char *why,
		      size_t whysize)
{
	char text[KESU_ERRMSG_MAX / 2];
	if (value[0] && kesu_ctx_field_check(f, value, text, sizeof(text)) < 0) {
		snprintf(why, whysize, "%s %s", what, text);
		return -KESU_EPARSE;
	}
	return 0;
}

static int check_media(const struct kesu_approval *a, char *why, size_t whysize)
{
	if (a->n_media == 0 || a->n_media > KESU_APPROVAL_MEDIA_MAX) {
		snprintf(why, whysize, _("media: %zu listed (1 to %d)"), a->n_media,
			 KESU_APPROVAL_MEDIA_MAX);
		return -KESU_EPARSE;
	}
	for (size_t i = 0; i < a->n_media; i++) {
		const struct kesu_approval_medium *m = &a->media[i];
		char one[KESU_ERRMSG_MAX / 2];
		int rc = 0;
		if (m->entry != i + 1) {
			snprintf(one, sizeof(one), _("is numbered %u"), m->entry);
			rc = -KESU_EPARSE;
		} else if (!m->serial[0] && !m->asset[0]) {
			snprintf(one, sizeof(one), _("has neither a serial nor an asset number"));
			rc = -KESU_EPARSE;
		} else if (!m->serial[0] && m->size) {
			snprintf(one, sizeof(one), _("has a size without a serial"));
			rc = -KESU_EPARSE;
		} else if (m->serial[0]) {
			rc = Kesu_approval_serial_check(m->serial, one, sizeof(one));
		}
		if (rc == 0 && m->asset[0])
			rc = Kesu_approval_asset_check(m->asset, one, sizeof(one));
		if (rc) {
			snprintf(why, whysize, _("media entry %zu: %s"), i + 1, one);
			return rc;
		}
	}
	size_t first, second;
	return Kesu_approval_duplicates(a, &first, &second, why, whysize);
}

int Kesu_approval_validate(const struct kesu_approval *a, char *why, size_t whysize)
{
	if (!number_valid(a) || !time_valid(a->issued_utc, false) ||
	    !time_valid(a->issued_local, true)) {
		snprintf(why, whysize, _("number or issue time is malformed (\"%.24s\", \"%.32s\")"),
			 a->number, a->issued_utc);
		return -KESU_EPARSE;
	}
	if (!Kesu_approval_date_valid(a->valid_until)) {
		snprintf(why, whysize, _("valid_until \"%.12s\" is not a date YYYY-MM-DD"), a->valid_until);
		return -KESU_EPARSE;
	}
	if (strncmp(a->valid_until, a->issued_local, 10) < 0) {
		snprintf(why, whysize, _("valid_until %s is before the day of issue %.10s"),
			 a->valid_until, a->issued_local);
		return -KESU_EPARSE;
	}
	if (!fingerprint_valid(a->approver_fingerprint)) {
		snprintf(why, whysize, _("approver: \"%.48s\" is not a key fingerprint"),
			 a->approver_fingerprint);
		return -KESU_EPARSE;
	}
	char words[80];
	if (!kesu_vocab_find(KESU_VOCAB_CLASS, a->classification)) {
		snprintf(why, whysize, _("classification \"%.8s\" is not %s"), a->classification,
			 kesu_vocab_list(KESU_VOCAB_CLASS, words, sizeof(words)));
		return -KESU_EPARSE;
	}
	if (!kesu_vocab_find(KESU_VOCAB_PURPOSE, a->purpose)) {
		snprintf(why, whysize, _("purpose \"%.32s\" is not %s"), a->purpose,
			 kesu_vocab_list(KESU_VOCAB_PURPOSE, words, sizeof(words)));
		return -KESU_EPARSE;
	}
	if ((unsigned)a->min_level > KESU_NIST_DESTROY) {
		snprintf(why, whysize, _("min_level is not clear, purge or destroy"));
		return -KESU_EPARSE;
	}
	int rc = check_name(a->approver_name, why, whysize);
	if (rc == 0)
		rc = check_text(KESU_CTX_ORGANISATION, "organisation", a->organisation, why, whysize);
	if (rc == 0)
		rc = check_text(KESU_CTX_LOCATION, "note", a->note, why, whysize);
	if (rc == 0)
		rc = check_methods(a, why, whysize);
	return rc ? rc : check_media(a, why, whysize);
}

static struct json_object *media_json(const struct kesu_approval *a)
{
	struct json_object *list = json_object_new_array_ext((int)a->n_media);
	for (size_t i = 0; list && i < a->n_media; i++) {
		const struct kesu_approval_medium *m = &a->media[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "asset", Kesu_json_str_or_null(m->asset));
		json_object_object_add(o, "entry", json_object_new_int64(m->entry));
		json_object_object_add(o, "serial", Kesu_json_str_or_null(m->serial));
		json_object_object_add(o, "size", m->size ? json_object_new_int64((int64_t)m->size) : NULL);
		json_object_array_add(list, o);
	}
	return list;
}

struct json_object *Kesu_approval_payload(const struct kesu_approval *a)
{
	struct json_object *doc = json_object_new_object(), *who = json_object_new_object();
	struct json_object *methods = json_object_new_array();
	if (!doc || !who || !methods) {
		json_object_put(doc), json_object_put(who), json_object_put(methods);
		return NULL;
	}
	json_object_object_add(who, "fingerprint", json_object_new_string(a->approver_fingerprint));
	json_object_object_add(who, "name", json_object_new_string(a->approver_name));
	json_object_object_add(doc, "approver", who);
	json_object_object_add(doc, "classification", json_object_new_string(a->classification));
	json_object_object_add(doc, "issued_local", json_object_new_string(a->issued_local));
	json_object_object_add(doc, "issued_utc", json_object_new_string(a->issued_utc));
	json_object_object_add(doc, "kesu_approval", json_object_new_int(KESU_APPROVAL_FORMAT));
	json_object_object_add(doc, "media", media_json(a));
	for (size_t i = 0; i < a->n_methods; i++)
		json_object_array_add(methods, json_object_new_string(a->methods[i]));
	json_object_object_add(doc, "methods", methods);
	json_object_object_add(doc, "min_level",
			       a->min_level ? json_object_new_string(kesu_nist_level_name(a->min_level))
					    : NULL);
	json_object_object_add(doc, "note", Kesu_json_str_or_null(a->note));
	json_object_object_add(doc, "number", json_object_new_string(a->number));
	json_object_object_add(doc, "organisation", Kesu_json_str_or_null(a->organisation));
	json_object_object_add(doc, "purpose", json_object_new_string(a->purpose));
	json_object_object_add(doc, "valid_until", json_object_new_string(a->valid_until));
	return doc;
}

void Kesu_approval_hash(const char *payload, size_t len, char out[KESU_APPROVAL_HASH_SIZE])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)payload, len);
	memcpy(out, "sha256:", 7);
	sodium_bin2hex(out + 7, KESU_APPROVAL_HASH_SIZE - 7, h, sizeof(h));
}

/* The number: the UTC date of issue and 32 random bits. Two approvals the
 * same day collide with odds of one in four billion per pair. */
static void new_number(struct kesu_approval *a, time_t now)
{
	uint8_t r[4];
	char h[9], date[16];
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y%m%d", &tm);
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(h, sizeof(h), r, sizeof(r));
	for (char *c = h; *c; c++)
		*c = (char)(*c >= 'a' ? *c - 32 : *c);
	snprintf(a->number, sizeof(a->number), "A-%s-%s", date, h);
}

/* Everything signing sets and checks, short of the signature. */
static int prepare(struct kesu_approval *a, const char *approver_name,
		   const struct kesu_public_key *pk, time_t now, char *err, size_t errsize)
{
	char today[16];
	struct tm tm;
	if (sodium_init() < 0) {
		snprintf(err, errsize, _("libsodium cannot start"));
		return -EIO;
	}
	new_number(a, now);
	kesu_time_utc(now, a->issued_utc);
	kesu_time_local(now, a->issued_local);
	kesu_key_fingerprint(pk, a->approver_fingerprint, sizeof(a->approver_fingerprint));
	if (strlen(approver_name) >= sizeof(a->approver_name)) {
		snprintf(err, errsize, _("approver: the name is longer than %d bytes"), KESU_TRUST_NAME_MAX);
		return -KESU_EPARSE;
	}
	snprintf(a->approver_name, sizeof(a->approver_name), "%s", approver_name);
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (Kesu_approval_date_valid(a->valid_until) && strcmp(a->valid_until, today) < 0) {
		snprintf(err, errsize, _("valid_until %s is in the past (today is %s)"), a->valid_until,
			 today);
		return -KESU_EPARSE;
	}
	return Kesu_approval_validate(a, err, errsize);
}

int kesu_approval_draft_check(const struct kesu_approval *a, const char *approver_name,
			      time_t now, char *err, size_t errsize)
{
	struct kesu_approval copy = *a; /* shares media: prepare only reads them */
	struct kesu_public_key pk = {0};
	return prepare(&copy, approver_name, &pk, now, err, errsize);
}

int kesu_approval_sign(struct kesu_approval *a, const char *approver_name,
		       const struct kesu_secret_key *sk, time_t now, char **text, size_t *len,
		       char *err, size_t errsize)
{
	struct kesu_public_key pk;
	char comment[64];
	*text = NULL;
	kesu_key_public_from_secret(sk, &pk);
	int rc = prepare(a, approver_name, &pk, now, err, errsize);
	if (rc)
		return rc;
	struct json_object *doc = Kesu_approval_payload(a);
	size_t plen = 0;
	char *payload = doc ? Kesu_json_canonical(doc, &plen) : NULL;
	json_object_put(doc);
	if (!payload) {
		snprintf(err, errsize, _("cannot build the approval's payload (out of memory)"));
		return -ENOMEM;
	}
	snprintf(comment, sizeof(comment), "kesu approval %s", a->number);
	rc = Kesu_signed_doc_write(payload, plen, sk, comment, text, len);
	if (rc == 0)
		Kesu_approval_hash(payload, plen, a->hash);
	else
		snprintf(err, errsize, _("cannot sign the approval: %s"), kesu_strerror(rc));
	free(payload);
	return rc;
}

void kesu_approval_free(struct kesu_approval *a)
{
	if (!a)
		return;
	free(a->media);
	free(a);
}

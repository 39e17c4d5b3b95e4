/* Roles, the trust store's entries, and checking a signature against them
 * (kesu/trust.h, docs/trust.md). The file itself: trust_store.c. */
#include <errno.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "kesu/config.h"
#include "kesu/error.h"
#include "kesu/record.h"
#include "kesu/trust.h"
#include "signify_text.h"
#include "trust_internal.h"
#include "i18n.h"

static const struct {
	enum kesu_role role;
	const char *id, *ja;
} roles[] = {
	{KESU_ROLE_APPROVER, "approver", "承認者"},
	{KESU_ROLE_WITNESS, "witness", "立会者"},
	{KESU_ROLE_VALIDATOR, "validator", "検証者"},
	{KESU_ROLE_CONTRACTOR, "contractor", "受託事業者"},
};
#define NROLES (sizeof(roles) / sizeof(roles[0]))

const char *kesu_role_id(enum kesu_role role)
{
	for (size_t i = 0; i < NROLES; i++)
		if (roles[i].role == role)
			return roles[i].id;
	return NULL;
}

const char *kesu_role_label_ja(enum kesu_role role)
{
	for (size_t i = 0; i < NROLES; i++)
		if (roles[i].role == role)
			return roles[i].ja;
	return NULL;
}

int kesu_role_parse(const char *id, enum kesu_role *role)
{
	for (size_t i = 0; id && i < NROLES; i++)
		if (strcmp(id, roles[i].id) == 0) {
			*role = roles[i].role;
			return 0;
		}
	return -KESU_EPARSE;
}

bool kesu_role_is_person(enum kesu_role role)
{
	return role == KESU_ROLE_APPROVER || role == KESU_ROLE_WITNESS ||
	       role == KESU_ROLE_VALIDATOR;
}

/* ---- the entries ---- */

int kesu_trust_name_check(const char *name, char *why, size_t whysize)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0)
		return snprintf(why, whysize, _("the name is empty")), -KESU_EPARSE;
	if (n > KESU_TRUST_NAME_MAX)
		return snprintf(why, whysize, _("the name is longer than %d bytes"),
				KESU_TRUST_NAME_MAX),
		       -KESU_EPARSE;
	char what[KESU_ERRMSG_MAX];
	if (kesu_text_check(name, n, what, sizeof(what)) < 0)
		return snprintf(why, whysize, _("the name %s"), what), -KESU_EPARSE;
	/* The same person must not be two names that look alike. */
	if (name[0] == ' ' || name[n - 1] == ' ' || !strncmp(name, "\u3000", 3) ||
	    (n >= 3 && !strcmp(name + n - 3, "\u3000")))
		return snprintf(why, whysize, _("the name has white space at one end")), -KESU_EPARSE;
	return 0;
}

int Kesu_trust_push(struct kesu_trust *t, const struct kesu_trust_entry *e, char *why,
		    size_t whysize)
{
	char num[KESU_KEYNUM_HEX_SIZE];
	kesu_key_keynum_hex(e->key.keynum, num, sizeof(num));
	for (size_t i = 0; i < t->n; i++) {
		const struct kesu_trust_entry *o = &t->v[i];
		bool same_num = !memcmp(o->key.keynum, e->key.keynum, KESU_KEYNUM_BYTES);
		bool same_pk = !memcmp(o->key.pk, e->key.pk, KESU_PUBKEY_BYTES);
		if (same_num && same_pk && o->role == e->role)
			return snprintf(why, whysize, _("key %s (%s) is already a trusted %s, as %s"),
					num, e->fingerprint, kesu_role_id(e->role), o->name),
			       -EEXIST;
		if (same_num != same_pk)
			/* A signature names its key by number only. */
			return snprintf(why, whysize,
					_("key %s (%s) shares its key number or its public key "
					"with %s's key"),
					num, e->fingerprint, o->name),
			       -KESU_EPARSE;
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 8;
		struct kesu_trust_entry *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return snprintf(why, whysize, "%s", strerror(ENOMEM)), -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = *e;
	return 0;
}

void kesu_trust_free(struct kesu_trust *trust)
{
	if (trust) {
		free(trust->v);
		free(trust->certs);
		free(trust);
	}
}

size_t kesu_trust_count(const struct kesu_trust *trust)
{
	return trust ? trust->n : 0;
}

const struct kesu_trust_entry *kesu_trust_at(const struct kesu_trust *trust, size_t i)
{
	return trust && i < trust->n ? &trust->v[i] : NULL;
}

struct kesu_trust *kesu_trust_new(void)
{
	return calloc(1, sizeof(struct kesu_trust));
}

int kesu_trust_add(struct kesu_trust *trust, enum kesu_role role, const char *name,
		   const struct kesu_public_key *key, time_t now, char *err, size_t errsize)
{
	return kesu_trust_add_commented(trust, role, name, key, NULL, now, err, errsize);
}

int kesu_trust_add_commented(struct kesu_trust *trust, enum kesu_role role, const char *name,
			     const struct kesu_public_key *key, const char *comment, time_t now,
			     char *err, size_t errsize)
{
	struct kesu_trust_entry e = {.role = role, .key = *key};
	char why[KESU_ERRMSG_MAX];
	if (!kesu_role_id(role))
		return snprintf(err, errsize, _("unknown role %d"), (int)role), -KESU_EPARSE;
	if (kesu_trust_name_check(name, why, sizeof(why)) < 0)
		return snprintf(err, errsize, "%s", why), -KESU_EPARSE;
	comment = comment ? comment : "";
	if (strlen(comment) > KESU_COMMENT_MAX ||
	    kesu_text_check(comment, strlen(comment), why, sizeof(why)) < 0)
		return snprintf(err, errsize, _("the key's comment is not one line of text")),
		       -KESU_EPARSE;
	snprintf(e.name, sizeof(e.name), "%s", name);
	snprintf(e.comment, sizeof(e.comment), "%s", comment);
	kesu_key_fingerprint(key, e.fingerprint, sizeof(e.fingerprint));
	kesu_time_utc(now, e.added_utc);
	int rc = Kesu_trust_push(trust, &e, why, sizeof(why));
	if (rc < 0)
		snprintf(err, errsize, "%s", why);
	return rc;
}

/* Whether who names e: its fingerprint, its key number or its name. */
static bool names_entry(const struct kesu_trust_entry *e, const char *who)
{
	char num[KESU_KEYNUM_HEX_SIZE];
	kesu_key_keynum_hex(e->key.keynum, num, sizeof(num));
	return !strcmp(who, e->fingerprint) || !strcasecmp(who, num) || !strcmp(who, e->name);
}

int kesu_trust_remove(struct kesu_trust *trust, enum kesu_role role, const char *who,
		      struct kesu_trust_entry *removed, char *err, size_t errsize)
{
	size_t kept = 0, gone = 0;
	for (size_t i = 0; i < trust->n; i++) {
		struct kesu_trust_entry *e = &trust->v[i];
		if ((role == 0 || e->role == role) && names_entry(e, who)) {
			if (gone++ == 0 && removed)
				*removed = *e;
			continue;
		}
		trust->v[kept++] = *e;
	}
	trust->n = kept;
	if (gone == 0) {
		snprintf(err, errsize, _("no trusted %s is \"%s\" (by fingerprint, key number or name)"),
			 role ? kesu_role_id(role) : "key", who);
		return -KESU_ENOTFOUND;
	}
	return 0;
}

/* ---- verification ---- */

/* signify's struct sig. */
struct sig_bin {
	uint8_t pkalg[2];
	uint8_t keynum[KESU_KEYNUM_BYTES];
	uint8_t sig[KESU_SIG_BYTES];
};

/* The entry with this key number: for role when there is one, else any
 * (to say which role the key does have). */
static const struct kesu_trust_entry *by_keynum(const struct kesu_trust *t, enum kesu_role role,
						 const uint8_t keynum[KESU_KEYNUM_BYTES])
{
	const struct kesu_trust_entry *other = NULL;
	for (size_t i = 0; t && i < t->n; i++)
		if (!memcmp(t->v[i].key.keynum, keynum, KESU_KEYNUM_BYTES)) {
			if (t->v[i].role == role)
				return &t->v[i];
			other = other ? other : &t->v[i];
		}
	return other;
}

int kesu_trust_verify(const struct kesu_trust *trust, enum kesu_role role, const void *msg,
		      size_t len, const char *sig_text, size_t sig_len,
		      const struct kesu_trust_entry **who, char *err, size_t errsize)
{
	struct sig_bin s;
	char why[128], num[KESU_KEYNUM_HEX_SIZE];
	*who = NULL;
	int rc = Kesu_signify_parse(sig_text, sig_len, &s, sizeof(s), NULL, why, sizeof(why));
	if (rc < 0)
		return snprintf(err, errsize, _("not a signify signature: %s"), why), rc;
	kesu_key_keynum_hex(s.keynum, num, sizeof(num));
	const struct kesu_trust_entry *e = by_keynum(trust, role, s.keynum);
	if (!e)
		return snprintf(err, errsize, _("signed by key %s, which is not a trusted %s"), num,
				kesu_role_id(role)),
		       -KESU_EVERIFY;
	if (e->role != role)
		return snprintf(err, errsize,
				_("signed by key %s (%s), a trusted %s but not a trusted %s"), num,
				e->name, kesu_role_id(e->role), kesu_role_id(role)),
		       -KESU_EVERIFY;
	rc = kesu_verify_detached(&e->key, msg, len, sig_text, sig_len, why, sizeof(why));
	if (rc < 0)
		return snprintf(err, errsize, _("%s (key %s, %s)"), why, num, e->name), rc;
	*who = e;
	return 0;
}

/* ---- the ledger record ---- */

static void add_string(struct json_object *o, const char *key, const char *value)
{
	json_object_object_add(o, key, json_object_new_string(value));
}

char *kesu_trust_record(const char *id, const char *action, const struct kesu_trust_entry *e,
			const char *by, time_t now, size_t *len)
{
	char at[32], num[KESU_KEYNUM_HEX_SIZE];
	struct json_object *o = json_object_new_object();
	if (!o || !kesu_role_id(e->role))
		return json_object_put(o), errno = EINVAL, NULL;
	kesu_time_utc(now, at);
	kesu_key_keynum_hex(e->key.keynum, num, sizeof(num));
	add_string(o, "action", action);
	add_string(o, "at_utc", at);
	add_string(o, "by", by);
	add_string(o, "comment", e->comment);
	add_string(o, "fingerprint", e->fingerprint);
	add_string(o, "job_id", id);
	add_string(o, "keynum", num);
	add_string(o, "kind", "trust");
	add_string(o, "name", e->name);
	/* The key itself, so the store can be rebuilt from the ledger alone. */
	char pub[TRUST_PUB_B64_SIZE];
	Kesu_trust_public_b64(&e->key, pub, sizeof(pub));
	add_string(o, "public_key", pub);
	add_string(o, "role", kesu_role_id(e->role));
	char *text = Kesu_json_canonical(o, len); /* NULL for invalid UTF-8: never signed */
	json_object_put(o);
	return text;
}

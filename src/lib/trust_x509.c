/* X.509 certificates in the trust store (kesu/trust.h, docs/trust.md):
 * roles, adding and removing, the ledger record, and the anchors PDF
 * signatures are checked against. The file side: trust_x509_store.c. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "canonical_json.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/record.h"
#include "kesu/trust.h"
#include "kesu/x509.h"
#include "trust_internal.h"
#include "x509_internal.h"
#include "i18n.h"

static const char *const cert_roles[] = {"approver",   "witness",      "validator",
					 "contractor", "organisation", "station"};

int kesu_trust_cert_role_check(const char *role)
{
	for (size_t i = 0; role && i < sizeof(cert_roles) / sizeof(cert_roles[0]); i++)
		if (!strcmp(role, cert_roles[i]))
			return 0;
	return -KESU_EPARSE;
}

size_t kesu_trust_cert_count(const struct kesu_trust *trust)
{
	return trust ? trust->ncerts : 0;
}

const struct kesu_trust_cert *kesu_trust_cert_at(const struct kesu_trust *trust, size_t i)
{
	return trust && i < trust->ncerts ? &trust->certs[i] : NULL;
}

int Kesu_trust_cert_push(struct kesu_trust *t, const struct kesu_trust_cert *c, char *why,
			 size_t whysize)
{
	for (size_t i = 0; i < t->ncerts; i++)
		if (!strcmp(t->certs[i].sha256, c->sha256) && !strcmp(t->certs[i].role, c->role))
			return snprintf(why, whysize,
					_("certificate %.16s... is already a trusted %s, as %s"),
					c->sha256, c->role, t->certs[i].name),
			       -EEXIST;
	if (t->ncerts == t->certs_cap) {
		size_t cap = t->certs_cap ? 2 * t->certs_cap : 4;
		struct kesu_trust_cert *v = realloc(t->certs, cap * sizeof(*v));
		if (!v)
			return snprintf(why, whysize, "%s", strerror(ENOMEM)), -ENOMEM;
		t->certs = v;
		t->certs_cap = cap;
	}
	t->certs[t->ncerts++] = *c;
	return 0;
}

/* The first certificate of path, in kesu's PEM form, into c. */
static int read_cert(const char *path, struct kesu_trust_cert *c, int *count, char *err,
		     size_t errsize)
{
	char *data = NULL;
	size_t len = 0;
	int rc = kesu_file_read_bounded(path, KESU_X509_FILE_MAX, 0, &data, &len, err, errsize);
	if (rc < 0)
		return rc;
	rc = Kesu_x509_pem_one(data, len, c->pem, sizeof(c->pem), c->sha256, count);
	free(data);
	if (rc == -KESU_EPARSE)
		snprintf(err, errsize, _("%s: not a certificate (PEM or DER X.509)"), path);
	else if (rc == -ENOSPC)
		rc = -KESU_EPARSE, snprintf(err, errsize, _("%s: the certificate is larger than %d "
						  "bytes"), path, KESU_TRUST_PEM_MAX - 1);
	else if (rc < 0)
		snprintf(err, errsize, "%s: %s", path, strerror(-rc));
	return rc;
}

int kesu_trust_add_cert(struct kesu_trust *trust, const char *role, const char *name,
			const char *path, time_t now, int *more, char *err, size_t errsize)
{
	char why[KESU_ERRMSG_MAX];
	int count = 0;
	if (kesu_trust_cert_role_check(role) < 0)
		return snprintf(err, errsize, _("unknown role \"%s\" for a certificate"),
				role ? role : ""),
		       -KESU_EPARSE;
	if (kesu_trust_name_check(name, why, sizeof(why)) < 0)
		return snprintf(err, errsize, "%s", why), -KESU_EPARSE;
	struct kesu_trust_cert *c = calloc(1, sizeof(*c)); /* 16 KiB: not on the stack */
	if (!c)
		return snprintf(err, errsize, "%s", strerror(ENOMEM)), -ENOMEM;
	int rc = read_cert(path, c, &count, err, errsize);
	if (rc == 0) {
		snprintf(c->role, sizeof(c->role), "%s", role);
		snprintf(c->name, sizeof(c->name), "%s", name);
		kesu_time_utc(now, c->added_utc);
		if ((rc = Kesu_trust_cert_push(trust, c, why, sizeof(why))) < 0)
			snprintf(err, errsize, "%s", why);
	}
	if (more)
		*more = rc == 0 ? count - 1 : 0;
	free(c);
	return rc;
}

/* who: a name, or a SHA-256 ("sha256:" optional), whole or its first 16+ digits. */
static bool names_cert(const struct kesu_trust_cert *c, const char *who)
{
	const char *hex = strncmp(who, "sha256:", 7) ? who : who + 7;
	size_t n = strlen(hex);
	bool is_hex = n >= 16 && n <= 64 && strspn(hex, "0123456789abcdefABCDEF") == n;
	return !strcmp(c->name, who) || (is_hex && !strncasecmp(c->sha256, hex, n));
}

int kesu_trust_remove_cert(struct kesu_trust *trust, const char *role, const char *who,
			   struct kesu_trust_cert *removed, size_t *count, char *err,
			   size_t errsize)
{
	size_t kept = 0, gone = 0;
	for (size_t i = 0; i < trust->ncerts; i++) {
		struct kesu_trust_cert *c = &trust->certs[i];
		if ((!role || !strcmp(c->role, role)) && names_cert(c, who)) {
			if (gone++ == 0 && removed)
				*removed = *c;
			continue;
		}
		if (kept != i)
			trust->certs[kept] = *c;
		kept++;
	}
	trust->ncerts = kept;
	if (count)
		*count = gone;
	if (gone == 0)
		return snprintf(err, errsize,
				_("no trusted %s certificate is \"%s\" (by name or SHA-256)"),
				role ? role : "", who),
		       -KESU_ENOTFOUND;
	return 0;
}

char *kesu_trust_cert_record(const char *id, const char *action,
			     const struct kesu_trust_cert *c, const char *by, time_t now,
			     size_t *len)
{
	char at[32];
	struct json_object *o = json_object_new_object();
	if (!o)
		return errno = ENOMEM, NULL;
	kesu_time_utc(now, at);
	const char *members[][2] = {{"action", action}, {"at_utc", at},      {"by", by},
				    {"job_id", id},     {"kind", "trust"},   {"name", c->name},
				    {"pem", c->pem},    {"role", c->role},   {"sha256", c->sha256}};
	for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		json_object_object_add(o, members[i][0], json_object_new_string(members[i][1]));
	char *text = Kesu_json_canonical(o, len); /* NULL for invalid UTF-8: never signed */
	json_object_put(o);
	return text;
}

int kesu_trust_x509_anchors(const struct kesu_trust *t, struct kesu_x509_anchors *anchors,
			    char *err, size_t errsize)
{
	for (size_t i = 0; t && i < t->ncerts; i++) {
		const struct kesu_trust_cert *c = &t->certs[i];
		/* An organisation's CA vouches for its signers in every role. */
		const char *role = strcmp(c->role, KESU_TRUST_CERT_ROLE_ANY) ? c->role : NULL;
		int rc = kesu_x509_anchors_add_pem(anchors, c->pem, strlen(c->pem), role, c->name,
						   err, errsize);
		if (rc < 0)
			return rc;
	}
	return 0;
}

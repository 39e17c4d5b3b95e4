/* The trust store's "certificates" member (kesu/trust.h): read as
 * strictly as its keys (anything kesu would not have written is refused,
 * and nothing of the store is used), written only when there is one. */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "id_forms.h"
#include "json_members.h"
#include "kesu/error.h"
#include "kesu/trust.h"
#include "trust_internal.h"
#include "x509_internal.h"
#include "i18n.h"

static const char *const members[] = {"added_utc", "name", "pem", "role", "sha256", NULL};

struct cert_reader {
	const char *path;
	size_t i;
	char *err;
	size_t errsize;
};

/* "PATH: certificate N: reason", -KESU_EPARSE. */
__attribute__((format(printf, 2, 3))) static int bad(const struct cert_reader *r,
						     const char *fmt, ...)
{
	char why[KESU_ERRMSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(r->err, r->errsize, _("%s: certificate %zu: %s"), r->path, r->i + 1, why);
	return -KESU_EPARSE;
}

/* pem must be exactly one certificate, as kesu writes it, whose SHA-256
 * is sha256: an edit of either cannot pass for another certificate. */
static int read_pem(const struct cert_reader *r, const char *pem, const char *sha256,
		    struct kesu_trust_cert *c)
{
	int count = 0;
	int rc = Kesu_x509_pem_one(pem, strlen(pem), c->pem, sizeof(c->pem), c->sha256, &count);
	if (rc == -ENOMEM)
		return bad(r, "%s", strerror(ENOMEM)), -ENOMEM;
	if (rc < 0)
		return bad(r, _("pem is not a certificate"));
	if (count != 1)
		return bad(r, _("pem holds %d certificates, not one"), count);
	if (strcmp(c->pem, pem) != 0)
		return bad(r, _("pem is not in the form kesu writes (edited by hand?)"));
	if (strcmp(c->sha256, sha256) != 0)
		return bad(r, _("sha256 is not the certificate's (%s)"), c->sha256);
	return 0;
}

static int read_entry(const struct cert_reader *r, struct json_object *o, struct kesu_trust *t,
		      struct kesu_trust_cert *c)
{
	char why[KESU_ERRMSG_MAX];
	if (Kesu_json_members(o, "the entry", members, why, sizeof(why)) < 0)
		return bad(r, "%s", why);
	for (size_t m = 0; members[m]; m++)
		if (!Kesu_json_string(o, members[m]))
			return bad(r, _("\"%s\" is not a string"), members[m]);
	const char *role = Kesu_json_string(o, "role"), *name = Kesu_json_string(o, "name");
	const char *added = Kesu_json_string(o, "added_utc");
	if (kesu_trust_cert_role_check(role) < 0)
		return bad(r, _("unknown role \"%.20s\""), role);
	if (kesu_trust_name_check(name, why, sizeof(why)) < 0)
		return bad(r, "%s", why);
	if (!Kesu_utc_form_valid(added))
		return bad(r, _("added_utc is not a UTC time like 2026-11-22T04:30:12Z"));
	int rc = read_pem(r, Kesu_json_string(o, "pem"), Kesu_json_string(o, "sha256"), c);
	if (rc < 0)
		return rc;
	snprintf(c->role, sizeof(c->role), "%s", role);
	snprintf(c->name, sizeof(c->name), "%s", name);
	snprintf(c->added_utc, sizeof(c->added_utc), "%s", added);
	rc = Kesu_trust_cert_push(t, c, why, sizeof(why));
	if (rc == -ENOMEM)
		return bad(r, "%s", why), rc;
	return rc < 0 ? bad(r, "%s", why) : 0;
}

int Kesu_trust_certs_read(struct kesu_trust *t, const char *path, struct json_object *arr,
			  char *err, size_t errsize)
{
	struct cert_reader r = {path, 0, err, errsize};
	if (!json_object_is_type(arr, json_type_array))
		return snprintf(err, errsize, _("%s: \"certificates\" is not a list"), path),
		       -KESU_EPARSE;
	struct kesu_trust_cert *c = malloc(sizeof(*c));
	int rc = c ? 0 : -ENOMEM;
	for (; rc == 0 && r.i < json_object_array_length(arr); r.i++)
		rc = read_entry(&r, json_object_array_get_idx(arr, r.i), t, c);
	if (!c)
		snprintf(err, errsize, "%s: %s", path, strerror(ENOMEM));
	free(c);
	return rc;
}

struct json_object *Kesu_trust_certs_json(const struct kesu_trust *t)
{
	if (!t->ncerts)
		return NULL; /* no member: the file earlier versions read */
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; arr && i < t->ncerts; i++) {
		const struct kesu_trust_cert *c = &t->certs[i];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "added_utc", json_object_new_string(c->added_utc));
		json_object_object_add(o, "name", json_object_new_string(c->name));
		json_object_object_add(o, "pem", json_object_new_string(c->pem));
		json_object_object_add(o, "role", json_object_new_string(c->role));
		json_object_object_add(o, "sha256", json_object_new_string(c->sha256));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* Trust anchors for checking PDF signatures (kesu/x509.h, signer.h): an
 * X509_STORE for OpenSSL's chain building, and beside it the name and
 * role each certificate was trusted under, which the store cannot keep. */
#include <errno.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "signer.h"
#include "x509_internal.h"

struct anchor {
	X509 *cert;
	char role[24]; /* "" = any role */
	char name[160];
};

struct kesu_x509_anchors {
	X509_STORE *store;
	struct anchor *v;
	size_t n, cap;
};

struct kesu_x509_anchors *kesu_x509_anchors_new(void)
{
	struct kesu_x509_anchors *a = calloc(1, sizeof(*a));
	if (a && !(a->store = X509_STORE_new())) {
		free(a);
		return NULL;
	}
	/* An anchor need not be a self-signed root: an organisation's issuing
	 * CA, or a station's own certificate, ends the chain where it is. */
	if (a)
		X509_STORE_set_flags(a->store, X509_V_FLAG_PARTIAL_CHAIN);
	return a;
}

void kesu_x509_anchors_free(struct kesu_x509_anchors *anchors)
{
	if (!anchors)
		return;
	for (size_t i = 0; i < anchors->n; i++)
		X509_free(anchors->v[i].cert);
	free(anchors->v);
	X509_STORE_free(anchors->store);
	free(anchors);
}

size_t kesu_x509_anchors_count(const struct kesu_x509_anchors *anchors)
{
	return anchors ? anchors->n : 0;
}

X509_STORE *Kesu_anchors_store(const struct kesu_x509_anchors *anchors)
{
	return anchors->store;
}

static struct anchor *find(const struct kesu_x509_anchors *a, const X509 *cert)
{
	for (size_t i = 0; i < a->n; i++)
		if (X509_cmp(a->v[i].cert, cert) == 0)
			return &a->v[i];
	return NULL;
}

int Kesu_anchors_lookup(const struct kesu_x509_anchors *anchors, X509 *cert, const char **role,
			const char **name)
{
	const struct anchor *e = anchors && cert ? find(anchors, cert) : NULL;
	if (!e)
		return -KESU_ENOTFOUND;
	*role = e->role;
	*name = e->name;
	return 0;
}

/* One certificate; trusted a second time, it keeps its first name, and
 * "any role" wins over a single one. */
static int add_cert(struct kesu_x509_anchors *a, X509 *x, const char *role, const char *name)
{
	struct anchor *old = find(a, x);
	if (old) {
		if (!role)
			old->role[0] = '\0';
		return 0;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? 2 * a->cap : 8;
		struct anchor *v = realloc(a->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	if (!X509_STORE_add_cert(a->store, x) || !X509_up_ref(x))
		return ERR_clear_error(), -ENOMEM;
	struct anchor *e = &a->v[a->n++];
	e->cert = x;
	snprintf(e->role, sizeof(e->role), "%s", role ? role : "");
	if (name)
		snprintf(e->name, sizeof(e->name), "%s", name);
	else {
		struct kesu_x509_info info;
		Kesu_x509_describe(x, &info);
		snprintf(e->name, sizeof(e->name), "%s",
			 info.common_name[0] ? info.common_name : info.subject);
	}
	return 0;
}

static int add_all(struct kesu_x509_anchors *a, STACK_OF(X509) *certs, const char *role,
		   const char *name)
{
	int rc = 0;
	for (int i = 0; rc == 0 && i < sk_X509_num(certs); i++)
		rc = add_cert(a, sk_X509_value(certs, i), role, name);
	return rc;
}

int kesu_x509_anchors_add_file(struct kesu_x509_anchors *anchors, const char *path,
			       const char *role, const char *name, char *err, size_t errsize)
{
	STACK_OF(X509) *certs = NULL;
	int rc = Kesu_x509_load_certs(path, &certs, err, errsize);
	if (rc == 0 && (rc = add_all(anchors, certs, role, name)) < 0)
		snprintf(err, errsize, "%s: %s", path, strerror(-rc));
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int kesu_x509_anchors_add_pem(struct kesu_x509_anchors *anchors, const char *pem, size_t len,
			      const char *role, const char *name, char *err, size_t errsize)
{
	STACK_OF(X509) *certs = NULL;
	int rc = Kesu_x509_parse_certs(pem, len, &certs);
	if (rc == 0)
		rc = add_all(anchors, certs, role, name);
	if (rc < 0)
		snprintf(err, errsize, "%s: %s", name ? name : "trust anchor",
			 rc == -KESU_EPARSE ? "not a certificate (PEM)" : strerror(-rc));
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

/* The private key a PKCS#11 URI names and the certificate stored with it
 * on the token (p11_internal.h). The key is only ever a handle: it never
 * leaves the token. */
#include <errno.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "p11_internal.h"
#include "../i18n.h"

/* Up to two objects matching tmpl: *count says whether there were none,
 * one, or more; *first is the first. */
static int find(struct kesu_p11 *p, CK_ATTRIBUTE *tmpl, CK_ULONG n, CK_OBJECT_HANDLE *first,
		CK_ULONG *count, char *err, size_t errsize)
{
	CK_OBJECT_HANDLE h[2];
	*count = 0;
	CK_RV rv = p->f->C_FindObjectsInit(p->session, tmpl, n);
	if (rv == CKR_OK) {
		rv = p->f->C_FindObjects(p->session, h, 2, count);
		p->f->C_FindObjectsFinal(p->session);
	}
	if (rv != CKR_OK)
		return snprintf(err, errsize, _("PKCS#11 token \"%s\": C_FindObjects: %s"), p->label,
				p11_kit_strerror(rv)),
		       -EIO;
	if (*count)
		*first = h[0];
	return 0;
}

/* The key's type, CKA_ID and CKA_ALWAYS_AUTHENTICATE (absent: false). */
static int key_attrs(struct kesu_p11 *p, char *err, size_t errsize)
{
	CK_KEY_TYPE type = 0;
	CK_BBOOL always = CK_FALSE;
	CK_ATTRIBUTE a_type = {CKA_KEY_TYPE, &type, sizeof(type)};
	CK_ATTRIBUTE a_id = {CKA_ID, p->id, sizeof(p->id)};
	CK_ATTRIBUTE a_always = {CKA_ALWAYS_AUTHENTICATE, &always, sizeof(always)};
	if (p->f->C_GetAttributeValue(p->session, p->key, &a_type, 1) != CKR_OK ||
	    (type != CKK_EC && type != CKK_RSA))
		return snprintf(err, errsize,
				_("PKCS#11 token \"%s\": the key is neither an EC nor an RSA key"),
				p->label),
		       -KESU_EPARSE;
	p->key_type = type;
	if (p->f->C_GetAttributeValue(p->session, p->key, &a_id, 1) == CKR_OK &&
	    a_id.ulValueLen != CK_UNAVAILABLE_INFORMATION)
		p->id_len = a_id.ulValueLen;
	p->always_auth = p->f->C_GetAttributeValue(p->session, p->key, &a_always, 1) == CKR_OK &&
			 always == CK_TRUE;
	return 0;
}

int Kesu_p11_find_key(struct kesu_p11 *p, P11KitUri *uri, char *err, size_t errsize)
{
	CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
	CK_ATTRIBUTE tmpl[3] = {{CKA_CLASS, &cls, sizeof(cls)}}, *a;
	CK_ULONG n = 1, count = 0;
	a = p11_kit_uri_get_attribute(uri, CKA_CLASS);
	if (a && (a->ulValueLen != sizeof(cls) || *(CK_OBJECT_CLASS *)a->pValue != cls))
		return snprintf(err, errsize, _("the PKCS#11 URI names an object that is not a "
					      "private key (type=private)")),
		       -KESU_EPARSE;
	if ((a = p11_kit_uri_get_attribute(uri, CKA_LABEL)))
		tmpl[n++] = *a;
	if ((a = p11_kit_uri_get_attribute(uri, CKA_ID)))
		tmpl[n++] = *a;
	int rc = find(p, tmpl, n, &p->key, &count, err, errsize);
	if (rc < 0)
		return rc;
	if (count == 0)
		return snprintf(err, errsize,
				_("PKCS#11 token \"%s\" has no private key that the URI names "
				"(object=, id=)"),
				p->label),
		       -KESU_ENOTFOUND;
	if (count > 1)
		return snprintf(err, errsize,
				_("the PKCS#11 URI names several private keys on token \"%s\": add "
				"object=LABEL or id=ID"),
				p->label),
		       -KESU_EPARSE;
	return key_attrs(p, err, errsize);
}

/* CKA_VALUE of a certificate object, as an X509. */
static X509 *cert_value(struct kesu_p11 *p, CK_OBJECT_HANDLE o)
{
	CK_ATTRIBUTE a = {CKA_VALUE, NULL, 0};
	if (p->f->C_GetAttributeValue(p->session, o, &a, 1) != CKR_OK ||
	    a.ulValueLen == CK_UNAVAILABLE_INFORMATION || a.ulValueLen == 0 ||
	    a.ulValueLen > (1ul << 20))
		return NULL;
	unsigned char *der = malloc(a.ulValueLen);
	a.pValue = der;
	X509 *x = NULL;
	if (der && p->f->C_GetAttributeValue(p->session, o, &a, 1) == CKR_OK) {
		const unsigned char *q = der;
		x = d2i_X509(NULL, &q, (long)a.ulValueLen);
		ERR_clear_error();
	}
	free(der);
	return x;
}

int Kesu_p11_find_cert(struct kesu_p11 *p, X509 **cert, char *err, size_t errsize)
{
	CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
	CK_CERTIFICATE_TYPE type = CKC_X_509;
	CK_ATTRIBUTE tmpl[3] = {{CKA_CLASS, &cls, sizeof(cls)},
				{CKA_CERTIFICATE_TYPE, &type, sizeof(type)},
				{CKA_ID, p->id, p->id_len}};
	CK_OBJECT_HANDLE o = 0;
	CK_ULONG count = 0;
	*cert = NULL;
	if (p->id_len == 0)
		return -KESU_ENOTFOUND; /* nothing to tie a certificate to the key */
	int rc = find(p, tmpl, 3, &o, &count, err, errsize);
	if (rc < 0 || count == 0)
		return rc < 0 ? rc : -KESU_ENOTFOUND;
	*cert = cert_value(p, o);
	if (!*cert)
		return snprintf(err, errsize,
				_("PKCS#11 token \"%s\": the key's certificate object is not an "
				"X.509 certificate"),
				p->label),
		       -KESU_EPARSE;
	return 0;
}

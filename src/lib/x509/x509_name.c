/* Subject names and the extensions of a signer's certificate
 * (x509_internal.h). Names are UTF8String, so a Japanese name is kept as
 * it is written; text that a reader could be misled by (control
 * characters, bidirectional overrides) never goes in. */
#include <errno.h>
#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "utf8.h"
#include "x509_internal.h"
#include "../i18n.h"

/* One attribute's text: valid UTF-8, no control characters, not too long
 * in bytes (OpenSSL counts the characters). */
static int attr_check(const char *what, const char *text, char *err, size_t errsize)
{
	size_t n = strlen(text);
	if (n > KESU_X509_NAME_MAX)
		return snprintf(err, errsize, _("the %s is longer than %d bytes"), what,
				KESU_X509_NAME_MAX),
		       -KESU_EPARSE;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = Kesu_utf8_decode((const unsigned char *)text + i, n - i, &cp);
		if (k == 0)
			return snprintf(err, errsize, _("the %s is not valid UTF-8 (byte %zu)"), what,
					i + 1),
			       -KESU_EPARSE;
		if (Kesu_utf8_is_control(cp))
			return snprintf(err, errsize, _("the %s has a control character (U+%04X)"),
					what, cp),
			       -KESU_EPARSE;
		i += k;
	}
	return 0;
}

static int add_attr(X509_NAME *name, int nid, const char *what, const char *text, char *err,
		    size_t errsize)
{
	if (!*text)
		return 0; /* left out */
	int rc = attr_check(what, text, err, errsize);
	if (rc < 0)
		return rc;
	if (X509_NAME_add_entry_by_NID(name, nid, MBSTRING_UTF8, (const unsigned char *)text, -1,
				       -1, 0))
		return 0;
	unsigned long e = ERR_peek_last_error();
	ERR_clear_error();
	if (ERR_GET_REASON(e) == ASN1_R_STRING_TOO_LONG)
		return snprintf(err, errsize, _("the %s is longer than 64 characters"), what),
		       -KESU_EPARSE;
	return snprintf(err, errsize, _("the %s cannot go into a certificate"), what), -KESU_EPARSE;
}

int Kesu_x509_subject_name(const struct kesu_x509_subject *s, X509_NAME **name, char *err,
			   size_t errsize)
{
	*name = X509_NAME_new();
	if (!*name)
		return snprintf(err, errsize, "%s", strerror(ENOMEM)), -ENOMEM;
	int rc = s->common_name[0] ? 0 : -KESU_EPARSE;
	if (rc < 0)
		snprintf(err, errsize, _("the certificate needs a common name (the holder's name)"));
	/* Most general first, as X.501 orders a name. */
	if (rc == 0)
		rc = add_attr(*name, NID_organizationName, "organisation", s->organisation, err,
			      errsize);
	if (rc == 0)
		rc = add_attr(*name, NID_organizationalUnitName, "department", s->unit, err,
			      errsize);
	if (rc == 0)
		rc = add_attr(*name, NID_title, "title", s->title, err, errsize);
	if (rc == 0)
		rc = add_attr(*name, NID_commonName, "common name", s->common_name, err, errsize);
	if (rc < 0) {
		X509_NAME_free(*name);
		*name = NULL;
	}
	return rc;
}

int kesu_x509_subject_check(const struct kesu_x509_subject *subject, char *why, size_t whysize)
{
	X509_NAME *name = NULL;
	int rc = Kesu_x509_subject_name(subject, &name, why, whysize);
	X509_NAME_free(name);
	return rc;
}

void Kesu_x509_name_line(const X509_NAME *name, char *buf, size_t size)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data = NULL;
	long len = 0;
	/* RFC 2253 with UTF-8 kept as it is (no \XX escapes for it), and
	 * control characters escaped. */
	if (bio && X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
		len = BIO_get_mem_data(bio, &data);
	snprintf(buf, size, "%.*s", len > 0 ? (int)len : 0, len > 0 ? data : "");
	BIO_free(bio);
}

static int push_ext(STACK_OF(X509_EXTENSION) *exts, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, nid, value);
	if (ext && sk_X509_EXTENSION_push(exts, ext))
		return 0;
	X509_EXTENSION_free(ext);
	return -ENOMEM;
}

STACK_OF(X509_EXTENSION) *Kesu_x509_signer_exts(void)
{
	STACK_OF(X509_EXTENSION) *exts = sk_X509_EXTENSION_new_null();
	/* A signer, not a CA: digital signatures on documents, nothing else. */
	if (!exts || push_ext(exts, NID_basic_constraints, "critical,CA:FALSE") < 0 ||
	    push_ext(exts, NID_key_usage, "critical,digitalSignature,nonRepudiation") < 0) {
		sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
		return NULL;
	}
	return exts;
}

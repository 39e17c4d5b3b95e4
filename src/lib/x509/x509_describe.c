/* What a certificate says, for people and for the ledger (kesu/x509.h).
 * A certificate can come from anyone: its names are cleaned of bytes that
 * are not UTF-8 and of characters a terminal or a reader could be misled
 * by before anything shows them. */
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "signer.h"
#include "utf8.h"
#include "x509_internal.h"

/* Invalid UTF-8 and control characters become '?', in place. */
static void clean_text(char *s)
{
	size_t n = strlen(s), out = 0;
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = Kesu_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		if (k == 0 || Kesu_utf8_is_control(cp)) {
			s[out++] = '?';
			i += k ? k : 1;
			continue;
		}
		memmove(s + out, s + i, k);
		out += k;
		i += k;
	}
	s[out] = '\0';
}

static void time_utc(const ASN1_TIME *t, char buf[32])
{
	struct tm tm;
	if (!t || !ASN1_TIME_to_tm(t, &tm) || !strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		buf[0] = '\0';
}

static void common_name(const X509_NAME *name, char *buf, size_t size)
{
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	const ASN1_STRING *s = i >= 0 ? X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))
				      : NULL;
	unsigned char *utf8 = NULL;
	int n = s ? ASN1_STRING_to_UTF8(&utf8, s) : -1;
	snprintf(buf, size, "%.*s", n > 0 ? n : 0, n > 0 ? (const char *)utf8 : "");
	OPENSSL_free(utf8);
	clean_text(buf);
}

static void serial_hex(X509 *cert, char *buf, size_t size)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	snprintf(buf, size, "%s", hex ? hex : "");
	OPENSSL_free(hex);
	BN_free(bn);
}

static void sha256_hex(X509 *cert, char buf[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	buf[0] = '\0';
	if (X509_digest(cert, EVP_sha256(), md, &n) && n == 32)
		for (unsigned i = 0; i < n; i++)
			snprintf(buf + 2 * i, 3, "%02x", md[i]);
}

void Kesu_x509_describe(X509 *cert, struct kesu_x509_info *info)
{
	memset(info, 0, sizeof(*info));
	Kesu_x509_name_line(X509_get_subject_name(cert), info->subject, sizeof(info->subject));
	clean_text(info->subject);
	common_name(X509_get_subject_name(cert), info->common_name, sizeof(info->common_name));
	Kesu_x509_name_line(X509_get_issuer_name(cert), info->issuer, sizeof(info->issuer));
	clean_text(info->issuer);
	serial_hex(cert, info->serial, sizeof(info->serial));
	sha256_hex(cert, info->sha256);
	time_utc(X509_get0_notBefore(cert), info->not_before_utc);
	time_utc(X509_get0_notAfter(cert), info->not_after_utc);
	const EVP_PKEY *pkey = X509_get0_pubkey(cert);
	if (pkey)
		Kesu_x509_key_alg(pkey, info->algorithm, sizeof(info->algorithm));
	info->self_signed = X509_self_signed(cert, 1) == 1;
	ERR_clear_error();
}

int kesu_x509_cert_describe(const char *cert_path, struct kesu_x509_info *info, char *err,
			    size_t errsize)
{
	STACK_OF(X509) *certs = NULL;
	int rc = Kesu_x509_load_certs(cert_path, &certs, err, errsize);
	if (rc == 0)
		Kesu_x509_describe(sk_X509_value(certs, 0), info);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

int kesu_x509_cert_describe_mem(const void *data, size_t len, struct kesu_x509_info *info)
{
	STACK_OF(X509) *certs = NULL;
	int rc = Kesu_x509_parse_certs(data, len, &certs);
	if (rc == 0)
		Kesu_x509_describe(sk_X509_value(certs, 0), info);
	sk_X509_pop_free(certs, X509_free);
	return rc;
}

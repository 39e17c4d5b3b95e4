/* The CMS side of PAdES (src/lib/pades/cms.h): signatures made with keys
 * and certificates that openssl makes here (tests/integration/lib_pki.sh)
 * verify; a changed digest, a changed signature value and an untrusted
 * anchor each fail their own check; the signed attributes are the ones
 * PAdES wants (no signing-time, signing-certificate-v2); openssl itself
 * accepts the result; timestamp tokens from `openssl ts -reply` verify as
 * document timestamps; an unreachable TSA gives one line in time.
 *
 * Suite tsa_live runs only with TSA_URL (and TSA_PKI, TSA_OUT) set, by
 * tests/integration/test_tsa.sh, against tests/tsa/tsa_server.py. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cms.h"
#include "kesu/error.h"
#include "kesu/x509.h"

#define LIB_PKI KESU_FIXTURES "/../integration/lib_pki.sh"

static char dir[64];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Runs shell text in dir with lib_pki.sh's functions; 0 when it held. */
static int pki(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int pki(const char *fmt, ...)
{
	char script[2048], cmd[2600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(script, sizeof(script), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "cd '%s' && bash -c '. \"%s\" && set -e && %s' >/dev/null 2>&1",
		 dir, LIB_PKI, script);
	return system(cmd);
}

/* The test PKI, an ECDSA signer "Station One" issued by the test CA, and a
 * self-signed one "Lone Station". */
static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-cms.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(pki("pki_make . && "
			 "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key && "
			 "pki_issue . \"Station One\" ec.key ec.crt && "
			 "pki_issue . \"Foreign Station\" ec.key foreign.crt other && "
			 "openssl req -x509 -key ec.key -subj \"/CN=Lone Station\" -days 30 -out lone.crt "
			 "-addext keyUsage=critical,digitalSignature,nonRepudiation "
			 "-addext basicConstraints=CA:FALSE"),
		     0, "making the test PKI failed");
}

static void teardown(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(cms, .init = setup, .fini = teardown);

static char *path(const char *name)
{
	static char buf[4][128];
	static int next;
	char *p = buf[next++ % 4];
	snprintf(p, sizeof(buf[0]), "%s/%s", dir, name);
	return p;
}

static struct kesu_signer *open_signer(const char *key, const char *crt)
{
	char err[KESU_ERRMSG_MAX] = "";
	struct kesu_signer *s = NULL;
	int rc = kesu_signer_open_files(path(key), path(crt), NULL, &s, err, sizeof(err));
	cr_assert_eq(rc, 0, "open signer: %s", err);
	return s;
}

/* Anchors from the PEM files named (NULL-terminated). */
static struct kesu_x509_anchors *anchors_of(const char *first, ...)
{
	char err[KESU_ERRMSG_MAX] = "";
	struct kesu_x509_anchors *a = kesu_x509_anchors_new();
	cr_assert_not_null(a);
	va_list ap;
	va_start(ap, first);
	for (const char *f = first; f; f = va_arg(ap, const char *))
		cr_assert_eq(kesu_x509_anchors_add_file(a, path(f), NULL, NULL, err, sizeof(err)), 0,
			     "anchor %s: %s", f, err);
	va_end(ap);
	return a;
}

static void sha256(const void *data, size_t len, unsigned char md[32])
{
	cr_assert(EVP_Digest(data, len, md, NULL, EVP_sha256(), NULL));
}

#define DOCUMENT "%PDF-1.7 bytes of a certificate, less its /Contents"

static unsigned char *sign(struct kesu_signer *s, const unsigned char md[32], size_t *len)
{
	char err[KESU_ERRMSG_MAX] = "";
	unsigned char *der = NULL;
	int rc = Kesu_cms_sign(s, md, NULL, 0, &der, len, err, sizeof(err));
	cr_assert_eq(rc, 0, "sign: %s", err);
	cr_assert(der && *len > 100);
	return der;
}

static CMS_SignerInfo *only_signer(CMS_ContentInfo **cms, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	*cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	cr_assert_not_null(*cms);
	cr_assert_eq(sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(*cms)), 1);
	return sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(*cms), 0);
}

/* Signs DOCUMENT with key/crt and verifies it against the anchor file. */
static void sign_and_verify(const char *key, const char *crt, const char *anchor,
			    const char *want_cn, int want_sig_nid)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer(key, crt);
	unsigned char *der = sign(s, md, &len);
	struct kesu_x509_anchors *a = anchors_of(anchor, NULL);
	int rc = Kesu_cms_verify(der, len, md, a, time(NULL), &c);
	cr_assert_eq(rc, 0, "verify: %s", c.msg);
	cr_assert(c.parsed && c.digest_ok && c.signature_ok && c.cert_binding_ok && c.chain_ok);
	cr_assert(!c.has_timestamp && !c.timestamp_ok);
	cr_assert_str_eq(c.signer.common_name, want_cn);
	cr_assert_str_eq(c.msg, "");

	CMS_ContentInfo *cms;
	CMS_SignerInfo *si = only_signer(&cms, der, len);
	X509_ALGOR *dig, *sig;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &sig);
	cr_assert_eq(OBJ_obj2nid(dig->algorithm), NID_sha256);
	cr_assert_eq(OBJ_obj2nid(sig->algorithm), want_sig_nid, "signatureAlgorithm %s",
		     OBJ_nid2sn(OBJ_obj2nid(sig->algorithm)));
	cr_assert_null(*CMS_get0_content(cms), "the CMS must be detached");
	CMS_ContentInfo_free(cms);
	kesu_x509_anchors_free(a);
	kesu_signer_close(s);
	free(der);
}

Test(cms, ecdsa_signature_verifies)
{
	sign_and_verify("ec.key", "ec.crt", "ca.pem", "Station One", NID_ecdsa_with_SHA256);
}

Test(cms, rsa3072_signature_verifies, .timeout = 60)
{
	cr_assert_eq(pki("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out rsa.key && "
			 "pki_issue . \"RSA Station\" rsa.key rsa.crt"),
		     0);
	sign_and_verify("rsa.key", "rsa.crt", "ca.pem", "RSA Station", NID_rsaEncryption);
}

Test(cms, self_signed_certificate_is_its_own_anchor)
{
	sign_and_verify("ec.key", "lone.crt", "lone.crt", "Lone Station", NID_ecdsa_with_SHA256);
}

Test(cms, anchor_is_named)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = sign(s, md, &len);
	struct kesu_x509_anchors *a = anchors_of("other.pem", "ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify(der, len, md, a, time(NULL), &c), 0, "%s", c.msg);
	cr_assert_str_eq(c.anchor_name, "kesu test CA");
	cr_assert_str_eq(c.anchor_role, "");
	kesu_x509_anchors_free(a);
	kesu_signer_close(s);
	free(der);
}

/* PAdES (ETSI EN 319 142-1 5.1, 6.3): content-type, message-digest and
 * signing-certificate-v2 signed; no signing-time (the dictionary's /M). */
Test(cms, signed_attributes_are_pades_ones)
{
	unsigned char md[32];
	size_t len;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = sign(s, md, &len);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si = only_signer(&cms, der, len);
	cr_assert_eq(CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1), -1,
		     "signing-time must be absent");
	cr_assert_geq(CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1), 0);
	cr_assert_eq(CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificate, -1), -1);
	cr_assert_geq(CMS_signed_get_attr_by_NID(si, NID_pkcs9_contentType, -1), 0);
	cr_assert_geq(CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1), 0);
	cr_assert_eq(CMS_signed_get_attr_by_NID(si, NID_SMIMECapabilities, -1), -1);
	cr_assert_eq(CMS_signed_get_attr_count(si), 3);
	ASN1_OCTET_STRING *got = CMS_signed_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING);
	cr_assert(got && ASN1_STRING_length(got) == 32 &&
		  !memcmp(ASN1_STRING_get0_data(got), md, 32));
	cr_assert_eq(CMS_unsigned_get_attr_count(si), -1, "B-B has no unsigned attributes");
	CMS_ContentInfo_free(cms);
	kesu_signer_close(s);
	free(der);
}

/* openssl itself checks the detached signature over the document's bytes,
 * the chain and the signed attributes' encoding. */
Test(cms, openssl_cms_verify_accepts_it)
{
	unsigned char md[32];
	size_t len;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = sign(s, md, &len);
	FILE *f = fopen(path("sig.der"), "wb");
	cr_assert(f && fwrite(der, 1, len, f) == len && fclose(f) == 0);
	f = fopen(path("doc"), "wb");
	cr_assert(f && fputs(DOCUMENT, f) >= 0 && fclose(f) == 0);
	cr_assert_eq(pki("openssl cms -verify -binary -inform DER -in sig.der -content doc "
			 "-CAfile ca.pem -purpose any -out /dev/null"),
		     0, "openssl cms -verify refused the signature");
	/* and refuses it for other bytes */
	f = fopen(path("doc"), "ab");
	cr_assert(f && fputs("!", f) >= 0 && fclose(f) == 0);
	cr_assert_neq(pki("openssl cms -verify -binary -inform DER -in sig.der -content doc "
			  "-CAfile ca.pem -purpose any -out /dev/null"),
		      0);
	kesu_signer_close(s);
	free(der);
}

Test(cms, other_digest_fails_digest_check)
{
	unsigned char md[32], other[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	memcpy(other, md, 32);
	other[31] ^= 1;
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = sign(s, md, &len);
	struct kesu_x509_anchors *a = anchors_of("ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify(der, len, other, a, time(NULL), &c), -KESU_EVERIFY);
	cr_assert(c.parsed && !c.digest_ok);
	cr_assert(c.signature_ok && c.cert_binding_ok && c.chain_ok, "only the digest differs");
	cr_assert_str_eq(c.msg, "the signed digest is not the document's: the signed bytes changed");
	kesu_x509_anchors_free(a);
	kesu_signer_close(s);
	free(der);
}

/* The signature value's last byte changed in the DER itself. */
Test(cms, changed_signature_value_fails_signature_check)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = sign(s, md, &len);
	CMS_ContentInfo *cms;
	CMS_SignerInfo *si = only_signer(&cms, der, len);
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	unsigned char *at = memmem(der, len, ASN1_STRING_get0_data(sig),
				   (size_t)ASN1_STRING_length(sig));
	cr_assert_not_null(at);
	at[ASN1_STRING_length(sig) - 1] ^= 0x01; /* the ECDSA s value's last byte */
	CMS_ContentInfo_free(cms);
	struct kesu_x509_anchors *a = anchors_of("ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify(der, len, md, a, time(NULL), &c), -KESU_EVERIFY);
	cr_assert(c.parsed && c.digest_ok && c.cert_binding_ok && c.chain_ok);
	cr_assert(!c.signature_ok);
	cr_assert_str_eq(c.msg, "the signature does not hold for the signer's key");
	kesu_x509_anchors_free(a);
	kesu_signer_close(s);
	free(der);
}

Test(cms, untrusted_anchor_fails_chain_check)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "foreign.crt");
	unsigned char *der = sign(s, md, &len);
	struct kesu_x509_anchors *a = anchors_of("ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify(der, len, md, a, time(NULL), &c), -KESU_EVERIFY);
	cr_assert(c.parsed && c.digest_ok && c.signature_ok && c.cert_binding_ok);
	cr_assert(!c.chain_ok);
	cr_assert_str_eq(c.signer.common_name, "Foreign Station");
	cr_assert(strstr(c.msg, "the signer's certificate does not chain to a trust anchor at "),
		  "%s", c.msg);
	cr_assert(strstr(c.msg, "unable to get local issuer certificate"), "%s", c.msg);
	cr_assert_str_eq(c.anchor_name, "");
	kesu_x509_anchors_free(a);
	kesu_signer_close(s);
	free(der);
}

/* Two certificates for the same key with the same issuer and serial
 * (so either answers the SignerInfo's issuerAndSerialNumber), told apart
 * only by their validity: the signature is made with the first, then the
 * second is put in its place. signing-certificate-v2 holds the first's
 * hash, so the binding fails while the signature over the attributes,
 * made by the same key, still holds. */
Test(cms, swapped_certificate_fails_binding_check)
{
	unsigned char md[32];
	size_t len, alen, blen;
	struct kesu_cms_check c;
	cr_assert_eq(pki("openssl req -new -key ec.key -subj \"/CN=Twin\" -out twin.csr && "
			 "openssl x509 -req -in twin.csr -CA ca.pem -CAkey ca.key -set_serial 0x42 "
			 "-days 300 -out a.crt && "
			 "openssl x509 -in a.crt -outform DER -out a.der && "
			 /* ECDSA signatures vary in length: retry until b's DER is
			  * as long as a's, so it can replace it in place */
			 "for i in $(seq 40); do "
			 "openssl x509 -req -in twin.csr -CA ca.pem -CAkey ca.key -set_serial 0x42 "
			 "-days 200 -out b.crt && "
			 "openssl x509 -in b.crt -outform DER -out b.der && "
			 "[ $(wc -c <a.der) = $(wc -c <b.der) ] && break; done"),
		     0);
	unsigned char a[4096], b[4096];
	FILE *f = fopen(path("a.der"), "rb");
	cr_assert(f && (alen = fread(a, 1, sizeof(a), f)) > 0 && fclose(f) == 0);
	f = fopen(path("b.der"), "rb");
	cr_assert(f && (blen = fread(b, 1, sizeof(b), f)) > 0 && fclose(f) == 0);
	cr_assert_eq(alen, blen, "the twins' DER must be as long");

	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "a.crt");
	unsigned char *der = sign(s, md, &len);
	unsigned char *at = memmem(der, len, a, alen);
	cr_assert_not_null(at);
	memcpy(at, b, blen);
	struct kesu_x509_anchors *an = anchors_of("ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify(der, len, md, an, time(NULL), &c), -KESU_EVERIFY);
	cr_assert(c.digest_ok && c.signature_ok && c.chain_ok);
	cr_assert(!c.cert_binding_ok);
	cr_assert_str_eq(c.msg, "the signing-certificate-v2 attribute does not name the signer's "
				"certificate");
	kesu_x509_anchors_free(an);
	kesu_signer_close(s);
	free(der);
}

Test(cms, expired_at_now_fails_chain_check)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = sign(s, md, &len);
	struct kesu_x509_anchors *a = anchors_of("ca.pem", NULL);
	time_t later = time(NULL) + 400L * 86400; /* the certificate is for 365 days */
	cr_assert_eq(Kesu_cms_verify(der, len, md, a, later, &c), -KESU_EVERIFY);
	cr_assert(!c.chain_ok && c.signature_ok);
	cr_assert(strstr(c.msg, "certificate has expired"), "%s", c.msg);
	kesu_x509_anchors_free(a);
	kesu_signer_close(s);
	free(der);
}

Test(cms, no_anchors_is_said)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = sign(s, md, &len);
	cr_assert_eq(Kesu_cms_verify(der, len, md, NULL, time(NULL), &c), -KESU_EVERIFY);
	cr_assert(c.digest_ok && c.signature_ok && c.cert_binding_ok && !c.chain_ok);
	cr_assert_str_eq(c.msg, "no trust anchor was given: the signer's certificate was not "
				"checked");
	kesu_signer_close(s);
	free(der);
}

/* A PDF's /Contents is zero-padded hex: trailing zeros are not an error,
 * anything else after the DER is. */
Test(cms, padding_zeros_pass_other_bytes_do_not)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = sign(s, md, &len);
	unsigned char *padded = calloc(1, len + 500);
	memcpy(padded, der, len);
	struct kesu_x509_anchors *a = anchors_of("ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify(padded, len + 500, md, a, time(NULL), &c), 0, "%s", c.msg);
	padded[len + 10] = 'x';
	cr_assert_eq(Kesu_cms_verify(padded, len + 500, md, a, time(NULL), &c), -KESU_EPARSE);
	cr_assert(!c.parsed);
	cr_assert_str_eq(c.msg, "the signature is not a CMS SignedData");
	cr_assert_eq(Kesu_cms_verify((const unsigned char *)"garbage", 7, md, a, time(NULL), &c),
		     -KESU_EPARSE);
	kesu_x509_anchors_free(a);
	kesu_signer_close(s);
	free(padded);
	free(der);
}

/* A token from `openssl ts -reply` (the test TSA's key and certificate) for
 * a SHA-256 digest, read into *der. */
static unsigned char *openssl_token(const unsigned char md[32], size_t *len)
{
	char hex[65];
	for (int i = 0; i < 32; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	cr_assert_eq(pki("openssl ts -query -digest %s -sha256 -cert -out q.tsq && "
			 "openssl ts -reply -config tsa.cnf -queryfile q.tsq -token_out -out token.der",
			 hex),
		     0);
	FILE *f = fopen(path("token.der"), "rb");
	cr_assert_not_null(f);
	unsigned char *buf = malloc(65536);
	*len = fread(buf, 1, 65536, f);
	fclose(f);
	cr_assert_gt(*len, 100);
	return buf;
}

Test(cms, document_timestamp_verifies)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	unsigned char *tok = openssl_token(md, &len);
	struct kesu_x509_anchors *a = anchors_of("ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify_timestamp(tok, len, md, a, time(NULL), &c), 0, "%s", c.msg);
	cr_assert(c.parsed && c.digest_ok && c.signature_ok && c.cert_binding_ok && c.chain_ok);
	cr_assert(c.has_timestamp && c.timestamp_ok);
	cr_assert_str_eq(c.signer.common_name, "kesu test TSA");
	cr_assert_str_eq(c.tsa.common_name, "kesu test TSA");
	cr_assert_str_eq(c.anchor_name, "kesu test CA");
	cr_assert_eq(strlen(c.timestamp_utc), 20, "%s", c.timestamp_utc);
	cr_assert_eq(c.timestamp_utc[19], 'Z');
	kesu_x509_anchors_free(a);
	free(tok);
}

Test(cms, document_timestamp_for_other_data_fails)
{
	unsigned char md[32], other[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	memcpy(other, md, 32);
	other[0] ^= 0x80;
	unsigned char *tok = openssl_token(md, &len);
	struct kesu_x509_anchors *a = anchors_of("ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify_timestamp(tok, len, other, a, time(NULL), &c), -KESU_EVERIFY);
	cr_assert(!c.digest_ok && c.signature_ok && c.chain_ok && !c.timestamp_ok);
	cr_assert_str_eq(c.msg, "the timestamp is for other data (its imprint differs)");
	kesu_x509_anchors_free(a);
	free(tok);
}

Test(cms, document_timestamp_from_untrusted_tsa_fails)
{
	unsigned char md[32];
	size_t len;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	unsigned char *tok = openssl_token(md, &len);
	struct kesu_x509_anchors *a = anchors_of("other.pem", NULL);
	cr_assert_eq(Kesu_cms_verify_timestamp(tok, len, md, a, time(NULL), &c), -KESU_EVERIFY);
	cr_assert(c.digest_ok && c.signature_ok && !c.chain_ok && !c.timestamp_ok);
	cr_assert(strstr(c.msg, "the TSA's certificate does not chain to a trust anchor"), "%s",
		  c.msg);
	kesu_x509_anchors_free(a);
	free(tok);
}

/* A port nothing listens on: bound, then closed. */
static int closed_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	close(fd);
	return ntohs(a.sin_port);
}

Test(cms, unreachable_tsa_is_one_line_in_time)
{
	char url[64], err[KESU_ERRMSG_MAX] = "", want[128];
	unsigned char md[32] = {1}, *tok = (unsigned char *)"x";
	size_t len = 7;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/tsa", closed_port());
	time_t t0 = time(NULL);
	int rc = Kesu_tsa_token(url, 5, md, &tok, &len, err, sizeof(err));
	cr_assert_eq(rc, -EHOSTUNREACH, "%d: %s", rc, err);
	cr_assert_leq(time(NULL) - t0, 5);
	cr_assert(tok == NULL && len == 0);
	snprintf(want, sizeof(want), "timestamp authority %s: cannot connect: ", url);
	cr_assert_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
	cr_assert_null(strchr(err, '\n'));

	/* the signature is not made without its timestamp */
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	unsigned char *der = (unsigned char *)"x";
	rc = Kesu_cms_sign(s, md, url, 5, &der, &len, err, sizeof(err));
	cr_assert_eq(rc, -EHOSTUNREACH);
	cr_assert(der == NULL && len == 0);
	cr_assert_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
	kesu_signer_close(s);
}

Test(cms, credentials_in_tsa_url_are_not_shown)
{
	char url[96], err[KESU_ERRMSG_MAX] = "";
	unsigned char md[32] = {1}, *tok;
	size_t len;
	snprintf(url, sizeof(url), "http://user:s3cret@127.0.0.1:%d/", closed_port());
	cr_assert_eq(Kesu_tsa_token(url, 5, md, &tok, &len, err, sizeof(err)), -EHOSTUNREACH);
	cr_assert_null(strstr(err, "s3cret"), "%s", err);
	cr_assert_null(strstr(err, "user"), "%s", err);
}

/* ---- against the test TSA (tests/integration/test_tsa.sh) ---- */

static const char *live(const char *name)
{
	const char *v = getenv(name);
	if (!getenv("TSA_URL") || !*getenv("TSA_URL"))
		cr_skip_test("TSA_URL is not set (tests/integration/test_tsa.sh sets it)");
	cr_assert(v && *v, "%s is not set", name);
	return v;
}

/* TSA_URL with a path of tsa_server.py's (its wrong answers). */
static const char *live_url(const char *suffix)
{
	static char url[512];
	const char *base = live("TSA_URL");
	snprintf(url, sizeof(url), "%s%s%s", base,
		 base[strlen(base) - 1] == '/' || !*suffix ? "" : "/", suffix);
	return url;
}

/* The PKI only when the tests will run: without TSA_URL they skip. */
static void live_setup(void)
{
	dir[0] = '\0';
	if (getenv("TSA_URL") && *getenv("TSA_URL"))
		setup();
}

static void live_teardown(void)
{
	if (dir[0])
		teardown();
}

TestSuite(tsa_live, .init = live_setup, .fini = live_teardown);

static void write_file(const char *dirpath, const char *name, const void *data, size_t len)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", dirpath, name);
	FILE *f = fopen(p, "wb");
	cr_assert(f && fwrite(data, 1, len, f) == len && fclose(f) == 0, "%s", p);
}

static void write_hex(const char *dirpath, const char *name, const unsigned char *md, size_t n)
{
	char hex[2 * EVP_MAX_MD_SIZE + 2];
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	strcat(hex, "\n");
	write_file(dirpath, name, hex, strlen(hex));
}

/* The anchors for the live TSA: the test CA of $TSA_PKI. */
static struct kesu_x509_anchors *live_anchors(void)
{
	char ca[512], err[KESU_ERRMSG_MAX] = "";
	snprintf(ca, sizeof(ca), "%s/ca.pem", live("TSA_PKI"));
	struct kesu_x509_anchors *a = kesu_x509_anchors_new();
	cr_assert_eq(kesu_x509_anchors_add_file(a, ca, NULL, NULL, err, sizeof(err)), 0, "%s", err);
	return a;
}

/* A token over SHA-256 of "kesu tsa test", saved as $TSA_OUT/token.der
 * (with its digest in token.digest) for `openssl ts -verify`. */
Test(tsa_live, token_verifies)
{
	const char *out = live("TSA_OUT");
	char err[KESU_ERRMSG_MAX] = "";
	unsigned char md[32], *tok = NULL;
	size_t len = 0;
	struct kesu_cms_check c;
	sha256("kesu tsa test", 13, md);
	int rc = Kesu_tsa_token(live_url(""), 10, md, &tok, &len, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);
	write_file(out, "token.der", tok, len);
	write_hex(out, "token.digest", md, 32);
	struct kesu_x509_anchors *a = live_anchors();
	cr_assert_eq(Kesu_cms_verify_timestamp(tok, len, md, a, time(NULL), &c), 0, "%s", c.msg);
	cr_assert_str_eq(c.tsa.common_name, "kesu test TSA");
	kesu_x509_anchors_free(a);
	free(tok);
}

/* B-T: the signature carries a token over its signature value. Saves
 * bt.der and bt.doc (openssl cms -verify), bt.token and bt.token.digest
 * (openssl ts -verify). */
Test(tsa_live, signature_with_timestamp_verifies)
{
	const char *out = live("TSA_OUT");
	char err[KESU_ERRMSG_MAX] = "";
	unsigned char md[32], *der = NULL;
	size_t len = 0;
	struct kesu_cms_check c;
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "ec.crt");
	int rc = Kesu_cms_sign(s, md, live_url(""), 10, &der, &len, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);
	write_file(out, "bt.der", der, len);
	write_file(out, "bt.doc", DOCUMENT, strlen(DOCUMENT));

	/* Both PKIs have a "kesu test CA": the signer's is this test's. */
	struct kesu_x509_anchors *a = anchors_of("ca.pem", NULL);
	char ca[512];
	snprintf(ca, sizeof(ca), "%s/ca.pem", live("TSA_PKI"));
	cr_assert_eq(kesu_x509_anchors_add_file(a, ca, NULL, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(Kesu_cms_verify(der, len, md, a, time(NULL), &c), 0, "%s", c.msg);
	cr_assert(c.has_timestamp && c.timestamp_ok && c.chain_ok);
	cr_assert_str_eq(c.tsa.common_name, "kesu test TSA");
	cr_assert_str_eq(c.signer.common_name, "Station One");
	cr_assert_eq(strlen(c.timestamp_utc), 20, "%s", c.timestamp_utc);
	/* 400 days on, the signer's certificate (365 days) has expired, but
	 * the timestamp shows the signature was made while it was valid: the
	 * chain is checked at the timestamp's time. */
	cr_assert_eq(Kesu_cms_verify(der, len, md, a, time(NULL) + 400L * 86400, &c), 0, "%s",
		     c.msg);

	CMS_ContentInfo *cms;
	CMS_SignerInfo *si = only_signer(&cms, der, len);
	ASN1_STRING *tok = CMS_unsigned_get0_data_by_OBJ(
		si, OBJ_nid2obj(NID_id_smime_aa_timeStampToken), -3, V_ASN1_SEQUENCE);
	cr_assert_not_null(tok);
	write_file(out, "bt.token", ASN1_STRING_get0_data(tok), (size_t)ASN1_STRING_length(tok));
	ASN1_OCTET_STRING *sig = CMS_SignerInfo_get0_signature(si);
	unsigned char smd[32];
	sha256(ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig), smd);
	write_hex(out, "bt.token.digest", smd, 32);
	CMS_ContentInfo_free(cms);

	/* Without the TSA's CA the timestamp, and so the signature, fails. */
	kesu_x509_anchors_free(a);
	a = anchors_of("ca.pem", NULL);
	cr_assert_eq(Kesu_cms_verify(der, len, md, a, time(NULL), &c), -KESU_EVERIFY);
	cr_assert(c.has_timestamp && !c.timestamp_ok && c.chain_ok);
	cr_assert(strstr(c.msg, "signature timestamp: the TSA's certificate does not chain"), "%s",
		  c.msg);
	kesu_x509_anchors_free(a);
	kesu_signer_close(s);
	free(der);
}

/* A B-T signature by a certificate of $TSA_PKI's CA, for NSS (pdfsig's
 * library) to check in test_tsa.sh: $TSA_OUT/nss.der over bt.doc. */
Test(tsa_live, signature_for_nss)
{
	const char *out = live("TSA_OUT"), *ca_dir = live("TSA_PKI");
	char err[KESU_ERRMSG_MAX] = "";
	unsigned char md[32], *der = NULL;
	size_t len = 0;
	cr_assert_eq(pki("pki_issue \"%s\" \"NSS Station\" ec.key nss.crt", ca_dir), 0);
	sha256(DOCUMENT, strlen(DOCUMENT), md);
	struct kesu_signer *s = open_signer("ec.key", "nss.crt");
	int rc = Kesu_cms_sign(s, md, live_url(""), 10, &der, &len, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);
	write_file(out, "nss.der", der, len);
	write_file(out, "nss.doc", DOCUMENT, strlen(DOCUMENT));
	kesu_signer_close(s);
	free(der);
}

/* tsa_server.py's wrong answers, each one line with its own code. */
static void live_error(const char *suffix, long timeout, int want_rc, const char *want_msg)
{
	char err[KESU_ERRMSG_MAX] = "", want[640];
	unsigned char md[32] = {7}, *tok = NULL;
	size_t len = 0;
	const char *url = live_url(suffix);
	int rc = Kesu_tsa_token(url, timeout, md, &tok, &len, err, sizeof(err));
	cr_assert_eq(rc, want_rc, "%s: %d: %s", suffix, rc, err);
	cr_assert_null(tok);
	snprintf(want, sizeof(want), "timestamp authority %s: %s", url, want_msg);
	cr_assert_eq(strncmp(err, want, strlen(want)), 0, "%s", err);
	cr_assert_null(strchr(err, '\n'));
}

Test(tsa_live, wrong_answers_are_refused)
{
	live_error("garbage", 10, -KESU_EPARSE, "not a timestamp reply");
	live_error("huge", 10, -KESU_EPARSE, "not a timestamp reply (more than 64 KiB)");
	live_error("status500", 10, -EHOSTUNREACH, "HTTP 500");
	live_error("redirect", 10, -EHOSTUNREACH, "HTTP 302 (a redirect, not followed)");
	live_error("reject", 10, -KESU_EVERIFY,
		   "rejected the request: rejection, unsupported digest algorithm");
	live_error("othernonce", 10, -KESU_EVERIFY, "the token answers another request (nonce)");
	live_error("otherdigest", 10, -KESU_EVERIFY, "the token is for other data");
}

Test(tsa_live, slow_tsa_times_out, .timeout = 30)
{
	time_t t0 = time(NULL);
	live_error("slow", 1, -EHOSTUNREACH, "no answer within 1 second");
	cr_assert_leq(time(NULL) - t0, 3);
}

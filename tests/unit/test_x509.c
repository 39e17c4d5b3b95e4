/* X.509 signing identities (kesu/x509.h, signer.h): keys made 0600 and
 * encrypted when they have a passphrase; self-signed certificates say what
 * they were asked to; requests verify; the CA's answer is installed only
 * for the right key, in date, in chain order; key files and PKCS#12 files
 * open as signers whose signatures verify with their certificates; trust
 * anchors keep their roles and build chains. The PKCS#11 test runs when
 * tests/integration/test_pkcs11.sh has made a SoftHSM2 token for it. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/x509.h"
#include "signer.h"
#include "x509_internal.h"

#define DAY 86400
#define PASS "correct horse battery staple"

static char dir[64], key[128], crt[128], err[KESU_ERRMSG_MAX];
static const struct kesu_x509_subject station = {
	.common_name = "kesu station test-host",
	.organisation = "Test City",
	.unit = "情報政策課",
	.title = "station",
};

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-x509.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(key, sizeof(key), "%s/keys/station.x509.key", dir);
	snprintf(crt, sizeof(crt), "%s/keys/station.crt", dir);
	err[0] = '\0';
}

static void teardown(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(x509, .init = setup, .fini = teardown);

static char *slurp(const char *path, size_t *len)
{
	char *text = NULL;
	size_t n = 0;
	cr_assert_eq(kesu_file_read_bounded(path, 1 << 20, 0, &text, &n, err, sizeof(err)), 0,
		     "%s", err);
	if (len)
		*len = n;
	return text;
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return st.st_mode & 07777;
}

/* kesu's key and self-signed certificate at key / crt. */
static void make_identity(const char *pass, time_t now)
{
	cr_assert_eq(kesu_x509_key_generate(key, KESU_X509_ECDSA_P256, pass, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(kesu_x509_self_sign(key, pass, &station, 365, now, false, crt, err,
					 sizeof(err)),
		     0, "%s", err);
}

static EVP_PKEY *load_key(const char *path, const char *pass)
{
	EVP_PKEY *pkey = NULL;
	cr_assert_eq(Kesu_x509_key_load(path, pass, &pkey, err, sizeof(err)), 0, "%s", err);
	return pkey;
}

static void add_ext(X509 *x, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509V3_set_ctx(&ctx, issuer, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	cr_assert_not_null(ext);
	cr_assert(X509_add_ext(x, ext, -1));
	X509_EXTENSION_free(ext);
}

/* A certificate for subject_key, issued by issuer (NULL: self-signed). */
static X509 *issue(EVP_PKEY *subject_key, const char *cn, X509 *issuer, EVP_PKEY *issuer_key,
		   time_t from, int days, bool ca)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1,
				   0);
	X509_set_version(x, X509_VERSION_3);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_set_subject_name(x, name);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
	X509_set_pubkey(x, subject_key);
	ASN1_TIME_set(X509_getm_notBefore(x), from);
	ASN1_TIME_adj(X509_getm_notAfter(x), from, days, 0);
	add_ext(x, issuer ? issuer : x, NID_basic_constraints,
		ca ? "critical,CA:TRUE" : "CA:FALSE");
	add_ext(x, issuer ? issuer : x, NID_key_usage,
		ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,nonRepudiation");
	add_ext(x, issuer ? issuer : x, NID_subject_key_identifier, "hash");
	add_ext(x, issuer ? issuer : x, NID_authority_key_identifier, "keyid:always");
	cr_assert(X509_sign(x, issuer_key ? issuer_key : subject_key, EVP_sha256()) > 0);
	X509_NAME_free(name);
	return x;
}

static void write_pem(const char *path, X509 *a, X509 *b)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	cr_assert(PEM_write_X509(f, a));
	if (b)
		cr_assert(PEM_write_X509(f, b));
	fclose(f);
}

/* A test CA: its key and self-signed certificate. */
struct ca {
	EVP_PKEY *key;
	X509 *cert;
};

static struct ca new_ca(const char *cn, time_t now)
{
	struct ca ca = {EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), NULL};
	cr_assert_not_null(ca.key);
	ca.cert = issue(ca.key, cn, NULL, NULL, now - DAY, 3650, true);
	return ca;
}

static void free_ca(struct ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
}

/* ---- names and keys ---- */

Test(x509, alg_and_paths)
{
	enum kesu_x509_alg alg = KESU_X509_RSA3072;
	cr_assert_eq(kesu_x509_alg_parse("ecdsa-p256", &alg), 0);
	cr_assert_eq(alg, KESU_X509_ECDSA_P256);
	cr_assert_eq(kesu_x509_alg_parse("rsa3072", &alg), 0);
	cr_assert_eq(alg, KESU_X509_RSA3072);
	cr_assert_eq(kesu_x509_alg_parse("ed25519", &alg), -KESU_EPARSE);
	cr_assert_eq(kesu_x509_alg_parse(NULL, &alg), -KESU_EPARSE);
	char k[64], c[64];
	cr_assert_eq(kesu_x509_paths("/a/station.key", k, sizeof(k), c, sizeof(c)), 0);
	cr_assert_str_eq(k, "/a/station.x509.key");
	cr_assert_str_eq(c, "/a/station.crt");
	cr_assert_eq(kesu_x509_paths("/a/witness-sato", k, sizeof(k), c, sizeof(c)), 0);
	cr_assert_str_eq(k, "/a/witness-sato.x509.key");
	cr_assert_str_eq(c, "/a/witness-sato.crt");
	cr_assert_eq(kesu_x509_paths("/a/station.key", k, 8, c, sizeof(c)), -ENAMETOOLONG);
}

Test(x509, key_generate_encrypted_0600_never_overwritten)
{
	cr_assert_eq(kesu_x509_key_generate(key, KESU_X509_ECDSA_P256, PASS, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(mode_of(key), 0600);
	cr_assert_eq(mode_of(dir) & 0777, 0700); /* mkdtemp's */
	char *text = slurp(key, NULL);
	cr_assert_not_null(strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	free(text);
	cr_assert(kesu_x509_key_is_protected(key));
	EVP_PKEY *pkey = NULL;
	cr_assert_eq(Kesu_x509_key_load(key, NULL, &pkey, err, sizeof(err)), -ENOKEY);
	cr_assert_eq(Kesu_x509_key_load(key, "wrong", &pkey, err, sizeof(err)), -EKEYREJECTED);
	cr_assert_not_null(strstr(err, "wrong passphrase"), "%s", err);
	cr_assert_null(strstr(err, "wrong\""), "the passphrase is in the message: %s", err);
	pkey = load_key(key, PASS);
	char alg[32];
	Kesu_x509_key_alg(pkey, alg, sizeof(alg));
	cr_assert_str_eq(alg, "ecdsa-p256");
	EVP_PKEY_free(pkey);
	cr_assert_eq(kesu_x509_key_generate(key, KESU_X509_ECDSA_P256, NULL, err, sizeof(err)),
		     -EEXIST);
	cr_assert_not_null(strstr(err, key), "%s", err);
}

Test(x509, key_unprotected_and_rsa)
{
	cr_assert_eq(kesu_x509_key_generate(key, KESU_X509_RSA3072, NULL, err, sizeof(err)), 0,
		     "%s", err);
	char *text = slurp(key, NULL);
	cr_assert_not_null(strstr(text, "-----BEGIN PRIVATE KEY-----"));
	free(text);
	cr_assert(!kesu_x509_key_is_protected(key));
	EVP_PKEY *pkey = load_key(key, NULL);
	char alg[32];
	Kesu_x509_key_alg(pkey, alg, sizeof(alg));
	cr_assert_str_eq(alg, "rsa3072");
	EVP_PKEY_free(pkey);
	/* A key others may read is refused before it is read. */
	cr_assert_eq(chmod(key, 0644), 0);
	cr_assert_eq(Kesu_x509_key_load(key, NULL, &pkey, err, sizeof(err)), -EACCES);
}

/* ---- self-signed certificates ---- */

Test(x509, self_signed_says_what_was_asked)
{
	time_t now = time(NULL);
	make_identity(PASS, now);
	cr_assert_eq(mode_of(crt), 0644);
	struct kesu_x509_info info;
	cr_assert_eq(kesu_x509_cert_describe(crt, &info, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(info.common_name, "kesu station test-host");
	cr_assert_str_eq(info.subject,
			 "CN=kesu station test-host,title=station,OU=情報政策課,O=Test City");
	cr_assert_str_eq(info.issuer, info.subject);
	cr_assert(info.self_signed);
	cr_assert_str_eq(info.algorithm, "ecdsa-p256");
	cr_assert_eq(strlen(info.sha256), 64);
	cr_assert_geq(strlen(info.serial), 30);
	char from[32];
	strftime(from, sizeof(from), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	cr_assert_str_eq(info.not_before_utc, from);

	STACK_OF(X509) *certs = NULL;
	cr_assert_eq(Kesu_x509_load_certs(crt, &certs, err, sizeof(err)), 0, "%s", err);
	X509 *x = sk_X509_value(certs, 0);
	uint32_t ku = X509_get_key_usage(x);
	cr_assert(ku & KU_DIGITAL_SIGNATURE);
	cr_assert(ku & KU_NON_REPUDIATION);
	cr_assert(!(ku & KU_KEY_CERT_SIGN));
	cr_assert_eq(X509_check_ca(x), 0, "a signer's certificate is not a CA");
	int crit = 0;
	ASN1_BIT_STRING *usage = X509_get_ext_d2i(x, NID_key_usage, &crit, NULL);
	cr_assert_not_null(usage);
	ASN1_BIT_STRING_free(usage);
	cr_assert_eq(crit, 1, "keyUsage is critical");
	cr_assert_not_null(X509_get0_subject_key_id(x));
	/* Valid for the days asked. */
	time_t end = now + 365 * DAY;
	time_t before = end - 1, after = end + 1;
	cr_assert_gt(X509_cmp_time(X509_get0_notAfter(x), &before), 0);
	cr_assert_lt(X509_cmp_time(X509_get0_notAfter(x), &after), 0);
	sk_X509_pop_free(certs, X509_free);
}

Test(x509, self_sign_refuses_bad_subjects_and_existing_files)
{
	time_t now = time(NULL);
	make_identity(NULL, now);
	char *before = slurp(crt, NULL);
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &station, 30, now, false, crt, err,
					 sizeof(err)),
		     -EEXIST);
	struct kesu_x509_subject s = station;
	strcpy(s.common_name, "bad\xff name");
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &s, 30, now, true, crt, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "not valid UTF-8"), "%s", err);
	strcpy(s.common_name, "two\nlines");
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &s, 30, now, true, crt, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "control character"), "%s", err);
	s.common_name[0] = '\0';
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &s, 30, now, true, crt, err, sizeof(err)),
		     -KESU_EPARSE);
	memset(s.common_name, 'a', 100);
	s.common_name[100] = '\0';
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &s, 30, now, true, crt, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "64 characters"), "%s", err);
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &station, 0, now, true, crt, err, sizeof(err)),
		     -EINVAL);
	char *after = slurp(crt, NULL);
	cr_assert_str_eq(before, after, "a refused certificate changed the file");
	free(before);
	free(after);
	/* replace: a new certificate for the same key. */
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &station, 30, now, true, crt, err,
					 sizeof(err)),
		     0, "%s", err);
}

Test(x509, self_sign_needs_the_passphrase)
{
	cr_assert_eq(kesu_x509_key_generate(key, KESU_X509_ECDSA_P256, PASS, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &station, 30, time(NULL), false, crt, err,
					 sizeof(err)),
		     -ENOKEY);
	cr_assert_eq(kesu_x509_self_sign(key, "nope", &station, 30, time(NULL), false, crt, err,
					 sizeof(err)),
		     -EKEYREJECTED);
	cr_assert_neq(access(crt, F_OK), 0);
}

/* ---- requests and the CA's answer ---- */

Test(x509, csr_verifies_and_asks_for_the_subject)
{
	char csr[160];
	snprintf(csr, sizeof(csr), "%s/station.csr", dir);
	make_identity(PASS, time(NULL));
	cr_assert_eq(kesu_x509_csr_write(key, PASS, &station, csr, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(mode_of(csr), 0644);
	FILE *f = fopen(csr, "r");
	X509_REQ *req = PEM_read_X509_REQ(f, NULL, NULL, NULL);
	fclose(f);
	cr_assert_not_null(req);
	EVP_PKEY *pub = X509_REQ_get_pubkey(req);
	cr_assert_eq(X509_REQ_verify(req, pub), 1);
	EVP_PKEY *pkey = load_key(key, PASS);
	cr_assert_eq(EVP_PKEY_eq(pub, pkey), 1, "the request is for the key");
	char line[512];
	Kesu_x509_name_line(X509_REQ_get_subject_name(req), line, sizeof(line));
	cr_assert_str_eq(line, "CN=kesu station test-host,title=station,OU=情報政策課,O=Test City");
	STACK_OF(X509_EXTENSION) *exts = X509_REQ_get_extensions(req);
	cr_assert_eq(sk_X509_EXTENSION_num(exts), 2);
	sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
	EVP_PKEY_free(pkey);
	EVP_PKEY_free(pub);
	X509_REQ_free(req);
}

Test(x509, import_installs_the_answer_with_its_chain)
{
	time_t now = time(NULL);
	make_identity(NULL, now);
	struct ca ca = new_ca("Test City CA", now);
	EVP_PKEY *pkey = load_key(key, NULL);
	X509 *leaf = issue(pkey, "kesu station test-host", ca.cert, ca.key, now - 60, 30, false);
	char answer[160];
	snprintf(answer, sizeof(answer), "%s/answer.pem", dir);
	write_pem(answer, leaf, ca.cert);
	struct kesu_x509_info info;
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, &info, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_str_eq(info.issuer, "CN=Test City CA");
	cr_assert(!info.self_signed);
	STACK_OF(X509) *certs = NULL;
	cr_assert_eq(Kesu_x509_load_certs(crt, &certs, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(sk_X509_num(certs), 2, "the chain came along");
	cr_assert_eq(X509_cmp(sk_X509_value(certs, 0), leaf), 0);
	sk_X509_pop_free(certs, X509_free);
	cr_assert_eq(mode_of(crt), 0644);

	/* The chain first and the signer's certificate after it: reordered. */
	write_pem(answer, ca.cert, leaf);
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, NULL, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(kesu_x509_cert_describe(crt, &info, err, sizeof(err)), 0);
	cr_assert_str_eq(info.common_name, "kesu station test-host");
	X509_free(leaf);
	EVP_PKEY_free(pkey);
	free_ca(&ca);
}

Test(x509, import_refuses_another_key_an_expired_one_and_a_broken_chain)
{
	time_t now = time(NULL);
	make_identity(NULL, now);
	struct ca ca = new_ca("Test City CA", now), other = new_ca("Other CA", now);
	EVP_PKEY *pkey = load_key(key, NULL);
	EVP_PKEY *stranger = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	char answer[160];
	snprintf(answer, sizeof(answer), "%s/answer.pem", dir);
	char *before = slurp(crt, NULL);

	X509 *wrong = issue(stranger, "someone else", ca.cert, ca.key, now - 60, 30, false);
	write_pem(answer, wrong, ca.cert);
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, NULL, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "for another key"), "%s", err);

	X509 *old = issue(pkey, "kesu station", ca.cert, ca.key, now - 60 * DAY, 30, false);
	write_pem(answer, old, NULL);
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, NULL, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "expired on"), "%s", err);
	X509 *later = issue(pkey, "kesu station", ca.cert, ca.key, now + 10 * DAY, 30, false);
	write_pem(answer, later, NULL);
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, NULL, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "not valid before"), "%s", err);

	X509 *good = issue(pkey, "kesu station", ca.cert, ca.key, now - 60, 30, false);
	write_pem(answer, good, other.cert);
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, NULL, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "did not issue"), "%s", err);
	cr_assert_eq(kesu_x509_cert_import(key, "/nonexistent.pem", crt, now, NULL, err,
					   sizeof(err)),
		     -ENOENT);
	write_pem(answer, good, NULL);
	cr_assert_eq(kesu_file_write_atomic(answer, "junk", 4, 0644, 0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, NULL, err, sizeof(err)),
		     -KESU_EPARSE);

	char *after = slurp(crt, NULL);
	cr_assert_str_eq(before, after, "a refused answer changed the certificate");
	free(before);
	free(after);
	X509_free(wrong);
	X509_free(old);
	X509_free(later);
	X509_free(good);
	EVP_PKEY_free(stranger);
	EVP_PKEY_free(pkey);
	free_ca(&ca);
	free_ca(&other);
}

Test(x509, import_for_a_protected_key)
{
	time_t now = time(NULL);
	make_identity(PASS, now);
	struct ca ca = new_ca("Test City CA", now);
	EVP_PKEY *pkey = load_key(key, PASS);
	X509 *leaf = issue(pkey, "kesu station", ca.cert, ca.key, now - 60, 30, false);
	char answer[160];
	snprintf(answer, sizeof(answer), "%s/answer.der", dir);
	unsigned char *der = NULL;
	int n = i2d_X509(leaf, &der);
	cr_assert_eq(kesu_file_write_atomic(answer, der, (size_t)n, 0644, 0, err, sizeof(err)), 0);
	OPENSSL_free(der);
	/* Without the passphrase: compared with the certificate beside the key. */
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, NULL, err, sizeof(err)), 0, "%s",
		     err);
	/* Without it and without that certificate: the passphrase is needed. */
	cr_assert_eq(unlink(crt), 0);
	cr_assert_eq(kesu_x509_cert_import(key, answer, crt, now, NULL, err, sizeof(err)),
		     -ENOKEY);
	cr_assert_eq(kesu_x509_cert_import_unlock(key, "nope", answer, crt, now, NULL, err,
						  sizeof(err)),
		     -EKEYREJECTED);
	cr_assert_eq(kesu_x509_cert_import_unlock(key, PASS, answer, crt, now, NULL, err,
						  sizeof(err)),
		     0, "%s", err);
	X509_free(leaf);
	EVP_PKEY_free(pkey);
	free_ca(&ca);
}

/* ---- signers ---- */

static void check_signs(struct kesu_signer *s)
{
	static const unsigned char data[] = "signed attributes of a PAdES signature";
	unsigned char *sig = NULL;
	size_t len = 0;
	cr_assert_eq(Kesu_signer_sign(s, data, sizeof(data), &sig, &len, err, sizeof(err)), 0,
		     "%s", err);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	cr_assert_eq(EVP_DigestVerifyInit_ex(md, NULL, "SHA256", NULL, NULL,
					     X509_get0_pubkey(Kesu_signer_cert(s)), NULL),
		     1);
	cr_assert_eq(EVP_DigestVerify(md, sig, len, data, sizeof(data)), 1,
		     "the signature verifies with the certificate");
	cr_assert_eq(EVP_DigestVerify(md, sig, len, data, sizeof(data) - 1), 0);
	EVP_MD_CTX_free(md);
	ERR_clear_error();
	free(sig);
}

Test(x509, signer_from_files)
{
	make_identity(PASS, time(NULL));
	struct kesu_signer *s = NULL;
	cr_assert_eq(kesu_signer_open_files(key, crt, NULL, &s, err, sizeof(err)), -ENOKEY);
	cr_assert_eq(kesu_signer_open_files(key, crt, "nope", &s, err, sizeof(err)), -EKEYREJECTED);
	cr_assert_eq(kesu_signer_open_files(key, "/nonexistent.crt", PASS, &s, err, sizeof(err)),
		     -ENOENT);
	cr_assert_not_null(strstr(err, "/nonexistent.crt"), "%s", err);
	cr_assert_eq(kesu_signer_open_files(key, crt, PASS, &s, err, sizeof(err)), 0, "%s", err);
	struct kesu_x509_info info;
	kesu_signer_describe(s, &info);
	cr_assert_str_eq(info.common_name, "kesu station test-host");
	cr_assert_eq(sk_X509_num(Kesu_signer_chain(s)), 0);
	check_signs(s);
	kesu_signer_close(s);
	kesu_signer_close(NULL);

	/* A certificate for another key is refused. */
	char other[160], other_crt[160];
	snprintf(other, sizeof(other), "%s/other.x509.key", dir);
	snprintf(other_crt, sizeof(other_crt), "%s/other.crt", dir);
	cr_assert_eq(kesu_x509_key_generate(other, KESU_X509_RSA3072, NULL, err, sizeof(err)), 0);
	cr_assert_eq(kesu_x509_self_sign(other, NULL, &station, 30, time(NULL), false, other_crt,
					 err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(kesu_signer_open_files(key, other_crt, PASS, &s, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "for another key"), "%s", err);
	cr_assert_eq(kesu_signer_open_files(other, other_crt, NULL, &s, err, sizeof(err)), 0, "%s",
		     err);
	kesu_signer_describe(s, &info);
	cr_assert_str_eq(info.algorithm, "rsa3072");
	check_signs(s);
	kesu_signer_close(s);
}

/* A PKCS#12 file of key, its certificate and the CA, in C. */
static void make_p12(const char *path, const char *pass, EVP_PKEY *pkey, X509 *cert, X509 *ca)
{
	STACK_OF(X509) *chain = sk_X509_new_null();
	sk_X509_push(chain, ca);
	PKCS12 *p12 = PKCS12_create(pass, "test", pkey, cert, chain, 0, 0, 0, 0, 0);
	cr_assert_not_null(p12);
	unsigned char *der = NULL;
	int n = i2d_PKCS12(p12, &der);
	cr_assert_gt(n, 0);
	cr_assert_eq(kesu_file_write_atomic(path, der, (size_t)n, 0600, 0, err, sizeof(err)), 0);
	OPENSSL_free(der);
	PKCS12_free(p12);
	sk_X509_free(chain);
}

Test(x509, signer_from_pkcs12)
{
	time_t now = time(NULL);
	struct ca ca = new_ca("Test City CA", now);
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
	X509 *leaf = issue(pkey, "佐藤 花子", ca.cert, ca.key, now - 60, 30, false);
	char p12[160];
	snprintf(p12, sizeof(p12), "%s/sato.p12", dir);
	make_p12(p12, PASS, pkey, leaf, ca.cert);
	struct kesu_signer *s = NULL;
	cr_assert_eq(kesu_signer_open_pkcs12(p12, "nope", &s, err, sizeof(err)), -EKEYREJECTED);
	cr_assert_not_null(strstr(err, "wrong passphrase"), "%s", err);
	cr_assert_eq(kesu_signer_open_pkcs12(p12, NULL, &s, err, sizeof(err)), -ENOKEY);
	cr_assert_eq(kesu_signer_open_pkcs12(p12, PASS, &s, err, sizeof(err)), 0, "%s", err);
	struct kesu_x509_info info;
	kesu_signer_describe(s, &info);
	cr_assert_str_eq(info.common_name, "佐藤 花子");
	cr_assert_eq(sk_X509_num(Kesu_signer_chain(s)), 1, "the CA is the chain");
	cr_assert_eq(X509_cmp(sk_X509_value(Kesu_signer_chain(s), 0), ca.cert), 0);
	check_signs(s);
	kesu_signer_close(s);
	cr_assert_eq(kesu_signer_open_pkcs12(crt, PASS, &s, err, sizeof(err)), -ENOENT);
	char junk[160];
	snprintf(junk, sizeof(junk), "%s/junk.p12", dir);
	cr_assert_eq(kesu_file_write_atomic(junk, "junk", 4, 0600, 0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_signer_open_pkcs12(junk, PASS, &s, err, sizeof(err)), -KESU_EPARSE);
	X509_free(leaf);
	EVP_PKEY_free(pkey);
	free_ca(&ca);
}

/* What `openssl pkcs12 -export` writes opens too (OpenSSL 3's defaults). */
Test(x509, signer_from_openssl_pkcs12_export)
{
	make_identity(NULL, time(NULL));
	char cmd[1024], p12[160];
	snprintf(p12, sizeof(p12), "%s/exported.p12", dir);
	snprintf(cmd, sizeof(cmd),
		 "openssl pkcs12 -export -inkey %s -in %s -out %s -passout pass:%s "
		 ">/dev/null 2>&1",
		 key, crt, p12, "secret");
	if (system(cmd) != 0)
		cr_skip_test("openssl pkcs12 -export did not run");
	struct kesu_signer *s = NULL;
	cr_assert_eq(kesu_signer_open_pkcs12(p12, "secret", &s, err, sizeof(err)), 0, "%s", err);
	check_signs(s);
	kesu_signer_close(s);
}

/* ---- trust anchors ---- */

static int verify_with(struct kesu_x509_anchors *a, X509 *leaf, STACK_OF(X509) *chain)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	cr_assert(X509_STORE_CTX_init(ctx, Kesu_anchors_store(a), leaf, chain));
	int ok = X509_verify_cert(ctx);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return ok;
}

Test(x509, anchors_keep_roles_and_build_chains)
{
	time_t now = time(NULL);
	make_identity(NULL, now);
	struct ca ca = new_ca("Test City CA", now), other = new_ca("Other CA", now);
	char ca_pem[160], junk[160];
	snprintf(ca_pem, sizeof(ca_pem), "%s/ca.pem", dir);
	snprintf(junk, sizeof(junk), "%s/junk.pem", dir);
	write_pem(ca_pem, ca.cert, NULL);
	struct kesu_x509_anchors *a = kesu_x509_anchors_new();
	cr_assert_not_null(a);
	cr_assert_eq(kesu_x509_anchors_add_file(a, ca_pem, NULL, NULL, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(kesu_x509_anchors_add_file(a, crt, "witness", "立会者 佐藤", err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(kesu_x509_anchors_count(a), 2);
	cr_assert_eq(kesu_file_write_atomic(junk, "no", 2, 0644, 0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_x509_anchors_add_file(a, junk, NULL, NULL, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(kesu_x509_anchors_add_pem(a, "no", 2, NULL, NULL, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(kesu_x509_anchors_count(a), 2);

	const char *role, *name;
	cr_assert_eq(Kesu_anchors_lookup(a, ca.cert, &role, &name), 0);
	cr_assert_str_eq(role, "", "an organisation's CA: any role");
	cr_assert_str_eq(name, "Test City CA");
	STACK_OF(X509) *mine = NULL;
	cr_assert_eq(Kesu_x509_load_certs(crt, &mine, err, sizeof(err)), 0);
	X509 *self = sk_X509_value(mine, 0);
	cr_assert_eq(Kesu_anchors_lookup(a, self, &role, &name), 0);
	cr_assert_str_eq(role, "witness");
	cr_assert_str_eq(name, "立会者 佐藤");
	cr_assert_eq(Kesu_anchors_lookup(a, other.cert, &role, &name), -KESU_ENOTFOUND);

	/* Chains: one the CA issued, the self-signed anchor itself; not
	 * another CA's. */
	EVP_PKEY *pkey = load_key(key, NULL);
	X509 *issued = issue(pkey, "kesu station", ca.cert, ca.key, now - 60, 30, false);
	X509 *stray = issue(pkey, "kesu station", other.cert, other.key, now - 60, 30, false);
	cr_assert_eq(verify_with(a, issued, NULL), 1);
	cr_assert_eq(verify_with(a, self, NULL), 1);
	cr_assert_neq(verify_with(a, stray, NULL), 1);
	/* The same PEM again: still two, and the CA still any role. */
	char *pem = slurp(ca_pem, NULL);
	cr_assert_eq(kesu_x509_anchors_add_pem(a, pem, strlen(pem), "witness", "again", err,
					       sizeof(err)),
		     0);
	cr_assert_eq(kesu_x509_anchors_count(a), 2);
	cr_assert_eq(Kesu_anchors_lookup(a, ca.cert, &role, &name), 0);
	cr_assert_str_eq(name, "Test City CA");
	free(pem);
	X509_free(issued);
	X509_free(stray);
	EVP_PKEY_free(pkey);
	sk_X509_pop_free(mine, X509_free);
	kesu_x509_anchors_free(a);
	kesu_x509_anchors_free(NULL);
	free_ca(&ca);
	free_ca(&other);
}

/* ---- PKCS#11 (a SoftHSM2 token made by tests/integration/test_pkcs11.sh) ---- */

/* $KESU_TEST_PKCS11_URI names the key, $KESU_TEST_PKCS11_PIN its PIN;
 * data and signature go to $KESU_TEST_PKCS11_OUT.data / .sig for the
 * script to check with openssl against the token's public key. */
Test(x509, pkcs11_signs_on_the_token)
{
	const char *uri = getenv("KESU_TEST_PKCS11_URI"), *pin = getenv("KESU_TEST_PKCS11_PIN");
	const char *out = getenv("KESU_TEST_PKCS11_OUT");
	if (!uri || !pin || !out)
		cr_skip_test("no SoftHSM2 token (tests/integration/test_pkcs11.sh makes one)");
	struct kesu_signer *s = NULL;
	cr_assert_eq(kesu_signer_open_pkcs11(uri, "999999", NULL, &s, err, sizeof(err)),
		     -EKEYREJECTED, "%s", err);
	cr_assert_null(strstr(err, "999999"), "the PIN is in the message: %s", err);
	cr_assert_eq(kesu_signer_open_pkcs11(uri, NULL, NULL, &s, err, sizeof(err)), -ENOKEY);
	cr_assert_eq(kesu_signer_open_pkcs11("http://example", pin, NULL, &s, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(kesu_signer_open_pkcs11(uri, pin, NULL, &s, err, sizeof(err)), 0, "%s", err);
	struct kesu_x509_info info;
	kesu_signer_describe(s, &info);
	cr_assert_str_eq(info.common_name, "kesu token signer");
	cr_assert_str_eq(info.algorithm, "ecdsa-p256");
	check_signs(s);
	static const unsigned char data[] = "what the script checks";
	unsigned char *sig = NULL;
	size_t len = 0;
	cr_assert_eq(Kesu_signer_sign(s, data, sizeof(data) - 1, &sig, &len, err, sizeof(err)), 0,
		     "%s", err);
	char path[4096];
	snprintf(path, sizeof(path), "%s.data", out);
	cr_assert_eq(kesu_file_write_atomic(path, data, sizeof(data) - 1, 0644, 0, err,
					    sizeof(err)),
		     0);
	snprintf(path, sizeof(path), "%s.sig", out);
	cr_assert_eq(kesu_file_write_atomic(path, sig, len, 0644, 0, err, sizeof(err)), 0);
	free(sig);
	kesu_signer_close(s);
}

/* A key with no certificate on the token takes the file's; a file for
 * another key is refused (the first signature shows it); an RSA key signs
 * with CKM_SHA256_RSA_PKCS. */
Test(x509, pkcs11_certificate_file_and_rsa)
{
	const char *bare = getenv("KESU_TEST_PKCS11_BARE_URI");
	const char *pin = getenv("KESU_TEST_PKCS11_PIN");
	const char *bare_crt = getenv("KESU_TEST_PKCS11_BARE_CERT");
	const char *other_crt = getenv("KESU_TEST_PKCS11_OTHER_CERT");
	const char *rsa = getenv("KESU_TEST_PKCS11_RSA_URI");
	if (!bare || !pin || !bare_crt || !other_crt || !rsa)
		cr_skip_test("no SoftHSM2 token (tests/integration/test_pkcs11.sh makes one)");
	struct kesu_signer *s = NULL;
	cr_assert_eq(kesu_signer_open_pkcs11(bare, pin, NULL, &s, err, sizeof(err)), -ENOENT);
	cr_assert_not_null(strstr(err, "holds no certificate"), "%s", err);
	cr_assert_eq(kesu_signer_open_pkcs11(bare, pin, other_crt, &s, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "another key"), "%s", err);
	cr_assert_eq(kesu_signer_open_pkcs11(bare, pin, bare_crt, &s, err, sizeof(err)), 0, "%s",
		     err);
	check_signs(s);
	kesu_signer_close(s);
	cr_assert_eq(kesu_signer_open_pkcs11(rsa, pin, NULL, &s, err, sizeof(err)), 0, "%s", err);
	struct kesu_x509_info info;
	kesu_signer_describe(s, &info);
	cr_assert_str_eq(info.algorithm, "rsa2048");
	check_signs(s);
	kesu_signer_close(s);
}

/* ---- the trust store's certificates (kesu/trust.h) ---- */

#include <json-c/json.h>

#include "canonical_json.h"
#include "kesu/key.h"
#include "kesu/trust.h"

#define T0 1795000000 /* 2026-11-18 */

/* The store at path with member of certificate 0 set to value
 * (NULL: removed), written back in canonical form. */
static void edit_store(const char *path, const char *member, const char *value)
{
	char *text = slurp(path, NULL);
	struct json_object *doc = json_tokener_parse(text), *certs, *c;
	free(text);
	cr_assert(json_object_object_get_ex(doc, "certificates", &certs));
	c = json_object_array_get_idx(certs, 0);
	if (value)
		json_object_object_add(c, member, json_object_new_string(value));
	else
		json_object_object_del(c, member);
	size_t len;
	char *out = Kesu_json_canonical(doc, &len);
	cr_assert_not_null(out);
	cr_assert_eq(kesu_file_write_atomic(path, out, len, 0600, 0, err, sizeof(err)), 0);
	free(out);
	json_object_put(doc);
}

static int load_fails(const char *path, const char *why)
{
	struct kesu_trust *t = NULL;
	int rc = kesu_trust_load(path, &t, err, sizeof(err));
	cr_assert_null(t);
	cr_assert_not_null(strstr(err, why), "wanted \"%s\", got: %s", why, err);
	return rc;
}

Test(x509, trust_store_without_certificates_is_unchanged)
{
	char store[160], sec[160], pub[160];
	snprintf(store, sizeof(store), "%s/trust.json", dir);
	snprintf(sec, sizeof(sec), "%s/a.key", dir);
	snprintf(pub, sizeof(pub), "%s/a.pub", dir);
	cr_assert_eq(kesu_key_generate(sec, pub, NULL, err, sizeof(err)), 0, "%s", err);
	struct kesu_public_key pk;
	cr_assert_eq(kesu_key_load_public(pub, &pk, err, sizeof(err)), 0);
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "山田", &pk, T0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_trust_save(t, store, err, sizeof(err)), 0, "%s", err);
	kesu_trust_free(t);
	char *before = slurp(store, NULL);
	cr_assert_null(strstr(before, "certificates"), "%s", before);
	cr_assert_eq(kesu_trust_load(store, &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_trust_cert_count(t), 0);
	cr_assert_eq(kesu_trust_save(t, store, err, sizeof(err)), 0, "%s", err);
	char *after = slurp(store, NULL);
	cr_assert_str_eq(before, after);
	free(before);
	free(after);
	kesu_trust_free(t);
}

Test(x509, trust_store_keeps_certificates_strictly)
{
	time_t now = time(NULL);
	make_identity(NULL, now);
	struct ca ca = new_ca("Test City CA", now);
	char store[160], ca_pem[160], bundle[160];
	snprintf(store, sizeof(store), "%s/trust.json", dir);
	snprintf(ca_pem, sizeof(ca_pem), "%s/ca.pem", dir);
	snprintf(bundle, sizeof(bundle), "%s/bundle.pem", dir);
	write_pem(ca_pem, ca.cert, NULL);
	write_pem(bundle, ca.cert, ca.cert);

	struct kesu_trust *t = kesu_trust_new();
	int more = -1;
	cr_assert_eq(kesu_trust_add_cert(t, "organisation", "Test City CA", ca_pem, T0, &more, err,
					 sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(more, 0);
	cr_assert_eq(kesu_trust_add_cert(t, "witness", "佐藤 花子", crt, T0, NULL, err,
					 sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(kesu_trust_add_cert(t, "organisation", "again", bundle, T0, &more, err,
					 sizeof(err)),
		     -EEXIST);
	cr_assert_eq(kesu_trust_add_cert(t, "boss", "x", ca_pem, T0, NULL, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(kesu_trust_add_cert(t, "station", "", ca_pem, T0, NULL, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(kesu_trust_add_cert(t, "station", "s", key, T0, NULL, err, sizeof(err)),
		     -KESU_EPARSE, "a key file is not a certificate");
	cr_assert_eq(kesu_trust_add_cert(t, "station", "CA as station", bundle, T0, &more, err,
					 sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(more, 1, "the second certificate of the file is counted, not added");
	cr_assert_eq(kesu_trust_cert_count(t), 3);
	const struct kesu_trust_cert *c = kesu_trust_cert_at(t, 0);
	struct kesu_x509_info info;
	cr_assert_eq(kesu_x509_cert_describe(ca_pem, &info, err, sizeof(err)), 0);
	cr_assert_str_eq(c->sha256, info.sha256);
	cr_assert_str_eq(c->added_utc, "2026-11-18T11:06:40Z");
	cr_assert_not_null(strstr(c->pem, "-----BEGIN CERTIFICATE-----"));

	/* Saved and loaded back: the same file, byte for byte. */
	cr_assert_eq(kesu_trust_save(t, store, err, sizeof(err)), 0, "%s", err);
	char *saved = slurp(store, NULL);
	struct kesu_trust *back = NULL;
	cr_assert_eq(kesu_trust_load(store, &back, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_trust_cert_count(back), 3);
	cr_assert_str_eq(kesu_trust_cert_at(back, 1)->name, "佐藤 花子");
	cr_assert_eq(kesu_trust_save(back, store, err, sizeof(err)), 0);
	char *again = slurp(store, NULL);
	cr_assert_str_eq(saved, again);
	free(again);
	kesu_trust_free(back);

	/* Each edit is refused with its own reason, and nothing is used. */
	char sha[65];
	snprintf(sha, sizeof(sha), "%s", c->sha256);
	sha[0] = sha[0] == '0' ? '1' : '0';
	edit_store(store, "sha256", sha);
	cr_assert_eq(load_fails(store, "certificate 1: sha256 is not the certificate's"),
		     -KESU_EPARSE);
	cr_assert_eq(kesu_file_write_atomic(store, saved, strlen(saved), 0600, 0, err, sizeof(err)),
		     0);
	edit_store(store, "role", "boss");
	load_fails(store, "unknown role \"boss\"");
	cr_assert_eq(kesu_file_write_atomic(store, saved, strlen(saved), 0600, 0, err, sizeof(err)),
		     0);
	edit_store(store, "comment", "hello");
	load_fails(store, "unknown member \"comment\"");
	cr_assert_eq(kesu_file_write_atomic(store, saved, strlen(saved), 0600, 0, err, sizeof(err)),
		     0);
	edit_store(store, "name", NULL);
	load_fails(store, "no member \"name\"");
	cr_assert_eq(kesu_file_write_atomic(store, saved, strlen(saved), 0600, 0, err, sizeof(err)),
		     0);
	char pem2[KESU_TRUST_PEM_MAX + 100];
	snprintf(pem2, sizeof(pem2), "%s\n", c->pem);
	edit_store(store, "pem", pem2);
	load_fails(store, "not in the form kesu writes");
	cr_assert_eq(kesu_file_write_atomic(store, saved, strlen(saved), 0600, 0, err, sizeof(err)),
		     0);
	edit_store(store, "pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
	load_fails(store, "pem is not a certificate");
	free(saved);
	kesu_trust_free(t);
	free_ca(&ca);
}

Test(x509, trust_certificates_removed_recorded_and_anchored)
{
	time_t now = time(NULL);
	make_identity(NULL, now);
	struct ca ca = new_ca("Test City CA", now);
	char ca_pem[160];
	snprintf(ca_pem, sizeof(ca_pem), "%s/ca.pem", dir);
	write_pem(ca_pem, ca.cert, NULL);
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_eq(kesu_trust_add_cert(t, "organisation", "Test City CA", ca_pem, T0, NULL, err,
					 sizeof(err)),
		     0);
	cr_assert_eq(kesu_trust_add_cert(t, "witness", "佐藤 花子", crt, T0, NULL, err,
					 sizeof(err)),
		     0);

	/* Anchors: the CA for any role, the witness's certificate as witness. */
	struct kesu_x509_anchors *a = kesu_x509_anchors_new();
	cr_assert_eq(kesu_trust_x509_anchors(t, a, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_x509_anchors_count(a), 2);
	const char *role, *name;
	cr_assert_eq(Kesu_anchors_lookup(a, ca.cert, &role, &name), 0);
	cr_assert_str_eq(role, "");
	cr_assert_str_eq(name, "Test City CA");
	EVP_PKEY *pkey = load_key(key, NULL);
	X509 *issued = issue(pkey, "kesu station", ca.cert, ca.key, now - 60, 30, false);
	cr_assert_eq(verify_with(a, issued, NULL), 1);
	STACK_OF(X509) *mine = NULL;
	cr_assert_eq(Kesu_x509_load_certs(crt, &mine, err, sizeof(err)), 0);
	cr_assert_eq(Kesu_anchors_lookup(a, sk_X509_value(mine, 0), &role, &name), 0);
	cr_assert_str_eq(role, "witness");
	cr_assert_str_eq(name, "佐藤 花子");
	kesu_x509_anchors_free(a);

	/* The ledger record carries the certificate. */
	size_t len = 0;
	char *rec = kesu_trust_cert_record("J-1", "add", kesu_trust_cert_at(t, 0), "Operator", T0,
					   &len);
	cr_assert_not_null(rec);
	cr_assert(Kesu_json_is_canonical(rec, len));
	cr_assert_not_null(strstr(rec, "\"kind\":\"trust\""));
	cr_assert_not_null(strstr(rec, "\"role\":\"organisation\""));
	cr_assert_not_null(strstr(rec, "BEGIN CERTIFICATE"));
	cr_assert_not_null(strstr(rec, kesu_trust_cert_at(t, 0)->sha256));
	free(rec);

	/* Removal by a SHA-256 prefix, by name; a short prefix names nothing. */
	struct kesu_trust_cert gone;
	size_t count = 0;
	char prefix[17];
	snprintf(prefix, sizeof(prefix), "%s", kesu_trust_cert_at(t, 0)->sha256);
	cr_assert_eq(kesu_trust_remove_cert(t, NULL, "abc", &gone, &count, err, sizeof(err)),
		     -KESU_ENOTFOUND);
	cr_assert_eq(kesu_trust_remove_cert(t, "witness", prefix, &gone, &count, err, sizeof(err)),
		     -KESU_ENOTFOUND, "role filters");
	cr_assert_eq(kesu_trust_remove_cert(t, NULL, prefix, &gone, &count, err, sizeof(err)), 0);
	cr_assert_eq(count, 1);
	cr_assert_str_eq(gone.name, "Test City CA");
	cr_assert_eq(kesu_trust_remove_cert(t, NULL, "佐藤 花子", &gone, &count, err, sizeof(err)),
		     0);
	cr_assert_eq(kesu_trust_cert_count(t), 0);
	sk_X509_pop_free(mine, X509_free);
	X509_free(issued);
	EVP_PKEY_free(pkey);
	kesu_trust_free(t);
	free_ca(&ca);
}

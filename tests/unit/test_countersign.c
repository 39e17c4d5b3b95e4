/* Countersignatures (kesu/countersign.h): a witness's countersignature
 * signed and checked back; it is rejected when its document was edited,
 * when the key is not trusted, when the key is trusted for another role,
 * when it is of another certificate or of an edited one, and when the
 * trust store names the key otherwise; the strict reader; the files
 * beside a certificate; the ledger record. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canonical_json.h"
#include "kesu/countersign.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/trust.h"

#define T0 1796520612 /* 2026-12-06T01:30:12Z */
#define JOB "8f3a2c1d5e6b7a8c9d0e1f2a3b4c5d6e"
#define RHASH "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define CERT_A                                                                                 \
	"{\"certificate_id\":\"KESU-20261206-1A2B3C4D\",\"document\":\"certificate\","     \
	"\"ledger\":{\"job_id\":\"" JOB "\",\"record_hash\":\"" RHASH "\",\"seq\":7},"         \
	"\"outcome\":\"SUCCESS\"}"
#define CERT_B                                                                                 \
	"{\"certificate_id\":\"KESU-20261206-99999999\",\"document\":\"certificate\","     \
	"\"ledger\":{\"job_id\":\"" JOB "\",\"record_hash\":\"" RHASH "\",\"seq\":8},"         \
	"\"outcome\":\"SUCCESS\"}"

static char dir[64];
static char err[KESU_ERRMSG_MAX];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-countersign.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	cr_assert(sodium_init() >= 0);
	err[0] = '\0';
}

static void teardown(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(countersign, .init = setup, .fini = teardown);

static struct kesu_secret_key *new_key(const char *name, struct kesu_public_key *pk)
{
	char sec[160], pub[160];
	snprintf(sec, sizeof(sec), "%s/%s.key", dir, name);
	snprintf(pub, sizeof(pub), "%s/%s.pub", dir, name);
	cr_assert_eq(kesu_key_generate_named(sec, pub, NULL, "kesu witness public key: x", err,
					     sizeof(err)), 0, "%s", err);
	struct kesu_secret_key *sk = NULL;
	cr_assert_eq(kesu_key_load_secret(sec, NULL, &sk, err, sizeof(err)), 0, "%s", err);
	kesu_key_public_from_secret(sk, pk);
	return sk;
}

static struct kesu_trust *store_with(enum kesu_role role, const char *name,
				     const struct kesu_public_key *pk)
{
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_not_null(t);
	cr_assert_eq(kesu_trust_add(t, role, name, pk, T0, err, sizeof(err)), 0, "%s", err);
	return t;
}

/* A witness countersignature of CERT_A by sk under name: the file's text. */
static char *countersign(const struct kesu_secret_key *sk, enum kesu_role role, const char *name,
			 size_t *len)
{
	struct kesu_countersig cs;
	char *text = NULL;
	cr_assert_eq(kesu_countersig_subject(CERT_A, strlen(CERT_A), &cs, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(kesu_countersig_sign(&cs, role, name, sk, T0, &text, len, err, sizeof(err)), 0,
		     "%s", err);
	return text;
}

static int check(const char *text, size_t len, const struct kesu_trust *t, const char *cert,
		 struct kesu_countersig *cs)
{
	err[0] = '\0';
	return kesu_countersig_check(text, len, t, cert, cert ? strlen(cert) : 0, cs, err,
				     sizeof(err));
}

Test(countersign, round_trip)
{
	struct kesu_public_key pk;
	struct kesu_secret_key *sk = new_key("sato", &pk);
	struct kesu_trust *t = store_with(KESU_ROLE_WITNESS, "佐藤 花子", &pk);
	size_t len;
	char *text = countersign(sk, KESU_ROLE_WITNESS, "佐藤 花子", &len);
	/* the document line, canonical, then the signature: nothing after */
	char *nl = strchr(text, '\n');
	cr_assert_not_null(nl);
	cr_assert(Kesu_json_is_canonical(text, (size_t)(nl - text)));
	cr_assert(!strncmp(text, "{\"certificate_id\":\"KESU-20261206-1A2B3C4D\",\"job_id\":\"" JOB
				 "\",\"kesu_countersignature\":1,\"payload_hash\":\"sha256:", 114));
	cr_assert_not_null(strstr(text, "\"record_hash\":\"" RHASH "\",\"role\":\"witness\","
					"\"signed_utc\":\"2026-12-06T01:30:12Z\",\"signer\":{"));
	cr_assert_not_null(strstr(nl, "\nuntrusted comment: kesu countersignature (witness) for "
				      "KESU-20261206-1A2B3C4D\n"));
	cr_assert_eq(text[len - 1], '\n');

	struct kesu_countersig cs;
	cr_assert_eq(check(text, len, t, CERT_A, &cs), 0, "%s", err);
	char hash[KESU_COUNTERSIG_HASH_SIZE], fp[KESU_FINGERPRINT_SIZE], num[KESU_KEYNUM_HEX_SIZE];
	kesu_countersig_hash(CERT_A, strlen(CERT_A), hash);
	kesu_key_fingerprint(&pk, fp, sizeof(fp));
	kesu_key_keynum_hex(pk.keynum, num, sizeof(num));
	cr_assert_str_eq(cs.payload_hash, hash);
	cr_assert_str_eq(cs.certificate_id, "KESU-20261206-1A2B3C4D");
	cr_assert_str_eq(cs.job_id, JOB);
	cr_assert_str_eq(cs.record_hash, RHASH);
	cr_assert_eq(cs.role, KESU_ROLE_WITNESS);
	cr_assert_str_eq(cs.signer_name, "佐藤 花子");
	cr_assert_str_eq(cs.signer_fingerprint, fp);
	cr_assert_str_eq(cs.keynum, num);
	cr_assert_str_eq(cs.signed_utc, "2026-12-06T01:30:12Z");

	/* written, found beside the certificate, loaded back */
	char path[256], want[256];
	cr_assert_eq(kesu_countersig_path(dir, &cs, path, sizeof(path)), 0);
	snprintf(want, sizeof(want), "%s/kesu-KESU-20261206-1A2B3C4D.witness-%s.countersig", dir, num);
	cr_assert_str_eq(path, want);
	cr_assert_eq(kesu_file_write_atomic(path, text, len, 0644, KESU_FILE_NO_REPLACE, err,
					    sizeof(err)), 0, "%s", err);
	struct kesu_countersig back;
	cr_assert_eq(kesu_countersig_load(path, t, CERT_A, strlen(CERT_A), &back, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(back.payload_hash, hash);
	free(text);
	kesu_trust_free(t);
	kesu_key_secret_free(sk);
}

/* One changed byte of the document, still canonical JSON: the signature
 * no longer holds. One that breaks the form: not read at all. */
Test(countersign, tampered_document_is_rejected)
{
	struct kesu_public_key pk;
	struct kesu_secret_key *sk = new_key("sato", &pk);
	struct kesu_trust *t = store_with(KESU_ROLE_WITNESS, "Sato Hanako", &pk);
	size_t len;
	char *text = countersign(sk, KESU_ROLE_WITNESS, "Sato Hanako", &len);
	struct kesu_countersig cs;
	char *at = strstr(text, "01:30:12Z");
	cr_assert_not_null(at);
	at[1] = '2'; /* signed an hour later */
	cr_assert_eq(check(text, len, t, CERT_A, &cs), -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "the data was changed"), "%s", err);
	at[1] = '1';
	cr_assert_eq(check(text, len, t, CERT_A, &cs), 0, "%s", err);
	at = strstr(text, "\"role\"");
	at[1] = 'R';
	cr_assert_eq(check(text, len, t, CERT_A, &cs), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "not canonical JSON") ? err : strstr(err, "member"), "%s",
			   err);
	free(text);
	kesu_trust_free(t);
	kesu_key_secret_free(sk);
}

Test(countersign, untrusted_key_is_rejected)
{
	struct kesu_public_key pk, other_pk;
	struct kesu_secret_key *sk = new_key("sato", &pk);
	struct kesu_secret_key *other = new_key("other", &other_pk);
	struct kesu_trust *t = store_with(KESU_ROLE_WITNESS, "Sato Hanako", &pk);
	size_t len;
	char *text = countersign(other, KESU_ROLE_WITNESS, "Sato Hanako", &len);
	struct kesu_countersig cs;
	cr_assert_eq(check(text, len, t, CERT_A, &cs), -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "which is not a trusted witness"), "%s", err);
	/* nor with an empty store */
	struct kesu_trust *empty = kesu_trust_new();
	cr_assert_eq(check(text, len, empty, CERT_A, &cs), -KESU_EVERIFY);
	free(text);
	kesu_trust_free(empty);
	kesu_trust_free(t);
	kesu_key_secret_free(sk);
	kesu_key_secret_free(other);
}

/* A validator's key signing as a witness: the role it claims is the role
 * it must be trusted for. */
Test(countersign, validator_key_as_witness_is_rejected)
{
	struct kesu_public_key pk;
	struct kesu_secret_key *sk = new_key("suzuki", &pk);
	struct kesu_trust *t = store_with(KESU_ROLE_VALIDATOR, "鈴木 一郎", &pk);
	size_t len;
	char *text = countersign(sk, KESU_ROLE_WITNESS, "鈴木 一郎", &len);
	struct kesu_countersig cs;
	cr_assert_eq(check(text, len, t, CERT_A, &cs), -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "a trusted validator but not a trusted witness"), "%s", err);
	free(text);
	text = countersign(sk, KESU_ROLE_VALIDATOR, "鈴木 一郎", &len);
	cr_assert_eq(check(text, len, t, CERT_A, &cs), 0, "%s", err);
	cr_assert_eq(cs.role, KESU_ROLE_VALIDATOR);
	free(text);
	kesu_trust_free(t);
	kesu_key_secret_free(sk);
}

Test(countersign, another_certificate_is_rejected)
{
	struct kesu_public_key pk;
	struct kesu_secret_key *sk = new_key("sato", &pk);
	struct kesu_trust *t = store_with(KESU_ROLE_WITNESS, "Sato Hanako", &pk);
	size_t len;
	char *text = countersign(sk, KESU_ROLE_WITNESS, "Sato Hanako", &len);
	struct kesu_countersig cs;
	cr_assert_eq(check(text, len, t, CERT_B, &cs), -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "countersigns certificate KESU-20261206-1A2B3C4D, not "
				       "KESU-20261206-99999999"), "%s", err);
	/* the same certificate id, an edited payload */
	char edited[] = CERT_A;
	strstr(edited, "\"seq\":7")[6] = '9';
	cr_assert_eq(check(text, len, t, edited, &cs), -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "another payload of KESU-20261206-1A2B3C4D"), "%s", err);
	/* a payload that names no certificate */
	cr_assert_eq(check(text, len, t, "{\"outcome\":\"SUCCESS\"}", &cs), -KESU_EVERIFY);
	/* without a certificate, only the signature is checked */
	cr_assert_eq(check(text, len, t, NULL, &cs), 0, "%s", err);
	free(text);
	kesu_trust_free(t);
	kesu_key_secret_free(sk);
}

/* The trusted entry must be the one the document names. */
Test(countersign, another_name_is_rejected)
{
	struct kesu_public_key pk;
	struct kesu_secret_key *sk = new_key("sato", &pk);
	struct kesu_trust *t = store_with(KESU_ROLE_WITNESS, "佐藤 花子", &pk);
	size_t len;
	char *text = countersign(sk, KESU_ROLE_WITNESS, "山田 太郎", &len);
	struct kesu_countersig cs;
	cr_assert_eq(check(text, len, t, CERT_A, &cs), -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "names witness \"山田 太郎\""), "%s", err);
	free(text);
	kesu_trust_free(t);
	kesu_key_secret_free(sk);
}

Test(countersign, strict_reader)
{
	struct kesu_public_key pk;
	struct kesu_secret_key *sk = new_key("sato", &pk);
	struct kesu_trust *t = store_with(KESU_ROLE_WITNESS, "Sato Hanako", &pk);
	size_t len;
	char *text = countersign(sk, KESU_ROLE_WITNESS, "Sato Hanako", &len);
	struct kesu_countersig cs;
	char *more = malloc(len + 8);
	memcpy(more, text, len);
	memcpy(more + len, "extra\n", 7);
	cr_assert_eq(check(more, len + 6, t, CERT_A, &cs), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "extra lines"), "%s", err);
	cr_assert_eq(check(text, strchr(text, '\n') - text, t, CERT_A, &cs), -KESU_EPARSE);
	cr_assert_eq(check("", 0, t, CERT_A, &cs), -KESU_EPARSE);
	free(more);
	/* signing refuses what could not be read back */
	struct kesu_countersig s;
	char *out = NULL;
	cr_assert_eq(kesu_countersig_subject(CERT_A, strlen(CERT_A), &s, err, sizeof(err)), 0);
	cr_assert_eq(kesu_countersig_sign(&s, KESU_ROLE_APPROVER, "x", sk, T0, &out, &len, err,
					  sizeof(err)), -KESU_EPARSE);
	cr_assert_eq(kesu_countersig_sign(&s, KESU_ROLE_WITNESS, " x", sk, T0, &out, &len, err,
					  sizeof(err)), -KESU_EPARSE);
	cr_assert_null(out);
	cr_assert_eq(kesu_countersig_subject("{\"certificate_id\":\"../x\"}", 26, &s, err,
					     sizeof(err)), -KESU_EPARSE);
	free(text);
	kesu_trust_free(t);
	kesu_key_secret_free(sk);
}

Test(countersign, files_beside_the_certificate)
{
	static const char *const names[] = {
		"kesu-KESU-20261206-1A2B3C4D.witness-00.countersig",
		"kesu-KESU-20261206-1A2B3C4D.validator-01.countersig",
		"kesu-KESU-20261206-99999999.witness-00.countersig", /* another certificate */
		"kesu-KESU-20261206-1A2B3C4D.pdf",
		"kesu-KESU-20261206-1A2B3C4D.countersig", /* nothing between */
	};
	char path[256];
	for (size_t i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		cr_assert_eq(kesu_file_write_atomic(path, "x", 1, 0644, 0, err, sizeof(err)), 0);
	}
	snprintf(path, sizeof(path), "%s/kesu-KESU-20261206-1A2B3C4D.dir.countersig", dir);
	cr_assert_eq(mkdir(path, 0700), 0);
	char **paths;
	size_t n;
	cr_assert_eq(kesu_countersig_find(dir, "KESU-20261206-1A2B3C4D", &paths, &n, err,
					  sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_not_null(strstr(paths[0], names[1]));
	cr_assert_not_null(strstr(paths[1], names[0]));
	kesu_countersig_paths_free(paths, n);
	cr_assert_eq(kesu_countersig_find(dir, "KESU-20261206-00000000", &paths, &n, err,
					  sizeof(err)), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(kesu_countersig_find(dir, "*", &paths, &n, err, sizeof(err)), 0);
	cr_assert_eq(n, 0);
}

Test(countersign, ledger_record)
{
	struct kesu_public_key pk;
	struct kesu_secret_key *sk = new_key("sato", &pk);
	size_t len, rlen;
	char *text = countersign(sk, KESU_ROLE_WITNESS, "佐藤 花子", &len);
	const char *id = "0123456789abcdef0123456789abcdef";
	char *rec = kesu_countersig_record(id, text, len, "Test Operator", T0, &rlen);
	cr_assert_not_null(rec);
	cr_assert(Kesu_json_is_canonical(rec, rlen));
	struct json_object *o = json_tokener_parse(rec), *v = NULL;
	cr_assert_not_null(o);
#define TEXT_IS(key, want)                                                                     \
	cr_assert(json_object_object_get_ex(o, key, &v));                                      \
	cr_assert_str_eq(json_object_get_string(v), want)
	TEXT_IS("job_id", id);
	TEXT_IS("kind", "countersignature");
	TEXT_IS("action", "countersign");
	TEXT_IS("role", "witness");
	TEXT_IS("name", "佐藤 花子");
	TEXT_IS("by", "Test Operator");
	TEXT_IS("countersigned_job_id", JOB);
	TEXT_IS("countersigned_certificate_id", "KESU-20261206-1A2B3C4D");
#undef TEXT_IS
	cr_assert(!json_object_object_get_ex(o, "certificate_id", NULL));
	/* the file rebuilt from the record alone, byte for byte */
	struct json_object *doc = NULL, *sig = NULL;
	cr_assert(json_object_object_get_ex(o, "countersignature", &doc));
	cr_assert(json_object_object_get_ex(o, "signature", &sig));
	size_t dlen;
	char *line = Kesu_json_canonical(doc, &dlen), *file = NULL;
	cr_assert_neq(asprintf(&file, "%s\n%s", line, json_object_get_string(sig)), -1);
	cr_assert_str_eq(file, text);
	free(file);
	free(line);
	json_object_put(o);
	free(rec);
	cr_assert_null(kesu_countersig_record(id, "junk", 4, "x", T0, &rlen));
	free(text);
	kesu_key_secret_free(sk);
}

/* The trust store (kesu/trust.h): roles; a store saved and loaded back is
 * the same, byte for byte; each kind of malformed store is refused with
 * its own message and nothing of it is used; add/remove; a signature
 * counts only from a trusted key of the right role, over unchanged data;
 * the ledger record is canonical and names the key. */
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
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/paths.h"
#include "kesu/trust.h"

#define MESSAGE "{\"approval\":\"A-2026-0001\",\"media\":[\"SN-1\"]}"
#define T0 1795000000 /* 2026-11-18 */

static char dir[64], store[128];
static char err[KESU_ERRMSG_MAX];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-trust.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(store, sizeof(store), "%s/conf/trust.json", dir);
	cr_assert(sodium_init() >= 0);
	err[0] = '\0';
}

static void teardown(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(trust, .init = setup, .fini = teardown);

/* A new unprotected key pair named NAME in dir; its secret key loaded. */
static struct kesu_secret_key *new_key(const char *name, struct kesu_public_key *pk)
{
	char sec[160], pub[160];
	snprintf(sec, sizeof(sec), "%s/%s.key", dir, name);
	snprintf(pub, sizeof(pub), "%s/%s.pub", dir, name);
	cr_assert_eq(kesu_key_generate_named(sec, pub, NULL, "kesu approver public key: x", err,
					     sizeof(err)),
		     0, "%s", err);
	struct kesu_secret_key *sk = NULL;
	cr_assert_eq(kesu_key_load_secret(sec, NULL, &sk, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_key_load_public(pub, pk, err, sizeof(err)), 0, "%s", err);
	return sk;
}

static char *sign(const struct kesu_secret_key *sk, const char *msg, size_t *len)
{
	char *sig = NULL;
	cr_assert_eq(kesu_sign_detached(sk, msg, strlen(msg), "test", &sig, len), 0);
	return sig;
}

static void write_file(const char *path, const char *text)
{
	cr_assert_eq(kesu_file_write_atomic(path, text, strlen(text), 0600, 0, err, sizeof(err)), 0,
		     "%s", err);
}

static char *read_file(const char *path, size_t *len)
{
	char *text = NULL;
	cr_assert_eq(kesu_file_read_bounded(path, 1 << 20, 0, &text, len, err, sizeof(err)), 0,
		     "%s", err);
	return text;
}

Test(trust, roles)
{
	enum kesu_role r;
	cr_assert_eq(kesu_role_parse("witness", &r), 0);
	cr_assert_eq(r, KESU_ROLE_WITNESS);
	cr_assert_eq(kesu_role_parse("boss", &r), -KESU_EPARSE);
	cr_assert_eq(kesu_role_parse(NULL, &r), -KESU_EPARSE);
	cr_assert_str_eq(kesu_role_id(KESU_ROLE_CONTRACTOR), "contractor");
	cr_assert_str_eq(kesu_role_label_ja(KESU_ROLE_APPROVER), "承認者");
	cr_assert_str_eq(kesu_role_label_ja(KESU_ROLE_WITNESS), "立会者");
	cr_assert(kesu_role_is_person(KESU_ROLE_VALIDATOR));
	cr_assert(!kesu_role_is_person(KESU_ROLE_CONTRACTOR));
	cr_assert_null(kesu_role_id((enum kesu_role)0));
}

Test(trust, missing_file_is_an_empty_store)
{
	struct kesu_trust *t = NULL;
	cr_assert_eq(kesu_trust_load(store, &t, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_trust_count(t), 0);
	cr_assert_null(kesu_trust_at(t, 0));
	kesu_trust_free(t);
	cr_assert_neq(access(store, F_OK), 0, "loading created the file");
}

Test(trust, save_and_load_round_trip)
{
	struct kesu_public_key a, w;
	kesu_key_secret_free(new_key("a", &a));
	kesu_key_secret_free(new_key("w", &w));
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_eq(kesu_trust_add_commented(t, KESU_ROLE_APPROVER, "山田 太郎", &a,
					      "kesu approver public key: 山田 太郎", T0, err,
					      sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_WITNESS, "Sato \"Hanako\"", &w, T0 + 60, err,
				    sizeof(err)),
		     0, "%s", err);
	/* The same key may hold a second role. */
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_VALIDATOR, "山田 太郎", &a, T0, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(kesu_trust_save(t, store, err, sizeof(err)), 0, "%s", err);
	struct stat st;
	cr_assert_eq(stat(store, &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0600);

	struct kesu_trust *back = NULL;
	cr_assert_eq(kesu_trust_load(store, &back, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_trust_count(back), 3);
	const struct kesu_trust_entry *e = kesu_trust_at(back, 0);
	cr_assert_str_eq(e->name, "山田 太郎");
	cr_assert_eq(e->role, KESU_ROLE_APPROVER);
	cr_assert_str_eq(e->added_utc, "2026-11-18T11:06:40Z");
	cr_assert_str_eq(e->comment, "kesu approver public key: 山田 太郎");
	cr_assert_eq(memcmp(&e->key, &a, sizeof(a)), 0);
	char fp[KESU_FINGERPRINT_SIZE];
	kesu_key_fingerprint(&a, fp, sizeof(fp));
	cr_assert_str_eq(e->fingerprint, fp);
	cr_assert_str_eq(kesu_trust_at(back, 1)->name, "Sato \"Hanako\"");

	/* Saved again, the bytes are the same: one canonical form. */
	size_t n1, n2;
	char *first = read_file(store, &n1);
	cr_assert_eq(first[n1 - 1], '\n');
	cr_assert(Kesu_json_is_canonical(first, n1 - 1));
	cr_assert_eq(kesu_trust_save(back, store, err, sizeof(err)), 0, "%s", err);
	char *second = read_file(store, &n2);
	cr_assert_eq(n1, n2);
	cr_assert_eq(memcmp(first, second, n1), 0);
	free(first);
	free(second);
	kesu_trust_free(t);
	kesu_trust_free(back);
}

Test(trust, add_refuses_bad_names_and_duplicates)
{
	struct kesu_public_key a;
	kesu_key_secret_free(new_key("a", &a));
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "", &a, T0, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_str_eq(err, "the name is empty");
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "bad \xff name", &a, T0, err,
				    sizeof(err)),
		     -KESU_EPARSE);
	cr_assert(strstr(err, "not valid UTF-8"), "%s", err);
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "two\nlines", &a, T0, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, " padded", &a, T0, err, sizeof(err)),
		     -KESU_EPARSE);
	char longname[KESU_TRUST_NAME_MAX + 2];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, longname, &a, T0, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_eq(kesu_trust_count(t), 0);
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "A", &a, T0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "B", &a, T0, err, sizeof(err)), -EEXIST);
	cr_assert(strstr(err, "is already a trusted approver, as A"), "%s", err);
	/* Another key that claims the same key number. */
	struct kesu_public_key twin = a;
	twin.pk[0] ^= 1;
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_WITNESS, "C", &twin, T0, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert(strstr(err, "shares its key number"), "%s", err);
	cr_assert_eq(kesu_trust_count(t), 1);
	kesu_trust_free(t);
}

Test(trust, remove_by_fingerprint_keynum_or_name)
{
	struct kesu_public_key a, w;
	kesu_key_secret_free(new_key("a", &a));
	kesu_key_secret_free(new_key("w", &w));
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "Alice", &a, T0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_WITNESS, "Alice", &a, T0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_WITNESS, "Wendy", &w, T0, err, sizeof(err)), 0);
	struct kesu_trust_entry gone;
	char num[KESU_KEYNUM_HEX_SIZE], fp[KESU_FINGERPRINT_SIZE];
	kesu_key_keynum_hex(w.keynum, num, sizeof(num));
	kesu_key_fingerprint(&a, fp, sizeof(fp));
	cr_assert_eq(kesu_trust_remove(t, KESU_ROLE_APPROVER, "Wendy", &gone, err, sizeof(err)),
		     -KESU_ENOTFOUND);
	cr_assert_str_eq(err, "no trusted approver is \"Wendy\" (by fingerprint, key number or "
			      "name)");
	cr_assert_eq(kesu_trust_remove(t, 0, num, &gone, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(gone.name, "Wendy");
	cr_assert_eq(kesu_trust_count(t), 2);
	cr_assert_eq(kesu_trust_remove(t, KESU_ROLE_WITNESS, fp, &gone, err, sizeof(err)), 0);
	cr_assert_eq(gone.role, KESU_ROLE_WITNESS);
	cr_assert_eq(kesu_trust_count(t), 1);
	cr_assert_eq(kesu_trust_at(t, 0)->role, KESU_ROLE_APPROVER);
	cr_assert_eq(kesu_trust_remove(t, 0, "Alice", NULL, err, sizeof(err)), 0);
	cr_assert_eq(kesu_trust_count(t), 0);
	kesu_trust_free(t);
}

/* A valid store with one approver, as text, for the malformed cases. */
static char good[1024];
static void make_good(void)
{
	struct kesu_public_key a;
	kesu_key_secret_free(new_key("a", &a));
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "Alice", &a, T0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_trust_save(t, store, err, sizeof(err)), 0, "%s", err);
	kesu_trust_free(t);
	size_t n;
	char *text = read_file(store, &n);
	cr_assert_lt(n, sizeof(good));
	memcpy(good, text, n + 1);
	free(text);
}

/* good with the first `from` replaced by `to`, written to the store. */
static void write_edited(const char *from, const char *to)
{
	char edited[2048];
	const char *at = strstr(good, from);
	cr_assert_not_null(at, "\"%s\" not in %s", from, good);
	snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - good), good, to,
		 at + strlen(from));
	write_file(store, edited);
}

static void refused(const char *why)
{
	struct kesu_trust *t = (struct kesu_trust *)1;
	size_t before_len, after_len;
	char *before = read_file(store, &before_len);
	cr_assert_eq(kesu_trust_load(store, &t, err, sizeof(err)), -KESU_EPARSE, "accepted: %s",
		     before);
	cr_assert_null(t);
	char want[KESU_ERRMSG_MAX];
	snprintf(want, sizeof(want), "%s: %s", store, why);
	cr_assert(strncmp(err, want, strlen(want)) == 0, "got \"%s\", wanted \"%s...\"", err, want);
	cr_assert_null(strchr(err, '\n'));
	char *after = read_file(store, &after_len);
	cr_assert(before_len == after_len && !memcmp(before, after, after_len),
		  "loading changed the file");
	free(before);
	free(after);
}

Test(trust, malformed_stores_are_refused)
{
	make_good();
	struct kesu_trust *t;
	cr_assert_eq(kesu_trust_load(store, &t, err, sizeof(err)), 0, "%s", err);
	kesu_trust_free(t);

	write_file(store, "not json\n");
	refused("not JSON");
	write_file(store, "[]\n");
	refused("not a kesu trust store (not a JSON object)");
	write_file(store, "{\"keys\":[]}\n");
	refused("not a kesu trust store (no \"kesu_trust\")");
	write_file(store, "{\"keys\":[],\"kesu_trust\":2}\n");
	refused("trust store format 2 is not one this kesu reads (1)");
	write_edited("\"kesu_trust\":1", "\"kesu_trust\":1,\"trusted_all\":true");
	refused("unknown member \"trusted_all\"");
	write_edited("\"added_utc\"", "\"extra\":\"x\",\"added_utc\"");
	refused("entry 1: unknown member \"extra\"");
	write_edited("\"role\":\"approver\"", "\"role\":\"boss\"");
	refused("entry 1: unknown role \"boss\"");
	write_edited("\"name\":\"Alice\"", "\"name\":\"Al\xff\"");
	refused("not valid UTF-8 (byte ");
	write_edited("\"name\":\"Alice\"", "\"name\":\"Al\\u0007ice\"");
	refused("entry 1: the name has a control character (U+0007)");
	write_edited("\"public_key\":\"", "\"public_key\":\"!");
	refused("entry 1 (Alice): public_key is not the base64 of a signify public key");
	write_edited("\"fingerprint\":\"ed25519:", "\"fingerprint\":\"ed25519:0");
	refused("entry 1 (Alice): fingerprint is not the key's");
	write_edited("\"keynum\":\"", "\"keynum\":\"0");
	refused("entry 1 (Alice): keynum is not the key's");
	write_edited("\"added_utc\":\"2026", "\"added_utc\":\"yesterday 2026");
	refused("entry 1 (Alice): added_utc is not a UTC time");
	write_edited("\"role\":\"approver\"", "\"role\":7");
	refused("entry 1: \"role\" is missing or not a string");

	/* The same entry twice. */
	const char *open = strchr(good, '['), *close = strrchr(good, ']');
	char twice[2048];
	snprintf(twice, sizeof(twice), "%.*s,%.*s", (int)(close - good), good,
		 (int)(strlen(good) - (size_t)(open + 1 - good)), open + 1);
	write_file(store, twice);
	refused("entry 2: key ");
	cr_assert(strstr(err, "is already a trusted approver, as Alice"), "%s", err);

	/* Valid, but not the form kesu writes: a member given twice. */
	write_edited("\"name\":\"Alice\"", "\"name\":\"Mallory\",\"name\":\"Alice\"");
	refused("not in canonical form");
	write_edited("{\"kesu_trust\"", "{ \"kesu_trust\"");
	refused("not in canonical form");
}

Test(trust, a_directory_is_not_a_store)
{
	char d[160];
	snprintf(d, sizeof(d), "%s/conf", dir);
	cr_assert_eq(mkdir(d, 0700), 0);
	cr_assert_eq(mkdir(store, 0700), 0);
	struct kesu_trust *t;
	cr_assert_eq(kesu_trust_load(store, &t, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "not a kesu trust store (not a regular file)"), "%s", err);
}

Test(trust, verify_signatures_by_role)
{
	struct kesu_public_key a, stranger;
	struct kesu_secret_key *ask = new_key("a", &a), *ssk = new_key("s", &stranger);
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "山田 太郎", &a, T0, err, sizeof(err)),
		     0);
	size_t len, slen;
	char *sig = sign(ask, MESSAGE, &len), *ssig = sign(ssk, MESSAGE, &slen);
	const struct kesu_trust_entry *who = NULL;

	cr_assert_eq(kesu_trust_verify(t, KESU_ROLE_APPROVER, MESSAGE, strlen(MESSAGE), sig, len,
				       &who, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_not_null(who);
	cr_assert_str_eq(who->name, "山田 太郎");

	char num[KESU_KEYNUM_HEX_SIZE], want[256];
	kesu_key_keynum_hex(stranger.keynum, num, sizeof(num));
	snprintf(want, sizeof(want), "signed by key %s, which is not a trusted approver", num);
	cr_assert_eq(kesu_trust_verify(t, KESU_ROLE_APPROVER, MESSAGE, strlen(MESSAGE), ssig, slen,
				       &who, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_str_eq(err, want);
	cr_assert_null(who);

	kesu_key_keynum_hex(a.keynum, num, sizeof(num));
	snprintf(want, sizeof(want),
		 "signed by key %s (山田 太郎), a trusted approver but not a trusted witness", num);
	cr_assert_eq(kesu_trust_verify(t, KESU_ROLE_WITNESS, MESSAGE, strlen(MESSAGE), sig, len,
				       &who, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_str_eq(err, want);

	char tampered[] = MESSAGE;
	tampered[5] ^= 1;
	cr_assert_eq(kesu_trust_verify(t, KESU_ROLE_APPROVER, tampered, strlen(tampered), sig, len,
				       &who, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert(strstr(err, "signature does not match: the data was changed"), "%s", err);
	cr_assert_null(who);

	cr_assert_eq(kesu_trust_verify(t, KESU_ROLE_APPROVER, MESSAGE, strlen(MESSAGE), "junk", 4,
				       &who, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert(strstr(err, "not a signify signature"), "%s", err);

	/* Removed, the key no longer counts. */
	cr_assert_eq(kesu_trust_remove(t, 0, "山田 太郎", NULL, err, sizeof(err)), 0);
	cr_assert_eq(kesu_trust_verify(t, KESU_ROLE_APPROVER, MESSAGE, strlen(MESSAGE), sig, len,
				       &who, err, sizeof(err)),
		     -KESU_EVERIFY);
	free(sig);
	free(ssig);
	kesu_key_secret_free(ask);
	kesu_key_secret_free(ssk);
	kesu_trust_free(t);
}

Test(trust, ledger_record)
{
	struct kesu_public_key a;
	kesu_key_secret_free(new_key("a", &a));
	struct kesu_trust *t = kesu_trust_new();
	cr_assert_eq(kesu_trust_add(t, KESU_ROLE_APPROVER, "山田 太郎", &a, T0, err, sizeof(err)),
		     0);
	size_t len;
	char *rec = kesu_trust_record("0123456789abcdef0123456789abcdef", "add",
				      kesu_trust_at(t, 0), "Test Operator", T0, &len);
	cr_assert_not_null(rec);
	cr_assert(Kesu_json_is_canonical(rec, len), "%s", rec);
	cr_assert(strstr(rec, "\"kind\":\"trust\""), "%s", rec);
	cr_assert(strstr(rec, "\"job_id\":\"0123456789abcdef0123456789abcdef\""), "%s", rec);
	cr_assert(strstr(rec, "\"action\":\"add\""), "%s", rec);
	cr_assert(strstr(rec, "\"role\":\"approver\""), "%s", rec);
	cr_assert(strstr(rec, "\"by\":\"Test Operator\""), "%s", rec);
	cr_assert(strstr(rec, kesu_trust_at(t, 0)->fingerprint), "%s", rec);
	cr_assert(strstr(rec, "\"public_key\":\"RW"), "%s", rec); /* base64 of "Ed..." */
	free(rec);
	/* Invalid UTF-8 is never signed. */
	rec = kesu_trust_record("0123456789abcdef0123456789abcdef", "add", kesu_trust_at(t, 0),
				"bad \xff", T0, &len);
	cr_assert_null(rec);
	kesu_trust_free(t);
}

Test(trust, default_path)
{
	char buf[256];
	setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
	unsetenv("KESU_TRUST");
	cr_assert_eq(kesu_default_path(KESU_PATH_TRUST, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "/xdg/conf/kesu/trust.json");
	setenv("KESU_TRUST", "/elsewhere/t.json", 1);
	cr_assert_eq(kesu_default_path(KESU_PATH_TRUST, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "/elsewhere/t.json");
	unsetenv("KESU_TRUST");
}

Test(trust, named_key_comment)
{
	char sec[160], pub[160], comment[KESU_COMMENT_MAX + 1];
	snprintf(sec, sizeof(sec), "%s/w.key", dir);
	snprintf(pub, sizeof(pub), "%s/w.pub", dir);
	cr_assert_eq(kesu_key_generate_named(sec, pub, NULL, "two\nlines", err, sizeof(err)),
		     -EINVAL);
	cr_assert_neq(access(sec, F_OK), 0);
	cr_assert_eq(kesu_key_generate_named(sec, pub, NULL,
					     "kesu witness public key: 佐藤 (no passphrase)", err,
					     sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(kesu_key_file_comment(pub, comment, sizeof(comment), err, sizeof(err)), 0);
	cr_assert_str_eq(comment, "kesu witness public key: 佐藤 (no passphrase)");
	struct kesu_public_key pk;
	cr_assert_eq(kesu_key_load_public(pub, &pk, err, sizeof(err)), 0, "%s", err);
}

/* Station keys and signify-format signatures: key files are made with the
 * right modes and never overwritten, load back, sign and verify; every
 * failure gets its exact message; fixed test vectors (tests/fixtures/keys)
 * keep the formats from drifting; signify's own files are understood. And
 * where kesu keeps its files (kesu/paths.h). */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/key.h"
#include "kesu/paths.h"

#define KEYS KESU_FIXTURES "/keys"
#define PASSPHRASE "correct horse battery staple"
#define MESSAGE "erased: /dev/sdb, serial SATA-SSD-1, dod-3pass, verified"

static char dir[64];
static char secret[128], public[128];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-key.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(secret, sizeof(secret), "%s/new/dir/station.key", dir);
	snprintf(public, sizeof(public), "%s/new/dir/station.pub", dir);
	cr_assert_eq(sodium_init() >= 0, true);
}

static void teardown(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(key, .init = setup, .fini = teardown);

static void generate(const char *passphrase)
{
	char err[512] = "";
	int rc = kesu_key_generate(secret, public, passphrase, err, sizeof(err));
	cr_assert_eq(rc, 0, "generate: %s", err);
}

static struct kesu_secret_key *load_secret(const char *path, const char *passphrase)
{
	char err[512] = "";
	struct kesu_secret_key *sk = NULL;
	int rc = kesu_key_load_secret(path, passphrase, &sk, err, sizeof(err));
	cr_assert_eq(rc, 0, "load %s: %s", path, err);
	cr_assert_not_null(sk);
	return sk;
}

static void load_public(const char *path, struct kesu_public_key *pk)
{
	char err[512] = "";
	int rc = kesu_key_load_public(path, pk, err, sizeof(err));
	cr_assert_eq(rc, 0, "load %s: %s", path, err);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	char *buf = malloc(65536);
	*len = fread(buf, 1, 65535, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
}

static unsigned mode_of(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
	return st.st_mode & 07777;
}

/* A fixture secret key copied to a 0600 file (git keeps no modes). */
static void private_copy(const char *fixture, char *out, size_t size)
{
	size_t len;
	char *text = slurp(fixture, &len);
	snprintf(out, size, "%s/copy.key", dir);
	unlink(out);
	spit(out, text, len, 0600);
	free(text);
}

/* The base64 line of a two-line signify-style file, decoded. */
static size_t decode_file(const char *path, uint8_t *bin, size_t max)
{
	size_t len, got = 0;
	char *text = slurp(path, &len);
	char *line = strchr(text, '\n') + 1;
	*strchr(line, '\n') = '\0';
	cr_assert_eq(sodium_base642bin(bin, max, line, strlen(line), NULL, &got, NULL,
				       sodium_base64_VARIANT_ORIGINAL),
		     0);
	free(text);
	return got;
}

/* ---- key files ---- */

Test(key, generate_makes_files_with_the_right_modes)
{
	generate(NULL);
	char sub[128];
	snprintf(sub, sizeof(sub), "%s/new/dir", dir);
	cr_assert_eq(mode_of(sub), 0700);
	cr_assert_eq(mode_of(secret), 0600);
	cr_assert_eq(mode_of(public), 0644);
	size_t len;
	char *text = slurp(public, &len);
	cr_assert(strncmp(text, "untrusted comment: kesu station public key ed25519:", 51) == 0,
		  "%s", text);
	cr_assert_eq(len, 51 + 32 + 1 + 56 + 1, "signify's public key: 42 bytes, 56 base64");
	free(text);
	text = slurp(secret, &len);
	cr_assert(strncmp(text, "untrusted comment: kesu station secret key ed25519:", 51) == 0);
	cr_assert_eq(len, 51 + 32 + 1 + 252 + 1, "kesu's secret key: 188 bytes, 252 base64");
	free(text);
}

Test(key, generate_never_overwrites)
{
	generate(NULL);
	size_t len1, len2;
	char *before = slurp(secret, &len1);
	char err[512] = "";
	int rc = kesu_key_generate(secret, public, NULL, err, sizeof(err));
	cr_assert_eq(rc, -EEXIST);
	cr_assert(strstr(err, secret) && strstr(err, "already exists"), "%s", err);
	char *after = slurp(secret, &len2);
	cr_assert(len1 == len2 && memcmp(before, after, len1) == 0, "the key was changed");
	free(before);
	free(after);

	/* The public key is in the way: the new secret key is not left behind. */
	char other[160];
	snprintf(other, sizeof(other), "%s/other.key", dir);
	rc = kesu_key_generate(other, public, NULL, err, sizeof(err));
	cr_assert_eq(rc, -EEXIST);
	cr_assert(strstr(err, public), "%s", err);
	cr_assert_eq(access(other, F_OK), -1, "half-made secret key left behind");
}

Test(key, generate_needs_two_files)
{
	char err[512] = "";
	cr_assert_eq(kesu_key_generate(secret, secret, NULL, err, sizeof(err)), -EINVAL);
}

Test(key, load_back_and_fingerprint)
{
	generate(NULL);
	struct kesu_public_key pk, from_sk, in_sk;
	load_public(public, &pk);
	struct kesu_secret_key *sk = load_secret(secret, NULL);
	kesu_key_public_from_secret(sk, &from_sk);
	cr_assert(memcmp(&pk, &from_sk, sizeof(pk)) == 0, "public key != public half of secret");
	char err[512] = "";
	cr_assert_eq(kesu_key_read_secret_public(secret, &in_sk, err, sizeof(err)), 0, "%s", err);
	cr_assert(memcmp(&pk, &in_sk, sizeof(pk)) == 0);
	cr_assert_not(kesu_key_secret_is_protected(secret));
	kesu_key_secret_free(sk);

	char fp[KESU_FINGERPRINT_SIZE], hex[33];
	uint8_t hash[32];
	kesu_key_fingerprint(&pk, fp, sizeof(fp));
	crypto_generichash(hash, 32, pk.pk, 32, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, 16);
	cr_assert_eq(strlen(fp), KESU_FINGERPRINT_SIZE - 1);
	cr_assert(strncmp(fp, "ed25519:", 8) == 0 && strcmp(fp + 8, hex) == 0, "%s", fp);
}

Test(key, keys_differ_each_time)
{
	generate(NULL);
	struct kesu_public_key a, b;
	load_public(public, &a);
	snprintf(secret, sizeof(secret), "%s/second.key", dir);
	snprintf(public, sizeof(public), "%s/second.pub", dir);
	generate(NULL);
	load_public(public, &b);
	cr_assert(memcmp(a.pk, b.pk, 32) != 0 && memcmp(a.keynum, b.keynum, 8) != 0);
}

Test(key, passphrase_protects_the_key)
{
	generate(PASSPHRASE);
	cr_assert(kesu_key_secret_is_protected(secret));
	char err[512] = "";
	struct kesu_secret_key *sk = NULL;

	int rc = kesu_key_load_secret(secret, "correct horse battery stapler", &sk, err, sizeof(err));
	cr_assert_eq(rc, -EKEYREJECTED);
	cr_assert_null(sk);
	char want[256];
	snprintf(want, sizeof(want), "wrong passphrase for %s", secret);
	cr_assert_str_eq(err, want);

	cr_assert_eq(kesu_key_load_secret(secret, NULL, &sk, err, sizeof(err)), -ENOKEY);
	cr_assert(strstr(err, "protected by a passphrase"), "%s", err);
	cr_assert_eq(kesu_key_load_secret(secret, "", &sk, err, sizeof(err)), -ENOKEY);

	sk = load_secret(secret, PASSPHRASE);
	struct kesu_public_key pk, from_sk;
	load_public(public, &pk);
	kesu_key_public_from_secret(sk, &from_sk);
	cr_assert(memcmp(&pk, &from_sk, sizeof(pk)) == 0);
	/* No passphrase needed to see which key it is. */
	cr_assert_eq(kesu_key_read_secret_public(secret, &from_sk, err, sizeof(err)), 0);
	cr_assert(memcmp(&pk, &from_sk, sizeof(pk)) == 0);
	kesu_key_secret_free(sk);
}

/* The secret key's bytes (the seed, the whole key) appear nowhere in a
 * protected file: not in the decoded struct, not as base64 or hex text. */
Test(key, protected_file_holds_no_secret_in_clear)
{
	generate(PASSPHRASE);
	struct kesu_secret_key *sk = load_secret(secret, PASSPHRASE);
	uint8_t bin[512];
	size_t n = decode_file(secret, bin, sizeof(bin));
	cr_assert_eq(n, 188);
	cr_assert_null(memmem(bin, n, sk->sk, 32), "the seed is in the file in clear");
	cr_assert_null(memmem(bin, n, sk->sk, 16), "half the seed is in the file in clear");
	size_t len;
	char *text = slurp(secret, &len);
	char b64[128], hex[129];
	sodium_bin2base64(b64, sizeof(b64), sk->sk, 32, sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2hex(hex, sizeof(hex), sk->sk, 32);
	b64[40] = '\0'; /* 30 bytes' worth, free of padding */
	cr_assert_null(strstr(text, b64));
	cr_assert_null(strstr(text, hex));
	free(text);

	/* The same check finds the key in an unprotected file: the test can see. */
	snprintf(secret, sizeof(secret), "%s/clear.key", dir);
	snprintf(public, sizeof(public), "%s/clear.pub", dir);
	generate(NULL);
	struct kesu_secret_key *clear = load_secret(secret, NULL);
	n = decode_file(secret, bin, sizeof(bin));
	cr_assert_not_null(memmem(bin, n, clear->sk, 64));
	kesu_key_secret_free(clear);
	kesu_key_secret_free(sk);
}

Test(key, secret_key_readable_by_others_is_refused)
{
	generate(NULL);
	static const unsigned modes[] = {0640, 0604, 0644, 0660, 0610};
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		cr_assert_eq(chmod(secret, modes[i]), 0);
		char err[512] = "", want[256];
		struct kesu_secret_key *sk = NULL;
		cr_assert_eq(kesu_key_load_secret(secret, NULL, &sk, err, sizeof(err)), -EACCES);
		cr_assert_null(sk);
		snprintf(want, sizeof(want), "%s: permissions %04o are too open; chmod 600", secret,
			 modes[i]);
		cr_assert_str_eq(err, want);
	}
	cr_assert_eq(chmod(secret, 0400), 0);
	kesu_key_secret_free(load_secret(secret, NULL));
}

Test(key, damaged_or_foreign_secret_keys_are_refused)
{
	generate(NULL);
	size_t len;
	char *text = slurp(secret, &len);
	char *line = strchr(text, '\n') + 1;
	char err[512] = "";
	struct kesu_secret_key *sk = NULL;

	/* One changed character in the middle of the key: the checksum. */
	line[150] = line[150] == 'A' ? 'B' : 'A';
	spit(secret, text, len, 0600);
	cr_assert_eq(kesu_key_load_secret(secret, NULL, &sk, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "not a kesu secret key (") && strstr(err, "checksum"), "%s", err);
	free(text);

	static const char *const bad[] = {
		"hello\n",
		"untrusted comment: x\n",
		"untrusted comment: x\nRWQ=\n",
		"untrusted comment: public key\nRWS8PfB9rV/99MgOgAjnp7+Fe7i1QC+hCXe6Uw+xPaDZuNkgUEgrwPax\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		spit(secret, bad[i], strlen(bad[i]), 0600);
		cr_assert_eq(kesu_key_load_secret(secret, NULL, &sk, err, sizeof(err)), -KESU_EPARSE,
			     "case %zu", i);
		char want[256];
		snprintf(want, sizeof(want), "%s: not a kesu secret key (", secret);
		cr_assert(strncmp(err, want, strlen(want)) == 0, "case %zu: %s", i, err);
		cr_assert_not(kesu_key_secret_is_protected(secret));
	}
	cr_assert_eq(kesu_key_load_secret("/nonexistent/k.key", NULL, &sk, err, sizeof(err)),
		     -ENOENT);
}

Test(key, malformed_public_keys_are_refused)
{
	char path[128], err[512];
	struct kesu_public_key pk;
	snprintf(path, sizeof(path), "%s/bad.pub", dir);
	static const char *const bad[] = {
		"",
		"RWS8PfB9rV/99MgOgAjnp7+Fe7i1QC+hCXe6Uw+xPaDZuNkgUEgrwPax\n",
		"untrusted comment: x\nRWS8PfB9rV/99MgOgAjnp7+Fe7i1QC+hCXe6Uw+xPaDZuNkgUEgr\n",
		"untrusted comment: x\nRWS8PfB9rV/99MgOgAjnp7+Fe7i1QC+hCXe6Uw+xPaDZuNkgUEgrwPax",
		"untrusted comment: x\nQWS8PfB9rV/99MgOgAjnp7+Fe7i1QC+hCXe6Uw+xPaDZuNkgUEgrwPax\n",
		"untrusted comment: x\nRWS8PfB9rV/99MgOgAjnp7+Fe7i1QC+hCXe6Uw+xPaDZuNkgUEgrwPa!\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		spit(path, bad[i], strlen(bad[i]), 0644);
		cr_assert_eq(kesu_key_load_public(path, &pk, err, sizeof(err)), -KESU_EPARSE,
			     "case %zu", i);
		cr_assert(strstr(err, "not a signify public key ("), "case %zu: %s", i, err);
	}
	snprintf(path, sizeof(path), "%s/missing.pub", dir);
	cr_assert_eq(kesu_key_load_public(path, &pk, err, sizeof(err)), -ENOENT);
}

/* ---- signatures ---- */

Test(key, detached_signatures)
{
	generate(NULL);
	struct kesu_public_key pk;
	load_public(public, &pk);
	struct kesu_secret_key *sk = load_secret(secret, NULL);
	char *sig, err[512] = "";
	size_t sig_len;
	cr_assert_eq(kesu_sign_detached(sk, MESSAGE, strlen(MESSAGE), "verify with station.pub", &sig,
					&sig_len),
		     0);
	cr_assert_eq(sig_len, strlen(sig));
	cr_assert(strncmp(sig, "untrusted comment: verify with station.pub\nRW", 45) == 0, "%s",
		  sig);
	cr_assert_eq(sig_len, 43 + 100 + 1, "signify's sig: 74 bytes, 100 base64");
	cr_assert_eq(kesu_verify_detached(&pk, MESSAGE, strlen(MESSAGE), sig, sig_len, err,
					  sizeof(err)),
		     0, "%s", err);

	char changed[] = MESSAGE;
	changed[7] ^= 0x01;
	cr_assert_eq(kesu_verify_detached(&pk, changed, strlen(changed), sig, sig_len, err,
					  sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_str_eq(err, "signature does not match: the data was changed");
	cr_assert_eq(kesu_verify_detached(&pk, MESSAGE, strlen(MESSAGE) - 1, sig, sig_len, err,
					  sizeof(err)),
		     -KESU_EVERIFY);

	/* A changed signature byte (inside the Ed25519 signature). */
	char *forged = strdup(sig);
	forged[43 + 60] = forged[43 + 60] == 'A' ? 'B' : 'A';
	cr_assert_eq(kesu_verify_detached(&pk, MESSAGE, strlen(MESSAGE), forged, sig_len, err,
					  sizeof(err)),
		     -KESU_EVERIFY);
	free(forged);

	/* NULL comment: signify's convention. */
	char *sig2;
	size_t len2;
	cr_assert_eq(kesu_sign_detached(sk, "", 0, NULL, &sig2, &len2), 0);
	cr_assert(strncmp(sig2, "untrusted comment: verify with station.pub\n", 43) == 0);
	cr_assert_eq(kesu_verify_detached(&pk, "", 0, sig2, len2, err, sizeof(err)), 0, "%s", err);
	free(sig2);
	cr_assert_eq(kesu_sign_detached(sk, "", 0, "two\nlines", &sig2, &len2), -EINVAL);
	cr_assert_null(sig2);

	free(sig);
	kesu_key_secret_free(sk);
}

Test(key, another_keys_signature_names_both_key_numbers)
{
	generate(NULL);
	struct kesu_secret_key *sk = load_secret(secret, NULL);
	snprintf(secret, sizeof(secret), "%s/other.key", dir);
	snprintf(public, sizeof(public), "%s/other.pub", dir);
	generate(NULL);
	struct kesu_public_key other;
	load_public(public, &other);

	char *sig, err[512] = "";
	size_t sig_len;
	cr_assert_eq(kesu_sign_detached(sk, MESSAGE, strlen(MESSAGE), "x", &sig, &sig_len), 0);
	cr_assert_eq(kesu_verify_detached(&other, MESSAGE, strlen(MESSAGE), sig, sig_len, err,
					  sizeof(err)),
		     -KESU_EVERIFY);
	char signer[KESU_KEYNUM_HEX_SIZE], expected[KESU_KEYNUM_HEX_SIZE], want[128];
	kesu_key_keynum_hex(sk->keynum, signer, sizeof(signer));
	kesu_key_keynum_hex(other.keynum, expected, sizeof(expected));
	snprintf(want, sizeof(want), "signed by another key (key number %s, expected %s)", signer,
		 expected);
	cr_assert_str_eq(err, want);

	/* Same key number, other key: the signature itself fails. */
	memcpy(other.keynum, sk->keynum, sizeof(other.keynum));
	cr_assert_eq(kesu_verify_detached(&other, MESSAGE, strlen(MESSAGE), sig, sig_len, err,
					  sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert_str_eq(err, "signature does not match: the data was changed");
	free(sig);
	kesu_key_secret_free(sk);
}

Test(key, malformed_signatures_are_parse_errors)
{
	generate(NULL);
	struct kesu_public_key pk;
	load_public(public, &pk);
	struct kesu_secret_key *sk = load_secret(secret, NULL);
	char *sig, err[512];
	size_t sig_len;
	cr_assert_eq(kesu_sign_detached(sk, MESSAGE, strlen(MESSAGE), "c", &sig, &sig_len), 0);
	kesu_key_secret_free(sk);
	const char *m = MESSAGE;
	size_t ml = strlen(MESSAGE);

	/* Truncated anywhere: in the base64, before its newline, in the comment. */
	size_t cuts[] = {0, 5, 21, 22, 40, sig_len - 2, sig_len - 1};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(kesu_verify_detached(&pk, m, ml, sig, cuts[i], err, sizeof(err)),
			     -KESU_EPARSE, "cut at %zu", cuts[i]);
		cr_assert(strncmp(err, "not a signify signature: ", 25) == 0, "%s", err);
	}

	char *bad = strdup(sig);
	bad[30] = '!'; /* not base64 */
	cr_assert_eq(kesu_verify_detached(&pk, m, ml, bad, sig_len, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_str_eq(err, "not a signify signature: invalid base64");
	strcpy(bad, sig);
	bad[0] = 'U'; /* "Untrusted" */
	cr_assert_eq(kesu_verify_detached(&pk, m, ml, bad, sig_len, err, sizeof(err)), -KESU_EPARSE);
	strcpy(bad, sig);
	bad[22] = 'Q'; /* the tag "Ed" becomes "E\x04": another algorithm */
	cr_assert_eq(kesu_verify_detached(&pk, m, ml, bad, sig_len, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "algorithm"), "%s", err);
	free(bad);

	/* Data after the signature: not a detached signature. */
	char *longer = malloc(sig_len + 8);
	memcpy(longer, sig, sig_len);
	memcpy(longer + sig_len, "extra\n", 6);
	cr_assert_eq(kesu_verify_detached(&pk, m, ml, longer, sig_len + 6, err, sizeof(err)),
		     -KESU_EPARSE);
	free(longer);

	/* A public key is not a signature. */
	size_t plen;
	char *pub = slurp(public, &plen);
	cr_assert_eq(kesu_verify_detached(&pk, m, ml, pub, plen, err, sizeof(err)), -KESU_EPARSE);
	free(pub);
	free(sig);
}

Test(key, raw_signatures)
{
	generate(NULL);
	struct kesu_public_key pk;
	load_public(public, &pk);
	struct kesu_secret_key *sk = load_secret(secret, NULL);
	uint8_t sig[KESU_SIG_BYTES];
	cr_assert_eq(kesu_sign_raw(sk, MESSAGE, strlen(MESSAGE), sig), 0);
	cr_assert_eq(kesu_verify_raw(&pk, MESSAGE, strlen(MESSAGE), sig), 0);
	char changed[] = MESSAGE;
	changed[0] ^= 0x80;
	cr_assert_eq(kesu_verify_raw(&pk, changed, strlen(changed), sig), -KESU_EVERIFY);
	sig[10] ^= 0x01;
	cr_assert_eq(kesu_verify_raw(&pk, MESSAGE, strlen(MESSAGE), sig), -KESU_EVERIFY);
	/* It is plain Ed25519: libsodium checks it the same way. */
	sig[10] ^= 0x01;
	cr_assert_eq(crypto_sign_verify_detached(sig, (const uint8_t *)MESSAGE, strlen(MESSAGE),
						 pk.pk),
		     0);
	kesu_key_secret_free(sk);
}

/* ---- fixed test vectors (tests/fixtures/keys/README.md) ---- */

Test(key, regression_stored_signature_verifies_and_forgery_fails)
{
	struct kesu_public_key pk;
	load_public(KEYS "/test-station.pubkey.txt", &pk);
	char fp[KESU_FINGERPRINT_SIZE], num[KESU_KEYNUM_HEX_SIZE], err[512] = "";
	kesu_key_fingerprint(&pk, fp, sizeof(fp));
	kesu_key_keynum_hex(pk.keynum, num, sizeof(num));
	cr_assert_str_eq(fp, "ed25519:f4f7a12ecc97accca1fd111908e5edf9");
	cr_assert_str_eq(num, "99e5e8b77a9bd64a");

	size_t ml, sl;
	char *msg = slurp(KEYS "/message.txt", &ml);
	char *sig = slurp(KEYS "/message.txt.sig", &sl);
	cr_assert_eq(kesu_verify_detached(&pk, msg, ml, sig, sl, err, sizeof(err)), 0, "%s", err);
	msg[ml / 2] ^= 0x20; /* a forged message */
	cr_assert_eq(kesu_verify_detached(&pk, msg, ml, sig, sl, err, sizeof(err)), -KESU_EVERIFY);
	cr_assert_str_eq(err, "signature does not match: the data was changed");
	msg[ml / 2] ^= 0x20;
	char *appended = malloc(ml + 2);
	memcpy(appended, msg, ml);
	appended[ml] = '\n';
	cr_assert_eq(kesu_verify_detached(&pk, appended, ml + 1, sig, sl, err, sizeof(err)),
		     -KESU_EVERIFY);
	free(appended);

	/* Signing again with the fixed key gives the stored file byte for byte. */
	char copy[128];
	private_copy(KEYS "/test-station.seckey.txt", copy, sizeof(copy));
	struct kesu_secret_key *sk = load_secret(copy, NULL);
	char *again;
	size_t again_len;
	cr_assert_eq(kesu_sign_detached(sk, msg, ml, "verify with test-station.pub", &again,
					&again_len),
		     0);
	cr_assert_eq(again_len, sl);
	cr_assert(memcmp(again, sig, sl) == 0, "stored:\n%s\nnow:\n%s", sig, again);
	free(again);
	kesu_key_secret_free(sk);
	free(msg);
	free(sig);
}

Test(key, regression_protected_key_file_still_opens)
{
	char copy[128], err[512] = "";
	private_copy(KEYS "/test-protected.seckey.txt", copy, sizeof(copy));
	cr_assert(kesu_key_secret_is_protected(copy));
	struct kesu_secret_key *sk = NULL;
	cr_assert_eq(kesu_key_load_secret(copy, "kesu test passphrase!", &sk, err, sizeof(err)),
		     -EKEYREJECTED);
	sk = load_secret(copy, "kesu test passphrase");
	struct kesu_public_key pk, from_sk;
	load_public(KEYS "/test-protected.pubkey.txt", &pk);
	kesu_key_public_from_secret(sk, &from_sk);
	cr_assert(memcmp(&pk, &from_sk, sizeof(pk)) == 0);
	char fp[KESU_FINGERPRINT_SIZE];
	kesu_key_fingerprint(&pk, fp, sizeof(fp));
	cr_assert_str_eq(fp, "ed25519:82a8d588b613e1703171c7beee4c2e4b");
	char *sig;
	size_t sig_len;
	cr_assert_eq(kesu_sign_detached(sk, MESSAGE, strlen(MESSAGE), NULL, &sig, &sig_len), 0);
	cr_assert_eq(kesu_verify_detached(&pk, MESSAGE, strlen(MESSAGE), sig, sig_len, err,
					  sizeof(err)),
		     0, "%s", err);
	free(sig);
	kesu_key_secret_free(sk);
}

Test(key, regression_signify_files)
{
	struct kesu_public_key signify, station;
	load_public(KEYS "/test-signify.pubkey.txt", &signify);
	load_public(KEYS "/test-station.pubkey.txt", &station);
	size_t ml, sl;
	char *msg = slurp(KEYS "/message.txt", &ml);
	char *sig = slurp(KEYS "/message.txt.signify.sig", &sl);
	char err[512] = "";
	cr_assert_eq(kesu_verify_detached(&signify, msg, ml, sig, sl, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(kesu_verify_detached(&station, msg, ml, sig, sl, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert(strncmp(err, "signed by another key (key number ", 34) == 0, "%s", err);
	msg[0] ^= 0x01;
	cr_assert_eq(kesu_verify_detached(&signify, msg, ml, sig, sl, err, sizeof(err)),
		     -KESU_EVERIFY);
	free(msg);
	free(sig);
}

/* ---- paths ---- */

static void clear_env(void)
{
	unsetenv("KESU_KEY");
	unsetenv("KESU_LEDGER");
	unsetenv("KESU_CONFIG");
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/operator", 1);
}

static void expect_path(enum kesu_path_kind kind, const char *want)
{
	char buf[256];
	cr_assert_eq(kesu_default_path(kind, buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, want);
}

Test(paths, defaults_under_home)
{
	clear_env();
	expect_path(KESU_PATH_SECRET_KEY, "/home/operator/.config/kesu/station.key");
	expect_path(KESU_PATH_PUBLIC_KEY, "/home/operator/.config/kesu/station.pub");
	expect_path(KESU_PATH_LEDGER, "/home/operator/.local/share/kesu/ledger.sqlite");
	expect_path(KESU_PATH_CERT_DIR, "/home/operator/.local/share/kesu/certificates");
	expect_path(KESU_PATH_CONFIG, "/home/operator/.config/kesu/config");
}

Test(paths, xdg_and_kesu_variables)
{
	clear_env();
	setenv("XDG_CONFIG_HOME", "/etc/xdg-conf", 1);
	setenv("XDG_DATA_HOME", "/srv/data", 1);
	expect_path(KESU_PATH_SECRET_KEY, "/etc/xdg-conf/kesu/station.key");
	expect_path(KESU_PATH_CONFIG, "/etc/xdg-conf/kesu/config");
	expect_path(KESU_PATH_LEDGER, "/srv/data/kesu/ledger.sqlite");
	expect_path(KESU_PATH_CERT_DIR, "/srv/data/kesu/certificates");
	setenv("KESU_KEY", "/media/usb/wipe-01.key", 1);
	setenv("KESU_LEDGER", "/srv/ledger.db", 1);
	setenv("KESU_CONFIG", "/etc/kesu.conf", 1);
	expect_path(KESU_PATH_SECRET_KEY, "/media/usb/wipe-01.key");
	expect_path(KESU_PATH_PUBLIC_KEY, "/media/usb/wipe-01.pub");
	expect_path(KESU_PATH_LEDGER, "/srv/ledger.db");
	expect_path(KESU_PATH_CONFIG, "/etc/kesu.conf");
	setenv("KESU_KEY", "/media/usb/station-secret", 1);
	expect_path(KESU_PATH_PUBLIC_KEY, "/media/usb/station-secret.pub");
	/* Relative or empty XDG values are ignored, as the specification says. */
	setenv("XDG_CONFIG_HOME", "relative/conf", 1);
	setenv("XDG_DATA_HOME", "", 1);
	setenv("KESU_CONFIG", "", 1);
	expect_path(KESU_PATH_CONFIG, "/home/operator/.config/kesu/config");
	expect_path(KESU_PATH_CERT_DIR, "/home/operator/.local/share/kesu/certificates");
}

Test(paths, no_home_uses_the_password_database)
{
	clear_env();
	unsetenv("HOME");
	char buf[256];
	cr_assert_eq(kesu_default_path(KESU_PATH_SECRET_KEY, buf, sizeof(buf)), 0);
	cr_assert(strstr(buf, "/.config/kesu/station.key") && buf[0] == '/', "%s", buf);
}

Test(paths, too_small_and_unknown)
{
	clear_env();
	char buf[16];
	cr_assert_eq(kesu_default_path(KESU_PATH_LEDGER, buf, sizeof(buf)), -ENAMETOOLONG);
	cr_assert_eq(kesu_default_path((enum kesu_path_kind)99, buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(kesu_key_public_path("/a/b/very-long-name.key", buf, sizeof(buf)),
		     -ENAMETOOLONG);
	cr_assert_eq(kesu_key_public_path("k.key", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "k.pub");
}

Test(paths, mkdirs)
{
	char base[64], deep[128], file[128];
	strcpy(base, "/tmp/kesu-test-mkdirs.XXXXXX");
	cr_assert_not_null(mkdtemp(base));
	snprintf(deep, sizeof(deep), "%s/a/b//c/", base);
	cr_assert_eq(kesu_mkdirs(deep, 0700), 0);
	snprintf(deep, sizeof(deep), "%s/a/b/c", base);
	cr_assert_eq(mode_of(deep), 0700);
	snprintf(deep, sizeof(deep), "%s/a", base);
	cr_assert_eq(mode_of(deep), 0700);
	cr_assert_eq(kesu_mkdirs(deep, 0755), 0, "an existing directory is fine");
	cr_assert_eq(mode_of(deep), 0700, "and left as it was");
	snprintf(file, sizeof(file), "%s/a/file", base);
	spit(file, "x", 1, 0644);
	snprintf(deep, sizeof(deep), "%s/a/file/sub", base);
	cr_assert_eq(kesu_mkdirs(deep, 0700), -ENOTDIR);
	cr_assert_eq(kesu_mkdirs(file, 0700), -ENOTDIR);
	nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

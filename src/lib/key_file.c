/* The station's key files (docs/keys.md): generating a pair, reading a
 * public key (kesu's or signify's) and unlocking a secret key.
 *
 * Everything that ever holds the secret key, the passphrase-derived key or
 * the secret key file's text lives in one sodium_malloc'd scratch area
 * (guarded, locked, wiped by sodium_free). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/paths.h"
#include "signify_text.h"
#include "i18n.h"

#define KDF_ARGON2ID "A2" /* Argon2id13 -> XSalsa20-Poly1305 (crypto_secretbox) */
#define KDF_NONE "00"     /* unprotected: secret key in clear, BLAKE2b-128 checksum */
#define KEYFILE_MAX 4096  /* bytes of a key file we are willing to read */
#define BOX_BYTES (KESU_KEYNUM_BYTES + KESU_SECKEY_BYTES)

/* Generation cost, recorded in each file (loading accepts up to OPS_MAX /
 * MEM_MAX so that a crafted file cannot make us allocate without bound). */
#define OPSLIMIT crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE
#define MEMLIMIT crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE
#define OPS_MAX 32ULL
#define MEM_MAX ((unsigned long long)crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE)

/* signify's struct pubkey. */
struct pubkey_file {
	uint8_t pkalg[2]; /* "Ed" */
	uint8_t keynum[KESU_KEYNUM_BYTES];
	uint8_t pubkey[KESU_PUBKEY_BYTES];
};

/* kesu's secret key file, 188 bytes; offsets in docs/keys.md. */
struct seckey_file {
	uint8_t pkalg[2];                           /*   0 "Ed" */
	uint8_t kdfalg[2];                          /*   2 KDF_ARGON2ID or KDF_NONE */
	uint8_t opslimit[8];                        /*   4 big-endian; 0 for KDF_NONE */
	uint8_t memlimit[8];                        /*  12 big-endian, bytes; 0 for KDF_NONE */
	uint8_t salt[crypto_pwhash_SALTBYTES];      /*  20 zero for KDF_NONE */
	uint8_t nonce[crypto_secretbox_NONCEBYTES]; /*  36 zero for KDF_NONE */
	uint8_t keynum[KESU_KEYNUM_BYTES];          /*  60 */
	uint8_t pubkey[KESU_PUBKEY_BYTES];          /*  68 */
	uint8_t mac[crypto_secretbox_MACBYTES];     /* 100 Poly1305 tag, or the checksum */
	uint8_t box[BOX_BYTES];                     /* 116 keynum || secret key, sealed or clear */
};
_Static_assert(sizeof(struct seckey_file) == 188, "secret key file layout");
_Static_assert(offsetof(struct seckey_file, box) ==
		       offsetof(struct seckey_file, mac) + crypto_secretbox_MACBYTES,
	       "crypto_secretbox_easy writes the tag then the ciphertext");

/* The one guarded area a key operation works in. */
struct scratch {
	char text[KEYFILE_MAX + 1];
	struct seckey_file file;
	uint8_t key[crypto_secretbox_KEYBYTES]; /* derived from the passphrase */
	uint8_t plain[BOX_BYTES];
	uint8_t pk[KESU_PUBKEY_BYTES];
	uint8_t sk[KESU_SECKEY_BYTES];
};

static struct scratch *scratch_new(void)
{
	if (sodium_init() < 0)
		return NULL;
	return sodium_malloc(sizeof(struct scratch));
}

/* The checksum of an unprotected file: BLAKE2b-128 of everything before
 * the tag, then the clear box. */
static void checksum(const struct seckey_file *f, uint8_t out[crypto_secretbox_MACBYTES])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, crypto_secretbox_MACBYTES);
	crypto_generichash_update(&st, (const uint8_t *)f, offsetof(struct seckey_file, mac));
	crypto_generichash_update(&st, f->box, sizeof(f->box));
	crypto_generichash_final(&st, out, crypto_secretbox_MACBYTES);
	sodium_memzero(&st, sizeof(st));
}

void kesu_key_fingerprint(const struct kesu_public_key *pk, char *buf, size_t size)
{
	uint8_t hash[32];
	char hex[33];
	crypto_generichash(hash, sizeof(hash), pk->pk, sizeof(pk->pk), NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), hash, 16);
	snprintf(buf, size, "ed25519:%s", hex);
}

void kesu_key_keynum_hex(const uint8_t keynum[KESU_KEYNUM_BYTES], char *buf, size_t size)
{
	char hex[2 * KESU_KEYNUM_BYTES + 1];
	sodium_bin2hex(hex, sizeof(hex), keynum, KESU_KEYNUM_BYTES);
	snprintf(buf, size, "%s", hex);
}

void kesu_key_public_from_secret(const struct kesu_secret_key *sk, struct kesu_public_key *pk)
{
	memcpy(pk->keynum, sk->keynum, sizeof(pk->keynum));
	/* An Ed25519 secret key is seed || public key. */
	memcpy(pk->pk, sk->sk + 32, sizeof(pk->pk));
}

void kesu_key_secret_free(struct kesu_secret_key *sk)
{
	if (sk)
		sodium_free(sk); /* makes it writable, wipes it, unlocks it */
}

/* ---- reading ---- */

/* Reads a whole small file into buf (NUL-terminated). mode_check: refuse a
 * file group or others may access, before reading a byte of it. */
static int read_small_file(const char *path, bool mode_check, char *buf, size_t bufsize,
			   size_t *len, const char *what, char *err, size_t errsize)
{
	int rc = kesu_file_read_into(path, mode_check ? KESU_FILE_OWNER_ONLY : 0, buf, bufsize,
				     len, err, errsize);
	if (rc == -EINVAL || rc == -EFBIG) {
		snprintf(err, errsize, _("%s: not a %s (%s)"), path, what,
			 rc == -EINVAL ? "not a regular file" : "too large");
		return -KESU_EPARSE;
	}
	return rc;
}

int kesu_key_load_public(const char *path, struct kesu_public_key *pk, char *err,
			 size_t errsize)
{
	char text[KEYFILE_MAX + 1];
	size_t len;
	if (sodium_init() < 0)
		return -ENOMEM;
	int rc = read_small_file(path, false, text, sizeof(text), &len, "signify public key", err,
				 errsize);
	return rc < 0 ? rc : kesu_key_parse_public(text, len, path, pk, err, errsize);
}

int kesu_key_parse_public(const char *text, size_t len, const char *name,
			  struct kesu_public_key *pk, char *err, size_t errsize)
{
	static const char what[] = "signify public key";
	char why[128];
	struct pubkey_file f;
	size_t used;
	const char *path = name;
	int rc = Kesu_signify_parse(text, len, &f, sizeof(f), &used, why, sizeof(why));
	if (rc == 0 && used != len) {
		rc = -KESU_EPARSE;
		snprintf(why, sizeof(why), _("unexpected data after the key"));
	}
	if (rc < 0) {
		snprintf(err, errsize, _("%s: not a %s (%s)"), path, what, why);
		return rc;
	}
	memcpy(pk->keynum, f.keynum, sizeof(pk->keynum));
	memcpy(pk->pk, f.pubkey, sizeof(pk->pk));
	return 0;
}

/* Reads and parses a secret key file into s->file; checks the layout but
 * does not unlock it. */
static int read_seckey(const char *path, bool mode_check, struct scratch *s, char *err,
		       size_t errsize)
{
	static const char what[] = "kesu secret key";
	char why[128];
	size_t len, used;
	int rc = read_small_file(path, mode_check, s->text, sizeof(s->text), &len, what, err,
				 errsize);
	if (rc < 0)
		return rc;
	struct seckey_file *f = &s->file;
	rc = Kesu_signify_parse(s->text, len, f, sizeof(*f), &used, why, sizeof(why));
	if (rc == 0 && used != len)
		snprintf(why, sizeof(why), _("unexpected data after the key"));
	else if (rc == 0 && memcmp(f->kdfalg, KDF_ARGON2ID, 2) != 0 &&
		 memcmp(f->kdfalg, KDF_NONE, 2) != 0)
		snprintf(why, sizeof(why), _("unknown protection \"%.2s\""), (const char *)f->kdfalg);
	else if (rc == 0 && memcmp(f->kdfalg, KDF_ARGON2ID, 2) == 0 &&
		 (kesu_load_be64(f->opslimit) < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
		  kesu_load_be64(f->opslimit) > OPS_MAX ||
		  kesu_load_be64(f->memlimit) < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
		  kesu_load_be64(f->memlimit) > MEM_MAX))
		snprintf(why, sizeof(why), _("Argon2id limits out of range"));
	else if (rc == 0)
		return 0;
	snprintf(err, errsize, _("%s: not a %s (%s)"), path, what, why);
	return -KESU_EPARSE;
}

int kesu_key_read_secret_public(const char *path, struct kesu_public_key *pk, char *err,
				size_t errsize)
{
	struct scratch *s = scratch_new();
	if (!s)
		return -ENOMEM;
	int rc = read_seckey(path, false, s, err, errsize);
	if (rc == 0) {
		memcpy(pk->keynum, s->file.keynum, sizeof(pk->keynum));
		memcpy(pk->pk, s->file.pubkey, sizeof(pk->pk));
	}
	sodium_free(s);
	return rc;
}

bool kesu_key_secret_is_protected(const char *path)
{
	char err[KESU_ERRMSG_MAX];
	struct scratch *s = scratch_new();
	if (!s)
		return false;
	bool prot = read_seckey(path, false, s, err, sizeof(err)) == 0 &&
		    memcmp(s->file.kdfalg, KDF_ARGON2ID, 2) == 0;
	sodium_free(s);
	return prot;
}

/* s->key = Argon2id(passphrase, salt) with the file's limits. */
static int derive(struct scratch *s, const char *passphrase)
{
	const struct seckey_file *f = &s->file;
	if (crypto_pwhash(s->key, sizeof(s->key), passphrase, strlen(passphrase), f->salt,
			  kesu_load_be64(f->opslimit), (size_t)kesu_load_be64(f->memlimit),
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return -ENOMEM; /* libsodium's only failure here: the memory limit */
	return 0;
}

/* Opens s->file's box into s->plain and checks it against the clear
 * fields and against the seed it holds. */
static int unlock(struct scratch *s, const char *path, const char *passphrase, char *err,
		  size_t errsize)
{
	struct seckey_file *f = &s->file;
	if (memcmp(f->kdfalg, KDF_ARGON2ID, 2) == 0) {
		if (!passphrase || !*passphrase) {
			snprintf(err, errsize, _("%s is protected by a passphrase; none was given"),
				 path);
			return -ENOKEY;
		}
		int rc = derive(s, passphrase);
		if (rc < 0) {
			snprintf(err, errsize, _("%s: cannot derive the key: %s"), path,
				 strerror(-rc));
			return rc;
		}
		if (crypto_secretbox_open_easy(s->plain, f->mac, sizeof(f->mac) + sizeof(f->box),
					       f->nonce, s->key) != 0) {
			snprintf(err, errsize, _("wrong passphrase for %s"), path);
			return -EKEYREJECTED;
		}
	} else {
		uint8_t sum[crypto_secretbox_MACBYTES];
		checksum(f, sum);
		if (sodium_memcmp(sum, f->mac, sizeof(sum)) != 0) {
			snprintf(err, errsize,
				 _("%s: not a kesu secret key (checksum mismatch: the file was "
				 "changed or damaged)"),
				 path);
			return -KESU_EPARSE;
		}
		memcpy(s->plain, f->box, sizeof(s->plain));
	}
	const uint8_t *keynum = s->plain, *seckey = s->plain + KESU_KEYNUM_BYTES;
	crypto_sign_seed_keypair(s->pk, s->sk, seckey); /* the seed is its first 32 bytes */
	if (memcmp(keynum, f->keynum, KESU_KEYNUM_BYTES) != 0 ||
	    sodium_memcmp(s->sk, seckey, KESU_SECKEY_BYTES) != 0 ||
	    memcmp(s->pk, f->pubkey, KESU_PUBKEY_BYTES) != 0) {
		snprintf(err, errsize,
			 _("%s: not a kesu secret key (the secret key does not match its public "
			 "key)"),
			 path);
		return -KESU_EPARSE;
	}
	return 0;
}

int kesu_key_load_secret(const char *path, const char *passphrase, struct kesu_secret_key **sk,
			 char *err, size_t errsize)
{
	*sk = NULL;
	struct scratch *s = scratch_new();
	if (!s)
		return -ENOMEM;
	int rc = read_seckey(path, true, s, err, errsize);
	if (rc == 0)
		rc = unlock(s, path, passphrase, err, errsize);
	if (rc == 0) {
		struct kesu_secret_key *key = sodium_malloc(sizeof(*key));
		if (!key) {
			rc = -ENOMEM;
			snprintf(err, errsize, "%s: %s", path, strerror(ENOMEM));
		} else {
			memcpy(key->keynum, s->file.keynum, sizeof(key->keynum));
			memcpy(key->sk, s->sk, sizeof(key->sk));
			sodium_mprotect_readonly(key);
			*sk = key;
		}
	}
	sodium_free(s);
	return rc;
}

/* ---- generating ---- */

/* Creates the directory that will hold path (0700) when it is missing. */
static int make_parent(const char *path, char *err, size_t errsize)
{
	char copy[4096];
	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy)) {
		snprintf(err, errsize, "%s: %s", path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	const char *dir = dirname(copy);
	int rc = kesu_mkdirs(dir, 0700);
	if (rc < 0)
		snprintf(err, errsize, _("%s: cannot create the directory: %s"), dir, strerror(-rc));
	return rc;
}

/* A new key file: never over an existing one, exactly this mode. */
static int write_new(const char *path, const char *text, size_t len, mode_t mode, char *err,
		     size_t errsize)
{
	int rc = kesu_file_write_atomic(path, text, len, mode, KESU_FILE_NO_REPLACE, err, errsize);
	if (rc == -EEXIST)
		snprintf(err, errsize, _("%s already exists; kesu never overwrites a key"), path);
	return rc;
}

/* A new key pair: s->file sealed (or checksummed), pub and its fingerprint. */
static int seal_new_key(struct scratch *s, const char *passphrase, char *fingerprint,
			struct pubkey_file *pub)
{
	struct seckey_file *f = &s->file;
	memset(f, 0, sizeof(*f));
	crypto_sign_keypair(s->pk, s->sk);
	memcpy(f->pkalg, KESU_PKALG, 2);
	randombytes_buf(f->keynum, sizeof(f->keynum));
	memcpy(f->pubkey, s->pk, sizeof(f->pubkey));
	memcpy(s->plain, f->keynum, KESU_KEYNUM_BYTES);
	memcpy(s->plain + KESU_KEYNUM_BYTES, s->sk, KESU_SECKEY_BYTES);
	if (passphrase && *passphrase) {
		memcpy(f->kdfalg, KDF_ARGON2ID, 2);
		kesu_store_be64(f->opslimit, OPSLIMIT);
		kesu_store_be64(f->memlimit, MEMLIMIT);
		randombytes_buf(f->salt, sizeof(f->salt));
		randombytes_buf(f->nonce, sizeof(f->nonce));
		int rc = derive(s, passphrase);
		if (rc < 0)
			return rc;
		crypto_secretbox_easy(f->mac, s->plain, sizeof(s->plain), f->nonce, s->key);
	} else {
		memcpy(f->kdfalg, KDF_NONE, 2);
		memcpy(f->box, s->plain, sizeof(f->box));
		checksum(f, f->mac);
	}
	memcpy(pub->pkalg, KESU_PKALG, 2);
	memcpy(pub->keynum, f->keynum, sizeof(pub->keynum));
	memcpy(pub->pubkey, s->pk, sizeof(pub->pubkey));
	struct kesu_public_key pk;
	memcpy(pk.keynum, f->keynum, sizeof(pk.keynum));
	memcpy(pk.pk, s->pk, sizeof(pk.pk));
	kesu_key_fingerprint(&pk, fingerprint, KESU_FINGERPRINT_SIZE);
	return 0;
}

int kesu_key_generate(const char *secret_path, const char *public_path, const char *passphrase,
		      char *err, size_t errsize)
{
	return kesu_key_generate_named(secret_path, public_path, passphrase, NULL, err, errsize);
}

int kesu_key_generate_named(const char *secret_path, const char *public_path,
			    const char *passphrase, const char *public_comment, char *err,
			    size_t errsize)
{
	if (strcmp(secret_path, public_path) == 0) {
		snprintf(err, errsize, _("%s: the secret and public key need two files"),
			 secret_path);
		return -EINVAL;
	}
	if (public_comment && (strlen(public_comment) > KESU_COMMENT_MAX ||
			       strpbrk(public_comment, "\r\n"))) {
		snprintf(err, errsize, _("%s: the comment must be one line of at most %d bytes"),
			 public_path, KESU_COMMENT_MAX);
		return -EINVAL;
	}
	int rc = make_parent(secret_path, err, errsize);
	if (rc == 0)
		rc = make_parent(public_path, err, errsize);
	if (rc < 0)
		return rc;
	/* Before the costly key derivation; writing checks again, atomically. */
	struct stat st;
	const char *in_the_way = lstat(secret_path, &st) == 0   ? secret_path
				 : lstat(public_path, &st) == 0 ? public_path
								: NULL;
	if (in_the_way) {
		snprintf(err, errsize, _("%s already exists; kesu never overwrites a key"), in_the_way);
		return -EEXIST;
	}
	struct scratch *s = scratch_new();
	if (!s)
		return -ENOMEM;
	char fingerprint[KESU_FINGERPRINT_SIZE], comment[128];
	char pubtext[KESU_COMMENT_MAX + 256];
	struct pubkey_file pub;

	rc = seal_new_key(s, passphrase, fingerprint, &pub);
	if (rc < 0)
		snprintf(err, errsize, _("%s: cannot derive the key: %s"), secret_path, strerror(-rc));
	if (rc >= 0) {
		snprintf(comment, sizeof(comment), "kesu %ssecret key %s",
			 public_comment ? "" : "station ", fingerprint);
		rc = Kesu_signify_format(comment, &s->file, sizeof(s->file), s->text,
					 sizeof(s->text));
		if (rc < 0)
			snprintf(err, errsize, "%s: %s", secret_path, strerror(-rc));
		else
			rc = write_new(secret_path, s->text, (size_t)rc, 0600, err, errsize);
	}
	if (rc >= 0) {
		snprintf(comment, sizeof(comment), "kesu station public key %s", fingerprint);
		rc = Kesu_signify_format(public_comment ? public_comment : comment, &pub,
					 sizeof(pub), pubtext, sizeof(pubtext));
		if (rc < 0)
			snprintf(err, errsize, "%s: %s", public_path, strerror(-rc));
		else
			rc = write_new(public_path, pubtext, (size_t)rc, 0644, err, errsize);
		if (rc < 0)
			unlink(secret_path); /* this call made it: no secret key without its public key */
	}
	sodium_free(s);
	return rc < 0 ? rc : 0;
}

int kesu_key_file_comment(const char *path, char *buf, size_t size, char *err, size_t errsize)
{
	char text[KEYFILE_MAX + 1];
	size_t len;
	int rc = read_small_file(path, false, text, sizeof(text), &len, "signify file", err,
				 errsize);
	if (rc < 0)
		return rc;
	size_t hdr = strlen(KESU_COMMENT_HDR);
	char *nl = memchr(text, '\n', len);
	if (len < hdr || memcmp(text, KESU_COMMENT_HDR, hdr) != 0 || !nl) {
		snprintf(err, errsize, _("%s: not a signify file (no untrusted comment line)"), path);
		return -KESU_EPARSE;
	}
	*nl = '\0';
	snprintf(buf, size, "%s", text + hdr);
	sodium_memzero(text, sizeof(text)); /* in case someone named a secret key */
	return 0;
}

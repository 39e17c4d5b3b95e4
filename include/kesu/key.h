/* The station's signing key and OpenBSD signify-compatible signatures.
 *
 * A station has one Ed25519 key pair. The public key file and every
 * signature are in signify's exact format, so `signify -V` checks kesu's
 * certificates with nothing but the public key; the secret key file is
 * kesu's own (Argon2id + XSalsa20-Poly1305, or unprotected but checksummed).
 * Formats byte by byte, the fingerprint and the security notes:
 * docs/keys.md.
 *
 * Functions that take err/errsize put a one-line English reason there on
 * failure (naming the file where there is one); they never print. */
#ifndef KESU_KEY_H
#define KESU_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KESU_KEYNUM_BYTES 8      /* random key number binding signatures to keys */
#define KESU_PUBKEY_BYTES 32     /* Ed25519 public key */
#define KESU_SECKEY_BYTES 64     /* Ed25519 secret key: seed || public key */
#define KESU_SIG_BYTES 64        /* Ed25519 signature */
#define KESU_FINGERPRINT_SIZE 41 /* "ed25519:" + 32 hex digits + NUL */
#define KESU_KEYNUM_HEX_SIZE 17  /* 16 hex digits + NUL */
#define KESU_COMMENT_MAX 1000    /* bytes of an untrusted comment (signify: < 1024) */

struct kesu_public_key {
	uint8_t keynum[KESU_KEYNUM_BYTES];
	uint8_t pk[KESU_PUBKEY_BYTES];
};

/* Always allocated by kesu_key_load_secret in guarded, locked, read-only
 * memory (sodium_malloc); release it with kesu_key_secret_free, which
 * wipes it. Never copy it. */
struct kesu_secret_key {
	uint8_t keynum[KESU_KEYNUM_BYTES];
	uint8_t sk[KESU_SECKEY_BYTES];
};

/* Creates a new key pair: the secret key file (mode 0600) and the public
 * key file (0644), both with O_EXCL so an existing file is never
 * overwritten (-EEXIST, err names it), both fsync'ed. A missing directory
 * is created with mode 0700. passphrase NULL or "" leaves the secret key
 * unprotected. On failure nothing is left behind. */
int kesu_key_generate(const char *secret_path, const char *public_path, const char *passphrase,
		      char *err, size_t errsize);

/* The same with public_comment as the public key file's untrusted comment
 * (one line, at most KESU_COMMENT_MAX bytes; -EINVAL otherwise), for
 * people's and organisations' keys ("kesu approver public key: NAME",
 * kesu/trust.h); the secret key's comment is then "kesu secret key FP".
 * NULL gives the station key's comments, as kesu_key_generate. */
int kesu_key_generate_named(const char *secret_path, const char *public_path,
			    const char *passphrase, const char *public_comment, char *err,
			    size_t errsize);

/* The untrusted comment of a signify public key or signature file: the
 * first line after "untrusted comment: ", into buf (NUL-terminated, cut to
 * size). 0, -errno, or -KESU_EPARSE when the file
 * does not start with that line. Comments are not protected: show them,
 * never decide anything from them. */
int kesu_key_file_comment(const char *path, char *buf, size_t size, char *err, size_t errsize);

/* Reads a public key file: kesu's or one made by `signify -G`. -ENOENT,
 * or -KESU_EPARSE for a file that is not a signify public key. */
int kesu_key_load_public(const char *path, struct kesu_public_key *pk, char *err,
			 size_t errsize);

/* The same from text in memory; name is what err calls it. */
int kesu_key_parse_public(const char *text, size_t len, const char *name,
			  struct kesu_public_key *pk, char *err, size_t errsize);

/* Reads and unlocks a secret key file. Errors: -EACCES when the file is
 * readable or writable by group or others (it is not read), -ENOKEY when
 * it is protected and passphrase is NULL or "", -EKEYREJECTED for a wrong
 * passphrase, -KESU_EPARSE for a file that is not a kesu secret key (or
 * was corrupted). A passphrase given for an unprotected key is ignored. */
int kesu_key_load_secret(const char *path, const char *passphrase, struct kesu_secret_key **sk,
			 char *err, size_t errsize);

/* The public half stored in clear in a secret key file: no passphrase
 * needed (kesu key show). Does not prove the file can be unlocked. */
int kesu_key_read_secret_public(const char *path, struct kesu_public_key *pk, char *err,
				size_t errsize);

/* True when path is a well-formed secret key file protected by a
 * passphrase; false otherwise (including when it cannot be read). */
bool kesu_key_secret_is_protected(const char *path);

/* Wipes and frees; NULL is fine. */
void kesu_key_secret_free(struct kesu_secret_key *sk);

void kesu_key_public_from_secret(const struct kesu_secret_key *sk, struct kesu_public_key *pk);

/* "ed25519:" + the first 16 bytes of BLAKE2b-256(pk->pk) in hex: the form
 * certificates and the ledger show. size >= KESU_FINGERPRINT_SIZE. */
void kesu_key_fingerprint(const struct kesu_public_key *pk, char *buf, size_t size);

/* The key number as 16 hex digits. size >= KESU_KEYNUM_HEX_SIZE. */
void kesu_key_keynum_hex(const uint8_t keynum[KESU_KEYNUM_BYTES], char *buf, size_t size);

/* A detached signature over msg, as `signify -S` writes it (without -e):
 * "untrusted comment: <comment>\n" + base64("Ed" | keynum | signature) +
 * "\n". comment: one line of at most KESU_COMMENT_MAX bytes (-EINVAL
 * otherwise); NULL gives "verify with station.pub". *sig_text is
 * NUL-terminated, malloc'd, *sig_len bytes without the NUL. */
int kesu_sign_detached(const struct kesu_secret_key *sk, const void *msg, size_t len,
		       const char *comment, char **sig_text, size_t *sig_len);

/* 0 when sig_text is a signature of msg by pk. -KESU_EVERIFY with err
 * "signed by another key (key number X, expected Y)" or "signature does
 * not match: the data was changed"; -KESU_EPARSE with err "not a signify
 * signature: ..." for a malformed signature. */
int kesu_verify_detached(const struct kesu_public_key *pk, const void *msg, size_t len,
			 const char *sig_text, size_t sig_len, char *err, size_t errsize);

/* Bare Ed25519 over msg, for the ledger. Verify: 0 or -KESU_EVERIFY. */
int kesu_sign_raw(const struct kesu_secret_key *sk, const void *msg, size_t len,
		  uint8_t sig[KESU_SIG_BYTES]);
int kesu_verify_raw(const struct kesu_public_key *pk, const void *msg, size_t len,
		    const uint8_t sig[KESU_SIG_BYTES]);

#endif

/* People's and organisations' keys, and the trust store that says whose
 * key is whose (issue 14, docs/trust.md).
 *
 * Approvers, witnesses, validators and contractors get Ed25519 keys in the
 * station key's formats (kesu/key.h, docs/keys.md). A key means nothing
 * until the trust store binds it to a role and a name: an approval counts
 * only when an approver key in the store signed it, a countersignature
 * only when a witness or validator key did, a contractor's certificate
 * only when a contractor key did.
 *
 * The store is one file of canonical JSON, written atomically (mode 0600):
 *   {"kesu_trust":1,"keys":[{"added_utc":..,"comment":"..",
 *     "fingerprint":"ed25519:..","keynum":"16 hex","name":"..",
 *     "public_key":"base64 as in the .pub file","role":".."},...]}
 * followed by one newline. Loading is strict: an unknown member, a
 * missing one, an entry whose keynum or fingerprint is not its key's, a
 * key twice for one role, two keys with one key number, a name that is not
 * valid UTF-8, or a file not in canonical form is -KESU_EPARSE "FILE:
 * reason", and nothing of the file is used. "comment" is the .pub file's
 * untrusted comment when the key was added ("... (no passphrase)" for a
 * person's key made without one): shown, never decided on.
 * Every change is also a ledger record (kesu_trust_record), so who trusted
 * which key, when and for which role can be audited even if the file is
 * replaced.
 *
 * Functions that take err/errsize put one English line there on failure,
 * naming the file or key; they never print. */
#ifndef KESU_TRUST_H
#define KESU_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "kesu/key.h"

enum kesu_role {
	KESU_ROLE_APPROVER = 1, /* 情報セキュリティ管理者: signs approvals (様式第3号) */
	KESU_ROLE_WITNESS,      /* 立会者: countersigns a finished job */
	KESU_ROLE_VALIDATOR,    /* NIST SP 800-88 App. G validator: countersigns */
	KESU_ROLE_CONTRACTOR,   /* a contractor's station: signs its certificates */
};

/* "approver", "witness", "validator", "contractor"; NULL for others. */
const char *kesu_role_id(enum kesu_role role);
/* Japanese label: 承認者, 立会者, 検証者, 受託事業者. */
const char *kesu_role_label_ja(enum kesu_role role);
/* 0 and *role set, or -KESU_EPARSE for anything else (also NULL). */
int kesu_role_parse(const char *id, enum kesu_role *role);
/* People (approver, witness, validator) protect their keys with a
 * passphrase by default; an organisation's station key may run unattended. */
bool kesu_role_is_person(enum kesu_role role);

#define KESU_TRUST_NAME_MAX 128 /* bytes of a holder's name, NUL excluded */

struct kesu_trust_entry {
	enum kesu_role role;
	char name[KESU_TRUST_NAME_MAX + 1];
	struct kesu_public_key key;
	char fingerprint[KESU_FINGERPRINT_SIZE];
	char added_utc[32];
	char comment[KESU_COMMENT_MAX + 1]; /* untrusted: the .pub file's comment */
};

struct kesu_trust; /* opaque */

/* An empty store (NULL when out of memory). */
struct kesu_trust *kesu_trust_new(void);

/* A holder's name: 1 to KESU_TRUST_NAME_MAX bytes of valid UTF-8 without
 * control characters or white space at either end. 0, or -KESU_EPARSE with
 * why ("the name is empty"). */
int kesu_trust_name_check(const char *name, char *why, size_t whysize);

/* What a person's public key says in its comment (kesu key generate
 * --role): "kesu approver public key: NAME", with " (no passphrase)" when
 * the secret key was made without one. */
#define KESU_TRUST_NO_PASSPHRASE " (no passphrase)"

/* Reads the store at path. A missing file is an empty store (0); a file
 * that is not a valid store is -KESU_EPARSE with err naming it; nothing is
 * ever changed by loading. */
int kesu_trust_load(const char *path, struct kesu_trust **trust, char *err, size_t errsize);
void kesu_trust_free(struct kesu_trust *trust);

size_t kesu_trust_count(const struct kesu_trust *trust);
const struct kesu_trust_entry *kesu_trust_at(const struct kesu_trust *trust, size_t i);

/* Adds key for role under name (valid UTF-8, no control characters, 1 to
 * KESU_TRUST_NAME_MAX bytes; -KESU_EPARSE otherwise). The same key may
 * hold several roles; the same key twice for one role is -EEXIST. */
int kesu_trust_add(struct kesu_trust *trust, enum kesu_role role, const char *name,
		   const struct kesu_public_key *key, time_t now, char *err, size_t errsize);
/* The same, keeping comment (the .pub file's untrusted comment; NULL or
 * "" for none; valid UTF-8 without control characters, else -KESU_EPARSE). */
int kesu_trust_add_commented(struct kesu_trust *trust, enum kesu_role role, const char *name,
			     const struct kesu_public_key *key, const char *comment, time_t now,
			     char *err, size_t errsize);

/* Removes the entries matching role (0: any role) and who: a fingerprint
 * ("ed25519:..."), a key number (16 hex) or a name. *removed receives the
 * first removed entry (for the ledger record). -KESU_ENOTFOUND when none
 * matched. */
int kesu_trust_remove(struct kesu_trust *trust, enum kesu_role role, const char *who,
		      struct kesu_trust_entry *removed, char *err, size_t errsize);

/* Writes the store atomically (kesu/fileio.h), mode 0600; a missing
 * directory is created 0700. */
int kesu_trust_save(const struct kesu_trust *trust, const char *path, char *err, size_t errsize);

/* The entry for role whose key made sig_text (a signify signature: the
 * key number picks the entry), after checking the signature over msg.
 * 0 and *who set; -KESU_EVERIFY with err "signed by key N, which is not a
 * trusted approver" (or "... does not match: the data was changed");
 * -KESU_EPARSE for a malformed signature. */
int kesu_trust_verify(const struct kesu_trust *trust, enum kesu_role role, const void *msg,
		      size_t len, const char *sig_text, size_t sig_len,
		      const struct kesu_trust_entry **who, char *err, size_t errsize);

/* The ledger record of a change, canonical JSON (malloc'd, *len bytes):
 * {"action":"add"|"remove","at_utc":..,"by":OPERATOR,"comment":..,
 *  "fingerprint":..,"job_id":ID,"keynum":..,"kind":"trust","name":..,
 *  "public_key":..,"role":..}: with the key itself, so the store can be
 * rebuilt from the ledger alone. NULL (errno EINVAL) when a string is not
 * valid UTF-8: it is never signed. */
char *kesu_trust_record(const char *id, const char *action, const struct kesu_trust_entry *e,
			const char *by, time_t now, size_t *len);

/* ---- X.509 certificates as trust anchors (issue 15, docs/trust.md) ----
 * PDF signatures are checked against X.509 certificates. The store may
 * hold them too, in the optional member
 *   "certificates":[{"added_utc":..,"name":"..","pem":"-----BEGIN ...",
 *     "role":"..","sha256":"64 hex"},...]
 * which is left out while there are none, so such a store is the very
 * file earlier kesu versions read and write. Loading is as strict as for
 * keys: an unknown or missing member, a role not below, a pem that is not
 * exactly one certificate in the form kesu writes, a sha256 that is not
 * its certificate's, or one certificate twice for a role is -KESU_EPARSE.
 * Roles: the four key roles, "organisation" (an organisation's CA: it
 * vouches for every signer it issued a certificate to, in any role) and
 * "station" (a station's own certificate, signing certificates). */
#define KESU_TRUST_PEM_MAX 16384 /* bytes of one certificate's PEM, NUL included */
#define KESU_TRUST_CERT_ROLE_ANY "organisation"

struct kesu_trust_cert {
	char role[16];
	char name[KESU_TRUST_NAME_MAX + 1];
	char sha256[65]; /* of the DER certificate, lower-case hex */
	char added_utc[32];
	char pem[KESU_TRUST_PEM_MAX];
};

/* 0 for approver, witness, validator, contractor, organisation, station;
 * -KESU_EPARSE otherwise (also NULL). */
int kesu_trust_cert_role_check(const char *role);
size_t kesu_trust_cert_count(const struct kesu_trust *trust);
const struct kesu_trust_cert *kesu_trust_cert_at(const struct kesu_trust *trust, size_t i);

/* Adds the first certificate of the PEM or DER file path for role under
 * name (checked as kesu_trust_add's). *more (NULL: not wanted) receives
 * how many further certificates the file held, which are not added.
 * -EEXIST when it is already trusted for role; -KESU_EPARSE for a bad
 * role, name or file; -ENOENT. */
int kesu_trust_add_cert(struct kesu_trust *trust, const char *role, const char *name,
			const char *path, time_t now, int *more, char *err, size_t errsize);

/* Removes the certificates matching role (NULL: any) and who: a name, or
 * a SHA-256 in hex (whole, or its first 16 or more digits). *removed
 * receives the first (for the ledger record); *count how many went.
 * -KESU_ENOTFOUND when none matched. */
int kesu_trust_remove_cert(struct kesu_trust *trust, const char *role, const char *who,
			   struct kesu_trust_cert *removed, size_t *count, char *err,
			   size_t errsize);

/* The ledger record of a certificate's change, canonical JSON (malloc'd):
 * {"action":"add"|"remove","at_utc":..,"by":..,"job_id":ID,"kind":"trust",
 *  "name":..,"pem":..,"role":..,"sha256":..}: with the certificate itself,
 * as a key's record has the key. NULL (errno EINVAL) for text that is not
 * valid UTF-8. */
char *kesu_trust_cert_record(const char *id, const char *action,
			     const struct kesu_trust_cert *c, const char *by, time_t now,
			     size_t *len);

/* Every certificate of the store as a trust anchor, under its name and
 * role ("organisation": any role). 0, or the first failure with err. */
struct kesu_x509_anchors;
int kesu_trust_x509_anchors(const struct kesu_trust *t, struct kesu_x509_anchors *anchors,
			    char *err, size_t errsize);

#endif

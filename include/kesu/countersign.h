/* Countersignatures (issue 14 item 5, docs/certificate.md): a witness
 * (立会者) or a validator (NIST SP 800-88 App. G) signs, with a key of their
 * own, that they stand behind one finished job's certificate.
 *
 * A countersignature names the certificate by its id and by the hash of
 * its signed payload, so it holds for that document only: another
 * certificate, or an edited one, does not carry it. The file
 * (kesu-<CERTIFICATE-ID>.<role>-<keynum>.countersig, beside the PDF) is,
 * like an approval file, the canonical JSON on one line, then a signify
 * signature over exactly those bytes (without the newline), nothing after:
 *   {"certificate_id":"KESU-20261206-1A2B3C4D","job_id":"32 hex",
 *    "kesu_countersignature":1,"payload_hash":"sha256:64 hex",
 *    "record_hash":"64 hex"|null,"role":"witness"|"validator",
 *    "signed_utc":"2026-12-06T01:30:12Z",
 *    "signer":{"fingerprint":"ed25519:..","name":".."}}\n
 *   untrusted comment: kesu countersignature (witness) for KESU-...\n
 *   base64 signature\n
 * It counts only when the trust store holds the key that signed it for
 * the role it claims, under the name and fingerprint it gives.
 *
 * Functions that take err/errsize put one English line there on failure;
 * they never print. */
#ifndef KESU_COUNTERSIGN_H
#define KESU_COUNTERSIGN_H

#include <stddef.h>
#include <time.h>

#include "kesu/key.h"
#include "kesu/ledger.h"
#include "kesu/trust.h"

#define KESU_COUNTERSIG_FORMAT 1
#define KESU_COUNTERSIG_FILE_MAX 16384u /* bytes of a .countersig file */
#define KESU_COUNTERSIG_HASH_SIZE 72    /* "sha256:" + 64 hex + NUL */
#define KESU_COUNTERSIG_SUFFIX ".countersig"

struct kesu_countersig {
	/* What is countersigned: from the certificate's payload. */
	char certificate_id[64];
	char job_id[KESU_JOB_ID_LEN + 1];
	char payload_hash[KESU_COUNTERSIG_HASH_SIZE];
	char record_hash[65]; /* "" for null (a document of an unfinished job) */
	/* Who and when: set by signing, read back by loading. */
	enum kesu_role role;  /* KESU_ROLE_WITNESS or KESU_ROLE_VALIDATOR */
	char signed_utc[32];
	char signer_name[KESU_TRUST_NAME_MAX + 1];
	char signer_fingerprint[KESU_FINGERPRINT_SIZE];
	char keynum[KESU_KEYNUM_HEX_SIZE]; /* the signing key's number */
};

/* "sha256:" + hex of SHA-256 over len bytes: what payload_hash holds. */
void kesu_countersig_hash(const void *data, size_t len, char out[KESU_COUNTERSIG_HASH_SIZE]);

/* Fills the certificate's side of cs (certificate_id, job_id, record_hash,
 * payload_hash) from a certificate's signed payload bytes (kesu/pdf.h:
 * kesu_pdf_read_payload). -KESU_EPARSE when the payload names no
 * certificate id or job. Clears the rest of cs. */
int kesu_countersig_subject(const char *payload, size_t len, struct kesu_countersig *cs,
			    char *err, size_t errsize);

/* Signs: role (witness or validator), name (kesu_trust_name_check), the
 * signer's key, now. *text (malloc'd, *len bytes) is the whole file;
 * cs's signer members are set. -KESU_EPARSE for a bad role or name. */
int kesu_countersig_sign(struct kesu_countersig *cs, enum kesu_role role, const char *name,
			 const struct kesu_secret_key *sk, time_t now, char **text, size_t *len,
			 char *err, size_t errsize);

/* Checks a countersignature file's text: strictly parsed (unknown or
 * missing members, bad values, not canonical, extra lines: -KESU_EPARSE);
 * signed by a key the trust store holds for the role it claims, under the
 * name and fingerprint it gives (-KESU_EVERIFY otherwise, err saying
 * which key and what it is trusted as); and, when cert_payload is given,
 * a countersignature of that certificate: the same certificate id and the
 * hash of those exact payload bytes (-KESU_EVERIFY). cs is filled as far
 * as it could be read. */
int kesu_countersig_check(const char *text, size_t len, const struct kesu_trust *trust,
			  const char *cert_payload, size_t cert_len, struct kesu_countersig *cs,
			  char *err, size_t errsize);

/* The same for a file (bounded read); err starts with path. */
int kesu_countersig_load(const char *path, const struct kesu_trust *trust,
			 const char *cert_payload, size_t cert_len, struct kesu_countersig *cs,
			 char *err, size_t errsize);

/* The file's name beside a certificate: dir + "/kesu-<CERTIFICATE-ID>.
 * <role>-<keynum>.countersig". -ENAMETOOLONG when it does not fit,
 * -KESU_EPARSE when the certificate id is not one kesu writes (it becomes
 * part of a path). */
int kesu_countersig_path(const char *dir, const struct kesu_countersig *cs, char *buf,
			 size_t size);

/* The countersignature files beside a certificate: every regular file in
 * dir named kesu-<certificate_id>.*.countersig, sorted by name, as
 * malloc'd paths (*paths malloc'd, *n of them; free with
 * kesu_countersig_paths_free). 0 (also when there are none), or -errno. */
int kesu_countersig_find(const char *dir, const char *certificate_id, char ***paths, size_t *n,
			 char *err, size_t errsize);
void kesu_countersig_paths_free(char **paths, size_t n);

/* The ledger record (canonical JSON, malloc'd, *len bytes) of a
 * countersignature whose file text was checked: kind "countersignature",
 * "job_id" the record's own id (kesu_ledger_new_id), the countersigned
 * job and certificate under "countersigned_job_id" and
 * "countersigned_certificate_id" (never a top-level "certificate_id": a
 * lookup by certificate id finds the wipe record only), the file's JSON
 * object under "countersignature" and its signature text under
 * "signature", so the file can be rebuilt from the ledger alone:
 * {"action":"countersign","at_utc":..,"by":OPERATOR,"countersignature":{..},
 *  "countersigned_certificate_id":..,"countersigned_job_id":..,
 *  "fingerprint":..,"job_id":ID,"kind":"countersignature","name":..,
 *  "role":..,"signature":"untrusted comment: ..\n..\n"}.
 * NULL (errno EINVAL) when text is not a countersignature file or a
 * string is not valid UTF-8. The ledger subject is
 * "countersign:CERTIFICATE-ID". */
char *kesu_countersig_record(const char *id, const char *text, size_t text_len, const char *by,
			     time_t now, size_t *len);

#endif

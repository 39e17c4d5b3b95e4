/* The ledger: every wipe job from start to finish, in SQLite. A finished
 * record is canonical JSON, chained to the one before it by a BLAKE2b
 * hash and signed with the station key; triggers refuse to change or
 * delete finished records, and kesu_ledger_verify detects any edit made
 * around them (docs/ledger.md). */
#ifndef KESU_LEDGER_H
#define KESU_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/key.h"

#define KESU_JOB_ID_LEN 32 /* hex digits */
#define KESU_LEDGER_SCHEMA 4

struct kesu_ledger;

/* Opens (creating if needed, mode 0600) the ledger at path, in WAL mode,
 * migrating an older schema. A file that is not a kesu ledger, or is
 * corrupt, or is newer than this kesu, is an error with err saying so;
 * nothing is changed then. A ledger other users can read (it holds ATA
 * passwords) is made 0600 with its -wal and -shm, which kesu_ledger_notes
 * reports, or refused when that fails. A full disk is -ENOSPC. */
int kesu_ledger_open(const char *path, struct kesu_ledger **ledger, char *err, size_t errsize);
void kesu_ledger_close(struct kesu_ledger *ledger);

/* Starts a job record: state "running", with the plan a resume needs
 * (JSON text). job_id receives 32 hex digits + NUL. */
int kesu_ledger_begin(struct kesu_ledger *l, const char *device_key, const char *plan_json,
		      char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize);

/* Records how far a running job has durably got, with the job's state
 * (kesu/job_state.h; NULL keeps the stored one) in the same statement. */
int kesu_ledger_checkpoint(struct kesu_ledger *l, const char *job_id, unsigned pass,
			   uint64_t offset, uint64_t bad_sectors, const char *state_json, char *err,
			   size_t errsize);

/* Deletes a job that was begun but never reached its drive (no
 * checkpoint, no state, never interrupted): a multi-drive wipe that
 * failed to start leaves no phantom. -KESU_ENOTFOUND otherwise. */
int kesu_ledger_discard(struct kesu_ledger *l, const char *job_id, char *err, size_t errsize);

/* Marks a running job interrupted (resumable) with a reason. */
int kesu_ledger_interrupted(struct kesu_ledger *l, const char *job_id, const char *reason,
			    char *err, size_t errsize);

/* An unfinished (running or interrupted) job for a device, newest first. */
struct kesu_ledger_open_job {
	char job_id[KESU_JOB_ID_LEN + 1];
	char *plan_json;        /* malloc'd */
	unsigned pass;          /* checkpoint: 0 when none was written */
	uint64_t offset;
	uint64_t bad_sectors;
	char *interruptions;    /* JSON array text, malloc'd */
	char started_utc[32];
	char *state_json;       /* the checkpointed state (kesu/job_state.h),
				 * malloc'd; NULL when none (older kesu) */
	char *device_key;       /* malloc'd */
	char state[16];         /* running or interrupted */
};
/* Returns 1 and fills job when there is one, 0 when not, or a negative
 * error. Free with kesu_ledger_open_job_free. */
int kesu_ledger_find_open(struct kesu_ledger *l, const char *device_key,
			  struct kesu_ledger_open_job *job, char *err, size_t errsize);
void kesu_ledger_open_job_free(struct kesu_ledger_open_job *job);
/* The same for one job id. */
int kesu_ledger_get_open(struct kesu_ledger *l, const char *job_id,
			 struct kesu_ledger_open_job *job, char *err, size_t errsize);

/* Continues an unfinished job: state back to running, and one more
 * {"pass", "offset", "at_utc", "reason"} in its interruptions. */
int kesu_ledger_resume(struct kesu_ledger *l, const char *job_id, char *err, size_t errsize);

/* Finishes a job: stores the canonical record, chains and signs it. Two
 * processes finishing at once are serialised by SQLite's write lock.
 * seq and hash_hex (65 bytes) receive its place in the chain. */
int kesu_ledger_finish(struct kesu_ledger *l, const char *job_id, const char *record,
		       size_t record_len, const struct kesu_secret_key *sk, uint64_t *seq,
		       char hash_hex[65], char *err, size_t errsize);

/* Appends a record that is not a wipe job (a trust-store change, an
 * approval's import, a countersignature, a received certificate) to the
 * chain in one transaction: it is signed, chained and verified like every
 * record, and can never be changed. subject names what it is about (a
 * device key, "trust:FINGERPRINT", "approval:NUMBER"), kind its record
 * kind ([a-z-]+, also the record's "kind"). id: from kesu_ledger_new_id,
 * and the record's "job_id" must be that id (lookups check it, so a record
 * cannot be moved to another row). */
int kesu_ledger_append(struct kesu_ledger *l, const char *subject, const char *kind,
		       const char *record, size_t record_len, const struct kesu_secret_key *sk,
		       const char *id, uint64_t *seq, char hash_hex[65], char *err, size_t errsize);

/* The chain's last sequence number (0 when empty). */
int kesu_ledger_head_seq(struct kesu_ledger *l, uint64_t *seq, char *err, size_t errsize);

/* kesu_ledger_append only while the chain's last record is still head_seq
 * (from kesu_ledger_head_seq, read before the ledger was judged): a
 * decision taken on the ledger as it was (a hand-over allowed by the
 * medium's state, a destruction under an unspent approval entry) is never
 * recorded after another process changed it. -EAGAIN, nothing written,
 * when a record was added since: read the ledger and judge again. */
int kesu_ledger_append_at(struct kesu_ledger *l, uint64_t head_seq, const char *subject,
			  const char *kind, const char *record, size_t record_len,
			  const struct kesu_secret_key *sk, const char *id, uint64_t *seq_out,
			  char hash_hex[65], char *err, size_t errsize);

/* Whether an approval's entry is spent: 1 with job_id set when a finished
 * SUCCESS wipe record ran under approval number's entry, 0 when none, or
 * a negative error. */
int kesu_ledger_approval_use(struct kesu_ledger *l, const char *number, unsigned entry,
			     char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize);

/* Calls fn for every finished record (of any kind) that names approval
 * number ("approval":{"number":..}), in chain order; fn returns non-zero
 * to stop (returned). */
int kesu_ledger_approval_records(struct kesu_ledger *l, const char *number,
				 int (*fn)(uint64_t seq, const char *record, void *ctx), void *ctx,
				 char *err, size_t errsize);

/* A new random row id: 32 hex digits + NUL. */
void kesu_ledger_new_id(char id[KESU_JOB_ID_LEN + 1]);

/* The finished record with that job id or certificate id: 1 found
 * (record malloc'd; seq, hash), 0 not found, or a negative error. The
 * hash is recomputed from the record, never taken from its column: an
 * edited record is -KESU_EVERIFY (see kesu_ledger_lookup_checked). */
int kesu_ledger_lookup(struct kesu_ledger *l, const char *id, char **record, uint64_t *seq,
		       char hash_hex[65], char *err, size_t errsize);

struct kesu_ledger_report {
	uint64_t records;        /* finished records checked */
	uint64_t open_jobs;      /* running or interrupted */
	uint64_t first_bad_seq;  /* 0 when all is well */
	char first_bad_job[KESU_JOB_ID_LEN + 1];
	char problem[512];       /* what is wrong with the first bad record */
	char head_hash[65];      /* the last record's hash: keep it to detect truncation */
};

/* Re-checks every finished record in chain order: sequence numbers
 * without gaps, each prev_hash equal to the hash before, each hash
 * recomputed from the record, each record canonical, each signature valid
 * under pk. Returns 0 when all is well, -KESU_EVERIFY with the report
 * naming the first bad record, or another negative error. */
int kesu_ledger_verify(struct kesu_ledger *l, const struct kesu_public_key *pk,
		       struct kesu_ledger_report *report, char *err, size_t errsize);

/* Filters for kesu_ledger_query; NULL / empty members match everything. */
struct kesu_ledger_filter {
	const char *since_utc, *until_utc; /* "YYYY-MM-DD" or full timestamps, inclusive */
	const char *operator_name, *outcome, *serial, *classification, *purpose;
	bool include_open;                 /* also unfinished jobs */
};

struct kesu_ledger_row {
	uint64_t seq;            /* 0 for unfinished jobs */
	const char *job_id;
	const char *state;       /* running, interrupted, finished */
	const char *record;      /* canonical JSON; NULL for unfinished jobs */
	const char *hash;        /* NULL for unfinished jobs */
	const char *started_utc;
	const char *device_key;
	unsigned checkpoint_pass;
	uint64_t checkpoint_offset;
	const char *station;     /* the station's name in the central store; NULL
				  * for a local ledger (kesu_ledger_open_central) */
};

/* Calls fn for every matching record in chain order (unfinished jobs
 * last). fn returns 0 to go on, non-zero to stop (which is returned). */
int kesu_ledger_query(struct kesu_ledger *l, const struct kesu_ledger_filter *f,
		      int (*fn)(const struct kesu_ledger_row *row, void *ctx), void *ctx,
		      char *err, size_t errsize);

/* The key a device is matched by for resuming: "serial:<serial>:<size>",
 * or "path:<path>:<size>" for drives that report no serial. */
void kesu_ledger_device_key(const char *serial, const char *path, uint64_t size, char *buf,
			    size_t size_buf);
/* Temporary ATA passwords (kesu/firmware.h), one per drive: stored
 * before kesu sets it on the drive, forgotten once security is disabled
 * again. get returns -KESU_ENOTFOUND when none is kept, -ERANGE when size
 * is too small. Never printed by kesu. */
int kesu_ledger_password_store(struct kesu_ledger *l, const char *device_key, const char *job_id,
			       const char *password, char *err, size_t errsize);
int kesu_ledger_password_get(struct kesu_ledger *l, const char *device_key, char *password,
			     size_t size, char *err, size_t errsize);
int kesu_ledger_password_forget(struct kesu_ledger *l, const char *device_key, char *err,
				size_t errsize);

/* ---- Reviewing a ledger: read-only opening, lookups, filters ---- */

/* What opening a ledger found that its user should be told (the command
 * line says it; the library only reports). */
struct kesu_ledger_notes {
	int schema_version;  /* the file's schema version */
	int schema_current;  /* the version this kesu writes */
	bool mode_tightened; /* a writing open made it (and -wal, -shm) 0600 */
	bool mode_open;      /* a read-only open found it readable by others */
	unsigned old_mode;   /* its permission bits before */
	bool immutable;      /* read as an immutable file (see ledger.c) */
};
const struct kesu_ledger_notes *kesu_ledger_notes(const struct kesu_ledger *l);

/* Opens an existing ledger for reading only: never creates, migrates or
 * switches it to WAL, so a ledger on read-only media or one this user
 * cannot write can be audited. An older schema is read as it is (the
 * notes say so); foreign, damaged or newer files are refused as by
 * kesu_ledger_open. */
int kesu_ledger_open_readonly(const char *path, struct kesu_ledger **ledger, char *err,
			      size_t errsize);

/* Opens the central store at url (kesu/central.h) as a read-only ledger
 * of every station: kesu_ledger_query (rows carry their station's name,
 * ordered by end time, station and seq), _lookup(_checked), _resolve
 * (a certificate id or job id; a seq is ambiguous across stations),
 * _approval_use and _approval_records read it; every function that
 * writes refuses it (-EROFS). Close with kesu_ledger_close. */
int kesu_ledger_open_central(const char *url, struct kesu_ledger **ledger, char *err,
			     size_t errsize);
/* The store's name (host:port/db, never the url) for a central handle,
 * NULL for a station's ledger. */
const char *kesu_ledger_central_name(const struct kesu_ledger *l);

/* kesu_ledger_lookup that also checks the record itself: its hash is
 * recomputed from the stored previous hash, sequence number and record
 * text, the record must name its own job id, and, when pk is given, the
 * signature must be that key's. A record that fails is -KESU_EVERIFY with
 * err saying what was changed. kesu_ledger_lookup is this with pk NULL. */
int kesu_ledger_lookup_checked(struct kesu_ledger *l, const char *id,
			       const struct kesu_public_key *pk, char **record, uint64_t *seq,
			       char hash_hex[65], char *err, size_t errsize);

/* Finds the job a reviewer means: the sequence number list prints, a
 * certificate id, or a job id or a unique prefix of one (at least 6 hex
 * digits). Finished records only. Returns 1 with job_id filled, 0 when
 * nothing matches, -KESU_EPARSE when a prefix is ambiguous (err lists
 * the candidates), or another negative error. */
int kesu_ledger_resolve(struct kesu_ledger *l, const char *text,
			char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize);

/* Checks a filter's values: dates are real calendar dates (YYYY-MM-DD or
 * YYYY-MM-DDTHH:MM:SSZ) with until not before since; outcome, class and
 * purpose are among the values kesu records. -KESU_EPARSE with err naming
 * the value and the allowed ones. */
int kesu_ledger_filter_check(const struct kesu_ledger_filter *f, char *err, size_t errsize);
#endif

/* Opening the ledger, its schema and migrations, and the life of a
 * running job: begin, checkpoints, interruption, resume. */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/record.h"
#include "ledger_internal.h"
#include "i18n.h"

#define APPLICATION_ID 0x6b657375 /* "kesu" */

/* SQLite says SQLITE_FULL when the file cannot grow, but only "disk I/O
 * error" when growing the WAL index or syncing the journal fails; the
 * errno behind it tells the two apart. */
static bool disk_full(sqlite3 *db)
{
	int e = sqlite3_system_errno(db);
	return sqlite3_errcode(db) == SQLITE_FULL || e == ENOSPC || e == EDQUOT;
}

int Kesu_ledger_fail(struct kesu_ledger *l, const char *what, char *err, size_t errsize)
{
	if (l->central) /* a central handle has no SQLite file: nothing else reaches here */
		return Kesu_central_ledger_refuse(l, err, errsize);
	int code = sqlite3_errcode(l->db);
	if (disk_full(l->db)) {
		snprintf(err, errsize, _("ledger %s: %s: the disk is full"), l->path, what);
		return -ENOSPC;
	}
	snprintf(err, errsize, _("ledger %s: %s: %s"), l->path, what, sqlite3_errmsg(l->db));
	return code == SQLITE_BUSY || code == SQLITE_LOCKED ? -EBUSY : -EIO;
}

int Kesu_ledger_exec(struct kesu_ledger *l, const char *sql, char *err, size_t errsize)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot update", err, errsize);
	return 0;
}

/* Schema version 1. Finished records can neither change nor go away, and
 * nothing can be inserted already finished: the chain is only built by
 * kesu_ledger_finish. (Anyone with the file can drop the triggers; the
 * hashes and signatures are what make that visible.) */
static const char schema_v1[] =
	"CREATE TABLE jobs ("
	"  job_id TEXT PRIMARY KEY,"
	"  state TEXT NOT NULL CHECK (state IN ('running', 'interrupted', 'finished')),"
	"  device_key TEXT NOT NULL,"
	"  started_utc TEXT NOT NULL,"
	"  plan TEXT NOT NULL,"
	"  checkpoint_pass INTEGER NOT NULL DEFAULT 0,"
	"  checkpoint_offset INTEGER NOT NULL DEFAULT 0,"
	"  checkpoint_utc TEXT,"
	"  bad_sectors INTEGER NOT NULL DEFAULT 0,"
	"  interruptions TEXT NOT NULL DEFAULT '[]',"
	"  last_event TEXT,"
	"  seq INTEGER UNIQUE,"
	"  record TEXT,"
	"  prev_hash TEXT,"
	"  hash TEXT,"
	"  signature TEXT,"
	"  key_fingerprint TEXT,"
	"  finished_utc TEXT"
	");"
	"CREATE INDEX jobs_open ON jobs (device_key, state);"
	"CREATE TRIGGER jobs_finished_no_update BEFORE UPDATE ON jobs WHEN OLD.state = 'finished'"
	"  BEGIN SELECT RAISE(ABORT, 'finished ledger records cannot be changed'); END;"
	"CREATE TRIGGER jobs_finished_no_delete BEFORE DELETE ON jobs WHEN OLD.state = 'finished'"
	"  BEGIN SELECT RAISE(ABORT, 'finished ledger records cannot be deleted'); END;"
	"CREATE TRIGGER jobs_no_finished_insert BEFORE INSERT ON jobs WHEN NEW.state = 'finished'"
	"  BEGIN SELECT RAISE(ABORT, 'records are finished only by kesu'); END;";

/* Version 2: temporary ATA passwords. Kept only from just before kesu
 * sets one on a drive until the drive confirms security is disabled
 * again, so a crash or failed erase never leaves a drive locked with a
 * password nobody knows (kesu unlock reads it from here). Not part of
 * the chain: a password is a secret, not a record. */
static const char schema_v2[] =
	"CREATE TABLE ata_passwords ("
	"  device_key TEXT PRIMARY KEY,"
	"  job_id TEXT NOT NULL,"
	"  password TEXT NOT NULL,"
	"  created_utc TEXT NOT NULL"
	");";

/* Version 3: a running job's checkpointed state (JSON, kesu/job_state.h):
 * every finished pass's result and the bad sectors of the current pass up
 * to the checkpoint, written in the same statement as the checkpoint, so
 * a resume never forgets a sector that failed or a verification that
 * failed before the process was killed. */
static const char schema_v3[] = "ALTER TABLE jobs ADD COLUMN progress TEXT;";

/* Version 4: how far each central store has the chain (kesu/push.h), so
 * kesu ledger status says what waits to be sent without a network, and
 * why the last push failed. Not part of the chain: the store's copy is
 * checked against the records, never against this table. */
static const char schema_v4[] =
	"CREATE TABLE push_state ("
	"  server TEXT PRIMARY KEY,"
	"  station TEXT,"
	"  pushed_seq INTEGER,"
	"  pushed_hash TEXT,"
	"  pushed_utc TEXT,"
	"  attempt_utc TEXT,"
	"  last_error TEXT"
	");"
	/* The certificates already sent to each store, by size and change
	 * time, so that a push after every job reads only the PDFs that are
	 * new or changed (a countersignature), not all of them again. */
	"CREATE TABLE pushed_documents ("
	"  server TEXT NOT NULL,"
	"  name TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  mtime_ns INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL,"
	"  PRIMARY KEY (server, name)"
	");";

/* Each entry moves the schema from version i to i + 1. */
static const char *const migrations[] = {schema_v1, schema_v2, schema_v3, schema_v4};
#define NMIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

static int pragma_int(struct kesu_ledger *l, const char *sql, int *value)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -EIO;
	int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -EIO;
	if (rc == 0)
		*value = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc;
}

/* Reads the ledger's identity: a database that is not ours, is damaged,
 * or is from a newer kesu is refused and left exactly as it is. version
 * receives the schema version (0 for a new, empty file). */
static int check_ledger(struct kesu_ledger *l, int *version, char *err, size_t errsize)
{
	int app = 0, tables = 0;
	*version = 0;
	/* One read transaction: another kesu may be creating the ledger, and
	 * its tables without its application id would look foreign. */
	bool read_ok = sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
		       pragma_int(l, "PRAGMA application_id", &app) == 0 &&
		       pragma_int(l, "PRAGMA user_version", version) == 0 &&
		       pragma_int(l, "SELECT count(*) FROM sqlite_master", &tables) == 0;
	if (!read_ok && disk_full(l->db))
		snprintf(err, errsize, _("ledger %s: cannot read it: the disk is full"), l->path);
	else if (!read_ok)
		snprintf(err, errsize, _("ledger %s: not a kesu ledger: %s"), l->path, sqlite3_errmsg(l->db));
	int full = !read_ok && disk_full(l->db);
	sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	if (!read_ok)
		return full ? -ENOSPC : -KESU_EPARSE;
	if (tables > 0 && app != APPLICATION_ID) {
		snprintf(err, errsize, _("ledger %s: not a kesu ledger (another SQLite database)"), l->path);
		return -KESU_EPARSE;
	}
	l->notes.schema_version = *version;
	l->notes.schema_current = (int)NMIGRATIONS;
	if (*version > (int)NMIGRATIONS) {
		snprintf(err, errsize, _("ledger %s: schema version %d is newer than this kesu (%zu)"),
			 l->path, *version, NMIGRATIONS);
		return -KESU_EPARSE;
	}
	if (tables > 0) {
		sqlite3_stmt *st;
		bool ok = sqlite3_prepare_v2(l->db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
			  sqlite3_step(st) == SQLITE_ROW &&
			  strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
		sqlite3_finalize(st);
		if (!ok) {
			snprintf(err, errsize, _("ledger %s: the database is damaged (integrity check failed)"),
				 l->path);
			return -KESU_EPARSE;
		}
	}
	return 0;
}

static int check_and_migrate(struct kesu_ledger *l, char *err, size_t errsize)
{
	int version;
	int rc = check_ledger(l, &version, err, errsize);
	if (rc < 0)
		return rc;
	for (int v = version; v < (int)NMIGRATIONS; v++) {
		char sql[64];
		if ((rc = Kesu_ledger_exec(l, "BEGIN IMMEDIATE", err, errsize)) < 0)
			return rc;
		/* Another kesu (the live image runs one per method) may have
		 * migrated while this one waited for the write lock. */
		if (pragma_int(l, "PRAGMA user_version", &version) < 0) {
			sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
			return Kesu_ledger_fail(l, "cannot read the schema version", err, errsize);
		}
		if (version > v) {
			if ((rc = Kesu_ledger_exec(l, "COMMIT", err, errsize)) < 0)
				return rc;
			v = version - 1;
			continue;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((rc = Kesu_ledger_exec(l, migrations[v], err, errsize)) < 0 ||
		    (rc = Kesu_ledger_exec(l, "PRAGMA application_id = 1801810805", err, errsize)) < 0 ||
		    (rc = Kesu_ledger_exec(l, sql, err, errsize)) < 0) {
			sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		if ((rc = Kesu_ledger_exec(l, "COMMIT", err, errsize)) < 0)
			return rc;
	}
	return 0;
}

/* The ledger holds ATA temporary passwords while a drive is locked, so
 * nobody but its owner may read it: a writing open makes the file and its
 * -wal and -shm 0600, or refuses when it cannot. */
static int tighten(struct kesu_ledger *l, int fd, const char *suffix, char *err, size_t errsize)
{
	char path[KESU_PATH_MAX];
	snprintf(path, sizeof(path), "%s%s", l->path, suffix);
	int own = -1;
	if (fd < 0 && (fd = own = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		int e = errno;
		if (e == ENOENT)
			return 0;
		snprintf(err, errsize, _("ledger %s: %s"), path, strerror(e));
		return -e;
	}
	struct stat sb;
	int rc = fstat(fd, &sb) < 0 ? -errno : 0;
	if (rc == 0 && (sb.st_mode & 077)) {
		if (fchmod(fd, 0600) < 0) {
			rc = -errno;
			snprintf(err, errsize, _("ledger %s: mode %04o lets other users read it (it may hold ATA "
				 "passwords) and it cannot be made 0600: %s"), path,
				 (unsigned)(sb.st_mode & 07777), strerror(-rc));
		} else if (!l->notes.mode_tightened) {
			l->notes.mode_tightened = true;
			l->notes.old_mode = sb.st_mode & 07777;
		}
	} else if (rc < 0) {
		snprintf(err, errsize, _("ledger %s: %s"), path, strerror(-rc));
	}
	if (own >= 0)
		close(own);
	return rc;
}

int kesu_ledger_open(const char *path, struct kesu_ledger **out, char *err, size_t errsize)
{
	*out = NULL;
	/* Create the file ourselves so that it is 0600 from the start. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errsize, _("ledger %s: %s"), path, strerror(e));
		return -e;
	}
	struct kesu_ledger *l = calloc(1, sizeof(*l));
	if (!l) {
		close(fd);
		return -ENOMEM;
	}
	snprintf(l->path, sizeof(l->path), "%s", path);
	int rc = tighten(l, fd, "", err, errsize);
	close(fd);
	if (rc == 0 && (rc = tighten(l, -1, "-wal", err, errsize)) == 0)
		rc = tighten(l, -1, "-shm", err, errsize);
	if (rc < 0) {
		kesu_ledger_close(l);
		return rc;
	}
	if (sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		rc = Kesu_ledger_fail(l, "cannot open", err, errsize);
		kesu_ledger_close(l);
		return rc;
	}
	sqlite3_busy_timeout(l->db, 30000);
	rc = check_and_migrate(l, err, errsize);
	if (rc == 0)
		/* secure_delete: a forgotten password is overwritten in the file. */
		rc = Kesu_ledger_exec(l, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
					 "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON", err, errsize);
	if (rc < 0) {
		kesu_ledger_close(l);
		return rc;
	}
	l->notes.schema_version = (int)NMIGRATIONS;
	*out = l;
	return 0;
}

/* A WAL-mode ledger is read through its -shm index, which SQLite creates
 * beside the file. Where this user cannot create it (read-only media,
 * another user's directory) the plain read-only open fails; the ledger is
 * then opened immutable=1, which reads the main file alone, without locks
 * or index. That is exact only when no -wal file holds transactions not
 * yet copied into the main file (a writer killed before it closed), so an
 * immutable open is refused when a non-empty -wal is there. */
static int open_sqlite_readonly(struct kesu_ledger *l, char *err, size_t errsize)
{
	int tables;
	if (sqlite3_open_v2(l->path, &l->db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(l->db, 30000);
		if (pragma_int(l, "SELECT count(*) FROM sqlite_master", &tables) == 0)
			return 0;
		int code = sqlite3_errcode(l->db);
		if (code != SQLITE_READONLY && code != SQLITE_CANTOPEN)
			return 0; /* not a database, damaged...: check_ledger says so */
	}
	sqlite3_close(l->db);
	l->db = NULL;
	char wal[KESU_PATH_MAX];
	struct stat sb;
	snprintf(wal, sizeof(wal), "%s-wal", l->path);
	if (stat(wal, &sb) == 0 && sb.st_size > 0) {
		snprintf(err, errsize, _("ledger %s: its -wal file holds recent records that SQLite cannot "
			 "read here without writing its -shm index: copy the ledger with its -wal and "
			 "-shm files to a writable directory"), l->path);
		return -EROFS;
	}
	/* The path goes into a URI: '?', '#' and '%' must be escaped. */
	char uri[3 * sizeof(l->path) + 32];
	size_t n = (size_t)snprintf(uri, sizeof(uri), "file:");
	for (const char *p = l->path; *p; p++) {
		if (strchr("?#%", *p))
			n += (size_t)snprintf(uri + n, sizeof(uri) - n, "%%%02X", (unsigned char)*p);
		else
			uri[n++] = *p;
	}
	snprintf(uri + n, sizeof(uri) - n, "?immutable=1");
	if (sqlite3_open_v2(uri, &l->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot open", err, errsize);
	l->notes.immutable = true;
	return 0;
}

int kesu_ledger_open_readonly(const char *path, struct kesu_ledger **out, char *err, size_t errsize)
{
	*out = NULL;
	struct stat sb;
	if (stat(path, &sb) < 0) {
		int e = errno;
		snprintf(err, errsize, _("ledger %s: %s"), path, strerror(e));
		return -e;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errsize, _("ledger %s: not a regular file"), path);
		return -KESU_EPARSE;
	}
	struct kesu_ledger *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	snprintf(l->path, sizeof(l->path), "%s", path);
	/* Reading changes nothing, so it only reports a mode that is too open. */
	l->notes.mode_open = (sb.st_mode & 077) != 0;
	l->notes.old_mode = sb.st_mode & 07777;
	int version = 0;
	int rc = open_sqlite_readonly(l, err, errsize);
	if (rc == 0)
		rc = check_ledger(l, &version, err, errsize);
	if (rc == 0 && version == 0) {
		snprintf(err, errsize, _("ledger %s: holds nothing yet (an empty database)"), path);
		rc = -KESU_EPARSE;
	}
	if (rc < 0) {
		kesu_ledger_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

const struct kesu_ledger_notes *kesu_ledger_notes(const struct kesu_ledger *l)
{
	return &l->notes;
}

void kesu_ledger_close(struct kesu_ledger *l)
{
	if (!l)
		return;
	if (l->central)
		return Kesu_central_ledger_close(l);
	sqlite3_close(l->db);
	free(l);
}

void kesu_ledger_device_key(const char *serial, const char *path, uint64_t size, char *buf,
			    size_t size_buf)
{
	if (serial && serial[0])
		snprintf(buf, size_buf, "serial:%s:%llu", serial, (unsigned long long)size);
	else
		snprintf(buf, size_buf, "path:%s:%llu", path, (unsigned long long)size);
}

static void now_utc(char buf[32])
{
	kesu_time_utc(time(NULL), buf);
}

void kesu_ledger_new_id(char id[KESU_JOB_ID_LEN + 1])
{
	uint8_t raw[KESU_JOB_ID_LEN / 2];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(id, KESU_JOB_ID_LEN + 1, raw, sizeof(raw));
}

int kesu_ledger_begin(struct kesu_ledger *l, const char *device_key, const char *plan_json,
		      char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize)
{
	kesu_ledger_new_id(job_id);
	return Kesu_ledger_insert_running(l, job_id, device_key, plan_json, err, errsize);
}

int Kesu_ledger_insert_running(struct kesu_ledger *l, const char *job_id, const char *device_key,
			       const char *plan_json, char *err, size_t errsize)
{
	char now[32];
	now_utc(now);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db,
			       "INSERT INTO jobs (job_id, state, device_key, started_utc, plan)"
			       " VALUES (?, 'running', ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot record the job", err, errsize);
	sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, device_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, plan_json, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : Kesu_ledger_fail(l, "cannot record the job", err, errsize);
	sqlite3_finalize(st);
	return rc;
}

/* Runs an UPDATE of one unfinished job; binds job_id last. */
static int update_job(struct kesu_ledger *l, const char *sql, const char *job_id,
		      sqlite3_stmt **stp, char *err, size_t errsize)
{
	if (sqlite3_prepare_v2(l->db, sql, -1, stp, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot update the job", err, errsize);
	sqlite3_bind_text(*stp, sqlite3_bind_parameter_count(*stp), job_id, -1, SQLITE_STATIC);
	return 0;
}

static int step_update(struct kesu_ledger *l, sqlite3_stmt *st, const char *job_id, char *err,
		       size_t errsize)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : Kesu_ledger_fail(l, "cannot update the job", err, errsize);
	if (rc == 0 && sqlite3_changes(l->db) != 1) {
		snprintf(err, errsize, _("ledger %s: no unfinished job %s"), l->path, job_id);
		rc = -KESU_ENOTFOUND;
	}
	sqlite3_finalize(st);
	return rc;
}

int kesu_ledger_checkpoint(struct kesu_ledger *l, const char *job_id, unsigned pass,
			   uint64_t offset, uint64_t bad_sectors, const char *state_json, char *err,
			   size_t errsize)
{
	char now[32];
	now_utc(now);
	sqlite3_stmt *st;
	/* One statement: the position and the state that goes with it are
	 * never stored apart. */
	int rc = update_job(l, "UPDATE jobs SET checkpoint_pass = ?, checkpoint_offset = ?,"
			       " checkpoint_utc = ?, bad_sectors = ?, progress = coalesce(?, progress)"
			       " WHERE state != 'finished' AND job_id = ?",
			    job_id, &st, err, errsize);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, (int)pass);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)offset);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)bad_sectors);
	if (state_json)
		sqlite3_bind_text(st, 5, state_json, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	return step_update(l, st, job_id, err, errsize);
}

int kesu_ledger_discard(struct kesu_ledger *l, const char *job_id, char *err, size_t errsize)
{
	sqlite3_stmt *st;
	int rc = update_job(l, "DELETE FROM jobs WHERE state = 'running' AND checkpoint_pass = 0"
			       " AND progress IS NULL AND interruptions = '[]' AND job_id = ?",
			    job_id, &st, err, errsize);
	return rc < 0 ? rc : step_update(l, st, job_id, err, errsize);
}

int kesu_ledger_interrupted(struct kesu_ledger *l, const char *job_id, const char *reason,
			    char *err, size_t errsize)
{
	sqlite3_stmt *st;
	int rc = update_job(l, "UPDATE jobs SET state = 'interrupted', last_event = ?"
			       " WHERE state != 'finished' AND job_id = ?",
			    job_id, &st, err, errsize);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, reason, -1, SQLITE_STATIC);
	return step_update(l, st, job_id, err, errsize);
}

int kesu_ledger_resume(struct kesu_ledger *l, const char *job_id, char *err, size_t errsize)
{
	char now[32];
	now_utc(now);
	sqlite3_stmt *st;
	/* json_insert with '$[#]' appends to the array (SQLite >= 3.31). */
	int rc = update_job(l, "UPDATE jobs SET state = 'running', interruptions = json_insert("
			       " interruptions, '$[#]', json_object('pass', checkpoint_pass,"
			       " 'offset', checkpoint_offset, 'at_utc', ?, 'reason',"
			       " coalesce(last_event, 'the process stopped without finishing')))"
			       " WHERE state != 'finished' AND job_id = ?",
			    job_id, &st, err, errsize);
	if (rc < 0)
		return rc;
	sqlite3_bind_text(st, 1, now, -1, SQLITE_STATIC);
	return step_update(l, st, job_id, err, errsize);
}

static char *dup_column(sqlite3_stmt *st, int col)
{
	const char *t = (const char *)sqlite3_column_text(st, col);
	return strdup(t ? t : "");
}

/* One unfinished job, by device key (newest) or by job id. */
static int find_open(struct kesu_ledger *l, const char *where, const char *value,
		     struct kesu_ledger_open_job *job, char *err, size_t errsize)
{
	memset(job, 0, sizeof(*job));
	sqlite3_stmt *st;
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "SELECT job_id, plan, checkpoint_pass, checkpoint_offset, bad_sectors,"
		 " interruptions, started_utc, progress, device_key, state FROM jobs WHERE %s = ?"
		 " AND state != 'finished' ORDER BY started_utc DESC, rowid DESC LIMIT 1", where);
	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot read", err, errsize);
	sqlite3_bind_text(st, 1, value, -1, SQLITE_STATIC);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		snprintf(job->job_id, sizeof(job->job_id), "%s", sqlite3_column_text(st, 0));
		job->plan_json = dup_column(st, 1);
		job->pass = (unsigned)sqlite3_column_int(st, 2);
		job->offset = (uint64_t)sqlite3_column_int64(st, 3);
		job->bad_sectors = (uint64_t)sqlite3_column_int64(st, 4);
		job->interruptions = dup_column(st, 5);
		snprintf(job->started_utc, sizeof(job->started_utc), "%s", sqlite3_column_text(st, 6));
		job->state_json = sqlite3_column_type(st, 7) == SQLITE_NULL ? NULL : dup_column(st, 7);
		job->device_key = dup_column(st, 8);
		snprintf(job->state, sizeof(job->state), "%s", sqlite3_column_text(st, 9));
		rc = job->plan_json && job->interruptions && job->device_key ? 1 : -ENOMEM;
	} else if (step != SQLITE_DONE) {
		rc = Kesu_ledger_fail(l, "cannot read", err, errsize);
	}
	sqlite3_finalize(st);
	return rc;
}

int kesu_ledger_find_open(struct kesu_ledger *l, const char *device_key,
			  struct kesu_ledger_open_job *job, char *err, size_t errsize)
{
	return find_open(l, "device_key", device_key, job, err, errsize);
}

int kesu_ledger_get_open(struct kesu_ledger *l, const char *job_id,
			 struct kesu_ledger_open_job *job, char *err, size_t errsize)
{
	return find_open(l, "job_id", job_id, job, err, errsize);
}

void kesu_ledger_open_job_free(struct kesu_ledger_open_job *job)
{
	free(job->plan_json);
	free(job->interruptions);
	free(job->state_json);
	free(job->device_key);
	job->plan_json = job->interruptions = job->state_json = job->device_key = NULL;
}

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

#define APPLICATION_ID 0x6b657375 /* "kesu" */

int kesu_ledger_fail(struct kesu_ledger *l, const char *what, char *err, size_t errsize)
{
	int code = sqlite3_errcode(l->db);
	snprintf(err, errsize, "ledger %s: %s: %s", l->path, what, sqlite3_errmsg(l->db));
	return code == SQLITE_BUSY || code == SQLITE_LOCKED ? -EBUSY : -EIO;
}

int kesu_ledger_exec(struct kesu_ledger *l, const char *sql, char *err, size_t errsize)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return kesu_ledger_fail(l, "cannot update", err, errsize);
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

/* Each entry moves the schema from version i to i + 1. */
static const char *const migrations[] = {schema_v1, schema_v2};
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

/* A database that is not ours, is damaged, or is from a newer kesu is
 * left exactly as it is. */
static int check_and_migrate(struct kesu_ledger *l, char *err, size_t errsize)
{
	int app = 0, version = 0, tables = 0;
	/* One read transaction: another kesu may be creating the ledger, and
	 * its tables without its application id would look foreign. */
	bool read_ok = sqlite3_exec(l->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK &&
		       pragma_int(l, "PRAGMA application_id", &app) == 0 &&
		       pragma_int(l, "PRAGMA user_version", &version) == 0 &&
		       pragma_int(l, "SELECT count(*) FROM sqlite_master", &tables) == 0;
	if (!read_ok)
		snprintf(err, errsize, "ledger %s: not a kesu ledger: %s", l->path, sqlite3_errmsg(l->db));
	sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL);
	if (!read_ok)
		return -KESU_EPARSE;
	if (tables > 0 && app != APPLICATION_ID) {
		snprintf(err, errsize, "ledger %s: not a kesu ledger (another SQLite database)", l->path);
		return -KESU_EPARSE;
	}
	if (version > (int)NMIGRATIONS) {
		snprintf(err, errsize, "ledger %s: schema version %d is newer than this kesu (%zu)",
			 l->path, version, NMIGRATIONS);
		return -KESU_EPARSE;
	}
	if (tables > 0) {
		sqlite3_stmt *st;
		bool ok = sqlite3_prepare_v2(l->db, "PRAGMA quick_check", -1, &st, NULL) == SQLITE_OK &&
			  sqlite3_step(st) == SQLITE_ROW &&
			  strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
		sqlite3_finalize(st);
		if (!ok) {
			snprintf(err, errsize, "ledger %s: the database is damaged (integrity check failed)",
				 l->path);
			return -KESU_EPARSE;
		}
	}
	for (int v = version; v < (int)NMIGRATIONS; v++) {
		char sql[64];
		int rc = kesu_ledger_exec(l, "BEGIN IMMEDIATE", err, errsize);
		if (rc < 0)
			return rc;
		/* Another kesu (the live image runs one per method) may have
		 * migrated while this one waited for the write lock. */
		if (pragma_int(l, "PRAGMA user_version", &version) < 0) {
			sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
			return kesu_ledger_fail(l, "cannot read the schema version", err, errsize);
		}
		if (version > v) {
			if ((rc = kesu_ledger_exec(l, "COMMIT", err, errsize)) < 0)
				return rc;
			v = version - 1;
			continue;
		}
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if ((rc = kesu_ledger_exec(l, migrations[v], err, errsize)) < 0 ||
		    (rc = kesu_ledger_exec(l, "PRAGMA application_id = 1801810805", err, errsize)) < 0 ||
		    (rc = kesu_ledger_exec(l, sql, err, errsize)) < 0) {
			sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
			return rc;
		}
		if ((rc = kesu_ledger_exec(l, "COMMIT", err, errsize)) < 0)
			return rc;
	}
	return 0;
}

int kesu_ledger_open(const char *path, struct kesu_ledger **out, char *err, size_t errsize)
{
	*out = NULL;
	/* Create the file ourselves so that it is 0600 from the start. */
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		snprintf(err, errsize, "ledger %s: %s", path, strerror(e));
		return -e;
	}
	close(fd);
	struct kesu_ledger *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	snprintf(l->path, sizeof(l->path), "%s", path);
	if (sqlite3_open_v2(path, &l->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		int rc = kesu_ledger_fail(l, "cannot open", err, errsize);
		kesu_ledger_close(l);
		return rc;
	}
	sqlite3_busy_timeout(l->db, 30000);
	int rc = check_and_migrate(l, err, errsize);
	if (rc == 0)
		/* secure_delete: a forgotten password is overwritten in the file. */
		rc = kesu_ledger_exec(l, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
					 "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON", err, errsize);
	if (rc < 0) {
		kesu_ledger_close(l);
		return rc;
	}
	*out = l;
	return 0;
}

void kesu_ledger_close(struct kesu_ledger *l)
{
	if (!l)
		return;
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

int kesu_ledger_begin(struct kesu_ledger *l, const char *device_key, const char *plan_json,
		      char job_id[KESU_JOB_ID_LEN + 1], char *err, size_t errsize)
{
	uint8_t id[KESU_JOB_ID_LEN / 2];
	randombytes_buf(id, sizeof(id));
	sodium_bin2hex(job_id, KESU_JOB_ID_LEN + 1, id, sizeof(id));
	char now[32];
	now_utc(now);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db,
			       "INSERT INTO jobs (job_id, state, device_key, started_utc, plan)"
			       " VALUES (?, 'running', ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		return kesu_ledger_fail(l, "cannot record the job", err, errsize);
	sqlite3_bind_text(st, 1, job_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, device_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, plan_json, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : kesu_ledger_fail(l, "cannot record the job", err, errsize);
	sqlite3_finalize(st);
	return rc;
}

/* Runs an UPDATE of one unfinished job; binds job_id last. */
static int update_job(struct kesu_ledger *l, const char *sql, const char *job_id,
		      sqlite3_stmt **stp, char *err, size_t errsize)
{
	if (sqlite3_prepare_v2(l->db, sql, -1, stp, NULL) != SQLITE_OK)
		return kesu_ledger_fail(l, "cannot update the job", err, errsize);
	sqlite3_bind_text(*stp, sqlite3_bind_parameter_count(*stp), job_id, -1, SQLITE_STATIC);
	return 0;
}

static int step_update(struct kesu_ledger *l, sqlite3_stmt *st, const char *job_id, char *err,
		       size_t errsize)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : kesu_ledger_fail(l, "cannot update the job", err, errsize);
	if (rc == 0 && sqlite3_changes(l->db) != 1) {
		snprintf(err, errsize, "ledger %s: no unfinished job %s", l->path, job_id);
		rc = -KESU_ENOTFOUND;
	}
	sqlite3_finalize(st);
	return rc;
}

int kesu_ledger_checkpoint(struct kesu_ledger *l, const char *job_id, unsigned pass,
			   uint64_t offset, uint64_t bad_sectors, char *err, size_t errsize)
{
	char now[32];
	now_utc(now);
	sqlite3_stmt *st;
	int rc = update_job(l, "UPDATE jobs SET checkpoint_pass = ?, checkpoint_offset = ?,"
			       " checkpoint_utc = ?, bad_sectors = ? WHERE state != 'finished' AND job_id = ?",
			    job_id, &st, err, errsize);
	if (rc < 0)
		return rc;
	sqlite3_bind_int(st, 1, (int)pass);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)offset);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)bad_sectors);
	return step_update(l, st, job_id, err, errsize);
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

int kesu_ledger_find_open(struct kesu_ledger *l, const char *device_key,
			  struct kesu_ledger_open_job *job, char *err, size_t errsize)
{
	memset(job, 0, sizeof(*job));
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db,
			       "SELECT job_id, plan, checkpoint_pass, checkpoint_offset, bad_sectors,"
			       " interruptions, started_utc FROM jobs WHERE device_key = ?"
			       " AND state != 'finished' ORDER BY started_utc DESC, rowid DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return kesu_ledger_fail(l, "cannot read", err, errsize);
	sqlite3_bind_text(st, 1, device_key, -1, SQLITE_STATIC);
	int step = sqlite3_step(st), rc = 0;
	if (step == SQLITE_ROW) {
		snprintf(job->job_id, sizeof(job->job_id), "%s", sqlite3_column_text(st, 0));
		job->plan_json = dup_column(st, 1);
		job->pass = (unsigned)sqlite3_column_int(st, 2);
		job->offset = (uint64_t)sqlite3_column_int64(st, 3);
		job->bad_sectors = (uint64_t)sqlite3_column_int64(st, 4);
		job->interruptions = dup_column(st, 5);
		snprintf(job->started_utc, sizeof(job->started_utc), "%s", sqlite3_column_text(st, 6));
		rc = 1;
	} else if (step != SQLITE_DONE) {
		rc = kesu_ledger_fail(l, "cannot read", err, errsize);
	}
	sqlite3_finalize(st);
	return rc;
}

void kesu_ledger_open_job_free(struct kesu_ledger_open_job *job)
{
	free(job->plan_json);
	free(job->interruptions);
	job->plan_json = job->interruptions = NULL;
}

/* The ledger: chaining, signatures, triggers, and detection of every kind
 * of tampering done with SQL around the triggers. */
#include <criterion/criterion.h>
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/key.h"
#include "kesu/ledger.h"
#include "ledger_internal.h" /* Kesu_ledger_chain_hash, to forge a re-hashed edit */

static char dir[64];
static char db_path[128];
static struct kesu_secret_key *sk;
static struct kesu_public_key pk;

static void setup(void)
{
	char err[256], sec[128], pub[128];
	snprintf(dir, sizeof(dir), "/tmp/kesu-ledger-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/ledger.sqlite", dir);
	snprintf(sec, sizeof(sec), "%s/station.key", dir);
	snprintf(pub, sizeof(pub), "%s/station.pub", dir);
	cr_assert_eq(kesu_key_generate(sec, pub, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_key_load_secret(sec, NULL, &sk, err, sizeof(err)), 0, "%s", err);
	kesu_key_public_from_secret(sk, &pk);
}

static void teardown(void)
{
	kesu_key_secret_free(sk);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

/* Adds n finished jobs; returns the open ledger. */
static struct kesu_ledger *ledger_with(int n)
{
	struct kesu_ledger *l;
	char err[512], id[KESU_JOB_ID_LEN + 1], hash[65], record[256];
	cr_assert_eq(kesu_ledger_open(db_path, &l, err, sizeof(err)), 0, "%s", err);
	for (int i = 0; i < n; i++) {
		cr_assert_eq(kesu_ledger_begin(l, "serial:S1:100", "{}", id, err, sizeof(err)), 0, "%s", err);
		int len = snprintf(record, sizeof(record),
				   "{\"job_id\":\"%s\",\"n\":%d,\"operator\":{\"name\":\"op%d\"},\"outcome\":\"SUCCESS\"}",
				   id, i, i);
		uint64_t seq;
		cr_assert_eq(kesu_ledger_finish(l, id, record, (size_t)len, sk, &seq, hash, err, sizeof(err)), 0, "%s", err);
		cr_assert_eq(seq, (uint64_t)i + 1);
	}
	return l;
}

static void sql(const char *statement)
{
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(db, statement, NULL, NULL, &msg);
	cr_assert_eq(rc, SQLITE_OK, "%s: %s", statement, msg ? msg : "");
	sqlite3_close(db);
}

static int sql_rc(const char *statement)
{
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	int rc = sqlite3_exec(db, statement, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

static void drop_triggers(void)
{
	sql("DROP TRIGGER jobs_finished_no_update; DROP TRIGGER jobs_finished_no_delete;"
	    "DROP TRIGGER jobs_no_finished_insert");
}

static void assert_bad(uint64_t seq, const char *problem_part)
{
	struct kesu_ledger *l;
	struct kesu_ledger_report r;
	char err[512];
	cr_assert_eq(kesu_ledger_open(db_path, &l, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_ledger_verify(l, &pk, &r, err, sizeof(err)), -KESU_EVERIFY,
		     "tampering not detected");
	cr_expect_eq(r.first_bad_seq, seq, "first bad record %llu, wanted %llu",
		     (unsigned long long)r.first_bad_seq, (unsigned long long)seq);
	cr_expect(strstr(r.problem, problem_part), "problem \"%s\" lacks \"%s\"", r.problem, problem_part);
	kesu_ledger_close(l);
}

TestSuite(ledger, .init = setup, .fini = teardown);

Test(ledger, a_clean_chain_verifies)
{
	struct kesu_ledger *l = ledger_with(5);
	struct kesu_ledger_report r;
	char err[256];
	cr_assert_eq(kesu_ledger_verify(l, &pk, &r, err, sizeof(err)), 0, "%s", r.problem);
	cr_assert_eq(r.records, 5);
	cr_assert_eq(strlen(r.head_hash), 64);
	kesu_ledger_close(l);
}

Test(ledger, triggers_refuse_update_and_delete_of_finished_records)
{
	kesu_ledger_close(ledger_with(2));
	cr_assert_neq(sql_rc("UPDATE jobs SET record = '{}' WHERE seq = 1"), SQLITE_OK);
	cr_assert_neq(sql_rc("DELETE FROM jobs WHERE seq = 2"), SQLITE_OK);
	cr_assert_neq(sql_rc("INSERT INTO jobs (job_id, state, device_key, started_utc, plan)"
			     " VALUES ('x', 'finished', 'k', 't', '{}')"), SQLITE_OK);
}

Test(ledger, an_edited_record_is_detected)
{
	kesu_ledger_close(ledger_with(4));
	drop_triggers();
	sql("UPDATE jobs SET record = replace(record, '\"op2\"', '\"mallory\"') WHERE seq = 3");
	assert_bad(3, "does not match its hash");
}

Test(ledger, an_edited_record_with_recomputed_hash_fails_the_signature)
{
	kesu_ledger_close(ledger_with(3));
	drop_triggers();
	/* An attacker who recomputes the hash cannot sign it. */
	sql("UPDATE jobs SET record = replace(record, 'SUCCESS', 'FAILED') WHERE seq = 2");
	struct kesu_ledger *l;
	char err[256];
	cr_assert_eq(kesu_ledger_open(db_path, &l, err, sizeof(err)), 0);
	kesu_ledger_close(l);
	assert_bad(2, "hash");
}

Test(ledger, a_deleted_record_is_detected)
{
	kesu_ledger_close(ledger_with(4));
	drop_triggers();
	sql("DELETE FROM jobs WHERE seq = 2");
	assert_bad(2, "sequence number 3 where 2 was expected");
}

Test(ledger, reordered_records_are_detected)
{
	kesu_ledger_close(ledger_with(4));
	drop_triggers();
	sql("UPDATE jobs SET seq = -1 WHERE seq = 2; UPDATE jobs SET seq = 2 WHERE seq = 3;"
	    "UPDATE jobs SET seq = 3 WHERE seq = -1");
	assert_bad(2, "does not link");
}

Test(ledger, an_inserted_record_is_detected)
{
	struct kesu_ledger *l = ledger_with(3);
	kesu_ledger_close(l);
	drop_triggers();
	/* A copy of record 2 inserted as a new record 4 at the end. */
	sql("INSERT INTO jobs (job_id, state, device_key, started_utc, plan, seq, record, prev_hash, hash, signature)"
	    " SELECT 'forged', 'finished', device_key, started_utc, plan, 4, record, "
	    " (SELECT hash FROM jobs WHERE seq = 3), hash, signature FROM jobs WHERE seq = 2");
	assert_bad(4, "another job id");
}

Test(ledger, another_key_fails)
{
	kesu_ledger_close(ledger_with(2));
	struct kesu_public_key other = pk;
	other.pk[0] ^= 1;
	struct kesu_ledger *l;
	struct kesu_ledger_report r;
	char err[256];
	cr_assert_eq(kesu_ledger_open(db_path, &l, err, sizeof(err)), 0);
	cr_assert_eq(kesu_ledger_verify(l, &other, &r, err, sizeof(err)), -KESU_EVERIFY);
	cr_assert_eq(r.first_bad_seq, 1);
	cr_assert(strstr(r.problem, "signature"));
	kesu_ledger_close(l);
}

Test(ledger, checkpoints_and_resume_of_an_open_job)
{
	struct kesu_ledger *l = ledger_with(1);
	char err[256], id[KESU_JOB_ID_LEN + 1];
	cr_assert_eq(kesu_ledger_begin(l, "serial:S9:42", "{\"plan\":1}", id, err, sizeof(err)), 0);
	cr_assert_eq(kesu_ledger_checkpoint(l, id, 2, 4096, 0, NULL, err, sizeof(err)), 0);
	struct kesu_ledger_open_job job;
	cr_assert_eq(kesu_ledger_find_open(l, "serial:S9:42", &job, err, sizeof(err)), 1);
	cr_assert_str_eq(job.job_id, id);
	cr_assert_eq(job.pass, 2);
	cr_assert_eq(job.offset, 4096);
	cr_assert_str_eq(job.plan_json, "{\"plan\":1}");
	kesu_ledger_open_job_free(&job);
	cr_assert_eq(kesu_ledger_interrupted(l, id, "SIGTERM", err, sizeof(err)), 0);
	cr_assert_eq(kesu_ledger_resume(l, id, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_ledger_find_open(l, "serial:S9:42", &job, err, sizeof(err)), 1);
	const char *want = "[{\"pass\":2,\"offset\":4096,\"at_utc\":\"";
	cr_assert_eq(strncmp(job.interruptions, want, strlen(want)), 0, "%s", job.interruptions);
	cr_assert(strstr(job.interruptions, "\"reason\":\"SIGTERM\"}]"), "%s", job.interruptions);
	kesu_ledger_open_job_free(&job);
	cr_assert_eq(kesu_ledger_find_open(l, "serial:OTHER:42", &job, err, sizeof(err)), 0);
	struct kesu_ledger_report r;
	cr_assert_eq(kesu_ledger_verify(l, &pk, &r, err, sizeof(err)), 0, "an open job does not break the chain");
	cr_assert_eq(r.open_jobs, 1);
	kesu_ledger_close(l);
}

Test(ledger, not_a_ledger_and_corrupt_files_are_refused_untouched)
{
	FILE *f = fopen(db_path, "w");
	fputs("this is not a database, it is a letter\n", f);
	fclose(f);
	struct kesu_ledger *l;
	char err[512];
	cr_assert_lt(kesu_ledger_open(db_path, &l, err, sizeof(err)), 0);
	cr_assert(strstr(err, db_path) && strstr(err, "not a kesu ledger"), "%s", err);
	f = fopen(db_path, "r");
	char line[64];
	cr_assert_not_null(fgets(line, sizeof(line), f));
	fclose(f);
	cr_assert_str_eq(line, "this is not a database, it is a letter\n", "the file was changed");
	unlink(db_path);
	sql("CREATE TABLE other (x)");
	cr_assert_lt(kesu_ledger_open(db_path, &l, err, sizeof(err)), 0);
	cr_assert(strstr(err, "another SQLite database"), "%s", err);
}

/* ---- Review: lookups that recompute, names a reviewer gives, filters,
 * read-only opening, permissions (issue 12: C4, D4, E2, E3) ---- */

Test(ledger, lookup_recomputes_the_hash_of_an_edited_record)
{
	struct kesu_ledger *l = ledger_with(3);
	char err[512], hash[65], id[KESU_JOB_ID_LEN + 1], *record;
	uint64_t seq;
	cr_assert_eq(kesu_ledger_resolve(l, "2", id, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(kesu_ledger_lookup_checked(l, id, &pk, &record, &seq, hash, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(seq, 2);
	free(record);
	kesu_ledger_close(l);
	drop_triggers();
	/* The stored hash column still names the old record. */
	sql("UPDATE jobs SET record = replace(record, '\"op1\"', '\"mallory\"') WHERE seq = 2");
	cr_assert_eq(kesu_ledger_open_readonly(db_path, &l, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_ledger_lookup(l, id, &record, &seq, hash, err, sizeof(err)), -KESU_EVERIFY);
	cr_assert(strstr(err, "record 2") && strstr(err, "does not match its hash: it was edited"), "%s", err);
	kesu_ledger_close(l);
}

Test(ledger, lookup_with_a_key_catches_a_rehashed_edit)
{
	kesu_ledger_close(ledger_with(1));
	drop_triggers();
	/* Edit and recompute the hash the way kesu does: only the signature
	 * can tell. sqlite3 cannot compute BLAKE2b, so do it here. */
	struct kesu_ledger *l;
	char err[512], hash[65], *record;
	uint64_t seq;
	sql("UPDATE jobs SET record = replace(record, 'SUCCESS', 'FAILED') WHERE seq = 1");
	sqlite3 *db;
	cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT record, job_id FROM jobs WHERE seq = 1", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	char *text = strdup((const char *)sqlite3_column_text(st, 0));
	char job[KESU_JOB_ID_LEN + 1];
	snprintf(job, sizeof(job), "%s", sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	uint8_t zero[32] = {0}, h[32];
	Kesu_ledger_chain_hash(zero, 1, text, strlen(text), h);
	char hex[65], upd[256];
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	snprintf(upd, sizeof(upd), "UPDATE jobs SET hash = '%s' WHERE seq = 1", hex);
	cr_assert_eq(sqlite3_exec(db, upd, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(text);
	cr_assert_eq(kesu_ledger_open_readonly(db_path, &l, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_ledger_lookup(l, job, &record, &seq, hash, err, sizeof(err)), 1,
		     "without a key only the hash is checked: %s", err);
	free(record);
	cr_assert_eq(kesu_ledger_lookup_checked(l, job, &pk, &record, &seq, hash, err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert(strstr(err, "not signed by the station key"), "%s", err);
	kesu_ledger_close(l);
}

Test(ledger, resolve_takes_a_seq_a_certificate_id_or_a_unique_prefix)
{
	struct kesu_ledger *l = ledger_with(2);
	char err[512], id[KESU_JOB_ID_LEN + 1], got[KESU_JOB_ID_LEN + 1], hash[65], record[256];
	cr_assert_eq(kesu_ledger_begin(l, "serial:S2:100", "{}", id, err, sizeof(err)), 0, "%s", err);
	int len = snprintf(record, sizeof(record),
			   "{\"certificate_id\":\"KESU-20261206-ABCDEF12\",\"job_id\":\"%s\"}", id);
	uint64_t seq;
	cr_assert_eq(kesu_ledger_finish(l, id, record, (size_t)len, sk, &seq, hash, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_ledger_resolve(l, "3", got, err, sizeof(err)), 1, "%s", err);
	cr_assert_str_eq(got, id);
	cr_assert_eq(kesu_ledger_resolve(l, "KESU-20261206-ABCDEF12", got, err, sizeof(err)), 1, "%s", err);
	cr_assert_str_eq(got, id);
	char prefix[8];
	snprintf(prefix, sizeof(prefix), "%.7s", id);
	cr_assert_eq(kesu_ledger_resolve(l, prefix, got, err, sizeof(err)), 1, "%s", err);
	cr_assert_str_eq(got, id);
	cr_assert_eq(kesu_ledger_resolve(l, id, got, err, sizeof(err)), 1, "%s", err);
	cr_assert_eq(kesu_ledger_resolve(l, "9", got, err, sizeof(err)), 0);
	snprintf(prefix, sizeof(prefix), "%.5s", id);
	cr_assert_eq(kesu_ledger_resolve(l, prefix, got, err, sizeof(err)), 0, "5 digits are too few");
	kesu_ledger_close(l);
	/* Two job ids with the same start: an error naming both. */
	drop_triggers();
	sql("UPDATE jobs SET job_id = 'abcdef01' || substr(job_id, 9) WHERE seq = 1;"
	    "UPDATE jobs SET job_id = 'abcdef02' || substr(job_id, 9) WHERE seq = 2");
	cr_assert_eq(kesu_ledger_open_readonly(db_path, &l, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_ledger_resolve(l, "abcdef", got, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "2 job ids") && strstr(err, " abcdef01") && strstr(err, " abcdef02"), "%s", err);
	cr_assert_eq(kesu_ledger_resolve(l, "ABCDEF02", got, err, sizeof(err)), 1, "%s", err);
	kesu_ledger_close(l);
}

Test(ledger, filter_values_are_checked)
{
	char err[256];
	struct kesu_ledger_filter ok = {.since_utc = "2024-02-29", .until_utc = "2024-03-01T00:00:00Z",
					.outcome = "ABANDONED", .classification = "III",
					.purpose = "lease-return"};
	cr_assert_eq(kesu_ledger_filter_check(&ok, err, sizeof(err)), 0, "%s", err);
	struct { struct kesu_ledger_filter f; const char *says; } bad[] = {
		{{.since_utc = "2026-02-30"}, "not a date"},
		{{.since_utc = "2025-02-29"}, "not a date"},
		{{.until_utc = "2026-13-01"}, "not a date"},
		{{.until_utc = "yesterday"}, "not a date"},
		{{.since_utc = "2026-11-01T25:00:00Z"}, "not a date"},
		{{.since_utc = "2026-11-01+09:00"}, "not a date"},
		{{.since_utc = "2026-11-30", .until_utc = "2026-11-01"}, "before since"},
		{{.outcome = "SUCESS"}, "SUCCESS, ERASED_WITH_EXCEPTIONS, UNVERIFIED, FAILED, INTERRUPTED or ABANDONED"},
		{{.outcome = "success"}, "is not SUCCESS"},
		{{.classification = "2"}, "is not I, II or III"},
		{{.purpose = "dispose"}, "disposal, lease-return, repair or reuse"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(kesu_ledger_filter_check(&bad[i].f, err, sizeof(err)), -KESU_EPARSE, "case %zu", i);
		cr_expect(strstr(err, bad[i].says), "case %zu: \"%s\" lacks \"%s\"", i, err, bad[i].says);
	}
	struct kesu_ledger_filter same_day = {.since_utc = "2026-11-30", .until_utc = "2026-11-30"};
	cr_assert_eq(kesu_ledger_filter_check(&same_day, err, sizeof(err)), 0, "%s", err);
}

Test(ledger, a_read_only_open_neither_migrates_nor_writes)
{
	kesu_ledger_close(ledger_with(2));
	/* Back to schema version 1, as a ledger of an older kesu. */
	sql("DROP TABLE ata_passwords; PRAGMA user_version = 1; PRAGMA wal_checkpoint(TRUNCATE)");
	struct stat before, after;
	cr_assert_eq(stat(db_path, &before), 0);
	struct kesu_ledger *l;
	char err[512];
	cr_assert_eq(kesu_ledger_open_readonly(db_path, &l, err, sizeof(err)), 0, "%s", err);
	const struct kesu_ledger_notes *n = kesu_ledger_notes(l);
	cr_assert_eq(n->schema_version, 1);
	cr_assert_gt(n->schema_current, 1);
	struct kesu_ledger_report r;
	cr_assert_eq(kesu_ledger_verify(l, &pk, &r, err, sizeof(err)), 0, "%s", r.problem);
	cr_assert_eq(r.records, 2);
	kesu_ledger_close(l);
	cr_assert_eq(stat(db_path, &after), 0);
	cr_assert_eq(before.st_mtime, after.st_mtime);
	cr_assert_eq(before.st_size, after.st_size);
	sqlite3 *db;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	cr_assert_eq(sqlite3_column_int(st, 0), 1, "the ledger was migrated");
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* A missing ledger is not created. */
	char missing[160];
	snprintf(missing, sizeof(missing), "%s/none.sqlite", dir);
	cr_assert_eq(kesu_ledger_open_readonly(missing, &l, err, sizeof(err)), -ENOENT);
	cr_assert_neq(access(missing, F_OK), 0);
}

Test(ledger, a_writing_open_makes_an_open_ledger_private)
{
	kesu_ledger_close(ledger_with(1));
	cr_assert_eq(chmod(db_path, 0644), 0);
	struct kesu_ledger *l;
	char err[512];
	cr_assert_eq(kesu_ledger_open_readonly(db_path, &l, err, sizeof(err)), 0, "%s", err);
	cr_assert(kesu_ledger_notes(l)->mode_open, "a read-only open reports the mode");
	kesu_ledger_close(l);
	struct stat sb;
	cr_assert_eq(stat(db_path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0644, "a read-only open changes nothing");
	cr_assert_eq(kesu_ledger_open(db_path, &l, err, sizeof(err)), 0, "%s", err);
	const struct kesu_ledger_notes *n = kesu_ledger_notes(l);
	cr_assert(n->mode_tightened);
	cr_assert_eq(n->old_mode, 0644);
	kesu_ledger_close(l);
	cr_assert_eq(stat(db_path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0600);
}

/* A decision judged on the ledger at one head is recorded only while
 * that is still the head: a stale judgement is refused, nothing written. */
Test(ledger, an_append_at_a_stale_head_is_refused)
{
	struct kesu_ledger *l = ledger_with(2);
	char err[256], id[KESU_JOB_ID_LEN + 1], id2[KESU_JOB_ID_LEN + 1], hash[65], rec[128];
	uint64_t head, seq;
	cr_assert_eq(kesu_ledger_head_seq(l, &head, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(head, 2);
	kesu_ledger_new_id(id);
	int n = snprintf(rec, sizeof(rec), "{\"job_id\":\"%s\",\"kind\":\"handover\"}", id);
	cr_assert_eq(kesu_ledger_append_at(l, head, "medium:A", "handover", rec, (size_t)n, sk, id,
					   &seq, hash, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(seq, 3);
	kesu_ledger_new_id(id2);
	n = snprintf(rec, sizeof(rec), "{\"job_id\":\"%s\",\"kind\":\"handover\"}", id2);
	cr_assert_eq(kesu_ledger_append_at(l, head, "medium:A", "handover", rec, (size_t)n, sk, id2,
					   &seq, hash, err, sizeof(err)), -EAGAIN);
	cr_assert(strstr(err, "record 3 was added after the handover was judged on record 2"), "%s", err);
	struct kesu_ledger_report r;
	cr_assert_eq(kesu_ledger_verify(l, &pk, &r, err, sizeof(err)), 0, "%s", r.problem);
	cr_assert_eq(r.records, 3, "the stale append wrote nothing");
	cr_assert_eq(r.open_jobs, 0);
	kesu_ledger_close(l);
}

Test(ledger, an_appended_event_is_chained_signed_and_leaves_no_open_job)
{
	struct kesu_ledger *l = ledger_with(2);
	char err[256], id[KESU_JOB_ID_LEN + 1], hash[65];
	char rec[128];
	kesu_ledger_new_id(id);
	int n = snprintf(rec, sizeof(rec), "{\"job_id\":\"%s\",\"kind\":\"trust\",\"role\":\"approver\"}", id);
	uint64_t seq;
	cr_assert_eq(kesu_ledger_append(l, "trust:ed25519:00", "trust", rec, (size_t)n, sk, id, &seq,
					hash, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(seq, 3);
	/* Not canonical: refused, nothing added. */
	const char bad[] = "{ \"kind\": \"trust\" }";
	char id2[KESU_JOB_ID_LEN + 1];
	kesu_ledger_new_id(id2);
	cr_assert_eq(kesu_ledger_append(l, "trust:x", "trust", bad, sizeof(bad) - 1, sk, id2, &seq, hash,
					err, sizeof(err)), -KESU_EPARSE);
	struct kesu_ledger_report r;
	cr_assert_eq(kesu_ledger_verify(l, &pk, &r, err, sizeof(err)), 0, "%s", r.problem);
	cr_assert_eq(r.records, 3);
	cr_assert_eq(r.open_jobs, 0);
	char *found = NULL;
	cr_assert_eq(kesu_ledger_lookup(l, id, &found, &seq, hash, err, sizeof(err)), 1, "%s", err);
	cr_assert_str_eq(found, rec);
	free(found);
	kesu_ledger_close(l);
}

/* kesu_ledger_verify checks records in batches of 1024 on two threads:
 * the first bad record is still the one named, wherever it falls (here
 * on the second thread's share of the second batch, with a later bad one
 * in the third batch), and a clean chain's head is its last record's. */
Test(ledger, verify_names_the_first_bad_record_across_batches)
{
	snprintf(db_path, sizeof(db_path), "/dev/shm/kesu-ledger-batches-%d.sqlite", (int)getpid());
	struct kesu_ledger *l = ledger_with(2100);
	struct kesu_ledger_report r;
	char err[256], head[65];
	cr_assert_eq(kesu_ledger_verify(l, &pk, &r, err, sizeof(err)), 0, "%s", r.problem);
	cr_assert_eq(r.records, 2100);
	sqlite3 *db;
	sqlite3_stmt *st;
	cr_assert_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_prepare_v2(db, "SELECT hash FROM jobs WHERE seq = 2100", -1, &st, NULL), SQLITE_OK);
	cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(head, sizeof(head), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	cr_assert_str_eq(r.head_hash, head);
	kesu_ledger_close(l);
	drop_triggers();
	sql("UPDATE jobs SET signature = (SELECT signature FROM jobs WHERE seq = 1498) WHERE seq = 1500;"
	    "UPDATE jobs SET record = replace(record, '\"op2049\"', '\"mallory\"') WHERE seq = 2050");
	assert_bad(1500, "signature is not the station key's");
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -f %s %s-wal %s-shm", db_path, db_path, db_path);
	cr_assert_eq(system(cmd), 0);
}

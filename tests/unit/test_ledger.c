/* The ledger: chaining, signatures, triggers, and detection of every kind
 * of tampering done with SQL around the triggers. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/key.h"
#include "kesu/ledger.h"

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
	cr_assert_eq(kesu_ledger_checkpoint(l, id, 2, 4096, 0, err, sizeof(err)), 0);
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

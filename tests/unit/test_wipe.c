/* The library's whole-job API (kesu/wipe.h) on an image file: prepare,
 * start, begin, run with checkpoints, a crash (a child process dies
 * without finishing), then a new process-like station resumes the job
 * from the ledger, finishes, certifies; the ledger verifies. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kesu/cert.h"
#include "kesu/error.h"
#include "kesu/job.h"
#include "kesu/key.h"
#include "kesu/ledger.h"
#include "kesu/wipe.h"

#define SIZE (4u << 20)

static char dir[] = "/tmp/kesu-test-wipe.XXXXXX";
static char image[256], ledger_path[256], key_path[256], pub_path[256], certs[256];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(image, sizeof(image), "%s/disk.img", dir);
	snprintf(ledger_path, sizeof(ledger_path), "%s/ledger.sqlite", dir);
	snprintf(key_path, sizeof(key_path), "%s/station.key", dir);
	snprintf(pub_path, sizeof(pub_path), "%s/station.pub", dir);
	snprintf(certs, sizeof(certs), "%s/certs", dir);
	cr_assert_eq(mkdir(certs, 0700), 0);
	char err[600];
	cr_assert_eq(kesu_key_generate(key_path, pub_path, NULL, err, sizeof(err)), 0, "%s", err);
	FILE *f = fopen(image, "w");
	cr_assert_not_null(f);
	for (unsigned i = 0; i < SIZE; i++)
		fputc((int)(i * 7 + 13) & 0xff, f); /* "old data" */
	fclose(f);
}

static void teardown(void)
{
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

/* One "process": its own ledger connection, key, station. */
struct process {
	struct kesu_ledger *ledger;
	struct kesu_secret_key *sk;
	struct kesu_station st;
	struct kesu_method_set *methods;
	const struct kesu_method *method;
	struct kesu_device dev;
};

static void process_open(struct process *p)
{
	char err[600];
	memset(p, 0, sizeof(*p));
	cr_assert_eq(kesu_ledger_open(ledger_path, &p->ledger, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_key_load_secret(key_path, NULL, &p->sk, err, sizeof(err)), 0, "%s", err);
	struct kesu_job_context ctx = {0};
	strcpy(ctx.operator_name, "試験 太郎");
	kesu_context_station(&ctx);
	kesu_station_init(&p->st, p->ledger, p->sk, certs, &ctx, NULL);
	cr_assert_eq(kesu_method_set_load(&p->methods, NULL, err, sizeof(err)), 0, "%s", err);
	p->method = kesu_method_set_find(p->methods, "dod-3pass");
	cr_assert_eq(kesu_device_probe(image, NULL, &p->dev), 0);
}

static void process_close(struct process *p)
{
	kesu_station_destroy(&p->st);
	kesu_method_set_free(p->methods);
	kesu_key_secret_free(p->sk);
	kesu_ledger_close(p->ledger);
}

static struct kesu_wipe *start(struct process *p, struct kesu_job_options *o, struct kesu_wipe_found *found)
{
	char err[600];
	struct kesu_wipe *w;
	cr_assert_eq(kesu_wipe_prepare(&p->st, &p->dev, p->method, 0, o, &w, found, err, sizeof(err)), 0,
		     "%s", err);
	int fd = open(image, O_RDWR | O_CLOEXEC);
	cr_assert_geq(fd, 0);
	struct kesu_resume_proof proof;
	cr_assert_eq(kesu_wipe_start(w, fd, o, &proof, err, sizeof(err)), 0, "%s", err);
	if (found->resumed)
		cr_assert_gt(proof.samples, 0, "a resume reads what the job wrote first");
	cr_assert_eq(kesu_wipe_begin(w, err, sizeof(err)), 0, "%s", err);
	return w;
}

Test(wipe, begin_crash_resume_finish_certify, .init = setup, .fini = teardown)
{
	pid_t child = fork();
	cr_assert_geq(child, 0);
	if (child == 0) {
		/* The first process: two passes, checkpointed, then it dies
		 * without finishing (no record, no certificate). */
		struct process p;
		process_open(&p);
		struct kesu_job_options o = {.request_size = 256 << 10, .retries = -1, .sync_seconds = 0.01,
					     .stop_after_pass = 2};
		struct kesu_wipe_found found;
		struct kesu_wipe *w = start(&p, &o, &found);
		kesu_job_run(kesu_wipe_job(w));
		_exit(found.resumed ? 3 : 0);
	}
	int status;
	cr_assert_eq(waitpid(child, &status, 0), child);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the first process ran a new job");

	/* The second process finds the job open and resumes it. */
	struct process p;
	process_open(&p);
	struct kesu_job_options o = {.request_size = 256 << 10, .retries = -1};
	struct kesu_wipe_found found;
	struct kesu_wipe *w = start(&p, &o, &found);
	cr_assert(found.resumed, "the unfinished job is continued");
	cr_assert_eq(found.pass, 2, "from the checkpoint: pass 2 complete");
	cr_assert_eq(found.offset, SIZE);
	cr_assert_eq(kesu_job_run(kesu_wipe_job(w)), 0);
	char err[600];
	cr_assert_eq(kesu_wipe_finish(w, "ASSET-1", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_wipe_certify(w, err, sizeof(err)), 0, "%s", err);
	const struct kesu_wipe_status *s = kesu_wipe_status(w);
	const struct kesu_job_result *r = kesu_job_result(kesu_wipe_job(w));
	cr_assert_eq(r->outcome, KESU_OUTCOME_SUCCESS);
	cr_assert(s->recorded && s->resumed && s->certificate);
	cr_assert_eq(s->seq, 1);
	cr_assert(r->passes[0].earlier_run);
	cr_assert_eq(r->passes[0].bytes_written, SIZE, "pass 1 keeps what the first process wrote");
	cr_assert_eq(r->passes[1].resumed_at, SIZE, "pass 2 was complete: nothing rewritten");
	cr_assert_eq(r->passes[1].bytes_written, SIZE, "and keeps its bytes");
	cr_assert_eq(access(s->document, R_OK), 0, "the certificate exists: %s", s->document);

	/* The ledger verifies, and the certificate checks against it. */
	struct kesu_public_key pk;
	cr_assert_eq(kesu_key_load_public(pub_path, &pk, err, sizeof(err)), 0, "%s", err);
	struct kesu_ledger_report report;
	cr_assert_eq(kesu_ledger_verify(p.ledger, &pk, &report, err, sizeof(err)), 0, "%s", report.problem);
	cr_assert_eq(report.records, 1);
	cr_assert_eq(report.open_jobs, 0);
	struct kesu_cert_check check;
	cr_assert_eq(kesu_cert_verify(s->document, &pk, p.ledger, &check), 0);
	kesu_wipe_free(w);
	process_close(&p);
}

Test(wipe, restart_closes_the_old_job_as_abandoned, .init = setup, .fini = teardown)
{
	struct process p;
	process_open(&p);
	struct kesu_job_options o = {.request_size = 256 << 10, .retries = -1, .stop_after_pass = 1};
	struct kesu_wipe_found found;
	struct kesu_wipe *w = start(&p, &o, &found);
	kesu_job_run(kesu_wipe_job(w));
	char err[600];
	cr_assert_eq(kesu_wipe_finish(w, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_wipe_status(w)->seq, 0, "interrupted: left open");
	kesu_wipe_free(w);

	/* Another method is refused while the job is open ... */
	const struct kesu_method *zero = kesu_method_set_find(p.methods, "zero");
	struct kesu_job_options oz = {.retries = -1};
	cr_assert_eq(kesu_wipe_prepare(&p.st, &p.dev, zero, 0, &oz, &w, &found, err, sizeof(err)), -EEXIST);
	cr_assert_str_eq(found.other_method, "dod-3pass");
	/* ... and RESTART closes it with a signed ABANDONED record. */
	cr_assert_eq(kesu_wipe_prepare(&p.st, &p.dev, zero, KESU_WIPE_RESTART, &oz, &w, &found, err,
				       sizeof(err)), 0, "%s", err);
	cr_assert(found.abandoned);
	cr_assert_eq(found.abandoned_seq, 1);
	char *record;
	uint64_t seq;
	char hash[65];
	cr_assert_eq(kesu_ledger_lookup(p.ledger, found.job_id, &record, &seq, hash, err, sizeof(err)), 1);
	cr_assert_not_null(strstr(record, "\"outcome\":\"ABANDONED\""));
	free(record);
	kesu_wipe_free(w);
	process_close(&p);
}

/* Live progress of running jobs on standard error: two lines per drive
 * redrawn in place at a terminal (the pass, then the whole job), or one
 * JSON object per drive per tick for other programs. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void format_eta(double seconds, char *buf, size_t size)
{
	if (seconds < 0 || seconds > 99 * 3600) {
		snprintf(buf, size, "--:--");
		return;
	}
	unsigned s = (unsigned)(seconds + 0.5);
	if (s >= 3600)
		snprintf(buf, size, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%u:%02u", s / 60, s % 60);
}

static const char *phase_name(enum kesu_job_phase phase)
{
	switch (phase) {
	case KESU_PHASE_WRITING: return "write";
	case KESU_PHASE_VERIFYING: return "verify";
	case KESU_PHASE_FINISHED: return "done";
	case KESU_PHASE_FIRMWARE: return "erase";
	case KESU_PHASE_MARKING: return "mark";
	}
	return "?";
}

static void pass_label(const struct kesu_job *job, unsigned pass, char *buf, size_t size)
{
	const struct kesu_job_result *r = kesu_job_result(job);
	if (pass == 0 || pass > r->npasses) {
		snprintf(buf, size, "-");
		return;
	}
	kesu_pass_format(&r->passes[pass - 1].pass, buf, size);
}

/* Where one job stands: the current phase and the whole job. Negative
 * numbers are unknown. */
struct progress_view {
	struct kesu_job_progress p;
	double phase_pct;     /* of the phase */
	double rate;          /* bytes/s of this phase in this run */
	double phase_eta;
	uint64_t job_done, job_total; /* bytes, writing plus verification reads */
	double job_pct;
	double job_eta;       /* from this run's throughput */
};

/* The bytes a verification of one pass reads: sampling reads at least
 * percent of the drive (kesu/verify.h), a full read all of it. */
static uint64_t verify_bytes(const struct kesu_job_result *r, uint64_t size)
{
	if (r->verify_mode == KESU_VMODE_NONE)
		return 0;
	if (r->verify_mode == KESU_VMODE_FULL || r->verify_percent >= 100)
		return size;
	double bytes = (double)size * r->verify_percent / 100.0;
	uint64_t whole = (uint64_t)bytes;
	return whole < bytes ? whole + 1 : whole;
}

/* An overwrite job's work is every pass written plus every verification
 * read (the last pass, or all with --verify-passes all). The passes an
 * earlier run finished count as done but not towards the rate. */
static void overwrite_view(const struct kesu_job_result *r, struct progress_view *v)
{
	const struct kesu_job_progress *p = &v->p;
	uint64_t size = r->device.size;
	uint64_t vbytes = verify_bytes(r, size);
	bool all = r->verify_passes == KESU_VPASSES_ALL;
	unsigned nverify = vbytes ? (all ? p->npasses : 1) : 0;
	v->job_total = (uint64_t)p->npasses * size + (uint64_t)nverify * vbytes;
	/* Passes before k: written, and verified when every pass is. */
	unsigned before = p->pass ? p->pass - 1 : 0;
	uint64_t done = (uint64_t)before * (size + (all ? vbytes : 0));
	if (p->phase == KESU_PHASE_WRITING) {
		done += p->done;
	} else if (p->phase == KESU_PHASE_VERIFYING) {
		/* The real plan is known now: count it instead of the estimate. */
		v->job_total = v->job_total - vbytes + p->total;
		done += size + p->done;
	} else if (r->outcome == KESU_OUTCOME_INTERRUPTED && r->interrupted_pass) {
		/* Stopped: as far as it durably got (what a resume starts from). */
		done = (uint64_t)(r->interrupted_pass - 1) * (size + (all ? vbytes : 0)) +
		       r->interrupted_at;
	} else {
		done = v->job_total; /* ended: nothing is left to do */
	}
	uint64_t resumed = p->resumed_bytes;
	if (all && size)
		resumed += resumed / size * vbytes; /* passes verified by the earlier run */
	if (done < resumed)
		done = resumed; /* before the resumed pass begins */
	v->job_done = done < v->job_total ? done : v->job_total;
	v->job_pct = v->job_total ? 100.0 * (double)v->job_done / (double)v->job_total : 100.0;
	double this_run = v->job_done > resumed ? (double)(v->job_done - resumed) : 0;
	double rate = p->job_seconds > 0 ? this_run / p->job_seconds : 0;
	bool stopped = p->phase == KESU_PHASE_FINISHED && r->outcome == KESU_OUTCOME_INTERRUPTED;
	v->job_eta = stopped ? -1 : p->phase == KESU_PHASE_FINISHED ? 0
		   : rate > 0 ? (double)(v->job_total - v->job_done) / rate : -1;
}

/* A firmware method: the drive erases itself, kesu marks and reads a small
 * share before and after; only the drive's own progress and estimate say
 * anything about the whole, and only while it erases. */
static void firmware_view(const struct kesu_job_result *r, struct progress_view *v)
{
	const struct kesu_job_progress *p = &v->p;
	bool stopped = p->phase == KESU_PHASE_FINISHED && r->outcome == KESU_OUTCOME_INTERRUPTED;
	v->job_done = v->job_total = 0;
	v->job_pct = stopped ? -1 : p->phase == KESU_PHASE_FINISHED ? 100.0
		   : p->phase == KESU_PHASE_FIRMWARE && p->total ? v->phase_pct : -1;
	v->job_eta = stopped ? -1 : p->phase == KESU_PHASE_FINISHED ? 0
		   : p->phase == KESU_PHASE_FIRMWARE && p->estimate_s && p->estimate_s > p->phase_seconds
			   ? (double)p->estimate_s - p->phase_seconds : -1;
}

static void view_make(const struct kesu_job *job, struct progress_view *v)
{
	const struct kesu_job_result *r = kesu_job_result(job);
	struct kesu_job_progress *p = &v->p;
	kesu_job_progress(job, p);
	bool started = p->pass > 0 || p->phase == KESU_PHASE_FINISHED;
	v->phase_pct = p->total ? 100.0 * (double)p->done / (double)p->total
		       : p->phase == KESU_PHASE_FIRMWARE ? -1 : started ? 100.0 : 0;
	/* A resumed pass starts at the earlier run's offset: only the bytes
	 * written since count towards its rate. */
	uint64_t start = 0, size = r->device.size;
	if (p->phase == KESU_PHASE_WRITING && size && p->resumed_bytes &&
	    p->pass == p->resumed_bytes / size + 1)
		start = p->resumed_bytes % size;
	double moved = p->done > start ? (double)(p->done - start) : 0;
	v->rate = p->phase != KESU_PHASE_FIRMWARE && p->phase_seconds > 0 ? moved / p->phase_seconds : 0;
	v->phase_eta = v->rate > 0 && p->phase != KESU_PHASE_FINISHED && p->total >= p->done
			       ? (double)(p->total - p->done) / v->rate : -1;
	if (r->method.technique == KESU_TECHNIQUE_FIRMWARE)
		firmware_view(r, v);
	else
		overwrite_view(r, v);
}

/* The second line of a drive: the whole job. The "\r\033[K" that clears
 * the line stays out of the translated formats (no \r in a message). */
static void draw_job_line(const struct progress_view *v)
{
	char elapsed[16], left[16];
	format_eta(v->p.job_seconds, elapsed, sizeof(elapsed));
	format_eta(v->job_eta, left, sizeof(left));
	if (v->job_pct >= 0)
		fputs("\r\033[K", stderr), fprintf(stderr, _("%-14s job %5.1f%% elapsed %s, left %s\n"), "", v->job_pct,
			elapsed, left);
	else
		fputs("\r\033[K", stderr), fprintf(stderr, _("%-14s job elapsed %s, left %s\n"), "", elapsed, left);
}

static void draw_drive(const struct cli_running *run)
{
	struct progress_view v;
	view_make(run->job, &v);
	const struct kesu_job_progress *p = &v.p;
	const struct kesu_job_result *r = kesu_job_result(run->job);
	char label[KESU_PASS_TEXT_MAX], eta[16];
	pass_label(run->job, p->pass, label, sizeof(label));
	format_eta(v.phase_eta, eta, sizeof(eta));
	if (p->phase == KESU_PHASE_FINISHED) {
		fprintf(stderr, "\r\033[K%-14s %s\n", run->path, kesu_outcome_name(r->outcome));
	} else if (p->phase == KESU_PHASE_FIRMWARE) {
		/* The drive works alone: show its own progress if it reports
		 * any, and the elapsed time against its estimate. */
		char elapsed[16], estimate[16] = "unknown";
		format_eta(p->phase_seconds, elapsed, sizeof(elapsed));
		if (p->estimate_s)
			format_eta((double)p->estimate_s, estimate, sizeof(estimate));
		if (p->total)
			fputs("\r\033[K", stderr), fprintf(stderr, _("%-14s %-24.24s %5.1f%% elapsed %s, drive's estimate %s\n"),
				run->path, r->method.id, v.phase_pct, elapsed, estimate);
		else
			fputs("\r\033[K", stderr), fprintf(stderr, _("%-14s %-24.24s elapsed %s, drive's estimate %s\n"),
				run->path, r->method.id, elapsed, estimate);
	} else {
		fputs("\r\033[K", stderr), fprintf(stderr, _("%-14s pass %u/%u %-6s %-10.10s %5.1f%% %7.0f MB/s ETA %s\n"),
			run->path, p->pass, p->npasses, phase_name(p->phase), label, v.phase_pct,
			v.rate / 1e6, eta);
	}
	draw_job_line(&v);
}

/* json-c prints doubles with 17 significant digits; a person or a
 * program reading progress needs at most a few decimals. */
static struct json_object *json_number(double value, int decimals)
{
	char text[64];
	snprintf(text, sizeof(text), "%.*f", decimals, value);
	return json_object_new_double_s(value, text);
}

static struct json_object *json_number_or_null(double value, int decimals)
{
	return value >= 0 ? json_number(value, decimals) : NULL;
}

/* --progress json: standard error carries JSON lines only. Every other
 * message, whoever prints it (cli_error, warnings, the resume notice), is
 * written to fd 2, which becomes a pipe; a thread relays each of its lines
 * as {"json_format_version", "message"} to the real standard error, under
 * the lock the progress lines take, so that lines never interleave. */
static FILE *json_err;
static int real_stderr = -1;
static pthread_t relay_thread;
static pthread_mutex_t json_lock = PTHREAD_MUTEX_INITIALIZER;

static void json_line(struct json_object *o)
{
	pthread_mutex_lock(&json_lock);
	FILE *out = json_err ? json_err : stderr;
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								     JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(out);
	pthread_mutex_unlock(&json_lock);
}

static void *relay(void *arg)
{
	FILE *in = arg;
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	while ((n = getline(&line, &size, in)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		const char *text = strncmp(line, "kesu: ", 6) ? line : line + 6;
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "json_format_version", cli_json_format_version());
		json_object_object_add(o, "message", json_object_new_string(text));
		json_line(o);
		json_object_put(o);
	}
	free(line);
	fclose(in);
	return NULL;
}

static void progress_json_end(void)
{
	if (real_stderr < 0)
		return;
	fflush(stderr);
	dup2(real_stderr, STDERR_FILENO); /* closes the pipe's last writer: the relay ends */
	pthread_join(relay_thread, NULL);
	fclose(json_err);
	json_err = NULL;
	close(real_stderr);
	real_stderr = -1;
}

void cli_progress_json_begin(void)
{
	int p[2];
	if (real_stderr >= 0 || pipe(p) < 0)
		return;
	real_stderr = dup(STDERR_FILENO);
	FILE *in = fdopen(p[0], "r");
	json_err = real_stderr >= 0 ? fdopen(dup(real_stderr), "w") : NULL;
	if (!in || !json_err || dup2(p[1], STDERR_FILENO) < 0 ||
	    pthread_create(&relay_thread, NULL, relay, in) != 0) {
		/* left as it was: plain messages, but still every one of them */
		if (real_stderr >= 0)
			dup2(real_stderr, STDERR_FILENO), close(real_stderr);
		real_stderr = -1;
		if (in)
			fclose(in);
		else
			close(p[0]);
		if (json_err)
			fclose(json_err);
		json_err = NULL;
		close(p[1]);
		return;
	}
	close(p[1]);
	atexit(progress_json_end); /* after main returns: every message relayed */
}

static void emit_json(const struct cli_running *run)
{
	struct progress_view v;
	view_make(run->job, &v);
	const struct kesu_job_progress *p = &v.p;
	char label[KESU_PASS_TEXT_MAX];
	pass_label(run->job, p->pass, label, sizeof(label));
	bool firmware = p->phase == KESU_PHASE_FIRMWARE; /* done/total: the drive's progress */
	bool overwrite = kesu_job_result(run->job)->method.technique != KESU_TECHNIQUE_FIRMWARE;
	struct json_object *o = json_object_new_object();
	/* every line, so that a reader may start at any line (docs/formats.md) */
	json_object_object_add(o, "json_format_version", cli_json_format_version());
	json_object_object_add(o, "device", json_object_new_string(run->path));
	json_object_object_add(o, "phase", json_object_new_string(phase_name(p->phase)));
	json_object_object_add(o, "pass", json_object_new_int((int)p->pass));
	json_object_object_add(o, "passes", json_object_new_int((int)p->npasses));
	json_object_object_add(o, "pattern", json_object_new_string(label));
	json_object_object_add(o, "done", json_object_new_uint64(p->done));
	json_object_object_add(o, "total", json_object_new_uint64(p->total));
	json_object_object_add(o, "mb_per_s", firmware ? NULL : json_number(v.rate / 1e6, 1));
	json_object_object_add(o, "estimate_seconds", firmware && p->estimate_s
		? json_object_new_int64(p->estimate_s) : NULL);
	json_object_object_add(o, "elapsed_seconds", json_number(p->phase_seconds, 1));
	json_object_object_add(o, "eta_seconds", json_number_or_null(v.phase_eta, 1));
	/* The whole job (this run): docs/formats.md, "Progress lines". */
	json_object_object_add(o, "job_elapsed_seconds", json_number(p->job_seconds, 1));
	json_object_object_add(o, "job_done", overwrite ? json_object_new_uint64(v.job_done) : NULL);
	json_object_object_add(o, "job_total", overwrite ? json_object_new_uint64(v.job_total) : NULL);
	json_object_object_add(o, "job_percent", json_number_or_null(v.job_pct, 2));
	json_object_object_add(o, "job_eta_seconds", json_number_or_null(v.job_eta, 1));
	json_object_object_add(o, "resumed_bytes", json_object_new_uint64(p->resumed_bytes));
	if (p->phase == KESU_PHASE_FINISHED)
		json_object_object_add(o, "outcome", json_object_new_string(
			kesu_outcome_name(kesu_job_result(run->job)->outcome)));
	json_line(o);
	json_object_put(o);
}

void cli_progress_draw(const struct cli_running *runs, size_t n, enum cli_progress mode, bool first)
{
	if (mode == CLI_PROGRESS_JSON) {
		for (size_t i = 0; i < n; i++)
			emit_json(&runs[i]);
		return;
	}
	if (mode != CLI_PROGRESS_TTY)
		return;
	if (!first)
		fprintf(stderr, "\033[%zuA", 2 * n); /* back to the first drive's lines */
	for (size_t i = 0; i < n; i++)
		draw_drive(&runs[i]);
	fflush(stderr);
}

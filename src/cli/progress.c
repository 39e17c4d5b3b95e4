/* Live progress of running jobs on standard error: a line per drive
 * redrawn in place at a terminal, or one JSON object per drive per tick
 * for other programs. */
#include <stdio.h>
#include <string.h>

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

static void draw_line(const struct cli_running *run)
{
	struct kesu_job_progress p;
	kesu_job_progress(run->job, &p);
	char label[KESU_PASS_TEXT_MAX], eta[16];
	pass_label(run->job, p.pass, label, sizeof(label));
	double pct = p.total ? 100.0 * (double)p.done / (double)p.total : 100.0;
	double rate = p.phase_seconds > 0 ? (double)p.done / p.phase_seconds : 0;
	format_eta(rate > 0 ? (double)(p.total - p.done) / rate : -1, eta, sizeof(eta));
	if (p.phase == KESU_PHASE_FINISHED) {
		fprintf(stderr, "\r\033[K%-14s %s\n", run->path,
			kesu_outcome_name(kesu_job_result(run->job)->outcome));
		return;
	}
	if (p.phase == KESU_PHASE_FIRMWARE) {
		/* The drive works alone: show its own progress if it reports
		 * any, and the elapsed time against its estimate. */
		char elapsed[16], estimate[16] = "unknown";
		format_eta(p.phase_seconds, elapsed, sizeof(elapsed));
		if (p.estimate_s)
			format_eta((double)p.estimate_s, estimate, sizeof(estimate));
		const struct kesu_job_result *r = kesu_job_result(run->job);
		if (p.total)
			fprintf(stderr, "\r\033[K%-14s %-24.24s %5.1f%% elapsed %s, drive's estimate %s\n",
				run->path, r->method.id, pct, elapsed, estimate);
		else
			fprintf(stderr, "\r\033[K%-14s %-24.24s elapsed %s, drive's estimate %s\n",
				run->path, r->method.id, elapsed, estimate);
		return;
	}
	fprintf(stderr, "\r\033[K%-14s pass %u/%u %-6s %-10.10s %5.1f%% %7.0f MB/s ETA %s\n", run->path,
		p.pass, p.npasses, phase_name(p.phase), label, pct, rate / 1e6, eta);
}

static void emit_json(const struct cli_running *run)
{
	struct kesu_job_progress p;
	kesu_job_progress(run->job, &p);
	char label[KESU_PASS_TEXT_MAX];
	pass_label(run->job, p.pass, label, sizeof(label));
	double rate = p.phase_seconds > 0 ? (double)p.done / p.phase_seconds : 0;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "device", json_object_new_string(run->path));
	json_object_object_add(o, "phase", json_object_new_string(phase_name(p.phase)));
	json_object_object_add(o, "pass", json_object_new_int((int)p.pass));
	json_object_object_add(o, "passes", json_object_new_int((int)p.npasses));
	json_object_object_add(o, "pattern", json_object_new_string(label));
	json_object_object_add(o, "done", json_object_new_uint64(p.done));
	json_object_object_add(o, "total", json_object_new_uint64(p.total));
	bool firmware = p.phase == KESU_PHASE_FIRMWARE; /* done/total: the drive's progress */
	json_object_object_add(o, "mb_per_s", firmware ? NULL : json_object_new_double(rate / 1e6));
	json_object_object_add(o, "estimate_seconds", p.phase == KESU_PHASE_FIRMWARE && p.estimate_s
		? json_object_new_int64(p.estimate_s) : NULL);
	json_object_object_add(o, "elapsed_seconds", json_object_new_double(p.phase_seconds));
	json_object_object_add(o, "eta_seconds", rate > 0 && p.phase != KESU_PHASE_FINISHED
		? json_object_new_double((double)(p.total - p.done) / rate) : NULL);
	if (p.phase == KESU_PHASE_FINISHED)
		json_object_object_add(o, "outcome", json_object_new_string(
			kesu_outcome_name(kesu_job_result(run->job)->outcome)));
	fprintf(stderr, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void cli_progress_draw(const struct cli_running *runs, size_t n, enum cli_progress mode, bool first)
{
	if (mode == CLI_PROGRESS_JSON) {
		for (size_t i = 0; i < n; i++)
			emit_json(&runs[i]);
		fflush(stderr);
		return;
	}
	if (mode != CLI_PROGRESS_TTY)
		return;
	if (!first)
		fprintf(stderr, "\033[%zuA", n); /* back to the first drive's line */
	for (size_t i = 0; i < n; i++)
		draw_line(&runs[i]);
	fflush(stderr);
}

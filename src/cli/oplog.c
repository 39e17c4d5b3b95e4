/* The operations log (--log FILE | syslog, config "log"): one JSON object
 * per line and per event (docs/operations.md), for stations that run many
 * jobs. A file is opened O_APPEND and each line is one write(2), so several
 * kesu processes can share it without mixing lines; it is not the ledger
 * (not signed, not chained) and is never read back, hence not
 * kesu/fileio.h's whole-file writer. syslog: the same line, ident "kesu",
 * facility LOG_USER (the journal picks it up). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"

static int log_fd = -1;
static bool log_syslog;
static char log_station[256], log_command[32];

int cli_oplog_open(const char *where, const char *command, const char *station)
{
	if (!where || !*where)
		return KESU_EXIT_OK;
	snprintf(log_command, sizeof(log_command), "%s", command);
	snprintf(log_station, sizeof(log_station), "%s", station ? station : "");
	if (!strcmp(where, "syslog")) {
		openlog("kesu", LOG_PID, LOG_USER);
		log_syslog = true;
		return KESU_EXIT_OK;
	}
	log_fd = open(where, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (log_fd < 0) {
		int e = errno;
		cli_error("--log %s: %s", where, strerror(e));
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

bool cli_oplog_active(void)
{
	return log_fd >= 0 || log_syslog;
}

/* Writes one event; takes o (the event's own fields). */
static void emit(struct json_object *o, const char *event, const struct kesu_device *dev,
		 const char *job_id, bool failure)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	struct json_object *line = json_object_new_object();
	/* the same version as every other JSON kesu writes (docs/formats.md) */
	json_object_object_add(line, "json_format_version", cli_json_format_version());
	json_object_object_add(line, "time_utc", json_object_new_string(when));
	json_object_object_add(line, "station", json_object_new_string(log_station));
	json_object_object_add(line, "command", json_object_new_string(log_command));
	json_object_object_add(line, "pid", json_object_new_int((int)getpid()));
	json_object_object_add(line, "event", json_object_new_string(event));
	json_object_object_add(line, "job_id", job_id && *job_id ? json_object_new_string(job_id) : NULL);
	json_object_object_add(line, "device", dev ? json_object_new_string(dev->path) : NULL);
	json_object_object_add(line, "serial", dev && dev->serial[0] ? json_object_new_string(dev->serial)
							: NULL);
	json_object_object_foreach(o, key, val)
		json_object_object_add(line, key, json_object_get(val));
	json_object_put(o);
	const char *text = json_object_to_json_string_ext(line, JSON_C_TO_STRING_PLAIN |
							  JSON_C_TO_STRING_NOSLASHESCAPE);
	if (log_syslog)
		syslog(failure ? LOG_ERR : LOG_INFO, "%s", text);
	if (log_fd >= 0) {
		size_t n = strlen(text);
		char *buf = malloc(n + 1);
		if (buf) {
			memcpy(buf, text, n);
			buf[n] = '\n';
			/* one write: O_APPEND puts the whole line at the end at once */
			if (write(log_fd, buf, n + 1) < 0) {
				/* the log must not stop an erasure; the ledger has the record */
			}
			free(buf);
		}
	}
	json_object_put(line);
}

void cli_oplog_started(const struct kesu_device *dev, const char *job_id, const char *method,
		       bool resumed)
{
	if (!cli_oplog_active())
		return;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "method", json_object_new_string(method));
	json_object_object_add(o, "resumed", json_object_new_boolean(resumed));
	emit(o, "started", dev, job_id, false);
}

/* Each pass, its verification, then the outcome, when the job has ended. */
void cli_oplog_job(const struct kesu_job_result *r, const char *job_id, const char *outcome,
		   int exit_code)
{
	if (!cli_oplog_active())
		return;
	for (unsigned i = 0; i < r->npasses; i++) {
		const struct kesu_pass_result *p = &r->passes[i];
		if (!p->started)
			continue;
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "pass", json_object_new_int((int)p->number));
		json_object_object_add(o, "passes", json_object_new_int((int)r->npasses));
		json_object_object_add(o, "completed", json_object_new_boolean(p->completed));
		json_object_object_add(o, "bytes_written", json_object_new_int64((int64_t)p->bytes_written));
		json_object_object_add(o, "bad_ranges", json_object_new_int64((int64_t)p->bad.count));
		emit(o, "pass_done", &r->device, job_id, !p->completed || p->bad.count);
		if (!p->verify.done)
			continue;
		bool ok = p->verify.error == 0;
		o = json_object_new_object();
		json_object_object_add(o, "pass", json_object_new_int((int)p->number));
		json_object_object_add(o, "bytes_read", json_object_new_int64((int64_t)p->verify.bytes_read));
		json_object_object_add(o, "match", json_object_new_boolean(ok));
		emit(o, "verify_done", &r->device, job_id, !ok);
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "outcome", json_object_new_string(outcome));
	json_object_object_add(o, "exit", json_object_new_int(exit_code));
	emit(o, "outcome", &r->device, job_id, exit_code != KESU_EXIT_OK);
}

/* From cli_error: every error the command says, as it says it. */
void cli_oplog_error(const char *message)
{
	if (!cli_oplog_active())
		return;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "message", json_object_new_string(message));
	emit(o, "error", NULL, NULL, true);
}

/* The command's end: its exit status ("refused" when the safety gate,
 * the policy or the operator stopped it before any job started). */
void cli_oplog_close(int exit_code, bool jobs_started)
{
	if (!cli_oplog_active())
		return;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "exit", json_object_new_int(exit_code));
	emit(o, jobs_started || exit_code == KESU_EXIT_OK ? "exit" : "refused", NULL, NULL,
	     exit_code != KESU_EXIT_OK);
	if (log_fd >= 0)
		close(log_fd);
	if (log_syslog)
		closelog();
	log_fd = -1;
	log_syslog = false;
}

/* kesu wipe --dry-run: after the gate, the approval, the policy and the
 * confirmation (made as in the real run), the checks the real run makes
 * only once it writes: the ledger can be written, the signing key loads,
 * an unfinished job would be resumed (or refused), and the approval is not
 * spent in the ledger. Nothing is created: the ledger is opened read-only,
 * a missing ledger or key only has its directory checked. */
#include <errno.h>
#include <stdarg.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "cli.h"
#include "kesu/job_state.h"
#include "kesu/ledger.h"
#include "kesu/sizes.h"

/* One check's line, or its entry in the --json report (in English: JSON
 * is never translated). fmt is marked N_() by the callers. */
__attribute__((format(printf, 4, 5))) static void say(struct json_object *checks, const char *check,
						     const char *subject, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), checks ? fmt : _(fmt), ap);
	va_end(ap);
	if (checks) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "check", json_object_new_string(check));
		json_object_object_add(o, "subject", json_object_new_string(subject));
		json_object_object_add(o, "ok", json_object_new_boolean(true));
		json_object_object_add(o, "detail", json_object_new_string(detail));
		json_object_array_add(checks, o);
	} else {
		printf(_("  ok  %-10s %s: %s\n"), check, subject, detail);
	}
}

/* A file kesu would create: the nearest existing directory above it must
 * take new files. 0, or -errno. */
static int creatable(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *d = dirname(dir);; d = dirname(d)) {
		if (access(d, F_OK) == 0)
			return access(d, W_OK | X_OK) == 0 ? 0 : -errno;
		if (!strcmp(d, "/") || !strcmp(d, "."))
			return -ENOENT;
	}
}

/* The ledger: readable as a ledger, and writable (or creatable). */
static int dry_ledger(struct cli_station *st, struct json_object *checks)
{
	if (access(st->ledger_path, F_OK) != 0) {
		int rc = creatable(st->ledger_path);
		if (rc < 0) {
			cli_error("ledger %s: cannot be created: %s", st->ledger_path, strerror(-rc));
			return KESU_EXIT_FAILURE;
		}
		say(checks, "ledger", st->ledger_path, N_("would be created"));
		return KESU_EXIT_OK;
	}
	int code = cli_station_open_ledger_readonly(st);
	if (code != KESU_EXIT_OK)
		return code;
	if (access(st->ledger_path, W_OK) != 0) {
		cli_error("ledger %s: cannot be written: %s", st->ledger_path, strerror(errno));
		return KESU_EXIT_FAILURE;
	}
	say(checks, "ledger", st->ledger_path, N_("readable and writable"));
	return KESU_EXIT_OK;
}

/* The station's signing key: it loads (with its passphrase), or would be
 * made on first use. */
static int dry_key(struct cli_station *st, const char *passphrase_file, struct json_object *checks)
{
	if (access(st->key_path, F_OK) != 0) {
		int rc = creatable(st->key_path);
		if (rc < 0) {
			cli_error("key %s: cannot be made: %s", st->key_path, strerror(-rc));
			return KESU_EXIT_FAILURE;
		}
		say(checks, "key", st->key_path, N_("would be made on first use"));
		return KESU_EXIT_OK;
	}
	struct kesu_secret_key *sk = NULL;
	int code = cli_load_secret_key(st->key_path, passphrase_file, &sk);
	kesu_key_secret_free(sk);
	if (code == KESU_EXIT_OK)
		say(checks, "key", st->key_path, N_("loads"));
	return code;
}

int cli_dry_run_station(struct cli_station *st, const char *passphrase_file,
			struct json_object *checks)
{
	int code = dry_ledger(st, checks);
	return code == KESU_EXIT_OK ? dry_key(st, passphrase_file, checks) : code;
}

/* An unfinished job for the drive: resumed if it ran the same method,
 * closed with --restart, refused otherwise (as kesu_wipe_prepare does). */
static int dry_open_job(struct cli_station *st, const struct kesu_device *dev,
			const struct kesu_method *method, bool restart, struct json_object *checks)
{
	char key[KESU_DEVICE_KEY_MAX], err[KESU_ERRMSG_MAX], other[64] = "";
	kesu_ledger_device_key(dev->serial, dev->path, dev->size, key, sizeof(key));
	struct kesu_ledger_open_job open;
	int rc = kesu_ledger_find_open(st->ledger, key, &open, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return cli_exit_for(rc);
	}
	if (rc == 0) {
		say(checks, "open-job", dev->path, N_("none: a new job would start"));
		return KESU_EXIT_OK;
	}
	int code = KESU_EXIT_OK;
	struct kesu_job_plan plan;
	struct kesu_job_options opts = {0};
	if (restart) {
		say(checks, "open-job", dev->path, N_("job %s would be closed as ABANDONED (--restart)"),
		    open.job_id);
	} else if ((rc = kesu_job_plan_parse(open.plan_json, method, &plan, &opts, other,
					     sizeof(other))) != 0) {
		if (rc < 0)
			cli_error("%s: the unfinished job %s cannot be read; use --restart", dev->path,
				  open.job_id);
		else
			cli_error("%s: an unfinished %s job (%s) is in the ledger for this drive: wipe with "
				  "--method %s to resume it, or --restart to close it and start anew",
				  dev->path, other, open.job_id, other);
		code = KESU_EXIT_USAGE;
	} else {
		explicit_bzero(&plan, sizeof(plan)); /* its seeds */
		say(checks, "open-job", dev->path, N_("job %s would be resumed at pass %u, byte %llu"),
		    open.job_id, open.pass, (unsigned long long)open.offset);
	}
	kesu_ledger_open_job_free(&open);
	return code;
}

int cli_dry_run_drive(struct cli_station *st, const struct cli_disposal *disposal,
		      const struct kesu_device *dev, const char *asset, const struct kesu_method *method,
		      const struct kesu_job_options *opts, bool restart, struct json_object *checks)
{
	int code = KESU_EXIT_OK;
	if (st->ledger) {
		code = dry_open_job(st, dev, method, restart, checks);
		/* Again with the ledger: an approval entry already spent. */
		struct kesu_job_options o = *opts;
		if (code == KESU_EXIT_OK)
			code = cli_disposal_check(disposal, st->ledger, dev, asset, method, &o,
						  &st->cfg.ctx, NULL);
		if (code == KESU_EXIT_OK)
			say(checks, "approval", dev->path, N_("not spent in the ledger"));
	}
	return code;
}

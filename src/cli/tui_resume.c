/* Unfinished jobs: before the confirmation, the ledger is asked (without
 * writing anything) whether a chosen drive has a job an earlier run left
 * open. The operator then resumes it (the default: its method, its
 * verification, from where it got to) or restarts, which has the wipe
 * child close the old job as abandoned (kesu wipe --restart). */
#include <curses.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

/* The method id and verification the job was planned with (the plan's
 * JSON, kesu_job_plan_json in src/lib/job_state.c). */
static void plan_read(const char *plan_json, struct tui_open_job *j)
{
	struct json_object *o = plan_json ? json_tokener_parse(plan_json) : NULL, *m, *v;
	if (json_object_object_get_ex(o, "method", &m) && json_object_object_get_ex(m, "id", &v))
		snprintf(j->method, sizeof(j->method), "%s", json_object_get_string(v));
	j->verify_mode = json_object_object_get_ex(o, "verify_mode", &v) ? json_object_get_int(v) : -1;
	json_object_put(o);
}

/* Fills app->open_jobs for the selected drives. The ledger is opened
 * read-only; one that does not exist yet has no jobs. */
static int find_open_jobs(struct tui_app *app, char *err, size_t errsize)
{
	app->nopen = 0;
	if (access(app->paths.ledger, F_OK) != 0)
		return 0;
	struct kesu_ledger *l;
	if (kesu_ledger_open_readonly(app->paths.ledger, &l, err, errsize) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < app->ndrives && rc >= 0 && app->nopen < TUI_MAX_OPEN; i++) {
		const struct kesu_device *d = &app->drives[i].dev;
		if (!app->drives[i].selected)
			continue;
		char key[512];
		kesu_ledger_device_key(d->serial, d->path, d->size, key, sizeof(key));
		struct kesu_ledger_open_job open;
		rc = kesu_ledger_find_open(l, key, &open, err, errsize);
		if (rc != 1)
			continue;
		struct tui_open_job *j = &app->open_jobs[app->nopen++];
		memset(j, 0, sizeof(*j));
		snprintf(j->device, sizeof(j->device), "%s", d->path);
		snprintf(j->job_id, sizeof(j->job_id), "%s", open.job_id);
		snprintf(j->started, sizeof(j->started), "%s", open.started_utc);
		j->pass = open.pass;
		j->offset = open.offset;
		plan_read(open.plan_json, j);
		kesu_ledger_open_job_free(&open);
	}
	kesu_ledger_close(l);
	return rc < 0 ? -1 : 0;
}

/* Resuming is one child with one --method: every open job must use the
 * same method, and that method must be loaded. NULL when it can. */
static const char *why_no_resume(const struct tui_app *app, size_t *method_index)
{
	const char *id = app->open_jobs[0].method;
	for (size_t i = 1; i < app->nopen; i++)
		if (strcmp(app->open_jobs[i].method, id) != 0)
			return _("The unfinished jobs use different methods: resume them one drive at a time.");
	for (size_t i = 0; i < kesu_method_set_count(app->methods); i++)
		if (!strcmp(kesu_method_set_at(app->methods, i)->id, id)) {
			*method_index = i;
			return NULL;
		}
	return _("The method of the unfinished job is not loaded (--methods-dir?): it cannot be resumed.");
}

static const char *verify_mode_name(int mode)
{
	switch (mode) {
	case KESU_VMODE_NONE: return _("none");
	case KESU_VMODE_SAMPLE: return _("sample");
	case KESU_VMODE_FULL: return _("full");
	}
	return "?";
}

static int draw_open_jobs(const struct tui_app *app)
{
	char line[1024], size[32];
	int y = 2;
	tui_put(y++, 0, _("An unfinished job is in the ledger for the drive(s) chosen:"));
	for (size_t i = 0; i < app->nopen && y < LINES - 8; i++) {
		const struct tui_open_job *j = &app->open_jobs[i];
		const struct kesu_method *m = kesu_method_set_find(app->methods, j->method);
		char passes[16] = "?";
		if (m)
			snprintf(passes, sizeof(passes), "%u", m->npasses);
		cli_format_size(j->offset, size, sizeof(size));
		y++;
		snprintf(line, sizeof(line), _("%s  job %s"), j->device, j->job_id);
		attron(A_BOLD);
		tui_put(y++, 1, line);
		attroff(A_BOLD);
		if (j->pass)
			snprintf(line, sizeof(line), _("method %s, verify %s; reached pass %u/%s at %s"),
				 j->method, verify_mode_name(j->verify_mode), j->pass, passes, size);
		else
			snprintf(line, sizeof(line), _("method %s, verify %s; no checkpoint (resumes from the start)"),
				 j->method, verify_mode_name(j->verify_mode));
		tui_put(y++, 3, line);
		snprintf(line, sizeof(line), _("started %s"), j->started);
		tui_put(y++, 3, line);
	}
	return y + 1;
}

static void draw_choice(const struct tui_app *app, int y, int choice, const char *no_resume)
{
	char line[1024];
	snprintf(line, sizeof(line), _("Resume: continue the job with its method %s and its verification"),
		 app->open_jobs[0].method);
	if (no_resume)
		snprintf(line, sizeof(line), _("Resume: not possible. %s"), no_resume);
	if (choice == 0)
		attron(A_REVERSE);
	tui_put(y, 1, line);
	attroff(A_REVERSE);
	snprintf(line, sizeof(line), _("Restart: the old job is closed as ABANDONED; erase anew with %s"),
		 kesu_method_set_at(app->methods, app->form.method)->id);
	if (choice == 1)
		attron(A_REVERSE);
	tui_put(y + 1, 1, line);
	attroff(A_REVERSE);
}

enum tui_next tui_resume_screen(struct tui_app *app)
{
	char err[KESU_ERRMSG_MAX];
	app->restart = app->resuming = false;
	if (find_open_jobs(app, err, sizeof(err)) < 0) {
		snprintf(app->message, sizeof(app->message), _("Cannot read the ledger: %s"), err);
		return TUI_FORM;
	}
	if (!app->nopen)
		return TUI_CONFIRM;
	size_t method_index = app->form.method;
	const char *no_resume = why_no_resume(app, &method_index);
	int choice = no_resume ? 1 : 0;
	for (;;) {
		erase();
		tui_title(_("unfinished job"));
		int y = draw_open_jobs(app);
		draw_choice(app, y, choice, no_resume);
		tui_keys(_("Up/Down choose  Enter go on  Esc back to the job"));
		refresh();
		int ch = getch();
		if (ch == 27 || ch == 3)
			return TUI_FORM;
		if ((ch == KEY_UP && !no_resume) || ch == KEY_DOWN)
			choice = ch == KEY_DOWN;
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			break;
	}
	if (choice == 0) {
		app->resuming = true;
		app->form.method = method_index;
	} else {
		app->restart = true;
	}
	return TUI_CONFIRM;
}

/* The approval files the job form offers (issue 14: "the text UI offers
 * the approval files it finds on the results stick or in the config
 * directory"). Looked for in
 *   - approvals/ beside the config file (~/.config/kesu/approvals), where
 *     kesu approval status and kesu cert import look them up too;
 *   - the results directory (the ledger's: on the live image kesu/ on the
 *     results stick) and its approvals/;
 *   - the top of the results stick, when the results directory is a
 *     mounted stick's kesu/ (a file copied onto the stick from an office PC).
 * Each is read without trust, only to show its number, class and purpose;
 * the wipe child loads it against the trust store and refuses what does
 * not check out, so nothing here decides anything. */
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tui.h"
#include "kesu/paths.h"

static bool is_approval_name(const char *name)
{
	static const char ext[] = ".kesu-approval";
	size_t n = strlen(name);
	return n >= sizeof(ext) && !strcmp(name + n - (sizeof(ext) - 1), ext) && name[0] != '.';
}

static void describe(struct tui_approval *t)
{
	struct kesu_approval *a = NULL;
	t->readable = kesu_approval_load(t->path, NULL, &a, t->why, sizeof(t->why)) == 0;
	if (t->readable) {
		snprintf(t->number, sizeof(t->number), "%s", a->number);
		snprintf(t->classification, sizeof(t->classification), "%s", a->classification);
		snprintf(t->purpose, sizeof(t->purpose), "%s", a->purpose);
		snprintf(t->valid_until, sizeof(t->valid_until), "%s", a->valid_until);
	}
	kesu_approval_free(a);
}

/* One directory, its files by name. The same file reached twice (the
 * config directory is on the results stick on the live image) is listed
 * once: paths are compared resolved. */
static void scan_dir(struct tui_app *app, const char *dir, char (*seen)[PATH_MAX])
{
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		struct tui_approval *t = &app->approvals[app->napprovals];
		struct stat sb;
		char real[PATH_MAX];
		bool take = app->napprovals < TUI_MAX_APPROVALS && is_approval_name(names[i]->d_name);
		if (take) {
			snprintf(t->path, sizeof(t->path), "%s/%s", dir, names[i]->d_name);
			take = stat(t->path, &sb) == 0 && S_ISREG(sb.st_mode) && realpath(t->path, real);
		}
		for (size_t k = 0; take && k < app->napprovals; k++)
			take = strcmp(seen[k], real) != 0;
		if (take) {
			snprintf(t->name, sizeof(t->name), "%s", names[i]->d_name);
			snprintf(seen[app->napprovals++], PATH_MAX, "%s", real);
			describe(t);
		}
		free(names[i]);
	}
	free(names);
}

void tui_approvals_scan(struct tui_app *app)
{
	char (*seen)[PATH_MAX] = calloc(TUI_MAX_APPROVALS, PATH_MAX);
	char path[KESU_PATH_MAX], dir[KESU_PATH_MAX + 16];
	app->napprovals = 0;
	if (!seen)
		return;
	if (kesu_default_path(KESU_PATH_CONFIG, path, sizeof(path)) == 0) {
		snprintf(dir, sizeof(dir), "%s/approvals", dirname(path));
		scan_dir(app, dir, seen);
	}
	/* dirname may return a static buffer: the copy is what is kept. */
	snprintf(path, sizeof(path), "%s", app->paths.ledger);
	char results[KESU_PATH_MAX];
	snprintf(results, sizeof(results), "%s", dirname(path));
	scan_dir(app, results, seen);
	snprintf(dir, sizeof(dir), "%s/approvals", results);
	scan_dir(app, dir, seen);
	snprintf(path, sizeof(path), "%s", results);
	snprintf(dir, sizeof(dir), "%s", dirname(path));
	if (!strcmp(basename(results), "kesu") && tui_is_mount_point(dir))
		scan_dir(app, dir, seen);
	free(seen);
	if (app->form.approval[0] && !tui_form_approval(app)) { /* the chosen file is gone */
		app->form.approval[0] = '\0';
		app->form.class_idx = app->form.class_before;
		app->form.purpose_idx = app->form.purpose_before;
	}
}

const struct tui_approval *tui_form_approval(const struct tui_app *app)
{
	for (size_t i = 0; app->form.approval[0] && i < app->napprovals; i++)
		if (!strcmp(app->approvals[i].path, app->form.approval))
			return &app->approvals[i];
	return NULL;
}

/* Choosing an approval empties class and purpose: the approval's are
 * taken (a class in the config file is a station's default, the approval
 * is about these drives). Going back to none restores them. */
void tui_approvals_cycle(struct tui_app *app, int step)
{
	struct tui_form *f = &app->form;
	const struct tui_approval *cur = tui_form_approval(app);
	int n = (int)app->napprovals + 1; /* none, then each file */
	int at = cur ? (int)(cur - app->approvals) + 1 : 0;
	at = ((at + step) % n + n) % n;
	if (!cur && at) {
		f->class_before = f->class_idx;
		f->purpose_before = f->purpose_idx;
		f->class_idx = f->purpose_idx = 0;
	} else if (cur && !at) {
		f->class_idx = f->class_before;
		f->purpose_idx = f->purpose_before;
	}
	snprintf(f->approval, sizeof(f->approval), "%s", at ? app->approvals[at - 1].path : "");
}

/* What the child is given for an empty class or purpose: the approval's,
 * so that the config file's class does not stand in for it. */
const char *tui_approval_says(const struct tui_app *app, bool purpose)
{
	const struct tui_approval *a = tui_form_approval(app);
	if (!a || !a->readable)
		return NULL;
	return purpose ? a->purpose : a->classification;
}

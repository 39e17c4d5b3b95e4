/* No read-back, no certificate: a method whose verification is `none`
 * (gutmann, schneier, bsi-vsitr, zero, one, random), or verification set
 * to none, ends UNVERIFIED and kesu wipe issues no certificate for it. The
 * operator hears that before typing ERASE, and can switch to sampling. */
#include <curses.h>
#include <string.h>

#include "tui.h"

/* The form's choice for new jobs: its own, or the method's default. */
static bool form_reads_nothing(const struct tui_app *app)
{
	const char *v = tui_form_verify_name(app->form.verify);
	if (v)
		return !strcmp(v, "none");
	const struct kesu_method *m = kesu_method_set_at(app->methods, app->form.method);
	return m->verify == KESU_VERIFY_NONE;
}

/* A resumed job keeps the verification it was planned with. */
static bool resumed_reads_nothing(const struct tui_app *app)
{
	for (size_t i = 0; app->resuming && i < app->nopen; i++)
		if (app->open_jobs[i].verify_mode == KESU_VMODE_NONE)
			return true;
	return false;
}

bool tui_reads_nothing(const struct tui_app *app)
{
	if (resumed_reads_nothing(app))
		return true;
	/* Drives that start a new job use the form's verification. */
	bool new_jobs = !app->resuming || app->nopen < tui_drives_selected(app);
	return new_jobs && form_reads_nothing(app);
}

static void draw_unverified(const struct tui_app *app, bool fixed, int choice)
{
	const struct kesu_method *m = kesu_method_set_at(app->methods, app->form.method);
	const char *v = tui_form_verify_name(app->form.verify);
	char line[1024];
	erase();
	tui_title(_("no certificate"));
	if (fixed)
		snprintf(line, sizeof(line), "%s",
			 _("The job being resumed was planned without verification: it reads nothing back."));
	else if (v)
		snprintf(line, sizeof(line), _("Method %s with verification %s reads nothing back."), m->id, v);
	else
		snprintf(line, sizeof(line), _("Method %s with verification none (the method's) reads "
					       "nothing back."), m->id);
	int y = 2 + tui_wrap(2, line, 3);
	attron(A_BOLD);
	tui_put(y++, 1, _("NO CERTIFICATE: the result will be UNVERIFIED."));
	attroff(A_BOLD);
	y += tui_wrap(y, fixed ? _("Restart the job with verification: sample to get one.")
		      : _("Choose verification: sample to get one."), 2);
	static const char *const options[] = {
		N_("s  switch verification to sample (reads about 10 %, certificate)"),
		N_("k  keep it: written, not verified, no certificate"),
	};
	for (int i = fixed ? 1 : 0; i < 2; i++) {
		if (i == choice)
			attron(A_REVERSE);
		tui_put(y + 1 + i, 1, _(options[i]));
		attroff(A_REVERSE);
	}
	tui_keys(fixed ? _("Enter go on  Esc back")
		 : _("Up/Down or s/k choose  Enter go on  Esc back"));
	refresh();
}

/* s and k only choose, Enter goes on: no single key both changes the
 * verification and leaves the screen (a key typed ahead, such as the S of
 * ERASE, must not decide it). Keep is the first choice: the form's
 * verification changes only when the operator asks. */
enum tui_next tui_unverified_screen(struct tui_app *app)
{
	if (!tui_reads_nothing(app))
		return TUI_CONFIRM;
	bool fixed = resumed_reads_nothing(app); /* the plan cannot change */
	int choice = 1; /* 0 sample, 1 keep */
	for (;;) {
		draw_unverified(app, fixed, choice);
		int ch = getch();
		if (ch == 27 || ch == 3)
			return TUI_FORM;
		if (ch == 'k' || ch == 'K' || ch == KEY_DOWN)
			choice = 1;
		else if (!fixed && (ch == 's' || ch == 'S' || ch == KEY_UP))
			choice = 0;
		else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER)
			break;
	}
	if (choice == 0)
		app->form.verify = 1; /* sample */
	return TUI_CONFIRM;
}

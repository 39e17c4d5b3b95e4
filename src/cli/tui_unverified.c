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

enum tui_next tui_unverified_screen(struct tui_app *app)
{
	if (!tui_reads_nothing(app))
		return TUI_CONFIRM;
	bool fixed = resumed_reads_nothing(app); /* the plan cannot change */
	const struct kesu_method *m = kesu_method_set_at(app->methods, app->form.method);
	char line[1024];
	for (;;) {
		erase();
		tui_title("no certificate");
		if (fixed)
			snprintf(line, sizeof(line), "The job being resumed was planned without verification: "
				 "it reads nothing back.");
		else
			snprintf(line, sizeof(line), "Method %s with verification %s reads nothing back.", m->id,
				 tui_form_verify_name(app->form.verify) ? tui_form_verify_name(app->form.verify)
				 : "none (the method's)");
		int y = 2 + tui_wrap(2, line, 3);
		attron(A_BOLD);
		tui_put(y++, 1, "NO CERTIFICATE: the result will be UNVERIFIED.");
		attroff(A_BOLD);
		tui_wrap(y++, fixed ? "Restart the job with verification: sample to get one."
			 : "Choose verification: sample to get one.", 2);
		if (!fixed)
			tui_put(y + 1, 1, "s  switch verification to sample (reads about 10 %, certificate)");
		tui_put(y + 2, 1, "k  keep it: written, not verified, no certificate");
		tui_keys(fixed ? "k go on  Esc back" : "s sample  k keep  Esc back");
		refresh();
		int ch = getch();
		if (ch == 27 || ch == 3)
			return TUI_FORM;
		if (ch == 'k' || ch == 'K')
			return TUI_CONFIRM;
		if (!fixed && (ch == 's' || ch == 'S')) {
			app->form.verify = 1; /* sample */
			return TUI_CONFIRM;
		}
	}
}

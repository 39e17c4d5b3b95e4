/* Confirmation, the wipe and its results. The wipe is one `kesu wipe`
 * child process (the same binary, /proc/self/exe): the gate, the ledger,
 * the certificates and the parallel jobs are exactly the command line's,
 * and the UI only reads what the child prints. */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tui.h"
#include "ledger_view.h" /* outcome and level words, both languages */

#define NMESSAGES 5

/* ---- confirmation ---- */

/* Probes the selected drives again: what is confirmed is what is there
 * now. Returns false (app->message says why) when one is refused now. */
static bool reprobe_selected(struct tui_app *app, struct kesu_gate_verdict *verdicts)
{
	size_t k = 0;
	for (size_t i = 0; i < app->ndrives; i++) {
		struct tui_drive *d = &app->drives[i];
		if (!d->selected)
			continue;
		struct kesu_device *fresh = malloc(sizeof(*fresh));
		int rc = fresh ? kesu_device_probe(d->dev.path, NULL, fresh) : -ENOMEM;
		if (rc == 0)
			d->dev = *fresh;
		free(fresh);
		if (rc < 0) {
			snprintf(app->message, sizeof(app->message), "%s: %s", d->dev.path, kesu_strerror(rc));
			return false;
		}
		if (!kesu_gate_judge(&d->dev, true, &verdicts[k]) || strcmp(cli_device_state(&d->dev), "free")) {
			snprintf(app->message, sizeof(app->message), _("Cannot erase: %s"),
				 verdicts[k].reason[0] ? verdicts[k].reason : cli_device_state(&d->dev));
			return false;
		}
		/* A firmware method: ask the drive again too, as kesu wipe will
		 * (whatever its transport), so the NVMe namespaces the screen
		 * lists are the ones the command will reach now. */
		const struct kesu_method *m = kesu_method_set_at(app->methods, app->form.method);
		if (m->technique == KESU_TECHNIQUE_FIRMWARE)
			cli_drive_caps_ask(&d->dev, 0, &d->caps, d->why, sizeof(d->why));
		k++;
	}
	return true;
}

/* The method's firmware command, -1 for an overwrite. */
static int method_command(const struct kesu_method *m)
{
	return m->technique == KESU_TECHNIQUE_FIRMWARE ? (int)m->firmware : -1;
}

static int draw_confirm(const struct tui_app *app, const struct kesu_gate_verdict *verdicts)
{
	erase();
	tui_title(_("confirm"));
	const struct kesu_method *m = kesu_method_set_at(app->methods, app->form.method);
	char line[1400];
	bool ja = cli_reader_japanese();
	snprintf(line, sizeof(line), _("Method %s: %s (NIST %s)"), m->id,
		 ja && m->title_ja[0] ? m->title_ja : m->title_en, kesu_nist_level_name(m->nist));
	tui_put(2, 0, line);
	const struct tui_approval *ap = tui_form_approval(app);
	if (ap || app->form.witness[0]) {
		snprintf(line, sizeof(line), _("Approval %s  Witness %s"),
			 ap ? (ap->readable ? ap->number : ap->name) : _("none"),
			 app->form.witness[0] ? app->form.witness : _("none"));
		tui_put(3, 0, line);
	}
	int y = 4;
	size_t k = 0;
	for (size_t i = 0; i < app->ndrives && y < LINES - 5; i++) {
		const struct kesu_device *d = &app->drives[i].dev;
		if (!app->drives[i].selected)
			continue;
		char size[32], path[300], model[300];
		cli_format_size(d->size, size, sizeof(size));
		tui_pad(path, sizeof(path), d->path, 12);
		tui_pad(model, sizeof(model), d->model[0] ? d->model : "-", 24);
		snprintf(line, sizeof(line), _("%s %s serial %-16s %s"), path, model,
			 d->serial[0] ? d->serial : "-", size);
		attron(A_BOLD);
		tui_put(y++, 1, line);
		attroff(A_BOLD);
		if (verdicts[k].warnings) {
			snprintf(line, sizeof(line), _("  warning: %s"), verdicts[k].reason);
			tui_put(y++, 1, line);
		}
		/* The other NVMe namespaces the command erases: confirmed with
		 * ERASE, they go to kesu wipe as --namespaces (build_argv). */
		char nsids[KESU_NVME_NS_MAX * 11 + 1] = "", scope[1024];
		if (tui_scope_others(&app->drives[i].caps, method_command(m), nsids, sizeof(nsids), scope,
				     sizeof(scope)) != 0 && y < LINES - 5) {
			snprintf(line, sizeof(line), "   %s", scope);
			attron(A_BOLD);
			y += tui_wrap(y, line, 3); /* every namespace shown, none cut off */
			attroff(A_BOLD);
		}
		k++;
	}
	for (size_t i = 0; i < app->nopen && y < LINES - 5; i++) {
		const struct tui_open_job *j = &app->open_jobs[i];
		if (app->resuming)
			snprintf(line, sizeof(line), _("%s: resumes job %s (%s)"), j->device, j->job_id,
				 j->method);
		else
			snprintf(line, sizeof(line), _("%s: job %s is closed as ABANDONED, the erase starts anew"),
				 j->device, j->job_id);
		tui_put(y++, 1, line);
	}
	if (tui_reads_nothing(app) && y < LINES - 5)
		tui_put(y++, 1, _("Verification none: written, NOT verified, NO CERTIFICATE."));
	attron(A_BOLD);
	tui_put(y + 1, 0, _("Everything on these drives will be destroyed. Type ERASE to go ahead:"));
	attroff(A_BOLD);
	tui_keys(_("Enter confirm  Esc back"));
	refresh();
	return y + 2;
}

enum tui_next tui_confirm_screen(struct tui_app *app)
{
	size_t n = tui_drives_selected(app);
	struct kesu_gate_verdict *verdicts = calloc(n ? n : 1, sizeof(*verdicts));
	if (!verdicts)
		return TUI_FORM;
	if (!reprobe_selected(app, verdicts)) {
		free(verdicts);
		tui_drives_probe(app);
		return TUI_DRIVES;
	}
	/* Then what the ledger holds for these drives, and what the
	 * verification chosen means for the certificate. */
	enum tui_next next = tui_resume_screen(app);
	if (next == TUI_CONFIRM)
		next = tui_unverified_screen(app);
	if (next != TUI_CONFIRM) {
		free(verdicts);
		return next;
	}
	int y = draw_confirm(app, verdicts);
	free(verdicts);
	char typed[64] = "";
	bool entered = tui_read_line(y < LINES - 2 ? y : LINES - 2, 0, COLS - 1, typed, sizeof(typed));
	if (entered && !strcmp(typed, "ERASE"))
		return TUI_RUN;
	snprintf(app->message, sizeof(app->message), "%s",
		 _("Not confirmed (ERASE was not typed); nothing was written."));
	return TUI_FORM;
}

/* ---- the child ---- */

struct argv_list {
	char **v;
	size_t n, cap;
};

static void push(struct argv_list *a, const char *s)
{
	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **grown = realloc(a->v, cap * sizeof(*grown));
		if (!grown)
			return;
		a->v = grown;
		a->cap = cap;
	}
	a->v[a->n++] = strdup(s);
	a->v[a->n] = NULL;
}

static void push_opt(struct argv_list *a, const char *opt, const char *value)
{
	if (value && value[0]) {
		push(a, opt);
		push(a, value);
	}
}

static void free_argv(struct argv_list *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

/* --asset: one per drive in the order the drives are named, or none. */
static void push_assets(struct argv_list *a, const struct tui_app *app)
{
	size_t len = 1;
	bool any = false;
	for (size_t i = 0; i < app->ndrives; i++)
		if (app->drives[i].selected) {
			len += strlen(app->drives[i].asset) + 1;
			any |= app->drives[i].asset[0] != '\0';
		}
	char *list = any ? calloc(1, len) : NULL;
	for (size_t i = 0; list && i < app->ndrives; i++)
		if (app->drives[i].selected) {
			if (list[0])
				strcat(list, ",");
			strcat(list, app->drives[i].asset);
		}
	push_opt(a, "--asset", list);
	free(list);
}

static void build_argv(const struct tui_app *app, struct argv_list *a)
{
	const struct tui_form *f = &app->form;
	push(a, "kesu");
	push(a, "wipe");
	push(a, "--yes"); /* confirmed here, by typing ERASE */
	push(a, "--force");
	push(a, "--progress");
	push(a, "json");
	push(a, "--json");
	push_opt(a, "--method", kesu_method_set_at(app->methods, f->method)->id);
	/* A resumed job reads back as it was planned: --verify would only
	 * have the child warn about a choice it does not use. */
	if (!app->resuming || app->nopen < tui_drives_selected(app))
		push_opt(a, "--verify", tui_form_verify_name(f->verify));
	push_opt(a, "--operator", f->operator_name);
	push_opt(a, "--organisation", f->organisation);
	push_opt(a, "--approver", f->approver);
	push_opt(a, "--witness", f->witness);
	push_opt(a, "--approval", f->approval);
	/* Empty with an approval chosen: the approval's, which the child
	 * checks again against the file it loads with trust. */
	const char *cls = tui_form_class_name(f->class_idx), *purpose = tui_form_purpose_name(f->purpose_idx);
	push_opt(a, "--class", cls ? cls : tui_approval_says(app, false));
	push_opt(a, "--purpose", purpose ? purpose : tui_approval_says(app, true));
	push_assets(a, app);
	/* The other namespaces the confirmation screen listed: without them
	 * kesu wipe --yes refuses a Format or Sanitize that reaches them. */
	char nsids[KESU_NVME_NS_MAX * 11 + 1] = "", scope[1024];
	int cmd = method_command(kesu_method_set_at(app->methods, f->method));
	for (size_t i = 0; i < app->ndrives; i++)
		if (app->drives[i].selected)
			tui_scope_others(&app->drives[i].caps, cmd, nsids, sizeof(nsids), scope, sizeof(scope));
	push_opt(a, "--namespaces", nsids);
	push_opt(a, "--ledger", app->paths.ledger);
	push_opt(a, "--cert-dir", app->paths.cert_dir);
	push_opt(a, "--key", app->paths.key);
	push_opt(a, "--methods-dir", app->methods_dir);
	if (app->restart)
		push(a, "--restart"); /* the old jobs end ABANDONED in the ledger */
	push(a, "--");
	for (size_t i = 0; i < app->ndrives; i++)
		if (app->drives[i].selected)
			push(a, app->drives[i].dev.path);
}

struct child {
	pid_t pid;
	int out, err;          /* read ends, -1 once closed */
	char *stdout_text;     /* all of it: one JSON document */
	size_t stdout_len;
	char errline[8192];    /* the stderr line being read */
	size_t errlen;
	int status;
};

/* fork + execv, no shell. The child gets its own process group so a key
 * the terminal turns into a signal never reaches it: only 'q' stops it. */
static int spawn(struct child *c, char **argv)
{
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	c->pid = fork();
	if (c->pid == 0) {
		setpgid(0, 0);
		int null = open("/dev/null", O_RDONLY);
		if (null < 0 || dup2(null, 0) < 0 || dup2(out[1], 1) < 0 || dup2(err[1], 2) < 0)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		/* The child's messages are shown here: remedies in the UI's terms. */
		setenv("KESU_FRONT_END", "tui", 1);
		execv("/proc/self/exe", argv);
		dprintf(2, _("kesu: tui: cannot run /proc/self/exe: %s\n"), strerror(errno));
		_exit(127);
	}
	int rc = c->pid < 0 ? -errno : 0;
	close(out[1]);
	close(err[1]);
	c->out = out[0];
	c->err = err[0];
	return rc;
}

struct run_view {
	struct tui_progress *drives; /* one per selected drive, in order */
	size_t n;
	char messages[NMESSAGES][512];
	size_t nmessages;
	bool stopping;
};

static void add_message(struct run_view *v, const char *line)
{
	if (!line[0])
		return;
	if (v->nmessages == NMESSAGES) {
		memmove(v->messages[0], v->messages[1], sizeof(v->messages[0]) * (NMESSAGES - 1));
		v->nmessages--;
	}
	snprintf(v->messages[v->nmessages++], sizeof(v->messages[0]), "%s", line);
}

static void stderr_line(struct run_view *v, const char *line)
{
	struct tui_progress p;
	char text[512];
	if (line[0] == '{' && tui_progress_parse(line, &p) == 0) {
		for (size_t i = 0; i < v->n; i++)
			if (!strcmp(v->drives[i].device, p.device))
				v->drives[i] = p;
		return;
	}
	/* Under --json the child's messages are JSON too: the text is shown. */
	add_message(v, tui_message_parse(line, text, sizeof(text)) == 0 ? text : line);
}

/* Reads what is there; closes the descriptor at end of file. */
static void drain(struct child *c, int *fd, struct run_view *v)
{
	char buf[4096];
	ssize_t got = read(*fd, buf, sizeof(buf));
	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (got <= 0) {
		close(*fd);
		*fd = -1;
		return;
	}
	if (fd == &c->out) {
		char *grown = realloc(c->stdout_text, c->stdout_len + (size_t)got + 1);
		if (!grown)
			return;
		c->stdout_text = grown;
		memcpy(c->stdout_text + c->stdout_len, buf, (size_t)got);
		c->stdout_len += (size_t)got;
		c->stdout_text[c->stdout_len] = '\0';
		return;
	}
	for (ssize_t i = 0; i < got; i++) {
		if (buf[i] == '\n' || c->errlen + 1 >= sizeof(c->errline)) {
			c->errline[c->errlen] = '\0';
			stderr_line(v, c->errline);
			c->errlen = 0;
		}
		if (buf[i] != '\n')
			c->errline[c->errlen++] = buf[i];
	}
}

static void format_eta(double s, char *buf, size_t size)
{
	if (s < 0 || s > 99 * 3600)
		snprintf(buf, size, "--:--");
	else if (s >= 3600)
		snprintf(buf, size, "%u:%02u:%02u", (unsigned)s / 3600, (unsigned)s / 60 % 60, (unsigned)s % 60);
	else
		snprintf(buf, size, "%u:%02u", (unsigned)s / 60, (unsigned)s % 60);
}

/* The phase as the reader says it; the token itself is the JSON's. */
static const char *phase_text(const char *phase)
{
	static const char *const t[][2] = {
		{"write", N_("write")}, {"verify", N_("verify")}, {"mark", N_("mark")},
		{"erase", N_("erase")}, {"done", N_("done")},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(phase, t[i][0]))
			return _(t[i][1]);
	return phase;
}

static void draw_drive(int y, const struct tui_progress *p)
{
	char line[600], eta[16], rate[24] = "", dev[300];
	tui_pad(dev, sizeof(dev), p->device, 14);
	if (p->outcome[0])
		snprintf(line, sizeof(line), _("%s done: %s"), dev,
			 cli_outcome_words(p->outcome, cli_reader_japanese()));
	else if (!p->phase[0])
		snprintf(line, sizeof(line), _("%s starting"), dev);
	else {
		char phase[64];
		format_eta(p->eta_seconds, eta, sizeof(eta));
		if (p->mb_per_s >= 0)
			snprintf(rate, sizeof(rate), "%5.0f MB/s", p->mb_per_s);
		char pct[16] = "  ?";
		if (p->percent >= 0)
			snprintf(pct, sizeof(pct), "%5.1f%%", p->percent);
		tui_pad(phase, sizeof(phase), phase_text(p->phase), 6);
		snprintf(line, sizeof(line), _("%s %s pass %u/%u %-8.8s %s %s ETA %s"), dev, phase, p->pass,
			 p->passes, p->pattern, pct, rate, eta);
	}
	tui_put(y, 0, line);
	/* The whole job under the pass: elapsed, percent, time left. */
	if (p->job_elapsed_seconds >= 0 && !p->outcome[0]) {
		char elapsed[16], left[16], pct[16] = "?";
		format_eta(p->job_elapsed_seconds, elapsed, sizeof(elapsed));
		format_eta(p->job_eta_seconds, left, sizeof(left));
		if (p->job_percent >= 0)
			snprintf(pct, sizeof(pct), "%.1f%%", p->job_percent);
		tui_pad(dev, sizeof(dev), "", 14);
		snprintf(line, sizeof(line), _("%s job %s  elapsed %s  left %s"), dev, pct, elapsed, left);
		tui_put(y + 2, 0, line);
	}
	int width = COLS - 4;
	if (width < 4)
		return;
	/* The bar is the whole job when the wipe says how far it is. */
	double shown = p->outcome[0] ? 100 : p->job_percent >= 0 ? p->job_percent : p->percent;
	double frac = shown >= 0 ? shown / 100 : 0;
	int fill = (int)(frac * width + 0.5);
	mvaddch(y + 1, 1, '[');
	for (int i = 0; i < width; i++)
		addch(i < fill ? '#' : '.');
	addch(']');
}

/* The whole run over every drive: bytes done of all the jobs' bytes (a
 * finished drive counts whole), the longest elapsed and time left (the
 * drives are erased at the same time). Nothing before every drive has
 * said how large its job is. */
static void draw_overall(int y, const struct run_view *v)
{
	double done = 0, total = 0, elapsed = -1, left = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct tui_progress *p = &v->drives[i];
		if (!p->job_total && !p->outcome[0])
			return;
		double t = (double)p->job_total;
		total += t;
		done += p->outcome[0] ? t : (double)(p->job_done < p->job_total ? p->job_done : p->job_total);
		if (p->job_elapsed_seconds > elapsed)
			elapsed = p->job_elapsed_seconds;
		if (!p->outcome[0] && (p->job_eta_seconds < 0 || left < 0))
			left = -1;
		else if (!p->outcome[0] && p->job_eta_seconds > left)
			left = p->job_eta_seconds;
	}
	char e[16], l[16], line[256];
	format_eta(elapsed, e, sizeof(e));
	format_eta(left, l, sizeof(l));
	snprintf(line, sizeof(line), _("All drives: %.1f%%  elapsed %s  left %s"),
		 total > 0 ? 100.0 * done / total : 100.0, e, l);
	attron(A_BOLD);
	tui_put(y, 0, line);
	attroff(A_BOLD);
}

static void draw_run(const struct run_view *v)
{
	erase();
	tui_title(v->stopping ? _("stopping the wipe") : _("wiping: do not power off or unplug the drives"));
	draw_overall(2, v);
	int y = 4;
	for (size_t i = 0; i < v->n && y < LINES - NMESSAGES - 3; i++, y += 3)
		draw_drive(y, &v->drives[i]);
	y = LINES - NMESSAGES - 2;
	if (v->nmessages)
		tui_put(y++, 0, _("Messages:"));
	for (size_t i = 0; i < v->nmessages; i++)
		tui_put(y++, 1, v->messages[i]);
	tui_keys(v->stopping ? _("Stopping: the jobs record INTERRUPTED...") : _("q stop the wipe"));
	refresh();
}

static void handle_key(struct child *c, struct run_view *v)
{
	int ch = getch();
	if (v->stopping || (ch != 'q' && ch != 'Q' && ch != 3))
		return;
	if (tui_ask_yes(_("Stop the wipe? (y/n)"))) {
		kill(c->pid, SIGINT);
		v->stopping = true;
	}
}

/* Runs the child to its end, drawing as it goes. */
static void watch(struct child *c, struct run_view *v)
{
	nodelay(stdscr, TRUE);
	draw_run(v);
	while (c->out >= 0 || c->err >= 0) {
		struct pollfd fds[3] = {{c->out, POLLIN, 0}, {c->err, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
		int rc = poll(fds, 3, 500);
		if (rc > 0 && c->out >= 0 && fds[0].revents)
			drain(c, &c->out, v);
		if (rc > 0 && c->err >= 0 && fds[1].revents)
			drain(c, &c->err, v);
		handle_key(c, v);
		draw_run(v);
	}
	if (c->errlen) {
		c->errline[c->errlen] = '\0';
		stderr_line(v, c->errline);
	}
	nodelay(stdscr, FALSE);
	while (waitpid(c->pid, &c->status, 0) < 0 && errno == EINTR)
		;
}

/* ---- results ---- */

struct text_lines {
	char **v;
	size_t n;
};

/* Adds text, wrapped to the screen's width so no path is cut: at a
 * space when there is one in the line's second half (words stay whole),
 * else at the last character that fits (a path, Japanese). */
static void add_line(struct text_lines *t, const char *raw)
{
	char escaped[16384]; /* escaped before it is cut into lines */
	cli_escape(raw, escaped, sizeof(escaped));
	const char *text = escaped;
	int width = COLS > 2 ? COLS - 1 : 1;
	do {
		size_t skip, take = tui_line_break(text, width, &skip);
		char **grown = realloc(t->v, (t->n + 1) * sizeof(*grown));
		if (!grown)
			return;
		t->v = grown;
		t->v[t->n++] = strndup(text, take);
		text += take + skip;
	} while (*text);
}

/* ERASED_WITH_EXCEPTIONS (exit 10): erased and verified, but something
 * known remains; the certificate says what, and certifies the rest. */
static void exception_lines(struct text_lines *t, const struct tui_job_result *j, bool ja)
{
	char line[1200];
	add_line(t, _("  ERASED WITH EXCEPTIONS: erased and verified, but something remains "
		      "(the certificate says what; it is NOT a certificate of the whole medium):"));
	for (size_t i = 0; i < j->nexceptions; i++) {
		const char *d = ja && j->exceptions_ja[i][0] ? j->exceptions_ja[i] : j->exceptions[i];
		snprintf(line, sizeof(line), "    - %s", d);
		add_line(t, line);
	}
}

static void job_lines(struct text_lines *t, const struct tui_job_result *j)
{
	char line[8600];
	bool ja = cli_reader_japanese();
	snprintf(line, sizeof(line), _("%s  %s  method %s  NIST level %s"), j->device,
		 j->outcome[0] ? cli_outcome_words(j->outcome, ja) : _("(no outcome)"), j->method,
		 cli_level_words(j->nist_level[0] ? j->nist_level : "none", ja));
	add_line(t, line);
	if (j->reason[0]) {
		snprintf(line, sizeof(line), _("  reason: %s"), ja && j->reason_ja[0] ? j->reason_ja : j->reason);
		add_line(t, line);
	}
	bool exceptions = !strcmp(j->outcome, "ERASED_WITH_EXCEPTIONS");
	if (!strcmp(j->outcome, "UNVERIFIED"))
		add_line(t, _("  written, NOT verified (verification none): no certificate"));
	if (exceptions)
		exception_lines(t, j, ja);
	if (j->certificate[0])
		snprintf(line, sizeof(line), exceptions ? _("  certificate (with exceptions): %s")
			 : _("  certificate: %s"), j->certificate);
	else if (j->failure_report[0])
		snprintf(line, sizeof(line), _("  failure report (NOT a certificate): %s"), j->failure_report);
	else
		snprintf(line, sizeof(line), "%s", _("  no certificate"));
	add_line(t, line);
	snprintf(line, sizeof(line), j->recorded ? _("  ledger: job %s") : _("  ledger: job %s left open"),
		 j->job_id[0] ? j->job_id : "-");
	add_line(t, line);
}

static void status_text(int status, char *buf, size_t size)
{
	if (WIFEXITED(status))
		snprintf(buf, size, _("exit status %d"), WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, size, _("killed by signal %d (%s)"), WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, _("status %d"), status);
}

/* What the exit status means, after it on the last line. */
static const char *status_meaning(int status, const struct tui_results *r)
{
	if (WIFEXITED(status) && WEXITSTATUS(status) == KESU_EXIT_NOT_PUSHED) /* before SUCCESS: it is one */
		return _("; erased and certified, but the records are NOT yet sent to the central store "
			 "(kept for the next push)");
	if (tui_results_all_success(r))
		return _("; every drive SUCCESS");
	if (!WIFEXITED(status))
		return "";
	if (WEXITSTATUS(status) == KESU_EXIT_UNVERIFIED)
		return _("; written but NOT verified: no certificate");
	if (WEXITSTATUS(status) == KESU_EXIT_EXCEPTIONS)
		return _("; erased with exceptions: the certificate says what remains");
	return "";
}

static void result_lines(struct text_lines *t, const struct child *c, const struct run_view *v,
			 const struct tui_results *r, bool parsed)
{
	char st[128], line[700];
	status_text(c->status, st, sizeof(st));
	if (!parsed) {
		snprintf(line, sizeof(line), _("kesu wipe gave no result (%s): the drives were NOT shown "
					       "to be erased."), st);
		add_line(t, line);
		add_line(t, _("Its last messages:"));
		for (size_t i = 0; i < v->nmessages; i++) {
			snprintf(line, sizeof(line), "  %s", v->messages[i]);
			add_line(t, line);
		}
		return;
	}
	for (size_t i = 0; i < r->njobs; i++)
		job_lines(t, &r->jobs[i]);
	if (r->njobs < v->n) {
		snprintf(line, sizeof(line), _("%zu drive(s) have no result."), v->n - r->njobs);
		add_line(t, line);
	}
	snprintf(line, sizeof(line), "kesu wipe: %s%s", st, status_meaning(c->status, r));
	add_line(t, line);
}

static int exit_for(const struct child *c, const struct tui_results *r, bool parsed)
{
	if (parsed && tui_results_all_success(r) && WIFEXITED(c->status) && WEXITSTATUS(c->status) == 0)
		return KESU_EXIT_OK;
	if (WIFEXITED(c->status))
		return WEXITSTATUS(c->status) ? WEXITSTATUS(c->status) : KESU_EXIT_OK;
	int sig = WIFSIGNALED(c->status) ? WTERMSIG(c->status) : 0;
	return sig == SIGINT || sig == SIGTERM ? KESU_EXIT_INTERRUPTED : KESU_EXIT_FAILURE;
}

static enum tui_next results_screen(const struct text_lines *t, bool good)
{
	size_t top = 0;
	for (;;) {
		erase();
		tui_title(good ? _("results: every drive erased") : _("results"));
		int rows = LINES - 3;
		for (int i = 0; i < rows && top + (size_t)i < t->n; i++)
			tui_put(2 + i, 0, t->v[top + (size_t)i]);
		tui_keys(_("Up/Down scroll  r back to the drive list  q quit"));
		refresh();
		int ch = getch();
		if (ch == 'q' || ch == 'Q' || ch == 3)
			return TUI_QUIT;
		if (ch == 'r' || ch == 'R')
			return TUI_DRIVES;
		if (ch == KEY_DOWN && top + 1 < t->n)
			top++;
		if (ch == KEY_UP && top)
			top--;
	}
}

enum tui_next tui_run_screen(struct tui_app *app)
{
	struct argv_list a = {0};
	struct child c = {.out = -1, .err = -1};
	struct run_view v = {.n = tui_drives_selected(app)};
	v.drives = calloc(v.n ? v.n : 1, sizeof(*v.drives));
	for (size_t i = 0, k = 0; v.drives && i < app->ndrives; i++)
		if (app->drives[i].selected)
			snprintf(v.drives[k++].device, sizeof(v.drives[0].device), "%s", app->drives[i].dev.path);
	build_argv(app, &a);
	int rc = v.drives && a.v ? spawn(&c, a.v) : -ENOMEM;
	free_argv(&a);
	if (rc < 0) {
		snprintf(app->message, sizeof(app->message), _("Cannot start kesu wipe: %s"), strerror(-rc));
		free(v.drives);
		return TUI_DRIVES;
	}
	watch(&c, &v);
	struct tui_results r;
	bool parsed = tui_results_parse(c.stdout_text, &r) == 0 && r.njobs > 0;
	struct text_lines t = {0};
	result_lines(&t, &c, &v, &r, parsed);
	app->last_exit = exit_for(&c, &r, parsed);
	enum tui_next next = results_screen(&t, parsed && tui_results_all_success(&r));
	for (size_t i = 0; i < t.n; i++)
		free(t.v[i]);
	free(t.v);
	tui_results_free(&r);
	free(c.stdout_text);
	free(v.drives);
	/* A finished run leaves nothing selected: the next wipe is chosen anew. */
	for (size_t i = 0; i < app->ndrives; i++)
		app->drives[i].selected = false;
	if (next == TUI_DRIVES)
		tui_drives_probe(app);
	return next;
}

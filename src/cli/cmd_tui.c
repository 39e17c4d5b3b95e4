/* kesu tui: options, the screen loop and the drawing helpers every screen
 * uses. Everything is drawn in plain ASCII with A_REVERSE and A_BOLD, so
 * a serial console (TERM=vt100 or linux) shows the same as an xterm. */
#include <curses.h>
#include <getopt.h>
#include <wchar.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

struct tui_opts {
	const char *ledger, *cert_dir, *key, *methods_dir;
};

static void tui_usage(FILE *out)
{
	fputs(_("Usage: kesu tui [--ledger PATH] [--cert-dir DIR] [--key PATH]\n"
		"                [--methods-dir DIR] [DEVICE...]\n\n"
		"A full-screen front end for kesu wipe, for an 80x25 terminal or a serial\n"
		"console: pick drives, fill in the job, confirm by typing ERASE, watch the\n"
		"progress, read the results. DEVICE... limits the list to those drives\n"
		"(default: every drive kesu list shows). The screens follow the locale\n"
		"(LANG=ja_JP.UTF-8: Japanese). F10 starts the job from the form; where a\n"
		"terminal sends no F10, Ctrl-X does the same.\n\n"
		"      --ledger PATH        the ledger (as kesu wipe)\n"
		"      --cert-dir DIR       certificates (as kesu wipe)\n"
		"      --key PATH           the station key (as kesu wipe)\n"
		"      --methods-dir DIR    also load DIR/*.method\n"
		"  -h, --help               this help\n\n"
		"The wipe runs as one `kesu wipe` child process, with the same safety gate.\n"
		"Exit status: 0 when every drive of the last run succeeded (or nothing ran),\n"
		"otherwise the wipe's status; 1 when standard input is not a terminal.\n"),
	      out);
}

/* Returns 0, 1 for --help, -1 for a usage error. */
static int parse_tui(int argc, char **argv, struct tui_opts *o, struct tui_app *app)
{
	enum { O_LEDGER = 256, O_CERT_DIR, O_KEY, O_METHODS_DIR };
	static const struct option opts[] = {
		{"ledger", required_argument, NULL, O_LEDGER},
		{"cert-dir", required_argument, NULL, O_CERT_DIR},
		{"key", required_argument, NULL, O_KEY},
		{"methods-dir", required_argument, NULL, O_METHODS_DIR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_LEDGER: o->ledger = optarg; break;
		case O_CERT_DIR: o->cert_dir = optarg; break;
		case O_KEY: o->key = optarg; break;
		case O_METHODS_DIR: o->methods_dir = optarg; break;
		case 'h': tui_usage(stdout); return 1;
		default: cli_bad_option("tui"); return -1;
		}
	}
	app->filter = argv + optind;
	app->nfilter = (size_t)(argc - optind);
	app->methods_dir = o->methods_dir;
	return 0;
}

/* ---- drawing helpers ---- */

/* Bytes of s that fit in cols screen columns, never ending inside a
 * character: a Japanese character takes two columns (wcwidth), so byte
 * counts cannot measure a line. s is escaped text (valid UTF-8). */
size_t tui_fit(const char *s, int cols)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t len = strlen(s), at = 0;
	int used = 0;
	while (at < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + at, len - at, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st));
			n = 1, wc = L'?';
		}
		int w = wcwidth(wc);
		if (used + (w < 0 ? 1 : w) > cols)
			break;
		used += w < 0 ? 1 : w;
		at += n;
	}
	return at;
}

int tui_width(const char *s)
{
	return (int)cli_text_width(s);
}

/* label, then spaces up to cols screen columns (printf's %-12s counts
 * bytes, which misaligns Japanese labels). */
void tui_pad(char *buf, size_t size, const char *label, int cols)
{
	int pad = cols - tui_width(label);
	snprintf(buf, size, "%s%*s", label, pad > 0 ? pad : 0, "");
}

/* Every text reaches the screen through tui_put or tui_wrap, so device
 * strings, ledger fields and the child's messages are escaped here once
 * (cli_escape: shown, never obeyed by the terminal). */
void tui_put(int y, int x, const char *raw)
{
	int room = COLS - x;
	if (y < 0 || y >= LINES || room <= 0)
		return;
	char text[4096];
	cli_escape(raw, text, sizeof(text));
	if (tui_width(text) <= room - (y == LINES - 1)) {
		mvaddstr(y, x, text);
		return;
	}
	/* Never past the last column: a cut line ends in '~'. The last cell
	 * of the last line is left alone (writing it scrolls some terminals). */
	int keep = room - 1 - (y == LINES - 1);
	if (keep < 0)
		return;
	size_t bytes = tui_fit(text, keep);
	mvaddnstr(y, x, text, (int)bytes);
	addch('~');
}

/* Bytes of the next line of text at most width columns wide: broken at a
 * space in its second half when there is one (English words stay whole),
 * else at the last character that fits (Japanese has no spaces, a path
 * none either). *skip: the space dropped at the break. */
size_t tui_line_break(const char *text, int width, size_t *skip)
{
	size_t take = tui_fit(text, width);
	*skip = 0;
	if (!text[take])
		return take;
	size_t half = tui_fit(text, width / 2);
	for (size_t i = take; i > half; i--)
		if (text[i] == ' ') {
			*skip = 1;
			return i;
		}
	return take ? take : 1;
}

int tui_wrap(int y, const char *raw, int maxlines)
{
	int used = 0, width = COLS > 1 ? COLS - 1 : 1;
	char text[8192];
	cli_escape(raw, text, sizeof(text));
	const char *p = text;
	while (*p && used < maxlines && y + used < LINES) {
		size_t skip, take = tui_line_break(p, width, &skip);
		mvaddnstr(y + used, 0, p, (int)take);
		p += take + skip;
		while (*p == ' ')
			p++;
		used++;
	}
	return used;
}

/* The form's go-on key. F10 is sent as ESC [21~ by xterm, tmux, linux
 * and vt220 but ESC O x by a vt100, and a serial terminal program may
 * send either whatever TERM says: both are taken (start_screen), and
 * Ctrl-X works on any terminal. */
bool tui_is_go_key(int ch)
{
	return ch == KEY_F(10) || ch == 24;
}

void tui_title(const char *title)
{
	char line[512];
	snprintf(line, sizeof(line), " kesu %s - %s", KESU_VERSION, title);
	attron(A_REVERSE);
	mvhline(0, 0, ' ', COLS);
	tui_put(0, 0, line);
	attroff(A_REVERSE);
}

void tui_keys(const char *help)
{
	attron(A_REVERSE);
	mvhline(LINES - 1, 0, ' ', COLS - 1);
	tui_put(LINES - 1, 0, help);
	attroff(A_REVERSE);
}

bool tui_ask_yes(const char *question)
{
	for (;;) {
		move(LINES - 1, 0);
		clrtoeol();
		attron(A_BOLD);
		tui_put(LINES - 1, 0, question);
		attroff(A_BOLD);
		refresh();
		int ch = getch();
		if (ch == 'y' || ch == 'Y')
			return true;
		if (ch == 'n' || ch == 'N' || ch == 27)
			return false;
	}
}

/* ---- set-up and the loop ---- */

/* Config, paths and methods: everything that may print an error runs
 * before the screen is taken over. */
static int prepare(struct tui_app *app, const struct tui_opts *o)
{
	struct cli_station *st = calloc(1, sizeof(*st));
	if (!st)
		return KESU_EXIT_FAILURE;
	int code = cli_station_load_config(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(st, o->ledger, o->cert_dir, o->key);
	if (code == KESU_EXIT_OK) {
		snprintf(app->paths.ledger, sizeof(app->paths.ledger), "%s", st->ledger_path);
		snprintf(app->paths.cert_dir, sizeof(app->paths.cert_dir), "%s", st->cert_dir);
		snprintf(app->paths.key, sizeof(app->paths.key), "%s", st->key_path);
	}
	char err[KESU_ERRMSG_MAX];
	if (code == KESU_EXIT_OK &&
	    kesu_method_set_load(&app->methods, app->methods_dir, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_USAGE;
	}
	if (code == KESU_EXIT_OK)
		tui_form_defaults(app, &st->cfg.ctx);
	if (code == KESU_EXIT_OK && st->cfg.method[0] &&
	    !kesu_method_set_find(app->methods, st->cfg.method)) {
		cli_unknown_method("config: ", app->methods, st->cfg.method);
		code = KESU_EXIT_USAGE;
	}
	for (size_t i = 0; code == KESU_EXIT_OK && i < kesu_method_set_count(app->methods); i++)
		if (!strcmp(kesu_method_set_at(app->methods, i)->id,
			    st->cfg.method[0] ? st->cfg.method : KESU_METHOD_DEFAULT))
			app->form.method = i;
	cli_station_close(st);
	free(st);
	return code;
}

static void start_screen(void)
{
	/* No setlocale here: cli_i18n_init set LC_CTYPE (ncursesw draws
	 * UTF-8 with it) and LC_MESSAGES; LC_ALL would make numbers follow
	 * the locale too. */
	initscr();
	raw();    /* Ctrl-C is a key here: the running wipe is stopped only on purpose */
	noecho();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	curs_set(0);
	/* F10 as the common terminals send it, whatever TERM says. */
	define_key("\033[21~", KEY_F(10));
	define_key("\033Ox", KEY_F(10));
}

static void run_loop(struct tui_app *app)
{
	enum tui_next next = TUI_DRIVES;
	while (next != TUI_QUIT) {
		switch (next) {
		case TUI_DRIVES: next = tui_drives_screen(app); break;
		case TUI_FORM: next = tui_form_screen(app); break;
		case TUI_STORE: next = tui_store_screen(app); break;
		case TUI_CONFIRM: next = tui_confirm_screen(app); break;
		case TUI_RUN: next = tui_run_screen(app); break;
		case TUI_QUIT: break;
		}
	}
}

int cmd_tui(int argc, char **argv)
{
	struct tui_opts o = {0};
	struct tui_app *app = calloc(1, sizeof(*app));
	if (!app)
		return KESU_EXIT_FAILURE;
	app->last_exit = -1;
	int parsed = parse_tui(argc, argv, &o, app);
	int code = parsed < 0 ? KESU_EXIT_USAGE : KESU_EXIT_OK;
	if (parsed == 0 && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		cli_error("tui: standard input is not a terminal");
		code = KESU_EXIT_FAILURE;
	}
	if (parsed == 0 && code == KESU_EXIT_OK)
		code = prepare(app, &o);
	if (parsed == 0 && code == KESU_EXIT_OK && tui_drives_probe(app) < 0) {
		cli_error("tui: cannot read the machine's disks");
		code = KESU_EXIT_FAILURE;
	}
	if (parsed == 0 && code == KESU_EXIT_OK) {
		start_screen();
		run_loop(app);
		endwin();
		tui_store_release(app);
		code = app->last_exit < 0 ? KESU_EXIT_OK : app->last_exit;
	}
	kesu_method_set_free(app->methods);
	free(app->drives);
	free(app);
	return code;
}

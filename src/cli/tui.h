/* kesu tui: a text front end over the existing commands (docs/tui.md).
 * The screens live in tui_*.c; the wipe itself is one `kesu wipe` child
 * process, so the UI never holds a drive open for writing and every
 * safety check of the command line still applies.
 *
 * The first part of this header (progress and result parsing) is pure:
 * no curses, no other cli code, so the unit tests can link it alone. */
#ifndef KESU_TUI_H
#define KESU_TUI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/sizes.h"

/* ---- tui_progress.c: parsing what the wipe child prints ---- */

/* One `--progress json` line (docs/formats.md, "Progress lines"). Numbers
 * the line leaves out or sets to null are negative. */
struct tui_progress {
	char device[256];
	char phase[16];     /* write, verify, mark, erase, done */
	unsigned pass, passes;
	char pattern[64];
	uint64_t done, total;
	double percent;     /* of the phase, 0..100; -1 when total is unknown */
	double mb_per_s;
	double eta_seconds;
	double estimate_seconds;
	double elapsed_seconds;
	double job_percent;  /* the whole job (kesu >= issue 12); -1 unknown */
	uint64_t job_done, job_total; /* bytes of the whole job; 0 unknown */
	double job_eta_seconds;
	double job_elapsed_seconds;
	char outcome[32];   /* only on the final "done" line */
};

/* Parses one line. Returns 0, or -1 when it is not a progress object
 * (not JSON, not an object, or no device). */
int tui_progress_parse(const char *line, struct tui_progress *out);

/* A message line of kesu wipe under --json ({"message": "..."}, no
 * device): its text into buf. Returns 0, or -1 for anything else. */
int tui_message_parse(const char *line, char *buf, size_t size);

/* One job of the `kesu wipe --json` document. */
struct tui_job_result {
	char device[256];
	char outcome[32];        /* SUCCESS, ERASED_WITH_EXCEPTIONS, FAILED, ..., or "" */
	char reason[512];
	char reason_ja[512];     /* the same in Japanese, "" when absent */
	char exceptions[3][512]; /* ERASED_WITH_EXCEPTIONS: what remains (detail) */
	char exceptions_ja[3][512];
	size_t nexceptions;
	char nist_level[16];
	char method[40];
	char job_id[40];
	bool recorded;           /* record.seq is set: the ledger chain has it */
	char certificate[KESU_PATH_MAX];  /* record.certificate, "" when none */
	char failure_report[KESU_PATH_MAX];
};

struct tui_results {
	char kesu_version[32];
	size_t njobs;
	struct tui_job_result *jobs; /* malloc'd; tui_results_free */
};

/* Parses the whole standard output of `kesu wipe --json`. Returns 0, or
 * -1 when it holds no such document (empty, cut short, not JSON, no jobs
 * array); out is then empty. */
int tui_results_parse(const char *text, struct tui_results *out);
void tui_results_free(struct tui_results *r);

/* true when there is at least one job and every job is SUCCESS. */
bool tui_results_all_success(const struct tui_results *r);

/* ---- tui_scope.c: the NVMe namespaces a Format or Sanitize also erases ---- */

struct kesu_drive_caps;
/* The other namespaces (not the drive's own) the firmware command
 * (enum kesu_firmware_command, -1 for none) erases on a drive with these
 * caps, as kesu wipe lists them: their NSIDs appended to nsids as
 * "N[,N...]" (the --namespaces the operator confirms by typing ERASE) and
 * one line naming them into text ("" when none). Returns how many, or a
 * negative error with text saying why the scope is unknown (kesu wipe
 * then refuses the drive itself). */
int tui_scope_others(const struct kesu_drive_caps *caps, int command, char *nsids, size_t nsids_size,
		     char *text, size_t text_size);

#ifndef TUI_PURE_ONLY
/* ---- the application (everything below needs cli.h and curses) ---- */
#include "cli.h"

/* As large as the record's fields, so nothing is cut mid-character. */
#define TUI_MAX_ASSET KESU_LIMIT_BYTES(KESU_LIMIT_ASSET_NUMBER)

struct tui_drive {
	struct kesu_device dev;
	struct kesu_drive_caps caps;
	char why[KESU_ERRMSG_MAX];           /* why the drive was not asked, "" if it was */
	bool selectable;         /* STATE free and the gate refuses nothing */
	char reason[1024];       /* the gate's one line when not selectable */
	bool selected;
	char asset[TUI_MAX_ASSET];
};

struct tui_form {
	size_t method;           /* index in the method set */
	int verify;              /* 0 the method's, 1 sample, 2 full, 3 none */
	char operator_name[KESU_LIMIT_BYTES(KESU_LIMIT_OPERATOR)];
	char organisation[KESU_LIMIT_BYTES(KESU_LIMIT_ORGANISATION)];
	char approver[KESU_LIMIT_BYTES(KESU_LIMIT_APPROVER)];
	char witness[KESU_LIMIT_BYTES(KESU_LIMIT_WITNESS)]; /* 立会者, --witness */
	int class_idx;           /* 0 "-", 1 I, 2 II, 3 III */
	int purpose_idx;         /* 0 "-", 1 disposal, ... */
	char approval[KESU_PATH_MAX]; /* the chosen approval file, "" none */
	int class_before, purpose_before; /* restored when the approval goes */
};

/* An approval file the form offers. It is read without trust, only to
 * show what it is: the wipe child loads it against the trust store. */
struct tui_approval {
	char path[KESU_PATH_MAX];
	char name[256];          /* the file's name, as shown */
	bool readable;           /* it parsed; the fields below are set */
	char why[KESU_ERRMSG_MAX]; /* why it could not be read */
	char number[KESU_APPROVAL_NUMBER_SIZE];
	char classification[8];
	char purpose[32];
	char valid_until[11];
};
#define TUI_MAX_APPROVALS 32

/* A job an earlier run left open in the ledger for a chosen drive. */
struct tui_open_job {
	char device[256];
	char job_id[40];
	char method[64];         /* from the job's plan */
	int verify_mode;         /* enum kesu_verify_mode of the plan, -1 unknown */
	unsigned pass;           /* its last checkpoint, 0 none */
	uint64_t offset;
	char started[32];
};
#define TUI_MAX_OPEN 16

/* Where the results go, as the child will be told. */
struct tui_paths {
	char ledger[4096];
	char cert_dir[4096];
	char key[4096];
	bool decided;            /* the results-location check was answered */
	bool store_mounted;      /* we mounted a removable drive at TUI_STORE_MOUNT */
};

struct tui_app {
	const char *methods_dir;
	char **filter;           /* DEVICE... from the command line */
	size_t nfilter;
	struct kesu_method_set *methods;
	struct tui_drive *drives;
	size_t ndrives;
	size_t cursor;
	char message[1024];      /* the one-line note under the drive list */
	struct tui_form form;
	struct tui_paths paths;
	int last_exit;           /* the last run's exit code for kesu tui; -1 none */
	struct tui_open_job open_jobs[TUI_MAX_OPEN]; /* of the selected drives */
	size_t nopen;
	bool resuming;           /* the operator chose Resume */
	bool restart;            /* ... or Restart: the child gets --restart */
	struct tui_approval approvals[TUI_MAX_APPROVALS]; /* tui_approvals_scan */
	size_t napprovals;
};

/* Screen results: where the loop in cmd_tui.c goes next. */
enum tui_next { TUI_QUIT, TUI_DRIVES, TUI_FORM, TUI_STORE, TUI_CONFIRM, TUI_RUN };

/* tui_drives.c */
int tui_drives_probe(struct tui_app *app); /* 0 or a negative error */
size_t tui_drives_selected(const struct tui_app *app);
enum tui_next tui_drives_screen(struct tui_app *app);
/* tui_details.c: one drive's details, labelled, until Esc. */
void tui_details_screen(const struct tui_drive *d);

/* tui_form.c */
void tui_form_defaults(struct tui_app *app, const struct kesu_job_context *cfg);
const char *tui_form_verify_name(int verify);   /* NULL for the method's */
const char *tui_form_class_name(int idx);       /* NULL for "-" */
const char *tui_form_purpose_name(int idx);     /* NULL for "-" */
enum tui_next tui_form_screen(struct tui_app *app);
/* Reads a line at (y, x) into buf, at most width columns shown. Returns
 * true on Enter, false on Esc (buf unchanged then). */
bool tui_read_line(int y, int x, int width, char *buf, size_t size);

/* tui_approvals.c: the *.kesu-approval files in approvals/ beside the
 * config file and in the results directory (the results stick), its
 * approvals/ and, when that directory is a stick's kesu/, the stick's top.
 * Keeps form.approval when the file is still there, else clears it. */
void tui_approvals_scan(struct tui_app *app);
/* The chosen approval, NULL for none. */
const struct tui_approval *tui_form_approval(const struct tui_app *app);
/* Moves the choice step places along none, approvals[0], ... */
void tui_approvals_cycle(struct tui_app *app, int step);
/* The chosen approval's purpose (or class), as read for display; NULL
 * for none or an unreadable file. */
const char *tui_approval_says(const struct tui_app *app, bool purpose);

/* tui_store.c */
#define TUI_STORE_MOUNT "/run/kesu/store"
/* true when dir is the top of a mounted filesystem */
bool tui_is_mount_point(const char *dir);
/* true when the nearest existing directory above path is on tmpfs or
 * ramfs; dir receives that directory. */
bool tui_store_in_memory(const char *path, char *dir, size_t dirsize);
enum tui_next tui_store_screen(struct tui_app *app);
void tui_store_release(struct tui_app *app);

/* tui_run.c: confirmation, the child, results. */
enum tui_next tui_confirm_screen(struct tui_app *app);
enum tui_next tui_run_screen(struct tui_app *app);

/* tui_resume.c: unfinished jobs of the selected drives (the ledger is
 * only read). TUI_CONFIRM to go on, TUI_FORM to go back. */
enum tui_next tui_resume_screen(struct tui_app *app);

/* tui_unverified.c: true when some drive's wipe will read nothing back
 * (verification none), so it gets no certificate. */
bool tui_reads_nothing(const struct tui_app *app);
/* Says so and offers sampling; TUI_CONFIRM to go on, TUI_FORM back. */
enum tui_next tui_unverified_screen(struct tui_app *app);

/* cmd_tui.c: drawing helpers shared by the screens. Widths are screen
 * columns (a Japanese character takes two), never bytes. */
size_t tui_fit(const char *s, int cols);         /* bytes of s within cols */
int tui_width(const char *s);
/* label padded with spaces to cols columns, into buf */
void tui_pad(char *buf, size_t size, const char *label, int cols);
/* Bytes of text's next line of at most width columns; *skip is 1 when a
 * space is dropped at the break. */
size_t tui_line_break(const char *text, int width, size_t *skip);
/* F10, or Ctrl-X where a terminal sends no F10 the curses way. */
bool tui_is_go_key(int ch);
void tui_title(const char *title);
void tui_keys(const char *help);                 /* the bottom key-help line */
/* Writes text at (y, x), cut to the screen's width (ending in '~'). */
void tui_put(int y, int x, const char *text);
/* Writes text from line y wrapped at the screen's width, at most
 * maxlines lines; returns the lines used. */
int tui_wrap(int y, const char *text, int maxlines);
/* Shows a yes/no question on the bottom line; true for y. */
bool tui_ask_yes(const char *question);
#endif
#endif

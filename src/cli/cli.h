/* The command line: parses options into one control struct per command,
 * calls the library, prints, and maps results to the exit codes below. */
#ifndef KESU_CLI_H
#define KESU_CLI_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <json-c/json.h>

#include "i18n.h"
#include "kesu/device.h"
#include "kesu/error.h"
#include "kesu/firmware.h"
#include "kesu/gate.h"
#include "kesu/job.h"
#include "kesu/method.h"
#include "kesu/cert.h"
#include "kesu/config.h"
#include "kesu/key.h"
#include "kesu/ledger.h"
#include "kesu/record.h"
#include "kesu/wipe.h"

/* One exit-code table for every subcommand (README, kesu(8)). */
enum kesu_exit {
	KESU_EXIT_OK = 0,
	KESU_EXIT_FAILURE = 1,     /* an operation failed (I/O, media, ...) */
	KESU_EXIT_USAGE = 2,       /* bad options or arguments */
	KESU_EXIT_UNSUPPORTED = 3, /* the device cannot do what was asked */
	KESU_EXIT_VERIFY = 4,      /* verification found unerased data */
	KESU_EXIT_REFUSED = 5,     /* refused by the safety gate */
	KESU_EXIT_INTERRUPTED = 6, /* stopped by a signal or a vanished device */
	KESU_EXIT_UNVERIFIED = 7,  /* written but not verified: no certificate */
	KESU_EXIT_NOT_CERTIFICATE = 8, /* cert verify: intact, but not a SUCCESS certificate */
	KESU_EXIT_UNCHECKED = 9,   /* cert verify: what could be checked holds, but a
				    * check could not be made (the .sig is absent) */
	KESU_EXIT_EXCEPTIONS = 10, /* wipe: erased with exceptions; the certificate
				    * says what remains (docs/certificate.md) */
	KESU_EXIT_NOT_PUSHED = 11, /* the job is done and certified, but its records
				    * wait for the central store (docs/central.md) */
};

/* With several drives the status is the most severe one, in this order:
 * 4, 1, 3, 6, 7, 10, 11, 0 (data may be left, failed, could not, stopped,
 * not proven, done but something known remains, done but not yet in the
 * central store, done). Returns the more severe of a and b. */
int cli_exit_worse(int a, int b);

int cmd_list(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_wipe(int argc, char **argv);
int cmd_destroy(int argc, char **argv); /* cmd_destroy.c (issue 16) */
int cmd_tui(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_unlock(int argc, char **argv);
int cmd_methods(int argc, char **argv);
int cmd_ledger(int argc, char **argv);
/* Central review (docs/central-review.md): kesu ledger verify --db
 * (cmd_ledger_verify_central.c), kesu server alarms | ack and how both
 * show an alarm (cmd_server_alarms.c). */
struct kesu_central_alarm;
int cmd_ledger_verify_central(int argc, char **argv);
int cmd_server_alarms(int argc, char **argv);
int cmd_server_ack(int argc, char **argv);
const char *cli_alarm_kind(const char *kind);
void cli_alarm_print(const struct kesu_central_alarm *a);
struct json_object *cli_alarm_json(const struct kesu_central_alarm *a);
/* --db URL of report, media, approval status, cert batch (central_read.c):
 * st->ledger becomes the central store, read-only. An exit code. */
struct cli_station;
int cli_station_open_central(struct cli_station *st, const char *url);
/* Connects to the central store at url (kesu server, ledger verify --db);
 * an error is said in one line. An exit code: 2 for a malformed url, 1
 * when the store cannot be reached or refuses. */
struct kesu_central;
int cli_central_connect(const char *url, struct kesu_central **central);
int cmd_cert(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_ledger_abandon(int argc, char **argv);
/* The central store (docs/central.md): kesu server (cmd_server.c), kesu
 * ledger push and status (cmd_ledger_push.c), and the push at the end of
 * a job when the config names a server (push_after_job.c): returns code,
 * or KESU_EXIT_NOT_PUSHED instead of 0 when the push failed. */
int cmd_server(int argc, char **argv);
int cmd_ledger_push(int argc, char **argv);
int cmd_ledger_status(int argc, char **argv);
struct cli_station;
int cli_push_after_job(struct cli_station *st, int code);
/* The station's public key: from its loaded secret key, else KEY.pub,
 * else the public half of the key file. An exit code (one line said). */
struct kesu_public_key;
int cli_station_public_key(const struct cli_station *st, struct kesu_public_key *pk);
int cmd_approve(int argc, char **argv);
int cmd_approval(int argc, char **argv);
/* kesu approval status (cmd_approval_status.c); cmd_approval.c has a
 * weak stand-in until that file exists. */
int cmd_approval_status(int argc, char **argv);
int cmd_trust(int argc, char **argv);
/* The trust store's path (cmd_trust.c): flag, else $KESU_TRUST, else the
 * config file's trust = PATH (relative: to the config file's directory),
 * else $XDG_CONFIG_HOME/kesu/trust.json. Returns an exit code. */
struct kesu_config;
int cli_trust_path(const struct kesu_config *cfg, const char *flag, char *out, size_t size);
/* The trust store's X.509 certificates as kesu trust shows them
 * (cmd_trust_x509.c): one line for add and remove; JSON objects appended
 * to arr; a table (*count rows) for list. role NULL: every role. */
struct kesu_trust;
struct kesu_trust_cert;
void cli_trust_cert_print(const char *what, const struct kesu_trust_cert *c);
void cli_trust_certs_json(const struct kesu_trust *trust, const char *role,
			  struct json_object *arr);
int cli_trust_certs_table(const struct kesu_trust *trust, const char *role, size_t *count);
/* Loads it (a missing file: an empty store); on failure prints one line
 * and returns 2 for a malformed store, 1 otherwise. */
struct kesu_trust;
int cli_trust_load(const char *path, struct kesu_trust **trust);
/* Both: the path into path, then the store. */
int cli_trust_open(const struct kesu_config *cfg, const char *flag, char *path, size_t size,
		   struct kesu_trust **trust);
/* The same for a command that needs nothing else of the station: reads
 * the config file itself. */
int cli_trust_open_configured(const char *flag, char *path, size_t size,
			      struct kesu_trust **trust);
/* Loads the station's secret key (path NULL: the default), asking for the
 * passphrase at a terminal when it is protected and no passphrase file is
 * given. Returns an exit code, having printed a one-line error. */
struct kesu_secret_key;
int cli_load_secret_key(const char *path, const char *passphrase_file, struct kesu_secret_key **sk);
/* A passphrase into guarded memory (*pass, free with cli_passphrase_free):
 * passphrase_file's first line, else asked at a terminal ("passphrase for
 * PATH: "); without a terminal one line naming path and 2. An exit code. */
int cli_passphrase_get(const char *passphrase_file, const char *path, char **pass);
void cli_passphrase_free(char *pass);
/* ---- The X.509 side of kesu key (cmd_key_x509.c; docs/keys.md) ---- */
#include "kesu/x509.h"
/* x509, csr, import-cert: the verbs cmd_key_x509 handles. */
bool cli_key_x509_verb(const char *word);
int cmd_key_x509(int argc, char **argv);
/* 0, or 1 with one line when BASE.x509.key or BASE.crt of the Ed25519 key
 * secret already exists (generate never overwrites); 0 when secret itself
 * exists, which kesu_key_generate refuses in its own words. */
int cli_key_x509_paths_free(const char *secret);
/* The certificate's subject for the key secret: CN name, else the holder
 * of a --role key (its public key's comment), else "kesu station HOST";
 * O and OU from the config file; title role, else the comment's, else
 * "station". An exit code (2: it cannot go into a certificate). */
int cli_key_x509_subject(const char *secret, const char *role, const char *name,
			 struct kesu_x509_subject *subject);
/* BASE.x509.key (when missing; alg NULL: ECDSA P-256) and a self-signed
 * BASE.crt valid for days (0: the default), replacing one only with
 * replace; prints what it made. An exit code. */
int cli_key_x509_new(const char *secret, const char *pass, const char *alg,
		     const struct kesu_x509_subject *subject, unsigned days, bool replace);
/* kesu key show's X.509 lines (nothing when there are no X.509 files);
 * 1 when the certificate cannot be read or is for another key. */
int cli_key_x509_show(const char *secret);

/* Where a destructive command records what it did. */
struct cli_station {
	struct kesu_config cfg;   /* the config file, then the flags */
	char ledger_path[4096];
	char cert_dir[4096];
	char key_path[4096];
	struct kesu_ledger *ledger;
	struct kesu_secret_key *sk;
	/* kesu's own files, which the gate refuses (cli_station_own_files) */
	char own_wal[4100], own_shm[4100], own_public_key[4096], own_config[4096];
	struct kesu_gate_own_files own;
};

/* Reads the config file ($KESU_CONFIG or ~/.config/kesu/config). */
int cli_station_load_config(struct cli_station *st);
/* "kesu: COMMAND: WHO? give --operator NAME or put `operator = NAME` in
 * CONFIG-PATH"; returns KESU_EXIT_USAGE. */
int cli_no_operator(const char *command, const char *who);
/* The config file, the flags over it, the station's fields, and the
 * checks every record needs (an operator; valid class, purpose and text).
 * who: the question for a missing operator ("who is erasing"). */
int cli_station_context(struct cli_station *st, const struct kesu_job_context *flags,
			const char *command, const char *who);
/* Copies every non-empty field of flags over cfg. */
void cli_context_merge(struct kesu_job_context *cfg, const struct kesu_job_context *flags);
/* Settles the ledger, certificate and key paths: flag, config, default. */
int cli_station_paths(struct cli_station *st, const char *ledger_flag, const char *cert_flag,
		      const char *key_flag);
/* kesu's own files after cli_station_paths: the ledger with its -wal and
 * -shm, the secret and public keys, the config file and the certificate
 * directory. Fills own (usually &st->own, whose strings st keeps) and
 * returns it, for kesu_gate_check. Creates nothing. */
const struct kesu_gate_own_files *cli_station_own_files(struct cli_station *st,
							 struct kesu_gate_own_files *own);
int cli_station_open_ledger(struct cli_station *st);
/* Loads the station key, making one on first use; fills the fingerprint. */
int cli_station_load_key(struct cli_station *st, const char *passphrase_file);
/* For a command that appends a signed record: the ledger and key paths
 * (flags over the config file), the ledger opened, the station key
 * loaded. Returns an exit code, having printed a one-line error. */
int cli_station_open_records(struct cli_station *st, const char *ledger_flag,
			     const char *key_flag, const char *passphrase_file);
/* cli_station_context (an operator is required: who says command), then
 * cli_station_open_records. */
int cli_station_open_for_records(struct cli_station *st, const struct kesu_job_context *flags,
				 const char *command, const char *who, const char *ledger_flag,
				 const char *key_flag, const char *passphrase_file);
void cli_station_close(struct cli_station *st);

/* A job running in its own thread, as the CLI tracks it. */
struct cli_running {
	const char *path;
	struct kesu_job *job;
};

enum cli_progress { CLI_PROGRESS_NONE, CLI_PROGRESS_TTY, CLI_PROGRESS_JSON };

/* Draws the progress of every running job on stderr; first: nothing has
 * been drawn yet (a terminal redraws in place after that). */
void cli_progress_draw(const struct cli_running *runs, size_t n, enum cli_progress mode, bool first);
/* --progress json: from now on, every message on stderr becomes a JSON
 * line {"json_format_version", "message"} beside the progress lines
 * (progress.c); undone at exit. */
void cli_progress_json_begin(void);

/* Job result and range lists as JSON (docs/formats.md). */
struct json_object *cli_job_json(const struct kesu_job_result *r);
struct json_object *cli_ranges_json(const struct kesu_range_list *list);

/* "kesu: " + message on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Exit code for a negative library error. */
int cli_exit_for(int err);

/* 1.5G-style size with binary multiples, as lsblk prints. */
void cli_format_size(unsigned long long bytes, char *buf, size_t size);

/* "yes" / "no" / "unknown". */
const char *cli_tristate(enum kesu_tristate t);

/* SYSTEM / swap / mounted / held / free: the one-word use of a drive. */
const char *cli_device_state(const struct kesu_device *dev);

/* Why the state holds when it comes through the stack (a loop's backing,
 * dm/md slaves, what stands on the drive), naming the chain; "" when the
 * state is the drive's own, or free. */
const char *cli_device_state_reason(const struct kesu_device *dev);

/* Every documented field of a device as a JSON object (docs/formats.md);
 * its members, their order and types come from the column table that
 * kesu list and kesu info read too (device_columns.h). */
struct json_object *cli_device_json(const struct kesu_device *dev);

/* Prints a JSON document to stdout, pretty, with a final newline, and
 * "json_format_version" as its first member (docs/formats.md). */
void cli_print_json(struct json_object *doc);
/* The same to any stream (ledger export -o builds its file in memory). */
void cli_fprint_json(FILE *out, struct json_object *doc);
/* A new object: "json_format_version" first, then doc's members. */
struct json_object *cli_json_versioned(struct json_object *doc);
/* [major, minor] of every JSON document and progress line kesu prints. */
#define CLI_JSON_FORMAT_MAJOR 1
#define CLI_JSON_FORMAT_MINOR 1
struct json_object *cli_json_format_version(void);
/* --json (or -J) on the command line: errors become one JSON document on
 * stdout when the command printed none (cli_json_finish, from main). */
void cli_json_mode_set(bool on);
bool cli_json_mode(void);
/* Returns code; first prints {"error": {"message", "exit_status"}} when
 * in JSON mode, code is not 0 and no document was printed. */
int cli_json_finish(int code);

/* Asks the operator to confirm erasing a drive the gate accepted or only
 * warned about. yes: --yes was given; force: --force was given. Returns
 * true when the wipe may go ahead; otherwise prints why. */
bool cli_confirm(const struct kesu_device *dev, const struct kesu_gate_verdict *v, bool yes,
		 bool force);
/* ---- The policy profile (policy_phrase.c, cmd_policy.c; docs/policy.md) ---- */
#include "kesu/policy.h"
int cmd_policy(int argc, char **argv);
/* The policy in force: flag_path (--policy), else the config file's
 * policy = PATH (relative: to the config file's directory; st->cfg must be
 * loaded), else the built-in default. A malformed file prints one line
 * "kesu: FILE:LINE: reason" and returns 2; a missing one 2 too. */
int cli_policy_load(struct cli_station *st, const char *flag_path, struct kesu_policy *p);
/* Every method the policy names is one kesu knows (set: the methods the
 * command loaded); else one line naming FILE:LINE, and 2. */
int cli_policy_methods(const struct kesu_policy *p, const struct kesu_method_set *set);
/* Prints kesu_policy_check's refusal as one line: Japanese, " / ", English,
 * each with the clause and the flag that remedies it:
 * "kesu: 重要性分類Ⅱの媒体は事前承認が必要です (§3.2(9)c): --approval FILE /
 *  class II requires prior approval (§3.2(9)c): give --approval FILE".
 * classification: the job's ("I", "II", "III" or ""); detail: the err that
 * kesu_policy_check filled (it names the values, and for VERIFY which
 * verification is required). */
void cli_policy_refusal(enum kesu_policy_refusal r, const char *classification,
			const char *detail);
/* ---- kesu wipe's firmware side (wipe_firmware.c) ---- */
enum cli_hpa_mode { CLI_HPA_CHECK, CLI_HPA_RESTORE, CLI_HPA_KEEP };
struct cli_firmware {
	bool channel_open;
	struct kesu_passthru pt;
	bool caps_known;
	struct kesu_drive_caps caps;
	const struct kesu_method *method; /* what runs on this drive (auto-purge resolved) */
	char auto_reason[KESU_ERRMSG_MAX];
	uint64_t hpa_restored;            /* sectors of the HPA removed, 0 = none */
};
/* After the gate opened the drive (fd): opens its command channel, asks
 * what it supports, resolves auto-purge, refuses what cannot run (with
 * the reason and the remedy) and applies --hpa. Overwrite methods only
 * use the channel to look for an HPA. An NVMe command that erases other
 * namespaces too lists them, gates each (own: kesu's files) and has them
 * confirmed: at a terminal by the serial number again; with yes (--yes)
 * only when namespaces (--namespaces, "2,5") names each of them.
 * Returns an exit code. */
int cli_firmware_prepare(struct cli_firmware *fw, struct kesu_device *dev, int fd,
			 const struct kesu_method *method, const struct kesu_method_set *methods,
			 unsigned channel_flags, enum cli_hpa_mode hpa, bool dry_run, bool quiet,
			 const struct kesu_gate_own_files *own, bool yes, const char *namespaces);
/* --namespaces N[,N...]: NSIDs 1..FFFFFFFEh in decimal; false after an
 * error naming opt. The help lines of the option (wipe_firmware.c). */
bool cli_nsid_list_valid(const char *opt, const char *list);
extern const char cli_namespaces_help[];
/* Lends the channel and caps to the job (fw must outlive it). */
void cli_firmware_options(struct cli_firmware *fw, struct kesu_job_options *opts);
void cli_firmware_close(struct cli_firmware *fw);
/* kesu info / list: what the drive says about erasing itself
 * (device_json.c, cmd_info.c). cli_drive_caps_ask opens the device
 * read-only and its command channel, asks, and closes; why says what
 * kept it from asking. */
struct json_object *cli_device_json_firmware(const struct kesu_device *dev,
					     const struct kesu_drive_caps *caps, const char *why);
int cli_drive_caps_ask(struct kesu_device *dev, unsigned flags, struct kesu_drive_caps *caps,
		       char *why, size_t whysize);
/* ---- Stored text and the ledger for review (safe_text.c, station.c) ---- */
/* Copies text into buf (size bytes) with what a terminal would act on
 * escaped: C0 controls and DEL as \xHH (ESC is \x1b, a newline \x0a),
 * C1 controls and bidirectional overrides as \uHHHH, bytes that are not
 * UTF-8 as \xHH. Cuts between characters when buf is full. Returns buf. */
const char *cli_escape(const char *text, char *buf, size_t size);
/* Opens the station's ledger for reading only (kesu_ledger_open_readonly):
 * review commands work on read-only media and for users who cannot
 * write the ledger. Says on stderr what the notes hold (an old schema
 * read as it is, a mode that lets others read it). */
int cli_station_open_ledger_readonly(struct cli_station *st);
/* Says on stderr what opening the ledger found (kesu_ledger_notes). */
void cli_station_say_notes(const struct cli_station *st);
/* kesu cert issue (cmd_cert_issue.c): a ledger record's certificate. */
int cmd_cert_issue(int argc, char **argv);
/* Whether a finished record of this kind and outcome gets a certificate
 * or a failure report (wipes that ended SUCCESS, UNVERIFIED or FAILED). */
bool cli_record_gets_document(const char *kind, const char *outcome);
/* Where kesu_cert_issue puts the document of a certificate id. */
void cli_document_path(const char *cert_dir, const char *certificate_id, char *buf, size_t size);
/* ---- Strict option values (cli_parse.c) ----
 * Each prints one line naming the flag and returns false when the value
 * is refused: '--retries: "12abc" is not a number from 0 to 100'. */
/* Decimal digits only (no sign, space, 0x or exponent), min <= v <= max. */
bool cli_parse_uint(const char *flag, const char *text, unsigned long long min,
		    unsigned long long max, unsigned long long *out);
/* Digits with at most `decimals` digits after a '.', whatever the locale. */
bool cli_parse_decimal(const char *flag, const char *text, double min, double max,
		       unsigned decimals, double *out);
/* "4M", "64K", "1G", "1048576" -> bytes (1 byte to 1 TiB); prints nothing. */
bool cli_parse_size(const char *text, size_t *out);
/* Stores a record field given by flag, checked by kesu_context_set. */
bool cli_set_field(struct kesu_job_context *ctx, enum kesu_ctx_field f, const char *flag,
		   const char *value);
/* --asset A,B,...: drops spaces around each number (in place) and checks
 * each as an asset number. */
bool cli_check_assets(const char *flag, char *list);
/* A command-line text that ends up in a record (a DEVICE path): valid
 * UTF-8, no control characters. what: "DEVICE". */
bool cli_check_text(const char *what, const char *value);
/* getopt_long with getopt's own messages off, remembering its arguments
 * for cli_bad_option. Every command parses its options through it. */
struct option;
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       int *longindex);
/* The option cli_getopt refused, in one line: "kesu: CMD: unrecognized
 * option '--foo' (see kesu CMD --help)" (or invalid option, needs a value,
 * takes no value, ambiguous). Returns KESU_EXIT_USAGE. */
int cli_bad_option(const char *cmd);
/* "kesu: PREFIXunknown method "dod3pass"; did you mean dod-3pass? (kesu
 * methods lists them)" (cmd_methods.c): the nearest id, when one is near. */
struct kesu_method_set;
void cli_unknown_method(const char *prefix, const struct kesu_method_set *set, const char *id);
/* ---- kesu wipe's disposal checks (wipe_disposal.c; issue 14) ---- */
#include "kesu/approval.h"
#include "kesu/policy.h"
#include "kesu/trust.h"
struct cli_disposal {
	struct kesu_policy policy;    /* in force: --policy, config, default */
	struct kesu_trust *trust;     /* loaded with an approval */
	struct kesu_approval *approval; /* --approval, checked against trust */
};
/* Loads the policy, and with approval_path the trust store and the
 * approval (its class and purpose fill the context where none was given).
 * Prints one line and returns an exit code on failure. */
int cli_disposal_load(struct cli_disposal *d, struct cli_station *st,
		      const struct kesu_job_context *flags, const struct kesu_method_set *methods,
		      const char *approval_path, const char *policy_path, const char *trust_path);
/* Judges one drive (ledger NULL: before it is open; nothing is spent
 * then). On success and with approval_json, *approval_json receives the
 * record's approval object (malloc'd; NULL without an approval). */
int cli_disposal_check(const struct cli_disposal *d, struct kesu_ledger *ledger,
		       const struct kesu_device *dev, const char *asset,
		       const struct kesu_method *method, const struct kesu_job_options *opts,
		       const struct kesu_job_context *ctx, char **approval_json);
/* kesu wipe --dry-run (wipe_dry_run.c): the ledger (read-only; writable
 * or creatable) and the signing key (loads, or can be made), then per
 * drive the unfinished job and the approval against the ledger. Each
 * check that passes goes to checks (--json) or is printed; a failure is
 * said as the real run says it. Return exit codes. */
int cli_dry_run_station(struct cli_station *st, const char *passphrase_file,
			struct json_object *checks);
int cli_dry_run_drive(struct cli_station *st, const struct cli_disposal *disposal,
		      const struct kesu_device *dev, const char *asset, const struct kesu_method *method,
		      const struct kesu_job_options *opts, bool restart, struct json_object *checks);
/* The operations log (oplog.c; docs/operations.md): where is a file
 * (appended, one write per line), "syslog", or ""/NULL for none. */
int cli_oplog_open(const char *where, const char *command, const char *station);
bool cli_oplog_active(void);
void cli_oplog_started(const struct kesu_device *dev, const char *job_id, const char *method,
		       bool resumed);
void cli_oplog_job(const struct kesu_job_result *r, const char *job_id, const char *outcome,
		   int exit_code);
void cli_oplog_error(const char *message);
void cli_oplog_close(int exit_code, bool jobs_started);
void cli_disposal_free(struct cli_disposal *d);
/* After a job that did not end SUCCESS: what the policy requires of the
 * medium (on_failure = destroy), on stderr. */
void cli_disposal_after(const struct cli_disposal *d, const struct kesu_job_context *ctx,
			const struct kesu_job_result *r);
/* ---- Plain tables for review commands (text_table.c) ---- */
struct cli_table;
/* NULL when out of memory. */
struct cli_table *cli_table_new(const char *const *headers, size_t ncols);
/* One row of ncols cells; NULL or "" prints "-". */
int cli_table_row(struct cli_table *t, const char *const *cells);
/* What an empty cell shows instead of "-" (a static string, e.g. ""). */
void cli_table_set_empty(struct cli_table *t, const char *mark);
void cli_table_print_free(struct cli_table *t);
/* Frees it without printing. */
void cli_table_free(struct cli_table *t);
/* Display widths count what a terminal shows (a Japanese character takes
 * two columns): wcwidth() needs a UTF-8 LC_CTYPE. kesu's text is always
 * UTF-8 (the library checks it), so without one from the environment
 * C.UTF-8 is used. Sets it once per process; the functions below call it. */
void cli_utf8_ctype(void);
/* Display width of UTF-8 text as a terminal shows it (wcwidth: a Japanese
 * character takes two columns), for text laid out outside a table. */
size_t cli_text_width(const char *s);
/* Prints s to stdout padded with spaces to `columns` display columns (a
 * Japanese character is two): labels line up in either language. */
void cli_put_padded(const char *s, size_t columns);
/* An approval FILE, or the *.kesu-approval file whose number is arg in
 * ~/.config/kesu/approvals or the current directory (approval_files.c).
 * Prints one line and returns 2 when there is none. */
int cli_approval_path(const char *arg, char *path, size_t size);
/* The same lookup by number only, silent: 0 found, -1 not. */
int cli_approval_find(const char *number, char *path, size_t size);
/* kesu cert import (cmd_cert_import.c). */
int cmd_cert_import(int argc, char **argv);
/* kesu cert verify (cmd_cert_verify.c), sign and timestamp (cmd_cert_sign.c),
 * and the help they share (cmd_cert.c). */
int cmd_cert_verify(int argc, char **argv);
int cmd_cert_sign(int argc, char **argv);
int cmd_cert_timestamp(int argc, char **argv);
void cli_cert_usage(FILE *out);
/* What certificates are checked against (cmd_cert_verify.c): --trust
 * arguments (certificate files, or the trust store), --pubkey, the
 * ledger. */
#define CLI_TRUST_FILES_MAX 16
struct cli_verify_ctl {
	const char *pubkey, *ledger, *trust_store;
	const char *anchor_files[CLI_TRUST_FILES_MAX];
	size_t nanchor_files;
	bool no_ledger;
};
int cli_verify_trust_arg(struct cli_verify_ctl *v, const char *arg);
struct cli_verify_env;
int cli_verify_open(struct cli_verify_env **e, const struct cli_verify_ctl *v);
int cli_verify_check(struct cli_verify_env *e, const char *pdf, struct kesu_cert_check *c);
const struct kesu_trust *cli_verify_trust(const struct cli_verify_env *e);
void cli_verify_close(struct cli_verify_env *e);
/* kesu cert batch (cmd_cert_batch.c; issue 16): a batch certificate.
 * cli_batch_issue collects sel from st's ledger, records and issues it
 * (out: also written there), prints the result; an exit code (0 COMPLETE,
 * 8 INCOMPLETE; quiet: errors only). wipe_summary.c: a multi-drive wipe's job summary, a
 * batch over exactly its jobs (wipes: n of them, stride bytes apart). */
struct kesu_batch_selection;
int cmd_cert_batch(int argc, char **argv);
struct kesu_batch_issued;
int cli_batch_issue(struct cli_station *st, const struct kesu_batch_selection *sel,
		    const char *out, const struct kesu_cert_signing *signing, bool quiet,
		    struct kesu_batch_issued *issued);
/* json: kesu wipe --json's document (NULL: print the summary's lines); it
 * gets "job_summary" {certificate, certificate_id, complete}, null when
 * no summary was written. */
struct kesu_wipe;
int cli_wipe_summary(struct cli_station *st, const struct kesu_cert_signing *signing,
		     struct kesu_wipe *const *wipes, size_t n, size_t stride,
		     struct json_object *json);
/* kesu countersign (cmd_countersign.c; issue 14 item 5). */
int cmd_countersign(int argc, char **argv);
/* kesu media list | show | dispose (cmd_media.c, cmd_media_dispose.c;
 * issue 16 item 2). */
int cmd_media(int argc, char **argv);
/* kesu report: the media disposal register (cmd_report.c, docs/register.md). */
int cmd_report(int argc, char **argv);
int cli_media_dispose(int argc, char **argv);
/* ---- kesu demo's approval (demo_approval.c) ---- */
#define CLI_DEMO_APPROVER "デモ 承認者"
#define CLI_DEMO_WITNESS "デモ 立会者"
#define CLI_DEMO_ASSET "DEMO-0001"
struct cli_demo {
	const char *ledger, *station_key, *trust;
	const char *approver_key, *approver_pub, *approval, *approval_pdf;
};
/* Runs a command in process, as if typed (getopt restarted). */
int cli_demo_run(int (*cmd)(int, char **), char **argv);
/* The approver's key (made and trusted once), then an approval of the demo
 * disk (asset CLI_DEMO_ASSET, class II, lease return). An exit code. */
int cli_demo_approve(const struct cli_demo *d, const char *operator);
/* station_signing.c: the PDF signature identity of the station and how
 * certificates are signed (flags over the config file). */
struct cli_signing_flags {
	const char *tsa;             /* --tsa URL */
	const char *pkcs12, *pkcs11; /* --pkcs12 FILE, --pkcs11 URI */
	const char *pin_file;        /* --pin-file F: PKCS#12 passphrase or token PIN */
	const char *passphrase_file; /* the station key's */
	bool invisible, signify_sig;
};
struct cli_signing {
	struct kesu_signer *signer;
	char *station_pub;
	size_t station_pub_len;
	struct kesu_cert_signing cs;
};
int cli_signing_open(struct cli_station *st, const struct cli_signing_flags *f,
		     struct cli_signing *s);
/* The options every command that issues certificates takes: getopt codes,
 * their table entries, one parser and the help text. */
enum { CLI_O_TSA = 0x1000, CLI_O_PKCS12, CLI_O_PKCS11, CLI_O_PIN_FILE, CLI_O_INVISIBLE,
       CLI_O_SIGNIFY_SIG };
#define CLI_SIGNING_OPTIONS                                                                   \
	{"tsa", required_argument, NULL, CLI_O_TSA},                                          \
	{"pkcs12", required_argument, NULL, CLI_O_PKCS12},                                    \
	{"pkcs11", required_argument, NULL, CLI_O_PKCS11},                                    \
	{"pin-file", required_argument, NULL, CLI_O_PIN_FILE},                                \
	{"invisible-signature", no_argument, NULL, CLI_O_INVISIBLE},                          \
	{"signify-sig", no_argument, NULL, CLI_O_SIGNIFY_SIG}
/* true when c was one of them (f set from arg). */
bool cli_signing_option(int c, const char *arg, struct cli_signing_flags *f);
extern const char *const cli_signing_help;
void cli_signing_close(struct cli_signing *s);
/* Any signer: a kesu key's X.509 files (key: the Ed25519 key path, cert:
 * another certificate file), a PKCS#12 file or a PKCS#11 URI; the secret
 * (passphrase or PIN) from secret_file. */
struct cli_signer_source {
	const char *key, *cert, *pkcs12, *pkcs11, *secret_file;
};
int cli_signer_open(const struct cli_signer_source *src, struct kesu_signer **signer);
#endif

/* kesu report: the manager's register, 媒体廃棄記録簿 / Media disposal
 * register, of a month or a period, as PDF, XLSX or CSV: anomalies
 * first, then the summary and one row per medium and event
 * (docs/register.md). The library builds one model from the ledger; this
 * file gathers what it is judged against and picks the writer. */
#include <dirent.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/cert.h"
#include "kesu/paths.h"
#include "kesu/register.h"

#define MAX_APPROVAL_ARGS 64

struct report_ctl {
	const char *month, *since, *until, *department, *cls, *purpose, *station;
	const char *policy, *cert_dir, *pubkey, *headers, *ledger, *output, *trust, *key, *db;
	const char *approvals[MAX_APPROVAL_ARGS];
	size_t n_approval_args;
	struct cli_signing_flags signing;
};

static void report_usage(FILE *out)
{
	fputs(_("Usage: kesu report (--month YYYY-MM | --since DATE --until DATE)\n"
	      "                   [--department D] [--class I|II|III] [--purpose P] [--station S]\n"
	      "                   [--policy FILE] [--approvals FILE|DIR]... [--trust PATH]\n"
	      "                   [--cert-dir DIR] [--pubkey KEY] [--headers ja|keys]\n"
	      "                   [--ledger PATH] [signing options] -o FILE.pdf|FILE.xlsx|FILE.csv\n\n"
	      "Writes the media disposal register (媒体廃棄記録簿) of a period: anomalies\n"
	      "first, each with the records concerned (class I/II jobs without the approval\n"
	      "the policy requires, failures without a later destruction, unverified jobs,\n"
	      "missing certificates, missing witness countersignatures, approved media still\n"
	      "pending after their approval expired, hand-overs to a vendor with no\n"
	      "contractor certificate back, and the ledger's verification), then counts by\n"
	      "department, class, purpose, method, NIST level, outcome and customer, then one\n"
	      "row per medium and event. The format follows the extension of -o.\n\n"
	      "  --month YYYY-MM        that calendar month (local dates of the records)\n"
	      "  --since D --until D    a period, YYYY-MM-DD, both days included\n"
	      "  --department D, --class C, --purpose P   only records with that value\n"
	      "  --station S            only records of that station (host name or key\n"
	      "                         fingerprint)\n"
	      "  --policy FILE          judged against this policy (default: the config's\n"
	      "                         policy, else the built-in one)\n"
	      "  --approvals FILE|DIR   approval files (a directory: its *.kesu-approval\n"
	      "                         files), checked against the trust store (--trust);\n"
	      "                         default ~/.config/kesu/approvals when it exists\n"
	      "  --cert-dir DIR         where certificates are looked for (default: the\n"
	      "                         station's)\n"
	      "  --pubkey KEY           the key the ledger is verified with (default: the\n"
	      "                         station key's .pub; none: the register says so)\n"
	      "  --headers ja|keys      CSV header row: Japanese (default) or column keys\n"
	      "  --key KEY, --passphrase-file F   the station key that signs the PDF\n\n"
	      "Prints one line: the file, the period, the rows and the anomalies.\n"
	      "Exit status: 0 the register was written (whatever anomalies it lists: their\n"
	      "count is on the line printed); 2 bad options, dates or files; 4 an approval\n"
	      "file is not signed by a trusted approver; 1 the register could not be written.\n\n"),
	      out);
	fputs(_(cli_signing_help), out);
	fputs(_("\n  --db URL               read the central store instead of the station's ledger:\n"
		"                         every station's records, the station column naming\n"
		"                         the registered station (--station S: that one). The\n"
		"                         store's chains are checked by kesu ledger verify --db;\n"
		"                         certificates only with --cert-dir. The PDF is still\n"
		"                         signed by this station's key (docs/central-review.md)\n"),
	      out);
}

static int parse_report(int argc, char **argv, struct report_ctl *c)
{
	enum { O_MONTH = 256, O_SINCE, O_UNTIL, O_DEPT, O_CLASS, O_PURPOSE, O_STATION, O_POLICY,
	       O_APPROVALS, O_CERT_DIR, O_PUBKEY, O_HEADERS, O_LEDGER, O_TRUST, O_KEY, O_PASSFILE,
	       O_DB };
	static const struct option opts[] = {
		{"month", required_argument, NULL, O_MONTH}, {"since", required_argument, NULL, O_SINCE},
		{"until", required_argument, NULL, O_UNTIL}, {"department", required_argument, NULL, O_DEPT},
		{"class", required_argument, NULL, O_CLASS}, {"purpose", required_argument, NULL, O_PURPOSE},
		{"station", required_argument, NULL, O_STATION}, {"policy", required_argument, NULL, O_POLICY},
		{"approvals", required_argument, NULL, O_APPROVALS},
		{"cert-dir", required_argument, NULL, O_CERT_DIR}, {"pubkey", required_argument, NULL, O_PUBKEY},
		{"headers", required_argument, NULL, O_HEADERS}, {"ledger", required_argument, NULL, O_LEDGER},
		{"trust", required_argument, NULL, O_TRUST}, {"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"db", required_argument, NULL, O_DB},
		{"output", required_argument, NULL, 'o'}, CLI_SIGNING_OPTIONS,
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char **slot[] = {[O_MONTH - O_MONTH] = &c->month, &c->since, &c->until, &c->department,
			       &c->cls, &c->purpose, &c->station, &c->policy, NULL, &c->cert_dir,
			       &c->pubkey, &c->headers, &c->ledger, &c->trust, &c->key,
			       &c->signing.passphrase_file};
	int ch;
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "o:h", opts, NULL)) != -1) {
		if (ch == O_APPROVALS) {
			if (c->n_approval_args == MAX_APPROVAL_ARGS)
				return cli_error("report: at most %d --approvals", MAX_APPROVAL_ARGS), -1;
			c->approvals[c->n_approval_args++] = optarg;
		} else if (ch == O_DB) {
			c->db = optarg;
		} else if (ch >= O_MONTH && ch <= O_PASSFILE) {
			*slot[ch - O_MONTH] = optarg;
		} else if (ch == 'o') {
			c->output = optarg;
		} else if (ch == 'h') {
			return report_usage(stdout), 1;
		} else if (!cli_signing_option(ch, optarg, &c->signing)) {
			return cli_bad_option("report"), -1;
		}
	}
	if (optind < argc)
		return cli_error("report: unexpected argument \"%s\"", argv[optind]), -1;
	return 0;
}

enum report_format { FMT_PDF, FMT_XLSX, FMT_CSV };

/* The period and the output: one line naming what is wrong. */
static int check_report(const struct report_ctl *c, char since[11], char until[11],
			enum report_format *fmt)
{
	char err[KESU_ERRMSG_MAX];
	if (!c->output)
		return cli_error("report: give the output file: -o FILE.pdf, FILE.xlsx or FILE.csv"), -1;
	const char *dot = strrchr(c->output, '.');
	if (dot && !strcasecmp(dot, ".pdf"))
		*fmt = FMT_PDF;
	else if (dot && !strcasecmp(dot, ".xlsx"))
		*fmt = FMT_XLSX;
	else if (dot && !strcasecmp(dot, ".csv"))
		*fmt = FMT_CSV;
	else
		return cli_error("report: %s: the name must end in .pdf, .xlsx or .csv", c->output), -1;
	if (c->headers && strcmp(c->headers, "ja") != 0 && strcmp(c->headers, "keys") != 0)
		return cli_error("report: --headers \"%s\": ja or keys", c->headers), -1;
	if (c->month && (c->since || c->until))
		return cli_error("report: give --month or --since and --until, not both"), -1;
	if (c->month) {
		if (kesu_register_month(c->month, since, until, err, sizeof(err)) < 0)
			return cli_error("report: --%s", err), -1;
		return 0;
	}
	if (!c->since || !c->until)
		return cli_error("report: give the period: --month YYYY-MM, or --since and --until"), -1;
	snprintf(since, 11, "%s", c->since);
	snprintf(until, 11, "%s", c->until);
	if (strlen(c->since) != 10 || strlen(c->until) != 10)
		return cli_error("report: --since and --until are dates, YYYY-MM-DD"), -1;
	return 0;
}

struct approvals {
	struct kesu_approval **a;
	size_t n, cap;
	struct kesu_trust *trust;
};

static void approvals_free(struct approvals *ap)
{
	for (size_t i = 0; i < ap->n; i++)
		kesu_approval_free(ap->a[i]);
	free(ap->a);
	kesu_trust_free(ap->trust);
}

static int approval_file(struct approvals *ap, const char *path)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_approval *a = NULL;
	int rc = kesu_approval_load(path, ap->trust, &a, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : KESU_EXIT_USAGE;
	}
	if (ap->n == ap->cap) {
		size_t cap = ap->cap ? ap->cap * 2 : 16;
		struct kesu_approval **p = realloc(ap->a, cap * sizeof(*p));
		if (!p) {
			kesu_approval_free(a);
			return cli_error("out of memory"), KESU_EXIT_FAILURE;
		}
		ap->a = p;
		ap->cap = cap;
	}
	ap->a[ap->n++] = a;
	return KESU_EXIT_OK;
}

/* A file, or every *.kesu-approval file of a directory. */
static int approval_arg(struct approvals *ap, const char *arg)
{
	struct stat sb;
	if (stat(arg, &sb) != 0)
		return cli_error("approvals %s: %s", arg, strerror(errno)), KESU_EXIT_USAGE;
	if (!S_ISDIR(sb.st_mode))
		return approval_file(ap, arg);
	DIR *d = opendir(arg);
	if (!d)
		return cli_error("approvals %s: %s", arg, strerror(errno)), KESU_EXIT_USAGE;
	int code = KESU_EXIT_OK;
	static const char ext[] = ".kesu-approval";
	for (struct dirent *e; code == KESU_EXIT_OK && (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		if (n < sizeof(ext) || strcmp(e->d_name + n - (sizeof(ext) - 1), ext) != 0)
			continue;
		char path[KESU_PATH_MAX + 256];
		snprintf(path, sizeof(path), "%s/%s", arg, e->d_name);
		code = approval_file(ap, path);
	}
	closedir(d);
	return code;
}

/* --approvals, else the station's approvals directory when it exists
 * (none: the register says the check was not made). */
static int load_approvals(struct cli_station *st, const struct report_ctl *c, struct approvals *ap)
{
	char config[KESU_PATH_MAX], dir[KESU_PATH_MAX + 16], tpath[KESU_PATH_MAX];
	const char *dflt = NULL;
	struct stat sb;
	if (!c->n_approval_args && kesu_default_path(KESU_PATH_CONFIG, config, sizeof(config)) == 0) {
		snprintf(dir, sizeof(dir), "%s/approvals", dirname(config));
		dflt = stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode) ? dir : NULL;
	}
	if (!c->n_approval_args && !dflt)
		return KESU_EXIT_OK;
	int code = cli_trust_open(&st->cfg, c->trust, tpath, sizeof(tpath), &ap->trust);
	if (dflt && code == KESU_EXIT_OK)
		code = approval_arg(ap, dflt);
	for (size_t i = 0; code == KESU_EXIT_OK && i < c->n_approval_args; i++)
		code = approval_arg(ap, c->approvals[i]);
	return code;
}

/* --pubkey, else the station key's .pub; the default missing is not an
 * error: the register's first anomaly says the ledger was not verified. */
static int load_pubkey(struct cli_station *st, const struct report_ctl *c,
		       struct kesu_public_key *pk, bool *have)
{
	char pub[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	if (c->pubkey)
		snprintf(pub, sizeof(pub), "%s", c->pubkey);
	else
		kesu_key_public_path(st->key_path, pub, sizeof(pub));
	*have = false;
	if (!c->pubkey && access(pub, F_OK) != 0)
		return KESU_EXIT_OK;
	if (kesu_key_load_public(pub, pk, err, sizeof(err)) < 0)
		return cli_error("%s", err), KESU_EXIT_USAGE;
	*have = true;
	return KESU_EXIT_OK;
}

/* The writer the extension asks for; the PDF is signed by the station as
 * its certificates are. */
static int write_register(struct cli_station *st, const struct report_ctl *c,
			  const struct kesu_register *r, enum report_format fmt)
{
	char err[KESU_ERRMSG_MAX];
	int rc;
	if (fmt == FMT_CSV) {
		bool keys = c->headers && !strcmp(c->headers, "keys");
		rc = kesu_register_write_csv(r, keys, c->output, err, sizeof(err));
	} else if (fmt == FMT_XLSX) {
		rc = kesu_register_write_xlsx(r, c->output, err, sizeof(err));
	} else {
		struct cli_signing signing = {0};
		int code = cli_signing_open(st, &c->signing, &signing);
		if (code != KESU_EXIT_OK)
			return code;
		rc = kesu_register_write_pdf(r, &signing.cs, c->output, err, sizeof(err));
		cli_signing_close(&signing);
	}
	if (rc < 0) {
		cli_error("%s", err);
		return cli_exit_for(rc);
	}
	return KESU_EXIT_OK;
}

static int build_and_write(struct cli_station *st, const struct report_ctl *c,
			   struct kesu_register_query *q, enum report_format fmt)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_register *r = NULL;
	int rc = kesu_register_build(st->ledger, q, &r, err, sizeof(err));
	if (rc < 0) {
		cli_error("report: %s", err);
		return rc == -KESU_EPARSE ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	int code = write_register(st, c, r, fmt);
	if (code == KESU_EXIT_OK)
		/* Two counts, one sentence: the plural follows the rows; the
		 * anomalies, usually 0, read "0 anomalies" in either form. */
		printf(r->n_anomalies == 1
			       ? ngettext("%s: %s to %s, %zu row, %zu anomaly\n",
					  "%s: %s to %s, %zu rows, %zu anomaly\n", (unsigned long)r->n_rows)
			       : ngettext("%s: %s to %s, %zu row, %zu anomalies\n",
					  "%s: %s to %s, %zu rows, %zu anomalies\n", (unsigned long)r->n_rows),
		       c->output, r->since, r->until, r->n_rows, r->n_anomalies);
	kesu_register_free(r);
	return code;
}

static int open_station(struct cli_station *st, const struct report_ctl *c)
{
	int code = cli_station_load_config(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(st, c->ledger, c->cert_dir, c->key);
	if (code == KESU_EXIT_OK && c->db) /* every station's records */
		return cli_station_open_central(st, c->db);
	if (code == KESU_EXIT_OK && access(st->ledger_path, F_OK) != 0) {
		cli_error("ledger %s: no such file (nothing was recorded yet?)", st->ledger_path);
		code = KESU_EXIT_USAGE;
	}
	return code == KESU_EXIT_OK ? cli_station_open_ledger_readonly(st) : code;
}

int cmd_report(int argc, char **argv)
{
	struct report_ctl c = {0};
	int parsed = parse_report(argc, argv, &c);
	if (parsed != 0)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	char since[11], until[11];
	enum report_format fmt;
	if (check_report(&c, since, until, &fmt) < 0)
		return KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	struct kesu_policy *policy = calloc(1, sizeof(*policy));
	struct approvals ap = {0};
	struct kesu_public_key pk;
	bool have_pk = false;
	int code = st && policy ? open_station(st, &c) : KESU_EXIT_FAILURE;
	if (code == KESU_EXIT_OK)
		code = cli_policy_load(st, c.policy, policy);
	if (code == KESU_EXIT_OK && !c.db) /* the store's chains: kesu ledger verify --db */
		code = load_pubkey(st, &c, &pk, &have_pk);
	if (code == KESU_EXIT_OK)
		code = load_approvals(st, &c, &ap);
	if (code == KESU_EXIT_OK) {
		struct kesu_register_query q = {
			.since = since, .until = until, .department = c.department,
			.classification = c.cls, .purpose = c.purpose, .station = c.station,
			.policy = policy, .approvals = (const struct kesu_approval *const *)ap.a,
			.n_approvals = ap.n, .cert_dir = c.db && !c.cert_dir ? NULL : st->cert_dir,
			.pk = have_pk ? &pk : NULL,
			.now = time(NULL)};
		code = build_and_write(st, &c, &q, fmt);
	}
	approvals_free(&ap);
	free(policy);
	if (st)
		cli_station_close(st);
	free(st);
	return code;
}

/* kesu ledger verify|list|show|export: review what was erased, by whom,
 * how, and check that nobody changed the record. */
#include <getopt.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/csv.h"
#include "kesu/fileio.h"
#include "kesu/paths.h"
#include "ledger_view.h"

struct ledger_ctl {
	const char *ledger, *pubkey, *cert_dir;
	struct kesu_ledger_filter filter;
	bool json, csv, bom;
	const char *output;      /* export: -o, --output FILE */
	const char *columns;     /* list: -o, --columns COLS */
	const char *o_arg, *output_long;
	const struct cli_ledger_column *cols[CLI_LEDGER_MAX_COLS]; /* list's table */
	size_t ncols;
	char **args;
	int nargs;
};

static void ledger_usage(FILE *out)
{
	fputs(_("Usage: kesu ledger verify [--ledger PATH] [--pubkey KEY]\n"
	      "       kesu ledger list [FILTERS] [--open] [--cert-dir DIR] [-o COLS | --json | --csv [--bom]]\n"
	      "       kesu ledger show [--json] SEQ | CERTIFICATE-ID | JOB-ID\n"
	      "       kesu ledger export [FILTERS] (--csv [--bom] | --json) [-o FILE]\n"
	      "       kesu ledger abandon [--reason TEXT] JOB-ID   (kesu ledger abandon --help)\n\n"
	      "verify re-checks every record's hash, its link to the record before it and\n"
	      "its signature, and names the first bad record (exit 4).\n"
	      "show takes the number list prints, a certificate id, or a job id or a unique\n"
	      "prefix of one (at least 6 hex digits); a record that does not match its hash\n"
	      "exits 4. verify, list, show and export only read the ledger: it may be on\n"
	      "read-only media or belong to another user.\n\n"
	      "Filters (a value not listed here is an error, exit 2):\n"
	      "  --since DATE, --until DATE  YYYY-MM-DD (inclusive) or YYYY-MM-DDTHH:MM:SSZ\n"
	      "  --operator NAME, --serial S\n"
	      "  --outcome SUCCESS|ERASED_WITH_EXCEPTIONS|UNVERIFIED|FAILED|INTERRUPTED|ABANDONED\n"
	      "  --class I|II|III, --purpose disposal|lease-return|repair|reuse\n"
	      "  --open       also list unfinished (running or interrupted) jobs\n"
	      "  --cert-dir D where list looks for each record's certificate or failure\n"
	      "               report (default: the station's); a missing one is marked *\n"
	      "  -o, --columns COLS  list: the table's columns, comma-separated; +COL,...\n"
	      "               adds to the default set (export: -o, --output FILE)\n"
	      "  --csv        UTF-8 CSV; --bom starts it with a byte-order mark for Excel;\n"
	      "               a cell starting with = + - @ tab or CR gets a leading '\n"
	      "  --ledger P   the ledger (default $KESU_LEDGER or ~/.local/share/kesu/ledger.sqlite)\n"
	      "  --pubkey K   the station's public key (default: the station key's .pub)\n\n"
	      "list and show print times in local time with the UTC offset recorded, and\n"
	      "Japanese headers, labels and words when LC_ALL, LC_MESSAGES or LANG is ja_*.\n"),
	      out);
	cli_ledger_columns_help(out);
	fputs(_("\nThe central store: kesu ledger verify --db URL [--json] checks every station's\n"
		"records there (kesu ledger verify --db URL --help).\n"), out);
	fputs(_("  kesu ledger push [--db URL] [--json]    sends this station's records there\n"
		"  kesu ledger status [--db URL] [--json]  what waits to be sent (kesu ledger push --help)\n"),
	      out);
}

static int parse_ledger(int argc, char **argv, struct ledger_ctl *ctl)
{
	enum { O_LEDGER = 256, O_PUBKEY, O_SINCE, O_UNTIL, O_OPERATOR, O_OUTCOME, O_SERIAL, O_CLASS,
	       O_PURPOSE, O_OPEN, O_JSON, O_CSV, O_BOM, O_CERT_DIR, O_COLUMNS, O_OUTPUT };
	static const struct option opts[] = {
		{"ledger", required_argument, NULL, O_LEDGER}, {"pubkey", required_argument, NULL, O_PUBKEY},
		{"since", required_argument, NULL, O_SINCE}, {"until", required_argument, NULL, O_UNTIL},
		{"operator", required_argument, NULL, O_OPERATOR}, {"outcome", required_argument, NULL, O_OUTCOME},
		{"serial", required_argument, NULL, O_SERIAL}, {"class", required_argument, NULL, O_CLASS},
		{"purpose", required_argument, NULL, O_PURPOSE}, {"open", no_argument, NULL, O_OPEN},
		{"json", no_argument, NULL, O_JSON}, {"csv", no_argument, NULL, O_CSV},
		{"bom", no_argument, NULL, O_BOM}, {"output", required_argument, NULL, O_OUTPUT},
		{"columns", required_argument, NULL, O_COLUMNS},
		{"cert-dir", required_argument, NULL, O_CERT_DIR},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	int c;
	while ((c = cli_getopt(argc, argv, "o:hJ", opts, NULL)) != -1) {
		switch (c) {
		case O_LEDGER: ctl->ledger = optarg; break;
		case O_PUBKEY: ctl->pubkey = optarg; break;
		case O_SINCE: ctl->filter.since_utc = optarg; break;
		case O_UNTIL: ctl->filter.until_utc = optarg; break;
		case O_OPERATOR: ctl->filter.operator_name = optarg; break;
		case O_OUTCOME: ctl->filter.outcome = optarg; break;
		case O_SERIAL: ctl->filter.serial = optarg; break;
		case O_CLASS: ctl->filter.classification = optarg; break;
		case O_PURPOSE: ctl->filter.purpose = optarg; break;
		case O_OPEN: ctl->filter.include_open = true; break;
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: ctl->json = true; break;
		case O_CSV: ctl->csv = true; break;
		case O_BOM: ctl->bom = true; break;
		case O_CERT_DIR: ctl->cert_dir = optarg; break;
		case 'o': ctl->o_arg = optarg; break;
		case O_OUTPUT: ctl->output_long = optarg; break;
		case O_COLUMNS: ctl->columns = optarg; break;
		case 'h': ledger_usage(stdout); return 1;
		default: cli_bad_option("ledger"); return -1;
		}
	}
	ctl->args = argv + optind;
	ctl->nargs = argc - optind;
	/* A typo must not print an empty table: an auditor would read it as
	 * "nothing was erased". */
	char err[KESU_ERRMSG_MAX];
	if (kesu_ledger_filter_check(&ctl->filter, err, sizeof(err)) < 0) {
		cli_error("ledger: %s", err);
		return -1;
	}
	return 0;
}

/* -o is the columns for list (as for kesu list and lsblk) and the file
 * for export, as it always was; a flag given to the wrong verb is an
 * error, never silently ignored. */
static int settle_o(const char *verb, struct ledger_ctl *ctl)
{
	if (!strcmp(verb, "export")) {
		ctl->output = ctl->o_arg ? ctl->o_arg : ctl->output_long;
		if (ctl->columns)
			cli_error("ledger export: --columns is for ledger list (export writes every field)");
		return ctl->columns ? -1 : 0;
	}
	if (ctl->output_long) {
		cli_error("ledger %s: --output FILE is for export: kesu ledger export --csv -o FILE", verb);
		return -1;
	}
	if (strcmp(verb, "list") != 0) {
		if (ctl->o_arg || ctl->columns)
			cli_error("ledger %s: -o is for list (columns) and export (a file)", verb);
		return ctl->o_arg || ctl->columns ? -1 : 0;
	}
	const char *spec = ctl->columns ? ctl->columns : ctl->o_arg;
	if (spec && (ctl->json || ctl->csv)) {
		cli_error("ledger list: -o chooses the table's columns; --json and --csv hold every field "
			  "(to a file: kesu ledger export -o FILE)");
		return -1;
	}
	ctl->ncols = cli_ledger_columns(spec, ctl->cols);
	return ctl->ncols ? 0 : -1;
}

static int open_ledger(const struct ledger_ctl *ctl, struct cli_station *st)
{
	int code = cli_station_load_config(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(st, ctl->ledger, ctl->cert_dir, NULL);
	if (code != KESU_EXIT_OK)
		return code;
	if (access(st->ledger_path, F_OK) != 0) {
		cli_error("ledger %s: no such file (nothing was recorded yet?)", st->ledger_path);
		return KESU_EXIT_USAGE;
	}
	return cli_station_open_ledger_readonly(st);
}

/* ledger verify --json: the same verdict as one document (docs/formats.md). */
static int verify_json(const struct cli_station *st, const struct kesu_ledger_report *r,
		       const char *fpr, bool intact)
{
	struct json_object *doc = json_object_new_object(), *bad = NULL;
	if (!intact) {
		bad = json_object_new_object();
		json_object_object_add(bad, "seq", json_object_new_int64((int64_t)r->first_bad_seq));
		json_object_object_add(bad, "job_id", json_object_new_string(r->first_bad_job));
		json_object_object_add(bad, "problem", json_object_new_string(r->problem));
	}
	json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
	json_object_object_add(doc, "ledger", json_object_new_string(st->ledger_path));
	json_object_object_add(doc, "key_fingerprint", json_object_new_string(fpr));
	json_object_object_add(doc, "passed", json_object_new_boolean(intact));
	json_object_object_add(doc, "records", json_object_new_int64((int64_t)r->records));
	json_object_object_add(doc, "open_jobs", json_object_new_int64((int64_t)r->open_jobs));
	json_object_object_add(doc, "head_hash", intact && r->head_hash[0]
					? json_object_new_string(r->head_hash) : NULL);
	json_object_object_add(doc, "first_bad", bad);
	cli_print_json(doc);
	json_object_put(doc);
	return intact ? KESU_EXIT_OK : KESU_EXIT_VERIFY;
}

static int ledger_verify(const struct ledger_ctl *ctl, struct cli_station *st)
{
	char pub[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	if (ctl->pubkey)
		snprintf(pub, sizeof(pub), "%s", ctl->pubkey);
	else
		kesu_key_public_path(st->key_path, pub, sizeof(pub));
	struct kesu_public_key pk;
	if (kesu_key_load_public(pub, &pk, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_USAGE;
	}
	struct kesu_ledger_report r;
	int rc = kesu_ledger_verify(st->ledger, &pk, &r, err, sizeof(err));
	char fpr[KESU_FINGERPRINT_SIZE];
	kesu_key_fingerprint(&pk, fpr, sizeof(fpr));
	if (ctl->json && (rc == 0 || rc == -KESU_EVERIFY))
		return verify_json(st, &r, fpr, rc == 0);
	if (rc == -KESU_EVERIFY) {
		char job[4 * KESU_JOB_ID_LEN + 1]; /* a tampered job id may hold anything */
		printf(_("ledger %s: FAILED at record %llu (job %s): %s\n"), st->ledger_path,
		       (unsigned long long)r.first_bad_seq, cli_escape(r.first_bad_job, job, sizeof(job)), r.problem);
		printf(_("  records 1 to %llu are intact\n"), (unsigned long long)r.records);
		return KESU_EXIT_VERIFY;
	}
	if (rc < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	printf(ngettext("ledger %s: OK: %llu record, chain and signatures intact (key %s)\n",
			"ledger %s: OK: %llu records, chain and signatures intact (key %s)\n",
			(unsigned long)r.records), st->ledger_path, (unsigned long long)r.records, fpr);
	printf(_("  head %s (keep it: a later ledger must still contain this record)\n"), r.head_hash);
	if (r.open_jobs)
		printf(ngettext("  %llu unfinished job: kesu ledger list --open\n",
				"  %llu unfinished jobs: kesu ledger list --open\n", (unsigned long)r.open_jobs),
		       (unsigned long long)r.open_jobs);
	return KESU_EXIT_OK;
}

/* A field of a record by path ("media.serial"), as text ("" for null). */
static const char *field(struct json_object *rec, const char *path)
{
	char part[64];
	struct json_object *o = rec;
	while (o && *path) {
		size_t n = strcspn(path, ".");
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		if (!json_object_object_get_ex(o, part, &o))
			return "";
		path += n + (path[n] == '.');
	}
	return o && !json_object_is_type(o, json_type_null) ? json_object_get_string(o) : "";
}

static const char *const csv_columns[] = {
	"seq", "job_id", "started_utc", "ended_utc", "ended_local", "operator.name",
	"organisation.name", "organisation.department", "approver", "classification", "purpose",
	"media.asset_number", "media.vendor", "media.model", "media.serial", "media.wwn",
	"media.size_bytes", "media.media_type", "media.transport", "sanitization.method.id",
	"sanitization.method.version", "sanitization.nist_level", "verification.mode",
	"verification.percent", "verification.passed", "outcome", "reason", "certificate_id",
	"record_hash", NULL,
};

#define CELL_MAX 2048 /* an escaped cell; longer text is cut between characters */

struct list_state {
	const struct ledger_ctl *ctl;
	const char *cert_dir;
	FILE *out;
	struct json_object *array;
	size_t rows;
	size_t missing;   /* records whose document is not in cert_dir */
	struct cli_table *table;
	char *cells;      /* ncols * CELL_MAX */
	bool ja;
};

/* One row of the table: each column's text escaped for the terminal; a
 * missing certificate marks the last cell with *. */
static int table_row(struct list_state *ls, const struct kesu_ledger_row *row,
		     struct json_object *rec, int missing)
{
	struct cli_ledger_cell cell = {.row = row, .rec = row->record ? rec : NULL,
				       .event = row->record && !cli_rec_is_job(rec), .ja = ls->ja};
	const char *cells[CLI_LEDGER_MAX_COLS];
	size_t ncols = ls->ctl->ncols;
	for (size_t i = 0; i < ncols; i++) {
		char raw[600];
		char *c = ls->cells + i * CELL_MAX;
		cli_escape(ls->ctl->cols[i]->value(&cell, raw, sizeof(raw)), c, CELL_MAX - 2);
		if (i == ncols - 1 && missing == 1)
			strcat(c, *c ? " *" : "*");
		cells[i] = c;
	}
	return cli_table_row(ls->table, cells);
}

/* -1 when a record gets no document (a check by kesu verify, an
 * unfinished or abandoned job), else whether its certificate or failure
 * report is missing from the certificate directory. */
static int document_missing(const char *cert_dir, struct json_object *rec)
{
	char path[KESU_PATH_MAX];
	const char *outcome = field(rec, "outcome");
	if (!cli_record_gets_document(field(rec, "kind"), outcome) || !*field(rec, "certificate_id"))
		return -1;
	cli_document_path(cert_dir, field(rec, "certificate_id"), path, sizeof(path));
	return access(path, F_OK) != 0;
}

static int list_row(const struct kesu_ledger_row *row, void *arg)
{
	struct list_state *ls = arg;
	struct json_object *rec = row->record ? json_tokener_parse(row->record) : json_object_new_object();
	char seq[24];
	snprintf(seq, sizeof(seq), "%llu", (unsigned long long)row->seq);
	ls->rows++;
	int missing = row->record ? document_missing(ls->cert_dir, rec) : -1;
	ls->missing += missing == 1;
	if (ls->ctl->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "seq", row->seq ? json_object_new_int64((int64_t)row->seq) : NULL);
		json_object_object_add(o, "job_id", json_object_new_string(row->job_id));
		json_object_object_add(o, "state", json_object_new_string(row->state));
		json_object_object_add(o, "record_hash", row->hash ? json_object_new_string(row->hash) : NULL);
		json_object_object_add(o, "record", row->record ? json_object_get(rec) : NULL);
		json_object_object_add(o, "document_missing",
				       missing < 0 ? NULL : json_object_new_boolean(missing == 1));
		if (!row->record) {
			json_object_object_add(o, "started_utc", json_object_new_string(row->started_utc));
			json_object_object_add(o, "device", json_object_new_string(row->device_key));
			json_object_object_add(o, "checkpoint_pass", json_object_new_int((int)row->checkpoint_pass));
			json_object_object_add(o, "checkpoint_offset", json_object_new_int64((int64_t)row->checkpoint_offset));
		}
		json_object_array_add(ls->array, o);
	} else if (ls->ctl->csv) {
		for (int i = 0; csv_columns[i]; i++) {
			const char *c = csv_columns[i];
			const char *v = !strcmp(c, "seq") ? (row->seq ? seq : "")
					: !strcmp(c, "job_id") ? row->job_id
					: !strcmp(c, "record_hash") ? (row->hash ? row->hash : "")
					: !strcmp(c, "outcome") && !row->record ? row->state
					: !strcmp(c, "started_utc") && !row->record ? row->started_utc
					: field(rec, c);
			if (i)
				fputc(',', ls->out);
			kesu_csv_cell(ls->out, v);
		}
		fputs("\r\n", ls->out);
	} else if (table_row(ls, row, rec, missing) < 0) {
		json_object_put(rec);
		return -ENOMEM;
	}
	json_object_put(rec);
	return 0;
}

/* The table's headers in the reader's language (libsmartcols: it aligns
 * by display width and never cuts a cell). */
static int table_begin(struct list_state *ls)
{
	const char *headers[CLI_LEDGER_MAX_COLS];
	ls->ja = cli_reader_japanese();
	for (size_t i = 0; i < ls->ctl->ncols; i++)
		headers[i] = ls->ja ? ls->ctl->cols[i]->ja : ls->ctl->cols[i]->en;
	ls->table = cli_table_new(headers, ls->ctl->ncols);
	ls->cells = malloc(ls->ctl->ncols * CELL_MAX);
	return ls->table && ls->cells ? 0 : -ENOMEM;
}

/* Prints the table (nothing when the query failed) and the legend of *. */
static void table_end(struct list_state *ls, bool ok)
{
	if (ok)
		cli_table_print_free(ls->table);
	else
		cli_table_free(ls->table);
	free(ls->cells);
	char dir[600];
	cli_escape(ls->cert_dir, dir, sizeof(dir));
	if (ok && ls->missing && ls->ja)
		printf("* %s に証明書または報告書がありません: kesu cert issue 記録番号 で発行できます\n", dir);
	else if (ok && ls->missing)
		printf("* no certificate or failure report in %s: issue it with kesu cert issue SEQ\n", dir);
}

static int ledger_list(const struct ledger_ctl *ctl, struct cli_station *st)
{
	/* -o: built in memory, then written whole through the one atomic
	 * writer, so a failed export never leaves half a file. */
	FILE *out = stdout;
	char *mem = NULL;
	size_t mem_len = 0;
	if (ctl->output && !(out = open_memstream(&mem, &mem_len))) {
		cli_error("%s: %s", ctl->output, strerror(errno));
		return KESU_EXIT_FAILURE;
	}
	struct list_state ls = {.ctl = ctl, .cert_dir = st->cert_dir, .out = out,
				.array = json_object_new_array()};
	if (ctl->csv) {
		if (ctl->bom)
			fputs("\xef\xbb\xbf", out);
		for (int i = 0; csv_columns[i]; i++)
			fprintf(out, "%s%s", i ? "," : "", csv_columns[i]);
		fputs("\r\n", out);
	} else if (!ctl->json && table_begin(&ls) < 0) {
		cli_error("out of memory");
		json_object_put(ls.array);
		return KESU_EXIT_FAILURE;
	}
	char err[KESU_ERRMSG_MAX] = "out of memory";
	int rc = kesu_ledger_query(st->ledger, &ctl->filter, list_row, &ls, err, sizeof(err));
	if (rc < 0)
		cli_error("%s", err);
	if (ls.table)
		table_end(&ls, rc == 0);
	if (ctl->json && rc == 0) {
		struct json_object *doc = json_object_new_object();
		json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
		json_object_object_add(doc, "ledger", json_object_new_string(st->ledger_path));
		json_object_object_add(doc, "records", json_object_get(ls.array));
		cli_fprint_json(out, doc);
		json_object_put(doc);
	}
	json_object_put(ls.array);
	if (out != stdout) {
		bool closed = fclose(out) == 0;
		if (rc == 0 && !closed) {
			cli_error("%s: %s", ctl->output, strerror(errno));
			rc = -EIO;
		} else if (rc == 0 &&
			   kesu_file_write_atomic(ctl->output, mem, mem_len, 0600, 0, err, sizeof(err)) < 0) {
			cli_error("%s", err);
			rc = -EIO;
		}
		free(mem);
	}
	return rc < 0 ? KESU_EXIT_FAILURE : KESU_EXIT_OK;
}

static int ledger_show(const struct ledger_ctl *ctl, struct cli_station *st)
{
	if (ctl->nargs != 1) {
		cli_error("ledger show: name one job or certificate id");
		return KESU_EXIT_USAGE;
	}
	char *record, hash[65], err[KESU_ERRMSG_MAX], safe[4 * KESU_ERRMSG_MAX], job_id[KESU_JOB_ID_LEN + 1];
	uint64_t seq;
	int rc = kesu_ledger_resolve(st->ledger, ctl->args[0], job_id, err, sizeof(err));
	if (rc <= 0) {
		cli_error("%s", cli_escape(err, safe, sizeof(safe))); /* names ids from the file */
		return rc == 0 || rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	/* The record is shown only as it was chained: an edited one is named. */
	rc = kesu_ledger_lookup(st->ledger, job_id, &record, &seq, hash, err, sizeof(err));
	if (rc <= 0) {
		cli_error("%s", rc == 0 ? _("the record vanished while it was read")
					: cli_escape(err, safe, sizeof(safe)));
		return rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : KESU_EXIT_FAILURE;
	}
	struct json_object *rec = json_tokener_parse(record);
	if (ctl->json) {
		struct json_object *doc = json_object_new_object();
		json_object_object_add(doc, "seq", json_object_new_int64((int64_t)seq));
		json_object_object_add(doc, "record_hash", json_object_new_string(hash));
		json_object_object_add(doc, "record", json_object_get(rec));
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		cli_ledger_show_record(rec, seq, hash, st->cert_dir);
	}
	json_object_put(rec);
	free(record);
	return KESU_EXIT_OK;
}

int cmd_ledger(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		ledger_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? KESU_EXIT_USAGE : KESU_EXIT_OK;
	}
	const char *verb = argv[1];
	if (!strcmp(verb, "abandon"))
		return cmd_ledger_abandon(argc - 1, argv + 1);
	if (!strcmp(verb, "push") || !strcmp(verb, "status")) /* cmd_ledger_push.c */
		return (!strcmp(verb, "push") ? cmd_ledger_push : cmd_ledger_status)(argc - 1, argv + 1);
	/* --db: the central store's verify (cmd_ledger_verify_central.c). */
	for (int i = 2; !strcmp(verb, "verify") && i < argc; i++)
		if (!strcmp(argv[i], "--db") || !strncmp(argv[i], "--db=", 5))
			return cmd_ledger_verify_central(argc - 1, argv + 1);
	struct ledger_ctl ctl = {0};
	int parsed = parse_ledger(argc - 1, argv + 1, &ctl);
	if (parsed != 0)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	bool known = !strcmp(verb, "verify") || !strcmp(verb, "list") || !strcmp(verb, "show") ||
		     !strcmp(verb, "export");
	if (!known) {
		cli_error("ledger: unknown command \"%s\" (verify, list, show, export)", verb);
		return KESU_EXIT_USAGE;
	}
	if (!strcmp(verb, "export") && !ctl.csv && !ctl.json) {
		cli_error("ledger export: choose --csv or --json");
		return KESU_EXIT_USAGE;
	}
	if (settle_o(verb, &ctl) < 0)
		return KESU_EXIT_USAGE;
	if (ctl.nargs && strcmp(verb, "show") != 0) {
		cli_error("ledger %s: unexpected argument \"%s\"", verb, ctl.args[0]);
		return KESU_EXIT_USAGE;
	}
	struct cli_station *st = calloc(1, sizeof(*st));
	int code = open_ledger(&ctl, st);
	if (code == KESU_EXIT_OK && !strcmp(verb, "verify"))
		code = ledger_verify(&ctl, st); /* open_ledger settled the paths */
	else if (code == KESU_EXIT_OK && !strcmp(verb, "show"))
		code = ledger_show(&ctl, st);
	else if (code == KESU_EXIT_OK)
		code = ledger_list(&ctl, st);
	cli_station_close(st);
	free(st);
	return code;
}

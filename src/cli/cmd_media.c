/* kesu media list | show | dispose: each medium's life from the ledger
 * (approval, erasures, certificates, received certificates, destruction,
 * hand-over) and its state; dispose is in cmd_media_dispose.c. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/media.h"
#include "kesu/paths.h"

struct media_ctl {
	const char *ledger, *trust, *serial, *asset, *since, *until, *approval, *db;
	bool has_state, json, csv;
	enum kesu_media_state state;
	const char *which; /* show: SERIAL|ASSET */
	char approval_number[KESU_APPROVAL_NUMBER_SIZE + 8];
};

static void media_usage(FILE *out)
{
	fputs(_("Usage: kesu media list [--state STATE] [--serial S] [--asset A] [--since D] [--until D]\n"
	      "                       [--approval FILE|NUMBER] [--trust PATH] [--json | --csv]\n"
	      "       kesu media show SERIAL|ASSET [--json]\n"
	      "       kesu media dispose SERIAL|ASSET --destination DEST --to ORG [OPTIONS]\n\n"
	      "Each medium's life from the signed ledger: its approval, erasure attempts\n"
	      "(outcome, certificate), PDF signatures and countersignatures, batch\n"
	      "certificates, contractors' certificates received, destruction and hand-over\n"
	      "(引渡し). A medium is its serial and size, its serial alone when a record\n"
	      "has no size, or its asset number.\n\n"
	      "States: pending (approved, nothing done), erased (last erasure SUCCESS or a\n"
	      "contractor's certificate), exceptions (last erasure ERASED_WITH_EXCEPTIONS),\n"
	      "failed (last erasure FAILED, INTERRUPTED, ABANDONED or UNVERIFIED), destroyed,\n"
	      "handed-over.\n\n"
	      "list:\n"
	      "  --state STATE        only media in that state\n"
	      "  --serial S, --asset A   only that medium\n"
	      "  --since D, --until D only media with an event on those days (YYYY-MM-DD)\n"
	      "  --approval FILE|NUMBER  only the media of that approval; a file (or a number\n"
	      "                       found in ~/.config/kesu/approvals) also lists its media\n"
	      "                       never touched, as pending; it must be signed by a\n"
	      "                       trusted approver (--trust PATH)\n"
	      "  -J, --json, --csv    machine-readable (CSV: RFC 4180, CRLF, cells starting\n"
	      "                       with = + - @ are prefixed with ')\n"
	      "show: every event with its ledger record number, date, document id and hash.\n"
	      "dispose: kesu media dispose --help.\n"
	      "  --ledger PATH        the ledger (default: the station's)\n\n"
	      "Exit status: 0 done, 2 bad arguments or an unknown medium (show), 4 the\n"
	      "approval is not signed by a trusted approver, 1 the ledger cannot be read.\n"),
	      out);
	fputs(_("\nlist and show with --db URL read the central store: the media of every\n"
		"station (docs/central-review.md).\n"), out);
}

static int parse_media(int argc, char **argv, struct media_ctl *c)
{
	enum { O_LEDGER = 256, O_TRUST, O_STATE, O_SERIAL, O_ASSET, O_SINCE, O_UNTIL, O_APPROVAL,
	       O_JSON, O_CSV, O_DB };
	static const struct option opts[] = {
		{"ledger", required_argument, NULL, O_LEDGER}, {"trust", required_argument, NULL, O_TRUST},
		{"state", required_argument, NULL, O_STATE},   {"serial", required_argument, NULL, O_SERIAL},
		{"asset", required_argument, NULL, O_ASSET},   {"since", required_argument, NULL, O_SINCE},
		{"until", required_argument, NULL, O_UNTIL},   {"approval", required_argument, NULL, O_APPROVAL},
		{"json", no_argument, NULL, O_JSON},           {"csv", no_argument, NULL, O_CSV},
		{"db", required_argument, NULL, O_DB},
		{"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0},
	};
	char err[KESU_ERRMSG_MAX];
	int ch;
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "hJ", opts, NULL)) != -1) {
		switch (ch) {
		case O_LEDGER: c->ledger = optarg; break;
		case O_TRUST: c->trust = optarg; break;
		case O_STATE:
			if (kesu_media_state_parse(optarg, &c->state, err, sizeof(err)) < 0)
				return cli_error("--state: %s", err), -1;
			c->has_state = true;
			break;
		case O_SERIAL: c->serial = optarg; break;
		case O_ASSET: c->asset = optarg; break;
		case O_SINCE: c->since = optarg; break;
		case O_UNTIL: c->until = optarg; break;
		case O_APPROVAL: c->approval = optarg; break;
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: c->json = true; break;
		case O_CSV: c->csv = true; break;
		case O_DB: c->db = optarg; break;
		case 'h': media_usage(stdout); return 1;
		default: cli_bad_option("media"); return -1;
		}
	}
	struct kesu_ledger_filter f = {.since_utc = c->since, .until_utc = c->until};
	if (kesu_ledger_filter_check(&f, err, sizeof(err)) < 0)
		return cli_error("media: %s", err), -1;
	if (c->json && c->csv)
		return cli_error("media: choose --json or --csv, not both"), -1;
	return 0;
}

/* ---- reading the ledger ---- */

/* An approval's media join the set as pending (a file, or a number found
 * among the station's approval files); a number alone only filters. */
static int add_approval(struct media_ctl *c, struct cli_station *st, struct kesu_media_set *s)
{
	char path[KESU_PATH_MAX], tpath[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	snprintf(c->approval_number, sizeof(c->approval_number), "%s", c->approval);
	if (access(c->approval, F_OK) != 0 && cli_approval_find(c->approval, path, sizeof(path)) < 0) {
		if (strncmp(c->approval, "A-", 2) == 0)
			return KESU_EXIT_OK; /* a number whose file is elsewhere: the records citing it */
		cli_error("--approval %s: no such file, and not an approval number (A-YYYYMMDD-XXXXXXXX)",
			  c->approval);
		return KESU_EXIT_USAGE;
	}
	if (access(c->approval, F_OK) == 0)
		snprintf(path, sizeof(path), "%s", c->approval);
	struct kesu_trust *trust = NULL;
	struct kesu_approval *a = NULL;
	int code = cli_trust_open(&st->cfg, c->trust, tpath, sizeof(tpath), &trust);
	if (code == KESU_EXIT_OK) {
		int rc = kesu_approval_load(path, trust, &a, err, sizeof(err));
		if (rc < 0)
			cli_error("%s", err), code = rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : KESU_EXIT_USAGE;
	}
	if (code == KESU_EXIT_OK && kesu_media_add_approval(s, a) < 0)
		cli_error("out of memory"), code = KESU_EXIT_FAILURE;
	if (code == KESU_EXIT_OK) /* filter by the number the file holds */
		snprintf(c->approval_number, sizeof(c->approval_number), "%s", a->number);
	kesu_approval_free(a);
	kesu_trust_free(trust);
	return code;
}

static int open_media(struct media_ctl *c, struct cli_station *st, struct kesu_media_set **s)
{
	char err[KESU_ERRMSG_MAX];
	int code = cli_station_load_config(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(st, c->ledger, NULL, NULL);
	if (code != KESU_EXIT_OK)
		return code;
	if (c->db) { /* every station's media */
		if ((code = cli_station_open_central(st, c->db)) != KESU_EXIT_OK)
			return code;
	} else if (access(st->ledger_path, F_OK) != 0) {
		cli_error("ledger %s: no such file (nothing was recorded yet?)", st->ledger_path);
		return KESU_EXIT_USAGE;
	} else if ((code = cli_station_open_ledger_readonly(st)) != KESU_EXIT_OK) {
		return code;
	}
	int rc = kesu_media_load(st->ledger, s, err, sizeof(err));
	if (rc < 0)
		return cli_error("%s", err), cli_exit_for(rc);
	if (c->approval && (code = add_approval(c, st, *s)) == KESU_EXIT_OK)
		kesu_media_finish(*s);
	return code;
}

/* ---- filters ---- */

static bool in_dates(const struct media_ctl *c, const struct kesu_medium *m)
{
	if (!c->since && !c->until)
		return true;
	for (size_t i = 0; i < m->n_events; i++) {
		const char *w = m->events[i].when_utc;
		size_t n = c->since && strlen(c->since) == 10 ? 10 : strlen(w);
		size_t u = c->until && strlen(c->until) == 10 ? 10 : strlen(w);
		if (w[0] && (!c->since || strncmp(w, c->since, n) >= 0) &&
		    (!c->until || strncmp(w, c->until, u) <= 0))
			return true;
	}
	return false;
}

static bool wanted(const struct media_ctl *c, const struct kesu_medium *m)
{
	return (!c->has_state || m->state == c->state) &&
	       (!c->serial || !strcmp(m->serial, c->serial)) &&
	       (!c->asset || !strcmp(m->asset, c->asset)) &&
	       (!c->approval || kesu_media_has_approval(m, c->approval_number)) && in_dates(c, m);
}

/* ---- output ---- */

static struct json_object *str_or_null(const char *s)
{
	return s && s[0] ? json_object_new_string(s) : NULL;
}

static struct json_object *event_json(const struct kesu_media_event *e)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "seq", e->seq ? json_object_new_int64((int64_t)e->seq) : NULL);
	json_object_object_add(o, "event", json_object_new_string(kesu_media_event_type_name(e->type)));
	json_object_object_add(o, "kind", json_object_new_string(e->kind));
	json_object_object_add(o, "when_utc", str_or_null(e->when_utc));
	json_object_object_add(o, "job_id", str_or_null(e->job_id));
	json_object_object_add(o, "document_id", str_or_null(e->document_id));
	json_object_object_add(o, "outcome", str_or_null(e->outcome));
	json_object_object_add(o, "detail", str_or_null(e->detail));
	json_object_object_add(o, "hash", str_or_null(e->hash));
	return o;
}

static struct json_object *medium_json(const struct kesu_medium *m, bool events)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "serial", str_or_null(m->serial));
	json_object_object_add(o, "size_bytes", m->size ? json_object_new_int64((int64_t)m->size) : NULL);
	json_object_object_add(o, "asset_number", str_or_null(m->asset));
	json_object_object_add(o, "model", str_or_null(m->model));
	json_object_object_add(o, "state", json_object_new_string(kesu_media_state_name(m->state)));
	json_object_object_add(o, "state_ja", json_object_new_string(kesu_media_state_ja(m->state)));
	json_object_object_add(o, "state_event", m->state_event ? event_json(m->state_event) : NULL);
	json_object_object_add(o, "event_count", json_object_new_int64((int64_t)m->n_events));
	if (events) {
		struct json_object *a = json_object_new_array();
		for (size_t i = 0; i < m->n_events; i++)
			json_object_array_add(a, event_json(&m->events[i]));
		json_object_object_add(o, "events", a);
	}
	return o;
}

/* A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) is
 * prefixed with ': a serial or a name must never become a live formula. */
static void csv_cell(const char *s, bool last)
{
	bool neutralise = *s && strchr("=+-@\t\r", *s);
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	fputs(quote ? "\"" : "", stdout);
	fputs(neutralise ? "'" : "", stdout);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', stdout);
		fputc(*s, stdout);
	}
	fputs(quote ? "\"" : "", stdout);
	fputs(last ? "\r\n" : ",", stdout);
}

static const char *const list_columns[] = {"serial", "size_bytes", "asset_number", "model",
					   "state", "state_ja", "state_seq", "state_kind",
					   "state_when_utc", "state_document_id", "state_record_hash",
					   "events"};
#define NCOLS (sizeof(list_columns) / sizeof(list_columns[0]))

/* The cells of one medium, as the table and the CSV show them. */
static void list_cells(const struct kesu_medium *m, char bufs[4][32], const char *cells[NCOLS])
{
	const struct kesu_media_event *e = m->state_event;
	snprintf(bufs[0], 32, "%llu", (unsigned long long)m->size);
	snprintf(bufs[1], 32, "%llu", e ? (unsigned long long)e->seq : 0ULL);
	snprintf(bufs[2], 32, "%zu", m->n_events);
	const char *v[NCOLS] = {m->serial, m->size ? bufs[0] : "", m->asset, m->model,
				kesu_media_state_name(m->state), kesu_media_state_ja(m->state),
				e && e->seq ? bufs[1] : "", e ? e->kind : "", e ? e->when_utc : "",
				e ? e->document_id : "", e ? e->hash : "", bufs[2]};
	memcpy(cells, v, sizeof(v));
}

static int print_list(const struct media_ctl *c, const struct kesu_media_set *s)
{
	static const char *const heads[] = {"SERIAL", "SIZE", "ASSET", "MODEL", "STATE", "状態",
					    "RECORD", "KIND", "WHEN", "DOCUMENT", "STATION"};
	/* With --db, the station each medium was last handled at. */
	size_t ncells = c->db ? 11 : 10;
	struct json_object *arr = c->json ? json_object_new_array() : NULL;
	struct cli_table *t = !c->json && !c->csv ? cli_table_new(heads, ncells) : NULL;
	size_t rows = 0;
	/* The CSV's station column, last, only with --db (as the table's). */
	bool station_col = c->db;
	for (size_t i = 0; c->csv && i < NCOLS; i++)
		csv_cell(list_columns[i], !station_col && i + 1 == NCOLS);
	if (c->csv && station_col)
		csv_cell("station", true);
	for (size_t i = 0; i < kesu_media_count(s); i++) {
		const struct kesu_medium *m = kesu_media_at(s, i);
		if (!wanted(c, m))
			continue;
		rows++;
		char bufs[4][32], esc[NCOLS][256];
		const char *cells[NCOLS];
		list_cells(m, bufs, cells);
		const char *station = kesu_media_last_station(m);
		if (arr) {
			struct json_object *o = medium_json(m, false);
			json_object_object_add(o, "station", str_or_null(station));
			json_object_array_add(arr, o);
		}
		for (size_t k = 0; c->csv && k < NCOLS; k++)
			csv_cell(cells[k], !station_col && k + 1 == NCOLS);
		if (c->csv && station_col)
			csv_cell(station ? station : "", true);
		if (t) {
			for (size_t k = 0; k < 10; k++)
				cells[k] = cli_escape(cells[k], esc[k], sizeof(esc[k]));
			cells[10] = cli_escape(station ? station : "", esc[10], sizeof(esc[10]));
			cli_table_row(t, cells);
		}
	}
	if (arr) {
		struct json_object *doc = json_object_new_object();
		json_object_object_add(doc, "media", arr);
		cli_print_json(doc);
		json_object_put(doc);
	}
	if (t)
		cli_table_print_free(t);
	if (t && !rows) /* say so, rather than print nothing */
		printf(_("no medium in the ledger matches\n"));
	return KESU_EXIT_OK;
}

static void print_show(const struct kesu_medium *m)
{
	static const char *const heads[] = {"RECORD", "WHEN", "EVENT", "KIND", "OUTCOME",
					    "DOCUMENT", "DETAIL", "HASH"};
	char e1[256], e2[256], e3[256], size[32] = "unknown";
	if (m->size)
		snprintf(size, sizeof(size), "%llu", (unsigned long long)m->size);
	printf(_("medium: serial %s, size %s, asset %s, model %s\n"),
	       cli_escape(m->serial[0] ? m->serial : "-", e1, sizeof(e1)), size,
	       cli_escape(m->asset[0] ? m->asset : "-", e2, sizeof(e2)),
	       cli_escape(m->model[0] ? m->model : "-", e3, sizeof(e3)));
	printf(_("state: %s (%s)\n"), kesu_media_state_name(m->state), kesu_media_state_ja(m->state));
	struct cli_table *t = cli_table_new(heads, 8);
	for (size_t i = 0; t && i < m->n_events; i++) {
		const struct kesu_media_event *e = &m->events[i];
		char seq[24], esc[8][300];
		snprintf(seq, sizeof(seq), "%llu", (unsigned long long)e->seq);
		const char *v[8] = {e->seq ? seq : "", e->when_utc, kesu_media_event_type_name(e->type),
				    e->kind, e->outcome, e->document_id, e->detail, e->hash};
		for (size_t k = 0; k < 8; k++)
			v[k] = cli_escape(v[k], esc[k], sizeof(esc[k]));
		cli_table_row(t, v);
	}
	cli_table_print_free(t);
}

static int media_show(struct media_ctl *c, const struct kesu_media_set *s)
{
	const struct kesu_medium *m = kesu_media_find_word(s, c->which);
	if (!m) {
		char esc[256];
		cli_error("media show: no record names the medium \"%s\" (a serial or an asset number)",
			  cli_escape(c->which, esc, sizeof(esc)));
		return KESU_EXIT_USAGE;
	}
	if (c->json) {
		struct json_object *doc = medium_json(m, true);
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		print_show(m);
	}
	return KESU_EXIT_OK;
}

int cmd_media(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	if (!strcmp(verb, "--help") || !strcmp(verb, "-h") || !strcmp(verb, "help"))
		return media_usage(stdout), KESU_EXIT_OK;
	if (!strcmp(verb, "dispose"))
		return cli_media_dispose(argc - 1, argv + 1);
	if (strcmp(verb, "list") && strcmp(verb, "show")) {
		cli_error("media: unknown command \"%s\" (list, show or dispose)", verb);
		return KESU_EXIT_USAGE;
	}
	struct media_ctl c = {0};
	int parsed = parse_media(argc - 1, argv + 1, &c);
	if (parsed)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	bool show = !strcmp(verb, "show");
	if (show && (argc - 1 - optind != 1 || c.csv)) {
		cli_error("media show: name one SERIAL or ASSET (--json, not --csv)");
		return KESU_EXIT_USAGE;
	}
	if (!show && optind != argc - 1) {
		cli_error("media list: unexpected argument \"%s\"", argv[1 + optind]);
		return KESU_EXIT_USAGE;
	}
	c.which = show ? argv[1 + optind] : NULL;
	struct cli_station st = {0};
	struct kesu_media_set *s = NULL;
	int code = open_media(&c, &st, &s);
	if (code == KESU_EXIT_OK)
		code = show ? media_show(&c, s) : print_list(&c, s);
	kesu_media_set_free(s);
	cli_station_close(&st);
	return code;
}

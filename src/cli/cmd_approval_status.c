/* kesu approval status FILE|NUMBER: every medium of an approval and where
 * its proof is (pending, erased, failed, certificate received, destroyed),
 * from the ledger. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kesu/approval_status.h"

static void status_usage(FILE *out)
{
	fputs(_("Usage: kesu approval status [--ledger PATH] [--trust PATH] [--json] FILE|NUMBER\n\n"
	      "Lists every medium of the approval with its state from the ledger: pending,\n"
	      "failed (jobs that did not end SUCCESS), exceptions (ERASED_WITH_EXCEPTIONS:\n"
	      "not proof of the whole medium), erased (by whom, on which station,\n"
	      "the certificate), received (a contractor's certificate, kesu cert import) or\n"
	      "destroyed. NUMBER (A-YYYYMMDD-XXXXXXXX) is looked up among the *.kesu-approval\n"
	      "files in ~/.config/kesu/approvals and the current directory.\n\n"
	      "Exit status: 0 every medium has its proof (erased, received or destroyed),\n"
	      "1 some are pending, failed or exceptions, 2 bad arguments or files, 4 the\n"
	      "approval is not signed by a trusted approver or was changed.\n"),
	      out);
	fputs(_("With --db URL the central store is read instead: a medium erased at any\n"
		"station counts (docs/central-review.md).\n"), out);
}

static bool proven(enum kesu_medium_state s)
{
	return s == KESU_MEDIUM_ERASED || s == KESU_MEDIUM_RECEIVED || s == KESU_MEDIUM_DESTROYED;
}

static void print_table(const struct kesu_approval *a, const struct kesu_medium_status *s)
{
	static const char *const cols[] = {"ENTRY", "SERIAL", "ASSET", "STATE", "状態", "BY",
					   "STATION", "CERTIFICATE", "WHEN", "FAILED"};
	printf(ngettext("approval %s: class %s, %s, %zu medium, valid until %s, approved by %s\n",
			"approval %s: class %s, %s, %zu media, valid until %s, approved by %s\n",
			(unsigned long)a->n_media),
	       a->number, a->classification, a->purpose, a->n_media, a->valid_until, a->approver_name);
	struct cli_table *t = cli_table_new(cols, 10);
	for (size_t i = 0; t && i < a->n_media; i++) {
		char entry[16], failures[16];
		snprintf(entry, sizeof(entry), "%u", s[i].medium->entry);
		snprintf(failures, sizeof(failures), "%u", s[i].failures);
		const char *cells[] = {entry, s[i].medium->serial, s[i].medium->asset,
				       kesu_medium_state_name(s[i].state), kesu_medium_state_ja(s[i].state),
				       s[i].by, s[i].station, s[i].certificate_id, s[i].when_utc,
				       s[i].failures ? failures : ""};
		cli_table_row(t, cells);
	}
	cli_table_print_free(t);
}

static void print_json(const struct kesu_approval *a, const struct kesu_medium_status *s)
{
	struct json_object *doc = json_object_new_object(), *media = json_object_new_array();
	json_object_object_add(doc, "number", json_object_new_string(a->number));
	json_object_object_add(doc, "hash", json_object_new_string(a->hash));
	for (size_t i = 0; i < a->n_media; i++) {
		struct json_object *m = json_object_new_object();
		json_object_object_add(m, "entry", json_object_new_int64(s[i].medium->entry));
		json_object_object_add(m, "serial", s[i].medium->serial[0] ? json_object_new_string(s[i].medium->serial) : NULL);
		json_object_object_add(m, "asset", s[i].medium->asset[0] ? json_object_new_string(s[i].medium->asset) : NULL);
		json_object_object_add(m, "state", json_object_new_string(kesu_medium_state_name(s[i].state)));
		json_object_object_add(m, "by", s[i].by[0] ? json_object_new_string(s[i].by) : NULL);
		json_object_object_add(m, "station", s[i].station[0] ? json_object_new_string(s[i].station) : NULL);
		json_object_object_add(m, "certificate_id", s[i].certificate_id[0] ? json_object_new_string(s[i].certificate_id) : NULL);
		json_object_object_add(m, "when_utc", s[i].when_utc[0] ? json_object_new_string(s[i].when_utc) : NULL);
		json_object_object_add(m, "seq", s[i].seq ? json_object_new_int64((int64_t)s[i].seq) : NULL);
		json_object_object_add(m, "failures", json_object_new_int64(s[i].failures));
		json_object_array_add(media, m);
	}
	json_object_object_add(doc, "media", media);
	cli_print_json(doc);
	json_object_put(doc);
}

struct status_ctl {
	const char *ledger, *trust, *db;
	bool json;
	const char *which;
};

static int parse_status(int argc, char **argv, struct status_ctl *c)
{
	enum { O_LEDGER = 256, O_TRUST, O_JSON, O_DB };
	static const struct option opts[] = {
		{"ledger", required_argument, NULL, O_LEDGER},
		{"trust", required_argument, NULL, O_TRUST},
		{"json", no_argument, NULL, O_JSON},
		{"db", required_argument, NULL, O_DB},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	memset(c, 0, sizeof(*c));
	int ch;
	optind = 1;
	while ((ch = cli_getopt(argc, argv, "hJ", opts, NULL)) != -1) {
		switch (ch) {
		case O_LEDGER: c->ledger = optarg; break;
		case O_TRUST: c->trust = optarg; break;
		case O_DB: c->db = optarg; break;
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: c->json = true; break;
		case 'h': status_usage(stdout); return 1;
		default: cli_bad_option("approval status"); return -1;
		}
	}
	if (optind != argc - 1)
		return cli_error("approval status: name one approval FILE or NUMBER"), -1;
	c->which = argv[optind];
	return 0;
}

int cmd_approval_status(int argc, char **argv)
{
	struct status_ctl c;
	int parsed = parse_status(argc, argv, &c);
	if (parsed)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct cli_station st = {0};
	struct kesu_trust *trust = NULL;
	struct kesu_approval *a = NULL;
	struct kesu_medium_status *s = NULL;
	char path[KESU_PATH_MAX], tpath[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	int code = cli_station_load_config(&st);
	if (code == KESU_EXIT_OK)
		code = cli_approval_path(c.which, path, sizeof(path));
	if (code == KESU_EXIT_OK)
		code = cli_trust_open(&st.cfg, c.trust, tpath, sizeof(tpath), &trust);
	if (code == KESU_EXIT_OK) {
		int rc = kesu_approval_load(path, trust, &a, err, sizeof(err));
		if (rc < 0) {
			cli_error("%s", err);
			code = rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY : KESU_EXIT_USAGE;
		}
	}
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(&st, c.ledger, NULL, NULL);
	if (code == KESU_EXIT_OK) /* --db: the media's proof at every station */
		code = c.db ? cli_station_open_central(&st, c.db) : cli_station_open_ledger_readonly(&st);
	if (code == KESU_EXIT_OK && !(s = calloc(a->n_media ? a->n_media : 1, sizeof(*s)))) {
		cli_error("out of memory");
		code = KESU_EXIT_FAILURE;
	}
	if (code == KESU_EXIT_OK && kesu_approval_status(st.ledger, a, s, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_FAILURE;
	}
	if (code == KESU_EXIT_OK) {
		c.json ? print_json(a, s) : print_table(a, s);
		for (size_t i = 0; i < a->n_media; i++)
			if (!proven(s[i].state))
				code = KESU_EXIT_FAILURE;
	}
	free(s);
	kesu_approval_free(a);
	kesu_trust_free(trust);
	cli_station_close(&st);
	return code;
}

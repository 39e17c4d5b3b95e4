/* kesu ledger push: send this station's finished records to the central
 * store; kesu ledger status: how far the store has them, without a
 * network (the ledger remembers every attempt). docs/central.md. */
#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/central.h"
#include "kesu/paths.h"
#include "kesu/push.h"

static void push_usage(FILE *out)
{
	fputs(_("Usage: kesu ledger push [--db URL] [--json]\n"
	      "       kesu ledger status [--db URL] [--json]\n\n"
	      "push sends every finished record the central store does not have yet, in\n"
	      "order, with the certificates (PDF) found in the certificate directory, and\n"
	      "a certificate again when it changed (a countersignature). A second push\n"
	      "sends nothing. When the store holds a different record for a place in this\n"
	      "station's chain (a fork) the store keeps ours as evidence and raises an\n"
	      "alarm, and push exits 4. Any other failure exits 1; what was sent stays.\n"
	      "status shows, without a network, how far the store had the chain at the\n"
	      "last push, how many records wait to be sent, and why the last push failed.\n\n"
	      "  --db URL      the store (default: the config file's server = URL), e.g.\n"
	      "                postgresql://ROLE@HOST:PORT/DB?passfile=FILE\n"
	      "  --json        one JSON document\n"
	      "  --ledger P, --key K, --cert-dir D   as for kesu wipe\n"
	      "  -h, --help    this help\n"),
	      out);
}

struct push_ctl {
	const char *db, *ledger, *key, *cert_dir;
	bool json;
};

static int parse_push(int argc, char **argv, const char *verb, struct push_ctl *ctl)
{
	enum { O_DB = 256, O_JSON, O_LEDGER, O_KEY, O_CERT_DIR };
	static const struct option opts[] = {
		{"db", required_argument, NULL, O_DB},
		{"json", no_argument, NULL, O_JSON},
		{"ledger", required_argument, NULL, O_LEDGER},
		{"key", required_argument, NULL, O_KEY},
		{"cert-dir", required_argument, NULL, O_CERT_DIR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "hJ", opts, NULL)) != -1) {
		switch (c) {
		case O_DB: ctl->db = optarg; break;
		case 'J':
		case O_JSON: ctl->json = true; break;
		case O_LEDGER: ctl->ledger = optarg; break;
		case O_KEY: ctl->key = optarg; break;
		case O_CERT_DIR: ctl->cert_dir = optarg; break;
		case 'h': push_usage(stdout); return 1;
		default: return strcmp(verb, "push") ? cli_bad_option("ledger status")
						     : cli_bad_option("ledger push");
		}
	}
	if (optind < argc) {
		cli_error("ledger %s: unexpected argument \"%s\"", verb, argv[optind]);
		return -1;
	}
	return 0;
}

/* The config, the paths, the URL (flag, else server = URL) and an
 * existing ledger. */
static int settle(const struct push_ctl *ctl, const char *verb, struct cli_station *st,
		  const char **url)
{
	int code = cli_station_load_config(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(st, ctl->ledger, ctl->cert_dir, ctl->key);
	if (code != KESU_EXIT_OK)
		return code;
	*url = ctl->db ? ctl->db : st->cfg.server[0] ? st->cfg.server : NULL;
	if (!*url && !strcmp(verb, "push")) {
		cli_error("ledger push: which central store? give --db URL or put server = URL in the "
			  "config file");
		return KESU_EXIT_USAGE;
	}
	if (access(st->ledger_path, F_OK) != 0) {
		cli_error("ledger %s: no such file (nothing was recorded yet?)", st->ledger_path);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

int cli_station_public_key(const struct cli_station *st, struct kesu_public_key *pk)
{
	char pub[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	if (st->sk) {
		kesu_key_public_from_secret(st->sk, pk);
		return KESU_EXIT_OK;
	}
	kesu_key_public_path(st->key_path, pub, sizeof(pub));
	if (kesu_key_load_public(pub, pk, err, sizeof(err)) == 0 ||
	    kesu_key_read_secret_public(st->key_path, pk, err, sizeof(err)) == 0)
		return KESU_EXIT_OK;
	cli_error("%s", err);
	return KESU_EXIT_USAGE;
}

static int push_code(int rc)
{
	return rc == -KESU_EVERIFY ? KESU_EXIT_VERIFY
	       : rc == -KESU_EPARSE ? KESU_EXIT_USAGE
				    : KESU_EXIT_FAILURE;
}

static void push_json(const char *server, const struct kesu_push_result *r, const char *error)
{
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "server", json_object_new_string(server));
	json_object_object_add(doc, "pushed", json_object_new_boolean(!error));
	json_object_object_add(doc, "local_head", json_object_new_int64((int64_t)r->local_head));
	json_object_object_add(doc, "store_head_before", json_object_new_int64((int64_t)r->store_before));
	json_object_object_add(doc, "store_head", json_object_new_int64((int64_t)r->store_head));
	json_object_object_add(doc, "records_sent", json_object_new_int64((int64_t)r->sent));
	json_object_object_add(doc, "documents_sent", json_object_new_int64((int64_t)r->documents));
	json_object_object_add(doc, "fork_seq",
			       r->fork_seq ? json_object_new_int64((int64_t)r->fork_seq) : NULL);
	json_object_object_add(doc, "error", error ? json_object_new_string(error) : NULL);
	cli_print_json(doc);
	json_object_put(doc);
}

int cmd_ledger_push(int argc, char **argv)
{
	struct push_ctl ctl = {0};
	int parsed = parse_push(argc, argv, "push", &ctl);
	if (parsed != 0)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	const char *url = NULL;
	char server[512] = "", err[KESU_ERRMSG_MAX];
	int code = settle(&ctl, "push", st, &url);
	if (code == KESU_EXIT_OK && kesu_central_url_name(url, server, sizeof(server), err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_USAGE;
	}
	if (code == KESU_EXIT_OK)
		code = cli_station_open_ledger(st);
	struct kesu_public_key pk;
	if (code == KESU_EXIT_OK)
		code = cli_station_public_key(st, &pk);
	if (code == KESU_EXIT_OK) {
		struct kesu_push_result r;
		int rc = kesu_push_to(url, st->ledger, &pk, st->cert_dir, &r, err, sizeof(err));
		if (ctl.json)
			push_json(server, &r, rc < 0 ? err : NULL);
		if (rc < 0) {
			if (!ctl.json)
				cli_error("%s", err);
			code = push_code(rc);
		} else if (ctl.json) {
		} else if (!r.sent && !r.documents) {
			printf(ngettext("central store %s: nothing to send: the store has all %llu record\n",
					"central store %s: nothing to send: the store has all %llu records\n",
					(unsigned long)r.store_head),
			       server, (unsigned long long)r.store_head);
		} else {
			printf(ngettext("central store %s: sent %llu record and %llu"
					" certificate(s); the store has all %llu records\n",
					"central store %s: sent %llu records and %llu"
					" certificate(s); the store has all %llu records\n",
					(unsigned long)r.sent),
			       server, (unsigned long long)r.sent, (unsigned long long)r.documents,
			       (unsigned long long)r.store_head);
		}
	}
	cli_station_close(st);
	free(st);
	return code;
}

int cmd_ledger_status(int argc, char **argv)
{
	struct push_ctl ctl = {0};
	int parsed = parse_push(argc, argv, "status", &ctl);
	if (parsed != 0)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	const char *url = NULL;
	char server[512] = "", err[KESU_ERRMSG_MAX];
	int code = settle(&ctl, "status", st, &url);
	if (code == KESU_EXIT_OK && url &&
	    kesu_central_url_name(url, server, sizeof(server), err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_USAGE;
	}
	if (code == KESU_EXIT_OK)
		code = cli_station_open_ledger_readonly(st);
	/* Without a store, server is "": no push state matches it. */
	struct kesu_push_outbox o = {0};
	if (code == KESU_EXIT_OK && kesu_push_outbox(st->ledger, server, &o, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_FAILURE;
	}
	const struct kesu_push_state *s = &o.state;
	uint64_t head = o.head, pushed = o.pushed, waiting = o.waiting;
	int found = o.found;
	if (code == KESU_EXIT_OK && ctl.json) {
		struct json_object *doc = json_object_new_object();
		json_object_object_add(doc, "ledger", json_object_new_string(st->ledger_path));
		json_object_object_add(doc, "head_seq", json_object_new_int64((int64_t)head));
		json_object_object_add(doc, "server", url ? json_object_new_string(server) : NULL);
		json_object_object_add(doc, "pushed_seq", url ? json_object_new_int64((int64_t)pushed) : NULL);
		json_object_object_add(doc, "pushed_utc",
				       found && s->pushed_utc[0] ? json_object_new_string(s->pushed_utc) : NULL);
		json_object_object_add(doc, "waiting", url ? json_object_new_int64((int64_t)waiting) : NULL);
		json_object_object_add(doc, "attempt_utc",
				       found && s->attempt_utc[0] ? json_object_new_string(s->attempt_utc) : NULL);
		json_object_object_add(doc, "last_error",
				       found && s->last_error[0] ? json_object_new_string(s->last_error) : NULL);
		cli_print_json(doc);
		json_object_put(doc);
	} else if (code == KESU_EXIT_OK) {
		printf(ngettext("ledger %s: %llu record\n", "ledger %s: %llu records\n",
				(unsigned long)head),
		       st->ledger_path, (unsigned long long)head);
		if (!url)
			printf(_("no central store: put server = URL in the config file (docs/central.md)\n"));
		else if (!found || !s->pushed_utc[0])
			printf(_("central store %s: nothing pushed yet\n"), server);
		else
			printf(_("central store %s: has the records up to %llu (pushed %s)\n"), server,
			       (unsigned long long)pushed, s->pushed_utc);
		if (url)
			printf(ngettext("  %llu record waiting to be sent\n",
					"  %llu records waiting to be sent\n", (unsigned long)waiting),
			       (unsigned long long)waiting);
		if (found && s->last_error[0])
			printf(_("  the last push (%s) failed: %s\n"), s->attempt_utc, s->last_error);
	}
	cli_station_close(st);
	free(st);
	return code;
}

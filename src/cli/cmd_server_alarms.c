/* kesu server alarms | ack: the central store's alarms (forks the store
 * caught, gaps and broken chains a central verify found) and their
 * acknowledgement. Alarms are never changed or deleted: acknowledging one
 * adds a row that says who, when and why (docs/central-review.md). */
#include <getopt.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kesu/central_verify.h"

/* The alarm kinds as words for the reader. */
const char *cli_alarm_kind(const char *kind)
{
	if (!strcmp(kind, "fork"))
		return _("fork (the station's ledger was rewritten after it was pushed)");
	if (!strcmp(kind, "gap"))
		return _("gap (records are missing)");
	if (!strcmp(kind, "chain"))
		return _("chain (a record does not match its hash or its link)");
	if (!strcmp(kind, "signature"))
		return _("signature (not the station key's)");
	return kind;
}

void cli_alarm_print(const struct kesu_central_alarm *a)
{
	char detail[1024], reason[1024];
	if (a->seq)
		printf(_("  alarm %lld: station %s, record %llu: %s, raised %s\n"), (long long)a->id,
		       a->name, (unsigned long long)a->seq, cli_alarm_kind(a->kind), a->raised);
	else
		printf(_("  alarm %lld: station %s: %s, raised %s\n"), (long long)a->id, a->name,
		       cli_alarm_kind(a->kind), a->raised);
	printf("    %s\n", cli_escape(a->detail, detail, sizeof(detail)));
	if (a->acknowledged)
		printf(_("    acknowledged by %s at %s: %s\n"), a->ack_by, a->ack_at,
		       cli_escape(a->ack_reason, reason, sizeof(reason)));
}

struct json_object *cli_alarm_json(const struct kesu_central_alarm *a)
{
	struct json_object *o = json_object_new_object(), *ack = NULL;
	json_object_object_add(o, "id", json_object_new_int64(a->id));
	json_object_object_add(o, "station", json_object_new_string(a->name));
	json_object_object_add(o, "fingerprint", json_object_new_string(a->station));
	json_object_object_add(o, "seq", a->seq ? json_object_new_int64((int64_t)a->seq) : NULL);
	json_object_object_add(o, "kind", json_object_new_string(a->kind));
	json_object_object_add(o, "detail", json_object_new_string(a->detail));
	json_object_object_add(o, "raised_utc", json_object_new_string(a->raised));
	if (a->acknowledged) {
		ack = json_object_new_object();
		json_object_object_add(ack, "by", json_object_new_string(a->ack_by));
		json_object_object_add(ack, "at_utc", json_object_new_string(a->ack_at));
		json_object_object_add(ack, "reason", json_object_new_string(a->ack_reason));
	}
	json_object_object_add(o, "acknowledged", ack);
	return o;
}

static void alarms_usage(FILE *out)
{
	fputs(_("Usage: kesu server alarms --db URL [--all] [--json]\n"
	      "       kesu server ack ALARM-ID --reason TEXT --db URL\n\n"
	      "alarms lists the central store's alarms that are not acknowledged (--all:\n"
	      "every alarm, with who acknowledged it, when and why). An alarm is raised by\n"
	      "the store when a station offers a different record for a place it already\n"
	      "holds (a fork), and by kesu ledger verify --db for a gap, a broken chain or a\n"
	      "bad signature. ack adds an acknowledgement with its reason; alarms are never\n"
	      "changed or deleted, so clearing one always says who and why. A manager's\n"
	      "read-only role may acknowledge. See docs/central-review.md.\n\n"
	      "Exit status: 0 done (alarms: none open, or --all), 4 alarms are open,\n"
	      "1 the store cannot be read or written, 2 bad arguments.\n"),
	      out);
}

struct alarms_ctx {
	struct json_object *list;
	unsigned open, total;
};

static int on_alarm(const struct kesu_central_alarm *a, void *ctx)
{
	struct alarms_ctx *x = ctx;
	x->total++;
	x->open += !a->acknowledged;
	if (x->list)
		json_object_array_add(x->list, cli_alarm_json(a));
	else
		cli_alarm_print(a);
	return 0;
}

static int connect_store(const char *cmd, const char *url, struct kesu_central **c)
{
	if (!url) {
		cli_error("server %s: --db URL is required (the central store)", cmd);
		return KESU_EXIT_USAGE;
	}
	return cli_central_connect(url, c);
}

int cmd_server_alarms(int argc, char **argv)
{
	enum { O_DB = 256, O_ALL, O_JSON };
	static const struct option opts[] = {
		{"db", required_argument, NULL, O_DB}, {"all", no_argument, NULL, O_ALL},
		{"json", no_argument, NULL, O_JSON}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *url = NULL;
	bool all = false, json = false;
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_DB: url = optarg; break;
		case O_ALL: all = true; break;
		case O_JSON: json = true; break;
		case 'h': alarms_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("server alarms");
		}
	}
	if (optind < argc) {
		cli_error("server alarms: unexpected argument \"%s\"", argv[optind]);
		return KESU_EXIT_USAGE;
	}
	struct kesu_central *store;
	int code = connect_store("alarms", url, &store);
	if (code != KESU_EXIT_OK)
		return code;
	struct alarms_ctx x = {.list = json ? json_object_new_array() : NULL};
	char err[KESU_ERRMSG_MAX];
	int rc = kesu_central_alarms(store, all, on_alarm, &x, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_FAILURE;
	} else if (json) {
		struct json_object *doc = json_object_new_object();
		json_object_object_add(doc, "store", json_object_new_string(kesu_central_name(store)));
		json_object_object_add(doc, "open", json_object_new_int64(x.open));
		json_object_object_add(doc, "alarms", x.list);
		x.list = NULL;
		cli_print_json(doc);
		json_object_put(doc);
	} else if (x.total == 0) {
		printf(all ? _("central store %s: no alarm was ever raised\n")
			   : _("central store %s: no alarm is open\n"),
		       kesu_central_name(store));
	} else {
		printf(ngettext("central store %s: %u alarm open\n", "central store %s: %u alarms open\n",
				x.open),
		       kesu_central_name(store), x.open);
	}
	json_object_put(x.list);
	kesu_central_close(store);
	if (code == KESU_EXIT_OK && !all && x.open)
		code = KESU_EXIT_VERIFY;
	return code;
}

int cmd_server_ack(int argc, char **argv)
{
	enum { O_DB = 256, O_REASON };
	static const struct option opts[] = {
		{"db", required_argument, NULL, O_DB}, {"reason", required_argument, NULL, O_REASON},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *url = NULL, *reason = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_DB: url = optarg; break;
		case O_REASON: reason = optarg; break;
		case 'h': alarms_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("server ack");
		}
	}
	if (argc - optind != 1) {
		cli_error("server ack: give one ALARM-ID (kesu server alarms lists them)");
		return KESU_EXIT_USAGE;
	}
	char *end;
	const char *text = argv[optind];
	long long id = strtoll(text, &end, 10);
	if (!*text || *end || id <= 0) {
		cli_error("server ack: \"%s\" is not an alarm id (a number kesu server alarms prints)",
			  text);
		return KESU_EXIT_USAGE;
	}
	if (!reason) {
		cli_error("server ack: --reason TEXT is required: say why the alarm may be cleared");
		return KESU_EXIT_USAGE;
	}
	struct kesu_central *store;
	int code = connect_store("ack", url, &store);
	if (code != KESU_EXIT_OK)
		return code;
	char err[KESU_ERRMSG_MAX];
	int rc = kesu_central_ack(store, (int64_t)id, reason, err, sizeof(err));
	if (rc == 0) {
		printf(_("central store %s: alarm %lld acknowledged\n"), kesu_central_name(store), id);
	} else {
		cli_error("server ack: %s", err);
		code = rc == -KESU_EPARSE || rc == -KESU_ENOTFOUND || rc == -EEXIST ? KESU_EXIT_USAGE
										     : KESU_EXIT_FAILURE;
	}
	kesu_central_close(store);
	return code;
}

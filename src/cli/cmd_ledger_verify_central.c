/* kesu ledger verify --db URL: every station's chain in the central store
 * checked end to end, then every alarm the store holds
 * (docs/central-review.md). */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kesu/central_verify.h"

struct central_view {
	bool json;
	bool read_only;
	struct json_object *stations, *problems; /* --json: being built */
	unsigned open_alarms, alarms_total;
};

static void central_usage(FILE *out)
{
	fputs(_("Usage: kesu ledger verify --db URL [--json]\n\n"
	      "Checks every station's records in the central store in order: no record\n"
	      "missing (gap), each linked to the one before and matching its hash (chain),\n"
	      "each canonical and signed by the key the station registered (signature).\n"
	      "Then lists every alarm the store holds: forks (a station offered a different\n"
	      "record for a place the store already held) and earlier findings. Findings are\n"
	      "recorded as alarms when the store's owner runs it; stations and managers only\n"
	      "read. Acknowledged alarms are listed but do not fail (kesu server ack).\n\n"
	      "Exit status: 0 every chain holds and no alarm is open, 4 a problem or an open\n"
	      "alarm, 1 the store cannot be read, 2 bad arguments.\n"),
	      out);
	fputs(_("\nUnder a station's own role it checks that station's chain and alarms only.\n"),
	      out);
}

static int on_finding(const struct kesu_central_finding *f, void *ctx)
{
	struct central_view *v = ctx;
	if (v->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "seq", json_object_new_int64((int64_t)f->seq));
		json_object_object_add(o, "kind", json_object_new_string(f->kind));
		json_object_object_add(o, "last_seq", json_object_new_int64((int64_t)f->last_seq));
		json_object_object_add(o, "detail", json_object_new_string(f->detail));
		json_object_object_add(o, "alarm", json_object_new_string(
			f->known ? "known" : f->recorded ? "recorded" : "not-recorded"));
		if (!v->problems)
			v->problems = json_object_new_array();
		json_object_array_add(v->problems, o);
		return 0;
	}
	if (f->last_seq > f->seq)
		printf(_("  records %llu to %llu: %s: %s\n"), (unsigned long long)f->seq,
		       (unsigned long long)f->last_seq, cli_alarm_kind(f->kind), f->why);
	else
		printf(_("  record %llu: %s: %s\n"), (unsigned long long)f->seq, cli_alarm_kind(f->kind),
		       f->why);
	if (f->known)
		printf(_("    an alarm was raised for it before\n"));
	else if (f->recorded)
		printf(_("    recorded as an alarm\n"));
	else
		printf(_("    not recorded: read-only role\n"));
	return 0;
}

static int on_station(const struct kesu_central_station *s, void *ctx)
{
	struct central_view *v = ctx;
	if (v->json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(s->name));
		json_object_object_add(o, "fingerprint", json_object_new_string(s->fingerprint));
		json_object_object_add(o, "records", json_object_new_int64((int64_t)s->records));
		json_object_object_add(o, "head_seq", json_object_new_int64((int64_t)s->head_seq));
		json_object_object_add(o, "passed", json_object_new_boolean(s->findings == 0));
		json_object_object_add(o, "key_problem",
				       s->key_problem ? json_object_new_string(s->key_problem) : NULL);
		json_object_object_add(o, "problems", v->problems ? v->problems : json_object_new_array());
		v->problems = NULL;
		json_object_array_add(v->stations, o);
		return 0;
	}
	/* The station's line comes after its findings were listed under a
	 * heading, so a long list still ends with the verdict. */
	if (s->key_problem)
		printf(_("station %s (%s): %s\n"), s->name, s->fingerprint,
		       !strcmp(s->key_problem, "its registered public key has another fingerprint")
			       ? _("FAILED: its registered public key has another fingerprint")
			       : _("FAILED: its registered public key cannot be read"));
	else if (s->findings == 0)
		printf(ngettext("station %s (%s): %llu record, head %llu: OK\n",
				"station %s (%s): %llu records, head %llu: OK\n",
				(unsigned long)s->records),
		       s->name, s->fingerprint, (unsigned long long)s->records,
		       (unsigned long long)s->head_seq);
	else
		printf(ngettext("station %s (%s): %llu records, head %llu: FAILED, %llu problem (above)\n",
				"station %s (%s): %llu records, head %llu: FAILED, %llu problems (above)\n",
				(unsigned long)s->findings),
		       s->name, s->fingerprint, (unsigned long long)s->records,
		       (unsigned long long)s->head_seq, (unsigned long long)s->findings);
	return 0;
}

static int on_alarm(const struct kesu_central_alarm *a, void *ctx)
{
	struct central_view *v = ctx;
	v->open_alarms += !a->acknowledged;
	v->alarms_total++;
	if (v->json)
		json_object_array_add(v->problems, cli_alarm_json(a));
	else
		cli_alarm_print(a);
	return 0;
}

int cmd_ledger_verify_central(int argc, char **argv)
{
	enum { O_DB = 256, O_JSON };
	static const struct option opts[] = {
		{"db", required_argument, NULL, O_DB}, {"json", no_argument, NULL, O_JSON},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	const char *url = NULL;
	struct central_view v = {0};
	int c;
	while ((c = cli_getopt(argc, argv, "hJ", opts, NULL)) != -1) {
		switch (c) {
		case O_DB: url = optarg; break;
		case 'J':
		case O_JSON: v.json = true; break;
		case 'h': central_usage(stdout); return KESU_EXIT_OK;
		default:
			cli_error("ledger verify --db: takes --json only (the central store has no local "
				  "ledger or key)");
			return KESU_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("ledger verify: unexpected argument \"%s\"", argv[optind]);
		return KESU_EXIT_USAGE;
	}
	char err[KESU_ERRMSG_MAX];
	struct kesu_central *store;
	int connected = cli_central_connect(url, &store);
	if (connected != KESU_EXIT_OK)
		return connected;
	const char *name = kesu_central_name(store);
	if (v.json)
		v.stations = json_object_new_array();
	else
		printf(_("central store %s:\n"), name);
	struct kesu_central_verify_cb cb = {on_finding, on_station, &v};
	struct kesu_central_verify_summary sum;
	int rc = kesu_central_verify(store, &cb, &sum, err, sizeof(err));
	int code = KESU_EXIT_OK;
	if (rc < 0 && rc != -KESU_EVERIFY) {
		cli_error("%s", err);
		code = KESU_EXIT_FAILURE;
	}
	struct json_object *alarms = NULL;
	if (code == KESU_EXIT_OK) {
		if (v.json)
			v.problems = alarms = json_object_new_array();
		else
			printf(_("alarms:\n"));
		int arc = kesu_central_alarms(store, true, on_alarm, &v, err, sizeof(err));
		v.problems = NULL;
		if (arc < 0) {
			cli_error("%s", err);
			code = KESU_EXIT_FAILURE;
		} else if (!v.json && v.alarms_total == 0) {
			printf(_("  none\n"));
		}
	}
	bool passed = code == KESU_EXIT_OK && rc == 0 && v.open_alarms == 0;
	if (code == KESU_EXIT_OK && v.json) {
		struct json_object *doc = json_object_new_object();
		json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
		json_object_object_add(doc, "store", json_object_new_string(name));
		json_object_object_add(doc, "passed", json_object_new_boolean(passed));
		json_object_object_add(doc, "stations", v.stations);
		json_object_object_add(doc, "alarms", alarms);
		json_object_object_add(doc, "records", json_object_new_int64((int64_t)sum.records));
		json_object_object_add(doc, "problems", json_object_new_int64((int64_t)sum.findings));
		json_object_object_add(doc, "open_alarms", json_object_new_int64(v.open_alarms));
		json_object_object_add(doc, "findings_recorded", json_object_new_boolean(!sum.read_only));
		json_object_object_add(doc, "scope", json_object_new_string(sum.own_station ? "own-station"
										     : "all-stations"));
		cli_print_json(doc);
		json_object_put(doc);
		v.stations = alarms = NULL;
	} else if (code == KESU_EXIT_OK) {
		printf(ngettext("central store %s: %s: %llu station, %llu records, %llu problems, "
				"%u alarms not acknowledged\n",
				"central store %s: %s: %llu stations, %llu records, %llu problems, "
				"%u alarms not acknowledged\n",
				(unsigned long)sum.stations),
		       name, passed ? _("OK") : _("FAILED"), (unsigned long long)sum.stations,
		       (unsigned long long)sum.records, (unsigned long long)sum.findings,
		       v.open_alarms);
		if (sum.own_station)
			printf(_("  only this station's own chain was checked: a station's role reads no "
				 "other station's records (a manager's role checks them all)\n"));
		if (sum.read_only && sum.findings)
			printf(_("  the problems were not recorded as alarms: this role only reads "
				 "(run it as the store's owner to record them)\n"));
	}
	json_object_put(v.stations);
	json_object_put(alarms);
	kesu_central_close(store);
	if (code == KESU_EXIT_OK && !passed)
		code = KESU_EXIT_VERIFY;
	return code;
}

/* kesu trust add | list | remove: whose keys count, and for what
 * (docs/trust.md). Every change is a signed ledger record first, then the
 * store file. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "kesu/paths.h"
#include "kesu/trust.h"
#include "kesu/x509.h"

enum trust_verb { VERB_ADD, VERB_LIST, VERB_REMOVE };

struct trust_ctl {
	enum trust_verb verb;
	const char *role, *name, *trust, *operator_name, *ledger, *key, *passphrase_file;
	const char *arg; /* add: KEY.pub; remove: who */
	bool json;
};

static void trust_usage(FILE *out)
{
	fputs(_("Usage: kesu trust add --role ROLE --name NAME [STATION] KEY.pub|CERT.pem\n"
	      "       kesu trust list [--role ROLE] [--json] [--trust PATH]\n"
	      "       kesu trust remove [--role ROLE] [STATION] FINGERPRINT|KEYNUM|SHA256|NAME\n\n"
	      "The trust store says whose keys count, and for what: an approval counts only\n"
	      "when a trusted approver's key signed it, a countersignature only from a\n"
	      "trusted witness or validator, a contractor's certificate only from a trusted\n"
	      "contractor (docs/trust.md). add and remove are recorded in the ledger first\n"
	      "(who, which key, when, which role), then the store file is written.\n"
	      "An X.509 certificate (PEM or DER, told from a KEY.pub by its content) is\n"
	      "a trust anchor for PDF signatures: a person's or station's certificate, or\n"
	      "an organisation's CA (role organisation: any signer it issued to, in any\n"
	      "role); only the first certificate of a file is added.\n\n"
	      "  --role ROLE             approver, witness, validator or contractor; for a\n"
	      "                          certificate also organisation or station\n"
	      "                          (remove, list: only that role's entries)\n"
	      "  --name NAME             add: the holder, as approvals and certificates will\n"
	      "                          name them\n"
	      "  --trust PATH            the store (default $KESU_TRUST, else the config\n"
	      "                          file's trust = PATH, else\n"
	      "                          $XDG_CONFIG_HOME/kesu/trust.json)\n"
	      "  -J, --json              list: a JSON array\n"
	      "STATION (add, remove): the ledger that records the change\n"
	      "  --operator NAME         who makes the change (default: the config file's)\n"
	      "  --ledger PATH           the ledger (default as for kesu wipe)\n"
	      "  --key PATH              the station key that signs the record\n"
	      "  --passphrase-file FILE  its passphrase, when it has one\n"
	      "  -h, --help              this help\n"),
	      out);
}

/* ---- the store's path and contents (also for other commands) ---- */

/* trust = PATH in the policy file the config names (policy = PATH). A
 * policy that cannot be read is reported by the commands that apply it. */
static bool policy_trust(const struct kesu_config *cfg, char *out, size_t size)
{
	char conf[PATH_MAX], path[PATH_MAX + 8], err[KESU_ERRMSG_MAX];
	if (!cfg->policy[0])
		return false;
	if (cfg->policy[0] == '/')
		snprintf(path, sizeof(path), "%s", cfg->policy);
	else if (kesu_default_path(KESU_PATH_CONFIG, conf, sizeof(conf)) == 0)
		snprintf(path, sizeof(path), "%s/%s", dirname(conf), cfg->policy);
	else
		return false;
	struct kesu_policy *p = malloc(sizeof(*p));
	bool named = p && kesu_policy_load(path, p, err, sizeof(err)) == 0 && p->trust[0];
	if (named)
		snprintf(out, size, "%s", p->trust);
	free(p);
	return named;
}

int cli_trust_path(const struct kesu_config *cfg, const char *flag, char *out, size_t size)
{
	const char *env = getenv("KESU_TRUST");
	char conf[PATH_MAX];
	if (flag && *flag)
		snprintf(out, size, "%s", flag);
	else if (env && *env)
		snprintf(out, size, "%s", env);
	else if (policy_trust(cfg, out, size))
		; /* the policy the config file names says where its trust store is */
	else if (cfg->trust[0] == '/')
		snprintf(out, size, "%s", cfg->trust);
	else if (cfg->trust[0] && kesu_default_path(KESU_PATH_CONFIG, conf, sizeof(conf)) == 0)
		/* Relative to the config file, as policy = PATH is. */
		snprintf(out, size, "%s/%s", dirname(conf), cfg->trust);
	else if (kesu_default_path(KESU_PATH_TRUST, out, size) < 0) {
		cli_error("cannot tell where the trust store is: set HOME or XDG_CONFIG_HOME, or "
			  "give --trust PATH");
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

int cli_trust_load(const char *path, struct kesu_trust **trust)
{
	char err[KESU_ERRMSG_MAX];
	int rc = kesu_trust_load(path, trust, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

int cli_trust_open(const struct kesu_config *cfg, const char *flag, char *path, size_t size,
		   struct kesu_trust **trust)
{
	int code = cli_trust_path(cfg, flag, path, size);
	return code == KESU_EXIT_OK ? cli_trust_load(path, trust) : code;
}

int cli_trust_open_configured(const char *flag, char *path, size_t size,
			      struct kesu_trust **trust)
{
	struct cli_station *st = calloc(1, sizeof(*st)); /* for the config file only */
	int code = st ? cli_station_load_config(st) : KESU_EXIT_FAILURE;
	if (code == KESU_EXIT_OK)
		code = cli_trust_open(&st->cfg, flag, path, size, trust);
	free(st);
	return code;
}

/* ---- add and remove ---- */

/* The change goes to the ledger first, the file second. If the file cannot
 * be written after the record was made, the ledger says a change that did
 * not take effect, and we say so: a record too many is visible and
 * harmless. The other order could leave a key trusted with no record of
 * who trusted it when the ledger append fails, which is what the ledger is
 * there to rule out. */
static int record_and_save(const struct trust_ctl *ctl, struct kesu_trust *trust,
			   const char *path, const char *action, const struct kesu_trust_entry *e,
			   const struct kesu_trust_cert *c)
{
	struct kesu_job_context flags = {0};
	if (ctl->operator_name &&
	    !cli_set_field(&flags, KESU_CTX_OPERATOR, "--operator", ctl->operator_name))
		return KESU_EXIT_USAGE;
	struct cli_station *st = calloc(1, sizeof(*st));
	if (!st)
		return cli_error("%s", strerror(ENOMEM)), KESU_EXIT_FAILURE;
	char cmd[16], id[KESU_JOB_ID_LEN + 1], subject[64], hash[65], err[KESU_ERRMSG_MAX];
	snprintf(cmd, sizeof(cmd), "trust %s", action);
	int code = cli_station_open_for_records(st, &flags, cmd, N_("who is changing the trust store"),
						ctl->ledger, ctl->key, ctl->passphrase_file);
	uint64_t seq = 0;
	if (code == KESU_EXIT_OK) {
		size_t len;
		kesu_ledger_new_id(id);
		const char *by = st->cfg.ctx.operator_name;
		char *rec = e ? kesu_trust_record(id, action, e, by, time(NULL), &len)
			      : kesu_trust_cert_record(id, action, c, by, time(NULL), &len);
		if (e)
			snprintf(subject, sizeof(subject), "trust:%s", e->fingerprint);
		else /* a certificate: "trust:x509:" and half its SHA-256 */
			snprintf(subject, sizeof(subject), "trust:x509:%.32s", c->sha256);
		int rc = rec ? kesu_ledger_append(st->ledger, subject, "trust", rec, len, st->sk, id,
						  &seq, hash, err, sizeof(err))
			     : -EINVAL;
		if (rc < 0) {
			cli_error("trust %s: not recorded, the store is unchanged: %s", action,
				  rec ? err : _("the record is not valid text"));
			code = KESU_EXIT_FAILURE;
		}
		free(rec);
	}
	if (code == KESU_EXIT_OK && kesu_trust_save(trust, path, err, sizeof(err)) < 0) {
		cli_error("%s; the store is unchanged, but ledger record %llu already records this "
			  "%s: run the command again when the store can be written",
			  err, (unsigned long long)seq, action);
		code = KESU_EXIT_FAILURE;
	}
	if (code == KESU_EXIT_OK)
		printf(_("ledger record %llu: %s %s\n"), (unsigned long long)seq, action, subject);
	cli_station_close(st);
	free(st);
	return code;
}

static void print_entry(const char *what, const struct kesu_trust_entry *e)
{
	char num[KESU_KEYNUM_HEX_SIZE];
	kesu_key_keynum_hex(e->key.keynum, num, sizeof(num));
	printf(_("%s %s \"%s\" (%s, key %s)\n"), what, kesu_role_id(e->role), e->name, e->fingerprint,
	       num);
}

/* An X.509 certificate: a trust anchor for PDF signatures (kesu/trust.h). */
static int trust_add_cert(const struct trust_ctl *ctl, struct kesu_trust *trust,
			  const char *path)
{
	char err[KESU_ERRMSG_MAX];
	int more = 0;
	if (kesu_trust_cert_role_check(ctl->role) < 0) {
		cli_error("trust add: unknown role \"%s\" for a certificate (approver, witness, "
			  "validator, contractor, organisation, station)",
			  ctl->role);
		return KESU_EXIT_USAGE;
	}
	int rc = kesu_trust_add_cert(trust, ctl->role, ctl->name, ctl->arg, time(NULL), &more, err,
				     sizeof(err));
	if (rc < 0) {
		cli_error("trust add: %s", err);
		return rc == -EEXIST ? KESU_EXIT_FAILURE : KESU_EXIT_USAGE;
	}
	const struct kesu_trust_cert *c = kesu_trust_cert_at(trust, kesu_trust_cert_count(trust) - 1);
	int code = record_and_save(ctl, trust, path, "add", NULL, c);
	if (code == KESU_EXIT_OK) {
		cli_trust_cert_print(_("trusted"), c);
		if (more > 0)
			cli_error("note: %s holds %d more certificate%s, not added (add each on "
				  "its own)",
				  ctl->arg, more, more == 1 ? "" : "s");
	}
	return code;
}

static int trust_add(const struct trust_ctl *ctl, struct kesu_trust *trust, const char *path)
{
	char err[KESU_ERRMSG_MAX], comment[KESU_COMMENT_MAX + 1] = "";
	enum kesu_role role;
	struct kesu_public_key pk;
	if (kesu_x509_file_is_certificate(ctl->arg))
		return trust_add_cert(ctl, trust, path);
	if (kesu_role_parse(ctl->role, &role) < 0) {
		cli_error("trust add: unknown role \"%s\" (approver, witness, validator, contractor; "
			  "organisation and station are for certificates)",
			  ctl->role);
		return KESU_EXIT_USAGE;
	}
	int rc = kesu_key_load_public(ctl->arg, &pk, err, sizeof(err));
	if (rc == 0)
		rc = kesu_key_file_comment(ctl->arg, comment, sizeof(comment), err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -ENOENT || rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	rc = kesu_trust_add_commented(trust, role, ctl->name, &pk, comment, time(NULL), err,
				      sizeof(err));
	if (rc < 0) {
		cli_error("trust add: %s", err);
		return rc == -EEXIST ? KESU_EXIT_FAILURE : KESU_EXIT_USAGE;
	}
	const struct kesu_trust_entry *e = kesu_trust_at(trust, kesu_trust_count(trust) - 1);
	int code = record_and_save(ctl, trust, path, "add", e, NULL);
	if (code == KESU_EXIT_OK) {
		print_entry(_("trusted"), e);
		if (strstr(e->comment, KESU_TRUST_NO_PASSPHRASE))
			cli_error("note: %s says its secret key has no passphrase", ctl->arg);
	}
	return code;
}

static int trust_remove(const struct trust_ctl *ctl, struct kesu_trust *trust, const char *path)
{
	char err[KESU_ERRMSG_MAX], cert_err[KESU_ERRMSG_MAX];
	enum kesu_role role = 0;
	bool key_role = !ctl->role || kesu_role_parse(ctl->role, &role) == 0;
	if (ctl->role && kesu_trust_cert_role_check(ctl->role) < 0) {
		cli_error("trust remove: unknown role \"%s\"", ctl->role);
		return KESU_EXIT_USAGE;
	}
	size_t before = kesu_trust_count(trust), certs_gone = 0;
	struct kesu_trust_entry gone;
	struct kesu_trust_cert *cert = malloc(sizeof(*cert));
	if (!cert)
		return cli_error("%s", strerror(ENOMEM)), KESU_EXIT_FAILURE;
	err[0] = '\0';
	if (key_role)
		kesu_trust_remove(trust, role, ctl->arg, &gone, err, sizeof(err));
	size_t keys_gone = before - kesu_trust_count(trust);
	kesu_trust_remove_cert(trust, ctl->role, ctl->arg, cert, &certs_gone, cert_err,
			       sizeof(cert_err));
	int code = KESU_EXIT_USAGE;
	if (keys_gone + certs_gone == 0)
		cli_error("trust remove: %s in %s", err[0] ? err : cert_err, path);
	else if (keys_gone + certs_gone > 1)
		/* One command, one change: several entries would need several records. */
		cli_error("trust remove: \"%s\" names %zu entries; give --role, the fingerprint or "
			  "the SHA-256",
			  ctl->arg, keys_gone + certs_gone);
	else
		code = record_and_save(ctl, trust, path, "remove", keys_gone ? &gone : NULL,
				       keys_gone ? NULL : cert);
	if (code == KESU_EXIT_OK && keys_gone)
		print_entry(_("removed"), &gone);
	else if (code == KESU_EXIT_OK)
		cli_trust_cert_print(_("removed"), cert);
	free(cert);
	return code;
}

/* ---- list ---- */

static bool no_passphrase(const struct kesu_trust_entry *e)
{
	size_t n = strlen(e->comment), s = strlen(KESU_TRUST_NO_PASSPHRASE);
	return n >= s && !strcmp(e->comment + n - s, KESU_TRUST_NO_PASSPHRASE);
}

/* keys: whether keys are listed at all (not for the certificate-only
 * roles); role: only its keys (0: all); role_id: only its certificates. */
static int list_json(const struct kesu_trust *trust, bool keys, enum kesu_role role,
		     const char *role_id)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; keys && i < kesu_trust_count(trust); i++) {
		const struct kesu_trust_entry *e = kesu_trust_at(trust, i);
		if (role && e->role != role)
			continue;
		char num[KESU_KEYNUM_HEX_SIZE];
		kesu_key_keynum_hex(e->key.keynum, num, sizeof(num));
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "role", json_object_new_string(kesu_role_id(e->role)));
		json_object_object_add(o, "name", json_object_new_string(e->name));
		json_object_object_add(o, "fingerprint", json_object_new_string(e->fingerprint));
		json_object_object_add(o, "keynum", json_object_new_string(num));
		json_object_object_add(o, "added_utc", json_object_new_string(e->added_utc));
		json_object_object_add(o, "comment", json_object_new_string(e->comment));
		json_object_object_add(o, "no_passphrase", json_object_new_boolean(no_passphrase(e)));
		json_object_array_add(arr, o);
	}
	cli_trust_certs_json(trust, role_id, arr); /* after the keys: entries with "sha256" */
	/* An object, not a bare array: every document carries its format version. */
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
	json_object_object_add(doc, "entries", arr);
	cli_print_json(doc);
	json_object_put(doc);
	return KESU_EXIT_OK;
}

static int list_table(const struct kesu_trust *trust, bool keys, enum kesu_role role,
		      const char *role_id, const char *path)
{
	static const char *const cols[] = {"ROLE", "NAME", "FINGERPRINT", "KEY NUMBER", "ADDED",
					   "NOTE"};
	struct cli_table *t = cli_table_new(cols, 6);
	if (!t)
		return cli_error("%s", strerror(ENOMEM)), KESU_EXIT_FAILURE;
	cli_table_set_empty(t, ""); /* only a key without a passphrase has a note */
	size_t shown = 0, certs = 0;
	int rc = 0;
	for (size_t i = 0; rc == 0 && keys && i < kesu_trust_count(trust); i++) {
		const struct kesu_trust_entry *e = kesu_trust_at(trust, i);
		if (role && e->role != role)
			continue;
		char num[KESU_KEYNUM_HEX_SIZE];
		kesu_key_keynum_hex(e->key.keynum, num, sizeof(num));
		const char *cells[] = {kesu_role_id(e->role), e->name, e->fingerprint, num,
				       e->added_utc, no_passphrase(e) ? "no passphrase" : ""};
		rc = cli_table_row(t, cells);
		shown++;
	}
	if (rc == 0 && shown)
		cli_table_print_free(t);
	else
		cli_table_free(t);
	if (rc)
		return cli_error("%s", strerror(ENOMEM)), KESU_EXIT_FAILURE;
	if (shown && kesu_trust_cert_count(trust))
		printf("\n");
	int code = cli_trust_certs_table(trust, role_id, &certs);
	if (code == KESU_EXIT_OK && !shown && !certs)
		printf(_("no trusted %s in %s\n"), role_id ? role_id : _("keys"), path);
	return code;
}

static int trust_list(const struct trust_ctl *ctl, const struct kesu_trust *trust,
		      const char *path)
{
	enum kesu_role role = 0;
	if (ctl->role && kesu_trust_cert_role_check(ctl->role) < 0) {
		cli_error("trust list: unknown role \"%s\"", ctl->role);
		return KESU_EXIT_USAGE;
	}
	/* organisation, station: certificates only */
	bool keys = !ctl->role || kesu_role_parse(ctl->role, &role) == 0;
	return ctl->json ? list_json(trust, keys, role, ctl->role)
			 : list_table(trust, keys, role, ctl->role, path);
}

/* ---- options ---- */

/* Fills ctl; returns -1 when done (exit code in *code) or 0 to go on. */
static int parse_trust_options(int argc, char **argv, struct trust_ctl *ctl, int *code)
{
	enum { O_ROLE = 256, O_NAME, O_TRUST, O_JSON, O_OPERATOR, O_LEDGER, O_KEY, O_PASSFILE };
	static const struct option opts[] = {
		{"role", required_argument, NULL, O_ROLE},
		{"name", required_argument, NULL, O_NAME},
		{"trust", required_argument, NULL, O_TRUST},
		{"json", no_argument, NULL, O_JSON},
		{"operator", required_argument, NULL, O_OPERATOR},
		{"ledger", required_argument, NULL, O_LEDGER},
		{"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static const char *const verbs[] = {"add", "list", "remove"};
	*code = KESU_EXIT_USAGE;
	bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
	if (argc >= 2 && argv[1][0] == '-' && !help) { /* one line, not the help (cli_bad_option) */
		cli_error("trust: \"%s\": name the action first: kesu trust add|list|remove [OPTIONS] "
			  "(see kesu trust --help)", argv[1]);
		return -1;
	}
	if (argc < 2 || argv[1][0] == '-') {
		trust_usage(help ? stdout : stderr);
		*code = help ? KESU_EXIT_OK : KESU_EXIT_USAGE;
		return -1;
	}
	size_t v = 0;
	while (v < 3 && strcmp(argv[1], verbs[v]) != 0)
		v++;
	if (v == 3) {
		cli_error("trust: unknown action \"%s\" (kesu trust --help)", argv[1]);
		return -1;
	}
	ctl->verb = (enum trust_verb)v;
	int c;
	optind = 1;
	while ((c = cli_getopt(argc - 1, argv + 1, "hJ", opts, NULL)) != -1) {
		switch (c) {
		case O_ROLE: ctl->role = optarg; break;
		case O_NAME: ctl->name = optarg; break;
		case O_TRUST: ctl->trust = optarg; break;
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: ctl->json = true; break;
		case O_OPERATOR: ctl->operator_name = optarg; break;
		case O_LEDGER: ctl->ledger = optarg; break;
		case O_KEY: ctl->key = optarg; break;
		case O_PASSFILE: ctl->passphrase_file = optarg; break;
		case 'h': trust_usage(stdout); *code = KESU_EXIT_OK; return -1;
		default: cli_bad_option("trust"); return -1;
		}
	}
	int nargs = argc - 1 - optind;
	bool list = ctl->verb == VERB_LIST;
	if (nargs != (list ? 0 : 1)) {
		cli_error("trust %s: %s (kesu trust --help)", verbs[v],
			  list ? _("takes no arguments")
			  : ctl->verb == VERB_ADD ? _("name one KEY.pub or certificate")
						  : _("name one FINGERPRINT, KEYNUM, SHA256 or NAME"));
		return -1;
	}
	ctl->arg = list ? NULL : argv[1 + optind];
	if (ctl->verb == VERB_ADD && (!ctl->role || !ctl->name)) {
		cli_error("trust add: give --role ROLE and --name NAME");
		return -1;
	}
	if ((ctl->name && ctl->verb != VERB_ADD) || (ctl->json && !list)) {
		cli_error("trust %s: %s is not for %s", verbs[v], ctl->json ? "--json" : "--name",
			  verbs[v]);
		return -1;
	}
	bool station = ctl->operator_name || ctl->ledger || ctl->key || ctl->passphrase_file;
	if (station && list) {
		cli_error("trust list: reads only the store; --operator, --ledger, --key and "
			  "--passphrase-file are for add and remove");
		return -1;
	}
	return 0;
}

int cmd_trust(int argc, char **argv)
{
	struct trust_ctl ctl = {0};
	int code;
	if (parse_trust_options(argc, argv, &ctl, &code) < 0)
		return code;
	char path[PATH_MAX];
	struct kesu_trust *trust = NULL;
	/* A store that does not load is never replaced: one line, exit 2. */
	code = cli_trust_open_configured(ctl.trust, path, sizeof(path), &trust);
	if (code != KESU_EXIT_OK)
		return code;
	switch (ctl.verb) {
	case VERB_ADD: code = trust_add(&ctl, trust, path); break;
	case VERB_LIST: code = trust_list(&ctl, trust, path); break;
	case VERB_REMOVE: code = trust_remove(&ctl, trust, path); break;
	}
	kesu_trust_free(trust);
	return code;
}

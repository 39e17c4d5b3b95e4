/* kesu approval show | status: reading approvals (docs/approvals.md).
 * show prints an approval and whether a trusted approver signed it, and
 * can print its form again; status (cmd_approval_status.c) follows each
 * medium through the ledger. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"
#include "kesu/approval.h"
#include "kesu/pdf.h"
#include "kesu/trust.h"
#include "kesu/vocabulary.h"

static void approval_usage(FILE *out)
{
	fputs(_("Usage: kesu approval show FILE.kesu-approval [--json] [--trust PATH] [--pdf FILE]\n"
	      "                                            [--force]\n"
	      "       kesu approval status FILE|NUMBER\n\n"
	      "show    prints the approval and whether a trusted approver signed it; exit\n"
	      "        status 4 when the signature is not a trusted approver's or the data\n"
	      "        was changed, 2 when the file is not a valid approval\n"
	      "status  lists every medium of the approval with its state\n\n"
	      "  -J, --json     show: the approval as JSON, with \"trusted\" and \"trust_reason\"\n"
	      "  --trust PATH   the trust store (default $KESU_TRUST, else the config\n"
	      "                 file's trust = PATH, else $XDG_CONFIG_HOME/kesu/trust.json)\n"
	      "  --pdf FILE     show: write the printable 媒体廃棄承認書 again (only for a\n"
	      "                 trusted approval; never replaces FILE without --force)\n"
	      "  -h, --help     this help\n"),
	      out);
}

struct show_ctl {
	const char *file, *trust, *pdf;
	bool json, force;
};

static int show_args(int argc, char **argv, struct show_ctl *c)
{
	enum { O_JSON = 256, O_TRUST, O_PDF, O_FORCE };
	static const struct option opts[] = {{"json", no_argument, NULL, O_JSON},
					     {"trust", required_argument, NULL, O_TRUST},
					     {"pdf", required_argument, NULL, O_PDF},
					     {"force", no_argument, NULL, O_FORCE},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	int o;
	optind = 1;
	opterr = 0;
	while ((o = cli_getopt(argc, argv, "hJ", opts, NULL)) != -1) {
		switch (o) {
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: c->json = true; break;
		case O_TRUST: c->trust = optarg; break;
		case O_PDF: c->pdf = optarg; break;
		case O_FORCE: c->force = true; break;
		case 'h': approval_usage(stdout); return -1;
		default: return cli_bad_option("approval show");
		}
	}
	if (argc - optind != 1) {
		cli_error("approval show: give one FILE.kesu-approval");
		return KESU_EXIT_USAGE;
	}
	c->file = argv[optind];
	return KESU_EXIT_OK;
}

static const char *level_name(enum kesu_nist_level l)
{
	return l ? kesu_nist_level_name(l) : _("none set");
}

static void print_text(const struct kesu_approval *a, bool trusted, const char *reason,
		       time_t now)
{
	char buf[1024], today[16], size[32];
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	const struct kesu_term *cls = kesu_vocab_find(KESU_VOCAB_CLASS, a->classification);
	printf(_("approval      %s\n"), a->number);
	printf(_("signature     %s%s\n"), trusted ? _("good: a trusted approver's") : _("NOT TRUSTED: "),
	       trusted ? "" : reason);
	printf(_("approver      %s (%s)\n"), cli_escape(a->approver_name, buf, sizeof(buf)),
	       a->approver_fingerprint);
	printf(_("issued        %s\n"), a->issued_local);
	printf(_("organisation  %s\n"), a->organisation[0] ? cli_escape(a->organisation, buf, sizeof(buf)) : "-");
	printf(_("class         %s (重要性分類%s)\n"), a->classification, cls ? cls->ja : "");
	printf(_("purpose       %s\n"), a->purpose);
	printf(_("methods      "));
	for (size_t i = 0; i < a->n_methods; i++)
		printf("%s %s", i ? "," : "", a->methods[i]);
	printf(_("\nmin level     %s\n"), level_name(a->min_level));
	printf(_("valid until   %s%s\n"), a->valid_until,
	       strcmp(today, a->valid_until) > 0 ? _(" (expired)") : "");
	printf(_("note          %s\n"), a->note[0] ? cli_escape(a->note, buf, sizeof(buf)) : "-");
	printf(_("hash          %s\n"), a->hash);
	printf(_("media         %zu\n"), a->n_media);
	for (size_t i = 0; i < a->n_media; i++) {
		const struct kesu_approval_medium *m = &a->media[i];
		char serial[300], asset[300];
		if (m->size)
			snprintf(size, sizeof(size), "%llu", (unsigned long long)m->size);
		printf(_("  %5u  serial %s  size %s  asset %s\n"), m->entry,
		       m->serial[0] ? cli_escape(m->serial, serial, sizeof(serial)) : "-",
		       m->size ? size : "-", m->asset[0] ? cli_escape(m->asset, asset, sizeof(asset)) : "-");
	}
}

static struct json_object *str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

static void print_json(const struct kesu_approval *a, bool trusted, const char *reason)
{
	struct json_object *o = json_object_new_object(), *who = json_object_new_object();
	struct json_object *methods = json_object_new_array(), *media = json_object_new_array();
	json_object_object_add(who, "fingerprint", json_object_new_string(a->approver_fingerprint));
	json_object_object_add(who, "name", json_object_new_string(a->approver_name));
	for (size_t i = 0; i < a->n_methods; i++)
		json_object_array_add(methods, json_object_new_string(a->methods[i]));
	for (size_t i = 0; i < a->n_media; i++) {
		const struct kesu_approval_medium *m = &a->media[i];
		struct json_object *e = json_object_new_object();
		json_object_object_add(e, "entry", json_object_new_int64(m->entry));
		json_object_object_add(e, "serial", str_or_null(m->serial));
		json_object_object_add(e, "size", m->size ? json_object_new_int64((int64_t)m->size) : NULL);
		json_object_object_add(e, "asset", str_or_null(m->asset));
		json_object_array_add(media, e);
	}
	json_object_object_add(o, "number", json_object_new_string(a->number));
	json_object_object_add(o, "trusted", json_object_new_boolean(trusted));
	json_object_object_add(o, "trust_reason", trusted ? NULL : json_object_new_string(reason));
	json_object_object_add(o, "approver", who);
	json_object_object_add(o, "issued_utc", json_object_new_string(a->issued_utc));
	json_object_object_add(o, "issued_local", json_object_new_string(a->issued_local));
	json_object_object_add(o, "organisation", str_or_null(a->organisation));
	json_object_object_add(o, "classification", json_object_new_string(a->classification));
	json_object_object_add(o, "purpose", json_object_new_string(a->purpose));
	json_object_object_add(o, "methods", methods);
	json_object_object_add(o, "min_level",
			       a->min_level ? json_object_new_string(level_name(a->min_level)) : NULL);
	json_object_object_add(o, "valid_until", json_object_new_string(a->valid_until));
	json_object_object_add(o, "note", str_or_null(a->note));
	json_object_object_add(o, "hash", json_object_new_string(a->hash));
	json_object_object_add(o, "media", media);
	cli_print_json(o);
	json_object_put(o);
}

/* Loads with the trust store; an untrusted or changed file is loaded again
 * without it, to show what it says beside why it does not count. */
static int load(const struct show_ctl *c, struct kesu_approval **a, bool *trusted, char *reason,
		size_t size)
{
	char path[4096], err[KESU_ERRMSG_MAX];
	struct kesu_trust *t = NULL;
	int code = cli_trust_open_configured(c->trust, path, sizeof(path), &t);
	if (code != KESU_EXIT_OK)
		return code;
	int rc = kesu_approval_load(c->file, t, a, reason, size);
	kesu_trust_free(t);
	*trusted = rc == 0;
	const char *why = reason;
	if (rc == -KESU_EVERIFY) {
		rc = kesu_approval_load(c->file, NULL, a, err, sizeof(err));
		why = err;
	}
	if (rc) {
		cli_error("approval show: %s", why);
		return rc == -KESU_EPARSE ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	return KESU_EXIT_OK;
}

static int cmd_approval_show(int argc, char **argv)
{
	struct show_ctl c = {0};
	char reason[KESU_ERRMSG_MAX] = "", err[KESU_ERRMSG_MAX];
	int code = show_args(argc, argv, &c);
	if (code)
		return code < 0 ? KESU_EXIT_OK : code;
	struct kesu_approval *a = NULL;
	bool trusted = false;
	code = load(&c, &a, &trusted, reason, sizeof(reason));
	if (code != KESU_EXIT_OK)
		return code;
	if (c.json)
		print_json(a, trusted, reason);
	else
		print_text(a, trusted, reason, time(NULL));
	if (c.pdf && !trusted) {
		cli_error("approval show: no form for an approval that is not trusted: %s", reason);
	} else if (c.pdf) {
		struct kesu_method_set *set = NULL;
		kesu_method_set_load(&set, NULL, err, sizeof(err)); /* titles only: ids without */
		struct stat st;
		int rc = !c.force && stat(c.pdf, &st) == 0 ? -EEXIST
			 : kesu_pdf_approval(a, NULL, 0, set, c.pdf, err, sizeof(err));
		kesu_method_set_free(set);
		if (rc == -EEXIST)
			cli_error("approval show: %s exists; it is not replaced without --force", c.pdf);
		else if (rc)
			cli_error("approval show: %s", err);
		code = rc == -EEXIST ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	kesu_approval_free(a);
	return trusted ? code : KESU_EXIT_VERIFY;
}

int cmd_approval(int argc, char **argv)
{
	if (argc < 2) {
		approval_usage(stderr);
		return KESU_EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		approval_usage(stdout);
		return KESU_EXIT_OK;
	}
	if (strcmp(argv[1], "show") == 0)
		return cmd_approval_show(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_approval_status(argc - 1, argv + 1);
	cli_error("approval: unknown subcommand \"%s\" (show or status)", argv[1]);
	return KESU_EXIT_USAGE;
}

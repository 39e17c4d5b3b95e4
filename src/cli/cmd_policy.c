/* kesu policy show: the rules in force for each 重要性分類 and where each
 * comes from, the built-in default or FILE:LINE (docs/policy.md). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kesu/policy.h"
#include "kesu/vocabulary.h"

static void policy_usage(FILE *out)
{
	fputs(_("Usage: kesu policy show [--policy FILE] [--methods-dir DIR] [--json]\n\n"
	      "Prints the policy profile in force: for each class (重要性分類 I, II, III)\n"
	      "whether prior approval and a witness are required, the methods allowed,\n"
	      "the minimum NIST SP 800-88 level and verification, and what a failed\n"
	      "erasure requires; and where each rule comes from: \"default\" or FILE:LINE.\n"
	      "The policy is --policy FILE, else the config file's policy = PATH, else\n"
	      "the built-in default. The format and the refusals: docs/policy.md.\n\n"
	      "  --policy FILE      the policy file to show\n"
	      "  --methods-dir DIR  also count DIR/*.method as known methods\n"
	      "  -J, --json         the same as JSON\n"),
	      out);
}

static void methods_text(const struct kesu_policy_class *c, char *buf, size_t size)
{
	snprintf(buf, size, "any");
	for (size_t i = 0, n = 0; i < c->n_methods && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", c->methods[i]);
}

static const char *level_text(const struct kesu_policy_class *c)
{
	return c->min_level ? kesu_nist_level_name(c->min_level) : "any";
}

static void row(const char *rule, const char *value, const char *from, int width)
{
	printf("  %-11s %-*s  %s\n", rule, width, value, from);
}

/* One block per class; the sources line up after the widest value. */
static void print_text(const struct kesu_policy *p)
{
	char methods[KESU_POLICY_CLASSES][KESU_POLICY_METHODS_MAX * (KESU_METHOD_ID_MAX + 2)];
	int width = 8; /* "required" */
	for (size_t i = 0; i < KESU_POLICY_CLASSES; i++) {
		methods_text(&p->cls[i], methods[i], sizeof(methods[i]));
		if ((int)strlen(methods[i]) > width)
			width = (int)strlen(methods[i]);
	}
	if (!p->path[0])
		printf(_("Policy: built-in default (no policy file)\n"));
	else
		printf(_("Policy: %s (%s)\n"), p->name[0] ? p->name : _("unnamed"), p->path);
	if (p->trust[0])
		printf(_("Trust store: %s (%s)\n"), p->trust, p->trust_from);
	for (size_t i = 0; i < KESU_POLICY_CLASSES; i++) {
		const struct kesu_term *t = kesu_vocab_at(KESU_VOCAB_CLASS, i);
		const struct kesu_policy_class *c = kesu_policy_class(p, t->id);
		printf(_("\nClass %s (重要性分類%s)\n"), t->id, t->ja);
		row("approval", c->approval_required ? "required" : "optional", c->from.approval, width);
		row("witness", c->witness_required ? "required" : "optional", c->from.witness, width);
		row("methods", methods[i], c->from.methods, width);
		row("min_level", level_text(c), c->from.min_level, width);
		row("min_verify", kesu_policy_verify_name(c->min_verify), c->from.min_verify, width);
		row("on_failure", kesu_policy_failure_name(c->on_failure), c->from.on_failure, width);
	}
}

static void add_rule(struct json_object *o, const char *key, struct json_object *value,
		     const char *from)
{
	struct json_object *r = json_object_new_object();
	json_object_object_add(r, "value", value);
	json_object_object_add(r, "from", json_object_new_string(from));
	json_object_object_add(o, key, r);
}

static struct json_object *class_json(const struct kesu_policy_class *c)
{
	struct json_object *o = json_object_new_object(), *m = json_object_new_array();
	for (size_t i = 0; i < c->n_methods; i++)
		json_object_array_add(m, json_object_new_string(c->methods[i]));
	add_rule(o, "approval", json_object_new_string(c->approval_required ? "required" : "optional"),
		 c->from.approval);
	add_rule(o, "witness", json_object_new_string(c->witness_required ? "required" : "optional"),
		 c->from.witness);
	add_rule(o, "methods", m, c->from.methods);
	add_rule(o, "min_level", c->min_level ? json_object_new_string(level_text(c)) : NULL,
		 c->from.min_level);
	add_rule(o, "min_verify", json_object_new_string(kesu_policy_verify_name(c->min_verify)),
		 c->from.min_verify);
	add_rule(o, "on_failure", json_object_new_string(kesu_policy_failure_name(c->on_failure)),
		 c->from.on_failure);
	return o;
}

static void print_json(const struct kesu_policy *p)
{
	struct json_object *doc = json_object_new_object(), *classes = json_object_new_object();
	json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
	json_object_object_add(doc, "name", p->name[0] ? json_object_new_string(p->name) : NULL);
	json_object_object_add(doc, "path", p->path[0] ? json_object_new_string(p->path) : NULL);
	json_object_object_add(doc, "trust", p->trust[0] ? json_object_new_string(p->trust) : NULL);
	for (size_t i = 0; i < KESU_POLICY_CLASSES; i++) {
		const char *id = kesu_vocab_at(KESU_VOCAB_CLASS, i)->id;
		json_object_object_add(classes, id, class_json(kesu_policy_class(p, id)));
	}
	json_object_object_add(doc, "classes", classes);
	cli_print_json(doc);
	json_object_put(doc);
}

static int policy_show(const char *file, const char *methods_dir, bool json)
{
	struct cli_station *st = calloc(1, sizeof(*st));
	struct kesu_policy *p = malloc(sizeof(*p));
	struct kesu_method_set *set = NULL;
	char err[KESU_ERRMSG_MAX];
	int code = st && p ? cli_station_load_config(st) : KESU_EXIT_FAILURE;
	if (code == KESU_EXIT_OK)
		code = cli_policy_load(st, file, p);
	if (code == KESU_EXIT_OK && kesu_method_set_load(&set, methods_dir, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_USAGE;
	}
	if (code == KESU_EXIT_OK)
		code = cli_policy_methods(p, set);
	if (code == KESU_EXIT_OK) {
		if (json)
			print_json(p);
		else
			print_text(p);
	}
	kesu_method_set_free(set);
	free(p);
	free(st);
	return code;
}

int cmd_policy(int argc, char **argv)
{
	enum { O_POLICY = 256, O_DIR, O_JSON };
	static const struct option opts[] = {
		{"policy", required_argument, NULL, O_POLICY},
		{"methods-dir", required_argument, NULL, O_DIR},
		{"json", no_argument, NULL, O_JSON},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *file = NULL, *dir = NULL;
	bool json = false;
	int c;
	while ((c = cli_getopt(argc, argv, "hJ", opts, NULL)) != -1) {
		switch (c) {
		case O_POLICY: file = optarg; break;
		case O_DIR: dir = optarg; break;
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: json = true; break;
		case 'h': policy_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("policy");
		}
	}
	if (optind == argc) {
		policy_usage(stderr);
		return KESU_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "show") != 0) {
		cli_error("policy: unknown subcommand \"%s\" (only: show; kesu policy --help)",
			  argv[optind]);
		return KESU_EXIT_USAGE;
	}
	if (argc - optind > 1) {
		cli_error("policy show: unexpected argument \"%s\"", argv[optind + 1]);
		return KESU_EXIT_USAGE;
	}
	return policy_show(file, dir, json);
}

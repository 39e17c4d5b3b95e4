/* kesu methods [show ID]: the erasure methods kesu knows. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

static struct json_object *method_json(const struct kesu_method *m)
{
	char text[KESU_PASS_TEXT_MAX], hex[65];
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(m->id));
	json_object_object_add(o, "version", json_object_new_int((int)m->version));
	json_object_object_add(o, "title_en", json_object_new_string(m->title_en));
	json_object_object_add(o, "title_ja", json_object_new_string(m->title_ja));
	json_object_object_add(o, "standard", json_object_new_string(m->standard));
	json_object_object_add(o, "source", json_object_new_string(m->source));
	json_object_object_add(o, "nist_level", json_object_new_string(kesu_nist_level_name(m->nist)));
	json_object_object_add(o, "verify", json_object_new_string(kesu_verify_name(m->verify)));
	struct json_object *passes = json_object_new_array();
	for (unsigned i = 0; i < m->npasses; i++)
		json_object_array_add(passes, json_object_new_string(kesu_pass_format(&m->passes[i], text, sizeof(text))));
	json_object_object_add(o, "passes", passes);
	struct json_object *notes = json_object_new_array();
	for (unsigned i = 0; i < m->nnotes; i++)
		json_object_array_add(notes, json_object_new_string(m->notes[i]));
	json_object_object_add(o, "notes", notes);
	json_object_object_add(o, "builtin", json_object_new_boolean(m->builtin));
	json_object_object_add(o, "origin", json_object_new_string(m->origin));
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", m->sha256[i]);
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	return o;
}

static void show_method(const struct kesu_method *m)
{
	char text[KESU_PASS_TEXT_MAX];
	printf("%s (version %u)%s\n", m->id, m->version, m->builtin ? "" : "  [user method]");
	printf("  title      %s\n  タイトル   %s\n", m->title_en, m->title_ja);
	printf("  standard   %s\n  source     %s\n", m->standard, m->source);
	printf("  NIST level %s\n  verify     %s\n", kesu_nist_level_name(m->nist), kesu_verify_name(m->verify));
	printf("  passes     %u\n", m->npasses);
	for (unsigned i = 0; i < m->npasses; i++)
		printf("    %2u  %s\n", i + 1, kesu_pass_describe(&m->passes[i], text, sizeof(text)));
	for (unsigned i = 0; i < m->nnotes; i++)
		printf("  note       %s\n", m->notes[i]);
	if (!m->builtin)
		printf("  file       %s\n", m->origin);
}

static void methods_usage(FILE *out)
{
	fputs("Usage: kesu methods [--json] [--methods-dir DIR]\n"
	      "       kesu methods show [--json] [--methods-dir DIR] ID\n\n"
	      "Lists the erasure methods (built in, plus DIR/*.method), or shows one:\n"
	      "its standard and source, NIST SP 800-88 level, passes and verification.\n"
	      "The format of method files is in docs/methods.md.\n",
	      out);
}

int cmd_methods(int argc, char **argv)
{
	enum { O_DIR = 256, O_JSON };
	static const struct option opts[] = {
		{"json", no_argument, NULL, O_JSON}, {"methods-dir", required_argument, NULL, O_DIR},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	bool json = false;
	const char *dir = NULL;
	int c;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_JSON: json = true; break;
		case O_DIR: dir = optarg; break;
		case 'h': methods_usage(stdout); return KESU_EXIT_OK;
		default: methods_usage(stderr); return KESU_EXIT_USAGE;
		}
	}
	const char *show = NULL;
	if (optind < argc) {
		if (strcmp(argv[optind], "show") != 0 || argc - optind != 2) {
			methods_usage(stderr);
			return KESU_EXIT_USAGE;
		}
		show = argv[optind + 1];
	}
	struct kesu_method_set *set;
	char err[512];
	if (kesu_method_set_load(&set, dir, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_USAGE;
	}
	int code = KESU_EXIT_OK;
	if (show) {
		const struct kesu_method *m = kesu_method_set_find(set, show);
		if (!m) {
			cli_error("unknown method \"%s\" (kesu methods lists them)", show);
			code = KESU_EXIT_USAGE;
		} else if (json) {
			struct json_object *o = method_json(m);
			cli_print_json(o);
			json_object_put(o);
		} else {
			show_method(m);
		}
	} else if (json) {
		struct json_object *doc = json_object_new_object(), *arr = json_object_new_array();
		for (size_t i = 0; i < kesu_method_set_count(set); i++)
			json_object_array_add(arr, method_json(kesu_method_set_at(set, i)));
		json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
		json_object_object_add(doc, "methods", arr);
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		/* 80 columns: the title is cut; kesu methods show ID has it all. */
		printf("%-17s %-6s %-6s %-5s %s\n", "ID", "PASSES", "VERIFY", "NIST", "TITLE");
		for (size_t i = 0; i < kesu_method_set_count(set); i++) {
			const struct kesu_method *m = kesu_method_set_at(set, i);
			bool is_default = !strcmp(m->id, KESU_METHOD_DEFAULT);
			char id[32];
			snprintf(id, sizeof(id), "%s%s", m->id, is_default ? "*" : "");
			printf("%-17s %-6u %-6s %-5s %.41s\n", id, m->npasses, kesu_verify_name(m->verify),
			       kesu_nist_level_name(m->nist), m->title_en);
		}
		printf("* the default method\n");
	}
	kesu_method_set_free(set);
	return code;
}

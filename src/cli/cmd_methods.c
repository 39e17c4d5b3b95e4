/* kesu methods [show ID]: the erasure methods kesu knows. */
#include <getopt.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/purge.h"

/* The NIST level a firmware method reaches on one kind of media
 * (kesu_purge_level, looked up by the command, so a user method that
 * sends a shipped command gets the same answer): "clear", "purge",
 * "not applicable" (block erase on a spinning disk), or NULL when kesu
 * has no level for the command. auto-purge only ever chooses a purge. */
static const char *level_on(const struct kesu_method *m, bool rotational)
{
	if (m->technique != KESU_TECHNIQUE_FIRMWARE)
		return kesu_nist_level_name(m->nist);
	if (m->firmware == KESU_FW_AUTO)
		return kesu_nist_level_name(KESU_NIST_PURGE);
	struct kesu_erase_caps caps = {.rotational = rotational ? KESU_YES : KESU_NO};
	int level = kesu_purge_level(kesu_firmware_command_name(m->firmware), &caps);
	if (level == -KESU_EUNSUPPORTED)
		return "not applicable";
	if (level < 0)
		return NULL;
	return kesu_nist_level_name((enum kesu_nist_level)level);
}

/* True when some media gets less than the method's best level. */
static bool lowered_on_some_media(const struct kesu_method *m)
{
	if (m->technique != KESU_TECHNIQUE_FIRMWARE || m->firmware == KESU_FW_AUTO)
		return false;
	for (int rotational = 0; rotational < 2; rotational++) {
		struct kesu_erase_caps caps = {.rotational = rotational ? KESU_YES : KESU_NO};
		int level = kesu_purge_level(kesu_firmware_command_name(m->firmware), &caps);
		if (level > 0 && level < (int)m->nist)
			return true;
	}
	return false;
}

static struct json_object *string_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *method_json(const struct kesu_method *m)
{
	char text[KESU_PASS_TEXT_MAX], hex[65];
	bool firmware = m->technique == KESU_TECHNIQUE_FIRMWARE;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(m->id));
	json_object_object_add(o, "version", json_object_new_int((int)m->version));
	json_object_object_add(o, "title_en", json_object_new_string(m->title_en));
	json_object_object_add(o, "title_ja", json_object_new_string(m->title_ja));
	json_object_object_add(o, "standard", json_object_new_string(m->standard));
	json_object_object_add(o, "source", json_object_new_string(m->source));
	json_object_object_add(o, "technique", json_object_new_string(kesu_technique_name(m->technique)));
	json_object_object_add(o, "firmware",
			       firmware ? json_object_new_string(kesu_firmware_command_name(m->firmware)) : NULL);
	json_object_object_add(o, "leaves",
			       firmware ? json_object_new_string(kesu_leaves_name(m->leaves)) : NULL);
	json_object_object_add(o, "nist_level", json_object_new_string(kesu_nist_level_name(m->nist)));
	struct json_object *media = json_object_new_object();
	json_object_object_add(media, "rotational", string_or_null(level_on(m, true)));
	json_object_object_add(media, "flash", string_or_null(level_on(m, false)));
	json_object_object_add(o, "nist_level_by_media", media);
	json_object_object_add(o, "verify", json_object_new_string(kesu_verify_name(m->verify)));
	/* The passes as the file writes them: a firmware method has none (its
	 * one step is the command). */
	struct json_object *passes = json_object_new_array();
	for (unsigned i = 0; !firmware && i < m->npasses; i++)
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

static void show_firmware(const struct kesu_method *m)
{
	printf(_("  technique  firmware: a command makes the drive erase itself; no passes\n"));
	printf(_("  command    %s: %s\n"), kesu_firmware_command_name(m->firmware),
	       kesu_firmware_command_title(m->firmware));
	if (m->firmware == KESU_FW_AUTO)
		printf(_("  leaves     %s here; the chosen method's own value applies\n"),
		       kesu_leaves_name(m->leaves));
	else if (m->leaves == KESU_LEAVES_ZERO)
		printf(_("  leaves     zero: no proof marker may remain and the drive must read zeros\n"));
	else
		printf(_("  leaves     changed: no proof marker may remain (contents vendor-defined)\n"));
	printf(_("  NIST level %s at best; a job records the level for the drive's media:\n"),
	       kesu_nist_level_name(m->nist));
	const char *hdd = level_on(m, true), *ssd = level_on(m, false);
	printf(_("  per media  on HDD: %s / on SSD: %s%s\n"), hdd ? hdd : "unknown", ssd ? ssd : "unknown",
	       m->firmware == KESU_FW_AUTO ? _(" (or refused when the drive offers no purge)") : "");
	printf(_("  verify     %s\n"), kesu_verify_name(m->verify));
}

static void show_method(const struct kesu_method *m)
{
	char text[KESU_PASS_TEXT_MAX];
	printf(_("%s (version %u)%s\n"), m->id, m->version, m->builtin ? "" : _("  [user method]"));
	printf("  title      %s\n  タイトル   %s\n", m->title_en, m->title_ja);
	printf(_("  standard   %s\n  source     %s\n"), m->standard, m->source);
	if (m->technique == KESU_TECHNIQUE_FIRMWARE) {
		show_firmware(m);
	} else {
		printf(_("  technique  overwrite: kesu writes the passes\n"));
		printf(_("  NIST level %s\n  verify     %s\n"), kesu_nist_level_name(m->nist),
		       kesu_verify_name(m->verify));
		printf(_("  passes     %u\n"), m->npasses);
		for (unsigned i = 0; i < m->npasses; i++)
			printf("    %2u  %s\n", i + 1, kesu_pass_describe(&m->passes[i], text, sizeof(text)));
	}
	for (unsigned i = 0; i < m->nnotes; i++)
		printf(_("  note       %s\n"), m->notes[i]);
	if (!m->builtin)
		printf(_("  file       %s\n"), m->origin);
}

/* Prints s cut to at most cols terminal columns, at a character boundary.
 * Characters of 3 or 4 bytes from U+1000 up count 2 columns: CJK titles
 * are wide, and an over-estimate only cuts a little early. */
static void print_cut(const char *s, size_t cols)
{
	size_t used = 0, i = 0;
	while (s[i]) {
		unsigned char c = (unsigned char)s[i];
		size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
		size_t width = (c >= 0xe1) ? 2 : 1;
		if (used + width > cols)
			break;
		used += width;
		i += len;
	}
	while (s[i] && i && s[i - 1] == ' ')
		i--; /* cut: no trailing blank */
	printf("%.*s", (int)i, s);
}

#define TABLE_COLS 80
#define FIXED_COLS 31 /* TECHNIQUE PASSES VERIFY NIST and the spaces between */

/* At a terminal the table fits its width (80 when unknown); into a pipe or
 * a file the titles stay whole (SIZE_MAX): a script or a reader of
 * kesu methods | less wants them all, as ls and lsblk do. */
static size_t table_cols(void)
{
	struct winsize ws;
	if (!isatty(STDOUT_FILENO))
		return SIZE_MAX;
	return ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40 ? ws.ws_col : TABLE_COLS;
}

/* One group of the table (overwrite or firmware methods), its ID column
 * as wide as its longest id so that titles keep as much as 80 columns
 * allow. Returns whether a NIST level was marked. */
static bool print_group(const struct kesu_method_set *set, enum kesu_technique technique)
{
	size_t idw = 2;
	bool any = false, marked = false;
	for (size_t i = 0; i < kesu_method_set_count(set); i++) {
		const struct kesu_method *m = kesu_method_set_at(set, i);
		size_t len = strlen(m->id) + !strcmp(m->id, KESU_METHOD_DEFAULT);
		if (m->technique == technique && len > idw)
			idw = len;
		any = any || m->technique == technique;
	}
	if (!any)
		return false;
	size_t cols = table_cols();
	size_t titlew = cols == SIZE_MAX ? SIZE_MAX
			: cols > idw + 1 + FIXED_COLS ? cols - idw - 1 - FIXED_COLS : 0;
	/* Headings padded by display width, not bytes: translated ones may be
	 * Japanese (two columns a character). */
	static const char *const heads[] = {N_("ID"), N_("TECHNIQUE"), N_("PASSES"), N_("VERIFY"),
					    N_("NIST")};
	const size_t widths[] = {idw, 9, 6, 6, 6};
	for (size_t k = 0; k < sizeof(heads) / sizeof(heads[0]); k++) {
		cli_put_padded(_(heads[k]), widths[k]);
		putchar(' ');
	}
	printf("%s\n", _("TITLE"));
	for (size_t i = 0; i < kesu_method_set_count(set); i++) {
		const struct kesu_method *m = kesu_method_set_at(set, i);
		if (m->technique != technique)
			continue;
		char id[KESU_METHOD_ID_MAX + 2], passes[16], nist[16];
		snprintf(id, sizeof(id), "%s%s", m->id, !strcmp(m->id, KESU_METHOD_DEFAULT) ? "*" : "");
		if (technique == KESU_TECHNIQUE_FIRMWARE)
			snprintf(passes, sizeof(passes), "-");
		else
			snprintf(passes, sizeof(passes), "%u", m->npasses);
		bool lowered = lowered_on_some_media(m);
		marked = marked || lowered;
		snprintf(nist, sizeof(nist), "%s%s", kesu_nist_level_name(m->nist), lowered ? "*" : "");
		printf("%-*s %-9s %-6s %-6s %-6s ", (int)idw, id, kesu_technique_name(m->technique),
		       passes, kesu_verify_name(m->verify), nist);
		print_cut(m->title_en, titlew);
		putchar('\n');
	}
	return marked;
}

static void print_table(const struct kesu_method_set *set)
{
	/* Overwrite methods first (what policies name), then firmware ones;
	 * at a terminal titles are cut to its width: kesu methods show ID has
	 * it all. */
	bool marked = print_group(set, KESU_TECHNIQUE_OVERWRITE);
	bool firmware = false;
	for (size_t i = 0; i < kesu_method_set_count(set) && !firmware; i++)
		firmware = kesu_method_set_at(set, i)->technique == KESU_TECHNIQUE_FIRMWARE;
	if (firmware) {
		putchar('\n');
		marked = print_group(set, KESU_TECHNIQUE_FIRMWARE) || marked;
	}
	printf(_("* after an ID: the default method\n"));
	if (marked)
		printf(_("* after a NIST level: the best level, not reached on every media (on flash,\n"
		       "  ATA Security Erase and sanitize overwrite reach only clear); the level per\n"
		       "  media: kesu methods show ID\n"));
}

void cli_unknown_method(const char *prefix, const struct kesu_method_set *set, const char *id)
{
	const struct kesu_method *near = kesu_method_set_nearest(set, id);
	if (near)
		cli_error("%sunknown method \"%s\"; did you mean %s? (kesu methods lists them)", prefix,
			  id, near->id);
	else
		cli_error("%sunknown method \"%s\" (kesu methods lists them)", prefix, id);
}

static void methods_usage(FILE *out)
{
	fputs(_("Usage: kesu methods [--json] [--methods-dir DIR]\n"
	      "       kesu methods show [--json] [--methods-dir DIR] ID\n\n"
	      "Lists the erasure methods (built in, plus DIR/*.method), or shows one:\n"
	      "its standard and source, NIST SP 800-88 level, passes and verification;\n"
	      "for a firmware method, its command, what it leaves and its level on\n"
	      "hard disks and on flash. The format of method files is in docs/methods.md.\n"),
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
	while ((c = cli_getopt(argc, argv, "hJ", opts, NULL)) != -1) {
		switch (c) {
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: json = true; break;
		case O_DIR: dir = optarg; break;
		case 'h': methods_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("methods");
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
	char err[KESU_ERRMSG_MAX];
	if (kesu_method_set_load(&set, dir, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_USAGE;
	}
	int code = KESU_EXIT_OK;
	if (show) {
		const struct kesu_method *m = kesu_method_set_find(set, show);
		if (!m) {
			cli_unknown_method("", set, show);
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
		print_table(set);
	}
	kesu_method_set_free(set);
	return code;
}

/* One description of a drive's facts (src/cli/device_columns.c) feeds
 * kesu list's columns, kesu info's identity lines and the JSON device
 * object. These tests hold the three to it, through the kesu binary
 * itself: a fact one of them shows past the table, a row one of them
 * leaves out, or a value or JSON type that differs from the table's,
 * fails here. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "device_columns.h"

static char dir[64], img[128], loop[64];
static struct kesu_device dev; /* the image or the loop device, probed here */

static void setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/kesu-columns.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(img, sizeof(img), "%s/disk.img", dir);
	FILE *f = fopen(img, "w");
	cr_assert_not_null(f);
	cr_assert_eq(ftruncate(fileno(f), 16 << 20), 0);
	fclose(f);
	loop[0] = '\0';
}

static void teardown(void)
{
	char cmd[160];
	if (loop[0]) {
		snprintf(cmd, sizeof(cmd), "losetup -d %s", loop);
		cr_expect_eq(system(cmd), 0);
	}
	unlink(img);
	rmdir(dir);
}

TestSuite(columns, .init = setup, .fini = teardown, .timeout = 60);

/* The whole standard output of a shell command, which must succeed. */
__attribute__((format(printf, 1, 2))) static char *run(const char *fmt, ...)
{
	char cmd[1536];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	cr_assert_not_null(p, "%s", cmd);
	size_t cap = 1 << 16, len = 0, n;
	char *out = malloc(cap);
	while ((n = fread(out + len, 1, cap - len - 1, p)) > 0)
		if ((len += n) == cap - 1)
			out = realloc(out, cap *= 2);
	out[len] = '\0';
	cr_assert_eq(pclose(p), 0, "%s failed", cmd);
	return out;
}

static void probe(const char *path)
{
	cr_assert_eq(kesu_device_probe(path, NULL, &dev), 0, "probe %s", path);
}

static void attach_loop(void)
{
	if (geteuid() != 0)
		cr_skip_test("needs root (a loop device)");
	char *out = run("losetup -f --show %s", img);
	sscanf(out, "%63s", loop);
	free(out);
	cr_assert(loop[0]);
	probe(loop);
}

static bool json_type_ok(const struct cli_column *c, struct json_object *v)
{
	enum json_type t = json_object_get_type(v);
	switch (c->type) {
	case CLI_COL_STRING: return t == json_type_string || t == json_type_null;
	case CLI_COL_NUMBER:
	case CLI_COL_SIZE: return t == json_type_int || t == json_type_null;
	case CLI_COL_BOOL: return t == json_type_boolean || t == json_type_null;
	case CLI_COL_LIST:
	case CLI_COL_ARRAY: return t == json_type_array;
	case CLI_COL_OBJECT: return t == json_type_object || t == json_type_null;
	}
	return false;
}

/* A device object holds the table's keys, in the table's order, nothing
 * else, each with its row's type; a fact the drive was not asked about
 * (CLI_COL_ASKS) aside, each value is the table's for the same drive. */
static void check_device_object(struct json_object *o)
{
	const struct cli_drive d = {.dev = &dev};
	size_t i = 0;
	json_object_object_foreach(o, key, val) {
		while (i < cli_ncolumns && !cli_columns[i].key)
			i++;
		cr_assert_lt(i, cli_ncolumns, "\"%s\" is in the JSON, not in the column table", key);
		const struct cli_column *c = &cli_columns[i++];
		cr_assert_str_eq(key, c->key, "the JSON has \"%s\" where the table has \"%s\"", key, c->key);
		cr_expect(json_type_ok(c, val), "%s: %s does not fit the row's type", key,
			  json_object_to_json_string(val));
		if (c->flags & CLI_COL_ASKS)
			continue;
		struct json_object *want = cli_column_json(c, &d);
		cr_expect(json_object_equal(val, want), "%s: kesu says %s, the table %s", key,
			  json_object_to_json_string(val), json_object_to_json_string(want));
		json_object_put(want);
	}
	while (i < cli_ncolumns && !cli_columns[i].key)
		i++;
	cr_assert_eq(i, cli_ncolumns, "\"%s\" is in the table, not in the JSON",
		     i < cli_ncolumns ? cli_columns[i].key : "");
}

/* kesu info's first section: one line a labelled row, worded as the
 * table words it, and no other line. */
static void check_info(const char *path)
{
	const struct cli_drive d = {.dev = &dev};
	char *out = run("%s info %s", KESU_BIN, path), *save = NULL, want[CLI_COL_TEXT_MAX + 64];
	char *line = strtok_r(out, "\n", &save);
	cr_assert_str_eq(line, dev.path, "kesu info starts with the path");
	line = strtok_r(NULL, "\n", &save);
	for (size_t i = 0; i < cli_ncolumns; i++) {
		const struct cli_column *c = &cli_columns[i];
		char value[CLI_COL_TEXT_MAX];
		if (!c->label || !cli_column_info(c, &d, value, sizeof(value)))
			continue;
		snprintf(want, sizeof(want), "  %-22s %s", c->label, value[0] ? value : "unknown");
		cr_assert_not_null(line, "kesu info has no \"%s\" line", c->label);
		cr_expect_str_eq(line, want, "kesu info's \"%s\" line", c->label);
		line = strtok_r(NULL, "\n", &save);
	}
	cr_expect(line && line[0] != ' ', "kesu info has an identity line the table does not: %s", line);
	free(out);
}

Test(columns, table_is_well_formed)
{
	for (size_t i = 0; i < cli_ncolumns; i++) {
		const struct cli_column *c = &cli_columns[i];
		cr_expect(c->name || c->key || c->label, "row %zu is shown nowhere", i);
		cr_expect(c->help && c->help[0], "row %zu has no help", i);
		bool built = c->type == CLI_COL_ARRAY || c->type == CLI_COL_OBJECT;
		cr_expect(built ? c->json && c->key && !c->name && !c->label && !c->value
				: c->value && !c->json,
			  "row %zu: a JSON-only type has a JSON builder, the others a value", i);
		for (size_t j = 0; j < i; j++) {
			const struct cli_column *o = &cli_columns[j];
			cr_expect(!c->name || !o->name || strcasecmp(c->name, o->name), "%s twice", c->name);
			cr_expect(!c->key || !o->key || strcmp(c->key, o->key), "%s twice", c->key);
			cr_expect(!c->label || !o->label || strcmp(c->label, o->label), "%s twice", c->label);
		}
	}
	cr_expect_eq(cli_column_find("serial"), cli_column_find("SERIAL"));
	cr_expect_null(cli_column_find("rotational"), "a JSON-only row is not a table column");
}

Test(columns, info_and_json_of_an_image_file)
{
	probe(img);
	check_info(img);
	char *out = run("%s info --json %s", KESU_BIN, img);
	struct json_object *doc = json_tokener_parse(out);
	cr_assert_not_null(doc, "kesu info --json parses");
	json_object_object_del(doc, "json_format_version"); /* every document's (docs/formats.md) */
	json_object_object_del(doc, "kesu_version");
	check_device_object(doc);
	json_object_put(doc);
	free(out);
}

/* The loop device's object in kesu list --json, and kesu info of it (its
 * backing file line, which an image file has not). */
Test(columns, list_json_and_info_of_a_loop_device)
{
	attach_loop();
	char *out = run("%s list --json", KESU_BIN);
	struct json_object *doc = json_tokener_parse(out), *found = NULL;
	cr_assert_not_null(doc, "kesu list --json parses");
	struct json_object *devs = json_object_object_get(doc, "devices");
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *o = json_object_array_get_idx(devs, i);
		if (!strcmp(json_object_get_string(json_object_object_get(o, "path")), loop))
			found = o;
	}
	cr_assert_not_null(found, "kesu list --json lists %s", loop);
	check_device_object(found);
	json_object_put(doc);
	free(out);
	check_info(loop);
}

/* Every table column, by name, in --raw (no alignment, spaces as \x20):
 * the header is the names, the loop device's cells are the table's. */
Test(columns, list_raw_has_every_column)
{
	attach_loop();
	const struct cli_drive d = {.dev = &dev};
	char names[1024] = "", header[1024] = "", row[4096] = "", cell[CLI_COL_TEXT_MAX];
	for (size_t i = 0; i < cli_ncolumns; i++) {
		if (!cli_columns[i].name)
			continue;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 names[0] ? "," : "", cli_columns[i].name);
		snprintf(header + strlen(header), sizeof(header) - strlen(header), "%s%s",
			 header[0] ? " " : "", cli_columns[i].name);
		cli_column_text(&cli_columns[i], &d, cell, sizeof(cell));
		cr_assert_null(strpbrk(cell, " \\"), "%s: pick a loop device without spaces", cell);
		snprintf(row + strlen(row), sizeof(row) - strlen(row), "%s%s", row[0] ? " " : "", cell);
	}
	char *out = run("%s list --raw -o %s", KESU_BIN, names);
	cr_expect_eq(strncmp(out, header, strlen(header)), 0, "the header is the names: %s", out);
	char *line = strstr(out, row);
	cr_expect(line && (line == out || line[-1] == '\n') && line[strlen(row)] == '\n',
		  "kesu list --raw has the row\n%s\nin\n%s", row, out);
	free(out);
}

/* kesu list --help: every table column with its help, as the table has it. */
Test(columns, list_help_lists_every_column)
{
	char *out = run("%s list --help", KESU_BIN), want[256];
	for (size_t i = 0; i < cli_ncolumns; i++) {
		if (!cli_columns[i].name)
			continue;
		snprintf(want, sizeof(want), "\n  %-9s %s\n", cli_columns[i].name, cli_columns[i].help);
		cr_expect_not_null(strstr(out, want), "kesu list --help lacks%s", want);
	}
	free(out);
}

/* The columns that need the drive asked read its answer, and only an
 * answer: '-' when it was not asked or did not answer. */
Test(columns, asked_columns_read_the_answer)
{
	probe(img);
	static struct kesu_drive_caps caps = {.queried = true, .bus = KESU_BUS_ATA, .hpa_checked = true,
					      .hpa_hidden_sectors = 2048};
	caps.ata.security_supported = caps.ata.security_frozen = true;
	struct cli_drive d = {.dev = &dev, .caps = &caps};
	char cell[CLI_COL_TEXT_MAX];
	cli_column_text(cli_column_find("SECURITY"), &d, cell, sizeof(cell));
	cr_expect_str_eq(cell, "frozen");
	cli_column_text(cli_column_find("HPA"), &d, cell, sizeof(cell));
	cr_expect_str_eq(cell, "2048");
	caps.queried = false;
	for (size_t i = 0; i < cli_ncolumns; i++) {
		if (!cli_columns[i].name || !(cli_columns[i].flags & CLI_COL_ASKS))
			continue;
		cli_column_text(&cli_columns[i], &d, cell, sizeof(cell));
		cr_expect_str_eq(cell, "-", "%s without an answer", cli_columns[i].name);
	}
}

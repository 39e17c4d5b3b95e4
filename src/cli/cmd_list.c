/* kesu list: every disk, or the DEVICEs named, one row each. One column
 * table drives the human table and -o; --json prints every field of every
 * device, or with -o only those columns, as lsblk -J -o does. */
#include <errno.h>
#include <getopt.h>
#include <libsmartcols.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <wchar.h>

#include "cli.h"
#include "device_columns.h"
#include "kesu/firmware.h"
#include "kesu/grammar.h"
#include "kesu/host.h"
#include "kesu/purge.h"

#define CELL CLI_COL_TEXT_MAX
#define MAX_COLS 32

/* What each listed drive said about firmware erasure, parallel to the
 * device array; only filled when --json or a firmware column asks. */
struct list_firmware {
	struct kesu_drive_caps caps;
	char why[KESU_ERRMSG_MAX];
};

static const char default_columns[] = "DEVICE,TRAN,TYPE,SIZE,MODEL,SERIAL,STATE,HEALTH";

struct list_ctl {
	const struct cli_column *cols[MAX_COLS];
	size_t ncols;
	bool json;
	bool chosen;   /* -o given: --json prints only those columns */
	bool raw;      /* no alignment: one line a drive, cells separated by a space */
	bool noheadings;
	bool truncate; /* fit the table into 80 columns */
};

static int parse_columns(struct list_ctl *ctl, const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	ctl->ncols = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct cli_column *found = cli_column_find(tok);
		if (!found || ctl->ncols == MAX_COLS) {
			cli_error("-o: unknown column \"%s\" (kesu list --help lists them)", tok);
			free(copy);
			return -1;
		}
		ctl->cols[ctl->ncols++] = found;
	}
	free(copy);
	return ctl->ncols ? 0 : -1;
}

/* Cuts s to at most width display columns, ending in '~' when cut (never
 * inside a character, so a wide character may leave one column free). */
static void cut_to_width(char *s, size_t width)
{
	if (width == 0 || cli_text_width(s) <= width)
		return;
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t w = 0, len = strlen(s);
	char *p = s;
	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, p, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
			n = 1, wc = L'?';
		int cw = wcwidth(wc);
		size_t next = w + (cw < 0 ? 1 : (size_t)cw);
		if (next > width - 1)
			break;
		w = next;
		p += n;
		len -= n;
	}
	p[0] = '~';
	p[1] = '\0';
}

/* Fits 80 columns by narrowing the identity text columns, the widest
 * first, never below 8. The serial stays whole where it can: it is what
 * the operator types to confirm. */
static void fit_80(const struct list_ctl *ctl, size_t *width)
{
	size_t total = ctl->ncols - 1;
	for (size_t c = 0; c < ctl->ncols; c++)
		total += width[c];
	while (total > 80) {
		size_t widest = MAX_COLS;
		for (size_t c = 0; c < ctl->ncols; c++)
			if ((ctl->cols[c]->flags & CLI_COL_TRUNC) && width[c] > 8 &&
			    (widest == MAX_COLS || width[c] > width[widest] ||
			     (width[c] == width[widest] && (ctl->cols[widest]->flags & CLI_COL_TRUNC_LAST))))
				widest = c;
		if (widest == MAX_COLS)
			break;
		width[widest]--;
		total--;
	}
}

/* The table through libsmartcols, as lsblk prints it: it aligns by display
 * width and gives --raw; kesu decides what is cut to fit (above). */
static int print_table(const struct list_ctl *ctl, const struct cli_drive *drives, size_t n)
{
	cli_utf8_ctype();
	char(*cells)[CELL] = calloc((n ? n : 1) * ctl->ncols, CELL);
	struct libscols_table *tb = cells ? scols_new_table() : NULL;
	if (!tb) {
		free(cells);
		return -ENOMEM;
	}
	size_t width[MAX_COLS];
	for (size_t c = 0; c < ctl->ncols; c++) {
		width[c] = strlen(ctl->cols[c]->name);
		for (size_t r = 0; r < n; r++) {
			char *cell = cells[r * ctl->ncols + c];
			cli_column_text(ctl->cols[c], &drives[r], cell, CELL);
			if (cli_text_width(cell) > width[c])
				width[c] = cli_text_width(cell);
		}
	}
	if (ctl->truncate && !ctl->raw)
		fit_80(ctl, width);
	int rc = 0;
	scols_table_enable_raw(tb, ctl->raw);
	scols_table_enable_noheadings(tb, ctl->noheadings);
	/* The library made every cell printable; --raw escapes spaces and
	 * non-ASCII (\xNN) so that a script can split a line, as lsblk --raw. */
	scols_table_enable_noencoding(tb, !ctl->raw);
	scols_table_set_termforce(tb, SCOLS_TERMFORCE_NEVER); /* the widths are ours */
	for (size_t c = 0; c < ctl->ncols && rc == 0; c++)
		if (!scols_table_new_column(tb, ctl->cols[c]->name, 0, 0))
			rc = -ENOMEM;
	for (size_t r = 0; r < n && rc == 0; r++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);
		if (!ln)
			rc = -ENOMEM;
		for (size_t c = 0; c < ctl->ncols && rc == 0; c++) {
			char *cell = cells[r * ctl->ncols + c];
			if (!ctl->raw)
				cut_to_width(cell, width[c]);
			rc = scols_line_set_data(ln, c, cell);
		}
	}
	if (rc == 0)
		rc = scols_print_table(tb);
	scols_unref_table(tb);
	free(cells);
	return rc;
}

/* Asks a drive once, and only one with a command channel kesu can use
 * without --allow-usb: loop devices, virtio, MMC and image files are not
 * opened at all. */
static void list_ask(struct kesu_device *dev, struct list_firmware *fw)
{
	fw->caps.bus = KESU_BUS_OTHER;
	switch (dev->transport) {
	case KESU_TRAN_SATA:
	case KESU_TRAN_PATA:
	case KESU_TRAN_SAS:
	case KESU_TRAN_SCSI:
	case KESU_TRAN_NVME:
		cli_drive_caps_ask(dev, 0, &fw->caps, fw->why, sizeof(fw->why));
		return;
	case KESU_TRAN_USB:
		snprintf(fw->why, sizeof(fw->why), "not asked: behind a USB bridge (kesu info "
			 "--allow-usb %s tries)", dev->path);
		return;
	default:
		snprintf(fw->why, sizeof(fw->why), kesu_takes_an(kesu_transport_name(dev->transport))
			 ? "not asked: an %s device has no firmware erase commands"
			 : "not asked: a %s device has no firmware erase commands",
			 kesu_transport_name(dev->transport));
		return;
	}
}

/* The machine the drives are in, as a wipe here would record it. */
static struct json_object *host_json(void)
{
	struct kesu_host_identity h;
	char err[8];
	kesu_host_identity_read(NULL, &h, err, sizeof(err));
	const char *names[] = {"asset_tag", "manufacturer", "product", "serial"};
	const char *values[] = {h.asset_tag, h.manufacturer, h.product, h.serial};
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; i < 4; i++)
		json_object_object_add(o, names[i], values[i][0] ? json_object_new_string(values[i]) : NULL);
	return o;
}

/* -J -o: only the chosen columns, under the device object's keys (a
 * column with no key of its own, such as HEALTH or BYTES, under its name
 * in lower case with '_' for '-'), valued as in the full object. */
static struct json_object *chosen_json(const struct list_ctl *ctl, const struct cli_drive *d)
{
	struct json_object *o = json_object_new_object();
	for (size_t c = 0; c < ctl->ncols; c++) {
		const struct cli_column *col = ctl->cols[c];
		char key[32];
		size_t k = 0;
		for (const char *p = col->name; *p && k + 1 < sizeof(key); p++)
			key[k++] = *p == '-' ? '_' : (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		key[k] = '\0';
		json_object_object_add(o, col->key ? col->key : key, cli_column_json(col, d));
	}
	return o;
}

static int list_json(const struct list_ctl *ctl, const struct cli_drive *drives, size_t n)
{
	struct json_object *doc = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
	json_object_object_add(doc, "host", host_json());
	for (size_t i = 0; i < n; i++)
		json_object_array_add(arr, ctl->chosen ? chosen_json(ctl, &drives[i])
					   : cli_device_json_firmware(drives[i].dev, drives[i].caps,
								      drives[i].why));
	json_object_object_add(doc, "devices", arr);
	cli_print_json(doc);
	json_object_put(doc);
	return KESU_EXIT_OK;
}

/* Asks the drives when --json or a chosen column needs them asked, then
 * prints. Returns an exit code. */
static int list_print(const struct list_ctl *ctl, struct kesu_device *devs, size_t n)
{
	bool ask = ctl->json && !ctl->chosen;
	for (size_t i = 0; i < ctl->ncols; i++)
		ask |= (ctl->cols[i]->flags & CLI_COL_ASKS) != 0;
	struct list_firmware *fw = ask ? calloc(n ? n : 1, sizeof(*fw)) : NULL;
	struct cli_drive *drives = calloc(n ? n : 1, sizeof(*drives));
	int code = KESU_EXIT_FAILURE;
	if (drives && (fw || !ask)) {
		for (size_t i = 0; i < n; i++) {
			drives[i].dev = &devs[i];
			if (ask) {
				list_ask(&devs[i], &fw[i]);
				drives[i].caps = &fw[i].caps;
				drives[i].why = fw[i].why;
			}
		}
		int rc = ctl->json ? list_json(ctl, drives, n) : print_table(ctl, drives, n);
		code = KESU_EXIT_OK;
		if (rc < 0) {
			cli_error("list: cannot print the table: %s", strerror(-rc));
			code = KESU_EXIT_FAILURE;
		}
	}
	free(drives);
	free(fw);
	return code;
}

/* kesu list DEVICE...: those block devices only, in the order given, as
 * lsblk DEVICE does. A path that is not a block device is refused in one
 * line (an image file is for kesu info). Returns an exit code. */
static int probe_named(char **paths, size_t count, struct kesu_device **devs, size_t *n)
{
	*devs = calloc(count, sizeof(**devs));
	*n = 0;
	if (!*devs)
		return KESU_EXIT_FAILURE;
	for (size_t i = 0; i < count; i++) {
		struct stat st;
		int rc = stat(paths[i], &st) < 0 ? -errno : S_ISBLK(st.st_mode) ? 0 : -ENOTBLK;
		if (rc == 0)
			rc = kesu_device_probe(paths[i], NULL, &(*devs)[*n]);
		if (rc < 0) {
			if (rc == -ENOTBLK)
				cli_error("list: %s: not a block device", paths[i]);
			else
				cli_error("list: %s: %s", paths[i], kesu_strerror(rc));
			free(*devs);
			*devs = NULL;
			return rc == -ENOTBLK ? KESU_EXIT_USAGE : cli_exit_for(rc);
		}
		(*n)++;
	}
	return KESU_EXIT_OK;
}

static void list_usage(FILE *out)
{
	fprintf(out, _("Usage: kesu list [--json | --raw] [-o COLUMNS] [--noheadings] [--no-truncate]\n"
		     "                 [DEVICE...]\n\n"
		     "Lists every disk of the machine and every attached loop device, or only\n"
		     "the block devices named.\n\n"
		     "  -o, --output COLS   comma-separated columns (default %s);\n"
		     "                      with --json, only those (keys as in docs/formats.md)\n"
		     "  -J, --json          every field of every device as JSON (docs/formats.md)\n"
		     "  -r, --raw           unaligned, one line a drive; spaces and non-ASCII as\n"
		     "                      \\xNN, as lsblk --raw (for scripts)\n"
		     "  -n, --noheadings    no header line\n"
		     "      --no-truncate   do not cut model and serial to fit 80 columns\n"
		     "  -h, --help          this help\n\nColumns:\n"),
		default_columns);
	for (size_t i = 0; i < cli_ncolumns; i++)
		if (cli_columns[i].name)
			fprintf(out, "  %-9s %s\n", cli_columns[i].name, _(cli_columns[i].help));
	fprintf(out, _("\nA '-' in the table means not known or none. PURGE, SECURITY, HPA and\n"
		     "--json ask SATA, SAS, SCSI and NVMe drives through their command\n"
		     "channel (read-only; needs root); other drives are not asked.\n"));
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'J'},
		{"no-truncate", no_argument, NULL, 'T'},  {"raw", no_argument, NULL, 'r'},
		{"noheadings", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct list_ctl ctl = {.truncate = true};
	const char *spec = default_columns;
	int c;
	while ((c = cli_getopt(argc, argv, "o:Jrnh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': spec = optarg; ctl.chosen = true; break;
		case 'J': ctl.json = true; break;
		case 'T': ctl.truncate = false; break;
		case 'r': ctl.raw = true; break;
		case 'n': ctl.noheadings = true; break;
		case 'h': list_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("list");
		}
	}
	if (parse_columns(&ctl, spec) < 0)
		return KESU_EXIT_USAGE;

	struct kesu_device *devs;
	size_t n;
	if (optind < argc) {
		int named = probe_named(argv + optind, (size_t)(argc - optind), &devs, &n);
		if (named != KESU_EXIT_OK)
			return named;
	}
	int rc = optind < argc ? 0 : kesu_device_list(NULL, &devs, &n);
	if (rc < 0) {
		cli_error("list: cannot read the machine's disks: %s", kesu_strerror(rc));
		return cli_exit_for(rc);
	}
	int code = list_print(&ctl, devs, n);
	free(devs);
	return code;
}

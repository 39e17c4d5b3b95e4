/* kesu list: every disk, one row each. One column table drives the human
 * table and -o; --json prints every field of every device. */
#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <libsmartcols.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "cli.h"
#include "kesu/firmware.h"
#include "kesu/purge.h"

/* Declared in cli.h once it has them (device_json.c, cmd_info.c). */

#define CELL 512
#define MAX_COLS 32

typedef void (*cell_fn)(const struct kesu_device *dev, char *buf, size_t size);

struct column {
	const char *name;
	const char *help;
	bool truncatable; /* may be cut to fit 80 columns (identity text) */
	cell_fn cell;
};

/* What each listed drive said about firmware erasure, parallel to the
 * device array; only filled when --json or a firmware column asks. */
struct list_firmware {
	struct kesu_drive_caps caps;
	char why[KESU_ERRMSG_MAX];
};
static const struct kesu_device *fw_devs;
static const struct list_firmware *fw_info;

static const struct kesu_drive_caps *fw_caps(const struct kesu_device *d)
{
	const struct kesu_drive_caps *c = &fw_info[d - fw_devs].caps;
	return c->queried ? c : NULL;
}

static void put(char *buf, size_t size, const char *s)
{
	snprintf(buf, size, "%s", s && s[0] ? s : "-");
}

static void c_device(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->path); }
static void c_name(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->name); }
static void c_tran(const struct kesu_device *d, char *b, size_t n) { put(b, n, kesu_transport_name(d->transport)); }
static void c_vendor(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->vendor); }
static void c_model(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->model); }
static void c_serial(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->serial); }
static void c_firmware(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->firmware); }
static void c_wwn(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->wwn); }
static void c_type(const struct kesu_device *d, char *b, size_t n) { put(b, n, kesu_media_name(d)); }
static void c_ptable(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->ptable); }
static void c_state(const struct kesu_device *d, char *b, size_t n) { put(b, n, cli_device_state(d)); }
static void c_backing(const struct kesu_device *d, char *b, size_t n) { put(b, n, d->backing_file); }
static void c_reason(const struct kesu_device *d, char *b, size_t n) { put(b, n, cli_device_state_reason(d)); }

static void c_size(const struct kesu_device *d, char *b, size_t n)
{
	cli_format_size(d->size, b, n);
}

static void c_bytes(const struct kesu_device *d, char *b, size_t n)
{
	snprintf(b, n, "%llu", (unsigned long long)d->size);
}

static void c_lsec(const struct kesu_device *d, char *b, size_t n)
{
	d->logical_sector ? (void)snprintf(b, n, "%u", d->logical_sector) : put(b, n, NULL);
}

static void c_psec(const struct kesu_device *d, char *b, size_t n)
{
	d->physical_sector ? (void)snprintf(b, n, "%u", d->physical_sector) : put(b, n, NULL);
}

static void c_rm(const struct kesu_device *d, char *b, size_t n)
{
	put(b, n, d->removable == KESU_UNKNOWN ? NULL : d->removable == KESU_YES ? "1" : "0");
}

static void c_ro(const struct kesu_device *d, char *b, size_t n)
{
	put(b, n, d->read_only == KESU_UNKNOWN ? NULL : d->read_only == KESU_YES ? "1" : "0");
}

/* Filesystems found: on the whole device, else one per partition. */
static void c_fstypes(const struct kesu_device *d, char *b, size_t n)
{
	size_t used = 0;
	b[0] = '\0';
	if (d->fstype[0])
		used = (size_t)snprintf(b, n, "%s", d->fstype);
	for (size_t i = 0; i < d->nparts && used < n; i++)
		if (d->parts[i].fstype[0])
			used += (size_t)snprintf(b + used, n - used, "%s%s", used ? "," : "",
						 d->parts[i].fstype);
	if (!b[0])
		put(b, n, NULL);
}

static void c_parts(const struct kesu_device *d, char *b, size_t n)
{
	snprintf(b, n, "%zu", d->nparts);
}

static void c_mounts(const struct kesu_device *d, char *b, size_t n)
{
	size_t used = 0;
	b[0] = '\0';
	for (size_t i = 0; i < d->nmounts && used < n; i++)
		used += (size_t)snprintf(b + used, n - used, "%s%s", i ? "," : "", d->mounts[i]);
	if (!b[0])
		put(b, n, NULL);
}

static void c_holders(const struct kesu_device *d, char *b, size_t n)
{
	size_t used = 0;
	b[0] = '\0';
	for (size_t i = 0; i < d->nholders && used < n; i++)
		used += (size_t)snprintf(b + used, n - used, "%s%s", i ? "," : "", d->holders[i]);
	if (!b[0])
		put(b, n, NULL);
}

static void c_health(const struct kesu_device *d, char *b, size_t n)
{
	put(b, n, d->smart.healthy == KESU_YES ? "PASSED" : d->smart.healthy == KESU_NO ? "FAILING" : NULL);
}

static void c_hours(const struct kesu_device *d, char *b, size_t n)
{
	d->smart.power_on_hours >= 0 ? (void)snprintf(b, n, "%lld", (long long)d->smart.power_on_hours)
				     : put(b, n, NULL);
}

static void c_realloc(const struct kesu_device *d, char *b, size_t n)
{
	d->smart.reallocated_sectors >= 0
		? (void)snprintf(b, n, "%lld", (long long)d->smart.reallocated_sectors)
		: put(b, n, NULL);
}

static void c_purge(const struct kesu_device *d, char *b, size_t n)
{
	const struct kesu_drive_caps *c = fw_caps(d);
	struct kesu_purge_choice choice;
	put(b, n, c && kesu_purge_choose(c, &choice) == 0 ? choice.method_id : NULL);
}

static void c_security(const struct kesu_device *d, char *b, size_t n)
{
	const struct kesu_drive_caps *c = fw_caps(d);
	const struct kesu_ata_identify *id = c && c->bus == KESU_BUS_ATA ? &c->ata : NULL;
	put(b, n, !id ? NULL
		  : !id->security_supported ? "none"
		  : id->security_count_expired ? "expired"
		  : id->security_locked ? "locked"
		  : id->security_frozen ? "frozen"
		  : id->security_enabled ? "enabled"
		  : "off");
}

static void c_hpa(const struct kesu_device *d, char *b, size_t n)
{
	const struct kesu_drive_caps *c = fw_caps(d);
	c && c->bus == KESU_BUS_ATA && c->hpa_checked
		? (void)snprintf(b, n, "%llu", (unsigned long long)c->hpa_hidden_sectors)
		: put(b, n, NULL);
}

static const struct column columns[] = {
	{"DEVICE", "device node", false, c_device},
	{"NAME", "kernel name", false, c_name},
	{"TRAN", "transport: sata, sas, scsi, nvme, usb, mmc, virtio, loop, ...", false, c_tran},
	{"TYPE", "media: HDD, SSD, loop, file or unknown", false, c_type},
	{"SIZE", "size, binary multiples", false, c_size},
	{"BYTES", "size in bytes", false, c_bytes},
	{"LOG-SEC", "logical sector size", false, c_lsec},
	{"PHY-SEC", "physical sector size", false, c_psec},
	{"VENDOR", "vendor", true, c_vendor},
	{"MODEL", "model", true, c_model},
	{"SERIAL", "serial number", true, c_serial},
	{"FIRMWARE", "firmware revision", false, c_firmware},
	{"WWN", "world wide name", false, c_wwn},
	{"RM", "removable (1/0)", false, c_rm},
	{"RO", "read-only (1/0)", false, c_ro},
	{"PTTYPE", "partition table type", false, c_ptable},
	{"PARTS", "number of partitions", false, c_parts},
	{"FSTYPES", "filesystems and signatures found", false, c_fstypes},
	{"STATE", "SYSTEM, swap, mounted, held or free", false, c_state},
	{"REASON", "why STATE holds when it comes through the stack", false, c_reason},
	{"MOUNTS", "mount points on the drive", false, c_mounts},
	{"HOLDERS", "devices standing on the drive", false, c_holders},
	{"BACKING", "loop devices: backing file", false, c_backing},
	{"HEALTH", "SMART overall health", false, c_health},
	{"HOURS", "SMART power-on hours", false, c_hours},
	{"REALLOC", "SMART reallocated sectors", false, c_realloc},
	{"PURGE", "auto-purge: the firmware method kesu would choose", false, c_purge},
	{"SECURITY", "ATA security: off, frozen, enabled, locked, expired, none", false, c_security},
	{"HPA", "sectors an ATA Host Protected Area hides", false, c_hpa},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* Columns that need the drive asked through its command channel. */
static bool firmware_column(const struct column *c)
{
	return c->cell == c_purge || c->cell == c_security || c->cell == c_hpa;
}
static const char default_columns[] = "DEVICE,TRAN,TYPE,SIZE,MODEL,SERIAL,STATE,HEALTH";

struct list_ctl {
	const struct column *cols[MAX_COLS];
	size_t ncols;
	bool json;
	bool raw;      /* no alignment: one line a drive, cells separated by a space */
	bool truncate; /* fit the table into 80 columns */
};

static int parse_columns(struct list_ctl *ctl, const char *spec)
{
	char *copy = strdup(spec), *save = NULL;
	ctl->ncols = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		const struct column *found = NULL;
		for (size_t i = 0; i < NCOLUMNS; i++)
			if (strcasecmp(tok, columns[i].name) == 0)
				found = &columns[i];
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

/* Display widths count what a terminal shows: a Japanese model name takes
 * two columns a character. libsmartcols measures with wcwidth(), which
 * needs a UTF-8 locale; kesu's text is always UTF-8 (the library checks
 * it), so without one from the environment C.UTF-8 is used. */
static void utf8_ctype(void)
{
	setlocale(LC_CTYPE, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
}

/* Display width of UTF-8 text, as a terminal shows it: an East Asian wide
 * character takes two columns (wcwidth() in the UTF-8 locale). */
static size_t text_width(const char *s)
{
	mbstate_t st;
	memset(&st, 0, sizeof(st));
	size_t w = 0, len = strlen(s);
	while (len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &st);
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof(st));
			n = 1, wc = L'?';
		}
		int cw = wcwidth(wc);
		w += cw < 0 ? 1 : (size_t)cw;
		s += n;
		len -= n;
	}
	return w;
}

/* Cuts s to at most width display columns, ending in '~' when cut (never
 * inside a character, so a wide character may leave one column free). */
static void cut_to_width(char *s, size_t width)
{
	if (width == 0 || text_width(s) <= width)
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
			if (ctl->cols[c]->truncatable && width[c] > 8 &&
			    (widest == MAX_COLS || width[c] > width[widest] ||
			     (width[c] == width[widest] && strcmp(ctl->cols[widest]->name, "SERIAL") == 0)))
				widest = c;
		if (widest == MAX_COLS)
			break;
		width[widest]--;
		total--;
	}
}

/* The table through libsmartcols, as lsblk prints it: it aligns by display
 * width and gives --raw; kesu decides what is cut to fit (above). */
static int print_table(const struct list_ctl *ctl, const struct kesu_device *devs, size_t n)
{
	utf8_ctype();
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
			ctl->cols[c]->cell(&devs[r], cell, CELL);
			if (text_width(cell) > width[c])
				width[c] = text_width(cell);
		}
	}
	if (ctl->truncate && !ctl->raw)
		fit_80(ctl, width);
	int rc = 0;
	scols_table_enable_raw(tb, ctl->raw);
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
		snprintf(fw->why, sizeof(fw->why), "not asked: a %s device has no firmware erase "
			 "commands", kesu_transport_name(dev->transport));
		return;
	}
}

static void list_usage(FILE *out)
{
	fprintf(out, "Usage: kesu list [--json | --raw] [-o COLUMNS] [--no-truncate]\n\n"
		     "Lists every disk of the machine and every attached loop device.\n\n"
		     "  -o, --output COLS   comma-separated columns (default %s)\n"
		     "  -J, --json          every field of every device as JSON (docs/formats.md)\n"
		     "  -r, --raw           unaligned, one line a drive; spaces and non-ASCII as\n"
		     "                      \\xNN, as lsblk --raw (for scripts)\n"
		     "      --no-truncate   do not cut model and serial to fit 80 columns\n"
		     "  -h, --help          this help\n\nColumns:\n",
		default_columns);
	for (size_t i = 0; i < NCOLUMNS; i++)
		fprintf(out, "  %-9s %s\n", columns[i].name, columns[i].help);
	fprintf(out, "\nA '-' in the table means not known or none. PURGE, SECURITY, HPA and\n"
		     "--json ask SATA, SAS, SCSI and NVMe drives through their command\n"
		     "channel (read-only; needs root); other drives are not asked.\n");
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{"output", required_argument, NULL, 'o'}, {"json", no_argument, NULL, 'J'},
		{"no-truncate", no_argument, NULL, 'T'},  {"raw", no_argument, NULL, 'r'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct list_ctl ctl = {.truncate = true};
	const char *spec = default_columns;
	int c;
	while ((c = getopt_long(argc, argv, "o:Jrh", opts, NULL)) != -1) {
		switch (c) {
		case 'o': spec = optarg; break;
		case 'J': ctl.json = true; break;
		case 'T': ctl.truncate = false; break;
		case 'r': ctl.raw = true; break;
		case 'h': list_usage(stdout); return KESU_EXIT_OK;
		default: list_usage(stderr); return KESU_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("list: unexpected argument \"%s\"", argv[optind]);
		return KESU_EXIT_USAGE;
	}
	if (parse_columns(&ctl, spec) < 0)
		return KESU_EXIT_USAGE;

	struct kesu_device *devs;
	size_t n;
	int rc = kesu_device_list(NULL, &devs, &n);
	if (rc < 0) {
		cli_error("list: cannot read the machine's disks: %s", kesu_strerror(rc));
		return cli_exit_for(rc);
	}
	int code = KESU_EXIT_OK;
	bool ask = ctl.json;
	for (size_t i = 0; i < ctl.ncols; i++)
		ask |= firmware_column(ctl.cols[i]);
	struct list_firmware *fw = ask ? calloc(n ? n : 1, sizeof(*fw)) : NULL;
	if (ask && !fw) {
		free(devs);
		return KESU_EXIT_FAILURE;
	}
	for (size_t i = 0; ask && i < n; i++)
		list_ask(&devs[i], &fw[i]);
	fw_devs = devs;
	fw_info = fw;
	if (ctl.json) {
		struct json_object *doc = json_object_new_object();
		struct json_object *arr = json_object_new_array();
		json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
		for (size_t i = 0; i < n; i++)
			json_object_array_add(arr, cli_device_json_firmware(&devs[i], &fw[i].caps, fw[i].why));
		json_object_object_add(doc, "devices", arr);
		cli_print_json(doc);
		json_object_put(doc);
	} else if ((rc = print_table(&ctl, devs, n)) < 0) {
		cli_error("list: cannot print the table: %s", strerror(-rc));
		code = KESU_EXIT_FAILURE;
	}
	free(fw);
	free(devs);
	return code;
}

/* The drive list: the same probe, columns and gate as kesu list and kesu
 * check, one row per drive, with a details panel. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "tui.h"
#include "kesu/purge.h"

#define NCOLS 10
#define CELL 256

/* kesu list's column names, in the reader's language. */
static const char *const heads[NCOLS] = {" ", N_("DEVICE"), N_("TRAN"), N_("TYPE"), N_("SIZE"),
					 N_("MODEL"), N_("SERIAL"), N_("STATE"), N_("HEALTH"), N_("PURGE")};
/* Cut first, widest first, when the table is wider than the screen:
 * identity text and the purge method id; the device name never. */
static const bool cuttable[NCOLS] = {false, false, false, false, false, true, true, false, false, true};

/* Asks only drives with a command channel kesu uses without --allow-usb,
 * as kesu list does: loop, virtio, MMC and image files are not opened. */
static void ask_caps(struct tui_drive *d)
{
	d->caps.bus = KESU_BUS_OTHER;
	switch (d->dev.transport) {
	case KESU_TRAN_SATA:
	case KESU_TRAN_PATA:
	case KESU_TRAN_SAS:
	case KESU_TRAN_SCSI:
	case KESU_TRAN_NVME:
		cli_drive_caps_ask(&d->dev, 0, &d->caps, d->why, sizeof(d->why));
		return;
	default:
		snprintf(d->why, sizeof(d->why), _("not asked: a %s device"),
			 kesu_transport_name(d->dev.transport));
		return;
	}
}

static void judge(struct tui_drive *d)
{
	struct kesu_gate_verdict v;
	kesu_gate_judge(&d->dev, false, &v);
	const char *state = cli_device_state(&d->dev);
	d->selectable = !v.refusals && !strcmp(state, "free");
	if (v.refusals)
		snprintf(d->reason, sizeof(d->reason), "%s", v.reason);
	else if (!d->selectable)
		snprintf(d->reason, sizeof(d->reason), _("%s is %s"), d->dev.path, state);
	else
		d->reason[0] = '\0';
	if (!d->selectable)
		d->selected = false;
}

/* The named drives, probed one by one (an image file works too). */
static int probe_named(struct tui_app *app, struct tui_drive *drives)
{
	for (size_t i = 0; i < app->nfilter; i++) {
		int rc = kesu_device_probe(app->filter[i], NULL, &drives[i].dev);
		if (rc < 0) {
			snprintf(app->message, sizeof(app->message), "%s: %s", app->filter[i],
				 kesu_strerror(rc));
			return rc;
		}
	}
	return 0;
}

/* Keeps what was selected and typed for drives still there. */
static void carry_over(const struct tui_app *app, struct tui_drive *fresh, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < app->ndrives; j++)
			if (!strcmp(fresh[i].dev.path, app->drives[j].dev.path)) {
				fresh[i].selected = app->drives[j].selected;
				memcpy(fresh[i].asset, app->drives[j].asset, sizeof(fresh[i].asset));
			}
}

int tui_drives_probe(struct tui_app *app)
{
	struct tui_drive *fresh;
	size_t n = app->nfilter;
	int rc = 0;
	app->message[0] = '\0';
	if (n) {
		fresh = calloc(n, sizeof(*fresh));
		rc = fresh ? probe_named(app, fresh) : -ENOMEM;
	} else {
		struct kesu_device *devs = NULL;
		rc = kesu_device_list(NULL, &devs, &n);
		fresh = rc < 0 ? NULL : calloc(n ? n : 1, sizeof(*fresh));
		for (size_t i = 0; fresh && i < n; i++)
			fresh[i].dev = devs[i];
		free(devs);
		if (rc == 0 && !fresh)
			rc = -ENOMEM;
	}
	if (rc < 0) {
		free(fresh);
		return rc;
	}
	for (size_t i = 0; i < n; i++)
		ask_caps(&fresh[i]);
	carry_over(app, fresh, n);
	for (size_t i = 0; i < n; i++)
		judge(&fresh[i]);
	free(app->drives);
	app->drives = fresh;
	app->ndrives = n;
	if (app->cursor >= n)
		app->cursor = n ? n - 1 : 0;
	return 0;
}

size_t tui_drives_selected(const struct tui_app *app)
{
	size_t n = 0;
	for (size_t i = 0; i < app->ndrives; i++)
		n += app->drives[i].selected;
	return n;
}

static void cell(const struct tui_drive *d, int col, char *b, size_t n)
{
	const struct kesu_device *dev = &d->dev;
	struct kesu_purge_choice choice;
	const char *s = NULL;
	switch (col) {
	case 0: s = d->selected ? "[x]" : d->selectable ? "[ ]" : " - "; break;
	case 1: s = dev->path; break;
	case 2: s = kesu_transport_name(dev->transport); break;
	case 3: s = kesu_media_name(dev); break;
	case 4: cli_format_size(dev->size, b, n); return;
	case 5: s = dev->model; break;
	case 6: s = dev->serial; break;
	case 7: s = cli_device_state(dev); break;
	case 8: s = dev->smart.healthy == KESU_YES ? "PASSED" : dev->smart.healthy == KESU_NO ? "FAILING" : NULL; break;
	case 9:
		s = d->caps.queried && kesu_purge_choose(&d->caps, &choice) == 0 ? choice.method_id : NULL;
		snprintf(b, n, "%s", s && s[0] ? s : "-");
		return;
	}
	/* Escaped before the columns are measured and cut, so a control
	 * character in a model or serial cannot shift the row. */
	cli_escape(s && s[0] ? s : "-", b, n);
}

/* Column widths (screen columns) that fit the screen: the widest
 * cuttable column loses a column at a time, never below 4. */
static void fit_widths(const struct tui_app *app, int *width)
{
	char b[CELL];
	int total = NCOLS - 1;
	for (int c = 0; c < NCOLS; c++) {
		width[c] = tui_width(c ? _(heads[c]) : heads[c]);
		for (size_t r = 0; r < app->ndrives; r++) {
			cell(&app->drives[r], c, b, sizeof(b));
			if (tui_width(b) > width[c])
				width[c] = tui_width(b);
		}
		total += width[c];
	}
	while (total > COLS - 1) {
		int widest = -1;
		for (int c = 0; c < NCOLS; c++)
			if (cuttable[c] && width[c] > 4 && (widest < 0 || width[c] > width[widest]))
				widest = c;
		if (widest < 0)
			break;
		width[widest]--;
		total--;
	}
}

static void draw_row(int y, const struct tui_drive *d, const int *width)
{
	char line[1024], b[CELL], padded[CELL + 80];
	size_t used = 0;
	for (int c = 0; c < NCOLS && used < sizeof(line); c++) {
		if (d)
			cell(d, c, b, sizeof(b));
		else
			snprintf(b, sizeof(b), "%s", c ? _(heads[c]) : heads[c]);
		if (tui_width(b) > width[c] && width[c] > 0) {
			size_t keep = tui_fit(b, width[c] - 1);
			b[keep] = '~';
			b[keep + 1] = '\0';
		}
		tui_pad(padded, sizeof(padded), b, width[c]);
		used += (size_t)snprintf(line + used, sizeof(line) - used, "%s%s", c ? " " : "", padded);
	}
	tui_put(y, 0, line);
}

static void draw_list(const struct tui_app *app)
{
	int width[NCOLS];
	erase();
	tui_title(_("drives"));
	fit_widths(app, width);
	attron(A_BOLD);
	draw_row(2, NULL, width);
	attroff(A_BOLD);
	int rows = LINES - 8; /* title, gap, head; message (3) and keys below */
	size_t first = rows > 0 && app->cursor >= (size_t)rows ? app->cursor - (size_t)rows + 1 : 0;
	for (size_t i = first; rows > 0 && i < app->ndrives && (int)(i - first) < rows; i++) {
		if (i == app->cursor)
			attron(A_REVERSE);
		draw_row(3 + (int)(i - first), &app->drives[i], width);
		attroff(A_REVERSE);
	}
	if (!app->ndrives)
		tui_put(3, 0, _("No drives found."));
	char sel[64];
	snprintf(sel, sizeof(sel), _("%zu selected"), tui_drives_selected(app));
	tui_put(LINES - 5, 0, sel);
	tui_wrap(LINES - 4, app->message, 3);
	tui_keys(_("Up/Down move  Space select  i details  r re-probe  Enter go on  q quit"));
	refresh();
}

static void toggle(struct tui_app *app)
{
	if (!app->ndrives)
		return;
	struct tui_drive *d = &app->drives[app->cursor];
	if (!d->selectable) {
		snprintf(app->message, sizeof(app->message), _("Cannot select: %s"), d->reason);
		return;
	}
	d->selected = !d->selected;
	app->message[0] = '\0';
}

static void reprobe(struct tui_app *app)
{
	tui_put(LINES - 4, 0, _("Probing the drives..."));
	refresh();
	if (tui_drives_probe(app) < 0 && !app->message[0])
		snprintf(app->message, sizeof(app->message), "%s", _("Cannot read the machine's disks."));
}

enum tui_next tui_drives_screen(struct tui_app *app)
{
	for (;;) {
		draw_list(app);
		int ch = getch();
		switch (ch) {
		case KEY_UP: case 'k':
			if (app->cursor)
				app->cursor--;
			break;
		case KEY_DOWN: case 'j':
			if (app->cursor + 1 < app->ndrives)
				app->cursor++;
			break;
		case ' ': toggle(app); break;
		case 'i':
			if (app->ndrives)
				tui_details_screen(&app->drives[app->cursor]);
			break;
		case 'r': reprobe(app); break;
		case '\n': case '\r': case KEY_ENTER:
			if (tui_drives_selected(app))
				return TUI_FORM;
			snprintf(app->message, sizeof(app->message), "%s",
				 _("Select at least one drive with Space first."));
			break;
		case 'q': case 'Q': case 3: /* Ctrl-C: raw mode makes it a key */
			return TUI_QUIT;
		default: break;
		}
	}
}

/* The results-location check before any wipe. On a live system the
 * default ledger, certificates and key sit in RAM (tmpfs): everything a
 * wipe proves would be gone at power-off. Then the operator is offered a
 * removable drive to keep them on, or must type NO PROOF.
 *
 * The first half finds, judges and mounts; it never prints or draws (it
 * says what went wrong in a buffer). The screen is the second half. */
#include <curses.h>
#include <errno.h>
#include <libgen.h>
#include <linux/magic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "tui.h"
#include "kesu/paths.h"

#define MAX_CANDIDATES 32

struct store_candidate {
	char node[KESU_PATH_MAX];   /* the whole disk or a partition */
	char fstype[32];
	char label[KESU_STR];
	char drive[4096];  /* the whole disk */
	char model[KESU_STR];
	uint64_t size;
};

bool tui_store_in_memory(const char *path, char *dir, size_t dirsize)
{
	char cur[4096];
	snprintf(cur, sizeof(cur), "%s", path);
	struct stat st;
	/* The file may not exist yet: the nearest existing parent decides
	 * where it will be created. */
	do {
		char *parent = dirname(cur);
		memmove(cur, parent, strlen(parent) + 1);
	} while (stat(cur, &st) != 0 && strcmp(cur, "/") != 0 && strcmp(cur, ".") != 0);
	snprintf(dir, dirsize, "%s", cur);
	struct statfs fs;
	if (statfs(cur, &fs) != 0)
		return false;
	return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
}

static bool usable_fs(const char *fstype)
{
	return !strcmp(fstype, "vfat") || !strcmp(fstype, "exfat") || !strcmp(fstype, "ext4");
}

static void add_candidate(struct store_candidate *c, size_t *n, const struct kesu_device *dev,
			  const char *node, const char *fstype, const char *label, uint64_t size)
{
	if (*n >= MAX_CANDIDATES || !usable_fs(fstype))
		return;
	struct store_candidate *s = &c[(*n)++];
	snprintf(s->node, sizeof(s->node), "%s", node);
	snprintf(s->fstype, sizeof(s->fstype), "%s", fstype);
	snprintf(s->label, sizeof(s->label), "%s", label);
	snprintf(s->drive, sizeof(s->drive), "%s", dev->path);
	snprintf(s->model, sizeof(s->model), "%s", dev->model);
	s->size = size;
}

/* Removable drives (USB, or removable=1) that are not the system, with a
 * filesystem kesu can keep files on. The probe's libblkid pass already
 * named the filesystem of the whole disk and of each partition. */
static size_t find_candidates(struct store_candidate *c)
{
	struct kesu_device *devs = NULL;
	size_t ndevs = 0, n = 0;
	if (kesu_device_list(NULL, &devs, &ndevs) < 0)
		return 0;
	for (size_t i = 0; i < ndevs; i++) {
		const struct kesu_device *d = &devs[i];
		if (d->system_reasons || (d->transport != KESU_TRAN_USB && d->removable != KESU_YES))
			continue;
		add_candidate(c, &n, d, d->path, d->fstype, "", d->size);
		for (size_t p = 0; p < d->nparts; p++) {
			char node[200];
			snprintf(node, sizeof(node), "/dev/%s", d->parts[p].name);
			add_candidate(c, &n, d, node, d->parts[p].fstype, d->parts[p].label,
				      d->parts[p].size);
		}
	}
	free(devs);
	return n;
}

bool tui_is_mount_point(const char *dir)
{
	struct stat a, b;
	char parent[KESU_PATH_MAX];
	snprintf(parent, sizeof(parent), "%s/..", dir);
	return stat(dir, &a) == 0 && stat(parent, &b) == 0 && a.st_dev != b.st_dev;
}

/* Mounts the candidate at TUI_STORE_MOUNT and points the paths there.
 * FAT has no permissions: the masks keep the station key at 0600, which
 * the key loader insists on. */
static int store_mount(struct tui_app *app, const struct store_candidate *s, char *err,
		       size_t errsize)
{
	int rc = kesu_mkdirs(TUI_STORE_MOUNT, 0700);
	if (rc < 0) {
		snprintf(err, errsize, "%s: %s", TUI_STORE_MOUNT, strerror(-rc));
		return rc;
	}
	if (tui_is_mount_point(TUI_STORE_MOUNT)) {
		snprintf(err, errsize, _("%s is already in use; unmount it first"), TUI_STORE_MOUNT);
		return -EBUSY;
	}
	const char *data = strcmp(s->fstype, "ext4") ? "uid=0,gid=0,fmask=0077,dmask=0077" : NULL;
	if (mount(s->node, TUI_STORE_MOUNT, s->fstype, MS_NOSUID | MS_NODEV | MS_NOEXEC, data) != 0) {
		rc = -errno;
		snprintf(err, errsize, _("cannot mount %s (%s): %s"), s->node, s->fstype, strerror(-rc));
		return rc;
	}
	app->paths.store_mounted = true;
	rc = kesu_mkdirs(TUI_STORE_MOUNT "/kesu", 0700);
	if (rc < 0) {
		snprintf(err, errsize, "%s/kesu: %s", TUI_STORE_MOUNT, strerror(-rc));
		return rc;
	}
	snprintf(app->paths.ledger, sizeof(app->paths.ledger), "%s/kesu/ledger.sqlite", TUI_STORE_MOUNT);
	snprintf(app->paths.cert_dir, sizeof(app->paths.cert_dir), "%s/kesu/certificates", TUI_STORE_MOUNT);
	snprintf(app->paths.key, sizeof(app->paths.key), "%s/kesu/station.key", TUI_STORE_MOUNT);
	return 0;
}

void tui_store_release(struct tui_app *app)
{
	if (!app->paths.store_mounted)
		return;
	sync(); /* the ledger and certificates are the point: on the medium before it goes */
	if (umount2(TUI_STORE_MOUNT, 0) == 0)
		app->paths.store_mounted = false;
	else
		cli_error("tui: cannot unmount %s: %s; unmount it before unplugging the drive",
			  TUI_STORE_MOUNT, strerror(errno));
}

/* ---- the screen ---- */

static void draw_store(const struct tui_app *app, const char *dir, const struct store_candidate *c,
		       size_t n, size_t cur, const char *note)
{
	char line[8400];
	erase();
	char lab[64];
	int cols = tui_width(_("Ledger:")) > tui_width(_("Certificates:")) ? tui_width(_("Ledger:"))
									: tui_width(_("Certificates:"));
	tui_title(_("where the results go"));
	tui_pad(lab, sizeof(lab), _("Ledger:"), cols + 1);
	snprintf(line, sizeof(line), "%s%s", lab, app->paths.ledger);
	tui_put(2, 0, line);
	tui_pad(lab, sizeof(lab), _("Certificates:"), cols + 1);
	snprintf(line, sizeof(line), "%s%s", lab, app->paths.cert_dir);
	tui_put(3, 0, line);
	snprintf(line, sizeof(line), _("Results will be LOST at power-off: %s is in memory (%s). "
				       "Keep them on a removable drive?"), app->paths.ledger, dir);
	attron(A_BOLD);
	int y = 5 + tui_wrap(5, line, 3) + 1;
	attroff(A_BOLD);
	if (!n)
		y += tui_wrap(y, _("No removable drive with a vfat, exfat or ext4 filesystem was found: "
				 "plug one in and press r."), 2);
	for (size_t i = 0; i < n + 2 && y < LINES - 4; i++, y++) {
		char size[32];
		if (i < n) {
			cli_format_size(c[i].size, size, sizeof(size));
			snprintf(line, sizeof(line), _("Keep them on %s  %s %s %s %s"), c[i].node, c[i].fstype,
				 size, c[i].label[0] ? c[i].label : "", c[i].model);
		} else {
			snprintf(line, sizeof(line), "%s", i == n ? _("Go on without keeping them (type NO PROOF)")
								  : _("Back to the job"));
		}
		if (i == cur)
			attron(A_REVERSE);
		tui_put(y, 2, line);
		attroff(A_REVERSE);
	}
	tui_wrap(LINES - 3, note, 2);
	tui_keys(_("Up/Down choose  Enter take it  r rescan  Esc back"));
	refresh();
}

/* Returns true when the operator typed NO PROOF. */
static bool ask_no_proof(void)
{
	char typed[64] = "";
	move(LINES - 3, 0);
	clrtobot();
	attron(A_BOLD);
	tui_put(LINES - 3, 0, _("Type NO PROOF to go on with nothing kept:"));
	attroff(A_BOLD);
	tui_keys(_("Enter confirm  Esc back"));
	return tui_read_line(LINES - 2, 0, COLS - 1, typed, sizeof(typed)) && !strcmp(typed, "NO PROOF");
}

enum tui_next tui_store_screen(struct tui_app *app)
{
	char dir[4096];
	if (!tui_store_in_memory(app->paths.ledger, dir, sizeof(dir))) {
		app->paths.decided = true;
		return TUI_CONFIRM;
	}
	struct store_candidate *c = calloc(MAX_CANDIDATES, sizeof(*c));
	if (!c)
		return TUI_FORM;
	size_t n = find_candidates(c), cur = 0;
	char note[1200] = "";
	enum tui_next next = TUI_QUIT;
	while (next == TUI_QUIT) {
		draw_store(app, dir, c, n, cur, note);
		int ch = getch();
		note[0] = '\0';
		if (ch == KEY_UP && cur)
			cur--;
		else if (ch == KEY_DOWN && cur < n + 1)
			cur++;
		else if (ch == 'r')
			n = find_candidates(c), cur = 0;
		else if (ch == 27 || ch == 3 || ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && cur == n + 1))
			next = TUI_FORM;
		else if ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && cur == n) {
			if (ask_no_proof())
				next = TUI_CONFIRM;
			else
				snprintf(note, sizeof(note), "%s",
					 _("Not confirmed: type NO PROOF exactly, or keep the results."));
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			if (store_mount(app, &c[cur], note, sizeof(note)) == 0)
				next = TUI_CONFIRM;
			else if (app->paths.store_mounted && umount2(TUI_STORE_MOUNT, 0) == 0)
				app->paths.store_mounted = false;
		}
	}
	app->paths.decided = next == TUI_CONFIRM;
	free(c);
	return next;
}

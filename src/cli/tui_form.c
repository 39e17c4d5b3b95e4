/* The job form: method, verification, the record's context, the witness
 * and the prior approval, one field per line, with the config file's
 * values as defaults. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kesu/vocabulary.h"
#include "tui.h"

static const char *const verify_names[] = {NULL, "sample", "full", "none"};
#define NVERIFY 4
/* Class and purpose: 0 is "not given", then the vocabulary's words. */
#define NCLASS ((int)kesu_vocab_count(KESU_VOCAB_CLASS) + 1)
#define NPURPOSE ((int)kesu_vocab_count(KESU_VOCAB_PURPOSE) + 1)

/* Fixed fields, then one asset number per selected drive, then Start. */
enum field {
	F_METHOD, F_VERIFY, F_OPERATOR, F_ORG, F_APPROVER, F_WITNESS, F_APPROVAL, F_CLASS, F_PURPOSE,
	F_ASSETS
};

const char *tui_form_verify_name(int verify) { return verify_names[verify % NVERIFY]; }
/* The id of the idx-th word (1-based), or NULL for 0, "not given". */
static const char *word(enum kesu_vocab v, int idx)
{
	const struct kesu_term *t = idx > 0 ? kesu_vocab_at(v, (size_t)idx - 1) : NULL;
	return t ? t->id : NULL;
}

const char *tui_form_class_name(int idx) { return word(KESU_VOCAB_CLASS, idx % NCLASS); }
const char *tui_form_purpose_name(int idx) { return word(KESU_VOCAB_PURPOSE, idx % NPURPOSE); }

static int index_of(enum kesu_vocab v, const char *value)
{
	for (size_t i = 0; i < kesu_vocab_count(v); i++)
		if (!strcmp(kesu_vocab_at(v, i)->id, value))
			return (int)i + 1;
	return 0;
}

void tui_form_defaults(struct tui_app *app, const struct kesu_job_context *cfg)
{
	struct tui_form *f = &app->form;
	snprintf(f->operator_name, sizeof(f->operator_name), "%s", cfg->operator_name);
	snprintf(f->organisation, sizeof(f->organisation), "%s", cfg->organisation);
	snprintf(f->approver, sizeof(f->approver), "%s", cfg->approver);
	snprintf(f->witness, sizeof(f->witness), "%s", cfg->witness);
	f->class_idx = index_of(KESU_VOCAB_CLASS, cfg->classification);
	f->purpose_idx = index_of(KESU_VOCAB_PURPOSE, cfg->purpose);
}

/* The selected drives in list order: the order the child is given them,
 * and the order of --asset. */
static struct tui_drive *nth_selected(struct tui_app *app, size_t n)
{
	for (size_t i = 0; i < app->ndrives; i++)
		if (app->drives[i].selected && n-- == 0)
			return &app->drives[i];
	return NULL;
}

/* Bytes to skip at the start of s so that its tail fits cols columns:
 * the end of a long value, where the cursor is, stays in view. */
static size_t tail_start(const char *s, int cols)
{
	size_t at = 0;
	while (s[at] && tui_width(s + at) > cols) {
		at++;
		while (((unsigned char)s[at] & 0xC0) == 0x80)
			at++;
	}
	return at;
}

bool tui_read_line(int y, int x, int width, char *buf, size_t size)
{
	char edit[512];
	snprintf(edit, sizeof(edit), "%s", buf);
	size_t len = strlen(edit), cap = size < sizeof(edit) ? size : sizeof(edit);
	curs_set(1);
	for (;;) {
		size_t shown = tail_start(edit, width - 1);
		move(y, x);
		for (int i = 0; i < width; i++)
			addch(' ');
		mvaddstr(y, x, edit + shown);
		move(y, x + tui_width(edit + shown));
		refresh();
		int ch = getch();
		if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			snprintf(buf, size, "%s", edit);
			break;
		}
		if (ch == 27 || ch == 3) {
			curs_set(0);
			return false;
		}
		if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len) {
			/* a whole character: UTF-8 continuation bytes go with it */
			while (len > 1 && ((unsigned char)edit[len - 1] & 0xC0) == 0x80)
				len--;
			edit[--len] = '\0';
		} else if (ch == 21) { /* Ctrl-U: clear */
			edit[len = 0] = '\0';
		} else if (ch >= 0x20 && ch < 0x100 && ch != 127 && len + 1 < cap) {
			/* UTF-8 arrives a byte at a time (a Japanese name works) */
			edit[len++] = (char)ch;
			edit[len] = '\0';
		}
	}
	curs_set(0);
	return true;
}

static size_t nfields(struct tui_app *app)
{
	return F_ASSETS + tui_drives_selected(app) + 1; /* + Start */
}

/* The file's name without .kesu-approval, at most max bytes, cut at a
 * character's start: the line keeps room for the number and the date. */
static void short_name(const char *name, char *out, size_t max)
{
	static const char ext[] = ".kesu-approval";
	size_t n = strlen(name);
	if (n > sizeof(ext) - 1 && !strcmp(name + n - (sizeof(ext) - 1), ext))
		n -= sizeof(ext) - 1;
	bool cut = n > max;
	if (cut) {
		n = max - 1;
		while (n && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	snprintf(out, max + 1, "%.*s%s", (int)n, name, cut ? "~" : "");
}

/* The labels, in field order; the values start one column after the
 * widest label in the reader's language. */
static const char *const labels[] = {N_("Method"), N_("Verify"), N_("Operator *"),
				     N_("Organisation"), N_("Approver"), N_("Witness"),
				     N_("Approval"), N_("Class"), N_("Purpose"), N_("Asset no.")};
#define NLABELS (sizeof(labels) / sizeof(labels[0]))

static int label_cols(void)
{
	int w = 0;
	for (size_t i = 0; i < NLABELS; i++)
		if (tui_width(_(labels[i])) > w)
			w = tui_width(_(labels[i]));
	return w + 1;
}

/* "label   " for field i (the asset fields share the last label). */
static void label(size_t i, char *buf, size_t size)
{
	tui_pad(buf, size, _(labels[i < NLABELS ? i : NLABELS - 1]), label_cols());
}

/* A purpose or class as the reader says it: the vocabulary's Japanese
 * label under a Japanese catalog, else the id the records hold. */
static const char *term_text(enum kesu_vocab v, const char *id)
{
	const struct kesu_term *t = kesu_vocab_find(v, id);
	return t && cli_reader_japanese() ? t->ja : id;
}

static void approval_line(const struct tui_app *app, char *buf, size_t size)
{
	const struct tui_approval *a = tui_form_approval(app);
	char name[40], today[11], lab[64], found[128];
	label(F_APPROVAL, lab, sizeof(lab));
	if (!a) {
		snprintf(found, sizeof(found), _("%zu approval file(s) found"), app->napprovals);
		snprintf(buf, size, "%s< %s >  %s", lab, _("none"), found);
		return;
	}
	short_name(a->name, name, 22);
	time_t now = time(NULL);
	strftime(today, sizeof(today), "%Y-%m-%d", localtime(&now));
	if (a->readable) /* the last day is inclusive, in local time */
		snprintf(buf, size, "%s< %s >  %s %s %s %s", lab, name, a->number, a->classification,
			 term_text(KESU_VOCAB_PURPOSE, a->purpose),
			 strcmp(a->valid_until, today) < 0 ? _("EXPIRED") : a->valid_until);
	else
		snprintf(buf, size, _("%s< %s >  cannot be read: %s"), lab, name, a->why);
}

/* A choice with what the approval says beside it: an empty one is taken
 * from the approval, a different one the wipe will refuse. */
static void choice_line(const struct tui_app *app, size_t field, const char *value, char *buf,
			size_t size)
{
	bool purpose = field == F_PURPOSE;
	enum kesu_vocab v = purpose ? KESU_VOCAB_PURPOSE : KESU_VOCAB_CLASS;
	const char *says = tui_approval_says(app, purpose);
	char lab[64];
	label(field, lab, sizeof(lab));
	if (says && !value)
		snprintf(buf, size, _("%s< - >  %s, from the approval"), lab, term_text(v, says));
	else if (says && strcmp(value, says))
		snprintf(buf, size, _("%s< %s >  the approval says %s"), lab, term_text(v, value),
			 term_text(v, says));
	else
		snprintf(buf, size, "%s< %s >", lab, value ? term_text(v, value) : "-");
}

static const char *verify_text(int verify)
{
	static const char *const shown[] = {N_("method default"), N_("sample"), N_("full"), N_("none")};
	return _(shown[verify % NVERIFY]);
}

/* The method's title in the reader's language (the method file has both). */
static const char *method_title(const struct kesu_method *m)
{
	return cli_reader_japanese() && m->title_ja[0] ? m->title_ja : m->title_en;
}

static void text_line(size_t field, const char *value, char *buf, size_t size)
{
	char lab[64];
	label(field, lab, sizeof(lab));
	snprintf(buf, size, "%s%s", lab, value);
}

/* "label: value" of field i into buf; *text set when Enter edits it. */
static void field_line(struct tui_app *app, size_t i, char *buf, size_t size, char **text,
		       size_t *textsize)
{
	struct tui_form *f = &app->form;
	const struct kesu_method *m = kesu_method_set_at(app->methods, f->method);
	char lab[64], dev[300];
	*text = NULL;
	switch (i) {
	case F_METHOD:
		label(i, lab, sizeof(lab));
		snprintf(buf, size, "%s< %s >  %s (NIST %s)", lab, m->id, method_title(m),
			 kesu_nist_level_name(m->nist));
		return;
	case F_VERIFY:
		label(i, lab, sizeof(lab));
		snprintf(buf, size, "%s< %s >", lab, verify_text(f->verify));
		return;
	case F_OPERATOR: *text = f->operator_name; *textsize = sizeof(f->operator_name);
		text_line(i, f->operator_name, buf, size); return;
	case F_ORG: *text = f->organisation; *textsize = sizeof(f->organisation);
		text_line(i, f->organisation, buf, size); return;
	case F_APPROVER: *text = f->approver; *textsize = sizeof(f->approver);
		text_line(i, f->approver, buf, size); return;
	case F_WITNESS: *text = f->witness; *textsize = sizeof(f->witness);
		text_line(i, f->witness, buf, size); return;
	case F_APPROVAL: approval_line(app, buf, size); return;
	case F_CLASS: choice_line(app, i, tui_form_class_name(f->class_idx), buf, size); return;
	case F_PURPOSE: choice_line(app, i, tui_form_purpose_name(f->purpose_idx), buf, size); return;
	}
	struct tui_drive *d = i < nfields(app) - 1 ? nth_selected(app, i - F_ASSETS) : NULL;
	if (!d) {
		snprintf(buf, size, "%s", _("[ Start ]"));
		return;
	}
	*text = d->asset;
	*textsize = sizeof(d->asset);
	label(i, lab, sizeof(lab));
	tui_pad(dev, sizeof(dev), d->dev.path, 12);
	snprintf(buf, size, "%s%s %s", lab, dev, d->asset);
}

/* Where a text field's value starts: after the label (and, for an asset
 * number, the device and a space). */
static int value_column(struct tui_app *app, size_t field)
{
	int x = 1 + label_cols();
	struct tui_drive *d = field >= F_ASSETS ? nth_selected(app, field - F_ASSETS) : NULL;
	if (d)
		x += (tui_width(d->dev.path) > 12 ? tui_width(d->dev.path) : 12) + 1;
	return x;
}

static void draw_form(struct tui_app *app, size_t cur, const char *note)
{
	erase();
	tui_title(_("job"));
	int rows = LINES - 6;
	size_t n = nfields(app);
	size_t first = rows > 0 && cur >= (size_t)rows ? cur - (size_t)rows + 1 : 0;
	for (size_t i = first; i < n && (int)(i - first) < rows; i++) {
		char line[1024], *text;
		size_t ts;
		field_line(app, i, line, sizeof(line), &text, &ts);
		if (i == cur)
			attron(A_REVERSE);
		tui_put(2 + (int)(i - first), 1, line);
		attroff(A_REVERSE);
	}
	tui_wrap(LINES - 3, note, 2);
	tui_keys(_("Up/Down field  Left/Right choose  Enter edit  F10/Ctrl-X start  Esc back"));
	refresh();
}

static void cycle(struct tui_app *app, size_t field, int step)
{
	struct tui_form *f = &app->form;
	int nm = (int)kesu_method_set_count(app->methods);
	switch (field) {
	case F_METHOD: f->method = (size_t)(((int)f->method + step + nm) % nm); break;
	case F_VERIFY: f->verify = (f->verify + step + NVERIFY) % NVERIFY; break;
	case F_CLASS: f->class_idx = (f->class_idx + step + NCLASS) % NCLASS; break;
	case F_PURPOSE: f->purpose_idx = (f->purpose_idx + step + NPURPOSE) % NPURPOSE; break;
	case F_APPROVAL: tui_approvals_cycle(app, step); break;
	default: break;
	}
}

static bool is_choice(size_t field)
{
	return field == F_METHOD || field == F_VERIFY || field == F_APPROVAL || field == F_CLASS ||
	       field == F_PURPOSE;
}

/* What must hold before the drives are confirmed; NULL when all does. */
static const char *incomplete(struct tui_app *app)
{
	if (!app->form.operator_name[0])
		return _("Operator is required: who is erasing?");
	size_t n = tui_drives_selected(app), given = 0;
	for (size_t i = 0; i < n; i++) {
		const char *asset = nth_selected(app, i)->asset;
		if (strchr(asset, ','))
			return _("An asset number cannot contain a comma.");
		given += asset[0] != '\0';
	}
	/* kesu wipe --asset takes one per drive or none at all. */
	if (given && given != n)
		return _("Give an asset number for every drive, or for none.");
	return NULL;
}

static void edit_field(struct tui_app *app, size_t cur)
{
	char line[1024], *text;
	size_t ts;
	field_line(app, cur, line, sizeof(line), &text, &ts);
	int first = LINES - 6 > 0 && cur >= (size_t)(LINES - 6) ? (int)cur - (LINES - 6) + 1 : 0;
	int x = value_column(app, cur);
	if (text && COLS - x > 4)
		tui_read_line(2 + (int)cur - first, x, COLS - x - 1, text, ts);
}

enum tui_next tui_form_screen(struct tui_app *app)
{
	size_t cur = F_METHOD;
	char first_note[1024];
	snprintf(first_note, sizeof(first_note), "%s", app->message); /* e.g. not confirmed */
	app->message[0] = '\0';
	const char *note = first_note;
	/* Again on every visit: a stick may have been mounted meanwhile. */
	tui_approvals_scan(app);
	for (;;) {
		draw_form(app, cur, note);
		size_t n = nfields(app);
		int ch = getch();
		note = "";
		if (ch == KEY_UP && cur)
			cur--;
		else if ((ch == KEY_DOWN || ch == '\t') && cur + 1 < n)
			cur++;
		else if (ch == KEY_LEFT || ch == KEY_RIGHT)
			cycle(app, cur, ch == KEY_LEFT ? -1 : 1);
		else if (ch == 27 || ch == 3)
			return TUI_DRIVES;
		else if (tui_is_go_key(ch) || ((ch == '\n' || ch == '\r' || ch == KEY_ENTER) && cur == n - 1)) {
			note = incomplete(app);
			if (!note)
				return app->paths.decided ? TUI_CONFIRM : TUI_STORE;
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			/* Enter never changes a choice: it is the key that submits
			 * elsewhere, and a confirmation retyped here by mistake
			 * (ERASE + Enter) must leave the job as it was. */
			if (is_choice(cur))
				note = _("Left/Right changes this choice. Enter does not change it.");
			else
				edit_field(app, cur);
		}
	}
}

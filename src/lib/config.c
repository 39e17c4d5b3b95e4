/* The config file (docs/ledger.md, "Config file"): "key = value" lines
 * whose values are checked like the flags they stand for. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/config.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/pdf.h"
#include "ini_lines.h"
#include "utf8.h"
#include "i18n.h"

#define CONFIG_MAX_BYTES (1 << 20) /* a config file is a few hundred bytes */

enum key_kind { KEY_CONTEXT, KEY_PATH, KEY_WORD, KEY_TEXT };

struct config_key {
	const char *name;
	enum key_kind kind;
	enum kesu_ctx_field field;   /* KEY_CONTEXT */
	size_t offset, size;         /* the others: where in struct kesu_config */
	const char *const *words;    /* KEY_WORD */
	unsigned limit;              /* KEY_TEXT: code points */
};

#define CFG(field) offsetof(struct kesu_config, field), sizeof(((struct kesu_config *)0)->field)

static const struct config_key keys[] = {
	{"operator", KEY_CONTEXT, KESU_CTX_OPERATOR, 0, 0, NULL, 0},
	{"operator_title", KEY_CONTEXT, KESU_CTX_OPERATOR_TITLE, 0, 0, NULL, 0},
	{"organisation", KEY_CONTEXT, KESU_CTX_ORGANISATION, 0, 0, NULL, 0},
	{"department", KEY_CONTEXT, KESU_CTX_DEPARTMENT, 0, 0, NULL, 0},
	{"location", KEY_CONTEXT, KESU_CTX_LOCATION, 0, 0, NULL, 0},
	{"phone", KEY_CONTEXT, KESU_CTX_PHONE, 0, 0, NULL, 0},
	{"approver", KEY_CONTEXT, KESU_CTX_APPROVER, 0, 0, NULL, 0},
	{"class", KEY_CONTEXT, KESU_CTX_CLASS, 0, 0, NULL, 0},
	{"purpose", KEY_CONTEXT, KESU_CTX_PURPOSE, 0, 0, NULL, 0},
	{"ledger", KEY_PATH, 0, CFG(ledger), NULL, 0},
	{"cert_dir", KEY_PATH, 0, CFG(cert_dir), NULL, 0},
	{"key", KEY_PATH, 0, CFG(key), NULL, 0},
	{"trust", KEY_PATH, 0, CFG(trust), NULL, 0},
	{"method", KEY_PATH, 0, CFG(method), NULL, 0},
	{"date_style", KEY_WORD, 0, CFG(date_style), (const char *const[]){"western", "era", NULL}, 0},
	{"class_label", KEY_TEXT, 0, CFG(class_label), NULL, KESU_LIMIT_CLASS_LABEL},
	{"policy", KEY_PATH, 0, CFG(policy), NULL, 0},
	{"tsa", KEY_PATH, 0, CFG(tsa), NULL, 0},
	{"pkcs12", KEY_PATH, 0, CFG(pkcs12), NULL, 0},
	{"pkcs11", KEY_PATH, 0, CFG(pkcs11), NULL, 0},
	{"pdf_signature", KEY_WORD, 0, CFG(pdf_signature),
	 (const char *const[]){"visible", "invisible", NULL}, 0},
	{"signify_sig", KEY_WORD, 0, CFG(signify_sig), (const char *const[]){"yes", "no", NULL}, 0},
	{"log", KEY_PATH, 0, CFG(log), NULL, 0},
	{"server", KEY_PATH, 0, CFG(server), NULL, 0}, /* the central store's URL (kesu/push.h) */
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* One parse: where we are and which keys were seen on which line. */
struct parse {
	const char *path;
	int lineno;
	int seen[NKEYS];
	struct kesu_config *cfg;
	char *err;
	size_t errsize;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kesu_parse_error(p->err, p->errsize, p->path, (unsigned)p->lineno, fmt, ap);
	va_end(ap);
	return rc;
}

static int set_value(struct parse *p, struct kesu_config *cfg, const struct config_key *k,
		     const char *value)
{
	char why[KESU_ERRMSG_MAX];
	char *slot = (char *)cfg + k->offset;
	switch (k->kind) {
	case KEY_CONTEXT:
		if (kesu_context_set(&cfg->ctx, k->field, value, why, sizeof(why)) < 0)
			return fail(p, "%s: %s", k->name, why);
		return 0;
	case KEY_WORD:
		if (!*value) { /* the default */
			slot[0] = '\0';
			return 0;
		}
		for (const char *const *w = k->words; *w; w++)
			if (!strcmp(value, *w)) {
				snprintf(slot, k->size, "%s", value);
				return 0;
			}
		return fail(p, _("%s: \"%s\" is not western or era"), k->name, value);
	case KEY_TEXT: {
		size_t chars = 0, len = strlen(value);
		for (size_t i = 0; i < len; chars++) {
			unsigned cp;
			i += Kesu_utf8_decode((const unsigned char *)value + i, len - i, &cp);
		}
		if (chars > k->limit)
			return fail(p, _("%s: is %zu characters long; at most %u fit"), k->name, chars, k->limit);
		if (len >= k->size)
			return fail(p, _("%s: is %zu bytes long; at most %zu fit"), k->name, len, k->size - 1);
		memcpy(slot, value, len + 1);
		return 0;
	}
	case KEY_PATH:
		if (strlen(value) >= k->size)
			return fail(p, _("%s: the value is too long"), k->name);
		memcpy(slot, value, strlen(value) + 1);
		return 0;
	}
	return 0;
}

/* One "key = value" line, its comment cut and trimmed (ini_lines.c). */
static int parse_line(void *ctx, unsigned lineno, char *s)
{
	struct parse *p = ctx;
	p->lineno = (int)lineno;
	char *eq = strchr(s, '=');
	if (!eq)
		return fail(p, _("expected \"key = value\""));
	*eq = '\0';
	char *key = Kesu_ini_trim(s, false), *value = Kesu_ini_trim(eq + 1, false);
	size_t i = 0;
	while (i < NKEYS && strcmp(keys[i].name, key))
		i++;
	if (i == NKEYS)
		return fail(p, _("unknown key \"%s\""), key);
	if (p->seen[i]) {
		return fail(p, _("duplicate key \"%s\", first at line %d"), key, p->seen[i]);
	}
	p->seen[i] = p->lineno;
	return set_value(p, p->cfg, &keys[i], value);
}

/* The whole file through the one bounded reader: a FIFO would block a
 * plain open() and read() forever, a device could be anything. What is
 * not a regular file, or is too large to be a config file, is a config
 * error (-KESU_EPARSE) with the reader's reason. */
static int read_regular(const char *path, char **text, size_t *len, char *err, size_t errsize)
{
	int rc = kesu_file_read_bounded(path, CONFIG_MAX_BYTES, 0, text, len, err, errsize);
	if (rc == -EFBIG) {
		size_t n = strlen(err);
		snprintf(err + n, errsize - n, _(": not a config file"));
	}
	return rc == -EINVAL || rc == -EFBIG ? -KESU_EPARSE : rc;
}

int kesu_config_load(const char *path, struct kesu_config *cfg, char *err, size_t errsize)
{
	char *text = NULL;
	size_t len = 0;
	err[0] = '\0';
	int rc = read_regular(path, &text, &len, err, errsize);
	if (rc == -ENOENT) {
		err[0] = '\0'; /* no config file: the defaults */
		return 0;
	}
	if (rc < 0) {
		if (!err[0])
			snprintf(err, errsize, "%s: %s", path, strerror(-rc));
		return rc;
	}
	struct parse p = {.path = path, .cfg = cfg, .err = err, .errsize = errsize};
	/* U+3000 is not trimmed here: context values trim it themselves
	 * (context.c), paths and words keep what they were given. */
	rc = Kesu_ini_lines(path, text, len, false, parse_line, &p, err, errsize);
	free(text);
	return rc;
}

void kesu_config_pdf_style(const struct kesu_config *cfg, struct kesu_pdf_style *style)
{
	_Static_assert(sizeof(cfg->class_label) <= sizeof(style->class_label),
		       "a configured label fits the certificate's");
	style->era_dates = strcmp(cfg->date_style, "era") == 0;
	memcpy(style->class_label, cfg->class_label, sizeof(cfg->class_label));
}

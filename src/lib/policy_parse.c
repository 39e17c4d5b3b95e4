/* The policy file (kesu/policy.h, docs/policy.md): INI-like, UTF-8, every
 * rule remembered with the FILE:LINE that set it. Strict, as the config
 * file is: a misspelt key must not leave a rule at its default unnoticed. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/policy.h"
#include "ini_lines.h"
#include "i18n.h"

#define POLICY_FILE_MAX (64u << 10) /* a policy is a page of text */
#define SECTION_ALL KESU_POLICY_CLASSES /* [all]; 0..2 are the classes */
#define NSECTIONS (KESU_POLICY_CLASSES + 1)

enum rule { R_APPROVAL, R_WITNESS, R_METHODS, R_MIN_LEVEL, R_MIN_VERIFY, R_ON_FAILURE, NRULES };
static const char *const rule_names[NRULES] = {"approval",   "witness",    "methods",
					       "min_level", "min_verify", "on_failure"};
static const char *const section_names[NSECTIONS] = {"class I", "class II", "class III", "all"};

struct parse {
	const char *path;
	unsigned lineno;
	int section;                       /* -1: before the first section */
	unsigned section_line[NSECTIONS];
	unsigned seen[NSECTIONS][NRULES];  /* line a rule was set in a section */
	bool by_class[KESU_POLICY_CLASSES][NRULES]; /* set by the class's own section */
	unsigned name_line, trust_line;
	struct kesu_policy *p;
	char *err;
	size_t errsize;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parse *ps, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kesu_parse_error(ps->err, ps->errsize, ps->path, ps->lineno, fmt, ap);
	va_end(ap);
	return rc;
}

/* "FILE:LINE" in at most KESU_POLICY_SOURCE_MAX bytes: a long path keeps
 * its end (the file's name), cut between characters, after "...". */
static void source_of(const struct parse *ps, char *out)
{
	char line[16];
	snprintf(line, sizeof(line), ":%u", ps->lineno);
	size_t plen = strlen(ps->path), llen = strlen(line);
	const char *path = ps->path, *dots = "";
	if (plen + llen >= KESU_POLICY_SOURCE_MAX) {
		path += plen - (KESU_POLICY_SOURCE_MAX - 1 - llen - 3);
		while (((unsigned char)*path & 0xc0) == 0x80)
			path++;
		dots = "...";
	}
	snprintf(out, KESU_POLICY_SOURCE_MAX, "%s%s%s", dots, path, line);
}

static int word(struct parse *ps, enum rule r, const char *value, const char *const *words,
		int *out)
{
	for (int i = 0; words[i]; i++)
		if (!strcmp(value, words[i])) {
			*out = i;
			return 0;
		}
	char list[128] = "";
	for (size_t i = 0, n = 0; words[i]; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? (words[i + 1] ? ", " : " or ") : "", words[i]);
	return fail(ps, _("%s: \"%s\" is not %s"), rule_names[r], value, list);
}

static bool id_form(const char *id)
{
	size_t n = strlen(id);
	if (!n || n > KESU_METHOD_ID_MAX)
		return false;
	return strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* "any", "" or "id, id, ...": the form only (kesu_policy_check_methods
 * checks that kesu knows them). An empty item ("a,,b", a trailing comma)
 * is a typo, refused like any other bad id. */
static int parse_methods(struct parse *ps, char *value, struct kesu_policy_class *v)
{
	v->n_methods = 0;
	if (!*value || !strcmp(value, "any"))
		return 0;
	for (char *item = value, *next; item; item = next) {
		next = strchr(item, ',');
		if (next)
			*next++ = '\0';
		item = Kesu_ini_trim(item, true);
		if (!id_form(item) || !strcmp(item, "any"))
			return fail(ps, _("methods: \"%s\" is not a method id (a-z, 0-9 and -, at most %d bytes; \"any\" stands alone)"),
				    item, KESU_METHOD_ID_MAX);
		for (size_t i = 0; i < v->n_methods; i++)
			if (!strcmp(v->methods[i], item))
				return fail(ps, _("methods: \"%s\" is listed twice"), item);
		if (v->n_methods == KESU_POLICY_METHODS_MAX)
			return fail(ps, _("methods: more than %d methods"), KESU_POLICY_METHODS_MAX);
		memcpy(v->methods[v->n_methods++], item, strlen(item) + 1);
	}
	return 0;
}

static int parse_value(struct parse *ps, enum rule r, char *value, struct kesu_policy_class *v)
{
	static const char *const required[] = {"optional", "required", NULL};
	static const char *const levels[] = {"clear", "purge", "destroy", NULL};
	static const char *const verifies[] = {"none", "sample", "full", NULL};
	static const char *const failures[] = {"none", "destroy", NULL};
	int i = 0, rc = 0;
	switch (r) {
	case R_APPROVAL:
	case R_WITNESS:
		rc = word(ps, r, value, required, &i);
		*(r == R_APPROVAL ? &v->approval_required : &v->witness_required) = i == 1;
		return rc;
	case R_METHODS: return parse_methods(ps, value, v);
	case R_MIN_LEVEL:
		rc = word(ps, r, value, levels, &i);
		v->min_level = (enum kesu_nist_level)(KESU_NIST_CLEAR + i);
		return rc;
	case R_MIN_VERIFY:
		rc = word(ps, r, value, verifies, &i);
		v->min_verify = (enum kesu_policy_verify)i;
		return rc;
	case R_ON_FAILURE:
		rc = word(ps, r, value, failures, &i);
		v->on_failure = i ? KESU_POLICY_FAILURE_DESTROY : KESU_POLICY_FAILURE_NONE;
		return rc;
	case NRULES: break;
	}
	return 0;
}

static char *source_slot(struct kesu_policy_rule_source *from, enum rule r)
{
	char *slots[NRULES] = {from->approval,  from->witness,    from->methods,
			       from->min_level, from->min_verify, from->on_failure};
	return slots[r];
}

static void copy_rule(struct kesu_policy_class *to, const struct kesu_policy_class *v, enum rule r)
{
	switch (r) {
	case R_APPROVAL: to->approval_required = v->approval_required; break;
	case R_WITNESS: to->witness_required = v->witness_required; break;
	case R_METHODS:
		memcpy(to->methods, v->methods, sizeof(v->methods));
		to->n_methods = v->n_methods;
		break;
	case R_MIN_LEVEL: to->min_level = v->min_level; break;
	case R_MIN_VERIFY: to->min_verify = v->min_verify; break;
	case R_ON_FAILURE: to->on_failure = v->on_failure; break;
	case NRULES: break;
	}
}

/* A rule of the current section: [all] sets it where no class section
 * has (in either order), a class section always. */
static int set_rule(struct parse *ps, enum rule r, char *value)
{
	int s = ps->section;
	if (s < 0)
		return fail(ps, _("%s: outside a section; put it under [class I], [class II], [class III] or [all]"),
			    rule_names[r]);
	if (ps->seen[s][r])
		return fail(ps, _("duplicate key \"%s\" in [%s], first at line %u"), rule_names[r],
			    section_names[s], ps->seen[s][r]);
	ps->seen[s][r] = ps->lineno;
	struct kesu_policy_class v = {0};
	int rc = parse_value(ps, r, value, &v);
	for (int c = 0; rc == 0 && c < KESU_POLICY_CLASSES; c++) {
		if (s == SECTION_ALL ? ps->by_class[c][r] : c != s)
			continue;
		ps->by_class[c][r] = s != SECTION_ALL;
		copy_rule(&ps->p->cls[c], &v, r);
		source_of(ps, source_slot(&ps->p->cls[c].from, r));
	}
	return rc;
}

static int set_section(struct parse *ps, char *s)
{
	size_t n = strlen(s);
	if (s[n - 1] != ']')
		return fail(ps, _("a section header must end with \"]\""));
	s[n - 1] = '\0';
	char *name = Kesu_ini_trim(s + 1, true);
	for (int i = 0; i < NSECTIONS; i++)
		if (!strcmp(name, section_names[i])) {
			if (ps->section_line[i])
				return fail(ps, _("duplicate section [%s], first at line %u"), name,
					    ps->section_line[i]);
			ps->section_line[i] = ps->lineno;
			ps->section = i;
			return 0;
		}
	return fail(ps, _("unknown section [%s] (one of [class I], [class II], [class III], [all])"), name);
}

/* trust = PATH: relative to the policy file's directory, as a config
 * file's paths are to the config file's. */
static int set_trust(struct parse *ps, const char *value)
{
	if (ps->section >= 0)
		return fail(ps, _("trust: belongs before the first section"));
	if (ps->trust_line)
		return fail(ps, _("duplicate key \"trust\", first at line %u"), ps->trust_line);
	ps->trust_line = ps->lineno;
	if (!*value)
		return fail(ps, _("trust: is empty"));
	const char *slash = strrchr(ps->path, '/');
	int dir_len = value[0] == '/' || !slash ? 0 : (int)(slash - ps->path + 1);
	int n = snprintf(ps->p->trust, sizeof(ps->p->trust), "%.*s%s", dir_len, ps->path, value);
	if (n < 0 || (size_t)n >= sizeof(ps->p->trust))
		return fail(ps, _("trust: the path is too long"));
	snprintf(ps->p->trust_from, sizeof(ps->p->trust_from), "%s:%u", ps->path, ps->lineno);
	return 0;
}

static int set_key(struct parse *ps, char *key, char *value)
{
	if (!strcmp(key, "trust"))
		return set_trust(ps, value);
	if (!strcmp(key, "name")) {
		if (ps->section >= 0)
			return fail(ps, _("name: belongs before the first section"));
		if (ps->name_line)
			return fail(ps, _("duplicate key \"name\", first at line %u"), ps->name_line);
		ps->name_line = ps->lineno;
		if (!*value)
			return fail(ps, _("name: is empty"));
		if (strlen(value) >= sizeof(ps->p->name))
			return fail(ps, _("name: is %zu bytes long; at most %zu fit"), strlen(value),
				    sizeof(ps->p->name) - 1);
		memcpy(ps->p->name, value, strlen(value) + 1);
		return 0;
	}
	for (int r = 0; r < NRULES; r++)
		if (!strcmp(key, rule_names[r]))
			return set_rule(ps, (enum rule)r, value);
	return fail(ps, _("unknown key \"%s\" (name, trust, approval, witness, methods, min_level, min_verify, on_failure)"),
		    key);
}

/* A "[section]" or "key = value" line, its comment cut and trimmed
 * (ini_lines.c; U+3000 is white space around values too). */
static int parse_line(void *ctx, unsigned lineno, char *s)
{
	struct parse *ps = ctx;
	ps->lineno = lineno;
	if (*s == '[')
		return set_section(ps, s);
	char *eq = strchr(s, '=');
	if (!eq)
		return fail(ps, _("expected \"key = value\" or \"[section]\""));
	*eq = '\0';
	return set_key(ps, Kesu_ini_trim(s, true), Kesu_ini_trim(eq + 1, true));
}

int kesu_policy_load(const char *path, struct kesu_policy *p, char *err, size_t errsize)
{
	char *text = NULL;
	size_t len = 0;
	err[0] = '\0';
	if (strlen(path) >= sizeof(p->path)) {
		snprintf(err, errsize, _("policy file name is too long"));
		return -ENAMETOOLONG;
	}
	int rc = kesu_file_read_bounded(path, POLICY_FILE_MAX, 0, &text, &len, err, errsize);
	if (rc < 0) {
		if (!err[0])
			snprintf(err, errsize, "%s: %s", path, strerror(-rc));
		return rc == -EINVAL || rc == -EFBIG ? -KESU_EPARSE : rc;
	}
	struct kesu_policy *work = malloc(sizeof(*work));
	if (!work) {
		free(text);
		snprintf(err, errsize, "%s: %s", path, strerror(ENOMEM));
		return -ENOMEM;
	}
	kesu_policy_default(work);
	memcpy(work->path, path, strlen(path) + 1);
	struct parse ps = {.path = path, .section = -1, .p = work, .err = err, .errsize = errsize};
	rc = Kesu_ini_lines(path, text, len, true, parse_line, &ps, err, errsize);
	if (rc == 0)
		*p = *work;
	free(work);
	free(text);
	return rc;
}

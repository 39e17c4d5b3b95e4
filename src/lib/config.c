#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kesu/config.h"
#include "kesu/error.h"

struct config_key {
	const char *name;
	size_t offset, size;
};

#define CTX(field) offsetof(struct kesu_config, ctx.field), sizeof(((struct kesu_config *)0)->ctx.field)
#define CFG(field) offsetof(struct kesu_config, field), sizeof(((struct kesu_config *)0)->field)

static const struct config_key keys[] = {
	{"operator", CTX(operator_name)},
	{"operator_title", CTX(operator_title)},
	{"organisation", CTX(organisation)},
	{"department", CTX(department)},
	{"location", CTX(location)},
	{"phone", CTX(phone)},
	{"approver", CTX(approver)},
	{"class", CTX(classification)},
	{"purpose", CTX(purpose)},
	{"ledger", CFG(ledger)},
	{"cert_dir", CFG(cert_dir)},
	{"key", CFG(key)},
	{"method", CFG(method)},
};

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int kesu_config_load(const char *path, struct kesu_config *cfg, char *err, size_t errsize)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		int e = errno;
		snprintf(err, errsize, "%s: %s", path, strerror(e));
		return -e;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		lineno++;
		char *s = trim(line);
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			snprintf(err, errsize, "%s:%d: expected \"key = value\"", path, lineno);
			rc = -KESU_EPARSE;
			break;
		}
		*eq = '\0';
		char *key = trim(s), *value = trim(eq + 1);
		const struct config_key *k = NULL;
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (!strcmp(keys[i].name, key))
				k = &keys[i];
		if (!k) {
			snprintf(err, errsize, "%s:%d: unknown key \"%s\"", path, lineno, key);
			rc = -KESU_EPARSE;
		} else if (strlen(value) >= k->size) {
			snprintf(err, errsize, "%s:%d: the value of %s is too long", path, lineno, key);
			rc = -KESU_EPARSE;
		} else {
			snprintf((char *)cfg + k->offset, k->size, "%s", value);
		}
	}
	fclose(f);
	return rc;
}

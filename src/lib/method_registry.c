/* The set of methods kesu knows: built-ins embedded at build time, then
 * optionally a user directory. Kept sorted by id so listings are stable. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embedded.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/method.h"
#include "i18n.h"

struct kesu_method_set {
	struct kesu_method **methods; /* sorted by id */
	size_t count, cap;
};

int kesu_method_set_new(struct kesu_method_set **set)
{
	*set = calloc(1, sizeof(**set));
	return *set ? 0 : -ENOMEM;
}

void kesu_method_set_free(struct kesu_method_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->count; i++)
		free(set->methods[i]);
	free(set->methods);
	free(set);
}

/* Index of id, or where it would go (*found false). */
static size_t position(const struct kesu_method_set *set, const char *id, bool *found)
{
	size_t lo = 0, hi = set->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(set->methods[mid]->id, id);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = false;
	return lo;
}

int kesu_method_set_add(struct kesu_method_set *set, const char *text, size_t len,
			const char *name, bool builtin, char *err, size_t errsize)
{
	struct kesu_method *m = malloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	int rc = kesu_method_parse(text, len, name, m, err, errsize);
	if (rc) {
		free(m);
		return rc;
	}
	m->builtin = builtin;
	bool found;
	size_t at = position(set, m->id, &found);
	if (found) {
		const struct kesu_method *old = set->methods[at];
		if (old->builtin && !builtin)
			snprintf(err, errsize,
				 _("%s:%u: id \"%s\" is a built-in method; a user method cannot "
				 "replace it (choose another id)"), name, m->id_line, m->id);
		else
			snprintf(err, errsize, _("%s:%u: id \"%s\" is already defined by %s"), name,
				 m->id_line, m->id, old->origin);
		free(m);
		return -KESU_EPARSE;
	}
	if (set->count == set->cap) {
		size_t cap = set->cap ? 2 * set->cap : 16;
		struct kesu_method **grown = realloc(set->methods, cap * sizeof(*grown));
		if (!grown) {
			free(m);
			return -ENOMEM;
		}
		set->methods = grown;
		set->cap = cap;
	}
	memmove(&set->methods[at + 1], &set->methods[at], (set->count - at) * sizeof(m));
	set->methods[at] = m;
	set->count++;
	return 0;
}

int kesu_method_set_add_builtin(struct kesu_method_set *set, char *err, size_t errsize)
{
	char name[512];
	for (const struct kesu_embedded_file *f = Kesu_embedded_methods; f->name; f++) {
		snprintf(name, sizeof(name), "methods/%s", f->name);
		int rc = kesu_method_set_add(set, f->contents, f->size, name, true, err, errsize);
		if (rc)
			return rc;
	}
	return 0;
}

static int io_error(char *err, size_t errsize, const char *path, int errnum)
{
	snprintf(err, errsize, "%s: %s", path, strerror(errnum));
	return -errnum;
}

/* A method file through the one bounded reader (a FIFO named x.method
 * does not hang the program). What is not a regular file, or is larger
 * than a method file may be, is a method error with the reader's reason. */
static int read_file(const char *path, char **buf, size_t *len, char *err, size_t errsize)
{
	int rc = kesu_file_read_bounded(path, KESU_METHOD_FILE_MAX, 0, buf, len, err, errsize);
	return rc == -EINVAL || rc == -EFBIG ? -KESU_EPARSE : rc;
}

static bool is_method_file(const char *name)
{
	size_t len = strlen(name);
	return name[0] != '.' && len > 7 && strcmp(name + len - 7, ".method") == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kesu_method_set_add_dir(struct kesu_method_set *set, const char *dir, char *err,
			    size_t errsize)
{
	DIR *d = opendir(dir);
	if (!d)
		return io_error(err, errsize, dir, errno);
	char **names = NULL;
	size_t count = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!is_method_file(de->d_name))
			continue;
		if (count == cap) {
			cap = cap ? 2 * cap : 32;
			char **grown = realloc(names, cap * sizeof(*grown));
			if (!grown) {
				rc = -ENOMEM;
				break;
			}
			names = grown;
		}
		if (!(names[count] = strdup(de->d_name))) {
			rc = -ENOMEM;
			break;
		}
		count++;
	}
	closedir(d);
	if (!rc)
		qsort(names, count, sizeof(*names), by_name);

	for (size_t i = 0; i < count && !rc; i++) {
		char path[4096], *buf = NULL;
		size_t len = 0;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) >= sizeof(path)) {
			rc = io_error(err, errsize, names[i], ENAMETOOLONG);
			break;
		}
		rc = read_file(path, &buf, &len, err, errsize);
		if (!rc)
			rc = kesu_method_set_add(set, buf, len, path, false, err, errsize);
		free(buf);
	}
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	return rc;
}

int kesu_method_set_load(struct kesu_method_set **set, const char *user_dir, char *err,
			 size_t errsize)
{
	int rc = kesu_method_set_new(set);
	if (rc)
		return rc;
	rc = kesu_method_set_add_builtin(*set, err, errsize);
	if (!rc && user_dir)
		rc = kesu_method_set_add_dir(*set, user_dir, err, errsize);
	if (rc) {
		kesu_method_set_free(*set);
		*set = NULL;
	}
	return rc;
}

size_t kesu_method_set_count(const struct kesu_method_set *set)
{
	return set->count;
}

const struct kesu_method *kesu_method_set_at(const struct kesu_method_set *set, size_t i)
{
	return i < set->count ? set->methods[i] : NULL;
}

const struct kesu_method *kesu_method_set_find(const struct kesu_method_set *set, const char *id)
{
	bool found;
	size_t at = position(set, id, &found);
	return found ? set->methods[at] : NULL;
}

/* The set of methods kesu knows: built-ins embedded at build time, then
 * optionally a user directory. Kept sorted by id so listings are stable. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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

/* Ids are a-z, 0-9 and '-' (method_parse.c): "DOD-3PASS" is dod-3pass. */
static void fold(const char *id, char *out, size_t size)
{
	size_t n = 0;
	for (; id[n] && n + 1 < size; n++)
		out[n] = id[n] >= 'A' && id[n] <= 'Z' ? (char)(id[n] + 32) : id[n];
	out[n] = '\0';
}

const struct kesu_method *kesu_method_set_find(const struct kesu_method_set *set, const char *id)
{
	char folded[KESU_METHOD_ID_MAX + 2];
	bool found;
	fold(id, folded, sizeof(folded));
	size_t at = position(set, folded, &found);
	return found ? set->methods[at] : NULL;
}

/* Optimal string alignment distance (Damerau-Levenshtein without
 * repeated edits of one substring): a swap of two letters counts one. */
static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[KESU_METHOD_ID_MAX + 2][KESU_METHOD_ID_MAX + 2];
	if (la > KESU_METHOD_ID_MAX || lb > KESU_METHOD_ID_MAX)
		return SIZE_MAX;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

/* The id without its punctuation: "dod3pass" and "dod-3pass" agree. */
static void bare(const char *id, char *out, size_t size)
{
	size_t n = 0;
	for (; *id && n + 1 < size; id++)
		if (*id != '-' && *id != '_' && *id != ' ' && *id != '.')
			out[n++] = *id;
	out[n] = '\0';
}

const struct kesu_method *kesu_method_set_nearest(const struct kesu_method_set *set,
						  const char *id)
{
	char folded[KESU_METHOD_ID_MAX + 2], want[KESU_METHOD_ID_MAX + 2], have[KESU_METHOD_ID_MAX + 2];
	fold(id, folded, sizeof(folded));
	bare(folded, want, sizeof(want));
	const struct kesu_method *best = NULL;
	size_t best_d = SIZE_MAX;
	bool tie = false;
	for (size_t i = 0; i < set->count; i++) {
		bare(set->methods[i]->id, have, sizeof(have));
		size_t d = strcmp(want, have) == 0 ? 0 : distance(folded, set->methods[i]->id);
		if (d < best_d) {
			best = set->methods[i];
			best_d = d;
			tie = false;
		} else if (d == best_d) {
			tie = true;
		}
	}
	/* Two edits at most, and fewer than half the id: "xyz" is nothing near. */
	return best && !tie && best_d <= 2 && best_d * 2 < strlen(best->id) ? best : NULL;
}

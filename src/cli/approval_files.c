/* Finding an approval file by its number (kesu approval status, kesu cert
 * import): the city keeps its approvals in ~/.config/kesu/approvals (the
 * config file's directory), where the text UI also looks for them. */
#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "kesu/paths.h"

/* The approval file with that number in dir, if any. */
static bool find_in(const char *dir, const char *number, char *out, size_t size)
{
	DIR *d = opendir(dir);
	if (!d)
		return false;
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		static const char ext[] = ".kesu-approval";
		size_t n = strlen(e->d_name);
		if (n < sizeof(ext) || strcmp(e->d_name + n - (sizeof(ext) - 1), ext) != 0)
			continue;
		snprintf(out, size, "%s/%s", dir, e->d_name);
		char err[KESU_ERRMSG_MAX];
		struct kesu_approval *a = NULL;
		/* Read without trust only to see the number; it is loaded again with trust. */
		found = kesu_approval_load(out, NULL, &a, err, sizeof(err)) == 0 &&
			!strcmp(a->number, number);
		kesu_approval_free(a);
	}
	closedir(d);
	return found;
}

int cli_approval_find(const char *number, char *path, size_t size)
{
	char config[KESU_PATH_MAX], dir[KESU_PATH_MAX + 16];
	if (kesu_default_path(KESU_PATH_CONFIG, config, sizeof(config)) == 0) {
		snprintf(dir, sizeof(dir), "%s/approvals", dirname(config));
		if (find_in(dir, number, path, size))
			return 0;
	}
	return find_in(".", number, path, size) ? 0 : -1;
}

int cli_approval_path(const char *arg, char *path, size_t size)
{
	struct stat sb;
	if (stat(arg, &sb) == 0 || strchr(arg, '/')) {
		snprintf(path, size, "%s", arg);
		return KESU_EXIT_OK;
	}
	if (cli_approval_find(arg, path, size) == 0)
		return KESU_EXIT_OK;
	cli_error("approval %s: no such file, and no *.kesu-approval file with that number in "
		  "~/.config/kesu/approvals or here", arg);
	return KESU_EXIT_USAGE;
}

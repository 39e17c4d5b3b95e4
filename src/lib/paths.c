/* Default locations of kesu's files, XDG-style (rules in kesu/paths.h). */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/paths.h"

/* Writes the formatted path to buf; -ENAMETOOLONG when it does not fit. */
__attribute__((format(printf, 3, 4))) static int put(char *buf, size_t size, const char *fmt,
						     ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -EINVAL;
	return (size_t)n < size ? 0 : -ENAMETOOLONG;
}

/* An environment variable that is set and not empty, else NULL. */
static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

static const char *home_dir(void)
{
	const char *home = env("HOME");
	if (home)
		return home;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_dir && *pw->pw_dir ? pw->pw_dir : NULL;
}

/* $name if it is an absolute path, else ~/fallback. */
static int xdg_dir(const char *name, const char *fallback, char *buf, size_t size)
{
	const char *v = env(name);
	if (v && v[0] == '/')
		return put(buf, size, "%s", v);
	const char *home = home_dir();
	if (!home)
		return -ENOENT;
	return put(buf, size, "%s/%s", home, fallback);
}

static int under_xdg(const char *name, const char *fallback, const char *leaf, char *buf,
		     size_t size)
{
	char base[4096];
	int rc = xdg_dir(name, fallback, base, sizeof(base));
	if (rc < 0)
		return rc;
	return put(buf, size, "%s/kesu/%s", base, leaf);
}

int kesu_key_public_path(const char *secret_path, char *buf, size_t size)
{
	size_t n = strlen(secret_path);
	if (n > 4 && strcmp(secret_path + n - 4, ".key") == 0)
		return put(buf, size, "%.*s.pub", (int)(n - 4), secret_path);
	return put(buf, size, "%s.pub", secret_path);
}

int kesu_default_path(enum kesu_path_kind kind, char *buf, size_t size)
{
	const char *v;
	switch (kind) {
	case KESU_PATH_SECRET_KEY:
		if ((v = env("KESU_KEY")))
			return put(buf, size, "%s", v);
		return under_xdg("XDG_CONFIG_HOME", ".config", "station.key", buf, size);
	case KESU_PATH_PUBLIC_KEY: {
		char secret[4096];
		int rc = kesu_default_path(KESU_PATH_SECRET_KEY, secret, sizeof(secret));
		return rc < 0 ? rc : kesu_key_public_path(secret, buf, size);
	}
	case KESU_PATH_LEDGER:
		if ((v = env("KESU_LEDGER")))
			return put(buf, size, "%s", v);
		return under_xdg("XDG_DATA_HOME", ".local/share", "ledger.sqlite", buf, size);
	case KESU_PATH_CERT_DIR:
		return under_xdg("XDG_DATA_HOME", ".local/share", "certificates", buf, size);
	case KESU_PATH_CONFIG:
		if ((v = env("KESU_CONFIG")))
			return put(buf, size, "%s", v);
		return under_xdg("XDG_CONFIG_HOME", ".config", "config", buf, size);
	case KESU_PATH_TRUST:
		if ((v = env("KESU_TRUST")))
			return put(buf, size, "%s", v);
		return under_xdg("XDG_CONFIG_HOME", ".config", "trust.json", buf, size);
	case KESU_PATH_KEY_DIR:
		return under_xdg("XDG_CONFIG_HOME", ".config", "keys", buf, size);
	}
	return -EINVAL;
}

int kesu_mkdirs(const char *dir, mode_t mode)
{
	char path[4096];
	size_t n = strlen(dir);
	if (n == 0)
		return -EINVAL;
	if (n >= sizeof(path))
		return -ENAMETOOLONG;
	memcpy(path, dir, n + 1);
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	/* Each prefix ending before a '/', then the whole path. */
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(path, mode) < 0) {
			int e = errno;
			struct stat st;
			if (e != EEXIST)
				return -e;
			if (stat(path, &st) < 0)
				return -errno;
			if (!S_ISDIR(st.st_mode))
				return -ENOTDIR;
		}
		*p = saved;
		if (saved == '\0')
			return 0;
	}
}

/* Where kesu keeps its files, per user, XDG-style (docs/keys.md):
 *
 *   secret key   $KESU_KEY, else $XDG_CONFIG_HOME/kesu/station.key
 *   public key   the secret key's path with ".key" replaced by ".pub"
 *                (".pub" appended when it does not end in ".key")
 *   ledger       $KESU_LEDGER, else $XDG_DATA_HOME/kesu/ledger.sqlite
 *   certificates $XDG_DATA_HOME/kesu/certificates
 *   config       $KESU_CONFIG, else $XDG_CONFIG_HOME/kesu/config
 *   others' keys $XDG_CONFIG_HOME/kesu/keys (kesu key generate --role)
 *   trust store  $KESU_TRUST, else $XDG_CONFIG_HOME/kesu/trust.json
 *                (the config file's "trust = PATH" comes between: the
 *                command line applies it, docs/trust.md)
 *
 * XDG_CONFIG_HOME defaults to ~/.config and XDG_DATA_HOME to
 * ~/.local/share; an empty or relative value counts as unset (as the XDG
 * specification says). ~ is $HOME, else the password database's home. */
#ifndef KESU_PATHS_H
#define KESU_PATHS_H

#include <stddef.h>
#include <sys/types.h>

enum kesu_path_kind {
	KESU_PATH_SECRET_KEY = 1,
	KESU_PATH_PUBLIC_KEY,
	KESU_PATH_LEDGER,
	KESU_PATH_CERT_DIR,
	KESU_PATH_CONFIG,
	KESU_PATH_TRUST,
	KESU_PATH_KEY_DIR,
};

/* 0, -ENAMETOOLONG when buf is too small, -ENOENT when there is no home
 * directory to start from, -EINVAL for an unknown kind. */
int kesu_default_path(enum kesu_path_kind kind, char *buf, size_t size);

/* The public key file that goes with a secret key file (rule above). */
int kesu_key_public_path(const char *secret_path, char *buf, size_t size);

/* mkdir -p: creates dir and its missing parents with mode (existing ones
 * are left as they are). -ENOTDIR when a component is not a directory. */
int kesu_mkdirs(const char *dir, mode_t mode);

#endif

/* The small per-user config file: defaults for who runs kesu and where
 * it keeps things. Flags override it (docs/formats.md, "Config file"). */
#ifndef KESU_CONFIG_H
#define KESU_CONFIG_H
#include <stddef.h>

#include "kesu/record.h"

struct kesu_config {
	struct kesu_job_context ctx; /* operator, organisation, class, purpose, ... */
	char ledger[4096];           /* "" = the default path */
	char cert_dir[4096];
	char key[4096];
	char method[33];             /* "" = KESU_METHOD_DEFAULT (kesu tui's first choice) */
};

/* Reads "key = value" lines (# comments, blank lines) from path into cfg,
 * which the caller has zeroed. A missing file is fine (0). An unknown key
 * or a line without "=" is -KESU_EPARSE with err "PATH:LINE: reason". */
int kesu_config_load(const char *path, struct kesu_config *cfg, char *err, size_t errsize);
#endif

/* --db URL: connecting to the central store for kesu server and ledger
 * verify --db, and, on kesu report, media, approval status and cert
 * batch, reading it (every station's records) through the same ledger
 * calls instead of the station's own ledger (docs/central-review.md). */
#include <stdio.h>

#include "cli.h"
#include "kesu/central.h"

int cli_central_connect(const char *url, struct kesu_central **central)
{
	char err[KESU_ERRMSG_MAX];
	int rc = kesu_central_connect(url, central, err, sizeof(err));
	if (rc < 0)
		cli_error("%s", err);
	return rc == 0 ? KESU_EXIT_OK : rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
}

int cli_station_open_central(struct cli_station *st, const char *url)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_ledger *l;
	int rc = kesu_ledger_open_central(url, &l, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	st->ledger = l;
	snprintf(st->ledger_path, sizeof(st->ledger_path), "%s", kesu_ledger_central_name(l));
	return KESU_EXIT_OK;
}

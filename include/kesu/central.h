/* The central store: one PostgreSQL database where many stations' ledgers
 * meet (docs/central.md). The station's SQLite ledger stays its source of
 * truth; the central store keeps a copy of every finished record, checks
 * that each station's chain only ever grows, and lets managers read
 * across stations. The schema is src/lib/central/schema.sql. */
#ifndef KESU_CENTRAL_H
#define KESU_CENTRAL_H
#include <stddef.h>

struct kesu_central;

/* Connects to the store named by url: a libpq connection URI or
 * key=value string ("postgresql://role@host:port/db?passfile=..."). The
 * url may hold a password: it is never put in err, which names the host,
 * port and database only. Fails with -EIO (unreachable, refused,
 * authentication) or -KESU_EPARSE (an invalid url). */
int kesu_central_connect(const char *url, struct kesu_central **central, char *err,
			 size_t errsize);
void kesu_central_close(struct kesu_central *central);

/* "host:port/db" (or "socket-dir/db"): how messages name the store. */
const char *kesu_central_name(const struct kesu_central *central);

/* Whether kesu server init has run on this database: 1 yes, 0 no, or a
 * negative error. */
int kesu_central_has_schema(struct kesu_central *central, char *err, size_t errsize);
#endif

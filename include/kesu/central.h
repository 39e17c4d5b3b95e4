/* The central store: one PostgreSQL database where many stations' ledgers
 * meet (docs/central.md). The station's SQLite ledger stays its source of
 * truth; the central store keeps a copy of every finished record, checks
 * that each station's chain only ever grows, and lets managers read
 * across stations. The schema is src/lib/central/schema.sql. */
#ifndef KESU_CENTRAL_H
#define KESU_CENTRAL_H
#include <stdbool.h>
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
/* ---- Setting up the store (store_admin.c): kesu server ---- */

#define KESU_CENTRAL_SCHEMA_VERSION 1
#define KESU_CENTRAL_ROLE_MAX 64      /* a PostgreSQL name: 63 bytes + NUL */
#define KESU_CENTRAL_PASSWORD_SIZE 45 /* 44 base64url characters (264 random bits) + NUL */

/* Creates the group roles kesu_station and kesu_reader (NOLOGIN) when
 * missing and the schema, in one transaction. A store that already has
 * it is -EEXIST ("already initialised (schema version N)"), unchanged. */
int kesu_central_init(struct kesu_central *c, char *err, size_t errsize);

/* The login role for a station or manager name ("Front-Desk.2" ->
 * prefix "front_desk_2"): lower case, '.' and '-' as '_'. The name must
 * match [A-Za-z0-9][A-Za-z0-9._-]{0,47} (what kesu.stations allows):
 * -KESU_EPARSE with err saying why otherwise. */
int kesu_central_role_name(const char *prefix, const char *name, char role[KESU_CENTRAL_ROLE_MAX],
			   char *err, size_t errsize);

/* A new login role's credentials. password is "" when the role was made
 * without one (TLS client certificates); the caller wipes it with
 * sodium_memzero once written. */
struct kesu_central_account {
	char role[KESU_CENTRAL_ROLE_MAX];
	char password[KESU_CENTRAL_PASSWORD_SIZE];
};

/* Registers a station: its public key file's text (as kesu key export
 * writes it, checked here) under name, with a new login role in
 * kesu_station, in one transaction. The password's SCRAM verifier is
 * computed here (PQencryptPasswordConn), so the server never sees the
 * password. A name, role or key already registered is -EEXIST, nothing
 * changed. fingerprint receives the key's (KESU_FINGERPRINT_SIZE). */
int kesu_central_add_station(struct kesu_central *c, const char *name, const char *pubkey_text,
			     size_t pubkey_len, bool with_password,
			     struct kesu_central_account *account, char *fingerprint,
			     size_t fpr_size, char *err, size_t errsize);

/* A manager: a login role in kesu_reader (reads every station's rows,
 * writes none). -EEXIST when the role exists. */
int kesu_central_add_manager(struct kesu_central *c, const char *name, bool with_password,
			     struct kesu_central_account *account, char *err, size_t errsize);

/* The URL a new account logs in with: postgresql://ROLE@HOST:PORT/DB,
 * with ?passfile=PASSFILE when passfile is not NULL (host, port and
 * database from c's connection; a socket directory is given as host=). */
void kesu_central_account_url(const struct kesu_central *c, const char *role, const char *passfile,
			      char *buf, size_t size);

/* "host:port/db" for a URL without connecting (what kesu_central_name
 * will say, and the key of the ledger's push state, which must never
 * hold a password). -KESU_EPARSE for a malformed URL. */
int kesu_central_url_name(const char *url, char *buf, size_t size, char *err, size_t errsize);
#endif

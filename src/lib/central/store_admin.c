/* Setting up the central store: kesu server init, add-station and
 * add-manager. Roles are PostgreSQL's own, so the server decides who may
 * do what (schema.sql); kesu only creates them with safe names and
 * passwords whose plain text never reaches the server or its logs. */
#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central_internal.h"
#include "errmsg.h"
#include "i18n.h"
#include "kesu/error.h"
#include "kesu/key.h"

/* The group roles exist cluster-wide: another database's store may have
 * made them already. */
static const char make_groups[] =
	"DO $$ BEGIN"
	" IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kesu_station') THEN"
	"  CREATE ROLE kesu_station NOLOGIN; END IF;"
	" IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kesu_reader') THEN"
	"  CREATE ROLE kesu_reader NOLOGIN; END IF;"
	" END $$";

static void rollback(struct kesu_central *c)
{
	PQclear(PQexec(c->conn, "ROLLBACK"));
}

/* The stored schema version, or 0 when the store has none. */
static int schema_version(struct kesu_central *c, char *err, size_t errsize)
{
	int rc = kesu_central_has_schema(c, err, errsize);
	if (rc <= 0)
		return rc;
	PGresult *res = PQexec(c->conn, "SELECT value FROM kesu.meta WHERE key = 'schema_version'");
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = Kesu_central_fail(c, res, _("cannot read the schema version"), err, errsize);
	else
		rc = PQntuples(res) ? atoi(PQgetvalue(res, 0, 0)) : 1;
	PQclear(res);
	return rc;
}

int kesu_central_init(struct kesu_central *c, char *err, size_t errsize)
{
	int rc = Kesu_central_exec(c, "BEGIN", _("cannot begin"), err, errsize);
	if (rc < 0)
		return rc;
	/* Under the transaction: two inits at once cannot both find it empty
	 * (the second fails on CREATE SCHEMA and changes nothing). */
	int version = schema_version(c, err, errsize);
	if (version > 0) {
		rollback(c);
		return Kesu_errorf(err, errsize, -EEXIST,
				   "central store %s: already initialised (schema version %d)", c->name,
				   version);
	}
	rc = version;
	if (rc == 0)
		rc = Kesu_central_exec(c, make_groups, _("cannot create the roles kesu_station and kesu_reader"),
				       err, errsize);
	if (rc == 0)
		rc = Kesu_central_exec(c, Kesu_central_schema_sql, _("cannot create the schema"), err,
				       errsize);
	if (rc == 0)
		rc = Kesu_central_exec(c, "COMMIT", _("cannot commit"), err, errsize);
	if (rc < 0)
		rollback(c);
	return rc;
}

int kesu_central_role_name(const char *prefix, const char *name, char role[KESU_CENTRAL_ROLE_MAX],
			   char *err, size_t errsize)
{
	size_t n = strlen(name);
	if (n == 0 || n > 48)
		return Kesu_errorf(err, errsize, -KESU_EPARSE,
				   "the name \"%.60s\" must be 1 to 48 characters long", name);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)name[i];
		bool ok = isascii(ch) && (isalnum(ch) || (i && (ch == '.' || ch == '_' || ch == '-')));
		if (!ok)
			return Kesu_errorf(err, errsize, -KESU_EPARSE,
					   "the name \"%.60s\" may hold only letters A-Z, digits, '.', '_' and "
					   "'-', and must start with a letter or digit",
					   name);
	}
	int len = snprintf(role, KESU_CENTRAL_ROLE_MAX, "%s_", prefix);
	for (size_t i = 0; i < n && len + 1 < KESU_CENTRAL_ROLE_MAX; i++) {
		char ch = (char)tolower((unsigned char)name[i]);
		role[len++] = ch == '.' || ch == '-' ? '_' : ch;
	}
	role[len] = '\0';
	return 0;
}

/* A password from libsodium's generator: 33 random bytes as 44 base64url
 * characters (no ':' or '\\', so the pgpass line needs no escapes). */
static void new_password(char out[KESU_CENTRAL_PASSWORD_SIZE])
{
	unsigned char raw[33];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, KESU_CENTRAL_PASSWORD_SIZE, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

/* CREATE ROLE role LOGIN IN ROLE group [PASSWORD 'SCRAM verifier']: the
 * verifier is computed here, so the statement (which the server may log)
 * never holds the password. */
static int create_login(struct kesu_central *c, const char *group, bool with_password,
			struct kesu_central_account *a, char *err, size_t errsize)
{
	a->password[0] = '\0';
	char *verifier = NULL;
	if (with_password) {
		new_password(a->password);
		verifier = PQencryptPasswordConn(c->conn, a->password, a->role, "scram-sha-256");
		if (!verifier) {
			sodium_memzero(a->password, sizeof(a->password));
			return Kesu_central_fail(c, NULL, _("cannot compute the password's verifier"), err,
						 errsize);
		}
	}
	char *quoted = verifier ? PQescapeLiteral(c->conn, verifier, strlen(verifier)) : NULL;
	PQfreemem(verifier);
	if (with_password && !quoted) {
		sodium_memzero(a->password, sizeof(a->password));
		return Kesu_central_fail(c, NULL, _("cannot quote the verifier"), err, errsize);
	}
	/* The role name is [a-z0-9_] (kesu_central_role_name): no quoting
	 * needed, and an identifier cannot be a bind parameter. */
	char sql[1024];
	snprintf(sql, sizeof(sql), "CREATE ROLE %s LOGIN IN ROLE %s%s%s", a->role, group,
		 quoted ? " PASSWORD " : "", quoted ? quoted : "");
	PQfreemem(quoted);
	PGresult *res = PQexec(c->conn, sql);
	sodium_memzero(sql, sizeof(sql));
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		if (!strcmp(Kesu_central_sqlstate(res), "42710")) /* duplicate_object */
			rc = Kesu_errorf(err, errsize, -EEXIST, "central store %s: the role %s already exists",
					 c->name, a->role);
		else
			rc = Kesu_central_fail(c, res, _("cannot create the role"), err, errsize);
		sodium_memzero(a->password, sizeof(a->password));
	}
	PQclear(res);
	return rc;
}

static int need_schema(struct kesu_central *c, char *err, size_t errsize)
{
	int rc = kesu_central_has_schema(c, err, errsize);
	if (rc == 0)
		return Kesu_errorf(err, errsize, -KESU_ENOTFOUND,
				   "central store %s: not initialised (run kesu server init first)", c->name);
	return rc < 0 ? rc : 0;
}

/* Which of name and fingerprint are taken: -EEXIST with err saying so. */
static int station_free(struct kesu_central *c, const char *name, const char *fpr, char *err,
			size_t errsize)
{
	const char *params[] = {name, fpr};
	PGresult *res = PQexecParams(c->conn,
				     "SELECT name, fingerprint FROM kesu.stations"
				     " WHERE lower(name) = lower($1) OR fingerprint = $2",
				     2, NULL, params, NULL, NULL, 0);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		rc = Kesu_central_fail(c, res, _("cannot read the stations"), err, errsize);
	else if (PQntuples(res) && !strcmp(PQgetvalue(res, 0, 1), fpr))
		rc = Kesu_errorf(err, errsize, -EEXIST,
				 "central store %s: the key %s is already registered as station %s", c->name,
				 fpr, PQgetvalue(res, 0, 0));
	else if (PQntuples(res))
		rc = Kesu_errorf(err, errsize, -EEXIST,
				 "central store %s: a station named %s is already registered", c->name,
				 PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

int kesu_central_add_station(struct kesu_central *c, const char *name, const char *pubkey_text,
			     size_t pubkey_len, bool with_password,
			     struct kesu_central_account *account, char *fingerprint,
			     size_t fpr_size, char *err, size_t errsize)
{
	memset(account, 0, sizeof(*account));
	struct kesu_public_key pk;
	int rc = kesu_key_parse_public(pubkey_text, pubkey_len, _("the public key"), &pk, err, errsize);
	if (rc < 0)
		return rc;
	kesu_key_fingerprint(&pk, fingerprint, fpr_size);
	if ((rc = kesu_central_role_name("kesu_station", name, account->role, err, errsize)) < 0 ||
	    (rc = need_schema(c, err, errsize)) < 0 ||
	    (rc = Kesu_central_exec(c, "BEGIN", _("cannot begin"), err, errsize)) < 0)
		return rc;
	rc = station_free(c, name, fingerprint, err, errsize);
	if (rc == 0)
		rc = create_login(c, "kesu_station", with_password, account, err, errsize);
	if (rc == 0) {
		char text[4096];
		snprintf(text, sizeof(text), "%.*s", (int)pubkey_len, pubkey_text);
		const char *params[] = {fingerprint, text, name, account->role};
		PGresult *res = PQexecParams(c->conn,
					     "INSERT INTO kesu.stations (fingerprint, public_key, name, role)"
					     " VALUES ($1, $2, $3, $4)",
					     4, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_COMMAND_OK)
			rc = Kesu_central_fail(c, res, _("cannot register the station"), err, errsize);
		PQclear(res);
	}
	if (rc == 0)
		rc = Kesu_central_exec(c, "COMMIT", _("cannot commit"), err, errsize);
	if (rc < 0) {
		rollback(c);
		sodium_memzero(account->password, sizeof(account->password));
	}
	return rc;
}

int kesu_central_add_manager(struct kesu_central *c, const char *name, bool with_password,
			     struct kesu_central_account *account, char *err, size_t errsize)
{
	memset(account, 0, sizeof(*account));
	int rc;
	if ((rc = kesu_central_role_name("kesu_manager", name, account->role, err, errsize)) < 0 ||
	    (rc = need_schema(c, err, errsize)) < 0)
		return rc;
	return create_login(c, "kesu_reader", with_password, account, err, errsize);
}

void kesu_central_account_url(const struct kesu_central *c, const char *role, const char *passfile,
			      char *buf, size_t size)
{
	const char *host = PQhost(c->conn), *port = PQport(c->conn), *db = PQdb(c->conn);
	host = host && *host ? host : "localhost";
	port = port && *port ? port : "5432";
	db = db ? db : "";
	const char *pf = passfile ? "passfile=" : "", *pv = passfile ? passfile : "";
	if (host[0] == '/') /* a Unix socket directory: host= in the query */
		snprintf(buf, size, "postgresql://%s@/%s?host=%s&port=%s%s%s", role, db, host, port,
			 passfile ? "&" : "", pf);
	else if (strchr(host, ':')) /* an IPv6 address goes in brackets */
		snprintf(buf, size, "postgresql://%s@[%s]:%s/%s%s%s", role, host, port, db,
			 passfile ? "?" : "", pf);
	else
		snprintf(buf, size, "postgresql://%s@%s:%s/%s%s%s", role, host, port, db,
			 passfile ? "?" : "", pf);
	size_t len = strlen(buf);
	if (len < size)
		snprintf(buf + len, size - len, "%s", pv);
}

int kesu_central_url_name(const char *url, char *buf, size_t size, char *err, size_t errsize)
{
	char *why = NULL;
	PQconninfoOption *opts = url && *url ? PQconninfoParse(url, &why) : NULL;
	if (!opts) {
		char line[300];
		snprintf(line, sizeof(line), "%s", why ? why : "not a connection string");
		line[strcspn(line, "\n")] = '\0';
		PQfreemem(why);
		return Kesu_errorf(err, errsize, -KESU_EPARSE, "central store: the URL is not valid: %s",
				   line);
	}
	const char *host = "", *port = "", *db = "", *user = "";
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		const char *v = o->val ? o->val : "";
		if (!strcmp(o->keyword, "host") || (!strcmp(o->keyword, "hostaddr") && !*host))
			host = v;
		else if (!strcmp(o->keyword, "port"))
			port = v;
		else if (!strcmp(o->keyword, "dbname"))
			db = v;
		else if (!strcmp(o->keyword, "user"))
			user = v;
	}
	if (!*db) /* libpq's default: the user name */
		db = user;
	if (host[0] == '/')
		snprintf(buf, size, "%s/%s", host, db);
	else
		snprintf(buf, size, "%s:%s/%s", *host ? host : "localhost", *port ? port : "5432", db);
	PQconninfoFree(opts);
	return 0;
}

/* Connecting to the central store, and saying what went wrong without
 * ever repeating the password a connection string may hold. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "central_internal.h"
#include "errmsg.h"
#include "i18n.h"
#include "kesu/error.h"

/* The first line of a libpq message, without its "ERROR:  " or
 * "FATAL:  " prefix and trailing newline. */
static void first_line(const char *msg, char *buf, size_t size)
{
	if (!msg)
		msg = "";
	for (const char *p = msg; *p == ' ';)
		msg = ++p;
	static const char *const prefixes[] = {"ERROR:  ", "FATAL:  "};
	for (size_t i = 0; i < 2; i++)
		if (!strncmp(msg, prefixes[i], strlen(prefixes[i])))
			msg += strlen(prefixes[i]);
	size_t n = strcspn(msg, "\n");
	snprintf(buf, size, "%.*s", (int)n, msg);
}

int Kesu_central_fail(struct kesu_central *c, const PGresult *res, const char *what, char *err,
		      size_t errsize)
{
	char why[400];
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	first_line(primary ? primary : PQerrorMessage(c->conn), why, sizeof(why));
	return Kesu_errorf(err, errsize, -EIO, "central store %s: %s: %s", c->name, what, why);
}

const char *Kesu_central_sqlstate(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return state ? state : "";
}

int Kesu_central_exec(struct kesu_central *c, const char *sql, const char *what, char *err,
		      size_t errsize)
{
	PGresult *res = PQexec(c->conn, sql);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK
			 ? 0
			 : Kesu_central_fail(c, res, what, err, errsize);
	PQclear(res);
	return rc;
}

int Kesu_central_each_row(struct kesu_central *c, const char *select, int nparams,
			  const char *const *params, int batch,
			  int (*fn)(PGresult *res, int row, void *ctx), void *ctx, char *err,
			  size_t errsize)
{
	int rc = Kesu_central_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
				   _("cannot read the records"), err, errsize);
	if (rc < 0)
		return rc;
	size_t size = strlen(select) + 64;
	char *declare = malloc(size), fetch[64];
	if (!declare) {
		PQclear(PQexec(c->conn, "ROLLBACK"));
		return -ENOMEM;
	}
	snprintf(declare, size, "DECLARE kesu_rows NO SCROLL CURSOR FOR %s", select);
	snprintf(fetch, sizeof(fetch), "FETCH %d FROM kesu_rows", batch);
	PGresult *res = PQexecParams(c->conn, declare, nparams, NULL, params, NULL, NULL, 0);
	free(declare);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = Kesu_central_fail(c, res, _("cannot read the records"), err, errsize);
	PQclear(res);
	/* The next batch is asked for before this one is handed over, so the
	 * server reads it while the caller parses (docs/performance.md). */
	bool asked = rc == 0 && PQsendQuery(c->conn, fetch);
	if (rc == 0 && !asked)
		rc = Kesu_central_fail(c, NULL, _("cannot read the records"), err, errsize);
	while (asked) {
		res = PQgetResult(c->conn);
		for (PGresult *more; (more = PQgetResult(c->conn));) /* the end of this answer */
			PQclear(more);
		asked = false;
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			if (rc == 0)
				rc = Kesu_central_fail(c, res, _("cannot read the records"), err, errsize);
			PQclear(res);
			break;
		}
		int n = PQntuples(res);
		if (rc == 0 && n == batch) {
			asked = PQsendQuery(c->conn, fetch);
			if (!asked)
				rc = Kesu_central_fail(c, NULL, _("cannot read the records"), err, errsize);
		}
		for (int i = 0; i < n && rc == 0; i++)
			rc = fn(res, i, ctx);
		PQclear(res);
	}
	PQclear(PQexec(c->conn, rc == 0 ? "COMMIT" : "ROLLBACK"));
	return rc;
}

/* libpq parses the url itself; parsing it first lets a malformed one be
 * a parse error that names no password. */
static int check_url(const char *url, char *err, size_t errsize)
{
	char *why = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &why);
	if (!opts) {
		char line[300];
		first_line(why ? why : "not a connection string", line, sizeof(line));
		PQfreemem(why);
		return Kesu_errorf(err, errsize, -KESU_EPARSE, "central store: the URL is not valid: %s",
				   line);
	}
	PQconninfoFree(opts);
	return 0;
}

int kesu_central_connect(const char *url, struct kesu_central **central, char *err, size_t errsize)
{
	*central = NULL;
	if (!url || !*url)
		return Kesu_errorf(err, errsize, -KESU_EPARSE, "central store: no URL was given");
	int rc = check_url(url, err, errsize);
	if (rc < 0)
		return rc;
	struct kesu_central *c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	/* Never wait forever for a store that is down; keep the messages in
	 * English for the log and the alarms (the station translates). */
	const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
	const char *values[] = {url, "10", "kesu", NULL};
	c->conn = PQconnectdbParams(keys, values, 1);
	const char *host = PQhost(c->conn), *port = PQport(c->conn), *db = PQdb(c->conn);
	if (host && host[0] == '/')
		snprintf(c->name, sizeof(c->name), "%s/%s", host, db ? db : "");
	else
		snprintf(c->name, sizeof(c->name), "%s:%s/%s", host && *host ? host : "localhost",
			 port && *port ? port : "5432", db ? db : "");
	if (PQstatus(c->conn) != CONNECTION_OK) {
		rc = Kesu_central_fail(c, NULL, _("cannot connect"), err, errsize);
		kesu_central_close(c);
		return rc;
	}
	rc = Kesu_central_exec(c, "SET client_min_messages = warning", _("cannot set up the session"),
			       err, errsize);
	if (rc < 0) {
		kesu_central_close(c);
		return rc;
	}
	*central = c;
	return 0;
}

void kesu_central_close(struct kesu_central *central)
{
	if (!central)
		return;
	PQfinish(central->conn);
	free(central);
}

const char *kesu_central_name(const struct kesu_central *central)
{
	return central->name;
}

int kesu_central_has_schema(struct kesu_central *c, char *err, size_t errsize)
{
	PGresult *res = PQexec(c->conn, "SELECT to_regclass('kesu.meta') IS NOT NULL");
	int rc = PQresultStatus(res) == PGRES_TUPLES_OK
			 ? !strcmp(PQgetvalue(res, 0, 0), "t")
			 : Kesu_central_fail(c, res, _("cannot read the schema"), err, errsize);
	PQclear(res);
	return rc;
}

/* Shared by the central store's files: the connection and its errors. */
#ifndef KESU_CENTRAL_INTERNAL_H
#define KESU_CENTRAL_INTERNAL_H
#include <libpq-fe.h>
#include <stdbool.h>

#include "kesu/central.h"

struct kesu_central {
	PGconn *conn;
	char name[512]; /* kesu_central_name */
};

/* The schema, compiled in from schema.sql by cmake/embed_sql.cmake. */
extern const char Kesu_central_schema_sql[];

/* Sets err to "central store NAME: what: the server's message (first
 * line)" and returns -EIO. res may be NULL (a connection failure). */
int Kesu_central_fail(struct kesu_central *c, const PGresult *res, const char *what, char *err,
		      size_t errsize);

/* Runs SQL that returns no rows; 0 or Kesu_central_fail's error. */
int Kesu_central_exec(struct kesu_central *c, const char *sql, const char *what, char *err,
		      size_t errsize);

/* The server's SQLSTATE for res ("" when none): "42501" is a refused
 * privilege, "08xxx" a lost connection. */
const char *Kesu_central_sqlstate(const PGresult *res);
#endif

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

/* Runs select (a SELECT with $1.. parameters) through a cursor in one
 * read-only snapshot, fetching batch rows per round trip, and calls fn
 * for each row until it returns non-zero (which is returned). A million
 * rows never sit in memory at once. */
int Kesu_central_each_row(struct kesu_central *c, const char *select, int nparams,
			  const char *const *params, int batch,
			  int (*fn)(PGresult *res, int row, void *ctx), void *ctx, char *err,
			  size_t errsize);

/* The server's SQLSTATE for res ("" when none): "42501" is a refused
 * privilege, "08xxx" a lost connection. */
const char *Kesu_central_sqlstate(const PGresult *res);
#endif

/* Temporary ATA passwords in the ledger: stored before kesu sets one on a
 * drive, read by kesu unlock, forgotten (and overwritten in the file:
 * secure_delete) once the drive has security disabled again. */
#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "kesu/error.h"
#include "kesu/record.h"
#include "ledger_internal.h"

int kesu_ledger_password_store(struct kesu_ledger *l, const char *device_key, const char *job_id,
			       const char *password, char *err, size_t errsize)
{
	char now[32];
	kesu_time_utc(time(NULL), now);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db,
			       "INSERT OR REPLACE INTO ata_passwords (device_key, job_id, password, created_utc)"
			       " VALUES (?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot store the drive password", err, errsize);
	sqlite3_bind_text(st, 1, device_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, job_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, password, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : Kesu_ledger_fail(l, "cannot store the drive password", err, errsize);
	sqlite3_finalize(st);
	return rc;
}

int kesu_ledger_password_get(struct kesu_ledger *l, const char *device_key, char *password,
			     size_t size, char *err, size_t errsize)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, "SELECT password FROM ata_passwords WHERE device_key = ?", -1,
			       &st, NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot read drive passwords", err, errsize);
	sqlite3_bind_text(st, 1, device_key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		size_t len = text ? strlen(text) : 0;
		if (len >= size) {
			rc = -ERANGE;
		} else {
			memcpy(password, text, len + 1);
			rc = 0;
		}
	} else if (rc == SQLITE_DONE) {
		rc = -KESU_ENOTFOUND;
	} else {
		rc = Kesu_ledger_fail(l, "cannot read drive passwords", err, errsize);
	}
	sqlite3_finalize(st);
	return rc;
}

int kesu_ledger_password_forget(struct kesu_ledger *l, const char *device_key, char *err,
				size_t errsize)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(l->db, "DELETE FROM ata_passwords WHERE device_key = ?", -1, &st,
			       NULL) != SQLITE_OK)
		return Kesu_ledger_fail(l, "cannot forget the drive password", err, errsize);
	sqlite3_bind_text(st, 1, device_key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : Kesu_ledger_fail(l, "cannot forget the drive password", err, errsize);
	sqlite3_finalize(st);
	return rc;
}

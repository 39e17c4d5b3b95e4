/* The ledger as people read it: the record's members as text, the words
 * for outcomes and kinds in the reader's language (ledger_words.c), the
 * columns of kesu ledger list (ledger_columns.c) and kesu ledger show
 * (ledger_show.c). Private to src/cli. */
#ifndef KESU_CLI_LEDGER_VIEW_H
#define KESU_CLI_LEDGER_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"

/* A member of a record by path ("media.serial"): the scalar as text, ""
 * when missing, null, an object or an array. */
const char *cli_rec_text(struct json_object *rec, const char *path);
/* The member itself, NULL when missing. */
struct json_object *cli_rec_member(struct json_object *rec, const char *path);
/* A wipe or a check (kind "wipe", "verify", or none in old records); any
 * other kind is an event shown by its own members. */
bool cli_rec_is_job(struct json_object *rec);
/* "2026-12-06T10:00:00+09:00" as "2026-12-06 10:00 +09:00" (seconds: with
 * them); text in another form is copied as it is. */
void cli_local_time_text(const char *local, bool seconds, char *buf, size_t size);
/* A UTC time "YYYY-MM-DDTHH:MM:SSZ" as this station's local time with its
 * offset, in the form above; "" when it is not one. */
void cli_utc_time_text(const char *utc, bool seconds, char *buf, size_t size);
/* SUCCESS, ... as a reader names them (ja: 消去完了); unknown: as given. */
const char *cli_outcome_words(const char *outcome, bool ja);
/* An event's kind ("destruction") as a reader names it. */
const char *cli_kind_words(const char *kind, bool ja);
/* A job's state (running, interrupted). */
const char *cli_state_words(const char *state, bool ja);
/* A NIST SP 800-88 level (clear, purge, destroy, none). */
const char *cli_level_words(const char *level, bool ja);
/* An event's member as a reader names it: role, action, kind and
 * outcome in Japanese under ja; any other value as it is. */
const char *cli_member_words(const char *member, const char *value, bool ja);

/* ---- kesu ledger list's columns (ledger_columns.c) ---- */
struct cli_ledger_cell {
	const struct kesu_ledger_row *row;
	struct json_object *rec; /* NULL for an unfinished job */
	bool event;              /* not a wipe or a check */
	bool ja;
};
struct cli_ledger_column {
	const char *key, *en, *ja, *help;
	/* Writes the cell's text (not yet escaped) to buf, or returns a
	 * static string. */
	const char *(*value)(const struct cli_ledger_cell *c, char *buf, size_t size);
};
#define CLI_LEDGER_MAX_COLS 32
/* -o COLS: comma-separated keys, "+COL,..." adds to the default set; NULL
 * for the default. Returns the number of columns, or 0 after printing one
 * line naming the unknown key and the allowed ones. */
size_t cli_ledger_columns(const char *spec, const struct cli_ledger_column **cols);
/* "  seq       the record's number..." lines for --help. */
void cli_ledger_columns_help(FILE *out);

/* ---- kesu ledger show (ledger_show.c) ---- */
/* Prints the record labelled in the reader's language; cert_dir is where
 * the station keeps its certificates. */
void cli_ledger_show_record(struct json_object *rec, uint64_t seq, const char *hash,
			    const char *cert_dir);

#endif

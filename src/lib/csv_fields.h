/* One line of a CSV file (RFC 4180 as spreadsheets write it) split into
 * fields: the approval's media list and the batch's asset list. */
#ifndef KESU_CSV_FIELDS_H
#define KESU_CSV_FIELDS_H

#include <stddef.h>

/* Reads a CSV file of at most max bytes (*text malloc'd; free it) and
 * sets *body past the byte order mark spreadsheets write. Text that is
 * not valid UTF-8, or holds a NUL, is -KESU_EPARSE "PATH:LINE: is not
 * valid UTF-8 text" (nothing kept); other errors as kesu_file_read_bounded. */
int Kesu_csv_read(const char *path, size_t max, char **text, char **body, char *err,
		  size_t errsize);

/* Splits line (no newline) into at most max fields, in place: quotes
 * removed, "" inside quotes kept as one ", spaces around an unquoted field
 * dropped. Returns the count; -1 with *why set for a damaged line, or -1
 * with *why NULL when there are more than max fields (the caller names
 * its columns). */
int Kesu_csv_split(char *line, char **fields, int max, const char **why);

/* The line at *cursor, cut at its newline in place with a CR before it
 * dropped ("" for a blank line), and *cursor moved past it; NULL at the end:
 *   for (char *cur = text, *line; (line = Kesu_csv_line(&cur)); lineno++) */
char *Kesu_csv_line(char **cursor);

#endif

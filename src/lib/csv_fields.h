/* One line of a CSV file (RFC 4180 as spreadsheets write it) split into
 * fields: the approval's media list and the batch's asset list. */
#ifndef KESU_CSV_FIELDS_H
#define KESU_CSV_FIELDS_H

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

/* CSV written for spreadsheets (kesu ledger export, the register's CSV). */
#ifndef KESU_CSV_H
#define KESU_CSV_H

#include <stdio.h>

/* Writes one cell, RFC 4180: quoted when it holds , " CR or LF, with "
 * doubled. A cell Excel would read as a formula (=, +, -, @) or that
 * starts with a tab or CR gets a leading ', so that it opens as text: a
 * record's operator name must never become a live formula. */
void kesu_csv_cell(FILE *out, const char *s);

#endif

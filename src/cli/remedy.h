/* How the command line phrases what the operator can do about a refusal
 * (enum kesu_remedy, kesu/error.h): the library never names an option, so
 * each front end says it in its own terms. This is the command line's. */
#ifndef KESU_CLI_REMEDY_H
#define KESU_CLI_REMEDY_H
#include <stddef.h>

/* "" when remedies is 0, else "; " and one clause per bit, naming the
 * options, e.g. "; add --force to erase it unattended". When the text UI
 * runs kesu (KESU_FRONT_END=tui in the environment), the clauses say what
 * can be done there instead. Returns buf. */
const char *cli_remedy(unsigned remedies, char *buf, size_t size);

/* Enough for every clause together. */
#define CLI_REMEDY_MAX 256
#endif

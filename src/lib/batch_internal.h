/* Shared by the batch files (batch.c, batch_record.c, batch_refs.c,
 * batch_csv.c). */
#ifndef KESU_BATCH_INTERNAL_H
#define KESU_BATCH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kesu/batch.h"

/* Whether a record's medium (serial and size, asset, job id) is the
 * expected one: by job id when the expectation names one; else the same
 * serial (sizes equal when both are known), or the same asset number. */
bool Kesu_batch_matches(const struct kesu_batch_expected *e, const char *serial, uint64_t size,
			const char *asset, const char *job_id);
/* Settles each member's outcome and sorts: missing first, then the
 * selection's order. */
void Kesu_batch_order(struct kesu_batch *b);

#endif

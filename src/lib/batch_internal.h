/* Shared by the batch files (batch.c, batch_record.c, batch_refs.c,
 * batch_csv.c). */
#ifndef KESU_BATCH_INTERNAL_H
#define KESU_BATCH_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "kesu/batch.h"

/* Settles each member's outcome and sorts: missing first, then the
 * selection's order. */
void Kesu_batch_order(struct kesu_batch *b);

#endif

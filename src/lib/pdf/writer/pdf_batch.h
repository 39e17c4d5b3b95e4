/* A batch certificate's own facts (payload "selection", "members",
 * "totals"), read by pdf_batch_payload.c and drawn by pdf_batch.c. */
#ifndef KESU_PDF_BATCH_H
#define KESU_PDF_BATCH_H

#include <stddef.h>

#define BATCH_SHORT 96 /* bytes of one cell's text: cut on a character */

/* One document a row cites: the newest erasure, or the destruction. */
struct cert_batch_doc {
	char certificate_id[40], record_hash[72], ended_utc[40];
	char method[BATCH_SHORT]; /* erasure: the method id, or the contractor's name */
	char level[16];           /* clear, purge, destroy, none */
	char outcome[32];         /* erasure: its own outcome; destruction: technique */
	char source[12];          /* wipe, received, destruction */
};

struct cert_batch_member {
	char asset[BATCH_SHORT], serial[BATCH_SHORT], model[BATCH_SHORT];
	char host[2 * BATCH_SHORT], host_serial[BATCH_SHORT];
	long long size_bytes, entry; /* -1 when null */
	char outcome[32];
	bool has_erasure, has_destruction;
	struct cert_batch_doc erasure, destruction;
};

/* SUCCESS, ERASED_WITH_EXCEPTIONS, DESTROYED, UNVERIFIED, FAILED, MISSING:
 * the member outcomes, in the order of totals[] */
#define BATCH_OUTCOMES 6
struct cert_batch {
	char selection[2 * CERT_TEXT]; /* what was selected, as one line */
	long long totals[BATCH_OUTCOMES], media;
	struct cert_batch_member *members; /* malloc'd */
	size_t n;
};

#endif

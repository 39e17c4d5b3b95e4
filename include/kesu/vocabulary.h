/* The words a record's context may hold for its class and its purpose
 * (docs/ledger.md), in one table: the flags and the config file check
 * against it, the ledger filters accept it, the certificate and the text
 * UI show its labels. A record stores the id; the labels are for people. */
#ifndef KESU_VOCABULARY_H
#define KESU_VOCABULARY_H

#include <stddef.h>

enum kesu_vocab {
	KESU_VOCAB_CLASS,   /* the information asset's class: I, II, III */
	KESU_VOCAB_PURPOSE, /* why the drive is erased: disposal, lease-return, ... */
};

struct kesu_term {
	const char *id; /* what flags, config files and records hold: "II", "lease-return" */
	const char *en; /* English label: "Class II", "lease return" */
	const char *ja; /* Japanese label: "Ⅱ" (the standard's numeral), "リース返却" */
};

/* The term whose id is exactly id, or NULL (also for NULL). */
const struct kesu_term *kesu_vocab_find(enum kesu_vocab v, const char *id);

/* The i-th term in the table's order, or NULL past the end. */
const struct kesu_term *kesu_vocab_at(enum kesu_vocab v, size_t i);

size_t kesu_vocab_count(enum kesu_vocab v);

/* The ids, NULL-terminated, in the table's order. */
const char *const *kesu_vocab_ids(enum kesu_vocab v);

/* The ids as a message lists them: "I, II or III". Returns buf. */
const char *kesu_vocab_list(enum kesu_vocab v, char *buf, size_t size);

#endif

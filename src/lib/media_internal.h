/* The set of media being folded from records (media.c), shared with the
 * state rules (media_state.c). */
#ifndef KESU_MEDIA_INTERNAL_H
#define KESU_MEDIA_INTERNAL_H

#include "kesu/media.h"

/* A job or certificate id and the identity of the medium it was about:
 * a later PDF signature or countersignature names only the job or the
 * certificate, and is filed under that medium. */
struct Kesu_media_link {
	char job_id[KESU_JOB_ID_LEN + 1];
	char certificate_id[64];
	char serial[KESU_MEDIA_SERIAL_MAX + 1];
	uint64_t size;
	char asset[KESU_LIMIT_BYTES(KESU_LIMIT_ASSET_NUMBER)];
};

/* A string -> values multimap (media_index.c); values in insertion order. */
struct Kesu_media_bucket;
struct Kesu_media_index {
	struct Kesu_media_bucket *b;
	size_t cap, used;
};
/* The values under key (n 0, NULL when none). */
const uintptr_t *Kesu_media_index_get(const struct Kesu_media_index *ix, const char *key, size_t *n);
/* "" and NULL keys are not indexed. 0 or -ENOMEM. */
int Kesu_media_index_add(struct Kesu_media_index *ix, const char *key, uintptr_t value);
void Kesu_media_index_remove(struct Kesu_media_index *ix, const char *key, uintptr_t value);
void Kesu_media_index_free(struct Kesu_media_index *ix);

struct kesu_media_set {
	struct kesu_medium **media; /* each malloc'd; order of first appearance */
	size_t n, cap;
	uint64_t next_ordinal;      /* each medium's place in that order (media.c) */
	struct Kesu_media_index by_serial, by_asset; /* media */
	struct Kesu_media_link *links;
	size_t n_links, cap_links;
	struct Kesu_media_index links_by_job, links_by_cert; /* indexes into links */
	const char *station; /* central store: the station of the record being folded */
};

/* A record's identity of its medium ("" when unknown, size 0). */
struct Kesu_media_ident {
	const char *serial;
	uint64_t size;
	const char *asset;
	const char *model; /* may be NULL */
};

bool Kesu_media_matches(const struct kesu_medium *m, const struct Kesu_media_ident *id);
/* The medium a record with this identity is about (media.c): the first
 * that matches, joined with every other that matches; a new one when none
 * does; NULL with *rc 0 when the identity names nothing, or *rc -ENOMEM. */
struct kesu_medium *Kesu_media_for(struct kesu_media_set *s, const struct Kesu_media_ident *id,
				   int *rc);
/* Appends an event (an approval entry already there is not repeated). */
int Kesu_media_add_event(struct kesu_medium *m, const struct kesu_media_event *ev);
/* Remembers which medium a job and its certificate were about. */
int Kesu_media_link(struct kesu_media_set *s, const char *job_id, const char *certificate_id,
		    const struct Kesu_media_ident *id);
/* The link of a job id or certificate id ("" matches nothing), or NULL. */
const struct Kesu_media_link *Kesu_media_linked(const struct kesu_media_set *s,
						const char *job_id, const char *certificate_id);

/* kesu_media_fold of a record already parsed (the register reads each
 * record once): 0 or -ENOMEM. */
struct json_object;
int Kesu_media_fold_doc(struct kesu_media_set *s, uint64_t seq, const char *hash,
			struct json_object *doc);

/* Computes m's state, state_event, destruction and handover from its
 * events, which must be in chain order (media_state.c). */
void Kesu_media_compute_state(struct kesu_medium *m);

#endif

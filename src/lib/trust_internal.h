/* The trust store's in-memory form, shared by trust.c (roles, changes,
 * verification) and trust_store.c (the file). */
#ifndef KESU_TRUST_INTERNAL_H
#define KESU_TRUST_INTERNAL_H
#include <stddef.h>

#include "kesu/trust.h"

struct kesu_trust {
	struct kesu_trust_entry *v;
	size_t n, cap;
	struct kesu_trust_cert *certs; /* X.509 anchors (trust_x509.c) */
	size_t ncerts, certs_cap;
};

/* Appends a copy of e after checking that it does not repeat a key for
 * its role, nor reuse a key number for another key (the signature's key
 * number picks the entry). -EEXIST / -KESU_EPARSE with why, -ENOMEM. */
int Kesu_trust_push(struct kesu_trust *t, const struct kesu_trust_entry *e, char *why,
		    size_t whysize);
/* The public key as base64 of signify's 42-byte struct pubkey ("Ed",
 * key number, key): the second line of its .pub file. */
#define TRUST_PUB_B64_SIZE 64
void Kesu_trust_public_b64(const struct kesu_public_key *key, char *buf, size_t size);
/* The reverse: 0, or -KESU_EPARSE with why. */
int Kesu_trust_public_parse(const char *b64, struct kesu_public_key *key, char *why,
			    size_t whysize);
/* ---- X.509 certificates (trust_x509.c, trust_x509_store.c) ---- */
struct json_object;
/* Appends a copy of c unless its certificate is already trusted for its
 * role (-EEXIST with why); -ENOMEM. */
int Kesu_trust_cert_push(struct kesu_trust *t, const struct kesu_trust_cert *c, char *why,
			 size_t whysize);
/* The "certificates" member read strictly into t: "PATH: certificate N:
 * reason", -KESU_EPARSE. */
int Kesu_trust_certs_read(struct kesu_trust *t, const char *path, struct json_object *arr,
			  char *err, size_t errsize);
/* The member to write (NULL when there are no certificates). */
struct json_object *Kesu_trust_certs_json(const struct kesu_trust *t);
#endif

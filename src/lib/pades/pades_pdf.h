/* The PDF side of PAdES: the incremental update that carries one
 * signature (pades_update.c), finding the signatures and revisions of a
 * file (pades_revisions.c), and what kesu's own render info says
 * (pades_render_info.c). */
#ifndef KESU_PADES_PDF_H
#define KESU_PADES_PDF_H
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "appearance.h"
#include "kesu/pades.h"

/* What one update adds. */
struct pades_field {
	const char *name;          /* /T, without periods: "kesu-witness-1" */
	bool doc_timestamp;        /* /Type /DocTimeStamp /SubFilter /ETSI.RFC3161 */
	const char *signer_name;   /* /Name (NULL: none) */
	const char *reason;        /* /Reason (NULL: none) */
	const char *location;      /* /Location (NULL: none) */
	time_t when;               /* /M, in local time with its offset */
	unsigned page;             /* 0-based page of the widget */
	float rect[4];             /* x1 y1 x2 y2; all 0: invisible */
	const struct pades_appearance_text *appearance; /* NULL: none */
	size_t contents_max;       /* bytes reserved for the CMS or token */
};

/* The file with the update appended and /Contents zero-filled. */
struct pades_prepared {
	unsigned char *pdf;
	size_t len;
	size_t range[4]; /* /ByteRange: 0, a, b, len - b */
};

/* pades_update.c */
int Kesu_pades_prepare(const unsigned char *buf, size_t len, const struct pades_field *f,
		       struct pades_prepared *out, char *err, size_t errsize);
/* SHA-256 of the two byte ranges. */
void Kesu_pades_digest(const struct pades_prepared *p, unsigned char digest[32]);
/* Writes der (hex) into the placeholder. -ENOSPC when it does not fit. */
int Kesu_pades_fill(struct pades_prepared *p, const unsigned char *der, size_t der_len,
		    char *err, size_t errsize);
void Kesu_pades_prepared_free(struct pades_prepared *p);

/* pades_render_info.c: the kesu-render.json attachment, parsed (*info to
 * json_object_put): 0, -ENOENT (none), -KESU_EPARSE, with err. */
struct json_object;
int Kesu_pades_render_info(const unsigned char *buf, size_t len, struct json_object **info,
			   char *err, size_t errsize);
/* The seal box of a role, from the kesu-render.json
 * attachment of the file's first revision (page 0-based, rect in PDF
 * points). -ENOENT when the certificate names none. */
int Kesu_pades_seal_box(const unsigned char *buf, size_t len, enum kesu_pades_role role,
			unsigned *page, float rect[4], char *err, size_t errsize);
/* A seal box: page (0-based) and rectangle. */
struct pades_seal {
	unsigned page;
	float rect[4];
	char role[16];  /* operator, witness, validator, approver */
	bool taken;     /* an earlier revision's visible signature is in it */
};
/* Every seal box (at most KESU_PADES_ROLES); 0 when the certificate names
 * none. */
size_t Kesu_pades_seal_boxes(const unsigned char *buf, size_t len, struct pades_seal *seals);
#endif

/* pades_revisions.c: a signature as the file's last revision lists it
 * (AcroForm fields of type /Sig with a value). */
struct pades_found {
	char field[64];
	bool doc_timestamp;
	long long range[4];
	const unsigned char *contents; /* the hex gap's decoded bytes (malloc'd) */
	size_t contents_len;
	char claimed[40];  /* /M as ISO 8601, "" if none */
	float rect[4];
	unsigned page_num; /* the widget's /P, 0 if none */
};
/* The signatures of buf in byte-range order (at most max; *n how many
 * there are). Fields without /V are skipped. 0, -KESU_EPARSE with err. */
int Kesu_pades_find(const unsigned char *buf, size_t len, struct pades_found *found,
		    size_t max, size_t *n, char *err, size_t errsize);
void Kesu_pades_found_free(struct pades_found *found, size_t n);
/* A field's /T as ASCII (UTF-16BE reduced to its ASCII characters, other
 * bytes as '?'), "" when it is not a string. */
struct pv;
void Kesu_pades_field_name(const struct pv *t, char *out, size_t size);
/* The role a kesu field name gives: "kesu-witness-2" -> "witness"; "" for
 * any other name. */
void Kesu_pades_field_role(const char *field, char *role, size_t size);

/* pades_updates.c: whether [from, to) (one revision after a signed one) holds
 * only what a signature or timestamp adds: new objects, the catalog with
 * only /AcroForm changed, pages with only /Annots grown by signature
 * widgets that lie in the seal boxes (or have no area), AcroForm field
 * lists grown, and a cross-reference section that frees nothing.
 * seals/nseals: the allowed places. 0, or -KESU_EVERIFY with why. */
int Kesu_pades_update_allowed(const unsigned char *buf, size_t from, size_t to,
			      const struct pades_seal *seals, size_t nseals, char *why,
			      size_t whysize);

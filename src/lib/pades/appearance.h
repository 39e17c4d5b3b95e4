/* The visible part of a PDF signature: a Form XObject drawn in a seal box
 * of the certificate (担当者 / 立会者 / 確認者 / 承認者) that says who signed,
 * when and why, in Japanese and English. libharu renders it as a one-page
 * PDF with the certificate's font (a subset, only the glyphs used); its
 * page content and resources are then copied, renumbered, as objects the
 * incremental update appends (pades_update.c). */
#ifndef KESU_PADES_APPEARANCE_H
#define KESU_PADES_APPEARANCE_H
#include <stddef.h>

struct pades_appearance_text {
	const char *role_ja, *role_en; /* 立会者 / Witness */
	const char *signer;            /* the certificate's common name, UTF-8 */
	const char *when;              /* "2026-12-06 16:30 +09:00" (or an era date) */
	const char *reason;            /* one line, UTF-8, may be "" */
};

/* Serialized indirect objects, "N 0 obj\n...\nendobj\n" one after another,
 * numbered first, first+1, ... first+count-1. offsets[i] is where object
 * first+i starts in data. */
struct pades_objects {
	unsigned char *data;
	size_t len;
	size_t *offsets;
	unsigned first, count;
	unsigned form; /* the number of the Form XObject to use as /AP /N */
};
void Kesu_pades_objects_free(struct pades_objects *o);

/* Renders the appearance for a box of w x h points (the Form's /BBox is
 * [0 0 w h]): an opaque white background, a thin rule, and the lines
 * 電子署名 / Digital signature, the role, the signer (larger, on up to two
 * lines), 日時 and 理由, shrunk to fit, never cut. The font is $KESU_FONT,
 * else KESU_PDF_FONT_DEFAULT, cut down to the glyphs shown (ttf_subset.h):
 * the objects are about 14 KB for a typical text. The same text gives the same bytes. 0, or -errno
 * / -KESU_EPARSE (text not valid UTF-8) with err. */
int Kesu_pades_appearance(const struct pades_appearance_text *t, float w, float h,
			  unsigned first, struct pades_objects *out, char *err, size_t errsize);

/* The same appearance as the one-page PDF libharu renders (w x h points),
 * before its page becomes a Form XObject: to show it (docs), and for tests
 * comparing it with the copy. *pdf is malloc'd. Errors as above. */
int Kesu_pades_appearance_pdf(const struct pades_appearance_text *t, float w, float h,
			      unsigned char **pdf, size_t *len, char *err, size_t errsize);
#endif

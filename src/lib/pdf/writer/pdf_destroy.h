/* The destruction certificate's own facts (pdf_destroy_payload.c reads
 * them, pdf_destroy.c draws them): the payload's "destruction", "host"
 * and the photographs given to the renderer. */
#ifndef KESU_PDF_DESTROY_H
#define KESU_PDF_DESTROY_H
#include "kesu/destroy.h"
#include "kesu/pdf.h"
#include "pdf_internal.h"

#define CERT_EARLIER_SHOWN 12 /* earlier jobs listed; the rest are counted */

struct cert_photo {
	char name[16], type[8], sha256[65];
	long long bytes;
	const struct kesu_pdf_file *file; /* its bytes, matched by Kesu_cert_destruction_files */
};

struct cert_earlier {
	char job_id[40], certificate_id[40], outcome[24], ended_utc[40];
	long long seq;
};

struct cert_destruction {
	char technique[20], nist_level[12], media_type[20];
	char location[CERT_TEXT], contractor[CERT_TEXT], note[CERT_TEXT];
	char caveat_ja[CERT_TEXT * 2], caveat_en[CERT_TEXT * 2];
	bool host_known; /* "host" given: the drive was attached */
	char host_manufacturer[CERT_TEXT], host_product[CERT_TEXT], host_serial[CERT_TEXT],
		host_asset[CERT_TEXT];
	size_t nphotos;
	struct cert_photo photos[KESU_DESTROY_PHOTOS_MAX];
	size_t nearlier; /* in the payload; the first CERT_EARLIER_SHOWN kept */
	struct cert_earlier earlier[CERT_EARLIER_SHOWN];
};

/* The photographs the payload names, each found among d's files by name
 * with the SHA-256 the payload gives, and no other file: 0, or
 * -KESU_EPARSE with err naming the photo. Any other kind: 0. */
int Kesu_cert_destruction_files(struct cert *c, const struct kesu_pdf_doc *d, char *err,
				size_t errsize);
#endif

/* Between the certificate files: what one certificate's first revision
 * holds, and the page check (cert_page.c). */
#ifndef KESU_CERT_INTERNAL_H
#define KESU_CERT_INTERNAL_H
#include <stdbool.h>
#include <stddef.h>

struct kesu_cert_signing;

/* The attachments of a certificate's first signed revision. */
struct cert_parts {
	char *payload, *sig, *station_pub; /* station_pub NULL: none attached */
	size_t payload_len, sig_len, station_pub_len;
};

/* Renders the page again from p and compares it with pdf[0..first_end):
 * 0 (the same bytes; *page_end: where kesu's rendering ends), -ENOTSUP
 * (not checked: another renderer; msg says why) or -KESU_EVERIFY (it
 * differs, or cannot be rendered). */
int Kesu_cert_check_page(const unsigned char *pdf, size_t first_end, const struct cert_parts *p,
			 size_t *page_end, char *msg, size_t size);

/* Signs *pdf as the station (PAdES, role operator: its seal box, or
 * invisible as s says) with reason (NULL: the role's wording), replacing
 * *pdf and *len with the signed file. For certificates and the register. */
int Kesu_cert_station_sign(unsigned char **pdf, size_t *len, const struct kesu_cert_signing *s,
			   const char *reason, bool era_dates, char *err, size_t errsize);
#endif

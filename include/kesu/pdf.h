/* The certificate PDF (docs/certificate.md): the page rendered from a signed
 * payload, with the payload and its signature embedded as attachments, and
 * a reader that takes them back out.
 *
 * Functions that take err/errsize put a one-line English reason there on
 * failure; they never print. */
#ifndef KESU_PDF_H
#define KESU_PDF_H

#include <stdbool.h>
#include <stddef.h>

#define KESU_PDF_PAYLOAD_NAME "kesu-payload.json"
#define KESU_PDF_SIG_NAME "kesu-payload.json.sig"
#define KESU_PDF_FONT_DEFAULT "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
#define KESU_PDF_PAYLOAD_MAX (1u << 20) /* bytes of a payload */
#define KESU_PDF_SIG_MAX 16384          /* bytes of a signature file */
#define KESU_PDF_FILE_MAX (64u << 20)   /* bytes of a PDF the reader accepts */

/* How a station wants its documents to read (config keys date_style and
 * class_label). A NULL style is the default: Western dates, the class
 * labelled 重要性分類 as the city's standard names it. */
struct kesu_pdf_style {
	bool era_dates;       /* dates as 令和8年12月6日 rather than 2026-12-06 */
	char class_label[64]; /* "" = KESU_PDF_CLASS_LABEL */
};
#define KESU_PDF_CLASS_LABEL "重要性分類"

/* Renders the certificate (or, when payload "document" is "failure-report", the
 * failure report) for a canonical JSON payload (docs/certificate.md) and embeds
 * the payload and its signify-format signature as the attachments
 * kesu-payload.json and kesu-payload.json.sig. Writes path atomically (temp
 * file + fsync + rename). The same inputs always give the same bytes. The font
 * is $KESU_FONT, else KESU_PDF_FONT_DEFAULT (IPAex Gothic), embedded.
 * Returns 0, -KESU_EPARSE with err set when the payload is not a valid v1 or
 * v2 payload, or -errno (-ENOENT: no font; err says which file). */
int kesu_pdf_write(const char *payload, size_t payload_len, const char *payload_sig,
		   size_t sig_len, const char *path, char *err, size_t errsize);
/* The same with a style (NULL: the default). */
int kesu_pdf_write_styled(const char *payload, size_t payload_len, const char *payload_sig,
			  size_t sig_len, const struct kesu_pdf_style *style, const char *path,
			  char *err, size_t errsize);

/* A file the certificate carries besides the payload: a destruction's
 * photographs (photo-1.jpg, ...: kesu/destroy.h), attached under name
 * with their original bytes. */
struct kesu_pdf_file {
	const char *name;
	const unsigned char *data;
	size_t len;
};

/* A certificate to render: the payload, its signature, the station's
 * public key (signify format; NULL: not attached, as before issue 15),
 * the style (NULL: the default) and further files (a destruction
 * certificate's photographs: each must be the one the payload names, by
 * name and SHA-256, and every photo the payload names must be given;
 * they are drawn on the page and attached). */
struct kesu_pdf_doc {
	const char *payload;
	size_t payload_len;
	const char *payload_sig;
	size_t sig_len;
	const char *station_pub;
	size_t station_pub_len;
	const struct kesu_pdf_style *style;
	const struct kesu_pdf_file *files; /* NULL when nfiles is 0 */
	size_t nfiles;
};
#define KESU_PDF_STATION_PUB_NAME "kesu-station.pub"
#define KESU_PDF_RENDER_NAME "kesu-render.json"

/* Renders into memory (*pdf malloc'd): the page, the attachments
 * kesu-payload.json, kesu-payload.json.sig, kesu-station.pub (when given)
 * and kesu-render.json (the renderer's version, libharu's, the font's
 * SHA-256, the style and the seal boxes: what re-rendering needs to give
 * the same bytes, docs/certificate.md). Errors as kesu_pdf_write. */
int kesu_pdf_render(const struct kesu_pdf_doc *d, unsigned char **pdf, size_t *pdf_len,
		    char *err, size_t errsize);

/* One attachment of a PDF in memory, by name: 0 (*data malloc'd,
 * NUL-terminated), -ENOENT when there is none, -KESU_EPARSE when the file
 * is damaged or it is larger than max. */
int kesu_pdf_read_attachment(const unsigned char *pdf, size_t len, const char *name, size_t max,
			     char **data, size_t *data_len, char *err, size_t errsize);

/* A Gregorian date as a Japanese era date: "令和8年12月6日", the first year
 * of an era as 元年 ("令和元年5月1日"). Eras from 大正 (1912-07-30) on;
 * returns -1 (out untouched) for earlier or invalid dates, else 0. */
int kesu_era_date(int year, int month, int day, char *out, size_t size);

/* Reads the two attachments back out of a PDF that kesu_pdf_write made.
 * Returns 0 (both malloc'd, NUL-terminated), or -KESU_EPARSE with err naming
 * what is missing or damaged ("no kesu-payload.json attachment", "attachment
 * stream is corrupt"), or -errno. */
int kesu_pdf_read_payload(const char *path, char **payload, size_t *payload_len, char **sig,
			  size_t *sig_len, char *err, size_t errsize);

/* The printable 媒体廃棄承認書 (様式第3号) of a signed approval
 * (kesu/approval.h, docs/approvals.md): the approval, its conditions,
 * every medium (the table runs on over further pages) and its hash. The
 * signed file file_text (NULL: none) is attached as NUMBER.kesu-approval;
 * methods (NULL: ids only) gives the methods' Japanese titles. Writes path
 * atomically. 0, or -errno with err set (-ENOENT: no font). */
struct kesu_approval;
struct kesu_method_set;
int kesu_pdf_approval(const struct kesu_approval *a, const char *file_text, size_t file_len,
		      const struct kesu_method_set *methods, const char *path, char *err,
		      size_t errsize);

#endif

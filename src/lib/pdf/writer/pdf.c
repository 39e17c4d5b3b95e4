/* kesu_pdf_write: payload -> facts (pdf_payload.c) -> page (pdf_layout.c,
 * pdf_sections.c, pdf_passes.c, pdf_sign.c) -> attachments (pdf_attach.c)
 * -> bytes, written atomically. Nothing in the output comes from the clock
 * or from chance: the dates are the payload's, the document /ID is derived
 * from the payload, so the same payload and signature give the same file. */
#include <errno.h>
#include <fcntl.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_objects.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/pdf.h"
#include "pdf_destroy.h"
#include "pdf_internal.h"
#include "../../i18n.h"

void Kesu_pdf_on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user)
{
	struct pdf *p = user;
	(void)detail;
	if (!p->error)
		p->error = (int)error;
}

/* The base64 line of a signify signature ("untrusted comment: ..." first). */
static void signature_line(struct cert *c, const char *sig, size_t len)
{
	const char *nl = memchr(sig, '\n', len);
	const char *line = nl ? nl + 1 : sig;
	size_t n = len - (size_t)(line - sig);
	const char *end = memchr(line, '\n', n);
	Kesu_cert_text(c->sig_line, sizeof(c->sig_line), line, end ? (size_t)(end - line) : n);
}

/* A text string for the Info dictionary: UTF-16BE with its byte order mark. */
static HPDF_Binary utf16_string(HPDF_Doc doc, const char *s)
{
	HPDF_BYTE buf[2 + 2 * 300];
	size_t o = 2, len = strlen(s);
	buf[0] = 0xfe, buf[1] = 0xff;
	for (size_t i = 0; i < len && o + 2 <= sizeof(buf);) {
		unsigned cp;
		size_t n = Kesu_utf8_decode((const unsigned char *)s + i, len - i, &cp);
		if (n == 0 || cp > 0xffff)
			cp = '?', n = n ? n : 1;
		kesu_store_be16(buf + o, (uint16_t)cp);
		o += 2;
		i += n;
	}
	return HPDF_Binary_New(doc->mmgr, buf, (HPDF_UINT)o);
}

/* Info dictionary and trailer /ID, all from the payload. */
static void describe(struct pdf *p)
{
	const struct cert *c = p->cert;
	HPDF_Doc doc = p->doc;
	char text[CERT_TEXT + 64], producer[100];
	HPDF_Date date;
	snprintf(producer, sizeof(producer), "%s %s (libharu)", c->tool_name[0] ? c->tool_name : "kesu",
		 c->tool_version);
	HPDF_SetInfoAttr(doc, HPDF_INFO_PRODUCER, producer);
	HPDF_SetInfoAttr(doc, HPDF_INFO_SUBJECT, Kesu_cert_title_en(c));
	if (Kesu_fmt_issued_date(c->issued_utc, &date) == 0) {
		HPDF_SetInfoDateAttr(doc, HPDF_INFO_CREATION_DATE, date);
		HPDF_SetInfoDateAttr(doc, HPDF_INFO_MOD_DATE, date);
	}
	if (!doc->info)
		return;
	snprintf(text, sizeof(text), "%s %s", Kesu_cert_title_ja(c), c->id);
	HPDF_Dict_Add(doc->info, "Title", utf16_string(doc, text));
	if (c->org_name[0]) {
		snprintf(text, sizeof(text), "%s%s%s", c->org_name, c->org_department[0] ? " " : "",
			 c->org_department);
		HPDF_Dict_Add(doc->info, "Author", utf16_string(doc, text));
	}
	/* /ID: the first 16 bytes of the payload's BLAKE2b-256, twice */
	unsigned char id[16];
	HPDF_Array ids = HPDF_Array_New(doc->mmgr);
	if (ids && sodium_hex2bin(id, sizeof(id), c->payload_hash, 32, NULL, NULL, NULL) == 0) {
		HPDF_Array_Add(ids, HPDF_Binary_New(doc->mmgr, id, sizeof(id)));
		HPDF_Array_Add(ids, HPDF_Binary_New(doc->mmgr, id, sizeof(id)));
		HPDF_Dict_Add(doc->trailer, "ID", ids);
	}
}

static void render(struct pdf *p)
{
	if (p->cert->kind == CERT_DESTRUCTION) {
		Kesu_pdf_render_destruction(p);
		return;
	}
	if (p->cert->kind == CERT_BATCH) {
		Kesu_pdf_render_batch(p);
		return;
	}
	if (Kesu_pdf_new_page(p))
		return;
	Kesu_pdf_draw_header(p);
	Kesu_pdf_draw_issue(p);
	Kesu_pdf_draw_medium(p);
	Kesu_pdf_draw_method(p);
	Kesu_pdf_draw_passes(p);
	Kesu_pdf_draw_verification(p);
	Kesu_pdf_draw_unwritten(p);
	Kesu_pdf_draw_outcome(p);
	Kesu_pdf_draw_seals(p);
	Kesu_pdf_draw_annex(p);
	Kesu_pdf_draw_technical(p);
	Kesu_pdf_draw_details(p); /* a page of its own, when the payload has details */
	Kesu_pdf_footers(p);
}

int Kesu_pdf_save_to_memory(HPDF_Doc doc, unsigned char **out, size_t *len)
{
	if (HPDF_SaveToStream(doc) != HPDF_OK)
		return -EIO;
	HPDF_UINT32 size = HPDF_GetStreamSize(doc), got = 0;
	unsigned char *buf = malloc(size ? size : 1);
	if (!buf)
		return -ENOMEM;
	while (got < size) {
		HPDF_UINT32 n = size - got;
		HPDF_STATUS st = HPDF_ReadFromStream(doc, buf + got, &n);
		got += n;
		if (st == HPDF_STREAM_EOF || n == 0)
			break;
		if (st != HPDF_OK) {
			free(buf);
			return -EIO;
		}
	}
	if (got != size) {
		free(buf);
		return -EIO;
	}
	*out = buf;
	*len = size;
	return 0;
}

int kesu_pdf_write(const char *payload, size_t payload_len, const char *payload_sig,
		   size_t sig_len, const char *path, char *err, size_t errsize)
{
	return kesu_pdf_write_styled(payload, payload_len, payload_sig, sig_len, NULL, path, err,
				     errsize);
}

int kesu_pdf_write_styled(const char *payload, size_t payload_len, const char *payload_sig,
			  size_t sig_len, const struct kesu_pdf_style *style, const char *path,
			  char *err, size_t errsize)
{
	struct kesu_pdf_doc d = {.payload = payload, .payload_len = payload_len,
				 .payload_sig = payload_sig, .sig_len = sig_len, .style = style};
	unsigned char *bytes = NULL;
	size_t len = 0;
	char scratch[1];
	if (!err || !errsize)
		err = scratch, errsize = sizeof(scratch);
	if (!path) {
		snprintf(err, errsize, _("no path"));
		return -EINVAL;
	}
	int rc = kesu_pdf_render(&d, &bytes, &len, err, errsize);
	if (rc == 0)
		rc = kesu_file_write_atomic(path, bytes, len, 0644, 0, err, errsize);
	free(bytes);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct kesu_pdf_file *)a)->name, ((const struct kesu_pdf_file *)b)->name);
}

static int attach_all(struct pdf *p, const struct kesu_pdf_doc *d, const char *font)
{
	size_t info_len = 0, n = 0;
	char *info = Kesu_pdf_render_info(p, font, &info_len);
	struct kesu_pdf_file *all = calloc(4 + d->nfiles, sizeof(*all));
	if (!info || !all) {
		free(info);
		free(all);
		return -ENOMEM;
	}
	all[n++] = (struct kesu_pdf_file){KESU_PDF_PAYLOAD_NAME, (const unsigned char *)d->payload,
					  d->payload_len};
	all[n++] = (struct kesu_pdf_file){KESU_PDF_SIG_NAME, (const unsigned char *)d->payload_sig,
					  d->sig_len};
	all[n++] = (struct kesu_pdf_file){KESU_PDF_RENDER_NAME, (const unsigned char *)info, info_len};
	if (d->station_pub)
		all[n++] = (struct kesu_pdf_file){KESU_PDF_STATION_PUB_NAME,
						  (const unsigned char *)d->station_pub,
						  d->station_pub_len};
	for (size_t i = 0; i < d->nfiles; i++)
		all[n++] = d->files[i];
	/* in byte order of their names, as a name tree lists them */
	qsort(all, n, sizeof(*all), by_name);
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = Kesu_pdf_attach(p, all[i].name, (const char *)all[i].data, all[i].len);
	free(all);
	free(info);
	return rc;
}

static int check_doc(const struct kesu_pdf_doc *d, char *err, size_t errsize)
{
	if (!d->payload || !d->payload_sig) {
		snprintf(err, errsize, _("no payload or signature"));
		return -EINVAL;
	}
	if (d->sig_len == 0 || d->sig_len > KESU_PDF_SIG_MAX) {
		snprintf(err, errsize, _("signature: %zu bytes (1 to %u expected)"), d->sig_len,
			 KESU_PDF_SIG_MAX);
		return -EINVAL;
	}
	if (d->station_pub && (d->station_pub_len == 0 || d->station_pub_len > KESU_PDF_SIG_MAX)) {
		snprintf(err, errsize, _("station public key: %zu bytes (1 to %u expected)"),
			 d->station_pub_len, KESU_PDF_SIG_MAX);
		return -EINVAL;
	}
	if (sodium_init() < 0) {
		snprintf(err, errsize, _("libsodium cannot start"));
		return -EIO;
	}
	return 0;
}

int kesu_pdf_render(const struct kesu_pdf_doc *d, unsigned char **out, size_t *out_len,
		    char *err, size_t errsize)
{
	struct cert c;
	char scratch[1];
	if (!err || !errsize)
		err = scratch, errsize = sizeof(scratch);
	err[0] = '\0';
	*out = NULL;
	*out_len = 0;
	int rc = check_doc(d, err, errsize);
	if (rc == 0)
		rc = Kesu_cert_parse(d->payload, d->payload_len, &c, err, errsize);
	if (rc)
		return rc;
	rc = Kesu_cert_destruction_files(&c, d, err, errsize); /* the photographs signed for */
	if (rc) {
		Kesu_cert_free(&c);
		return rc;
	}
	signature_line(&c, d->payload_sig, d->sig_len);

	const char *font = getenv("KESU_FONT");
	if (!font || !font[0])
		font = KESU_PDF_FONT_DEFAULT;
	struct pdf p = {.cert = &c, .accent = c.failure ? RGB_DARK_RED : RGB_BLUE,
			.era = d->style && d->style->era_dates};
	const char *label = d->style && d->style->class_label[0] ? d->style->class_label
								 : KESU_PDF_CLASS_LABEL;
	Kesu_cert_text(p.class_label, sizeof(p.class_label), label, strnlen(label, 64));
	p.doc = HPDF_New(Kesu_pdf_on_error, &p);
	if (!p.doc) {
		Kesu_cert_free(&c);
		snprintf(err, errsize, _("out of memory"));
		return -ENOMEM;
	}
	HPDF_SetCompressionMode(p.doc, HPDF_COMP_ALL);
	describe(&p);
	rc = Kesu_pdf_font_load(&p, font, err, errsize);
	if (rc == 0) {
		render(&p);
		rc = attach_all(&p, d, font);
		if (rc == 0 && p.error)
			rc = p.error == HPDF_FAILD_TO_ALLOC_MEM ? -ENOMEM : -EIO;
		if (rc == 0)
			rc = Kesu_pdf_save_to_memory(p.doc, out, out_len);
		if (rc == 0 && p.error)
			rc = -EIO;
		if (rc)
			snprintf(err, errsize, _("cannot render the PDF: %s (libharu error 0x%04x)"),
				 strerror(-rc), (unsigned)p.error);
	}
	HPDF_Free(p.doc);
	Kesu_cert_free(&c);
	if (rc) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
	return rc;
}

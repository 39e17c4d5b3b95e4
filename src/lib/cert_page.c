/* Does the page show the signed payload? The page is rendered
 * deterministically from the payload, its signature, the station's public
 * key and the style, so render it again and compare bytes with the file's
 * first revision. The check is only as good as the renderer being the
 * same: when kesu-render.json names another kesu, libharu or font, it is
 * not made, and says so, rather than passed. */
#include <errno.h>
#include <hpdf.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_internal.h"
#include "json_members.h"
#include "pdf_internal.h"
#include "kesu/destroy.h"
#include "kesu/error.h"
#include "kesu/pdf.h"
#include "pades_pdf.h"
#include "i18n.h"

static void local_font_digest(char *out, size_t size)
{
	const char *font = getenv("KESU_FONT");
	Kesu_pdf_font_digest(font && font[0] ? font : KESU_PDF_FONT_DEFAULT, out, size);
}

/* Whether this kesu can render what info describes; why not in msg. */
static bool same_renderer(struct json_object *info, char *msg, size_t size)
{
	const char *kesu = Kesu_json_string(info, "kesu"), *haru = Kesu_json_string(info, "libharu");
	const char *font = Kesu_json_string(info, "font_sha256");
	char local[80];
	if (!kesu || !haru || !font) {
		snprintf(msg, size, _("kesu-render.json is incomplete: the page cannot be rendered again"));
		return false;
	}
	if (strcmp(kesu, KESU_VERSION) != 0) {
		snprintf(msg, size, _("not checked: the page was rendered by kesu %.40s, this is kesu %s"),
			 kesu, KESU_VERSION);
		return false;
	}
	if (strcmp(haru, HPDF_GetVersion()) != 0) {
		snprintf(msg, size, _("not checked: the page was rendered with libharu %.40s, this "
				    "station has %s"), haru, HPDF_GetVersion());
		return false;
	}
	local_font_digest(local, sizeof(local));
	if (strcmp(font, local) != 0) {
		snprintf(msg, size, _("not checked: the page was rendered with another font file "
				    "than this station's"));
		return false;
	}
	return true;
}

static void style_of(struct json_object *info, struct kesu_pdf_style *style)
{
	struct json_object *st = NULL, *era = NULL;
	json_object_object_get_ex(info, "style", &st);
	json_object_object_get_ex(st, "era_dates", &era);
	const char *label = Kesu_json_string(st, "class_label");
	memset(style, 0, sizeof(*style));
	style->era_dates = json_object_get_boolean(era);
	snprintf(style->class_label, sizeof(style->class_label), "%s", label ? label : "");
}

/* A destruction certificate's photographs, as its attachments hold them:
 * the page is drawn from them, and the renderer refuses any whose SHA-256
 * is not the payload's. nfiles 0 for other documents. */
struct page_files {
	struct kesu_pdf_file files[KESU_DESTROY_PHOTOS_MAX];
	char *data[KESU_DESTROY_PHOTOS_MAX];
	char names[KESU_DESTROY_PHOTOS_MAX][32];
	size_t nfiles;
};

static void files_free(struct page_files *f)
{
	for (size_t i = 0; i < f->nfiles; i++)
		free(f->data[i]);
	f->nfiles = 0;
}

static int photos_of(const unsigned char *pdf, size_t len, const struct cert_parts *p,
		     struct page_files *f, char *msg, size_t size)
{
	struct json_object *doc = json_tokener_parse(p->payload);
	struct json_object *photos = Kesu_json_member(Kesu_json_member(doc, "destruction"), "photos");
	size_t n = json_object_is_type(photos, json_type_array) ? json_object_array_length(photos) : 0;
	int rc = 0;
	memset(f, 0, sizeof(*f));
	for (size_t i = 0; rc == 0 && i < n && i < KESU_DESTROY_PHOTOS_MAX; i++) {
		const char *name = Kesu_json_string(json_object_array_get_idx(photos, i), "name");
		char err[256];
		size_t got = 0;
		if (!name) /* the renderer names what is wrong with the payload */
			break;
		rc = kesu_pdf_read_attachment(pdf, len, name, KESU_DESTROY_PHOTO_MAX, &f->data[i], &got,
					      err, sizeof(err));
		if (rc) {
			snprintf(msg, size, "%s: %s", name,
				 rc == -ENOENT ? "the photograph the payload names is not attached" : err);
			break;
		}
		snprintf(f->names[i], sizeof(f->names[i]), "%s", name);
		f->files[i] = (struct kesu_pdf_file){f->names[i], (const unsigned char *)f->data[i], got};
		f->nfiles = i + 1;
	}
	json_object_put(doc);
	return rc;
}

int Kesu_cert_check_page(const unsigned char *pdf, size_t first_end, const struct cert_parts *p,
			 size_t *page_end, char *msg, size_t size)
{
	char err[256];
	struct json_object *info;
	int rc = Kesu_pades_render_info(pdf, first_end, &info, err, sizeof(err));
	if (rc == -ENOENT) {
		snprintf(msg, size, _("not checked: the certificate has no kesu-render.json (made "
				    "by an earlier kesu)"));
		return -ENOTSUP;
	}
	if (rc) {
		snprintf(msg, size, _("kesu-render.json cannot be read: %s"), err);
		return -KESU_EVERIFY;
	}
	if (!same_renderer(info, msg, size)) {
		json_object_put(info);
		return strncmp(msg, "not checked", 11) == 0 ? -ENOTSUP : -KESU_EVERIFY;
	}
	struct kesu_pdf_style style;
	style_of(info, &style);
	json_object_put(info);
	struct page_files files;
	if (photos_of(pdf, first_end, p, &files, msg, size) != 0) {
		files_free(&files);
		return -KESU_EVERIFY;
	}
	struct kesu_pdf_doc d = {.payload = p->payload, .payload_len = p->payload_len,
				 .payload_sig = p->sig, .sig_len = p->sig_len,
				 .station_pub = p->station_pub, .station_pub_len = p->station_pub_len,
				 .style = &style, .files = files.files, .nfiles = files.nfiles};
	unsigned char *again = NULL;
	size_t len = 0;
	rc = kesu_pdf_render(&d, &again, &len, err, sizeof(err));
	files_free(&files);
	if (rc) {
		snprintf(msg, size, _("the page cannot be rendered again: %s"), err);
		return -KESU_EVERIFY;
	}
	bool same = len <= first_end && memcmp(again, pdf, len) == 0;
	free(again);
	if (!same) {
		snprintf(msg, size, _("the page is not the one the signed payload renders to: the "
				    "document shows something else than what was signed"));
		return -KESU_EVERIFY;
	}
	*page_end = len;
	/* the station's own update, between the page and its signature, may add
	 * only that signature */
	struct pades_seal seals[KESU_PADES_ROLES];
	size_t nseals = Kesu_pades_seal_boxes(pdf, len, seals);
	if (Kesu_pades_update_allowed(pdf, len, first_end, seals, nseals, msg, size) != 0)
		return -KESU_EVERIFY;
	snprintf(msg, size, _("the page is exactly the one the signed payload renders to"));
	return 0;
}

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
#include "kesu/error.h"
#include "kesu/pdf.h"
#include "pades_pdf.h"

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
		snprintf(msg, size, "kesu-render.json is incomplete: the page cannot be rendered again");
		return false;
	}
	if (strcmp(kesu, KESU_VERSION) != 0) {
		snprintf(msg, size, "not checked: the page was rendered by kesu %.40s, this is kesu %s",
			 kesu, KESU_VERSION);
		return false;
	}
	if (strcmp(haru, HPDF_GetVersion()) != 0) {
		snprintf(msg, size, "not checked: the page was rendered with libharu %.40s, this "
				    "station has %s", haru, HPDF_GetVersion());
		return false;
	}
	local_font_digest(local, sizeof(local));
	if (strcmp(font, local) != 0) {
		snprintf(msg, size, "not checked: the page was rendered with another font file "
				    "than this station's");
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

int Kesu_cert_check_page(const unsigned char *pdf, size_t first_end, const struct cert_parts *p,
			 size_t *page_end, char *msg, size_t size)
{
	char err[256];
	struct json_object *info;
	int rc = Kesu_pades_render_info(pdf, first_end, &info, err, sizeof(err));
	if (rc == -ENOENT) {
		snprintf(msg, size, "not checked: the certificate has no kesu-render.json (made "
				    "by an earlier kesu)");
		return -ENOTSUP;
	}
	if (rc) {
		snprintf(msg, size, "kesu-render.json cannot be read: %s", err);
		return -KESU_EVERIFY;
	}
	if (!same_renderer(info, msg, size)) {
		json_object_put(info);
		return strncmp(msg, "not checked", 11) == 0 ? -ENOTSUP : -KESU_EVERIFY;
	}
	struct kesu_pdf_style style;
	style_of(info, &style);
	json_object_put(info);
	struct kesu_pdf_doc d = {p->payload, p->payload_len, p->sig, p->sig_len, p->station_pub,
				 p->station_pub_len, &style};
	unsigned char *again = NULL;
	size_t len = 0;
	rc = kesu_pdf_render(&d, &again, &len, err, sizeof(err));
	if (rc) {
		snprintf(msg, size, "the page cannot be rendered again: %s", err);
		return -KESU_EVERIFY;
	}
	bool same = len <= first_end && memcmp(again, pdf, len) == 0;
	free(again);
	if (!same) {
		snprintf(msg, size, "the page is not the one the signed payload renders to: the "
				    "document shows something else than what was signed");
		return -KESU_EVERIFY;
	}
	*page_end = len;
	/* the station's own update, between the page and its signature, may add
	 * only that signature */
	struct pades_seal seals[KESU_PADES_ROLES];
	size_t nseals = Kesu_pades_seal_boxes(pdf, len, seals);
	if (Kesu_pades_update_allowed(pdf, len, first_end, seals, nseals, msg, size) != 0)
		return -KESU_EVERIFY;
	snprintf(msg, size, "the page is exactly the one the signed payload renders to");
	return 0;
}

/* kesu-render.json: what the page was rendered with. A checker re-renders
 * the page from the signed payload and compares bytes (kesu cert verify);
 * that proves the page shows the payload only when the renderer, libharu
 * and the font are the same, so they are named here, and the style the
 * station chose is kept so the same page comes out again. The seal boxes
 * tell a PDF signer where each role's signature appearance goes. */
#include <errno.h>
#include <hpdf.h>
#include <json-c/json.h>
#include <math.h>
#include <openssl/evp.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

#include "canonical_json.h"
#include "kesu/fileio.h"
#include "pdf_internal.h"

#define FONT_FILE_MAX (64u << 20)

void Kesu_pdf_font_digest(const char *path, char *out, size_t size)
{
	char *data = NULL, err[128];
	size_t len = 0;
	out[0] = '\0';
	if (kesu_file_read_bounded(path, FONT_FILE_MAX, 0, &data, &len, err, sizeof(err)) != 0)
		return;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	/* OpenSSL's SHA-256 uses the CPU's SHA instructions: 6 MB in a few ms */
	if (EVP_Digest(data, len, h, &n, EVP_sha256(), NULL) == 1) {
		sodium_bin2hex(hex, sizeof(hex), h, n);
		snprintf(out, size, "sha256:%s", hex);
	}
	free(data);
}

static struct json_object *seal_json(const struct seal_box *s, const char *role)
{
	struct json_object *o = json_object_new_object(), *rect = json_object_new_array();
	/* whole points, inside the drawn box */
	json_object_array_add(rect, json_object_new_int((int)ceilf(s->x1)));
	json_object_array_add(rect, json_object_new_int((int)ceilf(s->y1)));
	json_object_array_add(rect, json_object_new_int((int)floorf(s->x2)));
	json_object_array_add(rect, json_object_new_int((int)floorf(s->y2)));
	json_object_object_add(o, "page", json_object_new_int((int)s->page));
	json_object_object_add(o, "rect", rect);
	json_object_object_add(o, "role", json_object_new_string(role));
	return o;
}

char *Kesu_pdf_render_info(const struct pdf *p, const char *font_path, size_t *len)
{
	static const char *const roles[PDF_SEALS] = {"operator", "witness", "validator", "approver"};
	char font[80];
	Kesu_pdf_font_digest(font_path, font, sizeof(font));
	struct json_object *o = json_object_new_object(), *seals = json_object_new_array();
	struct json_object *style = json_object_new_object();
	for (unsigned i = 0; i < PDF_SEALS; i++)
		json_object_array_add(seals, seal_json(&p->seals[i], roles[i]));
	json_object_object_add(style, "class_label", json_object_new_string(p->class_label));
	json_object_object_add(style, "era_dates", json_object_new_boolean(p->era));
	json_object_object_add(o, "font_sha256", json_object_new_string(font));
	json_object_object_add(o, "kesu", json_object_new_string(KESU_VERSION));
	json_object_object_add(o, "kesu_render", json_object_new_int(1));
	json_object_object_add(o, "libharu", json_object_new_string(HPDF_GetVersion()));
	json_object_object_add(o, "seals", seals);
	json_object_object_add(o, "style", style);
	char *text = Kesu_json_canonical(o, len);
	json_object_put(o);
	return text;
}

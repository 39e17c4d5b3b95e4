/* The seal boxes a certificate names in its kesu-render.json attachment
 * (pdf_render_info.c writes it): where each role's signature goes. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/pdf.h"
#include "pades_pdf.h"
#include "../i18n.h"

#define RENDER_INFO_MAX 16384

int Kesu_pades_render_info(const unsigned char *buf, size_t len, struct json_object **info,
			   char *err, size_t errsize)
{
	char *text = NULL;
	size_t n = 0;
	*info = NULL;
	int rc = kesu_pdf_read_attachment(buf, len, KESU_PDF_RENDER_NAME, RENDER_INFO_MAX, &text, &n,
					  err, errsize);
	if (rc)
		return rc;
	*info = json_tokener_parse(text);
	free(text);
	if (!*info) {
		snprintf(err, errsize, _("%s is not JSON"), KESU_PDF_RENDER_NAME);
		return -KESU_EPARSE;
	}
	return 0;
}

static struct json_object *render_info(const unsigned char *buf, size_t len, char *err,
				       size_t errsize)
{
	struct json_object *o;
	Kesu_pades_render_info(buf, len, &o, err, errsize);
	return o;
}

/* The seal entry i as role, page and rectangle; false when malformed. */
static bool seal_at(struct json_object *seals, size_t i, const char **role, unsigned *page,
		    float rect[4])
{
	struct json_object *s = json_object_array_get_idx(seals, i), *r, *p, *ro;
	if (!json_object_object_get_ex(s, "rect", &r) || !json_object_object_get_ex(s, "page", &p) ||
	    !json_object_object_get_ex(s, "role", &ro) || json_object_array_length(r) != 4 ||
	    !json_object_is_type(p, json_type_int))
		return false;
	for (size_t k = 0; k < 4; k++)
		rect[k] = (float)json_object_get_int(json_object_array_get_idx(r, k));
	*page = (unsigned)json_object_get_int(p);
	*role = json_object_get_string(ro);
	return rect[2] > rect[0] && rect[3] > rect[1];
}

int Kesu_pades_seal_box(const unsigned char *buf, size_t len, enum kesu_pades_role role,
			unsigned *page, float rect[4], char *err, size_t errsize)
{
	struct json_object *o = render_info(buf, len, err, errsize), *seals;
	int rc = -ENOENT;
	if (o && json_object_object_get_ex(o, "seals", &seals))
		for (size_t i = 0; rc && i < json_object_array_length(seals); i++) {
			const char *id;
			if (seal_at(seals, i, &id, page, rect) && !strcmp(id, kesu_pades_role_id(role)))
				rc = 0;
		}
	if (rc)
		snprintf(err, errsize, _("the certificate names no seal box for the %s (made by an "
				       "earlier kesu): only an invisible signature can be added"),
			 kesu_pades_role_id(role));
	json_object_put(o);
	return rc;
}

size_t Kesu_pades_seal_boxes(const unsigned char *buf, size_t len, struct pades_seal *seals)
{
	char err[200];
	struct json_object *o = render_info(buf, len, err, sizeof(err)), *list;
	size_t n = 0;
	if (o && json_object_object_get_ex(o, "seals", &list))
		for (size_t i = 0; i < json_object_array_length(list) && n < KESU_PADES_ROLES; i++) {
			const char *id;
			if (seal_at(list, i, &id, &seals[n].page, seals[n].rect)) {
				snprintf(seals[n].role, sizeof(seals[n].role), "%s", id ? id : "");
				seals[n].taken = false;
				n++;
			}
		}
	json_object_put(o);
	return n;
}

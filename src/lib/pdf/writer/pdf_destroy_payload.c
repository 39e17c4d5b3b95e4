/* Reads a destruction certificate's own members (docs/certificate.md,
 * "Destruction certificates"): "destruction", "host", the times; every
 * field checked, every error naming it. And matches the photographs the
 * payload names with the files given to the renderer. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "pdf_destroy.h"
#include "pdf_payload_read.h"
#include "../../i18n.h"

static int read_host(struct pj_reader *r, json_object *root, struct cert_destruction *d)
{
	json_object *h;
	int rc = Kesu_pj_member(r, root, "", "host", json_type_object, false, &h);
	if (rc || !h)
		return rc;
	d->host_known = true;
	return Kesu_pj_text(r, h, "host", "manufacturer", false, d->host_manufacturer,
			    sizeof(d->host_manufacturer)) ?:
	       Kesu_pj_text(r, h, "host", "product", false, d->host_product,
			    sizeof(d->host_product)) ?:
	       Kesu_pj_text(r, h, "host", "serial", false, d->host_serial, sizeof(d->host_serial)) ?:
	       Kesu_pj_text(r, h, "host", "asset_tag", false, d->host_asset, sizeof(d->host_asset));
}

static bool is_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

static int read_photo(struct pj_reader *r, json_object *o, size_t i, struct cert_photo *p)
{
	static const char *const types[] = {"jpeg", "png", NULL};
	char path[48], tpath[56], want[16];
	snprintf(path, sizeof(path), "destruction.photos[%zu]", i);
	snprintf(tpath, sizeof(tpath), "%s.type", path);
	if (!json_object_is_type(o, json_type_object))
		return Kesu_pj_fail(r, _("%s: expected an object"), path);
	int rc = Kesu_pj_text(r, o, path, "name", true, p->name, sizeof(p->name)) ?:
		 Kesu_pj_text(r, o, path, "type", true, p->type, sizeof(p->type)) ?:
		 Kesu_pj_one_of(r, tpath, p->type, types) ?:
		 Kesu_pj_text(r, o, path, "sha256", true, p->sha256, sizeof(p->sha256)) ?:
		 Kesu_pj_count(r, o, path, "bytes", true, &p->bytes);
	if (rc)
		return rc;
	/* the names kesu gives, in order: nothing else may be attached */
	snprintf(want, sizeof(want), "photo-%zu.%s", i + 1, strcmp(p->type, "png") ? "jpg" : "png");
	if (strcmp(p->name, want) != 0)
		return Kesu_pj_fail(r, _("%s.name: \"%s\", expected \"%s\""), path, p->name, want);
	if (!is_hex(p->sha256, 64))
		return Kesu_pj_fail(r, _("%s.sha256: not 64 lower-case hex digits"), path);
	return 0;
}

static int read_earlier(struct pj_reader *r, json_object *o, size_t i, struct cert_earlier *e)
{
	char path[48];
	snprintf(path, sizeof(path), "destruction.earlier_jobs[%zu]", i);
	if (!json_object_is_type(o, json_type_object))
		return Kesu_pj_fail(r, _("%s: expected an object"), path);
	return Kesu_pj_text(r, o, path, "job_id", true, e->job_id, sizeof(e->job_id)) ?:
	       Kesu_pj_text(r, o, path, "certificate_id", false, e->certificate_id,
			    sizeof(e->certificate_id)) ?:
	       Kesu_pj_text(r, o, path, "outcome", false, e->outcome, sizeof(e->outcome)) ?:
	       Kesu_pj_text(r, o, path, "ended_utc", false, e->ended_utc, sizeof(e->ended_utc)) ?:
	       Kesu_pj_count(r, o, path, "seq", true, &e->seq);
}

static int read_lists(struct pj_reader *r, json_object *o, struct cert_destruction *d)
{
	json_object *photos, *earlier;
	int rc = Kesu_pj_member(r, o, "destruction", "photos", json_type_array, true, &photos) ?:
		 Kesu_pj_member(r, o, "destruction", "earlier_jobs", json_type_array, true, &earlier);
	if (rc)
		return rc;
	d->nphotos = json_object_array_length(photos);
	if (d->nphotos > KESU_DESTROY_PHOTOS_MAX)
		return Kesu_pj_fail(r, _("destruction.photos: more than %d"), KESU_DESTROY_PHOTOS_MAX);
	for (size_t i = 0; rc == 0 && i < d->nphotos; i++)
		rc = read_photo(r, json_object_array_get_idx(photos, i), i, &d->photos[i]);
	d->nearlier = json_object_array_length(earlier);
	for (size_t i = 0; rc == 0 && i < d->nearlier && i < CERT_EARLIER_SHOWN; i++)
		rc = read_earlier(r, json_object_array_get_idx(earlier, i), i, &d->earlier[i]);
	return rc;
}

int Kesu_cert_read_destruction(struct pj_reader *r, json_object *root, struct cert *c)
{
	static const char *const techniques[] = {"drill", "crush", "shred", "disintegrate",
						 "incinerate", "degauss", NULL};
	static const char *const levels[] = {"destroy", "purge", "none", NULL};
	const char *p = "destruction";
	struct cert_destruction *d = calloc(1, sizeof(*d));
	json_object *o;
	if (!d)
		return -ENOMEM;
	c->destruction = d;
	int rc = Kesu_pj_text(r, root, "", "started_utc", true, c->started_utc,
			      sizeof(c->started_utc)) ?:
		 Kesu_pj_text(r, root, "", "ended_utc", true, c->ended_utc, sizeof(c->ended_utc)) ?:
		 read_host(r, root, d) ?:
		 Kesu_pj_member(r, root, "", p, json_type_object, true, &o);
	if (rc)
		return rc;
	rc = Kesu_pj_text(r, o, p, "technique", true, d->technique, sizeof(d->technique)) ?:
	     Kesu_pj_one_of(r, "destruction.technique", d->technique, techniques) ?:
	     Kesu_pj_text(r, o, p, "nist_level", true, d->nist_level, sizeof(d->nist_level)) ?:
	     Kesu_pj_one_of(r, "destruction.nist_level", d->nist_level, levels) ?:
	     Kesu_pj_text(r, o, p, "media_type", false, d->media_type, sizeof(d->media_type)) ?:
	     Kesu_pj_text(r, o, p, "location", false, d->location, sizeof(d->location)) ?:
	     Kesu_pj_text(r, o, p, "contractor", false, d->contractor, sizeof(d->contractor)) ?:
	     Kesu_pj_text(r, o, p, "note", false, d->note, sizeof(d->note)) ?:
	     Kesu_pj_text(r, o, p, "caveat_ja", false, d->caveat_ja, sizeof(d->caveat_ja)) ?:
	     Kesu_pj_text(r, o, p, "caveat_en", false, d->caveat_en, sizeof(d->caveat_en)) ?:
	     read_lists(r, o, d);
	/* the level the shared blocks (outcome, technical) show */
	snprintf(c->nist_level, sizeof(c->nist_level), "%s", d->nist_level);
	return rc;
}

void Kesu_cert_destruction_free(struct cert_destruction *d)
{
	free(d);
}

static const struct kesu_pdf_file *file_named(const struct kesu_pdf_doc *d, const char *name)
{
	for (size_t i = 0; i < d->nfiles; i++)
		if (d->files[i].name && strcmp(d->files[i].name, name) == 0)
			return &d->files[i];
	return NULL;
}

int Kesu_cert_destruction_files(struct cert *c, const struct kesu_pdf_doc *d, char *err,
				size_t errsize)
{
	struct cert_destruction *x = c->destruction;
	size_t nphotos = c->kind == CERT_DESTRUCTION && x ? x->nphotos : 0;
	if (d->nfiles != nphotos) {
		snprintf(err, errsize, _("the payload names %zu photographs, %zu files were given"),
			 nphotos, d->nfiles);
		return -KESU_EPARSE;
	}
	for (size_t i = 0; i < nphotos; i++) {
		struct cert_photo *p = &x->photos[i];
		const struct kesu_pdf_file *f = file_named(d, p->name);
		unsigned char h[crypto_hash_sha256_BYTES];
		char hex[65];
		if (!f) {
			snprintf(err, errsize, _("%s: the photograph the payload names is missing"), p->name);
			return -KESU_EPARSE;
		}
		crypto_hash_sha256(h, f->data, f->len);
		sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
		if (strcmp(hex, p->sha256) != 0 || (long long)f->len != p->bytes) {
			snprintf(err, errsize, _("%s: not the photograph the signed payload names (its "
					       "SHA-256 differs)"), p->name);
			return -KESU_EPARSE;
		}
		/* checked again here: a verifier renders files it did not make */
		char type[8];
		int rc = kesu_destroy_photo_check(p->name, f->data, f->len, type, err, errsize);
		if (rc == 0 && strcmp(type, p->type) != 0) {
			snprintf(err, errsize, _("%s: not a %s image"), p->name, p->type);
			rc = -KESU_EPARSE;
		}
		if (rc)
			return rc;
		p->file = f;
	}
	return 0;
}

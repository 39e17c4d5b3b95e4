/* Reads a version 4 payload's "details" (docs/certificate.md, "Details
 * page"): each pass's speed profile and the drive's SMART before and
 * after. Only what is there is drawn, so it is checked as strictly as the
 * rest: positions increasing and within the medium, passes the payload's
 * own, numbers whole and not negative. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "kesu/error.h"
#include "pdf_internal.h"
#include "pdf_payload_read.h"
#include "../../i18n.h"

static int read_point(struct pj_reader *r, json_object *pair, const char *path, size_t i,
		      long long last, long long size, struct cert_profile *p)
{
	json_object *o = NULL, *b = NULL;
	if (json_object_is_type(pair, json_type_array) && json_object_array_length(pair) == 2) {
		o = json_object_array_get_idx(pair, 0);
		b = json_object_array_get_idx(pair, 1);
	}
	if (!json_object_is_type(o, json_type_int) || !json_object_is_type(b, json_type_int) ||
	    json_object_get_int64(b) < 0)
		return Kesu_pj_fail(r, _("%s.profile[%zu]: expected [offset, bytes_per_second]"), path, i);
	long long offset = json_object_get_int64(o);
	if (offset <= last || (size >= 0 && offset > size))
		return Kesu_pj_fail(r, _("%s.profile[%zu]: position %lld out of order or past the medium"),
				    path, i, offset);
	p->points[p->npoints].offset = offset;
	p->points[p->npoints].bytes_per_second = json_object_get_int64(b);
	p->npoints++;
	return 0;
}

static bool is_pass(const struct cert *c, long long number)
{
	for (size_t i = 0; i < c->npasses; i++)
		if (c->passes[i].number == number)
			return true;
	return false;
}

static int read_profile(struct pj_reader *r, json_object *o, size_t i, const struct cert *c,
			struct cert_profile *p)
{
	char path[48];
	snprintf(path, sizeof(path), "details.passes[%zu]", i);
	json_object *a;
	if (!json_object_is_type(o, json_type_object))
		return Kesu_pj_fail(r, _("%s: expected an object"), path);
	int rc = Kesu_pj_count(r, o, path, "number", true, &p->number) ?:
		 Kesu_pj_member(r, o, path, "profile", json_type_array, false, &a) ?:
		 Kesu_pj_count(r, o, path, "profile_from", false, &p->from);
	if (rc)
		return rc;
	if (!is_pass(c, p->number))
		return Kesu_pj_fail(r, _("%s.number: pass %lld is not in sanitization.passes"), path,
				    p->number);
	p->known = a != NULL;
	if (!a)
		return 0;
	if (p->from < 0)
		return Kesu_pj_fail(r, _("%s.profile_from: missing"), path);
	if (json_object_array_length(a) > CERT_PROFILE_POINTS)
		return Kesu_pj_fail(r, _("%s.profile: more than %d points"), path, CERT_PROFILE_POINTS);
	long long last = p->from;
	for (size_t k = 0; rc == 0 && k < json_object_array_length(a); k++) {
		rc = read_point(r, json_object_array_get_idx(a, k), path, k, last, c->media.size_bytes, p);
		last = p->npoints ? p->points[p->npoints - 1].offset : last;
	}
	return rc;
}

static int read_smart(struct pj_reader *r, json_object *smart, const char *key, struct cert_smart *s)
{
	char path[32];
	snprintf(path, sizeof(path), "details.smart.%s", key);
	json_object *o;
	s->healthy = -1;
	int rc = Kesu_pj_member(r, smart, "details.smart", key, json_type_object, false, &o);
	if (rc || !o)
		return rc;
	s->known = true;
	return Kesu_pj_bool(r, o, path, "healthy", false, &s->healthy) ?:
	       Kesu_pj_count(r, o, path, "power_on_hours", false, &s->power_on_hours) ?:
	       Kesu_pj_count(r, o, path, "reallocated_sectors", false, &s->reallocated_sectors) ?:
	       Kesu_pj_count(r, o, path, "pending_sectors", false, &s->pending_sectors) ?:
	       Kesu_pj_count(r, o, path, "temperature_c", false, &s->temperature_c);
}

int Kesu_cert_read_details(struct pj_reader *r, json_object *root, struct cert *c)
{
	json_object *d, *passes, *smart;
	int rc = Kesu_pj_member(r, root, "", "details", json_type_object, false, &d);
	if (rc)
		return rc;
	/* version 4 is the payload with details, and only a wipe's has them */
	if (!d != (c->version < 4))
		return Kesu_pj_fail(r, d ? "details: not part of kesu_certificate %d"
					 : "details: missing (kesu_certificate %d)", c->version);
	if (!d)
		return 0;
	if (c->kind != CERT_WIPE)
		return Kesu_pj_fail(r, _("details: only a wipe's certificate has them"));
	rc = Kesu_pj_member(r, d, "details", "passes", json_type_array, true, &passes) ?:
	     Kesu_pj_member(r, d, "details", "smart", json_type_object, true, &smart);
	if (rc)
		return rc;
	size_t n = json_object_array_length(passes);
	if (n > c->npasses)
		return Kesu_pj_fail(r, _("details.passes: %zu passes, sanitization.passes has %zu"), n,
				    c->npasses);
	c->details = calloc(1, sizeof(*c->details));
	if (c->details)
		c->details->passes = calloc(n ? n : 1, sizeof(*c->details->passes));
	if (!c->details || !c->details->passes)
		return -ENOMEM;
	for (; rc == 0 && c->details->npasses < n; c->details->npasses++)
		rc = read_profile(r, json_object_array_get_idx(passes, c->details->npasses),
				  c->details->npasses, c, &c->details->passes[c->details->npasses]);
	return rc ?: read_smart(r, smart, "before", &c->details->before) ?:
	       read_smart(r, smart, "after", &c->details->after);
}

void Kesu_cert_details_free(struct cert_details *d)
{
	if (d)
		free(d->passes);
	free(d);
}

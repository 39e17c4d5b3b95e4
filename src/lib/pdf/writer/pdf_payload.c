/* Reads a certificate payload (docs/certificate.md: version 1, or version 2
 * with a firmware erase's command and proof and the drive's hidden areas)
 * into the facts the page shows. What the page claims must come from a
 * well-formed payload, so required fields, types and enumerations are
 * checked; every error names the field ("payload:
 * sanitization.passes[2].pattern: missing"). */
#include <errno.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "id_forms.h"
#include "kesu/error.h"
#include "kesu/method.h"
#include "kesu/pdf.h"
#include "kesu/vocabulary.h"
#include "pdf_internal.h"
#include "pdf_payload_read.h"
#include "../../i18n.h"

#define JSON_DEPTH 16

void Kesu_cert_text(char *dst, size_t size, const char *src, size_t len)
{
	size_t o = 0, i = 0;
	while (i < len) {
		unsigned cp;
		size_t n = Kesu_utf8_decode((const unsigned char *)src + i, len - i, &cp);
		char rep = 0;
		if (n == 0)
			n = 1, rep = '?';
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 ||
			 cp == 0x2029)
			rep = ' ';
		else if (cp > 0xffff)
			rep = '?'; /* the page font is addressed by BMP code points */
		else if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
			 (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff)
			rep = '?'; /* invisible and direction controls: shown, not obeyed */
		size_t out = rep ? 1 : n;
		if (o + out >= size)
			break;
		if (rep)
			dst[o] = rep;
		else
			memcpy(dst + o, src + i, n);
		o += out;
		i += n;
	}
	dst[o] = '\0';
}

static int read_parties(struct pj_reader *r, json_object *root, struct cert *c)
{
	json_object *o;
	int rc = Kesu_pj_member(r, root, "", "organisation", json_type_object, false, &o);
	if (rc == 0 && o)
		rc = Kesu_pj_text(r, o, "organisation", "name", false, c->org_name, sizeof(c->org_name)) ?:
		     Kesu_pj_text(r, o, "organisation", "department", false, c->org_department,
			      sizeof(c->org_department)) ?:
		     Kesu_pj_text(r, o, "organisation", "location", false, c->org_location,
			      sizeof(c->org_location)) ?:
		     Kesu_pj_text(r, o, "organisation", "phone", false, c->org_phone, sizeof(c->org_phone));
	if (rc == 0)
		rc = Kesu_pj_member(r, root, "", "operator", json_type_object, true, &o);
	if (rc == 0)
		rc = Kesu_pj_text(r, o, "operator", "name", true, c->operator_name,
			      sizeof(c->operator_name)) ?:
		     Kesu_pj_text(r, o, "operator", "title", false, c->operator_title,
			      sizeof(c->operator_title));
	if (rc)
		return rc;
	/* The approver is a name or, like the operator, {"name", "title"}. */
	json_object *a = NULL;
	if (json_object_object_get_ex(root, "approver", &a) && json_object_is_type(a, json_type_string))
		return Kesu_pj_text(r, root, "", "approver", false, c->approver_name,
				sizeof(c->approver_name));
	rc = Kesu_pj_member(r, root, "", "approver", json_type_object, false, &o);
	if (rc == 0 && o)
		rc = Kesu_pj_text(r, o, "approver", "name", true, c->approver_name,
			      sizeof(c->approver_name)) ?:
		     Kesu_pj_text(r, o, "approver", "title", false, c->approver_title,
			      sizeof(c->approver_title));
	return rc;
}

/* The witness (立会者) and the prior approval (承認番号, 承認日, 承認者), when
 * the job had them. */
static int read_approval(struct pj_reader *r, json_object *root, struct cert *c)
{
	json_object *a, *who = NULL;
	int rc = Kesu_pj_text(r, root, "", "witness", false, c->witness_name, sizeof(c->witness_name)) ?:
		 Kesu_pj_member(r, root, "", "approval", json_type_object, false, &a);
	if (rc || !a)
		return rc;
	rc = Kesu_pj_text(r, a, "approval", "number", true, c->approval.number,
		      sizeof(c->approval.number)) ?:
	     Kesu_pj_text(r, a, "approval", "date", true, c->approval.date, sizeof(c->approval.date)) ?:
	     Kesu_pj_text(r, a, "approval", "hash", true, c->approval.hash, sizeof(c->approval.hash)) ?:
	     Kesu_pj_count(r, a, "approval", "entry", true, &c->approval.entry) ?:
	     Kesu_pj_member(r, a, "approval", "approver", json_type_object, true, &who);
	if (rc == 0)
		rc = Kesu_pj_text(r, who, "approval.approver", "name", true, c->approval.approver,
			      sizeof(c->approval.approver)) ?:
		     Kesu_pj_text(r, who, "approval.approver", "fingerprint", true,
			      c->approval.fingerprint, sizeof(c->approval.fingerprint));
	return rc;
}

static int read_media(struct pj_reader *r, json_object *root, struct cert *c)
{
	json_object *m;
	int rc = Kesu_pj_member(r, root, "", "media", json_type_object, true, &m);
	if (rc)
		return rc;
	return Kesu_pj_text(r, m, "media", "vendor", false, c->media.vendor, sizeof(c->media.vendor)) ?:
	       Kesu_pj_text(r, m, "media", "model", false, c->media.model, sizeof(c->media.model)) ?:
	       Kesu_pj_text(r, m, "media", "serial", false, c->media.serial, sizeof(c->media.serial)) ?:
	       Kesu_pj_text(r, m, "media", "wwn", false, c->media.wwn, sizeof(c->media.wwn)) ?:
	       Kesu_pj_text(r, m, "media", "firmware", false, c->media.firmware,
			sizeof(c->media.firmware)) ?:
	       Kesu_pj_text(r, m, "media", "transport", false, c->media.transport,
			sizeof(c->media.transport)) ?:
	       Kesu_pj_text(r, m, "media", "media_type", false, c->media.media_type,
			sizeof(c->media.media_type)) ?:
	       Kesu_pj_text(r, m, "media", "path", false, c->media.path, sizeof(c->media.path)) ?:
	       Kesu_pj_text(r, m, "media", "asset_number", false, c->media.asset_number,
			sizeof(c->media.asset_number)) ?:
	       Kesu_pj_count(r, m, "media", "size_bytes", false, &c->media.size_bytes) ?:
	       Kesu_pj_count(r, m, "media", "logical_sector", false, &c->media.logical_sector) ?:
	       Kesu_pj_count(r, m, "media", "physical_sector", false, &c->media.physical_sector);
}

/* v3 "exceptions": what an ERASED_WITH_EXCEPTIONS job leaves, 1 to 3
 * entries, and only with that outcome. */
static int read_exceptions(struct pj_reader *r, json_object *root, struct cert *c)
{
	static const char *const kinds[] = {"hidden-area", "firmware-proof-sampled",
					    "reallocated-grew", "hidden-area-unchecked", NULL};
	json_object *arr;
	int rc = Kesu_pj_member(r, root, "", "exceptions", json_type_array, c->with_exceptions, &arr);
	if (rc || !arr)
		return rc;
	size_t n = json_object_array_length(arr);
	if (!c->with_exceptions)
		return Kesu_pj_fail(r, _("exceptions: given with outcome %s"), c->outcome);
	if (n < 1 || n > CERT_EXCEPTIONS_MAX)
		return Kesu_pj_fail(r, _("exceptions: %zu entries (1 to %d)"), n, CERT_EXCEPTIONS_MAX);
	for (c->nexceptions = 0; c->nexceptions < n; c->nexceptions++) {
		json_object *o = json_object_array_get_idx(arr, c->nexceptions);
		char path[32];
		snprintf(path, sizeof(path), "exceptions[%zu]", c->nexceptions);
		if (!json_object_is_type(o, json_type_object))
			return Kesu_pj_fail(r, _("%s: expected an object"), path);
		char kind_path[48];
		snprintf(kind_path, sizeof(kind_path), "%s.kind", path);
		struct cert_exception *e = &c->exceptions[c->nexceptions];
		rc = Kesu_pj_text(r, o, path, "kind", true, e->kind, sizeof(e->kind)) ?:
		     Kesu_pj_one_of(r, kind_path, e->kind, kinds) ?:
		     Kesu_pj_text(r, o, path, "detail", true, e->detail, sizeof(e->detail)) ?:
		     Kesu_pj_text(r, o, path, "detail_ja", true, e->detail_ja, sizeof(e->detail_ja));
		if (rc)
			return rc;
	}
	return 0;
}

/* v3 "host": the machine the medium was in, each member a string or null. */
static int read_host(struct pj_reader *r, json_object *root, struct cert *c)
{
	json_object *h;
	int rc = Kesu_pj_member(r, root, "", "host", json_type_object, false, &h);
	if (rc || !h)
		return rc;
	if (c->version < 3)
		return Kesu_pj_fail(r, _("host: not part of kesu_certificate %d"), c->version);
	rc = Kesu_pj_text(r, h, "host", "manufacturer", false, c->host.manufacturer,
			  sizeof(c->host.manufacturer)) ?:
	     Kesu_pj_text(r, h, "host", "product", false, c->host.product, sizeof(c->host.product)) ?:
	     Kesu_pj_text(r, h, "host", "serial", false, c->host.serial, sizeof(c->host.serial)) ?:
	     Kesu_pj_text(r, h, "host", "asset_tag", false, c->host.asset_tag,
			  sizeof(c->host.asset_tag));
	c->host.known = rc == 0 && (c->host.manufacturer[0] || c->host.product[0] ||
				    c->host.serial[0] || c->host.asset_tag[0]);
	return rc;
}

/* The byte of an R pass: an integer, or two hex digits as kesu's job JSON
 * writes it. -1 when null. */
static int get_byte(struct pj_reader *r, json_object *o, const char *path, int *byte)
{
	json_object *v = NULL;
	*byte = -1;
	if (!json_object_object_get_ex(o, "byte", &v) || json_object_is_type(v, json_type_null))
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		int64_t n = json_object_get_int64(v);
		if (n >= 0 && n <= 255)
			*byte = (int)n;
	} else if (json_object_is_type(v, json_type_string)) {
		const char *t = json_object_get_string(v);
		unsigned b;
		if (strlen(t) == 2 && strspn(t, "0123456789abcdefABCDEF") == 2 &&
		    sscanf(t, "%2x", &b) == 1)
			*byte = (int)b;
	}
	return *byte < 0 ? Kesu_pj_fail(r, _("%s.byte: not a byte"), path) : 0;
}

static int read_pass(struct pj_reader *r, json_object *o, size_t i, struct cert_pass *p)
{
	char path[48];
	snprintf(path, sizeof(path), "sanitization.passes[%zu]", i);
	if (!json_object_is_type(o, json_type_object))
		return Kesu_pj_fail(r, _("%s: expected an object"), path);
	json_object *done;
	int rc = Kesu_pj_count(r, o, path, "number", true, &p->number) ?:
		 Kesu_pj_text(r, o, path, "pattern", true, p->pattern, sizeof(p->pattern)) ?:
		 get_byte(r, o, path, &p->byte) ?:
		 Kesu_pj_text(r, o, path, "seed", false, p->seed, sizeof(p->seed)) ?:
		 Kesu_pj_count(r, o, path, "bytes_written", true, &p->bytes_written) ?:
		 Kesu_pj_count(r, o, path, "milliseconds", true, &p->milliseconds) ?:
		 Kesu_pj_count(r, o, path, "bad_sectors", true, &p->bad_sectors) ?:
		 Kesu_pj_member(r, o, path, "completed", json_type_boolean, true, &done);
	if (rc)
		return rc;
	p->completed = json_object_get_boolean(done);
	/* verify: null, or what reading this pass back found (newer records) */
	json_object *v, *passed = NULL;
	char vpath[64];
	snprintf(vpath, sizeof(vpath), "%s.verify", path);
	p->verify_passed = -1;
	rc = Kesu_pj_member(r, o, path, "verify", json_type_object, false, &v);
	if (rc == 0 && v)
		rc = Kesu_pj_member(r, v, vpath, "passed", json_type_boolean, false, &passed);
	if (passed)
		p->verify_passed = json_object_get_boolean(passed);
	return rc;
}

/* sanitization.unwritten and unwritten_sectors (newer records): the
 * distinct sectors no pass could write, as ranges, and their count. */
static int read_unwritten(struct pj_reader *r, json_object *s, struct cert *c)
{
	const char *sp = "sanitization";
	json_object *arr;
	c->unwritten_sectors = -1;
	int rc = Kesu_pj_count(r, s, sp, "unwritten_sectors", false, &c->unwritten_sectors) ?:
		 Kesu_pj_member(r, s, sp, "unwritten", json_type_array, false, &arr);
	if (rc || !arr)
		return rc;
	c->nunwritten = json_object_array_length(arr);
	for (size_t i = 0; i < c->nunwritten && i < CERT_RANGES_SHOWN; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		char path[48];
		snprintf(path, sizeof(path), "sanitization.unwritten[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return Kesu_pj_fail(r, _("%s: expected an object"), path);
		rc = Kesu_pj_count(r, o, path, "first", true, &c->unwritten[i].first) ?:
		     Kesu_pj_count(r, o, path, "count", true, &c->unwritten[i].count);
		if (rc)
			return rc;
		if (c->unwritten[i].count == 0)
			return Kesu_pj_fail(r, _("%s.count: must be positive"), path);
	}
	if (c->nunwritten && c->unwritten_sectors <= 0)
		return Kesu_pj_fail(r, _("sanitization.unwritten_sectors: %lld with %zu ranges listed"),
			    c->unwritten_sectors, c->nunwritten);
	return 0;
}

static int read_interruptions(struct pj_reader *r, json_object *s, struct cert *c)
{
	json_object *arr;
	int rc = Kesu_pj_member(r, s, "sanitization", "interruptions", json_type_array, false, &arr);
	if (rc || !arr)
		return rc;
	c->ninterrupts = json_object_array_length(arr);
	for (size_t i = 0; i < c->ninterrupts && i < CERT_INTERRUPTS_SHOWN; i++) {
		json_object *o = json_object_array_get_idx(arr, i);
		char path[48];
		snprintf(path, sizeof(path), "sanitization.interruptions[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return Kesu_pj_fail(r, _("%s: expected an object"), path);
		rc = Kesu_pj_count(r, o, path, "pass", true, &c->interrupts[i].pass) ?:
		     Kesu_pj_count(r, o, path, "offset", true, &c->interrupts[i].offset) ?:
		     Kesu_pj_text(r, o, path, "at_utc", false, c->interrupts[i].at_utc,
			      sizeof(c->interrupts[i].at_utc));
		if (rc)
			return rc;
	}
	return 0;
}

/* v2: sanitization.firmware, what the drive was told and what reading
 * found. Only the command's own name is accepted (never "auto": a
 * certificate names the command that was sent). */
static int read_firmware(struct pj_reader *r, json_object *f, struct cert *c)
{
	static const char *const leaves[] = {"changed", "zero", NULL};
	const char *fp = "sanitization.firmware", *pp = "sanitization.firmware.proof";
	json_object *proof;
	int followed = 0;
	c->fw.password_cleared = -1;
	int rc = Kesu_pj_text(r, f, fp, "command", true, c->fw.command, sizeof(c->fw.command)) ?:
		 Kesu_pj_text(r, f, fp, "title", true, c->fw.title, sizeof(c->fw.title)) ?:
		 Kesu_pj_text(r, f, fp, "detail", true, c->fw.detail, sizeof(c->fw.detail)) ?:
		 Kesu_pj_bool(r, f, fp, "followed_running", true, &followed) ?:
		 Kesu_pj_bool(r, f, fp, "password_cleared", false, &c->fw.password_cleared) ?:
		 Kesu_pj_member(r, f, fp, "proof", json_type_object, true, &proof);
	if (rc)
		return rc;
	c->fw.followed_running = followed;
	enum kesu_firmware_command cmd = kesu_firmware_command_parse(c->fw.command);
	if (cmd == KESU_FW_NONE || cmd == KESU_FW_AUTO)
		return Kesu_pj_fail(r, _("%s.command: unknown value \"%s\""), fp, c->fw.command);
	if (!c->fw.title[0])
		return Kesu_pj_fail(r, _("%s.title: empty"), fp);
	return Kesu_pj_text(r, proof, pp, "leaves", true, c->fw.leaves, sizeof(c->fw.leaves)) ?:
	       Kesu_pj_one_of(r, "sanitization.firmware.proof.leaves", c->fw.leaves, leaves) ?:
	       Kesu_pj_count(r, proof, pp, "marker_bytes", true, &c->fw.marker_bytes) ?:
	       Kesu_pj_count(r, proof, pp, "unchanged_sectors", true, &c->fw.unchanged_sectors) ?:
	       Kesu_pj_count(r, proof, pp, "nonzero_sectors", true, &c->fw.nonzero_sectors);
}

/* v2: sanitization.hidden_areas, what an HPA or DCO hid and what was done. */
static int read_hidden(struct pj_reader *r, json_object *h, struct cert *c)
{
	const char *hp = "sanitization.hidden_areas";
	int restored = 0;
	int rc = Kesu_pj_count(r, h, hp, "hpa_sectors", true, &c->hidden.hpa_sectors) ?:
		 Kesu_pj_count(r, h, hp, "dco_sectors", true, &c->hidden.dco_sectors) ?:
		 Kesu_pj_bool(r, h, hp, "hpa_restored", true, &restored);
	c->hidden.known = rc == 0;
	c->hidden.hpa_restored = restored;
	return rc;
}

/* The technique and what goes with it: version 1 knows overwriting only;
 * in version 2 a firmware erase has its firmware object and at most one
 * pass (pattern "firmware"), an overwrite has neither. */
static int read_technique(struct pj_reader *r, json_object *s, struct cert *c)
{
	static const char *const techniques[] = {"overwrite", "firmware", NULL};
	json_object *f, *h;
	int rc = Kesu_pj_text(r, s, "sanitization", "technique", c->version >= 2, c->technique,
			  sizeof(c->technique)) ?:
		 Kesu_pj_one_of(r, "sanitization.technique", c->technique, techniques) ?:
		 Kesu_pj_member(r, s, "sanitization", "firmware", json_type_object, false, &f) ?:
		 Kesu_pj_member(r, s, "sanitization", "hidden_areas", json_type_object, false, &h);
	if (rc)
		return rc;
	c->firmware = strcmp(c->technique, "firmware") == 0;
	if (c->version < 2) {
		if (c->firmware)
			return Kesu_pj_fail(r, _("sanitization.technique: \"firmware\" needs kesu_certificate 2"));
		if (f || h)
			return Kesu_pj_fail(r, _("sanitization.%s: not part of kesu_certificate 1"),
				    f ? "firmware" : "hidden_areas");
		return 0;
	}
	if (c->firmware && !f)
		return Kesu_pj_fail(r, _("sanitization.firmware: missing"));
	if (!c->firmware && f)
		return Kesu_pj_fail(r, _("sanitization.firmware: given for technique \"%s\""), c->technique);
	rc = f ? read_firmware(r, f, c) : 0;
	if (rc == 0 && h)
		rc = read_hidden(r, h, c);
	return rc;
}

static int check_passes(struct pj_reader *r, const struct cert *c)
{
	if (c->firmware && c->npasses > 1)
		return Kesu_pj_fail(r, _("sanitization.passes: a firmware erase has one step, not %zu"),
			    c->npasses);
	for (size_t i = 0; i < c->npasses; i++)
		if (c->firmware != (strcmp(c->passes[i].pattern, "firmware") == 0))
			return Kesu_pj_fail(r, _("sanitization.passes[%zu].pattern: \"%s\" does not go with "
				    "technique \"%s\""), i, c->passes[i].pattern,
				    c->firmware ? "firmware" : "overwrite");
	return 0;
}

static int read_sanitization(struct pj_reader *r, json_object *root, struct cert *c)
{
	static const char *const levels[] = {"clear", "purge", "destroy", "none", NULL};
	json_object *s, *m, *arr;
	int rc = Kesu_pj_member(r, root, "", "sanitization", json_type_object, true, &s) ?:
		 read_technique(r, s, c) ?:
		 Kesu_pj_text(r, s, "sanitization", "nist_level", false, c->nist_level,
			  sizeof(c->nist_level)) ?:
		 Kesu_pj_one_of(r, "sanitization.nist_level", c->nist_level, levels) ?:
		 Kesu_pj_text(r, s, "sanitization", "started_utc", false, c->started_utc,
			  sizeof(c->started_utc)) ?:
		 Kesu_pj_text(r, s, "sanitization", "ended_utc", false, c->ended_utc,
			  sizeof(c->ended_utc)) ?:
		 Kesu_pj_member(r, s, "sanitization", "method", json_type_object, true, &m);
	if (rc)
		return rc;
	const char *mp = "sanitization.method";
	rc = Kesu_pj_text(r, m, mp, "id", true, c->method.id, sizeof(c->method.id)) ?:
	     Kesu_pj_text(r, m, mp, "title_ja", true, c->method.title_ja, sizeof(c->method.title_ja)) ?:
	     Kesu_pj_text(r, m, mp, "title_en", true, c->method.title_en, sizeof(c->method.title_en)) ?:
	     Kesu_pj_text(r, m, mp, "standard", false, c->method.standard, sizeof(c->method.standard)) ?:
	     Kesu_pj_text(r, m, mp, "standard_ja", false, c->method.standard_ja,
		      sizeof(c->method.standard_ja)) ?:
	     Kesu_pj_text(r, m, mp, "caveat_ja", false, c->method.caveat_ja,
		      sizeof(c->method.caveat_ja)) ?:
	     Kesu_pj_text(r, m, mp, "caveat_en", false, c->method.caveat_en,
		      sizeof(c->method.caveat_en)) ?:
	     Kesu_pj_text(r, m, mp, "source", false, c->method.source, sizeof(c->method.source)) ?:
	     Kesu_pj_text(r, m, mp, "sha256", false, c->method.sha256, sizeof(c->method.sha256)) ?:
	     Kesu_pj_count(r, m, mp, "version", false, &c->method.version) ?:
	     read_interruptions(r, s, c) ?:
	     read_unwritten(r, s, c) ?:
	     Kesu_pj_member(r, s, "sanitization", "passes", json_type_array, true, &arr);
	if (rc)
		return rc;
	size_t n = json_object_array_length(arr);
	if (n > CERT_PASSES_MAX)
		return Kesu_pj_fail(r, _("sanitization.passes: more than %d passes"), CERT_PASSES_MAX);
	c->passes = calloc(n ? n : 1, sizeof(*c->passes));
	if (!c->passes)
		return -ENOMEM;
	for (c->npasses = 0; c->npasses < n; c->npasses++) {
		rc = read_pass(r, json_object_array_get_idx(arr, c->npasses), c->npasses,
			       &c->passes[c->npasses]);
		if (rc)
			return rc;
	}
	return check_passes(r, c);
}

static int read_verification(struct pj_reader *r, json_object *root, struct cert *c)
{
	static const char *const modes[] = {"sample", "full", "none", NULL};
	const char *vp = "verification";
	json_object *v, *passed = NULL;
	int rc = Kesu_pj_member(r, root, "", vp, json_type_object, true, &v) ?:
		 Kesu_pj_text(r, v, vp, "mode", true, c->verify.mode, sizeof(c->verify.mode)) ?:
		 Kesu_pj_one_of(r, "verification.mode", c->verify.mode, modes) ?:
		 Kesu_pj_text(r, v, vp, "percent", false, c->verify.percent, sizeof(c->verify.percent)) ?:
		 Kesu_pj_text(r, v, vp, "seed", false, c->verify.seed, sizeof(c->verify.seed)) ?:
		 Kesu_pj_count(r, v, vp, "samples", false, &c->verify.samples) ?:
		 Kesu_pj_count(r, v, vp, "bytes_read", false, &c->verify.bytes_read) ?:
		 Kesu_pj_count(r, v, vp, "mismatched_sectors", false, &c->verify.mismatched) ?:
		 Kesu_pj_count(r, v, vp, "unreadable_sectors", false, &c->verify.unreadable) ?:
		 Kesu_pj_member(r, v, vp, "passed", json_type_boolean, false, &passed);
	c->verify.passed = passed ? json_object_get_boolean(passed) : -1;
	return rc;
}

static int read_station(struct pj_reader *r, json_object *root, struct cert *c)
{
	json_object *o;
	int rc = Kesu_pj_member(r, root, "", "tool", json_type_object, false, &o);
	if (rc == 0 && o)
		rc = Kesu_pj_text(r, o, "tool", "name", false, c->tool_name, sizeof(c->tool_name)) ?:
		     Kesu_pj_text(r, o, "tool", "version", false, c->tool_version,
			      sizeof(c->tool_version));
	if (rc == 0)
		rc = Kesu_pj_member(r, root, "", "station", json_type_object, false, &o);
	if (rc == 0 && o)
		rc = Kesu_pj_text(r, o, "station", "hostname", false, c->station_host,
			      sizeof(c->station_host)) ?:
		     Kesu_pj_text(r, o, "station", "key_fingerprint", false, c->station_key,
			      sizeof(c->station_key)) ?:
		     Kesu_pj_text(r, o, "station", "machine_id", false, c->station_machine,
			      sizeof(c->station_machine));
	c->ledger_seq = -1;
	if (rc == 0)
		rc = Kesu_pj_member(r, root, "", "ledger", json_type_object, false, &o);
	if (rc == 0 && o)
		rc = Kesu_pj_text(r, o, "ledger", "job_id", false, c->ledger_job, sizeof(c->ledger_job)) ?:
		     Kesu_pj_text(r, o, "ledger", "record_hash", false, c->ledger_hash,
			      sizeof(c->ledger_hash)) ?:
		     Kesu_pj_count(r, o, "ledger", "seq", false, &c->ledger_seq);
	return rc;
}

/* Each document kind: its "document" value, the outcomes it may carry,
 * the one outcome that makes it a certificate (anything else is drawn as
 * a report, in red), and the parts of the payload it has. */
static const struct document_kind {
	const char *document;
	enum cert_kind kind;
	const char *const *outcomes;
	const char *certifies; /* NULL: a report, never a certificate */
	bool wipe_parts;       /* sanitization and verification */
} document_kinds[] = {
	{"certificate", CERT_WIPE,
	 (const char *const[]){"SUCCESS", "ERASED_WITH_EXCEPTIONS", NULL}, "SUCCESS", true},
	{"failure-report", CERT_WIPE,
	 (const char *const[]){"UNVERIFIED", "FAILED", "INTERRUPTED", NULL}, NULL, true},
	{"destruction-certificate", CERT_DESTRUCTION,
	 (const char *const[]){"DESTROYED", NULL}, "DESTROYED", false},
	{"batch-certificate", CERT_BATCH,
	 (const char *const[]){"COMPLETE", "INCOMPLETE", NULL}, "COMPLETE", false},
};

static int read_document(struct pj_reader *r, json_object *root, struct cert *c,
			 const struct document_kind **kind)
{
	json_object *version;
	char document[32];
	int rc = Kesu_pj_member(r, root, "", "kesu_certificate", json_type_int, true, &version);
	if (rc)
		return rc;
	int64_t v = json_object_get_int64(version);
	if (v < 1 || v > 4)
		return Kesu_pj_fail(r, _("kesu_certificate: version %lld is not supported (only 1 to 4)"),
				    (long long)v);
	c->version = (int)v;
	rc = Kesu_pj_text(r, root, "", "document", true, document, sizeof(document)) ?:
	     Kesu_pj_text(r, root, "", "outcome", true, c->outcome, sizeof(c->outcome));
	if (rc)
		return rc;
	*kind = NULL;
	for (size_t i = 0; i < sizeof(document_kinds) / sizeof(document_kinds[0]); i++)
		if (strcmp(document, document_kinds[i].document) == 0)
			*kind = &document_kinds[i];
	if (!*kind)
		return Kesu_pj_fail(r, _("document: unknown value \"%s\""), document);
	if ((*kind)->kind != CERT_WIPE && c->version < 3)
		return Kesu_pj_fail(r, _("document \"%s\" needs kesu_certificate 3"), document);
	static const char *const outcomes[] = {"SUCCESS", "UNVERIFIED", "FAILED", "INTERRUPTED",
					       "ERASED_WITH_EXCEPTIONS", "DESTROYED", "COMPLETE",
					       "INCOMPLETE", NULL};
	char scratch[1];
	struct pj_reader quiet = {scratch, 0};
	if (Kesu_pj_one_of(r, "outcome", c->outcome, outcomes))
		return -KESU_EPARSE;
	if (Kesu_pj_one_of(&quiet, "outcome", c->outcome, (*kind)->outcomes))
		return Kesu_pj_fail(r, _("document \"%s\" does not go with outcome %s"), document,
				    c->outcome);
	c->kind = (*kind)->kind;
	c->with_exceptions = strcmp(c->outcome, "ERASED_WITH_EXCEPTIONS") == 0;
	if (c->with_exceptions && c->version < 3)
		return Kesu_pj_fail(r, _("outcome ERASED_WITH_EXCEPTIONS needs kesu_certificate 3"));
	/* erased with exceptions: drawn as a certificate that states what
	 * remains, though it is not one that certifies (kesu_cert_certifies) */
	c->failure = !c->with_exceptions &&
		     (!(*kind)->certifies || strcmp(c->outcome, (*kind)->certifies) != 0);
	return 0;
}

static int read_root(struct pj_reader *r, json_object *root, struct cert *c)
{
	const struct document_kind *kind = NULL;
	if (!json_object_is_type(root, json_type_object))
		return Kesu_pj_fail(r, _("not a JSON object"));
	int rc = read_document(r, root, c, &kind) ?:
	     Kesu_pj_text(r, root, "", "certificate_id", true, c->id, sizeof(c->id)) ?:
	     Kesu_pj_text(r, root, "", "issued_utc", true, c->issued_utc, sizeof(c->issued_utc)) ?:
	     Kesu_pj_text(r, root, "", "issued_local", false, c->issued_local,
		      sizeof(c->issued_local)) ?:
	     Kesu_pj_text(r, root, "", "reason", false, c->reason, sizeof(c->reason)) ?:
	     Kesu_pj_text(r, root, "", "reason_ja", false, c->reason_ja, sizeof(c->reason_ja)) ?:
	     Kesu_pj_text(r, root, "", "classification", false, c->classification,
		      sizeof(c->classification)) ?:
	     Kesu_pj_one_of(r, "classification", c->classification, kesu_vocab_ids(KESU_VOCAB_CLASS)) ?:
	     Kesu_pj_text(r, root, "", "purpose", false, c->purpose, sizeof(c->purpose)) ?:
	     Kesu_pj_one_of(r, "purpose", c->purpose, kesu_vocab_ids(KESU_VOCAB_PURPOSE));
	if (rc)
		return rc;
	if (!Kesu_certificate_id_valid(c->id, true))
		return Kesu_pj_fail(r, _("certificate_id: \"%s\" is not KESU-YYYYMMDD-XXXXXXXX"), c->id);
	c->offset_known = Kesu_fmt_offset(c->issued_local, &c->offset_min) == 0;
	rc = read_parties(r, root, c) ?: read_approval(r, root, c) ?: read_station(r, root, c);
	if (rc == 0 && c->kind != CERT_BATCH)
		rc = read_media(r, root, c) ?: read_host(r, root, c);
	if (rc == 0 && kind->wipe_parts)
		rc = read_sanitization(r, root, c) ?: read_verification(r, root, c) ?:
		     read_exceptions(r, root, c);
	if (rc == 0)
		rc = Kesu_cert_read_details(r, root, c);
	if (rc == 0 && c->kind == CERT_DESTRUCTION)
		rc = Kesu_cert_read_destruction(r, root, c);
	if (rc == 0 && c->kind == CERT_BATCH)
		rc = Kesu_cert_read_batch(r, root, c);
	/* a certificate never covers a sector that was not written */
	if (rc == 0 && c->kind == CERT_WIPE && !c->failure && c->unwritten_sectors > 0)
		return Kesu_pj_fail(r, _("a certificate with %lld unwritten sectors"), c->unwritten_sectors);
	return rc;
}

int Kesu_cert_parse(const char *payload, size_t len, struct cert *c, char *err, size_t errsize)
{
	struct pj_reader r = {err, errsize};
	memset(c, 0, sizeof(*c));
	if (len > KESU_PDF_PAYLOAD_MAX)
		return Kesu_pj_fail(&r, _("larger than %u bytes"), KESU_PDF_PAYLOAD_MAX);
	if (memchr(payload, '\0', len))
		return Kesu_pj_fail(&r, _("contains a NUL byte"));
	json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
	if (!tok)
		return -ENOMEM;
	json_object *root = json_tokener_parse_ex(tok, payload, (int)len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	int rc;
	if (jerr != json_tokener_success)
		rc = Kesu_pj_fail(&r, _("not valid JSON (%s)"),
			  jerr == json_tokener_continue ? "unexpected end of data"
							: json_tokener_error_desc(jerr));
	else if (end != len)
		rc = Kesu_pj_fail(&r, _("bytes after the JSON value"));
	else if (!root)
		rc = Kesu_pj_fail(&r, _("not a JSON object"));
	else
		rc = read_root(&r, root, c);
	json_object_put(root);
	if (rc == 0) {
		unsigned char hash[32];
		crypto_generichash(hash, sizeof(hash), (const unsigned char *)payload, len, NULL, 0);
		sodium_bin2hex(c->payload_hash, sizeof(c->payload_hash), hash, sizeof(hash));
	} else {
		Kesu_cert_free(c);
	}
	return rc;
}

void Kesu_cert_free(struct cert *c)
{
	Kesu_cert_destruction_free(c->destruction);
	Kesu_cert_batch_free(c->batch);
	Kesu_cert_details_free(c->details);
	c->details = NULL;
	c->destruction = NULL;
	c->batch = NULL;
	free(c->passes);
	c->passes = NULL;
	c->npasses = 0;
}

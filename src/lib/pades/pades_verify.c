/* Checking every PDF signature of a file from the file alone: each byte
 * range covers the file up to its revision but the signature itself, each
 * CMS signature (or timestamp token) holds over those bytes and chains to
 * a trust anchor, only signatures and timestamps follow the first
 * signature, and nothing follows the last. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cms.h"
#include "kesu/error.h"
#include "pades_pdf.h"
#include "../i18n.h"

/* A revision ends just after "%%EOF" and its end of line. */
static bool ends_revision(const unsigned char *buf, size_t end)
{
	size_t k = end;
	while (k > 0 && (buf[k - 1] == '\n' || buf[k - 1] == '\r') && end - k < 2)
		k--;
	return k >= 5 && memcmp(buf + k - 5, "%%EOF", 5) == 0;
}

static void range_digest(const unsigned char *buf, const long long r[4], unsigned char d[32])
{
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, buf, (size_t)r[1]);
	crypto_hash_sha256_update(&st, buf + r[2], (size_t)r[3]);
	crypto_hash_sha256_final(&st, d);
}

/* An anchor trusted for one role vouches only for that role's box; an
 * organisation's CA ("" or "organisation") for every box; a station's
 * certificate for the operator's box. */
static bool role_allowed(const char *anchor_role, const char *role)
{
	if (!anchor_role[0] || !strcmp(anchor_role, "organisation") || !role[0] ||
	    !strcmp(anchor_role, role))
		return true;
	return !strcmp(role, "operator") &&
	       (!strcmp(anchor_role, "station") || !strcmp(anchor_role, "contractor"));
}

static void check_one(const unsigned char *buf, size_t len, const struct pades_found *f,
		      const struct kesu_x509_anchors *anchors, time_t now,
		      struct kesu_pades_signature *s)
{
	snprintf(s->field, sizeof(s->field), "%s", f->field);
	Kesu_pades_field_role(f->field, s->role, sizeof(s->role));
	s->doc_timestamp = f->doc_timestamp;
	snprintf(s->claimed_time, sizeof(s->claimed_time), "%s", f->claimed);
	if (f->range[0] != 0 || !f->contents) {
		snprintf(s->msg, sizeof(s->msg), _("its byte range is malformed"));
		return;
	}
	s->revision_end = (size_t)(f->range[2] + f->range[3]);
	s->range_ok = ends_revision(buf, s->revision_end);
	if (!s->range_ok) {
		snprintf(s->msg, sizeof(s->msg), _("its byte range does not end at a revision's end"));
		return;
	}
	(void)len;
	unsigned char digest[32];
	range_digest(buf, f->range, digest);
	struct kesu_cms_check c;
	memset(&c, 0, sizeof(c));
	int rc = f->doc_timestamp
			 ? Kesu_cms_verify_timestamp(f->contents, f->contents_len, digest, anchors, now, &c)
			 : Kesu_cms_verify(f->contents, f->contents_len, digest, anchors, now, &c);
	s->digest_ok = c.digest_ok;
	s->signature_ok = c.signature_ok;
	s->chain_ok = c.chain_ok;
	s->has_timestamp = c.has_timestamp;
	s->timestamp_ok = c.timestamp_ok;
	s->signer = c.signer;
	s->tsa = c.tsa;
	snprintf(s->anchor_name, sizeof(s->anchor_name), "%s", c.anchor_name);
	snprintf(s->anchor_role, sizeof(s->anchor_role), "%s", c.anchor_role);
	snprintf(s->timestamp_utc, sizeof(s->timestamp_utc), "%s", c.timestamp_utc);
	s->role_ok = f->doc_timestamp || !c.chain_ok || role_allowed(c.anchor_role, s->role);
	if (rc) {
		snprintf(s->msg, sizeof(s->msg), "%s", c.msg[0] ? c.msg : "the signature does not hold");
		return;
	}
	if (!s->role_ok) {
		snprintf(s->msg, sizeof(s->msg), _("signed in the %s box, but %s is trusted as %s only"),
			 s->role, c.anchor_name, c.anchor_role);
		return;
	}
	s->ok = true;
}

/* Every revision after the first signed one adds only signatures, and the
 * last signature covers the whole file. */
static void check_updates(const unsigned char *buf, size_t len, struct kesu_pades_report *rep,
			  const bool *visible)
{
	struct pades_seal seals[KESU_PADES_ROLES];
	size_t first = rep->first_revision_end, nseals = 0, prev = first;
	nseals = Kesu_pades_seal_boxes(buf, first, seals);
	rep->updates_ok = true;
	for (size_t i = 1; i < rep->count; i++) {
		size_t end = rep->sig[i].revision_end;
		if (!rep->sig[i].range_ok || end <= prev)
			continue;
		/* a box an earlier signature shows in takes no other */
		for (size_t k = 0; k < nseals; k++)
			for (size_t j = 0; j < i; j++)
				if (visible[j] && !strcmp(rep->sig[j].role, seals[k].role))
					seals[k].taken = true;
		if (Kesu_pades_update_allowed(buf, prev, end, seals, nseals, rep->updates_msg,
					      sizeof(rep->updates_msg))) {
			rep->updates_ok = false;
			return;
		}
		prev = end;
	}
	if (prev != len) {
		rep->updates_ok = false;
		snprintf(rep->updates_msg, sizeof(rep->updates_msg),
			 _("%zu bytes were appended after the last signature: the file was modified "
			 "after signing"),
			 len - prev);
	}
}

int kesu_pades_verify(const unsigned char *pdf, size_t len,
		      const struct kesu_x509_anchors *anchors, time_t now,
		      struct kesu_pades_report *rep, char *err, size_t errsize)
{
	struct pades_found found[KESU_PADES_SIGS_MAX];
	size_t n = 0;
	memset(rep, 0, sizeof(*rep));
	int rc = Kesu_pades_find(pdf, len, found, KESU_PADES_SIGS_MAX, &n, err, errsize);
	if (rc)
		return rc;
	if (n > KESU_PADES_SIGS_MAX) {
		Kesu_pades_found_free(found, KESU_PADES_SIGS_MAX);
		snprintf(err, errsize, _("%zu signatures: more than %d"), n, KESU_PADES_SIGS_MAX);
		return -KESU_EPARSE;
	}
	rep->count = n;
	bool all = n > 0;
	bool visible[KESU_PADES_SIGS_MAX];
	for (size_t i = 0; i < n; i++) {
		check_one(pdf, len, &found[i], anchors, now, &rep->sig[i]);
		visible[i] = found[i].rect[2] > found[i].rect[0] && found[i].rect[3] > found[i].rect[1];
		all = all && rep->sig[i].ok;
	}
	Kesu_pades_found_free(found, n);
	if (n == 0) {
		snprintf(rep->updates_msg, sizeof(rep->updates_msg), _("the PDF has no signature"));
		return -KESU_EVERIFY;
	}
	if (rep->sig[0].range_ok) {
		rep->first_revision_end = rep->sig[0].revision_end;
		check_updates(pdf, len, rep, visible);
	} else {
		snprintf(rep->updates_msg, sizeof(rep->updates_msg),
			 _("the first signature's byte range is broken: no revision can be trusted"));
	}
	rep->ok = all && rep->updates_ok;
	return rep->ok ? 0 : -KESU_EVERIFY;
}

/* Checking a certificate: its PDF signatures (kesu/pades.h), the embedded
 * payload's Ed25519 signature, that the page shows that payload
 * (cert_page.c), PDF.sig when there is one, and the ledger. Each check is
 * reported; the verdict weighs them (docs/certificate.md). */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert_internal.h"
#include "i18n.h"
#include "kesu/cert.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/paths.h"
#include "json_members.h"
#include "kesu/pdf.h"
#include "pdf_parse.h"
#include "i18n.h"

/* PDF.sig, when it is there: over the whole file, or over the file as it
 * was when one of its signatures was made (the certificate as issued,
 * before a witness signed it). */
static void check_file(const char *pdf_path, const struct kesu_public_key *pk,
		       const unsigned char *pdf, size_t pdf_len, struct kesu_cert_check *c)
{
	char sig_path[KESU_PATH_MAX], *sig = NULL;
	size_t sig_len;
	snprintf(sig_path, sizeof(sig_path), "%s.sig", pdf_path);
	int rc = kesu_file_read_bounded(sig_path, KESU_PDF_SIG_MAX, 0, &sig, &sig_len, c->file_msg,
					sizeof(c->file_msg));
	c->file_checked = rc != -ENOENT;
	if (rc == -ENOENT)
		snprintf(c->file_msg, sizeof(c->file_msg), _("%.480s is absent"), sig_path);
	if (rc < 0)
		return;
	char why[400];
	if (!pk) {
		snprintf(c->file_msg, sizeof(c->file_msg), _("no station key to check %.400s with"),
			 sig_path);
		free(sig);
		return;
	}
	rc = kesu_verify_detached(pk, pdf, pdf_len, sig, sig_len, why, sizeof(why));
	c->file_ok = rc == 0;
	if (rc == 0)
		snprintf(c->file_msg, sizeof(c->file_msg), _("the PDF file is exactly as signed"));
	for (size_t i = 0; !c->file_ok && i < c->pades.count; i++) {
		size_t end = c->pades.sig[i].revision_end;
		if (c->pades.sig[i].range_ok && end < pdf_len &&
		    kesu_verify_detached(pk, pdf, end, sig, sig_len, NULL, 0) == 0) {
			c->file_ok = true;
			snprintf(c->file_msg, sizeof(c->file_msg),
				 _("it covers the file as issued (the first %zu bytes); what follows "
				 "is checked as PDF signatures"), end);
		}
	}
	if (!c->file_ok)
		snprintf(c->file_msg, sizeof(c->file_msg), "%s", why);
	free(sig);
}

static void check_ledger(struct kesu_ledger *ledger, const struct kesu_public_key *pk,
			 struct json_object *doc, struct kesu_cert_check *c)
{
	c->ledger_checked = true;
	struct json_object *lref = Kesu_json_member(doc, "ledger");
	const char *job_id = json_object_get_string(Kesu_json_member(lref, "job_id"));
	const char *hash = json_object_get_string(Kesu_json_member(lref, "record_hash"));
	int64_t seq = json_object_get_int64(Kesu_json_member(lref, "seq"));
	char *record = NULL, stored_hash[65], err[KESU_ERRMSG_MAX];
	uint64_t stored_seq = 0;
	/* The ledger's record as it is now: its hash recomputed from the text and
	 * its signature checked, never the stored hash column taken on trust. */
	int rc = job_id ? kesu_ledger_lookup_checked(ledger, job_id, pk, &record, &stored_seq, stored_hash,
						     err, sizeof(err))
			: 0;
	if (rc < 0)
		snprintf(c->ledger_msg, sizeof(c->ledger_msg), "%s", err);
	else if (rc == 0)
		snprintf(c->ledger_msg, sizeof(c->ledger_msg), _("the ledger holds no finished record for job %s"),
			 job_id ? job_id : "(none named)");
	else if (!hash || strcmp(hash, stored_hash) != 0 || (uint64_t)seq != stored_seq)
		snprintf(c->ledger_msg, sizeof(c->ledger_msg),
			 _("the ledger's record %llu of job %s has another hash than the certificate names"),
			 (unsigned long long)stored_seq, job_id);
	else {
		c->ledger_ok = true;
		snprintf(c->ledger_msg, sizeof(c->ledger_msg), _("ledger record %llu holds the same job (hash %.16s...)"),
			 (unsigned long long)stored_seq, stored_hash);
	}
	free(record);
}

static bool signatures_intact(const struct kesu_cert_check *c);

/* A PDF signature that failed for want of a trust anchor proves nothing
 * either way: unchecked, not invalid. */
static bool only_untrusted(const struct kesu_cert_check *c)
{
	if (c->anchors_given || !signatures_intact(c))
		return false;
	for (size_t i = 0; i < c->pades.count; i++)
		if (!c->pades.sig[i].ok && c->pades.sig[i].chain_ok)
			return false;
	return true;
}

/* Integrity first (a failed check outweighs everything), then the
 * outcome, then what could not be checked. */
static enum kesu_cert_verdict verdict(const struct kesu_cert_check *c)
{
	bool pades_failed = c->pdf_signed && (!c->pades.ok || !c->station_first) &&
			    !(c->station_first && only_untrusted(c));
	if ((c->file_checked && !c->file_ok) || !c->payload_ok ||
	    (c->ledger_checked && !c->ledger_ok) || pades_failed ||
	    (c->page_checked && !c->page_ok))
		return KESU_CERT_INVALID;
	if (!c->success)
		return KESU_CERT_NOT_CERTIFICATE;
	if (!c->pdf_signed)
		return c->file_checked ? KESU_CERT_VALID : KESU_CERT_UNCHECKED;
	return c->pades.ok && c->page_checked ? KESU_CERT_VALID : KESU_CERT_UNCHECKED;
}

static void read_facts(struct json_object *doc, struct kesu_cert_check *c)
{
	snprintf(c->certificate_id, sizeof(c->certificate_id), "%s",
		 json_object_get_string(Kesu_json_member(doc, "certificate_id")) ?: "");
	snprintf(c->document, sizeof(c->document), "%s",
		 json_object_get_string(Kesu_json_member(doc, "document")) ?: "");
	snprintf(c->outcome, sizeof(c->outcome), "%s",
		 json_object_get_string(Kesu_json_member(doc, "outcome")) ?: "");
	c->success = kesu_cert_certifies(c->document, c->outcome);
}

/* The one outcome each kind of document certifies; any other is a report
 * (docs/certificate.md). The renderer's table (pdf_payload.c) agrees. */
bool kesu_cert_certifies(const char *document, const char *outcome)
{
	static const struct {
		const char *document, *outcome;
	} certifies[] = {
		{"certificate", "SUCCESS"},
		{"destruction-certificate", "DESTROYED"},
		{"batch-certificate", "COMPLETE"},
	};
	for (size_t i = 0; i < sizeof(certifies) / sizeof(certifies[0]); i++)
		if (!strcmp(document, certifies[i].document))
			return !strcmp(outcome, certifies[i].outcome);
	return false;
}

static int read_parts(const unsigned char *pdf, size_t len, struct cert_parts *p, char *why,
		      size_t size)
{
	memset(p, 0, sizeof(*p));
	int rc = Kesu_pdf_read_memory(pdf, len, &p->payload, &p->payload_len, &p->sig, &p->sig_len,
				      why, size);
	if (rc == 0) {
		char err[200];
		int k = kesu_pdf_read_attachment(pdf, len, KESU_PDF_STATION_PUB_NAME, KESU_PDF_SIG_MAX,
						 &p->station_pub, &p->station_pub_len, err,
						 sizeof(err));
		if (k != 0 && k != -ENOENT) {
			snprintf(why, size, "%s", err);
			rc = k;
		}
	}
	return rc;
}

static void free_parts(struct cert_parts *p)
{
	free(p->payload);
	free(p->sig);
	free(p->station_pub);
}

/* The key the payload is checked with: the one given, else the one the
 * certificate carries (trusted as far as the station's PDF signature). */
static bool payload_key(const struct kesu_cert_trust *t, const struct cert_parts *p,
			struct kesu_public_key *pk, struct kesu_cert_check *c)
{
	char err[300];
	if (t->station) {
		*pk = *t->station;
	} else if (!p->station_pub && t->fallback) {
		*pk = *t->fallback;
	} else if (!p->station_pub || kesu_key_parse_public(p->station_pub, p->station_pub_len,
							    KESU_PDF_STATION_PUB_NAME, pk, err,
							    sizeof(err)) != 0) {
		snprintf(c->payload_msg, sizeof(c->payload_msg),
			 _("no station key to check the payload with: the certificate carries none"));
		return false;
	}
	kesu_key_fingerprint(pk, c->payload_key, sizeof(c->payload_key));
	return true;
}

/* Every signature's bytes, digest and CMS hold, and only allowed updates
 * follow (whether the signers are trusted aside). */
static bool signatures_intact(const struct kesu_cert_check *c)
{
	if (!c->pades.updates_ok)
		return false;
	for (size_t i = 0; i < c->pades.count; i++) {
		const struct kesu_pades_signature *s = &c->pades.sig[i];
		if (!s->range_ok || !s->digest_ok || !s->signature_ok)
			return false;
	}
	return true;
}

static void check_payload(const struct kesu_cert_trust *t, const unsigned char *pdf,
			  const struct cert_parts *p, struct kesu_public_key *pk, bool have_key,
			  struct kesu_cert_check *c)
{
	char why[400];
	if (!have_key)
		return;
	int rc = kesu_verify_detached(pk, p->payload, p->payload_len, p->sig, p->sig_len, why,
				      sizeof(why));
	c->payload_ok = rc == 0;
	snprintf(c->payload_msg, sizeof(c->payload_msg), "%s",
		 rc == 0 ? (p->station_pub && !t->station
				    ? _("the embedded payload is signed by the station key the "
					"certificate carries")
				    : _("the embedded payload is signed by the station key"))
			 : why);
	struct json_object *doc = c->payload_ok ? json_tokener_parse(p->payload) : NULL;
	if (doc) {
		read_facts(doc, c);
		if (t->ledger)
			check_ledger(t->ledger, pk, doc, c);
	} else if (c->payload_ok) {
		c->payload_ok = false;
		snprintf(c->payload_msg, sizeof(c->payload_msg), _("the signed payload is not JSON"));
	}
	json_object_put(doc);
	if (c->pdf_signed && c->payload_ok && !signatures_intact(c)) {
		/* INVALID already: rendering the page again (the slowest check)
		 * would change nothing */
		snprintf(c->page_msg, sizeof(c->page_msg),
			 _("not checked: a PDF signature or what follows it already fails"));
	} else if (c->pdf_signed && c->payload_ok) {
		size_t page_end = 0;
		int pr = Kesu_cert_check_page(pdf, c->pades.first_revision_end, p, &page_end,
					      c->page_msg, sizeof(c->page_msg));
		c->page_checked = pr != -ENOTSUP;
		c->page_ok = pr == 0;
	}
}

static void check_pades(const unsigned char *pdf, size_t len, const struct kesu_cert_trust *t,
			struct kesu_cert_check *c)
{
	char err[300];
	c->anchors_given = t->anchors && kesu_x509_anchors_count(t->anchors) > 0;
	int rc = kesu_pades_verify(pdf, len, c->anchors_given ? t->anchors : NULL, time(NULL),
				   &c->pades, err, sizeof(err));
	c->pdf_signed = c->pades.count > 0;
	if (rc == -KESU_EPARSE)
		snprintf(c->pades.updates_msg, sizeof(c->pades.updates_msg), "%s", err);
	c->station_first = c->pdf_signed && !strcmp(c->pades.sig[0].role, "operator") &&
			   !c->pades.sig[0].doc_timestamp;
}

int kesu_cert_verify_with(const char *pdf_path, const struct kesu_cert_trust *trust,
			  struct kesu_cert_check *c)
{
	memset(c, 0, sizeof(*c));
	c->verdict = KESU_CERT_INVALID;
	char *buf = NULL, why[400];
	size_t len;
	int rc = kesu_file_read_bounded(pdf_path, KESU_PDF_FILE_MAX, 0, &buf, &len, c->file_msg,
					sizeof(c->file_msg));
	if (rc < 0)
		return rc;
	const unsigned char *pdf = (const unsigned char *)buf;
	check_pades(pdf, len, trust, c);
	/* the payload as the first signature covers it, not as later updates say */
	size_t first = c->pdf_signed && c->pades.first_revision_end ? c->pades.first_revision_end
								     : len;
	struct cert_parts parts;
	struct kesu_public_key pk;
	rc = read_parts(pdf, first, &parts, why, sizeof(why));
	bool have_key = rc == 0 && payload_key(trust, &parts, &pk, c);
	check_file(pdf_path, have_key ? &pk : trust->station ? trust->station : trust->fallback,
		   pdf, len, c);
	if (rc < 0)
		snprintf(c->payload_msg, sizeof(c->payload_msg), "%s", why);
	else
		check_payload(trust, pdf, &parts, &pk, have_key, c);
	free_parts(&parts);
	free(buf);
	c->verdict = verdict(c);
	return c->verdict == KESU_CERT_VALID ? 0 : -KESU_EVERIFY;
}

const char *kesu_cert_check_reason(const struct kesu_cert_check *c)
{
	if (c->pdf_signed && !c->pades.updates_ok)
		return c->pades.updates_msg;
	for (size_t i = 0; c->pdf_signed && i < c->pades.count; i++)
		if (!c->pades.sig[i].ok && c->pades.sig[i].msg[0] &&
		    (c->anchors_given || !c->pades.sig[i].signature_ok))
			return c->pades.sig[i].msg;
	if (c->pdf_signed && !c->station_first)
		return _("the first PDF signature is not the station's");
	if (c->page_checked && !c->page_ok)
		return c->page_msg;
	if (c->file_checked && !c->file_ok)
		return c->file_msg;
	if (!c->payload_ok)
		return c->payload_msg;
	if (c->ledger_checked && !c->ledger_ok)
		return c->ledger_msg;
	return "";
}

int kesu_cert_verify(const char *pdf_path, const struct kesu_public_key *pk,
		     struct kesu_ledger *ledger, struct kesu_cert_check *c)
{
	struct kesu_cert_trust t = {pk, NULL, ledger, NULL};
	return kesu_cert_verify_with(pdf_path, &t, c);
}

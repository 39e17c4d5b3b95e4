/* kesu cert import: a contractor's certificate checked against the city's
 * trust store and approvals, then recorded. Every check runs before the
 * ledger is written; a refused certificate leaves no record. */
#include <errno.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "json_members.h"
#include "kesu/cert.h"
#include "kesu/cert_import.h"
#include "kesu/pdf.h"
#include "kesu/record.h"
#include "i18n.h"

static const char *const refusal_names[] = {
	[KESU_IMPORT_OK] = "ok",
	[KESU_IMPORT_UNREADABLE] = "unreadable",
	[KESU_IMPORT_UNKNOWN_KEY] = "unknown-key",
	[KESU_IMPORT_INVALID] = "invalid",
	[KESU_IMPORT_NOT_SUCCESS] = "not-success",
	[KESU_IMPORT_NO_APPROVAL] = "no-approval",
	[KESU_IMPORT_NOT_LISTED] = "not-listed",
	[KESU_IMPORT_DUPLICATE] = "duplicate",
};

const char *kesu_import_refusal_name(enum kesu_import_refusal r)
{
	return (unsigned)r <= KESU_IMPORT_DUPLICATE ? refusal_names[r] : "?";
}

__attribute__((format(printf, 3, 4)))
static int refuse(struct kesu_import_result *res, enum kesu_import_refusal r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(res->detail, sizeof(res->detail), fmt, ap);
	va_end(ap);
	res->refusal = r;
	return -KESU_EREFUSED;
}

/* The payload and who signed it: a trusted contractor, and the PDF intact. */
static int check_signer(const struct kesu_trust *trust, const char *pdf, struct json_object **doc,
			char payload_hash[72], struct kesu_import_result *res)
{
	char *payload = NULL, *sig = NULL, err[KESU_ERRMSG_MAX];
	size_t len = 0, sig_len = 0;
	if (kesu_pdf_read_payload(pdf, &payload, &len, &sig, &sig_len, err, sizeof(err)) < 0)
		return refuse(res, KESU_IMPORT_UNREADABLE, "%s: %s", pdf, err);
	const struct kesu_trust_entry *who = NULL;
	int rc = kesu_trust_verify(trust, KESU_ROLE_CONTRACTOR, payload, len, sig, sig_len, &who, err,
				   sizeof(err));
	uint8_t h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const uint8_t *)payload, len);
	memcpy(payload_hash, "sha256:", 7);
	sodium_bin2hex(payload_hash + 7, 65, h, sizeof(h));
	*doc = rc == 0 ? json_tokener_parse(payload) : NULL;
	free(payload);
	free(sig);
	if (rc == -KESU_EVERIFY && strstr(err, "not a trusted"))
		return refuse(res, KESU_IMPORT_UNKNOWN_KEY, "%s: %s", pdf, err);
	if (rc < 0)
		return refuse(res, KESU_IMPORT_INVALID, "%s: %s", pdf, err);
	snprintf(res->contractor, sizeof(res->contractor), "%s", who->name);
	/* The whole check, PDF.sig included, with the key now known. */
	struct kesu_cert_check check; /* ~70 KiB: called from the main thread only */
	kesu_cert_verify(pdf, &who->key, NULL, &check);
	if (check.verdict == KESU_CERT_INVALID)
		return refuse(res, KESU_IMPORT_INVALID, "%s: %s", pdf, kesu_cert_check_reason(&check));
	/* a medium's erasure certificate only: a batch lists certificates (import
	 * those), a contractor's destruction is recorded with kesu destroy */
	if (!strcmp(check.document, "batch-certificate"))
		return refuse(res, KESU_IMPORT_NOT_SUCCESS, _("%s: a batch certificate (一括消去証明書), "
			      "not one medium's: import the certificates it lists"), pdf);
	if (!strcmp(check.document, "destruction-certificate"))
		return refuse(res, KESU_IMPORT_NOT_SUCCESS, _("%s: a destruction certificate "
			      "(物理破壊証明書): only erasure certificates are imported; record the "
			      "contractor's destruction as a destruction with the contractor named"), pdf);
	if (!check.success)
		return refuse(res, KESU_IMPORT_NOT_SUCCESS, _("%s: a %s (%s), not a SUCCESS certificate"),
			      pdf, check.document, check.outcome);
	snprintf(res->certificate_id, sizeof(res->certificate_id), "%s", check.certificate_id);
	return *doc ? 0 : -ENOMEM;
}

/* The approval the certificate names, one of the city's, with this medium. */
static int check_approval(struct json_object *doc, struct kesu_approval *const *approvals, size_t n,
			  const char *pdf, const struct kesu_approval **out,
			  struct kesu_import_result *res)
{
	struct json_object *ap = Kesu_json_member(doc, "approval"), *media = Kesu_json_member(doc, "media");
	if (!ap || !json_object_is_type(ap, json_type_object))
		return refuse(res, KESU_IMPORT_NO_APPROVAL, _("%s: the certificate names no approval"), pdf);
	const char *number = Kesu_json_text(ap, "number"), *hash = Kesu_json_text(ap, "hash");
	snprintf(res->approval_number, sizeof(res->approval_number), "%s", number);
	const struct kesu_approval *a = NULL;
	for (size_t i = 0; i < n && !a; i++)
		if (!strcmp(approvals[i]->number, number) && !strcmp(approvals[i]->hash, hash))
			a = approvals[i];
	if (!a)
		return refuse(res, KESU_IMPORT_NO_APPROVAL,
			      _("%s: approval %s (%s) is not one of the approvals given"), pdf, number, hash);
	int64_t entry = json_object_get_int64(Kesu_json_member(ap, "entry"));
	struct json_object *size = Kesu_json_member(media, "size_bytes");
	const struct kesu_approval_medium *m =
		kesu_approval_find(a, Kesu_json_text(media, "serial"),
				   size ? (uint64_t)json_object_get_int64(size) : 0,
				   Kesu_json_text(media, "asset_number"));
	if (!m || (int64_t)m->entry != entry)
		return refuse(res, KESU_IMPORT_NOT_LISTED,
			      _("%s: the medium (serial \"%s\", asset \"%s\") is not entry %lld of approval %s"),
			      pdf, Kesu_json_text(media, "serial"), Kesu_json_text(media, "asset_number"),
			      (long long)entry, number);
	res->entry = m->entry;
	*out = a;
	return 0;
}

struct dup_walk {
	const char *certificate_id;
	unsigned entry;
	uint64_t seq;
};

static int find_duplicate(uint64_t seq, const char *record, void *ctx)
{
	struct dup_walk *w = ctx;
	struct json_object *doc = json_tokener_parse(record);
	struct json_object *cert = Kesu_json_member(doc, "certificate");
	struct json_object *entry = Kesu_json_member(Kesu_json_member(doc, "approval"), "entry");
	bool same = doc && !strcmp(Kesu_json_text(doc, "kind"), "received-certificate") &&
		    (!strcmp(Kesu_json_text(cert, "id"), w->certificate_id) ||
		     json_object_get_int64(entry) == (int64_t)w->entry);
	json_object_put(doc);
	if (same)
		w->seq = seq;
	return same;
}

static char *received_record(const char *id, struct json_object *doc, const char *approval_json,
			     const char *payload_hash, const struct kesu_import_result *res,
			     const char *operator_name, time_t now, size_t *len)
{
	struct json_object *r = json_object_new_object(), *cert = json_object_new_object();
	struct json_object *contractor = json_object_new_object();
	char when[32];
	kesu_time_utc(now, when);
	json_object_object_add(r, "kesu_record", json_object_new_int(1));
	json_object_object_add(r, "kind", json_object_new_string("received-certificate"));
	json_object_object_add(r, "job_id", json_object_new_string(id));
	json_object_object_add(r, "approval", json_tokener_parse(approval_json));
	json_object_object_add(cert, "id", json_object_new_string(res->certificate_id));
	json_object_object_add(cert, "payload_hash", json_object_new_string(payload_hash));
	struct json_object *san = Kesu_json_member(doc, "sanitization");
	json_object_object_add(cert, "ended_utc", json_object_get(Kesu_json_member(san, "ended_utc")));
	json_object_object_add(r, "certificate", cert);
	json_object_object_add(contractor, "name", json_object_new_string(res->contractor));
	struct json_object *station = Kesu_json_member(doc, "station");
	json_object_object_add(contractor, "key_fingerprint",
			       json_object_get(Kesu_json_member(station, "key_fingerprint")));
	json_object_object_add(r, "contractor", contractor);
	json_object_object_add(r, "operator", json_object_get(Kesu_json_member(doc, "operator")));
	json_object_object_add(r, "station", json_object_get(Kesu_json_member(doc, "station")));
	json_object_object_add(r, "media", json_object_get(Kesu_json_member(doc, "media")));
	json_object_object_add(r, "outcome", json_object_new_string("SUCCESS"));
	json_object_object_add(r, "ended_utc", json_object_new_string(when));
	json_object_object_add(r, "received_by", json_object_new_string(operator_name));
	char *out = Kesu_json_canonical(r, len);
	json_object_put(r);
	return out;
}

/* Refuses a second receipt of the certificate or the entry, else appends
 * the record, on the ledger as it stood at its last record: -EAGAIN when
 * another process added one in between (judge again). */
static int record_once(struct kesu_ledger *l, const struct kesu_secret_key *sk,
		       const struct kesu_approval *a, struct json_object *doc,
		       const char *payload_hash, const char *pdf_path, const char *operator_name,
		       time_t now, struct kesu_import_result *res)
{
	uint64_t head = 0;
	struct dup_walk dup = {res->certificate_id, res->entry, 0};
	int rc = kesu_ledger_head_seq(l, &head, res->detail, sizeof(res->detail));
	if (rc == 0)
		rc = kesu_ledger_approval_records(l, a->number, find_duplicate, &dup, res->detail,
						  sizeof(res->detail));
	if (rc == 1)
		return refuse(res, KESU_IMPORT_DUPLICATE,
			      _("%s: certificate %s (approval %s entry %u) is already received: ledger record %llu"),
			      pdf_path, res->certificate_id, a->number, res->entry,
			      (unsigned long long)dup.seq);
	if (rc < 0)
		return rc;
	const struct kesu_approval_medium *m = NULL;
	for (size_t i = 0; i < a->n_media && !m; i++)
		if (a->media[i].entry == res->entry)
			m = &a->media[i];
	char *approval_json = kesu_approval_record_json(a, m);
	size_t len;
	kesu_ledger_new_id(res->record_id);
	char *record = approval_json ? received_record(res->record_id, doc, approval_json, payload_hash,
						       res, operator_name, now, &len) : NULL;
	char subject[KESU_APPROVAL_NUMBER_SIZE + 16], hash[65];
	snprintf(subject, sizeof(subject), "approval:%s", a->number);
	rc = record ? kesu_ledger_append_at(l, head, subject, "received-certificate", record, len, sk,
					    res->record_id, &res->seq, hash, res->detail,
					    sizeof(res->detail)) : -ENOMEM;
	free(record);
	free(approval_json);
	return rc;
}

int kesu_cert_import(struct kesu_ledger *l, const struct kesu_secret_key *sk,
		     const struct kesu_trust *trust, struct kesu_approval *const *approvals,
		     size_t n_approvals, const char *pdf_path, const char *operator_name,
		     time_t now, struct kesu_import_result *res)
{
	memset(res, 0, sizeof(*res));
	struct json_object *doc = NULL;
	char payload_hash[72];
	const struct kesu_approval *a = NULL;
	int rc = check_signer(trust, pdf_path, &doc, payload_hash, res);
	if (rc == 0)
		rc = check_approval(doc, approvals, n_approvals, pdf_path, &a, res);
	/* two stations receiving the same certificate at once: one records it */
	for (int attempt = 0; rc == 0 || (rc == -EAGAIN && attempt < 8); attempt++)
		if ((rc = record_once(l, sk, a, doc, payload_hash, pdf_path, operator_name, now,
				      res)) != -EAGAIN)
			break;
	json_object_put(doc);
	return rc;
}

/* Issuing and checking certificates. The payload is a projection of the
 * signed ledger record; the PDF renders it (pdf.c). */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "canonical_json.h"
#include "cert_internal.h"
#include "kesu/cert.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/paths.h"
#include "kesu/pdf.h"
#include "kesu/record.h"
#include "pdf_parse.h"
#include "i18n.h"

/* Copies the named members of src into a new object (missing ones null). */
static struct json_object *pick(struct json_object *src, const char *const *names)
{
	struct json_object *o = json_object_new_object(), *v;
	for (; *names; names++)
		json_object_object_add(o, *names, json_object_object_get_ex(src, *names, &v)
							  ? json_object_get(v) : NULL);
	return o;
}

static struct json_object *member(struct json_object *o, const char *name)
{
	struct json_object *v = NULL;
	json_object_object_get_ex(o, name, &v);
	return v;
}

/* sanitization.firmware of the payload: the command, the drive's answer
 * and the proof by reading. A record never holds the ATA temporary
 * password; of its two flags the certificate keeps only whether the
 * password is gone again, null when kesu set none. */
static struct json_object *firmware_payload(struct json_object *f)
{
	static const char *const names[] = {"command", "detail", "followed_running", "title", NULL};
	static const char *const proof_names[] = {"leaves", "marker_bytes", "nonzero_sectors",
						  "unchanged_sectors", NULL};
	struct json_object *o = pick(f, names);
	bool set = json_object_get_boolean(member(f, "password_set"));
	json_object_object_add(o, "password_cleared",
			       set ? json_object_get(member(f, "password_cleared")) : NULL);
	json_object_object_add(o, "proof", pick(member(f, "proof"), proof_names));
	return o;
}

/* Version 1 is every payload kesu made before firmware erasure, and still
 * every overwrite job's on a drive without hidden-area facts: the same
 * bytes as ever. A payload with firmware or hidden-area facts is version
 * 2, and then carries both keys (null when not given). */
static int add_version2(struct json_object *san, struct json_object *rec_san)
{
	static const char *const hidden_names[] = {"dco_sectors", "hpa_restored", "hpa_sectors", NULL};
	struct json_object *f = member(rec_san, "firmware"), *h = member(rec_san, "hidden_areas");
	if (!f && !h)
		return 1;
	json_object_object_add(san, "firmware", f ? firmware_payload(f) : NULL);
	json_object_object_add(san, "hidden_areas", h ? pick(h, hidden_names) : NULL);
	return 2;
}

/* What a failure report adds when the record has it (records from before
 * these fields have none, and a certificate's payload stays as it was):
 * the reason in Japanese and the distinct sectors no pass could write. */
static void add_failure_facts(struct json_object *p, struct json_object *san,
			      struct json_object *rec, struct json_object *rec_san)
{
	struct json_object *ja = member(rec, "reason_ja"), *n = member(rec_san, "unwritten_sectors");
	if (ja)
		json_object_object_add(p, "reason_ja", json_object_get(ja));
	if (n && json_object_get_int64(n) > 0) {
		json_object_object_add(san, "unwritten_sectors", json_object_get(n));
		json_object_object_add(san, "unwritten", json_object_get(member(rec_san, "unwritten")));
	}
}

/* Version 3 adds the host machine (kesu/host.h) when the record knows
 * any of it: a record from before, or from a machine without SMBIOS,
 * keeps the payload it always had. */
static int add_host(struct json_object *p, struct json_object *rec)
{
	static const char *const names[] = {"asset_tag", "manufacturer", "product", "serial", NULL};
	struct json_object *h = member(rec, "host");
	bool known = false;
	for (const char *const *n = names; h && *n; n++)
		known |= json_object_is_type(member(h, *n), json_type_string);
	if (!known)
		return 0;
	json_object_object_add(p, "host", pick(h, names));
	return 3;
}

/* Version 4's "details": each pass's speed profile (null for a firmware
 * erase, and in records from before profiles) and SMART before and after
 * (null when the drive gave none or the record predates them). */
static struct json_object *details_payload(struct json_object *rec, struct json_object *rec_san)
{
	static const char *const pass_names[] = {"number", "profile", "profile_from", NULL};
	static const char *const smart_names[] = {"after", "before", NULL};
	struct json_object *d = json_object_new_object(), *passes = json_object_new_array();
	struct json_object *rec_passes = member(rec_san, "passes");
	for (size_t i = 0; rec_passes && i < json_object_array_length(rec_passes); i++)
		json_object_array_add(passes, pick(json_object_array_get_idx(rec_passes, i), pass_names));
	json_object_object_add(d, "passes", passes);
	json_object_object_add(d, "smart", pick(member(rec, "smart"), smart_names));
	return d;
}

char *kesu_cert_payload(const char *record, size_t record_len, uint64_t seq,
			const char *record_hash, time_t issued, size_t *len)
{
	return kesu_cert_payload_ex(record, record_len, seq, record_hash, issued, 0, len);
}

char *kesu_cert_payload_ex(const char *record, size_t record_len, uint64_t seq,
			   const char *record_hash, time_t issued, unsigned flags, size_t *len)
{
	(void)record_len;
	struct json_object *rec = json_tokener_parse(record);
	if (!rec)
		return NULL;
	static const char *const san_names[] = {"ended_utc", "interruptions", "method", "nist_level",
						"started_utc", "technique", NULL};
	static const char *const pass_names[] = {"bad_sectors", "byte", "bytes_written", "completed",
						 "milliseconds", "number", "pattern", "seed", NULL};
	static const char *const verify_names[] = {"bytes_read", "mismatched_sectors", "mode", "passed",
						   "percent", "samples", "seed", "unreadable_sectors", NULL};
	struct json_object *p = json_object_new_object();
	struct json_object *rec_san = member(rec, "sanitization");
	struct json_object *san = pick(rec_san, san_names);
	const char *outcome = json_object_get_string(member(rec, "outcome"));
	/* Erased with exceptions is a certificate that says what remains
	 * (docs/certificate.md); it certifies only what it says. */
	bool exceptions = outcome && !strcmp(outcome, "ERASED_WITH_EXCEPTIONS");
	bool success = (outcome && !strcmp(outcome, "SUCCESS")) || exceptions;
	struct json_object *passes = json_object_new_array(), *rec_passes = member(rec_san, "passes");
	for (size_t i = 0; rec_passes && i < json_object_array_length(rec_passes); i++) {
		struct json_object *rp = json_object_array_get_idx(rec_passes, i);
		struct json_object *pp = pick(rp, pass_names), *v = member(rp, "verify");
		if (v && !success) /* what reading each pass back found, on a failure report */
			json_object_object_add(pp, "verify", json_object_get(v));
		json_object_array_add(passes, pp);
	}
	json_object_object_add(san, "passes", passes);
	add_failure_facts(p, san, rec, rec_san);
	int version = add_version2(san, rec_san);
	int v3 = add_host(p, rec);
	version = v3 > version ? v3 : version;
	if (exceptions) {
		json_object_object_add(p, "exceptions", json_object_get(member(rec, "exceptions")));
		version = 3;
	}
	if (flags & KESU_CERT_DETAILS) {
		json_object_object_add(p, "details", details_payload(rec, rec_san));
		version = 4;
	}

	char utc[32], local[40];
	kesu_time_utc(issued, utc);
	kesu_time_local(issued, local);
	struct json_object *ledger = json_object_new_object();
	json_object_object_add(ledger, "job_id", json_object_get(member(rec, "job_id")));
	json_object_object_add(ledger, "record_hash", record_hash ? json_object_new_string(record_hash) : NULL);
	json_object_object_add(ledger, "seq", seq ? json_object_new_int64((int64_t)seq) : NULL);

	json_object_object_add(p, "kesu_certificate", json_object_new_int(version));
	json_object_object_add(p, "document", json_object_new_string(success ? "certificate" : "failure-report"));
	json_object_object_add(p, "certificate_id", json_object_get(member(rec, "certificate_id")));
	json_object_object_add(p, "issued_utc", json_object_new_string(utc));
	json_object_object_add(p, "issued_local", json_object_new_string(local));
	static const char *const copied[] = {"approver", "classification", "media", "operator",
					     "organisation", "outcome", "purpose", "reason",
					     "station", "tool", NULL};
	for (const char *const *n = copied; *n; n++)
		json_object_object_add(p, *n, json_object_get(member(rec, *n)));
	/* Only when the job had them: a payload without is byte for byte what
	 * kesu wrote before approvals and witnesses existed. */
	static const char *const when_given[] = {"approval", "witness", NULL};
	for (const char *const *n = when_given; *n; n++)
		if (member(rec, *n))
			json_object_object_add(p, *n, json_object_get(member(rec, *n)));
	json_object_object_add(p, "sanitization", san);
	json_object_object_add(p, "verification", pick(member(rec, "verification"), verify_names));
	json_object_object_add(p, "ledger", ledger);
	char *text = Kesu_json_canonical(p, len);
	json_object_put(p);
	json_object_put(rec);
	return text;
}

int kesu_cert_issue(const char *payload, size_t payload_len, const struct kesu_secret_key *sk,
		    const char *cert_dir, char *pdf_path, size_t pdf_path_size, char *err,
		    size_t errsize)
{
	return kesu_cert_issue_styled(payload, payload_len, sk, cert_dir, NULL, pdf_path,
				      pdf_path_size, err, errsize);
}

int kesu_cert_issue_styled(const char *payload, size_t payload_len,
			   const struct kesu_secret_key *sk, const char *cert_dir,
			   const struct kesu_pdf_style *style, char *pdf_path, size_t pdf_path_size,
			   char *err, size_t errsize)
{
	return kesu_cert_issue_signed(payload, payload_len, sk, cert_dir, style, NULL, pdf_path,
				      pdf_path_size, err, errsize);
}

/* cert_dir/kesu-<certificate_id>.pdf, and the directory made. */
static int certificate_path(const char *payload, const char *cert_dir, char *pdf_path,
			    size_t size, char *err, size_t errsize)
{
	struct json_object *doc = json_tokener_parse(payload);
	const char *id = doc ? json_object_get_string(member(doc, "certificate_id")) : NULL;
	if (!id || !*id) {
		json_object_put(doc);
		snprintf(err, errsize, _("certificate: the payload has no certificate_id"));
		return -KESU_EPARSE;
	}
	snprintf(pdf_path, size, "%s/kesu-%s.pdf", cert_dir, id);
	json_object_put(doc);
	int rc = kesu_mkdirs(cert_dir, 0700);
	if (rc < 0)
		snprintf(err, errsize, "%s: %s", cert_dir, strerror(-rc));
	return rc;
}

int Kesu_cert_station_sign(unsigned char **pdf, size_t *len, const struct kesu_cert_signing *s,
			   const char *reason, bool era_dates, char *err, size_t errsize)
{
	struct kesu_pades_options o = {.role = KESU_PADES_OPERATOR, .when = time(NULL),
				       .reason = reason, .invisible = s->invisible,
				       .era_dates = era_dates, .tsa_url = s->tsa_url,
				       .tsa_timeout_s = s->tsa_timeout_s};
	unsigned char *signed_pdf = NULL;
	size_t signed_len = 0;
	int rc = kesu_pades_sign(*pdf, *len, s->signer, &o, &signed_pdf, &signed_len, err, errsize);
	if (rc == 0) {
		free(*pdf);
		*pdf = signed_pdf;
		*len = signed_len;
	}
	return rc;
}

/* The station's PDF signature in the 担当者 box, as the file's first
 * incremental update. */
static int sign_pdf(unsigned char **pdf, size_t *len, const struct kesu_cert_signing *s,
		    const struct kesu_pdf_style *style, const char *payload, char *err,
		    size_t errsize)
{
	/* the station signs; the reason names the person who did the work */
	char reason[400] = "";
	struct json_object *doc = json_tokener_parse(payload);
	const char *who = json_object_get_string(member(member(doc, "operator"), "name"));
	const char *document = json_object_get_string(member(doc, "document"));
	bool destruction = document && !strcmp(document, "destruction-certificate");
	if (who && *who)
		snprintf(reason, sizeof(reason), "担当者 %s による%sを証明する / Certifies the %s by %s",
			 who, destruction ? "物理破壊" : "消去",
			 destruction ? "physical destruction" : "sanitization", who);
	json_object_put(doc);
	return Kesu_cert_station_sign(pdf, len, s, reason[0] ? reason : NULL,
				      style && style->era_dates, err, errsize);
}

static int write_signify(const char *pdf_path, const struct kesu_secret_key *sk,
			 const unsigned char *pdf, size_t len, char *err, size_t errsize)
{
	char *sig = NULL, comment[300], sig_path[KESU_PATH_MAX];
	size_t sig_len;
	snprintf(comment, sizeof(comment), "verify with signify -V -p station.pub -m %s",
		 strrchr(pdf_path, '/') + 1);
	int rc = kesu_sign_detached(sk, pdf, len, comment, &sig, &sig_len);
	if (rc < 0) {
		snprintf(err, errsize, _("certificate: cannot sign %s"), pdf_path);
		return rc;
	}
	snprintf(sig_path, sizeof(sig_path), "%s.sig", pdf_path);
	rc = kesu_file_write_atomic(sig_path, sig, sig_len, 0644, 0, err, errsize);
	free(sig);
	return rc;
}

int kesu_cert_issue_signed(const char *payload, size_t payload_len,
			   const struct kesu_secret_key *sk, const char *cert_dir,
			   const struct kesu_pdf_style *style,
			   const struct kesu_cert_signing *signing, char *pdf_path,
			   size_t pdf_path_size, char *err, size_t errsize)
{
	return kesu_cert_issue_files(payload, payload_len, NULL, 0, sk, cert_dir, style, signing,
				     pdf_path, pdf_path_size, err, errsize);
}

int kesu_cert_issue_files(const char *payload, size_t payload_len,
			  const struct kesu_pdf_file *files, size_t nfiles,
			  const struct kesu_secret_key *sk, const char *cert_dir,
			  const struct kesu_pdf_style *style, const struct kesu_cert_signing *signing,
			  char *pdf_path, size_t pdf_path_size, char *err, size_t errsize)
{
	int rc = certificate_path(payload, cert_dir, pdf_path, pdf_path_size, err, errsize);
	if (rc < 0)
		return rc;
	char *payload_sig = NULL;
	unsigned char *pdf = NULL;
	size_t payload_sig_len, pdf_len = 0;
	rc = kesu_sign_detached(sk, payload, payload_len, "kesu certificate payload; verify with station.pub",
				&payload_sig, &payload_sig_len);
	if (rc < 0)
		snprintf(err, errsize, _("certificate: cannot sign the payload"));
	struct kesu_pdf_doc d = {.payload = payload, .payload_len = payload_len,
				 .payload_sig = payload_sig, .sig_len = payload_sig_len,
				 .station_pub = signing ? signing->station_pub : NULL,
				 .station_pub_len = signing ? signing->station_pub_len : 0,
				 .style = style, .files = files, .nfiles = nfiles};
	if (rc == 0)
		rc = kesu_pdf_render(&d, &pdf, &pdf_len, err, errsize);
	if (rc == 0 && signing)
		rc = sign_pdf(&pdf, &pdf_len, signing, style, payload, err, errsize);
	if (rc == 0)
		rc = kesu_file_write_atomic(pdf_path, pdf, pdf_len, 0644, 0, err, errsize);
	if (rc == 0 && (!signing || signing->signify_sig)) {
		rc = write_signify(pdf_path, sk, pdf, pdf_len, err, errsize);
		if (rc < 0)
			unlink(pdf_path); /* no certificate without the .sig asked for */
	}
	free(payload_sig);
	free(pdf);
	return rc;
}

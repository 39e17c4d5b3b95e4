/* Signing a certificate: one incremental update with a PAdES signature
 * (the station's, a witness's, a validator's or an approver's) or a
 * document timestamp. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cms.h"
#include "kesu/error.h"
#include "kesu/pdf.h"
#include "pades_pdf.h"
#include "signer.h"
#include "../i18n.h"

#define SIGNATURE_ROOM 3072    /* bytes beyond the certificates: attributes, signature */
#define TIMESTAMP_ROOM 12288   /* a timestamp token with the TSA's certificates */
#define FOUND_MAX KESU_PADES_SIGS_MAX

static const char *const role_ids[KESU_PADES_ROLES] = {"operator", "witness", "validator",
						       "approver"};
static const char *const role_ja[KESU_PADES_ROLES] = {"担当者", "立会者", "確認者", "承認者"};
static const char *const role_en[KESU_PADES_ROLES] = {"Operator", "Witness", "Validator",
						      "Approver"};
/* What each role's signature says it means (/Reason). */
static const char *const role_reason[KESU_PADES_ROLES] = {
	"データ消去の実施を証明する / Certifies the data sanitization",
	"消去作業に立ち会った / Witnessed the sanitization",
	"消去結果を確認した / Validated the result",
	"消去結果を承認する / Approves the result",
};

const char *kesu_pades_role_id(enum kesu_pades_role role)
{
	return (unsigned)role < KESU_PADES_ROLES ? role_ids[role] : NULL;
}

const char *kesu_pades_role_ja(enum kesu_pades_role role)
{
	return (unsigned)role < KESU_PADES_ROLES ? role_ja[role] : NULL;
}

int kesu_pades_role_parse(const char *id, enum kesu_pades_role *role)
{
	for (unsigned i = 0; id && i < KESU_PADES_ROLES; i++)
		if (!strcmp(id, role_ids[i])) {
			*role = (enum kesu_pades_role)i;
			return 0;
		}
	return -KESU_EPARSE;
}

/* The field name for the next signature of role, and whether the role's
 * box already holds a visible signature. */
static int next_field(const unsigned char *pdf, size_t len, const char *prefix, char *name,
		      size_t size, bool *box_taken, char *err, size_t errsize)
{
	struct pades_found found[FOUND_MAX];
	size_t n = 0;
	int rc = Kesu_pades_find(pdf, len, found, FOUND_MAX, &n, err, errsize);
	if (rc)
		return rc;
	unsigned used = 0;
	*box_taken = false;
	for (size_t i = 0; i < n && i < FOUND_MAX; i++)
		if (!strncmp(found[i].field, prefix, strlen(prefix))) {
			used++;
			if (found[i].rect[2] > found[i].rect[0])
				*box_taken = true;
		}
	Kesu_pades_found_free(found, n < FOUND_MAX ? n : FOUND_MAX);
	if (n >= FOUND_MAX) {
		snprintf(err, errsize, _("the PDF already holds %zu signatures"), n);
		return -E2BIG;
	}
	snprintf(name, size, "%s%u", prefix, used + 1);
	return 0;
}

static void shown_time(time_t t, bool era, char *out, size_t size)
{
	struct tm tm;
	localtime_r(&t, &tm);
	long off = tm.tm_gmtoff / 60;
	char date[64];
	if (!era || kesu_era_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, date, sizeof(date)))
		snprintf(date, sizeof(date), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday);
	snprintf(out, size, "%s %02d:%02d %c%02ld:%02ld", date, tm.tm_hour, tm.tm_min,
		 off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

static size_t signature_room(struct kesu_signer *signer, bool timestamp)
{
	size_t room = SIGNATURE_ROOM + (size_t)i2d_X509(Kesu_signer_cert(signer), NULL);
	STACK_OF(X509) *chain = Kesu_signer_chain(signer);
	for (int i = 0; chain && i < sk_X509_num(chain); i++)
		room += (size_t)i2d_X509(sk_X509_value(chain, i), NULL);
	return room + (timestamp ? TIMESTAMP_ROOM : 0);
}

/* prepare, digest, sign or timestamp, fill */
static int sign_update(const unsigned char *pdf, size_t len, const struct pades_field *f,
		       struct kesu_signer *signer, const char *tsa_url, long timeout,
		       unsigned char **out, size_t *out_len, char *err, size_t errsize)
{
	struct pades_prepared p;
	unsigned char digest[32], *der = NULL;
	size_t der_len = 0;
	int rc = Kesu_pades_prepare(pdf, len, f, &p, err, errsize);
	if (rc)
		return rc;
	Kesu_pades_digest(&p, digest);
	if (signer)
		rc = Kesu_cms_sign(signer, digest, tsa_url, timeout, &der, &der_len, err, errsize);
	else
		rc = Kesu_tsa_token(tsa_url, timeout, digest, &der, &der_len, err, errsize);
	if (rc == 0)
		rc = Kesu_pades_fill(&p, der, der_len, err, errsize);
	free(der);
	if (rc) {
		Kesu_pades_prepared_free(&p);
		return rc;
	}
	*out = p.pdf;
	*out_len = p.len;
	return 0;
}

int kesu_pades_sign(const unsigned char *pdf, size_t len, struct kesu_signer *signer,
		    const struct kesu_pades_options *o, unsigned char **out, size_t *out_len,
		    char *err, size_t errsize)
{
	if ((unsigned)o->role >= KESU_PADES_ROLES) {
		snprintf(err, errsize, _("no such signing role"));
		return -EINVAL;
	}
	char field[64], prefix[32], when[80];
	bool taken;
	snprintf(prefix, sizeof(prefix), "kesu-%s-", role_ids[o->role]);
	int rc = next_field(pdf, len, prefix, field, sizeof(field), &taken, err, errsize);
	if (rc)
		return rc;
	struct kesu_x509_info who;
	kesu_signer_describe(signer, &who);
	const char *reason = o->reason && o->reason[0] ? o->reason : role_reason[o->role];
	struct pades_appearance_text text = {role_ja[o->role], role_en[o->role], who.common_name,
					     when, reason};
	struct pades_field f = {.name = field, .signer_name = who.common_name, .reason = reason,
				.location = o->location, .when = o->when,
				.contents_max = signature_room(signer, o->tsa_url != NULL)};
	shown_time(o->when, o->era_dates, when, sizeof(when));
	if (!o->invisible) {
		if (taken) {
			snprintf(err, errsize, _("the %s box (%s) is already signed: only an invisible "
					       "signature can be added"),
				 role_ids[o->role], role_ja[o->role]);
			return -EEXIST;
		}
		rc = Kesu_pades_seal_box(pdf, len, o->role, &f.page, f.rect, err, errsize);
		if (rc)
			return rc;
		f.appearance = &text;
	}
	return sign_update(pdf, len, &f, signer, o->tsa_url, o->tsa_timeout_s, out, out_len, err,
			   errsize);
}

int kesu_pades_timestamp(const unsigned char *pdf, size_t len, const char *tsa_url,
			 long timeout_s, unsigned char **out, size_t *out_len, char *err,
			 size_t errsize)
{
	char field[64];
	bool taken;
	int rc = next_field(pdf, len, "kesu-timestamp-", field, sizeof(field), &taken, err, errsize);
	if (rc)
		return rc;
	struct pades_field f = {.name = field, .doc_timestamp = true, .when = time(NULL),
				.contents_max = TIMESTAMP_ROOM};
	return sign_update(pdf, len, &f, NULL, tsa_url, timeout_s, out, out_len, err, errsize);
}

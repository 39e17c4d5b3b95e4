/* Receiving a contractor's certificates (kesu cert import, issue 14): the
 * city checks each certificate a contractor hands back against its own
 * trust store and approvals, and records the ones that hold in its ledger
 * as "received-certificate" records linked to the approval entry
 * (docs/approvals.md). */
#ifndef KESU_CERT_IMPORT_H
#define KESU_CERT_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kesu/approval.h"
#include "kesu/error.h"
#include "kesu/ledger.h"
#include "kesu/trust.h"

/* Why a certificate was refused, in the order the checks run. */
enum kesu_import_refusal {
	KESU_IMPORT_OK = 0,
	KESU_IMPORT_UNREADABLE,    /* not a kesu certificate PDF */
	KESU_IMPORT_UNKNOWN_KEY,   /* its payload is not signed by a trusted contractor */
	KESU_IMPORT_INVALID,       /* changed or forged (payload or file signature) */
	KESU_IMPORT_NOT_SUCCESS,   /* a failure report, or not a SUCCESS */
	KESU_IMPORT_NO_APPROVAL,   /* names no approval, or one this city did not issue */
	KESU_IMPORT_NOT_LISTED,    /* its medium is not the approval entry it names */
	KESU_IMPORT_DUPLICATE,     /* this certificate, or another for the entry, is in */
};

struct kesu_import_result {
	enum kesu_import_refusal refusal;
	char certificate_id[64];
	char contractor[KESU_TRUST_NAME_MAX + 1];
	char approval_number[KESU_APPROVAL_NUMBER_SIZE];
	unsigned entry;
	char record_id[KESU_JOB_ID_LEN + 1]; /* the received-certificate record */
	uint64_t seq;
	char detail[KESU_ERRMSG_MAX];        /* one English line */
};

/* Checks the certificate at pdf_path and, when it holds, appends the
 * received-certificate record (signed with the city station's key sk;
 * "by": operator). approvals: the city's approvals, each already loaded
 * and verified against trust. Returns 0 (imported), -KESU_EREFUSED with
 * res->refusal and res->detail, or another negative error (ledger). */
int kesu_cert_import(struct kesu_ledger *l, const struct kesu_secret_key *sk,
		     const struct kesu_trust *trust, struct kesu_approval *const *approvals,
		     size_t n_approvals, const char *pdf_path, const char *operator_name,
		     time_t now, struct kesu_import_result *res);

/* receipt id: "unreadable", "unknown-key", ... */
const char *kesu_import_refusal_name(enum kesu_import_refusal r);

#endif

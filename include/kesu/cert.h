/* Certificates: the signed payload (docs/certificate.md), the PDF that
 * shows it, the detached signature over the PDF, and checking all three. */
#ifndef KESU_CERT_H
#define KESU_CERT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kesu/key.h"
#include "kesu/ledger.h"
#include "kesu/pdf.h"

/* The certificate payload (canonical JSON, malloc'd) for a ledger record.
 * seq and record_hash place it in the ledger (seq 0 / NULL: an unfinished
 * job, for a failure report). Version 1, or version 2 when the record has
 * a firmware erase or hidden areas (docs/certificate.md); never a password. */
char *kesu_cert_payload(const char *record, size_t record_len, uint64_t seq,
			const char *record_hash, time_t issued, size_t *len);

/* Signs the payload, renders the PDF into cert_dir as kesu-<ID>.pdf and
 * signs the PDF's bytes into kesu-<ID>.pdf.sig. pdf_path receives the
 * PDF's path. */
int kesu_cert_issue(const char *payload, size_t payload_len, const struct kesu_secret_key *sk,
		    const char *cert_dir, char *pdf_path, size_t pdf_path_size, char *err,
		    size_t errsize);
/* The same in a station's style (era dates, the class's label; NULL: the
 * default). kesu_cert_issue is this with NULL. */
int kesu_cert_issue_styled(const char *payload, size_t payload_len,
			   const struct kesu_secret_key *sk, const char *cert_dir,
			   const struct kesu_pdf_style *style, char *pdf_path, size_t pdf_path_size,
			   char *err, size_t errsize);

/* What a check of a certificate comes to, most severe first. Integrity and
 * outcome are two facts: an intact failure report is genuine, and still
 * not a certificate. */
enum kesu_cert_verdict {
	KESU_CERT_INVALID,         /* a check that could be made failed: changed, forged,
				    * another key, or a ledger that disagrees */
	KESU_CERT_NOT_CERTIFICATE, /* intact, but not a SUCCESS certificate (a failure
				    * report, or any other outcome) */
	KESU_CERT_UNCHECKED,       /* a SUCCESS certificate whose every check made holds,
				    * but the file signature (PDF.sig) is absent */
	KESU_CERT_VALID,           /* an intact SUCCESS certificate, every check made */
};

struct kesu_cert_check {
	enum kesu_cert_verdict verdict;
	char certificate_id[64];
	char document[32];   /* certificate or failure-report (from the payload) */
	char outcome[32];    /* SUCCESS, FAILED, ... (from the payload) */
	bool success;        /* document certificate and outcome SUCCESS */
	bool file_checked;   /* PDF.sig was there to check */
	bool file_ok;        /* the .sig covers the PDF's exact bytes */
	char file_msg[512];
	bool payload_ok;     /* the embedded payload's signature holds */
	char payload_msg[512];
	bool ledger_checked; /* a ledger was given */
	bool ledger_ok;      /* it holds the same record */
	char ledger_msg[512];
};

/* Checks a certificate offline: the detached signature of the PDF file
 * (PDF.sig beside it; its absence is not a failure, but leaves the check
 * unmade), the signature of the embedded payload, and, when a ledger is
 * given, that the ledger holds the record the payload names, with the same
 * hash. Fills check (each check's message says why) and returns 0 when the
 * verdict is KESU_CERT_VALID, -KESU_EVERIFY for any other verdict, or
 * another negative error when the PDF cannot be read (check->file_msg then
 * says why, naming the file). */
int kesu_cert_verify(const char *pdf_path, const struct kesu_public_key *pk,
		     struct kesu_ledger *ledger, struct kesu_cert_check *check);
#endif

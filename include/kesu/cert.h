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
#include "kesu/pades.h"
#include "kesu/pdf.h"

/* The certificate payload (canonical JSON, malloc'd) for a ledger record.
 * seq and record_hash place it in the ledger (seq 0 / NULL: an unfinished
 * job, for a failure report). Version 1, or version 2 when the record has
 * a firmware erase or hidden areas (docs/certificate.md); never a password. */
char *kesu_cert_payload(const char *record, size_t record_len, uint64_t seq,
			const char *record_hash, time_t issued, size_t *len);

/* The same with options. KESU_CERT_DETAILS: the payload (version 4)
 * carries "details", the passes' speed profiles and the drive's SMART
 * before and after, copied from the record, and the PDF gets a page of
 * its own after the document that shows them (docs/certificate.md,
 * "Details page"). Without it
 * the payload is kesu_cert_payload's, byte for byte. */
#define KESU_CERT_DETAILS 1u
char *kesu_cert_payload_ex(const char *record, size_t record_len, uint64_t seq,
			   const char *record_hash, time_t issued, unsigned flags, size_t *len);

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

/* How the station signs the PDF itself (PAdES, kesu/pades.h). */
struct kesu_cert_signing {
	struct kesu_signer *signer;  /* the station's X.509 identity */
	const char *station_pub;     /* its Ed25519 public key file's text, attached */
	size_t station_pub_len;
	const char *tsa_url;         /* B-T timestamp (NULL: B-B) */
	long tsa_timeout_s;          /* 0: the default */
	bool invisible;              /* no appearance in the 担当者 box */
	bool signify_sig;            /* also write PDF.sig (signify users) */
};

/* Signs the payload (Ed25519), renders the PDF with the station's public
 * key attached, signs it with signing->signer as the operator (PAdES),
 * writes cert_dir/kesu-<ID>.pdf atomically, and PDF.sig only when
 * signing->signify_sig. signing NULL is kesu_cert_issue_styled's form (no
 * PDF signature, PDF.sig always). */
int kesu_cert_issue_signed(const char *payload, size_t payload_len,
			   const struct kesu_secret_key *sk, const char *cert_dir,
			   const struct kesu_pdf_style *style,
			   const struct kesu_cert_signing *signing, char *pdf_path,
			   size_t pdf_path_size, char *err, size_t errsize);

/* kesu_cert_issue_signed with further files drawn and attached (a
 * destruction certificate's photographs, struct kesu_pdf_doc). */
int kesu_cert_issue_files(const char *payload, size_t payload_len,
			  const struct kesu_pdf_file *files, size_t nfiles,
			  const struct kesu_secret_key *sk, const char *cert_dir,
			  const struct kesu_pdf_style *style, const struct kesu_cert_signing *signing,
			  char *pdf_path, size_t pdf_path_size, char *err, size_t errsize);

/* What a check of a certificate comes to, most severe first. Integrity and
 * outcome are two facts: an intact failure report is genuine, and still
 * not a certificate. */
enum kesu_cert_verdict {
	KESU_CERT_INVALID,         /* a check that could be made failed: changed, forged,
				    * another key, or a ledger that disagrees */
	KESU_CERT_NOT_CERTIFICATE, /* intact, but not a SUCCESS certificate (a failure
				    * report, or any other outcome) */
	KESU_CERT_UNCHECKED,       /* a SUCCESS certificate whose every check made holds,
				    * but a check could not be made: no PDF signature
				    * and no PDF.sig, no trust anchor, or the page
				    * rendered by another kesu version */
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
	bool pdf_signed;     /* the PDF carries signatures (PAdES) */
	bool anchors_given;  /* there was a trust anchor to check chains against */
	struct kesu_pades_report pades;
	bool station_first;  /* the first signature is the operator's (the station's) */
	bool page_checked;   /* the page could be rendered again here */
	bool page_ok;        /* and it is byte for byte the signed page */
	char page_msg[512];
	char payload_key[KESU_FINGERPRINT_SIZE]; /* the key the payload was checked with */
};

/* What to check a certificate against. Every member may be NULL. */
struct kesu_cert_trust {
	const struct kesu_public_key *station; /* the payload's key; NULL: the one the
						* certificate carries, vouched for by
						* the station's PDF signature */
	const struct kesu_x509_anchors *anchors; /* for the PDF signatures */
	struct kesu_ledger *ledger;
	const struct kesu_public_key *fallback; /* for a certificate that carries no key
						 * (made before PDF signatures) */
};

/* kesu_cert_verify with X.509 trust anchors: every PDF signature (byte
 * ranges, digests, CMS signatures, chains, timestamps, only signatures
 * after the first), the embedded payload's Ed25519 signature, that the
 * page is the one the payload renders to (re-rendered here; unchecked
 * when another kesu version, libharu or font made it), PDF.sig when it is
 * there (it may cover the file as issued, before later signatures), and
 * the ledger. Returns as kesu_cert_verify. */
int kesu_cert_verify_with(const char *pdf_path, const struct kesu_cert_trust *trust,
			  struct kesu_cert_check *check);
/* Whether a document of that kind with that outcome certifies what it is
 * about: "certificate" SUCCESS, "destruction-certificate" DESTROYED,
 * "batch-certificate" COMPLETE. Every other pair is a report. */
bool kesu_cert_certifies(const char *document, const char *outcome);
/* The message of the first check that failed ("" when none did). */
const char *kesu_cert_check_reason(const struct kesu_cert_check *check);

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

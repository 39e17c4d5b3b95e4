/* A whole wipe as the library runs it, for every front end (the command
 * line, the text UI through it, later a server): the station it records
 * to; then, per drive, prepare (resume an unfinished job, or close it as
 * ABANDONED), start (the job; a resumed drive proves it holds what the
 * job wrote), begin (the ledger row, and an ATA temporary password stored
 * before the drive ever sees it), run (the job checkpoints through the
 * ledger by itself), finish (the signed record; the password forgotten
 * once the drive confirmed it is gone) and certify (the certificate or
 * the failure report). Front ends keep options, confirmation, printing
 * and progress. docs/architecture.md shows the order. */
#ifndef KESU_WIPE_H
#define KESU_WIPE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "kesu/device.h"
#include "kesu/error.h"
#include "kesu/job.h"
#include "kesu/key.h"
#include "kesu/ledger.h"
#include "kesu/pdf.h"
#include "kesu/record.h"
#include "kesu/sizes.h"

/* Where jobs are recorded. The ledger and key are borrowed (the caller
 * opens them: a passphrase prompt is a front end's business); one
 * station serves every drive of a command, from their job threads. */
struct kesu_station {
	struct kesu_ledger *ledger;
	const struct kesu_secret_key *sk;
	char cert_dir[KESU_PATH_MAX];
	struct kesu_job_context ctx;   /* who, for whom, the station's fields */
	struct kesu_pdf_style style;
	const struct kesu_cert_signing *signing; /* the PDF signature (NULL: none, and
						  * PDF.sig; kesu/cert.h) */
	pthread_mutex_t lock;          /* one ledger connection, many job threads */
};

/* ctx is copied (the caller checked it: kesu_context_check); style may
 * be NULL (the default). */
void kesu_station_init(struct kesu_station *st, struct kesu_ledger *ledger,
		       const struct kesu_secret_key *sk, const char *cert_dir,
		       const struct kesu_job_context *ctx, const struct kesu_pdf_style *style);
void kesu_station_destroy(struct kesu_station *st);
/* How certificates are signed (kept, not copied; NULL: kesu_cert_issue's
 * form). Signing is serialised under the station's lock: one token. */
struct kesu_cert_signing;
void kesu_station_set_signing(struct kesu_station *st, const struct kesu_cert_signing *signing);

enum kesu_wipe_flags {
	KESU_WIPE_RESTART = 1 << 0, /* close an unfinished job (ABANDONED), start anew */
	KESU_WIPE_DETAILS = 1 << 1, /* the certificate gets its details page
				     * (KESU_CERT_DETAILS, kesu/cert.h) */
};

/* What prepare found, for the front end to tell. */
struct kesu_wipe_found {
	bool resumed;             /* an unfinished job will be continued */
	bool abandoned;           /* an unfinished job was closed (RESTART) */
	char job_id[KESU_JOB_ID_LEN + 1];
	uint64_t abandoned_seq;   /* its ABANDONED record */
	unsigned pass;            /* resumed: where it continues */
	uint64_t offset;
	char started_utc[32];
	char other_method[64];    /* -EEXIST: the method the unfinished job uses */
};

/* Where a job ended up, for the front end to tell. */
struct kesu_wipe_status {
	char job_id[KESU_JOB_ID_LEN + 1];
	bool resumed;
	bool recorded;            /* the outcome is in the ledger (finished, or
				   * left open as INTERRUPTED) */
	char not_recorded[KESU_ERRMSG_MAX]; /* why not */
	uint64_t seq;             /* place in the chain, 0 when left open */
	char document[KESU_PATH_MAX]; /* certificate or failure report */
	bool certificate;         /* a certificate, not a failure report */
	char document_error[KESU_ERRMSG_MAX]; /* why none was issued although recorded */
	bool password_kept;       /* ATA: the drive still has kesu's temporary
				   * password, kept in the ledger (kesu unlock) */
};

struct kesu_wipe;

/* Looks in the ledger for an unfinished job for dev. None: a new job.
 * One: with KESU_WIPE_RESTART it is closed with a signed ABANDONED
 * record; otherwise its plan and state go into opts (a resume). Returns
 * 0; -EEXIST when the unfinished job uses another method (found names
 * it: resume with that one, or restart); -KESU_EPARSE when its plan is
 * damaged; or another negative error. err says why. */
int kesu_wipe_prepare(struct kesu_station *st, const struct kesu_device *dev,
		      const struct kesu_method *method, unsigned flags, struct kesu_job_options *opts,
		      struct kesu_wipe **w, struct kesu_wipe_found *found, char *err, size_t errsize);

/* Creates the job on the drive (fd from kesu_gate_open; the job takes it
 * over, also on failure) and, for a resume, reads that the drive holds
 * what the job wrote (-KESU_EREFUSED with proof filled when it does not).
 * ATA Security Erase methods get their temporary password here. */
int kesu_wipe_start(struct kesu_wipe *w, int fd, struct kesu_job_options *opts,
		    struct kesu_resume_proof *proof, char *err, size_t errsize);

/* The job, to run (kesu_job_run, one thread per drive) and to watch. */
struct kesu_job *kesu_wipe_job(struct kesu_wipe *w);

/* Records the start (or resumption) before the first byte, and the ATA
 * password before the job sets it. */
int kesu_wipe_begin(struct kesu_wipe *w, char *err, size_t errsize);
/* Takes back a begun row that never reached its drive (another drive of
 * the command failed to begin). */
void kesu_wipe_unbegin(struct kesu_wipe *w);

/* After the job ran: the record (or, INTERRUPTED, the row left open),
 * then the ATA password forgotten once the drive confirmed it is gone. */
int kesu_wipe_finish(struct kesu_wipe *w, const char *asset_number, char *err, size_t errsize);
/* The certificate (SUCCESS) or the failure report for what finish recorded. */
int kesu_wipe_certify(struct kesu_wipe *w, char *err, size_t errsize);

/* The prior approval entry the job runs under (kesu_approval_record_json),
 * copied into its record and certificate; NULL for none. Set before
 * finish. */
int kesu_wipe_set_approval(struct kesu_wipe *w, const char *approval_json);

const struct kesu_wipe_status *kesu_wipe_status(const struct kesu_wipe *w);
void kesu_wipe_free(struct kesu_wipe *w);

/* Closes an unfinished job nobody will finish with a signed ABANDONED
 * record (dev may be NULL: the drive is not at hand). */
int kesu_wipe_abandon(struct kesu_station *st, const struct kesu_ledger_open_job *open,
		      const struct kesu_device *dev, const char *reason, uint64_t *seq, char *err,
		      size_t errsize);
#endif

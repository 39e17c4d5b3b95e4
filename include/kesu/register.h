/* The manager's register, 媒体廃棄記録簿 / Media disposal register (issue
 * 17, docs/register.md): what a period's ledger holds, for the person who
 * must check the logs (§7.1(2), §7.1(4)) and approve disposals (§3.2(9)c).
 *
 * kesu_register_build reads the ledger once and gives a model: the
 * anomalies first (each naming the records concerned), counts for the
 * summary, jobs per week for the chart, and one detail row per medium
 * and event. The writers turn the model into CSV, XLSX (libxlsxwriter)
 * and PDF (libharu) and never read the ledger themselves, so all three
 * say the same. Strings in the model are UTF-8 that the ledger's signed
 * records held (checked again on reading), owned by the register. */
#ifndef KESU_REGISTER_H
#define KESU_REGISTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kesu/approval.h"
#include "kesu/key.h"
#include "kesu/ledger.h"
#include "kesu/policy.h"

/* What the register is asked for. Dates are the stations' local dates
 * (the date in a record's *_local time), inclusive. NULL or "" matches
 * everything. */
struct kesu_register_query {
	const char *since, *until;          /* YYYY-MM-DD; both required */
	const char *department;             /* organisation.department, exact */
	const char *classification;         /* I, II, III */
	const char *purpose;                /* disposal, lease-return, repair, reuse */
	const char *station;                /* station host name or key fingerprint */
	const struct kesu_policy *policy;   /* judged against; NULL: kesu_policy_default */
	/* Approval files the station holds: their media still pending after
	 * valid_until are an anomaly. n_approvals 0: that check is not made,
	 * and the register says so. */
	const struct kesu_approval *const *approvals;
	size_t n_approvals;
	const char *cert_dir;               /* where certificates are looked for;
					     * NULL: the check is not made */
	const struct kesu_public_key *pk;   /* the station key the ledger is
					     * verified with; NULL: not verified */
	time_t now;                         /* "pending past validity" is judged at now */
};

/* Outcomes the counts and the chart are split by, in this order. */
enum kesu_register_outcome {
	KESU_REG_SUCCESS = 0,      /* SUCCESS, and a received contractor's certificate */
	KESU_REG_EXCEPTIONS,       /* ERASED_WITH_EXCEPTIONS */
	KESU_REG_UNVERIFIED,
	KESU_REG_FAILED,           /* FAILED, INTERRUPTED, ABANDONED */
	KESU_REG_DESTROYED,
	KESU_REG_OTHER,            /* a hand-over, a check */
	KESU_REG_OUTCOMES
};

/* One medium and one event: a wipe job, a check (kesu verify), a
 * destruction, a hand-over, or a contractor's certificate received. Any
 * member may be "" (never NULL) when the record does not say. */
struct kesu_register_row {
	uint64_t seq;               /* the ledger record */
	const char *kind;           /* wipe, verify, destruction, handover, received-certificate */
	time_t when;                /* ended_utc (at_utc), seconds */
	const char *when_local;     /* "2026-12-06T10:00:00+09:00" as recorded */
	const char *asset, *serial, *model;
	const char *organisation, *department, *classification, *purpose;
	const char *approval;       /* "A-20261206-1A2B3C4D#2" */
	const char *approver, *operator_name, *witness;
	const char *method_id, *method_ja, *method_en; /* wipe and check: the method's titles */
	const char *nist_level;     /* clear, purge, destroy, none */
	const char *verification;   /* "full", "sample 10%", "none" */
	int verified;               /* 1 passed, 0 failed, -1 not verified / not a wipe */
	const char *outcome;        /* as recorded: SUCCESS, FAILED, DESTROYED, ... */
	enum kesu_register_outcome outcome_class;
	const char *certificate_id;
	const char *destruction;    /* technique and date of a later (or this) destruction */
	const char *handover;       /* destination and recipient of a hand-over */
	const char *station;        /* the station's host name */
	const char *customer;       /* received-certificate: the contractor; a
				     * contractor's own wipes: organisation.name */
};

enum kesu_register_anomaly_kind {
	KESU_ANOM_LEDGER = 0,           /* the ledger did not verify (or was not verified) */
	KESU_ANOM_NO_APPROVAL,          /* a class the policy requires approval for, none cited */
	KESU_ANOM_FAILED_NOT_DESTROYED, /* a failed medium with no later destruction */
	KESU_ANOM_UNVERIFIED,           /* outcome UNVERIFIED, or no verification */
	KESU_ANOM_CERT_MISSING,         /* its certificate / failure report not in cert_dir */
	KESU_ANOM_WITNESS_MISSING,      /* witness required, no witness countersignature */
	KESU_ANOM_APPROVAL_EXPIRED,     /* an approved medium still pending after valid_until */
	KESU_ANOM_CONTRACTOR_CERT,      /* handed to a contractor (vendor), no certificate back */
	KESU_ANOM_KINDS
};

struct kesu_register_anomaly {
	enum kesu_register_anomaly_kind kind;
	uint64_t seq;               /* the record concerned; 0 for an approval entry
				     * or the ledger itself */
	const char *subject;        /* serial, asset or "A-...#entry" */
	const char *detail_ja, *detail_en; /* one line, what is wrong with this one */
};

/* A count for one value of one dimension (a department, a class...). */
struct kesu_register_count {
	const char *value;          /* as recorded ("" shows as 未記入 / not given) */
	const char *label_ja;       /* the value's Japanese name (method title, 消去済 ...) */
	uint64_t total;
	uint64_t by_outcome[KESU_REG_OUTCOMES];
};

enum kesu_register_dimension {
	KESU_REG_BY_DEPARTMENT = 0,
	KESU_REG_BY_CLASS,
	KESU_REG_BY_PURPOSE,
	KESU_REG_BY_METHOD,
	KESU_REG_BY_LEVEL,
	KESU_REG_BY_OUTCOME,
	KESU_REG_BY_CUSTOMER,       /* contractors: by customer (organisation) */
	KESU_REG_DIMENSIONS
};

struct kesu_register_week {
	char monday[11];            /* YYYY-MM-DD, the week's first day (local) */
	uint64_t by_outcome[KESU_REG_OUTCOMES];
};

struct kesu_register {
	/* What was asked and how it was judged. */
	char since[11], until[11];
	char filter_text[512];      /* "department=総務課, class=II" or "" */
	char policy_name[256];      /* "" for the built-in default */
	time_t built_at;
	bool approvals_checked, certificates_checked;
	/* The ledger: verified with the key given, its records and head. */
	bool ledger_verified;       /* a key was given and every record checked */
	bool ledger_ok;
	uint64_t ledger_records;
	char ledger_head[65];
	char ledger_problem[512];
	char station_key[96];       /* the fingerprint it was verified with */

	struct kesu_register_anomaly *anomalies; /* in kind order, then seq */
	size_t n_anomalies;
	struct kesu_register_row *rows;          /* in chain order */
	size_t n_rows;
	struct kesu_register_count *counts[KESU_REG_DIMENSIONS]; /* largest first */
	size_t n_counts[KESU_REG_DIMENSIONS];
	struct kesu_register_week *weeks;        /* every week of the period, oldest first */
	size_t n_weeks;
	void *pool;                              /* the strings' storage */
};

/* Checks q (dates real and in order, class and purpose known): -KESU_EPARSE
 * naming the value. Then reads every finished record of l once. 0 with
 * *out (free with kesu_register_free), or a negative error with err. A
 * ledger that fails verification is not an error: the register says so
 * first (KESU_ANOM_LEDGER) and lists what the ledger holds. */
int kesu_register_build(struct kesu_ledger *l, const struct kesu_register_query *q,
			struct kesu_register **out, char *err, size_t errsize);
void kesu_register_free(struct kesu_register *r);

/* The month "YYYY-MM" as since/until ("2026-11-01", "2026-11-30"). */
int kesu_register_month(const char *month, char since[11], char until[11], char *err,
			size_t errsize);

/* Whether a record gets a document from kesu wipe (a certificate for
 * SUCCESS and ERASED_WITH_EXCEPTIONS, a failure report for UNVERIFIED and
 * FAILED wipes): the ones kesu cert issue renders and the register looks
 * for as cert_dir/kesu-CERTID.pdf. Records without a kind are wipes. */
bool kesu_register_gets_document(const char *kind, const char *outcome);

/* Names. */
const char *kesu_register_anomaly_ja(enum kesu_register_anomaly_kind k); /* 事前承認なし ... */
const char *kesu_register_anomaly_en(enum kesu_register_anomaly_kind k);
const char *kesu_register_outcome_ja(enum kesu_register_outcome o);      /* 消去完了 ... */
const char *kesu_register_outcome_en(enum kesu_register_outcome o);
const char *kesu_register_dimension_ja(enum kesu_register_dimension d);  /* 所属 ... */
const char *kesu_register_dimension_en(enum kesu_register_dimension d);

/* ---- Writers: each builds the whole file in memory and writes it through
 * the one atomic writer (kesu/fileio.h), mode 0640; nothing is left
 * behind on error. ---- */

/* CSV, UTF-8 with a byte-order mark, CRLF, every row of the detail with
 * the anomalies marked; header row in Japanese (keys false) or the
 * column keys (keys true). A cell Excel would read as a formula gets a
 * leading '. kesu_register_csv gives the text (malloc'd): 0 or -ENOMEM. */
int kesu_register_csv(const struct kesu_register *r, bool keys, char **text, size_t *len);
int kesu_register_write_csv(const struct kesu_register *r, bool keys, const char *path,
			    char *err, size_t errsize);

/* XLSX: sheets 異常 (anomalies), 集計 (summary) and 明細 (detail), Japanese
 * headers, dates as Excel dates, an autofilter and a frozen header row. */
int kesu_register_write_xlsx(const struct kesu_register *r, const char *path, char *err,
			     size_t errsize);

/* PDF: A4 landscape, Japanese and English, anomalies first, the summary,
 * the weekly chart, the detail; page n / m on every page. The detail's CSV
 * (keys) is attached, so the data travels inside the signed file. With
 * signing (kesu/cert.h) the station signs it as the certificates are
 * signed (PAdES, its seal on page 1); NULL: unsigned. */
struct kesu_cert_signing;
int kesu_register_write_pdf(const struct kesu_register *r,
			    const struct kesu_cert_signing *signing, const char *path,
			    char *err, size_t errsize);

#endif

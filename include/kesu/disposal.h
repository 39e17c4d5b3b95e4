/* The checks a disposal must pass before anything is written (issue 14,
 * docs/approvals.md, docs/policy.md): under a prior approval, that it
 * covers this drive and this job and that the drive's entry is not yet
 * spent; then the policy profile's rules for the medium's class. The
 * front end phrases the refusal (kesu/approval.h and kesu/policy.h name
 * each reason); nothing here prints or names an option. */
#ifndef KESU_DISPOSAL_H
#define KESU_DISPOSAL_H

#include <time.h>

#include "kesu/approval.h"
#include "kesu/error.h"
#include "kesu/ledger.h"
#include "kesu/policy.h"

struct kesu_disposal_rules {
	const struct kesu_policy *policy;     /* never NULL: kesu_policy_default without a file */
	const struct kesu_approval *approval; /* NULL: none given */
};

/* Which check stopped the job. */
enum kesu_disposal_stop {
	KESU_DISPOSAL_OK = 0,
	KESU_DISPOSAL_APPROVAL, /* the approval does not cover it: verdict.approval says why */
	KESU_DISPOSAL_SPENT,    /* its entry already has a SUCCESS record: verdict.spent_by */
	KESU_DISPOSAL_POLICY,   /* a policy rule: verdict.policy says which */
};

struct kesu_disposal_verdict {
	enum kesu_disposal_stop stop;
	enum kesu_approval_refusal approval;
	enum kesu_policy_refusal policy;
	const struct kesu_approval_medium *entry; /* the approval's entry for the drive */
	char spent_by[KESU_JOB_ID_LEN + 1];
	char detail[KESU_ERRMSG_MAX];             /* one English line: the values involved */
};

/* Judges job at now. ledger may be NULL (no ledger yet: nothing is spent).
 * 0 when it may run (v->entry set under an approval); -KESU_EREFUSED with v
 * filled; or a negative error reading the ledger (v->detail says it). */
int kesu_disposal_judge(const struct kesu_disposal_rules *rules, struct kesu_ledger *ledger,
			const struct kesu_disposal_job *job, time_t now,
			struct kesu_disposal_verdict *v);

#endif

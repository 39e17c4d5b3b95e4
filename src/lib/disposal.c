/* The disposal checks in their order: the approval first (it may be what
 * the policy asks for), its entry not spent, then the policy. */
#include <stdio.h>
#include <string.h>

#include "kesu/disposal.h"

static int refuse(struct kesu_disposal_verdict *v, enum kesu_disposal_stop stop)
{
	v->stop = stop;
	return -KESU_EREFUSED;
}

int kesu_disposal_judge(const struct kesu_disposal_rules *rules, struct kesu_ledger *ledger,
			const struct kesu_disposal_job *job, time_t now,
			struct kesu_disposal_verdict *v)
{
	memset(v, 0, sizeof(*v));
	const struct kesu_approval *a = rules->approval;
	if (a) {
		v->approval = kesu_approval_check(a, job, now, &v->entry, v->detail, sizeof(v->detail));
		if (v->approval != KESU_APPROVAL_OK)
			return refuse(v, KESU_DISPOSAL_APPROVAL);
		if (ledger) {
			int used = kesu_ledger_approval_use(ledger, a->number, v->entry->entry, v->spent_by,
							    v->detail, sizeof(v->detail));
			if (used < 0)
				return used;
			if (used) {
				snprintf(v->detail, sizeof(v->detail),
					 "approval %s entry %u was already used by job %s (SUCCESS)",
					 a->number, v->entry->entry, v->spent_by);
				return refuse(v, KESU_DISPOSAL_SPENT);
			}
		}
	}
	v->policy = kesu_policy_check(rules->policy, job, a != NULL, v->detail, sizeof(v->detail));
	if (v->policy != KESU_POLICY_OK)
		return refuse(v, KESU_DISPOSAL_POLICY);
	return 0;
}

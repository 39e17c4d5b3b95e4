/* Whether a destruction may be recorded: the prior approval and the
 * policy's class rules (kesu/disposal.h judges a wipe; a destruction has
 * no method or verification, so only the rules that apply to it are
 * asked here, and the verdict is the same struct). */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "json_members.h"
#include "kesu/destroy.h"
#include "kesu/disposal.h"

static int refuse(struct kesu_disposal_verdict *v, enum kesu_disposal_stop stop)
{
	v->stop = stop;
	return -KESU_EREFUSED;
}

struct spent {
	unsigned entry;
	char job_id[KESU_JOB_ID_LEN + 1];
};

/* A destruction already recorded under the entry spends it. */
static int destroyed_under(uint64_t seq, const char *record, void *ctx)
{
	(void)seq;
	struct spent *s = ctx;
	struct json_object *rec = json_tokener_parse(record);
	const char *kind = Kesu_json_string(rec, "kind");
	struct json_object *entry = Kesu_json_member(Kesu_json_member(rec, "approval"), "entry");
	int found = kind && !strcmp(kind, "destruction") && entry &&
		    json_object_get_int64(entry) == (int64_t)s->entry;
	if (found)
		snprintf(s->job_id, sizeof(s->job_id), "%s", Kesu_json_text(rec, "job_id"));
	json_object_put(rec);
	return found;
}

static int check_spent(const struct kesu_approval *a, struct kesu_ledger *l,
		       struct kesu_disposal_verdict *v)
{
	unsigned entry = v->entry->entry;
	int used = kesu_ledger_approval_use(l, a->number, entry, v->spent_by, v->detail,
					    sizeof(v->detail));
	if (used < 0)
		return used;
	if (used) {
		snprintf(v->detail, sizeof(v->detail),
			 "approval %s entry %u was already used by job %s (SUCCESS)", a->number, entry,
			 v->spent_by);
		return refuse(v, KESU_DISPOSAL_SPENT);
	}
	struct spent s = {entry, ""};
	int rc = kesu_ledger_approval_records(l, a->number, destroyed_under, &s, v->detail,
					      sizeof(v->detail));
	if (rc < 0)
		return rc;
	if (rc > 0) {
		snprintf(v->spent_by, sizeof(v->spent_by), "%s", s.job_id);
		snprintf(v->detail, sizeof(v->detail),
			 "approval %s entry %u was already used by job %s (DESTROYED)", a->number,
			 entry, s.job_id);
		return refuse(v, KESU_DISPOSAL_SPENT);
	}
	return 0;
}

static int judge_policy(const struct kesu_policy *p, const char *cls, bool approved,
			bool witness, struct kesu_disposal_verdict *v)
{
	const struct kesu_policy_class *c = kesu_policy_class(p, cls && *cls ? cls : NULL);
	if (!c) {
		/* the rules of a class not given: as kesu_policy_check decides it */
		struct kesu_disposal_job job = {.classification = cls, .witness = witness};
		v->policy = kesu_policy_check(p, &job, approved, v->detail, sizeof(v->detail));
		if (v->policy == KESU_POLICY_NO_CLASS)
			return refuse(v, KESU_DISPOSAL_POLICY);
		c = &p->cls[2];
		cls = "(any)";
	}
	if (c->approval_required && !approved) {
		v->policy = KESU_POLICY_APPROVAL_REQUIRED;
		snprintf(v->detail, sizeof(v->detail), "class %s requires prior approval", cls);
		return refuse(v, KESU_DISPOSAL_POLICY);
	}
	if (c->witness_required && !witness) {
		v->policy = KESU_POLICY_WITNESS_REQUIRED;
		snprintf(v->detail, sizeof(v->detail), "class %s requires a witness", cls);
		return refuse(v, KESU_DISPOSAL_POLICY);
	}
	v->policy = KESU_POLICY_OK;
	return 0;
}

int kesu_destroy_judge(const struct kesu_policy *policy, const struct kesu_approval *approval,
		       struct kesu_ledger *ledger, const struct kesu_destroy_target *t,
		       const char *classification, const char *purpose, bool witness, time_t now,
		       struct kesu_disposal_verdict *v)
{
	memset(v, 0, sizeof(*v));
	if (approval) {
		struct kesu_disposal_job job = {
			.serial = t->serial ? t->serial : "", .asset = t->asset ? t->asset : "",
			.size = t->size, .classification = classification, .purpose = purpose,
		};
		v->approval = kesu_approval_check(approval, &job, now, &v->entry, v->detail,
						  sizeof(v->detail));
		/* methods and level are an erasure's: a destruction goes beyond them */
		if (v->approval == KESU_APPROVAL_METHOD || v->approval == KESU_APPROVAL_LEVEL)
			v->approval = KESU_APPROVAL_OK;
		if (v->approval != KESU_APPROVAL_OK)
			return refuse(v, KESU_DISPOSAL_APPROVAL);
		v->detail[0] = '\0';
		int rc = ledger ? check_spent(approval, ledger, v) : 0;
		if (rc)
			return rc;
	}
	return judge_policy(policy, classification, approval != NULL, witness, v);
}

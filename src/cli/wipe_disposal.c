/* kesu wipe's disposal checks (issue 14): the policy in force, the trust
 * store, the prior approval; each drive judged twice before anything is
 * written: before the confirmation, and again with the ledger open (the
 * approval's entry not yet spent) and the firmware method settled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "kesu/disposal.h"
#include "kesu/paths.h"
#include "kesu/vocabulary.h"

/* Takes the class and purpose from the approval unless the operator gave
 * them as flags (a station's config default yields to the approval, which
 * names these media); a flag that differs is refused by the check below,
 * with both values. */
static void context_from_approval(struct kesu_job_context *ctx,
				  const struct kesu_job_context *flags, const struct kesu_approval *a)
{
	if (!flags->classification[0])
		snprintf(ctx->classification, sizeof(ctx->classification), "%s", a->classification);
	if (!flags->purpose[0])
		snprintf(ctx->purpose, sizeof(ctx->purpose), "%s", a->purpose);
}

int cli_disposal_load(struct cli_disposal *d, struct cli_station *st,
		      const struct kesu_job_context *flags, const struct kesu_method_set *methods,
		      const char *approval_path, const char *policy_path, const char *trust_path)
{
	memset(d, 0, sizeof(*d));
	int code = cli_policy_load(st, policy_path, &d->policy);
	if (code == KESU_EXIT_OK) /* a policy naming a method kesu lacks is a typo */
		code = cli_policy_methods(&d->policy, methods);
	if (code != KESU_EXIT_OK || !approval_path)
		return code;
	char path[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	/* --trust, else the trust store the policy names, else the usual one. */
	const char *named = trust_path ? trust_path : d->policy.trust[0] ? d->policy.trust : NULL;
	code = cli_trust_path(&st->cfg, named, path, sizeof(path));
	if (code == KESU_EXIT_OK)
		code = cli_trust_load(path, &d->trust);
	if (code != KESU_EXIT_OK)
		return code;
	int rc = kesu_approval_load(approval_path, d->trust, &d->approval, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -KESU_EVERIFY ? KESU_EXIT_REFUSED : KESU_EXIT_USAGE;
	}
	context_from_approval(&st->cfg.ctx, flags, d->approval);
	return KESU_EXIT_OK;
}

void cli_disposal_free(struct cli_disposal *d)
{
	kesu_approval_free(d->approval);
	kesu_trust_free(d->trust);
	memset(d, 0, sizeof(*d));
}

/* One line, in the operator's terms, naming what to give. */
static void say_approval_refusal(const struct kesu_disposal_verdict *v, const char *path)
{
	static const char *const remedy[] = {
		[KESU_APPROVAL_EXPIRED] = N_("ask the approver for a new approval"),
		[KESU_APPROVAL_NOT_LISTED] = N_("this drive is not one of the approval's media; check --asset "
					        "or ask for an approval that names it"),
		[KESU_APPROVAL_CLASS] = N_("give the --class the approval names, or ask for a new approval"),
		[KESU_APPROVAL_PURPOSE] = N_("give the --purpose the approval names, or ask for a new approval"),
		[KESU_APPROVAL_METHOD] = N_("use --method with one of the approval's methods"),
		[KESU_APPROVAL_LEVEL] = N_("use --method with a method that reaches the approval's level"),
	};
	const char *fix = (unsigned)v->approval < sizeof(remedy) / sizeof(remedy[0]) && remedy[v->approval]
				  ? _(remedy[v->approval]) : _("ask the approver");
	cli_error("%s: refused by the approval (§3.2(9)c): %s; %s", path, v->detail, fix);
}

int cli_disposal_check(const struct cli_disposal *d, struct kesu_ledger *ledger,
		       const struct kesu_device *dev, const char *asset,
		       const struct kesu_method *method, const struct kesu_job_options *opts,
		       const struct kesu_job_context *ctx, char **approval_json)
{
	struct kesu_disposal_rules rules = {.policy = &d->policy, .approval = d->approval};
	struct kesu_disposal_job job = {
		.serial = dev->serial, .asset = asset ? asset : "", .size = dev->size,
		.classification = ctx->classification, .purpose = ctx->purpose,
		.method = method, .level = method->nist, .verify_mode = (int)opts->verify_mode,
		.witness = ctx->witness[0] != '\0',
	};
	struct kesu_disposal_verdict v;
	int rc = kesu_disposal_judge(&rules, ledger, &job, time(NULL), &v);
	if (rc == -KESU_EREFUSED) {
		if (v.stop == KESU_DISPOSAL_POLICY)
			cli_policy_refusal(v.policy, ctx->classification, v.detail);
		else if (v.stop == KESU_DISPOSAL_SPENT)
			cli_error("%s: %s: a second disposal under one approval entry is refused "
				  "(§3.2(9)c); ask for a new approval", dev->path, v.detail);
		else
			say_approval_refusal(&v, dev->path);
		return KESU_EXIT_REFUSED;
	}
	if (rc < 0) {
		cli_error("%s", v.detail);
		return cli_exit_for(rc);
	}
	if (approval_json && d->approval) {
		*approval_json = kesu_approval_record_json(d->approval, v.entry);
		if (!*approval_json) {
			cli_error("%s: out of memory", dev->path);
			return KESU_EXIT_FAILURE;
		}
	}
	return KESU_EXIT_OK;
}

void cli_disposal_after(const struct cli_disposal *d, const struct kesu_job_context *ctx,
			const struct kesu_job_result *r)
{
	const struct kesu_policy_class *rule = kesu_policy_class(&d->policy, ctx->classification);
	if (r->outcome == KESU_OUTCOME_SUCCESS || !rule ||
	    rule->on_failure != KESU_POLICY_FAILURE_DESTROY)
		return;
	/* The policy's answer to a medium that could not be erased (note 11). */
	const struct kesu_term *t = kesu_vocab_find(KESU_VOCAB_CLASS, ctx->classification);
	fprintf(stderr, "kesu: %s: 重要性分類%sの媒体は消去を完了できなかったため物理的破壊が必要です"
		" (注11) / the policy requires class %s media whose erasure did not succeed to be "
		"physically destroyed (note 11)\n", r->device.path, t ? t->ja : ctx->classification,
		ctx->classification);
}

/* The policy profile: what the organisation's standard requires of a
 * disposal, per 重要性分類 (class I, II, III), checked before anything is
 * written (issue 14, docs/policy.md, example: docs/policy-example.conf).
 *
 * Without a policy file the defaults below apply; a file (config key
 * "policy = PATH", or the front end's own option) overrides them rule by
 * rule. The file is INI-like, UTF-8:
 *
 *   # comment
 *   name = 高松市情報セキュリティ対策基準 (2024)
 *   [class I]                  # [class I], [class II], [class III], [all]
 *   approval = required        # required | optional
 *   witness = required         # required | optional
 *   methods = nsa-3pass, nist-clear   # method ids; "any" or empty: any method
 *   min_level = purge          # clear | purge | destroy
 *   min_verify = full          # none | sample | full
 *   on_failure = destroy       # destroy | none: what a FAILED job requires
 *
 * "name" is the only key outside a section. [all] sets a rule for every
 * class; a [class ...] section's rule wins over [all]'s, in either order.
 * Unknown sections, keys or values, a key twice in one section and a
 * section twice are refused. '#' starts a comment at the start of a line
 * or after white space, "\#" is a literal '#', as in the config file.
 *
 * Every rule remembers where it came from ("default" or FILE:LINE), for
 * kesu policy show. The library returns which rule refused a job and the
 * clause of the standard it serves; front ends phrase the remedy. */
#ifndef KESU_POLICY_H
#define KESU_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "kesu/approval.h" /* struct kesu_disposal_job */
#include "kesu/method.h"

#define KESU_POLICY_CLASSES 3 /* I, II, III */
#define KESU_POLICY_SOURCE_MAX 160
#define KESU_POLICY_METHODS_MAX 32

enum kesu_policy_verify {
	KESU_POLICY_VERIFY_NONE = 0,
	KESU_POLICY_VERIFY_SAMPLE,
	KESU_POLICY_VERIFY_FULL,
};

enum kesu_policy_failure {
	KESU_POLICY_FAILURE_NONE = 0,
	KESU_POLICY_FAILURE_DESTROY, /* a FAILED medium must be physically destroyed */
};

struct kesu_policy_rule_source {
	char approval[KESU_POLICY_SOURCE_MAX], witness[KESU_POLICY_SOURCE_MAX],
		methods[KESU_POLICY_SOURCE_MAX], min_level[KESU_POLICY_SOURCE_MAX],
		min_verify[KESU_POLICY_SOURCE_MAX], on_failure[KESU_POLICY_SOURCE_MAX];
};

struct kesu_policy_class {
	bool approval_required;
	bool witness_required;
	char methods[KESU_POLICY_METHODS_MAX][KESU_METHOD_ID_MAX + 1]; /* none: any */
	size_t n_methods;
	enum kesu_nist_level min_level;      /* 0: any */
	enum kesu_policy_verify min_verify;
	enum kesu_policy_failure on_failure;
	struct kesu_policy_rule_source from; /* "default" or FILE:LINE */
};

struct kesu_policy {
	char name[256];                      /* "" for the built-in default */
	char path[4096];                     /* "" for the built-in default */
	/* trust = PATH before the first section: the trust store this policy's
	 * approvals are checked against (relative: to the policy file); "" none. */
	char trust[4096];
	char trust_from[KESU_POLICY_SOURCE_MAX];
	struct kesu_policy_class cls[KESU_POLICY_CLASSES]; /* [0] = I, [1] = II, [2] = III */
};

/* The built-in default: approval required for I and II, a witness for I,
 * any method at clear or better, sampled verification, and physical
 * destruction after a failure for I and II. */
void kesu_policy_default(struct kesu_policy *p);

/* Reads a policy file over the default. -KESU_EPARSE "FILE:LINE: reason"
 * for unknown sections, keys or values; -ENOENT etc. with err naming it.
 * Method ids are checked for their form only (the methods a front end
 * knows depend on its options): see kesu_policy_check_methods. On error
 * *p is left as it was. */
int kesu_policy_load(const char *path, struct kesu_policy *p, char *err, size_t errsize);

/* Every method a rule names must be in set: -KESU_EPARSE
 * "FILE:LINE: methods: unknown method \"x\"" (the rule's source) otherwise.
 * A typo in a policy would otherwise refuse every job. */
struct kesu_method_set;
int kesu_policy_check_methods(const struct kesu_policy *p, const struct kesu_method_set *set,
			      char *err, size_t errsize);

/* The rule a job broke. */
enum kesu_policy_refusal {
	KESU_POLICY_OK = 0,
	KESU_POLICY_NO_CLASS,          /* no class given: the policy cannot be applied */
	KESU_POLICY_APPROVAL_REQUIRED, /* §3.2(9)c */
	KESU_POLICY_WITNESS_REQUIRED,  /* MIC guideline (2020), witness of the erasure */
	KESU_POLICY_METHOD,            /* method not in the class's list */
	KESU_POLICY_LEVEL,             /* method's level below min_level */
	KESU_POLICY_VERIFY,            /* verification weaker than min_verify */
};

/* The class rule for "I", "II" or "III"; NULL otherwise. */
const struct kesu_policy_class *kesu_policy_class(const struct kesu_policy *p,
						  const char *classification);

/* Judges job (approved: a valid approval covers it). Returns the first
 * refusal, in the enum's order; err gets an English line with the values
 * involved ("class II requires prior approval"), "" for OK.
 * - NO_CLASS: job->classification is empty (or not I, II, III) and the
 *   classes' rules differ, so the class decides (§3.1: every asset is
 *   classed). When every class has the same rules, no class is needed.
 * - LEVEL: job->level, or the method's own level when job->level is 0.
 * - VERIFY: KESU_VMODE_DEFAULT counts as sample, or none when the method
 *   verifies nothing (or job->method is NULL), as the job resolves it. */
enum kesu_policy_refusal kesu_policy_check(const struct kesu_policy *p,
					   const struct kesu_disposal_job *job, bool approved,
					   char *err, size_t errsize);

/* The clause of the standard a rule serves: "§3.2(9)c", ... ("" for OK):
 * NO_CLASS §3.1; APPROVAL §3.2(9)c; WITNESS the MIC guideline; METHOD and
 * LEVEL "§3.2(9)a, note 11"; VERIFY §3.2(9)a. kesu_policy_clause_ja is
 * the same in Japanese ("§3.2(9)a, 注11", "総務省ガイドライン ..."). */
const char *kesu_policy_clause(enum kesu_policy_refusal r);
const char *kesu_policy_clause_ja(enum kesu_policy_refusal r);

const char *kesu_policy_verify_name(enum kesu_policy_verify v);   /* none, sample, full */
const char *kesu_policy_failure_name(enum kesu_policy_failure f); /* none, destroy */

#endif

/* The policy profile (kesu/policy.h): the built-in default and the
 * judgement of a job against it. The file parser is policy_parse.c. */
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/job.h"
#include "kesu/policy.h"
#include "i18n.h"

static const char *const class_ids[KESU_POLICY_CLASSES] = {"I", "II", "III"};

static void set_sources(struct kesu_policy_rule_source *from, const char *what)
{
	char *all[] = {from->approval, from->witness, from->methods,
		       from->min_level, from->min_verify, from->on_failure};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		snprintf(all[i], KESU_POLICY_SOURCE_MAX, "%s", what);
}

/* §3.2(9) asks approval and unrecoverable erasure of class I and II media;
 * the witness is the MIC guideline's, asked here of class I only; class
 * III gets what any erasure needs: a method, and verification. */
void kesu_policy_default(struct kesu_policy *p)
{
	memset(p, 0, sizeof(*p));
	for (int i = 0; i < KESU_POLICY_CLASSES; i++) {
		struct kesu_policy_class *c = &p->cls[i];
		c->approval_required = i <= 1;
		c->witness_required = i == 0;
		c->min_level = KESU_NIST_CLEAR;
		/* Class III may be written without a read-back: such a job ends
		 * UNVERIFIED, with no certificate, which says so itself. */
		c->min_verify = i <= 1 ? KESU_POLICY_VERIFY_SAMPLE : KESU_POLICY_VERIFY_NONE;
		c->on_failure = i <= 1 ? KESU_POLICY_FAILURE_DESTROY : KESU_POLICY_FAILURE_NONE;
		set_sources(&c->from, "default");
	}
}

const struct kesu_policy_class *kesu_policy_class(const struct kesu_policy *p,
						  const char *classification)
{
	for (int i = 0; classification && i < KESU_POLICY_CLASSES; i++)
		if (!strcmp(classification, class_ids[i]))
			return &p->cls[i];
	return NULL;
}

/* The rules of two classes, without where they came from. */
static bool same_rules(const struct kesu_policy_class *a, const struct kesu_policy_class *b)
{
	if (a->approval_required != b->approval_required ||
	    a->witness_required != b->witness_required || a->n_methods != b->n_methods ||
	    a->min_level != b->min_level || a->min_verify != b->min_verify ||
	    a->on_failure != b->on_failure)
		return false;
	for (size_t i = 0; i < a->n_methods; i++)
		if (strcmp(a->methods[i], b->methods[i]))
			return false;
	return true;
}

static bool method_listed(const struct kesu_policy_class *c, const char *id)
{
	for (size_t i = 0; i < c->n_methods; i++)
		if (!strcmp(c->methods[i], id))
			return true;
	return false;
}

static void list_methods(const struct kesu_policy_class *c, char *buf, size_t size)
{
	buf[0] = '\0';
	for (size_t i = 0, n = 0; i < c->n_methods && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", c->methods[i]);
}

/* What verification the job will do, as job.c resolves the default. */
static enum kesu_policy_verify job_verify(const struct kesu_disposal_job *job)
{
	switch (job->verify_mode) {
	case KESU_VMODE_NONE: return KESU_POLICY_VERIFY_NONE;
	case KESU_VMODE_SAMPLE: return KESU_POLICY_VERIFY_SAMPLE;
	case KESU_VMODE_FULL: return KESU_POLICY_VERIFY_FULL;
	default:
		return job->method && job->method->verify != KESU_VERIFY_NONE
			       ? KESU_POLICY_VERIFY_SAMPLE
			       : KESU_POLICY_VERIFY_NONE;
	}
}

/* The method and level rules (§3.2(9)a, note 11). */
static enum kesu_policy_refusal check_method(const struct kesu_policy_class *c, const char *cls,
					     const struct kesu_disposal_job *job, char *err,
					     size_t errsize)
{
	const char *id = job->method ? job->method->id : "";
	if (c->n_methods && !method_listed(c, id)) {
		char allowed[KESU_POLICY_METHODS_MAX * (KESU_METHOD_ID_MAX + 2)];
		list_methods(c, allowed, sizeof(allowed));
		snprintf(err, errsize, _("class %s allows only the methods %s, not \"%s\""), cls,
			 allowed, id);
		return KESU_POLICY_METHOD;
	}
	enum kesu_nist_level level = job->level ? job->level
				     : job->method ? job->method->nist : 0;
	if (c->min_level && level < c->min_level) {
		snprintf(err, errsize, _("class %s requires NIST SP 800-88 %s or better; method \"%s\" reaches %s here"),
			 cls, kesu_nist_level_name(c->min_level), id,
			 level ? kesu_nist_level_name(level) : "no known level");
		return KESU_POLICY_LEVEL;
	}
	return KESU_POLICY_OK;
}

enum kesu_policy_refusal kesu_policy_check(const struct kesu_policy *p,
					   const struct kesu_disposal_job *job, bool approved,
					   char *err, size_t errsize)
{
	err[0] = '\0';
	const char *cls = job->classification && *job->classification ? job->classification : NULL;
	const struct kesu_policy_class *c = kesu_policy_class(p, cls);
	if (!c) {
		if (!same_rules(&p->cls[0], &p->cls[1]) || !same_rules(&p->cls[1], &p->cls[2])) {
			if (cls)
				snprintf(err, errsize, _("class \"%s\" is none of I, II, III"), cls);
			else
				snprintf(err, errsize, _("the media's class is not given, and the policy's rules differ by class"));
			return KESU_POLICY_NO_CLASS;
		}
		c = &p->cls[2];
		cls = "(any)";
	}
	if (c->approval_required && !approved) {
		snprintf(err, errsize, _("class %s requires prior approval"), cls);
		return KESU_POLICY_APPROVAL_REQUIRED;
	}
	if (c->witness_required && !job->witness) {
		snprintf(err, errsize, _("class %s requires a witness"), cls);
		return KESU_POLICY_WITNESS_REQUIRED;
	}
	enum kesu_policy_refusal r = check_method(c, cls, job, err, errsize);
	if (r != KESU_POLICY_OK)
		return r;
	enum kesu_policy_verify v = job_verify(job);
	if (v < c->min_verify) {
		snprintf(err, errsize, _("class %s requires %s verification; the job would verify %s"), cls,
			 kesu_policy_verify_name(c->min_verify), kesu_policy_verify_name(v));
		return KESU_POLICY_VERIFY;
	}
	return KESU_POLICY_OK;
}

int kesu_policy_check_methods(const struct kesu_policy *p, const struct kesu_method_set *set,
			      char *err, size_t errsize)
{
	for (int i = 0; i < KESU_POLICY_CLASSES; i++)
		for (size_t m = 0; m < p->cls[i].n_methods; m++)
			if (!kesu_method_set_find(set, p->cls[i].methods[m])) {
				snprintf(err, errsize, _("%s: methods: unknown method \"%s\""),
					 p->cls[i].from.methods, p->cls[i].methods[m]);
				return -KESU_EPARSE;
			}
	return 0;
}

const char *kesu_policy_clause(enum kesu_policy_refusal r)
{
	switch (r) {
	case KESU_POLICY_OK: return "";
	case KESU_POLICY_NO_CLASS: return "§3.1";
	case KESU_POLICY_APPROVAL_REQUIRED: return "§3.2(9)c";
	case KESU_POLICY_WITNESS_REQUIRED: return "MIC guideline, Dec. 2020";
	case KESU_POLICY_METHOD:
	case KESU_POLICY_LEVEL: return "§3.2(9)a, note 11";
	case KESU_POLICY_VERIFY: return "§3.2(9)a";
	}
	return "";
}

const char *kesu_policy_clause_ja(enum kesu_policy_refusal r)
{
	switch (r) {
	case KESU_POLICY_WITNESS_REQUIRED: return "総務省ガイドライン 令和2年12月版";
	case KESU_POLICY_METHOD:
	case KESU_POLICY_LEVEL: return "§3.2(9)a, 注11";
	default: return kesu_policy_clause(r);
	}
}

const char *kesu_policy_verify_name(enum kesu_policy_verify v)
{
	switch (v) {
	case KESU_POLICY_VERIFY_NONE: return "none";
	case KESU_POLICY_VERIFY_SAMPLE: return "sample";
	case KESU_POLICY_VERIFY_FULL: return "full";
	}
	return "?";
}

const char *kesu_policy_failure_name(enum kesu_policy_failure f)
{
	switch (f) {
	case KESU_POLICY_FAILURE_NONE: return "none";
	case KESU_POLICY_FAILURE_DESTROY: return "destroy";
	}
	return "?";
}

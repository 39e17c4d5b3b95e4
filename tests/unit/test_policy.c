/* The policy profile (policy.c, policy_parse.c): the default, the file and
 * its FILE:LINE errors and sources, every refusal and their order, and
 * the example shipped in docs/. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/job.h"
#include "kesu/method.h"
#include "kesu/policy.h"
#include "cli.h" /* cli_policy_refusal, compiled in (tests/CMakeLists.txt) */

#define EXAMPLE KESU_FIXTURES "/../../docs/policy-example.conf"

static char dir[] = "/tmp/kesu-test-policy.XXXXXX";
static char path[512], err[KESU_ERRMSG_MAX];
static struct kesu_policy pol;

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/policy.conf", dir);
	kesu_policy_default(&pol);
	err[0] = '\0';
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
	strcpy(dir, "/tmp/kesu-test-policy.XXXXXX");
}

TestSuite(policy, .init = setup, .fini = teardown);

static int load(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fwrite(text, 1, len, f);
	fclose(f);
	return kesu_policy_load(path, &pol, err, sizeof(err));
}
#define LOAD(text) load(text, sizeof(text) - 1)

/* The file is refused with exactly "PATH:LINE: what". */
static void refused(const char *text, size_t len, int line, const char *what)
{
	cr_assert_eq(load(text, len), -KESU_EPARSE, "accepted: %s", text);
	char want[KESU_ERRMSG_MAX];
	snprintf(want, sizeof(want), "%s:%d: %s", path, line, what);
	cr_assert_str_eq(err, want);
}
#define REFUSED(text, line, what) refused(text, sizeof(text) - 1, line, what)

static char *source(int line)
{
	static char buf[600];
	snprintf(buf, sizeof(buf), "%s:%d", path, line);
	return buf;
}

/* ---- the default ---- */

Test(policy, the_default)
{
	const struct kesu_policy_class *c1 = kesu_policy_class(&pol, "I"),
				       *c2 = kesu_policy_class(&pol, "II"),
				       *c3 = kesu_policy_class(&pol, "III");
	cr_assert(c1 && c2 && c3);
	cr_assert_null(kesu_policy_class(&pol, "IV"));
	cr_assert_null(kesu_policy_class(&pol, ""));
	cr_assert_null(kesu_policy_class(&pol, NULL));
	cr_assert(c1->approval_required && c2->approval_required && !c3->approval_required);
	cr_assert(c1->witness_required && !c2->witness_required && !c3->witness_required);
	const struct kesu_policy_class *all[] = {c1, c2, c3};
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(all[i]->n_methods, 0);
		cr_assert_eq(all[i]->min_level, KESU_NIST_CLEAR);
		cr_assert_eq(all[i]->min_verify,
			     i < 2 ? KESU_POLICY_VERIFY_SAMPLE : KESU_POLICY_VERIFY_NONE);
		cr_assert_eq(all[i]->on_failure,
			     i < 2 ? KESU_POLICY_FAILURE_DESTROY : KESU_POLICY_FAILURE_NONE);
		const char *from[] = {all[i]->from.approval,  all[i]->from.witness,
				      all[i]->from.methods,   all[i]->from.min_level,
				      all[i]->from.min_verify, all[i]->from.on_failure};
		for (int k = 0; k < 6; k++)
			cr_assert_str_eq(from[k], "default");
	}
	cr_assert_str_empty(pol.name);
	cr_assert_str_empty(pol.path);
}

/* ---- the file ---- */

Test(policy, rules_and_their_sources)
{
	cr_assert_eq(LOAD("# a policy\n"
			  "name = 高松市 No.\\#3   # comment\n"
			  "\n"
			  "[class I]\n"
			  "approval = optional\n"
			  "witness = required\n"
			  "methods = nsa-3pass , dod-3pass\n"
			  "min_level = purge\n"
			  "min_verify = full\n"
			  "on_failure = none\n"
			  "[class III]\n"
			  "witness = required\n"),
		     0, "%s", err);
	cr_assert_str_eq(pol.name, "高松市 No.#3");
	cr_assert_str_eq(pol.path, path);
	const struct kesu_policy_class *c = kesu_policy_class(&pol, "I");
	cr_assert(!c->approval_required && c->witness_required);
	cr_assert_eq(c->n_methods, 2);
	cr_assert_str_eq(c->methods[0], "nsa-3pass");
	cr_assert_str_eq(c->methods[1], "dod-3pass");
	cr_assert_eq(c->min_level, KESU_NIST_PURGE);
	cr_assert_eq(c->min_verify, KESU_POLICY_VERIFY_FULL);
	cr_assert_eq(c->on_failure, KESU_POLICY_FAILURE_NONE);
	cr_assert_str_eq(c->from.approval, source(5));
	cr_assert_str_eq(c->from.witness, source(6));
	cr_assert_str_eq(c->from.methods, source(7));
	cr_assert_str_eq(c->from.min_level, source(8));
	cr_assert_str_eq(c->from.min_verify, source(9));
	cr_assert_str_eq(c->from.on_failure, source(10));
	/* what the file does not set stays the default, and says so */
	const struct kesu_policy_class *c2 = kesu_policy_class(&pol, "II");
	cr_assert(c2->approval_required);
	cr_assert_str_eq(c2->from.approval, "default");
	const struct kesu_policy_class *c3 = kesu_policy_class(&pol, "III");
	cr_assert(c3->witness_required);
	cr_assert_str_eq(c3->from.witness, source(12));
	cr_assert_str_eq(c3->from.approval, "default");
}

Test(policy, all_sets_every_class_and_a_class_section_wins_in_either_order)
{
	cr_assert_eq(LOAD("[class I]\n"
			  "min_verify = full\n"
			  "[all]\n"
			  "min_verify = none\n"
			  "approval = required\n"
			  "[class II]\n"
			  "min_verify = sample\n"),
		     0, "%s", err);
	const struct kesu_policy_class *c1 = kesu_policy_class(&pol, "I"),
				       *c2 = kesu_policy_class(&pol, "II"),
				       *c3 = kesu_policy_class(&pol, "III");
	cr_assert_eq(c1->min_verify, KESU_POLICY_VERIFY_FULL);
	cr_assert_str_eq(c1->from.min_verify, source(2));
	cr_assert_eq(c2->min_verify, KESU_POLICY_VERIFY_SAMPLE);
	cr_assert_str_eq(c2->from.min_verify, source(7));
	cr_assert_eq(c3->min_verify, KESU_POLICY_VERIFY_NONE);
	cr_assert_str_eq(c3->from.min_verify, source(4));
	cr_assert(c3->approval_required);
	cr_assert_str_eq(c3->from.approval, source(5));
	cr_assert_str_eq(c1->from.approval, source(5));
}

Test(policy, any_method_bom_crlf_and_u3000_before_a_comment)
{
	cr_assert_eq(LOAD("\xef\xbb\xbf[class I]\r\n"
			  "methods = any\r\n"
			  "[class II]\r\n"
			  "methods =\xe3\x80\x80# 全角スペースの後のコメント\r\n"),
		     0, "%s", err);
	cr_assert_eq(kesu_policy_class(&pol, "I")->n_methods, 0);
	cr_assert_str_eq(kesu_policy_class(&pol, "I")->from.methods, source(2));
	cr_assert_eq(kesu_policy_class(&pol, "II")->n_methods, 0);
}

Test(policy, malformed_files_name_file_and_line)
{
	REFUSED("[class IV]\n", 1,
		"unknown section [class IV] (one of [class I], [class II], [class III], [all])");
	REFUSED("[class I\n", 1, "a section header must end with \"]\"");
	REFUSED("\n[class I]\ncolour = red\n", 3,
		"unknown key \"colour\" (name, trust, approval, witness, methods, min_level, min_verify, on_failure)");
	REFUSED("[class I]\napproval required\n", 2, "expected \"key = value\" or \"[section]\"");
	REFUSED("[class I]\napproval = yes\n", 2, "approval: \"yes\" is not optional or required");
	REFUSED("[class I]\nwitness = \n", 2, "witness: \"\" is not optional or required");
	REFUSED("[all]\nmin_level = strong\n", 2,
		"min_level: \"strong\" is not clear, purge or destroy");
	REFUSED("[all]\nmin_verify = last\n", 2, "min_verify: \"last\" is not none, sample or full");
	REFUSED("[all]\non_failure = shred\n", 2, "on_failure: \"shred\" is not none or destroy");
	REFUSED("[class I]\nwitness = required\nwitness = optional\n", 3,
		"duplicate key \"witness\" in [class I], first at line 2");
	REFUSED("[class I]\n[class II]\n[class I]\n", 3, "duplicate section [class I], first at line 1");
	REFUSED("approval = required\n", 1,
		"approval: outside a section; put it under [class I], [class II], [class III] or [all]");
	REFUSED("[all]\nname = x\n", 2, "name: belongs before the first section");
	REFUSED("name = a\nname = b\n", 2, "duplicate key \"name\", first at line 1");
	REFUSED("name =\n", 1, "name: is empty");
	REFUSED("[class I]\nmethods = DoD-3pass\n", 2,
		"methods: \"DoD-3pass\" is not a method id (a-z, 0-9 and -, at most 32 bytes; \"any\" stands alone)");
	REFUSED("[class I]\nmethods = zero,,one\n", 2,
		"methods: \"\" is not a method id (a-z, 0-9 and -, at most 32 bytes; \"any\" stands alone)");
	REFUSED("[class I]\nmethods = zero, any\n", 2,
		"methods: \"any\" is not a method id (a-z, 0-9 and -, at most 32 bytes; \"any\" stands alone)");
	REFUSED("[class I]\nmethods = zero, one, zero\n", 2, "methods: \"zero\" is listed twice");
}

Test(policy, text_that_is_not_clean_utf8)
{
	REFUSED("name = ok\nname2 = \xff\n", 2, "not valid UTF-8 (byte 9 of the line is 0xff)");
	REFUSED("name = a\x1b[31m\n", 1, "a control character (U+001B)");
	REFUSED("name = a\xe2\x80\xae" "b\n", 1, "a control character (U+202E)");
	REFUSED("[all]\nmin_level = clear\0\n", 2, "a NUL byte");
}

Test(policy, too_many_methods)
{
	char text[2048] = "[class I]\nmethods = m0";
	for (int i = 1; i <= KESU_POLICY_METHODS_MAX; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), ", m%d", i);
	strcat(text, "\n");
	refused(text, strlen(text), 2, "methods: more than 32 methods");
}

Test(policy, a_refused_file_leaves_the_policy_as_it_was)
{
	cr_assert_eq(LOAD("name = first\n[class II]\napproval = optional\n"), 0, "%s", err);
	cr_assert_eq(LOAD("name = second\n[class II]\napproval = required\nbogus = 1\n"), -KESU_EPARSE);
	cr_assert_str_eq(pol.name, "first");
	cr_assert(!kesu_policy_class(&pol, "II")->approval_required);
}

Test(policy, a_missing_file_is_an_error_naming_it)
{
	cr_assert_eq(kesu_policy_load("/nonexistent/kesu/policy.conf", &pol, err, sizeof(err)),
		     -ENOENT);
	cr_assert(strstr(err, "/nonexistent/kesu/policy.conf"), "%s", err);
	cr_assert_eq(kesu_policy_load(dir, &pol, err, sizeof(err)), -KESU_EPARSE, "a directory");
	cr_assert(strstr(err, dir), "%s", err);
}

Test(policy, a_long_path_keeps_its_end_in_the_source)
{
	char longdir[400];
	snprintf(longdir, sizeof(longdir), "%s/%0200d", dir, 0);
	cr_assert_eq(mkdir(longdir, 0700), 0);
	char p[500];
	snprintf(p, sizeof(p), "%s/policy.conf", longdir);
	FILE *f = fopen(p, "w");
	fputs("[class I]\nwitness = optional\n", f);
	fclose(f);
	cr_assert_eq(kesu_policy_load(p, &pol, err, sizeof(err)), 0, "%s", err);
	const char *src = kesu_policy_class(&pol, "I")->from.witness;
	cr_assert_lt(strlen(src), KESU_POLICY_SOURCE_MAX);
	cr_assert(!strncmp(src, "...", 3), "%s", src);
	size_t n = strlen(src);
	cr_assert_str_eq(src + n - strlen("/policy.conf:2"), "/policy.conf:2");
	unlink(p);
	rmdir(longdir);
}

static int line_of(const char *file, const char *text)
{
	FILE *f = fopen(file, "r");
	cr_assert_not_null(f, "%s", file);
	char buf[1024];
	int n = 0, found = 0;
	while (!found && fgets(buf, sizeof(buf), f)) {
		n++;
		if (!strncmp(buf, text, strlen(text)))
			found = n;
	}
	fclose(f);
	cr_assert(found, "%s: no line starting with %s", file, text);
	return found;
}

/* The example in docs/ parses, names only methods kesu has, and says
 * what docs/policy.md says it does. */
Test(policy, the_shipped_example)
{
	cr_assert_eq(kesu_policy_load(EXAMPLE, &pol, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_not_empty(pol.name);
	struct kesu_method_set *set;
	cr_assert_eq(kesu_method_set_load(&set, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_policy_check_methods(&pol, set, err, sizeof(err)), 0, "%s", err);
	kesu_method_set_free(set);
	const struct kesu_policy_class *c1 = kesu_policy_class(&pol, "I"),
				       *c2 = kesu_policy_class(&pol, "II"),
				       *c3 = kesu_policy_class(&pol, "III");
	cr_assert(c1->approval_required && c1->witness_required);
	cr_assert(c2->approval_required && !c2->witness_required);
	cr_assert(!c3->approval_required && !c3->witness_required);
	cr_assert_eq(c1->min_verify, KESU_POLICY_VERIFY_FULL);
	cr_assert_eq(c2->min_verify, KESU_POLICY_VERIFY_SAMPLE);
	/* note 11 accepts the NSA and DoD overwrites: clear is the floor */
	cr_assert_eq(c1->min_level, KESU_NIST_CLEAR);
	cr_assert_eq(c1->n_methods, 3);
	cr_assert_eq(c3->n_methods, 0);
	cr_assert_eq(c1->on_failure, KESU_POLICY_FAILURE_DESTROY);
	cr_assert_eq(c3->on_failure, KESU_POLICY_FAILURE_NONE);
	char want[600];
	snprintf(want, sizeof(want), "%s:%d", EXAMPLE, line_of(EXAMPLE, "min_level = clear"));
	cr_assert_str_eq(c3->from.min_level, want, "[all] applies to class III");
	snprintf(want, sizeof(want), "%s:%d", EXAMPLE, line_of(EXAMPLE, "min_verify = full"));
	cr_assert_str_eq(c1->from.min_verify, want);
}

Test(policy, unknown_methods_are_named_with_their_line)
{
	cr_assert_eq(LOAD("[class II]\n\nmethods = zero, no-such-method\n"), 0, "%s", err);
	struct kesu_method_set *set;
	cr_assert_eq(kesu_method_set_load(&set, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_policy_check_methods(&pol, set, err, sizeof(err)), -KESU_EPARSE);
	char want[700];
	snprintf(want, sizeof(want), "%s: methods: unknown method \"no-such-method\"", source(3));
	cr_assert_str_eq(err, want);
	kesu_method_set_free(set);
}

/* ---- the check ---- */

static struct kesu_method overwrite = {.id = "dod-3pass", .nist = KESU_NIST_CLEAR,
				       .verify = KESU_VERIFY_LAST};
static struct kesu_method unverified = {.id = "zero", .nist = KESU_NIST_CLEAR,
					.verify = KESU_VERIFY_NONE};
static struct kesu_method purge = {.id = "nvme-format-crypto", .nist = KESU_NIST_PURGE,
				   .verify = KESU_VERIFY_LAST,
				   .technique = KESU_TECHNIQUE_FIRMWARE};

static struct kesu_disposal_job job(const char *cls, const struct kesu_method *m)
{
	return (struct kesu_disposal_job){.serial = "S1", .classification = cls, .purpose = "",
					  .method = m, .level = m ? m->nist : 0,
					  .verify_mode = KESU_VMODE_DEFAULT, .witness = false};
}

static enum kesu_policy_refusal check(const struct kesu_disposal_job *j, bool approved)
{
	return kesu_policy_check(&pol, j, approved, err, sizeof(err));
}

Test(policy, class_iii_under_the_default_passes)
{
	struct kesu_disposal_job j = job("III", &overwrite);
	cr_assert_eq(check(&j, false), KESU_POLICY_OK, "%s", err);
	cr_assert_str_empty(err);
}

Test(policy, no_class_is_refused_when_the_rules_differ_by_class)
{
	struct kesu_disposal_job j = job("", &overwrite);
	cr_assert_eq(check(&j, true), KESU_POLICY_NO_CLASS);
	cr_assert_str_eq(err, "the media's class is not given, and the policy's rules differ by class");
	j.classification = NULL;
	cr_assert_eq(check(&j, true), KESU_POLICY_NO_CLASS);
	j.classification = "IV";
	cr_assert_eq(check(&j, true), KESU_POLICY_NO_CLASS);
	cr_assert_str_eq(err, "class \"IV\" is none of I, II, III");
	cr_assert_str_eq(kesu_policy_clause(KESU_POLICY_NO_CLASS), "§3.1");
}

Test(policy, no_class_is_fine_when_every_class_has_the_same_rules)
{
	cr_assert_eq(LOAD("[all]\napproval = optional\nwitness = optional\non_failure = none\n"
			  "min_verify = sample\n"), 0, "%s", err);
	struct kesu_disposal_job j = job("", &overwrite);
	cr_assert_eq(check(&j, false), KESU_POLICY_OK, "%s", err);
	/* the same rules, but one class lists methods: the class matters again */
	cr_assert_eq(LOAD("[all]\napproval = optional\nwitness = optional\non_failure = none\n"
			  "min_verify = sample\n[class I]\nmethods = dod-3pass\n"),
		     0, "%s", err);
	cr_assert_eq(check(&j, false), KESU_POLICY_NO_CLASS);
}

Test(policy, approval)
{
	struct kesu_disposal_job j = job("II", &overwrite);
	cr_assert_eq(check(&j, false), KESU_POLICY_APPROVAL_REQUIRED);
	cr_assert_str_eq(err, "class II requires prior approval");
	cr_assert_str_eq(kesu_policy_clause(KESU_POLICY_APPROVAL_REQUIRED), "§3.2(9)c");
	cr_assert_eq(check(&j, true), KESU_POLICY_OK, "%s", err);
	/* a policy that does not require one */
	cr_assert_eq(LOAD("[class II]\napproval = optional\n"), 0, "%s", err);
	cr_assert_eq(check(&j, false), KESU_POLICY_OK, "%s", err);
}

Test(policy, witness)
{
	struct kesu_disposal_job j = job("I", &overwrite);
	cr_assert_eq(check(&j, true), KESU_POLICY_WITNESS_REQUIRED);
	cr_assert_str_eq(err, "class I requires a witness");
	cr_assert(strstr(kesu_policy_clause(KESU_POLICY_WITNESS_REQUIRED), "MIC guideline"));
	cr_assert(strstr(kesu_policy_clause_ja(KESU_POLICY_WITNESS_REQUIRED), "総務省"));
	j.witness = true;
	cr_assert_eq(check(&j, true), KESU_POLICY_OK, "%s", err);
}

Test(policy, method)
{
	cr_assert_eq(LOAD("[class II]\nmethods = nsa-3pass, dod-3pass\n"), 0, "%s", err);
	struct kesu_disposal_job j = job("II", &unverified);
	j.verify_mode = KESU_VMODE_SAMPLE;
	cr_assert_eq(check(&j, true), KESU_POLICY_METHOD);
	cr_assert_str_eq(err, "class II allows only the methods nsa-3pass, dod-3pass, not \"zero\"");
	cr_assert_str_eq(kesu_policy_clause(KESU_POLICY_METHOD), "§3.2(9)a, note 11");
	cr_assert_str_eq(kesu_policy_clause_ja(KESU_POLICY_METHOD), "§3.2(9)a, 注11");
	j = job("II", &overwrite);
	cr_assert_eq(check(&j, true), KESU_POLICY_OK, "%s", err);
}

Test(policy, level_of_the_drive_or_else_of_the_method)
{
	cr_assert_eq(LOAD("[class II]\nmin_level = purge\n"), 0, "%s", err);
	struct kesu_disposal_job j = job("II", &overwrite);
	cr_assert_eq(check(&j, true), KESU_POLICY_LEVEL);
	cr_assert_str_eq(err, "class II requires NIST SP 800-88 purge or better; method \"dod-3pass\" reaches clear here");
	cr_assert_str_eq(kesu_policy_clause(KESU_POLICY_LEVEL), "§3.2(9)a, note 11");
	j = job("II", &purge);
	cr_assert_eq(check(&j, true), KESU_POLICY_OK, "%s", err);
	/* a firmware method that reaches only clear on this drive (flash) */
	j.level = KESU_NIST_CLEAR;
	cr_assert_eq(check(&j, true), KESU_POLICY_LEVEL);
	/* level 0: not known for the drive; the method's own counts */
	j.level = 0;
	cr_assert_eq(check(&j, true), KESU_POLICY_OK, "%s", err);
}

Test(policy, verification_and_the_methods_default)
{
	struct kesu_disposal_job j = job("II", &unverified);
	cr_assert_eq(check(&j, true), KESU_POLICY_VERIFY, "the method verifies nothing");
	cr_assert_str_eq(err, "class II requires sample verification; the job would verify none");
	cr_assert_str_eq(kesu_policy_clause(KESU_POLICY_VERIFY), "§3.2(9)a");
	j.verify_mode = KESU_VMODE_SAMPLE;
	cr_assert_eq(check(&j, true), KESU_POLICY_OK, "%s", err);
	j = job("II", &overwrite); /* the default: sampled */
	cr_assert_eq(check(&j, true), KESU_POLICY_OK, "%s", err);
	j.verify_mode = KESU_VMODE_NONE;
	cr_assert_eq(check(&j, true), KESU_POLICY_VERIFY);
	cr_assert_eq(LOAD("[class II]\nmin_verify = full\n"), 0, "%s", err);
	j.verify_mode = KESU_VMODE_DEFAULT;
	cr_assert_eq(check(&j, true), KESU_POLICY_VERIFY);
	cr_assert_str_eq(err, "class II requires full verification; the job would verify sample");
	j.verify_mode = KESU_VMODE_FULL;
	cr_assert_eq(check(&j, true), KESU_POLICY_OK, "%s", err);
	/* class III may go unverified under the default (it ends UNVERIFIED) */
	kesu_policy_default(&pol);
	j = job("III", &unverified);
	cr_assert_eq(check(&j, false), KESU_POLICY_OK, "%s", err);
}

/* One job that breaks every rule meets them in the documented order as
 * each is mended. */
Test(policy, order_of_refusals)
{
	cr_assert_eq(LOAD("[class I]\nmethods = nist-clear\nmin_level = purge\nmin_verify = full\n"),
		     0, "%s", err);
	struct kesu_disposal_job j = job("", &unverified);
	j.verify_mode = KESU_VMODE_NONE;
	enum kesu_policy_refusal want[] = {KESU_POLICY_NO_CLASS, KESU_POLICY_APPROVAL_REQUIRED,
					   KESU_POLICY_WITNESS_REQUIRED, KESU_POLICY_METHOD,
					   KESU_POLICY_LEVEL, KESU_POLICY_VERIFY, KESU_POLICY_OK};
	bool approved = false;
	struct kesu_method listed = {.id = "nist-clear", .nist = KESU_NIST_CLEAR,
				     .verify = KESU_VERIFY_LAST};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		cr_assert_eq(check(&j, approved), want[i], "step %zu: %s", i, err);
		switch (want[i]) {
		case KESU_POLICY_NO_CLASS: j.classification = "I"; break;
		case KESU_POLICY_APPROVAL_REQUIRED: approved = true; break;
		case KESU_POLICY_WITNESS_REQUIRED: j.witness = true; break;
		case KESU_POLICY_METHOD: j.method = &listed; j.level = KESU_NIST_CLEAR; break;
		case KESU_POLICY_LEVEL: j.level = KESU_NIST_PURGE; break;
		case KESU_POLICY_VERIFY: j.verify_mode = KESU_VMODE_FULL; break;
		case KESU_POLICY_OK: break;
		}
	}
	cr_assert_str_empty(kesu_policy_clause(KESU_POLICY_OK));
}

Test(policy, names)
{
	cr_assert_str_eq(kesu_policy_verify_name(KESU_POLICY_VERIFY_NONE), "none");
	cr_assert_str_eq(kesu_policy_verify_name(KESU_POLICY_VERIFY_SAMPLE), "sample");
	cr_assert_str_eq(kesu_policy_verify_name(KESU_POLICY_VERIFY_FULL), "full");
	cr_assert_str_eq(kesu_policy_failure_name(KESU_POLICY_FAILURE_NONE), "none");
	cr_assert_str_eq(kesu_policy_failure_name(KESU_POLICY_FAILURE_DESTROY), "destroy");
}

/* ---- the command line's refusal line (policy_phrase.c) ---- */

/* What cli_policy_refusal printed on stderr. */
static const char *refusal_line(enum kesu_policy_refusal r, const char *cls, const char *detail)
{
	static char out[2048];
	char file[600];
	snprintf(file, sizeof(file), "%s/stderr", dir);
	fflush(stderr);
	int saved = dup(2), fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	cr_assert(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	cli_policy_refusal(r, cls, detail);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	FILE *f = fopen(file, "r");
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	fclose(f);
	unlink(file);
	return out;
}

/* Each refusal as kesu wipe prints it: one line, Japanese / English, the
 * clause in both, the flag that remedies it. */
Test(policy, refusal_lines)
{
	struct kesu_disposal_job j = job("II", &overwrite);
	enum kesu_policy_refusal r = check(&j, false);
	cr_assert_str_eq(refusal_line(r, "II", err),
			 "kesu: 重要性分類Ⅱの媒体は事前承認が必要です (§3.2(9)c): --approval FILE / "
			 "class II requires prior approval (§3.2(9)c): give --approval FILE\n");
	j = job("I", &overwrite);
	r = check(&j, true);
	cr_assert_str_eq(refusal_line(r, "I", err),
			 "kesu: 重要性分類Ⅰの媒体の消去には立会者が必要です (総務省ガイドライン 令和2年12月版): "
			 "--witness NAME / class I requires a witness (MIC guideline, Dec. 2020): "
			 "give --witness NAME\n");
	j = job("", &overwrite);
	r = check(&j, true);
	cr_assert_str_eq(refusal_line(r, "", err),
			 "kesu: 媒体の重要性分類が指定されていません (§3.1): --class I|II|III / the media's "
			 "class is not given, and the policy's rules differ by class (§3.1): give "
			 "--class I|II|III\n");
	cr_assert_eq(LOAD("[class III]\nmethods = dod-3pass\nmin_level = purge\n"), 0, "%s", err);
	j = job("III", &unverified);
	r = check(&j, false);
	cr_assert_str_eq(refusal_line(r, "III", err),
			 "kesu: 重要性分類Ⅲの媒体には、この消去方式は認められていません (§3.2(9)a, 注11): "
			 "--method ID / class III allows only the methods dod-3pass, not \"zero\" "
			 "(§3.2(9)a, note 11): give --method ID\n");
	j = job("III", &overwrite);
	r = check(&j, false);
	cr_assert_eq(r, KESU_POLICY_LEVEL);
	cr_assert(strstr(refusal_line(r, "III", err),
			 "): give --method ID of that level (kesu methods lists the levels)\n"));
}

Test(policy, refusal_lines_for_verification_name_the_level_required)
{
	struct kesu_disposal_job j = job("II", &unverified);
	enum kesu_policy_refusal r = check(&j, true);
	cr_assert_str_eq(refusal_line(r, "II", err),
			 "kesu: 重要性分類Ⅱの媒体には、より確実な消去の検証が必要です (§3.2(9)a): "
			 "--verify sample / class II requires sample verification; the job would "
			 "verify none (§3.2(9)a): give --verify sample\n");
	cr_assert_eq(LOAD("[class II]\nmin_verify = full\n"), 0, "%s", err);
	j = job("II", &overwrite);
	r = check(&j, true);
	const char *line = refusal_line(r, "II", err);
	cr_assert(strstr(line, "(§3.2(9)a): --verify full / "), "%s", line);
	cr_assert(strstr(line, "give --verify full\n"), "%s", line);
	cr_assert_str_empty(refusal_line(KESU_POLICY_OK, "I", ""));
}

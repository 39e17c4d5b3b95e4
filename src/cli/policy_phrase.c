/* The policy on the command line (docs/policy.md): which policy file is in
 * force (--policy, then the config file's "policy = PATH", then the
 * built-in default), and a refusal phrased as one line, Japanese then
 * English, with the clause and the flag that remedies it. Both languages
 * on one line: the station often runs in the C locale (the live image),
 * the operator reads Japanese, and logs are searched in English. */
#include <libgen.h>
#include <limits.h>
#include <string.h>

#include "cli.h"
#include "kesu/paths.h"
#include "kesu/vocabulary.h"

/* A relative "policy = PATH" in the config file means next to it, not
 * wherever kesu happens to be started. */
static int config_relative(const char *value, char *out, size_t size)
{
	char cfg[PATH_MAX];
	if (value[0] == '/' || kesu_default_path(KESU_PATH_CONFIG, cfg, sizeof(cfg)) < 0) {
		snprintf(out, size, "%s", value);
		return KESU_EXIT_OK;
	}
	if ((size_t)snprintf(out, size, "%s/%s", dirname(cfg), value) >= size) {
		cli_error("policy = %s (config file): the path is too long", value);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

int cli_policy_load(struct cli_station *st, const char *flag_path, struct kesu_policy *p)
{
	kesu_policy_default(p);
	char path[PATH_MAX], err[KESU_ERRMSG_MAX];
	if (flag_path && *flag_path) {
		snprintf(path, sizeof(path), "%s", flag_path);
	} else if (st->cfg.policy[0]) {
		int code = config_relative(st->cfg.policy, path, sizeof(path));
		if (code != KESU_EXIT_OK)
			return code;
	} else {
		return KESU_EXIT_OK; /* the built-in default */
	}
	int rc = kesu_policy_load(path, p, err, sizeof(err));
	if (rc == -KESU_EPARSE) {
		cli_error("%s", err); /* FILE:LINE: reason */
		return KESU_EXIT_USAGE;
	}
	if (rc < 0) {
		cli_error("policy file %s", err);
		return rc == -ENOENT ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	return KESU_EXIT_OK;
}

int cli_policy_methods(const struct kesu_policy *p, const struct kesu_method_set *set)
{
	char err[KESU_ERRMSG_MAX];
	if (kesu_policy_check_methods(p, set, err, sizeof(err)) < 0) {
		cli_error("%s (kesu methods lists them)", err);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

/* The Japanese half: "重要性分類" + the class as the standard writes it
 * (Ⅰ, Ⅱ, Ⅲ) + what it needs; and the flag that remedies it. */
struct phrase {
	const char *ja_need, *remedy;
};

static struct phrase phrase_of(enum kesu_policy_refusal r, const char *detail)
{
	switch (r) {
	case KESU_POLICY_NO_CLASS: return (struct phrase){"", "--class I|II|III"};
	case KESU_POLICY_APPROVAL_REQUIRED:
		return (struct phrase){"の媒体は事前承認が必要です", "--approval FILE"};
	case KESU_POLICY_WITNESS_REQUIRED:
		return (struct phrase){"の媒体の消去には立会者が必要です", "--witness NAME"};
	case KESU_POLICY_METHOD:
		return (struct phrase){"の媒体には、この消去方式は認められていません", "--method ID"};
	case KESU_POLICY_LEVEL:
		return (struct phrase){"の媒体には、より高い消去レベル (NIST SP 800-88) の方式が必要です",
				       "--method ID"};
	case KESU_POLICY_VERIFY:
		/* kesu_policy_check says "class I requires full verification; ..." */
		return (struct phrase){"の媒体には、より確実な消去の検証が必要です",
				       detail && strstr(detail, "requires full ") ? "--verify full"
										 : "--verify sample"};
	case KESU_POLICY_OK: break;
	}
	return (struct phrase){"", ""};
}

void cli_policy_refusal(enum kesu_policy_refusal r, const char *classification,
			const char *detail)
{
	if (r == KESU_POLICY_OK)
		return;
	const struct kesu_term *t = kesu_vocab_find(KESU_VOCAB_CLASS, classification);
	struct phrase ph = phrase_of(r, detail);
	char ja[512];
	if (r == KESU_POLICY_NO_CLASS || !t)
		snprintf(ja, sizeof(ja), "媒体の重要性分類が指定されていません");
	else
		snprintf(ja, sizeof(ja), "重要性分類%s%s", t->ja, ph.ja_need);
	const char *en = detail && *detail ? detail : "the policy refuses this job";
	const char *hint = r == KESU_POLICY_LEVEL ? " of that level (kesu methods lists the levels)" : "";
	cli_error("%s (%s): %s / %s (%s): give %s%s", ja, kesu_policy_clause_ja(r), ph.remedy, en,
		  kesu_policy_clause(r), ph.remedy, hint);
}

/* A ledger record's members as text and the words people read for its
 * outcomes, kinds and states (ledger_view.h). The Japanese words are the
 * register's and the certificate's (消去完了, 例外付き消去, ...), so a manager
 * reads the same word on the screen and on paper. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "kesu/record.h"
#include "kesu/trust.h"
#include "ledger_view.h"

struct json_object *cli_rec_member(struct json_object *rec, const char *path)
{
	char part[64];
	struct json_object *o = rec;
	while (o && *path) {
		size_t n = strcspn(path, ".");
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, part, &o))
			return NULL;
		path += n + (path[n] == '.');
	}
	return o;
}

const char *cli_rec_text(struct json_object *rec, const char *path)
{
	struct json_object *o = cli_rec_member(rec, path);
	if (!o || json_object_is_type(o, json_type_null) || json_object_is_type(o, json_type_object) ||
	    json_object_is_type(o, json_type_array))
		return "";
	return json_object_get_string(o);
}

bool cli_rec_is_job(struct json_object *rec)
{
	const char *kind = cli_rec_text(rec, "kind");
	return !*kind || !strcmp(kind, "wipe") || !strcmp(kind, "verify");
}

void cli_local_time_text(const char *local, bool seconds, char *buf, size_t size)
{
	/* 2026-12-06T10:00:00+09:00: date 0-9, time 11-18, offset 19-24 */
	if (strlen(local) == 25 && local[10] == 'T' && (local[19] == '+' || local[19] == '-'))
		snprintf(buf, size, "%.10s %.*s %s", local, seconds ? 8 : 5, local + 11, local + 19);
	else
		snprintf(buf, size, "%s", local);
}

void cli_utc_time_text(const char *utc, bool seconds, char *buf, size_t size)
{
	struct tm tm = {0};
	const char *end = strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
	char local[40];
	if (!end || *end) {
		snprintf(buf, size, "%s", "");
		return;
	}
	kesu_time_local(timegm(&tm), local);
	cli_local_time_text(local, seconds, buf, size);
}

static const char *words(const char *const (*table)[3], size_t n, const char *id, bool ja)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(id, table[i][0]))
			return table[i][ja ? 2 : 1];
	return id;
}

const char *cli_outcome_words(const char *outcome, bool ja)
{
	static const char *const t[][3] = {
		{"SUCCESS", "SUCCESS", "消去完了"},
		{"ERASED_WITH_EXCEPTIONS", "ERASED_WITH_EXCEPTIONS", "例外付き消去"},
		{"UNVERIFIED", "UNVERIFIED", "未検証"},
		{"FAILED", "FAILED", "消去失敗"},
		{"INTERRUPTED", "INTERRUPTED", "中断"},
		{"ABANDONED", "ABANDONED", "中止"},
		{"DESTROYED", "DESTROYED", "物理破壊"},
		{"PASSED", "PASSED", "合格"}, /* a check by kesu verify */
	};
	return words(t, sizeof(t) / sizeof(t[0]), outcome, ja);
}

const char *cli_kind_words(const char *kind, bool ja)
{
	static const char *const t[][3] = {
		{"verify", "check", "検証"},
		{"destruction", "destruction", "物理破壊"},
		{"handover", "handover", "引渡し"},
		{"batch-certificate", "batch-certificate", "一括証明書"},
		{"received-certificate", "received-certificate", "受領証明書"},
		{"countersignature", "countersignature", "副署"},
		{"pdf-signature", "pdf-signature", "電子署名"},
		{"trust", "trust", "信頼設定"},
	};
	return words(t, sizeof(t) / sizeof(t[0]), kind, ja);
}

const char *cli_state_words(const char *state, bool ja)
{
	static const char *const t[][3] = {
		{"running", "running", "実行中"},
		{"interrupted", "interrupted", "中断"},
	};
	return words(t, sizeof(t) / sizeof(t[0]), state, ja);
}

const char *cli_member_words(const char *member, const char *value, bool ja)
{
	static const char *const actions[][3] = {
		{"add", "add", "追加"}, {"remove", "remove", "削除"},
		{"countersign", "countersign", "副署"}, {"sign", "sign", "署名"},
	};
	enum kesu_role role;
	if (!ja)
		return value;
	if (!strcmp(member, "role") && kesu_role_parse(value, &role) == 0)
		return kesu_role_label_ja(role);
	if (!strcmp(member, "action"))
		return words(actions, sizeof(actions) / sizeof(actions[0]), value, ja);
	if (!strcmp(member, "kind"))
		return cli_kind_words(value, ja);
	if (!strcmp(member, "outcome"))
		return cli_outcome_words(value, ja);
	return value;
}

const char *cli_level_words(const char *level, bool ja)
{
	static const char *const t[][3] = {
		{"clear", "clear", "クリア (Clear)"}, {"purge", "purge", "パージ (Purge)"},
		{"destroy", "destroy", "破壊 (Destroy)"}, {"none", "none", "なし"},
	};
	return words(t, sizeof(t) / sizeof(t[0]), level, ja);
}

/* kesu ledger show: one record as labelled lines in the reader's
 * language (ledger_view.h). A job shows who, for whom, what, how and the
 * result, and where its certificate is; an event shows its own members. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kesu/vocabulary.h"
#include "ledger_view.h"

#define MAX_LINES 160

struct lines {
	size_t n;
	char label[MAX_LINES][160];
	char *value[MAX_LINES]; /* escaped for the terminal */
	bool ja;
};

/* One labelled value; stored text is escaped here, "" shows as "-". */
static void add(struct lines *L, const char *en, const char *ja, const char *value)
{
	if (L->n == MAX_LINES)
		return;
	size_t size = 4 * strlen(value) + 8; /* cli_escape: at most \uHHHH per byte */
	char *buf = malloc(size);
	if (!buf)
		return;
	cli_escape(*value ? value : "-", buf, size);
	snprintf(L->label[L->n], sizeof(L->label[0]), "%s", L->ja && ja ? ja : en);
	L->value[L->n++] = buf;
}

/* Labels padded by display width, so Japanese labels line up too. */
static void print_lines(struct lines *L)
{
	size_t width = 0;
	for (size_t i = 0; i < L->n; i++) {
		size_t w = cli_text_width(L->label[i]);
		width = w > width ? w : width;
	}
	for (size_t i = 0; i < L->n; i++) {
		fputs("  ", stdout);
		cli_put_padded(L->label[i], width);
		printf(" %s\n", L->value[i]);
		free(L->value[i]);
	}
	L->n = 0;
}

static const char *term(enum kesu_vocab v, const char *id, bool ja)
{
	const struct kesu_term *t = kesu_vocab_find(v, id);
	return !t ? id : ja ? t->ja : t->en;
}

#define T(path) cli_rec_text(rec, path)

static void when_who(struct lines *L, struct json_object *rec)
{
	char buf[512];
	cli_local_time_text(T("started_local"), true, buf, sizeof(buf));
	add(L, "started", "開始日時", buf);
	cli_local_time_text(T("ended_local"), true, buf, sizeof(buf));
	add(L, "ended", "終了日時", buf);
	snprintf(buf, sizeof(buf), "%s%s%s%s", T("operator.name"), *T("operator.title") ? " (" : "",
		 T("operator.title"), *T("operator.title") ? ")" : "");
	add(L, "operator", "作業者", buf);
	add(L, "organisation", "組織", T("organisation.name"));
	add(L, "department", "所属", T("organisation.department"));
	add(L, "approver", "承認者", T("approver"));
	add(L, "witness", "立会者", T("witness"));
	buf[0] = '\0';
	if (*T("approval.number"))
		snprintf(buf, sizeof(buf), "%s#%s (%s)", T("approval.number"), T("approval.entry"),
			 T("approval.date"));
	add(L, "approval", "承認番号", buf);
	add(L, "class", "重要性分類", term(KESU_VOCAB_CLASS, T("classification"), L->ja));
	add(L, "purpose", "目的", term(KESU_VOCAB_PURPOSE, T("purpose"), L->ja));
}

static void medium(struct lines *L, struct json_object *rec)
{
	char buf[512];
	add(L, "asset", "資産番号", T("media.asset_number"));
	snprintf(buf, sizeof(buf), "%s%s%s", T("media.vendor"), *T("media.vendor") ? " " : "",
		 T("media.model"));
	add(L, "model", "型番", buf);
	add(L, "serial", "シリアル番号", T("media.serial"));
	buf[0] = '\0';
	struct json_object *size = cli_rec_member(rec, "media.size_bytes");
	if (size && json_object_is_type(size, json_type_int)) {
		int64_t b = json_object_get_int64(size);
		bool gb = b >= 1000000000; /* as drives are sold: decimal units */
		snprintf(buf, sizeof(buf), L->ja ? "%lld バイト (%.1f %s)" : "%lld bytes (%.1f %s)",
			 (long long)b, (double)b / (gb ? 1e9 : 1e6), gb ? "GB" : "MB");
	}
	add(L, "size", "容量", buf);
	snprintf(buf, sizeof(buf), "%s %s %s %s", T("host.manufacturer"), T("host.product"),
		 *T("host.serial") ? T("host.serial") : "", T("host.asset_tag"));
	add(L, "host", "搭載機器", strspn(buf, " ") == strlen(buf) ? "" : buf);
	add(L, "station", "消去端末", T("station.hostname"));
}

/* "sample, 10.0% read back: passed" / "抽出検証 10.0%: 合格". */
static void verification(struct lines *L, struct json_object *rec)
{
	char buf[256];
	const char *mode = T("verification.mode");
	bool passed = !strcmp(T("verification.passed"), "true");
	if (!*mode)
		buf[0] = '\0';
	else if (!strcmp(mode, "none"))
		snprintf(buf, sizeof(buf), "%s", L->ja ? "検証なし" : "none");
	else
		snprintf(buf, sizeof(buf), "%s %s%%: %s",
			 !L->ja ? mode : !strcmp(mode, "sample") ? "抽出検証" : !strcmp(mode, "full") ? "全域検証" : mode,
			 T("verification.percent"),
			 L->ja ? (passed ? "合格" : "不合格") : (passed ? "passed" : "not passed"));
	add(L, "verification", "検証", buf);
}

static void how(struct lines *L, struct json_object *rec)
{
	char buf[600];
	const char *title = L->ja ? T("sanitization.method.title_ja") : T("sanitization.method.title_en");
	snprintf(buf, sizeof(buf), "%s%s%s%s", title, *title ? " (" : "", T("sanitization.method.id"),
		 *title ? ")" : "");
	add(L, "method", "消去方式", buf);
	add(L, "NIST level", "NISTレベル", cli_level_words(T("sanitization.nist_level"), L->ja));
	verification(L, rec);
	add(L, "outcome", "結果", cli_outcome_words(T("outcome"), L->ja));
	const char *reason = L->ja && *T("reason_ja") ? T("reason_ja") : T("reason");
	add(L, "reason", "理由", reason);
}

/* Where the certificate (or failure report) is, when this station has it. */
static void document(struct lines *L, struct json_object *rec, const char *cert_dir)
{
	const char *outcome = T("outcome"), *id = T("certificate_id");
	if (!cli_record_gets_document(T("kind"), outcome) || !*id)
		return;
	bool cert = !strcmp(outcome, "SUCCESS") || !strcmp(outcome, "ERASED_WITH_EXCEPTIONS");
	char path[KESU_PATH_MAX], text[KESU_PATH_MAX + 80];
	cli_document_path(cert_dir, id, path, sizeof(path));
	if (access(path, F_OK) == 0)
		snprintf(text, sizeof(text), "%s", path);
	else
		snprintf(text, sizeof(text), L->ja ? "この端末にはありません (%s にない)" :
			 "not on this station (not in %s)", cert_dir);
	add(L, cert ? "certificate file" : "report file", cert ? "証明書ファイル" : "報告書ファイル", text);
}
#undef T

static const char *known_ja(const char *path)
{
	static const char *const known[][2] = {
		{"kind", "種別"}, {"job_id", "ジョブID"}, {"at", "日時"}, {"by", "実施者"},
		{"action", "操作"}, {"role", "役割"}, {"name", "名前"}, {"outcome", "結果"},
		{"certificate_id", "証明書番号"}, {"destination", "引渡し先区分"}, {"to", "引渡し先"},
		{"started", "開始日時"}, {"ended", "終了日時"}, {"signed", "署名日時"},
		{"started_local", "開始日時"}, {"ended_local", "終了日時"}, {"operator.name", "作業者"},
		{"approver", "承認者"}, {"witness", "立会者"}, {"reason", "理由 (英語)"},
		{"reason_ja", "理由"}, {"note", "備考"}, {"location", "場所"}, {"contractor", "委託先"},
		{"media.serial", "シリアル番号"}, {"medium.serial", "シリアル番号"},
		{"media.asset_number", "資産番号"}, {"medium.asset_number", "資産番号"},
		{"destruction.technique", "破壊方法"}, {"organisation.department", "所属"},
		{"organisation.name", "組織"}, {"station.hostname", "消去端末"},
		{"received_by", "受領者"}, {"date", "日付"}, {"fingerprint", "鍵指紋"},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(path, known[i][0]))
			return known[i][1];
	return NULL;
}

/* One member: a UTC time is shown in local time with its offset (and
 * left out when the record also holds it as recorded locally), ids of
 * roles, actions, kinds and outcomes in the reader's words. */
static void member_line(struct lines *L, struct json_object *parent, const char *path,
			const char *key, struct json_object *val)
{
	char label[sizeof(L->label[0])], local[64], sibling[64];
	const char *v = val ? json_object_get_string(val) : "";
	size_t n = strlen(key);
	snprintf(label, sizeof(label), "%s", path);
	if (n > 4 && !strcmp(key + n - 4, "_utc")) {
		snprintf(sibling, sizeof(sibling), "%.*s_local", (int)(n - 4), key);
		if (json_object_object_get_ex(parent, sibling, NULL))
			return;
		cli_utc_time_text(v, true, local, sizeof(local));
		if (*local) {
			v = local;
			label[strlen(label) - 4] = '\0';
		}
	}
	const char *ja = known_ja(label);
	char safe[sizeof(L->label[0])]; /* a key from the file: escaped too */
	add(L, cli_escape(label, safe, sizeof(safe)), ja,
	    cli_member_words(path, v ? v : "", L->ja));
}

/* An event's members, nested ones by their path ("destruction.technique");
 * its kind first. */
static void members(struct lines *L, struct json_object *o, const char *prefix)
{
	struct json_object *kind;
	if (!*prefix && json_object_object_get_ex(o, "kind", &kind))
		member_line(L, o, "kind", "kind", kind);
	json_object_object_foreach(o, key, val) {
		char path[128];
		snprintf(path, sizeof(path), "%s%s%s", prefix, *prefix ? "." : "", key);
		if (json_object_is_type(val, json_type_object))
			members(L, val, path);
		else if (strcmp(path, "kind") != 0)
			member_line(L, o, path, key, val);
	}
}

void cli_ledger_show_record(struct json_object *rec, uint64_t seq, const char *hash,
			    const char *cert_dir)
{
	struct lines L = {.ja = cli_reader_japanese()};
	printf(L.ja ? "記録番号 %llu  ハッシュ %s\n" : "record %llu  hash %s\n", (unsigned long long)seq, hash);
	if (!rec)
		return;
	if (!cli_rec_is_job(rec)) {
		members(&L, rec, "");
		print_lines(&L);
		return;
	}
	add(&L, "job", "ジョブID", cli_rec_text(rec, "job_id"));
	add(&L, "certificate", "証明書番号", cli_rec_text(rec, "certificate_id"));
	when_who(&L, rec);
	medium(&L, rec);
	how(&L, rec);
	document(&L, rec, cert_dir);
	print_lines(&L);
}

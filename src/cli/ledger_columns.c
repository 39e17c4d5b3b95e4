/* The columns of kesu ledger list (ledger_view.h): one table of key,
 * headers in English and Japanese, help and value, as kesu list's
 * device_columns.c is for drives. An event (a destruction, a hand-over,
 * a trust change, ...) fills them with its own meaning: its time, who did
 * it, "(kind)" as the method and what was done as the outcome. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kesu/vocabulary.h"
#include "ledger_view.h"

#define REC c->rec
#define T(path) cli_rec_text(c->rec, path)

static const char *first(const char *a, const char *b)
{
	return *a ? a : b;
}

static const char *v_seq(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	if (!c->row->seq)
		return "-";
	snprintf(buf, size, "%llu", (unsigned long long)c->row->seq);
	return buf;
}

/* The record's local time as recorded, with its offset; events dated in
 * UTC only, and unfinished jobs, in this station's local time. */
static const char *v_time(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	if (!REC)
		cli_utc_time_text(c->row->started_utc, false, buf, size);
	else if (*T("ended_local"))
		cli_local_time_text(T("ended_local"), false, buf, size);
	else
		cli_utc_time_text(first(T("at_utc"), T("ended_utc")), false, buf, size);
	return buf;
}

static const char *v_asset(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return first(T("media.asset_number"), T("medium.asset_number"));
}

static const char *v_serial(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	if (!REC)
		return c->row->device_key;
	return first(T("media.serial"), T("medium.serial"));
}

static const char *v_operator(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return REC ? first(T("operator.name"), T("by")) : "";
}

static const char *v_approver(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return first(T("approver"), first(T("approver.name"), T("approval.approver.name")));
}

static const char *v_method(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	if (!REC)
		return "";
	if (c->event || !strcmp(T("kind"), "verify")) {
		snprintf(buf, size, "(%s)", cli_kind_words(T("kind"), c->ja));
		return buf;
	}
	if (c->ja && *T("sanitization.method.title_ja"))
		return T("sanitization.method.title_ja");
	return T("sanitization.method.id");
}

/* What an event did: destruction "DESTROYED crush", hand-over
 * "reuse -> 総務課", a trust change "add approver 佐藤". */
static const char *event_what(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	const char *kind = T("kind");
	if (!strcmp(kind, "destruction"))
		snprintf(buf, size, "%s %s", cli_outcome_words(T("outcome"), c->ja),
			 T("destruction.technique"));
	else if (!strcmp(kind, "handover"))
		snprintf(buf, size, "%s -> %s", T("destination"), T("to"));
	else if (*T("outcome"))
		snprintf(buf, size, "%s", cli_outcome_words(T("outcome"), c->ja));
	else
		snprintf(buf, size, "%s%s%s%s%s", cli_member_words("action", T("action"), c->ja),
			 *T("role") ? " " : "", cli_member_words("role", T("role"), c->ja),
			 *T("name") ? " " : "", T("name"));
	return buf;
}

static const char *v_outcome(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	if (!REC)
		return cli_state_words(c->row->state, c->ja);
	if (c->event)
		return event_what(c, buf, size);
	if (!strcmp(T("kind"), "verify") && c->ja) /* a check passes or fails; it erases nothing */
		return !strcmp(T("outcome"), "PASSED") ? "合格" : !strcmp(T("outcome"), "FAILED") ? "不合格"
											: T("outcome");
	return cli_outcome_words(T("outcome"), c->ja);
}

static const char *v_cert(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return T("certificate_id");
}

static const char *v_department(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return T("organisation.department");
}

static const char *v_organisation(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return T("organisation.name");
}

static const char *term(enum kesu_vocab v, const char *id, bool ja)
{
	const struct kesu_term *t = kesu_vocab_find(v, id);
	return !t ? id : ja ? t->ja : t->id;
}

static const char *v_class(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return term(KESU_VOCAB_CLASS, T("classification"), c->ja);
}

static const char *v_purpose(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return term(KESU_VOCAB_PURPOSE, T("purpose"), c->ja);
}

static const char *v_witness(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return first(T("witness"), T("witness.name"));
}

static const char *v_model(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return first(T("media.model"), T("medium.model"));
}

static const char *v_level(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return cli_level_words(first(T("sanitization.nist_level"), T("nist_level")), c->ja);
}

static const char *v_job(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return c->row->job_id;
}

/* The approval's number and the medium's entry in it: "2026-015#3". */
static const char *v_approval(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	if (!*T("approval.number"))
		return "";
	snprintf(buf, size, "%s#%s", T("approval.number"), T("approval.entry"));
	return buf;
}

static const char *v_station(const struct cli_ledger_cell *c, char *buf, size_t size)
{
	(void)buf, (void)size;
	return T("station.hostname");
}
#undef T
#undef REC

static const struct cli_ledger_column columns[] = {
	{"seq", "SEQ", "記録番号", N_("the record's number (kesu ledger show SEQ)"), v_seq},
	{"time", "TIME", "日時", N_("local time with its UTC offset, as recorded"), v_time},
	{"asset", "ASSET", "資産番号", N_("asset number"), v_asset},
	{"serial", "SERIAL", "シリアル番号", N_("serial number (unfinished jobs: the drive's key)"), v_serial},
	{"operator", "OPERATOR", "作業者", N_("who erased it (events: who did it)"), v_operator},
	{"approver", "APPROVER", "承認者", N_("who approved it"), v_approver},
	{"method", "METHOD", "消去方式", N_("method id (Japanese: its title); events: (kind)"), v_method},
	{"outcome", "OUTCOME", "結果", N_("outcome; events: what was done"), v_outcome},
	{"certificate", "CERTIFICATE", "証明書番号", N_("certificate id; * when its file is missing"), v_cert},
	{"department", "DEPARTMENT", "所属", N_("department"), v_department},
	{"organisation", "ORGANISATION", "組織", N_("organisation"), v_organisation},
	{"class", "CLASS", "重要性分類", N_("class: I, II, III"), v_class},
	{"purpose", "PURPOSE", "目的", N_("purpose: disposal, lease-return, repair, reuse"), v_purpose},
	{"witness", "WITNESS", "立会者", N_("witness"), v_witness},
	{"model", "MODEL", "型番", N_("model"), v_model},
	{"level", "LEVEL", "NISTレベル", N_("NIST SP 800-88 level reached"), v_level},
	{"approval", "APPROVAL", "承認番号", N_("approval number#entry"), v_approval},
	{"station", "STATION", "端末", N_("the station's host name"), v_station},
	{"job", "JOB", "ジョブID", N_("job id"), v_job},
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))
static const char default_spec[] = "seq,time,asset,serial,operator,approver,method,outcome,certificate";

static void unknown(const char *key)
{
	char keys[400] = "", safe[200];
	size_t used = 0;
	for (size_t i = 0; i < NCOLUMNS && used < sizeof(keys); i++)
		used += (size_t)snprintf(keys + used, sizeof(keys) - used, "%s%s", i ? ", " : "",
					 columns[i].key);
	cli_error("ledger list -o: unknown column \"%s\" (%s; to write a file: kesu ledger export -o FILE)",
		  cli_escape(key, safe, sizeof(safe)), keys);
}

static size_t add_columns(const char *spec, const struct cli_ledger_column **cols, size_t n)
{
	char *copy = strdup(spec), *save = NULL;
	for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < NCOLUMNS && strcasecmp(tok, columns[i].key) != 0)
			i++;
		if (i == NCOLUMNS) {
			unknown(tok);
			free(copy);
			return SIZE_MAX;
		}
		if (n < CLI_LEDGER_MAX_COLS)
			cols[n++] = &columns[i];
	}
	free(copy);
	return n;
}

size_t cli_ledger_columns(const char *spec, const struct cli_ledger_column **cols)
{
	size_t n = 0;
	if (!spec || *spec == '+')
		n = add_columns(default_spec, cols, 0);
	if (!spec)
		return n;
	size_t all = add_columns(spec + (*spec == '+'), cols, n);
	if (all == n) /* "", ",", "+" */
		unknown(spec);
	return all == SIZE_MAX || all == n ? 0 : all;
}

void cli_ledger_columns_help(FILE *out)
{
	fprintf(out, _("\nColumns of list (-o; default %s):\n"), default_spec);
	for (size_t i = 0; i < NCOLUMNS; i++)
		fprintf(out, "  %-13s %s\n", columns[i].key, _(columns[i].help));
}

/* One detail row of the register from one signed record: which kinds are
 * rows, the period and the filters, and what each column holds for each
 * kind (kesu/register.h, docs/register.md "Columns"). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json_members.h"
#include "kesu/destroy.h"
#include "kesu/record.h"
#include "kesu/error.h"
#include "register_internal.h"
#include "utf8.h"

#define J Kesu_json_member
#define T Kesu_json_text

static const char *const row_kinds[] = {"wipe", "verify", "destruction", "handover",
					"received-certificate", NULL};

/* The kind a record is as a row ("" in records older than kinds: a
 * wipe), or NULL when it is no row. */
static const char *row_kind(struct json_object *doc)
{
	const char *kind = T(doc, "kind");
	if (!*kind)
		return "wipe";
	for (size_t i = 0; row_kinds[i]; i++)
		if (!strcmp(kind, row_kinds[i]))
			return row_kinds[i];
	return NULL;
}

time_t Kesu_reg_utc(const char *text)
{
	struct tm tm = {0};
	const char *end = strptime(text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return end && !*end ? timegm(&tm) : 0;
}

static enum kesu_register_outcome outcome_class(const char *kind, const char *outcome)
{
	if (!strcmp(kind, "verify") || !strcmp(kind, "handover"))
		return KESU_REG_OTHER;
	static const struct {
		const char *name;
		enum kesu_register_outcome o;
	} map[] = {
		{"SUCCESS", KESU_REG_SUCCESS},   {"ERASED_WITH_EXCEPTIONS", KESU_REG_EXCEPTIONS},
		{"UNVERIFIED", KESU_REG_UNVERIFIED}, {"FAILED", KESU_REG_FAILED},
		{"INTERRUPTED", KESU_REG_FAILED}, {"ABANDONED", KESU_REG_FAILED},
		{"DESTROYED", KESU_REG_DESTROYED},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(outcome, map[i].name))
			return map[i].o;
	return KESU_REG_OTHER;
}

static bool wanted(const char *filter, const char *value)
{
	return !filter || !*filter || !strcmp(filter, value);
}

/* The filters of the query, on the record's own values. */
static bool matches(const struct kesu_register_query *q, struct json_object *doc)
{
	struct json_object *st = J(doc, "station");
	bool station = !q->station || !*q->station || !strcmp(q->station, T(st, "hostname")) ||
		       !strcmp(q->station, T(st, "key_fingerprint"));
	return station && wanted(q->department, T(J(doc, "organisation"), "department")) &&
	       wanted(q->classification, T(doc, "classification")) &&
	       wanted(q->purpose, T(doc, "purpose"));
}

/* "sample 10%", "full", "none"; "" when the record has no verification. */
static const char *verification_text(struct Kesu_reg_pool *p, struct json_object *v)
{
	const char *mode = T(v, "mode"), *pct = T(v, "percent");
	if (strcmp(mode, "sample") != 0 || !*pct)
		return Kesu_reg_str(p, mode);
	size_t n = strlen(pct);
	bool whole = n > 2 && !strcmp(pct + n - 2, ".0");
	return Kesu_reg_printf(p, "sample %.*s%%", (int)(whole ? n - 2 : n), pct);
}

/* What the method columns and the NIST level say, by kind. */
static void method_columns(struct Kesu_reg_build *b, struct kesu_register_row *w,
			   struct json_object *doc)
{
	struct Kesu_reg_pool *p = b->pool;
	if (!strcmp(w->kind, "destruction")) {
		struct json_object *d = J(doc, "destruction");
		enum kesu_destroy_technique t = kesu_destroy_technique_parse(T(d, "technique"));
		w->method_id = Kesu_reg_str(p, T(d, "technique"));
		w->method_ja = t ? kesu_destroy_technique_ja(t) : w->method_id;
		w->method_en = w->method_id;
		w->nist_level = Kesu_reg_str(p, T(d, "nist_level"));
		w->destruction = Kesu_reg_printf(p, "%s %.10s", T(d, "technique"), w->when_local);
		return;
	}
	struct json_object *san = J(doc, "sanitization"), *m = J(san, "method");
	w->method_id = Kesu_reg_str(p, T(m, "id"));
	w->method_ja = Kesu_reg_str(p, T(m, "title_ja"));
	w->method_en = Kesu_reg_str(p, T(m, "title_en"));
	w->nist_level = Kesu_reg_str(p, T(san, "nist_level"));
	struct json_object *v = J(doc, "verification");
	w->verification = verification_text(p, v);
	struct json_object *passed = J(v, "passed");
	bool wipe = !strcmp(w->kind, "wipe") && v && strcmp(T(v, "mode"), "none") != 0;
	w->verified = wipe && passed ? json_object_get_boolean(passed) : -1;
}

/* Who and for whom: people, organisation and the approval. */
static void people_columns(struct Kesu_reg_build *b, struct kesu_register_row *w,
			   struct json_object *doc)
{
	struct Kesu_reg_pool *p = b->pool;
	struct json_object *org = J(doc, "organisation"), *a = J(doc, "approval");
	w->organisation = Kesu_reg_str(p, T(org, "name"));
	w->department = Kesu_reg_str(p, T(org, "department"));
	w->classification = Kesu_reg_str(p, T(doc, "classification"));
	w->purpose = Kesu_reg_str(p, T(doc, "purpose"));
	struct json_object *entry = J(a, "entry");
	w->approval = !*T(a, "number") ? ""
		      : entry ? Kesu_reg_printf(p, "%s#%lld", T(a, "number"),
						(long long)json_object_get_int64(entry))
			      : Kesu_reg_str(p, T(a, "number"));
	const char *approver = T(J(a, "approver"), "name");
	w->approver = Kesu_reg_str(p, *approver ? approver : T(doc, "approver"));
	w->operator_name = Kesu_reg_str(p, T(J(doc, "operator"), "name"));
	w->witness = Kesu_reg_str(p, T(doc, "witness"));
	w->station = Kesu_reg_str(p, T(J(doc, "station"), "hostname"));
	w->customer = w->organisation;
}

/* The columns of kinds that are not erasures. */
static void event_columns(struct Kesu_reg_build *b, struct kesu_register_row *w,
			  struct Kesu_reg_extra *x, struct json_object *doc)
{
	struct Kesu_reg_pool *p = b->pool;
	if (!strcmp(w->kind, "handover")) {
		const char *by = T(doc, "received_by");
		x->destination = Kesu_reg_str(p, T(doc, "destination"));
		w->handover = Kesu_reg_printf(p, "%s %s%s%s%s %s", T(doc, "destination"), T(doc, "to"),
					      *by ? " (" : "", by, *by ? ")" : "", T(doc, "date"));
	} else if (!strcmp(w->kind, "received-certificate")) {
		w->certificate_id = Kesu_reg_str(p, T(J(doc, "certificate"), "id"));
		w->customer = Kesu_reg_str(p, T(J(doc, "contractor"), "name"));
	}
}

static int grow_rows(struct Kesu_reg_build *b)
{
	struct kesu_register *r = b->r;
	if (r->n_rows < b->cap_rows)
		return 0;
	size_t cap = b->cap_rows ? b->cap_rows * 2 : 256;
	struct kesu_register_row *rows = realloc(r->rows, cap * sizeof(*rows));
	if (!rows)
		return -ENOMEM;
	r->rows = rows;
	struct Kesu_reg_extra *x = realloc(b->extra, cap * sizeof(*x));
	if (!x)
		return -ENOMEM;
	b->extra = x;
	b->cap_rows = cap;
	return 0;
}

/* The time of the event and its local text: ended_*, else at_utc. */
static int when_of(struct Kesu_reg_build *b, struct kesu_register_row *w, struct json_object *doc)
{
	const char *utc = T(doc, "ended_utc");
	w->when = Kesu_reg_utc(*utc ? utc : T(doc, "at_utc"));
	const char *local = T(doc, "ended_local");
	char text[40];
	if (!*local)
		kesu_time_local(w->when, text);
	w->when_local = Kesu_reg_str(b->pool, *local ? local : text);
	return w->when_local ? 0 : -ENOMEM;
}

static bool in_period(const struct kesu_register *r, const char *when_local)
{
	return strncmp(when_local, r->since, 10) >= 0 && strncmp(when_local, r->until, 10) <= 0;
}

/* A witness's countersignature or PDF signature of a certificate. */
static int note_witness(struct Kesu_reg_build *b, struct json_object *doc, const char *kind)
{
	const char *cert = !strcmp(kind, "countersignature") ? T(doc, "countersigned_certificate_id")
			   : !strcmp(kind, "pdf-signature")   ? T(doc, "signed_certificate_id")
							      : "";
	if (!*cert || strcmp(T(doc, "role"), "witness") != 0)
		return 0;
	if (b->n_witnessed == b->cap_witnessed) {
		size_t cap = b->cap_witnessed ? b->cap_witnessed * 2 : 64;
		const char **w = realloc(b->witnessed, cap * sizeof(*w));
		if (!w)
			return -ENOMEM;
		b->witnessed = w;
		b->cap_witnessed = cap;
	}
	if (!(b->witnessed[b->n_witnessed] = Kesu_reg_str(b->pool, cert)))
		return -ENOMEM;
	b->n_witnessed++;
	return 0;
}

int Kesu_reg_take(struct Kesu_reg_build *b, uint64_t seq, struct json_object *doc)
{
	const char *kind = row_kind(doc);
	if (!kind)
		return note_witness(b, doc, T(doc, "kind"));
	if (!matches(b->q, doc))
		return 0;
	if (grow_rows(b) < 0)
		return -ENOMEM;
	struct kesu_register_row *w = &b->r->rows[b->r->n_rows];
	struct Kesu_reg_extra *x = &b->extra[b->r->n_rows];
	struct Kesu_reg_pool *p = b->pool;
	memset(w, 0, sizeof(*w));
	memset(x, 0, sizeof(*x));
	w->seq = seq;
	w->kind = kind;
	if (when_of(b, w, doc) < 0)
		return -ENOMEM;
	if (!in_period(b->r, w->when_local))
		return 0;
	struct json_object *media = J(doc, !strcmp(kind, "handover") ? "medium" : "media");
	w->asset = Kesu_reg_str(p, T(media, "asset_number"));
	w->serial = Kesu_reg_str(p, T(media, "serial"));
	w->model = Kesu_reg_str(p, T(media, "model"));
	w->outcome = Kesu_reg_str(p, T(doc, "outcome"));
	w->outcome_class = outcome_class(kind, w->outcome);
	w->certificate_id = Kesu_reg_str(p, T(doc, "certificate_id"));
	w->destruction = w->handover = w->verification = "";
	people_columns(b, w, doc);
	method_columns(b, w, doc);
	event_columns(b, w, x, doc);
	x->job_id = Kesu_reg_str(p, T(doc, "job_id"));
	x->vmode = Kesu_reg_str(p, T(J(doc, "verification"), "mode"));
	x->approval_cited = *w->approval != '\0';
	if (!x->destination)
		x->destination = "";
	/* One check for every string: the pool returns NULL only when full. */
	const char *const all[] = {w->asset, w->serial, w->model, w->outcome, w->certificate_id,
				   w->organisation, w->department, w->classification, w->purpose,
				   w->approval, w->approver, w->operator_name, w->witness,
				   w->station, w->customer, w->method_id, w->method_ja,
				   w->method_en, w->nist_level, w->verification, w->destruction,
				   w->handover, x->job_id, x->vmode, x->destination};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (!all[i])
			return -ENOMEM;
		/* What the register shows is checked again, not the whole record:
		 * a year's ledger is 400 MB of JSON. */
		if (!kesu_utf8_valid(all[i], strlen(all[i])))
			return -KESU_EPARSE;
	}
	b->r->n_rows++;
	return 0;
}

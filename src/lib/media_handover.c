/* The hand-over (引渡し) of a medium, NIST SP 800-88 Rev. 1 Appendix G:
 * whether it may be recorded, and its record (media.h). A medium that may
 * still hold data leaves for lease return or reuse only with a reason the
 * record keeps. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "canonical_json.h"
#include "json_members.h"
#include "kesu/config.h"
#include "kesu/error.h"
#include "media_internal.h"
#include "record_internal.h"
#include "i18n.h"

/* A real calendar date, YYYY-MM-DD, not after today (local). */
static int check_date(const char *date, time_t now, char *err, size_t errsize)
{
	struct kesu_ledger_filter f = {.since_utc = date};
	char why[KESU_ERRMSG_MAX], today[16];
	struct tm tm;
	if (strlen(date) != 10 || kesu_ledger_filter_check(&f, why, sizeof(why)) < 0) {
		snprintf(err, errsize, _("date \"%.40s\" is not a calendar date YYYY-MM-DD"), date);
		return -1;
	}
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	if (strcmp(date, today) > 0) {
		snprintf(err, errsize, _("date %s is after today (%s): record a hand-over once it happened"),
			 date, today);
		return -1;
	}
	return 0;
}

/* The local day of a record's ended_utc, or "" when it has none. */
static void local_day(const char *utc, char day[16])
{
	struct tm tm = {0};
	const char *end = strptime(utc, "%Y-%m-%dT%H:%M:%SZ", &tm);
	day[0] = '\0';
	if (!end || *end)
		return;
	time_t t = timegm(&tm);
	localtime_r(&t, &tm);
	strftime(day, 16, "%Y-%m-%d", &tm);
}

/* A hand-over comes after the rest: its day cannot be before the day of
 * the record that gave the medium its state. */
static int check_order(const struct kesu_medium *m, const char *date, char *err, size_t errsize)
{
	char day[16];
	if (!m->state_event || !m->state_event->seq)
		return 0;
	local_day(m->state_event->when_utc, day);
	if (day[0] && strcmp(date, day) < 0) {
		snprintf(err, errsize, _("date %s is before ledger record %llu (%s, %s): the hand-over "
			 "comes after it"), date, (unsigned long long)m->state_event->seq,
			 m->state_event->kind, day);
		return -1;
	}
	return 0;
}

static int check_text(const char *what, enum kesu_ctx_field f, const char *value, bool required,
		      char *err, size_t errsize)
{
	char why[KESU_ERRMSG_MAX];
	if (!value || !value[0]) {
		if (required)
			snprintf(err, errsize, _("%s is empty: name it"), what);
		return required ? -1 : 0;
	}
	if (kesu_ctx_field_check(f, value, why, sizeof(why)) < 0)
		return snprintf(err, errsize, "%s %s", what, why), -1;
	return 0;
}

static const char *medium_name(const struct kesu_medium *m, char *buf, size_t size)
{
	if (m->serial[0])
		snprintf(buf, size, "medium %s%s%s", m->serial, m->asset[0] ? " / asset " : "", m->asset);
	else
		snprintf(buf, size, "asset %s", m->asset);
	return buf;
}

static bool may_hold_data(enum kesu_media_state s)
{
	return s == KESU_MEDIA_PENDING || s == KESU_MEDIA_FAILED || s == KESU_MEDIA_EXCEPTIONS;
}

enum kesu_handover_refusal kesu_handover_check(const struct kesu_medium *m,
					       const struct kesu_handover *h, time_t now,
					       char *err, size_t errsize)
{
	char name[160];
	medium_name(m, name, sizeof(name));
	if (check_text("the receiving organisation", KESU_CTX_ORGANISATION, h->to, true, err, errsize) ||
	    check_text("the receiver's name", KESU_CTX_WITNESS, h->received_by, false, err, errsize) ||
	    check_text("the reason", KESU_CTX_LOCATION, h->force_reason, false, err, errsize) ||
	    (h->date && (check_date(h->date, now, err, errsize) ||
			 check_order(m, h->date, err, errsize))))
		return KESU_HANDOVER_BAD_INPUT;
	if (m->handover) {
		snprintf(err, errsize, _("%s was handed over already: ledger record %llu, %s, %s"),
			 name, (unsigned long long)m->handover->seq, m->handover->when_utc,
			 m->handover->detail);
		return KESU_HANDOVER_ALREADY;
	}
	if (h->destination == KESU_DEST_DESTROYED && !m->destruction) {
		snprintf(err, errsize, _("%s: no destruction is recorded, so it cannot leave as destroyed"),
			 name);
		return KESU_HANDOVER_NOT_DESTROYED;
	}
	bool data_leaves = h->destination == KESU_DEST_LEASE_RETURN || h->destination == KESU_DEST_REUSE;
	if (data_leaves && may_hold_data(m->state) && !(h->force_reason && h->force_reason[0])) {
		char since[48] = "";
		if (m->state_event && m->state_event->seq)
			snprintf(since, sizeof(since), _(" (ledger record %llu)"),
				 (unsigned long long)m->state_event->seq);
		snprintf(err, errsize, _("%s is %s%s: it may still hold data and cannot leave for %s without a reason"),
			 name, kesu_media_state_name(m->state), since, kesu_destination_name(h->destination));
		return KESU_HANDOVER_NOT_READY;
	}
	return KESU_HANDOVER_OK;
}

static struct json_object *medium_json(const struct kesu_medium *m)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "asset_number", Kesu_json_str_or_null(m->asset));
	json_object_object_add(o, "model", Kesu_json_str_or_null(m->model));
	json_object_object_add(o, "serial", Kesu_json_str_or_null(m->serial));
	json_object_object_add(o, "size_bytes", m->size ? json_object_new_int64((int64_t)m->size) : NULL);
	return o;
}

/* The record that gave the state the hand-over was judged on. */
static struct json_object *state_record_json(const struct kesu_medium *m)
{
	const struct kesu_media_event *e = m->state_event;
	if (!e || !e->seq)
		return NULL;
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "hash", json_object_new_string(e->hash));
	json_object_object_add(o, "job_id", json_object_new_string(e->job_id));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)e->seq));
	return o;
}

char *kesu_handover_record(const struct kesu_medium *m, const struct kesu_handover *h,
			   const struct kesu_job_context *ctx, const char *id, time_t now,
			   size_t *len)
{
	char today[16];
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "kesu_record", json_object_new_int(1));
	json_object_object_add(doc, "kind", json_object_new_string("handover"));
	json_object_object_add(doc, "job_id", json_object_new_string(id));
	json_object_object_add(doc, "medium", medium_json(m));
	json_object_object_add(doc, "destination", json_object_new_string(kesu_destination_name(h->destination)));
	json_object_object_add(doc, "to", json_object_new_string(h->to));
	json_object_object_add(doc, "received_by", Kesu_json_str_or_null(h->received_by));
	json_object_object_add(doc, "date", json_object_new_string(h->date ? h->date : today));
	json_object_object_add(doc, "state_before", json_object_new_string(kesu_media_state_name(m->state)));
	json_object_object_add(doc, "state_record", state_record_json(m));
	json_object_object_add(doc, "force_reason", Kesu_json_str_or_null(h->force_reason));
	Kesu_record_add_people(doc, ctx);
	char text[40];
	kesu_time_utc(now, text);
	json_object_object_add(doc, "ended_utc", json_object_new_string(text));
	kesu_time_local(now, text);
	json_object_object_add(doc, "ended_local", json_object_new_string(text));
	char *out = Kesu_json_canonical(doc, len); /* NULL for invalid UTF-8: never signed */
	json_object_put(doc);
	return out;
}

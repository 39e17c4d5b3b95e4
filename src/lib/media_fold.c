/* Reading each kind of record for the media timelines: which medium it
 * names and what it says happened to it (media.h). Records of other kinds
 * (trust, ...) name no medium and are skipped. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "json_members.h"
#include "kesu/error.h"
#include "media_internal.h"
#include "i18n.h"

struct folding {
	struct kesu_media_set *s;
	uint64_t seq;
	const char *hash;
	struct json_object *doc;
};

static struct Kesu_media_ident ident_of(struct json_object *media, const char *size_key)
{
	struct json_object *size = Kesu_json_member(media, size_key);
	int64_t bytes = size && json_object_is_type(size, json_type_int) ? json_object_get_int64(size) : 0;
	return (struct Kesu_media_ident){Kesu_json_text(media, "serial"), bytes > 0 ? (uint64_t)bytes : 0,
					 Kesu_json_text(media, "asset_number"),
					 Kesu_json_text(media, "model")};
}

static void event_base(const struct folding *f, struct kesu_media_event *ev,
		       enum kesu_media_event_type type)
{
	memset(ev, 0, sizeof(*ev));
	ev->seq = f->seq;
	ev->type = type;
	snprintf(ev->kind, sizeof(ev->kind), "%s", Kesu_json_text(f->doc, "kind"));
	const char *when = Kesu_json_text(f->doc, "ended_utc");
	snprintf(ev->when_utc, sizeof(ev->when_utc), "%s", when[0] ? when : Kesu_json_text(f->doc, "at_utc"));
	snprintf(ev->job_id, sizeof(ev->job_id), "%s", Kesu_json_text(f->doc, "job_id"));
	snprintf(ev->hash, sizeof(ev->hash), "%s", f->hash ? f->hash : "");
	snprintf(ev->outcome, sizeof(ev->outcome), "%s", Kesu_json_text(f->doc, "outcome"));
	snprintf(ev->station, sizeof(ev->station), "%s", f->s->station ? f->s->station : "");
}

/* The approval a record ran under is the medium's approval event too. */
static int approval_cited(const struct folding *f, struct kesu_medium *m)
{
	struct json_object *a = Kesu_json_member(f->doc, "approval");
	struct json_object *entry = Kesu_json_member(a, "entry");
	if (!Kesu_json_text(a, "number")[0])
		return 0;
	struct kesu_media_event ev;
	event_base(f, &ev, KESU_MEDIA_EV_APPROVAL);
	snprintf(ev.kind, sizeof(ev.kind), "approval");
	snprintf(ev.when_utc, sizeof(ev.when_utc), "%s", Kesu_json_text(a, "date"));
	snprintf(ev.document_id, sizeof(ev.document_id), "%s#%lld", Kesu_json_text(a, "number"),
		 (long long)json_object_get_int64(entry));
	snprintf(ev.hash, sizeof(ev.hash), "%s", Kesu_json_text(a, "hash"));
	snprintf(ev.detail, sizeof(ev.detail), "approved by %s",
		 Kesu_json_text(Kesu_json_member(a, "approver"), "name"));
	ev.job_id[0] = ev.outcome[0] = '\0';
	return Kesu_media_add_event(m, &ev);
}

/* What the event's detail says, by kind. */
static void detail_of(const struct folding *f, struct kesu_media_event *ev)
{
	struct json_object *d = f->doc;
	if (ev->type == KESU_MEDIA_EV_ERASURE)
		snprintf(ev->detail, sizeof(ev->detail), "%s",
			 Kesu_json_text(Kesu_json_member(Kesu_json_member(d, "sanitization"), "method"), "id"));
	else if (ev->type == KESU_MEDIA_EV_CHECK)
		snprintf(ev->detail, sizeof(ev->detail), "expected %s", Kesu_json_text(d, "expectation"));
	else if (ev->type == KESU_MEDIA_EV_RECEIVED)
		snprintf(ev->detail, sizeof(ev->detail), "from %s",
			 Kesu_json_text(Kesu_json_member(d, "contractor"), "name"));
	else if (ev->type == KESU_MEDIA_EV_DESTRUCTION)
		snprintf(ev->detail, sizeof(ev->detail), "%s",
			 Kesu_json_text(Kesu_json_member(d, "destruction"), "technique"));
	else if (ev->type == KESU_MEDIA_EV_HANDOVER)
		snprintf(ev->detail, sizeof(ev->detail), "%s to %s%s%s", Kesu_json_text(d, "destination"),
			 Kesu_json_text(d, "to"), Kesu_json_text(d, "received_by")[0] ? ", received by " : "",
			 Kesu_json_text(d, "received_by"));
}

/* A record that names its medium: wipe, verify, received-certificate,
 * destruction ("media") and handover ("medium"). */
static int medium_record(const struct folding *f, enum kesu_media_event_type type)
{
	bool handover = type == KESU_MEDIA_EV_HANDOVER;
	struct json_object *media = Kesu_json_member(f->doc, handover ? "medium" : "media");
	struct Kesu_media_ident id = ident_of(media, "size_bytes");
	int rc;
	struct kesu_medium *m = Kesu_media_for(f->s, &id, &rc);
	if (!m)
		return rc;
	struct kesu_media_event ev;
	event_base(f, &ev, type);
	const char *cert = type == KESU_MEDIA_EV_RECEIVED
				   ? Kesu_json_text(Kesu_json_member(f->doc, "certificate"), "id")
				   : Kesu_json_text(f->doc, "certificate_id");
	snprintf(ev.document_id, sizeof(ev.document_id), "%s", cert);
	detail_of(f, &ev);
	if ((rc = approval_cited(f, m)) < 0 || (rc = Kesu_media_add_event(m, &ev)) < 0)
		return rc;
	return Kesu_media_link(f->s, ev.job_id, cert, &id);
}

/* A PDF signature or countersignature names a certificate and its job: it
 * belongs to the medium of the record it signs. */
static int signature_record(const struct folding *f, const char *prefix)
{
	char job_key[32], cert_key[48];
	snprintf(job_key, sizeof(job_key), "%s_job_id", prefix);
	snprintf(cert_key, sizeof(cert_key), "%s_certificate_id", prefix);
	const char *cert = Kesu_json_text(f->doc, cert_key);
	const struct Kesu_media_link *k = Kesu_media_linked(f->s, Kesu_json_text(f->doc, job_key), cert);
	if (!k)
		return 0;
	struct Kesu_media_ident id = {k->serial, k->size, k->asset, NULL};
	int rc;
	struct kesu_medium *m = Kesu_media_for(f->s, &id, &rc);
	if (!m)
		return rc;
	struct kesu_media_event ev;
	event_base(f, &ev, KESU_MEDIA_EV_CERTIFICATE);
	snprintf(ev.document_id, sizeof(ev.document_id), "%s", cert);
	bool pdf = !strcmp(prefix, "signed");
	snprintf(ev.detail, sizeof(ev.detail), "%s (%s) by %s", pdf ? "PDF signature" : "countersignature",
		 Kesu_json_text(f->doc, "role"), Kesu_json_text(f->doc, pdf ? "signer" : "name"));
	return Kesu_media_add_event(m, &ev);
}

/* A batch certificate (kesu cert batch) lists many media: each member's
 * timeline shows it, with the member's outcome there (MISSING for an
 * approved medium that has no certificate). */
static int batch_record(const struct folding *f)
{
	struct json_object *members = Kesu_json_member(f->doc, "members");
	size_t n = json_object_is_type(members, json_type_array) ? json_object_array_length(members) : 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *mb = json_object_array_get_idx(members, i);
		struct json_object *size = Kesu_json_member(mb, "size_bytes");
		int64_t bytes = json_object_is_type(size, json_type_int) ? json_object_get_int64(size) : 0;
		struct Kesu_media_ident id = {Kesu_json_text(mb, "serial"), bytes > 0 ? (uint64_t)bytes : 0,
					      Kesu_json_text(mb, "asset"), Kesu_json_text(mb, "model")};
		int rc;
		struct kesu_medium *m = Kesu_media_for(f->s, &id, &rc);
		if (!m && rc < 0)
			return rc;
		if (!m)
			continue;
		struct kesu_media_event ev;
		event_base(f, &ev, KESU_MEDIA_EV_CERTIFICATE);
		snprintf(ev.document_id, sizeof(ev.document_id), "%s", Kesu_json_text(f->doc, "certificate_id"));
		snprintf(ev.detail, sizeof(ev.detail), "batch certificate: %s", Kesu_json_text(mb, "outcome"));
		ev.outcome[0] = '\0';
		if ((rc = Kesu_media_add_event(m, &ev)) < 0)
			return rc;
	}
	return 0;
}

static const struct {
	const char *kind;
	enum kesu_media_event_type type;
} medium_kinds[] = {
	{"wipe", KESU_MEDIA_EV_ERASURE},
	{"verify", KESU_MEDIA_EV_CHECK},
	{"received-certificate", KESU_MEDIA_EV_RECEIVED},
	{"destruction", KESU_MEDIA_EV_DESTRUCTION},
	{"handover", KESU_MEDIA_EV_HANDOVER},
};

int Kesu_media_fold_doc(struct kesu_media_set *s, uint64_t seq, const char *hash,
			struct json_object *doc)
{
	struct folding f = {s, seq, hash, doc};
	const char *kind = Kesu_json_text(doc, "kind");
	int rc = 0;
	for (size_t i = 0; i < sizeof(medium_kinds) / sizeof(medium_kinds[0]); i++)
		if (!strcmp(kind, medium_kinds[i].kind))
			rc = medium_record(&f, medium_kinds[i].type);
	if (!strcmp(kind, "pdf-signature"))
		rc = signature_record(&f, "signed");
	else if (!strcmp(kind, "countersignature"))
		rc = signature_record(&f, "countersigned");
	else if (!strcmp(kind, "batch-certificate"))
		rc = batch_record(&f);
	return rc;
}

int kesu_media_fold(struct kesu_media_set *s, uint64_t seq, const char *hash, const char *record,
		    char *err, size_t errsize)
{
	struct json_object *doc = json_tokener_parse(record);
	if (!json_object_is_type(doc, json_type_object)) {
		json_object_put(doc);
		snprintf(err, errsize, _("ledger record %llu: not a JSON object"), (unsigned long long)seq);
		return -KESU_EPARSE;
	}
	int rc = Kesu_media_fold_doc(s, seq, hash, doc);
	json_object_put(doc);
	if (rc < 0)
		snprintf(err, errsize, _("ledger record %llu: %s"), (unsigned long long)seq, kesu_strerror(rc));
	return rc;
}

int kesu_media_add_approval(struct kesu_media_set *s, const struct kesu_approval *a)
{
	for (size_t i = 0; i < a->n_media; i++) {
		const struct kesu_approval_medium *am = &a->media[i];
		struct Kesu_media_ident id = {am->serial, am->size, am->asset, NULL};
		int rc;
		struct kesu_medium *m = Kesu_media_for(s, &id, &rc);
		if (!m)
			return rc;
		struct kesu_media_event ev = {.type = KESU_MEDIA_EV_APPROVAL};
		snprintf(ev.kind, sizeof(ev.kind), "approval");
		snprintf(ev.when_utc, sizeof(ev.when_utc), "%s", a->issued_utc);
		snprintf(ev.document_id, sizeof(ev.document_id), "%s#%u", a->number, am->entry);
		snprintf(ev.hash, sizeof(ev.hash), "%s", a->hash);
		snprintf(ev.detail, sizeof(ev.detail), "approved by %s", a->approver_name);
		if ((rc = Kesu_media_add_event(m, &ev)) < 0)
			return rc;
	}
	return 0;
}

static int fold_row(const struct kesu_ledger_row *row, void *ctx)
{
	void **args = ctx;
	if (!row->record)
		return 0;
	struct kesu_media_set *s = args[0];
	s->station = row->station; /* NULL from a station's own ledger */
	int rc = kesu_media_fold(s, row->seq, row->hash, row->record, args[1], *(size_t *)args[2]);
	s->station = NULL;
	return rc < 0 ? rc : 0;
}

int kesu_media_load(struct kesu_ledger *l, struct kesu_media_set **out, char *err, size_t errsize)
{
	struct kesu_media_set *s = kesu_media_set_new();
	if (!s)
		return -ENOMEM;
	struct kesu_ledger_filter filter = {0};
	void *args[] = {s, err, &errsize};
	int rc = kesu_ledger_query(l, &filter, fold_row, args, err, errsize);
	if (rc < 0) {
		kesu_media_set_free(s);
		return rc;
	}
	kesu_media_finish(s);
	*out = s;
	return 0;
}

const char *kesu_media_last_station(const struct kesu_medium *m)
{
	const struct kesu_media_event *last = NULL;
	for (size_t i = 0; i < m->n_events; i++) {
		const struct kesu_media_event *e = &m->events[i];
		if (e->station[0] && (!last || strcmp(e->when_utc, last->when_utc) >= 0))
			last = e;
	}
	return last ? last->station : NULL;
}

/* Each approval medium's state from the records that name the approval:
 * wipes (kind "wipe"), imported contractor certificates (kind
 * "received-certificate") and, later, destructions (kind "destruction"). */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "json_members.h"
#include "kesu/approval_status.h"
#include "ledger_internal.h"

static const struct {
	const char *id, *ja;
} state_names[] = {
	[KESU_MEDIUM_PENDING] = {"pending", "未処理"},
	[KESU_MEDIUM_FAILED] = {"failed", "消去失敗"},
	[KESU_MEDIUM_EXCEPTIONS] = {"exceptions", "例外付き消去"},
	[KESU_MEDIUM_ERASED] = {"erased", "消去済"},
	[KESU_MEDIUM_RECEIVED] = {"received", "証明書受領"},
	[KESU_MEDIUM_DESTROYED] = {"destroyed", "物理破壊済"},
};

const char *kesu_medium_state_name(enum kesu_medium_state s)
{
	return (unsigned)s <= KESU_MEDIUM_DESTROYED ? state_names[s].id : "?";
}

const char *kesu_medium_state_ja(enum kesu_medium_state s)
{
	return (unsigned)s <= KESU_MEDIUM_DESTROYED ? state_names[s].ja : "?";
}

struct walk {
	const struct kesu_approval *a;
	struct kesu_medium_status *out;
	const struct kesu_ledger *l;
};

/* What one record says about its entry: the state it proves, or -1. */
static int state_of(struct json_object *doc)
{
	const char *kind = Kesu_json_text(doc, "kind"), *outcome = Kesu_json_text(doc, "outcome");
	if (!strcmp(kind, "destruction"))
		return KESU_MEDIUM_DESTROYED;
	if (!strcmp(kind, "received-certificate"))
		return KESU_MEDIUM_RECEIVED;
	if (!strcmp(kind, "wipe") && !strcmp(outcome, "ERASED_WITH_EXCEPTIONS"))
		return KESU_MEDIUM_EXCEPTIONS;
	if (!strcmp(kind, "wipe"))
		return !strcmp(outcome, "SUCCESS") ? KESU_MEDIUM_ERASED : KESU_MEDIUM_FAILED;
	return -1;
}

static void take(struct kesu_medium_status *m, struct json_object *doc, int state, uint64_t seq)
{
	bool received = state == KESU_MEDIUM_RECEIVED;
	m->state = (enum kesu_medium_state)state;
	m->seq = seq;
	struct json_object *who = Kesu_json_member(doc, received ? "contractor" : "operator");
	struct json_object *station = Kesu_json_member(doc, "station");
	snprintf(m->by, sizeof(m->by), "%s", Kesu_json_text(who, "name"));
	const char *host = Kesu_json_text(station, "hostname");
	snprintf(m->station, sizeof(m->station), "%s",
		 host[0] ? host : Kesu_json_text(station, "key_fingerprint"));
	/* A received certificate's id sits in "certificate", so that the
	 * ledger's lookups by certificate id find only this city's wipes. */
	snprintf(m->certificate_id, sizeof(m->certificate_id), "%s",
		 received ? Kesu_json_text(Kesu_json_member(doc, "certificate"), "id")
			  : Kesu_json_text(doc, "certificate_id"));
	snprintf(m->when_utc, sizeof(m->when_utc), "%s", Kesu_json_text(doc, "ended_utc"));
}

static int one_record(uint64_t seq, const char *record, void *ctx)
{
	struct walk *w = ctx;
	struct json_object *doc = json_tokener_parse(record);
	struct json_object *approval = Kesu_json_member(doc, "approval");
	struct json_object *entry = Kesu_json_member(approval, "entry");
	if (entry && !strcmp(Kesu_json_text(approval, "hash"), w->a->hash)) {
		int64_t n = json_object_get_int64(entry);
		int state = state_of(doc);
		for (size_t i = 0; i < w->a->n_media && state >= 0; i++) {
			struct kesu_medium_status *m = &w->out[i];
			if ((int64_t)m->medium->entry != n)
				continue;
			if (state == KESU_MEDIUM_FAILED)
				m->failures++;
			if (state >= (int)m->state) { /* the strongest, and of equals the latest */
				take(m, doc, state, seq);
				if (w->l->row_station) /* from the central store: its station's name */
					snprintf(m->station, sizeof(m->station), "%s", w->l->row_station);
			}
			break;
		}
	}
	json_object_put(doc);
	return 0;
}

int kesu_approval_status(struct kesu_ledger *l, const struct kesu_approval *a,
			 struct kesu_medium_status *out, char *err, size_t errsize)
{
	for (size_t i = 0; i < a->n_media; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].medium = &a->media[i];
	}
	struct walk w = {a, out, l};
	/* Only records citing this approval's exact hash count: another file
	 * that reused the number is not this approval. */
	return kesu_ledger_approval_records(l, a->number, one_record, &w, err, errsize);
}

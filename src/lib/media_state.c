/* A medium's state from its events, and the names of states, event types
 * and destinations (media.h; the rules are in docs/workflow.md,
 * "Destruction and hand-over"). */
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "media_internal.h"
#include "i18n.h"

static const struct {
	const char *id, *ja;
} state_names[KESU_MEDIA_STATE_COUNT] = {
	[KESU_MEDIA_PENDING] = {"pending", "未処理"},
	[KESU_MEDIA_ERASED] = {"erased", "消去済"},
	[KESU_MEDIA_EXCEPTIONS] = {"exceptions", "例外付き消去"},
	[KESU_MEDIA_FAILED] = {"failed", "消去失敗"},
	[KESU_MEDIA_DESTROYED] = {"destroyed", "物理破壊済"},
	[KESU_MEDIA_HANDED_OVER] = {"handed-over", "引渡し済"},
};

const char *kesu_media_state_name(enum kesu_media_state s)
{
	return (unsigned)s < KESU_MEDIA_STATE_COUNT ? state_names[s].id : "?";
}

const char *kesu_media_state_ja(enum kesu_media_state s)
{
	return (unsigned)s < KESU_MEDIA_STATE_COUNT ? state_names[s].ja : "?";
}

int kesu_media_state_parse(const char *name, enum kesu_media_state *s, char *err, size_t errsize)
{
	for (unsigned i = 0; i < KESU_MEDIA_STATE_COUNT; i++)
		if (!strcmp(name, state_names[i].id))
			return *s = (enum kesu_media_state)i, 0;
	snprintf(err, errsize,
		 _("unknown state \"%.40s\": pending, erased, exceptions, failed, destroyed or handed-over"),
		 name);
	return -KESU_EPARSE;
}

const char *kesu_media_event_type_name(enum kesu_media_event_type t)
{
	static const char *const names[] = {
		[KESU_MEDIA_EV_APPROVAL] = "approval",       [KESU_MEDIA_EV_ERASURE] = "erasure",
		[KESU_MEDIA_EV_CHECK] = "check",             [KESU_MEDIA_EV_CERTIFICATE] = "certificate",
		[KESU_MEDIA_EV_RECEIVED] = "received",       [KESU_MEDIA_EV_DESTRUCTION] = "destruction",
		[KESU_MEDIA_EV_HANDOVER] = "handover",
	};
	return (unsigned)t <= KESU_MEDIA_EV_HANDOVER ? names[t] : "?";
}

static const struct {
	const char *id, *ja;
} destinations[KESU_DEST_COUNT] = {
	[KESU_DEST_LEASE_RETURN] = {"lease-return", "リース返却"},
	[KESU_DEST_REUSE] = {"reuse", "再利用"},
	[KESU_DEST_RECYCLE] = {"recycle", "リサイクル"},
	[KESU_DEST_DESTROYED] = {"destroyed", "破壊済媒体の廃棄"},
	[KESU_DEST_VENDOR] = {"vendor", "ベンダーへの返却"},
};

const char *kesu_destination_name(enum kesu_destination d)
{
	return (unsigned)d < KESU_DEST_COUNT ? destinations[d].id : "?";
}

const char *kesu_destination_ja(enum kesu_destination d)
{
	return (unsigned)d < KESU_DEST_COUNT ? destinations[d].ja : "?";
}

int kesu_destination_parse(const char *name, enum kesu_destination *d, char *err, size_t errsize)
{
	for (unsigned i = 0; i < KESU_DEST_COUNT; i++)
		if (!strcmp(name, destinations[i].id))
			return *d = (enum kesu_destination)i, 0;
	snprintf(err, errsize,
		 _("unknown destination \"%.40s\": lease-return, reuse, recycle, destroyed or vendor"), name);
	return -KESU_EPARSE;
}

/* What an erasure (or a received contractor's certificate) leaves. */
static enum kesu_media_state erasure_state(const struct kesu_media_event *e)
{
	if (!strcmp(e->outcome, "SUCCESS"))
		return KESU_MEDIA_ERASED;
	if (!strcmp(e->outcome, "ERASED_WITH_EXCEPTIONS"))
		return KESU_MEDIA_EXCEPTIONS;
	return KESU_MEDIA_FAILED; /* FAILED, INTERRUPTED, ABANDONED, UNVERIFIED */
}

/* Each event in chain order moves the state on: the newest erasure
 * decides between erased, exceptions and failed; a destruction cannot be
 * undone by a later erasure record; a hand-over is the state until
 * something is recorded after it (the medium came back). Approvals,
 * checks and signatures leave the state as it is. */
void Kesu_media_compute_state(struct kesu_medium *m)
{
	m->state = KESU_MEDIA_PENDING;
	m->state_event = m->handover = m->destruction = NULL;
	for (size_t i = 0; i < m->n_events; i++) {
		const struct kesu_media_event *e = &m->events[i];
		enum kesu_media_state next;
		switch (e->type) {
		case KESU_MEDIA_EV_ERASURE:
		case KESU_MEDIA_EV_RECEIVED:
			if (m->destruction)
				continue;
			next = erasure_state(e);
			break;
		case KESU_MEDIA_EV_DESTRUCTION:
			m->destruction = e;
			next = KESU_MEDIA_DESTROYED;
			break;
		case KESU_MEDIA_EV_HANDOVER:
			m->handover = e;
			next = KESU_MEDIA_HANDED_OVER;
			break;
		default:
			continue;
		}
		m->state = next;
		m->state_event = e;
	}
}

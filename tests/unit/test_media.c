/* Each medium's timeline (media.c, media_fold.c, media_state.c): which
 * records are one medium, the state the newest of them gives, and the
 * hand-over's rules and record, from record texts without a ledger. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/media.h"

static struct kesu_media_set *set;
static uint64_t seq;

static void setup(void)
{
	set = kesu_media_set_new();
	seq = 0;
}

static void teardown(void)
{
	kesu_media_set_free(set);
}

/* A record of kind about a medium ("media" or, for a handover, "medium");
 * size 0 and NULL strings are null. */
static void fold(const char *kind, const char *serial, long long size, const char *asset,
		 const char *outcome, const char *extra)
{
	char rec[2048], job[40], s[80], a[80], z[32];
	snprintf(job, sizeof(job), "%032llx", (unsigned long long)++seq);
	snprintf(s, sizeof(s), serial ? "\"%s\"" : "null", serial);
	snprintf(a, sizeof(a), asset ? "\"%s\"" : "null", asset);
	snprintf(z, sizeof(z), size ? "%lld" : "null", size);
	snprintf(rec, sizeof(rec),
		 "{\"kesu_record\":1,\"kind\":\"%s\",\"job_id\":\"%s\",\"%s\":{\"serial\":%s,"
		 "\"size_bytes\":%s,\"asset_number\":%s,\"model\":\"M1\"},\"outcome\":\"%s\","
		 "\"certificate_id\":\"KESU-20261206-%08llX\",\"ended_utc\":\"2026-12-06T01:00:%02lluZ\"%s%s}",
		 kind, job, strcmp(kind, "handover") ? "media" : "medium", s, z, a, outcome ? outcome : "",
		 (unsigned long long)seq, (unsigned long long)seq % 60, extra ? "," : "", extra ? extra : "");
	char err[KESU_ERRMSG_MAX], hash[65];
	snprintf(hash, sizeof(hash), "%064llx", (unsigned long long)seq);
	cr_assert_eq(kesu_media_fold(set, seq, hash, rec, err, sizeof(err)), 0, "%s", err);
}

static const struct kesu_medium *only(void)
{
	kesu_media_finish(set);
	cr_assert_eq(kesu_media_count(set), 1, "%zu media", kesu_media_count(set));
	return kesu_media_at(set, 0);
}

TestSuite(media, .init = setup, .fini = teardown);

Test(media, the_newest_erasure_decides_between_failed_erased_and_exceptions)
{
	fold("wipe", "S1", 1000, NULL, "FAILED", NULL);
	cr_assert_eq(only()->state, KESU_MEDIA_FAILED);
	fold("wipe", "S1", 1000, NULL, "SUCCESS", NULL);
	cr_assert_eq(only()->state, KESU_MEDIA_ERASED);
	fold("wipe", "S1", 1000, NULL, "ERASED_WITH_EXCEPTIONS", NULL);
	cr_assert_eq(only()->state, KESU_MEDIA_EXCEPTIONS);
	for (const char *const *o = (const char *const[]){"INTERRUPTED", "ABANDONED", "UNVERIFIED", NULL}; *o; o++) {
		fold("wipe", "S1", 1000, NULL, *o, NULL);
		cr_assert_eq(only()->state, KESU_MEDIA_FAILED, "%s", *o);
	}
	const struct kesu_medium *m = only();
	cr_assert_eq(m->n_events, 6);
	cr_assert_eq(m->state_event->seq, 6);
	cr_assert_str_eq(m->events[0].document_id, "KESU-20261206-00000001");
	cr_assert_str_eq(m->events[0].kind, "wipe");
	cr_assert_eq(m->events[0].type, KESU_MEDIA_EV_ERASURE);
	cr_assert_eq(strlen(m->events[0].hash), 64);
	cr_assert_str_eq(m->model, "M1");
}

Test(media, a_destruction_is_not_undone_and_a_handover_comes_after_the_rest)
{
	fold("wipe", "S1", 1000, NULL, "FAILED", NULL);
	fold("destruction", "S1", 0, NULL, "DESTROYED", "\"destruction\":{\"technique\":\"shred\"}");
	const struct kesu_medium *m = only();
	cr_assert_eq(m->state, KESU_MEDIA_DESTROYED);
	cr_assert_str_eq(m->destruction->detail, "shred");
	fold("wipe", "S1", 1000, NULL, "SUCCESS", NULL);
	cr_assert_eq(only()->state, KESU_MEDIA_DESTROYED);
	fold("handover", "S1", 1000, NULL, NULL, "\"destination\":\"destroyed\",\"to\":\"Recycler\"");
	m = only();
	cr_assert_eq(m->state, KESU_MEDIA_HANDED_OVER);
	cr_assert_eq(m->handover->seq, 4);
	cr_assert_str_eq(m->handover->detail, "destroyed to Recycler");
}

Test(media, serial_alone_matches_any_size_and_different_sizes_are_different_media)
{
	fold("wipe", "S1", 1000, NULL, "FAILED", NULL);
	fold("wipe", "S1", 2000, NULL, "SUCCESS", NULL);
	kesu_media_finish(set);
	cr_assert_eq(kesu_media_count(set), 2);
	cr_assert_eq(kesu_media_find(set, "S1", 2000, NULL)->state, KESU_MEDIA_ERASED);
	cr_assert_eq(kesu_media_find(set, "S1", 1000, NULL)->state, KESU_MEDIA_FAILED);
	/* A detached medium destroyed by serial: no size, the first that fits. */
	fold("destruction", "S1", 0, NULL, "DESTROYED", NULL);
	kesu_media_finish(set);
	cr_assert_eq(kesu_media_count(set), 2);
	cr_assert_eq(kesu_media_find(set, "S1", 1000, NULL)->state, KESU_MEDIA_DESTROYED);
}

Test(media, a_record_naming_serial_and_asset_joins_two_media)
{
	fold("wipe", "S1", 1000, NULL, "FAILED", NULL);
	fold("destruction", NULL, 0, "PC-7", "DESTROYED", NULL);
	kesu_media_finish(set);
	cr_assert_eq(kesu_media_count(set), 2);
	fold("wipe", "S1", 1000, "PC-7", "SUCCESS", NULL);
	const struct kesu_medium *m = only();
	cr_assert_str_eq(m->serial, "S1");
	cr_assert_str_eq(m->asset, "PC-7");
	cr_assert_eq(m->size, 1000);
	cr_assert_eq(m->n_events, 3);
	cr_assert_eq(m->events[1].seq, 2, "events in chain order after the join");
	cr_assert_eq(m->state, KESU_MEDIA_DESTROYED);
	cr_assert_eq(kesu_media_find_word(set, "PC-7"), m);
	cr_assert_eq(kesu_media_find_word(set, "S1"), m);
	cr_assert_null(kesu_media_find_word(set, "S2"));
}

Test(media, records_without_a_medium_are_skipped_and_signatures_follow_their_job)
{
	fold("wipe", NULL, 1000, NULL, "SUCCESS", NULL); /* no serial, no asset */
	char err[KESU_ERRMSG_MAX];
	cr_assert_eq(kesu_media_fold(set, 90, "h", "{\"kind\":\"trust\",\"job_id\":\"x\"}", err, sizeof(err)), 0);
	cr_assert_eq(kesu_media_fold(set, 91, "h", "[1]", err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "ledger record 91") != NULL, "%s", err);
	kesu_media_finish(set);
	cr_assert_eq(kesu_media_count(set), 0);
	fold("wipe", "S9", 1000, NULL, "SUCCESS", NULL);
	char rec[512];
	snprintf(rec, sizeof(rec),
		 "{\"kind\":\"pdf-signature\",\"job_id\":\"p\",\"at_utc\":\"2026-12-06T02:00:00Z\","
		 "\"signed_job_id\":\"%032llx\",\"signed_certificate_id\":\"KESU-20261206-00000002\","
		 "\"role\":\"approver\",\"signer\":\"CN=Boss\"}", 2ULL);
	cr_assert_eq(kesu_media_fold(set, 3, "h3", rec, err, sizeof(err)), 0);
	const struct kesu_medium *m = only();
	cr_assert_eq(m->n_events, 2);
	cr_assert_eq(m->events[1].type, KESU_MEDIA_EV_CERTIFICATE);
	cr_assert_str_eq(m->events[1].document_id, "KESU-20261206-00000002");
	cr_assert_str_eq(m->events[1].when_utc, "2026-12-06T02:00:00Z");
	cr_assert_eq(m->state, KESU_MEDIA_ERASED, "a signature does not change the state");
}

Test(media, an_approval_makes_a_medium_pending_and_is_one_event_however_often_cited)
{
	struct kesu_approval_medium media[] = {{1, "S1", 0, ""}, {2, "", 0, "PC-2"}};
	struct kesu_approval a = {.number = "A-20261206-0000000A", .issued_utc = "2026-12-06T00:00:00Z",
				  .approver_name = "Boss", .hash = "sha256:ab", .media = media, .n_media = 2};
	cr_assert_eq(kesu_media_add_approval(set, &a), 0);
	kesu_media_finish(set);
	cr_assert_eq(kesu_media_count(set), 2);
	const struct kesu_medium *m = kesu_media_find_word(set, "PC-2");
	cr_assert_eq(m->state, KESU_MEDIA_PENDING);
	cr_assert_null(m->state_event);
	cr_assert(kesu_media_has_approval(m, "A-20261206-0000000A"));
	cr_assert_not(kesu_media_has_approval(m, "A-20261206-0000000"));
	const char *cite = "\"approval\":{\"number\":\"A-20261206-0000000A\",\"entry\":1,"
			   "\"hash\":\"sha256:ab\",\"date\":\"2026-12-06\",\"approver\":{\"name\":\"Boss\"}}";
	fold("wipe", "S1", 1000, NULL, "FAILED", cite);
	fold("wipe", "S1", 1000, NULL, "SUCCESS", cite);
	kesu_media_finish(set);
	m = kesu_media_find_word(set, "S1");
	cr_assert_eq(m->n_events, 3, "one approval and two erasures");
	cr_assert_eq(m->events[0].type, KESU_MEDIA_EV_APPROVAL);
	cr_assert_str_eq(m->events[0].document_id, "A-20261206-0000000A#1");
	cr_assert_eq(m->state, KESU_MEDIA_ERASED);
}

Test(media, state_and_destination_names_parse_and_refuse_others)
{
	enum kesu_media_state s;
	enum kesu_destination d;
	char err[KESU_ERRMSG_MAX];
	for (int i = 0; i < KESU_MEDIA_STATE_COUNT; i++) {
		cr_assert_eq(kesu_media_state_parse(kesu_media_state_name(i), &s, err, sizeof(err)), 0);
		cr_assert_eq((int)s, i);
	}
	cr_assert_str_eq(kesu_media_state_name(KESU_MEDIA_HANDED_OVER), "handed-over");
	cr_assert_eq(kesu_media_state_parse("gone", &s, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "\"gone\"") && strstr(err, "handed-over"), "%s", err);
	cr_assert_eq(kesu_destination_parse("lease-return", &d, err, sizeof(err)), 0);
	cr_assert_eq(d, KESU_DEST_LEASE_RETURN);
	cr_assert_eq(kesu_destination_parse("bin", &d, err, sizeof(err)), -KESU_EPARSE);
}

static enum kesu_handover_refusal judge(enum kesu_destination d, const char *force, char *err)
{
	kesu_media_finish(set);
	struct kesu_handover h = {.destination = d, .to = "Lessor Co.", .force_reason = force};
	return kesu_handover_check(kesu_media_at(set, 0), &h, time(NULL), err, KESU_ERRMSG_MAX);
}

Test(media, a_medium_that_may_hold_data_leaves_for_lease_return_only_with_a_reason)
{
	char err[KESU_ERRMSG_MAX];
	fold("wipe", "S1", 1000, NULL, "FAILED", NULL);
	cr_assert_eq(judge(KESU_DEST_LEASE_RETURN, NULL, err), KESU_HANDOVER_NOT_READY);
	cr_assert(strstr(err, "medium S1 is failed (ledger record 1)"), "%s", err);
	cr_assert_eq(judge(KESU_DEST_REUSE, NULL, err), KESU_HANDOVER_NOT_READY);
	cr_assert_eq(judge(KESU_DEST_RECYCLE, NULL, err), KESU_HANDOVER_OK);
	cr_assert_eq(judge(KESU_DEST_LEASE_RETURN, "lessor shreds it", err), KESU_HANDOVER_OK);
	cr_assert_eq(judge(KESU_DEST_DESTROYED, NULL, err), KESU_HANDOVER_NOT_DESTROYED);
	fold("destruction", "S1", 0, NULL, "DESTROYED", NULL);
	cr_assert_eq(judge(KESU_DEST_LEASE_RETURN, NULL, err), KESU_HANDOVER_OK);
	cr_assert_eq(judge(KESU_DEST_DESTROYED, NULL, err), KESU_HANDOVER_OK);
	fold("handover", "S1", 1000, NULL, NULL, "\"destination\":\"lease-return\",\"to\":\"Lessor Co.\"");
	cr_assert_eq(judge(KESU_DEST_LEASE_RETURN, NULL, err), KESU_HANDOVER_ALREADY);
	cr_assert(strstr(err, "ledger record 3") && strstr(err, "lease-return to Lessor Co."), "%s", err);
}

Test(media, bad_dates_and_text_are_refused)
{
	char err[KESU_ERRMSG_MAX];
	fold("wipe", "S1", 1000, NULL, "SUCCESS", NULL);
	kesu_media_finish(set);
	const struct kesu_medium *m = kesu_media_at(set, 0);
	struct kesu_handover h = {.destination = KESU_DEST_REUSE, .to = "Lessor", .date = "2026-02-30"};
	cr_assert_eq(kesu_handover_check(m, &h, time(NULL), err, sizeof(err)), KESU_HANDOVER_BAD_INPUT);
	cr_assert(strstr(err, "2026-02-30"), "%s", err);
	h.date = "2999-01-01";
	cr_assert_eq(kesu_handover_check(m, &h, time(NULL), err, sizeof(err)), KESU_HANDOVER_BAD_INPUT);
	h.date = "2026-12-04"; /* the erasure ended 2026-12-06T01:00Z */
	cr_assert_eq(kesu_handover_check(m, &h, time(NULL), err, sizeof(err)), KESU_HANDOVER_BAD_INPUT);
	cr_assert(strstr(err, "is before ledger record 1 (wipe, 2026-12-0"), "%s", err);
	h.date = "2026-12-06";
	h.to = "Bad\xff";
	cr_assert_eq(kesu_handover_check(m, &h, time(NULL), err, sizeof(err)), KESU_HANDOVER_BAD_INPUT);
	cr_assert(strstr(err, "UTF-8"), "%s", err);
	h.to = "";
	cr_assert_eq(kesu_handover_check(m, &h, time(NULL), err, sizeof(err)), KESU_HANDOVER_BAD_INPUT);
	h.to = "Lessor";
	cr_assert_eq(kesu_handover_check(m, &h, time(NULL), err, sizeof(err)), KESU_HANDOVER_OK, "%s", err);
}

Test(media, the_handover_record_is_canonical_and_names_what_it_was_judged_on)
{
	fold("wipe", "S1", 1000, "PC-1", "FAILED", NULL);
	kesu_media_finish(set);
	struct kesu_handover h = {.destination = KESU_DEST_LEASE_RETURN, .to = "Lessor",
				  .date = "2026-12-01", .force_reason = "lessor destroys it"};
	struct kesu_job_context ctx = {.operator_name = "Op"};
	size_t len;
	char *rec = kesu_handover_record(kesu_media_at(set, 0), &h, &ctx, "ab12", time(NULL), &len);
	cr_assert_not_null(rec);
	struct json_object *doc = json_tokener_parse(rec), *v;
	cr_assert(json_object_object_get_ex(doc, "kind", &v));
	cr_assert_str_eq(json_object_get_string(v), "handover");
	cr_assert(json_object_object_get_ex(doc, "state_before", &v));
	cr_assert_str_eq(json_object_get_string(v), "failed");
	cr_assert(json_object_object_get_ex(doc, "force_reason", &v));
	cr_assert_str_eq(json_object_get_string(v), "lessor destroys it");
	cr_assert(json_object_object_get_ex(doc, "received_by", &v) && v == NULL);
	cr_assert(strstr(rec, "\"medium\":{\"asset_number\":\"PC-1\",\"model\":\"M1\",\"serial\":\"S1\",\"size_bytes\":1000}"), "%s", rec);
	cr_assert(strstr(rec, "\"state_record\":{\"hash\":\"") && strstr(rec, "\"seq\":1}"), "%s", rec);
	json_object_put(doc);
	/* Folding it back gives the hand-over. */
	char err[KESU_ERRMSG_MAX];
	cr_assert_eq(kesu_media_fold(set, 2, "h2", rec, err, sizeof(err)), 0);
	free(rec);
	kesu_media_finish(set);
	cr_assert_eq(kesu_media_at(set, 0)->state, KESU_MEDIA_HANDED_OVER);
	char subject[96];
	kesu_media_subject(kesu_media_at(set, 0), subject, sizeof(subject));
	cr_assert_str_eq(subject, "medium:S1");
}

Test(media, a_batch_certificate_is_an_event_of_each_member_and_changes_no_state)
{
	fold("wipe", "S1", 1000, NULL, "SUCCESS", NULL);
	const char *rec = "{\"kind\":\"batch-certificate\",\"job_id\":\"b1\",\"certificate_id\":\"KESU-20261206-BA7C0001\","
			  "\"ended_utc\":\"2026-12-06T03:00:00Z\",\"outcome\":\"INCOMPLETE\",\"members\":["
			  "{\"serial\":\"S1\",\"size_bytes\":1000,\"asset\":null,\"model\":\"M1\",\"outcome\":\"SUCCESS\"},"
			  "{\"serial\":null,\"size_bytes\":null,\"asset\":\"PC-9\",\"model\":null,\"outcome\":\"MISSING\"}]}";
	char err[KESU_ERRMSG_MAX];
	cr_assert_eq(kesu_media_fold(set, 2, "h2", rec, err, sizeof(err)), 0, "%s", err);
	kesu_media_finish(set);
	cr_assert_eq(kesu_media_count(set), 2);
	const struct kesu_medium *m = kesu_media_find_word(set, "S1");
	cr_assert_eq(m->n_events, 2);
	cr_assert_eq(m->events[1].type, KESU_MEDIA_EV_CERTIFICATE);
	cr_assert_str_eq(m->events[1].document_id, "KESU-20261206-BA7C0001");
	cr_assert_str_eq(m->events[1].detail, "batch certificate: SUCCESS");
	cr_assert_eq(m->state, KESU_MEDIA_ERASED);
	m = kesu_media_find_word(set, "PC-9");
	cr_assert_str_eq(m->events[0].detail, "batch certificate: MISSING");
	cr_assert_eq(m->state, KESU_MEDIA_PENDING);
}

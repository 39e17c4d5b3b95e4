/* Batch certificates (kesu/batch.h): the asset list's CSV, which records a
 * selection takes (the newest erasure, a destruction over it, media
 * nothing was found for), the order (missing first), the totals, and that
 * the renderer refuses totals or an outcome the rows contradict. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "kesu/batch.h"
#include "kesu/error.h"
#include "kesu/key.h"
#include "kesu/ledger.h"
#include "kesu/media.h"
#include "pdf_internal.h"
#include "pdf_batch.h"

static char dir[64], db_path[128];
static struct kesu_secret_key *sk;
static struct kesu_ledger *ledger;

static void setup(void)
{
	char err[256], sec[128], pub[128];
	snprintf(dir, sizeof(dir), "/tmp/kesu-batch-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/ledger.sqlite", dir);
	snprintf(sec, sizeof(sec), "%s/station.key", dir);
	snprintf(pub, sizeof(pub), "%s/station.pub", dir);
	cr_assert_eq(kesu_key_generate(sec, pub, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_key_load_secret(sec, NULL, &sk, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_ledger_open(db_path, &ledger, err, sizeof(err)), 0, "%s", err);
}

static void teardown(void)
{
	kesu_ledger_close(ledger);
	kesu_key_secret_free(sk);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

/* A record of kind about a medium (asset, serial; size 0: null). */
static void add(const char *kind, const char *asset, const char *serial, long long size,
		const char *outcome, const char *ended, const char *department)
{
	char id[KESU_JOB_ID_LEN + 1], hash[65], err[512], cert[32];
	uint64_t seq;
	kesu_ledger_new_id(id);
	kesu_certificate_id(cert);
	struct json_object *r = json_object_new_object(), *m = json_object_new_object();
	json_object_object_add(r, "kind", json_object_new_string(kind));
	json_object_object_add(r, "job_id", json_object_new_string(id));
	json_object_object_add(r, "certificate_id", json_object_new_string(cert));
	json_object_object_add(r, "outcome", json_object_new_string(outcome));
	json_object_object_add(r, "ended_utc", json_object_new_string(ended));
	json_object_object_add(m, "asset_number", asset ? json_object_new_string(asset) : NULL);
	json_object_object_add(m, "serial", serial ? json_object_new_string(serial) : NULL);
	json_object_object_add(m, "size_bytes", size ? json_object_new_int64(size) : NULL);
	json_object_object_add(r, "media", m);
	struct json_object *org = json_object_new_object();
	json_object_object_add(org, "department", department ? json_object_new_string(department) : NULL);
	json_object_object_add(r, "organisation", org);
	if (!strcmp(kind, "destruction")) {
		struct json_object *d = json_object_new_object();
		json_object_object_add(d, "technique", json_object_new_string("shred"));
		json_object_object_add(d, "nist_level", json_object_new_string("destroy"));
		json_object_object_add(r, "destruction", d);
	}
	size_t len;
	char *text = Kesu_json_canonical(r, &len);
	cr_assert_not_null(text);
	cr_assert_eq(kesu_ledger_append(ledger, "medium:x", kind, text, len, sk, id, &seq, hash, err,
					sizeof(err)), 0, "%s", err);
	free(text);
	json_object_put(r);
}

static struct kesu_batch_expected by_asset(const char *asset)
{
	struct kesu_batch_expected e = {0};
	snprintf(e.asset, sizeof(e.asset), "%s", asset);
	return e;
}

static struct kesu_batch *collect(const struct kesu_batch_selection *sel)
{
	struct kesu_batch *b = NULL;
	char err[512];
	cr_assert_eq(kesu_batch_collect(ledger, sel, &b, err, sizeof(err)), 0, "%s", err);
	return b;
}

TestSuite(batch, .init = setup, .fini = teardown);

Test(batch, newest_erasure_destruction_and_missing_first)
{
	add("wipe", "A1", NULL, 0, "SUCCESS", "2026-12-01T10:00:00Z", NULL);
	add("wipe", "A2", NULL, 0, "FAILED", "2026-12-01T10:00:00Z", NULL);
	add("destruction", "A2", NULL, 0, "DESTROYED", "2026-12-02T10:00:00Z", NULL);
	add("wipe", "A3", NULL, 0, "FAILED", "2026-12-01T10:00:00Z", NULL);
	add("wipe", "A3", NULL, 0, "SUCCESS", "2026-12-03T10:00:00Z", NULL);
	add("wipe", "A9", NULL, 0, "SUCCESS", "2026-12-03T10:00:00Z", NULL); /* not expected */
	add("verify", "A1", NULL, 0, "FAILED", "2026-12-04T10:00:00Z", NULL); /* not an erasure */
	struct kesu_batch_expected e[4] = {by_asset("A1"), by_asset("A2"), by_asset("A3"),
					   by_asset("A4")};
	struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_ASSETS, .asset_file = "x.csv",
					   .expected = e, .n_expected = 4};
	struct kesu_batch *b = collect(&sel);
	cr_assert_eq(b->n, 4);
	cr_assert_str_eq(b->members[0].id.asset, "A4");
	cr_assert_str_eq(b->members[0].outcome, "MISSING");
	cr_assert_str_eq(b->members[1].id.asset, "A1");
	cr_assert_str_eq(b->members[1].outcome, "SUCCESS");
	cr_assert_str_eq(b->members[2].outcome, "DESTROYED");
	cr_assert_not_null(b->members[2].erasure, "the failed erasure stays listed beside it");
	cr_assert_str_eq(b->members[3].outcome, "SUCCESS", "the newest erasure wins");
	cr_assert_eq(kesu_batch_count(b, "SUCCESS"), 2);
	cr_assert_eq(kesu_batch_count(b, "DESTROYED"), 1);
	cr_assert_eq(kesu_batch_count(b, "MISSING"), 1);
	cr_assert_not(kesu_batch_complete(b));
	kesu_batch_free(b);
	sel.n_expected = 3;
	b = collect(&sel);
	cr_assert(kesu_batch_complete(b));
	kesu_batch_free(b);
}

Test(batch, serial_and_size_matching)
{
	add("wipe", NULL, "S1", 1000, "FAILED", "2026-12-01T10:00:00Z", NULL);
	add("wipe", NULL, "S1", 2000, "SUCCESS", "2026-12-02T10:00:00Z", NULL); /* another drive */
	add("destruction", NULL, "S2", 0, "DESTROYED", "2026-12-02T10:00:00Z", NULL); /* detached */
	struct kesu_batch_expected e[2] = {{.serial = "S1", .size = 1000}, {.serial = "S2", .size = 500}};
	struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_WIPE_RUN, .expected = e, .n_expected = 2};
	/* no job ids: matched by serial; a size is compared only when both know it */
	struct kesu_batch *b = collect(&sel);
	cr_assert_str_eq(b->members[0].outcome, "FAILED");
	cr_assert_str_eq(b->members[1].outcome, "DESTROYED");
	kesu_batch_free(b);
}

/* The batch finds a medium's records by kesu/media.h's rule, as kesu
 * media show does: a medium approved by serial and size, wiped with its
 * asset number recorded, then destroyed by asset number alone, is one
 * medium, destroyed (the batch's own serial matching used to miss the
 * destruction and list it as erased). Under the approval only records
 * from its issue on count. */
Test(batch, same_medium_as_media_show)
{
	add("wipe", NULL, "J1", 1000, "FAILED", "2026-11-01T10:00:00Z", NULL); /* before it */
	add("wipe", "AJ", "J1", 1000, "SUCCESS", "2026-12-01T10:00:00Z", NULL);
	add("destruction", "AJ", NULL, 0, "DESTROYED", "2026-12-02T10:00:00Z", NULL);
	add("destruction", NULL, "J2", 0, "DESTROYED", "2026-11-02T10:00:00Z", NULL); /* before */
	struct kesu_approval_medium am[2] = {{.entry = 1, .serial = "J1", .size = 1000},
					     {.entry = 2, .serial = "J2", .size = 2000}};
	struct kesu_approval a = {.issued_utc = "2026-11-15T00:00:00Z", .media = am, .n_media = 2};
	struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_APPROVAL, .approval = &a,
					   .since = a.issued_utc};
	struct kesu_batch *b = collect(&sel);
	cr_assert_eq(b->n, 2);
	cr_assert_str_eq(b->members[0].id.serial, "J2");
	cr_assert_str_eq(b->members[0].outcome, "MISSING", "its destruction predates the approval");
	cr_assert_str_eq(b->members[1].id.serial, "J1");
	cr_assert_str_eq(b->members[1].outcome, "DESTROYED");
	cr_assert_not_null(b->members[1].destruction);
	cr_assert(strstr(b->members[1].erasure, "SUCCESS"), "the newest erasure, not the older one");
	cr_assert_gt(b->members[1].destruction_seq, b->members[1].erasure_seq);
	struct kesu_media_set *set = NULL;
	char err[512];
	cr_assert_eq(kesu_media_load(ledger, &set, err, sizeof(err)), 0, "%s", err);
	const struct kesu_medium *m = kesu_media_find(set, "J1", 1000, NULL);
	cr_assert_not_null(m);
	cr_assert_eq(m->state, KESU_MEDIA_DESTROYED, "kesu media show agrees");
	kesu_media_set_free(set);
	kesu_batch_free(b);
}

Test(batch, date_range_and_department)
{
	add("wipe", "R1", NULL, 0, "SUCCESS", "2026-11-30T23:59:59Z", "総務課");
	add("wipe", "R2", NULL, 0, "SUCCESS", "2026-12-01T00:00:00Z", "総務課");
	add("wipe", "R3", NULL, 0, "FAILED", "2026-12-02T23:59:59Z", "税務課");
	add("wipe", "R4", NULL, 0, "SUCCESS", "2026-12-03T00:00:00Z", "総務課");
	struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_RANGE, .since = "2026-12-01",
					   .until = "2026-12-02"};
	struct kesu_batch *b = collect(&sel);
	cr_assert_eq(b->n, 2);
	cr_assert_str_eq(b->members[0].id.asset, "R2");
	cr_assert_str_eq(b->members[1].id.asset, "R3");
	kesu_batch_free(b);
	sel.department = "総務課";
	b = collect(&sel);
	cr_assert_eq(b->n, 1);
	kesu_batch_free(b);
	sel.since = "2001-01-01", sel.until = "2001-01-02";
	char err[512];
	cr_assert_eq(kesu_batch_collect(ledger, &sel, &b, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "no medium"), "%s", err);
}

/* The payload made from the record renders; totals that disagree with
 * the rows, or COMPLETE over a missing medium, do not. */
Test(batch, payload_totals_checked_by_the_renderer)
{
	add("wipe", "P1", NULL, 0, "SUCCESS", "2026-12-01T10:00:00Z", NULL);
	struct kesu_batch_expected e[2] = {by_asset("P1"), by_asset("P2")};
	struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_ASSETS, .asset_file = "/x/y.csv",
					   .expected = e, .n_expected = 2};
	struct kesu_batch *b = collect(&sel);
	struct kesu_job_context ctx = {.operator_name = "op"};
	size_t len, plen;
	char *rec = kesu_batch_record(b, &ctx, "00112233445566778899aabbccddeeff",
				      "KESU-20261206-0A0B0C0D", 1765000000, &len);
	cr_assert_not_null(rec);
	char *payload = kesu_batch_payload(rec, 7, "ab", 1765000000, &plen);
	cr_assert_not_null(payload);
	struct cert c;
	char err[512];
	cr_assert_eq(Kesu_cert_parse(payload, plen, &c, err, sizeof(err)), 0, "%s", err);
	cr_assert(c.failure, "INCOMPLETE is drawn as a report");
	cr_assert_str_eq(c.batch->members[0].asset, "P2");
	cr_assert_eq(c.batch->totals[5], 1);
	Kesu_cert_free(&c);
	char *bad = strdup(payload);
	char *t = strstr(bad, "\"MISSING\":1");
	cr_assert_not_null(t);
	t[10] = '0';
	cr_assert_eq(Kesu_cert_parse(bad, plen, &c, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "totals.MISSING"), "%s", err);
	strcpy(bad, payload);
	t = strstr(bad, "\"outcome\":\"INCOMPLETE\"");
	cr_assert_not_null(t);
	memcpy(t + 11, "COMPLETE\"  ", 11); /* same length: ,"outcome":"COMPLETE"   */
	cr_assert_neq(Kesu_cert_parse(bad, plen, &c, err, sizeof(err)), 0);
	free(bad);
	free(payload);
	free(rec);
	kesu_batch_free(b);
}

static int parse_csv(const char *text, struct kesu_batch_expected **out, size_t *n, char *err)
{
	char path[160];
	snprintf(path, sizeof(path), "%s/list.csv", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
	return kesu_batch_assets_csv(path, out, n, err, 512);
}

Test(batch, asset_csv)
{
	struct kesu_batch_expected *e;
	size_t n;
	char err[512];
	cr_assert_eq(parse_csv("\xef\xbb\xbfModel,Asset\r\n\"Think, Pad\",PC-1\r\n\r\n,PC-2\r\n", &e, &n,
			       err), 0, "%s", err);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(e[0].asset, "PC-1");
	cr_assert_str_eq(e[0].model, "Think, Pad");
	cr_assert_eq(e[1].entry, 4, "the line it is on");
	free(e);
	static const struct {
		const char *text, *why;
	} bad[] = {
		{"asset\nPC-1\nPC-1\n", ":3: asset \"PC-1\" is already on line 2"},
		{"serial\nS1\n", ":1: the header row names no asset column"},
		{"asset,colour\nPC-1,red\n", ":1: column \"colour\" is not asset, serial or model"},
		{"asset,serial\nPC-1\n", ":2: has 1 values; the header row names 2 columns"},
		{"asset\n\"PC-1\n", ":2: has a quote that is not closed"},
		{"asset,serial\n,S1\n", ":2: no asset number"},
		{"asset\n", "no media listed under the header row"},
		{"asset\nPC-\xff\n", ":2: is not valid UTF-8 text"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse_csv(bad[i].text, &e, &n, err), -KESU_EPARSE, "%s", bad[i].text);
		cr_assert(strstr(err, bad[i].why), "%s: got %s", bad[i].why, err);
		cr_assert_null(e);
	}
}

/* A lease return of thousands of PCs: 1500 media in a period, with the
 * identity a real record has, fit the payload and render over dozens of
 * pages (each with its footer). */
Test(batch, fifteen_hundred_media_render, .timeout = 120)
{
	char asset[32], serial[32];
	for (int i = 0; i < 1500; i++) {
		snprintf(asset, sizeof(asset), "LEASE-2026-%05d", i);
		snprintf(serial, sizeof(serial), "S4EWNX0R%07d", i);
		add("wipe", asset, serial, 512110190592LL, "SUCCESS", "2026-12-01T10:00:00Z", "情報政策課");
	}
	struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_RANGE, .since = "2026-12-01",
					   .until = "2026-12-01"};
	struct kesu_batch *b = collect(&sel);
	cr_assert_eq(b->n, 1500);
	cr_assert(kesu_batch_complete(b));
	struct kesu_job_context ctx = {.operator_name = "op"};
	size_t len, plen, pdf_len = 0;
	char *rec = kesu_batch_record(b, &ctx, "00112233445566778899aabbccddeeff",
				      "KESU-20261206-0A0B0C0D", 1765000000, &len);
	char *payload = kesu_batch_payload(rec, 9, "ab", 1765000000, &plen);
	cr_assert_lt(plen, KESU_PDF_PAYLOAD_MAX, "%zu bytes", plen);
	unsigned char *pdf = NULL;
	char err[512];
	const char sig[] = "untrusted comment: x\nRWQ=\n";
	struct kesu_pdf_doc d = {payload, plen, sig, sizeof(sig) - 1, NULL, 0, NULL, NULL, 0};
	cr_assert_eq(kesu_pdf_render(&d, &pdf, &pdf_len, err, sizeof(err)), 0, "%s", err);
	size_t pages = 0;
	for (size_t i = 0; i + 10 < pdf_len; i++)
		pages += !memcmp(pdf + i, "/Type /Page", 11) && pdf[i + 11] != 's';
	cr_assert_geq(pages, 30, "%zu pages", pages);
	free(pdf);
	free(payload);
	free(rec);
	kesu_batch_free(b);
}

/* kesu cert verify --members: each listed certificate is matched by its
 * id and the record hash it carries; a received one by its payload's
 * SHA-256. */
Test(batch, refs_and_member_check)
{
	const char *payload =
		"{\"document\":\"batch-certificate\",\"members\":["
		"{\"asset\":\"A1\",\"serial\":\"S1\",\"erasure\":{\"certificate_id\":\"KESU-20261206-00000001\","
		"\"record_hash\":\"aa\"},\"destruction\":{\"certificate_id\":\"KESU-20261206-00000002\","
		"\"record_hash\":\"bb\"}},"
		"{\"asset\":\"A2\",\"erasure\":null,\"destruction\":null},"
		"{\"asset\":\"A3\",\"erasure\":{\"certificate_id\":\"KESU-20261206-00000003\",\"record_hash\":\"cc\","
		"\"payload_hash\":\"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad\"},"
		"\"destruction\":null}]}";
	struct kesu_batch_ref *refs;
	size_t n;
	char err[512];
	cr_assert_eq(kesu_batch_refs(payload, strlen(payload), &refs, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 3, "the missing member has no certificate");
	cr_assert_str_eq(refs[1].what, "destruction");
	cr_assert_str_eq(refs[0].medium, "asset A1, serial S1");
	const char *member = "{\"certificate_id\":\"KESU-20261206-00000001\",\"ledger\":{\"record_hash\":\"aa\"}}";
	cr_assert_eq(kesu_batch_ref_check(&refs[0], member, strlen(member), err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_batch_ref_check(&refs[1], member, strlen(member), err, sizeof(err)), -KESU_EVERIFY);
	cr_assert(strstr(err, "not KESU-20261206-00000002"), "%s", err);
	const char *rehashed = "{\"certificate_id\":\"KESU-20261206-00000001\",\"ledger\":{\"record_hash\":\"ab\"}}";
	cr_assert_eq(kesu_batch_ref_check(&refs[0], rehashed, strlen(rehashed), err, sizeof(err)), -KESU_EVERIFY);
	cr_assert(strstr(err, "ledger record"), "%s", err);
	/* a received certificate: "abc" is the payload whose SHA-256 is named */
	char abc[] = "abc";
	snprintf(refs[2].certificate_id, sizeof(refs[2].certificate_id), "%s", "KESU-20261206-00000003");
	cr_assert_eq(kesu_batch_ref_check(&refs[2], abc, 3, err, sizeof(err)), -KESU_EVERIFY,
		     "the id is checked first");
	const char *received = "{\"certificate_id\":\"KESU-20261206-00000003\"}";
	cr_assert_eq(kesu_batch_ref_check(&refs[2], received, strlen(received), err, sizeof(err)),
		     -KESU_EVERIFY);
	cr_assert(strstr(err, "not the one received"), "%s", err);
	free(refs);
	const char *wipe = "{\"document\":\"certificate\"}";
	cr_assert_eq(kesu_batch_refs(wipe, strlen(wipe), &refs, &n, err, sizeof(err)), -KESU_EPARSE);
}

/* A contractor's certificate received into the ledger is the member's
 * erasure, identified by its payload's hash. */
Test(batch, received_certificate_member)
{
	char id[KESU_JOB_ID_LEN + 1], hash[65], err[512];
	uint64_t seq;
	kesu_ledger_new_id(id);
	char rec[1024];
	int len = snprintf(rec, sizeof(rec),
		"{\"certificate\":{\"ended_utc\":\"2026-12-01T10:00:00Z\",\"id\":\"KESU-20261201-0000000C\","
		"\"payload_hash\":\"sha256:00\"},\"contractor\":{\"name\":\"株式会社ショウキョ\"},"
		"\"ended_utc\":\"2026-12-02T10:00:00Z\",\"job_id\":\"%s\",\"kind\":\"received-certificate\","
		"\"media\":{\"asset_number\":\"C1\"},\"outcome\":\"SUCCESS\"}", id);
	cr_assert_eq(kesu_ledger_append(ledger, "approval:x", "received-certificate", rec, (size_t)len,
					sk, id, &seq, hash, err, sizeof(err)), 0, "%s", err);
	struct kesu_batch_expected e[1] = {by_asset("C1")};
	struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_ASSETS, .asset_file = "c.csv",
					   .expected = e, .n_expected = 1};
	struct kesu_batch *b = collect(&sel);
	cr_assert_str_eq(b->members[0].outcome, "SUCCESS");
	struct kesu_job_context ctx = {.operator_name = "op"};
	size_t rlen;
	char *text = kesu_batch_record(b, &ctx, id, "KESU-20261206-0A0B0C0D", 1765000000, &rlen);
	struct kesu_batch_ref *refs;
	size_t n;
	cr_assert_eq(kesu_batch_refs(text, rlen, &refs, &n, err, sizeof(err)), -KESU_EPARSE,
		     "a record is not a payload");
	char *payload = kesu_batch_payload(text, seq + 1, "ff", 1765000000, &rlen);
	cr_assert_eq(kesu_batch_refs(payload, rlen, &refs, &n, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(refs[0].certificate_id, "KESU-20261201-0000000C");
	cr_assert_str_eq(refs[0].payload_hash, "sha256:00");
	cr_assert(strstr(payload, "\"source\":\"received\""));
	cr_assert(strstr(payload, "株式会社ショウキョ"));
	free(refs);
	free(payload);
	free(text);
	kesu_batch_free(b);
}

/* More media than a payload holds: refused in one line, nothing made. */
Test(batch, too_many_media)
{
	size_t n = KESU_BATCH_MEDIA_MAX + 1;
	struct kesu_batch_expected *e = calloc(n, sizeof(*e));
	for (size_t i = 0; i < n; i++)
		snprintf(e[i].asset, sizeof(e[i].asset), "A%zu", i);
	struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_ASSETS, .asset_file = "x.csv",
					   .expected = e, .n_expected = n};
	struct kesu_batch *b = (struct kesu_batch *)1;
	char err[512];
	cr_assert_eq(kesu_batch_collect(ledger, &sel, &b, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_null(b);
	cr_assert(strstr(err, "more than 1800 media"), "%s", err);
	free(e);
}

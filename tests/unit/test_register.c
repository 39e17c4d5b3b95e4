/* The manager's register (kesu/register.h): built from a ledger filled
 * with crafted records, each anomaly with its negative (the same case
 * without it), the filters, the month's bounds, the weeks, the counts and
 * the CSV's bytes. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "canonical_json.h"
#include "kesu/error.h"
#include "kesu/key.h"
#include "kesu/ledger.h"
#include "kesu/media.h"
#include "kesu/register.h"

static char dir[64], db_path[128], cert_dir[128];
static struct kesu_secret_key *sk;
static struct kesu_public_key pk;
static struct kesu_ledger *ledger;
static struct kesu_register *reg;
static char err[KESU_ERRMSG_MAX];

static void setup(void)
{
	char sec[128], pub[128];
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	snprintf(dir, sizeof(dir), "/tmp/kesu-register-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(db_path, sizeof(db_path), "%s/ledger.sqlite", dir);
	snprintf(cert_dir, sizeof(cert_dir), "%s/certs", dir);
	cr_assert_eq(mkdir(cert_dir, 0700), 0);
	snprintf(sec, sizeof(sec), "%s/station.key", dir);
	snprintf(pub, sizeof(pub), "%s/station.pub", dir);
	cr_assert_eq(kesu_key_generate(sec, pub, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_key_load_secret(sec, NULL, &sk, err, sizeof(err)), 0, "%s", err);
	kesu_key_public_from_secret(sk, &pk);
	cr_assert_eq(kesu_ledger_open(db_path, &ledger, err, sizeof(err)), 0, "%s", err);
	reg = NULL;
}

static void teardown(void)
{
	kesu_register_free(reg);
	kesu_ledger_close(ledger);
	kesu_key_secret_free(sk);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(reg, .init = setup, .fini = teardown);

/* Appends a record of kind: json is its members (an object's text), to
 * which the job id and the kind are added; returns its seq. */
static uint64_t append(const char *kind, const char *json)
{
	struct json_object *doc = json_tokener_parse(json);
	cr_assert(json_object_is_type(doc, json_type_object), "%s", json);
	char id[KESU_JOB_ID_LEN + 1], hash[65];
	kesu_ledger_new_id(id);
	json_object_object_add(doc, "job_id", json_object_new_string(id));
	json_object_object_add(doc, "kind", json_object_new_string(kind));
	size_t len;
	char *text = Kesu_json_canonical(doc, &len);
	cr_assert_not_null(text, "%s", json);
	uint64_t seq;
	cr_assert_eq(kesu_ledger_append(ledger, "medium:x", kind, text, len, sk, id, &seq, hash, err,
					sizeof(err)), 0, "%s", err);
	free(text);
	json_object_put(doc);
	return seq;
}

struct wipe {
	const char *serial, *cls, *outcome, *local, *cert, *approval, *vmode, *dept, *op, *host;
};

/* A wipe record, as kesu wipe writes one (the members the register reads). */
static uint64_t wipe(struct wipe w)
{
	char json[3072], approval[256] = "null";
	if (w.approval)
		snprintf(approval, sizeof(approval),
			 "{\"number\":\"%s\",\"entry\":1,\"approver\":{\"name\":\"課長 一郎\"}}", w.approval);
	/* ended_utc from the local time (+09:00) */
	struct tm tm = {0};
	strptime(w.local, "%Y-%m-%dT%H:%M:%S", &tm);
	time_t t = timegm(&tm) - 9 * 3600;
	char utc[32];
	strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	snprintf(json, sizeof(json),
		 "{\"kesu_record\":1,\"certificate_id\":\"%s\",\"ended_utc\":\"%s\",\"ended_local\":\"%s\","
		 "\"operator\":{\"name\":\"%s\"},\"organisation\":{\"name\":\"高松市\",\"department\":\"%s\"},"
		 "\"approver\":null,\"witness\":null,\"classification\":\"%s\",\"purpose\":\"disposal\","
		 "\"media\":{\"serial\":\"%s\",\"size_bytes\":1000,\"asset_number\":\"PC-%s\",\"model\":\"M\"},"
		 "\"sanitization\":{\"nist_level\":\"clear\",\"method\":{\"id\":\"dod-3pass\","
		 "\"title_ja\":\"米国国防総省方式 DoD 5220.22-M\",\"title_en\":\"US DoD 5220.22-M\"}},"
		 "\"verification\":{\"mode\":\"%s\",\"percent\":\"10.0\",\"passed\":true},"
		 "\"outcome\":\"%s\",\"station\":{\"hostname\":\"%s\",\"key_fingerprint\":\"ed25519:abc\"},"
		 "\"approval\":%s}",
		 w.cert ? w.cert : "", utc, w.local, w.op ? w.op : "山田 太郎", w.dept ? w.dept : "総務課",
		 w.cls ? w.cls : "III", w.serial, w.serial, w.vmode ? w.vmode : "sample",
		 w.outcome ? w.outcome : "SUCCESS", w.host ? w.host : "st1", approval);
	return append("wipe", json);
}

static uint64_t destroy(const char *serial, const char *local)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"kesu_record\":1,\"ended_local\":\"%s\",\"ended_utc\":\"2026-12-20T01:00:00Z\","
		 "\"media\":{\"serial\":\"%s\",\"size_bytes\":null,\"asset_number\":null},"
		 "\"destruction\":{\"technique\":\"drill\",\"nist_level\":\"destroy\"},"
		 "\"outcome\":\"DESTROYED\",\"classification\":\"III\",\"approval\":{\"number\":\"A-1\",\"entry\":1},"
		 "\"organisation\":{\"department\":\"総務課\"},\"station\":{\"hostname\":\"st1\"}}",
		 local, serial);
	return append("destruction", json);
}

static uint64_t handover(const char *serial, const char *destination, const char *local)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"kesu_record\":1,\"ended_local\":\"%s\",\"ended_utc\":\"2026-12-21T01:00:00Z\","
		 "\"medium\":{\"serial\":\"%s\",\"size_bytes\":1000,\"asset_number\":null},"
		 "\"destination\":\"%s\",\"to\":\"業者A\",\"received_by\":\"佐藤\",\"date\":\"2026-12-21\","
		 "\"organisation\":{\"department\":\"総務課\"},\"station\":{\"hostname\":\"st1\"}}",
		 local, serial, destination);
	return append("handover", json);
}

static uint64_t received(const char *serial)
{
	char json[1024];
	snprintf(json, sizeof(json),
		 "{\"kesu_record\":1,\"ended_utc\":\"2026-12-22T01:00:00Z\",\"outcome\":\"SUCCESS\","
		 "\"media\":{\"serial\":\"%s\",\"size_bytes\":1000},\"certificate\":{\"id\":\"KESU-C-1\"},"
		 "\"contractor\":{\"name\":\"業者A\"},\"approval\":{\"number\":\"A-2\",\"entry\":1}}",
		 serial);
	return append("received-certificate", json);
}

static void countersign(const char *cert, const char *role)
{
	char json[512];
	snprintf(json, sizeof(json),
		 "{\"action\":\"countersign\",\"at_utc\":\"2026-12-23T01:00:00Z\",\"by\":\"x\","
		 "\"countersigned_certificate_id\":\"%s\",\"countersigned_job_id\":\"j\",\"name\":\"立会 花子\","
		 "\"role\":\"%s\"}",
		 cert, role);
	append("countersignature", json);
}

static void build_q(struct kesu_register_query *q)
{
	if (!q->since)
		q->since = "2026-12-01", q->until = "2026-12-31";
	if (!q->now)
		q->now = 1798761600; /* 2027-01-01T00:00:00Z */
	kesu_register_free(reg);
	reg = NULL;
	cr_assert_eq(kesu_register_build(ledger, q, &reg, err, sizeof(err)), 0, "%s", err);
}

static void build(void)
{
	struct kesu_register_query q = {.pk = &pk};
	build_q(&q);
}

static size_t count_kind(enum kesu_register_anomaly_kind k)
{
	size_t n = 0;
	for (size_t i = 0; i < reg->n_anomalies; i++)
		n += reg->anomalies[i].kind == k;
	return n;
}

/* The anomaly of kind about the record seq, or NULL. */
static const struct kesu_register_anomaly *anomaly(enum kesu_register_anomaly_kind k, uint64_t seq)
{
	for (size_t i = 0; i < reg->n_anomalies; i++)
		if (reg->anomalies[i].kind == k && reg->anomalies[i].seq == seq)
			return &reg->anomalies[i];
	return NULL;
}

Test(reg, a_month_is_its_first_and_last_day_leap_years_included)
{
	char since[11], until[11];
	cr_assert_eq(kesu_register_month("2026-12", since, until, err, sizeof(err)), 0);
	cr_assert_str_eq(since, "2026-12-01");
	cr_assert_str_eq(until, "2026-12-31");
	cr_assert_eq(kesu_register_month("2028-02", since, until, err, sizeof(err)), 0);
	cr_assert_str_eq(until, "2028-02-29");
	cr_assert_eq(kesu_register_month("2026-02", since, until, err, sizeof(err)), 0);
	cr_assert_str_eq(until, "2026-02-28");
	cr_assert_eq(kesu_register_month("2100-02", since, until, err, sizeof(err)), 0);
	cr_assert_str_eq(until, "2100-02-28", "2100 is not a leap year");
	cr_assert_eq(kesu_register_month("2026-13", since, until, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "2026-13") != NULL, "%s", err);
	cr_assert_eq(kesu_register_month("2026-1", since, until, err, sizeof(err)), -KESU_EPARSE);
}

Test(reg, a_query_with_bad_values_is_refused_naming_them)
{
	struct { struct kesu_register_query q; const char *named; } bad[] = {
		{{.since = "2026-02-30", .until = "2026-03-01"}, "2026-02-30"},
		{{.since = "2026-12-01", .until = "2026-11-30"}, "before"},
		{{.since = "2026-12-01", .until = "2026-12-31", .classification = "IV"}, "IV"},
		{{.since = "2026-12-01", .until = "2026-12-31", .purpose = "sale"}, "sale"},
		{{.since = NULL, .until = "2026-12-31"}, "since"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(kesu_register_build(ledger, &bad[i].q, &reg, err, sizeof(err)), -KESU_EPARSE, "%zu", i);
		cr_assert_null(reg);
		cr_assert(strstr(err, bad[i].named) != NULL, "%zu: %s", i, err);
	}
}

Test(reg, the_period_is_local_dates_across_december_and_january)
{
	uint64_t dec = wipe((struct wipe){.serial = "D1", .local = "2026-12-31T23:59:59+09:00"});
	uint64_t jan = wipe((struct wipe){.serial = "J1", .local = "2027-01-01T00:00:00+09:00"});
	wipe((struct wipe){.serial = "N1", .local = "2026-11-30T23:59:59+09:00"});
	build();
	cr_assert_eq(reg->n_rows, 1);
	cr_assert_eq(reg->rows[0].seq, dec);
	cr_assert_str_eq(reg->rows[0].when_local, "2026-12-31T23:59:59+09:00");
	struct kesu_register_query q = {.since = "2027-01-01", .until = "2027-01-31", .pk = &pk};
	build_q(&q);
	cr_assert_eq(reg->n_rows, 1);
	cr_assert_eq(reg->rows[0].seq, jan);
	cr_assert_str_eq(reg->since, "2027-01-01");
}

Test(reg, class_ii_without_approval_is_an_anomaly_with_approval_or_class_iii_not)
{
	uint64_t bare = wipe((struct wipe){.serial = "S1", .cls = "II", .local = "2026-12-02T10:00:00+09:00"});
	uint64_t ok = wipe((struct wipe){.serial = "S2", .cls = "II", .approval = "A-20261201-00000001",
					 .local = "2026-12-02T11:00:00+09:00"});
	uint64_t iii = wipe((struct wipe){.serial = "S3", .cls = "III", .local = "2026-12-02T12:00:00+09:00"});
	build();
	const struct kesu_register_anomaly *a = anomaly(KESU_ANOM_NO_APPROVAL, bare);
	cr_assert_not_null(a);
	cr_assert_str_eq(a->subject, "S1");
	cr_assert(strstr(a->detail_ja, "事前承認") != NULL, "%s", a->detail_ja);
	cr_assert_null(anomaly(KESU_ANOM_NO_APPROVAL, ok));
	cr_assert_null(anomaly(KESU_ANOM_NO_APPROVAL, iii));
	cr_assert_str_eq(reg->rows[1].approval, "A-20261201-00000001#1");
	cr_assert_str_eq(reg->rows[1].approver, "課長 一郎");
	/* A policy that asks no approval of class II: no anomaly. */
	struct kesu_policy p;
	kesu_policy_default(&p);
	p.cls[1].approval_required = false;
	struct kesu_register_query q = {.pk = &pk, .policy = &p};
	build_q(&q);
	cr_assert_null(anomaly(KESU_ANOM_NO_APPROVAL, bare));
}

Test(reg, a_failure_needs_a_later_destruction_or_for_class_iii_a_later_erasure)
{
	const char *ap = "A-1";
	uint64_t lone = wipe((struct wipe){.serial = "F1", .cls = "II", .approval = ap, .outcome = "FAILED",
					   .local = "2026-12-03T10:00:00+09:00"});
	uint64_t destroyed = wipe((struct wipe){.serial = "F2", .cls = "II", .approval = ap,
						.outcome = "INTERRUPTED", .local = "2026-12-03T10:00:00+09:00"});
	uint64_t retried_ii = wipe((struct wipe){.serial = "F3", .cls = "II", .approval = ap,
						 .outcome = "ABANDONED", .local = "2026-12-03T10:00:00+09:00"});
	uint64_t retried_iii = wipe((struct wipe){.serial = "F4", .cls = "III", .outcome = "FAILED",
						  .local = "2026-12-03T10:00:00+09:00"});
	destroy("F2", "2026-12-04T10:00:00+09:00");
	wipe((struct wipe){.serial = "F3", .cls = "II", .approval = ap, .local = "2026-12-04T10:00:00+09:00"});
	wipe((struct wipe){.serial = "F4", .cls = "III", .local = "2026-12-04T10:00:00+09:00"});
	build();
	cr_assert_not_null(anomaly(KESU_ANOM_FAILED_NOT_DESTROYED, lone));
	cr_assert_null(anomaly(KESU_ANOM_FAILED_NOT_DESTROYED, destroyed));
	cr_assert_not_null(anomaly(KESU_ANOM_FAILED_NOT_DESTROYED, retried_ii),
			   "class II's policy asks for destruction after a failure");
	cr_assert_null(anomaly(KESU_ANOM_FAILED_NOT_DESTROYED, retried_iii));
	cr_assert_eq(count_kind(KESU_ANOM_FAILED_NOT_DESTROYED), 2);
	/* The failed row shows the later destruction. */
	for (size_t i = 0; i < reg->n_rows; i++)
		if (reg->rows[i].seq == destroyed)
			cr_assert(strstr(reg->rows[i].destruction, "drill 2026-12-") != NULL, "%s",
				  reg->rows[i].destruction);
}

Test(reg, unverified_outcome_or_no_verification_is_an_anomaly_a_sample_is_not)
{
	uint64_t u = wipe((struct wipe){.serial = "U1", .outcome = "UNVERIFIED", .local = "2026-12-05T10:00:00+09:00"});
	uint64_t none = wipe((struct wipe){.serial = "U2", .vmode = "none", .local = "2026-12-05T10:00:00+09:00"});
	uint64_t sample = wipe((struct wipe){.serial = "U3", .local = "2026-12-05T10:00:00+09:00"});
	build();
	cr_assert_not_null(anomaly(KESU_ANOM_UNVERIFIED, u));
	cr_assert_not_null(anomaly(KESU_ANOM_UNVERIFIED, none));
	cr_assert_null(anomaly(KESU_ANOM_UNVERIFIED, sample));
	cr_assert_str_eq(reg->rows[2].verification, "sample 10%");
	cr_assert_eq(reg->rows[2].verified, 1);
	cr_assert_eq(reg->rows[1].verified, -1);
}

Test(reg, a_certificate_missing_from_cert_dir_is_an_anomaly)
{
	uint64_t there = wipe((struct wipe){.serial = "C1", .cert = "KESU-20261206-0000000A", .local = "2026-12-06T10:00:00+09:00"});
	uint64_t gone = wipe((struct wipe){.serial = "C2", .cert = "KESU-20261206-0000000B", .local = "2026-12-06T10:00:00+09:00"});
	uint64_t report = wipe((struct wipe){.serial = "C3", .cert = "KESU-20261206-0000000C", .outcome = "FAILED",
					     .local = "2026-12-06T10:00:00+09:00"});
	char path[256];
	snprintf(path, sizeof(path), "%s/kesu-KESU-20261206-0000000A.pdf", cert_dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fclose(f);
	struct kesu_register_query q = {.pk = &pk, .cert_dir = cert_dir};
	build_q(&q);
	cr_assert(reg->certificates_checked);
	cr_assert_null(anomaly(KESU_ANOM_CERT_MISSING, there));
	const struct kesu_register_anomaly *a = anomaly(KESU_ANOM_CERT_MISSING, gone);
	cr_assert_not_null(a);
	cr_assert(strstr(a->detail_en, "kesu-KESU-20261206-0000000B.pdf") != NULL, "%s", a->detail_en);
	a = anomaly(KESU_ANOM_CERT_MISSING, report);
	cr_assert_not_null(a, "a failure report is a document too");
	cr_assert(strstr(a->detail_ja, "失敗報告書") != NULL, "%s", a->detail_ja);
	build(); /* no cert_dir: not checked */
	cr_assert(!reg->certificates_checked);
	cr_assert_eq(count_kind(KESU_ANOM_CERT_MISSING), 0);
}

Test(reg, class_i_needs_a_witness_countersignature_of_its_certificate)
{
	const char *ap = "A-1";
	uint64_t seen = wipe((struct wipe){.serial = "W1", .cls = "I", .approval = ap, .cert = "KESU-W-1",
					   .local = "2026-12-07T10:00:00+09:00"});
	uint64_t alone = wipe((struct wipe){.serial = "W2", .cls = "I", .approval = ap, .cert = "KESU-W-2",
					    .local = "2026-12-07T10:00:00+09:00"});
	uint64_t iii = wipe((struct wipe){.serial = "W3", .cls = "III", .cert = "KESU-W-3",
					  .local = "2026-12-07T10:00:00+09:00"});
	countersign("KESU-W-1", "witness");
	countersign("KESU-W-2", "validator");
	build();
	cr_assert_null(anomaly(KESU_ANOM_WITNESS_MISSING, seen));
	cr_assert_not_null(anomaly(KESU_ANOM_WITNESS_MISSING, alone), "a validator is not a witness");
	cr_assert_null(anomaly(KESU_ANOM_WITNESS_MISSING, iii));
}

Test(reg, approved_media_still_pending_after_the_approval_expired)
{
	wipe((struct wipe){.serial = "P1", .local = "2026-12-08T10:00:00+09:00"});
	struct kesu_approval_medium media[] = {{1, "P1", 0, ""}, {2, "P2", 0, ""}, {3, "", 0, "PC-P3"}};
	struct kesu_approval expired = {.number = "A-20261101-000000E1", .valid_until = "2026-12-31",
					.classification = "II", .purpose = "disposal", .media = media, .n_media = 3};
	struct kesu_approval_medium later_media[] = {{1, "P4", 0, ""}};
	struct kesu_approval valid = {.number = "A-20261101-000000E2", .valid_until = "2027-01-31",
				      .classification = "II", .purpose = "disposal", .media = later_media, .n_media = 1};
	const struct kesu_approval *list[] = {&expired, &valid};
	struct kesu_register_query q = {.pk = &pk, .approvals = list, .n_approvals = 2};
	build_q(&q); /* now: 2027-01-01 09:00 in Tokyo */
	cr_assert(reg->approvals_checked);
	cr_assert_eq(count_kind(KESU_ANOM_APPROVAL_EXPIRED), 2);
	const struct kesu_register_anomaly *a = &reg->anomalies[reg->n_anomalies - 1];
	cr_assert_eq(a->kind, KESU_ANOM_APPROVAL_EXPIRED);
	cr_assert_eq(a->seq, 0);
	bool p2 = false, p3 = false;
	for (size_t i = 0; i < reg->n_anomalies; i++) {
		p2 |= !strcmp(reg->anomalies[i].subject, "A-20261101-000000E1#2");
		p3 |= !strcmp(reg->anomalies[i].subject, "A-20261101-000000E1#3");
	}
	cr_assert(p2 && p3);
	q.now = 1798761600 - 86400 * 2; /* 2026-12-30: still valid */
	build_q(&q);
	cr_assert_eq(count_kind(KESU_ANOM_APPROVAL_EXPIRED), 0);
}

Test(reg, a_vendor_hand_over_needs_a_contractor_certificate_back)
{
	uint64_t bare = handover("V1", "vendor", "2026-12-09T10:00:00+09:00");
	uint64_t back = handover("V2", "vendor", "2026-12-09T11:00:00+09:00");
	received("V2");
	wipe((struct wipe){.serial = "V3", .local = "2026-12-09T09:00:00+09:00"});
	uint64_t erased = handover("V3", "vendor", "2026-12-09T12:00:00+09:00");
	uint64_t lease = handover("V4", "lease-return", "2026-12-09T13:00:00+09:00");
	build();
	cr_assert_not_null(anomaly(KESU_ANOM_CONTRACTOR_CERT, bare));
	cr_assert_null(anomaly(KESU_ANOM_CONTRACTOR_CERT, back));
	cr_assert_null(anomaly(KESU_ANOM_CONTRACTOR_CERT, erased));
	cr_assert_null(anomaly(KESU_ANOM_CONTRACTOR_CERT, lease));
	cr_assert_eq(count_kind(KESU_ANOM_CONTRACTOR_CERT), 1);
	/* The received certificate is a row: the contractor is its customer. */
	bool seen = false;
	for (size_t i = 0; i < reg->n_rows; i++)
		if (!strcmp(reg->rows[i].kind, "received-certificate")) {
			seen = true;
			cr_assert_str_eq(reg->rows[i].customer, "業者A");
			cr_assert_str_eq(reg->rows[i].certificate_id, "KESU-C-1");
			cr_assert_eq(reg->rows[i].outcome_class, KESU_REG_SUCCESS);
		}
	cr_assert(seen);
}

Test(reg, the_ledger_verified_or_not_is_said_first)
{
	wipe((struct wipe){.serial = "L1", .local = "2026-12-10T10:00:00+09:00"});
	uint64_t last = wipe((struct wipe){.serial = "L2", .cls = "II", .local = "2026-12-10T10:00:00+09:00"});
	build();
	cr_assert(reg->ledger_verified && reg->ledger_ok);
	cr_assert_eq(reg->ledger_records, last);
	cr_assert_eq(strlen(reg->ledger_head), 64);
	cr_assert_eq(count_kind(KESU_ANOM_LEDGER), 0);
	cr_assert_eq(reg->anomalies[0].kind, KESU_ANOM_NO_APPROVAL);
	struct kesu_register_query q = {0};
	build_q(&q);
	cr_assert(!reg->ledger_verified);
	cr_assert_eq(reg->anomalies[0].kind, KESU_ANOM_LEDGER, "the ledger's anomaly comes first");
	cr_assert(strstr(reg->anomalies[0].detail_en, "not verified") != NULL);
	/* Another key: the register is built and says so. */
	char sec[128], pub[128];
	snprintf(sec, sizeof(sec), "%s/other.key", dir);
	snprintf(pub, sizeof(pub), "%s/other.pub", dir);
	cr_assert_eq(kesu_key_generate(sec, pub, NULL, err, sizeof(err)), 0, "%s", err);
	struct kesu_public_key other;
	cr_assert_eq(kesu_key_load_public(pub, &other, err, sizeof(err)), 0, "%s", err);
	q.pk = &other;
	build_q(&q);
	cr_assert(reg->ledger_verified && !reg->ledger_ok);
	cr_assert_eq(reg->anomalies[0].kind, KESU_ANOM_LEDGER);
	cr_assert_eq(reg->anomalies[0].seq, 1);
	cr_assert_eq(reg->n_rows, 2, "the rows are listed all the same");
}

Test(reg, filters_department_class_purpose_and_station)
{
	wipe((struct wipe){.serial = "A1", .dept = "総務課", .cls = "III", .local = "2026-12-11T10:00:00+09:00"});
	wipe((struct wipe){.serial = "A2", .dept = "税務課", .cls = "III", .host = "st2", .local = "2026-12-11T10:00:00+09:00"});
	wipe((struct wipe){.serial = "A3", .dept = "税務課", .cls = "I", .local = "2026-12-11T10:00:00+09:00"});
	struct kesu_register_query q = {.pk = &pk, .department = "税務課"};
	build_q(&q);
	cr_assert_eq(reg->n_rows, 2);
	cr_assert_str_eq(reg->filter_text, "department=税務課");
	q.classification = "I";
	build_q(&q);
	cr_assert_eq(reg->n_rows, 1);
	cr_assert_str_eq(reg->rows[0].serial, "A3");
	cr_assert_str_eq(reg->filter_text, "department=税務課, class=I");
	struct kesu_register_query s = {.pk = &pk, .station = "st2"};
	build_q(&s);
	cr_assert_eq(reg->n_rows, 1);
	cr_assert_str_eq(reg->rows[0].serial, "A2");
	s.station = "ed25519:abc";
	build_q(&s);
	cr_assert_eq(reg->n_rows, 3);
	struct kesu_register_query p = {.pk = &pk, .purpose = "repair"};
	build_q(&p);
	cr_assert_eq(reg->n_rows, 0);
}

Test(reg, weeks_start_on_monday_and_cover_the_period_even_empty)
{
	wipe((struct wipe){.serial = "K1", .local = "2026-12-01T10:00:00+09:00"}); /* Tuesday */
	wipe((struct wipe){.serial = "K2", .outcome = "FAILED", .local = "2026-12-06T10:00:00+09:00"}); /* Sunday */
	wipe((struct wipe){.serial = "K3", .local = "2026-12-31T10:00:00+09:00"});
	build();
	cr_assert_eq(reg->n_weeks, 5);
	cr_assert_str_eq(reg->weeks[0].monday, "2026-11-30");
	cr_assert_str_eq(reg->weeks[4].monday, "2026-12-28");
	cr_assert_eq(reg->weeks[0].by_outcome[KESU_REG_SUCCESS], 1);
	cr_assert_eq(reg->weeks[0].by_outcome[KESU_REG_FAILED], 1);
	cr_assert_eq(reg->weeks[1].by_outcome[KESU_REG_SUCCESS] + reg->weeks[2].by_outcome[KESU_REG_SUCCESS], 0);
	cr_assert_eq(reg->weeks[4].by_outcome[KESU_REG_SUCCESS], 1);
	/* Across a year's end: 2026-12-28 .. 2027-01-10 is two weeks. */
	struct kesu_register_query q = {.pk = &pk, .since = "2026-12-28", .until = "2027-01-10"};
	build_q(&q);
	cr_assert_eq(reg->n_weeks, 2);
	cr_assert_str_eq(reg->weeks[1].monday, "2027-01-04");
}

Test(reg, counts_per_dimension_largest_first_split_by_outcome)
{
	wipe((struct wipe){.serial = "N1", .dept = "税務課", .local = "2026-12-12T10:00:00+09:00"});
	wipe((struct wipe){.serial = "N2", .dept = "税務課", .outcome = "FAILED", .local = "2026-12-12T10:00:00+09:00"});
	wipe((struct wipe){.serial = "N3", .dept = "総務課", .local = "2026-12-12T10:00:00+09:00"});
	destroy("N2", "2026-12-13T10:00:00+09:00");
	build();
	cr_assert_eq(reg->n_rows, 4);
	const struct kesu_register_count *d = reg->counts[KESU_REG_BY_DEPARTMENT];
	cr_assert_eq(reg->n_counts[KESU_REG_BY_DEPARTMENT], 2);
	cr_assert_str_eq(d[0].value, "税務課");
	cr_assert_eq(d[0].total, 2);
	cr_assert_eq(d[0].by_outcome[KESU_REG_FAILED], 1);
	cr_assert_str_eq(d[1].value, "総務課");
	cr_assert_eq(d[1].total, 2, "the destruction is 総務課's");
	cr_assert_eq(d[1].by_outcome[KESU_REG_DESTROYED], 1);
	const struct kesu_register_count *m = reg->counts[KESU_REG_BY_METHOD];
	cr_assert_str_eq(m[0].value, "dod-3pass");
	cr_assert_str_eq(m[0].label_ja, "米国国防総省方式 DoD 5220.22-M");
	cr_assert_eq(m[0].total, 3);
	cr_assert_str_eq(m[1].value, "drill");
	const struct kesu_register_count *c = reg->counts[KESU_REG_BY_CLASS];
	cr_assert_str_eq(c[0].label_ja, "Ⅲ");
	uint64_t total = 0;
	for (size_t i = 0; i < reg->n_counts[KESU_REG_BY_OUTCOME]; i++)
		total += reg->counts[KESU_REG_BY_OUTCOME][i].total;
	cr_assert_eq(total, reg->n_rows);
}

Test(reg, the_csv_has_a_bom_crlf_headers_marks_and_neutralised_cells)
{
	wipe((struct wipe){.serial = "X1", .cls = "II", .op = "=HYPERLINK(\\\"http://x\\\",\\\"y\\\")",
			   .local = "2026-12-14T10:00:00+09:00"});
	wipe((struct wipe){.serial = "X2", .op = "-1+1", .local = "2026-12-14T10:00:00+09:00"});
	build();
	char *text;
	size_t len;
	cr_assert_eq(kesu_register_csv(reg, false, &text, &len), 0);
	cr_assert_eq(len, strlen(text));
	const char *ja = "\xef\xbb\xbf" "記録番号,種別,日時,資産番号,シリアル番号,";
	cr_assert(!strncmp(text, ja, strlen(ja)), "%.80s", text);
	char *first = strstr(text, "\r\n");
	cr_assert_not_null(first);
	cr_assert(strstr(first, "\r\n1,wipe,2026-12-14T10:00:00+09:00,PC-X1,X1,M,高松市,総務課,II,disposal,") != NULL,
		  "%s", first);
	cr_assert(strstr(text, ",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",") != NULL, "%s", text);
	cr_assert(strstr(text, ",'-1+1,") != NULL, "%s", text);
	cr_assert(strstr(text, ",事前承認なし\r\n") != NULL, "the class II row is marked: %s", text);
	cr_assert(strstr(text, "米国国防総省方式 DoD 5220.22-M,dod-3pass,clear,sample 10%,SUCCESS,") != NULL, "%s", text);
	size_t lf = 0, crlf = 0;
	for (size_t i = 0; i < len; i++)
		lf += text[i] == '\n', crlf += text[i] == '\n' && i && text[i - 1] == '\r';
	cr_assert_eq(lf, 3);
	cr_assert_eq(crlf, 3);
	free(text);
	cr_assert_eq(kesu_register_csv(reg, true, &text, &len), 0);
	const char *keys = "\xef\xbb\xbfseq,kind,when_local,asset,serial,model,";
	cr_assert(!strncmp(text, keys, strlen(keys)), "%.60s", text);
	cr_assert(strstr(text, ",no prior approval\r\n") != NULL, "%s", text);
	free(text);
	char path[256];
	snprintf(path, sizeof(path), "%s/r.csv", dir);
	cr_assert_eq(kesu_register_write_csv(reg, false, path, err, sizeof(err)), 0, "%s", err);
	struct stat sb;
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 0777, 0640);
}

Test(reg, names_are_given_in_both_languages)
{
	cr_assert_str_eq(kesu_register_anomaly_ja(KESU_ANOM_NO_APPROVAL), "事前承認なし");
	cr_assert_str_eq(kesu_register_outcome_ja(KESU_REG_SUCCESS), "消去完了");
	cr_assert_str_eq(kesu_register_dimension_ja(KESU_REG_BY_CLASS), "重要性分類");
	for (int k = 0; k < KESU_ANOM_KINDS; k++)
		cr_assert(*kesu_register_anomaly_en((enum kesu_register_anomaly_kind)k));
	cr_assert_str_eq(kesu_register_anomaly_en(KESU_ANOM_KINDS), "?");
	cr_assert(kesu_register_gets_document("wipe", "FAILED"));
	cr_assert(!kesu_register_gets_document("wipe", "ABANDONED"));
	cr_assert(!kesu_register_gets_document("verify", "SUCCESS"));
	cr_assert(kesu_register_gets_document("", "SUCCESS"));
}

/* The media timelines' index (media_index.c) past its first growth: 3,000
 * media by serial, then records by asset alone and one naming both, which
 * joins two media into the first, as the scan it replaced did. */
Test(reg, the_media_index_grows_and_still_joins_in_order)
{
	struct kesu_media_set *s = kesu_media_set_new();
	char rec[512], hash[65] = "";
	uint64_t seq = 0;
	for (int i = 0; i < 3000; i++) {
		snprintf(rec, sizeof(rec), "{\"kind\":\"wipe\",\"job_id\":\"j%d\",\"certificate_id\":\"C%d\","
			 "\"outcome\":\"%s\",\"media\":{\"serial\":\"S%d\",\"size_bytes\":1000}}",
			 i, i, i % 2 ? "SUCCESS" : "FAILED", i);
		cr_assert_eq(kesu_media_fold(s, ++seq, hash, rec, err, sizeof(err)), 0, "%s", err);
	}
	snprintf(rec, sizeof(rec), "{\"kind\":\"destruction\",\"job_id\":\"d\",\"outcome\":\"DESTROYED\","
		 "\"media\":{\"asset_number\":\"PC-1\"}}");
	cr_assert_eq(kesu_media_fold(s, ++seq, hash, rec, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_media_count(s), 3001);
	/* serial S2000 and asset PC-1: the two are one medium, filed under the
	 * first to appear (S2000), with the destruction's event. */
	snprintf(rec, sizeof(rec), "{\"kind\":\"handover\",\"job_id\":\"h\",\"destination\":\"recycle\","
		 "\"medium\":{\"serial\":\"S2000\",\"size_bytes\":1000,\"asset_number\":\"PC-1\"}}");
	cr_assert_eq(kesu_media_fold(s, ++seq, hash, rec, err, sizeof(err)), 0, "%s", err);
	kesu_media_finish(s);
	cr_assert_eq(kesu_media_count(s), 3000);
	const struct kesu_medium *m = kesu_media_find(s, "S2000", 0, NULL);
	cr_assert_not_null(m);
	cr_assert_eq(kesu_media_find(s, NULL, 0, "PC-1"), m);
	cr_assert_str_eq(m->asset, "PC-1");
	cr_assert_eq(m->n_events, 3);
	cr_assert_not_null(m->destruction);
	cr_assert_eq(m->state, KESU_MEDIA_HANDED_OVER);
	cr_assert_eq(kesu_media_at(s, 2000), m, "the joined medium keeps the first one's place");
	cr_assert_null(kesu_media_find(s, "S3000", 0, NULL));
	cr_assert_not_null(kesu_media_find(s, "S2999", 0, NULL));
	/* A signature names only the certificate: filed under its medium by link. */
	snprintf(rec, sizeof(rec), "{\"kind\":\"countersignature\",\"job_id\":\"c\",\"role\":\"witness\","
		 "\"countersigned_certificate_id\":\"C2999\",\"countersigned_job_id\":\"\"}");
	cr_assert_eq(kesu_media_fold(s, ++seq, hash, rec, err, sizeof(err)), 0, "%s", err);
	kesu_media_finish(s);
	cr_assert_eq(kesu_media_find(s, "S2999", 0, NULL)->n_events, 2);
	kesu_media_set_free(s);
}

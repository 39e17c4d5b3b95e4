/* ledger_gen: fills a ledger with realistic wipe records for the register
 * bench (tests/bench/bench-register.sh). Each record is a real wipe's
 * record (TEMPLATE, taken from a ledger with sqlite3) with its job and
 * certificate ids, serial, asset, model, department, operator, times,
 * class and outcome varied, spread evenly over YEAR in chain order, and
 * appended, chained and signed by kesu_ledger_append as kesu signs any
 * record. A bench tool: never installed, never run by the tests.
 *
 *   ledger_gen LEDGER STATION-KEY TEMPLATE.json N [YEAR [CERT-DIR]]
 *
 * About 1 record in 100 is FAILED, 1 in 100 UNVERIFIED and 1 in 200 a
 * class II job without an approval, so the register has anomalies to list.
 * With CERT-DIR, an empty kesu-CERTID.pdf stands there for each
 * certificate (the register checks that it is there, not what it says),
 * as on a station that keeps its certificates. */
#include <fcntl.h>
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "canonical_json.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/ledger.h"

static const char *const depts[] = {"総務課", "財政課", "市民課", "税務課", "福祉課",
				     "教育委員会", "都市計画課", "水道局", "消防局", "議会事務局"};
static const char *const models[] = {"ThinkPad X1 SSD", "Samsung SSD 870 EVO 500GB",
				      "WDC WD10EZEX-08WN4A0", "Crucial MX500", "TOSHIBA MQ01ABD100"};
static const char *const operators[] = {"市職員 一郎", "情報 花子", "Suzuki Taro", "管理 次郎"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void set(json_object *o, const char *path1, const char *key, json_object *v)
{
	json_object *sub = o;

	if (path1 && !json_object_object_get_ex(o, path1, &sub)) {
		fprintf(stderr, "ledger_gen: the template has no \"%s\"\n", path1);
		exit(1);
	}
	json_object_object_add(sub, key, v);
}

static void set_time(json_object *o, const char *utc_key, const char *local_key, time_t t)
{
	char utc[32], local[40];
	struct tm u, l;
	time_t lt = t + 9 * 3600; /* the stations are in Japan: +09:00 */

	gmtime_r(&t, &u);
	gmtime_r(&lt, &l);
	strftime(utc, sizeof(utc), "%Y-%m-%dT%H:%M:%SZ", &u);
	strftime(local, sizeof(local), "%Y-%m-%dT%H:%M:%S+09:00", &l);
	set(o, NULL, utc_key, json_object_new_string(utc));
	if (local_key)
		set(o, NULL, local_key, json_object_new_string(local));
}

static const char *cert_dir;   /* NULL: no stand-in certificates */
static char *verify_mode;      /* the template's, for every verified record */

static void stand_in(const char *cert_id)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/kesu-%s.pdf", cert_dir, cert_id);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		perror(path);
		exit(1);
	}
	close(fd);
}

/* The i-th record: the template with what differs between two jobs. */
static void vary(json_object *rec, uint64_t i, time_t t, const char *id)
{
	char buf[64];
	int failed = i % 100 == 37, unverified = i % 100 == 71, class2 = i % 200 == 13;

	set(rec, NULL, "job_id", json_object_new_string(id));
	snprintf(buf, sizeof(buf), "KESU-%08" PRIX64 "-%.8s", i, id);
	/* A failure report is filed under its certificate id as well. */
	set(rec, NULL, "certificate_id", json_object_new_string(buf));
	if (cert_dir)
		stand_in(buf);
	snprintf(buf, sizeof(buf), "SN%08" PRIu64, i);
	set(rec, "media", "serial", json_object_new_string(buf));
	snprintf(buf, sizeof(buf), "PC-%06" PRIu64, i);
	set(rec, "media", "asset_number", json_object_new_string(buf));
	set(rec, "media", "model", json_object_new_string(models[i % N_OF(models)]));
	set(rec, "organisation", "department", json_object_new_string(depts[(i / 7) % N_OF(depts)]));
	set(rec, "operator", "name", json_object_new_string(operators[i % N_OF(operators)]));
	set(rec, NULL, "classification", json_object_new_string(class2 ? "II" : "III"));
	set(rec, NULL, "purpose", json_object_new_string(i % 3 ? "disposal" : "lease-return"));
	set_time(rec, "started_utc", "started_local", t - 600);
	set_time(rec, "ended_utc", "ended_local", t);
	set(rec, NULL, "outcome", json_object_new_string(failed ? "FAILED" : unverified ? "UNVERIFIED"
										: "SUCCESS"));
	/* One record object serves them all: what one sets, the next resets. */
	set(rec, NULL, "reason", failed ? json_object_new_string("write error at sector 3001") : NULL);
	set(rec, NULL, "reason_ja",
	    failed ? json_object_new_string("セクタ 3001 に書き込めませんでした") : NULL);
	set(rec, "verification", "mode", json_object_new_string(unverified ? "none" : verify_mode));
}

static int append_all(struct kesu_ledger *l, struct kesu_secret_key *sk, json_object *rec,
		      uint64_t n, int year)
{
	struct tm jan1 = {.tm_year = year - 1900, .tm_mday = 1};
	time_t start = timegm(&jan1), span = 365 * 86400 - 1;
	char err[512], id[KESU_JOB_ID_LEN + 1], subject[96], hash[65];

	for (uint64_t i = 0; i < n; i++) {
		size_t len;
		char *text;
		uint64_t seq;

		kesu_ledger_new_id(id);
		vary(rec, i, start + (time_t)((double)span * (double)i / (double)n) - 9 * 3600, id);
		snprintf(subject, sizeof(subject), "serial:SN%08" PRIu64 ":1048576", i);
		text = Kesu_json_canonical(rec, &len);
		if (!text) {
			fprintf(stderr, "ledger_gen: record %" PRIu64 " is not canonical JSON\n", i);
			return 1;
		}
		if (kesu_ledger_append(l, subject, "wipe", text, len, sk, id, &seq, hash, err,
				       sizeof(err)) < 0) {
			fprintf(stderr, "ledger_gen: %s\n", err);
			free(text);
			return 1;
		}
		free(text);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct kesu_secret_key *sk = NULL;
	struct kesu_ledger *l = NULL;
	json_object *rec;
	char err[512], *text;
	size_t len;
	int rc;

	if (argc < 5 || argc > 7) {
		fprintf(stderr, "usage: ledger_gen LEDGER STATION-KEY TEMPLATE.json N [YEAR [CERT-DIR]]\n");
		return 2;
	}
	cert_dir = argc > 6 ? argv[6] : NULL;
	if (kesu_file_read_bounded(argv[3], 1 << 20, 0, &text, &len, err, sizeof(err)) < 0 ||
	    !(rec = json_tokener_parse(text))) {
		fprintf(stderr, "ledger_gen: %s: not a record\n", argv[3]);
		return 1;
	}
	free(text);
	{
		json_object *v, *mode;

		if (!json_object_object_get_ex(rec, "verification", &v) ||
		    !json_object_object_get_ex(v, "mode", &mode) ||
		    !(verify_mode = strdup(json_object_get_string(mode)))) {
			fprintf(stderr, "ledger_gen: %s: no verification mode\n", argv[3]);
			return 1;
		}
	}
	if (kesu_key_load_secret(argv[2], NULL, &sk, err, sizeof(err)) < 0 ||
	    kesu_ledger_open(argv[1], &l, err, sizeof(err)) < 0) {
		fprintf(stderr, "ledger_gen: %s\n", err);
		return 1;
	}
	rc = append_all(l, sk, rec, strtoull(argv[4], NULL, 10), argc > 5 ? atoi(argv[5]) : 2026);
	kesu_ledger_close(l);
	kesu_key_secret_free(sk);
	json_object_put(rec);
	free(verify_mode);
	return rc;
}

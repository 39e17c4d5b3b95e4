/* The register's PDF (kesu_register_write_pdf): a model built here by
 * hand, written, then read back with poppler's tools: the anomalies come
 * before the detail, page n / m on each page, Japanese method names, the
 * detail's head row repeated on page 2, the CSV attached, values cut on
 * characters; and a signed one that pdfsig and kesu_pades_verify accept.
 * KESU_REGISTER_BENCH=1 also times a register of 100,000 rows;
 * KESU_REGISTER_KEEP=DIR keeps the files there, to look at. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kesu/cert.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/pades.h"
#include "kesu/register.h"
#include "kesu/x509.h"
#include "utf8.h"

static char dir[64], err[1024];

static const char *in_dir(const char *name)
{
	static char p[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(p[k], sizeof(p[k]), "%s/%s", dir, name);
	return p[k];
}

static int remove_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return remove(p);
}

static void setup(void)
{
	const char *keep = getenv("KESU_REGISTER_KEEP"); /* a directory, to look at the files */
	if (keep && keep[0]) {
		snprintf(dir, sizeof(dir), "%s", keep);
		return;
	}
	strcpy(dir, "/tmp/kesu-test-regpdf.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	if (getenv("KESU_REGISTER_KEEP"))
		return;
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(register_pdf, .init = setup, .fini = teardown, .timeout = 120);

/* The output of the shell command "before 'path' after" (malloc'd). */
static char *run(const char *before, const char *path, const char *after)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "%s '%s' %s", before, path, after);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f, "%s", cmd);
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap);
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	buf[len] = '\0';
	pclose(f);
	return buf;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *s = hay; (s = strstr(s, needle)); s += strlen(needle))
		n++;
	return n;
}

/* Checks "n / m" on each page of pdf (text: its pdftotext); the pages. */
static int footers(const char *pdf, const char *text)
{
	char *info = run("pdfinfo", pdf, "| sed -n 's/^Pages: *//p'");
	int pages = atoi(info);
	free(info);
	cr_assert_gt(pages, 0);
	for (int i = 1; i <= pages; i++) { /* pdftotext may drop the narrow spaces */
		char want[32], other[32];
		snprintf(want, sizeof(want), "\n%d / %d\n", i, pages);
		snprintf(other, sizeof(other), "\n%d/%d\n", i, pages);
		cr_assert(strstr(text, want) || strstr(text, other), "no footer %d / %d", i, pages);
	}
	return pages;
}

/* ---- the model ---- */
struct model {
	struct kesu_register r;
	struct kesu_register_row *rows;
	struct kesu_register_anomaly an[3];
	struct kesu_register_week weeks[5];
	struct kesu_register_count counts[KESU_REG_DIMENSIONS][2];
	char (*local)[40];
	char (*serial)[32];
};

static const char long_model[] =
	"とても長い型番の記憶媒体 ULTRA-LONG-MODEL-NAME-0123456789 ソリッドステートドライブ "
	"エンタープライズ向け 大容量モデル 第三世代";

static void fill_row(struct model *m, size_t i)
{
	struct kesu_register_row *w = &m->rows[i];
	snprintf(m->local[i], 40, "2026-11-%02zuT10:%02zu:00+09:00", 2 + i % 28, i % 60);
	snprintf(m->serial[i], 32, "SN-%06zu", i + 1);
	bool failed = i % 7 == 6, unverified = i % 11 == 8, destroyed = i % 13 == 12;
	*w = (struct kesu_register_row){
		.seq = i + 1, .kind = "wipe", .when = 1793000000 + (time_t)i * 3600,
		.when_local = m->local[i], .asset = "資産-0001", .serial = m->serial[i],
		.model = i == 3 ? long_model : "Samsung SSD 870", .organisation = "静岡市",
		.department = i % 2 ? "総務課" : "情報政策課", .classification = "II",
		.purpose = "lease-return", .approval = "A-20261101-1A2B3C4D#2",
		.approver = "鈴木 一郎", .operator_name = "山田 太郎", .witness = "佐藤 花子",
		.method_id = "dod-3pass", .method_ja = "米国国防総省方式 (DoD 5220.22-M)",
		.method_en = "DoD 5220.22-M", .nist_level = "clear", .verification = "full",
		.verified = failed ? 0 : 1, .outcome = failed ? "FAILED" : "SUCCESS",
		.outcome_class = failed ? KESU_REG_FAILED : KESU_REG_SUCCESS,
		.certificate_id = "KESU-20261102-0A1B2C3D", .destruction = "",
		.handover = i == 2 ? "リース会社 株式会社サンプル 受領者 田中" : "",
		.station = "kesu-station-01", .customer = ""};
	if (unverified)
		w->outcome = "UNVERIFIED", w->outcome_class = KESU_REG_UNVERIFIED, w->verified = -1,
		w->verification = "none";
	if (destroyed)
		w->kind = "destruction", w->method_id = w->method_ja = w->method_en = "",
		w->nist_level = "destroy", w->verification = "", w->outcome = "DESTROYED",
		w->outcome_class = KESU_REG_DESTROYED, w->destruction = "シュレッダー破砕 2026-11-20";
	m->weeks[(i * i + i / 3) % 5].by_outcome[w->outcome_class]++;
}

static void fill_counts(struct model *m)
{
	for (int d = 0; d < KESU_REG_DIMENSIONS; d++) {
		if (d == KESU_REG_BY_CUSTOMER)
			continue;
		m->r.counts[d] = m->counts[d];
		m->r.n_counts[d] = 1;
		m->counts[d][0] = (struct kesu_register_count){.value = "総務課", .label_ja = "",
							       .total = m->r.n_rows};
		m->counts[d][0].by_outcome[KESU_REG_SUCCESS] = m->r.n_rows;
	}
	m->counts[KESU_REG_BY_METHOD][0].value = "dod-3pass";
	m->counts[KESU_REG_BY_METHOD][0].label_ja = "米国国防総省方式 (DoD 5220.22-M)";
}

static struct model *model(size_t n_rows, bool anomalies)
{
	struct model *m = calloc(1, sizeof(*m));
	m->rows = calloc(n_rows, sizeof(*m->rows));
	m->local = calloc(n_rows, sizeof(*m->local));
	m->serial = calloc(n_rows, sizeof(*m->serial));
	struct kesu_register *r = &m->r;
	strcpy(r->since, "2026-11-01");
	strcpy(r->until, "2026-11-30");
	strcpy(r->filter_text, "department=総務課");
	strcpy(r->policy_name, "静岡市 情報セキュリティ基準");
	r->built_at = 1796000000;
	r->approvals_checked = true;
	r->ledger_verified = r->ledger_ok = true;
	r->ledger_records = n_rows;
	strcpy(r->ledger_head, "9f2c1a0b7e3d4c5b6a79881726354453627180a9b8c7d6e5f40312a1b2c3d4e5");
	strcpy(r->station_key, "KESU-ED25519-ABCD1234");
	for (int i = 0; i < 5; i++)
		snprintf(m->weeks[i].monday, 11, "2026-11-%02d", 2 + 7 * i);
	for (size_t i = 0; i < n_rows; i++)
		fill_row(m, i);
	r->rows = m->rows, r->n_rows = n_rows;
	r->weeks = m->weeks, r->n_weeks = 5;
	m->an[0] = (struct kesu_register_anomaly){KESU_ANOM_NO_APPROVAL, 5, "SN-000005",
						  "重要性分類Ⅱの消去に事前承認がありません",
						  "class II erased without prior approval"};
	m->an[1] = (struct kesu_register_anomaly){KESU_ANOM_FAILED_NOT_DESTROYED, 7, "SN-000007",
						  "消去に失敗し、その後の物理破壊の記録がありません",
						  "failed, and no later destruction recorded"};
	m->an[2] = (struct kesu_register_anomaly){KESU_ANOM_UNVERIFIED, 9, "SN-000009",
						  "検証されていません", "not verified"};
	if (anomalies)
		r->anomalies = m->an, r->n_anomalies = 3;
	fill_counts(m);
	return m;
}

static void model_free(struct model *m)
{
	free(m->rows);
	free(m->local);
	free(m->serial);
	free(m);
}

Test(register_pdf, anomalies_first_pages_and_japanese)
{
	struct model *m = model(45, true);
	const char *pdf = in_dir("register.pdf");
	cr_assert_eq(kesu_register_write_pdf(&m->r, NULL, pdf, err, sizeof(err)), 0, "%s", err);
	struct stat st;
	cr_assert_eq(stat(pdf, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0640, "mode %o", st.st_mode & 0777);
	char *text = run("pdftotext -enc UTF-8", pdf, "- 2>&1");
	cr_assert(kesu_utf8_valid(text, strlen(text)), "pdftotext gave invalid UTF-8");
	const char *title = strstr(text, "媒体廃棄記録簿"), *an = strstr(text, "1. 異常");
	const char *none = strstr(text, "事前承認がありません"), *detail = strstr(text, "3. 明細");
	cr_assert(title && an && none && detail, "%s", text);
	cr_assert(title < an && an < none && none < detail, "anomalies not before the detail");
	cr_assert(strstr(text, "SEQ 5") && strstr(text, "SEQ 7") && strstr(text, "SEQ 9"));
	cr_assert(strstr(text, "令和8年11月1日"), "no era date");
	cr_assert(strstr(text, "米国国防総省方式"), "no Japanese method name");
	cr_assert(strstr(text, "9f2c1a0b7e3d4c5b"), "no ledger head");
	cr_assert(strstr(text, "\xe2\x80\xa6"), "the long model was not cut with …");
	int pages = footers(pdf, text);
	cr_assert_geq(pages, 2, "45 rows should run onto a second page");
	/* the last page holds detail rows under the head row, repeated */
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 -f %d -l %d", pages, pages);
	char *last = run(cmd, pdf, "-");
	cr_assert(strstr(last, "シリアル番号") && strstr(last, "SN-000045"), "%s", last);
	cr_assert(strstr(last, "続き / continued"));
	free(last);
	char *att = run("pdfdetach -list", pdf, "");
	cr_assert(strstr(att, "kesu-register.csv") && strstr(att, "kesu-render.json"), "%s", att);
	free(att);
	free(text);
	model_free(m);
}

Test(register_pdf, says_when_there_are_no_anomalies)
{
	struct model *m = model(3, false);
	m->r.ledger_verified = false;
	m->r.ledger_ok = false;
	m->r.approvals_checked = false;
	const char *pdf = in_dir("clean.pdf");
	cr_assert_eq(kesu_register_write_pdf(&m->r, NULL, pdf, err, sizeof(err)), 0, "%s", err);
	char *text = run("pdftotext -enc UTF-8", pdf, "- 2>&1");
	cr_assert(strstr(text, "異常なし"), "%s", text);
	cr_assert(strstr(text, "未検証"), "the unverified ledger is not said");
	cr_assert(strstr(text, "承認の有効期限"), "the check not made is not said");
	footers(pdf, text);
	free(text);
	model_free(m);
}

/* Characters the font's two-byte codes cannot carry (past the BMP) and
 * control characters do not stop the page; a summary too long for one
 * page runs on with its head repeated. */
Test(register_pdf, odd_text_and_a_long_summary)
{
	struct model *m = model(5, true);
	struct kesu_register_count *depts = calloc(120, sizeof(*depts));
	char (*names)[32] = calloc(120, sizeof(*names));
	for (int i = 0; i < 120; i++) {
		snprintf(names[i], sizeof(names[i]), "部署%03d", i);
		depts[i] = (struct kesu_register_count){.value = names[i], .label_ja = "", .total = 1};
		depts[i].by_outcome[KESU_REG_SUCCESS] = 1;
	}
	m->r.counts[KESU_REG_BY_DEPARTMENT] = depts;
	m->r.n_counts[KESU_REG_BY_DEPARTMENT] = 120;
	struct kesu_register_week *year = calloc(53, sizeof(*year)); /* a year's chart */
	for (int i = 0; i < 53; i++) {
		struct tm tm = {.tm_year = 126, .tm_mon = 0, .tm_mday = 5 + 7 * i, .tm_hour = 12};
		timegm(&tm);
		strftime(year[i].monday, sizeof(year[i].monday), "%Y-%m-%d", &tm);
		year[i].by_outcome[i % KESU_REG_OUTCOMES] = (uint64_t)(i % 9) * 40;
	}
	m->r.weeks = year, m->r.n_weeks = 53;
	m->rows[1].operator_name = "山田\t太郎\xf0\x9f\x98\x80";
	strcpy(m->r.filter_text, "department=総務課\xf0\x9f\x98\x80\n");
	const char *pdf = in_dir("odd.pdf");
	cr_assert_eq(kesu_register_write_pdf(&m->r, NULL, pdf, err, sizeof(err)), 0, "%s", err);
	char *text = run("pdftotext -enc UTF-8", pdf, "- 2>&1");
	cr_assert(strstr(text, "山田 太郎\xe3\x80\x93"), "the operator is not shown with 〓");
	cr_assert(strstr(text, "部署119") && strstr(text, "所属 / department（続き / continued）"),
		  "the long table did not run on");
	cr_assert(strstr(text, "12-28"), "the year's last Mondays are not labelled");
	footers(pdf, text);
	free(text);
	free(year);
	free(depts);
	free(names);
	model_free(m);
}

Test(register_pdf, bad_path_is_one_line_and_leaves_nothing)
{
	struct model *m = model(2, true);
	const char *pdf = in_dir("no-such-dir/r.pdf");
	cr_assert_lt(kesu_register_write_pdf(&m->r, NULL, pdf, err, sizeof(err)), 0);
	cr_assert(strstr(err, "no-such-dir") && !strchr(err, '\n'), "%s", err);
	model_free(m);
}

/* An X.509 identity for the station (self-signed, trusted here). */
static struct kesu_signer *identity(struct kesu_x509_anchors *anchors)
{
	const char *key = in_dir("station.x509.key"), *crt = in_dir("station.crt");
	struct kesu_x509_subject subject = {0};
	snprintf(subject.common_name, sizeof(subject.common_name), "kesu station test");
	cr_assert_eq(kesu_x509_key_generate(key, KESU_X509_ECDSA_P256, NULL, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(kesu_x509_self_sign(key, NULL, &subject, 30, time(NULL), false, crt, err,
					 sizeof(err)), 0, "%s", err);
	struct kesu_signer *s = NULL;
	cr_assert_eq(kesu_signer_open_files(key, crt, NULL, &s, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_x509_anchors_add_file(anchors, crt, NULL, NULL, err, sizeof(err)), 0,
		     "%s", err);
	return s;
}

Test(register_pdf, signed_by_the_station)
{
	struct kesu_x509_anchors *anchors = kesu_x509_anchors_new();
	struct kesu_signer *signer = identity(anchors);
	cr_assert_eq(kesu_key_generate(in_dir("station.key"), in_dir("station.pub"), NULL, err,
				       sizeof(err)), 0, "%s", err);
	char *pub = NULL, *data = NULL;
	size_t pub_len = 0, len = 0;
	cr_assert_eq(kesu_file_read_bounded(in_dir("station.pub"), 4096, 0, &pub, &pub_len, err,
					    sizeof(err)), 0, "%s", err);
	struct kesu_cert_signing cs = {.signer = signer, .station_pub = pub, .station_pub_len = pub_len};
	struct model *m = model(45, true);
	const char *pdf = in_dir("signed.pdf");
	cr_assert_eq(kesu_register_write_pdf(&m->r, &cs, pdf, err, sizeof(err)), 0, "%s", err);
	char *out = run("pdfsig", pdf, "2>&1");
	cr_assert_eq(count(out, "Signature is Valid"), 1, "%s", out);
	free(out);
	out = run("pdfdetach -list", pdf, "");
	cr_assert(strstr(out, "kesu-station.pub"), "%s", out);
	free(out);
	cr_assert_eq(kesu_file_read_bounded(pdf, 64u << 20, 0, &data, &len, err, sizeof(err)), 0);
	struct kesu_pades_report *rep = calloc(1, sizeof(*rep));
	cr_assert_eq(kesu_pades_verify((unsigned char *)data, len, anchors, time(NULL), rep, err,
				       sizeof(err)), 0, "%s %s", err, rep->sig[0].msg);
	cr_assert_eq(rep->count, 1);
	cr_assert_str_eq(rep->sig[0].role, "operator");
	free(rep);
	free(data);
	free(pub);
	kesu_signer_close(signer);
	kesu_x509_anchors_free(anchors);
	model_free(m);
}

static double seconds_since(const struct timespec *a, clockid_t clock)
{
	struct timespec b;
	clock_gettime(clock, &b);
	return (double)(b.tv_sec - a->tv_sec) + (double)(b.tv_nsec - a->tv_nsec) / 1e9;
}

/* Not timed by the suite: KESU_REGISTER_BENCH=1 runs it and prints the
 * seconds taken for 100,000 rows (or KESU_REGISTER_BENCH=ROWS), unsigned
 * and signed. */
Test(register_pdf, bench_100000_rows)
{
	const char *bench = getenv("KESU_REGISTER_BENCH"); /* 1, or the rows */
	if (!bench)
		return;
	size_t n = strtoul(bench, NULL, 10) > 1 ? strtoul(bench, NULL, 10) : 100000;
	struct model *m = model(n, true);
	struct kesu_x509_anchors *anchors = kesu_x509_anchors_new();
	struct kesu_cert_signing cs = {.signer = identity(anchors)};
	for (int signed_too = 0; signed_too < 2; signed_too++) {
		struct timespec a, cpu_a;
		const char *pdf = in_dir(signed_too ? "big-signed.pdf" : "big.pdf");
		clock_gettime(CLOCK_MONOTONIC, &a);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu_a);
		int rc = kesu_register_write_pdf(&m->r, signed_too ? &cs : NULL, pdf, err, sizeof(err));
		double s = seconds_since(&a, CLOCK_MONOTONIC);
		double cpu = seconds_since(&cpu_a, CLOCK_PROCESS_CPUTIME_ID);
		if (rc && signed_too) { /* kesu_pades_sign reads at most 4096 objects */
			fprintf(stderr, "register PDF (signed): %.2f s, not signed: %s\n", s, err);
			break;
		}
		cr_assert_eq(rc, 0, "%s", err);
		struct stat st;
		stat(pdf, &st);
		char *info = run("pdfinfo", pdf, "| sed -n 's/^Pages: *//p'");
		fprintf(stderr, "register PDF%s: %zu rows, %d pages, %lld bytes, %.2f s (CPU %.2f s)\n",
			signed_too ? " (signed)" : "", n, atoi(info), (long long)st.st_size, s, cpu);
		free(info);
	}
	kesu_signer_close(cs.signer);
	kesu_x509_anchors_free(anchors);
	model_free(m);
}

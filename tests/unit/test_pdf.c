/* The certificate PDF: the fixture payloads (tests/fixtures/certs) render,
 * the same payload gives the same bytes, the attachments come back byte for
 * byte, bad payloads are refused with the field they got wrong, and
 * truncated, damaged, rewritten or foreign PDFs give an error, never a
 * crash or a wrong payload.
 *
 * Certificates made from job results (record -> payload -> PDF): an
 * overwrite job's payload is exactly what it was before firmware erasure
 * (version 1), a firmware job's payload (version 2) carries the command,
 * the proof and the hidden areas, the page shows them in both languages,
 * and the reader refuses firmware facts of the wrong type or value.
 *
 * KESU_PDF_OUT=DIR keeps the rendered fixtures (success.pdf, gutmann.pdf,
 * failure.pdf, long.pdf) in DIR for tests/integration/test_pdf_tools.sh. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <hpdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "kesu/cert.h"
#include "kesu/error.h"
#include "kesu/field_limits.h"
#include "kesu/pdf.h"
#include "kesu/record.h"

#define CERTS KESU_FIXTURES "/certs"

static char dir[64];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-pdf.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(pdf, .init = setup, .fini = teardown, .timeout = 120);

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fseek(f, 0, SEEK_END), 0);
	long size = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)size + 1);
	cr_assert_not_null(buf);
	cr_assert_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	buf[size] = '\0';
	*len = (size_t)size;
	return buf;
}

static void spill(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	cr_assert_eq(fwrite(data, 1, len, f), len);
	cr_assert_eq(fclose(f), 0);
}

static char *in_dir(const char *name)
{
	static char paths[8][256];
	static int next;
	char *p = paths[next++ % 8];
	snprintf(p, sizeof(paths[0]), "%s/%s", dir, name);
	return p;
}

/* Renders fixture NAME.json into path; returns the payload it used. */
static char *render(const char *name, const char *path, size_t *len)
{
	char fixture[256], err[512] = "";
	size_t sig_len;
	snprintf(fixture, sizeof(fixture), CERTS "/%s.json", name);
	char *payload = slurp(fixture, len);
	char *sig = slurp(CERTS "/payload.sig", &sig_len);
	int rc = kesu_pdf_write(payload, *len, sig, sig_len, path, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", name, err);
	free(sig);
	return payload;
}

static void expect_round_trip(const char *path, const char *payload, size_t len)
{
	char err[512] = "", *back, *sig, *want_sig;
	size_t back_len, sig_len, want_sig_len;
	int rc = kesu_pdf_read_payload(path, &back, &back_len, &sig, &sig_len, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", path, err);
	want_sig = slurp(CERTS "/payload.sig", &want_sig_len);
	cr_assert_eq(back_len, len);
	cr_assert_eq(memcmp(back, payload, len), 0);
	cr_assert_eq(back[back_len], '\0');
	cr_assert_eq(sig_len, want_sig_len);
	cr_assert_eq(memcmp(sig, want_sig, sig_len), 0);
	cr_assert_eq(sig[sig_len], '\0');
	free(back);
	free(sig);
	free(want_sig);
}

/* -KESU_EPARSE with err containing want, and no payload handed out. */
static void expect_unreadable(const char *path, const char *want)
{
	char err[512] = "", *payload = (char *)1, *sig = (char *)1;
	size_t plen = 1, slen = 1;
	int rc = kesu_pdf_read_payload(path, &payload, &plen, &sig, &slen, err, sizeof(err));
	cr_assert_eq(rc, -KESU_EPARSE, "%s: rc %d (%s)", path, rc, err);
	cr_assert(strstr(err, want), "%s: \"%s\" does not say \"%s\"", path, err, want);
	cr_assert(payload == NULL && sig == NULL && plen == 0 && slen == 0);
}

Test(pdf, writes_fixtures)
{
	const char *out = getenv("KESU_PDF_OUT");
	static const char *const names[] = {"success", "gutmann", "failure", "long"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[512];
		size_t len;
		snprintf(path, sizeof(path), "%s/%s.pdf", out && out[0] ? out : dir, names[i]);
		char *payload = render(names[i], path, &len);
		expect_round_trip(path, payload, len);
		free(payload);
	}
}

Test(pdf, same_payload_same_bytes)
{
	size_t len, a_len, b_len;
	free(render("success", in_dir("a.pdf"), &len));
	free(render("success", in_dir("b.pdf"), &len));
	char *a = slurp(in_dir("a.pdf"), &a_len), *b = slurp(in_dir("b.pdf"), &b_len);
	cr_assert_eq(a_len, b_len);
	cr_assert_eq(memcmp(a, b, a_len), 0, "two renderings of one payload differ");
	cr_assert(memmem(a, a_len, "/ID", 3), "the document /ID is set");
	cr_assert_null(memmem(a, a_len, "kesu-test-pdf", 13), "no temp path in the file");
	free(a);
	free(b);
	/* the write is atomic: no temp file is left beside it */
	struct stat st;
	cr_assert_eq(stat(in_dir("a.pdf.tmp"), &st), -1);
}

Test(pdf, overwrites_atomically)
{
	size_t len;
	free(render("failure", in_dir("c.pdf"), &len));
	char *payload = render("success", in_dir("c.pdf"), &len);
	expect_round_trip(in_dir("c.pdf"), payload, len);
	free(payload);
}

static void expect_refused(const char *payload, const char *want)
{
	char err[512] = "";
	const char *sig = "untrusted comment: x\nRWQ=\n";
	int rc = kesu_pdf_write(payload, strlen(payload), sig, strlen(sig), in_dir("bad.pdf"), err,
				sizeof(err));
	cr_assert_eq(rc, -KESU_EPARSE, "rc %d for %.60s", rc, payload);
	cr_assert(strstr(err, want), "\"%s\" does not say \"%s\"", err, want);
	struct stat st;
	cr_assert_eq(stat(in_dir("bad.pdf"), &st), -1, "no PDF for a bad payload");
}

/* The success fixture with from replaced by to. */
static char *edited(const char *from, const char *to)
{
	size_t len;
	char *p = slurp(CERTS "/success.json", &len);
	char *at = strstr(p, from);
	cr_assert_not_null(at, "fixture has no %s", from);
	char *out = malloc(len + strlen(to) + 1);
	cr_assert_not_null(out);
	sprintf(out, "%.*s%s%s", (int)(at - p), p, to, at + strlen(from));
	free(p);
	return out;
}

Test(pdf, refuses_invalid_payloads)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
		{"\"certificate_id\":\"KESU-20261122-8F3A2C1D\",", "", "certificate_id: missing"},
		{"\"kesu_certificate\":1", "\"kesu_certificate\":5", "version 5 is not supported"},
		{"\"kesu_certificate\":1", "\"kesu_certificate\":4", "details: missing (kesu_certificate 4)"},
		{"\"kesu_certificate\":1", "\"details\":{\"passes\":[],\"smart\":{}},\"kesu_certificate\":1", "details: not part of kesu_certificate 1"},
		{"\"kesu_certificate\":1", "\"details\":{\"passes\":[{\"number\":1,\"profile\":[[2,1],[1,1]],\"profile_from\":0}],\"smart\":{}},\"kesu_certificate\":4", "details.passes[0].profile[1]: position 1 out of order"},
		{"\"document\":\"certificate\"", "\"document\":\"destruction-certificate\"", "needs kesu_certificate 3"},
		{"\"kesu_certificate\":1", "\"kesu_certificate\":0", "version 0 is not supported"},
		{"\"kesu_certificate\":1", "\"kesu_certificate\":\"1\"", "kesu_certificate: expected an integer"},
		{"KESU-20261122-8F3A2C1D", "KESU-2026-8F3A2C1D", "is not KESU-YYYYMMDD-XXXXXXXX"},
		{"\"outcome\":\"SUCCESS\"", "\"outcome\":\"FAILED\"", "does not go with outcome FAILED"},
		{"\"outcome\":\"SUCCESS\"", "\"outcome\":\"GREAT\"", "outcome: unknown value"},
		{"\"purpose\":\"lease-return\"", "\"purpose\":\"landfill\"", "purpose: unknown value"},
		{"\"pattern\":\"00\",", "", "sanitization.passes[0].pattern: missing"},
		{"\"bytes_written\":67108864", "\"bytes_written\":-1", "must not be negative"},
		{"\"operator\":{\"name\":\"山田 太郎\",", "\"operator\":{", "operator.name: missing"},
		{"\"media\":{", "\"medium\":{", "media: missing"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = edited(cases[i].from, cases[i].to);
		expect_refused(p, cases[i].want);
		free(p);
	}
	expect_refused("this is not JSON", "not valid JSON");
	expect_refused("{\"kesu_certificate\":1,", "not valid JSON");
	expect_refused("[1,2,3]", "not a JSON object");
	expect_refused("{}", "kesu_certificate: missing");
	char *p = edited("}}", "}} trailing");
	expect_refused(p, "bytes after the JSON value");
	free(p);
}

Test(pdf, refuses_a_missing_font)
{
	size_t len, sig_len;
	char err[512] = "";
	char *payload = slurp(CERTS "/success.json", &len);
	char *sig = slurp(CERTS "/payload.sig", &sig_len);
	setenv("KESU_FONT", "/nonexistent/ipaexg.ttf", 1);
	int rc = kesu_pdf_write(payload, len, sig, sig_len, in_dir("nofont.pdf"), err, sizeof(err));
	cr_assert_eq(rc, -ENOENT, "rc %d: %s", rc, err);
	cr_assert(strstr(err, "/nonexistent/ipaexg.ttf"), "%s", err);
	struct stat st;
	cr_assert_eq(stat(in_dir("nofont.pdf"), &st), -1);
	/* an empty signature is refused too */
	unsetenv("KESU_FONT");
	cr_assert_eq(kesu_pdf_write(payload, len, sig, 0, in_dir("nosig.pdf"), err, sizeof(err)),
		     -EINVAL);
	free(payload);
	free(sig);
}

Test(pdf, truncated_files)
{
	size_t len, pdf_len;
	char *payload = render("success", in_dir("t.pdf"), &len);
	char *pdf = slurp(in_dir("t.pdf"), &pdf_len);
	spill(in_dir("half.pdf"), pdf, pdf_len / 2);
	expect_unreadable(in_dir("half.pdf"), "truncated");
	spill(in_dir("end.pdf"), pdf, pdf_len - 4);
	expect_unreadable(in_dir("end.pdf"), "truncated");
	spill(in_dir("empty.pdf"), pdf, 0);
	expect_unreadable(in_dir("empty.pdf"), "not a PDF");
	/* cut anywhere: an error or, when only trailing bytes went, the payload */
	for (size_t cut = 1; cut < 64; cut++) {
		size_t keep = pdf_len * cut / 64;
		char err[512], *back, *sig;
		size_t back_len, sig_len;
		spill(in_dir("cut.pdf"), pdf, keep);
		int rc = kesu_pdf_read_payload(in_dir("cut.pdf"), &back, &back_len, &sig, &sig_len, err,
					       sizeof(err));
		cr_assert_eq(rc, -KESU_EPARSE, "cut at %zu: rc %d", keep, rc);
	}
	free(payload);
	free(pdf);
}

/* Flips one byte of the payload's compressed stream. */
Test(pdf, corrupt_attachment_stream)
{
	size_t len, pdf_len;
	char *payload = render("success", in_dir("c.pdf"), &len);
	char *pdf = slurp(in_dir("c.pdf"), &pdf_len);
	char *file = memmem(pdf, pdf_len, "/Type /EmbeddedFile", 19);
	cr_assert_not_null(file, "no embedded file stream");
	char *data = memmem(file, pdf_len - (size_t)(file - pdf), "stream\r\n", 8);
	cr_assert_not_null(data);
	data += 8;
	data[20] ^= 0x10;
	spill(in_dir("corrupt.pdf"), pdf, pdf_len);
	expect_unreadable(in_dir("corrupt.pdf"), "attachment stream is corrupt");
	free(payload);
	free(pdf);
}

static void plain_pdf(const char *path)
{
	HPDF_Doc doc = HPDF_New(NULL, NULL);
	cr_assert_not_null(doc);
	HPDF_Page page = HPDF_AddPage(doc);
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, HPDF_GetFont(doc, "Helvetica", NULL), 12);
	HPDF_Page_TextOut(page, 50, 700, "not a kesu certificate");
	HPDF_Page_EndText(page);
	cr_assert_eq(HPDF_SaveToFile(doc, path), HPDF_OK);
	HPDF_Free(doc);
}

Test(pdf, foreign_files)
{
	plain_pdf(in_dir("plain.pdf"));
	expect_unreadable(in_dir("plain.pdf"), "no kesu-payload.json attachment");
	spill(in_dir("text.pdf"), "hello, world\n", 13);
	expect_unreadable(in_dir("text.pdf"), "not a PDF file");
	char err[512];
	char *p, *s;
	size_t pl, sl;
	cr_assert_eq(kesu_pdf_read_payload(in_dir("nothing.pdf"), &p, &pl, &s, &sl, err, sizeof(err)),
		     -ENOENT);
	cr_assert_eq(kesu_pdf_read_payload(dir, &p, &pl, &s, &sl, err, sizeof(err)), -EINVAL);
}

/* Random single- and multi-byte damage: every outcome is either the exact
 * payload and signature or -KESU_EPARSE. */
Test(pdf, random_damage)
{
	size_t len, pdf_len, sig_len;
	char *payload = render("failure", in_dir("r.pdf"), &len);
	char *pdf = slurp(in_dir("r.pdf"), &pdf_len);
	char *want_sig = slurp(CERTS "/payload.sig", &sig_len);
	char *copy = malloc(pdf_len);
	unsigned long long state = 0x9e3779b97f4a7c15ull;
	/* the name tree, both file specifications and both streams */
	char *names = memmem(pdf, pdf_len, "/EmbeddedFiles", 14);
	char *last = names ? memmem(names, pdf_len - (size_t)(names - pdf), "/Type /EmbeddedFile", 19)
			   : NULL;
	last = last ? memmem(last + 1, pdf_len - (size_t)(last + 1 - pdf), "/Type /EmbeddedFile", 19)
		    : NULL;
	cr_assert(names && last && pdf_len > 1024);
	size_t region = (size_t)(names - pdf) - 64, region_len = (size_t)(last - names) + 600;
	unsigned errors = 0;
	for (int round = 0; round < 600; round++) {
		memcpy(copy, pdf, pdf_len);
		int flips = 1 + round % 4;
		for (int f = 0; f < flips; f++) {
			state = state * 6364136223846793005ull + 1442695040888963407ull;
			size_t at = (size_t)(state >> 33) % pdf_len;
			/* a third anywhere, a third on the attachments, a third on
			 * the cross-reference table and trailer */
			if (round % 3 == 1)
				at = region + at % region_len;
			else if (round % 3 == 2)
				at = pdf_len - 1024 + at % 1024;
			copy[at] ^= (char)(1 + (state >> 20) % 255);
		}
		spill(in_dir("damaged.pdf"), copy, pdf_len);
		char err[512] = "", *back = NULL, *sig = NULL;
		size_t back_len, back_sig_len;
		int rc = kesu_pdf_read_payload(in_dir("damaged.pdf"), &back, &back_len, &sig,
					       &back_sig_len, err, sizeof(err));
		if (rc == 0) {
			cr_assert(back_len == len && memcmp(back, payload, len) == 0,
				  "round %d: a wrong payload was returned", round);
			cr_assert(back_sig_len == sig_len && memcmp(sig, want_sig, sig_len) == 0,
				  "round %d: a wrong signature was returned", round);
		} else {
			cr_assert_eq(rc, -KESU_EPARSE, "round %d: rc %d (%s)", round, rc, err);
			cr_assert(err[0], "round %d: no reason given", round);
			errors++;
		}
		free(back);
		free(sig);
	}
	cr_log_info("random damage: %u of 600 damaged files refused", errors);
	free(copy);
	free(payload);
	free(pdf);
	free(want_sig);
}

static bool have_qpdf(void)
{
	return system("qpdf --version >/dev/null 2>&1") == 0;
}

static void qpdf(const char *args)
{
	char cmd[2048];
	snprintf(cmd, sizeof(cmd), "cd %s && qpdf %s >/dev/null 2>&1", dir, args);
	int rc = system(cmd);
	/* qpdf exits 3 for "succeeded with warnings" */
	cr_assert(rc != -1 && WIFEXITED(rc) && (WEXITSTATUS(rc) == 0 || WEXITSTATUS(rc) == 3),
		  "qpdf %s failed", args);
}

/* The lead edits certificates with qpdf to test the checks: whatever qpdf
 * writes must still be read correctly. */
Test(pdf, files_rewritten_by_qpdf)
{
	if (!have_qpdf())
		cr_skip_test("qpdf is not installed");
	size_t len, evil_len;
	char *payload = render("success", in_dir("q.pdf"), &len);

	qpdf("q.pdf --object-streams=generate objstm.pdf");
	expect_round_trip(in_dir("objstm.pdf"), payload, len);
	qpdf("q.pdf --qdf --object-streams=disable --stream-data=uncompress qdf.pdf");
	expect_round_trip(in_dir("qdf.pdf"), payload, len);
	qpdf("q.pdf --linearize linear.pdf");
	expect_round_trip(in_dir("linear.pdf"), payload, len);

	/* a replaced attachment is read as it now is (the signature check,
	 * not the reader, is what refuses it) */
	char *evil = edited("山田 太郎", "悪意 ある人");
	evil_len = strlen(evil);
	spill(in_dir("kesu-payload.json"), evil, evil_len);
	qpdf("q.pdf --add-attachment kesu-payload.json --key=kesu-payload.json --replace -- "
	     "replaced.pdf");
	char err[512] = "", *back, *sig;
	size_t back_len, sig_len;
	cr_assert_eq(kesu_pdf_read_payload(in_dir("replaced.pdf"), &back, &back_len, &sig, &sig_len,
					   err, sizeof(err)), 0, "%s", err);
	cr_assert(back_len == evil_len && memcmp(back, evil, evil_len) == 0);
	free(back);
	free(sig);

	qpdf("q.pdf --remove-attachment=kesu-payload.json -- removed.pdf");
	expect_unreadable(in_dir("removed.pdf"), "no kesu-payload.json attachment");
	qpdf("q.pdf --remove-attachment=kesu-payload.json.sig -- nosig.pdf");
	expect_unreadable(in_dir("nosig.pdf"), "no kesu-payload.json.sig attachment");
	free(evil);
	free(payload);
}

/* ---- Certificates from job results ---------------------------------- */

#define ISSUED ((time_t)1795321812) /* 2026-11-22T04:30:12Z */
#define JOB_ID "8f3a2c1d5e6b7a8c9d0e1f2a3b4c5d6e"
#define CERT_ID "KESU-20261122-0A1B2C3D"
#define RECORD_HASH "bb71a98d2685bb5e69eec2711f78d91b68bdcf194192f4d41873ac73e7476022"

#define SET(field, text) snprintf((field), sizeof(field), "%s", (text))

static struct kesu_job_context job_context(void)
{
	struct kesu_job_context ctx;
	memset(&ctx, 0, sizeof(ctx));
	SET(ctx.operator_name, "山田 太郎");
	SET(ctx.operator_title, "主査");
	SET(ctx.organisation, "高松市");
	SET(ctx.department, "情報政策課");
	SET(ctx.classification, "II");
	SET(ctx.purpose, "disposal");
	SET(ctx.asset_number, "PC-2019-0042");
	SET(ctx.hostname, "wipe-01");
	SET(ctx.machine_id, "0123456789abcdef0123456789abcdef");
	SET(ctx.key_fingerprint, "ed25519:f4f7a12ecc97accca1fd111908e5edf9");
	SET(ctx.tool_version, "0.1.0");
	return ctx;
}

static void set_method(struct kesu_method *m, const char *id, const char *en, const char *ja,
		       const char *standard, const char *source)
{
	SET(m->id, id);
	SET(m->title_en, en);
	SET(m->title_ja, ja);
	SET(m->standard, standard);
	SET(m->source, source);
	m->version = 1;
	m->verify = KESU_VERIFY_LAST;
	memset(m->sha256, 0xab, sizeof(m->sha256));
}

/* A 256 GB SATA SSD, verified by sampling, SUCCESS; no method yet. */
static struct kesu_job_result *sata_result(void)
{
	struct kesu_job_result *r = calloc(1, sizeof(*r));
	cr_assert_not_null(r);
	struct kesu_device *d = &r->device;
	SET(d->path, "/dev/sdb");
	SET(d->name, "sdb");
	d->transport = KESU_TRAN_SATA;
	SET(d->vendor, "ATA");
	SET(d->model, "KESU TEST SSD");
	SET(d->serial, "SATA-SSD-9");
	SET(d->firmware, "2.5+");
	SET(d->wwn, "0x5002538e4a1b2c3d");
	d->size = 256060514304ull;
	d->logical_sector = 512;
	d->physical_sector = 4096;
	d->rotational = KESU_NO;
	r->verify_mode = KESU_VMODE_SAMPLE;
	r->verify_passes = KESU_VPASSES_LAST;
	r->verify_percent = 10;
	r->request_size = 4u << 20;
	r->direct_io = true;
	r->started.tv_sec = ISSUED - 900;
	r->ended.tv_sec = ISSUED - 2;
	r->outcome = KESU_OUTCOME_SUCCESS;
	return r;
}

/* zero: one pass of 00 over the drive, read back by sampling. */
static struct kesu_job_result *overwrite_result(void)
{
	struct kesu_job_result *r = sata_result();
	struct kesu_method *m = &r->method;
	set_method(m, "zero", "Zero fill (1 pass)", "ゼロ書き込み（1 回）",
		   "NIST SP 800-88 Rev.1 Clear", "NIST SP 800-88 Rev.1 Table A-1: one pass of 00");
	m->nist = KESU_NIST_CLEAR;
	m->technique = KESU_TECHNIQUE_OVERWRITE;
	m->npasses = 1;
	m->passes[0] = (struct kesu_pass){.type = KESU_PASS_BYTE, .len = 1};
	r->nist_level = KESU_NIST_CLEAR;
	r->npasses = 1;
	struct kesu_pass_result *p = &r->passes[0];
	p->number = 1;
	p->pass = m->passes[0];
	p->started = p->completed = true;
	p->bytes_written = p->offset_reached = r->device.size;
	p->seconds = 812.25;
	p->verify.done = true;
	p->verify.mode = KESU_VMODE_SAMPLE;
	p->verify.plan.percent = 10;
	p->verify.plan.count = 2000;
	memset(p->verify.plan.seed, 0x5a, sizeof(p->verify.plan.seed));
	p->verify.bytes_read = 25606053888ull;
	return r;
}

#define MARKER_BYTES 5121101824ull

/* nvme-sanitize-crypto on a 512 GB NVMe SSD: the drive's one step, the
 * markers all gone afterwards, a sanitize that was already running
 * followed to its end, and an HPA that was left in place. */
static struct kesu_job_result *firmware_result(void)
{
	struct kesu_job_result *r = sata_result();
	struct kesu_device *d = &r->device;
	SET(d->path, "/dev/nvme0n1");
	SET(d->name, "nvme0n1");
	d->transport = KESU_TRAN_NVME;
	d->vendor[0] = '\0';
	SET(d->model, "KESU TEST NVME");
	SET(d->serial, "NVME-SIM-1");
	SET(d->wwn, "eui.0025385b71b2c3d4");
	d->size = 512110190592ull;
	d->physical_sector = 512;
	struct kesu_method *m = &r->method;
	set_method(m, "nvme-sanitize-crypto", "NVMe Sanitize, crypto erase",
		   "NVMe サニタイズ（暗号消去）", "NIST SP 800-88 Rev.1 Purge (cryptographic erase)",
		   "NVM Express Base Specification 2.0c, Sanitize command");
	m->nist = KESU_NIST_PURGE;
	m->technique = KESU_TECHNIQUE_FIRMWARE;
	m->firmware = KESU_FW_NVME_SANITIZE_CRYPTO;
	m->leaves = KESU_LEAVES_CHANGED;
	m->npasses = 1;
	m->passes[0] = (struct kesu_pass){.type = KESU_PASS_FIRMWARE};
	r->nist_level = KESU_NIST_PURGE;
	r->npasses = 1;
	struct kesu_pass_result *p = &r->passes[0];
	p->number = 1;
	p->pass = m->passes[0];
	memset(p->seed, 0x11, sizeof(p->seed));
	p->started = p->completed = true;
	p->bytes_written = p->offset_reached = d->size;
	p->seconds = 42.25;
	p->verify.done = true;
	p->verify.mode = KESU_VMODE_SAMPLE;
	p->verify.plan.percent = 1;
	p->verify.plan.count = 2000;
	memset(p->verify.plan.seed, 0x22, sizeof(p->verify.plan.seed));
	p->verify.bytes_read = MARKER_BYTES;
	struct kesu_firmware_report *f = &r->firmware;
	f->command = KESU_FW_NVME_SANITIZE_CRYPTO;
	SET(f->detail, "ok; sanitize completed without error");
	f->estimate_s = 120;
	f->timeout_s = 600;
	f->seconds = 42.25;
	f->followed_running = true;
	f->marker_bytes = MARKER_BYTES;
	r->hidden = (struct kesu_hidden_areas){.checked = true, .hpa_sectors = 4096};
	return r;
}

/* ata-security-erase-enhanced on the SATA SSD: zeros expected, kesu's
 * temporary password set and cleared again, the HPA opened and erased,
 * a DCO found. */
static struct kesu_job_result *ata_result(void)
{
	struct kesu_job_result *r = firmware_result();
	struct kesu_job_result *sata = sata_result();
	r->device = sata->device;
	free(sata);
	struct kesu_method *m = &r->method;
	set_method(m, "ata-security-erase-enhanced", "ATA Security Erase (enhanced)",
		   "ATA セキュリティ消去（拡張）", "NIST SP 800-88 Rev.1 Purge (ATA)",
		   "ATA/ATAPI Command Set (ACS-3), SECURITY ERASE UNIT");
	m->firmware = KESU_FW_ATA_SECURITY_ERASE_ENHANCED;
	m->leaves = KESU_LEAVES_ZERO;
	r->passes[0].bytes_written = r->passes[0].offset_reached = r->device.size;
	r->passes[0].seconds = 61.5;
	struct kesu_firmware_report *f = &r->firmware;
	f->command = KESU_FW_ATA_SECURITY_ERASE_ENHANCED;
	SET(f->detail, "ok; security disabled again");
	f->seconds = 61.5;
	f->estimate_s = 2;
	f->followed_running = false;
	f->password_set = f->password_cleared = true;
	f->marker_bytes = 2560606208ull;
	r->hidden = (struct kesu_hidden_areas){.checked = true, .hpa_sectors = 8192, .dco_sectors = 1024,
					       .hpa_restored = true};
	return r;
}

/* The same erase, aborted by the drive: a failure report. */
static struct kesu_job_result *ata_failed_result(void)
{
	struct kesu_job_result *r = ata_result();
	struct kesu_pass_result *p = &r->passes[0];
	p->completed = false;
	p->bytes_written = p->offset_reached = 0;
	p->seconds = 3.5;
	p->error = -EIO;
	memset(&p->verify, 0, sizeof(p->verify));
	struct kesu_firmware_report *f = &r->firmware;
	SET(f->detail, "SECURITY ERASE UNIT failed: ATA ABRT");
	f->seconds = 3.5;
	f->status = -EIO;
	f->password_cleared = false;
	f->marker_bytes = 0;
	r->outcome = KESU_OUTCOME_FAILED;
	r->error = -EIO;
	SET(r->reason, "ATA SECURITY ERASE UNIT (enhanced) failed: SECURITY ERASE UNIT failed: ATA ABRT");
	return r;
}

/* A copy of the PDF at path in $KESU_PDF_OUT, when set, to look at. */
static void keep(const char *path)
{
	const char *out = getenv("KESU_PDF_OUT");
	if (out && out[0]) {
		char cmd[1024];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'/", path, out);
		cr_assert_eq(system(cmd), 0);
	}
}

/* record -> payload (and, with a path, the PDF); the payload, malloc'd. */
static char *issue(const struct kesu_job_result *r, const char *path, size_t *len)
{
	setenv("TZ", "JST-9", 1);
	tzset();
	struct kesu_job_context ctx = job_context();
	size_t record_len;
	char *record = kesu_record_build(r, &ctx, JOB_ID, CERT_ID, NULL, NULL, &record_len);
	cr_assert_not_null(record);
	char *payload = kesu_cert_payload(record, record_len, 42, RECORD_HASH, ISSUED, len);
	cr_assert_not_null(payload);
	free(record);
	if (path) {
		char err[512] = "";
		size_t sig_len;
		char *sig = slurp(CERTS "/payload.sig", &sig_len);
		int rc = kesu_pdf_write(payload, *len, sig, sig_len, path, err, sizeof(err));
		cr_assert_eq(rc, 0, "%s: %s", path, err);
		free(sig);
		keep(path);
	}
	return payload;
}

/* The payload read back out of the PDF, as JSON. */
static json_object *payload_of(const char *path, const char *want, size_t want_len)
{
	char err[512] = "", *back, *sig;
	size_t back_len, sig_len;
	int rc = kesu_pdf_read_payload(path, &back, &back_len, &sig, &sig_len, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", path, err);
	cr_assert(back_len == want_len && memcmp(back, want, want_len) == 0,
		  "the PDF holds another payload");
	json_object *doc = json_tokener_parse(back);
	cr_assert_not_null(doc);
	free(back);
	free(sig);
	return doc;
}

/* The member at a dotted path ("sanitization.firmware.proof.leaves"). */
static json_object *at(json_object *doc, const char *path)
{
	char buf[256], *save, *name;
	snprintf(buf, sizeof(buf), "%s", path);
	json_object *o = doc;
	for (name = strtok_r(buf, ".", &save); name; name = strtok_r(NULL, ".", &save)) {
		cr_assert(json_object_is_type(o, json_type_object), "%s: not an object at %s", path, name);
		cr_assert(json_object_object_get_ex(o, name, &o), "%s: no %s", path, name);
	}
	return o;
}

static void expect_string(json_object *doc, const char *path, const char *want)
{
	json_object *o = at(doc, path);
	cr_assert(json_object_is_type(o, json_type_string), "%s is not a string", path);
	cr_assert_str_eq(json_object_get_string(o), want, "%s", path);
}

static void expect_int(json_object *doc, const char *path, long long want)
{
	json_object *o = at(doc, path);
	cr_assert(json_object_is_type(o, json_type_int), "%s is not an integer", path);
	cr_assert_eq((long long)json_object_get_int64(o), want, "%s: %lld", path,
		     (long long)json_object_get_int64(o));
}

static void expect_bool(json_object *doc, const char *path, bool want)
{
	json_object *o = at(doc, path);
	cr_assert(json_object_is_type(o, json_type_boolean), "%s is not a boolean", path);
	cr_assert_eq(json_object_get_boolean(o), want, "%s", path);
}

static void expect_null(json_object *doc, const char *path)
{
	cr_assert_null(at(doc, path), "%s is not null", path);
}

static bool have_poppler(void)
{
	return system("pdftotext -v >/dev/null 2>&1") == 0 &&
	       system("pdfinfo -v >/dev/null 2>&1") == 0;
}

/* s without white space: a value wrapped in its cell is broken at a space
 * or, in Japanese, anywhere. */
static char *squeeze(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	cr_assert_not_null(out);
	for (; *s; s++)
		if (!strchr(" \t\r\n\f", *s))
			*o++ = *s;
	*o = '\0';
	return out;
}

/* The page text as pdftotext gives it in reading order, without white
 * space. */
static char *text_of(const char *pdf)
{
	char cmd[1024], txt[512];
	size_t len;
	snprintf(txt, sizeof(txt), "%s.txt", pdf);
	snprintf(cmd, sizeof(cmd), "pdftotext '%s' '%s' 2>/dev/null", pdf, txt);
	cr_assert_eq(system(cmd), 0, "pdftotext %s", pdf);
	char *text = slurp(txt, &len), *squeezed = squeeze(text);
	free(text);
	return squeezed;
}

static void expect_shows(const char *text, const char *want)
{
	char *w = squeeze(want);
	cr_assert_not_null(strstr(text, w), "the page does not show \"%s\":\n%s", want, text);
	free(w);
}

static void expect_hides(const char *text, const char *unwanted)
{
	char *u = squeeze(unwanted);
	cr_assert_null(strstr(text, u), "the page shows \"%s\":\n%s", unwanted, text);
	free(u);
}

static int pages_of(const char *pdf)
{
	char cmd[1024];
	snprintf(cmd, sizeof(cmd), "pdfinfo '%s' 2>/dev/null", pdf);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	char line[512];
	int pages = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Pages: %d", &pages) == 1)
			break;
	pclose(f);
	return pages;
}

/* Every word of every page at least 20 pt from the edges (pdftotext
 * -bbox), as tests/integration/test_pdf_tools.sh checks the fixtures. */
static void expect_inside_margins(const char *pdf)
{
	char cmd[1024], line[2048];
	snprintf(cmd, sizeof(cmd), "pdftotext -bbox '%s' - 2>/dev/null", pdf);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	double w = 0, h = 0;
	unsigned words = 0;
	while (fgets(line, sizeof(line), f)) {
		double x0, y0, x1, y1;
		const char *s = strstr(line, "<page ");
		if (s)
			cr_assert_eq(sscanf(s, "<page width=\"%lf\" height=\"%lf\"", &w, &h), 2);
		s = strstr(line, "<word ");
		if (!s)
			continue;
		cr_assert_eq(sscanf(s, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"",
				    &x0, &y0, &x1, &y1), 4, "%s", line);
		cr_assert(x0 >= 20 && y0 >= 20 && x1 <= w - 20 && y1 <= h - 20,
			  "%s: outside the margins: %s", pdf, line);
		words++;
	}
	pclose(f);
	cr_assert_gt(words, 100, "%s: pdftotext -bbox found %u words", pdf, words);
}

/* The payload of an overwrite job, byte for byte as kesu made it before
 * firmware erasure existed: version 1, no firmware or hidden-area keys. */
static const char overwrite_payload_v1[] =
	"{\"approver\":null,\"certificate_id\":\"KESU-20261122-0A1B2C3D\",\"classification\":\"II\","
	"\"document\":\"certificate\",\"issued_local\":\"2026-11-22T13:30:12+09:00\",\"issued_utc\":\"2026-11-22T04:30:12Z\","
	"\"kesu_certificate\":1,\"ledger\":{\"job_id\":\"8f3a2c1d5e6b7a8c9d0e1f2a3b4c5d6e\","
	"\"record_hash\":\"bb71a98d2685bb5e69eec2711f78d91b68bdcf194192f4d41873ac73e7476022\","
	"\"seq\":42},\"media\":{\"asset_number\":\"PC-2019-0042\",\"firmware\":\"2.5+\",\"logical_sector\":512,"
	"\"media_type\":\"SSD\",\"model\":\"KESU TEST SSD\",\"path\":\"/dev/sdb\",\"physical_sector\":4096,"
	"\"serial\":\"SATA-SSD-9\",\"size_bytes\":256060514304,\"transport\":\"sata\",\"vendor\":\"ATA\","
	"\"wwn\":\"0x5002538e4a1b2c3d\"},\"operator\":{\"name\":\"山田 太郎\",\"title\":\"主査\"},\"organisation\":{\"department\":\"情報政策課\","
	"\"location\":null,\"name\":\"高松市\",\"phone\":null},\"outcome\":\"SUCCESS\",\"purpose\":\"disposal\","
	"\"reason\":null,\"sanitization\":{\"ended_utc\":\"2026-11-22T04:30:10Z\",\"interruptions\":[],"
	"\"method\":{\"id\":\"zero\",\"sha256\":\"abababababababababababababababababababababababababababababababab\","
	"\"source\":\"NIST SP 800-88 Rev.1 Table A-1: one pass of 00\",\"standard\":\"NIST SP 800-88 Rev.1 Clear\","
	"\"title_en\":\"Zero fill (1 pass)\",\"title_ja\":\"ゼロ書き込み（1 回）\",\"version\":1},\"nist_level\":\"clear\","
	"\"passes\":[{\"bad_sectors\":0,\"byte\":null,\"bytes_written\":256060514304,\"completed\":true,"
	"\"milliseconds\":812250,\"number\":1,\"pattern\":\"00\",\"seed\":null}],\"started_utc\":\"2026-11-22T04:15:12Z\","
	"\"technique\":\"overwrite\"},\"station\":{\"hostname\":\"wipe-01\",\"key_fingerprint\":\"ed25519:f4f7a12ecc97accca1fd111908e5edf9\","
	"\"machine_id\":\"0123456789abcdef0123456789abcdef\"},\"tool\":{\"name\":\"kesu\","
	"\"version\":\"0.1.0\"},\"verification\":{\"bytes_read\":25606053888,\"mismatched_sectors\":0,"
	"\"mode\":\"sample\",\"passed\":true,\"percent\":\"10.0\",\"samples\":2000,\"seed\":\"5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a\","
	"\"unreadable_sectors\":0}}";

Test(pdf, overwrite_payload_unchanged)
{
	struct kesu_job_result *r = overwrite_result();
	size_t len;
	char *payload = issue(r, in_dir("zero.pdf"), &len);
	cr_assert_str_eq(payload, overwrite_payload_v1);
	cr_assert_null(strstr(payload, "\"firmware\":{"));
	cr_assert_null(strstr(payload, "\"firmware\":null"));
	cr_assert_null(strstr(payload, "hidden_areas"));
	json_object *doc = payload_of(in_dir("zero.pdf"), payload, len);
	expect_int(doc, "kesu_certificate", 1);
	json_object_put(doc);
	/* the same job, rendered again, gives the same file */
	size_t a_len, b_len;
	free(issue(r, in_dir("zero2.pdf"), &len));
	char *a = slurp(in_dir("zero.pdf"), &a_len), *b = slurp(in_dir("zero2.pdf"), &b_len);
	cr_assert(a_len == b_len && memcmp(a, b, a_len) == 0);
	free(a);
	free(b);
	free(payload);
	free(r);
}

/* An overwrite job on a drive whose hidden areas were checked: version 2,
 * firmware null, the HPA shown as not erased. */
Test(pdf, overwrite_with_hidden_areas)
{
	struct kesu_job_result *r = overwrite_result();
	r->hidden = (struct kesu_hidden_areas){.checked = true, .hpa_sectors = 2048};
	size_t len;
	char *payload = issue(r, in_dir("hidden.pdf"), &len);
	json_object *doc = payload_of(in_dir("hidden.pdf"), payload, len);
	expect_int(doc, "kesu_certificate", 2);
	expect_string(doc, "sanitization.technique", "overwrite");
	expect_null(doc, "sanitization.firmware");
	expect_int(doc, "sanitization.hidden_areas.hpa_sectors", 2048);
	expect_int(doc, "sanitization.hidden_areas.dco_sectors", 0);
	expect_bool(doc, "sanitization.hidden_areas.hpa_restored", false);
	json_object_put(doc);
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	char *text = text_of(in_dir("hidden.pdf"));
	expect_shows(text, "上書き / overwrite");
	expect_shows(text, "上書きパス / Passes");
	expect_shows(text, "隠し領域 (HPA/DCO)");
	expect_shows(text, "HPA 2,048 セクタ（未消去）");
	expect_shows(text, "HPA 2,048 sectors (NOT erased)");
	expect_hides(text, "left in place");
	expect_hides(text, "ファームウェア消去");
	free(text);
	/* no hidden sectors: no line */
	r->hidden.hpa_sectors = 0;
	free(issue(r, in_dir("none-hidden.pdf"), &len));
	text = text_of(in_dir("none-hidden.pdf"));
	expect_hides(text, "隠し領域");
	free(text);
	free(payload);
	free(r);
}

Test(pdf, firmware_certificate)
{
	struct kesu_job_result *r = firmware_result();
	size_t len;
	char *payload = issue(r, in_dir("nvme.pdf"), &len);
	json_object *doc = payload_of(in_dir("nvme.pdf"), payload, len);
	expect_int(doc, "kesu_certificate", 2);
	expect_string(doc, "document", "certificate");
	expect_string(doc, "sanitization.technique", "firmware");
	expect_string(doc, "sanitization.nist_level", "purge");
	expect_string(doc, "sanitization.firmware.command", "nvme-sanitize-crypto");
	expect_string(doc, "sanitization.firmware.title", "NVMe Sanitize, crypto erase");
	expect_string(doc, "sanitization.firmware.detail", "ok; sanitize completed without error");
	expect_bool(doc, "sanitization.firmware.followed_running", true);
	expect_null(doc, "sanitization.firmware.password_cleared"); /* kesu set none */
	expect_string(doc, "sanitization.firmware.proof.leaves", "changed");
	expect_int(doc, "sanitization.firmware.proof.marker_bytes", (long long)MARKER_BYTES);
	expect_int(doc, "sanitization.firmware.proof.unchanged_sectors", 0);
	expect_int(doc, "sanitization.firmware.proof.nonzero_sectors", 0);
	expect_int(doc, "sanitization.hidden_areas.hpa_sectors", 4096);
	expect_int(doc, "sanitization.hidden_areas.dco_sectors", 0);
	expect_bool(doc, "sanitization.hidden_areas.hpa_restored", false);
	json_object *passes = at(doc, "sanitization.passes");
	cr_assert_eq(json_object_array_length(passes), 1);
	expect_string(json_object_array_get_idx(passes, 0), "pattern", "firmware");
	expect_int(json_object_array_get_idx(passes, 0), "bytes_written", 512110190592ll);
	expect_int(json_object_array_get_idx(passes, 0), "milliseconds", 42250);
	/* the firmware object has exactly these keys: no password_set, no
	 * estimate, nothing else from the record */
	static const char *const keys[] = {"command", "detail", "followed_running",
					   "password_cleared", "proof", "title"};
	json_object *fw = at(doc, "sanitization.firmware");
	cr_assert_eq(json_object_object_length(fw), 6);
	for (size_t i = 0; i < 6; i++)
		cr_assert(json_object_object_get_ex(fw, keys[i], NULL), "no %s", keys[i]);
	json_object_put(doc);

	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	char *text = text_of(in_dir("nvme.pdf"));
	static const char *const shown[] = {
		"データ消去証明書", "ファームウェア消去 / Firmware erase", "消去コマンド",
		"ファームウェア消去 / NVMe Sanitize, crypto erase", "512,110,190,592",
		"ファームウェア消去 / firmware erase", "Purge（NIST SP 800-88 Rev.1）",
		"ドライブの応答", "Drive's answer", "ok; sanitize completed without error",
		"a sanitize already running was followed to its end", "消去の証明", "Proof of erasure",
		"5,121,101,824 バイトの無作為な目印を書き込み", "変化なし 0 セクタ",
		"5,121,101,824 bytes of random markers", "0 sectors unchanged (expected: changed)",
		"隠し領域 (HPA/DCO)", "HPA 4,096 セクタ（未消去）", "HPA 4,096 sectors (NOT erased)",
		"42.", "NVME-SIM-1",
	};
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		expect_shows(text, shown[i]);
	/* an overwrite's words and the zeros check are not claimed */
	expect_hides(text, "上書き / overwrite");
	expect_hides(text, "上書きパス");
	expect_hides(text, "not zero");
	expect_hides(text, "password");
	free(text);
	cr_assert_leq(pages_of(in_dir("nvme.pdf")), 2, "a firmware certificate: the page and the technical block");
	expect_inside_margins(in_dir("nvme.pdf"));
	free(payload);
	free(r);
}

Test(pdf, firmware_zeros_password_and_hpa)
{
	struct kesu_job_result *r = ata_result();
	size_t len;
	char *payload = issue(r, in_dir("ata.pdf"), &len);
	json_object *doc = payload_of(in_dir("ata.pdf"), payload, len);
	expect_string(doc, "sanitization.firmware.command", "ata-security-erase-enhanced");
	expect_string(doc, "sanitization.firmware.title", "ATA SECURITY ERASE UNIT (enhanced)");
	expect_bool(doc, "sanitization.firmware.password_cleared", true);
	expect_bool(doc, "sanitization.firmware.followed_running", false);
	expect_string(doc, "sanitization.firmware.proof.leaves", "zero");
	expect_int(doc, "sanitization.hidden_areas.hpa_sectors", 8192);
	expect_int(doc, "sanitization.hidden_areas.dco_sectors", 1024);
	expect_bool(doc, "sanitization.hidden_areas.hpa_restored", true);
	json_object_put(doc);
	cr_assert_null(strstr(payload, "password_set"));
	/* rendering is deterministic for firmware certificates too */
	size_t a_len, b_len;
	free(issue(r, in_dir("ata2.pdf"), &len));
	char *a = slurp(in_dir("ata.pdf"), &a_len), *b = slurp(in_dir("ata2.pdf"), &b_len);
	cr_assert(a_len == b_len && memcmp(a, b, a_len) == 0, "two renderings differ");
	free(a);
	free(b);

	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	char *text = text_of(in_dir("ata.pdf"));
	static const char *const shown[] = {
		"ファームウェア消去 / ATA SECURITY ERASE UNIT (enhanced)", "256,060,514,304",
		"ok; security disabled again", "一時パスワード: 解除済み",
		"kesu's temporary password: removed", "2,560,606,208 バイト",
		"ゼロでない 0 セクタ（期待: すべてゼロ）", "0 sectors unchanged, 0 sectors not zero (expected: zero)",
		"HPA 8,192 セクタ（解除して消去済み）、DCO 1,024 セクタ（変更せず）",
		"HPA 8,192 sectors (removed and erased), DCO 1,024 sectors (left in place)",
	};
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		expect_shows(text, shown[i]);
	expect_hides(text, "already running");
	free(text);
	cr_assert_leq(pages_of(in_dir("ata.pdf")), 2);
	expect_inside_margins(in_dir("ata.pdf"));
	free(payload);
	free(r);
}

Test(pdf, firmware_failure_report)
{
	struct kesu_job_result *r = ata_failed_result();
	size_t len;
	char *payload = issue(r, in_dir("abrt.pdf"), &len);
	json_object *doc = payload_of(in_dir("abrt.pdf"), payload, len);
	expect_string(doc, "document", "failure-report");
	expect_string(doc, "outcome", "FAILED");
	expect_string(doc, "sanitization.nist_level", "none");
	expect_string(doc, "sanitization.firmware.detail", "SECURITY ERASE UNIT failed: ATA ABRT");
	expect_bool(doc, "sanitization.firmware.password_cleared", false);
	json_object_put(doc);

	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	char *text = text_of(in_dir("abrt.pdf"));
	static const char *const shown[] = {
		"データ消去失敗報告書", "THIS DRIVE WAS NOT SANITIZED",
		"ドライブの応答", "Drive's answer", "SECURITY ERASE UNIT failed: ATA ABRT",
		"一時パスワード: 未解除", "kesu's temporary password: NOT removed",
		"未完了 / incomplete", "No markers were written", "主張なし / none claimed",
		"HPA 8,192 sectors (removed for the erase)",
	};
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		expect_shows(text, shown[i]);
	expect_hides(text, "removed and erased");
	expect_hides(text, "read back after it");
	free(text);
	/* markers written, then the command failed: nothing was read back */
	r->firmware.marker_bytes = 2560606208ull;
	free(payload);
	payload = issue(r, in_dir("abrt2.pdf"), &len);
	text = text_of(in_dir("abrt2.pdf"));
	expect_shows(text, "the erase did not complete, so they were not read back");
	expect_shows(text, "読み戻しは未実施");
	free(text);
	expect_inside_margins(in_dir("abrt2.pdf"));
	free(payload);
	free(r);
}

/* payload with from replaced by to (from must occur). */
static char *replaced(const char *payload, const char *from, const char *to)
{
	const char *where = strstr(payload, from);
	cr_assert_not_null(where, "the payload has no %s", from);
	char *out = malloc(strlen(payload) + strlen(to) + 1);
	cr_assert_not_null(out);
	sprintf(out, "%.*s%s%s", (int)(where - payload), payload, to, where + strlen(from));
	return out;
}

/* The reader checks the firmware facts as strictly as the rest. */
Test(pdf, refuses_invalid_firmware_payloads)
{
	struct kesu_job_result *r = ata_result();
	size_t len;
	char *payload = issue(r, NULL, &len);
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
		{"\"technique\":\"firmware\"", "\"technique\":\"magic\"", "sanitization.technique: unknown value \"magic\""},
		{"\"technique\":\"firmware\"", "\"technique\":\"overwrite\"", "sanitization.firmware: given for technique \"overwrite\""},
		{"\"technique\":\"firmware\"", "\"technique\":null", "sanitization.technique: missing"},
		{"\"kesu_certificate\":2", "\"kesu_certificate\":1", "needs kesu_certificate 2"},
		{"\"command\":\"ata-security-erase-enhanced\"", "\"command\":\"format-c\"", "sanitization.firmware.command: unknown value \"format-c\""},
		{"\"command\":\"ata-security-erase-enhanced\"", "\"command\":\"auto\"", "sanitization.firmware.command: unknown value \"auto\""},
		{"\"command\":\"ata-security-erase-enhanced\",", "", "sanitization.firmware.command: missing"},
		{"\"command\":\"ata-security-erase-enhanced\"", "\"command\":7", "sanitization.firmware.command: expected a string"},
		{"\"title\":\"ATA SECURITY ERASE UNIT (enhanced)\"", "\"title\":\"\"", "sanitization.firmware.title: empty"},
		{"\"detail\":\"ok; security disabled again\"", "\"detail\":null", "sanitization.firmware.detail: missing"},
		{"\"followed_running\":false", "\"followed_running\":\"no\"", "sanitization.firmware.followed_running: expected a boolean"},
		{"\"password_cleared\":true", "\"password_cleared\":1", "sanitization.firmware.password_cleared: expected a boolean"},
		{"\"leaves\":\"zero\"", "\"leaves\":\"maybe\"", "sanitization.firmware.proof.leaves: unknown value \"maybe\""},
		{"\"marker_bytes\":2560606208", "\"marker_bytes\":-1", "sanitization.firmware.proof.marker_bytes: must not be negative"},
		{"\"unchanged_sectors\":0", "\"unchanged_sectors\":\"0\"", "sanitization.firmware.proof.unchanged_sectors: expected an integer"},
		{"\"nonzero_sectors\":0,", "", "sanitization.firmware.proof.nonzero_sectors: missing"},
		{"\"proof\":{", "\"proof\":\"none\",\"x\":{", "sanitization.firmware.proof: expected an object"},
		{"\"hpa_sectors\":8192", "\"hpa_sectors\":8192.5", "sanitization.hidden_areas.hpa_sectors: expected an integer"},
		{"\"dco_sectors\":1024", "\"dco_sectors\":-5", "sanitization.hidden_areas.dco_sectors: must not be negative"},
		{"\"hpa_restored\":true", "\"hpa_restored\":\"yes\"", "sanitization.hidden_areas.hpa_restored: expected a boolean"},
		{"\"hidden_areas\":{", "\"hidden_areas\":true,\"x\":{", "sanitization.hidden_areas: expected an object"},
		{"\"pattern\":\"firmware\"", "\"pattern\":\"00\"", "sanitization.passes[0].pattern: \"00\" does not go with technique \"firmware\""},
		{"\"passes\":[{", "\"passes\":[{\"bad_sectors\":0,\"byte\":null,\"bytes_written\":1,\"completed\":true,\"milliseconds\":1,\"number\":2,\"pattern\":\"firmware\",\"seed\":null},{", "a firmware erase has one step, not 2"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = replaced(payload, cases[i].from, cases[i].to);
		expect_refused(p, cases[i].want);
		free(p);
	}
	/* and the firmware object without a firmware technique's payload */
	char *p = replaced(payload, "\"firmware\":{", "\"firmware\":null,\"x\":{");
	expect_refused(p, "sanitization.firmware: missing");
	free(p);
	/* version 1 knows neither firmware nor hidden areas */
	free(payload);
	struct kesu_job_result *o = overwrite_result();
	char *v1 = issue(o, NULL, &len);
	static const struct {
		const char *from, *to, *want;
	} v1_cases[] = {
		{"\"technique\":\"overwrite\"", "\"technique\":\"firmware\"", "\"firmware\" needs kesu_certificate 2"},
		{"\"technique\":\"overwrite\"", "\"technique\":\"magic\"", "sanitization.technique: unknown value \"magic\""},
		{"\"technique\":\"overwrite\"", "\"technique\":\"overwrite\",\"hidden_areas\":{\"dco_sectors\":0,\"hpa_restored\":false,\"hpa_sectors\":1}", "sanitization.hidden_areas: not part of kesu_certificate 1"},
		{"\"pattern\":\"00\"", "\"pattern\":\"firmware\"", "sanitization.passes[0].pattern: \"firmware\" does not go with technique \"overwrite\""},
	};
	for (size_t i = 0; i < sizeof(v1_cases) / sizeof(v1_cases[0]); i++) {
		p = replaced(v1, v1_cases[i].from, v1_cases[i].to);
		expect_refused(p, v1_cases[i].want);
		free(p);
	}
	/* the same payload as version 2 with the keys null is fine */
	p = replaced(v1, "\"kesu_certificate\":1", "\"kesu_certificate\":2");
	char *q = replaced(p, "\"technique\":\"overwrite\"", "\"technique\":\"overwrite\",\"firmware\":null,\"hidden_areas\":null");
	char err[512] = "";
	const char *sig = "untrusted comment: x\nRWQ=\n";
	cr_assert_eq(kesu_pdf_write(q, strlen(q), sig, strlen(sig), in_dir("v2.pdf"), err, sizeof(err)), 0,
		     "%s", err);
	free(p);
	free(q);
	free(v1);
	free(o);
	free(r);
}

/* Every firmware string at its longest, on a failure report with a long
 * reason: wrapped or cut, never off the page. */
Test(pdf, firmware_long_strings)
{
	struct kesu_job_result *r = ata_failed_result();
	char detail[256];
	memset(detail, 'W', sizeof(detail) - 1);
	detail[sizeof(detail) - 1] = '\0';
	memcpy(detail, "SECURITY ERASE UNIT failed: ", 28);
	SET(r->firmware.detail, detail);
	r->firmware.followed_running = true;
	r->firmware.marker_bytes = 999999999999999ull;
	r->hidden.hpa_sectors = 999999999999ull;
	r->hidden.dco_sectors = 999999999999ull;
	memset(r->reason, 'R', sizeof(r->reason) - 1);
	size_t len;
	char *payload = issue(r, NULL, &len);
	char title[300] = "\"title\":\"";
	memset(title + 9, 'T', 250);
	strcpy(title + 259, "\"");
	char *p = replaced(payload, "\"title\":\"ATA SECURITY ERASE UNIT (enhanced)\"", title);
	char err[512] = "";
	size_t sig_len;
	char *sig = slurp(CERTS "/payload.sig", &sig_len);
	cr_assert_eq(kesu_pdf_write(p, strlen(p), sig, sig_len, in_dir("fw-long.pdf"), err, sizeof(err)), 0,
		     "%s", err);
	keep(in_dir("fw-long.pdf"));
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	expect_inside_margins(in_dir("fw-long.pdf"));
	int pages = pages_of(in_dir("fw-long.pdf"));
	cr_assert(pages >= 1 && pages <= 2, "%d pages", pages);
	char *text = text_of(in_dir("fw-long.pdf"));
	expect_shows(text, "SECURITY ERASE UNIT failed: WWWW");
	expect_shows(text, "999,999,999,999,999");
	free(text);
	free(sig);
	free(p);
	free(payload);
	free(r);
}

/* ---- What failure reports say, times, words and long values ---------- */

/* A fixture as JSON, to edit. */
static json_object *fixture(const char *name)
{
	char path[256];
	snprintf(path, sizeof(path), CERTS "/%s.json", name);
	json_object *doc = json_object_from_file(path);
	cr_assert_not_null(doc, "%s", path);
	return doc;
}

/* Sets the member at a dotted path (its parent must exist); v is taken. */
static void put(json_object *doc, const char *path, json_object *v)
{
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", path);
	char *last = strrchr(buf, '.');
	json_object *parent = doc;
	if (last) {
		*last = '\0';
		parent = at(doc, buf);
	}
	json_object_object_add(parent, last ? last + 1 : buf, v);
}

static json_object *pass_at(json_object *doc, size_t i)
{
	return json_object_array_get_idx(at(doc, "sanitization.passes"), i);
}

/* Renders doc (freed) in style into name; returns the PDF's path. */
static const char *render_doc(json_object *doc, const char *name, const struct kesu_pdf_style *style)
{
	const char *text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
								JSON_C_TO_STRING_NOSLASHESCAPE);
	char err[512] = "";
	size_t sig_len;
	char *sig = slurp(CERTS "/payload.sig", &sig_len);
	const char *path = in_dir(name);
	int rc = kesu_pdf_write_styled(text, strlen(text), sig, sig_len, style, path, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", name, err);
	free(sig);
	json_object_put(doc);
	keep(path);
	return path;
}

/* The page text with its white space, as pdftotext gives it. */
static char *raw_text_of(const char *pdf)
{
	char cmd[1024], txt[512];
	size_t len;
	snprintf(txt, sizeof(txt), "%s.raw.txt", pdf);
	snprintf(cmd, sizeof(cmd), "pdftotext '%s' '%s' 2>/dev/null", pdf, txt);
	cr_assert_eq(system(cmd), 0, "pdftotext %s", pdf);
	return slurp(txt, &len);
}

/* "合格" anywhere but inside "不合格". */
static bool says_passed(const char *text)
{
	for (const char *s = strstr(text, "合格"); s; s = strstr(s + 1, "合格"))
		if (s - text < 3 || memcmp(s - 3, "不", 3) != 0)
			return true;
	return false;
}

static size_t occurrences(const char *text, const char *what)
{
	size_t n = 0;
	for (const char *s = strstr(text, what); s; s = strstr(s + 1, what))
		n++;
	return n;
}

static json_object *range(long long first, long long count)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "count", json_object_new_int64(count));
	json_object_object_add(o, "first", json_object_new_int64(first));
	return o;
}

/* dod-3pass with 9 sectors that no pass could write (3001 and 4096-4103),
 * the way the integrator's record has it: each pass incomplete with 9 bad
 * sectors, one distinct count, the reason in both languages, and a
 * sample that happened to miss them (passed true). */
static json_object *unwritten_report(void)
{
	json_object *doc = fixture("failure");
	put(doc, "reason", json_object_new_string("9 sectors could not be written (sectors 3001, 4096-4103)"));
	put(doc, "reason_ja", json_object_new_string("9 セクタに書き込めませんでした（セクタ 3001、4096-4103）"));
	for (size_t i = 0; i < 3; i++) {
		json_object_object_add(pass_at(doc, i), "bad_sectors", json_object_new_int64(9));
		json_object_object_add(pass_at(doc, i), "completed", json_object_new_boolean(false));
	}
	json_object *ranges = json_object_new_array();
	json_object_array_add(ranges, range(3001, 1));
	json_object_array_add(ranges, range(4096, 8));
	put(doc, "sanitization.unwritten", ranges);
	put(doc, "sanitization.unwritten_sectors", json_object_new_int64(9));
	put(doc, "verification.passed", json_object_new_boolean(true));
	put(doc, "verification.mismatched_sectors", json_object_new_int64(0));
	return doc;
}

Test(pdf, failure_report_tells_the_truth)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	const char *pdf = render_doc(unwritten_report(), "unwritten.pdf", NULL);
	char *raw = raw_text_of(pdf), *text = text_of(pdf);
	cr_assert(!says_passed(raw), "a failure report says 合格:\n%s", raw);
	cr_assert_null(strstr(raw, "PASSED"));
	expect_shows(text, "不合格 / FAILED");
	/* the passes that left sectors unwritten are not done */
	cr_assert_eq(occurrences(raw, "未完了 / incomplete"), 3, "%s", raw);
	cr_assert_null(strstr(raw, "完了 / done"));
	/* one count of distinct sectors, never 27 */
	expect_shows(text, "9 セクタ（全パス・再開を通算、重複なし）");
	expect_shows(text, "9 distinct sectors");
	cr_assert_null(strstr(text, "27セクタ"), "27 sectors:\n%s", raw);
	cr_assert_null(strstr(text, "27distinct"));
	/* the ranges, the reason in both languages, the standard's remedy */
	expect_shows(text, "3001, 4096-4103 (8)");
	expect_shows(text, "理由: 9 セクタに書き込めませんでした（セクタ 3001、4096-4103）");
	expect_shows(text, "Reason: 9 sectors could not be written (sectors 3001, 4096-4103)");
	expect_shows(text, "物理的破壊");
	expect_shows(text, "ハンマー等で強い衝撃を与えて躯体を変形させる、又は、躯体を穿孔する。");
	expect_shows(text, "注11・注18");
	expect_shows(text, "physically destroyed");
	expect_hides(text, "改めて消去してください");
	/* the sample missed them, and the page says why that is no pass */
	expect_shows(text, "抽出検証では不一致は見つかりませんでしたが");
	expect_shows(text, "FAILUREREPORT");
	free(raw);
	free(text);
	expect_inside_margins(pdf);
}

Test(pdf, failure_report_lists_50_ranges_and_a_total)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	json_object *doc = unwritten_report();
	json_object *ranges = json_object_new_array();
	for (int i = 0; i < 60; i++)
		json_object_array_add(ranges, range(1000 + 10 * i, 2));
	put(doc, "sanitization.unwritten", ranges);
	put(doc, "sanitization.unwritten_sectors", json_object_new_int64(120));
	const char *pdf = render_doc(doc, "ranges.pdf", NULL);
	char *text = text_of(pdf);
	expect_shows(text, "1000-1001 (2), 1010-1011 (2)");
	expect_shows(text, "1490-1491 (2)"); /* the 50th */
	expect_hides(text, "1500-1501");      /* the 51st */
	expect_shows(text, "最初の 50 範囲を記載（全 60 範囲）");
	expect_shows(text, "the first 50 of 60 ranges");
	expect_shows(text, "120 セクタ");
	free(text);
	expect_inside_margins(pdf);
}

/* Nothing read back (interrupted before verification): 対象外, not 合格. */
Test(pdf, failure_report_without_reading)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	json_object *doc = fixture("failure");
	put(doc, "outcome", json_object_new_string("INTERRUPTED"));
	put(doc, "verification.passed", json_object_new_boolean(true)); /* a stale flag */
	put(doc, "verification.bytes_read", json_object_new_int64(0));
	for (size_t i = 0; i < 3; i++)
		json_object_object_add(pass_at(doc, i), "bad_sectors", json_object_new_int64(0));
	char *raw = raw_text_of(render_doc(doc, "interrupted.pdf", NULL));
	cr_assert(!says_passed(raw), "%s", raw);
	cr_assert_not_null(strstr(raw, "対象外"), "%s", raw);
	cr_assert_not_null(strstr(raw, "改めて消去してください"), "%s", raw);
	cr_assert_null(strstr(raw, "物理的破壊"));
	free(raw);
}

/* A record from before the distinct count: the passes' bad sectors still
 * make the pass 未完了 and the report name physical destruction. */
Test(pdf, failure_report_from_an_older_record)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	size_t len;
	free(render("failure", in_dir("old.pdf"), &len));
	char *raw = raw_text_of(in_dir("old.pdf")), *text = text_of(in_dir("old.pdf"));
	cr_assert(!says_passed(raw), "%s", raw);
	cr_assert_eq(occurrences(raw, "未完了 / incomplete"), 1, "%s", raw);
	expect_shows(text, "パスごと / per pass: 1: 0, 2: 24, 3: 0");
	expect_shows(text, "物理的破壊");
	expect_shows(text, "Reason: pass 2 (0xff): 24 sectors could not be written");
	free(raw);
	free(text);
}

Test(pdf, refuses_a_certificate_with_unwritten_sectors)
{
	json_object *doc = fixture("success");
	put(doc, "sanitization.unwritten_sectors", json_object_new_int64(1));
	json_object *ranges = json_object_new_array();
	json_object_array_add(ranges, range(5, 1));
	put(doc, "sanitization.unwritten", ranges);
	expect_refused(json_object_to_json_string(doc), "a certificate with 1 unwritten sectors");
	json_object_put(doc);
	doc = unwritten_report();
	json_object_array_add(at(doc, "sanitization.unwritten"), range(1, 0));
	expect_refused(json_object_to_json_string(doc), "sanitization.unwritten[2].count: must be positive");
	json_object_put(doc);
}

Test(pdf, era_dates)
{
	static const struct {
		int y, m, d;
		const char *want;
	} cases[] = {
		{2026, 12, 6, "令和8年12月6日"},   {2019, 5, 1, "令和元年5月1日"},
		{2019, 4, 30, "平成31年4月30日"},  {2020, 1, 1, "令和2年1月1日"},
		{1989, 1, 8, "平成元年1月8日"},    {1989, 1, 7, "昭和64年1月7日"},
		{1926, 12, 25, "昭和元年12月25日"}, {1926, 12, 24, "大正15年12月24日"},
		{1912, 7, 30, "大正元年7月30日"},  {2024, 2, 29, "令和6年2月29日"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64] = "";
		cr_assert_eq(kesu_era_date(cases[i].y, cases[i].m, cases[i].d, out, sizeof(out)), 0);
		cr_assert_str_eq(out, cases[i].want);
	}
	char out[64] = "untouched";
	cr_assert_eq(kesu_era_date(1912, 7, 29, out, sizeof(out)), -1);
	cr_assert_eq(kesu_era_date(2026, 2, 29, out, sizeof(out)), -1);
	cr_assert_eq(kesu_era_date(2100, 2, 29, out, sizeof(out)), -1);
	cr_assert_eq(kesu_era_date(2026, 13, 1, out, sizeof(out)), -1);
	cr_assert_eq(kesu_era_date(2026, 4, 31, out, sizeof(out)), -1);
	cr_assert_str_eq(out, "untouched");
}

/* Started just before midnight UTC on 5 December: 08:59 on the 6th in
 * Japan. Every time is shown in the station's zone, UTC once, in the
 * technical block. */
static json_object *timed(const char *local)
{
	json_object *doc = fixture("success");
	put(doc, "issued_utc", json_object_new_string("2026-12-06T01:30:12Z"));
	put(doc, "issued_local", json_object_new_string(local));
	put(doc, "sanitization.started_utc", json_object_new_string("2026-12-05T23:59:00Z"));
	put(doc, "sanitization.ended_utc", json_object_new_string("2026-12-06T01:30:11Z"));
	return doc;
}

Test(pdf, times_in_the_station_zone)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	char *raw = raw_text_of(render_doc(timed("2026-12-06T10:30:12+09:00"), "jst.pdf", NULL));
	cr_assert_not_null(strstr(raw, "2026-12-06 08:59:00 (UTC+09:00)"), "%s", raw);
	cr_assert_not_null(strstr(raw, "2026-12-06 10:30:11 (UTC+09:00)"), "%s", raw);
	cr_assert_eq(occurrences(raw, "2026-12-06 10:30:12 (UTC+09:00)"), 2, "header and issue row");
	cr_assert_null(strstr(raw, "23:59:00 UTC"), "a UTC time beside local ones");
	/* UTC once, in the technical block */
	cr_assert_eq(occurrences(raw, "2026-12-05T23:59:00Z"), 1, "%s", raw);
	cr_assert_eq(occurrences(raw, "2026-12-06T01:30:12Z"), 1);
	cr_assert_eq(occurrences(raw, "23:59:00"), 1);
	free(raw);

	/* era dates by configuration */
	struct kesu_pdf_style era = {.era_dates = true};
	raw = raw_text_of(render_doc(timed("2026-12-06T10:30:12+09:00"), "era.pdf", &era));
	cr_assert_not_null(strstr(raw, "令和8年12月6日 08:59:00 (UTC+09:00)"), "%s", raw);
	cr_assert_not_null(strstr(raw, "令和8年12月6日 10:30:12 (UTC+09:00)"), "%s", raw);
	cr_assert_null(strstr(raw, "2026-12-06 "), "a Western date on an era-dated page");
	free(raw);

	/* a UTC station prints each time once */
	raw = raw_text_of(render_doc(timed("2026-12-06T01:30:12+00:00"), "utc.pdf", NULL));
	cr_assert_eq(occurrences(raw, "2026-12-05 23:59:00 (UTC+00:00)"), 1, "%s", raw);
	cr_assert_eq(occurrences(raw, "23:59:00"), 1, "%s", raw);
	cr_assert_null(strstr(raw, "協定世界時"));
	free(raw);
}

Test(pdf, class_label)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	size_t len;
	free(render("success", in_dir("class.pdf"), &len));
	char *text = text_of(in_dir("class.pdf"));
	expect_shows(text, "重要性分類Ⅱ / Class II");
	expect_hides(text, "情報資産分類");
	free(text);
	struct kesu_pdf_style style = {.class_label = "情報資産の分類"};
	text = text_of(render_doc(fixture("success"), "label.pdf", &style));
	expect_shows(text, "情報資産の分類Ⅱ / Class II");
	expect_hides(text, "重要性分類");
	free(text);
}

/* The method's words: its caveat in both languages, 準拠規格 in Japanese,
 * and a verdict cell that holds nothing but the verdict. */
Test(pdf, method_words)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	json_object *doc = fixture("success");
	put(doc, "approver", json_object_new_string("高松 花子"));
	put(doc, "sanitization.method.standard_ja", json_object_new_string("米国国防総省 DoD 5220.22-M（NISPOM 1995 年版）"));
	put(doc, "sanitization.method.caveat_ja", json_object_new_string("DoD 5220.22-M は現在、上書きによる消去を定めていません。方式名は規程が引用するため用いています。達成される水準は NIST SP 800-88 の Clear です。"));
	put(doc, "sanitization.method.caveat_en", json_object_new_string("DoD 5220.22-M no longer specifies an overwrite; the name is kept because policies cite it. Level achieved: NIST SP 800-88 Clear."));
	/* as methods/dod-3pass.method has them: this page is docs/certificate-sample.png */
	put(doc, "sanitization.method.source",
	    json_object_new_string("DoD 5220.22-M (1995), Clearing and Sanitization Matrix: a character, its "
				   "complement, then a random character, and verify; here 0x00, 0xff, "
				   "random, the last pass verified"));
	char *raw = raw_text_of(render_doc(doc, "words.pdf", NULL));
	char *text = squeeze(raw);
	expect_shows(text, "米国国防総省DoD5220.22-M（NISPOM");
	expect_shows(text, "1995年版）");
	expect_shows(text, "DoD 5220.22-M は現在、上書きによる消去を定めていません。");
	expect_shows(text, "DoD 5220.22-M no longer specifies an overwrite;");
	expect_hides(text, "Blancco");
	/* every field is filled: no dash anywhere, hidden or not */
	cr_assert_null(strstr(raw, "\xe2\x80\x94"), "a dash on a page without empty fields:\n%s", raw);
	free(raw);
	free(text);
}

/* Fills s with n copies of the code point's UTF-8 (a sentence of words
 * separated by spaces when word > 0). */
static void repeat(char *s, size_t size, const char *ch, int n, int word)
{
	size_t o = 0, l = strlen(ch);
	for (int i = 0; i < n && o + l + 1 < size; i++) {
		if (word && i && i % word == 0) {
			s[o++] = ' ';
			continue;
		}
		memcpy(s + o, ch, l);
		o += l;
	}
	s[o] = '\0';
}

/* Every field at its limit (kesu/field_limits.h), in full-width text, and
 * narrow tokens of 32 columns: printed whole, never cut, never broken
 * inside a token. */
Test(pdf, long_values_render_whole)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	char org[KESU_LIMIT_BYTES(KESU_LIMIT_ORGANISATION)], dept[sizeof(org)], loc[sizeof(org)],
		op[KESU_LIMIT_BYTES(KESU_LIMIT_OPERATOR)], title[sizeof(op)], ap[sizeof(op)],
		asset[KESU_LIMIT_BYTES(KESU_LIMIT_ASSET_NUMBER)], phone[KESU_LIMIT_BYTES(KESU_LIMIT_PHONE)];
	repeat(org, sizeof(org), "髙", KESU_LIMIT_ORGANISATION, 0);
	memcpy(org, "高松市役所本庁舎４階サーバ室", strlen("高松市役所本庁舎４階サーバ室"));
	repeat(dept, sizeof(dept), "課", KESU_LIMIT_DEPARTMENT, 0);
	repeat(loc, sizeof(loc), "Ｗ", KESU_LIMIT_LOCATION, 0);
	repeat(op, sizeof(op), "山", KESU_LIMIT_OPERATOR, 0);
	repeat(title, sizeof(title), "ｱ", KESU_LIMIT_OPERATOR_TITLE, 0); /* half-width kana */
	repeat(ap, sizeof(ap), "鑑", KESU_LIMIT_APPROVER, 0);
	/* two tokens of 32 columns and a space */
	snprintf(asset, sizeof(asset), "%s %s", "PC-2019-0042-SATA-SSD-1-ABCDEFG", "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW");
	cr_assert_eq(strlen(asset), KESU_LIMIT_ASSET_NUMBER - 1);
	repeat(phone, sizeof(phone), "０", KESU_LIMIT_PHONE, 0);
	json_object *doc = fixture("success");
	put(doc, "organisation.name", json_object_new_string(org));
	put(doc, "organisation.department", json_object_new_string(dept));
	put(doc, "organisation.location", json_object_new_string(loc));
	put(doc, "organisation.phone", json_object_new_string(phone));
	json_object *opo = json_object_new_object();
	json_object_object_add(opo, "name", json_object_new_string(op));
	json_object_object_add(opo, "title", json_object_new_string(title));
	put(doc, "operator", opo);
	put(doc, "approver", json_object_new_string(ap));
	put(doc, "media.asset_number", json_object_new_string(asset));
	const char *pdf = render_doc(doc, "long-values.pdf", NULL);
	char *raw = raw_text_of(pdf), *text = squeeze(raw);
	/* each field is made of its own character: all of them are on the
	 * page (the operator's and approver's names twice: their row and
	 * their seal box) */
	static const struct {
		const char *ch;
		size_t want;
	} counts[] = {
		{"髙", KESU_LIMIT_ORGANISATION - 14}, {"課", KESU_LIMIT_DEPARTMENT},
		{"Ｗ", KESU_LIMIT_LOCATION},         {"０", KESU_LIMIT_PHONE},
		{"山", 2 * KESU_LIMIT_OPERATOR},     {"ｱ", KESU_LIMIT_OPERATOR_TITLE},
		{"鑑", 2 * KESU_LIMIT_APPROVER},
	};
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		cr_assert_eq(occurrences(raw, counts[i].ch), counts[i].want, "%s: %zu on the page, %zu wanted",
			     counts[i].ch, occurrences(raw, counts[i].ch), counts[i].want);
	expect_shows(text, "高松市役所本庁舎４階サーバ室髙");
	/* the tokens are each on one line, whole */
	cr_assert_not_null(strstr(raw, "PC-2019-0042-SATA-SSD-1-ABCDEFG"), "%s", raw);
	cr_assert_not_null(strstr(raw, "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"), "%s", raw);
	/* no "…" but the two digests the technical block shortens on purpose */
	cr_assert_eq(occurrences(raw, "\xe2\x80\xa6"), 2, "a value was cut with …:\n%s", raw);
	cr_assert_not_null(strstr(raw, "job 8f3a2c1d5e6b7a8c\xe2\x80\xa6 · record bb71a98d2685bb5e\xe2\x80\xa6"));
	free(raw);
	free(text);
	expect_inside_margins(pdf);
}

/* The layout's promises (issue 12 C9): nothing within 20 mm of the left
 * edge (a two-hole punch), and every label at 8 pt or more (pdftotext
 * -bbox gives a word's height as its font size). */
static void expect_layout(const char *pdf)
{
	static const char *const labels[] = {
		"組織", "Organisation", "証明書番号", "Certificate", "判定", "Result", "状態", "Status",
		"氏名", "Name", "日付", "Date", "方式定義ファイル", "Signature", "担当者", "Operator",
		"処置", "Remedy", "件数", "Count", "セクタ番号", "Sector", "Pattern", "numbers",
	};
	char cmd[1024], line[2048], word[512];
	snprintf(cmd, sizeof(cmd), "pdftotext -bbox '%s' - 2>/dev/null", pdf);
	FILE *f = popen(cmd, "r");
	cr_assert_not_null(f);
	unsigned checked = 0;
	while (fgets(line, sizeof(line), f)) {
		double x0, y0, x1, y1;
		const char *s = strstr(line, "<word ");
		if (!s || sscanf(s, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\">%511[^<]",
				 &x0, &y0, &x1, &y1, word) != 5)
			continue;
		cr_assert_geq(x0, 56.69, "%s: \"%s\" inside the 20 mm left margin (x %.1f)", pdf, word, x0);
		for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
			if (strcmp(word, labels[i]) == 0) {
				cr_assert_geq(y1 - y0, 7.9, "%s: label \"%s\" at %.1f pt", pdf, word, y1 - y0);
				checked++;
			}
	}
	pclose(f);
	cr_assert_gt(checked, 15, "%s: %u labels found", pdf, checked);
}

Test(pdf, layout_margin_and_labels)
{
	if (!have_poppler())
		cr_skip_test("pdftotext is not installed");
	size_t len;
	free(render("success", in_dir("layout.pdf"), &len));
	expect_layout(in_dir("layout.pdf"));
	expect_layout(render_doc(unwritten_report(), "layout-report.pdf", NULL));
	free(render("gutmann", in_dir("layout-gutmann.pdf"), &len));
	expect_layout(in_dir("layout-gutmann.pdf"));
}

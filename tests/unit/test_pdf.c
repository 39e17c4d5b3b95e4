/* The certificate PDF: the fixture payloads (tests/fixtures/certs) render,
 * the same payload gives the same bytes, the attachments come back byte for
 * byte, bad payloads are refused with the field they got wrong, and
 * truncated, damaged, rewritten or foreign PDFs give an error, never a
 * crash or a wrong payload.
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

#include "kesu/error.h"
#include "kesu/pdf.h"

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
		{"\"kesu_certificate\":1", "\"kesu_certificate\":2", "version 2 is not supported"},
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

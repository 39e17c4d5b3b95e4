/* The certificate PDF reader against crafted files (issue 12, E1): object
 * streams are decoded only when an object is found nowhere else, and a
 * file that asks for more than the fixed limits (decoded bytes, parsed
 * bytes) ends in an error naming the limit, within a second and 128 MiB
 * (measured here with getrusage; Criterion runs each test in its own
 * process). tests/fuzz/pdf_bombs.py makes the same files for the command
 * line. */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include "kesu/error.h"
#include "pdf_parse.h"

#define SIG_TEXT "untrusted comment: x\nRWQ=\n"

struct buf {
	char *p;
	size_t len, cap;
	size_t off[16384]; /* of object N */
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void putf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(struct buf *b, const char *fmt, ...)
{
	char tmp[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	cr_assert(n >= 0 && (size_t)n < sizeof(tmp));
	put(b, tmp, (size_t)n);
}

static void obj(struct buf *b, unsigned num, const char *body)
{
	b->off[num] = b->len;
	putf(b, "%u 0 obj\n%s\nendobj\n", num, body);
}

static void stream_obj(struct buf *b, unsigned num, const char *dict, const void *data, size_t n)
{
	b->off[num] = b->len;
	putf(b, "%u 0 obj\n<< %s /Length %zu >>\nstream\n", num, dict, n);
	put(b, data, n);
	putf(b, "\nendstream\nendobj\n");
}

static void start(struct buf *b)
{
	memset(b, 0, sizeof(*b));
	putf(b, "%%PDF-1.7\n%%\xb7\xbe\xad\xaa\n");
}

static void end(struct buf *b)
{
	size_t xref = b->len;
	putf(b, "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Root 1 0 R /Size 2 >>\n"
		"startxref\n%zu\n%%%%EOF\n", xref);
}

/* The objects of a kesu certificate, catalog to attachments (payload "{}"). */
static void kesu_objects(struct buf *b, bool tree_direct)
{
	obj(b, 1, "<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>");
	obj(b, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
	if (tree_direct) {
		obj(b, 3, "<< /EmbeddedFiles 4 0 R >>");
		obj(b, 4, "<< /Names [(kesu-payload.json) 5 0 R (kesu-payload.json.sig) 7 0 R] >>");
		obj(b, 5, "<< /Type /Filespec /F (kesu-payload.json) /EF << /F 6 0 R >> >>");
		obj(b, 7, "<< /Type /Filespec /F (kesu-payload.json.sig) /EF << /F 8 0 R >> >>");
	}
	stream_obj(b, 6, "/Type /EmbeddedFile", "{}", 2);
	stream_obj(b, 8, "/Type /EmbeddedFile", SIG_TEXT, strlen(SIG_TEXT));
}

/* 16 MiB of spaces, deflated (about 16 KB), a MiB at a time. */
static unsigned char *bomb_blob(size_t *n)
{
	static unsigned char chunk[1 << 20];
	size_t cap = 64 * 1024;
	unsigned char *out = malloc(cap);
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	cr_assert(out && deflateInit(&zs, 9) == Z_OK);
	memset(chunk, ' ', sizeof(chunk));
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	for (int i = 0; i < 16; i++) {
		zs.next_in = chunk;
		zs.avail_in = sizeof(chunk);
		cr_assert_eq(deflate(&zs, i == 15 ? Z_FINISH : Z_NO_FLUSH), i == 15 ? Z_STREAM_END : Z_OK);
		cr_assert_eq(zs.avail_in, 0);
	}
	*n = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads b, then checks the time and the process's peak RSS. */
static int read_measured(const struct buf *b, char *err, size_t errsize)
{
	char *payload = NULL, *sig = NULL;
	size_t payload_len, sig_len;
	double t0 = now();
	int rc = Kesu_pdf_read_memory((const unsigned char *)b->p, b->len, &payload, &payload_len, &sig,
				 &sig_len, err, errsize);
	double secs = now() - t0;
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	cr_log_info("%zu-byte file: %.3f s, peak RSS %ld KB", b->len, secs, ru.ru_maxrss);
	cr_expect_lt(secs, 1.0, "%.3f s", secs);
	cr_expect_lt(ru.ru_maxrss, 128L * 1024, "peak RSS %ld KB", ru.ru_maxrss);
	if (rc == 0) {
		cr_expect_str_eq(payload, "{}");
		cr_expect_str_eq(sig, SIG_TEXT);
	}
	free(payload);
	free(sig);
	return rc;
}

/* 200 object streams of 16 MiB each that nothing needs: the reader of old
 * decoded every one up front (3.2 GB). */
Test(pdf_read, unused_object_streams_are_never_decoded)
{
	struct buf b;
	size_t n;
	unsigned char *blob = bomb_blob(&n);
	start(&b);
	kesu_objects(&b, true);
	for (unsigned i = 0; i < 200; i++)
		stream_obj(&b, 100 + i, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", blob, n);
	end(&b);
	char err[256] = "";
	cr_assert_eq(read_measured(&b, err, sizeof(err)), 0, "%s", err);
	free(blob);
	free(b.p);
}

/* The objects the reader needs live in an object stream (as qpdf
 * --object-streams=generate writes them); a damaged one later in the file
 * hides nothing it needs. */
Test(pdf_read, objects_are_found_in_object_streams)
{
	static const char *const bodies[] = {
		"<< /EmbeddedFiles 4 0 R >>",
		"<< /Names [(kesu-payload.json) 5 0 R (kesu-payload.json.sig) 7 0 R] >>",
		"<< /Type /Filespec /F (kesu-payload.json) /EF << /F 6 0 R >> >>",
		"<< /Type /Filespec /F (kesu-payload.json.sig) /EF << /F 8 0 R >> >>",
	};
	static const unsigned nums[] = {3, 4, 5, 7};
	char table[128] = "", objects[1024] = "", data[2048];
	for (size_t i = 0, len = 0; i < 4; i++) {
		char pair[32];
		snprintf(pair, sizeof(pair), "%u %zu ", nums[i], len);
		strcat(table, pair);
		strcat(objects, bodies[i]);
		strcat(objects, " ");
		len = strlen(objects);
	}
	snprintf(data, sizeof(data), "%s%s", table, objects);
	char dict[128];
	snprintf(dict, sizeof(dict), "/Type /ObjStm /N 4 /First %zu", strlen(table));

	struct buf b;
	start(&b);
	kesu_objects(&b, false);
	stream_obj(&b, 20, dict, data, strlen(data));
	stream_obj(&b, 21, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", "garbage", 7);
	end(&b);
	char err[256] = "";
	cr_assert_eq(read_measured(&b, err, sizeof(err)), 0, "%s", err);
	free(b.p);
}

/* An object found nowhere makes the reader decode object streams until
 * the file's allowance is spent: an error naming the limit. */
Test(pdf_read, a_missing_object_ends_at_the_decoding_limit)
{
	struct buf b;
	size_t n;
	unsigned char *blob = bomb_blob(&n);
	start(&b);
	obj(&b, 1, "<< /Type /Catalog /Pages 2 0 R /Names 9999 0 R >>");
	obj(&b, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
	for (unsigned i = 0; i < 200; i++)
		stream_obj(&b, 100 + i, "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", blob, n);
	end(&b);
	char err[256] = "";
	cr_assert_eq(read_measured(&b, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "its streams decode to more than 16 MiB"), "%s", err);
	free(blob);
	free(b.p);
}

/* 4,000 referenced objects, each "defined" on a comment line and each
 * parsed through every later comment line to the end of the file: read
 * again for every object, the file is gigabytes of parsing. */
Test(pdf_read, overlapping_objects_end_at_the_parsing_limit)
{
	struct buf b;
	start(&b);
	obj(&b, 1, "<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>");
	obj(&b, 2, "<< /Type /Pages /Kids [] /Count 0 >>");
	obj(&b, 3, "<< /EmbeddedFiles 4 0 R >>");
	b.off[4] = b.len;
	putf(&b, "4 0 obj\n<< /Names [");
	for (unsigned i = 0; i < 4000; i++)
		putf(&b, "(a%u) %u 0 R ", i, 100 + i);
	putf(&b, "] >>\nendobj\n");
	for (unsigned i = 0; i < 4000; i++)
		putf(&b, "%% pad %u 0 obj\n", 100 + i);
	while (b.len < (4u << 20) - 200)
		putf(&b, "%% %078d\n", 0);
	putf(&b, "<< >>\n");
	end(&b);
	char err[256] = "";
	cr_assert_eq(read_measured(&b, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "too much to parse (more than 32 MiB)"), "%s", err);
	free(b.p);
}

Test(pdf_read, a_huge_length_is_out_of_range)
{
	struct buf b;
	start(&b);
	obj(&b, 1, "<< /Type /Catalog /Pages 2 0 R /Names 3 0 R >>");
	obj(&b, 3, "<< /EmbeddedFiles 4 0 R >>");
	obj(&b, 4, "<< /Names [(kesu-payload.json) 5 0 R (kesu-payload.json.sig) 7 0 R] >>");
	obj(&b, 5, "<< /Type /Filespec /F (kesu-payload.json) /EF << /F 6 0 R >> >>");
	obj(&b, 6, "<< /Type /EmbeddedFile /Length 1000000000000000 >>\nstream\n{}\nendstream");
	obj(&b, 7, "<< /Type /Filespec /F (kesu-payload.json.sig) /EF << /F 8 0 R >> >>");
	stream_obj(&b, 8, "/Type /EmbeddedFile", SIG_TEXT, strlen(SIG_TEXT));
	end(&b);
	char err[256] = "";
	cr_assert_eq(read_measured(&b, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "/Length is out of range"), "%s", err);
	free(b.p);
}

/* Approvals (kesu/approval.h, docs/approvals.md): a signed approval loads
 * back as it was written; every malformed, edited or untrusted one is
 * refused with its reason; media are found by serial, size and asset;
 * kesu_approval_check refuses each case in its order; media lists parse
 * from --media words and CSV files. */
#include <criterion/criterion.h>
#include <errno.h>
#include <ftw.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kesu/approval.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/trust.h"

#define NAME "承認 太郎"
#define DAY (24 * 60 * 60)

static char dir[64], secret[128], public[128], file[128];
static struct kesu_secret_key *sk;
static struct kesu_public_key pk;
static struct kesu_trust *trust;
static time_t now;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void setup(void)
{
	char err[KESU_ERRMSG_MAX] = "";
	strcpy(dir, "/tmp/kesu-test-approval.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(secret, sizeof(secret), "%s/approver.key", dir);
	snprintf(public, sizeof(public), "%s/approver.pub", dir);
	snprintf(file, sizeof(file), "%s/a.kesu-approval", dir);
	cr_assert_eq(kesu_key_generate(secret, public, NULL, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_key_load_secret(secret, NULL, &sk, err, sizeof(err)), 0, "%s", err);
	kesu_key_public_from_secret(sk, &pk);
	trust = kesu_trust_new();
	cr_assert_not_null(trust);
	now = time(NULL);
	cr_assert_eq(kesu_trust_add(trust, KESU_ROLE_APPROVER, NAME, &pk, now, err, sizeof(err)), 0,
		     "%s", err);
}

static void teardown(void)
{
	kesu_key_secret_free(sk);
	kesu_trust_free(trust);
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(approval, .init = setup, .fini = teardown);

static void local_date(time_t t, char out[11])
{
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Class II, disposal, two methods, purge or better, three media. */
static struct kesu_approval *draft(void)
{
	char err[KESU_ERRMSG_MAX] = "";
	struct kesu_approval *a = calloc(1, sizeof(*a));
	cr_assert_not_null(a);
	strcpy(a->classification, "II");
	strcpy(a->purpose, "disposal");
	strcpy(a->methods[0], "dod-3pass");
	strcpy(a->methods[1], "nvme-sanitize-crypto");
	a->n_methods = 2;
	a->min_level = KESU_NIST_CLEAR;
	strcpy(a->organisation, "高松市 情報政策課");
	strcpy(a->note, "リース返却分");
	local_date(now + 30 * DAY, a->valid_until);
	cr_assert_eq(kesu_approval_media_add(a, "SN-1:64MiB", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_approval_media_add(a, "SN-2", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_approval_media_add(a, "asset:PC-0042", err, sizeof(err)), 0, "%s", err);
	return a;
}

static void write_text(const char *text, size_t len)
{
	char err[KESU_ERRMSG_MAX] = "";
	cr_assert_eq(kesu_file_write_atomic(file, text, len, 0644, 0, err, sizeof(err)), 0, "%s", err);
}

/* Signs a draft into file; returns the whole text (caller frees). */
static char *sign_to_file(struct kesu_approval *a, size_t *len)
{
	char err[KESU_ERRMSG_MAX] = "", *text = NULL;
	int rc = kesu_approval_sign(a, NAME, sk, now, &text, len, err, sizeof(err));
	cr_assert_eq(rc, 0, "sign: %s", err);
	write_text(text, *len);
	return text;
}

static int load(const struct kesu_trust *t, struct kesu_approval **a, char *err, size_t size)
{
	err[0] = '\0';
	return kesu_approval_load(file, t, a, err, size);
}

Test(approval, round_trip)
{
	size_t len;
	struct kesu_approval *a = draft(), *b = NULL;
	char *text = sign_to_file(a, &len), err[KESU_ERRMSG_MAX];
	cr_assert_eq(load(trust, &b, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(b->number, a->number);
	cr_assert_eq(strlen(a->number), 19);
	cr_assert_eq(strncmp(a->number, "A-", 2), 0);
	cr_assert_str_eq(b->hash, a->hash);
	cr_assert_eq(strncmp(b->hash, "sha256:", 7), 0);
	cr_assert_eq(strlen(b->hash), 71);
	cr_assert_str_eq(b->approver_name, NAME);
	cr_assert_str_eq(b->classification, "II");
	cr_assert_str_eq(b->organisation, "高松市 情報政策課");
	cr_assert_eq(b->min_level, KESU_NIST_CLEAR);
	cr_assert_eq(b->n_methods, 2);
	cr_assert_eq(b->n_media, 3);
	cr_assert_str_eq(b->media[0].serial, "SN-1");
	cr_assert_eq(b->media[0].size, 64ULL << 20);
	cr_assert_str_eq(b->media[2].asset, "PC-0042");
	cr_assert_eq(b->media[2].entry, 3);
	/* the format: the payload line, a comment naming the number, base64 */
	char comment[64];
	snprintf(comment, sizeof(comment), "\nuntrusted comment: kesu approval %s\n", a->number);
	cr_assert_not_null(strstr(text, comment));
	cr_assert_eq(strncmp(text, "{\"approver\":{\"fingerprint\":\"ed25519:", 36), 0);
	/* without a trust store it reads, unverified */
	kesu_approval_free(b);
	cr_assert_eq(load(NULL, &b, err, sizeof(err)), 0, "%s", err);
	kesu_approval_free(b);
	kesu_approval_free(a);
	free(text);
}

Test(approval, edited_byte_is_refused)
{
	size_t len;
	struct kesu_approval *a = draft(), *b = NULL;
	char *text = sign_to_file(a, &len), err[KESU_ERRMSG_MAX];
	char *p = strstr(text, "\"SN-2\"");
	cr_assert_not_null(p);
	p[4] = '3'; /* SN-2 -> SN-3: still canonical, no longer what was signed */
	write_text(text, len);
	cr_assert_eq(load(trust, &b, err, sizeof(err)), -KESU_EVERIFY);
	cr_assert_null(b);
	cr_assert_not_null(strstr(err, file), "%s", err);
	cr_assert_not_null(strstr(err, "changed"), "%s", err);
	kesu_approval_free(a);
	free(text);
}

Test(approval, untrusted_key_is_refused)
{
	size_t len;
	struct kesu_approval *a = draft(), *b = NULL;
	char *text = sign_to_file(a, &len), err[KESU_ERRMSG_MAX];
	struct kesu_trust *empty = kesu_trust_new(), *witness = kesu_trust_new(),
			  *renamed = kesu_trust_new();
	cr_assert_eq(load(empty, &b, err, sizeof(err)), -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "not a trusted approver"), "%s", err);
	/* trusted, but as a witness */
	cr_assert_eq(kesu_trust_add(witness, KESU_ROLE_WITNESS, NAME, &pk, now, err, sizeof(err)), 0);
	cr_assert_eq(load(witness, &b, err, sizeof(err)), -KESU_EVERIFY);
	/* trusted under another name than the one the approval gives */
	cr_assert_eq(kesu_trust_add(renamed, KESU_ROLE_APPROVER, "Someone Else", &pk, now, err,
				    sizeof(err)), 0);
	cr_assert_eq(load(renamed, &b, err, sizeof(err)), -KESU_EVERIFY);
	cr_assert_not_null(strstr(err, "Someone Else"), "%s", err);
	cr_assert_null(b);
	kesu_trust_free(empty);
	kesu_trust_free(witness);
	kesu_trust_free(renamed);
	kesu_approval_free(a);
	free(text);
}

/* Replaces from with to in the signed payload, signs it again with the
 * trusted key and writes it: the parser, not the signature, must refuse. */
static void resign(const char *from, const char *to)
{
	size_t len;
	struct kesu_approval *a = draft();
	char *text = sign_to_file(a, &len), *sig = NULL;
	char *nl = strchr(text, '\n');
	*nl = '\0';
	char *at = strstr(text, from);
	cr_assert_not_null(at, "\"%s\" not in %s", from, text);
	size_t plen = strlen(text) - strlen(from) + strlen(to), slen;
	char *payload = malloc(plen + 1);
	snprintf(payload, plen + 1, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	cr_assert_eq(kesu_sign_detached(sk, payload, plen, "kesu approval", &sig, &slen), 0);
	char *out = malloc(plen + 1 + slen + 1);
	memcpy(out, payload, plen);
	out[plen] = '\n';
	memcpy(out + plen + 1, sig, slen);
	write_text(out, plen + 1 + slen);
	free(out), free(sig), free(payload), free(text);
	kesu_approval_free(a);
}

static void refused(const char *from, const char *to, const char *why)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_approval *b = NULL;
	resign(from, to);
	int rc = load(trust, &b, err, sizeof(err));
	cr_assert_eq(rc, -KESU_EPARSE, "%s -> %s: rc %d (%s)", from, to, rc, err);
	cr_assert_null(b);
	cr_assert_eq(strncmp(err, file, strlen(file)), 0, "%s", err);
	cr_assert_not_null(strstr(err, why), "%s -> %s: \"%s\" lacks \"%s\"", from, to, err, why);
}

Test(approval, malformed_fields_are_refused)
{
	refused("\"kesu_approval\":1,", "\"kesu_approval\":1,\"kz\":1,", "unknown member \"kz\"");
	refused("\"note\":\"リース返却分\",", "", "no member \"note\"");
	refused("\"kesu_approval\":1", "\"kesu_approval\":\"1\"", "kesu_approval");
	refused("\"kesu_approval\":1", "\"kesu_approval\":2", "kesu_approval");
	refused("\"classification\":\"II\"", "\"classification\":\"IV\"", "classification \"IV\"");
	refused("\"purpose\":\"disposal\"", "\"purpose\":\"sale\"", "purpose \"sale\"");
	refused("\"min_level\":\"clear\"", "\"min_level\":\"strong\"", "min_level");
	refused("\"min_level\":\"clear\"", "\"min_level\":1", "min_level");
	refused("\"classification\":\"II\"", "\"classification\":2", "classification");
	refused("\"methods\":[", "\"methods\":[\"Bad Id\",", "method id");
	refused("\"methods\":[", "\"methods\":[\"dod-3pass\",", "listed twice");
	refused("\"entry\":2", "\"entry\":5", "numbered 5");
	refused("\"serial\":\"SN-2\"", "\"serial\":\"SN-1\"", "listed twice");
	refused("\"serial\":\"SN-2\",\"size\":null", "\"serial\":\"SN-2\",\"size\":0", "positive");
	refused("\"asset\":\"PC-0042\"", "\"asset\":null", "neither a serial nor an asset");
	refused("\"name\":\"" NAME "\"}", "\"name\":\"" NAME "\",\"title\":\"x\"}",
		"unknown member \"title\"");
	refused("\"fingerprint\":\"ed25519:", "\"fingerprint\":\"rsa:", "not a key fingerprint");
	refused("\"number\":\"A-", "\"number\":\"B-", "number");
	refused("{\"approver\"", "{ \"approver\"", "canonical");
	refused("リース返却分", "\xff\xfe", "UTF-8");
	refused("リース返却分", "a\\u0007b", "control character");
	refused("\"size\":null}", "\"size\":null,\"x\":1}", "unknown member \"x\"");
}

Test(approval, bad_dates_are_refused)
{
	char vu[40], bad[40];
	struct kesu_approval *a = draft();
	snprintf(vu, sizeof(vu), "\"valid_until\":\"%s\"", a->valid_until);
	kesu_approval_free(a);
	refused(vu, "\"valid_until\":\"2031-02-30\"", "valid_until");
	refused(vu, "\"valid_until\":\"2031-2-3\"", "valid_until");
	refused(vu, "\"valid_until\":\"2001-01-01\"", "before the day of issue");
	snprintf(bad, sizeof(bad), "\"issued_utc\":\"20");
	refused(bad, "\"issued_utc\":\"x0", "malformed");
}

Test(approval, too_many_media_and_too_large)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_approval *b = NULL;
	/* 10001 media: more than KESU_APPROVAL_MEDIA_MAX */
	size_t cap = 64 * (KESU_APPROVAL_MEDIA_MAX + 2), o = 0;
	char *list = malloc(cap);
	for (int i = 1; i <= KESU_APPROVAL_MEDIA_MAX + 1; i++)
		o += (size_t)snprintf(list + o, cap - o,
				      "%s{\"asset\":null,\"entry\":%d,\"serial\":\"S%d\",\"size\":null}",
				      i > 1 ? "," : "", i, i);
	char *to = malloc(o + 16);
	snprintf(to, o + 16, "\"media\":[%s,", list);
	resign("\"media\":[", to); /* before the three the draft has */
	cr_assert_eq(load(trust, &b, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "\"media\" lists 10004 (1 to 10000)"), "%s", err);
	free(list), free(to);
	/* a file larger than KESU_APPROVAL_FILE_MAX */
	size_t big = KESU_APPROVAL_FILE_MAX + 1;
	char *blob = malloc(big);
	memset(blob, ' ', big);
	write_text(blob, big);
	free(blob);
	cr_assert_eq(load(trust, &b, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "larger than"), "%s", err);
	/* no signature, and a line after it */
	write_text("{}\n", 3);
	cr_assert_eq(load(trust, &b, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "signature"), "%s", err);
}

Test(approval, media_limit_on_input)
{
	char err[KESU_ERRMSG_MAX], word[32];
	struct kesu_approval *a = calloc(1, sizeof(*a));
	for (int i = 1; i <= KESU_APPROVAL_MEDIA_MAX; i++) {
		snprintf(word, sizeof(word), "S%d", i);
		cr_assert_eq(kesu_approval_media_add(a, word, err, sizeof(err)), 0, "%s", err);
	}
	cr_assert_eq(kesu_approval_media_add(a, "ONE-MORE", err, sizeof(err)), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "more than 10000"), "%s", err);
	kesu_approval_free(a);
}

Test(approval, sign_refuses_bad_input)
{
	char err[KESU_ERRMSG_MAX], *text = NULL;
	size_t len;
	struct kesu_approval *a = draft();
	local_date(now - 2 * DAY, a->valid_until);
	cr_assert_eq(kesu_approval_sign(a, NAME, sk, now, &text, &len, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "in the past"), "%s", err);
	local_date(now, a->valid_until); /* today is still valid */
	cr_assert_eq(kesu_approval_sign(a, NAME, sk, now, &text, &len, err, sizeof(err)), 0, "%s", err);
	free(text), text = NULL;
	strcpy(a->classification, "IV");
	cr_assert_eq(kesu_approval_sign(a, NAME, sk, now, &text, &len, err, sizeof(err)), -KESU_EPARSE);
	strcpy(a->classification, "I");
	cr_assert_eq(kesu_approval_sign(a, " padded", sk, now, &text, &len, err, sizeof(err)),
		     -KESU_EPARSE);
	strcpy(a->methods[1], "dod-3pass");
	cr_assert_eq(kesu_approval_sign(a, NAME, sk, now, &text, &len, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "twice"), "%s", err);
	cr_assert_null(text);
	kesu_approval_free(a);
}

Test(approval, media_words)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_approval *a = calloc(1, sizeof(*a));
	cr_assert_eq(kesu_approval_media_add(a, "D1:500G", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_approval_media_add(a, "D2:465GiB", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_approval_media_add(a, "D3:1.5T", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_approval_media_add(a, "D4:500107862016", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_approval_media_add(a, "D5:2TB", err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(a->media[0].size, 500000000000ULL);
	cr_assert_eq(a->media[1].size, 465ULL << 30);
	cr_assert_eq(a->media[2].size, 1500000000000ULL);
	cr_assert_eq(a->media[3].size, 500107862016ULL);
	cr_assert_eq(a->media[4].size, 2000000000000ULL);
	static const char *const bad[] = {"D6:0.5", "D6:12abc", "D6:", "D6:0", ":5G", "asset:",
					  "D6:99999999999999999999", "D6:1.2345678901T", "D 6 ",
					  "asset:PC 0001 with a very long name that goes well past the limit of sixty-four bytes",
					  NULL};
	for (size_t i = 0; bad[i]; i++) {
		cr_assert_eq(kesu_approval_media_add(a, bad[i], err, sizeof(err)), -KESU_EPARSE, "%s",
			     bad[i]);
		cr_assert_not_null(strstr(err, "medium \""), "%s", err);
	}
	cr_assert_eq(a->n_media, 5);
	kesu_approval_free(a);
}

Test(approval, find_by_serial_size_asset)
{
	struct kesu_approval *a = draft();
	cr_assert_eq(kesu_approval_find(a, "SN-1", 64ULL << 20, NULL), &a->media[0]);
	cr_assert_null(kesu_approval_find(a, "SN-1", 1000, NULL)); /* size differs */
	cr_assert_eq(kesu_approval_find(a, "SN-2", 12345, NULL), &a->media[1]); /* no size given */
	cr_assert_eq(kesu_approval_find(a, "OTHER", 1, "PC-0042"), &a->media[2]);
	cr_assert_null(kesu_approval_find(a, "OTHER", 1, "PC-0043"));
	cr_assert_null(kesu_approval_find(a, "sn-2", 1, NULL)); /* exact bytes */
	cr_assert_null(kesu_approval_find(a, "", 0, ""));
	kesu_approval_free(a);
}

Test(approval, check_refusals_in_order)
{
	size_t len;
	char err[KESU_ERRMSG_MAX], *text;
	struct kesu_approval *a = draft();
	text = sign_to_file(a, &len);
	struct kesu_method dod = {.id = "dod-3pass"}, zero = {.id = "nist-clear"};
	struct kesu_disposal_job job = {.serial = "SN-1", .size = 64ULL << 20,
					.classification = "II", .purpose = "disposal",
					.method = &dod, .level = KESU_NIST_CLEAR};
	const struct kesu_approval_medium *e = NULL;
	cr_assert_eq(kesu_approval_check(a, &job, now, &e, err, sizeof(err)), KESU_APPROVAL_OK);
	cr_assert_eq(e, &a->media[0]);
	/* the last day is still valid; the day after is not */
	cr_assert_eq(kesu_approval_check(a, &job, now + 30 * DAY, &e, err, sizeof(err)),
		     KESU_APPROVAL_OK);
	cr_assert_eq(kesu_approval_check(a, &job, now + 31 * DAY + 3600, &e, err, sizeof(err)),
		     KESU_APPROVAL_EXPIRED);
	cr_assert_not_null(strstr(err, "expired"), "%s", err);
	job.size = 999; /* expiry comes before the medium */
	cr_assert_eq(kesu_approval_check(a, &job, now, &e, err, sizeof(err)), KESU_APPROVAL_NOT_LISTED);
	cr_assert_not_null(strstr(err, "entry 1 says 67108864 bytes"), "%s", err);
	cr_assert_null(e);
	job.size = 64ULL << 20;
	job.classification = "I";
	cr_assert_eq(kesu_approval_check(a, &job, now, &e, err, sizeof(err)), KESU_APPROVAL_CLASS);
	job.purpose = "reuse"; /* class comes before purpose */
	cr_assert_eq(kesu_approval_check(a, &job, now, &e, err, sizeof(err)), KESU_APPROVAL_CLASS);
	job.classification = "II";
	cr_assert_eq(kesu_approval_check(a, &job, now, &e, err, sizeof(err)), KESU_APPROVAL_PURPOSE);
	job.purpose = "disposal";
	job.method = &zero;
	cr_assert_eq(kesu_approval_check(a, &job, now, &e, err, sizeof(err)), KESU_APPROVAL_METHOD);
	cr_assert_not_null(strstr(err, "dod-3pass, nvme-sanitize-crypto, not nist-clear"), "%s", err);
	job.method = &dod;
	a->min_level = KESU_NIST_PURGE;
	cr_assert_eq(kesu_approval_check(a, &job, now, &e, err, sizeof(err)), KESU_APPROVAL_LEVEL);
	cr_assert_not_null(strstr(err, "purge"), "%s", err);
	job.level = KESU_NIST_PURGE;
	job.serial = "NONE";
	job.asset = "PC-0042";
	cr_assert_eq(kesu_approval_check(a, &job, now, &e, err, sizeof(err)), KESU_APPROVAL_OK);
	cr_assert_eq(e->entry, 3);
	char *rec = kesu_approval_record_json(a, e), want[256];
	snprintf(want, sizeof(want), "\"entry\":3,\"hash\":\"%s\",\"number\":\"%s\"}", a->hash,
		 a->number);
	cr_assert_not_null(strstr(rec, want), "%s", rec);
	cr_assert_eq(strncmp(rec, "{\"approver\":{\"fingerprint\":\"ed25519:", 36), 0, "%s", rec);
	free(rec);
	free(text);
	kesu_approval_free(a);
}

/* ---- CSV ---- */

static int csv(const char *content, struct kesu_approval **out, char *err, size_t size)
{
	char path[160], e[KESU_ERRMSG_MAX];
	snprintf(path, sizeof(path), "%s/media.csv", dir);
	cr_assert_eq(kesu_file_write_atomic(path, content, strlen(content), 0644, 0, e, sizeof(e)), 0);
	*out = calloc(1, sizeof(**out));
	err[0] = '\0';
	return kesu_approval_media_csv(*out, path, err, size);
}

Test(approval, csv_lists)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_approval *a;
	int rc = csv("\xef\xbb\xbfSerial,Size,Asset,Description\r\n"
		     "S1,500G,PC-1,\"Desk PC, 3rd floor\"\r\n"
		     "\"S,2\",,PC-2,\"He said \"\"erase\"\"\"\r\n"
		     " S3 , 64MiB ,,\r\n"
		     "\r\n"
		     ",,PC-4,only an asset\r\n",
		     &a, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s", err);
	cr_assert_eq(a->n_media, 4);
	cr_assert_str_eq(a->media[0].serial, "S1");
	cr_assert_eq(a->media[0].size, 500000000000ULL);
	cr_assert_str_eq(a->media[1].serial, "S,2");
	cr_assert_str_eq(a->media[2].serial, "S3");
	cr_assert_eq(a->media[2].size, 64ULL << 20);
	cr_assert_str_eq(a->media[3].asset, "PC-4");
	cr_assert_eq(a->media[3].entry, 4);
	kesu_approval_free(a);
}

static void csv_refused(const char *content, const char *where, const char *why)
{
	char err[KESU_ERRMSG_MAX], want[200];
	struct kesu_approval *a;
	cr_assert_eq(csv(content, &a, err, sizeof(err)), -KESU_EPARSE, "%s", content);
	snprintf(want, sizeof(want), "%s/media.csv%s%s: ", dir, where[0] ? ":" : "", where);
	cr_assert_eq(strncmp(err, want, strlen(want)), 0, "\"%s\" does not start \"%s\"", err, want);
	cr_assert_not_null(strstr(err, why), "\"%s\" lacks \"%s\"", err, why);
	kesu_approval_free(a);
}

Test(approval, csv_errors_name_file_and_line)
{
	csv_refused("serial,size\nS1,1G\nS2\n", "3", "has 1 values; the header row names 2");
	csv_refused("serial,asset\nS1,A1\nS2,A2\nS1,A3\n", "4", "serial \"S1\" is already on line 2");
	csv_refused("serial,asset\r\nS1,A1\r\nS2,A1\r\n", "3", "asset number \"A1\" is already on line 2");
	csv_refused("serial,colour\nS1,red\n", "1", "column \"colour\"");
	csv_refused("size,description\n1G,x\n", "1", "neither a serial nor an asset");
	csv_refused("serial,serial\n", "1", "named twice");
	csv_refused("serial\n\"S1\n", "2", "not closed");
	csv_refused("serial\nS\"1\n", "2", "quote inside");
	csv_refused("serial,size\nS1,12abc\n", "2", "size \"12abc\"");
	csv_refused("serial,asset\n,\n", "2", "needs a serial or an asset");
	csv_refused("serial\nS1\nS\xff\n", "3", "UTF-8");
	csv_refused("serial\n", "", "no media");
	csv_refused("", "", "no header row");
}

Test(approval, csv_after_media_words)
{
	char err[KESU_ERRMSG_MAX], path[160];
	struct kesu_approval *a = calloc(1, sizeof(*a));
	cr_assert_eq(kesu_approval_media_add(a, "S1", err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/m.csv", dir);
	cr_assert_eq(kesu_file_write_atomic(path, "serial\nS2\nS1\n", 13, 0644, 0, err, sizeof(err)), 0);
	cr_assert_eq(kesu_approval_media_csv(a, path, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "m.csv:3: serial \"S1\" is already given as entry 1"), "%s", err);
	cr_assert_eq(kesu_approval_media_csv(a, "/nonexistent/m.csv", err, sizeof(err)), -ENOENT);
	kesu_approval_free(a);
}

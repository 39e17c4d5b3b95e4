/* The one-pass canonical check (canonical_scan.c) against the reference,
 * which parses the text and writes it again (Kesu_json_parse_canonical):
 * both must decide alike on canonical records and on every mutation of
 * them, since the ledger's verification trusts the fast one. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"

static bool reference(const char *text, size_t len)
{
	struct json_object *doc = Kesu_json_parse_canonical(text, len);
	json_object_put(doc);
	return doc != NULL;
}

static bool fast(const char *text, size_t len)
{
	return Kesu_json_canonical_scan(text, len, NULL, NULL, NULL);
}

/* A record-like document with every kind of value and string kesu writes. */
static char *sample(size_t *len)
{
	const char *src =
		"{\"job_id\":\"0123456789abcdef0123456789abcdef\",\"kesu_record\":1,"
		"\"media\":{\"serial\":\"S\\\"1\\\\x\",\"size_bytes\":9223372036854775807,\"model\":null},"
		"\"operator\":{\"name\":\"山田 太郎\",\"title\":\"tab\\there\"},\"outcome\":\"SUCCESS\","
		"\"sanitization\":{\"passes\":[{\"bytes\":-9223372036854775807,\"ok\":true},"
		"{\"bytes\":0,\"ok\":false,\"profile\":[[0,1],[4096,-2]]}],\"empty\":[],\"none\":{}},"
		"\"ctl\":\"a\\u0001\\u001fb\",\"nul\":\"x\\u0000y\",\"del\":\"\x7f\",\"\":\"empty key\"}";
	struct json_object *doc = json_tokener_parse(src);
	cr_assert_not_null(doc);
	char *text = Kesu_json_canonical(doc, len);
	json_object_put(doc);
	cr_assert_not_null(text);
	return text;
}

static const char *const hand[] = {
	"{}", "[]", "0", "-1", "\"\"", "true", "null", "{\"a\":1,\"b\":2}", "[1,[2,[3]]]",
	"{\"a\\u0000\":1}", "{\"b\":1,\"a\":2}", "{\"a\":1,\"a\":1}", "{ }", "[1 ]", "01", "-0",
	"1.0", "1e3", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
	"\"\\u0020\"", "\"\\u001F\"", "\"\\/\"", "\"\\n\"", "\"\t\"", "\"\xff\"", "\"\xe3\x81\"",
	"'a'", "[1,]", "[0]", "[-1]", "[true,false,null]", "[-9223372036854775808]",
	"[-9223372036854775809]", "[9223372036854775807]", "[01]", "[-0]", "[1.5]", "{\"a\":[]}", "{\"a\":}", "nul", "tru", "[", "\"", "{\"a\":1}x", "NaN", "+1",
};

Test(canonical_scan, agrees_with_the_reference_on_hand_cases)
{
	for (size_t i = 0; i < sizeof(hand) / sizeof(hand[0]); i++)
		cr_expect_eq(fast(hand[i], strlen(hand[i])), reference(hand[i], strlen(hand[i])),
			     "\"%s\": scan %d, reference %d", hand[i], fast(hand[i], strlen(hand[i])),
			     reference(hand[i], strlen(hand[i])));
}

Test(canonical_scan, finds_the_top_level_member_only)
{
	const char *t = "{\"a\":{\"job_id\":\"inner\"},\"job_id\":\"outer\",\"z\":[\"job_id\"]}";
	const char *v;
	size_t n;
	cr_assert(Kesu_json_canonical_scan(t, strlen(t), "job_id", &v, &n));
	cr_assert_eq(n, 5);
	cr_assert_eq(memcmp(v, "outer", 5), 0);
}

static const char pieces[] = "\\\"u0019aAfF{}[],: -.e+\x7f\xe3\x81\x82\xff\x01\t";

/* Mutations: a byte replaced, inserted, deleted, or a span repeated. */
static size_t mutate(const char *in, size_t len, char *out, unsigned *seed)
{
	size_t at = (size_t)rand_r(seed) % len, n = len;
	memcpy(out, in, len);
	char c = pieces[(size_t)rand_r(seed) % (sizeof(pieces) - 1)];
	switch (rand_r(seed) % 4) {
	case 0:
		out[at] = c;
		break;
	case 1:
		memmove(out + at + 1, out + at, len - at);
		out[at] = c;
		n++;
		break;
	case 2:
		memmove(out + at, out + at + 1, len - at - 1);
		n--;
		break;
	default: {
		size_t span = 1 + (size_t)rand_r(seed) % 12;
		if (at + span > len)
			span = len - at;
		memmove(out + at + span, out + at, len - at);
		n += span;
	}
	}
	return n;
}

Test(canonical_scan, agrees_with_the_reference_on_mutated_records)
{
	size_t len;
	char *text = sample(&len);
	cr_assert(fast(text, len) && reference(text, len));
	char *buf = malloc(len * 4), *next = malloc(len * 4);
	unsigned seed = 1;
	size_t agreed_canonical = 0;
	for (int round = 0; round < 20000; round++) {
		/* One to three mutations of the record. */
		size_t n = len;
		memcpy(buf, text, len);
		for (int k = 0, times = 1 + rand_r(&seed) % 3; k < times && n > 1 && n < len * 3; k++) {
			n = mutate(buf, n, next, &seed);
			memcpy(buf, next, n);
		}
		bool f = fast(buf, n), r = reference(buf, n);
		cr_assert_eq(f, r, "round %d: scan %d, reference %d on: %.*s", round, f, r, (int)n, buf);
		agreed_canonical += f;
	}
	/* Some mutations stay canonical (a digit changed): both must accept. */
	cr_expect_gt(agreed_canonical, 0);
	free(buf);
	free(next);
	free(text);
}

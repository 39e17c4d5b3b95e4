/* Checking that a text is canonical JSON in one pass, without building
 * it: what Kesu_json_parse_canonical decides by parsing and writing the
 * document again, for the ledger's verification, which checks every
 * record (100,000 in a large register) and spent half its time there.
 *
 * The canonical form is the one Kesu_json_canonical writes: no white
 * space; object keys strictly increasing by their bytes (so no key
 * twice); integers only, as %lld writes an int64 ("-0", "01", "1.0",
 * "1e3" and anything past int64 are not); strings valid UTF-8 with '"'
 * and '\' escaped as \" and \\, bytes below 0x20 as \u00xx (lower-case
 * hex), and nothing else escaped; true, false, null. tests/unit/
 * test_canonical_scan.c checks both functions agree on mutated records. */
#include <string.h>

#include "canonical_json.h"
#include "utf8.h"

#define DEPTH_MAX 32 /* json-c's default nesting limit: deeper never parsed */
#define KEY_MAX 1024 /* bytes of a key compared; longer ones are refused */

struct scan {
	const char *p, *end;
	int depth;
	const char *member;       /* a top-level member whose string is wanted */
	const char *value;        /* its raw text, when plain (no escapes) */
	size_t value_len;
};

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A string at s->p ('"'); its decoded bytes go to out (when not NULL, up
 * to size, *len the full length). false when it is not canonical. */
static bool scan_string(struct scan *s, char *out, size_t size, size_t *len, bool key)
{
	const char *p = s->p + 1, *span = p;
	size_t n = 0;
	for (;;) {
		if (p >= s->end)
			return false;
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\') {
			if (!kesu_utf8_valid(span, (size_t)(p - span)))
				return false;
			if (out)
				for (const char *q = span; q < p; q++, n++)
					if (n < size)
						out[n] = *q;
			if (!out)
				n += (size_t)(p - span);
		}
		if (c == '"')
			break;
		if (c < 0x20)
			return false;
		if (c != '\\') {
			p++;
			continue;
		}
		char decoded;
		if (p + 1 < s->end && (p[1] == '"' || p[1] == '\\')) {
			decoded = p[1];
			p += 2;
		} else if (p + 5 < s->end && p[1] == 'u' && p[2] == '0' && p[3] == '0' &&
			   hexval(p[4]) >= 0 && hexval(p[4]) <= 1 && hexval(p[5]) >= 0) {
			decoded = (char)(hexval(p[4]) * 16 + hexval(p[5]));
			if (key && decoded == 0)
				return false; /* a key is a C string: json-c would cut it */
			p += 6;
		} else {
			return false;
		}
		if (out && n < size)
			out[n] = decoded;
		n++;
		span = p;
	}
	s->p = p + 1;
	*len = n;
	return true;
}

static bool scan_integer(struct scan *s)
{
	static const char max_pos[] = "9223372036854775807", max_neg[] = "9223372036854775808";
	const char *p = s->p;
	bool negative = *p == '-';
	if (negative)
		p++;
	const char *digits = p;
	while (p < s->end && *p >= '0' && *p <= '9')
		p++;
	size_t n = (size_t)(p - digits);
	if (n == 0 || (digits[0] == '0' && (n > 1 || negative)))
		return false;
	if (p < s->end && (*p == '.' || *p == 'e' || *p == 'E'))
		return false;
	const char *max = negative ? max_neg : max_pos;
	if (n > 19 || (n == 19 && memcmp(digits, max, 19) > 0))
		return false;
	s->p = p;
	return true;
}

static bool scan_value(struct scan *s);

static bool literal(struct scan *s, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0)
		return false;
	s->p += n;
	return true;
}

/* Key order is strcmp's on the decoded bytes. Keys longer than KEY_MAX
 * bytes (no record has one) are refused when they share that prefix. */
static int key_order(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t common = alen < blen ? alen : blen;
	if (common > KEY_MAX)
		common = KEY_MAX;
	int c = memcmp(a, b, common);
	if (c || (alen <= KEY_MAX && blen <= KEY_MAX))
		return c ? c : (alen > blen) - (alen < blen);
	return 0; /* undecidable here: treated as not increasing */
}

static bool scan_object(struct scan *s)
{
	char prev[KEY_MAX], key[KEY_MAX];
	size_t prev_len = 0, key_len;
	bool first = true;
	s->p++;
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return true;
	}
	for (;;) {
		if (s->p >= s->end || *s->p != '"' || !scan_string(s, key, sizeof(key), &key_len, true))
			return false;
		if (!first && key_order(prev, prev_len, key, key_len) >= 0)
			return false;
		memcpy(prev, key, key_len < KEY_MAX ? key_len : KEY_MAX);
		prev_len = key_len;
		first = false;
		if (s->p >= s->end || *s->p++ != ':')
			return false;
		const char *start = s->p;
		if (!scan_value(s))
			return false;
		if (s->depth == 1 && s->member && key_len == strlen(s->member) &&
		    !memcmp(key, s->member, key_len) && *start == '"' &&
		    !memchr(start, '\\', (size_t)(s->p - start))) {
			s->value = start + 1;
			s->value_len = (size_t)(s->p - start) - 2;
		}
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == '}') {
			s->p++;
			return true;
		}
		return false;
	}
}

static bool scan_array(struct scan *s)
{
	s->p++;
	if (s->p < s->end && *s->p == ']') {
		s->p++;
		return true;
	}
	for (;;) {
		if (!scan_value(s))
			return false;
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		if (s->p < s->end && *s->p == ']') {
			s->p++;
			return true;
		}
		return false;
	}
}

static bool scan_value(struct scan *s)
{
	if (s->p >= s->end)
		return false;
	size_t len;
	bool ok;
	switch (*s->p) {
	case '{':
	case '[':
		if (++s->depth > DEPTH_MAX)
			return false;
		ok = *s->p == '{' ? scan_object(s) : scan_array(s);
		s->depth--;
		return ok;
	case '"':
		return scan_string(s, NULL, 0, &len, false);
	case 't':
		return literal(s, "true");
	case 'f':
		return literal(s, "false");
	case 'n':
		return literal(s, "null");
	default:
		return scan_integer(s);
	}
}

bool Kesu_json_canonical_scan(const char *text, size_t len, const char *member,
			      const char **value, size_t *value_len)
{
	struct scan s = {.p = text, .end = text + len, .member = member};
	/* A bare number or literal is never a whole document to json-c (its
	 * tokener waits for what follows), so the reference refuses it too. */
	bool canonical = len && memchr("{[\"", *text, 3) && scan_value(&s) && s.p == s.end;
	if (value) {
		*value = canonical ? s.value : NULL;
		*value_len = canonical ? s.value_len : 0;
	}
	return canonical;
}

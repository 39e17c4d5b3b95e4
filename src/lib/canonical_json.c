#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "canonical_json.h"
#include "utf8.h"

struct out {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 256;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *grown = realloc(o->buf, cap);
		if (!grown) {
			o->failed = true;
			return;
		}
		o->buf = grown;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

/* Only valid UTF-8 is ever signed: a string that is not fails the whole
 * document, whatever field it came from. */
static void put_string(struct out *o, const char *s, size_t n)
{
	if (!kesu_utf8_valid(s, n)) {
		o->failed = true;
		return;
	}
	put(o, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			put(o, esc, 2);
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
			put(o, esc, 6);
		} else {
			put(o, (const char *)&s[i], 1);
		}
	}
	put(o, "\"", 1);
}

static int compare_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void put_value(struct out *o, struct json_object *v)
{
	char num[32];
	switch (json_object_get_type(v)) {
	case json_type_null:
		put(o, "null", 4);
		break;
	case json_type_boolean:
		json_object_get_boolean(v) ? put(o, "true", 4) : put(o, "false", 5);
		break;
	case json_type_int:
		snprintf(num, sizeof(num), "%lld", (long long)json_object_get_int64(v));
		put(o, num, strlen(num));
		break;
	case json_type_double:
		o->failed = true; /* no canonical form */
		break;
	case json_type_string:
		put_string(o, json_object_get_string(v), (size_t)json_object_get_string_len(v));
		break;
	case json_type_array: {
		put(o, "[", 1);
		size_t n = json_object_array_length(v);
		for (size_t i = 0; i < n; i++) {
			if (i)
				put(o, ",", 1);
			put_value(o, json_object_array_get_idx(v, i));
		}
		put(o, "]", 1);
		break;
	}
	case json_type_object: {
		size_t n = (size_t)json_object_object_length(v), i = 0;
		const char **keys = malloc((n ? n : 1) * sizeof(*keys));
		if (!keys) {
			o->failed = true;
			return;
		}
		json_object_object_foreach(v, key, val)
		{
			(void)val;
			keys[i++] = key;
		}
		qsort(keys, n, sizeof(*keys), compare_keys);
		put(o, "{", 1);
		for (i = 0; i < n; i++) {
			if (i)
				put(o, ",", 1);
			put_string(o, keys[i], strlen(keys[i]));
			put(o, ":", 1);
			put_value(o, json_object_object_get(v, keys[i]));
		}
		put(o, "}", 1);
		free(keys);
		break;
	}
	}
}

char *Kesu_json_canonical(struct json_object *doc, size_t *len)
{
	struct out o = {0};
	put_value(&o, doc);
	if (o.failed || !o.buf) {
		free(o.buf);
		errno = EINVAL;
		return NULL;
	}
	if (len)
		*len = o.len;
	return o.buf;
}

struct json_object *Kesu_json_parse_canonical(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	if (!tok)
		return NULL;
	struct json_object *doc = json_tokener_parse_ex(tok, text, (int)len);
	bool whole = doc && json_tokener_get_error(tok) == json_tokener_success &&
		     (size_t)json_tokener_get_parse_end(tok) == len;
	json_tokener_free(tok);
	bool same = false;
	if (whole) {
		size_t clen;
		char *again = Kesu_json_canonical(doc, &clen);
		same = again && clen == len && memcmp(again, text, len) == 0;
		free(again);
	}
	if (!same) {
		json_object_put(doc);
		return NULL;
	}
	return doc;
}

bool Kesu_json_is_canonical(const char *text, size_t len)
{
	struct json_object *doc = Kesu_json_parse_canonical(text, len);
	bool canonical = doc != NULL;
	json_object_put(doc);
	return canonical;
}

struct json_object *Kesu_json_hex(const uint8_t *bytes, size_t len)
{
	char text[2 * 64 + 1];
	if (len > 64)
		return NULL;
	sodium_bin2hex(text, sizeof(text), bytes, len);
	return json_object_new_string(text);
}

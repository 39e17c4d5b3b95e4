/* libFuzzer target for the method file parser (tests/fuzz/run.sh builds
 * and runs it). Besides "no crash, no sanitizer report" it checks what the
 * parser promises: errors are "NAME:LINE: reason", accepted files respect
 * every limit, and a pass printed with kesu_pass_format reads back as the
 * same pass. A broken promise traps, which libFuzzer reports as a crash. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "kesu/error.h"
#include "kesu/method.h"

/* method_registry.c wants the embedded table; the fuzzer needs none. */
const struct kesu_embedded_file Kesu_embedded_methods[] = {{NULL, NULL, 0}};

#include "fuzz_check.h"

/* "<id>.method" from the input's first id line, so that inputs get past
 * the file name check; "fuzz.method" when there is none. */
static void name_from_id(const uint8_t *data, size_t size, char *name, size_t namesize)
{
	snprintf(name, namesize, "fuzz.method");
	for (size_t i = 0; i + 3 < size; i++) {
		if ((i == 0 || data[i - 1] == '\n') && data[i] == 'i' && data[i + 1] == 'd' &&
		    (data[i + 2] == ' ' || data[i + 2] == '\t')) {
			size_t start = i + 3;
			while (start < size && (data[start] == ' ' || data[start] == '\t'))
				start++;
			size_t end = start;
			while (end < size && end - start < 40 && data[end] != '\n' && data[end] != '\r' &&
			       data[end] != ' ' && data[end] != '\t' && data[end] != '\0')
				end++;
			snprintf(name, namesize, "%.*s.method", (int)(end - start),
				 (const char *)data + start);
			return;
		}
	}
}

static void check_accepted(const struct kesu_method *m, const char *name)
{
	CHECK(m->id[0] && strlen(m->id) <= KESU_METHOD_ID_MAX);
	CHECK(m->version >= 1);
	if (m->technique == KESU_TECHNIQUE_FIRMWARE) {
		/* One firmware step, a known command, a leaves value. */
		CHECK(m->nist == KESU_NIST_CLEAR || m->nist == KESU_NIST_PURGE);
		CHECK(m->firmware > KESU_FW_NONE && m->firmware < KESU_FW_COUNT);
		CHECK(kesu_firmware_command_parse(kesu_firmware_command_name(m->firmware)) == m->firmware);
		CHECK(m->leaves == KESU_LEAVES_CHANGED || m->leaves == KESU_LEAVES_ZERO);
		CHECK(m->npasses == 1 && m->passes[0].type == KESU_PASS_FIRMWARE);
		CHECK(m->nrandom_bytes == 0);
		return;
	}
	CHECK(m->technique == KESU_TECHNIQUE_OVERWRITE && m->firmware == KESU_FW_NONE);
	CHECK(m->nist == KESU_NIST_CLEAR);
	CHECK(m->verify == KESU_VERIFY_NONE || m->verify == KESU_VERIFY_LAST ||
	      m->verify == KESU_VERIFY_ALL);
	CHECK(m->npasses >= 1 && m->npasses <= KESU_METHOD_PASSES_MAX);
	CHECK(m->nnotes <= KESU_METHOD_NOTES_MAX);
	CHECK(m->nrandom_bytes <= KESU_METHOD_RANDOM_MAX);
	CHECK(strlen(m->title_en) <= KESU_METHOD_TEXT_MAX && strlen(m->source) <= KESU_METHOD_TEXT_MAX);

	/* Every pass printed as a one-pass file reads back identically. */
	static struct kesu_method back;
	char text[KESU_PASS_TEXT_MAX], file[2048], err[512];
	unsigned seen_random = 0;
	for (unsigned i = 0; i < m->npasses; i++) {
		const struct kesu_pass *p = &m->passes[i];
		kesu_pass_describe(p, text, sizeof(text));
		CHECK(text[0]);
		int used = snprintf(file, sizeof(file),
				    "id %s\nversion 1\ntitle.en t\ntitle.ja t\nstandard s\n"
				    "source s\nnist clear\nverify none\n", m->id);
		unsigned refs = 0;
		if (p->type == KESU_PASS_RANDOM_BYTE || p->type == KESU_PASS_COMPLEMENT) {
			CHECK(p->random_byte >= 1 && p->random_byte <= m->nrandom_bytes);
			if (p->type == KESU_PASS_COMPLEMENT)
				CHECK(p->random_byte <= seen_random);
			else if (p->random_byte > seen_random)
				CHECK(p->random_byte == ++seen_random);
			for (refs = 0; refs < p->random_byte; refs++)
				used += snprintf(file + used, sizeof(file) - (size_t)used, "pass R%u\n",
						 refs + 1);
		} else if (p->type == KESU_PASS_BYTE) {
			CHECK(p->len == 1);
		} else if (p->type == KESU_PASS_PATTERN) {
			CHECK(p->len >= 2 && p->len <= KESU_PATTERN_MAX);
		} else {
			CHECK(p->type == KESU_PASS_RANDOM_STREAM && p->len == 0);
		}
		snprintf(file + used, sizeof(file) - (size_t)used, "pass %s\n",
			 kesu_pass_format(p, text, sizeof(text)));
		CHECK(kesu_method_parse(file, strlen(file), name, &back, err, sizeof(err)) == 0);
		CHECK(back.npasses == refs + 1);
		CHECK(memcmp(&back.passes[refs], p, sizeof(*p)) == 0);
	}
#ifdef KESU_FUZZ_SELFTEST
	/* A planted bug, to prove that run.sh reports crashes. */
	CHECK(m->npasses < 3);
#endif
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kesu_method m;
	char name[64], err[512];
	name_from_id(data, size, name, sizeof(name));
	int rc = kesu_method_parse((const char *)data, size, name, &m, err, sizeof(err));
	if (rc == 0) {
		check_accepted(&m, name);
		/* The same text twice in one set: the second is a duplicate id. */
		struct kesu_method_set *set;
		if (kesu_method_set_new(&set) == 0) {
			CHECK(kesu_method_set_add(set, (const char *)data, size, name, false, err,
						  sizeof(err)) == 0);
			CHECK(kesu_method_set_add(set, (const char *)data, size, name, false, err,
						  sizeof(err)) == -KESU_EPARSE);
			CHECK(kesu_method_set_find(set, m.id) != NULL);
			kesu_method_set_free(set);
		}
		return 0;
	}
	CHECK(rc == -KESU_EPARSE);
	/* "NAME:LINE: reason" */
	size_t nlen = strlen(name);
	CHECK(strncmp(err, name, nlen) == 0 && err[nlen] == ':');
	char *end;
	unsigned long line = strtoul(err + nlen + 1, &end, 10);
	CHECK(line >= 1 && end[0] == ':' && end[1] == ' ' && end[2]);
	/* A short buffer is cut, never overrun. */
	char small[9];
	memset(small, 'Z', sizeof(small));
	size_t cut = size ? 1 + data[0] % 8 : 1;
	kesu_method_parse((const char *)data, size, name, &m, small, cut);
	CHECK(strlen(small) < cut && (cut == sizeof(small) || small[cut] == 'Z'));
	return 0;
}

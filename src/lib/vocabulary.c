/* The class and purpose vocabulary (kesu/vocabulary.h): one table, so the
 * checks, the filters, the certificate and the text UI cannot drift. */
#include <stdio.h>
#include <string.h>

#include "kesu/vocabulary.h"

static const struct kesu_term classes[] = {
	{"I", "Class I", "Ⅰ"},
	{"II", "Class II", "Ⅱ"},
	{"III", "Class III", "Ⅲ"},
};

static const struct kesu_term purposes[] = {
	{"disposal", "disposal", "廃棄"},
	{"lease-return", "lease return", "リース返却"},
	{"repair", "repair", "修理"},
	{"reuse", "reuse", "再利用"},
};

static const char *const class_ids[] = {"I", "II", "III", NULL};
static const char *const purpose_ids[] = {"disposal", "lease-return", "repair", "reuse", NULL};

static const struct {
	const struct kesu_term *terms;
	size_t count;
	const char *const *ids;
} vocabs[] = {
	[KESU_VOCAB_CLASS] = {classes, sizeof(classes) / sizeof(classes[0]), class_ids},
	[KESU_VOCAB_PURPOSE] = {purposes, sizeof(purposes) / sizeof(purposes[0]), purpose_ids},
};

#define NVOCABS (sizeof(vocabs) / sizeof(vocabs[0]))

size_t kesu_vocab_count(enum kesu_vocab v)
{
	return (size_t)v < NVOCABS ? vocabs[v].count : 0;
}

const struct kesu_term *kesu_vocab_at(enum kesu_vocab v, size_t i)
{
	return i < kesu_vocab_count(v) ? &vocabs[v].terms[i] : NULL;
}

const struct kesu_term *kesu_vocab_find(enum kesu_vocab v, const char *id)
{
	for (size_t i = 0; id && i < kesu_vocab_count(v); i++)
		if (strcmp(vocabs[v].terms[i].id, id) == 0)
			return &vocabs[v].terms[i];
	return NULL;
}

const char *const *kesu_vocab_ids(enum kesu_vocab v)
{
	static const char *const none[] = {NULL};
	return (size_t)v < NVOCABS ? vocabs[v].ids : none;
}

const char *kesu_vocab_list(enum kesu_vocab v, char *buf, size_t size)
{
	size_t n = 0, count = kesu_vocab_count(v);
	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < count && n < size; i++) {
		const char *sep = i == 0 ? "" : i + 1 < count ? ", " : " or ";
		int w = snprintf(buf + n, size - n, "%s%s", sep, vocabs[v].terms[i].id);
		if (w < 0 || (size_t)w >= size - n) {
			buf[n] = '\0'; /* whole words only */
			break;
		}
		n += (size_t)w;
	}
	return buf;
}

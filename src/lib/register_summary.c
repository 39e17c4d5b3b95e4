/* The register's summary: counts per dimension split by outcome, and the
 * jobs of every week of the period for the chart (kesu/register.h). Every
 * detail row counts once in each dimension. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/vocabulary.h"
#include "register_internal.h"

static const char *outcome_ja(const char *outcome, enum kesu_register_outcome c)
{
	if (!strcmp(outcome, "INTERRUPTED"))
		return "中断";
	if (!strcmp(outcome, "ABANDONED"))
		return "中止";
	if (!strcmp(outcome, "PASSED"))
		return "検証合格";
	if (!strcmp(outcome, "FAILED") && c == KESU_REG_OTHER)
		return "検証不合格";
	return kesu_register_outcome_ja(c);
}

static const char *level_ja(const char *level)
{
	static const char *const names[][2] = {
		{"clear", "Clear (消去)"}, {"purge", "Purge (除去)"}, {"destroy", "Destroy (破壊)"},
		{"none", "なし"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(level, names[i][0]))
			return names[i][1];
	return level;
}

/* A row's value in a dimension and its Japanese name. */
static const char *value_of(const struct kesu_register_row *w, enum kesu_register_dimension d,
			    const char **ja)
{
	const struct kesu_term *t;
	const char *v = "";
	switch (d) {
	case KESU_REG_BY_DEPARTMENT: *ja = v = w->department; break;
	case KESU_REG_BY_CLASS:
		t = kesu_vocab_find(KESU_VOCAB_CLASS, v = w->classification);
		*ja = t ? t->ja : v;
		break;
	case KESU_REG_BY_PURPOSE:
		t = kesu_vocab_find(KESU_VOCAB_PURPOSE, v = w->purpose);
		*ja = t ? t->ja : v;
		break;
	case KESU_REG_BY_METHOD: v = w->method_id; *ja = *w->method_ja ? w->method_ja : v; break;
	case KESU_REG_BY_LEVEL: *ja = level_ja(v = w->nist_level); break;
	case KESU_REG_BY_OUTCOME: *ja = outcome_ja(v = w->outcome, w->outcome_class); break;
	default: *ja = v = w->customer; break;
	}
	if (!*v)
		*ja = "未記入";
	return v;
}

static int count_row(struct kesu_register *r, enum kesu_register_dimension d,
		     const struct kesu_register_row *w, size_t *cap)
{
	const char *ja, *v = value_of(w, d, &ja);
	size_t i = 0, n = r->n_counts[d];
	struct kesu_register_count *c = r->counts[d];
	while (i < n && strcmp(c[i].value, v) != 0)
		i++;
	if (i == n) {
		if (n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 16;
			if (!(c = realloc(c, ncap * sizeof(*c))))
				return -ENOMEM;
			r->counts[d] = c;
			*cap = ncap;
		}
		memset(&c[i], 0, sizeof(c[i]));
		c[i].value = v; /* pool strings and static names outlive the counts */
		c[i].label_ja = ja;
		r->n_counts[d]++;
	}
	c[i].total++;
	c[i].by_outcome[w->outcome_class]++;
	return 0;
}

static int largest_first(const void *x, const void *y)
{
	const struct kesu_register_count *a = x, *b = y;
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	return strcmp(a->value, b->value);
}

static int weeks(struct kesu_register *r)
{
	long since, until, d;
	if (!Kesu_reg_days(r->since, &since) || !Kesu_reg_days(r->until, &until))
		return -EINVAL;
	long first = since - (since + 3) % 7; /* 1970-01-01 was a Thursday */
	r->n_weeks = (size_t)((until - first) / 7 + 1);
	if (!(r->weeks = calloc(r->n_weeks, sizeof(*r->weeks))))
		return -ENOMEM;
	for (size_t i = 0; i < r->n_weeks; i++)
		Kesu_reg_date(first + 7 * (long)i, r->weeks[i].monday);
	char date[11];
	for (size_t i = 0; i < r->n_rows; i++) {
		snprintf(date, sizeof(date), "%.10s", r->rows[i].when_local);
		if (Kesu_reg_days(date, &d) && d >= first && (size_t)((d - first) / 7) < r->n_weeks)
			r->weeks[(d - first) / 7].by_outcome[r->rows[i].outcome_class]++;
	}
	return 0;
}

int Kesu_reg_summarise(struct Kesu_reg_build *b)
{
	struct kesu_register *r = b->r;
	for (int d = 0; d < KESU_REG_DIMENSIONS; d++) {
		size_t cap = 0;
		for (size_t i = 0; i < r->n_rows; i++)
			if (count_row(r, (enum kesu_register_dimension)d, &r->rows[i], &cap) < 0)
				return -ENOMEM;
		if (r->n_counts[d] > 1)
			qsort(r->counts[d], r->n_counts[d], sizeof(*r->counts[d]), largest_first);
	}
	return weeks(r);
}

/* Shared by the register's files (kesu/register.h): the string pool the
 * model's strings live in, the state of one build, and the steps that
 * make it (rows, anomalies, summary). */
#ifndef KESU_REGISTER_INTERNAL_H
#define KESU_REGISTER_INTERNAL_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kesu/media.h"
#include "kesu/register.h"

/* An arena: strings are copied into large chunks and freed together, so a
 * register of 100,000 rows is a few allocations, not a million. */
struct Kesu_reg_pool;
struct Kesu_reg_pool *Kesu_reg_pool_new(void);
void Kesu_reg_pool_free(struct Kesu_reg_pool *p);
/* A copy of s ("" for NULL, without copying), NULL when out of memory. */
const char *Kesu_reg_str(struct Kesu_reg_pool *p, const char *s);
const char *Kesu_reg_printf(struct Kesu_reg_pool *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What judging a row needs beyond what the row shows. */
struct Kesu_reg_extra {
	const char *job_id;
	const char *vmode;          /* verification.mode: none, sample, full */
	const char *destination;    /* a hand-over's destination */
	bool approval_cited;
};

struct Kesu_reg_build {
	const struct kesu_register_query *q;
	const struct kesu_policy *policy;
	struct kesu_register *r;
	struct Kesu_reg_pool *pool;
	struct Kesu_reg_extra *extra; /* parallel to r->rows */
	size_t cap_rows, cap_anomalies;
	struct kesu_media_set *media;
	const char **witnessed;       /* certificate ids a witness signed (pool) */
	size_t n_witnessed, cap_witnessed;
	char today[11];               /* local date of q->now */
};

/* Days since 1970-01-01 of a YYYY-MM-DD date; false when it is not a real
 * calendar date. */
bool Kesu_reg_days(const char *date, long *days);
void Kesu_reg_date(long days, char out[11]);
/* Seconds of "YYYY-MM-DDTHH:MM:SSZ"; 0 when it is not one. */
time_t Kesu_reg_utc(const char *text);

/* A finished record: a detail row when its kind is one and it is in the
 * period and the filters (register_rows.c); a witness's signature is
 * remembered. 0, or -ENOMEM. */
int Kesu_reg_take(struct Kesu_reg_build *b, uint64_t seq, struct json_object *doc);

/* The anomalies of the rows and the approvals (register_anomaly.c),
 * sorted by kind, then seq. */
int Kesu_reg_anomaly_add(struct Kesu_reg_build *b, enum kesu_register_anomaly_kind kind,
			 uint64_t seq, const char *subject, const char *ja, const char *en);
int Kesu_reg_judge(struct Kesu_reg_build *b);
void Kesu_reg_anomaly_sort(struct kesu_register *r);

/* Counts per dimension and the weeks (register_summary.c). */
int Kesu_reg_summarise(struct Kesu_reg_build *b);

#endif

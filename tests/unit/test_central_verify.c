/* Central review without a server: acknowledging an alarm needs a real
 * reason (checked before anything is sent), a central ledger handle
 * refuses every write, and a store named by a bad URL is an error that
 * never repeats the URL's password (docs/central-review.md). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kesu/central_verify.h"
#include "kesu/error.h"
#include "kesu/ledger.h"
#include "ledger_internal.h"

Test(central_ack, a_reason_is_required)
{
	char err[KESU_ERRMSG_MAX] = "";
	cr_assert_eq(kesu_central_ack(NULL, 7, NULL, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "alarm 7") && strstr(err, "reason is required"), "%s", err);
	cr_assert_eq(kesu_central_ack(NULL, 7, "", err, sizeof(err)), -KESU_EPARSE);
	cr_assert_eq(kesu_central_ack(NULL, 7, " \t\n", err, sizeof(err)), -KESU_EPARSE);
}

Test(central_ack, the_reason_must_be_utf8)
{
	char err[KESU_ERRMSG_MAX] = "";
	cr_assert_eq(kesu_central_ack(NULL, 3, "checked \xff\xfe", err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "not valid UTF-8"), "%s", err);
	cr_assert_eq(kesu_central_ack(NULL, 3, "\xe3\x81", err, sizeof(err)), -KESU_EPARSE,
		     "a cut multibyte character");
}

/* A handle as kesu_ledger_open_central makes it, without a connection:
 * the writing functions must refuse before they touch it. */
static struct kesu_ledger central_handle(void)
{
	static char not_a_connection;
	struct kesu_ledger l = {.central = (struct kesu_central *)&not_a_connection};
	snprintf(l.path, sizeof(l.path), "db.example:5432/kesu");
	return l;
}

Test(central_ledger, every_write_is_refused)
{
	struct kesu_ledger l = central_handle();
	char err[KESU_ERRMSG_MAX] = "", hash[65], id[KESU_JOB_ID_LEN + 1];
	uint64_t seq;
	const char rec[] = "{\"job_id\":\"00\",\"kind\":\"trust\"}";
	kesu_ledger_new_id(id);
	cr_assert_eq(kesu_ledger_append(&l, "trust:x", "trust", rec, strlen(rec), NULL, id, &seq, hash,
					err, sizeof(err)), -EROFS);
	cr_assert(strstr(err, "db.example:5432/kesu") && strstr(err, "only read"), "%s", err);
	cr_assert_eq(kesu_ledger_append_at(&l, 3, "trust:x", "trust", rec, strlen(rec), NULL, id, &seq,
					   hash, err, sizeof(err)), -EROFS);
	cr_assert_eq(kesu_ledger_finish(&l, id, rec, strlen(rec), NULL, &seq, hash, err, sizeof(err)),
		     -EROFS);
	struct kesu_ledger_report r;
	cr_assert_eq(kesu_ledger_verify(&l, NULL, &r, err, sizeof(err)), -EROFS,
		     "a store of many chains is checked by kesu_central_verify");
	cr_assert_str_eq(kesu_ledger_central_name(&l), "db.example:5432/kesu");
}

Test(central_ledger, a_local_ledger_has_no_central_name)
{
	struct kesu_ledger l = {0};
	cr_assert_null(kesu_ledger_central_name(&l));
}

Test(central_ledger, a_bad_url_is_a_parse_error)
{
	struct kesu_ledger *l = (struct kesu_ledger *)1;
	char err[KESU_ERRMSG_MAX] = "";
	cr_assert_eq(kesu_ledger_open_central("", &l, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_null(l);
	cr_assert_eq(kesu_ledger_open_central("host=x port", &l, err, sizeof(err)), -KESU_EPARSE);
}

Test(central_ledger, an_unreachable_store_never_shows_the_password)
{
	struct kesu_ledger *l = NULL;
	char err[KESU_ERRMSG_MAX] = "";
	int rc = kesu_ledger_open_central("postgresql://m:S3cretPw@127.0.0.1:1/kesu?connect_timeout=2",
					  &l, err, sizeof(err));
	cr_assert_lt(rc, 0);
	cr_assert_null(l);
	cr_assert(strstr(err, "127.0.0.1:1/kesu"), "%s", err);
	cr_assert_null(strstr(err, "S3cretPw"), "%s", err);
}

/* The pure parts of the central store's push: finding where two chains
 * part, and the login role a station's or manager's name becomes. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "kesu/central.h"
#include "kesu/error.h"
#include "kesu/push.h"

/* Two chains that agree below diverge_at and differ from there on. */
struct chains {
	uint64_t diverge_at;
	unsigned calls;
	int fail_at; /* same() fails at this seq (0: never) */
};

static int same(uint64_t seq, void *ctx)
{
	struct chains *c = ctx;
	c->calls++;
	if (c->fail_at && seq == (uint64_t)c->fail_at)
		return -EIO;
	return seq < c->diverge_at;
}

Test(central_push, the_first_divergent_record_is_found_everywhere)
{
	for (uint64_t hi = 1; hi <= 70; hi++)
		for (uint64_t d = 1; d <= hi; d++) {
			struct chains c = {.diverge_at = d};
			uint64_t first = 0;
			cr_assert_eq(kesu_push_first_divergent(hi, same, &c, &first), 0);
			cr_assert_eq(first, d, "hi %llu, diverging at %llu: found %llu",
				     (unsigned long long)hi, (unsigned long long)d, (unsigned long long)first);
		}
}

Test(central_push, the_search_asks_logarithmically_often)
{
	struct chains c = {.diverge_at = 123457};
	uint64_t first;
	cr_assert_eq(kesu_push_first_divergent(1000000, same, &c, &first), 0);
	cr_assert_eq(first, 123457);
	cr_assert_leq(c.calls, 21, "%u questions for a million records", c.calls);
}

Test(central_push, an_error_while_searching_is_returned)
{
	struct chains c = {.diverge_at = 10, .fail_at = 50};
	uint64_t first = 0;
	cr_assert_eq(kesu_push_first_divergent(100, same, &c, &first), -EIO);
}

Test(central_push, role_names_are_lower_case_with_underscores)
{
	char role[KESU_CENTRAL_ROLE_MAX], err[256];
	cr_assert_eq(kesu_central_role_name("kesu_station", "Front-Desk.2", role, err, sizeof(err)), 0);
	cr_assert_str_eq(role, "kesu_station_front_desk_2");
	cr_assert_eq(kesu_central_role_name("kesu_manager", "m1", role, err, sizeof(err)), 0);
	cr_assert_str_eq(role, "kesu_manager_m1");
	char longest[49];
	memset(longest, 'A', 48);
	longest[48] = '\0';
	cr_assert_eq(kesu_central_role_name("kesu_station", longest, role, err, sizeof(err)), 0);
	cr_assert_eq(strlen(role), strlen("kesu_station_") + 48);
	cr_assert_lt(strlen(role), 64, "a PostgreSQL name has at most 63 bytes");
}

Test(central_push, names_that_cannot_be_roles_are_refused)
{
	char role[KESU_CENTRAL_ROLE_MAX], err[256];
	const char *bad[] = {"", "-x", ".x", "_x", "a b", "a;drop", "a\"b", "a'b", "名前",
			     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" /* 49 */};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		cr_assert_eq(kesu_central_role_name("kesu_station", bad[i], role, err, sizeof(err)),
			     -KESU_EPARSE, "\"%s\" was accepted", bad[i]);
		cr_assert_neq(err[0], '\0');
	}
}

Test(central_push, a_url_is_named_without_its_password)
{
	char name[512], err[256];
	cr_assert_eq(kesu_central_url_name("postgresql://r:secret@db.example:5433/kesu?passfile=/x",
					   name, sizeof(name), err, sizeof(err)), 0);
	cr_assert_str_eq(name, "db.example:5433/kesu");
	cr_assert_eq(kesu_central_url_name("host=/run/pg dbname=k user=u password=pw", name,
					   sizeof(name), err, sizeof(err)), 0);
	cr_assert_str_eq(name, "/run/pg/k");
	cr_assert_eq(kesu_central_url_name("postgresql://u@h/", name, sizeof(name), err, sizeof(err)), 0);
	cr_assert_str_eq(name, "h:5432/u", "libpq's default database is the user's name");
	cr_assert_eq(kesu_central_url_name("postgresql://u:pw@h:5432/k?bogus=1", name, sizeof(name),
					   err, sizeof(err)), -KESU_EPARSE);
	cr_assert_null(strstr(err, "pw@"), "%s", err);
}

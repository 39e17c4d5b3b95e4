/* Method ids as people type them: any case finds the method, and a near
 * miss gets a "did you mean" (kesu_method_set_nearest), a far one nothing. */
#include <criterion/criterion.h>
#include <string.h>

#include "kesu/method.h"

static struct kesu_method_set *set;

static void load(void)
{
	char err[256];
	cr_assert_eq(kesu_method_set_load(&set, NULL, err, sizeof(err)), 0, "%s", err);
}

static void unload(void)
{
	kesu_method_set_free(set);
}

TestSuite(method_lookup, .init = load, .fini = unload);

Test(method_lookup, any_case_finds_the_method)
{
	const struct kesu_method *m = kesu_method_set_find(set, "DOD-3PASS");
	cr_assert_not_null(m);
	cr_assert_str_eq(m->id, "dod-3pass");
	cr_assert_not_null(kesu_method_set_find(set, "Nist-Clear"));
	cr_assert_null(kesu_method_set_find(set, "dod3pass"));
	cr_assert_null(kesu_method_set_find(set, ""));
}

static const char *nearest(const char *id)
{
	const struct kesu_method *m = kesu_method_set_nearest(set, id);
	return m ? m->id : "(none)";
}

Test(method_lookup, near_misses_are_suggested)
{
	cr_assert_str_eq(nearest("dod3pass"), "dod-3pass");      /* punctuation */
	cr_assert_str_eq(nearest("DOD_3PASS"), "dod-3pass");     /* punctuation, case */
	cr_assert_str_eq(nearest("dod-3psas"), "dod-3pass");     /* two letters swapped */
	cr_assert_str_eq(nearest("dod-3pas"), "dod-3pass");      /* one letter missing */
	cr_assert_str_eq(nearest("nist-claer"), "nist-clear");
	cr_assert_str_eq(nearest("NSA3PASS"), "nsa-3pass");
}

Test(method_lookup, far_ones_are_not)
{
	cr_assert_str_eq(nearest("zzz"), "(none)");
	cr_assert_str_eq(nearest("gutmann-35"), "(none)");
	cr_assert_str_eq(nearest(""), "(none)");
	char longer[200];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	cr_assert_str_eq(nearest(longer), "(none)");
}

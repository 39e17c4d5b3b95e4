/* The one class and purpose vocabulary (vocabulary.c): its ids, labels and
 * lookups, and that the checks built on it accept exactly its words. */
#include <criterion/criterion.h>
#include <string.h>

#include "kesu/config.h"
#include "kesu/ledger.h"
#include "kesu/vocabulary.h"

Test(vocabulary, the_classes_are_I_II_III_with_the_standards_numerals)
{
	cr_assert_eq(kesu_vocab_count(KESU_VOCAB_CLASS), 3);
	const char *ids[] = {"I", "II", "III"}, *ja[] = {"Ⅰ", "Ⅱ", "Ⅲ"};
	for (size_t i = 0; i < 3; i++) {
		const struct kesu_term *t = kesu_vocab_at(KESU_VOCAB_CLASS, i);
		cr_assert_not_null(t);
		cr_assert_str_eq(t->id, ids[i]);
		cr_assert_str_eq(t->ja, ja[i]);
		cr_assert_eq(kesu_vocab_find(KESU_VOCAB_CLASS, ids[i]), t);
	}
	cr_assert_str_eq(kesu_vocab_find(KESU_VOCAB_CLASS, "II")->en, "Class II");
	cr_assert_null(kesu_vocab_at(KESU_VOCAB_CLASS, 3));
}

Test(vocabulary, the_purposes_have_english_and_japanese_labels)
{
	cr_assert_eq(kesu_vocab_count(KESU_VOCAB_PURPOSE), 4);
	const struct kesu_term *t = kesu_vocab_find(KESU_VOCAB_PURPOSE, "lease-return");
	cr_assert_not_null(t);
	cr_assert_str_eq(t->en, "lease return");
	cr_assert_str_eq(t->ja, "リース返却");
	cr_assert_str_eq(kesu_vocab_find(KESU_VOCAB_PURPOSE, "disposal")->ja, "廃棄");
	cr_assert_str_eq(kesu_vocab_find(KESU_VOCAB_PURPOSE, "repair")->ja, "修理");
	cr_assert_str_eq(kesu_vocab_find(KESU_VOCAB_PURPOSE, "reuse")->ja, "再利用");
	cr_assert_null(kesu_vocab_at(KESU_VOCAB_PURPOSE, 4));
}

Test(vocabulary, lookups_are_exact)
{
	const char *wrong[] = {"", "ii", "II ", "IV", "lease return", "Disposal", "dispose", "廃棄"};
	for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
		cr_assert_null(kesu_vocab_find(KESU_VOCAB_CLASS, wrong[i]), "%s", wrong[i]);
		cr_assert_null(kesu_vocab_find(KESU_VOCAB_PURPOSE, wrong[i]), "%s", wrong[i]);
	}
	cr_assert_null(kesu_vocab_find(KESU_VOCAB_PURPOSE, NULL));
	cr_assert_null(kesu_vocab_find((enum kesu_vocab)7, "I"));
	cr_assert_eq(kesu_vocab_count((enum kesu_vocab)7), 0);
	cr_assert_null(kesu_vocab_ids((enum kesu_vocab)7)[0]);
}

/* The NULL-terminated id lists are the table's ids, in its order. */
Test(vocabulary, the_id_lists_follow_the_table)
{
	enum kesu_vocab vs[] = {KESU_VOCAB_CLASS, KESU_VOCAB_PURPOSE};
	for (size_t k = 0; k < 2; k++) {
		const char *const *ids = kesu_vocab_ids(vs[k]);
		size_t i = 0;
		for (; ids[i]; i++)
			cr_assert_str_eq(ids[i], kesu_vocab_at(vs[k], i)->id);
		cr_assert_eq(i, kesu_vocab_count(vs[k]));
	}
}

Test(vocabulary, the_list_reads_as_a_message_does)
{
	char buf[80];
	cr_assert_str_eq(kesu_vocab_list(KESU_VOCAB_CLASS, buf, sizeof(buf)), "I, II or III");
	cr_assert_str_eq(kesu_vocab_list(KESU_VOCAB_PURPOSE, buf, sizeof(buf)),
			 "disposal, lease-return, repair or reuse");
	char small[6];
	kesu_vocab_list(KESU_VOCAB_PURPOSE, small, sizeof(small));
	cr_assert_eq(strlen(small), 0, "a list that does not fit is cut at a whole word");
}

/* The context check and the ledger filter accept exactly the table's ids. */
Test(vocabulary, the_checks_accept_exactly_the_table)
{
	char why[200];
	enum kesu_vocab vs[] = {KESU_VOCAB_CLASS, KESU_VOCAB_PURPOSE};
	enum kesu_ctx_field fs[] = {KESU_CTX_CLASS, KESU_CTX_PURPOSE};
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < kesu_vocab_count(vs[k]); i++) {
			const char *id = kesu_vocab_at(vs[k], i)->id;
			cr_assert_eq(kesu_ctx_field_check(fs[k], id, why, sizeof(why)), 0, "%s: %s", id, why);
			struct kesu_ledger_filter f = {0};
			if (k == 0)
				f.classification = id;
			else
				f.purpose = id;
			cr_assert_eq(kesu_ledger_filter_check(&f, why, sizeof(why)), 0, "%s: %s", id, why);
		}
		cr_assert_neq(kesu_ctx_field_check(fs[k], "other", why, sizeof(why)), 0);
	}
	cr_assert_str_eq(why, "\"other\" is not disposal, lease-return, repair or reuse");
}

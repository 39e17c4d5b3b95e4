/* Only valid input is signed: the record's fields (context.c), the strict
 * UTF-8 helpers (utf8.c), canonical JSON's refusal of anything that is not
 * UTF-8, and the cleaning of strings drives report (sysfs.c). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "canonical_json.h"
#include "kesu/config.h"
#include "kesu/error.h"
#include "sysfs.h"
#include "utf8.h"

static char why[300];

static int check(enum kesu_ctx_field f, const char *value)
{
	why[0] = '\0';
	return kesu_ctx_field_check(f, value, why, sizeof(why));
}

/* n copies of s */
static char *repeat(const char *s, size_t n)
{
	size_t len = strlen(s);
	char *out = malloc(len * n + 1);
	for (size_t i = 0; i < n; i++)
		memcpy(out + i * len, s, len);
	out[len * n] = '\0';
	return out;
}

Test(utf8, invalid_at_finds_the_first_bad_byte)
{
	cr_assert_eq(Kesu_utf8_invalid_at("abc", 3), 3);
	cr_assert_eq(Kesu_utf8_invalid_at("山田", 6), 6);
	cr_assert_eq(Kesu_utf8_invalid_at("\xff\xfe", 2), 0);
	cr_assert_eq(Kesu_utf8_invalid_at("ab\xe5\xb1", 4), 2);      /* cut inside 山 */
	cr_assert_eq(Kesu_utf8_invalid_at("\xc0\xaf", 2), 0);        /* overlong '/' */
	cr_assert_eq(Kesu_utf8_invalid_at("\xed\xa0\x80", 3), 0);    /* a surrogate */
	cr_assert_eq(Kesu_utf8_invalid_at("\xf4\x90\x80\x80", 4), 0); /* past U+10FFFF */
	cr_assert(kesu_utf8_valid("", 0));
}

Test(utf8, controls_widths_and_cjk)
{
	cr_assert(Kesu_utf8_is_control(0x00));
	cr_assert(Kesu_utf8_is_control('\t'));
	cr_assert(Kesu_utf8_is_control(0x7f));
	cr_assert(Kesu_utf8_is_control(0x85));  /* C1 NEL */
	cr_assert(Kesu_utf8_is_control(0x202e)); /* right-to-left override */
	cr_assert_not(Kesu_utf8_is_control(' '));
	cr_assert_not(Kesu_utf8_is_control(0x3000));
	cr_assert_eq(Kesu_utf8_columns('A'), 1);
	cr_assert_eq(Kesu_utf8_columns(0x5c71), 2);  /* 山 */
	cr_assert_eq(Kesu_utf8_columns(0xff21), 2);  /* fullwidth Ａ */
	cr_assert(Kesu_utf8_is_cjk(0x5c71));
	cr_assert(Kesu_utf8_is_cjk(0x30ab));         /* カ */
	cr_assert_not(Kesu_utf8_is_cjk(0xff21));     /* fullwidth Latin stays in a token */
	cr_assert_not(Kesu_utf8_is_cjk('A'));
}

Test(fields, valid_values_are_accepted)
{
	cr_assert_eq(check(KESU_CTX_OPERATOR, "山田 太郎"), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, "高松市 総務局 情報政策課"), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_PHONE, "087-839-2111"), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_CLASS, "II"), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_PURPOSE, "lease-return"), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_ASSET_NUMBER, "TKM-2026-000123"), 0, "%s", why);
}

Test(fields, invalid_utf8_and_control_characters_are_refused)
{
	cr_assert_eq(check(KESU_CTX_OPERATOR, "\xff\xfe"), -KESU_EPARSE);
	cr_assert(strstr(why, "not valid UTF-8"), "%s", why);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, "高松\xe5\xb8"), -KESU_EPARSE); /* cut character */
	cr_assert_eq(check(KESU_CTX_OPERATOR, "Yamada\x07"), -KESU_EPARSE);
	cr_assert(strstr(why, "control character (U+0007)"), "%s", why);
	cr_assert_eq(check(KESU_CTX_OPERATOR, "Ya\tmada"), -KESU_EPARSE);
	cr_assert_eq(check(KESU_CTX_LOCATION, "a\x7f"), -KESU_EPARSE);
	cr_assert_eq(check(KESU_CTX_LOCATION, "a\xc2\x85"), -KESU_EPARSE);      /* C1 */
	cr_assert_eq(check(KESU_CTX_APPROVER, "a\xe2\x80\xae" "b"), -KESU_EPARSE); /* RLO */
}

Test(fields, limits_count_code_points)
{
	char *op64 = repeat("山", 64), *op65 = repeat("山", 65);
	cr_assert_eq(check(KESU_CTX_OPERATOR, op64), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_OPERATOR, op65), -KESU_EPARSE);
	cr_assert(strstr(why, "65 characters") && strstr(why, "at most 64"), "%s", why);
	/* 128 kanji are 384 bytes: more than the old 255-byte cut, still allowed. */
	char *org128 = repeat("高", 128), *org129 = repeat("高", 129);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, org128), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, org129), -KESU_EPARSE);
	char *phone = repeat("1 ", 16), *phone33 = repeat("1 ", 17);
	phone[31] = phone33[33] = '\0'; /* 31 and 33 characters, no end space */
	cr_assert_eq(check(KESU_CTX_PHONE, phone), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_PHONE, phone33), -KESU_EPARSE);
	free(op64), free(op65), free(org128), free(org129), free(phone), free(phone33);
}

Test(fields, a_token_wider_than_a_line_is_refused)
{
	char *t32 = repeat("A", 32), *t33 = repeat("A", 33);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, t32), 0, "%s", why);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, t33), -KESU_EPARSE);
	cr_assert(strstr(why, "33 columns"), "%s", why);
	/* Fullwidth Latin counts two columns and does not break: 17 are 34. */
	char *wide = repeat("Ａ", 17);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, wide), -KESU_EPARSE);
	/* Spaces and CJK characters end a token. */
	char text[200];
	snprintf(text, sizeof(text), "%s %s", t32, t32);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, text), 0, "%s", why);
	snprintf(text, sizeof(text), "%s市%s", t32, t32);
	cr_assert_eq(check(KESU_CTX_ORGANISATION, text), 0, "%s", why);
	free(t32), free(t33), free(wide);
}

Test(fields, class_and_purpose_come_from_their_vocabulary)
{
	cr_assert_eq(check(KESU_CTX_CLASS, "2"), -KESU_EPARSE);
	cr_assert_str_eq(why, "\"2\" is not I, II or III");
	cr_assert_eq(check(KESU_CTX_PURPOSE, "sale"), -KESU_EPARSE);
	cr_assert_str_eq(why, "\"sale\" is not disposal, lease-return, repair or reuse");
}

Test(fields, set_trims_spaces_and_refuses_an_empty_operator)
{
	struct kesu_job_context ctx = {0};
	cr_assert_eq(kesu_context_set(&ctx, KESU_CTX_OPERATOR, "  山田 太郎\xe3\x80\x80 ", why, sizeof(why)), 0,
		     "%s", why);
	cr_assert_str_eq(ctx.operator_name, "山田 太郎");
	cr_assert_eq(kesu_context_set(&ctx, KESU_CTX_OPERATOR, "   ", why, sizeof(why)), -KESU_EPARSE);
	cr_assert_eq(kesu_context_set(&ctx, KESU_CTX_OPERATOR, "\xe3\x80\x80", why, sizeof(why)), -KESU_EPARSE);
	cr_assert_eq(kesu_context_set(&ctx, KESU_CTX_OPERATOR, "", why, sizeof(why)), -KESU_EPARSE);
	cr_assert_str_eq(ctx.operator_name, "山田 太郎", "a refused value changes nothing");
	cr_assert_eq(kesu_context_set(&ctx, KESU_CTX_APPROVER, "  ", why, sizeof(why)), 0);
	cr_assert_str_empty(ctx.approver, "white space elsewhere means not given");
	/* A stored value with end spaces (set some other way) is refused. */
	cr_assert_eq(check(KESU_CTX_OPERATOR, " Yamada"), -KESU_EPARSE);
	cr_assert_eq(check(KESU_CTX_OPERATOR, "   "), -KESU_EPARSE);
}

Test(fields, context_check_names_the_field)
{
	struct kesu_job_context ctx = {0};
	char err[300];
	strcpy(ctx.operator_name, "Yamada");
	strcpy(ctx.organisation, "Takamatsu\x1b[2J");
	cr_assert_eq(kesu_context_check(&ctx, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strncmp(err, "organisation: ", 14) == 0, "%s", err);
	enum kesu_ctx_field f;
	cr_assert_eq(kesu_context_check_fields(&ctx, &f, why, sizeof(why)), -KESU_EPARSE);
	cr_assert_eq(f, KESU_CTX_ORGANISATION);
	strcpy(ctx.organisation, "高松市");
	strcpy(ctx.classification, "IV");
	cr_assert_eq(kesu_context_check(&ctx, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strncmp(err, "class: ", 7) == 0, "%s", err);
	strcpy(ctx.classification, "II");
	cr_assert_eq(kesu_context_check(&ctx, err, sizeof(err)), 0, "%s", err);
	strcpy(ctx.hostname, "host\xff");
	cr_assert_eq(kesu_context_check(&ctx, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strncmp(err, "station: ", 9) == 0, "%s", err);
}

Test(fields, the_station_hostname_is_valid_text)
{
	struct kesu_job_context ctx = {0};
	kesu_context_station(&ctx);
	cr_assert(kesu_utf8_valid(ctx.hostname, strlen(ctx.hostname)));
	char err[300];
	strcpy(ctx.operator_name, "x");
	cr_assert_eq(kesu_context_check(&ctx, err, sizeof(err)), 0, "%s", err);
}

Test(canonical_json, refuses_a_string_that_is_not_utf8)
{
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "operator", json_object_new_string("\xff\xfe"));
	size_t len;
	errno = 0;
	char *text = Kesu_json_canonical(doc, &len);
	cr_assert_null(text);
	cr_assert_eq(errno, EINVAL);
	json_object_put(doc);

	doc = json_object_new_object(); /* in a key, deep inside */
	struct json_object *inner = json_object_new_array();
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "ab\xe5\xb1", json_object_new_int(1));
	json_object_array_add(inner, o);
	json_object_object_add(doc, "media", inner);
	cr_assert_null(Kesu_json_canonical(doc, &len));
	json_object_put(doc);

	doc = json_object_new_object();
	json_object_object_add(doc, "operator", json_object_new_string("山田 太郎"));
	text = Kesu_json_canonical(doc, &len);
	cr_assert_str_eq(text, "{\"operator\":\"山田 太郎\"}");
	free(text);
	json_object_put(doc);
	cr_assert_not(Kesu_json_is_canonical("{\"a\":\"\xff\"}", 9));
}

Test(sysfs_clean, device_strings_become_valid_utf8)
{
	char buf[64];
	/* Invalid bytes are shown, control characters replaced. */
	const char *raw = "  WDC\xff\xfeX \x01Y\xc2\x85Z  ";
	Kesu_trim_copy(buf, sizeof(buf), raw, strlen(raw));
	cr_assert_str_eq(buf, "WDC\\xFF\\xFEX ?Y?Z");
	cr_assert(kesu_utf8_valid(buf, strlen(buf)));
	/* Valid UTF-8 stays as it is. */
	Kesu_trim_copy(buf, sizeof(buf), "ディスク", strlen("ディスク"));
	cr_assert_str_eq(buf, "ディスク");
	/* Too long: cut on a whole character, never inside one or an escape. */
	Kesu_trim_copy(buf, 8, "ディスク", strlen("ディスク"));
	cr_assert_str_eq(buf, "ディ");
	Kesu_trim_copy(buf, 7, "ab\xff\xff", 4);
	cr_assert_str_eq(buf, "ab\\xFF");
	/* A garbage model of 40 random bytes still gives valid text. */
	unsigned char junk[40];
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 37 + 0x80);
	char model[41];
	Kesu_trim_copy(model, sizeof(model), (const char *)junk, sizeof(junk));
	cr_assert(kesu_utf8_valid(model, strlen(model)));
	struct json_object *doc = json_object_new_object();
	json_object_object_add(doc, "model", json_object_new_string(model));
	size_t len;
	char *text = Kesu_json_canonical(doc, &len);
	cr_assert_not_null(text, "a drive with a garbage model still gets a record");
	free(text);
	json_object_put(doc);
}

Test(sysfs_clean, vpd80_serial_with_invalid_bytes)
{
	const unsigned char page[] = {0x00, 0x80, 0x00, 0x06, 'S', 'N', 0xff, '1', 0x1b, '2'};
	char buf[64];
	cr_assert_gt(Kesu_vpd80_serial(page, sizeof(page), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "SN\\xFF1?2");
}

Test(sysfs_clean, a_garbage_model_attribute_reads_as_valid_text)
{
	char dir[] = "/tmp/kesu-test-model.XXXXXX", path[64], model[256];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/model", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("ST\xff\xfe\x1b[31mDISK\xe5\xb1\n", f); /* bad bytes, ESC, a cut character */
	fclose(f);
	cr_assert_gt(Kesu_sysfs_read_str(dir, "model", model, sizeof(model)), 0);
	cr_assert_str_eq(model, "ST\\xFF\\xFE?[31mDISK\\xE5\\xB1");
	unlink(path);
	rmdir(dir);
}

/* The config file (config.c): comments, BOM, CRLF, duplicate keys, file
 * types, and values checked with FILE:LINE. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kesu/config.h"
#include "kesu/error.h"
#include "kesu/pdf.h"

static char dir[] = "/tmp/kesu-test-config.XXXXXX";
static char path[512], err[600];
static struct kesu_config cfg;

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/config", dir);
	memset(&cfg, 0, sizeof(cfg));
	err[0] = '\0';
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
	strcpy(dir, "/tmp/kesu-test-config.XXXXXX");
}

TestSuite(config, .init = setup, .fini = teardown);

static int load(const char *text, size_t len)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fwrite(text, 1, len, f);
	fclose(f);
	return kesu_config_load(path, &cfg, err, sizeof(err));
}
#define LOAD(text) load(text, sizeof(text) - 1)

/* err is "PATH:LINE: " + what */
static void assert_error(int line, const char *what)
{
	char want[700];
	snprintf(want, sizeof(want), "%s:%d: %s", path, line, what);
	cr_assert_str_eq(err, want);
}

Test(config, a_missing_file_is_fine)
{
	cr_assert_eq(kesu_config_load("/nonexistent/kesu/config", &cfg, err, sizeof(err)), 0);
}

Test(config, keys_values_and_white_space)
{
	cr_assert_eq(LOAD("operator = 山田 太郎\n\tclass=II  \n\npurpose =lease-return\n"
			  "ledger = /srv/kesu/ledger.sqlite\n"), 0, "%s", err);
	cr_assert_str_eq(cfg.ctx.operator_name, "山田 太郎");
	cr_assert_str_eq(cfg.ctx.classification, "II");
	cr_assert_str_eq(cfg.ctx.purpose, "lease-return");
	cr_assert_str_eq(cfg.ledger, "/srv/kesu/ledger.sqlite");
}

Test(config, comments_start_at_a_line_or_after_white_space)
{
	cr_assert_eq(LOAD("# a comment\n   # indented\noperator = A # who\n"
			  "organisation = 高松市  # city\ndepartment = No.#3\n"
			  "location = Room \\#5 # the fifth\nphone = 1\xe3\x80\x80# after U+3000\n"), 0, "%s", err);
	cr_assert_str_eq(cfg.ctx.operator_name, "A");
	cr_assert_str_eq(cfg.ctx.organisation, "高松市");
	cr_assert_str_eq(cfg.ctx.department, "No.#3");
	cr_assert_str_eq(cfg.ctx.location, "Room #5");
	cr_assert_str_eq(cfg.ctx.phone, "1");
}

Test(config, a_bom_and_crlf_are_accepted)
{
	cr_assert_eq(LOAD("\xef\xbb\xbfoperator = A\r\nclass = III\r\n"), 0, "%s", err);
	cr_assert_str_eq(cfg.ctx.operator_name, "A");
	cr_assert_str_eq(cfg.ctx.classification, "III");
}

Test(config, a_duplicate_key_names_both_lines)
{
	cr_assert_eq(LOAD("operator = A\n\n# x\noperator = B\n"), -KESU_EPARSE);
	assert_error(4, "duplicate key \"operator\", first at line 1");
}

Test(config, bad_values_name_the_file_and_line)
{
	cr_assert_eq(LOAD("operator = A\nclass = 2\n"), -KESU_EPARSE);
	assert_error(2, "class: \"2\" is not I, II or III");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("purpose = sale\n"), -KESU_EPARSE);
	assert_error(1, "purpose: \"sale\" is not disposal, lease-return, repair or reuse");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("operator =  \n"), -KESU_EPARSE);
	assert_error(1, "operator: is empty or only white space: name who erases");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("approver = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"), -KESU_EPARSE);
	cr_assert(strstr(err, ":1: approver: has \"AAAAAAAAAAAAAAAA...\", 40 columns"), "%s", err);
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("nonsense = 1\n"), -KESU_EPARSE);
	assert_error(1, "unknown key \"nonsense\"");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("operator A\n"), -KESU_EPARSE);
	assert_error(1, "expected \"key = value\"");
}

Test(config, invalid_utf8_and_control_characters_name_the_line)
{
	cr_assert_eq(LOAD("operator = A\n# \xff in a comment too\n"), -KESU_EPARSE);
	assert_error(2, "not valid UTF-8 (byte 3 of the line is 0xff)");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("operator = A\x1b[2J\n"), -KESU_EPARSE);
	assert_error(1, "a control character (U+001B)");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("operator = A\0B\n"), -KESU_EPARSE);
	assert_error(1, "a NUL byte");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("operator = A\tB\n"), -KESU_EPARSE); /* a tab inside a value */
	assert_error(1, "operator: has a control character (U+0009) at character 2");
}

Test(config, the_certificate_style_keys)
{
	cr_assert_eq(LOAD("date_style = era\nclass_label = 重要性分類\n"), 0, "%s", err);
	cr_assert_str_eq(cfg.date_style, "era");
	cr_assert_str_eq(cfg.class_label, "重要性分類");
	struct kesu_pdf_style style;
	kesu_config_pdf_style(&cfg, &style);
	cr_assert(style.era_dates);
	cr_assert_str_eq(style.class_label, "重要性分類");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("date_style = western\n"), 0, "%s", err);
	cr_assert_str_eq(cfg.date_style, "western");
	kesu_config_pdf_style(&cfg, &style);
	cr_assert_not(style.era_dates);
	cr_assert_str_empty(style.class_label, "empty: the certificate's default");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("date_style = showa\n"), -KESU_EPARSE);
	assert_error(1, "date_style: \"showa\" is not western or era");
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(LOAD("class_label = 情報資産の重要性分類の区分名称です\n"), -KESU_EPARSE);
	assert_error(1, "class_label: is 17 characters long; at most 16 fit");
}

Test(config, only_a_regular_file_is_read)
{
	cr_assert_eq(kesu_config_load(dir, &cfg, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "not a regular file (a directory)"), "%s", err);
	cr_assert_eq(kesu_config_load("/dev/null", &cfg, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_str_eq(err, "/dev/null: not a regular file (a character device)");
	cr_assert_eq(mkfifo(path, 0600), 0);
	time_t t0 = time(NULL);
	cr_assert_eq(kesu_config_load(path, &cfg, err, sizeof(err)), -KESU_EPARSE); /* no writer: no hang */
	cr_assert_leq(time(NULL) - t0, 1);
	cr_assert(strstr(err, "not a regular file (a FIFO)"), "%s", err);
}

Test(config, a_symlink_to_a_regular_file_is_followed)
{
	cr_assert_eq(LOAD("operator = A\n"), 0);
	char link[600];
	snprintf(link, sizeof(link), "%s/link", dir);
	cr_assert_eq(symlink(path, link), 0);
	memset(&cfg, 0, sizeof(cfg));
	cr_assert_eq(kesu_config_load(link, &cfg, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(cfg.ctx.operator_name, "A");
	unlink(link);
}

/* The host machine's SMBIOS identity (host_id.c): only facts are kept,
 * placeholders and damaged text are unknown; the record's "host" and the
 * certificate payload's version-3 "host" (cert.c, pdf_payload.c). */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "kesu/cert.h"
#include "kesu/error.h"
#include "kesu/host.h"
#include "kesu/record.h"
#include "pdf_internal.h"
#include "record_internal.h"

#define DMI KESU_FIXTURES "/dmi"

static struct kesu_host_identity read_case(const char *name)
{
	char dir[512], err[256] = "";
	struct kesu_host_identity h;
	memset(&h, 'x', sizeof(h)); /* every field must be written */
	snprintf(dir, sizeof(dir), DMI "/%s", name);
	cr_assert_eq(kesu_host_identity_read(dir, &h, err, sizeof(err)), 0, "%s: %s", name, err);
	return h;
}

Test(host, full_identity)
{
	struct kesu_host_identity h = read_case("full");
	cr_assert_str_eq(h.manufacturer, "LENOVO");
	cr_assert_str_eq(h.product, "20L5CTO1WW");
	cr_assert_str_eq(h.serial, "PF1ABCDE");
	cr_assert_str_eq(h.asset_tag, "PC-2019-0042");
	cr_assert(kesu_host_identity_known(&h));
}

Test(host, placeholders_are_unknown_and_the_board_tag_is_not_used)
{
	struct kesu_host_identity h = read_case("placeholders");
	cr_assert_str_empty(h.manufacturer);
	cr_assert_str_empty(h.product);
	cr_assert_str_empty(h.serial);
	cr_assert_str_empty(h.asset_tag, "board_asset_tag must not stand in: %s", h.asset_tag);
	cr_assert_not(kesu_host_identity_known(&h));
}

Test(host, blanks_are_trimmed_and_all_blank_is_unknown)
{
	struct kesu_host_identity h = read_case("spaces");
	cr_assert_str_eq(h.manufacturer, "Dell Inc.");
	cr_assert_str_eq(h.product, "OptiPlex 7050");
	cr_assert_str_empty(h.serial);
	cr_assert_str_empty(h.asset_tag);
}

Test(host, damaged_text_is_unknown_valid_japanese_is_kept)
{
	struct kesu_host_identity h = read_case("bad-text");
	cr_assert_str_empty(h.manufacturer, "not UTF-8: %s", h.manufacturer);
	cr_assert_str_eq(h.product, "日本語 ＰＣ");
	cr_assert_str_empty(h.serial, "a tab inside: %s", h.serial);
	cr_assert_str_empty(h.asset_tag, "zeros: %s", h.asset_tag);
}

Test(host, missing_files_and_directory_are_unknown_not_errors)
{
	struct kesu_host_identity h = read_case("missing");
	cr_assert_str_eq(h.manufacturer, "HP");
	cr_assert_str_eq(h.product, "EliteBook 840 G5");
	cr_assert_str_empty(h.serial);
	cr_assert_str_empty(h.asset_tag);
	h = read_case("no-such-case");
	cr_assert_not(kesu_host_identity_known(&h));
}

Test(host, qemu_and_a_value_too_long_to_be_real)
{
	struct kesu_host_identity h = read_case("qemu");
	cr_assert_str_eq(h.manufacturer, "QEMU");
	cr_assert_str_eq(h.product, "Standard PC (i440FX + PIIX, 1996)");
	cr_assert_str_empty(h.serial);
	h = read_case("long");
	cr_assert_str_eq(h.manufacturer, "Fujitsu");
	cr_assert_str_empty(h.product, "65 characters must not be cut: %s", h.product);
	cr_assert_str_empty(h.serial);
	cr_assert_str_empty(h.asset_tag);
}

Test(host, placeholder_words)
{
	const char *fake[] = {"", "   ", "0", "00000000", "........", "FFFFFFFF", "None", "none",
			      "N/A", "To be filled by O.E.M.", "Default String", "Not Specified",
			      "System Serial Number", "0123456789", "Chassis Serial Number",
			      " To Be Filled By O.E.M. ", NULL};
	for (const char **v = fake; *v; v++)
		cr_assert(kesu_host_value_is_placeholder(*v), "\"%s\"", *v);
	const char *real[] = {"LENOVO", "5CG8123ABC", "PC-0001", "Dell Inc.", "01", NULL};
	for (const char **v = real; *v; v++)
		cr_assert_not(kesu_host_value_is_placeholder(*v), "\"%s\"", *v);
}

Test(host, the_environment_names_the_directory)
{
	setenv(KESU_DMI_DIR_ENV, DMI "/full", 1);
	struct kesu_host_identity h;
	cr_assert_eq(kesu_host_identity_read(NULL, &h, NULL, 0), 0);
	cr_assert_str_eq(h.serial, "PF1ABCDE");
	struct kesu_job_context ctx = {0};
	kesu_context_station(&ctx);
	cr_assert_str_eq(ctx.host.manufacturer, "LENOVO");
	cr_assert_str_eq(ctx.host.asset_tag, "PC-2019-0042");
	unsetenv(KESU_DMI_DIR_ENV);
}

Test(host, record_member_has_null_for_unknown)
{
	struct kesu_host_identity h = read_case("missing");
	struct json_object *o = Kesu_record_host_json(&h);
	size_t len;
	char *text = Kesu_json_canonical(o, &len);
	cr_assert_str_eq(text, "{\"asset_tag\":null,\"manufacturer\":\"HP\",\"product\":\"EliteBook 840 G5\","
			 "\"serial\":null}");
	free(text);
	json_object_put(o);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	cr_assert_not_null(f, "%s", path);
	char *buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* A wipe record with the given "host" member (JSON text, NULL = none). */
static char *payload_with_host(const char *host, size_t *len)
{
	char record[1024];
	snprintf(record, sizeof(record),
		 "{\"certificate_id\":\"KESU-20261122-8F3A2C1D\",\"job_id\":\"j1\",\"kind\":\"wipe\","
		 "\"media\":{\"serial\":\"S1\"},\"operator\":{\"name\":\"a\",\"title\":null},"
		 "\"outcome\":\"SUCCESS\",%s%s%s\"sanitization\":{\"technique\":\"overwrite\","
		 "\"passes\":[]},\"verification\":{\"mode\":\"none\"}}",
		 host ? "\"host\":" : "", host ? host : "", host ? "," : "");
	char *p = kesu_cert_payload(record, strlen(record), 1, "ab", 0, len);
	cr_assert_not_null(p);
	return p;
}

Test(host, payload_is_version_3_only_when_the_host_is_known)
{
	size_t len;
	char *p = payload_with_host("{\"asset_tag\":null,\"manufacturer\":\"HP\",\"product\":null,"
				    "\"serial\":\"5CG1\"}", &len);
	cr_assert_not_null(strstr(p, "\"kesu_certificate\":3"), "%s", p);
	cr_assert_not_null(strstr(p, "\"host\":{\"asset_tag\":null,\"manufacturer\":\"HP\","
				     "\"product\":null,\"serial\":\"5CG1\"}"), "%s", p);
	free(p);
	const char *unknown[] = {"{\"asset_tag\":null,\"manufacturer\":null,\"product\":null,\"serial\":null}",
				 NULL};
	p = payload_with_host(unknown[0], &len);
	cr_assert_not_null(strstr(p, "\"kesu_certificate\":1"), "%s", p);
	cr_assert_null(strstr(p, "host"), "%s", p);
	free(p);
	p = payload_with_host(NULL, &len);
	cr_assert_not_null(strstr(p, "\"kesu_certificate\":1"), "%s", p);
	free(p);
}

/* The renderer reads "host" from version 3 only. */
Test(host, renderer_reads_the_host)
{
	size_t len;
	char *v1 = slurp(KESU_FIXTURES "/certs/success.json", &len);
	const char *needle = "\"issued_local\"";
	char *at = strstr(v1, needle);
	cr_assert_not_null(at);
	char *p = malloc(len + 256);
	int head = (int)(at - v1);
	snprintf(p, len + 256, "%.*s\"host\":{\"asset_tag\":\"PC-1\",\"manufacturer\":\"LENOVO\","
		 "\"product\":\"20L5\",\"serial\":null},%s", head, v1, at);
	struct cert c;
	char err[512] = "";
	cr_assert_eq(Kesu_cert_parse(p, strlen(p), &c, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_not_null(strstr(err, "host: not part of kesu_certificate 1"), "%s", err);
	char *v = strstr(p, "\"kesu_certificate\":1");
	v[strlen("\"kesu_certificate\":")] = '3';
	cr_assert_eq(Kesu_cert_parse(p, strlen(p), &c, err, sizeof(err)), 0, "%s", err);
	cr_assert(c.host.known);
	char text[600];
	Kesu_fmt_host(text, sizeof(text), &c);
	cr_assert_str_eq(text, "LENOVO 20L5 · 資産番号 PC-1");
	Kesu_cert_free(&c);
	free(p);
	free(v1);
}

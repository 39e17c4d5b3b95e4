/* kesu trust's X.509 certificates (docs/trust.md): how they are shown by
 * trust add, remove and list. Adding and removing them is cmd_trust.c's,
 * with the keys, so both go through one ledger record and one save. */
#include <errno.h>
#include <json-c/json.h>
#include <string.h>

#include "cli.h"
#include "kesu/trust.h"
#include "kesu/x509.h"

void cli_trust_cert_print(const char *what, const struct kesu_trust_cert *c)
{
	struct kesu_x509_info info;
	if (kesu_x509_cert_describe_mem(c->pem, strlen(c->pem), &info) < 0)
		memset(&info, 0, sizeof(info));
	printf(_("%s %s certificate \"%s\" (sha256 %.16s..., %s, valid until %s)\n"), what, c->role,
	       c->name, c->sha256, info.subject, info.not_after_utc);
}

/* Whether c is shown for role (NULL: every role). */
static bool shown(const struct kesu_trust_cert *c, const char *role)
{
	return !role || !strcmp(c->role, role);
}

void cli_trust_certs_json(const struct kesu_trust *trust, const char *role,
			  struct json_object *arr)
{
	for (size_t i = 0; i < kesu_trust_cert_count(trust); i++) {
		const struct kesu_trust_cert *c = kesu_trust_cert_at(trust, i);
		struct kesu_x509_info info;
		if (!shown(c, role) ||
		    kesu_x509_cert_describe_mem(c->pem, strlen(c->pem), &info) < 0)
			continue;
		struct json_object *o = json_object_new_object();
		const char *members[][2] = {
			{"role", c->role},          {"name", c->name},
			{"sha256", c->sha256},      {"subject", info.subject},
			{"issuer", info.issuer},    {"not_before_utc", info.not_before_utc},
			{"not_after_utc", info.not_after_utc}, {"added_utc", c->added_utc},
		};
		for (size_t m = 0; m < sizeof(members) / sizeof(members[0]); m++)
			json_object_object_add(o, members[m][0],
					       json_object_new_string(members[m][1]));
		json_object_array_add(arr, o);
	}
}

int cli_trust_certs_table(const struct kesu_trust *trust, const char *role, size_t *count)
{
	static const char *const cols[] = {"ROLE", "NAME", "SHA-256", "SUBJECT", "VALID UNTIL",
					   "ADDED"};
	*count = 0;
	struct cli_table *t = cli_table_new(cols, 6);
	if (!t)
		return cli_error("%s", strerror(ENOMEM)), KESU_EXIT_FAILURE;
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < kesu_trust_cert_count(trust); i++) {
		const struct kesu_trust_cert *c = kesu_trust_cert_at(trust, i);
		struct kesu_x509_info info;
		if (!shown(c, role))
			continue;
		if (kesu_x509_cert_describe_mem(c->pem, strlen(c->pem), &info) < 0)
			memset(&info, 0, sizeof(info));
		char sha[20];
		snprintf(sha, sizeof(sha), "%.16s", c->sha256);
		const char *cells[] = {c->role, c->name, sha, info.subject, info.not_after_utc,
				       c->added_utc};
		rc = cli_table_row(t, cells);
		(*count)++;
	}
	if (rc == 0 && *count) {
		cli_table_print_free(t);
		return KESU_EXIT_OK;
	}
	cli_table_free(t);
	return rc ? (cli_error("%s", strerror(ENOMEM)), KESU_EXIT_FAILURE) : KESU_EXIT_OK;
}

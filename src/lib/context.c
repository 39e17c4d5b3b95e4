/* The job context: the station's own facts and the check of the fields
 * an operator gives (docs/ledger.md). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/record.h"
#include "sysfs.h"

void kesu_context_station(struct kesu_job_context *ctx)
{
	if (gethostname(ctx->hostname, sizeof(ctx->hostname) - 1) < 0)
		ctx->hostname[0] = '\0';
	kesu_sysfs_read_str("/etc", "machine-id", ctx->machine_id, sizeof(ctx->machine_id));
	snprintf(ctx->tool_version, sizeof(ctx->tool_version), "%s", KESU_VERSION);
}

int kesu_context_check(const struct kesu_job_context *ctx, char *err, size_t errsize)
{
	static const char *const classes[] = {"", "I", "II", "III", NULL};
	static const char *const purposes[] = {"", "disposal", "lease-return", "repair", "reuse", NULL};
	bool class_ok = false, purpose_ok = false;
	for (int i = 0; classes[i]; i++)
		class_ok |= strcmp(ctx->classification, classes[i]) == 0;
	for (int i = 0; purposes[i]; i++)
		purpose_ok |= strcmp(ctx->purpose, purposes[i]) == 0;
	if (!class_ok) {
		snprintf(err, errsize, "information class \"%s\" is not I, II or III", ctx->classification);
		return -KESU_EPARSE;
	}
	if (!purpose_ok) {
		snprintf(err, errsize, "purpose \"%s\" is not disposal, lease-return, repair or reuse",
			 ctx->purpose);
		return -KESU_EPARSE;
	}
	return 0;
}

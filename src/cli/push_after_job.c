/* The push at the end of a job (kesu wipe, kesu destroy) when the config
 * file names a central store (server = URL). The job's own result stands
 * whatever happens here: its records are signed in the local ledger and
 * its certificate is valid. A push that fails leaves them in the outbox
 * (the ledger's push state says why) for the next job or kesu ledger push,
 * and turns a clean exit into KESU_EXIT_NOT_PUSHED, so that a script or
 * the live image sees that the store does not have them yet. */
#include <string.h>

#include "cli.h"
#include "kesu/push.h"

int cli_push_after_job(struct cli_station *st, int code)
{
	if (!st || !st->ledger || !st->cfg.server[0])
		return code;
	struct kesu_public_key pk;
	char err[KESU_ERRMSG_MAX];
	int rc = cli_station_public_key(st, &pk) == KESU_EXIT_OK ? 0 : -ENOKEY;
	struct kesu_push_result r;
	if (rc == 0)
		rc = kesu_push_to(st->cfg.server, st->ledger, &pk, st->cert_dir, &r, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "%s", _("the station's public key cannot be read"));
	if (rc == 0)
		return code;
	char server[512];
	char why[KESU_ERRMSG_MAX];
	if (kesu_central_url_name(st->cfg.server, server, sizeof(server), why, sizeof(why)) < 0)
		snprintf(server, sizeof(server), "%s", _("(invalid URL)"));
	/* err already names the store ("central store X: why", in the
	 * reader's language): say only why, then what happens. */
	const char *reason = err, *fmt = _("central store %s: %s: %s");
	const char *p1 = strstr(fmt, "%s"), *p2 = p1 ? strstr(p1 + 2, "%s") : NULL;
	char prefix[600];
	if (p2) {
		snprintf(prefix, sizeof(prefix), "%.*s%s%.*s", (int)(p1 - fmt), fmt, server,
			 (int)(p2 - p1 - 2), p1 + 2);
		if (!strncmp(reason, prefix, strlen(prefix)))
			reason += strlen(prefix);
	}
	fprintf(stderr, _("kesu: not yet sent to the central store %s: %s; kept for the next push\n"),
		server, reason);
	return code == KESU_EXIT_OK ? KESU_EXIT_NOT_PUSHED : code;
}

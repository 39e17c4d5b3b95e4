/* The temporary password of an ATA Security Erase, and getting a drive
 * back from one that was left set (a failed or interrupted erase): UNLOCK
 * when locked, DISABLE PASSWORD, and believe only a fresh IDENTIFY. The
 * password never appears in a message. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "firmware_internal.h"
#include "../i18n.h"

void kesu_ata_temp_password(char out[KESU_ATA_TEMP_PASSWORD_LEN + 1])
{
	unsigned char raw[KESU_ATA_TEMP_PASSWORD_LEN / 2];
	if (sodium_init() < 0)
		abort(); /* no randomness: a guessable password is worse than none */
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, KESU_ATA_TEMP_PASSWORD_LEN + 1, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

static int identify(struct kesu_passthru *pt, struct kesu_ata_identify *id, char *err,
		    size_t errsize)
{
	bool answered;
	const char *why;
	int rc = Kesu_fw_ata_identify(pt, id, &answered, &why);
	if (rc < 0)
		snprintf(err, errsize, _("ATA IDENTIFY %s: %s"),
			 answered ? "data" : rc == -KESU_EUNSUPPORTED ? "refused" : "failed", why);
	return rc;
}

/* UNLOCK or DISABLE PASSWORD with the user password; the payload is wiped. */
static int send_password(struct kesu_passthru *pt, bool disable, const char *password,
			 struct kesu_ata_result *res)
{
	uint8_t payload[KESU_ATA_SECURITY_PAYLOAD];
	struct kesu_ata_cmd cmd;
	int rc = Kesu_ata_security_payload(payload, false, false, password, strlen(password));
	if (rc < 0)
		return rc;
	if (disable)
		Kesu_ata_disable_password_cmd(&cmd, payload);
	else
		Kesu_ata_unlock_cmd(&cmd, payload);
	rc = Kesu_ata_send(pt, &cmd, res);
	sodium_memzero(payload, sizeof(payload));
	sodium_memzero(&cmd, sizeof(cmd));
	return rc;
}

/* A refused password command: a wrong password (the drive counts it) or
 * a state that forbids it; IDENTIFY tells which advice fits. */
static int password_refused(struct kesu_passthru *pt, const char *what, int rc,
			    const struct kesu_ata_result *res, char *err, size_t errsize)
{
	const char *reason = res->reason ? res->reason : "no reason given";
	if (rc != -KESU_EUNSUPPORTED) {
		snprintf(err, errsize, _("SECURITY %s failed: %s"), what, reason);
		return rc;
	}
	struct kesu_ata_identify id;
	char ignored[128];
	if (identify(pt, &id, ignored, sizeof(ignored)) == 0 && id.security_count_expired)
		snprintf(err, errsize, _("SECURITY %s refused (%s): 5 wrong passwords since power-on; "
			 "power-cycle the drive before trying again"), what, reason);
	else
		snprintf(err, errsize, _("SECURITY %s refused (%s): the password is probably wrong; the "
			 "drive counts wrong attempts and after 5 accepts none until it is power-cycled"),
			 what, reason);
	return -KESU_EREFUSED;
}

int kesu_ata_unlock(struct kesu_passthru *pt, const char *password, char *err, size_t errsize)
{
	char dummy[1];
	if (!err || !errsize) {
		err = dummy;
		errsize = sizeof(dummy);
	}
	err[0] = '\0';
	if (!pt || !password || !password[0] || strlen(password) > KESU_ATA_PASSWORD_MAX) {
		snprintf(err, errsize, _("an ATA password is 1 to %d bytes"), KESU_ATA_PASSWORD_MAX);
		return -EINVAL;
	}
	struct kesu_ata_identify id;
	int rc = identify(pt, &id, err, errsize);
	if (rc < 0)
		return rc;
	if (!id.security_supported) {
		snprintf(err, errsize, _("the drive has no ATA Security feature set: nothing to unlock"));
		return -KESU_EUNSUPPORTED;
	}
	if (!id.security_enabled) {
		snprintf(err, errsize, _("ATA security is not enabled (no user password is set): "
			 "nothing to do"));
		return 0;
	}
	if (id.security_count_expired) {
		snprintf(err, errsize, _("5 wrong passwords since power-on: the drive accepts none until "
			 "it is power-cycled; power-cycle it, then run kesu unlock again"));
		return -KESU_EREFUSED;
	}
	if (id.security_frozen) {
		snprintf(err, errsize, _("ATA security is frozen, so the drive refuses UNLOCK and DISABLE "
			 "PASSWORD: %s"), kesu_ata_unfreeze_advice());
		return -KESU_EREFUSED;
	}

	struct kesu_ata_result res;
	if (id.security_locked) {
		rc = send_password(pt, false, password, &res);
		if (rc < 0)
			return password_refused(pt, "UNLOCK", rc, &res, err, errsize);
	}
	rc = send_password(pt, true, password, &res);
	if (rc < 0)
		return password_refused(pt, "DISABLE PASSWORD", rc, &res, err, errsize);

	rc = identify(pt, &id, err, errsize);
	if (rc < 0)
		return rc;
	if (id.security_enabled) {
		snprintf(err, errsize, _("the drive accepted DISABLE PASSWORD but IDENTIFY still shows "
			 "security enabled%s"), id.security_locked ? " and locked" : "");
		return -EIO;
	}
	snprintf(err, errsize, _("the user password is removed"));
	return 0;
}

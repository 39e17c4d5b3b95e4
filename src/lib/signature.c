/* Ed25519 signatures: detached ones in signify's format (what `signify -S`
 * writes without -e, checked by `signify -V`), and bare ones for the
 * ledger. */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/key.h"
#include "signify_text.h"
#include "i18n.h"

/* signify's struct sig. */
struct sig_file {
	uint8_t pkalg[2]; /* "Ed" */
	uint8_t keynum[KESU_KEYNUM_BYTES];
	uint8_t sig[KESU_SIG_BYTES];
};

int kesu_sign_raw(const struct kesu_secret_key *sk, const void *msg, size_t len,
		  uint8_t sig[KESU_SIG_BYTES])
{
	if (sodium_init() < 0)
		return -ENOMEM;
	crypto_sign_detached(sig, NULL, msg, len, sk->sk);
	return 0;
}

int kesu_verify_raw(const struct kesu_public_key *pk, const void *msg, size_t len,
		    const uint8_t sig[KESU_SIG_BYTES])
{
	if (sodium_init() < 0)
		return -ENOMEM;
	return crypto_sign_verify_detached(sig, msg, len, pk->pk) == 0 ? 0 : -KESU_EVERIFY;
}

int kesu_sign_detached(const struct kesu_secret_key *sk, const void *msg, size_t len,
		       const char *comment, char **sig_text, size_t *sig_len)
{
	struct sig_file f;
	*sig_text = NULL;
	*sig_len = 0;
	if (!comment)
		comment = "verify with station.pub";
	size_t size = Kesu_signify_text_size(strlen(comment), sizeof(f));
	memcpy(f.pkalg, KESU_PKALG, 2);
	memcpy(f.keynum, sk->keynum, sizeof(f.keynum));
	int rc = kesu_sign_raw(sk, msg, len, f.sig);
	if (rc < 0)
		return rc;
	char *text = malloc(size);
	if (!text)
		return -ENOMEM;
	rc = Kesu_signify_format(comment, &f, sizeof(f), text, size);
	if (rc < 0) {
		free(text);
		return rc;
	}
	*sig_text = text;
	*sig_len = (size_t)rc;
	return 0;
}

int kesu_verify_detached(const struct kesu_public_key *pk, const void *msg, size_t len,
			 const char *sig_text, size_t sig_len, char *err, size_t errsize)
{
	struct sig_file f;
	char why[128];
	size_t used;
	int rc = Kesu_signify_parse(sig_text, sig_len, &f, sizeof(f), &used, why, sizeof(why));
	if (rc == 0 && used != sig_len) {
		rc = -KESU_EPARSE;
		snprintf(why, sizeof(why), _("unexpected data after the signature"));
	}
	if (rc < 0) {
		snprintf(err, errsize, _("not a signify signature: %s"), why);
		return rc;
	}
	if (memcmp(f.keynum, pk->keynum, sizeof(f.keynum)) != 0) {
		char got[KESU_KEYNUM_HEX_SIZE], want[KESU_KEYNUM_HEX_SIZE];
		kesu_key_keynum_hex(f.keynum, got, sizeof(got));
		kesu_key_keynum_hex(pk->keynum, want, sizeof(want));
		snprintf(err, errsize, _("signed by another key (key number %s, expected %s)"), got,
			 want);
		return -KESU_EVERIFY;
	}
	rc = kesu_verify_raw(pk, msg, len, f.sig);
	if (rc == -KESU_EVERIFY)
		snprintf(err, errsize, _("signature does not match: the data was changed"));
	else if (rc < 0)
		snprintf(err, errsize, "%s", kesu_strerror(rc));
	return rc;
}

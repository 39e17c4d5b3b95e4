/* A PKCS#11 token for a signer (kesu/x509.h): p11-kit parses the URI
 * (RFC 7512) and loads the module; the rest is the PKCS#11 API itself.
 * p11_token.c finds the token and logs in, p11_objects.c finds the key and
 * its certificate, signer_pkcs11.c signs. */
#ifndef KESU_P11_INTERNAL_H
#define KESU_P11_INTERNAL_H
#include <openssl/x509.h>
#include <p11-kit/p11-kit.h>
#include <p11-kit/pkcs11.h>
#include <p11-kit/uri.h>
#include <stdbool.h>
#include <stddef.h>

struct kesu_p11 {
	CK_FUNCTION_LIST **modules; /* every module loaded (NULL-terminated) */
	bool one_module;            /* modules[0] came from p11_kit_module_load */
	CK_FUNCTION_LIST *f;        /* the one holding the token */
	CK_SESSION_HANDLE session;
	bool session_open, logged_in;
	char label[33];             /* the token's, for messages */
	CK_OBJECT_HANDLE key;
	CK_KEY_TYPE key_type;       /* CKK_EC or CKK_RSA */
	unsigned char id[256];      /* the key's CKA_ID */
	size_t id_len;
	bool always_auth;           /* the PIN again before every signature */
	char *pin;                  /* kept (sodium_malloc) only for always_auth */
};

/* Loads the module the URI names (module-path), else $KESU_PKCS11_MODULE,
 * else every module p11-kit is configured with; finds the one token the
 * URI matches, opens a session and logs in with pin (NULL: the URI's
 * pin-value or pin-source; none, for a token that needs none or has a PIN
 * pad). -KESU_ENOTFOUND (no token), -KESU_EPARSE (several), -ENOKEY,
 * -EKEYREJECTED (wrong PIN), -EACCES (PIN locked), -EIO. */
int Kesu_p11_open(P11KitUri *uri, const char *pin, struct kesu_p11 **p11, char *err,
		  size_t errsize);
/* Logs out, closes the session, finalizes the modules, wipes the PIN. */
void Kesu_p11_close(struct kesu_p11 *p11);
/* The PIN to use: pin, else the URI's pin-value, else its pin-source
 * file's first line; into buf (size bytes). 0, or -errno with err. */
int Kesu_p11_pin(P11KitUri *uri, const char *pin, char *buf, size_t size, char *err,
		 size_t errsize);

/* The one private key the URI names (object=, id=), its type, CKA_ID and
 * whether it wants the PIN per signature. -KESU_ENOTFOUND, -KESU_EPARSE
 * (several keys, or a key that is neither EC nor RSA). */
int Kesu_p11_find_key(struct kesu_p11 *p11, P11KitUri *uri, char *err, size_t errsize);
/* The token's X.509 certificate with the key's CKA_ID; -KESU_ENOTFOUND
 * when it has none. */
int Kesu_p11_find_cert(struct kesu_p11 *p11, X509 **cert, char *err, size_t errsize);
#endif

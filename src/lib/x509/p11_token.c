/* Finding the token a PKCS#11 URI names and logging in (p11_internal.h).
 * p11-kit loads the module: the one the URI's module-path names, the one
 * $KESU_PKCS11_MODULE names, or every module the system configured for
 * p11-kit (as its proxy module would offer them). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/fileio.h"
#include "p11_internal.h"
#include "../i18n.h"

static int load_one(const char *path, struct kesu_p11 *p, char *err, size_t errsize)
{
	CK_FUNCTION_LIST *m = p11_kit_module_load(path, 0);
	if (!m) {
		const char *why = p11_kit_message();
		return snprintf(err, errsize, _("PKCS#11 module %s cannot be loaded: %s"), path,
				why ? why : "no reason given"),
		       -ENOENT;
	}
	CK_RV rv = p11_kit_module_initialize(m);
	p->modules = calloc(2, sizeof(*p->modules));
	if (rv != CKR_OK || !p->modules) {
		p11_kit_module_release(m);
		return snprintf(err, errsize, _("PKCS#11 module %s: C_Initialize: %s"), path,
				rv != CKR_OK ? p11_kit_strerror(rv) : strerror(ENOMEM)),
		       -EIO;
	}
	p->modules[0] = m;
	p->one_module = true;
	return 0;
}

static int load_modules(P11KitUri *uri, struct kesu_p11 *p, char *err, size_t errsize)
{
	const char *path = p11_kit_uri_get_module_path(uri), *env = getenv("KESU_PKCS11_MODULE");
	if (!path || !*path)
		path = env && *env ? env : NULL;
	if (path)
		return load_one(path, p, err, errsize);
	p->modules = p11_kit_modules_load_and_initialize(0);
	if (!p->modules || !p->modules[0])
		return snprintf(err, errsize,
				_("no PKCS#11 module is configured for p11-kit, and the URI names "
				"none (module-path=)")),
		       -KESU_ENOTFOUND;
	return 0;
}

static bool module_matches(P11KitUri *uri, CK_FUNCTION_LIST *m)
{
	const char *want = p11_kit_uri_get_module_name(uri);
	if (want && *want) {
		char *name = p11_kit_module_get_name(m);
		bool same = name && !strcmp(name, want);
		free(name);
		if (!same)
			return false;
	}
	CK_INFO info;
	return m->C_GetInfo(&info) == CKR_OK && p11_kit_uri_match_module_info(uri, &info);
}

static bool slot_matches(P11KitUri *uri, CK_FUNCTION_LIST *m, CK_SLOT_ID slot,
			 CK_TOKEN_INFO *ti)
{
	CK_SLOT_INFO si;
	CK_SLOT_ID want = p11_kit_uri_get_slot_id(uri);
	if (want != (CK_SLOT_ID)-1 && want != slot)
		return false;
	/* A token never initialized holds no key (SoftHSM always offers one). */
	return m->C_GetSlotInfo(slot, &si) == CKR_OK && p11_kit_uri_match_slot_info(uri, &si) &&
	       m->C_GetTokenInfo(slot, ti) == CKR_OK && (ti->flags & CKF_TOKEN_INITIALIZED) &&
	       p11_kit_uri_match_token_info(uri, ti);
}

/* A token label without PKCS#11's padding, for messages. */
static void trim_label(const unsigned char label[32], char out[33])
{
	size_t n = 32;
	while (n > 0 && (label[n - 1] == ' ' || label[n - 1] == '\0'))
		n--;
	for (size_t i = 0; i < n; i++)
		out[i] = label[i] >= 0x20 && label[i] < 0x7f ? (char)label[i] : '?';
	out[n] = '\0';
}

/* The tokens in m that the URI matches: counted, the first kept, labels
 * listed in names. */
static void scan_module(P11KitUri *uri, CK_FUNCTION_LIST *m, struct kesu_p11 *p,
			CK_SLOT_ID *slot, size_t *found, char *names, size_t nsize)
{
	CK_ULONG n = 0;
	if (!module_matches(uri, m) || m->C_GetSlotList(CK_TRUE, NULL, &n) != CKR_OK || n == 0)
		return;
	CK_SLOT_ID *slots = calloc(n, sizeof(*slots));
	if (slots && m->C_GetSlotList(CK_TRUE, slots, &n) == CKR_OK)
		for (CK_ULONG k = 0; k < n; k++) {
			CK_TOKEN_INFO ti;
			char label[33];
			if (!slot_matches(uri, m, slots[k], &ti))
				continue;
			trim_label(ti.label, label);
			if ((*found)++ == 0) {
				p->f = m;
				*slot = slots[k];
				snprintf(p->label, sizeof(p->label), "%s", label);
			}
			size_t used = strlen(names);
			snprintf(names + used, nsize - used, "%s\"%s\"", used ? ", " : "", label);
		}
	free(slots);
}

static int login(struct kesu_p11 *p, CK_SLOT_ID slot, const char *pin, char *err,
		 size_t errsize)
{
	CK_TOKEN_INFO ti;
	CK_RV rv = p->f->C_GetTokenInfo(slot, &ti);
	if (rv == CKR_OK && !(ti.flags & CKF_LOGIN_REQUIRED))
		return 0;
	bool pad = rv == CKR_OK && (ti.flags & CKF_PROTECTED_AUTHENTICATION_PATH);
	if ((!pin || !*pin) && !pad)
		return snprintf(err, errsize, _("PKCS#11 token \"%s\" needs its PIN"), p->label),
		       -ENOKEY;
	size_t len = pin ? strlen(pin) : 0;
	rv = p->f->C_Login(p->session, CKU_USER, len ? (unsigned char *)pin : NULL, len);
	if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) {
		p->logged_in = rv == CKR_OK;
		return 0;
	}
	if (rv == CKR_PIN_INCORRECT)
		return snprintf(err, errsize, _("wrong PIN for PKCS#11 token \"%s\""), p->label),
		       -EKEYREJECTED;
	if (rv == CKR_PIN_LOCKED)
		return snprintf(err, errsize, _("PKCS#11 token \"%s\": the PIN is locked"), p->label),
		       -EACCES;
	return snprintf(err, errsize, _("PKCS#11 token \"%s\": C_Login: %s"), p->label,
			p11_kit_strerror(rv)),
	       -EIO;
}

static int open_token(P11KitUri *uri, const char *pin, struct kesu_p11 *p, char *err,
		      size_t errsize)
{
	char names[256] = "";
	size_t found = 0;
	CK_SLOT_ID slot = 0;
	int rc = load_modules(uri, p, err, errsize);
	for (size_t i = 0; rc == 0 && p->modules[i]; i++)
		scan_module(uri, p->modules[i], p, &slot, &found, names, sizeof(names));
	if (rc < 0)
		return rc;
	if (found == 0)
		return snprintf(err, errsize, _("no PKCS#11 token matches the URI")), -KESU_ENOTFOUND;
	if (found > 1)
		return snprintf(err, errsize,
				_("the PKCS#11 URI matches %zu tokens (%s): add token=LABEL"), found,
				names),
		       -KESU_EPARSE;
	CK_RV rv = p->f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &p->session);
	if (rv != CKR_OK)
		return snprintf(err, errsize, _("PKCS#11 token \"%s\": C_OpenSession: %s"), p->label,
				p11_kit_strerror(rv)),
		       -EIO;
	p->session_open = true;
	return login(p, slot, pin, err, errsize);
}

int Kesu_p11_open(P11KitUri *uri, const char *pin, struct kesu_p11 **p11, char *err,
		  size_t errsize)
{
	*p11 = calloc(1, sizeof(**p11));
	if (!*p11)
		return snprintf(err, errsize, "%s", strerror(ENOMEM)), -ENOMEM;
	int rc = open_token(uri, pin, *p11, err, errsize);
	if (rc < 0) {
		Kesu_p11_close(*p11);
		*p11 = NULL;
	}
	return rc;
}

void Kesu_p11_close(struct kesu_p11 *p)
{
	if (!p)
		return;
	if (p->logged_in)
		p->f->C_Logout(p->session);
	if (p->session_open)
		p->f->C_CloseSession(p->session);
	if (p->one_module && p->modules) {
		p11_kit_module_finalize(p->modules[0]);
		p11_kit_module_release(p->modules[0]);
		free(p->modules);
	} else if (p->modules) {
		p11_kit_modules_finalize_and_release(p->modules);
	}
	if (p->pin)
		sodium_free(p->pin); /* wipes it */
	free(p);
}

/* pin-source: "file:PATH" (RFC 7512) or a plain path; the first line. */
static int pin_from_file(const char *source, char *buf, size_t size, char *err,
			 size_t errsize)
{
	const char *path = strncmp(source, "file:", 5) ? source : source + 5;
	size_t len = 0;
	int rc = kesu_file_read_into(path, KESU_FILE_OWNER_ONLY, buf, size, &len, err, errsize);
	if (rc < 0)
		return rc;
	size_t end = strcspn(buf, "\r\n");
	sodium_memzero(buf + end, size - end);
	return 0;
}

int Kesu_p11_pin(P11KitUri *uri, const char *pin, char *buf, size_t size, char *err,
		 size_t errsize)
{
	const char *value = pin && *pin ? pin : p11_kit_uri_get_pin_value(uri);
	const char *source = p11_kit_uri_get_pin_source(uri);
	buf[0] = '\0';
	if (value && strlen(value) >= size)
		return snprintf(err, errsize, _("the PIN is longer than %zu bytes"), size - 1),
		       -EINVAL;
	if (value)
		memcpy(buf, value, strlen(value) + 1);
	else if (source && *source)
		return pin_from_file(source, buf, size, err, errsize);
	return 0;
}

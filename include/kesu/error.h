/* kesu error codes and the one error-message convention.
 *
 * Library functions return 0 (or a count) on success and a negative value on
 * failure: either -errno or -KESU_E* below (chosen above errno's range).
 * A function that can say more takes `char *err, size_t errsize` as its
 * last two arguments and fills err with one line of English (never with
 * a command-line option: see enum kesu_remedy). KESU_ERRMSG_MAX is the
 * size to give it, as curl has CURL_ERROR_SIZE; a shorter buffer only
 * cuts the message. */
#ifndef KESU_ERROR_H
#define KESU_ERROR_H
#include <stdarg.h>
#include <stddef.h>

#include "kesu/sizes.h"

/* Bytes for one error or reason line, NUL included. */
#define KESU_ERRMSG_MAX 1024

enum kesu_error {
	KESU_EBASE = 4096,
	KESU_EPARSE,       /* malformed input (method file, fixture, JSON) */
	KESU_EREFUSED,     /* the safety gate refused the target */
	KESU_EUNSUPPORTED, /* the device cannot do what was asked */
	KESU_EVERIFY,      /* verification found data that should not be there */
	KESU_EINTERRUPTED, /* stopped by a signal or a vanished device */
	KESU_EMEDIA,       /* media error that retries could not clear */
	KESU_ENOTFOUND,    /* named thing (method, device, record) does not exist */
};

/* Writes "FILE:LINE: message" into err (the parsers' one error form) and
 * returns -KESU_EPARSE. errsize may be 0 (nothing is written). */
int kesu_parse_error(char *err, size_t errsize, const char *file, unsigned line, const char *fmt,
		     va_list ap) __attribute__((format(printf, 5, 0)));

/* What the operator can do about a refusal or a warning. The library never
 * names a command-line option (a text UI or a server has none): it returns
 * these bits next to its message, and each front end phrases its own
 * remedy (the command line names the option, the text UI a key). */
enum kesu_remedy {
	KESU_REMEDY_NONE = 0,
	KESU_REMEDY_FORCE = 1 << 0,       /* accept the warnings (a partition table, a
					   * filesystem) for an unattended run */
	KESU_REMEDY_ALLOW_USB = 1 << 1,   /* try firmware commands through a USB bridge */
	KESU_REMEDY_HPA_RESTORE = 1 << 2, /* remove the HPA for this erase, so the hidden
					   * sectors are erased too */
	KESU_REMEDY_HPA_KEEP = 1 << 3,    /* erase without the HPA's hidden sectors */
};

/* A static English description of a code returned by any kesu_ function
 * (negative or positive form accepted). Never NULL. */
const char *kesu_strerror(int err);

#endif

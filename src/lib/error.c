#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "errmsg.h"
#include "i18n.h"
#include "kesu/error.h"

const char *kesu_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return _("success");
	case KESU_EPARSE: return _("malformed input");
	case KESU_EREFUSED: return _("refused by the safety gate");
	case KESU_EUNSUPPORTED: return _("not supported by the device");
	case KESU_EVERIFY: return _("verification failed");
	case KESU_EINTERRUPTED: return _("cancelled");
	case KESU_EMEDIA: return _("unrecoverable media error");
	case KESU_ENOTFOUND: return _("not found");
	default: return strerror(err);
	}
}

int kesu_parse_error(char *err, size_t errsize, const char *file, unsigned line, const char *fmt,
		     va_list ap)
{
	if (!errsize)
		return -KESU_EPARSE;
	int n = snprintf(err, errsize, "%s:%u: ", file, line);
	if (n >= 0 && (size_t)n < errsize)
		vsnprintf(err + n, errsize - (size_t)n, fmt, ap);
	return -KESU_EPARSE;
}

int Kesu_errorf(char *err, size_t errsize, int rc, const char *fmt, ...)
{
	if (err && errsize) {
		va_list ap;
		va_start(ap, fmt);
		/* Translated here, so that its 45 callers need no _(): xgettext
		 * knows Kesu_errorf's 4th argument (cmake/KesuTranslations.cmake). */
		vsnprintf(err, errsize, _(fmt), ap);
		va_end(ap);
	}
	return rc;
}

/* Stub until the PDF register lands (issue 17). */
#include <errno.h>
#include <stdio.h>

#include "kesu/register.h"

int kesu_register_write_pdf(const struct kesu_register *r, const struct kesu_cert_signing *signing,
			    const char *path, char *err, size_t errsize)
{
	(void)r;
	(void)signing;
	snprintf(err, errsize, "%s: PDF output is not built yet", path);
	return -ENOSYS;
}

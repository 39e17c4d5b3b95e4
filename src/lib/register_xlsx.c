/* Stub until the XLSX writer lands (issue 17). */
#include <errno.h>
#include <stdio.h>

#include "kesu/register.h"

int kesu_register_write_xlsx(const struct kesu_register *r, const char *path, char *err,
			     size_t errsize)
{
	(void)r;
	snprintf(err, errsize, "%s: XLSX output is not built yet", path);
	return -ENOSYS;
}

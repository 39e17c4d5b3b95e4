#include <errno.h>

#include "io_retry.h"
#include "kesu/error.h"

bool Kesu_is_media_error(int err)
{
	err = err < 0 ? -err : err;
	return err == EIO || err == ENODATA || err == EILSEQ || err == EREMOTEIO;
}

bool Kesu_is_interruption(int err)
{
	err = err < 0 ? -err : err;
	return err == ENOSPC || err == ENODEV || err == ENXIO || err == ENOMEDIUM ||
	       err == ESHUTDOWN || err == KESU_EINTERRUPTED;
}

int Kesu_io_exact(const struct kesu_target *t, enum kesu_io_dir dir, void *buf, size_t len,
		  uint64_t offset, unsigned retries, size_t *done)
{
	uint8_t *bytes = buf;
	unsigned failures = 0;
	*done = 0;
	while (*done < len) {
		ssize_t n = dir == KESU_IO_WRITE
				    ? t->ops->write(t->ctx, bytes + *done, len - *done, offset + *done)
				    : t->ops->read(t->ctx, bytes + *done, len - *done, offset + *done);
		if (n > 0) {
			*done += (size_t)n;
			continue;
		}
		int err = n == 0 ? -ENOSPC : (int)n;
		if (err == -EINTR)
			continue;
		if (!Kesu_is_media_error(err) || failures++ >= retries)
			return err;
	}
	return 0;
}

/* Whole transfers on a target: short reads and writes are completed and
 * media errors retried, for the pass writer and the verifier alike. */
#ifndef KESU_IO_RETRY_H
#define KESU_IO_RETRY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/target.h"

/* true for errors that mean the medium failed at that place (EIO, and
 * ENODATA, which is what NVMe media errors become). */
bool Kesu_is_media_error(int err);

/* true for errors that mean the job cannot go on here: device full or
 * gone, or cancelled. They make a job INTERRUPTED rather than FAILED. */
bool Kesu_is_interruption(int err);

enum kesu_io_dir { KESU_IO_READ, KESU_IO_WRITE };

/* Transfers all of [offset, offset + len), retrying a media error up to
 * retries times. *done says how far it got. Returns 0 or the error; no
 * progress at all (0 bytes) counts as -ENOSPC: the end of the device. */
int Kesu_io_exact(const struct kesu_target *t, enum kesu_io_dir dir, void *buf, size_t len,
		  uint64_t offset, unsigned retries, size_t *done);
#endif

/* Named buffer sizes shared by the library and its front ends, so that a
 * path or a key passed from one to the other always fits. */
#ifndef KESU_SIZES_H
#define KESU_SIZES_H

/* A device or file path (Linux PATH_MAX is 4096) with room for a suffix
 * such as ".sig" or "-wal". */
#define KESU_PATH_MAX 4200

/* A ledger device key, "serial:<serial>:<size>" or "path:<path>:<size>"
 * (kesu_ledger_device_key). */
#define KESU_DEVICE_KEY_MAX 4400

#endif

/* The host machine a drive was erased in: its SMBIOS (DMI) identity as
 * the kernel shows it under /sys/class/dmi/id. A lease return identifies
 * the PC, not only its disk; in the live image the host is the PC being
 * returned (docs/certificate.md, "Host machine").
 *
 * Only facts are kept: a value the firmware left as a placeholder ("To Be
 * Filled By O.E.M.", "Default string", "0123456789", ...), one that is not
 * valid UTF-8 or has control characters, and one that could not be read
 * (product_serial is readable by root only) is "" = unknown, and a record
 * says null for it. Never an error: a machine without DMI (an ARM board,
 * a container) simply has an unknown host. */
#ifndef KESU_HOST_H
#define KESU_HOST_H

#include <stdbool.h>
#include <stddef.h>

/* SMBIOS strings are at most 64 characters in practice; a longer value
 * is not cut (a shortened serial would be a false fact): it is unknown. */
#define KESU_HOST_FIELD 128

struct kesu_host_identity {
	char manufacturer[KESU_HOST_FIELD]; /* sys_vendor */
	char product[KESU_HOST_FIELD];      /* product_name */
	char serial[KESU_HOST_FIELD];       /* product_serial */
	char asset_tag[KESU_HOST_FIELD];    /* chassis_asset_tag (no fallback) */
};

/* The environment variable naming a directory read instead of
 * /sys/class/dmi/id (tests: a fixture directory). */
#define KESU_DMI_DIR_ENV "KESU_DMI_DIR"

/* Reads the identity from dir: NULL means $KESU_DMI_DIR when set, else
 * /sys/class/dmi/id. A missing directory or file, an unreadable or
 * oversized file and a placeholder give "" for that field. Returns 0
 * (err is left as it was); -EINVAL only for a NULL h. */
int kesu_host_identity_read(const char *dir, struct kesu_host_identity *h, char *err,
			    size_t errsize);

/* true when at least one field is known. */
bool kesu_host_identity_known(const struct kesu_host_identity *h);

/* true when value (trimmed) is a firmware placeholder or blank, i.e. not
 * a fact about this machine. Compared without regard to case. */
bool kesu_host_value_is_placeholder(const char *value);

#endif

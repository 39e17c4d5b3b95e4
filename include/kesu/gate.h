/* The safety gate every destructive command goes through. It decides from
 * what kesu_device_probe learnt, before anything is opened for writing:
 * refusals can never be overridden; warnings only stop unattended runs
 * unless the operator passes --force. */
#ifndef KESU_GATE_H
#define KESU_GATE_H

#include <stdbool.h>
#include "kesu/device.h"

enum kesu_gate_refusal {
	KESU_REFUSE_SYSTEM = 1 << 0,    /* holds the running system */
	KESU_REFUSE_MOUNTED = 1 << 1,   /* the drive or a partition is mounted */
	KESU_REFUSE_SWAP = 1 << 2,      /* active swap on it */
	KESU_REFUSE_HOLDERS = 1 << 3,   /* dm / md / LVM / loop stand on it */
	KESU_REFUSE_READ_ONLY = 1 << 4, /* cannot be written */
	KESU_REFUSE_PARTITION = 1 << 5, /* a partition, not a whole drive */
	KESU_REFUSE_EMPTY = 1 << 6,     /* size 0: no medium */
	KESU_REFUSE_BUSY = 1 << 7,      /* another program has it open exclusively */
	KESU_REFUSE_NOT_A_DRIVE = 1 << 8, /* neither block device nor regular file */
};

enum kesu_gate_warning {
	KESU_WARN_PARTITION_TABLE = 1 << 0, /* a partition table is present */
	KESU_WARN_FILESYSTEM = 1 << 1,      /* a filesystem or other signature */
};

struct kesu_gate_verdict {
	unsigned refusals;  /* enum kesu_gate_refusal bits */
	unsigned warnings;  /* enum kesu_gate_warning bits */
	char reason[1024];  /* one line: the first refusal, else the warnings */
};

/* Judges a probed drive. Returns true when it may be erased: no refusal,
 * and no warning unless force. The verdict says why in either case. */
bool kesu_gate_judge(const struct kesu_device *dev, bool force, struct kesu_gate_verdict *v);

/* Probes PATH and judges it. Returns 0 when accepted, -KESU_EREFUSED
 * with the verdict filled when refused, or the probe's negative errno
 * (-ENOTBLK becomes a NOT_A_DRIVE refusal). */
int kesu_gate_check(const char *path, const struct kesu_probe_env *env, bool force,
		    struct kesu_device *dev, struct kesu_gate_verdict *v);

/* Opens an accepted drive exclusively: O_EXCL for block devices (the
 * kernel refuses while anything has it mounted or open exclusively), an
 * exclusive lock for image files. Checks that the node is still the drive
 * that was judged. flags are the open(2) access flags (O_RDONLY for a
 * dry run, O_RDWR | O_DIRECT for a wipe). Returns the fd, or
 * -KESU_EREFUSED with v->reason set, or a negative errno. */
int kesu_gate_open(const struct kesu_device *dev, int flags, struct kesu_gate_verdict *v);

/* What the operator must type to confirm: the serial number, or the
 * device name when the drive reports none. */
const char *kesu_gate_confirm_token(const struct kesu_device *dev);

/* true when typed (surrounding white space ignored) matches the token. */
bool kesu_gate_confirmed(const struct kesu_device *dev, const char *typed);

#endif

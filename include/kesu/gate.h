/* The safety gate every destructive command goes through. It decides from
 * what kesu_device_probe learnt, before anything is opened for writing:
 * refusals can never be overridden; warnings only stop unattended runs
 * unless the operator accepts them (the command line's --force). */
#ifndef KESU_GATE_H
#define KESU_GATE_H

#include <stdbool.h>
#include "kesu/device.h"
#include "kesu/error.h"

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
	KESU_REFUSE_KESU_FILE = 1 << 9, /* kesu's own file, or stands on one */
	KESU_REFUSE_STACKED = 1 << 10,  /* SYSTEM / swap / mounted / held comes
	                                 * through the stack (set with that bit) */
	KESU_REFUSE_CHANGED = 1 << 11,  /* the node is no longer what was probed */
};

enum kesu_gate_warning {
	KESU_WARN_PARTITION_TABLE = 1 << 0, /* a partition table is present */
	KESU_WARN_FILESYSTEM = 1 << 1,      /* a filesystem or other signature */
};

struct kesu_gate_verdict {
	unsigned refusals;  /* enum kesu_gate_refusal bits */
	unsigned warnings;  /* enum kesu_gate_warning bits */
	unsigned remedies;  /* enum kesu_remedy bits: KESU_REMEDY_FORCE when the
			     * warnings stop an unattended run */
	char reason[1024];  /* one line: the first refusal, else the warnings */
};

/* kesu's own files, never to be erased: the ledger and its -wal and -shm,
 * the station keys, the config file (paths), and anything inside the
 * certificate directory (dirs). Compared by device and inode, so another
 * name or a hard link is refused too; paths that do not exist are skipped. */
#define KESU_GATE_OWN_MAX 16
struct kesu_gate_own_files {
	const char *paths[KESU_GATE_OWN_MAX];
	size_t npaths;
	const char *dirs[KESU_GATE_OWN_MAX];
	size_t ndirs;
};

/* Judges a probed drive. Returns true when it may be erased: no refusal,
 * and no warning unless force. The verdict says why in either case. */
bool kesu_gate_judge(const struct kesu_device *dev, bool force, struct kesu_gate_verdict *v);

/* Probes PATH and judges it, refusing also kesu's own files (own may be
 * NULL): the image itself, or an image file anywhere below a loop device.
 * Returns 0 when accepted, -KESU_EREFUSED with the verdict filled when
 * refused, or the probe's negative errno (-ENOTBLK becomes a NOT_A_DRIVE
 * refusal). */
int kesu_gate_check(const char *path, const struct kesu_probe_env *env, bool force,
		    const struct kesu_gate_own_files *own, struct kesu_device *dev,
		    struct kesu_gate_verdict *v);

/* Opens an accepted drive once, for all that follows: O_NOFOLLOW, and
 * O_EXCL for block devices (the kernel refuses while anything has it
 * mounted or open exclusively), an exclusive lock for image files. The
 * open descriptor must be exactly the node probed (block device: st_rdev;
 * image file: st_dev and st_ino), else it is refused with
 * KESU_REFUSE_CHANGED ("DEVICE changed since it was checked (...)").
 * Open before asking the operator, and write only through this fd: a name
 * swapped afterwards no longer matters. flags are the open(2) access flags
 * (O_RDONLY for a dry run, O_RDWR | O_DIRECT for a wipe). Returns the fd,
 * or -KESU_EREFUSED with v->reason set, or a negative errno. */
int kesu_gate_open(const struct kesu_device *dev, int flags, struct kesu_gate_verdict *v);

/* Checks an fd from kesu_gate_open again, after the confirmation: it is
 * still the probed node, the drive's name still leads to it, and nothing
 * started to use it meanwhile (the drive is probed and judged again, as
 * with force: warnings do not count). Returns 0, -KESU_EREFUSED with the
 * verdict filled, or a negative errno. */
int kesu_gate_recheck(const struct kesu_device *dev, int fd, struct kesu_gate_verdict *v);

/* What the operator must type to confirm: the serial number, or the
 * device name when the drive reports none. */
const char *kesu_gate_confirm_token(const struct kesu_device *dev);

/* true when typed (surrounding white space ignored) matches the token. */
bool kesu_gate_confirmed(const struct kesu_device *dev, const char *typed);

#endif

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/gate.h"

static void say(struct kesu_gate_verdict *v, const char *fmt, ...)
{
	if (v->reason[0])
		return; /* the first reason found is the one reported */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}

static void describe_system(const struct kesu_device *dev, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *what; } reasons[] = {
		{KESU_SYS_ROOT, "/"}, {KESU_SYS_BOOT, "/boot"}, {KESU_SYS_EFI, "the EFI partition"},
		{KESU_SYS_USR, "/usr"}, {KESU_SYS_SWAP, "active swap"},
		{KESU_SYS_BOOT_MEDIUM, "the medium kesu booted from"},
	};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (dev->system_reasons & reasons[i].bit && used < size)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
						 reasons[i].what);
}

bool kesu_gate_judge(const struct kesu_device *dev, bool force, struct kesu_gate_verdict *v)
{
	memset(v, 0, sizeof(*v));
	const char *p = dev->path;
	char what[256];
	if (dev->system_reasons) {
		v->refusals |= KESU_REFUSE_SYSTEM;
		describe_system(dev, what, sizeof(what));
		say(v, "%s holds the running system (%s); kesu never erases it, not even with --force",
		    p, what);
	}
	if (dev->swap_active) {
		v->refusals |= KESU_REFUSE_SWAP;
		say(v, "%s holds active swap; run swapoff first", p);
	}
	if (dev->nmounts) {
		v->refusals |= KESU_REFUSE_MOUNTED;
		say(v, "%s is mounted on %s%s; unmount it first", p, dev->mounts[0],
		    dev->nmounts > 1 ? " and elsewhere" : "");
	}
	if (dev->nholders) {
		v->refusals |= KESU_REFUSE_HOLDERS;
		say(v, "%s is in use by %s (device-mapper, RAID, LVM or loop); release it first", p,
		    dev->holders[0]);
	}
	if (dev->parent[0]) {
		v->refusals |= KESU_REFUSE_PARTITION;
		say(v, "%s is a partition of %s; kesu erases whole drives", p, dev->parent);
	}
	if (dev->read_only == KESU_YES) {
		v->refusals |= KESU_REFUSE_READ_ONLY;
		say(v, "%s is read-only", p);
	}
	if (dev->size == 0) {
		v->refusals |= KESU_REFUSE_EMPTY;
		say(v, "%s has size 0 (no medium?)", p);
	}
	if (v->refusals)
		return false;

	if (dev->ptable[0])
		v->warnings |= KESU_WARN_PARTITION_TABLE;
	if (dev->fstype[0])
		v->warnings |= KESU_WARN_FILESYSTEM;
	for (size_t i = 0; i < dev->nparts; i++)
		if (dev->parts[i].fstype[0])
			v->warnings |= KESU_WARN_FILESYSTEM;
	if (v->warnings) {
		if (dev->ptable[0])
			say(v, "%s holds a %s partition table with %zu partition(s)%s", p, dev->ptable,
			    dev->nparts, force ? "" : "; add --force to erase it unattended");
		else
			say(v, "%s holds a %s signature%s", p, dev->fstype,
			    force ? "" : "; add --force to erase it unattended");
	}
	return force || !v->warnings;
}

int kesu_gate_check(const char *path, const struct kesu_probe_env *env, bool force,
		    struct kesu_device *dev, struct kesu_gate_verdict *v)
{
	memset(v, 0, sizeof(*v));
	int rc = kesu_device_probe(path, env, dev);
	if (rc == -ENOTBLK) {
		v->refusals = KESU_REFUSE_NOT_A_DRIVE;
		say(v, "%s is neither a block device nor a regular image file", path);
		return -KESU_EREFUSED;
	}
	if (rc < 0)
		return rc;
	return kesu_gate_judge(dev, force, v) ? 0 : -KESU_EREFUSED;
}

int kesu_gate_open(const struct kesu_device *dev, int flags, struct kesu_gate_verdict *v)
{
	memset(v, 0, sizeof(*v));
	bool image = dev->transport == KESU_TRAN_FILE;
	int fd = open(dev->path, flags | O_CLOEXEC | (image ? 0 : O_EXCL));
	if (fd < 0) {
		int err = errno;
		if (err == EBUSY) {
			v->refusals = KESU_REFUSE_BUSY;
			say(v, "%s is busy: another program has it open or mounted", dev->path);
			return -KESU_EREFUSED;
		}
		return -err;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	bool same = image ? S_ISREG(st.st_mode)
			  : S_ISBLK(st.st_mode) && major(st.st_rdev) == dev->dev_major &&
				    minor(st.st_rdev) == dev->dev_minor;
	if (!same) {
		close(fd);
		v->refusals = KESU_REFUSE_NOT_A_DRIVE;
		say(v, "%s changed after it was checked", dev->path);
		return -KESU_EREFUSED;
	}
	if (image && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		v->refusals = KESU_REFUSE_BUSY;
		say(v, "%s is locked by another kesu", dev->path);
		return -KESU_EREFUSED;
	}
	return fd;
}

const char *kesu_gate_confirm_token(const struct kesu_device *dev)
{
	return dev->serial[0] ? dev->serial : dev->name;
}

bool kesu_gate_confirmed(const struct kesu_device *dev, const char *typed)
{
	const char *token = kesu_gate_confirm_token(dev);
	while (*typed == ' ' || *typed == '\t')
		typed++;
	size_t len = strlen(typed);
	while (len && (typed[len - 1] == '\n' || typed[len - 1] == '\r' || typed[len - 1] == ' ' ||
		       typed[len - 1] == '\t'))
		len--;
	return len == strlen(token) && strncmp(typed, token, len) == 0 && len > 0;
}

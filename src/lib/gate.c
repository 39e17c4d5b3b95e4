#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/gate.h"
#include "kesu/grammar.h"
#include "utf8.h"
#include "probe.h"
#include "i18n.h"

__attribute__((format(printf, 2, 3)))
static void say(struct kesu_gate_verdict *v, const char *fmt, ...)
{
	if (v->reason[0])
		return; /* the first reason found is the one reported */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->reason, sizeof(v->reason), fmt, ap);
	va_end(ap);
}

/* SYSTEM, swap, mounted, held: the drive's own use first, then what it
 * inherits through the stack (its line names the chain). */
static void judge_use(const struct kesu_device *dev, struct kesu_gate_verdict *v)
{
	const char *p = dev->path;
	char what[256];
	if (dev->system_reasons) {
		v->refusals |= KESU_REFUSE_SYSTEM;
		Kesu_system_describe(dev->system_reasons, what, sizeof(what));
		say(v, _("%s holds the running system (%s); kesu never erases it, whatever the options"),
		    p, what);
	}
	if (dev->stack[KESU_STACK_SYSTEM][0]) {
		v->refusals |= KESU_REFUSE_SYSTEM | KESU_REFUSE_STACKED;
		say(v, _("%s: %s; kesu never erases the running system"), p, dev->stack[KESU_STACK_SYSTEM]);
	}
	if (dev->swap_active) {
		v->refusals |= KESU_REFUSE_SWAP;
		say(v, _("%s holds active swap; run swapoff first"), p);
	}
	if (dev->stack[KESU_STACK_SWAP][0]) {
		v->refusals |= KESU_REFUSE_SWAP | KESU_REFUSE_STACKED;
		say(v, "%s: %s", p, dev->stack[KESU_STACK_SWAP]);
	}
	if (dev->stack[KESU_STACK_MOUNTED][0]) {
		v->refusals |= KESU_REFUSE_MOUNTED | KESU_REFUSE_STACKED;
		say(v, "%s: %s", p, dev->stack[KESU_STACK_MOUNTED]);
	}
	if (dev->nmounts) {
		v->refusals |= KESU_REFUSE_MOUNTED;
		say(v, _("%s is mounted on %s%s; unmount it first"), p, dev->mounts[0],
		    dev->nmounts > 1 ? " and elsewhere" : "");
	}
	if (dev->nholders) {
		v->refusals |= KESU_REFUSE_HOLDERS;
		say(v, _("%s is in use by %s (device-mapper, RAID, LVM or loop); release it first"), p,
		    dev->holders[0]);
	}
	if (dev->stack[KESU_STACK_HELD][0]) {
		v->refusals |= KESU_REFUSE_HOLDERS | KESU_REFUSE_STACKED;
		say(v, "%s: %s", p, dev->stack[KESU_STACK_HELD]);
	}
	if (dev->busy) { /* the wipe's own O_EXCL open would fail too (kesu_gate_open) */
		v->refusals |= KESU_REFUSE_BUSY;
		if (dev->busy_by[0])
			say(v, _("%s is held open exclusively by %s"), p, dev->busy_by);
		else
			say(v, _("%s is held open exclusively by another program"), p);
	}
}

/* true when the directory holds the inode, at most depth levels down
 * (every entry is stat'ed: overlayfs's d_ino need not be st_ino). */
static bool dir_holds(int dirfd, const struct kesu_stack_file *f, int depth)
{
	DIR *d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return false;
	}
	bool found = false;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		struct stat st;
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			int sub = depth > 0 ? openat(dirfd, e->d_name,
						     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
					    : -1;
			found = sub >= 0 && dir_holds(sub, f, depth - 1);
		} else {
			found = st.st_dev == f->dev && st.st_ino == f->ino;
		}
	}
	closedir(d);
	return found;
}

/* true when PATH (a file kesu probed) lies under the directory. */
static bool path_under(const char *path, const struct stat *dir)
{
	char up[4096];
	snprintf(up, sizeof(up), "%s", path);
	char *slash;
	while ((slash = strrchr(up, '/')) && slash != up) {
		*slash = '\0';
		struct stat st;
		if (stat(up, &st) == 0 && st.st_dev == dir->st_dev && st.st_ino == dir->st_ino)
			return true;
	}
	return false;
}

/* kesu's ledger, keys, config and certificates: the image itself, or an
 * image file below a loop device. */
static void judge_own(const struct kesu_device *dev, const struct kesu_gate_own_files *own,
		      struct kesu_gate_verdict *v)
{
	for (size_t i = 0; own && i < dev->nfiles; i++) {
		const struct kesu_stack_file *f = &dev->files[i];
		const char *hit = NULL;
		struct stat st;
		for (size_t k = 0; !hit && k < own->npaths; k++)
			if (own->paths[k] && stat(own->paths[k], &st) == 0 && st.st_dev == f->dev &&
			    st.st_ino == f->ino)
				hit = own->paths[k];
		for (size_t k = 0; !hit && k < own->ndirs; k++) {
			if (!own->dirs[k] || stat(own->dirs[k], &st) < 0 || !S_ISDIR(st.st_mode))
				continue;
			if (!f->via[0] && path_under(dev->path, &st)) {
				hit = own->dirs[k];
				break;
			}
			int fd = open(own->dirs[k], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (fd >= 0 && dir_holds(fd, f, 4)) /* a hard link kept there */
				hit = own->dirs[k];
		}
		if (!hit)
			continue;
		v->refusals |= KESU_REFUSE_KESU_FILE;
		if (f->via[0])
			say(v, _("%s stands on kesu's own file %s (%s); kesu never erases it"), dev->path,
			    hit, f->via);
		else
			say(v, _("%s is kesu's own file (%s); kesu never erases it"), dev->path, hit);
	}
}

static bool judge(const struct kesu_device *dev, bool force, const struct kesu_gate_own_files *own,
		  struct kesu_gate_verdict *v)
{
	memset(v, 0, sizeof(*v));
	const char *p = dev->path;
	judge_use(dev, v);
	judge_own(dev, own, v);
	if (dev->parent[0]) {
		v->refusals |= KESU_REFUSE_PARTITION;
		say(v, _("%s is a partition of %s; kesu erases whole drives"), p, dev->parent);
	}
	if (dev->read_only == KESU_YES) {
		v->refusals |= KESU_REFUSE_READ_ONLY;
		say(v, _("%s is read-only"), p);
	}
	if (dev->size == 0) {
		v->refusals |= KESU_REFUSE_EMPTY;
		say(v, _("%s has size 0 (no medium?)"), p);
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
		/* The front end says how to go on unattended (kesu_remedy). */
		if (!force)
			v->remedies |= KESU_REMEDY_FORCE;
		if (dev->ptable[0]) {
			unsigned long n = (unsigned long)dev->nparts;
			say(v, kesu_takes_an(dev->ptable)
				       ? dngettext(KESU_TEXT_DOMAIN, "%s holds an %s partition table with %zu partition",
						   "%s holds an %s partition table with %zu partitions", n)
				       : dngettext(KESU_TEXT_DOMAIN, "%s holds a %s partition table with %zu partition",
						   "%s holds a %s partition table with %zu partitions", n),
			    p, dev->ptable, dev->nparts);
		} else {
			say(v, kesu_takes_an(dev->fstype) ? _("%s holds an %s signature")
						   : _("%s holds a %s signature"), p, dev->fstype);
		}
	}
	return force || !v->warnings;
}

bool kesu_gate_judge(const struct kesu_device *dev, bool force, struct kesu_gate_verdict *v)
{
	return judge(dev, force, NULL, v);
}

int kesu_gate_check(const char *path, const struct kesu_probe_env *env, bool force,
		    const struct kesu_gate_own_files *own, struct kesu_device *dev,
		    struct kesu_gate_verdict *v)
{
	memset(v, 0, sizeof(*v));
	int rc = kesu_device_probe(path, env, dev);
	if (rc == -ENOTBLK) {
		v->refusals = KESU_REFUSE_NOT_A_DRIVE;
		say(v, _("%s is neither a block device nor a regular image file"), path);
		return -KESU_EREFUSED;
	}
	if (rc < 0)
		return rc;
	/* The path goes into the signed record, and nothing that is not
	 * UTF-8 is ever signed: refuse now rather than fail after the wipe. */
	if (!kesu_utf8_valid(dev->path, strlen(dev->path))) {
		v->refusals = KESU_REFUSE_NOT_A_DRIVE;
		say(v, _("the drive's path is not valid UTF-8, so it cannot be recorded; give a name that is"));
		return -KESU_EREFUSED;
	}
	return judge(dev, force, own, v) ? 0 : -KESU_EREFUSED;
}

/* Is st the node the probe saw? If not, says what it is now. */
static bool same_node(const struct kesu_device *dev, const struct stat *st, char *now, size_t size)
{
	if (dev->transport == KESU_TRAN_FILE) {
		if (S_ISREG(st->st_mode) && st->st_dev == dev->node_dev && st->st_ino == dev->node_ino)
			return true;
		snprintf(now, size, S_ISREG(st->st_mode) ? "now another file: inode %llu, was %llu"
							 : "no longer a regular file",
			 (unsigned long long)st->st_ino, (unsigned long long)dev->node_ino);
		return false;
	}
	if (S_ISBLK(st->st_mode) && major(st->st_rdev) == dev->dev_major &&
	    minor(st->st_rdev) == dev->dev_minor)
		return true;
	if (S_ISBLK(st->st_mode))
		snprintf(now, size, _("now block device %u:%u, was %u:%u"), major(st->st_rdev),
			 minor(st->st_rdev), dev->dev_major, dev->dev_minor);
	else
		snprintf(now, size, _("no longer a block device"));
	return false;
}

static int changed(const struct kesu_device *dev, const char *now, struct kesu_gate_verdict *v)
{
	v->refusals |= KESU_REFUSE_CHANGED;
	say(v, _("%s changed since it was checked (%s)"), dev->path, now);
	return -KESU_EREFUSED;
}

int kesu_gate_open(const struct kesu_device *dev, int flags, struct kesu_gate_verdict *v)
{
	memset(v, 0, sizeof(*v));
	bool image = dev->transport == KESU_TRAN_FILE;
	/* O_NONBLOCK: a FIFO swapped in for an image must not hang the open.
	 * EBUSY is asked again for half a second: the kernel's own partition
	 * rescan, or another kesu's look at the drive (probe_usage.c opens
	 * it O_EXCL for a moment), claims it only briefly. */
	int fd;
	for (int tries = 0;; tries++) {
		fd = open(dev->path, flags | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | (image ? 0 : O_EXCL));
		if (fd >= 0 || errno != EBUSY || tries == 10)
			break;
		usleep(50000);
	}
	if (fd < 0) {
		int err = errno;
		if (err == EBUSY) {
			v->refusals = KESU_REFUSE_BUSY;
			say(v, _("%s is busy: another program has it open or mounted"), dev->path);
			return -KESU_EREFUSED;
		}
		if (err == ELOOP)
			return changed(dev, "now a symbolic link", v);
		return -err;
	}
	struct stat st;
	char now[160];
	int fl;
	if (fstat(fd, &st) < 0 || (fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
		int err = errno;
		close(fd);
		return -err;
	}
	if (!same_node(dev, &st, now, sizeof(now))) {
		close(fd);
		return changed(dev, now, v);
	}
	if (image && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		close(fd);
		v->refusals = KESU_REFUSE_BUSY;
		say(v, _("%s is locked by another kesu"), dev->path);
		return -KESU_EREFUSED;
	}
	return fd;
}

int kesu_gate_recheck(const struct kesu_device *dev, int fd, struct kesu_gate_verdict *v)
{
	memset(v, 0, sizeof(*v));
	struct stat st;
	char now[160];
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!same_node(dev, &st, now, sizeof(now)))
		return changed(dev, now, v);
	if (lstat(dev->path, &st) < 0)
		return changed(dev, "its name is gone", v);
	if (!same_node(dev, &st, now, sizeof(now)))
		return changed(dev, now, v);
	/* Someone may have mounted a loop device on the image meanwhile. */
	struct kesu_probe_env env = {.skip_smart = true, .skip_contents = true};
	struct kesu_device *again = malloc(sizeof(*again));
	if (!again)
		return -ENOMEM;
	int rc = kesu_device_probe(dev->path, &env, again);
	if (rc == 0 && !judge(again, true, NULL, v))
		rc = -KESU_EREFUSED;
	free(again);
	return rc;
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

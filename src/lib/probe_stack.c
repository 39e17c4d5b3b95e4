/* The stack below a drive: what it stands on (a partition's whole disk,
 * dm/md slaves, a loop device's backing device or file), down to the
 * bottom. Whatever is in use on a device below, or on anything else that
 * stands on it, is in use by the drive too: writing the drive writes it.
 * The filesystem holding a backing file does not count (an image file
 * lives on a mounted filesystem by nature); other loop devices on the same
 * file, and the file being active swap, do. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "kesu/loopdev.h"
#include "probe.h"
#include "sysfs.h"

#define MAX_DEPTH 8

static bool real_machine(const struct kesu_probe_env *env)
{
	return !env || !env->sysfs_root;
}

static int read_devno(const char *dir, dev_t *out)
{
	char devno[32];
	unsigned maj, min;
	if (Kesu_sysfs_read_str(dir, "dev", devno, sizeof(devno)) <= 0 ||
	    sscanf(devno, "%u:%u", &maj, &min) != 2)
		return -ENOENT;
	*out = makedev(maj, min);
	return 0;
}

int Kesu_block_dir_by_name(const char *sysfs, const char *name, char *out, size_t size)
{
	char link[PATH_MAX], real[PATH_MAX];
	snprintf(link, sizeof(link), "%s/class/block/%s", sysfs, name);
	if (!realpath(link, real)) {
		snprintf(link, sizeof(link), "%s/block/%s", sysfs, name);
		if (!realpath(link, real)) {
			/* Fixture trees have no class/block: a partition sits in its disk. */
			snprintf(link, sizeof(link), "%s/block", sysfs);
			DIR *d = opendir(link);
			struct dirent *e;
			bool found = false;
			while (d && !found && (e = readdir(d))) {
				char part[PATH_MAX];
				snprintf(part, sizeof(part), "%s/block/%s/%s", sysfs, e->d_name, name);
				found = e->d_name[0] != '.' && Kesu_sysfs_has(part, "partition") &&
					realpath(part, real);
			}
			if (d)
				closedir(d);
			if (!found)
				return -ENOENT;
		}
	}
	snprintf(out, size, "%s", real);
	return 0;
}

int Kesu_block_dir_by_dev(const char *sysfs, dev_t dev, char *out, size_t size)
{
	char link[PATH_MAX], real[PATH_MAX];
	snprintf(link, sizeof(link), "%s/dev/block/%u:%u", sysfs, major(dev), minor(dev));
	if (realpath(link, real)) {
		snprintf(out, size, "%s", real);
		return 0;
	}
	/* Fixture trees have no dev/block: look at every disk and partition. */
	snprintf(link, sizeof(link), "%s/block", sysfs);
	DIR *d = opendir(link);
	if (!d)
		return -ENOENT;
	struct dirent *e;
	int rc = -ENOENT;
	while (rc < 0 && (e = readdir(d))) {
		char disk[PATH_MAX];
		dev_t got;
		snprintf(link, sizeof(link), "%s/block/%s", sysfs, e->d_name);
		if (e->d_name[0] == '.' || !realpath(link, disk))
			continue;
		if (read_devno(disk, &got) == 0 && got == dev) {
			snprintf(out, size, "%s", disk);
			rc = 0;
			break;
		}
		DIR *pd = opendir(disk);
		struct dirent *p;
		while (pd && (p = readdir(pd))) {
			char part[PATH_MAX];
			snprintf(part, sizeof(part), "%s/%s", disk, p->d_name);
			if (p->d_name[0] != '.' && Kesu_sysfs_has(part, "partition") &&
			    read_devno(part, &got) == 0 && got == dev) {
				snprintf(out, size, "%s", part);
				rc = 0;
				break;
			}
		}
		if (pd)
			closedir(pd);
	}
	closedir(d);
	return rc;
}

/* What backs one loop device: the kernel's answer on the real machine,
 * else its backing_file followed by name. */
static void resolve_backing(const struct kesu_probe_env *env, const char *sysfs,
			    struct kesu_loop_entry *l)
{
	char node[80];
	struct kesu_loop_backing b;
	snprintf(node, sizeof(node), "/dev/%s", l->name);
	if (real_machine(env) && kesu_loop_backing(node, &b) == 0) {
		l->backing_rdev = (dev_t)b.rdev;
		l->file_known = b.rdev == 0;
		l->file_dev = (dev_t)b.dev;
		l->file_ino = (ino_t)b.ino;
		return;
	}
	char dir[PATH_MAX];
	struct stat st;
	if (!real_machine(env) && strncmp(l->backing, "/dev/", 5) == 0) {
		if (Kesu_block_dir_by_name(sysfs, l->backing + 5, dir, sizeof(dir)) == 0)
			read_devno(dir, &l->backing_rdev);
	} else if (stat(l->backing, &st) == 0) {
		if (S_ISBLK(st.st_mode)) {
			l->backing_rdev = st.st_rdev;
		} else {
			l->file_known = true;
			l->file_dev = st.st_dev;
			l->file_ino = st.st_ino;
		}
	}
}

int Kesu_loop_table_load(const struct kesu_probe_env *env, struct kesu_loop_table *t)
{
	const char *sysfs = Kesu_env_sysfs(env);
	char path[PATH_MAX];
	t->loops = NULL;
	t->count = 0;
	snprintf(path, sizeof(path), "%s/block", sysfs);
	DIR *d = opendir(path);
	if (!d)
		return 0; /* no sysfs: nothing is known to stand anywhere */
	size_t cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		char dir[PATH_MAX];
		snprintf(path, sizeof(path), "%s/block/%s", sysfs, e->d_name);
		if (strncmp(e->d_name, "loop", 4) != 0 || !realpath(path, dir))
			continue;
		struct kesu_loop_entry l;
		memset(&l, 0, sizeof(l));
		if (Kesu_sysfs_read_str(dir, "loop/backing_file", l.backing, sizeof(l.backing)) <= 0 ||
		    read_devno(dir, &l.dev) < 0)
			continue; /* not attached */
		snprintf(l.name, sizeof(l.name), "%s", e->d_name);
		resolve_backing(env, sysfs, &l);
		if (t->count == cap) {
			cap = cap ? cap * 2 : 16;
			struct kesu_loop_entry *grown = realloc(t->loops, cap * sizeof(*grown));
			if (!grown) {
				closedir(d);
				Kesu_loop_table_free(t);
				return -ENOMEM;
			}
			t->loops = grown;
		}
		t->loops[t->count++] = l;
	}
	closedir(d);
	return 0;
}

void Kesu_loop_table_free(struct kesu_loop_table *t)
{
	free(t->loops);
	t->loops = NULL;
	t->count = 0;
}

/* One walk down from the drive. seen holds everything standing on the
 * drive and every device the walk passed: none of them counts against
 * the drive as a base's use, and none is walked twice (cycles). */
struct walk {
	const struct kesu_probe_env *env;
	const char *sysfs;
	const struct kesu_loop_table *loops;
	struct kesu_tree *seen;
	struct kesu_device *dev;
};

static void note(struct kesu_device *dev, enum kesu_stack_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct kesu_device *dev, enum kesu_stack_kind kind, const char *fmt, ...)
{
	if (dev->stack[kind][0])
		return; /* the first found, nearest the drive, is reported */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(dev->stack[kind], sizeof(dev->stack[kind]), fmt, ap);
	va_end(ap);
}

/* "which is mounted on /mnt" or "which /dev/loop3 (on /mnt) stands on too". */
static void judge_base(struct walk *w, const struct kesu_tree *t, const char *chain)
{
	struct kesu_tree_use u;
	struct kesu_device *dev = w->dev;
	if (Kesu_tree_use(w->env, t, w->seen, &u, NULL) < 0) {
		note(dev, KESU_STACK_HELD, "held: %s, whose use cannot be read", chain);
		return; /* never taken as unused */
	}
	char what[KESU_STR * 2];
	if (u.system) {
		Kesu_system_describe(u.system, what, sizeof(what));
		note(dev, KESU_STACK_SYSTEM, "SYSTEM: %s, which holds %s", chain, what);
	}
	if (u.swap_node == 0)
		note(dev, KESU_STACK_SWAP, "swap: %s, which is active swap", chain);
	else if (u.swap_node > 0)
		note(dev, KESU_STACK_SWAP, "swap: %s, which /dev/%s (active swap) stands on too", chain,
		     t->nodes[u.swap_node].name);
	if (u.mount_node == 0)
		note(dev, KESU_STACK_MOUNTED, "mounted: %s, which is mounted on %s", chain, u.mountpoint);
	else if (u.mount_node > 0)
		note(dev, KESU_STACK_MOUNTED, "mounted: %s, which /dev/%s (on %s) stands on too", chain,
		     t->nodes[u.mount_node].name, u.mountpoint);
	if (u.held_node > 0)
		note(dev, KESU_STACK_HELD, "held: %s, which /dev/%s stands on too", chain,
		     t->nodes[u.held_node].name);
}

static void seen_add(struct kesu_tree *seen, dev_t dev)
{
	if (seen->count < KESU_TREE_MAX && Kesu_tree_find(seen, dev) < 0)
		seen->nodes[seen->count++] = (struct kesu_tree_node){.dev = dev, .below = -1};
}

static void walk_block(struct walk *w, const char *dir, const char *chain, int depth);

static void extend(char *out, size_t size, const char *chain, const char *how, const char *what)
{
	snprintf(out, size, "%s%s%s %s", chain, chain[0] ? ", " : "", how, what);
}

/* A base block device: judged, then followed further down. */
static void base_block(struct walk *w, const char *dir, const char *chain, const char *how,
		       int depth)
{
	dev_t dev;
	if (read_devno(dir, &dev) < 0 || Kesu_tree_find(w->seen, dev) >= 0)
		return; /* walked already: a cycle, or two ways down to one device */
	char next[1024], name[80];
	snprintf(name, sizeof(name), "/dev/%s", strrchr(dir, '/') + 1);
	extend(next, sizeof(next), chain, how, name);
	if (depth > MAX_DEPTH) {
		note(w->dev, KESU_STACK_HELD, "held: %s: deeper than %d devices, not followed further",
		     next, MAX_DEPTH);
		return;
	}
	struct kesu_tree *t = malloc(sizeof(*t));
	if (!t) {
		note(w->dev, KESU_STACK_HELD, "held: %s: out of memory following it", next);
		return;
	}
	Kesu_tree_of_block(t, w->sysfs, w->loops, dir);
	judge_base(w, t, next);
	free(t);
	seen_add(w->seen, dev);
	walk_block(w, dir, next, depth + 1);
}

/* A loop device's backing file: judged, and kept for the own-files check. */
static void base_file(struct walk *w, const struct kesu_loop_entry *l, const char *chain)
{
	struct kesu_device *dev = w->dev;
	for (size_t i = 0; i < dev->nfiles; i++)
		if (dev->files[i].dev == l->file_dev && dev->files[i].ino == l->file_ino)
			return;
	char next[1024];
	extend(next, sizeof(next), chain, "backed by", l->backing);
	if (dev->nfiles == KESU_MAX_STACK_FILES) {
		/* The own-files check could not see it: refuse rather than guess. */
		note(dev, KESU_STACK_HELD, "held: %s: more image files below than kesu follows (%d)",
		     next, KESU_MAX_STACK_FILES);
		return;
	}
	struct kesu_stack_file *f = &dev->files[dev->nfiles++];
	f->dev = l->file_dev;
	f->ino = l->file_ino;
	snprintf(f->via, sizeof(f->via), "%s", next);
	struct kesu_tree *t = malloc(sizeof(*t));
	if (!t) {
		note(dev, KESU_STACK_HELD, "held: %s: out of memory following it", next);
		return;
	}
	Kesu_tree_of_file(t, w->sysfs, w->loops, l->file_dev, l->file_ino);
	judge_base(w, t, next);
	free(t);
}

/* What the block device at dir stands on. */
static void walk_block(struct walk *w, const char *dir, const char *chain, int depth)
{
	char path[PATH_MAX], below[PATH_MAX];
	if (Kesu_sysfs_has(dir, "partition")) {
		snprintf(path, sizeof(path), "%s", dir);
		*strrchr(path, '/') = '\0';
		base_block(w, path, chain, "on the disk", depth);
	}
	snprintf(path, sizeof(path), "%s/slaves", dir);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] != '.' &&
		    Kesu_block_dir_by_name(w->sysfs, e->d_name, below, sizeof(below)) == 0)
			base_block(w, below, chain, "built on", depth);
	}
	if (d)
		closedir(d);
	dev_t self;
	if (read_devno(dir, &self) < 0)
		return;
	for (size_t i = 0; w->loops && i < w->loops->count; i++) {
		const struct kesu_loop_entry *l = &w->loops->loops[i];
		if (l->dev != self)
			continue;
		if (l->backing_rdev && Kesu_block_dir_by_dev(w->sysfs, l->backing_rdev, below,
							     sizeof(below)) == 0)
			base_block(w, below, chain, "backed by", depth);
		else if (l->file_known)
			base_file(w, l, chain);
		else /* a deleted file the kernel was not asked about, ... */
			note(w->dev, KESU_STACK_HELD, "held: %s%sbacked by %s, which kesu cannot identify",
			     chain, chain[0] ? ", " : "", l->backing);
	}
}

void Kesu_probe_stack(const struct kesu_probe_env *env, const struct kesu_loop_table *loops,
		      const struct kesu_tree *up, struct kesu_device *dev)
{
	if (dev->transport == KESU_TRAN_FILE) {
		/* An image stands on nothing kesu follows; what stands on it
		 * (loop devices) is its own use. */
		dev->files[0] = (struct kesu_stack_file){.dev = dev->node_dev, .ino = dev->node_ino};
		dev->nfiles = 1;
		return;
	}
	if (!dev->sysfs_path[0])
		return;
	struct kesu_tree *seen = malloc(sizeof(*seen));
	if (!seen) {
		snprintf(dev->stack[KESU_STACK_HELD], sizeof(dev->stack[0]),
			 "held: out of memory following the stack");
		return;
	}
	*seen = *up;
	seen->file_root = false;
	struct walk w = {env, Kesu_env_sysfs(env), loops, seen, dev};
	walk_block(&w, dev->sysfs_path, "", 0);
	free(seen);
}

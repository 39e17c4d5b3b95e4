/* Is a drive in use, and does it hold the running system? Every block
 * device that stands on the drive (its partitions, and recursively their
 * dm/md holders and the loop devices backed by any of them) is collected
 * in a tree; then mounts, swaps and the boot medium are matched against
 * it. probe_stack.c follows the stack the other way, down. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "probe.h"
#include "sysfs.h"

int Kesu_tree_find(const struct kesu_tree *t, dev_t dev)
{
	for (size_t i = t->file_root ? 1 : 0; i < t->count; i++)
		if (t->nodes[i].dev == dev)
			return (int)i;
	return -1;
}

static void tree_add_dir(struct kesu_tree *t, const char *sysfs, const struct kesu_loop_table *loops,
			 const char *dir, int below, enum kesu_tree_edge edge, int depth);

/* Adds one node by its sysfs directory or, when dir is NULL, by number. */
static void tree_add_dev(struct kesu_tree *t, const char *sysfs, const struct kesu_loop_table *loops,
			 dev_t dev, int below, enum kesu_tree_edge edge, int depth)
{
	char dir[PATH_MAX];
	if (Kesu_block_dir_by_dev(sysfs, dev, dir, sizeof(dir)) == 0)
		tree_add_dir(t, sysfs, loops, dir, below, edge, depth);
}

/* The dm/md holders of a sysfs block directory and what stands on them. */
static void tree_add_holders(struct kesu_tree *t, const char *sysfs,
			     const struct kesu_loop_table *loops, const char *dir, int below, int depth)
{
	char path[PATH_MAX], holder[PATH_MAX];
	snprintf(path, sizeof(path), "%s/holders", dir);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] != '.' && Kesu_block_dir_by_name(sysfs, e->d_name, holder,
								  sizeof(holder)) == 0)
			tree_add_dir(t, sysfs, loops, holder, below, KESU_EDGE_HOLDER, depth + 1);
	}
	closedir(d);
}

/* Loop devices backed by the block device dev, or by the file. */
static void tree_add_loops(struct kesu_tree *t, const char *sysfs, const struct kesu_loop_table *loops,
			   const struct kesu_loop_entry *match, int below, int depth)
{
	for (size_t i = 0; loops && i < loops->count; i++) {
		const struct kesu_loop_entry *l = &loops->loops[i];
		bool hit = match->backing_rdev ? l->backing_rdev == match->backing_rdev
					       : l->file_known && l->file_dev == match->file_dev &&
							 l->file_ino == match->file_ino;
		if (hit)
			tree_add_dev(t, sysfs, loops, l->dev, below, KESU_EDGE_LOOP, depth + 1);
	}
}

/* Adds a block device directory, its partitions, and what stands on them. */
static void tree_add_dir(struct kesu_tree *t, const char *sysfs, const struct kesu_loop_table *loops,
			 const char *dir, int below, enum kesu_tree_edge edge, int depth)
{
	char devno[32];
	unsigned maj, min;
	if (Kesu_sysfs_read_str(dir, "dev", devno, sizeof(devno)) <= 0 ||
	    sscanf(devno, "%u:%u", &maj, &min) != 2 || Kesu_tree_find(t, makedev(maj, min)) >= 0)
		return; /* already there (a cycle, in an odd tree) */
	if (depth > 16 || t->count >= KESU_TREE_MAX) {
		t->truncated = true; /* the caller must not take the rest as unused */
		return;
	}
	int self = (int)t->count++;
	struct kesu_tree_node *n = &t->nodes[self];
	n->dev = makedev(maj, min);
	n->below = below;
	n->edge = edge;
	const char *base = strrchr(dir, '/');
	snprintf(n->name, sizeof(n->name), "%s", base ? base + 1 : dir);

	tree_add_holders(t, sysfs, loops, dir, self, depth);
	struct kesu_loop_entry match = {.backing_rdev = makedev(maj, min)};
	tree_add_loops(t, sysfs, loops, &match, self, depth);

	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char part[PATH_MAX];
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(part, sizeof(part), "%s/%s", dir, e->d_name);
		if (Kesu_sysfs_has(part, "partition"))
			tree_add_dir(t, sysfs, loops, part, self, KESU_EDGE_PARTITION, depth + 1);
	}
	closedir(d);
}

void Kesu_tree_of_block(struct kesu_tree *t, const char *sysfs, const struct kesu_loop_table *loops,
			const char *dir)
{
	t->count = 0;
	t->truncated = false;
	t->file_root = false;
	tree_add_dir(t, sysfs, loops, dir, -1, KESU_EDGE_ROOT, 0);
}

void Kesu_tree_of_file(struct kesu_tree *t, const char *sysfs, const struct kesu_loop_table *loops,
		       dev_t file_dev, ino_t file_ino)
{
	t->count = 1;
	t->truncated = false;
	t->file_root = true;
	t->file_dev = file_dev;
	t->file_ino = file_ino;
	memset(&t->nodes[0], 0, sizeof(t->nodes[0]));
	t->nodes[0].below = -1;
	struct kesu_loop_entry match = {.file_known = true, .file_dev = file_dev, .file_ino = file_ino};
	tree_add_loops(t, sysfs, loops, &match, 0, 0);
}

/* mountinfo and swaps escape space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *out = s;
	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

static unsigned system_reason_of(const char *mountpoint)
{
	if (strcmp(mountpoint, "/") == 0)
		return KESU_SYS_ROOT;
	if (strcmp(mountpoint, "/boot") == 0)
		return KESU_SYS_BOOT;
	if (strcmp(mountpoint, "/boot/efi") == 0 || strcmp(mountpoint, "/efi") == 0)
		return KESU_SYS_EFI;
	if (strcmp(mountpoint, "/usr") == 0)
		return KESU_SYS_USR;
	return 0;
}

void Kesu_system_describe(unsigned bits, char *buf, size_t size)
{
	static const struct { unsigned bit; const char *what; } reasons[] = {
		{KESU_SYS_ROOT, "/"}, {KESU_SYS_BOOT, "/boot"}, {KESU_SYS_EFI, "the EFI partition"},
		{KESU_SYS_USR, "/usr"}, {KESU_SYS_SWAP, "active swap"},
		{KESU_SYS_BOOT_MEDIUM, "the medium kesu booted from"},
	};
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (bits & reasons[i].bit && used < size)
			used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
						 reasons[i].what);
}

/* The device a mount stands on: its st_dev, or for filesystems that report
 * an anonymous device (btrfs: major 0) the node named as its source. */
static bool mount_device(unsigned maj, unsigned min, const char *source, dev_t *out)
{
	struct stat st;
	if (maj != 0) {
		*out = makedev(maj, min);
		return true;
	}
	if (source[0] == '/' && stat(source, &st) == 0 && S_ISBLK(st.st_mode)) {
		*out = st.st_rdev;
		return true;
	}
	return false;
}

/* The node of the tree the device is, unless skip has it: -1 then. */
static int counted(const struct kesu_tree *t, const struct kesu_tree *skip, dev_t d)
{
	int i = Kesu_tree_find(t, d);
	return i >= 0 && skip && Kesu_tree_find(skip, d) >= 0 ? -1 : i;
}

static void use_system(struct kesu_tree_use *u, unsigned bit, int node, const char *what)
{
	if (!bit)
		return;
	u->system |= bit;
	if (u->system_node < 0) {
		u->system_node = node;
		snprintf(u->system_mount, sizeof(u->system_mount), "%s", what);
	}
}

static int match_mounts(const char *mountinfo, const struct kesu_tree *t,
			const struct kesu_tree *skip, struct kesu_tree_use *u, struct kesu_device *fill)
{
	FILE *f = fopen(mountinfo, "re");
	if (!f)
		return -errno;
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) > 0) {
		unsigned maj, min;
		char mountpoint[4096], rest[4096];
		if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mountpoint) != 3)
			continue;
		const char *sep = strstr(line, " - ");
		char source[4096] = "";
		if (sep && sscanf(sep + 3, "%*s %4095s %4095s", source, rest) < 1)
			source[0] = '\0';
		unescape_octal(mountpoint);
		unescape_octal(source);
		dev_t d;
		int node;
		if (!mount_device(maj, min, source, &d) || (node = counted(t, skip, d)) < 0)
			continue;
		use_system(u, system_reason_of(mountpoint), node, mountpoint);
		if (u->mount_node < 0) {
			u->mount_node = node;
			snprintf(u->mountpoint, sizeof(u->mountpoint), "%s", mountpoint);
		}
		if (!fill)
			continue;
		fill->system_reasons |= system_reason_of(mountpoint);
		if (fill->nmounts < KESU_MAX_MOUNTS)
			snprintf(fill->mounts[fill->nmounts++], sizeof(fill->mounts[0]), "%s", mountpoint);
	}
	free(line);
	fclose(f);
	return 0;
}

static int match_swaps(const char *swaps, const struct kesu_tree *t, const struct kesu_tree *skip,
		       struct kesu_tree_use *u, struct kesu_device *fill)
{
	FILE *f = fopen(swaps, "re");
	if (!f)
		return errno == ENOENT ? 0 : -errno; /* no swap support at all */
	char *line = NULL;
	size_t cap = 0;
	bool header = true;
	while (getline(&line, &cap, f) > 0) {
		char name[4096];
		if (header) {
			header = false;
			continue;
		}
		if (sscanf(line, "%4095s", name) != 1)
			continue;
		unescape_octal(name);
		struct stat st;
		int node = -1;
		if (stat(name, &st) == 0) {
			if (S_ISBLK(st.st_mode))
				node = counted(t, skip, st.st_rdev);
			else if (t->file_root && st.st_dev == t->file_dev && st.st_ino == t->file_ino)
				node = 0; /* the image file itself is the swap file */
			else /* a swap file on one of the drive's filesystems */
				node = counted(t, skip, st.st_dev);
		}
		if (node < 0)
			continue;
		use_system(u, KESU_SYS_SWAP, node, "active swap");
		if (u->swap_node < 0)
			u->swap_node = node;
		if (fill) {
			fill->swap_active = true;
			fill->system_reasons |= KESU_SYS_SWAP;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

/* The live image writes the device it booted from (a path or MAJ:MIN) to a
 * file, so kesu never offers to erase its own medium. */
static void match_boot_medium(const char *file, const struct kesu_tree *t,
			      const struct kesu_tree *skip, struct kesu_tree_use *u,
			      struct kesu_device *fill)
{
	char text[4096];
	if (Kesu_sysfs_read_str("/", file[0] == '/' ? file + 1 : file, text, sizeof(text)) <= 0)
		return;
	unsigned maj, min;
	struct stat st;
	dev_t d;
	if (sscanf(text, "%u:%u", &maj, &min) == 2)
		d = makedev(maj, min);
	else if (stat(text, &st) == 0 && S_ISBLK(st.st_mode))
		d = st.st_rdev;
	else
		return;
	int node = counted(t, skip, d);
	if (node < 0)
		return;
	use_system(u, KESU_SYS_BOOT_MEDIUM, node, "the boot medium");
	if (fill)
		fill->system_reasons |= KESU_SYS_BOOT_MEDIUM;
}

int Kesu_tree_use(const struct kesu_probe_env *env, const struct kesu_tree *t,
		  const struct kesu_tree *skip, struct kesu_tree_use *u, struct kesu_device *fill)
{
	memset(u, 0, sizeof(*u));
	u->system_node = u->mount_node = u->swap_node = u->held_node = -1;
	for (size_t i = 1; i < t->count && u->held_node < 0; i++)
		if (t->nodes[i].edge == KESU_EDGE_HOLDER && !(skip && Kesu_tree_find(skip, t->nodes[i].dev) >= 0))
			u->held_node = (int)i;
	int rc = match_mounts(env && env->mountinfo ? env->mountinfo : "/proc/self/mountinfo", t,
			      skip, u, fill);
	if (rc == 0)
		rc = match_swaps(env && env->swaps ? env->swaps : "/proc/swaps", t, skip, u, fill);
	if (rc == 0)
		match_boot_medium(env && env->boot_medium ? env->boot_medium : "/run/kesu/boot-device",
				  t, skip, u, fill);
	return rc;
}

/* "/dev/loop8, /dev/loop9": the nodes between node and the root. */
static void path_between(const struct kesu_tree *t, int node, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int i = t->nodes[node].below; i > 0 && used < size; i = t->nodes[i].below)
		used += (size_t)snprintf(buf + used, size - used, "%s/dev/%s", used ? ", " : "",
					 t->nodes[i].name);
}

/* A mount, swap or SYSTEM mark on something standing on the drive (not
 * the drive or one of its partitions) is named with the chain to it. */
static void note_from_above(const struct kesu_tree *t, int node, enum kesu_stack_kind kind,
			    const char *what, struct kesu_device *dev)
{
	if (node < 0 || dev->stack[kind][0])
		return;
	const struct kesu_tree_node *n = &t->nodes[node];
	if (n->edge == KESU_EDGE_ROOT || (n->edge == KESU_EDGE_PARTITION && n->below == 0))
		return;
	static const char *const word[] = {"SYSTEM", "swap", "mounted", "held"};
	char through[512];
	path_between(t, node, through, sizeof(through));
	snprintf(dev->stack[kind], sizeof(dev->stack[kind]), "%s: /dev/%s (%s) stands on it%s%s",
		 word[kind], n->name, what, through[0] ? " through " : "", through);
}

/* Loop devices standing right on the drive (or a partition) hold it, as
 * dm and md do; probe_sysfs found those. */
static void add_loop_holders(const struct kesu_tree *t, struct kesu_device *dev)
{
	for (size_t i = 1; i < t->count && dev->nholders < KESU_MAX_HOLDERS; i++) {
		const struct kesu_tree_node *n = &t->nodes[i];
		int below = n->below;
		if (n->edge != KESU_EDGE_LOOP ||
		    (below != 0 && !(t->nodes[below].edge == KESU_EDGE_PARTITION &&
				     t->nodes[below].below == 0)))
			continue;
		snprintf(dev->holders[dev->nholders++], sizeof(dev->holders[0]), "%s", n->name);
	}
}

/* Whether the process's descriptors (/proc/PID/fd) include one of the
 * tree's block devices. */
static bool fd_dir_holds(const struct kesu_tree *t, const char *path)
{
	DIR *fds = opendir(path);
	struct dirent *f;
	bool found = false;
	while (fds && !found && (f = readdir(fds))) {
		struct stat st;
		found = fstatat(dirfd(fds), f->d_name, &st, 0) == 0 && S_ISBLK(st.st_mode) &&
			Kesu_tree_find(t, st.st_rdev) >= 0;
	}
	if (fds)
		closedir(fds);
	return found;
}

/* The first other process with one of the tree's devices open, as fuser
 * finds it. Only root sees other users' descriptors; then nothing is named. */
static bool proc_holder(const struct kesu_tree *t, pid_t self, char *buf, size_t size)
{
	DIR *proc = opendir("/proc");
	struct dirent *p;
	bool found = false;
	while (proc && !found && (p = readdir(proc))) {
		char *end, path[PATH_MAX];
		long pid = strtol(p->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/fd", pid);
		found = fd_dir_holds(t, path);
		if (found) {
			char comm[64] = "";
			snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
			FILE *c = fopen(path, "re");
			if (!c || !fgets(comm, sizeof(comm), c))
				snprintf(comm, sizeof(comm), "?");
			if (c)
				fclose(c);
			comm[strcspn(comm, "\n")] = '\0';
			snprintf(buf, size, "%s (pid %ld)", comm, pid);
		}
	}
	if (proc)
		closedir(proc);
	return found;
}

/* Held open exclusively by a program: the kernel refuses a second O_EXCL
 * open with EBUSY, as it will refuse the wipe's (kesu_gate_open). Asked
 * only when nothing already found (mounts, holders, swap) explains it,
 * and only on the machine itself (not fixtures). The open is read-only
 * and closed at once. */
static void probe_exclusive(const struct kesu_probe_env *env, const struct kesu_tree *t,
			    struct kesu_device *dev)
{
	/* A process that has the drive open itself (kesu wipe, probing again
	 * after its own exclusive open) cannot tell its claim from another's. */
	if ((env && env->sysfs_root) || dev->transport == KESU_TRAN_FILE || !dev->sysfs_path[0] ||
	    kesu_device_in_use(dev) || fd_dir_holds(t, "/proc/self/fd"))
		return;
	/* The kernel claims a disk for a moment itself (a partition rescan
	 * after losetup or a partition table write): busy only when it stays
	 * so for about half a second. */
	for (int tries = 0;; tries++) {
		int fd = open(dev->path, O_RDONLY | O_EXCL | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			close(fd);
			return;
		}
		if (errno != EBUSY)
			return;
		if (tries == 10)
			break;
		usleep(50000);
	}
	dev->busy = true;
	proc_holder(t, getpid(), dev->busy_by, sizeof(dev->busy_by));
}

int Kesu_probe_usage(const struct kesu_probe_env *env, struct kesu_device *dev)
{
	const char *sysfs = Kesu_env_sysfs(env);
	struct kesu_loop_table loops;
	struct kesu_tree *up = malloc(sizeof(*up));
	if (!up || Kesu_loop_table_load(env, &loops) < 0) {
		free(up);
		return -ENOMEM;
	}
	if (dev->transport == KESU_TRAN_FILE)
		Kesu_tree_of_file(up, sysfs, &loops, (dev_t)dev->node_dev, (ino_t)dev->node_ino);
	else if (dev->sysfs_path[0])
		Kesu_tree_of_block(up, sysfs, &loops, dev->sysfs_path);
	else
		*up = (struct kesu_tree){.count = 0};
	add_loop_holders(up, dev);
	if (up->truncated)
		snprintf(dev->stack[KESU_STACK_HELD], sizeof(dev->stack[0]),
			 "held: more devices stand on it than kesu follows (%d, or 16 levels)",
			 KESU_TREE_MAX);

	struct kesu_tree_use u;
	int rc = Kesu_tree_use(env, up, NULL, &u, dev);
	if (rc == 0) {
		char what[KESU_STR + 16];
		snprintf(what, sizeof(what), "holding %s", u.system_mount);
		note_from_above(up, u.system_node, KESU_STACK_SYSTEM, what, dev);
		note_from_above(up, u.swap_node, KESU_STACK_SWAP, "active swap", dev);
		snprintf(what, sizeof(what), "on %s", u.mountpoint);
		note_from_above(up, u.mount_node, KESU_STACK_MOUNTED, what, dev);
		Kesu_probe_stack(env, &loops, up, dev);
		probe_exclusive(env, up, dev);
	}
	Kesu_loop_table_free(&loops);
	free(up);
	return rc;
}

bool kesu_device_in_use(const struct kesu_device *dev)
{
	for (int k = 0; k < KESU_STACK_KINDS; k++)
		if (dev->stack[k][0])
			return true;
	return dev->nmounts > 0 || dev->nholders > 0 || dev->swap_active || dev->system_reasons ||
	       dev->busy;
}

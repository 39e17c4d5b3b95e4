/* Is a drive in use, and does it hold the running system? Every block
 * device that stands on the drive (its partitions, and recursively their
 * holders: dm, md, loop) is collected; then mounts, swaps and the boot
 * medium are matched against that set. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "probe.h"
#include "sysfs.h"

#define MAX_TREE 256

struct block_tree {
	dev_t devs[MAX_TREE];
	size_t count;
};

static bool tree_has(const struct block_tree *t, dev_t d)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->devs[i] == d)
			return true;
	return false;
}

static void tree_add_dir(struct block_tree *t, const char *sysfs, const char *dir, int depth);

/* Adds the holders of a sysfs block directory (and what they hold). */
static void tree_add_holders(struct block_tree *t, const char *sysfs, const char *dir, int depth)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/holders", dir);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char holder[PATH_MAX];
		snprintf(path, sizeof(path), "%s/class/block/%s", sysfs, e->d_name);
		if (realpath(path, holder))
			tree_add_dir(t, sysfs, holder, depth + 1);
	}
	closedir(d);
}

/* Adds a block device directory, its partitions and their holders. */
static void tree_add_dir(struct block_tree *t, const char *sysfs, const char *dir, int depth)
{
	if (depth > 8 || t->count >= MAX_TREE)
		return; /* holder chains are short; stop loops in odd trees */
	char devno[32];
	unsigned maj, min;
	if (kesu_sysfs_read_str(dir, "dev", devno, sizeof(devno)) > 0 &&
	    sscanf(devno, "%u:%u", &maj, &min) == 2 && !tree_has(t, makedev(maj, min)))
		t->devs[t->count++] = makedev(maj, min);
	tree_add_holders(t, sysfs, dir, depth);

	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char part[PATH_MAX];
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(part, sizeof(part), "%s/%s", dir, e->d_name);
		if (kesu_sysfs_has(part, "partition"))
			tree_add_dir(t, sysfs, part, depth + 1);
	}
	closedir(d);
}

/* Loop devices whose backing file is the image: they hold it. */
static void tree_add_loops_of_file(struct block_tree *t, const char *sysfs, struct kesu_device *dev)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/block", sysfs);
	DIR *d = opendir(path);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "loop", 4) != 0)
			continue;
		char dir[PATH_MAX], backing[PATH_MAX];
		snprintf(path, sizeof(path), "%s/block/%s", sysfs, e->d_name);
		if (!realpath(path, dir) ||
		    kesu_sysfs_read_str(dir, "loop/backing_file", backing, sizeof(backing)) <= 0 ||
		    strcmp(backing, dev->path) != 0)
			continue;
		tree_add_dir(t, sysfs, dir, 1);
		if (dev->nholders < KESU_MAX_HOLDERS)
			snprintf(dev->holders[dev->nholders++], sizeof(dev->holders[0]), "%s",
				 e->d_name);
	}
	closedir(d);
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

static int match_mounts(const char *mountinfo, const struct block_tree *t, struct kesu_device *dev)
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
		if (!mount_device(maj, min, source, &d) || !tree_has(t, d))
			continue;
		dev->system_reasons |= system_reason_of(mountpoint);
		if (dev->nmounts < KESU_MAX_MOUNTS)
			snprintf(dev->mounts[dev->nmounts++], sizeof(dev->mounts[0]), "%s", mountpoint);
	}
	free(line);
	fclose(f);
	return 0;
}

static int match_swaps(const char *swaps, const struct block_tree *t, struct kesu_device *dev)
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
		bool hit = false;
		if (stat(name, &st) == 0) {
			if (S_ISBLK(st.st_mode))
				hit = tree_has(t, st.st_rdev);
			else /* a swap file on one of the drive's filesystems */
				hit = tree_has(t, st.st_dev) ||
				      (dev->transport == KESU_TRAN_FILE && strcmp(name, dev->path) == 0);
		}
		if (hit) {
			dev->swap_active = true;
			dev->system_reasons |= KESU_SYS_SWAP;
		}
	}
	free(line);
	fclose(f);
	return 0;
}

/* The live image writes the device it booted from (a path or MAJ:MIN) to a
 * file, so kesu never offers to erase its own medium. */
static void match_boot_medium(const char *file, const struct block_tree *t, struct kesu_device *dev)
{
	char text[4096];
	if (kesu_sysfs_read_str("/", file[0] == '/' ? file + 1 : file, text, sizeof(text)) <= 0)
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
	if (tree_has(t, d))
		dev->system_reasons |= KESU_SYS_BOOT_MEDIUM;
}

int kesu_probe_usage(const struct kesu_probe_env *env, struct kesu_device *dev)
{
	struct block_tree tree = {.count = 0};
	const char *sysfs = kesu_env_sysfs(env);
	if (dev->transport == KESU_TRAN_FILE)
		tree_add_loops_of_file(&tree, sysfs, dev);
	else if (dev->sysfs_path[0])
		tree_add_dir(&tree, sysfs, dev->sysfs_path, 0);

	int rc = match_mounts(env && env->mountinfo ? env->mountinfo : "/proc/self/mountinfo",
			      &tree, dev);
	if (rc < 0)
		return rc;
	rc = match_swaps(env && env->swaps ? env->swaps : "/proc/swaps", &tree, dev);
	if (rc < 0)
		return rc;
	match_boot_medium(env && env->boot_medium ? env->boot_medium : "/run/kesu/boot-device",
			  &tree, dev);
	return 0;
}

bool kesu_device_in_use(const struct kesu_device *dev)
{
	return dev->nmounts > 0 || dev->nholders > 0 || dev->swap_active || dev->system_reasons;
}

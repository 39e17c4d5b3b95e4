/* Internal steps of probing a device; device.c strings them together. */
#ifndef KESU_PROBE_H
#define KESU_PROBE_H
#include <stdbool.h>
#include <sys/types.h>

#include "kesu/device.h"

/* Root of sysfs for this probe ("/sys" unless a test says otherwise). */
const char *Kesu_env_sysfs(const struct kesu_probe_env *env);

/* Transport from the real sysfs path of a block device and its name. */
enum kesu_transport Kesu_transport_from_path(const char *real_block_dir, const char *name);

/* Fills identity, geometry, partitions, holders and capabilities of the
 * block device called NAME from sysfs. */
int Kesu_probe_sysfs(const char *name, const struct kesu_probe_env *env,
		     struct kesu_device *dev);

/* Partition table and signatures through libblkid on dev->path. */
int Kesu_probe_contents(struct kesu_device *dev);

/* Mounts, swap and SYSTEM marks from mountinfo / swaps / boot medium. */
int Kesu_probe_usage(const struct kesu_probe_env *env, struct kesu_device *dev);

/* ---- The stack a drive is part of (probe_usage.c, probe_stack.c) ---- */

/* Every attached loop device of the machine and what backs it. */
struct kesu_loop_entry {
	char name[64];
	dev_t dev;
	dev_t backing_rdev;  /* the block device behind it, 0 for a file */
	bool file_known;     /* a regular file: file_dev and file_ino hold */
	dev_t file_dev;
	ino_t file_ino;
	char backing[512];   /* loop/backing_file, as sysfs shows it */
};
struct kesu_loop_table {
	struct kesu_loop_entry *loops;
	size_t count;
};
/* On the real machine the kernel is asked (LOOP_GET_STATUS64), else the
 * backing file's name is followed: "/dev/NAME" within the env's sysfs, any
 * other path through stat. Returns 0 or -ENOMEM. */
int Kesu_loop_table_load(const struct kesu_probe_env *env, struct kesu_loop_table *t);
void Kesu_loop_table_free(struct kesu_loop_table *t);

/* The sysfs directory of a block device by kernel name or by number
 * (partitions included). Returns 0 or -ENOENT. */
int Kesu_block_dir_by_name(const char *sysfs, const char *name, char *out, size_t size);
int Kesu_block_dir_by_dev(const char *sysfs, dev_t dev, char *out, size_t size);

/* Everything that stands on a drive or an image file: partitions, dm/md
 * holders and loop devices backed by any of them, recursively. Node 0 is
 * the root (dev 0 when it is an image file). */
#define KESU_TREE_MAX 256
enum kesu_tree_edge { KESU_EDGE_ROOT, KESU_EDGE_PARTITION, KESU_EDGE_HOLDER, KESU_EDGE_LOOP };
struct kesu_tree_node {
	dev_t dev;
	char name[64];
	int below; /* index of the node it stands on, -1 for the root */
	enum kesu_tree_edge edge;
};
struct kesu_tree {
	struct kesu_tree_node nodes[KESU_TREE_MAX];
	size_t count;
	bool truncated; /* more stood on it than the tree holds */
	bool file_root; /* the root is an image file: */
	dev_t file_dev;
	ino_t file_ino;
};
void Kesu_tree_of_block(struct kesu_tree *t, const char *sysfs, const struct kesu_loop_table *loops,
			const char *dir);
void Kesu_tree_of_file(struct kesu_tree *t, const char *sysfs, const struct kesu_loop_table *loops,
		       dev_t file_dev, ino_t file_ino);
/* Index of the block device in the tree, or -1. */
int Kesu_tree_find(const struct kesu_tree *t, dev_t dev);

/* What is in use in a tree: the first node found mounted, on swap or
 * holding the system, and its dm/md holders; nodes in skip do not count.
 * With fill, every mount point, swap and SYSTEM mark also goes into the
 * device, as the drive's own use. */
struct kesu_tree_use {
	unsigned system;            /* enum kesu_system_reason bits */
	int system_node, mount_node, swap_node, held_node; /* -1: none */
	char mountpoint[KESU_STR];  /* of mount_node */
	char system_mount[KESU_STR];
};
int Kesu_tree_use(const struct kesu_probe_env *env, const struct kesu_tree *t,
		  const struct kesu_tree *skip, struct kesu_tree_use *u, struct kesu_device *fill);

/* "/, the EFI partition, active swap": what the SYSTEM bits stand for. */
void Kesu_system_describe(unsigned bits, char *buf, size_t size);

/* Follows the stack down from the drive and records in dev->stack what
 * it inherits, and in dev->files the image files it stands on. up is
 * everything standing on the drive (it never counts against it twice). */
void Kesu_probe_stack(const struct kesu_probe_env *env, const struct kesu_loop_table *loops,
		      const struct kesu_tree *up, struct kesu_device *dev);

/* SMART through libatasmart (ATA-family transports only). */
void Kesu_probe_smart(struct kesu_device *dev);


/* Probes the block device called NAME in the sysfs of env (the node is
 * taken to be /dev/NAME). Used by kesu_device_probe and by the tests,
 * which point env at captured fixture trees. */
int Kesu_device_probe_block(const char *name, const struct kesu_probe_env *env,
			    struct kesu_device *dev);
#endif

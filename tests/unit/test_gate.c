/* The safety gate's judgement on probed drives, and the confirmation. */
#include <criterion/criterion.h>
#include <string.h>

#include "kesu/gate.h"

static struct kesu_device free_drive(void)
{
	struct kesu_device d;
	memset(&d, 0, sizeof(d));
	strcpy(d.path, "/dev/sdb");
	strcpy(d.name, "sdb");
	strcpy(d.serial, "WD-WX12345");
	d.size = 500107862016ULL;
	d.read_only = KESU_NO;
	return d;
}

Test(gate, accepts_a_free_blank_drive)
{
	struct kesu_device d = free_drive();
	struct kesu_gate_verdict v;
	cr_assert(kesu_gate_judge(&d, false, &v));
	cr_assert_eq(v.refusals, 0);
	cr_assert_eq(v.warnings, 0);
	cr_assert_str_empty(v.reason);
}

Test(gate, system_disk_is_refused_even_with_force)
{
	struct kesu_device d = free_drive();
	d.system_reasons = KESU_SYS_ROOT | KESU_SYS_EFI;
	strcpy(d.mounts[0], "/");
	d.nmounts = 1;
	struct kesu_gate_verdict v;
	cr_assert_not(kesu_gate_judge(&d, true, &v));
	cr_assert(v.refusals & KESU_REFUSE_SYSTEM);
	cr_assert(v.refusals & KESU_REFUSE_MOUNTED);
	cr_assert_str_eq(v.reason, "/dev/sdb holds the running system (/, the EFI partition); "
				   "kesu never erases it, whatever the options");
	cr_assert_eq(v.remedies, 0, "a refusal has no remedy");
}

static void assert_refused(const struct kesu_device *d, unsigned bit, const char *reason)
{
	struct kesu_gate_verdict v;
	cr_assert_not(kesu_gate_judge(d, true, &v), "accepted despite %s", reason);
	cr_assert_eq(v.refusals, bit, "refusals 0x%x, wanted 0x%x", v.refusals, bit);
	cr_assert_str_eq(v.reason, reason);
}

Test(gate, swap_is_refused)
{
	struct kesu_device d = free_drive();
	d.swap_active = true;
	assert_refused(&d, KESU_REFUSE_SWAP, "/dev/sdb holds active swap; run swapoff first");
}

Test(gate, mounted_is_refused)
{
	struct kesu_device d = free_drive();
	strcpy(d.mounts[0], "/mnt/data");
	strcpy(d.mounts[1], "/mnt/other");
	d.nmounts = 2;
	assert_refused(&d, KESU_REFUSE_MOUNTED,
		       "/dev/sdb is mounted on /mnt/data and elsewhere; unmount it first");
}

Test(gate, holders_are_refused)
{
	struct kesu_device d = free_drive();
	strcpy(d.holders[0], "dm-0");
	d.nholders = 1;
	assert_refused(&d, KESU_REFUSE_HOLDERS,
		       "/dev/sdb is in use by dm-0 (device-mapper, RAID, LVM or loop); release it first");
}

Test(gate, read_only_partition_and_empty_are_refused)
{
	struct kesu_device d = free_drive();
	d.read_only = KESU_YES;
	assert_refused(&d, KESU_REFUSE_READ_ONLY, "/dev/sdb is read-only");
	d = free_drive();
	strcpy(d.parent, "sda");
	assert_refused(&d, KESU_REFUSE_PARTITION, "/dev/sdb is a partition of sda; kesu erases whole drives");
	d = free_drive();
	d.size = 0;
	assert_refused(&d, KESU_REFUSE_EMPTY, "/dev/sdb has size 0 (no medium?)");
}

Test(gate, partition_table_needs_force_unattended)
{
	struct kesu_device d = free_drive();
	strcpy(d.ptable, "gpt");
	d.nparts = 1;
	strcpy(d.parts[0].fstype, "ntfs");
	struct kesu_gate_verdict v;
	cr_assert_not(kesu_gate_judge(&d, false, &v));
	cr_assert_eq(v.refusals, 0);
	cr_assert_eq(v.warnings, KESU_WARN_PARTITION_TABLE | KESU_WARN_FILESYSTEM);
	/* The library names no option: the front end phrases the remedy. */
	cr_assert_str_eq(v.reason, "/dev/sdb holds a gpt partition table with 1 partition");
	cr_assert_eq(v.remedies, KESU_REMEDY_FORCE);
	cr_assert(kesu_gate_judge(&d, true, &v));
	cr_assert_eq(v.warnings, KESU_WARN_PARTITION_TABLE | KESU_WARN_FILESYSTEM);
	cr_assert_eq(v.remedies, 0, "already accepted");
}

Test(gate, whole_device_filesystem_is_a_warning)
{
	struct kesu_device d = free_drive();
	strcpy(d.fstype, "vfat");
	struct kesu_gate_verdict v;
	cr_assert_not(kesu_gate_judge(&d, false, &v));
	cr_assert_eq(v.warnings, KESU_WARN_FILESYSTEM);
	cr_assert_str_eq(v.reason, "/dev/sdb holds a vfat signature");
	cr_assert_eq(v.remedies, KESU_REMEDY_FORCE);
}

Test(gate, confirmation_needs_the_exact_serial)
{
	struct kesu_device d = free_drive();
	cr_assert_str_eq(kesu_gate_confirm_token(&d), "WD-WX12345");
	cr_assert(kesu_gate_confirmed(&d, "WD-WX12345\n"));
	cr_assert(kesu_gate_confirmed(&d, "  WD-WX12345 \r\n"));
	cr_assert_not(kesu_gate_confirmed(&d, "wd-wx12345\n"));
	cr_assert_not(kesu_gate_confirmed(&d, "WD-WX1234\n"));
	cr_assert_not(kesu_gate_confirmed(&d, "WD-WX123456\n"));
	cr_assert_not(kesu_gate_confirmed(&d, "\n"));
	cr_assert_not(kesu_gate_confirmed(&d, "yes\n"));
}

Test(gate, confirmation_falls_back_to_the_device_name)
{
	struct kesu_device d = free_drive();
	d.serial[0] = '\0';
	cr_assert_str_eq(kesu_gate_confirm_token(&d), "sdb");
	cr_assert(kesu_gate_confirmed(&d, "sdb\n"));
	cr_assert_not(kesu_gate_confirmed(&d, "\n"));
}

/* ---- The stack (issue 12 B1), on small sysfs trees built per test ----
 * Only what kesu reads is made: block/NAME -> ../devices/virtual/block/NAME
 * with dev, size and ro, holders/ and slaves/, partitions as subdirectories,
 * and loop/backing_file. The real /dev/vda is never touched: "/dev/NAME"
 * backing files are looked up by name inside the tree. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "probe.h"

struct fake {
	char root[256];
	char sys[300];
	char mountinfo[300];
	char swaps[300];
	struct kesu_probe_env env;
};

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static void mkdir_p(const char *path)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0755);
			*p = '/';
		}
	mkdir(buf, 0755);
}

/* rel is "vda" for a disk or "vda/vda1" for a partition. */
static void fake_node(struct fake *f, const char *rel, const char *devno)
{
	char dir[1024], path[1100];
	snprintf(dir, sizeof(dir), "%s/devices/virtual/block/%s", f->sys, rel);
	mkdir_p(dir);
	static const char *const subs[] = {"holders", "slaves"};
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		mkdir(path, 0755);
	}
	snprintf(path, sizeof(path), "%s/dev", dir);
	put_file(path, devno);
	snprintf(path, sizeof(path), "%s/size", dir);
	put_file(path, "131072\n");
	snprintf(path, sizeof(path), "%s/ro", dir);
	put_file(path, "0\n");
	if (strchr(rel, '/')) {
		snprintf(path, sizeof(path), "%s/partition", dir);
		put_file(path, "1\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/block/%s", f->sys, rel);
	char target[300];
	snprintf(target, sizeof(target), "../devices/virtual/block/%s", rel);
	cr_assert_eq(symlink(target, path), 0);
}

static void fake_loop(struct fake *f, const char *name, const char *devno, const char *backing)
{
	fake_node(f, name, devno);
	char path[1100];
	snprintf(path, sizeof(path), "%s/devices/virtual/block/%s/loop", f->sys, name);
	mkdir(path, 0755);
	strcat(path, "/backing_file");
	put_file(path, backing);
}

/* upper (a disk name) is held by... stands on lower (rel path). */
static void fake_holder(struct fake *f, const char *lower, const char *upper, const char *lower_name)
{
	char link[1100], target[300];
	snprintf(link, sizeof(link), "%s/devices/virtual/block/%s/holders/%s", f->sys, lower, upper);
	snprintf(target, sizeof(target), "../../%s", upper);
	cr_assert_eq(symlink(target, link), 0);
	snprintf(link, sizeof(link), "%s/devices/virtual/block/%s/slaves/%s", f->sys, upper, lower_name);
	snprintf(target, sizeof(target), "../../%s", lower);
	cr_assert_eq(symlink(target, link), 0);
}

static struct fake *fake_new(const char *mountinfo)
{
	struct fake *f = calloc(1, sizeof(*f));
	snprintf(f->root, sizeof(f->root), "/tmp/kesu-test-gate.XXXXXX");
	cr_assert_not_null(mkdtemp(f->root));
	snprintf(f->sys, sizeof(f->sys), "%s/sys", f->root);
	char block[400];
	snprintf(block, sizeof(block), "%s/block", f->sys);
	mkdir_p(block);
	snprintf(f->mountinfo, sizeof(f->mountinfo), "%s/mountinfo", f->root);
	put_file(f->mountinfo, mountinfo);
	snprintf(f->swaps, sizeof(f->swaps), "%s/swaps", f->root);
	put_file(f->swaps, "Filename\tType\tSize\tUsed\tPriority\n");
	f->env = (struct kesu_probe_env){.sysfs_root = f->sys, .mountinfo = f->mountinfo,
					 .swaps = f->swaps, .boot_medium = "/nonexistent/kesu-boot",
					 .skip_smart = true, .skip_contents = true};
	return f;
}

static void fake_free(struct fake *f)
{
	char cmd[400];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->root);
	cr_assert_eq(system(cmd), 0);
	free(f);
}

/* A virtio system disk: vda1 holds /, vda2 is free. */
static struct fake *system_disk(void)
{
	struct fake *f = fake_new("22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n");
	fake_node(f, "vda", "254:0\n");
	fake_node(f, "vda/vda1", "254:1\n");
	fake_node(f, "vda/vda2", "254:2\n");
	return f;
}

static struct kesu_device *probe(struct fake *f, const char *name)
{
	struct kesu_device *d = calloc(1, sizeof(*d));
	cr_assert_eq(Kesu_device_probe_block(name, &f->env, d), 0, "probe %s", name);
	return d;
}

static void assert_gate(const struct kesu_device *d, unsigned bits, const char *reason)
{
	struct kesu_gate_verdict v;
	cr_assert_not(kesu_gate_judge(d, true, &v), "accepted: %s", d->path);
	cr_assert_eq(v.refusals & bits, bits, "refusals 0x%x, wanted 0x%x (%s)", v.refusals, bits,
		     v.reason);
	cr_assert_str_eq(v.reason, reason);
}

Test(stack, a_loop_backed_by_the_system_disk_is_system)
{
	struct fake *f = system_disk();
	fake_loop(f, "loop5", "7:5\n", "/dev/vda\n");
	struct kesu_device *d = probe(f, "loop5");
	cr_assert_str_eq(d->stack[KESU_STACK_SYSTEM], "SYSTEM: backed by /dev/vda, which holds /");
	cr_assert(kesu_device_in_use(d));
	assert_gate(d, KESU_REFUSE_SYSTEM | KESU_REFUSE_STACKED,
		    "/dev/loop5: SYSTEM: backed by /dev/vda, which holds /; kesu never erases the "
		    "running system");
	free(d);
	/* The system disk itself: the loop stands on it. */
	d = probe(f, "vda");
	cr_assert_eq(d->system_reasons, (unsigned)KESU_SYS_ROOT);
	cr_assert_eq(d->nholders, 1);
	cr_assert_str_eq(d->holders[0], "loop5");
	free(d);
	fake_free(f);
}

Test(stack, a_loop_on_a_free_partition_of_the_system_disk_is_system)
{
	struct fake *f = system_disk();
	fake_loop(f, "loop6", "7:6\n", "/dev/vda2\n");
	struct kesu_device *d = probe(f, "loop6");
	cr_assert_str_eq(d->stack[KESU_STACK_SYSTEM],
			 "SYSTEM: backed by /dev/vda2, on the disk /dev/vda, which holds /");
	free(d);
	fake_free(f);
}

Test(stack, a_dm_device_on_a_system_partition_is_system)
{
	struct fake *f = system_disk();
	fake_node(f, "dm-0", "253:0\n");
	fake_holder(f, "vda/vda2", "dm-0", "vda2");
	struct kesu_device *d = probe(f, "dm-0");
	cr_assert_str_eq(d->stack[KESU_STACK_SYSTEM],
			 "SYSTEM: built on /dev/vda2, on the disk /dev/vda, which holds /");
	cr_assert_str_empty(d->stack[KESU_STACK_HELD], "its own slave does not hold it: %s",
			    d->stack[KESU_STACK_HELD]);
	free(d);
	/* A loop on the dm device inherits it through two levels. */
	fake_loop(f, "loop7", "7:7\n", "/dev/dm-0\n");
	d = probe(f, "loop7");
	cr_assert_str_eq(d->stack[KESU_STACK_SYSTEM], "SYSTEM: backed by /dev/dm-0, built on "
						      "/dev/vda2, on the disk /dev/vda, which holds /");
	free(d);
	fake_free(f);
}

Test(stack, a_mount_two_levels_up_names_the_chain)
{
	struct fake *f = fake_new("40 1 7:9 / /mnt/x rw - ext4 /dev/loop9 rw\n");
	fake_node(f, "sdb", "8:16\n");
	fake_loop(f, "loop8", "7:8\n", "/dev/sdb\n");
	fake_loop(f, "loop9", "7:9\n", "/dev/loop8\n");
	struct kesu_device *d = probe(f, "sdb");
	cr_assert_str_eq(d->stack[KESU_STACK_MOUNTED],
			 "mounted: /dev/loop9 (on /mnt/x) stands on it through /dev/loop8");
	cr_assert_str_eq(d->mounts[0], "/mnt/x");
	assert_gate(d, KESU_REFUSE_MOUNTED | KESU_REFUSE_STACKED,
		    "/dev/sdb: mounted: /dev/loop9 (on /mnt/x) stands on it through /dev/loop8");
	free(d);
	fake_free(f);
}

Test(stack, another_holder_of_the_base_holds_the_drive)
{
	struct fake *f = fake_new("");
	fake_node(f, "sdc", "8:32\n");
	fake_node(f, "dm-1", "253:1\n");
	fake_node(f, "dm-2", "253:2\n");
	fake_holder(f, "sdc", "dm-1", "sdc");
	fake_holder(f, "sdc", "dm-2", "sdc");
	struct kesu_device *d = probe(f, "dm-1");
	cr_assert_str_eq(d->stack[KESU_STACK_HELD], "held: built on /dev/sdc, which /dev/dm-2 stands on too");
	free(d);
	fake_free(f);
}

Test(stack, cycles_and_deep_stacks_end)
{
	struct fake *f = fake_new("");
	fake_loop(f, "loop1", "7:1\n", "/dev/loop2\n");
	fake_loop(f, "loop2", "7:2\n", "/dev/loop1\n");
	struct kesu_device *d = probe(f, "loop1");
	cr_assert(kesu_device_in_use(d), "a loop in a cycle is held by the other");
	free(d);
	fake_free(f);

	/* loop20 on loop21 on ... on loop31 on sdd: deeper than kesu follows. */
	f = fake_new("");
	fake_node(f, "sdd", "8:48\n");
	for (int i = 20; i <= 31; i++) {
		char name[16], devno[16], backing[32];
		snprintf(name, sizeof(name), "loop%d", i);
		snprintf(devno, sizeof(devno), "7:%d\n", i);
		snprintf(backing, sizeof(backing), i == 31 ? "/dev/sdd\n" : "/dev/loop%d\n", i + 1);
		fake_loop(f, name, devno, backing);
	}
	d = probe(f, "loop20");
	cr_assert(strstr(d->stack[KESU_STACK_HELD], "not followed further"), "%s",
		  d->stack[KESU_STACK_HELD]);
	free(d);
	fake_free(f);
}

Test(stack, a_backing_kesu_cannot_identify_is_refused)
{
	struct fake *f = fake_new("");
	fake_loop(f, "loop2", "7:2\n", "/dev/gone (deleted)\n");
	struct kesu_device *d = probe(f, "loop2");
	cr_assert_str_eq(d->stack[KESU_STACK_HELD],
			 "held: backed by /dev/gone (deleted), which kesu cannot identify");
	free(d);
	fake_free(f);
}

Test(stack, a_loop_on_the_file_of_a_mounted_loop_is_mounted)
{
	struct fake *f = fake_new("41 1 7:4 / /mnt/y rw - ext4 /dev/loop4 rw\n");
	char img[400];
	snprintf(img, sizeof(img), "%s/disk.img", f->root);
	put_file(img, "image");
	char backing[420];
	snprintf(backing, sizeof(backing), "%s\n", img);
	fake_loop(f, "loop3", "7:3\n", backing);
	fake_loop(f, "loop4", "7:4\n", backing);
	struct kesu_device *d = probe(f, "loop3");
	char want[800];
	snprintf(want, sizeof(want), "mounted: backed by %s, which /dev/loop4 (on /mnt/y) stands on too", img);
	cr_assert_str_eq(d->stack[KESU_STACK_MOUNTED], want);
	cr_assert_eq(d->nfiles, 1, "the backing file is kept for the own-files check");
	free(d);
	fake_free(f);
}

Test(stack, a_loop_on_an_active_swap_file_is_swap)
{
	struct fake *f = fake_new("");
	char img[400], backing[420], swaps[800];
	snprintf(img, sizeof(img), "%s/swapfile", f->root);
	put_file(img, "swap");
	snprintf(backing, sizeof(backing), "%s\n", img);
	snprintf(swaps, sizeof(swaps), "Filename\tType\tSize\tUsed\tPriority\n%s file 4 0 -2\n", img);
	put_file(f->swaps, swaps);
	fake_loop(f, "loop3", "7:3\n", backing);
	struct kesu_device *d = probe(f, "loop3");
	char want[800];
	snprintf(want, sizeof(want), "swap: backed by %s, which is active swap", img);
	cr_assert_str_eq(d->stack[KESU_STACK_SWAP], want);
	cr_assert_not(d->swap_active, "the loop itself holds no swap");
	/* Active swap is a SYSTEM mark, as on the drive itself. */
	char reason[900];
	snprintf(reason, sizeof(reason), "/dev/loop3: SYSTEM: backed by %s, which holds active swap; "
		 "kesu never erases the running system", img);
	assert_gate(d, KESU_REFUSE_SYSTEM | KESU_REFUSE_SWAP | KESU_REFUSE_STACKED, reason);
	free(d);
	fake_free(f);
}

/* ---- kesu's own files (issue 12 B2) ---- */

Test(own, kesu_files_are_refused_by_inode)
{
	struct fake *f = fake_new("");
	char ledger[400], alias[400], certs[400], cert[450], other[400];
	snprintf(ledger, sizeof(ledger), "%s/ledger.sqlite", f->root);
	snprintf(alias, sizeof(alias), "%s/innocent.img", f->root);
	snprintf(certs, sizeof(certs), "%s/certs", f->root);
	snprintf(cert, sizeof(cert), "%s/sub/c.pdf", certs);
	snprintf(other, sizeof(other), "%s/other.img", f->root);
	put_file(ledger, "ledger bytes");
	cr_assert_eq(link(ledger, alias), 0);
	mkdir_p(certs);
	snprintf(cert, sizeof(cert), "%s/sub", certs);
	mkdir(cert, 0755);
	strcat(cert, "/c.pdf");
	put_file(cert, "%PDF");
	put_file(other, "free");
	struct kesu_gate_own_files own = {.paths = {ledger}, .npaths = 1, .dirs = {certs}, .ndirs = 1};
	struct kesu_device *d = calloc(1, sizeof(*d));
	struct kesu_gate_verdict v;

	cr_assert_eq(kesu_gate_check(alias, &f->env, true, &own, d, &v), -KESU_EREFUSED,
		     "a hard link to the ledger is the ledger");
	cr_assert_eq(v.refusals, (unsigned)KESU_REFUSE_KESU_FILE, "%s", v.reason);
	cr_assert(strstr(v.reason, "is kesu's own file"), "%s", v.reason);
	cr_assert_eq(kesu_gate_check(cert, &f->env, true, &own, d, &v), -KESU_EREFUSED);
	cr_assert_eq(v.refusals, (unsigned)KESU_REFUSE_KESU_FILE, "%s", v.reason);
	/* A hard link kept in the certificate directory, named elsewhere. */
	char kept[500];
	snprintf(kept, sizeof(kept), "%s/sub/kept.pdf", certs);
	cr_assert_eq(link(other, kept), 0);
	cr_assert_eq(kesu_gate_check(other, &f->env, true, &own, d, &v), -KESU_EREFUSED);
	cr_assert_eq(unlink(kept), 0);
	cr_assert_eq(kesu_gate_check(other, &f->env, true, &own, d, &v), 0, "%s", v.reason);
	cr_assert_eq(kesu_gate_check(alias, &f->env, true, NULL, d, &v), 0, "no own files given");
	free(d);
	fake_free(f);
}

/* ---- Open once, check identity (issue 12 B3) ---- */

Test(open, a_file_swapped_after_the_probe_is_refused)
{
	struct fake *f = fake_new("");
	char img[400], moved[400], decoy[400];
	snprintf(img, sizeof(img), "%s/target.img", f->root);
	snprintf(moved, sizeof(moved), "%s/moved.img", f->root);
	snprintf(decoy, sizeof(decoy), "%s/precious", f->root);
	put_file(img, "target");
	put_file(decoy, "precious");
	struct kesu_device *d = calloc(1, sizeof(*d));
	struct kesu_gate_verdict v;
	cr_assert_eq(kesu_gate_check(img, &f->env, true, NULL, d, &v), 0, "%s", v.reason);

	/* Opened before the prompt, then swapped: the fd stays the target,
	 * and the recheck says the name now leads elsewhere. */
	int fd = kesu_gate_open(d, O_RDONLY, &v);
	cr_assert_geq(fd, 0, "%s", v.reason);
	cr_assert_eq(rename(img, moved), 0);
	cr_assert_eq(link(decoy, img), 0);
	cr_assert_eq(kesu_gate_recheck(d, fd, &v), -KESU_EREFUSED);
	cr_assert_eq(v.refusals, (unsigned)KESU_REFUSE_CHANGED);
	cr_assert(strstr(v.reason, "target.img changed since it was checked (now another file"),
		  "%s", v.reason);
	close(fd);

	/* Swapped before the open: refused at the open. */
	cr_assert_eq(kesu_gate_open(d, O_RDONLY, &v), -KESU_EREFUSED);
	cr_assert_eq(v.refusals, (unsigned)KESU_REFUSE_CHANGED, "%s", v.reason);
	cr_assert_eq(unlink(img), 0);
	cr_assert_eq(symlink(moved, img), 0);
	cr_assert_eq(kesu_gate_open(d, O_RDONLY, &v), -KESU_EREFUSED);
	cr_assert_str_eq(strstr(v.reason, "changed"), "changed since it was checked (now a symbolic link)");
	cr_assert_eq(unlink(img), 0);
	cr_assert_eq(mkfifo(img, 0600), 0);
	cr_assert_eq(kesu_gate_open(d, O_RDONLY, &v), -KESU_EREFUSED, "a FIFO neither hangs nor passes");

	/* Put back: the same inode opens and rechecks clean. */
	cr_assert_eq(unlink(img), 0);
	cr_assert_eq(rename(moved, img), 0);
	fd = kesu_gate_open(d, O_RDONLY, &v);
	cr_assert_geq(fd, 0, "%s", v.reason);
	cr_assert_eq(kesu_gate_recheck(d, fd, &v), 0, "%s", v.reason);
	close(fd);
	free(d);
	fake_free(f);
}

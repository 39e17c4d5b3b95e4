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
				   "kesu never erases it, not even with --force");
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
	cr_assert_str_eq(v.reason, "/dev/sdb holds a gpt partition table with 1 partition(s); "
				   "add --force to erase it unattended");
	cr_assert(kesu_gate_judge(&d, true, &v));
	cr_assert_eq(v.warnings, KESU_WARN_PARTITION_TABLE | KESU_WARN_FILESYSTEM);
}

Test(gate, whole_device_filesystem_is_a_warning)
{
	struct kesu_device d = free_drive();
	strcpy(d.fstype, "vfat");
	struct kesu_gate_verdict v;
	cr_assert_not(kesu_gate_judge(&d, false, &v));
	cr_assert_eq(v.warnings, KESU_WARN_FILESYSTEM);
	cr_assert_str_eq(v.reason, "/dev/sdb holds a vfat signature; add --force to erase it unattended");
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

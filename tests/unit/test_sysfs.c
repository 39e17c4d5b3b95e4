/* Parsing of sysfs attributes and SCSI VPD pages. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"
#include "sysfs.h"

Test(sysfs, trim_copy_strips_padding_and_control_bytes)
{
	char buf[16];
	Kesu_trim_copy(buf, sizeof(buf), "  ST500DM002 \n", 14);
	cr_assert_str_eq(buf, "ST500DM002");
	Kesu_trim_copy(buf, sizeof(buf), "a\x01" "b", 3);
	cr_assert_str_eq(buf, "a?b");
	Kesu_trim_copy(buf, 4, "abcdef", 6);
	cr_assert_str_eq(buf, "abc");
	Kesu_trim_copy(buf, sizeof(buf), "\0\0\0", 3);
	cr_assert_str_empty(buf);
}

Test(sysfs, vpd80_serial_skips_the_header)
{
	/* A SATA disk behind libata: page 0x80, length 20, space padded. */
	const unsigned char page[] = {0x00, 0x80, 0x00, 0x14, ' ', ' ', ' ', ' ', 'W', 'D', '-',
				      'W', 'C', 'C', '4', 'N', '1', '2', '3', '4', '5', '6', '7', ' '};
	char buf[64];
	cr_assert_eq(Kesu_vpd80_serial(page, sizeof(page), buf, sizeof(buf)), 15);
	cr_assert_str_eq(buf, "WD-WCC4N1234567");
}

Test(sysfs, vpd80_rejects_other_pages_and_truncation)
{
	const unsigned char wrong[] = {0x00, 0x83, 0x00, 0x02, 'A', 'B'};
	char buf[64];
	cr_assert_lt(Kesu_vpd80_serial(wrong, sizeof(wrong), buf, sizeof(buf)), 0);
	/* declared length longer than the data: use what is there */
	const unsigned char shortpage[] = {0x00, 0x80, 0x00, 0x40, 'S', 'N', '1'};
	cr_assert_eq(Kesu_vpd80_serial(shortpage, sizeof(shortpage), buf, sizeof(buf)), 3);
	cr_assert_str_eq(buf, "SN1");
	cr_assert_lt(Kesu_vpd80_serial(shortpage, 3, buf, sizeof(buf)), 0);
}

Test(sysfs, vpd83_finds_the_naa_designator)
{
	/* T10 vendor id (type 1) first, then NAA (type 3) for the LU,
	 * then a target-port NAA (association 1) that must be ignored. */
	const unsigned char page[] = {
		0x00, 0x83, 0x00, 0x2c,
		0x02, 0x01, 0x00, 0x08, 'A', 'T', 'A', ' ', ' ', ' ', ' ', ' ',
		0x01, 0x03, 0x00, 0x08, 0x50, 0x00, 0xc5, 0x00, 0xa1, 0xb2, 0xc3, 0xd4,
		0x01, 0x13, 0x00, 0x08, 0x51, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x11,
		0x01, 0x14, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
	};
	char buf[64];
	cr_assert_gt(Kesu_vpd83_wwn(page, sizeof(page), buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "0x5000c500a1b2c3d4");
}

Test(sysfs, vpd83_without_naa_is_enoent)
{
	const unsigned char page[] = {0x00, 0x83, 0x00, 0x0c, 0x02, 0x01, 0x00, 0x08,
				      'Q', 'E', 'M', 'U', ' ', ' ', ' ', ' '};
	char buf[64];
	cr_assert_eq(Kesu_vpd83_wwn(page, sizeof(page), buf, sizeof(buf)), -ENOENT);
	/* a descriptor running past the page is not read */
	const unsigned char bad[] = {0x00, 0x83, 0x00, 0x08, 0x01, 0x03, 0x00, 0x10, 0x50, 0, 0, 0};
	cr_assert_lt(Kesu_vpd83_wwn(bad, sizeof(bad), buf, sizeof(buf)), 0);
}

static char *make_attr_dir(void)
{
	static char dir[] = "/tmp/kesu-sysfs-XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	return dir;
}

static void write_attr(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	fclose(f);
}

Test(sysfs, read_u64_accepts_decimal_only)
{
	char *dir = make_attr_dir();
	uint64_t v = 0;
	write_attr(dir, "size", "1953525168\n");
	cr_assert_eq(Kesu_sysfs_read_u64(dir, "size", &v), 0);
	cr_assert_eq(v, 1953525168ULL);
	write_attr(dir, "bad", "12abc\n");
	cr_assert_eq(Kesu_sysfs_read_u64(dir, "bad", &v), -EINVAL);
	write_attr(dir, "empty", "\n");
	cr_assert_eq(Kesu_sysfs_read_u64(dir, "empty", &v), -EINVAL);
	write_attr(dir, "neg", "-1\n");
	cr_assert_eq(Kesu_sysfs_read_u64(dir, "neg", &v), -EINVAL);
	cr_assert_eq(Kesu_sysfs_read_u64(dir, "missing", &v), -ENOENT);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

Test(transport, from_sysfs_paths)
{
	struct {
		const char *path, *name;
		enum kesu_transport want;
	} cases[] = {
		{"/sys/devices/pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", "sda", KESU_TRAN_SATA},
		{"/sys/devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb", "sdb", KESU_TRAN_USB},
		{"/sys/devices/pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0/nvme0n1", "nvme0n1", KESU_TRAN_NVME},
		{"/sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda", "vda", KESU_TRAN_VIRTIO},
		{"/sys/devices/virtual/block/loop0", "loop0", KESU_TRAN_LOOP},
		{"/sys/devices/platform/soc/mmc_host/mmc0/mmc0:0001/block/mmcblk0", "mmcblk0", KESU_TRAN_MMC},
		{"/sys/devices/pci0000:00/0000:00:03.0/host2/port-2:0/end_device-2:0/target2:0:0/2:0:0:0/block/sdc", "sdc", KESU_TRAN_SAS},
		{"/sys/devices/pci0000:00/0000:00:04.0/virtio2/host3/target3:0:0/3:0:0:0/block/sdd", "sdd", KESU_TRAN_SCSI},
		{"/sys/devices/platform/host4/session1/connection1:0/target4:0:0/4:0:0:0/block/sde", "sde", KESU_TRAN_ISCSI},
		{"/sys/devices/pci0000:00/0000:00:05.0/host5/rport-5:0-0/target5:0:0/5:0:0:0/block/sdf", "sdf", KESU_TRAN_FC},
		{"/sys/devices/somewhere/else/block/xyz0", "xyz0", KESU_TRAN_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(Kesu_transport_from_path(cases[i].path, cases[i].name), cases[i].want,
			     "%s: got %s", cases[i].name,
			     kesu_transport_name(Kesu_transport_from_path(cases[i].path, cases[i].name)));
}

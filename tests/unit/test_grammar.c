/* a or an by sound (kesu_takes_an): the words kesu puts after one. */
#include <criterion/criterion.h>

#include "kesu/grammar.h"

Test(grammar, an_before_a_vowel_sound)
{
	const char *an[] = {"ext4", "exfat", "iso9660", "erofs", "xfs", "ntfs", "f2fs", "hfsplus",
			    "LVM2_member", "nvme", "NVMe", "mmc", "SSD", "HDD", "sgi", "atari",
			    "unknown", "RSA", "x509", "mbr"};
	for (size_t i = 0; i < sizeof(an) / sizeof(an[0]); i++)
		cr_expect(kesu_takes_an(an[i]), "an %s", an[i]);
}

Test(grammar, a_before_a_consonant_sound)
{
	const char *a[] = {"gpt", "dos", "swap", "squashfs", "btrfs", "vfat", "sata", "sas", "scsi",
			   "usb", "udf", "ufs", "loop", "virtio", "crypto_LUKS", "zfs_member",
			   "reiserfs", "linux_raid_member", "jfs", "sun", "", NULL};
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		cr_expect(!kesu_takes_an(a[i]), "a %s", a[i] ? a[i] : "(null)");
}

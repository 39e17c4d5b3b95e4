/* Names of the firmware erase commands: the ids method files use and the
 * titles the drive standards give them. */
#include <string.h>

#include "kesu/method.h"

static const struct {
	const char *name, *title;
} commands[KESU_FW_COUNT] = {
	[KESU_FW_NONE] = {"", ""},
	[KESU_FW_AUTO] = {"auto", "strongest purge the drive supports"},
	[KESU_FW_ATA_SECURITY_ERASE] = {"ata-security-erase", "ATA SECURITY ERASE UNIT (normal)"},
	[KESU_FW_ATA_SECURITY_ERASE_ENHANCED] = {"ata-security-erase-enhanced",
						 "ATA SECURITY ERASE UNIT (enhanced)"},
	[KESU_FW_ATA_SANITIZE_CRYPTO] = {"ata-sanitize-crypto", "ATA SANITIZE CRYPTO SCRAMBLE EXT"},
	[KESU_FW_ATA_SANITIZE_BLOCK] = {"ata-sanitize-block", "ATA SANITIZE BLOCK ERASE EXT"},
	[KESU_FW_ATA_SANITIZE_OVERWRITE] = {"ata-sanitize-overwrite", "ATA SANITIZE OVERWRITE EXT"},
	[KESU_FW_NVME_FORMAT_ERASE] = {"nvme-format-erase", "NVMe Format NVM, user data erase (SES=1)"},
	[KESU_FW_NVME_FORMAT_CRYPTO] = {"nvme-format-crypto", "NVMe Format NVM, cryptographic erase (SES=2)"},
	[KESU_FW_NVME_SANITIZE_BLOCK] = {"nvme-sanitize-block", "NVMe Sanitize, block erase"},
	[KESU_FW_NVME_SANITIZE_CRYPTO] = {"nvme-sanitize-crypto", "NVMe Sanitize, crypto erase"},
	[KESU_FW_NVME_SANITIZE_OVERWRITE] = {"nvme-sanitize-overwrite", "NVMe Sanitize, overwrite"},
	[KESU_FW_SCSI_SANITIZE_BLOCK] = {"scsi-sanitize-block", "SCSI SANITIZE BLOCK ERASE"},
	[KESU_FW_SCSI_SANITIZE_CRYPTO] = {"scsi-sanitize-crypto", "SCSI SANITIZE CRYPTOGRAPHIC ERASE"},
	[KESU_FW_SCSI_SANITIZE_OVERWRITE] = {"scsi-sanitize-overwrite", "SCSI SANITIZE OVERWRITE"},
};

const char *kesu_firmware_command_name(enum kesu_firmware_command c)
{
	return (unsigned)c < KESU_FW_COUNT ? commands[c].name : "";
}

const char *kesu_firmware_command_title(enum kesu_firmware_command c)
{
	return (unsigned)c < KESU_FW_COUNT ? commands[c].title : "";
}

enum kesu_firmware_command kesu_firmware_command_parse(const char *name)
{
	for (unsigned c = KESU_FW_AUTO; c < KESU_FW_COUNT; c++)
		if (strcmp(name, commands[c].name) == 0)
			return (enum kesu_firmware_command)c;
	return KESU_FW_NONE;
}

const char *kesu_technique_name(enum kesu_technique t)
{
	return t == KESU_TECHNIQUE_FIRMWARE ? "firmware" : "overwrite";
}

const char *kesu_leaves_name(enum kesu_firmware_leaves l)
{
	return l == KESU_LEAVES_ZERO ? "zero" : l == KESU_LEAVES_CHANGED ? "changed" : "";
}

/* The host machine's SMBIOS identity (kesu/host.h). Every value is signed
 * into a record as a fact about the PC, so only what the firmware really
 * says about this machine is kept: placeholders, blanks, text that is not
 * valid UTF-8 or has control characters, and values longer than SMBIOS
 * practice are unknown (""), never guessed, cut or repaired. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kesu/config.h"
#include "kesu/fileio.h"
#include "kesu/host.h"
#include "utf8.h"

#define DMI_DIR "/sys/class/dmi/id"
#define DMI_FILE_MAX 4096 /* a sysfs attribute is at most one page */
#define VALUE_CHARS 64    /* SMBIOS strings in practice; longer: not a real value */

/* What firmware writers leave in the fields when nobody filled them in
 * (seen in dmidecode's output of many boards; compared without case). */
static const char *const placeholders[] = {
	"To Be Filled By O.E.M.", "To Be Filled By O.E.M", "Default string", "Default String",
	"Not Specified", "Not Applicable", "Not Available", "Not Defined", "Undefined",
	"System Serial Number", "System Product Name", "System manufacturer", "System Name",
	"System Version", "Chassis Serial Number", "Chassis Manufacture", "Chassis Manufacturer",
	"Base Board Serial Number", "Asset Tag", "Asset-1234567890", "No Asset Tag",
	"No Asset Information", "No Asset Tag Information", "Unknown", "None", "N/A", "NA",
	"Invalid", "OEM", "O.E.M.", "OEM_Default", "Type1ProductConfigId", "SKU", "Serial",
	"0123456789", "1234567890", "123456789", "012345678", "Empty", "Null", "x.x", "xxxxxxxx",
	NULL,
};

/* A value of one character repeated ("0", "00000000", "........",
 * "FFFFFFFF", "        ") says nothing about the machine. */
static bool one_character_repeated(const char *v)
{
	for (const char *c = v + 1; *c; c++)
		if (*c != *v)
			return false;
	return true;
}

bool kesu_host_value_is_placeholder(const char *value)
{
	size_t len = strlen(value);
	while (len && isspace((unsigned char)value[len - 1]))
		len--;
	while (len && isspace((unsigned char)*value))
		value++, len--;
	if (len == 0)
		return true;
	char v[KESU_HOST_FIELD];
	if (len >= sizeof(v))
		return false;
	memcpy(v, value, len);
	v[len] = '\0';
	if (one_character_repeated(v))
		return true;
	for (const char *const *p = placeholders; *p; p++)
		if (!strcasecmp(v, *p))
			return true;
	return false;
}

/* Valid printable text of at most VALUE_CHARS characters. */
static bool is_fact(const char *v, size_t len, size_t size)
{
	if (len == 0 || len >= size || kesu_text_check(v, len, NULL, 0) < 0)
		return false;
	size_t chars = 0;
	for (size_t i = 0; i < len; chars++) {
		unsigned cp;
		i += Kesu_utf8_decode((const unsigned char *)v + i, len - i, &cp);
	}
	return chars <= VALUE_CHARS;
}

/* The value of dir/name, trimmed, or "" when it is not a fact. */
static void read_value(const char *dir, const char *name, char *out, size_t size)
{
	char path[4096], err[KESU_HOST_FIELD + 4096];
	char *data = NULL;
	size_t len = 0;
	out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	/* EACCES (product_serial is 0400 root), ENOENT, EFBIG: unknown */
	if (kesu_file_read_bounded(path, DMI_FILE_MAX, 0, &data, &len, err, sizeof(err)) < 0)
		return;
	const char *v = data;
	while (len && (isspace((unsigned char)v[len - 1]) || v[len - 1] == '\0'))
		len--;
	while (len && isspace((unsigned char)*v))
		v++, len--;
	if (is_fact(v, len, size)) {
		memcpy(out, v, len);
		out[len] = '\0';
		if (kesu_host_value_is_placeholder(out))
			out[0] = '\0';
	}
	free(data);
}

int kesu_host_identity_read(const char *dir, struct kesu_host_identity *h, char *err,
			    size_t errsize)
{
	(void)err;
	(void)errsize;
	if (!h)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	if (!dir || !*dir)
		dir = getenv(KESU_DMI_DIR_ENV);
	if (!dir || !*dir)
		dir = DMI_DIR;
	read_value(dir, "sys_vendor", h->manufacturer, sizeof(h->manufacturer));
	read_value(dir, "product_name", h->product, sizeof(h->product));
	read_value(dir, "product_serial", h->serial, sizeof(h->serial));
	/* The chassis' tag is the one owners set (the sticker on the case);
	 * the board's belongs to a part that may have been swapped: no fallback. */
	read_value(dir, "chassis_asset_tag", h->asset_tag, sizeof(h->asset_tag));
	return 0;
}

bool kesu_host_identity_known(const struct kesu_host_identity *h)
{
	return h->manufacturer[0] || h->product[0] || h->serial[0] || h->asset_tag[0];
}

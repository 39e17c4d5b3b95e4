/* Reading sysfs attributes. Every path is relative to a sysfs root so
 * tests can point kesu at captured fixture trees. */
#ifndef KESU_SYSFS_H
#define KESU_SYSFS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Reads DIR/ATTR into buf as text with surrounding white space removed.
 * Returns the length, or a negative errno (-ENOENT if absent). */
int Kesu_sysfs_read_str(const char *dir, const char *attr, char *buf, size_t size);

/* Reads DIR/ATTR as an unsigned decimal number. */
int Kesu_sysfs_read_u64(const char *dir, const char *attr, uint64_t *value);

/* Reads up to size raw bytes of DIR/ATTR (binary attributes such as
 * vpd_pg80). Returns the byte count or a negative errno. */
int Kesu_sysfs_read_bin(const char *dir, const char *attr, unsigned char *buf, size_t size);

/* true if DIR/ATTR exists. */
bool Kesu_sysfs_has(const char *dir, const char *attr);

/* Serial number from SCSI VPD page 0x80 (Unit Serial Number): the page
 * after its 4-byte header, trimmed. Returns length or negative errno. */
int Kesu_vpd80_serial(const unsigned char *page, size_t len, char *buf, size_t size);

/* WWN (NAA designator) from SCSI VPD page 0x83 as "0x" + hex, the form
 * lsblk shows. Returns length or negative errno (-ENOENT: no NAA). */
int Kesu_vpd83_wwn(const unsigned char *page, size_t len, char *buf, size_t size);

/* Copies s into buf with leading/trailing white space removed and runs of
 * inner white space kept. The result is always valid UTF-8: a byte that is
 * not becomes the four characters \xNN, a control character (utf8.h)
 * becomes '?', and a value too long for buf ends at a whole character.
 * Every string a drive reports (sysfs, VPD, IDENTIFY) goes through here. */
void Kesu_trim_copy(char *buf, size_t size, const char *s, size_t len);
#endif

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteorder.h"
#include "sysfs.h"
#include "utf8.h"

int Kesu_sysfs_read_bin(const char *dir, const char *attr, unsigned char *buf, size_t size)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int err = -errno;
			close(fd);
			return err;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	return (int)got;
}

void Kesu_trim_copy(char *buf, size_t size, const char *s, size_t len)
{
	if (size == 0)
		return;
	while (len > 0 && (isspace((unsigned char)*s) || *s == '\0')) {
		s++;
		len--;
	}
	while (len > 0 && (isspace((unsigned char)s[len - 1]) || s[len - 1] == '\0'))
		len--;
	/* Drives report what their firmware holds: the result must be valid
	 * UTF-8 (it is signed) and safe in a table or a terminal. Whole
	 * characters only, so a long value is never cut inside one. */
	size_t out = 0;
	for (size_t i = 0; i < len;) {
		char piece[8];
		unsigned cp;
		size_t n = Kesu_utf8_decode((const unsigned char *)s + i, len - i, &cp), plen;
		if (n == 0) {
			plen = (size_t)snprintf(piece, sizeof(piece), "\\x%02X", (unsigned char)s[i]);
			n = 1;
		} else if (Kesu_utf8_is_control(cp)) {
			piece[0] = '?';
			plen = 1;
		} else {
			memcpy(piece, s + i, n);
			plen = n;
		}
		if (out + plen > size - 1)
			break;
		memcpy(buf + out, piece, plen);
		out += plen;
		i += n;
	}
	buf[out] = '\0';
}

int Kesu_sysfs_read_str(const char *dir, const char *attr, char *buf, size_t size)
{
	char raw[4096];
	int n = Kesu_sysfs_read_bin(dir, attr, (unsigned char *)raw, sizeof(raw));
	if (n < 0) {
		if (size)
			buf[0] = '\0';
		return n;
	}
	Kesu_trim_copy(buf, size, raw, (size_t)n);
	return (int)strlen(buf);
}

int Kesu_sysfs_read_u64(const char *dir, const char *attr, uint64_t *value)
{
	char text[64];
	int n = Kesu_sysfs_read_str(dir, attr, text, sizeof(text));
	if (n < 0)
		return n;
	if (n == 0 || !isdigit((unsigned char)text[0]))
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(text, &end, 10);
	if (errno || *end)
		return -EINVAL;
	*value = v;
	return 0;
}

bool Kesu_sysfs_has(const char *dir, const char *attr)
{
	char path[PATH_MAX];
	if (snprintf(path, sizeof(path), "%s/%s", dir, attr) >= (int)sizeof(path))
		return false;
	return access(path, F_OK) == 0;
}

int Kesu_vpd80_serial(const unsigned char *page, size_t len, char *buf, size_t size)
{
	if (len < 4 || page[1] != 0x80)
		return -EINVAL;
	size_t plen = kesu_load_be16(page + 2);
	if (plen > len - 4)
		plen = len - 4;
	Kesu_trim_copy(buf, size, (const char *)page + 4, plen);
	return buf[0] ? (int)strlen(buf) : -ENOENT;
}

int Kesu_vpd83_wwn(const unsigned char *page, size_t len, char *buf, size_t size)
{
	if (len < 4 || page[1] != 0x83)
		return -EINVAL;
	size_t end = 4 + (size_t)kesu_load_be16(page + 2);
	if (end > len)
		end = len;
	/* Designation descriptors: [0] code set, [1] PIV/association/type,
	 * [3] length. We want association 0 (the logical unit), type 3 (NAA). */
	for (size_t off = 4; off + 4 <= end;) {
		size_t dlen = page[off + 3];
		unsigned assoc = (page[off + 1] >> 4) & 3;
		unsigned type = page[off + 1] & 0xf;
		if (off + 4 + dlen > end)
			break;
		if (assoc == 0 && type == 3 && (dlen == 8 || dlen == 16)) {
			if (size < 3 + 2 * dlen)
				return -ENOSPC;
			strcpy(buf, "0x");
			for (size_t i = 0; i < dlen; i++)
				sprintf(buf + 2 + 2 * i, "%02x", page[off + 4 + i]);
			return (int)strlen(buf);
		}
		off += 4 + dlen;
	}
	return -ENOENT;
}

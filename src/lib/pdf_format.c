/* How the payload's values read on the page: grouped digits, sizes in
 * decimal and binary units, durations, times, patterns, and the Japanese /
 * English names of the enumerations. Absent values read "—". */
#include <stdio.h>
#include <string.h>

#include "pdf_internal.h"

#define DASH "\xe2\x80\x94" /* — */

void fmt_count(char *out, size_t size, long long n)
{
	char digits[32];
	if (n < 0) {
		snprintf(out, size, DASH);
		return;
	}
	int len = snprintf(digits, sizeof(digits), "%lld", n);
	size_t o = 0;
	for (int i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

void fmt_capacity(char *out, size_t size, long long bytes)
{
	static const char *const dec[] = {"KB", "MB", "GB", "TB", "PB"};
	static const char *const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	char count[32];
	fmt_count(count, sizeof(count), bytes);
	if (bytes < 1000) {
		snprintf(out, size, "%s%s", count, bytes < 0 ? "" : " bytes");
		return;
	}
	double d = (double)bytes / 1e3, b = (double)bytes / 1024.0;
	int i = 0, j = 0;
	while (i < 4 && d >= 1000.0)
		d /= 1e3, i++;
	while (j < 4 && b >= 1024.0)
		b /= 1024.0, j++;
	snprintf(out, size, "%s bytes (%.1f %s / %.1f %s)", count, d, dec[i], b, bin[j]);
}

void fmt_duration(char *out, size_t size, long long ms)
{
	if (ms < 0)
		snprintf(out, size, DASH);
	else if (ms < 1000)
		snprintf(out, size, "%lld ms", ms);
	else if (ms < 60000)
		snprintf(out, size, "%lld.%03lld s", ms / 1000, ms % 1000);
	else if (ms < 3600000)
		snprintf(out, size, "%lld min %02lld s", ms / 60000, ms / 1000 % 60);
	else
		snprintf(out, size, "%lld h %02lld min %02lld s", ms / 3600000, ms / 60000 % 60,
			 ms / 1000 % 60);
}

static bool digits_at(const char *s, const char *shape)
{
	for (; *shape; s++, shape++)
		if (*shape == 'd' ? (*s < '0' || *s > '9') : *s != *shape)
			return false;
	return true;
}

/* "2026-11-22T04:30:12Z" -> "2026-11-22 04:30:12 UTC";
 * "2026-11-22T13:30:12+09:00" -> "2026-11-22 13:30:12 (UTC+09:00)";
 * anything else is shown as it is. */
void fmt_time(char *out, size_t size, const char *iso)
{
	if (!iso[0]) {
		snprintf(out, size, DASH);
		return;
	}
	if (!digits_at(iso, "dddd-dd-ddTdd:dd:dd")) {
		snprintf(out, size, "%s", iso);
		return;
	}
	const char *zone = iso + 19;
	if (strcmp(zone, "Z") == 0)
		snprintf(out, size, "%.10s %.8s UTC", iso, iso + 11);
	else if ((zone[0] == '+' || zone[0] == '-') && digits_at(zone + 1, "dd:dd") && !zone[6])
		snprintf(out, size, "%.10s %.8s (UTC%s)", iso, iso + 11, zone);
	else
		snprintf(out, size, "%s", iso);
}

int fmt_issued_date(const char *iso, HPDF_Date *date)
{
	int y, mo, d, h, mi, s;
	if (!digits_at(iso, "dddd-dd-ddTdd:dd:ddZ") || iso[20])
		return -1;
	if (sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
		return -1;
	*date = (HPDF_Date){.year = y, .month = mo, .day = d, .hour = h, .minutes = mi,
			    .seconds = s, .ind = 'Z'};
	return 0;
}

void fmt_pattern(char *out, size_t size, const struct cert_pass *p)
{
	if (strcmp(p->pattern, "random") == 0)
		snprintf(out, size, "乱数 / random stream");
	else if (p->byte >= 0)
		snprintf(out, size, "%s = 0x%02x", p->pattern, (unsigned)p->byte);
	else if (strlen(p->pattern) == 2)
		snprintf(out, size, "0x%s", p->pattern);
	else
		snprintf(out, size, "%s", p->pattern);
}

/* The first keep digits of a long hex string, then "…". */
void fmt_short_hex(char *out, size_t size, const char *hex, size_t keep)
{
	if (!hex[0])
		snprintf(out, size, DASH);
	else if (strlen(hex) <= keep)
		snprintf(out, size, "%s", hex);
	else
		snprintf(out, size, "%.*s\xe2\x80\xa6", (int)keep, hex);
}

const char *fmt_purpose(const char *purpose)
{
	if (strcmp(purpose, "disposal") == 0)
		return "廃棄 / disposal";
	if (strcmp(purpose, "lease-return") == 0)
		return "リース返却 / lease return";
	if (strcmp(purpose, "repair") == 0)
		return "修理 / repair";
	if (strcmp(purpose, "reuse") == 0)
		return "再利用 / reuse";
	return DASH;
}

const char *fmt_verify_mode(const char *mode)
{
	if (strcmp(mode, "sample") == 0)
		return "抽出検証 / sampling (NIST SP 800-88)";
	if (strcmp(mode, "full") == 0)
		return "全域検証 / full read";
	return "検証なし / none";
}

const char *fmt_technique(const char *technique)
{
	if (strcmp(technique, "overwrite") == 0)
		return "上書き / overwrite";
	return technique[0] ? technique : DASH;
}

const char *fmt_outcome_ja(const char *outcome)
{
	if (strcmp(outcome, "SUCCESS") == 0)
		return "消去完了";
	if (strcmp(outcome, "UNVERIFIED") == 0)
		return "検証未完了";
	if (strcmp(outcome, "INTERRUPTED") == 0)
		return "中断";
	return "消去失敗";
}

/* How the payload's values read on the page: grouped digits, sizes in
 * decimal and binary units, durations, times, patterns, and the Japanese /
 * English names of the enumerations. Absent values read "—". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/vocabulary.h"
#include "pdf_internal.h"

#define DASH "\xe2\x80\x94" /* — */

void Kesu_fmt_count(char *out, size_t size, long long n)
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

void Kesu_fmt_capacity(char *out, size_t size, long long bytes)
{
	static const char *const dec[] = {"KB", "MB", "GB", "TB", "PB"};
	static const char *const bin[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	char count[32];
	Kesu_fmt_count(count, sizeof(count), bytes);
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

void Kesu_fmt_duration(char *out, size_t size, long long ms)
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
void Kesu_fmt_time(char *out, size_t size, const char *iso)
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

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
 * Hinnant's algorithms): no time zone database, no mktime. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, int *y, int *m, int *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int kesu_era_date(int year, int month, int day, char *out, size_t size)
{
	/* the first day of each era, newest first */
	static const struct {
		int y, m, d;
		const char *name;
	} eras[] = {
		{2019, 5, 1, "令和"},
		{1989, 1, 8, "平成"},
		{1926, 12, 25, "昭和"},
		{1912, 7, 30, "大正"},
	};
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12 || day < 1 || day > mdays[month - 1] ||
	    (month == 2 && day == 29 && (year % 4 || (year % 100 == 0 && year % 400))))
		return -1;
	long key = (long)year * 10000 + month * 100 + day;
	for (size_t i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		if (key < (long)eras[i].y * 10000 + eras[i].m * 100 + eras[i].d)
			continue;
		int n = year - eras[i].y + 1;
		char nen[16];
		if (n == 1)
			snprintf(nen, sizeof(nen), "元");
		else
			snprintf(nen, sizeof(nen), "%d", n);
		snprintf(out, size, "%s%s年%d月%d日", eras[i].name, nen, month, day);
		return 0;
	}
	return -1;
}

int Kesu_fmt_offset(const char *iso_local, int *minutes)
{
	if (!digits_at(iso_local, "dddd-dd-ddTdd:dd:dd"))
		return -1;
	const char *zone = iso_local + 19;
	if (strcmp(zone, "Z") == 0) {
		*minutes = 0;
		return 0;
	}
	if ((zone[0] != '+' && zone[0] != '-') || !digits_at(zone + 1, "dd:dd") || zone[6])
		return -1;
	int h = (zone[1] - '0') * 10 + zone[2] - '0', m = (zone[4] - '0') * 10 + zone[5] - '0';
	if (h > 23 || m > 59)
		return -1;
	*minutes = (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
	return 0;
}

void Kesu_fmt_local(char *out, size_t size, const char *utc, int offset_min, bool known, bool era)
{
	int y, mo, d, h, mi, s;
	if (!utc[0]) {
		snprintf(out, size, DASH);
		return;
	}
	if (!digits_at(utc, "dddd-dd-ddTdd:dd:ddZ") || utc[20] ||
	    sscanf(utc, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) != 6 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
		snprintf(out, size, "%s", utc);
		return;
	}
	if (!known)
		offset_min = 0;
	long long t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + s +
		      offset_min * 60;
	long long days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	long long secs = t - days * 86400;
	civil_from_days(days, &y, &mo, &d);
	char date[48], zone[24];
	if (!era || kesu_era_date(y, mo, d, date, sizeof(date)) != 0)
		snprintf(date, sizeof(date), "%04d-%02d-%02d", y, mo, d);
	if (!known)
		snprintf(zone, sizeof(zone), "UTC");
	else
		snprintf(zone, sizeof(zone), "(UTC%c%02d:%02d)", offset_min < 0 ? '-' : '+',
			 abs(offset_min) / 60, abs(offset_min) % 60);
	snprintf(out, size, "%s %02lld:%02lld:%02lld %s", date, secs / 3600, secs / 60 % 60,
		 secs % 60, zone);
}

int Kesu_fmt_issued_date(const char *iso, HPDF_Date *date)
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

void Kesu_fmt_pattern(char *out, size_t size, const struct cert_pass *p)
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
void Kesu_fmt_short_hex(char *out, size_t size, const char *hex, size_t keep)
{
	if (!hex[0])
		snprintf(out, size, DASH);
	else if (strlen(hex) <= keep)
		snprintf(out, size, "%s", hex);
	else
		snprintf(out, size, "%.*s\xe2\x80\xa6", (int)keep, hex);
}

void Kesu_fmt_purpose(char *out, size_t size, const char *purpose)
{
	const struct kesu_term *t = kesu_vocab_find(KESU_VOCAB_PURPOSE, purpose);
	if (t)
		snprintf(out, size, "%s / %s", t->ja, t->en);
	else
		snprintf(out, size, DASH);
}

const char *Kesu_fmt_verify_mode(const char *mode)
{
	if (strcmp(mode, "sample") == 0)
		return "抽出検証 / sampling (NIST SP 800-88)";
	if (strcmp(mode, "full") == 0)
		return "全域検証 / full read";
	return "検証なし / none";
}

const char *Kesu_fmt_technique(const char *technique)
{
	if (strcmp(technique, "overwrite") == 0)
		return "上書き / overwrite";
	return technique[0] ? technique : DASH;
}

/* Every outcome a document may carry, named: an outcome this table does
 * not know is never shown as one it does (DESTROYED is not 消去失敗). */
const char *Kesu_fmt_outcome_ja(const char *outcome)
{
	static const char *const names[][2] = {
		{"SUCCESS", "消去完了"},
		{"UNVERIFIED", "検証未完了"},
		{"FAILED", "消去失敗"},
		{"INTERRUPTED", "中断"},
		{"ABANDONED", "中止"},
		{"ERASED_WITH_EXCEPTIONS", "例外付き消去"},
		{"DESTROYED", "物理破壊済"},
		{"COMPLETE", "全件証明済"},
		{"INCOMPLETE", "未完了"},
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(outcome, names[i][0]) == 0)
			return names[i][1];
	return "不明";
}

static const struct {
	enum cert_kind kind;
	bool failure, with_exceptions;
	const char *ja, *en;
} titles[] = {
	{CERT_WIPE, false, true, "データ消去証明書（例外あり）",
	 "Certificate of Data Sanitization (with exceptions)"},
	{CERT_WIPE, false, false, "データ消去証明書", "Certificate of Data Sanitization"},
	{CERT_WIPE, true, false, "データ消去失敗報告書", "Data Sanitization Failure Report"},
	{CERT_DESTRUCTION, false, false, "物理破壊証明書", "Certificate of Physical Destruction"},
	{CERT_DESTRUCTION, true, false, "物理破壊報告書", "Physical Destruction Report"},
	{CERT_BATCH, false, false, "一括消去証明書", "Batch Certificate of Data Sanitization"},
	/* media without a certificate: a list, not a certificate of the lot */
	{CERT_BATCH, true, false, "一括消去報告書（未完了）", "Batch Sanitization Report (incomplete)"},
};

static size_t title_index(const struct cert *c)
{
	for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
		if (titles[i].kind == c->kind && titles[i].failure == c->failure &&
		    titles[i].with_exceptions == c->with_exceptions)
			return i;
	return 2; /* never reached: every kind has both */
}

const char *Kesu_cert_title_ja(const struct cert *c)
{
	return titles[title_index(c)].ja;
}

const char *Kesu_cert_title_en(const struct cert *c)
{
	return titles[title_index(c)].en;
}

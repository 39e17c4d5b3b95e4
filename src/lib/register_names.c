/* The register's names (anomalies, outcomes, dimensions), its calendar
 * (a month's bounds, days for the weeks) and which records get a
 * document (kesu/register.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "register_internal.h"
#include "i18n.h"

static const char *const anomaly_names[KESU_ANOM_KINDS][2] = {
	[KESU_ANOM_LEDGER] = {"記録台帳の検証", "ledger verification"},
	[KESU_ANOM_NO_APPROVAL] = {"事前承認なし", "no prior approval"},
	[KESU_ANOM_FAILED_NOT_DESTROYED] = {"消去失敗後の物理破壊なし", "failed, not destroyed"},
	[KESU_ANOM_UNVERIFIED] = {"検証なし", "not verified"},
	[KESU_ANOM_CERT_MISSING] = {"証明書なし", "certificate missing"},
	[KESU_ANOM_WITNESS_MISSING] = {"立会者の副署なし", "no witness countersignature"},
	[KESU_ANOM_APPROVAL_EXPIRED] = {"承認期限後も未処理", "pending after approval expired"},
	[KESU_ANOM_CONTRACTOR_CERT] = {"委託先の証明書未受領", "contractor certificate not received"},
};

static const char *const outcome_names[KESU_REG_OUTCOMES][2] = {
	[KESU_REG_SUCCESS] = {"消去完了", "erased"},
	[KESU_REG_EXCEPTIONS] = {"例外付き消去", "erased with exceptions"},
	[KESU_REG_UNVERIFIED] = {"未検証", "unverified"},
	[KESU_REG_FAILED] = {"消去失敗", "failed"},
	[KESU_REG_DESTROYED] = {"物理破壊", "destroyed"},
	[KESU_REG_OTHER] = {"その他", "other"},
};

static const char *const dimension_names[KESU_REG_DIMENSIONS][2] = {
	[KESU_REG_BY_DEPARTMENT] = {"所属", "department"},
	[KESU_REG_BY_CLASS] = {"重要性分類", "class"},
	[KESU_REG_BY_PURPOSE] = {"目的", "purpose"},
	[KESU_REG_BY_METHOD] = {"消去方式", "method"},
	[KESU_REG_BY_LEVEL] = {"NISTレベル", "NIST level"},
	[KESU_REG_BY_OUTCOME] = {"結果", "outcome"},
	[KESU_REG_BY_CUSTOMER] = {"顧客", "customer"},
};

const char *kesu_register_anomaly_ja(enum kesu_register_anomaly_kind k)
{
	return (unsigned)k < KESU_ANOM_KINDS ? anomaly_names[k][0] : "?";
}

const char *kesu_register_anomaly_en(enum kesu_register_anomaly_kind k)
{
	return (unsigned)k < KESU_ANOM_KINDS ? anomaly_names[k][1] : "?";
}

const char *kesu_register_outcome_ja(enum kesu_register_outcome o)
{
	return (unsigned)o < KESU_REG_OUTCOMES ? outcome_names[o][0] : "?";
}

const char *kesu_register_outcome_en(enum kesu_register_outcome o)
{
	return (unsigned)o < KESU_REG_OUTCOMES ? outcome_names[o][1] : "?";
}

const char *kesu_register_dimension_ja(enum kesu_register_dimension d)
{
	return (unsigned)d < KESU_REG_DIMENSIONS ? dimension_names[d][0] : "?";
}

const char *kesu_register_dimension_en(enum kesu_register_dimension d)
{
	return (unsigned)d < KESU_REG_DIMENSIONS ? dimension_names[d][1] : "?";
}

bool kesu_register_gets_document(const char *kind, const char *outcome)
{
	/* Records from before "kind" existed are all wipes. */
	bool wipe = !kind || !*kind || !strcmp(kind, "wipe");
	return wipe && outcome &&
	       (!strcmp(outcome, "SUCCESS") || !strcmp(outcome, "UNVERIFIED") ||
		!strcmp(outcome, "FAILED") || !strcmp(outcome, "ERASED_WITH_EXCEPTIONS"));
}

/* Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil). */
static long civil_days(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static unsigned month_length(long y, unsigned m)
{
	static const unsigned len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : len[m - 1];
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool Kesu_reg_days(const char *date, long *days)
{
	if (!date || strlen(date) != 10 || date[4] != '-' || date[7] != '-' || !digits(date, 4) ||
	    !digits(date + 5, 2) || !digits(date + 8, 2))
		return false;
	long y = atol(date);
	unsigned m = (unsigned)atoi(date + 5), d = (unsigned)atoi(date + 8);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_length(y, m))
		return false;
	*days = civil_days(y, m, d);
	return true;
}

void Kesu_reg_date(long z, char out[11])
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1, m = mp < 10 ? mp + 3 : mp - 9;
	long y = (long)yoe + era * 400 + (m <= 2);
	snprintf(out, 11, "%04ld-%02u-%02u", y % 10000, m % 100, d % 100);
}

int kesu_register_month(const char *month, char since[11], char until[11], char *err,
			size_t errsize)
{
	char first[11];
	long days;
	snprintf(first, sizeof(first), "%.7s-01", month ? month : "");
	if (!month || strlen(month) != 7 || !Kesu_reg_days(first, &days)) {
		snprintf(err, errsize, _("month \"%.40s\": not a month (YYYY-MM)"), month ? month : "");
		return -KESU_EPARSE;
	}
	long y = atol(first);
	unsigned m = (unsigned)atoi(first + 5);
	snprintf(since, 11, "%s", first);
	Kesu_reg_date(days + (long)month_length(y, m) - 1, until);
	return 0;
}

/* The destruction techniques and what each reaches on each kind of
 * medium, as NIST SP 800-88 Rev.1 Appendix A and the city's standard
 * (notes 11 and 18) say it; docs/methods.md "Physical destruction" gives
 * the sources. The caveats are printed on the certificate as they are. */
#include <stdio.h>
#include <string.h>

#include "kesu/destroy.h"
#include "kesu/error.h"
#include "i18n.h"

static const struct technique {
	enum kesu_destroy_technique t;
	const char *name, *ja;
} techniques[] = {
	{KESU_DESTROY_DRILL, "drill", "穿孔（穴あけ）"},
	{KESU_DESTROY_CRUSH, "crush", "変形・破砕"},
	{KESU_DESTROY_SHRED, "shred", "細断（シュレッダー）"},
	{KESU_DESTROY_DISINTEGRATE, "disintegrate", "粉砕"},
	{KESU_DESTROY_INCINERATE, "incinerate", "焼却"},
	{KESU_DESTROY_DEGAUSS, "degauss", "磁気消去（消磁）"},
};

static const struct technique *find(enum kesu_destroy_technique t)
{
	for (size_t i = 0; i < sizeof(techniques) / sizeof(techniques[0]); i++)
		if (techniques[i].t == t)
			return &techniques[i];
	return NULL;
}

enum kesu_destroy_technique kesu_destroy_technique_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof(techniques) / sizeof(techniques[0]); i++)
		if (strcmp(name, techniques[i].name) == 0)
			return techniques[i].t;
	return 0;
}

const char *kesu_destroy_technique_name(enum kesu_destroy_technique t)
{
	const struct technique *x = find(t);
	return x ? x->name : "unknown";
}

const char *kesu_destroy_technique_ja(enum kesu_destroy_technique t)
{
	const struct technique *x = find(t);
	return x ? x->ja : "不明";
}

const char *kesu_destroy_media_type(const char *name)
{
	static const char *const types[][2] = {
		{"hdd", "HDD"}, {"ssd", "SSD"}, {"flash", "flash"},
		{"tape", "tape"}, {"optical", "optical"}, {"unknown", "unknown"},
	};
	for (size_t i = 0; name && i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(name, types[i][0]) == 0)
			return types[i][1];
	return NULL;
}

enum media_class { MEDIA_MAGNETIC, MEDIA_FLASH, MEDIA_OPTICAL, MEDIA_UNKNOWN };

static enum media_class media_class(const char *type)
{
	if (!type)
		return MEDIA_UNKNOWN;
	if (!strcmp(type, "HDD") || !strcmp(type, "tape"))
		return MEDIA_MAGNETIC;
	if (!strcmp(type, "SSD") || !strcmp(type, "flash"))
		return MEDIA_FLASH;
	if (!strcmp(type, "optical"))
		return MEDIA_OPTICAL;
	return MEDIA_UNKNOWN; /* "unknown", and a loop device or image file */
}

/* Drilling and crushing: the standard's physical destruction (notes 11 and
 * 18: deform with a hammer, drill through), but NIST's Destroy only when
 * recovery is infeasible even in a laboratory: it is not claimed. */
static const struct kesu_destroy_level damaged = {
	"none",
	"穿孔・変形は情報セキュリティ対策基準（注11・注18）が定める物理的破壊の方法ですが、"
	"損傷を免れたプラッタ片・メモリチップからは研究施設の手法でデータを読み取れる可能性が"
	"残るため、NIST SP 800-88 の Destroy には当たりません。",
	"Drilling and deforming are the physical destruction the standard names (notes 11 and "
	"18), but platter pieces or memory chips left undamaged may still be read in a "
	"laboratory: this is not NIST SP 800-88 Destroy.",
};

static const struct kesu_destroy_level destroyed = {
	"destroy", "", "",
};

static const struct kesu_destroy_level destroyed_flash = {
	"destroy",
	"フラッシュメモリでは、すべてのメモリチップが破砕されていること（細片の大きさが"
	"チップより十分小さいこと。例: 2 mm 以下）が Destroy の前提です。",
	"On flash media Destroy holds only when every memory chip was broken up (particles "
	"well below a chip's size, e.g. 2 mm or less).",
};

/* Not known to be magnetic: it may be flash, so the chips' caveat holds. */
static const struct kesu_destroy_level destroyed_unknown = {
	"destroy",
	"媒体の種別が不明です。フラッシュメモリの場合は、すべてのメモリチップが破砕されていること"
	"（細片の大きさがチップより十分小さいこと。例: 2 mm 以下）が Destroy の前提です。",
	"The type of medium is not known: if it is flash, Destroy holds only when every memory "
	"chip was broken up (particles well below a chip's size, e.g. 2 mm or less).",
};

static const struct kesu_destroy_level degaussed = {
	"purge",
	"消磁は磁気媒体の Purge です（NIST SP 800-88 Rev.1 付録A）。NSA/CSS 認定の消磁装置で"
	"あることが前提で、媒体は再使用できなくなります。",
	"Degaussing is Purge for magnetic media (NIST SP 800-88 Rev.1 App. A), given an "
	"NSA/CSS-listed degausser; the drive cannot be used again.",
};

static const struct kesu_destroy_level degaussed_unknown = {
	"none",
	"媒体の種別が不明なため、消磁の効果は主張しません（フラッシュメモリには効果がありません）。",
	"The type of medium is not known, so no effect of degaussing is claimed (it does nothing "
	"to flash memory).",
};

int kesu_destroy_level_of(enum kesu_destroy_technique t, const char *media_type,
			  struct kesu_destroy_level *out, char *err, size_t errsize)
{
	enum media_class m = media_class(media_type);
	switch (t) {
	case KESU_DESTROY_DRILL:
	case KESU_DESTROY_CRUSH:
		*out = damaged;
		return 0;
	case KESU_DESTROY_SHRED:
	case KESU_DESTROY_DISINTEGRATE:
	case KESU_DESTROY_INCINERATE:
		*out = m == MEDIA_FLASH ? destroyed_flash
		       : m == MEDIA_UNKNOWN ? destroyed_unknown : destroyed;
		return 0;
	case KESU_DESTROY_DEGAUSS:
		if (m == MEDIA_MAGNETIC) {
			*out = degaussed;
			return 0;
		}
		if (m == MEDIA_UNKNOWN) {
			*out = degaussed_unknown;
			return 0;
		}
		snprintf(err, errsize, _("degaussing does nothing to %s media: their data is not "
				       "stored magnetically; choose shred, disintegrate or incinerate"),
			 m == MEDIA_FLASH ? "flash (SSD)" : "optical");
		return -KESU_EREFUSED;
	}
	snprintf(err, errsize, _("unknown destruction technique"));
	return -KESU_EPARSE;
}

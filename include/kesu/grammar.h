/* English by sound: "an ext4 signature", "a gpt partition table", "an
 * NVMe drive". kesu's messages name filesystem types, partition tables and
 * transports in the middle of English sentences; each such message has an
 * "a" and an "an" form (both translated), chosen by this. */
#ifndef KESU_GRAMMAR_H
#define KESU_GRAMMAR_H

#include <stdbool.h>

/* true when word is said with a vowel sound first, so takes "an": a vowel
 * letter (ext4, iso9660; u only as "un"), or an acronym spelt out whose
 * first letter is named with a vowel (NVMe, MMC, SSD, HDD, xfs, ntfs, f2fs,
 * LVM2_member). Heuristic; "" and NULL take "a". */
bool kesu_takes_an(const char *word);

#endif

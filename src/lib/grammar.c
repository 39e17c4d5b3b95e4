/* a or an, by the sound of the word that follows (kesu/grammar.h). */
#include <ctype.h>
#include <string.h>

#include "kesu/grammar.h"

static bool vowel(char c)
{
	return strchr("aeiouy", tolower((unsigned char)c)) != NULL;
}

/* Two consonants that begin English words (swap, scsi, squashfs, btrfs
 * is not one): such a word is said, not spelt out. */
static bool onset(char a, char b)
{
	static const char *const pairs[] = {"bl", "br", "ch", "cl", "cr", "dr", "dw", "fl", "fr",
					    "gl", "gr", "kl", "kn", "kr", "ph", "pl", "pr", "qu",
					    "sc", "sh", "sk", "sl", "sm", "sn", "sp", "sq", "st",
					    "sw", "th", "tr", "tw", "wh", "wr"};
	char p[3] = {(char)tolower((unsigned char)a), (char)tolower((unsigned char)b), '\0'};
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
		if (!strcmp(p, pairs[i]))
			return true;
	return false;
}

bool kesu_takes_an(const char *word)
{
	if (!word || !word[0])
		return false;
	char first = (char)tolower((unsigned char)word[0]);
	if (first == 'u') /* un-known: an; u-sb, u-df, u-efi: a */
		return tolower((unsigned char)word[1]) == 'n';
	if (vowel(first))
		return first != 'y';
	/* Spelt out: the second character is no vowel and the pair starts no
	 * English word (ntfs, xfs, SSD, f2fs), or the word is one letter. */
	bool spelt = !word[1] || (!vowel(word[1]) && !onset(word[0], word[1]));
	return spelt && strchr("fhlmnrsx", first) != NULL;
}

/* The approval's single fields: dates, serials, asset numbers and the
 * media list's entries, checked the same way whether they come from the
 * command line, a CSV file or a signed file being loaded. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval_internal.h"
#include "kesu/config.h"
#include "kesu/error.h"
#include "utf8.h"
#include "i18n.h"

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool Kesu_approval_date_valid(const char *ymd)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(ymd) != 10 || ymd[4] != '-' || ymd[7] != '-' || !digits(ymd, 4) ||
	    !digits(ymd + 5, 2) || !digits(ymd + 8, 2))
		return false;
	int y = atoi(ymd), m = atoi(ymd + 5), d = atoi(ymd + 8);
	if (y < 2000 || m < 1 || m > 12 || d < 1)
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= days[m - 1] + (m == 2 && leap);
}

int Kesu_approval_serial_check(const char *serial, char *why, size_t whysize)
{
	size_t len = strlen(serial);
	if (len == 0 || len > KESU_APPROVAL_SERIAL_MAX) {
		snprintf(why, whysize, _("serial \"%.40s\" is %zu bytes long (1 to %d)"), serial, len,
			 KESU_APPROVAL_SERIAL_MAX);
		return -KESU_EPARSE;
	}
	char text[KESU_ERRMSG_MAX / 2];
	if (kesu_text_check(serial, len, text, sizeof(text)) < 0) {
		snprintf(why, whysize, _("serial %s"), text);
		return -KESU_EPARSE;
	}
	if (serial[0] == ' ' || serial[len - 1] == ' ') {
		snprintf(why, whysize, _("serial \"%s\" begins or ends with a space"), serial);
		return -KESU_EPARSE;
	}
	return 0;
}

int Kesu_approval_asset_check(const char *asset, char *why, size_t whysize)
{
	char text[KESU_ERRMSG_MAX / 2];
	size_t len = strlen(asset);
	if (len == 0 || len > KESU_APPROVAL_ASSET_MAX) {
		snprintf(why, whysize, _("asset number \"%.40s\" is %zu bytes long (1 to %d)"), asset,
			 len, KESU_APPROVAL_ASSET_MAX);
		return -KESU_EPARSE;
	}
	if (kesu_ctx_field_check(KESU_CTX_ASSET_NUMBER, asset, text, sizeof(text)) < 0) {
		snprintf(why, whysize, _("asset number %s"), text);
		return -KESU_EPARSE;
	}
	return 0;
}

int Kesu_approval_push(struct kesu_approval *a, const char *serial, uint64_t size,
		       const char *asset, char *why, size_t whysize)
{
	if (!serial[0] && !asset[0]) {
		snprintf(why, whysize, _("a medium needs a serial or an asset number"));
		return -KESU_EPARSE;
	}
	if (!serial[0] && size) {
		snprintf(why, whysize, _("a size is given without a serial (asset \"%s\")"), asset);
		return -KESU_EPARSE;
	}
	int rc = serial[0] ? Kesu_approval_serial_check(serial, why, whysize) : 0;
	if (rc == 0 && asset[0])
		rc = Kesu_approval_asset_check(asset, why, whysize);
	if (rc)
		return rc;
	if (a->n_media >= KESU_APPROVAL_MEDIA_MAX) {
		snprintf(why, whysize, _("more than %d media"), KESU_APPROVAL_MEDIA_MAX);
		return -KESU_EPARSE;
	}
	/* grow by doubling: a lease return may list thousands */
	size_t n = a->n_media;
	if ((n & (n - 1)) == 0) {
		void *grown = realloc(a->media, (n ? 2 * n : 8) * sizeof(*a->media));
		if (!grown) {
			snprintf(why, whysize, _("out of memory"));
			return -ENOMEM;
		}
		a->media = grown;
	}
	struct kesu_approval_medium *m = &a->media[n];
	memset(m, 0, sizeof(*m));
	m->entry = (unsigned)n + 1;
	snprintf(m->serial, sizeof(m->serial), "%s", serial);
	m->size = size;
	snprintf(m->asset, sizeof(m->asset), "%s", asset);
	a->n_media = n + 1;
	return 0;
}

struct key_ref {
	const char *key;
	size_t index;
};

static int compare_refs(const void *x, const void *y)
{
	const struct key_ref *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Sorting finds duplicates in n log n: a list may hold ten thousand. */
static int find_dup(const struct kesu_approval *a, bool asset, struct key_ref *refs,
		    size_t *first, size_t *second)
{
	size_t n = 0;
	for (size_t i = 0; i < a->n_media; i++) {
		const char *k = asset ? a->media[i].asset : a->media[i].serial;
		if (k[0])
			refs[n++] = (struct key_ref){k, i};
	}
	qsort(refs, n, sizeof(*refs), compare_refs);
	size_t best = (size_t)-1;
	for (size_t i = 1; i < n; i++)
		if (strcmp(refs[i - 1].key, refs[i].key) == 0 && refs[i].index < best) {
			best = refs[i].index;
			*first = refs[i - 1].index, *second = refs[i].index;
			while (i + 1 < n && strcmp(refs[i].key, refs[i + 1].key) == 0)
				i++;
		}
	return best != (size_t)-1;
}

int Kesu_approval_duplicates(const struct kesu_approval *a, size_t *first, size_t *second,
			     char *why, size_t whysize)
{
	if (a->n_media < 2)
		return 0;
	struct key_ref *refs = malloc(a->n_media * sizeof(*refs));
	if (!refs) {
		snprintf(why, whysize, _("out of memory"));
		return -ENOMEM;
	}
	size_t f1 = 0, s1 = 0, f2 = 0, s2 = 0;
	bool by_serial = find_dup(a, false, refs, &f1, &s1);
	bool by_asset = find_dup(a, true, refs, &f2, &s2);
	free(refs);
	if (!by_serial && !by_asset)
		return 0;
	/* report the one met first in the list */
	bool serial = by_serial && (!by_asset || s1 <= s2);
	*first = serial ? f1 : f2, *second = serial ? s1 : s2;
	snprintf(why, whysize, _("%s \"%s\" is listed twice (entries %zu and %zu)"),
		 serial ? "serial" : "asset number",
		 serial ? a->media[*first].serial : a->media[*first].asset, *first + 1,
		 *second + 1);
	return -KESU_EPARSE;
}

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/ranges.h"

int kesu_ranges_add(struct kesu_range_list *list, uint64_t first, uint64_t count)
{
	if (count == 0)
		return 0;
	uint64_t end = first + count;
	/* Find the first range that ends at or after our start. */
	size_t i = 0;
	while (i < list->count && list->items[i].first + list->items[i].count < first)
		i++;
	/* Merge every range that overlaps or touches [first, end). */
	size_t j = i;
	while (j < list->count && list->items[j].first <= end) {
		struct kesu_range *r = &list->items[j];
		if (r->first < first)
			first = r->first;
		if (r->first + r->count > end)
			end = r->first + r->count;
		j++;
	}
	if (j > i) { /* replace items[i..j) with one merged range */
		list->items[i] = (struct kesu_range){first, end - first};
		memmove(&list->items[i + 1], &list->items[j], (list->count - j) * sizeof(list->items[0]));
		list->count -= j - i - 1;
		return 0;
	}
	if (list->count == list->capacity) {
		size_t cap = list->capacity ? list->capacity * 2 : 8;
		struct kesu_range *grown = realloc(list->items, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		list->items = grown;
		list->capacity = cap;
	}
	memmove(&list->items[i + 1], &list->items[i], (list->count - i) * sizeof(list->items[0]));
	list->items[i] = (struct kesu_range){first, end - first};
	list->count++;
	return 0;
}

int kesu_ranges_add_list(struct kesu_range_list *list, const struct kesu_range_list *from)
{
	for (size_t i = 0; i < from->count; i++)
		if (kesu_ranges_add(list, from->items[i].first, from->items[i].count) < 0)
			return -ENOMEM;
	return 0;
}

uint64_t kesu_ranges_sectors(const struct kesu_range_list *list)
{
	uint64_t total = 0;
	for (size_t i = 0; i < list->count; i++)
		total += list->items[i].count;
	return total;
}

void kesu_ranges_free(struct kesu_range_list *list)
{
	free(list->items);
	memset(list, 0, sizeof(*list));
}

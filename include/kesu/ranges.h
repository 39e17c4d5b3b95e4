/* Lists of sector ranges: bad sectors, unverified and mismatched blocks. */
#ifndef KESU_RANGES_H
#define KESU_RANGES_H
#include <stddef.h>
#include <stdint.h>

struct kesu_range {
	uint64_t first; /* first logical sector (LBA) */
	uint64_t count; /* number of sectors */
};

struct kesu_range_list {
	struct kesu_range *items; /* sorted by first, merged when adjacent */
	size_t count;
	size_t capacity;
};

/* Adds [first, first + count), merging with neighbours. Returns 0 or -ENOMEM. */
int kesu_ranges_add(struct kesu_range_list *list, uint64_t first, uint64_t count);

/* Adds every range of from to list. Returns 0 or -ENOMEM. */
int kesu_ranges_add_list(struct kesu_range_list *list, const struct kesu_range_list *from);

/* Total sectors in the list. */
uint64_t kesu_ranges_sectors(const struct kesu_range_list *list);

void kesu_ranges_free(struct kesu_range_list *list);
#endif

/* The byte-order helper (byteorder.h) and the monotonic clock (clock.c). */
#include <criterion/criterion.h>
#include <string.h>
#include <time.h>

#include "byteorder.h"
#include "kesu/clock.h"

static const uint8_t bytes[8] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};

Test(byteorder, loads_read_each_order_whatever_the_host)
{
	cr_assert_eq(kesu_load_be16(bytes), 0x0123);
	cr_assert_eq(kesu_load_be32(bytes), 0x01234567u);
	cr_assert_eq(kesu_load_be64(bytes), 0x0123456789abcdefull);
	cr_assert_eq(kesu_load_le16(bytes), 0x2301);
	cr_assert_eq(kesu_load_le32(bytes), 0x67452301u);
	cr_assert_eq(kesu_load_le64(bytes), 0xefcdab8967452301ull);
	/* high bits: no sign extension from a promoted byte */
	cr_assert_eq(kesu_load_be32(bytes + 4), 0x89abcdefu);
	cr_assert_eq(kesu_load_le16(bytes + 6), 0xefcd);
}

Test(byteorder, le24_reads_three_bytes_and_no_more)
{
	cr_assert_eq(kesu_load_le24(bytes), 0x452301u);
	cr_assert_eq(kesu_load_le24(bytes + 5), 0xefcdabu, "no sign extension");
	/* the byte after the field is not read into the value */
	const uint8_t buf[4] = {0x11, 0x22, 0x33, 0xff};
	cr_assert_eq(kesu_load_le24(buf), 0x332211u);
}

Test(byteorder, loads_work_at_any_alignment)
{
	uint8_t buf[16] = {0};
	for (size_t off = 0; off < 8; off++) {
		memset(buf, 0, sizeof(buf));
		memcpy(buf + off, bytes, 8);
		cr_assert_eq(kesu_load_be64(buf + off), 0x0123456789abcdefull, "offset %zu", off);
		cr_assert_eq(kesu_load_le64(buf + off), 0xefcdab8967452301ull, "offset %zu", off);
	}
}

Test(byteorder, stores_are_the_inverse_of_loads)
{
	uint8_t out[8];
	memset(out, 0, sizeof(out));
	kesu_store_be64(out, 0x0123456789abcdefull);
	cr_assert_arr_eq(out, bytes, 8);
	kesu_store_le64(out, 0xefcdab8967452301ull);
	cr_assert_arr_eq(out, bytes, 8);
	memset(out, 0, sizeof(out));
	kesu_store_be32(out, 0x01234567u);
	kesu_store_be16(out + 4, 0x89ab);
	kesu_store_le16(out + 6, 0xefcd);
	cr_assert_arr_eq(out, bytes, 8);
	memset(out, 0, sizeof(out));
	kesu_store_le32(out, 0x67452301u);
	cr_assert_arr_eq(out, bytes, 4);
	cr_assert_eq(out[4], 0, "a 32-bit store writes 4 bytes only");
}

Test(clock, monotonic_time_advances_and_durations_are_never_negative)
{
	uint64_t t0 = kesu_monotonic_ns();
	struct timespec nap = {0, 20 * 1000 * 1000};
	nanosleep(&nap, NULL);
	uint64_t t1 = kesu_monotonic_ns();
	cr_assert_gt(t1, t0);
	double s = kesu_seconds_since(t0);
	cr_assert_geq(s, 0.019, "%f", s);
	cr_assert_lt(s, 5.0, "%f", s);
	cr_assert_eq(kesu_seconds_since(t1 + 1000000000000ull), 0.0, "a start in the future is 0");
}

/* The pass writer against a simulated drive with injected faults. */
#include <criterion/criterion.h>

#include "kesu/error.h"
#include "pass_writer.h"
#include "sim_target.h"

static struct kesu_fill byte_fill(uint8_t b)
{
	struct kesu_fill f = {.kind = KESU_FILL_PATTERN, .pattern_len = 1};
	f.pattern[0] = b;
	return f;
}

static void assert_all(const struct sim_drive *d, uint64_t from, uint64_t to, uint8_t b)
{
	for (uint64_t i = from; i < to; i++)
		cr_assert_eq(d->data[i], b, "byte %llu is 0x%02x, wanted 0x%02x", (unsigned long long)i,
			     d->data[i], b);
}

static int run(struct sim_drive *d, const struct kesu_fill *fill, size_t request,
	       struct kesu_pass_outcome *out)
{
	struct kesu_target t = sim_target(d);
	struct kesu_pass_io io = {.target = &t, .fill = fill, .request = request, .retries = 2};
	return Kesu_pass_write(&io, 0, out);
}

Test(pass_writer, writes_every_byte_of_an_odd_sized_drive)
{
	/* 1 MiB + 3 sectors + 100 bytes: not a multiple of the request */
	uint64_t size = (1 << 20) + 3 * 512 + 100;
	struct sim_drive *d = sim_new(size, 512);
	struct kesu_fill f = byte_fill(0xff);
	struct kesu_pass_outcome out;
	cr_assert_eq(run(d, &f, 64 << 10, &out), 0);
	cr_assert_eq(out.state, KESU_PASS_DONE);
	cr_assert_eq(out.bytes_written, size);
	cr_assert_eq(out.offset_reached, size);
	cr_assert_eq(out.bad.count, 0);
	cr_assert_eq(d->syncs, 1, "one fdatasync at the end of the pass");
	assert_all(d, 0, size, 0xff);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, one_bad_sector_is_recorded_exactly_and_the_rest_written)
{
	struct sim_drive *d = sim_new(4 << 20, 512);
	d->bad_write[d->nbad_write++] = 3001;
	struct kesu_fill f = byte_fill(0x00);
	struct kesu_pass_outcome out;
	cr_assert_eq(run(d, &f, 1 << 20, &out), 0, "a recorded bad sector does not stop the pass");
	cr_assert_eq(out.state, KESU_PASS_DONE);
	cr_assert_eq(out.bad.count, 1);
	cr_assert_eq(out.bad.items[0].first, 3001);
	cr_assert_eq(out.bad.items[0].count, 1);
	cr_assert_eq(out.bytes_written, (4 << 20) - 512);
	assert_all(d, 0, 3001 * 512, 0x00);
	assert_all(d, 3001 * 512, 3002 * 512, 0x5a); /* untouched, as a bad sector would be */
	assert_all(d, 3002 * 512, 4 << 20, 0x00);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, enodata_counts_as_a_media_error_and_4k_sectors_are_the_unit)
{
	struct sim_drive *d = sim_new(8 << 20, 4096);
	d->media_errno = ENODATA; /* what NVMe media errors become */
	d->bad_write[d->nbad_write++] = 10;
	d->bad_write[d->nbad_write++] = 11;
	d->bad_write[d->nbad_write++] = 1500;
	struct kesu_fill f = byte_fill(0xaa);
	struct kesu_pass_outcome out;
	cr_assert_eq(run(d, &f, 1 << 20, &out), 0);
	cr_assert_eq(out.bad.count, 2, "adjacent bad sectors merge into one range");
	cr_assert_eq(out.bad.items[0].first, 10);
	cr_assert_eq(out.bad.items[0].count, 2);
	cr_assert_eq(out.bad.items[1].first, 1500);
	cr_assert_eq(out.bad.items[1].count, 1);
	assert_all(d, 12 * 4096, 1500 * 4096, 0xaa);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, short_writes_are_completed)
{
	struct sim_drive *d = sim_new(1 << 20, 512);
	d->max_per_call = 1000; /* not even a sector multiple */
	struct kesu_fill f = byte_fill(0x11);
	struct kesu_pass_outcome out;
	cr_assert_eq(run(d, &f, 256 << 10, &out), 0);
	cr_assert_eq(out.bytes_written, 1 << 20);
	assert_all(d, 0, 1 << 20, 0x11);
	cr_assert_gt(d->writes, 1000);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, transient_errors_are_retried)
{
	struct sim_drive *d = sim_new(1 << 20, 512);
	d->transient = 2; /* within the 2 retries */
	struct kesu_fill f = byte_fill(0x22);
	struct kesu_pass_outcome out;
	cr_assert_eq(run(d, &f, 1 << 20, &out), 0);
	cr_assert_eq(out.bad.count, 0);
	assert_all(d, 0, 1 << 20, 0x22);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, enospc_before_the_end_interrupts_with_the_offset_reached)
{
	struct sim_drive *d = sim_new(4 << 20, 512);
	d->full_at = 3 << 20;
	struct kesu_fill f = byte_fill(0x00);
	struct kesu_pass_outcome out;
	cr_assert_eq(run(d, &f, 1 << 20, &out), -ENOSPC);
	cr_assert_eq(out.state, KESU_PASS_INTERRUPTED);
	cr_assert_eq(out.offset_reached, 3 << 20);
	cr_assert_eq(d->syncs, 1, "what was written is still synced");
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, a_failed_sync_fails_the_pass)
{
	struct sim_drive *d = sim_new(1 << 20, 512);
	d->sync_errno = EIO;
	struct kesu_fill f = byte_fill(0x00);
	struct kesu_pass_outcome out;
	cr_assert_eq(run(d, &f, 1 << 20, &out), -EIO);
	cr_assert_eq(out.state, KESU_PASS_FAILED);
	cr_assert_eq(out.error, -EIO);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, cancel_interrupts_at_the_next_request)
{
	struct sim_drive *d = sim_new(4 << 20, 512);
	struct kesu_fill f = byte_fill(0x00);
	struct kesu_target t = sim_target(d);
	atomic_bool cancel = true;
	struct kesu_pass_io io = {.target = &t, .fill = &f, .request = 1 << 20, .cancel = &cancel};
	struct kesu_pass_outcome out;
	cr_assert_eq(Kesu_pass_write(&io, 0, &out), -KESU_EINTERRUPTED);
	cr_assert_eq(out.state, KESU_PASS_INTERRUPTED);
	cr_assert_eq(out.offset_reached, 0);
	assert_all(d, 0, 4 << 20, 0x5a);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, resumes_from_a_start_offset)
{
	struct sim_drive *d = sim_new(2 << 20, 512);
	struct kesu_fill f = byte_fill(0x77);
	struct kesu_target t = sim_target(d);
	struct kesu_pass_io io = {.target = &t, .fill = &f, .request = 1 << 20};
	struct kesu_pass_outcome out;
	cr_assert_eq(Kesu_pass_write(&io, 1 << 20, &out), 0);
	assert_all(d, 0, 1 << 20, 0x5a);
	assert_all(d, 1 << 20, 2 << 20, 0x77);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

Test(pass_writer, other_errors_fail_the_pass)
{
	struct sim_drive *d = sim_new(1 << 20, 512);
	d->media_errno = EINVAL; /* not a media error: no narrowing */
	d->bad_write[d->nbad_write++] = 5;
	struct kesu_fill f = byte_fill(0x00);
	struct kesu_pass_outcome out;
	cr_assert_eq(run(d, &f, 1 << 20, &out), -EINVAL);
	cr_assert_eq(out.state, KESU_PASS_FAILED);
	kesu_ranges_free(&out.bad);
	sim_free(d);
}

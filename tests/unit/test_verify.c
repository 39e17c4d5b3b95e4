/* Sampling plans (NIST SP 800-88 Rev.1 §4.7.3) and verification reads. */
#include <criterion/criterion.h>

#include "kesu/error.h"
#include "pattern.h"
#include "sim_target.h"
#include "verify_read.h"

static const uint8_t seed_a[32] = {1, 2, 3};
static const uint8_t seed_b[32] = {9, 8, 7};

static void assert_plan_sound(const struct kesu_verify_plan *p, uint64_t size, unsigned sector,
			      double percent)
{
	cr_assert_eq(p->subsections, 1000);
	cr_assert_eq(p->count, 2000, "two samples in each of 1000 subsections");
	cr_assert_eq(p->samples[0].offset, 0, "the first block is always read");
	const struct kesu_sample *last = &p->samples[p->count - 1];
	cr_assert_eq(last->offset + last->length, size, "the last block is always read");
	uint64_t total = 0;
	uint64_t sectors = size / sector;
	for (size_t i = 0; i < p->count; i++) {
		const struct kesu_sample *s = &p->samples[i];
		cr_assert_eq(s->offset % sector, 0);
		cr_assert_gt(s->length, 0);
		if (i)
			cr_assert_geq(s->offset, p->samples[i - 1].offset + p->samples[i - 1].length,
				      "samples %zu and %zu overlap", i - 1, i);
		/* each sample lies in its own subsection's half */
		uint64_t sub = i / 2;
		uint64_t a = sectors * sub / 1000 * sector, b = sectors * (sub + 1) / 1000 * sector;
		if (sub == 999)
			b = size;
		cr_assert(s->offset >= a && s->offset + s->length <= b, "sample %zu leaves its subsection", i);
		/* at least percent/2 of its subsection */
		cr_assert_geq((double)s->length, (double)(b - a) * percent / 200.0 - sector);
		total += s->length;
	}
	cr_assert_eq(total, p->bytes);
	cr_assert_geq((double)total, (double)size * percent / 100.0,
		      "coverage %.3f%% below %.1f%%", 100.0 * (double)total / (double)size, percent);
}

Test(verify_plan, nist_sampling_on_a_512_byte_drive)
{
	struct kesu_verify_plan p;
	uint64_t size = 1000204886016ULL; /* a "1 TB" drive */
	cr_assert_eq(kesu_verify_plan_make(size, 512, 10.0, seed_a, &p), 0);
	assert_plan_sound(&p, size, 512, 10.0);
	cr_assert_lt((double)p.bytes, size * 0.11, "not much more than asked");
	kesu_verify_plan_free(&p);
}

Test(verify_plan, other_percent_and_4k_sectors)
{
	struct kesu_verify_plan p;
	uint64_t size = 256ULL << 30;
	cr_assert_eq(kesu_verify_plan_make(size, 4096, 25.0, seed_a, &p), 0);
	assert_plan_sound(&p, size, 4096, 25.0);
	kesu_verify_plan_free(&p);
}

Test(verify_plan, odd_sized_image_includes_its_tail)
{
	struct kesu_verify_plan p;
	uint64_t size = (64ULL << 20) + 777;
	cr_assert_eq(kesu_verify_plan_make(size, 512, 10.0, seed_b, &p), 0);
	assert_plan_sound(&p, size, 512, 10.0);
	kesu_verify_plan_free(&p);
}

Test(verify_plan, deterministic_from_its_seed)
{
	struct kesu_verify_plan p1, p2, p3;
	uint64_t size = 8ULL << 30;
	kesu_verify_plan_make(size, 512, 10.0, seed_a, &p1);
	kesu_verify_plan_make(size, 512, 10.0, seed_a, &p2);
	kesu_verify_plan_make(size, 512, 10.0, seed_b, &p3);
	cr_assert_eq(p1.count, p2.count);
	cr_assert_eq(memcmp(p1.samples, p2.samples, p1.count * sizeof(p1.samples[0])), 0);
	size_t same = 0;
	for (size_t i = 1; i + 1 < p1.count; i++)
		same += p1.samples[i].offset == p3.samples[i].offset;
	cr_assert_lt(same, 100, "another seed gives other locations (%zu equal)", same);
	kesu_verify_plan_free(&p1);
	kesu_verify_plan_free(&p2);
	kesu_verify_plan_free(&p3);
}

Test(verify_plan, full_read_for_100_percent_and_tiny_drives)
{
	struct kesu_verify_plan p;
	cr_assert_eq(kesu_verify_plan_make(1ULL << 30, 512, 100.0, seed_a, &p), 0);
	cr_assert_eq(p.count, 1);
	cr_assert_eq(p.bytes, 1ULL << 30);
	kesu_verify_plan_free(&p);
	cr_assert_eq(kesu_verify_plan_make(1 << 20, 512, 10.0, seed_a, &p), 0);
	cr_assert_eq(p.count, 1, "2048 sectors cannot make 1000 subsections of 2 samples");
	kesu_verify_plan_free(&p);
	cr_assert_eq(kesu_verify_plan_make(1 << 20, 512, 0.0, seed_a, &p), -EINVAL);
}

static struct kesu_fill random_fill(void)
{
	struct kesu_fill f = {.kind = KESU_FILL_RANDOM};
	kesu_prng_init(&f.prng, seed_b);
	return f;
}

static int verify(struct sim_drive *d, const struct kesu_fill *f, double percent,
		  struct kesu_verify_outcome *out)
{
	struct kesu_target t = sim_target(d);
	struct kesu_verify_plan plan;
	cr_assert_eq(kesu_verify_plan_make(d->size, d->sector, percent, seed_a, &plan), 0);
	struct kesu_verify_io io = {.target = &t, .expect = f, .request = 256 << 10, .retries = 1};
	int rc = Kesu_verify_read(&io, &plan, out);
	kesu_verify_plan_free(&plan);
	return rc;
}

Test(verify_read, a_random_pass_verifies_by_regenerating_the_stream)
{
	struct sim_drive *d = sim_new(16 << 20, 512);
	struct kesu_fill f = random_fill();
	Kesu_fill_bytes(&f, 0, d->data, d->size);
	struct kesu_verify_outcome out;
	cr_assert_eq(verify(d, &f, 10.0, &out), 0);
	cr_assert_eq(out.mismatched.count, 0);
	cr_assert_geq(out.bytes_read, (16 << 20) / 10);
	Kesu_verify_outcome_free(&out);
	cr_assert_eq(verify(d, &f, 100.0, &out), 0);
	cr_assert_eq(out.bytes_read, 16 << 20);
	Kesu_verify_outcome_free(&out);
	sim_free(d);
}

Test(verify_read, a_changed_sector_is_reported_as_a_range)
{
	struct sim_drive *d = sim_new(16 << 20, 512);
	struct kesu_fill f = random_fill();
	Kesu_fill_bytes(&f, 0, d->data, d->size);
	d->data[5000 * 512 + 17] ^= 1;
	d->data[5001 * 512 + 3] ^= 1;
	d->data[d->size - 1] ^= 0x80; /* the last byte: always sampled */
	struct kesu_verify_outcome out;
	cr_assert_eq(verify(d, &f, 100.0, &out), -KESU_EVERIFY);
	cr_assert_eq(out.mismatched.count, 2);
	cr_assert_eq(out.mismatched.items[0].first, 5000);
	cr_assert_eq(out.mismatched.items[0].count, 2);
	cr_assert_eq(out.mismatched.items[1].first, (16 << 20) / 512 - 1);
	Kesu_verify_outcome_free(&out);
	cr_assert_eq(verify(d, &f, 10.0, &out), -KESU_EVERIFY, "the sampled read finds the last sector too");
	Kesu_verify_outcome_free(&out);
	sim_free(d);
}

Test(verify_read, unreadable_sectors_fail_verification)
{
	struct sim_drive *d = sim_new(4 << 20, 512);
	memset(d->data, 0, d->size);
	d->bad_read[d->nbad_read++] = 77;
	struct kesu_fill f = {.kind = KESU_FILL_PATTERN, .pattern_len = 1};
	struct kesu_verify_outcome out;
	cr_assert_eq(verify(d, &f, 100.0, &out), -KESU_EVERIFY);
	cr_assert_eq(out.unreadable.count, 1);
	cr_assert_eq(out.unreadable.items[0].first, 77);
	cr_assert_eq(out.mismatched.count, 0);
	cr_assert_eq(out.bytes_read, (4 << 20) - 512);
	Kesu_verify_outcome_free(&out);
	sim_free(d);
}

Test(pattern, multi_byte_patterns_keep_their_phase_at_any_offset)
{
	struct kesu_fill f = {.kind = KESU_FILL_PATTERN, .pattern = {0x92, 0x49, 0x24}, .pattern_len = 3};
	uint8_t whole[10007], part[5000];
	Kesu_fill_bytes(&f, 0, whole, sizeof(whole));
	for (size_t i = 0; i < sizeof(whole); i++)
		cr_assert_eq(whole[i], f.pattern[i % 3], "byte %zu", i);
	for (uint64_t off = 0; off < 7; off++) {
		Kesu_fill_bytes(&f, 1000 + off, part, sizeof(part));
		cr_assert_eq(memcmp(part, whole + 1000 + off, sizeof(part)), 0, "offset %llu",
			     (unsigned long long)(1000 + off));
	}
	Kesu_fill_bytes(&f, 5, part, 2);
	cr_assert(part[0] == 0x24 && part[1] == 0x92);
}

Test(ranges, merge_and_count)
{
	struct kesu_range_list l = {0};
	kesu_ranges_add(&l, 10, 2);
	kesu_ranges_add(&l, 20, 1);
	kesu_ranges_add(&l, 12, 3); /* touches 10..11 */
	kesu_ranges_add(&l, 5, 1);
	cr_assert_eq(l.count, 3);
	cr_assert(l.items[0].first == 5 && l.items[0].count == 1);
	cr_assert(l.items[1].first == 10 && l.items[1].count == 5);
	cr_assert(l.items[2].first == 20 && l.items[2].count == 1);
	kesu_ranges_add(&l, 6, 20); /* swallows everything after 5 */
	cr_assert_eq(l.count, 1);
	cr_assert(l.items[0].first == 5 && l.items[0].count == 21);
	cr_assert_eq(kesu_ranges_sectors(&l), 21);
	kesu_ranges_free(&l);
}
